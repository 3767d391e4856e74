"""Replications: run a scenario several times with independent random streams and summarise.

A replication is a pure function of ``(scenario, seed, replication index)``: its random streams
are derived from those three (see :mod:`sim.model.rng`), so results are identical whether
replications run one after another or spread over worker processes.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from sim.measures.metrics import (
    Estimate,
    StandardResult,
    interval_table,
    replication_kpis,
    scorecard,
    summarise,
)
from sim.measures.value import customer_kpis
from sim.model.records import ContactTable, CustomerRun
from sim.model.replication import simulate
from sim.model.rng import Streams
from sim.scenario.scenario import Scenario


@dataclass(frozen=True)
class ReplicationResult:
    """What one replication produced."""

    replication: int
    kpis: dict[str, float]
    intervals: dict[str, np.ndarray]
    contacts: ContactTable
    customers: CustomerRun | None
    type_names: tuple[str, ...]
    wall_s: float


def run_replication(scenario: Scenario, seed: int, replication: int) -> ReplicationResult:
    """Simulate one replication of ``scenario``."""
    started = time.perf_counter()
    run = simulate(scenario, Streams(seed, replication))
    return ReplicationResult(
        replication=replication,
        kpis=replication_kpis(run, scenario) | customer_kpis(run, scenario),
        intervals=interval_table(run, scenario),
        contacts=run.contacts,
        customers=run.customers,
        type_names=run.type_names,
        wall_s=time.perf_counter() - started,
    )


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
    scenario: Scenario, seed: int, indices: range, workers: int = 1
) -> Iterator[ReplicationResult]:
    """Yield the replications ``indices`` in order, computed in ``workers`` processes."""
    if workers <= 1 or len(indices) == 1:
        for r in indices:
            yield run_replication(scenario, seed, r)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        n = len(indices)
        yield from pool.map(run_replication, [scenario] * n, [seed] * n, indices)


def run_scenario(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    on_replication: Callable[[ReplicationResult], None] | None = None,
    progress: bool = False,
    first: int = 0,
) -> ScenarioResult:
    """Run replications of ``scenario`` and summarise their KPIs with confidence intervals.

    Args:
        scenario: the desk.
        replications: how many (default: ``scenario.simulation.replications``).
        seed: master seed (default: ``scenario.simulation.seed``).
        workers: worker processes (results do not depend on it).
        on_replication: called with each finished replication (e.g. to write its tables), after
            which its records are released, keeping memory to one replication at a time.
        progress: show a progress bar.
        first: index of the first replication (replications ``first`` to ``first +
            replications - 1`` run; see :meth:`ScenarioResult.extended`).
    """
    replications = replications or scenario.simulation.replications
    seed = scenario.simulation.seed if seed is None else seed
    workers = min(workers or os.cpu_count() or 1, replications)
    started = time.perf_counter()
    per_rep = []
    results = iter_replications(scenario, seed, range(first, first + replications), workers)
    for result in tqdm(
        results, total=replications, desc=scenario.name, unit="rep", disable=not progress
    ):
        per_rep.append(result.kpis)
        if on_replication is not None:
            on_replication(result)
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
