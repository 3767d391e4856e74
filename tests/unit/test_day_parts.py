"""Day parts scale a roster in the same hours of every day, on top of its other scales."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from sim.model.agents import staffing_steps
from sim.model.calendar import CalendarPlan
from sim.scenario.staffing import FixedTeam
from tests.scenarios import busy_desk


def levels_at(team: dict, hours: list[float]) -> list[int]:
    scenario = busy_desk(calendar={"horizon_days": 2, "holidays": []}, staffing={"tier1": team})
    plan = CalendarPlan.from_config(scenario.calendar)
    times, levels = staffing_steps(scenario.staffing.agent_groups["tier1"].roster, plan, scenario)
    at = np.array([day * 1440.0 + h * 60.0 for day in (0, 1) for h in hours])
    return levels[np.searchsorted(times, at, "right") - 1].tolist()


def test_day_parts_scale_the_same_hours_every_day() -> None:
    team = {
        "kind": "fixed",
        "agents": 10,
        "headcount_scale": 1.1,
        "day_parts": [
            {"from_h": 8, "to_h": 12, "scale": 1.2},
            {"from_h": 16, "to_h": 18, "scale": 0.5},
        ],
    }
    hours = [8.0, 11.9, 12.0, 15.0, 16.0, 17.9]
    assert levels_at(team, hours) == [13, 13, 11, 11, 6, 6] * 2  # 10 x 1.1 x the day part, rounded
    assert levels_at({"kind": "fixed", "agents": 10}, hours) == [10] * 12


def test_day_parts_are_checked() -> None:
    with pytest.raises(ValidationError, match="to_h 8 must be later than from_h 9"):
        FixedTeam(kind="fixed", agents=1, day_parts=[{"from_h": 9, "to_h": 8, "scale": 1.0}])
    with pytest.raises(ValidationError, match="overlap"):
        FixedTeam(
            kind="fixed",
            agents=1,
            day_parts=[
                {"from_h": 8, "to_h": 12, "scale": 1.1},
                {"from_h": 11, "to_h": 14, "scale": 1.0},
            ],
        )
