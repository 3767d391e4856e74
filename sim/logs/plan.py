"""The inputs of a validation's re-simulation, in each of its three modes.

A logged period can be re-simulated from what happened or from what a planner knew beforehand;
the three modes differ only in where the arrivals, the opening hours and the agents come from
(the calibrated scenario supplies handle times, patience and everything else in every mode):

* ``trace`` — **trace-driven**: the period's observed calls per interval and the agents the
  staffing rule infers from the period's own log (which reads when its callers were waiting).
  It checks the desk model *given what happened*; it is not a prediction.
* ``planned-staffing`` — the observed calls, but the staffing **planned** from the calibration
  months: the scenario's roster (by default the calibration's weekday × interval profile of agents
  on duty; or any roster kind the scenario has, a queueing rule built from the scenario's own
  weekday volumes) and its opening hours, each day planned as its weekday or, on a holiday, as
  the weekday its kind is planned as (:mod:`sim.logs.holidays`).
* ``forecast`` — **a prediction**: the arrivals forecast from the months before the period
  (:mod:`sim.logs.forecast`, with its day-to-day overdispersion as the scenario's day factor) and
  the planned staffing (a queueing roster is built from the forecast). Nothing comes from the
  validated period.

Calls observed outside the plan's opening hours cannot be simulated in the planned modes; they
are counted (they stay in the observed measures, which are the same in every mode).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.logs.forecast import ALL_TYPES
from sim.logs.holidays import HolidayCalendar
from sim.logs.log_schema import LogError, LogSchema
from sim.logs.observed import Period, scenario_type_of
from sim.measures.integrals import step_integral
from sim.model.agents import staffing_steps
from sim.model.calendar import CalendarPlan
from sim.scenario.desk import WEEKDAYS
from sim.scenario.scenario import Scenario


@dataclass(frozen=True)
class DeskInputs:
    """What the re-simulation of a period takes, per day and interval.

    Attributes:
        mode: One of :data:`sim.logs.modes.MODES`.
        arrivals: Calls per day, contact type and interval, shape ``(days, types, intervals)``:
            observed counts, or the forecast's expected calls.
        roster: Agents available per day and interval (None: the scenario's own roster, laid on
            the days as planned; only while the plan is being worked out).
        open_slots: First and past-last interval the desk is open, per day.
        planned_as: Weekday each day is planned as.
        day_volume_cv: Day-to-day CV of the simulated volume (0: the arrivals are what happened).
        outside_plan: Observed calls the plan's opening hours leave out (not simulated).
        source: Where the arrivals and agents come from, in words.
    """

    mode: str
    arrivals: np.ndarray
    roster: np.ndarray | None
    open_slots: tuple[tuple[int, int], ...]
    planned_as: tuple[str, ...]
    day_volume_cv: float
    outside_plan: int
    source: str


def trace_inputs(period: Period) -> DeskInputs:
    """The trace-driven inputs: the period's observed calls and inferred agents."""
    return DeskInputs(
        mode="trace",
        arrivals=period.arrivals.astype(float),
        roster=period.roster,
        open_slots=tuple(period.open_slots(d) for d in range(len(period.dates))),
        planned_as=tuple(WEEKDAYS[d.weekday()] for d in period.dates),
        day_volume_cv=0.0,
        outside_plan=0,
        source="observed calls; agents inferred from the validated log "
        f"(slack {period.slack_min:g} min, idle gaps up to {period.idle_max_min:g} min)",
    )


def _plan_slots(scenario: Scenario, weekday: str) -> tuple[int, int]:
    hours = scenario.calendar.opening_hours.of(weekday)
    if hours is None:
        return 0, 0
    width = scenario.calendar.interval_min
    return round(hours.open_h * 60 / width), round(hours.close_h * 60 / width)


def _inside(arrivals: np.ndarray, slots: Sequence[tuple[int, int]]) -> np.ndarray:
    """The arrivals with every interval outside the day's slots set to 0."""
    mask = np.zeros((arrivals.shape[0], arrivals.shape[2]), dtype=bool)
    for d, (lo, hi) in enumerate(slots):
        mask[d, lo:hi] = True
    return arrivals * mask[:, None, :]


def scenario_arrivals(scenario: Scenario, weekday: str) -> np.ndarray:
    """The scenario's expected calls per contact type and interval of the day on ``weekday``
    (its daily volumes spread by its profiles), shape ``(types, 1440 / interval_min)``."""
    lo, hi = _plan_slots(scenario, weekday)
    out = np.zeros((len(scenario.demand.contact_types), 1440 // scenario.calendar.interval_min))
    for k, ct in enumerate(scenario.demand.contact_types.values()):
        name = ct.profile_on(weekday)  # type: ignore[arg-type]
        volume = ct.daily_volume.of(weekday)  # type: ignore[arg-type]
        if name is not None and volume > 0 and hi > lo:
            weights = np.asarray(scenario.demand.profiles[name], dtype=float)
            out[k, lo:hi] = volume * weights / weights.sum()
    return out


def planned_roster(
    dates: Sequence[dt.date],
    scenario: Scenario,
    demand: np.ndarray,
    slots: Sequence[tuple[int, int]],
    planned_as: Sequence[str],
) -> np.ndarray:
    """Agents available per day and interval under the scenario's roster, each day planned as
    ``planned_as`` (a ``by_interval`` roster takes that weekday's counts; a queueing roster is
    worked out from ``demand``, the planner's expected calls), after shrinkage and the headcount
    scale, time-averaged per interval and rounded."""
    width = scenario.calendar.interval_min
    plan = DeskInputs("plan", demand, None, tuple(slots), tuple(planned_as), 0.0, 0, "")
    out = np.zeros((len(dates), 1440 // width))
    for first, week in week_scenarios(plan, dates, scenario, keep_empty=True):
        days = week.calendar.horizon_days
        times, levels = staffing_steps(
            week.staffing.tier1, CalendarPlan.from_config(week.calendar), week
        )
        edges = np.arange(days * out.shape[1] + 1) * float(width)
        agents = step_integral(times, levels.astype(float), edges) / width
        out[first : first + days] = agents.reshape(days, -1)
    return np.rint(out).astype(np.int64)


def planned_inputs(period: Period, scenario: Scenario, calendar: HolidayCalendar) -> DeskInputs:
    """Observed calls, with the staffing and opening hours planned from the scenario (the
    calibration months), each day planned as the holiday calendar says."""
    calendar.check_covers(period.dates[0], period.dates[-1], "the validated period")
    planned = tuple(calendar.planned_as(d) for d in period.dates)
    slots = tuple(_plan_slots(scenario, w) for w in planned)
    demand = np.stack([scenario_arrivals(scenario, w) for w in planned])
    arrivals = _inside(period.arrivals.astype(float), slots)
    return DeskInputs(
        mode="planned-staffing",
        arrivals=arrivals,
        roster=planned_roster(period.dates, scenario, demand, slots, planned),
        open_slots=slots,
        planned_as=planned,
        day_volume_cv=0.0,
        outside_plan=round(period.arrivals.sum() - arrivals.sum()),
        source=f"observed calls; the scenario's roster ({scenario.staffing.tier1.kind}) and "
        f"opening hours, days planned by holiday calendar {calendar.name}",
    )


def forecast_inputs(
    period: Period, scenario: Scenario, forecast: pd.DataFrame, schema: LogSchema
) -> DeskInputs:
    """Forecast calls (a table of :meth:`sim.logs.forecast.Forecast.table`) and the planned
    staffing; the forecast must be made before the period and cover every day of it.

    Raises:
        LogError: The forecast's history reaches into the period, or it misses days.
    """
    first = period.dates[0]
    history_last = pd.Timestamp(forecast["history_last"].max()).date()
    if history_last >= first:
        raise LogError(
            [
                f"the forecast's history runs to {history_last}, into the validated period "
                f"(from {first}): not a forecast; make it from the days before {first}"
            ]
        )
    rows = forecast[forecast["type"] != ALL_TYPES]
    dates = pd.to_datetime(rows["date"]).dt.date
    index = {d: i for i, d in enumerate(period.dates)}
    missing = sorted(set(period.dates) - set(dates))
    if missing:
        raise LogError(
            [
                f"the forecast misses {len(missing)} day(s) of the validated period "
                f"({missing[0]} to {missing[-1]}): forecast {period.label}"
            ]
        )
    inside = dates.isin(index).to_numpy()
    rows, dates = rows[inside], dates[inside]
    planned_on = dict(zip(dates, rows["planned_as"].astype(str), strict=True))
    planned = tuple(planned_on[d] for d in period.dates)
    hour = rows["interval_start_h"].to_numpy()
    types = scenario_type_of(rows["type"], np.floor(hour).astype(int), schema, period.type_names)
    code = pd.Index(period.type_names).get_indexer(types)
    width = period.interval_min
    slot = np.rint(hour * 60 / width).astype(np.int64)
    day = np.array([index[d] for d in dates])
    expected = np.zeros(period.arrivals.shape)
    np.add.at(expected, (day, code, slot), rows["mean"].to_numpy(dtype=float))
    slots = tuple(_plan_slots(scenario, w) for w in planned)
    arrivals = _inside(expected, slots)
    return DeskInputs(
        mode="forecast",
        arrivals=arrivals,
        roster=planned_roster(period.dates, scenario, arrivals, slots, planned),
        open_slots=slots,
        planned_as=planned,
        day_volume_cv=float(forecast["day_volume_cv"].iloc[0]),
        outside_plan=round(period.arrivals.sum() - _inside(period.arrivals, slots).sum()),
        source=f"calls forecast from the days up to {history_last} (day-to-day CV "
        f"{float(forecast['day_volume_cv'].iloc[0]):.3f}); the scenario's roster "
        f"({scenario.staffing.tier1.kind}) and opening hours",
    )


def week_scenarios(
    inputs: DeskInputs, dates: Sequence[dt.date], scenario: Scenario, keep_empty: bool = False
) -> list[tuple[int, Scenario]]:
    """The period as one scenario per calendar week: (index of its first day, scenario).

    Every weekday of a week carries that day's calls per interval and type (as its profiles and
    daily volumes), its opening hours and its agents (as a ``by_interval`` roster; with no
    roster in ``inputs``, the scenario's own, a ``by_interval`` one taking the counts of the
    weekday the day is planned as); handle times, patience, wrap-up and the service-level
    definition are the scenario's. A week without calls is left out unless ``keep_empty``.
    """
    base = scenario.model_dump(mode="json", exclude={"customers", "recovery", "economics"})
    width = 1440 // inputs.arrivals.shape[2]
    tier1 = base["staffing"]["tier1"]
    types = list(scenario.demand.contact_types)
    out = []
    for first in range(0, len(dates), 7):
        days = range(first, min(first + 7, len(dates)))
        hours: dict[str, Any] = dict.fromkeys(WEEKDAYS)
        profiles: dict[str, list[float]] = {}
        volumes: dict[str, dict[str, float]] = {t: {} for t in types}
        profile_of: dict[str, dict[str, str]] = {t: {} for t in types}
        agents: dict[str, list[int]] = {}
        holidays = []
        for d in days:
            date = dates[d]
            w = WEEKDAYS[date.weekday()]
            lo, hi = inputs.open_slots[d]
            if hi <= lo:
                continue
            hours[w] = {"open_h": lo * width / 60, "close_h": hi * width / 60}
            if inputs.roster is not None:
                agents[w] = inputs.roster[d, lo:hi].tolist()
            elif tier1["kind"] == "by_interval":
                agents[w] = tier1["agents"][inputs.planned_as[d]]
            counts = inputs.arrivals[d, :, lo:hi]
            if counts.sum() == 0:
                holidays.append(date.isoformat())
                continue
            for k, t in enumerate(types):
                volumes[t][w] = float(counts[k].sum())
                if counts[k].sum() > 0:
                    name = f"{t}.{date.isoformat()}"
                    profiles[name] = counts[k].astype(float).tolist()
                    profile_of[t][w] = name
        if not profiles and not keep_empty:
            continue
        data = dict(base)
        data["name"] = f"{scenario.name}.week-{dates[first].isoformat()}"
        data["calendar"] = {
            "start_date": dates[first].isoformat(),
            "horizon_days": len(days),
            "interval_min": width,
            "opening_hours": hours,
            "holidays": holidays,
            "peak_days": [],
            "warmup_min": 0.0,
        }
        data["demand"] = base["demand"] | {
            "day_volume_cv": inputs.day_volume_cv,
            "profiles": profiles,
            "contact_types": {
                t: base["demand"]["contact_types"][t]
                | {"daily_volume": volumes[t], "profile": profile_of[t]}
                for t in types
            },
        }
        if inputs.roster is not None:
            tier1_week = {"kind": "by_interval", "agents": agents}
        elif tier1["kind"] == "by_interval":
            tier1_week = tier1 | {"agents": agents}
        else:
            tier1_week = tier1
        data["staffing"] = base["staffing"] | {"tier1": tier1_week}
        out.append((first, Scenario.model_validate(data)))
    return out
