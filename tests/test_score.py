"""Grading rules at their boundaries: one table row per rule (docs/grading.md)."""
from __future__ import annotations

import pandas as pd
import pytest

import claimledger
from claimledger.grading import VERDICTS, grade_claims

CLAIM_COLS = ["claim_id", "statement", "category", "testable", "testable_reason", "verdict_override", "override_reason"]


def L(cid, stance, directness="direct", certainty="moderate", design="rct", comparator="sham", body=None, retracted=False, year=2020):
    return {"citation_id": cid, "stance": stance, "directness": directness, "certainty": certainty, "design": design,
            "comparator": comparator, "evidence_body": body, "retracted": retracted, "year": year}


def grade(links, category="efficacy", testable=True, searched=0, override=None, reason=None):
    claims = pd.DataFrame([["c1", "A claim.", category, testable, "no measurable definition" if not testable else None,
                            override, reason]], columns=CLAIM_COLS)
    lk = pd.DataFrame([{"claim_id": "c1", **{k: v for k, v in x.items() if k in ("citation_id", "stance", "directness", "certainty", "comparator")}}
                       for x in links], columns=["claim_id", "citation_id", "stance", "directness", "certainty", "comparator"])
    cit = pd.DataFrame([{k: x[k] for k in ("citation_id", "design", "year", "evidence_body", "retracted")} for x in links],
                       columns=["citation_id", "design", "year", "evidence_body", "retracted"])
    searches = pd.DataFrame({"claim_id": ["c1"] * searched})
    return grade_claims(claims, lk, cit, searches).iloc[0]


RULES = [
    # name, links, category, expected verdict, certainty, rule
    ("untestable", [L("a", "supports")], "theory", "untestable", "", "untestable"),
    ("not yet searched", [], "efficacy", "not_yet_searched", "", "not-searched"),
    ("direct moderate support", [L("a", "supports")], "efficacy", "supported", "moderate", "direct-support"),
    ("direct high support", [L("a", "supports", certainty="high")], "efficacy", "supported", "high", "direct-support"),
    ("direct low support is only partial", [L("a", "supports", certainty="low")], "efficacy", "partly_supported", "low", "limited-support"),
    ("indirect moderate support is partial, one level lower", [L("a", "supports", "indirect_population")], "efficacy",
     "partly_supported", "low", "limited-support"),
    ("indirect low support is weak", [L("a", "supports", "indirect_population", "low")], "efficacy", "weak_or_indirect", "very_low", "weak-support"),
    ("direct very low support is weak", [L("a", "supports", certainty="very_low")], "efficacy", "weak_or_indirect", "very_low", "weak-support"),
    ("animal high certainty is never better than weak", [L("a", "supports", "animal", "high", "animal")], "mechanism",
     "weak_or_indirect", "low", "preclinical-only"),
    ("healthy volunteers are never better than weak", [L("a", "supports", "healthy_volunteers", "high", "mechanistic_human")], "mechanism",
     "weak_or_indirect", "low", "preclinical-only"),
    ("refuted at low certainty", [L("a", "refutes", certainty="low")], "efficacy", "contradicted", "low", "opposed"),
    ("no effect shown at moderate contradicts", [L("a", "no_effect_shown")], "efficacy", "contradicted", "moderate", "opposed"),
    ("no effect shown at low is only weak", [L("a", "no_effect_shown", certainty="low")], "efficacy", "weak_or_indirect", "low", "weak-opposition"),
    ("only animal opposition is weak", [L("a", "refutes", "animal", "high", "animal")], "mechanism", "weak_or_indirect", "low", "weak-opposition"),
    ("only mixed", [L("a", "mixed")], "efficacy", "mixed", "moderate", "only-mixed"),
    ("support outweighs opposition twice over", [L("a", "supports", certainty="high"), L("b", "refutes", "indirect_population", "low")],
     "efficacy", "partly_supported", "high", "support-outweighs"),
    ("opposition outweighs support twice over", [L("a", "supports", certainty="low"), L("b", "no_effect_shown", certainty="high"),
                                                L("c", "refutes", certainty="moderate")], "efficacy", "contradicted", "high", "opposition-outweighs"),
    ("balanced sides are mixed at the lower certainty", [L("a", "supports"), L("b", "no_effect_shown", certainty="moderate")],
     "efficacy", "mixed", "moderate", "balanced"),
]


@pytest.mark.parametrize("name,links,category,verdict,certainty,rule", RULES, ids=[r[0] for r in RULES])
def test_rule(name, links, category, verdict, certainty, rule):
    g = grade(links, category, testable=(rule != "untestable"))
    assert (g["verdict"], g["certainty"] if certainty else None, g["rule"]) == (verdict, certainty or None, rule)
    assert pd.isna(g["certainty"]) == (not certainty)  # no weighed evidence: certainty is NA, not ""
    assert g["verdict"] in VERDICTS


def test_searched_without_evidence_differs_from_not_searched():
    g = grade([], searched=3)
    assert (g["verdict"], g["rule"]) == ("no_evidence_found", "no-evidence")
    assert "No evidence found after searching (3 logged searches)" in g["reason"]


def test_not_addressed_links_do_not_weigh():
    g = grade([L("p", "not_addressed", design="protocol")], searched=1)
    assert g["verdict"] == "no_evidence_found" and "do not address it" in g["reason"]


def test_retracted_citation_never_counts_and_is_flagged():
    g = grade([L("bad", "supports", certainty="high", retracted=True), L("ok", "supports", certainty="low")])
    assert g["verdict"] == "partly_supported"  # decided by the low-certainty study alone
    assert g["retracted_citations"] == "bad"
    assert "Retracted and not counted: bad." in g["reason"]
    assert "bad" not in g["citations"].split(";")


def test_reviews_sharing_an_evidence_body_count_once():
    # three reviews of the same trials (one body) against one independent moderate null trial:
    # counted separately they would outweigh it three to one; as one body the result is balanced
    reviews = [L(f"r{i}", "supports", design="meta_analysis", comparator="sham", body="same-trials", year=2015 + i) for i in range(3)]
    g = grade(reviews + [L("t", "no_effect_shown")])
    assert (g["verdict"], g["rule"]) == ("mixed", "balanced")
    assert "3 meta-analyses pooling overlapping trials (one body of evidence, led by r2)" in g["reason"]


def test_better_than_usual_care_is_not_better_than_sham():
    # the same moderate direct trial weighs less when the comparator is usual care, and the reason says why
    against = L("b", "no_effect_shown", "indirect_population", "low")  # weight 1.2
    vs_sham = grade([L("a", "supports"), against])  # 3.0 >= 2 x 1.2
    vs_usual = grade([L("a", "supports", comparator="usual_care"), against])  # 2.25 < 2 x 1.2
    assert vs_sham["verdict"] == "partly_supported"
    assert vs_usual["verdict"] == "mixed"
    assert "rather than sham" in vs_usual["reason"] and "rather than sham" not in vs_sham["reason"]


def test_reviewer_override_wins_and_keeps_the_computed_verdict():
    g = grade([L("a", "supports")], override="mixed", reason="trial at high risk of bias")
    assert (g["verdict"], g["computed_verdict"], g["overridden"], g["override_reason"]) == ("mixed", "supported", True, "trial at high risk of bias")


def test_every_verdict_traces_to_rows(repo_ledger):
    ledger = claimledger.load(repo_ledger)
    grades = ledger.grades()
    assert list(grades["claim_id"]) == list(ledger.claims["claim_id"])
    linked = set(zip(ledger.links["claim_id"].astype(str), ledger.links["citation_id"].astype(str)))
    for g in grades.itertuples():
        assert all((g.claim_id, c) in linked for c in g.citations.split(";") if c), g.claim_id
        assert g.reason
        if str(g.verdict) in ("supported", "partly_supported", "mixed", "weak_or_indirect", "contradicted"):
            assert g.citations, g.claim_id
    assert (grades["verdict"] != "not_yet_searched").all()


def test_grading_is_deterministic(repo_ledger):
    a = claimledger.load(repo_ledger).grades()
    b = claimledger.load(repo_ledger).grades()
    pd.testing.assert_frame_equal(a, b)


def test_evidence_units_collapse_an_evidence_body_into_one_weighed_unit():
    from claimledger.grading import evidence_units

    rows = [L(f"r{i}", "supports", design="meta_analysis", body="same-trials", year=2015 + i) for i in range(3)]
    rows.append(L("t", "no_effect_shown", "indirect_population", "low"))
    links = pd.DataFrame([{"claim_id": "c1", **r} for r in rows])
    units = evidence_units(links, pd.Series({"c1": "efficacy"}))
    assert list(units["citation_id"]) == ["r2", "t"]  # the most recent review represents the body; heaviest first
    assert list(units["members"]) == [3, 1]
    assert list(units["weight"]) == pytest.approx([3.0, 1.2])
