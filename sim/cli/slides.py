"""``python -m sim slides``: a PowerPoint deck (16:9) from a run folder.

Writes the deck (title, key assumptions, one chart per slide with its takeaway and the numbers
behind it in the speaker notes, KPI table with confidence intervals; see
:mod:`sim.plotting.deck`), optionally on a corporate template's master and layouts, and beside
it every chart as PNG (1920 × 1080) and SVG. The deck is ``RUN_DIR/deck.pptx`` with its charts in
``RUN_DIR/charts/`` (``deck-zh.pptx`` and ``charts-zh/`` in Chinese), as ``make run`` writes them.
Exit status 0 on success, 2 (with a one-line message) when the folder is not a usable run folder,
the template cannot be used, or the deck cannot be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sim.cli.boundary import EXIT_BAD_INPUT


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``slides`` command on ``subparsers`` (from ``add_subparsers``)."""
    parser = subparsers.add_parser(
        "slides",
        help="build a PowerPoint deck (and PNG/SVG charts) from a run folder",
        description="Build a 16:9 PowerPoint deck from a run folder: title slide, the "
        "scenario's key assumptions, one chart per slide headed by a takeaway computed from the "
        "numbers (the numbers behind it in the speaker notes), and the headline KPIs with "
        "confidence intervals. The charts are also written as PNG (1920 x 1080) and SVG beside "
        "the deck.",
    )
    parser.add_argument(
        "run_dir", type=Path, metavar="RUN_DIR", help="run folder (python -m sim run output)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="deck to write (default: RUN_DIR/deck.pptx, RUN_DIR/deck-LANG.pptx in another "
        "language)",
    )
    parser.add_argument(
        "--lang",
        default="en",
        help="language of every word on slides and charts: en, or zh for Simplified Chinese "
        "(default: en)",
    )
    parser.add_argument(
        "--charts",
        type=Path,
        metavar="DIR",
        help="folder for the PNG and SVG charts (default: RUN_DIR/charts/, charts-LANG/ in "
        "another language; DECK-charts/ beside a deck given with --out)",
    )
    parser.add_argument(
        "--template",
        type=Path,
        metavar="PPTX",
        help="a PowerPoint file (.pptx) whose slide master, layouts and theme the deck uses "
        "(layouts chosen by name, 'Title Slide' and 'Title Only', else by their placeholders; "
        "its own slides are left out); default: the built-in 16:9 design",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit status."""
    from sim.plotting.data import RunFolderError
    from sim.plotting.deck import build_deck, default_charts_dir
    from sim.plotting.labels import LANGS
    from sim.plotting.template import TemplateError

    if args.lang not in LANGS:
        print(
            f"python -m sim slides: --lang {args.lang!r}: use one of {', '.join(LANGS)}",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    try:
        out = build_deck(args.run_dir, args.out, args.lang, args.charts, args.template)
    except (FileNotFoundError, RunFolderError, TemplateError) as err:
        print(f"python -m sim slides: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    charts = args.charts or default_charts_dir(out, args.lang)
    print(f"wrote {out}\nwrote charts to {charts}/")
    return 0
