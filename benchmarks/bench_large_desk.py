"""The big case: one replication of a year of a 500-seat desk against the engine's own cost.

``params/scenarios/large_desk.yaml`` (500 seats at the peak, 200,000 customer accounts, the
13-week warm start and a year) is simulated as :func:`sim.model.replication.simulate` builds it,
in a fresh process; then a replication's whole post-processing runs on its records, as
:func:`sim.experiments.replications.post_process` does it for every replication (all KPIs, the
interval table and the workforce's daily table). The reference, in the same run, is the engine
benchmark's stationary M/M/50+M desk (``bench_engine.py``, ``--engine-contacts`` calls). Both
report CPU time per contact (every contact row, warm start included) and peak RSS (``VmHWM``) in
bytes per contact, whole process, after the run and after the post-processing.

Targets: the big case's CPU time per contact at most 1.3x the engine's; its peak under 100 bytes
per contact, post-processing included. The exit status is 1 if either is missed.

Where the ratio comes from: the same scenario is also run as the desk alone (the override
``customers=null``: the same rosters, routes and contact types, the complaint types kept as
forecast contacts, no warm start), so the report splits the big case's cost per contact into what
the realistic desk costs over the bare M/M/50+M desk and what the customer base adds on top of it
(``--no-desk-alone`` skips it).

Usage::

    python benchmarks/bench_large_desk.py [--scenario params/scenarios/large_desk.yaml]
        [-p KEY=VALUE ...] [--engine-contacts 1000000] [--seed 1] [--no-desk-alone] [--json]

``-p calendar.horizon_days=28`` gives a quick look (the warm start then dominates).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bench_engine import AGENTS, AHT_MIN, ARRIVALS_PER_H, PATIENCE_MIN, SL_SECONDS, rss_mb

if TYPE_CHECKING:
    from sim.model.records import DeskRun
    from sim.scenario.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent
TARGET_COST_RATIO = 1.3
TARGET_BYTES_PER_CONTACT = 100.0


def child_large(scenario_path: str, overrides: list[str], seed: int) -> dict:
    from sim.model.replication import simulate
    from sim.model.rng import Streams
    from sim.scenario.loading import load_scenario

    scenario = load_scenario(scenario_path, overrides)
    return timed(scenario, lambda: simulate(scenario, Streams(seed, 0)))


def child_engine(contacts: int, seed: int) -> dict:
    from sim.experiments.erlang_check import StationaryDesk
    from sim.model.desk import Desk
    from sim.model.rng import Streams

    scenario = StationaryDesk(ARRIVALS_PER_H, AGENTS, AHT_MIN, PATIENCE_MIN, SL_SECONDS).scenario(
        contacts
    )
    return timed(scenario, lambda: Desk(scenario, Streams(seed, 0)).run())


def timed(scenario: Scenario, replicate: Callable[[], DeskRun]) -> dict:
    """CPU time of ``replicate()``, and the peak RSS after it and after the replication's
    post-processing (``post_process``: KPIs, interval table, workforce daily table)."""
    from sim.experiments.replications import post_process

    started = time.process_time()
    run = replicate()
    cpu = time.process_time() - started
    peak = rss_mb()
    post_process(run, scenario)
    return {
        "contacts": len(run.contacts),
        "cpu_s": cpu,
        "peak_rss_mb": peak,
        "peak_rss_after_post_mb": rss_mb(),
    }


def measure(args: list[str]) -> dict:
    """Run one case in a fresh interpreter and parse its JSON line."""
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def per_contact(case: dict) -> dict:
    n = case["contacts"]
    return {
        **case,
        "us_per_contact": case["cpu_s"] / n * 1e6,
        "bytes_per_contact": case["peak_rss_mb"] * 2**20 / n,
        "bytes_per_contact_after_post": case["peak_rss_after_post_mb"] * 2**20 / n,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description="One replication of the large desk's year against the engine benchmark's "
        "cost per contact, measured in the same run.",
    )
    parser.add_argument("--scenario", default=str(ROOT / "params/scenarios/large_desk.yaml"))
    parser.add_argument(
        "-p", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
        help="scenario override, e.g. -p calendar.horizon_days=28 (repeatable)",
    )  # fmt: skip
    parser.add_argument("--engine-contacts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-desk-alone", action="store_true",
        help="skip the scenario's desk alone (customers=null), run to split the cost ratio",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--case", choices=("large", "engine"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case == "large":
        print(json.dumps(child_large(args.scenario, args.overrides, args.seed)))
        return 0
    if args.case == "engine":
        print(json.dumps(child_engine(args.engine_contacts, args.seed)))
        return 0

    common = ["--seed", str(args.seed), "--engine-contacts", str(args.engine_contacts)]
    engine = per_contact(measure(["--case", "engine", *common]))
    print(f"engine: {engine['contacts']:,} contacts, {engine['us_per_contact']:.2f} µs/contact")
    overrides = [x for o in args.overrides for x in ("-p", o)]
    large = per_contact(
        measure(["--case", "large", "--scenario", args.scenario, *overrides, *common])
    )
    print(f"large:  {large['contacts']:,} contacts, {large['us_per_contact']:.2f} µs/contact")
    ratio = large["us_per_contact"] / engine["us_per_contact"]
    bytes_after = large["bytes_per_contact_after_post"]
    result = {
        "engine": engine,
        "large": large,
        "cost_ratio": ratio,
        "cost_pass": ratio <= TARGET_COST_RATIO,
        "memory_pass": bytes_after < TARGET_BYTES_PER_CONTACT,
    }
    split = ""
    if not args.no_desk_alone:
        no_customers = [*overrides, "-p", "customers=null"]
        alone = per_contact(
            measure(["--case", "large", "--scenario", args.scenario, *no_customers, *common])
        )
        print(f"alone:  {alone['contacts']:,} contacts, {alone['us_per_contact']:.2f} µs/contact")
        result |= {
            "desk_alone": alone,
            "desk_alone_over_engine": alone["us_per_contact"] / engine["us_per_contact"],
            "large_over_desk_alone": large["us_per_contact"] / alone["us_per_contact"],
        }
        split = (
            f"\n  the desk alone (customers=null): {alone['us_per_contact']:.2f} µs/contact, "
            f"{result['desk_alone_over_engine']:.2f}x the engine; the customer base on top of "
            f"it: {result['large_over_desk_alone']:.2f}x"
        )
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"\n{args.scenario} {' '.join(args.overrides)}: {large['contacts']:,} contacts in "
            f"{large['cpu_s']:.1f} CPU-s; peak RSS {large['peak_rss_mb']:.0f} MB after the run, "
            f"{large['peak_rss_after_post_mb']:.0f} MB after the post-processing\n"
            f"cost per contact, large / engine: {ratio:.2f}x (target <= {TARGET_COST_RATIO}x) "
            f"{'PASS' if result['cost_pass'] else 'FAIL'}{split}\n"
            f"peak bytes per contact: {large['bytes_per_contact']:.0f} after the run, "
            f"{bytes_after:.0f} after the post-processing (target < {TARGET_BYTES_PER_CONTACT:g}) "
            f"{'PASS' if result['memory_pass'] else 'FAIL'}"
        )
    return 0 if result["cost_pass"] and result["memory_pass"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
