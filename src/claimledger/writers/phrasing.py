"""Wording a claim for the certainty of its evidence, and words that claim too much. Pure text functions, no I/O.

GRADE guideline 26 (Santesso et al., J Clin Epidemiol 2020) words findings by
certainty: high certainty states the effect ("results in"), moderate says it
"probably" (likely) happens, low that it "may", very low that "the evidence is
very uncertain". :func:`graded_statement` rewrites a claim's statement that way;
:func:`overclaims` finds words ("proven", "cures", "no side effects") that claim
more than the evidence allows.
"""
from __future__ import annotations

import re

from ..grading.verdicts import Verdict

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
