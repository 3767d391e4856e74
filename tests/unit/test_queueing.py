"""Tests for sim.queueing: published values plus independent numerical cross-checks.

The independent references used here never call the module's internals:
exact rational arithmetic (fractions) for Erlang B/C, a generator-matrix solve
of the truncated birth-death chain, a uniformised "tagged customer" CTMC for
answer/abandon times, and quadrature of the virtual-wait density.
"""

import dataclasses
import math
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from sim.queueing import (
    QueueKpis,
    agents_for_abandonment,
    agents_for_service_level,
    erlang_a_kpis,
    erlang_b,
    erlang_c,
    erlang_c_kpis,
    halfin_whitt_beta,
    square_root_staffing,
)

# --------------------------------------------------------------------------- references


def exact_erlang_b(servers: int, load: Fraction) -> Fraction:
    terms = [load**k / math.factorial(k) for k in range(servers + 1)]
    return terms[-1] / sum(terms)


def exact_erlang_c(servers: int, load: Fraction) -> Fraction:
    terms = [load**k / math.factorial(k) for k in range(servers)]
    waiting = load**servers / math.factorial(servers) * servers / (servers - load)
    return waiting / (sum(terms) + waiting)


def chain_distribution(lam: float, n: int, handle: float, patience: float, size: int) -> np.ndarray:
    """Stationary law of the M/M/n+M chain truncated at `size` states, via pi Q = 0."""
    mu, theta = 1.0 / handle, 1.0 / patience
    gen = np.zeros((size, size))
    for k in range(size):
        if k + 1 < size:
            gen[k, k + 1] = lam
        if k > 0:
            gen[k, k - 1] = min(k, n) * mu + max(k - n, 0) * theta
        gen[k, k] = -gen[k].sum()
    system = np.vstack([gen.T[:-1], np.ones(size)])
    rhs = np.zeros(size)
    rhs[-1] = 1.0
    pi = np.linalg.solve(system, rhs)
    assert pi[-1] < 1e-16, "truncation too short for this test case"
    return pi


def tagged_customer(
    pi: np.ndarray, n: int, handle: float, patience: float, times_min: tuple[float, ...]
) -> tuple[np.ndarray, np.ndarray, float]:
    """P(served by t), P(abandoned by t) for each t, and E[wait; served], for a PASTA arrival.

    With j callers ahead the tagged caller moves up at rate n*mu + j*theta (enters
    service from j = 0 at rate n*mu) and abandons at rate theta. The pure-death chain is
    solved by uniformisation: jumps follow a Poisson(rate) clock, so the k-th jump occurs
    at mean time k / rate and P(by t) = sum_k Poisson(k; rate * t) * P(absorbed in k jumps).
    """
    c, theta = n / handle, 1.0 / patience
    mass = pi[n:].copy()
    up = c + np.arange(len(mass)) * theta
    rate = up[-1] + theta
    served, abandoned = [0.0], [0.0]  # cumulative absorption after k jumps
    while mass.sum() > 1e-18:
        served.append(served[-1] + mass[0] * c / rate)
        abandoned.append(abandoned[-1] + mass.sum() * theta / rate)
        moved = mass * up / rate
        mass = mass * (1.0 - (up + theta) / rate)
        mass[:-1] += moved[1:]
    jumps = np.arange(len(served))
    weights = stats.poisson.pmf(jumps[None, :], rate * np.asarray(times_min)[:, None])
    wait_served = float(np.sum(np.diff(served) * jumps[1:] / rate))
    served_by = pi[:n].sum() + weights @ np.asarray(served)
    return served_by, weights @ np.asarray(abandoned), wait_served


def garnett_p_wait(beta: float, theta_over_mu: float) -> float:
    """QED limit of P(W > 0) for Erlang A (Garnett, Mandelbaum & Reiman 2002)."""
    root = math.sqrt(theta_over_mu)

    def hazard(x: float) -> float:
        return stats.norm.pdf(x) / stats.norm.sf(x)

    return 1.0 / (1.0 + root * hazard(beta / root) / hazard(-beta))


# (arrival/min, agents, handle min, patience min): under-, critically and over-loaded.
ERLANG_A_CASES = [
    (2.0, 5, 2.0, 3.0),
    (10 / 3, 10, 3.0, 1.0),
    (5.0, 8, 2.0, 0.5),
    (1.0, 1, 0.8, 2.0),
    (4.0, 3, 1.0, 10.0),
]

# --------------------------------------------------------------------------- Erlang B / C


def test_erlang_b_published_table_value() -> None:
    # Standard Erlang B tables: 10 lines offered 5 Erlangs block 1.84 % of calls.
    exact = exact_erlang_b(10, Fraction(5))
    assert abs(float(exact) - 0.01838) < 5e-6
    assert erlang_b(10, 5.0) == pytest.approx(float(exact), rel=1e-12)


@pytest.mark.parametrize(
    ("lines", "table_load", "half_step", "blocking"),
    [
        (10, "4.46", "0.005", 0.01),  # Erlang B table, 10 lines at 1 % GoS: 4.46 Erl
        (10, "5.08", "0.005", 0.02),  # Erlang B table, 10 lines at 2 % GoS: 5.08 Erl
        (15, "8.108", "0.0005", 0.01),  # erlang.com calculator manual: 15 lines, 1 % -> 8.108 Erl
    ],
)
def test_erlang_b_capacity_tables(
    lines: int, table_load: str, half_step: str, blocking: float
) -> None:
    # The rounded table load must bracket the load at which blocking hits the GoS.
    low, high = (
        Fraction(table_load) - Fraction(half_step),
        Fraction(table_load) + Fraction(half_step),
    )
    assert exact_erlang_b(lines, low) < blocking < exact_erlang_b(lines, high)
    assert erlang_b(lines, float(low)) < blocking < erlang_b(lines, float(high))


@pytest.mark.parametrize("servers", [1, 2, 7, 12, 30])
@pytest.mark.parametrize("load", ["0.3", "5", "11.5", "40"])
def test_erlang_b_and_c_match_exact_fractions(servers: int, load: str) -> None:
    a = Fraction(load)
    assert erlang_b(servers, float(a)) == pytest.approx(
        float(exact_erlang_b(servers, a)), rel=1e-12
    )
    expected_c = 1.0 if a >= servers else float(exact_erlang_c(servers, a))
    assert erlang_c(servers, float(a)) == pytest.approx(expected_c, rel=1e-12)


@pytest.mark.parametrize(
    ("servers", "load"), [(10_000, 10_000.0), (10_000, 9_700.0), (9_000, 10_000.0)]
)
def test_erlang_b_large_matches_classic_recursion(servers: int, load: float) -> None:
    blocking = 1.0
    for k in range(1, servers + 1):  # B(k) = A B(k-1) / (k + A B(k-1))
        blocking = load * blocking / (k + load * blocking)
    assert erlang_b(servers, load) == pytest.approx(blocking, rel=1e-10)


def test_erlang_b_extremes_do_not_overflow() -> None:
    assert 0.0 <= erlang_b(10_000, 10.0) < 1e-300
    assert erlang_b(10, 10_000.0) == pytest.approx(float(exact_erlang_b(10, Fraction(10_000))))
    assert erlang_b(0, 3.0) == 1.0
    assert erlang_b(5, 0.0) == 0.0
    assert erlang_c(5, 5.0) == 1.0


def test_erlang_c_callcentrehelper_worked_example() -> None:
    # callcentrehelper.com, "Erlang C Formula - Made Simple With an Easy Worked Example":
    # 100 calls / 30 min, AHT 180 s -> 10 Erlangs; 11 agents give P(wait) = 68.21 %,
    # ASA = 122.8 s; 80 % in 20 s needs 14 raw agents.
    exact = float(exact_erlang_c(11, Fraction(10)))
    assert abs(exact - 0.6821) < 5e-5
    kpis = erlang_c_kpis(100 / 30, 11, 3.0, 20.0)
    assert kpis.p_wait == pytest.approx(exact, rel=1e-12)
    assert kpis.asa_min * 60 == pytest.approx(122.8, abs=0.05)
    assert kpis.asa_min == pytest.approx(exact * 3.0 / (11 - 10), rel=1e-12)
    assert agents_for_service_level(100 / 30, 3.0, 0.8, 20.0) == 14


@pytest.mark.parametrize(
    ("lam", "n", "handle", "t_s"),
    [(12.0, 55, 4.0, 15.0), (0.5, 1, 1.0, 60.0), (9.0, 12, 1.2, 20.0)],
)
def test_erlang_c_wait_tail_matches_queue_position_mixture(
    lam: float, n: int, handle: float, t_s: float
) -> None:
    # With m callers ahead the wait is Gamma(m + 1, n*mu); pi_{n+m} = C (1 - rho) rho^m.
    kpis = erlang_c_kpis(lam, n, handle, t_s)
    rho = lam * handle / n
    m = np.arange(4000)
    queue_probs = float(exact_erlang_c(n, Fraction(lam * handle))) * (1 - rho) * rho**m
    tail = np.sum(queue_probs * stats.gamma.sf(t_s / 60, m + 1, scale=handle / n))
    assert kpis.service_level == pytest.approx(1.0 - tail, abs=1e-12)
    assert kpis.mean_queue_length == pytest.approx(np.sum(queue_probs * m), rel=1e-10)
    assert kpis.mean_queue_length == pytest.approx(lam * kpis.asa_min, rel=1e-12)  # Little
    assert kpis.p_wait == pytest.approx(queue_probs.sum(), rel=1e-12)
    assert kpis.occupancy == pytest.approx(rho)
    assert kpis.p_abandon == 0.0
    assert kpis.mean_wait_min == kpis.asa_min


def test_erlang_c_unstable_raises() -> None:
    with pytest.raises(ValueError, match="unstable"):
        erlang_c_kpis(10.0, 10, 1.0, 20.0)


# --------------------------------------------------------------------------- Erlang A


@pytest.mark.parametrize(("lam", "n", "handle", "patience"), ERLANG_A_CASES)
def test_erlang_a_matches_brute_force_chain(
    lam: float, n: int, handle: float, patience: float
) -> None:
    pi = chain_distribution(lam, n, handle, patience, size=n + 120)
    queue = np.maximum(np.arange(len(pi)) - n, 0)
    mean_queue = float(pi @ queue)
    kpis = erlang_a_kpis(lam, n, handle, patience, 20.0)
    assert kpis.p_wait == pytest.approx(pi[n:].sum(), abs=1e-10)
    assert kpis.mean_queue_length == pytest.approx(mean_queue, rel=1e-9)
    # Abandonment balance theta E[Q] = lam P(ab).
    assert kpis.p_abandon == pytest.approx(mean_queue / patience / lam, rel=1e-9)
    assert kpis.mean_wait_min == pytest.approx(mean_queue / lam, rel=1e-9)  # Little
    busy = float(pi @ np.minimum(np.arange(len(pi)), n))
    assert kpis.occupancy == pytest.approx(busy / n, rel=1e-9)


@pytest.mark.parametrize(("lam", "n", "handle", "patience"), ERLANG_A_CASES)
def test_erlang_a_answer_times_match_tagged_customer_ctmc(
    lam: float, n: int, handle: float, patience: float
) -> None:
    pi = chain_distribution(lam, n, handle, patience, size=n + 120)
    served_by, abandoned_by, wait_served = tagged_customer(
        pi, n, handle, patience, (20 / 60, 8 / 60)
    )
    served_20s, short_abandons = served_by[0], abandoned_by[1]
    kpis = erlang_a_kpis(lam, n, handle, patience, 20.0)
    assert kpis.service_level == pytest.approx(served_20s, abs=1e-9)
    assert kpis.asa_min == pytest.approx(wait_served / (1 - kpis.p_abandon), rel=1e-9)
    excluded = erlang_a_kpis(lam, n, handle, patience, 20.0, short_abandon_s=8.0)
    assert excluded.service_level == pytest.approx(served_20s / (1 - short_abandons), abs=1e-9)
    assert excluded.service_level > kpis.service_level
    assert "abandoned within 8 s" in excluded.definition
    assert "abandoned calls count as misses" in kpis.definition


@pytest.mark.parametrize(("lam", "n", "handle", "patience"), ERLANG_A_CASES)
def test_erlang_a_service_level_matches_virtual_wait_density(
    lam: float, n: int, handle: float, patience: float
) -> None:
    # Mandelbaum & Zeltyn: offered wait V has density n*mu*pi_n*exp(-n*mu*v + lam*H(v)), with
    # H(v) = (1 - exp(-theta v)) / theta; served within T <=> V <= T and patience > V.
    pi = chain_distribution(lam, n, handle, patience, size=n + 120)
    c, theta = n / handle, 1 / patience
    for t_s in (0.0, 20.0, 90.0):

        def integrand(v: float) -> float:
            return math.exp(-theta * v - c * v + lam * (1 - math.exp(-theta * v)) / theta)

        integral, _ = integrate.quad(integrand, 0.0, t_s / 60, epsabs=1e-14, epsrel=1e-13)
        expected = pi[:n].sum() + c * pi[n] * integral
        assert erlang_a_kpis(lam, n, handle, patience, t_s).service_level == pytest.approx(
            expected, abs=1e-9
        )


@pytest.mark.parametrize(("load", "n"), [(8.0, 10), (25.0, 20), (100.0, 110)])
def test_erlang_a_with_patience_equal_to_handle_is_m_m_infinity(load: float, n: int) -> None:
    # theta = mu makes every state's death rate k*mu: the number in system is Poisson(load).
    kpis = erlang_a_kpis(load / 4.0, n, 4.0, 4.0, 20.0)
    assert kpis.p_wait == pytest.approx(stats.poisson.sf(n - 1, load), abs=1e-12)
    k = np.arange(n, n + 1000)
    excess = float(np.sum((k - n) * stats.poisson.pmf(k, load)))
    assert kpis.mean_queue_length == pytest.approx(excess, rel=1e-9)


@pytest.mark.parametrize(
    ("lam", "n", "handle", "t_s"),
    [(10 / 3, 11, 3.0, 20.0), (1000.0, 5020, 5.0, 30.0), (0.2, 1, 3.0, 60.0)],
)
def test_erlang_a_reduces_to_erlang_c(lam: float, n: int, handle: float, t_s: float) -> None:
    erlang_c_result = erlang_c_kpis(lam, n, handle, t_s)
    assert erlang_a_kpis(lam, n, handle, math.inf, t_s) == erlang_c_result
    # Finite patience: the gap to Erlang C is first order in theta = 1 / patience, so a
    # 100x longer patience must shrink every gap ~100x (this also exposes round-off).
    fields = (
        "p_wait",
        "asa_min",
        "mean_wait_min",
        "service_level",
        "mean_queue_length",
        "occupancy",
    )
    near, nearer = (erlang_a_kpis(lam, n, handle, patience, t_s) for patience in (1e6, 1e8))
    for field in fields:
        limit = getattr(erlang_c_result, field)
        gap, smaller_gap = getattr(near, field) - limit, getattr(nearer, field) - limit
        assert abs(gap) < 1e-3 * max(limit, 1.0)
        assert gap / smaller_gap == pytest.approx(100.0, rel=0.02)


@pytest.mark.parametrize(("theta_over_mu", "beta"), [(0.25, 0.5), (1.0, 0.0), (4.0, -0.5)])
def test_erlang_a_converges_to_garnett_qed_limit(theta_over_mu: float, beta: float) -> None:
    # Garnett, Mandelbaum & Reiman (2002): with n = R + beta sqrt(R), P(W > 0) -> w(beta); the
    # error is O(1/sqrt(R)), so quadrupling R should roughly halve it.
    errors = []
    for load in (400, 1600, 6400):
        n = round(load + beta * math.sqrt(load))
        kpis = erlang_a_kpis(load / 10, n, 10.0, 10.0 / theta_over_mu, 20.0)
        errors.append(abs(kpis.p_wait - garnett_p_wait(beta, theta_over_mu)))
    assert errors[2] < 0.006
    assert errors[1] < 0.6 * errors[0]
    assert errors[2] < 0.6 * errors[1]


@pytest.mark.parametrize("lam", [980.0, 1000.0, 1020.0, 1400.0])
def test_erlang_a_stable_at_5000_agents(lam: float) -> None:
    big, smaller = (
        erlang_a_kpis(lam, n, 5.0, 2.0, 20.0, short_abandon_s=5.0) for n in (5000, 4999)
    )
    for kpis in (big, smaller):
        values = [kpis.p_wait, kpis.p_abandon, kpis.service_level, kpis.occupancy]
        assert all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in values)
        assert math.isfinite(kpis.asa_min) and math.isfinite(kpis.mean_queue_length)
    assert abs(big.p_wait - smaller.p_wait) < 0.01
    assert abs(big.service_level - smaller.service_level) < 0.01
    assert big.p_abandon <= smaller.p_abandon


kpi_inputs = st.tuples(
    st.floats(0.05, 50.0),  # arrival rate per minute
    st.integers(1, 80),  # agents
    st.floats(0.2, 20.0),  # mean handle minutes
    st.floats(0.1, 30.0),  # mean patience minutes
    st.floats(0.0, 120.0),  # SL threshold seconds
)


@settings(max_examples=60, deadline=None)
@given(kpi_inputs)
def test_erlang_a_identities(args: tuple[float, int, float, float, float]) -> None:
    lam, n, handle, patience, t_s = args
    kpis = erlang_a_kpis(lam, n, handle, patience, t_s)
    assert 0.0 <= kpis.p_abandon <= kpis.p_wait + 1e-15
    assert kpis.p_wait <= 1.0
    assert 0.0 <= kpis.service_level <= 1.0 - kpis.p_abandon + 1e-12
    assert kpis.service_level >= 1.0 - kpis.p_wait - 1e-12  # immediate answers always count
    assert kpis.mean_wait_min == pytest.approx(kpis.p_abandon * patience, rel=1e-9, abs=1e-300)
    assert kpis.mean_queue_length == pytest.approx(lam * kpis.mean_wait_min, rel=1e-12)
    assert kpis.occupancy <= 1.0 + 1e-12
    # occupancy = load per agent x (1 - P(abandon)), checked as probabilities: the share answered
    # (occupancy / load) and the share abandoning add up to 1, to the rounding of their sums over
    # queue lengths (about the machine epsilon times their number, which the mean queue length
    # sets; 4,000 random desks stayed within 2x). Multiplied out, 1 - P(abandon) loses digits to
    # cancellation when nearly everyone abandons, and the load multiplies the loss.
    load_per_agent = lam * handle / n
    answered = kpis.occupancy / load_per_agent
    rounding = 16 * sys.float_info.epsilon * (1.0 + kpis.mean_queue_length)
    if kpis.occupancy < 1.0:
        assert kpis.p_abandon + answered == pytest.approx(1.0, rel=0.0, abs=rounding)
    else:  # capped at 1: the answered load reaches it
        assert kpis.p_abandon + answered <= 1.0 + rounding
    assert kpis.asa_min >= 0.0
    assert kpis.sl_threshold_s == t_s


@settings(max_examples=40, deadline=None)
@given(kpi_inputs)
def test_more_agents_improve_every_kpi(args: tuple[float, int, float, float, float]) -> None:
    lam, n, handle, patience, t_s = args
    fewer, more = (erlang_a_kpis(lam, k, handle, patience, t_s) for k in (n, n + 1))
    assert more.service_level >= fewer.service_level - 1e-12
    assert more.p_abandon <= fewer.p_abandon + 1e-12
    assert more.p_wait <= fewer.p_wait + 1e-12
    assert more.mean_wait_min <= fewer.mean_wait_min * (1 + 1e-12)
    if lam * handle < n:
        c_fewer, c_more = (erlang_c_kpis(lam, k, handle, t_s) for k in (n, n + 1))
        assert c_more.service_level >= c_fewer.service_level - 1e-12
        assert c_more.asa_min <= c_fewer.asa_min * (1 + 1e-12)


# --------------------------------------------------------------------------- staffing


def test_halfin_whitt_beta_round_trip_and_erlang_c_limit() -> None:
    for alpha in (1e-8, 0.01, 0.2, 0.5, 0.9, 0.999):
        beta = halfin_whitt_beta(alpha)
        assert beta > 0
        implied = 1 / (1 + beta * stats.norm.cdf(beta) / stats.norm.pdf(beta))
        assert implied == pytest.approx(alpha, rel=1e-10)
    # Halfin & Whitt (1981): beta = 1 gives alpha = 1 / (1 + Phi(1)/phi(1)) = 0.2234.
    assert halfin_whitt_beta(0.22336127) == pytest.approx(1.0, abs=1e-7)
    # Erlang C at n = R + beta sqrt(R) approaches alpha as R grows (error O(1/sqrt(R))).
    beta = halfin_whitt_beta(0.2)
    load = 40_000.0
    assert erlang_c(math.ceil(load + beta * math.sqrt(load)), load) == pytest.approx(0.2, abs=0.003)


def test_square_root_staffing() -> None:
    assert square_root_staffing(100.0, 1.0, 1.0) == 110  # R = 100: 100 + 1 * 10
    assert square_root_staffing(10.0, 10.0, 0.5) == 105
    assert square_root_staffing(12.0, 4.0, 0.5) == 52  # 48 + 0.5 * 6.93 = 51.5 -> 52
    assert square_root_staffing(10.0, 10.0, -1.0) == 90
    assert square_root_staffing(0.01, 1.0, -5.0) == 1


def meets_sl(
    lam: float, handle: float, n: int, target: float, *, t_s: float, patience: float | None
) -> bool:
    if patience is None:
        if lam * handle >= n:
            return False
        return erlang_c_kpis(lam, n, handle, t_s).service_level >= target
    return erlang_a_kpis(lam, n, handle, patience, t_s).service_level >= target


@pytest.mark.parametrize(
    ("lam", "handle", "target", "t_s", "patience"),
    [
        (12.0, 4.0, 0.8, 20.0, None),
        (12.0, 4.0, 0.8, 20.0, 2.0),
        (1000.0, 5.0, 0.9, 20.0, None),
        (1000.0, 5.0, 0.9, 20.0, 3.0),
        (0.05, 10.0, 0.95, 30.0, None),
        (3.0, 2.0, 0.3, 10.0, 1.0),
    ],
)
def test_agents_for_service_level_is_minimal(
    lam: float, handle: float, target: float, t_s: float, patience: float | None
) -> None:
    n = agents_for_service_level(lam, handle, target, t_s, mean_patience_min=patience)
    assert meets_sl(lam, handle, n, target, t_s=t_s, patience=patience)
    assert n == 1 or not meets_sl(lam, handle, n - 1, target, t_s=t_s, patience=patience)


@settings(max_examples=25, deadline=None)
@given(
    st.floats(0.1, 20.0),
    st.floats(0.5, 10.0),
    st.floats(0.05, 0.98),
    st.sampled_from([None, 0.5, 3.0]),
)
def test_agents_for_service_level_equals_linear_scan(
    lam: float, handle: float, target: float, patience: float | None
) -> None:
    n = agents_for_service_level(lam, handle, target, 20.0, mean_patience_min=patience)
    scan = next(
        k for k in range(1, 10_000) if meets_sl(lam, handle, k, target, t_s=20.0, patience=patience)
    )
    assert n == scan


@pytest.mark.parametrize(
    ("lam", "handle", "patience", "cap"),
    [
        (12.0, 4.0, 2.0, 0.05),
        (1000.0, 5.0, 2.0, 0.02),
        (2.0, 3.0, 0.5, 0.3),
        (0.5, 1.0, 5.0, 0.001),
    ],
)
def test_agents_for_abandonment_is_minimal(
    lam: float, handle: float, patience: float, cap: float
) -> None:
    n = agents_for_abandonment(lam, handle, patience, cap)
    assert erlang_a_kpis(lam, n, handle, patience, 0.0).p_abandon <= cap
    assert n == 1 or erlang_a_kpis(lam, n - 1, handle, patience, 0.0).p_abandon > cap


def test_staffing_respects_max_agents() -> None:
    with pytest.raises(ValueError, match="not reachable"):
        agents_for_service_level(100.0, 1.0, 0.8, 20.0, max_agents=50)
    with pytest.raises(ValueError, match="not reachable"):
        agents_for_abandonment(100.0, 1.0, 1.0, 0.01, max_agents=90)


# --------------------------------------------------------------------------- API contract


@pytest.mark.parametrize(
    "call",
    [
        lambda: erlang_b(-1, 1.0),
        lambda: erlang_b(2.5, 1.0),
        lambda: erlang_b(3, -1.0),
        lambda: erlang_c_kpis(0.0, 3, 1.0, 20.0),
        lambda: erlang_c_kpis(1.0, 0, 1.0, 20.0),
        lambda: erlang_c_kpis(1.0, 3, -1.0, 20.0),
        lambda: erlang_c_kpis(1.0, 3, 1.0, -5.0),
        lambda: erlang_a_kpis(1.0, 3, 1.0, 0.0, 20.0),
        lambda: erlang_a_kpis(1.0, 3, 1.0, 2.0, 20.0, short_abandon_s=-1.0),
        lambda: erlang_a_kpis(math.nan, 3, 1.0, 2.0, 20.0),
        lambda: agents_for_service_level(1.0, 1.0, 1.0, 20.0),
        lambda: agents_for_service_level(1.0, 1.0, 0.0, 20.0),
        lambda: agents_for_service_level(1.0, 1.0, 0.8, 20.0, mean_patience_min=-1.0),
        lambda: agents_for_abandonment(1.0, 1.0, 2.0, 1.5),
        lambda: square_root_staffing(-1.0, 1.0, 1.0),
        lambda: square_root_staffing(1.0, 1.0, math.inf),
        lambda: halfin_whitt_beta(0.0),
        lambda: halfin_whitt_beta(1.0),
    ],
)
def test_invalid_inputs_raise_value_error(call: object) -> None:
    with pytest.raises(ValueError):
        call()  # type: ignore[operator]


def test_queue_kpis_is_frozen_and_records_threshold() -> None:
    kpis = erlang_c_kpis(1.0, 2, 1.0, 30.0)
    assert isinstance(kpis, QueueKpis)
    assert kpis.sl_threshold_s == 30.0
    assert kpis.definition.startswith("answered within 30 s / all offered calls")
    with pytest.raises(dataclasses.FrozenInstanceError):
        kpis.p_wait = 0.5  # type: ignore[misc]
