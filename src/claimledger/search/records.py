"""What a database search returns, in one shape for every source: hits, ids, records, translation, notes.

Text a server sends is cleaned before it can reach the ledger: control and
invisible characters removed, whitespace collapsed, identifiers checked against
the schema's patterns (an identifier that does not match is dropped, not stored).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

_INVISIBLE = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
PMID_RE = re.compile(r"[1-9][0-9]{0,8}")
DOI_RE = re.compile(r"10\.[0-9]{4,9}/[-._;()/:A-Za-z0-9<>\[\]]+")
YEAR_RE = re.compile(r"(1[89][0-9]{2}|20[0-9]{2}|2100)")


def clean_text(value, limit: int = 2000) -> str:
    """Server text made safe for a CSV cell: no control or invisible characters, single spaces, bounded length."""
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFC", _INVISIBLE.sub(" ", value))
    text = " ".join(text.split())
    return text[:limit]


def clean_pmid(value) -> str:
    text = str(value).strip() if isinstance(value, (str, int)) else ""
    return text if PMID_RE.fullmatch(text) else ""


def clean_doi(value) -> str:
    text = clean_text(value).removeprefix("https://doi.org/").removeprefix("doi:").strip()
    return text if DOI_RE.fullmatch(text) else ""


def clean_year(value) -> str:
    m = YEAR_RE.search(value if isinstance(value, str) else str(value or ""))
    return m.group(1) if m else ""


@dataclass
class Record:
    """One record a database returned."""

    source_id: str
    """The database's own id of the record, as hashed: a PMID (PubMed) or ``SOURCE:ID`` (Europe PMC)."""
    pmid: str = ""
    doi: str = ""
    title: str = ""
    authors: str = ""
    """'Surname AB; Surname CD' as the database gave them."""
    year: str = ""
    journal: str = ""

    @property
    def record_id(self) -> str:
        """``pmid:N``, else ``doi:10...`` (lower-case), else ``europepmc:SOURCE:ID``."""
        if self.pmid:
            return f"pmid:{self.pmid}"
        if self.doi:
            return f"doi:{self.doi.casefold()}"
        return f"europepmc:{self.source_id}"


@dataclass
class SearchResult:
    """Everything one search established, before anything is written."""

    source: str
    """Registry key: ``pubmed`` or ``europepmc``."""
    interface: str
    query: str
    """The query exactly as sent (Europe PMC: without the date clause, which is in ``filters``)."""
    translation: str = ""
    filters: str = ""
    hits: int | None = None
    ids: list[str] = field(default_factory=list)
    """Ids as the database returned them, in order, de-duplicated."""
    records: list[Record] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Ceilings met, counts that drifted while paging, warnings the database sent."""

    @property
    def ids_sha256(self) -> str:
        """SHA-256 of the ids, one per line (each followed by a newline), in the order returned."""
        return hashlib.sha256("".join(i + "\n" for i in self.ids).encode("utf-8")).hexdigest()
