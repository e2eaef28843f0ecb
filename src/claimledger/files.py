"""Writing ledger and report files safely: atomic replace, stable CSV formatting, spreadsheet-safe cells.

Every file claimledger writes goes through :func:`write_atomic` (``tests/test_hostile.py`` checks that no
other module opens a file for writing): the bytes go to a temporary file in the same folder, are flushed
to disk (``fsync``), get the permissions a new file gets under the user's umask, and replace the target
with one ``rename``. A process killed at any moment leaves the target either old or new, never half
written; the temporary file is named ``.NAME.XXXXXXXX.claimledger-tmp`` so that the ``.gitignore`` of a
ledger (``claimledger init`` writes it) keeps it out of ``git add``.
"""
from __future__ import annotations

import csv
import io
import os
import secrets
import signal
from pathlib import Path

from .problems import EvidenceError

TEMP_SUFFIX = ".claimledger-tmp"
"""Suffix of every temporary file (a ledger's ``.gitignore`` ignores ``*.claimledger-tmp``)."""
GITIGNORE = ["reports/", f"*{TEMP_SUFFIX}", ".claimledger.lock"]
"""What a ledger's ``.gitignore`` holds: generated reports, temporary files, the writer lock."""
FAULT_ENV = "CLAIMLEDGER_FAULT_AT"
"""Fault injection for tests: ``STEP:N`` kills the process with SIGKILL at the N-th time :func:`write_atomic` reaches STEP."""
STEPS = ("open", "written", "synced", "renamed")
_reached: dict[str, int] = {}


class WriteError(EvidenceError):
    """A file cannot be written (read-only folder, no space, a folder in its place)."""


def _umask() -> int:
    # os.umask can only be read by setting it; set it back at once (claimledger writes from one thread at a time per file).
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fault(step: str) -> None:
    """Kill this process at a chosen step when ``$CLAIMLEDGER_FAULT_AT`` asks for it (tests only)."""
    wanted = os.environ.get(FAULT_ENV, "")
    if not wanted.startswith(step + ":"):
        return
    _reached[step] = _reached.get(step, 0) + 1
    if str(_reached[step]) == wanted.split(":", 1)[1]:
        os.kill(os.getpid(), signal.SIGKILL)


def temp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def write_atomic(path: str | Path, text: str | bytes) -> None:
    """Write a file via a temporary file in the same folder, fsync, and an atomic rename.

    The new file gets mode ``0o666 & ~umask`` (as ``open()`` would create it), not mkstemp's 0600.

    Raises
    ------
    WriteError
        when the folder or the file cannot be written; the target is left as it was.
    """
    path = Path(path)
    data = text.encode("utf-8") if isinstance(text, str) else text
    tmp = temp_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _fault("open")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666 & ~_umask())
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                _fault("written")
                os.fsync(f.fileno())
            _fault("synced")
            os.replace(tmp, path)
            _fault("renamed")
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as err:
        raise WriteError(f"cannot write {path}: {err.strerror or err}. Fix: make the folder writable "
                         "(or choose another output folder), then run the command again.") from err


FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe66", "\ufe62", "\ufe63", "\u2212")
"""Characters a spreadsheet may read as the start of a formula: OWASP's = + - @ tab CR, plus line feed and the
full-width, small and minus-sign forms that some spreadsheets normalise to them."""
_IGNORED_LEAD = " \u00a0\u3000\u200b\u200c\u200d\u2060\ufeff"


def spreadsheet_safe(value) -> str:
    """Neutralise a cell that a spreadsheet would run as a formula (OWASP CSV injection, and its variants).

    A cell starting with ``= + - @``, tab, CR or LF, or a look-alike of them (full-width ``＝``, ``＋``),
    even after leading spaces or invisible characters, gets a leading ``'``.

    >>> spreadsheet_safe("=1+1"), spreadsheet_safe("  =1+1"), spreadsheet_safe("\\uff1d1+1"), spreadsheet_safe("ok")
    ("'=1+1", "'  =1+1", "'\\uff1d1+1", 'ok')
    """
    text = "" if value is None else str(value)
    return "'" + text if text.lstrip(_IGNORED_LEAD).startswith(FORMULA_START) or text[:1] in ("\t", "\r", "\n") else text


def csv_text(header: list[str], rows) -> str:
    """CSV text the way the ledger is committed: comma, minimal quoting, LF line endings."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()
