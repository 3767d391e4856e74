"""The explorer: one short run of a planner's settings (headcount, volume, recovery policy,
complaint rate) drawn as charts; :func:`explore_show` is the notebook's Run button."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from sim.notebook.policies import run_policies
from sim.scenario.loading import load_scenario


def explorer_overrides(
    scenario_path: str | Path,
    overrides: Mapping[str, Any],
    headcount_scale: float,
    volume_multiplier: float,
    recovery: str,
    complain_prob: float,
) -> dict[str, Any]:
    """The dotted overrides for the explorer's controls on top of ``overrides``: front-line
    headcount scale, every contact type's daily volume times ``volume_multiplier``, the
    recovery policy and the complaint probability."""
    base = load_scenario(scenario_path, dict(overrides))
    out: dict[str, Any] = {**overrides, "staffing.tier1.headcount_scale": headcount_scale}
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


def explore_run(
    scenario_path: str | Path,
    overrides: Mapping[str, Any],
    headcount_scale: float = 1.0,
    volume_multiplier: float = 1.0,
    recovery: str = "standard",
    complain_prob: float = 0.04,
    replications: int = 2,
    seed: int = 1,
    out_dir: Path | str | None = None,
) -> dict[str, Figure]:
    """One short run of the explorer's settings: the intraday service level, staffing and queue
    and (with a customer base) the complaint funnel, by chart name. With ``out_dir`` the run
    folder is written there (else to a temporary folder)."""
    import tempfile

    from sim.plotting.figures import complaint_funnel, intraday_service_level, intraday_staffing

    settings = explorer_overrides(
        scenario_path, overrides, headcount_scale, volume_multiplier, recovery, complain_prob
    )
    scenario = load_scenario(scenario_path, settings)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(out_dir) if out_dir is not None else Path(tmp)
        _, runs = run_policies({"explore": scenario}, "explore", replications, seed, folder)
        run = runs["explore"]
    info = run.info
    figures = {
        "explore_intraday_service_level": intraday_service_level(run.tables["intervals"], info),
        "explore_intraday_staffing": intraday_staffing(run.tables["intervals"], info),
    }
    if "funnel.dissatisfied" in set(np.asarray(run.tables["summary"]["kpi"])):
        figures["explore_complaint_funnel"] = complaint_funnel(run.tables["summary"], info)
    return figures


def explore_show(
    scenario_path: str,
    overrides: Mapping[str, Any],
    headcount_scale: float,
    volume_multiplier: float,
    recovery: str,
    complain_prob: float,
    replications: int,
    seed: int,
) -> None:
    """The explorer's Run button (``ipywidgets.interact_manual``): run and display the charts."""
    from IPython.display import display

    for fig in explore_run(
        scenario_path,
        overrides,
        headcount_scale,
        volume_multiplier,
        recovery,
        complain_prob,
        replications,
        seed,
    ).values():
        display(fig)
