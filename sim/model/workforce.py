"""Work pressure measured on the desk, and the agents' response to it (cutting corners).

Definitions and sources: :mod:`sim.scenario.workforce`. The meter samples each tier's load ratio
on a clock of its own and smooths it exponentially; the desk reads the pressure when a contact is
answered, to set its handle time and resolution probability.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Generator

import numpy as np
import simpy

from sim.scenario.routing import TIERS
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


LoadRatio = Callable[[int], tuple[int, int]]
"""For a tier: (agents busy + contacts waiting, agents present)."""


class PressureMeter:
    """Work pressure per tier, sampled and smoothed, and the time per contact agents give under
    it (cutting corners, and the standard it erodes); their history for the reports."""

    def __init__(
        self,
        workforce: Workforce,
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
        present), and the pressure per tier."""
        self.corners = workforce.cutting_corners
        self.erosion = workforce.erosion
        self.load = load
        self.hurry = {t: 1.0 for t in TIERS}
        """Per tier, the share of its handle time a contact answered now is given."""
        self.quality = {t: 1.0 for t in TIERS}
        """Per tier, the multiplier on the resolution probability of a contact answered now."""
        self.pressure = {t: 0.0 for t in TIERS}
        self.standard = {t: 1.0 for t in TIERS}
        """The desk's standard of time per contact (1: the types' handle times)."""
        self.achieved = {t: 1.0 for t in TIERS}
        """Time per contact given lately, as a share of the types' handle times (smoothed)."""
        self.times = array("d")
        self.history = {t: array("d") for t in TIERS}
        self.standard_history = {t: array("d") for t in TIERS}

    def time_factor(self, tier: int) -> float:
        """The share of a contact's handle time an agent of ``tier`` gives it now: the standard
        times the cutting-corners factor at the current pressure, never below the floor (the
        least time a contact can be given, so an eroding standard does not spiral down)."""
        corners = self.corners
        assert corners is not None
        hurry = handle_time_factor(self.pressure[tier], corners)
        return max(self.standard[tier] * hurry, corners.handle_time_floor)

    def process(self, env: simpy.Environment) -> Generator[simpy.Event, None, None]:
        """Sample every tier's load ratio every ``sample_min`` and smooth it; let the standard
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
            for tier in TIERS:
                work, present = self.load(tier)
                if present:
                    ratio = work / present
                    self.pressure[tier] = ratio + (self.pressure[tier] - ratio) * keep
                    if erosion is not None:
                        self._erode(tier, keep, keep_down, keep_up)
                    if corners is not None:
                        hurry = self.hurry[tier] = self.time_factor(tier)
                        self.quality[tier] = resolution_factor(hurry, corners)
                self.history[tier].append(self.pressure[tier])
                self.standard_history[tier].append(self.standard[tier])
            if self.after_sample is not None:
                self.after_sample(step, slept, self.pressure)
            self.times.append(env.now)
            wake = self.idle_until(env.now)
            if wake == math.inf:
                return  # nobody will be at the desk again
            wait = step if wake is None else max(math.ceil((wake - env.now) / step), 1) * step
            slept = wait - step
            yield env.timeout(wait)

    def _erode(self, tier: int, keep: float, keep_down: float, keep_up: float) -> None:
        given = self.time_factor(tier)
        achieved = given + (self.achieved[tier] - given) * keep
        self.achieved[tier] = achieved
        standard = self.standard[tier]
        follow = keep_down if achieved < standard else keep_up
        self.standard[tier] = achieved + (standard - achieved) * follow

    def series(self) -> tuple[np.ndarray, dict[int, np.ndarray]]:
        """Sample times (minutes) and the pressure per tier after each sample."""
        return np.array(self.times), {t: np.array(h) for t, h in self.history.items()}

    def standards(self) -> dict[int, np.ndarray]:
        """The standard of time per contact per tier after each sample."""
        return {t: np.array(h) for t, h in self.standard_history.items()}
