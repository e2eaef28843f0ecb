"""Exports for other tools. Each format is one module with an ``export(ledger, reports) -> str`` function,
registered in :data:`EXPORTERS` with a one-line description; ``claimledger export`` takes its choices from this
registry, and a module is imported only when its format is asked for.

To add a format: write ``exports/NAME.py`` with ``export()``, and add one entry here.
"""
from __future__ import annotations

from importlib import import_module
from typing import NamedTuple


class Exporter(NamedTuple):
    module: str
    """The module (relative to this package) whose ``export(ledger, reports)`` writes the format."""
    description: str


EXPORTERS: dict[str, Exporter] = {
    "claimreview": Exporter(".claimreview", "schema.org ClaimReview JSON-LD per claim (verdict on a 1-5 scale)"),
    "bibtex": Exporter(".bibtex", "every citation as BibTeX (@article or @misc, keyed by citation_id)"),
    "csl-json": Exporter(".csl_json", "every citation as CSL-JSON (Zotero, Pandoc, citeproc)"),
    "csv": Exporter(".claims_csv", "claims with verdict, certainty, reason, careful wording and deciding citations (spreadsheet-safe)"),
    "sof-csv": Exporter(".sof_csv", "Summary of Findings cards, one row per claim and GRADE domain (spreadsheet-safe)"),
    "fhir-certainty": Exporter(".fhir_certainty", "GRADE certainty per claim as FHIR EBM ArtifactAssessment resources (JSON Bundle)"),
}
"""Format name -> where its exporter lives and what it writes."""


def export_text(ledger, fmt: str, reports=None) -> str:
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
    return import_module(exporter.module, __name__).export(ledger, reports)
