"""One replication of the model: the desk and, when the scenario has one, the customer base behind
it, on one SimPy environment.

The replication owns both and wires them: the desk is built first, the customer base is built on
the desk (it adds work to it and reads its finished contacts), and the desk is given the customer
base (it raises the primary contacts and scales their volume). Neither constructs the other.
"""

from __future__ import annotations

from collections.abc import Callable

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
