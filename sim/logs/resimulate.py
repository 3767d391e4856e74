"""A logged period simulated again, week by week, with the observed volumes and the inferred agents
as inputs (see :mod:`sim.logs.validation`)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from sim.logs.observed import HOURS, N_TALLIES, Period, tally
from sim.model.records import ANSWERED, WAITING
from sim.model.replication import simulate
from sim.model.rng import Streams
from sim.scenario.desk import WEEKDAYS
from sim.scenario.scenario import Scenario


def week_scenarios(period: Period, scenario: Scenario) -> list[tuple[int, Scenario]]:
    """The period as one scenario per calendar week: (index of its first day, scenario).

    Every weekday of a week carries that day's observed counts per interval and type (as its
    profiles and daily volumes) and that day's inferred agents (as its roster); the handle
    times, patience, wrap-up and service-level definition are the calibrated scenario's.
    """
    base = scenario.model_dump(mode="json", exclude={"customers", "recovery", "economics"})
    roster = period.roster
    out = []
    for first in range(0, len(period.dates), 7):
        days = range(first, min(first + 7, len(period.dates)))
        hours: dict[str, Any] = dict.fromkeys(WEEKDAYS)
        profiles: dict[str, list[float]] = {}
        volumes: dict[str, dict[str, float]] = {t: {} for t in period.type_names}
        profile_of: dict[str, dict[str, str]] = {t: {} for t in period.type_names}
        agents: dict[str, list[int]] = {}
        holidays = []
        for d in days:
            date = period.dates[d]
            w = WEEKDAYS[date.weekday()]
            lo, hi = period.open_slots(d)
            if hi <= lo:
                continue
            hours[w] = {
                "open_h": lo * period.interval_min / 60,
                "close_h": hi * period.interval_min / 60,
            }
            agents[w] = roster[d, lo:hi].tolist()
            counts = period.arrivals[d, :, lo:hi]
            if counts.sum() == 0:
                holidays.append(date.isoformat())
                continue
            for k, t in enumerate(period.type_names):
                volumes[t][w] = float(counts[k].sum())
                if counts[k].sum() > 0:
                    name = f"{t}.{date.isoformat()}"
                    profiles[name] = counts[k].astype(float).tolist()
                    profile_of[t][w] = name
        if not profiles:
            continue
        data = dict(base)
        data["name"] = f"{scenario.name}.week-{period.dates[first].isoformat()}"
        data["calendar"] = {
            "start_date": period.dates[first].isoformat(),
            "horizon_days": len(days),
            "interval_min": period.interval_min,
            "opening_hours": hours,
            "holidays": holidays,
            "peak_days": [],
            "warmup_min": 0.0,
        }
        data["demand"] = base["demand"] | {
            "day_volume_cv": 0.0,
            "profiles": profiles,
            "contact_types": {
                t: base["demand"]["contact_types"][t]
                | {"daily_volume": volumes[t], "profile": profile_of[t]}
                for t in period.type_names
            },
        }
        data["staffing"] = base["staffing"] | {"tier1": {"kind": "by_interval", "agents": agents}}
        out.append((first, Scenario.model_validate(data)))
    return out


def _week_seed(seed: int, first_day: int) -> int:
    """An independent master seed for the week starting at ``first_day``."""
    return int(np.random.SeedSequence([seed, first_day]).generate_state(1, np.uint64)[0] >> 1)


def _simulate_week(
    job: tuple[Scenario, int, int, int, int],
) -> tuple[int, int, np.ndarray]:
    """One replication of one week: (replication, first day, totals per day of the week)."""
    scenario, first, seed, replication, n_days = job
    run = simulate(scenario, Streams(seed, replication))
    c = run.contacts
    phone = (c.tier == 1) & run.is_phone[c.type_code] & (c.outcome != WAITING)
    t = c.arrival_min[phone]
    totals = tally(
        (t // 1440).astype(np.int64),
        ((t % 1440) // 60).astype(np.int64),
        n_days,
        c.outcome[phone] == ANSWERED,
        c.wait_min[phone] * 60.0,
        scenario.service_level,
    )
    return replication, first, totals


def resimulate(
    period: Period,
    scenario: Scenario,
    replications: int,
    seed: int,
    workers: int = 1,
    on_progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Re-simulate the period: totals per replication, day and hour, shape
    ``(replications, days, 24, N_TALLIES)``.

    Args:
        period: The observed period (:func:`observe`).
        scenario: The calibrated scenario.
        replications: Independent replications of the whole period.
        seed: Master seed; each week draws from its own seed derived from it.
        workers: Worker processes (results do not depend on it).
        on_progress: Called with (jobs done, jobs) after each week replication.
    """
    weeks = week_scenarios(period, scenario)
    jobs = [
        (sc, first, _week_seed(seed, first), r, sc.calendar.horizon_days)
        for first, sc in weeks
        for r in range(replications)
    ]
    out = np.zeros((replications, len(period.dates), HOURS, N_TALLIES))

    def collect(results: Any) -> None:
        for done, (r, first, totals) in enumerate(results, start=1):
            out[r, first : first + len(totals)] += totals
            if on_progress is not None:
                on_progress(done, len(jobs))

    if workers <= 1 or len(jobs) <= 1:
        collect(map(_simulate_week, jobs))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            collect(pool.map(_simulate_week, jobs))
    return out
