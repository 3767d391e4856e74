"""What the people at the desk cost: throughput with the workforce mechanisms on against off.

Both variants simulate the same scenario file (default ``params/scenarios/erosion.yaml``: the
baseline year with its customer base and every workforce mechanism on) with the same seed,
replication 0:

* **on**: the scenario as written: work pressure sampled every 5 minutes, cutting corners,
  eroding standards, absence, overtime, fatigue, staff satisfaction and attrition;
* **off**: the same scenario loaded with the override ``workforce=null``.

Each measurement is a fresh subprocess running ``bench_coupled.py``'s timed replication
(construction included, KPIs apart), so the two benchmarks time exactly the same work; variants
alternate and medians of ``--repeats`` runs are compared per contact (the mechanisms change how
many contacts there are: repeats follow lost resolutions).

Target (the workforce issue): wall time per contact with the mechanisms on at most 1.3x off. The
exit status is 1 if missed.

Usage::

    python benchmarks/bench_workforce.py [--scenario params/scenarios/erosion.yaml]
        [-p KEY=VALUE ...] [--repeats 3] [--seed 1] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench_coupled import alternate, summarise

TARGET_RATIO = 1.3
DEFAULT_SCENARIO = str(
    Path(__file__).resolve().parent.parent / "params" / "scenarios" / "erosion.yaml"
)
VARIANT_OVERRIDES = {"on": [], "off": ["workforce=null"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(
            "Throughput (contacts/s) and peak RSS of a scenario with its workforce mechanisms on "
            "against the same scenario with workforce=null, same seed. Each run is a fresh "
            "subprocess; variants alternate; medians are compared. Target: on <= "
            f"{TARGET_RATIO}x off per contact; exit status 1 if missed."
        ),
    )
    parser.add_argument(
        "--scenario", default=DEFAULT_SCENARIO, help="scenario file with a workforce: section"
    )
    parser.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override for both variants, e.g. calendar.horizon_days=91 (repeatable)",
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs per variant (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)

    runs = alternate(VARIANT_OVERRIDES, args.scenario, args.param, args.seed, args.repeats)
    on, off = summarise(runs["on"]), summarise(runs["off"])
    ratio = on["us_per_contact"] / off["us_per_contact"]
    result = {
        "scenario": args.scenario,
        "overrides": args.param,
        "seed": args.seed,
        "repeats": args.repeats,
        "on": on,
        "off": off,
        "verdict": {
            "ratio": ratio,
            "ratio_pass": ratio <= TARGET_RATIO,
            "run_ratio": on["run_us_per_contact"] / off["run_us_per_contact"],
            "memory_ratio": on["peak_rss_mb"] / off["peak_rss_mb"],
        },
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"{args.scenario}: median of {args.repeats} runs each\n"
            f"{'variant':<8} {'contacts':>9} {'wall s':>7} {'us/contact':>10} {'peak RSS MB':>11}"
        )
        for name, r in (("on", on), ("off", off)):
            print(
                f"{name:<8} {r['contacts']:>9,} {r['wall_s']:>7.2f} {r['us_per_contact']:>10.2f} "
                f"{r['peak_rss_mb']:>11.1f}"
            )
        print(
            f"\nwall time per contact, on / off: {ratio:.2f}x (target <= {TARGET_RATIO}x) "
            f"{'PASS' if result['verdict']['ratio_pass'] else 'FAIL'}\n"
            f"  simulation loop only: {result['verdict']['run_ratio']:.2f}x; peak RSS on / off: "
            f"{result['verdict']['memory_ratio']:.2f}"
        )
    return 0 if result["verdict"]["ratio_pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
