"""A week of planning intervals: what a roster asks for, and what a simulated desk achieved.

A shift schedule repeats every week, so it is planned against one week of requirements: per
weekday and interval of the day, the agents a roster puts on shift (before shrinkage) in every week
of the horizon, combined by a statistic (the largest week, the mean, or a quantile). A simulated
desk's service level is folded onto the same grid: per replication, calls answered within the
threshold over calls counted, pooled over the weeks, so each (weekday, interval) gets a mean and a
confidence interval over replications.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim.measures.estimates import CI_LEVEL
from sim.measures.integrals import step_at
from sim.model.agents import staffing_steps
from sim.model.arrivals import interval_rates
from sim.model.calendar import MINUTES_PER_DAY, CalendarPlan
from sim.scenario.scenario import Scenario

WEEKDAYS_IN_WEEK = 7


def _slots(starts: np.ndarray, plan: CalendarPlan) -> tuple[np.ndarray, np.ndarray]:
    """Weekday (0 Monday) and interval of the day of interval start times."""
    first_weekday = plan.days[0].date.weekday() - plan.days[0].index % WEEKDAYS_IN_WEEK
    day = (starts // MINUTES_PER_DAY).astype(np.int64)
    weekday = (day + first_weekday) % WEEKDAYS_IN_WEEK
    interval = ((starts - day * MINUTES_PER_DAY) // plan.interval_min).astype(np.int64)
    return weekday, interval


def week_requirements(
    scenario: Scenario, group: str, statistic: str | float = "max"
) -> tuple[float, np.ndarray]:
    """Agents a group's roster puts on shift (before shrinkage) per weekday and interval, over
    the weeks of the horizon combined by ``statistic``: ``"max"`` (cover the busiest week),
    ``"mean"``, or a quantile in (0, 1); rounded up to whole agents. Returns the interval length
    in minutes and an array of shape (7, intervals per day), 0 where the desk is closed."""
    plan = CalendarPlan.from_config(scenario.calendar)
    roster = scenario.staffing.agent_groups[group].roster
    steps = staffing_steps(roster, plan, scenario, paid=True, group=group)
    starts = np.concatenate([plan.interval_starts(d) for d in plan.days] + [np.empty(0)])
    agents = step_at(*steps, starts).astype(float)
    weekday, interval = _slots(starts, plan)
    per_day = round(MINUTES_PER_DAY / plan.interval_min)
    weeks = _by_week(agents, starts, weekday, interval, per_day)
    ever_open = ~np.all(np.isnan(weeks), axis=0)
    open_weeks = weeks[:, ever_open]
    if statistic == "max":
        combined = np.nanmax(open_weeks, axis=0)
    elif statistic == "mean":
        combined = np.nanmean(open_weeks, axis=0)
    elif isinstance(statistic, float) and 0.0 < statistic < 1.0:
        combined = np.nanquantile(open_weeks, statistic, axis=0)
    else:
        raise ValueError(f"statistic {statistic!r}: use 'max', 'mean' or a quantile in (0, 1)")
    required = np.zeros(weeks.shape[1:])
    required[ever_open] = np.maximum(np.ceil(combined - 1e-9), 0.0)
    return plan.interval_min, required


def _by_week(
    values: np.ndarray,
    starts: np.ndarray,
    weekday: np.ndarray,
    interval: np.ndarray,
    per_day: int,
) -> np.ndarray:
    """Values laid out as (weeks, 7, intervals per day); NaN where a week has no such interval
    open."""
    week = ((starts // MINUTES_PER_DAY).astype(np.int64) - weekday) // WEEKDAYS_IN_WEEK
    week -= week.min(initial=0)
    out = np.full((int(week.max(initial=0)) + 1, WEEKDAYS_IN_WEEK, per_day), np.nan)
    out[week, weekday, interval] = values
    return out


@dataclass(frozen=True)
class WeekServiceLevel:
    """A simulated desk's front-line phone service level per weekday and interval of the day:
    mean over replications and the two-sided confidence interval (NaN where no call counts)."""

    mean: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    calls: np.ndarray
    """Calls counted per replication on average."""
    offered: np.ndarray
    """Front-line phone contacts offered per week on average (first attempts, retrials, repeat
    calls and callbacks alike), over replications and the weeks the interval is open."""

    def short_of(self, target: float) -> np.ndarray:
        """Where the whole interval is below ``target``: short with confidence."""
        return np.nan_to_num(self.ci_high, nan=math.inf) < target


def week_service_level(
    intervals: Sequence[dict[str, np.ndarray]], plan: CalendarPlan, level: float = CI_LEVEL
) -> WeekServiceLevel:
    """Fold each replication's interval table (:func:`sim.measures.metrics.interval_table`)
    onto the week: calls answered within the threshold over calls counted, pooled over weeks."""
    per_day = round(MINUTES_PER_DAY / plan.interval_min)
    shares, calls, offered = [], [], []
    for table in intervals:
        weekday, interval = _slots(table["interval_start_min"], plan)
        flat = weekday * per_day + interval
        size = WEEKDAYS_IN_WEEK * per_day
        good = np.bincount(flat, weights=table["answered_within_threshold"], minlength=size)
        counted = np.bincount(flat, weights=table["service_level_denominator"], minlength=size)
        shares.append(np.divide(good, counted, out=np.full(size, np.nan), where=counted > 0))
        calls.append(counted)
        weeks = np.bincount(flat, minlength=size)
        total = np.bincount(flat, weights=table["offered"], minlength=size)
        offered.append(np.divide(total, weeks, out=np.zeros(size), where=weeks > 0))
    x = np.array(shares).reshape(len(intervals), WEEKDAYS_IN_WEEK, per_day)
    n = np.sum(~np.isnan(x), axis=0)
    filled = np.nan_to_num(x)
    mean = np.divide(filled.sum(axis=0), n, out=np.full(n.shape, np.nan), where=n > 0)
    squares = np.sum(np.where(np.isnan(x), 0.0, (x - mean) ** 2), axis=0)
    sd = np.sqrt(np.divide(squares, n - 1, out=np.full(n.shape, np.nan), where=n > 1))
    t = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1))
    half = t * sd / np.sqrt(np.maximum(n, 1))
    return WeekServiceLevel(
        mean=mean,
        ci_low=np.clip(mean - half, 0.0, 1.0),
        ci_high=np.clip(mean + half, 0.0, 1.0),
        calls=np.mean(calls, axis=0).reshape(WEEKDAYS_IN_WEEK, per_day),
        offered=np.mean(offered, axis=0).reshape(WEEKDAYS_IN_WEEK, per_day),
    )


def week_forecast_calls(scenario: Scenario) -> np.ndarray:
    """Front-line phone calls the forecast expects per weekday and interval in a week (first
    attempts, peak days included), averaged over the weeks of the reported days; shape (7,
    intervals per day)."""
    plan = CalendarPlan.from_config(scenario.calendar)
    phone = np.array([t.channel == "phone" for t in scenario.demand.contact_types.values()])
    per_day = round(MINUTES_PER_DAY / plan.interval_min)
    size = WEEKDAYS_IN_WEEK * per_day
    calls, weeks = np.zeros(size), np.zeros(size)
    for day in plan.reported_days:
        starts = plan.interval_starts(day)
        if not len(starts):
            continue
        weekday, interval = _slots(starts, plan)
        flat = weekday * per_day + interval
        calls[flat] += interval_rates(plan, scenario.demand, day)[phone].sum(axis=0)
        weeks[flat] += 1
    mean = np.divide(calls, weeks, out=np.zeros(size), where=weeks > 0)
    return mean.reshape(WEEKDAYS_IN_WEEK, per_day)
