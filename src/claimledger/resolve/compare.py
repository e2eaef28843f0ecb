"""Comparing a citation with the records the sources hold: pure functions, no I/O.

Each source's parser turns its raw record into a :class:`Work`: title
variants, candidate years, first author, journal names, identifiers and the
:class:`Notice` s (retraction, expression of concern, correction) it carries,
each with the source and the evidence that said so. :func:`compare` lists the
fields where a citation and a work disagree.

Matching rules, chosen to flag real errors and not formatting:

* title: case, accents, HTML tags (``<i>``, ``<sub>``), punctuation and a
  ``RETRACTED:`` prefix are ignored; the rest is compared with
  ``rapidfuzz.fuzz.ratio``, and a score below :data:`TITLE_THRESHOLD` is a mismatch.
  A subtitle is tried with and without.
* year: matches any year the source gives (print, online, issue), since an
  article published online in December and in print in January has two.
* first author: the surname, accents and initials ignored.
* journal: full title, NLM abbreviation (``Arch Dermatol`` for *Archives of
  dermatology*) and a leading "The" all match.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz

TITLE_THRESHOLD = 90
"""Titles scoring below this (0-100) after normalisation are reported as different."""
AUTHOR_THRESHOLD = 85
JOURNAL_THRESHOLD = 90

RETRACTION, CONCERN, CORRECTION = "retraction", "expression_of_concern", "correction"
NOTICE_KINDS = (RETRACTION, CONCERN, CORRECTION)


@dataclass(frozen=True)
class Notice:
    """One source's statement that a work was retracted, corrected or is of concern."""

    kind: str
    """``retraction``, ``expression_of_concern`` or ``correction``."""
    source: str
    """The source that said so: ``crossref``, ``pubmed`` or ``openalex``."""
    evidence: str
    """How it said so, e.g. ``updated-by retraction (retraction-watch)``, ``publication type Retracted Publication``."""
    doi: str = ""
    """DOI of the notice, when known."""
    pmid: str = ""
    """PMID of the notice, when known."""
    date: str = ""
    """Date of the notice, when known (YYYY-MM-DD or shorter)."""

    def describe(self) -> str:
        ids = ", ".join(x for x in (f"doi:{self.doi}" if self.doi else "", f"PMID {self.pmid}" if self.pmid else "") if x)
        extra = "; ".join(x for x in (ids, self.date) if x)
        return f"{self.evidence}" + (f" ({extra})" if extra else "")


@dataclass(frozen=True)
class Work:
    """The fields of one source's record that a citation is compared with."""

    source: str
    titles: tuple[str, ...] = ()
    """Title variants (with and without subtitle); the first is shown in messages."""
    years: tuple[int, ...] = ()
    first_author: str = ""
    """First author as the source writes it (surname, or "Surname AB", or a full name, or a group)."""
    journals: tuple[str, ...] = ()
    doi: str = ""
    pmid: str = ""
    notices: tuple[Notice, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Mismatch:
    """A field where the citation and a source's record disagree."""

    field: str
    """Column of citations.csv: ``title``, ``year``, ``first_author``, ``journal``, ``doi`` or ``pmid``."""
    source: str
    ours: str
    theirs: str
    score: int | None = None
    """Similarity 0-100 for fuzzy fields."""


def check_work(work: Work | None) -> Work | None:
    """``work`` if every field has the type the comparison expects; a record of another shape is refused.

    A server's JSON can hold anything (an author's family name of ``12345``, a list for a title):
    such a record is neither cached nor compared.

    Raises
    ------
    TypeError
        naming the first field of the wrong type.
    """
    if work is None:
        return None
    strings = {"source": work.source, "first_author": work.first_author, "doi": work.doi, "pmid": work.pmid}
    for name, value in strings.items():
        if not isinstance(value, str):
            raise TypeError(f"{name} is {type(value).__name__} {value!r:.40}, not text")
    for name, values, kind in (("titles", work.titles, str), ("journals", work.journals, str), ("years", work.years, int)):
        if not isinstance(values, tuple) or not all(isinstance(v, kind) and not isinstance(v, bool) for v in values):
            raise TypeError(f"{name} holds a value that is not {kind.__name__}")
    for n in work.notices:
        if not all(isinstance(getattr(n, f), str) for f in ("kind", "source", "evidence", "doi", "pmid", "date")):
            raise TypeError("a notice holds a value that is not text")
    return work


# --- normalisation ---------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")
_PREFIX = re.compile(r"^\s*(retracted( article)?|withdrawn|expression of concern)\s*[:.\-]\s*", re.IGNORECASE)
_INITIALS = re.compile(r"^[A-Z]{1,3}$")
_SUFFIX = {"jr", "sr", "ii", "iii", "iv", "2nd", "3rd"}
_JOURNAL_STOP = {"the", "of", "and", "for", "in", "on", "de", "la", "le", "der", "und", "et"}


def _ascii_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.findall(r"[^\W_]+", text)


def normalise_title(title: str) -> str:
    """Lower-case words of a title without tags, accents, punctuation or a RETRACTED: prefix.

    >>> normalise_title("RETRACTED: Exploring the effect of vitamin D<sub>3</sub> supplementation.")
    'exploring the effect of vitamin d3 supplementation'
    """
    text = _TAG.sub("", html.unescape(title or ""))
    text = _PREFIX.sub("", text)
    return " ".join(_ascii_words(text))


def title_similarity(ours: str, theirs: tuple[str, ...] | list[str]) -> int:
    """Best similarity (0-100) of our title with any of the source's title variants."""
    a = normalise_title(ours)
    return max((round(fuzz.ratio(a, normalise_title(t))) for t in theirs if t), default=0)


def surname(name: str) -> str:
    """The surname in "Wakefield AJ", "Hambrick GW Jr", "Heather Piwowar" is the part compared.

    Trailing initials and suffixes are dropped; the remaining words are kept.
    """
    words = (name or "").replace(",", " ").split()
    while len(words) > 1 and (words[-1].rstrip(".").casefold() in _SUFFIX or _INITIALS.match(words[-1].replace(".", ""))):
        words.pop()
    return " ".join(words)


def same_author(ours: str, theirs: str) -> bool:
    """True when our first author names the same person (surname) as the source's first author.

    >>> same_author("Wakefield", "Wakefield AJ"), same_author("Piwowar", "Heather Piwowar")
    (True, True)
    """
    a, b = _ascii_words(surname(ours)), _ascii_words(surname(theirs))
    if not a or not b:
        return True  # nothing to compare
    if set(a) <= set(b) or set(b) <= set(a):
        return True
    return fuzz.ratio(" ".join(a), " ".join(b)) >= AUTHOR_THRESHOLD


def _journal_words(name: str) -> list[str]:
    name = re.sub(r"\([^)]*\)", " ", html.unescape(name or "")).replace("&", " and ")
    return [w for w in _ascii_words(name) if w not in _JOURNAL_STOP]


def same_journal(ours: str, theirs: tuple[str, ...] | list[str]) -> bool:
    """True when our journal is one of the source's names for it, or an abbreviation of one.

    >>> same_journal("Arch Dermatol", ["Archives of dermatology"]), same_journal("The Lancet", ["Lancet"])
    (True, True)
    """
    a = _journal_words(ours)
    if not a:
        return True
    for name in theirs:
        b = _journal_words(name)
        if not b:
            continue
        if a == b or fuzz.token_set_ratio(" ".join(a), " ".join(b)) >= JOURNAL_THRESHOLD:
            return True
        if len(a) == len(b) and all(x.startswith(y) or y.startswith(x) for x, y in zip(a, b)):
            return True
    return not any(_journal_words(t) for t in theirs)


def normalise_doi(doi: str) -> str:
    return (doi or "").strip().casefold()


# --- comparison ------------------------------------------------------------------------------

def compare(citation: dict, work: Work) -> list[Mismatch]:
    """Fields where ``citation`` (a citations.csv row, all text) and ``work`` disagree.

    Examples
    --------
    >>> w = Work("crossref", titles=("A trial of X",), years=(2020,), first_author="Smith")
    >>> [m.field for m in compare({"title": "A trial of Y and Z", "year": "2021", "first_author": "Smith"}, w)]
    ['title', 'year']
    """
    out: list[Mismatch] = []
    src = work.source
    title = citation.get("title", "")
    if title and work.titles:
        score = title_similarity(title, work.titles)
        if score < TITLE_THRESHOLD:
            out.append(Mismatch("title", src, title, work.titles[0], score))
    year = citation.get("year", "").strip()
    if year and work.years and year.isdigit() and int(year) not in work.years:
        out.append(Mismatch("year", src, year, " or ".join(str(y) for y in sorted(set(work.years)))))
    author = citation.get("first_author", "")
    if author and work.first_author and not same_author(author, work.first_author):
        out.append(Mismatch("first_author", src, author, work.first_author))
    journal = citation.get("journal", "")
    if journal and work.journals and not same_journal(journal, work.journals):
        out.append(Mismatch("journal", src, journal, " / ".join(dict.fromkeys(work.journals))))
    doi = normalise_doi(citation.get("doi", ""))
    if doi and work.doi and normalise_doi(work.doi) != doi:
        out.append(Mismatch("doi", src, citation.get("doi", ""), work.doi))
    pmid = citation.get("pmid", "").strip()
    if pmid and work.pmid and work.pmid != pmid:
        out.append(Mismatch("pmid", src, pmid, work.pmid))
    return out


def year_of(date_parts) -> int | None:
    """The year of a ``{"date-parts": [[2012, 3, 21]]}`` (Crossref) or of "1998 Feb 28" (PubMed)."""
    if isinstance(date_parts, dict):
        parts = date_parts.get("date-parts") or [[None]]
        first = parts[0] if parts and isinstance(parts[0], list) and parts[0] else [None]
        return first[0] if isinstance(first[0], int) else None
    m = re.match(r"\s*(\d{4})", str(date_parts or ""))
    return int(m.group(1)) if m else None
