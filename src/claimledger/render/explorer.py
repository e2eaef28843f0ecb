"""The claim explorer: one static, self-contained HTML page of every claim (``reports/explorer/index.html``).

The page works opened from disk (``file://``) with no server and no network:
CSS and JavaScript are inline, and the ledger data is embedded as JSON in a
``<script type="application/json">`` element in which ``<``, ``>`` and ``&``
are written as ``\\u003c``, ``\\u003e``, ``\\u0026``, so no text can close the
element. The script renders everything with ``textContent`` and
``createElement``, never ``innerHTML``; a Content-Security-Policy forbids any
request. A search box and filters by verdict, category and document narrow
the list; each claim is a card that opens to its quotes, verdict, reason,
careful wording and citations with DOI or PubMed links.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..citations import citation_link, format_citation, id_list
from ..files import write_atomic
from ..grading.verdicts import VERDICT_TABLE
from ..templating import render, static
from ..writers.checker import POSSIBLE
from ..writers.match import ClaimIndex
from ..writers.reports import ClaimReports


def _s(value) -> str:
    return "" if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) else str(value)


def site_data(ledger, reports: ClaimReports | None = None) -> dict:
    """Everything the page shows, as plain JSON-ready data."""
    reports = reports or ClaimReports(ledger)
    index = ClaimIndex.from_ledger(ledger)
    docs = ledger.documents
    doc_label = {}
    for d in docs.itertuples(index=False):
        doc_label[str(d.document_id)] = _s(d.title) or _s(d.site)
    m = ledger.mentions
    quotes_by_claim: dict[str, list[dict]] = {}
    for row in m.itertuples(index=False):
        quotes_by_claim.setdefault(str(row.claim_id), []).append(
            {"document_id": str(row.document_id), "quote": _s(row.quote), "mention_id": str(row.mention_id)})
    cit = ledger.citations.set_index(ledger.citations["citation_id"].astype(str), drop=False)
    links = ledger.links
    claims = []
    for g in reports.grades.itertuples(index=False):
        cid = str(g.claim_id)
        deciding = id_list(g.citations)
        evidence = []
        mine = links[links["claim_id"].astype(str) == cid]
        order = {c: i for i, c in enumerate(deciding)}
        for lk in sorted(mine.itertuples(index=False), key=lambda r: order.get(str(r.citation_id), len(order))):
            c = cit.loc[str(lk.citation_id)] if str(lk.citation_id) in cit.index else None
            evidence.append({
                "citation_id": str(lk.citation_id), "stance": _s(lk.stance), "directness": _s(lk.directness),
                "certainty": _s(lk.certainty), "finding": _s(lk.finding), "deciding": str(lk.citation_id) in order,
                "text": format_citation(c) if c is not None else str(lk.citation_id),
                "link": citation_link(c) if c is not None else "",
                "retracted": c is not None and _s(c["retracted"]) == "True",
            })
        quotes = quotes_by_claim.get(cid, [])
        report = reports.report(cid)
        claims.append({
            "id": cid, "statement": str(g.statement), "category": str(g.category), "verdict": str(g.verdict),
            "certainty": _s(g.certainty), "reason": _s(g.reason), "wording": report.wording,
            "overridden": bool(g.overridden), "override_reason": _s(g.override_reason),
            "documents": sorted({q["document_id"] for q in quotes}), "quotes": quotes, "evidence": evidence,
        })
    return {
        "title": "Claim explorer",
        "claims": claims,
        "documents": [{"id": k, "label": v} for k, v in doc_label.items()],
        "verdicts": [{"id": v.verdict.value, "label": v.label, "colour": v.colour, "text": v.text_colour} for v in VERDICT_TABLE],
        "categories": sorted({c["category"] for c in claims}),
        "index": index.portable(), "index_claims": index.claim_ids, "possible": POSSIBLE,
    }


def explorer_html(data: dict) -> str:
    """The explorer page for :func:`site_data`'s data (template ``explorer.html.j2``)."""
    return render("explorer.html.j2", data=data, css=static("explorer.css"), js=static("explorer.js"), matcher=static("stemmer.js") + static("matcher.js"))


def write_explorer(ledger, out_dir: str | Path, reports: ClaimReports | None = None) -> Path:
    """Write the claim explorer to ``out_dir/index.html`` (atomically) and return its path.

    Examples
    --------
    >>> write_explorer(claimledger.load("."), "reports/explorer")  # doctest: +SKIP
    PosixPath('reports/explorer/index.html')
    """
    path = Path(out_dir) / "index.html"
    write_atomic(path, explorer_html(site_data(ledger, reports)))
    return path
