"""A roster correction's folder: each simulated round kept as it finishes, so a stopped correction
goes on where it stopped, and the achieved service level per interval as a table.

Layout of ``<out>/roster/<scenario name>/``:

* ``settings.json`` — what the rounds depend on (the scenario's parameter hash, the group, the
  requirement's statistic, replications, seed, step), which a resumed correction must match;
* ``rounds.jsonl`` — one line per simulated round, appended as it finishes: the requirement, its
  schedule (roster, weekly cost, coverage, unmet requirement, solver status) and the front line's
  service level per weekday and interval (mean, 95% CI, calls counted, calls offered);
* ``intervals.csv`` — per open weekday and interval: the first and the last round's requirement,
  agents on shift and service level with its CI; the extra weekly cost is their difference in
  ``manifest.json``, which also records the versions and command, as every output folder does.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import TypeAdapter

from sim.experiments.roster_correction import CorrectedRoster, CorrectionRound, ScheduledWeek
from sim.experiments.store import atomic_write_bytes, git_revision, versions
from sim.experiments.week_profile import WeekServiceLevel
from sim.scenario.desk import WEEKDAYS
from sim.scenario.errors import InputError
from sim.scenario.staffing import Roster

_ROSTER = TypeAdapter(Roster)
_SERVICE_FIELDS = ("mean", "ci_low", "ci_high", "calls", "offered")


class RosterFolderError(InputError):
    """The folder holds another correction, or one exists and ``resume`` was not asked."""


class CorrectionFolder:
    """The folder of one correction: opened (or resumed), appended to, and finished."""

    def __init__(self, folder: Path, settings: dict[str, Any], target: float, resume: bool) -> None:
        self.folder = folder
        self.target = target
        self._rounds = folder / "rounds.jsonl"
        settings_file = folder / "settings.json"
        if settings_file.exists():
            if not resume:
                raise RosterFolderError(
                    f"{folder} holds a correction already: run with --resume to go on, or remove it"
                )
            if json.loads(settings_file.read_text(encoding="utf-8")) != settings:
                raise RosterFolderError(
                    f"{folder} holds another correction (other parameters, statistic, "
                    "replications, seed or step): remove it, or pass another --out"
                )
            self.kept = self._read()
        else:
            folder.mkdir(parents=True, exist_ok=True)
            settings_file.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
            self._rounds.write_text("", encoding="utf-8")
            self.kept = []
        self._written = len(self.kept)

    def keep(self, number: int, done: CorrectionRound) -> None:
        """Append round ``number`` (from 1) unless it is one of the kept rounds."""
        if number <= self._written:
            return
        with self._rounds.open("a", encoding="utf-8") as f:
            f.write(json.dumps(_round_document(done)) + "\n")
        self._written = number

    def finish(self, outcome: CorrectedRoster, interval_min: float, scenario: str) -> None:
        """Write the per-interval table and the manifest."""
        first, last = outcome.rounds[0], outcome.rounds[-1]
        parts = {"plain": first, "corrected": last}
        with (self.folder / "intervals.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(
                [
                    "weekday",
                    "start",
                    *(
                        f"{name}_{column}"
                        for name in parts
                        for column in (
                            "required",
                            "on_shift",
                            "service_level",
                            "ci_low",
                            "ci_high",
                        )
                    ),
                    "offered_per_week",
                ]
            )
            for w, i in np.argwhere(first.required + last.required > 0):
                minute = round(i * interval_min)
                row: list[object] = [WEEKDAYS[w], f"{minute // 60:02d}:{minute % 60:02d}"]
                for done in parts.values():
                    s = done.service
                    row += [
                        int(done.required[w, i]),
                        int(done.scheduled.coverage[w, i]),
                        *(_number(x[w, i]) for x in (s.mean, s.ci_low, s.ci_high)),
                    ]
                writer.writerow([*row, round(float(last.service.offered[w, i]), 2)])
        manifest = {
            "scenario": scenario,
            "settings": json.loads((self.folder / "settings.json").read_text(encoding="utf-8")),
            "rounds": len(outcome.rounds),
            "met": outcome.met,
            "target": outcome.target,
            "weekly_cost_plain": first.scheduled.cost,
            "weekly_cost_corrected": last.scheduled.cost,
            "extra_weekly_cost": outcome.extra_cost,
            "created_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": sys.argv,
            "git_revision": git_revision(),
            "versions": versions(),
        }
        atomic_write_bytes(
            self.folder / "manifest.json",
            (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8"),
        )

    def _read(self) -> list[CorrectionRound]:
        """The kept rounds; from a line cut short by a crash on, the file is cut back, so that
        those rounds are simulated again and appended after whole lines."""
        rounds, whole = [], []
        for line in self._rounds.read_text(encoding="utf-8").splitlines():
            try:
                rounds.append(self._round(json.loads(line)))
            except (ValueError, KeyError):
                break
            whole.append(line + "\n")
        atomic_write_bytes(self._rounds, "".join(whole).encode("utf-8"))
        return rounds

    def _round(self, document: dict[str, Any]) -> CorrectionRound:
        week = document["scheduled"]
        scheduled = ScheduledWeek(
            roster=_ROSTER.validate_python(week["roster"]),
            cost=week["cost"],
            coverage=np.array(week["coverage"], dtype=float),
            unmet=np.array(week["unmet"], dtype=float),
            status=week["status"],
        )
        service = WeekServiceLevel(
            **{k: np.array(document["service"][k], dtype=float) for k in _SERVICE_FIELDS}
        )
        required = np.array(document["required"], dtype=float)
        return CorrectionRound(required, scheduled, service, service.short_of(self.target))


def _round_document(done: CorrectionRound) -> dict[str, Any]:
    week = done.scheduled
    return {
        "required": done.required.tolist(),
        "scheduled": {
            "roster": week.roster.model_dump(mode="json"),
            "cost": week.cost,
            "coverage": np.asarray(week.coverage, dtype=float).tolist(),
            "unmet": np.asarray(week.unmet, dtype=float).tolist(),
            "status": week.status,
        },
        # NaN (no call counted) is written as null and read back as NaN
        "service": {
            k: np.where(np.isnan(v := getattr(done.service, k)), None, v).tolist()
            for k in _SERVICE_FIELDS
        },
    }


def _number(value: float) -> object:
    return "" if np.isnan(value) else round(float(value), 4)
