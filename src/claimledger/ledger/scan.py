"""Characters and cells a person cannot see or a CSV reader mishandles, found in a table's raw text.

* invisible characters (NUL and other controls, zero-width spaces, bidirectional controls, a byte-order
  mark in the middle of a file) are reported by code point, e.g. ``U+0000``, so that two values that look
  the same on screen can be told apart (``invisible-character``);
* a quote character inside an unquoted value, or text after a closing quote (``stray-quote``): readers
  disagree about such a value (pyarrow drops the quotes, the csv module stops);
* a value longer than :data:`MAX_FIELD` characters (``field-too-long``; :mod:`.read` checks it as it parses).

The scan costs one pass of ``bytes.translate`` over a file that holds only plain ASCII and no quotes; only
files that hold something else are searched with regular expressions.
"""
from __future__ import annotations

import re

import numpy as np

from ..problems import Problem, code_point

MAX_FIELD = 131_072
"""Longest value accepted, in characters (the csv module's default field-size limit)."""
_PLAIN = bytes(range(0x20, 0x7F)).replace(b'"', b"") + b"\t\n\r"
INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")
"""Characters that show as nothing (or as a space) on screen but make two values differ."""
_STRAY = re.compile(r'(?<=[^,\n"])"(?=[^,\n"])')


def _field_index(text: str, start: int, pos: int) -> tuple[int, bool]:
    """Which field (0-based) of the record starting at ``start`` holds the character at ``pos``, and whether
    that field opens with a quote."""
    field, quoted, opened = 0, False, text[start:start + 1] == '"'
    for k, ch in enumerate(text[start:pos], start):
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            field, opened = field + 1, text[k + 1:k + 2] == '"'
    return field, opened


def _locate(text: str, positions: list[int], record_lines: np.ndarray, header: list[str]):
    """(editor line, column name) of each position: the line of the character, the field of its record."""
    newlines = np.flatnonzero(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32) == 10) if positions else np.zeros(0, int)
    for pos in positions:
        line = int(np.searchsorted(newlines, pos, side="right")) + 1
        rec = line
        if len(record_lines):
            k = int(np.searchsorted(record_lines, line, side="right")) - 1
            rec = int(record_lines[k]) if k >= 0 else line
        start = int(newlines[rec - 2]) + 1 if rec >= 2 else 0
        idx, opened = _field_index(text, start, pos)
        yield line, (header[idx] if idx < len(header) else "(row)"), opened


def scan_text(file: str, data: bytes, text_of, header: list[str], record_lines: np.ndarray) -> list[Problem]:
    """Invisible characters and stray quotes in a table's text (``text_of()``, decoded from ``data`` only when needed)."""
    if not data.translate(None, _PLAIN):
        return []
    text = text_of() if callable(text_of) else text_of
    out: list[Problem] = []
    hits = [(m.start(), m.group()) for m in INVISIBLE.finditer(text)]
    for (pos, ch), (line, column, _) in zip(hits, _locate(text, [p for p, _ in hits], record_lines, header)):
        what = "a byte-order mark in the middle of the file" if ch == "\ufeff" else "an invisible character"
        out.append(Problem(file, line, column, "invisible-character", f"the value holds {code_point(ch)}, {what}.",
                           "delete it (it does not show on screen, but makes the value differ from what it looks like).",
                           code_point(ch)))
    strays = [m.start() for m in _STRAY.finditer(text)]
    seen = set()
    for pos, (line, column, opened) in zip(strays, _locate(text, strays, record_lines, header)):
        if (line, column) in seen:
            continue  # one problem per value
        seen.add((line, column))
        context = text[max(pos - 20, 0):pos + 20].split("\n")[0]
        fix = 'quote the whole value and double each quote inside it, e.g. "say ""no"" to that".'
        if opened:  # text after a closing quote: readers disagree (pyarrow drops the quotes, the csv module stops)
            out.append(Problem(file, line, column, "stray-quote", "a quote inside a quoted value is not doubled, so the value ends early.",
                               fix, context))
        else:  # read literally by every reader, but not valid CSV
            out.append(Problem(file, line, column, "stray-quote", "a quote character stands inside a value that is not quoted "
                               "(read as it is).", fix, context, "warning"))
    return out
