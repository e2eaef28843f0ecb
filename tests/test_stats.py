"""Pooling reproduces metafor's BCG vaccine meta-analysis (dat.bcg, 13 trials)."""
from __future__ import annotations

import pytest

from claimledger.grading.stats import log_risk_ratio, pool_dl, pool_reml, se_from_ci

# dat.bcg (Colditz et al. 1994, as shipped with R's metafor): tpos, tneg, cpos, cneg per trial
BCG = [
    (4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619),
    (33, 5036, 47, 5761), (180, 1361, 372, 1079), (8, 2537, 10, 619), (505, 87886, 499, 87892),
    (29, 7470, 45, 7232), (17, 1699, 65, 1600), (186, 50448, 141, 27197), (5, 2493, 3, 2338),
    (27, 16886, 29, 17825),
]


def _yi_vi():
    ai = [t[0] for t in BCG]
    n1 = [t[0] + t[1] for t in BCG]
    ci = [t[2] for t in BCG]
    n2 = [t[2] + t[3] for t in BCG]
    return log_risk_ratio(ai, n1, ci, n2)


def test_dersimonian_laird_matches_metafor():
    p = pool_dl(*_yi_vi())
    assert round(p.estimate, 4) == pytest.approx(-0.7141, abs=1e-3)
    assert round(p.tau2, 4) == pytest.approx(0.3088, abs=1e-3)
    assert p.k == 13 and p.method == "DL"
    assert p.ci_low < p.estimate < p.ci_high


def test_reml_matches_metafor():
    p = pool_reml(*_yi_vi())
    assert p.estimate == pytest.approx(-0.7145, abs=1e-3)
    assert p.tau2 == pytest.approx(0.3132, abs=1e-3)
    assert p.i2 > 90


def test_reml_without_heterogeneity_is_fixed_effect():
    p = pool_reml([0.1, 0.1, 0.1], [0.04, 0.04, 0.04])
    assert p.tau2 == pytest.approx(0.0, abs=1e-6)
    assert p.estimate == pytest.approx(0.1)
    assert p.se == pytest.approx((0.04 / 3) ** 0.5)


def test_se_from_ci_inverts_a_normal_interval():
    assert se_from_ci(-21.3, -10.6) == pytest.approx((21.3 - 10.6) / (2 * 1.959964), rel=1e-5)
    assert se_from_ci(1.21, 1.30, log_scale=True) > 0
