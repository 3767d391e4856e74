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
# with the Erlang A formula beside it as a baseline. Optionally, the scenario is also validated on
# *other* months (out of sample). Method and results: `docs/validation.md`.
#
# The default log is the shipped sample: the "Anonymous Bank" call centre, May 1999 (Technion SEE
# lab, Guedj & Mandelbaum; analysed in Brown et al. 2005, JASA). Under papermill the cell below
# tagged `parameters` is replaced.

# %% tags=["parameters"]
log_paths = ["../data/anonymous-bank-1999/1999-05-may.txt.gz"]  # the calibration months
schema = "anonymous-bank"  # a preset name or a schema YAML file
holdout_paths = []  # other months to validate on, out of sample (empty: none)
hour_bands = [8, 10, 12, 14, 16, 18, 20, 22]  # split contact types at these hours (empty: none)
slack_min = 5.0  # staffing rule: gaps under 2N min between an agent's calls are after-call work
idle_max_min = 60.0  # staffing rule: longer gaps up to this are idle on duty while nobody waits
replications = 5
seed = 1999
workers = 0  # worker processes for the re-simulation; 0: all cores
output_dir = "../outputs/notebook-06_calibrate_and_validate"

# %%
# %matplotlib inline
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
# ## Validation out of sample
# The same scenario on months it was not calibrated on (skipped when `holdout_paths` is empty).

# %%
if holdout_paths:
    holdout = sim.validate(
        sim.read_logs(holdout_paths, schema),
        cal.scenario(),
        replications=replications,
        seed=seed,
        slack_min=slack_min,
        idle_max_min=idle_max_min,
        erlang_patience=fitted_patience,
        workers=n_workers,
    )
    print(holdout.table())
    holdout.write(out / "out_of_sample")
    holdout_charts = sim.plotting.validation_figures(holdout)
    sim.plotting.export_all(holdout_charts, out / "out_of_sample")
    display(holdout_charts["overview"])
    display(holdout_charts["by_hour_abandon_rate"])
else:
    print("no hold-out months given: in-sample validation only")
