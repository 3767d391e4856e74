"""Analytic queueing formulas for service-desk staffing (Erlang B, C and A).

Units: rates are per minute and times are in minutes, except names ending in
``_s`` (seconds). ``offered_load`` R = arrival rate x mean handle time, in Erlangs.

Models (Poisson arrivals, exponential handle times, ``n`` identical agents):

* **Erlang B** (M/M/n/n, blocked calls cleared): probability that an arrival
  finds all ``n`` lines busy and is lost. Use it for trunks/lines/ports, not
  for queues.
* **Erlang C** (M/M/n, infinitely patient callers): probability of waiting and
  the wait distribution ``P(W > t) = C * exp(-(n*mu - lambda) * t)``. It needs
  R < n and, because nobody hangs up, it overstates waits and overstaffs real
  desks.
* **Erlang A** (M/M/n+M, Palm's model; Garnett, Mandelbaum & Reiman 2002):
  Erlang C plus exponential patience (rate theta = 1 / mean patience); callers
  who are still queued when their patience expires abandon. It is stable for
  any load, including R >= n. Results here are exact: the stationary
  birth-death chain (birth lambda, death ``min(k, n)*mu + max(k - n, 0)*theta``)
  is summed in log space, truncated once terms fall below e^-46 of the largest.
  A tagged arrival with ``m`` callers ahead needs an offered wait
  ``V = sum_{j=0..m} Exp(n*mu + j*theta)`` and ``exp(-theta*V) ~ Beta(n*mu/theta, m + 1)``,
  which gives exact per-state answer, abandonment and wait terms through the
  regularised incomplete beta function (Mandelbaum & Zeltyn, "The M/M/n+G
  queue: summary of performance measures").

Service level (SL) definitions:

* Default: calls answered within the threshold T / all offered calls. Abandoned
  calls count as misses, so with abandonment SL = P(answered and wait <= T).
* Short-abandon variant (Erlang A, ``short_abandon_s > 0``): callers who hang up
  within ``short_abandon_s`` are removed from the denominator,
  SL = P(answered within T) / (1 - P(abandoned with wait < short_abandon_s)).

``QueueKpis.definition`` records which definition a result uses. ASA is the mean
wait of answered calls; ``mean_wait_min`` averages over all calls, answered and
abandoned.

Staffing in the quality-and-efficiency-driven (QED) regime follows the
square-root rule n = R + beta * sqrt(R) (Borst, Mandelbaum & Reiman 2004), where
the Halfin-Whitt function links beta to the delay probability.

Imports nothing from :mod:`sim`.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from scipy import optimize, special

__all__ = [
    "QueueKpis",
    "agents_for_abandonment",
    "agents_for_asa",
    "agents_for_service_level",
    "erlang_a_kpis",
    "erlang_b",
    "erlang_c",
    "erlang_c_kpis",
    "halfin_whitt_beta",
    "square_root_staffing",
]

_SECONDS_PER_MIN = 60.0
_LOG_NEGLIGIBLE = 46.0  # queue states below e^-46 of the modal one are dropped
_MAX_QUEUE_STATES = 2_000_000


@dataclass(frozen=True)
class QueueKpis:
    """Steady-state KPIs of a single-skill queue.

    Attributes:
        p_wait: Probability that an arrival finds all agents busy.
        p_abandon: Probability that an arrival abandons (0.0 for Erlang C).
        asa_min: Average speed of answer: mean wait of answered calls, minutes.
        mean_wait_min: Mean queue time over all calls (answered and abandoned), minutes.
        service_level: Fraction of calls answered within the threshold (see ``definition``).
        occupancy: Mean busy agents divided by agents.
        mean_queue_length: Mean number of callers waiting.
        sl_threshold_s: Service-level threshold, seconds.
        definition: Human-readable statement of the service-level definition.
    """

    p_wait: float
    p_abandon: float
    asa_min: float
    mean_wait_min: float
    service_level: float
    occupancy: float
    mean_queue_length: float
    sl_threshold_s: float
    definition: str


def erlang_b(servers: int, offered_load: float) -> float:
    """Erlang B blocking probability of an M/M/n/n loss system.

    Computed in log space, so it is stable for tens of thousands of servers and Erlangs.

    Args:
        servers: Number of servers (lines), >= 0.
        offered_load: Offered load in Erlangs, >= 0.

    Returns:
        Probability that an arrival is blocked.

    Raises:
        ValueError: If ``servers`` is not a non-negative integer or the load is negative.
    """
    _check_servers(servers, minimum=0)
    _check_nonnegative("offered_load", offered_load)
    if servers == 0:
        return 1.0
    if offered_load == 0:
        return 0.0
    return float(special.expit(-_log_idle_ratio(servers, offered_load)))


def erlang_c(servers: int, offered_load: float) -> float:
    """Erlang C probability of waiting in an M/M/n queue.

    Args:
        servers: Number of agents, >= 0.
        offered_load: Offered load in Erlangs, >= 0.

    Returns:
        Probability that an arrival must wait; 1.0 if ``offered_load >= servers``.

    Raises:
        ValueError: If ``servers`` is not a non-negative integer or the load is negative.
    """
    blocking = erlang_b(servers, offered_load)
    if offered_load >= servers:
        return 1.0
    return blocking / (1.0 - offered_load / servers * (1.0 - blocking))


def erlang_c_kpis(
    arrival_rate_per_min: float,
    servers: int,
    mean_handle_min: float,
    sl_threshold_s: float,
) -> QueueKpis:
    """KPIs of the M/M/n (Erlang C) queue.

    Args:
        arrival_rate_per_min: Arrival rate lambda, calls per minute.
        servers: Number of agents n.
        mean_handle_min: Mean handle time 1/mu, minutes.
        sl_threshold_s: Service-level threshold T, seconds.

    Returns:
        The queue KPIs; ``service_level`` = 1 - C * exp(-(n*mu - lambda) * T).

    Raises:
        ValueError: On invalid inputs or if offered load >= servers (unstable queue).
    """
    _check_positive("arrival_rate_per_min", arrival_rate_per_min)
    _check_servers(servers, minimum=1)
    _check_positive("mean_handle_min", mean_handle_min)
    _check_nonnegative("sl_threshold_s", sl_threshold_s)
    load = arrival_rate_per_min * mean_handle_min
    if load >= servers:
        raise ValueError(
            f"Erlang C is unstable: offered load {load:.6g} Erlangs >= {servers} agents; "
            "add agents or use erlang_a_kpis (which models abandonment)"
        )
    p_wait = erlang_c(servers, load)
    spare_rate = servers / mean_handle_min - arrival_rate_per_min  # n*mu - lambda
    asa = p_wait / spare_rate
    threshold_min = sl_threshold_s / _SECONDS_PER_MIN
    return QueueKpis(
        p_wait=p_wait,
        p_abandon=0.0,
        asa_min=asa,
        mean_wait_min=asa,
        service_level=1.0 - p_wait * math.exp(-spare_rate * threshold_min),
        occupancy=load / servers,
        mean_queue_length=arrival_rate_per_min * asa,
        sl_threshold_s=float(sl_threshold_s),
        definition=_sl_definition(sl_threshold_s, 0.0),
    )


def erlang_a_kpis(
    arrival_rate_per_min: float,
    servers: int,
    mean_handle_min: float,
    mean_patience_min: float,
    sl_threshold_s: float,
    short_abandon_s: float = 0.0,
) -> QueueKpis:
    """Exact KPIs of the M/M/n+M (Erlang A) queue.

    Valid for any load. With ``mean_patience_min = math.inf`` this is
    :func:`erlang_c_kpis`.

    Args:
        arrival_rate_per_min: Arrival rate lambda, calls per minute.
        servers: Number of agents n.
        mean_handle_min: Mean handle time 1/mu, minutes.
        mean_patience_min: Mean (exponential) patience 1/theta, minutes.
        sl_threshold_s: Service-level threshold T, seconds.
        short_abandon_s: If > 0, calls abandoning within this many seconds are
            excluded from the service-level denominator.

    Returns:
        The queue KPIs.

    Raises:
        ValueError: On invalid inputs, or if the queue-state space needed for
            exact results is impractically large (patience extremely long
            relative to the handle time).
    """
    _check_positive("arrival_rate_per_min", arrival_rate_per_min)
    _check_servers(servers, minimum=1)
    _check_positive("mean_handle_min", mean_handle_min)
    _check_positive("mean_patience_min", mean_patience_min, allow_inf=True)
    _check_nonnegative("sl_threshold_s", sl_threshold_s)
    _check_nonnegative("short_abandon_s", short_abandon_s)
    if math.isinf(mean_patience_min):
        return erlang_c_kpis(arrival_rate_per_min, servers, mean_handle_min, sl_threshold_s)

    lam = arrival_rate_per_min
    theta = 1.0 / mean_patience_min
    full_rate = servers / mean_handle_min  # n*mu: service completions when all agents busy
    shape = full_rate / theta  # exp(-theta*V) ~ Beta(shape, m + 1) with m callers ahead

    # prob[i] = pi_{n+m} for m = ahead[i]; the idle states hold sum_{k<n} pi_k / pi_n = (1-B)/B.
    log_terms, ahead = _queue_log_terms(lam, full_rate, theta)
    log_idle = _log_idle_ratio(servers, lam * mean_handle_min)
    log_queue = float(special.logsumexp(log_terms))
    prob = np.exp(log_terms - np.logaddexp(log_idle, log_queue))
    p_wait = float(special.expit(log_queue - log_idle))
    p_immediate = float(special.expit(log_idle - log_queue))

    # Tagged arrival with m ahead: served with prob n*mu / (n*mu + (m+1)*theta);
    # E[W; served] = that prob * sum_{j=0..m} 1 / (n*mu + (j+1)*theta).
    exit_rates = full_rate + (ahead + 1.0) * theta
    p_served = full_rate / exit_rates
    stage_means = np.cumsum(1.0 / (full_rate + np.arange(1.0, ahead[-1] + 2.0) * theta))
    p_abandon = float(np.sum(prob * (ahead + 1.0) * theta / exit_rates))
    mean_queue = float(np.sum(prob * ahead))
    p_answered = p_immediate + float(np.sum(prob * p_served))  # = 1 - p_abandon, no cancellation
    asa = float(np.sum(prob * p_served * stage_means[ahead])) / p_answered

    # P(served within T | m) = p_served * I_z(m+1, shape+1), z = 1 - exp(-theta*T).
    z_sl = -math.expm1(-theta * sl_threshold_s / _SECONDS_PER_MIN)
    answered_in_time = p_immediate + float(
        np.sum(prob * p_served * special.betainc(ahead + 1.0, shape + 1.0, z_sl))
    )
    service_level = answered_in_time
    if short_abandon_s > 0:
        # P(abandon with wait < s | m) = z + w*I_z(m+1, shape) - p_served*I_z(m+1, shape+1),
        # w = exp(-theta*s), z = 1 - w.
        z_short = -math.expm1(-theta * short_abandon_s / _SECONDS_PER_MIN)
        p_short = np.sum(
            prob
            * (
                z_short
                + (1.0 - z_short) * special.betainc(ahead + 1.0, shape, z_short)
                - p_served * special.betainc(ahead + 1.0, shape + 1.0, z_short)
            )
        )
        service_level = answered_in_time / (1.0 - float(p_short))

    return QueueKpis(
        p_wait=p_wait,
        p_abandon=p_abandon,
        asa_min=asa,
        mean_wait_min=mean_queue / lam,
        service_level=min(service_level, 1.0),
        occupancy=min(lam * p_answered * mean_handle_min / servers, 1.0),
        mean_queue_length=mean_queue,
        sl_threshold_s=float(sl_threshold_s),
        definition=_sl_definition(sl_threshold_s, short_abandon_s),
    )


def agents_for_service_level(
    arrival_rate_per_min: float,
    mean_handle_min: float,
    target_service_level: float,
    sl_threshold_s: float,
    mean_patience_min: float | None = None,
    max_agents: int = 100_000,
) -> int:
    """Fewest agents whose service level meets a target.

    Uses Erlang C when ``mean_patience_min`` is None, Erlang A otherwise, and a
    galloping search from the offered load followed by bisection.

    Args:
        arrival_rate_per_min: Arrival rate, calls per minute.
        mean_handle_min: Mean handle time, minutes.
        target_service_level: Required fraction answered within the threshold, in (0, 1).
        sl_threshold_s: Service-level threshold, seconds.
        mean_patience_min: Mean patience, minutes (None: infinitely patient callers).
        max_agents: Upper bound on the search.

    Returns:
        The smallest number of agents n with service level >= target.

    Raises:
        ValueError: On invalid inputs or if the target is not met by ``max_agents``.
    """
    _check_positive("arrival_rate_per_min", arrival_rate_per_min)
    _check_positive("mean_handle_min", mean_handle_min)
    _check_probability("target_service_level", target_service_level)
    _check_nonnegative("sl_threshold_s", sl_threshold_s)
    _check_servers(max_agents, minimum=1, name="max_agents")
    if mean_patience_min is not None:
        _check_positive("mean_patience_min", mean_patience_min, allow_inf=True)
    load = arrival_rate_per_min * mean_handle_min
    if mean_patience_min is None or math.isinf(mean_patience_min):
        lowest = math.floor(load) + 1  # Erlang C needs n > load

        def meets(n: int) -> bool:
            kpis = erlang_c_kpis(arrival_rate_per_min, n, mean_handle_min, sl_threshold_s)
            return kpis.service_level >= target_service_level

    else:
        lowest = 1

        def meets(n: int) -> bool:
            kpis = erlang_a_kpis(
                arrival_rate_per_min, n, mean_handle_min, mean_patience_min, sl_threshold_s
            )
            return kpis.service_level >= target_service_level

    return _fewest_agents(
        meets,
        start=max(lowest, math.ceil(load)),
        lowest=lowest,
        max_agents=max_agents,
        failure=f"service level {target_service_level} not reachable with <= {max_agents} agents",
    )


def agents_for_abandonment(
    arrival_rate_per_min: float,
    mean_handle_min: float,
    mean_patience_min: float,
    max_abandon_rate: float,
    max_agents: int = 100_000,
) -> int:
    """Fewest agents keeping the Erlang A abandonment probability at or below a cap.

    Args:
        arrival_rate_per_min: Arrival rate, calls per minute.
        mean_handle_min: Mean handle time, minutes.
        mean_patience_min: Mean (exponential) patience, minutes.
        max_abandon_rate: Highest acceptable fraction of arrivals abandoning, in (0, 1).
        max_agents: Upper bound on the search.

    Returns:
        The smallest number of agents n with P(abandon) <= ``max_abandon_rate``.

    Raises:
        ValueError: On invalid inputs or if the cap is not met by ``max_agents``.
    """
    _check_positive("arrival_rate_per_min", arrival_rate_per_min)
    _check_positive("mean_handle_min", mean_handle_min)
    _check_positive("mean_patience_min", mean_patience_min)
    _check_probability("max_abandon_rate", max_abandon_rate)
    _check_servers(max_agents, minimum=1, name="max_agents")

    def meets(n: int) -> bool:
        kpis = erlang_a_kpis(arrival_rate_per_min, n, mean_handle_min, mean_patience_min, 0.0)
        return kpis.p_abandon <= max_abandon_rate

    return _fewest_agents(
        meets,
        start=max(1, math.ceil(arrival_rate_per_min * mean_handle_min)),
        lowest=1,
        max_agents=max_agents,
        failure=f"abandonment {max_abandon_rate} not reachable with <= {max_agents} agents",
    )


def agents_for_asa(
    arrival_rate_per_min: float,
    mean_handle_min: float,
    target_asa_s: float,
    mean_patience_min: float | None = None,
    max_agents: int = 100_000,
) -> int:
    """Fewest agents whose average speed of answer (mean wait of answered calls) is at most a
    target: Erlang C when ``mean_patience_min`` is None, Erlang A otherwise.

    Raises:
        ValueError: On invalid inputs or if the target is not met by ``max_agents``.
    """
    _check_positive("arrival_rate_per_min", arrival_rate_per_min)
    _check_positive("mean_handle_min", mean_handle_min)
    _check_nonnegative("target_asa_s", target_asa_s)
    _check_servers(max_agents, minimum=1, name="max_agents")
    load = arrival_rate_per_min * mean_handle_min
    if mean_patience_min is None or math.isinf(mean_patience_min):
        lowest = math.floor(load) + 1

        def asa_s(n: int) -> float:
            return erlang_c_kpis(arrival_rate_per_min, n, mean_handle_min, 0.0).asa_min * 60.0

    else:
        _check_positive("mean_patience_min", mean_patience_min)
        lowest = 1

        def asa_s(n: int) -> float:
            kpis = erlang_a_kpis(arrival_rate_per_min, n, mean_handle_min, mean_patience_min, 0.0)
            return kpis.asa_min * 60.0

    return _fewest_agents(
        lambda n: asa_s(n) <= target_asa_s,
        start=max(lowest, math.ceil(load)),
        lowest=lowest,
        max_agents=max_agents,
        failure=f"ASA {target_asa_s} s not reachable with <= {max_agents} agents",
    )


def square_root_staffing(arrival_rate_per_min: float, mean_handle_min: float, beta: float) -> int:
    """Square-root staffing n = ceil(R + beta * sqrt(R)), R = lambda * E[S].

    Borst, Mandelbaum & Reiman (2004), "Dimensioning large call centers".

    Args:
        arrival_rate_per_min: Arrival rate, calls per minute.
        mean_handle_min: Mean handle time, minutes.
        beta: Quality-of-service parameter (may be negative with abandonment).

    Returns:
        Number of agents, at least 1.

    Raises:
        ValueError: On non-positive rates or handle time, or a non-finite beta.
    """
    _check_positive("arrival_rate_per_min", arrival_rate_per_min)
    _check_positive("mean_handle_min", mean_handle_min)
    if not math.isfinite(beta):
        raise ValueError(f"beta must be finite, got {beta!r}")
    load = arrival_rate_per_min * mean_handle_min
    # The small tolerance keeps floating-point noise (e.g. 110.00000000000001) from adding an agent.
    return max(1, math.ceil(load + beta * math.sqrt(load) - 1e-9))


def halfin_whitt_beta(target_p_wait: float) -> float:
    """Halfin-Whitt beta whose limiting delay probability equals a target.

    Solves alpha = [1 + beta * Phi(beta) / phi(beta)]^-1 (Halfin & Whitt 1981).

    Args:
        target_p_wait: Target probability of waiting alpha, in (0, 1).

    Returns:
        The unique beta > 0.

    Raises:
        ValueError: If the target is not strictly between 0 and 1.
    """
    _check_probability("target_p_wait", target_p_wait)
    log_odds = math.log1p(-target_p_wait) - math.log(target_p_wait)  # log(1/alpha - 1)

    def gap(beta: float) -> float:  # log(beta * Phi / phi) - log(1/alpha - 1), increasing
        log_phi = -0.5 * beta * beta - 0.5 * math.log(2.0 * math.pi)
        return math.log(beta) + float(special.log_ndtr(beta)) - log_phi - log_odds

    low, high = 1.0, 1.0
    while gap(low) > 0:
        low /= 2.0
    while gap(high) < 0:
        high *= 2.0
    return float(optimize.brentq(gap, low, high, xtol=low * 1e-14, rtol=1e-14))


def _queue_log_terms(
    arrival_rate: float, full_rate: float, theta: float
) -> tuple[np.ndarray, np.ndarray]:
    """Log of pi_{n+m} / pi_n for the significant queue lengths m of Erlang A.

    pi_{n+m} / pi_n = prod_{i=1..m} lambda / (n*mu + i*theta), unimodal in m.

    Returns:
        The log terms and the matching (contiguous) queue lengths m.
    """
    mode = max(0.0, math.floor((arrival_rate - full_rate) / theta))
    scale = max(arrival_rate, full_rate) / theta
    width = 10.0 * math.sqrt(scale)  # Gaussian-like decay around an interior mode
    if full_rate > arrival_rate:  # at least geometric decay from m = 0
        width = min(width, _LOG_NEGLIGIBLE / math.log(full_rate / arrival_rate))
    last = int(mode + width) + 16
    while True:
        if last > _MAX_QUEUE_STATES:
            raise ValueError(
                "Erlang A needs more than "
                f"{_MAX_QUEUE_STATES} queue states; mean_patience_min is too long for this "
                "load (use math.inf for Erlang C)"
            )
        i = np.arange(1.0, last + 1.0)
        steps = -np.log1p((full_rate - arrival_rate + i * theta) / arrival_rate)
        log_terms = np.concatenate(([0.0], np.cumsum(steps)))
        peak = log_terms.max()
        ratio = arrival_rate / (full_rate + (last + 1) * theta)  # next term / last term
        # Tail beyond `last` is at most last_term * ratio / (1 - ratio).
        if ratio < 1 and log_terms[-1] - math.log1p(-ratio) < peak - _LOG_NEGLIGIBLE:
            break
        last *= 2
    keep = np.flatnonzero(log_terms >= peak - _LOG_NEGLIGIBLE)
    return log_terms[keep], keep


def _log_idle_ratio(servers: int, offered_load: float) -> float:
    """log((1 - B) / B) = log(sum_{k<n} R^k/k! / (R^n/n!)) for Erlang B(n, R), n >= 1."""
    log_terms = np.cumsum(np.log(np.arange(servers, 0, -1) / offered_load))
    return float(special.logsumexp(log_terms))


def _fewest_agents(
    meets: Callable[[int], bool], start: int, lowest: int, max_agents: int, failure: str
) -> int:
    """Smallest n in [lowest, max_agents] with ``meets(n)``, for ``meets`` monotone in n."""
    if lowest > max_agents:
        raise ValueError(failure)
    start = min(max(start, lowest), max_agents)
    step = 1
    if meets(start):  # gallop down to a failing n (or below the range)
        good, bad = start, lowest - 1
        while good - step > bad:
            if not meets(good - step):
                bad = good - step
                break
            good -= step
            step *= 2
    else:  # gallop up to a passing n
        bad = start
        while True:
            probe = min(bad + step, max_agents)
            if meets(probe):
                good = probe
                break
            if probe == max_agents:
                raise ValueError(failure)
            bad = probe
            step *= 2
    while good - bad > 1:
        mid = (good + bad) // 2
        if meets(mid):
            good = mid
        else:
            bad = mid
    return good


def _sl_definition(sl_threshold_s: float, short_abandon_s: float) -> str:
    if short_abandon_s > 0:
        return (
            f"answered within {sl_threshold_s:g} s / (offered calls - calls abandoned "
            f"within {short_abandon_s:g} s)"
        )
    return (
        f"answered within {sl_threshold_s:g} s / all offered calls "
        "(abandoned calls count as misses)"
    )


def _check_servers(value: int, minimum: int, name: str = "servers") -> None:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")


def _check_positive(name: str, value: float, allow_inf: bool = False) -> None:
    ok = isinstance(value, Real) and value > 0 and (allow_inf or math.isfinite(value))
    if not ok:
        kind = "a positive number (math.inf allowed)" if allow_inf else "a positive finite number"
        raise ValueError(f"{name} must be {kind}, got {value!r}")


def _check_nonnegative(name: str, value: float) -> None:
    if not (isinstance(value, Real) and math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")


def _check_probability(name: str, value: float) -> None:
    if not (isinstance(value, Real) and 0 < value < 1):
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {value!r}")
