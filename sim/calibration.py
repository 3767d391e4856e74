"""Calibration: from a cleaned contact log to a scenario the simulation runs as it is.

What a call log tells, and how each part of the scenario is estimated from it:

* **Arrivals.** Calls per planning interval, averaged by weekday over *regular* days. A day whose
  volume is far below its weekday's median (a holiday or eve, an outage) is abnormal: it is listed
  and left out of the averages. The day-to-day variation beyond Poisson (Brown et al. 2005: call
  volumes are overdispersed) is the gamma coefficient of variation ``c`` of the scenario's day
  factor: a weekday with daily totals of mean ``m`` and variance ``v`` has ``v = m + c² m²``.
* **Opening hours**: the span of intervals whose mean volume is at least a small share of the
  weekday's busiest interval, snapped to the interval grid.
* **Handle time** per contact type: a lognormal (Brown et al. 2005) with the mean and coefficient
  of variation of all recorded services, so that the workload is kept; the Kolmogorov–Smirnov
  distance and quantiles for a QQ chart show how well it fits. Very short services are kept (they
  took agent time) and reported.
* **Patience** is censored: a caller who waited ``w`` and was served would have waited longer, so
  their patience is only known to exceed ``w``; only abandoned callers reveal theirs. Taking the
  waits of abandoned callers alone as patience biases it low: the patient callers were answered
  before they could show it, and the busier the desk, the fewer of them were. Assuming patience
  independent of the wait the desk offered, the Kaplan–Meier product-limit estimator gives the
  survival of patience without a model, the exponential MLE is abandonments over the total time
  spent waiting (events / exposure), and the lognormal MLE maximises the censored likelihood
  ``Σ_abandoned log f(w) + Σ_served log S(w)``. The scenario takes the better of the two by AIC.
  Callers who find more callers waiting give up sooner: the patience factors by queue length are
  estimated first, and the distributions are fitted to the waits scaled by them.
* **Staffing**: the log says who served which call, not who was on duty. Agents on duty are
  inferred by the work-conserving rule of :mod:`sim.log_staffing` (serving and short after-call
  gaps count; longer idle gaps and the lead-in and lead-out of a stretch of calls count only
  while no caller was waiting, since an available agent would have taken the call), time-averaged
  per interval, averaged by weekday over regular days and rounded. The sensitivity of the counts,
  and of the occupancy they imply, to the rule's two settings is reported. The wrap-up is the
  mean gap shorter than ``2N`` between an agent's consecutive calls while callers were waiting
  (time on duty but not available; with the mean, simulated agents are unavailable for as long
  as the real ones). Callers who found a free agent and still waited give the answer delay.
* **Hour bands** (optional): every contact type split by hour of arrival (``regular@20-24h``),
  each band with its own volume, handle time and patience, since evening callers are less patient
  and their calls shorter; the types share one queue, so nothing else changes.

The estimators of handle time and patience are in :mod:`sim.duration_fits`, the queue factors of
patience in :mod:`sim.queue_patience`, the staffing rule and the answer delay in
:mod:`sim.log_staffing`; :mod:`sim.scenario_file` writes the result as commented YAML.

Callers who hung up before reaching the queue are left out of arrivals and patience: the log gives
them no waiting time, and the simulated desk has no pre-queue abandonment. Calls arriving outside
the derived opening hours are left out too. Both are counted. The log does not link a caller's
repeated attempts or say whether a problem was resolved, so the scenario has no retrials and a
first-contact resolution of 1.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import yaml

from sim.config import WEEKDAYS, Scenario
from sim.contact_log import ABANDONED, SERVED, CleaningReport, CleanLog, LogError
from sim.duration_fits import HandleFit, PatienceFit, fit_handle_time, fit_patience
from sim.log_staffing import AgentActivity, AnswerDelayFit, fit_answer_delay
from sim.queue_patience import QueueFactorFit, callers_ahead, fit_queue_factors
from sim.scenario_file import ScenarioWriter, band_name, clock, hour_bands, split_band

SLACK_MIN = 5.0
"""Default slack ``N`` of the staffing rule (chosen on the calibration months,
docs/validation.md section 5)."""

SLACK_OPTIONS_MIN: tuple[float, ...] = (0.0, 1.0, 2.0, 3.0, 5.0, 10.0)
"""Slack values the staffing sensitivity is computed for (plus the one chosen)."""

IDLE_MAX_MIN = 60.0
"""Default longest gap between two calls that counts as idle time on duty (chosen on the
calibration months, docs/validation.md section 5)."""

IDLE_MAX_OPTIONS_MIN: tuple[float, ...] = (10.0, 20.0, 30.0, 60.0, 120.0)
"""Longest idle gaps the staffing sensitivity is computed for (plus the one chosen)."""

POOLED = "all types"
"""Key of the patience fitted on all contact types together."""


MIN_PATIENCE_EVENTS = 30
"""A contact type with fewer abandonments than this uses the patience fitted on all types."""

MIN_SERVICES = 10
"""A contact type with fewer recorded services than this uses the handle time of all types."""


# --- results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AbnormalDay:
    """A day left out of the weekday averages."""

    date: dt.date
    calls: int
    weekday_median: float


@dataclass(frozen=True)
class ArrivalFit:
    """Arrival volumes by weekday and interval.

    Attributes:
        opening_hours: Weekday → (open_h, close_h), or None when closed.
        open_share: Share of the busiest interval's volume that makes an interval open.
        regular_days: Weekday → number of regular days averaged.
        abnormal_days: Days left out (volume below ``abnormal_below`` × the weekday median).
        abnormal_below: The abnormal-day threshold.
        profiles: Weekday → mean calls per interval of the opening hours (all types).
        daily_volume: Scenario type → weekday → mean calls a day within opening hours.
        type_calls: Scenario type → calls used.
        day_volume_cv: Pooled day-to-day coefficient of variation beyond Poisson.
        day_volume_cv_by_weekday: The same per weekday (None with fewer than 2 regular days).
        calls: Calls used (regular days, within opening hours, reached the queue or an agent).
        outside_hours: Calls that arrived outside the opening hours (left out).
        before_queue: Callers who hung up before reaching the queue (left out).
    """

    opening_hours: dict[str, tuple[float, float] | None]
    open_share: float
    regular_days: dict[str, int]
    abnormal_days: list[AbnormalDay]
    abnormal_below: float
    profiles: dict[str, np.ndarray]
    daily_volume: dict[str, dict[str, float]]
    type_calls: dict[str, int]
    day_volume_cv: float
    day_volume_cv_by_weekday: dict[str, float | None]
    calls: int
    outside_hours: int
    before_queue: int


@dataclass(frozen=True)
class SlackSensitivity:
    """Inferred staffing under one setting of the staffing rule."""

    slack_min: float
    idle_max_min: float
    mean_agents: float
    """Mean agents on duty over the open intervals of regular days."""
    occupancy: float
    """Agent time busy serving over agent time on duty, same intervals."""


@dataclass(frozen=True)
class StaffingFit:
    """Agents on duty per interval, inferred from agent activity (:mod:`sim.log_staffing`).

    Attributes:
        slack_min: The slack ``N`` used.
        idle_max_min: The longest idle gap on duty used.
        agents: Weekday → agents per interval of the opening hours (time-averaged, mean over
            regular days, rounded, at least 1).
        agents_seen: Distinct agents in the log.
        sensitivity: Mean agents and implied occupancy for other settings of the rule.
        wrap_up_s: Mean or median gap between an agent's consecutive calls while callers were
            waiting (after-call work; see :func:`sim.log_staffing.after_call_gap_s`).
        wrap_up_gaps: Gaps it is taken over.
        wrap_up_rule: ``mean`` (of the gaps under ``2N``) or ``median`` (of the gaps under an
            hour).
    """

    slack_min: float
    idle_max_min: float
    agents: dict[str, list[int]]
    agents_seen: int
    sensitivity: list[SlackSensitivity]
    wrap_up_s: float
    wrap_up_gaps: int
    wrap_up_rule: str = "mean"

    @property
    def chosen(self) -> SlackSensitivity:
        """The sensitivity row of the settings used."""
        return next(
            s
            for s in self.sensitivity
            if (s.slack_min, s.idle_max_min) == (self.slack_min, self.idle_max_min)
        )


@dataclass(frozen=True)
class Calibration:
    """Everything estimated from a log, and the scenario built from it.

    Attributes:
        name: Scenario name.
        report: The cleaning report of the log.
        first_date: First day in the log.
        last_date: Last day in the log.
        interval_min: Planning interval.
        min_type_share: Log types with a smaller share of calls were merged.
        merged_type: The contact type the small log types were merged into (None if none were).
        type_codes: Scenario contact type → the log type codes it stands for.
        arrivals: Volumes, profiles, opening hours, abnormal days, overdispersion.
        handle: Scenario contact type → handle-time fit, plus ``"all types"`` pooled (and, with
            hour bands, ``"all types@lo-hih"`` pooled per band).
        patience: Scenario contact type → patience fit, pooled the same way; with queue factors,
            the patience of a caller who finds nobody waiting (waits divided by the caller's
            factor, :mod:`sim.queue_patience`).
        erlang_patience_s: Same keys → exponential MLE of patience from the plain waits (the
            Erlang A model: patience independent of the queue).
        queue_factors: Patience factors by callers waiting at arrival (None: not estimated).
        staffing: Inferred agents on duty.
        answer_delay: Callers who found a free agent and still waited (None: not estimated).
        scenario_data: The scenario as data (validated).
        yaml_text: The scenario as commented YAML.
        bands: The hour bands contact types are split by (empty: not split).
    """

    name: str
    report: CleaningReport
    first_date: dt.date
    last_date: dt.date
    interval_min: int
    min_type_share: float
    merged_type: str | None
    type_codes: dict[str, list[str]]
    arrivals: ArrivalFit
    handle: dict[str, HandleFit]
    patience: dict[str, PatienceFit]
    erlang_patience_s: dict[str, float]
    queue_factors: QueueFactorFit | None
    staffing: StaffingFit
    answer_delay: AnswerDelayFit | None
    scenario_data: dict
    yaml_text: str
    bands: tuple[tuple[int, int], ...] = ()

    def scenario(self) -> Scenario:
        """The calibrated scenario, validated."""
        return Scenario.model_validate(self.scenario_data)

    @property
    def types(self) -> list[str]:
        """The scenario's contact types, busiest first."""
        return list(self.arrivals.daily_volume)

    def pool_of(self, type_name: str) -> str:
        """The pooled fit a type falls back on: its hour band's, or all types'."""
        _, band = split_band(type_name)
        return POOLED if band is None else band_name(POOLED, band)

    def handle_for(self, type_name: str) -> tuple[HandleFit, bool]:
        """The handle-time fit a type uses, and whether it is the pooled one (too few services)."""
        own = self.handle.get(type_name)
        if own is not None:
            return own, False
        return self.handle.get(self.pool_of(type_name), self.handle[POOLED]), True

    def patience_for(self, type_name: str) -> tuple[PatienceFit, bool]:
        """The patience fit a type uses, and whether it is the pooled one (too few events)."""
        own = self.patience.get(type_name)
        if own is not None and own.abandoned >= MIN_PATIENCE_EVENTS:
            return own, False
        pool = self.patience.get(self.pool_of(type_name))
        if pool is not None and pool.abandoned >= MIN_PATIENCE_EVENTS:
            return pool, True
        return self.patience[POOLED], True

    def summary(self) -> str:
        """A short text summary of the fits."""
        a = self.arrivals
        lines = [
            f"Calibration '{self.name}' from {self.first_date} to {self.last_date}: "
            f"{a.calls:,} calls used ({a.before_queue:,} hung up before the queue and "
            f"{a.outside_hours:,} outside opening hours left out)",
            "  opening hours: "
            + ", ".join(
                f"{d} {clock(h[0])}-{clock(h[1])}" if h else f"{d} closed"
                for d, h in a.opening_hours.items()
            ),
            "  abnormal days left out: "
            + (
                ", ".join(
                    f"{d.date} ({WEEKDAYS[d.date.weekday()]}, {d.calls} calls, "
                    f"weekday median {d.weekday_median:g})"
                    for d in a.abnormal_days
                )
                or "none"
            ),
            f"  day-to-day volume CV beyond Poisson: {a.day_volume_cv:.3f}",
            "  type              calls  handle: mean  CV    KS  KS>=short | patience: exp mean "
            "(95% CI)   lognormal median/sigma  KM distance exp/logn  kept",
        ]
        for name in self.types:
            h, h_pooled = self.handle_for(name)
            p, pooled = self.patience_for(name)
            lines.append(
                f"  {name:<15} {self.arrivals.type_calls[name]:>7,}  {h.mean_s:6.0f} s  "
                f"{h.cv:4.2f}  {h.ks:4.3f} {h.body_ks:5.3f}{'*' if h_pooled else ' '}| "
                f"{p.exp_mean_s:5.0f} s "
                f"({p.exp_ci_s[0]:.0f}-{p.exp_ci_s[1]:.0f})  {p.lognormal_median_s:5.0f} s / "
                f"{p.lognormal_sigma:4.2f}  {p.km_gap_exp:5.3f} / {p.km_gap_lognormal:5.3f}  "
                f"{p.kept}{' (pooled)' if pooled else ''}"
            )
        if any(self.handle_for(name)[1] for name in self.types):
            lines.append("  * too few services: handle time of all types pooled")
        d = self.answer_delay
        if d is not None:
            lines.append(
                f"  answer delay: {d.probability:.1%} of {d.callers:,} callers who found a free "
                f"agent waited all the same, {d.mean_delay_s:.0f} s on average (exponential)"
            )
        q = self.queue_factors
        if q is not None:
            lines.append(
                "  patience factor by callers waiting at arrival (the patience above is that of a "
                "caller who finds nobody waiting): "
                + ", ".join(
                    f"{a}+ {f:.3f} ({lo:.3f}-{hi:.3f})"
                    for a, f, (lo, hi) in zip(q.ahead, q.factor, q.ci, strict=True)
                )
            )
        s = self.staffing
        lines.append(
            f"  staffing (slack N {s.slack_min:g} min, idle gaps up to {s.idle_max_min:g} min): "
            f"{s.agents_seen} agents seen, after-call gap {s.wrap_up_s:.0f} s; by setting: "
            + "; ".join(
                f"N={row.slack_min:g}/idle {row.idle_max_min:g}: {row.mean_agents:.1f} on duty, "
                f"occupancy {row.occupancy:.0%}"
                for row in s.sensitivity
            )
        )
        return "\n".join(lines)


# --- calibration ---------------------------------------------------------------------------------


def calibrate(
    log: CleanLog,
    *,
    name: str = "calibrated",
    interval_min: int = 30,
    slack_min: float = SLACK_MIN,
    idle_max_min: float = IDLE_MAX_MIN,
    horizon_days: int = 28,
    min_type_share: float = 0.01,
    abnormal_below: float = 0.5,
    open_share: float = 0.05,
    patience_by_hour: bool = False,
    band_edges: Sequence[int] = (),
    wrap_up: Literal["mean", "median"] = "mean",
    queue_patience: bool = True,
    answer_delay: bool = True,
) -> Calibration:
    """Estimate a scenario from a cleaned log.

    Args:
        log: The cleaned records (:func:`sim.contact_log.read_logs`).
        name: Scenario name.
        interval_min: Planning interval (15, 30 or 60 minutes).
        slack_min: Staffing rule: gaps under ``2N`` between an agent's calls are after-call
            work, and ``N`` the lead-in and lead-out of a stretch of calls
            (:mod:`sim.log_staffing`).
        idle_max_min: Staffing rule: the longest gap between two calls that counts as idle time
            on duty (while nobody waited).
        horizon_days: Simulated days, from the first day of the log.
        min_type_share: Log types with a smaller share of calls are merged into ``other``
            (1 merges every type into one, ``call``).
        abnormal_below: A day with fewer calls than this share of its weekday's median is
            abnormal (left out of the averages, and listed).
        open_share: An interval is open when its mean volume is at least this share of the
            weekday's busiest interval.
        patience_by_hour: Also estimate the exponential patience by hour of arrival.
        band_edges: Whole hours at which to split every contact type into hour bands (e.g.
            ``(20,)``: ``regular@00-20h`` and ``regular@20-24h``), each with its own volume,
            handle time and patience (callers of the evening are less patient and their calls
            shorter). Types of one channel and priority share one first-come-first-served queue,
            so the split changes nothing else. Fits with too few calls fall back on the band's
            pooled fit.
        wrap_up: How the wrap-up is estimated from the gaps between an agent's consecutive
            calls while callers were waiting: ``mean`` of the gaps shorter than ``2N`` (the gaps
            the staffing rule counts as on duty, so that simulated agents are unavailable for as
            long as the real ones were), or ``median`` of the gaps under an hour.
        queue_patience: Estimate how patience falls with the callers waiting at arrival
            (:mod:`sim.queue_patience`) and fit the patience distributions to the waits scaled
            accordingly; False: patience independent of the queue.
        answer_delay: Estimate how often callers who find a free agent still wait, and for how
            long (:func:`sim.log_staffing.fit_answer_delay`); False: always answered at once.

    Raises:
        LogError: The log cannot be calibrated: no call reached the queue or an agent, or no
            queued caller abandoned (patience cannot be estimated).
    """
    records = log.records
    offered_mask = ((records["outcome"] == SERVED) | records["queued"]).to_numpy()
    gave_up = (records["outcome"] == ABANDONED).to_numpy()
    queued = records["queued"].to_numpy()
    files = ", ".join(log.report.files)
    if not offered_mask.any():
        raise LogError([f"{files}: no call reached the queue or an agent"])
    if not (gave_up & queued).any():
        raise LogError([f"{files}: no queued caller abandoned: patience cannot be estimated"])
    grid = IntervalGrid(records, interval_min)
    names, merged = _type_names(records[offered_mask], log, min_type_share)
    type_of = records["type"].astype(str).map(names).to_numpy(dtype=object)
    type_list = list(dict.fromkeys(names.values()))
    bands = hour_bands(band_edges) if band_edges else []
    band_of = np.zeros(len(records), dtype=np.int64)
    if bands:
        starts = np.array([lo for lo, _ in bands])
        band_of = np.searchsorted(starts, records["arrival"].dt.hour.to_numpy(), "right") - 1
        labels = np.array([band_name("", b) for b in bands], dtype=object)
        type_of = pd.Series(type_of).fillna("").to_numpy(dtype=object) + labels[band_of]
        present = set(type_of[offered_mask])
        type_list = [band_name(t, b) for t in type_list for b in bands]
        type_list = [t for t in type_list if t in present]
    arrivals, regular = fit_arrivals(
        records,
        offered_mask,
        type_of,
        type_list,
        grid,
        abnormal_below,
        open_share,
    )
    served = (records["outcome"] == SERVED).to_numpy() & records["service_s"].notna().to_numpy()
    wait = records["wait_s"].to_numpy()
    queue_factors = None
    scaled = wait  # waits on the scale of patience at an empty queue
    if queue_patience:
        ahead = np.zeros(len(records), dtype=np.int64)
        arrival_s = grid.minutes(records["arrival"][queued]) * 60.0
        ahead[queued] = callers_ahead(arrival_s, wait[queued])
        stratum = pd.factorize(pd.Series(type_of[queued]).fillna(""))[0]
        queue_factors = fit_queue_factors(ahead[queued], wait[queued], gave_up[queued], stratum)
        scaled = wait / queue_factors.of(ahead)
    hours = records["arrival"].dt.hour.to_numpy() if patience_by_hour else None
    service = records["service_s"].to_numpy()
    short_s = log.report.short_service_s
    handle = {POOLED: fit_handle_time(service[served], short_s)}
    patience: dict[str, PatienceFit] = {}
    erlang_patience: dict[str, float] = {}

    def fit(key: str, mine: np.ndarray) -> None:
        m = queued & mine
        patience[key] = fit_patience(scaled[m], gave_up[m], None if hours is None else hours[m])
        erlang_patience[key] = float(wait[m].sum() / gave_up[m].sum())

    fit(POOLED, np.ones(len(records), dtype=bool))
    for k, band in enumerate(bands):
        mine, pool = band_of == k, band_name(POOLED, band)
        if (mine & served).sum() >= MIN_SERVICES:
            handle[pool] = fit_handle_time(service[mine & served], short_s)
        if (gave_up & queued & mine).any():
            fit(pool, mine)
    for t in arrivals.daily_volume:
        mine = type_of == t
        if (mine & served).sum() >= MIN_SERVICES:
            handle[t] = fit_handle_time(service[mine & served], short_s)
        if (gave_up & queued & mine).any():
            fit(t, mine)
    activity = AgentActivity.from_records(records, grid.minutes)
    staffing = _fit_staffing(
        activity, grid, arrivals, regular, slack_min, idle_max_min, wrap_up, answer_delay
    )
    delay = None
    if answer_delay:
        reach = np.flatnonzero(offered_mask)
        delay = fit_answer_delay(
            activity,
            grid.minutes(records["arrival"].iloc[reach]),
            queued[reach],
            wait[reach],
            (records["outcome"] == SERVED).to_numpy()[reach],
            slack_min=slack_min,
            idle_max_min=idle_max_min,
            wrap_up_s=0.0 if math.isnan(staffing.wrap_up_s) else staffing.wrap_up_s,
        )
        if delay.delayed == 0 or delay.answered == 0:
            delay = None
    partial = Calibration(
        name=name,
        report=log.report,
        first_date=grid.first_date,
        last_date=grid.last_date,
        interval_min=interval_min,
        min_type_share=min_type_share,
        merged_type=merged,
        type_codes={
            t: sorted(c for c, n in names.items() if n == split_band(t)[0])
            for t in arrivals.daily_volume
        },
        arrivals=arrivals,
        handle=handle,
        patience=patience,
        erlang_patience_s=erlang_patience,
        queue_factors=queue_factors,
        staffing=staffing,
        answer_delay=delay,
        scenario_data={},
        yaml_text="",
        bands=tuple(bands),
    )
    text = ScenarioWriter(partial, log, horizon_days).yaml()
    data = yaml.safe_load(text)
    Scenario.model_validate(data)  # the writer must produce a valid scenario
    return dataclasses.replace(partial, scenario_data=data, yaml_text=text)


class IntervalGrid:
    """The log's days cut into planning intervals, from midnight of the first day."""

    def __init__(self, records: pd.DataFrame, interval_min: int) -> None:
        if 1440 % interval_min:
            raise ValueError(f"interval_min {interval_min} does not divide a day")
        self.interval_min = interval_min
        self.per_day = 1440 // interval_min
        self.origin = records["date"].min()
        self.first_date = self.origin.date()
        self.last_date = records["date"].max().date()
        self.n_days = (self.last_date - self.first_date).days + 1
        self.dates = [self.first_date + dt.timedelta(days=i) for i in range(self.n_days)]
        self.weekdays = np.array([WEEKDAYS[d.weekday()] for d in self.dates])

    def minutes(self, times: pd.Series) -> np.ndarray:
        """Minutes from the grid's origin."""
        return ((times - self.origin).dt.total_seconds() / 60.0).to_numpy()

    def slot(self, times: pd.Series) -> np.ndarray:
        """Global interval index of each time."""
        return np.floor(self.minutes(times) / self.interval_min).astype(np.int64)


def _type_names(
    offered: pd.DataFrame, log: CleanLog, min_share: float
) -> tuple[dict[str, str], str | None]:
    """Log type code → scenario contact type, busiest first: the schema's label, or ``other``
    for types with less than ``min_share`` of the calls (``call`` when all are merged); and the
    name of the merged type, if any."""
    share = offered["type"].astype(str).value_counts(normalize=True)
    labels = log.schema.contact_type.labels
    keep = {code for code, s in share.items() if s >= min_share}
    merged = "other" if keep else "call"
    names = {code: labels.get(code, code) if code in keep else merged for code in share.index}
    return names, merged if len(keep) < len(share) else None


def fit_arrivals(
    records: pd.DataFrame,
    offered: np.ndarray,
    type_of: np.ndarray,
    type_names: list[str],
    grid: IntervalGrid,
    abnormal_below: float,
    open_share: float,
) -> tuple[ArrivalFit, np.ndarray]:
    """Volumes, profiles, opening hours and overdispersion, and which of the grid's days are
    regular."""
    slot = grid.slot(records["arrival"])[offered]
    day = slot // grid.per_day
    totals = np.bincount(day, minlength=grid.n_days)
    medians = {w: float(np.median(totals[grid.weekdays == w])) for w in WEEKDAYS}
    median = np.array([medians[w] for w in grid.weekdays])
    abnormal = (median > 0) & (totals < abnormal_below * median)
    regular = (median > 0) & ~abnormal
    counts = np.bincount(slot, minlength=grid.n_days * grid.per_day).reshape(grid.n_days, -1)
    hours: dict[str, tuple[float, float] | None] = {}
    open_slots: dict[str, tuple[int, int]] = {}
    for w in WEEKDAYS:
        days = regular & (grid.weekdays == w)
        if not days.any():
            hours[w] = None
            continue
        mean = counts[days].mean(axis=0)
        is_open = np.flatnonzero(mean >= open_share * mean.max())
        first, last = int(is_open[0]), int(is_open[-1]) + 1
        open_slots[w] = (first, last)
        hours[w] = (first * grid.interval_min / 60.0, last * grid.interval_min / 60.0)
    in_slot = slot % grid.per_day
    day_weekday = grid.weekdays[day]
    in_hours = np.zeros(len(slot), dtype=bool)
    for w, (first, last) in open_slots.items():
        in_hours |= (day_weekday == w) & (in_slot >= first) & (in_slot < last)
    used = in_hours & regular[day]
    profiles, cv_by_weekday = {}, {}
    terms, dof = 0.0, 0
    for w, (first, last) in open_slots.items():
        days = regular & (grid.weekdays == w)
        profiles[w] = counts[days, first:last].mean(axis=0)
        daily = counts[days, first:last].sum(axis=1).astype(float)
        k, m = len(daily), daily.mean()
        cv_by_weekday[w] = None
        if k >= 2:
            excess = (daily.var(ddof=1) - m) / m**2
            cv_by_weekday[w] = math.sqrt(max(excess, 0.0))
            terms += excess * (k - 1)
            dof += k - 1
    volumes, type_calls = {}, {}
    for t in type_names:
        mine = used & (type_of[offered] == t)
        per_day = np.bincount(day[mine], minlength=grid.n_days)
        volumes[t] = {w: float(per_day[regular & (grid.weekdays == w)].mean()) for w in open_slots}
        type_calls[t] = int(mine.sum())
    before_queue = (records["outcome"] == ABANDONED).to_numpy() & ~records["queued"].to_numpy()
    fit = ArrivalFit(
        opening_hours=hours,
        open_share=open_share,
        regular_days={w: int((regular & (grid.weekdays == w)).sum()) for w in open_slots},
        abnormal_days=[
            AbnormalDay(grid.dates[i], int(totals[i]), medians[grid.weekdays[i]])
            for i in np.flatnonzero(abnormal)
        ],
        abnormal_below=abnormal_below,
        profiles=profiles,
        daily_volume=volumes,
        type_calls=type_calls,
        day_volume_cv=math.sqrt(max(terms / dof, 0.0)) if dof else 0.0,
        day_volume_cv_by_weekday=cv_by_weekday,
        calls=int(used.sum()),
        outside_hours=int((~in_hours).sum()),
        before_queue=int(before_queue.sum()),
    )
    return fit, regular


def _fit_staffing(
    activity: AgentActivity,
    grid: IntervalGrid,
    arrivals: ArrivalFit,
    regular: np.ndarray,
    slack_min: float,
    idle_max_min: float,
    wrap_up: Literal["mean", "median"],
    answer_delay: bool,
) -> StaffingFit:
    """Agents on duty per interval, for the chosen rule settings and the sensitivity options.
    With ``answer_delay`` (modelled in the scenario) the waits of answer-delayed callers do not
    take agents off duty (:meth:`sim.log_staffing.AgentActivity.without_answer_delays`)."""
    gap, gaps = activity.wrap_up_s(slack_min, wrap_up)
    after_call_s = 0.0 if math.isnan(gap) else gap
    n_slots = grid.n_days * grid.per_day
    edges = np.arange(n_slots + 1) * float(grid.interval_min)
    busy = activity.busy(edges)
    open_mask = np.zeros((grid.n_days, grid.per_day), dtype=bool)
    for i, w in enumerate(grid.weekdays):
        hours = arrivals.opening_hours[w]
        if hours is not None and regular[i]:
            first, last = (round(h * 60 / grid.interval_min) for h in hours)
            open_mask[i, first:last] = True
    is_open = open_mask.ravel()
    settings = {(n, idle_max_min) for n in SLACK_OPTIONS_MIN if 2 * n <= idle_max_min}
    settings |= {(slack_min, g) for g in IDLE_MAX_OPTIONS_MIN if g >= 2 * slack_min}
    settings.add((slack_min, idle_max_min))
    sensitivity, chosen = [], np.zeros(n_slots)
    for n, g in sorted(settings):
        rule = activity.without_answer_delays(n, g, after_call_s) if answer_delay else activity
        on_duty = rule.on_duty(edges, n, g)
        sensitivity.append(
            SlackSensitivity(
                slack_min=n,
                idle_max_min=g,
                mean_agents=float(on_duty[is_open].mean()),
                occupancy=float(busy[is_open].sum() / on_duty[is_open].sum()),
            )
        )
        if (n, g) == (slack_min, idle_max_min):
            chosen = on_duty.reshape(grid.n_days, -1)
    agents = {}
    for w, hours in arrivals.opening_hours.items():
        if hours is not None:
            first, last = (round(h * 60 / grid.interval_min) for h in hours)
            mean = chosen[regular & (grid.weekdays == w), first:last].mean(axis=0)
            agents[w] = np.maximum(np.rint(mean), 1).astype(int).tolist()
    return StaffingFit(
        slack_min=slack_min,
        idle_max_min=idle_max_min,
        agents=agents,
        agents_seen=activity.agents_seen,
        sensitivity=sensitivity,
        wrap_up_s=gap,
        wrap_up_gaps=gaps,
        wrap_up_rule=wrap_up,
    )
