"""Random-effects meta-analysis (pure functions, no I/O).

DerSimonian-Laird pooling uses statsmodels' ``combine_effects`` with
``method_re="dl"`` (its default is Paule-Mandel, so DL is asked for
explicitly). statsmodels has no REML estimator for this case, so REML
maximises the restricted log-likelihood with scipy. Both are checked against
metafor's BCG vaccine example in ``tests/test_stats.py``.
"""
from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

# scipy and statsmodels are imported where they are used: they take most of a second to import, and every
# command (validate too) imports the grading package.
_norm = NormalDist()


@dataclass(frozen=True)
class Pooled:
    """A random-effects pooled estimate (on the analysis scale, e.g. log RR)."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    tau2: float
    i2: float
    k: int
    method: str


def log_risk_ratio(ai, n1i, ci, n2i):
    """Log risk ratio and its sampling variance from 2x2 counts (events, totals per arm)."""
    ai, n1i, ci, n2i = (np.asarray(x, dtype=float) for x in (ai, n1i, ci, n2i))
    yi = np.log((ai / n1i) / (ci / n2i))
    vi = 1 / ai - 1 / n1i + 1 / ci - 1 / n2i
    return yi, vi


def se_from_ci(ci_low, ci_high, log_scale: bool = False, level: float = 0.95):
    """Standard error from a reported confidence interval (on the log scale for ratios)."""
    lo, hi = np.asarray(ci_low, dtype=float), np.asarray(ci_high, dtype=float)
    if log_scale:
        lo, hi = np.log(lo), np.log(hi)
    return (hi - lo) / (2 * _norm.inv_cdf(0.5 + level / 2))


def _i2(yi, vi) -> float:
    w = 1 / vi
    mu = np.sum(w * yi) / np.sum(w)
    q = float(np.sum(w * (yi - mu) ** 2))
    df = len(yi) - 1
    return max(0.0, (q - df) / q) * 100 if q > 0 else 0.0


def pool_dl(yi, vi) -> Pooled:
    """DerSimonian-Laird random-effects pooling via statsmodels."""
    from statsmodels.stats.meta_analysis import combine_effects

    yi, vi = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    res = combine_effects(yi, vi, method_re="dl")
    lo, hi = res.conf_int(use_t=False)[1]
    return Pooled(float(res.mean_effect_re), float(res.sd_eff_w_re), float(lo), float(hi), float(res.tau2),
                  _i2(yi, vi), len(yi), "DL")


def pool_reml(yi, vi) -> Pooled:
    """REML random-effects pooling: tau^2 maximises the restricted likelihood."""
    yi, vi = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)

    def neg_restricted_loglik(tau2):
        w = 1 / (vi + tau2)
        mu = np.sum(w * yi) / np.sum(w)
        return 0.5 * (np.sum(np.log(vi + tau2)) + np.log(np.sum(w)) + np.sum(w * (yi - mu) ** 2))

    upper = max(10.0, 10 * float(np.var(yi)) + float(np.max(vi)))
    from scipy import optimize

    tau2 = float(optimize.minimize_scalar(neg_restricted_loglik, bounds=(0.0, upper), method="bounded",
                                          options={"xatol": 1e-10}).x)
    w = 1 / (vi + tau2)
    mu = float(np.sum(w * yi) / np.sum(w))
    se = float(np.sqrt(1 / np.sum(w)))
    z = _norm.inv_cdf(0.975)
    return Pooled(mu, se, float(mu - z * se), float(mu + z * se), tau2, _i2(yi, vi), len(yi), "REML")
