"""Ledger rules for ``evidence/assessments.csv``: an assessor's judgement of one GRADE domain of a claim (issue 12).

The schema already checks each column (the claim exists, the domain and judgement are known words, a reason, an
assessor and a date are given, one row per claim and domain). One rule needs two columns at once: a judgement must
be one its domain can take. The five reasons to rate down take ``no_concern``, ``serious`` or ``very_serious``; the
three reasons to rate up take ``none``, ``up_one`` or ``up_two``; both take ``not_assessed``
(:func:`claimledger.grading.domains.fits`). Vectorised over rows like :mod:`claimledger.ledger.validate`.
"""
from __future__ import annotations

import numpy as np

from ..grading.domains import DOWN, DOWN_LEVELS, JUDGEMENTS, NOT_ASSESSED, UP, UP_LEVELS, fits
from ..problems import Problem
from .read import RawTable


def check_assessments(assessments: RawTable) -> list[Problem]:
    """A judgement that its domain cannot take (``serious`` for large_effect, ``up_one`` for imprecision) is an error."""
    f = assessments.frame
    known = f["domain"].isin(DOWN + UP) & f["judgement"].isin(JUDGEMENTS)  # unknown words are the schema check's
    wrong = known & ~np.array([fits(d, j) for d, j in zip(f["domain"], f["judgement"])], dtype=bool)
    out = []
    for i in np.flatnonzero(wrong.to_numpy()):
        domain, judgement = f["domain"].iat[i], f["judgement"].iat[i]
        allowed = [*(DOWN_LEVELS if domain in DOWN else UP_LEVELS), NOT_ASSESSED]
        kind = "a reason to rate down" if domain in DOWN else "a reason to rate up"
        out.append(Problem(assessments.file, int(assessments.lines[i]), "judgement", "judgement-not-for-domain",
                           f'"{judgement}" is not a judgement of {domain}, which is {kind}.',
                           f"use one of {', '.join(allowed)}.", judgement))
    return out


def check_assessment_rules(raws: dict[str, RawTable]) -> list[Problem]:
    """Every rule above, when the ledger has an assessments table that was read."""
    raw = raws.get("assessments")
    return check_assessments(raw) if raw is not None and raw.frame is not None else []
