"""The catalogue a roster is optimised over: shift types, their start times, breaks and day
patterns, their costs, and limits on the roster as a whole (``rostering:``).

Shift scheduling as set covering (Dantzig 1954): every way an agent may work the week — a shift
type, a start time, a placement of its breaks and a day pattern — is a column; the optimiser
(:mod:`sim.rostering`) chooses how many agents work each column so that every planning interval
has as many agents on shift as it requires, at least cost. Break windows rather than fixed breaks
let the optimiser stagger breaks so that coverage holds while agents are away (Aykin 1996 places
breaks the same way, one window per break).

An agent works one column all week: the same start time and breaks on each day of its pattern.
Shifts do not run past midnight (the desk's opening hours end by midnight at the latest, and a
simulated shift must lie inside them). Every time here must lie on the planning interval grid of
the calendar (checked with the scenario), so that coverage is counted per whole interval.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from sim.scenario.base import Model, Name, Probability, clock
from sim.scenario.desk import WEEKDAYS, Weekday

DAY_MIN = 1440.0
MAX_PATTERNS = 200_000
"""Columns a catalogue may generate: far above a large desk's catalogue (a few thousand), low
enough that the integer program still builds in seconds."""

_EPS = 1e-9


def _steps(first_min: float, last_min: float, step_min: float) -> list[float]:
    """``first_min``, ``first_min + step_min``, … up to ``last_min`` (inclusive)."""
    count = int((last_min - first_min) / step_min + _EPS)
    return [first_min + i * step_min for i in range(count + 1)]


class StartWindow(Model):
    """Start times from ``earliest_h`` to ``latest_h`` every ``step_min`` minutes (e.g. every 30
    minutes from 07:00 to 10:00: seven start times)."""

    earliest_h: float = Field(ge=0.0, lt=24.0, description="Earliest start, hours after midnight.")
    latest_h: float = Field(ge=0.0, lt=24.0, description="Latest start, hours after midnight.")
    step_min: float = Field(ge=1.0, le=DAY_MIN, description="Minutes between start times.")

    @model_validator(mode="after")
    def _in_order(self) -> StartWindow:
        if self.latest_h < self.earliest_h:
            raise ValueError(
                f"latest_h {self.latest_h:g} is before earliest_h {self.earliest_h:g}: a start "
                "window runs from earliest_h to a later or equal latest_h"
            )
        return self

    @property
    def starts_min(self) -> list[float]:
        """The start times, minutes after midnight."""
        return _steps(self.earliest_h * 60.0, self.latest_h * 60.0, self.step_min)


class BreakWindow(Model):
    """A break whose start the optimiser places: any time from ``earliest_after_h`` to
    ``latest_after_h`` hours into the shift, every ``step_min`` minutes, lasting ``length_min``
    (e.g. a 30-minute lunch starting 3 to 5 hours in, on the half hour)."""

    earliest_after_h: float = Field(
        ge=0.0, le=24.0, description="Earliest start of the break, hours into the shift."
    )
    latest_after_h: float = Field(
        ge=0.0, le=24.0, description="Latest start of the break, hours into the shift."
    )
    step_min: float = Field(
        ge=1.0, le=DAY_MIN, description="Minutes between the break's possible starts."
    )
    length_min: float = Field(gt=0.0, le=240.0, description="Length of the break in minutes.")

    @model_validator(mode="after")
    def _in_order(self) -> BreakWindow:
        if self.latest_after_h < self.earliest_after_h:
            raise ValueError(
                f"latest_after_h {self.latest_after_h:g} is before earliest_after_h "
                f"{self.earliest_after_h:g}: a break window runs from earliest_after_h to a later "
                "or equal latest_after_h"
            )
        return self

    @property
    def starts_min(self) -> list[float]:
        """The break's possible starts, minutes into the shift."""
        return _steps(self.earliest_after_h * 60.0, self.latest_after_h * 60.0, self.step_min)


class ConsecutiveDays(Model):
    """Every run of ``consecutive_days`` weekdays, wrapping from Sunday to Monday: the 7 cyclic
    day patterns (5: Mon–Fri, Tue–Sat, …, Sun–Thu)."""

    consecutive_days: int = Field(ge=1, le=7, description="Days worked in a row each week.")

    @property
    def patterns(self) -> list[tuple[Weekday, ...]]:
        """The distinct cyclic runs, each in weekday order, Monday first (one run for 7 days)."""
        runs = [
            tuple(WEEKDAYS[(first + i) % 7] for i in range(self.consecutive_days))
            for first in range(7)
        ]
        return list(dict.fromkeys(tuple(sorted(run, key=WEEKDAYS.index)) for run in runs))


class ShiftType(Model):
    """A kind of shift the roster may use: its length, when it may start, its breaks, the weekday
    patterns its agents work, and what one shift costs.

    Every start time × placement of the breaks × day pattern is one way to work the week; the
    optimiser chooses how many agents work each.
    """

    name: Name = Field(description="Name of the shift type (e.g. early, late, part_time).")
    length_h: float = Field(gt=0.0, le=24.0, description="Length including breaks, in hours.")
    starts_h: list[Annotated[float, Field(ge=0.0, lt=24.0)]] | StartWindow = Field(
        description="Start times, hours after midnight (e.g. [7, 8.5]), or a window "
        "{earliest_h, latest_h, step_min}."
    )
    breaks: list[BreakWindow] = Field(
        default_factory=list,
        max_length=10,
        description="Breaks, in the order they are taken: each a window for its start and a "
        "length. Breaks may not overlap; the optimiser places each.",
    )
    day_patterns: list[list[Weekday]] | ConsecutiveDays = Field(
        description="Weekday sets the same agents work each week (e.g. [[mon, tue, wed, thu, "
        "fri]]), or {consecutive_days: n} for every run of n days in a row."
    )
    cost_per_shift: float = Field(
        ge=0.0, le=1e6, description="Money per shift worked (a pattern's week costs this × days)."
    )
    part_time: bool = Field(False, description="Whether these shifts count as part-time work.")
    max_agents: int | None = Field(
        None, ge=0, le=100_000, description="Agents at most on this shift type; null = no cap."
    )

    @field_validator("starts_h")
    @classmethod
    def _distinct_starts(cls, starts: list[float] | StartWindow) -> list[float] | StartWindow:
        if isinstance(starts, list):
            if not starts:
                raise ValueError("no start time: give at least one, or a window")
            if len(set(starts)) < len(starts):
                raise ValueError(f"start times {starts} repeat one; give each once")
        return starts

    @field_validator("day_patterns")
    @classmethod
    def _distinct_days(
        cls, patterns: list[list[Weekday]] | ConsecutiveDays
    ) -> list[list[Weekday]] | ConsecutiveDays:
        if isinstance(patterns, ConsecutiveDays):
            return patterns
        if not patterns:
            raise ValueError("no day pattern: give at least one weekday list, or consecutive_days")
        seen: set[frozenset[str]] = set()
        for i, days in enumerate(patterns):
            if not days:
                raise ValueError(f"day_patterns.{i} is empty: a pattern works at least one day")
            if len(set(days)) < len(days):
                raise ValueError(f"day_patterns.{i} {days} names a weekday twice")
            if frozenset(days) in seen:
                raise ValueError(f"day_patterns.{i} {days} is given twice")
            seen.add(frozenset(days))
        return patterns

    @model_validator(mode="after")
    def _fits_the_day(self) -> ShiftType:
        length_min = self.length_h * 60.0
        most = math.prod(len(brk.starts_min) for brk in self.breaks)
        if most > MAX_PATTERNS:
            raise ValueError(
                f"breaks: their windows allow up to {most:,} placements, more than the "
                f"{MAX_PATTERNS:,} ways to work the week allowed; use coarser steps"
            )
        late = [s for s in self.start_times_min if s + length_min > DAY_MIN + _EPS]
        if late:
            raise ValueError(
                f"starts_h: starting at {clock(late[0] / 60.0)}, shift type '{self.name}' "
                f"({self.length_h:g} h) runs past midnight; shifts end by midnight (the "
                f"desk's opening hours do): start by {clock((DAY_MIN - length_min) / 60.0)} at "
                "the latest"
            )
        for i, brk in enumerate(self.breaks):
            if brk.earliest_after_h * 60.0 + brk.length_min > length_min + _EPS:
                raise ValueError(
                    f"breaks.{i} cannot fit: at the earliest it starts {brk.earliest_after_h:g} "
                    f"h into shift type '{self.name}' ({self.length_h:g} h) and lasts "
                    f"{brk.length_min:g} min, ending after the shift; start it by "
                    f"{(length_min - brk.length_min) / 60.0:g} h"
                )
        if self.breaks and not self.break_placements_min:
            raise ValueError(
                f"breaks: the breaks of shift type '{self.name}' cannot all be placed in order "
                f"without overlapping inside its {self.length_h:g} h; widen their windows or "
                "shorten them"
            )
        return self

    @property
    def start_times_min(self) -> list[float]:
        """The start times, minutes after midnight."""
        if isinstance(self.starts_h, StartWindow):
            return self.starts_h.starts_min
        return sorted(h * 60.0 for h in self.starts_h)

    @property
    def break_placements_min(self) -> list[tuple[float, ...]]:
        """Every placement of the breaks: one start per break (minutes into the shift), in order,
        none overlapping the next, all ending by the end of the shift. One empty placement for a
        shift without breaks."""
        placements: list[tuple[float, ...]] = [()]
        end_after: list[float] = [0.0]  # where the last placed break ends, per placement
        for brk in self.breaks:
            longer, ends = [], []
            for placed, free_min in zip(placements, end_after, strict=True):
                for start in brk.starts_min:
                    if start >= free_min - _EPS and start + brk.length_min <= (
                        self.length_h * 60.0 + _EPS
                    ):
                        longer.append((*placed, start))
                        ends.append(start + brk.length_min)
            placements, end_after = longer, ends
        return placements

    @property
    def weekday_patterns(self) -> list[tuple[Weekday, ...]]:
        """The day patterns, each in weekday order."""
        if isinstance(self.day_patterns, ConsecutiveDays):
            return self.day_patterns.patterns
        return [tuple(sorted(days, key=WEEKDAYS.index)) for days in self.day_patterns]

    @property
    def pattern_count(self) -> int:
        """Ways to work the week this type offers: starts × break placements × day patterns."""
        return (
            len(self.start_times_min) * len(self.break_placements_min) * len(self.weekday_patterns)
        )


class Rostering(Model):
    """What a roster is optimised over (by ``sim.rostering.schedule``): one agent group, a
    catalogue of shift types, and limits on the whole roster.

    Headcount counts agents, each working one day pattern all week; the part-time share is the
    part-time agents' share of that headcount. The simulation does not read this section.
    """

    group: Name = Field(
        "tier1",
        description="Agent group whose roster is scheduled (tier1 for the two-tier form's front "
        "line).",
    )
    shift_types: list[ShiftType] = Field(
        min_length=1, max_length=100, description="The shift types the roster may use."
    )
    min_headcount: int = Field(0, ge=0, le=100_000, description="Agents at least on the roster.")
    max_headcount: int | None = Field(
        None, ge=0, le=100_000, description="Agents at most on the roster; null = no cap."
    )
    max_part_time_share: Probability | None = Field(
        None,
        description="Largest share of the headcount on part-time shift types (0.3 = 30%); "
        "null = no limit.",
    )

    @model_validator(mode="after")
    def _distinct_names(self) -> Rostering:
        names = [t.name for t in self.shift_types]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise ValueError(
                    f"shift_types.{i}: the name '{name}' is already shift_types."
                    f"{names.index(name)}'s; give each shift type its own name"
                )
        return self

    @model_validator(mode="after")
    def _limits_agree(self) -> Rostering:
        if self.max_headcount is not None and self.max_headcount < self.min_headcount:
            raise ValueError(
                f"max_headcount {self.max_headcount} is below min_headcount {self.min_headcount}"
            )
        capped = [t.max_agents for t in self.shift_types if t.max_agents is not None]
        if len(capped) == len(self.shift_types) and sum(capped) < self.min_headcount:
            raise ValueError(
                f"min_headcount {self.min_headcount} is more than the shift types' max_agents "
                f"allow together ({sum(capped)})"
            )
        share = self.max_part_time_share
        all_part_time = all(t.part_time for t in self.shift_types)
        if self.min_headcount > 0 and share is not None and share < 1.0 and all_part_time:
            raise ValueError(
                f"max_part_time_share {share:g} with min_headcount {self.min_headcount}: "
                "every shift type is part-time, so no roster meets both; add a full-time "
                "shift type"
            )
        return self

    @model_validator(mode="after")
    def _few_enough_patterns(self) -> Rostering:
        total = sum(t.pattern_count for t in self.shift_types)
        if total > MAX_PATTERNS:
            raise ValueError(
                f"shift_types generate {total:,} ways to work the week (starts × break "
                f"placements × day patterns), more than the {MAX_PATTERNS:,} allowed; use "
                "coarser steps or fewer day patterns"
            )
        return self

    def grid_problems(self, interval_min: float) -> list[str]:
        """Times off the planning interval grid, one line per shift type (coverage is counted per
        whole interval, so shifts and breaks must start, and last, whole intervals)."""
        problems = []
        for i, shift_type in enumerate(self.shift_types):
            off = [
                (field, text)
                for field, minutes, text in _grid_times(shift_type)
                if abs(minutes / interval_min - round(minutes / interval_min)) > _EPS
            ]
            if off:
                field, text = off[0]
                problems.append(
                    f"rostering.shift_types.{i}.{field}: {text} is off the {interval_min:g}-minute "
                    f"interval grid (shift type '{shift_type.name}'); shifts and breaks start and "
                    "last whole intervals"
                )
        return problems


def _grid_times(shift_type: ShiftType) -> list[tuple[str, float, str]]:
    """``(field, minutes, as written)`` of every time of a shift type that must lie on the
    interval grid: its length, starts, start step and its breaks' earliest starts, steps and
    lengths."""
    times = [("length_h", shift_type.length_h * 60.0, f"{shift_type.length_h:g} h")]
    times += [("starts_h", m, f"a start at {clock(m / 60.0)}") for m in shift_type.start_times_min]
    if isinstance(shift_type.starts_h, StartWindow):
        step = shift_type.starts_h.step_min
        times.append(("starts_h.step_min", step, f"{step:g} min"))
    for j, brk in enumerate(shift_type.breaks):
        times += [
            (
                f"breaks.{j}.earliest_after_h",
                brk.earliest_after_h * 60.0,
                f"{brk.earliest_after_h:g} h",
            ),
            (f"breaks.{j}.step_min", brk.step_min, f"{brk.step_min:g} min"),
            (f"breaks.{j}.length_min", brk.length_min, f"{brk.length_min:g} min"),
        ]
    return times
