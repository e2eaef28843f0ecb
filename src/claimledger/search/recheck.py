"""``claimledger recheck``: living evidence. Re-run every logged database search over the dates since it last ran.

A logged database search is a ``searches.csv`` row written by ``claimledger
search`` (source PubMed or Europe PMC, ids hashed). Runs of the same query for
the same claim form one group (re-runs name the first run in ``rerun_of``). Each
group is run again with the entry-date limit ``datetype=edat`` from the day of
its last run to today (the records that reached the database since), logged as
a new row with ``rerun_of``; only records new for the claim reach the screening
table. The original run's publication-date limits are not re-applied: a re-run
asks what is new, and screening decides what belongs. Then the citations'
status is refreshed (retractions, corrections; from the cache offline).
"""
from __future__ import annotations

import datetime as _dt
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..resolve import Config, resolve_citations
from .net import deadline_seconds, within
from .run import SearchOutcome, SearchPlan, run_search
from .screening import candidates
from .sources import BY_LABEL
from .tables import known_claim, raw_table


@dataclass
class Rerun:
    """One group of logged runs and the plan that repeats it."""

    root_id: str
    last_run: str
    plan: SearchPlan


@dataclass
class RecheckOutcome:
    reruns: list[Rerun] = field(default_factory=list)
    runs: list[SearchOutcome] = field(default_factory=list)
    waiting: dict[str, int] = field(default_factory=dict)
    """Claim -> candidates waiting for a screening decision (after the re-runs)."""
    new: dict[str, int] = field(default_factory=dict)
    """Claim -> candidates the re-runs added."""
    citation_counts: dict[str, int] = field(default_factory=dict)
    """Citation status -> number (retracted, mismatch, ...)."""
    citation_problems: list = field(default_factory=list)
    online: bool = False


def plan_reruns(root: str | Path, claim_id: str | None = None, today: _dt.date | None = None) -> list[Rerun]:
    """The re-runs due: one per group of logged database searches (optionally for one claim)."""
    root = Path(root)
    if claim_id:
        known_claim(root, claim_id)
    s = raw_table(root, "searches").frame
    s = s[s["source"].isin(set(BY_LABEL)) & (s["ids_sha256"] != "")]
    if claim_id:
        s = s[s["claim_id"] == claim_id]
    day = (today or _dt.datetime.now(_dt.UTC).date()).strftime("%Y/%m/%d")
    groups: dict[str, list[dict]] = {}
    for row in s.to_dict("records"):
        groups.setdefault(row["rerun_of"] or row["search_id"], []).append(row)
    out = []
    for root_id, rows in groups.items():
        first = next((r for r in rows if r["search_id"] == root_id), rows[0])
        last = max(r["searched_on"] for r in rows)
        plan = SearchPlan(first["claim_id"], first["query"], BY_LABEL[first["source"]], "edat", last.replace("-", "/"), day, rerun_of=root_id)
        out.append(Rerun(root_id, last, plan))
    return out


def recheck(root: str | Path, claim_id: str | None = None, online: bool = False, config: Config | None = None,
            deadline: float | None = None, today: _dt.date | None = None) -> RecheckOutcome:
    """Re-run the logged searches (online only) and refresh citation status; see the module docstring."""
    root = Path(root)
    out = RecheckOutcome(plan_reruns(root, claim_id, today), online=online)
    if online:
        config = config or Config.from_env()
        for rerun in out.reruns:
            run = run_search(root, rerun.plan, online=True, config=config, deadline=deadline)
            out.runs.append(run)
            out.new[rerun.plan.claim_id] = out.new.get(rerun.plan.claim_id, 0) + len(run.added)
    for cand in candidates(root, claim_id):
        out.waiting[cand.row["claim_id"]] = out.waiting.get(cand.row["claim_id"], 0) + 1
    if online:
        stop = threading.Event()
        resolution = within(deadline_seconds(deadline), lambda: resolve_citations(root, online=True, config=config, stop=stop), stop,
                            "the citation refresh", "the re-runs were logged, but the citation status was not refreshed")
    else:
        resolution = resolve_citations(root)
    out.citation_counts = resolution.counts
    out.citation_problems = [p for p in resolution.report.problems if p.code in ("retracted", "expression-of-concern", "correction",
                                                                                "reinstatement")]
    return out
