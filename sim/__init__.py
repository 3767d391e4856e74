"""Service-desk workbench: a SimPy model that connects the queue to the customer base.

Start with :func:`sim.loading.load_scenario` and :func:`sim.experiment.run_scenario`, or the command
line: ``python -m sim --help``.
"""

__version__ = "0.1.0"
