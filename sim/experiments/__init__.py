"""Experiments on the model: replications summarised (:mod:`~sim.experiments.replications`), paired
comparisons with common random numbers (:mod:`~sim.experiments.compare`), sweeps of many points on
workers or Dask (:mod:`~sim.experiments.sweep_spec`, :mod:`~sim.experiments.sweep`) and their
summary best first (:mod:`~sim.experiments.sweep_summary`), global
sensitivity studies run as sweeps (:mod:`~sim.experiments.sensitivity_spec`,
:mod:`~sim.experiments.sensitivity`), calibration by simulation (:mod:`~sim.experiments.fit`),
notebook templates run headless
(:mod:`~sim.experiments.templates`), run folders with their manifest
(:mod:`~sim.experiments.store`), text reports (:mod:`~sim.experiments.report`), the stationary
desk checked against Erlang C / A (:mod:`~sim.experiments.erlang_check`), rosters: a week of
requirements and of achieved service (:mod:`~sim.experiments.week_profile`), corrected by
simulation (:mod:`~sim.experiments.roster_correction`) and written back as a scenario
(:mod:`~sim.experiments.roster_file`), and the best of several candidates selected with stated
confidence (:mod:`~sim.experiments.selection`).

May import :mod:`sim.scenario`, :mod:`sim.queueing`, :mod:`sim.model` and :mod:`sim.measures`;
not :mod:`sim.logs`, its neighbour in the same layer.
"""
