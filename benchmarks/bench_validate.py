"""Benchmark: `claimledger validate` on synthetic ledgers (10,000 claims / 100,000 mentions and 10x that),
wall time and peak memory, against `frictionless validate` on the same package.

Run: .venv/bin/python benchmarks/bench_validate.py [--skip-frictionless-large]
Targets (issues 2 and 9): at least 20x faster than frictionless on the large ledger; 10x rows cost at most 12x time,
also after taking away the start-up (the same command on an empty ledger: Python, pandas and pyarrow imports).
"""
from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import make_ledger

from claimledger.ledger.new import init_ledger

OUT = Path(__file__).resolve().parent / "out"
BIN = Path(sys.executable).parent


def timed(cmd: list[str]) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False).returncode
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB, max over children so far
    return wall, max(peak, before) / 1024, rc


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-frictionless-large", action="store_true", help="frictionless only on the small ledger")
    args = ap.parse_args()
    sizes = [(10_000, 100_000), (100_000, 1_000_000)]
    empty = OUT / "ledger-empty"
    if empty.exists():
        shutil.rmtree(empty)
    init_ledger(empty)
    startup = min(timed([str(BIN / "claimledger"), "validate", "--root", str(empty)])[0] for _ in range(3))
    print(f"start-up (validate an empty ledger): best {startup:.2f} s of 3 runs")
    results = {}
    for claims, mentions in sizes:
        root = OUT / f"ledger-{claims}"
        t0 = time.perf_counter()
        make_ledger(root, claims, mentions)
        print(f"generated {claims:,} claims / {mentions:,} mentions in {time.perf_counter() - t0:.1f} s")
        runs = [timed([str(BIN / "claimledger"), "validate", "--root", str(root)]) for _ in range(3)]
        assert all(rc == 0 for _, _, rc in runs), "synthetic ledger should validate clean"
        walls = sorted(w for w, _, _ in runs)
        wall, peak = walls[0], max(p for _, p, _ in runs)
        print(f"  claimledger validate: best {wall:.2f} s, median {walls[1]:.2f} s of 3 runs (start-up included), "
              f"peak RSS {peak:.0f} MiB")
        fl = None
        if not (args.skip_frictionless_large and claims > sizes[0][0]):
            fl, _, _ = timed([str(BIN / "frictionless"), "validate", str(root / "datapackage.json")])
            print(f"  frictionless validate: {fl:.2f} s wall -> claimledger is {fl / wall:.1f}x faster")
        results[claims] = (wall, fl)
    (s_wall, _), (l_wall, _) = results[sizes[0][0]], results[sizes[1][0]]
    net = (f"{(l_wall - startup) / (s_wall - startup):.1f}x net of start-up" if s_wall - startup > 0.1
           else "start-up is most of the small ledger's time, so no net ratio")
    print(f"growth: 10x rows cost {l_wall / s_wall:.1f}x time; {net} (target <= 12x)")


if __name__ == "__main__":
    main()
