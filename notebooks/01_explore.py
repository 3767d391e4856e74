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
# # Scenario explorer
#
# Move the controls and press **Run**: a short run of the scenario redraws the intraday service
# level, the staffing and phone queue through the day, and the complaint funnel. The controls:
# front-line agents (a scale on the roster), arrival volume (a multiplier on every contact
# type's daily volume), the complaint-recovery policy and the chance a dissatisfied customer
# complains. Headless (papermill) the notebook runs once with the parameters below and writes
# the same charts.

# %% tags=["parameters"]
scenario_path = "../params/baseline.yaml"
overrides = {}  # dotted overrides under the controls, e.g. {"customers.accounts": 20000}
headcount_scale = 1.0
volume_multiplier = 1.0
recovery = "standard"
complain_prob = 0.04
replications = 3
seed = 20270426
output_dir = "../outputs/notebook-01_explore"
quick = True  # quick: two weeks after a four-week burn-in (not 13), so a run takes seconds

# %%
from pathlib import Path

import ipywidgets as widgets

import sim

out = Path(output_dir)
QUICK = {"calendar.horizon_days": 14, "customers.warm_start.burn_in_days": 28}
settings = {**QUICK, **overrides} if quick else dict(overrides)

# %% [markdown]
# ## The run with the parameters above

# %%
figures = sim.explore_run(
    scenario_path,
    settings,
    headcount_scale,
    volume_multiplier,
    recovery,
    complain_prob,
    replications,
    seed,
    out / "run",
)
for name, fig in figures.items():
    sim.plotting.export(fig, name, out)
list(figures)

# %%
figures["explore_intraday_service_level"]

# %%
figures["explore_intraday_staffing"]

# %%
figures.get("explore_complaint_funnel")

# %% [markdown]
# ## Interactive controls
# In JupyterLab: set the controls and press **Run** (each run takes a few seconds in quick mode).

# %%
widgets.interact_manual.options(manual_name="Run")(
    sim.explore_show,
    scenario_path=widgets.fixed(scenario_path),
    overrides=widgets.fixed(settings),
    headcount_scale=widgets.FloatSlider(
        value=headcount_scale, min=0.5, max=1.5, step=0.05, description="agents ×"
    ),
    volume_multiplier=widgets.FloatSlider(
        value=volume_multiplier, min=0.5, max=1.5, step=0.05, description="volume ×"
    ),
    recovery=widgets.Dropdown(
        options=["none", "standard", "fast_track", "empowered_front_line", "proactive_follow_up"],
        value=recovery,
        description="recovery",
    ),
    complain_prob=widgets.FloatSlider(
        value=complain_prob, min=0.0, max=0.5, step=0.01, description="complain p"
    ),
    replications=widgets.IntSlider(value=replications, min=1, max=10, description="replications"),
    seed=widgets.fixed(seed),
);
