"""What ``claimledger check`` shows: a sentence's or a draft's claims as terminal text, JSON, and a highlighted HTML page.

The HTML page is self-contained (no scripts, nothing loaded; a
Content-Security-Policy forbids requests) and comes from the ``draft.html.j2``
template, which escapes all draft and ledger text.
"""
from __future__ import annotations

import json

from ..grading.verdicts import BLOCKING, INFO, VERDICT_TABLE
from ..templating import render, static
from ..writers.checker import ClaimReport, DraftReport


def _claim_lines(r: ClaimReport, prefix: str = "   ") -> list[str]:
    cert = f", {r.certainty.replace('_', ' ')} certainty" if r.certainty else ""
    lines = [f"{prefix}Claim:    {r.statement}",
             f"{prefix}Verdict:  {r.verdict}{cert}",
             f"{prefix}Why:      {r.reason}"]
    if r.citations:
        lines.append(f"{prefix}Evidence:")
        lines += [f"{prefix}  - {c['text']}" for c in r.citations]
    lines.append(f"{prefix}Say instead: {r.wording}")
    return lines


def sentence_text(query: str, reports: list[ClaimReport]) -> str:
    """The terminal report for ``claimledger check "SENTENCE"``."""
    if not reports:
        return (f"No ledger claim matches \u201c{query}\u201d closely enough.\n"
                "If it is a health claim, ask a researcher to add it to the ledger (claims.csv).\n")
    lines = [f"\u201c{query}\u201d matches {len(reports)} ledger claim{'s' if len(reports) > 1 else ''}:", ""]
    for i, r in enumerate(reports, 1):
        lines.append(f"{i}. {r.claim_id} (match score {r.score:.2f})")
        lines += _claim_lines(r)
        lines.append("")
    return "\n".join(lines)


def sentence_json(query: str, reports: list[ClaimReport]) -> str:
    return json.dumps({"query": query, "matches": [r.to_dict() for r in reports]}, indent=2, ensure_ascii=False) + "\n"


def _short(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "\u2026"


def draft_text(report: DraftReport) -> str:
    """The terminal summary for ``claimledger check --file DRAFT``."""
    m, u, b = report.matched, report.untracked, report.blocking
    head = (f"{report.name}: {len(report.sentences)} sentences; {len(m)} match ledger claims; "
            f"{len(u)} read like health claims the ledger does not track.")
    lines = [head, ""]
    if m:
        lines.append("Sentences that make ledger claims:")
        for s in m:
            r = s.matches[0]
            cert = f", {r.certainty.replace('_', ' ')} certainty" if r.certainty else ""
            lines.append(f"  line {s.sentence.line}: \u201c{_short(s.sentence.text)}\u201d")
            lines.append(f"    {r.claim_id}: {r.verdict}{cert} (match score {r.score:.2f})")
            if r.citations:
                lines.append(f"    best evidence: {r.citations[0]['text']}")
            lines.append(f"    say instead: {r.wording}")
        lines.append("")
    if u:
        lines.append("Claim-like sentences not in the ledger (ask a researcher to add them):")
        lines += [f"  line {s.sentence.line}: \u201c{_short(s.sentence.text)}\u201d (\u201c{s.cue}\u201d)" for s in u]
        lines.append("")
    if b:
        where = ", ".join(str(s.sentence.line) for s in b)
        lines.append(f"{len(b)} sentence{'s' if len(b) > 1 else ''} make{'' if len(b) > 1 else 's'} claims graded "
                     f"{' or '.join(BLOCKING)} (line{'s' if len(b) > 1 else ''} {where}): rewrite or remove them.")
    else:
        lines.append(f"No sentence makes a claim graded {' or '.join(BLOCKING)}.")
    return "\n".join(lines) + "\n"


def draft_json(report: DraftReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _segments(report: DraftReport) -> list[dict]:
    """The draft cut into plain text and highlighted sentences (matched claims, untracked claim-like sentences)."""
    text, pos, out = report.text, 0, []
    for s in report.sentences:
        if not (s.matches or s.cue):
            continue
        out.append({"kind": "plain", "text": text[pos:s.sentence.start]})
        body = text[s.sentence.start:s.sentence.end]
        if s.matches:
            out.append({"kind": "claim", "text": body, "verdict": s.matches[0].verdict, "reports": s.matches})
        else:
            out.append({"kind": "untracked", "text": body, "cue": s.cue})
        pos = s.sentence.end
    out.append({"kind": "plain", "text": text[pos:]})
    return out


def draft_html(report: DraftReport) -> str:
    """The draft as a self-contained HTML page: matched sentences highlighted by verdict, expanding to the evidence."""
    b = report.blocking
    words = " or ".join(INFO[v].label for v in BLOCKING)
    status = (f"{len(b)} sentence(s) make claims graded {words}: rewrite or remove them." if b
              else f"No sentence makes a claim graded {words}.")
    return render("draft.html.j2", report=report, segments=_segments(report), verdicts=INFO, legend=VERDICT_TABLE,
                  status=status, css=static("draft.css"))
