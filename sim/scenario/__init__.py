"""What a desk is: scenario files read, overlaid and validated into a frozen :class:`Scenario`.

Owns the scenario models (:mod:`~sim.scenario.base` building blocks and distributions,
:mod:`~sim.scenario.desk` calendar, demand, staffing, routing, service level and standards,
:mod:`~sim.scenario.customers` the customer base, recovery and money, :mod:`~sim.scenario.fit`
a calibration declared in the file, :mod:`~sim.scenario.scenario` the root with its cross-checks),
loading from YAML (:mod:`~sim.scenario.loading`: ``extends:`` overlays from
:mod:`~sim.scenario.source`, within the limits of :mod:`~sim.scenario.bounded_yaml`, dotted
:mod:`~sim.scenario.overrides`, one clear line per problem from :mod:`~sim.scenario.explain`),
values written back in place (:mod:`~sim.scenario.editing`) and the generated parameter reference
(:mod:`~sim.scenario.schema_docs`).

The lowest layer: imports nothing else from :mod:`sim`.
"""
