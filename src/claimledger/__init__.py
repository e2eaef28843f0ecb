"""claimledger: record claims, anchor them to verbatim quotes, link them to real evidence, grade them.

>>> import claimledger
>>> ledger = claimledger.load(".")          # doctest: +SKIP
>>> ledger.claims.head()                    # doctest: +SKIP
"""
from .ledger import ClaimView, Ledger, load
from .problems import EvidenceError, LedgerError, Problem, Report
from .validate import validate

__all__ = ["ClaimView", "EvidenceError", "Ledger", "LedgerError", "Problem", "Report", "load", "validate"]
__version__ = "0.1.0"
