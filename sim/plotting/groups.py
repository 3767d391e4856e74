"""Charts of a desk with agent groups (``staffing.groups``): service level by phone contact type,
and who served whom.

Both read a run folder's ``summary.parquet`` (the KPI families of :mod:`sim.measures.groups`)
and are drawn in the house style (:mod:`sim.plotting.style`) with a title, units, a legend and
the run's source line. A run without agent groups has none of these KPIs:
:func:`has_service_by_type` and :func:`has_served` tell the deck
(:func:`sim.plotting.deck.run_charts`) whether to draw them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path

from sim.plotting.data import RunInfo, Table
from sim.plotting.figures import source_text
from sim.plotting.labels import Lang, contact_type_name, format_value, label
from sim.plotting.style import (
    BAND_ALPHA,
    BLUE,
    PALETTE,
    REFERENCE,
    finish,
    house_style,
    percent_axis,
    reference_line,
    slide_figure,
    whisker_handle,
    whiskers,
)

SERVICE_LEVEL = "service_level_by_type."
OCCUPANCY = "occupancy_by_group."
SERVED = "served."
NODE_WIDTH = 0.03
"""Width of a flow chart's node bars, as a share of the distance between the two columns."""
NODE_GAP = 0.2
"""Share of the flow chart's height left between the nodes of a column."""
LABEL_SPACING = 0.065
"""Least distance between two node labels of a column, as a share of the chart's height."""
FLOW_ALPHA = 0.45


def _summary(summary: Table) -> pd.DataFrame:
    return pd.DataFrame(summary).set_index("kpi")


def _members(df: pd.DataFrame, prefix: str) -> list[str]:
    """The members of a KPI family (``service_level_by_type.enquiry`` → ``enquiry``), in the
    order the run reports them (the scenario's)."""
    return [str(k).removeprefix(prefix) for k in df.index if str(k).startswith(prefix)]


def has_service_by_type(summary: Table) -> bool:
    """Whether a run reports service level by contact type (a desk with agent groups)."""
    return any(str(k).startswith(SERVICE_LEVEL) for k in pd.DataFrame(summary)["kpi"])


def has_served(summary: Table) -> bool:
    """Whether a run reports who served whom (a desk with agent groups)."""
    return any(str(k).startswith(SERVED) for k in pd.DataFrame(summary)["kpi"])


def service_by_type(summary: Table) -> pd.DataFrame:
    """Service level per phone contact type (mean, ci_low, ci_high), indexed by type in the
    order the run reports them (the scenario's)."""
    df = _summary(summary)
    rows = df.loc[[SERVICE_LEVEL + t for t in _members(df, SERVICE_LEVEL)]]
    rows.index = rows.index.str.removeprefix(SERVICE_LEVEL)
    return rows[["mean", "ci_low", "ci_high"]].astype(float)


def served_flows(summary: Table) -> pd.DataFrame:
    """Who served whom: one row per contact type and agent group with the skill (columns
    ``type``, ``group``, ``mean``, ``ci_low``, ``ci_high``: contacts the group answered over the
    horizon); phone types first, types and groups in the order the run reports them."""
    df = _summary(summary)
    rows = df[df.index.str.startswith(SERVED)]
    pairs = [str(k).removeprefix(SERVED).rpartition("/") for k in rows.index]
    flows = pd.DataFrame(
        {
            "type": [p[0] for p in pairs],
            "group": [p[2] for p in pairs],
            **{c: rows[c].to_numpy(float) for c in ("mean", "ci_low", "ci_high")},
        }
    )
    types = list(dict.fromkeys([*_members(df, SERVICE_LEVEL), *flows["type"]]))
    names = list(dict.fromkeys([*_members(df, OCCUPANCY), *flows["group"]]))
    flows["type"] = pd.Categorical(flows["type"], types, ordered=True)
    flows["group"] = pd.Categorical(flows["group"], names, ordered=True)
    flows = flows.sort_values(["type", "group"]).reset_index(drop=True)
    return flows.astype({"type": str, "group": str})


def group_occupancy(summary: Table) -> pd.Series:
    """Mean occupancy (busy over present) per agent group."""
    df = _summary(summary)
    rows = df[df.index.str.startswith(OCCUPANCY)]["mean"]
    rows.index = rows.index.str.removeprefix(OCCUPANCY)
    return rows.astype(float)


def service_level_by_type(summary: Table, info: RunInfo, lang: Lang = "en") -> Figure:
    """Service level of each phone contact type (one bar each, with confidence whiskers) against
    the scenario's service-level target."""
    est = service_by_type(summary)
    scenario = info.scenario
    x = np.arange(len(est))
    mean = est["mean"].to_numpy(float)
    high = est["ci_high"].to_numpy(float)
    with house_style(lang):
        fig, (ax,) = slide_figure()
        bars = ax.bar(
            x,
            mean,
            0.6,
            yerr=whiskers(mean, est["ci_low"], est["ci_high"]),
            color=BLUE,
            error_kw={"ecolor": "black", "elinewidth": 1.8},
            label=label("groups.sl_bar", lang),
        )
        for xi, value, top in zip(x, mean, high, strict=True):
            if np.isfinite(value):
                ax.annotate(
                    format_value(value, "share", lang),
                    (xi, np.nanmax([value, top])),
                    xytext=(0, 6),
                    textcoords="offset points",
                    ha="center",
                    fontsize="small",
                )
        target = scenario.standards.service_level_target
        handles: list[Artist] = [
            bars,
            reference_line(ax, target, label("target", lang, value=f"{target:.0%}")),
            whisker_handle(info.ci_level, lang),
        ]
        percent_axis(ax, top=1.08)
        ax.set_xticks(x, [contact_type_name(t, lang) for t in est.index])
        ax.set_xlim(-0.6, len(est) - 0.4)
        ax.set_xlabel(label("groups.type_axis", lang))
        ax.set_ylabel(
            label("service_level_axis", lang, threshold=scenario.service_level.threshold_s)
        )
        return finish(fig, label("groups.sl_title", lang), source_text([info], lang), handles)


def _stack(totals: pd.Series, scale: float) -> pd.Series:
    """Top of each node in a column, top to bottom: the column spans 1 → 0 with
    :data:`NODE_GAP` shared between the nodes (a lone node is centred)."""
    heights = totals.to_numpy(float) * scale
    gap = NODE_GAP / (len(heights) - 1) if len(heights) > 1 else 0.0
    start = 1.0 if len(heights) > 1 else 1.0 - NODE_GAP / 2
    tops = start - np.concatenate([[0.0], np.cumsum(heights[:-1] + gap)])
    return pd.Series(tops, index=totals.index)


def _spread(centres: np.ndarray, spacing: float) -> np.ndarray:
    """Label heights near ``centres`` (top to bottom, descending) at least ``spacing`` apart,
    kept within the chart."""
    y = np.array(centres, dtype=float)
    for i in range(1, len(y)):
        y[i] = min(y[i], y[i - 1] - spacing)
    if len(y):
        y[-1] = max(y[-1], spacing / 2)
    for i in range(len(y) - 2, -1, -1):
        y[i] = max(y[i], y[i + 1] + spacing)
    return y


def _band(
    ax: Axes, left: tuple[float, float], right: tuple[float, float], colour: str, gid: str
) -> None:
    """A flow band from a span of a left node to a span of a right node (tops and bottoms),
    named ``gid``."""
    x0, x1 = NODE_WIDTH, 1.0 - NODE_WIDTH
    mid = (x0 + x1) / 2
    (lt, lb), (rt, rb) = left, right
    vertices = [
        (x0, lt),
        (mid, lt),
        (mid, rt),
        (x1, rt),
        (x1, rb),
        (mid, rb),
        (mid, lb),
        (x0, lb),
        (x0, lt),
    ]
    codes = [Path.MOVETO, *[Path.CURVE4] * 3, Path.LINETO, *[Path.CURVE4] * 3, Path.CLOSEPOLY]
    band = PathPatch(Path(vertices, codes), facecolor=colour, alpha=FLOW_ALPHA, edgecolor="none")
    band.set_gid(gid)
    ax.add_patch(band)


def _node_labels(
    ax: Axes, tops: pd.Series, heights: pd.Series, texts: Sequence[str], left: bool
) -> None:
    centres = (tops - heights / 2).to_numpy()
    at = _spread(centres, LABEL_SPACING)
    x_node = 0.0 if left else 1.0
    x_text = -0.02 if left else 1.02
    for centre, y, text in zip(centres, at, texts, strict=True):
        ax.annotate(
            text,
            (x_node, centre),
            xytext=(x_text, y),
            ha="right" if left else "left",
            va="center",
            fontsize="small",
            arrowprops={"arrowstyle": "-", "color": REFERENCE, "linewidth": 0.8}
            if abs(y - centre) > 0.01
            else None,
        )


def who_served_whom(summary: Table, info: RunInfo, lang: Lang = "en") -> Figure:
    """Who served whom: contact types (left) flow to the agent groups that answered them
    (right), each band as wide as the mean number of the type's contacts the group answered over
    the horizon; every group is labelled with its occupancy."""
    flows = served_flows(summary)
    flows = flows[flows["mean"] > 0]
    occupancy = group_occupancy(summary)
    by_type = flows.groupby("type", sort=False)["mean"].sum()
    by_group = flows.groupby("group", sort=False)["mean"].sum()
    order = dict.fromkeys([*occupancy.index, *by_group.index])
    by_group = by_group.loc[[g for g in order if g in by_group.index]]
    total = float(flows["mean"].sum())
    colours = {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(by_type.index)}
    with house_style(lang):
        fig, (ax,) = slide_figure()
        scale = (1.0 - NODE_GAP) / total if total > 0 else 0.0
        type_tops, group_tops = _stack(by_type, scale), _stack(by_group, scale)
        left_used, right_used = type_tops.copy(), group_tops.copy()
        for row in flows.itertuples():
            width = row.mean * scale
            left_span = (left_used[row.type], left_used[row.type] - width)
            right_span = (right_used[row.group], right_used[row.group] - width)
            left_used[row.type], right_used[row.group] = left_span[1], right_span[1]
            _band(ax, left_span, right_span, colours[row.type], f"flow:{row.type}/{row.group}")
        for t, top in type_tops.items():
            height = by_type[t] * scale
            node = Rectangle((0.0, top - height), NODE_WIDTH, height, color=colours[t])
            ax.add_patch(node).set_gid(f"type:{t}")
        for g, top in group_tops.items():
            height = by_group[g] * scale
            node = Rectangle((1.0 - NODE_WIDTH, top - height), NODE_WIDTH, height, color=REFERENCE)
            ax.add_patch(node).set_gid(f"group:{g}")
        _node_labels(
            ax,
            type_tops,
            by_type * scale,
            [
                label(
                    "groups.type_node",
                    lang,
                    type=contact_type_name(t, lang),
                    count=format_value(n, "count", lang),
                )
                for t, n in by_type.items()
            ],
            left=True,
        )
        _node_labels(
            ax,
            group_tops,
            by_group * scale,
            [
                label(
                    "groups.group_node",
                    lang,
                    group=contact_type_name(g, lang),
                    count=format_value(n, "count", lang),
                    occupancy=format_value(float(occupancy.get(g, np.nan)), "share", lang),
                )
                for g, n in by_group.items()
            ],
            left=False,
        )
        ax.set_xlim(-0.42, 1.42)
        ax.set_ylim(-0.02, 1.02)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_xlabel(label("groups.flow_axis", lang))
        handles: list[Artist] = [
            Patch(
                color=REFERENCE,
                alpha=BAND_ALPHA * 2,
                label=label("groups.band", lang, replications=info.replications),
            ),
            Patch(color=REFERENCE, label=label("groups.occupancy_key", lang)),
        ]
        return finish(
            fig, label("groups.flow_title", lang), source_text([info], lang), handles, ncols=1
        )
