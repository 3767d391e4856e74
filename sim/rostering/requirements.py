"""The agents a week requires, interval by interval, and when shifts may run."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario.desk import WEEKDAYS, Calendar
from sim.scenario.rostering import DAY_MIN


@dataclass(frozen=True)
class Requirements:
    """Agents that must be on shift in each planning interval of one week.

    Attributes:
        agents: Shape ``(7, intervals per day)``, Monday first, the day's intervals from midnight:
            rostered agents (paid, before shrinkage) each interval requires; whole numbers.
        interval_min: Length of a planning interval in minutes (divides the day).
        open: Same shape, True where a shift may run (the desk's opening hours); None: at any
            time. A shift that would run (or break) in a closed interval is not offered, so a
            requirement in a closed interval is reported unmet.
    """

    agents: np.ndarray
    interval_min: int
    open: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.interval_min <= 0 or DAY_MIN % self.interval_min:
            raise ValueError(
                f"interval_min {self.interval_min} does not divide the day's {DAY_MIN:g} minutes"
            )
        shape = (len(WEEKDAYS), self.intervals_per_day)
        agents = np.asarray(self.agents, dtype=float)
        if agents.shape != shape:
            raise ValueError(
                f"agents has shape {agents.shape}; one week of {self.interval_min}-minute "
                f"intervals is {shape} (Monday first, from midnight)"
            )
        if not np.all(np.isfinite(agents)) or np.any(agents < 0) or np.any(agents % 1):
            raise ValueError("agents must be whole numbers of agents, 0 or more")
        if self.open is not None and np.shape(self.open) != shape:
            raise ValueError(f"open has shape {np.shape(self.open)}; agents has {shape}")
        object.__setattr__(self, "agents", agents.astype(np.int64))

    @property
    def intervals_per_day(self) -> int:
        """Planning intervals from midnight to midnight."""
        return round(DAY_MIN / self.interval_min)

    @property
    def open_mask(self) -> np.ndarray:
        """Where a shift may run, shape ``(7, intervals per day)`` (all True when ``open`` is
        None)."""
        if self.open is None:
            return np.ones(self.agents.shape, dtype=bool)
        return np.asarray(self.open, dtype=bool)

    @classmethod
    def within_opening_hours(cls, agents: np.ndarray, calendar: Calendar) -> Requirements:
        """Requirements on the calendar's interval grid, shifts allowed only in its opening
        hours."""
        per_day = round(DAY_MIN / calendar.interval_min)
        starts_h = np.arange(per_day) * calendar.interval_min / 60.0
        open_ = np.zeros((len(WEEKDAYS), per_day), dtype=bool)
        for d, day in enumerate(WEEKDAYS):
            hours = calendar.opening_hours.of(day)
            if hours is not None:
                open_[d] = (starts_h >= hours.open_h - 1e-9) & (starts_h < hours.close_h - 1e-9)
        return cls(agents=agents, interval_min=calendar.interval_min, open=open_)
