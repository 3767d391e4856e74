"""Shift scheduling as an integer program, solved by HiGHS through :func:`scipy.optimize.milp`.

Variables: ``x_j ≥ 0`` integer, the agents working column ``j`` (a shift type, start, placement of
breaks and day pattern, :mod:`sim.rostering.columns`), and ``u_t ≥ 0``, the shortfall in interval
``t`` of the week (one per interval that requires agents). Minimise ``Σ c_j x_j + P Σ u_t``
subject to

* coverage: ``Σ_j a_tj x_j + u_t ≥ r_t`` for every interval ``t`` (``a_tj`` = 1 when column ``j``
  works interval ``t``: on shift and not on break);
* each shift type's ``max_agents``: ``Σ_{j of the type} x_j ≤ max_agents``;
* headcount: ``min_headcount ≤ Σ_j x_j ≤ max_headcount``;
* part-time share ``s``: ``Σ_{j part-time} x_j ≤ s Σ_j x_j``.

Shortfall makes every instance feasible, so an impossible requirement (too few agents allowed,
an interval no shift can work) is reported interval by interval, never as a failure. Its
penalty ``P`` is more than any least-cost schedule can cost (:func:`_shortfall_penalty`), so the
optimum leaves as little unmet as the limits allow. Since the penalty then dwarfs the cost in
HiGHS's relative gap, a schedule that leaves some requirement unmet is re-optimised for cost with
the total shortfall held at that least (shortfall first, then cost).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from sim.rostering.columns import Columns, build_columns
from sim.rostering.requirements import Requirements
from sim.scenario.desk import Weekday
from sim.scenario.errors import InputError
from sim.scenario.rostering import Rostering

MIP_REL_GAP = 1e-4
"""Relative gap at which HiGHS stops and calls a schedule optimal (its default)."""

Status = Literal["optimal", "optimal_with_shortfall", "time_limit"]


class ScheduleError(InputError):
    """A catalogue or requirements the optimiser cannot work with (off the interval grid), or
    limits no roster meets, or no schedule found within the time limit."""


@dataclass(frozen=True)
class ChosenPattern:
    """Agents working one way of the week in the schedule."""

    shift_type: str
    start_h: float
    length_h: float
    breaks: tuple[tuple[float, float], ...]
    """``(after_h, length_min)`` of each break: its start, hours into the shift, and length."""
    days: tuple[Weekday, ...]
    part_time: bool
    agents: int
    cost_per_agent: float
    """Money per agent per week."""


@dataclass(frozen=True)
class Schedule:
    """An optimised week of shifts.

    Attributes:
        status: ``optimal`` (every requirement met, least cost within the relative gap
            :data:`MIP_REL_GAP`), ``optimal_with_shortfall`` (the least shortfall the limits allow
            is left in ``unmet``, then least cost), or ``time_limit`` (the best schedule found
            when time ran out; ``mip_gap`` says how far from proven).
        cost: Money per week of the shifts worked.
        mip_gap: Relative gap between the schedule's objective (shortfall penalty included) and
            HiGHS's bound on the optimum.
        solve_s: Wall seconds HiGHS took.
        patterns: The columns with agents, in catalogue order.
        coverage: Agents on shift and not on break, shape ``(7, intervals per day)``.
        unmet: Requirement minus coverage where positive, same shape.
        interval_min: Length of a planning interval in minutes.
        columns_offered: Ways to work the week the model chose from.
    """

    status: Status
    cost: float
    mip_gap: float
    solve_s: float
    patterns: tuple[ChosenPattern, ...]
    coverage: np.ndarray
    unmet: np.ndarray
    interval_min: int
    columns_offered: int

    @property
    def headcount(self) -> int:
        """Agents on the roster, each working one pattern all week."""
        return sum(p.agents for p in self.patterns)


def _shortfall_penalty(requirements: Requirements, settings: Rostering, columns: Columns) -> float:
    """Money per agent-interval of shortfall: more than any least-cost schedule can cost, so that
    covering one more interval is always worth it when the limits allow.

    A least-cost schedule has no agent it could drop: each covers an interval that would
    otherwise fall short (at most ``Σ r_t`` such agents), is needed for ``min_headcount``, or is
    a full-timer that keeps the part-time share (at most ``1/s`` per part-timer). Its headcount
    is thus at most ``max_headcount``, or ``max(Σ r_t, min_headcount) × (1 + 1/s)``, and each
    agent costs at most the dearest column.
    """
    dearest = float(columns.costs.max(initial=0.0))
    if settings.max_headcount is not None:
        agents = float(settings.max_headcount)
    else:
        agents = float(max(requirements.agents.sum(), settings.min_headcount))
        share = settings.max_part_time_share
        if share is not None and 0.0 < share < 1.0:
            agents *= 1.0 + 1.0 / share
    return dearest * (agents + 1.0) + 1.0


def _constraints(
    requirements: Requirements, settings: Rostering, columns: Columns, needed: np.ndarray
) -> list[LinearConstraint]:
    """Coverage (shortfall columns appended), shift-type caps, headcount and part-time share."""
    n_cols, n_short = len(columns.patterns), len(needed)
    r = requirements.agents.ravel()
    shortfall = sparse.csc_array(
        (np.ones(n_short), (needed, np.arange(n_short))), shape=(r.size, n_short)
    )
    cover = sparse.hstack([columns.cover, shortfall], format="csr")[needed]
    found = [LinearConstraint(cover, lb=r[needed], ub=np.inf)]
    capped = [k for k, t in enumerate(settings.shift_types) if t.max_agents is not None]
    if capped:
        row_of = {k: i for i, k in enumerate(capped)}
        mine = np.flatnonzero(np.isin(columns.type_index, capped))
        rows = sparse.csr_array(
            (np.ones(len(mine)), ([row_of[k] for k in columns.type_index[mine]], mine)),
            shape=(len(capped), n_cols),
        )
        caps = [settings.shift_types[k].max_agents for k in capped]
        found.append(LinearConstraint(_padded(rows, n_short), lb=0.0, ub=caps))
    everyone = np.ones((1, n_cols))
    found.append(
        LinearConstraint(
            _padded(everyone, n_short),
            lb=settings.min_headcount,
            ub=np.inf if settings.max_headcount is None else settings.max_headcount,
        )
    )
    share = settings.max_part_time_share
    if share is not None:
        over = np.where(columns.part_time, 1.0 - share, -share)[np.newaxis, :]
        found.append(LinearConstraint(_padded(over, n_short), lb=-np.inf, ub=0.0))
    return found


def _padded(rows: np.ndarray | sparse.csr_array, n_short: int) -> sparse.csr_array:
    """Rows over the columns, with zeros for the shortfall variables."""
    return sparse.hstack(
        [sparse.csr_array(rows), sparse.csr_array((rows.shape[0], n_short))], format="csr"
    )


def schedule(
    requirements: Requirements, settings: Rostering, time_limit_s: float = 10.0
) -> Schedule:
    """The least-cost week of shifts from the catalogue that covers the requirements (module
    docstring: the model).

    Raises:
        ScheduleError: the catalogue is off the requirements' interval grid, no roster meets the
            limits (``min_headcount`` with ``max_part_time_share`` when no full-time shift fits
            the open hours), or HiGHS found no schedule within ``time_limit_s``.
    """
    problems = settings.grid_problems(requirements.interval_min)
    if problems:
        raise ScheduleError("\n".join(problems))
    columns = build_columns(requirements, settings)
    agents, proven, mip_gap, solve_s = _solve(requirements, settings, columns, time_limit_s)
    coverage = np.rint(columns.cover @ agents).astype(np.int64).reshape(requirements.agents.shape)
    unmet = np.clip(requirements.agents - coverage, 0, None)
    solved: Status = "optimal_with_shortfall" if unmet.any() else "optimal"
    return Schedule(
        status=solved if proven else "time_limit",
        cost=float(columns.costs @ agents),
        mip_gap=mip_gap,
        solve_s=solve_s,
        patterns=_chosen(columns, agents),
        coverage=coverage,
        unmet=unmet,
        interval_min=requirements.interval_min,
        columns_offered=len(columns.patterns),
    )


def _solve(
    requirements: Requirements, settings: Rostering, columns: Columns, time_limit_s: float
) -> tuple[np.ndarray, bool, float, float]:
    """Agents per column, whether HiGHS proved them optimal, its MIP gap, and its wall seconds.

    When the least shortfall is not zero, the penalty dwarfs the cost in the objective, and so in
    HiGHS's relative gap; the cost is then minimised again with the total shortfall held at its
    least (lexicographic: shortfall first, then cost), in the time left.
    """
    n_cols = len(columns.patterns)
    needed = np.flatnonzero(requirements.agents.ravel() > 0)
    if n_cols == 0 and len(needed) == 0 and settings.min_headcount == 0:
        return np.zeros(0, dtype=np.int64), True, 0.0, 0.0  # nothing required, nothing to work
    caps = [settings.shift_types[k].max_agents for k in columns.type_index]
    integrality = np.concatenate([np.ones(n_cols), np.zeros(len(needed))])
    bounds = Bounds(
        0.0, np.array([np.inf if c is None else c for c in caps] + [np.inf] * len(needed))
    )
    constraints = _constraints(requirements, settings, columns, needed)
    penalty = np.full(len(needed), _shortfall_penalty(requirements, settings, columns))
    started = time.perf_counter()
    result = milp(
        c=np.concatenate([columns.costs, penalty]),
        constraints=constraints,
        integrality=integrality,
        bounds=bounds,
        options={"time_limit": time_limit_s, "mip_rel_gap": MIP_REL_GAP},
    )
    if result.x is None:
        raise ScheduleError(_no_schedule(settings, n_cols, result.status, time_limit_s))
    proven = result.status == 0
    least_unmet = float(result.x[n_cols:].sum().round())
    if proven and least_unmet > 0:
        held = LinearConstraint(
            np.concatenate([np.zeros(n_cols), np.ones(len(needed))])[np.newaxis, :],
            ub=least_unmet,
        )
        left_s = max(time_limit_s - (time.perf_counter() - started), 0.0)
        cheaper = milp(
            c=np.concatenate([columns.costs, np.zeros(len(needed))]),
            constraints=[*constraints, held],
            integrality=integrality,
            bounds=bounds,
            options={"time_limit": left_s, "mip_rel_gap": MIP_REL_GAP},
        )
        if cheaper.x is None:  # out of time: the first schedule, its cost not proven least
            proven = False
        else:
            result, proven = cheaper, cheaper.status == 0
    solve_s = time.perf_counter() - started
    gap = math.nan if result.mip_gap is None else float(result.mip_gap)
    return np.round(result.x[:n_cols]).astype(np.int64), proven, gap, solve_s


def _no_schedule(settings: Rostering, n_cols: int, status: int, time_limit_s: float) -> str:
    """Why HiGHS returned no schedule: the limits contradict each other, or time ran out."""
    if status != 2:  # 2: infeasible
        return f"no schedule found within the time limit of {time_limit_s:g} s; allow longer"
    share = settings.max_part_time_share
    return (
        f"no roster meets the limits: min_headcount {settings.min_headcount}"
        + (f", max_part_time_share {share:g}" if share is not None else "")
        + f" and the shift types' max_agents, with the ways to work the week that fit the open "
        f"intervals ({n_cols}); add full-time shift types that fit, or relax a limit"
    )


def _chosen(columns: Columns, agents: np.ndarray) -> tuple[ChosenPattern, ...]:
    """The columns with agents, as patterns a roster can be written from."""
    return tuple(
        ChosenPattern(
            shift_type=p.shift_type,
            start_h=p.start_min / 60.0,
            length_h=p.length_min / 60.0,
            breaks=tuple((after / 60.0, length) for after, length in p.breaks_min),
            days=p.days,
            part_time=p.part_time,
            agents=int(n),
            cost_per_agent=p.cost,
        )
        for p, n in zip(columns.patterns, agents, strict=True)
        if n > 0
    )
