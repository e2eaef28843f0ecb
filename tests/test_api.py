"""The Python API behaves like pandas: ordered categoricals, NA for missing, flat cells that any writer handles, and
one rule for joins (attributes named after a table hold that table's rows and columns, never pre-joined)."""
from __future__ import annotations

import io

import pandas as pd
import pytest

import claimledger
from claimledger.grading.verdicts import VERDICTS


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    from conftest import copy_repo_ledger
    return claimledger.load(copy_repo_ledger(tmp_path_factory.mktemp("api")))


def test_grades_takes_a_list_of_claim_ids(ledger):
    g = ledger.grades(["endorphin-release", "meridians"])
    assert list(g["claim_id"]) == ["endorphin-release", "meridians"]
    assert list(ledger.grades("meridians")["claim_id"]) == ["meridians"]
    with pytest.raises(KeyError, match="no-such-claim"):
        ledger.grades(["no-such-claim"])


def test_verdict_and_certainty_are_ordered_categoricals(ledger):
    g = ledger.grades()
    assert g["verdict"].cat.ordered and g["certainty"].cat.ordered
    assert list(g["verdict"].cat.categories) == VERDICTS[::-1]
    assert list(g["certainty"].cat.categories) == ["very_low", "low", "moderate", "high"]
    better = g[g["verdict"] >= "partly_supported"]
    assert set(better["verdict"].astype(str)) <= {"supported", "partly_supported"} and len(better)
    ranked = g.sort_values("verdict", ascending=False)["verdict"].astype(str).tolist()
    assert ranked == sorted(ranked, key=VERDICTS.index)
    assert (g.loc[g["certainty"] >= "moderate", "certainty"].astype(str).isin(["moderate", "high"])).all()


def test_missing_certainty_is_na_not_empty_text(ledger):
    g = ledger.grades()
    untestable = g[g["verdict"] == "untestable"]
    assert len(untestable) and untestable["certainty"].isna().all()
    assert not (g["certainty"].astype("string") == "").any()


def test_to_csv_and_to_excel_write_flat_cells(ledger, tmp_path):
    g = ledger.grades()
    text = g.to_csv(index=False)
    assert "['" not in text and "[]" not in text  # no Python list reprs
    back = pd.read_csv(io.StringIO(text), keep_default_na=False)
    row = back[back["claim_id"] == "relieves-sciatica-pain"].iloc[0]
    assert ";" in row["citations"] and all(c.strip() == c and c for c in row["citations"].split(";"))
    g.to_excel(tmp_path / "grades.xlsx", index=False)  # openpyxl is a dependency: works out of the box
    sheet = pd.read_excel(tmp_path / "grades.xlsx")
    assert list(sheet["claim_id"]) == list(g["claim_id"])
    assert sheet.loc[sheet["claim_id"] == "relieves-sciatica-pain", "citations"].iloc[0] == row["citations"]


def test_claim_view_has_its_grade_and_unjoined_tables(ledger):
    view = ledger.claim("relieves-sciatica-pain")
    assert view.verdict == str(ledger.grades("relieves-sciatica-pain")["verdict"].iloc[0])
    assert view.grade["claim_id"] == "relieves-sciatica-pain"
    assert list(view.links.columns) == list(ledger.links.columns)
    assert list(view.citations.columns) == list(ledger.citations.columns)
    assert set(view.citations["citation_id"]) == set(view.links["citation_id"])
    joined = view.links.merge(view.citations, on="citation_id")  # the same join as on the whole ledger: no clash
    assert len(joined) == len(view.links) and not [c for c in joined.columns if c.endswith(("_x", "_y"))]
    html = view._repr_html_()
    assert "<NA>" not in html and "relieves-sciatica-pain" in html
    with pytest.raises(KeyError, match="did you mean"):
        ledger.claim("relieves-sciatica-pai")
