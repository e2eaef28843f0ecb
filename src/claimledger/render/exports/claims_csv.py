"""Claims with their verdicts as CSV: one row per claim, every cell safe to open in a spreadsheet."""
from __future__ import annotations

from ...citations import citation_link, id_list
from ...citations import text as cell
from ...files import csv_text, spreadsheet_safe
from ...writers.reports import ClaimReports

CSV_COLUMNS = ["claim_id", "statement", "category", "verdict", "certainty", "reason", "careful_wording", "citations",
               "citation_links", "documents", "n_mentions", "overridden", "override_reason"]


def export(ledger, reports: ClaimReports | None = None) -> str:
    """Claims with their verdicts, one row each; every cell is spreadsheet-safe."""
    reports = reports or ClaimReports(ledger)
    m = ledger.mentions
    by_claim = m.groupby(m["claim_id"].astype(str), sort=False)["document_id"].agg(lambda s: list(dict.fromkeys(s.astype(str))))
    n_mentions = m.groupby(m["claim_id"].astype(str), sort=False).size()
    cit = ledger.citations.set_index(ledger.citations["citation_id"].astype(str), drop=False)
    rows = []
    for g in reports.grades.itertuples(index=False):
        cid = str(g.claim_id)
        deciding = id_list(g.citations)
        links = [citation_link(cit.loc[c]) for c in deciding if c in cit.index]
        values = [cid, g.statement, g.category, str(g.verdict), cell(g.certainty), g.reason, reports.report(cid).wording,
                  ";".join(deciding), ";".join(x for x in links if x), ";".join(by_claim.get(cid, [])),
                  int(n_mentions.get(cid, 0)), "true" if g.overridden else "false", g.override_reason]
        rows.append([spreadsheet_safe(v) for v in values])
    return csv_text(CSV_COLUMNS, rows)
