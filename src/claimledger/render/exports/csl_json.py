"""CSL-JSON: every citation as a CSL item (Zotero, Pandoc, citeproc)."""
from __future__ import annotations

import json

from ...citations import citation_link, parse_authors, safe_url
from ...citations import text as cell
from ...writers.reports import ClaimReports

CSL_TYPE = {"guideline": "report", "protocol": "article-journal", "expert_consensus": "report"}


def csl_json(ledger) -> list[dict]:
    """Every citation as a CSL-JSON item."""
    items = []
    for row in ledger.citations.to_dict(orient="records"):
        authors, _ = parse_authors(row)
        item = {"id": str(row["citation_id"]), "type": CSL_TYPE.get(cell(row.get("design")), "article-journal"),
                "title": cell(row.get("title"))}
        if authors:
            item["author"] = authors
        if cell(row.get("year")):
            item["issued"] = {"date-parts": [[int(float(cell(row.get("year"))))]]}
        for key, col in (("container-title", "journal"), ("DOI", "doi"), ("PMID", "pmid")):
            if cell(row.get(col)):
                item[key] = cell(row.get(col))
        if safe_url(row.get("url")):  # only http(s) URLs: a reference manager turns this into a link
            item["URL"] = safe_url(row.get("url"))
        if "URL" not in item and citation_link(row):
            item["URL"] = citation_link(row)
        if str(row.get("retracted")) == "True":
            item["note"] = "Retracted"
        items.append(item)
    return items


def export(ledger, reports: ClaimReports | None = None) -> str:
    """CSL-JSON as text."""
    return json.dumps(csl_json(ledger), indent=2, ensure_ascii=False) + "\n"
