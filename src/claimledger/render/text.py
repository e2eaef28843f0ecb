"""Tables as text: grades as a terminal table, CSV, JSON and Markdown; the ledger summary as Markdown.

CSV output is safe to open in a spreadsheet (:func:`claimledger.files.spreadsheet_safe`);
list cells (deciding citations) are joined with spaces.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..citations import id_list, missing
from ..citations import text as cell
from ..files import csv_text, spreadsheet_safe

if TYPE_CHECKING:
    import pandas as pd


def md_table(df: pd.DataFrame) -> str:
    """A DataFrame as a Markdown table (``|`` in cells escaped)."""
    cols = [str(c) for c in df.columns]
    out = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in df.itertuples(index=False):
        out.append("| " + " | ".join(cell(v).replace("|", "\\|") for v in row) + " |")
    return "\n".join(out)


def summary_markdown(ledger) -> str:
    """``claimledger summary``: counts of claims, mentions and evidence, by category and document."""
    from ..ledger.summary import summarise
    s = summarise(ledger)
    cd = s["category_by_document"].reset_index()
    cd.columns = [str(c) for c in cd.columns]
    return "\n\n".join([
        "# Ledger summary",
        (f"{len(ledger.claims)} claims, {len(ledger.mentions)} mentions in {len(ledger.documents)} documents, "
         f"{len(ledger.tables.get('citations', []))} citations, {len(ledger.tables.get('links', []))} evidence links."),
        "## Claims by category", md_table(s["by_category"]),
        "## Mentions and claims by document", md_table(s["by_document"]),
        "## Claims by category and document", md_table(cd),
    ]) + "\n"


def flat(frame: pd.DataFrame) -> pd.DataFrame:
    """List cells (sources) as ``;``-joined text, as in ``grades()``."""
    out = frame.copy()
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, (list, tuple))).any():
            out[col] = out[col].map(lambda v: ";".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return out


def safe_csv_text(frame: pd.DataFrame) -> str:
    """A table as CSV, safe to open in a spreadsheet (formula cells neutralised, list cells joined)."""
    flat_frame = flat(frame)
    rows = ([spreadsheet_safe("" if missing(v) else v) for v in row] for row in flat_frame.astype(object).itertuples(index=False))
    return csv_text([str(c) for c in flat_frame.columns], rows)


def grades_csv(grades: pd.DataFrame) -> str:
    """Verdicts as CSV, safe to open in a spreadsheet."""
    return safe_csv_text(grades)


def grades_json(grades: pd.DataFrame) -> str:
    """Verdicts as a JSON list of records."""
    records = grades.astype(object).to_dict(orient="records")
    for r in records:
        r["verdict"], r["computed_verdict"] = str(r["verdict"]), str(r["computed_verdict"])
        r["certainty"] = cell(r["certainty"]) or None
        r["citations"], r["retracted_citations"] = id_list(r["citations"]), id_list(r["retracted_citations"])
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def grades_markdown(grades: pd.DataFrame) -> str:
    """Verdicts as a Markdown table."""
    return md_table(flat(grades)[["claim_id", "verdict", "certainty", "reason", "citations"]]) + "\n"


def grades_table(grades: pd.DataFrame) -> str:
    """Verdicts for the terminal: each claim with its verdict, statement, reason and deciding citations."""
    lines = []
    for g in grades.itertuples(index=False):
        shown = str(g.verdict) + (f" (computed: {g.computed_verdict}; override: {g.override_reason})" if g.overridden else "")
        cert = f", {cell(g.certainty).replace('_', ' ')} certainty" if cell(g.certainty) else ""
        lines.append(f"{g.claim_id}: {shown}{cert}\n  {g.statement}\n  {g.reason}")
        if id_list(g.citations):
            lines.append("  deciding: " + ", ".join(id_list(g.citations)))
    counts = grades["verdict"].value_counts(sort=False)
    lines.append("\n" + ", ".join(f"{n} {v}" for v, n in counts.items() if n))
    return "\n".join(lines) + "\n"


GRADE_FORMATS = {"table": grades_table, "csv": grades_csv, "json": grades_json, "markdown": grades_markdown}
"""``claimledger grade --format``: name -> renderer of the grades table."""
