"""Patience clocks kept beside the event heap (:mod:`sim.model.patience`) give up the same callers
at the same moments, in the same order among everything else, as an event per clock would."""

from __future__ import annotations

from collections.abc import Callable, Generator

import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.events import EventClock
from sim.model.patience import PatienceClocks
from sim.model.records import ABANDONED, ANSWERED, WAITING, ContactLog

HALVES = st.integers(0, 12).map(lambda n: n / 2.0)  # a coarse grid: plenty of ties


def trace(
    callers: list[tuple[float, float]], answers: list[float], beside_the_heap: bool
) -> tuple[list[tuple[float, str]], int]:
    """Callers (arrival, patience) queue; an agent answers the longest waiting at each of
    ``answers``; a process ticks. What happened when, and the event ids drawn."""
    env = EventClock()
    log = ContactLog()
    seen: list[tuple[float, str]] = []
    queue: list[int] = []

    def give_up(cid: int) -> None:
        if log.outcome[cid] == WAITING:
            log.outcome[cid] = ABANDONED
            seen.append((env.now, f"{cid} gives up"))

    clocks = PatienceClocks(env, log, give_up)
    start: Callable[[float, int], None] = (
        clocks.start
        if beside_the_heap
        else lambda due, cid: env.call_in(due - env.now, give_up, cid)
    )

    def arrive(patience: float) -> None:
        cid = log.add(env.now, 0, 1, 1, 1.0, 0.5)
        queue.append(cid)
        seen.append((env.now, f"{cid} queues"))
        start(env.now + patience, cid)

    def answer(_: object) -> None:
        while queue:
            cid = queue.pop(0)
            if log.outcome[cid] == WAITING:
                log.outcome[cid] = ANSWERED
                seen.append((env.now, f"{cid} answered"))
                return

    def ticker() -> Generator[simpy.Event, None, None]:
        while True:
            yield env.timeout(1.5)
            seen.append((env.now, "tick"))

    env.process(ticker())
    for arrival, patience in callers:
        env.call_in(arrival, arrive, patience)
    for at in answers:
        env.call_in(at, answer, None)
    env.run(until=20.0)
    return seen, next(env.ids)


@settings(max_examples=300, deadline=None)
@given(
    callers=st.lists(st.tuples(HALVES, HALVES), max_size=25),
    answers=st.lists(HALVES, max_size=25),
)
def test_clocks_beside_the_heap_give_up_the_callers_an_event_per_clock_would(
    callers: list[tuple[float, float]], answers: list[float]
) -> None:
    assert trace(callers, answers, True) == trace(callers, answers, False)


def test_only_the_earliest_clock_is_on_the_event_heap() -> None:
    env = EventClock()
    log = ContactLog()
    clocks = PatienceClocks(env, log, lambda cid: None)
    for due in (5.0, 3.0, 4.0, 6.0):
        clocks.start(due, log.add(0.0, 0, 1, 1, 1.0, 0.5))
    on_heap = sorted(entry[0] for entry in env.heap)
    assert on_heap == [3.0, 5.0]  # 5 was the earliest when it started; 4 and 6 never were
    log.outcome[1] = ANSWERED  # the caller whose clock is due at 3 is answered
    env.run(until=10.0)
    assert clocks.pending == []
