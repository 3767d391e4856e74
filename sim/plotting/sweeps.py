"""Charts that read a sweep: a KPI over a grid of two parameters, and the Pareto frontier of two
KPIs.

Inputs are the tidy ``summary.parquet`` of a sweep folder (one row per point and KPI); like every
chart of :mod:`sim.plotting`, each returns a matplotlib Figure in the house style and runs nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.measures.metrics import CI_LEVEL, kpi_info
from sim.plotting.data import Table
from sim.plotting.labels import Lang, kpi_label
from sim.plotting.style import (
    BLACK,
    REFERENCE,
    VERMILLION,
    finish,
    house_style,
    slide_figure,
    unit_axis,
    whisker_handle,
    whiskers,
)


def _sweep_source(sweep: str, level: float = CI_LEVEL) -> str:
    return (
        f"Source: service-desk simulation · sweep {sweep} · {level:.0%} CI across replications · "
        f"{dt.date.today().isoformat()}"
    )


def param_text(value: object) -> str:
    """A sweep parameter cell as short text: a policy ``{"kind": "fast_track"}`` as its kind."""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            return value
        value = parsed
    if isinstance(value, dict) and "kind" in value:
        rest = {k: v for k, v in value.items() if k != "kind"}
        return str(value["kind"]) + (f" {rest}" if rest else "")
    return f"{value:g}" if isinstance(value, float) else str(value)


def sweep_wide(summary: Table, kpis: Sequence[str]) -> pd.DataFrame:
    """A sweep's tidy ``summary.parquet`` as one row per point: the ``param.*`` columns and
    ``(kpi, mean | ci_low | ci_high)`` columns flattened to ``kpi``, ``kpi.ci_low``, ...."""
    df = pd.DataFrame(summary)
    params = [c for c in df.columns if c.startswith("param.")]
    points = df.drop_duplicates("point_id").set_index("point_id")[["point", *params]]
    for kpi in kpis:
        rows = df[df["kpi"] == kpi].set_index("point_id")
        points[kpi] = rows["mean"]
        points[f"{kpi}.ci_low"] = rows["ci_low"]
        points[f"{kpi}.ci_high"] = rows["ci_high"]
    return points.sort_values("point")


def pareto_mask(x: np.ndarray, y: np.ndarray, x_better: int, y_better: int) -> np.ndarray:
    """Points no other point beats on both measures (``better``: +1 higher is better, −1 lower)."""
    xs = np.asarray(x, float) * (x_better or 1)
    ys = np.asarray(y, float) * (y_better or 1)
    keep = np.ones(len(xs), bool)
    for i in range(len(xs)):
        dominated = (xs >= xs[i]) & (ys >= ys[i]) & ((xs > xs[i]) | (ys > ys[i]))
        keep[i] = not dominated.any()
    return keep


def sweep_heatmap(
    summary: Table,
    x_param: str,
    y_param: str,
    kpi: str,
    sweep: str = "sweep",
    currency: str = "",
    lang: Lang = "en",
) -> Figure:
    """A KPI's mean over a grid of two sweep parameters, each cell annotated with the mean and
    its CI (other parameters, if any, averaged over)."""
    wide = sweep_wide(summary, [kpi])
    xcol, ycol = f"param.{x_param}", f"param.{y_param}"
    wide = wide.assign(_x=wide[xcol].map(param_text), _y=wide[ycol].map(param_text))
    grid = wide.groupby(["_y", "_x"], sort=False)[[kpi, f"{kpi}.ci_low", f"{kpi}.ci_high"]].mean()
    xs = list(dict.fromkeys(wide["_x"]))
    ys = list(dict.fromkeys(wide["_y"]))
    values = np.full((len(ys), len(xs)), np.nan)
    low, high = values.copy(), values.copy()
    for (yv, xv), row in grid.iterrows():
        i, j = ys.index(yv), xs.index(xv)
        values[i, j], low[i, j], high[i, j] = row[kpi], row[f"{kpi}.ci_low"], row[f"{kpi}.ci_high"]
    unit = kpi_info(kpi).unit
    fmt = {"share": "{:.1%}", "money": "{:,.0f}", "count": "{:,.0f}"}.get(unit, "{:,.3g}").format
    with house_style(lang):
        fig, (ax,) = slide_figure()
        cmap = "viridis" if kpi_info(kpi).better >= 0 else "viridis_r"
        image = ax.imshow(values, cmap=cmap, aspect="auto", origin="lower")
        for i in range(len(ys)):
            for j in range(len(xs)):
                if np.isnan(values[i, j]):
                    continue
                ax.text(
                    j,
                    i,
                    f"{fmt(values[i, j])}\n({fmt(low[i, j])}–{fmt(high[i, j])})",
                    ha="center",
                    va="center",
                    fontsize="small",
                    color="white",
                    path_effects=_outline(),
                )
        ax.set_xticks(range(len(xs)), xs)
        ax.set_yticks(range(len(ys)), ys)
        ax.set_xlabel(x_param)
        ax.set_ylabel(y_param)
        ax.grid(False)
        bar = fig.colorbar(image, ax=ax)
        bar.set_label(kpi_label(kpi, lang, currency))
        handles: list[Artist] = [
            Line2D([], [], linestyle="none", label=f"cells: mean ({CI_LEVEL:.0%} CI)")
        ]
        title = f"{kpi_info(kpi).label.capitalize()} over {x_param} × {y_param}"
        return finish(fig, title, _sweep_source(sweep), handles)


def _outline() -> list[object]:
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=3, foreground=BLACK)]


def pareto_frontier(
    summary: Table,
    x_kpi: str = "staffing_cost",
    y_kpi: str = "service_level",
    label_params: Sequence[str] = (),
    sweep: str = "sweep",
    currency: str = "",
    lang: Lang = "en",
) -> Figure:
    """Every sweep point on two KPIs with CI whiskers; the Pareto-efficient points (no other
    point better on both) highlighted, joined and labelled with ``label_params``."""
    wide = sweep_wide(summary, [x_kpi, y_kpi])
    x, y = wide[x_kpi].to_numpy(float), wide[y_kpi].to_numpy(float)
    efficient = pareto_mask(x, y, kpi_info(x_kpi).better, kpi_info(y_kpi).better)
    with house_style(lang):
        fig, (ax,) = slide_figure()
        handles: list[Artist] = []
        for mask, colour, text in (
            (~efficient, REFERENCE, "dominated"),
            (efficient, VERMILLION, "Pareto-efficient"),
        ):
            if not mask.any():
                continue
            rows = wide[mask]
            handles.append(
                ax.errorbar(
                    rows[x_kpi],
                    rows[y_kpi],
                    xerr=whiskers(rows[x_kpi], rows[f"{x_kpi}.ci_low"], rows[f"{x_kpi}.ci_high"]),
                    yerr=whiskers(rows[y_kpi], rows[f"{y_kpi}.ci_low"], rows[f"{y_kpi}.ci_high"]),
                    fmt="o",
                    markersize=10,
                    color=colour,
                    elinewidth=1.6,
                    label=text,
                )
            )
        order = np.argsort(x[efficient])
        ax.plot(x[efficient][order], y[efficient][order], color=VERMILLION, linewidth=1.8)
        for _, row in wide[efficient].iterrows():
            text = ", ".join(param_text(row[f"param.{p}"]) for p in label_params)
            if text:
                ax.annotate(
                    text,
                    (row[x_kpi], row[y_kpi]),
                    xytext=(8, 8),
                    textcoords="offset points",
                    fontsize="small",
                )
        handles.append(whisker_handle(CI_LEVEL, lang))
        ax.set_xlabel(kpi_label(x_kpi, lang, currency))
        ax.set_ylabel(kpi_label(y_kpi, lang, currency))
        unit_axis(ax, kpi_info(y_kpi).unit)
        if kpi_info(x_kpi).unit in ("money", "count"):
            ax.xaxis.set_major_formatter("{x:,.0f}")
        ax.margins(0.12)
        title = f"Pareto frontier: {kpi_info(x_kpi).label} against {kpi_info(y_kpi).label}"
        return finish(fig, title, _sweep_source(sweep), handles)
