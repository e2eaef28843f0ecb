"""claimledger cite, import-refs and resolve --fill confirming unverified citations; real files, a real local server."""
from __future__ import annotations

import json

import pytest

from claimledger.cli import main
from claimledger.ledger import validate
from claimledger.ledger.new import init_ledger
from claimledger.search import SearchError
from claimledger.search.cite import cite, make_citation_id
from claimledger.search.refs import import_refs
from test_resolve import FakeApis

MINI_ROWS = 2


@pytest.fixture
def apis(make_httpserver):
    fake = FakeApis(make_httpserver)
    yield fake
    make_httpserver.clear()


def _citations(root):
    import csv
    with open(root / "evidence/citations.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_cite_online_builds_a_verified_row_from_the_record(mini, apis):
    out = cite(mini, "28731372", online=True, config=apis.config())
    row = _citations(mini)[-1]
    assert row["citation_id"] == "rolf2018-exploring-effect-vitamin" == out.row["citation_id"]
    assert (row["pmid"], row["doi"], row["first_author"], row["year"], row["journal"], row["design"]) == (
        "28731372", "10.1177/1352458517722646", "Rolf", "2018", "Mult Scler", "rct")
    assert row["title"].startswith("Exploring the effect of vitamin D3 supplementation") and not row["title"].endswith(".")
    assert row["authors"].startswith("Rolf L; Muris AH")
    assert (row["verified_source"], row["note"]) == ("https://pubmed.ncbi.nlm.nih.gov/28731372/", "")
    assert out.verified and out.notes == ["design rct from the PubMed publication type 'Randomized Controlled Trial': check it"]
    assert (mini / "evidence/cache/pubmed/pmid/28731372.json").exists()
    report = validate(mini)
    assert report.ok and [p.code for p in report.warnings] == ["unused-citation"]


def test_cite_twice_writes_nothing_the_second_time(mini, apis, capsys):
    cite(mini, "28731372", online=True, config=apis.config())
    before = (mini / "evidence/citations.csv").read_bytes()
    assert main(["cite", "doi:10.1177/1352458517722646", "--root", str(mini)]) == 0  # same work, by its DOI; offline
    assert capsys.readouterr().out == "doi:10.1177/1352458517722646 is cited already as rolf2018-exploring-effect-vitamin; nothing was written.\n"
    assert (mini / "evidence/citations.csv").read_bytes() == before


def test_cite_offline_without_a_record_says_what_to_fill(mini, capsys):
    before = (mini / "evidence/citations.csv").read_bytes()
    assert main(["cite", "12345678", "--root", str(mini)]) == 1
    assert capsys.readouterr().err == ("claimledger cite: PMID 12345678: no cached record (run with --online to fetch it), so these must be "
                                      "given by hand: --title, --first-author, --year, --design. Nothing was written. The row will be "
                                      "unverified until you check it in a real record or `claimledger resolve --online --fill` confirms it.\n")
    assert (mini / "evidence/citations.csv").read_bytes() == before
    assert main(["cite", "12345678", "--title", "A trial", "--first-author", "Doe", "--year", "2020", "--design", "rct", "--root", str(mini)]) == 0
    row = _citations(mini)[-1]
    assert (row["citation_id"], row["verified_source"], row["verified_on"]) == ("doe2020-trial", "", "")
    assert row["note"].startswith("Unverified: added by claimledger cite on ")
    assert [p.code for p in validate(mini).warnings] == ["unused-citation", "unverified-citation"]


def test_cite_refuses_bad_identifiers_and_designs(mini):
    with pytest.raises(SearchError, match="neither a PMID"):
        cite(mini, "PMC123")
    with pytest.raises(SearchError, match="design 'trial' is not in the vocabulary"):
        cite(mini, "1", hand={"title": "T", "first_author": "X", "year": "2020"}, design="trial")


def test_unverified_citations_never_count_until_resolve_confirms_them(mini, apis, monkeypatch):
    # An unverified citation linked to a claim does not count towards its verdict...
    assert main(["cite", "28731372", "--title", ("Exploring the effect of vitamin D3 supplementation on the anti-EBV antibody response in "
                 "relapsing-remitting multiple sclerosis"), "--first-author", "Rolf", "--year", "2018", "--design", "rct",
                 "--citation-id", "rolf2018", "--root", str(mini)]) == 0
    links = mini / "evidence/links.csv"
    links.write_text(links.read_text() + "qi-meridians,rolf2018,supports,direct,high,assessor,test,finding,abstract,,,,,,,,,,\n")
    from claimledger import load
    grade = load(mini).grades(["qi-meridians"]).iloc[0]
    assert grade["reason"].endswith("Unverified and not counted: rolf2018.")
    # ... until resolve --online --fill finds records that agree with it.
    apis.env(monkeypatch)
    assert main(["resolve", "--online", "--fill", "--only", "rolf2018", "--root", str(mini)]) == 0
    row = _citations(mini)[-1]
    assert row["verified_source"] == "https://pubmed.ncbi.nlm.nih.gov/28731372/" and row["verified_on"]
    assert "Unverified" not in load(mini).grades(["qi-meridians"]).iloc[0]["reason"]


def test_citation_ids_are_readable_and_unique():
    assert make_citation_id("Juthani-Mehta", "2016", "Effect of Cranberry Capsules on Bacteriuria", set()) == "juthanimehta2016-effect-cranberry-capsules"
    assert make_citation_id("Ödegård", "2001", "The trial", {"odegard2001-trial"}) == "odegard2001-trial-2"


BIB = """@article{tu2024,
  author = {Tu, Jian-Feng and Shi, Guang-Xia and others},
  title = {Acupuncture vs Sham Acupuncture for Chronic Sciatica From Herniated Disk},
  journal = {JAMA Internal Medicine},
  year = {2024},
  doi = {10.1001/jamainternmed.2024.5463},
  keywords = {Randomized Controlled Trial}
}

@article{dup,
  author = {Haake, Michael},
  title = {German Acupuncture Trials (GERAC) for chronic low back pain},
  journal = {Arch Intern Med},
  year = {2007},
  pmid = {17893311}
}

@article{new,
  author = {Smith, Anna B.},
  title = {Cranberry for cystitis},
  journal = {Test J},
  year = {2021},
  doi = {10.5555/cran.2021}
}
"""

RIS = """TY  - JOUR
AU  - Smith, Anna B.
TI  - Cranberry for cystitis
JO  - Test J
PY  - 2021
DO  - 10.5555/cran.2021
ER  - 

TY  - JOUR
AU  - Jones, C
TI  - Cranberry and warfarin
T2  - Test J
PY  - 2019
AN  - 31234567
N1  - Randomized Controlled Trial
ER  - 
"""


def test_import_bibtex_skips_what_the_ledger_cites_and_marks_the_rest_unverified(mini, capsys):
    (mini / "refs.bib").write_text(BIB)
    assert main(["import-refs", str(mini / "refs.bib"), "--design", "narrative_review", "--root", str(mini)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["skipped: entry 1 (tu2024): already cited as tu2024-acupuncture-vs-sham",
                       "skipped: entry 2 (dup): already cited as haake2007-gerac-lbp"]
    assert out[2] == "added 1 unverified citation(s) to evidence/citations.csv: smith2021-cranberry-cystitis."
    row = _citations(mini)[-1]
    assert (row["authors"], row["first_author"], row["design"], row["verified_source"]) == ("Smith AB", "Smith", "narrative_review", "")
    assert validate(mini).ok


def test_import_ris_and_csl_json_match_by_doi_and_pmid(mini):
    (mini / "refs.ris").write_text(RIS)
    out = import_refs(mini, mini / "refs.ris")
    assert [(p.column, p.message) for p in out.problems] == [("design", 'entry 1: "design" is required but empty.')]
    assert out.added == [] and len(_citations(mini)) == MINI_ROWS  # nothing written
    out = import_refs(mini, mini / "refs.ris", design="cohort")
    assert [(r["citation_id"], r["pmid"], r["doi"], r["design"]) for r in out.added] == [
        ("smith2021-cranberry-cystitis", "", "10.5555/cran.2021", "cohort"), ("jones2019-cranberry-warfarin", "31234567", "", "rct")]
    (mini / "evidence/citations.csv").write_text("\n".join((mini / "evidence/citations.csv").read_text().splitlines()[:MINI_ROWS + 1]) + "\n")
    csl = [{"id": "x", "type": "article-journal", "title": "Cranberry for cystitis", "author": [{"family": "Smith", "given": "Anna B."}],
            "issued": {"date-parts": [[2021]]}, "container-title": "Test J", "DOI": "10.5555/CRAN.2021"},
           {"id": "y", "type": "article-journal", "title": "Cranberry again", "author": [{"family": "Smith", "given": "A"}],
            "issued": {"date-parts": [[2022]]}, "DOI": "10.5555/cran.2021"}]
    (mini / "refs.json").write_text(json.dumps(csl))
    out = import_refs(mini, mini / "refs.json", design="rct")
    assert [r["citation_id"] for r in out.added] == ["smith2021-cranberry-cystitis"]
    assert out.skipped == ["entry 2 (y): already cited as smith2021-cranberry-cystitis"]


def test_our_own_exports_import_into_an_empty_ledger(mini, tmp_path):
    from claimledger import load
    from claimledger.render.exports import export_text
    for fmt, name in (("bibtex", "refs.bib"), ("csl-json", "refs.json")):
        root = init_ledger(tmp_path / fmt)
        (tmp_path / name).write_text(export_text(load(mini), fmt))
        out = import_refs(root, tmp_path / name, design="rct")
        assert out.problems == []
        assert sorted((r["doi"], r["pmid"], r["year"], r["first_author"]) for r in out.added) == sorted(
            (r["doi"], r["pmid"], r["year"], r["first_author"]) for r in _citations(mini))


@pytest.mark.parametrize("name, text, message", [
    ("refs.txt", "x", "unknown format .txt"),
    ("refs.json", "[{]", "invalid JSON at line 1, column 3"),
    ("refs.bib", "@article{a, title = {No year}, author = {X, Y}, doi = {10.5555/a}}", '"year" is required but empty'),
])
def test_bad_reference_files_are_refused_with_a_location(mini, capsys, name, text, message):
    (mini / name).write_text(text)
    before = (mini / "evidence/citations.csv").read_bytes()
    assert main(["import-refs", str(mini / name), "--design", "rct", "--root", str(mini)]) == 1
    captured = capsys.readouterr()
    assert message in captured.out + captured.err and "Traceback" not in captured.err
    assert (mini / "evidence/citations.csv").read_bytes() == before
