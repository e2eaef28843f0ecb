"""Crossref REST API: batched look-up of DOIs and parsing of work records.

Many DOIs go in one list query, ``/works?filter=doi:A,doi:B,...``. Crossref
silently leaves out the DOIs it does not hold, so a DOI missing from a complete
answer (``total-results`` equal to the items returned) is *not found*; if the
answer is cut short, the missing DOIs are a fault and nothing is stored for them.
Crossref reads at most 4,096 bytes of request line (CrossRef/rest-api-doc#251),
so batches are packed by URL length, not by count alone.

Retractions, expressions of concern and corrections come from ``updated-by``
(publisher deposits and Retraction Watch entries, ``source: retraction-watch``),
plus a ``RETRACTED:`` title prefix.
"""
from __future__ import annotations

from urllib.parse import urlencode

from .compare import CONCERN, CORRECTION, RETRACTION, Notice, Work, normalise_doi, year_of
from .config import Config
from .http import Answer, Client, FetchError

NAME, LABEL = "crossref", "Crossref"
SELECT = ("DOI,title,subtitle,author,container-title,short-container-title,issued,published,"
          "published-print,published-online,type,updated-by")
MAX_URL = 4000
MAX_BATCH = 100

# Crossref update types (https://www.crossref.org/documentation/crossmark/participating-in-crossmark/)
UPDATE_KINDS = {
    "retraction": RETRACTION, "partial_retraction": RETRACTION, "withdrawal": RETRACTION, "removal": RETRACTION,
    "expression_of_concern": CONCERN,
    "correction": CORRECTION, "erratum": CORRECTION, "corrigendum": CORRECTION,
}


def _params(dois: list[str], email: str | None) -> dict:
    params = {"filter": ",".join(f"doi:{d}" for d in dois), "rows": str(len(dois)), "select": SELECT}
    if email:
        params["mailto"] = email
    return params


def list_url(base: str) -> str:
    return f"{base}/works"


def lookup_url(base: str, doi: str) -> str:
    """The URL that looks up one DOI the way the resolver does (for the cache's provenance)."""
    return f"{list_url(base)}?{urlencode({'filter': f'doi:{doi}'}, safe=':/')}"


def plan_batches(base: str, dois: list[str], email: str | None = None) -> list[list[str]]:
    """Split DOIs into batches whose request URL stays under :data:`MAX_URL` bytes.

    >>> [len(b) for b in plan_batches("https://api.crossref.org", [f"10.1000/{i:06d}" for i in range(150)])]
    [100, 50]
    >>> [len(b) for b in plan_batches("https://api.crossref.org", [f"10.1016/j.long-journal-name.2024.{i:06d}" for i in range(150)])]
    [75, 75]
    """
    batches: list[list[str]] = []
    current: list[str] = []
    for doi in dois:
        trial = current + [doi]
        if current and (len(trial) > MAX_BATCH or len(list_url(base)) + 1 + len(urlencode(_params(trial, email))) > MAX_URL):
            batches.append(current)
            trial = [doi]
        current = trial
    if current:
        batches.append(current)
    return batches


def fetch_batch(client: Client, dois: list[str]) -> Answer:
    """Look up DOIs in one request: the items found, the DOIs Crossref does not hold.

    DOIs are compared lower-case. When the answer is cut short
    (``total-results`` above the items sent), the DOIs it lacks are ``absent``:
    nothing is known about them. Raises :class:`FetchError` when the answer is
    not a Crossref work list.
    """
    data = client.get_json("crossref", list_url(client.config.crossref_url), _params(dois, client.config.email))
    message = data.get("message") if isinstance(data, dict) else None
    items = message.get("items") if isinstance(message, dict) else None
    if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get("DOI"), str) for i in items):
        raise FetchError("the answer is not a Crossref work list (no message.items with DOIs)")
    wanted = {normalise_doi(d) for d in dois}
    found = {normalise_doi(i["DOI"]): i for i in items if normalise_doi(i["DOI"]) in wanted}
    missing = [normalise_doi(d) for d in dois if normalise_doi(d) not in found]
    total = message.get("total-results")
    if missing and (not isinstance(total, int) or total > len(items)):
        return Answer(found, [], missing, f"partial batch: Crossref reports {total} results but sent {len(items)}")
    return Answer(found, missing)


def parse_work(item: dict) -> Work:
    """The comparable fields and update notices of one Crossref work item."""
    titles = [t for t in item.get("title") or [] if isinstance(t, str)]
    subtitles = [t for t in item.get("subtitle") or [] if isinstance(t, str)]
    variants = titles + [f"{t}: {s}" for t in titles for s in subtitles]
    years = {year_of(item.get(k)) for k in ("issued", "published", "published-print", "published-online")}
    authors = [a for a in item.get("author") or [] if isinstance(a, dict)]
    first = next((a for a in authors if a.get("sequence") == "first"), authors[0] if authors else {})
    notices = []
    for update in item.get("updated-by") or []:
        kind = UPDATE_KINDS.get(str(update.get("type", "")).lower())
        if kind:
            date = (update.get("updated") or {}).get("date-time", "")[:10]
            label = update.get("label") or update.get("type")
            notices.append(Notice(kind, "crossref", f"updated-by {label} ({update.get('source', 'unknown source')})",
                                  doi=update.get("DOI", ""), date=date))
    if titles and titles[0].strip().upper().startswith(("RETRACTED", "WITHDRAWN")):
        notices.append(Notice(RETRACTION, "crossref", f"title marked {titles[0].split(':')[0].strip()!r}"))
    return Work(
        source="crossref",
        titles=tuple(variants),
        years=tuple(sorted(y for y in years if y)),
        first_author=first.get("family") or first.get("name") or "",
        journals=tuple(j for k in ("container-title", "short-container-title") for j in item.get(k) or [] if isinstance(j, str)),
        doi=item.get("DOI", ""),
        notices=tuple(notices),
    )


# ---- the Source protocol (sources.py) ----------------------------------------------------------------------------

def enabled(config: Config) -> bool:
    return True


def wanted(citations: list[tuple[str, str]]) -> dict[str, list[str]]:
    return {"doi": [d for d, _ in citations if d]}


def plan(config: Config, kind: str, keys: list[str]) -> list[list[str]]:
    return plan_batches(config.crossref_url, list(dict.fromkeys(keys)), config.email)


def fetch(client: Client, kind: str, keys: list[str]) -> Answer:
    return fetch_batch(client, keys)


def lookup(config: Config, kind: str, key: str) -> str:
    return lookup_url(config.crossref_url, key)


def parse(kind: str, record: dict) -> Work:
    return parse_work(record)
