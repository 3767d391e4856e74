"""Queueing rosters per agent group: the forecast split along the tier-1 routes.

A desk with one front-line group staffs exactly as the pooled front line; specialists with
disjoint skills each staff by Erlang on their own type; a group with a fixed roster ahead in a
route passes on its Erlang B overflow; the requirement rises with the load; and a simulated
stationary desk staffed this way reaches its service-level target per group's own type.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy.optimize import brentq

from sim.experiments.multi_skill_check import StationaryMultiSkill
from sim.experiments.replications import run_scenario
from sim.model.agents import staffing_steps
from sim.model.arrivals import interval_rates
from sim.model.calendar import CalendarPlan
from sim.model.staffing import RouteSplit, required_agents
from sim.queueing import agents_for_service_level, erlang_b, erlang_c_kpis
from sim.scenario.loading import load_scenario
from sim.scenario.scenario import Scenario
from sim.scenario.staffing import QueueingRoster
from tests.scenarios import busy_desk

PARAMS = Path(__file__).resolve().parents[2] / "params"

WIDTH = 30.0
"""The busy desk's planning interval, minutes."""


def grouped(
    groups: dict[str, Any], routes: dict[str, Any] | None = None, **volumes: float
) -> Scenario:
    """:func:`busy_desk` (phone types urgent and enquiry, email) with these tier-1 groups, an
    escalation team, tier-1 routes, and daily volumes by type."""
    base = busy_desk().model_dump(mode="json", exclude={"staffing": {"tier1", "tier2"}})
    base["staffing"]["groups"] = groups | {
        "escalation": {"tier": 2, "roster": {"kind": "fixed", "agents": 2}}
    }
    base["routing"]["contact_to_group"] = {
        "kind": "priority_list",
        "routes": {k: {"tier1": steps} for k, steps in (routes or {}).items()},
    }
    for name, volume in volumes.items():
        base["demand"]["contact_types"][name]["daily_volume"] = {
            d: volume for d in base["demand"]["contact_types"][name]["daily_volume"]
        }
    return Scenario.model_validate(base)


def requirement(scenario: Scenario, group: str) -> np.ndarray:
    """Rostered agents per open interval (before shrinkage) of a group's queueing roster."""
    roster = scenario.staffing.agent_groups[group].roster
    assert isinstance(roster, QueueingRoster)
    plan = CalendarPlan.from_config(scenario.calendar)
    groups = scenario.staffing.agent_groups

    def available(name: str) -> tuple[np.ndarray, np.ndarray]:
        return staffing_steps(groups[name].roster, plan, scenario, group=name)

    return np.array([n for _, _, n in required_agents(roster, scenario, plan, group, available)])


def per_interval(scenario: Scenario, type_name: str) -> np.ndarray:
    """A type's expected arrivals per minute in each open interval of the desk's days."""
    ctype = scenario.demand.contact_types[type_name]
    weights = np.asarray(scenario.demand.profiles["day"], dtype=float)
    day = ctype.daily_volume.of("mon") * weights / weights.sum() / WIDTH
    plan = CalendarPlan.from_config(scenario.calendar)
    return np.concatenate([day for d in plan.days if len(plan.interval_starts(d))])


def erlang_c_agents(rate: float, aht: float, target: float = 0.8) -> int:
    return agents_for_service_level(rate, aht, target, 20.0) if rate > 0 else 0


# --- one front-line group: exactly the pooled front line ---------------------------------------


@pytest.mark.parametrize(
    "roster",
    [
        {"kind": "erlang_c", "target_service_level": 0.8, "shrinkage_fraction": 0.26},
        {"kind": "erlang_a", "target_service_level": 0.85, "load_factor": 1.1},
        {"kind": "square_root", "beta": 0.7, "min_agents": 3, "shrinkage_fraction": 0.2},
    ],
    ids=lambda r: r["kind"],
)
def test_one_front_line_group_staffs_exactly_as_the_pooled_front_line(
    roster: dict[str, Any],
) -> None:
    """The baseline year with a queueing front line: the per-group split (two-tier form, and
    the same desk written as groups under other names) gives the same spans as the pooled
    computation, interval for interval."""
    data = load_scenario(PARAMS / "baseline.yaml").model_dump(mode="json")
    data["staffing"]["tier1"] = roster
    two_tier = Scenario.model_validate(data)
    plan = CalendarPlan.from_config(two_tier.calendar)
    assert isinstance(two_tier.staffing.tier1, QueueingRoster)
    pooled = required_agents(two_tier.staffing.tier1, two_tier, plan)
    assert required_agents(two_tier.staffing.tier1, two_tier, plan, "tier1") == pooled
    tier2 = data["staffing"].pop("tier2")
    data["staffing"] = {
        "groups": {
            "front": {"tier": 1, "roster": data["staffing"].pop("tier1")},
            "back": {"tier": 2, "roster": tier2},
        }
    }
    as_groups = Scenario.model_validate(data)
    steps = staffing_steps(
        as_groups.staffing.agent_groups["front"].roster, plan, as_groups, group="front"
    )
    pooled_steps = staffing_steps(two_tier.staffing.tier1, plan, two_tier)
    assert all(np.array_equal(a, b) for a, b in zip(steps, pooled_steps, strict=True))


# --- hand-computed splits ----------------------------------------------------------------------


def test_specialists_with_disjoint_skills_each_staff_for_their_own_type() -> None:
    """Each group sees its own type alone: Erlang C (urgent, 10% faster) and Erlang A (enquiry,
    with its wrap-up, its patience, and the email's average load), over shrinkage."""
    scenario = grouped(
        {
            "urgent_team": {
                "roster": {"kind": "erlang_c", "shrinkage_fraction": 0.2},
                "skills": {"urgent": {"handle_time_factor": 0.9}},
            },
            "enquiry_team": {
                "roster": {"kind": "erlang_a", "target_service_level": 0.7},
                "skills": {"enquiry": {}, "email": {}},
            },
        }
    )
    urgent = per_interval(scenario, "urgent")
    expected = [math.ceil(erlang_c_agents(r, 6.0 * 0.9) / 0.8 - 1e-9) for r in urgent]
    assert requirement(scenario, "urgent_team").tolist() == expected

    enquiry = per_interval(scenario, "enquiry")
    email_agents = math.ceil(80 * 8.0 / (10 * 60.0))  # 80 emails of 8 min over a 10-h day
    expected = [
        agents_for_service_level(r, 5.5, 0.7, 20.0, mean_patience_min=3.0) + email_agents
        for r in enquiry
    ]
    assert requirement(scenario, "enquiry_team").tolist() == expected


def test_a_fixed_group_ahead_in_the_route_passes_on_its_erlang_b_overflow() -> None:
    """Enquiries try a fixed team of 3 first; the generalists (Erlang C) staff for urgent calls,
    the enquiries the team blocks (Erlang B at the team's load, its handle-time factor 0.8),
    and the email."""
    scenario = grouped(
        {
            "generalists": {"roster": {"kind": "erlang_c", "min_agents": 0}},
            "enquiry_team": {
                "roster": {"kind": "fixed", "agents": 3},
                "skills": {"enquiry": {"handle_time_factor": 0.8}},
            },
        },
        {"enquiry": [{"group": "enquiry_team"}, {"group": "generalists", "after_s": 10}]},
    )
    urgent, enquiry = per_interval(scenario, "urgent"), per_interval(scenario, "enquiry")
    email_agents = math.ceil(80 * 8.0 / (10 * 60.0))
    expected = []
    for u, e in zip(urgent, enquiry, strict=True):
        over = e * erlang_b(3, e * (5.0 * 0.8 + 0.5))
        rate = u + over
        aht = (u * 6.0 + over * 5.5) / rate
        expected.append(erlang_c_agents(rate, aht) + email_agents)
    got = requirement(scenario, "generalists")
    assert got.tolist() == expected
    pooled = [
        erlang_c_agents(u + e, (u * 6.0 + e * 5.5) / (u + e)) + 2
        for u, e in zip(urgent, enquiry, strict=True)
    ]
    assert np.all(got <= pooled) and np.any(got < pooled), "the team takes part of the work"


def test_routes_through_each_others_groups_solve_the_erlang_fixed_point() -> None:
    """Urgent calls try team A then team B, enquiries B then A, then both go to the
    generalists: the share reaching them is the product of the two blockings at the fixed
    point ``B_a = E(3, a_a(B_b))``, ``B_b = E(4, a_b(B_a))``, solved here independently."""
    scenario = grouped(
        {
            "generalists": {"roster": {"kind": "square_root", "beta": 0.0, "min_agents": 0}},
            "team_a": {
                "roster": {"kind": "fixed", "agents": 3},
                "skills": {"urgent": {}, "enquiry": {"handle_time_factor": 1.2}},
            },
            "team_b": {
                "roster": {"kind": "fixed", "agents": 4},
                "skills": {"urgent": {"handle_time_factor": 1.5}, "enquiry": {}},
            },
        },
        {
            "urgent": [{"group": "team_a"}, {"group": "team_b"}, {"group": "generalists"}],
            "enquiry": [{"group": "team_b"}, {"group": "team_a"}, {"group": "generalists"}],
        },
        email=0,
    )
    urgent, enquiry = per_interval(scenario, "urgent"), per_interval(scenario, "enquiry")
    reach, expected = [], []
    for u, e in zip(urgent, enquiry, strict=True):

        def blocking_b(b_a: float, u: float = u, e: float = e) -> float:
            return erlang_b(4, e * 5.5 + u * b_a * 9.0)

        def gap(b_a: float, u: float = u, e: float = e) -> float:
            return erlang_b(3, u * 6.0 + e * blocking_b(b_a) * 6.5) - b_a

        b_a = brentq(gap, 0.0, 1.0, xtol=1e-14)
        reach.append(b_a * blocking_b(b_a))
        load = (u * 6.0 + e * 5.5) * reach[-1]  # the generalists' own handle times
        expected.append(max(1, math.ceil(load - 1e-9)))
    plan = CalendarPlan.from_config(scenario.calendar)
    groups = scenario.staffing.agent_groups
    split = RouteSplit(
        scenario, plan, lambda g: staffing_steps(groups[g].roster, plan, scenario, group=g)
    )
    day = next(d for d in plan.days if len(plan.interval_starts(d)))
    starts = plan.interval_starts(day)
    shares = split.shares("generalists", interval_rates(plan, scenario.demand, day), starts)
    assert shares[0] == pytest.approx(reach[: len(starts)], rel=1e-9)  # urgent
    assert shares[1] == pytest.approx(reach[: len(starts)], rel=1e-9)  # enquiry
    assert max(reach) > 0.1, "the overflow matters"
    assert requirement(scenario, "generalists").tolist() == expected


def test_a_queueing_group_nothing_reaches_gets_its_minimum() -> None:
    """Two queueing groups with every skill: the default route tries them in order, so the
    first staffs for the whole front line and the second gets ``min_agents``."""
    first = {"roster": {"kind": "erlang_c", "shrinkage_fraction": 0.1}}
    scenario = grouped(
        {"first": first, "second": {"roster": {"kind": "erlang_c", "min_agents": 2}}}
    )
    assert set(requirement(scenario, "second").tolist()) == {2}
    alone = grouped({"first": first})
    assert requirement(scenario, "first").tolist() == requirement(alone, "first").tolist()


@pytest.mark.parametrize(
    ("changed", "volumes", "group"),
    [
        ("enquiry", (300.0, 360.0, 450.0, 600.0), "generalists"),
        ("email", (80.0, 200.0, 400.0), "generalists"),
        ("urgent", (60.0, 90.0, 150.0, 300.0), "urgent_team"),
    ],
)
def test_more_load_on_a_type_never_lowers_its_groups_requirement(
    changed: str, volumes: tuple[float, ...], group: str
) -> None:
    """More of a type (enquiries overflow a fixed team to the generalists; email goes to the
    generalists; urgent calls to their own team): the requirement of the group that answers it
    does not fall in any interval and rises overall, and the other queueing group's does not
    move."""

    def desk(volume: float, team: int = 3) -> Scenario:
        return grouped(
            {
                "generalists": {"roster": {"kind": "erlang_c"}},
                "enquiry_team": {
                    "roster": {"kind": "fixed", "agents": team},
                    "skills": {"enquiry": {}},
                },
                "urgent_team": {"roster": {"kind": "erlang_a"}, "skills": {"urgent": {}}},
            },
            {
                "enquiry": [{"group": "enquiry_team"}, {"group": "generalists"}],
                "urgent": [{"group": "urgent_team"}],
            },
            **{changed: volume},
        )

    levels = [requirement(desk(v), group) for v in volumes]
    for low, high in itertools.pairwise(levels):
        assert np.all(high >= low)
    assert levels[-1].sum() > levels[0].sum()
    other = "urgent_team" if group == "generalists" else "generalists"
    assert np.array_equal(
        requirement(desk(volumes[0]), other), requirement(desk(volumes[-1]), other)
    )
    if changed == "enquiry":  # a larger team ahead takes more of the enquiries
        larger_team = requirement(desk(volumes[0], team=6), group)
        assert np.all(larger_team <= levels[0]) and larger_team.sum() < levels[0].sum()


# --- the simulation is the judge ---------------------------------------------------------------


SIM_DESKS = {
    # specialists with disjoint skills: each group is an M/M/n queue of its own
    "disjoint": (
        StationaryMultiSkill(
            arrivals_per_h={"a": 60.0, "b": 40.0},
            patience_min={"a": None, "b": None},
            agents={"team_a": 1, "team_b": 1},
            handle_min={"a": {"team_a": 5.0}, "b": {"team_b": 6.0}},
            route={"a": ["team_a"], "b": ["team_b"]},
        ),
        {"team_a": "a", "team_b": "b"},
    ),
    # b tries a fixed team of 3 first, the generalists (Erlang C) take a and b's overflow
    "fixed_team_first": (
        StationaryMultiSkill(
            arrivals_per_h={"a": 60.0, "b": 40.0},
            patience_min={"a": None, "b": None},
            agents={"generalists": 1, "b_team": 3},
            handle_min={"a": {"generalists": 5.0}, "b": {"b_team": 6.0, "generalists": 6.0}},
            route={"a": ["generalists"], "b": ["b_team", "generalists"]},
        ),
        {"generalists": "a"},
    ),
}


@pytest.mark.parametrize("name", list(SIM_DESKS))
def test_simulated_desk_staffed_per_group_reaches_the_target(name: str) -> None:
    """A stationary desk (Poisson arrivals, exponential handle times, patient callers) whose
    queueing groups are staffed by Erlang C for an 80/20 service level: the simulated service
    level of each group's own type (answered by it alone) is not below the target (the 95%
    interval of 10 replications reaches it) and within 0.04 of what Erlang C predicts for the
    group's calls at the staffed agents (the approximation's error; measured 0.001 for the
    disjoint desk, where it is exact, and 0.013 with the fixed team, where it is
    conservative)."""
    desk, own = SIM_DESKS[name]
    data = desk.scenario(20_000).model_dump(mode="json")
    for group in own:
        data["staffing"]["groups"][group]["roster"] = {"kind": "erlang_c"}
    scenario = Scenario.model_validate(data)
    plan = CalendarPlan.from_config(scenario.calendar)
    groups = scenario.staffing.agent_groups
    result = run_scenario(scenario, 10, 7, workers=1)
    for group, type_name in own.items():
        agents = int(staffing_steps(groups[group].roster, plan, scenario, group=group)[1].max())
        rate, aht = desk.arrivals_per_h[type_name] / 60.0, desk.handle_min[type_name][group]
        for other, per in desk.handle_min.items():  # overflow of the types tried elsewhere first
            first = desk.route[other][0]
            if other != type_name and group in per and first != group:
                load = desk.arrivals_per_h[other] / 60.0 * desk.handle_min[other][first]
                over = desk.arrivals_per_h[other] / 60.0 * erlang_b(desk.agents[first], load)
                aht = (rate * aht + over * per[group]) / (rate + over)
                rate += over
        assert agents == agents_for_service_level(rate, aht, 0.8, 20.0), "the fewest"
        predicted = erlang_c_kpis(rate, agents, aht, 20.0).service_level
        sl = result.summary[f"service_level_by_type.{type_name}"]
        assert sl.ci_high >= 0.8, (group, sl)
        assert abs(sl.mean - predicted) <= 0.04, (group, sl, predicted)
