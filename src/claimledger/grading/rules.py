"""Grading: turn each claim's evidence links into a verdict, a certainty and a reason.

Pure functions, DataFrames in and DataFrames out; no I/O. The rules are
documented in ``docs/grading.md`` and each has a table-driven test. In short:

1. A claim marked ``testable=false`` is **untestable**.
2. Retracted citations never count (they are flagged); ``not_addressed`` links
   (protocols, context) are listed but never weigh.
3. No usable link: **no_evidence_found** if searches were logged, else
   **not_yet_searched**.
4. Reviews sharing an ``evidence_body`` pool largely the same trials: they form
   one unit of evidence, represented by their highest-certainty member.
5. Each unit weighs ``certainty points x directness factor x comparator factor``:
   high 4, moderate 3, low 2, very low 1; direct 1, indirect clinical 0.6,
   animal / healthy volunteers / in vitro 0.25; support from comparisons
   against usual care, medication or nothing (not sham or placebo) counts 0.75
   for efficacy, practice and theory claims (better than nothing is not better
   than sham).
6. Preclinical evidence (animal, healthy volunteers, in vitro) alone can never
   make a claim better than **weak_or_indirect**.
7. Verdict from support S and opposition A (refutes + no_effect_shown; mixed
   links count half to each side): see :func:`decide`.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import NamedTuple

import numpy as np
import pandas as pd

from .reasons import explain
from .scales import AGAINST, CERTAINTIES, MIXED_STANCE, NOT_ADDRESSED, PRECLINICAL, REFUTES, SUPPORTS
from .units import coded, evidence_units
from .verdicts import Verdict

RULES: tuple[tuple[str, Verdict], ...] = (
    ("only-mixed", Verdict.MIXED),
    ("preclinical-only", Verdict.WEAK_OR_INDIRECT),
    ("direct-support", Verdict.SUPPORTED),
    ("limited-support", Verdict.PARTLY_SUPPORTED),
    ("weak-support", Verdict.WEAK_OR_INDIRECT),
    ("opposed", Verdict.CONTRADICTED),
    ("weak-opposition", Verdict.WEAK_OR_INDIRECT),
    ("support-outweighs", Verdict.PARTLY_SUPPORTED),
    ("opposition-outweighs", Verdict.CONTRADICTED),
    ("balanced", Verdict.MIXED),
)
"""The decisions of rules 6-7 in order of precedence, each with the verdict it gives; the last is the fallback.
:func:`_decide` states each rule's condition under the same name."""
RULE_NAMES = [name for name, _ in RULES]

SIDE_SUPPORT, SIDE_AGAINST, SIDE_MIXED, SIDE_OTHER = 0, 1, 2, 3
KIND_DIRECT, KIND_INDIRECT, KIND_PRECLINICAL = 0, 1, 2


def sides(stances) -> np.ndarray:
    """Side of each stance label: support, against, mixed or other."""
    return np.array([SIDE_SUPPORT if s == SUPPORTS else SIDE_AGAINST if s in AGAINST else SIDE_MIXED if s == MIXED_STANCE
                     else SIDE_OTHER for s in stances], dtype=np.int8)


def directness_kinds(directness) -> np.ndarray:
    """Kind of each directness label: direct, indirect clinical, or preclinical."""
    return np.array([KIND_DIRECT if d == "direct" else KIND_PRECLINICAL if d in PRECLINICAL else KIND_INDIRECT
                     for d in directness], dtype=np.int8)


def certainty_index(certainty) -> np.ndarray:
    """Position of each certainty on CERTAINTIES (0 = high), -1 when it is not one of them."""
    return np.array([CERTAINTIES.index(c) if c in CERTAINTIES else -1 for c in certainty], dtype=np.int64)


def _group_sum(values: np.ndarray, claim: np.ndarray, n_claims: int) -> np.ndarray:
    # pandas' grouped sum (compensated, in row order) keeps the sums, and so the S >= 2A ties, exactly as before
    out = np.zeros(n_claims)
    if len(values):
        s = pd.Series(values).groupby(claim, sort=False).sum()
        out[s.index.to_numpy()] = s.to_numpy()
    return out


def _strong(c: np.ndarray) -> np.ndarray:
    """Certainty index is high or moderate."""
    return (c >= 0) & (c <= 1)


def _heaviest(claim: np.ndarray, n_claims: int, mask: np.ndarray) -> np.ndarray:
    """Per claim, its heaviest unit in ``mask`` (units grouped by claim, heaviest first); len(claim) if none."""
    idx = np.flatnonzero(mask)
    out = np.full(n_claims, len(claim), dtype=np.intp)
    c = claim[idx]
    keep = np.ones(len(idx), dtype=bool)
    keep[1:] = c[1:] != c[:-1]
    out[c[keep]] = idx[keep]
    return out


def _conditions(claim, n_claims, side, refutes, dkind, cert, weight):
    """Per rule name of :data:`RULES` but the fallback: which claims it applies to and each claim's deciding unit;
    and per claim the best unit on each side (for the fallback's certainty)."""
    n_u = len(claim)
    sup, opp, mix = side == SIDE_SUPPORT, side == SIDE_AGAINST, side == SIDE_MIXED
    clinical = dkind != KIND_PRECLINICAL
    w_half = weight * np.where(mix, 0.5, 1.0)
    S = _group_sum(np.where(sup | mix, w_half, 0.0), claim, n_claims)
    A = _group_sum(np.where(opp | mix, w_half, 0.0), claim, n_claims)
    count = lambda m: np.bincount(claim[m], minlength=n_claims)
    nonmix, sup_clin, opp_clin, sup_n = count(~mix), count(sup & clinical), count(opp & clinical), count(sup)
    first = lambda m: _heaviest(claim, n_claims, m)
    # a missing unit (index n_u) has no certainty, directness "" (clinical, not direct) and stance ""
    cert_x, dkind_x, refutes_x = np.append(cert, -1), np.append(dkind, KIND_INDIRECT), np.append(refutes, False)
    bs_any, bo_any = first(sup | mix), first(opp | mix)
    bs, bo = first(sup & clinical), first(opp & clinical)
    bs = np.where(bs < n_u, bs, bs_any)
    bs_c, bo_c = cert_x[bs], cert_x[bo]
    direct_sup = dkind_x[bs] == KIND_DIRECT
    strong = _strong(bs_c)
    only_support, only_against = (S > 0) & (A == 0), (A > 0) & (S == 0)
    opposed_ok = refutes_x[bo] & (bo_c >= 0) & (bo_c <= 2) | _strong(bo_c)
    return {
        "only-mixed": (nonmix == 0, first(np.ones(n_u, dtype=bool))),
        "preclinical-only": ((sup_n > 0) & (sup_clin == 0) & (opp_clin == 0), bs_any),
        "direct-support": (only_support & direct_sup & strong, bs),
        "limited-support": (only_support & ((direct_sup & (bs_c == 2)) | (~direct_sup & strong)), bs),
        "weak-support": (only_support, bs),
        "opposed": (only_against & (opp_clin > 0) & opposed_ok, bo),
        "weak-opposition": (only_against, bo_any),
        "support-outweighs": ((S >= 2 * A) & direct_sup & strong, bs),
        "opposition-outweighs": ((A >= 2 * S) & (opp_clin > 0), np.where(bo < n_u, bo, bo_any)),
    }, (bs_any, bo_any)


def _basis_unit(decision, basis, balanced_sides, cert, dkind) -> np.ndarray:
    """Rule 8's unit per claim: the deciding unit, or for balanced claims the best unit of the side whose
    (lowered) certainty is the lower ("" counts as lowest unless the other side has none)."""
    c1, c2 = _lowered(balanced_sides[0], cert, dkind), _lowered(balanced_sides[1], cert, dkind)
    r1, r2 = np.where(c1 < 0, 9, c1), np.where(c2 < 0, 9, c2)
    balanced = decision == len(RULES) - 1
    return np.where(balanced, np.where((r1 >= r2) | (c2 < 0), balanced_sides[0], balanced_sides[1]), basis)


def _lowered(u: np.ndarray, cert: np.ndarray, dkind: np.ndarray) -> np.ndarray:
    """Certainty index of units ``u`` (``len(cert)``: none) one level lower if indirect, two if preclinical; -1 for none."""
    cert_x, dkind_x = np.append(cert, -1), np.append(dkind, KIND_INDIRECT)
    c, d = cert_x[u], dkind_x[u]
    down = np.minimum(c + np.where(d == KIND_DIRECT, 0, np.where(d == KIND_PRECLINICAL, 2, 1)), len(CERTAINTIES) - 1)
    return np.where(c < 0, -1, down)


def _decide(claim, n_claims, side, refutes, dkind, cert, weight):
    """Rules 6-8 over units grouped by claim (codes ascending), heaviest first within each claim.

    ``side``, ``dkind`` and ``cert`` are per-unit codes (see :func:`sides`, :func:`directness_kinds`,
    :func:`certainty_index`), ``refutes`` flags stance ``refutes``. Returns, per claim, the index into
    :data:`RULES` (-1 for a claim without units), the certainty index (-1 for none) and the unit whose
    certainty rule 8 takes (``len(claim)`` for none).
    """
    conds, best_sides = _conditions(claim, n_claims, side, refutes, dkind, cert, weight)
    masks = [conds[name][0] for name in RULE_NAMES[:-1]]
    decision = np.select(masks, np.arange(len(masks)), default=len(masks))
    basis = _basis_unit(decision, np.select(masks, [conds[name][1] for name in RULE_NAMES[:-1]], default=len(claim)),
                        best_sides, cert, dkind)
    certainty = _lowered(basis, cert, dkind)
    has_units = np.bincount(claim, minlength=n_claims) > 0
    return np.where(has_units, decision, -1), np.where(has_units, certainty, -1), np.where(has_units, basis, len(claim))


def _unit_codes(units: pd.DataFrame):
    """Per unit: side, refutes flag, directness kind, certainty index (from the representative link)."""
    st, dr, ce = (coded(units[col]) for col in ("stance", "directness", "certainty"))
    return sides(st[1])[st[0]], (st[1] == REFUTES)[st[0]], directness_kinds(dr[1])[dr[0]], certainty_index(ce[1])[ce[0]]


def decide(units: pd.DataFrame) -> pd.DataFrame:
    """Verdict, certainty and rule per claim from weighed units (rules 6-7), indexed by claim_id.

    Order of rules (first that applies wins): only-mixed; preclinical-only
    support; support without opposition (direct-support / limited-support /
    weak-support); opposition without support (opposed / weak-opposition);
    both sides (support-outweighs when S >= 2A with direct moderate+ support;
    opposition-outweighs when A >= 2S with clinical opposition; else balanced).
    """
    claim, claim_ids = pd.factorize(units["claim_id"], use_na_sentinel=False)  # claims in order of appearance
    order = np.argsort(claim, kind="stable")
    side, refutes, dkind, cert = (a[order] for a in _unit_codes(units))
    decision, certainty, _ = _decide(claim[order], len(claim_ids), side, refutes, dkind, cert, units["weight"].to_numpy(dtype=float)[order])
    return pd.DataFrame({"verdict": [str(RULES[d][1]) for d in decision], "rule": [RULES[d][0] for d in decision],
                         "certainty": np.array(CERTAINTIES + [""], dtype=object)[certainty].tolist()},
                        index=pd.Index(claim_ids, name="claim_id"))


def positions(values: pd.Series, ids: pd.Series) -> np.ndarray:
    """Position of each of ``values`` (as str) among the unique ``ids``, -1 where absent."""
    values = values.astype(str)
    if isinstance(values.array, pd.arrays.ArrowStringArray) and isinstance(ids.array, pd.arrays.ArrowStringArray):
        import pyarrow as pa
        import pyarrow.compute as pc

        values = pa.array(values.array)
        found = pc.index_in(values, value_set=pa.array(ids.array).cast(values.type))
        return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return pd.Index(ids).get_indexer(pd.Index(uniques))[codes] if len(uniques) else codes.astype(np.intp)


CITATION_COLUMNS = ["citation_id", "design", "year", "evidence_body", "retracted", "verified_source"]


def join_citations(links: pd.DataFrame, citations: pd.DataFrame) -> pd.DataFrame:
    """Each link with its citation's design, year, evidence_body and retracted flag (a left join, in link order;
    a citation id listed twice repeats its links, as a left merge does)."""
    cit = citations[[c for c in CITATION_COLUMNS if c in citations.columns]].copy()
    cit["citation_id"] = cit["citation_id"].astype(str)
    left = links.copy()
    left["citation_id"] = left["citation_id"].astype(str)
    return left.merge(cit, on="citation_id", how="left", sort=False)


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector. Assembling a few hundred thousand small lists (which form no
    cycles) otherwise sets off repeated full collections that cost more than the assembly itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Weighed(NamedTuple):
    """What the rules computed for every claim (:func:`weigh`): the inputs of the grades and of the Summary of Findings."""

    joined: pd.DataFrame
    """Every link with its citation's columns (:func:`join_citations`), in link order."""
    claim: np.ndarray
    """Per link, the claim's position in claims order (-1 for a claim the ledger does not have)."""
    retracted: np.ndarray
    unverified: np.ndarray
    usable: np.ndarray
    """Per link, whether it counts (not retracted, verified, not ``not_addressed``, of a known claim)."""
    units: pd.DataFrame
    """The usable links collapsed into weighed units (:func:`~claimledger.grading.units.evidence_units`)."""
    side: np.ndarray
    refutes: np.ndarray
    dkind: np.ndarray
    cert: np.ndarray
    decision: np.ndarray
    """Per claim, the index into :data:`RULES` (-1: nothing to weigh)."""
    certainty: np.ndarray
    """Per claim, the index into the certainty scale (-1: none)."""
    basis: np.ndarray
    """Per claim, the row of ``units`` whose certainty rule 8 takes (``len(units)``: none)."""


def weigh(claims: pd.DataFrame, links: pd.DataFrame, citations: pd.DataFrame) -> Weighed:
    """Rules 2-8 for every claim, vectorised: usable links, their units, the decision and the deciding unit.

    Steps: join each link to its citation; leave out retracted and unverified citations and ``not_addressed``
    links; collapse the rest into weighed units of evidence; decide each claim's verdict, certainty and the unit
    that sets the certainty (:func:`_decide`).
    """
    ids = claims["claim_id"].astype(str)
    joined = join_citations(links, citations)
    claim = positions(joined["claim_id"], ids)
    retracted = joined["retracted"].astype("boolean").fillna(False).astype(bool).to_numpy()
    unverified = _unverified(joined)
    usable = ~retracted & ~unverified & (joined["stance"].astype("string").fillna("") != NOT_ADDRESSED).to_numpy() & (claim >= 0)
    categories = pd.Series(claims["category"].astype(str).to_numpy(), index=ids.to_numpy())
    units = evidence_units(joined[usable], categories, ids)
    side, refutes, dkind, cert = _unit_codes(units)
    decision, certainty, basis = _decide(units["claim"].to_numpy(), len(ids), side, refutes, dkind, cert,
                                         units["weight"].to_numpy(dtype=float))
    return Weighed(joined, claim, retracted, unverified, usable, units, side, refutes, dkind, cert, decision, certainty, basis)


def grade_claims(claims: pd.DataFrame, links: pd.DataFrame, citations: pd.DataFrame, searches: pd.DataFrame) -> pd.DataFrame:
    """Grade every claim, vectorised over claims. Returns one row per claim, in claims order.

    Steps: :func:`weigh` (usable links, units of evidence, the decision and certainty of each claim), then
    :func:`~claimledger.grading.reasons.explain` (the reason and deciding citations).

    Columns: claim_id, statement, category, verdict, computed_verdict,
    overridden, override_reason, certainty, reason, citations (deciding ids,
    best first, ``;``-joined), retracted_citations (``;``-joined), n_links, n_searches, rule.
    ``verdict`` and ``certainty`` are ordered categoricals (least supported and lowest first; certainty
    NA where no evidence is weighed).
    """
    with _gc_paused():
        ids = claims["claim_id"].astype(str)
        w = weigh(claims, links, citations)
        valid = w.claim >= 0
        silent = ~w.retracted & ~w.unverified & (w.joined["stance"].astype("string").fillna("") == NOT_ADDRESSED).to_numpy() & valid
        counts = {"links": np.bincount(w.claim[valid], minlength=len(ids)),
                  "searches": _search_counts(searches, ids),
                  "pending": np.bincount(w.claim[w.unverified & valid], minlength=len(ids)),
                  "silent": np.bincount(w.claim[silent], minlength=len(ids))}
        flagged = _retracted_by_claim(w.joined, w.claim, w.retracted)
        decided = [RULES[d] if d >= 0 else None for d in w.decision.tolist()]
        grades = explain(claims, w.units, w.side, decided, w.certainty, counts, flagged)
        return _note_unverified(grades, w.joined, w.claim, w.unverified)


def _unverified(joined: pd.DataFrame) -> np.ndarray:
    """Links to citations nobody has checked in a real record yet (blank verified_source: added by cite or
    import-refs without a record). Like retracted ones, they never count towards a verdict."""
    if "verified_source" not in joined.columns:
        return np.zeros(len(joined), dtype=bool)
    source = joined["verified_source"].astype("string").fillna("").str.strip()
    known = joined["design"].notna().to_numpy()  # a link to an unknown citation is the validator's business
    return (source == "").to_numpy() & known


def _note_unverified(grades: pd.DataFrame, joined: pd.DataFrame, claim: np.ndarray, unverified: np.ndarray) -> pd.DataFrame:
    if not unverified.any():
        return grades
    reasons = grades["reason"].tolist()
    named: dict[int, list[str]] = {}
    for i, c in zip(claim[unverified].tolist(), joined["citation_id"].to_numpy()[unverified].tolist()):
        if i >= 0:
            named.setdefault(i, []).append(c)
    for i, ids in named.items():
        reasons[i] += f" Unverified and not counted: {', '.join(ids)}."
    grades["reason"] = pd.array(reasons, dtype="str")
    return grades


def _search_counts(searches: pd.DataFrame, ids: pd.Series) -> np.ndarray:
    at = positions(searches["claim_id"], ids) if len(searches) else np.zeros(0, dtype=np.intp)
    return np.bincount(at[at >= 0], minlength=len(ids))


def _retracted_by_claim(joined: pd.DataFrame, claim: np.ndarray, retracted: np.ndarray) -> dict[int, list[str]]:
    flagged: dict[int, list[str]] = {}
    for i, c in zip(claim[retracted].tolist(), joined["citation_id"].to_numpy()[retracted].tolist()):
        if i >= 0:
            flagged.setdefault(i, []).append(c)
    return flagged


def grade_ledger(ledger) -> pd.DataFrame:
    """Grade every claim of a loaded ledger (anything with claims, links, citations and searches frames)."""
    return grade_claims(ledger.claims, ledger.links, ledger.citations, ledger.searches)

