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
* **Staffing**: the log says who served which call, not who was on duty. Agents on duty are
  inferred by the work-conserving rule of :mod:`sim.log_staffing` (serving and short after-call
  gaps count; longer idle gaps and the lead-in and lead-out of a stretch of calls count only
  while no caller was waiting, since an available agent would have taken the call), time-averaged
  per interval, averaged by weekday over regular days and rounded. The sensitivity of the counts,
  and of the occupancy they imply, to the rule's two settings is reported. The wrap-up is the
  mean gap shorter than ``2N`` between an agent's consecutive calls while callers were waiting
  (time on duty but not available; with the mean, simulated agents are unavailable for as long
  as the real ones).
* **Hour bands** (optional): every contact type split by hour of arrival (``regular@20-24h``),
  each band with its own volume, handle time and patience, since evening callers are less patient
  and their calls shorter; the types share one queue, so nothing else changes.

Callers who hung up before reaching the queue are left out of arrivals and patience: the log gives
them no waiting time, and the simulated desk has no pre-queue abandonment. Calls arriving outside
the derived opening hours are left out too. Both are counted. The log does not link a caller's
repeated attempts or say whether a problem was resolved, so the scenario has no retrials and a
first-contact resolution of 1.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import yaml
from scipy import optimize, stats

from sim.config import WEEKDAYS, Scenario
from sim.contact_log import ABANDONED, SERVED, CleaningReport, CleanLog, LogError
from sim.log_staffing import AgentActivity, AnswerDelayFit, fit_answer_delay
from sim.queue_patience import QueueFactorFit, callers_ahead, fit_queue_factors

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

_BAND = re.compile(r"^(?P<base>.+)@(?P<lo>\d{2})-(?P<hi>\d{2})h$")


def band_name(base: str, band: tuple[int, int]) -> str:
    """The contact type of ``base``'s calls arriving in the hour band ``[lo, hi)``:
    ``regular@20-24h``."""
    return f"{base}@{band[0]:02d}-{band[1]:02d}h"


def split_band(type_name: str) -> tuple[str, tuple[int, int] | None]:
    """``(base type, (lo, hi))`` of a type named by :func:`band_name`; ``(name, None)`` for a
    type without an hour band."""
    found = _BAND.match(type_name)
    if found is None:
        return type_name, None
    return found["base"], (int(found["lo"]), int(found["hi"]))


def hour_bands(edges: Sequence[int]) -> list[tuple[int, int]]:
    """The bands ``[0, e1), [e1, e2), ..., [ek, 24)`` cut at the given whole hours."""
    cuts = sorted(set(edges))
    if any(not 0 < e < 24 or e != int(e) for e in cuts):
        raise ValueError(f"hour band edges must be whole hours between 1 and 23, got {edges}")
    bounds = [0, *(int(e) for e in cuts), 24]
    return list(itertools.pairwise(bounds))


MIN_PATIENCE_EVENTS = 30
"""A contact type with fewer abandonments than this uses the patience fitted on all types."""

MIN_SERVICES = 10
"""A contact type with fewer recorded services than this uses the handle time of all types."""

EXP_PATIENCE_KEY = "exponential_patience_s"
"""Key of the scenario-file comment holding the exponential patience fits (JSON)."""

STAFFING_RULE_KEY = "staffing_rule"
"""Key of the scenario-file comment holding the staffing rule's settings (JSON)."""

QQ_PROBABILITIES = np.linspace(0.01, 0.99, 99)
"""Probabilities at which data and fitted quantiles are compared (QQ chart)."""


# --- building blocks -----------------------------------------------------------------------------


def kaplan_meier(durations: np.ndarray, events: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Product-limit estimate of a survival function from right-censored durations.

    Args:
        durations: Observed durations (an event time, or a censoring time).
        events: True where the duration ended in the event (e.g. abandonment), False where it was
            censored (e.g. the caller was served first).

    Returns:
        The distinct event times and the estimated survival just after each. At a tie, events are
        counted before censorings (a censored caller at ``t`` was still at risk at ``t``).
    """
    d = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=bool)
    times, inverse = np.unique(d, return_inverse=True)
    deaths = np.bincount(inverse, weights=e.astype(float), minlength=len(times))
    leaving = np.bincount(inverse, minlength=len(times))
    at_risk = len(d) - np.concatenate([[0], np.cumsum(leaving)[:-1]])
    has_event = deaths > 0
    survival = np.cumprod(1.0 - deaths[has_event] / at_risk[has_event])
    return times[has_event], survival


def exponential_patience_s(scenario_text: str) -> dict[str, float] | None:
    """The exponential patience fits (seconds) a calibrated scenario file records in a comment.

    :func:`calibrate` writes the exponential MLE of each type's patience, and the pooled one
    (key :data:`POOLED`), as ``# exponential_patience_s: {...}``: the scenario itself may use a
    lognormal, but the Erlang A baseline needs the exponential fit. None when the file has no
    such comment (a scenario not written by ``calibrate``).
    """
    return _recorded(scenario_text, EXP_PATIENCE_KEY)


def staffing_rule(scenario_text: str) -> dict[str, float] | None:
    """The staffing-rule settings (``slack_min``, ``idle_max_min``) a calibrated scenario file
    records as ``# staffing_rule: {...}``, so that validation infers agents the same way; None
    when the file has no such comment."""
    return _recorded(scenario_text, STAFFING_RULE_KEY)


def _recorded(scenario_text: str, key: str) -> dict[str, float] | None:
    """The JSON object of the comment ``# key: {...}`` of a scenario file, values as floats."""
    found = re.search(rf"^#\s*{key}:\s*(\{{.*\}})\s*$", scenario_text, re.MULTILINE)
    if found is None:
        return None
    return {str(k): float(v) for k, v in json.loads(found.group(1)).items()}


def lognormal_params(mean: float, cv: float) -> tuple[float, float]:
    """``(mu, sigma)`` of the normal log of a lognormal with this mean and CV."""
    sigma = math.sqrt(math.log1p(cv**2))
    return math.log(mean) - sigma**2 / 2.0, sigma


@dataclass(frozen=True)
class HandleFit:
    """Handle (service) time of one contact type and its lognormal fit.

    Attributes:
        n: Services with recorded times.
        short: Services under the short-service threshold (kept in the fit).
        mean_s: Mean service time (seconds), after truncation.
        cv: Coefficient of variation of the service times.
        ks: Kolmogorov–Smirnov distance between the data and the lognormal with ``mean_s`` and
            ``cv`` (the one the scenario uses).
        body_from_s: Services of at least this (the short-service threshold, at least 1 s) are
            the body of the distribution.
        body_ks: KS distance of the lognormal fitted by maximum likelihood to the body (Brown et
            al.: above the short services, service times are close to lognormal).
        body_mean_s: Mean of that body fit.
        body_cv: CV of that body fit.
        qq_data_s: Data quantiles at :data:`QQ_PROBABILITIES`.
        qq_fit_s: Quantiles of the scenario's lognormal at the same probabilities.
    """

    n: int
    short: int
    mean_s: float
    cv: float
    ks: float
    body_from_s: float
    body_ks: float
    body_mean_s: float
    body_cv: float
    qq_data_s: np.ndarray
    qq_fit_s: np.ndarray


def fit_handle_time(service_s: np.ndarray, short_s: float) -> HandleFit:
    """Fit a lognormal to service times by their mean and CV, and report how well it fits.

    Args:
        service_s: Service times in seconds (NaN entries are ignored).
        short_s: Services under this many seconds are counted as short.
    """
    x = np.asarray(service_s, dtype=float)
    x = x[~np.isnan(x)]
    mean = float(x.mean())
    cv = float(x.std(ddof=1) / mean) if len(x) > 1 else 0.0
    mu, sigma = lognormal_params(mean, max(cv, 1e-6))
    fitted = stats.lognorm(s=sigma, scale=math.exp(mu))
    body_from = max(short_s, 1.0)
    body = np.log(x[x >= body_from])
    b_mu, b_sigma = float(body.mean()), float(body.std(ddof=1))
    return HandleFit(
        n=len(x),
        short=int((x < short_s).sum()),
        mean_s=mean,
        cv=cv,
        ks=float(stats.kstest(x, fitted.cdf).statistic),
        body_from_s=body_from,
        body_ks=float(stats.kstest(body, stats.norm(b_mu, b_sigma).cdf).statistic),
        body_mean_s=math.exp(b_mu + b_sigma**2 / 2.0),
        body_cv=math.sqrt(math.expm1(b_sigma**2)),
        qq_data_s=np.quantile(x, QQ_PROBABILITIES),
        qq_fit_s=fitted.ppf(QQ_PROBABILITIES),
    )


@dataclass(frozen=True)
class PatienceFit:
    """Patience estimated from censored waits.

    Attributes:
        queued: Callers who joined the queue.
        abandoned: Of those, callers who hung up (the events).
        exposure_s: Total seconds spent waiting by all of them.
        exp_mean_s: Exponential MLE of the mean patience (exposure / abandonments).
        exp_ci_s: Its exact 95% confidence interval (chi-square on 2 × abandonments).
        lognormal_median_s: Median of the lognormal censored MLE.
        lognormal_sigma: Its log-scale standard deviation.
        lognormal_mean_s: Its mean (beyond the longest wait this is an extrapolation).
        lognormal_cv: Its coefficient of variation.
        loglik_exp: Log-likelihood of the exponential fit (waits in seconds).
        loglik_lognormal: Log-likelihood of the lognormal fit.
        km_times_s: Kaplan–Meier event times.
        km_survival: Kaplan–Meier survival just after each event time.
        km_gap_exp: Largest distance between the Kaplan–Meier and exponential survival curves,
            up to the 99th percentile of the waits.
        km_gap_lognormal: The same for the lognormal.
        longest_wait_s: The longest wait observed (patience beyond it is not observed).
        by_hour: Hour of arrival → (abandonments, exposure s, exponential mean s), when asked.
    """

    queued: int
    abandoned: int
    exposure_s: float
    exp_mean_s: float
    exp_ci_s: tuple[float, float]
    lognormal_median_s: float
    lognormal_sigma: float
    lognormal_mean_s: float
    lognormal_cv: float
    loglik_exp: float
    loglik_lognormal: float
    km_times_s: np.ndarray
    km_survival: np.ndarray
    km_gap_exp: float
    km_gap_lognormal: float
    longest_wait_s: float
    by_hour: dict[int, tuple[int, float, float]] | None

    @property
    def best(self) -> str:
        """``exponential`` or ``lognormal``, whichever has the lower AIC."""
        aic_exp = 2.0 - 2.0 * self.loglik_exp
        aic_logn = 4.0 - 2.0 * self.loglik_lognormal
        return "lognormal" if aic_logn < aic_exp else "exponential"

    @property
    def kept(self) -> str:
        """The fit the scenario uses: the better by AIC, unless it is a lognormal whose CV is
        beyond what a scenario accepts (:data:`MAX_SCENARIO_CV`; a log-scale sigma above about
        2.45, an extrapolation anyway), then the exponential."""
        if self.best == "lognormal" and self.lognormal_cv > MAX_SCENARIO_CV:
            return "exponential"
        return self.best

    def km_at(self, t_s: float) -> float:
        """Kaplan–Meier survival at ``t_s`` seconds."""
        i = np.searchsorted(self.km_times_s, t_s, side="right")
        return 1.0 if i == 0 else float(self.km_survival[i - 1])


MAX_SCENARIO_CV = 20.0
"""The largest coefficient of variation a scenario's lognormal accepts."""

KM_GAP_QUANTILE = 0.99
"""Fits are compared with Kaplan–Meier up to this quantile of the waits (beyond, few remain at
risk and the estimate is erratic)."""

EVENT_FLOOR_S = 0.5
"""An abandonment logged at 0 s (1-second clock) is taken as half a second in the lognormal fit."""


def fit_patience(
    wait_s: np.ndarray, abandoned: np.ndarray, hour: np.ndarray | None = None
) -> PatienceFit:
    """Estimate patience from queued callers' waits, served waits being censored.

    Args:
        wait_s: Seconds each queued caller waited (until answered or hanging up).
        abandoned: True for callers who hung up (their wait is their patience).
        hour: Hour of arrival of each caller, to estimate the exponential mean by hour.

    Raises:
        ValueError: Nobody abandoned, so patience cannot be estimated.
    """
    w = np.asarray(wait_s, dtype=float)
    ab = np.asarray(abandoned, dtype=bool)
    events = int(ab.sum())
    if events == 0:
        raise ValueError("no caller abandoned: patience cannot be estimated")
    exposure = float(w.sum())
    rate = events / exposure
    chi = stats.chi2(2 * events)
    ci = (float(2.0 * exposure / chi.ppf(0.975)), float(2.0 * exposure / chi.ppf(0.025)))
    x = np.log(np.maximum(w[ab], EVENT_FLOOR_S))
    c = np.log(w[~ab & (w > 0)])

    def nll(theta: np.ndarray) -> float:
        mu, sigma = theta[0], math.exp(theta[1])
        return -float(
            stats.norm.logpdf(x, mu, sigma).sum() - x.sum() + stats.norm.logsf(c, mu, sigma).sum()
        )

    start = np.array([float(np.log(max(exposure / events, 1.0))), 0.0])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # extreme trial steps
        fit = optimize.minimize(nll, start, method="Nelder-Mead", options={"xatol": 1e-6})
    mu, sigma = float(fit.x[0]), math.exp(float(fit.x[1]))
    times, survival = kaplan_meier(w, ab)
    # at least the first abandonment: a small group may abandon only beyond the 99th percentile
    body = times <= max(float(np.quantile(w, KM_GAP_QUANTILE)), float(times[0]))
    fitted = stats.lognorm(sigma, scale=math.exp(mu))
    by_hour = None
    if hour is not None:
        h = np.asarray(hour)
        by_hour = {}
        for value in np.unique(h):
            m = h == value
            n_ab, expo = int(ab[m].sum()), float(w[m].sum())
            by_hour[int(value)] = (n_ab, expo, expo / n_ab if n_ab else math.inf)
    return PatienceFit(
        queued=len(w),
        abandoned=events,
        exposure_s=exposure,
        exp_mean_s=1.0 / rate,
        exp_ci_s=ci,
        lognormal_median_s=math.exp(mu),
        lognormal_sigma=sigma,
        lognormal_mean_s=math.exp(mu + sigma**2 / 2.0),
        lognormal_cv=math.sqrt(math.expm1(sigma**2)),
        loglik_exp=events * math.log(rate) - rate * exposure,
        loglik_lognormal=-float(fit.fun),
        km_times_s=times,
        km_survival=survival,
        km_gap_exp=float(np.abs(survival - np.exp(-rate * times))[body].max()),
        km_gap_lognormal=float(np.abs(survival - fitted.sf(times))[body].max()),
        longest_wait_s=float(w.max()),
        by_hour=by_hour,
    )


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
                f"{d} {_clock(h[0])}-{_clock(h[1])}" if h else f"{d} closed"
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
    staffing = _fit_staffing(
        records, grid, arrivals, regular, slack_min, idle_max_min, wrap_up, answer_delay
    )
    delay = None
    if answer_delay:
        reach = np.flatnonzero(offered_mask)
        delay = fit_answer_delay(
            AgentActivity.from_records(records, grid.minutes),
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
    text = _ScenarioWriter(partial, log, horizon_days).yaml()
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
    records: pd.DataFrame,
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
    activity = AgentActivity.from_records(records, grid.minutes)
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


# --- writing the scenario ------------------------------------------------------------------------


def _clock(hours: float) -> str:
    return f"{int(hours):02d}:{round((hours - int(hours)) * 60):02d}"


def _num(x: float, digits: int = 2) -> str:
    """A number as YAML: whole numbers without a decimal point."""
    r = round(float(x), digits)
    return str(int(r)) if r == int(r) else f"{r:g}" if abs(r) >= 1e-4 else "0"


def _flow(values: Sequence[float], digits: int = 2) -> str:
    return "[" + ", ".join(_num(v, digits) for v in values) + "]"


class _ScenarioWriter:
    """The calibrated scenario as YAML, each number with a comment saying where it came from."""

    def __init__(self, cal: Calibration, log: CleanLog, horizon_days: int) -> None:
        self.cal = cal
        self.log = log
        self.horizon_days = horizon_days

    def yaml(self) -> str:
        return "\n".join(
            [
                *self._header(),
                *self._calendar(),
                *self._demand(),
                *self._staffing(),
                *self._routing(),
                "",
                "simulation:",
                "  replications: 10",
                "  seed: 19990101",
                "",
            ]
        )

    def _header(self) -> list[str]:
        c, r, a = self.cal, self.cal.report, self.cal.arrivals
        schema = self.log.schema
        files = ", ".join(f.split("/")[-1] for f in r.files)
        source = " ".join(schema.source.split())
        lines = [
            f"# Calibrated from a contact log by `python -m sim calibrate` (schema {schema.name}).",
            f"# Log: {files}; {c.first_date} to {c.last_date}.",
        ]
        if source:
            lines += _wrap_comment(f"Data source: {source}")
        lines += _wrap_comment(
            f"{r.rows_read:,} rows read, {r.records:,} calls kept after cleaning "
            f"({r.served:,} served, {r.abandoned:,} abandoned); {a.before_queue:,} callers who "
            f"hung up before reaching the queue and {a.outside_hours:,} calls outside the opening "
            f"hours are left out; {a.calls:,} calls on {sum(a.regular_days.values())} regular days "
            "give the volumes. Method: docs/validation.md."
        )
        lines += ["# Cleaning:"] + [
            f"#   {action} {rule}: {n:,}" for action, rule, n in r.rules() if n
        ]
        lines += [
            "# Exponential MLE of patience per type and pooled from the plain waits, in seconds",
            "# (read by `python -m sim validate-log` as the Erlang A baseline's patience):",
            f"# {EXP_PATIENCE_KEY}: "
            + json.dumps({t: round(x, 1) for t, x in c.erlang_patience_s.items()}),
            "# Staffing rule the agents on duty were inferred with (read by validate-log):",
            f"# {STAFFING_RULE_KEY}: "
            + json.dumps(
                {"slack_min": c.staffing.slack_min, "idle_max_min": c.staffing.idle_max_min}
            ),
        ]
        lines += [
            "",
            f"name: {c.name}",
            "description: >-",
            f"  Calibrated from {files} ({c.first_date} to {c.last_date}): arrivals by weekday and",
            "  interval, lognormal handle times, censored patience, staffing inferred from agent",
            "  activity.",
            "",
        ]
        return lines

    def _calendar(self) -> list[str]:
        c, a = self.cal, self.cal.arrivals
        lines = [
            "calendar:",
            f"  start_date: {c.first_date}  # first day of the log, so weekdays and dates match it",
            f"  horizon_days: {self.horizon_days}",
            f"  interval_min: {c.interval_min}",
            "  opening_hours:  # span of intervals with at least "
            f"{a.open_share:.0%} of the calls of the weekday's busiest interval",
        ]
        for w in WEEKDAYS:
            h = a.opening_hours[w]
            lines.append(
                f"    {w}: {{open_h: {_num(h[0])}, close_h: {_num(h[1])}}}"
                if h
                else f"    {w}: null  # no calls"
            )
        end = c.first_date + dt.timedelta(days=self.horizon_days)
        inside = [d for d in a.abnormal_days if c.first_date <= d.date < end]
        closed = [d for d in inside if d.calls == 0]
        peaks = [d for d in inside if d.calls > 0]
        abnormal = f"abnormal days (under {a.abnormal_below:.0%} of the weekday median calls)"
        if closed:
            lines.append(f"  holidays:  # {abnormal} without calls")
            lines += [f"    - {d.date}" for d in closed]
        if peaks:
            lines.append(f"  peak_days:  # {abnormal} at their observed volume")
            for d in peaks:
                w = _weekday(d.date)
                mean = sum(v[w] for v in a.daily_volume.values())
                lines += [
                    f"    - date: {d.date}  # {w}: {d.calls:,} calls, weekday median "
                    f"{d.weekday_median:g}",
                    f"      volume_multiplier: {_num(max(d.calls / mean, 0.01), 3)}",
                ]
        return [*lines, ""]

    def _demand(self) -> list[str]:
        c, a = self.cal, self.cal.arrivals
        per_weekday = ", ".join(
            f"{w} {v:.3f}" for w, v in a.day_volume_cv_by_weekday.items() if v is not None
        )
        lines = [
            "demand:",
            f"  day_volume_cv: {_num(a.day_volume_cv, 3)}  # pooled over weekdays: variance of "
            "daily totals = m + cv^2 m^2",
            *_wrap_comment(f"per weekday: {per_weekday}", indent=4),
            *self._queue_factors(),
            "  profiles:",
            *_wrap_comment(
                "mean calls per interval on regular days, all types (days averaged: "
                + ", ".join(f"{w} {n}" for w, n in a.regular_days.items())
                + ")",
                indent=4,
            ),
        ]
        profiles = self._band_profiles()
        if c.bands:
            lines += _wrap_comment(
                "one profile per weekday and hour band: the weekday's profile within the band, "
                "zero outside it",
                indent=4,
            )
        lines += [f"    {n}: {_flow(p)}" for n, p in profiles.items()]
        lines.append("  contact_types:")
        total = sum(a.type_calls.values())
        for t in c.types:
            _, band = split_band(t)
            profile_map = (
                "{"
                + ", ".join(
                    f"{w}: {w if band is None else band_name(w, band)}"
                    for w in a.profiles
                    if (w if band is None else band_name(w, band)) in profiles
                    and a.daily_volume[t][w] > 0
                )
                + "}"
            )
            h, h_pooled = c.handle_for(t)
            p, pooled = c.patience_for(t)
            codes = ", ".join(c.type_codes[t])
            volume = "{" + ", ".join(f"{w}: {_num(v, 1)}" for w, v in a.daily_volume[t].items())
            volume += "}"
            merged = (
                f" (types under {c.min_type_share:.0%} of calls, merged)"
                if split_band(t)[0] == c.merged_type
                else ""
            )
            merged += f", arriving {band[0]:02d}:00-{band[1]:02d}:00" if band is not None else ""
            lines += [
                f"    {t}:  # log type {codes}{merged}: {a.type_calls[t]:,} calls used "
                f"({a.type_calls[t] / total:.1%})",
                "      channel: phone",
                "      priority: 1  # one first-come-first-served queue for every type",
                f"      daily_volume: {volume}  # mean a regular day, within opening hours",
                f"      profile: {profile_map}",
                f"      handle_time: {{kind: lognormal, mean_min: {_num(h.mean_s / 60, 3)}, "
                f"cv: {_num(h.cv, 3)}}}",
                *_wrap_comment(self._handle_note(h, h_pooled), indent=8),
                f"      wrap_up_s: {self._wrap_up()}",
                *_wrap_comment(self._wrap_up_note(), indent=8),
                f"      patience: {self._patience(p)}",
                *_wrap_comment(self._patience_note(p, pooled), indent=8),
                "      retrial: {probability: 0}  # the log does not link a caller's attempts",
                "      resolution: {first_contact_prob: 1.0}  # the log does not record resolution",
            ]
        return [*lines, ""]

    def _routing(self) -> list[str]:
        d = self.cal.answer_delay
        if d is None:
            return []
        return [
            "routing:",
            "  answer_delay:",
            f"    probability: {_num(d.probability, 3)}",
            f"    delay: {{kind: exponential, mean_min: {_num(d.mean_delay_s / 60, 3)}}}",
            *_wrap_comment(
                f"of {d.callers:,} callers who arrived while nobody was waiting and the staffing "
                f"rule counts an agent free, {d.delayed:,} ({d.probability:.1%}) waited all the "
                "same (the agent was not ready); exponential MLE of their wait "
                f"{d.mean_delay_s:.0f} s, the {d.delayed - d.answered:,} who hung up first "
                "censored (sim/log_staffing.py)",
                indent=4,
            ),
        ]

    def _queue_factors(self) -> list[str]:
        q = self.cal.queue_factors
        if q is None:
            return []
        mapping = ", ".join(f"{a}: {_num(f, 3)}" for a, f in q.mapping.items())
        bands = "; ".join(
            f"{a}+ ahead: {f:.3f} ({lo:.3f}-{hi:.3f}), {n:,} queued, {d:,} abandoned"
            for a, f, (lo, hi), n, d in zip(
                q.ahead, q.factor, q.ci, q.queued, q.abandoned, strict=True
            )
        )
        return [
            f"  patience_factor_by_queue_ahead: {{{mapping}}}",
            *_wrap_comment(
                "callers who find more callers waiting give up sooner: patience factor by callers "
                "waiting at arrival, exponential proportional-hazards fit adjusted for contact "
                f"type (sim/queue_patience.py; 95% CI): {bands}. The patience below is that of a "
                "caller who finds nobody waiting.",
                indent=4,
            ),
        ]

    def _band_profiles(self) -> dict[str, np.ndarray]:
        """Profile name → weights: one per weekday, or with hour bands one per weekday and band
        (the weekday's profile within the band, zero elsewhere; left out when all zero)."""
        c, a = self.cal, self.cal.arrivals
        if not c.bands:
            return dict(a.profiles)
        out = {}
        for w, profile in a.profiles.items():
            open_h = a.opening_hours[w][0]
            hour = open_h + np.arange(len(profile)) * c.interval_min / 60.0
            for band in c.bands:
                inside = (hour >= band[0]) & (hour < band[1])
                if profile[inside].sum() > 0:
                    out[band_name(w, band)] = np.where(inside, profile, 0.0)
        return out

    def _handle_note(self, h: HandleFit, pooled: bool) -> str:
        r = self.cal.report
        cut = "not truncated"
        if r.max_service_s is not None:
            cut = f"truncated at {r.max_service_s:g} s"
        who = "too few services for this type: all types pooled, " if pooled else ""
        if pooled and self.cal.bands:
            who = "too few services for this type: all types of its hour band pooled, "
        return (
            f"{who}{h.n:,} services ({cut}): mean {h.mean_s:.0f} s, CV {h.cv:.2f}, {h.short:,} "
            f"({h.short / h.n:.1%}) under {r.short_service_s:g} s kept; KS distance of this "
            f"lognormal {h.ks:.3f}; lognormal MLE of the services of {h.body_from_s:g} s or more: "
            f"mean {h.body_mean_s:.0f} s, CV {h.body_cv:.2f}, KS {h.body_ks:.3f}"
        )

    def _wrap_up(self) -> str:
        gap = self.cal.staffing.wrap_up_s
        return "0" if math.isnan(gap) else _num(gap, 0)

    def _wrap_up_note(self) -> str:
        s = self.cal.staffing
        if math.isnan(s.wrap_up_s):
            return "not in the log, and no agent took consecutive calls while callers waited"
        which = (
            f"mean gap under {2 * s.slack_min:g} min (the gaps the staffing rule counts as on duty)"
            if s.wrap_up_rule == "mean"
            else "median gap"
        )
        return (
            f"{which} between an agent's consecutive calls while callers were waiting "
            f"({s.wrap_up_gaps:,} gaps, all types): after-call work"
        )

    @staticmethod
    def _patience(p: PatienceFit) -> str:
        if p.kept == "lognormal":
            return (
                f"{{kind: lognormal, mean_min: {_num(p.lognormal_mean_s / 60, 3)}, "
                f"cv: {_num(p.lognormal_cv, 3)}}}"
            )
        return f"{{kind: exponential, mean_min: {_num(p.exp_mean_s / 60, 3)}}}"

    @staticmethod
    def _patience_note(p: PatienceFit, pooled: bool) -> str:
        who = (
            f"too few abandonments for this type: pooled over all types, {p.queued:,} queued"
            if pooled
            else f"{p.queued:,} queued callers"
        )
        return (
            f"{who}, {p.abandoned:,} abandoned; served waits are censored (patience > wait). "
            f"Exponential MLE {p.exp_mean_s:.0f} s (95% CI {p.exp_ci_s[0]:.0f}-"
            f"{p.exp_ci_s[1]:.0f}), log-likelihood {p.loglik_exp:.1f}, largest distance from "
            f"Kaplan-Meier {p.km_gap_exp:.3f}; lognormal MLE median {p.lognormal_median_s:.0f} "
            f"s, sigma {p.lognormal_sigma:.2f}, log-likelihood {p.loglik_lognormal:.1f}, distance "
            f"{p.km_gap_lognormal:.3f} (its mean {p.lognormal_mean_s:.0f} s extrapolates beyond "
            f"the longest wait, {p.longest_wait_s:.0f} s); {p.kept} kept "
            + (
                "(lower AIC)"
                if p.kept == p.best
                else f"(the lognormal has the lower AIC, but its CV {p.lognormal_cv:.0f} is "
                f"beyond the scenario's bound {MAX_SCENARIO_CV:g})"
            )
        )

    def _staffing(self) -> list[str]:
        s = self.cal.staffing
        chosen = s.chosen
        lines = [
            "staffing:",
            "  tier1:",
            "    kind: by_interval",
            *_wrap_comment(
                "Agents on duty per interval, inferred from agent activity (work-conserving "
                "rule, sim/log_staffing.py): on duty while serving and in gaps under "
                f"{2 * s.slack_min:g} min between two calls (after-call work); in gaps up to "
                f"{s.idle_max_min:g} min and {s.slack_min:g} min before and after a stretch of "
                "calls only while no caller was waiting (idle and ready); time-averaged per "
                "interval, mean over regular days, rounded, at least 1 "
                f"({s.agents_seen} agents seen; mean {chosen.mean_agents:.1f} on duty, "
                f"occupancy {chosen.occupancy:.0%}). Sensitivity (slack N / longest idle gap): "
                + "; ".join(
                    f"{row.slack_min:g}/{row.idle_max_min:g} min {row.mean_agents:.1f} agents, "
                    f"occupancy {row.occupancy:.0%}"
                    for row in s.sensitivity
                ),
                indent=4,
            ),
            "    agents:",
        ]
        lines += [f"      {w}: {_flow(v)}" for w, v in s.agents.items()]
        lines += [
            "  tier2: {kind: fixed, agents: 0}  # one pool of agents; no escalations in the log",
        ]
        return lines


def _weekday(date: dt.date) -> str:
    return WEEKDAYS[date.weekday()]


def _wrap_comment(text: str, indent: int = 0, width: int = 100) -> list[str]:
    """``text`` as YAML comment lines of at most ``width`` characters."""
    prefix = " " * indent + "# "
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(prefix) + len(line) + 1 + len(word) > width:
            lines.append(prefix + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(prefix + line)
    return lines
