"""claimledger init: an empty ledger for another topic validates clean."""
from __future__ import annotations

from claimledger.cli import main
from claimledger.ledger import validate


def test_init_then_validate_is_clean(tmp_path, capsys):
    root = tmp_path / "new-topic"
    assert main(["init", str(root)]) == 0
    assert (root / "documents").is_dir()
    assert (root / "evidence/assessments.csv").read_text() == "claim_id,domain,judgement,reason,assessor,assessed_on\n"
    report = validate(root)
    assert report.problems == []
    assert main(["validate", "--root", str(root)]) == 0
    assert "is valid" in capsys.readouterr().out


def test_init_refuses_an_existing_ledger(tmp_path, capsys):
    root = tmp_path / "x"
    assert main(["init", str(root)]) == 0
    before = (root / "claims.csv").read_text()
    assert main(["init", str(root)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert (root / "claims.csv").read_text() == before
