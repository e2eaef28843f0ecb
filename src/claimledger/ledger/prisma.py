"""PRISMA 2020 flow counts from the ledger, for the whole ledger and for each claim.

Two branches, as in the PRISMA 2020 flow diagram:

* **databases**: searches run with ``claimledger search`` (their retrieved ids are
  logged, ``ids_sha256``): records retrieved per source; duplicates removed (records
  already screened for the claim or already cited: retrieved minus the candidates
  written); records screened (decided) and awaiting; excluded, with counts per
  reason (``not_retrievable`` counts as a report not retrieved); reports assessed
  (included records); of those, included (cited and linked to the claim with a
  stance other than ``not_addressed``), excluded after assessment (linked as
  ``not_addressed``) and awaiting assessment (included, never assessed).
* **other methods**: everything that predates screening or bypassed it, counted
  honestly: results read in searches that were not database searches (a web page
  index, logged by hand) as "websites", not de-duplicated; and every assessed
  citation of the claim that no screened record accounts for, as reports
  assessed, split into included and "does not address the claim".

The ledger-wide flow is the sum of the claims' flows: a record screened for two
claims counts twice (counts are claim-record pairs). :func:`check_flow` lists the
boxes that do not add up; a test keeps it empty.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

NOT_ADDRESSED = "not_addressed"
NOT_RETRIEVABLE = "not_retrievable"


@dataclass
class Flow:
    """The counts of one PRISMA 2020 flow diagram (names follow the PRISMA2020 R package's template)."""

    label: str
    database_specific: dict[str, int] = field(default_factory=dict)
    """Records retrieved per database (PubMed, Europe PMC)."""
    database_searches: int = 0
    duplicates: int = 0
    records_screened: int = 0
    awaiting_screening: int = 0
    records_excluded: int = 0
    excluded_reasons: dict[str, int] = field(default_factory=dict)
    dbr_sought_reports: int = 0
    dbr_notretrieved_reports: int = 0
    dbr_assessed: int = 0
    dbr_excluded: int = 0
    awaiting_assessment: int = 0
    new_studies: int = 0
    website_results: int = 0
    """Results read in searches that were not database searches (logged by hand; not de-duplicated)."""
    website_searches: int = 0
    website_uncounted: int = 0
    """Of those, searches whose number of results read was not recorded."""
    other_sources: dict[str, int] = field(default_factory=dict)
    """Those searches by their logged source (e.g. "web page index": 390), as the searches table names them."""
    other_sought_reports: int = 0
    other_notretrieved_reports: int = 0
    other_assessed: int = 0
    other_excluded: int = 0
    other_included: int = 0

    @property
    def database_results(self) -> int:
        return sum(self.database_specific.values())

    @property
    def total_studies(self) -> int:
        return self.new_studies + self.other_included

    def __add__(self, other: Flow) -> Flow:
        out = Flow(self.label)
        for name in self.__dataclass_fields__:
            if name == "label":
                continue
            a, b = getattr(self, name), getattr(other, name)
            if isinstance(a, dict):
                merged = dict(a)
                for k, v in b.items():
                    merged[k] = merged.get(k, 0) + v
                setattr(out, name, merged)
            else:
                setattr(out, name, a + b)
        return out


def check_flow(f: Flow) -> list[str]:
    """Every box equation that does not hold (empty when the flow adds up)."""
    checks = [
        ("records retrieved = duplicates + screened + awaiting screening", f.database_results,
         f.duplicates + f.records_screened + f.awaiting_screening),
        ("screened = excluded + reports sought", f.records_screened, f.records_excluded + f.dbr_sought_reports),
        ("excluded = sum of the reasons", f.records_excluded, sum(f.excluded_reasons.values())),
        ("reports sought = not retrieved + assessed", f.dbr_sought_reports, f.dbr_notretrieved_reports + f.dbr_assessed),
        ("assessed = excluded + included + awaiting assessment", f.dbr_assessed, f.dbr_excluded + f.new_studies + f.awaiting_assessment),
        ("other reports sought = not retrieved + assessed", f.other_sought_reports, f.other_notretrieved_reports + f.other_assessed),
        ("other assessed = excluded + included", f.other_assessed, f.other_excluded + f.other_included),
    ]
    return [f"{name}: {a} != {b}" for name, a, b in checks if a != b]


def _text(s: pd.Series) -> pd.Series:
    return s.astype("string").fillna("").str.strip()


def _int(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce").fillna(0).astype(int)


def _claim_flow(claim_id: str, searches: pd.DataFrame, screening: pd.DataFrame, cited: dict, links: pd.DataFrame) -> Flow:
    f = Flow(claim_id)
    s = searches[searches["claim_id"] == claim_id]
    db = _text(s["ids_sha256"]) != "" if "ids_sha256" in s.columns else pd.Series(False, index=s.index)
    for source, n in s[db].groupby(_text(s[db]["source"]))["retrieved"].apply(lambda x: int(_int(x).sum())).items():
        f.database_specific[str(source)] = int(n)
    f.database_searches = int(db.sum())
    other = s[~db]
    counted = _text(other["retrieved"]) != ""
    f.website_results, f.website_searches, f.website_uncounted = int(_int(other["retrieved"][counted]).sum()), len(other), int((~counted).sum())
    f.other_sources = {str(k): int(n) for k, n in _text(other["source"]).replace("", "source not recorded").value_counts(sort=False).items()}
    scr = screening[screening["claim_id"] == claim_id]
    f.duplicates = f.database_results - int(scr["search_id"].isin(set(s[db]["search_id"])).sum())
    decision, reason = _text(scr["decision"]), _text(scr["reason"])
    f.awaiting_screening = int((decision == "").sum())
    f.records_screened = int((decision != "").sum())
    excluded = scr[(decision == "exclude") & (reason != NOT_RETRIEVABLE)]
    f.excluded_reasons = {str(k): int(v) for k, v in _text(excluded["reason"]).value_counts().sort_index().items()}
    f.records_excluded = len(excluded)
    f.dbr_notretrieved_reports = int(((decision == "exclude") & (reason == NOT_RETRIEVABLE)).sum())
    stance = {str(c): st for c, st in zip(links["citation_id"], links["stance"]) }
    included = scr[decision == "include"]
    f.dbr_assessed = len(included)
    f.dbr_sought_reports = f.dbr_assessed + f.dbr_notretrieved_reports
    from_screening: set[str] = set()
    for pmid, doi in zip(_text(included["pmid"]), _text(included["doi"]).str.casefold()):
        cid = cited.get(("pmid", pmid)) if pmid else None
        cid = cid or (cited.get(("doi", doi)) if doi else None)
        if cid is None or cid not in stance:
            f.awaiting_assessment += 1
        elif stance[cid] == NOT_ADDRESSED:
            f.dbr_excluded += 1
        else:
            f.new_studies += 1
        if cid is not None:
            from_screening.add(cid)
    rest = [st for c, st in stance.items() if c not in from_screening]
    f.other_sought_reports = f.other_assessed = len(rest)
    f.other_excluded = sum(st == NOT_ADDRESSED for st in rest)
    f.other_included = len(rest) - f.other_excluded
    return f


def prisma_flows(ledger) -> tuple[Flow, dict[str, Flow]]:
    """The ledger-wide flow and one per claim (claims.csv order)."""
    tables = ledger.tables
    searches = tables["searches"]
    screening = tables.get("screening")
    if screening is None:
        screening = pd.DataFrame(columns=["claim_id", "record_id", "search_id", "pmid", "doi", "decision", "reason"])
    cit = tables["citations"]
    cited = {("pmid", p): c for p, c in zip(_text(cit["pmid"]), cit["citation_id"].astype(str)) if p}
    cited.update({("doi", d): c for d, c in zip(_text(cit["doi"]).str.casefold(), cit["citation_id"].astype(str)) if d})
    links = tables["links"].assign(claim_id=lambda d: d["claim_id"].astype(str), stance=lambda d: d["stance"].astype(str))
    by_claim = {k: v for k, v in links.groupby("claim_id")}
    empty = links.iloc[0:0]
    flows = {cid: _claim_flow(cid, searches.assign(claim_id=searches["claim_id"].astype(str)),
                              screening.assign(claim_id=screening["claim_id"].astype(str)), cited, by_claim.get(cid, empty))
             for cid in ledger.claims["claim_id"].astype(str)}
    total = Flow("the whole ledger")
    for f in flows.values():
        total = total + f
    total.label = "the whole ledger"
    return total, flows
