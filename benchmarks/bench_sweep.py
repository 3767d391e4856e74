"""Sweep throughput: speed-up with 2 workers, and the papermill engine's cost per point.

A 40-point sweep (front-line headcount × recovery policy on the baseline desk, two weeks, 10,000
accounts started without the customer base's burn-in, 2 replications per point) is run through
``python -m sim sweep`` three ways, each into a fresh folder, in the same run:

* ``direct`` engine, 1 worker — the reference;
* ``direct`` engine, 2 workers — speed-up = reference wall time / this wall time;
* ``papermill`` engine, 1 worker — overhead per point = (this − reference) / points, on wall time
  and on CPU time.

CPU time is user + system of the command and every process under it — its worker processes and
their Jupyter kernels — from ``getrusage(RUSAGE_CHILDREN)`` (each is waited for by its parent, so
its time is added up the tree). A sampler also reads every descendant's CPU time with psutil
while the command runs, and the script warns if that sees more than ``getrusage`` counted (a
process left unwaited). Wall time on one worker leaves out nothing either, but on a loaded
machine it moves with the other load; CPU time does not.

Targets: speed-up ≥ 1.7× with 2 workers; papermill overhead ≤ 1 s per point on wall and on CPU
time. The summaries of all three must be identical (checked). ``--charts`` runs the papermill
sweep with ``charts: true`` (every point draws its charts in its notebook), to show what the
opt-in costs. Usage::

    python benchmarks/bench_sweep.py [--charts] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import pyarrow.parquet as pq
import yaml

ROOT = Path(__file__).resolve().parents[1]
TARGET_SPEEDUP = 1.7
TARGET_OVERHEAD_S = 1.0
"""Papermill engine over the direct engine, per point, on wall and on CPU time."""

SWEEP = {
    "name": "bench",
    "scenario": str(ROOT / "params" / "baseline.yaml"),
    "overrides": {
        "calendar.horizon_days": 14,
        "customers.accounts": 10_000,
        "customers.warm_start.burn_in_days": 0,  # the overhead per point is what is measured
    },
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
SAMPLE_S = 0.2


@dataclass
class Timing:
    wall_s: float
    cpu_s: float
    """User + system CPU of the command and its descendants (getrusage, waited-for processes)."""
    sampled_cpu_s: float
    """The same, as last read by psutil from each descendant while it ran (a lower bound)."""
    processes: int
    """Descendant processes seen by the sampler."""


def timed_sweep(spec: Path, out: Path, engine: str, workers: int) -> Timing:
    """Wall and CPU seconds of one sweep run through the command line."""
    argv = [sys.executable, "-m", "sim", "sweep", str(spec), "--out", str(out)]
    argv += ["--engine", engine, "--workers", str(workers)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    seen: dict[tuple[int, float], float] = {}
    done = threading.Event()
    sampler = threading.Thread(target=_sample, args=(proc.pid, seen, done), daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"sweep failed ({engine}, {workers} workers):\n{stdout}\n{stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu, sum(seen.values()), len(seen))


def _sample(pid: int, seen: dict[tuple[int, float], float], done: threading.Event) -> None:
    """Record the CPU time of ``pid`` and each of its descendants until ``done``."""
    try:
        root = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    while not done.is_set():
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        for proc in procs:
            try:
                times = proc.cpu_times()
                seen[(proc.pid, proc.create_time())] = times.user + times.system
            except psutil.Error:
                continue
        done.wait(SAMPLE_S)


def main() -> int:
    """Run the three sweeps and print the figures; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--charts", action="store_true", help="papermill points draw their charts (charts: true)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "bench.yaml"
        spec.write_text(yaml.safe_dump(SWEEP), encoding="utf-8")
        charted = Path(tmp) / "bench-charts.yaml"
        charted.write_text(yaml.safe_dump({**SWEEP, "charts": True}), encoding="utf-8")
        runs = {
            "direct_1": timed_sweep(spec, Path(tmp) / "d1", "direct", 1),
            "direct_2": timed_sweep(spec, Path(tmp) / "d2", "direct", 2),
            "papermill_1": timed_sweep(
                charted if args.charts else spec, Path(tmp) / "p1", "papermill", 1
            ),
        }
        tables = [
            pq.read_table(Path(tmp) / d / "sweeps" / "bench" / "summary.parquet")
            for d in ("d1", "d2", "p1")
        ]
        identical = all(t.equals(tables[0]) for t in tables[1:])
    reference, papermill = runs["direct_1"], runs["papermill_1"]
    speedup = reference.wall_s / runs["direct_2"].wall_s
    wall = (papermill.wall_s - reference.wall_s) / POINTS
    cpu = (papermill.cpu_s - reference.cpu_s) / POINTS
    unwaited = [
        name for name, t in runs.items() if t.sampled_cpu_s > 1.02 * t.cpu_s + 1.0
    ]  # the sampler saw more than getrusage counted: some process was never waited for
    ok = (
        speedup >= TARGET_SPEEDUP
        and wall <= TARGET_OVERHEAD_S
        and cpu <= TARGET_OVERHEAD_S
        and identical
    )
    result = {
        **{f"{k}_wall_s": round(v.wall_s, 2) for k, v in runs.items()},
        **{f"{k}_cpu_s": round(v.cpu_s, 2) for k, v in runs.items()},
        **{f"{k}_sampled_cpu_s": round(v.sampled_cpu_s, 2) for k, v in runs.items()},
        **{f"{k}_processes": v.processes for k, v in runs.items()},
        "points": POINTS,
        "charts": args.charts,
        "speedup_2_workers": round(speedup, 2),
        "papermill_overhead_per_point_wall_s": round(wall, 3),
        "papermill_overhead_per_point_cpu_s": round(cpu, 3),
        "summaries_identical": identical,
        "unwaited": unwaited,
        "pass": ok,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{POINTS}-point sweep, papermill points with charts: {args.charts}")
        print(f"{'run':<22}{'wall s':>9}{'CPU s':>9}{'sampled CPU s':>15}{'processes':>11}")
        for name, label in (
            ("direct_1", "direct, 1 worker"),
            ("direct_2", "direct, 2 workers"),
            ("papermill_1", "papermill, 1 worker"),
        ):
            t = runs[name]
            print(
                f"{label:<22}{t.wall_s:>9.1f}{t.cpu_s:>9.1f}{t.sampled_cpu_s:>15.1f}"
                f"{t.processes:>11}"
            )
        print(
            f"speed-up with 2 workers: {speedup:.2f}x (target >= {TARGET_SPEEDUP}x) "
            f"{'PASS' if speedup >= TARGET_SPEEDUP else 'FAIL'}"
        )
        for clock, value in (("wall", wall), ("CPU", cpu)):
            print(
                f"papermill overhead per point, {clock} time: {value:.3f} s "
                f"(target <= {TARGET_OVERHEAD_S:g} s) "
                f"{'PASS' if value <= TARGET_OVERHEAD_S else 'FAIL'}"
            )
        print(f"summaries identical across the three: {identical}")
        if unwaited:
            print(f"warning: CPU time of unwaited processes missed in: {', '.join(unwaited)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
