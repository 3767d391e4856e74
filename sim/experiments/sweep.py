"""Running a sweep: every point, in parallel, on one machine or a Dask cluster, never losing work.

Each point runs on a worker — a local process, or a Dask worker with no shared file system — into
a private temporary folder, either through the Python API (``direct``) or by executing the
sweep's notebook template with papermill (``papermill``; the executed notebook is kept with the
point). The worker sends the folder's files back, and this process writes them into
``runs/<slug>/`` (the point's values, e.g. ``runs/headcount_scale-0.85__recovery-fast_track/``)
atomically, ``manifest.json`` last: a point folder with a manifest is finished. So a crash, a
killed worker or Ctrl-C loses only the points in flight, and ``--resume`` re-runs exactly the
points without a finished folder (a folder of an earlier version, named by the point's id, is
renamed first). Results do not depend on the number of workers, the engine, or where the workers
run: a point's result is a pure function of the scenario, the seed and the replications. The
papermill engine builds no slide deck per point unless the sweep asks (``decks: true``).

Output folder ``outputs/sweeps/<name>/``: ``sweep.yaml`` (the sweep as run, with every point),
``points.parquet`` (one row per point: id, folder, parameters, status, wall time, error),
``runs/<slug>/``, ``summary.parquet`` (one tidy row per point and KPI: mean and 95% CI),
``summary.csv`` and ``summary.xlsx`` (the points side by side, best first:
:mod:`sim.experiments.sweep_summary`) and ``manifest.json``.
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pyarrow.parquet as pq
import yaml
from tqdm.auto import tqdm

from sim.experiments.store import atomic_write_bytes, git_revision, versions, write_table
from sim.experiments.sweep_spec import (
    SWEEPS,
    Point,
    Sweep,
    expand,
    load_sweep,
    point_scenario,
    resolved,
)
from sim.experiments.sweep_summary import SweepSummary, summarise, write_summary_files
from sim.experiments.templates import start_kernel, template_parameters
from sim.scenario.errors import InputError, ScenarioError
from sim.scenario.loading import scenario_to_dict
from sim.scenario.scenario import Scenario

if TYPE_CHECKING:
    from dask.distributed import Client, LocalCluster

Engine = Literal["papermill", "direct"]
FINISHED, FAILED, PENDING, INVALID = "finished", "failed", "pending", "invalid"


class SweepError(InputError):
    """A sweep cannot start (bad file, existing folder, ...): the message says why."""


class ClusterError(OSError):
    """The Dask scheduler address is malformed or nothing answers there (an environment
    problem, like a full disk)."""


@dataclass(frozen=True)
class Task:
    """Everything a worker needs for one point (no file system shared with the client)."""

    point_id: str
    scenario: dict[str, Any]
    replications: int
    seed: int
    engine: Engine
    notebook: bytes | None
    cell_timeout_s: float | None
    make_deck: bool | None = None
    """The notebook's ``make_deck`` parameter (None: the notebook has none)."""


@dataclass
class PointOutcome:
    """What came back from a worker."""

    point_id: str
    status: str
    wall_s: float
    error: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    """Relative path → content of every file the point produced."""


def run_point(task: Task) -> PointOutcome:
    """Run one point in a private temporary folder and return its files (never raises)."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sweep-point-") as tmp:
        out = Path(tmp) / "run"
        try:
            if task.engine == "direct":
                _run_direct(task, out)
            else:
                _run_notebook(task, Path(tmp), out)
            status, error = FINISHED, ""
        except Exception:
            status, error = FAILED, traceback.format_exc()
        files = (
            {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
            if out.exists()
            else {}
        )
    return PointOutcome(task.point_id, status, time.perf_counter() - started, error, files)


def _run_direct(task: Task, out: Path) -> None:
    from sim.experiments.replications import run_scenario
    from sim.experiments.store import RunWriter

    scenario = Scenario.model_validate(task.scenario)
    out.mkdir(parents=True)
    writer = RunWriter(out, contacts=False)
    result = run_scenario(
        scenario, task.replications, task.seed, workers=1, on_replication=writer.replication
    )
    writer.finish(result, command=["sweep", "direct"])


def _run_notebook(task: Task, tmp: Path, out: Path) -> None:
    import papermill

    scenario_path = tmp / "scenario.yaml"
    scenario_path.write_text(yaml.safe_dump(task.scenario, sort_keys=False), encoding="utf-8")
    template = tmp / "template.ipynb"
    template.write_bytes(task.notebook or b"")
    executed = out / "notebook.ipynb"
    out.mkdir(parents=True)
    parameters = {
        "scenario_path": str(scenario_path),
        "overrides": {},
        "replications": task.replications,
        "seed": task.seed,
        "output_dir": str(out),
        "write_contacts": False,
        "workers": 1,
    }
    if task.make_deck is not None:
        parameters["make_deck"] = task.make_deck
    papermill.execute_notebook(
        str(template),
        str(executed),
        parameters=parameters,
        progress_bar=False,
        log_output=False,
        execution_timeout=task.cell_timeout_s,
        kernel_name="python3",
        km=_worker_kernel(),
    )


_KERNELS: list[Any] = []
"""The worker process's Jupyter kernel, started once and reused for every point it runs."""


def _worker_kernel() -> Any:
    """A live kernel for this worker process, so that a point pays the notebook's own run time,
    not a kernel start and the package imports each time. Notebooks set every input in their
    parameters cell, so nothing carries over between points that could change a result."""
    if not _KERNELS or not _KERNELS[0].is_alive():
        km = start_kernel()
        atexit.register(km.shutdown_kernel, now=True)
        _KERNELS[:] = [km]
    return _KERNELS[0]


# --- the client side -----------------------------------------------------------------------------


@dataclass
class SweepRun:
    """The outcome of ``run_sweep``."""

    out_dir: Path
    statuses: dict[str, str]
    """Point id → status."""
    folders: dict[str, Path]
    """Point id → its folder (``runs/<slug>/``)."""
    summary: SweepSummary
    """The points side by side, best first (what ``summary.csv`` holds)."""
    renamed: int = 0
    """Point folders of an earlier version (named by id) renamed by their values on resume."""

    @property
    def failed(self) -> list[str]:
        """Folder names of points that failed or were invalid."""
        return [self.folders[p].name for p, s in self.statuses.items() if s in (FAILED, INVALID)]


def run_sweep(
    sweep_path: Path,
    out_root: Path,
    workers: int,
    engine: Engine | None = None,
    resume: bool = False,
    force: bool = False,
    dask_scheduler: str | None = None,
    dask_local: bool = False,
    cell_timeout_s: float | None = None,
    progress: bool = True,
    rank: str | None = None,
) -> SweepRun:
    """Run (or resume) a sweep into ``out_root/sweeps/<name>/``.

    ``rank`` is the KPI its summary ranks the points by (default: net value when the scenario
    has money, else service level).

    Raises:
        SweepError: the folder exists (without ``resume`` or ``force``), or the file is invalid.
        ClusterError: ``dask_scheduler`` is malformed or nothing answers there.
        KeyboardInterrupt: after saving every finished point.
    """
    if dask_scheduler:
        check_scheduler(dask_scheduler)
    try:
        sweep = load_sweep(sweep_path)
    except ScenarioError as err:
        raise SweepError(str(err)) from None
    return execute_sweep(
        sweep,
        sweep_path,
        out_root / "sweeps" / sweep.name,
        workers,
        engine=engine,
        resume=resume,
        force=force,
        dask_scheduler=dask_scheduler,
        dask_local=dask_local,
        cell_timeout_s=cell_timeout_s,
        progress=progress,
        rank=rank,
    )


def execute_sweep(
    sweep: Sweep,
    sweep_path: Path,
    out: Path,
    workers: int,
    engine: Engine | None = None,
    resume: bool = False,
    force: bool = False,
    dask_scheduler: str | None = None,
    dask_local: bool = False,
    cell_timeout_s: float | None = None,
    progress: bool = True,
    strict: bool = False,
    rank: str | None = None,
) -> SweepRun:
    """Run (or resume) the points of a loaded sweep into the folder ``out``.

    Args:
        sweep: the sweep (e.g. built by a sensitivity study rather than read from a file).
        sweep_path: the file its relative paths (scenario, overlays, notebook) are relative to,
            and that its error messages name.
        strict: when a point's scenario is invalid, start nothing and raise :class:`SweepError`
            naming every invalid point (by default they are recorded and the others run).
        rank: the KPI the summary ranks points by (see :func:`run_sweep`).

    Raises:
        SweepError: the folder exists (without ``resume`` or ``force``), or (``strict``) a
            point is invalid.
        KeyboardInterrupt: after saving every finished point.
    """
    engine = engine or sweep.engine
    _check_folder(out, resume, force)
    points = expand(sweep)
    table = _PointTable(out, points)
    renamed = _rename_legacy_folders(out, points) if resume else 0
    tasks = []
    notebook, make_deck = _notebook(sweep, sweep_path) if engine == "papermill" else (None, None)
    for point in points:
        if resume and table.finished_on_disk(point):
            table.set(point.id, FINISHED)
            continue
        try:
            scenario = point_scenario(sweep, sweep_path, point)
        except ScenarioError as err:
            table.set(point.id, INVALID, error=str(err))
            continue
        tasks.append(
            Task(
                point.id,
                scenario_to_dict(scenario),
                sweep.replications,
                sweep.seed,
                engine,
                notebook,
                cell_timeout_s,
                make_deck,
            )
        )
    invalid = [table.error[p.id] for p in points if table.status[p.id] == INVALID]
    if strict and invalid:
        raise SweepError("\n".join(invalid))
    _prepare_folder(out, resume, force)
    atomic_write_bytes(
        out / "sweep.yaml", yaml.safe_dump(resolved(sweep, points), sort_keys=False).encode()
    )
    table.save()
    started = time.perf_counter()
    bar = tqdm(total=len(tasks), desc=sweep.name, unit="point", disable=not progress)
    try:
        for outcome in _execute(tasks, workers, dask_scheduler, dask_local):
            table.record(outcome)
            bar.update()
    finally:
        bar.close()
        table.save()
    tidy = _write_summary(out, points, table)
    summary = summarise(sweep, points, table.status, tidy, sweep_currency(out), rank)
    write_summary_files(out, summary, tidy, sweep)
    _write_manifest(
        out, sweep, engine, workers, dask_scheduler, dask_local, time.perf_counter() - started
    )
    return SweepRun(
        out, dict(table.status), {p.id: table.folder(p) for p in points}, summary, renamed
    )


def _notebook(sweep: Sweep, sweep_path: Path) -> tuple[bytes, bool | None]:
    """The papermill engine's template and the ``make_deck`` value to give it (None when the
    template has no such parameter and no deck is asked for)."""
    path = sweep_path.parent / sweep.notebook
    try:
        takes_deck = "make_deck" in template_parameters(path)
    except (OSError, ValueError) as err:
        raise SweepError(f"{sweep_path}: notebook: cannot read {path} ({err})") from None
    if sweep.decks and not takes_deck:
        raise SweepError(
            f"{sweep_path}: decks: true needs a notebook with a make_deck parameter, and "
            f"{path.name} has none"
        )
    return path.read_bytes(), (sweep.decks if takes_deck else None)


def _rename_legacy_folders(out: Path, points: list[Point]) -> int:
    """Give the point folders of an earlier version, named by the point's id (``runs/p…``), the
    name of the point's values, so that a resumed sweep keeps them; how many were renamed."""
    renamed = 0
    for point in points:
        old, new = out / "runs" / point.id, out / "runs" / point.slug
        if old.is_dir() and not new.exists():
            os.replace(old, new)
            renamed += 1
    return renamed


def sweep_currency(folder: Path) -> str:
    """The currency of a sweep folder's points, from the first finished point's manifest (''
    without money)."""
    for manifest in sorted((folder / "runs").glob("*/manifest.json")):
        economics = json.loads(manifest.read_text(encoding="utf-8"))["parameters"]["economics"]
        return str(economics["currency"]) if economics else ""
    return ""


def sweep_command(folder: Path) -> str:
    """The command that writes the sweep folder ``folder`` (``<out>/sweeps/<name>``), to run from
    the repository root: the shipped sweep file of that name, with ``--out`` unless it is
    ``outputs``; ``''`` when no file in ``params/sweeps/`` has that name."""
    files = sorted(p for p in SWEEPS.glob("*.yaml") if _sweep_name(p) == folder.name)
    if not files:
        return ""
    root = SWEEPS.parents[1]
    out = folder.resolve().parent.parent
    command = f"python -m sim sweep {files[0].relative_to(root)}"
    if out != root / "outputs":
        command += f" --out {out}"
    return command


def _sweep_name(path: Path) -> str | None:
    try:
        return load_sweep(path).name
    except ScenarioError:
        return None


def _check_folder(out: Path, resume: bool, force: bool) -> None:
    if out.exists() and any(out.iterdir()) and not (resume or force):
        raise SweepError(
            f"{out} already holds a sweep: use --resume to finish it, or --force to start over"
        )


def _prepare_folder(out: Path, resume: bool, force: bool) -> None:
    if force and not resume and out.exists():
        shutil.rmtree(out)
    (out / "runs").mkdir(parents=True, exist_ok=True)


def _execute(
    tasks: list[Task], workers: int, dask_scheduler: str | None, dask_local: bool
) -> Iterator[PointOutcome]:
    """Run tasks and yield outcomes as they finish."""
    if dask_scheduler or dask_local:
        yield from _execute_dask(tasks, workers, dask_scheduler)
        return
    if workers <= 1:
        for task in tasks:
            yield run_point(task)
        return
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        futures = {pool.submit(run_point, t): t for t in tasks}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield _result(future, futures[future])
    except BaseException:
        # Ctrl-C or a crash here: stop the workers now rather than let them finish the points
        # already handed to them (their results could no longer be recorded).
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _result(future: Future[PointOutcome], task: Task) -> PointOutcome:
    """A worker's outcome; a worker that died (e.g. killed) fails its point only."""
    try:
        return future.result()
    except Exception:
        return PointOutcome(task.point_id, FAILED, 0.0, traceback.format_exc())


def check_scheduler(address: str) -> None:
    """Connect to the scheduler once, before anything is loaded or written, so that a wrong or
    dead address fails at once (within Dask's ``distributed.comm.timeouts.connect``).

    Raises:
        ClusterError: the address is malformed or nothing answers there.
    """
    client = _dask_client(address)
    client.close()


def _distributed() -> ModuleType:
    """``dask.distributed``, or a clear error when it is not installed."""
    try:
        import dask.distributed
    except ImportError:
        raise SweepError(
            "Dask is not installed: pip install '.[cluster]' (or pip install 'dask[distributed]')"
        ) from None
    return dask.distributed


def _dask_client(address: str | LocalCluster) -> Client:
    """A client of the scheduler at ``address`` (or of a local cluster)."""
    try:
        return _distributed().Client(address)
    except (OSError, ValueError) as exc:
        raise ClusterError(
            f"--dask-scheduler {address}: cannot connect ({exc}); check the address "
            "(e.g. tcp://10.0.0.5:8786) and that the scheduler is running"
        ) from None


def _execute_dask(tasks: list[Task], workers: int, scheduler: str | None) -> Iterator[PointOutcome]:
    distributed = _distributed()
    cluster = None
    if scheduler is None:
        cluster = distributed.LocalCluster(
            n_workers=max(workers, 1), threads_per_worker=1, processes=True, dashboard_address=None
        )
    client = _dask_client(scheduler or cluster)
    try:
        futures = [
            client.submit(run_point, t, key=f"point-{t.point_id}", pure=False) for t in tasks
        ]
        by_key = {f.key: t for f, t in zip(futures, tasks, strict=True)}
        for future in distributed.as_completed(futures):
            yield _result(future, by_key[future.key])
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class _PointTable:
    """``points.parquet``: one row per point with its parameters, status, wall time and error."""

    def __init__(self, out: Path, points: list[Point]) -> None:
        self.out = out
        self.points = points
        self.by_id = {p.id: p for p in points}
        self.status = {p.id: PENDING for p in points}
        self.wall_s = {p.id: np.nan for p in points}
        self.error = {p.id: "" for p in points}

    def folder(self, point: Point) -> Path:
        return self.out / "runs" / point.slug

    def finished_on_disk(self, point: Point) -> bool:
        return (self.folder(point) / "manifest.json").exists()

    def set(self, point_id: str, status: str, wall_s: float = np.nan, error: str = "") -> None:
        self.status[point_id] = status
        self.wall_s[point_id] = wall_s
        self.error[point_id] = error

    def record(self, outcome: PointOutcome) -> None:
        """Write a finished point's files (manifest last) and its row."""
        run_dir = self.folder(self.by_id[outcome.point_id])
        run_dir.mkdir(parents=True, exist_ok=True)
        for name, data in sorted(outcome.files.items(), key=lambda kv: kv[0] == "manifest.json"):
            if outcome.status != FINISHED and name == "manifest.json":
                continue  # a failed point keeps its partial notebook, never a manifest
            target = run_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(target, data)
        if outcome.error:
            atomic_write_bytes(run_dir / "error.txt", outcome.error.encode())
        self.set(outcome.point_id, outcome.status, outcome.wall_s, outcome.error)
        self.save()

    def save(self) -> None:
        keys = sorted({k for p in self.points for k in p.params})
        write_table(
            self.out / "points.parquet",
            {
                "point": [p.index for p in self.points],
                "point_id": [p.id for p in self.points],
                "folder": [p.slug for p in self.points],
                **{f"param.{k}": [_cell(p.params.get(k)) for p in self.points] for k in keys},
                "status": [self.status[p.id] for p in self.points],
                "wall_s": [self.wall_s[p.id] for p in self.points],
                "error": [self.error[p.id] for p in self.points],
            },
        )


def _cell(value: Any) -> str:
    """A parameter value as text (numbers, policies and lists alike)."""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _write_summary(out: Path, points: list[Point], table: _PointTable) -> dict[str, list[Any]]:
    """One tidy row per finished point and KPI, in point order (written, and returned as
    columns)."""
    columns: dict[str, list[Any]] = {
        "point": [],
        "point_id": [],
        "folder": [],
        "kpi": [],
        "mean": [],
        "ci_low": [],
        "ci_high": [],
    }
    keys = sorted({k for p in points for k in p.params})
    params: dict[str, list[str]] = {f"param.{k}": [] for k in keys}
    for point in points:
        if table.status[point.id] != FINISHED:
            continue
        summary = pq.read_table(table.folder(point) / "summary.parquet").to_pydict()
        for i, kpi in enumerate(summary["kpi"]):
            columns["point"].append(point.index)
            columns["point_id"].append(point.id)
            columns["folder"].append(point.slug)
            columns["kpi"].append(kpi)
            for col in ("mean", "ci_low", "ci_high"):
                columns[col].append(summary[col][i])
            for k in keys:
                params[f"param.{k}"].append(_cell(point.params.get(k)))
    tidy = {**columns, **params}
    write_table(out / "summary.parquet", tidy)
    return tidy


def _write_manifest(
    out: Path,
    sweep: Sweep,
    engine: str,
    workers: int,
    dask_scheduler: str | None,
    dask_local: bool,
    wall_s: float,
) -> None:
    manifest = {
        "sweep": sweep.name,
        "engine": engine,
        "workers": workers,
        "backend": "dask" if (dask_scheduler or dask_local) else "local processes",
        "seed": sweep.seed,
        "replications": sweep.replications,
        "wall_s_this_run": round(wall_s, 3),
        "created_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": sys.argv,
        "git_revision": git_revision(),
        "versions": versions(),
    }
    atomic_write_bytes(
        out / "manifest.json", (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    )
