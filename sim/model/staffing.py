"""Staffing from the forecast: agents per planning interval by queueing theory (SIPP).

The stationary independent period-by-period approach (Green, Kolesar & Soares 2001) treats each
planning interval as a stationary queue with that interval's arrival rate and staffs it on its
own: the fewest agents meeting the service-level target under Erlang C (no abandonment) or
Erlang A (exponential patience, the callers' mean), or the square-root rule ``R + β√R``.

Phone contact types are pooled: the arrival rate is their sum, the handle time (talk plus
wrap-up) and the patience are arrival-weighted means (patience through its abandonment rate).
Email is deferred work: its offered load averaged over the day is added to every interval. The
result is the number of agents to *have available*; the roster adds shrinkage on top.

With several front-line groups, each queueing roster staffs for the part of the forecast its
group is expected to answer, found by a stated approximation (a split along the routes):

1. Each contact type's tier-1 route (:func:`sim.scenario.routing.route`) is taken in the order a
   contact can reach its groups (by ``after_s``, then the route's order) and cut after its first
   group with a queueing roster: that group takes every call of the type that reaches it.
2. A group with a fixed, by-interval or shift roster before it in the route answers the calls
   that find one of its agents free and passes the rest on, as a loss system: a share
   ``B(c, a)`` (Erlang B) of the type's calls goes on down the route, where ``c`` is the group's
   agents available in the interval (after shrinkage and headcount scale, averaged over the
   interval; B interpolated between whole agents) and ``a`` the load offered to it by every type
   whose route reaches it before a queueing group (arrival rate × the group's handle time for
   the type, its ``handle_time_factor`` applied, plus the type's wrap-up). Every type sees the
   same blocking (Erlang B is exact for several Poisson streams sharing one pool, whatever the
   handle times). Routes that pass through each other's groups are solved together by repeated
   substitution: the Erlang fixed point of loss networks (Kelly 1991).
3. The queueing group is then staffed by its roster's rule for the calls that reach it: their
   rate, the arrival-weighted handle time at the group's own handle-time factors, and the
   patience as above. Email of a type is added, as its average load over the day, to the first
   queueing group of its route. A group that nothing reaches gets ``min_agents``.

Where it errs. Conservative (more agents than needed): a fixed group also takes calls that
queue, not only those that find it free, and groups later in a route (helpers after a delay)
are left out, as are fixed groups ahead of email. Optimistic (fewer): calls overflowing a busy
group come in bursts (peakedness, Wilkinson 1956) that a Poisson stream of the same rate does
not have, and capacity a fixed group spends on types it only helps with after a delay is not
subtracted. The simulation is the judge: the result is checked by simulating the staffed desk.
With one front-line group every type reaches it whole, at handle-time factors of 1 for the
two-tier desk, so it is staffed exactly as the pooled front line.

The Erlang formulas (:mod:`sim.queueing`, which loads SciPy) are imported when a roster is first
staffed here, so a desk without queueing rosters never loads them.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from sim.model.arrivals import interval_rates
from sim.model.calendar import CalendarPlan
from sim.scenario.base import mean_min
from sim.scenario.routing import route
from sim.scenario.scenario import Scenario
from sim.scenario.staffing import QueueingRoster

Available = Callable[[str], tuple[np.ndarray, np.ndarray]]
"""A group's agents available over time, ``(times_min, agents)`` as a step function (after
shrinkage and headcount scale), by group name."""


def required_agents(
    roster: QueueingRoster,
    scenario: Scenario,
    plan: CalendarPlan,
    group: str | None = None,
    available: Available | None = None,
) -> list[tuple[float, float, int]]:
    """Agents to roster per open planning interval, as ``(start_min, end_min, agents)`` spans.

    Agents available = the queueing requirement; rostered = available / (1 − shrinkage), so
    that shrinkage (applied when the roster becomes staffing) leaves the requirement.

    ``group`` names the tier-1 group whose roster this is: it is staffed for its part of the
    forecast (the split along the routes in the module's docstring); None staffs for the whole
    front-line forecast, pooled. ``available`` gives the other groups' agents, needed when a
    route passes a group whose roster is not a queueing one before it reaches this one.
    """
    types = list(scenario.demand.contact_types.values())
    if group is None:
        work_min = np.array([mean_min(t.handle_time) + t.wrap_up_s / 60.0 for t in types])
        return _interval_requirements(roster, scenario, plan, work_min, None)
    split = RouteSplit(scenario, plan, available)
    work_min = np.nan_to_num(group_work_min(scenario, group))  # types it never gets weigh 0
    return _interval_requirements(
        roster, scenario, plan, work_min, lambda rates, starts: split.shares(group, rates, starts)
    )


def _interval_requirements(
    roster: QueueingRoster,
    scenario: Scenario,
    plan: CalendarPlan,
    work_min: np.ndarray,
    shares: Callable[[np.ndarray, np.ndarray], np.ndarray] | None,
) -> list[tuple[float, float, int]]:
    """Agents to roster per open interval for the forecast (times ``shares(rates, starts)``, the
    part of each type's calls that reaches a group, when given), each type's contacts taking
    ``work_min``: Erlang or square-root staffing on the phone calls, plus the day's average
    deferred work."""
    demand = scenario.demand
    types = list(demand.contact_types.values())
    phone = np.array([t.channel == "phone" for t in types])
    abandon_rate = np.array([1.0 / mean_min(t.patience) for t in types])  # 0 without patience
    width = plan.interval_min
    solve = _solver(roster, scenario.service_level.threshold_s)
    spans = []
    for day in plan.days:
        starts = plan.interval_starts(day)
        if not len(starts):
            continue
        rates = interval_rates(plan, demand, day) * roster.load_factor  # (types, intervals)
        if shares is not None:
            rates = rates * shares(rates, starts)
        calls = rates[phone].sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            aht = (rates[phone] * work_min[phone, None]).sum(axis=0) / calls
            theta = (rates[phone] * abandon_rate[phone, None]).sum(axis=0) / calls
        email_agents = math.ceil(
            float((rates[~phone] * work_min[~phone, None]).sum()) / (len(starts) * width)
        )
        for i, start in enumerate(starts.tolist()):
            phone_agents = solve(calls[i] / width, aht[i], theta[i]) if calls[i] > 0 else 0
            available_agents = max(phone_agents + email_agents, roster.min_agents)
            rostered = math.ceil(available_agents / (1.0 - roster.shrinkage_fraction) - 1e-9)
            spans.append((start, start + width, rostered))
    return spans


def _solver(roster: QueueingRoster, threshold_s: float) -> Callable[[float, float, float], int]:
    """Agents for one interval ``(rate per min, handle min, abandonment rate per min)``, memoised:
    the same weekday pattern recurs all year."""
    from sim.queueing import agents_for_service_level, square_root_staffing

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


_FIXED_POINT_ROUNDS = 1000
"""Rounds of repeated substitution at most for the blocking of the groups in a route; from no
blocking the rounds rise monotonically to the least fixed point, and routes without a cycle
settle after as many rounds as their longest run of such groups."""


class RouteSplit:
    """The forecast split along the tier-1 routes into the part each queueing group answers
    (steps 1 and 2 of the module's approximation), per contact type and interval."""

    def __init__(self, scenario: Scenario, plan: CalendarPlan, available: Available | None) -> None:
        groups = scenario.staffing.agent_groups
        types = list(scenario.demand.contact_types.items())
        self.phone = np.array([t.channel == "phone" for _, t in types])
        self.path: list[list[str]] = []
        """Per type, the groups without a queueing roster it tries, in order, before ``to``."""
        self.to: list[str | None] = []
        """Per type, the first queueing group of its route (None: the route has none)."""
        for name, _ in types:
            steps = route(scenario.staffing, scenario.routing, name, 1)
            order = sorted(range(len(steps)), key=lambda i: (steps[i].after_min, i))
            path: list[str] = []
            to = None
            for i in order:
                if isinstance(groups[steps[i].group].roster, QueueingRoster):
                    to = steps[i].group
                    break
                path.append(steps[i].group)
            self.path.append(path)
            self.to.append(to)
        self.passed = sorted(
            {g for k, path in enumerate(self.path) if self.phone[k] for g in path},
            key=list(groups).index,
        )
        """The groups without a queueing roster that some phone type tries."""
        self.work = {g: group_work_min(scenario, g) for g in groups}
        self.plan = plan
        self.steps: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        if self.passed:
            if available is None:
                raise ValueError(f"the agents of {', '.join(self.passed)} are needed to split")
            self.steps = {g: available(g) for g in self.passed}
        self._cache: dict[tuple[float, ...], np.ndarray] = {}

    def shares(self, group: str, rates: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """Share of each type's arrivals that ``group`` answers (``rates``: types × intervals,
        arrivals per interval starting at ``starts``): 0 for types whose first queueing group is
        another; for phone types, the share that passes the groups before it; for email, all."""
        share = np.zeros(rates.shape)
        mine = np.array([to == group for to in self.to])
        share[mine] = 1.0
        if not self.passed or not mine[self.phone].any():
            return share
        width = self.plan.interval_min
        agents = np.array(
            [_interval_means(*self.steps[g], starts.astype(float), width) for g in self.passed]
        )
        for i in range(rates.shape[1]):
            reach = self._reach(rates[:, i] / width, agents[:, i])
            share[mine & self.phone, i] = reach[mine & self.phone]
        return share

    def _reach(self, rates: np.ndarray, agents: np.ndarray) -> np.ndarray:
        """Per type, the share of its calls that passes every group of its path (``rates``:
        arrivals per minute by type; ``agents``: of each group passed): Erlang B blocking of
        each, at the load offered by all types, at the Erlang fixed point."""
        key = tuple(np.round(np.concatenate([rates, agents]), 9).tolist())
        if key in self._cache:
            return self._cache[key]
        index = {g: j for j, g in enumerate(self.passed)}
        blocking = np.zeros(len(self.passed))
        for _ in range(_FIXED_POINT_ROUNDS):
            offered = np.zeros(len(self.passed))
            for k, path in enumerate(self.path):
                carry = float(rates[k]) if self.phone[k] else 0.0
                for g in path:
                    if carry <= 0.0:
                        break
                    offered[index[g]] += carry * self.work[g][k]
                    carry *= blocking[index[g]]
            new = np.array([_erlang_b(c, a) for c, a in zip(agents, offered, strict=True)])
            settled = np.all(np.abs(new - blocking) < 1e-12)
            blocking = new
            if settled:
                break
        reach = np.array([math.prod(blocking[index[g]] for g in path) for path in self.path])
        self._cache[key] = reach
        return reach


def group_work_min(scenario: Scenario, group: str) -> np.ndarray:
    """Per contact type, a contact's work in minutes when ``group`` answers it: the mean handle
    time times the group's ``handle_time_factor``, plus the type's wrap-up (NaN without the
    skill)."""
    skills = scenario.staffing.agent_groups[group]
    work = []
    for name, t in scenario.demand.contact_types.items():
        skill = skills.skill(name)
        factor = math.nan if skill is None else skill.handle_time_factor
        work.append(mean_min(t.handle_time) * factor + t.wrap_up_s / 60.0)
    return np.array(work)


def _erlang_b(agents: float, offered: float) -> float:
    """Erlang B for a fractional number of agents (an interval's average): interpolated
    linearly between the whole numbers either side."""
    if offered <= 0.0:
        return 0.0
    from sim.queueing import erlang_b

    low = math.floor(agents + 1e-9)
    blocked = erlang_b(max(low, 0), offered)
    part = agents - low
    if part <= 1e-9:
        return blocked
    return (1.0 - part) * blocked + part * erlang_b(low + 1, offered)


def _interval_means(
    times: np.ndarray, levels: np.ndarray, starts: np.ndarray, width: float
) -> np.ndarray:
    """The mean of a step function (``levels[i]`` from ``times[i]``) over each interval
    ``[start, start + width)``."""
    levels = np.asarray(levels, dtype=float)
    area = np.concatenate([[0.0], np.cumsum(levels[:-1] * np.diff(times))])

    def integral(at: np.ndarray) -> np.ndarray:
        j = np.clip(np.searchsorted(times, at, side="right") - 1, 0, len(times) - 1)
        return area[j] + levels[j] * (at - times[j])

    return (integral(starts + width) - integral(starts)) / width
