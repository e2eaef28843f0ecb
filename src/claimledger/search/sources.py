"""The databases ``claimledger search`` can run a query on: a registry, the CLI's choices come from it."""
from __future__ import annotations

from . import europepmc, pubmed

SOURCES = {m.NAME: m for m in (pubmed, europepmc)}
"""Registry key -> module with NAME, LABEL, INTERFACE and ``search(client, query, datetype, mindate, maxdate, max_records)``."""
LABELS = {name: m.LABEL for name, m in SOURCES.items()}
"""Registry key -> the name logged in searches.csv ``source`` (PubMed, Europe PMC)."""
DATETYPES = {"pdat": "publication date", "edat": "date the record entered the database"}
"""The date a search's limits apply to (PubMed's names; Europe PMC maps them)."""
BY_LABEL = {m.LABEL: name for name, m in SOURCES.items()}
"""Logged source name -> registry key (which rows ``recheck`` can re-run)."""
