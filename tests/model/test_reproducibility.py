"""Same scenario and seed → identical records, whatever the number of worker processes."""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.experiments.replications import run_scenario
from sim.model.records import ContactTable
from sim.model.replication import simulate, worker_processes
from sim.model.rng import Streams
from tests.scenarios import busy_desk, customer_desk


def tables_equal(a: ContactTable, b: ContactTable) -> bool:
    return all(
        np.array_equal(getattr(a, f.name), getattr(b, f.name), equal_nan=True)
        for f in dataclasses.fields(a)
    )


def test_same_seed_gives_identical_contacts() -> None:
    scenario = busy_desk()
    first = simulate(scenario, Streams(5, 0)).contacts
    again = simulate(scenario, Streams(5, 0)).contacts
    assert tables_equal(first, again)


def test_other_seed_or_replication_differs() -> None:
    scenario = busy_desk()
    base = simulate(scenario, Streams(5, 0)).contacts
    assert not tables_equal(base, simulate(scenario, Streams(6, 0)).contacts)
    assert not tables_equal(base, simulate(scenario, Streams(5, 1)).contacts)


def test_workers_do_not_change_results() -> None:
    scenario = busy_desk()
    one = run_scenario(scenario, replications=4, seed=8, workers=1)
    two = run_scenario(scenario, replications=4, seed=8, workers=2)
    assert one.per_replication == two.per_replication


def test_workers_are_never_forked_from_the_caller() -> None:
    """The caller is often a notebook's kernel, whose ZeroMQ and heartbeat threads a forked
    child would inherit half-alive: workers come from a clean server process or a fresh
    interpreter (the run above checks that they give the same results)."""
    assert worker_processes("sim.experiments.replications").get_start_method() in {
        "forkserver",
        "spawn",
    }


def test_following_progress_changes_nothing() -> None:
    """Stopping the clock at every midnight to report the days done (burn-in included) leaves
    every record as it was; the days reported count up to the simulated days."""
    scenario = customer_desk(customers={"warm_start": {"burn_in_days": 6, "history_pilot_days": 3}})
    seen: list[int] = []
    followed = simulate(scenario, Streams(5, 0), seen.append)
    assert tables_equal(simulate(scenario, Streams(5, 0)).contacts, followed.contacts)
    assert scenario.burn_in_days > 0
    assert seen == list(range(1, scenario.simulated_days + 1))


def test_progress_counts_every_day_of_every_replication() -> None:
    scenario = busy_desk()
    plain = run_scenario(scenario, replications=3, seed=8, workers=1)
    for workers in (1, 2):
        calls: list[tuple[int, int]] = []
        followed = run_scenario(
            scenario, 3, 8, workers=workers, on_progress=lambda *c, seen=calls: seen.append(c)
        )
        assert followed.per_replication == plain.per_replication
        done = [d for d, _ in calls]
        assert done == sorted(done) and calls[-1] == (3 * scenario.simulated_days,) * 2


def test_common_random_numbers_across_staffing() -> None:
    """Changing staffing leaves every primary arrival, handle time and patience untouched."""
    lean = simulate(busy_desk(), Streams(5, 0)).contacts
    rich = simulate(
        busy_desk(staffing={"tier2": {"kind": "fixed", "agents": 6}}), Streams(5, 0)
    ).contacts
    p0, p1 = lean.parent < 0, rich.parent < 0
    assert np.array_equal(lean.arrival_min[p0], rich.arrival_min[p1])
    assert np.array_equal(lean.handle_min[p0], rich.handle_min[p1])
