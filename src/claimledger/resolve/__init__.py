"""Citation resolver: check every citation's DOI/PMID against Crossref, PubMed and OpenAlex.

Offline by default: the verdicts come from the records cached in
``evidence/cache/``. ``online=True`` (``claimledger resolve --online``) first
refreshes that cache with batched, rate-limited requests. See ``docs/resolver.md``.

>>> from claimledger.resolve import citation_status
>>> citation_status(".")[["citation_id", "status"]].head()  # doctest: +SKIP
"""
from __future__ import annotations

import csv
import difflib
import io
import json
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..load import read_table
from ..problems import LedgerError, Problem, Report
from ..schema import read_schema
from .cache import Cache
from .config import Config, ResolveError
from .evaluate import STATUSES, CitationResult, Evaluator, identifier
from .fetch import refresh
from .fill import write_fills
from .http import FetchError, Redactor

__all__ = ["STATUSES", "Config", "FetchError", "Resolution", "ResolveError", "citation_status", "resolve_citations", "run_resolve"]

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
                      stop: threading.Event | None = None) -> Resolution:
    """Check the citations of the ledger at ``root``.

    Parameters
    ----------
    root : ledger folder (holding ``datapackage.json``).
    online : refresh ``evidence/cache/`` from the APIs first; otherwise read it only.
    only : citation_ids to check (default: all).
    config : settings; default :meth:`Config.from_env` (read only when online).
    fill : write the DOIs/PMIDs the records agree on into ``evidence/citations.csv``.

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
    for path, reason in sorted(cache.unreadable.items()):
        report.add(Problem(path, None, "(file)", "cache-unreadable", f"cached record ignored: {reason}.",
                           "delete the file and run `claimledger resolve --online` to fetch it again.", severity="warning"))
    if fill:
        index = {cid: i for i, cid in enumerate(frame["citation_id"])}
        todo = {index[r.citation_id]: r.fills for r in results if r.fills}
        if todo:
            report.add(*write_fills(root, raw, todo))
            report.problems = [p for p in report.problems if p.code != "suggested-fill"]
    report.counts = {"citations": len(results)}
    return Resolution(results, report, online, stats)


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


# --- output ----------------------------------------------------------------------------------

def _summary(res: Resolution) -> str:
    counts = ", ".join(f"{n} {s}" for s, n in res.counts.items()) or "none"
    rep = res.report
    text = f"{len(res.results)} citation(s): {counts}; {len(rep.errors)} error(s), {len(rep.warnings)} warning(s)."
    if not res.online and any(r.status in ("not_checked", "verified_manually") and not r.sources for r in res.results):
        text += " Offline: citations without a cached record were not checked; run `claimledger resolve --online` to check them."
    return text


def _requests_line(res: Resolution) -> str:
    parts = [f"{s} {v['requests']} ({v['rate_limited']} answered 429, {v['retries']} retried)" for s, v in res.stats.items() if v["requests"]]
    return "requests: " + ("; ".join(parts) if parts else "none")


def format_text(res: Resolution) -> str:
    lines = [f"{r.citation_id}: {r.status}" + (f" ({', '.join(r.sources)}; checked {r.checked_on})" if r.sources else "")
             + (f": {r.detail}" if r.detail else "") for r in res.results]
    lines += [p.format() for p in res.report.sorted()]
    if res.online:
        lines.append(_requests_line(res))
    lines.append(_summary(res))
    return "\n".join(lines) + "\n"


def format_json(res: Resolution) -> str:
    out = {
        "ok": res.report.ok,
        "online": res.online,
        "counts": res.counts,
        "errors": len(res.report.errors),
        "warnings": len(res.report.warnings),
        "citations": [{
            "citation_id": r.citation_id, "status": r.status, "sources": r.sources, "checked_on": r.checked_on, "detail": r.detail,
            "notices": [vars(n) for n in r.notices],
            "mismatches": [vars(m) for m in r.mismatches],
            "fills": r.fills,
        } for r in res.results],
        "problems": [p.to_dict() for p in res.report.sorted()],
        "requests": res.stats,
    }
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"


def format_csv(res: Resolution) -> str:
    buf = io.StringIO()
    res.status.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buf.getvalue()


def run_resolve(args) -> int:
    """``claimledger resolve``: print the verdicts; exit 1 on any mismatch, retraction, not-found or fault."""
    config = Config.from_env(email=args.email) if args.online else None
    if config is not None and not config.email:
        print("claimledger resolve: no contact email, so Crossref's public pool (1 list request per second) is used. "
              "Fix: pass --email you@example.org or set $CLAIMLEDGER_EMAIL.", file=sys.stderr)
    res = resolve_citations(args.root, online=args.online, only=args.only, config=config, fill=getattr(args, "fill", False))
    formatter = {"json": format_json, "csv": format_csv}.get(args.format, format_text)
    sys.stdout.write(formatter(res))
    return 0 if res.report.ok else 1
