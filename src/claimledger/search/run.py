"""``claimledger search``: run a query on PubMed or Europe PMC, log it, and queue its new records for screening.

One row goes to ``evidence/searches.csv`` per search (query as sent, the
database's translation, limits, hits, records retrieved, UTC time, SHA-256 of
the ids); the records that are new for the claim (not screened for it before,
not cited already) go to ``evidence/screening.csv`` as undecided candidates, with
the identifiers, title, authors, year and journal the database gave (so that
``claimledger cite`` can start from them offline). Offline, nothing is searched
and nothing is written.
"""
from __future__ import annotations

import datetime as _dt
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..ledger.edit import append_rows, next_ids
from ..ledger.schema import read_schema
from ..resolve.config import Config
from ..resolve.http import Cancelled, Client
from .net import deadline_seconds, within
from .records import Record, SearchResult
from .sources import DATETYPES, LABELS, SOURCES
from .tables import SearchError, check_rows, known_claim, raw_table, refuse

_DATE = re.compile(r"([12][0-9]{3})(?:[/-](0[1-9]|1[0-2])(?:[/-](0[1-9]|[12][0-9]|3[01]))?)?")


def utc_now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0)


def norm_date(value: str | None, flag: str) -> str | None:
    """``2020``, ``2020/05``, ``2020-05-31`` -> PubMed's ``2020/05/31`` form (None stays None)."""
    if value is None or value == "":
        return None
    m = _DATE.fullmatch(value.strip())
    if not m:
        raise SearchError(f"{flag} {value!r} is not a date. Fix: write YYYY, YYYY/MM or YYYY/MM/DD (e.g. {flag} 2020/01/01).")
    return "/".join(p for p in m.groups() if p)


@dataclass
class SearchPlan:
    """A search to run: checked before any network call."""

    claim_id: str
    query: str
    source: str = "pubmed"
    datetype: str = "pdat"
    mindate: str | None = None
    maxdate: str | None = None
    max_records: int = 1000
    rerun_of: str = ""
    page: int | None = None
    """Records per request (default: the source's largest sensible page); tests use small pages to exercise paging."""

    def check(self) -> None:
        if not self.query.strip():
            raise SearchError("the query is empty. Fix: give the query in quotes, e.g. \"acupuncture AND sciatica\".")
        if self.source not in SOURCES:
            raise SearchError(f"unknown source {self.source!r}. Fix: use one of {', '.join(SOURCES)}.")
        if self.datetype not in DATETYPES:
            raise SearchError(f"unknown date type {self.datetype!r}. Fix: use pdat (publication date) or edat (entry date).")
        self.mindate, self.maxdate = norm_date(self.mindate, "--mindate"), norm_date(self.maxdate, "--maxdate")
        if self.mindate and self.maxdate and self.mindate > self.maxdate:
            raise SearchError(f"--mindate {self.mindate} is after --maxdate {self.maxdate}. Fix: swap them.")
        if self.max_records < 1:
            raise SearchError("--max must be at least 1.")


@dataclass
class SearchOutcome:
    """What one search found and wrote."""

    plan: SearchPlan
    result: SearchResult | None = None
    search_row: dict = field(default_factory=dict)
    added: list[dict] = field(default_factory=list)
    """Screening rows written (new candidates)."""
    already_screened: int = 0
    already_cited: int = 0

    @property
    def written(self) -> bool:
        return bool(self.search_row)


def _seen(root: Path, claim_id: str) -> tuple[set[str], set[str]]:
    """Keys already screened for the claim, keys already cited (``pmid:N``, ``doi:x``)."""
    scr = raw_table(root, "screening").frame
    mine = scr[scr["claim_id"] == claim_id]
    screened = set(mine["record_id"]) | {f"pmid:{p}" for p in mine["pmid"] if p} | {f"doi:{d.casefold()}" for d in mine["doi"] if d}
    cit = raw_table(root, "citations").frame
    cited = {f"pmid:{p.strip()}" for p in cit["pmid"] if p.strip()} | {f"doi:{d.strip().casefold()}" for d in cit["doi"] if d.strip()}
    return screened, cited


def _keys(rec: Record) -> set[str]:
    return {rec.record_id} | ({f"pmid:{rec.pmid}"} if rec.pmid else set()) | ({f"doi:{rec.doi.casefold()}"} if rec.doi else set())


def _rows(root: Path, out: SearchOutcome, when: _dt.datetime) -> list[dict]:
    plan, res = out.plan, out.result
    searches = raw_table(root, "searches").frame
    search_id = next_ids(searches["search_id"].tolist(), 1, default="s0001")[0]
    note = "; ".join(n.rstrip(".") for n in res.notes) + ("." if res.notes else "")
    out.search_row = {"search_id": search_id, "claim_id": plan.claim_id, "source": LABELS[plan.source], "interface": res.interface,
                      "query": res.query, "translation": res.translation, "filters": res.filters, "searched_on": when.date().isoformat(),
                      "searched_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "hits": "" if res.hits is None else str(res.hits),
                      "retrieved": str(len(res.ids)), "ids_sha256": res.ids_sha256, "rerun_of": plan.rerun_of, "note": note}
    screened, cited = _seen(root, plan.claim_id)
    rows = []
    for rec in res.records:
        keys = _keys(rec)
        if keys & cited:
            out.already_cited += 1
        elif keys & screened:
            out.already_screened += 1
        else:
            screened |= keys
            rows.append({"claim_id": plan.claim_id, "record_id": rec.record_id, "search_id": search_id, "pmid": rec.pmid, "doi": rec.doi,
                         "title": rec.title, "authors": rec.authors, "year": rec.year, "journal": rec.journal})
    return rows


def run_search(root: str | Path, plan: SearchPlan, online: bool = False, config: Config | None = None,
               deadline: float | None = None) -> SearchOutcome:
    """Run ``plan`` on its database and log it (see the module docstring). Offline: checks only, writes nothing.

    Raises
    ------
    SearchError
        for an unknown claim, bad arguments or rows that do not fit the schema (before anything is written).
    ResolveError
        (FetchError, DeadlineExceeded) when the database cannot be searched; nothing is written.

    Examples
    --------
    >>> out = run_search(".", SearchPlan("relieves-sciatica-pain", "acupuncture sciatica"), online=True)  # doctest: +SKIP
    >>> out.search_row["hits"], len(out.added)  # doctest: +SKIP
    ('412', 37)
    """
    root = Path(root)
    plan.check()
    known_claim(root, plan.claim_id)
    out = SearchOutcome(plan)
    if not online:
        return out
    config = config or Config.from_env()
    seconds = deadline_seconds(deadline)
    when = utc_now()
    stop = threading.Event()
    module = SOURCES[plan.source]
    extra = {"page": plan.page} if plan.page else {}
    with Client(config, stop) as client:
        try:
            out.result = within(seconds, lambda: module.search(client, plan.query, plan.datetype, plan.mindate, plan.maxdate,
                                                               plan.max_records, **extra), stop, f"the {module.LABEL} search")
        except Cancelled:
            raise SearchError("the search was stopped; nothing was written.") from None
    rows = _rows(root, out, when)
    schema = read_schema(root)
    refuse(check_rows(schema.table("searches"), [out.search_row]), "the search row")
    refuse(check_rows(schema.table("screening"), rows), "the screening rows")
    append_rows(root / schema.table("searches").path, schema.table("searches").field_names, [out.search_row])
    append_rows(root / schema.table("screening").path, schema.table("screening").field_names, rows)
    out.added = rows
    return out
