"""What agent groups and routing cost the engine: the same stationary desk written in several ways.

Every case has 50 agents, 9.5 calls/min, exponential handle time (mean 5 min) and exponential
patience (mean 10 min), over the horizon that
:meth:`sim.experiments.erlang_check.StationaryDesk.scenario` builds for ``--contacts`` calls (the
M/M/50+M desk of ``bench_engine.py``, offered load 0.95 per agent):

* **single**: ``bench_engine.py``'s desk as it is, in the two-tier form (``staffing.tier1`` with
  50 agents, an empty ``tier2``). The reference every other case is compared with.
* **one_group**: the same desk written as one agent group with every skill
  (``staffing.groups``). Nothing is escalated in either (every contact is resolved first time), so
  it must give the same KPIs, to the last digit; the script checks and prints that. Its cost over
  ``single`` is the routing layer's price for a desk that does not use it.
* **multi_skill**: two contact types, ``a`` and ``b``, half the arrivals each, same priority;
  three groups: 20 specialists for ``a``, 20 for ``b``, and 10 generalists with both skills who
  take 20% longer (``handle_time_factor: 1.2``). Each type goes to its specialists, then to the
  generalists, at once (``after_s: 0``). The generalists weigh both queues' heads and take the
  one that has waited longest.
* **multi_skill_delay**: the same, but a contact may go to the generalists only after waiting
  20 s (``after_s: 20``): every contact that queues starts an overflow timer.
* **callbacks**: the single desk offering a callback when the expected wait is above 60 s;
  half of those offered accept.

Each measurement runs in a fresh subprocess (the script re-invokes itself with ``--case``), so
peak memory is per case. The child times ``Desk(scenario, Streams(seed, 0)).run()``, construction
included, and reports the contacts simulated (every contact row), the SimPy events scheduled, and
its peak resident set size after imports (baseline) and after the run (peak); see
``bench_engine.rss_mb``. The cases are measured ``--repeats`` times, in an order that rotates
from one round to the next, and medians are compared. The cases simulate different systems
(the multi-skill desks queue more and serve more slowly), so the cost is compared **per
contact**: µs per contact ÷ ``single``'s in the same round, median over the rounds. It is given on
wall time and on CPU time (the child's ``time.process_time``); when other work shares the cores,
CPU time is the steadier. ``--clock`` picks the one the table and the verdict use (wall by
default, as in the other benchmarks).

Target: ``one_group`` costs at most 1.2x ``single`` per contact (the routing layer keeps a desk
that does not use it within 20% of the two-tier engine). The multi-skill and callback cases are
reported, not judged. The exit status is 1 if the target is missed or ``one_group``'s KPIs differ
from ``single``'s.

Usage::

    python benchmarks/bench_multiskill.py [--contacts 1000000] [--repeats 3] [--seed 1]
        [--cases single,one_group,...] [--clock wall|cpu] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from typing import Any

from bench_engine import AGENTS, AHT_MIN, ARRIVALS_PER_H, PATIENCE_MIN, SL_SECONDS, rss_mb

CASES = ("single", "one_group", "multi_skill", "multi_skill_delay", "callbacks")
REFERENCE = "single"
JUDGED = "one_group"
TARGET_COST = 1.2
"""``one_group``'s time per contact at most this times ``single``'s."""
CLOCKS = ("wall", "cpu")

SPECIALISTS = 20
"""Agents in each specialist group (two groups)."""
GENERALISTS = AGENTS - 2 * SPECIALISTS
GENERALIST_FACTOR = 1.2
"""Generalists' handle time ÷ the specialists'."""
OVERFLOW_DELAY_S = 20.0
"""``multi_skill_delay``: seconds a contact waits before the generalists may take it."""
CALLBACK_ABOVE_S = 60.0
CALLBACK_ACCEPT = 0.5

DESCRIPTIONS = {
    "single": f"two-tier form: tier1 {AGENTS} agents, tier2 empty",
    "one_group": f"one group of {AGENTS} with every skill",
    "multi_skill": f"2 types, groups {SPECIALISTS}+{SPECIALISTS} specialists, {GENERALISTS} "
    f"generalists (x{GENERALIST_FACTOR:g}), immediate overflow",
    "multi_skill_delay": f"the same, overflow to the generalists after {OVERFLOW_DELAY_S:g} s",
    "callbacks": f"single desk, callbacks offered above {CALLBACK_ABOVE_S:g} s, "
    f"{CALLBACK_ACCEPT:.0%} accept",
}


# --- the scenarios -------------------------------------------------------------------------------


def single_desk(contacts: int) -> dict[str, Any]:
    """``bench_engine.py``'s M/M/50+M desk as a scenario document (two-tier form)."""
    from sim.experiments.erlang_check import StationaryDesk

    desk = StationaryDesk(ARRIVALS_PER_H, AGENTS, AHT_MIN, PATIENCE_MIN, SL_SECONDS)
    return desk.scenario(contacts).model_dump(mode="json", exclude_unset=True)


def _multi_skill(doc: dict[str, Any], after_s: float) -> None:
    """Turn the single desk into two half-size contact types served by two specialist groups
    and a pool of slower generalists, each type overflowing to the generalists after
    ``after_s``."""
    call = doc["demand"]["contact_types"].pop("call")
    call["resolution"]["escalate_prob"] = 0.0  # no tier-2 group; nothing is escalated anyway
    half = {day: volume / 2.0 for day, volume in call["daily_volume"].items()}
    doc["demand"]["contact_types"] = {k: {**call, "daily_volume": half} for k in ("a", "b")}
    doc["staffing"] = {
        "groups": {
            "specialists_a": {
                "roster": {"kind": "fixed", "agents": SPECIALISTS},
                "skills": {"a": {}},
            },
            "specialists_b": {
                "roster": {"kind": "fixed", "agents": SPECIALISTS},
                "skills": {"b": {}},
            },
            "generalists": {
                "roster": {"kind": "fixed", "agents": GENERALISTS},
                "skills": {k: {"handle_time_factor": GENERALIST_FACTOR} for k in ("a", "b")},
            },
        }
    }
    doc["routing"] = {
        "contact_to_group": {
            "kind": "priority_list",
            "routes": {
                k: {
                    "tier1": [
                        {"group": f"specialists_{k}"},
                        {"group": "generalists", "after_s": after_s},
                    ]
                }
                for k in ("a", "b")
            },
        }
    }


def scenario_doc(case: str, contacts: int) -> dict[str, Any]:
    """The scenario document of one case."""
    doc = single_desk(contacts)
    doc["name"] = f"bench-{case.replace('_', '-')}"
    if case == "one_group":
        # no tier-2 group, so nothing may be escalated (with first_contact_prob 1, nothing is)
        doc["demand"]["contact_types"]["call"]["resolution"]["escalate_prob"] = 0.0
        doc["staffing"] = {"groups": {"desk": {"roster": {"kind": "fixed", "agents": AGENTS}}}}
    elif case == "multi_skill":
        _multi_skill(doc, 0.0)
    elif case == "multi_skill_delay":
        _multi_skill(doc, OVERFLOW_DELAY_S)
    elif case == "callbacks":
        doc["routing"] = {
            "callbacks": {
                "offer_above_expected_wait_s": CALLBACK_ABOVE_S,
                "accept_prob": CALLBACK_ACCEPT,
            }
        }
    return doc


# --- one measurement, in a fresh process ---------------------------------------------------------


def _number(x: Any) -> float | None:
    """A KPI as JSON can carry it (NaN as None)."""
    x = float(x)
    return None if math.isnan(x) else x


def child(case: str, contacts: int, seed: int) -> dict:
    import sim.experiments.erlang_check  # noqa: F401 - the baseline includes building scenarios
    from sim.measures.metrics import replication_kpis
    from sim.model.desk import Desk
    from sim.model.records import ABANDONED, ANSWERED, CALLBACK_ACCEPTED
    from sim.model.rng import Streams
    from sim.scenario.scenario import Scenario

    baseline = rss_mb()
    scenario = Scenario.model_validate(scenario_doc(case, contacts))
    started, started_cpu = time.perf_counter(), time.process_time()
    desk = Desk(scenario, Streams(seed, 0))
    run = desk.run()
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    peak = rss_mb()
    kpis = replication_kpis(run, scenario)
    c = run.contacts
    after = c.arrival_min >= scenario.calendar.warmup_min
    answered = after & (c.outcome == ANSWERED)
    settled = answered | (after & (c.outcome == ABANDONED))
    names = run.group_names
    by_group = {names[g]: int((c.group[answered] == g).sum()) for g in range(len(names))}
    return {
        "case": case,
        "contacts": len(c),
        "wall_s": wall,
        "cpu_s": cpu,
        "events": next(desk.env._eid),
        "baseline_rss_mb": baseline,
        "peak_rss_mb": peak,
        "p_abandon": float(1.0 - answered.sum() / settled.sum()),
        "mean_wait_s": float(c.wait_min[settled].mean() * 60.0),
        "answered_by": by_group,
        "callbacks_accepted": int((c.callback == CALLBACK_ACCEPTED).sum()),
        "kpis": {k: _number(v) for k, v in sorted(kpis.items())},
    }


# --- the driver ----------------------------------------------------------------------------------


def _load_average() -> list[float] | None:
    """The 1, 5 and 15 min load averages at the end of the run (None where unknown): a sign of
    other work sharing the cores."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def measure(case: str, contacts: int, seed: int) -> dict:
    """Run one case in a fresh interpreter and parse its JSON line."""
    cmd = [
        sys.executable,
        __file__,
        "--case",
        case,
        "--contacts",
        str(contacts),
        "--seed",
        str(seed),
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def summarise(runs: list[dict], ref_runs: list[dict]) -> dict:
    """Medians over repeats (contacts, events and KPIs are identical across repeats), and the
    cost ratios to the reference: the median over rounds of (µs per contact of this case ÷ the
    reference's in the same round), for wall and for CPU time."""
    first = runs[0]
    med: dict[str, Any] = {
        k: statistics.median(r[k] for r in runs)
        for k, v in first.items()
        if isinstance(v, (int, float))
    }
    med.update(
        case=first["case"],
        contacts=first["contacts"],
        events=first["events"],
        answered_by=first["answered_by"],
        callbacks_accepted=first["callbacks_accepted"],
        kpis=first["kpis"],
    )
    for clock in CLOCKS:
        per = [1e6 * r[f"{clock}_s"] / r["contacts"] for r in runs]
        ref = [1e6 * r[f"{clock}_s"] / r["contacts"] for r in ref_runs]
        med[f"{clock}_us_per_contact"] = statistics.median(per)
        med[f"{clock}_throughput"] = statistics.median(1e6 / x for x in per)
        med[f"{clock}_cost"] = statistics.median(a / b for a, b in zip(per, ref, strict=True))
        med[f"{clock}_s_all"] = [round(r[f"{clock}_s"], 3) for r in runs]
    med["above_baseline_mb"] = statistics.median(
        r["peak_rss_mb"] - r["baseline_rss_mb"] for r in runs
    )
    return med


def kpi_differences(a: dict[str, float | None], b: dict[str, float | None]) -> list[str]:
    """KPIs that differ between two runs (missing on one side counts), exactly."""
    return [k for k in sorted(set(a) | set(b)) if a.get(k, "missing") != b.get(k, "missing")]


def report(result: dict) -> str:
    """The human-readable table, checks and verdict."""
    cases = result["cases"]
    lines = [
        f"{AGENTS} agents, lambda = {ARRIVALS_PER_H / 60:g}/min, AHT {AHT_MIN:g} min, "
        f"patience {PATIENCE_MIN:g} min, {result['contacts_requested']:,} contacts asked, "
        f"seed {result['seed']}, median of {result['repeats']} runs each",
        "",
    ]
    lines += [f"  {name:<17} {DESCRIPTIONS[name]}" for name in cases]
    clock = result["clock"]
    other = next(c for c in CLOCKS if c != clock)
    lines += [
        "",
        f"{clock} time; cost x = µs/contact ÷ {REFERENCE}'s in the same round (median over "
        f"rounds); {other} x = the same on {other} time",
        f"{'case':<17} {'contacts':>9} {clock + ' s':>7} {'contacts/s':>10} {'µs/contact':>10} "
        f"{'cost x':>6} {other + ' x':>6} {'events/ct':>9} {'peak RSS MB':>11} "
        f"{'above base':>10}",
    ]
    for name, r in cases.items():
        lines.append(
            f"{name:<17} {r['contacts']:>9,} {r[clock + '_s']:>7.2f} "
            f"{r[clock + '_throughput']:>10,.0f} {r[clock + '_us_per_contact']:>10.2f} "
            f"{r[clock + '_cost']:>6.3f} {r[other + '_cost']:>6.3f} "
            f"{r['events'] / r['contacts']:>9.2f} {r['peak_rss_mb']:>11.1f} "
            f"{r['above_baseline_mb']:>10.1f}"
        )
    lines += [
        "",
        "check (contacts settled after the warm-up):",
        f"  {'case':<17} {'P(abandon)':>10} {'mean wait s':>11} {'callbacks':>9}  answered by",
    ]
    for name, r in cases.items():
        total = sum(r["answered_by"].values()) or 1
        shares = ", ".join(f"{g} {n / total:.1%}" for g, n in r["answered_by"].items() if n)
        lines.append(
            f"  {name:<17} {r['p_abandon']:>10.4f} {r['mean_wait_s']:>11.2f} "
            f"{r['callbacks_accepted']:>9,}  {shares}"
        )
    v = result["verdict"]
    if v["identical"] is not None:
        same = "identical" if v["identical"] else f"DIFFERENT ({', '.join(v['kpis_differing'])})"
        lines += ["", f"{JUDGED} KPIs against {REFERENCE}: {same} ({v['kpis_compared']} KPIs)"]
    if v["cost"] is not None:
        lines.append(
            f"cost per contact ({clock} time) {JUDGED} / {REFERENCE}: {v['cost']:.3f}x "
            f"(target <= {TARGET_COST:g}x) {'PASS' if v['cost_pass'] else 'FAIL'}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(
            "What agent groups and routing cost the engine. The M/M/50+M desk of "
            f"bench_engine.py ({AGENTS} agents, {ARRIVALS_PER_H / 60:g} calls/min, exponential "
            f"AHT {AHT_MIN:g} min and patience {PATIENCE_MIN:g} min) is simulated in several "
            "forms with the same agents, arrivals and load: 'single' (two-tier form, the "
            "reference), 'one_group' (one group with every skill; must give identical KPIs), "
            "'multi_skill' (two types, two specialist groups of 20 and 10 slower generalists, "
            f"immediate overflow), 'multi_skill_delay' (overflow after {OVERFLOW_DELAY_S:g} s) "
            f"and 'callbacks' (offered above {CALLBACK_ABOVE_S:g} s). Each run is a fresh "
            "subprocess; the order rotates between rounds; medians are compared per contact "
            "against 'single': cost x = µs per contact / single's in the same round, median "
            f"over rounds. Target: one_group <= {TARGET_COST:g}x single (the routing layer "
            "costs a desk that does not use it at most 20%); the others are reported, not "
            "judged. Exit status 1 if the target is missed or one_group's KPIs differ. Progress "
            "goes to stderr."
        ),
    )
    parser.add_argument(
        "--contacts",
        type=int,
        default=1_000_000,
        help="contacts to simulate after the warm-up (default 1,000,000; the horizon is rounded "
        "up to whole days, so slightly more are simulated)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="measurements per case; medians reported (default 3; on a shared machine use 5 or "
        "more and read the ratios, not the absolute rates)",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--cases",
        default=",".join(CASES),
        help=f"comma-separated cases to run (default all: {','.join(CASES)}); '{REFERENCE}' is "
        "always run, as the reference",
    )
    parser.add_argument(
        "--clock",
        choices=CLOCKS,
        default="wall",
        help="the time the table and the verdict use: wall (default, as the other benchmarks) "
        "or cpu (the child's process time; steadier when other work shares the cores). Both "
        "ratios are always printed",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--case", choices=CASES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.case is not None:
        print(json.dumps(child(args.case, args.contacts, args.seed)))
        return 0

    wanted = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in wanted if c not in CASES]
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}; choose from {', '.join(CASES)}")
    names = [c for c in CASES if c == REFERENCE or c in wanted]
    runs: dict[str, list[dict]] = {c: [] for c in names}
    for i in range(args.repeats):
        shift = i % len(names)
        for case in names[shift:] + names[:shift]:
            r = measure(case, args.contacts, args.seed)
            runs[case].append(r)
            print(
                f"[{i + 1}/{args.repeats}] {case:<17} {r['contacts']:,} contacts in "
                f"{r['wall_s']:.2f} s = {r['contacts'] / r['wall_s']:,.0f}/s, "
                f"peak RSS {r['peak_rss_mb']:.1f} MB",
                file=sys.stderr,
                flush=True,
            )
    cases = {c: summarise(runs[c], runs[REFERENCE]) for c in names}
    ref = cases[REFERENCE]
    verdict: dict[str, Any] = {
        "identical": None,
        "kpis_differing": [],
        "kpis_compared": 0,
        "cost": None,
        "cost_pass": None,
    }
    if JUDGED in cases:
        differing = kpi_differences(ref["kpis"], cases[JUDGED]["kpis"])
        verdict.update(
            identical=not differing,
            kpis_differing=differing,
            kpis_compared=len(set(ref["kpis"]) | set(cases[JUDGED]["kpis"])),
            cost=cases[JUDGED][f"{args.clock}_cost"],
        )
        verdict["cost_pass"] = verdict["cost"] <= TARGET_COST
    result = {
        "contacts_requested": args.contacts,
        "seed": args.seed,
        "repeats": args.repeats,
        "python": sys.version.split()[0],
        "cases": cases,
        "clock": args.clock,
        "load_average": _load_average(),
        "runs": runs,
        "verdict": verdict,
    }
    print(json.dumps(result, indent=2) if args.json else report(result))
    ok = verdict["identical"] is not False and verdict["cost_pass"] is not False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
