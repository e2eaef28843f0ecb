"""The ledger: its schema, reading its tables and documents, validating them, the loaded :class:`Ledger`, new ledgers.

Data flows one way: :mod:`.schema` (``datapackage.json``) -> :mod:`.read` (tables as text, problems located by line)
-> :mod:`.validate` (every schema and ledger rule) -> :mod:`.model` (typed DataFrames, grades computed once).
:mod:`.new` creates an empty ledger; :mod:`.edit` appends rows to a ledger safely.
"""
from importlib import import_module

from .schema import DESCRIPTOR, Schema, read_schema, template_schema
from .validate import validate

__all__ = ["DESCRIPTOR", "ClaimView", "Ledger", "Schema", "load", "read_schema", "template_schema", "validate"]
_NAMES = {"ClaimView": ".model", "Ledger": ".model", "load": ".model"}


def __getattr__(name: str):
    """The model is imported on first use, so ``claimledger validate`` does not load the grading."""
    if name in _NAMES:
        return getattr(import_module(_NAMES[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
