"""PRISMA 2020 flow counts from the ledger: every box adds up, on a hand-made ledger and on the real one."""
from __future__ import annotations

import csv
import io

import claimledger
from claimledger.ledger.prisma import Flow, check_flow, prisma_flows
from claimledger.render.prisma import COLUMNS, prisma_csv, write_prisma
from conftest import REPO

SHA = "0" * 64
SEARCH_HEADER = "search_id,claim_id,source,interface,query,translation,filters,searched_on,searched_at,hits,retrieved,ids_sha256,rerun_of,records_screened,records_kept,note\n"
SEARCHES = [
    "s1,endorphin-release,web page index,web page index,acupuncture endorphin,,,2026-11-21,,,8,,,8,0,",
    "s2,endorphin-release,PubMed,PubMed E-utilities esearch + esummary (JSON),endorphin,,,2026-12-01,2026-12-01T10:00:00Z,9,6,{sha},,,,",
    "s3,endorphin-release,Europe PMC,Europe PMC REST search,endorphin,,,2026-12-01,2026-12-01T10:01:00Z,4,4,{sha},,,,",
    "s4,acupuncture-safe,PubMed,PubMed E-utilities esearch + esummary (JSON),safety,,,2026-12-01,2026-12-01T10:02:00Z,2,2,{sha},,,,",
    "s5,qi-meridians,web page index,web page index,qi,,,2026-11-21,,,,,,1,0,title look-up",
]
SCREEN_HEADER = "claim_id,record_id,search_id,pmid,doi,title,authors,year,journal,decision,reason,screened_by,screened_on,note\n"
SCREENING = [
    "endorphin-release,pmid:1001,s2,1001,,A,,2020,J,include,,r,2026-12-01,",  # cited + linked: included
    "endorphin-release,pmid:1002,s2,1002,,B,,2020,J,include,,r,2026-12-01,",  # included, never cited: awaiting assessment
    "endorphin-release,pmid:1003,s2,1003,,C,,2020,J,exclude,wrong_population,r,2026-12-01,",
    "endorphin-release,pmid:1004,s2,1004,,D,,2020,J,exclude,not_retrievable,r,2026-12-01,",
    "endorphin-release,pmid:1005,s2,1005,,E,,2020,J,,,,,",
    "endorphin-release,doi:10.5555/x,s3,,10.5555/x,F,,2021,J,exclude,wrong_population,r,2026-12-01,",
    "endorphin-release,europepmc:PPR:P1,s3,,,G,,2021,,exclude,wrong_design,r,2026-12-01,",
    "acupuncture-safe,pmid:39401008,s4,39401008,,H,,2024,J,include,,r,2026-12-01,",  # cited, linked as not_addressed
]


def _ledger(mini):
    (mini / "evidence/searches.csv").write_text(SEARCH_HEADER + "\n".join(SEARCHES).format(sha=SHA) + "\n")
    (mini / "evidence/screening.csv").write_text(SCREEN_HEADER + "\n".join(SCREENING) + "\n")
    cits = (mini / "evidence/citations.csv").read_text()
    (mini / "evidence/citations.csv").write_text(cits + "new2020-a,,1001,,A,New,New A,2020,J,rct,,,false,https://pubmed.ncbi.nlm.nih.gov/1001/,2026-12-01,\n")
    links = (mini / "evidence/links.csv").read_text().splitlines()
    header = links[0].split(",")
    row = dict.fromkeys(header, "")
    row.update(claim_id="endorphin-release", citation_id="new2020-a", stance="supports", directness="direct", certainty="low",
               certainty_basis="assessor", certainty_reason="small", finding="f")
    extra = dict(row, claim_id="acupuncture-safe", citation_id="tu2024-acupuncture-vs-sham", stance="not_addressed")
    keep = [ln for ln in links[1:] if not ln.startswith("acupuncture-safe,tu2024")]
    (mini / "evidence/links.csv").write_text("\n".join([links[0], *keep, ",".join(row[h] for h in header),
                                                        ",".join(extra[h] for h in header)]) + "\n")
    return claimledger.load(mini)


def test_every_box_of_a_hand_made_flow(mini):
    ledger = _ledger(mini)
    total, flows = prisma_flows(ledger)
    e = flows["endorphin-release"]
    assert (e.database_specific, e.database_searches, e.duplicates) == ({"Europe PMC": 4, "PubMed": 6}, 2, 3)
    assert (e.records_screened, e.awaiting_screening, e.records_excluded) == (6, 1, 3)
    assert e.excluded_reasons == {"wrong_design": 1, "wrong_population": 2}
    assert (e.dbr_sought_reports, e.dbr_notretrieved_reports, e.dbr_assessed) == (3, 1, 2)
    assert (e.dbr_excluded, e.awaiting_assessment, e.new_studies) == (0, 1, 1)
    assert (e.website_results, e.website_searches, e.website_uncounted) == (8, 1, 0)
    s = flows["acupuncture-safe"]
    assert (s.database_results, s.dbr_assessed, s.dbr_excluded, s.new_studies, s.other_assessed) == (2, 1, 1, 0, 0)
    q = flows["qi-meridians"]
    assert (q.website_searches, q.website_uncounted, q.website_results) == (1, 1, 0)
    assert all(check_flow(f) == [] for f in [total, *flows.values()])
    usable = (ledger.links["stance"].astype(str) != "not_addressed").sum()
    assert total.total_studies == usable == total.new_studies + total.other_included


def test_a_flow_that_does_not_add_up_is_caught():
    f = Flow("broken", database_specific={"PubMed": 10}, duplicates=2, records_screened=7, records_excluded=3, excluded_reasons={"x": 3},
             dbr_sought_reports=4, dbr_assessed=4, new_studies=4)
    assert check_flow(f) == ["records retrieved = duplicates + screened + awaiting screening: 10 != 9"]


def test_the_real_ledgers_flow_adds_up_and_counts_every_search():
    ledger = claimledger.load(REPO)
    total, flows = prisma_flows(ledger)
    assert check_flow(total) == [] and all(check_flow(f) == [] for f in flows.values())
    assert total.website_searches == len(ledger.searches)
    assert total.total_studies == (ledger.links["stance"].astype(str) != "not_addressed").sum()


def test_the_csv_has_the_prisma2020_template_layout(mini, tmp_path):
    ledger = _ledger(mini)
    _, flows = prisma_flows(ledger)
    rows = list(csv.DictReader(io.StringIO(prisma_csv(flows["endorphin-release"]))))
    assert list(rows[0]) == COLUMNS == ["data", "node", "box", "description", "boxtext", "tooltips", "url", "n"]
    n = {r["data"]: r["n"] for r in rows if r["data"] != "NA"}
    assert (n["database_results"], n["database_specific_results"], n["duplicates"], n["records_screened"]) == ("10", "Europe PMC, 4; PubMed, 6", "3", "6")
    assert (n["records_excluded"], n["dbr_notretrieved_reports"], n["dbr_excluded"], n["new_studies"]) == ("3", "1", "Does not address the claim, 0", "1")
    written = write_prisma(ledger, tmp_path)
    assert written[:2] == ["prisma/prisma.csv", "figures/prisma.png"]
    assert "figures/prisma-endorphin-release.png" in written and "figures/prisma-qi-meridians.png" not in written
    assert (tmp_path / "figures/prisma.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
