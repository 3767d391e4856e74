"""Helpers the notebook templates call: policy runs kept as run folders, tidy tables of paired
differences and validation checks, and the explorer's one-call run-and-draw.

The templates in ``notebooks/`` hold no function definitions; whatever they need beyond a plain
call into :mod:`sim` lives here. Nothing here draws except :func:`explore_run`, which hands its
tables to the figure functions of :mod:`sim.plotting`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.compare import Comparison, Difference, paired_differences
from sim.config import Scenario
from sim.erlang_check import StationaryDesk
from sim.experiment import ScenarioResult, run_scenario
from sim.loading import load_scenario
from sim.metrics import kpi_info
from sim.plotting.data import RunData, read_run
from sim.store import RunWriter


def run_policies(
    scenarios: Mapping[str, Scenario],
    baseline: str,
    replications: int,
    seed: int,
    out_dir: Path | str,
    workers: int = 1,
) -> tuple[Comparison, dict[str, RunData]]:
    """Run every scenario with the same seed (common random numbers), each into its own run
    folder ``out_dir/<name>/``, and compare each with ``baseline`` as :func:`sim.compare.compare`
    does; the run folders give the charts their interval and customer tables.
    """
    if baseline not in scenarios:
        raise ValueError(f"baseline {baseline!r} is not one of {sorted(scenarios)}")
    results: dict[str, ScenarioResult] = {}
    runs: dict[str, RunData] = {}
    for name, scenario in scenarios.items():
        folder = Path(out_dir) / name
        folder.mkdir(parents=True, exist_ok=True)
        writer = RunWriter(folder, contacts=False)
        result = run_scenario(
            scenario, replications, seed, workers=workers, on_replication=writer.replication
        )
        writer.finish(result, command=["notebook", "run_policies", name])
        results[name] = result
        runs[name] = read_run(folder)
    base = results[baseline]
    differences = {
        name: {
            kpi: Difference(kpi, base.summary[kpi], result.summary[kpi], d)
            for kpi, d in paired_differences(base.per_replication, result.per_replication).items()
        }
        for name, result in results.items()
        if name != baseline
    }
    return Comparison(baseline=baseline, results=results, differences=differences), runs


def differences_table(comparison: Comparison, kpis: Sequence[str]) -> pd.DataFrame:
    """One row per alternative and KPI: baseline and alternative means, the paired difference
    with its confidence interval, and the verdict."""
    rows = [
        {
            "alternative": alt,
            "kpi": kpi,
            "unit": kpi_info(kpi).unit,
            "baseline": d.baseline.mean,
            "alternative_mean": d.alternative.mean,
            "difference": d.difference.mean,
            "ci_low": d.difference.ci_low,
            "ci_high": d.difference.ci_high,
            "verdict": d.verdict,
        }
        for alt, diffs in comparison.differences.items()
        for kpi in kpis
        if (d := diffs.get(kpi)) is not None
    ]
    return pd.DataFrame(rows)


def summary_table(results: Mapping[str, ScenarioResult], kpis: Sequence[str]) -> pd.DataFrame:
    """Mean and confidence interval of ``kpis`` for each result (rows: result, KPI)."""
    return pd.DataFrame(
        [
            {"scenario": name, "kpi": kpi, **r.summary[kpi].as_dict()}
            for name, r in results.items()
            for kpi in kpis
            if kpi in r.summary
        ]
    )


def erlang_agreement(
    arrivals_per_h: Sequence[float],
    agents: int,
    aht_min: float,
    patience_min: float | None,
    sl_seconds: float,
    contacts: int,
    replications: int,
    seed: int,
    workers: int = 1,
) -> pd.DataFrame:
    """The stationary desk at several arrival rates, analytic (Erlang C without patience, Erlang
    A with it) against simulated: one row per load and measure, with ``inside`` telling whether
    the analytic value lies in the simulated confidence interval."""
    rows = []
    for rate in arrivals_per_h:
        desk = StationaryDesk(rate, agents, aht_min, patience_min, sl_seconds)
        analytic = desk.analytic()
        simulated = desk.simulated_measures(contacts, replications, seed, workers)
        for measure, value in analytic.items():
            e = simulated.estimates[measure]
            rows.append(
                {
                    "model": "Erlang C" if patience_min is None else "Erlang A",
                    "arrivals_per_h": rate,
                    "agents": agents,
                    "load_per_agent": rate * aht_min / 60.0 / agents,
                    "measure": measure,
                    "analytic": value,
                    "mean": e.mean,
                    "ci_low": e.ci_low,
                    "ci_high": e.ci_high,
                    "inside": bool(e.ci_low <= value <= e.ci_high),
                }
            )
    return pd.DataFrame(rows)


def conservation_table(result: ScenarioResult) -> pd.DataFrame:
    """Per replication: phone calls offered, answered, abandoned, disconnected and the remainder
    (still waiting at the horizon); ``holds`` when the remainder is a whole number ≥ 0."""
    df = pd.DataFrame(result.per_replication)[
        ["offered_phone", "answered_phone", "abandoned_phone", "disconnected_phone"]
    ]
    df["waiting_at_horizon"] = (
        df["offered_phone"]
        - df["answered_phone"]
        - df["abandoned_phone"]
        - df["disconnected_phone"]
    )
    df["holds"] = df["waiting_at_horizon"] >= 0
    df.index.name = "replication"
    return df


def littles_law_table(result: ScenarioResult) -> pd.DataFrame:
    """Little's law on a 24/7 desk (e.g. :meth:`sim.erlang_check.StationaryDesk.scenario`), per
    replication: the time-average phone queue ``L`` against arrival rate × mean wait ``λ·W``
    (every caller's wait: answered at ``asa_s``, abandoned at ``mean_time_to_abandon_s``)."""
    scenario = result.scenario
    window_min = scenario.calendar.horizon_days * 1440.0 - scenario.calendar.warmup_min
    rows = []
    for r, k in enumerate(result.per_replication):
        abandon_s = 0.0 if math.isnan(k["mean_time_to_abandon_s"]) else k["mean_time_to_abandon_s"]
        wait_total_min = (k["answered_phone"] * k["asa_s"] + k["abandoned_phone"] * abandon_s) / 60
        rate = k["offered_phone"] / window_min
        w = wait_total_min / k["offered_phone"]
        rows.append(
            {
                "replication": r,
                "lambda_per_min": rate,
                "W_min": w,
                "lambda_W": rate * w,
                "L_mean_queue": k["mean_queue_phone"],
                "relative_gap": (k["mean_queue_phone"] - rate * w) / (rate * w),
            }
        )
    return pd.DataFrame(rows).set_index("replication")


def explorer_overrides(
    scenario_path: str | Path,
    overrides: Mapping[str, Any],
    headcount_scale: float,
    volume_multiplier: float,
    recovery: str,
    complain_prob: float,
) -> dict[str, Any]:
    """The dotted overrides for the explorer's controls on top of ``overrides``: front-line
    headcount scale, every contact type's daily volume times ``volume_multiplier``, the
    recovery policy and the complaint probability."""
    base = load_scenario(scenario_path, dict(overrides))
    out: dict[str, Any] = {**overrides, "staffing.tier1.headcount_scale": headcount_scale}
    if volume_multiplier != 1.0:
        for name, contact_type in base.demand.contact_types.items():
            out[f"demand.contact_types.{name}.daily_volume"] = {
                day: volume * volume_multiplier
                for day, volume in contact_type.daily_volume.model_dump().items()
            }
    if base.customers is not None:
        out["recovery"] = {"kind": recovery}
        out["customers.complaints.complain_prob"] = complain_prob
    return out


def explore_run(
    scenario_path: str | Path,
    overrides: Mapping[str, Any],
    headcount_scale: float = 1.0,
    volume_multiplier: float = 1.0,
    recovery: str = "standard",
    complain_prob: float = 0.04,
    replications: int = 2,
    seed: int = 1,
    out_dir: Path | str | None = None,
) -> dict[str, Figure]:
    """One short run of the explorer's settings: the intraday service level, staffing and queue
    and (with a customer base) the complaint funnel, by chart name. With ``out_dir`` the run
    folder is written there (else to a temporary folder)."""
    import tempfile

    from sim.plotting.figures import complaint_funnel, intraday_service_level, intraday_staffing

    settings = explorer_overrides(
        scenario_path, overrides, headcount_scale, volume_multiplier, recovery, complain_prob
    )
    scenario = load_scenario(scenario_path, settings)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(out_dir) if out_dir is not None else Path(tmp)
        _, runs = run_policies({"explore": scenario}, "explore", replications, seed, folder)
        run = runs["explore"]
    info = run.info
    figures = {
        "explore_intraday_service_level": intraday_service_level(run.tables["intervals"], info),
        "explore_intraday_staffing": intraday_staffing(run.tables["intervals"], info),
    }
    if "funnel.dissatisfied" in set(np.asarray(run.tables["summary"]["kpi"])):
        figures["explore_complaint_funnel"] = complaint_funnel(run.tables["summary"], info)
    return figures


def explore_show(
    scenario_path: str,
    overrides: Mapping[str, Any],
    headcount_scale: float,
    volume_multiplier: float,
    recovery: str,
    complain_prob: float,
    replications: int,
    seed: int,
) -> None:
    """The explorer's Run button (``ipywidgets.interact_manual``): run and display the charts."""
    from IPython.display import display

    for fig in explore_run(
        scenario_path,
        overrides,
        headcount_scale,
        volume_multiplier,
        recovery,
        complain_prob,
        replications,
        seed,
    ).values():
        display(fig)
