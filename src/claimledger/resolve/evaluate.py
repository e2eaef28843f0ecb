"""The verdict on one citation, computed from the cache alone (and this run's faults).

Online and offline runs both end here, reading the same files, which is why an
offline run from a clean checkout repeats the last online result exactly.

Which records belong to a citation:

* its DOI at Crossref (and OpenAlex); its PMID at PubMed (or OpenAlex when it has no DOI);
* with a DOI but no PMID: the PubMed record that a search for the DOI found;
* with a PMID but no DOI: the Crossref record of the DOI that PubMed gives.

Status, first match wins: ``retracted`` (any source), ``mismatch``,
``not_found`` (an identifier of the citation that no source holds),
``resolved`` (at least one record, all agreeing); with no record at all,
``verified_manually`` when the row names ``verified_source`` and
``verified_on``, else ``not_checked``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..problems import Problem
from .cache import FOUND, NOT_FOUND, Cache, Entry, normalise_key
from .compare import CONCERN, CORRECTION, NOTICE_KINDS, RETRACTION, Mismatch, Notice, Work, check_work, compare, same_journal
from .sources import LABELS as SOURCE_NAMES
from .sources import SOURCES

STATUSES = ("resolved", "verified_manually", "mismatch", "retracted", "not_found", "not_checked")
NOT_CHECKED_OFFLINE = "not checked (offline, no cached record)"
IDENTITY_FIELDS = ("title", "year", "first_author")
"""Fields that must agree before a missing identifier is filled."""

_KIND_WORDS = {RETRACTION: "retraction", CONCERN: "expression of concern", CORRECTION: "correction"}
_HINTS = {
    "title": "check that the DOI/PMID points to this work; if it does, copy the title from the record.",
    "year": "use the year of publication given in the record.",
    "first_author": "write the first author's surname as in the record.",
    "journal": "write the journal as in the record (full title or NLM abbreviation).",
    "doi": "the DOI and the PMID point to different works: check both in the records.",
    "pmid": "the DOI and the PMID point to different works: check both in the records.",
}


@dataclass
class Lookup:
    """One source asked about one identifier, and what the cache holds for it."""

    source: str
    kind: str
    key: str
    via: str
    """"" for the citation's own identifier, else how the identifier was learned."""
    entry: Entry | None
    fault: str | None
    work: Work | None = None

    @property
    def name(self) -> str:
        return SOURCE_NAMES[self.source]


@dataclass
class CitationResult:
    """The verdict on one citation."""

    citation_id: str
    line: int
    status: str
    sources: list[str]
    checked_on: str | None
    detail: str
    notices: list[Notice] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)
    fills: dict[str, str] = field(default_factory=dict)
    """Missing identifiers the records agree on, e.g. ``{"pmid": "28731372"}``."""
    problems: list[Problem] = field(default_factory=list)


def _parse(entry: Entry) -> Work | None:
    return check_work(SOURCES[entry.source].parse(entry.kind, entry.record))


def identifier(value: str, pattern: str | None, kind: str) -> str:
    """The normalised identifier, or "" when blank or malformed."""
    value = (value or "").strip()
    if not value or (pattern and not re.fullmatch(pattern, value)):
        return ""
    return normalise_key(kind, value)


@dataclass
class _Case:
    """One citation while it is being judged: its row, its look-ups by role, what the records say."""

    row: dict
    line: int
    doi: str
    pmid: str
    lookups: list[Lookup] = field(default_factory=list)
    cr: Lookup | None = None
    """Crossref by the row's DOI, or by the DOI PubMed gives."""
    pm: Lookup | None = None
    """PubMed by the row's PMID, or the record a search for the row's DOI found."""
    index: Lookup | None = None
    """The PubMed search for the row's DOI (rows without PMID)."""
    oa: Lookup | None = None
    missing: list[tuple[str, str, list[str]]] = field(default_factory=list)
    """``(column, value, sources asked)`` for identifiers of the row that no source holds."""
    notes: list[str] = field(default_factory=list)

    def add(self, lookup: Lookup) -> Lookup:
        self.lookups.append(lookup)
        return lookup

    @property
    def works(self) -> list[Work]:
        return [lk.work for lk in self.lookups if lk.work is not None]

    @property
    def answered(self) -> list[Lookup]:
        return [lk for lk in self.lookups if lk.entry is not None]


def _found(lookup: Lookup | None) -> bool:
    return lookup is not None and lookup.entry is not None and lookup.entry.status == FOUND


def _not_found(lookup: Lookup | None) -> bool:
    return lookup is not None and lookup.entry is not None and lookup.entry.status == NOT_FOUND


class Evaluator:
    """Builds :class:`CitationResult` s from the cache and this run's faults."""

    def __init__(self, cache: Cache, faults: dict | None, file: str, patterns: dict[str, str | None], online: bool):
        self.cache = cache
        self.faults = faults or {}
        self.file = file
        self.patterns = patterns
        self.online = online

    def look(self, source: str, kind: str, key: str, via: str = "") -> Lookup:
        key = normalise_key(kind, key)
        entry = self.cache.get(source, kind, key)
        lookup = Lookup(source, kind, key, via, entry, self.faults.get((source, kind, key)))
        if entry is not None and entry.status == FOUND:
            try:
                lookup.work = _parse(entry)
            except (AttributeError, TypeError, ValueError, KeyError, IndexError, RecursionError) as err:
                path = self.cache.path(source, kind, key).relative_to(self.cache.root).as_posix()
                self.cache.unreadable[path] = f"record cannot be read ({type(err).__name__}: {err})"
                lookup.entry = None
        return lookup

    def problem(self, line: int, column: str, code: str, message: str, hint: str, value: str = "", severity: str = "error") -> Problem:
        return Problem(self.file, line, column, code, message, hint, value, severity)

    def evaluate(self, row: dict, line: int) -> CitationResult:
        """The verdict on one row of citations.csv (all text) at editor line ``line``."""
        problems: list[Problem] = []
        ids = {}
        for kind in ("doi", "pmid"):
            ids[kind] = identifier(row.get(kind, ""), self.patterns.get(kind), kind)
            if row.get(kind, "").strip() and not ids[kind]:
                problems.append(self.problem(line, kind, "not-looked-up", f'"{row[kind]}" is not a well-formed {kind.upper()}, so it was not looked up.',
                                             "fix it as `claimledger validate` says, then run resolve again.", row[kind], "warning"))
        case = _Case(row, line, ids["doi"], ids["pmid"])
        self._gather(case)
        works = case.works
        mismatches = [m for w in works for m in compare(row, w)]
        if any(m.field == "journal" for m in mismatches) and same_journal(row.get("journal", ""), [j for w in works for j in w.journals]):
            # Sources name journals in different styles (PubMed: NLM abbreviation; Crossref: full title):
            # the citation's journal needs to match one of them, not each.
            mismatches = [m for m in mismatches if m.field != "journal"]
        notices = [n for w in works for n in w.notices]
        self._find_missing(case)
        problems += self._problems(case, mismatches, notices)
        fills = self._fills(case)
        problems += [self.problem(line, column, "suggested-fill", f'{column.upper()} is missing; PubMed and Crossref agree on "{value}".',
                                  "run `claimledger resolve --fill` to write it, or add it by hand.", value, "warning")
                     for column, value in fills.items()]
        status, detail = self._verdict(case, mismatches, notices, fills)
        answered = case.answered
        sources = [s for s in SOURCE_NAMES if any(lk.source == s for lk in answered)]
        checked_on = max((lk.entry.fetched_on for lk in answered), default=None)
        return CitationResult(row["citation_id"], line, status, sources, checked_on, detail, notices, mismatches, fills, problems)

    def _gather(self, case: _Case) -> None:
        """The look-ups that belong to the row (see the module docstring)."""
        doi, pmid = case.doi, case.pmid
        if doi:
            case.cr = case.add(self.look("crossref", "doi", doi))
        if pmid:
            case.pm = case.add(self.look("pubmed", "pmid", pmid))
        elif doi:
            case.index = case.add(self.look("pubmed", "doi", doi))
            pmids = case.index.entry.record.get("pmids", []) if _found(case.index) else []
            pmids = [str(p) for p in pmids if isinstance(p, (str, int)) and not isinstance(p, bool)] if isinstance(pmids, list) else []
            if len(pmids) == 1:
                case.pm = case.add(self.look("pubmed", "pmid", pmids[0], via="found by searching PubMed for the DOI"))
            elif len(pmids) > 1:
                case.notes.append(f"PubMed has {len(pmids)} records with this DOI: {', '.join(pmids)}")
        if not doi and case.pm is not None and case.pm.work is not None and case.pm.work.doi:
            case.cr = case.add(self.look("crossref", "doi", case.pm.work.doi, via="the DOI PubMed gives"))
        if doi or pmid:
            case.oa = case.add(self.look("openalex", "doi", doi) if doi else self.look("openalex", "pmid", pmid))

    def _find_missing(self, case: _Case) -> None:
        """Identifiers of the row that no source holds, and learned identifiers a source lacks."""
        if case.doi and _not_found(case.cr):
            if case.oa is not None and case.oa.work is not None:
                case.notes.append("DOI not in Crossref but in OpenAlex (registered with another agency?)")
            else:
                case.missing.append(("doi", case.row["doi"], ["Crossref"] + (["OpenAlex"] if case.oa is not None and case.oa.entry is not None else [])))
        if case.pmid and _not_found(case.pm):
            case.missing.append(("pmid", case.row["pmid"], ["PubMed"]))
        case.notes += [f"{lk.name} has no record of {lk.kind.upper()} {lk.key} ({lk.via})" for lk in case.lookups if lk.via and _not_found(lk)]

    def _problems(self, case: _Case, mismatches: list[Mismatch], notices: list[Notice]) -> list[Problem]:
        row, line = case.row, case.line
        out: list[Problem] = []
        for m in mismatches:
            src = SOURCE_NAMES[m.source]
            if m.field == "title":
                msg = f'title differs from {src}\'s "{m.theirs}" (similarity {m.score}/100).'
            elif m.field in ("doi", "pmid"):
                other = "PMID" if m.field == "doi" else "DOI"
                msg = f'{src} links this {other} to {m.field.upper()} "{m.theirs}", not "{m.ours}".'
            else:
                msg = f'{m.field.replace("_", " ")} "{m.ours}" differs from {src}\'s "{m.theirs}".'
            out.append(self.problem(line, m.field, f"{m.field.replace('_', '-')}-mismatch", msg, _HINTS[m.field], m.ours))
        for kind in NOTICE_KINDS:
            for source in SOURCE_NAMES:
                group = [n for n in notices if n.kind == kind and n.source == source]
                if not group:
                    continue
                said = "; ".join(n.describe() for n in group)
                if kind == RETRACTION:
                    hint = ("already marked retracted=true, so it never counts towards a verdict." if row.get("retracted") == "true"
                            else "set retracted to true, so that it never counts towards a verdict.")
                    out.append(self.problem(line, "retracted", "retracted", f"{SOURCE_NAMES[source]} records a retraction: {said}.", hint,
                                            row.get("retracted", "")))
                else:
                    word = _KIND_WORDS[kind]
                    article = "an" if word[0] in "aeiou" else "a"
                    out.append(self.problem(line, "(record)", kind.replace("_", "-"), f"{SOURCE_NAMES[source]} records {article} {word}: {said}.",
                                            f"read the {word}; check whether it changes the finding this citation supports.", severity="warning"))
        if row.get("retracted") == "true" and case.works and not any(n.kind == RETRACTION for n in notices):
            out.append(self.problem(line, "retracted", "retraction-unconfirmed", "marked retracted, but no source reports a retraction.",
                                    "check the retraction notice; set retracted to false if the work was not retracted.", "true", "warning"))
        for column, value, where in case.missing:
            hint = (f"check the DOI at https://doi.org/{value} ; DOIs registered with DataCite or mEDRA are not in Crossref." if column == "doi"
                    else f"check the PMID at https://pubmed.ncbi.nlm.nih.gov/{value}/ .")
            out.append(self.problem(line, column, "not-found", f'{column.upper()} "{value}" was not found in {" or ".join(where)}.', hint, value))
        for lk in case.lookups:
            if lk.fault:
                what = f"search for DOI {lk.key}" if (lk.source, lk.kind) == ("pubmed", "doi") else f"look-up of {lk.kind.upper()} {lk.key}"
                kept = f"; kept the record cached on {lk.entry.fetched_on}" if lk.entry is not None else "; nothing was stored for it"
                out.append(self.problem(line, lk.kind, "lookup-failed", f"{lk.name} {what} failed: {lk.fault}{kept}.",
                                        "run `claimledger resolve --online` again later.", lk.key))
        return out

    def _fills(self, case: _Case) -> dict[str, str]:
        """Missing DOI or PMID that PubMed and Crossref agree on, both records matching the row."""
        row, cr, pm, oa = case.row, case.cr, case.pm, case.oa

        def agrees(lk: Lookup | None) -> bool:
            return lk is not None and lk.work is not None and not [m for m in compare(row, lk.work) if m.field in IDENTITY_FIELDS]

        fills: dict[str, str] = {}
        if pm is None or pm.work is None:
            return fills
        if not case.doi and case.pmid and pm.work.doi:
            suggested = cr.work.doi if cr is not None and cr.work is not None else pm.work.doi
            other = oa.work.doi if oa is not None and oa.work is not None else ""
            if agrees(pm) and agrees(cr) and other in ("", suggested.casefold()):
                fills["doi"] = suggested
            else:
                case.notes.append(f"PubMed gives DOI {pm.work.doi}, not filled: the Crossref record "
                                  + ("is missing" if cr is None or cr.work is None else "does not match the citation"))
        if not case.pmid and case.doi:
            other = oa.work.pmid if oa is not None and oa.work is not None else ""
            if agrees(pm) and agrees(cr) and other in ("", pm.work.pmid):
                fills["pmid"] = pm.work.pmid
            else:
                case.notes.append(f"PubMed record {pm.work.pmid} has this DOI, not filled: the records do not both match the citation")
        return fills

    def _verdict(self, case: _Case, mismatches: list[Mismatch], notices: list[Notice], fills: dict[str, str]) -> tuple[str, str]:
        """Status (first match wins) and the one-line detail."""
        row, works = case.row, case.works
        parts: list[str] = []
        if any(n.kind == RETRACTION for n in notices):
            status = "retracted"
        elif mismatches:
            status = "mismatch"
        elif case.missing:
            status = "not_found"
        elif works:
            status = "resolved"
            parts.append("matches " + " and ".join(SOURCE_NAMES[s] for s in dict.fromkeys(w.source for w in works)))
        else:
            status = "verified_manually" if row.get("verified_source") and row.get("verified_on") else "not_checked"
            faults = [lk for lk in case.lookups if lk.fault]
            if faults:
                parts.append("not checked (" + "; ".join(f"{lk.name}: {lk.fault}" for lk in faults) + ")")
            elif not case.doi and not case.pmid:
                parts.append("no DOI or PMID to look up")
            elif case.answered:
                parts.append("no record of it at " + " or ".join(lk.name for lk in case.answered))
            else:
                parts.append(NOT_CHECKED_OFFLINE if not self.online else "not checked (no source was asked)")
            if status == "verified_manually":
                parts.append(f"verified by hand at {row['verified_source']} on {row['verified_on']}")
        for kind in NOTICE_KINDS:
            by_source = [SOURCE_NAMES[s] for s in SOURCE_NAMES if any(n.kind == kind and n.source == s for n in notices)]
            if by_source:
                parts.append(f"{_KIND_WORDS[kind]} per {', '.join(by_source)}")
        parts += [f"{m.field.replace('_', ' ')} differs from {SOURCE_NAMES[m.source]}" for m in mismatches]
        parts += [f"{c.upper()} not found in {' or '.join(w)}" for c, _, w in case.missing]
        parts += case.notes
        parts += [f"suggested {c.upper()} {v}" for c, v in fills.items()]
        return status, "; ".join(parts)
