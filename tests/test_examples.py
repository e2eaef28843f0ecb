"""The second topic (examples/cranberry-uti) validates and builds its report: the toolkit on data it was not tuned on."""
from __future__ import annotations

import shutil

import claimledger
from claimledger.build import build_report
from claimledger.ledger.prisma import check_flow, prisma_flows
from conftest import REPO

EXAMPLE = REPO / "examples" / "cranberry-uti"


def test_the_cranberry_ledger_validates_without_warnings():
    report = claimledger.validate(EXAMPLE)
    assert report.errors == [] and report.warnings == []


def test_the_cranberry_ledger_builds_its_report(tmp_path):
    root = tmp_path / "cranberry-uti"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("reports"))
    result = build_report(root, execute=False)
    assert {"index.html", "verdicts.csv", "summary.md", "prisma/prisma.csv"} <= set(result.files)
    assert "prisma.png" in result.figures
    ledger = claimledger.load(root)
    grades = ledger.grades()
    assert len(grades) == 6 and grades["verdict"].notna().all()
    total, _ = prisma_flows(ledger)
    assert check_flow(total) == [] and total.website_searches == 39 and total.total_studies == 13


def test_every_kept_citation_was_checked_in_a_record():
    ledger = claimledger.load(EXAMPLE)
    cits = ledger.citations
    assert (cits["verified_source"].astype(str).str.startswith(("https://", "http://"))).all()
    assert ((cits["doi"].notna()) | (cits["pmid"].notna())).all()
