"""Selecting the system with the largest mean: the fully sequential KN procedure.

Kim, S.-H. and Nelson, B. L. (2001). A fully sequential procedure for indifference-zone selection
in simulation. *ACM Transactions on Modeling and Computer Simulation* 11(3), 251–273.

Among ``k`` systems (candidate policies, numbered 0 to k − 1), KN selects one whose mean is the
largest: when the best mean exceeds every other by at least ``δ`` (the indifference zone), the
best is selected with probability at least ``1 − α``. The observations of one replication form a
vector, independent from replication to replication and normal (in practice: each observation is
a mean over a long run, close to normal); within a replication the systems may be correlated in
any way. Common random numbers are therefore allowed, and they help: each pair of systems is
screened on the variance of its difference, which positive correlation shrinks.

The procedure. ``n0`` replications of every system give, for each pair ``(i, l)``, the sample
variance ``S²_il`` of ``X_i − X_l``. After ``r ≥ n0`` replications, system ``i`` is eliminated
when a system ``l`` still in contention has ``X̄_i(r) < X̄_l(r) − W_il(r)``, with::

    W_il(r) = max(0, δ / (2r) · (h² S²_il / δ² − r)),    h² = 2η (n0 − 1),
    η = ½ [(2α / (k − 1))^(−2 / (n0 − 1)) − 1].

Only the survivors get a further replication; the procedure stops when one system is left.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

Observe = Callable[[int, NDArray[np.intp]], ArrayLike]
"""``observe(replication, systems)``: one observation of each system in ``systems`` (increasing
indices), in that order, from replication ``replication`` (0, 1, 2, ...). With common random
numbers, replication ``r`` of every system sees the same random numbers."""


@dataclass(frozen=True)
class Selection:
    """The outcome of the KN procedure over ``k`` systems (tuples indexed by system)."""

    best: int
    """The selected system; when not resolved, the survivor with the largest sample mean."""
    resolved: bool
    """One system was left (the probability statement holds); ``False`` when the replication
    budget or the stored samples ran out first."""
    survivors: tuple[int, ...]
    """The systems never eliminated: ``(best,)`` when resolved."""
    replications: tuple[int, ...]
    """Replications of each system used."""
    means: tuple[float, ...]
    """Each system's sample mean over its replications."""
    eliminated_at: tuple[int | None, ...]
    """The number of replications after which each system was eliminated (``None``: never)."""
    delta: float
    alpha: float
    n0: int

    @property
    def total_replications(self) -> int:
        """Replications run: those of the systems that stayed longest."""
        return max(self.replications)

    def statement(self, names: Sequence[str] | None = None) -> str:
        """The result in one line of plain English, for a report (``names``: the systems'
        names, else "system i")."""

        def called(i: int) -> str:
            return f"system {i}" if names is None else names[i]

        settings = f"KN, δ = {_number(self.delta)}, n0 = {self.n0}"
        if self.resolved:
            best = called(self.best)
            return (
                f"{best[0].upper()}{best[1:]} has the largest mean, or is within "
                f"{_number(self.delta)} of the largest, with probability ≥ "
                f"{_number(100 * (1 - self.alpha))}% ({settings}, {self.total_replications} "
                "replications)"
            )
        remaining = ", ".join(called(s) for s in self.survivors)
        return (
            f"Not resolved after {self.total_replications} replications: {remaining} remain and "
            f"{called(self.best)} has the largest sample mean, with no probability statement "
            f"({settings})"
        )


def kn_eta(k: int, alpha: float, n0: int) -> float:
    """The constant η of Kim & Nelson (2001): ``½ [(2α / (k − 1))^(−2 / (n0 − 1)) − 1]``, which
    bounds the chance that any of the ``k − 1`` others eliminates the best by α."""
    return 0.5 * ((2.0 * alpha / (k - 1)) ** (-2.0 / (n0 - 1)) - 1.0)


def kn_select(
    observe: Observe,
    k: int,
    delta: float,
    alpha: float = 0.05,
    n0: int = 10,
    max_replications: int | None = None,
) -> Selection:
    """Select the system with the largest mean by the KN procedure (Kim & Nelson 2001).

    Args:
        observe: one paired observation of the systems asked for (see :data:`Observe`); after
            the first ``n0`` replications it is asked only for the survivors.
        k: the number of systems, at least 2.
        delta: the indifference zone: the smallest difference in means worth detecting (> 0).
        alpha: the chance of a wrong selection allowed when the best is ``delta`` ahead; ``1 −
            alpha`` must exceed ``1 / k``.
        n0: first-stage replications of every system, at least 2.
        max_replications: the budget: replications after which the procedure gives up, with
            ``resolved=False``. ``None``: run until one system is left (KN always stops, after at
            most ``h² max S²_il / δ² + 1`` replications).
    """
    _check_parameters(k, delta, alpha, n0, max_replications)
    h2 = 2.0 * kn_eta(k, alpha, n0) * (n0 - 1)
    everyone = np.arange(k)
    first_stage = np.array([_observation(observe, r, everyone) for r in range(n0)])
    # Per pair, the replications after which its allowance is zero and the larger mean wins.
    closes_at = h2 * difference_variances(first_stage) / delta**2
    sums = first_stage.sum(axis=0)
    replications = np.full(k, n0)
    eliminated_at: list[int | None] = [None] * k
    survivors = everyone
    r = n0
    while True:
        means = sums[survivors] / r
        allowance = kn_allowances(closes_at[np.ix_(survivors, survivors)], r, delta)
        kept = np.all(means[:, None] >= means[None, :] - allowance, axis=1)
        for system in survivors[~kept]:
            eliminated_at[system] = r
        survivors = survivors[kept]
        # With every allowance among the survivors at zero, the survivors are exactly tied (e.g.
        # candidates the model cannot tell apart): as the paper's last stage, select the largest
        # sample mean, the lowest index among equals.
        resolved = len(survivors) == 1 or not allowance[np.ix_(kept, kept)].any()
        if resolved or r == max_replications:
            best = survivors[np.argmax(sums[survivors])]
            return Selection(
                best=int(best),
                resolved=resolved,
                survivors=(int(best),) if resolved else tuple(int(s) for s in survivors),
                replications=tuple(int(n) for n in replications),
                means=tuple(float(m) for m in sums / replications),
                eliminated_at=tuple(eliminated_at),
                delta=float(delta),
                alpha=float(alpha),
                n0=n0,
            )
        sums[survivors] += _observation(observe, r, survivors)
        replications[survivors] += 1
        r += 1


def kn_select_from(
    samples: ArrayLike, delta: float, alpha: float = 0.05, n0: int = 10
) -> Selection:
    """The KN procedure over stored replications: ``samples[r, i]`` is system ``i`` in
    replication ``r`` (paired rows). The rows are read in order, as :func:`kn_select` would ask
    for them; ``resolved`` is ``False`` when they run out before one system is left."""
    table = np.asarray(samples, dtype=float)
    if table.ndim != 2:
        raise ValueError(f"samples must be a table (replications × systems), not {table.shape}")
    if table.shape[0] < n0:
        raise ValueError(f"{table.shape[0]} stored replications, fewer than n0 = {n0}")
    return kn_select(
        lambda r, systems: table[r, systems],
        table.shape[1],
        delta,
        alpha,
        n0,
        max_replications=table.shape[0],
    )


def difference_variances(first_stage: NDArray[np.float64]) -> NDArray[np.float64]:
    """``S²_il``: the sample variance of ``X_i − X_l`` over the first-stage rows (replications ×
    systems), for every pair of systems (exactly zero for systems equal row by row)."""
    return np.array(
        [
            (first_stage - first_stage[:, [i]]).var(axis=0, ddof=1)
            for i in range(first_stage.shape[1])
        ]
    )


def kn_allowances(closes_at: NDArray[np.float64], r: int, delta: float) -> NDArray[np.float64]:
    """``W_il(r) = max(0, δ / (2r) · (h² S²_il / δ² − r))``, given ``closes_at = h² S²_il / δ²``:
    how far below another survivor's sample mean a system's may fall after ``r`` replications
    and stay in contention (Kim & Nelson 2001)."""
    return np.maximum(0.0, delta / (2 * r) * (closes_at - r))


def _check_parameters(
    k: int, delta: float, alpha: float, n0: int, max_replications: int | None
) -> None:
    """Refuse settings the procedure is not defined for, saying which and why."""
    if k < 2:
        raise ValueError(f"selection needs at least 2 systems, not {k}")
    if not 0 < delta < math.inf:
        raise ValueError(f"the indifference zone delta must be positive and finite, not {delta}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), not {alpha}")
    if not 1 - alpha > 1 / k:
        raise ValueError(f"confidence 1 − alpha = {1 - alpha:g} must exceed 1/k = {1 / k:g}")
    if n0 < 2:
        raise ValueError(f"n0 must be at least 2 (the first stage estimates variances), not {n0}")
    if max_replications is not None and max_replications < n0:
        raise ValueError(f"max_replications ({max_replications}) must be at least n0 ({n0})")


def _observation(observe: Observe, replication: int, systems: NDArray[np.intp]) -> NDArray:
    """``observe(replication, systems)``, checked: one finite value per system asked for."""
    values = np.asarray(observe(replication, systems), dtype=float)
    if values.shape != systems.shape:
        raise ValueError(
            f"replication {replication}: {values.shape} observations for {len(systems)} "
            f"systems {systems.tolist()}; expected shape {systems.shape}"
        )
    if not np.isfinite(values).all():
        bad = systems[~np.isfinite(values)].tolist()
        raise ValueError(f"replication {replication}: systems {bad} observed NaN or infinite")
    return values


def _number(x: float) -> str:
    """A number as a report writes it: ``50,000``, ``0.5``, ``97.5``."""
    return f"{x:,.10g}"
