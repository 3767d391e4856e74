"""Random numbers tied to identities: what happens to a customer draws on that customer's own
numbers, whatever else happens in the run.

Named streams (:mod:`sim.model.rng`) give two policies the same numbers only while both consume
them in the same order; one extra retrial anywhere shifts every later draw of its stream, and the
pairing of the two runs fades. Here every number is a function of *who* and *what for* instead:
a uniform is a 64-bit hash of ``(seed, replication, purpose, key...)`` (the SplitMix64 mixing
function, applied once per part), where the key names an identity — a customer, the ``j``-th
contact of that customer on a day, the retrial of that contact. Two runs then give the same
customer the same contacts, handle times, patience and decisions until their paths really
diverge (counter-based random numbers; Salmon et al. 2011 for the idea, Steele et al. 2014 for
the mixing function).

Durations come from the uniforms by their inverse distribution function, so a draw keeps its
rank across scenarios whose distributions differ only in their parameters. Lognormal draws of
many at once take the normal quantile from SciPy (``scipy.special.ndtri``), imported then.
"""

from __future__ import annotations

import math
import statistics
import zlib
from collections.abc import Callable

import numpy as np

from sim.scenario.base import Empirical, Exponential, Fixed, Lognormal, NoPatience

Dist = Exponential | Lognormal | Fixed | Empirical | NoPatience

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
_M1, _M2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
_TO_UNIT = 2.0**-53
_normal_inv_cdf = getattr(
    statistics,
    "_normal_dist_inv_cdf",
    lambda p, mu, sigma: statistics.NormalDist(mu, sigma).inv_cdf(p),
)
"""The standard library's normal quantile function itself (its C version where there is one),
without :meth:`statistics.NormalDist.inv_cdf`'s checks (the caller keeps ``u`` inside (0, 1))."""


def purpose(name: str) -> int:
    """A purpose's number (e.g. ``"retry"``): the hash of its name."""
    return zlib.crc32(name.encode("utf-8"))


def _mix(z: int) -> int:
    z = ((z ^ (z >> 30)) * _M1) & MASK
    z = ((z ^ (z >> 27)) * _M2) & MASK
    return z ^ (z >> 31)


_GOLDEN, _11, _27, _30, _31 = (np.uint64(v) for v in (GOLDEN, 11, 27, 30, 31))
_M1_ARRAY, _M2_ARRAY = np.uint64(_M1), np.uint64(_M2)


def _mix_array(z: np.ndarray) -> np.ndarray:
    """:func:`_mix` of every element, in place (``z`` is a temporary of the caller's)."""
    z ^= z >> _30
    z *= _M1_ARRAY
    z ^= z >> _27
    z *= _M2_ARRAY
    z ^= z >> _31
    return z


class Keyed:
    """The keyed random numbers of one replication."""

    __slots__ = ("numbered", "root")

    def __init__(self, seed: int, replication: int) -> None:
        self.root = _mix((_mix(seed & MASK) + GOLDEN * (replication + 1)) & MASK)
        self.numbered = np.empty(0, dtype=np.uint64)
        """``keys(i)`` of the identities numbered 0, 1, 2, ... worked out so far (see
        :meth:`numbered_keys`)."""

    # --- scalars (one event at a time) ----------------------------------------------------------

    def key(self, *parts: int) -> int:
        """The key of an identity built from whole numbers (negative ones allowed)."""
        h = self.root
        for part in parts:  # _mix, inlined: keys are worked out at events
            z = ((h ^ (part & MASK)) + GOLDEN) & MASK
            z = ((z ^ (z >> 30)) * _M1) & MASK
            z = ((z ^ (z >> 27)) * _M2) & MASK
            h = z ^ (z >> 31)
        return h

    def uniform(self, key: int, what: int) -> float:
        """A uniform in [0, 1) for ``what`` of the identity ``key``."""
        return (_mix(((key ^ what) + GOLDEN) & MASK) >> 11) * _TO_UNIT

    # --- arrays (many identities at once) -------------------------------------------------------

    def keys(self, *parts: np.ndarray | int) -> np.ndarray:
        """:meth:`key` of many identities at once (parts broadcast together; array arithmetic
        wraps around silently, as the hash needs)."""
        return self.extend(np.full(np.broadcast(*parts).shape, self.root, dtype=np.uint64), *parts)

    @staticmethod
    def extend(keys: np.ndarray, *parts: np.ndarray | int) -> np.ndarray:
        """The keys of the identities ``keys`` followed by ``parts``:
        ``extend(keys(a), b) == keys(a, b)``."""
        h = np.asarray(keys, dtype=np.uint64)
        for part in parts:
            h = h ^ np.asarray(part, dtype=np.int64).view(np.uint64)
            h += _GOLDEN
            h = _mix_array(h)
        return h

    def numbered_keys(self, ids: np.ndarray) -> np.ndarray:
        """``keys(ids)`` of identities numbered 0, 1, 2, ... (the customers), each worked out
        once: every day draws on every account's key."""
        try:
            return self.numbered[ids]
        except IndexError:  # new numbers: work out at least twice as many as known
            known = len(self.numbered)
            more = np.arange(known, max(int(ids.max()) + 1, 2 * known))
            self.numbered = np.concatenate([self.numbered, self.keys(more)])
            return self.numbered[ids]

    @staticmethod
    def uniforms(keys: np.ndarray, what: int | tuple[int, ...]) -> np.ndarray:
        """:meth:`uniform` of many identities at once; for several purposes, a column per
        purpose (one pass of the hash for all)."""
        return to_unit(Keyed.hashes(keys, what))

    @staticmethod
    def hashes(keys: np.ndarray, what: int | tuple[int, ...]) -> np.ndarray:
        """The 64-bit hashes behind :meth:`uniforms` (which is :func:`to_unit` of them), for a
        test on many identities that needs no uniform (see :func:`poisson_nonzero_from`)."""
        keys = np.asarray(keys, dtype=np.uint64)
        if isinstance(what, tuple):
            keys, purposes = keys[:, np.newaxis], np.array(what, dtype=np.uint64)
        else:
            purposes = np.uint64(what)
        h = keys ^ purposes
        h += _GOLDEN
        return _mix_array(h)

    @staticmethod
    def draws(what: int, dist: Dist | None = None) -> Callable[[int], float]:
        """A function giving, for a key, its uniform for ``what`` (with ``dist``: the duration
        at that uniform), the hash and the inverse distribution inlined: the simulation calls it
        once per event."""
        inverse = _inverse(dist) if dist is not None else None

        def uniform(key: int) -> float:
            z = ((key ^ what) + GOLDEN) & MASK
            z = ((z ^ (z >> 30)) * _M1) & MASK
            z = ((z ^ (z >> 27)) * _M2) & MASK
            return ((z ^ (z >> 31)) >> 11) * _TO_UNIT

        if inverse is None:
            return uniform
        return lambda key: inverse(uniform(key))


def _inverse(dist: Dist) -> Callable[[float], float]:
    """The inverse distribution function of ``dist``, with its constants worked out once."""
    match dist:
        case Exponential():
            mean = dist.mean_min
            return lambda u: -mean * math.log1p(-u)
        case Lognormal():
            sigma = math.sqrt(math.log1p(dist.cv**2))
            mu = math.log(dist.mean_min) - sigma * sigma / 2.0
            return lambda u: math.exp(mu + sigma * _normal(u))
        case Fixed():
            value = dist.value_min
            return lambda u: value
        case Empirical():
            values = list(dist.values_min)
            last = len(values) - 1
            return lambda u: values[min(int(u * len(values)), last)]
        case NoPatience():
            return lambda u: math.inf
    raise TypeError(dist)


def durations(dist: Dist, u: np.ndarray) -> np.ndarray:
    """The durations (minutes) of ``dist`` at the probabilities ``u``: its inverse distribution
    function (``inf`` for :class:`NoPatience`), many at once."""
    match dist:
        case Exponential():
            return -dist.mean_min * np.log1p(-u)
        case Lognormal():
            from scipy import special

            sigma2 = np.log1p(dist.cv**2)
            return np.exp(np.log(dist.mean_min) - sigma2 / 2.0 + np.sqrt(sigma2) * special.ndtri(u))
        case Fixed():
            return np.full(len(u), dist.value_min)
        case Empirical():
            values = np.asarray(dist.values_min, dtype=float)
            return values[np.minimum((u * len(values)).astype(np.int64), len(values) - 1)]
        case NoPatience():
            return np.full(len(u), np.inf)
    raise TypeError(dist)


def to_unit(hashes: np.ndarray) -> np.ndarray:
    """The uniforms in [0, 1) of 64-bit hashes: their top 53 bits (``hashes`` is overwritten)."""
    hashes >>= _11
    return hashes.astype(np.float64) * _TO_UNIT


def poisson_nonzero_from(mean: float) -> int:
    """The least 64-bit hash whose uniform (:func:`to_unit`) has a Poisson count above 0 by
    :func:`poisson_counts` (its uniform at least ``c = exp(-mean)``), or :data:`MASK` if none has
    (whose count is then 0 as well).

    Most accounts raise no contact on a given day: comparing their hashes with this finds the few
    that do without turning every hash into a uniform. ``u = (h >> 11) · 2⁻⁵³ ≥ c`` holds exactly
    when ``h >> 11 ≥ ⌈c · 2⁵³⌉`` (scaling by a power of two is exact), i.e. ``h ≥ ⌈c · 2⁵³⌉ · 2¹¹``.
    """
    return min(math.ceil(math.exp(-mean) * 2.0**53) << 11, MASK)


def poisson_counts(u: np.ndarray, mean: float) -> np.ndarray:
    """Poisson counts of one ``mean`` by inversion: for each uniform, the smallest ``k`` whose
    distribution function reaches it (exact; suits small means, where most counts are 0)."""
    k = np.zeros(u.shape, dtype=np.int64)
    term = math.exp(-mean)
    cdf = term
    left = np.flatnonzero(u >= cdf)
    step = 0
    while len(left) and step < 10_000:  # past that, u is within rounding of 1
        step += 1
        term *= mean / step
        cdf += term
        k[left] = step
        left = left[u[left] >= cdf]
    return k


def _normal(u: float) -> float:
    """The standard normal quantile at ``u`` (a uniform of :meth:`Keyed.uniform`: 0 is taken as
    the smallest positive double)."""
    return _normal_inv_cdf(u if u >= 1e-300 else 1e-300, 0.0, 1.0)
