"""Settings of the citation resolver, in one small object filled from the environment.

Contact email, API keys, base URLs, timeouts, retries, back-off and the
published rate limits live here and nowhere else (pyalex's ``config``,
habanero's ``mailto``). Keys are kept out of ``repr`` so that they never reach a
log or a traceback.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import metadata

from ..problems import EvidenceError

CROSSREF_URL = "https://api.crossref.org"
NCBI_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
OPENALEX_URL = "https://api.openalex.org"
EUROPEPMC_URL = "https://www.ebi.ac.uk/europepmc/webservices/rest"
DEFAULT_URLS = {"crossref": CROSSREF_URL, "ncbi": NCBI_URL, "openalex": OPENALEX_URL, "europepmc": EUROPEPMC_URL}

CACHE_DIR = "evidence/cache"
"""Where the resolver keeps one JSON file per looked-up identifier (relative to the ledger root)."""

TOOL = "claimledger"
"""The ``tool`` parameter NCBI asks every E-utilities client to send."""

# Published limits, requests per second (checked 2026-11):
# - Crossref REST API since 2025-12-01: polite pool (mailto given) 10/s and 3 concurrent for single
#   works, 3/s for list queries; public pool 5/s single works, 1/s list queries, 1 concurrent.
#   The resolver only sends list queries (filter=doi:...), so the list limits apply.
# - NCBI E-utilities: 3/s without an API key, 10/s with one.
# - OpenAlex: 100/s for everyone; list calls cost credits, so we stay far below.
CROSSREF_LIST_RATE = {"polite": 3.0, "public": 1.0}
NCBI_RATE = {"no key": 3.0, "key": 10.0}
OPENALEX_RATE = 10.0
EUROPEPMC_RATE = 5.0
"""Europe PMC publishes no hard limit; claimledger search stays at a few requests per second."""
HEADROOM = 0.9
"""Fraction of a published limit the resolver allows itself, so jitter never tips a window over."""


class ResolveError(EvidenceError):
    """The resolver cannot run: bad settings or arguments, or an unreadable citations table."""


def _version() -> str:
    try:
        return metadata.version("claimledger")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "0"


def number_setting(environ, name: str, default: float, kind=float) -> float:
    """A number from the environment variable ``name`` (``default`` when unset); a clear ResolveError when it is not one."""
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ResolveError(f"${name} is {raw!r}, not a number. Fix: set it to a number such as {default:g}, or unset it.") from None
    if value < 0:
        raise ResolveError(f"${name} is {raw}, but it cannot be negative. Fix: set it to a number such as {default:g}.")
    return value


@dataclass(frozen=True)
class Config:
    """Everything the resolver needs to talk to the APIs politely."""

    email: str | None = None
    """Contact address sent as ``mailto`` (Crossref), ``email`` (NCBI) and in the User-Agent."""
    ncbi_api_key: str | None = field(default=None, repr=False)
    """``$CLAIMLEDGER_NCBI_API_KEY``: raises the NCBI limit from 3 to 10 requests per second."""
    openalex_api_key: str | None = field(default=None, repr=False)
    """``$CLAIMLEDGER_OPENALEX_API_KEY``: OpenAlex is queried only when this is set."""
    crossref_url: str = CROSSREF_URL
    ncbi_url: str = NCBI_URL
    openalex_url: str = OPENALEX_URL
    europepmc_url: str = EUROPEPMC_URL
    """Europe PMC REST base (``$CLAIMLEDGER_EUROPEPMC_URL``), used by ``claimledger search --source europepmc``."""
    connect_timeout: float = 5.0
    """Seconds to wait for a connection."""
    read_timeout: float = 30.0
    """Seconds to wait for the server to answer (``$CLAIMLEDGER_TIMEOUT``); requests applies it to each read."""
    request_deadline: float = 90.0
    """Seconds one request may take in all, however slowly the server drips its answer (``$CLAIMLEDGER_REQUEST_DEADLINE``)."""
    run_deadline: float = 3600.0
    """Seconds an online run may take in all; requests not started by then fail (``$CLAIMLEDGER_RUN_DEADLINE``)."""
    max_answer_bytes: int = 64 * 1024 * 1024
    """Largest answer read; a longer one is a failed request, not a memory blow-up."""
    retries: int = 3
    """Retries after a connection error, a timeout, a 429 or a 5xx (``$CLAIMLEDGER_RETRIES``)."""
    backoff: float = 1.0
    """First retry delay in seconds, doubled at each retry (``$CLAIMLEDGER_BACKOFF``)."""
    backoff_max: float = 60.0
    """Longest delay between two attempts, and the longest Retry-After the resolver will honour."""
    progress: bool | None = None
    """Show a progress bar: None means only when stderr is a terminal."""
    rates: dict | None = None
    """Requests per second per source, replacing the published limits (tests and local mirrors only; no variable sets it)."""

    @classmethod
    def from_env(cls, email: str | None = None, environ=None, **overrides) -> Config:
        """Settings from ``CLAIMLEDGER_*`` environment variables; ``email`` (``--email``) wins over the variable.

        Raises
        ------
        ResolveError
            when a variable holds something unusable (checked before any network call).
        """
        env = os.environ if environ is None else environ
        email = (email or env.get("CLAIMLEDGER_EMAIL", "")).strip() or None
        if email is not None and ("@" not in email or any(c.isspace() for c in email)):
            raise ResolveError(f"contact email {email!r} is not an email address. Fix: pass --email you@example.org "
                               "or set $CLAIMLEDGER_EMAIL.")
        values = {
            "email": email,
            "ncbi_api_key": env.get("CLAIMLEDGER_NCBI_API_KEY", "").strip() or None,
            "openalex_api_key": env.get("CLAIMLEDGER_OPENALEX_API_KEY", "").strip() or None,
            **{f"{name}_url": (env.get(f"CLAIMLEDGER_{name.upper()}_URL", "").strip() or default).rstrip("/") for name, default in DEFAULT_URLS.items()},
            "read_timeout": number_setting(env, "CLAIMLEDGER_TIMEOUT", cls.read_timeout),
            "retries": int(number_setting(env, "CLAIMLEDGER_RETRIES", cls.retries, int)),
            "backoff": number_setting(env, "CLAIMLEDGER_BACKOFF", cls.backoff),
            "request_deadline": number_setting(env, "CLAIMLEDGER_REQUEST_DEADLINE", cls.request_deadline),
            "run_deadline": number_setting(env, "CLAIMLEDGER_RUN_DEADLINE", cls.run_deadline),
        }
        for name, default in DEFAULT_URLS.items():
            url = values[f"{name}_url"]
            if not url.startswith(("http://", "https://")):
                raise ResolveError(f"$CLAIMLEDGER_{name.upper()}_URL is {url!r}, not an http(s) URL. Fix: set it to a base URL such as "
                                   f"{default}, or unset it.")
        values.update(overrides)
        return cls(**values)

    @property
    def secrets(self) -> tuple[str, ...]:
        """The values that must never be printed, logged or stored."""
        return tuple(s for s in (self.ncbi_api_key, self.openalex_api_key) if s)

    @property
    def user_agent(self) -> str:
        contact = f"; mailto:{self.email}" if self.email else ""
        return f"{TOOL}/{_version()} (citation checker{contact})"

    def rate(self, source: str) -> float:
        """Requests per second the resolver allows itself for one source (below the published limit)."""
        if self.rates and source in self.rates:
            return float(self.rates[source])
        if source == "crossref":
            limit = CROSSREF_LIST_RATE["polite" if self.email else "public"]
        elif source == "pubmed":
            limit = NCBI_RATE["key" if self.ncbi_api_key else "no key"]
        elif source == "europepmc":
            limit = EUROPEPMC_RATE
        else:
            limit = OPENALEX_RATE
        return limit * HEADROOM
