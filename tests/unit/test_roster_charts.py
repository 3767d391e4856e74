"""A scheduled week's charts plot what they are given."""

from __future__ import annotations

import numpy as np

from sim.experiments.week_profile import WeekServiceLevel
from sim.plotting.labels import label
from sim.plotting.rosters import coverage_chart, interval_service_chart, roster_heatmap
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


def week_service(mean: np.ndarray, half: float) -> WeekServiceLevel:
    calls = np.where(np.isnan(mean), 0.0, 50.0)
    return WeekServiceLevel(mean, mean - half, mean + half, calls, offered=calls)


def test_the_service_chart_has_a_panel_per_open_day_with_gaps_where_no_call_counted() -> None:
    mean = np.full((7, 48), np.nan)
    mean[:5, 16:40] = 0.75  # weekdays 08:00-20:00
    mean[5, 18:26] = 0.7  # Saturday 09:00-13:00; Sunday closed
    mean[0, 20] = np.nan  # no call counted on Monday 10:00
    fig = interval_service_chart(
        week_service(mean, 0.05), 0.8, 30.0, week_service(mean + 0.1, 0.02)
    )
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title(loc="left") for ax in shown] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    assert {ax.get_xlim() for ax in shown} == {(480.0, 1200.0)}  # Saturday on the week's hours
    monday = shown[0]
    first, corrected, target = monday.get_lines()
    assert first.get_label() == label("rosters.first_schedule", "en")
    assert np.asarray(target.get_ydata()).tolist() == [0.8, 0.8]
    x, y = np.asarray(first.get_xdata()), np.asarray(first.get_ydata())
    assert (x[0], x[-1]) == (8 * 60 + 15, 19 * 60 + 45)  # interval middles, open hours only
    assert np.flatnonzero(np.isnan(y)).tolist() == [4]  # 10:00 left as a gap
    assert np.asarray(corrected.get_ydata())[0] == 0.85
    assert len(monday.collections) == 2  # a CI band per schedule
