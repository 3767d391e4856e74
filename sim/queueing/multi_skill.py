"""Exact steady state of a small multi-skill desk: agent groups with skills, routing and overflow,
solved as a continuous-time Markov chain. It is the numerical reference the simulation engine's
agent groups are validated against, so the semantics below are the contract both implement.

**The model.** Rates are per minute, times in minutes.

* *Contacts.* Type k arrives as a Poisson process of rate ``arrival_rate_per_min[k]``. A contact
  that waits abandons after an exponential patience of rate ``abandon_rate_per_min[k]`` (0: it
  never abandons); patience runs only while it waits, and an abandoned contact is gone (no
  retrial).
* *Agents.* Group g has ``agents[g]`` identical agents. It may serve type k when
  ``handle_min[k][g]`` is given: an exponential handle time (the agent's whole time on the
  contact) of that mean. Which idle agent of a group takes a contact does not matter.
* *Contact to agent.* An arriving type-k contact goes to the first group in ``route[k]`` with an
  idle agent; if none has one it joins the end of type k's queue (one FCFS queue per type;
  overflow is immediate, there is no delay threshold).
* *Agent to contact.* An agent of group g who finishes takes the head of the first non-empty
  queue in ``serve_order[g]``; if they are all empty it idles.
* ``route[k]`` names g exactly when ``serve_order[g]`` names k, and exactly the pairs with a
  handle time. So no agent idles while a contact it may serve waits: type k's queue is non-empty
  only while every group in ``route[k]`` is fully busy.

**The chain.** A state is, for each group, its agents busy with each type it serves, and each
type's queue length. Queues are truncated at a capacity beyond which arrivals are blocked
(lost). The capacities are chosen automatically: the chain is solved, and any type whose blocking
probability is not below ``max_blocking`` (1e-9 by default) gets a longer queue, from the decay
of its queue-length tail, until every type passes; the capacities and blocking probabilities are
reported. A desk whose chain would need more than ``max_states`` states (2 million by default) is
refused with a ValueError, as is one that cannot reach the blocking target within it (a type
that never abandons and is offered more work than its groups can do). The stationary law solves
``pi Q = 0`` with ``pi`` fixed at the empty state, then normalised: sparse LU up to 20,000
states, GMRES preconditioned by an incomplete LU beyond (the LU's fill explodes once several
queues can be long together); the balance residual is checked either way.

**Measures** (arrivals see the stationary law, PASTA):

* ``p_wait``: an arrival finds no idle agent in its route (it queues or, negligibly, is blocked).
* ``p_abandon``: abandonments per arrival, ``theta * E[queue] / lambda``.
* ``p_blocked``: an arrival finds its queue at capacity (the truncation's error).
* ``mean_queue_length``; ``mean_wait_min``: ``E[queue] / accepted rate`` (Little's law, over
  answered and abandoned contacts alike, as :func:`sim.queueing.erlang.erlang_a_kpis`).
* ``served_per_min[g]``: type k served by group g per minute, ``E[busy_gk] / handle_min[k][g]``
  ("who served whom"), and ``served_share[g]`` its share of type k's service.
* ``occupancy[g]``: busy agents of group g over its agents.
* With a service-level threshold t: ``asa_min`` (mean wait of answered contacts) and
  ``service_level`` (answered within t / arrivals; abandoned and blocked contacts are misses,
  the default definition of :mod:`sim.queueing.erlang`). Both follow a tagged contact: it joins
  its queue in the state it finds, and from there an absorbing chain runs, the desk's own
  transitions with the tagged contact's position in its queue (type-k arrivals behind it change
  nothing for it and are left out), ending when an agent takes it or it abandons. Its sub-generator
  T, exit rates s to service and initial law alpha give ``E[wait; answered] = alpha (-T)^-2 s``
  (the same solvers) and ``P(answered within t) = integral_0^t alpha exp(T u) s du`` (by
  uniformisation, a sum of positive terms).

Imports nothing from :mod:`sim` outside this package.
"""

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from scipy import sparse, special

from sim.queueing.sparse_chain import sparse_solver, with_diagonal

__all__ = ["MultiSkillDesk", "MultiSkillKpis", "TypeKpis", "solve_multi_skill"]

MAX_STATES = 2_000_000
"""Largest chain built and solved; near it a solve takes many minutes and gigabytes."""
MAX_BLOCKING = 1e-9
"""Default bound on each type's blocking probability, the truncation's error."""
_MAX_RESIDUAL = 1e-9
"""Largest accepted balance residual, relative to the largest probability flow of a state."""
_MAX_ROUNDS = 12
"""Truncation rounds before giving up on the blocking target."""


@dataclass(frozen=True)
class MultiSkillDesk:
    """A multi-skill desk: contact types, agent groups, skills and routing (see the module).

    Attributes:
        arrival_rate_per_min: Poisson arrival rate by contact type; its keys name the types.
        abandon_rate_per_min: Patience rate (1 / mean patience) by type, 0 for never abandoning.
        agents: Agents by group; its keys name the groups.
        handle_min: Mean handle time by type, then by group; a group absent (or None) cannot
            serve the type.
        route: For each type, the groups an arrival tries in order.
        serve_order: For each group, the queues a freed agent looks at in order.

    Raises:
        ValueError: On a missing or unknown name, a non-positive rate, agents below 1, a route
            or serve order that names a pair without a handle time, or a route and serve orders
            that disagree on who serves whom.
    """

    arrival_rate_per_min: Mapping[str, float]
    abandon_rate_per_min: Mapping[str, float]
    agents: Mapping[str, int]
    handle_min: Mapping[str, Mapping[str, float | None]]
    route: Mapping[str, Sequence[str]]
    serve_order: Mapping[str, Sequence[str]]

    def __post_init__(self) -> None:
        types = list(self.arrival_rate_per_min)
        groups = list(self.agents)
        if not types:
            raise ValueError("arrival_rate_per_min must name at least one contact type")
        if not groups:
            raise ValueError("agents must name at least one agent group")
        for k, rate in self.arrival_rate_per_min.items():
            _check_rate(f"arrival_rate_per_min[{k!r}]", rate, allow_zero=False)
        _check_keys("abandon_rate_per_min", self.abandon_rate_per_min, types, "contact type")
        for k, rate in self.abandon_rate_per_min.items():
            _check_rate(f"abandon_rate_per_min[{k!r}]", rate, allow_zero=True)
        for g, n in self.agents.items():
            if isinstance(n, bool) or not isinstance(n, Integral) or n < 1:
                raise ValueError(f"agents[{g!r}] must be an integer >= 1, got {n!r}")
        handle: dict[str, dict[str, float]] = {}
        for k, by_group in self.handle_min.items():
            if k not in self.arrival_rate_per_min:
                raise ValueError(
                    f"handle_min names {k!r}, which is not one of the contact types {types}"
                )
            handle[k] = {}
            for g, mean in by_group.items():
                if g not in self.agents:
                    raise ValueError(
                        f"handle_min[{k!r}] names {g!r}, which is not one of the agent groups "
                        f"{groups}"
                    )
                if mean is not None:
                    _check_rate(f"handle_min[{k!r}][{g!r}]", mean, allow_zero=False)
                    handle[k][g] = float(mean)
        _check_keys("route", self.route, types, "contact type")
        _check_keys("serve_order", self.serve_order, groups, "agent group")
        for k in types:
            _check_order(f"route[{k!r}]", self.route[k], groups, "agent group")
            for g in self.route[k]:
                if g not in handle.get(k, {}):
                    raise ValueError(
                        f"route[{k!r}] names group {g!r}, which has no handle_min for {k!r}"
                    )
        for g in groups:
            _check_order(f"serve_order[{g!r}]", self.serve_order[g], types, "contact type")
            for k in self.serve_order[g]:
                if g not in self.route[k]:
                    raise ValueError(
                        f"serve_order[{g!r}] names {k!r} but route[{k!r}] does not name {g!r}: "
                        "a group takes a type from its queue exactly when arrivals of the type "
                        "may go to it"
                    )
        for k in types:
            for g in handle.get(k, {}):
                if g not in self.route[k]:
                    raise ValueError(
                        f"handle_min[{k!r}][{g!r}] is given but route[{k!r}] does not name "
                        f"{g!r}: give every skill a place in the route, or drop its handle time"
                    )
            for g in self.route[k]:
                if k not in self.serve_order[g]:
                    raise ValueError(
                        f"route[{k!r}] names {g!r} but serve_order[{g!r}] does not name {k!r}: "
                        "its agents would idle while such contacts wait"
                    )

    @property
    def types(self) -> tuple[str, ...]:
        """Contact types, in the order of ``arrival_rate_per_min``."""
        return tuple(self.arrival_rate_per_min)

    @property
    def groups(self) -> tuple[str, ...]:
        """Agent groups, in the order of ``agents``."""
        return tuple(self.agents)


@dataclass(frozen=True)
class TypeKpis:
    """Steady-state measures of one contact type (definitions in the module docstring).

    Attributes:
        p_wait: An arrival finds no idle agent in its route.
        p_abandon: Abandonments per arrival.
        p_blocked: An arrival finds its queue at the truncation's capacity (lost).
        mean_queue_length: Mean contacts of the type waiting.
        mean_wait_min: Mean wait of accepted contacts, answered and abandoned, minutes.
        served_per_min: Contacts of the type served per minute, by group.
        served_share: Each group's share of the type's served contacts.
        queue_capacity: The queue's truncation.
        asa_min: Mean wait of answered contacts, minutes (None without a threshold).
        service_level: Answered within the threshold / arrivals (None without a threshold).
    """

    p_wait: float
    p_abandon: float
    p_blocked: float
    mean_queue_length: float
    mean_wait_min: float
    served_per_min: dict[str, float]
    served_share: dict[str, float]
    queue_capacity: int
    asa_min: float | None = None
    service_level: float | None = None


@dataclass(frozen=True)
class MultiSkillKpis:
    """The steady state of a :class:`MultiSkillDesk`.

    Attributes:
        types: Measures by contact type.
        occupancy: Mean busy agents over agents, by group.
        states: States of the truncated chain solved.
        residual: Largest balance residual, relative to the largest probability flow of a state.
        sl_threshold_min: The service-level threshold, minutes, or None.
    """

    types: dict[str, TypeKpis]
    occupancy: dict[str, float]
    states: int
    residual: float
    sl_threshold_min: float | None = None


def solve_multi_skill(
    desk: MultiSkillDesk,
    sl_threshold_min: float | None = None,
    max_states: int = MAX_STATES,
    max_blocking: float = MAX_BLOCKING,
) -> MultiSkillKpis:
    """Solve a multi-skill desk's chain exactly, truncating its queues automatically.

    Args:
        desk: The desk.
        sl_threshold_min: Service-level threshold, minutes; given, the answer times (ASA and
            service level) are computed as well, one absorbing chain per type.
        max_states: Refuse a chain larger than this.
        max_blocking: Each type's blocking probability must end below this.

    Returns:
        The measures by type and group.

    Raises:
        ValueError: If the chain would exceed ``max_states`` before every type's blocking is
            below ``max_blocking``, or on an invalid argument.
        RuntimeError: If the linear solve does not balance the chain.
    """
    if sl_threshold_min is not None:
        _check_rate("sl_threshold_min", sl_threshold_min, allow_zero=True)
    if isinstance(max_states, bool) or not isinstance(max_states, Integral) or max_states < 1:
        raise ValueError(f"max_states must be an integer >= 1, got {max_states!r}")
    if not (isinstance(max_blocking, Real) and 0 < max_blocking < 1):
        raise ValueError(f"max_blocking must lie strictly between 0 and 1, got {max_blocking!r}")
    layout = _Layout(desk)
    caps = [min(16, _capacity_bound(desk, k, max_blocking)) for k in desk.types]
    growing = [0] * len(caps)
    for _ in range(_MAX_ROUNDS):
        chain = _Chain(layout, caps, max_states)
        pi, residual = chain.stationary()
        blocking, queue_law = chain.blocking(pi)
        short = [i for i, b in enumerate(blocking) if b >= max_blocking]
        if not short:
            return chain.kpis(pi, residual, blocking, sl_threshold_min)
        caps = list(caps)
        for i in short:
            k = desk.types[i]
            if desk.abandon_rate_per_min[k] == 0 and queue_law[i][-1] > queue_law[i][-2]:
                growing[i] += 1  # the law climbs to the capacity: twice is no accident
                if growing[i] == 2:
                    raise ValueError(
                        f"contact type {k!r} never abandons and its queue grows without bound: "
                        "it is offered more work than the groups of its route can do "
                        "(give it an abandon rate, or more agents)"
                    )
            bound = _capacity_bound(desk, k, max_blocking)
            caps[i] = min(_longer_capacity(caps[i], queue_law[i], max_blocking), bound)
    raise ValueError(
        f"queues still block more than {max_blocking:g} after {_MAX_ROUNDS} longer truncations "
        f"(capacities {dict(zip(desk.types, caps, strict=True))})"
    )


class _Layout:
    """Where each coordinate of a state lives: busy agents per (group, type), then queues."""

    def __init__(self, desk: MultiSkillDesk) -> None:
        self.desk = desk
        self.types = desk.types
        self.groups = desk.groups
        self.pairs = [(g, k) for g in self.groups for k in desk.serve_order[g]]
        self.col = {pair: i for i, pair in enumerate(self.pairs)}
        self.qcol = {k: len(self.pairs) + i for i, k in enumerate(self.types)}
        self.group_cols = {g: [self.col[g, k] for k in desk.serve_order[g]] for g in self.groups}


class _Chain:
    """The truncated chain for given queue capacities: its states, generator and measures."""

    def __init__(self, layout: _Layout, caps: Sequence[int], max_states: int) -> None:
        self.layout = layout
        self.caps = list(caps)
        desk = layout.desk
        radices = [desk.agents[g] + 1 for g, _ in layout.pairs] + [c + 1 for c in self.caps]
        if math.prod(radices) >= 2**62:
            raise ValueError(
                f"the chain needs {len(radices)} coordinates of sizes {radices}: too many to "
                "index; use fewer groups, skills or agents"
            )
        self.mult = np.cumprod([1, *radices[:-1]]).astype(np.int64)
        states = _enumerate(layout, self.caps, max_states)
        keys = states @ self.mult
        order = np.argsort(keys)
        self.states, self.keys = states[order], keys[order]
        self.size = len(self.keys)
        self.full = {
            g: self.states[:, layout.group_cols[g]].sum(axis=1) == desk.agents[g]
            for g in layout.groups
        }
        self.queued = {k: self.states[:, layout.qcol[k]] for k in layout.types}

    def index(self, keys: np.ndarray) -> np.ndarray:
        found = np.searchsorted(self.keys, keys)
        assert np.array_equal(self.keys[np.minimum(found, self.size - 1)], keys), "lost state"
        return found

    def arrival(self, k: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A type-k arrival: ``(destination key, to a queue, blocked)`` per state."""
        layout, desk = self.layout, self.layout.desk
        delta = np.zeros(self.size, dtype=np.int64)
        waiting = np.ones(self.size, dtype=bool)
        for g in desk.route[k]:
            take = waiting & ~self.full[g]
            delta[take] = self.mult[layout.col[g, k]]
            waiting &= ~take
        blocked = waiting & (self.queued[k] == self.caps[layout.types.index(k)])
        delta[waiting] = self.mult[layout.qcol[k]]
        return self.keys + delta, waiting, blocked

    def completion(self, g: str, k: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """An agent of g finishes type k: ``(rate, destination key, type taken or -1)``."""
        layout, desk = self.layout, self.layout.desk
        rate = self.states[:, layout.col[g, k]] / desk.handle_min[k][g]
        delta = np.full(self.size, -self.mult[layout.col[g, k]], dtype=np.int64)
        taken = np.full(self.size, -1)
        for j in desk.serve_order[g]:
            take = (taken < 0) & (self.queued[j] > 0)
            delta[take] += self.mult[layout.col[g, j]] - self.mult[layout.qcol[j]]
            taken[take] = layout.types.index(j)
        return rate, self.keys + delta, taken

    def transitions(self) -> list[tuple[str, str | None, str, np.ndarray, np.ndarray, dict]]:
        """Every transition kind: ``(kind, group, type, rate, destination key, detail)``."""
        desk = self.layout.desk
        out = []
        for k in self.layout.types:
            dest, _, blocked = self.arrival(k)
            rate = np.where(blocked, 0.0, desk.arrival_rate_per_min[k])
            out.append(("arrive", None, k, rate, dest, {}))
        for g, k in self.layout.pairs:
            rate, dest, taken = self.completion(g, k)
            out.append(("finish", g, k, rate, dest, {"taken": taken}))
        for k in self.layout.types:
            q = self.queued[k]
            rate = q * float(desk.abandon_rate_per_min[k])
            out.append(("abandon", None, k, rate, self.keys - self.mult[self.layout.qcol[k]], {}))
        return out

    def generator(self) -> sparse.csr_matrix:
        rows, cols, vals = [], [], []
        for _, _, _, rate, dest, _ in self.transitions():
            live = np.flatnonzero(rate > 0)
            rows.append(live)
            cols.append(self.index(dest[live]))
            vals.append(rate[live])
        return with_diagonal(self.size, rows, cols, vals)

    def stationary(self) -> tuple[np.ndarray, float]:
        """The stationary law and its relative balance residual."""
        gen = self.generator()
        system = gen.T.tocsr()
        # Fix pi at the empty state (index 0, key 0): replace its balance equation by pi_0 = 1.
        system = sparse.vstack([sparse.csr_matrix(([1.0], ([0], [0])), (1, self.size)), system[1:]])
        rhs = np.zeros(self.size)
        rhs[0] = 1.0
        pi = sparse_solver(system.tocsc())(rhs)
        pi = np.maximum(pi, 0.0)
        pi /= pi.sum()
        flows = pi * -gen.diagonal()
        residual = float(np.abs(gen.T @ pi).max() / flows.max())
        if not residual <= _MAX_RESIDUAL:
            raise RuntimeError(
                f"the stationary solve is inaccurate (balance residual {residual:g})"
            )
        return pi, residual

    def blocking(self, pi: np.ndarray) -> tuple[list[float], list[np.ndarray]]:
        """Each type's blocking probability and its queue-length law."""
        out, laws = [], []
        for i, k in enumerate(self.layout.types):
            law = np.bincount(self.queued[k], weights=pi, minlength=self.caps[i] + 1)
            laws.append(law)
            out.append(float(law[self.caps[i]]))
        return out, laws

    def kpis(
        self, pi: np.ndarray, residual: float, blocking: list[float], threshold: float | None
    ) -> MultiSkillKpis:
        layout, desk = self.layout, self.layout.desk
        types = {}
        for i, k in enumerate(layout.types):
            lam = float(desk.arrival_rate_per_min[k])
            theta = float(desk.abandon_rate_per_min[k])
            no_idle = np.ones(self.size, dtype=bool)
            for g in desk.route[k]:
                no_idle &= self.full[g]
            p_wait = float(pi[no_idle].sum())
            mean_queue = float(pi @ self.queued[k])
            served = {
                g: float(pi @ self.states[:, layout.col[g, k]]) / desk.handle_min[k][g]
                for g in desk.route[k]
            }
            total = sum(served.values())
            asa = level = None
            if threshold is not None:
                asa, level = self.answer_times(pi, k, p_wait, threshold)
            types[k] = TypeKpis(
                p_wait=p_wait,
                p_abandon=theta * mean_queue / lam,
                p_blocked=blocking[i],
                mean_queue_length=mean_queue,
                mean_wait_min=mean_queue / (lam * (1.0 - blocking[i])),
                served_per_min=served,
                served_share={g: v / total for g, v in served.items()},
                queue_capacity=self.caps[i],
                asa_min=asa,
                service_level=level,
            )
        occupancy = {
            g: float(pi @ self.states[:, layout.group_cols[g]].sum(axis=1)) / desk.agents[g]
            for g in layout.groups
        }
        return MultiSkillKpis(types, occupancy, self.size, residual, threshold)

    def answer_times(
        self, pi: np.ndarray, k: str, p_wait: float, threshold_min: float
    ) -> tuple[float, float]:
        """ASA and service level of type k from the tagged contact's absorbing chain.

        Its transient states are the chain's states with type k's queue >= 1, read as the tagged
        contact's position in the queue (contacts behind it are left out)."""
        layout, desk = self.layout, self.layout.desk
        ki = layout.types.index(k)
        position = self.queued[k]
        transient = np.flatnonzero(position >= 1)
        local = np.full(self.size, -1)
        local[transient] = np.arange(len(transient))
        theta = float(desk.abandon_rate_per_min[k])
        rows, cols, vals = [], [], []
        to_service = np.zeros(len(transient))
        exits = np.zeros(len(transient))  # to service or abandonment
        for kind, _, j, every_rate, every_dest, detail in self.transitions():
            if kind == "arrive" and j == k:
                continue  # behind the tagged contact
            rate = every_rate[transient]
            dest = every_dest[transient]
            if kind == "abandon" and j == k:
                exits += theta  # the tagged contact itself
                rate -= theta
            if kind == "finish":
                served = (detail["taken"][transient] == ki) & (position[transient] == 1)
                to_service[served] += rate[served]
                exits[served] += rate[served]
                rate[served] = 0.0
            live = np.flatnonzero(rate > 0)
            rows.append(live)
            targets = local[self.index(dest[live])]
            assert np.all(targets >= 0), "a tagged contact left its queue without an exit"
            cols.append(targets)
            vals.append(rate[live])
        sub = with_diagonal(len(transient), rows, cols, vals, extra_exit=exits)
        # The tagged contact joins behind the queue it finds, where every route group is busy.
        arrive_dest, waiting, blocked = self.arrival(k)
        joins = np.flatnonzero(waiting & ~blocked)
        alpha = np.zeros(len(transient))
        np.add.at(alpha, local[self.index(arrive_dest[joins])], pi[joins])
        # Row vectors: alpha (-T)^-1 solves (-T)^T x = alpha; alpha (-T)^-2 then solves it again.
        solve = sparse_solver((-sub).T.tocsc())
        first = solve(alpha)
        second = solve(first)
        answered = (1.0 - p_wait) + float(first @ to_service)
        asa = float(second @ to_service) / answered
        within = _absorbed_within(sub, to_service, alpha, threshold_min)
        return asa, (1.0 - p_wait) + within


def _absorbed_within(
    sub: sparse.csr_matrix, to_service: np.ndarray, alpha: np.ndarray, t_min: float
) -> float:
    """``P(absorbed in service by t)`` from initial law ``alpha``, by uniformisation.

    With ``Lambda`` the largest exit rate, ``P = I + T / Lambda`` and ``s`` the service exits,
    it is ``sum_n Poisson(n; Lambda t) * a_n``, where ``a_n`` is the mass absorbed in service
    within ``n`` steps: every term positive, truncated once the Poisson tail is below 1e-16."""
    rate = float(-sub.diagonal().min())
    if t_min == 0 or rate == 0:
        return 0.0
    size = sub.shape[0]
    # One uniformised step on the transient states plus "served" (the last), as a column map.
    moves = sparse.vstack(
        [
            sparse.hstack([sub / rate, sparse.csr_matrix(to_service[:, None] / rate)]),
            sparse.csr_matrix((1, size + 1)),
        ]
    )
    step = (sparse.identity(size + 1, format="csr") + moves).T.tocsr()
    mean = rate * t_min
    last = int(mean + 12.0 * math.sqrt(mean) + 40.0)
    n = np.arange(last + 1)
    weights = np.exp(n * math.log(mean) - mean - special.gammaln(n + 1.0))
    law = np.append(alpha, 0.0)
    start, total = alpha.sum(), 0.0
    for i in range(last + 1):
        total += weights[i] * law[-1]
        if law[:-1].sum() < 1e-18 * start:  # the rest is absorbed already
            return total + law[-1] * float(weights[i + 1 :].sum())
        law = step @ law
    return total


def _enumerate(layout: _Layout, caps: Sequence[int], max_states: int) -> np.ndarray:
    """Every state: busy agents per (group, type) within each group's agents, and each queue up
    to its capacity, non-empty only while every group of its route is fully busy."""
    desk = layout.desk
    per_group = [_compositions(desk.agents[g], len(desk.serve_order[g])) for g in layout.groups]
    busy_count = math.prod(len(c) for c in per_group)
    if busy_count > max_states:
        raise ValueError(_too_many(busy_count, max_states, "busy agents alone"))
    busy = np.zeros((1, 0), dtype=np.int64)
    for configs in per_group:
        busy = np.hstack([np.repeat(busy, len(configs), axis=0), np.tile(configs, (len(busy), 1))])
    full = {g: busy[:, layout.group_cols[g]].sum(axis=1) == desk.agents[g] for g in layout.groups}
    may_queue = np.column_stack(
        [np.logical_and.reduce([full[g] for g in desk.route[k]]) for k in layout.types]
    )
    patterns, which = np.unique(may_queue, axis=0, return_inverse=True)
    which = which.ravel()
    sizes = [
        int(np.sum(which == p)) * math.prod(c + 1 for c, q in zip(caps, pattern, strict=True) if q)
        for p, pattern in enumerate(patterns)
    ]
    if sum(sizes) > max_states:
        raise ValueError(_too_many(sum(sizes), max_states, f"queue capacities {list(caps)}"))
    blocks = []
    for p, pattern in enumerate(patterns):
        rows = busy[which == p]
        ranges = [
            np.arange(c + 1) if q else np.zeros(1, dtype=np.int64)
            for c, q in zip(caps, pattern, strict=True)
        ]
        grid = np.stack(np.meshgrid(*ranges, indexing="ij"), axis=-1).reshape(-1, len(caps))
        blocks.append(
            np.hstack([np.repeat(rows, len(grid), axis=0), np.tile(grid, (len(rows), 1))])
        )
    return np.vstack(blocks)


@functools.lru_cache(maxsize=64)
def _compositions(total: int, parts: int) -> np.ndarray:
    """Every vector of ``parts`` non-negative integers summing to at most ``total``."""
    if parts == 0:
        return np.zeros((1, 0), dtype=np.int64)
    blocks = []
    for first in range(total + 1):
        rest = _compositions(total - first, parts - 1)
        blocks.append(np.column_stack([np.full(len(rest), first, dtype=np.int64), rest]))
    return np.vstack(blocks)


def _capacity_bound(desk: MultiSkillDesk, k: str, max_blocking: float) -> int:
    """A capacity that surely blocks less than ``max_blocking``, or a large number if none is
    known (a type that never abandons).

    Every waiting contact of an abandoning type leaves at rate theta or faster, so its queue
    never exceeds the count of an infinite-server queue fed the same arrivals, which is Poisson
    with mean lambda / theta: blocking <= P(Poisson >= capacity)."""
    theta = float(desk.abandon_rate_per_min[k])
    if theta == 0:
        return 2**31
    mean = float(desk.arrival_rate_per_min[k]) / theta
    cap = math.ceil(mean)
    while special.pdtrc(cap - 1, mean) >= max_blocking:  # P(Poisson >= cap)
        cap += 1 + cap // 8
    return cap


def _longer_capacity(cap: int, law: np.ndarray, max_blocking: float) -> int:
    """A capacity whose blocking should pass, extrapolating the queue law's geometric tail."""
    tail = law[-1]
    ratio = law[-1] / law[-2] if len(law) > 1 and law[-2] > 0 else 1.0
    if not 0 < ratio < 0.98 or tail <= 0:
        return 2 * cap
    needed = math.log(max_blocking / tail) / math.log(ratio)
    return max(cap + 4, math.ceil(cap + 1.25 * needed + 4))


def _too_many(count: int, limit: int, what: str) -> str:
    return (
        f"the chain would need {count:,} states ({what}), more than the limit of {limit:,}; "
        "use fewer agents, groups or skills, or a lower load for a type that never abandons"
    )


def _check_keys(name: str, mapping: Mapping, expected: Sequence[str], what: str) -> None:
    missing = [x for x in expected if x not in mapping]
    unknown = [x for x in mapping if x not in expected]
    if missing:
        raise ValueError(f"{name} has no entry for {what} {missing[0]!r}")
    if unknown:
        raise ValueError(
            f"{name} names {unknown[0]!r}, which is not one of the {what}s {list(expected)}"
        )


def _check_order(name: str, order: Sequence[str], known: Sequence[str], what: str) -> None:
    if isinstance(order, str) or not isinstance(order, Sequence) or not order:
        raise ValueError(f"{name} must be a non-empty list of {what}s, got {order!r}")
    for x in order:
        if x not in known:
            raise ValueError(f"{name} names {x!r}, which is not one of the {what}s {list(known)}")
    if len(set(order)) != len(order):
        raise ValueError(f"{name} names a {what} twice: {list(order)}")


def _check_rate(name: str, value: float, allow_zero: bool) -> None:
    ok = (
        isinstance(value, Real)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and (value >= 0 if allow_zero else value > 0)
    )
    if not ok:
        kind = "a finite number >= 0" if allow_zero else "a positive finite number"
        raise ValueError(f"{name} must be {kind}, got {value!r}")
