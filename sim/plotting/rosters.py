"""A scheduled week on charts: the agents required against the agents the schedule puts on shift,
interval by interval, the shift roster as a heatmap of agents by start time and weekday, and the
service level a simulated desk achieved per interval of each open weekday."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.ticker import MultipleLocator

from sim.experiments.week_profile import WeekServiceLevel
from sim.measures.estimates import CI_LEVEL
from sim.plotting.labels import Lang, label
from sim.plotting.style import (
    BAND_ALPHA,
    BLUE,
    ORANGE,
    VERMILLION,
    ci_band_handle,
    finish,
    house_style,
    percent_axis,
    reference_line,
    slide_figure,
    time_of_day_axis,
)
from sim.scenario.desk import WEEKDAYS
from sim.scenario.staffing import ShiftRoster


def coverage_chart(
    required: np.ndarray, coverage: np.ndarray, interval_min: float, lang: Lang = "en"
) -> Figure:
    """Agents required and scheduled per interval over the week (Monday first), as steps; the
    intervals left short shaded."""
    per_day = required.shape[1]
    x = np.arange(required.size + 1) * interval_min / 60.0
    with house_style(lang):
        fig, (ax,) = slide_figure()
        need = np.append(required.ravel(), required.ravel()[-1])
        have = np.append(coverage.ravel(), coverage.ravel()[-1])
        (req,) = ax.step(
            x,
            need,
            where="post",
            color=VERMILLION,
            linewidth=1.6,
            label=label("rosters.required", lang),
        )
        (cov,) = ax.step(
            x, have, where="post", color=BLUE, linewidth=1.6, label=label("rosters.scheduled", lang)
        )
        short = ax.fill_between(
            x,
            have,
            need,
            where=need > have,
            step="post",
            color=VERMILLION,
            alpha=0.3,
            label=label("rosters.short", lang),
        )
        ax.set_xticks(np.arange(7) * per_day * interval_min / 60.0 + 12.0)
        ax.set_xticklabels([label(f"weekday.{d}", lang) for d in WEEKDAYS])
        for day in range(1, 7):
            ax.axvline(day * 24.0, color="#bbbbbb", linewidth=0.8)
        ax.set_xlim(0, 7 * 24.0)
        ax.set_ylabel(label("rosters.agents_axis", lang))
        finish(
            fig,
            label("rosters.coverage_title", lang),
            label("rosters.source", lang),
            [req, cov, short],
        )
        return fig


def roster_heatmap(roster: ShiftRoster, lang: Lang = "en") -> Figure:
    """Agents per shift start time (rows) and weekday (columns), all shift lengths together."""
    starts = sorted({s.start_h for s in roster.shifts})
    grid = np.zeros((len(starts), 7))
    for shift in roster.shifts:
        for day in shift.days:
            grid[starts.index(shift.start_h), WEEKDAYS.index(day)] += shift.agents
    with house_style(lang):
        fig, (ax,) = slide_figure()
        image = ax.imshow(grid, aspect="auto", cmap="Blues")
        for (i, j), agents in np.ndenumerate(grid):
            if agents:
                colour = "white" if agents > grid.max() / 2 else "black"
                ax.text(j, i, f"{agents:g}", ha="center", va="center", color=colour, fontsize=14)
        ax.set_xticks(range(7))
        ax.set_xticklabels([label(f"weekday.{d}", lang) for d in WEEKDAYS])
        ax.set_yticks(range(len(starts)))
        ax.set_yticklabels([f"{int(h):02d}:{round(h % 1 * 60):02d}" for h in starts])
        ax.set_ylabel(label("rosters.start_axis", lang))
        ax.grid(False)
        fig.colorbar(image, ax=ax, label=label("rosters.agents_axis", lang))
        finish(fig, label("rosters.heatmap_title", lang), label("rosters.source", lang), [])
        return fig


def interval_service_chart(
    service: WeekServiceLevel,
    target: float,
    interval_min: float,
    corrected: WeekServiceLevel | None = None,
    lang: Lang = "en",
) -> Figure:
    """The service level achieved per interval, one panel per open weekday (Monday first): the
    mean over replications at each interval's middle with its 95% CI as a band, against the
    target. ``service`` is the first schedule's; with ``corrected`` (the corrected schedule's),
    both. Intervals where no call counted are left as gaps."""
    shown = [(service, ORANGE, "rosters.first_schedule")]
    if corrected is not None:
        shown.append((corrected, BLUE, "rosters.corrected_schedule"))
    counted = np.any([~np.isnan(s.mean) for s, _, _ in shown], axis=0)
    days = [d for d in range(len(WEEKDAYS)) if counted[d].any()]
    columns = np.flatnonzero(counted.any(axis=0))
    span = slice(columns[0], columns[-1] + 1) if columns.size else slice(0, 0)
    x = (np.arange(counted.shape[1])[span] + 0.5) * interval_min
    low = np.nanmin([s.ci_low for s, _, _ in shown], initial=target)
    nrows = 1 if len(days) <= 3 else 2
    ncols = max(1, math.ceil(len(days) / nrows))
    with house_style(lang):
        fig, axes = slide_figure(nrows, ncols)
        handles: list[Artist] = []
        for ax, day in zip(axes, days, strict=False):
            lines = []
            for s, colour, key in shown:
                (line,) = ax.plot(
                    x, s.mean[day, span], "o-", markersize=3, color=colour, label=label(key, lang)
                )
                ax.fill_between(
                    x,
                    s.ci_low[day, span],
                    s.ci_high[day, span],
                    where=~np.isnan(s.mean[day, span]),
                    color=colour,
                    alpha=BAND_ALPHA,
                    linewidth=0,
                )
                lines.append(line)
            goal = reference_line(ax, target, label("target", lang, value=f"{target:.0%}"))
            handles = handles or [*lines, ci_band_handle(CI_LEVEL, lang), goal]
            ax.set_title(label(f"weekday.{WEEKDAYS[day]}", lang), loc="left")
            percent_axis(ax, 1.0, max(0.0, math.floor(low * 10) / 10))
            time_of_day_axis(ax, lang)
            ax.xaxis.set_major_locator(MultipleLocator(240))
            ax.set_xlim(span.start * interval_min, span.stop * interval_min)
        for i, ax in enumerate(axes):
            ax.set_visible(i < len(days))
            if i + ncols < len(days):  # the panel below shows the time of day
                ax.set_xlabel("")
                ax.tick_params(axis="x", labelbottom=False)
            ax.set_ylabel(label("rosters.service_axis", lang) if i % ncols == 0 else "")
        finish(
            fig,
            label("rosters.service_title", lang),
            label("rosters.service_source", lang, level=CI_LEVEL),
            handles,
        )
        return fig
