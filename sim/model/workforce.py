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
from sim.scenario.workforce import CuttingCorners, WorkPressure


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
    """Work pressure per tier, sampled and smoothed; its history for the reports."""

    def __init__(self, settings: WorkPressure, load: LoadRatio) -> None:
        self.settings = settings
        self.load = load
        self.pressure = {t: 0.0 for t in TIERS}
        self.times = array("d")
        self.history = {t: array("d") for t in TIERS}

    def process(self, env: simpy.Environment) -> Generator[simpy.Event, None, None]:
        """Sample every tier's load ratio every ``sample_min`` and smooth it."""
        step = self.settings.sample_min
        keep = math.exp(-step / (self.settings.window_h * 60.0))
        while True:
            for tier in TIERS:
                work, present = self.load(tier)
                if present:
                    ratio = work / present
                    self.pressure[tier] = ratio + (self.pressure[tier] - ratio) * keep
                self.history[tier].append(self.pressure[tier])
            self.times.append(env.now)
            yield env.timeout(step)

    def series(self) -> tuple[np.ndarray, dict[int, np.ndarray]]:
        """Sample times (minutes) and the pressure per tier after each sample."""
        return np.array(self.times), {t: np.array(h) for t, h in self.history.items()}
