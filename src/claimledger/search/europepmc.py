"""Europe PMC's REST search: ``GET /search?query=...&format=json&resultType=lite&pageSize=N&cursorMark=C``.

The answer holds ``hitCount``, ``nextCursorMark`` and ``resultList.result`` (each
with ``id``, ``source``, and where known ``pmid``, ``doi``, ``title``, ``pubYear``,
``journalTitle``). Paging follows ``cursorMark`` from ``*``; the last page echoes
the cursor back (or sends none). Date limits go into the query itself as
``(QUERY) AND FIRST_PDATE:[FROM TO TO]`` (``CREATION_DATE`` for re-checks: when the
record reached Europe PMC); the search row logs the query as typed and that
clause in ``filters``.
"""
from __future__ import annotations

from ..resolve.http import Client, FetchError
from .records import Record, SearchResult, clean_doi, clean_pmid, clean_text, clean_year

NAME, LABEL = "europepmc", "Europe PMC"
INTERFACE = "Europe PMC REST search (format=json, resultType=lite, cursorMark paging)"
PAGE = 1000
"""Europe PMC's largest page."""
DATE_FIELDS = {"pdat": "FIRST_PDATE", "edat": "CREATION_DATE"}


def _iso(date: str | None, default: str) -> str:
    if not date:
        return default
    parts = date.replace("-", "/").split("/")
    parts += ["01"] * (3 - len(parts)) if len(parts) < 3 else []
    return "-".join(p.zfill(2) for p in parts)


def date_clause(datetype: str, mindate: str | None, maxdate: str | None) -> str:
    """``FIRST_PDATE:[2020-01-01 TO 2024-12-31]`` ("" without dates)."""
    if not mindate and not maxdate:
        return ""
    return f"{DATE_FIELDS[datetype]}:[{_iso(mindate, '1800-01-01')} TO {_iso(maxdate, '3000-12-31')}]"


def _page(client: Client, query: str, cursor: str, size: int) -> dict:
    url = f"{client.config.europepmc_url}/search"
    data = client.get_json("europepmc", url, {"query": query, "format": "json", "resultType": "lite", "pageSize": str(size),
                                               "cursorMark": cursor})
    results = (data.get("resultList") or {}).get("result") if isinstance(data, dict) else None
    if not isinstance(results, list):
        said = data.get("errMsg") if isinstance(data, dict) else None
        raise FetchError(f"Europe PMC did not answer with a search result ({said or 'no resultList.result'})")
    try:
        data["hitCount"] = int(data.get("hitCount"))
    except (TypeError, ValueError):
        raise FetchError(f"Europe PMC's hitCount is {data.get('hitCount')!r}, not a number") from None
    return data


def authors_of(text) -> str:
    """Europe PMC's ``authorString`` ('Tu JF, Shi GX, Asano H.') as 'Tu JF; Shi GX; Asano H'."""
    return "; ".join(a.strip() for a in clean_text(text).rstrip(".").split(",") if a.strip())


def record_of(item: dict) -> Record | None:
    src, ident = clean_text(item.get("source"), 20).upper(), clean_text(item.get("id"), 100)
    if not src.isalpha() or not ident or " " in ident:
        return None
    return Record(source_id=f"{src}:{ident}", pmid=clean_pmid(item.get("pmid", "")), doi=clean_doi(item.get("doi", "")),
                  title=clean_text(item.get("title")), authors=authors_of(item.get("authorString")), year=clean_year(item.get("pubYear")), journal=clean_text(item.get("journalTitle")))


def search(client: Client, query: str, datetype: str, mindate: str | None, maxdate: str | None, max_records: int,
           page: int = PAGE) -> SearchResult:
    """Run one Europe PMC search, following cursorMark until the last page or ``max_records``."""
    clause = date_clause(datetype, mindate, maxdate)
    sent = f"({query}) AND {clause}" if clause else query
    res = SearchResult(NAME, INTERFACE, query, filters=f"query sent as ({query}) AND {clause}" if clause else "")
    cursor, records = "*", {}
    while True:
        data = _page(client, sent, cursor, min(page, max_records - len(records)) or 1)
        if res.hits is None:
            res.hits = data["hitCount"]
        elif data["hitCount"] != res.hits:
            res.notes.append(f"Europe PMC's hitCount changed from {res.hits} to {data['hitCount']} while paging.")
        for item in data["resultList"]["result"]:
            rec = record_of(item) if isinstance(item, dict) else None
            if rec is not None and len(records) < max_records:
                records.setdefault(rec.source_id, rec)
        nxt = data.get("nextCursorMark")
        if not data["resultList"]["result"] or not nxt or nxt == cursor or len(records) >= max_records:
            break
        cursor = str(nxt)
    if res.hits > max_records:
        res.notes.append(f"retrieved the first {len(records)} of {res.hits} hits (--max {max_records}).")
    res.ids = list(records)
    res.records = list(records.values())
    return res
