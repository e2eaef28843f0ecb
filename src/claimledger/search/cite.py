"""Adding citations without hand-typing: ``claimledger cite ID`` and ``claimledger import-refs FILE``.

``cite`` takes a PMID or DOI. It builds the ``citations.csv`` row from the
resolver's cached record (``evidence/cache/``; ``--online`` fetches it first), so
the identifiers and title come from the record itself: the row is *verified*,
with the record's URL in ``verified_source`` and the date it was fetched in
``verified_on``. Without a record it starts from a screening candidate with that
identifier, or from what the user types (``--title``, ``--first-author``,
``--year``...), and the row is *unverified* (blank ``verified_source``): it does
not count towards any verdict until someone checks it in a real record or
``claimledger resolve --online --fill`` confirms it.

``import-refs`` reads BibTeX (bibtexparser), RIS (rispy) or CSL-JSON as
reference managers export them; entries are matched to existing citations by
DOI or PMID so nothing is duplicated, and every new row is unverified. Either
command writes nothing when any row would not fit the schema.
"""
from __future__ import annotations

import datetime as _dt
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..ledger.edit import append_rows
from ..ledger.schema import read_schema
from ..resolve.cache import FOUND, Cache
from ..resolve.config import Config
from ..resolve.fetch import refresh
from .net import deadline_seconds, within
from .records import DOI_RE, PMID_RE, clean_doi, clean_text, clean_year
from .tables import SearchError, check_rows, raw_table, refuse

PUBTYPE_DESIGN = {
    "Randomized Controlled Trial": "rct", "Systematic Review": "systematic_review", "Meta-Analysis": "meta_analysis",
    "Practice Guideline": "guideline", "Guideline": "guideline", "Consensus Development Conference": "expert_consensus",
    "Case Reports": "case_series", "Observational Study": "cohort",
}
"""PubMed publication types that name a design unambiguously (checked in this order: a meta-analysis of RCTs is a meta-analysis)."""
DESIGN_ORDER = ["Meta-Analysis", "Systematic Review", "Practice Guideline", "Guideline", "Consensus Development Conference",
                "Randomized Controlled Trial", "Observational Study", "Case Reports"]
STOP = {"a", "an", "the", "of", "in", "on", "for", "and", "or", "to", "with", "by", "at", "from", "vs", "versus", "is", "are"}


def parse_identifier(value: str) -> tuple[str, str]:
    """``("pmid", "39401008")`` or ``("doi", "10.1001/...")`` from what a user types; SearchError otherwise."""
    text = value.strip()
    low = text.lower()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
        if low.startswith(prefix):
            text = text[len(prefix):]
            break
    text = text.removeprefix("PMID:").removeprefix("pmid:").strip()
    if PMID_RE.fullmatch(text):
        return "pmid", text
    if DOI_RE.fullmatch(text):
        return "doi", text
    raise SearchError(f"{value!r} is neither a PMID (digits) nor a DOI (10.xxxx/...). Fix: give e.g. 39401008 or 10.1001/jamainternmed.2024.5463.")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def make_citation_id(first_author: str, year: str, title: str, taken: set[str]) -> str:
    """A readable id, ``<surname><year>-<three title words>``, unique among ``taken``.

    >>> make_citation_id("Tu", "2024", "Acupuncture vs Sham Acupuncture for Chronic Sciatica", set())
    'tu2024-acupuncture-sham-acupuncture'
    """
    surname = re.sub(r"[^a-z]", "", _ascii(first_author)) or "anon"
    words = [w for w in re.findall(r"[a-z0-9]+", _ascii(title)) if w not in STOP][:3]
    base = "-".join([f"{surname}{year}"] + words)
    cid, n = base, 2
    while cid in taken:
        cid, n = f"{base}-{n}", n + 1
    return cid


@dataclass
class Draft:
    """A citation row being put together, and where its values came from."""

    values: dict = field(default_factory=dict)
    origin: str = ""
    """``record`` (verified from a cached record), ``screening`` or ``hand``."""
    said: list[str] = field(default_factory=list)
    """Notes for the user (the design inferred, a record not found...)."""


def surname(name: str) -> str:
    """The family name of a Vancouver-style name: 'Mohammed Abdul MI' -> 'Mohammed Abdul', 'Tu JF' -> 'Tu'.

    >>> surname("Mohammed Abdul MI"), surname("Tu JF"), surname("National Institute for Health and Care Excellence")
    ('Mohammed Abdul', 'Tu', 'National Institute for Health and Care Excellence')
    """
    m = re.fullmatch(r"(.+?)\s+[A-Z]{1,4}", name.strip())
    return m.group(1) if m else name.strip()


def _people(names: list[str]) -> str:
    return "; ".join(n for n in names if n)


def _from_pubmed(doc: dict) -> dict:
    from .pubmed import authors_of
    names = authors_of(doc)
    title = re.sub(r"</?(i|b|sub|sup|u|em|strong)>", "", clean_text(doc.get("title")))
    return {"title": title.rstrip("."), "authors": names, "first_author": surname(names.split("; ")[0]) if names else "",
            "year": clean_year(doc.get("pubdate")) or clean_year(doc.get("epubdate")), "journal": clean_text(doc.get("source")),
            "pubtypes": [p for p in doc.get("pubtype") or [] if isinstance(p, str)]}


def _initials(given: str) -> str:
    """'Jian-Feng' -> 'JF', 'J. F.' -> 'JF', 'CI' (initials already) -> 'CI'."""
    if re.fullmatch(r"[A-Z]{1,4}", given.strip()):
        return given.strip()
    return "".join(p[0].upper() for p in re.split(r"[\s.\-]+", given) if p)


def _from_crossref(item: dict) -> dict:
    people = [a for a in item.get("author") or [] if isinstance(a, dict)]
    names = [f"{clean_text(a.get('family'))} {_initials(clean_text(a.get('given')))}".strip() if a.get("family") else clean_text(a.get("name"))
             for a in people]
    parts = ((item.get("issued") or {}).get("date-parts") or [[None]])[0]
    titles = [t for t in item.get("title") or [] if isinstance(t, str)]
    journals = [j for j in item.get("container-title") or [] if isinstance(j, str)]
    return {"title": clean_text(titles[0]) if titles else "", "authors": _people(names),
            "first_author": clean_text(people[0].get("family") or people[0].get("name")) if people else "",
            "year": clean_year(str(parts[0] if parts else "")), "journal": clean_text(journals[0]) if journals else "", "pubtypes": []}


def _cached(root: Path, kind: str, key: str) -> tuple[dict, str, str, str] | None:
    """(fields, pmid, doi, fetched_on) from the resolver's cache, PubMed first."""
    cache = Cache(root)
    pmid, doi = (key, "") if kind == "pmid" else ("", key)
    if not pmid:
        index = cache.get("pubmed", "doi", doi)
        pmids = index.record.get("pmids", []) if index is not None and index.status == FOUND else []
        pmid = pmids[0] if len(pmids) == 1 else ""
    pm = cache.get("pubmed", "pmid", pmid) if pmid else None
    if pm is not None and pm.status == FOUND:
        from ..resolve.pubmed import doi_of
        return _from_pubmed(pm.record), pmid, doi or clean_doi(doi_of(pm.record)), pm.fetched_on
    cr = cache.get("crossref", "doi", doi) if doi else None
    if cr is not None and cr.status == FOUND:
        return _from_crossref(cr.record), pmid, doi, cr.fetched_on
    return None


def _from_screening(root: Path, kind: str, key: str) -> dict | None:
    scr = raw_table(root, "screening").frame
    hit = scr[(scr["pmid"] == key)] if kind == "pmid" else scr[scr["doi"].str.casefold() == key.casefold()]
    if hit.empty:
        return None
    row = hit.iloc[0].to_dict()
    names = row["authors"]
    return {"title": row["title"], "authors": names, "first_author": surname(names.split("; ")[0]) if names else "", "year": row["year"],
            "journal": row["journal"], "pmid": row["pmid"], "doi": row["doi"], "search_id": row["search_id"]}


def _existing(citations, pmid: str, doi: str) -> str:
    for col, value in (("pmid", pmid), ("doi", doi)):
        if value:
            hit = citations[citations[col].str.strip().str.casefold() == value.casefold()]
            if len(hit):
                return str(hit["citation_id"].iat[0])
    return ""


def _design(pubtypes: list[str], given: str | None, allowed) -> tuple[str, str]:
    """(design, how it was chosen)."""
    if given:
        if given not in allowed:
            raise SearchError(f"design {given!r} is not in the vocabulary. Fix: use one of {', '.join(allowed)}.")
        return given, ""
    for p in DESIGN_ORDER:
        if p in pubtypes:
            return PUBTYPE_DESIGN[p], f"design {PUBTYPE_DESIGN[p]} from the PubMed publication type {p!r}: check it"
    return "", ""


def _fetch(root: Path, kind: str, key: str, config: Config, deadline: float | None) -> None:
    stop = threading.Event()
    cache = Cache(root)
    pair = ("", key) if kind == "pmid" else (key.casefold(), "")
    faults, _ = within(deadline_seconds(deadline), lambda: refresh(cache, [pair], config, stop), stop, "the record look-up")
    if faults:
        raise SearchError("the record could not be fetched: " + "; ".join(sorted(set(faults.values()))) + ". Nothing was written.")


@dataclass
class CiteOutcome:
    row: dict
    existing: str = ""
    """The citation_id that already has this PMID or DOI (nothing written then)."""
    verified: bool = False
    notes: list[str] = field(default_factory=list)


def _draft(root: Path, kind: str, key: str, hand: dict) -> Draft:
    cached = _cached(root, kind, key)
    if cached is not None:
        fields, pmid, doi, fetched = cached
        url = f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else f"https://doi.org/{doi}"
        return Draft({**fields, "pmid": pmid, "doi": doi, "verified_source": url, "verified_on": fetched}, "record")
    found = _from_screening(root, kind, key)
    base = {"pmid": key if kind == "pmid" else "", "doi": key if kind == "doi" else "", "pubtypes": []}
    if found is not None:
        return Draft({**base, **found, **{k: v for k, v in hand.items() if v}}, "screening")
    return Draft({**base, **{k: v for k, v in hand.items() if v}}, "hand")


def cite(root: str | Path, identifier: str, online: bool = False, config: Config | None = None, design: str | None = None,
         citation_id: str | None = None, hand: dict | None = None, deadline: float | None = None, today: _dt.date | None = None) -> CiteOutcome:
    """Add one citation by PMID or DOI (see the module docstring); returns what was written.

    Raises
    ------
    SearchError
        when required values are missing without a record (the message lists them), or the row does not fit the schema.
    """
    root = Path(root)
    kind, key = parse_identifier(identifier)
    schema = read_schema(root)
    table = schema.table("citations")
    citations = raw_table(root, "citations").frame
    taken = _existing(citations, key if kind == "pmid" else "", key if kind == "doi" else "")
    if taken:
        return CiteOutcome({}, existing=taken)
    if online:
        _fetch(root, kind, key, config or Config.from_env(), deadline)
    draft = _draft(root, kind, key, hand or {})
    v = draft.values
    chosen, how = _design(v.pop("pubtypes", []), design, table.field("design").enum or ())
    missing = [flag for flag, col in (("--title", "title"), ("--first-author", "first_author"), ("--year", "year")) if not v.get(col)]
    missing += [] if chosen else ["--design"]
    if missing:
        where = "no cached record" + ("" if online else " (run with --online to fetch it)")
        raise SearchError(f"{kind.upper()} {key}: {where}, so these must be given by hand: {', '.join(missing)}. Nothing was written. "
                          "The row will be unverified until you check it in a real record or `claimledger resolve --online --fill` confirms it.")
    day = (today or _dt.datetime.now(_dt.UTC).date()).isoformat()
    v.update(design=chosen, retracted="false", citation_id=citation_id or make_citation_id(v["first_author"], str(v["year"]), v["title"],
                                                                                          set(citations["citation_id"])))
    if draft.origin != "record":
        v["verified_source"] = v["verified_on"] = ""
        src = f"screening candidate from search {v.pop('search_id')}" if draft.origin == "screening" else "values typed by hand"
        v["note"] = (f"Unverified: added by claimledger cite on {day} from {src}. Check it in a real record "
                     "(or run claimledger resolve --online --fill), then fill verified_source and verified_on.")
    v.pop("search_id", None)
    if v["citation_id"] in set(citations["citation_id"]):
        raise SearchError(f'citation_id "{v["citation_id"]}" is taken. Fix: choose another with --citation-id.')
    refuse(check_rows(table, [v], len(citations) + 2), "the citation row")
    append_rows(root / table.path, table.field_names, [v])
    return CiteOutcome(v, verified=draft.origin == "record", notes=[how] if how else [])
