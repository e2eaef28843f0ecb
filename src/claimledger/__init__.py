"""claimledger: record claims, anchor them to verbatim quotes, link them to real evidence, grade them.

>>> import claimledger
>>> ledger = claimledger.load(".")          # doctest: +SKIP
>>> ledger.grades().head()                  # doctest: +SKIP

The package is layered (``docs/architecture.md``): ``ledger`` (schema, reading,
validation, the Ledger model) uses ``grading`` (verdicts from evidence, pure);
``writers`` (matching, draft checks, wording) and ``render`` (pages, plots,
exports) use both; ``resolve`` checks citations; ``build`` makes the report;
``cli`` parses arguments and prints.
"""
from importlib import import_module

from .ledger import ClaimView, Ledger, load, validate
from .problems import EvidenceError, LedgerError, Problem, Report

__all__ = ["ClaimView", "EvidenceError", "Ledger", "LedgerError", "Problem", "Report", "load", "validate"]
__version__ = "0.2.0"

_SHORTCUTS = {"plots": "claimledger.render.plots", "grading": "claimledger.grading", "writers": "claimledger.writers"}


def __getattr__(name: str):
    """``from claimledger import plots`` (and ``grading``, ``writers``) without importing them with the package."""
    if name in _SHORTCUTS:
        return import_module(_SHORTCUTS[name])
    raise AttributeError(f"module 'claimledger' has no attribute {name!r}")
