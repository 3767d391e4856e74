"""SimPy's environment, fed a leaner kind of event: a call scheduled on SimPy's own event heap.

Most of the desk's events are timers with one callback and nobody waiting on them: a caller's
patience, the end of a talk, a contact coming back later. A SimPy ``Timeout`` for each costs an
event object, a callback list and a trip through :meth:`simpy.Environment.step`.
:meth:`EventClock.call_in` puts a call on the same heap instead, ordered exactly as a ``Timeout``
made at that moment would be: by time, then priority, then SimPy's event counter. Generator
processes and ordinary SimPy events run unchanged beside them, and :meth:`EventClock.run` keeps
SimPy's stopping rule, so a model that swaps its timeouts for calls processes the same events in
the same order.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappop, heappush
from typing import Any

import simpy
from simpy.core import EmptySchedule, StopSimulation
from simpy.events import NORMAL, URGENT, Event, EventPriority


class EventClock(simpy.Environment):
    """A SimPy environment whose heap holds calls: ``(time, priority, event id, fn, arg)``.

    An ordinary SimPy event is scheduled as a call that fires it (:func:`fire`), and
    :meth:`call_in` schedules any other call; both draw their id from SimPy's counter, so the
    order of processing is SimPy's. The desk's hot path reads the clock as ``_now``, the
    attribute behind SimPy's ``now`` property, to save a call per read.
    """

    def __init__(self, initial_time: float = 0, bucket_min: float = 60.0) -> None:
        super().__init__(initial_time)
        self.heap = self._queue
        self.ids = self._eid
        """The heap and the id counter, for the few calls made for every contact: they are
        scheduled as :meth:`call_in` does, without the method call,
        ``heappush(heap, (now + delay, NORMAL, next(ids), fn, arg))``."""
        self.bucket_min = bucket_min
        self.later: dict[int, list[tuple]] = {}
        """Calls made with :meth:`call_later` that are not on the heap yet, by the bucket of
        ``bucket_min`` minutes they are due in (bucket ``b`` starts at ``b * bucket_min``)."""

    def schedule(self, event: Event, priority: EventPriority = NORMAL, delay: float = 0) -> None:
        """Schedule a SimPy ``event`` with ``priority`` after ``delay`` (as SimPy does)."""
        heappush(self._queue, (self._now + delay, priority, next(self._eid), fire, event))

    def call_in(self, delay: float, fn: Callable[[Any], object], arg: Any) -> None:
        """Call ``fn(arg)`` after ``delay`` minutes, where a ``Timeout(env, delay)`` with the
        callback would fire (the time is ``now + delay`` computed as SimPy does)."""
        heappush(self._queue, (self._now + delay, NORMAL, next(self._eid), fn, arg))

    def call_later(self, delay: float, fn: Callable[[Any], object], arg: Any) -> None:
        """:meth:`call_in` for a call due in a later bucket of time (a contact coming back in
        hours or days): it waits beside the heap, which stays small and quick, and is moved onto
        it, as the entry :meth:`call_in` would have made, when its bucket begins. Its place in
        the order of processing is the same."""
        due = self._now + delay
        entry = (due, NORMAL, next(self._eid), fn, arg)
        bucket = int(due // self.bucket_min)
        if due < (self._now // self.bucket_min + 1) * self.bucket_min:  # due in this bucket
            heappush(self._queue, entry)
        elif bucket in self.later:
            self.later[bucket].append(entry)
        else:
            self.later[bucket] = [entry]
            # moved at the bucket's start, before anything due then (its id is an extra one,
            # which changes no other entry's order)
            at = bucket * self.bucket_min
            heappush(self._queue, (at, URGENT, next(self._eid), self._move_bucket, bucket))

    def _move_bucket(self, bucket: int) -> None:
        for entry in self.later.pop(bucket):
            heappush(self._queue, entry)

    def call_now(self, fn: Callable[[Any], object], arg: Any) -> None:
        """Call ``fn(arg)`` now, before ordinary events due now, where SimPy would initialise a
        process started at this point."""
        heappush(self._queue, (self._now, URGENT, next(self._eid), fn, arg))

    def step(self) -> None:
        """Process the next scheduled call."""
        try:
            self._now, _, _, fn, arg = heappop(self._queue)
        except IndexError:
            raise EmptySchedule from None
        fn(arg)

    def run(self, until: float | Event | None = None) -> Any:
        """Process the schedule until the clock reaches ``until`` (a number), until it is empty
        (None), or, for an event, as :meth:`simpy.Environment.run` does.

        For a number the rule is SimPy's: a stop is scheduled at ``until`` as an urgent event, so
        everything due before it runs, and of what is due at ``until`` only urgent events
        scheduled before this call; the clock then reads ``until``.
        """
        if isinstance(until, Event):
            return super().run(until)
        queue = self._queue
        if until is not None:
            at = float(until)
            if at <= self._now:
                raise ValueError(f"until ({at}) must be greater than the current simulation time")
            heappush(queue, (self._now + (at - self._now), URGENT, next(self._eid), _stop, None))
        try:
            while queue:
                self._now, _, _, fn, arg = heappop(queue)
                fn(arg)
        except _ClockStoppedError:
            pass
        return None


class _ClockStoppedError(Exception):
    """The clock reached the end of a :meth:`EventClock.run`."""


def _stop(_: object) -> None:
    raise _ClockStoppedError


def fire(event: Event) -> None:
    """Run a SimPy event's callbacks, as :meth:`simpy.Environment.step` does."""
    callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
    try:
        for callback in callbacks:  # type: ignore[union-attr]
            callback(event)
    except StopSimulation:  # run(until=event): the rest of the callbacks run when it resumes
        event.callbacks = callbacks[callbacks.index(callback) + 1 :]  # type: ignore[index]
        event.env.schedule(event, EventPriority(-1))
        raise
    if not event._ok and not hasattr(event, "_defused"):
        exc = type(event._value)(*event._value.args)
        exc.__cause__ = event._value
        raise exc
