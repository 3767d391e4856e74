"""Validation: re-simulate a logged period and compare the simulated desk with the real one.

The question a planner asks of a calibrated model is "does it reproduce *my* desk?". Here the
period a contact log covers is simulated again and the service the callers got is compared, per
hour of the day and overall, with what they got in reality. Method and results on the Anonymous
Bank data: ``docs/validation.md``.

**Three modes** (:mod:`sim.logs.plan`), which differ in the inputs only. ``trace`` takes what the
log being validated against says happened: the calls per planning interval of every day and
contact type, the agents on duty per interval of every day (the calibration's staffing rule,
:mod:`sim.logs.agent_activity`, which reads when that log's callers were waiting) and the opening
hours (the calibration's rule, applied to this log): it checks the desk model given what
happened, and predicts nothing. ``planned-staffing`` keeps the observed calls but takes the
agents and opening hours from the calibrated scenario (the calibration months' plan).
``forecast`` takes the calls forecast from the months before the period and the planned
staffing: nothing from the validated period. **From the calibrated scenario**, in every mode:
everything the model has to get right: handle times, patience, wrap-up, the queue discipline,
the service-level definition.

**Re-simulation.** The scenario model has one arrival profile and one roster per weekday, so the
period is cut into calendar weeks and each week becomes one scenario in which every weekday
carries *that day's* calls (observed or forecast) as its profile (one per contact type), their
total as its daily volume, and that day's agents as its roster; the day-to-day volume factor is
off for observed volumes and the forecast's overdispersion for forecast ones, and days without
calls are holidays. Each week scenario is an ordinary scenario (``python -m sim run`` would accept
it). Since the desk closes every night (callers still waiting are cut off) no queue carries over
from one day to the next, so cutting the period into weeks changes nothing. Within an interval
arrivals are Poisson with the interval's calls (observed, or the forecast's mean) as mean.

**Which calls** (observed and simulated alike): calls that reached the queue or an agent, arriving
within the opening hours, as in the calibration. A simulated caller still waiting at closing time
is cut off and counts as abandoned (the log has no such outcome).

**Measures**, each a ratio of totals over the calls of the hour (or the period):

* ``abandon_rate``: callers who hung up / calls;
* ``mean_wait_served_s``: mean wait of answered calls (ASA, answered at once counting 0 s);
* ``mean_wait_abandoned_s``: mean wait of callers who hung up (time to abandon);
* ``p_no_wait``: answered without waiting / calls (the log marks them: no queue times);
* ``service_level``: the scenario's definition (``ServiceLevel.describe``; by default answered
  within 20 s / all calls, abandons counting as misses).

Simulated values are means over replications with a Student-t 95% interval; observed values carry
a 95% interval from a bootstrap over days (the period's days as a sample of days).

**Erlang A baseline.** For every interval with calls, the M/M/n+M queue (:func:`sim.queueing.
erlang_a_kpis`) with the interval's arrival rate and agents as the mode gives them, the mean handle
time (talk and wrap-up, weighted by the interval's mix of types) and the exponential patience
fitted at calibration, all types pooled; its steady-state measures are aggregated to hours and to
the period weighting each interval by its calls.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.logs.contact_log import CleanLog
from sim.logs.duty_rule import IDLE_MAX_MIN, SLACK_MIN
from sim.logs.erlang_baseline import erlang_a_baseline, erlang_patience_s
from sim.logs.forecast import Forecast
from sim.logs.holidays import HolidayCalendar, load_holidays
from sim.logs.log_schema import LogError
from sim.logs.modes import MODES
from sim.logs.observed import BOOTSTRAP, HOURS, MEASURES, OFFERED, Period, measures, observe
from sim.logs.plan import DeskInputs, forecast_inputs, planned_inputs, trace_inputs
from sim.logs.resimulate import resimulate
from sim.measures.estimates import CI_LEVEL, estimate
from sim.scenario.scenario import Scenario

SOURCES = ("observed", "simulated", "erlang_a")


TARGET_ABANDON_PP = 0.02


TARGET_WAIT_REL = 0.15


TARGET_HOUR_CORR = 0.8
"""Targets on held-out months: overall abandonment within 2 percentage points of observed, mean
wait of answered calls within 15%, hour-of-day correlation of abandonment at least 0.8."""


TARGET_ABANDON_PP_FORECAST = 0.03
"""In forecast mode (a prediction, with the arrivals' forecast error on top of the model's),
the abandonment target is within 3 percentage points."""


@dataclass(frozen=True)
class Validation:
    """Observed, simulated and Erlang A totals for one period, and their comparison.

    Attributes:
        period: The observed period.
        scenario_name: The calibrated scenario's name.
        simulated: Totals per replication, day and hour.
        erlang_a: Erlang A expected totals per day and hour.
        replications: Replications simulated.
        seed: Master seed.
        service_level: The service-level definition, in words.
        erlang_patience_s: The mean exponential patience Erlang A used (call-weighted).
        inputs: What the re-simulation took, in its mode (:mod:`sim.logs.plan`).
    """

    period: Period
    scenario_name: str
    simulated: np.ndarray
    erlang_a: np.ndarray
    replications: int
    seed: int
    service_level: str
    erlang_patience_s: float
    inputs: DeskInputs

    @property
    def mode(self) -> str:
        """The validation mode: ``trace``, ``planned-staffing`` or ``forecast``."""
        return self.inputs.mode

    @property
    def mode_label(self) -> str:
        """``<mode> mode (<what it takes>)``, for titles."""
        return f"{self.mode} mode ({MODES[self.mode]})"

    @property
    def calls_simulated(self) -> float:
        """Mean calls simulated per replication."""
        return float(self.simulated[..., OFFERED].sum(axis=(1, 2)).mean())

    @property
    def hours(self) -> list[int]:
        """Hours of the day with observed calls."""
        calls = self.period.observed[..., OFFERED].sum(axis=0)
        return [h for h in range(HOURS) if calls[h] > 0]

    @property
    def source_line(self) -> str:
        """The charts' source line."""
        return (
            f"{self.period.credit}; {self.period.label}; {self.mode} mode; "
            f"{self.replications} replications; {CI_LEVEL:.0%} CI"
        )

    def _observed(self, by_hour: bool) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Observed measure → (value, CI low, CI high), overall (shape ()) or by hour (24)."""
        obs = self.period.observed
        with_calls = obs[..., OFFERED].sum(axis=1) > 0
        days = obs[with_calls]
        rng = np.random.default_rng(self.seed)
        weights = rng.multinomial(len(days), np.full(len(days), 1.0 / len(days)), BOOTSTRAP)
        boot = np.einsum("bd,dhk->bhk", weights.astype(float), days)
        point = obs.sum(axis=0)
        if not by_hour:
            boot, point = boot.sum(axis=1), point.sum(axis=0)
        values, resampled = measures(point), measures(boot)
        alpha = (1.0 - CI_LEVEL) / 2.0
        out = {}
        for m in MEASURES:
            with warnings.catch_warnings():  # an hour without abandonments has no mean wait
                warnings.simplefilter("ignore", RuntimeWarning)
                lo, hi = np.nanquantile(resampled[m], [alpha, 1.0 - alpha], axis=0)
            out[m] = (values[m], lo, hi)
        return out

    def _simulated(self, by_hour: bool) -> dict[str, list[tuple[float, float, float]]]:
        """Simulated measure → per hour (or one) (mean, CI low, CI high) across replications."""
        per_rep = self.simulated.sum(axis=1)  # (reps, 24, k)
        if not by_hour:
            per_rep = per_rep.sum(axis=1)[:, None, :]
        values = measures(per_rep)
        out: dict[str, list[tuple[float, float, float]]] = {}
        for m, (_, unit) in MEASURES.items():
            upper = 1.0 if unit == "share" else math.inf
            rows = []
            for h in range(values[m].shape[1]):
                e = estimate(values[m][:, h], upper=upper)
                rows.append((e.mean, e.ci_low, e.ci_high))
            out[m] = rows
        return out

    def estimates(self) -> pd.DataFrame:
        """Every number compared, one row per scope (``overall`` or an hour), measure and source:
        columns ``scope``, ``hour`` (-1 overall), ``measure``, ``source``, ``mean``, ``ci_low``,
        ``ci_high``, ``calls`` (observed calls in the scope)."""
        return self._estimates.copy()

    @cached_property
    def _estimates(self) -> pd.DataFrame:
        rows = []
        calls_by_hour = self.period.observed[..., OFFERED].sum(axis=0)
        ea_hour = measures(self.erlang_a.sum(axis=0))
        ea_all = measures(self.erlang_a.sum(axis=(0, 1)))
        for by_hour in (False, True):
            obs, sim = self._observed(by_hour), self._simulated(by_hour)
            hours = self.hours if by_hour else [-1]
            for h in hours:
                calls = float(calls_by_hour[h] if h >= 0 else calls_by_hour.sum())
                scope = "hour" if h >= 0 else "overall"
                for m in MEASURES:
                    o = obs[m]
                    ov = [float(np.asarray(x)[h] if h >= 0 else x) for x in o]
                    s = sim[m][h if h >= 0 else 0]
                    ea = float(ea_hour[m][h] if h >= 0 else ea_all[m])
                    for source, (mean, lo, hi) in (
                        ("observed", ov),
                        ("simulated", s),
                        ("erlang_a", (ea, math.nan, math.nan)),
                    ):
                        rows.append((scope, h, m, source, mean, lo, hi, calls))
        frame = pd.DataFrame(
            rows,
            columns=["scope", "hour", "measure", "source", "mean", "ci_low", "ci_high", "calls"],
        )
        frame.insert(0, "mode", self.mode)
        return frame

    def to_json(self) -> dict[str, Any]:
        """``{"overall": {...}, "by_hour": [{"hour": h, ...}], ...}``: ``observed`` and
        ``simulated`` hold each measure as ``{"mean", "ci_low", "ci_high"}``, ``erlang_a`` each
        measure as a number; NaN becomes None."""
        est = self.estimates()

        def clean(x: float) -> float | None:
            return None if x is None or not math.isfinite(x) else float(x)

        def block(frame: pd.DataFrame) -> dict[str, Any]:
            out: dict[str, Any] = {"calls": int(frame["calls"].iloc[0])}
            for source in SOURCES:
                part = frame[frame["source"] == source].set_index("measure")
                if source == "erlang_a":
                    out[source] = {m: clean(part.at[m, "mean"]) for m in MEASURES}
                else:
                    out[source] = {
                        m: {k: clean(part.at[m, k]) for k in ("mean", "ci_low", "ci_high")}
                        for m in MEASURES
                    }
            return out

        overall = est[est["scope"] == "overall"]
        hourly = est[est["scope"] == "hour"]
        return {
            "mode": self.mode,
            "mode_description": MODES[self.mode],
            "inputs": {
                "source": self.inputs.source,
                "calls_simulated_mean": self.calls_simulated,
                "observed_calls_outside_plan_hours": self.inputs.outside_plan,
                "day_volume_cv": self.inputs.day_volume_cv,
            },
            "period": {
                "first": str(self.period.dates[0]),
                "last": str(self.period.dates[-1]),
                "files": list(self.period.files),
                "calls": self.period.calls,
                "left_out": self.period.left_out,
            },
            "scenario": self.scenario_name,
            "replications": self.replications,
            "seed": self.seed,
            "slack_min": self.period.slack_min,
            "idle_max_min": self.period.idle_max_min,
            "service_level_definition": self.service_level,
            "erlang_a_patience_s": self.erlang_patience_s,
            "overall": block(overall),
            "by_hour": [{"hour": int(h)} | block(hourly[hourly["hour"] == h]) for h in self.hours],
            "targets": self.targets(),
        }

    def targets(self) -> dict[str, Any]:
        """The held-out targets and the closeness to Erlang A, with the numbers they judge."""
        est = self.estimates()
        overall = est[est["scope"] == "overall"].set_index(["measure", "source"])["mean"]
        hourly = est[est["scope"] == "hour"]

        def by_hour(measure: str, source: str) -> np.ndarray:
            part = hourly[(hourly["measure"] == measure) & (hourly["source"] == source)]
            return part["mean"].to_numpy()

        obs_ab, sim_ab = overall["abandon_rate", "observed"], overall["abandon_rate", "simulated"]
        obs_w = overall["mean_wait_served_s", "observed"]
        sim_w = overall["mean_wait_served_s", "simulated"]
        corr = _correlation(
            by_hour("abandon_rate", "observed"), by_hour("abandon_rate", "simulated")
        )
        calls = hourly[(hourly["measure"] == "abandon_rate") & (hourly["source"] == "observed")][
            "calls"
        ].to_numpy()
        closer: dict[str, Any] = {}
        for m in MEASURES:
            o = overall[m, "observed"]
            err_sim, err_ea = abs(overall[m, "simulated"] - o), abs(overall[m, "erlang_a"] - o)
            ob = by_hour(m, "observed")
            mae_sim = _weighted_mae(by_hour(m, "simulated"), ob, calls)
            mae_ea = _weighted_mae(by_hour(m, "erlang_a"), ob, calls)
            closer[m] = {
                "overall_error_simulated": err_sim,
                "overall_error_erlang_a": err_ea,
                "hourly_mae_simulated": mae_sim,
                "hourly_mae_erlang_a": mae_ea,
                "simulation_at_least_as_close": bool(err_sim <= err_ea and mae_sim <= mae_ea),
            }
        target = TARGET_ABANDON_PP_FORECAST if self.mode == "forecast" else TARGET_ABANDON_PP
        return {
            "mode": self.mode,
            "abandon_rate_diff_pp": 100.0 * (sim_ab - obs_ab),
            "abandon_rate_within_2pp": bool(abs(sim_ab - obs_ab) <= TARGET_ABANDON_PP),
            "abandon_rate_target_pp": 100.0 * target,
            "abandon_rate_within_target": bool(abs(sim_ab - obs_ab) <= target),
            "mean_wait_served_rel_diff": sim_w / obs_w - 1.0,
            "mean_wait_served_within_15pct": bool(abs(sim_w / obs_w - 1.0) <= TARGET_WAIT_REL),
            "mean_wait_abandoned_rel_diff": overall["mean_wait_abandoned_s", "simulated"]
            / overall["mean_wait_abandoned_s", "observed"]
            - 1.0,
            "hour_correlation_abandon_rate": corr,
            "hour_correlation_at_least_0.8": bool(corr >= TARGET_HOUR_CORR),
            "versus_erlang_a": closer,
        }

    def table(self) -> str:
        """The comparison as text: overall, then by hour of the day."""
        est = self.estimates()
        t = self.targets()
        p = self.period
        lines = [
            f"Validation, {self.mode_label}",
            f"Scenario '{self.scenario_name}' on {p.label} "
            f"({', '.join(Path(f).name for f in p.files)}): {p.calls:,} calls "
            f"("
            + ", ".join(f"{n:,} {why}" for why, n in p.left_out.items())
            + f" left out); {self.replications} replications; Erlang A patience "
            f"{self.erlang_patience_s:.0f} s (exponential, mean over calls)",
            f"Inputs: {self.inputs.source}; {self.calls_simulated:,.0f} calls simulated on "
            "average"
            + (
                f"; {self.inputs.outside_plan:,} observed calls outside the plan's opening hours "
                "not simulated"
                if self.inputs.outside_plan
                else ""
            ),
            f"Service level: {self.service_level}. Observed 95% CI: bootstrap over days; "
            "simulated: across replications.",
            "",
            f"{'overall':<30} {'observed (95% CI)':>24} {'simulated (95% CI)':>24} "
            f"{'Erlang A':>9}   sim - obs   EA - obs",
        ]
        overall = est[est["scope"] == "overall"].set_index(["measure", "source"])
        for m, (label, unit) in MEASURES.items():
            o, s, e = (overall.loc[(m, src)] for src in SOURCES)
            lines.append(
                f"{label:<30} {_fmt_ci(o, unit):>24} {_fmt_ci(s, unit):>24} "
                f"{_fmt(e['mean'], unit):>9}   {_fmt_diff(s['mean'] - o['mean'], unit):>9}  "
                f"{_fmt_diff(e['mean'] - o['mean'], unit):>9}"
            )
        lines += [
            "",
            "by hour of arrival: observed / simulated / Erlang A",
            f"{'hour':<6}{'calls':>7}  " + "  ".join(f"{short_label(m):>20}" for m in MEASURES),
        ]
        hourly = est[est["scope"] == "hour"].set_index(["hour", "measure", "source"])
        for h in self.hours:
            cells = []
            for m, (_, unit) in MEASURES.items():
                vals = [hourly.loc[(h, m, src), "mean"] for src in SOURCES]
                cells.append("/".join(_fmt(v, unit, compact=True) for v in vals))
            calls = int(hourly.loc[(h, "abandon_rate", "observed"), "calls"])
            lines.append(f"{h:02d}:00 {calls:>7,}  " + "  ".join(f"{c:>20}" for c in cells))
        lines += [
            "",
            f"targets ({self.mode} mode): abandonment within ±{t['abandon_rate_target_pp']:.0f} "
            f"pp: {t['abandon_rate_diff_pp']:+.1f} pp ({_ok(t['abandon_rate_within_target'])}); "
            f"mean wait of answered calls within ±15%: {t['mean_wait_served_rel_diff']:+.0%} "
            f"({_ok(t['mean_wait_served_within_15pct'])}); hour-of-day correlation of "
            f"abandonment ≥ 0.8: {t['hour_correlation_abandon_rate']:.2f} "
            f"({_ok(t['hour_correlation_at_least_0.8'])})",
            "simulation at least as close as Erlang A (overall error and call-weighted hourly "
            "error): "
            + ", ".join(
                f"{short_label(m)} {_ok(c['simulation_at_least_as_close'], 'yes', 'NO')}"
                for m, c in t["versus_erlang_a"].items()
            ),
        ]
        return "\n".join(lines)

    def write(self, out_dir: Path) -> list[Path]:
        """Write the numbers (``validation.parquet``, ``.csv``, ``.json``, each with the mode) and
        the per-interval inputs (``intervals.parquet``) into ``out_dir``; returns the files. The
        charts are :func:`sim.plotting.validation.validation_figures`."""
        import json

        out_dir.mkdir(parents=True, exist_ok=True)
        est = self.estimates()
        files = [out_dir / "validation.parquet", out_dir / "validation.csv"]
        est.to_parquet(files[0], index=False)
        est.to_csv(files[1], index=False)
        files.append(out_dir / "validation.json")
        files[-1].write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")
        files.append(out_dir / "intervals.parquet")
        self.intervals().to_parquet(files[-1], index=False)
        return files

    def intervals(self) -> pd.DataFrame:
        """The re-simulation's inputs per day and interval: observed calls (per type), the calls
        simulated (observed, or the forecast's mean), inferred agents (time-averaged) and the
        agents simulated (inferred, or planned), with the mode."""
        p, inputs = self.period, self.inputs
        roster = inputs.roster if inputs.roster is not None else np.zeros(p.agents.shape)
        simulated = inputs.arrivals.sum(axis=1)
        days, slots = np.nonzero(p.arrivals.sum(axis=1) + simulated + roster)
        frame = pd.DataFrame(
            {
                "mode": self.mode,
                "date": [p.dates[d] for d in days],
                "planned_as": [inputs.planned_as[d] for d in days],
                "interval_start_h": slots * p.interval_min / 60.0,
                "calls": p.arrivals.sum(axis=1)[days, slots],
                "calls_simulated_mean": simulated[days, slots],
                "agents_inferred": p.agents[days, slots],
                "agents_simulated": roster[days, slots],
            }
        )
        for k, t in enumerate(p.type_names):
            frame[f"calls.{t}"] = p.arrivals[days, k, slots]
        return frame


def pooled_targets(validations: Sequence[Validation]) -> dict[str, float]:
    """The three held-out targets judged on several validations pooled (e.g. a rolling design:
    each month validated with the scenario calibrated on the month before).

    Observed and simulated totals are summed over the validations (per hour and overall, the
    simulated ones replication by replication, so every validation needs the same number of
    replications); the measures are then computed from the sums, as for one period.

    Returns:
        ``abandon_rate_observed`` and ``_simulated``, ``abandon_rate_diff_pp``,
        ``mean_wait_served_observed_s`` and ``_simulated_s``, ``mean_wait_served_rel_diff``,
        ``hour_correlation_abandon_rate`` and ``all_targets_met``.
    """
    if not validations or len({v.replications for v in validations}) != 1:
        raise ValueError("pooled_targets needs validations with the same replications")
    obs = sum(v.period.observed.sum(axis=0) for v in validations)  # (24, k)
    sim = sum(v.simulated.sum(axis=1) for v in validations)  # (reps, 24, k)
    hours = obs[:, OFFERED] > 0
    obs_all, sim_all = measures(obs.sum(axis=0)), measures(sim.sum(axis=1))
    obs_h = measures(obs)["abandon_rate"][hours]
    with warnings.catch_warnings():  # an hour without calls in a replication
        warnings.simplefilter("ignore", RuntimeWarning)
        sim_h = np.nanmean(measures(sim)["abandon_rate"], axis=0)[hours]
    ab_o, ab_s = float(obs_all["abandon_rate"]), float(np.mean(sim_all["abandon_rate"]))
    w_o = float(obs_all["mean_wait_served_s"])
    w_s = float(np.mean(sim_all["mean_wait_served_s"]))
    corr = _correlation(obs_h, sim_h)
    out = {
        "abandon_rate_observed": ab_o,
        "abandon_rate_simulated": ab_s,
        "abandon_rate_diff_pp": 100.0 * (ab_s - ab_o),
        "mean_wait_served_observed_s": w_o,
        "mean_wait_served_simulated_s": w_s,
        "mean_wait_served_rel_diff": w_s / w_o - 1.0,
        "hour_correlation_abandon_rate": corr,
    }
    out["all_targets_met"] = bool(
        abs(ab_s - ab_o) <= TARGET_ABANDON_PP
        and abs(w_s / w_o - 1.0) <= TARGET_WAIT_REL
        and corr >= TARGET_HOUR_CORR
    )
    return out


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 3 or np.std(a[ok]) == 0 or np.std(b[ok]) == 0:
        return math.nan
    return float(np.corrcoef(a[ok], b[ok])[0, 1])


def _weighted_mae(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> float:
    ok = np.isfinite(a) & np.isfinite(b)
    return float(np.average(np.abs(a[ok] - b[ok]), weights=w[ok])) if ok.any() else math.nan


def _fmt(x: float, unit: str, compact: bool = False) -> str:
    if x is None or not math.isfinite(x):
        return "-"
    if unit == "share":
        return f"{100 * x:.0f}" if compact else f"{x:.1%}"
    return f"{x:.0f}" if compact else f"{x:.0f} s"


def _fmt_ci(row: pd.Series, unit: str) -> str:
    return f"{_fmt(row['mean'], unit)} ({_fmt(row['ci_low'], unit, True)}-" + (
        f"{_fmt(row['ci_high'], unit, True)})"
    )


def _fmt_diff(x: float, unit: str) -> str:
    if not math.isfinite(x):
        return "-"
    return f"{100 * x:+.1f} pp" if unit == "share" else f"{x:+.0f} s"


def short_label(measure: str) -> str:
    """Short column label of a measure with its unit, e.g. ``wait answered s``."""
    unit = MEASURES[measure][1]
    return {
        "abandon_rate": "abandoned",
        "mean_wait_served_s": "wait answered",
        "mean_wait_abandoned_s": "wait abandoned",
        "p_no_wait": "no wait",
        "service_level": "service level",
    }[measure] + (" %" if unit == "share" else " s")


def _ok(flag: bool, yes: str = "met", no: str = "NOT met") -> str:
    return yes if flag else no


def validate(
    log: CleanLog,
    scenario: Scenario,
    *,
    mode: str = "trace",
    forecast: Forecast | pd.DataFrame | None = None,
    holidays: HolidayCalendar | None = None,
    replications: int = 10,
    seed: int | None = None,
    slack_min: float = SLACK_MIN,
    idle_max_min: float = IDLE_MAX_MIN,
    erlang_patience: dict[str, float] | None = None,
    workers: int = 1,
    on_progress: Callable[[int, int], None] | None = None,
) -> Validation:
    """Re-simulate the log's period with the calibrated scenario and compare.

    Args:
        log: The cleaned log to validate against (the calibration months: in sample; others: out
            of sample).
        scenario: The calibrated scenario.
        mode: ``trace`` (observed calls, agents inferred from this log), ``planned-staffing``
            (observed calls, the scenario's roster and opening hours) or ``forecast`` (forecast
            calls, the scenario's roster): see :mod:`sim.logs.plan`.
        forecast: The forecast (mode ``forecast``): a :class:`~sim.logs.forecast.Forecast` or
            its table (:func:`sim.logs.forecast.read_forecast`), made before the log's period.
        holidays: The holiday calendar the days are planned by (mode ``planned-staffing``;
            default: the one the log's schema names).
        replications: Independent replications of the period.
        seed: Master seed (default: the scenario's).
        slack_min: Staffing rule slack ``N`` (the one the scenario was calibrated with, see
            :func:`sim.logs.scenario_file.staffing_rule`).
        idle_max_min: Staffing rule's longest idle gap (likewise).
        erlang_patience: Exponential patience fits in seconds by type and pooled, as recorded by
            calibration (:func:`sim.logs.scenario_file.exponential_patience_s`); None: derived from
            the scenario (:func:`erlang_patience_s`).
        workers: Worker processes for the simulation.
        on_progress: Progress callback (jobs done, jobs).
    """
    if mode not in MODES:
        raise LogError([f"unknown validation mode {mode!r}: one of {', '.join(MODES)}"])
    if mode == "forecast" and forecast is None:
        raise LogError(["the forecast mode needs a forecast (python -m sim forecast)"])
    if scenario.staffing.groups is not None:
        raise LogError(
            [
                f"scenario '{scenario.name}' is written with agent groups (staffing.groups); "
                "validation against a contact log re-simulates the log's one pool of agents "
                "(staffing.tier1): validate the two-tier scenario calibrated from the log"
            ]
        )
    seed = scenario.simulation.seed if seed is None else seed
    period = observe(log, scenario, slack_min=slack_min, idle_max_min=idle_max_min)
    if mode == "trace":
        inputs = trace_inputs(period)
    elif mode == "planned-staffing":
        calendar = holidays if holidays is not None else load_holidays(None, log.schema)
        inputs = planned_inputs(period, scenario, calendar)
    else:
        table = forecast.table() if isinstance(forecast, Forecast) else forecast
        inputs = forecast_inputs(period, scenario, table, log.schema)
    patience_s = erlang_patience_s(scenario, erlang_patience)
    calls = inputs.arrivals.sum(axis=(0, 2))
    simulated = resimulate(inputs, period.dates, scenario, replications, seed, workers, on_progress)
    return Validation(
        period=period,
        scenario_name=scenario.name,
        simulated=simulated,
        erlang_a=erlang_a_baseline(inputs, scenario, patience_s),
        replications=replications,
        seed=seed,
        service_level=scenario.service_level.describe(),
        erlang_patience_s=float(np.average(patience_s, weights=calls)) if calls.sum() else math.nan,
        inputs=inputs,
    )


def modes_table(validations: Sequence[Validation]) -> pd.DataFrame:
    """Validations of one period in several modes side by side: one row per mode with the calls
    observed and simulated, and per measure the observed value, the simulated one and their
    difference (percentage points for shares, relative for the mean wait of answered calls), the
    hour-of-day correlation of abandonment and whether the mode's targets are met."""
    rows = []
    for v in validations:
        t = v.targets()
        overall = v.estimates()
        overall = overall[overall["scope"] == "overall"].set_index(["measure", "source"])["mean"]
        row: dict[str, Any] = {
            "mode": v.mode,
            "calls_observed": v.period.calls,
            "calls_simulated": v.calls_simulated,
        }
        for m, (_, unit) in MEASURES.items():
            obs, sim = overall[m, "observed"], overall[m, "simulated"]
            row[f"{m}.observed"], row[f"{m}.simulated"] = obs, sim
            row[f"{m}.diff"] = 100.0 * (sim - obs) if unit == "share" else sim / obs - 1.0
        row["hour_correlation_abandon_rate"] = t["hour_correlation_abandon_rate"]
        row["abandon_rate_within_target"] = t["abandon_rate_within_target"]
        row["abandon_rate_target_pp"] = t["abandon_rate_target_pp"]
        rows.append(row)
    return pd.DataFrame(rows).set_index("mode")
