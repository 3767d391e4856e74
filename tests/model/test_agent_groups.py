"""Agent groups, skills and routing: the two-tier desk is unchanged contact for contact, and the
routing rules hold on every sample path (who may take what, overflow delays, the queue
discipline per group, no agent idle while a contact it may take waits)."""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.experiments.erlang_check import StationaryDesk
from sim.experiments.replications import run_replication
from sim.measures.integrals import step_at
from sim.model import replication
from sim.model.records import ANSWERED, DeskRun
from sim.model.rng import Streams
from sim.scenario.scenario import Scenario
from tests.model.test_invariants import check_agents, check_contacts, count_at
from tests.scenarios import busy_desk, customer_desk, skills_desk

COLUMNS = (
    "arrival_min",
    "answer_min",
    "end_min",
    "handle_min",
    "type_code",
    "tier",
    "attempt",
    "outcome",
    "resolved",
    "follow_up",
    "parent",
    "customer",
    "complaint",
)

RECORDED = {
    "busy": "5dd1d675c136a9b473e1",
    "busy_reserved_delay": "8b958c1f5ff9533e7e2c",
    "customers": "26952804d40956e55e48",
    "customers_empowered": "0db35c3a2cfde64f3e8e",
    "customers_follow_up": "980fc6f89f5da3450ce1",
    "stationary": "1b7bccf046a9c1f3dd03",
}
"""Digests of every contact's record and the customer base's tables, recorded with the engine as
it was before agent groups (two pools, one per tier), NumPy 2.4; ``stationary`` (M/M/50+M,
13,680 calls a day, so a day's contacts are released in several chunks) with the engine as it was
before its timers became scheduled calls."""


def two_tier_cases() -> dict[str, Scenario]:
    return {
        "busy": busy_desk(),
        "busy_reserved_delay": busy_desk(
            routing={"email_reserved_agents": 2, "answer_delay": {"probability": 0.3}},
            demand={"patience_factor_by_queue_ahead": {0: 1.0, 3: 0.7}},
        ),
        "customers": customer_desk(),
        "customers_empowered": customer_desk(recovery={"kind": "empowered_front_line"}),
        "customers_follow_up": customer_desk(recovery={"kind": "proactive_follow_up"}),
        "stationary": StationaryDesk(570.0, 50, 5.0, 10.0, 20.0).scenario(30_000),
    }


def digest(run: DeskRun) -> str:
    """Every contact's record, the ids as 8-byte integers whatever the columns hold them in."""
    h = hashlib.sha256()
    for name in COLUMNS:
        column = getattr(run.contacts, name)
        if name in ("parent", "customer", "complaint"):
            column = column.astype(np.int64)
        h.update(np.ascontiguousarray(column).tobytes())
    if run.customers is not None:
        for table in ("daily", "episodes", "complaints", "accounts"):
            columns = getattr(run.customers, table)
            for name in sorted(columns):
                h.update(name.encode())
                h.update(np.ascontiguousarray(columns[name]).tobytes())
    return h.hexdigest()[:20]


def simulate(scenario: Scenario, seed: int = 5, replication_index: int = 1) -> DeskRun:
    return replication.simulate(scenario, Streams(seed, replication_index))


@pytest.mark.parametrize("name", list(RECORDED))
def test_two_tier_desks_are_unchanged_contact_for_contact(name: str) -> None:
    if not np.__version__.startswith("2.4."):
        pytest.skip(f"digests recorded with NumPy 2.4, this is {np.__version__}")
    assert digest(simulate(two_tier_cases()[name])) == RECORDED[name]


def as_groups(scenario: Scenario) -> Scenario:
    """The same desk written with agent groups: ``tier1`` and ``tier2`` with every skill."""
    data: dict[str, Any] = scenario.model_dump(mode="json", exclude={"staffing": {"tier1"}})
    tier1, tier2 = scenario.staffing.tier1, scenario.staffing.tier2
    assert tier1 is not None and tier2 is not None
    data["staffing"] = {
        "groups": {
            "tier1": {"tier": 1, "roster": tier1.model_dump(mode="json")},
            "tier2": {"tier": 2, "roster": tier2.model_dump(mode="json")},
        }
    }
    return Scenario.model_validate(data)


@pytest.mark.parametrize("name", ["busy_reserved_delay", "customers_empowered"])
def test_the_two_tiers_written_as_groups_are_the_same_desk(name: str) -> None:
    scenario = two_tier_cases()[name]
    grouped = as_groups(scenario)
    assert digest(simulate(grouped)) == digest(simulate(scenario))
    kpis = run_replication(scenario, 3, 0).kpis
    kpis_grouped = run_replication(grouped, 3, 0).kpis
    for name_, value in kpis.items():
        assert kpis_grouped[name_] == pytest.approx(value, nan_ok=True), name_
    assert kpis_grouped["occupancy_by_group.tier1"] == pytest.approx(kpis["occupancy_tier1"])


# --- routing on the sample path -------------------------------------------------------------------


def busy_spans(run: DeskRun, g: int) -> tuple[np.ndarray, np.ndarray]:
    c = run.contacts
    m = (c.group == g) & (c.outcome == ANSWERED)
    end = c.end_min[m] + run.wrap_up_min[c.type_code[m]]
    return c.answer_min[m], np.where(np.isnan(end), run.horizon_min, end)


def check_groups(run: DeskRun, scenario: Scenario) -> None:
    """Per group: busy never above present, present never below the roster; every answered
    contact went to a group of its tier with the skill, after the group's delay."""
    c = run.contacts
    groups = scenario.staffing.agent_groups
    answered = c.outcome == ANSWERED
    assert (c.group[answered] >= 0).all() and (c.group[~answered] == -1).all()
    assert (run.group_tier[c.group[answered]] == c.tier[answered]).all()
    routes = scenario.routing.contact_to_group.routes
    for g, (name, group) in enumerate(groups.items()):
        start, end = busy_spans(run, g)
        p_t, p_n = run.group_present[g]
        r_t, r_n = run.group_roster[g]
        times = np.unique(np.concatenate([p_t, r_t, start, end]))
        times = times[times < run.horizon_min]
        present = step_at(p_t, p_n, times)
        assert (count_at(start, end, times) <= present).all(), f"{name}: busier than present"
        assert (present >= step_at(r_t, r_n, times)).all(), f"{name}: fewer than rostered"
        mine = answered & (c.group == g)
        for k, type_name in enumerate(run.type_names):
            took = mine & (c.type_code == k)
            if took.any():
                assert group.skill(type_name) is not None, f"{name} answered {type_name}"
            route = routes.get(type_name)
            steps = (route.tier1 or []) if route is not None else []
            after = next((s.after_s / 60.0 for s in steps if s.group == name), 0.0)
            waited = c.answer_min[took] - c.arrival_min[took]
            assert (waited >= after - 1e-6).all(), f"{name} took {type_name} before {after} min"


def check_no_idle_while_eligible_waits(run: DeskRun, scenario: Scenario) -> None:
    """Halfway through every stretch a contact spends waiting while a group may take it (after
    that group's delay), every agent of that group present is busy."""
    c = run.contacts
    routes = scenario.routing.contact_to_group.routes
    left = np.where(np.isnan(c.answer_min), c.end_min, c.answer_min)
    left = np.where(np.isnan(left), run.horizon_min, left)
    front = c.tier == 1
    for g, name in enumerate(run.group_names):
        start, end = busy_spans(run, g)
        group = scenario.staffing.agent_groups[name]
        for k, type_name in enumerate(run.type_names):
            if group.tier != 1 or group.skill(type_name) is None:
                continue
            route = routes.get(type_name)
            steps = (route.tier1 or []) if route is not None else []
            after = next((s.after_s / 60.0 for s in steps if s.group == name), 0.0)
            mine = front & (c.type_code == k)
            eligible_from = c.arrival_min[mine] + after
            waits = eligible_from < left[mine] - 1e-6
            mid = (eligible_from[waits] + left[mine][waits]) / 2.0
            busy = count_at(start, end, mid)
            present = step_at(*run.group_present[g], mid)
            idle = busy < present
            assert not idle.any(), (
                f"{name}: {int(idle.sum())} times an agent idled while a {type_name} contact it "
                f"may take waited (first at {mid[idle][0]:.2f} min)"
            )


def test_routing_rules_hold_on_the_sample_path() -> None:
    scenario = skills_desk()
    run = simulate(scenario)
    check_contacts(run)
    check_agents(run)
    check_groups(run, scenario)
    check_no_idle_while_eligible_waits(run, scenario)
    c = run.contacts
    names = list(run.group_names)
    enquiry = run.type_names.index("enquiry")
    team, generalists = names.index("enquiry_team"), names.index("generalists")
    answered = c.outcome == ANSWERED
    assert ((c.group == team) & answered & (c.type_code != enquiry)).sum() == 0
    overflowed = answered & (c.type_code == enquiry) & (c.group == generalists)
    assert overflowed.sum() > 20, "the generalists take enquiries once they have waited 20 s"


def test_the_groups_resolution_and_handle_time_apply() -> None:
    scenario = skills_desk()
    run = simulate(scenario)
    c = run.contacts
    team = list(run.group_names).index("enquiry_team")
    done = (c.group == team) & (c.resolved >= 0)
    # resolve_prob 0.9 replaces the enquiry's 0.7: a binomial 99.9% interval
    n, share = int(done.sum()), float(np.mean(c.resolved[done] == 1))
    half = 3.29 * np.sqrt(0.9 * 0.1 / n)
    assert abs(share - 0.9) < half, f"{share:.3f} of {n} resolved, expected 0.9 ± {half:.3f}"
    # handle time: exponential, mean 5 min × 0.8
    handle = c.handle_min[(c.group == team) & (c.outcome == ANSWERED) & (c.tier == 1)]
    half = 3.29 * 4.0 / np.sqrt(len(handle))
    assert abs(handle.mean() - 4.0) < half, f"mean handle {handle.mean():.2f}, expected 4 ± {half}"


def overflow_share(after_s: float) -> float:
    scenario = skills_desk(
        routing={
            "contact_to_group": {
                "routes": {
                    "enquiry": {
                        "tier1": [
                            {"group": "enquiry_team"},
                            {"group": "generalists", "after_s": after_s},
                        ]
                    }
                }
            }
        }
    )
    c = simulate(scenario).contacts
    enquiry = c.type_code == 1
    answered = enquiry & (c.outcome == ANSWERED) & (c.tier == 1)
    return float(np.mean(c.group[answered] == 0))


def test_a_longer_overflow_delay_keeps_more_work_with_the_specialists() -> None:
    shares = [overflow_share(a) for a in (0.0, 30.0, 120.0, 86_400.0)]
    assert shares[0] > shares[1] > shares[2] > shares[3] == 0.0, shares


def test_longest_idle_spreads_work_and_fastest_prefers_the_quicker_group() -> None:
    both = {
        "generalists": {"skills": "all"},
        "enquiry_team": {"skills": {"enquiry": {"handle_time_factor": 0.5}}},
    }
    plain_route = {
        "routes": {"enquiry": {"tier1": [{"group": "generalists"}, {"group": "enquiry_team"}]}}
    }

    def team_share(selection: str) -> float:
        scenario = skills_desk(
            staffing={"groups": both},
            routing={"contact_to_group": plain_route, "agent_selection": {"kind": selection}},
        )
        c = simulate(scenario).contacts
        answered = (c.type_code == 1) & (c.outcome == ANSWERED) & (c.tier == 1)
        return float(np.mean(c.group[answered] == 1))

    in_order, longest_idle, fastest = (
        team_share(s) for s in ("route_order", "longest_idle", "fastest")
    )
    assert in_order < longest_idle < fastest, (in_order, longest_idle, fastest)


def test_agent_to_contact_policies() -> None:
    """Priority: an agent never takes an enquiry while an urgent call it may take waits;
    longest waiting: an agent never takes a call while one it may take has waited longer."""
    for kind in ("priority", "longest_waiting"):
        scenario = skills_desk(routing={"agent_to_contact": {"kind": kind}})
        run = simulate(scenario)
        c = run.contacts
        gen = list(run.group_names).index("generalists")
        left = np.where(np.isnan(c.answer_min), c.end_min, c.answer_min)
        left = np.where(np.isnan(left), np.inf, left)
        phone = (c.tier == 1) & np.isin(c.type_code, [0, 1])
        took = phone & (c.group == gen)
        for cid in np.flatnonzero(took):
            t = c.answer_min[cid]
            # waiting then, and the generalists may take it (enquiries after 20 s)
            ready = np.where(c.type_code == 1, c.arrival_min + 20 / 60, c.arrival_min)
            waiting = phone & (c.arrival_min < t) & (left > t + 1e-9) & (ready <= t - 1e-9)
            if kind == "priority":
                ahead = waiting & (c.type_code < c.type_code[cid])
            else:
                ahead = waiting & (c.arrival_min < c.arrival_min[cid] - 1e-9)
            assert not ahead.any(), f"{kind}: contact {cid} taken at {t:.2f} ahead of others"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    generalists=st.integers(1, 5),
    team=st.integers(0, 5),
    after_s=st.sampled_from([0.0, 10.0, 60.0, 600.0]),
    factor=st.floats(0.5, 2.0),
    selection=st.sampled_from(["route_order", "longest_idle", "fastest"]),
    service=st.sampled_from(["priority", "longest_waiting"]),
    volume=st.floats(50, 500),
    seed=st.integers(0, 2**31),
)
def test_routing_rules_hold_for_any_parameters(
    generalists: int,
    team: int,
    after_s: float,
    factor: float,
    selection: str,
    service: str,
    volume: float,
    seed: int,
) -> None:
    scenario = skills_desk(
        calendar={"horizon_days": 2},
        staffing={
            "groups": {
                "generalists": {"roster": {"kind": "fixed", "agents": generalists}},
                "enquiry_team": {
                    "roster": {"kind": "fixed", "agents": team},
                    "skills": {"enquiry": {"handle_time_factor": factor}},
                },
            }
        },
        routing={
            "contact_to_group": {
                "routes": {
                    "enquiry": {
                        "tier1": [
                            {"group": "enquiry_team"},
                            {"group": "generalists", "after_s": after_s},
                        ]
                    }
                }
            },
            "agent_selection": {"kind": selection},
            "agent_to_contact": {"kind": service},
        },
        demand={"contact_types": {"enquiry": {"daily_volume": {"mon": volume, "tue": volume}}}},
    )
    run = simulate(scenario, seed)
    check_contacts(run)
    check_agents(run)
    check_groups(run, scenario)
    check_no_idle_while_eligible_waits(run, scenario)
