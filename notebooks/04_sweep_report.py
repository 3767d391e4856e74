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
# # Sweep report
#
# Reads a finished sweep folder (`python -m sim sweep params/sweeps/...yaml`): a heatmap of one
# KPI over two grid parameters, the Pareto frontier of two KPIs, and the best points with their
# confidence intervals. Every point ran with the same seed, so differences between points are
# differences between policies, not between random draws.

# %% tags=["parameters"]
sweep_dir = "../outputs/sweeps/staffing_vs_recovery"
x_param = "staffing.tier1.headcount_scale"
y_param = "recovery"
kpi = "net_value"  # the heatmap's KPI and the ranking of the best points
pareto_x = "staffing_cost"
pareto_y = "service_level"
top = 5  # best points listed
output_dir = "../outputs/notebook-04_sweep_report"
quick = True  # unused by this report (it runs no simulation); kept for a uniform interface

# %%
from pathlib import Path

import sim

out = Path(output_dir)
sweep = sim.plotting.read_sweep(sweep_dir)  # without results, says which sweep to run first
summary, currency, sweep_name = sweep.summary, sweep.currency, sweep.name
print(f"{sweep_name}: {summary['point_id'].nunique()} finished points of {len(sweep.points)}")
sweep.points

# %% [markdown]
# ## Heatmap
# Each cell: the mean over replications and its 95% confidence interval.

# %%
fig = sim.plotting.sweep_heatmap(summary, x_param, y_param, kpi, sweep_name, currency)
sim.plotting.export(fig, "sweep_heatmap", out)
fig

# %% [markdown]
# ## Pareto frontier
# Points no other point beats on both measures are highlighted and labelled.

# %%
fig = sim.plotting.pareto_frontier(summary, pareto_x, pareto_y, [x_param, y_param], sweep_name, currency)
sim.plotting.export(fig, "sweep_pareto", out)
fig

# %% [markdown]
# ## The best points
# Best first by the heatmap's KPI (mean) in its own direction (a lower abandonment rate is
# better), with 95% confidence intervals; overlapping intervals mean the ranking between those
# points is not settled by this many replications.

# %%
best = sim.plotting.sweep_wide(summary, [kpi, pareto_x, pareto_y], rank=kpi).head(top)
best.to_csv(out / "sweep_best_points.csv")
best
