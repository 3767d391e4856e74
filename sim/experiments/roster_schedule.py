"""The shift schedule as the correction's scheduler: a week of requirements in, the least-cost
shift roster from the scenario's ``rostering:`` catalogue out (:mod:`sim.rostering`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.experiments.roster_correction import ScheduledWeek, Scheduler
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
