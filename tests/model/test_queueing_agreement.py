"""The simulation engine agrees with queueing theory on the desks theory solves exactly.

A stationary desk with exponential handle times is M/M/n (Erlang C) without abandonment and
M/M/n+M (Erlang A) with exponential patience. At 5, 50 and 500 agents and loads from 0.7 to 1.1
(above 1 only with abandonment), every analytic measure must fall inside the simulated confidence
interval.

There are 15 desks × 4 measures = 60 comparisons here (the five 500-agent desks, the longest,
run with ``make test-long``). A correct simulator misses a 95% interval
one time in twenty, so at 95% about three misses are expected by chance alone. The family is
therefore tested at a Bonferroni-corrected level (1 − 0.05/60 per comparison, a 5% chance of any
false alarm in the whole family); the 95% intervals the calculator prints are checked in
``tests/cli``.

When every replication gives the same value (e.g. no caller ever waits at 500 agents and load
0.7, where the analytic P(wait) is about 1e-10) the t interval has zero width; the share is then
judged by the exact binomial (Clopper–Pearson) interval of the pooled count instead, and the ASA
(then zero in every replication) is implied by P(wait) and not compared separately.

Rare outcomes come in bursts: on an overloaded 500-agent desk the queue empties only in rare
excursions, and the per-replication share of callers who found a free agent is heavily skewed.
The t interval is only trustworthy when each replication sees enough of the rarer outcome, so each
replication is made long enough to expect at least 300 of them (between 40,000 and 300,000 calls).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sim.experiments.erlang_check import StationaryDesk
from sim.experiments.replications import run_scenario
from sim.measures.estimates import estimate
from sim.queueing import erlang_a_kpis

MEASURES = {
    "p_wait": "p_wait",
    "asa_s": "asa_s",
    "service_level": "service_level",
    "p_abandon": "abandon_rate",
}
CASES = [
    (n, load, patience)
    for n in (5, 50, 500)
    for load, patience in [(0.7, None), (0.9, None), (0.7, 10.0), (0.9, 10.0), (1.1, 10.0)]
]
LONG_CASES = {case for case in CASES if case[0] == 500}
"""The 500-agent desks (10 to 60 s each, up to 300,000 calls a replication), run by
``make test-long``."""
FAMILY_LEVEL = 1.0 - 0.05 / (len(CASES) * len(MEASURES))
AHT_MIN = 5.0


def pooled_binomial_interval(successes: float, trials: float, level: float) -> tuple[float, float]:
    """Clopper–Pearson interval of a proportion."""
    alpha = 1.0 - level
    low = stats.beta.ppf(alpha / 2, successes, trials - successes + 1) if successes > 0 else 0.0
    high = (
        stats.beta.ppf(1 - alpha / 2, successes + 1, trials - successes)
        if successes < trials
        else 1.0
    )
    return float(low), float(high)


def contacts_needed(p_wait: float) -> int:
    """Calls per replication for at least 300 expected of the rarer of wait / no wait."""
    rarer = min(p_wait, 1.0 - p_wait)
    if rarer < 1e-5:  # practically never: the binomial interval judges zero counts
        return 40_000
    return int(np.clip(300.0 / rarer, 40_000, 300_000))


def case_id(case: tuple[int, float, float | None]) -> str:
    n, load, patience = case
    return f"n{n}-load{load}-{'A' if patience else 'C'}"


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=pytest.mark.long) if c in LONG_CASES else c for c in CASES],
    ids=case_id,
)
def test_simulation_matches_erlang(case: tuple[int, float, float | None]) -> None:
    agents, load, patience = case
    arrivals_per_h = agents * load * 60.0 / AHT_MIN
    desk = StationaryDesk(arrivals_per_h, agents, AHT_MIN, patience, 20.0)
    analytic = desk.analytic()
    scenario = desk.scenario(contacts=contacts_needed(analytic["p_wait"]))
    result = run_scenario(scenario, replications=10, seed=2024 + agents, workers=1)
    reps = result.per_replication
    for measure, kpi in MEASURES.items():
        values = [r[kpi] for r in reps]
        if measure == "p_abandon" and patience is None:
            assert max(values) == 0.0
            continue
        e = estimate(values, level=FAMILY_LEVEL, upper=math.inf)
        low, high = e.ci_low, e.ci_high
        if measure == "asa_s" and max(r["p_wait"] for r in reps) == 0.0:
            continue
        if min(values) == max(values) and measure != "asa_s":
            trials = sum(r["answered_phone"] + r["abandoned_phone"] for r in reps)
            low, high = pooled_binomial_interval(values[0] * trials, trials, FAMILY_LEVEL)
        assert low <= analytic[measure] <= high, (
            f"{measure}: analytic {analytic[measure]:.6g} outside simulated "
            f"[{low:.6g}, {high:.6g}] (mean {e.mean:.6g})"
        )


def test_littles_law_and_queue_length() -> None:
    """L = λW on the sample path, and L matches the Erlang A mean queue length."""
    agents, arrivals_per_h, patience = 50, 570.0, 10.0
    scenario = StationaryDesk(arrivals_per_h, agents, AHT_MIN, patience, 20.0).scenario(60_000)
    result = run_scenario(scenario, replications=10, seed=99, workers=1)
    reps = result.per_replication
    window_h = (scenario.calendar.horizon_days * 1440 - scenario.calendar.warmup_min) / 60.0
    # Mean wait over all settled callers (answered and abandoned), per replication.
    lam_w = []
    for r in reps:
        n_settled = r["answered_phone"] + r["abandoned_phone"]
        mean_wait_min = (
            (r["asa_s"] * r["answered_phone"] + r["mean_time_to_abandon_s"] * r["abandoned_phone"])
            / n_settled
            / 60.0
        )
        lam_w.append(r["offered_phone"] / (window_h * 60.0) * mean_wait_min)
    queue = np.array([r["mean_queue_phone"] for r in reps])
    # Sample-path Little's law: only calls straddling the window edges differ.
    assert np.allclose(queue, lam_w, rtol=0.01)
    expected = erlang_a_kpis(arrivals_per_h / 60.0, agents, AHT_MIN, patience, 20.0)
    e = estimate(queue)
    assert e.ci_low <= expected.mean_queue_length <= e.ci_high
