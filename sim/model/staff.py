"""The agents as people over weeks: fatigue, staff satisfaction, and a staff that leaves and is
replaced (attrition, the hiring lag, new hires' learning curve).

Definitions and sources: :mod:`sim.scenario.workforce`. State is kept per agent group, each group
standing for its typical agent. The pressure meter's clock updates fatigue and satisfaction; the
staff moves on a day at a time (new hires start, then leavers go, at each midnight), when the
roster follower first asks after midnight.
"""

from __future__ import annotations

import math
from array import array
from collections import deque
from collections.abc import Callable, Sequence

import numpy as np

from sim.model.calendar import MINUTES_PER_DAY, CalendarPlan
from sim.model.records import StaffRun
from sim.model.rng import Streams
from sim.scenario.workforce import Attrition, Fatigue, StaffSatisfaction, Workforce

GroupLoad = Callable[[int], tuple[int, int, int]]
"""For a group: (agents busy, agents present, agents present beyond those attending by the
roster, i.e. on overtime)."""


def strain(busy: int, present: int, on_overtime: int, fatigue: Fatigue) -> float:
    """A group's strain now: occupancy above the comfortable level (as a share of the room above
    it) plus the weighted share of its agents on overtime, at most 1; 0 with nobody present."""
    if present == 0:
        return 0.0
    comfort = fatigue.comfortable_occupancy
    excess = max(busy / present - comfort, 0.0) / (1.0 - comfort)
    return min(excess + fatigue.overtime_weight * on_overtime / present, 1.0)


def satisfaction_target(
    pressure: float, overtime_share: float, fatigue: float, weights: StaffSatisfaction
) -> float:
    """The level the staff satisfaction index moves towards under the current strain."""
    stress = (
        weights.pressure_weight * min(max(pressure - 1.0, 0.0), 1.0)
        + weights.overtime_weight * overtime_share
        + weights.fatigue_weight * fatigue
    )
    return max(1.0 - stress, 0.0)


def leaving_hazard_per_year(satisfaction: float, fatigue: float, attrition: Attrition) -> float:
    """The hazard (per agent and year) at which agents leave at this satisfaction and fatigue:
    ``annual_rate``'s hazard times the multiplier. Each day an agent leaves with probability
    ``1 − exp(−hazard / 365)``, taken from the hazard itself: the share leaving within a year,
    ``1 − exp(−hazard)``, rounds to 1 above a hazard of about 37, and could not be turned back
    into a daily probability."""
    log_multiplier = (
        attrition.satisfaction_effect * (1.0 - satisfaction) + attrition.fatigue_effect * fatigue
    )
    return -math.log1p(-attrition.annual_rate) * math.exp(log_multiplier)


def learning_gap(tenure_days: np.ndarray, attrition: Attrition) -> np.ndarray:
    """How much of the new-hire handicap each new hire still has (1 on day one)."""
    return np.exp(-tenure_days / attrition.learning_days)


def establishment(paid: tuple[np.ndarray, np.ndarray], plan: CalendarPlan, hours: float) -> int:
    """A group's staff: its paid agent-hours per week over the run, over contract hours per week
    (rounded; at least 1)."""
    times, levels = paid
    ends = np.append(times[1:], plan.horizon_min)
    agent_min = float(np.sum(levels * np.maximum(ends - times, 0.0)))
    weeks = (plan.horizon_min - plan.start_min) / (7 * MINUTES_PER_DAY)
    return max(round(agent_min / 60.0 / weeks / hours), 1)


class Staff:
    """Per agent group: fatigue, staff satisfaction, and the staff (leavers, vacancies, new hires
    learning), with what they do to handle time and resolution."""

    def __init__(
        self,
        workforce: Workforce,
        group_names: Sequence[str],
        paid: Sequence[tuple[np.ndarray, np.ndarray]],
        plan: CalendarPlan,
        streams: Streams,
        load: GroupLoad,
    ) -> None:
        self.fatigue_settings = workforce.fatigue
        self.satisfaction_settings = workforce.satisfaction
        self.attrition = workforce.attrition
        self.load = load
        n = len(group_names)
        self.fatigue = [0.0] * n
        self.satisfaction = [1.0] * n
        self.handle = [1.0] * n
        """Multiplier on the handle time of a contact answered by the group (fatigue and the new
        hires' learning curve)."""
        self.resolve = [1.0] * n
        """Multiplier on the resolution probability of a contact the group answers (new hires)."""
        self.learn_handle = [1.0] * n
        self.fatigue_history = [array("d") for _ in range(n)]
        self.satisfaction_history = [array("d") for _ in range(n)]
        attrition = self.attrition
        hours = 37.5 if attrition is None else attrition.contract_hours_per_week
        self.establishment = [establishment(p, plan, hours) for p in paid]
        self.staff = list(self.establishment)
        self.new_hire_days: list[np.ndarray] = [np.zeros(0) for _ in range(n)]
        """Per group, the day each new hire still learning started."""
        self.pipeline: list[deque[tuple[int, int]]] = [deque() for _ in range(n)]
        """Per group, hires on their way: (first day, how many)."""
        self.rngs = [streams(f"attrition/{name}") for name in group_names]
        self.rounding = [0.0] * n
        """Per group, the day's uniform for rounding agents present at random."""
        self.day = plan.days[0].index - 1
        self.day_history = array("l")
        self.staff_history = [array("l") for _ in range(n)]
        self.leaver_history = [array("l") for _ in range(n)]
        self.hire_history = [array("l") for _ in range(n)]
        self.new_hire_handle_history = [array("d") for _ in range(n)]

    # --- on the pressure meter's clock ---------------------------------------------------------

    def sample(self, step_min: float, slept_min: float, pressure: list[float]) -> None:
        """Update fatigue and satisfaction for ``step_min`` minutes at the current load, after
        ``slept_min`` minutes with nobody at the desk (fatigue recovers; nothing else moves)."""
        fat, sat = self.fatigue_settings, self.satisfaction_settings
        if fat is not None and slept_min:
            rested = math.exp(-slept_min / (fat.recover_h * 60.0))
            self.fatigue = [f * rested for f in self.fatigue]
        if fat is not None:
            keep_build = math.exp(-step_min / (fat.build_h * 60.0))
            keep_recover = math.exp(-step_min / (fat.recover_h * 60.0))
        if sat is not None:
            keep_sat = math.exp(-step_min / (sat.memory_days * MINUTES_PER_DAY))
        for g in range(len(self.fatigue)):
            busy, present, on_overtime = self.load(g)
            f = self.fatigue[g]
            if fat is not None:
                target = strain(busy, present, on_overtime, fat)
                f = target + (f - target) * (keep_build if target > f else keep_recover)
                self.fatigue[g] = f
                self.handle[g] = (1.0 + fat.slowdown_at_full_fatigue * f) * self.learn_handle[g]
            if sat is not None and present:
                target = satisfaction_target(pressure[g], on_overtime / present, f, sat)
                self.satisfaction[g] = target + (self.satisfaction[g] - target) * keep_sat
            self.fatigue_history[g].append(f)
            self.satisfaction_history[g].append(self.satisfaction[g])

    # --- a day at a time -----------------------------------------------------------------------

    def staffed_share(self, g: int, now: float) -> float:
        """The group's staff over its establishment today (moving the staff on to today first)."""
        day = int(now // MINUTES_PER_DAY)
        while self.day < day:
            self.day += 1
            self._new_day()
        return self.staff[g] / self.establishment[g]

    def _new_day(self) -> None:
        """New hires due today start; then each agent leaves with the day's hazard, and each
        leaver's replacement is on the way."""
        attrition = self.attrition
        assert attrition is not None
        day = self.day
        self.day_history.append(day)
        for g in range(len(self.staff)):
            rng = self.rngs[g]
            hires = 0
            pipeline = self.pipeline[g]
            while pipeline and pipeline[0][0] <= day:
                hires += pipeline.popleft()[1]
            if hires:
                self.staff[g] += hires
                self.new_hire_days[g] = np.append(self.new_hire_days[g], np.full(hires, day))
            hazard = leaving_hazard_per_year(self.satisfaction[g], self.fatigue[g], attrition)
            leavers = int(rng.binomial(self.staff[g], -math.expm1(-hazard / 365.0)))
            if leavers:
                learning = self.new_hire_days[g]
                others = self.staff[g] - len(learning)
                novices = int(rng.hypergeometric(len(learning), others, leavers))
                if novices:
                    gone = rng.choice(len(learning), novices, replace=False)
                    self.new_hire_days[g] = np.delete(learning, gone)
                self.staff[g] -= leavers
                pipeline.append((day + attrition.hiring_lag_days, leavers))
            self.rounding[g] = float(rng.random())
            self._learning(g, attrition)
            self.staff_history[g].append(self.staff[g])
            self.leaver_history[g].append(leavers)
            self.hire_history[g].append(hires)
            self.new_hire_handle_history[g].append(self.learn_handle[g])

    def _learning(self, g: int, attrition: Attrition) -> None:
        """The staff's mean new-hire factors today (new hires who have learnt the job drop out)."""
        gap = learning_gap(self.day - self.new_hire_days[g], attrition)
        still = gap > 1e-6
        self.new_hire_days[g] = self.new_hire_days[g][still]
        share = float(gap[still].sum()) / self.staff[g] if self.staff[g] else 0.0
        self.learn_handle[g] = 1.0 + attrition.new_hire_slowdown * share
        self.resolve[g] = 1.0 - attrition.new_hire_resolution_loss * share
        fat = self.fatigue_settings
        slow = 0.0 if fat is None else fat.slowdown_at_full_fatigue * self.fatigue[g]
        self.handle[g] = (1.0 + slow) * self.learn_handle[g]

    def result(self, sample_min: np.ndarray) -> StaffRun:
        """What the staff went through, for the reports."""
        return StaffRun(
            sample_min=sample_min,
            fatigue=tuple(np.array(h) for h in self.fatigue_history),
            satisfaction=tuple(np.array(h) for h in self.satisfaction_history),
            day=np.array(self.day_history, dtype=np.int64),
            establishment=np.array(self.establishment, dtype=np.int64),
            staff=tuple(np.array(h, dtype=np.int64) for h in self.staff_history),
            leavers=tuple(np.array(h, dtype=np.int64) for h in self.leaver_history),
            hires=tuple(np.array(h, dtype=np.int64) for h in self.hire_history),
            new_hire_handle=tuple(np.array(h) for h in self.new_hire_handle_history),
        )
