"""The GRADE domains as data, and the rules that judge the ones the ledger can judge. Pure functions, no I/O.

A claim's body of evidence starts at a level set by the design of its leading evidence (randomised evidence high,
observational evidence low; GRADE guideline 3, Balshem et al., J Clin Epidemiol 2011, doi:10.1016/j.jclinepi.2010.07.015).
Five domains can rate it down (:data:`DOWN`) and three can rate it up (:data:`UP`). This module judges, from what the
ledger records, the domains a rule can judge:

- **indirectness** from the leading evidence's ``directness`` (the same reading as grading rule 8);
- **imprecision** from the confidence interval (does it include no effect; does it include both an appreciable
  benefit and an appreciable harm) and from the number of participants against a fixed optimal-information-size rule
  of thumb (GRADE guideline 6, Guyatt et al., J Clin Epidemiol 2011;64(12):1283-1293);
- **inconsistency** from conflicting stances among the claim's clinical evidence and from I² of the pooled
  comparable estimates (:mod:`~claimledger.grading.synthesis`);
- **large effect** from a ratio estimate of non-randomised evidence (GRADE guideline 9, doi:10.1016/j.jclinepi.2011.06.004:
  a two-fold change rates up one level, a five-fold change two).

Risk of bias, publication bias, dose-response and plausible confounding need a person: the rules say
``not_assessed`` and why, and an assessor records them in ``evidence/assessments.csv``. ``docs/grading.md``
("Summary of Findings") explains every rule and threshold.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .scales import AGAINST, BACKGROUND, CERTAINTIES, DESIGN_LABEL, DIRECTNESS_LABEL, MIXED_STANCE, PRECLINICAL, SUPPORTS

DOWN = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")
"""The five reasons to rate the certainty of a body of evidence down."""
UP = ("large_effect", "dose_response", "plausible_confounding")
"""The three reasons to rate it up."""
DOMAINS = DOWN + UP
DOMAIN_LABEL = {"risk_of_bias": "Risk of bias", "inconsistency": "Inconsistency", "indirectness": "Indirectness",
                "imprecision": "Imprecision", "publication_bias": "Publication bias", "large_effect": "Large effect",
                "dose_response": "Dose-response gradient", "plausible_confounding": "Plausible confounding"}

NOT_ASSESSED = "not_assessed"
DOWN_LEVELS = {"no_concern": 0, "serious": 1, "very_serious": 2}
"""Judgements of a reason to rate down, with the levels each takes off."""
UP_LEVELS = {"none": 0, "up_one": 1, "up_two": 2}
"""Judgements of a reason to rate up, with the levels each adds."""
JUDGEMENTS = (*DOWN_LEVELS, *UP_LEVELS, NOT_ASSESSED)
JUDGEMENT_LABEL = {"no_concern": "no serious concern", "serious": "serious concern", "very_serious": "very serious concern",
                   "none": "none", "up_one": "rated up one level", "up_two": "rated up two levels", NOT_ASSESSED: "not assessed"}

OIS_PARTICIPANTS = 400
"""Optimal-information-size rule of thumb for continuous outcomes (MD, SMD): fewer participants rate imprecision down."""
OIS_EVENTS = 300
"""The rule of thumb for dichotomous outcomes (RR, OR, HR, RD), in events. The ledger records participants, not events;
participants bound events from above, so fewer than this many participants means fewer than this many events."""
APPRECIABLE_RATIO = (0.75, 1.25)
"""A ratio interval reaching below the first and above the second includes both an appreciable benefit and an
appreciable harm (the rough guide of GRADE guideline 6: a relative risk under 0.75 or over 1.25)."""
APPRECIABLE_SMD = 0.5
"""The same for standardised mean differences: an interval from -0.5 or below to 0.5 or above (this project's choice:
half a standard deviation, a moderate effect either way)."""
I2_SUBSTANTIAL = 50.0
"""I² (%) of a pooled comparable group from which heterogeneity counts as a reason to rate inconsistency down."""
LARGE_RATIO, VERY_LARGE_RATIO = 2.0, 5.0
"""Ratio estimates whose whole interval lies beyond a two-fold (five-fold) change rate non-randomised evidence up one (two) levels."""

RATIO_MEASURES = frozenset({"RR", "OR", "HR"})
DIFFERENCE_MEASURES = frozenset({"MD", "SMD", "RD"})
FREQUENCY_MEASURES = frozenset({"proportion", "rate"})
COMPARATIVE = frozenset({"sham", "placebo", "usual_care", "medication", "no_treatment", "active_treatment", "mixed_controls"})
"""Comparators of a comparison; ``none`` (or blank) means a single group."""
RANDOMISED = frozenset({"rct"})
REVIEWS = frozenset({"systematic_review", "meta_analysis"})
OBSERVATIONAL = frozenset({"cohort", "case_control", "cross_sectional", "case_series"})
EXPERIMENTAL = frozenset({"mechanistic_human", "animal", "in_vitro"})
NO_STARTING_LEVEL = frozenset({"guideline", "narrative_review", "expert_consensus", "protocol"})
"""Designs GRADE gives no starting level: the card starts from the certainty recorded for them."""


def fits(domain: str, judgement: str) -> bool:
    """Whether ``judgement`` is one a domain can take (``serious`` for a reason to rate down, ``up_one`` for one to rate up).

    >>> fits("imprecision", "serious"), fits("large_effect", "serious"), fits("large_effect", "not_assessed")
    (True, False, True)
    """
    return judgement == NOT_ASSESSED or judgement in (DOWN_LEVELS if domain in DOWN else UP_LEVELS if domain in UP else ())


def shift(domain: str, judgement: str) -> int:
    """Levels a judgement moves the certainty: positive down, negative up, 0 for none or not assessed."""
    return DOWN_LEVELS.get(judgement, 0) if domain in DOWN else -UP_LEVELS.get(judgement, 0)


@dataclass(frozen=True)
class Judgement:
    """A rule's judgement of one domain."""

    judgement: str
    reason: str


@dataclass(frozen=True)
class Start:
    """The level a body of evidence starts at before the domains move it."""

    level: str
    """high, moderate, low or very_low."""
    reason: str
    randomised: bool
    """Randomised evidence (rating up is for non-randomised evidence)."""
    from_design: bool
    """The level comes from the design (False: GRADE gives this design none; the recorded certainty is used)."""


def _num(value) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def fmt(x: float) -> str:
    """A number as the ledger would write it: ``-16.0`` -> ``-16``, ``1.25`` -> ``1.25``, ``0.123456`` -> ``0.1235``."""
    return f"{x:.4g}"


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "nan") else str(value)


def evidence_name(lead: dict) -> str:
    """``RCT tu2024-acupuncture-vs-sham`` (design label and citation id), or ``4 meta-analyses led by ...``."""
    design = DESIGN_LABEL.get(_text(lead.get("design")), _text(lead.get("design")) or "study")
    members = int(lead.get("members") or 1)
    if members > 1:
        return f"{members} reviews of overlapping trials led by {design} {lead['citation_id']}"
    return f"{design} {lead['citation_id']}"


def starting_level(lead: dict, category: str) -> Start:
    """The starting level of a body of evidence led by ``lead`` (a unit of evidence as a dict), for a claim of ``category``.

    Randomised trials and reviews of comparisons start high; observational and experimental (mechanism, animal, lab)
    studies and reviews of single groups start low, except for background claims, whose questions (how common, what
    course, what cause) observational studies answer, and which start high as GRADE's guidance on prognosis has it.
    Guidelines, narrative reviews, expert consensus and protocols get no level from their design: the card starts from
    the certainty recorded for the evidence.
    """
    design, comparator = _text(lead.get("design")), _text(lead.get("comparator"))
    name = evidence_name(lead)
    recorded = _text(lead.get("certainty"))
    if design in RANDOMISED:
        return Start("high", f"{name} is randomised evidence, which starts high.", True, True)
    if design in REVIEWS and comparator in COMPARATIVE:
        return Start("high", f"{name} pools comparisons (against {comparator.replace('_', ' ')}), counted as randomised evidence, "
                     "which starts high.", True, True)
    if design in NO_STARTING_LEVEL or design not in (REVIEWS | OBSERVATIONAL | EXPERIMENTAL):
        return Start(recorded or "very_low", f"GRADE gives {name} no starting level from its design; the card starts from the "
                     f"certainty recorded for it ({recorded.replace('_', ' ') or 'none'}).", False, False)
    if category == BACKGROUND and design not in EXPERIMENTAL:
        return Start("high", f"{name} is observational evidence on a background question (how common, what course, what "
                     "cause), which GRADE's guidance on prognosis starts high.", False, True)
    kind = "a review of single-group studies" if design in REVIEWS else "experimental evidence without randomised people" \
        if design in EXPERIMENTAL else "observational evidence"
    return Start("low", f"{name} is {kind}, which starts low.", False, True)


def judge_indirectness(lead: dict) -> Judgement:
    """Indirectness from the leading evidence's directness: direct no concern, indirect clinical serious, preclinical very serious."""
    directness = _text(lead.get("directness"))
    name = evidence_name(lead)
    if directness == "direct":
        return Judgement("no_concern", f"{name} studied the claim's own population, intervention and outcome.")
    where = DIRECTNESS_LABEL.get(directness, directness.replace("_", " "))
    if directness in PRECLINICAL:
        return Judgement("very_serious", f"{name} is evidence {where}, not in people with the condition.")
    return Judgement("serious", f"{name} is evidence {where}, not exactly the claim's question.")


def certainty_index(level: str) -> int:
    """Position on the certainty scale, 0 = high (unknown levels count as very low)."""
    return CERTAINTIES.index(level) if level in CERTAINTIES else len(CERTAINTIES) - 1


@dataclass(frozen=True)
class Estimate:
    """The effect estimate imprecision is judged on: the leading evidence's own, or the pooled one it is part of."""

    measure: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    n_participants: int | None
    source: str
    """Where the numbers come from, in words (``RCT tu2024-...`` or ``pooled from 3 estimates (...)``)."""


def _interval(e: Estimate) -> str:
    return f"{e.measure} {fmt(e.estimate)} (95% CI {fmt(e.ci_low)} to {fmt(e.ci_high)})" if e.estimate is not None else \
        f"95% CI {fmt(e.ci_low)} to {fmt(e.ci_high)}"


def _ci_concern(e: Estimate) -> tuple[int, str]:
    """Levels the confidence interval alone calls for, and why ("" when it calls for none)."""
    null = 1.0 if e.measure in RATIO_MEASURES else 0.0
    if not e.ci_low <= null <= e.ci_high:
        return 0, f"{_interval(e)}: the interval excludes no effect ({fmt(null)})"
    low, high = APPRECIABLE_RATIO if e.measure in RATIO_MEASURES else (-APPRECIABLE_SMD, APPRECIABLE_SMD)
    if e.measure in RATIO_MEASURES | {"SMD"} and e.ci_low <= low and e.ci_high >= high:
        return 2, (f"{_interval(e)}: the interval includes no effect and reaches both an appreciable benefit and an appreciable "
                   f"harm ({fmt(low)} and {fmt(high)})")
    return 1, f"{_interval(e)}: the interval includes no effect ({fmt(null)})"


def _size_concern(e: Estimate) -> tuple[int | None, str]:
    """Whether the participants fall short of the rule-of-thumb information size: 1 (short), 0 (enough), None (unknown)."""
    if e.n_participants is None:
        return None, "the number of participants is not recorded"
    dichotomous = e.measure in RATIO_MEASURES | {"RD"}
    need = OIS_EVENTS if dichotomous else OIS_PARTICIPANTS
    unit = "events" if dichotomous else "participants"
    if e.n_participants < need:
        return 1, f"{e.n_participants} participants, fewer than the {need} {unit} of the information-size rule of thumb"
    if dichotomous:
        return None, f"{e.n_participants} participants, but the number of events (rule of thumb: {need}) is not recorded"
    return 0, f"{e.n_participants} participants meet the information-size rule of thumb ({need})"


def judge_imprecision(e: Estimate | None) -> Judgement:
    """Imprecision from the confidence interval and the number of participants (see :data:`OIS_PARTICIPANTS`).

    The interval includes no effect: serious; it also reaches an appreciable benefit and harm: very serious. Too few
    participants: serious, or very serious together with an interval that includes no effect. A frequency in one
    group has no line of no effect and is judged on size alone. Nothing to judge by: not assessed.
    """
    if e is None or (e.ci_low is None and e.n_participants is None):
        return Judgement(NOT_ASSESSED, "No effect estimate with a confidence interval and no number of participants is recorded "
                                       "for the leading evidence.")
    size, size_why = _size_concern(e)
    if e.ci_low is None or e.ci_high is None or e.measure in FREQUENCY_MEASURES:
        what = "a frequency in one group has no line of no effect" if e.measure in FREQUENCY_MEASURES and e.ci_low is not None \
            else "no confidence interval is recorded"
        if size == 1:
            return Judgement("serious", f"{e.source}: {size_why}; {what}.")
        return Judgement(NOT_ASSESSED, f"{e.source}: {what}, and {size_why}.")
    ci, ci_why = _ci_concern(e)
    levels = 2 if ci and size == 1 else max(ci, size or 0)
    parts = [ci_why, size_why]
    return Judgement(("no_concern", "serious", "very_serious")[levels], f"{e.source}: {'; '.join(parts)}.")


def judge_inconsistency(units: list[dict], i2: tuple[float, str] | None) -> Judgement:
    """Inconsistency across the claim's clinical units of evidence (all units when none is clinical).

    Support and opposition side by side, or evidence whose own results were mixed, is one reason; I² of at least
    :data:`I2_SUBSTANTIAL` in a pooled comparable group is another. One reason: serious; both: very serious.
    ``i2`` is the highest I² among the claim's pooled groups and what it pooled, or None when nothing was pooled.
    """
    clinical = [u for u in units if _text(u.get("directness")) not in PRECLINICAL] or units
    sides = {k: [u["citation_id"] for u in clinical if _text(u.get("stance")) in v]
             for k, v in (("for", {SUPPORTS}), ("against", AGAINST), (MIXED_STANCE, {MIXED_STANCE}))}
    conflict = bool(sides["for"] and sides["against"]) or bool(sides[MIXED_STANCE])
    heterogeneous = i2 is not None and i2[0] >= I2_SUBSTANTIAL
    parts = []
    if conflict:
        parts.append("; ".join(f"{k}: {', '.join(ids)}" for k, ids in sides.items() if ids))
    if i2 is not None:
        parts.append(f"I\u00b2 = {i2[0]:.0f}% when {i2[1]} are pooled")
    if not parts:
        only = len(clinical) == 1
        return Judgement("no_concern", f"One body of evidence ({clinical[0]['citation_id']}): nothing to be inconsistent with."
                         if only else f"{'Both' if len(clinical) == 2 else f'All {len(clinical)}'} bodies of evidence point the same way "
                         f"({', '.join(u['citation_id'] for u in clinical[:4])}{', ...' if len(clinical) > 4 else ''}).")
    level = int(conflict) + int(heterogeneous)
    lead = "Results conflict" if conflict else "Results agree in direction"
    return Judgement(("no_concern", "serious", "very_serious")[level], f"{lead} ({'; '.join(parts)}).")


def judge_large_effect(start: Start, e: Estimate | None) -> Judgement:
    """Rating up for a large effect: only non-randomised evidence with a ratio estimate whose whole interval lies
    beyond a two-fold (up one) or five-fold (up two) change."""
    if start.randomised:
        return Judgement("none", "Randomised evidence starts high; rating up is for non-randomised evidence.")
    if not start.from_design:
        return Judgement(NOT_ASSESSED, "The starting level is the recorded certainty, not a design's, so no rule rates it up.")
    if e is None or e.measure not in RATIO_MEASURES or e.ci_low is None or e.ci_high is None:
        return Judgement(NOT_ASSESSED, "No ratio estimate with a confidence interval to judge the size of the effect by.")
    # the interval's end nearest to no effect, as a fold change (1 when the interval includes no effect)
    fold = e.ci_low if e.ci_low >= 1 else 1 / e.ci_high if 0 < e.ci_high <= 1 else 1.0
    if fold >= VERY_LARGE_RATIO:
        return Judgement("up_two", f"{e.source}: {_interval(e)} lies wholly beyond a five-fold change.")
    if fold >= LARGE_RATIO:
        return Judgement("up_one", f"{e.source}: {_interval(e)} lies wholly beyond a two-fold change.")
    return Judgement("none", f"{e.source}: {_interval(e)} does not lie wholly beyond a two-fold change.")


def judge_by_person(domain: str, start: Start, lead: dict) -> Judgement:
    """The domains no rule can judge from the ledger: risk of bias, publication bias, dose-response, plausible confounding."""
    if domain in UP and start.randomised:
        return Judgement("none", "Randomised evidence starts high; rating up is for non-randomised evidence.")
    if domain == "risk_of_bias":
        basis = _text(lead.get("certainty_basis"))
        why = (f"the paper's own GRADE rating ({_text(lead.get('certainty')).replace('_', ' ')}), recorded as the certainty of "
               f"{lead['citation_id']}, already weighs it" if basis == "paper_grade" else
               "no risk-of-bias judgement of the leading evidence is recorded")
        return Judgement(NOT_ASSESSED, f"Not assessed by a rule: {why}. Record one in evidence/assessments.csv.")
    what = {"publication_bias": "whether studies are missing (funnel plot, registry search)",
            "dose_response": "any dose-response data", "plausible_confounding": "the direction residual confounding would push"}
    return Judgement(NOT_ASSESSED, f"The ledger records nothing about {what[domain]}; an assessor can record it in "
                                   "evidence/assessments.csv.")
