"""Agents: rosters turned into staffing over time, and the pool of agents of one group.

A roster (a fixed team, counts per planning interval, shifts with breaks, or counts worked out
from the forecast by queueing theory, see :mod:`sim.model.staffing`) becomes a step function: the
number of agents available at each moment, after shrinkage. SimPy's ``Resource`` has a fixed
capacity, so agents are modelled as a pool of fungible tokens whose size follows that step
function. When the roster shrinks, idle agents leave at once; busy agents finish their current
contact and then leave (``staffing.shift_end: finish_contact``). When the roster grows again before
they have left, they stay.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable, Sequence

import numpy as np

from sim.model.calendar import MINUTES_PER_DAY, CalendarPlan
from sim.model.staffing import required_agents
from sim.scenario.scenario import Scenario
from sim.scenario.staffing import (
    FixedTeam,
    HeadcountPeriod,
    IntervalRoster,
    QueueingRoster,
    ShiftRoster,
)

Roster = FixedTeam | IntervalRoster | ShiftRoster | QueueingRoster


def _spans(
    roster: Roster, plan: CalendarPlan, scenario: Scenario, group: str | None = None
) -> list[tuple[float, float, int]]:
    """Rostered agents as ``(start_min, end_min, agents)`` spans, before shrinkage (``group``: the
    group whose roster it is, which a queueing roster staffs for its own part of the forecast)."""
    match roster:
        case QueueingRoster():
            groups = scenario.staffing.agent_groups

            def available(name: str) -> tuple[np.ndarray, np.ndarray]:
                return staffing_steps(groups[name].roster, plan, scenario, group=name)

            return required_agents(roster, scenario, plan, group, available)
        case FixedTeam():
            return [(a, b, roster.agents) for a, b in plan.open_periods]
        case IntervalRoster():
            spans = []
            for day in plan.days:
                counts = roster.agents.get(day.weekday)  # type: ignore[call-overload]
                if counts is None or not day.is_open:
                    continue
                for start, n in zip(plan.interval_starts(day), counts, strict=True):
                    spans.append((float(start), float(start) + plan.interval_min, n))
            return spans
        case ShiftRoster():
            spans = []
            for day in plan.days:
                if not day.is_open:
                    continue
                base = day.index * 1440.0
                for shift in roster.shifts:
                    if day.weekday not in shift.days:
                        continue
                    start = base + shift.start_h * 60.0
                    end = start + shift.length_h * 60.0
                    spans.append((start, end, shift.agents))
                    for brk in shift.breaks:
                        b0 = start + brk.after_h * 60.0
                        spans.append((b0, b0 + brk.length_min, -shift.agents))
            return spans
    raise TypeError(roster)


def _period_edges(period: HeadcountPeriod, plan: CalendarPlan) -> tuple[float, float]:
    """Clock minutes of a headcount period's first midnight and of the midnight after it."""
    first = (period.start_date - plan.days[0].date).days + plan.days[0].index
    last = (period.end_date - plan.days[0].date).days + plan.days[0].index
    return first * 1440.0, (last + 1) * 1440.0


def _day_part_edges(roster: Roster, plan: CalendarPlan) -> list[float]:
    """Clock minutes at which a day part starts or ends, on every day of the plan."""
    hours = sorted({h for part in roster.day_parts for h in (part.from_h, part.to_h)})
    return [
        day.index * MINUTES_PER_DAY + h * 60.0
        for day in plan.days
        for h in hours
        if plan.start_min < day.index * MINUTES_PER_DAY + h * 60.0 < plan.horizon_min
    ]


def staffing_steps(
    roster: Roster,
    plan: CalendarPlan,
    scenario: Scenario,
    paid: bool = False,
    group: str | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Agents available over time, after the headcount scale and shrinkage, as a step function
    (``paid=True``: the agents paid for, before shrinkage). ``group`` names the agent group whose
    roster it is: a queueing roster then staffs for that group's part of the forecast (see
    :mod:`sim.model.staffing`); None: for the whole front line.

    Returns:
        ``(times_min, agents)``: ``agents[i]`` agents from ``times_min[i]`` until the next time.
        Starts when the simulation starts (``plan.start_min``); consecutive equal levels are
        merged.
    """
    changes: dict[float, int] = {}
    for start, end, n in _spans(roster, plan, scenario, group):
        if start >= plan.horizon_min or n == 0:
            continue
        changes[start] = changes.get(start, 0) + n
        changes[min(end, plan.horizon_min)] = changes.get(min(end, plan.horizon_min), 0) - n
    for period in roster.headcount_periods:  # break the steps at the periods' midnights
        for edge in _period_edges(period, plan):
            if plan.start_min < edge < plan.horizon_min:
                changes.setdefault(edge, 0)
    for edge in _day_part_edges(roster, plan):
        changes.setdefault(edge, 0)
    times = np.array(sorted(changes), dtype=float)
    levels = np.cumsum([changes[t] for t in times]).astype(np.int64) if len(times) else np.zeros(0)
    available = roster.headcount_scale * (1.0 if paid else 1.0 - roster.shrinkage_fraction)
    scale = np.full(len(times), available)
    for period in roster.headcount_periods:
        first, after = _period_edges(period, plan)
        scale[(times >= first) & (times < after)] *= period.scale
    for part in roster.day_parts:
        hour = (times % MINUTES_PER_DAY) / 60.0
        scale[(hour >= part.from_h) & (hour < part.to_h)] *= part.scale
    levels = np.floor(levels * scale + 0.5).astype(np.int64)
    times = np.concatenate([[plan.start_min], times])
    levels = np.concatenate([[0], levels])
    keep = np.concatenate([[True], levels[1:] != levels[:-1]])
    return times[keep], levels[keep]


class AgentPool:
    """The agents of one group as counts: idle, busy, and busy-but-leaving.

    Every change in the number of agents present is logged, so occupancy can be computed exactly
    after the run.
    """

    __slots__ = ("busy", "idle", "leaving", "log_present", "log_t")

    def __init__(self, start_min: float = 0.0) -> None:
        self.idle = 0
        self.busy = 0
        self.leaving = 0
        self.log_t = array("d", [start_min])
        self.log_present = array("l", [0])

    @property
    def present(self) -> int:
        """Agents at work (idle or busy)."""
        return self.idle + self.busy

    def set_roster(self, now: float, agents: int) -> None:
        """Follow a roster change: join as idle, or leave (idle at once, busy when done)."""
        current = self.present - self.leaving
        if agents > current:
            stay = min(agents - current, self.leaving)
            self.leaving -= stay
            self.idle += agents - current - stay
        elif agents < current:
            go_now = min(current - agents, self.idle)
            self.idle -= go_now
            self.leaving += current - agents - go_now
        self._log(now)

    def release(self, now: float) -> bool:
        """A busy agent has finished; return True if they stay for more work (they stay busy until
        the caller assigns work or calls :meth:`rest`), False if their shift is over."""
        if self.leaving:
            self.leaving -= 1
            self.busy -= 1
            self._log(now)
            return False
        return True

    def rest(self) -> None:
        """A released agent found no work and waits idle."""
        self.busy -= 1
        self.idle += 1

    def take(self) -> None:
        """An idle agent starts a contact."""
        self.idle -= 1
        self.busy += 1

    def _log(self, now: float) -> None:
        if self.log_t[-1] == now:
            self.log_present[-1] = self.present
        else:
            self.log_t.append(now)
            self.log_present.append(self.present)


class IdleClockPool(AgentPool):
    """A pool that also knows since when each idle agent has been idle, for longest-idle agent
    selection: the agent idle longest takes the next contact, and when the roster shrinks the
    agents idle the shortest time leave first."""

    __slots__ = ("clock", "idle_since")

    def __init__(self, start_min: float, clock: Callable[[], float]) -> None:
        super().__init__(start_min)
        self.clock = clock
        self.idle_since: deque[float] = deque()

    def set_roster(self, now: float, agents: int) -> None:
        before = self.idle
        super().set_roster(now, agents)
        for _ in range(self.idle - before):
            self.idle_since.append(now)
        for _ in range(before - self.idle):
            self.idle_since.pop()

    def rest(self) -> None:
        super().rest()
        self.idle_since.append(self.clock())

    def take(self) -> None:
        super().take()
        self.idle_since.popleft()


Steps = tuple[np.ndarray, np.ndarray]
"""A step function ``(times_min, levels)``: ``levels[i]`` from ``times_min[i]`` on."""


def step_sum(steps: Sequence[Steps], start_min: float) -> Steps:
    """The sum of step functions (one: itself; none: zero from ``start_min``)."""
    if len(steps) == 1:
        return steps[0]
    if not steps:
        return np.array([start_min]), np.zeros(1, dtype=np.int64)
    times = np.unique(np.concatenate([t for t, _ in steps]))
    total = np.zeros(len(times), dtype=np.int64)
    for t, levels in steps:
        total += np.asarray(levels, dtype=np.int64)[np.searchsorted(t, times, "right") - 1]
    return times, total


def tier_sums(
    steps: Sequence[Steps], group_tier: Sequence[int], start_min: float
) -> dict[int, Steps]:
    """Per tier (1 and 2), the sum of its groups' step functions."""
    return {
        tier: step_sum([s for s, t in zip(steps, group_tier, strict=True) if t == tier], start_min)
        for tier in (1, 2)
    }
