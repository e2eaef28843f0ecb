"""Every notebook executes (nbclient, one kernel each) on the real ledger and on the tiny fixture ledger."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import jupytext
import nbformat
import pytest

from claimledger.problems import BuildError as ReportError
from claimledger.render.notebooks import execute_notebook, notebook_paths

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = notebook_paths(REPO)


def test_there_are_four_notebooks():
    assert [p.stem for p in NOTEBOOKS] == ["01-overview", "02-evidence-map", "03-claim-audit", "04-efficacy-synthesis"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_clean_and_paired(path):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")
    assert nb.metadata["jupytext"]["formats"] == "ipynb,py:percent"
    paired = jupytext.read(path.with_suffix(".py"))
    assert [c.source for c in paired.cells] == [c.source for c in nb.cells], "run `jupytext --sync notebooks/*.py`"
    assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells)


@pytest.mark.slow
@pytest.mark.parametrize("ledger", ["real", "mini"])
def test_notebooks_execute(ledger, tmp_path, repo_ledger, mini):
    root = repo_ledger if ledger == "real" else mini
    for path in NOTEBOOKS:
        nb = execute_notebook(path, {"root": os.path.relpath(root, path.parent)}, tmp_path / ledger)  # as the report passes it
        outputs = [o for c in nb.cells for o in c.get("outputs", [])]
        assert not [o for o in outputs if o.get("output_type") == "error"]
        assert not [o["text"] for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stderr"], path.name
        images = [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]
        assert images or path.stem == "03-claim-audit", f"{path.name} drew nothing"
        assert len(images) == len(set(images)), f"{path.name} shows a figure twice"
        assert not re.search(r"(?<!\.)" + re.escape(str(root)), json.dumps(outputs)), f"{path.name} prints an absolute path"
        assert (tmp_path / ledger / path.name).exists()
    audit = nbformat.read(tmp_path / ledger / "03-claim-audit.ipynb", as_version=4)
    html = "".join(o["data"].get("text/html", "") for c in audit.cells for o in c.get("outputs", []) if "data" in o)
    assert 'id="relieves-sciatica-pain"' in html
    assert 'id="sof-relieves-sciatica-pain"' in html and html.count('class="sof"') == html.count('class="claim"') > 0


def test_failing_cell_names_notebook_and_cell(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("raise ValueError('broken ledger path')")]
    path = tmp_path / "09-broken.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(ReportError, match=r"09-broken.ipynb: cell 3 failed with ValueError: broken ledger path"):
        execute_notebook(path, {"root": "."}, tmp_path / "out")
