"""Calendar layout and the piecewise-constant Poisson arrival process."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import numpy as np
from scipy import stats

from sim.model.arrivals import (
    day_volume_factors,
    interval_counts,
    interval_rates,
    place_arrivals,
)
from sim.model.calendar import CalendarPlan, Day
from sim.scenario.desk import Demand
from tests.scenarios import busy_desk


def day_arrivals(
    plan: CalendarPlan, demand: Demand, day: Day, factor: float, rngs: list[np.random.Generator]
) -> tuple[np.ndarray, np.ndarray]:
    """A whole day's arrivals, placed at once."""
    counts = interval_counts(plan, demand, day, factor, rngs)
    return place_arrivals(plan, day, counts, 0, counts.shape[1], rngs)


def test_days_weekdays_holidays_and_periods() -> None:
    plan = CalendarPlan.from_config(busy_desk().calendar)
    assert [d.weekday for d in plan.days] == ["mon", "tue", "wed", "thu", "fri"]
    assert plan.days[2].date == dt.date(2027, 3, 3) and not plan.days[2].is_open
    assert plan.open_periods[0] == (8 * 60, 18 * 60)
    assert len(plan.open_periods) == 4
    assert plan.next_open(7 * 60) == 8 * 60
    assert plan.next_open(9 * 60) == 9 * 60
    assert plan.next_open(18 * 60) == 1440 + 8 * 60
    assert plan.next_open(1440 + 20 * 60) == 3 * 1440 + 8 * 60, "skips the holiday"
    assert plan.next_open(4 * 1440 + 19 * 60) is None


def test_hours_within_rounding_of_the_grid_are_laid_out_on_it() -> None:
    """A closing hour a rounding error past the grid (accepted as on it) closes on the grid: the
    day has as many intervals as its arrival profile, not one more that starts at closing time."""
    calendar = busy_desk().calendar
    hours = calendar.opening_hours.mon.model_copy(update={"close_h": 18.0000000001})
    noisy = calendar.model_copy(
        update={"opening_hours": calendar.opening_hours.model_copy(update={"mon": hours})}
    )
    plan = CalendarPlan.from_config(noisy)
    monday = plan.days[0]
    assert monday.close_min == 18 * 60
    assert len(plan.interval_starts(monday)) == noisy.intervals_on("mon") == 20


def test_round_the_clock_days_merge_into_one_period() -> None:
    from sim.experiments.erlang_check import StationaryDesk

    scenario = StationaryDesk(60, 5, 4).scenario(20_000)
    plan = CalendarPlan.from_config(scenario.calendar)
    assert plan.open_periods == ((0.0, plan.horizon_min),)


def test_interval_counts_are_poisson_with_the_profile_rates() -> None:
    """Counts per interval over many days: mean = rate and variance = mean (Poisson)."""
    scenario = busy_desk(demand={"day_volume_cv": 0.0})
    plan = CalendarPlan.from_config(scenario.calendar)
    day = plan.days[0]
    rates = interval_rates(plan, scenario.demand, day)
    rngs = [np.random.default_rng(i) for i in range(3)]
    starts = plan.interval_starts(day)
    n_days = 400
    counts = np.zeros((n_days, len(starts)))
    for i in range(n_days):
        times, codes = day_arrivals(plan, scenario.demand, day, 1.0, rngs)
        assert np.all(np.diff(times) >= 0)
        counts[i] = np.histogram(times[codes == 1], np.append(starts, starts[-1] + 30))[0]
    expected = rates[1]
    # Total count over all days is Poisson(n_days * sum(rates)): exact two-sided 99.9% bounds.
    total = counts.sum()
    lo, hi = stats.poisson.ppf([0.0005, 0.9995], n_days * expected.sum())
    assert lo <= total <= hi
    # Chi-square test of the intraday shape at the 0.1% level.
    chi2 = stats.chisquare(counts.sum(axis=0), expected / expected.sum() * total)
    assert chi2.pvalue > 0.001
    # Dispersion index of the daily totals ≈ 1 for Poisson (99.9% chi-square bounds).
    daily = counts.sum(axis=1)
    dispersion = daily.var(ddof=1) * (n_days - 1) / daily.mean()
    assert stats.chi2.ppf(0.0005, n_days - 1) <= dispersion <= stats.chi2.ppf(0.9995, n_days - 1)


def test_a_day_placed_a_few_intervals_at_a_time_is_the_day_placed_at_once() -> None:
    """The release draws a big day's contacts a few intervals at a time: the same times and
    types, in the same order, as the whole day at once (cut after the first interval, between
    single intervals, and over the rest)."""
    scenario = busy_desk(demand={"day_volume_cv": 0.0})
    plan = CalendarPlan.from_config(scenario.calendar)
    day = plan.days[0]
    at_once = day_arrivals(
        plan, scenario.demand, day, 3.0, [np.random.default_rng(i) for i in range(3)]
    )
    rngs = [np.random.default_rng(i) for i in range(3)]
    counts = interval_counts(plan, scenario.demand, day, 3.0, rngs)
    n = counts.shape[1]
    cuts = [0, 1, 2, 3, 7, 8, n]
    pieces = [place_arrivals(plan, day, counts, a, b, rngs) for a, b in pairwise(cuts)]
    np.testing.assert_array_equal(np.concatenate([t for t, _ in pieces]), at_once[0])
    np.testing.assert_array_equal(np.concatenate([c for _, c in pieces]), at_once[1])
    assert len(at_once[0]) > 100


def test_arrivals_are_uniform_within_an_interval() -> None:
    """No clumping at interval edges: positions within intervals are U(0, 1)."""
    scenario = busy_desk(demand={"day_volume_cv": 0.0})
    plan = CalendarPlan.from_config(scenario.calendar)
    rngs = [np.random.default_rng(10 + i) for i in range(3)]
    times = np.concatenate(
        [day_arrivals(plan, scenario.demand, plan.days[0], 1.0, rngs)[0] for _ in range(100)]
    )
    within = (times % 30) / 30
    assert stats.kstest(within, "uniform").pvalue > 0.001


def test_day_volume_factors_have_mean_one_and_the_asked_cv() -> None:
    factors = day_volume_factors(0.2, 20_000, np.random.default_rng(1))
    # Standard errors: mean cv/sqrt(n) = 0.0014; cv of a gamma sample ~ 0.2/sqrt(2n)·... < 0.003.
    assert abs(factors.mean() - 1.0) < 4 * 0.2 / np.sqrt(20_000)
    assert abs(factors.std() / factors.mean() - 0.2) < 0.006
    assert np.all(day_volume_factors(0.0, 5, np.random.default_rng(1)) == 1.0)


def test_open_until() -> None:
    plan = CalendarPlan.from_config(busy_desk().calendar)
    assert plan.open_until(9 * 60) == 18 * 60
    assert plan.open_until(19 * 60) == 19 * 60
