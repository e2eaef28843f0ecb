"""Effect sizes: the estimates the links report, on an analysis scale, and random-effects pooling of comparable ones.

Pure functions over DataFrames (no I/O). A unit of evidence counts once here as
in the grading: reviews sharing an ``evidence_body`` contribute one estimate
(:func:`~claimledger.grading.units.unit_names`). The pooling math is in
:mod:`~claimledger.grading.stats`.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .stats import pool_dl, pool_reml, se_from_ci
from .units import unit_names

RATIO_MEASURES = {"RR", "OR", "HR"}


SCALE_RANGE = re.compile(r"^(?P<name>.*\S)\s+(?P<low>-?[0-9]+(?:\.[0-9]+)?)-(?P<high>-?[0-9]+(?:\.[0-9]+)?)$")
"""``VAS 0-100`` -> instrument ``VAS``, range 0 to 100 (the ``scale`` column of links.csv)."""


def _panels(df: pd.DataFrame) -> pd.DataFrame:
    """Put each estimate on a panel whose axis it can share, rescaling 0-10 scores to 0-100 of the same instrument.

    A panel is a measure plus, for a mean difference, its scale: estimates on different instruments or ranges
    never share an axis, and a mean difference whose scale is not recorded gets a panel of its own. Adds
    ``panel`` (the axis label), ``rescaled`` (how an estimate was converted, or "") and ``better`` when absent.
    """
    scale = df["scale"].astype("string").fillna("").str.strip() if "scale" in df.columns else pd.Series("", index=df.index)
    df["better"] = df["better"].astype("string").fillna("") if "better" in df.columns else ""
    panels, rescaled, factor = [], [], []
    for measure, sc, cid in zip(df["measure"].astype(str), scale, df["citation_id"].astype(str)):
        f, note, label = 1.0, "", measure
        if measure == "MD":
            m = SCALE_RANGE.match(sc)
            if m and float(m["low"]) == 0 and float(m["high"]) == 10:
                f, note, label = 10.0, f"rescaled from {sc} (x10)", f"MD, {m['name']} 0-100"
            elif sc:
                label = f"MD, {sc}"
            else:
                label = f"MD, scale not recorded ({cid})"
        panels.append(label)
        rescaled.append(note)
        factor.append(f)
    factor = np.array(factor)
    for col in ("estimate", "ci_low", "ci_high", "yi", "sei"):  # factor is 1 except for rescaled mean differences
        df[col] = df[col].to_numpy(dtype=float) * factor
    df["panel"], df["rescaled"] = panels, rescaled
    return df


def effect_estimates(links: pd.DataFrame, citations: pd.DataFrame) -> pd.DataFrame:
    """Reported effect estimates with a confidence interval, one row per link.

    Adds ``unit`` (reviews sharing an evidence_body are one unit), ``label``, ``yi``/``sei`` on the analysis
    scale (log for RR, OR, HR), ``panel`` (estimates with the same panel share an axis: same measure and, for
    mean differences, the same instrument and range, 0-10 scores rescaled to 0-100), ``rescaled`` and ``better``
    (which side favours the intervention: ``lower``, ``higher`` or "" when not recorded).

    Examples
    --------
    >>> est = effect_estimates(ledger.links, ledger.citations)  # doctest: +SKIP
    >>> est[["citation_id", "panel", "estimate"]].head(2)  # doctest: +SKIP
    """
    cit = citations[[c for c in ("citation_id", "design", "year", "evidence_body", "retracted", "verified_source") if c in citations.columns]]
    df = links.merge(cit, on="citation_id", how="left")
    checked = df["verified_source"].astype("string").fillna("").str.strip() != "" if "verified_source" in df.columns else True
    keep = checked & (df["estimate"].notna() & df["ci_low"].notna() & df["ci_high"].notna() & df["measure"].notna()
            & ~df["retracted"].astype("boolean").fillna(False).astype(bool)
            & ~df["measure"].astype(str).isin(["proportion", "rate"]))
    df = df[keep].copy()
    if df.empty:
        return df.assign(unit=[], label=[], yi=[], sei=[], panel=[], rescaled=[], better=[], outcome_key=[])
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
    df["label"] = df["citation_id"].astype(str) + " (" + df["comparator"].astype("string").fillna("comparator not recorded") + ")"
    return _panels(df.reset_index(drop=True))


POOL_KEY = ["claim_id", "panel", "comparator", "outcome_key"]
"""Estimates are comparable when they share a claim, a panel (measure and scale), a comparator and an outcome."""


def _groups(estimates: pd.DataFrame):
    """(key, all estimates of the group, the independent ones: one per unit, the most recent)."""
    est = estimates.assign(comparator=estimates["comparator"].astype("string").fillna("not recorded"))
    for key, g in est.groupby(POOL_KEY, observed=True, sort=True):
        yield key, g, g.sort_values("year", ascending=False, kind="stable").drop_duplicates("unit")


def pool_comparable(estimates: pd.DataFrame, method: str = "REML") -> pd.DataFrame:
    """Pool estimates that are comparable (:data:`POOL_KEY`) from at least two *independent* units (reviews
    sharing an evidence body contribute one estimate: the most recent, to avoid counting trials twice).

    Returns one row per pooled group: claim_id, panel, measure, comparator, k, estimate, ci_low, ci_high, tau2,
    i2 (percent), method, citations and weights (random-effects weights in percent, ``;``-joined in the same
    order); empty when no group has two independent estimates (:func:`pooling_notes` says why).

    Examples
    --------
    >>> pool_comparable(effect_estimates(ledger.links, ledger.citations))  # doctest: +SKIP
    """
    cols = ["claim_id", "panel", "measure", "comparator", "k", "estimate", "ci_low", "ci_high", "tau2", "i2", "method",
            "citations", "weights"]
    rows = []
    for (claim, panel, comp, _), _g, ind in (_groups(estimates) if len(estimates) else ()):
        if len(ind) < 2:
            continue
        vi = ind["sei"].to_numpy(dtype=float) ** 2
        p = (pool_reml if method == "REML" else pool_dl)(ind["yi"].to_numpy(dtype=float), vi)
        measure = str(ind["measure"].iloc[0])
        back = np.exp if measure in RATIO_MEASURES else (lambda x: x)
        w = 1 / (vi + p.tau2)
        rows.append([claim, panel, measure, comp, p.k, float(back(p.estimate)), float(back(p.ci_low)), float(back(p.ci_high)),
                     p.tau2, p.i2, p.method, ";".join(ind["citation_id"].astype(str)), ";".join(f"{x:.1f}" for x in 100 * w / w.sum())])
    return pd.DataFrame(rows, columns=cols)


def pooling_notes(estimates: pd.DataFrame) -> pd.DataFrame:
    """Why each group of comparable estimates was or was not pooled: one row per group (claim_id, panel,
    comparator, outcome, estimates, independent, pooled, reason).

    Examples
    --------
    >>> pooling_notes(effect_estimates(ledger.links, ledger.citations)).query("not pooled")  # doctest: +SKIP
    """
    rows = []
    for (claim, panel, comp, outcome), g, ind in (_groups(estimates) if len(estimates) else ()):
        if len(ind) >= 2:
            reason = f"pooled: {len(ind)} independent estimates on one scale"
        elif len(g) >= 2:
            reason = f"not pooled: the {len(g)} estimates come from reviews of the same trials (one evidence body), which count once"
        else:
            reason = "not pooled: no other estimate on this scale with this comparator and outcome"
        rows.append([claim, panel, comp, outcome, len(g), len(ind), len(ind) >= 2, reason])
    return pd.DataFrame(rows, columns=["claim_id", "panel", "comparator", "outcome", "estimates", "independent", "pooled", "reason"])
