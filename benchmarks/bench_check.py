"""Benchmark: check a 5,000-word draft against a synthetic 100,000-claim ledger, and one sentence on the real ledger.

Prints the time to build the claim index and the time to check the draft
(split into sentences and clauses, match every one, decide each sentence's claims)
plus peak memory, and the wall time of `claimledger check "SENTENCE"` as a whole
process on the project's ledger (cached bundle, best and median of 5). Targets:
build < 10 s, draft < 2 s once built, one sentence < 0.5 s. The claims are generated in memory:
health-claim templates filled from word lists plus a long tail of made-up
words (Zipf-distributed) so the vocabulary is as large as a real big ledger's.
The draft mixes paraphrases of random claims with filler prose.

Run: .venv/bin/python benchmarks/bench_check.py [--claims 100000] [--words 5000] [--seed 1]
"""
from __future__ import annotations

import argparse
import itertools
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from claimledger.writers.checker import Checker
from claimledger.writers.match import ClaimIndex
from claimledger.writers.reports import ClaimReport

REPO = Path(__file__).resolve().parents[1]

INTERVENTIONS = ["acupuncture", "electroacupuncture", "cupping", "massage", "yoga", "chiropractic care", "physiotherapy",
                 "ibuprofen", "paracetamol", "opioids", "gabapentin", "surgery", "exercise", "stretching", "meditation",
                 "turmeric", "fish oil", "vitamin D", "magnesium", "ginger", "heat therapy", "ice packs", "tai chi",
                 "spinal manipulation", "herbal medicine", "dry needling", "ultrasound therapy", "traction", "steroid injections"]
VERBS = ["relieves", "reduces", "improves", "prevents", "cures", "eases", "worsens", "causes", "helps", "boosts", "lowers",
         "speeds recovery from", "protects against", "releases", "stimulates", "regenerates"]
OUTCOMES = ["pain", "inflammation", "stiffness", "muscle spasm", "nerve damage", "swelling", "stress", "anxiety", "sleep problems",
            "blood flow", "mobility", "flexibility", "mood", "fatigue", "headaches", "numbness", "tingling", "disc herniation",
            "liver damage", "side effects", "endorphins", "recovery time", "quality of life", "disability"]
CONDITIONS = ["sciatica", "low back pain", "neck pain", "arthritis", "migraine", "fibromyalgia", "knee osteoarthritis",
              "carpal tunnel syndrome", "tendinitis", "plantar fasciitis", "shoulder pain", "whiplash", "shingles", "gout"]
FILLER = ["Our clinic opened in the spring and the waiting room has new chairs.", "Many readers wrote to us after the last issue.",
          "The weather was mild, so we walked to the park before the appointment.", "Parking is free on weekends.",
          "Call the front desk to book a visit or ask about prices."]
SYLLABLES = ["ka", "lo", "mi", "ne", "tu", "ra", "si", "po", "de", "ga", "vi", "zu", "be", "fo", "ha", "ju", "qui", "ster", "tron", "plex"]


def made_up_words(n: int, rng: random.Random) -> list[str]:
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def synthetic_claims(n: int, rng: random.Random) -> list[tuple[str, str]]:
    tail = made_up_words(20_000, rng)
    cum = list(itertools.accumulate(1 / (i + 1) for i in range(len(tail))))  # Zipf: a few common made-up words, a long tail
    claims = []
    for i in range(n):
        extra = " ".join(rng.choices(tail, cum_weights=cum, k=rng.randint(1, 4)))
        statement = (f"{rng.choice(INTERVENTIONS).capitalize()} {rng.choice(VERBS)} {rng.choice(OUTCOMES)} "
                     f"in people with {rng.choice(CONDITIONS)} {extra}.")
        claims.append((f"claim-{i:06d}", statement))
    return claims


def synthetic_draft(words: int, claims: list[tuple[str, str]], rng: random.Random) -> str:
    out, count = [], 0
    while count < words:
        if rng.random() < 0.5:
            _, statement = rng.choice(claims)
            sentence = "Research suggests that " + statement[0].lower() + statement[1:]
        else:
            sentence = rng.choice(FILLER).rstrip(".") + "."
        out.append(sentence)
        count += len(sentence.split())
        if rng.random() < 0.15:
            out.append("\n\n")
    return " ".join(out)


class SyntheticReports:
    """Stand-in claim reports (the benchmark times matching, not grading)."""

    def report(self, claim_id: str) -> ClaimReport:
        return ClaimReport(claim_id, "", 0.0, "", "supported", "moderate", "", "")


def one_sentence_seconds(runs: int = 5) -> list[float]:
    """Wall time of `claimledger check "SENTENCE"` as a whole process on the real ledger (after one warm-up run)."""
    cmd = [str(REPO / ".venv" / "bin" / "claimledger"), "check", "Acupuncture helps the sciatic nerve regrow", "--root", str(REPO)]
    subprocess.run(cmd, capture_output=True, check=False)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        times.append(time.perf_counter() - t0)
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--words", type=int, default=5_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    claims = synthetic_claims(args.claims, rng)
    draft = synthetic_draft(args.words, claims, rng)

    t0 = time.perf_counter()
    index = ClaimIndex(claims, subject="Acupuncture")
    build = time.perf_counter() - t0
    checker = Checker(None, reports=SyntheticReports(), index=index, subject="acupuncture")

    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        report = checker.check_draft(draft)
        runs.append(time.perf_counter() - t0)
    check = runs[0]

    matched = len(report.matched)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"claims: {len(claims):,}; vocabulary: {len(index.vocabulary):,} terms; draft: {len(draft.split()):,} words, "
          f"{len(report.sentences)} sentences ({matched} make a claim)")
    print(f"index build: {build:.2f} s (target < 10 s)")
    print(f"check draft: {check:.2f} s first run, {min(runs):.2f} s best of 3 (target < 2 s)")
    print(f"peak memory: {peak_mb:.0f} MB")
    one = one_sentence_seconds() if (REPO / ".venv" / "bin" / "claimledger").exists() else []
    if one:
        print(f"claimledger check \"one sentence\" (whole process, real ledger): best {min(one):.2f} s, "
              f"median {statistics.median(one):.2f} s of {len(one)} (target < 0.5 s)")
    return 0 if build < 10 and check < 2 and (not one or statistics.median(one) < 0.5) else 1


if __name__ == "__main__":
    sys.exit(main())
