"""Matching quality of `claimledger check` on labelled writer-style text (docs/writers.md).

Scores the development set (tests/data/writers/dev, used for tuning) and the frozen held-out set
(tests/data/writers/heldout, never tuned on: only its totals are printed). With --misses, lists what the
matcher got wrong on the development set.

Run: .venv/bin/python benchmarks/score_matching.py [--misses]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import claimledger
from claimledger.writers.checker import Checker
from claimledger.writers.quality import score_folder

REPO = Path(__file__).resolve().parents[1]
SETS = REPO / "tests" / "data" / "writers"


def adapters(checker: Checker):
    """The checker as the two functions the scorer calls: claims reported with a verdict, best first."""
    def analyse(texts):
        return [[c.claim_id for c in s.claims] for s in checker.check_texts(texts)]

    def analyse_draft(text):
        return [(s.sentence.start, s.sentence.end, [c.claim_id for c in s.claims]) for s in checker.check_draft(text).sentences]

    return analyse, analyse_draft


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--misses", action="store_true", help="list the development set's misses")
    ap.add_argument("--heldout", action="store_true", help="also score the frozen held-out set (totals only; not for tuning)")
    args = ap.parse_args()
    checker = Checker(claimledger.load(REPO))
    for name in ("dev", "heldout") if args.heldout else ("dev",):
        score = score_folder(SETS / name, *adapters(checker))
        print(f"{name}: {score.summary()}")
        if args.misses and name == "dev":
            print("\n".join("  " + m for m in score.misses))


if __name__ == "__main__":
    main()
