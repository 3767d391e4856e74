"""Analytic queueing models of a service desk, exact and fast: the numerical references the
simulation engine is checked against and the staffing solvers the rosters use.

* :mod:`sim.queueing.erlang`: one agent group, one queue (Erlang B, C and A) and the staffing
  solvers built on them.
* :mod:`sim.queueing.multi_skill`: agent groups with skills, routing and overflow, as an exact
  Markov chain of a small desk (the reference for the engine's agent groups).

Units: rates are per minute, times in minutes (names ending in ``_s``: seconds).

Stands alone: imports nothing from :mod:`sim` outside this package, and every layer may use it.
Its names are re-exported here, so ``from sim.queueing import erlang_a_kpis`` reads the same
whichever module defines the formula.
"""

from sim.queueing.erlang import (
    QueueKpis,
    agents_for_abandonment,
    agents_for_asa,
    agents_for_service_level,
    erlang_a_kpis,
    erlang_b,
    erlang_c,
    erlang_c_kpis,
    halfin_whitt_beta,
    square_root_staffing,
)
from sim.queueing.multi_skill import MultiSkillDesk, MultiSkillKpis, TypeKpis, solve_multi_skill

__all__ = [
    "MultiSkillDesk",
    "MultiSkillKpis",
    "QueueKpis",
    "TypeKpis",
    "agents_for_abandonment",
    "agents_for_asa",
    "agents_for_service_level",
    "erlang_a_kpis",
    "erlang_b",
    "erlang_c",
    "erlang_c_kpis",
    "halfin_whitt_beta",
    "solve_multi_skill",
    "square_root_staffing",
]
