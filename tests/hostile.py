"""Helpers shared by the hostile-input suites: editing a ledger copy, running the CLI, fingerprints, another user."""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from claimledger.cli import main


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_bytes().decode("utf-8")
    assert old in text, f"fixture text {old!r} not in {path}"
    path.write_bytes(text.replace(old, new, count).encode("utf-8"))


def run(*args: str) -> tuple[int, str, str]:
    """``claimledger ARGS`` in this process: (exit code, stdout, stderr). An uncaught exception fails the test."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return code, out.getvalue(), err.getvalue()


def fingerprint(root: Path, skip=("reports", "cache", ".claimledger.lock")) -> dict[str, str]:
    """SHA-256 of every file under ``root`` (generated folders and the lock file aside): equal fingerprints, unchanged ledger."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink() and not set(p.relative_to(root).parts) & set(skip)}


def loosen(root: Path, table: str, field: str, key: str = "pattern") -> None:
    """Drop one constraint of one field from the ledger's datapackage.json (a schema someone else loosened)."""
    path = root / "datapackage.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    for r in d["resources"]:
        if r["name"] == table:
            for f in r["schema"]["fields"]:
                if f["name"] == field:
                    f.get("constraints", {}).pop(key, None)
    path.write_text(json.dumps(d, indent=2), encoding="utf-8")


def append_line(path: Path, line: str) -> None:
    data = path.read_bytes()
    path.write_bytes(data + (b"" if data.endswith(b"\n") else b"\n") + line.encode("utf-8") + b"\n")


# ---- permissions: root reads and writes everything, so root's override is dropped -----------------------------------

def as_plain_user(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Run ``claimledger ARGS`` bound by file permissions: when the tests run as root, without the capabilities
    that let root read and write any file (setpriv drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH)."""
    prefix = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("needs setpriv (util-linux) to run a command bound by file permissions")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search"]
    return subprocess.run(prefix + [sys.executable, "-m", "claimledger", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)


@contextlib.contextmanager
def read_only(root: Path):
    """Make every folder and file under ``root`` read-only for the block, then writable again."""
    paths = [root, *root.rglob("*")]
    try:
        for p in paths:
            os.chmod(p, 0o555 if p.is_dir() else 0o444)
        yield root
    finally:
        for p in paths:
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
