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
