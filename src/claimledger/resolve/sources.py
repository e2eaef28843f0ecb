"""The citation sources the resolver asks, behind one small protocol, and their registry.

A source is a module with these names (see :class:`Source`). To add a citation
API: write one module that provides them and add it to :data:`SOURCES`; the
refresh asks it about the identifiers it wants, the cache stores its answers
under its name, and the evaluation compares its parsed records with each
citation.
"""
from __future__ import annotations

from typing import Protocol

from . import crossref, openalex, pubmed
from .compare import Work
from .config import Config
from .http import Answer, Client


class Source(Protocol):
    """What the resolver needs from a citation source (a module)."""

    NAME: str
    """Key in the cache and in :data:`SOURCES`, e.g. ``crossref``."""
    LABEL: str
    """Name shown to people, e.g. ``Crossref``."""

    def enabled(self, config: Config) -> bool:
        """Whether to ask this source in an online run (e.g. only with an API key)."""

    def wanted(self, citations: list[tuple[str, str]]) -> dict[str, list[str]]:
        """Identifier kind -> identifiers to look up, from each citation's ``(doi, pmid)`` ("" when absent)."""

    def plan(self, config: Config, kind: str, keys: list[str]) -> list[list[str]]:
        """Split identifiers into batches of one request each."""

    def fetch(self, client: Client, kind: str, keys: list[str]) -> Answer:
        """Look up one batch: what was found, what the source does not hold, what the answer left out."""

    def lookup(self, config: Config, kind: str, key: str) -> str:
        """A URL that looks up one identifier (stored with the cached answer; no keys in it)."""

    def parse(self, kind: str, record: dict) -> Work | None:
        """The comparable fields and notices of a cached record (None for index entries that are not works)."""


SOURCES: dict[str, Source] = {m.NAME: m for m in (crossref, pubmed, openalex)}
"""Every source, in the order results are shown."""

LABELS: dict[str, str] = {name: source.LABEL for name, source in SOURCES.items()}
"""Source key -> name shown to people."""
