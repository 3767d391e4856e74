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
# # The people at the desk: pressure, corners cut and the erosion trap
#
# Most staffing models treat agents as servers that work at a fixed pace. Real agents respond to
# load. Oliva & Sterman (2001, "Cutting corners and working overtime: quality erosion in the
# service industry", *Management Science* 47(7)) followed a bank's lending centre and found that,
# under sustained work pressure, people give each job less time and quality falls with it; and
# that the operation's own sense of how long a job *should* take drifts down to what it has been
# achieving. A shortfall that is later fixed then leaves lasting damage: time per job and quality
# stay low after the staff are back, and because less time per job makes capacity look
# sufficient, nobody sees a reason to restore them. They called it the erosion of service
# standards.
#
# This notebook reproduces that result on the simulated desk. The scenario `erosion` is the
# baseline year with the people at the desk switched on; `cut_and_restore` is the same desk with
# the front line cut by 15% for four weeks (weeks 3–6), then restored. Both run with the same
# seed (common random numbers, so the differences are paired) and are measured only over a late
# reporting window, long after the cut ended. The same pair is then run again with erosion of
# standards switched off: agents still cut corners under pressure, but their standard stays put.
# If Oliva & Sterman are right, the cut leaves first-contact resolution lower with erosion on,
# and the desk recovers without it.

# %% tags=["parameters"]
scenario_path = "../params/scenarios/erosion.yaml"
cut_scenario_path = "../params/scenarios/cut_and_restore.yaml"
# 26 weeks, measured over weeks 13-26 (a 12-week warm-up: 12 x 7 x 1440 minutes)
overrides = {"calendar.horizon_days": 182, "calendar.warmup_min": 120960}
replications = 10
seed = 20270426
workers = 1  # worker processes per run
output_dir = "../outputs/notebook-09_workforce"
quick = False  # quick: at most 3 replications (a first look; the differences need more)

# %%
from pathlib import Path

import pandas as pd

import sim

out = Path(output_dir)
reps = min(replications, 3) if quick else replications
no_erosion = {**overrides, "workforce.erosion": None}
with_erosion = {
    "erosion": sim.load_scenario(scenario_path, overrides),
    "cut_and_restore": sim.load_scenario(cut_scenario_path, overrides),
}
without_erosion = {
    "no_erosion": sim.load_scenario(scenario_path, {**no_erosion, "name": "no_erosion"}),
    "cut_no_erosion": sim.load_scenario(cut_scenario_path, {**no_erosion, "name": "cut_no_erosion"}),
}
eroding, eroding_runs = sim.run_policies(with_erosion, "erosion", reps, seed, out / "runs", workers)
holding, holding_runs = sim.run_policies(without_erosion, "no_erosion", reps, seed, out / "runs", workers)

# %% [markdown]
# ## What the people at the desk do
#
# The `workforce` section of `erosion` switches on every mechanism (`docs/domain.md` §10):
#
# * **Work pressure**: each agent group's work in hand (contacts being served and its share of
#   those waiting) per agent present, smoothed over about half a shift. 1 means every agent busy
#   and nobody waiting.
# * **Cutting corners**: above a pressure of 1, agents give each contact less time, down to 75% of
#   its handle time, and resolve proportionally fewer contacts at the first attempt. Unresolved
#   customers call again, which adds load: the loop that keeps pressure up.
# * **Erosion of standards**: the desk's own standard of time per contact follows the time it
#   actually gives down within about a week, and does not come back on its own.
# * **Unplanned absence**: 5% of rostered agents on an average day, more on some days.
# * **Overtime**: when a shift ends while more callers wait than agents are present, half of the
#   agents due to leave stay on, for up to an hour.
# * **Fatigue**: occupancy above 85% and overtime tire agents over days; rest recovers them; a
#   tired agent is slower.
# * **Staff satisfaction and attrition**: a satisfaction index falls with pressure, overtime and
#   fatigue; turnover (20% a year when satisfied) rises as it falls; each leaver is replaced six
#   weeks later by a new hire who starts slower and learns within about three months, and costs
#   3.5 months of pay.

# %%
with_erosion["erosion"].workforce.model_dump()

# %% [markdown]
# ## The cut, measured months later: paired differences
#
# Each row is an alternative minus its own baseline, replication by replication: the cut desk
# against the uncut one, with erosion on (`cut_and_restore` against `erosion`) and off
# (`cut_no_erosion` against `no_erosion`). *better*/*worse*: the whole 95% interval of the
# difference is on one side of zero. Read first-contact resolution and the standard of time per
# contact at the end: with erosion on, the cut desk should still resolve fewer contacts first
# time and give each less time, months after staffing came back; with erosion off those
# differences should vanish (the cut desk may even look slightly better: the cut cost customers
# while it lasted, and a smaller customer base makes fewer contacts). Repeat contacts, customers
# lost to service and net value carry the cost of the lost quality to the customer base and to
# money. The cut desk may well answer calls faster in the window: less time per contact is more
# capacity, which is exactly why an eroded standard looks like an efficiency gain.

# %%
kpis = [
    "fcr_rate",
    "time_standard_end",
    "handle_time_cut",
    "work_pressure_tier1",
    "service_level",
    "abandon_rate",
    "repeat_contacts",
    "overtime_share",
    "fatigue_front_line",
    "staff_satisfaction",
    "leavers",
    "service_defections",
    "replacement_cost",
    "net_value",
]
differences = pd.concat(
    [sim.differences_table(eroding, kpis), sim.differences_table(holding, kpis)],
    ignore_index=True,
)
differences.to_csv(out / "workforce_differences.csv", index=False)
differences.round(4)

# %% [markdown]
# ## Pressure, time per contact and quality through the cut
#
# The cut desk with erosion on, week by week over the whole horizon (weekly means with their 95%
# confidence bands across replications; the dotted line is where the reporting window starts).
# Read the panels top to bottom as a chain: when the front line is cut (shaded), work pressure
# rises above the level at which agents cut corners (dashed); the standard of time per contact
# follows the time given down; and first-contact resolution falls with it. When staffing is
# restored, pressure falls back, but the standard does not climb back, and resolution stays where
# the standard left it.

# %%
cut_run = eroding_runs["cut_and_restore"]
fig = sim.plotting.pressure_and_quality(cut_run.tables["workforce_daily"], cut_run.info)
sim.plotting.export(fig, "workforce_pressure_and_quality", out)
fig

# %% [markdown]
# ## The staff week by week
#
# Overtime hours per agent group and week (agents finishing a contact after their shift, and
# those asked to stay on), fatigue and the staff satisfaction index, staff on the books against
# the establishment, and leavers and new hires. A planner reads it for the second half of Oliva & Sterman's story: overtime absorbs a
# shortfall for a while, fatigue makes agents slower, and leavers open vacancies that take the
# hiring lag and the learning curve to fill, so a cut can outlast itself through the staff too.

# %%
fig = sim.plotting.staff_over_time(cut_run.tables["workforce_daily"], cut_run.info)
sim.plotting.export(fig, "workforce_staff_over_time", out)
fig

# %% [markdown]
# ## The erosion trap
#
# First-contact resolution (top) and the time agents give each contact (bottom; talk time of
# answered front-line calls, comparable with and without erosion) for all four runs, the cut
# shaded. With erosion on, the cut run's lines part from the uncut run's during the cut and do not
# join again: that gap, still there in the reporting window, is the trap. With erosion off the two
# lines join again soon after staffing is restored. Note that with erosion on even the uncut desk
# drifts down: ordinary peaks push pressure past the onset now and then, and each time the
# standard follows a little and stays. The bands are 95% confidence intervals across
# replications; because the runs are paired, the differences in the table above are sharper than
# the overlap of the bands suggests.

# %%
fig = sim.plotting.erosion_trap(
    {
        "erosion on, no cut": eroding_runs["erosion"],
        "erosion on, cut and restored": eroding_runs["cut_and_restore"],
        "erosion off, no cut": holding_runs["no_erosion"],
        "erosion off, cut and restored": holding_runs["cut_no_erosion"],
    }
)
sim.plotting.export(fig, "workforce_erosion_trap", out)
fig

# %% [markdown]
# ## What it means for planning
#
# A temporary cut is not temporary when standards erode: the quality it costs outlives it, and
# shows up later as repeat contacts, dissatisfied customers and lost revenue, not in the service
# level, which may even look better. Watch time per contact and first-contact resolution, not
# only the queue, and restore the standard deliberately (coaching, quality checks) when staffing
# comes back. The size of the effect rests on the assumed response curves in the scenario file
# (each marked as an assumption); replace them with your desk's own estimates before quoting
# numbers.
