"""Summary of Findings cards (issue 12): GRADE domains judged on small purpose-built ledgers, assessor overrides, the
API contract, coherence with the verdicts table, and the sof-csv and fhir-certainty exports."""
from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

import claimledger
from claimledger.grading.domains import DOMAINS
from claimledger.grading.scales import CERTAINTIES
from claimledger.grading.sof import DOMAIN_COLUMNS, SummaryOfFindings
from hostile import run

CLAIM = "relieves-sciatica-pain"


def _columns(root, table: str) -> list[str]:
    """The table's columns as the ledger's own datapackage.json declares them."""
    d = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    return [f["name"] for r in d["resources"] if r["name"] == table for f in r["schema"]["fields"]]


def _write(root, table: str, rows: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, _columns(root, table), lineterminator="\n", restval="", extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    (root / "evidence" / f"{table}.csv").write_text(buf.getvalue(), encoding="utf-8")


def link(citation_id, stance="supports", directness="direct", certainty="high", measure="", estimate="", ci_low="", ci_high="",
         n="", comparator="sham", outcome="leg pain VAS, week 4", claim=CLAIM) -> dict:
    return {"claim_id": claim, "citation_id": citation_id, "stance": stance, "directness": directness, "certainty": certainty,
            "certainty_basis": "assessor", "certainty_reason": "test fixture", "finding": f"Fixture finding of {citation_id}.",
            "locator": "abstract", "measure": measure, "estimate": estimate, "ci_low": ci_low, "ci_high": ci_high,
            "n_participants": n, "n_studies": "1", "comparator": comparator, "outcome": outcome,
            "scale": "VAS 0-100" if measure == "MD" else "", "better": "lower" if measure else ""}


def citation(citation_id, design="rct", body="") -> dict:
    return {"citation_id": citation_id, "url": f"https://example.org/{citation_id}", "title": f"Trial {citation_id}",
            "first_author": "Doe", "authors": "Doe J", "year": "2020", "journal": "J Test", "design": design, "evidence_body": body,
            "retracted": "false", "verified_source": f"https://example.org/{citation_id}", "verified_on": "2026-11-21"}


def ledger(root, links, citations=None, assessments=()):
    """The fixture ledger with its links (and citations, and assessments) replaced; checked valid."""
    ids = {r["citation_id"] for r in links}
    _write(root, "citations", citations or [citation(i) for i in sorted(ids)])
    _write(root, "links", links)
    _write(root, "assessments", [dict(zip(["claim_id", "domain", "judgement", "reason", "assessor", "assessed_on"], a)) for a in assessments])
    report = claimledger.validate(root)
    assert report.errors == [], [p.format() for p in report.errors]
    return claimledger.load(root)


def judged(sof: SummaryOfFindings) -> dict[str, str]:
    return dict(zip(sof.domains["domain"], sof.domains["judgement"]))


def domain(sof: SummaryOfFindings, name: str) -> dict:
    return sof.domains.set_index("domain").loc[name].to_dict()


# ---- imprecision -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("measure, est, lo, hi, n, expected, words", [
    ("MD", -16, -21, -11, 800, "no_concern", "excludes no effect"),
    ("MD", -16, -21.3, -10.6, 216, "serious", "fewer than the 400 participants"),
    ("MD", -2, -5, 1, 500, "serious", "includes no effect (0)"),
    ("MD", -2, -5, 1, 120, "very_serious", "fewer than the 400"),
    ("RR", 0.9, 0.6, 1.4, 1000, "very_serious", "appreciable benefit and an appreciable harm"),
    ("RR", 0.8, 0.7, 0.9, 2000, "no_concern", "events"),
    ("SMD", -0.3, -0.45, -0.15, 250, "serious", "fewer than the 400"),
])
def test_imprecision_from_the_interval_and_the_number_of_participants(mini, measure, est, lo, hi, n, expected, words):
    sof = ledger(mini, [link("t1", measure=measure, estimate=est, ci_low=lo, ci_high=hi, n=n)]).summary_of_findings(CLAIM)
    assert (domain(sof, "imprecision")["judgement"], domain(sof, "imprecision")["source"]) == (expected, "rule")
    assert words in domain(sof, "imprecision")["reason"]
    # one RCT, rated high and direct: only imprecision can move the card below the verdicts table's high
    assert sof.claim_certainty == "high"
    assert sof.certainty == CERTAINTIES[{"no_concern": 0, "serious": 1, "very_serious": 2}[expected]]


def test_imprecision_without_numbers_is_not_assessed_and_says_why(mini):
    sof = ledger(mini, [link("t1")]).summary_of_findings(CLAIM)
    assert domain(sof, "imprecision")["judgement"] == "not_assessed"
    assert "No effect estimate" in domain(sof, "imprecision")["reason"]
    assert sof.relative_effect.startswith("not estimable") and sof.absolute_effect.startswith("not estimable")
    assert sof.certainty == "high"  # nothing known against it; not assessed moves nothing


# ---- inconsistency -----------------------------------------------------------------------------------------------------

def test_a_heterogeneous_pooled_pair_rates_inconsistency_down(mini):
    links = [link("t1", measure="MD", estimate=-20, ci_low=-23, ci_high=-17, n=600),
             link("t2", measure="MD", estimate=-5, ci_low=-7, ci_high=-3, n=600)]
    sof = ledger(mini, links).summary_of_findings(CLAIM)
    row = domain(sof, "inconsistency")
    assert row["judgement"] == "serious"
    i2 = float(row["reason"].split("I\u00b2 = ")[1].split("%")[0])
    assert i2 >= 90 and "2 MD estimates against sham (t1, t2)" in row["reason"]
    # imprecision is judged on the pooled estimate and its 1,200 participants
    imprecision = domain(sof, "imprecision")
    assert "2 comparable estimates pooled (t1, t2; REML random effects)" in imprecision["reason"] and "1200 participants" in imprecision["reason"]


def test_a_consistent_pooled_pair_is_no_concern(mini):
    links = [link("t1", measure="MD", estimate=-10, ci_low=-13, ci_high=-7, n=600),
             link("t2", measure="MD", estimate=-11, ci_low=-14, ci_high=-8, n=600)]
    sof = ledger(mini, links).summary_of_findings(CLAIM)
    assert domain(sof, "inconsistency")["judgement"] == "no_concern"
    assert "I\u00b2 = 0%" in domain(sof, "inconsistency")["reason"]


def test_conflicting_stances_and_heterogeneity_together_are_very_serious(mini):
    links = [link("t1", measure="MD", estimate=-20, ci_low=-23, ci_high=-17, n=600),
             link("t2", measure="MD", estimate=-5, ci_low=-7, ci_high=-3, n=600),
             link("t3", stance="no_effect_shown", certainty="moderate")]
    sof = ledger(mini, links).summary_of_findings(CLAIM)
    assert domain(sof, "inconsistency")["judgement"] == "very_serious"
    assert "Results conflict (for: t1, t2; against: t3" in domain(sof, "inconsistency")["reason"]


def test_conflict_among_preclinical_studies_does_not_count_when_clinical_evidence_exists(mini):
    links = [link("t1", measure="MD", estimate=-10, ci_low=-13, ci_high=-7, n=600), link("a1", stance="refutes", directness="animal")]
    sof = ledger(mini, links, [citation("t1"), citation("a1", "animal")]).summary_of_findings(CLAIM)
    assert domain(sof, "inconsistency")["judgement"] == "no_concern"


# ---- indirectness and the starting level -------------------------------------------------------------------------------

@pytest.mark.parametrize("directness, expected, certainty", [
    ("direct", "no_concern", "high"), ("indirect_population", "serious", "moderate"), ("indirect_outcome", "serious", "moderate"),
    ("animal", "very_serious", "low"), ("healthy_volunteers", "very_serious", "low"),
])
def test_indirectness_follows_directness_as_grading_rule_8_does(mini, directness, expected, certainty):
    sof = ledger(mini, [link("t1", directness=directness)]).summary_of_findings(CLAIM)
    assert domain(sof, "indirectness")["judgement"] == expected
    assert sof.claim_certainty == sof.certainty == certainty  # rule 8 lowers by the same levels: the two agree


@pytest.mark.parametrize("design, comparator, category, start", [
    ("rct", "sham", "efficacy", "high"), ("meta_analysis", "usual_care", "efficacy", "high"),
    ("meta_analysis", "none", "efficacy", "low"), ("cohort", "none", "efficacy", "low"), ("cohort", "none", "background", "high"),
    ("animal", "sham", "mechanism", "low"), ("narrative_review", "", "background", "moderate"), ("guideline", "", "efficacy", "moderate"),
])
def test_starting_level_from_design(mini, design, comparator, category, start):
    (mini / "claims.csv").write_text((mini / "claims.csv").read_text().replace("Acupuncture relieves sciatica pain.,efficacy",
                                                                                  f"Acupuncture relieves sciatica pain.,{category}"))
    sof = ledger(mini, [link("e1", certainty="moderate", comparator=comparator)], [citation("e1", design)]).summary_of_findings(CLAIM)
    assert sof.start == start
    # never above the recorded certainty (moderate); a design that starts low takes the card down to low
    assert (sof.claim_certainty, sof.certainty) == ("moderate", "low" if start == "low" else "moderate")


def test_observational_evidence_with_a_large_ratio_is_rated_up_but_not_past_the_recorded_certainty(mini):
    rows = [link("c1", certainty="moderate", measure="RR", estimate=3.0, ci_low=2.5, ci_high=3.6, n=5000, comparator="no_treatment")]
    sof = ledger(mini, rows, [citation("c1", "cohort")]).summary_of_findings(CLAIM)
    assert (sof.start, domain(sof, "large_effect")["judgement"], sof.domain_certainty, sof.certainty) == ("low", "up_one", "moderate", "moderate")
    rows[0].update(estimate=6.0, ci_low=5.5, ci_high=7.0)
    sof = ledger(mini, rows, [citation("c1", "cohort")]).summary_of_findings(CLAIM)
    assert (domain(sof, "large_effect")["judgement"], sof.domain_certainty, sof.certainty) == ("up_two", "high", "moderate")
    assert "no card rates evidence above the certainty recorded for it" in sof.certainty_note
    rows[0]["n_participants"] = 200  # too few participants: imprecision rates it down, so the rule does not rate it up
    sof = ledger(mini, rows, [citation("c1", "cohort")]).summary_of_findings(CLAIM)
    assert domain(sof, "large_effect")["judgement"] == "none" and "another domain rates this evidence down" in domain(sof, "large_effect")["reason"]


# ---- assessor overrides ------------------------------------------------------------------------------------------------

def test_an_assessor_records_and_overrides_domains_with_a_reason(mini):
    rows = [link("t1", measure="MD", estimate=-16, ci_low=-21.3, ci_high=-10.6, n=216)]
    assessments = [[CLAIM, "risk_of_bias", "serious", "t1 did not blind outcome assessors, as its review reported", "J. Doe", "2026-11-20"],
                   [CLAIM, "imprecision", "no_concern", "the trial's own sample-size calculation was met", "J. Doe", "2026-11-21"]]
    sof = ledger(mini, rows, assessments=assessments).summary_of_findings(CLAIM)
    by = sof.domains.set_index("domain")
    assert by.loc["risk_of_bias"].tolist() == ["serious", "t1 did not blind outcome assessors, as its review reported", "assessor"]
    assert by.loc["imprecision"].tolist() == ["no_concern", "the trial's own sample-size calculation was met", "assessor"]
    assert by.loc["indirectness", "source"] == "rule"
    assert sof.assessors == {"risk_of_bias": "J. Doe, 2026-11-20", "imprecision": "J. Doe, 2026-11-21"}
    assert "Risk of bias: serious concern (assessor J. Doe, 2026-11-20). t1 did not blind outcome assessors" in " ".join(sof.footnotes)
    assert (sof.claim_certainty, sof.domain_certainty, sof.certainty) == ("high", "moderate", "moderate")
    html = sof._repr_html_()
    assert "sof-src-assessor" in html and "J. Doe, 2026-11-20" in html


def test_an_invalid_assessment_row_is_a_located_error(mini):
    ledger(mini, [link("t1")])
    (mini / "evidence/assessments.csv").write_text(
        "claim_id,domain,judgement,reason,assessor,assessed_on\n"
        f"{CLAIM},large_effect,serious,a large effect,J. Doe,2026-11-21\n"
        f"{CLAIM},risk_of_bias,up_one,blinded,J. Doe,2026-11-21\n"
        f"{CLAIM},imprecision,serious,,J. Doe,21/11/2026\n"
        "no-such-claim,biases,serious,x,J. Doe,2026-11-21\n", encoding="utf-8")
    code, out, _ = run("validate", "--root", str(mini))
    assert code == 1
    assert [line for line in out.splitlines() if line.startswith("evidence/assessments.csv")] == [
        ('evidence/assessments.csv:2: judgement: "serious" is not a judgement of large_effect, which is a reason to rate up. '
         "Fix: use one of none, up_one, up_two, not_assessed."),
        ('evidence/assessments.csv:3: judgement: "up_one" is not a judgement of risk_of_bias, which is a reason to rate down. '
         "Fix: use one of no_concern, serious, very_serious, not_assessed."),
        'evidence/assessments.csv:4: assessed_on: "21/11/2026" is not a valid date. Fix: write the date as YYYY-MM-DD, e.g. 2026-11-21.',
        ('evidence/assessments.csv:4: reason: "reason" is required but empty. Fix: fill it in (Why, in one line, naming the evidence '
         "(e.g. the trial and what its review reported about its risk of bias))."),
        ('evidence/assessments.csv:5: claim_id: "no-such-claim" is not a claim_id in claims.csv. Fix: add it to claims.csv first, or '
         "correct the claim_id."),
        ('evidence/assessments.csv:5: domain: "biases" is not a known domain. Fix: use one of risk_of_bias, inconsistency, indirectness, '
         "imprecision, publication_bias, large_effect, dose_response, plausible_confounding."),
    ]
    report = claimledger.validate(mini)
    assert ("evidence/assessments.csv", 2, "judgement", "judgement-not-for-domain") in report.flat()


# ---- the API contract --------------------------------------------------------------------------------------------------

def test_the_card_api(mini):
    led = claimledger.load(mini)
    sof = led.summary_of_findings(CLAIM)
    assert isinstance(sof, SummaryOfFindings)
    assert sof.domains.columns.tolist() == DOMAIN_COLUMNS == ["domain", "judgement", "reason", "source"]
    assert sof.domains["domain"].tolist() == list(DOMAINS) and len(DOMAINS) == 8
    assert set(sof.domains["source"]) <= {"rule", "assessor"} and sof.domains["reason"].str.len().gt(0).all()
    assert sof.certainty in CERTAINTIES and sof.certainty_symbols.count("\u2295") == 4 - CERTAINTIES.index(sof.certainty)
    assert led.claim(CLAIM).summary_of_findings.certainty == sof.certainty
    # a balanced claim: rule 8 takes the lower certainty of the two sides, so the card leads with the opposing trial
    assert (sof.verdict, sof.evidence, sof.citations) == ("mixed", "RCT haake2007-gerac-lbp", ["haake2007-gerac-lbp", "tu2024-acupuncture-vs-sham"])
    assert (sof.outcome, sof.comparator, sof.n_participants, sof.n_studies) == ("responder rate, 6 months", "sham", 1162, 1)
    assert sof.plain_language == "The evidence on whether acupuncture relieves sciatica pain is mixed, and of low certainty."
    with pytest.raises(KeyError, match="did you mean relieves-sciatica-pain"):
        led.summary_of_findings("relieves-sciatica")


def test_claims_without_a_rating_have_a_card_that_says_why(mini):
    led = claimledger.load(mini)
    for cid, verdict in (("qi-meridians", "untestable"), ("endorphin-release", "no_evidence_found")):
        sof = led.summary_of_findings(cid)
        assert (sof.verdict, sof.certainty, sof.start) == (verdict, None, None)
        assert set(sof.domains["judgement"]) == {"not_assessed"} and sof.plain_language.startswith("No certainty rating")


def test_plain_language_follows_grade_guideline_26(mini):
    rows = [link("t1", measure="MD", estimate=-16, ci_low=-21.3, ci_high=-10.6, n=216)]
    sof = ledger(mini, rows).summary_of_findings(CLAIM)
    assert sof.plain_language == "Acupuncture probably relieves sciatica pain."
    assert sof.absolute_effect == "MD -16 (95% CI -21.3 to -10.6) on leg pain VAS, week 4 (VAS 0-100; lower favours the intervention)"
    assert sof.relative_effect == "not applicable: a difference, not a ratio"
    rows = [link("t1", stance="refutes", certainty="low")]
    assert ledger(mini, rows).summary_of_findings(CLAIM).plain_language == "It may not be true that acupuncture relieves sciatica pain."


def test_the_table_of_cards_orders_certainty_on_the_scale(repo_ledger):
    table = claimledger.load(repo_ledger).summaries_of_findings()
    assert table.columns[-5:].tolist() == [*DOMAIN_COLUMNS, "assessor"]
    assert len(table) == 8 * table["claim_id"].nunique()
    for col in ("certainty", "claim_certainty", "domain_certainty"):
        assert table[col].dtype == pd.CategoricalDtype(["very_low", "low", "moderate", "high"], ordered=True)
    cards = table.drop_duplicates("claim_id")
    assert cards.sort_values("certainty", ascending=False)["certainty"].iloc[0] == "high"
    assert (cards["certainty"] >= "moderate").sum() < (cards["certainty"] >= "very_low").sum()


def test_every_card_is_coherent_with_the_verdicts_table(repo_ledger):
    """The card's certainty is the lower of the verdicts table's and the domains'; it is never higher than the verdicts table's."""
    led = claimledger.load(repo_ledger)
    grades = led.grades().set_index("claim_id")
    cards = led.summaries_of_findings().drop_duplicates("claim_id").set_index("claim_id")
    rated = cards["certainty"].notna()
    assert (cards.loc[rated, "certainty"] <= cards.loc[rated, "claim_certainty"]).all()
    assert (cards.loc[rated, "certainty"] == cards.loc[rated, ["claim_certainty", "domain_certainty"]].min(axis=1)).all()
    same = cards["claim_certainty"].astype(object).fillna("") == grades["certainty"].astype(object).fillna("").reindex(cards.index)
    assert same.all()
    assert (~rated).sum() == grades["certainty"].isna().sum() > 0
    lower = cards[rated & (cards["certainty"] < cards["claim_certainty"])]
    assert len(lower) and lower["certainty_note"].str.startswith("The domains give").all()


# ---- exports -----------------------------------------------------------------------------------------------------------

def test_sof_csv_is_one_row_per_claim_and_domain_and_spreadsheet_safe(mini):
    rows = [link("t1", measure="MD", estimate=-16, ci_low=-21.3, ci_high=-10.6, n=216), link("t2", certainty="moderate")]
    ledger(mini, rows, assessments=[[CLAIM, "publication_bias", "serious", '=HYPERLINK("http://x","y")', "@mallory", "2026-11-21"]])
    code, out, _ = run("export", "sof-csv", "--root", str(mini))
    assert code == 0
    table = list(csv.DictReader(io.StringIO(out)))
    assert len(table) == 4 * 8 and [r["domain"] for r in table[:8]] == list(DOMAINS)
    mine = [r for r in table if r["claim_id"] == CLAIM]
    assert {r["citations"] for r in mine} == {"t1; t2"}
    bias = next(r for r in mine if r["domain"] == "publication_bias")
    assert (bias["reason"], bias["source"], bias["assessor"]) == ("'=HYPERLINK(\"http://x\",\"y\")", "assessor", "'@mallory, 2026-11-21")
    cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
    assert [c for c in cells if c[:1] in ("=", "+", "-", "@")] == []


def test_fhir_certainty_is_valid_r5_and_follows_the_ebm_profile(mini):
    from fhir.resources.artifactassessment import ArtifactAssessment
    from fhir.resources.bundle import Bundle

    rows = [link("t1", measure="MD", estimate=-16, ci_low=-21.3, ci_high=-10.6, n=216)]
    ledger(mini, rows, assessments=[[CLAIM, "risk_of_bias", "no_concern", "blinded and registered, as its review reported", "J. Doe", "2026-11-21"]])
    code, out, _ = run("export", "fhir-certainty", "--root", str(mini))
    assert code == 0
    bundle = json.loads(out)
    Bundle.model_validate(bundle)
    resources = [e["resource"] for e in bundle["entry"]]
    assert [r["id"] for r in resources] == ["relieves-sciatica-pain", "endorphin-release", "qi-meridians", "acupuncture-safe"]
    for r in resources:
        ArtifactAssessment.model_validate(r)
        assert r["meta"]["profile"] == ["http://hl7.org/fhir/uv/ebm/StructureDefinition/certainty-of-evidence"]
        assert r["content"][0]["classifier"][0]["coding"][0]["code"] == "GRADE"
    overall = resources[0]["content"][1]
    code_of = lambda concept: (concept["coding"][0]["system"].rsplit("/", 1)[1], concept["coding"][0]["code"])
    assert code_of(overall["type"]) == ("certainty-type", "Overall") and code_of(overall["classifier"][0]) == ("certainty-rating", "moderate")
    components = {code_of(c["type"])[1]: c for c in overall["component"]}
    assert list(components) == ["RiskOfBias", "Inconsistency", "Indirectness", "Imprecision", "PublicationBias", "LargeEffect",
                                "DoseResponseGradient", "PlausibleConfounding"]
    assert code_of(components["Imprecision"]["classifier"][0]) == ("certainty-rating", "serious-concern")
    assert code_of(components["RiskOfBias"]["classifier"][0]) == ("certainty-rating", "no-concern")
    assert components["RiskOfBias"]["author"] == {"display": "J. Doe, 2026-11-21"} and "author" not in components["Imprecision"]
    assert code_of(components["LargeEffect"]["classifier"][0]) == ("certainty-rating", "absent")
    assert "classifier" not in components["PublicationBias"] and components["PublicationBias"]["summary"]
    unrated = resources[2]["content"][1]
    assert "classifier" not in unrated and unrated["summary"].startswith("No certainty rating")


def test_the_export_choices_come_from_the_registry():
    from claimledger.render.exports import EXPORTERS

    assert {"sof-csv", "fhir-certainty"} <= set(EXPORTERS)


def test_the_claim_audit_shows_a_card_per_claim_with_text_escaped(mini):
    from claimledger.render.pages import audit_html, sof_html

    led = claimledger.load(mini)
    html = audit_html(led, led.grades())
    assert html.count('class="sof"') == 4 and 'id="sof-qi-meridians"' in html
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    one = sof_html(led, [CLAIM])
    assert one.count('class="sof"') == 1 and one.startswith("<style>") and "\u2295" in one
