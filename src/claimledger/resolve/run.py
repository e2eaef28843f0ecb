"""Running the citation resolver: check every citation's DOI/PMID against Crossref, PubMed and OpenAlex.

Offline by default: the verdicts come from the records cached in
``evidence/cache/``. ``online=True`` (``claimledger resolve --online``) first
refreshes that cache with batched, rate-limited requests. See ``docs/resolver.md``.

>>> from claimledger.resolve import citation_status
>>> citation_status(".")[["citation_id", "status"]].head()  # doctest: +SKIP
"""
from __future__ import annotations

import difflib
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..ledger.lock import ledger_lock
from ..ledger.read import read_table
from ..ledger.schema import read_schema
from ..problems import LedgerError, Problem, Report
from .cache import Cache
from .config import Config, ResolveError
from .evaluate import STATUSES, CitationResult, Evaluator, identifier
from .fetch import refresh
from .fill import write_fills
from .http import FetchError, Redactor

__all__ = ["STATUSES", "Config", "FetchError", "Resolution", "ResolveError", "citation_status", "ledger_citation_status",
           "resolve_citations"]

STATUS_COLUMNS = ["citation_id", "status", "sources", "checked_on", "detail"]


@dataclass
class Resolution:
    """The outcome of one resolver run."""

    results: list[CitationResult]
    report: Report
    """Every problem found: mismatches, retractions, not-found, faults (errors); corrections, fills (warnings)."""
    online: bool
    stats: dict[str, dict] = field(default_factory=dict)
    """Per source: ``requests``, ``rate_limited`` (429 answers), ``retries``; empty offline."""

    @property
    def status(self) -> pd.DataFrame:
        """One row per citation: citation_id, status, sources, checked_on, detail."""
        rows = [(r.citation_id, r.status, ",".join(r.sources), r.checked_on, r.detail) for r in self.results]
        return pd.DataFrame(rows, columns=STATUS_COLUMNS)

    @property
    def counts(self) -> dict[str, int]:
        return {s: n for s in STATUSES if (n := sum(r.status == s for r in self.results))}


def _select(frame: pd.DataFrame, only) -> pd.Series:
    if not only:
        return pd.Series(True, index=frame.index)
    known = set(frame["citation_id"])
    unknown = [c for c in only if c not in known]
    if unknown:
        hints = []
        for c in unknown:
            close = difflib.get_close_matches(c, sorted(known), n=1)
            hints.append(f'"{c}"' + (f' (did you mean "{close[0]}"?)' if close else ""))
        raise ResolveError(f"no citation {', '.join(hints)} in evidence/citations.csv. Fix: pass citation_ids from that file to --only.")
    return frame["citation_id"].isin(set(only))


def resolve_citations(root: str | Path = ".", online: bool = False, only=None, config: Config | None = None, fill: bool = False,
                      stop: threading.Event | None = None, retraction_watch: str | Path | None = None) -> Resolution:
    """Check the citations of the ledger at ``root``.

    Parameters
    ----------
    root : ledger folder (holding ``datapackage.json``).
    online : refresh ``evidence/cache/`` from the APIs first; otherwise read it only.
    only : citation_ids to check (default: all).
    config : settings; default :meth:`Config.from_env` (read only when online).
    fill : write the DOIs/PMIDs the records agree on into ``evidence/citations.csv``.
    retraction_watch : a local copy of the Retraction Watch CSV to check every DOI and PMID against (offline).

    Returns
    -------
    Resolution
        per-citation results, the :class:`~claimledger.problems.Report`, request counts.

    Raises
    ------
    LedgerError
        when ``evidence/citations.csv`` cannot be read at all.
    ResolveError
        for an unknown ``--only`` id or bad settings, before any request.

    Examples
    --------
    >>> res = resolve_citations(".")  # doctest: +SKIP
    >>> res.status.loc[0, ["citation_id", "status"]].tolist()  # doctest: +SKIP
    ['wakefield1998-ileal-hyperplasia', 'retracted']
    """
    root = Path(root)
    table = read_schema(root).table("citations")
    raw = read_table(root, table)
    if raw.frame is None:
        first = "\n".join(p.format() for p in raw.problems[:10])
        raise LedgerError(f"cannot read {table.path}:\n{first}", Report(list(raw.problems)))
    frame = raw.frame
    chosen = _select(frame, only)
    patterns = {k: table.field(k).pattern for k in ("doi", "pmid")}
    if online:
        config = config or Config.from_env()
    cache = Cache(root, Redactor(config.secrets if config else ()))
    faults, stats = {}, {}
    if online:
        idents = [(identifier(d, patterns["doi"], "doi"), identifier(p, patterns["pmid"], "pmid"))
                  for d, p in zip(frame.loc[chosen, "doi"], frame.loc[chosen, "pmid"])]
        faults, stats = refresh(cache, idents, config, stop)
    evaluator = Evaluator(cache, faults, table.path, patterns, online)
    rows = frame[chosen].to_dict("records")
    lines = raw.lines[chosen.to_numpy()]
    results = [evaluator.evaluate(row, int(line)) for row, line in zip(rows, lines)]
    report = Report([p for r in results for p in r.problems])
    if retraction_watch is not None:
        _apply_retraction_watch(retraction_watch, frame[chosen].reset_index(drop=True), lines, table.path, results, report)
    for path, reason in sorted(cache.unreadable.items()):
        report.add(Problem(path, None, "(file)", "cache-unreadable", f"cached record ignored: {reason}.",
                           "delete the file and run `claimledger resolve --online` to fetch it again.", severity="warning"))
    if fill:
        index = {cid: i for i, cid in enumerate(frame["citation_id"])}
        confirm = confirmations(frame, results)
        todo = {index[r.citation_id]: {**r.fills, **confirm.get(r.citation_id, {})} for r in results if r.fills or r.citation_id in confirm}
        if todo:
            with ledger_lock(root):
                report.add(*write_fills(root, raw, todo))
            report.problems = [p for p in report.problems if p.code != "suggested-fill"]
    report.counts = {"citations": len(results)}
    return Resolution(results, report, online, stats)


def _apply_retraction_watch(path, frame: pd.DataFrame, lines, file: str, results: list[CitationResult], report: Report) -> None:
    """Add what the Retraction Watch CSV records about the citations; a retraction makes the status ``retracted``."""
    from .retraction_watch import match_citations, problems_for, read_notices
    by_id = {r.citation_id: r for r in results}
    confirmed: set[int] = set()
    for m in match_citations(read_notices(path), frame, lines):
        report.add(*problems_for(m, file, Path(path).name))
        r = by_id[m.citation_id]
        if m.retracted:
            r.status = "retracted"
            r.detail = "; ".join(x for x in (r.detail, "retraction per Retraction Watch") if x)
            confirmed.add(m.line)
    if confirmed:
        report.problems = [p for p in report.problems if not (p.code == "retraction-unconfirmed" and p.line in confirmed)]


def confirmations(frame: pd.DataFrame, results: list[CitationResult]) -> dict[str, dict[str, str]]:
    """verified_source and verified_on for unverified citations whose records all agree with them (status resolved):
    the PubMed record when PubMed answered for the PMID, else the DOI's record at Crossref."""
    rows = frame.set_index("citation_id", drop=False)
    out = {}
    for r in results:
        if r.status != "resolved" or "verified_source" not in rows.columns or rows.at[r.citation_id, "verified_source"].strip():
            continue
        pmid, doi = rows.at[r.citation_id, "pmid"].strip(), rows.at[r.citation_id, "doi"].strip()
        url = f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid and "pubmed" in r.sources else f"https://doi.org/{doi}" if doi else ""
        if url and r.checked_on:
            out[r.citation_id] = {"verified_source": url, "verified_on": r.checked_on}
    return out


def citation_status(root: str | Path = ".") -> pd.DataFrame:
    """The status of every citation from the cache alone (no network): what the report shows.

    Columns: ``citation_id``, ``status`` (one of resolved, verified_manually,
    mismatch, retracted, not_found, not_checked), ``sources`` (comma-separated
    sources with a cached answer), ``checked_on`` (ISO date of the newest cached
    answer, or missing), ``detail`` (one sentence).

    Examples
    --------
    >>> citation_status(".").columns.tolist()  # doctest: +SKIP
    ['citation_id', 'status', 'sources', 'checked_on', 'detail']
    """
    return resolve_citations(root).status


def _as_text(value) -> str:
    """A typed cell as it reads in the CSV: "" for missing, true/false, YYYY-MM-DD, whole numbers without ".0"."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def ledger_citation_status(ledger) -> pd.DataFrame:
    """:func:`citation_status` for a loaded ledger, from the citations it already holds (nothing is read twice
    but the cache)."""
    table = ledger.schema.table("citations")
    frame = ledger.citations.astype(object)
    rows = [{k: _as_text(v) for k, v in row.items()} for row in frame.to_dict("records")]
    patterns = {k: table.field(k).pattern for k in ("doi", "pmid")}
    evaluator = Evaluator(Cache(ledger.root), {}, table.path, patterns, False)
    lines = ledger.lines.get("citations", range(2, len(rows) + 2))
    return Resolution([evaluator.evaluate(row, int(line)) for row, line in zip(rows, lines)], Report(), False).status

