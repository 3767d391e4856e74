"""Scaling law of the engine: time and memory per contact against the team size and the horizon.

A replication's cost should be linear in the contacts it simulates, whatever the size of the team
and however long the horizon: time and memory per contact flat in both. Any super-linear term (a
scan over the agents per contact, a list that is searched or copied as it grows, a record kept
per event) is a bug to find. Two series of the stationary Erlang A desk (M/M/n+M: exponential
handle time, mean 5 min; exponential patience, mean 10 min; one queue open around the clock):

* **A, team size**: ``--agents`` (default 5, 50, 500 and 5,000 agents) at the same offered load per
  agent (0.95: the arrival rate scales with the agents) and the same ``--contacts`` (default 1M);
* **B, horizon**: 50 agents and ``--horizons`` contacts (default 100k, 1M and 10M).

The desk is :class:`sim.experiments.erlang_check.StationaryDesk`'s, built here rather than by it
(:func:`stationary_scenario`), for three reasons found at the sizes this benchmark needs:

* ``StationaryDesk.scenario`` rounds the horizon up to whole days, warm-up included: at 500
  agents and 100k contacts it simulates 2.7 times the contacts asked for. Here ``--contacts`` and
  ``--horizons`` count every contact simulated, warm-up included, and a horizon of a week or
  less ends on a short last day (open to the next whole hour, the arrival rate of its last hour
  cut to what is needed); a longer horizon is whole days (at most a seventh more);
* its warm-up (100 mean handle times: 500 min, 475,000 calls at 5,000 agents) is capped here at
  a fifth of the horizon (a many-server desk started empty fills within a few handle times);
* it cannot build 5,000 agents at all: a contact type may forecast at most a million contacts a
  day and 5,000 agents at 0.95 load take 1.37M. The arrivals are split into identical call types
  (the same channel, priority and route, so one FCFS queue: the same M/M/n+M), the same number at
  every point of a run (``--call-types``; by default the fewest the largest team needs).

Each point runs in a fresh subprocess (the script re-invokes itself with ``--point``), which
reports:

* the contacts simulated (every arrival before the horizon, warm-up included) and the events
  scheduled per contact;
* µs per contact of ``Desk(scenario, Streams(seed, 0)).run()``, wall and CPU time;
* bytes per contact: the peak resident set size (``VmHWM``) above the one just after the imports,
  after the run and again after ``sim.measures.metrics.replication_kpis(run, scenario)``;
* P(abandon) of the callers settled after the warm-up, next to the exact Erlang A value, as a
  check that each point simulates the desk it says.

Per series, the ratio of the largest to the smallest µs per contact and bytes per contact is
printed and flagged SUPER-LINEAR? above ``--flag-ratio`` (default 1.3) unless the largest is at
the series' smallest point (a cost that only falls with size). The flag is a prompt to profile,
not a failure: the exit status is 0 whenever every point ran. Bytes per contact at small
horizons carry the allocator's fixed overheads (arenas, the scenario, SimPy's heap), so they are
expected to fall a little with the horizon, not to rise.

Usage::

    python benchmarks/bench_scaling.py [--contacts 1000000] [--agents 5,50,500,5000]
        [--horizons 100000,1000000,10000000] [--series A,B] [--repeats 1] [--seed 1]
        [--flag-ratio 1.3] [--call-types N] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import subprocess
import sys
import time

LOAD = 0.95  # offered load per agent
AHT_MIN = 5.0
PATIENCE_MIN = 10.0
SL_SECONDS = 20.0
HORIZON_AGENTS = 50  # the team of series B
START_DATE = "2027-01-04"  # a Monday
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def peak_rss_bytes() -> int:
    """Peak resident set size of this process so far, bytes (``VmHWM`` on Linux, which a child
    does not inherit from its parent, unlike ``ru_maxrss``; see ``bench_engine.rss_mb``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss if sys.platform == "darwin" else maxrss * 1024


def arrivals_per_min(agents: int) -> float:
    return LOAD * agents / AHT_MIN


def warmup_min(contacts: int, agents: int) -> float:
    """:meth:`StationaryDesk.scenario`'s warm-up (100 mean handle times, or 20 mean patience times
    if longer), but at most a fifth of the horizon: a big team at a short horizon would otherwise
    spend most of its contacts warming up (a many-server desk started empty fills within a few
    mean handle times)."""
    rule = max(100.0 * AHT_MIN, 20.0 * PATIENCE_MIN)
    return min(rule, contacts / arrivals_per_min(agents) / 5.0)


def call_types(agents: int) -> int:
    """Identical call types the arrivals are split into: a contact type may forecast at most
    ``MAX_DAILY_VOLUME`` contacts a day (a million), which one type of 5,000 agents at 0.95 load
    exceeds (1.37M a day). They share a channel, a priority and a route, so they wait in one FCFS
    queue: the desk is the same M/M/n+M."""
    from sim.scenario.desk import MAX_DAILY_VOLUME

    return math.ceil(arrivals_per_min(agents) * 1440.0 / MAX_DAILY_VOLUME)


def stationary_scenario(agents: int, contacts: int, types: int = 1) -> dict:
    """The M/M/``agents``+M desk simulating about ``contacts`` calls (warm-up included), as
    scenario data, its arrivals split into ``types`` identical call types.

    As ``StationaryDesk(...).scenario``, except that the warm-up is at most a fifth of the horizon
    and that a horizon of at most a week ends on a short last day: open to the first whole hour
    after the ``contacts``-th expected call, the arrival rate of its last hour cut to the fraction
    of it needed. A longer horizon is whole days (at most a seventh more contacts than asked for).
    """
    rate = arrivals_per_min(agents)
    total_min = contacts / rate
    days = math.ceil(total_min / 1440.0)
    per_day = rate * 1440.0 / types
    opening = {d: {"open_h": 0, "close_h": 24} for d in WEEKDAYS}
    volume = dict.fromkeys(WEEKDAYS, per_day)
    profile = dict.fromkeys(WEEKDAYS, "flat")
    profiles = {"flat": [1.0] * 24}
    if days <= len(WEEKDAYS):
        last_min = total_min - (days - 1) * 1440.0
        hours = math.ceil(last_min / 60.0)
        if last_min < 1440.0:
            last = WEEKDAYS[days - 1]  # the horizon starts on a Monday: each weekday at most once
            fraction = last_min / 60.0 - (hours - 1)
            opening[last] = {"open_h": 0, "close_h": hours}
            volume[last] = rate * last_min / types
            profile[last] = "last_day"
            profiles["last_day"] = [1.0] * (hours - 1) + [fraction]
    call = {
        "channel": "phone",
        "priority": 1,
        "profile": profile,
        "daily_volume": volume,
        "handle_time": {"kind": "exponential", "mean_min": AHT_MIN},
        "patience": {"kind": "exponential", "mean_min": PATIENCE_MIN},
        "retrial": {"probability": 0},
        "resolution": {"first_contact_prob": 1.0},
    }
    names = ["call"] if types == 1 else [f"call_{i + 1}" for i in range(types)]
    return {
        "name": f"scaling-{agents}-agents",
        "description": "Stationary M/M/n+M desk for the scaling benchmark.",
        "calendar": {
            "start_date": START_DATE,
            "horizon_days": days,
            "interval_min": 60,
            "opening_hours": opening,
            "warmup_min": warmup_min(contacts, agents),
        },
        "demand": {
            "day_volume_cv": 0,
            "profiles": profiles,
            "contact_types": {name: dict(call) for name in names},
        },
        "staffing": {
            "tier1": {"kind": "fixed", "agents": agents},
            "tier2": {"kind": "fixed", "agents": 0},
        },
        "service_level": {"threshold_s": SL_SECONDS},
    }


def stationary_desk_overshoot(agents: int, contacts: int) -> float:
    """Contacts ``StationaryDesk.scenario(contacts)`` would simulate (warm-up included), over the
    contacts asked for: what whole days cost at this arrival rate."""
    from sim.experiments.erlang_check import StationaryDesk

    rate = arrivals_per_min(agents)
    desk = StationaryDesk(rate * 60.0, agents, AHT_MIN, PATIENCE_MIN, SL_SECONDS)
    warmup = max(100.0 * AHT_MIN, 20.0 * PATIENCE_MIN)
    days = math.ceil((warmup + contacts / rate) / 1440.0)  # as desk.scenario(contacts) sizes it
    try:
        desk.scenario(contacts)
    except ValueError:
        return math.nan  # it cannot build this desk at all (a type's daily volume over the cap)
    return days * 1440.0 * rate / contacts


# --- one point, in a fresh process ---------------------------------------------------------------


def child(agents: int, contacts: int, types: int, seed: int) -> dict:
    import numpy as np

    from sim.measures.metrics import replication_kpis
    from sim.model.desk import Desk
    from sim.model.records import ABANDONED, ANSWERED
    from sim.model.rng import Streams
    from sim.queueing import erlang_a_kpis
    from sim.scenario.scenario import Scenario

    baseline = peak_rss_bytes()
    scenario = Scenario.model_validate(stationary_scenario(agents, contacts, types))
    wall0, cpu0 = time.perf_counter(), time.process_time()
    desk = Desk(scenario, Streams(seed, 0))
    run = desk.run()
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    peak_run = peak_rss_bytes()
    wall0 = time.perf_counter()
    replication_kpis(run, scenario)
    kpis_s = time.perf_counter() - wall0
    peak_kpis = peak_rss_bytes()

    c = run.contacts
    n = len(c)
    keep = (c.arrival_min >= scenario.calendar.warmup_min) & (
        (c.outcome == ANSWERED) | (c.outcome == ABANDONED)
    )
    exact = erlang_a_kpis(arrivals_per_min(agents), agents, AHT_MIN, PATIENCE_MIN, SL_SECONDS)
    return {
        "agents": agents,
        "contacts_asked": contacts,
        "call_types": types,
        "horizon_days": scenario.calendar.horizon_days,
        "warmup_min": scenario.calendar.warmup_min,
        "contacts": n,
        "events_per_contact": next(desk.env._eid) / n,
        "wall_s": wall,
        "cpu_s": cpu,
        "us_per_contact_wall": wall / n * 1e6,
        "us_per_contact_cpu": cpu / n * 1e6,
        "kpis_s": kpis_s,
        "baseline_rss_bytes": baseline,
        "peak_rss_bytes": peak_run,
        "peak_rss_after_kpis_bytes": peak_kpis,
        "bytes_per_contact": (peak_run - baseline) / n,
        "bytes_per_contact_after_kpis": (peak_kpis - baseline) / n,
        "p_abandon": float(np.mean(c.outcome[keep] == ABANDONED)),
        "p_abandon_exact": exact.p_abandon,
    }


# --- the driver ----------------------------------------------------------------------------------


def measure(agents: int, contacts: int, types: int, seed: int) -> dict:
    """Run one point in a fresh interpreter and parse its JSON line."""
    point = f"{agents},{contacts},{types}"
    cmd = [sys.executable, __file__, "--point", point, "--seed", str(seed)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def median_point(runs: list[dict]) -> dict:
    """Medians of the measurements of one point over its repeats (the contacts, events and
    P(abandon) are identical across repeats: same seed)."""
    point = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, float):
            point[key] = statistics.median(r[key] for r in runs)
    point["repeats"] = len(runs)
    point["us_per_contact_cpu_all"] = [round(r["us_per_contact_cpu"], 3) for r in runs]
    return point


METRICS = (
    ("us_per_contact_wall", "µs/contact (wall)"),
    ("us_per_contact_cpu", "µs/contact (CPU)"),
    ("bytes_per_contact", "bytes/contact (run)"),
    ("bytes_per_contact_after_kpis", "bytes/contact (after KPIs)"),
)


def ratios(points: list[dict], flag_ratio: float) -> dict[str, dict]:
    """Largest over smallest of each per-contact measure across a series (its points in order of
    size), where the largest is, and whether to flag it: above ``flag_ratio`` with the largest
    value past the smallest point (a cost per contact that only falls with size is fixed costs
    being spread, not super-linear growth)."""
    out = {}
    for key, _ in METRICS:
        values = [p[key] for p in points]
        low, high = min(values), max(values)
        ratio = high / low if low > 0 else math.inf
        at = values.index(high)
        out[key] = {
            "ratio": ratio,
            "grows": at > 0,
            "flag": len(values) > 1 and ratio > flag_ratio and at > 0,
            "largest_at": {k: points[at][k] for k in ("agents", "contacts")},
        }
    return out


def report(result: dict) -> str:
    lines = [
        f"M/M/n+M, load {LOAD:g} per agent, AHT {AHT_MIN:g} min, patience {PATIENCE_MIN:g} min, "
        f"seed {result['seed']}, median of {result['repeats']} run(s), one fresh process each; "
        f"arrivals split into {result['call_types']} identical call type(s) at every point",
        "contacts: simulated, warm-up included; SD x: the contacts StationaryDesk.scenario would "
        "simulate over those asked (nan: it cannot build the desk)",
    ]
    header = (
        f"{'agents':>6} {'asked':>10} {'days':>5} {'warm-up':>7} {'contacts':>10} {'SD x':>5} "
        f"{'ev/ct':>6} "
        f"{'wall µs/ct':>10} {'CPU µs/ct':>9} {'B/ct run':>8} {'B/ct KPIs':>9} "
        f"{'KPIs s':>6} {'P(ab)':>7} {'exact':>7}"
    )
    titles = {
        "A": f"A: team size, {result['contacts']:,} contacts each",
        "B": f"B: horizon, {HORIZON_AGENTS} agents",
    }
    for name, series in result["series"].items():
        lines += ["", titles[name], header]
        for p in series["points"]:
            lines.append(
                f"{p['agents']:>6,} {p['contacts_asked']:>10,} {p['horizon_days']:>5} "
                f"{p['warmup_min']:>7.0f} {p['contacts']:>10,} "
                f"{p['stationary_desk_overshoot']:>5.2f} {p['events_per_contact']:>6.2f} "
                f"{p['us_per_contact_wall']:>10.2f} {p['us_per_contact_cpu']:>9.2f} "
                f"{p['bytes_per_contact']:>8.1f} {p['bytes_per_contact_after_kpis']:>9.1f} "
                f"{p['kpis_s']:>6.2f} {p['p_abandon']:>7.4f} {p['p_abandon_exact']:>7.4f}"
            )
        for key, label in METRICS:
            r = series["ratios"][key]
            if r["flag"]:
                flag = f"  SUPER-LINEAR? (> {result['flag_ratio']:g}, largest at the bigger end)"
            elif not r["grows"] and r["ratio"] > result["flag_ratio"]:
                flag = "  (falls with size: fixed costs spread)"
            else:
                flag = ""
            lines.append(f"  largest / smallest {label}: {r['ratio']:.2f}{flag}")
    return "\n".join(lines)


def int_list(text: str) -> list[int]:
    return [int(float(x)) for x in text.split(",") if x.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(
            "Time (µs per contact, wall and CPU) and peak memory (bytes per contact above the "
            "post-import RSS) of one replication of a stationary M/M/n+M desk, against the team "
            "size (series A, same load per agent and contacts) and the horizon (series B, "
            f"{HORIZON_AGENTS} agents). Both should be flat; a largest/smallest ratio above "
            "--flag-ratio is flagged (not failed). One fresh subprocess per point; progress on "
            "stderr."
        ),
    )
    parser.add_argument(
        "--contacts",
        type=int,
        default=1_000_000,
        help="contacts simulated (warm-up included) at each point of series A (default 1,000,000)",
    )
    parser.add_argument(
        "--agents",
        type=int_list,
        default=[5, 50, 500, 5000],
        help="teams of series A, comma-separated (default 5,50,500,5000)",
    )
    parser.add_argument(
        "--horizons",
        type=int_list,
        default=[100_000, 1_000_000, 10_000_000],
        help="contacts simulated (warm-up included) at each point of series B, comma-separated "
        "(default 100000,1000000,10000000)",
    )
    parser.add_argument(
        "--series", default="A,B", help="the series to run: A, B or A,B (default A,B)"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="measurements of each point, in rounds over the series; medians reported (default 1)",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--flag-ratio",
        type=float,
        default=1.3,
        help="flag a series whose largest/smallest per-contact measure is above this (default 1.3)",
    )
    parser.add_argument(
        "--call-types",
        type=int,
        help="identical call types to split the arrivals into at every point (default: the "
        "fewest that keep the largest team's daily volume per type under the schema's cap: 2 "
        "for 5,000 agents)",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--point", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.point:
        agents, contacts, types = int_list(args.point)
        print(json.dumps(child(agents, contacts, types, args.seed)))
        return 0

    plan = {
        "A": [(a, args.contacts) for a in sorted(args.agents)],
        "B": [(HORIZON_AGENTS, h) for h in sorted(args.horizons)],
    }
    chosen = [s.strip().upper() for s in args.series.split(",") if s.strip()]
    types = max(call_types(a) for name in chosen for a, _ in plan[name])
    if args.call_types is not None:
        if args.call_types < types:
            parser.error(f"--call-types: these teams need at least {types}")
        types = args.call_types
    result: dict = {
        "seed": args.seed,
        "contacts": args.contacts,
        "flag_ratio": args.flag_ratio,
        "repeats": args.repeats,
        "call_types": types,
        "python": sys.version.split()[0],
        "series": {},
    }
    for name in chosen:
        runs: list[list[dict]] = [[] for _ in plan[name]]
        for i in range(args.repeats):  # rounds over the points, so that drift hits them all
            for j, (agents, contacts) in enumerate(plan[name]):
                p = measure(agents, contacts, types, args.seed)
                runs[j].append(p)
                print(
                    f"[{name} {i + 1}/{args.repeats}] {agents:,} agents, {p['contacts']:,} "
                    f"contacts: {p['us_per_contact_cpu']:.2f} µs/contact CPU, "
                    f"{p['us_per_contact_wall']:.2f} wall, "
                    f"{p['bytes_per_contact']:.1f} bytes/contact",
                    file=sys.stderr,
                    flush=True,
                )
        points = [median_point(r) for r in runs]
        for p in points:
            p["stationary_desk_overshoot"] = stationary_desk_overshoot(
                p["agents"], p["contacts_asked"]
            )
        result["series"][name] = {"points": points, "ratios": ratios(points, args.flag_ratio)}
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
