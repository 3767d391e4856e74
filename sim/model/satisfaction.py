"""Moments of truth → satisfaction → voice or exit, as pure vectorised functions.

Every contact is a *moment of truth* judged against what the customer expected (SERVQUAL gap 5):

* **speed** is a performance attribute (Kano): answered faster than expected earns up to
  ``speed_gain_max``; every extra multiple of the expected wait costs ``slow_loss_per_expected``;
* **resolution** is a must-be attribute: solving the problem earns nothing, failing costs
  ``unresolved_score``; being passed on (``escalated_score``) and having to come back
  (``repeat_score`` per earlier attempt) cost too; hanging up unanswered costs ``abandoned_score``;
* an **extra step** (compensation, a follow-up call) is a delighter: it only adds.

The moment's score lies in [-1, 1]. A bad moment weighs ``bad_weight`` (≈12) good ones: its
*impact* on satisfaction is ``bad_weight × score`` when negative, ``score`` when positive.
Satisfaction decays back towards neutral (0) with a half-life. These functions hold no state and
run no simulation, so response curves can be plotted and tested on their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.scenario.customers import (
    Satisfaction,
    SeverityPair,
    TarpRetention,
    TimeDecayRetention,
    word_of_mouth_shape,
)

if TYPE_CHECKING:
    from scipy.stats import rv_discrete


def moment_scores(
    is_realtime: np.ndarray,
    wait_min: np.ndarray,
    answered: np.ndarray,
    resolved: np.ndarray,
    escalated: np.ndarray,
    attempt: np.ndarray,
    extra_step_score: np.ndarray | float,
    sat: Satisfaction,
) -> np.ndarray:
    """Score in [-1, 1] of each contact as the customer experienced it.

    Args:
        is_realtime: phone or chat (expectation in seconds of waiting: expected_phone_wait_s),
            or email (hours to a reply).
        wait_min: time to answer (or to hanging up), minutes.
        answered: an agent answered.
        resolved: the contact solved the problem (ignored when not answered).
        escalated: the contact was passed to tier 2.
        attempt: 1 for the first contact about this problem, 2 for the second, ...
        extra_step_score: delighter score of any extra step taken (0 if none).
        sat: the :class:`~sim.scenario.customers.Satisfaction` parameters.
    """
    expected_min = np.where(
        is_realtime, sat.expected_phone_wait_s / 60.0, sat.expected_email_response_h * 60.0
    )
    ratio = np.asarray(wait_min, dtype=float) / expected_min
    speed = np.where(
        ratio <= 1.0,
        sat.speed_gain_max * (1.0 - ratio),
        -sat.slow_loss_per_expected * (ratio - 1.0),
    )
    score = np.where(answered, speed, sat.abandoned_score + np.minimum(speed, 0.0))
    score = score + np.where(answered & ~resolved, sat.unresolved_score, 0.0)
    score = score + np.where(escalated, sat.escalated_score, 0.0)
    score = score + sat.repeat_score * (np.asarray(attempt) - 1)
    score = score + extra_step_score
    return np.minimum(np.maximum(score, -1.0), 1.0)  # (np.clip, without its overhead per call)


def impact(scores: np.ndarray, bad_weight: float) -> np.ndarray:
    """Change in satisfaction from moment scores: bad moments weigh ``bad_weight`` times more."""
    return np.where(scores < 0.0, bad_weight * scores, scores)


def decayed(
    satisfaction: np.ndarray, elapsed_days: np.ndarray, half_life_days: float
) -> np.ndarray:
    """Satisfaction after ``elapsed_days`` of drifting back towards neutral (0)."""
    return satisfaction * np.exp2(-np.asarray(elapsed_days) / half_life_days)


def negative_binomial_cdf(n: float, p: float, tail: float = 1e-12) -> np.ndarray:
    """The distribution function of the negative binomial ``(n, p)`` at 0, 1, 2, ... up to the
    first count whose value reaches ``1 - tail`` (the count SciPy's ``ppf(1 - tail)`` gives).

    Summed from the probabilities' recursion ``P(k+1) = P(k) (k + n) / (k + 1) (1 - p)``, without
    SciPy: within a few units in the last place of SciPy's ``nbinom.cdf`` (tested), and the
    customer model needs no SciPy to start.
    """
    target = 1.0 - tail
    term = p**n
    cdf = [term]
    k = 0
    while cdf[-1] < target and term > 0.0:
        term *= (k + n) / (k + 1) * (1.0 - p)
        cdf.append(cdf[-1] + term)
        k += 1
    return np.array(cdf)


def word_of_mouth_distribution(mean: float, share_at_least_20: float) -> rv_discrete:
    """The :func:`word_of_mouth_shape` distribution as a SciPy frozen distribution (for charts
    and checks)."""
    from scipy import stats

    return stats.nbinom(*word_of_mouth_shape(mean, share_at_least_20))


def complaint_retention(
    rule: TimeDecayRetention | TarpRetention,
    hours_to_resolve: np.ndarray,
    large: np.ndarray,
    unresolved: SeverityPair,
) -> np.ndarray:
    """Chance a complainant stays, given how long the complaint took to resolve.

    ``time_decay``: ``retained_within`` when resolved within ``within_h``, then ``loss_per_day``
    less per further day, never below the retention of an unresolved complaint. ``tarp``: the TARP
    table by outcome (resolved quickly / resolved later) and problem size. ``NaN`` hours (never
    resolved) give the unresolved retention.
    """
    hours = np.asarray(hours_to_resolve, dtype=float)
    floor = np.where(large, unresolved.large, unresolved.small)
    if isinstance(rule, TimeDecayRetention):
        late_days = np.maximum(hours - rule.within_h, 0.0) / 24.0
        kept = np.maximum(rule.retained_within - rule.loss_per_day * late_days, floor)
    else:
        quick = np.where(large, rule.satisfied_quickly.large, rule.satisfied_quickly.small)
        slow = np.where(large, rule.satisfied.large, rule.satisfied.small)
        kept = np.where(hours <= rule.quickly_within_h, quick, slow)
    return np.where(np.isnan(hours), floor, kept)
