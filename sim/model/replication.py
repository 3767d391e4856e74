"""One replication of the model: the desk and, when the scenario has one, the customer base behind
it, on one SimPy environment.

The replication owns both and wires them: the desk is built first, the customer base is built on
the desk (it adds work to it and reads its finished contacts), and the desk is given the customer
base (it raises the primary contacts and scales their volume). Neither constructs the other.
It also says how worker processes that run replications in parallel are started
(:func:`worker_processes`).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.context import BaseContext

from sim.model.customers import CustomerModel
from sim.model.desk import Desk
from sim.model.records import DeskRun
from sim.model.rng import Streams
from sim.scenario.scenario import Scenario


def simulate(
    scenario: Scenario, streams: Streams, on_day: Callable[[int], None] | None = None
) -> DeskRun:
    """Simulate one replication to the horizon and return its records; ``on_day`` is told the
    days simulated so far at the end of each (see :meth:`Desk.run`)."""
    desk = Desk(scenario, streams)
    if scenario.customers is not None:
        desk.attach_customers(CustomerModel(scenario, desk))
    return desk.run(on_day)


def worker_processes(runs: str) -> BaseContext:
    """How to start worker processes that run replications, whose work is in module ``runs``:
    forked from a clean server process that has imported it (``forkserver``, where the system
    has one; the first call of a process sets what its server imports), else a fresh interpreter
    each (``spawn``). Never forked from the caller itself, which may be a Jupyter kernel whose
    threads (ZeroMQ, heartbeat) a forked child would inherit half-alive. A script that starts
    them must guard its own work with ``if __name__ == "__main__":``, as for any process not
    forked from it."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([runs])
        return context
    return multiprocessing.get_context("spawn")
