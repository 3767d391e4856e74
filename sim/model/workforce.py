"""Work pressure measured on the desk, and the agents' response to it (cutting corners).

Definitions and sources: :mod:`sim.scenario.workforce`. The meter samples each agent group's load
ratio on a clock of its own and smooths it exponentially; from it, after each sample, the share of
the handle time and the resolution multiplier a contact answered by the group gets.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Generator

import numpy as np
import simpy

from sim.scenario.workforce import CuttingCorners, Workforce


def handle_time_factor(pressure: float, corners: CuttingCorners) -> float:
    """Multiplier on handle time at ``pressure``: 1 up to the onset, then falling towards the
    floor."""
    excess = max(pressure - corners.onset_pressure, 0.0)
    floor = corners.handle_time_floor
    return floor + (1.0 - floor) * math.exp(-corners.response_per_pressure * excess)


def resolution_factor(time_factor: float, corners: CuttingCorners) -> float:
    """Multiplier on the resolution probability of a contact given ``time_factor`` of its
    handle time (never below 0)."""
    return max(1.0 - corners.quality_loss_per_time_cut * (1.0 - time_factor), 0.0)


LoadRatio = Callable[[int], tuple[float, int]]
"""For a group: (its work in hand, agents present): agents busy plus its share of the contacts
waiting that it may take."""


class PressureMeter:
    """Work pressure per agent group, sampled and smoothed, and the time per contact agents give
    under it (cutting corners, and the standard it erodes); their history for the reports."""

    def __init__(
        self,
        workforce: Workforce,
        groups: int,
        load: LoadRatio,
        idle_until: Callable[[float], float | None],
        after_sample: Callable[[float, float, dict[int, float]], None] | None = None,
    ) -> None:
        self.settings = workforce.pressure
        self.idle_until = idle_until
        """When nobody is at the desk and it is closed, the time anyone may next be there (the
        meter sleeps until the first sample time from then: nothing changes meanwhile); else
        None."""
        self.after_sample = after_sample
        """Called after each sample with its length and the minutes slept before it (nobody
        present), and the pressure per group."""
        self.corners = workforce.cutting_corners
        self.erosion = workforce.erosion
        self.load = load
        self.hurry = [1.0] * groups
        """Per group, the share of its handle time a contact answered now is given."""
        self.quality = [1.0] * groups
        """Per group, the multiplier on the resolution probability of a contact answered now."""
        self.pressure = [0.0] * groups
        self.standard = [1.0] * groups
        """The group's standard of time per contact (1: the types' handle times)."""
        self.achieved = [1.0] * groups
        """Time per contact given lately, as a share of the types' handle times (smoothed)."""
        self.times = array("d")
        self.history = [array("d") for _ in range(groups)]
        self.standard_history = [array("d") for _ in range(groups)]

    def time_factor(self, g: int) -> float:
        """The share of a contact's handle time an agent of group ``g`` gives it now: the standard
        times the cutting-corners factor at the current pressure, never below the floor (the
        least time a contact can be given, so an eroding standard does not spiral down)."""
        corners = self.corners
        assert corners is not None
        hurry = handle_time_factor(self.pressure[g], corners)
        return max(self.standard[g] * hurry, corners.handle_time_floor)

    def process(self, env: simpy.Environment) -> Generator[simpy.Event, None, None]:
        """Sample every group's load ratio every ``sample_min`` and smooth it; let the standard
        follow the time achieved."""
        step = self.settings.sample_min
        keep = math.exp(-step / (self.settings.window_h * 60.0))
        erosion = self.erosion
        keep_down = 1.0 if erosion is None else math.exp(-step / (erosion.down_h * 60.0))
        keep_up = (
            1.0
            if erosion is None or erosion.up_h is None
            else math.exp(-step / (erosion.up_h * 60.0))
        )
        corners = self.corners
        slept = 0.0
        while True:
            for g, history in enumerate(self.history):
                work, present = self.load(g)
                if present:
                    ratio = work / present
                    self.pressure[g] = ratio + (self.pressure[g] - ratio) * keep
                    if erosion is not None:
                        self._erode(g, keep, keep_down, keep_up)
                    if corners is not None:
                        hurry = self.hurry[g] = self.time_factor(g)
                        self.quality[g] = resolution_factor(hurry, corners)
                history.append(self.pressure[g])
                self.standard_history[g].append(self.standard[g])
            if self.after_sample is not None:
                self.after_sample(step, slept, self.pressure)
            self.times.append(env.now)
            wake = self.idle_until(env.now)
            if wake == math.inf:
                return  # nobody will be at the desk again
            wait = step if wake is None else max(math.ceil((wake - env.now) / step), 1) * step
            slept = wait - step
            yield env.timeout(wait)

    def _erode(self, g: int, keep: float, keep_down: float, keep_up: float) -> None:
        given = self.time_factor(g)
        achieved = given + (self.achieved[g] - given) * keep
        self.achieved[g] = achieved
        standard = self.standard[g]
        follow = keep_down if achieved < standard else keep_up
        self.standard[g] = achieved + (standard - achieved) * follow

    def series(self) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        """Sample times (minutes) and the pressure per group after each sample."""
        return np.array(self.times), tuple(np.array(h) for h in self.history)

    def standards(self) -> tuple[np.ndarray, ...]:
        """The standard of time per contact per group after each sample."""
        return tuple(np.array(h) for h in self.standard_history)
