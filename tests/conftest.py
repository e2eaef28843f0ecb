"""Shared fixtures: real files in temporary folders, never mocks of our own code."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SHARED = REPO.parent / "shared"


@pytest.fixture
def mini(tmp_path) -> Path:
    """A copy of the tiny valid fixture ledger in a temporary folder."""
    root = tmp_path / "mini"
    shutil.copytree(DATA / "mini", root)
    return root


@pytest.fixture
def repo_ledger(tmp_path) -> Path:
    """A copy of the project's real ledger (claims, documents, evidence, schema)."""
    return copy_repo_ledger(tmp_path)


def copy_repo_ledger(folder: Path) -> Path:
    """Copy the project's real ledger into ``folder``/ledger and return that path."""
    root = folder / "ledger"
    root.mkdir()
    for name in ("datapackage.json", "claims.csv"):
        shutil.copy2(REPO / name, root / name)
    for name in ("documents", "evidence"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("cache"))
    return root


@pytest.fixture(scope="module")
def make_httpserver():
    """pytest-httpserver's local server for the ``httpserver`` fixture, but threaded (a slow answer must not hold up
    the other APIs), on 127.0.0.1, and one per test module."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()
