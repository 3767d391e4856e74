"""Callbacks (virtual hold) against a case with a known answer, and their bookkeeping.

When every caller who would have to wait accepts a callback and is always reached, nobody
abandons and the callbacks are made in the order of the calls: an Erlang A desk becomes the
Erlang C desk with the same agents and load. Its P(wait), its service level (callbacks within the
threshold count as answered on time) and the mean wait of those who waited, 1 / (nμ − λ), must
fall inside the simulated confidence intervals (a Bonferroni family of three at 5%).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.experiments.channel_check import CallbackDesk
from sim.experiments.replications import run_replication, run_scenario
from sim.measures.estimates import estimate
from sim.model import replication
from sim.model.records import (
    ABANDONED,
    ANSWERED,
    CALLBACK_ACCEPTED,
    CALLBACK_DECLINED,
    DISCONNECTED,
)
from sim.model.rng import Streams
from sim.scenario.scenario import Scenario
from tests.scenarios import busy_desk


def with_callbacks(scenario: Scenario, **callbacks: object) -> Scenario:
    data = scenario.model_dump(mode="json")
    data["routing"]["callbacks"] = callbacks
    return Scenario.model_validate(data)


def test_callbacks_for_everyone_who_waits_turn_erlang_a_into_erlang_c() -> None:
    """Contact for contact the Erlang C desk (patience draws come from their own stream, so the
    two desks see the same arrivals and handle times); and the Erlang C answers."""
    desk = CallbackDesk()
    result = run_scenario(desk.scenario(contacts=40_000), replications=10, seed=5, workers=1)
    erlang_c = run_scenario(desk.erlang_c(contacts=40_000), replications=10, seed=5, workers=1)
    for reps, reference in zip(result.per_replication, erlang_c.per_replication, strict=True):
        for kpi in ("offered_phone", "answered_phone", "p_wait", "service_level"):
            assert reps[kpi] == reference[kpi], kpi
        assert reps["abandoned_phone"] == 0 and reps["callbacks_missed"] == 0
        assert reps["callback_accept_share"] == 1.0
    exact = desk.exact()
    level = 1.0 - 0.05 / len(exact)
    for kpi, value in exact.items():
        e = estimate([r[kpi] for r in result.per_replication], level=level, upper=math.inf)
        assert e.ci_low <= value <= e.ci_high, f"{kpi}: exact {value:.5g}, simulated {e}"


def test_callbacks_are_kept_overnight_and_some_callers_are_not_reached() -> None:
    scenario = with_callbacks(  # a rush in the last half-hour: a queue at closing time
        busy_desk(
            staffing={"tier1": {"kind": "fixed", "agents": 5}},
            demand={"profiles": {"day": [1.0] * 19 + [8.0]}},
        ),
        offer_above_expected_wait_s=30.0,
        accept_prob=0.6,
        reach_prob=0.7,
    )
    run = replication.simulate(scenario, Streams(4, 0))
    c = run.contacts
    accepted = c.callback == CALLBACK_ACCEPTED
    declined = c.callback == CALLBACK_DECLINED
    n = int((accepted | declined).sum())
    assert n > 100
    # acceptance and reach are independent draws: binomial 99.9% intervals
    share = accepted.sum() / n
    assert abs(share - 0.6) < 3.29 * math.sqrt(0.6 * 0.4 / n), share
    done = accepted & np.isin(c.outcome, [ANSWERED, ABANDONED])
    reached = float(np.mean(c.outcome[done] == ANSWERED))
    m = int(done.sum())
    assert abs(reached - 0.7) < 3.29 * math.sqrt(0.7 * 0.3 / m), reached
    # nobody waiting for a callback is cut off at closing: some are called back the next day
    overnight = accepted & (c.outcome == ANSWERED)
    day_of = np.floor(c.arrival_min[overnight] / 1440.0)
    assert (np.floor(c.answer_min[overnight] / 1440.0) > day_of).any()
    assert not (accepted & (c.outcome == DISCONNECTED)).any(), "a callback was cut off"
    assert (declined & (c.outcome == DISCONNECTED)).any(), "callers in the queue were cut off"
    # no patience clock: an accepted callback never hangs up in the queue (only unreached)
    unreached = accepted & (c.outcome == ABANDONED)
    assert (c.end_min[unreached] >= c.arrival_min[unreached]).all()


def test_interval_and_headline_service_levels_count_callbacks_alike() -> None:
    scenario = with_callbacks(
        busy_desk(staffing={"tier1": {"kind": "fixed", "agents": 5}}, calendar={"horizon_days": 2}),
        offer_above_expected_wait_s=30.0,
        accept_prob=0.6,
        reach_prob=0.7,
    )
    result = run_replication(scenario, 4, 0)
    t = result.intervals
    assert result.kpis["callbacks_accepted"] > 50
    assert t["answered_within_threshold"].sum() / t["service_level_denominator"].sum() == (
        pytest.approx(result.kpis["service_level"])
    )
    assert t["abandoned"].sum() == result.kpis["abandoned_phone"]
    live_wait = np.nansum(t["asa_s"] * t["answered_live"])
    assert live_wait / t["answered_live"].sum() == pytest.approx(result.kpis["asa_s"])
