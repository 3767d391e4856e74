"""An optimisation's folder: every observation kept as it finishes, so a stopped search goes on.

Layout of ``<out>/optimise/<name>/``:

* ``spec.yaml`` — the optimisation file as read, and the seed and every candidate's name and
  parameter hash (its whole scenario), which a resumed search must match: the same seed, and
  every candidate kept still among its own (a grid may grow, and keeps what it ran);
* ``observations.csv`` — one line per simulated (candidate, replication), appended and flushed
  as each finishes: the KPIs the selection and the comparison read;
* ``candidates.csv`` — per candidate: its choices, replications, when it was eliminated, and the
  mean of each kept KPI with its 95% confidence interval; ``result.json`` — the selection's
  statement, the best candidate, the service-level choice and the frontier.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from sim.experiments.optimise import KEPT_KPIS, Known, Optimisation, optimise
from sim.experiments.optimise_spec import OptimiseSpec, load_optimise, spec_candidates
from sim.experiments.store import atomic_write_bytes
from sim.measures.estimates import kpi_estimate
from sim.scenario.errors import InputError
from sim.scenario.loading import scenario_hash


class OptimiseFolderError(InputError):
    """The output folder holds another search, or a search exists and ``resume`` was not asked."""


def run_optimisation(
    path: Path,
    out: Path,
    workers: int = 1,
    resume: bool = False,
    overrides: Sequence[str] = (),
) -> tuple[Optimisation, Path]:
    """Run the optimisation file at ``path`` (with dotted ``overrides`` of its settings) into
    ``out/optimise/<name>/``, going on from its observations with ``resume``; return the outcome
    and the folder."""
    spec = load_optimise(path, overrides)
    options = spec_candidates(spec, path)
    folder = out / "optimise" / spec.name
    identity = {
        "seed": spec.seed,
        "candidates": [{"name": o.name, "hash": scenario_hash(o.scenario)} for o in options],
    }
    known = _open(folder, spec, identity, resume)
    with (folder / "observations.csv").open("a", newline="", encoding="utf-8") as log:
        writer = csv.writer(log)

        def keep(candidate: int, replication: int, kpis: dict[str, float]) -> None:
            writer.writerow([candidate, replication, *(kpis[k] for k in KEPT_KPIS)])
            log.flush()

        s = spec.selection
        result = optimise(
            options, spec.seed, s.delta, s.alpha, s.n0, s.max_replications, workers, known, keep
        )
    _write_results(folder, result)
    return result, folder


def _open(folder: Path, spec: OptimiseSpec, identity: dict[str, Any], resume: bool) -> Known:
    """Create the folder, or check it holds this search (or a smaller grid of it) and read its
    observations, numbered as the candidates are now."""
    spec_file, observations = folder / "spec.yaml", folder / "observations.csv"
    header = ",".join(["candidate", "replication", *KEPT_KPIS]) + "\n"
    if spec_file.exists():
        if not resume:
            raise OptimiseFolderError(
                f"{folder} holds a search already: run with --resume to go on, or remove it"
            )
        stored = yaml.safe_load(spec_file.read_text(encoding="utf-8"))["identity"]
        now = {c["hash"]: i for i, c in enumerate(identity["candidates"])}
        was = [c.get("hash") if isinstance(c, dict) else None for c in stored["candidates"]]
        if stored.get("seed") != identity["seed"] or not all(h in now for h in was):
            raise OptimiseFolderError(
                f"{folder} holds another search (another seed, or candidates that are not "
                "among this file's): remove it, or give this one another name"
            )
        known = {(now[was[c]], r): kpis for (c, r), kpis in _read(observations).items()}
        if was != list(now):  # the grid grew: number the kept observations as it is now
            lines = [
                f"{c},{r}," + ",".join(repr(v[k]) for k in KEPT_KPIS) for (c, r), v in known.items()
            ]
            atomic_write_bytes(observations, (header + "".join(f"{x}\n" for x in lines)).encode())
    else:
        folder.mkdir(parents=True, exist_ok=True)
        known = {}
        observations.write_text(header, encoding="utf-8")
    document = {"spec": spec.model_dump(mode="json"), "identity": identity}
    spec_file.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return known


def _read(path: Path) -> Known:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {
        (int(row["candidate"]), int(row["replication"])): {k: float(row[k]) for k in KEPT_KPIS}
        for row in rows
        if all(row.get(k) not in (None, "") for k in KEPT_KPIS)  # a line cut short by a crash
    }


def _write_results(folder: Path, result: Optimisation) -> None:
    selection = result.selection
    columns = [f"{k}{part}" for k in KEPT_KPIS for part in ("", ".ci_low", ".ci_high")]
    with (folder / "candidates.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["candidate", "name", "replications", "eliminated_at", *columns])
        for i, option in enumerate(result.candidates):
            estimates = [kpi_estimate(k, list(result.kpi(i, k))) for k in KEPT_KPIS]
            values = [x for e in estimates for x in (e.mean, e.ci_low, e.ci_high)]
            eliminated = selection.eliminated_at[i]
            writer.writerow([i, option.name, selection.replications[i], eliminated or "", *values])
    summary = {
        "statement": selection.statement([o.name for o in result.candidates]),
        "resolved": selection.resolved,
        "best": result.candidates[selection.best].name,
        "service_level_choice": None
        if result.service_level_choice is None
        else result.candidates[result.service_level_choice].name,
        "frontier": [result.candidates[i].name for i in result.frontier],
    }
    (folder / "result.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
