"""Replications: run a scenario several times with independent random streams and summarise.

A replication is a pure function of ``(scenario, seed, replication index)``: its random streams
are derived from those three (see :mod:`sim.model.rng`), so results are identical whether
replications run one after another or spread over worker processes.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, MutableSequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as NotYet
from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from sim.measures.estimates import Estimate, StandardResult, scorecard, summarise
from sim.measures.groups import group_kpis
from sim.measures.metrics import interval_table, replication_kpis
from sim.measures.value import customer_kpis
from sim.measures.workforce import workforce_daily, workforce_kpis
from sim.model.records import ContactTable, CustomerRun, DeskRun
from sim.model.replication import simulate, worker_processes
from sim.model.rng import Streams
from sim.scenario.scenario import Scenario


@dataclass(frozen=True)
class ReplicationResult:
    """What one replication produced."""

    replication: int
    kpis: dict[str, float]
    intervals: dict[str, np.ndarray]
    workforce: dict[str, np.ndarray] | None
    """Per day, the people at the desk (with a workforce section)."""
    contacts: ContactTable
    customers: CustomerRun | None
    type_names: tuple[str, ...]
    group_names: tuple[str, ...]
    wall_s: float


POLL_S = 0.5
"""How often a run with progress looks at how far its replications are."""

_WORKER: dict[str, MutableSequence[int] | None] = {"days": None}
"""In a worker process, under ``days``: the days each replication of the run has simulated (an
array shared with the parent, one slot per replication), or None when nobody follows progress."""


def run_replication(
    scenario: Scenario, seed: int, replication: int, on_day: Callable[[int], None] | None = None
) -> ReplicationResult:
    """Simulate one replication of ``scenario`` (``on_day``: told the days simulated so far)."""
    started = time.perf_counter()
    run = simulate(scenario, Streams(seed, replication), on_day)
    kpis, intervals, workforce = post_process(run, scenario)
    return ReplicationResult(
        replication=replication,
        kpis=kpis,
        intervals=intervals,
        workforce=workforce,
        contacts=run.contacts,
        customers=run.customers,
        type_names=run.type_names,
        group_names=run.group_names,
        wall_s=time.perf_counter() - started,
    )


def post_process(
    run: DeskRun, scenario: Scenario
) -> tuple[dict[str, float], dict[str, np.ndarray], dict[str, np.ndarray] | None]:
    """A replication's measures from its records: every KPI (headline, by group, of the
    workforce and of the customers), the interval table and the workforce's daily table."""
    kpis = (
        replication_kpis(run, scenario)
        | group_kpis(run, scenario)
        | workforce_kpis(run, scenario)
        | customer_kpis(run, scenario)
    )
    return kpis, interval_table(run, scenario), workforce_daily(run, scenario)


@dataclass(frozen=True)
class ScenarioResult:
    """A scenario's replications, summarised."""

    scenario: Scenario
    seed: int
    replications: int
    per_replication: list[dict[str, float]]
    summary: dict[str, Estimate]
    scorecard: list[StandardResult]
    wall_s: float

    def extended(self, more: ScenarioResult) -> ScenarioResult:
        """This result with the replications of ``more`` (the next indices, same seed) added."""
        per_rep = [*self.per_replication, *more.per_replication]
        summary = summarise(per_rep)
        return dataclasses.replace(
            self,
            replications=len(per_rep),
            per_replication=per_rep,
            summary=summary,
            scorecard=scorecard(self.scenario, summary),
            wall_s=self.wall_s + more.wall_s,
        )

    @property
    def contacts_simulated(self) -> int:
        """Contact rows simulated over all replications."""
        return int(sum(r["contacts_simulated"] for r in self.per_replication))


def iter_replications(
    scenario: Scenario,
    seed: int,
    indices: range,
    workers: int = 1,
    days: MutableSequence[int] | None = None,
    poll: Callable[[], None] | None = None,
) -> Iterator[ReplicationResult]:
    """Yield the replications ``indices`` in order, computed in ``workers`` processes.

    With ``days`` (a shared array, one slot per replication: ``multiprocessing.RawArray``) each
    replication keeps its slot at the days it has simulated, and ``poll`` is called at least every
    :data:`POLL_S` seconds while they run, to show how far they are.
    """
    if workers <= 1 or len(indices) == 1:
        for slot, r in enumerate(indices):
            yield run_replication(scenario, seed, r, _day_counter(days, slot, poll))
        return
    with ProcessPoolExecutor(
        workers, worker_processes(__name__), initializer=_share_days, initargs=(days,)
    ) as pool:
        futures = [
            pool.submit(_run_counted, scenario, seed, r, slot) for slot, r in enumerate(indices)
        ]
        for future in futures:
            while True:
                try:
                    result = future.result(timeout=POLL_S)
                except NotYet:
                    if poll is not None:
                        poll()
                    continue
                yield result
                break


def _day_counter(
    days: MutableSequence[int] | None, slot: int, poll: Callable[[], None] | None
) -> Callable[[int], None] | None:
    """The ``on_day`` of the replication in ``slot``: its count in ``days``, then ``poll``."""
    if days is None:
        return None

    def on_day(done: int) -> None:
        days[slot] = done
        if poll is not None:
            poll()

    return on_day


def _share_days(days: MutableSequence[int] | None) -> None:
    """Worker start-up: keep the run's shared day counts."""
    _WORKER["days"] = days


def _run_counted(scenario: Scenario, seed: int, replication: int, slot: int) -> ReplicationResult:
    """A replication in a worker, counting its days in its slot of the shared array (the
    parent polls it)."""
    return run_replication(scenario, seed, replication, _day_counter(_WORKER["days"], slot, None))


def run_scenario(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    on_replication: Callable[[ReplicationResult], None] | None = None,
    progress: bool = False,
    first: int = 0,
    on_progress: Callable[[int, int], None] | None = None,
) -> ScenarioResult:
    """Run replications of ``scenario`` and summarise their KPIs with confidence intervals.

    Args:
        scenario: the desk.
        replications: how many (default: ``scenario.simulation.replications``).
        seed: master seed (default: ``scenario.simulation.seed``).
        workers: worker processes (results do not depend on it).
        on_replication: called with each finished replication (e.g. to write its tables), after
            which its records are released, keeping memory to one replication at a time.
        progress: show a progress bar of the days simulated (burn-in included) over all
            replications, with the time left.
        first: index of the first replication (replications ``first`` to ``first +
            replications - 1`` run; see :meth:`ScenarioResult.extended`).
        on_progress: called about every :data:`POLL_S` seconds while the replications run with
            the days simulated so far and the days to simulate in all (e.g. to keep a progress
            file).
    """
    replications = replications or scenario.simulation.replications
    seed = scenario.simulation.seed if seed is None else seed
    workers = min(workers or os.cpu_count() or 1, replications)
    started = time.perf_counter()
    per_rep: list[dict[str, float]] = []
    follow = progress or on_progress is not None
    days = multiprocessing.RawArray("i", replications) if follow else None
    days_total = replications * scenario.simulated_days
    bar = tqdm(total=days_total, desc=scenario.name, unit="day", disable=not progress)
    reported = [0.0]

    def poll(final: bool = False) -> None:
        done = sum(days or ())
        bar.set_postfix_str(f"{len(per_rep)}/{replications} replications", refresh=False)
        bar.update(done - bar.n)
        now = time.perf_counter()
        if on_progress is not None and (final or now - reported[0] >= POLL_S):
            reported[0] = now
            on_progress(done, days_total)

    indices = range(first, first + replications)
    with bar:
        for result in iter_replications(scenario, seed, indices, workers, days, poll):
            per_rep.append(result.kpis)
            if on_replication is not None:
                on_replication(result)
            poll(final=True)
    summary = summarise(per_rep)
    return ScenarioResult(
        scenario=scenario,
        seed=seed,
        replications=replications,
        per_replication=per_rep,
        summary=summary,
        scorecard=scorecard(scenario, summary),
        wall_s=time.perf_counter() - started,
    )
