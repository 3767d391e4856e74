"""Policies run side by side with common random numbers, each kept as a run folder for its
charts."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sim.experiments.compare import Comparison, Difference, paired_differences
from sim.experiments.replications import ScenarioResult, run_scenario
from sim.experiments.store import RunWriter
from sim.plotting.data import RunData, read_run
from sim.scenario.scenario import Scenario


def run_policies(
    scenarios: Mapping[str, Scenario],
    baseline: str,
    replications: int,
    seed: int,
    out_dir: Path | str,
    workers: int = 1,
) -> tuple[Comparison, dict[str, RunData]]:
    """Run every scenario with the same seed (common random numbers), each into its own run
    folder ``out_dir/<name>/``, and compare each with ``baseline`` as
    :func:`sim.experiments.compare.compare`
    does; the run folders give the charts their interval and customer tables.
    """
    if baseline not in scenarios:
        raise ValueError(f"baseline {baseline!r} is not one of {sorted(scenarios)}")
    results: dict[str, ScenarioResult] = {}
    runs: dict[str, RunData] = {}
    for name, scenario in scenarios.items():
        folder = Path(out_dir) / name
        folder.mkdir(parents=True, exist_ok=True)
        writer = RunWriter(folder, contacts=False)
        result = run_scenario(
            scenario, replications, seed, workers=workers, on_replication=writer.replication
        )
        writer.finish(result, command=["notebook", "run_policies", name])
        results[name] = result
        runs[name] = read_run(folder)
    base = results[baseline]
    differences = {
        name: {
            kpi: Difference(kpi, base.summary[kpi], result.summary[kpi], d)
            for kpi, d in paired_differences(base.per_replication, result.per_replication).items()
        }
        for name, result in results.items()
        if name != baseline
    }
    return Comparison(baseline=baseline, results=results, differences=differences), runs
