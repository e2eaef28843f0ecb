"""matplotlib figures. Each function returns a Figure (never calls show()).

Colours: the Okabe-Ito palette, safe for the common kinds of colour blindness.
"""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..files import write_atomic
from ..grading.scales import MIXED_STANCE, NOT_ADDRESSED, REFUTES, SUPPORTS
from ..grading.verdicts import INFO, Verdict
from ..ledger.summary import summarise

OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000", "#999999"]
STANCE_COLOURS = {SUPPORTS: "#009E73", MIXED_STANCE: "#F0E442", "no_effect_shown": "#E69F00", REFUTES: "#D55E00", NOT_ADDRESSED: "#999999"}


def _fig(w=8, h=4.5):
    # Figures are made without pyplot: nothing is registered with a GUI or notebook backend, so a notebook
    # shows each returned figure once (its repr), never a second time when the cell ends.
    fig = Figure(figsize=(w, h), layout="constrained")
    return fig, fig.subplots()


def claims_by_document(ledger) -> Figure:
    """Stacked bars: distinct claims each document makes, by category."""
    cd = summarise(ledger)["category_by_document"]
    fig, ax = _fig()
    bottom = np.zeros(cd.shape[1])
    for i, (cat, row) in enumerate(cd.iterrows()):
        ax.bar([str(c) for c in cd.columns], row.to_numpy(), bottom=bottom, label=str(cat), color=OKABE_ITO[i % len(OKABE_ITO)],
               edgecolor="white")
        bottom += row.to_numpy()
    ax.set_xlabel("document")
    ax.set_ylabel("distinct claims made")
    ax.set_title("Claims per document, by category")
    ax.legend(title="category", bbox_to_anchor=(1.01, 1), loc="upper left", frameon=False)
    return fig


def verdict_distribution(grades: pd.DataFrame) -> Figure:
    """Horizontal bars: how many claims get each verdict."""
    counts = grades["verdict"].value_counts(sort=False)
    if counts.get(Verdict.NOT_YET_SEARCHED, 0) == 0:
        counts = counts.drop(Verdict.NOT_YET_SEARCHED, errors="ignore")
    fig, ax = _fig(8, 4)
    labels = [INFO[str(v)].label for v in counts.index]
    ax.barh(labels, counts.to_numpy(), color=[INFO[str(v)].colour for v in counts.index], edgecolor="#333333")
    ax.invert_yaxis()
    for y, n in enumerate(counts.to_numpy()):
        ax.text(n + 0.2, y, str(int(n)), va="center")
    ax.set_xlabel("number of claims")
    ax.set_title(f"Verdicts for {len(grades)} claims")
    return fig


def evidence_map(ledger) -> Figure:
    """Claims (rows) by study design (columns); colour = stance, size = number of links."""
    lk = ledger.links.merge(ledger.citations[["citation_id", "design"]], on="citation_id")
    g = lk.groupby(["claim_id", "design", "stance"], observed=True).size().reset_index(name="n")
    claims = list(dict.fromkeys(ledger.claims["claim_id"].astype(str)))
    claims = [c for c in claims if c in set(g["claim_id"])]
    designs = [d for d in ledger.schema.vocabulary("citations", "design") if d in set(g["design"].astype(str))]
    stances = [s for s in ledger.schema.vocabulary("links", "stance")]
    fig, ax = _fig(10, max(6, 0.22 * len(claims)))
    offsets = {s: (i - (len(stances) - 1) / 2) * 0.15 for i, s in enumerate(stances)}
    for s in stances:
        sub = g[g["stance"].astype(str) == s]
        if sub.empty:
            continue
        x = sub["design"].astype(str).map({d: i for i, d in enumerate(designs)}) + offsets[s]
        y = sub["claim_id"].astype(str).map({c: i for i, c in enumerate(claims)})
        ax.scatter(x, y, s=30 + 40 * sub["n"], color=STANCE_COLOURS[s], edgecolor="#333333", linewidth=0.5, label=s.replace("_", " "))
    ax.set_xticks(range(len(designs)), [d.replace("_", " ") for d in designs], rotation=35, ha="right")
    ax.set_yticks(range(len(claims)), claims, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("study design")
    ax.set_ylabel("claim")
    ax.set_title("Evidence map: claims by study design (colour = stance, size = number of citations)")
    ax.legend(title="stance", bbox_to_anchor=(1.01, 1), loc="upper left", frameon=False)
    ax.grid(alpha=0.3)
    return fig


def evidence_by_year(ledger) -> Figure:
    """Stacked histogram of cited publications by year and design."""
    c = ledger.citations.dropna(subset=["year"])
    fig, ax = _fig()
    designs = [d for d in ledger.schema.vocabulary("citations", "design") if d in set(c["design"].astype(str))]
    years = np.arange(int(c["year"].min()) if len(c) else 2000, (int(c["year"].max()) if len(c) else 2000) + 2)
    bottom = np.zeros(len(years) - 1)
    for i, d in enumerate(designs):
        h, _ = np.histogram(c.loc[c["design"].astype(str) == d, "year"].astype(int), bins=years)
        ax.bar(years[:-1], h, bottom=bottom, width=0.9, color=OKABE_ITO[i % len(OKABE_ITO)], label=d.replace("_", " "))
        bottom += h
    ax.set_xlabel("publication year")
    ax.set_ylabel("citations")
    ax.set_title("Cited evidence by year and design")
    ax.legend(title="design", bbox_to_anchor=(1.01, 1), loc="upper left", frameon=False, fontsize=8)
    return fig


def forest(estimates: pd.DataFrame, pooled: pd.DataFrame | None = None, title: str = "Reported effect estimates") -> Figure:
    """Forest plot of reported estimates, one panel per measure; pooled rows drawn as diamonds.

    Pass the estimates of one claim (``score.effect_estimates`` filtered by claim_id): different
    measures get separate panels because their scales cannot share an axis.
    """
    measures = list(dict.fromkeys(estimates["measure"].astype(str)))
    fig = Figure(figsize=(9, 1.2 + 0.45 * max(1, len(estimates)) + 0.8 * len(measures)), layout="constrained")
    axes = fig.subplots(len(measures) or 1, 1, squeeze=False)
    for ax, m in zip(axes[:, 0], measures or ["(none)"]):
        e = estimates[estimates["measure"].astype(str) == m]
        labels = (e["label"].astype(str) + " - " + e["outcome"].astype("string").fillna("").str.slice(0, 45)).tolist()
        y = np.arange(len(e))
        ax.errorbar(e["estimate"], y, xerr=[e["estimate"] - e["ci_low"], e["ci_high"] - e["estimate"]], fmt="s",
                    color="#0072B2", ecolor="#333333", capsize=3)
        if pooled is not None and len(pooled):
            for j, p in enumerate(pooled[pooled["measure"].astype(str) == m].itertuples()):
                yy = len(e) + j
                ax.fill([p.ci_low, p.estimate, p.ci_high, p.estimate], [yy, yy + 0.25, yy, yy - 0.25], color="#D55E00")
                labels.append(f"{p.claim_id}: pooled {p.method}, k={p.k}")
                y = np.append(y, yy)
        ax.axvline(1.0 if m in ("RR", "OR", "HR") else 0.0, color="#999999", linestyle="--", linewidth=1)
        if m in ("RR", "OR", "HR"):
            ax.set_xscale("log")
        ax.set_yticks(y, labels, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel(f"{m} (95% CI)")
    axes[0, 0].set_title(title)
    return fig


def save(fig: Figure, path) -> None:
    """Write a PNG without a timestamp (the same data gives the same bytes), atomically: drawn in memory first."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    write_atomic(path, buf.getvalue())
