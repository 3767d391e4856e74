"""Running a sweep: every point, in parallel, on one machine or a Dask cluster, never losing or
mixing work.

Before anything is written, :mod:`sim.experiments.sweep_plan` checks the sweep's size, its base
and every point, and the folder's lock (:mod:`sim.experiments.folder_lock`) is taken. Each point
runs on a worker — a local process of :mod:`sim.experiments.point_pool`, or a Dask worker with no
shared file system — into a private temporary folder, either through the Python API (``direct``)
or by executing the sweep's notebook template with papermill (``papermill``; the executed
notebook is kept with the point). The worker sends the folder's files back, and this process
writes them into ``runs/<slug>/`` (the point's values, e.g.
``runs/headcount_scale-0.85__recovery-fast_track/``) atomically, ``manifest.json`` last: a point
folder with a manifest is finished. So a crash, a killed worker or kernel, a full disk or Ctrl-C
loses only the points in flight, and ``--resume`` re-runs exactly the points without a finished
folder (a folder of an earlier version, named by the point's id, is renamed first), after
checking that every finished point's identity (:mod:`sim.experiments.point_identity`) is the one
the sweep file gives now. Results do not depend on the number of workers, the engine, or where
the workers run: a point's result is a pure function of the scenario, the seed, the replications
and the engine version. The papermill engine builds no slide deck and draws no charts per point
unless the sweep asks (``decks: true``, ``charts: true``); a point's tables are the same either way.

Output folder ``outputs/sweeps/<name>/``: ``sweep.yaml`` (the sweep as run, with every point),
``points.parquet`` (one row per point: id, folder, parameters, status, wall time, error),
``runs/<slug>/``, ``summary.parquet`` (one tidy row per point and KPI: mean and 95% CI),
``summary.csv`` and ``summary.xlsx`` (the points side by side, best first:
:mod:`sim.experiments.sweep_summary`), ``manifest.json`` and ``.lock``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow.parquet as pq
import yaml
from tqdm.auto import tqdm

from sim.experiments.folder_lock import LOCK_NAME, FolderLock, has_content
from sim.experiments.point_identity import changes_message, differences, finished_identity
from sim.experiments.point_pool import Lost, run_in_workers
from sim.experiments.store import atomic_write_bytes, git_revision, versions, write_table
from sim.experiments.sweep_plan import SweepError, SweepPlan, plan_sweep
from sim.experiments.sweep_point import FAILED, FINISHED, Engine, PointOutcome, Task, run_point
from sim.experiments.sweep_spec import SWEEPS, Point, Sweep, load_sweep, resolved
from sim.experiments.sweep_summary import SweepSummary, summarise, write_summary_files
from sim.experiments.templates import NOTEBOOKS, template_parameters
from sim.scenario.errors import ScenarioError
from sim.scenario.loading import scenario_to_dict

if TYPE_CHECKING:
    from dask.distributed import Client, LocalCluster

PENDING = "pending"
DASK_CONNECT_TIMEOUT_S = 10.0
"""How long to wait for a Dask scheduler to answer (``--dask-timeout-s``)."""


class ClusterError(OSError):
    """The Dask scheduler address is malformed or nothing answers there (an environment
    problem, like a full disk)."""


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
        """Folder names of points that failed."""
        return [self.folders[p].name for p, s in self.statuses.items() if s == FAILED]


@dataclass(frozen=True)
class RunOptions:
    """How to run a sweep's points: nothing here changes a result."""

    workers: int = 1
    engine: Engine | None = None
    """papermill or direct (None: the sweep file's)."""
    resume: bool = False
    """Keep finished points (refusing those run with other settings)."""
    force: bool = False
    """Delete an existing sweep of the same name and start over."""
    rerun_changed: bool = False
    """With ``resume``: rerun the finished points whose settings changed, instead of refusing."""
    yes: bool = False
    """Run a sweep past the size limits of :mod:`sim.experiments.sweep_plan`."""
    trust_notebook: bool = False
    """Execute a notebook outside the repository's ``notebooks/`` (notebooks are code)."""
    dask_scheduler: str | None = None
    dask_local: bool = False
    dask_timeout_s: float = DASK_CONNECT_TIMEOUT_S
    """How long to wait for the Dask scheduler to answer."""
    cell_timeout_s: float | None = None
    """Papermill engine: fail a point whose notebook cell runs longer."""
    point_timeout_s: float | None = None
    """Fail a point (and replace its worker) that runs longer: covers a hung kernel."""
    progress: bool = True


def run_sweep(
    sweep_path: Path, out_root: Path, options: RunOptions, rank: str | None = None
) -> SweepRun:
    """Run (or resume) a sweep into ``out_root/sweeps/<name>/``.

    ``rank`` is the KPI its summary ranks the points by (default: net value when the scenario
    has money, else service level).

    Raises:
        SweepError: the folder exists (without ``resume`` or ``force``), the file or a point is
            invalid, the sweep is too big (without ``yes``), or a resumed sweep's settings
            changed (without ``rerun_changed``).
        FolderBusyError: another live run is writing the folder.
        ClusterError: ``dask_scheduler`` is malformed or nothing answers there.
        KeyboardInterrupt: after saving every finished point.
    """
    if options.dask_scheduler:
        check_scheduler(options.dask_scheduler, options.dask_timeout_s)
    try:
        sweep = load_sweep(sweep_path)
    except ScenarioError as err:
        raise SweepError(str(err)) from None
    return execute_sweep(sweep, sweep_path, out_root / "sweeps" / sweep.name, options, rank)


def execute_sweep(
    sweep: Sweep, sweep_path: Path, out: Path, options: RunOptions, rank: str | None = None
) -> SweepRun:
    """Run (or resume) the points of a loaded sweep into the folder ``out``.

    Everything is checked before anything is written: the folder, the sweep's size, the base
    scenario, every point (:func:`~sim.experiments.sweep_plan.plan_sweep`), the notebook, and on
    resume the identity of every finished point (:mod:`sim.experiments.point_identity`).

    Args:
        sweep: the sweep (e.g. built by a sensitivity study rather than read from a file).
        sweep_path: the file its relative paths (scenario, overlays, notebook) are relative to,
            and that its error messages name.
        rank: the KPI the summary ranks points by (see :func:`run_sweep`).

    Raises:
        As :func:`run_sweep`.
    """
    engine = options.engine or sweep.engine
    _check_folder(out, options.resume, options.force)
    plan = plan_sweep(sweep, sweep_path, engine, options.yes, options.progress)
    notebook, switches = (
        _notebook(sweep, sweep_path, options.trust_notebook)
        if engine == "papermill"
        else (None, {})
    )
    points = plan.points
    with FolderLock(out, "sweep"):
        table = _PointTable(out, points)
        renamed = _rename_legacy_folders(out, points) if options.resume else 0
        if options.resume:
            _keep_finished(out, plan, table, options.rerun_changed)
        _prepare_folder(out, options.resume, options.force)
        atomic_write_bytes(
            out / "sweep.yaml", yaml.safe_dump(resolved(sweep, points), sort_keys=False).encode()
        )
        table.save()
        todo = [p for p in points if table.status[p.id] == PENDING]
        tasks = (
            Task(
                point.id,
                scenario_to_dict(plan.scenario_of(point)),
                sweep.replications,
                sweep.seed,
                engine,
                notebook,
                options.cell_timeout_s,
                **switches,
            )
            for point in todo
        )
        started = time.perf_counter()
        bar = tqdm(total=len(todo), desc=sweep.name, unit="point", disable=not options.progress)
        try:
            for outcome in _execute(tasks, options):
                table.record(outcome)
                bar.update()
        finally:
            bar.close()
            table.save()
        tidy = _write_summary(out, points, table)
        summary = summarise(sweep, points, table.status, tidy, sweep_currency(out), rank)
        write_summary_files(out, summary, tidy, sweep)
        _write_manifest(out, sweep, engine, options, time.perf_counter() - started)
    return SweepRun(
        out, dict(table.status), {p.id: table.folder(p) for p in points}, summary, renamed
    )


def _notebook(sweep: Sweep, sweep_path: Path, trusted: bool) -> tuple[bytes, dict[str, bool]]:
    """The papermill engine's template and the values of its ``make_deck`` and ``make_charts``
    parameters (from the sweep's ``decks`` and ``charts``) for the :class:`Task`; a parameter the
    template lacks is left out (refused if the sweep asks for what it would switch on)."""
    path = sweep_path.parent / sweep.notebook
    if not trusted and not path.resolve().is_relative_to(NOTEBOOKS):
        raise SweepError(
            f"{sweep_path}: notebook: {sweep.notebook} is outside the repository's notebooks/ "
            "folder. A notebook is code, and the papermill engine would run it: pass "
            "--trust-notebook if you trust this sweep file and its notebook, or use --engine "
            "direct"
        )
    try:
        accepted = template_parameters(path)
    except (OSError, ValueError) as err:
        raise SweepError(f"{sweep_path}: notebook: cannot read {path} ({err})") from None
    switches: dict[str, bool] = {}
    for field, parameter in (("decks", "make_deck"), ("charts", "make_charts")):
        wanted = getattr(sweep, field)
        if parameter in accepted:
            switches[parameter] = wanted
        elif wanted:
            raise SweepError(
                f"{sweep_path}: {field}: true needs a notebook with a {parameter} parameter, "
                f"and {path.name} has none"
            )
    return path.read_bytes(), switches


def _keep_finished(out: Path, plan: SweepPlan, table: _PointTable, rerun_changed: bool) -> None:
    """Mark the finished points whose identity is unchanged as finished; refuse (or, with
    ``rerun_changed``, delete to rerun) those run with other settings."""
    changed: dict[str, list[str]] = {}
    for point in plan.points:
        folder = table.folder(point)
        if not table.finished_on_disk(point):
            continue
        found = finished_identity(folder)
        now = plan.identities[point.id]
        if found is not None and found[0] == now:
            table.set(point.id, FINISHED)
            continue
        if found is None:
            changed[folder.name] = ["a manifest that cannot be read"]
        else:
            before, parameters = found
            current = scenario_to_dict(plan.scenario_of(point))
            changed[folder.name] = differences(before, now, parameters, current)
    if changed and not rerun_changed:
        raise SweepError(changes_message(out, changed))
    for name in changed:
        shutil.rmtree(out / "runs" / name)


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
    if has_content(out) and not (resume or force):
        raise SweepError(
            f"{out} already holds a sweep: use --resume to finish it, or --force to start over"
        )


def _prepare_folder(out: Path, resume: bool, force: bool) -> None:
    """Empty the folder for ``force`` (keeping the lock this run holds); make ``runs/``."""
    if force and not resume:
        for child in out.iterdir():
            if child.name == LOCK_NAME:
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    (out / "runs").mkdir(parents=True, exist_ok=True)


def _execute(tasks: Iterator[Task], options: RunOptions) -> Iterator[PointOutcome]:
    """Run tasks and yield outcomes as they finish."""
    if options.dask_scheduler or options.dask_local:
        yield from _execute_dask(tasks, options)
        return
    for outcome in run_in_workers(run_point, tasks, options.workers, options.point_timeout_s):
        if isinstance(outcome, Lost):
            yield PointOutcome(outcome.task.point_id, FAILED, 0.0, outcome.reason)
        else:
            yield outcome


def check_scheduler(address: str, timeout_s: float = DASK_CONNECT_TIMEOUT_S) -> None:
    """Ask the scheduler who it is, before anything is loaded or written, so that a wrong, dead
    or silent address fails at once: within ``timeout_s``, whatever answers there (nothing, an
    HTTP server, a process that accepts the connection and never replies).

    Raises:
        ClusterError: the address is malformed, or no Dask scheduler answers there in time.
    """
    _distributed()
    try:
        asyncio.run(asyncio.wait_for(_identity(address), timeout_s))
    except TimeoutError:
        raise ClusterError(
            f"--dask-scheduler {address}: no answer from a Dask scheduler within {timeout_s:g} s "
            "(something accepted the connection, or nothing did); check the address and the "
            "scheduler, or wait longer with --dask-timeout-s"
        ) from None
    except Exception as exc:  # whatever a wrong address or a non-Dask server gives
        raise ClusterError(
            f"--dask-scheduler {address}: cannot connect ({_first_line(exc)}); check the address "
            "(e.g. tcp://10.0.0.5:8786) and that the scheduler is running"
        ) from None


async def _identity(address: str) -> None:
    """One identity call on the scheduler, with the TLS settings of Dask's configuration."""
    from distributed.core import rpc
    from distributed.security import Security

    async with rpc(address, connection_args=Security().get_connection_args("client")) as scheduler:
        await scheduler.identity()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _distributed() -> ModuleType:
    """``dask.distributed``, or a clear error when it is not installed."""
    try:
        import dask.distributed
    except ImportError:
        raise SweepError(
            "Dask is not installed: pip install '.[cluster]' (or pip install 'dask[distributed]')"
        ) from None
    return dask.distributed


def _dask_client(address: str | LocalCluster, timeout_s: float) -> Client:
    """A client of the scheduler at ``address`` (or of a local cluster)."""
    try:
        return _distributed().Client(address, timeout=timeout_s)
    except (OSError, ValueError) as exc:
        raise ClusterError(
            f"--dask-scheduler {address}: cannot connect within {timeout_s:g} s ({exc}); check "
            "the address (e.g. tcp://10.0.0.5:8786) and that the scheduler is running"
        ) from None


def _execute_dask(tasks: Iterator[Task], options: RunOptions) -> Iterator[PointOutcome]:
    """Run tasks on Dask, as many at once as the cluster has threads, so that a point's clock
    starts about when it does: a point with no result after ``point_timeout_s`` is failed
    (cancelled) and the sweep goes on; a scheduler that stops answering ends the sweep with a
    :class:`ClusterError` (finished points are kept)."""
    distributed = _distributed()
    cluster = None
    if options.dask_scheduler is None:
        cluster = distributed.LocalCluster(
            n_workers=max(options.workers, 1),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
    address = options.dask_scheduler or cluster
    client = _dask_client(address, options.dask_timeout_s)
    try:
        slots = max(sum(client.nthreads().values()), 1)
        running: dict[Any, tuple[Task, float]] = {}
        for task in tasks:
            while len(running) >= slots:
                yield from _dask_settle(distributed, client, running, options, address)
            future = client.submit(run_point, task, key=f"point-{task.point_id}", pure=False)
            running[future] = (task, time.monotonic())
        while running:
            yield from _dask_settle(distributed, client, running, options, address)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _dask_settle(
    distributed: ModuleType,
    client: Client,
    running: dict[Any, tuple[Task, float]],
    options: RunOptions,
    address: Any,
) -> Iterator[PointOutcome]:
    """Wait for at least one running point to finish or run out of time; yield its outcome."""
    timeout = options.point_timeout_s
    wait_s = (
        None
        if timeout is None
        else max(0.0, min(t0 + timeout for _, t0 in running.values()) - time.monotonic())
    )
    try:
        done, _ = distributed.wait(list(running), timeout=wait_s, return_when="FIRST_COMPLETED")
    except TimeoutError:
        done = set()
    for future in done:
        task, _ = running.pop(future)
        yield _result(future, task)
    if done or timeout is None:
        return
    if client.status != "running":
        raise ClusterError(
            f"Dask scheduler {address}: the connection was lost ({client.status}); finished "
            "points are kept"
        )
    now = time.monotonic()
    for future, (task, t0) in list(running.items()):
        if now - t0 >= timeout:
            future.cancel()
            del running[future]
            yield PointOutcome(
                task.point_id,
                FAILED,
                now - t0,
                f"no result after {timeout:g} s (the point timeout); the point was cancelled",
            )


def _result(future: Any, task: Task) -> PointOutcome:
    """A worker's outcome; a worker that died (e.g. killed) fails its point only."""
    try:
        return future.result()
    except Exception:
        return PointOutcome(task.point_id, FAILED, 0.0, traceback.format_exc())


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
        else:
            (run_dir / "error.txt").unlink(missing_ok=True)  # from an earlier failed attempt
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
    out: Path, sweep: Sweep, engine: str, options: RunOptions, wall_s: float
) -> None:
    dask = bool(options.dask_scheduler or options.dask_local)
    manifest = {
        "sweep": sweep.name,
        "engine": engine,
        "workers": options.workers,
        "backend": "dask" if dask else "local processes",
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
