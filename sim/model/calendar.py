"""The simulated calendar: which days exist, when the desk is open, and how busy each day is.

The simulation clock runs in minutes from midnight of ``calendar.start_date``. With a customer
base, the simulation may start earlier: a burn-in of whole days before the start date (negative
clock times) lets the customer base settle before anything is reported. Each simulated day has a
weekday (which selects opening hours, volumes and profiles), may be a holiday (closed) or a
peak day (volume multiplier). Consecutive open spans that touch (a 24-hour desk) are merged into one
open period, so nothing artificial happens at midnight.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from sim.scenario.desk import WEEKDAYS, Calendar

MINUTES_PER_DAY = 1440.0


@dataclass(frozen=True)
class Day:
    """One simulated day."""

    index: int
    date: dt.date
    weekday: str
    open_min: float | None
    """Opening time on the simulation clock, or None when closed (weekday closed or holiday)."""
    close_min: float | None
    volume_multiplier: float

    @property
    def is_open(self) -> bool:
        """Whether the desk opens on this day."""
        return self.open_min is not None


@dataclass(frozen=True)
class CalendarPlan:
    """The calendar laid out on the simulation clock."""

    interval_min: int
    horizon_min: float
    start_min: float
    """Clock time the simulation starts: 0, or minus the burn-in."""
    days: tuple[Day, ...]
    """Every simulated day, burn-in days first (negative indices)."""
    open_periods: tuple[tuple[float, float], ...]
    """Maximal spans ``[start, end)`` during which the desk is open, in clock minutes."""
    open_starts: list[float] = field(init=False, repr=False, compare=False)
    """The open periods' starts, searched at events (a contact coming back, a transfer)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "open_starts", [start for start, _ in self.open_periods])

    @classmethod
    def from_config(cls, cal: Calendar, burn_in_days: int = 0) -> CalendarPlan:
        """Lay out ``cal`` day by day, with ``burn_in_days`` simulated days before its start (the
        weekly pattern continued backwards)."""
        holidays = set(cal.holidays)
        peaks = {p.date: p.volume_multiplier for p in cal.peak_days}
        days = []
        for i in range(-burn_in_days, cal.horizon_days):
            date = cal.start_date + dt.timedelta(days=i)
            weekday = WEEKDAYS[date.weekday()]
            hours = None if date in holidays else cal.opening_hours.of(weekday)
            start = i * MINUTES_PER_DAY
            days.append(
                Day(
                    index=i,
                    date=date,
                    weekday=weekday,
                    open_min=None if hours is None else start + cal.on_grid_min(hours.open_h),
                    close_min=None if hours is None else start + cal.on_grid_min(hours.close_h),
                    volume_multiplier=peaks.get(date, 1.0),
                )
            )
        periods: list[list[float]] = []
        for day in days:
            if day.open_min is None or day.close_min is None:
                continue
            if periods and abs(periods[-1][1] - day.open_min) < 1e-9:
                periods[-1][1] = day.close_min
            else:
                periods.append([day.open_min, day.close_min])
        return cls(
            interval_min=cal.interval_min,
            horizon_min=cal.horizon_days * MINUTES_PER_DAY,
            start_min=-burn_in_days * MINUTES_PER_DAY,
            days=tuple(days),
            open_periods=tuple((a, b) for a, b in periods),
        )

    @property
    def reported_days(self) -> tuple[Day, ...]:
        """The days from the start date on (the burn-in left out)."""
        return tuple(day for day in self.days if day.index >= 0)

    def interval_starts(self, day: Day) -> np.ndarray:
        """Clock minutes at which the planning intervals of an open day start."""
        if day.open_min is None or day.close_min is None:
            return np.empty(0)
        return np.arange(day.open_min, day.close_min - 1e-9, self.interval_min)

    def open_until(self, t_min: float) -> float:
        """End of the open period containing ``t_min`` (``t_min`` itself when closed)."""
        i = bisect.bisect_right(self.open_starts, t_min) - 1
        if i >= 0 and t_min < self.open_periods[i][1]:
            return self.open_periods[i][1]
        return t_min

    def next_open(self, t_min: float) -> float | None:
        """The earliest time ``>= t_min`` at which the desk is open (None if never again)."""
        i = bisect.bisect_right(self.open_starts, t_min) - 1
        if i >= 0 and t_min < self.open_periods[i][1]:
            return t_min
        if i + 1 < len(self.open_periods):
            return self.open_periods[i + 1][0]
        return None
