"""claimledger screen and the screening rules of validate: real files in tmp_path, input typed on stdin."""
from __future__ import annotations

import io

import pytest

from claimledger.cli import main
from claimledger.ledger import validate
from claimledger.search.screening import candidates, decide

HEADER = "claim_id,record_id,search_id,pmid,doi,title,authors,year,journal,decision,reason,screened_by,screened_on,note\n"
ROWS = [
    "endorphin-release,pmid:90000001,s1,90000001,,First candidate,Tester A,2020,Test J,,,,,",
    "endorphin-release,pmid:90000002,s1,90000002,10.5555/two,Second candidate,Tester B,2021,Test J,,,,,",
    "acupuncture-safe,pmid:39401008,s2,39401008,,Cited already,Tu JF,2024,JAMA Intern Med,,,,,",
]


@pytest.fixture
def screened(mini):
    (mini / "evidence/screening.csv").write_text(HEADER + "\n".join(ROWS) + "\n")
    return mini


def _type(monkeypatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_screen_records_decisions_one_at_a_time(screened, monkeypatch, capsys):
    _type(monkeypatch, "z\ni\ne\nx\n9\n2\n")
    assert main(["screen", "--claim", "endorphin-release", "--by", "tester", "--root", str(screened)]) == 0
    out = capsys.readouterr().out
    assert "[1/2] endorphin-release  pmid:90000001\n  First candidate\n  Tester A 2020 Test J\n  https://pubmed.ncbi.nlm.nih.gov/90000001/" in out
    assert "  recorded: include by tester" in out and "  recorded: exclude (wrong intervention) by tester" in out
    assert "  type i, e, s or q." in out and "  type a number from 1 to 6." in out
    assert out.endswith("2 decision(s) written, 0 skipped; 0 candidate(s) still wait.\n")
    lines = (screened / "evidence/screening.csv").read_text().splitlines()
    assert lines[1].startswith("endorphin-release,pmid:90000001,s1,90000001,,First candidate,Tester A,2020,Test J,include,,tester,")
    assert lines[2].split(",")[9:12] == ["exclude", "wrong_intervention", "tester"]
    assert lines[3] == ROWS[2]  # other rows: every byte kept


def test_decisions_can_be_changed_and_quitting_keeps_what_was_written(screened, monkeypatch, capsys):
    decide(screened, "endorphin-release", "pmid:90000001", "exclude", "duplicate", by="a")
    _type(monkeypatch, "i\nq\n")
    assert main(["screen", "--redo", "--by", "b", "--root", str(screened)]) == 0
    out = capsys.readouterr().out
    assert "[1/3] endorphin-release  pmid:90000001  (now: exclude duplicate)" in out
    assert out.endswith("1 decision(s) written, 0 skipped; 2 candidate(s) still wait.\n")
    row = (screened / "evidence/screening.csv").read_text().splitlines()[1].split(",")
    assert row[9:12] == ["include", "", "b"]
    assert [c.row["record_id"] for c in candidates(screened)] == ["pmid:90000002", "pmid:39401008"]


def test_the_reason_list_is_the_ledgers_own(screened):
    import json
    path = screened / "datapackage.json"
    schema = json.loads(path.read_text())
    screening = next(r for r in schema["resources"] if r["name"] == "screening")
    next(f for f in screening["schema"]["fields"] if f["name"] == "reason")["constraints"]["enum"] = ["not_about_cranberry", "animal_study"]
    path.write_text(json.dumps(schema))
    from claimledger.search import SearchError
    with pytest.raises(SearchError, match="reason 'duplicate' is not in this ledger's list. Fix: use one of not_about_cranberry, animal_study"):
        decide(screened, "endorphin-release", "pmid:90000001", "exclude", "duplicate", by="a")
    decide(screened, "endorphin-release", "pmid:90000001", "exclude", "animal_study", by="a")
    assert validate(screened).ok


def test_hand_made_decisions_are_validated(screened, capsys):
    text = (screened / "evidence/screening.csv").read_text()
    text = text.replace("First candidate,Tester A,2020,Test J,,,,,", "First candidate,Tester A,2020,Test J,exclude,,me,2026-12-01,")
    text = text.replace("Second candidate,Tester B,2021,Test J,,,,,", "Second candidate,Tester B,2021,Test J,maybe,,,,")
    text = text.replace("JAMA Intern Med,,,,,", "JAMA Intern Med,,,me,,")
    (screened / "evidence/screening.csv").write_text(text)
    assert sorted((p.line, p.column, p.code) for p in validate(screened).errors) == [
        (2, "reason", "reason-required"), (3, "decision", "unknown-enum"), (3, "screened_by", "blank-required"),
        (3, "screened_on", "blank-required"), (4, "screened_by", "reason-required")]
    assert main(["screen", "--root", str(screened)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == ("evidence/screening.csv:2: reason: an excluded record needs a reason. Fix: pick one from the reason "
                                   "list in datapackage.json (claimledger screen offers it), e.g. wrong_population.")
    assert out.endswith("5 error(s) in evidence/screening.csv: fix them (by hand or in a notebook), then screen again.\n")


def test_validate_says_exactly_what_an_included_record_lacks(screened):
    decide(screened, "endorphin-release", "pmid:90000001", "include", by="a")
    decide(screened, "acupuncture-safe", "pmid:39401008", "include", by="a")
    found = [p for p in validate(screened).warnings if p.code == "included-not-assessed"]
    assert [(p.line, p.message) for p in found] == [
        (2, 'pmid:90000001 was included for claim "endorphin-release" but is not cited.'),
        (4, 'pmid:39401008 was included for claim "acupuncture-safe" and is cited as "tu2024-acupuncture-vs-sham", but never assessed.')]
    assert found[0].hint == ("run `claimledger cite 90000001` (with --online to take the record from its database), then add a row to "
                             "evidence/links.csv with claim_id endorphin-release, the new citation_id and stance, directness, certainty, "
                             "certainty_basis, finding.")
    assert found[1].hint == ("add a row to evidence/links.csv with claim_id acupuncture-safe, citation_id tu2024-acupuncture-vs-sham and "
                             "stance, directness, certainty, certainty_basis, finding.")


def test_screen_check_counts_and_empty_queue(screened, monkeypatch, capsys):
    assert main(["screen", "--check", "--root", str(screened)]) == 0
    assert capsys.readouterr().out == "ok: decisions in evidence/screening.csv are valid; 3 candidate(s) wait for a decision.\n"
    assert main(["screen", "--claim", "qi-meridians", "--root", str(screened)]) == 0
    assert capsys.readouterr().out == "nothing waits for a decision for qi-meridians.\n"


def test_search_log_rules(mini):
    text = (mini / "evidence/searches.csv").read_text()
    text = text.replace("s2,acupuncture-safe,fixture,fixture row (no search was run),acupuncture adverse events prospective survey,,,2026-11-21,,,0,,,",
                        "s2,acupuncture-safe,fixture,fixture row (no search was run),acupuncture adverse events prospective survey,,,2026-11-21,,3,5,,s9,")
    (mini / "evidence/searches.csv").write_text(text)
    assert sorted((p.line, p.column, p.code) for p in validate(mini).errors) == [(3, "rerun_of", "unknown-reference"), (3, "retrieved", "out-of-range")]
