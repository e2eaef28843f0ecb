"""Benchmark: `make report` with a warm .venv, and grading a synthetic 100,000-claim, 1,000,000-link ledger.

Run: .venv/bin/python benchmarks/bench_report.py [--skip-make]
Targets (issue 4): grading 100k claims / 1M links under 5 s; cost growing linearly (10x data ~ 10x time).
"""
from __future__ import annotations

import argparse
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd

from claimledger.grading import grade_claims
from claimledger.ledger.schema import template_schema

REPO = Path(__file__).resolve().parents[1]


def synthetic(n_claims: int, n_links: int, n_citations: int = 20_000, seed: int = 0):
    rng = np.random.default_rng(seed)
    s = template_schema()
    voc = lambda t, f: np.array(s.vocabulary(t, f))
    ids = np.array([f"claim-{i}" for i in range(n_claims)])
    claims = pd.DataFrame({"claim_id": ids, "statement": "Synthetic claim.",
                           "category": voc("claims", "category")[rng.integers(0, 7, n_claims)],
                           "testable": rng.random(n_claims) > 0.02, "testable_reason": "untestable by design",
                           "verdict_override": None, "override_reason": None})
    cids = np.array([f"cit-{i}" for i in range(n_citations)])
    citations = pd.DataFrame({"citation_id": cids, "design": voc("citations", "design")[rng.integers(0, 14, n_citations)],
                              "year": rng.integers(1980, 2026, n_citations),
                              "evidence_body": np.where(rng.random(n_citations) < 0.1, "body-" + (rng.integers(0, 50, n_citations)).astype(str), None),
                              "retracted": rng.random(n_citations) < 0.001})
    pairs = pd.DataFrame({"claim_id": ids[rng.integers(0, n_claims, n_links)], "citation_id": cids[rng.integers(0, n_citations, n_links)]})
    pairs = pairs.drop_duplicates()
    n = len(pairs)
    links = pairs.assign(stance=voc("links", "stance")[rng.integers(0, 5, n)], directness=voc("links", "directness")[rng.integers(0, 7, n)],
                         certainty=voc("links", "certainty")[rng.integers(0, 4, n)], comparator=voc("links", "comparator")[rng.integers(0, 7, n)])
    searches = pd.DataFrame({"claim_id": ids[rng.integers(0, n_claims, n_claims // 2)]})
    return claims, links, citations, searches


def time_grading(n_claims: int, n_links: int) -> float:
    data = synthetic(n_claims, n_links)
    t0 = time.perf_counter()
    grades = grade_claims(*data)
    wall = time.perf_counter() - t0
    assert len(grades) == n_claims
    return wall


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-make", action="store_true", help="skip timing `make report`")
    args = ap.parse_args()
    if not args.skip_make:
        t0 = time.perf_counter()
        rc = subprocess.run(["make", "report"], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False).returncode
        print(f"make report (warm .venv): {time.perf_counter() - t0:.1f} s, exit {rc}")
    small = time_grading(10_000, 100_000)
    print(f"grading 10,000 claims / 100,000 links: {small:.2f} s")
    large = time_grading(100_000, 1_000_000)
    print(f"grading 100,000 claims / 1,000,000 links: {large:.2f} s (target < 5 s)")
    print(f"growth: 10x data cost {large / small:.1f}x time")


if __name__ == "__main__":
    main()
