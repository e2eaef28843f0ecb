"""The :class:`Ledger`: a loaded, validated ledger as typed pandas DataFrames."""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .load import decode_documents, typed_frame
from .problems import LedgerError, Report
from .schema import Schema, read_schema
from .validate import validate_tables


def _table_html(df: pd.DataFrame, max_rows: int = 20) -> str:
    # DataFrame.to_html escapes cell text by default (escape=True).
    return df.head(max_rows).to_html(index=False, escape=True, na_rep="", border=0)


@dataclass
class ClaimView:
    """One claim with everything recorded about it."""

    claim: pd.Series
    mentions: pd.DataFrame
    links: pd.DataFrame
    searches: pd.DataFrame

    @property
    def claim_id(self) -> str:
        return str(self.claim["claim_id"])

    @property
    def statement(self) -> str:
        return str(self.claim["statement"])

    def __repr__(self) -> str:
        return f"<Claim {self.claim_id}: {self.statement} ({len(self.mentions)} mentions, {len(self.links)} links)>"

    def _repr_html_(self) -> str:
        e = html.escape
        c = self.claim
        head = (f"<h4>{e(self.claim_id)}</h4><p><b>{e(self.statement)}</b></p>"
                f"<p>category: {e(str(c['category']))}; testable: {e(str(c['testable']))}"
                + (f" ({e(str(c['testable_reason']))})" if pd.notna(c.get("testable_reason")) else "") + "</p>")
        quotes = "".join(f"<li><b>{e(str(d))}</b> [{s}-{t}]: “{e(str(q))}”</li>"
                         for d, q, s, t in zip(self.mentions["document_id"], self.mentions["quote"],
                                               self.mentions["start"], self.mentions["end"]))
        ev = _table_html(self.links[["citation_id", "stance", "directness", "certainty", "finding"]]) if len(self.links) else "<p>No evidence linked.</p>"
        return f"<div>{head}<p>Mentions:</p><ul>{quotes}</ul><p>Evidence:</p>{ev}</div>"


class Ledger:
    """A claims ledger loaded from a folder.

    Attributes are typed DataFrames, one per table of ``datapackage.json``:
    ``claims``, ``documents``, ``mentions``, ``citations``, ``links``,
    ``searches``, ``document_citations``. ``texts`` maps document_id to text.
    """

    def __init__(self, root: Path, schema: Schema, tables: dict[str, pd.DataFrame], texts: dict[str, str | None], report: Report):
        self.root = root
        self.schema = schema
        self.tables = tables
        self.texts = texts
        self.report = report
        for name, df in tables.items():
            setattr(self, name, df)

    def claim(self, claim_id: str) -> ClaimView:
        """One claim with its mentions, evidence links and searches.

        Raises KeyError (with close matches) when the id is unknown.
        """
        hit = self.claims[self.claims["claim_id"] == claim_id]
        if hit.empty:
            import difflib
            close = difflib.get_close_matches(claim_id, self.claims["claim_id"].astype(str).tolist(), n=3)
            raise KeyError(f"no claim {claim_id!r}" + (f"; did you mean {', '.join(close)}?" if close else ""))
        sel = lambda df: df[df["claim_id"] == claim_id].reset_index(drop=True) if df is not None else pd.DataFrame()
        links = sel(self.tables.get("links"))
        if len(links) and "citations" in self.tables:
            links = links.merge(self.tables["citations"], on="citation_id", how="left", suffixes=("", "_citation"))
        return ClaimView(hit.iloc[0], sel(self.mentions), links, sel(self.tables.get("searches")))

    def summary(self) -> dict[str, pd.DataFrame]:
        """Counts of claims by category and of mentions/claims by document."""
        from .report import summarise
        return summarise(self)

    def grades(self) -> pd.DataFrame:
        """One verdict per claim (see ``docs/grading.md``)."""
        from .score import grade_ledger
        return grade_ledger(self)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{n}={len(df)}" for n, df in self.tables.items())
        return f"<Ledger {self.root} ({sizes})>"

    def _repr_html_(self) -> str:
        e = html.escape
        rows = "".join(f"<tr><td>{e(n)}</td><td>{len(df)}</td></tr>" for n, df in self.tables.items())
        by_cat = self.claims["category"].value_counts().rename_axis("category").reset_index(name="claims")
        return (f"<div><h4>Ledger at {e(str(self.root))}</h4><table><tr><th>table</th><th>rows</th></tr>{rows}</table>"
                f"<p>Claims by category</p>{_table_html(by_cat)}<p>Claims</p>{_table_html(self.claims[['claim_id', 'category', 'statement']])}</div>")


def load(root: str | Path = ".", strict: bool = True) -> Ledger:
    """Load the ledger at ``root`` into typed DataFrames.

    Parameters
    ----------
    root : folder holding ``datapackage.json``.
    strict : when true (default) an invalid ledger raises :class:`LedgerError`
        carrying the report; when false it loads what parses and keeps the
        report in ``ledger.report``.

    Examples
    --------
    >>> ledger = load(".")  # doctest: +SKIP
    >>> ledger.claims["category"].dtype  # doctest: +SKIP
    CategoricalDtype(categories=['mechanism', 'efficacy', ...], ordered=False, ...)
    """
    root = Path(root)
    schema = read_schema(root)
    report, raws, doc_bytes = validate_tables(root)
    if strict and not report.ok:
        first = "\n".join(p.format() for p in report.sorted()[:10] if p.severity == "error")
        raise LedgerError(f"the ledger at {root} has {len(report.errors)} problem(s):\n{first}", report)
    tables = {}
    for name, raw in raws.items():
        frame = raw.frame if raw.frame is not None else pd.DataFrame({c: pd.Series(dtype=str) for c in raw.table.field_names})
        tables[name] = typed_frame(frame, raw.table)
    texts = decode_documents(doc_bytes)
    return Ledger(root, schema, tables, texts, report)
