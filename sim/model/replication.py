"""One replication of the model: the desk and, when the scenario has one, the customer base behind
it, on one SimPy environment.

The replication owns both and wires them: the desk is built first, the customer base is built on
the desk (it adds work to it and reads its finished contacts), and the desk is given the customer
base (it raises the primary contacts and scales their volume). Neither constructs the other.
"""

from __future__ import annotations

from sim.model.customers import CustomerModel
from sim.model.desk import Desk, DeskRun
from sim.model.rng import Streams
from sim.scenario.scenario import Scenario


def simulate(scenario: Scenario, streams: Streams) -> DeskRun:
    """Simulate one replication to the horizon and return its records."""
    desk = Desk(scenario, streams)
    if scenario.customers is not None:
        desk.attach_customers(CustomerModel(scenario, desk))
    return desk.run()
