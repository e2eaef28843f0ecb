"""Editing a ledger on purpose: registering a document, appending rows, allocating ids.

Ledger files are written atomically (:func:`claimledger.files.write_atomic`);
existing rows are kept byte for byte and new rows appended, so git diffs show
only the additions.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..files import write_atomic
from ..problems import EvidenceError, Problem
from .lock import ledger_lock
from .read import parse_table, read_table
from .schema import Table, read_schema


def next_ids(existing: list[str], n: int, default: str = "m0001") -> list[str]:
    """``n`` new ids continuing the sequence of ``existing`` (``m0135`` -> ``m0136``; ``004`` -> ``005``).

    The prefix and zero-padding follow the last id that ends in digits; ids already used are skipped.

    Examples
    --------
    >>> next_ids(["m0001", "m0002"], 2)
    ['m0003', 'm0004']
    >>> next_ids(["d1", "d2"], 1), next_ids([], 1, default="001")
    (['d3'], ['001'])
    """
    used = set(existing)
    numbered = [re.fullmatch(r"(.*?)(\d+)", i) for i in existing]
    numbered = [m for m in numbered if m]
    if numbered:
        prefix, digits = numbered[-1].group(1), numbered[-1].group(2)
        width = len(digits) if digits.startswith("0") or all(len(m.group(2)) == len(digits) for m in numbered if m.group(1) == prefix) else 1
        top = max(int(m.group(2)) for m in numbered if m.group(1) == prefix)
    else:
        m = re.fullmatch(r"(.*?)(\d+)", default)
        prefix, width, top = m.group(1), len(m.group(2)), int(m.group(2)) - 1
    out = []
    k = top
    while len(out) < n:
        k += 1
        candidate = f"{prefix}{str(k).zfill(width)}"
        if candidate not in used:
            out.append(candidate)
            used.add(candidate)
    return out


def read_raw(root: Path, name: str):
    schema = read_schema(root)
    table = schema.table(name)
    raw = read_table(root, table)
    if raw.frame is None:
        detail = "\n".join(p.format() for p in raw.problems)
        raise EvidenceError(f"{table.path} cannot be read, so nothing was changed:\n{detail}")
    return table, raw


def check_before_write(table: Table, old: bytes, new: bytes) -> None:
    """Refuse to write ``new`` in place of ``old`` when it has schema errors that ``old`` did not have.

    The new bytes are parsed and checked as validation would (structure, types, patterns, enums, keys), so a
    value from a server or a review file that would break the table (a newline and a formula in a PMID, a
    malformed id) is never written.

    Raises
    ------
    EvidenceError
        listing the new problems; nothing is written then.
    """
    from .validate import check_fields

    def errors(data: bytes) -> tuple[Counter, list[Problem]]:
        raw = parse_table(table, data) if data else None
        found = [] if raw is None else list(raw.problems) + (check_fields(raw) if raw.frame is not None else [])
        found = [p for p in found if p.severity == "error"]
        return Counter((p.code, p.column) for p in found), found

    before, _ = errors(old)
    after, found = errors(new)
    added = after - before
    if added:
        detail = "\n".join(p.format() for p in found if (p.code, p.column) in added)
        raise EvidenceError(f"the new rows would not be valid in {table.path}, so nothing was written:\n{detail}")


def append_rows(path: Path, header_fields: list[str], rows: list[dict], table: Table | None = None) -> None:
    """Append rows to a ledger CSV, keeping every existing byte (and the file's line ending and column order).

    With ``table`` the result is checked against the schema first (:func:`check_before_write`).
    """
    original = path.read_bytes() if path.exists() else b""
    text = original.decode("utf-8-sig") if original else ""
    first = text.split("\n", 1)[0]
    newline = "\r\n" if first.endswith("\r") else "\n"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline)
    if text.strip():
        header = next(csv.reader([first.rstrip("\r")]))
        prefix = original if original.endswith(b"\n") else original + newline.encode()
    else:
        header, prefix = header_fields, b""
        w.writerow(header)
    for r in rows:
        w.writerow(["" if r.get(c) is None else str(r.get(c)) for c in header])
    new = prefix + buf.getvalue().encode("utf-8")
    if table is not None:
        check_before_write(table, original, new)
    write_atomic(path, new)


@dataclass
class AddedDocument:
    document_id: str
    file: str
    """Path relative to the ledger root, e.g. ``documents/005_1a2b3c4d5e6f7a8b.txt``."""
    sha256: str


def add_document(root: str | Path, source: str | Path, document_id: str | None = None, title: str = "", site: str = "",
                 author: str = "", date: str = "") -> AddedDocument:
    """Copy a UTF-8 text into ``documents/`` and register it in ``evidence/documents.csv``.

    The bytes are copied unchanged (documents are never edited). The new row
    gets the next document id unless ``document_id`` is given.

    Raises
    ------
    EvidenceError
        when the file is missing or not UTF-8, the id is malformed or taken, or
        the same text is registered already. Nothing is written then.

    Examples
    --------
    >>> add_document(".", "downloads/article.txt", title="Needles for sciatica")  # doctest: +SKIP
    AddedDocument(document_id='005', file='documents/005_3f2a....txt', sha256='3f2a...')
    """
    root = Path(root)
    source = Path(source)
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise EvidenceError(f"{source}: no such file. Fix: give the path of the document's text.") from None
    except OSError as err:
        raise EvidenceError(f"{source}: cannot be read ({err.strerror or err}). Fix: give a readable text file.") from None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise EvidenceError(f"{source}: not UTF-8 text (byte 0x{data[err.start]:02X} at {err.start}). "
                            "Fix: save the document as UTF-8 text first; quotes and offsets are read as UTF-8.") from err
    with ledger_lock(root):  # the next id is allocated from the table read under the lock
        return _register(root, source, data, document_id, title=title, site=site, author=author, date=date)


def _register(root: Path, source: Path, data: bytes, document_id: str | None, **meta: str) -> AddedDocument:
    table, raw = read_raw(root, "documents")
    frame = raw.frame
    digest = hashlib.sha256(data).hexdigest()
    same = frame[frame["sha256"] == digest]
    if len(same):
        raise EvidenceError(f"{source} is registered already as document {same['document_id'].iat[0]} ({same['file'].iat[0]}). "
                            "Fix: use that document_id.")
    ids = frame["document_id"].tolist()
    if document_id is None:
        document_id = next_ids(ids, 1, default="001")[0]
    pattern = table.field("document_id").pattern
    if pattern and not re.fullmatch(pattern, document_id):
        raise EvidenceError(f'"{document_id}" is not a valid document_id. Fix: use letters, digits, dots, hyphens or underscores, '
                            "starting with a letter or digit.")
    if document_id in ids:
        raise EvidenceError(f'document_id "{document_id}" is taken. Fix: choose another, or leave --document-id out to get '
                            f"the next one ({next_ids(ids, 1)[0]}).")
    documents = root / "documents"
    try:
        inside = source.resolve().parent == documents.resolve() and not source.is_symlink()
    except OSError:
        inside = False
    if inside:
        rel = f"documents/{source.name}"
        if rel in set(frame["file"]):
            raise EvidenceError(f"{rel} is registered already under another hash: documents are never edited. "
                                "Fix: restore the original text, or add the new version as a new file.")
    else:
        suffix = source.suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", source.suffix or "") else ".txt"
        rel = f"documents/{document_id}_{digest[:16]}{suffix}"
        if (root / rel).exists():
            raise EvidenceError(f"{rel} exists already. Fix: remove it or choose another document_id.")
        write_atomic(root / rel, data)
    row = {"document_id": document_id, "file": rel, "sha256": digest, **meta}
    try:
        append_rows(root / table.path, table.field_names, [row], table=table)
    except BaseException:
        if not inside:
            (root / rel).unlink(missing_ok=True)
        raise
    return AddedDocument(document_id, rel, digest)
