"""OpenAlex: batched look-up of works by DOI or PMID, used only when an API key is configured.

``/works?filter=doi:A|B|...`` (or ``pmid:``) returns the works it holds, up to
:data:`MAX_BATCH` values OR-ed in one filter with ``per-page`` as large. Like
Crossref, unknown identifiers are simply absent; a complete answer
(``meta.count`` equal to the results) makes them *not found*. ``is_retracted``
is the retraction flag.
"""
from __future__ import annotations

import re
from urllib.parse import urlencode

from .compare import RETRACTION, Notice, Work, normalise_doi
from .config import Config
from .http import Answer, Client, FetchError

NAME, LABEL = "openalex", "OpenAlex"
SELECT = "id,doi,display_name,publication_year,is_retracted,ids,authorships,primary_location,type"
MAX_BATCH = 100


def bare_doi(value: str | None) -> str:
    """``https://doi.org/10.1/x`` -> ``10.1/x`` (lower-case)."""
    return normalise_doi(re.sub(r"^https?://(dx\.)?doi\.org/", "", value or "", flags=re.IGNORECASE))


def bare_pmid(value: str | None) -> str:
    """``https://pubmed.ncbi.nlm.nih.gov/9500320`` -> ``9500320``."""
    m = re.search(r"(\d+)/?$", value or "")
    return m.group(1) if m else ""


def lookup_url(base: str, kind: str, key: str) -> str:
    return f"{base}/works?{urlencode({'filter': f'{kind}:{key}'}, safe=':/')}"


def fetch_batch(client: Client, kind: str, keys: list[str]) -> Answer:
    """Works for DOIs or PMIDs (``kind``) in one request: the works found, the keys OpenAlex does not hold."""
    config = client.config
    params = {"filter": f"{kind}:" + "|".join(keys), "per-page": str(max(len(keys), 1)), "select": SELECT,
              "api_key": config.openalex_api_key}
    if config.email:
        params["mailto"] = config.email
    data = client.get_json("openalex", f"{config.openalex_url}/works", params)
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise FetchError("the answer is not an OpenAlex work list (no results)")
    key_of = (lambda w: bare_doi(w.get("doi"))) if kind == "doi" else (lambda w: bare_pmid((w.get("ids") or {}).get("pmid")))
    wanted = list(dict.fromkeys(normalise_doi(k) if kind == "doi" else k for k in keys))
    found = {}
    for w in results:
        k = key_of(w)
        if k in wanted:
            found[k] = w
    missing = [k for k in wanted if k not in found]
    count = (data.get("meta") or {}).get("count")
    if missing and (not isinstance(count, int) or count > len(results)):
        return Answer(found, [], missing, f"partial batch: OpenAlex reports {count} results but sent {len(results)}")
    return Answer(found, missing)


def parse_work(work: dict) -> Work:
    """The comparable fields and retraction flag of one OpenAlex work."""
    authorships = [a for a in work.get("authorships") or [] if isinstance(a, dict)]
    first = next((a for a in authorships if a.get("author_position") == "first"), authorships[0] if authorships else {})
    source = ((work.get("primary_location") or {}).get("source") or {})
    year = work.get("publication_year")
    return Work(
        source="openalex",
        titles=tuple(t for t in (work.get("display_name") or work.get("title"),) if isinstance(t, str) and t),
        years=(year,) if isinstance(year, int) else (),
        first_author=((first.get("author") or {}).get("display_name") or first.get("raw_author_name") or ""),
        journals=tuple(j for j in (source.get("display_name"),) if isinstance(j, str) and j),
        doi=bare_doi(work.get("doi")),
        pmid=bare_pmid((work.get("ids") or {}).get("pmid")),
        notices=(Notice(RETRACTION, "openalex", "is_retracted"),) if work.get("is_retracted") is True else (),
    )


# ---- the Source protocol (sources.py) ----------------------------------------------------------------------------

def enabled(config: Config) -> bool:
    return bool(config.openalex_api_key)  # asked only with a key: list calls cost credits


def wanted(citations: list[tuple[str, str]]) -> dict[str, list[str]]:
    return {"doi": [d for d, _ in citations if d], "pmid": [p for d, p in citations if p and not d]}


def plan(config: Config, kind: str, keys: list[str]) -> list[list[str]]:
    keys = list(dict.fromkeys(keys))
    return [keys[i:i + MAX_BATCH] for i in range(0, len(keys), MAX_BATCH)]


def fetch(client: Client, kind: str, keys: list[str]) -> Answer:
    return fetch_batch(client, kind, keys)


def lookup(config: Config, kind: str, key: str) -> str:
    return lookup_url(config.openalex_url, kind, key)


def parse(kind: str, record: dict) -> Work:
    return parse_work(record)
