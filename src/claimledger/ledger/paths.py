"""Paths the ledger names, contained: every one must resolve (symlinks followed) inside the ledger folder.

``evidence/documents.csv`` names document files, ``datapackage.json`` names its tables, and
``documents/`` may hold symlinks. None of them may lead outside the ledger: a ledger someone else wrote
must not make claimledger open, hash, probe or print ``/etc/passwd``. :func:`contained` is the one check;
the readers ask it before they open anything and report ``outside-ledger`` when it refuses.
"""
from __future__ import annotations

import errno
import os
from pathlib import Path


class OutsideLedger(ValueError):
    """A path the ledger names resolves outside the ledger folder."""


def contained(root: str | Path, name: str | Path) -> Path:
    """The real path of ``name`` (relative to ``root``), if it lies inside ``root`` once symlinks are followed.

    Raises
    ------
    OutsideLedger
        when ``name`` is absolute, climbs out with ``..``, or is (or passes through) a symlink that leads outside.
    OSError
        when a folder on the way cannot be read.

    Examples
    --------
    >>> contained("/tmp", "/etc/passwd")
    Traceback (most recent call last):
    ...
    claimledger.ledger.paths.OutsideLedger: /etc/passwd is an absolute path
    """
    text = os.fspath(name)
    if not text or os.path.isabs(text) or text.startswith(("~", "\\")) or (len(text) > 1 and text[1] == ":"):
        raise OutsideLedger(f"{text} is an absolute path" if text else "the path is empty")
    if "\x00" in text:
        raise OutsideLedger(f"{text!r} holds a NUL character, which no file name can contain")
    base = Path(root).resolve()
    try:
        real = (base / text).resolve()
    except RuntimeError as err:  # a symlink loop
        raise OutsideLedger(f"{text} cannot be resolved ({err})") from None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise OutsideLedger(f"{text} cannot be resolved (a loop of symbolic links)") from None
        raise  # e.g. a folder on the way that cannot be read: the caller reports it as unreadable
    if real != base and base not in real.parents:
        raise OutsideLedger(f"{text} leads to {real}, outside the ledger folder" if Path(text).parts[0] != ".."
                            else f"{text} climbs out of the ledger folder")
    return real


def is_inside(root: str | Path, name: str | Path) -> bool:
    try:
        contained(root, name)
    except OutsideLedger:
        return False
    return True
