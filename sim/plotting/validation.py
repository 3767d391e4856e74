"""Charts of a calibration and of a validation against a real log, for slides.

:func:`validation_figures`: observed (bootstrap whiskers) against simulated (95% band) against
Erlang A (dashed), hour by hour for every measure, and an overview; :func:`modes_chart`: one
measure by hour in several validation modes side by side; :func:`forecast_chart`: calls per day
forecast with the prediction interval against the calls recorded. :func:`calibration_figures`:
the arrival profile heatmap, the handle-time QQ chart and the survival of patience (Kaplan–Meier
against the fits). Every chart carries the house style's title, units and source line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FormatStrFormatter, MultipleLocator
from scipy import stats

from sim.logs.bands import POOLED, band_name
from sim.logs.calibration import Calibration
from sim.logs.forecast import Forecast, LogCounts
from sim.logs.observed import MEASURES
from sim.logs.validation import SOURCES, Validation, short_label
from sim.plotting.style import BLACK, BLUE, ORANGE, PALETTE, finish, house_style, slide_figure
from sim.scenario.desk import WEEKDAYS


def validation_figures(v: Validation) -> dict[str, Figure]:
    """Observed vs simulated (95% CI bands) vs Erlang A by hour of the day: one chart per
    measure (``by_hour_<measure>``) and an overview of all five (``overview``)."""
    est = v.estimates()
    hourly = est[est["scope"] == "hour"]
    figures: dict[str, Figure] = {}
    with house_style():
        for m in MEASURES:
            fig, axes = _slide(1)
            handles = _hour_panel(axes[0], hourly, m, (BLACK, BLUE, ORANGE))
            figures[f"by_hour_{m}"] = _finish(
                fig,
                f"{MEASURES[m][0].capitalize()} by hour of arrival, {v.mode} mode",
                v.source_line,
                handles,
            )
        fig, axes = _slide(6, ncols=3)
        for ax, m in zip(axes, MEASURES, strict=False):
            handles = _hour_panel(ax, hourly, m, (BLACK, BLUE, ORANGE), compact=True)
        _overall_panel(axes[5], est, (BLACK, BLUE, ORANGE))
        figures["overview"] = _finish(
            fig, f"Observed vs simulated, {v.period.label}, {v.mode} mode", v.source_line, handles
        )
    return figures


def _slide(panels: int, ncols: int = 1) -> tuple[Figure, np.ndarray]:
    return slide_figure(nrows=max(1, panels // ncols), ncols=ncols)


def _finish(fig: Figure, title: str, source: str, handles: list[Any]) -> Figure:
    return finish(fig, title, source, handles)


def _panel_title(measure: str) -> str:
    """A title short enough for a third of a slide: ``wait of answered calls (s)``."""
    label, unit = MEASURES[measure]
    return f"{label.removeprefix('mean ')} ({'%' if unit == 'share' else 's'})"


def _axis_label(measure: str) -> str:
    label, unit = MEASURES[measure]
    return f"{label} ({'%' if unit == 'share' else 'seconds'})"


def _hour_panel(
    ax: Any,
    hourly: pd.DataFrame,
    measure: str,
    colours: tuple[str, str, str],
    compact: bool = False,
) -> list[Any]:
    """One measure by hour: observed points with whiskers, simulated line and band, Erlang A."""
    from sim.plotting.style import BAND_ALPHA

    unit = MEASURES[measure][1]
    scale = 100.0 if unit == "share" else 1.0
    part = hourly[hourly["measure"] == measure]
    handles = []
    obs, sim, ea = (part[part["source"] == s].sort_values("hour") for s in SOURCES)
    x = obs["hour"].to_numpy() + 0.5
    (h_sim,) = ax.plot(x, sim["mean"] * scale, color=colours[1], label="simulated (band: 95% CI)")
    ax.fill_between(
        x, sim["ci_low"] * scale, sim["ci_high"] * scale, color=colours[1], alpha=BAND_ALPHA, lw=0
    )
    (h_ea,) = ax.plot(
        x, ea["mean"] * scale, color=colours[2], linestyle="--", label="Erlang A per interval"
    )
    h_obs = ax.errorbar(
        x,
        obs["mean"] * scale,
        yerr=[
            (obs["mean"] - obs["ci_low"]).clip(lower=0) * scale,
            (obs["ci_high"] - obs["mean"]).clip(lower=0) * scale,
        ],
        fmt="o",
        color=colours[0],
        markersize=5 if compact else 7,
        capsize=0,
        label="observed (95% CI, bootstrap over days)",
    )
    handles = [h_obs, h_sim, h_ea]
    ax.set_xlim(max(0, x.min() - 1.0), min(24, x.max() + 1.0))
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_locator(MultipleLocator(4 if compact else 2))
    ax.xaxis.set_major_formatter(FormatStrFormatter("%d"))
    ax.set_xlabel("hour of arrival (h)")
    if compact:
        ax.set_title(_panel_title(measure), loc="left", fontsize="medium")
    else:
        ax.set_ylabel(_axis_label(measure))
    return handles


def _overall_panel(ax: Any, est: pd.DataFrame, colours: tuple[str, str, str]) -> None:
    """Overall values of the share measures: observed, simulated (95% CI) and Erlang A, as bars."""
    overall = est[est["scope"] == "overall"]
    shares = [m for m, (_, unit) in MEASURES.items() if unit == "share"]
    x = np.arange(len(shares))
    for k, (source, colour) in enumerate(zip(SOURCES, colours, strict=True)):
        part = overall[overall["source"] == source].set_index("measure").loc[shares]
        err = None
        if source != "erlang_a":
            err = [
                (part["mean"] - part["ci_low"]).clip(lower=0) * 100,
                (part["ci_high"] - part["mean"]).clip(lower=0) * 100,
            ]
        ax.bar(x + (k - 1) * 0.27, part["mean"] * 100, width=0.27, color=colour, yerr=err)
    ax.set_xticks(x, [short_label(m).removesuffix(" %") for m in shares])
    ax.set_title("overall (% of calls)", loc="left", fontsize="medium")


def calibration_figures(cal: Calibration, credit: str = "", types: int = 3) -> dict[str, Figure]:
    """Charts of a calibration: the arrival profile heatmap (``arrival_heatmap``), the handle-time
    QQ plot (``handle_qq``) and the patience survival, Kaplan–Meier against the fits
    (``patience_survival``): for the ``types`` busiest types, or with hour bands for all types
    pooled in the first, a middle and the last band.

    Args:
        cal: The calibration.
        credit: Short credit of the data for the source line (e.g. the schema's ``credit``).
        types: How many types (or bands) to show.
    """
    files = ", ".join(Path(f).name for f in cal.report.files)
    source = f"{credit + '; ' if credit else ''}{files}; {cal.first_date} to {cal.last_date}"
    figures: dict[str, Figure] = {}
    a = cal.arrivals
    with house_style():
        fig, axes = _slide(1)
        ax = axes[0]
        per_day = 1440 // cal.interval_min
        grid = np.full((len(WEEKDAYS), per_day), np.nan)
        for i, w in enumerate(WEEKDAYS):
            hours = a.opening_hours[w]
            if hours is not None and w in a.profiles:
                first = round(hours[0] * 60 / cal.interval_min)
                grid[i, first : first + len(a.profiles[w])] = a.profiles[w]
        image = ax.imshow(
            grid,
            aspect="auto",
            cmap="viridis",
            extent=(0, 24, len(WEEKDAYS) - 0.5, -0.5),
            interpolation="nearest",
        )
        ax.set_yticks(range(len(WEEKDAYS)), [w.capitalize() for w in WEEKDAYS])
        ax.set_xticks(range(0, 25, 2))
        ax.set_xlabel("time of day (h)")
        fig.colorbar(image, ax=ax, label=f"mean calls per {cal.interval_min}-min interval")
        figures["arrival_heatmap"] = _finish(
            fig,
            "Arrival profile: mean calls per interval on regular days, by weekday",
            source,
            [],
        )

        names = cal.types[:types]
        if cal.bands:
            pools = [band_name(POOLED, b) for b in cal.bands]
            pools = [k for k in pools if k in cal.handle and k in cal.patience]
            pick = sorted({0, len(pools) // 2, len(pools) - 1})[:types]
            names = [pools[i] for i in pick if i < len(pools)]
        fig, axes = _slide(1)
        ax = axes[0]
        top = 0.0
        for name, colour in zip(names, PALETTE, strict=False):
            h = cal.handle[name] if name in cal.handle else cal.handle_for(name)[0]
            ax.loglog(h.qq_fit_s, h.qq_data_s, "o", color=colour, markersize=5, label=name)
            top = max(top, h.qq_data_s.max(), h.qq_fit_s.max())
        ax.loglog([1, top], [1, top], color="#555555", linestyle="--", label="data = fit")
        ax.set_xlabel("fitted lognormal quantile (seconds)")
        ax.set_ylabel("data quantile (seconds)")
        figures["handle_qq"] = _finish(
            fig,
            "Handle time: data against the lognormal fit (QQ)",
            source,
            ax.get_lines(),
        )

        fig, axes = _slide(1)
        ax = axes[0]
        handles = []
        for name, colour in zip([POOLED, *names], PALETTE, strict=False):
            p = cal.patience[name] if name in cal.patience else cal.patience_for(name)[0]
            t_max = float(np.quantile(p.km_times_s, 0.95))
            t = np.linspace(0.0, t_max, 200)
            body = p.km_times_s <= t_max
            (line,) = ax.step(
                np.r_[0.0, p.km_times_s[body]],
                np.r_[1.0, p.km_survival[body]],
                where="post",
                color=colour,
                label=f"{name}: Kaplan-Meier",
            )
            ax.plot(t, np.exp(-t / p.exp_mean_s), color=colour, linestyle=":", lw=2)
            fitted = stats.lognorm(p.lognormal_sigma, scale=p.lognormal_median_s)
            ax.plot(t, fitted.sf(t), color=colour, linestyle="--", lw=2)
            handles.append(line)
        ax.plot([], [], color="#555555", linestyle=":", label="exponential fit")
        ax.plot([], [], color="#555555", linestyle="--", label="lognormal fit (censored MLE)")
        handles += ax.get_lines()[-2:]
        ax.set_xlim(left=0)
        ax.set_ylim(0, 1)
        scaled = cal.queue_factors is not None
        ax.set_xlabel(
            "time waited, on the scale of a caller who finds nobody waiting (seconds)"
            if scaled
            else "time waited (seconds)"
        )
        ax.set_ylabel("share still willing to wait")
        figures["patience_survival"] = _finish(
            fig,
            "Patience at an empty queue: Kaplan-Meier and the fits"
            if scaled
            else "Patience: Kaplan-Meier from censored waits, and the fits",
            source,
            handles,
        )
    return figures


def forecast_chart(forecast: Forecast, actual: LogCounts | None = None) -> Figure:
    """Calls per day forecast (line) with the prediction interval (band) and, when given, the
    calls the log recorded on those days (points); holidays marked on the axis."""
    from sim.plotting.style import BAND_ALPHA

    daily = forecast.daily()
    with house_style():
        fig, axes = _slide(1)
        ax = axes[0]
        x = daily["date"]
        (h_fc,) = ax.plot(x, daily["mean"], color=BLUE, label="forecast (mean)")
        h_band = ax.fill_between(
            x,
            daily["lower"],
            daily["upper"],
            color=BLUE,
            alpha=BAND_ALPHA,
            lw=0,
            label=f"{forecast.level:.0%} prediction interval",
        )
        handles: list[Any] = [h_fc, h_band]
        source = f"{forecast.credit}; forecast from {forecast.history[0]} to {forecast.history[1]}"
        if actual is not None:
            index = {d: i for i, d in enumerate(actual.dates)}
            days = [d for d in forecast.dates if d in index]
            calls = actual.day_totals()[[index[d] for d in days]]
            inside = daily.set_index(daily["date"].dt.date).loc[days]
            within = float(((calls >= inside["lower"]) & (calls <= inside["upper"])).mean())
            (h_obs,) = ax.plot(
                pd.to_datetime(days), calls, "o", color=BLACK, markersize=4,
                label=f"recorded ({within:.0%} of days inside the interval)",
            )  # fmt: skip
            handles.append(h_obs)
        for day in daily[daily["holiday"] != ""].itertuples():
            ax.axvline(day.date, color=ORANGE, lw=0.8, alpha=0.6)
        ax.set_ylim(bottom=0)
        ax.set_ylabel("calls per day")
        ax.set_xlabel("date (orange lines: holidays and eves in the calendar)")
        return _finish(
            fig,
            f"Calls per day, forecast {forecast.label} (holiday calendar {forecast.calendar})",
            source,
            handles,
        )


def modes_chart(validations: Sequence[Validation], measure: str = "abandon_rate") -> Figure:
    """One measure by hour of arrival: observed (points, bootstrap 95% CI) and the simulation in
    each validation mode (lines) of the same period, side by side."""
    first = validations[0]
    unit = MEASURES[measure][1]
    scale = 100.0 if unit == "share" else 1.0
    with house_style():
        fig, axes = _slide(1)
        ax = axes[0]
        handles: list[Any] = []
        for k, v in enumerate(validations):
            est = v.estimates()
            part = est[(est["scope"] == "hour") & (est["measure"] == measure)]
            if k == 0:
                obs = part[part["source"] == "observed"].sort_values("hour")
                handles.append(
                    ax.errorbar(
                        obs["hour"] + 0.5,
                        obs["mean"] * scale,
                        yerr=[
                            (obs["mean"] - obs["ci_low"]).clip(lower=0) * scale,
                            (obs["ci_high"] - obs["mean"]).clip(lower=0) * scale,
                        ],
                        fmt="o",
                        color=BLACK,
                        capsize=0,
                        label="observed (95% CI, bootstrap over days)",
                    )
                )
            sim_part = part[part["source"] == "simulated"].sort_values("hour")
            (line,) = ax.plot(
                sim_part["hour"] + 0.5,
                sim_part["mean"] * scale,
                color=PALETTE[(k + 1) % len(PALETTE)],
                label=f"simulated, {v.mode} mode",
            )
            handles.append(line)
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_locator(MultipleLocator(2))
        ax.xaxis.set_major_formatter(FormatStrFormatter("%d"))
        ax.set_xlabel("hour of arrival (h)")
        ax.set_ylabel(_axis_label(measure))
        source = (
            f"{first.period.credit}; {first.period.label}; modes "
            + ", ".join(v.mode for v in validations)
            + f"; {first.replications} replications"
        )
        return _finish(
            fig,
            f"{MEASURES[measure][0].capitalize()} by hour, {first.period.label}: the validation "
            "modes side by side",
            source,
            handles,
        )
