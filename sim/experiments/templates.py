"""Running the notebook templates in ``notebooks/`` headless, with papermill.

A template's cell tagged ``parameters`` holds simple values (scenario path, overrides,
replications, seed, output folder, ...). :func:`run_template` checks the given parameters against
that cell, executes the template into a fresh output folder (the executed notebook sits beside the
tables and charts it writes), and returns the folder.
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.experiments.store import PROGRESS, new_run_dir
from sim.scenario.errors import InputError

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


class NotebookError(InputError):
    """A template cannot be run as asked (unknown template or parameter): the message says why."""


def template_path(name: str) -> Path:
    """The template file for a name like ``00_scenario`` (or a path to a notebook)."""
    candidates = [Path(name), NOTEBOOKS / name, NOTEBOOKS / f"{name}.ipynb"]
    for path in candidates:
        if path.suffix == ".ipynb" and path.is_file():
            return path
    known = ", ".join(sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")))
    raise NotebookError(f"no notebook template {name!r} (templates: {known})")


def template_parameters(path: Path) -> dict[str, Any]:
    """The parameters a template accepts, with their defaults as written in its cell."""
    import papermill

    return {name: p["default"] for name, p in papermill.inspect_notebook(str(path)).items()}


def run_template(
    name: str, parameters: dict[str, Any], out_root: Path, progress: bool = False
) -> Path:
    """Execute a template into ``out_root/<template>-<timestamp>/`` and return that folder.

    ``output_dir`` is set to that folder unless given. The kernel runs in the template's folder,
    as in JupyterLab, so the template's own default paths work; a string parameter naming an
    existing file or folder relative to the current directory is passed as an absolute path.

    Raises:
        NotebookError: unknown template or parameter.
        papermill.PapermillExecutionError: a cell failed (the executed notebook is kept).
    """
    import papermill

    path = template_path(name)
    allowed = template_parameters(path)
    unknown = sorted(set(parameters) - set(allowed))
    if unknown:
        raise NotebookError(
            f"{path.name}: unknown parameter(s) {', '.join(unknown)} "
            f"(allowed: {', '.join(allowed)})"
        )
    out = new_run_dir(out_root, path.stem)
    given = {key: _absolute_if_path(value) for key, value in parameters.items()}
    if "output_dir" in allowed:
        given.setdefault("output_dir", str(out.resolve()))
    km = start_kernel(cwd=path.resolve().parent)

    def execute() -> None:
        papermill.execute_notebook(
            str(path),
            str(out / path.name),
            parameters=given,
            progress_bar=False,
            kernel_name="python3",
            km=km,
        )

    try:
        if progress:
            output = given.get("output_dir")
            _with_progress(execute, Path(output) / PROGRESS if output else None, path.stem)
        else:
            execute()
    finally:
        km.shutdown_kernel(now=True)
    return out


def _with_progress(execute: Callable[[], None], progress_file: Path | None, name: str) -> None:
    """Run ``execute`` in a thread while a bar shows how far the notebook's run is (its progress
    file): the days simulated over all replications when it counts them, else the replications
    written, with the time left."""
    from tqdm.auto import tqdm

    done = threading.Event()
    failure: list[BaseException] = []

    def target() -> None:
        try:
            execute()
        except BaseException as exc:  # re-raised in the caller's thread below
            failure.append(exc)
        finally:
            done.set()

    threading.Thread(target=target, daemon=True).start()
    with tqdm(desc=name, unit="rep", total=None) as bar:
        while not done.wait(0.5):
            state = _read_progress(progress_file)
            if state is None:
                continue
            replications = f"{state['replications_done']}/{state.get('replications') or '?'}"
            if state.get("days"):
                bar.unit = "day"
                bar.total = state["days"]
                bar.set_postfix_str(f"{replications} replications", refresh=False)
                bar.update(int(state["days_done"]) - bar.n)
            else:
                bar.total = state.get("replications") or bar.total
                bar.update(int(state["replications_done"]) - bar.n)
        if not failure and bar.total:
            bar.update(bar.total - bar.n)  # the notebook finished: all of its run is written
    if failure:
        raise failure[0]


def _read_progress(path: Path | None) -> dict[str, Any] | None:
    if path is None or not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # being replaced: read it next time


def _absolute_if_path(value: Any) -> Any:
    if isinstance(value, str) and value and Path(value).exists():
        return str(Path(value).resolve())
    return value


def start_kernel(cwd: Path | None = None) -> Any:
    """Start a Python kernel for papermill, its start-up chatter silenced (cell errors still
    reach the executed notebook)."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3")
    km.start_kernel(stderr=subprocess.DEVNULL, cwd=None if cwd is None else str(cwd))
    return km
