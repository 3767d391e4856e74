"""A roster correction's folder: rounds kept as they finish read back as they were, a stopped
correction replayed rather than simulated again, and another correction's folder refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.experiments.roster_correction import (
    CorrectedRoster,
    CorrectionRound,
    ScheduledWeek,
    correct_roster,
)
from sim.experiments.roster_store import CorrectionFolder, RosterFolderError
from sim.experiments.week_profile import WeekServiceLevel
from sim.scenario.staffing import FixedTeam
from tests.scenarios import busy_desk

SETTINGS = {"parameters_hash": "abc", "replications": 2, "seed": 1, "step": "load"}


def a_round(agents: int, level: float) -> CorrectionRound:
    shape = (7, 48)
    required = np.zeros(shape)
    required[:5, 16:36] = agents
    mean = np.full(shape, np.nan)
    mean[:5, 16:36] = level
    service = WeekServiceLevel(
        mean=mean,
        ci_low=mean - 0.05,
        ci_high=mean + 0.05,
        calls=np.where(np.isnan(mean), 0.0, 40.0),
        offered=np.where(np.isnan(mean), 0.0, 44.0),
    )
    week = ScheduledWeek(
        FixedTeam(kind="fixed", agents=agents), 100.0 * agents, required, required * 0, "optimal"
    )
    return CorrectionRound(required, week, service, service.short_of(0.8))


def test_kept_rounds_read_back_as_they_were_written(tmp_path: Path) -> None:
    folder = CorrectionFolder(tmp_path / "c", SETTINGS, 0.8, resume=False)
    written = [a_round(6, 0.5), a_round(8, 0.9)]
    for number, done in enumerate(written, start=1):
        folder.keep(number, done)
    folder.keep(1, written[0])  # a replayed round is not written twice
    kept = CorrectionFolder(tmp_path / "c", SETTINGS, 0.8, resume=True).kept
    assert len(kept) == 2
    for was, read in zip(written, kept, strict=True):
        assert np.array_equal(was.required, read.required)
        assert np.array_equal(was.service.mean, read.service.mean, equal_nan=True)
        assert np.array_equal(was.short, read.short)
        assert read.scheduled.roster == was.scheduled.roster
        assert read.scheduled.cost == was.scheduled.cost


def test_a_line_cut_short_is_simulated_again(tmp_path: Path) -> None:
    folder = CorrectionFolder(tmp_path / "c", SETTINGS, 0.8, resume=False)
    folder.keep(1, a_round(6, 0.5))
    with (tmp_path / "c" / "rounds.jsonl").open("a") as f:
        f.write('{"required": [[1, 2')
    resumed = CorrectionFolder(tmp_path / "c", SETTINGS, 0.8, resume=True)
    assert len(resumed.kept) == 1
    resumed.keep(2, a_round(8, 0.9))  # the round simulated again follows the whole lines
    assert len(CorrectionFolder(tmp_path / "c", SETTINGS, 0.8, resume=True).kept) == 2


def test_another_correction_or_no_resume_is_refused(tmp_path: Path) -> None:
    CorrectionFolder(tmp_path / "c", SETTINGS, 0.8, resume=False)
    with pytest.raises(RosterFolderError, match="--resume"):
        CorrectionFolder(tmp_path / "c", SETTINGS, 0.8, resume=False)
    with pytest.raises(RosterFolderError, match="another correction"):
        CorrectionFolder(tmp_path / "c", {**SETTINGS, "seed": 2}, 0.8, resume=True)


def test_kept_rounds_are_replayed_not_solved_or_simulated(tmp_path: Path) -> None:
    scenario = busy_desk(calendar={"horizon_days": 7})
    kept = [a_round(6, 0.5)]

    def solve(required: np.ndarray) -> ScheduledWeek:
        raise AssertionError("a kept round was solved again")

    result = correct_roster(
        scenario, "tier1", kept[0].required, solve, 2, seed=1, max_rounds=1, done=kept
    )
    assert isinstance(result, CorrectedRoster) and len(result.rounds) == 1
    assert result.rounds[0].scheduled is kept[0].scheduled
    assert not result.met
    folder = CorrectionFolder(tmp_path / "c", SETTINGS, 0.8, resume=False)
    folder.finish(result, 30.0, scenario.name)
    lines = (tmp_path / "c" / "intervals.csv").read_text().splitlines()
    assert len(lines) == 1 + 5 * 20 and lines[1].startswith("mon,08:00,6,6,0.5,")
    with pytest.raises(ValueError, match="kept round 1 was asked another requirement"):
        correct_roster(scenario, "tier1", kept[0].required + 1, solve, 2, 1, done=kept)
