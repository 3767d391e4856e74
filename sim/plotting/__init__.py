"""Slide-ready charts and PowerPoint decks from run folders, comparisons, sweeps and contact logs.

Owns every figure and deck; runs no simulation. May import :mod:`sim.scenario`, :mod:`sim.model`
(for the satisfaction curves it draws), :mod:`sim.measures`, :mod:`sim.experiments` and
:mod:`sim.logs`; nothing below imports it.

Read a run folder with :func:`read_run` (a sweep folder with :func:`read_sweep`), draw charts
(tables or results in, matplotlib Figure out; ``lang="zh"`` for Simplified Chinese), write them
with :func:`export` (PNG 1920 × 1080 and SVG), or build a whole deck with :func:`build_deck`
(``python -m sim slides RUN_DIR``; on the built-in 16:9 design or a corporate template's layouts,
:mod:`sim.plotting.template`). The charts of one run are in :mod:`sim.plotting.figures`, of
policies compared in :mod:`sim.plotting.comparisons`, of a desk with agent groups (service level
by contact type, who served whom) in :mod:`sim.plotting.groups`, of a sweep in
:mod:`sim.plotting.sweeps`, of a sensitivity study in :mod:`sim.plotting.sensitivity`, of the
simulator's checks against theory in :mod:`sim.plotting.checks`, of a calibration, a forecast
and a validation against a contact log in :mod:`sim.plotting.validation`, and of the people at
the desk (work pressure and quality, staff over time, the erosion trap of a temporary cut) in
:mod:`sim.plotting.workforce`, and of a retention-aware staffing search (cost against customers
lost, the selected and the service-level choice) in :mod:`sim.plotting.optimise`, and of a
scheduled week (coverage against requirement, the shifts as a heatmap, the service level per
interval) in
:mod:`sim.plotting.rosters`.
"""

from sim.plotting.checks import (
    erlang_agreement_chart,
    multi_skill_agreement_chart,
    validation_checks_chart,
)
from sim.plotting.comparisons import (
    cost_service_frontier,
    defections_by_reason,
    intraday_roster_by_policy,
    intraday_service_level_by_policy,
    kpi_by_policy,
    paired_differences_chart,
    result_info,
    retention_curve,
)
from sim.plotting.data import RunData, RunInfo, read_run
from sim.plotting.deck import build_deck, run_charts
from sim.plotting.export import export, export_all
from sim.plotting.figures import (
    complaint_funnel,
    customer_base,
    daily_service,
    intraday_service_level,
    intraday_staffing,
    kpi_comparison,
    response_curves,
)
from sim.plotting.groups import service_level_by_type, who_served_whom
from sim.plotting.optimise import read_search, search_frontier
from sim.plotting.rosters import coverage_chart, interval_service_chart, roster_heatmap
from sim.plotting.sensitivity import (
    SensitivityData,
    morris_chart,
    policy_wins_chart,
    read_sensitivity,
    sobol_chart,
)
from sim.plotting.style import house_style
from sim.plotting.sweeps import (
    SweepData,
    SweepNotFoundError,
    pareto_frontier,
    read_sweep,
    sweep_heatmap,
    sweep_wide,
)
from sim.plotting.validation import (
    calibration_figures,
    forecast_chart,
    modes_chart,
    validation_figures,
)
from sim.plotting.workforce import erosion_trap, pressure_and_quality, staff_over_time

__all__ = [
    "RunData",
    "RunInfo",
    "SensitivityData",
    "SweepData",
    "SweepNotFoundError",
    "build_deck",
    "calibration_figures",
    "complaint_funnel",
    "cost_service_frontier",
    "coverage_chart",
    "customer_base",
    "daily_service",
    "defections_by_reason",
    "erlang_agreement_chart",
    "erosion_trap",
    "export",
    "export_all",
    "forecast_chart",
    "house_style",
    "interval_service_chart",
    "intraday_roster_by_policy",
    "intraday_service_level",
    "intraday_service_level_by_policy",
    "intraday_staffing",
    "kpi_by_policy",
    "kpi_comparison",
    "modes_chart",
    "morris_chart",
    "multi_skill_agreement_chart",
    "paired_differences_chart",
    "pareto_frontier",
    "policy_wins_chart",
    "pressure_and_quality",
    "read_run",
    "read_search",
    "read_sensitivity",
    "read_sweep",
    "response_curves",
    "result_info",
    "retention_curve",
    "roster_heatmap",
    "run_charts",
    "search_frontier",
    "service_level_by_type",
    "sobol_chart",
    "staff_over_time",
    "sweep_heatmap",
    "sweep_wide",
    "validation_checks_chart",
    "validation_figures",
    "who_served_whom",
]
