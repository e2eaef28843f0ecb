"""Outputs that must not change when code is reorganised: verdicts and the claims export of the real ledger.

The files in tests/data/golden/ were written by the code before a refactoring. When the ledger's data or the
grading rules change on purpose, regenerate them (see tests/data/golden/README.md) in a commit of their own
that says why.
"""
from __future__ import annotations

import pytest

from claimledger.cli import main
from conftest import DATA, REPO

GOLDEN = DATA / "golden"


@pytest.mark.parametrize("args, golden", [
    (["grade", "--format", "json"], "grade.json"),
    (["export", "csv"], "export.csv"),
])
def test_output_is_byte_identical_to_the_golden_file(args, golden, capsys):
    assert main([*args, "--root", str(REPO)]) == 0
    out = capsys.readouterr().out
    expected = (GOLDEN / golden).read_text(encoding="utf-8")
    assert out == expected, f"`claimledger {' '.join(args)}` differs from tests/data/golden/{golden}"
