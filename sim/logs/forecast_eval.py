"""How well the arrival forecast predicts: rolling-origin evaluation against simple baselines.

From each origin (a day), the forecast of :mod:`sim.logs.forecast` is fitted on the days before
it only and predicts the next ``horizon_days`` days; the origin then moves on by ``step_days``
(Tashman 2000's rolling origin; the design of Ibrahim, Ye, L'Ecuyer & Shen 2016 and Shen & Huang
2008). Every forecast day is compared with what the log recorded, per day and per planning
interval (all contact types together), and with two baselines fitted on the same history:

* **seasonal naive**: the same weekday of the last week of the history (``y[t − 7k]``, ``k`` the
  smallest whole number of weeks reaching back into the history), and
* **weekday mean**: the mean of the history's ordinary days of that weekday (what a calibrated
  scenario simulates: :mod:`sim.logs.arrival_fits`), with their mean intraday profile.

Scores, each by horizon (the first week, later days) and overall: root mean squared error (RMSE);
the weighted absolute percentage error (WAPE, ``Σ|error| / Σ actual``: the mean absolute
percentage error weighted by volume, defined on days with few calls, such as holidays, where the
plain percentage error explodes); the share of days (or intervals) inside the forecast's
prediction interval (coverage); and the mean interval score of the prediction interval, a proper
scoring rule that charges its width and ``2 / (1 − level)`` times each miss (Gneiting & Raftery
2007).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.logs.forecast import (
    ABNORMAL_BELOW,
    LogCounts,
    forecast_counts,
    nb_interval,
)
from sim.logs.holidays import HolidayCalendar
from sim.logs.log_schema import LogError
from sim.scenario.desk import WEEKDAYS

METHODS = ("forecast", "seasonal_naive", "weekday_mean")
"""The forecast and its two baselines, as named in the tables."""


HORIZONS = ((1, 7), (8, 28), (29, 10_000))
"""Horizon buckets (days ahead, inclusive) the scores are also given for."""


@dataclass(frozen=True)
class ForecastEvaluation:
    """Forecasts from every origin, next to what happened.

    Attributes:
        days: One row per origin and forecast day: ``origin``, ``date``, ``horizon`` (days
            ahead, 1 = the origin), ``holiday``, ``actual``, ``forecast``, ``lower``, ``upper``,
            ``seasonal_naive``, ``weekday_mean``.
        intervals: One row per origin, day and interval with calls forecast or recorded (all
            types): ``origin``, ``date``, ``horizon``, ``interval_start_h``, and the same values.
        level: Level of the prediction intervals.
        horizon_days: Days forecast from each origin.
        step_days: Days between origins.
        files: The log files.
        calendar: The holiday calendar's name.
    """

    days: pd.DataFrame
    intervals: pd.DataFrame
    level: float
    horizon_days: int
    step_days: int
    files: tuple[str, ...]
    calendar: str

    @property
    def origins(self) -> list[dt.date]:
        """The origins, in order."""
        return sorted({d.date() for d in self.days["origin"]})

    def scores(self) -> pd.DataFrame:
        """One row per scope (``day``, ``interval``), horizon bucket (``1-7``, ..., ``all``) and
        method: ``n``, ``rmse``, ``wape``, ``rmse_vs_naive`` (the method's RMSE relative to
        seasonal naive's, minus 1), and for the forecast ``coverage`` and ``interval_score``."""
        rows = []
        for scope, frame in (("day", self.days), ("interval", self.intervals)):
            buckets = [(f"{lo}-{hi}" if hi < 10_000 else f"{lo}+", lo, hi) for lo, hi in HORIZONS]
            for name, lo, hi in [*buckets, ("all", 1, 10_000)]:
                part = frame[(frame["horizon"] >= lo) & (frame["horizon"] <= hi)]
                if part.empty:
                    continue
                actual = part["actual"].to_numpy()
                naive_rmse = _rmse(part["seasonal_naive"].to_numpy(), actual)
                for method in METHODS:
                    value = part[method].to_numpy()
                    rmse = _rmse(value, actual)
                    lower, upper = part["lower"].to_numpy(), part["upper"].to_numpy()
                    own = method == "forecast"
                    rows.append(
                        {
                            "scope": scope,
                            "horizon": name,
                            "method": method,
                            "n": len(part),
                            "rmse": rmse,
                            "wape": float(np.abs(value - actual).sum() / actual.sum()),
                            "rmse_vs_naive": rmse / naive_rmse - 1.0,
                            "coverage": float(((actual >= lower) & (actual <= upper)).mean())
                            if own
                            else math.nan,
                            "interval_score": _interval_score(lower, upper, actual, self.level)
                            if own
                            else math.nan,
                        }
                    )
        return pd.DataFrame(rows)

    def table(self) -> str:
        """The scores as text."""
        s = self.scores()
        origins = self.origins
        lines = [
            f"Rolling-origin evaluation: {len(origins)} origin(s) from {origins[0]} to "
            f"{origins[-1]}, every {self.step_days} days, {self.horizon_days} days ahead each; "
            f"holiday calendar {self.calendar}; {self.level:.0%} prediction intervals",
            f"{'scope':<9}{'horizon':<8}{'n':>7}  "
            + "  ".join(f"{'RMSE ' + m:>21}" for m in METHODS)
            + f"  {'forecast vs naive':>17}  {'WAPE fc / naive / mean':>24}  {'coverage':>8}  "
            f"{'interval score':>14}",
        ]
        for (scope, horizon), part in s.groupby(["scope", "horizon"], sort=False):
            by = part.set_index("method")
            wape = " / ".join(f"{by.at[m, 'wape']:.1%}" for m in METHODS)
            lines.append(
                f"{scope:<9}{horizon:<8}{int(by.at['forecast', 'n']):>7,}  "
                + "  ".join(f"{by.at[m, 'rmse']:>21.1f}" for m in METHODS)
                + f"  {by.at['forecast', 'rmse_vs_naive']:>+17.1%}  {wape:>24}  "
                f"{by.at['forecast', 'coverage']:>8.1%}  "
                f"{by.at['forecast', 'interval_score']:>14.1f}"
            )
        return "\n".join(lines)


def _rmse(value: np.ndarray, actual: np.ndarray) -> float:
    return float(np.sqrt(np.mean((value - actual) ** 2)))


def _interval_score(
    lower: np.ndarray, upper: np.ndarray, actual: np.ndarray, level: float
) -> float:
    """Mean interval score of central ``level`` prediction intervals (lower is better)."""
    alpha = 1.0 - level
    miss = np.maximum(lower - actual, 0.0) + np.maximum(actual - upper, 0.0)
    return float(np.mean(upper - lower + 2.0 / alpha * miss))


def _weekday_mean(history: LogCounts, calendar: HolidayCalendar) -> dict[str, np.ndarray]:
    """Per weekday the mean calls per interval (all types) of the history's ordinary days that
    are not far below the weekday's median (the calibration's regular days)."""
    totals = history.day_totals()
    weekday = np.array([WEEKDAYS[d.weekday()] for d in history.dates])
    ordinary = np.array([calendar.kind_on(d) is None for d in history.dates])
    out = {}
    for w in WEEKDAYS:
        mine = ordinary & (weekday == w)
        if not mine.any():
            continue
        regular = mine & (totals >= ABNORMAL_BELOW * np.median(totals[mine]))
        out[w] = history.counts[regular].sum(axis=1).mean(axis=0)
    return out


def evaluate_forecast(
    counts: LogCounts,
    calendar: HolidayCalendar,
    first_origin: dt.date,
    *,
    horizon_days: int = 28,
    step_days: int = 7,
    level: float = 0.9,
    trend: bool = True,
) -> ForecastEvaluation:
    """Rolling-origin evaluation of the forecast on a log's counts (module docstring).

    Args:
        counts: The whole log's counts (:func:`sim.logs.forecast.log_counts`).
        calendar: The holiday calendar.
        first_origin: The first origin; later ones every ``step_days`` while inside the log.
        horizon_days: Days forecast from each origin (cut at the log's last day).
        step_days: Days between origins.
        level: Level of the prediction intervals.
        trend: Include a log-linear trend in the day model.

    Raises:
        LogError: No origin inside the log, or a forecast cannot be made.
    """
    dates = counts.dates
    index = {d: i for i, d in enumerate(dates)}
    if first_origin not in index or first_origin == dates[0]:
        raise LogError(
            [f"the first origin {first_origin} must be a day of the log after its first day "
             f"({dates[0]} to {dates[-1]})"]
        )  # fmt: skip
    totals = counts.day_totals()
    per_interval = counts.counts.sum(axis=1)
    day_rows, interval_rows = [], []
    origin = first_origin
    while origin <= dates[-1]:
        history = counts.before(origin)
        n = min(horizon_days, (dates[-1] - origin).days + 1)
        fc = forecast_counts(history, calendar, origin, n, level=level, trend=trend)
        means = _weekday_mean(history, calendar)
        last = len(history.dates) - 1
        targets = [index[d] for d in fc.dates]
        horizon = np.arange(1, n + 1)
        back = last - (6 - (np.arange(n) % 7))  # same weekday, last week of the history
        lower, upper = nb_interval(fc.day_mean, fc.day_cv, level)
        mean_day = np.array(
            [means.get(WEEKDAYS[d.weekday()], np.zeros(counts.per_day)) for d in fc.dates]
        )
        day_rows.append(
            pd.DataFrame(
                {
                    "origin": pd.Timestamp(origin),
                    "date": pd.to_datetime(list(fc.dates)),
                    "horizon": horizon,
                    "holiday": list(fc.holidays),
                    "actual": totals[targets],
                    "forecast": fc.day_mean,
                    "lower": lower,
                    "upper": upper,
                    "seasonal_naive": totals[back],
                    "weekday_mean": mean_day.sum(axis=1),
                }
            )
        )
        value = fc.mean.sum(axis=1)
        actual = per_interval[targets]
        cv = np.broadcast_to(fc.interval_cv(fc.kappa_interval)[:, None], value.shape)
        i_lower, i_upper = nb_interval(value, cv, level)
        day, slot = np.nonzero((value > 0) | (actual > 0))
        interval_rows.append(
            pd.DataFrame(
                {
                    "origin": pd.Timestamp(origin),
                    "date": pd.to_datetime([fc.dates[d] for d in day]),
                    "horizon": day + 1,
                    "interval_start_h": slot * counts.interval_min / 60.0,
                    "actual": actual[day, slot],
                    "forecast": value[day, slot],
                    "lower": i_lower[day, slot],
                    "upper": i_upper[day, slot],
                    "seasonal_naive": per_interval[back[day], slot],
                    "weekday_mean": mean_day[day, slot],
                }
            )
        )
        origin += dt.timedelta(days=step_days)
    return ForecastEvaluation(
        days=pd.concat(day_rows, ignore_index=True),
        intervals=pd.concat(interval_rows, ignore_index=True),
        level=level,
        horizon_days=horizon_days,
        step_days=step_days,
        files=counts.files,
        calendar=calendar.name,
    )
