"""Ledger rules for the search log, the screening table and unverified citations (issue 10).

* ``searches.csv``: ``retrieved`` cannot exceed ``hits``; ``rerun_of`` names a logged search.
* ``screening.csv``: ``exclude`` needs a reason from the ledger's list; a decision
  needs ``screened_by`` and ``screened_on``, and those need a decision; the
  ``record_id`` agrees with the ``pmid``/``doi`` columns; an included record
  that was never assessed gets a warning saying exactly what to add
  (``included-not-assessed``).
* ``citations.csv``: a blank ``verified_source`` means unverified (a warning:
  it never counts towards a verdict until checked); ``verified_source`` and
  ``verified_on`` go together.

Vectorised over rows like the rest of :mod:`claimledger.ledger.validate`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..problems import Problem
from .read import RawTable


def _emit(raw: RawTable, mask, column: str, code: str, message, hint, severity: str = "error") -> list[Problem]:
    out = []
    values = raw.frame.get(column)
    for i in np.flatnonzero(np.asarray(mask, dtype=bool)):
        v = "" if values is None else str(values.iat[i])
        out.append(Problem(raw.file, int(raw.lines[i]), column, code, message(i, v) if callable(message) else message,
                           hint(i, v) if callable(hint) else hint, v, severity))
    return out


def check_searches(searches: RawTable) -> list[Problem]:
    s = searches.frame
    out: list[Problem] = []
    if "retrieved" in s.columns and "hits" in s.columns and (s["hits"] != "").any():
        hits = pd.to_numeric(s["hits"].where(s["hits"].str.fullmatch(r"[0-9]+")), errors="coerce")
        got = pd.to_numeric(s["retrieved"].where(s["retrieved"].str.fullmatch(r"[0-9]+")), errors="coerce")
        out += _emit(searches, (got > hits).fillna(False), "retrieved", "out-of-range",
                     lambda i, v: f"{v} records retrieved, but the database reported only {s['hits'].iat[i]} hits.",
                     "retrieved counts records read or imported from this search, at most hits.")
    if "rerun_of" in s.columns and (given := s["rerun_of"] != "").any():  # most rows are not re-runs: test only those
        bad = given.copy()
        bad[given] = ~s.loc[given, "rerun_of"].isin(set(s["search_id"]))
        out += _emit(searches, bad, "rerun_of", "unknown-reference", lambda i, v: f'"{v}" is not a search_id in {searches.file}.',
                     "name the search this one repeats, or leave rerun_of blank.")
    return out


def _screening_fields(scr: RawTable) -> list[Problem]:
    f = scr.frame
    decided = f["decision"] != ""
    out = _emit(scr, (f["decision"] == "exclude") & (f["reason"] == ""), "reason", "reason-required",
                "an excluded record needs a reason.", lambda i, v: "pick one from the reason list in datapackage.json "
                "(claimledger screen offers it), e.g. wrong_population.")
    out += _emit(scr, (f["decision"] == "include") & (f["reason"] != ""), "reason", "reason-required",
                 "a reason is for excluded records, but this one is included.", "clear the reason, or set decision to exclude.",
                 severity="warning")
    for col in ("screened_by", "screened_on"):
        out += _emit(scr, decided & (f[col] == ""), col, "blank-required", f"a decision needs {col}.",
                     "write who decided and when (claimledger screen fills both).")
        out += _emit(scr, ~decided & (f[col] != ""), col, "reason-required", f"{col} is filled but there is no decision.",
                     "write include or exclude in decision, or clear the cell.")
    pmid_id = f["record_id"].str.startswith("pmid:")
    out += _emit(scr, pmid_id & (f["record_id"].str[5:] != f["pmid"]), "pmid", "bad-format",
                 lambda i, v: f'record_id "{f["record_id"].iat[i]}" does not match pmid "{v}".', "make record_id pmid:<the pmid>.")
    return out


def _included_not_assessed(scr: RawTable, citations: RawTable, links: RawTable | None, link_fields: list[str]) -> list[Problem]:
    f = scr.frame
    inc = f[f["decision"] == "include"]
    if inc.empty:
        return []
    cit = citations.frame
    by_pmid = {p.strip(): c for p, c in zip(cit["pmid"], cit["citation_id"]) if p.strip()}
    by_doi = {d.strip().casefold(): c for d, c in zip(cit["doi"], cit["citation_id"]) if d.strip()}
    linked = set(zip(links.frame["claim_id"], links.frame["citation_id"])) if links is not None and links.frame is not None else set()
    required = ", ".join(link_fields)
    problems = []
    for i in inc.index:
        row = f.loc[i]
        cid = by_pmid.get(row["pmid"]) or by_doi.get(row["doi"].casefold())
        ident = row["pmid"] or row["doi"] or row["record_id"]
        if cid is None:
            msg = f'{row["record_id"]} was included for claim "{row["claim_id"]}" but is not cited.'
            hint = (f"run `claimledger cite {ident}` (with --online to take the record from its database), then add a row to "
                    f"evidence/links.csv with claim_id {row['claim_id']}, the new citation_id and {required}.")
        elif (row["claim_id"], cid) not in linked:
            msg = f'{row["record_id"]} was included for claim "{row["claim_id"]}" and is cited as "{cid}", but never assessed.'
            hint = f"add a row to evidence/links.csv with claim_id {row['claim_id']}, citation_id {cid} and {required}."
        else:
            continue
        line = int(scr.lines[f.index.get_loc(i)])
        problems.append(Problem(scr.file, line, "decision", "included-not-assessed", msg, hint, "include", "warning"))
    return problems


def check_screening(scr: RawTable, citations: RawTable | None, links: RawTable | None) -> list[Problem]:
    out = _screening_fields(scr)
    if citations is not None and citations.frame is not None:
        fields = [f.name for f in links.table.fields if f.required and f.name not in ("claim_id", "citation_id")] if links is not None else []
        out += _included_not_assessed(scr, citations, links, fields)
    return out


def check_verification(citations: RawTable) -> list[Problem]:
    ct = citations.frame
    if "verified_source" not in ct.columns or "verified_on" not in ct.columns:
        return []
    source, on = ct["verified_source"].str.strip(), ct["verified_on"].str.strip()
    out = _emit(citations, (source == "") & (on == ""), "verified_source", "unverified-citation",
                lambda i, v: f'citation "{ct["citation_id"].iat[i]}" is unverified, so it does not count towards any verdict.',
                "check its DOI/PMID and title in a real record (PubMed, PMC, the journal) and fill verified_source and verified_on, "
                "or run `claimledger resolve --online --fill` to confirm it from the records.", severity="warning")
    out += _emit(citations, (source != "") & (on == ""), "verified_on", "blank-required", "verified_source needs verified_on.",
                 "write the date you checked the record (YYYY-MM-DD).")
    out += _emit(citations, (source == "") & (on != ""), "verified_source", "blank-required", "verified_on needs verified_source.",
                 "write the URL of the record you checked.")
    return out


def check_search_rules(raws: dict[str, RawTable]) -> list[Problem]:
    """Every rule above, for the tables that were read."""
    ok = lambda name: raws.get(name) is not None and raws[name].frame is not None
    out: list[Problem] = []
    if ok("searches"):
        out += check_searches(raws["searches"])
    if ok("screening"):
        out += check_screening(raws["screening"], raws["citations"] if ok("citations") else None, raws.get("links") if ok("links") else None)
    if ok("citations"):
        out += check_verification(raws["citations"])
    return out
