"""Arrival forecasts from a contact log: calls per planning interval and contact type for future
days, with prediction intervals.

A planner predicts next month from the past. The forecast has two parts, as in the call-centre
forecasting literature (Weinberg, Brown & Stroud 2007; Shen & Huang 2008; the review of Ibrahim,
Ye, L'Ecuyer & Shen 2016): the **day's volume** and its **intraday profile**.

* **Day volume**: a negative-binomial GLM (NB2, ``statsmodels``) on the daily calls of the
  history, log link, with the day's *planning weekday* (its own weekday, or for a holiday the
  weekday its kind is planned as: in Israel a holiday runs like a Saturday, an eve like a
  Friday), an effect per kind of holiday seen in the history, an after-holiday effect (the first
  working day after a holiday), and a log-linear trend. Its dispersion ``alpha`` is the one the
  calibration estimates as the scenario's day factor: a gamma-mixed Poisson day of mean ``m`` has
  variance ``m + c² m²`` with ``c² = alpha`` (``demand.day_volume_cv``); here it is estimated by
  maximum likelihood with the weekday, holiday and trend terms, so it is the variation they do
  not explain.
* **Intraday profile**: each planning weekday's share of its calls per contact type and
  interval, from the ordinary days of the history (Brown et al. 2005 found the profile stable
  within a weekday; Weinberg et al. model it as fixed proportions).

**Prediction intervals** carry both the day-to-day overdispersion and the uncertainty of the
fitted coefficients: with ``s²`` the variance of the day's fitted log mean, the day's calls are
negative binomial with mean ``exp(η + s²/2)`` and coefficient of variation beyond Poisson
``c_day² = (1 + c²) e^{s²} − 1`` (moments of a Poisson–gamma–lognormal mixture matched). An
interval's calls share the day's factor and add the interval's own variation beyond the
multinomial split, ``κ``, estimated from the history: ``c_int² = (1 + c_day²)(1 + κ) − 1``.
The interval ``[q(α/2), q(1 − α/2)]`` of that negative binomial is reported.

Days in the history that are far below their planning weekday (under half its median, as in the
calibration) and not in the holiday calendar are outages or missing data: listed and left out of
the fit. A kind of holiday the history has not seen gets no effect of its own (it is forecast as
its planning weekday) and is listed as not estimated. Rolling-origin evaluation against the
seasonal-naive forecast is :mod:`sim.logs.forecast_eval`.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim.logs.arrival_fits import IntervalGrid
from sim.logs.contact_log import SERVED, CleanLog
from sim.logs.holidays import HolidayCalendar
from sim.logs.log_schema import LogError
from sim.scenario.desk import WEEKDAYS

ALL_TYPES = "all types"
"""The ``type`` of the table rows that sum every contact type."""


TREND_DAYS = 28
"""The trend coefficient is the change in log volume per this many days."""


ABNORMAL_BELOW = 0.5
"""A day under this share of its planning weekday's median calls, not in the holiday calendar,
is an outage or missing data: left out of the fit (as the calibration leaves such days out)."""


MIN_HISTORY_DAYS = 14
"""Days of history a forecast needs at least."""


TABLE_COLUMNS = (
    "date",
    "weekday",
    "planned_as",
    "holiday",
    "interval_start_h",
    "type",
    "mean",
    "lower",
    "upper",
    "level",
    "day_volume_cv",
    "history_last",
)
"""Columns of :meth:`Forecast.table` (and of the file ``python -m sim forecast`` writes)."""


@dataclass(frozen=True)
class LogCounts:
    """Calls that reached the queue or an agent, per day, contact type and interval of the day.

    Attributes:
        dates: Every day from the log's first to its last.
        types: Contact types: the schema's label of each log type code.
        interval_min: Planning interval.
        counts: Calls per day, type and interval, shape ``(days, types, 1440 / interval_min)``.
        files: The log files.
        credit: Short credit of the data for chart source lines.
    """

    dates: tuple[dt.date, ...]
    types: tuple[str, ...]
    interval_min: int
    counts: np.ndarray
    files: tuple[str, ...]
    credit: str

    @property
    def per_day(self) -> int:
        """Planning intervals in a day."""
        return 1440 // self.interval_min

    def day_totals(self) -> np.ndarray:
        """Calls per day."""
        return self.counts.sum(axis=(1, 2))

    def before(self, origin: dt.date) -> LogCounts:
        """The days before ``origin`` only (the history a forecast from ``origin`` may use)."""
        keep = sum(d < origin for d in self.dates)
        return LogCounts(
            self.dates[:keep], self.types, self.interval_min, self.counts[:keep], self.files,
            self.credit,
        )  # fmt: skip


def log_counts(log: CleanLog, interval_min: int = 30) -> LogCounts:
    """The calls of a cleaned log that reached the queue or an agent (the calibration's arrivals),
    counted per day, contact type (the schema's label of the log's type code) and interval."""
    records = log.records
    reached = ((records["outcome"] == SERVED) | records["queued"]).to_numpy()
    if not reached.any():
        raise LogError([f"{', '.join(log.report.files)}: no call reached the queue or an agent"])
    grid = IntervalGrid(records, interval_min)
    labels = log.schema.contact_type.labels
    names = records["type"].astype(str).map(lambda code: labels.get(code, code)).to_numpy()[reached]
    volume = pd.Series(names).value_counts()
    types = tuple(volume.index)
    slot = grid.slot(records["arrival"])[reached]
    code = pd.Index(types).get_indexer(names)
    flat = ((slot // grid.per_day) * len(types) + code) * grid.per_day + slot % grid.per_day
    counts = np.bincount(flat, minlength=grid.n_days * len(types) * grid.per_day)
    return LogCounts(
        dates=tuple(grid.dates),
        types=types,
        interval_min=interval_min,
        counts=counts.reshape(grid.n_days, len(types), grid.per_day).astype(float),
        files=tuple(log.report.files),
        credit=log.schema.credit or log.schema.name,
    )


@dataclass(frozen=True)
class DayModel:
    """The negative-binomial GLM of the daily calls (see the module docstring).

    Attributes:
        terms: Names of the design's columns.
        coef: Fitted coefficients (log scale).
        cov: Their covariance matrix.
        alpha: NB2 dispersion (variance ``m + alpha m²``); ``c = √alpha``.
        first_date: Day 0 of the trend.
        trend: Whether the design has a trend.
        base_weekday: The planning weekday the others are relative to.
        weekdays: Planning weekdays seen in the fit.
        closed_weekdays: Planning weekdays without calls in the history (forecast 0).
        fit_days: Days fitted.
        left_out: ``(date, calls)`` of the days left out of the fit.
        not_estimated: Kinds of holiday (and ``after holiday``) the history has no day of.
    """

    terms: tuple[str, ...]
    coef: np.ndarray
    cov: np.ndarray
    alpha: float
    first_date: dt.date
    trend: bool
    base_weekday: str
    weekdays: tuple[str, ...]
    closed_weekdays: tuple[str, ...]
    fit_days: int
    left_out: tuple[tuple[dt.date, int], ...]
    not_estimated: tuple[str, ...]

    @property
    def day_volume_cv(self) -> float:
        """The day-to-day coefficient of variation beyond Poisson, ``√alpha``."""
        return math.sqrt(self.alpha)

    def design(self, dates: Sequence[dt.date], calendar: HolidayCalendar) -> np.ndarray:
        """The design matrix of ``dates`` (one row per date, the columns of :attr:`terms`)."""
        return _design(dates, calendar, self.first_date, self.trend)[list(self.terms)].to_numpy()

    def predict(
        self, dates: Sequence[dt.date], calendar: HolidayCalendar
    ) -> tuple[np.ndarray, np.ndarray]:
        """Mean calls of each date and their coefficient of variation beyond Poisson, including
        the uncertainty of the coefficients; 0 and 0 on a closed planning weekday.

        Raises:
            LogError: A date planned as a weekday the history has no day of.
        """
        planned = [calendar.planned_as(d) for d in dates]
        unseen = sorted(
            {w for w in planned if w not in self.weekdays and w not in self.closed_weekdays},
            key=WEEKDAYS.index,
        )
        if unseen:
            raise LogError(
                [f"no day of the history is planned as {', '.join(unseen)}: cannot forecast it"]
            )
        x = self.design(dates, calendar)
        eta = x @ self.coef
        s2 = np.einsum("ij,jk,ik->i", x, self.cov, x)
        mean = np.exp(eta + s2 / 2.0)
        cv = np.sqrt((1.0 + self.alpha) * np.exp(s2) - 1.0)
        closed = np.array([w in self.closed_weekdays for w in planned])
        return np.where(closed, 0.0, mean), np.where(closed, 0.0, cv)

    def effects(self) -> list[tuple[str, float, float, float]]:
        """``(term, factor, 95% low, 95% high)`` of every term but the intercept: the
        multiplicative effect on the day's calls (per :data:`TREND_DAYS` days for the trend)."""
        se = np.sqrt(np.diag(self.cov))
        return [
            (t, math.exp(b), math.exp(b - 1.96 * s), math.exp(b + 1.96 * s))
            for t, b, s in zip(self.terms, self.coef, se, strict=True)
            if t != "intercept"
        ]


def _design(
    dates: Sequence[dt.date], calendar: HolidayCalendar, first: dt.date, trend: bool
) -> pd.DataFrame:
    """Every candidate column for ``dates``: intercept, planning weekday dummies, trend, one
    indicator per kind of holiday, and the after-holiday indicator."""
    planned = np.array([calendar.planned_as(d) for d in dates])
    kinds = np.array([calendar.kind_on(d) or "" for d in dates])
    columns: dict[str, np.ndarray] = {"intercept": np.ones(len(dates))}
    for w in WEEKDAYS:
        columns[f"weekday {w}"] = (planned == w).astype(float)
    if trend:
        columns[f"trend per {TREND_DAYS} days"] = np.array(
            [(d - first).days / TREND_DAYS for d in dates], dtype=float
        )
    for kind in calendar.kinds:
        columns[f"holiday kind {kind}"] = (kinds == kind).astype(float)
    columns["after holiday"] = np.array([calendar.after_holiday(d) for d in dates], dtype=float)
    return pd.DataFrame(columns)


def fit_day_model(
    dates: Sequence[dt.date],
    calls: np.ndarray,
    calendar: HolidayCalendar,
    *,
    trend: bool = True,
) -> DayModel:
    """Fit the negative-binomial GLM of the daily calls (module docstring) with statsmodels.

    Args:
        dates: Consecutive days of the history.
        calls: Calls on each day.
        calendar: The holiday calendar (must cover the dates).
        trend: Include a log-linear trend.

    Raises:
        LogError: Too little history, or the fit fails.
    """
    import statsmodels.api as sm

    calls = np.asarray(calls, dtype=float)
    if len(dates) < MIN_HISTORY_DAYS:
        raise LogError(
            [f"a forecast needs at least {MIN_HISTORY_DAYS} days of history, got {len(dates)}"]
        )
    planned = np.array([calendar.planned_as(d) for d in dates])
    in_calendar = np.array([calendar.kind_on(d) is not None for d in dates])
    medians = {w: float(np.median(calls[(planned == w) & ~in_calendar])) for w in set(planned)}
    closed = tuple(w for w in WEEKDAYS if w in medians and medians[w] == 0.0)
    median = np.array([medians[w] for w in planned])
    abnormal = (calls < ABNORMAL_BELOW * median) & (median > 0)
    fit = ~abnormal & (median > 0)
    frame = _design(dates, calendar, dates[0], trend)
    weekdays = tuple(w for w in WEEKDAYS if (fit & (planned == w)).any())
    base = weekdays[0]
    terms = [
        t
        for t in frame.columns
        if t != f"weekday {base}" and frame.loc[fit, t].abs().sum() > 0
        and not (t.startswith("weekday ") and t.removeprefix("weekday ") not in weekdays)
    ]  # fmt: skip
    x = frame.loc[fit, terms].to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = sm.NegativeBinomial(calls[fit], x, loglike_method="nb2").fit(
                disp=0, maxiter=500
            )
        except (np.linalg.LinAlgError, ValueError) as exc:
            raise LogError([f"the day model could not be fitted: {exc}"]) from None
    params = np.asarray(result.params)
    cov = np.asarray(result.cov_params())[:-1, :-1]
    if not np.all(np.isfinite(params)) or not np.all(np.isfinite(cov)):
        raise LogError(["the day model did not converge (too little or too irregular history)"])
    candidates = [f"holiday kind {k}" for k in calendar.kinds] + ["after holiday"]
    return DayModel(
        terms=tuple(terms),
        coef=params[:-1],
        cov=cov,
        alpha=max(float(params[-1]), 0.0),
        first_date=dates[0],
        trend=trend,
        base_weekday=base,
        weekdays=weekdays,
        closed_weekdays=closed,
        fit_days=int(fit.sum()),
        left_out=tuple((dates[i], int(calls[i])) for i in np.flatnonzero(abnormal)),
        not_estimated=tuple(c.removeprefix("holiday kind ") for c in candidates if c not in terms),
    )


@dataclass(frozen=True)
class Forecast:
    """Calls per day, contact type and interval for future days, with prediction intervals.

    Attributes:
        dates: The forecast days.
        types: Contact types (the schema's labels).
        interval_min: Planning interval.
        planned_as: Weekday each day is planned as (its own, or its holiday kind's).
        holidays: Kind of holiday of each day ("" for an ordinary day).
        after_holiday: Whether each day is the first working day after a holiday.
        day_mean: Mean calls of each day.
        day_cv: Coefficient of variation beyond Poisson of each day's calls (overdispersion and
            the coefficients' uncertainty).
        shares: Share of the day's calls per type and interval, shape ``(days, types,
            intervals)``.
        kappa_interval: Variation of an interval's calls beyond the day's split (all types).
        kappa_type: The same for one type's calls in an interval.
        level: Level of the prediction intervals.
        model: The fitted day model.
        history: First and last day of the history.
        history_regular_days: Ordinary days the profiles are averaged over.
        calendar: Name of the holiday calendar.
        files: The history's log files.
        credit: Short credit of the data.
    """

    dates: tuple[dt.date, ...]
    types: tuple[str, ...]
    interval_min: int
    planned_as: tuple[str, ...]
    holidays: tuple[str, ...]
    after_holiday: tuple[bool, ...]
    day_mean: np.ndarray
    day_cv: np.ndarray
    shares: np.ndarray
    kappa_interval: float
    kappa_type: float
    level: float
    model: DayModel
    history: tuple[dt.date, dt.date]
    history_regular_days: int
    calendar: str
    files: tuple[str, ...]
    credit: str

    @property
    def mean(self) -> np.ndarray:
        """Mean calls per day, type and interval."""
        return self.day_mean[:, None, None] * self.shares

    @property
    def day_volume_cv(self) -> float:
        """The day-to-day coefficient of variation beyond Poisson of the model (the scenario's
        ``demand.day_volume_cv``)."""
        return self.model.day_volume_cv

    @property
    def label(self) -> str:
        """``first to last`` forecast day."""
        return f"{self.dates[0]} to {self.dates[-1]}"

    def interval_cv(self, kappa: float) -> np.ndarray:
        """Per-day CV beyond Poisson of one cell with interval dispersion ``kappa``."""
        return np.sqrt((1.0 + self.day_cv**2) * (1.0 + kappa) - 1.0)

    def daily(self) -> pd.DataFrame:
        """One row per day: ``date``, ``weekday``, ``planned_as``, ``holiday``,
        ``after_holiday``, ``mean``, ``lower``, ``upper`` (the prediction interval)."""
        lower, upper = nb_interval(self.day_mean, self.day_cv, self.level)
        return pd.DataFrame(
            {
                "date": pd.to_datetime(list(self.dates)),
                "weekday": [WEEKDAYS[d.weekday()] for d in self.dates],
                "planned_as": list(self.planned_as),
                "holiday": list(self.holidays),
                "after_holiday": list(self.after_holiday),
                "mean": self.day_mean,
                "lower": lower,
                "upper": upper,
            }
        )

    def table(self) -> pd.DataFrame:
        """One row per day, interval and contact type with calls forecast (and one per day and
        interval for all types together, type :data:`ALL_TYPES`): the columns of
        :data:`TABLE_COLUMNS`."""
        parts = []
        all_mean = self.mean.sum(axis=1)[:, None, :]
        blocks = (
            ((ALL_TYPES,), all_mean, self.kappa_interval),
            (self.types, self.mean, self.kappa_type),
        )
        for names, mean, kappa in blocks:
            cv = np.broadcast_to(self.interval_cv(kappa)[:, None, None], mean.shape)
            day, k, slot = np.nonzero(mean > 0)
            m = mean[day, k, slot]
            lower, upper = nb_interval(m, cv[day, k, slot], self.level)
            parts.append(
                pd.DataFrame(
                    {
                        "date": pd.to_datetime([self.dates[d] for d in day]),
                        "weekday": [WEEKDAYS[self.dates[d].weekday()] for d in day],
                        "planned_as": [self.planned_as[d] for d in day],
                        "holiday": [self.holidays[d] for d in day],
                        "interval_start_h": slot * self.interval_min / 60.0,
                        "type": np.asarray(names, dtype=object)[k],
                        "mean": m,
                        "lower": lower,
                        "upper": upper,
                    }
                )
            )
        table = pd.concat(parts, ignore_index=True)
        table["level"] = self.level
        table["day_volume_cv"] = self.day_volume_cv
        table["history_last"] = pd.Timestamp(self.history[1])
        return table.sort_values(["date", "interval_start_h", "type"], ignore_index=True)

    def write(self, path: Path) -> Path:
        """Write :meth:`table` as CSV or Parquet (by the suffix of ``path``)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        table = self.table()
        if path.suffix == ".parquet":
            table.to_parquet(path, index=False)
        else:
            table.to_csv(path, index=False)
        return path

    def summary(self) -> str:
        """The model and the forecast as text."""
        m = self.model
        left = ", ".join(f"{d} ({n:,} calls)" for d, n in m.left_out) or "none"
        lines = [
            f"Forecast {self.label} ({len(self.dates)} days) from "
            f"{', '.join(Path(f).name for f in self.files)}: history {self.history[0]} to "
            f"{self.history[1]}, {m.fit_days} days fitted; holiday calendar {self.calendar}",
            f"  left out of the fit (under {ABNORMAL_BELOW:.0%} of the weekday's median, not a "
            f"holiday: outage or missing data): {left}",
            "  day model: negative-binomial GLM (NB2) of the daily calls, log link "
            f"(statsmodels); effects relative to {m.base_weekday} (95% CI):",
        ]
        lines += [
            f"    {term:<28} x{factor:6.3f}  ({low:.3f}-{high:.3f})"
            for term, factor, low, high in m.effects()
        ]
        if m.not_estimated:
            lines.append(
                "  not in the history, so no effect of its own (forecast as its planning "
                f"weekday): {', '.join(m.not_estimated)}"
            )
        if m.closed_weekdays:
            lines.append(f"  closed (no calls in the history): {', '.join(m.closed_weekdays)}")
        lines += [
            f"  day-to-day CV beyond Poisson c = {m.day_volume_cv:.3f} (NB2 alpha = c^2: the "
            "scenario's demand.day_volume_cv); interval dispersion beyond the day's split "
            f"kappa = {self.kappa_interval:.4f} (all types), {self.kappa_type:.4f} (per type)",
            f"  intraday profile per planning weekday from {self.history_regular_days} ordinary "
            "days of the history",
            f"Forecast calls ({self.level:.0%} prediction interval per day):",
        ]
        daily = self.daily()
        week = daily["date"].dt.to_period("W-SAT")
        for period, part in daily.groupby(week, sort=True):
            special = [
                f"{r.date.date()} {r.holiday or 'after holiday'}"
                for r in part.itertuples()
                if r.holiday or r.after_holiday
            ]
            lines.append(
                f"  week from {period.start_time.date()}: {part['mean'].sum():8,.0f} calls; "
                "busiest day "
                f"{part['mean'].max():6,.0f} ({part['lower'].iloc[part['mean'].argmax()]:,.0f}-"
                f"{part['upper'].iloc[part['mean'].argmax()]:,.0f})"
                + (f"; {', '.join(special)}" if special else "")
            )
        lines.append(f"  total {self.day_mean.sum():,.0f} calls")
        return "\n".join(lines)


def nb_interval(mean: np.ndarray, cv: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """The central ``level`` interval of the negative binomial with ``mean`` and coefficient of
    variation beyond Poisson ``cv`` (variance ``m + cv² m²``; Poisson when ``cv`` is 0)."""
    mean = np.asarray(mean, dtype=float)
    cv2 = np.broadcast_to(np.asarray(cv, dtype=float) ** 2, mean.shape)
    q = ((1.0 - level) / 2.0, (1.0 + level) / 2.0)
    poisson = cv2 < 1e-12
    size = 1.0 / np.where(poisson, 1.0, cv2)
    p = size / (size + np.maximum(mean, 1e-300))
    out = []
    for quantile in q:
        nb = stats.nbinom.ppf(quantile, size, p)
        po = stats.poisson.ppf(quantile, mean)
        out.append(np.where(mean > 0, np.where(poisson, po, nb), 0.0))
    return out[0], out[1]


def _profiles(
    history: LogCounts, calendar: HolidayCalendar, model: DayModel
) -> tuple[dict[str, np.ndarray], float, float, int]:
    """Per planning weekday the share of its calls per type and interval, from the ordinary days
    fitted; and the interval dispersions (all types, per type) beyond the day's split."""
    left = {d for d, _ in model.left_out}
    ordinary = np.array(
        [calendar.kind_on(d) is None and d not in left for d in history.dates], dtype=bool
    )
    weekday = np.array([WEEKDAYS[d.weekday()] for d in history.dates])
    totals = history.day_totals()
    shares: dict[str, np.ndarray] = {}
    for w in WEEKDAYS:
        days = ordinary & (weekday == w) & (totals > 0)
        if days.any():
            block = history.counts[days].sum(axis=0)
            shares[w] = block / block.sum()
    used = ordinary & (totals > 0)

    def kappa(cells: np.ndarray, share_of: dict[str, np.ndarray]) -> float:
        expected = np.stack([totals[d] * share_of[weekday[d]] for d in np.flatnonzero(used)])
        observed = cells[used]
        share = expected / totals[used].reshape(-1, *([1] * (expected.ndim - 1)))
        excess = ((observed - expected) ** 2 - expected * (1.0 - share)).sum()
        return max(float(excess / (expected**2).sum()), 0.0)

    k_type = kappa(history.counts, shares)
    k_all = kappa(history.counts.sum(axis=1), {w: s.sum(axis=0) for w, s in shares.items()})
    return shares, k_all, k_type, int(used.sum())


def forecast_counts(
    history: LogCounts,
    calendar: HolidayCalendar,
    start: dt.date,
    days: int,
    *,
    level: float = 0.9,
    trend: bool = True,
) -> Forecast:
    """Forecast ``days`` days from ``start`` with a history of counts (see the module docstring).

    Raises:
        LogError: The start is not after the history, the calendar does not cover the history
            and the forecast, or too little history.
    """
    if days < 1:
        raise LogError([f"the forecast needs at least one day, got {days}"])
    if not 0.0 < level < 1.0:
        raise LogError([f"the prediction-interval level must be between 0 and 1, got {level}"])
    if start <= history.dates[-1]:
        raise LogError(
            [
                f"the forecast starts on {start}, but the history runs to {history.dates[-1]}: "
                "a forecast starts after its history"
            ]
        )
    dates = tuple(start + dt.timedelta(days=i) for i in range(days))
    calendar.check_covers(history.dates[0], dates[-1], "the history and the forecast")
    model = fit_day_model(history.dates, history.day_totals(), calendar, trend=trend)
    mean, cv = model.predict(dates, calendar)
    shares, k_all, k_type, regular = _profiles(history, calendar, model)
    planned = tuple(calendar.planned_as(d) for d in dates)
    missing = sorted({w for w, m in zip(planned, mean, strict=True) if m > 0 and w not in shares})
    if missing:
        raise LogError(
            [f"no ordinary day of the history is a {', '.join(missing)}: no intraday profile"]
        )
    empty = np.zeros((len(history.types), history.per_day))
    return Forecast(
        dates=dates,
        types=history.types,
        interval_min=history.interval_min,
        planned_as=planned,
        holidays=tuple(calendar.kind_on(d) or "" for d in dates),
        after_holiday=tuple(calendar.after_holiday(d) for d in dates),
        day_mean=mean,
        day_cv=cv,
        shares=np.stack([shares.get(w, empty) for w in planned]),
        kappa_interval=k_all,
        kappa_type=k_type,
        level=level,
        model=model,
        history=(history.dates[0], history.dates[-1]),
        history_regular_days=regular,
        calendar=calendar.name,
        files=history.files,
        credit=history.credit,
    )


def forecast_arrivals(
    log: CleanLog,
    start: dt.date,
    days: int,
    holidays: HolidayCalendar,
    *,
    interval_min: int = 30,
    level: float = 0.9,
    trend: bool = True,
) -> Forecast:
    """Forecast the calls of ``days`` days from ``start``, per contact type and interval, from a
    cleaned log of the past (calls that reached the queue or an agent, as the calibration counts
    them). Only days before ``start`` are used.

    Args:
        log: The history (:func:`sim.logs.contact_log.read_logs`).
        start: First forecast day (after the log's days used).
        days: Days to forecast.
        holidays: The holiday calendar (:func:`sim.logs.holidays.load_holidays`).
        interval_min: Planning interval.
        level: Level of the prediction intervals.
        trend: Include a log-linear trend in the day model.
    """
    counts = log_counts(log, interval_min).before(start)
    if not counts.dates:
        raise LogError([f"the log has no day before the forecast start {start}"])
    return forecast_counts(counts, holidays, start, days, level=level, trend=trend)


def read_forecast(path: Path) -> pd.DataFrame:
    """A forecast table written by ``python -m sim forecast`` (CSV or Parquet).

    Raises:
        LogError: The file is missing, unreadable or lacks a column.
    """
    try:
        table = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    except FileNotFoundError:
        raise LogError([f"{path}: forecast file not found"]) from None
    except (OSError, ValueError) as exc:
        raise LogError([" ".join(f"{path}: cannot read the forecast ({exc})".split())]) from None
    missing = [c for c in TABLE_COLUMNS if c not in table.columns]
    if missing:
        raise LogError(
            [f"{path}: not a forecast table (python -m sim forecast): no {', '.join(missing)}"]
        )
    for column in ("date", "history_last"):
        table[column] = pd.to_datetime(table[column])
    return table
