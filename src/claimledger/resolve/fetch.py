"""Online refresh of the cache: batched, rate-limited, one thread per source, safe to interrupt.

Phase 1 asks each source about the identifiers the citations carry (Crossref
and OpenAlex the DOIs, PubMed the PMIDs, OpenAlex the PMIDs of citations without
DOI). Phase 2 follows the cross links: Crossref for the DOIs PubMed gives to
citations that have only a PMID, and a PubMed search for the DOIs of citations
that have no PMID. Sources run in parallel, each at its own pace; within a
source the requests are sequential.

Every answer is written to the cache as soon as it arrives, one atomic file per
identifier. A failed batch writes nothing and becomes a fault for each of its
identifiers; an HTTP 400 on a batch is split in two until the identifier that
provokes it stands alone. Ctrl-C stops all threads before their next request.
"""
from __future__ import annotations

import datetime as _dt
import sys
import threading
from collections.abc import Callable

from tqdm import tqdm

from . import pubmed
from .cache import FOUND, NOT_FOUND, Cache, Entry
from .compare import check_work
from .config import Config
from .http import Answer, Cancelled, Client, FetchError
from .sources import SOURCES

Faults = dict[tuple[str, str, str], str]
"""``(source, kind, key) -> message`` for every identifier whose look-up failed in this run."""

NOT_IN_ANSWER = {
    "crossref": "not in Crossref's answer to a complete batch query (Crossref leaves out DOIs it does not hold)",
    "pubmed": "ESummary answered: cannot get document summary",
    "openalex": "not in OpenAlex's answer to a complete batch query",
}


def today() -> str:
    return _dt.datetime.now(_dt.UTC).date().isoformat()


class Refresher:
    """Fetches batches for one run and writes what they return into the cache."""

    def __init__(self, cache: Cache, client: Client, bar: tqdm):
        self.cache = cache
        self.client = client
        self.bar = bar
        self.faults: Faults = {}
        self.fetched: set[tuple[str, str, str]] = set()
        self._lock = threading.Lock()
        self.day = today()

    def _plan(self, n: int) -> None:
        with self._lock:
            self.bar.total = (self.bar.total or 0) + n
            self.bar.refresh()

    def _store(self, source: str, kind: str, answer: Answer, url: Callable[[str], str]) -> None:
        for key, record in list(answer.found.items()):
            why = malformed(source, kind, record)
            if why:  # never cache what cannot be read back: it would break every later offline run
                del answer.found[key]
                answer.absent.append(key)
                answer.reason = answer.reason or f"the record the server sent is malformed ({why})"
                continue
            self.cache.put(Entry(source, kind, key, FOUND, self.day, url(key), record))
        for key in answer.missing:
            self.cache.put(Entry(source, kind, key, NOT_FOUND, self.day, url(key), None, NOT_IN_ANSWER[source]))
        self.fetched.update((source, kind, k) for k in list(answer.found) + list(answer.missing))
        self.faults.update({(source, kind, k): answer.reason for k in answer.absent})

    def _batch(self, source: str, kind: str, keys: list[str], fetch, url) -> None:
        """One batch, split in two on HTTP 400 so that one bad identifier cannot sink the others."""
        try:
            answer = fetch(keys)
        except SHAPE_ERRORS as err:  # an answer of an unexpected shape is a failed request, not a crash
            self.faults.update({(source, kind, k): f"the answer has an unexpected shape ({type(err).__name__})" for k in keys})
            return
        except FetchError as err:
            if err.status == 400 and len(keys) > 1:
                self._plan(2)
                half = len(keys) // 2
                self._batch(source, kind, keys[:half], fetch, url)
                self._batch(source, kind, keys[half:], fetch, url)
            else:
                self.faults.update({(source, kind, k): str(err) for k in keys})
            return
        finally:
            self.bar.update(1)
        self._store(source, kind, answer, url)

    def ask(self, name: str, kind: str, keys: list[str]) -> None:
        """Look up identifiers of one kind at one source, in the batches the source plans."""
        source = SOURCES[name]
        keys = [k for k in dict.fromkeys(keys) if (name, kind, k) not in self.fetched]
        config = self.client.config
        batches = source.plan(config, kind, keys)
        self._plan(len(batches))
        for batch in batches:
            self._batch(name, kind, batch, lambda b: source.fetch(self.client, kind, b), lambda k: source.lookup(config, kind, k))

    def asker(self, name: str, wanted: dict[str, list[str]]) -> Callable[[], None]:
        """A job that asks one source about every kind of identifier it wants."""
        return lambda: [self.ask(name, kind, keys) for kind, keys in wanted.items()]

    def crossref(self, dois: list[str]) -> None:
        self.ask("crossref", "doi", dois)

    def pubmed(self, pmids: list[str]) -> None:
        self.ask("pubmed", "pmid", pmids)

    def pubmed_by_doi(self, dois: list[str]) -> None:
        """Search PubMed for DOIs, summarise all the hits together, and index which PMID carries which DOI."""
        base = self.client.config.ncbi_url
        batches = pubmed.plan_batches(list(dict.fromkeys(dois)), pubmed.SEARCH_BATCH)
        self._plan(len(batches))
        searched, hits = [], []
        for batch in batches:
            try:
                hits += pubmed.search_dois(self.client, batch)
                searched += batch
            except FetchError as err:
                self.faults.update({("pubmed", "doi", d): str(err) for d in batch})
            except SHAPE_ERRORS as err:
                self.faults.update({("pubmed", "doi", d): f"the answer has an unexpected shape ({type(err).__name__})" for d in batch})
            finally:
                self.bar.update(1)
        self.pubmed(hits)
        docs, failed = {}, [p for p in hits if ("pubmed", "pmid", p) in self.faults]
        for p in hits:
            entry = self.cache.get("pubmed", "pmid", p)
            if entry is not None and entry.status == FOUND and ("pubmed", "pmid", p) in self.fetched:
                docs[p] = entry.record
        matches = pubmed.match_dois(searched, docs)
        if failed:  # a hit we could not read might carry any of these DOIs: claim nothing for the unmatched ones
            fault = f"could not read PubMed records {', '.join(failed[:5])} found by the search"
            self.faults.update({("pubmed", "doi", d): fault for d, ps in matches.items() if not ps})
            matches = {d: ps for d, ps in matches.items() if ps}
        for d, pmids in matches.items():
            self.cache.put(Entry("pubmed", "doi", d, FOUND if pmids else NOT_FOUND, self.day, pubmed.search_url(base, d),
                                 {"pmids": pmids} if pmids else None,
                                 "PMIDs whose ESummary articleids carry this DOI" if pmids else "no PubMed record carries this DOI"))

SHAPE_ERRORS = (TypeError, AttributeError, KeyError, IndexError, ValueError, RecursionError)
"""What reading a JSON answer of an unexpected shape raises."""


def malformed(source: str, kind: str, record) -> str:
    """Why a record cannot be stored ("" when it can): it must be an object the source's parser reads."""
    if not isinstance(record, dict):
        return f"a JSON {type(record).__name__}, not an object"
    try:
        check_work(SOURCES[source].parse(kind, record))
    except SHAPE_ERRORS as err:
        return f"{type(err).__name__}: {err}"[:200]
    return ""


def _run_parallel(jobs: list[Callable[[], None]], stop: threading.Event) -> None:
    """Run jobs in threads; on Ctrl-C stop them all before their next request, then re-raise."""
    errors: list[BaseException] = []

    def guarded(job):
        try:
            job()
        except Cancelled:
            pass
        except Exception as err:  # noqa: BLE001 -- a bug: stop the other threads, re-raise it in the main thread
            errors.append(err)
            stop.set()

    threads = [threading.Thread(target=guarded, args=(job,), name=f"resolve-{i}") for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    try:
        for t in threads:
            while t.is_alive():
                t.join(0.1)
    except KeyboardInterrupt:
        stop.set()
        for t in threads:
            t.join()
        raise
    if errors:
        raise errors[0]


def refresh(cache: Cache, citations: list[tuple[str, str]], config: Config, stop: threading.Event | None = None):
    """Fetch everything the citations need and write it to the cache.

    Parameters
    ----------
    citations : ``(doi, pmid)`` per citation, normalised, "" when absent.

    Returns
    -------
    ``(faults, stats)``: the identifiers whose look-up failed, with the reason,
    and per source the number of requests, 429 answers and retries.
    """
    stop = stop or threading.Event()
    show = config.progress if config.progress is not None else sys.stderr.isatty()
    with Client(config, stop) as client, tqdm(total=0, desc="resolving", unit="request", file=sys.stderr, disable=not show) as bar:
        r = Refresher(cache, client, bar)
        # Phase 1: every enabled source, in its own thread, about the identifiers it wants.
        phase1 = [r.asker(name, source.wanted(citations)) for name, source in SOURCES.items() if source.enabled(config)]
        _run_parallel(phase1, stop)

        learned = []
        for d, p in citations:
            if p and not d:
                entry = cache.get("pubmed", "pmid", p)
                if entry is not None and entry.status == FOUND and ("pubmed", "pmid", p) in r.fetched:
                    doi = pubmed.doi_of(entry.record).casefold()
                    if doi and isinstance(doi, str):
                        learned.append(doi)
        search = [d for d, p in citations if d and not p]
        _run_parallel([lambda: r.crossref(learned), lambda: r.pubmed_by_doi(search)], stop)
        return r.faults, {source: dict(counter) for source, counter in client.stats.items()}
