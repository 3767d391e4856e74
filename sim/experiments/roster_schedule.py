"""A scenario's rostering problem: the week of requirements its group's roster asks for, and the
shift schedule as the correction's scheduler (a week of requirements in, the least-cost shift
roster from the scenario's ``rostering:`` catalogue out, :mod:`sim.rostering`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from sim.experiments.roster_correction import (
    CorrectedRoster,
    CorrectionRound,
    ScheduledWeek,
    Scheduler,
    correct_roster,
    load_sizing,
)
from sim.experiments.week_profile import week_requirements
from sim.rostering import Requirements, schedule, to_shift_roster
from sim.scenario.errors import InputError
from sim.scenario.rostering import Rostering
from sim.scenario.scenario import Scenario


def rostering_settings(scenario: Scenario, path: Path) -> Rostering:
    """The scenario's ``rostering:`` section, or a clear error."""
    if scenario.rostering is None:
        raise InputError(
            f"{path}: rostering: no catalogue of shift types to schedule from; add a rostering: "
            "section (README, 'Rosters from a catalogue of shifts'; docs/parameters.md)"
        )
    return scenario.rostering


def milp_scheduler(
    scenario: Scenario, settings: Rostering, time_limit_s: float = 10.0
) -> Scheduler:
    """Schedule a week of requirements with the catalogue (shifts only in opening hours), keeping
    the group's shrinkage."""
    shrinkage = scenario.staffing.agent_groups[settings.group].roster.shrinkage_fraction

    def solve(required: np.ndarray) -> ScheduledWeek:
        requirements = Requirements.within_opening_hours(required, scenario.calendar)
        plan = schedule(requirements, settings, time_limit_s)
        roster = to_shift_roster(plan, shrinkage_fraction=shrinkage, allow_gaps=True)
        return ScheduledWeek(roster, plan.cost, plan.coverage, plan.unmet, plan.status)

    return solve


@dataclass(frozen=True)
class RosterProblem:
    """What to schedule: the group, its week of requirements (agents per weekday and interval of
    ``interval_min`` minutes, the horizon's weeks combined by ``statistic``) and the solver."""

    scenario: Scenario
    group: str
    statistic: str | float
    interval_min: float
    required: np.ndarray
    solve: Scheduler

    def schedule(self) -> ScheduledWeek:
        """The least-cost schedule of the requirement as it is."""
        return self.solve(self.required)

    def correct(
        self,
        replications: int,
        max_rounds: int = 6,
        workers: int = 1,
        step: Literal["load", "one"] = "load",
        on_round: Callable[[CorrectionRound], None] | None = None,
        done: Sequence[CorrectionRound] = (),
    ) -> CorrectedRoster:
        """The schedule corrected by simulation with the scenario's seed
        (:func:`~sim.experiments.roster_correction.correct_roster`): a short interval rises by
        one agent, or half the way to the queueing rule at its offered load (``step="load"``)."""
        sizing = load_sizing(self.scenario, self.group, self.statistic) if step == "load" else None
        return correct_roster(
            self.scenario,
            self.group,
            self.required,
            self.solve,
            replications,
            self.scenario.simulation.seed,
            workers,
            max_rounds,
            sizing=sizing,
            on_round=on_round,
            done=done,
        )


def roster_problem(
    scenario: Scenario, path: str | Path, statistic: str | float = "max"
) -> RosterProblem:
    """The scenario's rostering problem (``path`` names its file in errors)."""
    settings = rostering_settings(scenario, Path(path))
    interval_min, required = week_requirements(scenario, settings.group, statistic)
    solve = milp_scheduler(scenario, settings)
    return RosterProblem(scenario, settings.group, statistic, interval_min, required, solve)
