"""Tidy tables (pandas) the notebook templates show: KPI summaries, paired differences, and the
simulator's checks against Erlang C / Erlang A, conservation and Little's law."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from sim.experiments.compare import Comparison
from sim.experiments.erlang_check import StationaryDesk
from sim.experiments.replications import ScenarioResult
from sim.measures.metrics import kpi_info


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
    """Little's law on a 24/7 desk (e.g.
    :meth:`sim.experiments.erlang_check.StationaryDesk.scenario`), per
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
