"""Real contact logs: reading, calibration, forecasting and validation.

Reading: :mod:`~sim.logs.log_schema` (what an ACD export's columns and codes mean) and
:mod:`~sim.logs.contact_log` (cleaned records with a report of every quirk). Estimating:
:mod:`~sim.logs.arrival_fits`, :mod:`~sim.logs.duration_fits`, :mod:`~sim.logs.queue_patience`,
:mod:`~sim.logs.agent_activity` (agents on duty and the answer delay); :mod:`~sim.logs.calibrate`
runs them in order into a :class:`~sim.logs.calibration.Calibration`, which
:mod:`~sim.logs.scenario_file` writes as a commented scenario. Validating:
:mod:`~sim.logs.observed`, :mod:`~sim.logs.resimulate` and :mod:`~sim.logs.erlang_baseline` feed
:mod:`~sim.logs.validation`, with the inputs of its three modes (trace, planned staffing,
forecast) from :mod:`~sim.logs.plan`. Forecasting: :mod:`~sim.logs.holidays` (holiday calendars),
:mod:`~sim.logs.forecast` (future calls per interval and type with prediction intervals) and
:mod:`~sim.logs.forecast_eval` (rolling-origin evaluation against seasonal naive).

May import :mod:`sim.scenario`, :mod:`sim.queueing`, :mod:`sim.model` and :mod:`sim.measures`;
not :mod:`sim.experiments`, its neighbour in the same layer. These modules use pandas: they are
data preparation, not the simulation model.
"""
