"""A day's primary contacts: when each arrives, its type and its customer, and the numbers its
path needs (handle time, patience, the resolution draw), drawn a batch at a time as the day is let
in, so that a day of a million contacts is never held whole.

A desk alone draws them from named streams, one per contact type and purpose, so that a change
to one type leaves the others' draws alone: at midnight how many of each type arrive in each
planning interval, then the contacts of a few intervals at a time. The ``j``-th contact of a type
that day gets the ``j``-th numbers of its type's streams that day, however the day is cut into
batches (numpy's generators continue a stream exactly from one call to the next). With a customer
base the open accounts raise them at midnight, and every number is keyed by the customer's contact
(:mod:`sim.model.keyed`), so that the same customer's contact gets the same numbers in every
scenario compared with it. The burn-in draws from streams of its own (prefix ``burn-in/``), so
the days from the start date on see the same volumes and durations whatever the burn-in's length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.arrivals import (
    account_day_arrivals,
    day_volume_factors,
    interval_counts,
    place_arrivals,
)
from sim.model.calendar import CalendarPlan, Day
from sim.model.keyed import Keyed, durations, purpose
from sim.model.rng import Streams, sample
from sim.scenario.desk import Demand

Batch = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""Primary contacts in order of arrival: times, type codes, handle times, patience, resolution
draws, customers and keys (the last two empty for a desk alone, whose contacts have neither)."""
PLACE = tuple(purpose(w) for w in ("count", "slot", "within"))
"""Keyed numbers placing an account's contacts: how many that day, the (type, interval) slot of
each, and when within it."""
PATH = tuple(purpose(w) for w in ("handle", "patience", "resolve"))
"""Keyed numbers of a contact's path: handle time, patience and the resolution draw."""
NOBODY, NO_KEYS = np.empty(0, np.int64), np.empty(0, np.uint64)
"""The customers and keys of a desk alone's contacts."""


@dataclass(frozen=True)
class PrimaryStreams:
    """Random streams of primary contacts: a volume factor per day, and per contact type the
    arrivals, handle times, patience and resolution draws."""

    factors: list[float]
    arrival: list[np.random.Generator]
    handle: list[np.random.Generator]
    patience: list[np.random.Generator]
    resolve: list[np.random.Generator]


def primary_streams(streams: Streams, demand: Demand, prefix: str, n_days: int) -> PrimaryStreams:
    """The random streams of primary contacts over ``n_days`` days, named with ``prefix``."""
    names = tuple(demand.contact_types)
    return PrimaryStreams(
        factors=day_volume_factors(
            demand.day_volume_cv, n_days, streams(f"{prefix}arrivals/day-volume")
        ).tolist(),
        arrival=[streams(f"{prefix}arrivals/{n}") for n in names],
        handle=[streams(f"{prefix}handle/{n}") for n in names],
        patience=[streams(f"{prefix}patience/{n}") for n in names],
        resolve=[streams(f"{prefix}decisions/resolve/{n}") for n in names],
    )


class StreamDay:
    """A desk alone's day of primary contacts, from named streams: how many arrive in each
    planning interval is drawn at its midnight, the contacts themselves a few intervals at a time
    as the day is let in."""

    def __init__(
        self, plan: CalendarPlan, demand: Demand, day: Day, factor: float, s: PrimaryStreams
    ) -> None:
        self.plan, self.demand, self.day, self.streams = plan, demand, day, s
        self.counts = interval_counts(plan, demand, day, factor, s.arrival)
        self.ends = np.cumsum(self.counts.sum(axis=0))
        """Contacts arriving up to the end of each interval."""
        self.next_interval = 0

    def next_batch(self, size: int) -> Batch | None:
        """The contacts of the next intervals, at least ``size`` of them unless the day ends
        first; None once the day's are all out."""
        first, ends = self.next_interval, self.ends
        before = int(ends[first - 1]) if first else 0
        if first == len(ends) or int(ends[-1]) == before:
            return None
        stop = min(int(np.searchsorted(ends, before + size)) + 1, len(ends))
        self.next_interval = stop
        s = self.streams
        times, codes = place_arrivals(self.plan, self.day, self.counts, first, stop, s.arrival)
        handle, patience, u_resolve = (np.empty(len(codes)) for _ in range(3))
        for k, ct in enumerate(self.demand.contact_types.values()):
            mask = codes == k
            n = int(mask.sum())
            if n:  # each type's next numbers of its own streams
                handle[mask] = sample(ct.handle_time, s.handle[k], n)
                patience[mask] = sample(ct.patience, s.patience[k], n)
                u_resolve[mask] = s.resolve[k].random(n)
        return times, codes, handle, patience, u_resolve, NOBODY, NO_KEYS


class AccountDay:
    """A day of primary contacts raised by the open ``accounts``, placed at its midnight by
    numbers keyed by the customer's contact (:func:`sim.model.arrivals.account_day_arrivals`;
    ``rate_factor`` is the day's volume factor per account); their path numbers, keyed too, are
    drawn a batch at a time as the day is let in."""

    def __init__(
        self,
        plan: CalendarPlan,
        demand: Demand,
        day: Day,
        rate_factor: float,
        accounts: np.ndarray,
        keyed: Keyed,
    ) -> None:
        self.demand, self.keyed = demand, keyed
        self.placed = account_day_arrivals(plan, demand, day, rate_factor, accounts, keyed, *PLACE)
        """Times, type codes, customers and keys of the day's contacts."""
        self.next = 0

    def next_batch(self, size: int) -> Batch | None:
        """The next ``size`` contacts (fewer at the end of the day); None once the day's are all
        out."""
        first, stop = self.next, self.next + size
        times, codes, who, keys = (column[first:stop] for column in self.placed)
        if not len(times):
            return None
        self.next = stop
        u_handle, u_patience, u_resolve = self.keyed.uniforms(keys, PATH).T
        handle, patience = np.empty(len(codes)), np.empty(len(codes))
        for k, ct in enumerate(self.demand.contact_types.values()):
            mask = codes == k
            if mask.any():
                handle[mask] = durations(ct.handle_time, u_handle[mask])
                patience[mask] = durations(ct.patience, u_patience[mask])
        return times, codes, handle, patience, u_resolve, who, keys
