"""The arrival forecast on synthetic logs with a known truth: it recovers the weekly pattern, the
trend and a holiday's effect; its prediction intervals reach their nominal coverage; the seasonal
naive baseline and the rolling-origin evaluation line up; holiday calendars fail clearly."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest

from sim.cli.main import main
from sim.logs.forecast import TREND_DAYS, LogCounts, forecast_counts
from sim.logs.forecast_eval import evaluate_forecast
from sim.logs.holidays import HolidayCalendar, load_holidays
from sim.logs.log_schema import LogError, load_schema
from sim.scenario.desk import WEEKDAYS

ROOT = Path(__file__).resolve().parents[2]
MAY = ROOT / "data" / "anonymous-bank-1999" / "1999-05-may.txt.gz"

START = dt.date(2001, 1, 7)  # a Sunday
WEEKLY = {"sun": 1.1, "mon": 1.0, "tue": 1.05, "wed": 1.0, "thu": 1.1, "fri": 0.3, "sat": 0.15}
BASE = 1500.0
TREND = 1.05  # per TREND_DAYS days
REDUCED = 0.5  # a "reduced" day has half its weekday's calls
ALPHA = 0.01  # NB2 dispersion: day-to-day CV 0.1 beyond Poisson
PROFILE = np.r_[np.zeros(14), np.hanning(30) + 0.05, np.zeros(4)]  # 48 half hours, 07:00-22:00
TYPE_SHARES = np.array([0.7, 0.3])


def _calendar(reduced: list[dt.date], first: dt.date, last: dt.date) -> HolidayCalendar:
    return HolidayCalendar.model_validate(
        {
            "name": "synthetic",
            "covers": {"first": first, "last": last},
            "kinds": {"reduced": {"description": "half a day's business"}},
            "days": [{"date": d, "kind": "reduced"} for d in reduced],
        }
    )


def _expected(dates: list[dt.date], calendar: HolidayCalendar) -> np.ndarray:
    return np.array(
        [
            BASE
            * WEEKLY[WEEKDAYS[d.weekday()]]
            * TREND ** ((d - START).days / TREND_DAYS)
            * (REDUCED if calendar.kind_on(d) else 1.0)
            for d in dates
        ]
    )


def _synthetic(days: int, rng: np.random.Generator, calendar: HolidayCalendar) -> LogCounts:
    """Negative-binomial days with the known pattern, split by a fixed profile and type mix."""
    dates = [START + dt.timedelta(days=i) for i in range(days)]
    mean = _expected(dates, calendar)
    day_calls = rng.poisson(mean * rng.gamma(1.0 / ALPHA, ALPHA, size=days))
    cells = np.outer(TYPE_SHARES, PROFILE / PROFILE.sum()).ravel()
    counts = np.stack([rng.multinomial(n, cells) for n in day_calls]).reshape(days, 2, 48)
    return LogCounts(
        tuple(dates), ("regular", "internet"), 30, counts.astype(float), ("synthetic",), "test"
    )


def _reduced_days(days: int) -> list[dt.date]:
    return [START + dt.timedelta(days=i) for i in range(9, days, 23)]  # various weekdays


def test_recovers_weekly_pattern_trend_and_holiday_effect() -> None:
    days = 182
    last = START + dt.timedelta(days=days + 30)
    calendar = _calendar(_reduced_days(days), START, last)
    history = _synthetic(days, np.random.default_rng(1), calendar)
    fc = forecast_counts(history, calendar, history.dates[-1] + dt.timedelta(days=1), 28)
    effects = {term: factor for term, factor, _, _ in fc.model.effects()}
    assert fc.model.base_weekday == "mon"
    for w in ("sun", "tue", "wed", "thu", "fri", "sat"):
        assert effects[f"weekday {w}"] == pytest.approx(WEEKLY[w], rel=0.1), w
    assert effects[f"trend per {TREND_DAYS} days"] == pytest.approx(TREND, rel=0.015)
    assert effects["holiday kind reduced"] == pytest.approx(REDUCED, rel=0.12)
    assert math.sqrt(ALPHA) == pytest.approx(fc.day_volume_cv, rel=0.3)
    # the forecast days follow the truth, and the intraday profile and type mix are the log's
    truth = _expected(list(fc.dates), calendar)
    assert np.abs(fc.day_mean / truth - 1).max() < 0.08
    shares = fc.shares[1]  # a Monday
    assert shares.sum(axis=1) == pytest.approx(TYPE_SHARES, abs=0.01)
    assert shares.sum(axis=0) == pytest.approx(PROFILE / PROFILE.sum(), abs=0.004)
    assert fc.mean.sum(axis=(1, 2)) == pytest.approx(fc.day_mean)


def test_prediction_intervals_reach_nominal_coverage() -> None:
    """Forecast 26 weeks from 26 weeks of history, 90% intervals: the days and the intervals of
    the future drawn from the same process fall inside about 90% of the time."""
    days = 364
    calendar = _calendar(_reduced_days(days), START, START + dt.timedelta(days=days))
    log = _synthetic(days, np.random.default_rng(7), calendar)
    split = days // 2
    result = evaluate_forecast(
        log, calendar, log.dates[split], horizon_days=days - split, step_days=days
    )
    scores = result.scores().set_index(["scope", "horizon", "method"])
    day = scores.loc[("day", "all", "forecast")]
    interval = scores.loc[("interval", "all", "forecast")]
    assert day["n"] == days - split
    assert 0.84 <= day["coverage"] <= 0.96, day["coverage"]
    assert 0.86 <= interval["coverage"] <= 0.94, interval["coverage"]
    # with a trend the seasonal-naive forecast (last week repeated) lags; the model does not
    assert day["rmse_vs_naive"] < -0.1


def test_seasonal_naive_repeats_the_last_week() -> None:
    days = 42
    calendar = HolidayCalendar.none()
    log = _synthetic(days, np.random.default_rng(3), calendar)
    result = evaluate_forecast(log, calendar, log.dates[28], horizon_days=14, step_days=14)
    totals = log.day_totals()
    naive = result.days["seasonal_naive"].to_numpy()
    assert naive == pytest.approx(np.r_[totals[21:28], totals[21:28]])
    assert result.days["horizon"].tolist() == list(range(1, 15))


def test_holiday_calendar_absent_or_bad(tmp_path: Path) -> None:
    schema = load_schema("anonymous-bank").model_copy(update={"holidays": None})
    with pytest.raises(LogError, match="no holiday calendar: log schema anonymous-bank names none"):
        load_holidays(None, schema)
    assert load_holidays(None, load_schema("anonymous-bank")).name == "israel-1999"
    with pytest.raises(LogError, match=r"nowhere\.yaml: no such holiday calendar.*israel-1999"):
        load_holidays("nowhere.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: x\ncovers: {first: 2001-01-01, last: 2001-12-31}\nkinds: {holiday: {}}\n"
        "days: [{date: 2001-03-01, kind: festival}]\n",
        encoding="utf-8",
    )
    with pytest.raises(LogError, match=r"bad\.yaml: .*kind 'festival' is not one of the kinds"):
        load_holidays(bad)
    bad.write_text("name: [x\n", encoding="utf-8")
    with pytest.raises(LogError, match=r"bad\.yaml:\d+:\d+: malformed YAML"):
        load_holidays(bad)
    short = _calendar([], START, START + dt.timedelta(days=60))
    log = _synthetic(56, np.random.default_rng(2), short)
    with pytest.raises(LogError, match=r"covers .* but the history and the forecast runs"):
        forecast_counts(log, short, log.dates[-1] + dt.timedelta(days=1), 28)


def test_forecast_cli_bad_calendar_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "calendar.yaml"
    bad.write_text("name: x\ncovers: {first: 1999-01-01}\n", encoding="utf-8")
    out = tmp_path / "f.csv"
    args = ["forecast", str(MAY), "--schema", "anonymous-bank", "--start", "1999-06-01"]
    status = main([*args, "--days", "7", "--out", str(out), "--holidays", str(bad)])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "calendar.yaml" in err and "covers.last" in err
    assert not out.exists()
