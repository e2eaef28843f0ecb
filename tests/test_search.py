"""claimledger search: a real HTTP server on 127.0.0.1 answers like E-utilities and Europe PMC.

Nothing of claimledger is mocked: the command talks HTTP to pytest-httpserver,
which pages through tests/data/search/corpus.json with answers shaped like the
real ones (tests/data/search/README.md), or serves the fault under test. Every
ledger lives in tmp_path.
"""
from __future__ import annotations

import base64
import copy
import hashlib
import json
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from claimledger.cli import main
from claimledger.ledger import validate
from claimledger.resolve import Config
from claimledger.search import SearchError, SearchPlan, run_search
from claimledger.search.net import DeadlineExceeded

DATA = Path(__file__).resolve().parent / "data" / "search"
FAST = {"pubmed": 1000.0, "europepmc": 1000.0, "crossref": 1000.0, "openalex": 1000.0}
CLAIM = "endorphin-release"
QUERY = "cranberry AND uti"


def _load(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


class FakeDatabases:
    """E-utilities esearch/esummary and Europe PMC search over the corpus; tests replace a handler to inject faults."""

    def __init__(self, server: HTTPServer):
        self.server = server
        self.corpus = _load("corpus.json")["records"]
        self.template = _load("esummary_doc.json")
        self.requests: list[tuple[str, dict]] = []
        self.drift = 0
        """Extra records PubMed 'gains' after the first page (count drift while paging)."""
        self.handlers = {"/eutils/esearch.fcgi": self.esearch, "/eutils/esummary.fcgi": self.esummary, "/epmc/search": self.europepmc,
                         "/crossref/works": self.crossref}
        for path in self.handlers:
            server.expect_request(path).respond_with_handler(lambda request, path=path: self._log(path, request))

    def _log(self, path: str, request: Request) -> Response:
        self.requests.append((path, dict(request.values)))
        return self.handlers[path](request)

    def config(self, **overrides) -> Config:
        values = {"email": "tests@example.org", "ncbi_url": self.server.url_for("/eutils"), "europepmc_url": self.server.url_for("/epmc"),
                  "crossref_url": self.server.url_for("/crossref"),
                  "rates": FAST, "backoff": 0.001, "retries": 1, "read_timeout": 5}
        values.update(overrides)
        return Config(**values)

    def env(self, monkeypatch) -> None:
        monkeypatch.setenv("CLAIMLEDGER_NCBI_URL", self.server.url_for("/eutils"))
        monkeypatch.setenv("CLAIMLEDGER_EUROPEPMC_URL", self.server.url_for("/epmc"))
        monkeypatch.setenv("CLAIMLEDGER_EMAIL", "tests@example.org")
        monkeypatch.setenv("CLAIMLEDGER_BACKOFF", "0.001")
        monkeypatch.setenv("CLAIMLEDGER_RETRIES", "1")

    @staticmethod
    def json(body, status: int = 200) -> Response:
        return Response(json.dumps(body), status=status, content_type="application/json")

    def matches(self, query: str, mindate: str = "", maxdate: str = "", pubmed: bool = True, datetype: str = "pdat") -> list[dict]:
        lo, hi = (mindate or "0")[:4], (maxdate or "9999")[:4]
        when = (lambda r: r.get("entered", "2000")) if datetype == "edat" else (lambda r: r["year"])
        return [r for r in self.corpus if query in r["queries"] and lo <= when(r) <= hi and not (pubmed and r.get("europepmc_only"))]

    def crossref(self, request: Request) -> Response:
        return self.json({"status": "ok", "message-type": "work-list", "message-version": "1.0.0",
                          "message": {"facets": {}, "total-results": 0, "items": [], "items-per-page": int(request.args["rows"]),
                                      "query": {"start-index": 0, "search-terms": None}}})

    def esearch(self, request: Request) -> Response:
        v = request.values
        if v["term"] == "xylophonic":
            return self.json(_load("esearch_no_hits.json"))
        if v["term"] == "huge":
            ids = [str(80000000 + i) for i in range(25_000)]
        else:
            ids = [r["pmid"] for r in self.matches(v["term"], v.get("mindate", ""), v.get("maxdate", ""), datetype=v.get("datetype", "pdat"))]
        start, size = int(v.get("retstart", 0)), int(v.get("retmax", 20))
        if start > 0 and self.drift:
            ids = ids + [str(89000000 + i) for i in range(self.drift)]
        body = _load("esearch_template.json")
        body["esearchresult"].update(count=str(len(ids)), retmax=str(len(ids[start:start + size])), retstart=str(start),
                                     idlist=ids[start:start + size])
        return self.json(body)

    def doc(self, pmid: str) -> dict:
        doc = copy.deepcopy(self.template)
        rec = next((r for r in self.corpus if r.get("pmid") == pmid), None)
        doc.update(uid=pmid, articleids=[{"idtype": "pubmed", "idtypen": 1, "value": pmid}])
        if rec:
            doc.update(title=rec["title"], pubdate=f"{rec['year']} Jan", pubtype=rec["pubtype"])
            doc["articleids"].append({"idtype": "doi", "idtypen": 3, "value": rec["doi"]})
        else:
            doc.update(title=f"Synthetic record {pmid}", pubdate="2020")
        return doc

    def esummary(self, request: Request) -> Response:
        ids = request.values["id"].split(",")
        return self.json({"header": {"type": "esummary", "version": "0.3"}, "result": {"uids": ids, **{i: self.doc(i) for i in ids}}})

    def europepmc(self, request: Request) -> Response:
        v = request.values
        query = v["query"]
        base = query.split(") AND ")[0].lstrip("(") if ") AND " in query else query
        hits = self.matches(base, pubmed=False)
        start = 0 if v["cursorMark"] == "*" else int(base64.b64decode(v["cursorMark"]).decode())
        size = int(v["pageSize"])
        page = hits[start:start + size]
        body = _load("europepmc_template.json")
        nxt = base64.b64encode(str(start + len(page)).encode()).decode() if page else v["cursorMark"]
        body.update(hitCount=len(hits), nextCursorMark=nxt)
        body["request"].update(queryString=query, cursorMark=v["cursorMark"], pageSize=size)
        body["resultList"]["result"] = [
            {"id": r.get("pmid") or r["id"], "source": r.get("source", "MED"), **({"pmid": r["pmid"]} if r.get("pmid") else {}),
             **({"doi": r["doi"]} if r.get("doi") else {}), "title": r["title"], "authorString": "Tester A, Checker B.",
             "journalTitle": r["journal"], "pubYear": r["year"], "pubType": "research-article; journal article", "isOpenAccess": "N",
             "inEPMC": "N", "inPMC": "N", "hasPDF": "N", "citedByCount": 0, "firstPublicationDate": f"{r['year']}-01-15"} for r in page]
        return self.json(body)


@pytest.fixture
def dbs(make_httpserver):
    fake = FakeDatabases(make_httpserver)
    yield fake
    make_httpserver.clear()


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _rows(root: Path, name: str) -> list[dict]:
    import csv
    with open(root / "evidence" / f"{name}.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_pubmed_search_pages_logs_and_queues_candidates(mini, dbs):
    run_search(mini, SearchPlan(CLAIM, QUERY, mindate="2016", maxdate="2020/12/31", page=2), online=True, config=dbs.config())
    ids = [str(90000001 + i) for i in range(1, 6)]  # 2016..2020
    row = _rows(mini, "searches")[-1]
    assert {k: row[k] for k in ("search_id", "claim_id", "source", "interface", "query", "filters", "hits", "retrieved", "rerun_of")} == {
        "search_id": "s4", "claim_id": CLAIM, "source": "PubMed", "interface": "PubMed E-utilities esearch + esummary (JSON)",
        "query": QUERY, "filters": "datetype=pdat; mindate=2016; maxdate=2020/12/31", "hits": "5", "retrieved": "5", "rerun_of": ""}
    assert row["translation"].startswith('("vaccinium macrocarpon"[MeSH Terms]')
    assert row["ids_sha256"] == hashlib.sha256("".join(i + "\n" for i in ids).encode()).hexdigest()
    assert row["searched_at"].endswith("Z") and row["searched_at"][:10] == row["searched_on"]
    pages = [r for p, r in dbs.requests if p.endswith("esearch.fcgi")]
    assert [(p["retstart"], p["retmax"]) for p in pages] == [("0", "2"), ("2", "2"), ("4", "1")]
    assert all(p["tool"] == "claimledger" and p["email"] == "tests@example.org" and p["mindate"] == "2016" for p in pages)
    screening = _rows(mini, "screening")
    assert [(r["record_id"], r["search_id"], r["year"], r["decision"]) for r in screening] == [(f"pmid:{i}", "s4", str(2015 + int(i) - 90000001), "")
                                                                                              for i in ids]
    assert screening[0]["doi"] == "10.5555/test.2016.002" and screening[0]["title"].startswith("Cranberry juice")
    assert screening[0]["authors"] == "Tester A; Checker B"
    assert validate(mini).ok


def test_a_second_run_adds_only_new_records_and_skips_cited_ones(mini, dbs):
    run_search(mini, SearchPlan(CLAIM, QUERY, maxdate="2017"), online=True, config=dbs.config())
    (mini / "evidence/citations.csv").write_text((mini / "evidence/citations.csv").read_text().replace(",39401008,", ",90000004,"))
    out = run_search(mini, SearchPlan(CLAIM, QUERY), online=True, config=dbs.config())
    assert (out.already_screened, out.already_cited, [r["record_id"] for r in out.added]) == (
        3, 1, ["pmid:90000005", "pmid:90000006", "pmid:90000007"])
    assert [r["search_id"] for r in _rows(mini, "screening")] == ["s4"] * 3 + ["s5"] * 3
    assert _rows(mini, "searches")[-1]["retrieved"] == "7"


def test_zero_hits_are_logged_with_pubmeds_messages(mini, dbs):
    out = run_search(mini, SearchPlan(CLAIM, "xylophonic"), online=True, config=dbs.config())
    row = _rows(mini, "searches")[-1]
    assert (row["hits"], row["retrieved"], row["ids_sha256"]) == ("0", "0", hashlib.sha256(b"").hexdigest())
    assert row["note"] == "PubMed phrasesnotfound: xylophonic; PubMed outputmessages: No items found."
    assert out.added == [] and _rows(mini, "screening") == []
    assert [p for p, _ in dbs.requests] == ["/eutils/esearch.fcgi"]  # no ESummary for no ids


def test_count_drift_while_paging_is_reported(mini, dbs):
    dbs.drift = 2
    out = run_search(mini, SearchPlan(CLAIM, QUERY, page=4), online=True, config=dbs.config())
    assert out.search_row["hits"] == "7"
    assert "PubMed's count changed from 7 to 9 while paging" in out.search_row["note"]


def test_the_esearch_ceiling_of_10000_is_met_and_reported(mini, dbs):
    out = run_search(mini, SearchPlan(CLAIM, "huge", max_records=20_000, page=5000), online=True, config=dbs.config())
    assert (out.search_row["hits"], out.search_row["retrieved"]) == ("25000", "10000")
    assert "serves only the first 10,000" in out.search_row["note"]
    starts = [r["retstart"] for p, r in dbs.requests if p.endswith("esearch.fcgi")]
    assert starts == ["0", "5000"]
    assert len(_rows(mini, "screening")) == 10_000


def test_europepmc_follows_cursor_marks_and_keeps_preprints(mini, dbs):
    out = run_search(mini, SearchPlan(CLAIM, QUERY, source="europepmc", mindate="2010", maxdate="2030", page=3),
                     online=True, config=dbs.config())
    row = _rows(mini, "searches")[-1]
    assert (row["source"], row["hits"], row["retrieved"], row["translation"]) == ("Europe PMC", "8", "8", "")
    assert row["filters"] == "query sent as (cranberry AND uti) AND FIRST_PDATE:[2010-01-01 TO 2030-01-01]"
    cursors = [r["cursorMark"] for p, r in dbs.requests if p == "/epmc/search"]
    assert cursors[0] == "*" and len(cursors) == 4  # 3 + 3 + 2, then the echo of the last cursor
    assert [r["record_id"] for r in out.added][-1] == "europepmc:PPR:PPR700001"
    assert out.added[0]["authors"] == "Tester A; Checker B"
    ids = [f"MED:{90000001 + i}" for i in range(7)] + ["PPR:PPR700001"]
    assert row["ids_sha256"] == hashlib.sha256("".join(i + "\n" for i in ids).encode()).hexdigest()
    assert validate(mini).ok


def test_server_text_is_cleaned_and_bad_identifiers_dropped(mini, dbs):
    def esummary(request):
        ids = request.values["id"].split(",")
        docs = {i: dbs.doc(i) for i in ids}
        docs[ids[0]]["title"] = "Evil\x00 title\u200b with\nnewline"
        docs[ids[0]]["articleids"].append({"idtype": "doi", "value": "https://evil.example/not-a-doi"})
        docs[ids[0]]["articleids"] = [a for a in docs[ids[0]]["articleids"] if a["idtype"] != "doi" or "evil" in a["value"]]
        return dbs.json({"header": {}, "result": {"uids": ids, **docs}})
    dbs.handlers["/eutils/esummary.fcgi"] = esummary
    out = run_search(mini, SearchPlan(CLAIM, QUERY), online=True, config=dbs.config())
    assert (out.added[0]["title"], out.added[0]["doi"]) == ("Evil title with newline", "")
    assert validate(mini).ok


@pytest.mark.parametrize("status, body, message", [
    (500, {"error": "Internal error"}, "HTTP 500 (Internal error) after 2 attempts"),
    (400, {"error": "Invalid query syntax"}, "HTTP 400 (Invalid query syntax)"),
    (200, "<html>not json</html>", "malformed JSON in the answer"),
    (200, {"esearchresult": {"ERROR": "Empty term and query_key - nothing todo"}}, "Empty term and query_key"),
])
def test_errors_write_nothing_and_say_why(mini, dbs, monkeypatch, capsys, status, body, message):
    dbs.handlers["/eutils/esearch.fcgi"] = lambda request: Response(body if isinstance(body, str) else json.dumps(body), status=status,
                                                                    content_type="application/json")
    dbs.env(monkeypatch)
    before = _files(mini)
    assert main(["search", CLAIM, QUERY, "--online", "--root", str(mini)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("claimledger search: ") and message in err and "Traceback" not in err
    assert _files(mini) == before


def test_a_slow_server_meets_the_total_deadline(mini, dbs, monkeypatch, capsys):
    def slow(request):
        time.sleep(3)
        return dbs.esearch(request)
    dbs.handlers["/eutils/esearch.fcgi"] = slow
    before = _files(mini)
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded, match="did not finish within the deadline of 0.5 s"):
        run_search(mini, SearchPlan(CLAIM, QUERY), online=True, config=dbs.config(), deadline=0.5)
    assert time.monotonic() - started < 2
    assert _files(mini) == before


def test_cli_search_online_and_offline(mini, dbs, monkeypatch, capsys):
    before = _files(mini)
    assert main(["search", CLAIM, QUERY, "--root", str(mini)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == ("offline: nothing was searched and nothing was written. "
                                                       "The query is ready for PubMed: cranberry AND uti")
    assert _files(mini) == before
    dbs.env(monkeypatch)
    assert main(["search", CLAIM, QUERY, "--online", "--mindate", "2021", "--root", str(mini)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "s4: PubMed reports 1 hit(s) for 'cranberry AND uti' [datetype=pdat; mindate=2021; maxdate=3000]; retrieved 1."
    assert out[-2:] == [f"  1 new candidate(s) for {CLAIM} in evidence/screening.csv; 0 already screened for this claim, 0 already cited.",
                        f"next: claimledger screen --claim {CLAIM} --root {mini}"]


@pytest.mark.parametrize("args, message", [
    (["no-such-claim", QUERY], 'no claim "no-such-claim" in claims.csv.'),
    ([CLAIM, "  "], "the query is empty."),
    ([CLAIM, QUERY, "--mindate", "2020-13"], "--mindate '2020-13' is not a date."),
    ([CLAIM, QUERY, "--mindate", "2021", "--maxdate", "2020"], "--mindate 2021 is after --maxdate 2020."),
])
def test_bad_arguments_are_refused_before_any_request(mini, dbs, capsys, args, message):
    assert main(["search", *args, "--online", "--root", str(mini)]) == 1
    assert message in capsys.readouterr().err
    assert dbs.requests == []


def test_rows_that_do_not_fit_the_schema_are_refused(mini, dbs):
    schema = json.loads((mini / "datapackage.json").read_text())
    for r in schema["resources"]:
        if r["name"] == "screening":
            next(f for f in r["schema"]["fields"] if f["name"] == "year")["constraints"]["maximum"] = 2016
    (mini / "datapackage.json").write_text(json.dumps(schema))
    before = _files(mini)
    with pytest.raises(SearchError, match="do not fit the schema, so nothing was written"):
        run_search(mini, SearchPlan(CLAIM, QUERY), online=True, config=dbs.config())
    assert _files(mini) == before


def test_recheck_reruns_each_logged_search_since_its_last_run(mini, dbs, capsys):
    import datetime as dt

    from claimledger.search.recheck import recheck
    run_search(mini, SearchPlan(CLAIM, QUERY, maxdate="2017"), online=True, config=dbs.config())
    dbs.corpus.append({"pmid": "90000099", "doi": "10.5555/new", "title": "Cranberry news", "year": "2099", "entered": "2099",
                       "journal": "Test J", "pubtype": ["Journal Article"], "queries": [QUERY]})
    dbs.requests.clear()
    out = recheck(mini, online=True, config=dbs.config(), today=dt.date(2099, 12, 31))
    row = _rows(mini, "searches")[-1]
    assert (row["search_id"], row["rerun_of"], row["hits"], row["retrieved"]) == ("s5", "s4", "1", "1")
    assert row["filters"] == f"datetype=edat; mindate={_rows(mini, 'searches')[-2]['searched_on'].replace('-', '/')}; maxdate=2099/12/31"
    assert [r["record_id"] for r in out.runs[0].added] == ["pmid:90000099"]
    assert (out.new, out.waiting) == ({CLAIM: 1}, {CLAIM: 4})
    assert out.citation_counts  # citation status was refreshed from the (local) APIs
    again = recheck(mini, online=True, config=dbs.config(), today=dt.date(2099, 12, 31))
    assert [r.root_id for r in again.reruns] == ["s4"] and again.runs[0].added == [] and again.runs[0].already_screened == 1
    assert _rows(mini, "searches")[-1]["rerun_of"] == "s4"


def test_recheck_offline_lists_what_is_due_and_searches_nothing(mini, dbs, capsys):
    run_search(mini, SearchPlan(CLAIM, QUERY, maxdate="2017"), online=True, config=dbs.config())
    dbs.requests.clear()
    before = _files(mini)
    assert main(["recheck", "--root", str(mini)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "offline: nothing was searched and nothing was written. 1 logged database search(es) are due:"
    assert out[1].startswith("  s4 endorphin-release: pubmed 'cranberry AND uti', records entered ")
    assert out[2] == "endorphin-release: 3 candidate(s) wait for screening."
    assert dbs.requests == [] and _files(mini) == before
