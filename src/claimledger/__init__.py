"""claimledger: record claims, anchor them to verbatim quotes, link them to real evidence, grade them.

>>> import claimledger
>>> ledger = claimledger.load(".")          # doctest: +SKIP
>>> ledger.grades().head()                  # doctest: +SKIP

The package is layered (``docs/architecture.md``): ``ledger`` (schema, reading,
validation, the Ledger model) uses ``grading`` (verdicts from evidence, pure);
``writers`` (matching, draft checks, wording) and ``render`` (pages, plots,
exports) use both; ``resolve`` checks citations; ``build`` makes the report;
``cli`` parses arguments and prints. Names are imported on first use, so a
command that needs no table library does not load one.
"""
from importlib import import_module

__all__ = ["ClaimView", "EvidenceError", "Ledger", "LedgerError", "Problem", "Report", "load", "table", "validate"]
__version__ = "0.2.0"

_NAMES = {"ClaimView": "claimledger.ledger.model", "Ledger": "claimledger.ledger.model", "load": "claimledger.ledger.model",
          "validate": "claimledger.ledger.validate", "EvidenceError": "claimledger.problems", "LedgerError": "claimledger.problems",
          "Problem": "claimledger.problems", "Report": "claimledger.problems", "table": "claimledger.render.tables"}
_MODULES = {"plots": "claimledger.render.plots", "grading": "claimledger.grading", "writers": "claimledger.writers"}


def __getattr__(name: str):
    """``claimledger.load`` and the other public names, and ``from claimledger import plots`` (or ``grading``,
    ``writers``), imported when first asked for."""
    if name in _NAMES:
        return getattr(import_module(_NAMES[name]), name)
    if name in _MODULES:
        return import_module(_MODULES[name])
    raise AttributeError(f"module 'claimledger' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, *_MODULES, "__version__"])
