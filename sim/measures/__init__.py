"""Measures of a replication: desk KPIs, per-interval and per-day tables, estimates with confidence
intervals and the scorecard (:mod:`~sim.measures.metrics`); the customer base and money
(:mod:`~sim.measures.value`); the annualised shares a calibration aims at
(:mod:`~sim.measures.targets`).

May import :mod:`sim.scenario` and :mod:`sim.model`.
"""
