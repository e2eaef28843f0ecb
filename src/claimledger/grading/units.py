"""Units of evidence: the one place where links become weighed, de-duplicated bodies of evidence (rules 4-5).

Reviews that share an ``evidence_body`` pool largely the same trials, so they
count once: they form one *unit*, represented by its heaviest member (then
the most recent, then the first listed). Each link weighs
``certainty points x directness factor x comparator factor``. The grading
rules, the careful wording for writers and the synthesis of effect sizes all
call :func:`evidence_units`, so all three count evidence the same way.

The work is vectorised over integer codes (claims, units, vocabulary values)
so that it grows linearly with the ledger (``benchmarks/bench_report.py``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .scales import CERTAINTY_POINTS, COMPARATOR_SENSITIVE, CONTROLLED, DIRECTNESS_FACTOR, SUPPORTS, UNCONTROLLED_FACTOR

LINK_COLUMNS = ("stance", "directness", "certainty", "comparator")


def coded(values) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of ``values`` and the distinct values as strings, missing as ""."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes, pd.Series(uniques).astype("string").fillna("").to_numpy(dtype=object)


def desc_rank(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense rank of ``values``, largest first, and the number of distinct values."""
    codes, uniques = pd.factorize(values, sort=True)
    return len(uniques) - 1 - codes, len(uniques)


def sort_order(*keys: tuple[np.ndarray, int]) -> np.ndarray:
    """Stable sort order by several non-negative integer keys (primary first), each given with its number of values."""
    total = 1
    for _, size in keys:
        total *= max(size, 1)
    if total < 2 ** 62:  # one combined int64 key sorts much faster than np.lexsort
        combined = np.zeros(len(keys[0][0]), dtype=np.int64)
        for k, size in keys:
            combined = combined * max(size, 1) + k
        return np.argsort(combined, kind="stable")
    return np.lexsort([k for k, _ in reversed(keys)])


def link_weights(claim: np.ndarray, sensitive: np.ndarray, stance, directness, certainty, comparator):
    """Rule 5 for every link, from coded columns (each a ``(codes, labels)`` pair).

    ``sensitive[claim]`` flags claims whose category is comparator-sensitive. Returns the weight, whether the
    link is uncontrolled support, and the weight's descending dense rank with its number of values.
    """
    pts = np.array([float(CERTAINTY_POINTS.get(c, 1.0)) for c in certainty[1]])
    factor = np.array([float(DIRECTNESS_FACTOR.get(d, 0.25)) for d in directness[1]])
    supports = np.array([s == SUPPORTS for s in stance[1]], dtype=bool)
    controlled = np.array([c in CONTROLLED for c in comparator[1]], dtype=bool)
    uncontrolled = supports[stance[0]] & ~controlled[comparator[0]] & sensitive[claim]
    # weight = points x factor x comparator factor, tabulated over (certainty, directness, uncontrolled)
    table = (pts[:, None, None] * factor[None, :, None]) * np.array([1.0, UNCONTROLLED_FACTOR])[None, None, :]
    rank, n_weights = desc_rank(table.ravel())
    flat = (certainty[0] * len(factor) + directness[0]) * 2 + uncontrolled
    return table.ravel()[flat], uncontrolled, rank[flat], n_weights


def collapse(claim, n_claims, unit, n_units, weight_rank, n_weights, year_rank, n_years):
    """Rule 4: one row per (claim, unit), represented by its heaviest, then most recent, then first link.

    Arguments are integer codes per link (unit codes in the order of the unit names; ranks 0 = heaviest,
    most recent). Returns the representative links, by claim and heaviest first (ties in unit order),
    and the number of links of each unit.
    """
    # One sort by claim, weight, unit, year (stable): each unit's first link is its representative, and
    # the representatives come out in the final order.
    order = sort_order((claim, n_claims), (weight_rank, n_weights), (unit, n_units), (year_rank, n_years))
    codes, _ = pd.factorize(claim[order].astype(np.int64) * max(n_units, 1) + unit[order])  # units, as they appear
    seen = np.maximum.accumulate(np.concatenate([[-1], codes]))[:-1]  # highest unit number before each link
    return order[codes > seen], np.bincount(codes, minlength=0).astype(int)


def unit_names(citation_id: pd.Series, evidence_body: pd.Series) -> pd.Series:
    """A link's unit: its citation's ``evidence_body``, or the citation itself (``cit:ID``) when it has none."""
    body = evidence_body.astype("string").fillna("")
    return body.where(body != "", "cit:" + citation_id.astype(str))


def evidence_units(links: pd.DataFrame, categories, claim_ids=None) -> pd.DataFrame:
    """Collapse usable links into units of evidence and weigh them (rules 4-5).

    Parameters
    ----------
    links : links joined with their citations: claim_id, citation_id, stance, directness, certainty,
        comparator, and the citation's design, year, evidence_body (retracted and ``not_addressed`` links
        already left out).
    categories : claim_id -> claim category (a Series or dict).
    claim_ids : the claims, in the order the units should follow (default: sorted claim ids); links of other
        claims are left out.

    Returns
    -------
    DataFrame
        One row per (claim, unit), grouped by claim and heaviest first within each claim: the columns of the
        representative link plus ``unit``, ``weight``, ``uncontrolled`` (support against a comparator that
        does not isolate a specific effect), ``members`` (citations in the unit) and ``claim`` (the claim's
        position in ``claim_ids``).

    Examples
    --------
    >>> links = pd.DataFrame({"claim_id": ["c", "c"], "citation_id": ["a", "b"], "stance": "supports",
    ...     "directness": "direct", "certainty": ["low", "moderate"], "comparator": "sham", "design": "meta_analysis",
    ...     "year": [2020, 2021], "evidence_body": "same-trials"})
    >>> evidence_units(links, {"c": "efficacy"})[["citation_id", "weight", "members"]].to_dict("records")
    [{'citation_id': 'b', 'weight': 3.0, 'members': 2}]
    """
    ids = pd.Index(sorted(pd.unique(links["claim_id"].astype(str))) if claim_ids is None else pd.Index(claim_ids).astype(str))
    claim = ids.get_indexer(links["claim_id"].astype(str))
    df = links[claim >= 0]
    claim = claim[claim >= 0]
    category = pd.Series(categories) if not isinstance(categories, pd.Series) else categories
    sensitive = pd.Series(ids).map(category).astype("string").fillna("").isin(COMPARATOR_SENSITIVE).to_numpy()
    weight, uncontrolled, w_rank, n_w = link_weights(claim, sensitive, *(coded(df[c]) for c in LINK_COLUMNS))
    unit, names = pd.factorize(unit_names(df["citation_id"], df["evidence_body"]), sort=True)
    y_rank, n_y = desc_rank(pd.to_numeric(df["year"], errors="coerce").fillna(0).to_numpy())
    rep, members = collapse(claim, len(ids), unit, len(names), w_rank, n_w, y_rank, n_y)
    out = df.iloc[rep].reset_index(drop=True)
    out["unit"] = np.asarray(names, dtype=object)[unit[rep]]
    out["weight"] = weight[rep]
    out["uncontrolled"] = uncontrolled[rep]
    out["members"] = members
    out["claim"] = claim[rep]
    return out
