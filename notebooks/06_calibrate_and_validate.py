# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # From a contact log to a calibrated scenario, validated against the real desk
#
# Reads a contact log (an ACD export: one row per call), cleans it, calibrates a scenario from it
# and re-simulates the period to compare the simulated desk with what happened, hour by hour,
# with the Erlang A formula beside it as a baseline. Then it forecasts the calls of the *other*
# months (hold-out) from the calibration months alone, and validates the scenario on them in three
# modes: **trace** (observed calls, agents inferred from the hold-out log: the model given what
# happened), **planned-staffing** (observed calls, the calibration months' roster) and
# **forecast** (forecast calls and the planned roster: a real prediction). Method and results:
# `docs/validation.md`.
#
# The default logs are the shipped "Anonymous Bank" call centre, 1999 (Technion SEE lab, Guedj &
# Mandelbaum; analysed in Brown et al. 2005, JASA): calibrated on January–March, validated on
# April–July (a few minutes on two cores). Under papermill the cell below tagged
# `parameters` is replaced.

# %% tags=["parameters"]
log_paths = [  # the calibration months
    "../data/anonymous-bank-1999/1999-01-january.txt.gz",
    "../data/anonymous-bank-1999/1999-02-february.txt.gz",
    "../data/anonymous-bank-1999/1999-03-march.txt.gz",
]
schema = "anonymous-bank"  # a preset name or a schema YAML file
holdout_paths = [  # later months to forecast and validate on, out of sample (empty: none)
    "../data/anonymous-bank-1999/1999-04-april.txt.gz",
    "../data/anonymous-bank-1999/1999-05-may.txt.gz",
    "../data/anonymous-bank-1999/1999-06-june.txt.gz",
    "../data/anonymous-bank-1999/1999-07-july.txt.gz",
]
holidays = None  # holiday calendar: a preset, a YAML file, "none"; None: the schema's
forecast_days = 28  # without hold-out months: days to forecast after the calibration months
forecast_level = 0.9  # level of the forecast's prediction intervals
hour_bands = [8, 10, 12, 14, 16, 18, 20, 22]  # split contact types at these hours (empty: none)
slack_min = 5.0  # staffing rule: gaps under 2N min between an agent's calls are after-call work
idle_max_min = 60.0  # staffing rule: longer gaps up to this are idle on duty while nobody waits
replications = 5
seed = 1999
workers = 0  # worker processes for the re-simulation; 0: all cores
output_dir = "../outputs/notebook-06_calibrate_and_validate"

# %%
# %matplotlib inline
import datetime as dt
import os
from pathlib import Path

from IPython.display import display

import sim

out = Path(output_dir)
out.mkdir(parents=True, exist_ok=True)
n_workers = workers or os.cpu_count() or 1

# %% [markdown]
# ## Reading and cleaning the log
# Every quirk of the data is handled by an explicit rule and counted: nothing is dropped or
# changed silently.

# %%
log = sim.read_logs(log_paths, schema)
print(log.report.describe())

# %% [markdown]
# ## Calibration
# Arrivals by weekday and interval, lognormal handle times, patience from censored waits, agents
# on duty inferred from agent activity. The scenario file records where every number came from.

# %%
cal = sim.calibrate(log, slack_min=slack_min, idle_max_min=idle_max_min, band_edges=hour_bands)
print(cal.summary())
(out / "calibrated.yaml").write_text(cal.yaml_text, encoding="utf-8")
calibration_charts = sim.plotting.calibration_figures(cal, log.schema.credit)
sim.plotting.export_all(calibration_charts, out / "calibration")

# %% [markdown]
# ### Arrival profile
# Mean calls per interval on regular days, by weekday (abnormal days such as holidays left out).

# %%
display(calibration_charts["arrival_heatmap"])

# %% [markdown]
# ### Fitted distributions
# Handle times against their lognormal fit (a straight diagonal is a perfect fit), and the
# survival of patience: Kaplan–Meier from censored waits (a served caller's wait is a lower bound
# of their patience) against the exponential (Erlang A) and lognormal fits.

# %%
display(calibration_charts["handle_qq"])
display(calibration_charts["patience_survival"])

# %% [markdown]
# ## Validation in sample
# The period is simulated again with the observed calls per interval of every day and the agents
# inferred for every interval of every day; the handle times, patience and wrap-up are the
# calibrated scenario's. Observed intervals: bootstrap over days; simulated: across replications.

# %%
fitted_patience = cal.erlang_patience_s  # exponential fits of the plain waits, for Erlang A
in_sample = sim.validate(
    log,
    cal.scenario(),
    replications=replications,
    seed=seed,
    slack_min=slack_min,
    idle_max_min=idle_max_min,
    erlang_patience=fitted_patience,
    workers=n_workers,
)
print(in_sample.table())
in_sample.write(out / "in_sample")
in_sample_charts = sim.plotting.validation_figures(in_sample)
sim.plotting.export_all(in_sample_charts, out / "in_sample")
display(in_sample_charts["overview"])
display(in_sample_charts["by_hour_abandon_rate"])

# %% [markdown]
# ## Forecast of the hold-out months
# The calls per day and interval of the hold-out period (or of the next `forecast_days` days),
# forecast from the calibration months only: a negative-binomial GLM of the daily calls (weekday,
# holidays and the day after, trend) with each weekday's intraday profile, its prediction
# intervals carrying the day-to-day overdispersion. The recorded calls are drawn on top; the
# seasonal-naive forecast (the last week repeated) is the baseline it must beat.

# %%
calendar = sim.load_holidays(holidays, log.schema)
history = sim.log_counts(log)
holdout_log = sim.read_logs(holdout_paths, schema) if holdout_paths else None
recorded = sim.log_counts(holdout_log) if holdout_log is not None else None
if recorded is not None:
    start, days = recorded.dates[0], len(recorded.dates)
else:
    start, days = history.dates[-1] + dt.timedelta(days=1), forecast_days
forecast = sim.forecast_arrivals(log, start, days, calendar, level=forecast_level)
print(forecast.summary())
forecast.write(out / "forecast.csv")
forecast_figure = sim.plotting.forecast_chart(forecast, recorded)
sim.plotting.export(forecast_figure, "forecast", out)
display(forecast_figure)

# %% [markdown]
# How much better than the seasonal-naive forecast: one origin at the start of the hold-out
# period, scored per day and per interval (RMSE, WAPE, coverage of the prediction intervals).

# %%
if holdout_log is not None:
    whole = sim.log_counts(sim.read_logs([*log_paths, *holdout_paths], schema))
    evaluation = sim.evaluate_forecast(
        whole, calendar, start, horizon_days=days, step_days=days, level=forecast_level
    )
    print(evaluation.table())
    evaluation.scores().to_csv(out / "forecast_scores.csv", index=False)
else:
    print("no hold-out months given: nothing to score the forecast against")

# %% [markdown]
# ## Validation out of sample, in the three modes
# The same scenario on the hold-out months: **trace** takes the observed calls and the agents
# inferred from the hold-out log itself (not a prediction); **planned-staffing** the observed
# calls and the calibration months' weekday × interval roster; **forecast** the forecast above
# and that roster, nothing from the hold-out period. The observed side is the same in all three.

# %%
if holdout_log is not None:
    modes = {}
    for mode in ("trace", "planned-staffing", "forecast"):
        modes[mode] = sim.validate(
            holdout_log,
            cal.scenario(),
            mode=mode,
            forecast=forecast,
            holidays=calendar,
            replications=replications,
            seed=seed,
            slack_min=slack_min,
            idle_max_min=idle_max_min,
            erlang_patience=fitted_patience,
            workers=n_workers,
        )
        modes[mode].write(out / f"out_of_sample_{mode}")
        sim.plotting.export_all(
            sim.plotting.validation_figures(modes[mode]), out / f"out_of_sample_{mode}"
        )
    side_by_side = sim.modes_table(list(modes.values()))
    side_by_side.to_csv(out / "modes.csv")
    display(side_by_side.T)
    modes_figure = sim.plotting.modes_chart(list(modes.values()))
    sim.plotting.export(modes_figure, "modes_abandon_rate", out)
    display(modes_figure)
    for mode, v in modes.items():
        t = v.targets()
        print(
            f"{mode}: abandonment {t['abandon_rate_diff_pp']:+.1f} pp (target "
            f"±{t['abandon_rate_target_pp']:.0f}), wait of answered calls "
            f"{t['mean_wait_served_rel_diff']:+.0%} (±15%), hour-of-day r "
            f"{t['hour_correlation_abandon_rate']:.2f} (≥ 0.8)"
        )
else:
    print("no hold-out months given: in-sample validation only")
