"""Wording a claim for the certainty of its evidence, and words that claim too much. Pure text functions, no I/O.

:func:`graded_statement` (GRADE guideline 26: "probably", "may", "the evidence is very uncertain") lives in
:mod:`claimledger.grading.plain_language`, where the Summary of Findings card can use it too, and is
re-exported here; :func:`overclaims` finds words ("proven", "cures", "no side effects") that claim more than the
evidence allows.
"""
from __future__ import annotations

import re

from ..grading.plain_language import CLAIM_VERBS, MODAL, graded_statement
from ..grading.verdicts import Verdict

__all__ = ["CLAIM_VERBS", "MODAL", "OVERCLAIMS", "graded_statement", "overclaims"]

OVERCLAIMS = re.compile(r"""\b(
    proven | proves? | scientifically\s+proven | cures? | cured | guarantee[ds]? | miracle\w* | 100\s?% |
    completely\s+safe | totally\s+safe | perfectly\s+safe | (?:no|zero|without\s+any)\s+side[\s-]effects? | risk[\s-]free |
    regenerates? | permanent(?:ly)? | always | never\s+fails?
)\b""", re.IGNORECASE | re.VERBOSE)
"""Words that claim more than evidence short of certain can carry."""


_NEGATED_BEFORE = re.compile(r"\b(?:not|no|never|isn't|aren't|won't|nor|hardly)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)


def overclaims(sentence: str, verdict: str, certainty: str) -> list[str]:
    """The words of ``sentence`` that overstate a claim with this verdict and certainty (a negated word, as in
    "it is not a cure", overstates nothing).

    >>> overclaims("Acupuncture is proven to cure sciatica.", "partly_supported", "moderate")
    ['proven', 'cure']
    >>> overclaims("It is not a cure.", "partly_supported", "moderate")
    []
    """
    found = [m.group(0) for m in OVERCLAIMS.finditer(sentence) if not _NEGATED_BEFORE.search(sentence[:m.start()])]
    if str(verdict) == Verdict.SUPPORTED and certainty == "high":
        return [w for w in found if w.lower().startswith(("cure", "miracle", "guarant"))]
    return found


ASSERTS, DENIES, ASKS, DOUBTS = "asserts", "denies", "asks", "doubts"
"""How a sentence holds a claim it matches: it states it, states the opposite, asks, or says the evidence is unsure."""

_DOUBT = re.compile(r"""\b(?:
    (?:no|little|not\s+enough|insufficient|weak|limited)\s+(?:good\s+|strong\s+|reliable\s+|clear\s+|real\s+|scientific\s+|solid\s+)?
        (?:evidence|proof|research|data)
  | (?:the\s+)?evidence\s+is\s+(?:very\s+)?(?:uncertain|mixed|unclear|weak|conflicting|limited|lacking)
  | very\s+uncertain | uncertain\s+whether | unclear\s+whether | not\s+(?:yet\s+)?(?:clear|known)\s+whether
  | studies\s+disagree | mixed\s+evidence | (?:un|not\s+|never\s+been\s+)proven | not\s+(?:been\s+)?(?:shown|established|demonstrated)
  | has\s+not\s+been\s+(?:shown|tested|studied) | only\s+(?:in\s+)?(?:animal|lab|rat|mouse|mice)
  | in\s+(?:animal|lab|laboratory)\s+studies | (?:a\s+)?myth | is\s+(?:not|n't)\s+true | false
)\b""", re.IGNORECASE | re.VERBOSE)
_NEGATION = re.compile(r"\b(?:not|no|never|none|without|cannot|can't|don't|doesn't|didn't|isn't|aren't|won't|wasn't|weren't|neither|nor)\b",
                       re.IGNORECASE)


def assertion(text: str, statement: str, sentence: str | None = None, before: str = "") -> str:
    """How ``text`` (the words that make a claim) holds the claim worded ``statement``: :data:`ASSERTS`,
    :data:`DENIES` (a negation the claim's own wording does not have), :data:`ASKS` (``sentence`` is a question) or
    :data:`DOUBTS` (it, or the sentence ``before`` it, says the evidence is lacking, mixed or uncertain, as careful
    wording does: "There is no good evidence that X, relieving Y"). Only an asserted claim with a blocking verdict
    needs fixing.

    >>> assertion("There is no good evidence that cupping relieves sciatica", "Cupping relieves sciatica.")
    'doubts'
    >>> assertion("acupuncture has no side effects", "Acupuncture relieves pain without the side effects of medication.")
    'asserts'
    >>> assertion("Acupuncture does not cure sciatica", "Acupuncture cures sciatica.")
    'denies'
    """
    if (sentence or text).rstrip().rstrip("*_\"\u201d'").rstrip().endswith("?"):
        return ASKS
    if (_DOUBT.search(text) or _DOUBT.search(before)) and not _DOUBT.search(statement):
        return DOUBTS
    if len(_NEGATION.findall(text)) > len(_NEGATION.findall(statement)):
        return DENIES
    return ASSERTS
