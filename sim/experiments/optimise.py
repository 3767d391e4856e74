"""Retention-aware staffing: the candidate with the most net value, selected with stated
confidence, beside the roster a service-level target would choose.

A candidate is the scenario with one agent group's roster scaled in chosen hours of the day (its
``day_parts``) and, optionally, another complaint-recovery policy. Net value (revenue, less
staffing, recovery, acquisition and replacement cost, plus the change in customer equity;
:mod:`sim.measures.value`) counts the customers a thin roster loses, which the service level does
not. Every candidate's replication ``r`` uses the same seed (common random numbers), so the
comparisons are paired and the KN procedure (:mod:`sim.experiments.selection`) screens on the
variance of differences: after ``n0`` replications of every candidate, only those still in
contention are simulated further, until one is left. Every observation is kept, so a run that
stops can go on from where it was (``known``).

The **service-level choice** is what a planner without the customer model would pick: the
cheapest candidate (least staffing cost) whose mean service level over its replications meets the
scenario's target, with the recovery policy of the first candidate (the scenario's own, or the
first listed). The **frontier** is the candidates no other
beats on both staffing cost and customers lost to service.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.experiments.point_pool import Lost, run_in_workers
from sim.experiments.replications import run_replication
from sim.experiments.roster_correction import with_roster
from sim.experiments.selection import Selection, kn_select
from sim.scenario.errors import InputError
from sim.scenario.loading import scenario_to_dict
from sim.scenario.overrides import apply_overrides
from sim.scenario.scenario import Scenario
from sim.scenario.staffing import DayPart

OBJECTIVE = "net_value"
KEPT_KPIS = ("net_value", "staffing_cost", "service_level", "service_defections", "defections")
"""What is kept of every replication of every candidate."""


@dataclass(frozen=True)
class Candidate:
    """One staffing and recovery choice."""

    name: str
    scales: tuple[float, ...]
    """The roster's scale in each day part."""
    recovery: str | None
    """The recovery policy's kind, or None: the scenario's own."""
    scenario: Scenario


def candidates(
    scenario: Scenario,
    group: str,
    hours: Sequence[tuple[float, float]],
    scales: Sequence[Sequence[float]],
    recoveries: Sequence[Mapping[str, Any]] = (),
) -> list[Candidate]:
    """Every combination of a scale per day part (``hours[i]``, from and to, takes the scales
    ``scales[i]``) and a recovery policy (none given: the scenario's own)."""
    if len(hours) != len(scales):
        raise InputError(f"{len(hours)} day parts but {len(scales)} lists of scales")
    groups = scenario.staffing.agent_groups
    if group not in groups:
        raise ValueError(
            f"group {group!r} is not an agent group of the scenario ({', '.join(groups)})"
        )
    roster = groups[group].roster
    policies: list[Mapping[str, Any] | None] = list(recoveries) or [None]
    out = []
    for combo, policy in itertools.product(itertools.product(*scales), policies):
        parts = [DayPart(from_h=a, to_h=b, scale=s) for (a, b), s in zip(hours, combo, strict=True)]
        scaled = with_roster(scenario, group, roster.model_copy(update={"day_parts": parts}))
        name = " ".join(f"{a:g}-{b:g}h×{s:g}" for (a, b), s in zip(hours, combo, strict=True))
        if policy is not None:
            scaled = _with_recovery(scaled, policy)
            name += f" {policy['kind']}"
        out.append(
            Candidate(name, tuple(combo), None if policy is None else policy["kind"], scaled)
        )
    return out


def _with_recovery(scenario: Scenario, policy: Mapping[str, Any]) -> Scenario:
    """The scenario under ``policy``: laid over its recovery section when of the same kind (as
    ``extends:`` lays files), in its place when of another."""
    problems: list[str] = []
    data = scenario_to_dict(scenario)
    own = data["recovery"]
    laid = {**own, **policy} if own.get("kind") == policy["kind"] else dict(policy)
    data, _ = apply_overrides(data, {"recovery": laid}, problems)
    if problems:
        raise ValueError("; ".join(problems))
    return Scenario.model_validate(data)


Known = dict[tuple[int, int], dict[str, float]]
"""(candidate, replication) → its kept KPIs."""


@dataclass(frozen=True)
class Optimisation:
    """The selection, every observation, and the choices to compare."""

    candidates: list[Candidate]
    selection: Selection
    known: Known

    @property
    def service_level_choice(self) -> int | None:
        """The service-level choice (None: no candidate with the first candidate's recovery
        meets the target)."""
        return service_level_choice(self)

    @property
    def frontier(self) -> tuple[int, ...]:
        """The candidates on the cost–customers frontier."""
        return frontier(self)

    def kpi(self, candidate: int, name: str) -> NDArray[np.float64]:
        """A kept KPI of a candidate over its replications, in replication order."""
        reps = sorted(r for c, r in self.known if c == candidate)
        return np.array([self.known[candidate, r][name] for r in reps])

    def paired(self, base: int, other: int, name: str) -> NDArray[np.float64]:
        """``other`` less ``base`` in a kept KPI, per replication both have (the same seed: a
        paired difference), in replication order."""
        reps = sorted(r for c, r in self.known if c == base and (other, r) in self.known)
        return np.array([self.known[other, r][name] - self.known[base, r][name] for r in reps])


def optimise(
    options: list[Candidate],
    seed: int,
    delta: float,
    alpha: float = 0.05,
    n0: int = 10,
    max_replications: int | None = None,
    workers: int = 1,
    known: Known | None = None,
    on_observation: Callable[[int, int, dict[str, float]], None] | None = None,
) -> Optimisation:
    """Select the candidate with the largest mean net value (KN: ``delta`` in money, ``1 −
    alpha`` confidence, ``n0`` first-stage replications, at most ``max_replications`` each),
    simulating only what ``known`` does not hold; ``on_observation(candidate, replication,
    kpis)`` is told of each new one (e.g. to store it)."""
    known = dict(known or {})

    def fill(pairs: list[tuple[int, int]]) -> None:
        missing = [(c, r) for c, r in pairs if (c, r) not in known]
        tasks = [(c, r, options[c].scenario, seed) for c, r in missing]
        for c, r, kpis in _simulate(tasks, workers):
            known[c, r] = kpis
            if on_observation is not None:
                on_observation(c, r, kpis)

    def observe(replication: int, systems: NDArray[np.intp]) -> NDArray[np.float64]:
        fill([(int(c), replication) for c in systems])
        return np.array([known[int(c), replication][OBJECTIVE] for c in systems])

    fill([(c, r) for r in range(n0) for c in range(len(options))])  # the first stage at once
    selection = kn_select(observe, len(options), delta, alpha, n0, max_replications)
    return Optimisation(options, selection, known)


Task = tuple[int, int, Scenario, int]
"""(candidate, replication, its scenario, seed)."""


def _simulate(tasks: list[Task], workers: int) -> Iterator[tuple[int, int, dict[str, float]]]:
    """Each task's kept KPIs as it finishes: here, or on ``workers`` spawned processes (the
    sweeps' pool: a worker that dies fails its task alone)."""
    if workers <= 1 or len(tasks) <= 1:
        yield from map(_kept, tasks)
        return
    for outcome in run_in_workers(_kept, tasks, workers):
        if isinstance(outcome, Lost):
            c, r, _, _ = outcome.task
            raise RuntimeError(f"candidate {c}, replication {r}: {outcome.reason}")
        yield outcome


def _kept(task: Task) -> tuple[int, int, dict[str, float]]:
    """Simulate one replication of one candidate; keep :data:`KEPT_KPIS`."""
    candidate, replication, scenario, seed = task
    kpis = run_replication(scenario, seed, replication).kpis
    return candidate, replication, {name: float(kpis.get(name, math.nan)) for name in KEPT_KPIS}


def service_level_choice(result: Optimisation) -> int | None:
    """The cheapest candidate whose mean service level meets the target, among those with the
    first candidate's recovery policy (the scenario's own, or the first listed)."""
    options = result.candidates
    meets = [
        i
        for i, option in enumerate(options)
        if option.recovery == options[0].recovery
        and result.kpi(i, "service_level").mean() >= option.scenario.standards.service_level_target
    ]
    return min(meets, key=lambda i: result.kpi(i, "staffing_cost").mean(), default=None)


def frontier(result: Optimisation) -> tuple[int, ...]:
    """Candidates no other beats on mean staffing cost and mean customers lost to service."""
    means = [
        (
            float(result.kpi(i, "staffing_cost").mean()),
            float(result.kpi(i, "service_defections").mean()),
        )
        for i in range(len(result.candidates))
    ]
    return tuple(
        i
        for i, (cost, lost) in enumerate(means)
        if not any(
            other_cost <= cost and other_lost <= lost and (other_cost, other_lost) != (cost, lost)
            for other_cost, other_lost in means
        )
    )
