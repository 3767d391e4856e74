"""Rosters become staffing steps; time integrals of spans and steps are exact."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.measures.integrals import span_integral, step_at, step_integral
from sim.model.agents import AgentPool, staffing_steps
from sim.model.calendar import CalendarPlan
from sim.scenario.scenario import Scenario
from tests.scenarios import busy_desk


def test_shifts_with_breaks_and_shrinkage() -> None:
    scenario = busy_desk()
    plan = CalendarPlan.from_config(scenario.calendar)
    times, agents = staffing_steps(scenario.staffing.tier1, plan, scenario)
    # Monday: 5 agents 08–14 with a break 11:00–11:30, 4 agents 12–18; shrinkage 10%.
    at = np.array([7, 8, 11, 11.5, 12, 14, 18]) * 60.0
    expected = np.round(np.array([0, 5, 0, 5, 9, 4, 0]) * 0.9 + 1e-9)
    assert list(step_at(times, agents, at)) == list(expected)
    # The holiday (third day) has nobody.
    assert step_at(times, agents, np.array([2 * 1440 + 12 * 60.0]))[0] == 0


def test_pool_follows_roster_and_busy_agents_finish_first() -> None:
    pool = AgentPool()
    pool.set_roster(0.0, 3)
    pool.take()
    pool.take()
    pool.set_roster(1.0, 1)  # one idle leaves now, one busy agent leaves when done
    assert (pool.idle, pool.busy, pool.leaving) == (0, 2, 1)
    assert pool.release(2.0) is False  # that one goes home
    assert (pool.present, pool.leaving) == (1, 0)
    pool.set_roster(3.0, 2)
    assert pool.idle == 1
    assert list(pool.log_t) == [0.0, 1.0, 2.0, 3.0]
    assert list(pool.log_present) == [3, 2, 1, 2]


spans = st.lists(st.tuples(st.floats(0, 100), st.floats(0, 50)), min_size=1, max_size=30)


@given(spans, st.floats(0, 100), st.floats(0, 100))
def test_span_integral_matches_brute_force(
    pairs: list[tuple[float, float]], a: float, b: float
) -> None:
    lo, hi = min(a, b), max(a, b)
    starts = np.array([s for s, _ in pairs])
    ends = starts + np.array([d for _, d in pairs])
    exact = sum(max(0.0, min(e, hi) - max(s, lo)) for s, e in zip(starts, ends, strict=True))
    assert np.isclose(span_integral(starts, ends, np.array([lo, hi]))[0], exact, atol=1e-6)


def test_step_integral() -> None:
    times = np.array([0.0, 10.0, 20.0])
    levels = np.array([0, 3, 1])
    assert list(step_integral(times, levels, np.array([5.0, 15.0, 30.0]))) == [15.0, 25.0]


def test_erlang_a_roster_meets_the_target_in_every_interval() -> None:
    """A stationary desk staffed by Erlang A gets exactly the analytic requirement, grossed up
    for shrinkage; on a peak day the roster surges with the volume."""
    from sim.experiments.erlang_check import StationaryDesk
    from sim.queueing import agents_for_service_level

    base = StationaryDesk(600, 50, 5.0, 8.0).scenario(10_000).model_dump(mode="json")
    base["staffing"]["tier1"] = {
        "kind": "erlang_a",
        "target_service_level": 0.8,
        "shrinkage_fraction": 0.2,
        "min_agents": 0,
    }
    base["calendar"]["peak_days"] = [{"date": "2027-01-05", "volume_multiplier": 1.5}]
    scenario = Scenario.model_validate(base)
    plan = CalendarPlan.from_config(scenario.calendar)
    times, agents = staffing_steps(scenario.staffing.tier1, plan, scenario)
    need = agents_for_service_level(10.0, 5.0, 0.8, 20.0, 8.0)
    peak_need = agents_for_service_level(15.0, 5.0, 0.8, 20.0, 8.0)
    assert step_at(times, agents, np.array([600.0]))[0] == need  # day 1: 600 calls/h
    assert step_at(times, agents, np.array([1440.0 + 600.0]))[0] == peak_need  # the peak day
    paid = staffing_steps(scenario.staffing.tier1, plan, scenario, paid=True)
    assert step_at(*paid, np.array([600.0]))[0] == int(np.ceil(need / 0.8 - 1e-9))


def test_square_root_and_erlang_c_rosters() -> None:
    from sim.experiments.erlang_check import StationaryDesk
    from sim.queueing import agents_for_service_level, square_root_staffing

    base = StationaryDesk(600, 50, 5.0).scenario(10_000).model_dump(mode="json")
    for kind, expected in (
        ("erlang_c", agents_for_service_level(10.0, 5.0, 0.8, 20.0)),
        ("square_root", square_root_staffing(10.0, 5.0, 0.5)),
    ):
        base["staffing"]["tier1"] = {"kind": kind}
        scenario = Scenario.model_validate(base)
        plan = CalendarPlan.from_config(scenario.calendar)
        steps = staffing_steps(scenario.staffing.tier1, plan, scenario)
        assert step_at(*steps, np.array([600.0]))[0] == expected


def test_queueing_rosters_are_front_line_only() -> None:
    from sim.experiments.erlang_check import StationaryDesk

    base = StationaryDesk(600, 50, 5.0).scenario(10_000).model_dump(mode="json")
    base["staffing"]["tier2"] = {"kind": "erlang_c"}
    with pytest.raises(ValueError, match="front line"):
        Scenario.model_validate(base)


def test_intervals_are_cut_to_each_kpis_range() -> None:
    from sim.measures.estimates import summarise

    reps = [
        {"net_value": v, "service_level": s, "asa_s": a}
        for v, s, a in ((-5.0, 0.99, 1.0), (-1.0, 1.0, 0.0), (2.0, 0.95, 0.5))
    ]
    e = summarise(reps)
    assert e["net_value"].ci_low < -5.0, "money may be negative"
    assert e["service_level"].ci_high == 1.0
    assert e["asa_s"].ci_low == 0.0
