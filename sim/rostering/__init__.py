"""Rosters optimised: shift scheduling as an integer program.

Given the agents each planning interval of a week requires and a catalogue of shift types
(:class:`sim.scenario.rostering.Rostering`), :func:`schedule` chooses how many agents work each
shift type, start time, placement of breaks and day pattern, at least cost, and
:func:`to_shift_roster` writes the result as the shift roster the simulation runs.

May import :mod:`sim.scenario` and third-party packages (SciPy's HiGHS interface), nothing else:
it sits beside :mod:`sim.model`, independent of the simulation, so the layers above can plan a
roster without simulating and simulate it without re-planning.
"""

from sim.rostering.requirements import Requirements
from sim.rostering.roster import to_shift_roster
from sim.rostering.solve import ChosenPattern, Schedule, ScheduleError, schedule

__all__ = [
    "ChosenPattern",
    "Requirements",
    "Schedule",
    "ScheduleError",
    "schedule",
    "to_shift_roster",
]
