"""What the customer base costs: throughput of the coupled model against the desk alone.

Both variants simulate the same scenario file (default ``params/baseline.yaml``, a year) with the
same seed, replication 0:

* **coupled**: the scenario as written, with its ``customers:`` base (moments of truth on an
  hourly customer clock, complaints, recovery, defections, acquisition; arrival volumes follow
  the active base);
* **desk**: the same scenario loaded with the override ``customers=null``: the desk alone, the
  complaint contact types kept as ordinary forecast contacts.

The timed work is one replication, construction included (the desk, and the customer base attached
to it, as :func:`sim.model.replication.simulate` builds them), as in ``bench_engine.py``. For the
coupled model construction means fitting the word-of-mouth distribution, and
:func:`sim.model.satisfaction.word_of_mouth_distribution` imports SciPy on first use (about 0.6 s
and 67 MB in a fresh process; the desk alone never imports it). Construction is also reported on its
own (``build_s``), with the ratio of the simulation loop alone. KPI post-processing
(``replication_kpis``, plus ``customer_kpis`` for the coupled model) is timed apart and is not in
the headline. The coupled model's volumes shrink and grow with the customer base, so the two
variants simulate slightly different numbers of contacts: the comparison is per contact (every
contact row: primary, retrial, repeat, escalation, and the callbacks and follow-ups the customer
base adds).

Each measurement runs in a fresh subprocess (the script re-invokes itself with ``--variant``), so
peak memory is per variant; variants alternate and medians of ``--repeats`` runs are compared.
Memory is the process's peak resident set size (``VmHWM``; see ``bench_engine.rss_mb``), just
after imports (baseline) and after the simulation (peak).

Target: coupled wall time per contact at most 1.3x the desk's. The exit status is 1 if missed.

Usage::

    python benchmarks/bench_coupled.py [--scenario params/baseline.yaml] [-p KEY=VALUE ...]
        [--repeats 3] [--seed 1] [--json]

``-p`` overrides go to :func:`sim.scenario.loading.load_scenario` (e.g. ``-p
calendar.horizon_days=91``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_engine import rss_mb

TARGET_RATIO = 1.3
DEFAULT_SCENARIO = str(Path(__file__).resolve().parent.parent / "params" / "baseline.yaml")


def child(variant: str, scenario_path: str, overrides: list[str], seed: int) -> dict:
    """One measurement (in a fresh process)."""
    from sim.measures.metrics import replication_kpis
    from sim.measures.value import customer_kpis
    from sim.model.customers import CustomerModel
    from sim.model.desk import Desk
    from sim.model.rng import Streams
    from sim.scenario.loading import load_scenario

    baseline = rss_mb()
    scenario = load_scenario(scenario_path, overrides)
    if variant == "coupled" and scenario.customers is None:
        raise SystemExit(f"{scenario_path} has no customers: section, nothing to couple")
    cpu_started = time.process_time()
    started = time.perf_counter()
    streams = Streams(seed, 0)
    desk = Desk(scenario, streams)  # wired as sim.model.replication.simulate does
    if scenario.customers is not None:
        desk.attach_customers(CustomerModel(scenario, desk))
    built = time.perf_counter()
    run = desk.run()
    finished = time.perf_counter()
    cpu_s = time.process_time() - cpu_started
    peak = rss_mb()
    kpis = replication_kpis(run, scenario) | customer_kpis(run, scenario)
    kpis_s = time.perf_counter() - finished
    out = {
        "variant": variant,
        "contacts": len(run.contacts),
        "wall_s": finished - started,
        "build_s": built - started,
        "run_s": finished - built,
        "cpu_s": cpu_s,
        "events": next(desk.env._eid),
        "horizon_days": scenario.calendar.horizon_days,
        "baseline_rss_mb": baseline,
        "peak_rss_mb": peak,
        "kpis_s": kpis_s,
        "peak_rss_after_kpis_mb": rss_mb(),
        "abandon_rate": kpis["abandon_rate"],
    }
    if run.customers is not None:
        daily = run.customers.daily
        out |= {
            "accounts_start": run.customers.initial,
            "accounts_end": int(daily["active"][-1]),
            "customer_ticks": int(run.horizon_min // scenario.customers.tick_min),
            "dissatisfied": kpis["funnel.dissatisfied"],
            "complaints": kpis["funnel.complaints"],
        }
    return out


VARIANT_OVERRIDES = {"coupled": [], "desk": ["customers=null"]}
"""Each variant, and the overrides that make it from the scenario file."""


def measure(variant: str, scenario: str, overrides: list[str], seed: int) -> dict:
    """Run one variant (its name, and the overrides that make it) in a fresh interpreter and
    parse its JSON line."""
    cmd = [sys.executable, __file__, "--variant", variant, "--scenario", scenario]
    cmd += ["--seed", str(seed)]
    for override in overrides:
        cmd += ["-p", override]
    done = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{variant} run failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def alternate(
    variants: dict[str, list[str]], scenario: str, params: list[str], seed: int, repeats: int
) -> dict[str, list[dict]]:
    """``repeats`` measurements of each variant (its name → the overrides that make it), the
    order reversed every other round so drift on the machine hits both alike."""
    runs: dict[str, list[dict]] = {v: [] for v in variants}
    names = tuple(variants)
    for i in range(repeats):
        for variant in names if i % 2 == 0 else names[::-1]:
            r = measure(variant, scenario, [*params, *variants[variant]], seed)
            runs[variant].append(r)
            print(
                f"[{i + 1}/{repeats}] {variant:<7} {r['contacts']:,} contacts in "
                f"{r['wall_s']:.2f} s (build {r['build_s']:.2f} s, CPU {r['cpu_s']:.2f} s) = "
                f"{r['contacts'] / r['wall_s']:,.0f}/s, peak RSS {r['peak_rss_mb']:.1f} MB",
                file=sys.stderr,
                flush=True,
            )
    return runs


def summarise(runs: list[dict]) -> dict:
    """Medians over repeats (contacts are identical across repeats: same seed)."""
    keys = [k for k, v in runs[0].items() if isinstance(v, (int, float))]
    med = {k: statistics.median(r[k] for r in runs) for k in keys}
    med["variant"] = runs[0]["variant"]
    med["contacts"] = runs[0]["contacts"]
    med["throughput"] = statistics.median(r["contacts"] / r["wall_s"] for r in runs)
    med["us_per_contact"] = statistics.median(1e6 * r["wall_s"] / r["contacts"] for r in runs)
    med["run_us_per_contact"] = statistics.median(1e6 * r["run_s"] / r["contacts"] for r in runs)
    med["cpu_us_per_contact"] = statistics.median(1e6 * r["cpu_s"] / r["contacts"] for r in runs)
    med["wall_s_all"] = [round(r["wall_s"], 3) for r in runs]
    med["above_baseline_mb"] = statistics.median(
        r["peak_rss_mb"] - r["baseline_rss_mb"] for r in runs
    )
    return med


def report(result: dict) -> str:
    """The human-readable table and verdict."""
    coupled, desk = result["coupled"], result["desk"]
    lines = [
        f"{result['scenario']} {' '.join('-p ' + o for o in result['overrides'])}".rstrip()
        + f": {coupled['horizon_days']:g} days, seed {result['seed']}, "
        f"median of {result['repeats']} runs each",
        "",
        f"{'variant':<8} {'contacts':>9} {'wall s':>7} {'build s':>7} {'contacts/s':>10} "
        f"{'us/contact':>10} {'events/ct':>9} {'peak RSS MB':>11} {'above base MB':>13}",
    ]
    for r in (coupled, desk):
        lines.append(
            f"{r['variant']:<8} {r['contacts']:>9,} {r['wall_s']:>7.2f} {r['build_s']:>7.2f} "
            f"{r['throughput']:>10,.0f} {r['us_per_contact']:>10.2f} "
            f"{r['events'] / r['contacts']:>9.2f} {r['peak_rss_mb']:>11.1f} "
            f"{r['above_baseline_mb']:>13.1f}"
        )
    v = result["verdict"]
    lines += [
        "",
        f"customer base: {coupled['accounts_start']:,} accounts -> {coupled['accounts_end']:,}, "
        f"{coupled['customer_ticks']:,} customer ticks, {coupled['dissatisfied']:,.0f} "
        f"dissatisfied episodes, {coupled['complaints']:,.0f} complaints",
        f"post-processing (KPIs): coupled {coupled['kpis_s']:.2f} s, desk {desk['kpis_s']:.2f} s",
        "",
        f"wall time per contact, coupled / desk: {v['ratio']:.2f}x (target <= {TARGET_RATIO}x) "
        f"{'PASS' if v['ratio_pass'] else 'FAIL'}",
        f"  simulation loop only (construction excluded): {v['run_ratio']:.2f}x",
        f"  CPU time per contact (all threads of the process): {v['cpu_ratio']:.2f}x",
        f"peak RSS coupled / desk: {v['memory_ratio']:.2f} "
        f"({coupled['peak_rss_mb']:.1f} vs {desk['peak_rss_mb']:.1f} MB)",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(
            "Throughput (contacts/s) and peak RSS of the coupled model (customer base on) "
            "against the same desk with the customer base off (override customers=null), same "
            "scenario and seed. Each run is a fresh subprocess; variants alternate; medians are "
            f"compared. Target: coupled wall time per contact <= {TARGET_RATIO}x the desk's; "
            "exit status 1 if missed. Progress goes to stderr."
        ),
    )
    parser.add_argument(
        "--scenario",
        default=DEFAULT_SCENARIO,
        help="scenario file with a customers: section (default params/baseline.yaml)",
    )
    parser.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override passed to sim.scenario.loading.load_scenario, e.g. calendar.horizon_days=91 "
        "(repeatable)",
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="measurements per variant (default 3)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.variant:
        print(json.dumps(child(args.variant, args.scenario, args.param, args.seed)))
        return 0

    runs = alternate(VARIANT_OVERRIDES, args.scenario, args.param, args.seed, args.repeats)
    coupled, desk = summarise(runs["coupled"]), summarise(runs["desk"])
    ratio = coupled["us_per_contact"] / desk["us_per_contact"]
    result = {
        "scenario": args.scenario,
        "overrides": args.param,
        "seed": args.seed,
        "repeats": args.repeats,
        "python": sys.version.split()[0],
        "coupled": coupled,
        "desk": desk,
        "runs": runs,
        "verdict": {
            "ratio": ratio,
            "ratio_pass": ratio <= TARGET_RATIO,
            "run_ratio": coupled["run_us_per_contact"] / desk["run_us_per_contact"],
            "cpu_ratio": coupled["cpu_us_per_contact"] / desk["cpu_us_per_contact"],
            "memory_ratio": coupled["peak_rss_mb"] / desk["peak_rss_mb"],
        },
    }
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0 if result["verdict"]["ratio_pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
