"""Calibration: from a cleaned contact log to a scenario the simulation runs as it is.

What a call log tells, and how each part of the scenario is estimated from it:

* **Arrivals.** Calls per planning interval, averaged by weekday over *regular* days. A day whose
  volume is far below its weekday's median (a holiday or eve, an outage) is abnormal: it is listed
  and left out of the averages. The day-to-day variation beyond Poisson (Brown et al. 2005: call
  volumes are overdispersed) is the gamma coefficient of variation ``c`` of the scenario's day
  factor: a weekday with daily totals of mean ``m`` and variance ``v`` has ``v = m + c² m²``.
* **Opening hours**: the span of intervals whose mean volume is at least a small share of the
  weekday's busiest interval, snapped to the interval grid.
* **Handle time** per contact type: a lognormal (Brown et al. 2005) with the mean and coefficient
  of variation of all recorded services, so that the workload is kept; the Kolmogorov–Smirnov
  distance and quantiles for a QQ chart show how well it fits. Very short services are kept (they
  took agent time) and reported.
* **Patience** is censored: a caller who waited ``w`` and was served would have waited longer, so
  their patience is only known to exceed ``w``; only abandoned callers reveal theirs. Taking the
  waits of abandoned callers alone as patience biases it low: the patient callers were answered
  before they could show it, and the busier the desk, the fewer of them were. Assuming patience
  independent of the wait the desk offered, the Kaplan–Meier product-limit estimator gives the
  survival of patience without a model, the exponential MLE is abandonments over the total time
  spent waiting (events / exposure), and the lognormal MLE maximises the censored likelihood
  ``Σ_abandoned log f(w) + Σ_served log S(w)``. The scenario takes the better of the two by AIC.
  Callers who find more callers waiting give up sooner: the patience factors by queue length are
  estimated first, and the distributions are fitted to the waits scaled by them.
* **Staffing**: the log says who served which call, not who was on duty. Agents on duty are
  inferred by the work-conserving rule of :mod:`sim.logs.agent_activity` (serving and short
  after-call
  gaps count; longer idle gaps and the lead-in and lead-out of a stretch of calls count only
  while no caller was waiting, since an available agent would have taken the call), time-averaged
  per interval, averaged by weekday over regular days and rounded. The sensitivity of the counts,
  and of the occupancy they imply, to the rule's two settings is reported. The wrap-up is the
  mean gap shorter than ``2N`` between an agent's consecutive calls while callers were waiting
  (time on duty but not available; with the mean, simulated agents are unavailable for as long
  as the real ones). Callers who found a free agent and still waited give the answer delay.
* **Hour bands** (optional): every contact type split by hour of arrival (``regular@20-24h``),
  each band with its own volume, handle time and patience, since evening callers are less patient
  and their calls shorter; the types share one queue, so nothing else changes.
* **Borrowed fits.** A type (or band) with too few services or abandonments for a fit of its
  own (``MIN_SERVICES``, ``MIN_PATIENCE_EVENTS`` in :mod:`sim.logs.duration_fits`) or without
  spread (every handle time equal) borrows a pooled fit: its hour band's over all types, its
  type's over all hours, all types' (:func:`sim.logs.bands.fallback_keys`); each borrowing is a
  warning and a comment in the scenario file. When the handle times or waits of all types
  together cannot be fitted, the log cannot be calibrated.

The estimators of handle time and patience are in :mod:`sim.logs.duration_fits`, the queue factors
of patience in :mod:`sim.logs.queue_patience`, the staffing rule and the answer delay in
:mod:`sim.logs.agent_activity`; :mod:`sim.logs.scenario_file` writes the result as commented YAML.

Callers who hung up before reaching the queue are left out of arrivals and patience: the log gives
them no waiting time, and the simulated desk has no pre-queue abandonment. Calls arriving outside
the derived opening hours are left out too. Both are counted. The log does not link a caller's
repeated attempts or say whether a problem was resolved, so the scenario has no retrials and a
first-contact resolution of 1.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
import yaml

from sim.logs.agent_activity import AgentActivity, fit_answer_delay, fit_staffing
from sim.logs.arrival_fits import IntervalGrid, fit_arrivals, scenario_type_names
from sim.logs.bands import POOLED, band_name, hour_bands, split_band
from sim.logs.calibration import Calibration, fallbacks
from sim.logs.contact_log import ABANDONED, SERVED, CleanLog
from sim.logs.duration_fits import (
    MIN_PATIENCE_EVENTS,
    HandleFit,
    PatienceFit,
    fit_handle_time,
    fit_patience,
    handle_problem,
    patience_problem,
)
from sim.logs.duty_rule import IDLE_MAX_MIN, SLACK_MIN
from sim.logs.log_schema import LogError
from sim.logs.queue_patience import callers_ahead, fit_queue_factors
from sim.logs.scenario_file import ScenarioWriter
from sim.scenario.scenario import Scenario


def calibrate(
    log: CleanLog,
    *,
    name: str = "calibrated",
    interval_min: int = 30,
    slack_min: float = SLACK_MIN,
    idle_max_min: float = IDLE_MAX_MIN,
    horizon_days: int = 28,
    min_type_share: float = 0.01,
    abnormal_below: float = 0.5,
    open_share: float = 0.05,
    patience_by_hour: bool = False,
    band_edges: Sequence[int] = (),
    wrap_up: Literal["mean", "median"] = "mean",
    queue_patience: bool = True,
    answer_delay: bool = True,
) -> Calibration:
    """Estimate a scenario from a cleaned log.

    Args:
        log: The cleaned records (:func:`sim.logs.contact_log.read_logs`).
        name: Scenario name.
        interval_min: Planning interval (15, 30 or 60 minutes).
        slack_min: Staffing rule: gaps under ``2N`` between an agent's calls are after-call
            work, and ``N`` the lead-in and lead-out of a stretch of calls
            (:mod:`sim.logs.agent_activity`).
        idle_max_min: Staffing rule: the longest gap between two calls that counts as idle time
            on duty (while nobody waited).
        horizon_days: Simulated days, from the first day of the log.
        min_type_share: Log types with a smaller share of calls are merged into ``other``
            (1 merges every type into one, ``call``).
        abnormal_below: A day with fewer calls than this share of its weekday's median is
            abnormal (left out of the averages, and listed).
        open_share: An interval is open when its mean volume is at least this share of the
            weekday's busiest interval.
        patience_by_hour: Also estimate the exponential patience by hour of arrival.
        band_edges: Whole hours at which to split every contact type into hour bands (e.g.
            ``(20,)``: ``regular@00-20h`` and ``regular@20-24h``), each with its own volume,
            handle time and patience (callers of the evening are less patient and their calls
            shorter). Types of one channel and priority share one first-come-first-served queue,
            so the split changes nothing else. Fits with too few calls or no spread fall back on
            a pooled fit (:func:`sim.logs.bands.fallback_keys`).
        wrap_up: How the wrap-up is estimated from the gaps between an agent's consecutive
            calls while callers were waiting: ``mean`` of the gaps shorter than ``2N`` (the gaps
            the staffing rule counts as on duty, so that simulated agents are unavailable for as
            long as the real ones were), or ``median`` of the gaps under an hour.
        queue_patience: Estimate how patience falls with the callers waiting at arrival
            (:mod:`sim.logs.queue_patience`) and fit the patience distributions to the waits scaled
            accordingly; False: patience independent of the queue.
        answer_delay: Estimate how often callers who find a free agent still wait, and for how
            long (:func:`sim.logs.agent_activity.fit_answer_delay`); False: always answered at once.

    Raises:
        LogError: The log cannot be calibrated: no call reached the queue or an agent, no
            queued caller abandoned (patience cannot be estimated), or the handle times or waits
            of all types together are too few or have no spread.
    """
    records = log.records
    offered_mask = ((records["outcome"] == SERVED) | records["queued"]).to_numpy()
    gave_up = (records["outcome"] == ABANDONED).to_numpy()
    queued = records["queued"].to_numpy()
    files = ", ".join(log.report.files)
    if not offered_mask.any():
        raise LogError([f"{files}: no call reached the queue or an agent"])
    if not (gave_up & queued).any():
        raise LogError([f"{files}: no queued caller abandoned: patience cannot be estimated"])
    grid = IntervalGrid(records, interval_min)
    names, merged = scenario_type_names(records[offered_mask], log, min_type_share)
    type_of = records["type"].astype(str).map(names).to_numpy(dtype=object)
    type_list = list(dict.fromkeys(names.values()))
    base_of = type_of  # the type before any hour band
    bands = hour_bands(band_edges) if band_edges else []
    band_of = np.zeros(len(records), dtype=np.int64)
    if bands:
        starts = np.array([lo for lo, _ in bands])
        band_of = np.searchsorted(starts, records["arrival"].dt.hour.to_numpy(), "right") - 1
        labels = np.array([band_name("", b) for b in bands], dtype=object)
        type_of = pd.Series(type_of).fillna("").to_numpy(dtype=object) + labels[band_of]
        present = set(type_of[offered_mask])
        type_list = [band_name(t, b) for t in type_list for b in bands]
        type_list = [t for t in type_list if t in present]
    arrivals, regular = fit_arrivals(
        records,
        offered_mask,
        type_of,
        type_list,
        grid,
        abnormal_below,
        open_share,
    )
    served = (records["outcome"] == SERVED).to_numpy() & records["service_s"].notna().to_numpy()
    wait = records["wait_s"].to_numpy()
    queue_factors = None
    scaled = wait  # waits on the scale of patience at an empty queue
    if queue_patience:
        ahead = np.zeros(len(records), dtype=np.int64)
        arrival_s = grid.minutes(records["arrival"][queued]) * 60.0
        ahead[queued] = callers_ahead(arrival_s, wait[queued])
        stratum = pd.factorize(pd.Series(type_of[queued]).fillna(""))[0]
        queue_factors = fit_queue_factors(ahead[queued], wait[queued], gave_up[queued], stratum)
        scaled = wait / queue_factors.of(ahead)
    hours = records["arrival"].dt.hour.to_numpy() if patience_by_hour else None
    service = records["service_s"].to_numpy()
    short_s = log.report.short_service_s
    groups = {POOLED: np.ones(len(records), dtype=bool)}  # every fit a type may use
    groups |= {band_name(POOLED, band): band_of == k for k, band in enumerate(bands)}
    if bands:
        bases = dict.fromkeys(split_band(t)[0] for t in arrivals.daily_volume)
        groups |= {t: base_of == t for t in bases}
    groups |= {t: type_of == t for t in arrivals.daily_volume}
    handle: dict[str, HandleFit] = {}
    patience: dict[str, PatienceFit] = {}
    erlang_patience: dict[str, float] = {}
    problems: dict[str, dict[str, str]] = {"handle time": {}, "patience": {}}
    for key, mine in groups.items():
        # all types together are the last resort: any number of calls that can be fitted
        pooled = key == POOLED
        times = service[mine & served]
        why = handle_problem(times, 2) if pooled else handle_problem(times)
        if why is not None and pooled:
            raise LogError([f"{files}: handle time ({_service_columns(log)}): {why}"])
        if why is None:
            handle[key] = fit_handle_time(times, short_s)
        problems["handle time"][key] = why or ""
        m = queued & mine
        why = patience_problem(scaled[m], gave_up[m], 1 if pooled else MIN_PATIENCE_EVENTS)
        if why is not None and pooled:
            raise LogError([f"{files}: patience ({_wait_columns(log)}): {why}"])
        if why is None:
            by_hour = None if hours is None else hours[m]
            patience[key] = fit_patience(scaled[m], gave_up[m], by_hour)
        problems["patience"][key] = why or ""
        if gave_up[m].any() and wait[m].sum() > 0:
            erlang_patience[key] = float(wait[m].sum() / gave_up[m].sum())
    activity = AgentActivity.from_records(records, grid.minutes)
    staffing = fit_staffing(
        activity, grid, arrivals, regular, slack_min, idle_max_min, wrap_up, answer_delay
    )
    delay = None
    if answer_delay:
        reach = np.flatnonzero(offered_mask)
        delay = fit_answer_delay(
            activity,
            grid.minutes(records["arrival"].iloc[reach]),
            queued[reach],
            wait[reach],
            (records["outcome"] == SERVED).to_numpy()[reach],
            slack_min=slack_min,
            idle_max_min=idle_max_min,
            wrap_up_s=0.0 if math.isnan(staffing.wrap_up_s) else staffing.wrap_up_s,
        )
        if delay.delayed == 0 or delay.answered == 0:
            delay = None
    partial = Calibration(
        name=name,
        report=log.report,
        first_date=grid.first_date,
        last_date=grid.last_date,
        interval_min=interval_min,
        min_type_share=min_type_share,
        merged_type=merged,
        type_codes={
            t: sorted(c for c, n in names.items() if n == split_band(t)[0])
            for t in arrivals.daily_volume
        },
        arrivals=arrivals,
        handle=handle,
        patience=patience,
        erlang_patience_s=erlang_patience,
        queue_factors=queue_factors,
        staffing=staffing,
        answer_delay=delay,
        scenario_data={},
        yaml_text="",
        bands=tuple(bands),
        fallbacks=tuple(
            fallbacks(list(arrivals.daily_volume), "handle time", handle, problems["handle time"])
            + fallbacks(list(arrivals.daily_volume), "patience", patience, problems["patience"])
        ),
    )
    text = ScenarioWriter(partial, log, horizon_days).yaml()
    data = yaml.safe_load(text)
    Scenario.model_validate(data)  # the writer must produce a valid scenario
    return dataclasses.replace(partial, scenario_data=data, yaml_text=text)


def _service_columns(log: CleanLog) -> str:
    """Where the log's handle times come from, for messages."""
    t = log.schema.times
    return f"columns {t.service_start} to {t.service_end}"


def _wait_columns(log: CleanLog) -> str:
    """Where the log's waits come from, for messages."""
    t = log.schema.times
    return f"waits, columns {t.queue_entry or t.arrival} to {t.queue_exit}"
