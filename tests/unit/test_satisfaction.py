"""The pure functions of :mod:`sim.model.satisfaction`: moments of truth, impact, decay, word of
mouth and complaint retention.

Exact checks use the default parameters (the figures of ``DOMAIN.md``); the properties that must
hold for *any* valid parameters (monotonicity, bounds, Kano shapes) are checked with hypothesis over
the whole parameter space the schema allows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sim.model.satisfaction import (
    complaint_retention,
    decayed,
    impact,
    moment_scores,
    negative_binomial_cdf,
    word_of_mouth_distribution,
)
from sim.scenario.customers import (
    Satisfaction,
    SeverityPair,
    TarpRetention,
    TimeDecayRetention,
    word_of_mouth_shape,
)

SAT = Satisfaction()
PHONE_EXPECTED_MIN = SAT.expected_phone_wait_s / 60.0  # 1 minute
EMAIL_EXPECTED_MIN = SAT.expected_email_response_h * 60.0  # 240 minutes
UNRESOLVED = SeverityPair(small=0.46, large=0.19)  # the CustomerBase default (TARP)


ArrayLike = float | int | bool | np.ndarray


def score(
    wait_min: ArrayLike,
    *,
    is_phone: ArrayLike = True,
    answered: ArrayLike = True,
    resolved: ArrayLike = True,
    escalated: ArrayLike = False,
    attempt: ArrayLike = 1,
    extra: ArrayLike = 0.0,
    sat: Satisfaction = SAT,
) -> np.ndarray:
    """moment_scores with scalars or arrays broadcast to a common shape."""
    wait = np.atleast_1d(np.asarray(wait_min, dtype=float))
    n = len(wait)

    def full(x: ArrayLike, dtype: type) -> np.ndarray:
        return np.broadcast_to(np.asarray(x, dtype=dtype), (n,)).copy()

    return moment_scores(
        full(is_phone, bool),
        wait,
        full(answered, bool),
        full(resolved, bool),
        full(escalated, bool),
        full(attempt, np.int64),
        full(extra, float),
        sat,
    )


# --- strategies ----------------------------------------------------------------------------------

satisfactions = st.builds(
    Satisfaction,
    expected_phone_wait_s=st.floats(1.0, 3600.0),
    expected_email_response_h=st.floats(0.1, 72.0),
    speed_gain_max=st.floats(0.0, 1.0),
    slow_loss_per_expected=st.floats(0.0, 1.0),
    abandoned_score=st.floats(-1.0, 0.0),
    unresolved_score=st.floats(-1.0, 0.0),
    escalated_score=st.floats(-1.0, 0.0),
    repeat_score=st.floats(-1.0, 0.0),
)
waits = st.floats(0.0, 10_000.0)
contexts = st.fixed_dictionaries(
    {
        "is_phone": st.booleans(),
        "answered": st.booleans(),
        "resolved": st.booleans(),
        "escalated": st.booleans(),
        "attempt": st.integers(1, 10),
        "extra": st.floats(0.0, 1.0),
    }
)


# --- moment scores: the Kano shapes --------------------------------------------------------------


class TestSpeedIsAPerformanceAttribute:
    def test_gain_below_expectation_loss_above_with_configured_slopes(self) -> None:
        # phone: expectation 1 min; instant answer earns speed_gain_max, each extra multiple of the
        # expectation costs slow_loss_per_expected (0.25)
        waits_min = np.array([0.0, 0.5, 1.0, 2.0, 3.0, 5.0])
        expected = [0.3, 0.15, 0.0, -0.25, -0.5, -1.0]
        np.testing.assert_allclose(score(waits_min), expected, atol=1e-12)
        # email: expectation 4 h
        np.testing.assert_allclose(
            score(np.array([0.0, 120.0, 240.0, 480.0]), is_phone=False),
            [0.3, 0.15, 0.0, -0.25],
            atol=1e-12,
        )

    def test_linear_on_each_side_of_the_expectation(self) -> None:
        below = np.linspace(0.0, PHONE_EXPECTED_MIN, 11)
        above = np.linspace(PHONE_EXPECTED_MIN, 4.0 * PHONE_EXPECTED_MIN, 13)
        for grid in (below, above):
            s = score(grid)
            np.testing.assert_allclose(np.diff(s, 2), 0.0, atol=1e-12)
        slope_above = np.diff(score(above)) / np.diff(above / PHONE_EXPECTED_MIN)
        np.testing.assert_allclose(slope_above, -SAT.slow_loss_per_expected)
        slope_below = np.diff(score(below)) / np.diff(below / PHONE_EXPECTED_MIN)
        np.testing.assert_allclose(slope_below, -SAT.speed_gain_max)

    def test_custom_slopes_are_used(self) -> None:
        sat = Satisfaction(speed_gain_max=0.1, slow_loss_per_expected=0.05)
        assert score(0.0, sat=sat)[0] == pytest.approx(0.1)
        assert score(5.0 * PHONE_EXPECTED_MIN, sat=sat)[0] == pytest.approx(-0.2)

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(sat=satisfactions, ctx=contexts, w1=waits, w2=waits)
    def test_longer_wait_never_scores_higher(
        self, sat: Satisfaction, ctx: dict[str, Any], w1: float, w2: float
    ) -> None:
        short, long_ = sorted((w1, w2))
        s = score(np.array([short, long_]), sat=sat, **ctx)
        assert s[1] <= s[0]


class TestResolutionIsAMustBe:
    @pytest.mark.parametrize("wait", [0.0, 0.5, 1.0, 2.0])
    def test_resolved_adds_nothing(self, wait: float) -> None:
        # resolved + answered scores exactly the speed component: no bonus for solving it
        expected_speed = (
            SAT.speed_gain_max * (1 - wait / PHONE_EXPECTED_MIN)
            if wait <= PHONE_EXPECTED_MIN
            else -SAT.slow_loss_per_expected * (wait / PHONE_EXPECTED_MIN - 1)
        )
        assert score(wait, resolved=True)[0] == pytest.approx(expected_speed, abs=1e-12)

    @pytest.mark.parametrize("wait", [0.0, 0.5, 1.0, 2.0])
    def test_unresolved_subtracts_unresolved_score(self, wait: float) -> None:
        diff = score(wait, resolved=False)[0] - score(wait, resolved=True)[0]
        assert diff == pytest.approx(SAT.unresolved_score, abs=1e-12)

    def test_resolution_is_ignored_when_not_answered(self) -> None:
        w = np.array([0.2, 1.0, 3.0])
        np.testing.assert_array_equal(
            score(w, answered=False, resolved=True), score(w, answered=False, resolved=False)
        )

    @settings(max_examples=200, deadline=None, derandomize=True)
    @given(sat=satisfactions, ctx=contexts, w=waits)
    def test_resolving_never_lowers_the_score(
        self, sat: Satisfaction, ctx: dict[str, Any], w: float
    ) -> None:
        ctx = {**ctx, "answered": True}
        assert (
            score(w, sat=sat, **{**ctx, "resolved": True})[0]
            >= score(w, sat=sat, **{**ctx, "resolved": False})[0]
        )


class TestExtraStepIsADelighter:
    def test_adds_its_score(self) -> None:
        assert score(1.0, extra=0.4)[0] - score(1.0)[0] == pytest.approx(0.4)

    @settings(max_examples=200, deadline=None, derandomize=True)
    @given(sat=satisfactions, ctx=contexts, w=waits, delight=st.floats(0.0, 1.0))
    def test_only_adds(
        self, sat: Satisfaction, ctx: dict[str, Any], w: float, delight: float
    ) -> None:
        base = score(w, sat=sat, **{**ctx, "extra": 0.0})[0]
        assert score(w, sat=sat, **{**ctx, "extra": delight})[0] >= base


class TestOtherMoments:
    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(sat=satisfactions, ctx=contexts, w=waits)
    def test_abandoned_never_beats_answered_at_the_same_wait(
        self, sat: Satisfaction, ctx: dict[str, Any], w: float
    ) -> None:
        # the must-be met (answered and resolved) versus hanging up after the same wait
        answered = score(w, sat=sat, **{**ctx, "answered": True, "resolved": True})[0]
        abandoned = score(w, sat=sat, **{**ctx, "answered": False})[0]
        assert abandoned <= answered

    def test_abandoned_scores_the_abandoned_score_plus_any_slowness(self) -> None:
        # no speed gain for hanging up quickly; slowness still costs
        assert score(0.0, answered=False)[0] == pytest.approx(SAT.abandoned_score)
        assert score(3.0, answered=False)[0] == pytest.approx(SAT.abandoned_score - 0.5)

    def test_escalation_costs_escalated_score(self) -> None:
        diff = score(1.0, escalated=True)[0] - score(1.0)[0]
        assert diff == pytest.approx(SAT.escalated_score)

    def test_repeat_attempts_lower_the_score(self) -> None:
        s = score(np.full(4, 0.5), attempt=np.array([1, 2, 3, 4]))
        np.testing.assert_allclose(np.diff(s), SAT.repeat_score)
        assert np.all(np.diff(s) < 0)

    @settings(max_examples=200, deadline=None, derandomize=True)
    @given(sat=satisfactions, ctx=contexts, w=waits, a1=st.integers(1, 20), a2=st.integers(1, 20))
    def test_more_attempts_never_score_higher(
        self, sat: Satisfaction, ctx: dict[str, Any], w: float, a1: int, a2: int
    ) -> None:
        lo, hi = sorted((a1, a2))
        s = score(np.array([w, w]), sat=sat, **{**ctx, "attempt": np.array([lo, hi])})
        assert s[1] <= s[0]

    def test_clipped_to_plus_minus_one(self) -> None:
        assert score(1000.0)[0] == -1.0  # 999 multiples of the expectation late
        worst = score(50.0, resolved=False, escalated=True, attempt=10, answered=True)[0]
        assert worst == -1.0
        assert score(0.0, extra=1.0)[0] == 1.0  # 0.3 + 1.0 → 1

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(sat=satisfactions, ctx=contexts, w=waits)
    def test_always_in_range(self, sat: Satisfaction, ctx: dict[str, Any], w: float) -> None:
        s = score(w, sat=sat, **ctx)[0]
        assert -1.0 <= s <= 1.0


# --- impact and decay ----------------------------------------------------------------------------


class TestImpact:
    @settings(max_examples=200, deadline=None, derandomize=True)
    @given(x=st.floats(1e-6, 1.0), weight=st.floats(1.0, 100.0))
    def test_a_bad_moment_weighs_bad_weight_good_ones(self, x: float, weight: float) -> None:
        good, bad = impact(np.array([x, -x]), weight)
        assert good == x
        assert bad == pytest.approx(-weight * x)
        assert -bad / good == pytest.approx(weight)

    def test_default_twelve_to_one(self) -> None:
        # DOMAIN.md: about 12 good moments make up for one bad one
        total = impact(np.array([-0.1] + [0.1] * 12), SAT.bad_weight).sum()
        assert total == pytest.approx(0.0, abs=1e-12)
        assert impact(np.array([0.0]), 12.0)[0] == 0.0


class TestDecay:
    @settings(max_examples=200, deadline=None, derandomize=True)
    @given(
        s=st.floats(-50.0, 50.0),
        half_life=st.floats(0.5, 3650.0),
        a=st.floats(0.0, 500.0),
        b=st.floats(0.0, 500.0),
    )
    def test_halves_in_a_half_life_and_composes(
        self, s: float, half_life: float, a: float, b: float
    ) -> None:
        assert decayed(np.array([s]), np.array([half_life]), half_life)[0] == pytest.approx(s / 2)
        assert decayed(np.array([s]), np.array([0.0]), half_life)[0] == s
        twice = decayed(decayed(np.array([s]), np.array([a]), half_life), np.array([b]), half_life)
        once = decayed(np.array([s]), np.array([a + b]), half_life)
        assert twice[0] == pytest.approx(once[0], rel=1e-9, abs=1e-12)
        # towards neutral, never across it
        later = decayed(np.array([s]), np.array([a]), half_life)[0]
        assert abs(later) <= abs(s)
        assert later * s >= 0.0

    def test_default_half_life(self) -> None:
        out = decayed(np.array([-8.0, 4.0]), np.array([60.0, 120.0]), SAT.half_life_days)
        np.testing.assert_allclose(out, [-4.0, 1.0])


# --- word of mouth -------------------------------------------------------------------------------


class TestWordOfMouth:
    @pytest.mark.parametrize(
        ("mean", "share"), [(10.0, 0.13), (10.0, 0.05), (5.0, 0.05), (12.0, 0.2), (3.0, 0.01)]
    )
    def test_mean_and_tail_match_the_parameters(self, mean: float, share: float) -> None:
        dist = word_of_mouth_distribution(mean, share)
        assert dist.mean() == pytest.approx(mean, rel=1e-12)
        assert dist.sf(19) == pytest.approx(share, rel=1e-7)  # P(tells >= 20)
        # exact from the pmf as well (not only from scipy's moment formulas)
        k = np.arange(0, 200_000)
        pmf = dist.pmf(k)
        assert float(pmf.sum()) == pytest.approx(1.0, abs=1e-9)
        assert float(k @ pmf) == pytest.approx(mean, rel=1e-6)
        assert float(pmf[20:].sum()) == pytest.approx(share, rel=1e-6)

    def test_default_is_heavier_tailed_than_poisson(self) -> None:
        dist = word_of_mouth_distribution(10.0, 0.13)
        assert dist.var() > 10.0
        assert stats.poisson.sf(19, 10.0) < 0.13

    def test_sampling_matches(self) -> None:
        # a check of the frozen distribution as the model uses it (rvs with a Generator)
        dist = word_of_mouth_distribution(10.0, 0.13)
        draws = dist.rvs(size=200_000, random_state=np.random.default_rng(7))
        tail = int((draws >= 20).sum())
        ci = stats.binomtest(tail, len(draws)).proportion_ci(0.999, method="exact")
        assert ci.low <= 0.13 <= ci.high
        se = draws.std(ddof=1) / np.sqrt(len(draws))
        assert abs(draws.mean() - 10.0) < 3.29 * se

    def test_nobody_tells_when_the_mean_is_zero(self) -> None:
        dist = word_of_mouth_distribution(0.0, 0.13)
        assert dist.pmf(0) == 1.0
        assert dist.sf(0) == 0.0

    @pytest.mark.parametrize(
        ("mean", "share"),
        [
            (10.0, 0.5),  # above the heaviest tail a negative binomial with mean 10 reaches
            (10.0, 1.0),
            (10.0, 0.0),  # every negative binomial with mean 10 has someone telling 20+
            (1.0, 0.05),  # mean 1: at most ~1.5% can tell 20 or more
            (3.0, 0.2),
            (5.0, 0.08),  # mean 5: at most ~7.7%
        ],
    )
    def test_impossible_combinations_raise(self, mean: float, share: float) -> None:
        with pytest.raises(ValueError, match="cannot give"):
            word_of_mouth_distribution(mean, share)

    @pytest.mark.parametrize("shape", [0.3, 1.0, 4.0])
    @pytest.mark.parametrize("mean", [30.0, 100.0])
    def test_large_means_accept_achievable_shares(self, mean: float, shape: float) -> None:
        # with a large mean the Poisson tail is the heaviest: any lighter tail is reached by
        # dispersing (e.g. NB(shape 1, mean 30) has P(>= 20) = 0.519)
        share = float(stats.nbinom.sf(19, shape, shape / (shape + mean)))
        dist = word_of_mouth_distribution(mean, share)
        assert dist.mean() == pytest.approx(mean, rel=1e-12)
        assert dist.sf(19) == pytest.approx(share, rel=1e-7)

    @pytest.mark.parametrize(("mean", "share"), [(10.0, 0.13), (10.0, 0.003), (30.0, 0.5)])
    def test_the_least_dispersed_fit_is_taken(self, mean: float, share: float) -> None:
        # no negative binomial with a larger shape (less dispersion) has that tail share
        shape = word_of_mouth_distribution(mean, share).args[0]
        larger = shape * np.exp(np.linspace(0.01, 12.0, 400))
        tails = stats.nbinom.sf(19, larger, larger / (larger + mean))
        assert np.all(np.sign(tails - share) == np.sign(tails[0] - share))


# --- complaint retention -------------------------------------------------------------------------

TIME_DECAY = TimeDecayRetention(kind="time_decay")
TARP = TarpRetention(kind="tarp")


def retention(
    rule: TimeDecayRetention | TarpRetention, hours: list[float], large: bool = False
) -> np.ndarray:
    hours = np.atleast_1d(np.asarray(hours, dtype=float))
    return complaint_retention(rule, hours, np.full(len(hours), large), UNRESOLVED)


class TestTimeDecayRetention:
    def test_96_percent_within_24_hours(self) -> None:
        for large in (False, True):
            np.testing.assert_allclose(retention(TIME_DECAY, [0.0, 1.0, 12.0, 24.0], large), 0.96)

    def test_ten_percent_less_per_further_day(self) -> None:
        np.testing.assert_allclose(
            retention(TIME_DECAY, [36.0, 48.0, 72.0, 96.0]), [0.91, 0.86, 0.76, 0.66]
        )

    def test_never_below_the_unresolved_floor(self) -> None:
        np.testing.assert_allclose(retention(TIME_DECAY, [144.0, 200.0, 1e4], False), 0.46)
        np.testing.assert_allclose(retention(TIME_DECAY, [200.0], True), 0.96 - 0.1 * 176 / 24)
        np.testing.assert_allclose(retention(TIME_DECAY, [240.0, 1e4], True), 0.19)

    def test_never_resolved_gets_the_floor(self) -> None:
        np.testing.assert_allclose(retention(TIME_DECAY, [np.nan], False), 0.46)
        np.testing.assert_allclose(retention(TIME_DECAY, [np.nan], True), 0.19)

    def test_mixed_sizes_in_one_call(self) -> None:
        hours = np.array([np.nan, np.nan, 48.0, 1e4])
        large = np.array([False, True, True, True])
        out = complaint_retention(TIME_DECAY, hours, large, UNRESOLVED)
        np.testing.assert_allclose(out, [0.46, 0.19, 0.86, 0.19])

    @settings(max_examples=200, deadline=None, derandomize=True)
    @given(
        h1=st.floats(0.0, 5000.0),
        h2=st.floats(0.0, 5000.0),
        large=st.booleans(),
        within=st.floats(1.0, 720.0),
        kept=st.floats(0.0, 1.0),
        loss=st.floats(0.0, 1.0),
        floor_small=st.floats(0.0, 1.0),
        floor_large=st.floats(0.0, 1.0),
    )
    def test_bounded_and_non_increasing(
        self,
        h1: float,
        h2: float,
        large: bool,
        within: float,
        kept: float,
        loss: float,
        floor_small: float,
        floor_large: float,
    ) -> None:
        rule = TimeDecayRetention(
            kind="time_decay", within_h=within, retained_within=kept, loss_per_day=loss
        )
        floors = SeverityPair(small=floor_small, large=floor_large)
        floor = floor_large if large else floor_small
        lo, hi = sorted((h1, h2))
        out = complaint_retention(rule, np.array([lo, hi]), np.array([large, large]), floors)
        assert out[1] <= out[0]
        assert out.min() >= floor
        assert out.max() <= max(kept, floor)


class TestTarpRetention:
    @pytest.mark.parametrize(
        ("hours", "large", "expected"),
        [
            (2.0, False, 0.95),
            (24.0, False, 0.95),  # 24 h counts as quick
            (24.5, False, 0.70),
            (300.0, False, 0.70),
            (2.0, True, 0.82),
            (24.0, True, 0.82),
            (48.0, True, 0.54),
            (np.nan, False, 0.46),
            (np.nan, True, 0.19),
        ],
    )
    def test_table(self, hours: float, large: bool, expected: float) -> None:
        assert retention(TARP, [hours], large)[0] == pytest.approx(expected)

    def test_custom_quick_threshold(self) -> None:
        rule = TarpRetention(kind="tarp", quickly_within_h=4.0)
        np.testing.assert_allclose(retention(rule, [3.9, 4.0, 4.1]), [0.95, 0.95, 0.70])


@pytest.mark.parametrize(
    ("mean", "share_at_least_20"),
    [(10.0, 0.13), (10.0, 0.05), (3.0, 0.01), (25.0, 0.5), (0.0, 0.0)],
)
def test_the_word_of_mouth_table_is_scipys_negative_binomial(
    mean: float, share_at_least_20: float
) -> None:
    """The customer model's table of how many people a customer tells, summed without SciPy:
    SciPy's distribution function at every count up to its ``ppf(1 - 1e-12)``, to within a few
    units in the last place (so a keyed uniform lands on the same count but for a band of
    width 1e-15)."""
    told = stats.nbinom(*word_of_mouth_shape(mean, share_at_least_20))
    expected = told.cdf(np.arange(int(told.ppf(1.0 - 1e-12)) + 1))
    table = negative_binomial_cdf(*word_of_mouth_shape(mean, share_at_least_20))
    assert len(table) == len(expected)
    np.testing.assert_allclose(table, expected, rtol=0.0, atol=4e-15)
