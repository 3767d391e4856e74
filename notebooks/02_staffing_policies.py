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
# # Staffing policies compared
#
# One scenario, four ways of staffing the front line: the scenario's own roster (the baseline),
# and rosters that staff every planning interval from the forecast with Erlang C (SIPP), Erlang A
# (with the callers' patience) and square-root staffing. All four run with the same seed, so
# replication *r* of each sees the same customers and calls (common random numbers) and the
# differences below are paired.
#
# The queueing rosters follow the forecast *including the peak days* (catch-up days after
# closures are forecast with their multiplier), so they carry a peak-day surge implicitly; the
# baseline roster is deliberately not re-staffed for peaks.

# %% tags=["parameters"]
scenario_path = "../params/baseline.yaml"
overrides = {}  # dotted overrides applied to every policy, e.g. {"customers.accounts": 20000}
replications = 5
seed = 20270426
workers = 1  # worker processes per policy run
shrinkage_fraction = 0.26  # for the queueing rosters (the baseline's calibrated shrinkage)
# The forecast counts first contacts only; repeat contacts (~17% of enquiries at 80% first-contact
# resolution) and retrials (~2%) add load the queueing rosters must also carry (baseline header).
load_factor = 1.2
output_dir = "../outputs/notebook-02_staffing_policies"
quick = True  # quick: four weeks after a four-week burn-in, at most 3 replications

# %%
from pathlib import Path

import sim

out = Path(output_dir)
QUICK = {"calendar.horizon_days": 28, "customers.warm_start.burn_in_days": 28}
settings = {**QUICK, **overrides} if quick else dict(overrides)
reps = min(replications, 3) if quick else replications
policies = {
    "baseline": {},
    "erlang_c": {"kind": "erlang_c", "shrinkage_fraction": shrinkage_fraction, "load_factor": load_factor},
    "erlang_a": {"kind": "erlang_a", "shrinkage_fraction": shrinkage_fraction, "load_factor": load_factor},
    "square_root": {"kind": "square_root", "shrinkage_fraction": shrinkage_fraction, "load_factor": load_factor},
}
scenarios = {
    name: sim.load_scenario(
        scenario_path,
        {**settings, "name": name, **({"staffing.tier1": roster} if roster else {})},
    )
    for name, roster in policies.items()
}
comparison, runs = sim.run_policies(scenarios, "baseline", reps, seed, out / "runs", workers)

# %% [markdown]
# ## Key measures by policy
# Mean and 95% confidence interval across replications.

# %%
kpis = ["service_level", "abandon_rate", "asa_s", "occupancy_tier1", "staffing_cost", "net_value"]
summary = sim.summary_table(comparison.results, kpis)
summary.pivot(index="kpi", columns="scenario", values="mean").round(3)

# %% [markdown]
# ## Service level and staffing through the day
# The queueing rosters add agents where the forecast peaks (mid-morning, mid-afternoon) and take
# them away in the quiet hours.

# %%
fig = sim.plotting.intraday_service_level_by_policy(runs)
sim.plotting.export(fig, "staffing_intraday_service_level", out)
fig

# %%
fig = sim.plotting.intraday_roster_by_policy(runs)
sim.plotting.export(fig, "staffing_intraday_roster", out)
fig

# %% [markdown]
# ## Cost against service level
# Each policy's staffing cost and service level, with confidence whiskers both ways; the dashed
# line joins the policies no other beats on both.

# %%
fig = sim.plotting.cost_service_frontier(comparison.results)
sim.plotting.export(fig, "staffing_cost_vs_service_level", out)
fig

# %% [markdown]
# ## Paired differences against the baseline roster
# Alternative minus baseline, replication by replication. *better*/*worse*: the whole 95%
# interval is on one side of zero.

# %%
differences = sim.differences_table(comparison, kpis)
differences.to_csv(out / "staffing_differences.csv", index=False)
differences.round(4)

# %%
fig = sim.plotting.paired_differences_chart(
    differences, [r.info for r in runs.values()], ["service_level", "staffing_cost", "net_value"]
)
sim.plotting.export(fig, "staffing_paired_differences", out)
fig
