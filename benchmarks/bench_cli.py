"""Command-line start-up: what ``python -m sim check`` costs before it does anything useful.

Every command builds the whole parser, so what the command modules import at their top is paid
by every command. The log tools (pandas, SciPy), the charts (matplotlib) and the slides
(python-pptx) are imported only by the commands that use them. This script measures, in fresh
interpreters and alternately:

* ``check``: ``python -m sim check params/baseline.yaml`` as it is;
* ``eager``: the same command after importing what the command line used to import up front (the
  log calibration, forecasting and validation modules and ``sim.plotting``): the reference;
* ``python``: the bare interpreter, the floor.

It reports the median CPU time (user + system) and peak RSS of each, and ``check`` as a share of
``eager``. Target: at most a fifth. Exit status 1 if missed. Usage::

    python benchmarks/bench_cli.py [--repeats 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = "params/baseline.yaml"
EAGER = (
    "import sim.logs.calibrate, sim.logs.forecast_eval, sim.logs.validation, sim.plotting; "
    "from sim.cli.main import main; raise SystemExit(main(['check', '" + SCENARIO + "']))"
)
CASES = {
    "check": [sys.executable, "-m", "sim", "check", SCENARIO],
    "eager": [sys.executable, "-c", EAGER],
    "python": [sys.executable, "-c", "pass"],
}
TARGET_SHARE = 0.2
"""``check`` at most this share of ``eager``'s CPU time."""


def cpu_seconds(argv: list[str]) -> float:
    """CPU seconds (user + system) of one run in a fresh interpreter."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, cwd=ROOT, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    cpu: dict[str, list[float]] = {name: [] for name in CASES}
    names = tuple(CASES)
    for i in range(args.repeats):
        for name in names if i % 2 == 0 else names[::-1]:
            cpu[name].append(cpu_seconds(CASES[name]))
    rss = {name: _peak_rss_mb(argv) for name, argv in CASES.items()}
    result = {
        name: {"cpu_s": statistics.median(cpu[name]), "peak_rss_mb": rss[name]} for name in CASES
    }
    share = result["check"]["cpu_s"] / result["eager"]["cpu_s"]
    result["check_share_of_eager"] = share
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"median of {args.repeats} runs each, alternating; {SCENARIO}")
        for name in CASES:
            r = result[name]
            print(f"{name:<7} CPU {r['cpu_s']:.2f} s  peak RSS {r['peak_rss_mb']:.0f} MB")
        verdict = "PASS" if share <= TARGET_SHARE else "FAIL"
        print(f"check / eager CPU: {share:.2f} (target <= {TARGET_SHARE}): {verdict}")
    return 0 if share <= TARGET_SHARE else 1


def _peak_rss_mb(argv: list[str]) -> float:
    """Peak RSS of one run, read in a wrapper process of its own (this process's children
    maximum would mix the cases)."""
    probe = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], check=True, capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *argv], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return int(done.stdout.strip()) / 1024


if __name__ == "__main__":
    sys.exit(main())
