"""Output folders: every run leaves Parquet tables and a manifest of what produced them.

Layout of ``outputs/<scenario>-<timestamp>/``:

* ``manifest.json`` — resolved parameters and their hash, seed, replications, package versions, git
  revision, command line, wall time;
* ``kpis.parquet`` — one row per replication, one column per KPI;
* ``summary.parquet`` — one row per KPI: mean and 95% confidence interval;
* ``scorecard.parquet`` — each standard, its target, estimate and status;
* ``intervals.parquet`` — per replication and planning interval: volumes, service level, agents,
  queue; ``daily.parquet`` — the same per day;
* ``customers_daily.parquet`` — per replication and day from the start date: open accounts (by
  segment), accounts open but leaving, acquired, closed, customers lost by reason, advocates,
  dissatisfied, complaints; ``complaints.parquet`` — every complaint: customer, the bad moment,
  received, recovery clock, size, voice, resolved, settled, retained (with a customer base);
* ``workforce_daily.parquet`` — per replication and day: work pressure, time standard, talk time,
  handle time cut, first-contact resolution, and per group overtime, fatigue, staff satisfaction,
  staff, leavers and new hires (with a workforce section; columns ``<measure>.<group>``);
* ``contacts/rep-NNN.parquet`` — every contact of each replication (with a burn-in, those before
  the start date too, at negative times).

Every file is written to a temporary name and renamed into place, so a crash never leaves a
half-written table behind. Columns become Arrow arrays without pandas (:func:`arrow_array`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiments.replications import ReplicationResult, ScenarioResult
from sim.measures.metrics import daily_table
from sim.model.records import CALLBACKS, FOLLOW_UPS, OUTCOMES
from sim.scenario.loading import scenario_hash, scenario_to_dict

PROGRESS = "progress.json"
"""Replications written so far, while a run is under way (removed when the manifest is written):
how a process that does not run the replications itself (``python -m sim notebook``) shows
progress."""

PACKAGE = "service-desk-workbench"
"""This package's distribution name; its version is the engine version a point's identity
records (:mod:`sim.experiments.point_identity`)."""

PACKAGES = ("simpy", "numpy", "scipy", "pydantic", "pyarrow", "pandas", "papermill")


def new_run_dir(root: Path, name: str) -> Path:
    """A fresh ``root/<name>-<UTC timestamp>`` folder (suffixed if the name is taken)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    path = root / f"{name}-{stamp}"
    n = 1
    while path.exists():
        n += 1
        path = root / f"{name}-{stamp}-{n}"
    path.mkdir(parents=True)
    return path


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_table(path: Path, columns: Mapping[str, Any]) -> None:
    """Write columns (numpy arrays or lists of equal length) as a Parquet file, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.table({k: arrow_array(np.asarray(v)) for k, v in columns.items()})
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def arrow_array(values: np.ndarray) -> pa.Array:
    """``pa.array(values)``, built from the array's buffers for the columns the runs write
    (numbers, booleans, ASCII text): ``pa.array`` imports pandas on its first numpy array, which
    a sweep worker would otherwise load for nothing. Any other column goes to ``pa.array``."""
    n = len(values)
    if values.ndim != 1:
        return pa.array(values)
    kind = values.dtype.kind
    if kind in "iuf" and values.dtype.isnative:
        data = pa.py_buffer(np.ascontiguousarray(values))
        return pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), n, [None, data], 0)
    if kind == "b":
        bits = pa.py_buffer(np.packbits(values, bitorder="little"))
        return pa.Array.from_buffers(pa.bool_(), n, [None, bits], 0)
    width = values.dtype.itemsize // 4
    if kind == "U" and width and values.dtype.isnative:
        codes = np.ascontiguousarray(values).view(np.uint32).reshape(n, width)
        lengths = np.char.str_len(values)
        text = codes[np.arange(width) < lengths[:, None]]
        # ASCII, one byte a character; pa.array would end a string at a NUL
        if len(text) < 2**31 and text.all() and (text < 128).all():
            offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
            data = text.astype(np.uint8)
            return pa.Array.from_buffers(
                pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)], 0
            )
    return pa.array(values)


def git_revision() -> str | None:
    """The checkout's commit (with ``-dirty`` if it has uncommitted changes), if available."""
    root = Path(__file__).resolve().parents[2]

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True, timeout=5
        ).stdout.strip()

    try:
        rev = git("rev-parse", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return None
    return rev + ("-dirty" if dirty else "")


def versions() -> dict[str, str]:
    """Versions of Python, this package and the packages that shape results."""
    found = {"python": platform.python_version()}
    for name in (PACKAGE, *PACKAGES):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


class RunWriter:
    """Writes one scenario run's folder as replications finish, then the summary and manifest."""

    def __init__(
        self, out_dir: Path, contacts: bool = True, replications: int | None = None
    ) -> None:
        """``replications``: how many are coming, for the progress file (None: unknown)."""
        self.out_dir = out_dir
        self.contacts = contacts
        self.expected = replications
        self._done = 0
        self._days: tuple[int, int] | None = None
        self._wall_s = 0.0
        self._intervals: list[dict[str, np.ndarray]] = []
        self._daily: list[dict[str, np.ndarray]] = []
        self._customers: list[dict[str, np.ndarray]] = []
        self._complaints: list[dict[str, np.ndarray]] = []
        self._workforce: list[dict[str, np.ndarray]] = []

    def replication(self, result: ReplicationResult) -> None:
        """Store one finished replication (its contacts go to disk at once)."""
        if self.contacts:
            self._write_contacts(result)
        daily = daily_table(result.intervals)
        parts_tables = [(self._intervals, result.intervals), (self._daily, daily)]
        if result.customers is not None:
            parts_tables += [
                (self._customers, result.customers.daily),
                (self._complaints, result.customers.complaints),
            ]
        if result.workforce is not None:
            parts_tables.append((self._workforce, result.workforce))
        for parts, table in parts_tables:
            n = len(next(iter(table.values())))
            parts.append({"replication": np.full(n, result.replication), **table})
        self._done += 1
        self._wall_s += result.wall_s
        self._write_progress()

    def days(self, done: int, total: int) -> None:
        """Note the days simulated so far of the days to simulate in all (``run_scenario``'s
        ``on_progress``) in the progress file."""
        self._days = (done, total)
        self._write_progress()

    def _write_progress(self) -> None:
        progress: dict[str, float | int | None] = {
            "replications_done": self._done,
            "replications": self.expected,
        }
        if self._done:
            progress["replication_s"] = round(self._wall_s / self._done, 3)
        if self._days is not None:
            progress["days_done"], progress["days"] = self._days
        atomic_write_bytes(self.out_dir / PROGRESS, json.dumps(progress).encode("utf-8"))

    def _write_contacts(self, result: ReplicationResult) -> None:
        c = result.contacts
        write_table(
            self.out_dir / "contacts" / f"rep-{result.replication:03d}.parquet",
            {
                "contact_id": np.arange(len(c)),
                "type": np.asarray(result.type_names)[c.type_code],
                "tier": c.tier,
                "group": np.asarray([*result.group_names, ""])[c.group],  # -1: "" (unanswered)
                "attempt": c.attempt,
                "parent": c.parent,
                "customer": c.customer,
                "complaint": c.complaint,
                "arrival_min": c.arrival_min,
                "wait_min": c.wait_min,
                "answer_min": c.answer_min,
                "end_min": c.end_min,
                "handle_min": c.handle_min,
                "outcome": np.asarray(OUTCOMES)[c.outcome],
                "resolved": c.resolved,
                "follow_up": np.asarray(FOLLOW_UPS)[c.follow_up],
                "callback": np.asarray(CALLBACKS)[c.callback],
            },
        )

    def finish(self, result: ScenarioResult, command: list[str] | None = None) -> None:
        """Write the summary tables and the manifest."""
        reps = result.per_replication
        write_table(
            self.out_dir / "kpis.parquet",
            {
                "replication": np.arange(len(reps)),
                **{k: np.array([r[k] for r in reps]) for k in reps[0]},
            },
        )
        write_table(
            self.out_dir / "summary.parquet",
            {
                "kpi": list(result.summary),
                "mean": [e.mean for e in result.summary.values()],
                "ci_low": [e.ci_low for e in result.summary.values()],
                "ci_high": [e.ci_high for e in result.summary.values()],
                "replications": [e.n for e in result.summary.values()],
            },
        )
        write_table(
            self.out_dir / "scorecard.parquet",
            {
                "standard": [s.standard for s in result.scorecard],
                "kpi": [s.kpi for s in result.scorecard],
                "target": [s.target for s in result.scorecard],
                "mean": [s.estimate.mean for s in result.scorecard],
                "ci_low": [s.estimate.ci_low for s in result.scorecard],
                "ci_high": [s.estimate.ci_high for s in result.scorecard],
                "status": [s.status for s in result.scorecard],
            },
        )
        for name, parts in (
            ("intervals", self._intervals),
            ("daily", self._daily),
            ("customers_daily", self._customers),
            ("complaints", self._complaints),
            ("workforce_daily", self._workforce),
        ):
            if parts:
                write_table(
                    self.out_dir / f"{name}.parquet",
                    {k: np.concatenate([p[k] for p in parts]) for k in parts[0]},
                )
        manifest = {
            "scenario": result.scenario.name,
            "parameters_hash": scenario_hash(result.scenario),
            "seed": result.seed,
            "replications": result.replications,
            "service_level_definition": result.scenario.service_level.describe(),
            "contacts_simulated": result.contacts_simulated,
            "wall_s": round(result.wall_s, 3),
            "created_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": command if command is not None else sys.argv,
            "git_revision": git_revision(),
            "versions": versions(),
            "parameters": scenario_to_dict(result.scenario),
        }
        atomic_write_bytes(
            self.out_dir / "manifest.json",
            (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8"),
        )
        (self.out_dir / PROGRESS).unlink(missing_ok=True)
