"""A scheduled week's charts plot what they are given."""

from __future__ import annotations

import numpy as np

from sim.plotting.labels import label
from sim.plotting.rosters import coverage_chart, roster_heatmap
from sim.scenario.staffing import Shift, ShiftRoster


def test_required_and_scheduled_steps_are_the_arrays() -> None:
    required = np.zeros((7, 48))
    required[:5, 16:40] = 10
    coverage = required.copy()
    coverage[0, 16] = 8  # Monday 08:00 short by two
    fig = coverage_chart(required, coverage, 30.0)
    (ax,) = fig.axes
    lines = {line.get_label(): np.asarray(line.get_ydata()) for line in ax.get_lines()}
    assert (lines[label("rosters.required", "en")][:-1] == required.ravel()).all()
    assert (lines[label("rosters.scheduled", "en")][:-1] == coverage.ravel()).all()
    assert ax.get_xticklabels()[0].get_text() == "Mon"


def test_the_heatmap_counts_agents_by_start_and_weekday() -> None:
    roster = ShiftRoster(
        kind="shifts",
        allow_gaps=True,
        shifts=[
            Shift(start_h=8, length_h=8, days=["mon", "tue"], agents=5),
            Shift(start_h=8, length_h=4, days=["mon"], agents=2),
            Shift(start_h=12.5, length_h=4, days=["sat"], agents=3),
        ],
    )
    fig = roster_heatmap(roster)
    grid = np.asarray(fig.axes[0].get_images()[0].get_array())
    assert grid.tolist() == [[7, 5, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 3, 0]]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["08:00", "12:30"]
