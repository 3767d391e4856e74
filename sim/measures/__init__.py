"""Measures of a replication: desk KPIs and per-interval and per-day tables
(:mod:`~sim.measures.metrics`), taken over row chunks of the contact table
(:mod:`~sim.measures.chunks`) with exact time integrals (:mod:`~sim.measures.integrals`);
estimates with confidence intervals and the scorecard (:mod:`~sim.measures.estimates`); agent
groups (:mod:`~sim.measures.groups`) and the people at the desk
(:mod:`~sim.measures.workforce`); the customer base and money (:mod:`~sim.measures.value`); the
annualised shares a calibration aims at (:mod:`~sim.measures.targets`).

May import :mod:`sim.scenario` and :mod:`sim.model`.
"""
