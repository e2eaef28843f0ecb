"""Screening decisions on candidate records (``evidence/screening.csv``), made one at a time and written atomically.

The terminal loop lives in the CLI (``claimledger screen``); this module lists
what waits, checks a decision against the ledger's own reason list (the
``reason`` enum in its ``datapackage.json``) and writes it by replacing that one
row, every other byte of the file unchanged.
"""
from __future__ import annotations

import datetime as _dt
import getpass
import os
from dataclasses import dataclass
from pathlib import Path

from ..ledger.read import RawTable
from ..ledger.schema import read_schema
from ..ledger.searchlog import check_screening
from ..problems import Problem
from .tables import SearchError, check_rows, known_claim, raw_table, refuse, replace_rows

DECISIONS = ("include", "exclude")


@dataclass
class Candidate:
    """One row of screening.csv, as the terminal shows it."""

    index: int
    """Row position in the table (0-based)."""
    line: int
    """Editor line of the row."""
    row: dict

    @property
    def link(self) -> str:
        r = self.row
        if r["pmid"]:
            return f"https://pubmed.ncbi.nlm.nih.gov/{r['pmid']}/"
        if r["doi"]:
            return f"https://doi.org/{r['doi']}"
        src, _, ident = r["record_id"].removeprefix("europepmc:").partition(":")
        return f"https://europepmc.org/article/{src}/{ident}"


def reasons(root: str | Path) -> tuple[str, ...]:
    """The exclusion reasons this ledger allows (its datapackage.json's ``screening.reason`` enum)."""
    return read_schema(root).vocabulary("screening", "reason")


def screener(by: str | None = None) -> str:
    """Who is deciding: ``--by``, else ``$CLAIMLEDGER_SCREENER``, else the login name."""
    name = (by or os.environ.get("CLAIMLEDGER_SCREENER", "") or getpass.getuser() or "").strip()
    if not name:
        raise SearchError("who is screening? Fix: pass --by NAME or set $CLAIMLEDGER_SCREENER.")
    return name


def table(root: str | Path) -> RawTable:
    return raw_table(Path(root), "screening")


def candidates(root: str | Path, claim_id: str | None = None, redo: bool = False) -> list[Candidate]:
    """Rows waiting for a decision (with ``redo``: every row, to change decisions), optionally for one claim."""
    root = Path(root)
    if claim_id:
        known_claim(root, claim_id)
    raw = table(root)
    out = []
    for i, row in enumerate(raw.frame.to_dict("records")):
        if (claim_id and row["claim_id"] != claim_id) or (row["decision"] and not redo):
            continue
        out.append(Candidate(i, int(raw.lines[i]), row))
    return out


def problems(root: str | Path) -> list[Problem]:
    """What is wrong with the decisions in screening.csv (schema and screening rules), hand-made ones included."""
    from ..ledger.validate import check_fields
    root = Path(root)
    raw = table(root)
    cit = raw_table(root, "citations")
    links = raw_table(root, "links")
    return check_fields(raw) + check_screening(raw, cit, links)


def decide(root: str | Path, claim_id: str, record_id: str, decision: str, reason: str = "", by: str | None = None,
           on: _dt.date | None = None, note: str | None = None) -> dict:
    """Record (or change) the decision on one candidate; returns the row as written.

    Raises :class:`SearchError` for an unknown candidate, decision or reason (nothing is written then).
    """
    root = Path(root)
    if decision not in DECISIONS:
        raise SearchError(f"decision {decision!r} is neither include nor exclude.")
    allowed = reasons(root)
    if decision == "exclude" and reason not in allowed:
        raise SearchError(f"reason {reason!r} is not in this ledger's list. Fix: use one of {', '.join(allowed)} "
                          "(the list is the screening.reason enum in datapackage.json).")
    raw = table(root)
    f = raw.frame
    hit = f.index[(f["claim_id"] == claim_id) & (f["record_id"] == record_id)]
    if not len(hit):
        raise SearchError(f"no candidate {record_id} for claim {claim_id} in {raw.file}.")
    i = int(f.index.get_loc(hit[0]))
    change = {"decision": decision, "reason": reason if decision == "exclude" else "", "screened_by": screener(by),
              "screened_on": (on or _dt.datetime.now(_dt.UTC).date()).isoformat()}
    if note is not None:
        change["note"] = note
    row = {**f.iloc[i].to_dict(), **change}
    refuse(check_rows(raw.table, [row], int(raw.lines[i])), f"the decision on {record_id}")
    replace_rows(root, raw, {i: change}, ["claim_id", "record_id"])
    return row
