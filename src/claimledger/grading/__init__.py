"""Grading: evidence links in, one verdict, certainty and reason per claim out. DataFrames in, DataFrames out; no I/O.

- :mod:`.verdicts`: the verdict table (names, order, labels, colours, blocking, ClaimReview ratings);
- :mod:`.scales`: what certainty, design, directness, stance and comparator mean to the rules;
- :mod:`.units`: links collapsed into weighed units of evidence (the one definition, used everywhere);
- :mod:`.rules`: the decision rules and :func:`grade_claims`; :mod:`.reasons`: the reason text;
- :mod:`.synthesis` and :mod:`.stats`: effect estimates and random-effects pooling.
"""
from .rules import RULES, decide, grade_claims, grade_ledger
from .synthesis import effect_estimates, pool_comparable
from .units import evidence_units
from .verdicts import BLOCKING, VERDICT_TABLE, VERDICTS, Verdict, info

__all__ = ["BLOCKING", "RULES", "VERDICTS", "VERDICT_TABLE", "Verdict", "decide", "effect_estimates", "evidence_units",
           "grade_claims", "grade_ledger", "info", "pool_comparable"]
