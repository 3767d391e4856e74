"""Slide-ready charts and PowerPoint decks from run folders.

Read a run folder with :func:`read_run`, draw charts with the functions of
:mod:`sim.plotting.figures` (tables in, matplotlib Figure out; ``lang="zh"`` for Simplified
Chinese), write them with :func:`export` (PNG 1920 × 1080 and SVG), or build a whole deck with
:func:`build_deck` (``python -m sim slides RUN_DIR``).
"""

from sim.plotting.data import RunData, RunInfo, read_run
from sim.plotting.deck import build_deck, run_charts
from sim.plotting.export import export
from sim.plotting.figures import (
    complaint_funnel,
    customer_base,
    daily_service,
    intraday_service_level,
    intraday_staffing,
    kpi_comparison,
    response_curves,
)
from sim.plotting.style import house_style

__all__ = [
    "RunData",
    "RunInfo",
    "build_deck",
    "complaint_funnel",
    "customer_base",
    "daily_service",
    "export",
    "house_style",
    "intraday_service_level",
    "intraday_staffing",
    "kpi_comparison",
    "read_run",
    "response_curves",
    "run_charts",
]
