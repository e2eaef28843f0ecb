"""Exports for other tools: ClaimReview JSON-LD, BibTeX, CSL-JSON and a spreadsheet-safe CSV.

* ``claimreview``: one schema.org ``ClaimReview`` per claim, rated on a
  declared 1-5 scale (:data:`RATING`): supported 5, partly_supported 4,
  mixed 3, weak_or_indirect 2, contradicted 1. Verdicts that are not a
  judgement of truth (no_evidence_found, not_yet_searched, untestable) carry
  no ``ratingValue``: their ``alternateName`` and explanation say what they
  are. ``alternateName`` is always the verdict itself.
* ``bibtex``: every citation, written with bibtexparser (v2), LaTeX specials escaped.
* ``csl-json``: every citation as CSL-JSON (Zotero, Pandoc, citeproc).
* ``csv``: claims with verdict, certainty, reason, careful wording and deciding
  citations; every cell made safe to open in a spreadsheet.
"""
from __future__ import annotations

import json
import re

import pandas as pd

from .check import Checker
from .files import csv_text, spreadsheet_safe
from .report import citation_link

FORMATS = ("claimreview", "bibtex", "csl-json", "csv")
RATING = {"supported": 5, "partly_supported": 4, "mixed": 3, "weak_or_indirect": 2, "contradicted": 1}
"""ClaimReview ratingValue per verdict (bestRating 5, worstRating 1); other verdicts have no value."""
BEST_RATING, WORST_RATING = 5, 1
ORGANIZATION = {"@type": "Organization", "name": "claimledger"}
CSL_TYPE = {"guideline": "report", "protocol": "article-journal", "expert_consensus": "report"}


def _s(value) -> str:
    return "" if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) else str(value).strip()


# ---- names -----------------------------------------------------------------------------------------------------

def parse_authors(row) -> tuple[list[dict], bool]:
    """Authors as ``[{"family", "given"} or {"literal"}]`` plus whether the list is cut short ("et al.").

    ``Tu JF`` (Vancouver style) becomes family Tu, given J. F.; a name without
    trailing initials (an organisation) stays whole as ``literal``.
    """
    names = [a.strip() for a in _s(row.get("authors")).split(";") if a.strip()]
    if not names and _s(row.get("first_author")):
        names = [_s(row.get("first_author")), "et al."]
    etal = any(n.lower().rstrip(".") in ("et al", "others") for n in names)
    out = []
    for n in names:
        if n.lower().rstrip(".") in ("et al", "others"):
            continue
        m = re.fullmatch(r"(.+?)\s+([A-Z]{1,4})", n)
        if m:
            out.append({"family": m.group(1), "given": " ".join(f"{c}." for c in m.group(2))})
        elif "," in n:
            family, given = (p.strip() for p in n.split(",", 1))
            out.append({"family": family, "given": given})
        else:
            out.append({"literal": n})
    return out, etal


# ---- ClaimReview -----------------------------------------------------------------------------------------------

def claimreview(ledger, checker: Checker | None = None) -> dict:
    """schema.org ClaimReview JSON-LD for every claim, as a ``@graph``."""
    checker = checker or Checker(ledger)
    docs = ledger.documents.set_index(ledger.documents["document_id"].astype(str), drop=False)
    mentions = ledger.mentions
    cit = ledger.citations.set_index(ledger.citations["citation_id"].astype(str), drop=False)
    graph = []
    for g in checker.grades.itertuples(index=False):
        cid = str(g.claim_id)
        verdict = str(g.verdict)
        appearances = []
        for doc_id in dict.fromkeys(mentions.loc[mentions["claim_id"].astype(str) == cid, "document_id"].astype(str)):
            d = docs.loc[doc_id] if doc_id in docs.index else None
            work = {"@type": "CreativeWork"}
            url = _s(d.get("url")) if d is not None else ""
            if url:
                work["url"] = url
            work["name"] = (_s(d.get("title")) if d is not None else "") or f"document {doc_id}"
            work["identifier"] = doc_id
            if d is not None and _s(d.get("site")):
                work["publisher"] = {"@type": "Organization", "name": _s(d.get("site"))}
            if d is not None and _s(d.get("author")):
                work["author"] = {"@type": "Person", "name": _s(d.get("author"))}
            if d is not None and _s(d.get("date")):
                work["datePublished"] = _s(d.get("date"))
            appearances.append(work)
        rating = {"@type": "Rating", "alternateName": verdict, "bestRating": BEST_RATING, "worstRating": WORST_RATING,
                  "ratingExplanation": _s(g.reason)}
        if verdict in RATING:
            rating["ratingValue"] = RATING[verdict]
        review = {
            "@type": "ClaimReview",
            "identifier": cid,
            "claimReviewed": str(g.statement),
            "reviewRating": rating,
            "itemReviewed": {"@type": "Claim", "appearance": appearances},
            "author": ORGANIZATION,
            "reviewBody": checker.claim_report(cid).wording,
        }
        cited = []
        for c in g.citations:
            if str(c) in cit.index:
                row = cit.loc[str(c)]
                art = {"@type": "ScholarlyArticle", "name": _s(row.get("title")), "identifier": str(c)}
                if citation_link(row):
                    art["url"] = citation_link(row)
                cited.append(art)
        if cited:
            review["citation"] = cited
        graph.append(review)
    return {"@context": "https://schema.org", "@graph": graph}


def claimreview_text(ledger, checker: Checker | None = None) -> str:
    return json.dumps(claimreview(ledger, checker), indent=2, ensure_ascii=False) + "\n"


# ---- BibTeX and CSL-JSON ---------------------------------------------------------------------------------------

_LATEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
          "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def latex_escape(text: str) -> str:
    """Escape LaTeX's special characters; other Unicode stays as it is (biber and modern BibTeX read UTF-8)."""
    return "".join(_LATEX.get(ch, ch) for ch in text)


def _bib_name(a: dict) -> str:
    if "literal" in a:
        return "{" + latex_escape(a["literal"]) + "}"
    return f"{latex_escape(a['family'])}, {latex_escape(a['given'])}" if a.get("given") else latex_escape(a["family"])


def bibtex_text(ledger) -> str:
    """Every citation as BibTeX (``@article`` with a journal, else ``@misc``), keyed by citation_id."""
    import bibtexparser
    from bibtexparser import model

    library = bibtexparser.Library()
    for row in ledger.citations.to_dict(orient="records"):
        authors, etal = parse_authors(row)
        fields = []

        def put(key: str, value: str, escape: bool = True, fields=fields) -> None:
            if value:
                fields.append(model.Field(key, latex_escape(value) if escape else value))

        names = [_bib_name(a) for a in authors] + (["others"] if etal else [])
        if names:
            fields.append(model.Field("author", " and ".join(names)))
        put("title", _s(row.get("title")))
        journal = _s(row.get("journal"))
        put("journal" if journal else "howpublished", journal)
        put("year", _s(row.get("year")), escape=False)
        put("doi", _s(row.get("doi")), escape=False)
        put("pmid", _s(row.get("pmid")), escape=False)
        url = _s(row.get("url")) or citation_link(row)
        put("url", url, escape=False)
        if str(row.get("retracted")) == "True":
            put("note", "Retracted")
        library.add(model.Entry("article" if journal else "misc", str(row["citation_id"]), fields))
    return bibtexparser.write_string(library)


def csl_json(ledger) -> list[dict]:
    """Every citation as a CSL-JSON item."""
    items = []
    for row in ledger.citations.to_dict(orient="records"):
        authors, _ = parse_authors(row)
        item = {"id": str(row["citation_id"]), "type": CSL_TYPE.get(_s(row.get("design")), "article-journal"),
                "title": _s(row.get("title"))}
        if authors:
            item["author"] = authors
        if _s(row.get("year")):
            item["issued"] = {"date-parts": [[int(float(_s(row.get("year"))))]]}
        for key, col in (("container-title", "journal"), ("DOI", "doi"), ("PMID", "pmid"), ("URL", "url")):
            if _s(row.get(col)):
                item[key] = _s(row.get(col))
        if "URL" not in item and citation_link(row):
            item["URL"] = citation_link(row)
        if str(row.get("retracted")) == "True":
            item["note"] = "Retracted"
        items.append(item)
    return items


def csl_json_text(ledger) -> str:
    return json.dumps(csl_json(ledger), indent=2, ensure_ascii=False) + "\n"


# ---- CSV -------------------------------------------------------------------------------------------------------

CSV_COLUMNS = ["claim_id", "statement", "category", "verdict", "certainty", "reason", "careful_wording", "citations",
               "citation_links", "documents", "n_mentions", "overridden", "override_reason"]


def claims_csv_text(ledger, checker: Checker | None = None) -> str:
    """Claims with their verdicts, one row each; every cell is spreadsheet-safe."""
    checker = checker or Checker(ledger)
    m = ledger.mentions
    by_claim = m.groupby(m["claim_id"].astype(str), sort=False)["document_id"].agg(lambda s: list(dict.fromkeys(s.astype(str))))
    n_mentions = m.groupby(m["claim_id"].astype(str), sort=False).size()
    cit = ledger.citations.set_index(ledger.citations["citation_id"].astype(str), drop=False)
    rows = []
    for g in checker.grades.itertuples(index=False):
        cid = str(g.claim_id)
        links = [citation_link(cit.loc[str(c)]) for c in g.citations if str(c) in cit.index]
        values = [cid, g.statement, g.category, str(g.verdict), g.certainty, g.reason, checker.claim_report(cid).wording,
                  " ".join(str(c) for c in g.citations), " ".join(x for x in links if x), " ".join(by_claim.get(cid, [])),
                  int(n_mentions.get(cid, 0)), "true" if g.overridden else "false", g.override_reason]
        rows.append([spreadsheet_safe(v) for v in values])
    return csv_text(CSV_COLUMNS, rows)


def export_text(ledger, fmt: str) -> str:
    """The export in format ``fmt`` (one of :data:`FORMATS`) as text."""
    if fmt == "claimreview":
        return claimreview_text(ledger)
    if fmt == "bibtex":
        return bibtex_text(ledger)
    if fmt == "csl-json":
        return csl_json_text(ledger)
    if fmt == "csv":
        return claims_csv_text(ledger)
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
