"""The simulation model: one replication of the desk and its customer base, in SimPy.

Owns the calendar, arrivals, staffing and the agent pool, the desk engine
(:mod:`~sim.model.desk`, on the event clock of :mod:`~sim.model.events`), the customer base
(:mod:`~sim.model.customers`, :mod:`~sim.model.satisfaction`), the named random streams
(:mod:`~sim.model.rng`) and the columnar records a replication leaves (:mod:`~sim.model.records`).
:func:`sim.model.replication.simulate` wires the desk and the customer base together.

May import :mod:`sim.scenario` and :mod:`sim.queueing`. Nothing here imports pandas or matplotlib.
"""
