"""Rosters corrected by simulation: raise the requirement where the simulated desk falls short,
re-schedule, and simulate again.

Per-interval queueing staffing (SIPP) treats every planning interval as a stationary queue of its
own. It misses its target where that is false: just after opening (callers who rang while the desk
was closed arrive together), after a peak (the queue it left behind), and wherever retrials and
repeat contacts add load the forecast of first attempts does not show (Green, Kolesar & Soares
2001). The correction follows the iterative staffing algorithm of Feldman, Mandelbaum, Massey &
Whitt (2008, "Staffing of time-varying queues to achieve time-stable performance", Management
Science 54(2)): simulate the staffing, measure each interval, change the staffing only where it
misses, and repeat. Here the staffing is a shift schedule, so the change is made to the
requirement and the schedule is solved again: an interval whose whole confidence interval for the
service level is below the target gets ``step_agents`` more agents required than were on shift
there (a schedule may cover more than it was asked for). It stops when no
interval falls short with confidence, or after ``max_rounds``; requirements only rise, so the cost
never falls and every round is reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.experiments.replications import run_scenario
from sim.experiments.week_profile import WeekServiceLevel, week_service_level
from sim.model.calendar import CalendarPlan
from sim.scenario.desk import WEEKDAYS
from sim.scenario.loading import scenario_to_dict
from sim.scenario.overrides import apply_overrides
from sim.scenario.scenario import Scenario
from sim.scenario.staffing import IntervalRoster, Roster


@dataclass(frozen=True)
class ScheduledWeek:
    """A requirement's schedule: the roster to run, its weekly cost, and the agents it puts on
    shift per weekday and interval (shape (7, intervals per day))."""

    roster: Roster
    cost: float
    coverage: np.ndarray
    unmet: np.ndarray
    """Requirement not covered per weekday and interval (the catalogue or limits fall short)."""
    status: str
    """How the schedule was found (``optimal``, ``optimal_with_shortfall``, ``time_limit``)."""


Scheduler = Callable[[np.ndarray], ScheduledWeek]
"""Solves the schedule for a week of requirements (agents per weekday and interval)."""


@dataclass(frozen=True)
class CorrectionRound:
    """One round: the requirement, its schedule, and what the simulated desk achieved."""

    required: np.ndarray
    scheduled: ScheduledWeek
    service: WeekServiceLevel
    short: np.ndarray
    """Where the service level fell short of the target with confidence."""


@dataclass(frozen=True)
class CorrectedRoster:
    """The rounds of a correction, the last one's scenario, and whether it met the targets."""

    rounds: list[CorrectionRound]
    scenario: Scenario
    target: float
    met: bool

    @property
    def extra_cost(self) -> float:
        """Weekly cost of the last schedule over the first (the plain queueing requirement)."""
        return self.rounds[-1].scheduled.cost - self.rounds[0].scheduled.cost


def with_roster(scenario: Scenario, group: str, roster: Roster) -> Scenario:
    """The scenario with ``group``'s roster replaced (as written in the scenario file)."""
    problems: list[str] = []
    path = scenario.staffing.group_path(group)
    data, _ = apply_overrides(
        scenario_to_dict(scenario), {path: roster.model_dump(mode="json")}, problems
    )
    if problems:
        raise ValueError("; ".join(problems))
    return Scenario.model_validate(data)


def interval_scheduler(scenario: Scenario, group: str, cost_per_agent_hour: float) -> Scheduler:
    """The schedule without shifts: each interval's requirement rostered as it is (a
    ``by_interval`` roster keeping the group's shrinkage), costing agent-hours. The lower bound
    any shift schedule pays for the same requirement."""
    calendar = scenario.calendar
    width = calendar.interval_min
    base = scenario.staffing.agent_groups[group].roster

    def solve(required: np.ndarray) -> ScheduledWeek:
        agents = {}
        for w, day in enumerate(WEEKDAYS):
            hours = calendar.opening_hours.of(day)
            if hours is None:
                continue
            first, last = round(hours.open_h * 60 / width), round(hours.close_h * 60 / width)
            agents[day] = [int(n) for n in required[w, first:last]]
        roster = IntervalRoster(
            kind="by_interval", agents=agents, shrinkage_fraction=base.shrinkage_fraction
        )
        cost = float(required.sum()) * width / 60 * cost_per_agent_hour
        return ScheduledWeek(roster, cost, required, np.zeros_like(required), "optimal")

    return solve


def correct_roster(
    scenario: Scenario,
    group: str,
    required: np.ndarray,
    solve: Scheduler,
    replications: int,
    seed: int,
    workers: int = 1,
    max_rounds: int = 6,
    step_agents: int = 1,
    on_round: Callable[[CorrectionRound], None] | None = None,
) -> CorrectedRoster:
    """Schedule ``required``, simulate, and raise the requirement where the front line's service
    level falls short of ``standards.service_level_target`` with confidence, until none does or
    ``max_rounds`` schedules have been simulated. Every round uses the same seed, so rounds are
    compared on the same customers, arrivals and durations (common random numbers)."""
    plan = CalendarPlan.from_config(scenario.calendar)
    target = scenario.standards.service_level_target
    rounds: list[CorrectionRound] = []
    candidate = scenario
    for _ in range(max_rounds):
        scheduled = solve(required)
        candidate = with_roster(scenario, group, scheduled.roster)
        service = week_service_level(interval_tables(candidate, replications, seed, workers), plan)
        short = service.short_of(target)
        done = CorrectionRound(required, scheduled, service, short)
        rounds.append(done)
        if on_round is not None:
            on_round(done)
        if not short.any():
            break
        # beyond what was on shift: a schedule may already cover more than was required
        required = np.where(short, np.maximum(required, scheduled.coverage) + step_agents, required)
    return CorrectedRoster(rounds, candidate, target, met=not rounds[-1].short.any())


def interval_tables(
    scenario: Scenario, replications: int, seed: int, workers: int
) -> list[dict[str, np.ndarray]]:
    """Each replication's interval table (:func:`sim.measures.metrics.interval_table`)."""
    tables: list[dict[str, np.ndarray]] = []
    run_scenario(
        scenario, replications, seed, workers, on_replication=lambda r: tables.append(r.intervals)
    )
    return tables
