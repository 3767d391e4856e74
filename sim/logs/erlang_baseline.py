"""The Erlang A baseline of a validation: the M/M/n+M queue per interval of a logged period, with
the interval's arrival rate and agents as the validation mode gives them to the simulation
(observed or forecast calls; inferred or planned agents), the mean handle time and the
exponential patience fitted at calibration, aggregated to hours and to the period."""

from __future__ import annotations

import math

import numpy as np

from sim.logs.bands import fallback_keys
from sim.logs.observed import HOURS, N_TALLIES
from sim.logs.plan import DeskInputs
from sim.queueing import erlang_a_kpis
from sim.scenario.base import mean_min
from sim.scenario.desk import ServiceLevel
from sim.scenario.scenario import Scenario


def erlang_a_totals(
    arrivals: np.ndarray,
    agents: np.ndarray,
    busy_min: np.ndarray,
    patience_min: np.ndarray,
    interval_min: int,
    sl: ServiceLevel,
) -> np.ndarray:
    """Erlang A per interval, as expected totals per day and hour (see :func:`tally`).

    Each interval with calls is an M/M/n+M queue in steady state with its observed arrival rate,
    its agents, its mean busy time per call and its mean exponential patience; its measures are
    weighted by the interval's calls when summed to hours, so that a ratio of the totals is the
    arrival-weighted mean (and the wait of answered calls is weighted by the calls answered).

    Args:
        arrivals: Calls per day and interval, shape ``(days, intervals)``.
        agents: Agents per day and interval (an interval with calls and no agent counts as one).
        busy_min: Mean agent time per call (handle time and wrap-up) per day and interval.
        patience_min: Mean exponential patience (minutes) per day and interval.
        interval_min: Interval length (minutes).
        sl: The service-level definition.
    """
    n_days, _ = arrivals.shape
    out = np.zeros((n_days, HOURS, N_TALLIES))
    cache: dict[tuple[float, int, float, float], np.ndarray] = {}
    for d, i in zip(*np.nonzero(arrivals), strict=True):
        n = float(arrivals[d, i])
        key = (
            n,
            max(int(agents[d, i]), 1),
            round(float(busy_min[d, i]), 4),
            round(float(patience_min[d, i]), 4),
        )
        if key not in cache:
            cache[key] = _erlang_a_per_call(n / interval_min, key[1], key[2], key[3], sl)
        out[d, int(i * interval_min // 60)] += n * cache[key]
    return out


def _erlang_a_per_call(
    rate_per_min: float, agents: int, busy_min: float, patience_min: float, sl: ServiceLevel
) -> np.ndarray:
    """Erlang A totals per arriving call (the tallies of :func:`tally`, as expectations)."""
    k = erlang_a_kpis(rate_per_min, agents, busy_min, patience_min, sl.threshold_s)
    p_ab = k.p_abandon
    wait_all_s = k.mean_wait_min * 60.0
    wait_answered_s = k.asa_min * 60.0 * (1.0 - p_ab)
    in_time = k.service_level  # P(answered within the threshold), abandons as misses
    if sl.abandoned == "exclude":
        den = 1.0 - p_ab
    elif sl.short_abandon_s > 0:
        short = erlang_a_kpis(
            rate_per_min, agents, busy_min, patience_min, sl.threshold_s, sl.short_abandon_s
        )
        den = in_time / short.service_level if short.service_level > 0 else 1.0
    else:
        den = 1.0
    return np.array(
        [
            1.0,
            p_ab,
            max(wait_all_s - wait_answered_s, 0.0),
            1.0 - p_ab,
            wait_answered_s,
            1.0 - k.p_wait,
            in_time,
            den,
        ]
    )


def _mix(arrivals: np.ndarray, per_type: np.ndarray) -> np.ndarray:
    """Call-weighted mean of a per-type value in every interval, shape ``(days, intervals)``."""
    calls = arrivals.sum(axis=1)
    weighted = np.einsum("dti,t->di", arrivals, per_type)
    return np.divide(weighted, calls, out=np.zeros(calls.shape), where=calls > 0)


def erlang_a_baseline(inputs: DeskInputs, scenario: Scenario, patience_s: np.ndarray) -> np.ndarray:
    """Erlang A totals per day and hour for the period (see :func:`erlang_a_totals`), with the
    calls and agents the simulation gets in the validation mode (``inputs``): the busy time per
    call (handle time and wrap-up) and the exponential patience are the scenario's per type
    (``patience_s``, see :func:`erlang_patience_s`), weighted by each interval's mix of
    types."""
    busy = np.array(
        [
            mean_min(ct.handle_time) + ct.wrap_up_s / 60.0
            for ct in scenario.demand.contact_types.values()
        ]
    )
    if inputs.roster is None:
        raise ValueError("Erlang A needs the agents per interval: the plan has no roster yet")
    return erlang_a_totals(
        inputs.arrivals.sum(axis=1),
        inputs.roster,
        _mix(inputs.arrivals, busy),
        _mix(inputs.arrivals, np.asarray(patience_s) / 60.0),
        scenario.calendar.interval_min,
        scenario.service_level,
    )


def erlang_patience_s(scenario: Scenario, fitted: dict[str, float] | None) -> np.ndarray:
    """Exponential patience (seconds) per contact type for the Erlang A baseline.

    The fits recorded at calibration (:func:`sim.logs.scenario_file.exponential_patience_s`): the
    type's own, else the pooled fits in the calibration's order
    (:func:`sim.logs.bands.fallback_keys`); without them, the mean of the scenario's patience
    distribution.
    """
    out = []
    for name, ct in scenario.demand.contact_types.items():
        keys = fallback_keys(name)
        found = [fitted[k] for k in keys if fitted and k in fitted]
        value = found[0] if found else mean_min(ct.patience) * 60.0
        if not math.isfinite(value):
            raise ValueError(f"contact type {name} never abandons: Erlang A needs a patience")
        out.append(value)
    return np.array(out)
