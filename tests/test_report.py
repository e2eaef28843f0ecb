"""claimledger report: every claim in the output, user text escaped, deterministic, failures exit 1."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from claimledger.build import build_report
from claimledger.cli import main

REPO = Path(__file__).resolve().parents[1]


def with_notebooks(root: Path) -> Path:
    shutil.copytree(REPO / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns("*.py"))
    return root


@pytest.mark.slow
def test_report_on_fixture_ledger_escapes_and_lists_every_claim(mini, capsys):
    with_notebooks(mini)
    assert main(["report", "--root", str(mini)]) == 0
    out = mini / "reports"
    index = (out / "index.html").read_text()
    for cid in ("relieves-sciatica-pain", "endorphin-release", "qi-meridians", "acupuncture-safe"):
        assert cid in index
    for page in [out / "index.html", out / "03-claim-audit.html", *out.glob("explorer/*.html")]:
        text = page.read_text()
        assert '<script>alert("x")</script>' not in text, page
        assert "alert" not in text or "&lt;script&gt;" in text or "\\u003cscript" in text, page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in index
    audit = (out / "03-claim-audit.html").read_text()
    assert audit.count('class="sof"') == 4 and "Certainty of the evidence (GRADE)" in audit  # a Summary of Findings card per claim
    assert {p.name for p in out.iterdir()} >= {"index.html", "verdicts.csv", "summary.md", "figures", "notebooks",
                                              "01-overview.html", "04-efficacy-synthesis.html"}
    err = capsys.readouterr().err
    assert "executing notebook 4/4" in err


def test_report_without_notebooks_is_deterministic(repo_ledger):
    a, b = repo_ledger / "a", repo_ledger / "b"
    build_report(repo_ledger, a, execute=False)
    build_report(repo_ledger, b, execute=False)
    for rel in ["verdicts.csv", "summary.md", "index.html", "figures/verdicts.png", "figures/evidence-map.png"]:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    rows = list(csv.DictReader(io.StringIO((a / "verdicts.csv").read_text())))
    with open(repo_ledger / "claims.csv", encoding="utf-8") as f:
        claims = list(csv.DictReader(f))
    assert [r["claim_id"] for r in rows] == [c["claim_id"] for c in claims]


def test_verdicts_csv_neutralises_formulas(mini):
    claims = mini / "claims.csv"
    claims.write_text(claims.read_text().replace("Acupuncture is safe.", "=HYPERLINK(\"http://x\")"))
    build_report(mini, mini / "out", execute=False)
    rows = list(csv.DictReader(io.StringIO((mini / "out/verdicts.csv").read_text())))
    [row] = [r for r in rows if r["claim_id"] == "acupuncture-safe"]
    assert row["statement"] == "'=HYPERLINK(\"http://x\")"


def test_report_refuses_an_invalid_ledger(mini, capsys):
    (mini / "evidence/links.csv").write_text((mini / "evidence/links.csv").read_text().replace(",supports,", ",agree,"))
    assert main(["report", "--root", str(mini), "--no-notebooks"]) == 1
    assert "evidence/links.csv:2: stance:" in capsys.readouterr().err
    assert not (mini / "reports" / "index.html").exists()


def test_grade_cli_formats(mini, capsys):
    import json
    assert main(["grade", "--root", str(mini), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["claim_id"] for d in data] == ["relieves-sciatica-pain", "endorphin-release", "qi-meridians", "acupuncture-safe"]
    assert set(data[0]) >= {"claim_id", "statement", "verdict", "certainty", "reason", "citations"}
    assert data[2]["verdict"] == "untestable"
    assert main(["grade", "--root", str(mini), "--claim", "nope"]) == 1
    assert "unknown claim_id nope" in capsys.readouterr().err
