"""Citation resolver: check every citation's DOI/PMID against Crossref, PubMed and OpenAlex (docs/resolver.md).

- :mod:`.run`: :func:`resolve_citations`, :func:`citation_status` (offline, from the cache), :class:`Resolution`;
- :mod:`.sources`: the Source protocol and registry; :mod:`.crossref`, :mod:`.pubmed`, :mod:`.openalex` implement it;
- :mod:`.http`: polite HTTP; :mod:`.cache`: one JSON file per identifier; :mod:`.fetch`: the online refresh;
- :mod:`.evaluate`: the verdict on one citation; :mod:`.fill`: writing agreed identifiers; :mod:`.output`: showing a run.

Names are imported on first use.

>>> from claimledger.resolve import citation_status
>>> citation_status(".")[["citation_id", "status"]].head()  # doctest: +SKIP
"""
from importlib import import_module

__all__ = ["STATUSES", "Config", "FetchError", "Resolution", "ResolveError", "citation_status", "ledger_citation_status",
           "resolve_citations"]
_NAMES = {"STATUSES": ".evaluate", "Config": ".config", "ResolveError": ".config", "FetchError": ".http", "Resolution": ".run",
          "citation_status": ".run", "ledger_citation_status": ".run", "resolve_citations": ".run"}
_MODULES = {"crossref", "pubmed", "openalex", "compare", "cache", "http", "fetch", "evaluate", "fill", "output", "sources", "config"}


def __getattr__(name: str):
    if name in _NAMES:
        return getattr(import_module(_NAMES[name], __name__), name)
    if name in _MODULES:
        return import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
