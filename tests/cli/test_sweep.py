"""Sweeps: identical results whatever the workers, engine or back end; no finished work lost; the
points named by their values and summarised best first, on the terminal and in CSV and Excel."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from tests.entry import run_main
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
    """``python -m sim sweep SPEC --out OUT ARGS`` from the repository root: in this process on
    the direct engine, as a new process on the papermill engine (a process that has run a Jupyter
    kernel, as other tests do in this one, can hang in the workers it forks to run kernels)."""
    argv = ["sweep", str(spec), "--out", str(out), *args]
    if "papermill" not in args:
        return run_main(argv, ROOT)
    return subprocess.run(
        [sys.executable, "-m", "sim", *argv],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


FOLDERS = {
    "recovery-standard__agents-1",
    "recovery-standard__agents-3",
    "recovery-fast_track__agents-1",
    "recovery-fast_track__agents-3",
}
"""The point folders of :func:`write_sweep`'s grid (recovery × ``staffing.tier2.agents``, in the
order of the file, whose keys ``yaml.safe_dump`` sorted)."""


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
    assert {run.name for run in runs.iterdir()} == FOLDERS
    for run in runs.iterdir():  # the executed notebook is kept with every point, its tables
        executed = nbformat.read(run / "notebook.ipynb", as_version=4)
        assert "Service level" in "".join(text_outputs(executed))
        # but no chart and no deck: a sweep turns them off unless its file asks for them
        assert executed.metadata.papermill.parameters["make_charts"] is False
        assert not image_outputs(executed)
        assert not (run / "deck.pptx").exists() and not (run / "charts").exists()
    folder = tmp_path / "one" / "sweeps" / "tiny"
    assert {"sweep.yaml", "points.parquet", "summary.parquet", "manifest.json", "runs"} <= {
        p.name for p in folder.iterdir()
    }
    assert statuses(tmp_path / "one") == ["finished"] * 4


def test_the_summary_is_printed_and_written_as_csv_and_excel(tmp_path: Path) -> None:
    spec = write_sweep(tmp_path)
    done = sweep(spec, tmp_path, "--engine", "direct", "--workers", "1")
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "sweeps" / "tiny"
    assert {p.name for p in (folder / "runs").iterdir()} == FOLDERS
    tidy = summary(tmp_path)
    net = {
        f: m
        for f, k, m in zip(tidy["folder"], tidy["kpi"], tidy["mean"], strict=True)
        if k == "net_value"
    }
    best_first = sorted(net, key=lambda f: -net[f])
    lines = done.stdout.splitlines()
    assert lines[0].startswith(
        "Sweep 'tiny': 4 of 4 points with results, best first by net value (higher is better)"
    )
    assert lines[1].split()[:6] == ["rank", "recovery", "agents", "net", "value", "(USD)"]
    printed = [line.split()[:3] for line in lines[3:7]]
    assert printed == [
        [str(i + 1), *f.replace("recovery-", "").split("__agents-")]
        for i, f in enumerate(best_first)
    ]
    assert all("$" in line and "%" in line for line in lines[3:7])
    assert "4 of 4 points finished" in done.stdout and "summary.xlsx" in done.stdout

    with (folder / "summary.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["folder"] for r in rows] == best_first
    assert [r["rank"] for r in rows] == ["1", "2", "3", "4"]
    first = rows[0]
    assert first["staffing.tier2.agents"] in ("1", "3") and first["status"] == "finished"
    assert float(first["net value (USD)"]) == pytest.approx(net[best_first[0]], rel=1e-5)
    share = {(f, k): m for f, k, m in zip(tidy["folder"], tidy["kpi"], tidy["mean"], strict=True)}[
        (best_first[0], "service_level")
    ]
    assert float(first["service level (%)"]) == pytest.approx(100 * share, rel=1e-5)
    assert {"service level (%), 95% CI low", "service level (%), 95% CI high"} <= set(first)

    book = openpyxl.load_workbook(folder / "summary.xlsx")
    assert book.sheetnames == ["points", "summary", "sweep"]
    sheet = [list(r) for r in book["points"].iter_rows(values_only=True)]
    assert sheet[0] == list(rows[0])
    assert [r[2] for r in sheet[1:]] == best_first
    tidy_sheet = list(book["summary"].iter_rows(values_only=True))
    assert len(tidy_sheet) == 1 + len(tidy["kpi"]) and "KPI" in tidy_sheet[0]
    settings = dict(book["sweep"].iter_rows(values_only=True))
    assert settings["seed"] == 9 and settings["replications"] == 2
    assert settings["ranked by"] == "net_value (higher is better)"

    # Another ranking without running anything again; a KPI that does not exist is refused.
    again = sweep(spec, tmp_path, "--resume", "--rank", "abandon_rate")
    assert again.returncode == 0, again.stderr
    assert "best first by abandonment rate (lower is better)" in again.stdout
    wrong = sweep(spec, tmp_path / "other", "--rank", "net_valu")
    assert wrong.returncode == 2 and "--rank: unknown KPI 'net_valu'" in wrong.stderr
    assert "Traceback" not in wrong.stderr and not (tmp_path / "other").exists()


def test_a_sweep_folder_of_the_earlier_naming_resumes(tmp_path: Path) -> None:
    """Point folders named by id (before folders were named by their values) are renamed and
    kept; the missing point runs; the result is the uninterrupted one."""
    spec = write_sweep(tmp_path)
    assert sweep(spec, tmp_path / "whole", "--engine", "direct").returncode == 0
    assert sweep(spec, tmp_path / "old", "--engine", "direct").returncode == 0
    folder = tmp_path / "old" / "sweeps" / "tiny"
    points = pq.read_table(folder / "points.parquet").to_pydict()
    for point_id, name in zip(points["point_id"], points["folder"], strict=True):
        (folder / "runs" / name).rename(folder / "runs" / point_id)
    kept = folder / "runs" / points["point_id"][0] / "manifest.json"
    stamp = kept.stat().st_mtime_ns
    (folder / "runs" / points["point_id"][-1] / "manifest.json").unlink()  # unfinished
    resumed = sweep(spec, tmp_path / "old", "--engine", "direct", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "4 point folders of an earlier version renamed" in resumed.stdout
    assert {p.name for p in (folder / "runs").iterdir()} == FOLDERS
    assert (folder / "runs" / points["folder"][0] / "manifest.json").stat().st_mtime_ns == stamp
    assert summary(tmp_path / "old") == summary(tmp_path / "whole")


def image_outputs(executed: nbformat.NotebookNode) -> list[dict]:
    """The images an executed notebook shows."""
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    return [o for o in outputs if any(k.startswith("image/") for k in o.get("data", {}))]


def text_outputs(executed: nbformat.NotebookNode) -> list[str]:
    """What an executed notebook prints."""
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    return [str(o.get("text", "")) for o in outputs]


@pytest.mark.parametrize(
    ("field", "parameter"), [("decks", "make_deck"), ("charts", "make_charts")]
)
def test_decks_and_charts_need_a_notebook_that_can_leave_them_out(
    tmp_path: Path, field: str, parameter: str
) -> None:
    notebook = nbformat.read(TEMPLATE, as_version=4)
    [cell] = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    cell.source = "\n".join(line for line in cell.source.splitlines() if parameter not in line)
    old = tmp_path / "old.ipynb"
    nbformat.write(notebook, old)
    spec = write_sweep(tmp_path, notebook=old, **{field: True})
    done = sweep(spec, tmp_path, "--engine", "papermill", "--trust-notebook")
    assert done.returncode == 2, done.stderr
    assert f"{field}: true needs a notebook with a {parameter} parameter" in done.stderr
    assert "Traceback" not in done.stderr


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
    spec = write_sweep(tmp_path, notebook=failing, charts=True)  # charts on: checked below
    done = sweep(spec, tmp_path, "--engine", "papermill", "--workers", "2", "--trust-notebook")
    assert done.returncode == 1
    assert "2 failed" in done.stderr
    points = pq.read_table(tmp_path / "sweeps" / "tiny" / "points.parquet").to_pydict()
    assert sorted(points["status"]) == ["failed", "failed", "finished", "finished"]
    for folder, status, error in zip(
        points["folder"], points["status"], points["error"], strict=True
    ):
        run = tmp_path / "sweeps" / "tiny" / "runs" / folder
        if status == "failed":  # named on stderr by its folder
            assert folder in done.stderr
        if status == "failed":
            assert "deliberate failure" in error
            assert (run / "notebook.ipynb").exists()  # the partly executed notebook is kept
            assert not (run / "manifest.json").exists()
        else:
            assert (run / "manifest.json").exists()
            # charts: true draws the charts in the point's notebook (and still builds no deck)
            assert image_outputs(nbformat.read(run / "notebook.ipynb", as_version=4))
            assert not (run / "deck.pptx").exists()
    assert len(set(summary(tmp_path)["point"])) == 2


def test_invalid_points_are_refused_before_anything_runs(tmp_path: Path) -> None:
    spec = write_sweep(tmp_path)
    data = yaml.safe_load(spec.read_text())
    data["grid"]["staffing.tier2.agents"] = [1, -2]
    spec.write_text(yaml.safe_dump(data))
    done = sweep(spec, tmp_path, "--engine", "direct")
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.splitlines()  # one problem, once, with the points it affects
    assert line.startswith(f"{spec}: 2 of 4 points (")
    assert "staffing.tier2.agents: -2 is not allowed" in line
    assert not (tmp_path / "sweeps").exists()


def test_a_notebook_outside_notebooks_needs_trust(tmp_path: Path) -> None:
    """A sweep file shared by a colleague cannot run their code unless the user says so."""
    own = tmp_path / "own.ipynb"
    own.write_bytes(TEMPLATE.read_bytes())
    spec = write_sweep(tmp_path, notebook=own)
    done = sweep(spec, tmp_path, "--engine", "papermill")
    assert done.returncode == 2
    assert "notebook:" in done.stderr and "--trust-notebook" in done.stderr
    assert not (tmp_path / "sweeps").exists()
    assert sweep(spec, tmp_path, "--engine", "direct").returncode == 0  # runs no notebook


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
