"""Service-desk workbench: a SimPy model that follows the queue to the customer base and to money.

``import sim`` gives what a notebook or a script needs; the packages behind it may be rearranged
without breaking these names::

    import sim

    scenario = sim.load_scenario("params/baseline.yaml", {"calendar.horizon_days": 28})
    result = sim.run_scenario(scenario, replications=5)
    print(sim.kpi_table(result))
    sim.plotting.complaint_funnel(...)       # charts: see sim.plotting

Names are imported on first use, so ``import sim`` itself is instant (the command line,
``python -m sim``, imports only what the chosen command needs).

The package, lowest layer first (a layer imports only from the layers below it; see
``docs/architecture.md``):

* :mod:`sim.scenario` and :mod:`sim.queueing`: what a desk is (validated scenario files) and the
  analytic queueing formulas;
* :mod:`sim.model`: one replication of the desk and its customer base in SimPy;
* :mod:`sim.measures`: KPIs, per-interval tables, customer and money measures of a replication;
* :mod:`sim.experiments` (replications, comparisons, sweeps, sensitivity studies, calibration
  by simulation, run folders) and :mod:`sim.logs`
  (real contact logs: reading, calibration, forecasting, validation);
* :mod:`sim.plotting`: charts and slide decks;
* :mod:`sim.cli` and :mod:`sim.notebook`: the command line and what the notebook templates
call.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

_PUBLIC = {
    # scenarios
    "Scenario": "sim.scenario.scenario",
    "ScenarioError": "sim.scenario.errors",
    "load_scenario": "sim.scenario.loading",
    # running and comparing
    "run_scenario": "sim.experiments.replications",
    "ScenarioResult": "sim.experiments.replications",
    "compare": "sim.experiments.compare",
    "compare_until_resolved": "sim.experiments.compare",
    "resolution_report": "sim.experiments.report",
    "Comparison": "sim.experiments.compare",
    "run_sweep": "sim.experiments.sweep",
    "RunOptions": "sim.experiments.sweep",
    "load_sensitivity": "sim.experiments.sensitivity_spec",
    "run_sensitivity": "sim.experiments.sensitivity",
    "load_fit": "sim.experiments.fit",
    "fit": "sim.experiments.fit",
    "write_fit": "sim.experiments.fit",
    "StationaryDesk": "sim.experiments.erlang_check",
    "staff_for_targets": "sim.experiments.erlang_check",
    "multi_skill_agreement": "sim.experiments.multi_skill_check",
    "channel_agreement": "sim.experiments.channel_check",
    "RunWriter": "sim.experiments.store",
    "kpi_table": "sim.experiments.report",
    "comparison_table": "sim.experiments.report",
    "scorecard_table": "sim.experiments.report",
    "optimise_table": "sim.experiments.report",
    "run_template": "sim.experiments.templates",
    # shift schedules and retention-aware staffing
    "roster_problem": "sim.experiments.roster_schedule",
    "run_optimisation": "sim.experiments.optimise_store",
    # real contact logs
    "read_logs": "sim.logs.contact_log",
    "calibrate": "sim.logs.calibrate",
    "validate": "sim.logs.validation",
    "modes_table": "sim.logs.validation",
    "load_holidays": "sim.logs.holidays",
    "forecast_arrivals": "sim.logs.forecast",
    "log_counts": "sim.logs.forecast",
    "evaluate_forecast": "sim.logs.forecast_eval",
    # what the notebook templates call
    "run_policies": "sim.notebook.policies",
    "summary_table": "sim.notebook.tables",
    "differences_table": "sim.notebook.tables",
    "erlang_agreement": "sim.notebook.tables",
    "conservation_table": "sim.notebook.tables",
    "littles_law_table": "sim.notebook.tables",
    "explore_run": "sim.notebook.explorer",
    "explore_show": "sim.notebook.explorer",
    "erlang_staffing": "sim.notebook.explorer",
    "erlang_show": "sim.notebook.explorer",
}
"""Public name → the module that defines it."""

_SUBPACKAGES = ("plotting", "queueing")
"""Namespaces reached as ``sim.plotting.<chart>`` and ``sim.queueing.<formula>``."""

__all__ = [
    "Comparison",
    "RunOptions",
    "RunWriter",
    "Scenario",
    "ScenarioError",
    "ScenarioResult",
    "StationaryDesk",
    "calibrate",
    "channel_agreement",
    "compare",
    "compare_until_resolved",
    "comparison_table",
    "conservation_table",
    "differences_table",
    "erlang_agreement",
    "erlang_show",
    "erlang_staffing",
    "evaluate_forecast",
    "explore_run",
    "explore_show",
    "fit",
    "forecast_arrivals",
    "kpi_table",
    "littles_law_table",
    "load_fit",
    "load_holidays",
    "load_scenario",
    "load_sensitivity",
    "log_counts",
    "modes_table",
    "multi_skill_agreement",
    "optimise_table",
    "plotting",
    "queueing",
    "read_logs",
    "resolution_report",
    "roster_problem",
    "run_optimisation",
    "run_policies",
    "run_scenario",
    "run_sensitivity",
    "run_sweep",
    "run_template",
    "scorecard_table",
    "staff_for_targets",
    "summary_table",
    "validate",
    "write_fit",
]


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
    elif name in _SUBPACKAGES:
        value = importlib.import_module(f"sim.{name}")
    else:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # what editors and type checkers see
    from sim import plotting, queueing
    from sim.experiments.channel_check import channel_agreement
    from sim.experiments.compare import Comparison, compare, compare_until_resolved
    from sim.experiments.erlang_check import StationaryDesk, staff_for_targets
    from sim.experiments.fit import fit, load_fit, write_fit
    from sim.experiments.multi_skill_check import multi_skill_agreement
    from sim.experiments.optimise_store import run_optimisation
    from sim.experiments.replications import ScenarioResult, run_scenario
    from sim.experiments.report import (
        comparison_table,
        kpi_table,
        optimise_table,
        resolution_report,
        scorecard_table,
    )
    from sim.experiments.roster_schedule import roster_problem
    from sim.experiments.sensitivity import run_sensitivity
    from sim.experiments.sensitivity_spec import load_sensitivity
    from sim.experiments.store import RunWriter
    from sim.experiments.sweep import RunOptions, run_sweep
    from sim.experiments.templates import run_template
    from sim.logs.calibrate import calibrate
    from sim.logs.contact_log import read_logs
    from sim.logs.forecast import forecast_arrivals, log_counts
    from sim.logs.forecast_eval import evaluate_forecast
    from sim.logs.holidays import load_holidays
    from sim.logs.validation import modes_table, validate
    from sim.notebook.explorer import erlang_show, erlang_staffing, explore_run, explore_show
    from sim.notebook.policies import run_policies
    from sim.notebook.tables import (
        conservation_table,
        differences_table,
        erlang_agreement,
        littles_law_table,
        summary_table,
    )
    from sim.scenario.errors import ScenarioError
    from sim.scenario.loading import load_scenario
    from sim.scenario.scenario import Scenario
