"""Reading the ledger's CSV tables and documents, robustly.

Every table is read as text first (all columns ``str``) so that nothing is
coerced or dropped silently; structural trouble (encoding, delimiter, header,
quoting, short or long rows) becomes :class:`~claimledger.problems.Problem`
rows with the line a person sees in an editor. Typed frames (categoricals for
enums, nullable integers, booleans, dates) are built from the schema by
:func:`typed_frame`. No network calls, no scoring.
"""
from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..problems import Problem
from .paths import OutsideLedger, contained
from .scan import MAX_FIELD, scan_text
from .schema import Schema, Table

BOM = b"\xef\xbb\xbf"
ARROW_BLOCK = 4 << 20
"""Bytes per block of pyarrow's CSV reader (its default of 1 MiB makes more, slower blocks on large tables)."""
csv.field_size_limit(2**31 - 1)  # long values are reported as field-too-long (scan.check_lengths), not as a parse error


@dataclass
class RawTable:
    """A table as read: all-text frame plus the editor line of each row."""

    table: Table
    frame: pd.DataFrame | None
    """None when the file could not be read at all (see problems)."""
    lines: np.ndarray
    """``lines[i]`` is the 1-based line where row ``i`` starts (header is line 1)."""
    problems: list[Problem]

    @property
    def file(self) -> str:
        return self.table.path


def _read_arrow(body, header: list[str], quoted: bool) -> tuple[pd.DataFrame | None, list[tuple[int, str, int]]]:
    """Fast path: pyarrow's multi-threaded CSV reader, every column as text.

    Returns (None, []) as soon as any row is irregular (too few or too many fields),
    so that the exact slow path can locate and report it; else the frame and the
    values longer than :data:`MAX_FIELD` as (row, column, characters). ``body`` is
    bytes-like (read without a copy); ``quoted``: whether it holds a quote character.
    Columns are read as ``large_string``, pandas' own storage for text, so that no
    column is copied again on the way to pandas.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    irregular = []

    def on_invalid(row):
        irregular.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(body)),
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, use_threads=True, block_size=ARROW_BLOCK),
            # Without a quote character no value can hold a newline, and the reader splits blocks much faster.
            # A blank line is read as a row of empty values: _has_empty_row sends such a file to the slow path.
            parse_options=pacsv.ParseOptions(newlines_in_values=quoted, ignore_empty_lines=False, invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.large_string() for c in header}, strings_can_be_null=False,
                                                 quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None, []
    if irregular or _has_empty_row(table):
        return None, []
    too_long = [(int(i), name, int(n)) for name, col in zip(header, table.columns) if len(col) and pc.max(pc.binary_length(col)).as_py() > MAX_FIELD
                for i, n in _long_values(col)]
    frame = table.to_pandas()
    return (frame.astype("str") if any(str(t) != "str" for t in frame.dtypes) else frame), too_long


def _has_empty_row(table) -> bool:
    """Whether some row has every value empty: a blank line reads so, and only the slow path tells it from ",,,"."""
    import pyarrow.compute as pc
    if not table.num_rows or not table.num_columns:
        return False
    rows = np.flatnonzero(pc.binary_length(table.column(0)).to_numpy(zero_copy_only=False) == 0)
    for col in table.columns[1:]:
        if not len(rows):
            break
        rows = rows[pc.binary_length(col.take(rows)).to_numpy(zero_copy_only=False) == 0]
    return bool(len(rows))


def _long_values(col):
    import pyarrow.compute as pc
    chars = pc.utf8_length(col).to_numpy(zero_copy_only=False)
    return [(i, chars[i]) for i in np.flatnonzero(chars > MAX_FIELD)]



def _record_start_lines(text: str, n_rows: int) -> np.ndarray:
    """The editor line on which each record starts, walking the records once (values span lines)."""
    starts = []
    reader = csv.reader(io.StringIO(text))
    prev = 0
    for i, _ in enumerate(reader):
        if i:
            starts.append(prev + 1)
        prev = reader.line_num
    return np.asarray(starts[:n_rows], dtype=int)


def _too_long(file: str, found, lines) -> list[Problem]:
    return [Problem(file, int(lines[i]), column, "field-too-long", f"the value is {n:,} characters long; at most {MAX_FIELD:,} are accepted.",
                    "shorten it (a quote needs only the words that make the claim), or split it into several rows.") for i, column, n in found]


def _parse_rows(text_of, file: str, expected: list[str], data: bytes | None = None):
    # ``expected`` here is the header as the file has it; the caller reorders to the schema.
    """Parse the records under the header into an all-text frame.

    Fast path: pyarrow's CSV reader (:func:`_read_arrow`), which gives up on any
    irregular row (too few or too many fields, a blank line). Slow path: the csv
    module, record by record, which locates every fault exactly. ``text_of()``
    gives the text (decoded only when needed); ``data``, when given, is the same
    text as bytes, which Arrow reads as they are. Trailing blank lines are
    harmless and ignored on both paths. Returns ``(frame or None, lines, problems)``.
    """
    width = len(expected)
    problems: list[Problem] = []
    if data is None:
        data = text_of().encode("utf-8")
    end = len(data)
    while end > 0 and data[end - 1] == 10:
        end -= 1
    quoted = data.find(b'"', 0, end) != -1
    frame, too_long = _read_arrow(memoryview(data)[:end], expected, quoted)
    if frame is not None:
        # Editor lines equal record numbers unless some (quoted) value spans lines; only then walk the records.
        spans = quoted and data.count(b"\n", 0, end) != len(frame)  # one line per record after the header, when nothing spans
        lines = _record_start_lines(text_of(), len(frame)) if spans else np.arange(2, len(frame) + 2)
        return frame, lines, problems + _too_long(file, too_long, lines)
    text = text_of()
    # Slow, exact path. Trailing blank lines are harmless and ignored, as on the fast path.
    rows, starts, too_long = [], [], []
    reader = csv.reader(io.StringIO(text.rstrip("\n") + "\n"), strict=True)
    prev = 0
    try:
        for i, rec in enumerate(reader):
            start, prev = prev + 1, reader.line_num
            if i == 0:
                continue
            if not rec:
                problems.append(Problem(file, start, "(row)", "blank-line", "blank line inside the table.",
                                        "delete the blank line (it is ignored).", severity="warning"))
                continue
            if len(rec) != width:
                kind = "extra-fields" if len(rec) > width else "missing-fields"
                fix = ("quote any value that contains a comma, or remove the extra fields." if len(rec) > width
                       else "add the missing values (empty ones as consecutive commas).")
                problems.append(Problem(file, start, "(row)", kind, f"row has {len(rec)} fields but the header has {width}.", fix))
                continue
            rows.append(rec)
            starts.append(start)
            if len(max(rec, key=len, default="")) > MAX_FIELD:
                too_long += [(len(rows) - 1, expected[k], len(v)) for k, v in enumerate(rec) if len(v) > MAX_FIELD]
    except csv.Error as err:
        problems.append(Problem(file, prev + 1, "(row)", "bad-quoting",
                                f"a quoted value that starts on this line is never closed ({err}).",
                                'close the quote; write a quote inside a quoted value as two quotes ("").'))
    if any(p.severity == "error" for p in problems):
        return None, np.zeros(0, dtype=int), problems
    lines = np.asarray(starts, dtype=int)
    return pd.DataFrame(rows, columns=expected, dtype=str), lines, problems + _too_long(file, too_long, lines)


def _lazy_text(data: bytes):
    """A function that decodes ``data`` (ASCII) the first time it is called, and then returns the same text."""
    cache: list[str] = []

    def text_of() -> str:
        if not cache:
            cache.append(data.decode("ascii"))
        return cache[0]
    return text_of


def _decode(file: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """The text of a table file: BOM and CRLF tolerated with a warning, bytes that are not UTF-8 reported."""
    problems: list[Problem] = []
    if data.startswith(BOM):
        problems.append(Problem(file, 1, "(encoding)", "bom", "the file starts with a UTF-8 byte-order mark.",
                                "save it as UTF-8 without BOM (the ledger reads it anyway).", severity="warning"))
        data = data[len(BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        col = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        problems.append(Problem(file, line, "(encoding)", "not-utf8", f"byte 0x{data[err.start]:02X} at character {col} is not valid UTF-8.",
                                "save the file as UTF-8 (in a spreadsheet: CSV UTF-8)."))
        return None, problems
    if "\r" in text:
        problems.append(Problem(file, 1, "(encoding)", "crlf", "the file uses Windows (CRLF) line endings.",
                                "save it with LF line endings so that git diffs stay clean (the ledger reads it anyway).",
                                severity="warning"))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, problems


def _check_header(file: str, first: str, expected: list[str]) -> tuple[list[str], list[Problem]]:
    """The header's column names and its problems: wrong delimiter, duplicate, renamed, extra or missing columns."""
    header = next(csv.reader([first]))
    if len(header) == 1 and len(expected) > 1:
        for sep, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
            if sep in first:
                return header, [Problem(file, 1, "(header)", "wrong-delimiter", f"the file is separated by {name}, not commas.",
                                        "save it as comma-separated values (CSV).")]
    problems = []
    seen = set()
    for name in header:
        if name in seen:
            problems.append(Problem(file, 1, name, "duplicate-column", f'column "{name}" appears twice in the header.', "keep one of them."))
        seen.add(name)
    missing = [c for c in expected if c not in header]
    for name in (c for c in header if c not in expected):
        close = difflib.get_close_matches(name, missing, n=1, cutoff=0.6)
        if close:
            problems.append(Problem(file, 1, name, "renamed-column", f'column "{name}" is not in the schema.',
                                    f'rename it to "{close[0]}".', value=name))
            missing.remove(close[0])
        else:
            problems.append(Problem(file, 1, name, "extra-column", f'column "{name}" is not in the schema.',
                                    f"remove it, or declare it in datapackage.json; expected columns: {','.join(expected)}.", value=name))
    problems += [Problem(file, 1, name, "missing-column", f'column "{name}" is missing from the header.',
                         f"add it; expected columns: {','.join(expected)}.") for name in missing]
    return header, problems


def _open_table(root: str | Path, table: Table) -> tuple[bytes | None, list[Problem]]:
    """The bytes of a table file, or the problem that stops it being read: outside the ledger, missing, unreadable."""
    file, expected = table.path, table.field_names
    try:
        return contained(root, file).read_bytes(), []
    except OutsideLedger as err:
        return None, [Problem(file, None, "(file)", "outside-ledger", f"datapackage.json names this table's path, but {err}; it was not read.",
                              "name a path inside the ledger folder, e.g. evidence/NAME.csv.")]
    except FileNotFoundError:
        return None, [Problem(file, None, "(file)", "missing-file", "the file is missing.",
                              f"create it with the header line: {','.join(expected)}")]
    except OSError as err:
        return None, [Problem(file, None, "(file)", "unreadable-file", f"the file cannot be read ({err.strerror or err}).",
                              "make it a readable file (check its permissions, and that no folder has its name).")]


def read_table(root: str | Path, table: Table) -> RawTable:
    """Read one table of the ledger as text, collecting every structural problem.

    Examples
    --------
    >>> raw = read_table(".", read_schema(".").table("claims"))  # doctest: +SKIP
    >>> raw.frame.columns[:2].tolist()  # doctest: +SKIP
    ['claim_id', 'statement']
    """
    data, problems = _open_table(root, table)
    if data is None:
        return RawTable(table, None, np.zeros(0, dtype=int), problems)
    return parse_table(table, data)


def parse_table(table: Table, data: bytes) -> RawTable:
    """A table's bytes as an all-text frame, with every structural problem (what :func:`read_table` read)."""
    file = table.path
    expected = table.field_names

    def fail(*p: Problem) -> RawTable:
        return RawTable(table, None, np.zeros(0, dtype=int), list(p))

    if not data.startswith(BOM) and b"\r" not in data and data.isascii():
        # Plain ASCII (the common case for large tables): valid UTF-8 as it is, decoded only if something needs the text.
        text_of, problems, first = _lazy_text(data), [], data[:data.find(b"\n")].decode() if b"\n" in data else data.decode()
        empty = not data or data.isspace()
    else:
        text, problems = _decode(file, data)
        if text is None:
            return fail(*problems)
        text_of, first, empty = (lambda: text), text[:text.find("\n")] if "\n" in text else text, not text or text.isspace()
    if empty:
        return fail(*problems, Problem(file, 1, "(header)", "empty-file", "the file is empty; it needs at least a header line.",
                                       f"put this header on line 1: {','.join(expected)}"))
    header, header_problems = _check_header(file, first, expected)
    if header_problems:
        return fail(*problems, *header_problems)
    if header != expected:
        problems.append(Problem(file, 1, "(header)", "column-order", "columns are in a different order from the schema.",
                                f"reorder them as: {','.join(expected)}.", severity="warning"))
    unchanged = not problems  # no BOM and no CR taken out: the bytes are the text, and Arrow reads them as they are
    frame, lines, found = _parse_rows(text_of, file, header, data if unchanged else None)
    scanned = scan_text(file, data, text_of, header, lines)
    if scanned and any(p.code == "stray-quote" for p in scanned):
        found = [p for p in found if p.code != "bad-quoting"]  # the csv module calls a stray quote an unclosed one
    problems.extend(scanned)
    problems.extend(found)
    if frame is None:
        return fail(*problems)
    return RawTable(table, frame[expected], lines, problems)


def typed_frame(raw: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Convert an all-text table to proper dtypes as the schema declares them.

    Enums become categoricals with the declared categories, integers ``Int64``,
    numbers ``Float64``, booleans ``boolean``, dates ``datetime64``, text
    ``string``; empty cells become missing values. Values that do not parse
    become missing (validation reports them; :func:`claimledger.load` refuses
    an invalid ledger unless asked not to).
    """
    out = {}
    for f in table.fields:
        s = raw[f.name] if f.name in raw else pd.Series([""] * len(raw), index=raw.index)
        blank = s == ""
        if f.type == "integer":  # 18 digits at most, as validation accepts: a longer one is missing, not an overflow
            whole = s.str.fullmatch(r"[+-]?[0-9]{1,18}").fillna(False).astype(bool)
            out[f.name] = pd.to_numeric(s.where(~blank & whole), errors="coerce").astype("Int64")
        elif f.type == "number":  # an infinite number is invalid (not-finite) and, like any invalid value, missing
            num = pd.to_numeric(s.where(~blank), errors="coerce").astype("Float64")
            out[f.name] = num.mask(num.abs() == np.inf)
        elif f.type == "boolean":
            mapped = pd.Series(pd.NA, index=s.index, dtype="boolean")
            mapped[s.isin(f.true_values)] = True
            mapped[s.isin(f.false_values)] = False
            out[f.name] = mapped
        elif f.type == "date":
            out[f.name] = pd.to_datetime(s.where(~blank), format="%Y-%m-%d", errors="coerce")
        elif f.enum is not None:
            # unknown values (reported by validation) become missing, not an error
            out[f.name] = pd.Categorical(s.where(~blank & s.isin(f.enum)), categories=list(f.enum))
        else:
            out[f.name] = s.where(~blank).astype("string")
    return pd.DataFrame(out, index=raw.index)


class DocumentBytes(dict):
    """document_id -> the document's bytes, or None; ``why[document_id]`` says why a document has none."""

    def __init__(self):
        super().__init__()
        self.why: dict[str, tuple[str, str]] = {}
        """document_id -> (problem code, reason): ``missing-document``, ``outside-ledger`` or ``unreadable-file``."""


def read_document(root: str | Path, file: str) -> bytes:
    """The bytes of one document the ledger names: the one way every command reads a document.

    Documents are bytes; their text is those bytes decoded as UTF-8 (:func:`document_text`), with every
    line ending (LF, CRLF, a lone CR) kept, so that offsets count the same code points everywhere.

    Raises
    ------
    OutsideLedger
        when the path resolves outside the ledger folder (nothing is opened).
    FileNotFoundError, OSError
        when it is missing or cannot be read.
    """
    path = contained(root, file)
    if not path.is_file():
        raise (IsADirectoryError if path.is_dir() else FileNotFoundError)(2 if not path.exists() else 21, "not a file", file)
    return path.read_bytes()


def document_text(data: bytes) -> str:
    """A document's text from its bytes: strict UTF-8, line endings untouched (no universal newlines).

    Raises UnicodeDecodeError when the bytes are not UTF-8.
    """
    return data.decode("utf-8")


def read_document_bytes(root: str | Path, documents: pd.DataFrame) -> DocumentBytes:
    """The bytes of each registered document, read once (None when missing, outside the ledger or unreadable).

    Validation hashes them, the quote check and the loader decode them.
    """
    data = DocumentBytes()
    for doc_id, file in zip(documents["document_id"].astype(str), documents["file"].astype(str)):
        data[doc_id] = None
        if not file:
            continue
        try:
            data[doc_id] = read_document(root, file)
        except OutsideLedger as err:
            data.why[doc_id] = ("outside-ledger", str(err))
        except FileNotFoundError:
            data.why[doc_id] = ("missing-document", "does not exist")
        except OSError as err:
            data.why[doc_id] = ("unreadable-file", err.strerror or str(err))
    return data


def decode_documents(data: dict[str, bytes | None]) -> dict[str, str | None]:
    """Document texts from their bytes (None when missing or not UTF-8)."""
    out: dict[str, str | None] = {}
    for doc_id, raw in data.items():
        try:
            out[doc_id] = document_text(raw) if raw is not None else None
        except UnicodeDecodeError:
            out[doc_id] = None
    return out


def read_tables(root: str | Path, schema: Schema) -> dict[str, RawTable]:
    """Read every table the schema declares."""
    return {name: read_table(root, t) for name, t in schema.tables.items()}
