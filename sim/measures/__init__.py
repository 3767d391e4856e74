"""Measures of a replication: desk KPIs, per-interval and per-day tables, estimates with confidence
intervals and the scorecard (:mod:`~sim.measures.metrics`); the customer base and money
(:mod:`~sim.measures.value`).

May import :mod:`sim.scenario` and :mod:`sim.model`.
"""
