"""Grading: evidence links in, one verdict, certainty and reason per claim out. DataFrames in, DataFrames out; no I/O.

- :mod:`.verdicts`: the verdict table (names, order, labels, colours, blocking, ClaimReview ratings);
- :mod:`.scales`: what certainty, design, directness, stance and comparator mean to the rules;
- :mod:`.units`: links collapsed into weighed units of evidence (the one definition, used everywhere);
- :mod:`.rules`: the decision rules and :func:`grade_claims`; :mod:`.reasons`: the reason text;
- :mod:`.synthesis` and :mod:`.stats`: effect estimates and random-effects pooling.

Names are imported on first use (the verdict table needs no table library).
"""
from importlib import import_module

__all__ = ["BLOCKING", "RULES", "VERDICTS", "VERDICT_TABLE", "Verdict", "decide", "effect_estimates", "evidence_units",
           "grade_claims", "grade_ledger", "info", "pool_comparable",
           "pooling_notes"]
_NAMES = {"RULES": ".rules", "decide": ".rules", "grade_claims": ".rules", "grade_ledger": ".rules",
          "effect_estimates": ".synthesis", "pool_comparable": ".synthesis", "pooling_notes": ".synthesis", "evidence_units": ".units",
          "BLOCKING": ".verdicts", "VERDICT_TABLE": ".verdicts", "VERDICTS": ".verdicts", "Verdict": ".verdicts", "info": ".verdicts"}


def __getattr__(name: str):
    if name in _NAMES:
        return getattr(import_module(_NAMES[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
