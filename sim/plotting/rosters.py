"""A scheduled week on charts: the agents required against the agents the schedule puts on shift,
interval by interval, and the shift roster as a heatmap of agents by start time and weekday."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.plotting.labels import Lang, label
from sim.plotting.style import BLUE, VERMILLION, finish, house_style, slide_figure
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
