"""The sweep charts as they are drawn: no tick label overlaps another or leaves the figure, a
heatmap cell's text stays in its cell, Pareto labels do not overlap, and money reads ``£3.68M``.

The charts are rendered (Agg, the PNG export's canvas) from a made-up sweep whose labels are long
and many, and the bounding boxes of what was drawn are measured."""

from __future__ import annotations

import itertools
import json

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from sim.plotting import pareto_frontier, sweep_heatmap
from sim.plotting.style import visible_tick_labels

POLICIES = [
    {"kind": "none"},
    {"kind": "standard"},
    {"kind": "fast_track"},
    {"kind": "fast_track", "target_h": 12},
    {"kind": "empowered_front_line"},
    {"kind": "proactive_follow_up"},
]
SCALES = [0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.15]


def made_up_summary() -> pd.DataFrame:
    """A sweep's tidy summary: 6 policies × 8 headcounts, net value in millions, staffing cost
    rising with headcount, service level with diminishing returns (several points alike)."""
    rows = []
    for i, (policy, scale) in enumerate(itertools.product(POLICIES, SCALES)):
        kpis = {
            "net_value": 3.1e6 + 0.6e6 * scale + 4e4 * POLICIES.index(policy),
            "staffing_cost": 4.2e5 * scale,
            "service_level": min(0.98, 0.5 + 0.45 * scale) + 0.001 * (policy["kind"] == "none"),
        }
        for kpi, mean in kpis.items():
            rows.append(
                {
                    "point": i,
                    "point_id": f"p{i:010d}",
                    "kpi": kpi,
                    "mean": mean,
                    "ci_low": 0.97 * mean,
                    "ci_high": 1.03 * mean,
                    "param.recovery": json.dumps(policy),
                    "param.staffing.tier1.headcount_scale": json.dumps(scale),
                }
            )
    return pd.DataFrame(rows)


def drawn(fig: Figure) -> Figure:
    FigureCanvasAgg(fig).draw()
    return fig


def assert_apart_and_inside(fig: Figure, texts: list[Text], what: str) -> None:
    boxes = [t.get_window_extent() for t in texts]
    assert boxes, f"no {what}"
    for text, box in zip(texts, boxes, strict=True):
        assert fig.bbox.contains(box.x0, box.y0) and fig.bbox.contains(box.x1, box.y1), (
            f"{what} {text.get_text()!r} leaves the figure: {box}"
        )
    for (a, box_a), (b, box_b) in itertools.combinations(zip(texts, boxes, strict=True), 2):
        assert not box_a.overlaps(box_b), f"{what} {a.get_text()!r} and {b.get_text()!r} overlap"


def tick_labels(fig: Figure) -> dict[str, list[Text]]:
    return {
        f"axes {i} {axis.axis_name} tick label": visible_tick_labels(axis)
        for i, ax in enumerate(fig.axes)
        for axis in (ax.xaxis, ax.yaxis)
        if visible_tick_labels(axis)
    }


@pytest.mark.parametrize(
    ("x_param", "y_param"),
    [
        ("recovery", "staffing.tier1.headcount_scale"),
        ("staffing.tier1.headcount_scale", "recovery"),
    ],
)
def test_heatmap_labels_fit(x_param: str, y_param: str) -> None:
    fig = drawn(sweep_heatmap(made_up_summary(), x_param, y_param, "net_value", "test", "GBP"))
    labels = tick_labels(fig)
    assert len(labels) == 3  # x and y of the grid, the colour bar's scale
    for what, texts in labels.items():
        assert_apart_and_inside(fig, texts, what)
    grid = fig.axes[0]
    frame = grid.get_window_extent()
    width, height = frame.width / len(grid.get_xticks()), frame.height / len(grid.get_yticks())
    cells = [t for t in grid.texts if t.get_visible()]
    assert len(cells) == len(POLICIES) * len(SCALES)
    for cell in cells:
        box = cell.get_window_extent()
        x, y = cell.get_position()
        left, bottom = frame.x0 + (x + 0.5) * width - width / 2, frame.y0 + y * height
        assert Bbox.from_bounds(left, bottom, width, height).contains(*box.p0), cell.get_text()
        assert box.width <= width and box.height <= height, cell.get_text()
    colour_scale = [t.get_text() for t in visible_tick_labels(fig.axes[1].yaxis)]
    assert all(t.startswith("£") and t.endswith("M") for t in colour_scale), colour_scale
    assert any(t.get_text().startswith("£3.") for t in cells)
    ticks = itertools.chain.from_iterable(labels.values())
    assert not any("e+" in t.get_text() for t in [*cells, *ticks])


def test_pareto_labels_and_ticks_fit() -> None:
    summary = made_up_summary()
    fig = drawn(
        pareto_frontier(
            summary,
            "staffing_cost",
            "service_level",
            ["staffing.tier1.headcount_scale", "recovery"],
            "test",
            "USD",
        )
    )
    (ax,) = fig.axes
    for what, texts in tick_labels(fig).items():
        assert_apart_and_inside(fig, texts, what)
    labels = [t for t in ax.texts if t.get_visible()]
    assert len(labels) >= 4, "the frontier is labelled"
    assert_apart_and_inside(fig, labels, "Pareto label")
    inside = ax.get_window_extent()
    for label in labels:
        box = label.get_window_extent()
        assert inside.contains(box.x0, box.y0) and inside.contains(box.x1, box.y1)
    money = [t.get_text() for t in visible_tick_labels(ax.xaxis)]
    assert all(t.startswith("$") and t.endswith("k") for t in money), money
