"""Writing agreed DOIs and PMIDs into ``evidence/citations.csv`` (``claimledger resolve --fill``).

Only the rows that change are rewritten, each as the csv module writes it
(minimal quoting); every other byte of the file, including row order, quoting,
line endings and a byte-order mark, stays as it was, so the git diff shows
just the filled cells. The new file replaces the old one atomically.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from ..files import write_atomic
from ..ledger.edit import check_before_write
from ..ledger.read import BOM, RawTable
from ..problems import EvidenceError, Problem
from .config import ResolveError

CONFIRM_COLUMNS = ("verified_source", "verified_on")
"""Filled for an unverified citation (added by cite or import-refs) once its records agree with it."""


def _row_text(record: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(record)
    return buf.getvalue()


def write_fills(root: str | Path, raw: RawTable, fills: dict[int, dict[str, str]]) -> list[Problem]:
    """Write ``fills`` (row index of ``raw.frame`` -> {column: value}) into the table's file.

    A value already used by another row is not written (that would make two
    rows one publication); it is reported instead. Returns a problem (warning)
    per cell written or skipped.

    Raises
    ------
    ResolveError
        when the file no longer matches what was read (edited meanwhile).
    """
    path = Path(root) / raw.file
    data = path.read_bytes()
    bom = data.startswith(BOM)
    text = data[len(BOM):].decode("utf-8") if bom else data.decode("utf-8")
    lines = io.StringIO(text, newline="").readlines()  # splits at \n, \r\n and \r only, as read_table counts lines
    header = next(csv.reader([lines[0]]))
    frame = raw.frame
    out: list[Problem] = []
    replace: dict[int, tuple[int, str]] = {}
    for i, values in sorted(fills.items()):
        start = int(raw.lines[i]) - 1
        reader = csv.reader(iter(lines[start:]))
        record = next(reader)
        used = reader.line_num
        if record[header.index("citation_id")] != frame["citation_id"].iat[i]:
            raise ResolveError(f"{raw.file} changed while resolve was running (line {start + 1}). Fix: run the command again.")
        for column, value in values.items():
            if column in CONFIRM_COLUMNS:
                record[header.index(column)] = value
                if column == "verified_source":
                    out.append(Problem(raw.file, start + 1, column, "filled", f'confirmed by the records: wrote verified_source "{value}" '
                                       f'and verified_on {values.get("verified_on", "")}.', "review the change with git diff.", value, "warning"))
                continue
            others = frame[column].str.strip().str.casefold()
            if (others == value.casefold()).any():
                where = int(raw.lines[int((others == value.casefold()).to_numpy().argmax())])
                out.append(Problem(raw.file, start + 1, column, "fill-skipped", f'{column.upper()} "{value}" was not written: line {where} already has it.',
                                   "the two rows are one publication: merge them.", value, "warning"))
                continue
            record[header.index(column)] = value
            out.append(Problem(raw.file, start + 1, column, "filled", f'wrote {column.upper()} "{value}" (PubMed and Crossref agree).',
                               "review the change with git diff.", value, "warning"))
        last = lines[start + used - 1]
        ending = last[len(last.rstrip("\r\n")):]
        replace[start] = (used, _row_text(record) + ending)
    if not any(p.code == "filled" for p in out):
        return out
    for start in sorted(replace, reverse=True):
        used, new = replace[start]
        lines[start:start + used] = [new]
    new_data = (BOM if bom else b"") + "".join(lines).encode("utf-8")
    try:
        check_before_write(raw.table, data, new_data)  # what a server said is written only if the table stays valid
    except EvidenceError as err:
        return [p for p in out if p.code != "filled"] + [
            Problem(raw.file, int(raw.lines[i]), column, "fill-skipped", f'{column.upper()} "{value}" was not written: {str(err).splitlines()[-1]}',
                    "nothing was changed; check the identifier in the record by hand.", value, "warning")
            for i, values in sorted(fills.items()) for column, value in values.items()]
    write_atomic(path, new_data)
    return out
