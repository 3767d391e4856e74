"""``python -m sim sensitivity``: a killed study resumes to the identical result, whatever the
workers; a bad study file is one clear line and exit status 2; the charts read a study folder."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from sim.plotting import (
    morris_chart,
    policy_wins_chart,
    read_sensitivity,
    sobol_chart,
)
from sim.plotting.style import source_line
from tests.scenarios import customer_desk

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ("samples.parquet", "indices.parquet", "wins.parquet", "sensitivity.yaml")


def write_study(tmp_path: Path, **changes: object) -> Path:
    """A small study of the test desk: 3 ranges, Morris (2 trajectories, 8 samples) and Sobol
    (N = 2 over 2, 8 samples), two recovery policies: 32 points of a week."""
    scenario = customer_desk(calendar={"horizon_days": 7}).model_dump(mode="json")
    (tmp_path / "desk.yaml").write_text(yaml.safe_dump(scenario), encoding="utf-8")
    spec = {
        "name": "tiny",
        "scenario": "desk.yaml",
        "replications": 2,
        "seed": 9,
        "kpis": ["service_defections", "net_value"],
        "compare": {
            "a": {"recovery": {"kind": "standard"}},
            "b": {"recovery": {"kind": "fast_track"}},
        },
        "ranges": {
            "customers.satisfaction.bad_weight": [6, 18],
            "customers.complaints.complain_prob": [0.01, 0.05],
            "customers.satisfaction.half_life_days": [30, 120],
        },
        "log_scale": ["customers.satisfaction.half_life_days"],
        "morris": {"trajectories": 2},
        "sobol": {
            "samples": 2,
            "parameters": [
                "customers.satisfaction.bad_weight",
                "customers.complaints.complain_prob",
            ],
        },
        **changes,
    }
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def sensitivity(spec: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", "sensitivity", str(spec), "--out", str(out), *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


def statuses(folder: Path) -> list[str]:
    # One read of the bytes: the run may replace the file between the reader's opens.
    data = (folder / "sweep" / "points.parquet").read_bytes()
    return pq.read_table(pa.BufferReader(data)).column("status").to_pylist()


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The study run through at once, on two workers."""
    root = tmp_path_factory.mktemp("whole")
    done = sensitivity(write_study(root), root / "out", "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return root / "out" / "sensitivity" / "tiny"


def test_killed_study_resumes_to_the_identical_result(whole: Path, tmp_path: Path) -> None:
    spec = write_study(tmp_path)
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "sim", "sensitivity", str(spec)),
            *("--out", str(tmp_path / "cut"), "--workers", "1"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    folder = tmp_path / "cut" / "sensitivity" / "tiny"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if (folder / "sweep" / "points.parquet").exists() and "finished" in statuses(folder):
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # a hard kill: nothing gets to clean up
    proc.wait()
    kept = statuses(folder)
    assert 1 <= kept.count("finished") < len(kept), kept
    assert not (folder / "indices.parquet").exists()
    resumed = sensitivity(spec, tmp_path / "cut", "--resume", "--workers", "2")
    assert resumed.returncode == 0, resumed.stderr
    assert "customers lost to service" in resumed.stdout  # the ranked summary
    for name in RESULTS:  # killed on one worker and resumed, or run at once: the same bytes
        assert (folder / name).read_bytes() == (whole / name).read_bytes(), name


def test_a_finished_study_is_kept_unless_resumed_or_forced(whole: Path, tmp_path: Path) -> None:
    again = sensitivity(write_study(tmp_path), whole.parents[1])
    assert again.returncode == 2
    assert "--resume" in again.stderr and "--force" in again.stderr
    other = sensitivity(write_study(tmp_path, replications=3), whole.parents[1], "--resume")
    assert other.returncode == 2
    assert "replications: 2 then, 3 now" in other.stderr and "--force" in other.stderr


def test_a_bad_study_is_one_line_naming_file_field_and_value(tmp_path: Path) -> None:
    spec = write_study(tmp_path)
    text = spec.read_text(encoding="utf-8").replace("- 0.05", "- 0.9")
    spec.write_text(text, encoding="utf-8")
    done = sensitivity(spec, tmp_path / "out")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert re.match(rf"{re.escape(str(spec))}:\d+:\d+: ", line), line
    assert "ranges.customers.complaints.complain_prob: high 0.9 gives an invalid scenario" in line
    assert not (tmp_path / "out").exists()  # nothing was run


def test_charts_read_the_study(whole: Path) -> None:
    study = read_sensitivity(whole)
    assert study.policy("a") == "standard" and study.policy("b") == "fast_track"
    figures = [
        morris_chart(study, "service_defections"),
        morris_chart(study, "net_value", difference=True),
        sobol_chart(study, "net_value"),
        policy_wins_chart(study),
    ]
    for fig in figures:
        assert fig.get_suptitle()
        assert fig.legends and all(t.get_text() for t in fig.legends[0].get_texts())
        for ax in fig.axes:  # the value axis of every panel says its unit
            assert "(" in ax.get_xlabel() or "(" in ax.get_ylabel(), ax.get_xlabel()
        source = source_line(fig)
        assert "tiny" in source and "2 replications" in source and "95%" in source
        assert dt.date.today().isoformat() in source
    whiskers = [c for c in figures[0].axes[0].collections if type(c).__name__ == "LineCollection"]
    assert whiskers, "mu* is drawn with its confidence interval"
    with pytest.raises(ValueError, match="no sobol indices of 'complaint_rate_monthly'"):
        sobol_chart(study, "complaint_rate_monthly")
