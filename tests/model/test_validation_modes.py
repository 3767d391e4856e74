"""The three validation modes on one week of the shipped May log: each re-simulates with its own
inputs (trace: inferred agents; planned-staffing: the scenario's roster; forecast: calls forecast
from the days before), records its mode in every output, and refuses a forecast that looks into
the validated week."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from sim.cli.main import main
from sim.logs.calibrate import calibrate
from sim.logs.contact_log import CleanLog, read_logs
from sim.logs.forecast import forecast_arrivals, log_counts
from sim.logs.holidays import load_holidays
from sim.logs.log_schema import LogError
from sim.logs.modes import MODES
from sim.logs.plan import planned_roster
from sim.logs.validation import Validation, modes_table, validate
from sim.plotting.validation import forecast_chart, modes_chart, validation_figures
from sim.scenario.desk import WEEKDAYS
from sim.scenario.scenario import Scenario
from sim.scenario.staffing import QueueingRoster

ROOT = Path(__file__).resolve().parents[2]
MAY = ROOT / "data" / "anonymous-bank-1999" / "1999-05-may.txt.gz"
WEEK = (dt.date(1999, 5, 23), dt.date(1999, 5, 29))
"""Sunday to Saturday after Shavuot: the validated week."""


def _days(log: CleanLog, first: dt.date, last: dt.date) -> CleanLog:
    day = log.records["date"].dt.date
    return dataclasses.replace(log, records=log.records[(day >= first) & (day <= last)])


@pytest.fixture(scope="module")
def may() -> tuple[CleanLog, Scenario]:
    """The May log and May calibrated on itself."""
    log = read_logs([MAY], "anonymous-bank")
    return log, calibrate(log).scenario()


@pytest.fixture(scope="module")
def runs(may: tuple[CleanLog, Scenario]) -> dict[str, Validation]:
    """May's week after Shavuot validated in each mode."""
    log, scenario = may
    week = _days(log, *WEEK)
    forecast = forecast_arrivals(log, WEEK[0], 7, load_holidays(None, log.schema))
    return {
        mode: validate(
            week, scenario, mode=mode, forecast=forecast, replications=2, seed=4, workers=1
        )
        for mode in MODES
    }


def test_each_mode_takes_its_own_inputs(runs: dict[str, Validation]) -> None:
    trace, planned, fc = (runs[m] for m in ("trace", "planned-staffing", "forecast"))
    assert trace.inputs.roster == pytest.approx(trace.period.roster)
    assert planned.inputs.arrivals.sum() <= trace.period.arrivals.sum()
    # the planned roster is the weekday profile of May, not this week's inferred agents
    assert not np.array_equal(planned.inputs.roster, trace.period.roster)
    assert planned.inputs.roster.sum() > 0
    # the forecast's calls are not the observed ones, and carry the day-to-day variation
    assert fc.inputs.arrivals.sum() == pytest.approx(trace.period.arrivals.sum(), rel=0.3)
    assert not np.allclose(fc.inputs.arrivals, trace.period.arrivals)
    assert fc.inputs.day_volume_cv > 0 and trace.inputs.day_volume_cv == 0
    # the observed side is the same in every mode
    for v in (planned, fc):
        assert v.period.calls == trace.period.calls
    table = modes_table(list(runs.values()))
    assert list(table.index) == list(MODES)
    assert table.loc["trace", "calls_observed"] == trace.period.calls


def test_mode_recorded_in_every_output(runs: dict[str, Validation], tmp_path: Path) -> None:
    for mode, v in runs.items():
        out = tmp_path / mode
        v.write(out)
        data = json.loads((out / "validation.json").read_text(encoding="utf-8"))
        assert data["mode"] == mode and data["targets"]["mode"] == mode
        assert data["mode_description"] == MODES[mode]
        for name in ("validation.parquet", "intervals.parquet"):
            assert set(pd.read_parquet(out / name)["mode"]) == {mode}
        assert set(pd.read_csv(out / "validation.csv")["mode"]) == {mode}
        assert f"{mode} mode" in v.table().splitlines()[0]
        assert f"{mode} mode" in v.source_line
    for fig in validation_figures(runs["forecast"]).values():
        assert "forecast mode" in fig.get_suptitle()
        plt.close(fig)


def test_charts_of_the_modes_and_the_forecast(runs: dict[str, Validation]) -> None:
    fig = modes_chart(list(runs.values()))
    assert "modes side by side" in fig.get_suptitle()
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert [f"simulated, {m} mode" for m in MODES] == labels[1:]
    plt.close(fig)
    log = read_logs([MAY], "anonymous-bank")
    forecast = forecast_arrivals(log, WEEK[0], 7, load_holidays("israel-1999"))
    fig = forecast_chart(forecast, log_counts(log))
    assert "Calls per day, forecast 1999-05-23 to 1999-05-29" in fig.get_suptitle()
    assert any("of days inside the interval" in t.get_text() for t in fig.legends[0].get_texts())
    plt.close(fig)


def test_a_queueing_rule_plans_from_the_demand(may: tuple[CleanLog, Scenario]) -> None:
    """A scenario whose roster is a staffing rule gets agents worked out from the planner's
    expected calls: twice the calls, more agents; a calibrated by-interval roster ignores them."""
    _, calibrated = may
    rule = calibrated.model_copy(
        update={"staffing": calibrated.staffing.model_copy(
            update={"tier1": QueueingRoster(kind="square_root", beta=0.5)}
        )}
    )  # fmt: skip
    dates = [WEEK[0] + dt.timedelta(days=i) for i in range(7)]
    planned = [WEEKDAYS[d.weekday()] for d in dates]
    hours = [calibrated.calendar.opening_hours.of(w) for w in planned]
    slots = [(round(h.open_h * 2), round(h.close_h * 2)) if h else (0, 0) for h in hours]
    demand = np.zeros((7, len(rule.demand.contact_types), 48))
    for d, (lo, hi) in enumerate(slots):
        demand[d, 0, lo:hi] = 30.0
    once = planned_roster(dates, rule, demand, slots, planned)
    twice = planned_roster(dates, rule, 2 * demand, slots, planned)
    open_ = demand[:, 0] > 0
    assert once[open_].min() >= 1
    assert (twice[open_] > once[open_]).all()
    assert np.array_equal(
        planned_roster(dates, calibrated, demand, slots, planned),
        planned_roster(dates, calibrated, 2 * demand, slots, planned),
    )


def test_forecast_mode_refuses_hindsight() -> None:
    log = read_logs([MAY], "anonymous-bank")
    scenario = calibrate(_days(log, dt.date(1999, 5, 1), dt.date(1999, 5, 22))).scenario()
    week = _days(log, *WEEK)
    short = forecast_arrivals(log, WEEK[0], 3, load_holidays("israel-1999")).table()
    with pytest.raises(LogError, match=r"misses 4 day\(s\) of the validated period"):
        validate(week, scenario, mode="forecast", forecast=short, replications=2)
    earlier = _days(log, WEEK[0] - dt.timedelta(days=2), WEEK[1])
    with pytest.raises(LogError, match="history runs to 1999-05-22, into the validated period"):
        validate(earlier, scenario, mode="forecast", forecast=short, replications=2)
    with pytest.raises(LogError, match="needs a forecast"):
        validate(week, scenario, mode="forecast", replications=2)
    with pytest.raises(LogError, match="unknown validation mode 'guess'"):
        validate(week, scenario, mode="guess", replications=2)


def test_validate_log_cli_checks_mode_options(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["validate-log", str(MAY), "--schema", "anonymous-bank"]
    assert main([*base, "--mode", "forecast"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--mode forecast needs --forecast FILE" in err
    assert main([*base, "--mode", "trace", "--forecast", "f.csv"]) == 2
    assert "--forecast is for --mode forecast, not --mode trace" in capsys.readouterr().err
