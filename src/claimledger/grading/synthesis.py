"""Effect sizes: the estimates the links report, on an analysis scale, and random-effects pooling of comparable ones.

Pure functions over DataFrames (no I/O). A unit of evidence counts once here as
in the grading: reviews sharing an ``evidence_body`` contribute one estimate
(:func:`~claimledger.grading.units.unit_names`). The pooling math is in
:mod:`~claimledger.grading.stats`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .stats import pool_dl, pool_reml, se_from_ci
from .units import unit_names

RATIO_MEASURES = {"RR", "OR", "HR"}


def effect_estimates(links: pd.DataFrame, citations: pd.DataFrame) -> pd.DataFrame:
    """Reported effect estimates with a confidence interval, one row per link.

    Adds ``unit`` (reviews sharing an evidence_body are one unit), ``label``,
    and ``yi``/``sei`` on the analysis scale (log for RR, OR, HR).
    """
    cit = citations[[c for c in ("citation_id", "design", "year", "evidence_body", "retracted", "verified_source") if c in citations.columns]]
    df = links.merge(cit, on="citation_id", how="left")
    checked = df["verified_source"].astype("string").fillna("").str.strip() != "" if "verified_source" in df.columns else True
    keep = checked & (df["estimate"].notna() & df["ci_low"].notna() & df["ci_high"].notna() & df["measure"].notna()
            & ~df["retracted"].astype("boolean").fillna(False).astype(bool)
            & ~df["measure"].astype(str).isin(["proportion", "rate"]))
    df = df[keep].copy()
    if df.empty:
        return df.assign(unit=[], label=[], yi=[], sei=[])
    for col in ("estimate", "ci_low", "ci_high"):
        df[col] = df[col].astype(float)
    ratio = df["measure"].astype(str).isin(RATIO_MEASURES).to_numpy()
    df["yi"] = df["estimate"]
    df["sei"] = se_from_ci(df["ci_low"], df["ci_high"])
    if ratio.any():
        r = df.index[ratio]
        df.loc[r, "yi"] = np.log(df.loc[r, "estimate"])
        df.loc[r, "sei"] = se_from_ci(df.loc[r, "ci_low"], df.loc[r, "ci_high"], log_scale=True)
    # Comparable outcomes: same wording up to the first comma, ignoring parentheses and case.
    df["outcome_key"] = (df["outcome"].astype("string").fillna("").str.lower().str.replace(r"\([^)]*\)", "", regex=True)
                         .str.split(",").str[0].str.split().str.join(" "))
    df["unit"] = unit_names(df["citation_id"], df["evidence_body"])
    df["label"] = df["citation_id"].astype(str) + " (" + df["comparator"].astype("string").fillna("?") + ")"
    return df.reset_index(drop=True)


def pool_comparable(estimates: pd.DataFrame, method: str = "REML") -> pd.DataFrame:
    """Pool estimates that are comparable: same claim, measure, comparator and outcome,
    from at least two *independent* units (reviews sharing an evidence body
    contribute one estimate: the most recent, to avoid counting trials twice).

    Returns one row per pooled group (claim_id, measure, comparator, k,
    estimate, ci_low, ci_high, tau2, i2, method, citations); empty when no
    group has two independent estimates.
    """
    cols = ["claim_id", "measure", "comparator", "k", "estimate", "ci_low", "ci_high", "tau2", "i2", "method", "citations"]
    if estimates.empty:
        return pd.DataFrame(columns=cols)
    key = ["claim_id", "measure", "comparator", "outcome_key"]
    est = estimates.sort_values("year", ascending=False, kind="stable").drop_duplicates(key + ["unit"])
    rows = []
    for (claim, measure, comp, _), g in est.groupby(key, observed=True, sort=True):
        if len(g) < 2:
            continue
        p = (pool_reml if method == "REML" else pool_dl)(g["yi"].to_numpy(), (g["sei"].to_numpy()) ** 2)
        back = np.exp if measure in RATIO_MEASURES else (lambda x: x)
        rows.append([claim, measure, comp, p.k, float(back(p.estimate)), float(back(p.ci_low)), float(back(p.ci_high)),
                     p.tau2, p.i2, p.method, list(g["citation_id"].astype(str))])
    return pd.DataFrame(rows, columns=cols)
