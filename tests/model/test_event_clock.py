"""The desk's event clock processes what plain SimPy would, in the same order: calls scheduled
with :meth:`EventClock.call_in` or :meth:`EventClock.call_later` stand exactly where a ``Timeout``
with that callback would, beside generator processes and ordinary events, and ``run(until)``
stops where SimPy stops."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.events import EventClock

Plan = list[tuple[float, int]]  # (delay, how many more timers each firing schedules)


def trace(env: simpy.Environment, plan: Plan, how: str) -> list[tuple[float, str]]:
    """Timers that schedule further timers, a process that ticks and a process that waits for
    an event another one succeeds, all writing what ran when."""
    seen: list[tuple[float, str]] = []
    delays = iter(plan * 50)

    def later(delay: float, name: str, fn: Callable[[Any], None]) -> None:
        if how == "call_in":
            env.call_in(delay, fn, name)  # type: ignore[attr-defined]
        elif how == "call_later":
            env.call_later(delay, fn, name)  # type: ignore[attr-defined]
        else:
            simpy.events.Timeout(env, delay, name).callbacks.append(lambda e: fn(e.value))

    def fired(name: str) -> None:
        seen.append((env.now, name))
        step = next(delays, None)
        if step is not None:
            delay, more = step
            for i in range(more):
                later(delay * (i + 1), f"{name}.{i}", fired)

    def ticker() -> Generator[simpy.Event, None, None]:
        while True:
            yield env.timeout(1.5)
            seen.append((env.now, "tick"))

    signal = env.event()

    def waiter() -> Generator[simpy.Event, None, None]:
        value = yield signal
        seen.append((env.now, f"got {value}"))

    def sender() -> Generator[simpy.Event, None, None]:
        yield env.timeout(4.0)
        signal.succeed("signal")

    env.process(ticker())
    env.process(waiter())
    env.process(sender())
    for i, (delay, _) in enumerate(plan):
        later(delay, f"t{i}", fired)
    env.run(until=10.0)
    seen.append((env.now, "stopped"))
    env.run(until=12.0)
    seen.append((env.now, "stopped"))
    return seen


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 10.0]), st.integers(0, 2)),
        min_size=1,
        max_size=6,
    )
)
def test_calls_run_where_simpy_timeouts_would(plan: Plan) -> None:
    """Ties in time included (delays on a grid shared with the ticker, the stop and the buckets
    of :meth:`EventClock.call_later`)."""
    simpy_order = trace(simpy.Environment(), plan, "timeout")
    assert trace(EventClock(), plan, "call_in") == simpy_order
    for bucket_min in (1.0, 2.0, 3.0):
        assert trace(EventClock(bucket_min=bucket_min), plan, "call_later") == simpy_order


def test_run_until_stops_where_simpy_stops() -> None:
    for env in (EventClock(), simpy.Environment()):
        ran: list[float] = []
        for t in (1.0, 5.0, 5.0, 7.0):
            env.timeout(t).callbacks.append(lambda e, ran=ran: ran.append(e.env.now))
        env.run(until=5.0)  # a timeout due at the stop waits for the next run
        assert (ran, env.now) == ([1.0], 5.0)
        with pytest.raises(ValueError, match="must be greater"):
            env.run(until=5.0)
        env.run()
        assert ran == [1.0, 5.0, 5.0, 7.0]


def test_run_until_an_event_and_failures_behave_as_in_simpy() -> None:
    env = EventClock()

    def worker() -> Generator[simpy.Event, None, str]:
        yield env.timeout(2.0)
        return "done"

    assert env.run(until=env.process(worker())) == "done"
    assert env.now == 2.0

    def failing() -> Generator[simpy.Event, None, None]:
        yield env.timeout(1.0)
        raise RuntimeError("boom")

    env.process(failing())
    with pytest.raises(RuntimeError, match="boom"):
        env.run()
