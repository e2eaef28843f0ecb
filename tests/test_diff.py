"""claimledger diff: grade two git revisions of a ledger and explain every change; a real git repository in tmp_path."""
from __future__ import annotations

import json
import subprocess

import pytest

from claimledger.cli import main


def _git(root, *args):
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path, mini):
    top = tmp_path / "repo"
    top.mkdir()
    ledger = top / "ledger"
    mini.rename(ledger)
    _git(top, "init", "-q")
    _git(top, "add", ".")
    _git(top, "commit", "-q", "-m", "first")
    return ledger


def _edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_a_retraction_and_a_link_change_explain_the_new_verdict(repo, capsys):
    _edit(repo / "evidence/citations.csv", "Randomized Clinical Trial,Tu,Tu JF; et al.,2024,JAMA Internal Medicine,rct,,,false,",
          "Randomized Clinical Trial,Tu,Tu JF; et al.,2024,JAMA Internal Medicine,rct,,,true,")
    _git(repo.parent, "commit", "-q", "-am", "retraction")
    _edit(repo / "claims.csv", "serious adverse events,true,,,", "serious adverse events,true,,mixed,reviewer says so")
    assert main(["diff", "HEAD~1", "--root", str(repo)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "2 claim(s) changed between HEAD~1 and working tree:"
    assert "relieves-sciatica-pain: mixed, low (deciding: tu2024-acupuncture-vs-sham, haake2007-gerac-lbp) -> " in out
    assert "  because retraction tu2024-acupuncture-vs-sham: retracted 'false' -> 'true'" in out
    assert "acupuncture-safe: no_evidence_found (deciding: none) -> mixed (deciding: none)" in out
    assert "  because override: verdict_override '' -> 'mixed'" in out
    assert main(["diff", "HEAD~1", "HEAD", "--root", str(repo)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "1 claim(s) changed between HEAD~1 and HEAD:"
    assert main(["diff", "HEAD~1", "--format", "json", "--root", str(repo)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [c["claim_id"] for c in data["changes"]] == ["relieves-sciatica-pain", "acupuncture-safe"]
    assert main(["diff", "HEAD~1", "--format", "markdown", "--root", str(repo)]) == 0
    md = capsys.readouterr().out.splitlines()
    assert md[:4] == ["### Verdict changes: `HEAD~1` → `working tree`", "", "| claim | before | after | why |", "|---|---|---|---|"]


def test_a_new_link_is_named(repo, capsys):
    links = repo / "evidence/links.csv"
    links.write_text(links.read_text() + "endorphin-release,haake2007-gerac-lbp,supports,indirect_outcome,low,assessor,r,f,abstract,,,,,,,,,,\n")
    assert main(["diff", "HEAD", "--root", str(repo)]) == 0
    out = capsys.readouterr().out
    assert "  because link added: haake2007-gerac-lbp (supports, low)" in out


def test_no_change_and_bad_revisions(repo, capsys):
    assert main(["diff", "HEAD", "--root", str(repo)]) == 0
    assert capsys.readouterr().out == "no verdict, certainty or deciding citation differs between HEAD and working tree.\n"
    assert main(["diff", "no-such-rev", "--root", str(repo)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("claimledger diff: git rev-parse --verify failed") and "Fix: run diff inside the ledger's git repository" in err
