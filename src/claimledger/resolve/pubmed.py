"""PubMed through NCBI E-utilities: batched ESummary (JSON) and DOI search, and record parsing.

``esummary.fcgi?db=pubmed&id=A,B,...&retmode=json`` returns one document per
PMID; an unknown PMID comes back as ``{"uid": ..., "error": "cannot get document
summary"}`` and is *not found*, while a PMID absent from the answer means the
batch was cut short (a fault: nothing is stored). Above 200 ids the request is
a POST, as NCBI asks. ``tool`` and ``email`` go with every request, and
``api_key`` when one is configured.

For citations with a DOI but no PMID, ``esearch.fcgi`` looks up many DOIs at
once (``"10.x/a"[aid] OR "10.x/b"[aid]``); the PMIDs it returns are summarised
and matched back to the DOIs through each record's ``articleids``.

Retractions and the rest come from the publication types ("Retracted
Publication") and the linked notices in ``references`` ("Retraction in",
"Expression of concern in", "Erratum in", ...).
"""
from __future__ import annotations

import re
from urllib.parse import urlencode

from .compare import CONCERN, CORRECTION, RETRACTION, Notice, Work, normalise_doi, year_of
from .config import TOOL, Config
from .http import Answer, Client, FetchError

NAME, LABEL = "pubmed", "PubMed"
SUMMARY_BATCH = 500
SEARCH_BATCH = 200
POST_ABOVE = 200
"""NCBI: "if more than about 200 UIDs are to be provided, the request should be made using the HTTP POST method"."""

REFERENCE_KINDS = {
    "retraction in": RETRACTION, "partial retraction in": RETRACTION, "retraction and republication in": RETRACTION,
    "expression of concern in": CONCERN,
    "erratum in": CORRECTION, "corrected and republished in": CORRECTION,
}
_DOI_IN_TEXT = re.compile(r"doi:\s*(10\.\S+?)\.?(?:\s|$)", re.IGNORECASE)


def eutils_params(config, **params) -> dict:
    """Parameters of an E-utilities request: ours plus the tool name, JSON, and the contact address and API key
    when configured."""
    params.update(tool=TOOL, retmode="json")
    if config.email:
        params["email"] = config.email
    if config.ncbi_api_key:
        params["api_key"] = config.ncbi_api_key
    return params


def lookup_url(base: str, pmid: str) -> str:
    return f"{base}/esummary.fcgi?{urlencode({'db': 'pubmed', 'id': pmid, 'retmode': 'json'})}"


def search_term(dois: list[str]) -> str:
    """An ESearch term matching any of the DOIs as article identifiers (quoted: DOIs hold brackets)."""
    return " OR ".join('"' + d + '"[aid]' for d in dois)


def search_url(base: str, doi: str) -> str:
    return f"{base}/esearch.fcgi?{urlencode({'db': 'pubmed', 'term': search_term([doi]), 'retmode': 'json'}, safe=':/')}"


def plan_batches(ids: list[str], size: int = SUMMARY_BATCH) -> list[list[str]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def fetch_summaries(client: Client, pmids: list[str]) -> Answer:
    """ESummary documents for PMIDs in one request: the documents found, the PMIDs PubMed does not know.

    PMIDs the answer leaves out are ``absent``. Raises :class:`FetchError`
    when the answer has no ``result`` (NCBI sends ``{"error": ...}`` or
    ``esummaryresult`` messages then).
    """
    config = client.config
    method = "POST" if len(pmids) > POST_ABOVE else "GET"
    data = client.get_json("pubmed", f"{config.ncbi_url}/esummary.fcgi", eutils_params(config, db="pubmed", id=",".join(pmids)), method)
    result = data.get("result") if isinstance(data, dict) else None
    if not isinstance(result, dict):
        said = data.get("error") or data.get("esummaryresult") if isinstance(data, dict) else None
        raise FetchError(f"the answer is not an ESummary result ({said or 'no result object'})")
    found, unknown, absent = {}, [], []
    for pmid in pmids:
        doc = result.get(pmid)
        if not isinstance(doc, dict):
            absent.append(pmid)
        elif doc.get("error"):
            unknown.append(pmid)
        else:
            found[pmid] = doc
    reason = f"partial batch: ESummary left out {len(absent)} of {len(pmids)} PMIDs ({', '.join(absent[:5])})" if absent else ""
    return Answer(found, unknown, absent, reason)


def search_dois(client: Client, dois: list[str]) -> list[str]:
    """PMIDs of the PubMed records that carry any of these DOIs (one ESearch request)."""
    config = client.config
    params = eutils_params(config, db="pubmed", term=search_term(dois), retmax=str(max(2 * len(dois), 20)))
    data = client.get_json("pubmed", f"{config.ncbi_url}/esearch.fcgi", params, "POST")
    result = data.get("esearchresult") if isinstance(data, dict) else None
    ids = result.get("idlist") if isinstance(result, dict) else None
    if not isinstance(ids, list) or result.get("ERROR"):
        raise FetchError(f"the answer is not an ESearch result ({(result or {}).get('ERROR') or 'no esearchresult.idlist'})")
    return [str(i) for i in ids if isinstance(i, (str, int)) and not isinstance(i, bool)]


def doi_of(doc: dict) -> str:
    """The DOI among a document's ``articleids`` ("" when none)."""
    for a in doc.get("articleids") or []:
        if isinstance(a, dict) and a.get("idtype") == "doi" and a.get("value") and isinstance(a["value"], str):
            return a["value"]
    return ""


def parse_summary(doc: dict) -> Work:
    """The comparable fields and notices of one ESummary (JSON) document."""
    notices = []
    pubtypes = [p for p in doc.get("pubtype") or [] if isinstance(p, str)]
    if "Retracted Publication" in pubtypes:
        notices.append(Notice(RETRACTION, "pubmed", "publication type Retracted Publication"))
    for ref in doc.get("references") or []:
        if not isinstance(ref, dict):
            continue
        kind = REFERENCE_KINDS.get(str(ref.get("reftype", "")).strip().lower())
        if kind:
            m = _DOI_IN_TEXT.search(ref.get("refsource", "") + " ")
            notices.append(Notice(kind, "pubmed", f"{ref['reftype']}", doi=m.group(1) if m else "",
                                  pmid=str(ref.get("pmid") or "")))
    authors = [a for a in doc.get("authors") or [] if isinstance(a, dict) and a.get("name")]
    people = [a for a in authors if a.get("authtype", "Author") == "Author"] or authors
    years = {year_of(doc.get("pubdate")), year_of(doc.get("epubdate"))}
    return Work(
        source="pubmed",
        titles=tuple(t for t in (doc.get("title"),) if isinstance(t, str) and t),
        years=tuple(sorted(y for y in years if y)),
        first_author=people[0]["name"] if people else "",
        journals=tuple(j for j in (doc.get("source"), doc.get("fulljournalname")) if isinstance(j, str) and j),
        doi=doi_of(doc),
        pmid=str(doc.get("uid", "")),
        notices=tuple(notices),
    )


def match_dois(dois: list[str], docs: dict[str, dict]) -> dict[str, list[str]]:
    """For each DOI, the PMIDs whose document lists it (DOIs compared lower-case)."""
    by_doi: dict[str, list[str]] = {}
    for pmid, doc in docs.items():
        by_doi.setdefault(normalise_doi(doi_of(doc)), []).append(pmid)
    return {d: sorted(by_doi.get(normalise_doi(d), [])) for d in dois}


# ---- the Source protocol (sources.py) ----------------------------------------------------------------------------

def enabled(config: Config) -> bool:
    return True


def wanted(citations: list[tuple[str, str]]) -> dict[str, list[str]]:
    return {"pmid": [p for _, p in citations if p]}


def plan(config: Config, kind: str, keys: list[str]) -> list[list[str]]:
    return plan_batches(list(dict.fromkeys(keys)))


def fetch(client: Client, kind: str, keys: list[str]) -> Answer:
    return fetch_summaries(client, keys)


def lookup(config: Config, kind: str, key: str) -> str:
    return lookup_url(config.ncbi_url, key) if kind == "pmid" else search_url(config.ncbi_url, key)


def parse(kind: str, record: dict) -> Work | None:
    return parse_summary(record) if kind == "pmid" else None  # pubmed/doi entries are an index: {"pmids": [...]}
