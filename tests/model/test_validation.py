"""Validation against a real log: the building blocks by hand, the shipped sample month end to end
(calibrate, then ``validate-log --json``), and (``long``) calibration on January-March validated
on April-July, out of sample, in the three modes of docs/validation.md.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import calibrate as cli_calibrate
from sim.cli import validate as cli_validate
from sim.logs.bands import band_name, split_band
from sim.logs.calibrate import calibrate
from sim.logs.contact_log import read_logs
from sim.logs.duty_rule import IDLE_MAX_MIN, SLACK_MIN
from sim.logs.erlang_baseline import erlang_a_totals
from sim.logs.forecast import forecast_arrivals, log_counts
from sim.logs.forecast_eval import evaluate_forecast
from sim.logs.holidays import load_holidays
from sim.logs.log_schema import load_schema
from sim.logs.observed import MEASURES, measures, scenario_type_of, tally
from sim.logs.scenario_file import exponential_patience_s, staffing_rule
from sim.logs.validation import pooled_targets, validate
from sim.queueing import erlang_a_kpis
from sim.scenario.desk import ServiceLevel

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "anonymous-bank-1999"
"""The shipped January-July 1999 data."""
SAMPLE = DATA / "1999-05-may.txt.gz"
MONTHS = [
    "01-january",
    "02-february",
    "03-march",
    "04-april",
    "05-may",
    "06-june",
    "07-july",
]
BANDS = "8,10,12,14,16,18,20,22"
"""Hour bands of the recommended calibration (docs/validation.md)."""


# --- building blocks -----------------------------------------------------------------------------


def test_tally_and_measures_by_hand() -> None:
    sl = ServiceLevel(threshold_s=20.0)
    # day 0, 09:00: answered at once, answered after 30 s, abandoned after 50 s; 10:00: answered
    # after 10 s
    totals = tally(
        day=np.array([0, 0, 0, 0]),
        hour=np.array([9, 9, 9, 10]),
        n_days=1,
        answered=np.array([True, True, False, True]),
        wait_s=np.array([0.0, 30.0, 50.0, 10.0]),
        sl=sl,
    )
    nine = measures(totals[0, 9])
    assert nine["abandon_rate"] == pytest.approx(1 / 3)
    assert nine["mean_wait_served_s"] == pytest.approx(15.0)
    assert nine["mean_wait_abandoned_s"] == pytest.approx(50.0)
    assert nine["p_no_wait"] == pytest.approx(1 / 3)
    assert nine["service_level"] == pytest.approx(1 / 3)
    overall = measures(totals.sum(axis=(0, 1)))
    assert overall["service_level"] == pytest.approx(2 / 4)
    assert overall["mean_wait_served_s"] == pytest.approx(40.0 / 3)
    assert math.isnan(measures(totals[0, 10])["mean_wait_abandoned_s"])  # nobody abandoned
    excluded = tally(
        np.zeros(4, int),
        np.array([9, 9, 9, 10]),
        1,
        np.array([True, True, False, True]),
        np.array([0.0, 30.0, 50.0, 10.0]),
        ServiceLevel(threshold_s=20.0, abandoned="exclude"),
    )
    assert measures(excluded.sum(axis=(0, 1)))["service_level"] == pytest.approx(2 / 3)


def test_pooled_targets_sum_totals_across_periods() -> None:
    sl = ServiceLevel(threshold_s=20.0)

    def fake(answered: list[bool], wait: list[float], sim_waits: list[list[float]]) -> object:
        hours = np.array([9, 9, 10, 11])
        obs = tally(np.zeros(4, int), hours, 1, np.array(answered), np.array(wait), sl)
        sim = np.stack(
            [
                tally(np.zeros(4, int), hours, 1, np.array(answered), np.array(w), sl)
                for w in sim_waits
            ]
        )
        period = argparse.Namespace(observed=obs)
        return argparse.Namespace(period=period, simulated=sim, replications=len(sim_waits))

    a = fake([True, False, True, False], [10.0, 5.0, 0.0, 8.0], [[20.0, 5, 0, 8], [40.0, 5, 0, 8]])
    b = fake([True, True, False, True], [30.0, 0.0, 9.0, 10.0], [[30.0, 0, 9, 10]] * 2)
    t = pooled_targets([a, b])  # type: ignore[list-item]
    assert t["abandon_rate_observed"] == pytest.approx(3 / 8)
    assert t["abandon_rate_diff_pp"] == pytest.approx(0.0)
    # observed: answered waits 10, 0, 30, 0, 10 -> 10 s; simulated: 20/40 in place of 10 -> 12/16
    assert t["mean_wait_served_observed_s"] == pytest.approx(10.0)
    assert t["mean_wait_served_simulated_s"] == pytest.approx(14.0)
    assert t["mean_wait_served_rel_diff"] == pytest.approx(0.4)
    assert t["hour_correlation_abandon_rate"] == pytest.approx(1.0)
    assert not t["all_targets_met"]  # the wait is 40% off
    with pytest.raises(ValueError):
        pooled_targets([a, fake([True] * 4, [0.0] * 4, [[0.0] * 4] * 3)])  # type: ignore[list-item]


def test_erlang_a_aggregates_intervals_weighted_by_calls() -> None:
    """Two 30-minute intervals of the 09:00 hour (60 and 20 calls, 5 and 2 agents) and one of
    10:00: the hour's measures are the call-weighted means of the intervals' Erlang A values
    (the wait of answered calls weighted by calls answered)."""
    sl = ServiceLevel(threshold_s=20.0)
    arrivals = np.zeros((1, 48))
    agents = np.zeros((1, 48), dtype=int)
    busy = np.full((1, 48), 3.0)
    patience = np.full((1, 48), 4.0)
    arrivals[0, [18, 19, 20]] = [60, 20, 30]
    agents[0, [18, 19, 20]] = [5, 2, 4]
    totals = erlang_a_totals(arrivals, agents, busy, patience, 30, sl)
    k = [erlang_a_kpis(n / 30.0, s, 3.0, 4.0, 20.0) for n, s in ((60, 5), (20, 2))]
    w = np.array([60.0, 20.0])
    nine = measures(totals[0, 9])
    p_ab = np.array([x.p_abandon for x in k])
    assert nine["abandon_rate"] == pytest.approx(np.average(p_ab, weights=w))
    assert nine["p_no_wait"] == pytest.approx(np.average([1 - x.p_wait for x in k], weights=w))
    assert nine["service_level"] == pytest.approx(
        np.average([x.service_level for x in k], weights=w)
    )
    answered = w * (1 - p_ab)
    assert nine["mean_wait_served_s"] == pytest.approx(
        60.0 * np.average([x.asa_min for x in k], weights=answered)
    )
    wait_abandoned = [(x.mean_wait_min - (1 - x.p_abandon) * x.asa_min) / x.p_abandon for x in k]
    assert nine["mean_wait_abandoned_s"] == pytest.approx(
        60.0 * np.average(wait_abandoned, weights=w * p_ab)
    )
    assert totals[0, 9, 0] == 80 and totals[0, 10, 0] == 30
    ten = erlang_a_kpis(1.0, 4, 3.0, 4.0, 20.0)
    assert measures(totals[0, 10])["abandon_rate"] == pytest.approx(ten.p_abandon)


def test_log_types_map_onto_hour_bands() -> None:
    schema = load_schema("anonymous-bank")
    names = [band_name("regular", (0, 20)), band_name("regular", (20, 24)), "other@00-24h"]
    assert split_band(names[1]) == ("regular", (20, 24))
    assert split_band("regular") == ("regular", None)
    codes = pd.Series(["PS", "PS", "NE", "PS"])
    got = scenario_type_of(codes, np.array([9, 21, 9, 19]), schema, names)
    assert list(got) == [names[0], names[1], names[2], names[0]]
    plain = scenario_type_of(codes, np.zeros(4), schema, ["regular", "stock_exchange"])
    assert list(plain) == ["regular", "regular", "stock_exchange", "regular"]


# --- the shipped sample month --------------------------------------------------------------------


def _calibrate_cli(logs: list[Path], out: Path, *extra: str, status: int = 0) -> None:
    parser = argparse.ArgumentParser()
    cli_calibrate.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        ["calibrate", *map(str, logs), "--schema", "anonymous-bank", "--out", str(out), *extra]
    )
    assert cli_calibrate.run(args) == status


@pytest.fixture(scope="module")
def sample_json(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict:
    """The sample month calibrated with hour bands and validated in sample, as JSON."""
    tmp = tmp_path_factory.mktemp("validate")
    scenario = tmp / "calibrated.yaml"
    _calibrate_cli([SAMPLE], scenario, "--hour-bands", BANDS)
    assert exponential_patience_s(scenario.read_text(encoding="utf-8"))["all types"] > 100
    parser = argparse.ArgumentParser()
    cli_validate.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        [
            "validate-log",
            str(SAMPLE),
            "--schema",
            "anonymous-bank",
            "--scenario",
            str(scenario),
            "--replications",
            "4",
            "--seed",
            "3",
            "--workers",
            "1",
            "--out",
            str(tmp / "out"),
            "--json",
        ]
    )
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert cli_validate.run(args) == 0
    files = {p.name for p in (tmp / "out").iterdir()}
    assert {"validation.parquet", "validation.csv", "validation.json", "overview.png"} <= files
    assert {f"by_hour_{m}.png" for m in MEASURES} <= files
    return json.loads(buffer.getvalue())


def test_validate_log_json_shape(sample_json: dict) -> None:
    out = sample_json
    assert set(out) >= {"overall", "by_hour"}
    blocks = [out["overall"], *out["by_hour"]]
    assert [b["hour"] for b in out["by_hour"]] == sorted(b["hour"] for b in out["by_hour"])
    assert {7, 12, 22} <= {b["hour"] for b in out["by_hour"]}
    for block in blocks:
        for source in ("observed", "simulated"):
            assert set(block[source]) == set(MEASURES)
            for value in block[source].values():
                assert set(value) == {"mean", "ci_low", "ci_high"}
        assert set(block["erlang_a"]) == set(MEASURES)
    overall = out["overall"]
    for source in ("observed", "simulated"):
        for m, value in overall[source].items():
            assert all(math.isfinite(value[k]) for k in value), (source, m)
            assert value["ci_low"] <= value["mean"] <= value["ci_high"]
    assert all(math.isfinite(v) for v in overall["erlang_a"].values())
    assert overall["calls"] == sum(b["calls"] for b in out["by_hour"])
    assert overall["observed"]["abandon_rate"]["mean"] == pytest.approx(0.193, abs=0.002)
    # validate-log infers the agents with the staffing rule the scenario was calibrated with
    assert (out["slack_min"], out["idle_max_min"]) == (SLACK_MIN, IDLE_MAX_MIN)
    assert out["mode"] == out["targets"]["mode"] == "trace"


def test_staffing_rule_recorded_in_the_scenario_file(tmp_path: Path) -> None:
    scenario = tmp_path / "calibrated.yaml"
    _calibrate_cli([SAMPLE], scenario, "--slack-min", "1.5", "--idle-max-min", "12")
    assert staffing_rule(scenario.read_text(encoding="utf-8")) == {
        "slack_min": 1.5,
        "idle_max_min": 12.0,
    }
    assert staffing_rule("name: hand-written\n") is None


def test_staffing_rule_settings_must_fit_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.yaml"
    _calibrate_cli([SAMPLE], out, "--slack-min", "5", "--idle-max-min", "6", status=2)
    err = capsys.readouterr().err
    assert "--idle-max-min 6 is shorter than twice --slack-min 5" in err
    assert not out.exists()


def test_sample_month_in_sample_targets(sample_json: dict) -> None:
    """In sample, the May calibration reproduces May's abandonment within 2 percentage points
    and the mean wait of answered calls within 15%; the hour-of-day correlation of abandonment is
    about 0.8 (0.80 with 10 replications, docs/validation.md; 07:00 is the month's outlier), so
    with 4 replications it is only required to exceed 0.7."""
    t = sample_json["targets"]
    assert t["abandon_rate_within_2pp"], t
    assert t["mean_wait_served_within_15pct"], t
    assert t["hour_correlation_abandon_rate"] > 0.7, t
    assert t["hour_correlation_abandon_rate"] > 0.5


# --- out of sample: January-March -> April-July, the three modes ---------------------------------


@pytest.fixture(scope="module")
def january_march() -> tuple:
    """(the January-March calibration, the April-July log, the January-July log)."""
    log = read_logs([DATA / f"1999-{m}.txt.gz" for m in MONTHS], "anonymous-bank")
    records = log.records
    cut = pd.Timestamp("1999-04-01")
    first = dataclasses.replace(log, records=records[records["date"] < cut])
    later = dataclasses.replace(log, records=records[records["date"] >= cut])
    return calibrate(first, band_edges=[int(h) for h in BANDS.split(",")]), later, log


@pytest.mark.long
def test_out_of_sample_january_march_to_april_july(january_march: tuple) -> None:
    """Trace mode, calibrated on January-March, validated on April-July: the three held-out targets
    (abandonment within 2 points, mean wait of answered calls within 15%, hour-of-day correlation
    of abandonment at least 0.8), and the simulation at least as close as Erlang A on every
    measure."""
    cal, later, _ = january_march
    fitted = cal.erlang_patience_s
    result = validate(later, cal.scenario(), replications=3, seed=5, erlang_patience=fitted)
    t = result.targets()
    assert t["abandon_rate_within_2pp"], t
    assert t["mean_wait_served_within_15pct"], t
    assert t["hour_correlation_at_least_0.8"], t
    for measure, closer in t["versus_erlang_a"].items():  # overall and hour by hour
        assert closer["simulation_at_least_as_close"], (measure, closer)


@pytest.mark.long
def test_planned_staffing_january_march_to_april_july(january_march: tuple) -> None:
    """Planned-staffing mode (observed calls, the January-March weekday x interval roster), as in
    docs/validation.md (10 replications, the scenario's seed): +0.2 pp, +4%, hour-of-day
    correlation 0.81, all three targets met. The correlation is close to its target (0.75 with 3
    replications and another seed)."""
    cal, later, _ = january_march
    result = validate(later, cal.scenario(), mode="planned-staffing", replications=10)
    t = result.targets()
    assert t["mode"] == "planned-staffing"
    assert t["abandon_rate_diff_pp"] == pytest.approx(0.2, abs=0.05), t
    assert t["mean_wait_served_rel_diff"] == pytest.approx(0.04, abs=0.005), t
    assert t["hour_correlation_at_least_0.8"], t


@pytest.mark.long
def test_forecast_mode_january_march_to_april_july(january_march: tuple) -> None:
    """Forecast mode (calls forecast from January-March, the planned roster), as in
    docs/validation.md: the forecast is 6% short of the calls that came, and the simulated
    abandonment 4.9 points below the observed: the reported miss of the ±3 pp target."""
    cal, later, log = january_march
    first = dataclasses.replace(log, records=log.records[log.records["date"] < "1999-04-01"])
    forecast = forecast_arrivals(first, dt.date(1999, 4, 1), 122, load_holidays("israel-1999"))
    assert forecast.day_mean.sum() == pytest.approx(130_559, rel=0.001)
    result = validate(later, cal.scenario(), mode="forecast", forecast=forecast, replications=10)
    t = result.targets()
    assert t["mode"] == "forecast" and t["abandon_rate_target_pp"] == 3.0
    assert t["abandon_rate_diff_pp"] == pytest.approx(-4.9, abs=0.1), t
    assert not t["abandon_rate_within_target"]


@pytest.mark.long
def test_forecast_beats_seasonal_naive_january_march_to_april_july(january_march: tuple) -> None:
    """The forecast from January-March: its daily error over April-July is at least 10% below
    the seasonal-naive forecast's (docs/validation.md: 57% below)."""
    counts = log_counts(january_march[2])
    result = evaluate_forecast(
        counts, load_holidays("israel-1999"), dt.date(1999, 4, 1), horizon_days=122, step_days=122
    )
    day = result.scores().set_index(["scope", "horizon", "method"]).loc[("day", "all", "forecast")]
    assert day["n"] == 122
    assert day["rmse_vs_naive"] <= -0.10, day
