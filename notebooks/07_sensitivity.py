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
# # Which assumptions drive the answer?
#
# Many figures behind the customer model are rules of thumb (docs/domain.md): a bad moment weighs
# twelve good ones, 4% of dissatisfied customers complain, a complaint resolved within a day keeps
# 96%. This notebook varies them together over their plausible ranges (a study file in
# `params/sensitivity/`) and asks two questions a planner needs answered before trusting a
# number:
#
# 1. **Which assumptions drive each KPI?** Morris screening moves one parameter at a time along
#    many paths through the ranges; Sobol indices split a KPI's variance between a short list of
#    parameters.
# 2. **Does the policy ranking survive?** At every sample both recovery policies run with the same
#    seed; we count how often one beats the other.
#
# The study runs on the sweep machinery (`python -m sim sensitivity` does the same without a
# notebook): points run in parallel, finished points are kept, and running the notebook again
# resumes the study instead of starting over.

# %% tags=["parameters"]
spec_path = "../params/sensitivity/customer_side.yaml"
spec_overrides = {}  # dotted settings of the study, e.g. {"replications": 3, "sobol.samples": 32}
study_dir = ""  # a finished study folder (outputs/sensitivity/<name>) to read instead of running one
workers = 2
force = False  # start the study over instead of resuming it
output_dir = "../outputs/notebook-07_sensitivity"
quick = True  # quick: one replication, 4 Morris trajectories, 8 Sobol base samples (a rough look)

# %%
from pathlib import Path

import pandas as pd
from IPython.display import display

import sim

out = Path(output_dir)
QUICK = {"replications": 1, "morris.trajectories": 4, "sobol.samples": 8}
settings = {**QUICK, **spec_overrides} if quick else dict(spec_overrides)
spec = sim.load_sensitivity(spec_path, settings)
folder = (
    Path(study_dir)
    if study_dir
    else sim.run_sensitivity(
        spec_path,
        out,
        sim.RunOptions(workers=workers, resume=not force, force=force, progress=False),
        overrides=settings,
    ).out_dir
)
study = sim.plotting.read_sensitivity(folder)
print(f"{study.name}: {len(study.samples)} samples, {study.spec['replications']} replication(s) each")
print(study.spec["description"])
pd.DataFrame(study.spec["ranges"], index=["low", "high"]).T

# %% [markdown]
# ## Screening: which assumptions matter
#
# For each KPI, mu* is the mean absolute change of the KPI when one parameter moves across its
# whole range, the others held wherever the path found them; the whiskers are bootstrap 95%
# intervals. On the right, a parameter near or above the diagonal (sigma as large as mu*) has an
# effect that depends on the others: an interaction, or a curve. A parameter with a small mu* can
# be fixed at its default without changing the answer.

# %%
for kpi in study.spec["kpis"]:
    fig = sim.plotting.morris_chart(study, kpi)
    sim.plotting.export(fig, f"sensitivity_morris_{kpi}", out)
    display(fig)

# %% [markdown]
# ## Sobol indices for the short list
#
# S1 is the share of a KPI's variance a parameter explains alone, ST the share it explains with
# all its interactions; where ST is well above S1 the parameter acts through the others. With few
# samples the intervals are wide (a negative lower end is sampling error, not a negative share).

# %%
for kpi in study.spec["kpis"]:
    fig = sim.plotting.sobol_chart(study, kpi)
    sim.plotting.export(fig, f"sensitivity_sobol_{kpi}", out)
    display(fig)

# %% [markdown]
# ## Does the policy ranking survive the ranges?
#
# At every sample both policies ran with the same seed, so their difference is measured with
# little noise. The bars split the samples by which policy the difference favours (in each KPI's
# better direction), darker where its 95% interval excludes zero; the dot is the share of samples
# favouring the first policy, with its exact binomial interval.

# %%
fig = sim.plotting.policy_wins_chart(study)
sim.plotting.export(fig, "sensitivity_policy_wins", out)
study.wins.to_csv(out / "sensitivity_policy_wins.csv", index=False)
display(study.wins)
fig

# %% [markdown]
# ## What drives the difference between the policies
#
# The same screening, applied to the paired difference of each KPI: the assumptions on which the
# choice of policy hinges.

# %%
fig = sim.plotting.morris_chart(study, study.spec["kpis"][0], difference=True)
sim.plotting.export(fig, "sensitivity_morris_difference", out)
fig

# %% [markdown]
# ## The ranking in numbers
#
# Every parameter's indices per KPI (the value under the first policy), ranked by mu*, with the
# share of each KPI's spread across samples that is replication noise: where that share is large,
# run more replications before reading small effects.

# %%
ranking = (
    study.indices[study.indices["output"] == "value"]
    .pivot_table(index=["kpi", "parameter"], columns="method", values=["mu_star", "sigma", "S1", "ST", "noise_share"])
    .sort_values(["kpi", ("mu_star", "morris")], ascending=[True, False])
)
ranking.to_csv(out / "sensitivity_ranking.csv")
ranking
