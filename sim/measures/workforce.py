"""Measures of the people at the desk (scenarios with a ``workforce`` section).

Definitions, over the reporting window:

* ``work_pressure_tier1``/``2``, ``fatigue_front_line``, ``staff_satisfaction``: means over the
  pressure meter's samples taken while the desk was open (fatigue over the front-line groups,
  satisfaction over every group weighted by its establishment);
* ``handle_time_cut``: 1 − the mean handle-time factor of the contacts answered (those not in a
  hurry counting 1); ``time_standard_end``: the front line's standard of time per contact at the
  last sample;
* ``absence_share``: rostered agent-minutes not covered by agents attending (unplanned absence
  and vacancies) over rostered agent-minutes;
* ``overtime_share``, ``overtime_hours``: agent-minutes present beyond those attending (agents
  finishing a contact after their shift, or kept on by the overtime policy), over agent-minutes
  attending, and in hours;
* ``leavers``: agents who left at the midnights in the window; ``attrition_annual``: leavers over
  the mean staff, per 365 days; ``vacancy_share``: 1 − the mean staff over the establishment.
"""

from __future__ import annotations

import math

import numpy as np

from sim.measures.metrics import overtime_minutes, reporting_window, step_integral
from sim.model.calendar import MINUTES_PER_DAY
from sim.model.records import ANSWERED, DeskRun
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
    out = {
        f"work_pressure_tier{t}": float(p[inside].mean()) if inside.any() else math.nan
        for t, p in pressure.items()
    }
    c = run.contacts
    answered = (c.arrival_min >= win.start_min) & (c.outcome == ANSWERED)
    factor = np.ones(len(c))
    factor[run.cut[0]] = run.cut[1]
    out["handle_time_cut"] = float(1.0 - factor[answered].mean()) if answered.any() else math.nan
    if run.standard is not None and len(run.standard[1]):
        out["time_standard_end"] = float(run.standard[1][-1])
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
    front = run.group_tier == 1
    out: dict[str, float] = {}
    if scenario.workforce.fatigue is not None and inside.any():
        fatigue = np.mean([f[inside] for f, t in zip(staff.fatigue, front, strict=True) if t])
        out["fatigue_front_line"] = float(fatigue)
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
