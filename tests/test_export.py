"""claimledger.export: ClaimReview JSON-LD, BibTeX, CSL-JSON and CSV, from the fixture ledger."""
from __future__ import annotations

import contextlib
import csv
import io
import json

import bibtexparser

import claimledger
from claimledger.citations import parse_authors
from claimledger.cli import main
from claimledger.grading.verdicts import VERDICT_TABLE
from claimledger.render.exports.bibtex import latex_escape
from claimledger.render.exports.claimreview import claimreview


def main_output(argv) -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(argv) == 0
    return buf.getvalue()


def _add_citation(root, line):
    with open(root / "evidence/citations.csv", "a", encoding="utf-8") as f:
        f.write(line + "\n")


def test_claimreview_rates_each_claim_on_the_declared_scale(mini):
    graph = claimreview(claimledger.load(mini))["@graph"]
    assert [(r["identifier"], r["reviewRating"]["alternateName"], r["reviewRating"].get("ratingValue")) for r in graph] == [
        ("relieves-sciatica-pain", "mixed", 3),
        ("endorphin-release", "no_evidence_found", None),
        ("qi-meridians", "untestable", None),
        ("acupuncture-safe", "no_evidence_found", None),
    ]
    first = graph[0]
    assert first["@type"] == "ClaimReview" and first["claimReviewed"] == "Acupuncture relieves sciatica pain."
    assert {k: first["reviewRating"][k] for k in ("@type", "bestRating", "worstRating")} == {"@type": "Rating", "bestRating": 5, "worstRating": 1}
    assert first["author"] == {"@type": "Organization", "name": "claimledger"}
    assert first["itemReviewed"] == {"@type": "Claim", "appearance": [
        {"@type": "CreativeWork", "name": "Needles for back pain", "identifier": "d1"}]}
    assert [c["url"] for c in first["citation"]] == ["https://doi.org/10.1001/jamainternmed.2024.5463",
                                                    "https://doi.org/10.1001/archinte.167.17.1892"]
    assert graph[3]["itemReviewed"]["appearance"] == [{"@type": "CreativeWork", "name": "document d2", "identifier": "d2"}]
    rated = [r for r in VERDICT_TABLE if r.rating is not None]
    assert [r.verdict for r in sorted(rated, key=lambda r: r.rating, reverse=True)] == [
        "supported", "partly_supported", "mixed", "weak_or_indirect", "contradicted"]


def test_bibtex_round_trips_through_bibtexparser_with_specials_escaped(mini):
    _add_citation(mini, "smith2020-cost,,,https://example.org/report,Costs & benefits of 50% less pain,Smith,"
                        "National Guideline Centre,2020,,guideline,,,false,https://example.org/report,2026-11-21,")
    text = main_output(["export", "bibtex", "--root", str(mini)])
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    entries = {e.key: e for e in library.entries}
    assert sorted(entries) == ["haake2007-gerac-lbp", "smith2020-cost", "tu2024-acupuncture-vs-sham"]
    tu = entries["tu2024-acupuncture-vs-sham"]
    assert (tu.entry_type, tu["author"], tu["year"], tu["doi"], tu["pmid"]) == (
        "article", "Tu, J. F. and others", "2024", "10.1001/jamainternmed.2024.5463", "39401008")
    smith = entries["smith2020-cost"]
    assert (smith.entry_type, smith["title"], smith["author"]) == ("misc", r"Costs \& benefits of 50\% less pain", "{National Guideline Centre}")
    assert latex_escape("a_b {c} #1 $2 ~^\\") == r"a\_b \textbraceleft{}c\textbraceright{} \#1 \$2 \textasciitilde{}\textasciicircum{}\textbackslash{}"


def test_csl_json_items(mini):
    items = json.loads(main_output(["export", "csl-json", "--root", str(mini)]))
    assert items[0] == {
        "id": "tu2024-acupuncture-vs-sham", "type": "article-journal",
        "title": "Acupuncture vs Sham Acupuncture for Chronic Sciatica From Herniated Disk: A Randomized Clinical Trial",
        "author": [{"family": "Tu", "given": "J. F."}], "issued": {"date-parts": [[2024]]},
        "container-title": "JAMA Internal Medicine", "DOI": "10.1001/jamainternmed.2024.5463", "PMID": "39401008",
        "URL": "https://doi.org/10.1001/jamainternmed.2024.5463",
    }
    assert parse_authors({"authors": "Bäumler P; National Guideline Centre; et al."}) == (
        [{"family": "Bäumler", "given": "P."}, {"literal": "National Guideline Centre"}], True)


def test_csv_cells_are_spreadsheet_safe_and_the_file_is_written(mini, tmp_path, capsys):
    claims = mini / "claims.csv"
    claims.write_text(claims.read_text(encoding="utf-8").replace("Acupuncture is safe.", "=HYPERLINK(\"http://x\")+1 is safe."),
                      encoding="utf-8")
    out = tmp_path / "exports" / "claims.csv"
    assert main(["export", "csv", "--out", str(out), "--root", str(mini)]) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["claim_id"] for r in rows] == ["relieves-sciatica-pain", "endorphin-release", "qi-meridians", "acupuncture-safe"]
    assert rows[3]["statement"] == "'=HYPERLINK(\"http://x\")+1 is safe."
    assert rows[0]["verdict"] == "mixed" and rows[0]["documents"] == "d1" and rows[0]["n_mentions"] == "1"
    assert rows[0]["citation_links"] == "https://doi.org/10.1001/jamainternmed.2024.5463;https://doi.org/10.1001/archinte.167.17.1892"
    assert rows[0]["careful_wording"].startswith("Studies disagree")
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
    assert [p.name for p in out.parent.iterdir()] == ["claims.csv"]  # no temporary file left behind


def test_claimreview_cli_prints_json_ld(mini):
    data = json.loads(main_output(["export", "claimreview", "--root", str(mini)]))
    assert data["@context"] == "https://schema.org" and len(data["@graph"]) == 4
