"""``python -m sim notebook``: the path ``make run`` takes; ``-p KEY=VALUE`` as in every command
(the older ``-p KEY VALUE`` with a deprecation note); a report on a missing sweep says what to
run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.entry import run_main

ROOT = Path(__file__).resolve().parents[2]


def notebook(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m sim notebook ARGS`` from the repository root, in this process (for commands
    refused before a kernel starts: a process that has run a kernel can hang in the workers it
    forks later)."""
    return run_main(["notebook", *args], ROOT)


def notebook_process(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m sim notebook ARGS`` from the repository root, as a new process (as ``make
    run`` starts it)."""
    return subprocess.run(
        [sys.executable, "-m", "sim", "notebook", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )


def test_runs_a_template_from_the_repository_root(tmp_path: Path) -> None:
    """A scenario path relative to where the command runs works although the kernel runs in
    notebooks/ (as in JupyterLab); the folder gets the notebook, tables, charts and deck."""
    done = notebook_process(
        "00_scenario",
        "-p",
        "scenario_path=params/baseline.yaml",
        "-p",
        "overrides={calendar.horizon_days: 2, customers.accounts: 1000, "
        "customers.warm_start: {burn_in_days: 0}}",
        "-p",
        "replications=2",
        "--param=workers=1",
        "--out",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    assert "deprecated" not in done.stderr
    [out] = tmp_path.iterdir()
    assert str(out) in done.stdout and "deck.pptx" in done.stdout
    for name in ("00_scenario.ipynb", "manifest.json", "summary.parquet", "deck.pptx"):
        assert (out / name).is_file(), name
    assert list((out / "charts").glob("*.png")) and list((out / "charts").glob("*.svg"))


def test_unknown_template_or_parameter_is_bad_input(tmp_path: Path) -> None:
    unknown = notebook("99_nothing", "--out", str(tmp_path))
    assert unknown.returncode == 2 and "00_scenario" in unknown.stderr
    bad = notebook("00_scenario", "-p", "replicatons=2", "--out", str(tmp_path))
    assert bad.returncode == 2
    assert "replicatons" in bad.stderr and "replications" in bad.stderr
    assert "Traceback" not in bad.stderr + unknown.stderr
    assert not list(tmp_path.iterdir())


def test_the_older_key_value_form_still_works_with_a_note(tmp_path: Path) -> None:
    # An unknown parameter is refused before anything runs: the pair was read as one -p KEY=VALUE.
    old = notebook(
        "00_scenario", "-p", "replicatons", "2", "-p", "seed", "-1", "--out", str(tmp_path)
    )
    assert old.returncode == 2
    notes = [line for line in old.stderr.splitlines() if "deprecated" in line]
    assert notes == [
        "python -m sim notebook: -p KEY VALUE is deprecated; write -p KEY=VALUE "
        "(e.g. -p replications=2)"
    ]
    assert "unknown parameter(s) replicatons (allowed:" in old.stderr  # seed=-1 was fine


@pytest.mark.parametrize(
    ("param", "message"),
    [
        ("replications", "-p replications: expected KEY=VALUE, e.g. -p replications=2"),
        ("replications=[2", "-p replications=[2: the value is not valid YAML"),
    ],
)
def test_a_bad_parameter_is_one_line(tmp_path: Path, param: str, message: str) -> None:
    done = notebook("00_scenario", "-p", param, "--out", str(tmp_path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith(f"python -m sim notebook {message}")


def test_the_sweep_report_says_which_sweep_to_run_first(tmp_path: Path) -> None:
    missing = tmp_path / "elsewhere" / "sweeps" / "staffing_vs_recovery"
    done = notebook_process("04_sweep_report", "-p", f"sweep_dir={missing}", "--out", str(tmp_path))
    assert done.returncode == 1
    command = (
        "python -m sim sweep params/sweeps/staffing_vs_recovery.yaml "
        f"--out {tmp_path / 'elsewhere'}"
    )
    said = f"{missing} holds no sweep results; run the sweep first, from the repository root: "
    assert said + command in done.stderr
    assert "Traceback" not in done.stderr and "FileNotFoundError" not in done.stderr
    # In the notebook, the message alone: no traceback
    [out] = (p for p in tmp_path.iterdir() if p.name.startswith("04_sweep_report"))
    errors = [
        o
        for c in nbformat.read(out / "04_sweep_report.ipynb", as_version=4).cells
        for o in c.get("outputs", [])
        if o.output_type == "error"
    ]
    assert [e.traceback for e in errors] == [[f"SweepNotFoundError: {errors[0].evalue}"]]
    assert command in errors[0].evalue
