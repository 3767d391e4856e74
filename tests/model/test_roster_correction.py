"""Rosters corrected by simulation, on a desk where per-interval queueing staffing (SIPP) falls
short: callers who rang while the desk was closed all arrive in its first half hour, which an
Erlang C roster sized on each interval's own forecast does not see coming."""

from __future__ import annotations

import numpy as np

from sim.experiments.roster_correction import (
    LOAD_STEP_SHARE,
    correct_roster,
    interval_scheduler,
    load_sizing,
    with_roster,
)
from sim.experiments.week_profile import week_forecast_calls, week_requirements
from sim.model.agents import staffing_steps
from sim.model.calendar import CalendarPlan
from sim.scenario.staffing import FixedTeam
from tests.scenarios import busy_desk

SIPP = {"tier1": {"kind": "erlang_c", "target_service_level": 0.8}}


def test_the_correction_raises_sipp_where_it_falls_short_until_no_interval_does() -> None:
    scenario = busy_desk(calendar={"horizon_days": 14}, staffing=SIPP)
    _, sipp = week_requirements(scenario, "tier1")
    result = correct_roster(
        scenario, "tier1", sipp, interval_scheduler(scenario, "tier1", 30.0), 5, seed=3
    )
    first, last = result.rounds[0], result.rounds[-1]
    assert (first.required == sipp).all()
    opening = (slice(0, 5), 16)  # 8:00 on weekdays
    assert first.short[opening].any(), "SIPP should fall short at opening"
    assert first.service.mean[opening].max() < 0.8
    assert result.met and not last.short.any() and len(result.rounds) > 1
    for before, after in zip(result.rounds, result.rounds[1:], strict=False):
        raised = np.maximum(before.required, before.scheduled.coverage) + 1
        assert (after.required == np.where(before.short, raised, before.required)).all()
    assert result.extra_cost > 0
    assert last.service.mean[opening].mean() > first.service.mean[opening].mean()


def test_the_load_sized_step_reaches_the_target_in_fewer_rounds() -> None:
    scenario = busy_desk(calendar={"horizon_days": 14}, staffing=SIPP)
    _, sipp = week_requirements(scenario, "tier1")
    solve = interval_scheduler(scenario, "tier1", 30.0)
    size = load_sizing(scenario, "tier1")
    one_by_one = correct_roster(scenario, "tier1", sipp, solve, 5, seed=3)
    sized = correct_roster(scenario, "tier1", sipp, solve, 5, seed=3, sizing=size)
    assert sized.met and len(sized.rounds) < len(one_by_one.rounds)
    for before, after in zip(sized.rounds, sized.rounds[1:], strict=False):
        covered = np.maximum(before.required, before.scheduled.coverage)
        toward = np.ceil(LOAD_STEP_SHARE * (size(before.service.offered) - covered))
        raised = covered + np.maximum(1, toward)
        assert (after.required == np.where(before.short, raised, before.required)).all()
    opening = (slice(0, 5), 16)
    first = sized.rounds[0].service
    assert (first.offered[opening] > 2 * week_forecast_calls(scenario)[opening]).all(), (
        "the backlog at opening should be offered on top of the forecast"
    )


def test_the_load_sizing_is_the_queueing_roster_at_the_offered_load() -> None:
    scenario = busy_desk(calendar={"horizon_days": 14}, staffing=SIPP)
    size = load_sizing(scenario, "tier1")
    forecast = week_forecast_calls(scenario)
    assert (size(forecast) == week_requirements(scenario, "tier1")[1]).all()
    doubled = busy_desk(
        calendar={"horizon_days": 14}, staffing={"tier1": {**SIPP["tier1"], "load_factor": 2.0}}
    )
    assert (size(2 * forecast) == week_requirements(doubled, "tier1")[1]).all()
    assert (size(np.zeros_like(forecast)) <= size(forecast)).all()


def test_the_interval_schedule_is_the_requirement_rostered_as_it_is() -> None:
    scenario = busy_desk(calendar={"horizon_days": 14}, staffing=SIPP)
    interval_min, required = week_requirements(scenario, "tier1")
    scheduled = interval_scheduler(scenario, "tier1", 30.0)(required)
    rostered = with_roster(scenario, "tier1", scheduled.roster)
    assert week_requirements(rostered, "tier1")[1].tolist() == required.tolist()
    assert scheduled.cost == required.sum() * interval_min / 60 * 30.0


def test_with_roster_replaces_one_groups_roster_only() -> None:
    scenario = busy_desk(calendar={"horizon_days": 7})
    team = FixedTeam(kind="fixed", agents=3)
    changed = with_roster(scenario, "tier2", team)
    groups = changed.staffing.agent_groups
    assert groups["tier2"].roster == team
    assert groups["tier1"].roster == scenario.staffing.agent_groups["tier1"].roster
    plan = CalendarPlan.from_config(changed.calendar)
    _, levels = staffing_steps(groups["tier2"].roster, plan, changed)
    assert set(np.unique(levels)) == {0, 3}
