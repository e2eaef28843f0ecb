"""Benchmark: batched citation resolving versus one request per identifier.

A local threaded HTTP server answers like Crossref and NCBI E-utilities, adds
50 ms of latency to every request and enforces the published rate limits,
answering 429 (with Retry-After) when a client exceeds them:

* Crossref list queries (``/works?filter=...``): 3 per second;
* Crossref single works (``/works/{doi}``): 10 per second, 3 at a time;
* E-utilities (esummary, esearch together): 3 per second (no API key).

The ledger holds 1,000 citations: 500 with only a DOI, 500 with only a PMID.
``claimledger resolve --online`` (the real code, through
:func:`claimledger.resolve.resolve_citations`) is timed against the way
habanero and metapub are used, one request per identifier in sequence, paced
to the single-record limits so that it, too, is polite.

Usage: python benchmarks/bench_resolve.py [--n 1000] [--baseline-sample N]
(``--baseline-sample`` times the baseline on N identifiers of each kind and
scales the time up, for a quick run.)
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import requests

from claimledger.files import csv_text
from claimledger.ledger.new import init_ledger
from claimledger.ledger.schema import template_schema
from claimledger.resolve import Config, resolve_citations
from claimledger.resolve.config import CROSSREF_LIST_RATE, HEADROOM, NCBI_RATE
from claimledger.resolve.http import Pacer

LATENCY = 0.050
LIMITS = {"crossref-list": (3, None), "crossref-single": (10, 3), "ncbi": (3, None)}
"""Requests per second and concurrent requests the server allows, per class of request."""
EMAIL = "bench@example.org"
PMID0 = 30_000_000


def doi_of(i: int) -> str:
    return f"10.5555/bench.{i:04d}"


def work(i: int) -> dict:
    """The synthetic work number i, as a Crossref item (select-shaped)."""
    return {"DOI": doi_of(i), "type": "journal-article", "title": [f"Benchmark work number {i}: a randomised trial"],
            "author": [{"given": "A", "family": f"Author{i}", "sequence": "first", "affiliation": []}],
            "container-title": ["Journal of Benchmarks"], "short-container-title": ["J Bench"],
            "issued": {"date-parts": [[2000 + i % 25, 1, 1]]}, "published": {"date-parts": [[2000 + i % 25, 1, 1]]}}


def summary(i: int) -> dict:
    """The synthetic work number i, as an ESummary document."""
    return {"uid": str(PMID0 + i), "pubdate": f"{2000 + i % 25} Jan 1", "epubdate": "", "source": "J Bench",
            "authors": [{"name": f"Author{i} A", "authtype": "Author", "clusterid": ""}],
            "title": f"Benchmark work number {i}: a randomised trial.", "pubtype": ["Journal Article"],
            "articleids": [{"idtype": "pubmed", "idtypen": 1, "value": str(PMID0 + i)}, {"idtype": "doi", "idtypen": 3, "value": doi_of(i)}],
            "references": [], "fulljournalname": "Journal of benchmarks"}


class Limits:
    """Sliding one-second windows and concurrency counts per class of request."""

    def __init__(self):
        self.lock = threading.Lock()
        self.seen = collections.defaultdict(collections.deque)
        self.active = collections.Counter()
        self.requests = collections.Counter()
        self.rejected = collections.Counter()

    def enter(self, kind: str) -> bool:
        rate, concurrency = LIMITS[kind]
        now = time.monotonic()
        with self.lock:
            self.requests[kind] += 1
            window = self.seen[kind]
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= rate or (concurrency and self.active[kind] >= concurrency):
                self.rejected[kind] += 1
                return False
            window.append(now)
            self.active[kind] += 1
            return True

    def leave(self, kind: str) -> None:
        with self.lock:
            self.active[kind] -= 1


def make_handler(limits: Limits, n: int):
    pmid_of_doi = {doi_of(i): str(PMID0 + i) for i in range(n)}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status: int, body, headers=None):
            data = json.dumps(body).encode() if not isinstance(body, bytes) else body
            self.send_response(status)
            self.send_header("Content-Type", "application/json" if status < 400 else "text/plain")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self.handle_any(parse_qs(urlsplit(self.path).query))

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            self.handle_any(parse_qs(self.rfile.read(length).decode()))

        def handle_any(self, params):
            path = urlsplit(self.path).path
            kind = ("crossref-single" if path.startswith("/crossref/works/") else "crossref-list" if path.startswith("/crossref")
                    else "ncbi")
            if not limits.enter(kind):
                time.sleep(LATENCY)
                return self.answer(429, b"Too Many Requests", {"Retry-After": "1"})
            try:
                time.sleep(LATENCY)
                rate = LIMITS[kind][0]
                headers = {"x-rate-limit-limit": str(rate), "x-rate-limit-interval": "1s"} if kind.startswith("crossref") else {}
                if kind == "crossref-single":
                    i = int(unquote(path.rsplit(".", 1)[1]))
                    return self.answer(200, {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": work(i)}, headers)
                if kind == "crossref-list":
                    dois = [d.removeprefix("doi:") for d in params["filter"][0].split(",")]
                    items = [work(int(d.rsplit(".", 1)[1])) for d in dois if d in pmid_of_doi]
                    return self.answer(200, {"status": "ok", "message-type": "work-list", "message-version": "1.0.0",
                                             "message": {"facets": {}, "total-results": len(items), "items": items,
                                                         "items-per-page": int(params["rows"][0]), "query": {"start-index": 0, "search-terms": None}}},
                                       headers)
                if path.endswith("esummary.fcgi"):
                    ids = params["id"][0].split(",")
                    result = {"uids": ids}
                    for p in ids:
                        i = int(p) - PMID0
                        result[p] = summary(i) if 0 <= i < n else {"uid": p, "error": "cannot get document summary"}
                    return self.answer(200, {"header": {"type": "esummary", "version": "0.3"}, "result": result})
                if path.endswith("esearch.fcgi"):
                    import re
                    hits = [pmid_of_doi[d] for d in re.findall(r'"([^"]+)"\[aid\]', params["term"][0]) if d in pmid_of_doi]
                    return self.answer(200, {"header": {"type": "esearch", "version": "0.3"},
                                             "esearchresult": {"count": str(len(hits)), "retmax": str(len(hits)), "retstart": "0",
                                                               "idlist": hits, "translationset": [], "querytranslation": ""}})
                return self.answer(404, b"Resource not found.")
            finally:
                limits.leave(kind)

    return Handler


def make_ledger(root: Path, n: int) -> Path:
    init_ledger(root)
    table = template_schema().table("citations")
    rows = []
    for i in range(n):
        row = {"citation_id": f"author{i}{2000 + i % 25}-bench-{i}", "title": f"Benchmark work number {i}: a randomised trial",
               "first_author": f"Author{i}", "year": str(2000 + i % 25), "journal": "J Bench", "design": "rct", "retracted": "false",
               "verified_source": "https://example.org/record", "verified_on": "2026-11-21"}
        if i < n // 2:
            row["doi"] = doi_of(i)
        else:
            row["pmid"] = str(PMID0 + i)
        rows.append([row.get(c, "") for c in table.field_names])
    (root / table.path).write_text(csv_text(table.field_names, rows))
    return root


def run_batched(base: str, n: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        root = make_ledger(Path(tmp) / "ledger", n)
        config = Config(email=EMAIL, crossref_url=f"{base}/crossref", ncbi_url=f"{base}/eutils", progress=False)
        start = time.perf_counter()
        res = resolve_citations(root, online=True, config=config)
        wall = time.perf_counter() - start
    counts = res.counts
    assert counts == {"resolved": n}, counts
    return {"requests": sum(v["requests"] for v in res.stats.values()), "429": sum(v["rate_limited"] for v in res.stats.values()), "wall": wall}


def run_one_by_one(base: str, n: int, sample: int | None) -> dict:
    """One request per identifier, in sequence (habanero's cr.works(ids=...), metapub's fetcher.article_by_pmid)."""
    dois = [doi_of(i) for i in range(n // 2)]
    pmids = [str(PMID0 + i) for i in range(n // 2, n)]
    if sample:
        dois, pmids = dois[:sample], pmids[:sample]
    crossref_pace = Pacer("crossref", 10 * HEADROOM)  # the single-work limit of the polite pool
    ncbi_pace = Pacer("pubmed", NCBI_RATE["no key"] * HEADROOM)
    requests_made = rejected = 0
    start = time.perf_counter()
    with requests.Session() as session:
        session.headers["User-Agent"] = f"bench (mailto:{EMAIL})"
        jobs = [(crossref_pace, f"{base}/crossref/works/{d}", {"mailto": EMAIL}) for d in dois]
        jobs += [(ncbi_pace, f"{base}/eutils/esummary.fcgi", {"db": "pubmed", "id": p, "retmode": "json", "tool": "bench", "email": EMAIL})
                 for p in pmids]
        for pace, url, params in jobs:
            while True:
                pace.wait()
                requests_made += 1
                r = session.get(url, params=params, timeout=10)
                if r.status_code != 429:
                    r.raise_for_status()
                    break
                rejected += 1
                time.sleep(float(r.headers.get("Retry-After", 1)))
    wall = time.perf_counter() - start
    scale = (n / (len(dois) + len(pmids))) if sample else 1.0
    return {"requests": round(requests_made * scale), "429": round(rejected * scale), "wall": wall * scale, "scaled": sample is not None}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="identifiers, half DOIs and half PMIDs (default 1000)")
    parser.add_argument("--baseline-sample", type=int, default=None, metavar="N",
                        help="time the one-per-identifier baseline on N identifiers of each kind and scale up")
    args = parser.parse_args(argv)
    limits = Limits()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(limits, args.n))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        print(f"bench_resolve: {args.n} identifiers ({args.n // 2} DOIs, {args.n - args.n // 2} PMIDs); {LATENCY * 1000:.0f} ms latency per "
              f"request; server limits: Crossref list {LIMITS['crossref-list'][0]}/s, single {LIMITS['crossref-single'][0]}/s x "
              f"{LIMITS['crossref-single'][1]}, NCBI {LIMITS['ncbi'][0]}/s (429 when exceeded)")
        print(f"client pacing: Crossref list {CROSSREF_LIST_RATE['polite'] * HEADROOM:.1f}/s, NCBI {NCBI_RATE['no key'] * HEADROOM:.1f}/s")
        batched = run_batched(base, args.n)
        server_batched = sum(limits.requests.values())
        limits.requests.clear()
        baseline = run_one_by_one(base, args.n, args.baseline_sample)
    finally:
        server.shutdown()
        server.server_close()
    rows = [("batched (claimledger resolve --online)", batched), ("one request per identifier, sequential"
                                                                 + (" [scaled from sample]" if baseline.get("scaled") else ""), baseline)]
    print(f"{'':48} {'requests':>9} {'429s':>6} {'wall time':>10} {'ids/request':>12}")
    for name, r in rows:
        print(f"{name:48} {r['requests']:>9} {r['429']:>6} {r['wall']:>9.1f}s {args.n / r['requests']:>12.1f}")
    speedup = baseline["wall"] / batched["wall"]
    per = args.n / batched["requests"]
    ok = per >= 50 and speedup >= 20 and batched["429"] == 0
    print(f"server counted {server_batched} requests for the batched run")
    print(f"speed-up {speedup:.1f}x; targets: <= 1 request per 50 identifiers: {'yes' if per >= 50 else 'NO'} (1 per {per:.0f}); "
          f">= 20x faster: {'yes' if speedup >= 20 else 'NO'}; zero 429s: {'yes' if batched['429'] == 0 else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
