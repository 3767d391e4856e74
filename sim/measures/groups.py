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

Like the headline measures (:mod:`sim.measures.metrics`), they are accumulated over row chunks of
the contact table, so that their temporaries do not grow with it.
"""

from __future__ import annotations

import math

import numpy as np

from sim.measures.chunks import Totals, accumulate, row_chunks
from sim.measures.integrals import span_integral, step_integral
from sim.measures.metrics import busy_spans, phone_service, service_rates
from sim.model.records import ANSWERED, ContactTable, DeskRun
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
    edges = np.array([scenario.calendar.warmup_min, run.horizon_min])
    t = accumulate(
        _group_totals(run, scenario, c, start == 0, edges) for start, c in row_chunks(run.contacts)
    )
    k: dict[str, float] = {}
    for code, totals in t["types"].items():
        name = run.type_names[code]
        rates = service_rates(totals)
        k[f"service_level_by_type.{name}"] = rates.service_level
        k[f"abandon_rate_by_type.{name}"] = rates.abandon_rate
        k[f"asa_s_by_type.{name}"] = rates.asa_s
    for g, group in enumerate(run.group_names):
        present = step_integral(*run.group_present[g], edges)[0]
        k[f"occupancy_by_group.{group}"] = _ratio(t["busy_min"][g][0], present)
        served = t["served"][g]
        for code, name in enumerate(run.type_names):
            if run.group_skills[g, code]:
                k[f"served.{name}/{group}"] = float(served[code])
    return k


def _group_totals(
    run: DeskRun, scenario: Scenario, c: ContactTable, chats: bool, edges: np.ndarray
) -> Totals:
    """Over the rows ``c``: each phone type's calls, each group's busy agent-minutes (``chats``:
    the first chunk, which takes the chat stretches) and contacts answered by type."""
    in_win = (c.arrival_min >= edges[0]) & (c.arrival_min < edges[1])
    types = {
        code: phone_service(c, in_win & (c.tier == 1) & (c.type_code == code), scenario).totals()
        for code in range(len(run.type_names))
        if run.is_phone[code]
    }
    answered_all = c.outcome == ANSWERED
    busy, served = {}, {}
    for g in range(len(run.group_names)):
        mine = c.group == g
        busy[g] = span_integral(*busy_spans(run, c, mine, [g], chats), edges)
        served[g] = np.bincount(
            c.type_code[answered_all & mine & in_win], minlength=len(run.type_names)
        )
    return {"types": types, "busy_min": busy, "served": served}
