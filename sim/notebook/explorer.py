"""The explorer: one short run of a planner's settings (headcount, volume, recovery policy,
complaint rate) saved as a run folder and drawn as charts; :func:`explore_show` is the notebook's
Run button. :func:`erlang_staffing` answers "how many agents for a target" as
``python -m sim erlang`` does."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.experiments.erlang_check import StationaryDesk, staff_for_targets
from sim.experiments.sweep_spec import point_slugs
from sim.notebook.policies import run_policies
from sim.plotting.labels import format_value
from sim.scenario.loading import load_scenario
from sim.scenario.scenario import Scenario

QUICK = {"calendar.horizon_days": 14, "customers.warm_start.burn_in_days": 28}
"""Quick mode: two weeks after a four-week burn-in (not 13), so a run takes seconds."""
FOLDER_LENGTH = 140
"""Longest readable part of a run folder's name (then cut and given a hash)."""


def explorer_overrides(
    scenario_path: str | Path,
    overrides: Mapping[str, Any],
    headcount_scale: float,
    volume_multiplier: float,
    recovery: str,
    complain_prob: float,
) -> dict[str, Any]:
    """The dotted overrides for the explorer's controls on top of ``overrides``: front-line
    headcount scale (every tier-1 group's, with agent groups), every contact type's daily volume
    times ``volume_multiplier``, the recovery policy and the complaint probability."""
    base = load_scenario(scenario_path, dict(overrides))
    front_line = (
        ["staffing.tier1"]
        if base.staffing.groups is None
        else [
            base.staffing.group_path(name)
            for name, group in base.staffing.groups.items()
            if group.tier == 1
        ]
    )
    out: dict[str, Any] = {
        **overrides,
        **{f"{path}.headcount_scale": headcount_scale for path in front_line},
    }
    if volume_multiplier != 1.0:
        for name, contact_type in base.demand.contact_types.items():
            out[f"demand.contact_types.{name}.daily_volume"] = {
                day: volume * volume_multiplier
                for day, volume in contact_type.daily_volume.model_dump().items()
            }
    if base.customers is not None:
        out["recovery"] = {"kind": recovery}
        out["customers.complaints.complain_prob"] = complain_prob
    return out


@dataclass(frozen=True)
class Exploration:
    """An explorer run: its run folder (charts in ``charts/``) and its charts by name."""

    folder: Path
    figures: dict[str, Figure]


def explore_run(
    scenario_path: str | Path,
    overrides: Mapping[str, Any],
    headcount_scale: float = 1.0,
    volume_multiplier: float = 1.0,
    recovery: str = "standard",
    complain_prob: float = 0.04,
    replications: int = 2,
    seed: int = 1,
    quick: bool = False,
    output_dir: Path | str = ".",
) -> Exploration:
    """One short run of the explorer's settings (with ``quick``, :data:`QUICK` under
    ``overrides``), saved as a run folder under ``output_dir`` named by the settings (e.g.
    ``scenario-baseline__agents-1.1__volume-0.9__recovery-fast_track__complain-0.05__reps-3__``
    ``seed-7__mode-quick``; ``overrides`` add a hash) with its charts as PNG and SVG in
    ``charts/``: the intraday service level, staffing and queue and (with a customer base) the
    complaint funnel. The charts' source line states the settings; the same settings rewrite the
    same folder."""
    from sim.plotting.export import export_all
    from sim.plotting.figures import complaint_funnel, intraday_service_level, intraday_staffing

    base = {**QUICK, **overrides} if quick else dict(overrides)
    settings = explorer_overrides(
        scenario_path,
        base,
        headcount_scale,
        volume_multiplier,
        recovery,
        complain_prob,
    )
    scenario = load_scenario(scenario_path, settings)
    values = {
        "scenario": scenario.name,
        "agents": round(headcount_scale, 4),
        "volume": round(volume_multiplier, 4),
        "recovery": recovery,
        "complain": round(complain_prob, 4),
        "reps": replications,
        "seed": seed,
        "mode": "quick" if quick else "full",
        **({"overrides": base} if overrides else {}),
    }
    name = point_slugs([values], FOLDER_LENGTH)[0]
    _, runs = run_policies({name: scenario}, name, replications, seed, output_dir)
    run = runs[name]
    text = settings_text(
        scenario, headcount_scale, volume_multiplier, recovery, complain_prob, seed, quick
    )
    info = dataclasses.replace(run.info, settings=text)
    figures = {
        "explore_intraday_service_level": intraday_service_level(run.tables["intervals"], info),
        "explore_intraday_staffing": intraday_staffing(run.tables["intervals"], info),
    }
    if "funnel.dissatisfied" in set(np.asarray(run.tables["summary"]["kpi"])):
        figures["explore_complaint_funnel"] = complaint_funnel(run.tables["summary"], info)
    export_all(figures, run.path / "charts")
    return Exploration(run.path, figures)


def settings_text(
    scenario: Scenario,
    headcount_scale: float,
    volume_multiplier: float,
    recovery: str,
    complain_prob: float,
    seed: int,
    quick: bool,
) -> str:
    """The explorer's controls, seed and simulated period (``scenario``, as run) as one line:
    ``Settings: agents ×1.10 · volume ×0.90 · recovery fast_track · complain p 0.05 · seed 7 ·
    quick mode: 14 days after a 28-day burn-in``."""
    parts = [f"agents ×{headcount_scale:.2f}", f"volume ×{volume_multiplier:.2f}"]
    if scenario.customers is not None:
        parts += [f"recovery {recovery}", f"complain p {complain_prob:.2f}"]
    period = ("quick mode: " if quick else "") + f"{scenario.calendar.horizon_days} days"
    if scenario.burn_in_days:
        period += f" after a {scenario.burn_in_days}-day burn-in"
    return "Settings: " + " · ".join([*parts, f"seed {seed}", period])


def explore_show(
    scenario_path: str,
    overrides: Mapping[str, Any],
    headcount_scale: float,
    volume_multiplier: float,
    recovery: str,
    complain_prob: float,
    replications: int,
    seed: int,
    quick: bool,
    output_dir: Path | str,
) -> None:
    """The explorer's Run button (``ipywidgets.interact_manual``): run, display the charts and
    say where the run was saved."""
    from IPython.display import display

    run = explore_run(
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
    for fig in run.figures.values():
        display(fig)
    print(f"Saved to {run.folder} (charts in charts/)")


def erlang_staffing(
    arrivals_per_h: float,
    aht_min: float,
    patience_min: float | None = None,
    sl_seconds: float = 20.0,
    target_service_level: float | None = None,
    target_asa_s: float | None = None,
    max_abandon_rate: float | None = None,
    shrinkage: float = 0.0,
) -> pd.DataFrame:
    """The agents a stationary desk needs for its targets (Erlang C without ``patience_min``,
        Erlang A with it), one row per figure: the agents each target needs, the agents answering,
        their occupancy, the FTE to roster after ``shrinkage``, and P(wait), ASA, service level and
        P(abandon) at that headcount — the figures of ``python -m sim erlang --target-sl ...`` —
    with ``unit`` and the value as ``shown``.

        Raises:
            ValueError: as :func:`~sim.experiments.erlang_check.staff_for_targets`.
    """
    answer = staff_for_targets(
        arrivals_per_h,
        aht_min,
        patience_min,
        sl_seconds,
        target_service_level,
        target_asa_s,
        max_abandon_rate,
        shrinkage,
    )
    desk = StationaryDesk(arrivals_per_h, answer.agents, aht_min, patience_min, sl_seconds)
    analytic = desk.analytic()
    rows = [
        *((f"agents for {target}", n, "agents") for target, n in answer.needed.items()),
        ("agents answering", answer.agents, "agents"),
        ("occupancy", answer.occupancy, "share"),
        ("shrinkage", answer.shrinkage, "share"),
        ("FTE to roster", answer.fte, "FTE"),
        ("P(wait)", analytic["p_wait"], "share"),
        ("ASA", analytic["asa_s"], "s"),
        (f"service level within {sl_seconds:g} s", analytic["service_level"], "share"),
        ("P(abandon)", analytic["p_abandon"], "share"),
    ]
    table = pd.DataFrame(rows, columns=["figure", "value", "unit"]).set_index("figure")
    table["shown"] = [_shown(v, u) for v, u in zip(table["value"], table["unit"], strict=True)]
    return table


def _shown(value: float, unit: str) -> str:
    """A calculator figure as the command line prints it."""
    if unit == "agents":
        return f"{value:.0f}"
    if unit == "FTE":
        return f"{value:.1f}"
    return format_value(value, unit, digits=1)


def erlang_show(
    arrivals_per_h: float,
    aht_min: float,
    patience_min: float,
    sl_seconds: float,
    target_service_level: float,
    target_asa_s: float,
    max_abandon_rate: float,
    shrinkage: float,
) -> None:
    """The Erlang calculator's button: the figures of :func:`erlang_staffing` as shown, where 0
    leaves a target out (and a patience of 0 means Erlang C); a target out of reach is said, not
    raised."""
    from IPython.display import display

    try:
        table = erlang_staffing(
            arrivals_per_h,
            aht_min,
            patience_min or None,
            sl_seconds,
            target_service_level or None,
            target_asa_s or None,
            max_abandon_rate or None,
            shrinkage,
        )
    except ValueError as exc:
        print(f"No answer: {exc}")
        return
    display(table[["shown"]])
