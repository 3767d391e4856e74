"""Chat with concurrency against cases with known answers.

An agent who may hold k chat sessions at once, with no slowdown, is k servers: a desk of n such
agents is the Erlang A desk with n·k agents (sessions start whenever any agent has room, and end
independently). With one session per agent a chat desk is the phone desk, contact for contact.
With a slowdown each session runs longer by the slowdown for each other session its agent held
when it started.
"""

from __future__ import annotations

import math

import numpy as np

from sim.experiments.channel_check import ChatDesk
from sim.experiments.replications import run_scenario
from sim.measures.estimates import estimate
from sim.measures.integrals import step_at
from sim.model import replication
from sim.model.records import ANSWERED
from sim.model.rng import Streams
from sim.scenario.scenario import Scenario
from tests.model.test_invariants import count_at

SESSIONS = ChatDesk().sessions


def chat_desk(
    contacts: int, sessions: int = SESSIONS, slowdown: float = 0.0, channel: str = "chat"
) -> Scenario:
    return ChatDesk(sessions=sessions, slowdown=slowdown, channel=channel).scenario(contacts)


def test_k_sessions_without_slowdown_are_k_servers() -> None:
    result = run_scenario(chat_desk(30_000), replications=10, seed=8, workers=1)
    expected = ChatDesk().exact()
    level = 1.0 - 0.05 / len(expected)
    for kpi, value in expected.items():
        e = estimate([r[kpi] for r in result.per_replication], level=level, upper=math.inf)
        assert e.ci_low <= value <= e.ci_high, f"{kpi}: exact {value:.5g}, simulated {e}"
    for r in result.per_replication:
        assert 1.0 <= r["chat_sessions_per_agent"] <= SESSIONS
        assert r["offered_phone"] == 0 and r["chat_offered"] > 0


def test_one_session_at_a_time_is_the_phone_desk() -> None:
    chat = run_scenario(chat_desk(5_000, sessions=1), replications=2, seed=3, workers=1)
    phone = run_scenario(
        chat_desk(5_000, sessions=1, channel="phone"), replications=2, seed=3, workers=1
    )
    for c, p in zip(chat.per_replication, phone.per_replication, strict=True):
        assert c["chat_offered"] == p["offered_phone"]
        assert c["chat_service_level"] == p["service_level"]
        assert c["chat_abandon_rate"] == p["abandon_rate"]
        assert c["occupancy_by_group.chat_team"] == p["occupancy_by_group.chat_team"]


def test_each_session_runs_longer_by_the_slowdown_for_the_others_held() -> None:
    slow = replication.simulate(chat_desk(5_000, slowdown=0.5), Streams(2, 0))
    plain = replication.simulate(chat_desk(5_000), Streams(2, 0))
    # nothing comes back (first-contact resolution 1, no retrials), so contact ids are arrivals
    both = (slow.contacts.outcome == ANSWERED) & (plain.contacts.outcome == ANSWERED)
    ratio = slow.contacts.handle_min[both] / plain.contacts.handle_min[both]
    steps = np.round((ratio - 1.0) / 0.5, 3)
    assert set(np.unique(steps)) <= {0.0, 1.0, 2.0}, np.unique(steps)
    assert (steps == 2.0).any() and (steps == 0.0).any()
    # never more sessions than agents present × the sessions each may hold
    c = slow.contacts
    done = c.outcome == ANSWERED
    start, end = (
        c.answer_min[done],
        np.where(np.isnan(c.end_min[done]), slow.horizon_min, c.end_min[done]),
    )
    times = np.unique(start)
    present = step_at(*slow.group_present[0], times)
    assert (count_at(start, end, times) <= SESSIONS * present).all()
