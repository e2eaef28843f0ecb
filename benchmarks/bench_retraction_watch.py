"""Retraction Watch check: 60,000 synthetic notices (the CSV's real header, trailing commas, M/D/YYYY dates, PMID 0 = none)
against 100,000 citations, offline. Prints the time to read the CSV and match it, and the whole `resolve --retraction-watch`
run on a ledger of 100,000 citations with an empty cache. Target: well under 5 s."""
from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from claimledger.files import csv_text
from claimledger.ledger.new import init_ledger
from claimledger.ledger.schema import template_schema
from claimledger.resolve import resolve_citations
from claimledger.resolve.retraction_watch import match_citations, read_notices

HEADER = ("Record ID,Title,Subject,Institution,Journal,Publisher,Country,Author,URLS,ArticleType,RetractionDate,RetractionDOI,"
          "RetractionPubMedID,OriginalPaperDate,OriginalPaperDOI,OriginalPaperPubMedID,RetractionNature,Reason,Paywalled,Notes")
NATURES = ["Retraction"] * 8 + ["Correction", "Expression of concern", "Reinstatement"]


def write_rw(path: Path, n: int, rng: random.Random) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        f.write(HEADER + ",\n")
        w = csv.writer(f, lineterminator=",\n")
        for i in range(n):
            pmid = str(20000000 + i) if i % 3 else "0"
            w.writerow([str(10000 + i), f"A synthetic retracted paper number {i} on a topic", "(BLS) Biology - Cellular;", "Some University, Some City",
                        "Journal of Synthetic Results", "Publisher", "Country", "Author A;Author B;Author C", "", "Research Article;",
                        f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(2000, 2025)} 0:00", f"10.9999/notice.{i}", "0",
                        f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(1990, 2020)} 0:00", f"10.9999/PAPER.{i}", pmid,
                        rng.choice(NATURES), "+Duplication of Image;+Investigation by Journal/Publisher;", "No", ""])


def citations(n: int) -> list[list[str]]:
    fields = template_schema().table("citations").field_names
    rows = []
    for i in range(n):
        row = dict.fromkeys(fields, "")
        row.update(citation_id=f"c{i}", doi=f"10.9999/paper.{i * 2}", pmid=str(30000000 + i), title=f"Paper {i}", first_author="Author",
                   year="2010", design="rct", retracted="false", verified_source="https://example.org/record", verified_on="2026-12-01")
        rows.append([row[k] for k in fields])
    return rows


def main() -> None:
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rw = tmp / "retraction_watch.csv"
        write_rw(rw, 60_000, rng)
        root = init_ledger(tmp / "ledger")
        table = template_schema().table("citations")
        (root / table.path).write_text(csv_text(table.field_names, citations(100_000)))
        import pandas as pd
        frame = pd.read_csv(root / table.path, dtype=str, keep_default_na=False)
        best = []
        for _ in range(3):
            t = time.perf_counter()
            matches = match_citations(read_notices(rw), frame, range(2, len(frame) + 2))
            best.append(time.perf_counter() - t)
        print(f"Retraction Watch CSV {rw.stat().st_size / 1e6:.1f} MB, 60,000 rows x 100,000 citations: read + match "
              f"best {min(best):.2f} s, median {sorted(best)[1]:.2f} s; {len(matches)} citations named")
        t = time.perf_counter()
        res = resolve_citations(root, retraction_watch=rw)
        with_rw = time.perf_counter() - t
        t = time.perf_counter()
        resolve_citations(root)
        without = time.perf_counter() - t
        print(f"whole `claimledger resolve` on 100,000 citations (offline, empty cache): {without:.2f} s without and {with_rw:.2f} s with "
              f"--retraction-watch (the check adds {with_rw - without:.2f} s); {res.counts.get('retracted', 0)} retracted, "
              f"{len(res.report.problems)} problems")


if __name__ == "__main__":
    main()
