"""``python -m sim notebook``: the path ``make run`` takes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def notebook(*args: str) -> subprocess.CompletedProcess[str]:
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
    done = notebook(
        "00_scenario",
        "-p",
        "scenario_path",
        "params/baseline.yaml",
        "-p",
        "overrides",
        "{calendar.horizon_days: 2, customers.accounts: 1000, "
        "customers.warm_start: {burn_in_days: 0}}",
        "-p",
        "replications",
        "2",
        "-p",
        "workers",
        "1",
        "--out",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    [out] = tmp_path.iterdir()
    assert str(out) in done.stdout and "deck.pptx" in done.stdout
    for name in ("00_scenario.ipynb", "manifest.json", "summary.parquet", "deck.pptx"):
        assert (out / name).is_file(), name
    assert list((out / "charts").glob("*.png")) and list((out / "charts").glob("*.svg"))


def test_unknown_template_or_parameter_is_bad_input(tmp_path: Path) -> None:
    unknown = notebook("99_nothing", "--out", str(tmp_path))
    assert unknown.returncode == 2 and "00_scenario" in unknown.stderr
    bad = notebook("00_scenario", "-p", "replicatons", "2", "--out", str(tmp_path))
    assert bad.returncode == 2
    assert "replicatons" in bad.stderr and "replications" in bad.stderr
    assert "Traceback" not in bad.stderr + unknown.stderr
