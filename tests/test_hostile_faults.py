"""Fault injection for writes (issue 13): a process killed at any write leaves every file either old or new.

``strace -e inject=…:signal=KILL`` kills ``claimledger report`` at the first write to any output, or at
its k-th rename; ``$CLAIMLEDGER_FAULT_AT`` (files.write_atomic's test hook) kills it between the
steps strace cannot tell apart (written, synced). After each kill every output must hold the bytes of the
previous build or of the complete new one, and ``git status`` must show no temporary file.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hostile import edit, run

needs_strace = pytest.mark.skipif(not shutil.which("strace"), reason="needs strace")
OUTPUTS = ["summary.md", "verdicts.csv", "citation-status.csv", "figures/verdicts.png", "figures/claims-by-document.png",
           "explorer/index.html", "index.html"]
RENAMES = "rename,renameat,renameat2"


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _restore(out: Path, snapshot: dict[str, bytes]) -> None:
    shutil.rmtree(out)
    for name, data in snapshot.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """A ledger with an old report in place, and the bytes of the old and of the new (complete) report."""
    root = tmp_path_factory.mktemp("faults") / "mini"
    shutil.copytree(Path(__file__).parent / "data" / "mini", root)
    assert run("report", "--no-notebooks", "--root", str(root))[0] == 0
    old = _snapshot(root / "reports")
    edit(root / "claims.csv", "Acupuncture is safe.", "Acupuncture is always safe.")
    edit(root / "evidence/searches.csv", "s1,endorphin-release,fixture,fixture row (no search was run),acupuncture endorphin sciatica,,,2026-11-21,,,5,,,5,0,fixture: no evidence kept\n", "")
    assert run("report", "--no-notebooks", "--root", str(root))[0] == 0
    new = _snapshot(root / "reports")
    assert all(old[k] != new[k] for k in ("index.html", "verdicts.csv", "figures/verdicts.png"))
    return root, old, new


def _killed_report(root: Path, prefix: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    cmd = [*prefix, sys.executable, "-m", "claimledger", "report", "--no-notebooks", "--root", str(root)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, env=dict(os.environ, **(env or {})), check=False)


def _check_old_or_new(root: Path, old: dict, new: dict) -> None:
    now = _snapshot(root / "reports")
    temps = [k for k in now if k.endswith(".claimledger-tmp")]
    assert all(Path(k).name.startswith(".") for k in temps)  # hidden, and ignored by the ledger's .gitignore
    for name, data in now.items():
        if name in temps:
            continue
        assert data in (old.get(name), new.get(name)), f"{name} is neither the old nor the new file ({len(data)} bytes)"
    assert set(old) <= set(now), "an old output disappeared"


def _strace(*args: str) -> list[str]:
    return ["strace", "-f", "-qq", "-o", os.devnull, "-e", "signal=none", *args]


@needs_strace
def test_killed_at_the_first_write_to_any_output(builds):
    root, old, new = builds
    _restore(root / "reports", old)
    paths = [a for name in OUTPUTS for a in ("-P", str(root / "reports" / name))]
    proc = _killed_report(root, _strace(*paths, "-e", "trace=write,pwrite64,writev", "-e", "inject=write,pwrite64,writev:signal=KILL:when=1"))
    _check_old_or_new(root, old, new)
    # Atomic writes never write to an output's own path, so nothing is killed and the report is the new one.
    assert proc.returncode == 0, proc.stderr
    assert _snapshot(root / "reports") == new


@needs_strace
@pytest.mark.parametrize("k", [1, 4])
def test_killed_at_the_kth_rename_onto_an_output(builds, k):
    root, old, new = builds
    _restore(root / "reports", old)
    proc = _killed_report(root, _strace("-e", f"trace={RENAMES}", "-e", f"inject={RENAMES}:signal=KILL:when={k}"))
    assert proc.returncode in (-9, 137), proc.stderr
    _check_old_or_new(root, old, new)
    now = _snapshot(root / "reports")
    assert now != new and any(now[n] == new[n] != old[n] for n in now if n in old) == (k > 1)


@pytest.mark.parametrize("step", ["written:3", "synced:5", "renamed:4"])
def test_killed_between_the_steps_of_a_write(builds, step):
    root, old, new = builds
    _restore(root / "reports", old)
    from claimledger.files import FAULT_ENV
    proc = _killed_report(root, [], {FAULT_ENV: step})
    assert proc.returncode == -9, proc.stderr
    _check_old_or_new(root, old, new)


@needs_strace
def test_sigkill_mid_resolve_leaves_nothing_for_git_add(tmp_path, httpserver):
    if not shutil.which("git"):
        pytest.skip("needs git")
    from test_resolve import EMAIL, FakeApis, make_ledger
    apis = FakeApis(httpserver)
    root = make_ledger(tmp_path / "l")
    assert ".claimledger-tmp" in (root / ".gitignore").read_text()  # claimledger init's .gitignore
    git = ["git", "-C", str(root), "-c", "user.email=t@example.org", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "ledger"], check=True)
    env = {"CLAIMLEDGER_CROSSREF_URL": apis.server.url_for("/crossref"), "CLAIMLEDGER_NCBI_URL": apis.server.url_for("/eutils"),
           "CLAIMLEDGER_EMAIL": EMAIL}
    cmd = [*_strace("-e", f"trace={RENAMES}", "-e", f"inject={RENAMES}:signal=KILL:when=3"),
           sys.executable, "-m", "claimledger", "resolve", "--online", "--root", str(root)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=dict(os.environ, **env), check=False)
    assert proc.returncode in (-9, 137), proc.stdout + proc.stderr
    leftovers = [p for p in (root / "evidence" / "cache").rglob("*") if p.is_file() and p.name.startswith(".")]
    assert leftovers, "the kill should have left a temporary file behind"
    status = subprocess.run([*git, "status", "--porcelain", "--untracked-files=all"], capture_output=True, text=True, check=True).stdout
    shown = [line[3:] for line in status.splitlines()]
    assert shown and all(s.startswith("evidence/cache/") and s.endswith(".json") and not Path(s).name.startswith(".") for s in shown), shown
    for s in shown:
        json.loads((root / s).read_text())
