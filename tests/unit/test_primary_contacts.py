"""A day's primary contacts get their path numbers (handle time, patience, resolution draw) a chunk
at a time as the day is let in: the same numbers as drawing the day at once, however it is cut."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import primary_release, replication
from sim.model.records import ContactTable
from sim.model.rng import Streams, sample
from sim.scenario.base import Empirical, Exponential, Fixed, Lognormal, NoPatience
from sim.scenario.scenario import Scenario
from tests.scenarios import busy_desk, customer_desk

DISTRIBUTIONS = {
    "exponential": Exponential(kind="exponential", mean_min=4.0),
    "lognormal": Lognormal(kind="lognormal", mean_min=5.0, cv=0.9),
    "empirical": Empirical(kind="empirical", values_min=[1.0, 2.0, 3.5, 7.0, 11.0]),
    "fixed": Fixed(kind="fixed", value_min=2.5),
    "no patience": NoPatience(kind="none"),
}


@pytest.mark.parametrize("name", list(DISTRIBUTIONS))
def test_a_stream_drawn_in_pieces_gives_the_numbers_drawn_at_once(name: str) -> None:
    """What the chunked draws rely on: numpy's generators continue a stream exactly from one
    call to the next, for every distribution a duration can have (the bounded integers behind
    ``Empirical`` included, whose 32-bit halves are buffered by the generator, not the call)."""
    dist = DISTRIBUTIONS[name]
    for seed in range(5):
        at_once = sample(dist, np.random.Generator(np.random.PCG64(seed)), 3001)
        rng = np.random.Generator(np.random.PCG64(seed))
        cuts = np.sort(np.random.default_rng(100 + seed).integers(0, 3001, 15))
        sizes = np.diff(np.concatenate([[0], cuts, [3001]]))  # odd sizes and empty pieces
        in_pieces = np.concatenate([sample(dist, rng, int(n)) for n in sizes])
        np.testing.assert_array_equal(in_pieces, at_once)


def contacts(scenario: Scenario, chunk: int, monkeypatch: pytest.MonkeyPatch) -> ContactTable:
    monkeypatch.setattr(primary_release, "RELEASE_CHUNK", chunk)
    return replication.simulate(scenario, Streams(2, 0)).contacts


@pytest.mark.parametrize("desk", ["alone", "with customers"])
def test_the_chunk_size_changes_no_contact(desk: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A day let in 37 contacts at a time (several chunks a day, cut at odd places) and the
    default 4,096 (one chunk a day here) give every contact the same record."""
    scenario = busy_desk() if desk == "alone" else customer_desk()
    default = contacts(scenario, primary_release.RELEASE_CHUNK, monkeypatch)
    small = contacts(scenario, 37, monkeypatch)
    per_day = len(default) / scenario.calendar.horizon_days
    assert per_day > 3 * 37, "the small chunks must cut the days"
    for name in ContactTable.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(small, name), getattr(default, name), err_msg=name)
