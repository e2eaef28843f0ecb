"""schema.org ClaimReview JSON-LD: one review per claim, rated on a declared 1-5 scale.

The rating of each verdict comes from the verdict table
(:data:`~claimledger.grading.verdicts.VERDICT_TABLE`): supported 5,
partly_supported 4, mixed 3, weak_or_indirect 2, contradicted 1. Verdicts that
are not a judgement of truth (nothing found, not searched, untestable) carry no
``ratingValue``: their ``alternateName`` and explanation say what they are.
``alternateName`` is always the verdict itself.
"""
from __future__ import annotations

import json

from ...citations import citation_link, id_list, safe_url
from ...citations import text as cell
from ...grading.verdicts import info
from ...writers.reports import ClaimReports

BEST_RATING, WORST_RATING = 5, 1
ORGANIZATION = {"@type": "Organization", "name": "claimledger"}


def claimreview(ledger, reports: ClaimReports | None = None) -> dict:
    """schema.org ClaimReview JSON-LD for every claim, as a ``@graph``."""
    reports = reports or ClaimReports(ledger)
    docs = ledger.documents.set_index(ledger.documents["document_id"].astype(str), drop=False)
    mentions = ledger.mentions
    cit = ledger.citations.set_index(ledger.citations["citation_id"].astype(str), drop=False)
    graph = []
    for g in reports.grades.itertuples(index=False):
        cid = str(g.claim_id)
        verdict = str(g.verdict)
        appearances = []
        for doc_id in dict.fromkeys(mentions.loc[mentions["claim_id"].astype(str) == cid, "document_id"].astype(str)):
            d = docs.loc[doc_id] if doc_id in docs.index else None
            work = {"@type": "CreativeWork"}
            url = safe_url(d.get("url")) if d is not None else ""
            if url:
                work["url"] = url
            work["name"] = (cell(d.get("title")) if d is not None else "") or f"document {doc_id}"
            work["identifier"] = doc_id
            if d is not None and cell(d.get("site")):
                work["publisher"] = {"@type": "Organization", "name": cell(d.get("site"))}
            if d is not None and cell(d.get("author")):
                work["author"] = {"@type": "Person", "name": cell(d.get("author"))}
            if d is not None and cell(d.get("date")):
                work["datePublished"] = cell(d.get("date"))
            appearances.append(work)
        rating = {"@type": "Rating", "alternateName": verdict, "bestRating": BEST_RATING, "worstRating": WORST_RATING,
                  "ratingExplanation": cell(g.reason)}
        if info(verdict).rating is not None:
            rating["ratingValue"] = info(verdict).rating
        review = {
            "@type": "ClaimReview",
            "identifier": cid,
            "claimReviewed": str(g.statement),
            "reviewRating": rating,
            "itemReviewed": {"@type": "Claim", "appearance": appearances},
            "author": ORGANIZATION,
            "reviewBody": reports.report(cid).wording,
        }
        cited = []
        for c in id_list(g.citations):
            if str(c) in cit.index:
                row = cit.loc[str(c)]
                art = {"@type": "ScholarlyArticle", "name": cell(row.get("title")), "identifier": str(c)}
                if citation_link(row):
                    art["url"] = citation_link(row)
                cited.append(art)
        if cited:
            review["citation"] = cited
        graph.append(review)
    return {"@context": "https://schema.org", "@graph": graph}


def export(ledger, reports: ClaimReports | None = None) -> str:
    """ClaimReview JSON-LD as text."""
    return json.dumps(claimreview(ledger, reports), indent=2, ensure_ascii=False) + "\n"
