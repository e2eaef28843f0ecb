"""The :class:`Ledger`: a loaded, validated ledger as typed pandas DataFrames, with its grades computed once."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from ..grading import grade_ledger
from ..grading.sof import ASSESSMENT_COLUMNS, Findings, SummaryOfFindings, sof_table
from ..problems import LedgerError, Report, SchemaError
from ..templating import render
from .read import decode_documents, typed_frame
from .schema import Schema
from .summary import summarise
from .validate import validate_tables


def _table_html(df: pd.DataFrame, max_rows: int = 20) -> Markup:
    # DataFrame.to_html escapes cell text (escape=True), so its output is safe to embed.
    return Markup(df.head(max_rows).to_html(index=False, escape=True, na_rep="", border=0))


@dataclass
class ClaimView:
    """One claim with everything recorded about it: its row, quotes, evidence, searches and grade.

    Like :class:`Ledger`, every attribute named after a table holds rows of that table with exactly its columns;
    nothing comes joined. Join as you would the whole ledger: ``view.links.merge(view.citations, on="citation_id")``.
    """

    claim: pd.Series
    mentions: pd.DataFrame
    links: pd.DataFrame
    """The claim's rows of ``links.csv``."""
    searches: pd.DataFrame
    citations: pd.DataFrame
    """The rows of ``citations.csv`` that the claim's links name."""
    grade: pd.Series
    """The claim's row of :meth:`Ledger.grades` (verdict, certainty, reason, deciding citations)."""
    ledger: Ledger | None = field(default=None, repr=False)
    """The ledger the claim belongs to (for :attr:`summary_of_findings`)."""

    @property
    def summary_of_findings(self) -> SummaryOfFindings:
        """The claim's Summary of Findings card (:meth:`Ledger.summary_of_findings`)."""
        if self.ledger is None:
            raise ValueError("this claim view has no ledger; use ledger.claim(claim_id)")
        return self.ledger.summary_of_findings(self.claim_id)

    @property
    def claim_id(self) -> str:
        return str(self.claim["claim_id"])

    @property
    def statement(self) -> str:
        return str(self.claim["statement"])

    @property
    def verdict(self) -> str:
        """The claim's verdict (``grade["verdict"]``)."""
        return str(self.grade["verdict"])

    def __repr__(self) -> str:
        return (f"<Claim {self.claim_id}: {self.statement} ({len(self.mentions)} mentions, {len(self.links)} links, "
                f"{self.verdict})>")

    def _repr_html_(self) -> str:
        evidence = self.links[["citation_id", "stance", "directness", "certainty", "finding"]] if len(self.links) else None
        certainty = self.grade["certainty"]
        return render("claim.html.j2", view=self, mentions=self.mentions.to_dict("records"),
                      certainty="" if pd.isna(certainty) else str(certainty),
                      evidence=_table_html(evidence) if evidence is not None else None)


class Ledger:
    """A claims ledger loaded from a folder.

    Attributes are typed DataFrames, one per table of ``datapackage.json``:
    ``claims``, ``documents``, ``mentions``, ``citations``, ``links``,
    ``searches``, ``document_citations``. ``texts`` maps document_id to text;
    ``lines`` gives, per table, the editor line (header = 1) where each row starts.
    """

    def __init__(self, root: Path, schema: Schema, tables: dict[str, pd.DataFrame], texts: dict[str, str | None], report: Report,
                 lines: dict | None = None):
        self.root = root
        self.schema = schema
        self.tables = tables
        self.texts = texts
        self.report = report
        self.lines = lines or {}
        self._grades: pd.DataFrame | None = None
        self._findings: Findings | None = None
        for name, df in tables.items():
            setattr(self, name, df)

    def claim(self, claim_id: str) -> ClaimView:
        """One claim with its mentions, evidence links, searches and grade.

        Raises
        ------
        KeyError
            when the id is unknown (the message suggests close ids).

        Examples
        --------
        >>> ledger.claim("endorphin-release").grade["verdict"]  # doctest: +SKIP
        'mixed'
        """
        hit = self.claims[self.claims["claim_id"] == claim_id]
        if hit.empty:
            close = difflib.get_close_matches(claim_id, self.claims["claim_id"].astype(str).tolist(), n=3)
            raise KeyError(f"no claim {claim_id!r}" + (f"; did you mean {', '.join(close)}?" if close else ""))
        sel = lambda df: df[df["claim_id"] == claim_id].reset_index(drop=True) if df is not None else pd.DataFrame()
        links = sel(self.tables.get("links"))
        cited = self.citations[self.citations["citation_id"].isin(set(links["citation_id"].astype(str)))].reset_index(drop=True)
        grades = self._graded()
        grade = grades[grades["claim_id"] == claim_id].iloc[0]
        return ClaimView(hit.iloc[0], sel(self.mentions), links, sel(self.tables.get("searches")), cited, grade, self)

    def summary(self) -> dict[str, pd.DataFrame]:
        """Counts of claims by category and of mentions/claims by document."""
        return summarise(self)

    def _graded(self) -> pd.DataFrame:
        if self._grades is None:
            self._grades = grade_ledger(self)
        return self._grades

    def grades(self, claim_ids=None) -> pd.DataFrame:
        """One verdict per claim (see ``docs/grading.md``), computed once per loaded ledger.

        Parameters
        ----------
        claim_ids : a claim id or a list of them (default: every claim, in claims.csv order).

        Raises
        ------
        KeyError
            for a claim id the ledger does not have.

        Examples
        --------
        >>> ledger.grades(["endorphin-release"])[["claim_id", "verdict"]]  # doctest: +SKIP
                    claim_id verdict
        0  endorphin-release   mixed
        """
        grades = self._graded()
        if claim_ids is None:
            return grades.copy()
        wanted = [claim_ids] if isinstance(claim_ids, str) else [str(c) for c in claim_ids]
        unknown = sorted(set(wanted) - set(grades["claim_id"]))
        if unknown:
            raise KeyError(f"no claim {', '.join(map(repr, unknown))} in {self.root}")
        return grades[grades["claim_id"].isin(wanted)].reset_index(drop=True)

    def summary_of_findings(self, claim_id: str) -> SummaryOfFindings:
        """The claim's Summary of Findings card: the certainty of its body of evidence explained by the GRADE domains.

        ``.domains`` has one row per GRADE domain (``domain``, ``judgement``, ``reason``, ``source``: ``rule`` when a
        rule judged it from the ledger, ``assessor`` when a row of ``evidence/assessments.csv`` did); ``.certainty`` is
        never higher than the claim's certainty in :meth:`grades` (``.certainty_note`` says why when it is lower). See
        ``docs/grading.md``, "Summary of Findings".

        Parameters
        ----------
        claim_id : a claim of ``claims.csv``.

        Raises
        ------
        KeyError
            for a claim id the ledger does not have.

        Examples
        --------
        >>> sof = ledger.summary_of_findings("decreases-daily-pain")  # doctest: +SKIP
        >>> sof.certainty, sof.domains.set_index("domain").loc["imprecision", "judgement"]  # doctest: +SKIP
        ('moderate', 'serious')
        """
        if self._findings is None:
            assessments = self.tables.get("assessments", pd.DataFrame(columns=ASSESSMENT_COLUMNS))
            self._findings = Findings(self.claims, self.links, self.citations, self._graded(), assessments)
        try:
            return self._findings.card(str(claim_id))
        except KeyError:
            close = difflib.get_close_matches(str(claim_id), list(self._findings.position), n=3)
            raise KeyError(f"no claim {claim_id!r}" + (f"; did you mean {', '.join(close)}?" if close else "")) from None

    def summaries_of_findings(self, claim_ids=None) -> pd.DataFrame:
        """Summary of Findings cards as one table: a row per claim and GRADE domain, the card's fields on each row.

        Parameters
        ----------
        claim_ids : a claim id or a list of them (default: every claim, in claims.csv order).

        Returns
        -------
        DataFrame
            :func:`claimledger.grading.sof.sof_table` of the cards: ``certainty`` (and ``claim_certainty``,
            ``domain_certainty``, ``start``) as ordered categoricals, very_low < low < moderate < high.

        Examples
        --------
        >>> t = ledger.summaries_of_findings()  # doctest: +SKIP
        >>> t.drop_duplicates("claim_id").sort_values("certainty", ascending=False)["claim_id"].iloc[0]  # doctest: +SKIP
        'conventional-treatments'
        """
        ids = self.claims["claim_id"].astype(str).tolist() if claim_ids is None else \
            [claim_ids] if isinstance(claim_ids, str) else [str(c) for c in claim_ids]
        return sof_table([self.summary_of_findings(c) for c in ids])

    def __repr__(self) -> str:
        sizes = ", ".join(f"{n}={len(df)}" for n, df in self.tables.items())
        return f"<Ledger {self.root} ({sizes})>"

    def _repr_html_(self) -> str:
        by_cat = self.claims["category"].value_counts().rename_axis("category").reset_index(name="claims")
        return render("ledger.html.j2", root=str(self.root), sizes={n: len(df) for n, df in self.tables.items()},
                      by_category=_table_html(by_cat), claims=_table_html(self.claims[["claim_id", "category", "statement"]]),
                      n_claims=len(self.claims), shown=20)


def load(root: str | Path = ".", strict: bool = True, allow: tuple[str, ...] = ()) -> Ledger:
    """Load the ledger at ``root`` into typed DataFrames.

    Parameters
    ----------
    root : folder holding ``datapackage.json``.
    strict : when true (default) an invalid ledger raises :class:`LedgerError`
        carrying the report; when false it loads what parses and keeps the
        report in ``ledger.report``.
    allow : problem codes that do not stop a strict load, e.g. ``("orphan-claim",)`` for ``claimledger extract``,
        which exists to give new claims their first mentions.

    Raises
    ------
    LedgerError
        when ``strict`` and the ledger has errors, or when its schema cannot be read.

    Examples
    --------
    >>> ledger = load(".")  # doctest: +SKIP
    >>> ledger.claims["category"].dtype  # doctest: +SKIP
    CategoricalDtype(categories=['mechanism', 'efficacy', ...], ordered=False, ...)
    """
    root = Path(root)
    report, raws, doc_bytes, schema = validate_tables(root)
    if raws is None:
        raise SchemaError(report.problems[0].message)
    stopping = [p for p in report.errors if p.code not in allow]
    if strict and stopping:
        first = "\n".join(p.format() for p in sorted(stopping, key=lambda p: (p.file, p.line or 0))[:10])
        raise LedgerError(f"the ledger at {root} has {len(stopping)} problem(s):\n{first}", report)
    tables = {}
    for name, raw in raws.items():
        frame = raw.frame if raw.frame is not None else pd.DataFrame({c: pd.Series(dtype=str) for c in raw.table.field_names})
        tables[name] = typed_frame(frame, raw.table)
    lines = {name: raw.lines for name, raw in raws.items() if raw.frame is not None}
    return Ledger(root, schema, tables, decode_documents(doc_bytes), report, lines)
