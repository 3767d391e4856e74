"""Which agent takes which contact: the agent groups, their routes and queues.

The desk (:mod:`sim.model.desk`) moves contacts along their path; this module owns who may answer
them. Each agent group is a pool of interchangeable agents (:class:`~sim.model.agents.AgentPool`)
following its roster. A contact reaching a tier goes to the first group in its route
(:mod:`sim.scenario.routing`) with an idle agent, among the groups whose delay it has waited (or,
with ``agent_selection: longest_idle``, to the group whose agent has been idle longest). Otherwise
it queues: one first-come-first-served queue per tier and class, where a class is the contacts
sharing a channel, a priority and a route (and, for weighted service, a weight). An agent who
frees takes work from the queues its group may serve, as levels taken in turn: phone before email,
then by priority (``agent_to_contact: priority``) or all of a channel at once
(``longest_waiting``, ``weighted``); within a level the head that has waited longest (or the
largest weighted wait) among those that have waited the group's delay. Queues are cleaned lazily:
a contact that left (abandoned, or taken by an overflow group) is skipped when reached.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Protocol

import simpy

from sim.model.agents import AgentPool, IdleClockPool, staffing_steps
from sim.model.calendar import CalendarPlan
from sim.model.desk_customers import CALLBACK, FOLLOW_UP
from sim.model.records import WAITING, ContactLog
from sim.scenario.customers import EmpoweredFrontLine
from sim.scenario.desk import ContactType
from sim.scenario.routing import TIERS, route
from sim.scenario.scenario import Scenario

PHONE, CHAT, EMAIL = 0, 1, 2
"""Channels, in the order a free agent takes work: callers, then chats, then deferred email."""

EPS_MIN = 1e-9
"""Slack on comparing a contact's wait with a routing delay (float sums of clock times)."""

Level = tuple[tuple[int, float], ...]
"""Queues an agent weighs together, each with the group's delay on it (minutes)."""


class TypeRates(Protocol):
    """What routing reads of a contact type's model."""

    channel: int
    is_phone: bool
    fcr_prob: float
    tier2_resolve_prob: float


class Dispatch:
    """The agent groups of one replication, their queues, and who takes what."""

    def __init__(
        self,
        scenario: Scenario,
        env: simpy.Environment,
        plan: CalendarPlan,
        log: ContactLog,
        contact_types: dict[str, ContactType],
        types: list[TypeRates],
        complaint_types: set[str],
    ) -> None:
        self.scenario = scenario
        self.env = env
        self.plan = plan
        self.log = log
        self.type_names = tuple(contact_types)
        self.types = types
        self.on_email = 0
        """Tier-1 agents busy with email (for ``routing.email_reserved_agents``)."""
        self.email_reserved = scenario.routing.email_reserved_agents
        self._build_groups(scenario, complaint_types)
        self._build_queues(scenario, contact_types, complaint_types)

    def _build_groups(self, scenario: Scenario, complaint_types: set[str]) -> None:
        """The agent groups: a pool each, their rosters, and per contact type the handle-time
        factor and resolution probability of each group (NaN where it has no skill)."""
        groups = scenario.staffing.agent_groups
        self.group_names = tuple(groups)
        self.group_tier = [g.tier for g in groups.values()]
        self.longest_idle = scenario.routing.agent_selection.kind == "longest_idle"
        start = self.plan.start_min
        self.pools: list[AgentPool] = [
            IdleClockPool(start, lambda: self.env.now) if self.longest_idle else AgentPool(start)
            for _ in groups
        ]
        self.group_roster = [
            staffing_steps(g.roster, self.plan, scenario, group=name) for name, g in groups.items()
        ]
        empowered = isinstance(scenario.recovery, EmpoweredFrontLine)
        self.handle_factor: list[list[float]] = []
        self.resolve_prob: list[list[float]] = []
        for group in groups.values():
            factors, resolves = [], []
            for k, name in enumerate(self.type_names):
                m = self.types[k]
                skill = group.skill(self._skill_type(name))
                own = m.fcr_prob if group.tier == 1 else m.tier2_resolve_prob
                if skill is None:
                    factors.append(math.nan)
                    resolves.append(math.nan)
                    continue
                factors.append(skill.handle_time_factor)
                written = skill.resolve_prob
                policy = empowered and name in complaint_types  # resolved on the spot
                resolves.append(own if written is None or policy else written)
            self.handle_factor.append(factors)
            self.resolve_prob.append(resolves)

    def _skill_type(self, name: str) -> str:
        """The contact type whose skills and route apply: work the customer base adds goes as
        the first complaint type."""
        if name in (CALLBACK, FOLLOW_UP):
            assert self.scenario.customers is not None
            return next(iter(self.scenario.customers.complaints.contact_types))
        return name

    def _build_queues(
        self,
        scenario: Scenario,
        contact_types: dict[str, ContactType],
        complaint_types: set[str],
    ) -> None:
        """Routes per tier and type; one FCFS queue per tier and class (channel, priority, route
        and, for weighted service, weight); and per group the queues its agents take work from,
        in order."""
        staffing, routing = scenario.staffing, scenario.routing
        index = {name: g for g, name in enumerate(self.group_names)}
        jump = scenario.recovery.jump_queue
        service = routing.agent_to_contact
        weights = service.weights if service.kind == "weighted" else {}
        self.weighted = service.kind == "weighted"
        self.routes: dict[int, list[list[tuple[int, float]]]] = {}
        self.route_delays: dict[int, list[tuple[float, ...]]] = {}
        classes: list[tuple[int, int, int, tuple[tuple[int, float], ...], float]] = []
        self.queue_of: dict[int, list[int]] = {}
        for tier in TIERS:
            self.routes[tier], self.route_delays[tier], self.queue_of[tier] = [], [], []
            for k, name in enumerate(self.type_names):
                steps = route(staffing, routing, self._skill_type(name), tier)
                path = [(index[step.group], step.after_min) for step in steps]
                self.routes[tier].append(path)
                self.route_delays[tier].append(tuple(sorted({a for _, a in path if a > 0})))
                priority = 0 if jump and name in complaint_types else contact_types[name].priority
                weight = weights.get(self._skill_type(name), 1.0)
                cls = (tier, self.types[k].channel, priority, tuple(path), weight)
                if cls not in classes:
                    classes.append(cls)
                self.queue_of[tier].append(classes.index(cls))
        self.queues: list[deque[int]] = [deque() for _ in classes]
        self.in_queue = [0] * len(classes)
        """Contacts waiting in each queue (the deques hold, lazily, some that left)."""
        self.queue_tier = [cls[0] for cls in classes]
        self.queue_channel = [cls[1] for cls in classes]
        self.queue_weight = [cls[4] for cls in classes]
        self.realtime_queues = [q for q, cls in enumerate(classes) if cls[1] != EMAIL]
        self.waiting_email = {t: 0 for t in TIERS}
        self.waiting_phone = {t: 0 for t in TIERS}
        self.waiting_chat = {t: 0 for t in TIERS}
        self.waiting = {
            PHONE: self.waiting_phone,
            CHAT: self.waiting_chat,
            EMAIL: self.waiting_email,
        }
        # Per group: the queues it serves as levels taken in turn; within a level the contact
        # that has waited longest (or, weighted, the largest weighted wait) goes first.
        by_rank = service.kind == "priority"
        self.serve_phone: list[list[Level]] = []
        self.serve_chat: list[list[Level]] = []
        self.serve_email: list[list[Level]] = []
        for g in range(len(self.group_names)):
            levels: dict[tuple[int, int], list[tuple[int, float]]] = {}
            for q, (tier, channel, priority, path, _) in enumerate(classes):
                after = next((a for h, a in path if h == g), None)
                if after is None or tier != self.group_tier[g]:
                    continue
                levels.setdefault((channel, priority if by_rank else 0), []).append((q, after))
            ordered = sorted(levels.items())
            for channel, serve in (
                (PHONE, self.serve_phone),
                (CHAT, self.serve_chat),
                (EMAIL, self.serve_email),
            ):
                serve.append([tuple(qs) for (c, _), qs in ordered if c == channel])
        self.phone_queue = [
            levels[0][0][0]
            if len(levels) == 1 and len(levels[0]) == 1 and not levels[0][0][1]
            else -1
            for levels in self.serve_phone
        ]
        """Per group: its one phone queue, taken without delay (-1: it weighs several, or
        none), the common case read without weighing."""
        self.group_queues = [
            sorted(q for levels in (phone, chat, email) for level in levels for q, _ in level)
            for phone, chat, email in zip(
                self.serve_phone, self.serve_chat, self.serve_email, strict=True
            )
        ]
        """Per group, the queues its agents take work from."""
        self.queue_groups = [
            [g for g, qs in enumerate(self.group_queues) if q in qs] for q in range(len(classes))
        ]
        """Per queue, the groups whose agents take work from it."""

    def idle_group(self, cid: int, path: list[tuple[int, float]]) -> int:
        """The group in ``path`` whose idle agent takes contact ``cid`` now (-1: none): the
        first with an idle agent among those whose delay the contact has waited, or the one
        whose agent has been idle longest."""
        pools = self.pools
        if not self.longest_idle:
            for g, after in path:
                if pools[g].idle and (
                    not after or self.log.arrival_min[cid] + after <= self.env.now + EPS_MIN
                ):
                    return g
            return -1
        best, since = -1, math.inf
        for g, after in path:
            pool = pools[g]
            if pool.idle and (
                not after or self.log.arrival_min[cid] + after <= self.env.now + EPS_MIN
            ):
                first = pool.idle_since[0]  # type: ignore[attr-defined]
                if first < since:
                    best, since = g, first
        return best

    def next_work(self, g: int) -> int:
        """Pop the next contact for a free agent of group ``g`` (-1 if nothing waits)."""
        if (
            self.email_reserved  # (none reserved: the common case, decided at once)
            and self.group_tier[g] == 1
            and self.waiting_email[1]
            and self.on_email < self.email_reserved
        ):
            cid = self._pop(self.serve_email[g])
            if cid >= 0:
                return cid
        q = self.phone_queue[g]
        if q < 0:
            cid = self._pop(self.serve_phone[g])
        else:  # its one phone queue: the first still waiting
            cid, queue, outcome = -1, self.queues[q], self.log.outcome
            while queue:
                cid = queue.popleft()
                if outcome[cid] == WAITING:
                    self.left_queue(q)
                    break
                cid = -1
        if cid < 0 and self.serve_chat[g]:
            cid = self._pop(self.serve_chat[g])
        if cid < 0 and self.serve_email[g]:
            cid = self._pop(self.serve_email[g])
        return cid

    def next_chat(self, g: int) -> int:
        """Pop the next chat for an agent of group ``g`` with a free session (-1: none)."""
        return self._pop(self.serve_chat[g]) if self.serve_chat[g] else -1

    def _pop(self, levels: list[Level]) -> int:
        """Take the next contact from the first level with one the agent may take: within a
        level, the longest waiting (or the largest weighted wait) among the queues' heads that
        have waited the group's delay."""
        outcome = self.log.outcome
        queues = self.queues
        for level in levels:
            if len(level) == 1 and not level[0][1]:  # one queue, no delay: its first waiting
                q = level[0][0]
                queue = queues[q]
                while queue:
                    cid = queue.popleft()
                    if outcome[cid] == WAITING:
                        self.left_queue(q)
                        return cid
                continue
            best, best_rank = -1, math.inf
            arrival, now = self.log.arrival_min, self.env.now
            for q, after in level:
                queue = queues[q]
                while queue and outcome[queue[0]] != WAITING:
                    queue.popleft()
                if not queue:
                    continue
                arrived = arrival[queue[0]]
                if after and arrived + after > now + EPS_MIN:
                    continue  # not waited long enough for this group yet
                rank = (arrived - now) * self.queue_weight[q] if self.weighted else arrived
                if rank < best_rank:
                    best, best_rank = q, rank
            if best >= 0:
                self.left_queue(best)
                return queues[best].popleft()
        return -1

    def work_in_hand(self, g: int) -> tuple[float, int]:
        """Group ``g``'s work in hand and agents present: its agents busy, plus of each queue it
        takes work from the contacts waiting in proportion to its share of the agents present
        who may take them (a group alone on its queues: all of them)."""
        pools, in_queue = self.pools, self.in_queue
        pool = pools[g]
        present = pool.present
        work = float(pool.busy)
        if present:
            for q in self.group_queues[g]:
                if in_queue[q]:
                    able = sum(pools[h].present for h in self.queue_groups[q])
                    work += in_queue[q] * present / able
        return work, present

    def realtime_waiting(self, tier: int) -> int:
        """Callers (phone and chat) waiting at a tier."""
        return self.waiting_phone[tier] + self.waiting_chat[tier]

    def join_queue(self, q: int, cid: int) -> None:
        """Contact ``cid`` waits in queue ``q``."""
        self.queues[q].append(cid)
        self.in_queue[q] += 1

    def left_queue(self, q: int) -> None:
        """A waiting contact leaves queue ``q`` (for an agent, gave up, or cut off at closing)."""
        self.in_queue[q] -= 1
        self.waiting[self.queue_channel[q]][self.queue_tier[q]] -= 1
