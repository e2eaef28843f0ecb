"""Summary tables and the written report (reports/ is generated only)."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd


def summarise(ledger) -> dict[str, pd.DataFrame]:
    """Counts by category and by document, as DataFrames."""
    claims = ledger.claims
    by_category = (claims["category"].value_counts(sort=False).rename_axis("category").reset_index(name="claims"))
    m = ledger.mentions
    by_document = (m.groupby("document_id", observed=True)
                   .agg(mentions=("mention_id", "size"), claims=("claim_id", "nunique")).reset_index())
    docs = ledger.documents[["document_id", "file"]]
    by_document = docs.merge(by_document, on="document_id", how="left").fillna({"mentions": 0, "claims": 0})
    by_document[["mentions", "claims"]] = by_document[["mentions", "claims"]].astype(int)
    cat_doc = (m.merge(claims[["claim_id", "category"]], on="claim_id").drop_duplicates(["claim_id", "document_id"])
               .pivot_table(index="category", columns="document_id", values="claim_id", aggfunc="count", fill_value=0, observed=False))
    return {"by_category": by_category, "by_document": by_document, "category_by_document": cat_doc}


def _md_table(df: pd.DataFrame) -> str:
    cols = [str(c) for c in df.columns]
    out = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in df.itertuples(index=False):
        out.append("| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |")
    return "\n".join(out)


def summary_markdown(ledger) -> str:
    s = summarise(ledger)
    cd = s["category_by_document"].reset_index()
    cd.columns = [str(c) for c in cd.columns]
    return "\n\n".join([
        "# Ledger summary",
        f"{len(ledger.claims)} claims, {len(ledger.mentions)} mentions in {len(ledger.documents)} documents, "
        f"{len(ledger.tables.get('citations', []))} citations, {len(ledger.tables.get('links', []))} evidence links.",
        "## Claims by category", _md_table(s["by_category"]),
        "## Mentions and claims by document", _md_table(s["by_document"]),
        "## Claims by category and document", _md_table(cd),
    ]) + "\n"




FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """Neutralise a cell that a spreadsheet would run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _flat(grades: pd.DataFrame) -> pd.DataFrame:
    out = grades.copy()
    for col in ("citations", "retracted_citations"):
        out[col] = out[col].map(lambda v: " ".join(v))
    return out


def grades_csv_text(grades: pd.DataFrame) -> str:
    """Verdicts as CSV, safe to open in a spreadsheet."""
    from .files import csv_text
    flat = _flat(grades)
    rows = ([spreadsheet_safe(v) for v in row] for row in flat.astype(object).itertuples(index=False))
    return csv_text(list(flat.columns), rows)


def grades_json_text(grades: pd.DataFrame) -> str:
    import json
    records = grades.astype(object).to_dict(orient="records")
    for r in records:
        r["verdict"], r["computed_verdict"] = str(r["verdict"]), str(r["computed_verdict"])
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def grades_markdown(grades: pd.DataFrame) -> str:
    flat = _flat(grades)[["claim_id", "verdict", "certainty", "reason", "citations"]]
    return _md_table(flat) + "\n"


def grades_table(grades: pd.DataFrame) -> str:
    lines = []
    for g in grades.itertuples(index=False):
        shown = str(g.verdict) + (f" (computed: {g.computed_verdict}; override: {g.override_reason})" if g.overridden else "")
        cert = f", {g.certainty.replace('_', ' ')} certainty" if g.certainty else ""
        lines.append(f"{g.claim_id}: {shown}{cert}\n  {g.statement}\n  {g.reason}")
        if g.citations:
            lines.append("  deciding: " + ", ".join(g.citations))
    counts = grades["verdict"].value_counts(sort=False)
    lines.append("\n" + ", ".join(f"{n} {v}" for v, n in counts.items() if n))
    return "\n".join(lines) + "\n"


def build_report(root: str | Path = ".", out: str | Path | None = None, execute: bool = True) -> int:
    """Validate the ledger and write ``reports/``; returns the exit code.

    Writes ``summary.md`` (counts by category and document). Later stages add
    verdicts, executed notebooks and figures.
    """
    from .files import write_atomic
    from .ledger import load
    from .problems import LedgerError

    root = Path(root)
    out = Path(out) if out else root / "reports"
    try:
        ledger = load(root)
    except LedgerError as err:
        print(f"claimledger report: {err}", file=sys.stderr)
        return 1
    write_atomic(out / "summary.md", summary_markdown(ledger))
    print(f"wrote {out / 'summary.md'}")
    return 0
