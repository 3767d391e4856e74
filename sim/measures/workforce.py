"""Measures of the people at the desk (scenarios with a ``workforce`` section).

Definitions, over the reporting window:

* ``work_pressure_tier1``/``2``, ``fatigue_front_line``, ``staff_satisfaction``: means over the
  pressure meter's samples taken while the desk was open (pressure and fatigue of a tier: its
  groups' weighted by their agent-minutes present; satisfaction over every group weighted by its
  establishment);
* ``handle_time_cut``: 1 − the mean handle-time factor of the contacts answered (those not in a
  hurry counting 1); ``time_standard_end``: the front line's standard of time per contact at the
  last sample (its groups' weighted as pressure);
* ``absence_share``: rostered agent-minutes not covered by agents attending (unplanned absence
  and vacancies) over rostered agent-minutes;
* ``overtime_share``, ``overtime_hours``: agent-minutes present beyond those attending (agents
  finishing a contact after their shift, or kept on by the overtime policy), over agent-minutes
  attending, and in hours;
* ``leavers``: agents who left at the midnights in the window; ``attrition_annual``: leavers over
  the mean staff, per 365 days; ``vacancy_share``: 1 − the mean staff over the establishment.

What is counted contact by contact (handle time cut, and the daily table's talk time and
first-contact resolution) is accumulated over row chunks of the contact table, as the headline
measures are (:mod:`sim.measures.metrics`).
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from sim.measures.chunks import Totals, accumulate, row_chunks
from sim.measures.integrals import overtime_minutes, step_integral
from sim.measures.metrics import reporting_window
from sim.model.calendar import MINUTES_PER_DAY
from sim.model.records import ANSWERED, ContactTable, DeskRun
from sim.scenario.scenario import Scenario


def workforce_kpis(run: DeskRun, scenario: Scenario) -> dict[str, float]:
    """The workforce measures of one replication (none without a workforce section)."""
    workforce = scenario.workforce
    if workforce is None or run.pressure is None:
        return {}
    win = reporting_window(run, scenario)
    edges = np.array([win.start_min, win.end_min])
    times, pressure = run.pressure
    inside = open_samples(run, times, win.start_min)
    out = {}
    for tier in (1, 2):
        p = tier_mean(run, pressure, tier)
        out[f"work_pressure_tier{tier}"] = float(p[inside].mean()) if inside.any() else math.nan
    t = accumulate(
        _cut_totals(run, c, start, win.start_min) for start, c in row_chunks(run.contacts)
    )
    out["handle_time_cut"] = float(1.0 - _ratio(t["given"], t["answered"]))
    if run.standard is not None and len(times):
        out["time_standard_end"] = float(tier_mean(run, run.standard, 1)[-1])
    rostered = sum(step_integral(*s, edges)[0] for s in run.group_roster)
    attending = sum(step_integral(*s, edges)[0] for s in run.group_attending)
    if workforce.absence is not None or workforce.attrition is not None:
        out["absence_share"] = _ratio(rostered - attending, rostered)
    overtime = sum(
        overtime_minutes(present, came, win.start_min, win.end_min)
        for present, came in zip(run.group_present, run.group_attending, strict=True)
    )
    out["overtime_share"] = _ratio(overtime, attending)
    out["overtime_hours"] = overtime / 60.0
    if run.staff is not None:
        out.update(_staff_kpis(run, scenario, inside, win.start_min, win.end_min))
    return out


def _handle_factors(run: DeskRun, c: ContactTable, start: int) -> np.ndarray:
    """The handle-time factor of each of the rows ``c``, rows ``start`` on of the run's table: 1
    unless answered in a hurry."""
    ids, factors = run.cut
    factor = np.ones(len(c))
    mine = (ids >= start) & (ids < start + len(c))
    factor[ids[mine] - start] = factors[mine]
    return factor


def _cut_totals(run: DeskRun, c: ContactTable, start: int, from_min: float) -> Totals:
    """Over the rows ``c`` (from row ``start``): contacts arriving from ``from_min`` answered, and
    the sum of their handle-time factors."""
    answered = (c.arrival_min >= from_min) & (c.outcome == ANSWERED)
    return {"answered": answered.sum(), "given": _handle_factors(run, c, start)[answered].sum()}


def tier_mean(run: DeskRun, per_group: tuple[np.ndarray, ...], tier: int) -> np.ndarray:
    """A tier's series from its groups' (work pressure, standard, fatigue), each group weighted
    by its agent-minutes present over the run (equally if nobody was ever present)."""
    groups = np.flatnonzero(run.group_tier == tier)
    edges = np.array([run.plan.start_min, run.horizon_min])
    weights = np.array([step_integral(*run.group_present[g], edges)[0] for g in groups])
    if weights.sum() == 0:
        weights = np.ones(len(groups))
    weights = weights / weights.sum()
    return weights @ np.array([per_group[g] for g in groups])


def open_samples(run: DeskRun, times: np.ndarray, start_min: float) -> np.ndarray:
    """Which sample times fall while the desk was open, from ``start_min`` on."""
    opens = np.array([a for a, _ in run.plan.open_periods])
    closes = np.array([b for _, b in run.plan.open_periods])
    slot = np.searchsorted(opens, times, "right") - 1
    return (slot >= 0) & (times < closes[np.maximum(slot, 0)]) & (times >= start_min)


def _staff_kpis(
    run: DeskRun, scenario: Scenario, inside: np.ndarray, start: float, end: float
) -> dict[str, float]:
    staff = run.staff
    assert staff is not None and scenario.workforce is not None
    weights = staff.establishment / staff.establishment.sum()
    out: dict[str, float] = {}
    if scenario.workforce.fatigue is not None and inside.any():
        out["fatigue_front_line"] = float(tier_mean(run, staff.fatigue, 1)[inside].mean())
    if scenario.workforce.satisfaction is not None and inside.any():
        satisfaction = weights @ np.array([s[inside] for s in staff.satisfaction])
        out["staff_satisfaction"] = float(satisfaction.mean())
        out["staff_satisfaction_end"] = float(weights @ [s[-1] for s in staff.satisfaction])
    if scenario.workforce.attrition is not None:
        days = (staff.day * MINUTES_PER_DAY >= start) & (staff.day * MINUTES_PER_DAY < end)
        leavers = float(sum(x[days].sum() for x in staff.leavers))
        on_staff = np.sum([x[days] for x in staff.staff], axis=0)
        mean_staff = float(on_staff.mean()) if days.any() else math.nan
        out["leavers"] = leavers
        out["attrition_annual"] = _ratio(leavers * 365.0, mean_staff * days.sum())
        out["vacancy_share"] = 1.0 - mean_staff / float(staff.establishment.sum())
    return out


def _ratio(num: float, den: float) -> float:
    return num / den if den > 0 else math.nan


def workforce_daily(run: DeskRun, scenario: Scenario) -> dict[str, np.ndarray] | None:
    """Per day from the start date (None without a workforce section): the front line's work
    pressure (mean of the samples while open), standard of time per contact (at the end of
    the day), mean talk time of its answered phone calls (minutes), share of handle time cut and
    first-contact resolution (as the KPIs, for contacts arriving that day); per group, overtime
    agent-hours, and with those mechanisms fatigue (mean while open), the satisfaction index
    (end of day), staff, leavers and new hires, and the establishment."""
    if scenario.workforce is None or run.pressure is None:
        return None
    plan = run.plan
    days = np.array([d.index for d in plan.reported_days], dtype=np.int64)
    edges = np.append(days, days[-1] + 1) * MINUTES_PER_DAY
    times, pressure = run.pressure
    sample_day = np.searchsorted(edges, times, "right") - 1
    inside = open_samples(run, times, edges[0])
    table: dict[str, np.ndarray] = {"day": days}
    for tier in (1, 2):
        p = tier_mean(run, pressure, tier)
        table[f"work_pressure_tier{tier}"] = _daily_mean(p, sample_day, inside, len(days))
    if run.standard is not None:
        standard = tier_mean(run, run.standard, 1)
        table["time_standard_tier1"] = _daily_last(standard, times, edges)
    t = accumulate(_daily_totals(run, c, start, edges) for start, c in row_chunks(run.contacts))
    table["phone_handle_min"] = _div(t["talk_min"], t["phone"])
    table["handle_time_cut"] = 1.0 - _div(t["given"], t["answered"])
    table["fcr_rate"] = _div(t["first_resolved"], t["first"])
    for g, name in enumerate(run.group_names):
        table[f"overtime_h.{name}"] = np.array(
            [
                overtime_minutes(run.group_present[g], run.group_attending[g], a, b) / 60.0
                for a, b in itertools.pairwise(edges)
            ]
        )
    staff = run.staff
    if staff is None:
        return table
    workforce = scenario.workforce
    for g, name in enumerate(run.group_names):
        if workforce.fatigue is not None:
            table[f"fatigue.{name}"] = _daily_mean(staff.fatigue[g], sample_day, inside, len(days))
        if workforce.satisfaction is not None:
            end_of_day = _daily_last(staff.satisfaction[g], times, edges)
            table[f"satisfaction.{name}"] = end_of_day
        if workforce.attrition is not None:
            at = np.searchsorted(staff.day, days)
            for column, values in (
                ("staff", staff.staff[g]),
                ("leavers", staff.leavers[g]),
                ("hires", staff.hires[g]),
            ):
                table[f"{column}.{name}"] = values[at]
            table[f"establishment.{name}"] = np.full(len(days), staff.establishment[g])
    return table


def _daily_totals(run: DeskRun, c: ContactTable, start: int, edges: np.ndarray) -> Totals:
    """Per day (between ``edges``), over the rows ``c`` (from row ``start``): the front line's
    answered contacts and the sum of their handle-time factors, its answered phone calls and
    their talk time, and its first contacts answered and those resolved."""
    n = len(edges) - 1
    day = np.searchsorted(edges, c.arrival_min, "right") - 1
    answered = (c.outcome == ANSWERED) & (c.tier == 1) & (day >= 0) & (day < n)
    phone = answered & run.is_phone[c.type_code]
    factor = _handle_factors(run, c, start)
    first = answered & (c.attempt == 1) & (c.resolved >= 0)
    return {
        "talk_min": np.bincount(day[phone], weights=c.handle_min[phone], minlength=n),
        "phone": np.bincount(day[phone], minlength=n),
        "given": np.bincount(day[answered], weights=factor[answered], minlength=n),
        "answered": np.bincount(day[answered], minlength=n),
        "first_resolved": np.bincount(day[first], weights=c.resolved[first] == 1, minlength=n),
        "first": np.bincount(day[first], minlength=n),
    }


def _daily_mean(x: np.ndarray, day: np.ndarray, keep: np.ndarray, n: int) -> np.ndarray:
    """Mean of ``x`` per day over the samples kept."""
    m = keep & (day >= 0) & (day < n)
    return _div(np.bincount(day[m], weights=x[m], minlength=n), np.bincount(day[m], minlength=n))


def _daily_last(x: np.ndarray, times: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """The value of ``x`` at the end of each day: after the last sample before the next midnight
    (a day the meter slept through keeps the day before's; NaN before the first sample)."""
    last = np.searchsorted(times, edges[1:], "left") - 1
    return np.where(last >= 0, x[np.maximum(last, 0)], np.nan)


def _div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.full(len(num), np.nan), where=den > 0)
