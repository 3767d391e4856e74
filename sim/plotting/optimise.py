"""The retention-aware search on one chart: every candidate's staffing cost against the customers
it loses to service, the frontier no candidate beats on both, the selected candidate and the
service-level choice (read from ``outputs/optimise/<name>/``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.figure import Figure

from sim.measures.estimates import CI_LEVEL
from sim.measures.metrics import kpi_info
from sim.plotting.labels import Lang, kpi_label, label
from sim.plotting.style import (
    BLUE,
    REFERENCE,
    VERMILLION,
    finish,
    fit_tick_labels,
    house_style,
    kpi_formatter,
    points_with_whiskers,
    slide_figure,
    whisker_handle,
)

X_KPI, Y_KPI = "staffing_cost", "service_defections"


def read_search(folder: str | Path) -> tuple[pd.DataFrame, dict[str, object]]:
    """An optimisation folder's candidates (``candidates.csv``) and outcome (``result.json``)."""
    folder = Path(folder)
    candidates = pd.read_csv(folder / "candidates.csv")
    result = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    return candidates, result


def search_frontier(folder: str | Path, currency: str = "£", lang: Lang = "en") -> Figure:
    """Staffing cost against customers lost to service, per candidate with 95% CI whiskers; the
    frontier joined, the selected candidate (most net value) and the service-level choice
    (cheapest meeting the target) marked and named."""
    candidates, result = read_search(folder)
    frontier = candidates["name"].isin(result["frontier"]).to_numpy()
    x, y = candidates[X_KPI].to_numpy(float), candidates[Y_KPI].to_numpy(float)
    with house_style(lang):
        fig, (ax,) = slide_figure()
        handles: list[Artist] = []
        for mask, colour, key in (
            (~frontier, REFERENCE, "optimise.dominated"),
            (frontier, VERMILLION, "optimise.frontier"),
        ):
            if not mask.any():
                continue
            text = label(key, lang)
            handles.append(
                points_with_whiskers(ax, candidates[mask], X_KPI, Y_KPI, colour, text, 8)
            )
        order = np.argsort(x[frontier])
        ax.plot(x[frontier][order], y[frontier][order], color=VERMILLION, linewidth=1.6)
        for name_key, marker, colour, key in (
            ("best", "*", VERMILLION, "optimise.selected"),
            ("service_level_choice", "s", BLUE, "optimise.sl_choice"),
        ):
            chosen = candidates[candidates["name"] == result[name_key]]
            if chosen.empty:
                continue
            (point,) = ax.plot(
                chosen[X_KPI],
                chosen[Y_KPI],
                marker,
                markersize=20,
                markerfacecolor="none",
                markeredgecolor=colour,
                markeredgewidth=2.2,
                label=label(key, lang, name=result[name_key]),
            )
            handles.append(point)
        handles.append(whisker_handle(CI_LEVEL, lang))
        ax.set_xlabel(kpi_label(X_KPI, lang, currency))
        ax.set_ylabel(kpi_label(Y_KPI, lang, currency))
        ax.xaxis.set_major_formatter(kpi_formatter(kpi_info(X_KPI).unit, currency))
        ax.yaxis.set_major_formatter(kpi_formatter(kpi_info(Y_KPI).unit, currency))
        ax.margins(0.12)
        source = label("optimise.source", lang, candidates=len(candidates))
        finish(fig, label("optimise.title", lang), source, handles)
        fit_tick_labels(fig, [ax])
        return fig
