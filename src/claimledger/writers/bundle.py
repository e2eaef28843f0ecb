"""A cached claim index and claim reports, so that checking one sentence takes a fraction of a second.

``claimledger check`` needs the claim index and each claim's verdict, reason,
citations and wording. Building them means loading and grading the ledger
(pandas, a second or more); a *bundle* keeps the result: the index's arrays in
an ``.npz`` file (read with ``allow_pickle=False``, so a cache file cannot run
code) and everything else as JSON. It lives in the user's cache folder
(``$CLAIMLEDGER_CACHE_DIR``, else ``$XDG_CACHE_HOME/claimledger``, else
``~/.cache/claimledger``), never in the ledger, under a name derived from a
fingerprint of the ledger's files and of claimledger's own code: any edit to
either makes a new bundle. A bundle that cannot be written (read-only home) or
read (damaged) is simply not used.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import numpy as np

from ..files import WriteError, write_atomic
from .checker import Checker
from .match import ClaimIndex
from .reports import ClaimReport

PACKAGE = Path(__file__).resolve().parents[1]
FORMAT = 1
"""Bumped when the bundle's layout changes."""
KEEP = 20
"""Bundles kept in the cache folder (the oldest are removed)."""


def cache_dir() -> Path:
    """Where bundles are kept: ``$CLAIMLEDGER_CACHE_DIR``, ``$XDG_CACHE_HOME/claimledger`` or ``~/.cache/claimledger``."""
    if os.environ.get("CLAIMLEDGER_CACHE_DIR"):
        return Path(os.environ["CLAIMLEDGER_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "claimledger"


def _stat(path: Path) -> str:
    try:
        st = path.stat()
    except OSError:
        return f"{path.name}:-"
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


def fingerprint(root: str | Path) -> str | None:
    """A hash of the ledger's files (schema and every table it names) and of claimledger's code and data, by size
    and modification time; None when the schema cannot be read."""
    root = Path(root).resolve()
    try:
        descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
        tables = [root / r["path"] for r in descriptor["resources"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    parts = [str(FORMAT), _stat(root / "datapackage.json"), *(_stat(p) for p in tables)]
    parts += [_stat(p) for p in sorted(PACKAGE.rglob("*")) if p.suffix in (".py", ".txt", ".json")]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _paths(root) -> tuple[Path, Path] | None:
    key = fingerprint(root)
    if key is None:
        return None
    base = cache_dir() / f"check-{key}"
    return base.with_suffix(".json"), base.with_suffix(".npz")


class CachedReports:
    """Claim reports read from a bundle: the same :meth:`report` as :class:`~claimledger.writers.reports.ClaimReports`."""

    def __init__(self, reports: dict[str, dict]):
        self._reports = {cid: ClaimReport(**r) for cid, r in reports.items()}

    def report(self, claim_id: str) -> ClaimReport:
        return self._reports[claim_id]


def save(checker: Checker, root: str | Path) -> Path | None:
    """Write the checker's index and every claim report as a bundle; None when it cannot be written."""
    paths = _paths(root)
    if paths is None or checker.ledger is None:
        return None
    data, arrays = checker.index.state()
    data["subject"] = checker.subject
    data["reports"] = {cid: vars(checker.reports.report(cid)) for cid in checker.index.claim_ids}
    meta, npz = paths
    try:
        buf = io.BytesIO()
        np.savez(buf, **arrays)
        write_atomic(npz, buf.getvalue())
        write_atomic(meta, json.dumps(data, ensure_ascii=False))
        _prune(meta.parent)
    except (OSError, WriteError):
        return None
    return meta


def _prune(folder: Path) -> None:
    bundles = sorted(folder.glob("check-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in bundles[KEEP:]:
        old.unlink(missing_ok=True)
        old.with_suffix(".npz").unlink(missing_ok=True)


def cached_checker(root: str | Path) -> Checker | None:
    """A checker from the ledger's bundle, when one exists for exactly these files; else None."""
    paths = _paths(root)
    if paths is None:
        return None
    meta, npz = paths
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
        with np.load(npz, allow_pickle=False) as arrays:
            index = ClaimIndex.from_state(data, {k: arrays[k] for k in ClaimIndex.ARRAYS})
        return Checker(None, reports=CachedReports(data["reports"]), index=index, subject=data["subject"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
