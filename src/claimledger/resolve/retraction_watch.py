"""Checking citations against a local copy of the Retraction Watch database (``resolve --retraction-watch FILE``).

Crossref publishes the database as one CSV (about 60 MB, 60,000+ rows) with the
header ``Record ID,Title,Subject,Institution,Journal,Publisher,Country,Author,URLS,
ArticleType,RetractionDate,RetractionDOI,RetractionPubMedID,OriginalPaperDate,
OriginalPaperDOI,OriginalPaperPubMedID,RetractionNature,Reason,Paywalled,Notes``,
often with a trailing comma on every line, dates like ``5/31/2024 0:00``, ``0`` for
"no PMID" and ``unavailable`` for "no DOI". Each row is a notice about the
original paper: its ``RetractionNature`` is Retraction, Expression of concern,
Correction or Reinstatement. Citations are matched by DOI (case-insensitive)
and PMID, offline, with pyarrow's CSV reader and one hash join, so 60,000 notices
against 100,000 citations take well under a second
(``benchmarks/bench_retraction_watch.py``). Problems use the resolver's codes
(``retracted``, ``expression-of-concern``, ``correction``, ``reinstatement``) and
name Retraction Watch and the record as the source. A reinstatement later than
the last retraction means the paper is no longer retracted.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..problems import Problem
from .config import ResolveError

SOURCE = "Retraction Watch"
NEWLINE = b"\n"
NEEDED = ["Record ID", "RetractionDate", "RetractionDOI", "RetractionPubMedID", "OriginalPaperDOI", "OriginalPaperPubMedID", "RetractionNature"]
KINDS = {"retraction": "retraction", "expression of concern": "expression_of_concern", "correction": "correction",
         "reinstatement": "reinstatement"}
CODES = {"retraction": "retracted", "expression_of_concern": "expression-of-concern", "correction": "correction",
         "reinstatement": "reinstatement"}
WORDS = {"retraction": "a retraction", "expression_of_concern": "an expression of concern", "correction": "a correction",
         "reinstatement": "a reinstatement"}


def _fail(path: Path, message: str) -> ResolveError:
    return ResolveError(f"{path}: {message} Fix: give the retraction_watch.csv file Crossref publishes (UTF-8, its header unchanged).")


def _header(path: Path) -> list[str]:
    try:
        with open(path, "rb") as f:
            first = f.readline().decode("utf-8-sig").rstrip("\r\n")
    except FileNotFoundError:
        raise ResolveError(f"{path}: no such file. Fix: give the path of a local copy of the Retraction Watch CSV.") from None
    except UnicodeDecodeError as err:
        raise _fail(path, f"line 1 is not UTF-8 (byte {err.start}).") from None
    import csv
    names = next(csv.reader([first]), [])
    missing = [c for c in NEEDED if c not in names]
    if missing:
        raise _fail(path, f"line 1 lacks the column(s) {', '.join(missing)}.")
    return names


def _utf8(path: Path) -> bytes:
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(NEWLINE, 0, err.start) + 1
        raise _fail(path, f"line {line} is not UTF-8 (byte 0x{data[err.start]:02X}).") from None
    return data


def read_notices(path: str | Path) -> pd.DataFrame:
    """One row per (notice, identifier of the original paper): ``key`` (``doi:...`` lower-case or ``pmid:N``), ``kind``,
    ``record``, ``date`` (YYYY-MM-DD), ``notice_doi``, ``notice_pmid``.

    Raises :class:`ResolveError` naming the file and line when it cannot be read.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv
    path = Path(path)
    names = _header(path)
    data = _utf8(path)
    try:
        table = pacsv.read_csv(io.BytesIO(data), read_options=pacsv.ReadOptions(column_names=[n or f"_{i}" for i, n in enumerate(names)],
                                                                               skip_rows=1),
                               parse_options=pacsv.ParseOptions(newlines_in_values=True),
                               convert_options=pacsv.ConvertOptions(include_columns=NEEDED, column_types=dict.fromkeys(NEEDED, pa.string()),
                                                                    strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowException) as err:
        raise _fail(path, f"unreadable CSV ({str(err).splitlines()[0][:200]}).") from None
    df = table.to_pandas()
    kind = df["RetractionNature"].str.strip().str.lower().map(KINDS)
    date = df["RetractionDate"].str.extract(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})")
    iso = (date[2] + "-" + date[0].str.zfill(2) + "-" + date[1].str.zfill(2)).fillna("")
    base = pd.DataFrame({"kind": kind, "record": df["Record ID"].str.strip(), "date": iso,
                         "notice_doi": df["RetractionDOI"].str.strip().replace({"unavailable": "", "Unavailable": ""}),
                         "notice_pmid": df["RetractionPubMedID"].str.strip().replace({"0": ""})})
    doi = df["OriginalPaperDOI"].str.strip().str.lower()
    pmid = df["OriginalPaperPubMedID"].str.strip()
    by_doi = base.assign(key="doi:" + doi)[doi.str.startswith("10.").to_numpy() & kind.notna().to_numpy()]
    by_pmid = base.assign(key="pmid:" + pmid)[pmid.str.fullmatch(r"[1-9][0-9]{0,8}").to_numpy() & kind.notna().to_numpy()]
    return pd.concat([by_doi, by_pmid], ignore_index=True)


@dataclass
class Match:
    """What the notices say about one citation."""

    citation_id: str
    line: int
    retracted_flag: str
    retracted: bool
    """A retraction not followed by a later reinstatement."""
    said: dict[str, str]
    """Notice kind -> the records that say so, as one text."""


def match_citations(notices: pd.DataFrame, citations: pd.DataFrame, lines) -> list[Match]:
    """The citations (all-text frame with citation_id, doi, pmid, retracted) that notices name. Vectorised: one hash
    join, one group-by; Python runs once per matched (citation, kind)."""
    idx = np.arange(len(citations))
    doi = citations["doi"].str.strip().str.lower()
    pmid = citations["pmid"].str.strip()
    keys = pd.concat([pd.DataFrame({"row": idx, "key": "doi:" + doi})[doi.ne("").to_numpy()],
                      pd.DataFrame({"row": idx, "key": "pmid:" + pmid})[pmid.ne("").to_numpy()]], ignore_index=True)
    hit = keys.merge(notices, on="key", how="inner").drop_duplicates(subset=["row", "record", "kind"])
    if hit.empty:
        return []
    hit = hit.sort_values(["row", "date", "record"], kind="stable")
    ids = ("doi:" + hit["notice_doi"]).where(hit["notice_doi"] != "", "")
    pm = ("PMID " + hit["notice_pmid"]).where(hit["notice_pmid"] != "", "")
    both = (ids + ", " + pm).str.strip(", ")
    hit["text"] = "record " + hit["record"] + (", " + hit["date"]).where(hit["date"] != "", "") + (" (" + both + ")").where(both != "", "")
    said = hit.groupby(["row", "kind"], sort=True)["text"].agg("; ".join)
    dates = hit.groupby(["row", "kind"], sort=True)["date"].max().unstack()
    rows = dates.index
    retraction = dates["retraction"].astype(object) if "retraction" in dates else pd.Series(None, index=rows, dtype=object)
    reinstated = dates["reinstatement"].astype(object) if "reinstatement" in dates else pd.Series(None, index=rows, dtype=object)
    later = [isinstance(a, str) and isinstance(b, str) and b >= a for a, b in zip(retraction, reinstated)]
    effective = pd.Series(retraction.notna().to_numpy() & ~np.array(later, dtype=bool), index=rows)
    by_row: dict[int, dict[str, str]] = {}
    for (row, kind), text in said.items():
        by_row.setdefault(int(row), {})[kind] = text
    cid, flag = citations["citation_id"].to_numpy(), citations["retracted"].to_numpy()
    lines = np.asarray(lines)
    return [Match(cid[r], int(lines[r]), flag[r], bool(effective.get(r, False)), kinds) for r, kinds in by_row.items()]


def problems_for(m: Match, file: str, source_name: str) -> list[Problem]:
    out = []
    for kind, text in m.said.items():
        said = f"{SOURCE} ({source_name}) records {WORDS[kind]}: {text}."
        if kind == "retraction" and m.retracted:
            hint = ("already marked retracted=true, so it never counts towards a verdict." if m.retracted_flag == "true"
                    else "set retracted to true, so that it never counts towards a verdict.")
            out.append(Problem(file, m.line, "retracted", "retracted", said, hint, m.retracted_flag))
        elif kind == "retraction":
            out.append(Problem(file, m.line, "(record)", "reinstatement", said + " A later reinstatement withdrew it.",
                               "the work stands; keep retracted false and read the notices.", severity="warning"))
        else:
            hint = ("set retracted back to false if the reinstatement covers the whole work." if kind == "reinstatement"
                    else f"read the {kind.replace('_', ' ')}; check whether it changes the finding this citation supports.")
            out.append(Problem(file, m.line, "(record)", CODES[kind], said, hint, severity="warning"))
    return out
