"""Reading and writing the ledger tables the search commands change, safely.

New rows are checked against the schema (types, vocabularies, patterns) with the
validator's own field checks before anything is written; appends keep every
existing byte (:func:`claimledger.ledger.edit.append_rows`); a changed row is
replaced in place, every other byte of the file kept, and the file swapped
atomically (:func:`claimledger.files.write_atomic`).
"""
from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path

import numpy as np
import pandas as pd

from ..files import write_atomic
from ..ledger.edit import read_raw
from ..ledger.read import BOM, RawTable
from ..ledger.schema import Table
from ..ledger.validate import check_fields
from ..problems import EvidenceError, Problem, SchemaError


class SearchError(EvidenceError):
    """A search, screening or citing command cannot do what was asked; nothing was written."""


def raw_table(root: Path, name: str) -> RawTable:
    """A ledger table as text, or :class:`SearchError` when the ledger has no such table or it cannot be read."""
    try:
        return read_raw(root, name)[1]
    except SchemaError as err:
        raise SearchError(f"{err} Fix: this ledger's datapackage.json predates the {name} table: copy its resource from the schema "
                          "claimledger ships (src/claimledger/data/datapackage.json) and create the empty CSV.") from None
    except EvidenceError as err:
        raise SearchError(str(err)) from None


def check_rows(table: Table, rows: list[dict], first_line: int = 2) -> list[Problem]:
    """The schema's problems with new rows (lines numbered as they would be written)."""
    frame = pd.DataFrame([{c: "" if r.get(c) is None else str(r.get(c)) for c in table.field_names} for r in rows],
                         columns=table.field_names, dtype=str)
    raw = RawTable(table, frame, np.arange(first_line, first_line + len(rows)), [])
    return check_fields(raw)


def refuse(problems: list[Problem], what: str) -> None:
    """Raise :class:`SearchError` listing the problems, when there are errors."""
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        detail = "\n".join(p.format() for p in errors[:10])
        raise SearchError(f"{what}: {len(errors)} value(s) do not fit the schema, so nothing was written:\n{detail}")


def known_claim(root: Path, claim_id: str) -> None:
    claims = raw_table(root, "claims").frame["claim_id"].tolist()
    if claim_id not in claims:
        close = difflib.get_close_matches(claim_id, claims, n=1)
        hint = f' Did you mean "{close[0]}"?' if close else ""
        raise SearchError(f'no claim "{claim_id}" in claims.csv.{hint} Fix: add the claim first, or run `claimledger summary`.')


def _row_text(record: list[str], ending: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(record)
    return buf.getvalue() + ending


def replace_rows(root: Path, raw: RawTable, changes: dict[int, dict[str, str]], key: list[str]) -> None:
    """Write ``changes`` (row index -> {column: value}) into the table's file, every other byte unchanged.

    Raises :class:`SearchError` when the file changed since it was read (the key at that line differs).
    """
    path = Path(root) / raw.file
    data = path.read_bytes()
    bom = data.startswith(BOM)
    text = (data[len(BOM):] if bom else data).decode("utf-8")
    lines = io.StringIO(text, newline="").readlines()
    header = next(csv.reader([lines[0]]))
    replace = {}
    for i, values in changes.items():
        start = int(raw.lines[i]) - 1
        reader = csv.reader(iter(lines[start:]))
        record = next(reader)
        used = reader.line_num
        if [record[header.index(k)] for k in key] != [raw.frame[k].iat[i] for k in key]:
            raise SearchError(f"{raw.file} changed while the command ran (line {start + 1}). Fix: run it again.")
        for column, value in values.items():
            record[header.index(column)] = value
        last = lines[start + used - 1]
        replace[start] = (used, _row_text(record, last[len(last.rstrip("\r\n")):] or "\n"))
    for start in sorted(replace, reverse=True):
        used, new = replace[start]
        lines[start:start + used] = [new]
    write_atomic(path, (BOM if bom else b"") + "".join(lines).encode("utf-8"))
