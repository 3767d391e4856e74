"""Sweep throughput: speed-up with 2 workers, and the papermill engine's overhead per point.

A 40-point sweep (front-line headcount × recovery policy on the baseline desk, two weeks, 10,000
accounts, 2 replications per point) is run through ``python -m sim sweep`` three ways, each into a
fresh folder, in the same run:

* ``direct`` engine, 1 worker — the reference;
* ``direct`` engine, 2 workers — speed-up = reference wall time / this wall time;
* ``papermill`` engine, 1 worker — overhead per point = (this − reference) / points.

Targets: speed-up ≥ 1.7× with 2 workers; papermill overhead < 1.5 s per point. The summaries of
all three must be identical (checked). Usage::

    python benchmarks/bench_sweep.py [--json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq
import yaml

ROOT = Path(__file__).resolve().parents[1]
TARGET_SPEEDUP = 1.7
TARGET_OVERHEAD_S = 1.5

SWEEP = {
    "name": "bench",
    "scenario": str(ROOT / "params" / "baseline.yaml"),
    "overrides": {"calendar.horizon_days": 14, "customers.accounts": 10_000},
    "grid": {
        "staffing.tier1.headcount_scale": [0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.15, 1.2],
        "recovery": [
            {"kind": k}
            for k in (
                "none",
                "standard",
                "fast_track",
                "empowered_front_line",
                "proactive_follow_up",
            )
        ],
    },
    "replications": 2,
    "seed": 1,
    "notebook": str(ROOT / "notebooks" / "00_scenario.ipynb"),
}
POINTS = 40


def timed_sweep(spec: Path, out: Path, engine: str, workers: int) -> float:
    """Wall seconds of one sweep run through the command line."""
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "sweep",
            str(spec),
            "--out",
            str(out),
            "--engine",
            engine,
            "--workers",
            str(workers),
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> int:
    """Run the three sweeps and print the figures; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "bench.yaml"
        spec.write_text(yaml.safe_dump(SWEEP), encoding="utf-8")
        runs = {
            "direct_1": timed_sweep(spec, Path(tmp) / "d1", "direct", 1),
            "direct_2": timed_sweep(spec, Path(tmp) / "d2", "direct", 2),
            "papermill_1": timed_sweep(spec, Path(tmp) / "p1", "papermill", 1),
        }
        tables = [
            pq.read_table(Path(tmp) / d / "sweeps" / "bench" / "summary.parquet")
            for d in ("d1", "d2", "p1")
        ]
        identical = all(t.equals(tables[0]) for t in tables[1:])
    speedup = runs["direct_1"] / runs["direct_2"]
    overhead = (runs["papermill_1"] - runs["direct_1"]) / POINTS
    result = {
        **{f"{k}_wall_s": round(v, 2) for k, v in runs.items()},
        "points": POINTS,
        "speedup_2_workers": round(speedup, 2),
        "papermill_overhead_per_point_s": round(overhead, 3),
        "summaries_identical": identical,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"40-point sweep: direct 1 worker {runs['direct_1']:.1f} s, direct 2 workers "
            f"{runs['direct_2']:.1f} s, papermill 1 worker {runs['papermill_1']:.1f} s"
        )
        print(
            f"speed-up with 2 workers: {speedup:.2f}x (target >= {TARGET_SPEEDUP}x) "
            f"{'PASS' if speedup >= TARGET_SPEEDUP else 'FAIL'}"
        )
        print(
            f"papermill overhead per point: {overhead:.3f} s (target < {TARGET_OVERHEAD_S} s) "
            f"{'PASS' if overhead < TARGET_OVERHEAD_S else 'FAIL'}"
        )
        print(f"summaries identical across the three: {identical}")
    ok = speedup >= TARGET_SPEEDUP and overhead < TARGET_OVERHEAD_S and identical
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
