"""Project-level consistency: dependencies, schema copies, CLI help and docs, Frictionless."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from claimledger.cli import build_parser, main

REPO = Path(__file__).resolve().parents[1]


def _names(specs):
    return {re.split(r"[<>=!~\[ ]", s.strip(), maxsplit=1)[0].lower().replace("_", "-") for s in specs}


def test_environment_yml_matches_pyproject():
    py = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = _names(py["dependencies"]) | _names(py["optional-dependencies"]["dev"])
    env = (REPO / "environment.yml").read_text()
    conda = set()
    deps = env.split("dependencies:", 1)[1]
    for line in deps.splitlines():
        m = re.match(r"\s+-\s+([A-Za-z0-9_.\-]+)\s*(?:[<>=!~].*)?$", line)
        if m and m.group(1) not in ("python", "pip", "-e"):
            conda.add(m.group(1).lower().replace("_", "-"))
    assert conda == wanted
    assert env.rstrip().endswith("- -e ."), "environment.yml must end by installing the package in editable mode"


def test_root_schema_is_the_packaged_template():
    assert (REPO / "datapackage.json").read_text() == (REPO / "src/claimledger/data/datapackage.json").read_text()
    assert (REPO / "tests/data/mini/datapackage.json").read_text() == (REPO / "datapackage.json").read_text()


def _commands():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sub.choices


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_has_help_and_is_in_the_readme(name, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([name, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert f"usage: claimledger {name}" in out
    assert _commands()[name].description, f"{name} needs a description"
    assert f"claimledger {name}" in (REPO / "README.md").read_text(), f"README.md does not document `claimledger {name}`"


def test_bare_command_prints_help(capsys):
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_frictionless_validates_the_package():
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(REPO / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_data_model_doc_lists_every_column():
    import json
    doc = (REPO / "docs/data-model.md").read_text()
    schema = json.loads((REPO / "datapackage.json").read_text())
    for r in schema["resources"]:
        assert f"`{r['path']}`" in doc
        for f in r["schema"]["fields"]:
            assert f"| `{f['name']}` |" in doc, (r["name"], f["name"])


def test_data_model_doc_is_generated_from_the_schema():
    """docs/data-model.md's tables are what `python -m claimledger.ledger.docs` writes from datapackage.json."""
    from claimledger.ledger.docs import page
    assert (REPO / "docs/data-model.md").read_text(encoding="utf-8") == page(REPO), \
        "docs/data-model.md is out of date: run .venv/bin/python -m claimledger.ledger.docs ."
