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

import numpy as np
import pandas as pd

VERDICTS = ["supported", "partly_supported", "mixed", "weak_or_indirect", "contradicted",
            "no_evidence_found", "not_yet_searched", "untestable"]
"""The verdict scale, from best supported to not assessable (docs/grading.md justifies it)."""
CERTAINTIES = ["high", "moderate", "low", "very_low"]
CERTAINTY_POINTS = {"high": 4, "moderate": 3, "low": 2, "very_low": 1}
PRECLINICAL = {"animal", "healthy_volunteers", "in_vitro"}
DIRECTNESS_FACTOR = {"direct": 1.0, "indirect_population": 0.6, "indirect_intervention": 0.6,
                     "indirect_outcome": 0.6, "animal": 0.25, "healthy_volunteers": 0.25, "in_vitro": 0.25}
CONTROLLED = {"sham", "placebo"}
COMPARATOR_SENSITIVE = {"efficacy", "practice", "theory"}
AGAINST = {"refutes", "no_effect_shown"}
DESIGN_LABEL = {
    "guideline": "guideline", "systematic_review": "systematic review", "meta_analysis": "meta-analysis",
    "rct": "RCT", "cohort": "cohort study", "case_control": "case-control study", "cross_sectional": "survey",
    "case_series": "case series", "mechanistic_human": "human mechanism study", "animal": "animal study",
    "in_vitro": "lab study", "narrative_review": "narrative review", "protocol": "protocol", "expert_consensus": "expert consensus",
}
DIRECTNESS_LABEL = {"direct": "in people with the condition", "indirect_population": "in a related population",
                    "indirect_intervention": "of a related intervention", "indirect_outcome": "on a surrogate outcome",
                    "animal": "in animals", "healthy_volunteers": "in healthy volunteers", "in_vitro": "in the lab"}


# The decisions of rules 6-7, in order of precedence (see :func:`decide`); the last is the fallback.
DECISIONS = [("mixed", "only-mixed"), ("weak_or_indirect", "preclinical-only"), ("supported", "direct-support"),
             ("partly_supported", "limited-support"), ("weak_or_indirect", "weak-support"), ("contradicted", "opposed"),
             ("weak_or_indirect", "weak-opposition"), ("partly_supported", "support-outweighs"),
             ("contradicted", "opposition-outweighs"), ("mixed", "balanced")]

# Implementation note: the grading is vectorised with numpy over integer codes (claims, units, vocabulary
# values), never over string keys, so that it grows linearly with the ledger (benchmarks/bench_report.py).
_SUP, _OPP, _MIX, _OTHER = 0, 1, 2, 3  # side of a stance
_DIRECT, _INDIRECT, _PRECLINICAL = 0, 1, 2  # kind of directness


def _coded(values) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of ``values`` and the distinct values as strings, missing as "" (``astype("string").fillna("")``)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes, pd.Series(uniques).astype("string").fillna("").to_numpy(dtype=object)


def _sides(stances) -> np.ndarray:
    return np.array([_SUP if s == "supports" else _OPP if s in AGAINST else _MIX if s == "mixed" else _OTHER
                     for s in stances], dtype=np.int8)


def _directness_kinds(directness) -> np.ndarray:
    return np.array([_DIRECT if d == "direct" else _PRECLINICAL if d in PRECLINICAL else _INDIRECT
                     for d in directness], dtype=np.int8)


def _certainty_index(certainty) -> np.ndarray:
    """Position of each certainty on CERTAINTIES (0 = high), -1 when it is not one of them."""
    return np.array([CERTAINTIES.index(c) if c in CERTAINTIES else -1 for c in certainty], dtype=np.int64)


def _desc_rank(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense rank of ``values``, largest first, and the number of distinct values."""
    codes, uniques = pd.factorize(values, sort=True)
    return len(uniques) - 1 - codes, len(uniques)


def _order(*keys: tuple[np.ndarray, int]) -> np.ndarray:
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


def _weigh(claim, sensitive, stance, directness, certainty, comparator):
    """Weights of links (rule 5) from coded columns, each a ``(codes, labels)`` pair; ``sensitive`` flags the
    claims whose category is comparator-sensitive. Returns weight, uncontrolled, and the weight's
    descending dense rank with its number of values."""
    pts = np.array([float(CERTAINTY_POINTS.get(c, 1.0)) for c in certainty[1]])
    factor = np.array([float(DIRECTNESS_FACTOR.get(d, 0.25)) for d in directness[1]])
    supports = np.array([s == "supports" for s in stance[1]], dtype=bool)
    controlled = np.array([c in CONTROLLED for c in comparator[1]], dtype=bool)
    uncontrolled = supports[stance[0]] & ~controlled[comparator[0]] & sensitive[claim]
    # weight = points x factor x comparator factor, tabulated over (certainty, directness, uncontrolled)
    table = (pts[:, None, None] * factor[None, :, None]) * np.array([1.0, 0.75])[None, None, :]
    rank, n_weights = _desc_rank(table.ravel())
    flat = (certainty[0] * len(factor) + directness[0]) * 2 + uncontrolled
    return table.ravel()[flat], uncontrolled, rank[flat], n_weights


def _collapse(claim, n_claims, unit, n_units, weight_rank, n_weights, year_rank, n_years):
    """Rule 4: one row per (claim, unit), represented by its heaviest, then most recent, then first link.

    Arguments are integer codes per link (unit codes in the order of the unit names; ranks 0 = heaviest,
    most recent). Returns the representative links, by claim and heaviest first (ties in unit order),
    and the number of links of each unit."""
    # One sort by claim, weight, unit, year (stable): each unit's first link is its representative, and
    # the representatives come out in the final order.
    order = _order((claim, n_claims), (weight_rank, n_weights), (unit, n_units), (year_rank, n_years))
    codes, _ = pd.factorize(claim[order].astype(np.int64) * max(n_units, 1) + unit[order])  # units, as they appear
    seen = np.maximum.accumulate(np.concatenate([[-1], codes]))[:-1]  # highest unit number before each link
    return order[codes > seen], np.bincount(codes)


def _rank_in_claim(claim: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each run of equal (sorted) claim codes."""
    pos = np.arange(len(claim))
    start = np.ones(len(claim), dtype=bool)
    start[1:] = claim[1:] != claim[:-1]
    return pos - np.maximum.accumulate(np.where(start, pos, 0))


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


def _decide(claim, n_claims, side, refutes, dkind, cert, weight):
    """Rules 6-8 over units grouped by claim (codes ascending), heaviest first within each claim.

    ``side``, ``dkind`` and ``cert`` are per-unit codes (see _sides, _directness_kinds, _certainty_index),
    ``refutes`` flags stance ``refutes``. Returns, per claim, the index into DECISIONS (-1 for a claim
    without units) and the certainty index (-1 for none)."""
    n_u = len(claim)
    sup, opp, mix = side == _SUP, side == _OPP, side == _MIX
    clinical = dkind != _PRECLINICAL
    w_half = weight * np.where(mix, 0.5, 1.0)
    S = _group_sum(np.where(sup | mix, w_half, 0.0), claim, n_claims)
    A = _group_sum(np.where(opp | mix, w_half, 0.0), claim, n_claims)
    count = lambda m: np.bincount(claim[m], minlength=n_claims)
    has_units, nonmix = count(np.ones(n_u, dtype=bool)) > 0, count(~mix)
    sup_clin, opp_clin, sup_n = count(sup & clinical), count(opp & clinical), count(sup)

    def first(mask):  # per claim, its heaviest unit in mask; n_u (a missing unit) if none
        idx = np.flatnonzero(mask)
        out = np.full(n_claims, n_u, dtype=np.intp)
        c = claim[idx]
        keep = np.ones(len(idx), dtype=bool)
        keep[1:] = c[1:] != c[:-1]
        out[c[keep]] = idx[keep]
        return out

    # a missing unit has no certainty, directness "" (clinical, not direct) and stance ""
    cert_x, dkind_x, refutes_x = np.append(cert, -1), np.append(dkind, _INDIRECT), np.append(refutes, False)
    bs_any, bo_any = first(sup | mix), first(opp | mix)
    bs, bo = first(sup & clinical), first(opp & clinical)
    bs = np.where(bs < n_u, bs, bs_any)
    b_all = first(np.ones(n_u, dtype=bool))
    bs_c, bo_c = cert_x[bs], cert_x[bo]
    direct_sup = dkind_x[bs] == _DIRECT
    strong = _strong(bs_c)
    only_mixed = nonmix == 0
    preclinical_only = (sup_n > 0) & (sup_clin == 0) & (opp_clin == 0)
    opposed_ok = refutes_x[bo] & (bo_c >= 0) & (bo_c <= 2) | _strong(bo_c)
    conds = [
        (only_mixed, b_all),
        (preclinical_only, bs_any),
        ((S > 0) & (A == 0) & direct_sup & strong, bs),
        ((S > 0) & (A == 0) & ((direct_sup & (bs_c == 2)) | (~direct_sup & strong)), bs),
        ((S > 0) & (A == 0), bs),
        ((A > 0) & (S == 0) & (opp_clin > 0) & opposed_ok, bo),
        ((A > 0) & (S == 0), bo_any),
        ((S >= 2 * A) & direct_sup & strong, bs),
        ((A >= 2 * S) & (opp_clin > 0), np.where(bo < n_u, bo, bo_any)),
    ]
    decision = np.select([c for c, _ in conds], np.arange(len(conds)), default=len(conds))
    basis = np.select([c for c, _ in conds], [b for _, b in conds], default=n_u)

    def after_indirectness(u):  # rule 8: one level lower if indirect, two if preclinical
        c, d = cert_x[u], dkind_x[u]
        lowered = np.minimum(c + np.where(d == _DIRECT, 0, np.where(d == _PRECLINICAL, 2, 1)), len(CERTAINTIES) - 1)
        return np.where(c < 0, -1, lowered)

    certainty = after_indirectness(basis)
    # balanced: the lower of the best certainty on each side ("" counts as lowest unless the other side has none)
    c1, c2 = after_indirectness(bs_any), after_indirectness(bo_any)
    r1, r2 = np.where(c1 < 0, 9, c1), np.where(c2 < 0, 9, c2)
    balanced = decision == len(conds)
    certainty = np.where(balanced, np.where((r1 >= r2) | (c2 < 0), c1, c2), certainty)
    return np.where(has_units, decision, -1), np.where(has_units, certainty, -1)


def evidence_units(links: pd.DataFrame, categories: pd.Series) -> pd.DataFrame:
    """Collapse usable links into units of evidence and weigh them (rules 4-5).

    ``links`` carries claim_id, citation_id, stance, directness, certainty,
    comparator and the citation columns design, year, evidence_body;
    ``categories`` maps claim_id to category. Returns one row per
    (claim, unit), heaviest first within each claim, with the representative
    citation, its weight and the number of member citations.
    """
    df = links.copy()
    for col in ("stance", "directness", "certainty", "design", "comparator"):
        df[col] = df[col].astype("string").fillna("")
    body = df["evidence_body"].astype("string").fillna("")
    df["unit"] = body.where(body != "", "cit:" + df["citation_id"].astype(str))
    claim, claim_ids = pd.factorize(df["claim_id"], sort=True, use_na_sentinel=False)
    sensitive = pd.Series(claim_ids).map(categories).astype("string").fillna("").isin(COMPARATOR_SENSITIVE).to_numpy()
    coded = [_coded(df[col]) for col in ("stance", "directness", "certainty", "comparator")]
    weight, uncontrolled, w_rank, n_w = _weigh(claim, sensitive, *coded)
    df["uncontrolled"] = uncontrolled
    df["weight"] = weight
    df["year"] = pd.to_numeric(df["year"], errors="coerce").fillna(0)
    unit, unit_names = pd.factorize(df["unit"], sort=True)
    y_rank, n_y = _desc_rank(df["year"].to_numpy())
    rep, members = _collapse(claim, len(claim_ids), unit, len(unit_names), w_rank, n_w, y_rank, n_y)
    units = df.iloc[rep].reset_index(drop=True)
    units["members"] = members.astype(int)
    return units


def decide(units: pd.DataFrame) -> pd.DataFrame:
    """Verdict, certainty and rule per claim from weighed units (rules 6-7).

    Order of rules (first that applies wins): only-mixed; preclinical-only
    support; support without opposition (direct-support / limited-support /
    weak-support); opposition without support (opposed / weak-opposition);
    both sides (support-outweighs when S >= 2A with direct moderate+ support;
    opposition-outweighs when A >= 2S with clinical opposition; else balanced).
    """
    claim, claim_ids = pd.factorize(units["claim_id"], use_na_sentinel=False)  # claims in order of appearance
    order = np.argsort(claim, kind="stable")
    st, dr, ce = (_coded(units[col]) for col in ("stance", "directness", "certainty"))
    decision, cert = _decide(claim[order], len(claim_ids), _sides(st[1])[st[0][order]], (st[1] == "refutes")[st[0][order]],
                             _directness_kinds(dr[1])[dr[0][order]], _certainty_index(ce[1])[ce[0][order]],
                             units["weight"].to_numpy(dtype=float)[order])
    return pd.DataFrame({"verdict": pd.Series(np.array([v for v, _ in DECISIONS], dtype=object)[decision], dtype=object),
                         "rule": pd.Series(np.array([r for _, r in DECISIONS], dtype=object)[decision], dtype=object),
                         "certainty": np.array(CERTAINTIES + [""], dtype=object)[cert].tolist()}
                        ).set_axis(pd.Index(claim_ids, name="claim_id"))


def _positions(values: pd.Series, ids: pd.Series) -> np.ndarray:
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


def _top(idx: np.ndarray, claim: np.ndarray, n_claims: int, k: int):
    """Of units ``idx`` (grouped by claim, heaviest first), each claim's ``k`` heaviest: the units, their
    rank in the claim, and per claim (as lists) where its run starts and how long it is."""
    rank = _rank_in_claim(claim[idx])
    keep = rank < k
    counts = np.bincount(claim[idx[keep]], minlength=n_claims)
    return idx[keep], rank[keep], (np.cumsum(counts) - counts).tolist(), counts.tolist()


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


def grade_claims(claims: pd.DataFrame, links: pd.DataFrame, citations: pd.DataFrame, searches: pd.DataFrame) -> pd.DataFrame:
    """Grade every claim, vectorised over claims. Returns one row per claim, in claims order.

    Columns: claim_id, statement, category, verdict, computed_verdict,
    overridden, override_reason, certainty, reason, citations (deciding ids,
    best first), retracted_citations, n_links, n_searches, rule.
    """
    with _gc_paused():
        return _grade_claims(claims, links, citations, searches)


def _grade_claims(claims: pd.DataFrame, links: pd.DataFrame, citations: pd.DataFrame, searches: pd.DataFrame) -> pd.DataFrame:
    """The work of :func:`grade_claims`, over integer codes (see the implementation note above)."""
    ids = claims["claim_id"].astype(str)
    n = len(ids)
    sensitive = (pd.Series(claims["category"].astype(str).to_numpy()).astype("string").fillna("")
                 .isin(COMPARATOR_SENSITIVE).to_numpy())

    # Links joined to their citation (a left merge, done once per distinct citation id).
    claim = _positions(links["claim_id"], ids)
    cit_codes, cit_ids = pd.factorize(links["citation_id"], use_na_sentinel=False)
    key = "__link_citation__"
    per_cit = (pd.DataFrame({"citation_id": cit_ids, key: np.arange(len(cit_ids))})
               .merge(citations[["citation_id", "design", "year", "evidence_body", "retracted"]], on="citation_id", how="left"))
    row_link = None
    row_pc = cit_codes  # per joined row: its row in per_cit
    if len(per_cit) != len(cit_ids):  # a repeated citation id repeats its links, as a left merge does
        per_k = np.bincount(per_cit[key].to_numpy(), minlength=len(cit_ids))
        reps = per_k[cit_codes]
        row_link = np.repeat(np.arange(len(links)), reps)
        offset = np.arange(len(row_link)) - np.repeat(np.cumsum(reps) - reps, reps)
        row_pc = (np.cumsum(per_k) - per_k)[cit_codes][row_link] + offset
        claim = claim[row_link]
    pc_cit = pd.Index(cit_ids).astype(str)[per_cit[key].to_numpy()]
    cid = pc_cit.to_numpy(dtype=object)
    retracted = per_cit["retracted"].astype("boolean").fillna(False).astype(bool).to_numpy()[row_pc]
    body = per_cit["evidence_body"].astype("string").fillna("")
    unit_name = body.where(body != "", "cit:" + pd.Series(pc_cit, index=per_cit.index).astype(str))
    unit_code, unit_names = pd.factorize(unit_name, sort=True)
    y_rank, n_y = _desc_rank(pd.to_numeric(per_cit["year"], errors="coerce").fillna(0).to_numpy())

    def link_column(name):  # (codes per joined row, labels)
        codes, labels = _coded(links[name])
        return (codes if row_link is None else codes[row_link]), labels

    stance, directness, certainty, comparator = (link_column(c) for c in ("stance", "directness", "certainty", "comparator"))

    # Units of evidence (rules 2, 4, 5) and decisions (rules 6-8), over links of known claims.
    rows = np.flatnonzero(~retracted & (stance[1] != "not_addressed")[stance[0]] & (claim >= 0))
    u_claim, u_pc = claim[rows], row_pc[rows]
    st, dr, ce, cm = ((col[0][rows], col[1]) for col in (stance, directness, certainty, comparator))
    weight, uncontrolled, w_rank, n_w = _weigh(u_claim, sensitive, st, dr, ce, cm)
    rep, members = _collapse(u_claim, n, unit_code[u_pc], len(unit_names), w_rank, n_w, y_rank[u_pc], n_y)
    u_claim, u_pc, weight, uncontrolled = u_claim[rep], u_pc[rep], weight[rep], uncontrolled[rep]
    u_st, u_dr, u_ce = st[0][rep], dr[0][rep], ce[0][rep]
    side = _sides(st[1])[u_st]
    decision, cert = _decide(u_claim, n, side, (st[1] == "refutes")[u_st], _directness_kinds(dr[1])[u_dr],
                             _certainty_index(ce[1])[u_ce], weight)
    verdicts = np.array([v for v, _ in DECISIONS] + [None], dtype=object)[decision].tolist()
    rules = np.array([r for _, r in DECISIONS] + [None], dtype=object)[decision].tolist()
    certainties = np.array(CERTAINTIES + [""], dtype=object)[cert].tolist()

    # Reason phrases, built only for the heaviest two units per side of each claim.
    design = [DESIGN_LABEL.get(d, d) for d in per_cit["design"].astype("string").fillna("").tolist()]
    single = np.array([f"{d} {c}" for d, c in zip(design, cid)], dtype=object)
    plural = [d[:-8] + "analyses" if d.endswith("analysis") else d + "s" for d in design]
    tail = np.empty((len(dr[1]), len(ce[1])), dtype=object)
    for i, d in enumerate(dr[1]):
        for j, c in enumerate(ce[1]):
            tail[i, j] = f" {DIRECTNESS_LABEL.get(d, '')} ({c.replace('_', ' ')} certainty)"

    def phrases(p: np.ndarray) -> np.ndarray:
        pc, m = u_pc[p], members[p]
        who = single[pc]
        many = np.flatnonzero(m > 1)
        if len(many):
            who[many] = [f"{k} {plural[c]} pooling overlapping trials (one body of evidence, led by {cid[c]})"
                         for k, c in zip(m[many].tolist(), pc[many].tolist())]
        return who + tail[u_dr[p], u_ce[p]]

    def heaviest(mask: np.ndarray):
        """Per claim, of its units in ``mask``: the reason text of the two heaviest, and the ids of the three
        heaviest as one flat list with per-claim starts and counts."""
        top, rank, starts, counts = _top(np.flatnonzero(mask), u_claim, n, 3)
        text = np.full(n, "", dtype=object)
        first, second = top[rank == 0], top[rank == 1]
        text[u_claim[first]] = phrases(first)
        text[u_claim[second]] = text[u_claim[second]] + "; " + phrases(second)
        return text.tolist(), cid[u_pc[top]].tolist(), starts, counts

    sup_txt, sup_ids, sup_at, sup_n = heaviest(side == _SUP)
    opp_txt, opp_ids, opp_at, opp_n = heaviest(side == _OPP)
    mix_txt, mix_ids, mix_at, mix_n = heaviest(side == _MIX)
    top, _, all_at, all_n = _top(np.arange(len(side)), u_claim, n, 3)
    all_ids = cid[u_pc[top]].tolist()
    uncontrolled = (np.bincount(u_claim[(side == _SUP) & uncontrolled], minlength=n) > 0).tolist()
    flagged: dict[int, list] = {}
    for i, c in zip(claim[retracted].tolist(), cid[row_pc[retracted]].tolist()):
        if i >= 0:
            flagged.setdefault(i, []).append(c)
    n_links = np.bincount(claim[claim >= 0], minlength=n)
    n_search = _positions(searches["claim_id"], ids) if len(searches) else np.zeros(0, dtype=np.intp)
    n_search = np.bincount(n_search[n_search >= 0], minlength=n)
    n_links_l, n_search_l = n_links.tolist(), n_search.tolist()

    testable = claims["testable"].astype("boolean").fillna(True).to_numpy().tolist()
    testable_reason = claims["testable_reason"].astype("string").fillna("").to_numpy().tolist()
    override = claims["verdict_override"].astype("string").fillna("").to_numpy()
    override_reason = claims["override_reason"].astype("string").fillna("").to_numpy()
    heads = {"supported": "Supported by", "partly_supported": "Partly supported by", "mixed": "Evidence is mixed:",
             "weak_or_indirect": "Only weak or indirect evidence:", "contradicted": "Contradicted by"}
    reasons, decidings, bads = [], [], []
    for i in range(n):
        v = verdicts[i]
        if not testable[i]:
            verdicts[i], rules[i], certainties[i], deciding = "untestable", "untestable", "", []
            reason = f"Not testable: {testable_reason[i]}" if testable_reason[i] else "Not testable."
        elif v is None:
            deciding = []
            if n_links_l[i] or n_search_l[i]:
                verdicts[i], rules[i] = "no_evidence_found", "no-evidence"
                reason = (f"No evidence found after searching ({n_search_l[i]} logged searches"
                          + (f"; {n_links_l[i]} citation(s) do not address it" if n_links_l[i] else "") + ").")
            else:
                verdicts[i], rules[i] = "not_yet_searched", "not-searched"
                reason = "Not yet searched: no evidence links and no logged searches."
        else:
            rule, s_txt, o_txt, m_txt = rules[i], sup_txt[i], opp_txt[i], mix_txt[i]
            if v == "contradicted":
                parts = [f"{heads[v]} {o_txt or m_txt}"] + ([f"in favour: {s_txt}"] if s_txt else [])
                deciding = (opp_ids[opp_at[i]:opp_at[i] + opp_n[i]] if opp_n[i]
                            else all_ids[all_at[i]:all_at[i] + all_n[i]])
            else:
                lead = s_txt or m_txt or o_txt
                parts = [f"{heads[v]} {lead}"]
                if o_txt and lead is not o_txt:
                    parts.append(f"against: {o_txt}")
                if m_txt and lead is not m_txt:
                    parts.append(f"mixed: {m_txt}")
                if rule in ("balanced", "support-outweighs", "opposition-outweighs"):
                    deciding = list(dict.fromkeys(sup_ids[sup_at[i]:sup_at[i] + min(sup_n[i], 2)]
                                                  + opp_ids[opp_at[i]:opp_at[i] + min(opp_n[i], 2)]
                                                  + mix_ids[mix_at[i]:mix_at[i] + min(mix_n[i], 2)]))[:4]
                else:
                    deciding = (sup_ids[sup_at[i]:sup_at[i] + sup_n[i]] if sup_n[i]
                                else all_ids[all_at[i]:all_at[i] + all_n[i]])
            if rule == "preclinical-only":
                parts.append("animal, healthy-volunteer and lab studies cannot show the effect in people with the condition")
            if uncontrolled[i]:
                parts.append("some support compares with usual care or medication rather than sham, which does not isolate a specific effect")
            reason = "; ".join(parts) + "."
        bad = flagged.get(i, [])
        if bad:
            reason += f" Retracted and not counted: {', '.join(bad)}."
        reasons.append(reason)
        decidings.append(deciding)
        bads.append(bad)
    text = lambda values: pd.array(values, dtype="str")  # all str: what inferring the dtype would give, faster
    computed = pd.Categorical(verdicts, categories=VERDICTS)
    overridden = override != ""
    return pd.DataFrame({
        "claim_id": ids.array,
        "statement": claims["statement"].astype(str).array,
        "category": claims["category"].astype(str).array,
        "verdict": (pd.Categorical([o or c for o, c in zip(override.tolist(), verdicts)], categories=VERDICTS)
                    if overridden.any() else computed.copy()),
        "computed_verdict": computed,
        "overridden": overridden,
        "override_reason": text(override_reason),
        "certainty": text(certainties),
        "reason": text(reasons),
        "citations": decidings,
        "retracted_citations": bads,
        "n_links": n_links.astype(int),
        "n_searches": n_search.astype(int),
        "rule": text(rules),
    })


def grade_ledger(ledger) -> pd.DataFrame:
    """Grade every claim of a loaded :class:`~claimledger.ledger.Ledger`."""
    return grade_claims(ledger.claims, ledger.links, ledger.citations, ledger.searches)


RATIO_MEASURES = {"RR", "OR", "HR"}


def effect_estimates(links: pd.DataFrame, citations: pd.DataFrame) -> pd.DataFrame:
    """Reported effect estimates with a confidence interval, one row per link.

    Adds ``unit`` (reviews sharing an evidence_body are one unit), ``label``,
    and ``yi``/``sei`` on the analysis scale (log for RR, OR, HR).
    """
    import numpy as np

    from .stats import se_from_ci

    cit = citations[["citation_id", "design", "year", "evidence_body", "retracted"]]
    df = links.merge(cit, on="citation_id", how="left")
    keep = (df["estimate"].notna() & df["ci_low"].notna() & df["ci_high"].notna() & df["measure"].notna()
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
    body = df["evidence_body"].astype("string").fillna("")
    df["unit"] = body.where(body != "", "cit:" + df["citation_id"].astype(str))
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
    import numpy as np

    from .stats import pool_dl, pool_reml

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
