"""From question to evidence: database searches, screening, citing, re-checks (issue 10).

``run_search`` (claimledger search) runs a logged query on PubMed or Europe PMC;
``screening`` holds the candidate records and decisions; ``cite`` and
``import_refs`` add citations; ``recheck`` re-runs logged searches over newer
dates. Network access goes through the resolver's polite HTTP client, with a
total deadline on top (:mod:`claimledger.search.net`).
"""
from __future__ import annotations

from importlib import import_module

__all__ = ["SOURCES", "SearchError", "SearchOutcome", "SearchPlan", "run_search"]
_NAMES = {"SearchOutcome": ".run", "SearchPlan": ".run", "run_search": ".run", "SOURCES": ".sources", "SearchError": ".tables"}


def __getattr__(name: str):
    """Names are imported on first use: the CLI's parser reads the registry without loading the ledger code."""
    if name in _NAMES:
        return getattr(import_module(_NAMES[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
