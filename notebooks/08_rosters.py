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
# # Rosters: shifts for a requirement, corrected by simulation, chosen for the customers
#
# A planner staffs a desk in three steps, and this notebook takes each in turn on the baseline's
# front line.
#
# 1. **The requirement.** Per weekday and half hour, the agents a queueing formula asks for to
#    answer 80% of calls within 20 seconds, each interval treated as a stationary queue of its own
#    (SIPP: stationary independent period by period; Green, Kolesar & Soares 2001). The scenario
#    `rostering` keeps the baseline's front-line roster, written out per interval from Erlang C
#    for 80/20, so what it puts on shift over the horizon's weeks, combined by `statistic` (the
#    busiest week by default), is that requirement.
# 2. **The shifts.** People do not work half hours: they work shifts of a few lengths, starting on
#    the half hour, with breaks, on patterns of weekdays, under contract limits (at most 40%
#    part-time here). Choosing how many agents work each shift so that every interval is covered
#    at least cost is an integer program (Dantzig's set-covering model of 1954), solved here
#    exactly by HiGHS over the scenario's catalogue of shift types.
# 3. **The correction.** SIPP misses its target where its assumption is false: just after
#    opening, after a peak, and wherever retrials and repeat contacts add load the forecast does
#    not show. Following Feldman, Mandelbaum, Massey & Whitt (2008, *Management Science* 54(2)),
#    the schedule is simulated, every interval whose whole 95% confidence interval for the
#    service level is below the target is asked for more agents than it had, the shifts are
#    solved again, and so on, round by round, until no interval falls short with confidence. How
#    many more: half the way to what Erlang A asks for the calls the simulated desk was actually
#    offered there (retrials, repeat calls and callbacks included), and at least one. Half,
#    because the load measured under a short staffing includes retrials the extra agents remove.
#
# A service-level target is not the end of the question. Net value counts what a thin roster
# costs in customers who leave; the retention-aware search (`params/optimise/retention.yaml`)
# scales the front line before and after 14:00 under two recovery policies and selects the
# candidate with the most net value by the KN procedure of Kim & Nelson (2001): with
# probability at least 1 − α, the selected candidate is the best or within δ of it. The
# notebook ends by setting that selection beside the cheapest candidate that meets the service
# level.

# %% tags=["parameters"]
scenario_path = "../params/scenarios/rostering.yaml"
optimise_path = "../params/optimise/retention.yaml"
# dotted overrides of the scenario: the first quarter, as docs/scenarios.md (a round of 10
# replications then takes about 25 s with workers = 2)
overrides = {"calendar.horizon_days": 91}
statistic = "max"  # the horizon's weeks as one week: "max" (the busiest), "mean" or a quantile
replications = 10  # per correction round
rounds = 6  # most correction rounds
# dotted "key=value" settings of the optimisation file, e.g. ["selection.max_replications=20"]
optimise_overrides = []
# the search goes on from <store_dir>/optimise/<name>/, where `python -m sim optimise` writes
store_dir = "../outputs"
workers = 1  # replications at once
output_dir = "../outputs/notebook-08_rosters"
quick = False  # quick: at most 3 replications and 2 rounds of correction

# %%
from pathlib import Path

import numpy as np
import pandas as pd

import sim

out = Path(output_dir)
out.mkdir(parents=True, exist_ok=True)
reps = min(replications, 3) if quick else replications
max_rounds = min(rounds, 2) if quick else rounds
scenario = sim.load_scenario(scenario_path, overrides)
problem = sim.roster_problem(scenario, scenario_path, statistic)
corrected = problem.correct(reps, max_rounds, workers)
interval_min = problem.interval_min
first, last = corrected.rounds[0], corrected.rounds[-1]

# %% [markdown]
# ## The requirement and the least-cost schedule
#
# The first schedule covers the queueing requirement: agents required per interval over the week
# (Monday first) against the agents the schedule puts on shift. Shifts come in whole blocks of
# hours on fixed patterns of weekdays, so the schedule covers more than is asked for wherever
# their shapes do not fit the requirement's; shaded intervals are left short because the
# catalogue or its limits cannot cover them.

# %%
fig = sim.plotting.coverage_chart(first.required, first.scheduled.coverage, interval_min)
sim.plotting.export(fig, "rosters_coverage", out)
fig

# %% [markdown]
# ## The correction, round by round
#
# Each round simulates the schedule with the same seed (common random numbers: every round sees
# the same customers, arrivals and handle times), counts the intervals short of the target with
# confidence, and raises the requirement there. Requirements only rise, so the weekly cost never
# falls.

# %%
print(
    f"target met: {corrected.met}; weekly cost over the first schedule: {corrected.extra_cost:,.0f}"
)
correction = pd.DataFrame(
    {
        "round": range(1, len(corrected.rounds) + 1),
        "weekly_cost": [done.scheduled.cost for done in corrected.rounds],
        "agents": [
            sum(s.agents for s in done.scheduled.roster.shifts) for done in corrected.rounds
        ],
        "agent_hours_required": [
            done.required.sum() * interval_min / 60 for done in corrected.rounds
        ],
        "intervals_unmet": [int((done.scheduled.unmet > 0).sum()) for done in corrected.rounds],
        "intervals_short": [int(done.short.sum()) for done in corrected.rounds],
        "lowest_interval_service_level": [
            float(np.nanmin(done.service.mean)) for done in corrected.rounds
        ],
        "status": [done.scheduled.status for done in corrected.rounds],
    }
)
correction.to_csv(out / "roster_correction.csv", index=False)
correction

# %% [markdown]
# ## The service level achieved, interval by interval
#
# The first schedule (queueing requirement) and the corrected one (when the correction took more
# than one round), simulated: the mean service level per interval of each open weekday with its
# 95% confidence band across replications, against the target. Where the first schedule's band
# lies wholly under the target line, the correction added agents. Look at the first intervals
# after opening and the hour after a peak: that is where SIPP's stationary queues do worst.

# %%
fig = sim.plotting.interval_service_chart(
    first.service,
    corrected.target,
    interval_min,
    corrected=last.service if len(corrected.rounds) > 1 else None,
)
sim.plotting.export(fig, "rosters_interval_service_level", out)
fig

# %% [markdown]
# ## The corrected schedule
#
# Agents per shift start time and weekday, all shift lengths together: the roster to publish.
# `python -m sim roster params/scenarios/rostering.yaml --correct --write FILE` writes it as a
# scenario the simulation runs as it is.

# %%
schedule = pd.DataFrame(
    [
        {
            "start_h": shift.start_h,
            "length_h": shift.length_h,
            "days": " ".join(shift.days),
            "breaks": "; ".join(
                f"after {b.after_h:g} h for {b.length_min:g} min" for b in shift.breaks
            ),
            "agents": shift.agents,
        }
        for shift in last.scheduled.roster.shifts
    ]
)
schedule.to_csv(out / "roster_schedule.csv", index=False)
fig = sim.plotting.roster_heatmap(last.scheduled.roster)
sim.plotting.export(fig, "rosters_heatmap", out)
fig

# %% [markdown]
# ## Staffing for the customers: the retention-aware search
#
# Every candidate of the search by its staffing cost and the customers it loses to service (95%
# whiskers across replications). The frontier joins those no other candidate beats on both. The
# star is the candidate the KN procedure selected for the most net value, the square the cheapest
# candidate whose mean service level meets the target (with the first recovery policy): what a
# planner without the customer model would choose. The search goes on from the observations in
# its folder, so a search `python -m sim optimise params/optimise/retention.yaml` has finished is
# only read here; without one, it runs here, which takes hours at the file's settings (13 weeks,
# 32 candidates, up to 40 replications each).

# %%
optimisation, search_dir = sim.run_optimisation(
    Path(optimise_path), Path(store_dir), workers, resume=True, overrides=optimise_overrides
)
currency = optimisation.candidates[0].scenario.economics.currency
fig = sim.plotting.search_frontier(search_dir, currency)
sim.plotting.export(fig, "rosters_search_frontier", out)
fig

# %% [markdown]
# ## The selected policy and the service-level choice
#
# Every candidate with its replications and mean KPIs (95% CIs), marked `*` selected, `S` the
# service-level choice and `F` on the frontier. The selection's statement says how sure it is: δ
# is the difference in net value worth detecting, and α the chance of a wrong selection allowed.
# Last, the selected candidate against the service-level choice: their paired differences over
# the replications both ran (the same seeds, so the same customers and calls), much tighter than
# the two separate intervals suggest. The selected candidate may cost more in staff than the
# service-level choice and still earn more, because it loses fewer customers. The table below
# it (also `optimise_choices.csv`) gives the two choices' means with separate CIs
# (`.ci_low`, `.ci_high`).

# %%
print(sim.optimise_table(optimisation))
candidates, outcome = sim.plotting.read_search(search_dir)
choices = {
    "selected (most net value)": outcome["best"],
    "service-level choice": outcome["service_level_choice"],
}
kpis = ["staffing_cost", "service_defections", "service_level", "net_value"]
columns = [
    "replications",
    *(f"{kpi}{part}" for kpi in kpis for part in ("", ".ci_low", ".ci_high")),
]
rows = candidates.set_index("name")
choice_table = pd.DataFrame(
    {
        f"{role}: {name}": rows.loc[name, columns]
        for role, name in choices.items()
        if name is not None
    }
)
choice_table.to_csv(out / "optimise_choices.csv")
choice_table.round(3)

# %% [markdown]
# ## What it means for planning
#
# The queueing requirement is a starting point, not a roster: shifts add cover the formula did
# not ask for, and the simulation finds the intervals where the formula's stationary queues are
# wrong. Correcting only those is cheaper than scaling the whole roster. The target itself is a
# choice too: where the selected candidate differs from the service-level choice, the
# difference in net value, with its confidence interval, is what the service-level target costs
# or saves in customers. The shift catalogue, its costs and the value of a customer are
# assumptions in the scenario files; replace them with the desk's own before quoting numbers.
