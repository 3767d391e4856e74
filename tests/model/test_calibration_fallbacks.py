"""Calibration with hour bands too thin or too uniform for fits of their own: each such band
borrows a pooled fit, says so in a warning and in the scenario file, and the scenario loads; a log
whose every handle time is the same cannot be calibrated, and says why in one line.

The logs are written here with numpy: a desk open 08:00-18:00 every day, agents serving calls
back to back, half the callers answered at once, an eighth of the calls abandoned; hour bands
split at 17:00, so ``@17-24h`` is the last opening hour.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import calibrate as cli_calibrate
from sim.cli.boundary import EXIT_BAD_INPUT, guarded
from sim.logs.bands import POOLED, fallback_keys
from sim.logs.calibrate import calibrate
from sim.logs.calibration import Calibration
from sim.logs.contact_log import read_logs
from sim.logs.duration_fits import (
    MIN_CV,
    MIN_PATIENCE_EVENTS,
    MIN_SERVICES,
    fit_patience,
    handle_problem,
    patience_problem,
)
from sim.logs.log_schema import LogError, LogSchema
from sim.scenario.loading import load_scenario

OPEN_S, CLOSE_S, EVENING_S = 8 * 3600, 18 * 3600, 17 * 3600
FLAT_HANDLE_S = 30.0
"""The shortest generated handle time, and the one a uniform band gets (shortening a service never
makes an agent's calls overlap)."""
FLAT_WAIT_S = 45.0

SCHEMA = LogSchema.model_validate(
    {
        "name": "generated",
        "time_format": "%Y-%m-%dT%H:%M:%S",
        "times": {
            "arrival": "arrived",
            "queue_entry": "queued_at",
            "queue_exit": "left_queue",
            "service_start": "answered",
            "service_end": "ended",
        },
        "outcome": {"column": "result", "served": ["ANSWERED"], "abandoned": ["ABANDONED"]},
        "contact_type": {"column": "queue"},
        "agent": {"column": "agent"},
        "cleaning": {"max_service_s": None, "short_service_s": 0},
    }
)

Calls = dict[str, np.ndarray]
"""A generated log before it is written: seconds since midnight and flags, one entry per call."""


def generate(days: int, agents: int, seed: int = 1) -> Calls:
    """Calls of ``agents`` agents serving back to back (lognormal handle times, mean about 180 s)
    for ``days`` days, plus an eighth as many abandoned calls."""
    rng = np.random.default_rng(seed)
    per = 220  # more calls than fit in a day
    shape = (days * agents, per)
    handle = np.maximum(rng.lognormal(np.log(150.0), 0.8, shape).round(), FLAT_HANDLE_S)
    gap = rng.exponential(20.0, shape).round() + 5.0
    start = OPEN_S + np.cumsum(gap + handle, axis=1) - handle
    keep = start + handle < CLOSE_S
    day = np.repeat(np.arange(days), agents)[:, None].repeat(per, axis=1)[keep]
    agent = np.tile(np.arange(agents), days)[:, None].repeat(per, axis=1)[keep]
    start, handle = start[keep], handle[keep]
    n = len(start)
    waited = rng.random(n) < 0.5
    wait = np.where(waited, np.minimum(rng.exponential(40.0, n).round() + 1, start - OPEN_S), 0.0)
    m = n // 8
    served = np.r_[np.ones(n, bool), np.zeros(m, bool)]
    answer = np.r_[start, np.full(m, np.nan)]
    gave_up_wait = rng.exponential(90.0, m).round() + 1.0
    arrival = np.r_[start - wait, rng.uniform(OPEN_S, CLOSE_S - 600.0, m).round()]
    return {
        "day": np.r_[day, rng.integers(0, days, m)],
        "arrival": arrival,
        "wait": np.r_[wait, gave_up_wait],
        "answer": answer,
        "handle": np.r_[handle, np.full(m, np.nan)],
        "served": served,
        "order": rng.random(n + m) < 0.3,
        "agent": np.r_[agent, np.zeros(m, int)],
    }


def write(calls: Calls, path: Path) -> Path:
    """The calls as a CSV export the schema :data:`SCHEMA` reads."""
    origin = np.datetime64("2027-01-04T00:00:00") + calls["day"].astype("timedelta64[D]")

    def stamp(seconds: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        ok = ~np.isnan(seconds) if mask is None else mask
        times = origin + np.where(ok, seconds, 0).astype("timedelta64[s]")
        return np.where(ok, np.datetime_as_string(times, unit="s"), "")

    queued, served = calls["wait"] > 0, calls["served"]
    pd.DataFrame(
        {
            "arrived": stamp(calls["arrival"]),
            "queued_at": stamp(calls["arrival"], queued),
            "left_queue": stamp(calls["arrival"] + calls["wait"], queued),
            "answered": stamp(calls["answer"]),
            "ended": stamp(calls["answer"] + calls["handle"]),
            "result": np.where(served, "ANSWERED", "ABANDONED"),
            "queue": np.where(calls["order"], "order", "enquiry"),
            "agent": np.where(served, np.char.add("A", calls["agent"].astype(str)), ""),
        }
    ).to_csv(path, index=False)
    return path


def keep_a_handful_of_evening_orders(calls: Calls) -> Calls:
    """Only four order calls arrive from 17:00 (all answered at once)."""
    evening = calls["order"] & (calls["arrival"] >= EVENING_S)
    kept = np.flatnonzero(evening & calls["served"] & (calls["wait"] == 0))[:4]
    drop = evening.copy()
    drop[kept] = False
    return {key: value[~drop] for key, value in calls.items()}


def flatten_the_evening(calls: Calls) -> Calls:
    """From 17:00 every service takes :data:`FLAT_HANDLE_S`; every evening enquiry caller who
    hung up waited :data:`FLAT_WAIT_S` and no evening enquiry caller waited longer."""
    out = dict(calls)
    evening = calls["arrival"] >= EVENING_S
    out["handle"] = np.where(evening & calls["served"], FLAT_HANDLE_S, calls["handle"])
    enquiry = evening & ~calls["order"]
    wait = np.where(enquiry & ~calls["served"], FLAT_WAIT_S, calls["wait"])
    wait = np.where(enquiry & calls["served"], np.minimum(wait, FLAT_WAIT_S), wait)
    out["arrival"] = np.where(enquiry & calls["served"], calls["answer"] - wait, calls["arrival"])
    out["wait"] = wait
    return out


def calibrated(
    folder: Path, days: int, agents: int, *edits: Callable[[Calls], Calls]
) -> Calibration:
    calls = generate(days, agents)
    for edit in edits:
        calls = edit(calls)
    log = read_logs([write(calls, folder / "log.csv")], SCHEMA)
    # patience independent of the queue: the flat waits are fitted as they are, not scaled
    return calibrate(log, band_edges=[17], queue_patience=False)


def check_borrowing(cal: Calibration, folder: Path) -> None:
    """Each band too thin or too flat borrows the right pooled fit, with a warning and a note in
    the scenario file, and the scenario loads."""
    warnings = {(f.type_name, f.quantity): f.warning() for f in cal.fallbacks}
    # four evening orders: too few services and no abandonment; the evening's fits over all
    # types are flat, so theirs come from orders over all hours
    thin = warnings[("order@17-24h", "handle time")]
    assert thin.startswith("order@17-24h: handle time: only 4 services with both times")
    assert f"(a fit needs at least {MIN_SERVICES})" in thin
    assert "all types@17-24h too: every handle time is 30 s: a lognormal needs spread" in thin
    assert thin.endswith("using the handle time fitted on order")
    assert cal.handle_for("order@17-24h")[0] is cal.handle["order"]
    assert warnings[("order@17-24h", "patience")].startswith(
        "order@17-24h: patience: no queued caller abandoned; all types@17-24h too: every "
        "abandoned caller waited 45 s and nobody waited longer: patience needs spread"
    )
    assert cal.patience_for("order@17-24h")[0] is cal.patience["order"]
    # evening enquiries: plenty of calls, but every service 30 s and every abandonment at 45 s
    # (and the evening orders answered at once: the evening's fits over all types are as flat)
    flat = warnings[("enquiry@17-24h", "handle time")]
    assert (
        "enquiry@17-24h: handle time: every handle time is 30 s: a lognormal needs spread" in flat
    )
    assert cal.handle_for("enquiry@17-24h")[0] is cal.handle["enquiry"]
    patience = warnings[("enquiry@17-24h", "patience")]
    assert "every abandoned caller waited 45 s and nobody waited longer" in patience
    assert patience.endswith("using the patience fitted on enquiry")
    assert cal.patience_for("enquiry@17-24h")[0] is cal.patience["enquiry"]
    # the daytime bands have fits of their own
    assert {f.type_name for f in cal.fallbacks} == {"order@17-24h", "enquiry@17-24h"}
    comments = " ".join(cal.yaml_text.replace("#", " ").split())
    assert "every handle time is 30 s: a lognormal needs spread; borrowed from enquiry:" in comments
    path = folder / "calibrated.yaml"
    path.write_text(cal.yaml_text, encoding="utf-8")
    scenario = load_scenario(path)
    evening = scenario.demand.contact_types["enquiry@17-24h"]
    assert evening.handle_time.mean_min == pytest.approx(cal.handle["enquiry"].mean_s / 60, 1e-3)
    assert evening.handle_time.cv > 0.1


def test_thin_and_flat_bands_borrow_pooled_fits(tmp_path: Path) -> None:
    cal = calibrated(tmp_path, 10, 12, keep_a_handful_of_evening_orders, flatten_the_evening)
    check_borrowing(cal, tmp_path)


@pytest.mark.long
def test_thin_and_flat_bands_in_a_large_log(tmp_path: Path) -> None:
    """The same on about 1.2 million calls (a minute or so: reading and staffing dominate)."""
    started = time.perf_counter()
    cal = calibrated(tmp_path, 100, 60, keep_a_handful_of_evening_orders, flatten_the_evening)
    assert cal.report.rows_read > 1_000_000
    check_borrowing(cal, tmp_path)
    print(f"{cal.report.rows_read:,} rows calibrated in {time.perf_counter() - started:.0f} s")


def test_every_handle_time_equal_is_a_clean_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the command line: exit 2, one line naming the log, the columns and the problem,
    no traceback, no scenario written."""
    calls = generate(7, 4)
    calls["handle"] = np.where(calls["served"], 300.0, np.nan)
    log = write(calls, tmp_path / "flat.csv")
    schema = tmp_path / "schema.yaml"
    schema.write_text(SCHEMA.model_dump_json(), encoding="utf-8")
    out = tmp_path / "out.yaml"
    argv = ["calibrate", str(log), "--schema", str(schema), "--out", str(out)]
    parser = argparse.ArgumentParser()
    cli_calibrate.add_parser(parser.add_subparsers(dest="command"))
    status = guarded(argv, "calibrate", lambda: cli_calibrate.run(parser.parse_args(argv)))
    err = capsys.readouterr().err.strip()
    assert status == EXIT_BAD_INPUT
    assert err.splitlines() == [
        f"python -m sim calibrate: cannot calibrate: {log}: handle time (columns answered to "
        "ended): every handle time is 300 s: a lognormal needs spread"
    ]
    assert not out.exists()


def test_fallback_order() -> None:
    assert fallback_keys("regular@20-24h") == [
        "regular@20-24h",
        "all types@20-24h",
        "regular",
        POOLED,
    ]
    assert fallback_keys("regular") == ["regular", POOLED]
    assert fallback_keys("all types@20-24h") == ["all types@20-24h", POOLED]
    assert fallback_keys(POOLED) == [POOLED]


def test_what_makes_a_sample_unfit() -> None:
    rng = np.random.default_rng(5)
    assert handle_problem(rng.lognormal(5.0, 1.0, 50)) is None
    assert handle_problem(np.array([100.0, 200.0, np.nan])) == (
        f"only 2 services with both times (a fit needs at least {MIN_SERVICES})"
    )
    assert handle_problem(np.zeros(20)) == "every handle time is 0 s"
    assert "hardly vary" in handle_problem(np.r_[np.full(10_000, 300.0), 300.001])
    wait = rng.exponential(60.0, 400)
    gave_up = rng.random(400) < 0.3
    assert patience_problem(wait, gave_up) is None
    assert patience_problem(wait, np.zeros(400, bool)) == "no queued caller abandoned"
    assert patience_problem(wait[:50], gave_up[:50]).startswith("only ")
    assert patience_problem(np.zeros(400), gave_up) == (
        "every queued caller's wait is 0 s: patience needs time spent waiting"
    )
    flat = np.where(gave_up, 45.0, np.minimum(wait, 45.0))
    assert "every abandoned caller waited 45 s and nobody waited longer" in patience_problem(
        flat, gave_up
    )
    assert patience_problem(flat, gave_up, minimum=MIN_PATIENCE_EVENTS) is not None
    # one caller waited longer than the flat abandonments: censoring gives the spread
    assert patience_problem(np.r_[flat, 500.0], np.r_[gave_up, False]) is None


def test_a_collapsed_lognormal_patience_is_not_kept() -> None:
    """The only abandonment is the longest wait: the censored lognormal collapses onto it, and
    the scenario gets the exponential fit."""
    wait = np.array([0.0] * 150 + [5.0, 12.0, 30.0, 400.0])
    fit = fit_patience(wait, wait == 400.0)
    assert fit.kept == "exponential" or fit.lognormal_cv >= MIN_CV


def test_degenerate_pooled_patience_is_a_log_error(tmp_path: Path) -> None:
    calls = generate(7, 4)
    calls["wait"] = np.where(calls["served"], np.minimum(calls["wait"], 45.0), 45.0)
    calls["arrival"] = np.where(calls["served"], calls["answer"] - calls["wait"], calls["arrival"])
    log = read_logs([write(calls, tmp_path / "log.csv")], SCHEMA)
    with pytest.raises(LogError, match=r"patience \(waits, columns queued_at to left_queue\): "):
        calibrate(log, queue_patience=False)
