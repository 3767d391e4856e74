"""Validation: re-simulate a logged period and compare the simulated desk with the real one.

The question a planner asks of a calibrated model is "does it reproduce *my* desk?". Here the
period a contact log covers is simulated again, with what the log says happened as the inputs, and
the service the callers got is compared, per hour of the day and overall, with what they got in
reality. Method and results on the Anonymous Bank data: ``docs/validation.md``.

**Inputs from the log being validated against** (they are what happened, not what the model
predicts): the calls per planning interval of every day and contact type, the agents on duty per
interval of every day (the calibration's staffing rule, :mod:`sim.log_staffing`, with its
settings) and the opening hours (the calibration's rule, applied to this log). **From the
calibrated scenario**: everything the model has to get right: handle times, patience, wrap-up,
the queue discipline, the service-level definition.

**Re-simulation.** The scenario model has one arrival profile and one roster per weekday, so the
period is cut into calendar weeks and each week becomes one scenario in which every weekday
carries *that day's* observed counts as its profile (one per contact type), their total as its
daily volume, and that day's inferred agents as its roster; the day-to-day volume factor is off
(the volumes are observed) and days without calls are holidays. Each week scenario is an ordinary
scenario (``python -m sim run`` would accept it). Since the desk closes every night (callers still
waiting are cut off) no queue carries over from one day to the next, so cutting the period into
weeks changes nothing. Within an interval arrivals are Poisson with the observed count as mean.

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
erlang_a_kpis`) with the interval's observed arrival rate, its inferred agents, the mean handle
time (talk and wrap-up, weighted by the interval's mix of types) and the exponential patience
fitted at calibration, all types pooled; its steady-state measures are aggregated to hours and to
the period weighting each interval by its calls.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.calibration import (
    IDLE_MAX_MIN,
    POOLED,
    SLACK_MIN,
    IntervalGrid,
    fit_arrivals,
)
from sim.config import WEEKDAYS, Scenario, ServiceLevel
from sim.config_base import Empirical, Exponential, Fixed, Lognormal, NoPatience
from sim.contact_log import ABANDONED, SERVED, CleanLog, LogError, LogSchema
from sim.desk import Desk
from sim.log_staffing import AgentActivity
from sim.metrics import CI_LEVEL, estimate
from sim.queueing import erlang_a_kpis
from sim.records import ANSWERED, WAITING
from sim.rng import Streams
from sim.scenario_file import band_name, split_band

MEASURES: dict[str, tuple[str, str]] = {
    "abandon_rate": ("abandonment rate", "share"),
    "mean_wait_served_s": ("mean wait of answered calls", "s"),
    "mean_wait_abandoned_s": ("mean wait of abandoned calls", "s"),
    "p_no_wait": ("answered without waiting", "share"),
    "service_level": ("service level", "share"),
}
"""Measure → (label, unit); ``share`` is a fraction in [0, 1]."""

SOURCES = ("observed", "simulated", "erlang_a")

HOURS = 24
OFFERED, GAVE_UP, WAIT_GAVE_UP, ANSWERED_T, WAIT_ANSWERED, NO_WAIT, SL_GOOD, SL_DEN = range(8)
N_TALLIES = 8
"""Per-call totals every measure is a ratio of: calls, abandoned, their waits (s), answered,
their waits (s), answered without waiting, answered within the threshold, the service level's
denominator."""

BOOTSTRAP = 2000
"""Bootstrap resamples of days for the observed intervals."""

TARGET_ABANDON_PP = 0.02
TARGET_WAIT_REL = 0.15
TARGET_HOUR_CORR = 0.8
"""Targets on held-out months: overall abandonment within 2 percentage points of observed, mean
wait of answered calls within 15%, hour-of-day correlation of abandonment at least 0.8."""


# --- tallies and measures ------------------------------------------------------------------------


def tally(
    day: np.ndarray,
    hour: np.ndarray,
    n_days: int,
    answered: np.ndarray,
    wait_s: np.ndarray,
    sl: ServiceLevel,
) -> np.ndarray:
    """Totals per day and hour of arrival, shape ``(n_days, 24, N_TALLIES)``.

    Args:
        day: Day index of each call.
        hour: Hour of arrival of each call (0-23).
        n_days: Number of days.
        answered: True for answered calls; the others hung up (or were cut off at closing).
        wait_s: Seconds each call waited (0 when answered at once).
        sl: The service-level definition.
    """
    idx = np.asarray(day, dtype=np.int64) * HOURS + np.asarray(hour, dtype=np.int64)
    n = n_days * HOURS
    answered = np.asarray(answered, dtype=bool)
    wait = np.asarray(wait_s, dtype=float)
    gave_up = ~answered

    def total(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        w = None if weights is None else weights[mask]
        return np.bincount(idx[mask], weights=w, minlength=n).astype(float)

    everyone = np.ones(len(idx), dtype=bool)
    if sl.abandoned == "exclude":
        denominator = answered
    else:
        denominator = ~(gave_up & (wait < sl.short_abandon_s))
    out = np.stack(
        [
            total(everyone),
            total(gave_up),
            total(gave_up, wait),
            total(answered),
            total(answered, wait),
            total(answered & (wait <= 0.0)),
            total(answered & (wait <= sl.threshold_s)),
            total(denominator),
        ],
        axis=-1,
    )
    return out.reshape(n_days, HOURS, N_TALLIES)


def measures(totals: np.ndarray) -> dict[str, np.ndarray]:
    """Every measure from totals (last axis: the tallies), NaN where undefined."""
    t = np.asarray(totals, dtype=float)

    def ratio(num: int, den: int) -> np.ndarray:
        a, b = t[..., num], t[..., den]
        return np.divide(a, b, out=np.full(a.shape, np.nan), where=b > 0)

    return {
        "abandon_rate": ratio(GAVE_UP, OFFERED),
        "mean_wait_served_s": ratio(WAIT_ANSWERED, ANSWERED_T),
        "mean_wait_abandoned_s": ratio(WAIT_GAVE_UP, GAVE_UP),
        "p_no_wait": ratio(NO_WAIT, OFFERED),
        "service_level": ratio(SL_GOOD, SL_DEN),
    }


# --- the observed period -------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A logged period, as inputs for re-simulating it and as the observed outcome.

    Attributes:
        dates: Every day from the log's first to its last.
        interval_min: Planning interval.
        opening_hours: Weekday → (open_h, close_h) derived from this log, or None when closed.
        type_names: The scenario's contact types (log types mapped onto them).
        arrivals: Calls per day, type and interval of the day, shape ``(days, types, 1440 /
            interval_min)``; zero outside the opening hours.
        agents: Inferred agents on duty (time-averaged) per day and interval.
        observed: Observed totals per day and hour (see :func:`tally`).
        slack_min: The staffing rule's slack ``N``.
        idle_max_min: The staffing rule's longest idle gap.
        left_out: Calls left out and why (hung up before the queue; outside opening hours).
        files: The log files.
        credit: Short credit of the data for chart source lines.
    """

    dates: tuple[dt.date, ...]
    interval_min: int
    opening_hours: dict[str, tuple[float, float] | None]
    type_names: tuple[str, ...]
    arrivals: np.ndarray
    agents: np.ndarray
    observed: np.ndarray
    slack_min: float
    idle_max_min: float
    left_out: dict[str, int]
    files: tuple[str, ...]
    credit: str

    @property
    def per_day(self) -> int:
        """Planning intervals in a day."""
        return 1440 // self.interval_min

    def open_slots(self, day: int) -> tuple[int, int]:
        """First and past-last interval of the day's opening hours ((0, 0) when closed)."""
        hours = self.opening_hours[WEEKDAYS[self.dates[day].weekday()]]
        if hours is None:
            return 0, 0
        return round(hours[0] * 60 / self.interval_min), round(hours[1] * 60 / self.interval_min)

    @property
    def roster(self) -> np.ndarray:
        """Agents simulated per day and interval: the inferred time-averaged count rounded, at
        least 1 while open on a day with calls (as the calibration rounds its weekday means)."""
        out = np.zeros(self.agents.shape, dtype=np.int64)
        for d in range(len(self.dates)):
            first, last = self.open_slots(d)
            if last > first and self.arrivals[d].sum() > 0:
                out[d, first:last] = np.maximum(np.rint(self.agents[d, first:last]), 1)
        return out

    @property
    def calls(self) -> int:
        """Calls compared."""
        return int(self.observed[..., OFFERED].sum())

    @property
    def label(self) -> str:
        """``first – last`` date of the period."""
        return f"{self.dates[0]} to {self.dates[-1]}"


def scenario_type_of(
    codes: pd.Series, hours: np.ndarray, schema: LogSchema, type_names: Sequence[str]
) -> np.ndarray:
    """The scenario contact type of each call, from its log type code and hour of arrival.

    A code maps to its schema label when the scenario has that type; otherwise to ``other``
    (where calibration merged the rare types), or to the only type of a one-type scenario. A
    scenario calibrated with hour bands (types such as ``regular@20-24h``, see
    :func:`sim.scenario_file.band_name`) takes the band of the call's hour; when the scenario has
    no such band for the type (no call of it in the calibration), the band's ``other``, else the
    type's first band.

    Raises:
        LogError: A log type the scenario has no place for.
    """
    bands: dict[str, list[tuple[tuple[int, int] | None, str]]] = {}
    for name in type_names:
        base, band = split_band(name)
        bands.setdefault(base, []).append((band, name))
    labels = schema.contact_type.labels
    text = codes.astype(str).to_numpy(dtype=object)
    hour = np.asarray(hours)
    out = np.empty(len(text), dtype=object)
    for code in pd.unique(text):
        label = labels.get(code, code)
        if label in bands:
            base = label
        elif "other" in bands:
            base = "other"
        elif len(bands) == 1:
            base = next(iter(bands))
        else:
            raise LogError(
                [
                    f"log type {code!r} ({label}) is not a contact type of the scenario "
                    f"({', '.join(bands)}), and the scenario has no 'other' type"
                ]
            )
        mine = text == code
        out[mine] = bands[base][0][1]
        for h in np.unique(hour[mine]):
            name = _band_type(bands, base, int(h))
            out[mine & (hour == h)] = name
    return out


def _band_type(
    bands: dict[str, list[tuple[tuple[int, int] | None, str]]], base: str, hour: int
) -> str:
    """The scenario type of a call of ``base`` arriving in ``hour``."""
    for candidates in (bands[base], bands.get("other", [])):
        for band, name in candidates:
            if band is None or band[0] <= hour < band[1]:
                return name
    return bands[base][0][1]


def observe(
    log: CleanLog,
    scenario: Scenario,
    slack_min: float = SLACK_MIN,
    idle_max_min: float = IDLE_MAX_MIN,
    open_share: float = 0.05,
    abnormal_below: float = 0.5,
) -> Period:
    """The period the log covers: observed arrivals, inferred staffing and observed outcome.

    Args:
        log: The cleaned log to validate against.
        scenario: The calibrated scenario (its contact types and interval).
        slack_min: Staffing rule slack ``N`` (use the calibration's).
        idle_max_min: Staffing rule's longest idle gap (use the calibration's).
        open_share: Opening-hours rule (as in :func:`sim.calibration.calibrate`).
        abnormal_below: Abnormal-day rule (as in :func:`sim.calibration.calibrate`); abnormal
            days are validated too, only the opening hours ignore them.
    """
    records = log.records
    interval = scenario.calendar.interval_min
    types = tuple(scenario.demand.contact_types)
    hour = records["arrival"].dt.hour.to_numpy()
    type_of = scenario_type_of(records["type"], hour, log.schema, types)
    answered = (records["outcome"] == SERVED).to_numpy()
    queued = records["queued"].to_numpy()
    reached = answered | queued
    if not reached.any():
        raise LogError([f"{', '.join(log.report.files)}: no call reached the queue or an agent"])
    grid = IntervalGrid(records, interval)
    fit, _ = fit_arrivals(records, reached, type_of, list(types), grid, abnormal_below, open_share)
    slot = grid.slot(records["arrival"])
    day, in_day = slot // grid.per_day, slot % grid.per_day
    in_hours = np.zeros(len(records), dtype=bool)
    for w, hours in fit.opening_hours.items():
        if hours is not None:
            first, last = (round(h * 60 / interval) for h in hours)
            in_hours |= (grid.weekdays[day] == w) & (in_day >= first) & (in_day < last)
    calls = reached & in_hours
    code = pd.Index(types).get_indexer(type_of)
    flat = (day[calls] * len(types) + code[calls]) * grid.per_day + in_day[calls]
    arrivals = np.bincount(flat, minlength=grid.n_days * len(types) * grid.per_day).reshape(
        grid.n_days, len(types), grid.per_day
    )
    edges = np.arange(grid.n_days * grid.per_day + 1) * float(interval)
    activity = AgentActivity.from_records(records, grid.minutes)
    if scenario.routing.answer_delay.probability > 0:  # as the calibration inferred the agents
        after_call_s = float(
            np.mean([ct.wrap_up_s for ct in scenario.demand.contact_types.values()])
        )
        activity = activity.without_answer_delays(slack_min, idle_max_min, after_call_s)
    agents = activity.on_duty(edges, slack_min, idle_max_min).reshape(grid.n_days, grid.per_day)
    observed = tally(
        day[calls],
        hour[calls],
        grid.n_days,
        answered[calls],
        records["wait_s"].to_numpy()[calls],
        scenario.service_level,
    )
    gave_up_early = (records["outcome"] == ABANDONED).to_numpy() & ~queued
    return Period(
        dates=tuple(grid.dates),
        interval_min=interval,
        opening_hours=fit.opening_hours,
        type_names=types,
        arrivals=arrivals,
        agents=agents,
        observed=observed,
        slack_min=slack_min,
        idle_max_min=idle_max_min,
        left_out={
            "hung up before reaching the queue": int(gave_up_early.sum()),
            "outside the opening hours": int((reached & ~in_hours).sum()),
        },
        files=tuple(log.report.files),
        credit=log.schema.credit or log.schema.name,
    )


# --- re-simulation -------------------------------------------------------------------------------


def week_scenarios(period: Period, scenario: Scenario) -> list[tuple[int, Scenario]]:
    """The period as one scenario per calendar week: (index of its first day, scenario).

    Every weekday of a week carries that day's observed counts per interval and type (as its
    profiles and daily volumes) and that day's inferred agents (as its roster); the handle
    times, patience, wrap-up and service-level definition are the calibrated scenario's.
    """
    base = scenario.model_dump(mode="json", exclude={"customers", "recovery", "economics"})
    roster = period.roster
    out = []
    for first in range(0, len(period.dates), 7):
        days = range(first, min(first + 7, len(period.dates)))
        hours: dict[str, Any] = dict.fromkeys(WEEKDAYS)
        profiles: dict[str, list[float]] = {}
        volumes: dict[str, dict[str, float]] = {t: {} for t in period.type_names}
        profile_of: dict[str, dict[str, str]] = {t: {} for t in period.type_names}
        agents: dict[str, list[int]] = {}
        holidays = []
        for d in days:
            date = period.dates[d]
            w = WEEKDAYS[date.weekday()]
            lo, hi = period.open_slots(d)
            if hi <= lo:
                continue
            hours[w] = {
                "open_h": lo * period.interval_min / 60,
                "close_h": hi * period.interval_min / 60,
            }
            agents[w] = roster[d, lo:hi].tolist()
            counts = period.arrivals[d, :, lo:hi]
            if counts.sum() == 0:
                holidays.append(date.isoformat())
                continue
            for k, t in enumerate(period.type_names):
                volumes[t][w] = float(counts[k].sum())
                if counts[k].sum() > 0:
                    name = f"{t}.{date.isoformat()}"
                    profiles[name] = counts[k].astype(float).tolist()
                    profile_of[t][w] = name
        if not profiles:
            continue
        data = dict(base)
        data["name"] = f"{scenario.name}.week-{period.dates[first].isoformat()}"
        data["calendar"] = {
            "start_date": period.dates[first].isoformat(),
            "horizon_days": len(days),
            "interval_min": period.interval_min,
            "opening_hours": hours,
            "holidays": holidays,
            "peak_days": [],
            "warmup_min": 0.0,
        }
        data["demand"] = base["demand"] | {
            "day_volume_cv": 0.0,
            "profiles": profiles,
            "contact_types": {
                t: base["demand"]["contact_types"][t]
                | {"daily_volume": volumes[t], "profile": profile_of[t]}
                for t in period.type_names
            },
        }
        data["staffing"] = base["staffing"] | {"tier1": {"kind": "by_interval", "agents": agents}}
        out.append((first, Scenario.model_validate(data)))
    return out


def _week_seed(seed: int, first_day: int) -> int:
    """An independent master seed for the week starting at ``first_day``."""
    return int(np.random.SeedSequence([seed, first_day]).generate_state(1, np.uint64)[0] >> 1)


def _simulate_week(
    job: tuple[Scenario, int, int, int, int],
) -> tuple[int, int, np.ndarray]:
    """One replication of one week: (replication, first day, totals per day of the week)."""
    scenario, first, seed, replication, n_days = job
    run = Desk(scenario, Streams(seed, replication)).run()
    c = run.contacts
    phone = (c.tier == 1) & run.is_phone[c.type_code] & (c.outcome != WAITING)
    t = c.arrival_min[phone]
    totals = tally(
        (t // 1440).astype(np.int64),
        ((t % 1440) // 60).astype(np.int64),
        n_days,
        c.outcome[phone] == ANSWERED,
        c.wait_min[phone] * 60.0,
        scenario.service_level,
    )
    return replication, first, totals


def simulate(
    period: Period,
    scenario: Scenario,
    replications: int,
    seed: int,
    workers: int = 1,
    on_progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Re-simulate the period: totals per replication, day and hour, shape
    ``(replications, days, 24, N_TALLIES)``.

    Args:
        period: The observed period (:func:`observe`).
        scenario: The calibrated scenario.
        replications: Independent replications of the whole period.
        seed: Master seed; each week draws from its own seed derived from it.
        workers: Worker processes (results do not depend on it).
        on_progress: Called with (jobs done, jobs) after each week replication.
    """
    weeks = week_scenarios(period, scenario)
    jobs = [
        (sc, first, _week_seed(seed, first), r, sc.calendar.horizon_days)
        for first, sc in weeks
        for r in range(replications)
    ]
    out = np.zeros((replications, len(period.dates), HOURS, N_TALLIES))

    def collect(results: Any) -> None:
        for done, (r, first, totals) in enumerate(results, start=1):
            out[r, first : first + len(totals)] += totals
            if on_progress is not None:
                on_progress(done, len(jobs))

    if workers <= 1 or len(jobs) <= 1:
        collect(map(_simulate_week, jobs))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            collect(pool.map(_simulate_week, jobs))
    return out


# --- Erlang A ------------------------------------------------------------------------------------


def mean_min(dist: Any) -> float:
    """Mean of a scenario duration in minutes (inf for no patience)."""
    if isinstance(dist, Exponential | Lognormal):
        return dist.mean_min
    if isinstance(dist, Fixed):
        return dist.value_min
    if isinstance(dist, Empirical):
        return float(np.mean(dist.values_min))
    if isinstance(dist, NoPatience):
        return math.inf
    raise TypeError(f"unknown duration {dist!r}")


def erlang_a_totals(
    arrivals: np.ndarray,
    agents: np.ndarray,
    busy_min: np.ndarray,
    patience_min: np.ndarray,
    interval_min: int,
    sl: ServiceLevel,
) -> np.ndarray:
    """Erlang A per interval, as expected totals per day and hour (see :func:`tally`).

    Each interval with calls is an M/M/n+M queue in steady state with its observed arrival rate,
    its agents, its mean busy time per call and its mean exponential patience; its measures are
    weighted by the interval's calls when summed to hours, so that a ratio of the totals is the
    arrival-weighted mean (and the wait of answered calls is weighted by the calls answered).

    Args:
        arrivals: Calls per day and interval, shape ``(days, intervals)``.
        agents: Agents per day and interval (an interval with calls and no agent counts as one).
        busy_min: Mean agent time per call (handle time and wrap-up) per day and interval.
        patience_min: Mean exponential patience (minutes) per day and interval.
        interval_min: Interval length (minutes).
        sl: The service-level definition.
    """
    n_days, _ = arrivals.shape
    out = np.zeros((n_days, HOURS, N_TALLIES))
    cache: dict[tuple[float, int, float, float], np.ndarray] = {}
    for d, i in zip(*np.nonzero(arrivals), strict=True):
        n = float(arrivals[d, i])
        key = (
            n,
            max(int(agents[d, i]), 1),
            round(float(busy_min[d, i]), 4),
            round(float(patience_min[d, i]), 4),
        )
        if key not in cache:
            cache[key] = _erlang_a_per_call(n / interval_min, key[1], key[2], key[3], sl)
        out[d, int(i * interval_min // 60)] += n * cache[key]
    return out


def _erlang_a_per_call(
    rate_per_min: float, agents: int, busy_min: float, patience_min: float, sl: ServiceLevel
) -> np.ndarray:
    """Erlang A totals per arriving call (the tallies of :func:`tally`, as expectations)."""
    k = erlang_a_kpis(rate_per_min, agents, busy_min, patience_min, sl.threshold_s)
    p_ab = k.p_abandon
    wait_all_s = k.mean_wait_min * 60.0
    wait_answered_s = k.asa_min * 60.0 * (1.0 - p_ab)
    in_time = k.service_level  # P(answered within the threshold), abandons as misses
    if sl.abandoned == "exclude":
        den = 1.0 - p_ab
    elif sl.short_abandon_s > 0:
        short = erlang_a_kpis(
            rate_per_min, agents, busy_min, patience_min, sl.threshold_s, sl.short_abandon_s
        )
        den = in_time / short.service_level if short.service_level > 0 else 1.0
    else:
        den = 1.0
    return np.array(
        [
            1.0,
            p_ab,
            max(wait_all_s - wait_answered_s, 0.0),
            1.0 - p_ab,
            wait_answered_s,
            1.0 - k.p_wait,
            in_time,
            den,
        ]
    )


def _mix(period: Period, per_type: np.ndarray) -> np.ndarray:
    """Call-weighted mean of a per-type value in every interval, shape ``(days, intervals)``."""
    calls = period.arrivals.sum(axis=1)
    weighted = np.einsum("dti,t->di", period.arrivals, per_type)
    return np.divide(weighted, calls, out=np.zeros(calls.shape), where=calls > 0)


def erlang_a_baseline(period: Period, scenario: Scenario, patience_s: np.ndarray) -> np.ndarray:
    """Erlang A totals per day and hour for the period (see :func:`erlang_a_totals`): the busy
    time per call (handle time and wrap-up) and the exponential patience are the scenario's
    per type (``patience_s``, see :func:`erlang_patience_s`), weighted by each interval's mix of
    types."""
    busy = np.array(
        [
            mean_min(ct.handle_time) + ct.wrap_up_s / 60.0
            for ct in scenario.demand.contact_types.values()
        ]
    )
    return erlang_a_totals(
        period.arrivals.sum(axis=1),
        period.roster,
        _mix(period, busy),
        _mix(period, np.asarray(patience_s) / 60.0),
        period.interval_min,
        scenario.service_level,
    )


def erlang_patience_s(scenario: Scenario, fitted: dict[str, float] | None) -> np.ndarray:
    """Exponential patience (seconds) per contact type for the Erlang A baseline.

    The fits recorded at calibration (:func:`sim.scenario_file.exponential_patience_s`): the
    type's own, else its hour band's pooled fit, else all types pooled; without them, the mean
    of the scenario's patience distribution.
    """
    out = []
    for name, ct in scenario.demand.contact_types.items():
        _, band = split_band(name)
        keys = [name, *([band_name(POOLED, band)] if band else []), POOLED]
        found = [fitted[k] for k in keys if fitted and k in fitted]
        value = found[0] if found else mean_min(ct.patience) * 60.0
        if not math.isfinite(value):
            raise ValueError(f"contact type {name} never abandons: Erlang A needs a patience")
        out.append(value)
    return np.array(out)


# --- the comparison ------------------------------------------------------------------------------


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
    """

    period: Period
    scenario_name: str
    simulated: np.ndarray
    erlang_a: np.ndarray
    replications: int
    seed: int
    service_level: str
    erlang_patience_s: float

    @property
    def hours(self) -> list[int]:
        """Hours of the day with observed calls."""
        calls = self.period.observed[..., OFFERED].sum(axis=0)
        return [h for h in range(HOURS) if calls[h] > 0]

    @property
    def source_line(self) -> str:
        """The charts' source line."""
        return (
            f"{self.period.credit}; {self.period.label}; {self.replications} replications; "
            f"{CI_LEVEL:.0%} CI"
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
        return pd.DataFrame(
            rows,
            columns=["scope", "hour", "measure", "source", "mean", "ci_low", "ci_high", "calls"],
        )

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
        return {
            "abandon_rate_diff_pp": 100.0 * (sim_ab - obs_ab),
            "abandon_rate_within_2pp": bool(abs(sim_ab - obs_ab) <= TARGET_ABANDON_PP),
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
            f"Validation of scenario '{self.scenario_name}' on {p.label} "
            f"({', '.join(Path(f).name for f in p.files)}): {p.calls:,} calls "
            f"("
            + ", ".join(f"{n:,} {why}" for why, n in p.left_out.items())
            + f" left out); staffing rule: slack {p.slack_min:g} min, idle gaps up to "
            f"{p.idle_max_min:g} min; {self.replications} replications; Erlang A patience "
            f"{self.erlang_patience_s:.0f} s (exponential, mean over calls)",
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
            "targets: abandonment within ±2 pp: "
            f"{t['abandon_rate_diff_pp']:+.1f} pp ({_ok(t['abandon_rate_within_2pp'])}); "
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
        """Write the numbers (``validation.parquet``, ``.csv``, ``.json``) and the per-interval
        inputs (``intervals.parquet``) into ``out_dir``; returns the files. The charts are
        :func:`sim.plotting.validation.validation_figures`."""
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
        """The re-simulation's inputs per day and interval: observed calls (per type), inferred
        agents (time-averaged) and the agents simulated."""
        p = self.period
        days, slots = np.nonzero(p.arrivals.sum(axis=1) + p.roster)
        frame = pd.DataFrame(
            {
                "date": [p.dates[d] for d in days],
                "interval_start_h": slots * p.interval_min / 60.0,
                "calls": p.arrivals.sum(axis=1)[days, slots],
                "agents_inferred": p.agents[days, slots],
                "agents_simulated": p.roster[days, slots],
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


# --- running it ----------------------------------------------------------------------------------


def validate(
    log: CleanLog,
    scenario: Scenario,
    *,
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
        replications: Independent replications of the period.
        seed: Master seed (default: the scenario's).
        slack_min: Staffing rule slack ``N`` (the one the scenario was calibrated with, see
            :func:`sim.scenario_file.staffing_rule`).
        idle_max_min: Staffing rule's longest idle gap (likewise).
        erlang_patience: Exponential patience fits in seconds by type and pooled, as recorded by
            calibration (:func:`sim.scenario_file.exponential_patience_s`); None: derived from the
            scenario (:func:`erlang_patience_s`).
        workers: Worker processes for the simulation.
        on_progress: Progress callback (jobs done, jobs).
    """
    seed = scenario.simulation.seed if seed is None else seed
    period = observe(log, scenario, slack_min=slack_min, idle_max_min=idle_max_min)
    patience_s = erlang_patience_s(scenario, erlang_patience)
    calls = period.arrivals.sum(axis=(0, 2))
    return Validation(
        period=period,
        scenario_name=scenario.name,
        simulated=simulate(period, scenario, replications, seed, workers, on_progress),
        erlang_a=erlang_a_baseline(period, scenario, patience_s),
        replications=replications,
        seed=seed,
        service_level=scenario.service_level.describe(),
        erlang_patience_s=float(np.average(patience_s, weights=calls)) if calls.sum() else math.nan,
    )
