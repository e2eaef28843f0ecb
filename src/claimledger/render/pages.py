"""The report's HTML pages: the front page (``index.html``) and the claim audit cards (notebook 03).

Both come from templates in ``claimledger/templates`` with autoescaping on;
only http(s) links become links. Each audit card ends with the claim's Summary of
Findings card (:meth:`claimledger.Ledger.summary_of_findings`, ``sof_card.html.j2``).
"""
from __future__ import annotations

import pandas as pd

from ..citations import citation_link
from ..grading.verdicts import INFO
from ..templating import render, static


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
        cards.append({**{k: row[k] for k in ("claim_id", "statement", "certainty", "reason", "overridden", "override_reason")},
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


def index_html(ledger, grades: pd.DataFrame, notebooks: list[str], figures: list[str], status: pd.DataFrame | None,
               audit: str | None = None) -> str:
    """The report's front page: counts, the verdict table, links to notebooks, figures and the explorer.

    ``audit`` names the claim-audit page claims link to (None: claims are not linked).
    """
    counts = grades["verdict"].value_counts(sort=False)
    status_counts = [f"{n} {k}".replace("_", " ") for k, n in status["status"].value_counts().items()] if status is not None else []
    return render("index.html.j2", ledger=ledger, grades=grades.to_dict("records"), verdicts=INFO,
                  counts=[f"{n} {INFO[str(v)].label}" for v, n in counts.items() if n], notebooks=notebooks, figures=figures,
                  status=status.to_dict("records") if status is not None else None, status_counts=status_counts, audit=audit,
                  css=static("report.css"))
