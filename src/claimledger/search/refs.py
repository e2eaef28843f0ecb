"""``claimledger import-refs FILE``: BibTeX, RIS or CSL-JSON references as unverified citations.

Parsing is left to maintained libraries: bibtexparser (v2) for BibTeX, rispy for
RIS, the json module for CSL-JSON. Each entry becomes a ``citations.csv`` row
(title, authors 'Surname AB; ...', first author, year, journal, DOI, PMID, URL);
an entry whose DOI or PMID the ledger already cites (or that the file holds
twice) is skipped and named; every new row is unverified (blank
``verified_source``). Any entry that cannot become a valid row stops the
import: its problems are listed (entry number and line where known) and nothing
is written.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..ledger.edit import append_rows
from ..ledger.schema import read_schema
from ..problems import Problem
from .cite import PUBTYPE_DESIGN, _existing, _initials, make_citation_id, surname
from .records import clean_doi, clean_pmid, clean_text, clean_year
from .tables import SearchError, check_rows, raw_table

FORMATS = {".bib": "bibtex", ".bibtex": "bibtex", ".ris": "ris", ".json": "csl-json"}


@dataclass
class Ref:
    """One entry of the file, as read."""

    where: str
    """How to find it in the file: ``entry 3 (line 17)``."""
    line: int | None
    title: str = ""
    authors: list[str] = field(default_factory=list)
    year: str = ""
    journal: str = ""
    doi: str = ""
    pmid: str = ""
    url: str = ""
    kind: str = ""
    """Publication type as the file states it (BibTeX/RIS/CSL type or keywords), to infer a design."""


def _vancouver(name: str) -> str:
    """'Tu, Jian-Feng' or 'Jian-Feng Tu' or 'Tu JF' -> 'Tu JF'; an organisation stays whole."""
    name = clean_text(name).strip("{} ")
    if "," in name:
        family, given = (p.strip() for p in name.split(",", 1))
        return f"{family} {_initials(given)}".strip()
    if re.fullmatch(r".+\s[A-Z]{1,4}", name):
        return name
    parts = name.split()
    return f"{parts[-1]} {_initials(' '.join(parts[:-1]))}".strip() if len(parts) > 1 else name


def _pmid_in(text: str) -> str:
    m = re.search(r"PMID:\s*([1-9][0-9]{0,8})", text or "")
    return m.group(1) if m else ""


def read_bibtex(text: str) -> tuple[list[Ref], list[Problem]]:
    import bibtexparser
    lib = bibtexparser.parse_string(text)
    problems = [Problem("", b.start_line + 1, "(entry)", "bad-format", f"BibTeX block at line {b.start_line + 1} cannot be parsed "
                        f"({type(b).__name__}).", "fix the braces and commas of that entry.") for b in lib.failed_blocks]
    refs = []
    for n, e in enumerate(lib.entries, 1):
        f = {k.lower(): clean_text(str(v.value)).replace("{", "").replace("}", "") for k, v in e.fields_dict.items()}
        authors = [_vancouver(a) for a in re.split(r"\s+and\s+", f.get("author", "")) if a.strip() and a.strip() != "others"]
        refs.append(Ref(f"entry {n} ({e.key})", e.start_line + 1, f.get("title", ""), authors, clean_year(f.get("year", "")),
                        f.get("journal", "") or f.get("journaltitle", ""), clean_doi(f.get("doi", "")),
                        clean_pmid(f.get("pmid", "")) or _pmid_in(f.get("note", "")), f.get("url", ""),
                        f.get("keywords", "") + " " + f.get("pubtype", "")))
    return refs, problems


def read_ris(text: str) -> tuple[list[Ref], list[Problem]]:
    import rispy
    try:
        entries = rispy.loads(text)
    except Exception as err:  # noqa: BLE001 -- rispy raises plain exceptions for malformed files
        return [], [Problem("", None, "(file)", "bad-format", f"not a RIS file rispy can read ({err}).",
                            "export the references again as RIS (tags like 'TY  - JOUR', one 'ER  -' per entry).")]
    refs = []
    for n, e in enumerate(entries, 1):
        names = e.get("authors") or e.get("first_authors") or []
        notes = " ".join(e.get("notes") or []) + " " + str(e.get("accession_number", "")) + " " + " ".join(e.get("keywords") or [])
        refs.append(Ref(f"entry {n}", None, clean_text(e.get("title") or e.get("primary_title") or ""), [_vancouver(a) for a in names],
                        clean_year(str(e.get("year") or e.get("publication_year") or "")),
                        clean_text(e.get("journal_name") or e.get("secondary_title") or e.get("alternate_title3") or ""),
                        clean_doi(e.get("doi", "")), clean_pmid(str(e.get("accession_number", "")).strip()) or _pmid_in(notes),
                        (e.get("urls") or [""])[0], notes + " " + str(e.get("type_of_reference", ""))))
    return refs, []


def read_csl(text: str) -> tuple[list[Ref], list[Problem]]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as err:
        return [], [Problem("", err.lineno, "(file)", "bad-format", f"invalid JSON at line {err.lineno}, column {err.colno} ({err.msg}).",
                            "export the references again as CSL-JSON.")]
    items = items if isinstance(items, list) else [items]
    refs = []
    for n, it in enumerate(items, 1):
        if not isinstance(it, dict):
            refs.append(Ref(f"entry {n}", None))
            continue
        names = [a.get("literal") or _vancouver(f"{a.get('family', '')}, {a.get('given', '')}" if a.get("given") else a.get("family", ""))
                 for a in it.get("author") or [] if isinstance(a, dict)]
        parts = ((it.get("issued") or {}).get("date-parts") or [[None]])[0] or [None]
        refs.append(Ref(f"entry {n} ({it.get('id', '')})", None, clean_text(it.get("title")), [clean_text(x) for x in names],
                        clean_year(str(parts[0] or "")), clean_text(it.get("container-title")), clean_doi(it.get("DOI", "")),
                        clean_pmid(str(it.get("PMID", ""))), clean_text(it.get("URL")), clean_text(it.get("genre") or it.get("type"))))
    return refs, []


READERS = {"bibtex": read_bibtex, "ris": read_ris, "csl-json": read_csl}


@dataclass
class ImportOutcome:
    added: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """One line per entry left out because the ledger (or the file) has it already."""
    problems: list[Problem] = field(default_factory=list)


def _design(ref: Ref, given: str | None) -> str:
    for pubtype, design in PUBTYPE_DESIGN.items():
        if pubtype.lower() in ref.kind.lower():
            return design
    return given or ""


def _row(ref: Ref, design: str, taken: set[str], day: str, name: str) -> dict:
    first = surname(ref.authors[0]) if ref.authors else ""
    return {"citation_id": make_citation_id(first, ref.year, ref.title, taken) if ref.title and ref.year else "", "doi": ref.doi,
            "pmid": ref.pmid, "url": ref.url if re.fullmatch(r"https?://\S+", ref.url or "") else "", "title": ref.title,
            "first_author": first, "authors": "; ".join(ref.authors), "year": ref.year, "journal": ref.journal, "design": design,
            "retracted": "false", "verified_source": "", "verified_on": "",
            "note": f"Unverified: imported from {name} ({ref.where}) on {day}. Check it in a real record (or run claimledger resolve "
                    "--online --fill), then fill verified_source and verified_on."}


def import_refs(root: str | Path, path: str | Path, design: str | None = None, dry_run: bool = False,
                today: _dt.date | None = None) -> ImportOutcome:
    """Import a reference file (see the module docstring). Returns what was (or, with ``dry_run``, would be) added."""
    root, path = Path(root), Path(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise SearchError(f"{path}: unknown format {path.suffix or '(no extension)'}. Fix: use .bib (BibTeX), .ris (RIS) or .json (CSL-JSON).")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise SearchError(f"{path}: no such file.") from None
    except UnicodeDecodeError as err:
        raise SearchError(f"{path}: not UTF-8 (byte {err.start}). Fix: export the references as UTF-8.") from None
    table = read_schema(root).table("citations")
    if design and design not in (table.field("design").enum or ()):
        raise SearchError(f"design {design!r} is not in the vocabulary. Fix: use one of {', '.join(table.field('design').enum)}.")
    refs, problems = READERS[kind](text)
    out = ImportOutcome(problems=[Problem(str(path), p.line, p.column, p.code, p.message, p.hint) for p in problems])
    citations = raw_table(root, "citations").frame
    taken, seen = set(citations["citation_id"]), {}
    day = (today or _dt.datetime.now(_dt.UTC).date()).isoformat()
    for ref in refs:
        have = _existing(citations, ref.pmid, ref.doi) or next((seen[k] for k in (ref.pmid, (ref.doi or "").casefold()) if k and k in seen), "")
        if have:
            out.skipped.append(f"{ref.where}: already cited as {have}")
            continue
        row = _row(ref, _design(ref, design), taken, day, path.name)
        found = check_rows(table, [row], 0)
        if not (ref.doi or ref.pmid or row["url"]):
            found.append(Problem("", None, "doi", "no-identifier", "no DOI, PMID or URL.", ""))
        for p in found:
            hint = "pass --design (one of the vocabulary) or cite it alone" if p.column == "design" else "fill it in the reference manager and export again"
            out.problems.append(Problem(str(path), ref.line, p.column, p.code, f"{ref.where}: {p.message}", hint, p.value))
        taken.add(row["citation_id"])
        seen.update({k: row["citation_id"] for k in (ref.pmid, (ref.doi or "").casefold()) if k})
        out.added.append(row)
    if out.problems:
        out.added = []
    elif out.added and not dry_run:
        append_rows(root / table.path, table.field_names, out.added)
    return out
