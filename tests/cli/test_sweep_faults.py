"""Sweeps under faults: a killed worker, kernel or parent, two runs on one folder, and a sweep file
edited between a run and its resume. No fault mixes results, loses finished points or leaves a
process behind."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
import psutil
import pyarrow.parquet as pq
import pytest
import yaml

from sim.cli.boundary import EXIT_ENVIRONMENT
from tests.cli.test_sweep import ROOT, TEMPLATE, statuses, summary, sweep, write_sweep

WAIT_S = 180
"""Longest wait for a state the test sets up (a loaded machine is slow)."""


def start(spec: Path, out: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sim", "sweep", str(spec), "--out", str(out), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_for(condition: Callable[[], object], what: str) -> object:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"waited {WAIT_S} s for {what}")


def eight_points(tmp_path: Path, horizon_days: int = 21, **extra: object) -> Path:
    spec = write_sweep(tmp_path, horizon_days=horizon_days, **extra)
    data = yaml.safe_load(spec.read_text())
    data["grid"]["staffing.tier2.agents"] = [1, 2, 3, 4]
    spec.write_text(yaml.safe_dump(data))
    return spec


def workers_of(pid: int) -> list[psutil.Process]:
    """The sweep's worker processes (spawned ones; not multiprocessing's resource tracker)."""
    try:
        children = psutil.Process(pid).children()
    except psutil.NoSuchProcess:
        return []
    return [c for c in children if "spawn_main" in " ".join(_cmdline(c))]


def kernels_of(pid: int) -> list[psutil.Process]:
    try:
        below = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [p for p in below if "ipykernel" in " ".join(_cmdline(p))]


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
        return []


def alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def points_table(out: Path) -> dict[str, list]:
    return pq.read_table(out / "sweeps" / "tiny" / "points.parquet").to_pydict()


def test_a_killed_worker_fails_its_own_point_only(tmp_path: Path) -> None:
    spec = eight_points(tmp_path)
    proc = start(spec, tmp_path, "--engine", "direct", "--workers", "2")
    wait_for(
        lambda: (
            (tmp_path / "sweeps/tiny/points.parquet").exists()
            and "finished" in statuses(tmp_path)
            and len(workers_of(proc.pid)) == 2
        ),
        "a finished point and two workers",
    )
    victim = workers_of(proc.pid)[0]
    victim.kill()
    _, err = proc.communicate(timeout=WAIT_S)
    assert proc.returncode == 1, err
    table = points_table(tmp_path)
    assert sorted(table["status"]).count("failed") == 1, table["status"]
    assert table["status"].count("finished") == 7
    [error] = [e for e, s in zip(table["error"], table["status"], strict=True) if s == "failed"]
    assert "killed (SIGKILL)" in error and "Traceback" not in err
    failed = [f for f, s in zip(table["folder"], table["status"], strict=True) if s == "failed"]
    run = tmp_path / "sweeps" / "tiny" / "runs" / failed[0]
    assert (run / "error.txt").exists()
    resumed = sweep(spec, tmp_path, "--engine", "direct", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "8 of 8 points finished" in resumed.stdout
    assert not (run / "error.txt").exists()  # no stale error beside a finished point


def test_killing_the_parent_leaves_no_worker_or_kernel(tmp_path: Path) -> None:
    spec = eight_points(tmp_path, horizon_days=60)
    proc = start(spec, tmp_path, "--engine", "papermill", "--workers", "2")
    kernels = wait_for(lambda: len(kernels_of(proc.pid)) == 2 and kernels_of(proc.pid), "kernels")
    below = psutil.Process(proc.pid).children(recursive=True)
    assert set(kernels) <= set(below)
    os.kill(proc.pid, signal.SIGKILL)  # the parent alone: nothing gets to clean up
    proc.wait()
    time.sleep(5)
    survivors = [p for p in below if alive(p)]
    assert not survivors, [(p.pid, _cmdline(p)) for p in survivors]


def test_a_killed_kernel_fails_its_own_point_only(tmp_path: Path) -> None:
    """The kernel dies mid-point: that point fails at once, a new kernel runs the rest."""
    marker = tmp_path / "running"
    notebook = nbformat.read(TEMPLATE, as_version=4)
    notebook.cells.insert(
        2,
        nbformat.v4.new_code_cell(
            "import pathlib, time, yaml\n"
            "d = yaml.safe_load(open(scenario_path))\n"
            "if (d['staffing']['tier2']['agents'], d['recovery']['kind']) == (3, 'standard'):\n"
            f"    pathlib.Path({str(marker)!r}).touch()\n"
            "    time.sleep(600)"
        ),
    )
    slow = tmp_path / "slow.ipynb"
    nbformat.write(notebook, slow)
    spec = write_sweep(tmp_path, notebook=slow)
    started = time.monotonic()
    proc = start(spec, tmp_path, "--engine", "papermill", "--workers", "1", "--trust-notebook")
    wait_for(marker.exists, "the slow point to start")
    [kernel] = kernels_of(proc.pid)
    kernel.kill()
    _, err = proc.communicate(timeout=WAIT_S)
    assert proc.returncode == 1, err
    assert time.monotonic() - started < 300  # the 600 s sleep was not waited out
    table = points_table(tmp_path)
    assert sorted(table["status"]) == ["failed", "finished", "finished", "finished"]
    [error] = [e for e in table["error"] if e]
    assert "Jupyter kernel died" in error


def _hanging_notebook(folder: Path) -> Path:
    """The scenario template, with a cell that hangs on one point (1 agent at tier 2, standard
    recovery)."""
    notebook = nbformat.read(TEMPLATE, as_version=4)
    notebook.cells.insert(
        2,
        nbformat.v4.new_code_cell(
            "import time, yaml\n"
            "d = yaml.safe_load(open(scenario_path))\n"
            "if (d['staffing']['tier2']['agents'], d['recovery']['kind']) == (1, 'standard'):\n"
            "    time.sleep(600)"
        ),
    )
    hung = folder / "hung.ipynb"
    nbformat.write(notebook, hung)
    return hung


@pytest.mark.long  # waits out a 60 s timeout; the pool's own is tested in seconds
def test_a_point_past_its_timeout_fails_and_the_sweep_goes_on(tmp_path: Path) -> None:
    spec = write_sweep(tmp_path, notebook=_hanging_notebook(tmp_path))
    options = ("--workers", "2", "--trust-notebook", "--point-timeout-s", "60")
    done = sweep(spec, tmp_path, "--engine", "papermill", *options)
    assert done.returncode == 1, done.stderr
    table = points_table(tmp_path)
    assert sorted(table["status"]) == ["failed", "finished", "finished", "finished"]
    [error] = [e for e in table["error"] if e]
    assert "no result after 60 s (the point timeout)" in error


def test_one_run_at_a_time_per_sweep_folder(tmp_path: Path) -> None:
    spec = eight_points(tmp_path)
    proc = start(spec, tmp_path, "--engine", "direct", "--workers", "1")
    wait_for((tmp_path / "sweeps/tiny/points.parquet").exists, "the sweep to start")
    # The holder is stopped, not ended: alive and holding the lock however long the two starts
    # below take on a loaded machine, and its points stay short (the resume reruns them).
    os.killpg(proc.pid, signal.SIGSTOP)
    for option in ("--resume", "--force"):
        second = sweep(spec, tmp_path, "--engine", "direct", option)
        assert second.returncode == 2, second.stderr
        assert "another sweep is writing this folder" in second.stderr
        assert f"process {proc.pid}" in second.stderr
    assert proc.poll() is None and (tmp_path / "sweeps" / "tiny" / "points.parquet").exists()
    os.killpg(proc.pid, signal.SIGKILL)  # the lock goes with its holder, however it dies
    proc.wait()
    resumed = sweep(spec, tmp_path, "--engine", "direct", "--resume")
    assert resumed.returncode == 0, resumed.stderr


def test_a_resume_never_mixes_results_of_other_settings(tmp_path: Path) -> None:
    spec = write_sweep(tmp_path)
    assert sweep(spec, tmp_path / "cut", "--engine", "direct").returncode == 0
    runs = tmp_path / "cut" / "sweeps" / "tiny" / "runs"
    (runs / "recovery-standard__agents-1" / "manifest.json").unlink()  # one point unfinished
    data = yaml.safe_load(spec.read_text())
    data["seed"], data["replications"] = 10, 3
    spec.write_text(yaml.safe_dump(data))
    desk = tmp_path / "desk.yaml"
    desk.write_text(desk.read_text().replace("horizon_days: 3", "horizon_days: 4"))

    refused = sweep(spec, tmp_path / "cut", "--engine", "direct", "--resume")
    assert refused.returncode == 2
    [line] = refused.stderr.splitlines()
    for change in (
        "3 finished points were run with other settings",
        "seed 9 then, 10 now (3 of them)",
        "replications 2 then, 3 now (3 of them)",
        "calendar.horizon_days 3 then, 4 now (3 of them)",
        "--rerun-changed",
        "--force",
    ):
        assert change in line, line

    rerun = sweep(spec, tmp_path / "cut", "--engine", "direct", "--resume", "--rerun-changed")
    assert rerun.returncode == 0, rerun.stderr
    assert sweep(spec, tmp_path / "whole", "--engine", "direct").returncode == 0
    assert summary(tmp_path / "cut") == summary(tmp_path / "whole")


def test_a_disk_that_fills_mid_sweep_keeps_the_finished_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The disk fills while the second point is written: exit 3 with the resume command, the
    first point kept, and the resumed sweep identical to one that never failed."""
    from sim.cli import main as cli
    from sim.experiments import sweep as sweeping

    spec = write_sweep(tmp_path)
    write = sweeping.atomic_write_bytes
    manifests: list[Path] = []

    def filling(path: Path, data: bytes) -> None:
        if path.name == "manifest.json" and path.parent.parent.name == "runs":
            if manifests:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
            manifests.append(path)
        write(path, data)

    monkeypatch.setattr(sweeping, "atomic_write_bytes", filling)
    argv = ["sweep", str(spec), "--engine", "direct", "--workers", "1", "--out"]
    assert cli.main([*argv, str(tmp_path / "cut")]) == EXIT_ENVIRONMENT
    err = capsys.readouterr().err
    assert "No space left on device" in err and "--resume" in err and "Traceback" not in err
    assert statuses(tmp_path / "cut").count("finished") == 1
    assert (manifests[0]).exists()

    monkeypatch.setattr(sweeping, "atomic_write_bytes", write)  # space again
    assert cli.main([*argv, str(tmp_path / "cut"), "--resume"]) == 0
    assert cli.main([*argv, str(tmp_path / "whole")]) == 0
    assert summary(tmp_path / "cut") == summary(tmp_path / "whole")


@pytest.mark.long  # waits out a 60 s timeout; the pool's own is tested in seconds
def test_a_hung_point_on_dask_fails_alone(tmp_path: Path) -> None:
    """The point timeout holds on the Dask back end too: the hung point is failed and cancelled,
    the others finish, and the sweep ends."""
    pytest.importorskip("dask.distributed")
    spec = write_sweep(tmp_path, notebook=_hanging_notebook(tmp_path))
    options = ("--workers", "2", "--trust-notebook", "--point-timeout-s", "60", "--dask-local")
    done = sweep(spec, tmp_path, "--engine", "papermill", *options)
    assert done.returncode == 1, done.stderr
    table = points_table(tmp_path)
    assert sorted(table["status"]) == ["failed", "finished", "finished", "finished"]
    [error] = [e for e in table["error"] if e]
    assert "no result after 60 s (the point timeout)" in error


@pytest.mark.long
def test_a_papermill_sweep_after_a_notebook_in_the_same_process_finishes(tmp_path: Path) -> None:
    """A process that has run a Jupyter kernel, then a papermill sweep with two workers (as a
    notebook calling a sweep does): forked workers' kernels never answered; spawned ones do."""
    spec = eight_points(tmp_path, horizon_days=3)
    tiny = json.dumps({"calendar.horizon_days": 3, "customers.accounts": 2000})
    script = (
        "import sys\n"
        "from sim.cli.main import main\n"
        f"assert main(['notebook', '00_scenario', '-p', 'overrides={tiny}', '-p', "
        f"'replications=1', '--out', {str(tmp_path / 'nb')!r}]) == 0\n"
        f"sys.exit(main(['sweep', {str(spec)!r}, '--engine', 'papermill', '--workers', '2', "
        f"'--trust-notebook', '--out', {str(tmp_path)!r}]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "8 of 8 points finished" in done.stdout
