"""Keyed random numbers: the scalar and array forms agree, and the shortcut that finds the
accounts raising contacts on a day picks exactly those whose Poisson count is above 0."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.keyed import MASK, Keyed, poisson_counts, poisson_nonzero_from, to_unit

parts = st.integers(min_value=-(2**40), max_value=2**40)
hashes = st.integers(min_value=0, max_value=MASK)


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32), a=parts, b=parts, what=st.integers(0, 2**32 - 1))
def test_scalar_and_array_forms_give_the_same_numbers(seed: int, a: int, b: int, what: int) -> None:
    keyed = Keyed(seed, 3)
    key = keyed.key(a, b)
    assert int(keyed.keys(np.array([a]), np.array([b]))[0]) == key
    assert int(keyed.extend(keyed.keys(np.array([a])), b)[0]) == key
    u = keyed.uniform(key, what)
    assert 0.0 <= u < 1.0
    assert Keyed.draws(what)(key) == u
    assert float(Keyed.uniforms(np.array([key], np.uint64), what)[0]) == u
    assert float(Keyed.uniforms(np.array([key], np.uint64), (7, what))[0, 1]) == u
    assert float(to_unit(Keyed.hashes(np.array([key], np.uint64), what))[0]) == u


@settings(max_examples=300, deadline=None)
@given(mean=st.floats(min_value=1e-12, max_value=40.0), h=hashes, near=st.integers(-3, 3))
def test_the_hash_threshold_is_exactly_a_count_above_zero(mean: float, h: int, near: int) -> None:
    """A hash at least ``poisson_nonzero_from(mean)`` has a count above 0, any other has 0: at
    random hashes and at the threshold's neighbours."""
    threshold = poisson_nonzero_from(mean)
    for x in (h, min(max(threshold + near, 0), MASK)):
        one = np.array([x], np.uint64)
        count = int(poisson_counts(to_unit(one.copy()), mean)[0])
        u = float(to_unit(one.copy())[0])
        assert (count > 0) == (u >= math.exp(-mean))
        if x != MASK:  # MASK is where the threshold is capped when no hash has a count
            assert (x >= threshold) == (count > 0), (mean, x, threshold)
        else:
            assert count > 0 or threshold == MASK
