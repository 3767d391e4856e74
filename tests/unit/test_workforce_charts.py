"""Charts of the people at the desk (:mod:`sim.plotting.workforce`), drawn from small real runs.

Four weeks of the busy desk with every workforce mechanism on, the front line cut by 30% in the
second week and the KPIs measured from the third: every weekly line is the mean across
replications of each replication's mean of the daily values over the week (overtime, leavers and
hires: its weekly total), drawn at mid-week; the cut is shaded over its dates and the reporting
window marked where the warm-up ends. Every chart has a title, units, a legend and the source line
in English and Chinese, and a run's deck gets the workforce charts."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.experiments.replications import run_scenario
from sim.experiments.store import RunWriter
from sim.plotting import (
    RunData,
    erosion_trap,
    pressure_and_quality,
    read_run,
    run_charts,
    staff_over_time,
)
from sim.plotting.labels import LANGS, Lang, label
from sim.plotting.style import source_line
from sim.plotting.workforce import CUT_GID, WINDOW_GID, cut_periods, has_workforce, week_middles
from sim.scenario.loading import load_scenario
from sim.scenario.scenario import Scenario
from tests.scenarios import busy_desk

ROOT = Path(__file__).resolve().parents[2]
UNIT_IN_LABEL = re.compile(r"\(.+\)|（.+）")
START = dt.date(2027, 3, 1)  # busy_desk's start date, a Monday
CUT = (dt.date(2027, 3, 8), dt.date(2027, 3, 14))
WARMUP_DAYS = 14
EVERY_MECHANISM = {
    "pressure": {"window_h": 2.0},
    "cutting_corners": {},
    "erosion": {"down_h": 48.0},
    "absence": {"mean_share": 0.05, "day_cv": 0.5},
    "overtime": {},
    "fatigue": {},
    "satisfaction": {},
    "attrition": {"annual_rate": 0.9, "hiring_lag_days": 7, "learning_days": 10.0},
}


def _desk(cut: bool, **workforce: object) -> Scenario:
    periods = [{"start_date": CUT[0], "end_date": CUT[1], "scale": 0.7}] if cut else []
    return busy_desk(
        calendar={"horizon_days": 28, "holidays": [], "warmup_min": WARMUP_DAYS * 1440.0},
        staffing={"tier1": {"headcount_periods": periods}},
        workforce=workforce or EVERY_MECHANISM,
    )


def _write(scenario: Scenario, out: Path) -> RunData:
    writer = RunWriter(out, contacts=False)
    result = run_scenario(scenario, replications=2, seed=5, on_replication=writer.replication)
    writer.finish(result, command=["test"])
    return read_run(out)


@pytest.fixture(scope="module")
def cut_run(tmp_path_factory: pytest.TempPathFactory) -> RunData:
    return _write(_desk(cut=True), tmp_path_factory.mktemp("cut"))


@pytest.fixture(scope="module")
def steady_run(tmp_path_factory: pytest.TempPathFactory) -> RunData:
    return _write(_desk(cut=False), tmp_path_factory.mktemp("steady"))


@pytest.fixture(scope="module")
def corners_run(tmp_path_factory: pytest.TempPathFactory) -> RunData:
    """Pressure and cutting corners only: no erosion, overtime, fatigue, staff satisfaction or
    attrition."""
    scenario = _desk(cut=True, cutting_corners={})
    return _write(scenario.model_copy(update={"name": "corners"}), tmp_path_factory.mktemp("c"))


def _daily(run: RunData) -> pd.DataFrame:
    return run.tables["workforce_daily"]


def _weekly_mean(daily: pd.DataFrame, column: str | list[str], total: bool = False) -> np.ndarray:
    """Independently of the chart code: per replication and week the mean (or sum) of the daily
    values, then the mean over replications."""
    values = daily[column].sum(axis=1) if isinstance(column, list) else daily[column]
    frame = pd.DataFrame({"rep": daily["replication"], "week": daily["day"] // 7, "v": values})
    per_rep = frame.groupby(["week", "rep"])["v"]
    per_rep = per_rep.sum() if total else per_rep.mean()
    return per_rep.groupby("week").mean().to_numpy()


def _text(axis_label: str) -> str:
    """An axis label as written in the catalogue (the chart may wrap it to fit)."""
    return axis_label.replace("\n", " ")


def _line(ax: Axes, text: str) -> Line2D:
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == text]
    return line


def _gid(ax: Axes, gid: str) -> Line2D:
    (line,) = [ln for ln in ax.get_lines() if ln.get_gid() == gid]
    return line


def _mid_weeks(weeks: int) -> np.ndarray:
    return np.datetime64(START, "h") + (np.arange(weeks) * 168 + 84).astype("timedelta64[h]")


def _as_days(x: object) -> float:
    return float(mdates.date2num(np.datetime64(x, "m")))


def test_pressure_time_standard_and_fcr_are_the_weekly_means(cut_run: RunData) -> None:
    daily = _daily(cut_run)
    fig = pressure_and_quality(daily, cut_run.info)
    pressure_ax, time_ax, fcr_ax = fig.axes
    for ax, key, column in (
        (pressure_ax, "workforce.pressure", "work_pressure_tier1"),
        (time_ax, "workforce.standard", "time_standard_tier1"),
        (fcr_ax, "workforce.fcr", "fcr_rate"),
    ):
        line = _line(ax, label(key, "en"))
        expected = _weekly_mean(daily, column)
        assert len(expected) == 4
        np.testing.assert_allclose(np.asarray(line.get_ydata(), float), expected)
        assert list(line.get_xdata()) == list(_mid_weeks(4))
    onset = cut_run.info.scenario.workforce.cutting_corners.onset_pressure  # type: ignore[union-attr]
    assert any(list(ln.get_ydata()) == [onset, onset] for ln in pressure_ax.get_lines())
    assert _text(time_ax.get_ylabel()) == label("workforce.standard_axis", "en")
    window = np.datetime64(START, "m") + np.timedelta64(WARMUP_DAYS * 1440, "m")
    for ax in fig.axes:
        assert _as_days(_gid(ax, WINDOW_GID).get_xdata()[0]) == pytest.approx(_as_days(window))
        (span,) = [p for p in ax.patches if p.get_gid() == CUT_GID]
        assert span.get_x() == pytest.approx(_as_days(CUT[0]))


def test_without_erosion_the_middle_panel_is_talk_time(corners_run: RunData) -> None:
    daily = _daily(corners_run)
    assert (daily["time_standard_tier1"] == 1.0).all()  # it never moves without erosion
    _, time_ax, _ = pressure_and_quality(daily, corners_run.info).axes
    line = _line(time_ax, label("workforce.talk", "en"))
    np.testing.assert_allclose(
        np.asarray(line.get_ydata(), float), _weekly_mean(daily, "phone_handle_min")
    )
    assert _text(time_ax.get_ylabel()) == label("workforce.talk_axis", "en")


def test_overtime_indices_staff_and_flows_per_group(cut_run: RunData) -> None:
    daily = _daily(cut_run)
    overtime_ax, index_ax, staff_ax, flows_ax = staff_over_time(daily, cut_run.info).axes
    for group in ("tier1", "tier2"):
        line = _gid(overtime_ax, f"overtime_h:{group}")
        expected = _weekly_mean(daily, f"overtime_h.{group}", total=True)
        np.testing.assert_allclose(np.asarray(line.get_ydata(), float), expected)
        for ax, measure in (
            (index_ax, "satisfaction"),
            (index_ax, "fatigue"),
            (staff_ax, "staff"),
            (staff_ax, "establishment"),
        ):
            line = _gid(ax, f"{measure}:{group}")
            expected = _weekly_mean(daily, f"{measure}.{group}")
            np.testing.assert_allclose(np.asarray(line.get_ydata(), float), expected)
        assert _gid(staff_ax, f"establishment:{group}").get_linestyle() == "--"
        assert _gid(index_ax, f"fatigue:{group}").get_linestyle() == ":"
    bars = {c.get_label(): c for c in flows_ax.containers if isinstance(c, BarContainer)}
    for measure in ("leavers", "hires"):
        heights = [bar.get_height() for bar in bars[label(f"workforce.{measure}", "en")]]
        columns = [f"{measure}.tier1", f"{measure}.tier2"]
        np.testing.assert_allclose(heights, _weekly_mean(daily, columns, total=True))
    assert daily[["leavers.tier1", "leavers.tier2"]].to_numpy().sum() > 0  # bars to draw


def test_without_staff_mechanisms_the_staff_chart_is_overtime_alone(corners_run: RunData) -> None:
    """Overtime hours are measured with any workforce section; the other panels need fatigue,
    staff satisfaction or attrition."""
    daily = _daily(corners_run)
    assert has_workforce(corners_run)
    (overtime_ax,) = staff_over_time(daily, corners_run.info).axes
    assert _text(overtime_ax.get_ylabel()) == label("workforce.overtime_axis", "en")
    names = [c.name for c in run_charts(corners_run)]
    assert names[-2:] == ["pressure_and_quality", "staff_over_time"]


def test_erosion_trap_lines_per_run_with_the_cut_shaded(
    cut_run: RunData, steady_run: RunData
) -> None:
    runs = {"steady": steady_run, "cut and restored": cut_run}
    fig = erosion_trap(runs)
    fcr_ax, time_ax = fig.axes
    for name, run in runs.items():
        daily = _daily(run)
        for ax, column in ((fcr_ax, "fcr_rate"), (time_ax, "time_standard_tier1")):
            line = _line(ax, name)
            np.testing.assert_allclose(
                np.asarray(line.get_ydata(), float), _weekly_mean(daily, column)
            )
    assert (
        cut_periods(cut_run.info.scenario) == [CUT] and cut_periods(steady_run.info.scenario) == []
    )
    for ax in fig.axes:
        (span,) = [p for p in ax.patches if p.get_gid() == CUT_GID]
        assert span.get_x() == pytest.approx(_as_days(CUT[0]))
        assert span.get_x() + span.get_width() == pytest.approx(_as_days(CUT[1]) + 1)
        assert [ln for ln in ax.get_lines() if ln.get_gid() == WINDOW_GID]
    given = (dt.date(2027, 3, 20), dt.date(2027, 3, 21))
    (span, *_) = [p for p in erosion_trap(runs, [given]).axes[0].patches if p.get_gid() == CUT_GID]
    assert span.get_x() == pytest.approx(_as_days(given[0]))


def test_erosion_trap_falls_back_to_talk_time_unless_every_run_erodes(
    cut_run: RunData, corners_run: RunData
) -> None:
    _, time_ax = erosion_trap({"erosion": cut_run, "no erosion": corners_run}).axes
    assert _text(time_ax.get_ylabel()) == label("workforce.talk_axis", "en")
    line = _line(time_ax, "no erosion")
    np.testing.assert_allclose(
        np.asarray(line.get_ydata(), float), _weekly_mean(_daily(corners_run), "phone_handle_min")
    )


def test_a_short_last_week_is_drawn_at_the_middle_of_its_days() -> None:
    calendar = busy_desk(calendar={"horizon_days": 10}).calendar
    middles = week_middles(np.array([0, 1]), calendar)
    assert list(middles) == [np.datetime64("2027-03-04T12"), np.datetime64("2027-03-09T12")]


def test_cut_periods_of_the_cut_and_restore_scenario() -> None:
    scenario = load_scenario(ROOT / "params" / "scenarios" / "cut_and_restore.yaml")
    assert cut_periods(scenario) == [(dt.date(2027, 5, 10), dt.date(2027, 6, 6))]
    assert cut_periods(load_scenario(ROOT / "params" / "scenarios" / "erosion.yaml")) == []


@pytest.mark.parametrize("lang", LANGS)
def test_charts_have_title_units_legend_and_source(
    cut_run: RunData, steady_run: RunData, lang: Lang
) -> None:
    daily, info = _daily(cut_run), cut_run.info
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figs: list[Figure] = [
            pressure_and_quality(daily, info, lang),
            staff_over_time(daily, info, lang),
            erosion_trap({"steady": steady_run, "cut": cut_run}, lang=lang),
        ]
        for fig in figs:
            FigureCanvasAgg(fig).draw()
    assert not [w for w in caught if "missing" in str(w.message)]
    for fig in figs:
        assert fig.get_suptitle()
        assert fig.legends and all(t.get_text() for t in fig.legends[0].get_texts())
        for ax in fig.axes:
            assert UNIT_IN_LABEL.search(_text(ax.get_ylabel())), ax.get_ylabel()
        assert UNIT_IN_LABEL.search(_text(fig.axes[-1].get_xlabel()))
        source = source_line(fig)
        assert info.scenario.name in source and "2 " in source and "95%" in source


def test_the_deck_of_a_run_with_every_mechanism_has_both_run_charts(cut_run: RunData) -> None:
    charts = {c.name: c for c in run_charts(cut_run, "zh")}
    assert {"pressure_and_quality", "staff_over_time"} <= set(charts)
    assert "首次接触解决率" in charts["pressure_and_quality"].takeaway
    assert "离职人数" in charts["staff_over_time"].takeaway
    assert "加班" in charts["staff_over_time"].takeaway
    assert all(charts[n].notes[-1] for n in ("pressure_and_quality", "staff_over_time"))
