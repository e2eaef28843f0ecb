"""Validation: every kind of bad input, as real files, with the exact file, line, column and code."""
from __future__ import annotations

import json

import pytest

from claimledger.cli import main
from claimledger.ledger import validate


def edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def errors(root):
    return [t for t, p in zip(validate(root).flat(), validate(root).sorted()) if p.severity == "error"]


def test_fixture_and_real_ledger_are_clean(mini, repo_ledger):
    assert validate(mini).problems == []
    report = validate(repo_ledger)
    assert report.errors == [], [p.format() for p in report.errors]


# (description, file, mutation, expected (file, line, column, code) of the errors)
def _drop_column(root):
    p = root / "claims.csv"
    rows = [line.split(",") for line in p.read_text().splitlines()]
    # the 'outcome' column (index 6) holds no commas in the fixture
    p.write_text("\n".join(",".join(r[:6] + r[7:]) for r in rows) + "\n")


def _bytes(rel, old: bytes, new: bytes):
    def f(root):
        p = root / rel
        data = p.read_bytes()
        assert old in data
        p.write_bytes(data.replace(old, new, 1))
    return f


def _text(rel, old, new, count=1):
    return lambda root: edit(root / rel, old, new, count)


CASES = [
    ("empty file", lambda r: (r / "claims.csv").write_text(""), [("claims.csv", 1, "(header)", "empty-file")]),
    ("missing file", lambda r: (r / "evidence/links.csv").unlink(), [("evidence/links.csv", None, "(file)", "missing-file")]),
    ("missing column", _drop_column, [("claims.csv", 1, "outcome", "missing-column")]),
    ("extra column", _text("evidence/searches.csv", "records_kept,note\n", "records_kept,note,notes\n"),
     [("evidence/searches.csv", 1, "notes", "extra-column")]),
    ("renamed column", _text("evidence/links.csv", "citation_id,stance,", "citation_id,stnace,"),
     [("evidence/links.csv", 1, "stnace", "renamed-column")]),
    ("wrong delimiter", lambda r: (r / "evidence/searches.csv").write_text(
        (r / "evidence/searches.csv").read_text().replace(",", ";")), [("evidence/searches.csv", 1, "(header)", "wrong-delimiter")]),
    ("non-utf8 bytes", _bytes("claims.csv", b"Acupuncture needling", b"Acupuncture needl\xe9ng"),
     [("claims.csv", 3, "(encoding)", "not-utf8")]),
    ("unterminated quote", _text("evidence/searches.csv", "s2,acupuncture-safe,fixture,", 's2,acupuncture-safe,"fixture,'),
     [("evidence/searches.csv", 3, "(row)", "bad-quoting")]),
    ("short row", _text("evidence/searches.csv", ',"2026-11-21",', ","), []),  # placeholder replaced below
    ("extra fields", _text("evidence/searches.csv", "fixture: no evidence kept", "fixture: no evidence kept,extra"),
     [("evidence/searches.csv", 2, "(row)", "extra-fields")]),
    ("duplicate id", lambda r: (r / "claims.csv").write_text((r / "claims.csv").read_text() + (r / "claims.csv").read_text().splitlines()[1] + "\n"),
     [("claims.csv", 6, "claim_id", "duplicate-id")]),
    ("dangling foreign key", _text("evidence/links.csv", "relieves-sciatica-pain,haake2007", "relieves-sciatica,haake2007"),
     [("evidence/links.csv", 3, "claim_id", "unknown-reference")]),
    ("unknown enum", _text("evidence/links.csv", ",supports,", ",agree,"), [("evidence/links.csv", 2, "stance", "unknown-enum")]),
    ("blank required", _text("claims.csv", "Acupuncture is safe.", ""), [("claims.csv", 5, "statement", "blank-required")]),
    ("offsets out of range", _text("evidence/mentions.csv", "completely safe,15,45", "completely safe,15,4500"),
     [("evidence/mentions.csv", 5, "end", "bad-offsets")]),
    ("quote moved", _text("evidence/mentions.csv", "completely safe,15,45", "completely safe,16,46"),
     [("evidence/mentions.csv", 5, "quote", "quote-mismatch")]),
    ("document edited", _text("documents/d2.txt", "completely", "mostly"),
     [("evidence/documents.csv", 3, "sha256", "hash-mismatch"), ("evidence/mentions.csv", 5, "end", "bad-offsets")]),
    ("bad integer", _text("evidence/mentions.csv", "completely safe,15,45", "completely safe,fifteen,45"),
     [("evidence/mentions.csv", 5, "start", "bad-integer")]),
    ("doi as url", _text("evidence/citations.csv", ",10.1001/jamainternmed.2024.5463,", ",https://doi.org/10.1001/jamainternmed.2024.5463,"),
     [("evidence/citations.csv", 2, "doi", "bad-format")]),
    ("duplicate doi", _text("evidence/citations.csv", ",10.1001/archinte.167.17.1892,", ",10.1001/JAMAINTERNMED.2024.5463,"),
     [("evidence/citations.csv", 3, "doi", "duplicate-doi")]),
    ("no identifier", _text("evidence/citations.csv", ",10.1001/archinte.167.17.1892,17893311,", ",,,"),
     [("evidence/citations.csv", 3, "doi", "no-identifier")]),
    ("bad pmid", _text("evidence/citations.csv", ",17893311,", ",PMID17893311,"), [("evidence/citations.csv", 3, "pmid", "bad-format")]),
    ("future year", _text("evidence/citations.csv", ",2007,Archives", ",2099,Archives"), [("evidence/citations.csv", 3, "year", "future-year")]),
    ("orphan claim", _text("evidence/mentions.csv", "m4,acupuncture-safe,", "m4,relieves-sciatica-pain,"),
     [("claims.csv", 5, "claim_id", "orphan-claim"), ("evidence/mentions.csv", 5, "quote", "quote-mismatch")]),
    ("untestable without reason", _text("claims.csv", "false,Qi has no measurable definition.,", "false,,"),
     [("claims.csv", 4, "testable_reason", "reason-required")]),
    ("bad boolean", _text("claims.csv", "false,Qi has", "no,Qi has"), [("claims.csv", 4, "testable", "bad-boolean")]),
]
# a row with one field missing: drop the searched_on value *and* its comma
CASES[8] = ("short row", _text("evidence/searches.csv", "acupuncture endorphin sciatica,,,2026-11-21,", "acupuncture endorphin sciatica,,,"),
            [("evidence/searches.csv", 2, "(row)", "missing-fields")])
# the orphan case moves a mention to another claim, so the quote no longer matches is not true: same doc text
CASES[23] = ("orphan claim", _text("evidence/mentions.csv", "m4,acupuncture-safe,", "m4,relieves-sciatica-pain,"),
             [("claims.csv", 5, "claim_id", "orphan-claim")])


@pytest.mark.parametrize("name,mutate,expected", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_located(mini, name, mutate, expected, capsys):
    mutate(mini)
    assert errors(mini) == expected
    code = main(["validate", "--root", str(mini)])
    out = capsys.readouterr().out
    assert code == 1
    assert "Traceback" not in out
    for file, line, column, _ in expected:
        loc = f"{file}:{line}" if line is not None else file
        assert f"{loc}: {column}: " in out
    assert out.strip().splitlines()[-1].startswith(f"{len(expected)} error(s)")


@pytest.mark.parametrize("mutate,code", [
    (_bytes("claims.csv", b"claim_id", b"\xef\xbb\xbfclaim_id"), "bom"),
    (lambda r: (r / "claims.csv").write_bytes((r / "claims.csv").read_bytes().replace(b"\n", b"\r\n")), "crlf"),
])
def test_bom_and_crlf_are_read_with_a_warning(mini, mutate, code, capsys):
    mutate(mini)
    report = validate(mini)
    assert report.ok
    assert [(p.file, p.line, p.code, p.severity) for p in report.problems] == [("claims.csv", 1, code, "warning")]
    assert main(["validate", "--root", str(mini)]) == 0
    assert "warning" in capsys.readouterr().out


def test_quote_mismatch_message_names_document_and_closest_match(mini):
    edit(mini / "evidence/mentions.csv", "completely safe,15,45", "completely safe,16,46")
    [p] = validate(mini).errors
    assert p.format() == (
        "evidence/mentions.csv:5: quote: text not found in documents/d2.txt at 16-46 (closest match at 15). "
        "Fix: copy the quote character for character from the document and set start/end to where it occurs."
    )


def test_unknown_enum_suggests_and_lists_vocabulary(mini):
    edit(mini / "evidence/links.csv", ",supports,", ",support,")
    [p] = validate(mini).errors
    assert 'did you mean "supports"' in p.message
    assert "supports, refutes, mixed, no_effect_shown, not_addressed" in p.hint


def test_duplicate_id_names_the_first_line(mini):
    lines = (mini / "claims.csv").read_text().splitlines()
    (mini / "claims.csv").write_text("\n".join(lines + [lines[2]]) + "\n")
    [p] = validate(mini).errors
    assert p.code == "duplicate-id" and p.line == 6
    assert '"endorphin-release" is used twice in claim_id (also line 3).' == p.message


def test_multiline_quoted_values_keep_editor_line_numbers(mini):
    # a note spanning two lines shifts every later record by one line
    edit(mini / "evidence/searches.csv", "fixture: no evidence kept", '"fixture: no evidence\nkept"')
    edit(mini / "evidence/searches.csv", ",fixture row (no search was run),qi meridians,", ",fixture row,qi meridians,")
    edit(mini / "evidence/searches.csv", "s3,qi-meridians", "s2,qi-meridians")
    assert errors(mini) == [("evidence/searches.csv", 5, "search_id", "duplicate-id")]


def test_all_problems_reported_at_once(mini):
    edit(mini / "evidence/links.csv", ",supports,", ",agree,")
    edit(mini / "claims.csv", "Acupuncture is safe.", "")
    edit(mini / "evidence/citations.csv", ",2007,Archives", ",2099,Archives")
    assert len(validate(mini).errors) == 3


def test_json_format(mini, capsys):
    edit(mini / "evidence/links.csv", ",supports,", ",agree,")
    assert main(["validate", "--root", str(mini), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["errors"] == 1
    assert data["problems"][0] | {"message": "", "hint": ""} == {
        "file": "evidence/links.csv", "line": 2, "column": "stance", "code": "unknown-enum", "value": "agree",
        "severity": "error", "message": "", "hint": ""}


def test_clean_ledger_prints_one_line(mini, capsys):
    assert main(["validate", "--root", str(mini)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out == ["ok: ledger at " + str(mini) + " is valid (2 documents, 4 claims, 4 mentions, 2 citations, 2 links, 0 assessments, 3 searches, "
                   "0 screening, 0 document_citations, 0 aliases, 0 synonyms)."]


def test_no_ledger_here_is_a_clear_error(tmp_path, capsys):
    assert main(["validate", "--root", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "no datapackage.json here" in out and "claimledger init" in out


def test_every_quote_is_verbatim_at_its_offsets_in_the_real_ledger():
    """Independent of the validator: slice each document with Python and compare."""
    import csv
    from pathlib import Path
    repo = Path(__file__).resolve().parents[1]
    with open(repo / "evidence/documents.csv", encoding="utf-8") as f:
        docs = {r["document_id"]: (repo / r["file"]).read_text(encoding="utf-8") for r in csv.DictReader(f)}
    with open(repo / "evidence/mentions.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) > 100
    for r in rows:
        assert docs[r["document_id"]][int(r["start"]):int(r["end"])] == r["quote"], r["mention_id"]


def test_claim_without_links_or_searches_is_flagged_not_yet_searched(mini, capsys):
    # endorphin-release has only a search row: remove it, and the claim is neither linked nor searched
    p = mini / "evidence/searches.csv"
    p.write_text("\n".join(line for line in p.read_text().splitlines() if ",endorphin-release," not in line) + "\n")
    report = validate(mini)
    assert report.ok
    assert [(w.file, w.line, w.column, w.code) for w in report.warnings] == [("claims.csv", 3, "claim_id", "not-yet-searched")]
    assert main(["validate", "--root", str(mini)]) == 0
    assert "warning: claim \"endorphin-release\" has no evidence links and no logged search." in capsys.readouterr().out


def test_blank_lines_at_the_end_of_a_table_are_ignored(mini):
    # The fast reader once read each extra trailing newline as a row of empty values (blank-required, orphan-claim).
    p = mini / "claims.csv"
    p.write_text(p.read_text() + "\n\n\n")
    rows = len(p.read_text().strip().splitlines()) - 1
    report = validate(mini)
    assert report.ok and report.errors == [] and report.counts["claims"] == rows


def test_a_missing_quote_is_not_compared():
    import numpy as np
    import pandas as pd

    from claimledger.ledger.validate import compare_quotes
    frame = pd.DataFrame({"document_id": ["d1", "d1"], "quote": pd.array([None, "world"], dtype="string")})
    bad_range, mismatch, _ = compare_quotes(frame["document_id"], frame["quote"], np.array([0.0, 6.0]), np.array([5.0, 11.0]),
                                            {"d1": "hello world"})
    assert bad_range.tolist() == [False, False] and mismatch.tolist() == [False, False]


def test_blank_line_inside_a_table_is_a_warning_and_no_row_is_lost(mini):
    p = mini / "evidence/searches.csv"
    lines = p.read_text().splitlines()
    p.write_text("\n".join(lines[:2] + [""] + lines[2:]) + "\n\n")  # a blank line after row 1, and trailing ones
    report = validate(mini)
    assert report.ok
    assert [(w.file, w.line, w.code) for w in report.warnings] == [("evidence/searches.csv", 3, "blank-line")]
    assert report.counts["searches"] == 3
