"""Named random streams: reproducible, independent, and common across policies.

Every source of randomness (arrivals of each contact type, handle times, patience, resolution,
retrials, ...) draws from its own stream, derived from ``(seed, replication, stream name)`` with
numpy's ``SeedSequence``. Two consequences matter for experiments:

* a replication is a pure function of the scenario, the seed and its index, whatever the number of
  worker processes;
* comparing two policies with the same seed gives both the same customers, arrivals and handle
  times (common random numbers), so their paired difference has far less noise.

No global random state is used anywhere.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import numpy as np

from sim.scenario.base import Empirical, Exponential, Fixed, Lognormal, NoPatience

Dist = Exponential | Lognormal | Fixed | Empirical | NoPatience


def _key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """Independent generators of one replication, looked up by name (e.g. ``"handle/enquiry"``)."""

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = seed
        self.replication = replication
        self._cache: dict[str, np.random.Generator] = {}

    def __call__(self, name: str) -> np.random.Generator:
        """The generator of a named stream; the same name always gives the same sequence."""
        rng = self._cache.get(name)
        if rng is None:
            seq = np.random.SeedSequence(self.seed, spawn_key=(self.replication, _key(name)))
            rng = np.random.Generator(np.random.PCG64(seq))
            self._cache[name] = rng
        return rng


def sample(dist: Dist, rng: np.random.Generator, n: int) -> np.ndarray:
    """Draw ``n`` durations in minutes (``inf`` for :class:`NoPatience`)."""
    match dist:
        case Exponential():
            return rng.exponential(dist.mean_min, n)
        case Lognormal():
            sigma2 = np.log1p(dist.cv**2)
            mu = np.log(dist.mean_min) - sigma2 / 2.0
            return rng.lognormal(mu, np.sqrt(sigma2), n)
        case Fixed():
            return np.full(n, dist.value_min)
        case Empirical():
            return rng.choice(np.asarray(dist.values_min, dtype=float), n)
        case NoPatience():
            return np.full(n, np.inf)
    raise TypeError(dist)


class Draws:
    """Scalar draws made in blocks (one numpy call per 1,024 numbers).

    The simulation asks for one number at a time; drawing a block at once keeps the per-draw cost
    to a list pop. ``make_block(n)`` returns the next ``n`` numbers of the stream.

    Example: ``Draws(lambda n: sample(dist, rng, n))`` for durations, ``Draws(rng.random)`` for
    yes/no decisions.
    """

    __slots__ = ("_block", "_buf", "_make_block")

    def __init__(self, make_block: Callable[[int], np.ndarray], block: int = 1024) -> None:
        self._make_block = make_block
        self._block = block
        self._buf: list[float] = []

    def __call__(self) -> float:
        """The next draw."""
        if not self._buf:
            self._buf = self._make_block(self._block)[::-1].tolist()
        return self._buf.pop()


def duration_draws(dist: Dist, rng: np.random.Generator) -> Draws:
    """Scalar durations (minutes) of ``dist`` from ``rng``."""
    return Draws(lambda n: sample(dist, rng, n))
