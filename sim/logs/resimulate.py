"""A logged period simulated again, week by week, with the inputs of a validation mode (observed
or forecast volumes, inferred or planned agents: :mod:`sim.logs.plan`; see
:mod:`sim.logs.validation`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from sim.logs.observed import HOURS, N_TALLIES, tally
from sim.logs.plan import DeskInputs, week_scenarios
from sim.model.records import ANSWERED, WAITING
from sim.model.replication import simulate, worker_processes
from sim.model.rng import Streams
from sim.scenario.scenario import Scenario


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
    inputs: DeskInputs,
    dates: Sequence[dt.date],
    scenario: Scenario,
    replications: int,
    seed: int,
    workers: int = 1,
    on_progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Re-simulate the period: totals per replication, day and hour, shape
    ``(replications, days, 24, N_TALLIES)``.

    Args:
        inputs: The re-simulation's inputs (:mod:`sim.logs.plan`).
        dates: The period's days.
        scenario: The calibrated scenario.
        replications: Independent replications of the whole period.
        seed: Master seed; each week draws from its own seed derived from it.
        workers: Worker processes (results do not depend on it).
        on_progress: Called with (jobs done, jobs) after each week replication.
    """
    weeks = week_scenarios(inputs, dates, scenario)
    jobs = [
        (sc, first, _week_seed(seed, first), r, sc.calendar.horizon_days)
        for first, sc in weeks
        for r in range(replications)
    ]
    out = np.zeros((replications, len(dates), HOURS, N_TALLIES))

    def collect(results: Any) -> None:
        for done, (r, first, totals) in enumerate(results, start=1):
            out[r, first : first + len(totals)] += totals
            if on_progress is not None:
                on_progress(done, len(jobs))

    if workers <= 1 or len(jobs) <= 1:
        collect(map(_simulate_week, jobs))
    else:
        with ProcessPoolExecutor(workers, worker_processes(__name__)) as pool:
            collect(pool.map(_simulate_week, jobs))
    return out
