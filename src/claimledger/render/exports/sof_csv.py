"""Summary of Findings cards as CSV: one row per claim and GRADE domain, the card's fields on every row.

Lists (the claim's citations) are joined with ``;``; every cell is spreadsheet-safe
(:func:`claimledger.files.spreadsheet_safe`), so a negative effect such as ``-16`` is written ``'-16``, as every CSV the
toolkit writes does with a cell that starts like a formula.
"""
from __future__ import annotations

from ...citations import missing
from ...files import csv_text, spreadsheet_safe
from ...writers.reports import ClaimReports


def _cell(value) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return "" if missing(value) else str(value)


def export(ledger, reports: ClaimReports | None = None) -> str:
    """Every claim's Summary of Findings card, one row per GRADE domain (see ``docs/grading.md``)."""
    table = ledger.summaries_of_findings()
    rows = ([spreadsheet_safe(_cell(v)) for v in row] for row in table.astype(object).itertuples(index=False))
    return csv_text([str(c) for c in table.columns], rows)
