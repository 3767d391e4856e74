"""Staffing from the forecast: agents per planning interval by queueing theory (SIPP).

The stationary independent period-by-period approach (Green, Kolesar & Soares 2001) treats each
planning interval as a stationary queue with that interval's arrival rate and staffs it on its
own: the fewest agents meeting the service-level target under Erlang C (no abandonment) or
Erlang A (exponential patience, the callers' mean), or the square-root rule ``R + β√R``.

Phone contact types are pooled: the arrival rate is their sum, the handle time (talk plus
wrap-up) and the patience are arrival-weighted means (patience through its abandonment rate).
Email is deferred work: its offered load averaged over the day is added to every interval. The
result is the number of agents to *have available*; the roster adds shrinkage on top.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from sim.model.arrivals import interval_rates
from sim.model.calendar import CalendarPlan
from sim.queueing import agents_for_service_level, square_root_staffing
from sim.scenario.base import mean_min
from sim.scenario.scenario import Scenario
from sim.scenario.staffing import QueueingRoster


def required_agents(
    roster: QueueingRoster, scenario: Scenario, plan: CalendarPlan
) -> list[tuple[float, float, int]]:
    """Agents to roster per open planning interval, as ``(start_min, end_min, agents)`` spans.

    Agents available = the queueing requirement; rostered = available / (1 − shrinkage), so
    that shrinkage (applied when the roster becomes staffing) leaves the requirement.
    """
    demand = scenario.demand
    types = list(demand.contact_types.values())
    phone = np.array([t.channel == "phone" for t in types])
    work_min = np.array([mean_min(t.handle_time) + t.wrap_up_s / 60.0 for t in types])
    abandon_rate = np.array([1.0 / mean_min(t.patience) for t in types])  # 0 without patience
    width = plan.interval_min
    solve = _solver(roster, scenario.service_level.threshold_s)
    spans = []
    for day in plan.days:
        starts = plan.interval_starts(day)
        if not len(starts):
            continue
        rates = interval_rates(plan, demand, day) * roster.load_factor  # (types, intervals)
        calls = rates[phone].sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            aht = (rates[phone] * work_min[phone, None]).sum(axis=0) / calls
            theta = (rates[phone] * abandon_rate[phone, None]).sum(axis=0) / calls
        email_agents = math.ceil(
            float((rates[~phone] * work_min[~phone, None]).sum()) / (len(starts) * width)
        )
        for i, start in enumerate(starts.tolist()):
            phone_agents = solve(calls[i] / width, aht[i], theta[i]) if calls[i] > 0 else 0
            available = max(phone_agents + email_agents, roster.min_agents)
            rostered = math.ceil(available / (1.0 - roster.shrinkage_fraction) - 1e-9)
            spans.append((start, start + width, rostered))
    return spans


def _solver(roster: QueueingRoster, threshold_s: float) -> Callable[[float, float, float], int]:
    """Agents for one interval ``(rate per min, handle min, abandonment rate per min)``, memoised:
    the same weekday pattern recurs all year."""
    cache: dict[tuple[float, float, float], int] = {}

    def solve(rate: float, aht_min: float, theta: float) -> int:
        key = (round(rate, 9), round(aht_min, 9), round(theta, 12))
        if key not in cache:
            if roster.kind == "square_root":
                cache[key] = square_root_staffing(rate, aht_min, roster.beta)
            else:
                patience = 1.0 / theta if roster.kind == "erlang_a" and theta > 0 else None
                cache[key] = agents_for_service_level(
                    rate, aht_min, roster.target_service_level, threshold_s, patience
                )
        return cache[key]

    return solve
