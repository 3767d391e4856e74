"""The house style for slide charts: 16:9 canvas, large type, Okabe–Ito colours, bundled CJK font.

Importing this module registers the bundled Noto Sans CJK SC subset (``fonts/``) with
matplotlib's font manager, so Chinese labels render on a machine without CJK fonts.
:func:`house_style` applies ``slides.mplstyle`` with the fonts for a language; the other helpers
give every chart the same frame: a left-aligned title, a legend under it, a source line at the
bottom, uncertainty drawn as a shaded band, and labels that fit (:func:`fit_labels`: axis labels
wrapped to their axes; fewer ticks, wrapped, smaller or turned tick labels until no two overlap).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.style import context as style_context
from matplotlib.text import Text
from matplotlib.ticker import (
    FixedLocator,
    Formatter,
    FuncFormatter,
    MaxNLocator,
    MultipleLocator,
    PercentFormatter,
    ScalarFormatter,
    StrMethodFormatter,
)
from matplotlib.transforms import Bbox
from numpy.typing import ArrayLike

from sim.measures.value import money_text
from sim.plotting.labels import Lang, label

HERE = Path(__file__).resolve().parent
STYLE_FILE = HERE / "slides.mplstyle"
FONT_DIR = HERE / "fonts"
CJK_FAMILY = "Noto Sans CJK SC"
FONT_FAMILIES: dict[Lang, list[str]] = {
    "en": ["DejaVu Sans", CJK_FAMILY],
    "zh": [CJK_FAMILY, "DejaVu Sans"],
}
"""Font fallback per language: matplotlib takes each glyph from the first family that has it."""

SLIDE_SIZE_IN = (40 / 3, 7.5)
SLIDE_DPI = 144
"""13.33 × 7.5 in at 144 dpi is 1920 × 1080 px."""
NOTEBOOK_DPI = 96
"""A chart shown in a notebook: 1280 × 720 px, the same chart scaled."""

PALETTE: tuple[str, ...] = tuple(
    mpl.rc_params_from_file(STYLE_FILE, use_default_template=False)["axes.prop_cycle"].by_key()[
        "color"
    ]
)
"""The Okabe–Ito colours in the order of ``slides.mplstyle``."""
BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, BLACK = PALETTE
REFERENCE = "#555555"
"""Colour of targets and other reference lines."""
BAND_ALPHA = 0.22
SOURCE_GID = "source-line"
SOURCE_STRIP = 0.05
"""Share of the figure height kept free at the bottom for a one-line source line (more for
more lines)."""
GAP = 0.015
"""Space between the title, the legend and the charts, as a share of the figure height."""
TICK_GAP_PX = 4.0
"""Least space between two tick labels, in pixels at the slide resolution."""
SMALLEST_TICKS = 0.6
"""Tick labels may shrink to this share of their style size to fit."""
CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
"""Chinese characters and punctuation (a character class body)."""
CJK_CHAR = re.compile(f"[{CJK}]")
OPENING = "（《「『【〔〈"
CLOSING = "）》」』】〕〉，。、；：！？"
WRAP_PIECE = re.compile(f"[{OPENING}]*[{CJK}][{CLOSING}]*|[^\\s_/\\-{CJK}]*[\\s_/\\-]*[{CLOSING}]*")
"""What a label may be broken after: a word and its separators, or one Chinese character; an
opening bracket stays with what follows it and closing punctuation with what precedes it."""


def register_fonts() -> None:
    """Add the bundled fonts to matplotlib's font manager (once per font file)."""
    known = {Path(entry.fname).resolve() for entry in font_manager.fontManager.ttflist}
    for path in sorted(FONT_DIR.glob("*.otf")):
        if path.resolve() not in known:
            font_manager.fontManager.addfont(str(path))


register_fonts()


@contextmanager
def house_style(lang: Lang = "en") -> Iterator[None]:
    """Within the block, new figures get the slide style and the fonts for ``lang``."""
    with style_context([str(STYLE_FILE), {"font.family": FONT_FAMILIES[lang]}]):
        yield


class SlideFigure(Figure):
    """A chart in the house style. A notebook shows it as a picture (IPython's ``_repr_png_``),
    although no pyplot backend is involved."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=NOTEBOOK_DPI)
        return buffer.getvalue()


def slide_figure(
    nrows: int = 1,
    ncols: int = 1,
    sharex: bool = False,
    height_ratios: Sequence[float] | None = None,
) -> tuple[Figure, np.ndarray]:
    """A slide-sized figure (call inside :func:`house_style`) and its axes as a flat array."""
    fig = SlideFigure(figsize=SLIDE_SIZE_IN, dpi=SLIDE_DPI, layout="constrained")
    axes = fig.subplots(
        nrows, ncols, sharex=sharex, squeeze=False, height_ratios=height_ratios
    ).ravel()
    return fig, axes


def finish(
    fig: Figure, title: str, source: str, handles: Sequence[Artist], ncols: int | None = None
) -> Figure:
    """Give a chart its title, its legend (``handles``, labelled) and its source line, and lay it
    out while the house style is active, so every tick label gets the style's fonts.

    The title sits top left with the legend under it and the source line at the bottom; the axes
    are laid out (constrained layout) in the space between.
    """
    top = 1.0 - GAP
    heading = fig.suptitle(title, x=0.01, y=top, ha="left", va="top")
    top -= _extent(fig, heading).height + GAP
    if handles:
        ncols = ncols or min(len(handles), 4)
        legend = _legend(fig, handles, top, ncols)
        while ncols > 1 and _extent(fig, legend).x1 > 0.99:
            legend.remove()
            ncols -= 1
            legend = _legend(fig, handles, top, ncols)
        top -= _extent(fig, legend).height + GAP
    line = fig.text(0.01, 0.012, source, ha="left", va="bottom", fontsize="small", color=REFERENCE)
    line.set_gid(SOURCE_GID)
    lines = source.count("\n") + 1
    strip = SOURCE_STRIP + _extent(fig, line).height * (lines - 1) / lines
    fig.get_layout_engine().set(rect=(0.0, strip, 1.0, top - strip))
    fig.draw_without_rendering()
    fit_labels(fig)
    return fig


def wrap_label(text: str, width: int = 16) -> str:
    """``text`` on lines of at most about ``width`` characters (a Chinese character counts two),
    broken after spaces, ``_``, ``-`` and ``/`` or between Chinese characters; a longer word
    keeps its own line."""
    lines = [""]
    for piece in filter(None, WRAP_PIECE.findall(text)):
        candidate = lines[-1] + piece
        if lines[-1] and _text_width(candidate.rstrip()) > width:
            lines.append(piece.lstrip())
        else:
            lines[-1] = candidate
    return "\n".join(line.rstrip() for line in lines)


def _text_width(text: str) -> int:
    return len(text) + len(CJK_CHAR.findall(text))


def tick_label_boxes(axis: Axis) -> list[Bbox]:
    """Where the drawn, non-empty tick labels of an axis are, in display pixels (after a draw)."""
    if not (axis.get_visible() and axis.axes.get_visible()):
        return []
    low, high = sorted(axis.get_view_interval())
    slack = 1e-9 * max(high - low, 1.0)
    return [
        text.get_window_extent()
        for tick in axis.get_major_ticks()
        if low - slack <= tick.get_loc() <= high + slack
        for text in (tick.label1, tick.label2)
        if text.get_visible() and text.get_text().strip()
    ]


def _outside(fig: Figure, box: Bbox) -> bool:
    return box.x0 < 0 or box.y0 < 0 or box.x1 > fig.bbox.width or box.y1 > fig.bbox.height


def _crowded(fig: Figure, boxes: Sequence[Bbox]) -> bool:
    """Two labels closer than :data:`TICK_GAP_PX`, or one outside the figure."""
    if any(_outside(fig, b) for b in boxes):
        return True
    padded = [b.padded(TICK_GAP_PX / 2) for b in boxes]
    return any(a.overlaps(b) for i, a in enumerate(padded) for b in padded[i + 1 :])


class _TickFitter:
    """Makes one axis's tick labels fit, one remedy per call: fewer ticks on a numeric axis;
    otherwise long text labels wrapped (x axis), smaller type, then labels turned 30° (x axis)."""

    def __init__(self, axis: Axis) -> None:
        self.axis = axis
        self.size: float | None = None
        """The labels' type size before any shrinking."""
        self.wrapped = False

    def step(self, drawn: int) -> bool:
        """Apply the next remedy; False when none is left."""
        axis, horizontal = self.axis, self.axis.axis_name == "x"
        locator = axis.get_major_locator()
        if isinstance(locator, MaxNLocator) and drawn > 2:
            locator.set_params(nbins=max(1, drawn - 2))
            return True
        locs = axis.get_majorticklocs()
        if isinstance(locator, MultipleLocator) and drawn > 2:
            locator.set_params(base=2 * (locs[1] - locs[0]))
            return True
        if horizontal and not self.wrapped and isinstance(locator, FixedLocator):
            self.wrapped = True  # text labels (categories) set with set_xticks(x, labels)
            texts = axis.get_major_formatter().format_ticks(locs)
            longest = max((_text_width(text) for text in texts), default=0)
            if longest > 8:
                axis.set_ticks(locs, [wrap_label(text, max(8, longest // 2)) for text in texts])
                return True
        labels = axis.get_ticklabels()
        if not labels:
            return False
        size = labels[0].get_fontsize()
        self.size = self.size or size
        if size > SMALLEST_TICKS * self.size + 1e-6:
            axis.set_tick_params(labelsize=max(SMALLEST_TICKS * self.size, 0.85 * size))
            return True
        if horizontal and not labels[0].get_rotation():
            axis.set_tick_params(labelrotation=30)
            for text in labels:
                text.set(ha="right", rotation_mode="anchor")
            return True
        return False


def fit_labels(fig: Figure, rounds: int = 8) -> None:
    """Redraw until the labels fit: an axis label that leaves the figure or runs into another
    panel's labels is wrapped to its axes; tick labels are changed until no two overlap and none
    leaves the figure (see :class:`_TickFitter` for what each round tries)."""
    fitters: dict[int, _TickFitter] = {}
    for _ in range(rounds):
        wrapped = [_wrap_axis_label(fig, axis) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)]
        crowded = [
            (axis, boxes)
            for ax in fig.axes
            for axis in (ax.xaxis, ax.yaxis)
            if _crowded(fig, boxes := tick_label_boxes(axis))
        ]
        stepped = [
            fitters.setdefault(id(axis), _TickFitter(axis)).step(len(boxes))
            for axis, boxes in crowded
        ]
        if not any(wrapped) and not any(stepped):
            return
        fig.draw_without_rendering()


def _wrap_axis_label(fig: Figure, axis: Axis) -> bool:
    """Wrap an axis label to the length of its axes when it leaves the figure or overlaps the
    tick or axis labels of another panel (after a draw); True if it changed."""
    text = axis.label.get_text()
    if not (text and axis.get_visible() and axis.axes.get_visible()):
        return False
    box = axis.label.get_window_extent()
    others = [
        other_box
        for other in fig.axes
        if other is not axis.axes and other.get_visible()
        for other_axis in (other.xaxis, other.yaxis)
        for other_box in (
            *tick_label_boxes(other_axis),
            *([other_axis.label.get_window_extent()] if other_axis.label.get_text() else []),
        )
    ]
    if not (_outside(fig, box) or any(box.overlaps(other) for other in others)):
        return False
    room = axis.axes.get_window_extent()
    along, space = (box.width, room.width) if axis.axis_name == "x" else (box.height, room.height)
    if along <= space:
        return False
    wrapped = wrap_label(text.replace("\n", " "), max(8, int(_text_width(text) * space / along)))
    if wrapped == text:
        return False
    axis.label.set_text(wrapped)
    return True


def _legend(fig: Figure, handles: Sequence[Artist], top: float, ncols: int) -> Legend:
    return fig.legend(
        handles=list(handles),
        loc="upper left",
        bbox_to_anchor=(0.01, top),
        ncols=ncols,
        borderaxespad=0.0,
    )


def _extent(fig: Figure, artist: Artist) -> Bbox:
    """Where an artist is drawn, in figure coordinates (0–1)."""
    return artist.get_window_extent().transformed(fig.transFigure.inverted())


def source_line(fig: Figure) -> str:
    """The source-line text of a chart made by :func:`finish`."""
    return next(t.get_text() for t in fig.texts if t.get_gid() == SOURCE_GID)


def band(ax: Axes, x: np.ndarray, estimates: pd.DataFrame, colour: str, text: str) -> Artist:
    """The mean as a line and its confidence interval as a shaded band (columns ``mean``,
    ``ci_low``, ``ci_high``); returns the line, labelled ``text``, for the legend."""
    (line,) = ax.plot(x, estimates["mean"], color=colour, label=text)
    ax.fill_between(
        x, estimates["ci_low"], estimates["ci_high"], color=colour, alpha=BAND_ALPHA, linewidth=0
    )
    return line


def interval_steps(
    ax: Axes,
    starts: np.ndarray,
    width: float,
    values: ArrayLike,
    colour: str,
    text: str,
    linestyle: str = "-",
) -> Artist:
    """A level per interval (``values[i]`` from ``starts[i]`` for ``width`` minutes) as a step
    line, such as the agents on a roster; returns the line, labelled ``text``, for the legend."""
    values = np.asarray(values, dtype=float)
    (line,) = ax.step(
        np.append(starts, starts[-1] + width),
        np.append(values, values[-1]),
        where="post",
        color=colour,
        linewidth=2.5,
        linestyle=linestyle,
        label=text,
    )
    return line


def ci_band_handle(level: float, lang: Lang) -> Patch:
    """The legend entry explaining the shaded bands."""
    return Patch(color=REFERENCE, alpha=BAND_ALPHA, label=label("ci_band", lang, level=level))


def whiskers(mean: ArrayLike, ci_low: ArrayLike, ci_high: ArrayLike) -> np.ndarray:
    """Error-bar lengths (2 × n) below and above the mean; none where the interval is unknown,
    and never negative (an interval cut at zero can end above a negative mean)."""
    mean, low, high = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (mean, ci_low, ci_high))
    return np.clip(np.nan_to_num(np.vstack([mean - low, high - mean])), 0.0, None)


def points_with_whiskers(
    ax: Axes, rows: pd.DataFrame, x: str, y: str, colour: str, text: str, size: float
) -> Artist:
    """``rows``' (``x``, ``y``) as points with their CI whiskers (columns ``<kpi>.ci_low`` and
    ``<kpi>.ci_high``), labelled ``text`` for the legend."""
    return ax.errorbar(
        rows[x],
        rows[y],
        xerr=whiskers(rows[x], rows[f"{x}.ci_low"], rows[f"{x}.ci_high"]),
        yerr=whiskers(rows[y], rows[f"{y}.ci_low"], rows[f"{y}.ci_high"]),
        fmt="o",
        markersize=size,
        color=colour,
        elinewidth=1.6,
        label=text,
    )


def whisker_handle(level: float, lang: Lang) -> Line2D:
    """The legend entry explaining the whiskers."""
    return Line2D(
        [],
        [],
        color=REFERENCE,
        marker="|",
        markersize=20,
        markeredgewidth=2.5,
        linestyle="none",
        label=label("ci_whiskers", lang, level=level),
    )


def reference_line(
    ax: Axes, at: float, text: str, horizontal: bool = True, linestyle: str = "--"
) -> Artist:
    """A target, limit or threshold line across the axes, labelled ``text`` for the legend."""
    draw = ax.axhline if horizontal else ax.axvline
    return draw(at, color=REFERENCE, linestyle=linestyle, linewidth=2, label=text)


def unit_axis(ax: Axes, unit: str) -> None:
    """Tick labels for a KPI unit on the y axis: per cent for shares, thousands separators for
    counts and money, plain numbers (no offset) otherwise."""
    ax.yaxis.set_major_formatter(
        StrMethodFormatter("{x:,.0f}") if unit == "money" else kpi_formatter(unit)
    )


def kpi_formatter(unit: str, currency: str = "") -> Formatter:
    """Tick labels for a KPI unit: per cent for shares, thousands separators for counts, money
    as a person writes it (``£3.68M``, :func:`sim.measures.value.money_text`), plain numbers (no
    offset, no ``1e6``) otherwise."""
    if unit == "share":
        return PercentFormatter(1.0)
    if unit == "count":
        return StrMethodFormatter("{x:,.0f}")
    if unit == "money":
        return FuncFormatter(lambda value, _: money_text(value, currency, trim=True))
    return ScalarFormatter(useOffset=False)


def fit_tick_labels(fig: Figure, axes: Sequence[Axes], smallest: float = 10.0) -> None:
    """Make the tick labels of ``axes`` fit, once the chart is laid out: x labels that overlap
    one another or leave the figure are turned 30°, then 45°, and then any axis whose labels
    still do is given smaller labels, down to ``smallest`` points. The layout is redone after
    each step."""
    for ax in axes:
        for axis in (ax.xaxis, ax.yaxis):
            turns = [30, 45] if axis is ax.xaxis else []
            while crowded(fig, axis):
                if turns:
                    angle = turns.pop(0)
                    for text in axis.get_ticklabels():
                        text.set(
                            rotation=angle, horizontalalignment="right", rotation_mode="anchor"
                        )
                else:
                    size = visible_tick_labels(axis)[0].get_fontsize()
                    if size <= smallest:
                        break
                    axis.set_tick_params(labelsize=max(0.85 * size, smallest))
                fig.draw_without_rendering()


def visible_tick_labels(axis: Axis) -> list[Text]:
    """The tick labels drawn on an axis: with text, at a tick inside the view."""
    low, high = sorted(axis.get_view_interval())
    margin = 1e-9 * max(abs(low), abs(high), 1.0)
    along = 0 if axis.axis_name == "x" else 1
    return [
        text
        for text in axis.get_ticklabels()
        if text.get_visible()
        and text.get_text()
        and low - margin <= text.get_position()[along] <= high + margin
    ]


def crowded(fig: Figure, axis: Axis) -> bool:
    """Whether two tick labels of ``axis`` overlap, or one reaches outside the figure."""
    boxes = [text.get_window_extent() for text in visible_tick_labels(axis)]
    frame = fig.bbox
    outside = any(
        b.x0 < frame.x0 or b.y0 < frame.y0 or b.x1 > frame.x1 or b.y1 > frame.y1 for b in boxes
    )
    return outside or any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))


def percent_axis(ax: Axes, top: float | None = 1.0, bottom: float | None = 0.0) -> None:
    """Show a share axis in whole per cent, from ``bottom`` to ``top`` (None: where the data
    put it, e.g. to keep a drift of a few points in a rate near 80% visible)."""
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylim(bottom, top)


def time_of_day_axis(ax: Axes, lang: Lang) -> None:
    """Minutes after midnight shown as hh:mm, a tick every two hours."""
    ax.xaxis.set_major_locator(MultipleLocator(120))
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda m, _: f"{int(m) // 60 % 24:02d}:{int(m) % 60:02d}")
    )
    ax.set_xlabel(label("time_of_day", lang))


ZH_DATE_FORMATS = {
    "formats": ["%Y年", "%m月", "%d日", "%H:%M", "%H:%M", "%S.%f"],
    "zero_formats": ["", "%Y年", "%m月", "%m月%d日", "%H:%M", "%H:%M"],
    "offset_formats": [
        "",
        "%Y年",
        "%Y年%m月",
        "%Y年%m月%d日",
        "%Y年%m月%d日",
        "%Y年%m月%d日 %H:%M",
    ],
}


def date_axis(ax: Axes, lang: Lang) -> None:
    """Concise date ticks (month and year names in English, numbers in Chinese)."""
    locator = mdates.AutoDateLocator(maxticks=10)
    ax.xaxis.set_major_locator(locator)
    formats = ZH_DATE_FORMATS if lang == "zh" else {}
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, **formats))
    ax.set_xlabel(label("date", lang))


def dates(start: dt.date, days: np.ndarray) -> np.ndarray:
    """Day numbers from ``start`` as ``datetime64[D]`` for a date axis."""
    return np.datetime64(start, "D") + np.asarray(days).astype("timedelta64[D]")
