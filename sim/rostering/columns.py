"""The columns of the set-covering model: every way an agent may work the week.

A column is a shift type, a start time, a placement of its breaks and a day pattern (Dantzig
1954's formulation, with Aykin 1996's breaks enumerated as placements within their windows). It
covers an interval of a day of its pattern when the shift is on and the agent is not on break;
intervals are whole, since starts, lengths and breaks lie on the interval grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from sim.rostering.requirements import Requirements
from sim.scenario.desk import WEEKDAYS, Weekday
from sim.scenario.rostering import Rostering, ShiftType


@dataclass(frozen=True)
class Pattern:
    """One way to work the week."""

    shift_type: str
    start_min: float
    length_min: float
    breaks_min: tuple[tuple[float, float], ...]
    """``(start, length)`` of each break, minutes into the shift."""
    days: tuple[Weekday, ...]
    part_time: bool
    cost: float
    """Money per agent per week: the shift's cost × the days worked."""


@dataclass(frozen=True)
class Columns:
    """The patterns offered and what each covers.

    Attributes:
        patterns: One per column.
        cover: Sparse 0/1 matrix, shape ``(7 × intervals per day, columns)``: row ``day × n + i``
            is interval ``i`` of weekday ``day`` (Monday 0).
        type_index: For each column, the position of its shift type in the catalogue.
    """

    patterns: tuple[Pattern, ...]
    cover: sparse.csc_array
    type_index: np.ndarray

    @property
    def costs(self) -> np.ndarray:
        """Money per agent per week of each column."""
        return np.array([p.cost for p in self.patterns], dtype=float)

    @property
    def part_time(self) -> np.ndarray:
        """Whether each column is part-time."""
        return np.array([p.part_time for p in self.patterns], dtype=bool)


def _worked(start: int, end: int, breaks: list[tuple[int, int]]) -> np.ndarray:
    """Intervals of the day worked by a shift from ``start`` to ``end`` (interval indices) that
    is away on each ``(first, after)`` break."""
    on = np.arange(start, end)
    for first, after in breaks:
        on = on[(on < first) | (on >= after)]
    return on


def _type_columns(
    shift_type: ShiftType, requirements: Requirements
) -> tuple[list[Pattern], list[np.ndarray]]:
    """The patterns of one shift type that run only in open intervals, with the rows each
    covers."""
    step = requirements.interval_min
    n = requirements.intervals_per_day
    open_mask = requirements.open_mask
    length_min = shift_type.length_h * 60.0
    patterns, rows = [], []
    for start_min in shift_type.start_times_min:
        first, end = round(start_min / step), round((start_min + length_min) / step)
        open_days = {WEEKDAYS[d] for d in range(len(WEEKDAYS)) if open_mask[d, first:end].all()}
        days_ok = [days for days in shift_type.weekday_patterns if open_days.issuperset(days)]
        if not days_ok:
            continue
        for placement in shift_type.break_placements_min:
            breaks_min = tuple(
                (after, brk.length_min)
                for after, brk in zip(placement, shift_type.breaks, strict=True)
            )
            away = [
                (first + round(a / step), first + round((a + length) / step))
                for a, length in breaks_min
            ]
            worked = _worked(first, end, away)
            for days in days_ok:
                patterns.append(
                    Pattern(
                        shift_type=shift_type.name,
                        start_min=start_min,
                        length_min=length_min,
                        breaks_min=breaks_min,
                        days=days,
                        part_time=shift_type.part_time,
                        cost=shift_type.cost_per_shift * len(days),
                    )
                )
                rows.append(np.concatenate([WEEKDAYS.index(day) * n + worked for day in days]))
    return patterns, rows


def build_columns(requirements: Requirements, settings: Rostering) -> Columns:
    """Every pattern of the catalogue that runs only in open intervals, and its cover."""
    patterns: list[Pattern] = []
    rows: list[np.ndarray] = []
    type_index: list[int] = []
    for k, shift_type in enumerate(settings.shift_types):
        typed, covered = _type_columns(shift_type, requirements)
        patterns += typed
        rows += covered
        type_index += [k] * len(typed)
    row_index = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    col_index = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
    cover = sparse.csc_array(
        (np.ones(len(row_index)), (row_index, col_index)),
        shape=(requirements.agents.size, len(patterns)),
    )
    return Columns(tuple(patterns), cover, np.array(type_index, dtype=np.int64))
