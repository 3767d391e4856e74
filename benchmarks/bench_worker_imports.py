"""What a worker pays in imports: peak RSS and CPU time of importing the engine and of one short
replication, each in a fresh interpreter.

Cases, run from a checkout's root with that checkout first on the path:

* ``import``: ``import sim.model.desk``;
* ``desk``: one replication of the baseline's desk alone (``customers: null``), one week;
* ``customers``: one replication of the baseline with its customer base, one week from a cold
  start (no warm start);
* ``point``: a sweep worker's point on the direct engine (``run_point``): the desk alone, two
  replications (a confidence interval), its tables written;
* ``python``: the bare interpreter, the floor.

Each is measured ``--repeats`` times (alternating between the checkouts with ``--against``), and
the median CPU time (user + system, the whole process) and median peak RSS (``VmHWM``) reported,
with the SciPy, pandas and matplotlib modules the process ended with. Usage::

    python benchmarks/bench_worker_imports.py [--against OTHER_CHECKOUT] [--repeats 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = (
    "import sys\n"
    "hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]\n"
    "heavy = [m for m in ('scipy.special', 'scipy.stats', 'scipy.optimize', 'pandas',"
    " 'matplotlib') if m in sys.modules]\n"
    "print(hwm, ','.join(heavy) or '-')\n"
)
REPLICATION = (
    "from sim.experiments.replications import run_scenario\n"
    "from sim.scenario.loading import load_scenario\n"
    "scenario = load_scenario('params/baseline.yaml', {overrides})\n"
    "run_scenario(scenario, 1, 1, workers=1)\n"
)
WEEK = "'calendar.horizon_days': 7"
POINT = (
    "from sim.experiments.sweep_point import FINISHED, Task, run_point\n"
    "from sim.scenario.loading import load_scenario\n"
    "scenario = load_scenario('params/baseline.yaml', {" + WEEK + ", 'customers': None})\n"
    "task = Task('p', scenario.model_dump(mode='json'), 2, 1, 'direct', None, None)\n"
    "assert run_point(task).status == FINISHED\n"
)
CASES = {
    "import": "import sim.model.desk\n",
    "desk": REPLICATION.format(overrides="{" + WEEK + ", 'customers': None}"),
    "customers": REPLICATION.format(
        overrides="{" + WEEK + ", 'customers.warm_start.burn_in_days': 0}"
    ),
    "point": POINT,
    "python": "",
}


def measure(checkout: Path, code: str) -> tuple[float, float, str]:
    """CPU seconds, peak RSS (MB) and the heavy modules loaded of one fresh interpreter running
    ``code`` at ``checkout``'s root."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-c", code + REPORT],
        cwd=checkout,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    hwm_kb, heavy = done.stdout.split()[-2:]
    return cpu, int(hwm_kb) / 1024, heavy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, help="another checkout, measured alternately")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    checkouts = {"this": ROOT}
    if args.against is not None:
        checkouts["other"] = args.against.resolve()
    runs: dict[tuple[str, str], list[tuple[float, float, str]]] = {
        (c, case): [] for c in checkouts for case in CASES
    }
    order = list(checkouts)
    for i in range(args.repeats):
        for case, code in CASES.items():
            for c in order if i % 2 == 0 else order[::-1]:
                runs[c, case].append(measure(checkouts[c], code))
    results = [
        {
            "checkout": c,
            "case": case,
            "cpu_s": statistics.median(r[0] for r in rs),
            "peak_rss_mb": statistics.median(r[1] for r in rs),
            "loaded": sorted({r[2] for r in rs}),
        }
        for (c, case), rs in runs.items()
    ]
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{'checkout':8} {'case':10} {'CPU s':>6} {'peak MB':>8}  loaded")
    for r in results:
        print(
            f"{r['checkout']:8} {r['case']:10} {r['cpu_s']:6.2f} {r['peak_rss_mb']:8.1f}  "
            f"{' '.join(r['loaded'])}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
