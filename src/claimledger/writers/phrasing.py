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


def overclaims(sentence: str, verdict: str, certainty: str) -> list[str]:
    """The words of ``sentence`` that overstate a claim with this verdict and certainty.

    >>> overclaims("Acupuncture is proven to cure sciatica.", "partly_supported", "moderate")
    ['proven', 'cure']
    """
    if str(verdict) == Verdict.SUPPORTED and certainty == "high":
        return [m.group(0) for m in OVERCLAIMS.finditer(sentence) if m.group(0).lower().startswith(("cure", "miracle", "guarant"))]
    return [m.group(0) for m in OVERCLAIMS.finditer(sentence)]
