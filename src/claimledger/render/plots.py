"""matplotlib figures. Each function returns a Figure (never calls show()).

Colours: the Okabe-Ito palette, safe for the common kinds of colour blindness.
"""
from __future__ import annotations

import io
import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..files import write_atomic
from ..grading.scales import BACKGROUND, DESIGN_LABEL, DESIGNS, MIXED_STANCE, NOT_ADDRESSED, REFUTES, SUPPORTS
from ..grading.verdicts import INFO, VERDICTS
from ..ledger.summary import summarise
from ..templating import plural

OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000", "#999999"]
STANCE_STYLE = {  # colour, marker: distinct in hue, lightness and shape, so they read without colour vision too
    SUPPORTS: ("#009E73", "o"), MIXED_STANCE: ("#F0E442", "D"), "no_effect_shown": ("#56B4E9", "s"),
    REFUTES: ("#D55E00", "v"), NOT_ADDRESSED: ("#BBBBBB", "X")}
STANCE_COLOURS = {stance: colour for stance, (colour, _marker) in STANCE_STYLE.items()}
TIERS = [  # the evidence hierarchy (scales.DESIGNS) in five tiers, one Okabe-Ito colour each
    ("syntheses and guidelines", ("guideline", "systematic_review", "meta_analysis"), "#0072B2"),
    ("trials", ("rct",), "#009E73"),
    ("observational studies", ("cohort", "case_control", "cross_sectional", "case_series"), "#E69F00"),
    ("mechanism and preclinical studies", ("mechanistic_human", "animal", "in_vitro"), "#CC79A7"),
    ("reviews, opinion and protocols", ("narrative_review", "expert_consensus", "protocol"), "#999999"),
]
TIER_OF = {design: (name, colour) for name, designs, colour in TIERS for design in designs}
SINGLE_STUDY = frozenset({"rct", "cohort", "case_control", "cross_sectional", "case_series", "mechanistic_human", "animal", "in_vitro"})


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes, without a timestamp (the same data gives the same bytes)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    return buf.getvalue()


def _show_in_notebooks() -> None:
    """Let IPython show a returned Figure as one PNG. The figures are made without pyplot (so no backend shows
    them a second time when a cell ends), which also means no backend registered a display for them. Nothing is
    imported here: outside a running IPython shell (or while another thread is still importing IPython) it does
    nothing."""
    import sys
    get_ipython = getattr(sys.modules.get("IPython"), "get_ipython", None)
    shell = get_ipython() if get_ipython else None
    if shell is not None:
        shell.display_formatter.formatters["image/png"].for_type(Figure, png)


_show_in_notebooks()


def _fig(w=8, h=4.5):
    # Figures are made without pyplot: nothing is registered with a GUI or notebook backend, so a notebook
    # shows each returned figure once (its repr), never a second time when the cell ends.
    fig = Figure(figsize=(w, h), layout="constrained")
    return fig, fig.subplots()


def _empty(fig: Figure, message: str) -> Figure:
    """A figure that says why it has nothing to draw (never blank axes)."""
    ax = fig.subplots() if not fig.axes else fig.axes[0]
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True, fontsize=11)
    return fig


def claims_by_document(ledger) -> Figure:
    """Stacked bars: distinct claims each document makes, by category."""
    cd = summarise(ledger)["category_by_document"]
    if cd.empty or not cd.to_numpy().sum():
        return _empty(Figure(figsize=(8, 2), layout="constrained"), "No document has a recorded claim yet (mentions.csv is empty).")
    cd = cd[cd.sum(axis=1) > 0]
    fig, ax = _fig(max(5.0, min(10.0, 3.5 + 0.9 * cd.shape[1])), 4.5)
    bottom = np.zeros(cd.shape[1])
    for i, (cat, row) in enumerate(cd.iterrows()):
        ax.bar([str(c) for c in cd.columns], row.to_numpy(), bottom=bottom, label=str(cat), color=OKABE_ITO[i % len(OKABE_ITO)],
               edgecolor="white", width=0.6)
        bottom += row.to_numpy()
    ax.set_xlabel("document")
    ax.set_ylabel("distinct claims made")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title("Claims per document, by category")
    ax.legend(title="category", bbox_to_anchor=(1.01, 1), loc="upper left", frameon=False)
    return fig


def verdict_distribution(grades: pd.DataFrame) -> Figure:
    """Horizontal bars: how many claims get each verdict, claims about the intervention apart from background facts."""
    if grades.empty:
        return _empty(Figure(figsize=(8, 2), layout="constrained"), "The ledger has no claims yet.")
    background = grades["category"].astype(str) == BACKGROUND
    groups = [(("claim", "claims") , "about the intervention", grades[~background]), (("background fact", "background facts"), "", grades[background])]
    groups = [(f"{plural(len(g), *words)} {about}".strip(), g) for words, about, g in groups if len(g)]
    shown = [v for v in VERDICTS if (grades["verdict"].astype(str) == v).any()]
    fig = Figure(figsize=(9, 1.4 + 0.38 * len(shown)), layout="constrained")
    axes = fig.subplots(1, len(groups), squeeze=False, sharey=True)[0]
    top = max(int(g["verdict"].astype(str).value_counts().max()) for _, g in groups)
    for ax, (name, g) in zip(axes, groups):
        counts = g["verdict"].astype(str).value_counts().reindex(shown, fill_value=0)
        ax.barh([INFO[v].label for v in shown], counts.to_numpy(), color=[INFO[v].colour for v in shown],
                edgecolor="#333333", hatch=["//" if INFO[v].rating is None else "" for v in shown])
        for y, n in enumerate(counts.to_numpy()):
            ax.text(n + top * 0.02, y, str(int(n)), va="center")
        ax.set_xlim(0, top * 1.15 + 1)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("number of claims")
        ax.xaxis.get_major_locator().set_params(integer=True)
    axes[0].invert_yaxis()
    fig.suptitle("Verdicts (hatched: no judgement of evidence: none found, not yet searched, or untestable)", fontsize=10)
    return fig


def _evidence_cells(ledger) -> pd.DataFrame:
    """One row per (claim, design, stance): number of citations and of studies behind them."""
    lk = ledger.links.merge(ledger.citations[["citation_id", "design"]], on="citation_id", how="left")
    design = lk["design"].astype("string").fillna("")
    studies = lk["n_studies"].astype("Float64").fillna(1.0).astype(float) if "n_studies" in lk else pd.Series(1.0, index=lk.index)
    studies = studies.where(~design.isin(SINGLE_STUDY), 1.0)
    cells = pd.DataFrame({"claim_id": lk["claim_id"].astype(str), "design": design, "stance": lk["stance"].astype("string").fillna(""),
                          "studies": studies})
    return cells[cells["design"] != ""].groupby(["claim_id", "design", "stance"]).agg(
        citations=("studies", "size"), studies=("studies", "sum")).reset_index()


def _claim_rows(ledger, claim_ids: set[str]) -> tuple[list[str], list[tuple[int, str]]]:
    """Claims grouped by category (schema order), and where each category's header row goes."""
    claims = ledger.claims[ledger.claims["claim_id"].astype(str).isin(claim_ids)]
    order = [str(c) for c in ledger.schema.vocabulary("claims", "category")]
    rows, headers = [], []
    for cat in order + sorted(set(claims["category"].astype(str)) - set(order)):
        ids = claims.loc[claims["category"].astype(str) == cat, "claim_id"].astype(str).tolist()
        if ids:
            headers.append((len(rows), cat))
            rows += [""] + ids
    return rows, headers


def evidence_map(ledger) -> Figure:
    """Claims (rows, grouped by category) against study designs (columns, in evidence-hierarchy order).

    Colour and shape give the stance; marker area the number of studies behind the citations in a cell
    (a recorded ``n_studies``, 1 for a single-study design, 1 for a synthesis that does not say).
    """
    cells = _evidence_cells(ledger)
    if cells.empty:
        return _empty(Figure(figsize=(9, 2), layout="constrained"), "No evidence is linked to any claim yet (links.csv is empty).")
    designs = [d for d in DESIGNS if d in set(cells["design"])] + sorted(set(cells["design"]) - set(DESIGNS))
    rows, headers = _claim_rows(ledger, set(cells["claim_id"]))
    y_of = {c: i for i, c in enumerate(rows) if c}
    fig, ax = _fig(11, 2.2 + 0.2 * len(rows))
    stances = [s for s in STANCE_STYLE if s in set(cells["stance"])]
    offsets = {s: (i - (len(stances) - 1) / 2) * 0.14 for i, s in enumerate(stances)}
    area = lambda n: 12 + 24 * np.sqrt(np.asarray(n, dtype=float))  # area grows with the square root: 100 studies stay legible
    for s in stances:
        sub = cells[cells["stance"] == s]
        colour, marker = STANCE_STYLE[s]
        ax.scatter(sub["design"].map({d: i for i, d in enumerate(designs)}) + offsets[s], sub["claim_id"].map(y_of),
                   s=area(sub["studies"]), color=colour, marker=marker, edgecolor="#333333", linewidth=0.5, label=s.replace("_", " "))
    for at, cat in headers:
        ax.axhline(at - 0.5, color="#666666", linewidth=0.6)
    ax.set_xticks(range(len(designs)), [DESIGN_LABEL.get(d, d.replace("_", " ")) for d in designs], rotation=35, ha="right")
    ax.set_yticks(range(len(rows)), [r or cat.upper() for r, cat in zip(rows, _header_names(rows, headers))], fontsize=7)
    for label, row in zip(ax.get_yticklabels(), rows):
        if not row:
            label.set_fontweight("bold")
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(-0.6, len(designs) - 0.4)
    for x, d in enumerate(designs):
        ax.get_xticklabels()[x].set_color(TIER_OF.get(d, ("", "#333333"))[1])
    ax.set_xlabel("study design (evidence hierarchy, strongest first)")
    ax.set_title("Evidence map: each claim's cited evidence by study design")
    from matplotlib.lines import Line2D
    marks = [Line2D([], [], linestyle="", marker=STANCE_STYLE[s][1], markersize=8, markerfacecolor=STANCE_STYLE[s][0],
                    markeredgecolor="#333333", label=s.replace("_", " ")) for s in stances]
    first = ax.legend(handles=marks, title="stance", bbox_to_anchor=(1.01, 1), loc="upper left", frameon=False)
    ax.add_artist(first)
    sizes = [ax.scatter([], [], s=area(n), color="#DDDDDD", edgecolor="#333333", label=plural(n, "study", "studies")) for n in (1, 10, 50)]
    ax.legend(handles=sizes, title="studies behind a cell", bbox_to_anchor=(1.01, 0.6), loc="upper left", frameon=False, labelspacing=1.4)
    ax.grid(alpha=0.25)
    return fig


def _header_names(rows: list[str], headers: list[tuple[int, str]]) -> list[str]:
    names = dict(headers)
    return [names.get(i, "") for i in range(len(rows))]


def evidence_by_year(ledger) -> Figure:
    """Each cited publication as a dot: year (x) by study design (rows, in hierarchy order), coloured by tier."""
    c = ledger.citations.dropna(subset=["year"])
    if c.empty:
        return _empty(Figure(figsize=(8, 2), layout="constrained"), "No citation with a publication year is recorded yet.")
    designs = [d for d in DESIGNS if d in set(c["design"].astype(str))] + sorted(set(c["design"].astype(str)) - set(DESIGNS))
    fig, ax = _fig(9, 1.4 + 0.38 * len(designs))
    rng = np.random.default_rng(0)  # fixed jitter: the same ledger draws the same figure
    for y, d in enumerate(designs):
        years = c.loc[c["design"].astype(str) == d, "year"].astype(int).to_numpy()
        ax.scatter(years, y + rng.uniform(-0.18, 0.18, len(years)), s=28, color=TIER_OF.get(d, ("", "#333333"))[1],
                   edgecolor="#333333", linewidth=0.4, alpha=0.9)
        ax.text(1.01, y, str(len(years)), transform=ax.get_yaxis_transform(), va="center", fontsize=8)
    ax.set_yticks(range(len(designs)), [DESIGN_LABEL.get(d, d.replace("_", " ")) for d in designs])
    ax.set_ylim(len(designs) - 0.5, -0.5)
    first, last = int(c["year"].min()), int(c["year"].max())
    if last - first < 10:  # a few years: a window of at least ten, not matplotlib's default of a century
        middle = (first + last) / 2
        ax.set_xlim(middle - 5.5, middle + 5.5)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("publication year")
    ax.set_title(f"{plural(len(c), 'cited publication')} by year and design (number per design on the right)")
    ax.grid(axis="x", alpha=0.3)
    handles = [ax.scatter([], [], s=28, color=colour, edgecolor="#333333", label=name) for name, _d, colour in TIERS
               if any(TIER_OF.get(d, ("",))[0] == name for d in designs)]
    ax.legend(handles=handles, title="tier", bbox_to_anchor=(1.04, 1), loc="upper left", frameon=False, fontsize=8)
    return fig


RATIO_TICKS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.33, 0.5, 0.67, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 2, 3, 4, 5, 10, 20, 50, 100]


def _ratio_axis(ax, low: float, high: float) -> None:
    """A log axis labelled with plain numbers (0.8, 1, 1.25), at most seven of them, always including 1."""
    from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator, StrMethodFormatter
    low, high = min(low, 1.0), max(high, 1.0)
    ticks = [t for t in RATIO_TICKS if low / 1.05 <= t <= high * 1.05]
    while len(ticks) > 7:
        ticks = [t for i, t in enumerate(ticks) if t == 1 or i % 2 == 0]
    ax.set_xscale("log")
    ax.set_xlim(low / 1.08, high * 1.08)
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:g}"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_formatter(NullFormatter())


def _favours(ax, null: float, better: str, comparator: str) -> None:
    """'favours intervention' and 'favours <comparator>' on either side of the line of no effect, below the axis."""
    from matplotlib.transforms import blended_transform_factory
    left, right = ("intervention", comparator) if better == "lower" else (comparator, "intervention")
    where = blended_transform_factory(ax.transData, ax.transAxes)
    for text, side, ha in ((f"\u2190 favours {left}", -6, "right"), (f"favours {right} \u2192", 6, "left")):
        ax.annotate(text, xy=(null, 0), xycoords=where, xytext=(side, -34), textcoords="offset points", ha=ha, va="top",
                    fontsize=8, color="#333333")


def _forest_rows(e: pd.DataFrame, pooled: pd.DataFrame, weights: dict[str, float]) -> tuple[list[str], list[str]]:
    comp = e["comparator"].astype("string").fillna("comparator not recorded").str.replace("_", " ")
    outcome = e["outcome"].astype("string").fillna("").map(lambda t: textwrap.shorten(t, 48, placeholder="\u2026"))
    labels = [f"{c}\nvs {k}: {o}" for c, k, o in zip(e["citation_id"].astype(str), comp, outcome)]
    weight = (lambda c: f"  weight {weights[c]:.0f}%" if c in weights else "  not pooled (same trials)") if weights else (lambda c: "")
    values = [f"{v:.2f} [{lo:.2f}, {hi:.2f}]" + weight(c) + (f"\n{r}" if r else "") for v, lo, hi, r, c in
              zip(e["estimate"], e["ci_low"], e["ci_high"], e["rescaled"] if "rescaled" in e else [""] * len(e), e["citation_id"].astype(str))]
    for p in pooled.itertuples():
        labels.append(f"pooled ({p.method}), k={p.k}\n\u03c4\u00b2={p.tau2:.3g}, I\u00b2={p.i2:.0f}%")
        values.append(f"{p.estimate:.2f} [{p.ci_low:.2f}, {p.ci_high:.2f}]")
    return labels, values


def _forest_panel(ax, panel: str, e: pd.DataFrame, pooled: pd.DataFrame, note: str) -> None:
    ratio = str(e["measure"].iloc[0]) in ("RR", "OR", "HR")
    null = 1.0 if ratio else 0.0
    weights = {}
    for p in pooled.itertuples():
        weights.update(zip(p.citations.split(";"), map(float, p.weights.split(";"))))
    labels, values = _forest_rows(e, pooled, weights)
    y = np.arange(len(e))
    sizes = [20 + 2.5 * weights.get(c, 0.0) for c in e["citation_id"].astype(str)] if weights else 30
    ax.errorbar(e["estimate"], y, xerr=[e["estimate"] - e["ci_low"], e["ci_high"] - e["estimate"]], fmt="none",
                ecolor="#333333", capsize=3, linewidth=1.2)
    ax.scatter(e["estimate"], y, marker="s", s=sizes, color="#0072B2", zorder=3)
    for j, p in enumerate(pooled.itertuples()):
        yy = len(e) + j
        ax.fill([p.ci_low, p.estimate, p.ci_high, p.estimate], [yy, yy + 0.3, yy, yy - 0.3], color="#D55E00", zorder=3)
    lo = float(np.nanmin(np.r_[e["ci_low"], pooled["ci_low"] if len(pooled) else []]))
    hi = float(np.nanmax(np.r_[e["ci_high"], pooled["ci_high"] if len(pooled) else []]))
    if ratio:
        _ratio_axis(ax, lo, hi)
    else:
        span = max(hi, null) - min(lo, null) or 1.0
        ax.set_xlim(min(lo, null) - 0.08 * span, max(hi, null) + 0.08 * span)
    ax.axvline(null, color="#999999", linestyle="--", linewidth=1)
    rows = np.arange(len(labels))
    ax.set_yticks(rows, labels, fontsize=8)
    ax.set_ylim(len(labels) - 0.4, -0.6)
    right = ax.secondary_yaxis("right")
    right.set_yticks(rows, values, fontsize=8)
    right.tick_params(length=0)
    shown = panel.split(" (")[0]  # "MD, scale not recorded (citation)" is a panel of its own; the id is on the row
    ax.set_xlabel(f"{shown} (95% CI)" + (f"\n{note}" if note else ""), fontsize=9, labelpad=28 if _better(e) else 4)
    if _better(e):
        comps = set(e["comparator"].astype("string").fillna("comparator"))
        _favours(ax, null, _better(e), comps.pop().replace("_", " ") if len(comps) == 1 else "comparator")


def _better(e: pd.DataFrame) -> str:
    """The panel's favoured side when every estimate on it records the same one, else ''."""
    sides = set(e["better"].astype(str)) if "better" in e else {""}
    return sides.pop() if len(sides) == 1 else ""


def forest(estimates: pd.DataFrame, pooled: pd.DataFrame | None = None, title: str = "Reported effect estimates",
           notes: pd.DataFrame | None = None) -> Figure:
    """Forest plot: one panel per axis the estimates can share (measure and scale, see
    :func:`~claimledger.grading.synthesis.effect_estimates`), with the value and CI of each estimate on the right,
    "favours" labels on either side of the line of no effect (where the ledger records which side is better),
    ratio measures on a log axis with plain labels, and pooled estimates as diamonds with tau², I² and weights
    (square size). ``notes`` (:func:`~claimledger.grading.synthesis.pooling_notes`) puts the reason a panel was
    not pooled under it.

    Examples
    --------
    >>> est = effect_estimates(ledger.links, ledger.citations)  # doctest: +SKIP
    >>> sel = est[est["claim_id"] == "relieves-sciatica-pain"]  # doctest: +SKIP
    >>> forest(sel, pool_comparable(sel), notes=pooling_notes(sel))  # doctest: +SKIP
    """
    pooled = pooled if pooled is not None else pd.DataFrame(columns=["panel"])
    if "panel" not in estimates:
        estimates = estimates.assign(panel=estimates["measure"].astype(str))
    panels = list(dict.fromkeys(estimates["panel"].astype(str)))
    sizes = [len(estimates[estimates["panel"] == p]) + len(pooled[pooled["panel"] == p]) for p in panels]
    fig = Figure(figsize=(11, 1.0 + sum(0.55 * n + 1.3 for n in sizes)), layout="constrained")
    if not panels:
        return _empty(fig, "No effect estimates with a confidence interval are recorded.")
    axes = fig.subplots(len(panels), 1, squeeze=False, height_ratios=[n + 1.6 for n in sizes])[:, 0]
    for ax, panel in zip(axes, panels):
        e = estimates[estimates["panel"] == panel]
        pool = pooled[pooled["panel"] == panel] if len(pooled) else pooled
        note = ""
        if notes is not None and len(notes) and not len(pool):
            reasons = notes.loc[notes["panel"] == panel, "reason"]
            note = "; ".join(dict.fromkeys(reasons)) if len(reasons) else ""
        _forest_panel(ax, panel, e, pool, note)
    fig.suptitle(title, fontsize=11)
    return fig


def forests(estimates: pd.DataFrame, pooled: pd.DataFrame | None = None, notes: pd.DataFrame | None = None,
            claim_ids=None) -> dict[str, Figure]:
    """One forest plot per claim with estimates (claim_id -> Figure, in ledger order), or, when there are none,
    ``{"": figure}`` saying so.

    Examples
    --------
    >>> est = effect_estimates(ledger.links, ledger.citations)  # doctest: +SKIP
    >>> figs = forests(est, pool_comparable(est), pooling_notes(est))  # doctest: +SKIP
    """
    pooled = pooled if pooled is not None else pd.DataFrame(columns=["claim_id", "panel"])
    wanted = list(claim_ids) if claim_ids else list(dict.fromkeys(estimates["claim_id"].astype(str))) if len(estimates) else []
    figs = {}
    for cid in wanted:
        sel = estimates[estimates["claim_id"].astype(str) == cid]
        if len(sel):
            figs[cid] = forest(sel, pooled[pooled["claim_id"] == cid], title=f"{cid}: reported estimates",
                               notes=notes[notes["claim_id"] == cid] if notes is not None and len(notes) else None)
    if not figs:
        figs[""] = forest(estimates.iloc[0:0] if len(estimates) else pd.DataFrame(columns=["measure", "panel"]))
    return figs


def save(fig: Figure, path) -> None:
    """Write a PNG without a timestamp (the same data gives the same bytes), atomically: drawn in memory first."""
    write_atomic(path, png(fig))
