"""The PRISMA 2020 flow diagram: drawn with matplotlib, and written as CSV for the PRISMA2020 R package.

The counts come from :mod:`claimledger.ledger.prisma`. The CSV uses the column
layout of the PRISMA2020 package's template (``data,node,box,description,boxtext,
tooltips,url,n``; one row per box, keyed by ``data``), as found in
prisma-flowdiagram/PRISMA2020 ``inst/extdata/PRISMA.csv`` (commit 0da129b4) and
read by its ``R/PRISMA_data.R`` (commit 4cdc0184), so ``PRISMA_data(read.csv(FILE))``
redraws our flow. Reasons go in ``n`` as ``Reason, n; Reason, n``, as that template
asks. Rows the package does not read (``awaiting_screening``,
``awaiting_assessment``, ``records_excluded_reasons``) carry counts it has no box for.
"""
from __future__ import annotations

import csv
import io
import textwrap
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from ..files import write_atomic
from ..ledger.prisma import Flow, prisma_flows
from ..templating import plural

COLUMNS = ["data", "node", "box", "description", "boxtext", "tooltips", "url", "n"]
NA = "NA"
OTHER_REASON = "Does not address the claim"


def _reasons(counts: dict[str, int]) -> str:
    return "; ".join(f"{k.replace('_', ' ').capitalize()}, {v}" for k, v in counts.items())


def _sources(f: Flow) -> str:
    """The logged sources of the searches that were not database searches, with their counts ("none" when none)."""
    return ", ".join(f"{k} ({v})" for k, v in f.other_sources.items()) or "none"


def prisma_rows(f: Flow) -> list[list]:
    """The flow as rows of the PRISMA2020 template (see the module docstring)."""
    site = (f"Other searches: {_sources(f)} ({plural(f.website_searches, 'search', 'searches')}; results read, not de-duplicated; "
            f"{f.website_uncounted} without a count)")
    rows = [
        (NA, "prevstud", "Grey title box; Previous studies", "Previous studies", 0),
        ("previous_studies", "box1", "Studies included in previous version of review", "Studies included in previous version of review", 0),
        ("previous_reports", "box1", "Reports of studies included in previous version of review", "Reports of studies included in previous version of review", 0),
        (NA, "newstud", "Yellow title box; Identification of new studies via databases and registers",
         "Identification of new studies via databases and registers", 0),
        ("database_results", "box2", "Records identified from: Databases", "Databases", f.database_results),
        ("database_specific_results", "box2", "Records identified per database", "Databases",
         "; ".join(f"{k}, {v}" for k, v in f.database_specific.items()) or "Databases, 0"),
        ("register_results", "box2", "Records identified from: Registers", "Registers", 0),
        (NA, "othstud", "Grey title box; Identification of new studies via other methods", "Identification of new studies via other methods", 0),
        ("website_results", "box11", "Records identified from: Websites", site, f.website_results),
        ("organisation_results", "box11", "Records identified from: Organisations", "Organisations", 0),
        ("citations_results", "box11", "Records identified from: Citation searching", "Citation searching", 0),
        ("duplicates", "box3", "Duplicate records (already screened for the claim, or already cited)", "Duplicate records", f.duplicates),
        ("excluded_automatic", "box3", "Records marked as ineligible by automation tools", "Records marked as ineligible by automation tools", 0),
        ("excluded_other", "box3", "Records removed for other reasons", "Records removed for other reasons", 0),
        ("records_screened", "box4", "Records screened (databases and registers)", "Records screened", f.records_screened),
        ("awaiting_screening", "box4", "Records awaiting a screening decision (not read by PRISMA2020)", "Awaiting screening", f.awaiting_screening),
        ("records_excluded", "box5", "Records excluded (databases and registers)", "Records excluded", f.records_excluded),
        ("records_excluded_reasons", "box5", "Records excluded, per reason (not read by PRISMA2020)", "Records excluded",
         _reasons(f.excluded_reasons)),
        ("dbr_sought_reports", "box6", "Reports sought for retrieval (databases and registers)", "Reports sought for retrieval", f.dbr_sought_reports),
        ("dbr_notretrieved_reports", "box7", "Reports not retrieved (databases and registers)", "Reports not retrieved", f.dbr_notretrieved_reports),
        ("other_sought_reports", "box12", "Reports sought for retrieval (other)", "Reports sought for retrieval", f.other_sought_reports),
        ("other_notretrieved_reports", "box13", "Reports not retrieved (other)", "Reports not retrieved", f.other_notretrieved_reports),
        ("dbr_assessed", "box8", "Reports assessed for eligibility (databases and registers)", "Reports assessed for eligibility", f.dbr_assessed),
        ("dbr_excluded", "box9", "Reports excluded (databases and registers)", "Reports excluded", f"{OTHER_REASON}, {f.dbr_excluded}"),
        ("awaiting_assessment", "box9", "Included records not assessed yet (not read by PRISMA2020)", "Awaiting assessment", f.awaiting_assessment),
        ("other_assessed", "box14", "Reports assessed for eligibility (other)", "Reports assessed for eligibility", f.other_assessed),
        ("other_excluded", "box15", "Reports excluded (other)", "Reports excluded", f"{OTHER_REASON}, {f.other_excluded}"),
        ("new_studies", "box10", "New studies included in review (claim-citation pairs)", "New studies included in review", f.new_studies),
        ("new_reports", "box10", "Reports of new included studies", "Reports of new included studies", f.new_studies),
        ("total_studies", "box16", "Total studies included in review (claim-citation pairs)", "Total studies included in review", f.total_studies),
        ("total_reports", "box16", "Reports of total included studies", "Reports of total included studies", f.total_studies),
        ("identification", "identification", "Blue identification box", "Identification", 0),
        ("screening", "screening", "Blue screening box", "Screening", 0),
        ("included", "included", "Blue included box", "Included", 0),
    ]
    return [[data, NA, box, desc, text, NA, NA, n] for data, box, desc, text, n in rows]


def prisma_csv(f: Flow) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    w.writerows(prisma_rows(f))
    return buf.getvalue()


def _box(ax, x, y, w, h, text, colour="#ffffff") -> None:
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.08", fc=colour, ec="#333333", lw=0.8))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=7.2, wrap=True)


def _arrow(ax, a, b) -> None:
    ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=9, lw=0.8, color="#333333"))


def _database_side(ax, f: Flow) -> None:
    per = "\n".join(f"{k} (n = {v})" for k, v in f.database_specific.items()) or "none run yet"
    _box(ax, 0.1, 10.2, 3.2, 1.6, f"Records identified from databases\n(n = {f.database_results}; {f.database_searches} searches)\n{per}")
    _box(ax, 3.5, 10.5, 2.1, 1.0, f"Duplicates removed\n(already screened or cited)\n(n = {f.duplicates})", "#f4f4f4")
    _box(ax, 0.1, 8.2, 3.2, 1.4, f"Records screened\n(n = {f.records_screened})\nAwaiting screening (n = {f.awaiting_screening})")
    why = "\n".join(f"{k.replace('_', ' ')} (n = {v})" for k, v in f.excluded_reasons.items())
    _box(ax, 3.5, 7.9, 2.1, 2.0, f"Records excluded\n(n = {f.records_excluded})" + (f"\n{why}" if why else ""), "#f4f4f4")
    _box(ax, 0.1, 6.3, 3.2, 1.1, f"Reports sought for retrieval\n(n = {f.dbr_sought_reports})")
    _box(ax, 3.5, 6.35, 2.1, 1.0, f"Reports not retrieved\n(n = {f.dbr_notretrieved_reports})", "#f4f4f4")
    _box(ax, 0.1, 4.4, 3.2, 1.1, f"Reports assessed for eligibility\n(n = {f.dbr_assessed})")
    _box(ax, 3.5, 4.1, 2.1, 1.7, f"Reports excluded (n = {f.dbr_excluded}):\ndoes not address the claim\nAwaiting assessment\n(n = {f.awaiting_assessment})", "#f4f4f4")
    for a, b in (((1.7, 10.2), (1.7, 9.6)), ((1.7, 8.2), (1.7, 7.4)), ((1.7, 6.3), (1.7, 5.5)), ((1.7, 4.4), (1.7, 3.0)),
                 ((3.3, 11.0), (3.5, 11.0)), ((3.3, 8.9), (3.5, 8.9)), ((3.3, 6.85), (3.5, 6.85)), ((3.3, 4.95), (3.5, 4.95))):
        _arrow(ax, a, b)


def _other_side(ax, f: Flow) -> None:
    _box(ax, 6.0, 10.2, 3.9, 1.6, f"Records identified from other methods\n{textwrap.shorten(_sources(f), 60, placeholder='…')}\n"
                                  f"({plural(f.website_searches, 'search', 'searches')}; n = {f.website_results} results read,\n"
                                  f"not de-duplicated, not logged one by one;\n{f.website_uncounted} without a count)", "#f7f7f7")
    _box(ax, 6.0, 6.3, 2.2, 1.1, f"Reports sought\nfor retrieval\n(n = {f.other_sought_reports})")
    _box(ax, 8.4, 6.35, 1.5, 1.0, f"Not retrieved\n(n = {f.other_notretrieved_reports})", "#f4f4f4")
    _box(ax, 6.0, 4.4, 2.2, 1.1, f"Reports assessed\n(n = {f.other_assessed})")
    _box(ax, 8.4, 4.25, 1.5, 1.4, f"Excluded\n(n = {f.other_excluded}):\ndoes not\naddress the claim", "#f4f4f4")
    for a, b in (((7.1, 10.2), (7.1, 7.4)), ((7.1, 6.3), (7.1, 5.5)), ((8.2, 6.85), (8.4, 6.85)), ((8.2, 4.95), (8.4, 4.95)),
                 ((7.1, 4.4), (5.0, 3.0))):
        _arrow(ax, a, b)


def prisma_figure(f: Flow, title: str = "") -> Figure:
    """The flow as a PRISMA 2020 diagram (a matplotlib Figure, never shown)."""
    fig = Figure(figsize=(10, 8.2))
    ax = fig.add_axes((0, 0, 1, 0.95))
    ax.set_xlim(0, 10)
    ax.set_ylim(1, 12)
    ax.axis("off")
    ax.text(1.7, 11.9, "Identification via databases", ha="center", va="bottom", fontsize=8, weight="bold")
    ax.text(7.95, 11.9, "Identification via other methods", ha="center", va="bottom", fontsize=8, weight="bold")
    _database_side(ax, f)
    _other_side(ax, f)
    _box(ax, 0.1, 1.4, 9.8, 1.6, f"Studies included (n = {f.total_studies}): from databases {f.new_studies}, by other methods "
                                 f"{f.other_included}\ncounted as claim-citation pairs with a stance other than not_addressed", "#eef5ee")
    fig.suptitle(title or f"PRISMA 2020 flow: {f.label}", fontsize=10)
    return fig


def write_prisma(ledger, out: str | Path, figures: str = "figures") -> list[str]:
    """Write the ledger-wide flow (figure and CSV) and one CSV per claim (plus a figure for claims with screened
    records) under ``out``; returns the paths written, relative to ``out``."""
    out = Path(out)
    total, flows = prisma_flows(ledger)
    written = []
    for name, flow, draw in [("prisma", total, True)] + [(f"prisma-{cid}", f, f.database_searches > 0) for cid, f in flows.items()]:
        write_atomic(out / "prisma" / f"{name}.csv", prisma_csv(flow))
        written.append(f"prisma/{name}.csv")
        if draw:
            fig = prisma_figure(flow)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=110)
            write_atomic(out / figures / f"{name}.png", buf.getvalue())
            written.append(f"{figures}/{name}.png")
    return written
