"""Exports for other tools. Each format is one module with an ``export(ledger, reports) -> str`` function,
registered in :data:`EXPORTERS`; ``claimledger export`` takes its choices from this registry.

To add a format: write ``exports/NAME.py`` with ``DESCRIPTION`` and ``export()``, and add one line here.
"""
from __future__ import annotations

from types import ModuleType

from ...writers.reports import ClaimReports
from . import bibtex, claimreview, claims_csv, csl_json

EXPORTERS: dict[str, ModuleType] = {
    "claimreview": claimreview,
    "bibtex": bibtex,
    "csl-json": csl_json,
    "csv": claims_csv,
}
"""Format name -> its module (``DESCRIPTION``, ``export(ledger, reports) -> str``)."""


def export_text(ledger, fmt: str, reports: ClaimReports | None = None) -> str:
    """The export of ``ledger`` in format ``fmt`` (a key of :data:`EXPORTERS`) as text.

    Raises
    ------
    ValueError
        for an unknown format.
    """
    try:
        exporter = EXPORTERS[fmt]
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORTERS)}") from None
    return exporter.export(ledger, reports)
