"""Problem records, the validation Report, and the exception classes.

Two kinds of trouble are kept apart (as frictionless-py does):

* **data problems** are collected as :class:`Problem` rows in a :class:`Report`
  and never raised;
* **program faults** (no ledger here, an unreadable schema, a failed look-up)
  raise subclasses of :class:`EvidenceError`.

This module never prints.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


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


class SchemaError(EvidenceError):
    """datapackage.json is missing, not JSON, or not a usable Table Schema package."""
