"""What the ledger's evidence vocabularies mean to the grading: order, weight and plain words.

The vocabularies themselves (which values are allowed) are declared in
``datapackage.json``; this module says how the grading reads them: the
certainty scale and its points, the evidence hierarchy of study designs, the
directness factors, which stances count for and against, and which
comparators isolate a specific effect. See ``docs/grading.md``.
"""
from __future__ import annotations

CERTAINTIES = ["high", "moderate", "low", "very_low"]
"""GRADE certainty, highest first."""
CERTAINTY_ASCENDING = CERTAINTIES[::-1]
"""The order of the ``certainty`` categorical (ordered, lowest first): ``grades["certainty"] >= "moderate"``."""
CERTAINTY_POINTS = {"high": 4, "moderate": 3, "low": 2, "very_low": 1}

DESIGNS = ["guideline", "systematic_review", "meta_analysis", "rct", "cohort", "case_control", "cross_sectional",
           "case_series", "mechanistic_human", "animal", "in_vitro", "narrative_review", "expert_consensus", "protocol"]
"""Study designs in evidence-hierarchy order: syntheses and guidelines, trials, observational studies, human
mechanism studies, preclinical work, then narrative reviews, opinion and protocols (no results)."""
DESIGN_LABEL = {
    "guideline": "guideline", "systematic_review": "systematic review", "meta_analysis": "meta-analysis",
    "rct": "RCT", "cohort": "cohort study", "case_control": "case-control study", "cross_sectional": "survey",
    "case_series": "case series", "mechanistic_human": "human mechanism study", "animal": "animal study",
    "in_vitro": "lab study", "narrative_review": "narrative review", "protocol": "protocol", "expert_consensus": "expert consensus",
}

PRECLINICAL = frozenset({"animal", "healthy_volunteers", "in_vitro"})
"""Directness values that describe evidence outside people with the condition."""
DIRECTNESS_FACTOR = {"direct": 1.0, "indirect_population": 0.6, "indirect_intervention": 0.6,
                     "indirect_outcome": 0.6, "animal": 0.25, "healthy_volunteers": 0.25, "in_vitro": 0.25}
DIRECTNESS_LABEL = {"direct": "in people with the condition", "indirect_population": "in a related population",
                    "indirect_intervention": "of a related intervention", "indirect_outcome": "on a surrogate outcome",
                    "animal": "in animals", "healthy_volunteers": "in healthy volunteers", "in_vitro": "in the lab"}

SUPPORTS, MIXED_STANCE, NOT_ADDRESSED, REFUTES = "supports", "mixed", "not_addressed", "refutes"
AGAINST = frozenset({"refutes", "no_effect_shown"})
"""Stances that count against a claim."""

CONTROLLED = frozenset({"sham", "placebo"})
"""Comparators that isolate a specific effect."""
COMPARATOR_SENSITIVE = frozenset({"efficacy", "practice", "theory"})
"""Claim categories whose support counts less when it compares with usual care, medication or nothing."""
UNCONTROLLED_FACTOR = 0.75

COMPARATOR_PHRASE = {"sham": "over sham", "placebo": "over placebo", "usual_care": "compared with usual care",
                     "medication": "compared with medication", "no_treatment": "compared with no treatment",
                     "active_treatment": "compared with another treatment",
                     "mixed_controls": "compared with a mix of control treatments"}

BACKGROUND = "background"
"""The claim category of background medical facts (shown apart from claims about the intervention)."""


def design_plural(label: str) -> str:
    """``meta-analysis`` -> ``meta-analyses``, ``RCT`` -> ``RCTs``."""
    return label[:-8] + "analyses" if label.endswith("analysis") else label + "s"
