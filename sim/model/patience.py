"""Queued callers' patience clocks, kept beside the event heap rather than on it.

Every caller who queues starts a patience clock, but nearly all are answered first: on the
M/M/50+M benchmark desk about 40 of every 43 clocks would fire for a caller long since answered,
each a trip through the heap and a call that finds nothing to do. The clocks wait here instead, in
a heap of their own ordered by the key they would have had on the event heap (due time, then the
event id drawn when the caller queued). Only the earliest has an entry on the event heap, under
that very key. When it fires, the caller gives up if still waiting, clocks of callers answered
meanwhile are dropped from the top, and the next earliest gets its entry. A dropped clock would
have done nothing, and every other clock fires under its own key, so the desk processes the same
events in the same order as with an event per clock.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappop, heappush

from simpy.events import NORMAL

from sim.model.events import EventClock
from sim.model.records import WAITING, ContactLog


class PatienceClocks:
    """The patience clocks of callers waiting in the desk's queues."""

    __slots__ = ("give_up", "heap", "ids", "log", "on_due", "pending")

    def __init__(self, clock: EventClock, log: ContactLog, give_up: Callable[[int], None]) -> None:
        self.log, self.give_up = log, give_up
        self.heap, self.ids = clock.heap, clock.ids
        self.on_due = self._on_due
        self.pending: list[list] = []
        """The clocks, a heap of ``[due, event id, contact, on the event heap?]``; the earliest
        is always on the event heap."""

    def start(self, due: float, cid: int) -> None:
        """Contact ``cid`` gives up at ``due`` unless answered first (its event id drawn now, as
        for a call scheduled now)."""
        clock = [due, next(self.ids), cid, False]
        pending = self.pending
        heappush(pending, clock)
        if pending[0] is clock:
            self._put_on_heap(clock)

    def _on_due(self, clock: list) -> None:
        pending = self.pending
        if pending and pending[0] is clock:  # (else dropped: the caller had been answered)
            heappop(pending)
            self.give_up(clock[2])
        outcome = self.log.outcome
        while pending and outcome[pending[0][2]] != WAITING:
            heappop(pending)  # answered, or gone: the clock would do nothing
        if pending and not pending[0][3]:
            self._put_on_heap(pending[0])

    def _put_on_heap(self, clock: list) -> None:
        """Put ``clock`` on the event heap, under the key it was given when it started."""
        clock[3] = True
        heappush(self.heap, (clock[0], NORMAL, clock[1], self.on_due, clock))
