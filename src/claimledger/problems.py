"""Problem records, the validation Report, and the exception classes.

Two kinds of trouble are kept apart (as frictionless-py does):

* **data problems** are collected as :class:`Problem` rows in a :class:`Report`
  and never raised;
* **program faults** (no ledger here, an unreadable schema, a failed look-up)
  raise subclasses of :class:`EvidenceError`.

This module never prints.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field

INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00a0\u00ad\u061c\u180e\u2000-\u200f\u2028-\u202f"
                       "\u205f-\u2064\u2066-\u206f\u3000\ufeff\ufff9-\ufffb]")
"""Characters that show as nothing, or as a plain space, on screen but make two values differ."""
_LOOKALIKE = re.compile("[\u0370-\u03ff\u0400-\u052f\u13a0-\u13ff\uff01-\uff5e]")
"""Greek, Cyrillic, Cherokee and full-width letters: they look like Latin letters and digits."""


def code_point(ch: str) -> str:
    """``U+0435 CYRILLIC SMALL LETTER IE``: one character named so that a person can find it.

    >>> code_point("\\u0435"), code_point("\\x00"), code_point("\\ufeff")
    ('U+0435 CYRILLIC SMALL LETTER IE', 'U+0000 NULL', 'U+FEFF ZERO WIDTH NO-BREAK SPACE')
    """
    name = unicodedata.name(ch, "") or {0: "NULL", 9: "TAB", 10: "LINE FEED", 13: "CARRIAGE RETURN"}.get(ord(ch), "CONTROL")
    return f"U+{ord(ch):04X} {name}"


def visible(text: str) -> str:
    """``text`` with every invisible character written as ``<U+XXXX>``, so that a message shows it.

    >>> visible("endorphin\\x00-release")
    'endorphin<U+0000>-release'
    """
    return INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text) if text else text


def hidden_characters(value: str) -> str:
    """A sentence naming the invisible characters of ``value``, and its look-alike letters when it mixes them
    with Latin ones ("" when there are none).

    >>> hidden_characters("\\u0435ndorphin-release")
    'The value holds U+0435 CYRILLIC SMALL LETTER IE at character 1, which looks like a Latin letter.'
    """
    if not value or value.isascii() and not INVISIBLE.search(value):
        return ""
    found = [(i, ch, "invisible") for i, ch in enumerate(value) if INVISIBLE.match(ch)]
    if re.search("[A-Za-z]", value):
        found += [(i, ch, "look-alike") for i, ch in enumerate(value) if _LOOKALIKE.match(ch)]
    if not found:
        return ""
    found.sort()
    parts = [f"{code_point(ch)} at character {i + 1}" for i, ch, _ in found[:5]] + (["..."] if len(found) > 5 else [])
    kinds = {k for *_, k in found}
    tail = ("which look" if len(found) > 1 else "which looks") + " like a Latin letter" if kinds == {"look-alike"} else \
        ("which " + ("do" if len(found) > 1 else "does") + " not show on screen" if kinds == {"invisible"} else "which are hard to see")
    return f"The value holds {', '.join(parts)}, {tail}."


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the ledger, located so that a person can fix it."""

    file: str
    """Path relative to the ledger root, e.g. ``evidence/mentions.csv``."""
    line: int | None
    """Line of the file as an editor shows it (header = line 1); None for whole-file problems."""
    column: str
    """Column name, or a bracketed pseudo-column such as ``(header)`` or ``(encoding)``."""
    code: str
    """Stable machine-readable code, e.g. ``unknown-enum``, ``duplicate-id``."""
    message: str
    """What is wrong, in one sentence."""
    hint: str = ""
    """What to do about it."""
    value: str = ""
    """The offending value, if any."""
    severity: str = "error"
    """``error`` (exit 1) or ``warning`` (reported, exit 0)."""

    def __post_init__(self):
        # Name invisible and look-alike characters by code point in every message, whoever built it.
        note = hidden_characters(self.value) if self.code != "invisible-character" else ""
        message = visible(self.message)
        if note and note not in message:
            message = f"{message} {note}"
        object.__setattr__(self, "message", message)

    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def format(self) -> str:
        """One line: ``file:line: column: message. Fix: hint``."""
        text = f"{self.location()}: {self.column}: {self.message}"
        if self.severity == "warning":
            text = f"{self.location()}: {self.column}: warning: {self.message}"
        if self.hint:
            text += f" Fix: {self.hint}"
        return text

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    """All problems found in one run, errors and warnings together."""

    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    """Rows read per table, for the summary line."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, *problems: Problem) -> None:
        self.problems.extend(problems)

    def extend(self, problems) -> None:
        self.problems.extend(problems)

    def sorted(self) -> list[Problem]:
        order = {"error": 0, "warning": 1}
        return sorted(self.problems, key=lambda p: (p.file, p.line or 0, p.column, order.get(p.severity, 2), p.code))

    def flat(self) -> list[tuple]:
        """``(file, line, column, code)`` tuples, for whole-result assertions in tests."""
        return [(p.file, p.line, p.column, p.code) for p in self.sorted()]

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "counts": self.counts,
            "problems": [p.to_dict() for p in self.sorted()],
        }


class EvidenceError(Exception):
    """Base class of every program fault claimledger raises."""


class LedgerError(EvidenceError):
    """The ledger cannot be used: missing, unreadable, or invalid (see ``report``)."""

    def __init__(self, message: str, report: Report | None = None):
        super().__init__(message)
        self.report = report


class SchemaError(LedgerError):
    """datapackage.json is missing, not JSON, or not a usable Table Schema package (a kind of :class:`LedgerError`:
    the ledger cannot be used)."""


class BuildError(EvidenceError):
    """A report output could not be built (a notebook cell failed, a folder cannot be written)."""


# ---- the catalogue of problem codes ---------------------------------------------------------------------------
# Every Problem carries one of these codes (tests/test_structure.py checks that the code never uses another).
# Codes are stable: scripts may rely on them. docs/data-model.md lists them.
CODES: dict[str, str] = {
    # reading a table (ledger/read.py)
    "missing-file": "a table or document the ledger names does not exist",
    "unreadable-file": "a file exists but cannot be read (permissions, a folder in its place)",
    "outside-ledger": "a path the ledger names resolves outside the ledger folder",
    "empty-file": "a table has no header line",
    "not-utf8": "a file is not valid UTF-8",
    "bom": "a file starts with a UTF-8 byte-order mark (read anyway)",
    "crlf": "a file uses CRLF line endings (read anyway)",
    "wrong-delimiter": "a table is separated by semicolons, tabs or pipes, not commas",
    "duplicate-column": "a column appears twice in the header",
    "renamed-column": "a header names a column the schema does not know, close to one it misses",
    "extra-column": "a header names a column the schema does not know",
    "missing-column": "a header lacks a column the schema declares",
    "column-order": "columns are in another order than the schema's (read anyway)",
    "blank-line": "a blank line inside a table (ignored)",
    "extra-fields": "a row has more fields than the header",
    "missing-fields": "a row has fewer fields than the header",
    "bad-quoting": "a quoted value is never closed",
    "stray-quote": "a quote character inside an unquoted value",
    "field-too-long": "a value is longer than the CSV reader accepts",
    "invisible-character": "a value holds an invisible or control character",
    # the schema's rules (ledger/validate.py)
    "bad-schema": "datapackage.json is missing, not JSON, or not a usable Table Schema package",
    "blank-required": "a required value is empty",
    "bad-integer": "a value is not a whole number",
    "bad-number": "a value is not a number",
    "bad-date": "a value is not a YYYY-MM-DD date",
    "bad-boolean": "a value is not true or false",
    "not-finite": "a number is infinite or not a number",
    "out-of-range": "a number is outside the declared range",
    "unknown-enum": "a value is not in the column's vocabulary",
    "bad-format": "a value does not match the column's pattern",
    "duplicate-id": "an id (or key) is used twice",
    "unknown-reference": "a value refers to a row that does not exist",
    # ledger rules (ledger/validate.py)
    "missing-document": "a registered document's file does not exist",
    "hash-mismatch": "a document's text changed since it was registered",
    "bad-offsets": "a mention's offsets are not a range of its document",
    "quote-mismatch": "a quote is not the text at its offsets",
    "reason-required": "a value that needs a reason has none",
    "orphan-claim": "a claim is made by no document",
    "not-yet-searched": "a claim has no evidence and no logged search",
    "unused-document": "a document has no mentions",
    "unused-citation": "a citation is linked to no claim",
    "no-identifier": "a citation has no DOI, PMID or URL",
    "duplicate-doi": "two citations share a DOI",
    "duplicate-pmid": "two citations share a PMID",
    "future-year": "a publication year lies in the future",
    "measure-required": "an effect estimate has no measure",
    "estimate-outside-ci": "an estimate lies outside its confidence interval",
    "included-not-assessed": "a record included in screening has no assessment",
    "unverified-citation": "a citation was added without a record to check it against (it does not count towards verdicts)",
    "judgement-not-for-domain": "an assessment's judgement is not one its GRADE domain takes (serious for a reason to rate up)",
    # reviewing extracted mentions (writers/extract.py)
    "unknown-decision": "an accept cell is neither yes nor no",
    "unregistered-document": "a review row names a document that is not registered",
    "new-claim": "a review row's claim is not in claims.csv yet",
    "unknown-claim": "a claim_id is not in claims.csv",
    # citation checks (resolve/)
    "not-looked-up": "an identifier is malformed, so it was not looked up",
    "title-mismatch": "a title differs from the record's",
    "year-mismatch": "a year differs from the record's",
    "first-author-mismatch": "a first author differs from the record's",
    "journal-mismatch": "a journal differs from the record's",
    "doi-mismatch": "a source links the PMID to another DOI",
    "pmid-mismatch": "a source links the DOI to another PMID",
    "retracted": "a source records a retraction",
    "expression-of-concern": "a source records an expression of concern",
    "correction": "a source records a correction",
    "reinstatement": "a source records that a retraction was withdrawn",
    "retraction-unconfirmed": "marked retracted, but no source says so",
    "not-found": "an identifier is not found at the source",
    "lookup-failed": "a look-up failed (network, server)",
    "suggested-fill": "a missing DOI or PMID the records agree on",
    "filled": "a missing DOI or PMID was written",
    "fill-skipped": "a fill was not written because another row has that identifier",
    "cache-unreadable": "a cached record cannot be read and was ignored",
}
"""Problem code -> what it means. The single list of codes."""

