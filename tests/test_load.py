"""Loading the ledger into typed DataFrames; the claim view; HTML reprs escape text."""
from __future__ import annotations

import pandas as pd
import pytest

import claimledger
from claimledger import LedgerError


def test_dtypes_follow_the_schema(mini):
    ledger = claimledger.load(mini)
    c = ledger.claims
    assert isinstance(c["category"].dtype, pd.CategoricalDtype)
    assert list(c["category"].cat.categories) == ["mechanism", "efficacy", "safety", "comparative", "theory", "practice", "background"]
    assert c["testable"].dtype == "boolean"
    assert c["testable"].tolist() == [True, True, False, True]
    assert ledger.mentions["start"].dtype == "Int64"
    assert ledger.links["estimate"].dtype == "Float64"
    assert ledger.links["estimate"].isna().tolist() == [False, True]
    assert isinstance(ledger.links["stance"].dtype, pd.CategoricalDtype)
    assert pd.api.types.is_datetime64_any_dtype(ledger.citations["verified_on"])
    assert c["population"].dtype == "string"
    assert c.loc[c["claim_id"] == "qi-meridians", "population"].isna().all()


def test_claim_view_has_mentions_links_and_searches(mini):
    view = claimledger.load(mini).claim("relieves-sciatica-pain")
    assert view.statement == "Acupuncture relieves sciatica pain."
    assert view.mentions["quote"].tolist() == ["Acupuncture relieves sciatica for good."]
    assert view.links["citation_id"].tolist() == ["tu2024-acupuncture-vs-sham", "haake2007-gerac-lbp"]
    assert "title" not in view.links  # links hold links.csv's columns only; citations come separately
    assert sorted(view.citations["citation_id"]) == ["haake2007-gerac-lbp", "tu2024-acupuncture-vs-sham"]
    assert "2 links" in repr(view)


def test_unknown_claim_suggests(mini):
    with pytest.raises(KeyError, match="did you mean relieves-sciatica-pain"):
        claimledger.load(mini).claim("relieves-sciatica")


def test_html_reprs_escape_user_text(mini):
    ledger = claimledger.load(mini)
    page = ledger._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
    card = ledger.claim("qi-meridians")._repr_html_()
    assert "<script>" not in card and "&lt;script&gt;" in card


def test_invalid_ledger_raises_with_report_unless_lenient(mini):
    (mini / "evidence/links.csv").write_text((mini / "evidence/links.csv").read_text().replace(",supports,", ",agree,"))
    with pytest.raises(LedgerError) as err:
        claimledger.load(mini)
    assert "evidence/links.csv:2: stance:" in str(err.value)
    assert len(err.value.report.errors) == 1
    ledger = claimledger.load(mini, strict=False)
    assert ledger.links["stance"].isna().tolist() == [True, False]
    assert not ledger.report.ok


def test_real_ledger_loads(repo_ledger):
    ledger = claimledger.load(repo_ledger)
    assert len(ledger.claims) >= 35
    assert set(ledger.mentions["document_id"]) == set(ledger.documents["document_id"])
    assert ledger.claims["claim_id"].is_unique
