"""Measures of a desk with agent groups: service by contact type, occupancy by group, and who
served whom.

Reported for scenarios written with ``staffing.groups`` (a two-tier desk keeps its headline
measures only). Definitions, over front-line phone contacts arriving in the reporting window
unless said otherwise:

* ``service_level_by_type.<type>``, ``abandon_rate_by_type.<type>``, ``asa_s_by_type.<type>``:
  the headline service level (by ``service_level``'s definition), abandonment rate and average
  speed of answer, per phone contact type;
* ``occupancy_by_group.<group>``: agent-minutes busy (talk and wrap-up) over agent-minutes
  present, per group;
* ``served.<type>/<group>``: contacts of the type (any channel, any tier) answered by the group,
  for each group with the skill.
"""

from __future__ import annotations

import math

import numpy as np

from sim.measures.metrics import busy_spans, phone_service, span_integral, step_integral
from sim.model.records import ANSWERED, DeskRun
from sim.scenario.scenario import Scenario

FAMILIES = ("service_level_by_type", "abandon_rate_by_type", "asa_s_by_type", "occupancy_by_group")
"""KPI families named by their member (``occupancy_by_group.billing``); ``served`` is another."""


def _ratio(num: float, den: float) -> float:
    return num / den if den > 0 else math.nan


def group_kpis(run: DeskRun, scenario: Scenario) -> dict[str, float]:
    """Service by type, occupancy by group and who served whom, over ``[warmup, horizon)``
    (empty for a two-tier desk)."""
    if scenario.staffing.groups is None:
        return {}
    c = run.contacts
    start, end = scenario.calendar.warmup_min, run.horizon_min
    in_win = (c.arrival_min >= start) & (c.arrival_min < end)
    k: dict[str, float] = {}
    for code, name in enumerate(run.type_names):
        if not run.is_phone[code]:
            continue
        p = phone_service(c, in_win & (c.tier == 1) & (c.type_code == code), scenario)
        k[f"service_level_by_type.{name}"] = p.service_level
        k[f"abandon_rate_by_type.{name}"] = p.abandon_rate
        k[f"asa_s_by_type.{name}"] = p.asa_s
    edges = np.array([start, end])
    answered_all = c.outcome == ANSWERED
    for g, group in enumerate(run.group_names):
        mine = answered_all & (c.group == g)
        busy = span_integral(*busy_spans(run, c.group == g, [g]), edges)[0]
        present = step_integral(*run.group_present[g], edges)[0]
        k[f"occupancy_by_group.{group}"] = _ratio(busy, present)
        served = np.bincount(c.type_code[mine & in_win], minlength=len(run.type_names))
        for code, name in enumerate(run.type_names):
            if run.group_skills[g, code]:
                k[f"served.{name}/{group}"] = float(served[code])
    return k
