"""Arrivals from a contact log: calls per planning interval by weekday and contact type, opening
hours, abnormal days and the day-to-day overdispersion of volumes (see
:mod:`sim.logs.calibrate`)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.logs.contact_log import ABANDONED, CleanLog
from sim.scenario.desk import WEEKDAYS


@dataclass(frozen=True)
class AbnormalDay:
    """A day left out of the weekday averages."""

    date: dt.date
    calls: int
    weekday_median: float


@dataclass(frozen=True)
class ArrivalFit:
    """Arrival volumes by weekday and interval.

    Attributes:
        opening_hours: Weekday → (open_h, close_h), or None when closed.
        open_share: Share of the busiest interval's volume that makes an interval open.
        regular_days: Weekday → number of regular days averaged.
        abnormal_days: Days left out (volume below ``abnormal_below`` × the weekday median).
        abnormal_below: The abnormal-day threshold.
        profiles: Weekday → mean calls per interval of the opening hours (all types).
        daily_volume: Scenario type → weekday → mean calls a day within opening hours.
        type_calls: Scenario type → calls used.
        day_volume_cv: Pooled day-to-day coefficient of variation beyond Poisson.
        day_volume_cv_by_weekday: The same per weekday (None with fewer than 2 regular days).
        calls: Calls used (regular days, within opening hours, reached the queue or an agent).
        outside_hours: Calls that arrived outside the opening hours (left out).
        before_queue: Callers who hung up before reaching the queue (left out).
    """

    opening_hours: dict[str, tuple[float, float] | None]
    open_share: float
    regular_days: dict[str, int]
    abnormal_days: list[AbnormalDay]
    abnormal_below: float
    profiles: dict[str, np.ndarray]
    daily_volume: dict[str, dict[str, float]]
    type_calls: dict[str, int]
    day_volume_cv: float
    day_volume_cv_by_weekday: dict[str, float | None]
    calls: int
    outside_hours: int
    before_queue: int


class IntervalGrid:
    """The log's days cut into planning intervals, from midnight of the first day."""

    def __init__(self, records: pd.DataFrame, interval_min: int) -> None:
        if 1440 % interval_min:
            raise ValueError(f"interval_min {interval_min} does not divide a day")
        self.interval_min = interval_min
        self.per_day = 1440 // interval_min
        self.origin = records["date"].min()
        self.first_date = self.origin.date()
        self.last_date = records["date"].max().date()
        self.n_days = (self.last_date - self.first_date).days + 1
        self.dates = [self.first_date + dt.timedelta(days=i) for i in range(self.n_days)]
        self.weekdays = np.array([WEEKDAYS[d.weekday()] for d in self.dates])

    def minutes(self, times: pd.Series) -> np.ndarray:
        """Minutes from the grid's origin."""
        return ((times - self.origin).dt.total_seconds() / 60.0).to_numpy()

    def slot(self, times: pd.Series) -> np.ndarray:
        """Global interval index of each time."""
        return np.floor(self.minutes(times) / self.interval_min).astype(np.int64)


def scenario_type_names(
    offered: pd.DataFrame, log: CleanLog, min_share: float
) -> tuple[dict[str, str], str | None]:
    """Log type code → scenario contact type, busiest first: the schema's label, or ``other``
    for types with less than ``min_share`` of the calls (``call`` when all are merged); and the
    name of the merged type, if any."""
    share = offered["type"].astype(str).value_counts(normalize=True)
    labels = log.schema.contact_type.labels
    keep = {code for code, s in share.items() if s >= min_share}
    merged = "other" if keep else "call"
    names = {code: labels.get(code, code) if code in keep else merged for code in share.index}
    return names, merged if len(keep) < len(share) else None


def fit_arrivals(
    records: pd.DataFrame,
    offered: np.ndarray,
    type_of: np.ndarray,
    type_names: list[str],
    grid: IntervalGrid,
    abnormal_below: float,
    open_share: float,
) -> tuple[ArrivalFit, np.ndarray]:
    """Volumes, profiles, opening hours and overdispersion, and which of the grid's days are
    regular."""
    slot = grid.slot(records["arrival"])[offered]
    day = slot // grid.per_day
    totals = np.bincount(day, minlength=grid.n_days)
    medians = {w: float(np.median(totals[grid.weekdays == w])) for w in WEEKDAYS}
    median = np.array([medians[w] for w in grid.weekdays])
    abnormal = (median > 0) & (totals < abnormal_below * median)
    regular = (median > 0) & ~abnormal
    counts = np.bincount(slot, minlength=grid.n_days * grid.per_day).reshape(grid.n_days, -1)
    hours: dict[str, tuple[float, float] | None] = {}
    open_slots: dict[str, tuple[int, int]] = {}
    for w in WEEKDAYS:
        days = regular & (grid.weekdays == w)
        if not days.any():
            hours[w] = None
            continue
        mean = counts[days].mean(axis=0)
        is_open = np.flatnonzero(mean >= open_share * mean.max())
        first, last = int(is_open[0]), int(is_open[-1]) + 1
        open_slots[w] = (first, last)
        hours[w] = (first * grid.interval_min / 60.0, last * grid.interval_min / 60.0)
    in_slot = slot % grid.per_day
    day_weekday = grid.weekdays[day]
    in_hours = np.zeros(len(slot), dtype=bool)
    for w, (first, last) in open_slots.items():
        in_hours |= (day_weekday == w) & (in_slot >= first) & (in_slot < last)
    used = in_hours & regular[day]
    profiles, cv_by_weekday = {}, {}
    terms, dof = 0.0, 0
    for w, (first, last) in open_slots.items():
        days = regular & (grid.weekdays == w)
        profiles[w] = counts[days, first:last].mean(axis=0)
        daily = counts[days, first:last].sum(axis=1).astype(float)
        k, m = len(daily), daily.mean()
        cv_by_weekday[w] = None
        if k >= 2:
            excess = (daily.var(ddof=1) - m) / m**2
            cv_by_weekday[w] = math.sqrt(max(excess, 0.0))
            terms += excess * (k - 1)
            dof += k - 1
    volumes, type_calls = {}, {}
    for t in type_names:
        mine = used & (type_of[offered] == t)
        per_day = np.bincount(day[mine], minlength=grid.n_days)
        volumes[t] = {w: float(per_day[regular & (grid.weekdays == w)].mean()) for w in open_slots}
        type_calls[t] = int(mine.sum())
    before_queue = (records["outcome"] == ABANDONED).to_numpy() & ~records["queued"].to_numpy()
    fit = ArrivalFit(
        opening_hours=hours,
        open_share=open_share,
        regular_days={w: int((regular & (grid.weekdays == w)).sum()) for w in open_slots},
        abnormal_days=[
            AbnormalDay(grid.dates[i], int(totals[i]), medians[grid.weekdays[i]])
            for i in np.flatnonzero(abnormal)
        ],
        abnormal_below=abnormal_below,
        profiles=profiles,
        daily_volume=volumes,
        type_calls=type_calls,
        day_volume_cv=math.sqrt(max(terms / dof, 0.0)) if dof else 0.0,
        day_volume_cv_by_weekday=cv_by_weekday,
        calls=int(used.sum()),
        outside_hours=int((~in_hours).sum()),
        before_queue=int(before_queue.sum()),
    )
    return fit, regular
