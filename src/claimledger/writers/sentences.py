"""Sentences of a draft or document, with their offsets, and whether a sentence reads like a health claim.

:func:`split_sentences` splits plain text or Markdown into sentences located by
character offsets (as ``evidence/mentions.csv`` counts them); :data:`CLAIM_CUES`
are the words that make a sentence read like a health claim. No I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

# Words that make a sentence read like a health claim. A sentence with one of them and no ledger match is
# listed for a researcher to add; the words are deliberately broad (a false alarm costs a glance).
CLAIM_CUES = re.compile(r"""\b(
    help(s|ed|ing)? | reduc(e|es|ed|ing) | reliev(e|es|ed|ing) | relief | cur(e|es|ed|ing) | heal(s|ed|ing)? |
    treat(s|ed|ing)? | prevent(s|ed|ing)? | boost(s|ed|ing)? | improv(e|es|ed|ing) | releas(e|es|ed|ing) |
    prov(en|es|ed) | shown | studies\s+show | research\s+shows | clinically | effective(ly)? | works? |
    safe(ly|r)? | eas(e|es|ed|ing) | alleviat\w* | lower(s|ed|ing)? | increas(e|es|ed|ing) | decreas(e|es|ed|ing) |
    stimulat\w* | promot(e|es|ed|ing) | restor(e|es|ed|ing) | eliminat\w* | strengthen\w* | detox\w* |
    side[\s-]effects? | guarantee[sd]? | miracle | risk[\s-]free | painkillers? | fights? | protects? | causes? |
    regenerat\w* | regrow\w* | blocks? | balanc(e|es|ed|ing) | flush(es|ed|ing)? |
    rais(e|es|ed|ing) | lift(s|ed|ing)? | trigger\w* | regulat\w* | support(s|ed|ing)? | benefit\w* | good\s+for |
    kick\W?start\w* | revs?\s+up | unblock\w* | rewir\w* | speeds?\s+up | activat\w* | stronger\s+than | weaken\w* |
    fix(es|ed|ing)? | repair\w* | rebuild\w* | grows?\s+back | clears?\s+out | combat\w* | target\w* | recover\w* |
    relax(es|ed|ing)? | soothe[sd]? | calm(s|ed|ing)? | melts?
)\b""", re.IGNORECASE | re.VERBOSE)


@dataclass(frozen=True)
class Sentence:
    """One sentence of a text, located by character offsets (``text[start:end]``)."""

    start: int
    end: int
    text: str
    line: int
    """1-based line of the first character."""
    kind: str = "text"
    """``heading`` for a Markdown heading, ``item`` for a list item or quote, else ``text``."""


_BLOCK_START = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d{1,3}[.)]\s+|\[[ xX]\]\s+)+")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_END = re.compile(r"[.!?]+[\"'”’)\]*_]*(?=\s+|$)")
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "vs", "dr", "mr", "mrs", "ms", "prof", "fig", "figs", "al", "approx", "no", "nos", "st", "jr", "sr", "inc", "ltd", "co", "cf", "ca", "ed", "eds", "vol", "pp"})


def _is_new_block(line: str) -> bool:
    return bool(_BLOCK_START.match(line)) or bool(_RULE.match(line)) or line.lstrip().startswith("|")


def split_sentences(text: str) -> list[Sentence]:
    """Split plain text or Markdown into sentences with their offsets.

    Paragraphs, headings and list items are split apart; within them a
    sentence ends at ``.``, ``!`` or ``?`` followed by space, except after
    common abbreviations (e.g., Dr., et al.) and initials. Markdown markers
    (``#``, ``-``, ``1.``, ``>``) are left outside the sentence and fenced code
    blocks are skipped. Offsets index ``text`` as Python counts characters,
    as ``evidence/mentions.csv`` does.

    Examples
    --------
    >>> [s.text for s in split_sentences("# Title\\n\\nNeedles help. Dr. Li agrees, e.g. in trials.\\n- Point one")]
    ['Title', 'Needles help.', 'Dr. Li agrees, e.g. in trials.', 'Point one']
    """
    blocks: list[tuple[int, int, str]] = []
    pos = 0
    fenced = False
    open_block = False  # whether the next plain line continues the last block (a hard-wrapped paragraph)
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        start, pos = pos, pos + len(raw)
        if _FENCE.match(line):
            fenced, open_block = not fenced, False
            continue
        if fenced or not line.strip() or _RULE.match(line):
            open_block = False
            continue
        marker = _BLOCK_START.match(line)
        # A hard-wrapped paragraph continues in lower case; a line starting in upper case after a line break is
        # taken as new (a title line above a paragraph in a plain-text document).
        continues = bool(line.strip()) and not line.lstrip()[0].isupper()
        if open_block and continues and not _is_new_block(line):
            blocks[-1] = (blocks[-1][0], start + len(line), blocks[-1][2])
        else:
            kind = "heading" if line.lstrip().startswith("#") else "item" if marker else "text"
            blocks.append((start + (marker.end() if marker else 0), start + len(line), kind))
        open_block = not line.lstrip().startswith("#")
    line_starts = np.asarray([0] + [m.end() for m in re.finditer("\n", text)])
    out: list[Sentence] = []
    for b_start, b_end, kind in blocks:
        seg_start = b_start
        for m in _END.finditer(text, b_start, b_end):
            before = text[seg_start:m.start()].split()
            last = before[-1].lower().rstrip(".") if before else ""
            if text[m.start()] == "." and (last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())):
                continue
            nxt = text[m.end():b_end].lstrip()
            if nxt and nxt[0].islower():
                continue
            _add(out, text, seg_start, m.end(), line_starts, kind)
            seg_start = m.end()
        _add(out, text, seg_start, b_end, line_starts, kind)
    return out


def _add(out: list[Sentence], text: str, start: int, end: int, line_starts: np.ndarray, kind: str) -> None:
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    start, end = start + lead, end - (len(piece) - len(piece.rstrip()))
    if end > start and any(ch.isalnum() for ch in text[start:end]):
        out.append(Sentence(start, end, text[start:end], int(np.searchsorted(line_starts, start, side="right")), kind))


# Where one sentence holds several claims: clauses joined by a conjunction or a relative pronoun, list items after
# a colon, "Q: ... A: ...", parentheses and dashes. A split point is a boundary *between* two claims only when both
# sides say something (claims.py keeps a split only if each side has content words of its own).
_CLAUSE_BREAK = re.compile(
    r"""\s*(?:
        ;                                        # semicolon
      | :(?=\s)                                  # colon before a list or an explanation
      | \s[\u2013\u2014-]\s                      # spaced dash
      | \((?=[^)]{12,}\))|\)                     # a parenthesis long enough to hold a claim
      | ,?\s+(?:and|but|while|whereas|plus|so|so\s+that|which|that\s+means|meaning|because|as\s+well\s+as|and\s+also|and\s+even|or\s+even)\s+
      | ,\s+(?=\w)                               # commas (items of a list)
      | (?<=[?!])\s+                             # a question answered in the same sentence
      | \s+A:\s+                                 # FAQ answer
    )\s*""", re.VERBOSE | re.IGNORECASE)


def clause_spans(text: str) -> list[tuple[int, int]]:
    """Candidate clauses of one sentence, as ``(start, end)`` offsets into ``text`` (the pieces between breaks).

    >>> t = "It is safe with no side effects, and it can even replace surgery."
    >>> [t[a:b] for a, b in clause_spans(t)]
    ['It is safe with no side effects', 'it can even replace surgery.']
    """
    spans, pos = [], 0
    for m in _CLAUSE_BREAK.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = max(pos, m.end())
    if pos < len(text):
        spans.append((pos, len(text)))
    return [(a, b) for a, b in spans if any(ch.isalnum() for ch in text[a:b])]
