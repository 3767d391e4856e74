"""A roster's week of requirements, and a simulated desk's service level folded onto the week."""

from __future__ import annotations

import numpy as np
import pytest

from sim.experiments.week_profile import week_forecast_calls, week_requirements, week_service_level
from sim.model.arrivals import interval_rates
from sim.model.calendar import CalendarPlan
from tests.scenarios import busy_desk

FIXED = {"tier1": {"kind": "fixed", "agents": 6, "shrinkage_fraction": 0.0}}


def test_a_fixed_team_asks_for_itself_while_open_and_nothing_else() -> None:
    scenario = busy_desk(calendar={"horizon_days": 14}, staffing=FIXED)
    interval_min, required = week_requirements(scenario, "tier1")
    assert interval_min == 30 and required.shape == (7, 48)
    weekday_open = np.zeros(48, dtype=bool)
    weekday_open[16:36] = True  # 8:00 to 18:00
    assert (required[:5, weekday_open] == 6).all()
    assert (required[:5, ~weekday_open] == 0).all() and (required[5:] == 0).all()


def test_the_statistic_combines_the_weeks() -> None:
    """Three weeks, the middle one at half strength: the largest week, the mean, a quantile."""
    cut = {"start_date": "2027-03-08", "end_date": "2027-03-14", "scale": 0.5}
    scenario = busy_desk(
        calendar={"horizon_days": 21, "holidays": []},
        staffing={"tier1": {**FIXED["tier1"], "agents": 8, "headcount_periods": [cut]}},
    )
    slot = (0, 20)  # Monday 10:00
    assert week_requirements(scenario, "tier1", "max")[1][slot] == 8
    assert week_requirements(scenario, "tier1", "mean")[1][slot] == np.ceil((8 + 4 + 8) / 3)
    assert week_requirements(scenario, "tier1", 0.2)[1][slot] == np.ceil(4 + 0.4 * 4)
    with pytest.raises(ValueError, match="statistic 'median'"):
        week_requirements(scenario, "tier1", "median")


def test_service_level_is_pooled_over_weeks_per_replication_then_averaged() -> None:
    plan = CalendarPlan.from_config(busy_desk(calendar={"horizon_days": 14}).calendar)
    monday_10, next_monday_10 = 600.0, 7 * 1440.0 + 600.0

    def table(good: tuple[float, float], counted: tuple[float, float]) -> dict[str, np.ndarray]:
        return {
            "interval_start_min": np.array([monday_10, next_monday_10]),
            "answered_within_threshold": np.array(good),
            "service_level_denominator": np.array(counted),
            "offered": np.array(counted) + 2,
        }

    week = week_service_level([table((8, 1), (10, 10)), table((10, 5), (10, 10))], plan)
    assert week.mean[0, 20] == pytest.approx((9 / 20 + 15 / 20) / 2)
    assert week.ci_low[0, 20] < week.mean[0, 20] < week.ci_high[0, 20]
    assert week.calls[0, 20] == 20
    assert week.offered[0, 20] == 12  # per week: (12 + 12) / 2 weeks, in both replications
    assert np.isnan(week.mean[0, 21]) and not week.short_of(0.99)[0, 21]
    assert week.short_of(0.999)[0, 20] == (week.ci_high[0, 20] < 0.999)


def test_the_forecast_week_holds_the_horizons_calls_week_by_week() -> None:
    scenario = busy_desk(calendar={"horizon_days": 14, "holidays": []})
    plan = CalendarPlan.from_config(scenario.calendar)
    phone = [t.channel == "phone" for t in scenario.demand.contact_types.values()]
    total = sum(interval_rates(plan, scenario.demand, d)[phone].sum() for d in plan.reported_days)
    week = week_forecast_calls(scenario)
    assert week.sum() == pytest.approx(total / 2)
    assert (week[:5, 16] > 0).all() and (week[:, :16] == 0).all()
