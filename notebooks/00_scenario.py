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
# # One scenario: the desk and its customers
#
# Runs one scenario file with independent replications and writes its output folder (Parquet
# tables and a manifest). Under papermill the cell below tagged `parameters` is replaced; the
# sweep engine runs this notebook once per point.

# %% tags=["parameters"]
scenario_path = "../params/baseline.yaml"
overrides = {}  # dotted overrides, e.g. {"calendar.horizon_days": 28}
replications = None  # None: the scenario's own (simulation.replications)
seed = None  # None: the scenario's own (simulation.seed)
workers = 0  # worker processes for replications; 0: all cores
output_dir = "../outputs/notebook-00_scenario"
write_contacts = True
make_deck = True  # write the slide deck and the chart files; a sweep passes False unless asked
make_charts = True  # draw the charts here; a sweep passes False unless asked
lang = "en"  # chart and slide language: "en" or "zh" (Simplified Chinese)

# %%
from pathlib import Path

import sim

scenario = sim.load_scenario(scenario_path, overrides)
Path(output_dir).mkdir(parents=True, exist_ok=True)
reps = replications or scenario.simulation.replications
writer = sim.RunWriter(Path(output_dir), contacts=write_contacts, replications=reps)
result = sim.run_scenario(
    scenario,
    reps,
    seed,
    workers=workers,
    on_replication=writer.replication,
    on_progress=writer.days,  # the progress bar of `python -m sim notebook` (make run)
)
writer.finish(result, command=["notebook", "00_scenario"])

# %% [markdown]
# ## Key measures
# Means over the replications with 95% confidence intervals. The service-level definition is
# printed with the table.

# %%
print(sim.kpi_table(result))

# %% [markdown]
# ## Charts and deck
# With `make_deck` every chart is written to `charts/` as PNG (1920 × 1080) and SVG, and a 16:9
# PowerPoint deck (`deck.pptx`) puts each on a slide headed by its takeaway, with the numbers
# behind it in the speaker notes. With `make_charts` the first and last charts are drawn here.
# A sweep runs this notebook with neither unless its file says `decks: true` or `charts: true`:
# drawing is most of a short run's notebook time, and the printed tables and the output folder
# are the same without it. Set `lang = "zh"` for Simplified Chinese (`deck-zh.pptx`,
# `charts-zh/`).

# %%
if make_deck:
    deck = sim.plotting.build_deck(Path(output_dir), lang=lang)
    print(f"deck: {deck}")
if make_charts:
    charts = sim.plotting.run_charts(sim.plotting.read_run(Path(output_dir)), lang)
    display(charts[0].figure, charts[-1].figure)

# %% [markdown]
# ## Standards
# A standard is *met* when its whole confidence interval is on the right side of the target,
# *not met* when it is wholly on the wrong side, and *inconclusive* otherwise.

# %%
print(sim.scorecard_table(result))
