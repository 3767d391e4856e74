"""``python -m sim optimise``: a search run, kept, refused over an existing one, resumed without
simulating again, and a bad file refused with a clear message."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import yaml

from tests.entry import REPO, run_main

SPEC = {
    "name": "tiny",
    "scenario": str(REPO / "params" / "baseline.yaml"),
    "overrides": {
        "calendar.horizon_days": 5,
        "customers.accounts": 2000,
        "customers.warm_start.burn_in_days": 0,
    },
    "day_parts": [{"from_h": 8, "to_h": 14, "scales": [0.7, 1.3]}],
    "selection": {"delta": 20000, "n0": 2, "max_replications": 3},
    "seed": 3,
}


def write(tmp_path: Path, **changes: object) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump({**SPEC, **changes}), encoding="utf-8")
    return path


def test_a_search_is_kept_refused_twice_and_resumed_without_simulating(tmp_path: Path) -> None:
    spec = write(tmp_path)
    out = tmp_path / "out"
    done = run_main(["optimise", str(spec), "--out", str(out)])
    assert done.returncode in (0, 1), done.stderr
    assert "selected: 8-14h×" in done.stdout and "service-level choice:" in done.stdout
    folder = out / "optimise" / "tiny"
    with (folder / "observations.csv").open() as f:
        rows = list(csv.DictReader(f))
    result = json.loads((folder / "result.json").read_text())
    assert result["best"].startswith("8-14h×") and len(rows) >= 4  # n0 = 2 of both candidates
    again = run_main(["optimise", str(spec), "--out", str(out)])
    assert again.returncode == 2 and "--resume" in again.stderr
    resumed = run_main(["optimise", str(spec), "--out", str(out), "--resume"])
    assert resumed.returncode == done.returncode
    with (folder / "observations.csv").open() as f:
        assert len(list(csv.DictReader(f))) == len(rows)  # nothing simulated twice
    assert json.loads((folder / "result.json").read_text()) == result
    other = write(tmp_path, seed=4)
    refused = run_main(["optimise", str(other), "--out", str(out), "--resume"])
    assert refused.returncode == 2 and "another search" in refused.stderr


def test_a_bad_file_is_refused_with_the_field_and_value(tmp_path: Path) -> None:
    spec = write(tmp_path, selection={"delta": 20000, "n0": 5, "max_replications": 3})
    done = run_main(["optimise", str(spec), "--out", str(tmp_path / "out")])
    assert done.returncode == 2
    assert "max_replications 3 is below n0 5" in done.stderr and "Traceback" not in done.stderr
