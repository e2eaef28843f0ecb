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


def _lower_certainty(c: str, steps: int = 1) -> str:
    return CERTAINTIES[min(CERTAINTIES.index(c) + steps, len(CERTAINTIES) - 1)]


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
    category = df["claim_id"].map(categories).astype("string").fillna("")
    pts = df["certainty"].map(CERTAINTY_POINTS).astype(float).fillna(1.0)
    factor = df["directness"].map(DIRECTNESS_FACTOR).astype(float).fillna(0.25)
    df["uncontrolled"] = ((df["stance"] == "supports") & ~df["comparator"].isin(CONTROLLED)
                          & category.isin(COMPARATOR_SENSITIVE)).astype(bool)
    df["weight"] = pts * factor * df["uncontrolled"].map({True: 0.75, False: 1.0}).astype(float)
    df["year"] = pd.to_numeric(df["year"], errors="coerce").fillna(0)
    df = df.sort_values(["claim_id", "unit", "weight", "year"], ascending=[True, True, False, False], kind="stable")
    size = df.groupby(["claim_id", "unit"], sort=False, observed=True)["citation_id"].transform("size")
    df["members"] = size.astype(int)
    units = df.drop_duplicates(["claim_id", "unit"], keep="first")
    return units.sort_values(["claim_id", "weight"], ascending=[True, False], kind="stable").reset_index(drop=True)


def _first(frame: pd.DataFrame, mask, cols) -> pd.DataFrame:
    """Per claim, the heaviest unit among ``mask`` (units are sorted heaviest first)."""
    return frame[mask].drop_duplicates("claim_id").set_index("claim_id")[cols]


def _certainty_after_indirectness(certainty: pd.Series, directness: pd.Series) -> pd.Series:
    steps = directness.map(lambda d: 0 if d == "direct" else (2 if d in PRECLINICAL else 1))
    idx = certainty.map({c: i for i, c in enumerate(CERTAINTIES)}).astype(float) + steps.astype(float)
    return idx.clip(upper=len(CERTAINTIES) - 1).map(lambda i: CERTAINTIES[int(i)] if pd.notna(i) else "")


def decide(units: pd.DataFrame) -> pd.DataFrame:
    """Verdict, certainty and rule per claim from weighed units (rules 6-7).

    Order of rules (first that applies wins): only-mixed; preclinical-only
    support; support without opposition (direct-support / limited-support /
    weak-support); opposition without support (opposed / weak-opposition);
    both sides (support-outweighs when S >= 2A with direct moderate+ support;
    opposition-outweighs when A >= 2S with clinical opposition; else balanced).
    """
    u = units
    st = u["stance"]
    clinical = ~u["directness"].isin(PRECLINICAL)
    is_sup, is_opp, is_mix = st == "supports", st.isin(AGAINST), st == "mixed"
    w_half = u["weight"] * is_mix.map({True: 0.5, False: 1.0}).astype(float)
    g = u.assign(S=w_half.where(is_sup | is_mix, 0.0), A=w_half.where(is_opp | is_mix, 0.0),
                 nonmix=(~is_mix).astype(int), sup_clin=(is_sup & clinical).astype(int),
                 opp_clin=(is_opp & clinical).astype(int), sup_n=is_sup.astype(int))
    agg = g.groupby("claim_id", sort=False).agg(S=("S", "sum"), A=("A", "sum"), nonmix=("nonmix", "sum"),
                                                sup_clin=("sup_clin", "sum"), opp_clin=("opp_clin", "sum"), sup_n=("sup_n", "sum"))
    cols = ["stance", "directness", "certainty", "citation_id"]
    bs = _first(u, is_sup & clinical, cols).reindex(agg.index)
    bs_any = _first(u, is_sup | is_mix, cols).reindex(agg.index)
    bs = bs.fillna(bs_any)
    bo = _first(u, is_opp & clinical, cols).reindex(agg.index)
    bo_any = _first(u, is_opp | is_mix, cols).reindex(agg.index)
    b_all = _first(u, pd.Series(True, index=u.index), cols).reindex(agg.index)
    bs_c, bo_c = bs["certainty"].fillna(""), bo["certainty"].fillna("")
    direct_sup = bs["directness"].fillna("") == "direct"
    strong = bs_c.isin(["high", "moderate"])
    S, A = agg["S"], agg["A"]
    only_mixed = agg["nonmix"] == 0
    preclinical_only = (agg["sup_n"] > 0) & (agg["sup_clin"] == 0) & (agg["opp_clin"] == 0)
    opposed_ok = (bo["stance"].fillna("") == "refutes") & bo_c.isin(["high", "moderate", "low"]) | bo_c.isin(["high", "moderate"])
    conds = [
        ("mixed", "only-mixed", only_mixed, b_all),
        ("weak_or_indirect", "preclinical-only", preclinical_only, bs_any),
        ("supported", "direct-support", (S > 0) & (A == 0) & direct_sup & strong, bs),
        ("partly_supported", "limited-support", (S > 0) & (A == 0) & ((direct_sup & (bs_c == "low")) | (~direct_sup & strong)), bs),
        ("weak_or_indirect", "weak-support", (S > 0) & (A == 0), bs),
        ("contradicted", "opposed", (A > 0) & (S == 0) & (agg["opp_clin"] > 0) & opposed_ok, bo),
        ("weak_or_indirect", "weak-opposition", (A > 0) & (S == 0), bo_any),
        ("partly_supported", "support-outweighs", (S >= 2 * A) & direct_sup & strong, bs),
        ("contradicted", "opposition-outweighs", (A >= 2 * S) & (agg["opp_clin"] > 0), bo.fillna(bo_any)),
    ]
    verdict = pd.Series("mixed", index=agg.index, dtype=object)
    rule = pd.Series("balanced", index=agg.index, dtype=object)
    basis_c = pd.Series("", index=agg.index, dtype=object)
    basis_d = pd.Series("", index=agg.index, dtype=object)
    done = pd.Series(False, index=agg.index)
    for v, r, mask, basis in conds:
        m = mask.fillna(False).astype(bool) & ~done
        verdict[m], rule[m] = v, r
        basis_c[m], basis_d[m] = basis.loc[m, "certainty"], basis.loc[m, "directness"]
        done |= m
    cert = _certainty_after_indirectness(basis_c.fillna(""), basis_d.fillna(""))
    # balanced: the lower of the best certainty on each side
    bal = rule == "balanced"
    if bal.any():
        c1 = _certainty_after_indirectness(bs_any["certainty"].fillna(""), bs_any["directness"].fillna(""))
        c2 = _certainty_after_indirectness(bo_any["certainty"].fillna(""), bo_any["directness"].fillna(""))
        rank = {c: i for i, c in enumerate(CERTAINTIES)}
        lower = [a if rank.get(a, 9) >= rank.get(b, 9) or not b else b for a, b in zip(c1[bal], c2[bal])]
        cert[bal] = lower
    return pd.DataFrame({"verdict": verdict, "rule": rule, "certainty": cert.fillna("")})


def _unit_phrases(u: pd.DataFrame) -> pd.Series:
    design = u["design"].map(DESIGN_LABEL).fillna(u["design"]).astype(str)
    plural = design.where(~design.str.endswith("analysis"), design.str[:-8] + "analyses")
    plural = plural.where(design.str.endswith("analysis"), design + "s")
    cid = u["citation_id"].astype(str)
    who = design + " " + cid
    many = u["members"] > 1
    who = who.where(~many, u["members"].astype(str) + " " + plural + " pooling overlapping trials (one body of evidence, led by " + cid + ")")
    return who + " " + u["directness"].map(DIRECTNESS_LABEL).fillna("") + " (" + u["certainty"].str.replace("_", " ") + " certainty)"


def _top(u: pd.DataFrame, mask, n: int) -> pd.DataFrame:
    return u[mask].groupby("claim_id", sort=False).head(n)


def grade_claims(claims: pd.DataFrame, links: pd.DataFrame, citations: pd.DataFrame, searches: pd.DataFrame) -> pd.DataFrame:
    """Grade every claim, vectorised over claims. Returns one row per claim, in claims order.

    Columns: claim_id, statement, category, verdict, computed_verdict,
    overridden, override_reason, certainty, reason, citations (deciding ids,
    best first), retracted_citations, n_links, n_searches, rule.
    """
    ids = claims["claim_id"].astype(str)
    cats = pd.Series(claims["category"].astype(str).to_numpy(), index=ids)
    cit = citations[["citation_id", "design", "year", "evidence_body", "retracted"]]
    lk = links.merge(cit, on="citation_id", how="left")
    lk["claim_id"] = lk["claim_id"].astype(str)
    lk["citation_id"] = lk["citation_id"].astype(str)
    retracted = lk["retracted"].astype("boolean").fillna(False).astype(bool)
    usable = lk[~retracted & (lk["stance"].astype(str) != "not_addressed")]
    n_links = lk.groupby("claim_id").size().reindex(ids, fill_value=0)
    n_search = (searches["claim_id"].astype(str).value_counts() if len(searches) else pd.Series(dtype=int)).reindex(ids, fill_value=0)
    flagged = lk[retracted].groupby("claim_id")["citation_id"].agg(list).reindex(ids)
    units = evidence_units(usable, cats)
    dec = decide(units).reindex(ids) if len(units) else pd.DataFrame(index=ids, columns=["verdict", "rule", "certainty"])

    # Deciding citations and reason text, built from the heaviest units per side.
    phrase = units.assign(phrase=_unit_phrases(units)) if len(units) else units.assign(phrase=[])
    st = phrase["stance"] if len(phrase) else pd.Series(dtype=str)
    def joined(mask, n):
        t = _top(phrase, mask, n)
        return t.groupby("claim_id", sort=False)["phrase"].agg("; ".join).reindex(ids), t.groupby("claim_id", sort=False)["citation_id"].agg(list).reindex(ids)
    sup_txt, sup_ids = joined(st == "supports", 2)
    opp_txt, opp_ids = joined(st.isin(AGAINST), 2)
    mix_txt, mix_ids = joined(st == "mixed", 2)
    top3 = {k: phrase[m].groupby("claim_id", sort=False)["citation_id"].agg(lambda s: list(s.head(3))).reindex(ids)
            for k, m in (("sup", st == "supports"), ("opp", st.isin(AGAINST)), ("all", pd.Series(True, index=phrase.index)))}
    uncontrolled = phrase[st == "supports"].groupby("claim_id")["uncontrolled"].any().reindex(ids, fill_value=False) if len(phrase) else pd.Series(False, index=ids)

    testable = claims["testable"].astype("boolean").fillna(True).to_numpy()
    testable_reason = claims["testable_reason"].astype("string").fillna("").to_numpy()
    override = claims["verdict_override"].astype("string").fillna("").to_numpy()
    override_reason = claims["override_reason"].astype("string").fillna("").to_numpy()
    heads = {"supported": "Supported by", "partly_supported": "Partly supported by", "mixed": "Evidence is mixed:",
             "weak_or_indirect": "Only weak or indirect evidence:", "contradicted": "Contradicted by"}
    none = lambda v: v if isinstance(v, str) else ""
    lst = lambda v: v if isinstance(v, list) else []
    rows = []
    for i, cid in enumerate(ids):
        v, rule, cert = dec.iat[i, 0], dec.iat[i, 1], dec.iat[i, 2]
        s_txt, o_txt, m_txt = none(sup_txt.iat[i]), none(opp_txt.iat[i]), none(mix_txt.iat[i])
        if not testable[i]:
            v, rule, cert, deciding = "untestable", "untestable", "", []
            reason = f"Not testable: {testable_reason[i]}" if testable_reason[i] else "Not testable."
        elif not isinstance(v, str):
            deciding, cert = [], ""
            if n_links.iat[i] or n_search.iat[i]:
                v, rule = "no_evidence_found", "no-evidence"
                reason = (f"No evidence found after searching ({n_search.iat[i]} logged searches"
                          + (f"; {n_links.iat[i]} citation(s) do not address it" if n_links.iat[i] else "") + ").")
            else:
                v, rule = "not_yet_searched", "not-searched"
                reason = "Not yet searched: no evidence links and no logged searches."
        else:
            if v == "contradicted":
                parts = [f"{heads[v]} {o_txt or m_txt}"] + ([f"in favour: {s_txt}"] if s_txt else [])
                deciding = lst(top3["opp"].iat[i]) or lst(top3["all"].iat[i])
            else:
                lead = s_txt or m_txt or o_txt
                parts = [f"{heads[v]} {lead}"]
                if o_txt and lead is not o_txt:
                    parts.append(f"against: {o_txt}")
                if m_txt and lead is not m_txt:
                    parts.append(f"mixed: {m_txt}")
                if rule in ("balanced", "support-outweighs", "opposition-outweighs"):
                    deciding = list(dict.fromkeys(lst(sup_ids.iat[i]) + lst(opp_ids.iat[i]) + lst(mix_ids.iat[i])))[:4]
                else:
                    deciding = lst(top3["sup"].iat[i]) or lst(top3["all"].iat[i])
            if rule == "preclinical-only":
                parts.append("animal, healthy-volunteer and lab studies cannot show the effect in people with the condition")
            if bool(uncontrolled.iat[i]):
                parts.append("some support compares with usual care or medication rather than sham, which does not isolate a specific effect")
            reason = "; ".join(parts) + "."
        bad = lst(flagged.iat[i])
        if bad:
            reason += f" Retracted and not counted: {', '.join(bad)}."
        rows.append((cid, v, rule, cert, reason, deciding, bad))
    out = pd.DataFrame(rows, columns=["claim_id", "computed_verdict", "rule", "certainty", "reason", "citations", "retracted_citations"])
    out.insert(1, "statement", claims["statement"].astype(str).to_numpy())
    out.insert(2, "category", claims["category"].astype(str).to_numpy())
    out.insert(3, "verdict", [o or c for o, c in zip(override, out["computed_verdict"])])
    out.insert(5, "overridden", override != "")
    out.insert(6, "override_reason", override_reason)
    out["n_links"] = n_links.to_numpy().astype(int)
    out["n_searches"] = n_search.to_numpy().astype(int)
    out = out[["claim_id", "statement", "category", "verdict", "computed_verdict", "overridden", "override_reason", "certainty",
               "reason", "citations", "retracted_citations", "n_links", "n_searches", "rule"]]
    out["verdict"] = pd.Categorical(out["verdict"], categories=VERDICTS)
    out["computed_verdict"] = pd.Categorical(out["computed_verdict"], categories=VERDICTS)
    return out


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
