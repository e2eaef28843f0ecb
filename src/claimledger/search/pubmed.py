"""PubMed through NCBI E-utilities: ESearch (paged with retstart) for the ids, ESummary for the records.

``esearch.fcgi?db=pubmed&term=...&retmode=json&retstart=K&retmax=N`` answers
``{"esearchresult": {"count", "retmax", "retstart", "idlist", "querytranslation",
"translationset", "warninglist", "errorlist"}}``. ESearch serves only the first
10,000 ids of a result (NCBI: "ESearch can only retrieve the first 10,000
records matching the query"); a larger result is cut there and the search row
says so. Date limits (``datetype``, ``mindate``, ``maxdate``) pin a search so that
it can be repeated: without them PubMed's count drifts from day to day. Pacing,
retries, Retry-After, timeouts, ``tool``/``email``/``api_key`` and key redaction
come from the resolver's HTTP client; ESummary batches reuse the resolver's.
"""
from __future__ import annotations

from ..resolve import pubmed as resolve_pubmed
from ..resolve.http import Client, FetchError
from .records import Record, SearchResult, clean_doi, clean_pmid, clean_text, clean_year

NAME, LABEL = "pubmed", "PubMed"
INTERFACE = "PubMed E-utilities esearch + esummary (JSON)"
ESEARCH_CEILING = 10_000
PAGE = 500
SUMMARY_BATCH = 200


def filters_text(datetype: str, mindate: str | None, maxdate: str | None) -> str:
    """The limits as logged, e.g. ``datetype=pdat; mindate=2020/01/01; maxdate=2024/12/31`` ("" without dates)."""
    if not mindate and not maxdate:
        return ""
    return f"datetype={datetype}; mindate={mindate or '1800'}; maxdate={maxdate or '3000'}"


def _esearch_page(client: Client, query: str, start: int, size: int, dates: dict) -> dict:
    config = client.config
    data = client.get_json("pubmed", f"{config.ncbi_url}/esearch.fcgi",
                           resolve_pubmed.eutils_params(config, db="pubmed", term=query, retstart=str(start), retmax=str(size), **dates), "POST")
    result = data.get("esearchresult") if isinstance(data, dict) else None
    if not isinstance(result, dict) or result.get("ERROR") or not isinstance(result.get("idlist"), list):
        said = (result or {}).get("ERROR") if isinstance(result, dict) else None
        raise FetchError(f"PubMed did not answer with an ESearch result ({said or 'no esearchresult.idlist'})")
    try:
        result["count"] = int(result.get("count"))
    except (TypeError, ValueError):
        raise FetchError(f"PubMed's ESearch count is {result.get('count')!r}, not a number") from None
    return result


def _messages(result: dict) -> list[str]:
    """Warnings and errors PubMed attached to the search (phrases not found, ignored, output messages)."""
    out = []
    for key in ("errorlist", "warninglist"):
        block = result.get(key)
        if isinstance(block, dict):
            for kind, items in block.items():
                items = [clean_text(i, 200) for i in items or [] if isinstance(i, str) and i.strip()]
                if items:
                    out.append(f"PubMed {kind}: {'; '.join(items)}")
    return out


def search_ids(client: Client, query: str, dates: dict, max_records: int, page: int = PAGE) -> SearchResult:
    """The ids of a PubMed search, paged with retstart up to ``max_records`` (and the 10,000 ceiling)."""
    first = _esearch_page(client, query, 0, min(page, max_records), dates)
    count = first["count"]
    res = SearchResult(NAME, INTERFACE, query, clean_text(first.get("querytranslation", ""), 4000), hits=count)
    res.notes += _messages(first)
    want = min(count, max_records, ESEARCH_CEILING)
    if count > ESEARCH_CEILING and max_records > ESEARCH_CEILING:
        res.notes.append(f"PubMed reports {count} hits but ESearch serves only the first {ESEARCH_CEILING:,}; "
                         "retrieved those. Split the search by date to retrieve the rest.")
    elif count > max_records:
        res.notes.append(f"retrieved the first {max_records} of {count} hits (--max {max_records}).")
    seen: dict[str, None] = {}
    batch = first
    while True:
        for i in batch["idlist"]:
            pmid = clean_pmid(i)
            if pmid and len(seen) < want:
                seen.setdefault(pmid, None)
        start = int(batch.get("retstart", 0) or 0) + len(batch["idlist"])
        if len(seen) >= want or not batch["idlist"] or start >= ESEARCH_CEILING:
            break
        batch = _esearch_page(client, query, start, min(page, want - len(seen), ESEARCH_CEILING - start), dates)
        if batch["count"] != count:
            res.notes.append(f"PubMed's count changed from {count} to {batch['count']} while paging (records added or "
                             "removed meanwhile); the ids are those of the pages as served.")
            count = batch["count"]
    res.ids = list(seen)
    if len(res.ids) < want:
        res.notes.append(f"PubMed served {len(res.ids)} ids where {want} were expected.")
    return res


def authors_of(doc: dict) -> str:
    """'Surname AB; Surname CD' from an ESummary document's authors (people, not collective names, when both exist)."""
    names = [a for a in doc.get("authors") or [] if isinstance(a, dict) and isinstance(a.get("name"), str)]
    people = [a for a in names if a.get("authtype", "Author") == "Author"] or names
    return "; ".join(clean_text(a["name"], 200) for a in people[:50])


def record_of(doc: dict) -> Record:
    pmid = clean_pmid(doc.get("uid"))
    return Record(source_id=pmid, pmid=pmid, doi=clean_doi(resolve_pubmed.doi_of(doc)), title=clean_text(doc.get("title")),
                  authors=authors_of(doc),
                  year=clean_year(doc.get("pubdate")) or clean_year(doc.get("epubdate")),
                  journal=clean_text(doc.get("source") or doc.get("fulljournalname")))


def summaries(client: Client, pmids: list[str]) -> list[Record]:
    """ESummary records for the ids, in their order (batches of 200; a batch cut short is a fault)."""
    out: dict[str, Record] = {}
    for k in range(0, len(pmids), SUMMARY_BATCH):
        batch = pmids[k:k + SUMMARY_BATCH]
        answer = resolve_pubmed.fetch_summaries(client, batch)
        if answer.absent:
            raise FetchError(answer.reason)
        for pmid, doc in answer.found.items():
            if isinstance(doc, dict):
                out[pmid] = record_of(doc)
        out.update({p: Record(source_id=p, pmid=p, title="(PubMed has no summary for this PMID)") for p in answer.missing})
    return [out[p] for p in pmids if p in out]


def search(client: Client, query: str, datetype: str, mindate: str | None, maxdate: str | None, max_records: int,
           page: int = PAGE) -> SearchResult:
    """Run one PubMed search: ids (paged), then their summaries."""
    dates = {"datetype": datetype, "mindate": mindate or "1800", "maxdate": maxdate or "3000"} if (mindate or maxdate) else {}
    res = search_ids(client, query, dates, max_records, page)
    res.filters = filters_text(datetype, mindate, maxdate)
    res.records = summaries(client, res.ids) if res.ids else []
    return res
