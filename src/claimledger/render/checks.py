"""What ``claimledger check`` shows: every claim of a sentence or a draft as terminal text, JSON, and a highlighted HTML page.

A claim a sentence makes is shown with its verdict in plain words, certainty,
reason, best evidence and careful wording; a possibly related claim is named
without a verdict; a claim-like sentence the ledger does not track is marked
"not in the ledger" with the next step. The HTML page renders the draft's
Markdown (markdown-it-py) and highlights each claim where it is made; it is
self-contained (no scripts, nothing loaded) and comes from the
``draft.html.j2`` template, which escapes all draft and ledger text.
"""
from __future__ import annotations

import json
import re

from markupsafe import Markup

from ..grading.verdicts import BLOCKING, INFO, VERDICT_TABLE
from ..writers.checker import DraftReport, SentenceCheck
from ..writers.phrasing import ASKS, DENIES, DOUBTS, overclaims
from ..writers.reports import ClaimReport

NEXT_STEP = ("add it to claims.csv, then search for evidence: "
             "claimledger search CLAIM_ID \"QUERY\" --online (or ask a researcher to)")


def verdict_words(r: ClaimReport) -> str:
    """``partly supported, moderate certainty``: the verdict in plain words."""
    cert = f", {r.certainty.replace('_', ' ')} certainty" if r.certainty else ""
    return f"{INFO[r.verdict].label}{cert}"


HOLDS = {DENIES: "the text says the opposite", ASKS: "the text asks about it", DOUBTS: "the text says the evidence is unsure"}
"""How a text that does not assert a claim holds it, in words (its verdict then needs no fix)."""


def holds_words(r: ClaimReport) -> str:
    """"" for an asserted claim; else e.g. ``not asserted: the text asks about it``."""
    return f"not asserted: {HOLDS[r.holds]}" if r.holds in HOLDS else ""


def _claim_lines(r: ClaimReport, sentence: str, prefix: str = "   ") -> list[str]:
    lines = [f"{prefix}Claim:    {r.statement}",
             f"{prefix}Verdict:  {verdict_words(r)}" + (f" ({holds_words(r)})" if holds_words(r) else ""),
             f"{prefix}Why:      {r.reason}"]
    if r.citations:
        lines.append(f"{prefix}Evidence:")
        lines += [f"{prefix}  - {c['text']}" for c in r.citations]
    flags = overclaims(sentence[r.start:r.end] if r.end > r.start else sentence, r.verdict, r.certainty)
    if flags:
        lines.append(f"{prefix}Overstated: {', '.join(dict.fromkeys(flags))} (claims more than {verdict_words(r)} evidence allows)")
    lines.append(f"{prefix}Say instead: {r.wording}")
    return lines


def _related_line(rs: list[ClaimReport]) -> str:
    return ("Possibly related (not what the sentence says, so no verdict): "
            + "; ".join(f"{r.claim_id} ({r.statement.rstrip('.')})" for r in rs) + ".")


def sentence_text(check: SentenceCheck) -> str:
    """The terminal report for ``claimledger check "SENTENCE"``: every claim the sentence makes."""
    text = check.sentence.text
    if not check.claims:
        head = (f"\u201c{text}\u201d is not in the ledger: it reads like a health claim (\u201c{check.cue}\u201d), but no ledger "
                f"claim matches it, so there is no verdict.\nNext step: {NEXT_STEP}." if check.cue else
                f"No ledger claim matches \u201c{text}\u201d, and it does not read like a health claim.")
        return head + ("\n" + _related_line(check.related) if check.related else "") + "\n"
    n = len(check.claims)
    lines = [f"\u201c{text}\u201d makes {n} claim{'s' if n > 1 else ''} the ledger tracks:", ""]
    for i, r in enumerate(check.claims, 1):
        lines.append(f"{i}. {r.claim_id}: \u201c{text[r.start:r.end]}\u201d (match score {r.score:.2f})")
        lines += _claim_lines(r, text)
        lines.append("")
    if check.related:
        lines += [_related_line(check.related), ""]
    return "\n".join(lines)


def sentence_json(check: SentenceCheck) -> str:
    """``claimledger check --json "SENTENCE"``."""
    return json.dumps({"query": check.sentence.text, **check.to_dict()}, indent=2, ensure_ascii=False) + "\n"


def _short(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "\u2026"


def _blocking_line(report: DraftReport) -> str:
    words = " or ".join(INFO[v].label for v in BLOCKING)
    b = report.blocking
    if not b:
        return f"No sentence asserts a claim graded {words}."
    where = ", ".join(str(s.sentence.line) for s in b)
    return (f"{len(b)} sentence{'s' if len(b) > 1 else ''} assert{'' if len(b) > 1 else 's'} claims graded {words} "
            f"(line{'s' if len(b) > 1 else ''} {where}): rewrite or remove them.")


def draft_text(report: DraftReport) -> str:
    """The terminal report for ``claimledger check --file DRAFT``: every claim of every sentence."""
    m, u = report.matched, report.untracked
    n_claims = sum(len(s.claims) for s in m)
    head = (f"{report.name}: {len(report.sentences)} sentences; {len(m)} make {n_claims} ledger claim{'s' if n_claims != 1 else ''}; "
            f"{len(u)} read{'s' if len(u) == 1 else ''} like health claims the ledger does not track.")
    lines = [head, ""]
    for s in m:
        lines.append(f"line {s.sentence.line}: \u201c{_short(s.sentence.text)}\u201d")
        for r in s.claims:
            lines.append(f"  - {r.claim_id}: {verdict_words(r)} (match score {r.score:.2f})" + (f"; {holds_words(r)}" if holds_words(r) else ""))
            if r.citations:
                lines.append(f"    best evidence: {r.citations[0]['text']}")
            flags = overclaims(report.text[r.start:r.end], r.verdict, r.certainty)
            if flags:
                lines.append(f"    overstated: {', '.join(dict.fromkeys(flags))}")
            lines.append(f"    say instead: {r.wording}")
        if s.related:
            lines.append("    " + _related_line(s.related))
    if m:
        lines.append("")
    if u:
        lines.append(f"Not in the ledger (no verdict; next step: {NEXT_STEP}):")
        lines += [f"  line {s.sentence.line}: \u201c{_short(s.sentence.text)}\u201d (\u201c{s.cue}\u201d)" for s in u]
        lines.append("")
    lines.append(_blocking_line(report))
    return "\n".join(lines) + "\n"


def draft_json(report: DraftReport) -> str:
    """``claimledger check --json --file DRAFT``: per sentence, its claims with their character spans in the draft."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _markdown_html(text: str) -> str:
    """The draft's Markdown as HTML, with raw HTML in the draft escaped (markdown-it-py, html disabled)."""
    from markdown_it import MarkdownIt
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).render(text)


MARK = "\ue000{}\ue001"
"""Private-use characters that bracket each highlighted span while the draft goes through Markdown."""


def _marked(report: DraftReport) -> tuple[str, list[dict]]:
    """The draft with each sentence that makes (or seems to make) a claim bracketed, and what each bracket holds."""
    spans, notes = [], []
    for s in report.sentences:
        if s.claims or s.untracked:
            spans.append((s.sentence.start, s.sentence.end, len(notes)))
            notes.append({"claims": s.claims, "related": s.related, "cue": s.cue,
                          "verdict": s.claims[0].verdict if s.claims else "", "quoted": [report.text[c.start:c.end] for c in s.claims]})
    out, pos = [], 0
    for start, end, k in spans:
        out += [report.text[pos:start], f"\ue000{k}\ue002", report.text[start:end], "\ue001"]
        pos = end
    out.append(report.text[pos:])
    return "".join(out), notes


_MARKS = re.compile("\ue000(\\d+)\ue002|\ue001")


def _parts(html: str) -> list[dict]:
    """Rendered Markdown cut at the highlight marks: ``{"html": ...}``, ``{"open": k}`` or ``{"close": True}`` pieces."""
    parts, pos = [], 0
    for m in _MARKS.finditer(html):
        parts.append({"html": Markup(html[pos:m.start()])})  # markdown-it output with raw HTML disabled: escaped text
        parts.append({"open": int(m.group(1))} if m.group(1) is not None else {"close": True})
        pos = m.end()
    parts.append({"html": Markup(html[pos:])})
    return parts


def draft_html(report: DraftReport) -> str:
    """The draft as a self-contained HTML page: its Markdown rendered, each claim-making sentence highlighted by
    verdict where it is made, with a numbered note below giving every claim's verdict and evidence."""
    from ..templating import render, static  # Jinja2 only when a page is written

    marked, notes = _marked(report)
    parts = _parts(_markdown_html(marked))
    words = " or ".join(INFO[v].label for v in BLOCKING)
    status = _blocking_line(report) if report.blocking else f"No sentence asserts a claim graded {words}."
    return render("draft.html.j2", report=report, parts=parts, notes=notes, verdicts=INFO, legend=VERDICT_TABLE, status=status,
                  css=static("draft.css"), verdict_words=verdict_words, holds_words=holds_words, next_step=NEXT_STEP)
