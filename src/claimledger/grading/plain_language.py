"""Plain-language statements for the certainty of evidence (GRADE guideline 26). Pure text functions, no I/O.

GRADE guideline 26 (Santesso et al., J Clin Epidemiol 2020) words findings by
certainty: high certainty states the effect ("results in"), moderate says it
"probably" (likely) happens, low that it "may", very low that "the evidence is
very uncertain". :func:`graded_statement` rewrites a claim's statement that way.
It lives in the grading layer because the Summary of Findings card
(:mod:`~claimledger.grading.sof`) words its statement with it;
:mod:`claimledger.writers.phrasing` re-exports it for writers.
"""
from __future__ import annotations

from .scales import MIXED_STANCE

MODAL = {"moderate": "probably", "low": "may"}
"""GRADE's informative statements: high certainty states the effect, moderate says it "probably" (likely) happens,
low that it "may" happen, very low that "the evidence is very uncertain"."""
_AUXILIARY = {"is": "be", "are": "be", "has": "have", "have": "have", "does": "do", "do": "do", "can": "", "could": ""}
_VERB_ENDINGS = ("ses", "xes", "ches", "shes", "zes")


def _base_form(verb: str) -> str:
    """``relieves`` -> ``relieve``, ``relaxes`` -> ``relax``, ``is`` -> ``be`` (third person singular to base form)."""
    if verb in _AUXILIARY:
        return _AUXILIARY[verb] or verb
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    if verb.endswith(("xes", "ches", "shes", "sses", "zzes")):
        return verb[:-2]
    return verb[:-1] if verb.endswith("s") and not verb.endswith(("ss", "us", "is")) else verb


CLAIM_VERBS = frozenset(["relieve", "reduce", "stimulate", "improve", "increase", "make", "let", "relax", "change", "act", "desensitise", "desensitize", "promote", "give", "last", "need", "heal", "help", "enhance", "deliver", "flow", "get", "wear", "mask", "run", "affect", "cause", "lie", "seek", "include", "work", "target", "harm", "lower", "boost", "release", "trigger", "block", "prevent", "restore", "regenerate", "treat", "ease", "decrease", "cure", "protect", "fight", "balance", "strengthen", "calm"])
"""Verbs claims are made with: the words :func:`graded_statement` looks for to insert "probably" or "may"."""


def _finite_verb(words: list[str]) -> int:
    """Position of the statement's main verb among its first words (-1 when none is recognisably a verb)."""
    low = [w.lower().strip(",;()") for w in words[:9]]
    relative = lambda i: low[i - 1] in ("that", "which", "who")
    for i, w in enumerate(low[1:], 1):
        if w in _AUXILIARY and not relative(i):
            return i
    for i, w in enumerate(low[1:], 1):
        if _base_form(w) in CLAIM_VERBS and not relative(i) and (w.endswith("s") or low[i - 1] in ("often", "usually", "typically", "only")):
            return i
    return -1


def graded_statement(statement: str, certainty: str) -> str:
    """The claim worded for the certainty of its evidence (GRADE guideline 26).

    >>> graded_statement("Acupuncture relieves sciatica pain.", "moderate")
    'Acupuncture probably relieves sciatica pain.'
    >>> graded_statement("Acupuncture relieves sciatica pain.", "low")
    'Acupuncture may relieve sciatica pain.'
    >>> graded_statement("Acupuncture relieves sciatica pain.", "very_low")
    'The evidence is very uncertain about whether acupuncture relieves sciatica pain.'
    """
    s = statement.strip().rstrip(".")
    if certainty == "high" or not s:
        return s + "."
    that = s[0].lower() + s[1:] if not s[:2].isupper() else s
    if certainty not in MODAL:
        return f"The evidence is very uncertain about whether {that}."
    words = s.split()
    at = _finite_verb(words)
    if at < 0:
        return f"It is {'likely' if certainty == 'moderate' else 'possible'} that {that}."
    verb = words[at]
    if verb.lower() in ("can", "could"):
        words[at] = "may" if certainty == "low" else "can probably"
    elif certainty == "moderate":
        words[at] = f"{verb} probably" if verb.lower() in ("is", "are") else f"probably {verb}"
    else:
        words[at] = f"may {_base_form(verb.lower())}"
        for i in range(at + 1, len(words) - 1):  # "reduces stress and promotes relaxation": both verbs take "may"
            if words[i] == "and" and _base_form(words[i + 1].lower()) in CLAIM_VERBS and words[i + 1].lower().endswith("s"):
                words[i + 1] = _base_form(words[i + 1].lower())
    if at > 1 and words[at - 1].lower() in ("often", "usually", "typically", "only", "sometimes") and " " in words[at]:
        words[at - 1], words[at] = words[at].split(" ", 1)[0], f"{words[at - 1]} {words[at].split(' ', 1)[-1]}"
    return " ".join(words) + "."


def _that(statement: str) -> str:
    s = statement.strip().rstrip(".")
    return s[0].lower() + s[1:] if s and not s[:2].isupper() else s


def plain_language(statement: str, certainty: str, direction: str = "for") -> str:
    """A Summary of Findings statement: the claim worded for its certainty and for which way the evidence points.

    ``direction`` is ``for`` (the evidence supports the claim: :func:`graded_statement`), ``against`` (it goes
    against it) or ``mixed``. The certainty words are GRADE guideline 26's: moderate "probably", low "may", very low
    "the evidence is very uncertain".

    >>> plain_language("Acupuncture relieves sciatica pain.", "moderate")
    'Acupuncture probably relieves sciatica pain.'
    >>> plain_language("Muscle spasm causes sciatica.", "moderate", "against")
    'It is probably not true that muscle spasm causes sciatica.'
    >>> plain_language("Exercise helps sciatica.", "low", "mixed")
    'The evidence on whether exercise helps sciatica is mixed, and of low certainty.'
    """
    that = _that(statement)
    if certainty not in ("high", "moderate", "low") or not that:
        return f"The evidence is very uncertain about whether {that}." if that else ""
    if direction == "against":
        return {"high": f"The evidence shows that it is not true that {that}.", "moderate": f"It is probably not true that {that}.",
                "low": f"It may not be true that {that}."}[certainty]
    if direction == MIXED_STANCE:
        return f"The evidence on whether {that} is mixed, and of {certainty} certainty."
    return graded_statement(statement, certainty)
