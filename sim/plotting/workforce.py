"""Charts of the people at the desk (a scenario's ``workforce`` section): work pressure and what
it does to time per contact and quality, the staff over time, and the erosion trap.

Every chart reads run folders' ``workforce_daily`` table (one row per replication and day from the
start date, :func:`sim.measures.workforce.workforce_daily`) and shows weekly means: each
replication's mean over the week's days with a value (a closed day has none), then the mean and
its confidence band across replications (:func:`sim.plotting.data.weekly`). Weeks run from the
scenario's start date and are drawn at their middle; the reporting window (after the warm-up) is
marked, so the weeks the KPIs cover are plain to see.

A run without a workforce section has no such table: :func:`has_workforce` tells the deck
(:func:`sim.plotting.deck.run_charts`) whether to draw the charts of one run, and
:func:`erosion_trap` raises ``ValueError`` for such a run, as
:func:`sim.plotting.comparisons.retention_curve` does for a scenario without customers. The
staff chart draws a panel for each mechanism the run has on (overtime hours are always there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.plotting import data
from sim.plotting.catalogue import CATALOGUE
from sim.plotting.data import RunData, RunInfo, Table
from sim.plotting.figures import source_text
from sim.plotting.labels import Lang, contact_type_name, label
from sim.plotting.style import (
    BLACK,
    BLUE,
    GREEN,
    ORANGE,
    PALETTE,
    REFERENCE,
    VERMILLION,
    YELLOW,
    band,
    ci_band_handle,
    date_axis,
    finish,
    house_style,
    percent_axis,
    reference_line,
    slide_figure,
    unit_axis,
    whisker_handle,
    whiskers,
)
from sim.scenario.desk import Calendar
from sim.scenario.scenario import Scenario

TABLE = "workforce_daily"
STANDARD = "time_standard_tier1"
"""The front line's standard of time per contact (1: the contact types' handle times); it moves
only with erosion on."""
TALK = "phone_handle_min"
STAFF, ESTABLISHMENT, LEAVERS, HIRES = "staff", "establishment", "leavers", "hires"
FATIGUE, SATISFACTION, OVERTIME = "fatigue", "satisfaction", "overtime_h"
CUT_ALPHA = 0.25
"""The cut is shaded in yellow, lighter than the confidence bands."""
CUT_GID, WINDOW_GID = "front-line-cut", "reporting-window"
"""Names of the cut's shading and of the reporting window's lines on every panel."""
HOURS_PER_DAY = 24
BAR_DAYS = 3.0
"""Width of a week's leaver and hire bars, in days (side by side within the week)."""


def has_workforce(run: RunData) -> bool:
    """Whether a run folder has the workforce table (its scenario has a workforce section)."""
    return TABLE in run.tables


def group_columns(workforce_daily: pd.DataFrame, measure: str) -> dict[str, str]:
    """Agent group → its column of a per-group measure (``staff.tier1``), in the table's order."""
    prefix = f"{measure}."
    return {
        str(c).removeprefix(prefix): str(c)
        for c in workforce_daily.columns
        if str(c).startswith(prefix)
    }


def group_name(group: str, lang: Lang) -> str:
    """An agent group as words: the two-tier desk's ``tier1`` is the front line, ``tier2`` tier 2;
    any other group as its name in words (``enquiry_team`` → Enquiry team)."""
    key = f"workforce.group.{group}"
    return label(key, lang) if key in CATALOGUE else contact_type_name(group, lang)


def cut_periods(scenario: Scenario) -> list[tuple[dt.date, dt.date]]:
    """The dates the front line is cut: its roster's headcount periods that scale it below 1
    (of ``staffing.tier1``, or of the tier-1 agent groups), first and last date, in date order."""
    staffing = scenario.staffing
    rosters = [staffing.tier1] if staffing.tier1 is not None else []
    rosters += [g.roster for g in (staffing.groups or {}).values() if g.tier == 1]
    periods = {
        (p.start_date, p.end_date) for r in rosters for p in r.headcount_periods if p.scale < 1.0
    }
    return sorted(periods)


def erodes(info: RunInfo) -> bool:
    """Whether the run's standard of time per contact can erode (otherwise it stays at 1, and
    the talk time shows the time agents give)."""
    workforce = info.scenario.workforce
    return workforce is not None and workforce.erosion is not None


def workforce_table(run: RunData) -> pd.DataFrame:
    """A run folder's workforce table.

    Raises:
        ValueError: the run has none (its scenario has no workforce section).
    """
    if not has_workforce(run):
        raise ValueError(
            f"{run.path}: no {TABLE}.parquet (scenario {run.info.scenario.name!r} has no "
            "workforce section)"
        )
    return run.tables[TABLE]


def week_middles(weeks: np.ndarray, calendar: Calendar) -> np.ndarray:
    """The middle of each week's days within the horizon (week 0: the seven days from the start
    date; a last, shorter week at the middle of its own days) for a date axis."""
    first = np.asarray(weeks) * 7
    last = np.minimum(first + 7, calendar.horizon_days)
    hours = (first + last) * HOURS_PER_DAY // 2
    return np.datetime64(calendar.start_date, "h") + hours.astype("timedelta64[h]")


def week_axis(ax: Axes, info: RunInfo, lang: Lang) -> None:
    """Concise date ticks under the weekly panels, across the whole horizon."""
    calendar = info.scenario.calendar
    first = np.datetime64(calendar.start_date, "D")
    ax.set_xlim(first, first + np.timedelta64(calendar.horizon_days, "D"))
    date_axis(ax, lang)
    ax.set_xlabel(label("workforce.week_axis", lang))


def weekly_band(ax: Axes, x: np.ndarray, estimates: pd.DataFrame, colour: str, text: str) -> Line2D:
    """A weekly mean as a line with a dot per week (a run of one week still shows), and its
    confidence band (:func:`sim.plotting.style.band`); returns the line."""
    line = band(ax, x, estimates, colour, text)
    line.set(marker="o", markersize=4)
    return line


def weekly_time_per_contact(workforce_daily: pd.DataFrame, standard: bool) -> pd.DataFrame:
    """The front line's time per contact week by week (mean and CI across replications): its
    standard (a share of the handle times, at most 1) or, with ``standard`` False, the talk time
    of its answered calls (minutes)."""
    if standard:
        return data.weekly(workforce_daily, [STANDARD], upper=1.0)[STANDARD]
    return data.weekly(workforce_daily, [TALK])[TALK]


def time_per_contact_axis(ax: Axes, standard: bool, lang: Lang) -> None:
    """Label the time-per-contact panel: the standard in per cent, or the talk time in minutes."""
    if standard:
        percent_axis(ax, top=None, bottom=None)
        ax.set_ylabel(label("workforce.standard_axis", lang))
    else:
        ax.set_ylabel(label("workforce.talk_axis", lang))


def mark_reporting_window(axes: Sequence[Axes], info: RunInfo, lang: Lang) -> Artist | None:
    """A dotted line where the reporting window starts (the end of the warm-up: the KPIs cover
    what follows) on each panel; the line for the legend, or None without a warm-up."""
    calendar = info.scenario.calendar
    if calendar.warmup_min <= 0:
        return None
    at = np.datetime64(calendar.start_date, "m") + np.timedelta64(int(calendar.warmup_min), "m")
    text = label("workforce.window", lang, date=at.astype("datetime64[D]"))
    lines = [reference_line(ax, at, text, horizontal=False, linestyle=":") for ax in axes]
    for line in lines:
        line.set_gid(WINDOW_GID)
    return lines[0]


def shade_cuts(
    axes: Sequence[Axes], periods: Sequence[tuple[dt.date, dt.date]], info: RunInfo, lang: Lang
) -> Artist | None:
    """Shade the front-line cut (first to last date, whole days) on each panel, within the
    horizon; the legend entry, or None when no cut falls within it."""
    calendar = info.scenario.calendar
    first = np.datetime64(calendar.start_date, "D")
    end = first + np.timedelta64(calendar.horizon_days, "D")
    spans = [
        (max(np.datetime64(a, "D"), first), min(np.datetime64(b, "D") + 1, end)) for a, b in periods
    ]
    spans = [(a, b) for a, b in spans if a < b]
    for ax in axes:
        for a, b in spans:
            ax.axvspan(a, b, color=YELLOW, alpha=CUT_ALPHA, linewidth=0, gid=CUT_GID)
    return (
        Patch(color=YELLOW, alpha=CUT_ALPHA, label=label("workforce.cut", lang)) if spans else None
    )


def pressure_and_quality(workforce_daily: Table, info: RunInfo, lang: Lang = "en") -> Figure:
    """Week by week, in stacked panels on one time axis: the front line's work pressure (its work
    in hand per agent present, with the pressure above which agents cut corners), its standard
    of time per contact (with erosion on; otherwise the talk time of its answered calls) and
    first-contact resolution: the chain from a shortfall to time cut to quality lost (Oliva &
    Sterman 2001). Bands: confidence intervals across replications; a front-line cut in the
    scenario is shaded."""
    df = pd.DataFrame(workforce_daily)
    standard = erodes(info)
    pressure = data.weekly(df, ["work_pressure_tier1"])["work_pressure_tier1"]
    time_per_contact = weekly_time_per_contact(df, standard)
    fcr = data.weekly(df, ["fcr_rate"], upper=1.0)["fcr_rate"]
    x = week_middles(fcr.index.to_numpy(), info.scenario.calendar)
    workforce = info.scenario.workforce
    corners = workforce.cutting_corners if workforce is not None else None
    with house_style(lang):
        fig, axes = slide_figure(nrows=3, sharex=True)
        pressure_ax, time_ax, fcr_ax = axes
        handles: list[Artist] = [
            weekly_band(pressure_ax, x, pressure, BLUE, label("workforce.pressure", lang))
        ]
        if corners is not None:
            onset = label("workforce.onset", lang, onset=corners.onset_pressure)
            handles.append(reference_line(pressure_ax, corners.onset_pressure, onset))
        pressure_ax.set_ylim(bottom=0.0)
        pressure_ax.set_ylabel(label("workforce.pressure_axis", lang))
        text = label("workforce.standard" if standard else "workforce.talk", lang)
        handles.append(weekly_band(time_ax, x, time_per_contact, ORANGE, text))
        time_per_contact_axis(time_ax, standard, lang)
        handles.append(weekly_band(fcr_ax, x, fcr, GREEN, label("workforce.fcr", lang)))
        percent_axis(fcr_ax, top=None, bottom=None)
        fcr_ax.set_ylabel(label("workforce.fcr_axis", lang))
        marks = [
            shade_cuts(axes, cut_periods(info.scenario), info, lang),
            mark_reporting_window(axes, info, lang),
        ]
        handles += [h for h in (*marks, ci_band_handle(info.ci_level, lang)) if h is not None]
        fig.align_ylabels()
        week_axis(fcr_ax, info, lang)
        title = label("workforce.pressure_title", lang)
        return finish(fig, title, source_text([info], lang), handles)


def staff_over_time(workforce_daily: Table, info: RunInfo, lang: Lang = "en") -> Figure:
    """Week by week, one colour per agent group, top to bottom as pressure works through the
    staff: overtime agent-hours (always: agents finishing a contact after their shift, and with
    the overtime policy those kept on); with fatigue or staff satisfaction, both indices; with
    attrition, the staff on the books against the establishment (the agents its roster needs),
    then the leavers and new hires starting (all groups). The mechanisms a run has off have no
    panel; four panels are drawn two by two."""
    df = pd.DataFrame(workforce_daily)
    overtime = group_columns(df, OVERTIME)
    indices = {m: group_columns(df, m) for m in (SATISFACTION, FATIGUE)}
    staff = group_columns(df, STAFF)
    names = list(dict.fromkeys([*overtime, *indices[SATISFACTION], *indices[FATIGUE], *staff]))
    colours = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(names)}
    calendar = info.scenario.calendar
    with_indices = any(indices.values())
    panels = 1 + with_indices + 2 * bool(staff)
    ncols = 2 if panels == 4 else 1  # four panels stacked leave too little height for each
    with house_style(lang):
        fig, axes = slide_figure(nrows=panels // ncols, ncols=ncols, sharex=True)
        handles: list[Artist] = [
            Line2D([], [], color=colours[g], label=group_name(g, lang)) for g in names
        ]
        _overtime_panel(axes[0], df, overtime, colours, calendar, lang)
        if with_indices:
            handles += _index_panel(axes[1], df, indices, colours, calendar, lang)
        if staff:
            handles += _staff_panel(axes[-2], df, staff, colours, calendar, lang)
            handles += _flows_panel(axes[-1], df, calendar, info.ci_level, lang)
        window = mark_reporting_window(axes, info, lang)
        handles += [h for h in (window, ci_band_handle(info.ci_level, lang)) if h is not None]
        fig.align_ylabels()
        for ax in axes[-ncols:]:
            week_axis(ax, info, lang)
        title = label("workforce.staff_title", lang)
        return finish(fig, title, source_text([info], lang), handles, ncols=4)


def _overtime_panel(
    ax: Axes,
    df: pd.DataFrame,
    overtime: Mapping[str, str],
    colours: Mapping[str, str],
    calendar: Calendar,
    lang: Lang,
) -> None:
    """Overtime agent-hours per group and week (each replication's weekly total, band)."""
    est = data.weekly(df, list(overtime.values()), total=True)
    x = week_middles(est.index.to_numpy(), calendar)
    for group, column in overtime.items():
        weekly_band(ax, x, est[column], colours[group], "").set_gid(f"{OVERTIME}:{group}")
    ax.set_ylim(bottom=0.0)
    ax.set_ylabel(label("workforce.overtime_axis", lang))


def _staff_panel(
    ax: Axes,
    df: pd.DataFrame,
    staff: Mapping[str, str],
    colours: Mapping[str, str],
    calendar: Calendar,
    lang: Lang,
) -> list[Artist]:
    """Staff on the books per group (weekly mean, band) against its establishment (dashed)."""
    establishment = group_columns(df, ESTABLISHMENT)
    est = data.weekly(df, [*staff.values(), *establishment.values()])
    x = week_middles(est.index.to_numpy(), calendar)
    for group, column in staff.items():
        weekly_band(ax, x, est[column], colours[group], "").set_gid(f"{STAFF}:{group}")
        if group in establishment:
            level = est[establishment[group]]["mean"]
            (line,) = ax.plot(x, level, color=colours[group], linestyle="--", linewidth=1.8)
            line.set_gid(f"{ESTABLISHMENT}:{group}")
    ax.set_ylim(bottom=0.0)
    unit_axis(ax, "count")
    ax.set_ylabel(label("workforce.staff_axis", lang))
    key = label("workforce.establishment_style", lang)
    return [Line2D([], [], color=REFERENCE, linestyle="--", label=key)]


def _flows_panel(
    ax: Axes, df: pd.DataFrame, calendar: Calendar, level: float, lang: Lang
) -> list[Artist]:
    """Leavers and new hires starting per week over all groups (mean, with whiskers), side by
    side within each week."""
    totals = pd.DataFrame(
        {
            "replication": df["replication"],
            "day": df["day"],
            **{m: df[list(group_columns(df, m).values())].sum(axis=1) for m in (LEAVERS, HIRES)},
        }
    )
    est = data.weekly(totals, [LEAVERS, HIRES], total=True)
    middle = week_middles(est.index.to_numpy(), calendar)
    offset = np.timedelta64(int(BAR_DAYS * 12), "h")
    handles: list[Artist] = []
    for measure, shift, colour in ((LEAVERS, -offset, VERMILLION), (HIRES, offset, GREEN)):
        rows = est[measure]
        handles.append(
            ax.bar(
                middle + shift,
                rows["mean"],
                BAR_DAYS,
                yerr=whiskers(rows["mean"], rows["ci_low"], rows["ci_high"]),
                color=colour,
                error_kw={"ecolor": BLACK, "elinewidth": 1.2},
                label=label(f"workforce.{measure}", lang),
            )
        )
    unit_axis(ax, "count")
    ax.set_ylabel(label("workforce.flows_axis", lang))
    return [*handles, whisker_handle(level, lang)]


def _index_panel(
    ax: Axes,
    df: pd.DataFrame,
    indices: Mapping[str, Mapping[str, str]],
    colours: Mapping[str, str],
    calendar: Calendar,
    lang: Lang,
) -> list[Artist]:
    """Staff satisfaction (solid) and fatigue (dotted) per group, both indices from 0 to 1."""
    est = data.weekly(df, [c for columns in indices.values() for c in columns.values()], upper=1.0)
    x = week_middles(est.index.to_numpy(), calendar)
    handles: list[Artist] = []
    for measure, linestyle in ((SATISFACTION, "-"), (FATIGUE, ":")):
        for group, column in indices[measure].items():
            line = weekly_band(ax, x, est[column], colours[group], "")
            line.set(linestyle=linestyle, gid=f"{measure}:{group}")
        if indices[measure]:
            key = label(f"workforce.{measure}_style", lang)
            handles.append(Line2D([], [], color=REFERENCE, linestyle=linestyle, label=key))
    ax.set_ylim(0.0, 1.02)
    ax.yaxis.set_major_formatter("{x:.1f}")
    ax.set_ylabel(label("workforce.index_axis", lang))
    return handles


def erosion_trap(
    runs: Mapping[str, RunData],
    cuts: Sequence[tuple[dt.date, dt.date]] | None = None,
    lang: Lang = "en",
) -> Figure:
    """The erosion trap over the whole horizon: week by week, first-contact resolution (top) and
    the front line's standard of time per contact (bottom; the talk time of its answered calls
    unless every run has erosion on), one line with its confidence band per run, with the
    front-line cut shaded and the reporting window marked.

    With eroding standards a temporary cut leaves time per contact, and with it resolution,
    lower long after staffing is restored; without erosion the desk recovers (Oliva & Sterman
    2001). Compare runs made with the same seed, e.g. ``erosion`` and ``cut_and_restore``, and
    the same pair with erosion off.

    Args:
        runs: display name → run folder (each with the workforce table).
        cuts: first and last date of each cut; default: the runs' front-line headcount periods
            that scale the roster below 1 (:func:`cut_periods`).
    """
    tables = {name: pd.DataFrame(workforce_table(run)) for name, run in runs.items()}
    infos = [run.info for run in runs.values()]
    if cuts is None:
        cuts = sorted({p for info in infos for p in cut_periods(info.scenario)})
    standard = all(erodes(info) for info in infos)
    with house_style(lang):
        fig, axes = slide_figure(nrows=2, sharex=True)
        fcr_ax, time_ax = axes
        handles: list[Artist] = []
        for i, (name, df) in enumerate(tables.items()):
            colour = PALETTE[i % len(PALETTE)]
            fcr = data.weekly(df, ["fcr_rate"], upper=1.0)["fcr_rate"]
            x = week_middles(fcr.index.to_numpy(), runs[name].info.scenario.calendar)
            handles.append(weekly_band(fcr_ax, x, fcr, colour, name))
            weekly_band(time_ax, x, weekly_time_per_contact(df, standard), colour, name)
        percent_axis(fcr_ax, top=None, bottom=None)
        fcr_ax.set_ylabel(label("workforce.fcr_axis", lang))
        time_per_contact_axis(time_ax, standard, lang)
        marks = [
            shade_cuts(axes, cuts, infos[0], lang),
            mark_reporting_window(axes, infos[0], lang),
        ]
        handles += [h for h in (*marks, ci_band_handle(infos[0].ci_level, lang)) if h is not None]
        fig.align_ylabels()
        week_axis(time_ax, infos[0], lang)
        title = label("workforce.trap_title", lang)
        return finish(fig, title, source_text(infos, lang), handles)
