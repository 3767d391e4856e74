"""Same scenario and seed → identical records, whatever the number of worker processes."""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.desk import Desk
from sim.experiment import run_scenario
from sim.records import ContactTable
from sim.rng import Streams
from tests.scenarios import busy_desk


def tables_equal(a: ContactTable, b: ContactTable) -> bool:
    return all(
        np.array_equal(getattr(a, f.name), getattr(b, f.name), equal_nan=True)
        for f in dataclasses.fields(a)
    )


def test_same_seed_gives_identical_contacts() -> None:
    scenario = busy_desk()
    first = Desk(scenario, Streams(5, 0)).run().contacts
    again = Desk(scenario, Streams(5, 0)).run().contacts
    assert tables_equal(first, again)


def test_other_seed_or_replication_differs() -> None:
    scenario = busy_desk()
    base = Desk(scenario, Streams(5, 0)).run().contacts
    assert not tables_equal(base, Desk(scenario, Streams(6, 0)).run().contacts)
    assert not tables_equal(base, Desk(scenario, Streams(5, 1)).run().contacts)


def test_workers_do_not_change_results() -> None:
    scenario = busy_desk()
    one = run_scenario(scenario, replications=4, seed=8, workers=1)
    two = run_scenario(scenario, replications=4, seed=8, workers=2)
    assert one.per_replication == two.per_replication


def test_common_random_numbers_across_staffing() -> None:
    """Changing staffing leaves every primary arrival, handle time and patience untouched."""
    lean = Desk(busy_desk(), Streams(5, 0)).run().contacts
    rich = (
        Desk(busy_desk(staffing={"tier2": {"kind": "fixed", "agents": 6}}), Streams(5, 0))
        .run()
        .contacts
    )
    p0, p1 = lean.parent < 0, rich.parent < 0
    assert np.array_equal(lean.arrival_min[p0], rich.arrival_min[p1])
    assert np.array_equal(lean.handle_min[p0], rich.handle_min[p1])
