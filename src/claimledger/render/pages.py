"""The report's HTML pages: the front page (``index.html``) and the claim audit cards (notebook 03).

Both come from templates in ``claimledger/templates`` with autoescaping on;
only http(s) links become links. Each audit card ends with the claim's Summary of
Findings card (:meth:`claimledger.Ledger.summary_of_findings`, ``sof_card.html.j2``).
"""
from __future__ import annotations

import base64
import hashlib
import re

import pandas as pd

from ..citations import citation_link
from ..grading.scales import BACKGROUND, CERTAINTIES
from ..grading.verdicts import INFO, VERDICTS
from ..templating import plural, render, static


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) else str(value)


def audit_cards(ledger, grades: pd.DataFrame, claim_ids: list[str] | None = None) -> list[dict]:
    """One card per claim: statement, verdict and reason, its quotes, its evidence with links."""
    cits = ledger.citations.set_index(ledger.citations["citation_id"].astype(str), drop=False)
    g = grades.set_index("claim_id", drop=False)
    m_by = {str(k): v for k, v in ledger.mentions.groupby(ledger.mentions["claim_id"].astype(str), observed=True)}
    l_by = {str(k): v for k, v in ledger.links.groupby(ledger.links["claim_id"].astype(str), observed=True)}
    cards = []
    for cid in claim_ids or list(grades["claim_id"]):
        row = g.loc[cid]
        evidence = []
        for r in l_by.get(cid, pd.DataFrame()).to_dict("records"):
            c = cits.loc[str(r["citation_id"])] if str(r["citation_id"]) in cits.index else None
            evidence.append({**{k: _text(r.get(k)) for k in ("citation_id", "stance", "directness", "certainty", "finding")},
                             "design": _text(c["design"]) if c is not None else "", "link": citation_link(c) if c is not None else ""})
        quotes = m_by.get(cid, pd.DataFrame(columns=["document_id", "quote", "start", "end"]))
        cards.append({**{k: row[k] for k in ("claim_id", "statement", "reason", "overridden", "override_reason")}, "certainty": _text(row["certainty"]),
                      "verdict": str(row["verdict"]), "computed_verdict": str(row["computed_verdict"]),
                      "quotes": quotes[["document_id", "quote", "start", "end"]].to_dict("records"), "evidence": evidence,
                      "sof": ledger.summary_of_findings(cid).card()})
    return cards


def audit_html(ledger, grades: pd.DataFrame, claim_ids: list[str] | None = None) -> str:
    """The claim audit as HTML cards (shown by notebook 03), each with its Summary of Findings card. Every piece of
    ledger text is escaped."""
    return render("audit.html.j2", cards=audit_cards(ledger, grades, claim_ids), sof_css=static("sof.css"))


def sof_html(ledger, claim_ids: list[str] | None = None) -> str:
    """Summary of Findings cards as HTML (default: every claim), with their style.

    Examples
    --------
    >>> from IPython.display import HTML  # doctest: +SKIP
    >>> HTML(sof_html(ledger, ["decreases-daily-pain"]))  # doctest: +SKIP
    """
    ids = claim_ids if claim_ids is not None else ledger.claims["claim_id"].astype(str).tolist()
    return render("sof.html.j2", cards=[ledger.summary_of_findings(c).card() for c in ids], css=static("sof.css"))


def reason_parts(reason: str, links: dict[str, str]) -> list[dict]:
    """A reason split into text and the citation ids it names, each id with its record's link (``links``: id -> URL).

    >>> reason_parts("RCT a1 and b2.", {"a1": "https://doi.org/10.1/a"})
    [{'text': 'RCT ', 'link': ''}, {'text': 'a1', 'link': 'https://doi.org/10.1/a'}, {'text': ' and b2.', 'link': ''}]
    """
    ids = sorted((i for i in links if i and i in reason), key=len, reverse=True)
    if not ids:
        return [{"text": reason, "link": ""}]
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])")
    parts, at = [], 0
    for m in pattern.finditer(reason):
        if m.start() > at:
            parts.append({"text": reason[at:m.start()], "link": ""})
        parts.append({"text": m.group(1), "link": links[m.group(1)]})
        at = m.end()
    if at < len(reason):
        parts.append({"text": reason[at:], "link": ""})
    return parts


CAPTIONS = {"claims-by-document.png": "Claims per document, by category", "verdicts.png": "Verdicts",
            "evidence-map.png": "Evidence map: each claim's evidence by study design", "evidence-by-year.png": "Cited evidence by year and design",
            "prisma.png": "PRISMA 2020 flow for the whole ledger"}


def caption(figure: str) -> str:
    """A figure's caption on the front page, from its file name."""
    if figure in CAPTIONS:
        return CAPTIONS[figure]
    stem = figure.removesuffix(".png")
    for prefix, words in (("forest-", "Reported effect estimates: "), ("prisma-", "PRISMA 2020 flow: ")):
        if stem.startswith(prefix):
            return words + stem.removeprefix(prefix)
    return stem


def headline(grades: pd.DataFrame) -> list[dict]:
    """Verdict counts for claims about the intervention apart from background facts (a supported background fact
    says nothing about the intervention)."""
    background = grades["category"].astype(str) == BACKGROUND
    groups = []
    for title, sel in ((f"{plural(int((~background).sum()), 'claim')} about the intervention", ~background),
                       (plural(int(background.sum()), "background fact"), background)):
        if sel.any():
            counts = grades.loc[sel, "verdict"].astype(str).value_counts()
            groups.append({"title": title, "counts": [f"{counts[v]} {INFO[v].label}" for v in VERDICTS if counts.get(v, 0)]})
    return groups


def index_html(ledger, grades: pd.DataFrame, notebooks: list[str], figures: list[str], status: pd.DataFrame | None,
               audit: str | None = None, notebook_note: str | None = None) -> str:
    """The report's front page: counts, the verdict table (sortable and filterable in the browser), links to
    notebooks, figures and the explorer.

    ``audit`` names the claim-audit page claims link to (None: claims are not linked); ``notebook_note`` says why
    there are no notebooks, when there are none.
    """
    links = {str(c["citation_id"]): citation_link(c) for c in ledger.citations.to_dict("records")}
    rank = {v: i for i, v in enumerate(VERDICTS)}
    certainty_rank = {c: i for i, c in enumerate(CERTAINTIES)}
    rows = []
    for g in grades.to_dict("records"):
        certainty = _text(g["certainty"])
        rows.append({**g, "verdict": str(g["verdict"]), "certainty": certainty, "verdict_rank": rank[str(g["verdict"])],
                     "certainty_rank": certainty_rank.get(certainty, len(CERTAINTIES)),
                     "group": "background" if str(g["category"]) == BACKGROUND else "intervention",
                     "reason_parts": reason_parts(str(g["reason"]), links)})
    status_counts = [f"{n} {k}".replace("_", " ") for k, n in status["status"].value_counts().items()] if status is not None else []
    script = static("report.js")
    digest = "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return render("index.html.j2", ledger=ledger, grades=rows, verdicts=INFO, verdict_order=VERDICTS, headline=headline(grades),
                  notebooks=notebooks, notebook_note=notebook_note, figures=[(f, caption(f)) for f in figures],
                  status=status.to_dict("records") if status is not None else None, status_counts=status_counts, audit=audit,
                  css=static("report.css"), script=script, script_hash=digest)
