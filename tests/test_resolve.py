"""claimledger resolve: a real HTTP server on 127.0.0.1 answers like Crossref, E-utilities and OpenAlex.

Nothing of claimledger is mocked: the resolver talks HTTP to pytest-httpserver,
which serves the small hand-written answers in tests/data/api/ (filtered to the
identifiers each request asks for), or the faults under test. Every ledger and
cache lives in tmp_path.
"""
from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import claimledger
from claimledger.cli import main
from claimledger.files import csv_text
from claimledger.ledger.new import init_ledger
from claimledger.ledger.schema import template_schema
from claimledger.resolve import Config, citation_status, crossref, openalex, pubmed, resolve_citations
from claimledger.resolve.compare import compare
from claimledger.resolve.fetch import today
from claimledger.resolve.http import Pacer, sanitize_url

API = Path(__file__).resolve().parent / "data" / "api"
SHARED_API = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "api"
FAST = {"crossref": 1000.0, "pubmed": 1000.0, "openalex": 1000.0}
EMAIL = "tests@example.org"

WAKEFIELD = "wakefield1998-ileal-hyperplasia"
CITATIONS = {
    WAKEFIELD: {
        "doi": "10.1016/S0140-6736(97)11096-0", "pmid": "9500320", "first_author": "Wakefield", "year": "1998", "journal": "Lancet",
        "title": "Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive developmental disorder in children"},
    "sadasivan2012-methylphenidate": {
        "doi": "10.1371/journal.pone.0033693", "first_author": "Sadasivan", "year": "2012", "journal": "PLoS One",
        "title": "Methylphenidate exposure induces dopamine neuron loss and activation of microglia in the basal ganglia of mice"},
    "iwasa2020-lemon": {
        "doi": "10.1136/esmoopen-2020-000776", "first_author": "Iwasa", "year": "2020", "journal": "ESMO Open",
        "title": "Lenvatinib versus placebo in hepatocellular carcinoma: a randomised trial"},  # wrong title on purpose
    "rolf2018-vitamin-d-ebv": {
        "doi": "10.1177/1352458517722646", "first_author": "Rolf", "year": "2018", "journal": "Mult Scler",
        "title": "Exploring the effect of vitamin D3 supplementation on the anti-EBV antibody response in relapsing-remitting multiple sclerosis"},
    "li2022-fatty-acid-oxidation": {
        "pmid": "35649368", "first_author": "Li", "year": "2022", "journal": "Cell Rep",
        "title": "Fatty acid oxidation protects cancer cells from apoptosis by increasing mitochondrial membrane lipids"},
    "nobody2012-no-such-doi": {"doi": "10.1371/notarealdoi", "first_author": "Nobody", "year": "2012", "title": "A work that does not exist"},
    "nobody2020-no-such-pmid": {"pmid": "999999999", "first_author": "Nobody", "year": "2020", "title": "Another work that does not exist"},
}


def _load(name: str):
    return json.loads((API / name).read_text(encoding="utf-8"))


def make_ledger(root: Path, ids=None, citations=None, newline: str = "\n") -> Path:
    """A fresh ledger (claimledger init) whose citations.csv holds the chosen citations."""
    init_ledger(root)
    table = template_schema().table("citations")
    citations = citations or CITATIONS
    rows = []
    for cid in ids or citations:
        row = dict(citation_id=cid, design="rct", retracted="false", verified_source="https://example.org/record",
                   verified_on="2026-11-01", **citations[cid])
        rows.append([row.get(c, "") for c in table.field_names])
    (root / table.path).write_bytes(csv_text(table.field_names, rows).replace("\n", newline).encode())
    return root


class FakeApis:
    """Handlers that answer like the three APIs, from the fixture files."""

    def __init__(self, server: HTTPServer):
        self.server = server
        self.works = {i["DOI"].casefold(): i for i in _load("crossref_works.json")["message"]["items"]}
        self.summaries = {k: v for k, v in _load("ncbi_esummary.json")["result"].items() if k != "uids"}
        self.alex = {w["doi"].removeprefix("https://doi.org/"): w for w in _load("openalex_works.json")["results"]}
        self.handlers = {"/crossref/works": self.crossref, "/eutils/esummary.fcgi": self.esummary,
                         "/eutils/esearch.fcgi": self.esearch, "/openalex/works": self.openalex}
        """What answers each path; a test replaces one to inject a fault."""
        for path in self.handlers:
            server.expect_request(path).respond_with_handler(lambda request, path=path: self.handlers[path](request))

    def config(self, **overrides) -> Config:
        values = {"email": EMAIL, "crossref_url": self.server.url_for("/crossref"), "ncbi_url": self.server.url_for("/eutils"),
                  "openalex_url": self.server.url_for("/openalex"), "rates": FAST, "backoff": 0.001, "retries": 2, "read_timeout": 5}
        values.update(overrides)
        return Config(**values)

    def env(self, monkeypatch, **extra) -> None:
        for name, value in dict(CLAIMLEDGER_CROSSREF_URL=self.server.url_for("/crossref"), CLAIMLEDGER_NCBI_URL=self.server.url_for("/eutils"),
                                CLAIMLEDGER_OPENALEX_URL=self.server.url_for("/openalex"), CLAIMLEDGER_EMAIL=EMAIL,
                                CLAIMLEDGER_BACKOFF="0.001", **extra).items():
            monkeypatch.setenv(name, value)

    @staticmethod
    def json(body, status: int = 200, **headers) -> Response:
        return Response(json.dumps(body), status=status, content_type="application/json", headers=headers)

    def crossref(self, request: Request, drop: int = 0) -> Response:
        dois = [f.removeprefix("doi:") for f in request.args["filter"].split(",")]
        items = [self.works[d.casefold()] for d in dois if d.casefold() in self.works]
        total = len(items)
        items = items[: len(items) - drop]
        body = {"status": "ok", "message-type": "work-list", "message-version": "1.0.0",
                "message": {"facets": {}, "total-results": total, "items": items, "items-per-page": int(request.args["rows"]),
                            "query": {"start-index": 0, "search-terms": None}}}
        return self.json(body, **{"x-rate-limit-limit": "10", "x-rate-limit-interval": "1s", "x-concurrency-limit": "3",
                                  "x-api-pool": "polite"})

    def esummary(self, request: Request) -> Response:
        ids = request.values["id"].split(",")
        result = {"uids": ids}
        for i in ids:
            result[i] = self.summaries.get(i, {"uid": i, "error": "cannot get document summary"})
        return self.json({"header": {"type": "esummary", "version": "0.3"}, "result": result})

    def esearch(self, request: Request) -> Response:
        dois = {d.casefold() for d in re.findall(r'"([^"]+)"\[aid\]', request.values["term"])}
        hits = [p for p, doc in self.summaries.items() if pubmed.doi_of(doc).casefold() in dois]
        body = _load("ncbi_esearch.json")
        body["esearchresult"].update(count=str(len(hits)), retmax=str(len(hits)), idlist=hits, querytranslation=request.values["term"])
        return self.json(body)

    def openalex(self, request: Request) -> Response:
        kind, _, values = request.args["filter"].partition(":")
        keys = values.split("|")
        if kind == "doi":
            results = [self.alex[k.casefold()] for k in keys if k.casefold() in self.alex]
        else:
            results = [w for w in self.alex.values() if openalex.bare_pmid(w["ids"].get("pmid")) in keys]
        return self.json({"meta": {"count": len(results), "db_response_time_ms": 12, "page": 1, "per_page": int(request.args["per-page"]),
                                   "groups_count": None}, "results": results, "group_by": []})

    def paths(self) -> list[str]:
        return [req.path for req, _ in self.server.log]


@pytest.fixture
def apis(httpserver) -> FakeApis:
    return FakeApis(httpserver)


def statuses(res) -> dict[str, str]:
    return dict(zip(res.status["citation_id"], res.status["status"]))


def flat(res) -> list[tuple]:
    return [(p.line, p.column, p.code) for p in res.report.sorted()]


def cache_files(root: Path) -> list[Path]:
    return sorted((root / "evidence" / "cache").rglob("*")) if (root / "evidence" / "cache").exists() else []


# --- offline -------------------------------------------------------------------------------------

def test_offline_with_empty_cache_reports_not_checked_and_exits_0(tmp_path, capsys, httpserver):
    root = make_ledger(tmp_path / "l", [WAKEFIELD, "li2022-fatty-acid-oxidation"])
    assert main(["resolve", "--root", str(root)]) == 0
    assert capsys.readouterr().out == (
        f"{WAKEFIELD}: verified_manually: not checked (offline, no cached record); verified by hand at https://example.org/record on 2026-11-01\n"
        "li2022-fatty-acid-oxidation: verified_manually: not checked (offline, no cached record); verified by hand at "
        "https://example.org/record on 2026-11-01\n"
        "2 citation(s): 2 verified_manually; 0 error(s), 0 warning(s). Offline: citations without a cached record were not checked; "
        "run `claimledger resolve --online` to check them.\n")
    assert main(["resolve", "--root", str(root), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "citation_id,status,sources,checked_on,detail"
    assert httpserver.log == [] and cache_files(root) == []


def test_unknown_only_id_is_refused_before_any_request(tmp_path, capsys, httpserver):
    root = make_ledger(tmp_path / "l", [WAKEFIELD])
    assert main(["resolve", "--root", str(root), "--online", "--only", "wakefield1998-ileal"]) == 1
    err = capsys.readouterr().err
    assert 'no citation "wakefield1998-ileal" (did you mean "wakefield1998-ileal-hyperplasia"?)' in err
    assert httpserver.log == []


def test_bad_settings_are_refused_before_any_request(tmp_path, capsys, apis, monkeypatch):
    root = make_ledger(tmp_path / "l", [WAKEFIELD])
    apis.env(monkeypatch, CLAIMLEDGER_TIMEOUT="soon")
    assert main(["resolve", "--root", str(root), "--online"]) == 1
    assert capsys.readouterr().err == ("claimledger resolve: $CLAIMLEDGER_TIMEOUT is 'soon', not a number. "
                                       "Fix: set it to a number such as 30, or unset it.\n")
    monkeypatch.setenv("CLAIMLEDGER_TIMEOUT", "5")
    assert main(["resolve", "--root", str(root), "--online", "--email", "not-an-address"]) == 1
    assert "is not an email address. Fix: pass --email you@example.org" in capsys.readouterr().err
    assert apis.server.log == []


# --- the whole run -------------------------------------------------------------------------------

def test_online_run_batches_compares_and_offline_repeats_it(tmp_path, apis):
    root = make_ledger(tmp_path / "l")
    res = resolve_citations(root, online=True, config=apis.config())
    assert statuses(res) == {
        WAKEFIELD: "retracted",
        "sadasivan2012-methylphenidate": "resolved",
        "iwasa2020-lemon": "mismatch",
        "rolf2018-vitamin-d-ebv": "resolved",
        "li2022-fatty-acid-oxidation": "resolved",
        "nobody2012-no-such-doi": "not_found",
        "nobody2020-no-such-pmid": "not_found",
    }
    assert flat(res) == [
        (2, "(record)", "correction"),               # Crossref: the 2004 Lancet notice (Retraction Watch)
        (2, "(record)", "expression-of-concern"),    # PubMed
        (2, "retracted", "retracted"),               # Crossref
        (2, "retracted", "retracted"),               # PubMed
        (3, "(record)", "correction"),               # Crossref, publisher
        (4, "title", "title-mismatch"),
        (5, "pmid", "suggested-fill"),
        (6, "(record)", "correction"),               # PubMed "Erratum in"
        (6, "doi", "suggested-fill"),
        (7, "doi", "not-found"),
        (8, "pmid", "not-found"),
    ]
    # Batched: Crossref once per phase, PubMed: one ESummary, one ESearch, one ESummary of its hits.
    assert sorted(apis.paths()) == ["/crossref/works"] * 2 + ["/eutils/esearch.fcgi"] + ["/eutils/esummary.fcgi"] * 2
    assert res.stats == {"crossref": {"requests": 2, "rate_limited": 0, "retries": 0},
                         "pubmed": {"requests": 3, "rate_limited": 0, "retries": 0}}
    fills = {r.citation_id: r.fills for r in res.results if r.fills}
    assert fills == {"rolf2018-vitamin-d-ebv": {"pmid": "28731372"}, "li2022-fatty-acid-oxidation": {"doi": "10.1016/j.celrep.2022.110870"}}
    row = res.status.set_index("citation_id").loc["iwasa2020-lemon"]
    assert (row["sources"], row["checked_on"]) == ("crossref,pubmed", today())
    assert row["detail"] == "title differs from Crossref"

    # Offline, from the cache alone: the same verdicts, without a single request.
    apis.server.clear_log()
    again = resolve_citations(root)
    assert again.status.equals(res.status)
    assert flat(again) == flat(res)
    assert citation_status(root).equals(res.status)
    assert apis.server.log == []


def test_retraction_and_correction_are_kept_per_source(tmp_path, apis):
    """Crossref calls the 2004 Lancet notice a correction, PubMed a retraction: both are reported."""
    root = make_ledger(tmp_path / "l", [WAKEFIELD])
    res = resolve_citations(root, online=True, config=apis.config())
    (result,) = res.results
    assert sorted((n.kind, n.source, n.evidence, n.doi.casefold(), n.pmid) for n in result.notices) == [
        ("correction", "crossref", "updated-by Correction (retraction-watch)", "10.1016/s0140-6736(04)15715-2", ""),
        ("expression_of_concern", "pubmed", "Expression of concern in", "10.1097/meg.0b013e328349d184", "21971344"),
        ("retraction", "crossref", "title marked 'RETRACTED'", "", ""),
        ("retraction", "crossref", "updated-by Retraction (retraction-watch)", "10.1016/s0140-6736(10)60175-4", ""),
        ("retraction", "pubmed", "Retraction in", "10.1016/s0140-6736(04)15715-2", "15016483"),
        ("retraction", "pubmed", "Retraction in", "10.1016/s0140-6736(10)60175-4", "20137807"),
        ("retraction", "pubmed", "publication type Retracted Publication", "", ""),
    ]
    assert result.detail == "retraction per Crossref, PubMed; expression of concern per PubMed; correction per Crossref"
    messages = [p.format() for p in res.report.sorted()]
    assert messages[2] == (
        "evidence/citations.csv:2: retracted: Crossref records a retraction: updated-by Retraction (retraction-watch) "
        "(doi:10.1016/s0140-6736(10)60175-4; 2010-02-06); title marked 'RETRACTED'. "
        "Fix: set retracted to true, so that it never counts towards a verdict.")
    assert messages[0] == (
        "evidence/citations.csv:2: (record): warning: Crossref records a correction: updated-by Correction (retraction-watch) "
        "(doi:10.1016/s0140-6736(04)15715-2; 2004-03-06). Fix: read the correction; check whether it changes the finding this citation supports.")


def test_cli_online_text_output_and_exit_code(tmp_path, apis, monkeypatch, capsys):
    root = make_ledger(tmp_path / "l", ["iwasa2020-lemon", "sadasivan2012-methylphenidate"])
    apis.env(monkeypatch)
    assert main(["resolve", "--online", "--root", str(root)]) == 1
    day = today()
    assert capsys.readouterr().out == (
        f"iwasa2020-lemon: mismatch (crossref, pubmed; checked {day}): title differs from Crossref\n"
        f"sadasivan2012-methylphenidate: resolved (crossref, pubmed; checked {day}): matches Crossref; correction per Crossref\n"
        'evidence/citations.csv:2: title: title differs from Crossref\'s "Phase II study of lenvatinib for metastatic colorectal cancer '
        'refractory to standard chemotherapy: the LEMON study (NCCH1503)" (similarity 37/100). '
        "Fix: check that the DOI/PMID points to this work; if it does, copy the title from the record.\n"
        "evidence/citations.csv:3: (record): warning: Crossref records a correction: updated-by Correction (publisher) "
        "(doi:10.1371/annotation/c76da2c1-ccb8-4797-94c1-359d3ceceeda; 2012-05-08). "
        "Fix: read the correction; check whether it changes the finding this citation supports.\n"
        "requests: crossref 1 (0 answered 429, 0 retried); pubmed 1 (0 answered 429, 0 retried)\n"
        "2 citation(s): 1 resolved, 1 mismatch; 1 error(s), 1 warning(s).\n")
    # Polite: contact address and tool name travel with every request.
    for req, _ in apis.server.log:
        assert "mailto:" + EMAIL in req.headers["User-Agent"]
        if req.path.startswith("/crossref"):
            assert req.args["mailto"] == EMAIL
        else:
            assert (req.values["tool"], req.values["email"]) == ("claimledger", EMAIL)
    # Offline afterwards: same text minus the request count.
    assert main(["resolve", "--root", str(root), "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert [c["status"] for c in out["citations"]] == ["mismatch", "resolved"]
    assert out["citations"][1]["notices"][0]["kind"] == "correction"


def test_fill_writes_only_the_agreed_cells(tmp_path, apis, capsys):
    root = make_ledger(tmp_path / "l", [WAKEFIELD, "rolf2018-vitamin-d-ebv", "li2022-fatty-acid-oxidation"], newline="\r\n")
    path = root / "evidence" / "citations.csv"
    before = path.read_bytes().split(b"\r\n")
    resolve_citations(root, online=True, config=apis.config())
    assert main(["resolve", "--root", str(root), "--fill"]) == 1  # Wakefield's retraction still fails the run
    out = capsys.readouterr().out
    assert 'evidence/citations.csv:3: pmid: warning: wrote PMID "28731372" (PubMed and Crossref agree).' in out
    assert 'evidence/citations.csv:4: doi: warning: wrote DOI "10.1016/j.celrep.2022.110870" (PubMed and Crossref agree).' in out
    after = path.read_bytes().split(b"\r\n")
    assert len(after) == len(before) and b"\n" not in b"".join(after)
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    assert changed == [2, 3]
    assert after[2] == before[2].replace(b"10.1177/1352458517722646,,", b"10.1177/1352458517722646,28731372,")
    assert after[3] == before[3].replace(b"li2022-fatty-acid-oxidation,,", b"li2022-fatty-acid-oxidation,10.1016/j.celrep.2022.110870,")
    # Nothing is left to fill, and the filled rows still resolve.
    res = resolve_citations(root)
    assert [p.code for p in res.report.problems if "fill" in p.code] == []
    assert statuses(res)["li2022-fatty-acid-oxidation"] == "resolved"


# --- OpenAlex and keys ---------------------------------------------------------------------------

def test_openalex_only_with_a_key_and_keys_never_leak(tmp_path, apis, monkeypatch, capsys, caplog):
    caplog.set_level(logging.DEBUG, logger="urllib3")
    ncbi_key, alex_key = "ncbi-SECRET-0123456789", "alex-SECRET-9876543210"
    seen = []

    def esearch_refusing(request):
        seen.append(request.values.get("api_key"))
        return apis.json({"error": f"api_key={request.values.get('api_key')} is not allowed to search"}, status=400)

    apis.handlers["/eutils/esearch.fcgi"] = esearch_refusing
    piwowar = {"doi": "10.7717/peerj.4375", "first_author": "Piwowar", "year": "2018", "journal": "PeerJ",
               "title": "The state of OA: a large-scale analysis of the prevalence and impact of Open Access articles"}
    citations = dict(CITATIONS, piwowar2018=piwowar)
    root = make_ledger(tmp_path / "l", [WAKEFIELD, "piwowar2018"], citations)
    apis.env(monkeypatch, CLAIMLEDGER_NCBI_API_KEY=ncbi_key, CLAIMLEDGER_OPENALEX_API_KEY=alex_key)
    assert main(["resolve", "--online", "--root", str(root)]) == 1
    captured = capsys.readouterr()
    assert seen == [ncbi_key]
    by_path = {req.path: req for req, _ in apis.server.log}
    assert by_path["/openalex/works"].args["api_key"] == alex_key
    assert by_path["/eutils/esummary.fcgi"].values["api_key"] == ncbi_key
    assert "evidence/citations.csv:3: doi: PubMed search for DOI 10.7717/peerj.4375 failed: HTTP 400 (api_key=*** is not allowed to search); " \
           "nothing was stored for it." in captured.out
    res = resolve_citations(root)
    assert statuses(res) == {WAKEFIELD: "retracted", "piwowar2018": "resolved"}
    assert [n.evidence for n in res.results[0].notices if n.source == "openalex"] == ["is_retracted"]
    assert res.status["sources"].tolist() == ["crossref,pubmed,openalex", "crossref,openalex"]
    client_log = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("urllib3"))
    assert "/openalex/works?" in client_log and "api_key=***" in client_log  # urllib3 logs request URLs: keys redacted
    for text in [captured.out, captured.err, client_log] + [p.read_text() for p in cache_files(root) if p.is_file()]:
        assert ncbi_key not in text and alex_key not in text
    for text in [captured.out, captured.err] + [p.read_text() for p in cache_files(root) if p.is_file()]:
        assert EMAIL not in text
    assert (root / "evidence/cache/openalex/doi/10.7717%2Fpeerj.4375.json").is_file()


def test_sanitize_url_drops_keys_and_contact():
    assert sanitize_url("http://x/works?filter=doi:10.1/a&api_key=K&mailto=m@x.org&email=m@x.org&rows=2") == "http://x/works?filter=doi:10.1/a&rows=2"


# --- faults --------------------------------------------------------------------------------------

def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connection_error_is_reported_per_citation(tmp_path, apis):
    root = make_ledger(tmp_path / "l", ["sadasivan2012-methylphenidate", "iwasa2020-lemon"])
    res = resolve_citations(root, online=True, config=apis.config(crossref_url=f"http://127.0.0.1:{_closed_port()}", retries=1))
    assert flat(res) == [(2, "doi", "lookup-failed"), (3, "doi", "lookup-failed")]
    assert "could not connect to 127.0.0.1:" in res.report.problems[0].message
    assert res.stats["crossref"] == {"requests": 2, "rate_limited": 0, "retries": 1}
    assert statuses(res) == {"sadasivan2012-methylphenidate": "verified_manually", "iwasa2020-lemon": "verified_manually"}
    assert not list((root / "evidence/cache").glob("crossref/**/*.json"))


def test_timeout_is_retried_then_reported(tmp_path, apis):
    def slow(request):
        time.sleep(0.4)
        return apis.crossref(request)

    apis.handlers["/crossref/works"] = slow
    root = make_ledger(tmp_path / "l", ["iwasa2020-lemon"])
    res = resolve_citations(root, online=True, config=apis.config(read_timeout=0.1, retries=1))
    (problem,) = [p for p in res.report.problems if p.code == "lookup-failed"]
    assert re.fullmatch(r"Crossref look-up of DOI 10.1136/esmoopen-2020-000776 failed: no answer from 127.0.0.1:\d+ within the timeout "
                        r"after 2 attempts; nothing was stored for it.", problem.message)
    assert res.stats["crossref"]["retries"] == 1


def test_429_with_retry_after_is_honoured(tmp_path, apis):
    apis.server.expect_oneshot_request("/crossref/works").respond_with_data("Too Many Requests", status=429, headers={"Retry-After": "1"})
    root = make_ledger(tmp_path / "l", ["iwasa2020-lemon"])
    start = time.monotonic()
    res = resolve_citations(root, online=True, config=apis.config())
    assert time.monotonic() - start >= 1.0
    assert res.stats["crossref"] == {"requests": 2, "rate_limited": 1, "retries": 1}
    assert statuses(res) == {"iwasa2020-lemon": "mismatch"}


def test_5xx_then_success(tmp_path, apis):
    apis.server.expect_oneshot_request("/eutils/esummary.fcgi").respond_with_data("Service Unavailable", status=503)
    root = make_ledger(tmp_path / "l", ["li2022-fatty-acid-oxidation"])
    res = resolve_citations(root, online=True, config=apis.config())
    assert statuses(res) == {"li2022-fatty-acid-oxidation": "resolved"}
    assert res.stats["pubmed"] == {"requests": 2, "rate_limited": 0, "retries": 1}


def test_malformed_json_keeps_the_cached_record(tmp_path, apis):
    root = make_ledger(tmp_path / "l", ["iwasa2020-lemon"])
    resolve_citations(root, online=True, config=apis.config())
    cached = root / "evidence/cache/crossref/doi/10.1136%2Fesmoopen-2020-000776.json"
    before = cached.read_bytes()
    apis.handlers["/crossref/works"] = lambda request: Response('{"status": "ok", "message": {"items": [', content_type="application/json")
    res = resolve_citations(root, online=True, config=apis.config())
    (problem,) = [p for p in res.report.problems if p.code == "lookup-failed"]
    assert problem.message.startswith("Crossref look-up of DOI 10.1136/esmoopen-2020-000776 failed: malformed JSON in the answer")
    assert problem.message.endswith(f"; kept the record cached on {today()}.")
    assert cached.read_bytes() == before
    assert statuses(res) == {"iwasa2020-lemon": "mismatch"}


def test_partial_batches_store_what_came_and_nothing_else(tmp_path, apis):
    apis.handlers["/crossref/works"] = lambda request: apis.crossref(request, drop=1)
    apis.summaries.pop("35649368")
    root = make_ledger(tmp_path / "l", ["sadasivan2012-methylphenidate", "iwasa2020-lemon"])
    res = resolve_citations(root, online=True, config=apis.config())
    assert [(p.line, p.code) for p in res.report.sorted() if p.severity == "error"] == [(3, "lookup-failed")]
    assert "partial batch: Crossref reports 2 results but sent 1; nothing was stored for it." in res.report.errors[0].message
    stored = [p.name for p in (root / "evidence/cache/crossref/doi").iterdir()]
    assert stored == ["10.1371%2Fjournal.pone.0033693.json"]  # the DOI the answer left out is not called "not found"

    # ESummary leaving a PMID out of its answer is also a fault, not "not found".
    def summary_without(request):
        ids = request.values["id"].split(",")
        result = {"uids": ids[:1], ids[0]: apis.summaries[ids[0]]}
        return apis.json({"header": {"type": "esummary", "version": "0.3"}, "result": result})

    apis.handlers["/eutils/esummary.fcgi"] = summary_without
    apis.handlers["/crossref/works"] = apis.crossref
    root2 = make_ledger(tmp_path / "l2", [WAKEFIELD, "nobody2020-no-such-pmid"], dict(CITATIONS, **{WAKEFIELD: dict(CITATIONS[WAKEFIELD], doi="")}))
    res = resolve_citations(root2, online=True, config=apis.config())
    assert [(p.line, p.code) for p in res.report.sorted() if p.code == "lookup-failed"] == [(3, "lookup-failed")]
    assert "ESummary left out 1 of 2 PMIDs (999999999)" in res.report.sorted()[-1].message
    assert (root2 / "evidence/cache/pubmed/pmid/9500320.json").is_file()
    assert not (root2 / "evidence/cache/pubmed/pmid/999999999.json").exists()


def test_404_keeps_status_and_server_message(tmp_path, apis):
    apis.handlers["/crossref/works"] = lambda request: Response("Resource not found.", status=404, content_type="text/plain")
    root = make_ledger(tmp_path / "l", ["iwasa2020-lemon"])
    res = resolve_citations(root, online=True, config=apis.config())
    (problem,) = [p for p in res.report.problems if p.code == "lookup-failed"]
    assert problem.message == ("Crossref look-up of DOI 10.1136/esmoopen-2020-000776 failed: HTTP 404 (Resource not found.); "
                               "nothing was stored for it.")
    assert res.stats["crossref"]["retries"] == 0


def test_a_400_batch_is_split_until_the_bad_doi_stands_alone(tmp_path, apis):
    sici = "10.1002/(sici)1097-0258(19980715)17:13<1495::aid-sim863>3.0.co;2-i"

    def picky(request):
        if "<" in request.args["filter"]:
            return apis.json({"status": "failed", "message-type": "validation-failure",
                              "message": [{"type": "filter-value-invalid", "message": "DOI filter value is not valid"}]}, status=400)
        return apis.crossref(request)

    apis.handlers["/crossref/works"] = picky
    citations = dict(CITATIONS, **{"x1998-sici": {"doi": sici, "first_author": "X", "year": "1998", "title": "A statistics paper"}})
    root = make_ledger(tmp_path / "l", ["sadasivan2012-methylphenidate", "iwasa2020-lemon", "rolf2018-vitamin-d-ebv", "x1998-sici"], citations)
    res = resolve_citations(root, online=True, config=apis.config())
    assert statuses(res)["rolf2018-vitamin-d-ebv"] == "resolved"
    failed = [p for p in res.report.problems if p.code == "lookup-failed" and p.value == sici]
    assert [p.message.split(" failed: ")[1] for p in failed] == ["HTTP 400 (DOI filter value is not valid); nothing was stored for it."]
    assert apis.paths().count("/crossref/works") == 5  # 4 DOIs, then 2 + 2, then 1 + 1 for the bad pair


def test_unreadable_cache_file_is_a_warning(tmp_path, apis):
    root = make_ledger(tmp_path / "l", ["iwasa2020-lemon"])
    bad = root / "evidence/cache/crossref/doi/10.1136%2Fesmoopen-2020-000776.json"
    bad.parent.mkdir(parents=True)
    bad.write_text("{half a file")
    res = resolve_citations(root)
    assert flat(res) == [(None, "(file)", "cache-unreadable")]
    assert statuses(res) == {"iwasa2020-lemon": "verified_manually"}


# --- pacing --------------------------------------------------------------------------------------

def test_pacer_spaces_requests_and_only_slows_down():
    pacer = Pacer("x", rate=50.0)
    start = time.monotonic()
    for _ in range(6):
        pacer.wait()
    assert time.monotonic() - start >= 5 / 50 - 0.005
    pacer.adapt({"x-rate-limit-limit": "10", "x-rate-limit-interval": "1s"})
    assert pacer.rate == pytest.approx(9.0)
    pacer.adapt({"x-rate-limit-limit": "1000", "x-rate-limit-interval": "1s"})
    assert pacer.rate == pytest.approx(9.0)
    pacer.slow_down()
    assert pacer.rate == pytest.approx(4.5)


def test_crossref_batches_fill_the_url_limit_and_no_more():
    base = "https://api.crossref.org"
    dois = [f"10.1000/{'x' * (i % 40)}{i:04d}" for i in range(300)]
    batches = crossref.plan_batches(base, dois, EMAIL)
    assert [d for batch in batches for d in batch] == dois

    def url_length(batch):
        prepared = requests.Request("GET", f"{base}/works", params=crossref._params(batch, EMAIL)).prepare()
        return len(prepared.url)

    for batch, following in zip(batches, batches[1:] + [[]]):
        assert url_length(batch) <= crossref.MAX_URL
        if following:
            assert len(batch) == crossref.MAX_BATCH or url_length(batch + following[:1]) > crossref.MAX_URL


# --- Ctrl-C --------------------------------------------------------------------------------------

@pytest.mark.skipif(os.name == "nt", reason="sends SIGINT")
def test_ctrl_c_leaves_every_file_valid(tmp_path, apis):
    def slow_summary(request):
        time.sleep(1.0)
        return apis.esummary(request)

    apis.handlers["/eutils/esummary.fcgi"] = slow_summary
    root = make_ledger(tmp_path / "l")
    csv_before = (root / "evidence/citations.csv").read_bytes()
    env = dict(os.environ, CLAIMLEDGER_CROSSREF_URL=apis.server.url_for("/crossref"), CLAIMLEDGER_NCBI_URL=apis.server.url_for("/eutils"),
               CLAIMLEDGER_EMAIL=EMAIL)
    proc = subprocess.Popen([sys.executable, "-m", "claimledger", "resolve", "--online", "--fill", "--root", str(root)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while not list((root / "evidence/cache").glob("crossref/doi/*.json")) and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    assert "interrupted; files already written are complete" in err
    files = [p for p in cache_files(root) if p.is_file()]
    assert files and not [p for p in files if p.name.startswith(".")]
    for p in files:
        json.loads(p.read_text())
    assert (root / "evidence/citations.csv").read_bytes() == csv_before


# --- parsers over recorded real responses --------------------------------------------------------

@pytest.mark.skipif(not SHARED_API.is_dir(), reason="../shared/fixtures/api is not beside the repository")
def test_parsers_read_the_recorded_responses():
    def load(name):
        return json.loads((SHARED_API / name).read_text(encoding="utf-8"))

    wakefield = crossref.parse_work(load("crossref_work_retracted_wakefield_1998.json")["message"])
    assert (wakefield.first_author, wakefield.years, wakefield.journals[0]) == ("Wakefield", (1998,), "The Lancet")
    assert [(n.kind, n.evidence) for n in wakefield.notices] == [
        ("correction", "updated-by Correction (retraction-watch)"),
        ("retraction", "updated-by Retraction (retraction-watch)"),
        ("retraction", "title marked 'RETRACTED'"),
    ]
    plos = crossref.parse_work(load("crossref_work_10.1371_journal.pone.0033693.json")["message"])
    assert [(n.kind, n.evidence, n.date) for n in plos.notices] == [("correction", "updated-by Correction (publisher)", "2012-05-08")]
    esmo = crossref.parse_work(load("crossref_work_10.1136_esmoopen-2020-000776.json")["message"])
    assert (esmo.first_author, esmo.years, esmo.notices) == ("Iwasa", (2020,), ())
    aging = crossref.parse_work(load("crossref_work_10.1016_j.neurobiolaging.2010.03.024.json")["message"])
    assert (aging.first_author, aging.journals[0], aging.years) == ("Lee", "Neurobiology of Aging", (2012,))

    doc = load("ncbi_esummary_pubmed_9500320_retracted.json")["result"]["9500320"]
    summary = pubmed.parse_summary(doc)
    assert (summary.first_author, summary.years, summary.doi, summary.pmid) == ("Wakefield AJ", (1998,), "10.1016/s0140-6736(97)11096-0", "9500320")
    assert [(n.kind, n.evidence, n.pmid) for n in summary.notices] == [
        ("retraction", "publication type Retracted Publication", ""),
        ("retraction", "Retraction in", "15016483"),
        ("retraction", "Retraction in", "20137807"),
        ("expression_of_concern", "Expression of concern in", "21971344"),
    ]
    retracted = openalex.parse_work(load("openalex_work_doi_retracted_wakefield_select.json"))
    assert (retracted.pmid, retracted.years, [n.evidence for n in retracted.notices]) == ("9500320", (1998,), ["is_retracted"])
    oa = openalex.parse_work(load("openalex_work_W2741809807.json"))
    assert (oa.first_author, oa.journals, oa.doi, oa.pmid, oa.notices) == ("Heather Piwowar", ("PeerJ",), "10.7717/peerj.4375", "29456894", ())

    # The same citation row matches every source's record, RETRACTED: prefix and "The Lancet" included.
    row = {"title": CITATIONS[WAKEFIELD]["title"], "year": "1998", "first_author": "Wakefield", "journal": "Lancet",
           "doi": "10.1016/S0140-6736(97)11096-0", "pmid": "9500320"}
    assert [compare(row, w) for w in (wakefield, summary, retracted)] == [[], [], []]


def test_citation_status_of_a_loaded_ledger_equals_reading_it_again(repo_ledger):
    from claimledger.resolve import ledger_citation_status
    pd.testing.assert_frame_equal(ledger_citation_status(claimledger.load(repo_ledger)), citation_status(repo_ledger))
