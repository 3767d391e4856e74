"""The primary contacts' release: each day's contacts drawn at its midnight, then let in one by one.

The release is a chain of calls on the desk's event clock (:mod:`sim.model.events`): the draw of a
day at its midnight, then each contact's arrival, each scheduling the next. It takes the order a
generator process yielding a timeout before each would take, at one call per arrival instead of a
process resumed per arrival. A day's contacts are drawn as arrays a batch at a time
(:mod:`sim.model.primary_contacts`) and walked ``RELEASE_CHUNK`` at a time as Python lists, quick
to read one by one without holding a whole day as Python objects or as arrays.
"""

from __future__ import annotations

from heapq import heappush
from typing import Protocol

import numpy as np
from simpy.events import NORMAL

from sim.model.calendar import CalendarPlan
from sim.model.desk_customers import CustomerBase
from sim.model.events import EventClock
from sim.model.keyed import Keyed
from sim.model.primary_contacts import AccountDay, PrimaryStreams, StreamDay, primary_streams
from sim.model.records import ContactLog
from sim.model.rng import Streams
from sim.scenario.scenario import Scenario

RELEASE_CHUNK = 4096
"""Primary contacts drawn (at least) and turned into Python lists at a time."""


class Entrance(Protocol):
    """What the release reads of the desk it lets contacts in to."""

    env: EventClock
    plan: CalendarPlan
    scenario: Scenario
    streams: Streams
    keyed: Keyed | None
    log: ContactLog
    customers: CustomerBase | None
    complaint_codes: set[int]

    def offer(
        self, cid: int, k: int, tier: int, patience_min: float, may_delay: bool = True
    ) -> None:
        """Contact ``cid`` of type ``k`` reaches ``tier``."""


class PrimaryRelease:
    """Lets one replication's primary contacts in to the desk."""

    def __init__(self, desk: Entrance) -> None:
        self.desk = desk
        self.burn_in: PrimaryStreams | None = None
        self.reported: PrimaryStreams | None = None
        """The primary contacts' random streams: the burn-in's, and from the start date on."""
        self.day_index = 0
        """The day (in ``plan.days``) whose contacts are being released."""
        self.day: StreamDay | AccountDay | None = None
        """Its contacts not drawn yet."""
        self.day_rest: tuple[np.ndarray, ...] = ()
        """Its contacts drawn but not yet turned into lists, one array per field."""
        self.chunk: list[list] = []
        """Its contacts being released, as lists: times, types, handle times, patience,
        resolution draws, customers and keys (the last two empty for the desk alone)."""

    def start(self, _: object) -> None:
        """Set up the random streams, then wait for the first open day."""
        desk = self.desk
        scenario, streams, plan = desk.scenario, desk.streams, desk.plan
        # read once, not at every arrival
        self.clock, self.heap, self.ids = desk.env, desk.env.heap, desk.env.ids
        self.add, self.offer, self.release = desk.log.add, desk.offer, self._release
        self.customers, self.complaint_codes = desk.customers, desk.complaint_codes
        # The burn-in draws from streams of its own, so the days from the start date on see the
        # same volumes and durations whatever the burn-in's length.
        burn_in_days = sum(1 for d in plan.days if d.index < 0)
        self.burn_in = primary_streams(streams, scenario.demand, "burn-in/", burn_in_days)
        self.reported = primary_streams(streams, scenario.demand, "", len(plan.days) - burn_in_days)
        self._await_day(0)

    def _await_day(self, d: int) -> None:
        """Draw the first open day from ``plan.days[d]`` on at its midnight (now, if it has
        come)."""
        env, days = self.desk.env, self.desk.plan.days
        while d < len(days) and not days[d].is_open:
            d += 1
        if d == len(days):
            return
        start = days[d].index * 1440.0
        if start > env.now:
            env.call_in(start - env.now, self._draw_day, d)
        else:
            self._draw_day(d)

    def _draw_day(self, d: int) -> None:
        """Draw day ``plan.days[d]``'s primary contacts and release the first when it is due."""
        desk = self.desk
        plan, scenario, customers = desk.plan, desk.scenario, desk.customers
        day = plan.days[d]
        s = self.burn_in if day.index < 0 else self.reported
        assert s is not None  # set when the run started
        factor = s.factors[day.index - plan.days[0].index if day.index < 0 else day.index]
        if customers is None:
            self.day = StreamDay(plan, scenario.demand, day, factor, s)
        else:
            assert desk.keyed is not None and scenario.customers is not None
            self.day = AccountDay(
                plan,
                scenario.demand,
                day,
                factor / scenario.customers.accounts,
                customers.accounts_open(),
                desk.keyed,
            )
        self.day_index, self.day_rest = d, ()
        env = desk.env
        if not self._next_chunk():
            self._await_day(d + 1)
        elif self.chunk[0][0] > env.now:
            env.call_in(self.chunk[0][0] - env.now, self._release, 0)
        else:
            self._release(0)

    def _next_chunk(self) -> bool:
        """Take the next ``RELEASE_CHUNK`` of today's contacts as Python lists (quick to walk,
        and only a chunk at a time held so), drawing more when those drawn are out; False when
        none is left."""
        rest = self.day_rest
        if not rest or not len(rest[0]):
            assert self.day is not None  # drawn at midnight
            batch = self.day.next_batch(RELEASE_CHUNK)
            if batch is None:
                return False
            rest = batch
        self.chunk = [column[:RELEASE_CHUNK].tolist() for column in rest]
        self.day_rest = tuple(column[RELEASE_CHUNK:] for column in rest)
        return True

    def _release(self, i: int) -> None:
        """Contact ``i`` of the chunk of today's primary contacts arrives (and any due at the
        same time after it, or before anything else on the clock's heap); the next is scheduled,
        or the next day awaited."""
        times, codes, handle, patience, u_resolve, who, keys = self.chunk
        add, offer, customers = self.add, self.offer, self.customers
        complaint_codes, clock, heap, ids = self.complaint_codes, self.clock, self.heap, self.ids
        n = len(times)
        while True:
            t, k = times[i], codes[i]
            if customers is None:  # the desk alone
                offer(add(t, k, 1, 1, handle[i], u_resolve[i]), k, 1, patience[i])
            elif not customers.gone(c := who[i]):  # not left since the draw
                complaint = -1
                if k in complaint_codes:  # a complaint about something outside the desk
                    complaint = customers.open_outside_complaint(c, t)
                cid = add(t, k, 1, 1, handle[i], u_resolve[i], -1, c, complaint, keys[i])
                offer(cid, k, 1, patience[i])
            i += 1
            if i == n:
                if not self._next_chunk():
                    self._await_day(self.day_index + 1)
                    return
                times, codes, handle, patience, u_resolve, who, keys = self.chunk
                n, i = len(times), 0
            now = clock._now
            if times[i] > now:
                due = now + (times[i] - now)  # as call_in computes it
                if heap and heap[0][0] <= due:
                    heappush(heap, (due, NORMAL, next(ids), self.release, i))
                    return
                # due before everything on the heap: the heap would hand it back next, so it is
                # let in now (its entry's id drawn all the same)
                next(ids)
                clock._now = due
