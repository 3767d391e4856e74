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
    for change in ({"seed": 4}, {"overrides": {**SPEC["overrides"], "calendar.horizon_days": 6}}):
        other = write(tmp_path, **change)
        refused = run_main(["optimise", str(other), "--out", str(out), "--resume"])
        assert refused.returncode == 2 and "another search" in refused.stderr
    grown = write(tmp_path, day_parts=[{"from_h": 8, "to_h": 14, "scales": [1.3, 1.0, 0.7]}])
    wider = run_main(["optimise", str(grown), "--out", str(out), "--resume"])
    assert wider.returncode in (0, 1), wider.stderr
    with (folder / "observations.csv").open() as f:
        now = list(csv.DictReader(f))
    names = {"0": "8-14h×1.3", "2": "8-14h×0.7"}  # the kept candidates, numbered as they are now
    before = {
        ("8-14h×0.7" if r["candidate"] == "0" else "8-14h×1.3", r["replication"]) for r in rows
    }
    after = {(names[r["candidate"]], r["replication"]) for r in now if r["candidate"] in names}
    assert after == before and len(now) > len(rows)  # kept, and only the new one simulated


def test_a_bad_file_is_refused_with_the_field_and_value(tmp_path: Path) -> None:
    spec = write(tmp_path, selection={"delta": 20000, "n0": 5, "max_replications": 3})
    done = run_main(["optimise", str(spec), "--out", str(tmp_path / "out")])
    assert done.returncode == 2
    assert "max_replications 3 is below n0 5" in done.stderr and "Traceback" not in done.stderr
