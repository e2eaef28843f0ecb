"""claimledger.extract: add-document, extract, merge-review, on real files in a copy of the fixture ledger."""
from __future__ import annotations

import csv
import hashlib

import pytest

import claimledger
from claimledger.cli import main
from claimledger.ledger.edit import add_document, next_ids
from claimledger.problems import EvidenceError
from claimledger.writers.extract import REVIEW_COLUMNS, extract_document, merge_review

NEW_TEXT = ("Needles and nerves\n"
            "Acupuncture relieves sciatica pain for most patients. The needles release endorphins into the blood.\n"
            "Our clinic is open on Saturdays. Cupping cures back pain overnight.\n")


def _rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _write_rows(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


@pytest.fixture
def new_doc(tmp_path):
    path = tmp_path / "incoming" / "needles.txt"
    path.parent.mkdir()
    path.write_text(NEW_TEXT, encoding="utf-8")
    return path


def test_next_ids_continue_the_sequence():
    assert next_ids(["m0001", "m0135"], 2) == ["m0136", "m0137"]
    assert next_ids(["m1", "m2", "m9", "m10"], 1) == ["m11"]
    assert next_ids(["000", "004"], 1) == ["005"]
    assert next_ids([], 2, default="m0001") == ["m0001", "m0002"]


def test_add_document_copies_the_bytes_and_registers_the_hash(mini, new_doc):
    before = (mini / "evidence/documents.csv").read_bytes()
    doc = add_document(mini, new_doc, title="Needles and nerves")
    digest = hashlib.sha256(new_doc.read_bytes()).hexdigest()
    assert (doc.document_id, doc.file, doc.sha256) == ("d3", f"documents/d3_{digest[:16]}.txt", digest)
    assert (mini / doc.file).read_bytes() == new_doc.read_bytes()
    after = (mini / "evidence/documents.csv").read_bytes()
    assert after == before + f"d3,{doc.file},{digest},Needles and nerves,,,\n".encode()
    report = claimledger.validate(mini)
    assert report.ok and [p.code for p in report.problems] == ["unused-document"]


def test_add_document_refuses_duplicates_taken_ids_and_non_utf8(mini, new_doc, tmp_path):
    add_document(mini, new_doc, document_id="blog-7")
    before = (mini / "evidence/documents.csv").read_bytes()
    with pytest.raises(EvidenceError, match="registered already as document blog-7"):
        add_document(mini, new_doc)
    other = tmp_path / "other.txt"
    other.write_text("Another text.", encoding="utf-8")
    with pytest.raises(EvidenceError, match='document_id "d1" is taken'):
        add_document(mini, other, document_id="d1")
    with pytest.raises(EvidenceError, match="not a valid document_id"):
        add_document(mini, other, document_id="../x")
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(EvidenceError, match="not UTF-8"):
        add_document(mini, latin)
    assert (mini / "evidence/documents.csv").read_bytes() == before
    assert sorted(p.name for p in (mini / "documents").iterdir()) == ["blog-7_" + hashlib.sha256(new_doc.read_bytes()).hexdigest()[:16] + ".txt",
                                                                      "d1.txt", "d2.txt"]


def test_extract_writes_candidates_with_offsets_into_the_text(mini, new_doc, tmp_path):
    doc = add_document(mini, new_doc)
    ledger = claimledger.load(mini)
    out, rows = extract_document(ledger, mini / doc.file, "d3", tmp_path / "review.csv")
    written = _rows(out)
    assert len(rows) == len(written)
    assert list(written[0]) == REVIEW_COLUMNS
    assert [(r["claim_id"], r["quote"], r["accept"]) for r in written] == [
        ("relieves-sciatica-pain", "Acupuncture relieves sciatica pain for most patients.", ""),
        ("endorphin-release", "The needles release endorphins into the blood.", ""),
        ("new", "Cupping cures back pain overnight.", ""),
    ]
    assert all(NEW_TEXT[int(r["start"]):int(r["end"])] == r["quote"] for r in written)
    assert float(written[0]["score"]) >= 0.3 and written[2]["score"] == ""
    assert written[0]["matched_statement"] == "Acupuncture relieves sciatica pain."


def test_extract_marks_mentions_already_recorded(mini, tmp_path):
    ledger = claimledger.load(mini)
    _, rows = extract_document(ledger, mini / "documents/d1.txt", None, tmp_path / "r.csv")  # id found by hash
    first = rows[0]
    assert (first["document_id"], first["claim_id"], first["note"]) == ("d1", "relieves-sciatica-pain", "already recorded as m1")


def test_extract_refuses_a_text_that_is_not_the_registered_one(mini, new_doc, tmp_path):
    with pytest.raises(EvidenceError, match="not the text registered as document d1"):
        extract_document(claimledger.load(mini), new_doc, "d1", tmp_path / "r.csv")


def test_merge_review_appends_accepted_rows_and_the_ledger_validates(mini, new_doc, tmp_path):
    doc = add_document(mini, new_doc)
    out, _ = extract_document(claimledger.load(mini), mini / doc.file, "d3", tmp_path / "review.csv")
    rows = _rows(out)
    rows[0]["accept"], rows[1]["accept"] = "yes", "Y"
    rows[1]["quote"], rows[1]["start"] = "release endorphins into the blood.", str(int(rows[1]["start"]) + 12)  # shortened quote
    _write_rows(out, rows)
    before = (mini / "evidence/mentions.csv").read_bytes()
    result = merge_review(mini, out)
    assert result.report.ok and result.skipped == []
    assert [(r["mention_id"], r["claim_id"], r["quote"]) for r in result.added] == [
        ("m5", "relieves-sciatica-pain", "Acupuncture relieves sciatica pain for most patients."),
        ("m6", "endorphin-release", "release endorphins into the blood."),
    ]
    after = (mini / "evidence/mentions.csv").read_bytes()
    assert after.startswith(before)
    assert after[len(before):].decode() == ("m5,relieves-sciatica-pain,d3,Acupuncture relieves sciatica pain for most patients.,19,72\n"
                                            "m6,endorphin-release,d3,release endorphins into the blood.,85,119\n")
    report = claimledger.validate(mini)
    assert report.ok and report.errors == []
    again = merge_review(mini, out)
    assert again.added == [] and len(again.skipped) == 2
    assert (mini / "evidence/mentions.csv").read_bytes() == after


def test_merge_review_refuses_and_writes_nothing(mini, new_doc, tmp_path):
    doc = add_document(mini, new_doc)
    out, _ = extract_document(claimledger.load(mini), mini / doc.file, "d3", tmp_path / "review.csv")
    rows = _rows(out)
    for r in rows:
        r["accept"] = "yes"
    rows[0]["start"] = str(int(rows[0]["start"]) + 1)       # offsets off by one
    rows[1]["claim_id"] = "endorphin-releases"              # typo
    rows.append({**rows[1], "document_id": "d9", "claim_id": "endorphin-release"})  # unregistered document
    rows.append({**rows[1], "accept": "maybe"})
    _write_rows(out, rows)
    before = (mini / "evidence/mentions.csv").read_bytes()
    result = merge_review(mini, out)
    name = str(out)
    assert result.report.flat() == [
        (name, 2, "quote", "quote-mismatch"),
        (name, 3, "claim_id", "unknown-claim"),
        (name, 4, "claim_id", "new-claim"),
        (name, 5, "document_id", "unregistered-document"),
        (name, 6, "accept", "unknown-decision"),
    ]
    messages = {p.code: p.format() for p in result.report.problems}
    assert 'did you mean "endorphin-release"?' in messages["unknown-claim"]
    assert "(it occurs at 19-72)" in messages["quote-mismatch"]
    assert "claimledger add-document FILE --document-id d9" in messages["unregistered-document"]
    assert result.added == [] and (mini / "evidence/mentions.csv").read_bytes() == before


def test_cli_workflow_add_extract_merge_validate(mini, new_doc, tmp_path, capsys):
    root = str(mini)
    assert main(["add-document", str(new_doc), "--document-id", "blog-1", "--root", root]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("registered document blog-1: documents/blog-1_")
    review = tmp_path / "review.csv"
    stored = next((mini / "documents").glob("blog-1_*.txt"))
    assert main(["extract", str(stored), "--document-id", "blog-1", "--out", str(review), "--root", root]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"wrote {review}: 3 candidate mentions (2 match ledger claims, 1 new)."
    rows = _rows(review)
    rows[2]["accept"] = "yes"
    _write_rows(review, rows)
    assert main(["merge-review", str(review), "--root", root]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == f"1 problem(s) in {review}: nothing was written. Fix them and run merge-review again."
    rows[2]["accept"] = ""
    rows[0]["accept"] = "yes"
    _write_rows(review, rows)
    assert main(["merge-review", str(review), "--dry-run", "--root", root]) == 0
    assert capsys.readouterr().out == "would add 1 mention(s) to evidence/mentions.csv (m5).\n"
    assert main(["merge-review", str(review), "--root", root]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "added 1 mention(s) to evidence/mentions.csv (m5)."
    assert main(["validate", "--root", root]) == 0


def test_the_readme_order_works_a_claim_before_its_first_mention(mini, new_doc, tmp_path, capsys):
    """README: add the document, add the claim to claims.csv, then extract and merge its mentions. The new claim has no
    mention in between (an orphan): extract must run, and validate passes once the mention is merged."""
    root = str(mini)
    assert main(["add-document", str(new_doc), "--document-id", "blog-1", "--root", root]) == 0
    claims = mini / "claims.csv"
    claims.write_text(claims.read_text(encoding="utf-8") + "cupping-cures-back-pain,Cupping cures back pain overnight.,efficacy,,,,,true,,,\n",
                      encoding="utf-8")
    assert main(["validate", "--root", root]) == 1  # the orphan is an error for validate ...
    capsys.readouterr()
    review = tmp_path / "review.csv"
    stored = next((mini / "documents").glob("blog-1_*.txt"))
    assert main(["extract", str(stored), "--document-id", "blog-1", "--out", str(review), "--root", root]) == 0  # ... not for extract
    rows = _rows(review)
    cup = next(r for r in rows if r["quote"].startswith("Cupping"))
    assert cup["claim_id"] == "cupping-cures-back-pain"
    cup["accept"] = "yes"
    _write_rows(review, rows)
    assert main(["merge-review", str(review), "--root", root]) == 0
    assert main(["validate", "--root", root]) == 0
