"""Invariants of the desk that must hold on every sample path, whatever the parameters.

Each check reads the records of a run: contacts are conserved and causally ordered, agents are never
busier than present, rosters and shift ends are honoured, and the queue discipline (phone before
email, priority, first come first served) is respected.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.measures.integrals import step_at
from sim.model import replication
from sim.model.records import (
    ABANDONED,
    ANSWERED,
    DISCONNECTED,
    ESCALATED,
    NO_FOLLOW_UP,
    REPEAT,
    RETRIAL,
    WAITING,
    ContactTable,
    DeskRun,
)
from sim.model.rng import Streams
from sim.scenario.scenario import Scenario
from tests.scenarios import busy_desk


def simulate(scenario: Scenario, seed: int = 3) -> DeskRun:
    return replication.simulate(scenario, Streams(seed, 0))


def busy_intervals(run: DeskRun, tier: int) -> tuple[np.ndarray, np.ndarray]:
    c = run.contacts
    m = (c.tier == tier) & (c.outcome == ANSWERED)
    start = c.answer_min[m]
    end = c.end_min[m] + run.wrap_up_min[c.type_code[m]]
    return start, np.where(np.isnan(end), run.horizon_min, end)


def count_at(starts: np.ndarray, ends: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Number of spans [start, end) containing each time t (right-continuous)."""
    return np.searchsorted(np.sort(starts), t, side="right") - np.searchsorted(
        np.sort(ends), t, side="right"
    )


def check_contacts(run: DeskRun) -> None:
    c = run.contacts
    n = len(c)
    assert np.isin(c.outcome, [WAITING, ANSWERED, ABANDONED, DISCONNECTED]).all()
    # offered = answered + abandoned + disconnected + still queued at the horizon
    counts = np.bincount(c.outcome, minlength=4)
    assert counts.sum() == n
    waiting = c.outcome == WAITING
    assert np.isnan(c.answer_min[waiting]).all() and np.isnan(c.end_min[waiting]).all()
    answered = c.outcome == ANSWERED
    assert (c.answer_min[answered] >= c.arrival_min[answered]).all(), "negative wait"
    done = answered & ~np.isnan(c.end_min)
    assert np.allclose(c.end_min[done] - c.answer_min[done], c.handle_min[done], atol=1e-4)
    gave_up = (c.outcome == ABANDONED) | (c.outcome == DISCONNECTED)
    assert (c.end_min[gave_up] >= c.arrival_min[gave_up]).all()
    assert np.isnan(c.answer_min[gave_up]).all()
    assert (c.arrival_min < run.horizon_min).all()
    # Every follow-up contact points at a parent flagged with the matching follow-up, arrives
    # after the parent left, and at most one child per parent.
    child = np.flatnonzero(c.parent >= 0)
    parent = c.parent[child]
    assert len(np.unique(parent)) == len(parent)
    assert (parent < child).all()
    assert np.isin(c.follow_up[parent], [ESCALATED, REPEAT, RETRIAL]).all()
    assert (c.arrival_min[child] >= c.end_min[parent] - 1e-9).all()
    escalated = c.follow_up[parent] == ESCALATED
    assert (c.tier[child[escalated]] == 2).all()
    assert (c.tier[child[~escalated]] == 1).all()
    assert (c.type_code[child] == c.type_code[parent]).all()
    assert (c.attempt[child[~escalated]] == c.attempt[parent[~escalated]] + 1).all()
    # A flagged parent with no child had its follow-up land after the horizon (or never reopen).
    flagged = np.flatnonzero(c.follow_up != NO_FOLLOW_UP)
    orphans = np.setdiff1d(flagged, parent)
    assert (c.follow_up[orphans] != ESCALATED).all()
    retry = c.follow_up == RETRIAL
    assert (gave_up | ~retry).all(), "only callers who gave up retry"


def check_agents(run: DeskRun) -> None:
    for tier in (1, 2):
        r_t, r_n = run.roster[tier]
        p_t, p_n = run.present[tier]
        start, end = busy_intervals(run, tier)
        times = np.unique(np.concatenate([r_t, p_t, start, end]))
        times = times[times < run.horizon_min]
        busy = count_at(start, end, times)
        present = step_at(p_t, p_n, times)
        roster = step_at(r_t, r_n, times)
        assert (busy <= present).all(), f"tier {tier}: more busy agents than present"
        assert (present >= roster).all(), f"tier {tier}: fewer agents than rostered"
        # Agents beyond the roster are those finishing a contact after their shift ended.
        assert (present - roster <= busy).all(), f"tier {tier}: idle agents after shift end"
        # No contact is answered when nobody is rostered.
        assert (step_at(r_t, r_n, start) > 0).all(), f"tier {tier}: answered while closed"


def check_discipline(run: DeskRun, scenario: Scenario) -> None:
    """Phone before email, lower priority number first, FCFS within a class (channel and
    priority, across the contact types sharing it)."""
    c = run.contacts
    types = list(scenario.demand.contact_types.values())
    keys = sorted({(t.channel, t.priority) for t in types})
    for tier in (1, 2):
        for key in keys:
            codes = [k for k, t in enumerate(types) if (t.channel, t.priority) == key]
            m = (c.tier == tier) & np.isin(c.type_code, codes) & (c.outcome == ANSWERED)
            order = np.argsort(c.arrival_min[m], kind="stable")
            assert (np.diff(c.answer_min[m][order]) >= -1e-9).all(), f"not FCFS within {key}"
        if scenario.routing.email_reserved_agents:
            continue
        for k, ctype in enumerate(types):
            served = (c.tier == tier) & (c.type_code == k) & (c.outcome == ANSWERED)
            t = c.answer_min[served]
            for j, other in enumerate(types):
                ahead = (
                    (other.channel, other.priority) < (ctype.channel, ctype.priority)
                    if other.channel == ctype.channel
                    else other.channel == "phone"
                )
                if not ahead:
                    continue
                w = (c.tier == tier) & (c.type_code == j)
                left = np.where(np.isnan(c.answer_min), c.end_min, c.answer_min)[w]
                left = np.where(np.isnan(left), np.inf, left)
                arr = np.sort(c.arrival_min[w])
                waiting = np.searchsorted(arr, t, side="left") - np.searchsorted(
                    np.sort(left), t, side="right"
                )
                assert (waiting <= 0).all(), (
                    f"tier {tier}: a '{ctype.channel}' contact of priority {ctype.priority} was "
                    f"answered while a higher class ({other.channel}, {other.priority}) waited"
                )


def test_busy_desk_invariants() -> None:
    scenario = busy_desk()
    run = simulate(scenario)
    assert len(run.contacts) > 1000
    assert {ABANDONED, ANSWERED} <= set(np.unique(run.contacts.outcome))
    assert (run.contacts.follow_up == ESCALATED).any() and (run.contacts.follow_up == REPEAT).any()
    check_contacts(run)
    check_agents(run)
    check_discipline(run, scenario)


def test_types_of_equal_priority_share_one_queue() -> None:
    """Urgent requests and enquiries at the same priority are served in arrival order."""
    scenario = busy_desk(demand={"contact_types": {"enquiry": {"priority": 1}}})
    run = simulate(scenario)
    check_discipline(run, scenario)
    c = run.contacts
    both = (c.tier == 1) & (c.type_code <= 1) & (c.outcome == ANSWERED)
    assert len(np.unique(c.type_code[both])) == 2


def test_shift_end_lets_agents_finish_and_nobody_starts_after() -> None:
    """One morning shift 08:00–12:00: answers only inside it; calls in progress may end later."""
    scenario = busy_desk(
        staffing={
            "tier1": {
                "kind": "shifts",
                "shrinkage_fraction": 0.0,
                "shifts": [{"start_h": 8, "length_h": 4, "days": ["mon"], "agents": 3}],
                "allow_gaps": True,  # nobody after 12:00
            }
        },
        calendar={"horizon_days": 1},
    )
    run = simulate(scenario)
    c = run.contacts
    front = (c.tier == 1) & (c.outcome == ANSWERED)
    assert (c.answer_min[front] >= 8 * 60).all() and (c.answer_min[front] < 12 * 60).all()
    assert (c.end_min[front] > 12 * 60).any(), "someone should still be talking at 12:00"
    p_t, p_n = run.present[1]
    assert step_at(p_t, p_n, np.array([12 * 60 + 120.0]))[0] == 0
    check_agents(run)


def test_email_reserved_agents_work_email_while_callers_wait() -> None:
    without = simulate(busy_desk())
    reserved = simulate(busy_desk(routing={"email_reserved_agents": 2}))
    c0, c1 = without.contacts, reserved.contacts

    def median_wait(c: ContactTable, k: int) -> float:
        return float(np.median(c.wait_min[(c.type_code == k) & (c.outcome == ANSWERED)]))

    email, enquiry = 2, 1
    # Medians: a few emails left at closing time wait overnight and dominate the mean.
    assert median_wait(c1, email) < median_wait(c0, email) / 2

    def abandon_share(c: ContactTable, k: int) -> float:
        return float(np.mean(c.outcome[(c.type_code == k) & (c.tier == 1)] == ABANDONED))

    assert abandon_share(c1, enquiry) > abandon_share(c0, enquiry), "callers pay for it"
    check_agents(reserved)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    agents=st.integers(1, 6),  # a front line without agents is refused by the scenario
    tier2=st.integers(0, 3),
    volume=st.floats(10, 400),
    patience_min=st.floats(0.2, 30),
    retry=st.floats(0, 1),
    fcr=st.floats(0, 1),
    escalate=st.floats(0, 1),
    shrinkage=st.floats(0, 0.5),
    reserved=st.integers(0, 2),
    seed=st.integers(0, 2**31),
)
def test_invariants_hold_for_any_parameters(
    agents: int,
    tier2: int,
    volume: float,
    patience_min: float,
    retry: float,
    fcr: float,
    escalate: float,
    shrinkage: float,
    reserved: int,
    seed: int,
) -> None:
    scenario = busy_desk(
        calendar={"horizon_days": 2},
        staffing={
            "tier1": {"kind": "fixed", "agents": agents, "shrinkage_fraction": shrinkage},
            "tier2": {"kind": "fixed", "agents": tier2},
        },
        routing={"email_reserved_agents": reserved},
        demand={
            "contact_types": {
                "enquiry": {
                    "daily_volume": {"mon": volume, "tue": volume},
                    "patience": {"kind": "exponential", "mean_min": patience_min},
                    "retrial": {"probability": retry},
                    "resolution": {"first_contact_prob": fcr, "escalate_prob": escalate},
                }
            }
        },
    )
    run = simulate(scenario, seed)
    check_contacts(run)
    check_agents(run)
    check_discipline(run, scenario)


@pytest.mark.parametrize("cv", [0.0, 0.3])
def test_no_arrivals_outside_opening_hours(cv: float) -> None:
    scenario = busy_desk(demand={"day_volume_cv": cv})
    run = simulate(scenario)
    c = run.contacts
    primary = c.parent < 0
    minute_of_day = c.arrival_min[primary] % 1440
    assert ((minute_of_day >= 8 * 60) & (minute_of_day < 18 * 60)).all()
    holiday = 2  # 2027-03-03 is the third simulated day
    assert not (
        (c.arrival_min >= holiday * 1440)
        & (c.arrival_min < (holiday + 1) * 1440)
        & run.is_phone[c.type_code]
    ).any()


def test_after_hours_callbacks_are_spread_over_the_first_hour() -> None:
    """Retrials due overnight do not all land at the opening instant."""
    scenario = busy_desk(routing={"after_hours_spread_min": 60})
    c = simulate(scenario).contacts
    late = (c.parent >= 0) & (c.tier == 1) & (c.arrival_min % 1440 < 9 * 60)
    at_open = np.isclose(c.arrival_min[late] % 1440, 8 * 60)
    assert late.sum() > 10 and not at_open.any()
    bunched = simulate(busy_desk(routing={"after_hours_spread_min": 0})).contacts
    late0 = (bunched.parent >= 0) & np.isclose(bunched.arrival_min % 1440, 8 * 60)
    assert late0.sum() > 10


def test_patience_scales_with_the_callers_waiting_ahead() -> None:
    """Fixed 6-min patience scaled by {0: 1, 2: 0.5, 5: 0.25} for the phone callers already
    waiting at the tier: every caller who hangs up waited exactly 6 min times their factor, and
    every caller answered from the queue waited less."""
    factors = {0: 1.0, 2: 0.5, 5: 0.25}
    fixed = {"patience": {"kind": "fixed", "value_min": 6.0}}
    scenario = busy_desk(
        demand={
            "patience_factor_by_queue_ahead": factors,
            "contact_types": {"urgent": fixed, "enquiry": fixed},
        }
    )
    run = simulate(scenario)
    check_contacts(run)
    c = run.contacts
    wait = c.wait_min
    queued = (c.tier == 1) & run.is_phone[c.type_code] & (wait > 0)
    start, end = c.arrival_min[queued], c.arrival_min[queued] + wait[queued]
    ahead = count_at(start, end, start) - 1  # the others still waiting when each one joined
    keys = np.array(sorted(factors))
    factor = np.array([factors[k] for k in keys])[np.searchsorted(keys, ahead, "right") - 1]
    limit = 6.0 * factor
    gave_up = c.outcome[queued] == ABANDONED
    np.testing.assert_allclose(wait[queued][gave_up], limit[gave_up], rtol=1e-9)
    assert (wait[queued][~gave_up] <= limit[~gave_up] + 1e-9).all()
    for k in keys:  # every band of the queue is exercised
        assert (gave_up & (factor == factors[k])).sum() >= 5, k


@pytest.mark.parametrize("probability", [1.0, 0.5])
def test_answer_delay_makes_callers_who_find_a_free_agent_wait(probability: float) -> None:
    """A desk with agents to spare and a fixed 1-minute answer delay: a front-line caller is
    either answered at once or, with the delay's probability, after exactly 1 minute; one whose
    patience is shorter hangs up at their patience. Escalated callers are not delayed."""
    scenario = busy_desk(
        staffing={
            "tier1": {"kind": "fixed", "agents": 60},
            "tier2": {"kind": "fixed", "agents": 30},
        },
        routing={
            "answer_delay": {
                "probability": probability,
                "delay": {"kind": "fixed", "value_min": 1.0},
            }
        },
    )
    run = simulate(scenario)
    check_contacts(run)
    check_agents(run)
    c = run.contacts
    front = (c.tier == 1) & run.is_phone[c.type_code]
    wait = c.wait_min
    answered = front & (c.outcome == ANSWERED)
    delayed = np.isclose(wait, 1.0)
    assert (np.isclose(wait[answered], 0.0) | delayed[answered]).all()
    gave_up = front & (c.outcome == ABANDONED)
    assert gave_up.any() and (wait[gave_up] < 1.0 + 1e-9).all()
    n = int((answered | gave_up).sum())  # the few disconnected at closing time left out
    share = (delayed[answered].sum() + gave_up.sum()) / n
    assert abs(share - probability) <= 4 * math.sqrt(probability * (1 - probability) / n) + 1e-12
    escalated = (c.tier == 2) & run.is_phone[c.type_code] & (c.outcome == ANSWERED)
    assert escalated.any() and np.isclose(wait[escalated], 0.0).all()
