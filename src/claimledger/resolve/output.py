"""Showing a resolver run: text for the terminal, JSON for machines, CSV (spreadsheet-safe) for people."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..render.text import safe_csv_text

if TYPE_CHECKING:
    from .run import Resolution


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
    """The status table as CSV; every cell made safe to open in a spreadsheet."""
    return safe_csv_text(res.status)


FORMATS = {"text": format_text, "json": format_json, "csv": format_csv}
"""``claimledger resolve --format``: name -> formatter."""
