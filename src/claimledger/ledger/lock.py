"""The ledger's writer lock: one command at a time edits a ledger.

``add-document``, ``merge-review`` and ``resolve --fill`` read the table they change, allocate ids and
write it back while holding ``.claimledger.lock`` in the ledger folder (the ``filelock`` library: an
OS-level lock that is released when the process dies, even by SIGKILL). Two runs at once therefore
cannot both read ``m0135`` and both add ``m0136``: the second waits, then reads what the first wrote.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ..problems import EvidenceError

LOCK_NAME = ".claimledger.lock"
WAIT = 120.0
"""Seconds a writer waits for another one to finish before giving up."""


class LockError(EvidenceError):
    """The ledger is locked by another writer, or the lock file cannot be created."""


@contextmanager
def ledger_lock(root: str | Path, timeout: float = WAIT) -> Iterator[None]:
    """Hold the ledger's writer lock for the duration of the block.

    Raises
    ------
    LockError
        when another command holds the lock for longer than ``timeout`` seconds, or the ledger folder is
        read-only (then nothing can be written anyway).
    """
    path = Path(root) / LOCK_NAME
    lock = FileLock(path, timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise LockError(f"another claimledger command has been editing the ledger at {root} for {timeout:.0f} s "
                        f"(it holds {path}). Fix: wait for it to finish, then run the command again.") from None
    except OSError as err:
        raise LockError(f"cannot lock the ledger for writing: {path}: {err.strerror or err}. "
                        "Fix: make the ledger folder writable, or run the command on a writable copy.") from err
    try:
        yield
    finally:
        lock.release()
