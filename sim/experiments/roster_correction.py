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
requirement and the schedule is solved again. An interval whose whole confidence interval for the
service level is below the target is required at least ``step_agents`` more agents than were on
shift there (a schedule may cover more than it was asked for) and, with a load sizing, at least
what the group's queueing rule asks for the calls the simulated desk was *offered* there: the ISA's
step, which re-staffs each interval for its simulated offered load rather than its forecast. The
offered calls include the retrials, repeat calls and callbacks the forecast of first attempts
leaves out, so one round can add several agents where they are needed. It stops when no interval
falls short with confidence, or after ``max_rounds``; requirements only rise, so the cost never
falls and every round is reported. Because adding agents also removes retrials, the load of a
short round overstates the next round's: the correction errs on the side of meeting the target.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from sim.experiments.replications import run_scenario
from sim.experiments.week_profile import (
    WeekServiceLevel,
    week_forecast_calls,
    week_requirements,
    week_service_level,
)
from sim.model.calendar import CalendarPlan
from sim.scenario.desk import WEEKDAYS
from sim.scenario.loading import scenario_to_dict
from sim.scenario.overrides import apply_overrides
from sim.scenario.scenario import Scenario
from sim.scenario.staffing import IntervalRoster, QueueingRoster, Roster


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

LoadSizing = Callable[[np.ndarray], np.ndarray]
"""Agents to require per weekday and interval for the front-line calls offered there per week."""

LOAD_STEP_SHARE = 0.5
"""A short interval is raised this share of the way to what the queueing rule asks for its
offered load: the load measured under a short staffing includes retrials that the extra agents
remove, so the whole way overshoots (on the baseline's Monday opening, by about a third)."""

LOAD_FACTOR_STEP = 0.05
"""Simulated over forecast calls is rounded up to a multiple of this before the queueing rule is
re-applied (so a year's requirement is worked out once per distinct factor)."""


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
    path = scenario.staffing.group_path(group)
    return _with_settings(scenario, {path: roster.model_dump(mode="json")})


def _with_settings(scenario: Scenario, settings: dict[str, object]) -> Scenario:
    problems: list[str] = []
    data, _ = apply_overrides(scenario_to_dict(scenario), settings, problems)
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


def load_sizing(scenario: Scenario, group: str, statistic: str | float = "max") -> LoadSizing:
    """A queueing rule re-applied to the simulated offered load: per weekday and interval, the
    requirement (:func:`week_requirements` with ``statistic``) of the group's queueing roster, or
    of Erlang A at the standards' service-level target with the group's shrinkage when its roster
    is written out (by interval, shifts or a fixed team), with the forecast scaled by offered
    over forecast calls, rounded up to :data:`LOAD_FACTOR_STEP` and kept within the
    ``load_factor`` a queueing roster takes (0.5 to 3). Where the forecast has no calls it asks for
    nothing."""
    roster = scenario.staffing.agent_groups[group].roster
    if not isinstance(roster, QueueingRoster):
        roster = QueueingRoster(
            kind="erlang_a",
            target_service_level=scenario.standards.service_level_target,
            shrinkage_fraction=roster.shrinkage_fraction,
            min_agents=0,
        )
        scenario = with_roster(scenario, group, roster)
    forecast = week_forecast_calls(scenario)
    path = f"{scenario.staffing.group_path(group)}.load_factor"
    by_factor: dict[float, np.ndarray] = {}

    def requirement(factor: float) -> np.ndarray:
        if factor not in by_factor:
            scaled = _with_settings(scenario, {path: factor})
            by_factor[factor] = week_requirements(scaled, group, statistic)[1]
        return by_factor[factor]

    def size(offered: np.ndarray) -> np.ndarray:
        ratio = np.divide(offered, forecast, out=np.zeros_like(forecast), where=forecast > 0)
        steps = np.ceil(np.round(ratio * roster.load_factor / LOAD_FACTOR_STEP, 9))
        factors = np.clip(steps * LOAD_FACTOR_STEP, *_LOAD_FACTOR_BOUNDS)
        agents = np.zeros_like(forecast)
        for factor in np.unique(factors[forecast > 0]).tolist():
            at = (factors == factor) & (forecast > 0)
            agents[at] = requirement(round(factor, 6))[at]
        return agents

    return size


_LOAD_FACTOR_BOUNDS = (
    next(m.ge for m in QueueingRoster.model_fields["load_factor"].metadata if hasattr(m, "ge")),
    next(m.le for m in QueueingRoster.model_fields["load_factor"].metadata if hasattr(m, "le")),
)
"""The smallest and largest ``load_factor`` a queueing roster accepts (its schema's bounds)."""


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
    sizing: LoadSizing | None = None,
    on_round: Callable[[CorrectionRound], None] | None = None,
    done: Sequence[CorrectionRound] = (),
) -> CorrectedRoster:
    """Schedule ``required``, simulate, and raise the requirement where the front line's service
    level falls short of ``standards.service_level_target`` with confidence (by ``step_agents``
    over what was on shift, or to what ``sizing`` asks for the offered calls if more), until none
    does or ``max_rounds`` schedules have been simulated. Every round uses the same seed, so
    rounds are compared on the same customers, arrivals and durations (common random
    numbers). Rounds in ``done`` (kept from a stopped correction) are taken as they are, not
    solved and simulated again; ``on_round`` is told of them too."""
    plan = CalendarPlan.from_config(scenario.calendar)
    target = scenario.standards.service_level_target
    rounds: list[CorrectionRound] = []
    candidate = scenario
    for number in range(max_rounds):
        kept = done[number] if number < len(done) else None
        if kept is not None and not np.array_equal(kept.required, required):
            raise ValueError(f"kept round {number + 1} was asked another requirement")
        scheduled = kept.scheduled if kept else solve(required)
        candidate = with_roster(scenario, group, scheduled.roster)
        service = (
            kept.service
            if kept
            else week_service_level(interval_tables(candidate, replications, seed, workers), plan)
        )
        short = service.short_of(target)
        finished = CorrectionRound(required, scheduled, service, short)
        rounds.append(finished)
        if on_round is not None:
            on_round(finished)
        if not short.any():
            break
        # beyond what was on shift: a schedule may already cover more than was required
        covered = np.maximum(required, scheduled.coverage)
        raised = covered + step_agents
        if sizing is not None:
            gap = sizing(service.offered) - covered
            raised = np.maximum(raised, covered + np.ceil(LOAD_STEP_SHARE * gap))
        required = np.where(short, raised, required)
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
