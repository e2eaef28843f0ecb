"""The resolver's cache: one small JSON file per identifier under ``evidence/cache/``.

Layout: ``evidence/cache/<source>/<kind>/<key>.json``, for example
``crossref/doi/10.1016%2Fs0140-6736%2897%2911096-0.json`` or
``pubmed/pmid/9500320.json``. Each file holds what one source said about one
identifier: ``found`` with the record exactly as the API served it (one item
of a batch answer), or ``not_found``; the date it was fetched; and a URL that
looks up that one identifier (keys and contact addresses are never stored).

Why not requests-cache: answers come in batches, so an HTTP-level cache is
keyed by the whole batch URL and misses as soon as the set of citations
changes; its SQLite file is a binary blob that git cannot diff. Files per
identifier are independent of batching, reviewable in a pull request, and make
``claimledger resolve`` give the same answer offline from a clean checkout.
Writes are atomic (:func:`claimledger.files.write_atomic`), so an interrupted
run leaves every file either old or new, never half-written.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote

from ..files import write_atomic
from .config import CACHE_DIR
from .http import Redactor

FOUND, NOT_FOUND = "found", "not_found"
TEXT_FIELDS = ("source", "kind", "key", "status", "fetched_on", "url", "note")


def normalise_key(kind: str, key: str) -> str:
    """DOIs compare case-insensitively; PMIDs are digits."""
    key = str(key).strip()
    return key.casefold() if kind == "doi" else key


def file_name(key: str) -> str:
    """A portable file name for an identifier: percent-encoded, hashed when very long."""
    name = quote(key, safe="-._")
    if len(name) > 150:
        name = name[:100] + "-" + hashlib.sha256(key.encode()).hexdigest()[:16]
    return name + ".json"


@dataclass(frozen=True)
class Entry:
    """What one source said about one identifier."""

    source: str
    """``crossref``, ``pubmed`` or ``openalex``."""
    kind: str
    """The identifier looked up: ``doi`` or ``pmid``."""
    key: str
    """The identifier, normalised (DOI lower-case)."""
    status: str
    """``found`` or ``not_found``."""
    fetched_on: str
    """ISO date of the answer."""
    url: str
    """A URL that looks up this one identifier at the source (no keys)."""
    record: dict | None = None
    """The record as served (Crossref work item, ESummary document, OpenAlex work); None when not found."""
    note: str = ""
    """Why the status is what it is, e.g. "Crossref returned no item for this DOI in a batch of 37"."""

    def to_text(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


class Cache:
    """Reads and writes :class:`Entry` files under ``root/evidence/cache``.

    Unreadable files are not fatal: :meth:`get` returns None for them and
    records the path and the reason in ``unreadable``.
    """

    def __init__(self, root: str | Path, redact: Redactor | None = None):
        self.root = Path(root)
        self.dir = self.root / CACHE_DIR
        self.redact = redact or Redactor()
        self.unreadable: dict[str, str] = {}

    def path(self, source: str, kind: str, key: str) -> Path:
        return self.dir / source / kind / file_name(normalise_key(kind, key))

    def get(self, source: str, kind: str, key: str) -> Entry | None:
        path = self.path(source, kind, key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
            self.unreadable[path.relative_to(self.root).as_posix()] = str(err)
            return None
        try:
            if not isinstance(data, dict):
                raise TypeError(f"a JSON {type(data).__name__}, not an object")
            entry = Entry(**data)
            if entry.status not in (FOUND, NOT_FOUND) or (entry.status == FOUND and not isinstance(entry.record, dict)):
                raise ValueError(f"status {entry.status!r} with a {type(entry.record).__name__} record")
            wrong = [f for f in TEXT_FIELDS if not isinstance(getattr(entry, f), str)]
            if wrong:
                raise ValueError(f"{wrong[0]} is {type(getattr(entry, wrong[0])).__name__} {getattr(entry, wrong[0])!r:.40}, not text")
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry.fetched_on):
                raise ValueError(f"fetched_on {entry.fetched_on!r:.40} is not a YYYY-MM-DD date")
        except (TypeError, ValueError) as err:
            self.unreadable[path.relative_to(self.root).as_posix()] = f"not a cache entry ({err})"
            return None
        return entry

    def put(self, entry: Entry) -> None:
        """Write one entry atomically (skipped when the file already says exactly this)."""
        path = self.path(entry.source, entry.kind, entry.key)
        text = self.redact(entry.to_text())
        try:
            if path.read_text(encoding="utf-8") == text:
                return
        except (OSError, UnicodeDecodeError):
            pass
        write_atomic(path, text)
