"""Writing charts for slides: a 1920 × 1080 PNG and an SVG of every figure."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib as mpl
from matplotlib.figure import Figure

from sim.experiments.store import atomic_write_bytes
from sim.plotting.style import SLIDE_DPI, SLIDE_SIZE_IN


def export_all(figures: dict[str, Figure], out_dir: Path) -> list[Path]:
    """:func:`export` every figure of a ``name → figure`` mapping; return the paths."""
    return [path for name, fig in figures.items() for path in export(fig, name, out_dir)]


def export(fig: Figure, name: str, out_dir: Path) -> tuple[Path, Path]:
    """Write ``out_dir/name.png`` (1920 × 1080 px) and ``out_dir/name.svg``; return both paths.

    The figure is set to the slide size (13.33 × 7.5 in) first. Each file is written atomically;
    the SVG carries no date, so the same chart gives the same file.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    fig.set_size_inches(SLIDE_SIZE_IN)
    paths = (out_dir / f"{name}.png", out_dir / f"{name}.svg")
    options = ({"dpi": SLIDE_DPI}, {"metadata": {"Date": None}})
    with mpl.rc_context({"savefig.bbox": "standard"}):
        for path, extra in zip(paths, options, strict=True):
            buffer = io.BytesIO()
            fig.savefig(buffer, format=path.suffix[1:], **extra)
            atomic_write_bytes(path, buffer.getvalue())
    return paths
