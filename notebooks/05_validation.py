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
# # Validation: the simulator against queueing theory
#
# A stationary desk (constant arrivals around the clock, one phone queue, exponential handle
# times and patience, a fixed team) is the case Erlang C (no abandonment) and Erlang A (callers
# hang up) solve exactly. The engine simulates it at several loads; the analytic values should
# lie inside the simulated 95% confidence intervals. Then two identities every run must obey:
# conservation of calls and Little's law. Last, agent groups with skills against the exact
# Markov chain of a small multi-skill desk.

# %% tags=["parameters"]
agents = 50
aht_min = 5.0
patience_min = 4.0  # Erlang A's mean patience
sl_seconds = 20.0
occupancies = [0.80, 0.90, 0.95]  # offered load per agent
contacts = 40000  # calls per replication after the warm-up
replications = 5
seed = 20270426
scenario_path = "../params/baseline.yaml"  # for the conservation check
overrides = {}
multi_skill_contacts = 50000  # contacts per replication of each multi-skill desk
multi_skill_replications = 10
output_dir = "../outputs/notebook-05_validation"
quick = True  # quick: few calls, few replications, four weeks of the scenario

# %%
from pathlib import Path

import pandas as pd

import sim

out = Path(output_dir)
out.mkdir(parents=True, exist_ok=True)
n_contacts = min(contacts, 3000) if quick else contacts
reps = min(replications, 3) if quick else replications
rates = [rho * agents * 60.0 / aht_min for rho in occupancies]
ms_contacts = min(multi_skill_contacts, 5000) if quick else multi_skill_contacts
ms_reps = min(multi_skill_replications, 3) if quick else multi_skill_replications

# %% [markdown]
# ## Erlang C and Erlang A across loads

# %%
agreement = pd.concat(
    [
        sim.erlang_agreement(rates, agents, aht_min, None, sl_seconds, n_contacts, reps, seed),
        sim.erlang_agreement(rates, agents, aht_min, patience_min, sl_seconds, n_contacts, reps, seed),
    ],
    ignore_index=True,
)
agreement.to_csv(out / "erlang_agreement.csv", index=False)
print(f"analytic value inside the simulated CI: {agreement['inside'].mean():.0%} of cases")
agreement.round(4)

# %%
fig = sim.plotting.erlang_agreement_chart(agreement)
sim.plotting.export(fig, "validation_erlang", out)
fig

# %% [markdown]
# ## Conservation and Little's law
# Every phone call offered is answered, abandoned, disconnected (cut off at closing) or still
# waiting at the horizon. On the stationary Erlang A desk the time-average queue `L` should equal
# the arrival rate times the mean wait `λ·W` (up to the edges of the window).

# %%
scenario = sim.load_scenario(
    scenario_path, {"calendar.horizon_days": 28, **overrides} if quick else overrides
)
conservation = sim.conservation_table(sim.run_scenario(scenario, reps, seed))
little = sim.littles_law_table(
    sim.StationaryDesk(rates[-1], agents, aht_min, patience_min, sl_seconds).simulate(
        n_contacts, reps, seed
    )
)
conservation.to_csv(out / "conservation.csv")
little.to_csv(out / "littles_law.csv")
print("conservation holds in every replication:", bool(conservation["holds"].all()))
print(f"Little's law: largest relative gap {little['relative_gap'].abs().max():.2%}")
conservation

# %%
little.round(4)

# %%
fig = sim.plotting.validation_checks_chart(conservation, little)
sim.plotting.export(fig, "validation_checks", out)
fig

# %% [markdown]
# ## Agent groups against the exact Markov chain
# Two small desks open around the clock, with Poisson arrivals, exponential handle times (per
# contact type and agent group) and exponential patience, fixed groups and static routes:
#
# * **two-specialists-and-generalists**: billing (30 calls/h) and technical (24 calls/h) callers
#   go to their specialists (3 and 2 agents) and overflow at once to 2 slower generalists;
# * **bilingual-overflow**: second-language callers (12/h) reach only the 3 bilingual agents,
#   who also take the main language's overflow (60/h, 5 main-team agents) but serve their own
#   callers first.
#
# That is exactly the model of the multi-skill Markov chain (`sim.queueing.multi_skill`), which
# gives per type the service level, abandonment and ASA, per group the occupancy, and per type
# the share of answers each group gives. The engine simulates the same desks with agent groups.
# Every exact value should lie inside its simulated confidence interval; with this many
# comparisons at once, each interval is at the Bonferroni level that keeps the chance of any
# false alarm at 5% (the `level` column). In quick mode the intervals are wide: few contacts and
# three replications.

# %%
multi_skill = sim.multi_skill_agreement(contacts=ms_contacts, replications=ms_reps, seed=seed)
multi_skill.to_csv(out / "multi_skill_agreement.csv", index=False)
print(
    f"exact value inside the simulated {multi_skill['level'].iloc[0]:.2%} CI: "
    f"{multi_skill['inside'].sum()} of {len(multi_skill)} measures"
)
multi_skill.round(4)

# %%
fig = sim.plotting.multi_skill_agreement_chart(multi_skill)
sim.plotting.export(fig, "validation_multi_skill", out)
fig

# %% [markdown]
# ## Callbacks and chat against cases with a known answer
#
# * **Callbacks for everyone who would wait.** On an Erlang A desk (20 agents, load 0.9, mean
#   patience 3 min), every caller who would have to queue accepts a callback, keeps their place
#   and is always reached: nobody abandons and callbacks are made in the order of the calls, so
#   the desk is the Erlang C desk. Its P(wait), service level (a callback within 20 s counts as
#   answered on time) and the mean wait of those who waited, 1 / (nμ − λ), are exact.
# * **Chat, three sessions per agent.** Five chat agents who may each hold three sessions, with
#   no slowdown, are fifteen servers: the Erlang A desk with 15 agents gives the chat service
#   level and abandonment exactly.
#
# The intervals are at the Bonferroni level over the five comparisons (the `level` column).

# %%
channels = sim.channel_agreement(contacts=ms_contacts, replications=ms_reps, seed=seed)
channels.to_csv(out / "channel_agreement.csv", index=False)
print(
    f"exact value inside the simulated {channels['level'].iloc[0]:.2%} CI: "
    f"{channels['inside'].sum()} of {len(channels)} measures"
)
channels.round(4)
