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
# complains. Each run is saved under `output_dir` in a folder named by its settings (the run
# folder's tables and manifest, its charts in `charts/`), and every chart's source line states
# the settings. Headless (papermill) the notebook runs once with the parameters below.
#
# The last section is the Erlang calculator: how many agents a service target needs.

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
arrivals_per_h = 540.0  # Erlang calculator: calls arriving per hour
aht_min = 5.0  # mean handle time (minutes)
patience_min = 4.0  # mean patience (minutes, Erlang A); None: Erlang C, nobody hangs up
sl_seconds = 20.0  # service-level threshold (seconds)
target_service_level = 0.8  # share answered within sl_seconds; None: no such target
target_asa_s = None  # average speed of answer at most this (seconds); None: no such target
max_abandon_rate = None  # abandonment at most this share (needs patience_min); None: no cap
shrinkage = 0.3  # share of paid time not answering (breaks, training, absence)

# %%
import ipywidgets as widgets

import sim

# %% [markdown]
# ## The run with the parameters above

# %%
run = sim.explore_run(
    scenario_path,
    overrides,
    headcount_scale,
    volume_multiplier,
    recovery,
    complain_prob,
    replications,
    seed,
    quick,
    output_dir,
)
print(f"Saved to {run.folder} (charts in charts/)")

# %%
run.figures["explore_intraday_service_level"]

# %%
run.figures["explore_intraday_staffing"]

# %%
run.figures.get("explore_complaint_funnel")

# %% [markdown]
# ## Interactive controls
# In JupyterLab: set the controls and press **Run** (each run takes a few seconds in quick mode
# and is saved like the one above).

# %%
widgets.interact_manual.options(manual_name="Run")(
    sim.explore_show,
    scenario_path=widgets.fixed(scenario_path),
    overrides=widgets.fixed(overrides),
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
    quick=widgets.fixed(quick),
    output_dir=widgets.fixed(output_dir),
);

# %% [markdown]
# ## How many agents for a target? (Erlang calculator)
# A steady queue — calls arriving at random at `arrivals_per_h`, exponential handle times, and
# with `patience_min` callers who hang up (Erlang A; without it Erlang C) — and a target: a
# service level within `sl_seconds`, an average speed of answer, or an abandonment cap. The
# table gives the agents each target needs (the largest is the answer), their occupancy, the FTE
# to roster after shrinkage, and the service at that headcount: the same figures as
# `python -m sim erlang --arrivals-per-h 540 --aht-min 5 --patience-min 4 --target-sl 0.8
# --shrinkage 0.3`.

# %%
sim.erlang_staffing(
    arrivals_per_h,
    aht_min,
    patience_min,
    sl_seconds,
    target_service_level,
    target_asa_s,
    max_abandon_rate,
    shrinkage,
)[["shown"]]

# %% [markdown]
# In JupyterLab: set the desk and the targets (0 leaves a target out; a patience of 0 is
# Erlang C) and press **Calculate**.

# %%
label = {"description_width": "9em"}
widgets.interact_manual.options(manual_name="Calculate")(
    sim.erlang_show,
    arrivals_per_h=widgets.BoundedFloatText(
        value=arrivals_per_h, min=1, max=100_000, description="calls / h", style=label
    ),
    aht_min=widgets.BoundedFloatText(
        value=aht_min, min=0.1, max=120, description="AHT (min)", style=label
    ),
    patience_min=widgets.BoundedFloatText(
        value=patience_min or 0, min=0, max=120, description="patience (min)", style=label
    ),
    sl_seconds=widgets.BoundedFloatText(
        value=sl_seconds, min=1, max=3600, description="SL within (s)", style=label
    ),
    target_service_level=widgets.FloatSlider(
        value=target_service_level or 0,
        min=0,
        max=0.99,
        step=0.01,
        description="target SL",
        style=label,
    ),
    target_asa_s=widgets.BoundedFloatText(
        value=target_asa_s or 0, min=0, max=3600, description="target ASA (s)", style=label
    ),
    max_abandon_rate=widgets.FloatSlider(
        value=max_abandon_rate or 0,
        min=0,
        max=0.5,
        step=0.005,
        readout_format=".3f",
        description="max abandon",
        style=label,
    ),
    shrinkage=widgets.FloatSlider(
        value=shrinkage, min=0, max=0.6, step=0.01, description="shrinkage", style=label
    ),
);
