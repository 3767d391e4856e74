"""One sweep point on a worker: a local process of :mod:`sim.experiments.point_pool` or a Dask
worker, with no file system shared with the process that runs the sweep.

The worker runs the point in a private temporary folder, through the Python API (``direct``) or
by executing the sweep's notebook template with papermill, and returns every file the point
produced; the sweep writes them. A papermill worker keeps one Jupyter kernel for all its points.
"""

from __future__ import annotations

import atexit
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from sim.experiments.point_pool import exit_worker_when
from sim.experiments.templates import start_kernel
from sim.scenario.scenario import Scenario

Engine = Literal["papermill", "direct"]
FINISHED, FAILED = "finished", "failed"
KERNEL_START_TIMEOUT_S = 300.0
"""How long a kernel may take to answer at the start of a point: papermill's 60 s default was
exceeded on a two-core machine running two sweeps' kernels besides a test suite."""


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
    make_charts: bool | None = None
    """The notebook's ``make_charts`` parameter (None: the notebook has none)."""


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
    if task.make_charts is not None:
        parameters["make_charts"] = task.make_charts
    km = _worker_kernel()
    with exit_worker_when(lambda: _kernel_gone(km)):
        papermill.execute_notebook(
            str(template),
            str(executed),
            parameters=parameters,
            progress_bar=False,
            log_output=False,
            execution_timeout=task.cell_timeout_s,
            start_timeout=KERNEL_START_TIMEOUT_S,
            kernel_name="python3",
            km=km,
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


def _kernel_gone(km: Any) -> bool:
    """Whether the worker's kernel process has ended (or was shut down, e.g. after failing to
    answer in time)."""
    process = getattr(km.provisioner, "process", None) if km.provisioner else None
    return process is None or process.poll() is not None
