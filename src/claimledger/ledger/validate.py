"""Validation of a whole ledger against its datapackage.json, plus ledger rules.

Everything is vectorised over rows (pandas/numpy masks); Python loops run only
over the rows that have a problem, to build the messages. :func:`validate`
never raises for bad data: it returns a :class:`Report` of every problem.
"""
from __future__ import annotations

import datetime as _dt
import difflib
import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..problems import Problem, Report, SchemaError, code_point
from .assessments import check_assessment_rules
from .read import RawTable, decode_documents, read_document_bytes, read_tables
from .schema import Field, Schema, Table, read_schema
from .searchlog import check_search_rules

MAX_SUGGESTIONS = 2000  # beyond this many bad values, skip "did you mean" look-ups


def _arrow(s) -> pa.Array:
    arr = getattr(s, "array", s)
    try:
        return pa.array(arr)
    except (TypeError, pa.ArrowInvalid):
        return pa.array(pd.Series(s, dtype=object).astype(str).to_numpy(), type=pa.string())


def isin(values: pd.Series, pool) -> pd.Series:
    """Vectorised membership test (pyarrow hash set; pandas' isin boxes each value)."""
    pool_arr = _arrow(pd.Series(list(pool), dtype="str") if isinstance(pool, (set, frozenset, list, tuple)) else pool)
    hit = pc.is_in(_arrow(values), value_set=pool_arr.unique()).to_numpy(zero_copy_only=False)
    return pd.Series(hit, index=values.index)


INT_RE = r"[+-]?[0-9]{1,18}"
NUM_RE = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"


def column_number(raw: RawTable, column: str, integer: bool = False) -> pd.Series:
    """``to_number`` of one column of a table, parsed once and reused by every check."""
    cache = raw.__dict__.setdefault("_numbers", {})
    key = (column, integer)
    if key not in cache:
        cache[key] = to_number(raw.frame[column], integer, _well_formed(raw, column, integer))
    return cache[key]


def _well_formed(raw: RawTable, column: str, integer: bool) -> pd.Series:
    """Whether each value of a numeric column is written as a number (one regular-expression pass per column)."""
    cache = raw.__dict__.setdefault("_formed", {})
    key = (column, integer)
    if key not in cache:
        cache[key] = _formed(raw.frame[column], integer)
    return cache[key]


def _formed(s: pd.Series, integer: bool) -> pd.Series:
    """Whether each value is written as a number: plain digits are recognised in one Arrow pass, and only
    the other values (signs, decimals, exponents, errors) go through the regular expression."""
    arr = _arrow(s)
    plain = pc.and_(pc.ascii_is_decimal(arr), pc.less_equal(pc.binary_length(arr), 18))
    ok = np.asarray(plain.to_numpy(zero_copy_only=False), dtype=bool)
    rest = np.flatnonzero(~ok)
    if len(rest):
        ok[rest] = s.iloc[rest].str.fullmatch(INT_RE if integer else NUM_RE).fillna(False).astype(bool).to_numpy()
    return pd.Series(ok, index=s.index)


def to_number(s: pd.Series, integer: bool = False, ok: pd.Series | None = None) -> pd.Series:
    """Parse text as numbers, vectorised; NaN where blank or not a number (``ok``: the values known to parse)."""
    ok = _formed(s, integer) if ok is None else ok
    arr = pc.cast(_arrow(s.where(ok, "0")), pa.float64())
    out = arr.to_numpy(zero_copy_only=False)
    return pd.Series(np.where(ok.to_numpy(), out, np.nan), index=s.index)


def _suggest(value: str, choices, cutoff: float = 0.7) -> str:  # 0.6 offered "refutes" for "agrees"
    m = difflib.get_close_matches(value, list(choices), n=1, cutoff=cutoff)
    return f' (did you mean "{m[0]}"?)' if m else ""


def _emit(raw: RawTable, mask, column: str, code: str, message, hint, severity: str = "error") -> list[Problem]:
    """Problems for the rows where ``mask`` is true; message/hint may be callables of the row index."""
    idx = np.flatnonzero(np.asarray(mask, dtype=bool))
    out = []
    values = raw.frame.get(column)
    for i in idx:
        v = "" if values is None else str(values.iat[i])
        msg = message(i, v) if callable(message) else message
        fix = hint(i, v) if callable(hint) else hint
        out.append(Problem(raw.file, int(raw.lines[i]), column, code, msg, fix, v, severity))
    return out


def _type_mask(s: pd.Series, f: Field, nonblank: pd.Series, raw: RawTable | None = None) -> pd.Series:
    """True where a non-blank value does not parse as the field's type."""
    if f.type in ("integer", "number"):
        formed = _well_formed(raw, f.name, f.type == "integer") if raw is not None else _formed(s, f.type == "integer")
        return nonblank & ~formed
    if f.type == "boolean":
        return nonblank & ~isin(s, f.true_values + f.false_values)
    if f.type == "date":
        return nonblank & pd.to_datetime(s.where(nonblank), format="%Y-%m-%d", errors="coerce").isna()
    return pd.Series(False, index=s.index)


_TYPE_HINT = {
    "integer": "write a whole number such as 42.",
    "number": "write a number such as 0.75 (a point as decimal separator).",
    "date": "write the date as YYYY-MM-DD, e.g. 2026-11-21.",
}


def check_fields(raw: RawTable) -> list[Problem]:
    """Everything one table's schema declares: required, type, enum, pattern, range, unique, primary key."""
    t: Table = raw.table
    df = raw.frame
    out: list[Problem] = []
    if not len(df):  # a header alone: no value to check
        return out
    for f in t.fields:
        s = df[f.name]
        blank = s == ""
        nonblank = ~blank
        if f.required:
            empty = blank | _whitespace_only(s)
            out += _emit(raw, empty, f.name, "blank-required",
                         lambda i, v, f=f: f'"{f.name}" is required but ' + ("holds only spaces." if v else "empty."),
                         f"fill it in ({f.description.rstrip('.')}).")
        if f.type == "boolean":
            bad = _type_mask(s, f, nonblank)
            out += _emit(raw, bad, f.name, "bad-boolean", lambda i, v: f'"{v}" is not a boolean.',
                         f"write {' or '.join(f.true_values[:1] + f.false_values[:1])}.")
        elif f.type in _TYPE_HINT:
            bad = _type_mask(s, f, nonblank, raw)
            out += _emit(raw, bad, f.name, f"bad-{f.type}", lambda i, v, f=f: f'"{v}" is not a valid {f.type}.', _TYPE_HINT[f.type])
            num = None
            if f.type == "number":
                num = column_number(raw, f.name).where(nonblank & ~bad)
                out += _emit(raw, np.isinf(num.to_numpy(dtype=float, na_value=np.nan)), f.name, "not-finite",
                             lambda i, v: f'"{v}" is too large to be a finite number.', "write a finite number (estimates and intervals are finite).")
            if f.minimum is not None or f.maximum is not None:
                num = column_number(raw, f.name, integer=f.type == "integer").where(nonblank & ~bad)
                low = num < f.minimum if f.minimum is not None else pd.Series(False, index=s.index)
                high = num > f.maximum if f.maximum is not None else pd.Series(False, index=s.index)
                out += _emit(raw, (low | high).fillna(False), f.name, "out-of-range",
                             lambda i, v, f=f: f"{v} is {_range_text(f)}.", "correct the value.")
        if f.enum is not None:
            bad = nonblank & ~isin(s, f.enum)
            few = int(bad.sum()) <= MAX_SUGGESTIONS
            out += _emit(raw, bad, f.name, "unknown-enum",
                         lambda i, v, f=f, few=few: f'"{v}" is not a known {f.name}' + (_suggest(v, f.enum) if few else "") + ".",
                         f"use one of {', '.join(f.enum)}.")
        if f.pattern:
            bad = nonblank & ~s.str.fullmatch(f.pattern)
            out += _emit(raw, bad, f.name, "bad-format", lambda i, v, f=f: _pattern_message(f, v), lambda i, v, f=f: _pattern_hint(f, v))
        if f.unique:
            out += _duplicates(raw, [f.name], nonblank)
    pk = list(t.primary_key)
    if pk and not (len(pk) == 1 and t.field(pk[0]).unique):
        out += _duplicates(raw, pk, pd.Series(True, index=df.index))
    return out


def _whitespace_only(s: pd.Series) -> pd.Series:
    """True where a value is not empty but holds only whitespace (one vectorised pass in Arrow)."""
    space = pc.utf8_is_space(_arrow(s)).to_numpy(zero_copy_only=False)
    return pd.Series(np.asarray(space, dtype=bool), index=s.index)


def _range_text(f: Field) -> str:
    if f.minimum is not None and f.maximum is not None:
        return f"outside the allowed range {f.minimum:g} to {f.maximum:g}"
    return f"below the minimum {f.minimum:g}" if f.minimum is not None else f"above the maximum {f.maximum:g}"


def _pattern_message(f: Field, v: str) -> str:
    if f.name in ("doi",) and re.match(r"(?i)https?://|doi:", v):
        return f'"{v}" is a URL or prefixed DOI, not a bare DOI.'
    if f.name.endswith("_id") or f.name == "claim_id":
        return f'"{v}" is not a well-formed {f.name}.'
    return f'"{v}" does not have the expected format for {f.name}.'


def _pattern_hint(f: Field, v: str) -> str:
    if f.name == "doi":
        return 'keep only the DOI itself, starting with "10." (e.g. 10.1001/jamainternmed.2024.0571).'
    if f.name == "pmid":
        return "write the PubMed id as digits only, e.g. 38587857."
    if f.name in ("claim_id", "citation_id", "mention_id", "search_id"):
        return "use lower-case letters, digits and single hyphens, e.g. endorphin-release."
    if f.name == "sha256":
        return "write the 64-character lower-case hex SHA-256 of the file (claimledger add-document does it)."
    return f"match the pattern {f.pattern}."


def _all_distinct(df: pd.DataFrame, cols: list[str]) -> bool:
    """Whether no two rows share the values of ``cols`` (Arrow's hash count: the common case, decided fast)."""
    if len(cols) == 1:  # sorted, equal values are neighbours (for short ids, sorting beats hashing in Arrow)
        arr = _arrow(df[cols[0]])
        arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
        if len(arr) < 2:
            return True
        ordered = arr.take(pc.array_sort_indices(arr))
        return not pc.any(pc.equal(ordered[1:], ordered[:-1])).as_py()
    table = pa.table({c: _arrow(df[c]) for c in cols})
    return table.group_by(cols).aggregate([]).num_rows == len(df)


def _duplicates(raw: RawTable, cols: list[str], among: pd.Series) -> list[Problem]:
    df = raw.frame
    if _all_distinct(df, cols):
        return []
    dup = df.duplicated(subset=cols, keep="first") & among
    if not dup.any():
        return []
    key = df[cols].astype(str).agg("\x1f".join, axis=1) if len(cols) > 1 else df[cols[0]]
    first_line = pd.Series(raw.lines, index=df.index).groupby(key).transform("first")
    label = cols[0] if len(cols) == 1 else "+".join(cols)
    return _emit(raw, dup, cols[0], "duplicate-id",
                 lambda i, v: f'"{key.iat[i]}" is used twice in {label} (also line {first_line.iat[i]}).'.replace("\x1f", ", "),
                 "give each row its own id; ids are never reused." if len(cols) == 1 else "merge the duplicate rows.")


def check_foreign_keys(raws: dict[str, RawTable]) -> list[Problem]:
    out = []
    for raw in raws.values():
        if raw.frame is None:
            continue
        for fk in raw.table.foreign_keys:
            parent = raws.get(fk.resource)
            if parent is None or parent.frame is None:
                continue
            for col, pcol in zip(fk.fields, fk.reference_fields):
                s = raw.frame[col]
                known = parent.frame[pcol]
                bad = (s != "") & ~isin(s, known)
                few = int(bad.sum()) <= MAX_SUGGESTIONS
                out += _emit(raw, bad, col, "unknown-reference",
                             lambda i, v, p=parent, pc=pcol, k=known, few=few: f'"{v}" is not a {pc} in {p.file}' + (_suggest(v, k) if few else "") + ".",
                             lambda i, v, p=parent, pc=pcol: f"add it to {p.file} first, or correct the {pc}.")
    return out


def compare_quotes(document_id: pd.Series, quote: pd.Series, start: np.ndarray, end: np.ndarray,
                   texts: dict[str, str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whether each quote sits at its offsets in its document's text, character for character.

    Offsets count Unicode code points. Vectorised, with no Python loop over quotes: offsets become
    byte positions in each document's UTF-8 (a code-point-to-byte table only for documents that are
    not plain ASCII), the document bytes at each row's offsets become one Arrow binary-view array
    (views into the documents, nothing copied per quote), and Arrow compares it with the quotes.
    Rows whose document text is unknown, whose offsets are missing or whose quote is empty are not
    compared.

    Returns ``(bad_range, mismatch, doc_len)``: offsets outside the document or
    reversed; a quote that differs from the text at its offsets; each row's
    document length in code points (0 when unknown).
    """
    doc_ids = list(texts)
    code = (pc.index_in(_arrow(document_id), value_set=pa.array(doc_ids, type=pa.string())).fill_null(-1)
            .to_numpy(zero_copy_only=False).astype(np.int64)) if doc_ids else np.full(len(quote), -1, dtype=np.int64)
    has_doc = code >= 0
    n_cp = np.array([len(texts[k]) for k in doc_ids] + [0], dtype=np.int64)
    doc_len = np.where(has_doc, n_cp[code], 0)
    quotes = pc.fill_null(_arrow(quote), "")  # a missing quote is an empty one: not compared
    q_len = pc.binary_length(quotes).to_numpy(zero_copy_only=False).astype(np.int64)
    quotes = quotes.cast(pa.binary_view())  # views onto the same bytes
    usable = has_doc & ~np.isnan(start) & ~np.isnan(end) & (q_len > 0)
    bad_range = usable & ((start < 0) | (start > end) | (end > doc_len))
    usable &= ~bad_range
    usable &= np.abs(np.nan_to_num(start)) < 2**62  # beyond this a float is no offset of any document
    good = np.zeros(len(q_len), dtype=bool)
    if doc_ids and usable.any():
        good = _slices_equal([texts[k].encode("utf-8") for k in doc_ids], code, start, end, quotes, q_len, usable)
    return bad_range, usable & ~good, doc_len


def _byte_offsets(encoded: list[bytes], code: np.ndarray, start: np.ndarray, end: np.ndarray,
                  rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Code-point offsets as byte offsets into each row's document (the same numbers for ASCII documents)."""
    bstart = np.where(rows, np.nan_to_num(start), 0).astype(np.int64)
    bend = np.where(rows, np.nan_to_num(end), 0).astype(np.int64)
    wide = [d for d, e in enumerate(encoded) if not e.isascii()]
    if wide:
        # code point -> byte offset for each non-ASCII document: the bytes that start a character, plus the end
        maps = [np.append(np.flatnonzero((np.frombuffer(encoded[d], np.uint8) & 0xC0) != 0x80), len(encoded[d])) for d in wide]
        map_base = np.full(len(encoded) + 1, -1, dtype=np.int64)
        map_base[wide] = np.cumsum([0] + [len(m) for m in maps[:-1]])
        cp2byte = np.concatenate(maps).astype(np.int64)
        sel = rows & (map_base[code] >= 0)
        bstart[sel] = cp2byte[map_base[code[sel]] + bstart[sel]]
        bend[sel] = cp2byte[map_base[code[sel]] + bend[sel]]
    return bstart, bend


VIEW_INLINE = 12
"""Values up to this many bytes sit inside an Arrow binary view; longer ones point into a data buffer."""


def _slices_equal(encoded: list[bytes], code: np.ndarray, start: np.ndarray, end: np.ndarray, quotes,
                  q_len: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each row in ``rows``, whether the quote's bytes equal its document's bytes at its offsets.

    The document side is an Arrow binary-view array built from buffers: a view is 16 bytes, the
    length then either the value itself (up to 12 bytes, zero-padded) or its first 4 bytes, the
    buffer (one per document) and the offset in it. Rows not compared get an empty value.
    """
    bstart, bend = _byte_offsets(encoded, code, start, end, rows)
    compare = rows & ((bend - bstart) == q_len)
    big_doc = [d for d, e in enumerate(encoded) if len(e) >= 2**31]  # beyond a view's 32-bit offsets
    slow = compare & np.isin(code, big_doc) if big_doc else np.zeros_like(compare)
    compare &= ~slow
    joined = np.frombuffer(b"".join(encoded) + bytes(VIEW_INLINE), dtype=np.uint8)
    words = np.ndarray((len(joined) - 3,), dtype="<u4", buffer=joined, strides=(1,))  # 4 bytes from every position
    base = np.cumsum([0] + [len(e) for e in encoded[:-1]]).astype(np.int64)
    idx = np.flatnonzero(compare)
    at = base[code[idx]] + bstart[idx]
    length = q_len[idx]
    views = np.zeros((len(q_len), 4), dtype="<u4")
    views[idx, 0] = length
    views[idx, 1] = words[at]  # the first 4 bytes: inline data or the view's prefix
    long_ = length > VIEW_INLINE
    views[idx[long_], 2] = code[idx[long_]]
    views[idx[long_], 3] = bstart[idx[long_]]
    short, at, length = idx[~long_], at[~long_], length[~long_]
    for col in (1, 2, 3):  # inline values, zero-padded after their length
        keep = np.clip(length - 4 * (col - 1), 0, 4).astype(np.uint64)
        mask = ((np.uint64(1) << (np.uint64(8) * keep)) - np.uint64(1)).astype(np.uint32)
        views[short, col] = words[at + 4 * (col - 1)] & mask
    doc_side = pa.Array.from_buffers(pa.binary_view(), len(q_len), [None, pa.py_buffer(views), *map(pa.py_buffer, encoded)])
    same = pc.equal(doc_side, quotes).to_numpy(zero_copy_only=False)  # view against view: pyarrow >= 25
    good = compare & same
    for i in np.flatnonzero(slow):  # documents over 2 GiB: one comparison per row
        good[i] = encoded[code[i]][bstart[i]:bend[i]] == quotes[int(i)].as_py()
    return good


def closest_match(text: str, quote: str, start: int) -> int | None:
    """Where in ``text`` the quote occurs nearest to ``start`` (None when it does not occur at all).

    When the quote does not occur as typed, whitespace is compared loosely (a plain space matches a
    no-break space, a line break or several spaces): this is for the suggestion only, the check itself
    stays exact.

    >>> closest_match("It is\u00a0completely safe.", "is completely", 0)
    3
    """
    if not quote:
        return None
    hits = [h.start() for h in re.finditer(re.escape(quote), text)]
    if not hits and quote.strip():
        loose = r"\s+".join(re.escape(w) for w in quote.split())
        hits = [h.start() for h in re.finditer(loose, text)]
    return min(hits, key=lambda h: abs(h - start)) if hits else None


def _whitespace_note(text: str, quote: str, at: int) -> str:
    """How the document's whitespace differs from the quote's at a loose match ("" when it does not)."""
    if text[at:at + len(quote)] == quote:
        return ""
    m = re.compile(r"\s+".join(re.escape(w) for w in quote.split())).match(text, at)
    found = m.group() if m else ""
    theirs = {c for c in found if c.isspace() and c != " "}
    ours = {c for c in quote if c.isspace()}
    extra = sorted(theirs - ours)
    return (", where the document has " + ", ".join(code_point(c) for c in extra) + " and the quote has plain spaces") if extra else ""


def check_quotes(mentions: RawTable, documents: RawTable, doc_bytes: dict[str, bytes | None]) -> list[Problem]:
    """Every quote must sit at its offsets in its document's text, character for character (:func:`compare_quotes`)."""
    m, d = mentions.frame, documents.frame
    texts = {k: t for k, t in decode_documents(doc_bytes).items() if t is not None}
    start = column_number(mentions, "start", integer=True).to_numpy()
    end = column_number(mentions, "end", integer=True).to_numpy()
    bad_range, mismatch, doc_len = compare_quotes(m["document_id"], m["quote"], start, end, texts)
    bad_range &= ~(start > end)  # reversed offsets get their own message (check_ledger_rules)
    out = _emit(mentions, bad_range, "end", "bad-offsets",
                lambda i, v: f"offsets {m['start'].iat[i]}-{m['end'].iat[i]} are out of range for {_doc_file(d, m['document_id'].iat[i])} ({int(doc_len[i])} characters).",
                "set start and end to the quote's position in the text (end = start + length of quote).")

    def msg(i, v):
        doc = m["document_id"].iat[i]
        s_, e_ = int(start[i]), int(end[i])
        hit = closest_match(texts[doc], m["quote"].iat[i], s_)
        where = (f" (closest match at {hit}{_whitespace_note(texts[doc], m['quote'].iat[i], hit)})" if hit is not None
                 else " (the quote does not occur anywhere in the text)")
        return f"text not found in {_doc_file(d, doc)} at {s_}-{e_}{where}."
    out += _emit(mentions, mismatch, "quote", "quote-mismatch", msg,
                 "copy the quote character for character from the document and set start/end to where it occurs.")
    return out


def _doc_file(d: pd.DataFrame, doc_id: str) -> str:
    hit = d.loc[d["document_id"] == doc_id, "file"]
    return str(hit.iat[0]) if len(hit) else doc_id


def check_documents(documents: RawTable, doc_bytes: dict[str, bytes | None]) -> list[Problem]:
    d = documents.frame
    out = []
    ids = d["document_id"].astype(str)
    data = [doc_bytes.get(k) for k in ids]
    exists = pd.Series([b is not None for b in data], index=d.index, dtype=bool)
    why = getattr(doc_bytes, "why", {})
    code = pd.Series([why.get(k, ("missing-document", ""))[0] for k in ids], index=d.index)
    absent = (d["file"] != "") & ~exists
    out += _emit(documents, absent & (code == "missing-document"), "file", "missing-document",
                 lambda i, v: f"{v} does not exist.", "put the document's text there, or correct the path.")
    out += _emit(documents, absent & (code == "outside-ledger"), "file", "outside-ledger",
                 lambda i, v: f"{why[ids.iat[i]][1]}; it was not read.",
                 "keep the document's text inside the ledger's documents/ folder (a copy, not a link to elsewhere).")
    out += _emit(documents, absent & (code == "unreadable-file"), "file", "unreadable-file",
                 lambda i, v: f"{v} cannot be read ({why[ids.iat[i]][1]}).", "make the file readable (check its permissions).")
    # Documents are few and large: hashing is per file, not per row.
    digests = pd.Series([hashlib.sha256(b).hexdigest() if b is not None else "" for b in data], index=d.index)
    bad = exists & (d["sha256"] != "") & (digests != d["sha256"])
    out += _emit(documents, bad, "sha256", "hash-mismatch",
                 lambda i, v: f"{d['file'].iat[i]} has SHA-256 {digests.iat[i][:12]}…, not {v[:12]}…: the text changed since it was registered.",
                 "documents are never edited: restore the original text, or register the new version with `claimledger add-document`.")
    return out


def check_ledger_rules(raws: dict[str, RawTable], today: _dt.date | None = None) -> list[Problem]:
    """Rules beyond the schema: conditional requirements, orphans, identifiers, coverage."""
    today = today or _dt.date.today()
    out: list[Problem] = []
    claims = raws["claims"]
    mentions = raws["mentions"]
    links = raws.get("links")
    searches = raws.get("searches")
    citations = raws.get("citations")
    docs = raws["documents"]
    if claims.frame is not None:
        c = claims.frame
        out += _emit(claims, (c["testable"] == "false") & (c["testable_reason"] == ""), "testable_reason", "reason-required",
                     "a claim marked testable=false needs a reason.", "say why no study could confirm or refute it.")
        out += _emit(claims, (c["verdict_override"] != "") & (c["override_reason"] == ""), "override_reason", "reason-required",
                     "a verdict override needs a reason.", "say why the reviewer overrides the computed verdict.")
        if mentions.frame is not None:
            orphan = ~isin(c["claim_id"], mentions.frame["claim_id"])
            out += _emit(claims, orphan, "claim_id", "orphan-claim",
                         lambda i, v: f'claim "{v}" is made by no document (no row in {mentions.file}).',
                         "add the mention(s) that make it, or remove the claim.")
        if links is not None and links.frame is not None and searches is not None and searches.frame is not None:
            covered = pd.concat([links.frame["claim_id"], searches.frame["claim_id"]], ignore_index=True)
            out += _emit(claims, ~isin(c["claim_id"], covered), "claim_id", "not-yet-searched",
                         lambda i, v: f'claim "{v}" has no evidence links and no logged search.',
                         f"search for evidence and log it in {searches.file}.", severity="warning")
    if docs.frame is not None and mentions.frame is not None:
        unused = ~isin(docs.frame["document_id"], mentions.frame["document_id"])
        out += _emit(docs, unused, "document_id", "unused-document",
                     lambda i, v: f'document "{v}" has no mentions yet.', "record the claims it makes.", severity="warning")
    if mentions.frame is not None:
        m = mentions.frame
        s = column_number(mentions, "start", integer=True)
        e = column_number(mentions, "end", integer=True)
        out += _emit(mentions, (s > e).fillna(False), "end", "bad-offsets",
                     lambda i, v: f"end {v} is before start {m['start'].iat[i]}: the offsets are reversed.",
                     "set start to where the quote begins and end to start + length of quote.")
    if citations is not None and citations.frame is not None:
        ct = citations.frame
        none = (ct["doi"] == "") & (ct["pmid"] == "") & (ct["url"] == "")
        out += _emit(citations, none, "doi", "no-identifier", "the citation has no DOI, PMID or URL.",
                     "add the identifier you checked in the real record; a citation you could not verify does not go in.")
        for col, norm in (("doi", ct["doi"].str.lower().str.strip()), ("pmid", ct["pmid"].str.strip())):
            present = norm != ""
            dup = norm.duplicated(keep="first") & present
            first = pd.Series(citations.lines, index=ct.index).groupby(norm).transform("first")
            out += _emit(citations, dup, col, f"duplicate-{col}",
                         lambda i, v, first=first, col=col: f'{col.upper()} "{v}" is already used by line {first.iat[i]}.',
                         "one row per publication: merge the two rows.")
        year = to_number(ct["year"], integer=True)
        out += _emit(citations, (year > today.year + 1).fillna(False), "year", "future-year",
                     lambda i, v: f"year {v} is in the future.", "check the publication year in the record.")
        if links is not None and links.frame is not None:
            cited = links.frame["citation_id"]
            dc = raws.get("document_citations")
            if dc is not None and dc.frame is not None:
                cited = pd.concat([cited, dc.frame["citation_id"]], ignore_index=True)
            out += _emit(citations, ~isin(ct["citation_id"], cited), "citation_id", "unused-citation",
                         lambda i, v: f'citation "{v}" is linked to no claim and cited by no document.',
                         "link it to the claim it bears on, or remove it.", severity="warning")
    if links is not None and links.frame is not None:
        lk = links.frame
        out += _emit(links, (lk["certainty_basis"] == "assessor") & (lk["certainty_reason"] == ""), "certainty_reason",
                     "reason-required", "a certainty rated by the assessor needs a reason.",
                     "say why (design, size, risk of bias, indirectness).")
        finite = lambda v: v.where(np.isfinite(v.to_numpy(dtype=float, na_value=np.nan)))  # infinities are reported as not-finite
        est, lo, hi = finite(to_number(lk["estimate"])), finite(to_number(lk["ci_low"])), finite(to_number(lk["ci_high"]))
        out += _emit(links, est.notna() & (lk["measure"] == ""), "measure", "measure-required",
                     "an estimate needs its measure.", "set measure (RR, OR, HR, RD, MD or SMD).")
        out += _emit(links, (est.notna() & lo.notna() & hi.notna() & ((lo > est) | (est > hi))).fillna(False), "estimate",
                     "estimate-outside-ci", lambda i, v: f"estimate {v} lies outside its interval {lk['ci_low'].iat[i]} to {lk['ci_high'].iat[i]}.",
                     "check the numbers against the paper.")
    dc = raws.get("document_citations")
    if dc is not None and dc.frame is not None:
        f = dc.frame
        out += _emit(dc, (f["match"] != "none") & (f["citation_id"] == ""), "citation_id", "blank-required",
                     "a reference matched exactly or closely needs the citation_id it matches.",
                     "fill in citation_id, or set match to none.")
    return out


def _ledger_rules(raws: dict[str, RawTable], today: _dt.date | None) -> list[Problem]:
    return check_ledger_rules(raws, today) + check_search_rules(raws) + check_assessment_rules(raws)


def validate(root: str | Path = ".", today: _dt.date | None = None) -> Report:
    """Validate the ledger at ``root``: every schema rule and every ledger rule.

    Returns a :class:`Report`; never raises for bad data.

    Examples
    --------
    >>> report = validate(".")  # doctest: +SKIP
    >>> report.ok, len(report.errors)  # doctest: +SKIP
    (True, 0)
    """
    return validate_tables(root, today)[0]


def validate_tables(root: str | Path = ".", today: _dt.date | None = None):
    """Like :func:`validate`, also returning what was read, ``(report, raw tables, document bytes, schema)``,
    so that :func:`claimledger.load` builds its frames without reading anything twice.
    The tables and schema are None when the schema itself cannot be read.
    """
    root = Path(root)
    report = Report()
    try:
        schema: Schema = read_schema(root).require()
    except SchemaError as err:
        report.add(Problem("datapackage.json", None, "(file)", "bad-schema", str(err)))
        return report, None, {}, None
    raws = read_tables(root, schema)
    docs = raws.get("documents")
    doc_bytes = read_document_bytes(root, docs.frame) if docs is not None and docs.frame is not None else {}
    ledger_tables = all(n in raws for n in ("claims", "mentions", "documents"))
    quotes_ready = ledger_tables and raws["documents"].frame is not None and raws["mentions"].frame is not None
    # Two threads share the work: the quote check (numpy, Arrow) and then the ledger rules run on a second thread
    # while this one checks fields and foreign keys (Arrow, pandas). The heavy parts release the GIL, so on two
    # cores they run side by side. Results are merged in a fixed order, so reports stay deterministic.
    with ThreadPoolExecutor(max_workers=1) as pool:
        quotes = pool.submit(check_quotes, raws["mentions"], raws["documents"], doc_bytes) if quotes_ready else None
        rules = pool.submit(_ledger_rules, raws, today) if ledger_tables else None
        for name, raw in raws.items():
            report.extend(raw.problems)
            if raw.frame is not None:
                report.counts[name] = len(raw.frame)
                report.extend(check_fields(raw))
        report.extend(check_foreign_keys(raws))
        if ledger_tables and raws["documents"].frame is not None:
            report.extend(check_documents(raws["documents"], doc_bytes))
        if quotes is not None:
            report.extend(quotes.result())
        if rules is not None:
            report.extend(rules.result())
    return report, raws, doc_bytes, schema
