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
# # Complaint recovery policies compared
#
# The same desk and customer base under five recovery policies: none (complaints are ordinary
# contacts), the standard 24-hour policy, fast track (4-hour target, complaints jump the queue),
# an empowered front line (resolve on the spot, with compensation) and proactive follow-up
# (recovered customers are called back). All run with the same seed, so differences are paired.
# Then the money question: is another 5% of front-line agents worth more than fast-track recovery?

# %% tags=["parameters"]
scenario_path = "../params/baseline.yaml"
overrides = {}  # dotted overrides applied to every policy
replications = 5
seed = 20270426
workers = 1
max_replications = 20  # the money comparison adds replications up to this until resolved
baseline_recovery = "standard"
output_dir = "../outputs/notebook-03_recovery_policies"
quick = True  # quick: 13 weeks after a four-week burn-in, at most 3 replications

# %%
from pathlib import Path

import sim

out = Path(output_dir)
QUICK = {"calendar.horizon_days": 91, "customers.warm_start.burn_in_days": 28}
settings = {**QUICK, **overrides} if quick else dict(overrides)
reps = min(replications, 3) if quick else replications
kinds = ["none", "standard", "fast_track", "empowered_front_line", "proactive_follow_up"]
scenarios = {
    kind: sim.load_scenario(scenario_path, {**settings, "name": kind, "recovery": {"kind": kind}})
    for kind in kinds
}
comparison, runs = sim.run_policies(scenarios, baseline_recovery, reps, seed, out / "runs", workers)

# %% [markdown]
# ## Key measures by policy

# %%
kpis = [
    "service_level",
    "complaint_retention",
    "complaints_resolved_on_time",
    "service_defections",
    "recovery_cost",
    "net_value",
]
sim.summary_table(comparison.results, kpis).pivot(index="kpi", columns="scenario", values="mean")

# %% [markdown]
# ## The complaint funnel under the baseline policy
# Most dissatisfied customers never complain; of those who do, the policy decides how many stay.

# %%
fig = sim.plotting.complaint_funnel(runs[baseline_recovery].tables["summary"], runs[baseline_recovery].info)
sim.plotting.export(fig, "recovery_complaint_funnel", out)
fig

# %%
fig = sim.plotting.kpi_comparison(
    {name: run.tables["summary"] for name, run in runs.items()},
    [run.info for run in runs.values()],
    kpis=["complaint_retention", "complaints_resolved_on_time", "funnel.complainants_lost"],
)
sim.plotting.export(fig, "recovery_funnel_outcomes", out)
fig

# %% [markdown]
# ## Retention against time to resolve
# The scenario's retention rule: a complaint resolved within the window keeps most complainants;
# every further day loses some more, down to the retention of an unresolved complaint.

# %%
fig = sim.plotting.retention_curve(scenarios[baseline_recovery])
sim.plotting.export(fig, "recovery_retention_curve", out)
fig

# %% [markdown]
# ## Why customers leave

# %%
fig = sim.plotting.defections_by_reason(comparison.results)
sim.plotting.export(fig, "recovery_defections_by_reason", out)
fig

# %% [markdown]
# ## Net value with confidence intervals, and paired differences

# %%
fig = sim.plotting.kpi_by_policy(comparison.results, "net_value")
sim.plotting.export(fig, "recovery_net_value", out)
fig

# %%
differences = sim.differences_table(comparison, kpis)
differences.to_csv(out / "recovery_differences.csv", index=False)
fig = sim.plotting.paired_differences_chart(
    differences,
    [runs[baseline_recovery].info],
    ["complaint_retention", "service_defections", "net_value"],
)
sim.plotting.export(fig, "recovery_paired_differences", out)
differences.round(4)

# %% [markdown]
# ## More agents, or faster recovery? On one money axis
# The baseline against two ways to spend: 5% more front-line agents
# (`staffing.tier1.headcount_scale: 1.05`), or the fast-track recovery policy. Paired
# differences of net value (revenue kept minus staffing, recovery and acquisition costs).
# Replications are added (up to `max_replications`) until each difference of net value is
# resolved: its 95% interval excludes zero. The report says which were.

# %%
money = {
    "baseline": scenarios[baseline_recovery],
    "more_agents": sim.load_scenario(
        scenario_path,
        {
            **settings,
            "name": "more_agents",
            "recovery": {"kind": baseline_recovery},
            "staffing.tier1.headcount_scale": 1.05,
        },
    ),
    "fast_recovery": sim.load_scenario(
        scenario_path, {**settings, "name": "fast_recovery", "recovery": {"kind": "fast_track"}}
    ),
}
money_comparison, resolutions = sim.compare_until_resolved(
    money,
    "baseline",
    ["net_value"],
    seed,
    pilot=reps,
    max_replications=max(reps, max_replications),
    workers=workers,
)
print(sim.resolution_report(resolutions))
money_differences = sim.differences_table(
    money_comparison, ["net_value", "staffing_cost", "recovery_cost", "revenue"]
)
money_differences.to_csv(out / "agents_vs_recovery_differences.csv", index=False)
fig = sim.plotting.paired_differences_chart(
    money_differences,
    [sim.plotting.result_info(money_comparison.results["baseline"])],
    ["net_value", "staffing_cost", "recovery_cost", "revenue"],
)
sim.plotting.export(fig, "agents_vs_recovery_net_value", out)
money_differences.round(2)
