"""The command line, ``python -m sim COMMAND``: argument parsing, help and exit codes.

:mod:`~sim.cli.main` holds the parser and the run, compare, sweep, notebook, check, erlang and
schema commands; :mod:`~sim.cli.sensitivity`, :mod:`~sim.cli.fit`, :mod:`~sim.cli.calibrate`,
:mod:`~sim.cli.forecast`, :mod:`~sim.cli.validate` and :mod:`~sim.cli.slides` their own commands;
:mod:`~sim.cli.arguments` the shared argument types and options; :mod:`~sim.cli.boundary` the exit
statuses and the one place where a failure becomes one line. Commands only parse, call the layers
below and report: no modelling lives here.

The top layer, beside :mod:`sim.notebook`: may import any layer below, not :mod:`sim.notebook`.
"""
