"""Sweeps: identical results whatever the workers, engine or back end; no finished work lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from tests.scenarios import customer_desk

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "notebooks" / "00_scenario.ipynb"


def write_sweep(
    tmp_path: Path, notebook: Path = TEMPLATE, horizon_days: int = 3, **extra: object
) -> Path:
    scenario = customer_desk(calendar={"horizon_days": horizon_days}).model_dump(mode="json")
    (tmp_path / "desk.yaml").write_text(yaml.safe_dump(scenario), encoding="utf-8")
    sweep = {
        "name": "tiny",
        "scenario": "desk.yaml",
        "grid": {
            "staffing.tier2.agents": [1, 3],
            "recovery": [{"kind": "standard"}, {"kind": "fast_track"}],
        },
        "replications": 2,
        "seed": 9,
        "notebook": str(notebook),
        **extra,
    }
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump(sweep), encoding="utf-8")
    return path


def restore_sigint() -> None:
    """In the child: take SIGINT's default action, as a process started from a terminal does."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def sweep(spec: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", "sweep", str(spec), "--out", str(out), *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


def summary(out: Path) -> dict:
    return pq.read_table(out / "sweeps" / "tiny" / "summary.parquet").to_pydict()


def statuses(out: Path) -> list[str]:
    # One read of the bytes: the sweep may replace the file between the reader's opens.
    data = (out / "sweeps" / "tiny" / "points.parquet").read_bytes()
    return pq.read_table(pa.BufferReader(data)).column("status").to_pylist()


def test_workers_and_engines_give_the_same_summary(tmp_path: Path) -> None:
    spec = write_sweep(tmp_path)
    one = sweep(spec, tmp_path / "one", "--engine", "direct", "--workers", "1")
    two = sweep(spec, tmp_path / "two", "--engine", "direct", "--workers", "2")
    nb = sweep(spec, tmp_path / "nb", "--engine", "papermill", "--workers", "2")
    for done in (one, two, nb):
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
    reference = summary(tmp_path / "one")
    assert len(set(reference["point"])) == 4
    assert summary(tmp_path / "two") == reference
    assert summary(tmp_path / "nb") == reference
    runs = tmp_path / "nb" / "sweeps" / "tiny" / "runs"
    for run in runs.iterdir():  # the executed notebook is kept with every point
        cells = nbformat.read(run / "notebook.ipynb", as_version=4).cells
        assert any(c.get("outputs") for c in cells if c.cell_type == "code")
    folder = tmp_path / "one" / "sweeps" / "tiny"
    assert {"sweep.yaml", "points.parquet", "summary.parquet", "manifest.json", "runs"} <= {
        p.name for p in folder.iterdir()
    }
    assert statuses(tmp_path / "one") == ["finished"] * 4


def test_existing_folder_needs_resume_or_force(tmp_path: Path) -> None:
    spec = write_sweep(tmp_path)
    assert sweep(spec, tmp_path, "--engine", "direct").returncode == 0
    again = sweep(spec, tmp_path, "--engine", "direct")
    assert again.returncode == 2
    assert "--resume" in again.stderr and "--force" in again.stderr
    assert sweep(spec, tmp_path, "--engine", "direct", "--force").returncode == 0
    resumed = sweep(spec, tmp_path, "--engine", "direct", "--resume")
    assert resumed.returncode == 0 and "4 of 4 points finished" in resumed.stdout


def test_a_failing_point_is_recorded_and_the_others_finish(tmp_path: Path) -> None:
    notebook = nbformat.read(TEMPLATE, as_version=4)
    notebook.cells.insert(
        2,
        nbformat.v4.new_code_cell(
            "import yaml\n"
            "desk = yaml.safe_load(open(scenario_path))\n"
            "if desk['staffing']['tier2']['agents'] == 3:\n"
            "    raise RuntimeError('deliberate failure for the test')"
        ),
    )
    failing = tmp_path / "failing.ipynb"
    nbformat.write(notebook, failing)
    spec = write_sweep(tmp_path, notebook=failing)
    done = sweep(spec, tmp_path, "--engine", "papermill", "--workers", "2")
    assert done.returncode == 1
    assert "2 failed" in done.stderr
    points = pq.read_table(tmp_path / "sweeps" / "tiny" / "points.parquet").to_pydict()
    assert sorted(points["status"]) == ["failed", "failed", "finished", "finished"]
    for point_id, status, error in zip(
        points["point_id"], points["status"], points["error"], strict=True
    ):
        run = tmp_path / "sweeps" / "tiny" / "runs" / point_id
        if status == "failed":
            assert "deliberate failure" in error
            assert (run / "notebook.ipynb").exists()  # the partly executed notebook is kept
            assert not (run / "manifest.json").exists()
        else:
            assert (run / "manifest.json").exists()
    assert len(set(summary(tmp_path)["point"])) == 2


def test_invalid_point_is_recorded_not_run(tmp_path: Path) -> None:
    spec = write_sweep(tmp_path)
    data = yaml.safe_load(spec.read_text())
    data["grid"]["staffing.tier2.agents"] = [1, -2]
    spec.write_text(yaml.safe_dump(data))
    done = sweep(spec, tmp_path, "--engine", "direct")
    assert done.returncode == 1
    points = pq.read_table(tmp_path / "sweeps" / "tiny" / "points.parquet").to_pydict()
    assert sorted(points["status"]) == ["finished", "finished", "invalid", "invalid"]
    bad = [e for e in points["error"] if e]
    assert all("staffing.tier2.agents" in e and "-2" in e for e in bad)


def test_interrupted_sweep_resumes_to_the_identical_result(tmp_path: Path) -> None:
    # Points of a few weeks, so that the kill lands mid-sweep even on a loaded machine (with
    # 3-day points a busy machine finished all eight before the poller saw the first).
    spec = write_sweep(tmp_path, horizon_days=21)
    data = yaml.safe_load(spec.read_text())
    data["grid"]["staffing.tier2.agents"] = [1, 2, 3, 4]  # 8 points
    spec.write_text(yaml.safe_dump(data))
    assert sweep(spec, tmp_path / "whole", "--engine", "direct", "--workers", "2").returncode == 0
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim",
            "sweep",
            str(spec),
            "--out",
            str(tmp_path / "cut"),
            "--engine",
            "direct",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    points = tmp_path / "cut" / "sweeps" / "tiny" / "points.parquet"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if points.exists() and "finished" in statuses(tmp_path / "cut"):
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # a hard kill: nothing gets to clean up
    proc.wait()
    kept = statuses(tmp_path / "cut")
    assert 1 <= kept.count("finished") < 8, kept
    resumed = sweep(spec, tmp_path / "cut", "--engine", "direct", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert summary(tmp_path / "cut") == summary(tmp_path / "whole")


def test_dask_local_cluster_gives_the_same_summary(tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    spec = write_sweep(tmp_path)
    local = sweep(spec, tmp_path / "local", "--engine", "direct", "--workers", "2")
    dask = sweep(spec, tmp_path / "dask", "--engine", "direct", "--workers", "2", "--dask-local")
    assert local.returncode == 0 and dask.returncode == 0, dask.stderr
    assert summary(tmp_path / "dask") == summary(tmp_path / "local")
    manifest = json.loads((tmp_path / "dask" / "sweeps" / "tiny" / "manifest.json").read_text())
    assert manifest["backend"] == "dask"


def test_ctrl_c_keeps_finished_points_and_says_how_to_resume(tmp_path: Path) -> None:
    spec = write_sweep(tmp_path)
    data = yaml.safe_load(spec.read_text())
    data["grid"]["staffing.tier2.agents"] = [1, 2, 3, 4]  # 8 points
    spec.write_text(yaml.safe_dump(data))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim",
            "sweep",
            str(spec),
            "--out",
            str(tmp_path),
            "--engine",
            "direct",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # A job started in the background inherits SIGINT ignored; a terminal's Ctrl-C does not.
        preexec_fn=restore_sigint,  # noqa: PLW1509 - async-signal-safe: one signal() call
    )
    deadline = time.monotonic() + 120
    points = tmp_path / "sweeps" / "tiny" / "points.parquet"
    while time.monotonic() < deadline:
        if points.exists() and "finished" in statuses(tmp_path):
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "--resume" in err and "Traceback" not in err
    assert "finished" in statuses(tmp_path)
