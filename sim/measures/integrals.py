"""Exact integrals over time of the step functions and spans a replication records.

A queue's length and the agents busy are counts of open spans (queue stays, service periods);
the agents present and rostered are step functions. Their time integrals per interval are
computed exactly from sorted ends and cumulative sums, without a time grid.
"""

from __future__ import annotations

import numpy as np


def span_integral(starts: np.ndarray, ends: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Integral of the number of open spans ``[start, end)`` over each ``[edges[i], edges[i+1])``.

    With spans = queue stays it gives queue-minutes per interval; with spans = busy periods,
    busy agent-minutes. Vectorised: ``F(x) = Σ_{s<x} (x − s) − Σ_{e<x} (x − e)``.
    """
    s = np.sort(starts)
    e = np.sort(ends)
    cs = np.concatenate([[0.0], np.cumsum(s)])
    ce = np.concatenate([[0.0], np.cumsum(e)])
    ns = np.searchsorted(s, edges, side="left")
    ne = np.searchsorted(e, edges, side="left")
    cumulative = (edges * ns - cs[ns]) - (edges * ne - ce[ne])
    return np.diff(cumulative)


def step_integral(times: np.ndarray, levels: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Integral of a step function (``levels[i]`` from ``times[i]``) over each edge interval."""
    area = np.concatenate([[0.0], np.cumsum(levels[:-1] * np.diff(times))])
    j = np.clip(np.searchsorted(times, edges, side="right") - 1, 0, len(times) - 1)
    cumulative = area[j] + levels[j] * (edges - times[j])
    return np.diff(cumulative)


def step_at(times: np.ndarray, levels: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Value of a step function at the given times."""
    return levels[np.clip(np.searchsorted(times, at, side="right") - 1, 0, len(times) - 1)]


def overtime_minutes(
    present: tuple[np.ndarray, np.ndarray],
    attending: tuple[np.ndarray, np.ndarray],
    start: float,
    end: float,
) -> float:
    """Agent-minutes present beyond those attending by the roster within ``[start, end]`` (one
    group's step functions): agents finishing a contact after their shift, or kept on."""
    times = np.union1d(present[0], attending[0])
    times = np.unique(np.clip(np.concatenate([times, [start, end]]), start, end))
    mids = times[:-1]
    return float(
        np.sum(np.maximum(step_at(*present, mids) - step_at(*attending, mids), 0) * np.diff(times))
    )
