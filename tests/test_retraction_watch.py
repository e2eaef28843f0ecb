"""resolve --retraction-watch FILE: a small CSV shaped like the one Crossref publishes, checked offline."""
from __future__ import annotations

import pytest

from claimledger.cli import main
from claimledger.resolve import resolve_citations

HEADER = ("Record ID,Title,Subject,Institution,Journal,Publisher,Country,Author,URLS,ArticleType,RetractionDate,RetractionDOI,"
          "RetractionPubMedID,OriginalPaperDate,OriginalPaperDOI,OriginalPaperPubMedID,RetractionNature,Reason,Paywalled,Notes,")
ROWS = [
    # tu2024 by DOI (upper case in the file): an expression of concern, then a retraction
    ('501,"Acupuncture vs Sham, a trial",(HSC) Medicine;,Univ,JAMA Intern Med,AMA,China,Tu JF,,Research Article;,3/4/2025 0:00,'
    '10.1001/notice.1,0,10/14/2024 0:00,10.1001/JAMAINTERNMED.2024.5463,0,Expression of concern,+Concerns;,No,,'),
    ("502,Acupuncture vs Sham,(HSC) Medicine;,Univ,JAMA Intern Med,AMA,China,Tu JF,,Research Article;,5/31/2025 0:00,"
    "10.1001/notice.2,40000001,10/14/2024 0:00,10.1001/jamainternmed.2024.5463,39401008,Retraction,+Error in Data;,No,,"),
    # haake2007 by PMID only (no DOI in the file): retracted, then reinstated
    ("503,GERAC,(HSC) Medicine;,Univ,Arch Intern Med,AMA,Germany,Haake M,,Clinical Study;,1/2/2010 0:00,unavailable,0,"
    "9/24/2007 0:00,unavailable,17893311,Retraction,+Error;,No,,"),
    ("504,GERAC,(HSC) Medicine;,Univ,Arch Intern Med,AMA,Germany,Haake M,,Clinical Study;,6/7/2011 0:00,unavailable,0,"
    "9/24/2007 0:00,unavailable,17893311,Reinstatement,,No,,"),
    # a paper the ledger does not cite
    "505,Other,(BLS) Biology;,Univ,J,P,US,X Y,,Research Article;,1/1/2020 0:00,10.1/n,0,1/1/2019 0:00,10.5555/other,0,Retraction,,No,,",
]


@pytest.fixture
def rw(tmp_path):
    path = tmp_path / "retraction_watch.csv"
    path.write_text(HEADER + "\n" + "\n".join(ROWS) + "\n")
    return path


def test_notices_are_matched_by_doi_and_pmid_with_the_source_named(mini, rw, capsys):
    assert main(["resolve", "--retraction-watch", str(rw), "--root", str(mini)]) == 1
    out = capsys.readouterr().out
    assert ("evidence/citations.csv:2: retracted: Retraction Watch (retraction_watch.csv) records a retraction: record 502, 2025-05-31 "
            "(doi:10.1001/notice.2, PMID 40000001). Fix: set retracted to true, so that it never counts towards a verdict.") in out
    assert ("evidence/citations.csv:2: (record): warning: Retraction Watch (retraction_watch.csv) records an expression of concern: "
            "record 501, 2025-03-04 (doi:10.1001/notice.1).") in out
    assert ("evidence/citations.csv:3: (record): warning: Retraction Watch (retraction_watch.csv) records a retraction: record 503, "
            "2010-01-02. A later reinstatement withdrew it.") in out
    assert "evidence/citations.csv:3: (record): warning: Retraction Watch (retraction_watch.csv) records a reinstatement: record 504, 2011-06-07." in out
    status = resolve_citations(mini, retraction_watch=rw).status.set_index("citation_id")["status"].to_dict()
    assert status == {"tu2024-acupuncture-vs-sham": "retracted", "haake2007-gerac-lbp": "verified_manually"}


@pytest.mark.parametrize("text, message", [
    ("Record ID,Title\n1,x\n", "line 1 lacks the column(s) RetractionDate, RetractionDOI"),
    (HEADER + "\n" + ROWS[0] + "\n", None),
])
def test_bad_files_are_refused_with_a_reason(mini, tmp_path, capsys, text, message):
    path = tmp_path / "rw.csv"
    path.write_text(text)
    code = main(["resolve", "--retraction-watch", str(path), "--root", str(mini)])
    if message:
        assert code == 1 and message in capsys.readouterr().err
    else:
        assert code == 0  # an expression of concern is a warning


def test_non_utf8_and_missing_files_are_located(mini, tmp_path, capsys):
    path = tmp_path / "rw.csv"
    path.write_bytes((HEADER + "\n" + ROWS[0] + "\n").encode() + b"506,Caf\xe9,x\n")
    assert main(["resolve", "--retraction-watch", str(path), "--root", str(mini)]) == 1
    assert "line 3 is not UTF-8 (byte 0xE9)" in capsys.readouterr().err
    assert main(["resolve", "--retraction-watch", str(tmp_path / "nope.csv"), "--root", str(mini)]) == 1
    assert "no such file" in capsys.readouterr().err
