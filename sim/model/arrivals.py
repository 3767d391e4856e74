"""Arrivals: a non-homogeneous Poisson process, piecewise constant per planning interval.

Within an interval the arrival rate of a contact type is
``daily_volume[weekday] × profile weight × day multiplier / interval length``. For a piecewise
constant rate the process is simulated exactly by drawing a Poisson count per interval and placing
that many arrivals uniformly inside it — no thinning, no error at interval edges.

With a customer base, each open account raises its own contacts at its share of the forecast
rate (:func:`account_day_arrivals`), so the volume follows the base and every contact belongs to a
customer from the start.

Real call-centre volumes vary more from day to day than Poisson allows (Brown et al. 2005). With
``demand.day_volume_cv > 0`` every day's rates are multiplied by a common gamma factor with mean 1
(a gamma-mixed, i.e. negative-binomial, day volume), shared by all contact types that day.
"""

from __future__ import annotations

import numpy as np

from sim.model.calendar import CalendarPlan, Day
from sim.model.keyed import Keyed, poisson_counts, poisson_nonzero_from, to_unit
from sim.scenario.desk import Demand


def day_volume_factors(cv: float, n_days: int, rng: np.random.Generator) -> np.ndarray:
    """Gamma(mean 1, coefficient of variation ``cv``) volume factors, one per day (1 if cv = 0)."""
    if cv == 0.0:
        return np.ones(n_days)
    shape = 1.0 / cv**2
    return rng.gamma(shape, 1.0 / shape, n_days)


def interval_rates(plan: CalendarPlan, demand: Demand, day: Day) -> np.ndarray:
    """Expected arrivals per planning interval of ``day``, shape (contact types, intervals).

    Excludes the day-to-day random factor; includes the peak-day multiplier.
    """
    n_intervals = len(plan.interval_starts(day))
    rates = np.zeros((len(demand.contact_types), n_intervals))
    if n_intervals == 0:
        return rates
    for k, ctype in enumerate(demand.contact_types.values()):
        name = ctype.profile_on(day.weekday)
        volume = ctype.daily_volume.of(day.weekday)
        if name is None or volume == 0.0:
            continue
        weights = np.asarray(demand.profiles[name], dtype=float)
        rates[k] = volume * day.volume_multiplier * weights / weights.sum()
    return rates


def interval_counts(
    plan: CalendarPlan,
    demand: Demand,
    day: Day,
    volume_factor: float,
    rngs: list[np.random.Generator],
) -> np.ndarray:
    """How many primary contacts of each type arrive in each planning interval of ``day``:
    Poisson counts, shape (contact types, intervals); :func:`place_arrivals` places them.

    Args:
        plan: the calendar.
        demand: contact types and profiles.
        day: the day to generate.
        volume_factor: multiplier on every rate (day-to-day factor × customer-base scale).
        rngs: one generator per contact type (in ``demand.contact_types`` order), so that changing
            one type's volume leaves the others' arrivals untouched.
    """
    rates = interval_rates(plan, demand, day) * volume_factor
    counts = np.zeros(rates.shape, dtype=np.int64)
    for k, rng in enumerate(rngs):
        counts[k] = rng.poisson(rates[k])
    return counts


def place_arrivals(
    plan: CalendarPlan,
    day: Day,
    counts: np.ndarray,
    first: int,
    stop: int,
    rngs: list[np.random.Generator],
) -> tuple[np.ndarray, np.ndarray]:
    """The arrivals ``counts`` puts in intervals ``first`` to ``stop - 1`` of ``day``, each placed
    uniformly inside its interval: sorted clock times and type codes (ties in order of type).

    Type ``k``'s places are the next uniforms of ``rngs[k]``, so a day placed a few intervals at a
    time, in order, gets the same arrivals as placed at once (numpy's generators continue a
    stream exactly from one call to the next); and as no time placed in an interval is past the
    next interval's start, the intervals sorted one batch at a time are the day sorted.
    """
    starts = plan.interval_starts(day)[first:stop]
    times, codes = [], []
    for k, rng in enumerate(rngs):
        in_intervals = counts[k, first:stop]
        total = int(in_intervals.sum())
        times.append(np.repeat(starts, in_intervals) + rng.random(total) * plan.interval_min)
        codes.append(np.full(total, k, dtype=np.int8))
    all_times = np.concatenate(times) if times else np.empty(0)
    all_codes = np.concatenate(codes) if codes else np.empty(0, dtype=np.int8)
    order = np.argsort(all_times, kind="stable")
    return all_times[order], all_codes[order]


def account_day_arrivals(
    plan: CalendarPlan,
    demand: Demand,
    day: Day,
    per_account: float,
    accounts: np.ndarray,
    keyed: Keyed,
    count_key: int,
    slot_key: int,
    within_key: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Primary arrivals of one day raised by each open account: sorted clock times, contact-type
    codes, the customer of each and its key (customer, day, rank that day).

    Every account raises contacts at ``per_account`` times the forecast rate (the forecast is for
    the whole base, so ``per_account`` is the day factor over the base size): a Poisson count for
    the day, each contact placed in a (type, planning interval) slot with probability
    proportional to the slot's rate and uniformly inside it. The superposition over accounts is the
    forecast process scaled by the open accounts, exactly. Each number is keyed by the account
    (:mod:`sim.model.keyed`), so an account raises the same contacts in every scenario in which it
    is open that day, whoever else is.
    """
    starts = plan.interval_starts(day)
    rates = interval_rates(plan, demand, day)
    total = float(rates.sum())
    empty = np.empty(0)
    if total <= 0.0 or not len(accounts):
        return empty, np.empty(0, np.int8), np.empty(0, np.int64), np.empty(0, np.uint64)
    mean = total * per_account
    hashes = keyed.hashes(keyed.extend(keyed.numbered_keys(accounts), day.index), count_key)
    # most accounts raise nothing on a given day
    raising = np.flatnonzero(hashes >= np.uint64(poisson_nonzero_from(mean)))
    counts = poisson_counts(to_unit(hashes[raising]), mean)
    who = np.repeat(accounts[raising], counts)
    first = np.cumsum(counts) - counts
    rank = np.arange(len(who)) - np.repeat(first, counts)
    keys = keyed.extend(keyed.numbered_keys(who), day.index, rank)
    cumulative = np.cumsum(rates.ravel()) / total
    slot = np.minimum(
        np.searchsorted(cumulative, keyed.uniforms(keys, slot_key), side="right"),
        rates.size - 1,
    )
    codes = (slot // len(starts)).astype(np.int8)
    times = starts[slot % len(starts)] + keyed.uniforms(keys, within_key) * plan.interval_min
    order = np.argsort(times, kind="stable")
    return times[order], codes[order], who[order], keys[order]
