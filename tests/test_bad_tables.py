"""The kinds of bad tables frictionless-py's own test data covers, as small fixtures of ours (tests/data/bad-tables/).

Each fixture is a ``searches.csv`` with one fault; it replaces the fixture ledger's table and the test
asserts every problem reported for that file: (line, column, code, severity). docs/bad-tables.md lists
them beside the frictionless error each corresponds to.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from claimledger.ledger import validate
from hostile import run

BAD = Path(__file__).parent / "data" / "bad-tables"
E, W = "error", "warning"
FILE = "evidence/searches.csv"

EXPECTED = {
    "blank-rows.csv": [(3, "(row)", "blank-line", W), (4, "(row)", "blank-line", W)],
    "duplicate-header.csv": [(1, "note", "duplicate-column", E)],
    "extra-cell.csv": [(3, "(row)", "extra-fields", E)],
    "missing-cell.csv": [(3, "(row)", "missing-fields", E)],
    "type-integer.csv": [(2, "records_screened", "bad-integer", E)],
    "type-date.csv": [(3, "searched_on", "bad-date", E)],
    "constraint-required.csv": [(4, "query", "blank-required", E)],
    "constraint-minimum.csv": [(2, "records_kept", "out-of-range", E)],
    "constraint-pattern.csv": [(3, "search_id", "bad-format", E)],
    "constraint-unique.csv": [(3, "search_id", "duplicate-id", E)],
    "foreign-key.csv": [(4, "claim_id", "unknown-reference", E)],
    "missing-column.csv": [(1, "records_kept", "missing-column", E)],
    "extra-column.csv": [(1, "reviewer", "extra-column", E)],
    "wrong-delimiter.csv": [(1, "(header)", "wrong-delimiter", E)],
    "unclosed-quote.csv": [(3, "(row)", "bad-quoting", E)],
    "stray-quote.csv": [(3, "note", "stray-quote", E)],
    "invisible-character.csv": [(3, "search_id", "bad-format", E), (3, "search_id", "invisible-character", E)],
    "empty.csv": [(1, "(header)", "empty-file", E)],
    "encoding-latin1.csv": [(3, "(encoding)", "not-utf8", E)],
    "encoding-utf16.csv": [(1, "(encoding)", "not-utf8", E)],
    "encoding-bom.csv": [(1, "(encoding)", "bom", W)],
    "line-endings-crlf.csv": [(1, "(encoding)", "crlf", W)],
}


def test_every_fixture_has_its_expectation():
    assert sorted(p.name for p in BAD.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_table(mini, name):
    shutil.copy(BAD / name, mini / FILE)
    report = validate(mini)
    found = [(p.line, p.column, p.code, p.severity) for p in report.sorted() if p.file == FILE]
    assert found == EXPECTED[name]
    code, out, _ = run("validate", "--root", str(mini))
    assert code == (1 if any(s == E for *_, s in EXPECTED[name]) else 0)
    assert all(line.count(": ") >= 2 for line in out.splitlines()[:-1])  # file:line: column: message
