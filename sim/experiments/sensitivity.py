"""Global sensitivity analysis: which assumptions drive a KPI, and whether a policy ranking
survives their plausible ranges.

A study (:mod:`sim.experiments.sensitivity_spec`) is sampled with SALib — a Morris design to
screen every parameter, a Sobol (Saltelli) design for a short list — and each sample becomes a
sweep point: the base scenario with the sample's values as dotted overrides, once per policy with
``compare``. The points run on the sweep machinery (:func:`sim.experiments.sweep.execute_sweep`,
direct engine) in ``sweep/`` of the study's folder: local processes or Dask, identical results
whatever the number of workers, every finished point kept, ``resume`` re-running only the
unfinished ones; a sample met twice (a Morris grid can revisit one) runs once.

A sample's output is a KPI's mean over its replications (under policy A, or the base scenario)
and, with ``compare``, the mean of its paired difference B − A replication by replication. SALib's
estimators give Morris mu* (mean absolute elementary effect, in the KPI's unit for a move across
the whole range, with a bootstrap CI) and sigma, and Sobol S1 and ST (bootstrap CIs). Replication
noise is part of each output: ``noise_share`` says how much of its spread across samples it is.
A log-scale range is sampled in its logarithm, so its effects are per move across the log range;
a whole-number parameter is rounded after sampling while SALib reads the unrounded design, so its
Morris effect is approximate (its steps are rounded too).

Evaluation is apart from sampling and analysis, so a plain Python function can stand in for the
simulation (:func:`analyse_function`), e.g. to check the estimators on a model with known indices.

Output folder ``outputs/sensitivity/<name>/``: ``sensitivity.yaml`` (the study as run, with every
sample), ``sweep/`` (the points as a sweep folder), ``samples.parquet`` (one row per sample: its
parameter values, each KPI's mean and 95% CI, and the paired difference), ``indices.parquet`` (one
row per method, KPI, output and parameter), ``wins.parquet`` (with ``compare``: how often A beats
B) and ``manifest.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import yaml

from sim.experiments.folder_lock import FolderLock, has_content
from sim.experiments.sensitivity_spec import Method, Sensitivity, Side, load_sensitivity
from sim.experiments.store import atomic_write_bytes, git_revision, versions, write_table
from sim.experiments.sweep import (
    FINISHED,
    RunOptions,
    SweepError,
    check_scheduler,
    execute_sweep,
)
from sim.experiments.sweep_spec import Sweep, point_id
from sim.measures.estimates import CI_LEVEL, Estimate, estimate, kpi_estimate
from sim.measures.metrics import kpi_info
from sim.scenario.errors import InputError, ScenarioError

VALUE, DIFFERENCE = "value", "difference"
"""What an output of a KPI is: its value (under A), or the paired difference B − A."""
RESULT_FILES = ("sensitivity.yaml", "samples.parquet", "indices.parquet", "wins.parquet")
SETTINGS_OF_POINTS = ("scenario", "overlays", "overrides", "replications", "seed")
"""What a point's result depends on besides its parameters: a resumed study must keep them."""

KpiValues = Mapping[str, float]
Evaluations = Mapping[str, Sequence[KpiValues] | None]
"""Point id → the KPIs of each replication (None: the point did not finish)."""


class SensitivityError(InputError):
    """A study cannot start or be analysed (bad file, existing folder, ...): the message says
    why."""


@dataclass(frozen=True)
class Design:
    """One method's sample, drawn by SALib."""

    method: Method
    parameters: tuple[str, ...]
    problem: dict[str, Any]
    """SALib's problem: names and bounds (the logarithm of a log-scale range's ends)."""
    matrix: np.ndarray
    """The samples in SALib's space, one row each (what its estimators read)."""
    rows: list[dict[str, float | int]]
    """Each sample's parameter values as the scenario gets them."""


@dataclass(frozen=True)
class Plan:
    """A study's designs and the sweep points that evaluate them."""

    designs: list[Design]
    points: dict[str, dict[str, Any]]
    """Point id → its dotted overrides (a sample's values and a policy), each point once."""
    point_ids: dict[Method, list[dict[Side, str]]]
    """Method → for each sample, policy → the point that evaluates it."""


def make_plan(spec: Sensitivity) -> Plan:
    """Draw the designs (seeded: the same study always gives the same samples) and their points."""
    designs = [_design(spec, method) for method in spec.methods()]
    points: dict[str, dict[str, Any]] = {}
    point_ids: dict[Method, list[dict[Side, str]]] = {}
    for design in designs:
        rows = []
        for values in design.rows:
            ids: dict[Side, str] = {}
            for side, policy in spec.policies().items():
                params = {**values, **policy}
                ids[side] = point_id(params)
                points.setdefault(ids[side], params)
            rows.append(ids)
        point_ids[design.method] = rows
    return Plan(designs, points, point_ids)


def _design(spec: Sensitivity, method: Method) -> Design:
    from SALib.sample import morris, sobol

    names = spec.varied(method)
    bounds = [
        [math.log(low), math.log(high)] if key in spec.log_scale else [low, high]
        for key, (low, high) in ((k, spec.ranges[k]) for k in names)
    ]
    problem = {"num_vars": len(names), "names": list(names), "bounds": bounds}
    if method == "morris":
        assert spec.morris is not None
        matrix = morris.sample(
            problem, spec.morris.trajectories, num_levels=spec.morris.levels, seed=spec.seed
        )
    else:
        assert spec.sobol is not None
        matrix = sobol.sample(problem, spec.sobol.samples, calc_second_order=False, seed=spec.seed)
    rows = [
        {
            key: spec.value(key, math.exp(x) if key in spec.log_scale else x)
            for key, x in zip(names, row, strict=True)
        }
        for row in matrix
    ]
    return Design(method, names, problem, matrix, rows)


# --- analysis ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Analysis:
    """A study's tables, as columns (see the module docstring for the files they become)."""

    samples: dict[str, list[Any]]
    indices: dict[str, list[Any]]
    wins: dict[str, list[Any]] | None
    incomplete: list[Method]
    """Methods left unanalysed because one of their points did not finish."""


def outputs(spec: Sensitivity) -> list[tuple[str, str]]:
    """``(kpi, output)`` pairs analysed: each KPI's value, and its difference with ``compare``."""
    kinds = [VALUE, DIFFERENCE] if spec.compare is not None else [VALUE]
    return [(kpi, kind) for kpi in spec.kpis for kind in kinds]


def analyse(spec: Sensitivity, plan: Plan, evaluations: Evaluations) -> Analysis:
    """Each sample's outputs from its points' replications, then every method's indices.

    Raises:
        SensitivityError: a KPI the runs did not measure.
    """
    samples, per_sample = _samples(spec, plan, evaluations)
    indices: dict[str, list[Any]] = {name: [] for name in INDEX_COLUMNS}
    incomplete: list[Method] = []
    for design in plan.designs:
        rows = [r for r, method in enumerate(samples["design"]) if method == design.method]
        complete = [found for r in rows if (found := per_sample[r]) is not None]
        if len(complete) < len(rows):
            incomplete.append(design.method)
            continue
        for kpi, kind in outputs(spec):
            reps = [found[(kpi, kind)] for found in complete]
            for row in _indices(spec, design, kpi, kind, reps):
                for name, value in row.items():
                    indices[name].append(value)
    wins = _wins(spec, samples) if spec.compare is not None else None
    return Analysis(samples, indices, wins, incomplete)


def analyse_function(
    spec: Sensitivity, function: Callable[[dict[str, Any]], KpiValues]
) -> Analysis:
    """The study with a Python function in place of the simulation: ``function(params)`` gets a
    sample's dotted overrides (and a policy's) and returns the KPIs, as one replication."""
    plan = make_plan(spec)
    return analyse(spec, plan, {pid: [function(p)] for pid, p in plan.points.items()})


def _samples(
    spec: Sensitivity, plan: Plan, evaluations: Evaluations
) -> tuple[dict[str, list[Any]], list[dict[tuple[str, str], np.ndarray] | None]]:
    """``samples.parquet`` as columns, and each sample's per-replication outputs (None when a
    point did not finish)."""
    compare = spec.compare is not None
    columns: dict[str, list[Any]] = {"design": [], "sample": [], "point_a": []}
    if compare:
        columns["point_b"] = []
    for key in spec.ranges:
        columns[f"param.{key}"] = []
    for kpi in spec.kpis:
        for name in (kpi, f"{kpi}.b", f"{kpi}.diff") if compare else (kpi,):
            for suffix in ("", ".ci_low", ".ci_high"):
                columns[name + suffix] = []
    per_sample: list[dict[tuple[str, str], np.ndarray] | None] = []
    for design in plan.designs:
        for i, (values, ids) in enumerate(
            zip(design.rows, plan.point_ids[design.method], strict=True)
        ):
            columns["design"].append(design.method)
            columns["sample"].append(i)
            for side, pid in ids.items():
                columns[f"point_{side}"].append(pid)
            for key in spec.ranges:
                columns[f"param.{key}"].append(float(values.get(key, math.nan)))
            found = {side: _kpi_matrix(spec, evaluations.get(pid)) for side, pid in ids.items()}
            reps = {side: m for side, m in found.items() if m is not None}
            per_sample.append(
                _sample_outputs(spec, reps if len(reps) == len(ids) else None, columns)
            )
    return columns, per_sample


def _kpi_matrix(spec: Sensitivity, replications: Sequence[KpiValues] | None) -> np.ndarray | None:
    """KPI × replication values of a point (None if it did not finish)."""
    if not replications:
        return None
    missing = [k for k in spec.kpis if k not in replications[0]]
    if missing:
        raise SensitivityError(
            f"kpis: {', '.join(map(repr, missing))} not measured by this scenario (customer KPIs "
            "need customers:, money KPIs need economics:); take them out of kpis and run again "
            "with --resume (finished points are kept)"
        )
    return np.array([[float(r[k]) for r in replications] for k in spec.kpis])


def _sample_outputs(
    spec: Sensitivity,
    reps: dict[Side, np.ndarray] | None,
    columns: dict[str, list[Any]],
) -> dict[tuple[str, str], np.ndarray] | None:
    """Append one sample's estimates to ``columns``; its per-replication outputs."""
    nan = Estimate(math.nan, math.nan, math.nan, 0)
    out: dict[tuple[str, str], np.ndarray] = {}
    for k, kpi in enumerate(spec.kpis):
        a = reps["a"][k] if reps is not None else None
        estimates = [(kpi, kpi_estimate(kpi, a) if a is not None else nan)]
        if spec.compare is not None:
            b = reps["b"][k] if reps is not None else None
            diff = b - a if a is not None and b is not None else None
            estimates.append((f"{kpi}.b", kpi_estimate(kpi, b) if b is not None else nan))
            estimates.append(
                (f"{kpi}.diff", estimate(diff, lower=-math.inf) if diff is not None else nan)
            )
            if diff is not None:
                out[(kpi, DIFFERENCE)] = diff
        if a is not None:
            out[(kpi, VALUE)] = a
        for name, e in estimates:
            columns[name].append(e.mean)
            columns[f"{name}.ci_low"].append(e.ci_low)
            columns[f"{name}.ci_high"].append(e.ci_high)
    return out if reps is not None else None


INDEX_COLUMNS = (
    "method",
    "kpi",
    "output",
    "parameter",
    "rank",
    "mu",
    "mu_star",
    "mu_star_ci_low",
    "mu_star_ci_high",
    "sigma",
    "S1",
    "S1_ci_low",
    "S1_ci_high",
    "ST",
    "ST_ci_low",
    "ST_ci_high",
    "noise_share",
)


def _indices(
    spec: Sensitivity, design: Design, kpi: str, kind: str, reps: list[np.ndarray]
) -> list[dict[str, Any]]:
    """One row per parameter: the method's indices of one output, ranked (1 = most influential:
    by mu* for Morris, ST for Sobol)."""
    y = np.array([r.mean() for r in reps])
    n = len(design.parameters)
    found = _estimators(spec, design, y)
    score = found["mu_star"] if design.method == "morris" else found["ST"]
    order = np.argsort(-np.nan_to_num(score, nan=-np.inf), kind="stable")
    rank = np.empty(n, int)
    rank[order] = np.arange(1, n + 1)
    noise = _noise_share(reps, y)
    return [
        {
            "method": design.method,
            "kpi": kpi,
            "output": kind,
            "parameter": name,
            "rank": int(rank[j]),
            "mu": found["mu"][j],
            "mu_star": found["mu_star"][j],
            "mu_star_ci_low": max(found["mu_star"][j] - found["mu_conf"][j], 0.0),
            "mu_star_ci_high": found["mu_star"][j] + found["mu_conf"][j],
            "sigma": found["sigma"][j],
            "S1": found["S1"][j],
            "S1_ci_low": found["S1"][j] - found["S1_conf"][j],
            "S1_ci_high": found["S1"][j] + found["S1_conf"][j],
            "ST": found["ST"][j],
            "ST_ci_low": found["ST"][j] - found["ST_conf"][j],
            "ST_ci_high": found["ST"][j] + found["ST_conf"][j],
            "noise_share": noise,
        }
        for j, name in enumerate(design.parameters)
    ]


def _estimators(spec: Sensitivity, design: Design, y: np.ndarray) -> dict[str, np.ndarray]:
    """SALib's estimates for one output (``*_conf``: half-widths of the 95% bootstrap CIs); NaN
    where undefined: an output missing at a sample, or Sobol indices of a constant output (no
    variance to apportion)."""
    from SALib.analyze import morris, sobol

    names = ("mu", "mu_star", "mu_conf", "sigma", "S1", "S1_conf", "ST", "ST_conf")
    found = {name: np.full(len(design.parameters), np.nan) for name in names}
    if not np.isfinite(y).all():  # a KPI can be undefined at a sample (e.g. no complaints)
        return found
    constant = bool(np.ptp(y) == 0)
    if design.method == "morris":
        assert spec.morris is not None
        if constant:  # no effect at all: every elementary effect is zero
            return found | {k: np.zeros(len(design.parameters)) for k in names[:4]}
        result = morris.analyze(
            design.problem,
            design.matrix,
            y,
            num_resamples=spec.morris.bootstrap,
            conf_level=CI_LEVEL,
            num_levels=spec.morris.levels,
            seed=spec.seed,
        )
        found |= {k: np.asarray(result[k], float) for k in ("mu", "mu_star", "sigma")}
        return found | {"mu_conf": np.asarray(result["mu_star_conf"], float)}
    if constant:
        return found
    assert spec.sobol is not None
    result = sobol.analyze(
        design.problem,
        y,
        calc_second_order=False,
        num_resamples=spec.sobol.bootstrap,
        conf_level=CI_LEVEL,
        seed=spec.seed,
    )
    return found | {k: np.asarray(result[k], float) for k in ("S1", "S1_conf", "ST", "ST_conf")}


def _noise_share(reps: list[np.ndarray], y: np.ndarray) -> float:
    """The replication noise in a sample's mean (its squared standard error, averaged over the
    samples) as a share of the spread of the means across samples; NaN with one replication."""
    if len(reps[0]) < 2 or len(y) < 2:
        return math.nan
    noise = float(np.mean([r.var(ddof=1) / len(r) for r in reps]))
    spread = float(y.var(ddof=1))
    return noise / spread if spread > 0 else math.nan


def _wins(spec: Sensitivity, samples: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Per KPI, over every finished sample of every design: how often the paired difference
    B − A favours A (in the KPI's better direction), with an exact binomial 95% CI on that
    share, and how often the favour is significant (the difference's CI excludes zero)."""
    from scipy.stats import binomtest

    assert spec.compare is not None
    columns: dict[str, list[Any]] = {
        name: []
        for name in (
            "kpi",
            "a",
            "b",
            "samples",
            "a_better",
            "b_better",
            "ties",
            "a_significantly_better",
            "b_significantly_better",
            "share_a_better",
            "share_ci_low",
            "share_ci_high",
        )
    }
    for kpi in spec.kpis:
        better = kpi_info(kpi).better
        diff = np.array(samples[f"{kpi}.diff"], float)
        low = np.array(samples[f"{kpi}.diff.ci_low"], float)
        high = np.array(samples[f"{kpi}.diff.ci_high"], float)
        done = ~np.isnan(diff)
        toward_a = -better * diff[done]  # > 0: A is better
        n, a_better = int(done.sum()), int((toward_a > 0).sum())
        a_sig = high[done] < 0 if better > 0 else low[done] > 0
        b_sig = low[done] > 0 if better > 0 else high[done] < 0
        ci = binomtest(a_better, n).proportion_ci(CI_LEVEL) if n else None
        for name, value in (
            ("kpi", kpi),
            ("a", spec.compare.label("a")),
            ("b", spec.compare.label("b")),
            ("samples", n),
            ("a_better", a_better),
            ("b_better", int((toward_a < 0).sum())),
            ("ties", int((toward_a == 0).sum())),
            ("a_significantly_better", int(a_sig.sum())),
            ("b_significantly_better", int(b_sig.sum())),
            ("share_a_better", a_better / n if n else math.nan),
            ("share_ci_low", ci.low if ci else math.nan),
            ("share_ci_high", ci.high if ci else math.nan),
        ):
            columns[name].append(value)
    return columns


# --- a study on the simulation -------------------------------------------------------------------


@dataclass
class SensitivityRun:
    """The outcome of :func:`run_sensitivity`."""

    out_dir: Path
    spec: Sensitivity
    plan: Plan
    analysis: Analysis
    statuses: dict[str, str]
    """Point id → sweep status (finished, failed, ...)."""
    wall_s: float

    @property
    def failed(self) -> list[str]:
        """Ids of points that did not finish."""
        return [p for p, s in self.statuses.items() if s != FINISHED]


def run_sensitivity(
    spec_path: str | Path,
    out_root: str | Path = "outputs",
    options: RunOptions | None = None,
    overrides: Sequence[str] | Mapping[str, Any] = (),
) -> SensitivityRun:
    """Run (or resume) a sensitivity study into ``out_root/sensitivity/<name>/`` and analyse it.

    Args:
        spec_path: the study file (``params/sensitivity/*.yaml``).
        out_root: parent of ``sensitivity/<name>/``.
        options: how to run the points (:class:`~sim.experiments.sweep.RunOptions`: workers,
            resume, force, Dask, timeouts, progress; default: one worker); results do not
            depend on them. A resumed study's scenario, overrides, replications and seed must
            not have changed.
        overrides: dotted overrides of the study's settings, e.g. ``{"replications": 3}``.

    Raises:
        SensitivityError: a bad file, an existing folder (without ``resume`` or ``force``), a
            resumed study whose settings changed, or an invalid sample.
        FolderBusyError: another live run is writing the study's folder.
        ClusterError: ``dask_scheduler`` is malformed or nothing answers there.
        KeyboardInterrupt: after saving every finished point.
    """
    spec_path = Path(spec_path)
    options = options or RunOptions()
    if options.dask_scheduler:
        check_scheduler(options.dask_scheduler, options.dask_timeout_s)
    try:
        spec = load_sensitivity(spec_path, overrides)
    except ScenarioError as err:
        raise SensitivityError(str(err)) from None
    out = Path(out_root) / "sensitivity" / spec.name
    _check_folder(out, spec, options.resume, options.force)
    with FolderLock(out, "sensitivity study"):
        return _run_study(spec, spec_path, out, options)


def _run_study(
    spec: Sensitivity, spec_path: Path, out: Path, options: RunOptions
) -> SensitivityRun:
    if options.force and not options.resume:
        for name in (*RESULT_FILES, "manifest.json"):
            (out / name).unlink(missing_ok=True)
    plan = make_plan(spec)
    sweep = Sweep(
        name=spec.name,
        description=spec.description,
        scenario=spec.scenario,
        overlays=spec.overlays,
        overrides=spec.overrides,
        points=list(plan.points.values()),
        replications=spec.replications,
        seed=spec.seed,
        engine="direct",
    )
    started = time.perf_counter()
    try:
        swept = execute_sweep(sweep, spec_path, out / "sweep", options)
    except SweepError as err:
        raise SensitivityError(f"{spec_path}: a sample gives an invalid scenario:\n{err}") from None
    evaluations = {
        pid: pq.read_table(swept.folders[pid] / "kpis.parquet").to_pylist()
        if status == FINISHED
        else None
        for pid, status in swept.statuses.items()
    }
    analysis = analyse(spec, plan, evaluations)
    wall_s = time.perf_counter() - started
    _write(out, spec, plan, analysis, options, wall_s)
    return SensitivityRun(out, spec, plan, analysis, swept.statuses, wall_s)


def _check_folder(out: Path, spec: Sensitivity, resume: bool, force: bool) -> None:
    """Refuse an existing study unless resumed or forced; a resumed one must run its points as
    before."""
    if not has_content(out):
        return
    if not (resume or force):
        raise SensitivityError(
            f"{out} already holds a study: use --resume to finish it, or --force to start over"
        )
    ran = out / "sweep" / "sweep.yaml"
    if resume and ran.exists():
        before = yaml.safe_load(ran.read_text(encoding="utf-8"))
        now = spec.model_dump(mode="json")
        changed = [k for k in SETTINGS_OF_POINTS if before.get(k) != now[k]]
        if changed:
            raise SensitivityError(
                f"{out} was run with other {', '.join(changed)} "
                f"({'; '.join(f'{k}: {before.get(k)!r} then, {now[k]!r} now' for k in changed)}), "
                "so its finished points cannot be reused: use --force to start over"
            )


def _write(
    out: Path,
    spec: Sensitivity,
    plan: Plan,
    analysis: Analysis,
    options: RunOptions,
    wall_s: float,
) -> None:
    resolved = {
        **spec.model_dump(mode="json", exclude_none=True),
        "designs": {
            d.method: {
                "parameters": list(d.parameters),
                "samples": [
                    {"values": values, "points": plan.point_ids[d.method][i]}
                    for i, values in enumerate(d.rows)
                ],
            }
            for d in plan.designs
        },
    }
    atomic_write_bytes(
        out / "sensitivity.yaml", yaml.safe_dump(resolved, sort_keys=False).encode("utf-8")
    )
    write_table(out / "samples.parquet", analysis.samples)
    write_table(out / "indices.parquet", analysis.indices)
    if analysis.wins is not None:
        write_table(out / "wins.parquet", analysis.wins)
    else:  # a resumed study that no longer compares policies
        (out / "wins.parquet").unlink(missing_ok=True)
    manifest = {
        "study": spec.name,
        "designs": {
            d.method: {"parameters": len(d.parameters), "samples": len(d.rows)}
            for d in plan.designs
        },
        "points": len(plan.points),
        "replications": spec.replications,
        "seed": spec.seed,
        "unanalysed_designs": analysis.incomplete,
        "workers": options.workers,
        "backend": "dask" if (options.dask_scheduler or options.dask_local) else "local processes",
        "wall_s_this_run": round(wall_s, 3),
        "created_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": sys.argv,
        "git_revision": git_revision(),
        "versions": {**versions(), "SALib": metadata.version("SALib")},
    }
    atomic_write_bytes(
        out / "manifest.json", (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    )
