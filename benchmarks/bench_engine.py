"""Engine throughput and peak memory against a textbook SimPy M/M/n+M loop.

Both engines simulate the same stationary Erlang A desk (M/M/50+M): 50 agents, exponential handle
time (mean 5 min), exponential patience (mean 10 min), 9.5 calls/min (offered load 0.95 per agent),
over the horizon :meth:`sim.experiments.erlang_check.StationaryDesk.scenario` builds for
``--contacts`` calls
(whole days, warm-up included, so slightly more contacts are simulated than asked for).

* **ours**: ``Desk(scenario, Streams(seed, 0)).run()``, the full engine (calls scheduled on
  SimPy's event heap, columnar records). ``sim.measures.metrics.replication_kpis`` is timed
  separately as the post-processing cost; it is not part of the headline throughput.
* **textbook**: the classic SimPy pattern written as people usually write it, see
  :func:`textbook_desk`.

Each measurement runs in a fresh subprocess (the script re-invokes itself with ``--engine``), so
peak memory is per engine. The child reports the contacts simulated (every arrival before the
horizon), the wall time, and its peak resident set size just after its imports (baseline) and
after the simulation (peak); see :func:`rss_mb`. Each engine is measured ``--repeats`` times in
alternating order and the medians are compared. Both engines' P(abandon) and mean wait are printed
next to the exact Erlang A values as a check that the two simulate the same system.

Targets: ours at least 5x the textbook throughput; our peak RSS below 200 MB for 1M contacts
(whole process, imports included). The exit status is 1 if either target is missed.

Usage::

    python benchmarks/bench_engine.py [--contacts 1000000] [--repeats 3] [--seed 1] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Generator
from typing import Any

AGENTS = 50
AHT_MIN = 5.0
PATIENCE_MIN = 10.0
ARRIVALS_PER_H = 570.0  # 9.5 calls/min: offered load 9.5 x 5 / 50 = 0.95 per agent
SL_SECONDS = 20.0

TARGET_SPEEDUP = 5.0
TARGET_PEAK_MB = 200.0


def rss_mb() -> float:
    """Peak resident set size of this process so far, MB.

    On Linux this is ``VmHWM`` from ``/proc/self/status``: ``ru_maxrss`` would do, except that it
    survives ``execve`` and a child started by ``subprocess`` (vfork + exec) begins with its
    parent's peak RSS, which would make every child look as big as the driver. Elsewhere it falls
    back to ``ru_maxrss`` (KB on Linux, bytes on macOS; the driver process is kept out of it there
    only approximately).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / 1024.0 / (1024.0 if sys.platform == "darwin" else 1.0)


def queue_stats(
    arrival: object, wait: object, answered: object, warmup_min: float
) -> dict[str, float]:
    """P(abandon), mean wait and ASA (minutes) of callers settled after the warm-up."""
    import numpy as np

    arrival = np.asarray(arrival, dtype=float)
    wait = np.asarray(wait, dtype=float)
    answered = np.asarray(answered, dtype=bool)
    keep = arrival >= warmup_min
    wait, answered = wait[keep], answered[keep]
    return {
        "settled": int(keep.sum()),
        "p_abandon": float(1.0 - answered.mean()),
        "mean_wait_min": float(wait.mean()),
        "asa_min": float(wait[answered].mean()),
    }


# --- the textbook reference ----------------------------------------------------------------------


def textbook_desk(horizon_min: float, seed: int) -> tuple[int, list, list, list, int]:
    """M/M/n+M the way the SimPy documentation and most tutorials write it.

    A ``simpy.Resource`` of agents; a source process drawing exponential inter-arrival times; one
    generator process per caller that requests an agent and races the request against a patience
    timeout (``yield req | env.timeout(patience)``). Answered callers hold the agent for an
    exponential handle time; the ``with`` block releases the agent, or cancels the request of a
    caller who gave up. Random numbers are scalar draws from a numpy ``Generator``; each settled
    caller's arrival time, wait and outcome are appended to Python lists.

    Returns:
        ``(callers arrived, arrival times, waits, answered flags, events scheduled)``.
    """
    import numpy as np
    import simpy

    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=AGENTS)
    mean_interarrival = 60.0 / ARRIVALS_PER_H
    arrivals: list[float] = []
    waits: list[float] = []
    answered: list[bool] = []
    arrived = 0

    def caller(env: simpy.Environment) -> Generator[simpy.Event, Any, None]:
        arrive = env.now
        patience = rng.exponential(PATIENCE_MIN)
        with agents.request() as req:
            result = yield req | env.timeout(patience)
            arrivals.append(arrive)
            waits.append(env.now - arrive)
            if req in result:
                answered.append(True)
                yield env.timeout(rng.exponential(AHT_MIN))
            else:
                answered.append(False)  # leaving the with block cancels the request

    def source(env: simpy.Environment) -> Generator[simpy.Event, Any, None]:
        nonlocal arrived
        while True:
            yield env.timeout(rng.exponential(mean_interarrival))
            arrived += 1
            env.process(caller(env))

    env.process(source(env))
    env.run(until=horizon_min)
    # An arrival scheduled exactly at the horizon is not processed: count started callers only.
    return arrived, arrivals, waits, answered, next(env._eid)


# --- one measurement, in a fresh process ---------------------------------------------------------


def child_textbook(horizon_min: float, warmup_min: float, seed: int) -> dict:
    import numpy  # noqa: F401 - baseline includes the engine's imports
    import simpy  # noqa: F401

    baseline = rss_mb()
    started = time.perf_counter()
    contacts, arrivals, waits, answered, events = textbook_desk(horizon_min, seed)
    wall = time.perf_counter() - started
    peak = rss_mb()
    return {
        "engine": "textbook",
        "contacts": contacts,
        "wall_s": wall,
        "events": events,
        "baseline_rss_mb": baseline,
        "peak_rss_mb": peak,
        **queue_stats(arrivals, waits, answered, warmup_min),
    }


def child_ours(contacts: int, seed: int) -> dict:
    from sim.experiments.erlang_check import StationaryDesk
    from sim.measures.metrics import replication_kpis
    from sim.model.desk import Desk
    from sim.model.records import ABANDONED, ANSWERED
    from sim.model.rng import Streams

    baseline = rss_mb()
    scenario = StationaryDesk(ARRIVALS_PER_H, AGENTS, AHT_MIN, PATIENCE_MIN, SL_SECONDS).scenario(
        contacts
    )
    started = time.perf_counter()
    desk = Desk(scenario, Streams(seed, 0))
    run = desk.run()
    wall = time.perf_counter() - started
    peak = rss_mb()
    started = time.perf_counter()
    kpis = replication_kpis(run, scenario)
    kpis_s = time.perf_counter() - started
    c = run.contacts
    settled = (c.outcome == ANSWERED) | (c.outcome == ABANDONED)
    return {
        "engine": "ours",
        "contacts": len(c),
        "wall_s": wall,
        "events": next(desk.env._eid),
        "baseline_rss_mb": baseline,
        "peak_rss_mb": peak,
        "kpis_s": kpis_s,
        "peak_rss_after_kpis_mb": rss_mb(),
        "kpis_abandon_rate": kpis["abandon_rate"],
        **queue_stats(
            c.arrival_min[settled],
            c.wait_min[settled],
            c.outcome[settled] == ANSWERED,
            scenario.calendar.warmup_min,
        ),
    }


# --- the driver ----------------------------------------------------------------------------------


def horizon_of(contacts: int) -> tuple[float, float]:
    """Horizon and warm-up (minutes) of our stationary scenario for ``contacts`` calls."""
    from sim.experiments.erlang_check import StationaryDesk

    s = StationaryDesk(ARRIVALS_PER_H, AGENTS, AHT_MIN, PATIENCE_MIN, SL_SECONDS).scenario(contacts)
    return s.calendar.horizon_days * 1440.0, s.calendar.warmup_min


def measure(engine: str, contacts: int, seed: int, horizon_min: float, warmup_min: float) -> dict:
    """Run one engine in a fresh interpreter and parse its JSON line."""
    cmd = [
        sys.executable,
        __file__,
        "--engine",
        engine,
        "--contacts",
        str(contacts),
        "--seed",
        str(seed),
        "--horizon-min",
        repr(horizon_min),
        "--warmup-min",
        repr(warmup_min),
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def summarise(runs: list[dict]) -> dict:
    """Medians over repeats (contacts and event counts are identical across repeats)."""
    keys = [k for k, v in runs[0].items() if isinstance(v, (int, float))]
    med = {k: statistics.median(r[k] for r in runs) for k in keys}
    med["engine"] = runs[0]["engine"]
    med["contacts"] = runs[0]["contacts"]
    med["throughput"] = statistics.median(r["contacts"] / r["wall_s"] for r in runs)
    med["wall_s_all"] = [round(r["wall_s"], 3) for r in runs]
    med["above_baseline_mb"] = statistics.median(
        r["peak_rss_mb"] - r["baseline_rss_mb"] for r in runs
    )
    return med


def report(result: dict) -> str:
    """The human-readable table, checks and verdicts."""
    rows = [result["ours"], result["textbook"]]
    exact = result["erlang_a"]
    lines = [
        f"M/M/{AGENTS}+M, lambda = {ARRIVALS_PER_H / 60:g}/min, AHT {AHT_MIN:g} min, "
        f"patience {PATIENCE_MIN:g} min, horizon {result['horizon_min']:g} min, "
        f"seed {result['seed']}, median of {result['repeats']} runs each",
        "",
        f"{'engine':<9} {'contacts':>9} {'wall s':>7} {'contacts/s':>10} {'events/ct':>9} "
        f"{'peak RSS MB':>11} {'above base MB':>13}",
    ]
    for r in rows:
        lines.append(
            f"{r['engine']:<9} {r['contacts']:>9,} {r['wall_s']:>7.2f} {r['throughput']:>10,.0f} "
            f"{r['events'] / r['contacts']:>9.2f} {r['peak_rss_mb']:>11.1f} "
            f"{r['above_baseline_mb']:>13.1f}"
        )
    ours = result["ours"]
    lines += [
        "",
        f"post-processing (replication_kpis): {ours['kpis_s']:.2f} s, "
        f"peak RSS after it {ours['peak_rss_after_kpis_mb']:.1f} MB",
        "",
        "check (callers settled after the warm-up):",
        f"{'':<9} {'P(abandon)':>10} {'mean wait s':>11} {'ASA s':>7}",
    ]
    for name, r in (("exact", exact), ("ours", ours), ("textbook", result["textbook"])):
        lines.append(
            f"{name:<9} {r['p_abandon']:>10.4f} {r['mean_wait_min'] * 60:>11.2f} "
            f"{r['asa_min'] * 60:>7.2f}"
        )
    v = result["verdict"]
    lines += [
        "",
        f"throughput ours / textbook: {v['speedup']:.2f}x (target >= {TARGET_SPEEDUP}x) "
        f"{'PASS' if v['speedup_pass'] else 'FAIL'}",
        "  each round's own ratio (its two runs back to back): "
        + ", ".join(f"{r:.2f}x" for r in v["round_speedups"]),
        f"peak RSS ours: {ours['peak_rss_mb']:.1f} MB (target < {TARGET_PEAK_MB:g} MB) "
        f"{'PASS' if v['memory_pass'] else 'FAIL'}",
        f"peak RSS ours / textbook: {v['memory_ratio']:.2f}; above baseline: "
        f"{v['above_baseline_ratio']:.2f}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(
            "Simulation throughput (contacts/s) and peak memory (peak RSS) of our engine against "
            "a textbook SimPy M/M/n+M loop (Resource + request | timeout, one process per caller) "
            f"on the same Erlang A desk: {AGENTS} agents, exponential AHT {AHT_MIN:g} min and "
            f"patience {PATIENCE_MIN:g} min, {ARRIVALS_PER_H / 60:g} calls/min. Each run is a "
            "fresh subprocess; engines alternate; medians are compared. Progress goes to stderr. "
            f"Targets: >= {TARGET_SPEEDUP}x the textbook throughput and peak RSS < "
            f"{TARGET_PEAK_MB:g} MB; exit status 1 if either is missed."
        ),
    )
    parser.add_argument(
        "--contacts",
        type=int,
        default=1_000_000,
        help="contacts to simulate after the warm-up (default 1,000,000; the "
        "horizon is rounded up to whole days)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="measurements per engine; medians reported (default 3)",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--engine", choices=("ours", "textbook"), help=argparse.SUPPRESS)
    parser.add_argument("--horizon-min", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--warmup-min", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.engine == "ours":
        print(json.dumps(child_ours(args.contacts, args.seed)))
        return 0
    if args.engine == "textbook":
        if args.horizon_min is None or args.warmup_min is None:
            args.horizon_min, args.warmup_min = horizon_of(args.contacts)
        print(json.dumps(child_textbook(args.horizon_min, args.warmup_min, args.seed)))
        return 0

    from sim.queueing import erlang_a_kpis

    horizon_min, warmup_min = horizon_of(args.contacts)
    runs: dict[str, list[dict]] = {"ours": [], "textbook": []}
    for i in range(args.repeats):
        order = ("ours", "textbook") if i % 2 == 0 else ("textbook", "ours")
        for engine in order:
            r = measure(engine, args.contacts, args.seed, horizon_min, warmup_min)
            runs[engine].append(r)
            print(
                f"[{i + 1}/{args.repeats}] {engine:<8} {r['contacts']:,} contacts in "
                f"{r['wall_s']:.2f} s = {r['contacts'] / r['wall_s']:,.0f}/s, "
                f"peak RSS {r['peak_rss_mb']:.1f} MB",
                file=sys.stderr,
                flush=True,
            )
    ours, textbook = summarise(runs["ours"]), summarise(runs["textbook"])
    exact = erlang_a_kpis(ARRIVALS_PER_H / 60.0, AGENTS, AHT_MIN, PATIENCE_MIN, SL_SECONDS)
    speedup = ours["throughput"] / textbook["throughput"]
    round_speedups = [  # each round's two runs were back to back: the spread shows the noise
        (o["contacts"] / o["wall_s"]) / (t["contacts"] / t["wall_s"])
        for o, t in zip(runs["ours"], runs["textbook"], strict=True)
    ]
    result = {
        "contacts_requested": args.contacts,
        "horizon_min": horizon_min,
        "warmup_min": warmup_min,
        "seed": args.seed,
        "repeats": args.repeats,
        "python": sys.version.split()[0],
        "ours": ours,
        "textbook": textbook,
        "runs": runs,
        "erlang_a": {
            "p_abandon": exact.p_abandon,
            "mean_wait_min": exact.mean_wait_min,
            "asa_min": exact.asa_min,
        },
        "verdict": {
            "speedup": speedup,
            "round_speedups": round_speedups,
            "speedup_pass": speedup >= TARGET_SPEEDUP,
            "memory_pass": ours["peak_rss_mb"] < TARGET_PEAK_MB,
            "memory_ratio": ours["peak_rss_mb"] / textbook["peak_rss_mb"],
            "above_baseline_ratio": ours["above_baseline_mb"] / textbook["above_baseline_mb"],
        },
    }
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0 if result["verdict"]["speedup_pass"] and result["verdict"]["memory_pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
