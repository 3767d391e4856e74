"""A day's primary contacts, drawn at midnight: when each arrives, its type, its customer, and
the numbers its path needs (handle time, patience, the resolution draw).

A desk alone draws them from named streams, one per contact type and purpose, so that a change
to one type leaves the others' draws alone. With a customer base the open accounts raise them,
and every number is keyed by the customer's contact (:mod:`sim.model.keyed`), so that the same
customer's contact gets the same numbers in every scenario compared with it. The burn-in draws
from streams of its own (prefix ``burn-in/``), so the days from the start date on see the same
volumes and durations whatever the burn-in's length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.arrivals import account_day_arrivals, day_arrivals, day_volume_factors
from sim.model.calendar import CalendarPlan, Day
from sim.model.keyed import Keyed, durations, purpose
from sim.model.rng import Streams, sample
from sim.scenario.desk import Demand

DayContacts = tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray
]
"""Times, type codes, customers, keys, handle times, patience and the resolution draws of a day's
primary contacts (customers and keys empty for a desk alone, whose contacts have neither)."""
PLACE = tuple(purpose(w) for w in ("count", "slot", "within"))
"""Keyed numbers placing an account's contacts: how many that day, the (type, interval) slot of
each, and when within it."""
PATH = tuple(purpose(w) for w in ("handle", "patience", "resolve"))
"""Keyed numbers of a contact's path: handle time, patience and the resolution draw."""


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


def day_from_streams(
    plan: CalendarPlan, demand: Demand, day: Day, factor: float, s: PrimaryStreams
) -> DayContacts:
    """A day's primary contacts of a desk alone, from named streams (no customers, no keys)."""
    times, codes = day_arrivals(plan, demand, day, factor, s.arrival)
    handle, patience, u_resolve = (np.empty(len(times)) for _ in range(3))
    for k, ct in enumerate(demand.contact_types.values()):
        mask = codes == k
        n = int(mask.sum())
        handle[mask] = sample(ct.handle_time, s.handle[k], n)
        patience[mask] = sample(ct.patience, s.patience[k], n)
        u_resolve[mask] = s.resolve[k].random(n)
    nobody, no_keys = np.empty(0, np.int64), np.empty(0, np.uint64)
    return times, codes, nobody, no_keys, handle, patience, u_resolve


def day_from_accounts(
    plan: CalendarPlan,
    demand: Demand,
    day: Day,
    rate_factor: float,
    accounts: np.ndarray,
    keyed: Keyed,
) -> DayContacts:
    """A day's primary contacts raised by the open ``accounts``, every number keyed by the
    customer's contact (:func:`sim.model.arrivals.account_day_arrivals`); ``rate_factor`` is the
    day's volume factor per account."""
    times, codes, who, keys = account_day_arrivals(
        plan,
        demand,
        day,
        rate_factor,
        accounts,
        keyed,
        *PLACE,
    )
    u_handle, u_patience, u_resolve = keyed.uniforms(keys, PATH).T
    handle, patience = np.empty(len(times)), np.empty(len(times))
    for k, ct in enumerate(demand.contact_types.values()):
        mask = codes == k
        handle[mask] = durations(ct.handle_time, u_handle[mask])
        patience[mask] = durations(ct.patience, u_patience[mask])
    return times, codes, who, keys, handle, patience, u_resolve
