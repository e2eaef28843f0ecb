"""From question to evidence: database searches, screening, citing, re-checks (issue 10).

``run_search`` (claimledger search) runs a logged query on PubMed or Europe PMC;
``screening`` holds the candidate records and decisions; ``cite`` and
``import_refs`` add citations; ``recheck`` re-runs logged searches over newer
dates. Network access goes through the resolver's polite HTTP client, with a
total deadline on top (:mod:`claimledger.search.net`).
"""
from __future__ import annotations

from .run import SearchOutcome, SearchPlan, run_search
from .sources import SOURCES
from .tables import SearchError

__all__ = ["SOURCES", "SearchError", "SearchOutcome", "SearchPlan", "run_search"]
