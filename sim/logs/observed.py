"""A logged period observed: per-call tallies and the measures of validation, per hour and overall,
from the log (see :mod:`sim.logs.validation`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.logs.agent_activity import AgentActivity
from sim.logs.arrival_fits import IntervalGrid, fit_arrivals
from sim.logs.bands import split_band
from sim.logs.contact_log import ABANDONED, SERVED, CleanLog
from sim.logs.duty_rule import IDLE_MAX_MIN, SLACK_MIN
from sim.logs.log_schema import LogError, LogSchema
from sim.scenario.desk import WEEKDAYS, ServiceLevel
from sim.scenario.scenario import Scenario

MEASURES: dict[str, tuple[str, str]] = {
    "abandon_rate": ("abandonment rate", "share"),
    "mean_wait_served_s": ("mean wait of answered calls", "s"),
    "mean_wait_abandoned_s": ("mean wait of abandoned calls", "s"),
    "p_no_wait": ("answered without waiting", "share"),
    "service_level": ("service level", "share"),
}
"""Measure → (label, unit); ``share`` is a fraction in [0, 1]."""


HOURS = 24


OFFERED, GAVE_UP, WAIT_GAVE_UP, ANSWERED_T, WAIT_ANSWERED, NO_WAIT, SL_GOOD, SL_DEN = range(8)


N_TALLIES = 8
"""Per-call totals every measure is a ratio of: calls, abandoned, their waits (s), answered,
their waits (s), answered without waiting, answered within the threshold, the service level's
denominator."""


BOOTSTRAP = 2000
"""Bootstrap resamples of days for the observed intervals."""


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
    :func:`sim.logs.bands.band_name`) takes the band of the call's hour; when the scenario has
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
        open_share: Opening-hours rule (as in :func:`sim.logs.calibrate.calibrate`).
        abnormal_below: Abnormal-day rule (as in :func:`sim.logs.calibrate.calibrate`); abnormal
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
