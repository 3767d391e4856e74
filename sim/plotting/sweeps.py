"""Charts that read a sweep: a KPI over a grid of two parameters, and the Pareto frontier of two
KPIs; and :func:`read_sweep`, a sweep folder's tables.

Inputs are the tidy ``summary.parquet`` of a sweep folder (one row per point and KPI); like every
chart of :mod:`sim.plotting`, each returns a matplotlib Figure in the house style and runs nothing.
Money is written as a person writes it, in the scenario's currency (``£3.68M``). Labels are fitted
once the chart is laid out: tick labels are turned, then shrunk, until none overlaps another or
leaves the figure (:func:`sim.plotting.style.fit_tick_labels`); a heatmap cell's text is shrunk to
its cell; a Pareto point's label goes beside it where it overlaps no other label or point.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from sim.experiments.sweep import sweep_command, sweep_currency
from sim.experiments.sweep_spec import value_text
from sim.measures.estimates import CI_LEVEL
from sim.measures.metrics import kpi_info
from sim.measures.value import money_text
from sim.plotting.data import Table
from sim.plotting.labels import Lang, kpi_label
from sim.plotting.style import (
    BLACK,
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

SMALLEST_CELL_TEXT = 9.0
"""Smallest font size (points) of a heatmap cell's text; below it the interval is left out."""
LABEL_OFFSETS = tuple(
    (dx * r, dy * r)
    for r in (8, 20, 36)
    for dx, dy in ((1, 1), (1, -1), (-1, 1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1))
)
"""Where a Pareto point's label may go, in points from the point, nearest first."""
MARKER_SIZE = 10


class SweepNotFoundError(FileNotFoundError):
    """A sweep folder without results. The message says which command makes it; a notebook
    shows that message alone, not a traceback."""

    def _render_traceback_(self) -> list[str]:
        """What IPython shows for this error instead of a traceback."""
        return [f"{type(self).__name__}: {self}"]


@dataclass(frozen=True)
class SweepData:
    """A finished sweep folder's tables."""

    folder: Path
    name: str
    summary: pd.DataFrame
    """``summary.parquet``: one row per finished point and KPI."""
    points: pd.DataFrame
    """``points.parquet``: one row per point, finished or not."""
    currency: str
    """The scenario's currency ('' without money)."""


def read_sweep(folder: str | Path) -> SweepData:
    """Read a sweep folder (``outputs/sweeps/<name>/``).

    Raises:
        SweepNotFoundError: the folder has no results yet; the message gives the command that
            makes them (the shipped sweep file of that name, to run from the repository root).
    """
    folder = Path(folder)
    if not (folder / "summary.parquet").is_file():
        raise SweepNotFoundError(_missing_sweep(folder))
    return SweepData(
        folder,
        folder.name,
        pd.read_parquet(folder / "summary.parquet"),
        pd.read_parquet(folder / "points.parquet"),
        sweep_currency(folder),
    )


def _missing_sweep(folder: Path) -> str:
    started = (folder / "points.parquet").is_file()
    state = "has no results: the sweep did not finish" if started else "holds no sweep results"
    if folder.resolve().parent.name != "sweeps":
        return (
            f"{folder} {state}; a sweep writes OUT/sweeps/NAME/ (NAME: its file's name:), so "
            "give the folder that ends in sweeps/NAME"
        )
    command = sweep_command(folder)
    if not command:
        return (
            f"{folder} {state}, and no sweep file in params/sweeps/ is named {folder.name!r}; "
            "run yours first: python -m sim sweep FILE (its name: gives the folder's name)"
        )
    if started:
        return f"{folder} {state}; finish it, from the repository root: {command} --resume"
    return f"{folder} {state}; run the sweep first, from the repository root: {command}"


def _sweep_source(sweep: str, level: float = CI_LEVEL) -> str:
    return (
        f"Source: service-desk simulation · sweep {sweep} · {level:.0%} CI across replications · "
        f"{dt.date.today().isoformat()}"
    )


def sweep_wide(summary: Table, kpis: Sequence[str], rank: str | None = None) -> pd.DataFrame:
    """A sweep's tidy ``summary.parquet`` as one row per point: the ``param.*`` columns and
    ``(kpi, mean | ci_low | ci_high)`` columns flattened to ``kpi``, ``kpi.ci_low``, ....

    In point order, or with ``rank`` (one of ``kpis``) best first by that KPI in its own
    direction (a lower abandonment rate is better; a KPI with no direction: highest first).
    """
    df = pd.DataFrame(summary)
    params = [c for c in df.columns if c.startswith("param.")]
    points = df.drop_duplicates("point_id").set_index("point_id")[["point", *params]]
    for kpi in kpis:
        rows = df[df["kpi"] == kpi].set_index("point_id")
        points[kpi] = rows["mean"]
        points[f"{kpi}.ci_low"] = rows["ci_low"]
        points[f"{kpi}.ci_high"] = rows["ci_high"]
    if rank is None:
        return points.sort_values("point")
    ascending = kpi_info(rank).better < 0
    return points.sort_values([rank, "point"], ascending=[ascending, True], na_position="last")


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
    wide = wide.assign(_x=wide[xcol].map(value_text), _y=wide[ycol].map(value_text))
    grid = wide.groupby(["_y", "_x"], sort=False)[[kpi, f"{kpi}.ci_low", f"{kpi}.ci_high"]].mean()
    xs = list(dict.fromkeys(wide["_x"]))
    ys = list(dict.fromkeys(wide["_y"]))
    values = np.full((len(ys), len(xs)), np.nan)
    low, high = values.copy(), values.copy()
    for (yv, xv), row in grid.iterrows():
        i, j = ys.index(yv), xs.index(xv)
        values[i, j], low[i, j], high[i, j] = row[kpi], row[f"{kpi}.ci_low"], row[f"{kpi}.ci_high"]
    info = kpi_info(kpi)
    fmt = _cell_format(info.unit, currency)
    with house_style(lang):
        fig, (ax,) = slide_figure()
        cmap = "viridis" if info.better >= 0 else "viridis_r"
        image = ax.imshow(values, cmap=cmap, aspect="auto", origin="lower")
        cells = {}
        for i in range(len(ys)):
            for j in range(len(xs)):
                if np.isnan(values[i, j]):
                    continue
                text = ax.text(
                    j,
                    i,
                    f"{fmt(values[i, j])}\n({fmt(low[i, j])} – {fmt(high[i, j])})",
                    ha="center",
                    va="center",
                    fontsize="small",
                    color="white",
                    path_effects=_outline(),
                )
                text.set_in_layout(False)
                cells[text] = fmt(values[i, j])
        ax.set_xticks(range(len(xs)), xs)
        ax.set_yticks(range(len(ys)), ys)
        ax.set_xlabel(x_param)
        ax.set_ylabel(y_param)
        ax.grid(False)
        bar = fig.colorbar(image, ax=ax)
        bar.set_label(kpi_label(kpi, lang, currency))
        bar.formatter = kpi_formatter(info.unit, currency)
        bar.update_ticks()
        handles: list[Artist] = [
            Line2D([], [], linestyle="none", label=f"cells: mean ({CI_LEVEL:.0%} CI)")
        ]
        title = f"{info.label.capitalize()} over {x_param} × {y_param}"
        finish(fig, title, _sweep_source(sweep), handles)
        fit_tick_labels(fig, [ax, bar.ax])
        _fit_cells(ax, cells, len(xs), len(ys))
        return fig


def _cell_format(unit: str, currency: str) -> Callable[[float], str]:
    if unit == "money":
        return lambda value: money_text(value, currency)
    return {"share": "{:.1%}", "count": "{:,.0f}"}.get(unit, "{:,.3g}").format


def _fit_cells(ax: Axes, cells: dict[Text, str], columns: int, rows: int) -> None:
    """Shrink the cells' texts (all alike) until each fits inside its cell; below
    :data:`SMALLEST_CELL_TEXT` points keep only the mean (``cells``: text → the mean alone)."""
    frame = ax.get_window_extent()
    width, height = 0.94 * frame.width / columns, 0.9 * frame.height / rows

    def too_big() -> bool:
        boxes = [text.get_window_extent() for text in cells]
        return any(b.width > width or b.height > height for b in boxes)

    while cells and too_big():
        size = next(iter(cells)).get_fontsize()
        if size <= SMALLEST_CELL_TEXT:
            for text, mean in cells.items():
                text.set_text(mean)
            if too_big():
                for text in cells:
                    text.set_visible(False)
            return
        for text in cells:
            text.set_fontsize(max(0.9 * size, SMALLEST_CELL_TEXT))


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
    point better on both) highlighted, joined and labelled with ``label_params`` (points at the
    same place share one label; a label that fits nowhere beside its point is left out)."""
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
            handles.append(
                points_with_whiskers(ax, wide[mask], x_kpi, y_kpi, colour, text, MARKER_SIZE)
            )
        order = np.argsort(x[efficient])
        ax.plot(x[efficient][order], y[efficient][order], color=VERMILLION, linewidth=1.8)
        handles.append(whisker_handle(CI_LEVEL, lang))
        ax.set_xlabel(kpi_label(x_kpi, lang, currency))
        ax.set_ylabel(kpi_label(y_kpi, lang, currency))
        ax.xaxis.set_major_formatter(kpi_formatter(kpi_info(x_kpi).unit, currency))
        ax.yaxis.set_major_formatter(kpi_formatter(kpi_info(y_kpi).unit, currency))
        ax.margins(0.12)
        title = f"Pareto frontier: {kpi_info(x_kpi).label} against {kpi_info(y_kpi).label}"
        finish(fig, title, _sweep_source(sweep), handles)
        fit_tick_labels(fig, [ax])
        labels = [
            (row[x_kpi], row[y_kpi], ", ".join(value_text(row[f"param.{p}"]) for p in label_params))
            for _, row in wide[efficient].iterrows()
        ]
        place_labels(ax, [label for label in labels if label[2]], zip(x, y, strict=True))
        return fig


def place_labels(
    ax: Axes,
    labels: Sequence[tuple[float, float, str]],
    points: Iterable[tuple[float, float]] = (),
) -> list[Text]:
    """Label data points (x, y, text). Points drawn at the same place (their markers overlap)
    share one label, their texts one per line. Each label goes at the first of
    :data:`LABEL_OFFSETS` where it stays inside the axes and overlaps neither a label already
    placed nor a marker of ``points`` (x, y); a label that fits nowhere is left out. Labels take
    no part in the layout, so placing them once it is done keeps them where they were checked.
    Returns the labels placed."""
    radius = MARKER_SIZE / 72 * ax.figure.dpi / 2
    centres = [ax.transData.transform(xy) for xy in points if np.isfinite(xy).all()]
    marks = [
        Bbox.from_bounds(cx - radius, cy - radius, 2 * radius, 2 * radius) for cx, cy in centres
    ]
    groups: list[tuple[tuple[float, float], np.ndarray, list[str]]] = []
    for x, y, text in labels:
        at = ax.transData.transform((x, y))
        near = next((g for g in groups if np.hypot(*(g[1] - at)) < 2 * radius), None)
        if near is None:
            groups.append(((x, y), at, [text]))
        elif text not in near[2]:
            near[2].append(text)
    frame = ax.get_window_extent()
    placed: list[Text] = []
    taken: list[Bbox] = []
    for xy, _, texts in groups:
        for dx, dy in LABEL_OFFSETS:
            label = ax.annotate(
                "\n".join(texts),
                xy,
                xytext=(dx, dy),
                textcoords="offset points",
                ha="left" if dx > 0 else "right" if dx < 0 else "center",
                va="bottom" if dy > 0 else "top" if dy < 0 else "center",
                fontsize="small",
                annotation_clip=False,
            )
            label.set_in_layout(False)
            box = label.get_window_extent()
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1
            inside = inside and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(other) for other in [*taken, *marks]):
                placed.append(label)
                taken.append(box)
                break
            label.remove()
    return placed
