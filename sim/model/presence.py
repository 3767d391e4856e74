"""Who is at the desk: per agent group, the roster less unplanned absence and vacancies, plus the
agents who stay on past the end of their shift while callers queue (overtime).

Definitions and sources: :mod:`sim.scenario.workforce`. Without a workforce section each group's
pool simply follows its roster. With absence or attrition the level is worked out afresh at
every roster change and every midnight: the roster times the day's share present, rounded up or
down at random with one uniform per group and day.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Generator, Sequence

import numpy as np
import simpy

from sim.model.agents import AgentPool, Steps
from sim.model.calendar import MINUTES_PER_DAY, CalendarPlan
from sim.model.rng import Streams
from sim.model.staff import Staff
from sim.scenario.workforce import Absence, Workforce

EPS_MIN = 1e-9


def absent_shares(absence: Absence, days: int, rng: np.random.Generator) -> np.ndarray:
    """Each day's share of a group's rostered agents absent: beta with the mean and coefficient
    of variation of ``absence`` (the mean every day when either is 0)."""
    m, cv = absence.mean_share, absence.day_cv
    if m == 0 or cv == 0:
        return np.full(days, m)
    total = m * (1.0 - m) / (cv * m) ** 2 - 1.0  # a + b of the beta
    return rng.beta(m * total, (1.0 - m) * total, size=days)


def with_midnights(steps: Steps, plan: CalendarPlan) -> Steps:
    """A step function broken at every midnight of the plan (same values)."""
    times, levels = steps
    midnights = np.arange(plan.days[0].index + 1, plan.days[-1].index + 1) * MINUTES_PER_DAY
    merged = np.union1d(times, midnights[midnights > times[0]])
    return merged, levels[np.searchsorted(times, merged, "right") - 1]


class Presence:
    """Per agent group, the agents attending (roster less absence and vacancies) and those kept
    on overtime; drives each group's pool and logs who attended."""

    def __init__(
        self,
        env: simpy.Environment,
        plan: CalendarPlan,
        workforce: Workforce | None,
        streams: Streams,
        group_names: Sequence[str],
        group_tier: Sequence[int],
        rosters: Sequence[Steps],
        paid: Sequence[Steps],
        pools: Sequence[AgentPool],
        realtime_waiting: Callable[[int], int],
        fill: Callable[[int], None],
    ) -> None:
        self.env, self.plan = env, plan
        self.group_tier = list(group_tier)
        self.pools = pools
        self.realtime_waiting = realtime_waiting
        self.fill = fill
        self.absence = None if workforce is None else workforce.absence
        self.overtime = None if workforce is None else workforce.overtime
        self.staff = None
        """Fatigue, satisfaction and the staff's comings and goings (with those mechanisms)."""
        if workforce is not None and workforce.has_staff_dynamics:
            self.staff = Staff(workforce, group_names, paid, plan, streams, self.group_load)
        self.vacancies = workforce is not None and workforce.attrition is not None
        """Whether the staff's vacancies thin the roster (attrition)."""
        self.first_day = plan.days[0].index
        n = len(group_names)
        self.absent: list[np.ndarray] = []
        self.absent_rounding: list[np.ndarray] = []
        if self.absence is not None:
            for name in group_names:  # one stream per group: the same days whatever else runs
                rng = streams(f"absence/{name}")
                self.absent.append(absent_shares(self.absence, len(plan.days), rng))
                self.absent_rounding.append(rng.random(len(plan.days)))
        by_day = self.absence is not None or self.vacancies
        self.rosters = [with_midnights(r, plan) if by_day else r for r in rosters]
        self.level = [0] * n
        """Agents attending per group (the roster less absence and vacancies)."""
        self.extra = [0] * n
        """Agents kept on overtime per group."""
        self.extensions: list[list[list[int]]] = [[] for _ in range(n)]
        """Per group, the extensions under way, oldest first: each a one-item list holding its
        agents still on overtime (shared with the process that ends it)."""
        self.log_t = [array("d", [plan.start_min]) for _ in range(n)]
        self.log_attending = [array("l", [0]) for _ in range(n)]

    def process(self, g: int) -> Generator[simpy.Event, None, None]:
        """Follow group ``g``'s roster."""
        env = self.env
        times, levels = self.rosters[g]
        for t, n in zip(times.tolist(), levels.tolist(), strict=True):
            if t > env.now:
                yield env.timeout(t - env.now)
            self._set(g, self.attending_at(g, t, n))

    def next_change(self, now: float) -> float:
        """The first roster change (or midnight, when presence is worked out by day) after
        ``now`` in any group (infinity if none)."""
        after = [times[np.searchsorted(times, now, "right") :] for times, _ in self.rosters]
        return min((float(t[0]) for t in after if len(t)), default=math.inf)

    def idle_until(self, now: float) -> float | None:
        """When nobody is at the desk and it is closed: the next time anyone may be (the next
        opening or roster change); else None."""
        opens = self.plan.next_open(now)
        if opens == now or any(p.present for p in self.pools):
            return None
        return min(math.inf if opens is None else opens, self.next_change(now))

    def group_load(self, g: int) -> tuple[int, int, int]:
        """A group's agents busy, present, and present on overtime (beyond those attending)."""
        pool = self.pools[g]
        return pool.busy, pool.present, max(pool.present - self.level[g], 0)

    def attending_steps(self) -> tuple[Steps, ...]:
        """Per group, agents attending over time."""
        return tuple(
            (np.array(t), np.array(n)) for t, n in zip(self.log_t, self.log_attending, strict=True)
        )

    def attending_at(self, g: int, t: float, rostered: int) -> int:
        """Of ``rostered`` agents, how many come: all, or (with absence or attrition) the roster
        times the day's share present, rounded at random with the day's uniform."""
        share, rounding = 1.0, None
        if self.absence is not None:
            day = min(max(int(t // MINUTES_PER_DAY) - self.first_day, 0), len(self.absent[g]) - 1)
            share, rounding = 1.0 - self.absent[g][day], self.absent_rounding[g][day]
        if self.vacancies:
            assert self.staff is not None
            share *= self.staff.staffed_share(g, t)
            if rounding is None:
                rounding = self.staff.rounding[g]
        return rostered if rounding is None else math.floor(rostered * share + rounding)

    def _set(self, g: int, attending: int) -> None:
        """Agents attending change: new ones first take over from agents on overtime; when they
        fall while callers queue, some of those due to leave stay on."""
        before = self.level[g]
        if attending > before and self.extra[g]:
            self._absorb(g, min(attending - before, self.extra[g]))
        elif attending < before and self._queue_long(g):
            assert self.overtime is not None
            kept = math.floor(self.overtime.willing_share * (before - attending) + 0.5)
            if kept and self.overtime.max_extension_min > 0:
                extension = [kept]
                self.extra[g] += kept
                self.extensions[g].append(extension)
                self.env.process(self._extension(g, extension))
        self.level[g] = attending
        self._log(g)
        self.pools[g].set_roster(self.env.now, attending + self.extra[g])
        self.fill(g)

    def _absorb(self, g: int, agents: int) -> None:
        """``agents`` on overtime become agents on the roster (oldest extensions first)."""
        self.extra[g] -= agents
        while agents:
            extension = self.extensions[g][0]
            taken = min(agents, extension[0])
            extension[0] -= taken
            agents -= taken
            if not extension[0]:
                self.extensions[g].pop(0)

    def _queue_long(self, g: int) -> bool:
        """Overtime is on, the desk is open, and more callers wait at the group's tier per agent
        present than the policy allows."""
        if self.overtime is None or self.plan.next_open(self.env.now) != self.env.now:
            return False
        tier = self.group_tier[g]
        pools = zip(self.pools, self.group_tier, strict=True)
        present = sum(p.present for p, t in pools if t == tier)
        return self.realtime_waiting(tier) > self.overtime.queue_per_agent_above * present

    def _extension(self, g: int, extension: list[int]) -> Generator[simpy.Event, None, None]:
        """Agents on an extension look at the queue every ``check_min`` and go when it is short
        again or the cap is reached."""
        assert self.overtime is not None
        env = self.env
        end = env.now + self.overtime.max_extension_min
        while True:
            yield env.timeout(min(self.overtime.check_min, end - env.now))
            if not extension[0]:
                return  # taken over by the roster
            if env.now >= end - EPS_MIN or not self._queue_long(g):
                break
        self.extra[g] -= extension[0]
        extension[0] = 0
        self.extensions[g] = [e for e in self.extensions[g] if e is not extension]
        self.pools[g].set_roster(env.now, self.level[g] + self.extra[g])

    def _log(self, g: int) -> None:
        if self.log_t[g][-1] == self.env.now:
            self.log_attending[g][-1] = self.level[g]
        else:
            self.log_t[g].append(self.env.now)
            self.log_attending[g].append(self.level[g])
