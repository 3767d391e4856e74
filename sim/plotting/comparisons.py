"""Charts that compare policies run with common random numbers.

Like :mod:`sim.plotting.figures`, every function takes results or tables and returns a matplotlib
Figure in the house style (title, axis units, legend, source line, uncertainty shown); none runs a
simulation. Inputs: :class:`~sim.experiments.replications.ScenarioResult` objects or run folders
(:class:`~sim.plotting.data.RunData`) of policies run with common random numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from sim.experiments.replications import ScenarioResult
from sim.measures.estimates import Estimate
from sim.measures.metrics import kpi_info
from sim.model.satisfaction import complaint_retention
from sim.plotting import data
from sim.plotting.data import RunData, RunInfo, Table
from sim.plotting.figures import source_text
from sim.plotting.labels import MINUS, Lang, kpi_label, kpi_name, label, sentence
from sim.plotting.style import (
    BLACK,
    BLUE,
    GREEN,
    ORANGE,
    PALETTE,
    REFERENCE,
    VERMILLION,
    band,
    ci_band_handle,
    finish,
    house_style,
    interval_steps,
    percent_axis,
    reference_line,
    slide_figure,
    time_of_day_axis,
    unit_axis,
    whisker_handle,
    whiskers,
    wrap_label,
)
from sim.plotting.sweeps import pareto_mask
from sim.scenario.scenario import Scenario


def result_info(result: ScenarioResult) -> RunInfo:
    """The source-line facts of an in-memory result (dated today)."""
    return RunInfo(result.scenario, result.replications, result.seed, dt.date.today())


def _colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def intraday_service_level_by_policy(
    runs: Mapping[str, RunData], day_type: str = "weekday", lang: Lang = "en"
) -> Figure:
    """Service level by interval of the day on one day type, one line (with CI band) per policy."""
    infos = [r.info for r in runs.values()]
    scenario = infos[0].scenario
    half = scenario.calendar.interval_min / 2
    with house_style(lang):
        fig, (ax,) = slide_figure()
        handles: list[Artist] = []
        for i, (name, run) in enumerate(runs.items()):
            est = data.intraday_service_level(
                run.tables["intervals"], run.info.scenario.calendar.start_date
            )
            if day_type not in est.index.get_level_values("day_type"):
                continue
            rows = est.loc[day_type, "service_level"]
            handles.append(band(ax, rows.index.to_numpy() + half, rows, _colour(i), name))
        target = scenario.standards.service_level_target
        handles.append(reference_line(ax, target, label("target", lang, value=f"{target:.0%}")))
        handles.append(ci_band_handle(infos[0].ci_level, lang))
        percent_axis(ax, top=1.02)
        time_of_day_axis(ax, lang)
        ax.set_ylabel(
            label("service_level_axis", lang, threshold=scenario.service_level.threshold_s)
        )
        title = label("policy.sl_title", lang, day_type=label(f"day.{day_type}", lang))
        return finish(fig, title, source_text(infos, lang), handles)


def intraday_roster_by_policy(
    runs: Mapping[str, RunData], day_type: str = "weekday", lang: Lang = "en"
) -> Figure:
    """Front-line agents by interval of the day on one day type, per policy (one colour each):
    rostered and paid for (dashed), available after shrinkage (solid), and present (a CI band)."""
    infos = [r.info for r in runs.values()]
    width = infos[0].scenario.calendar.interval_min
    with house_style(lang):
        fig, (ax,) = slide_figure()
        handles: list[Artist] = []
        for i, (name, run) in enumerate(runs.items()):
            est = data.intraday_staffing(
                run.tables["intervals"], run.info.scenario.calendar.start_date, day_type
            )
            if est.empty:
                continue
            starts = est.index.to_numpy()
            paid = est["agents_paid_tier1"]["mean"]
            interval_steps(ax, starts, width, paid, _colour(i), "", linestyle="--")
            available = est["agents_available_tier1"]["mean"]
            handles.append(interval_steps(ax, starts, width, available, _colour(i), name))
            present = est["agents_present_tier1"]
            ax.fill_between(
                starts + width / 2,
                present["ci_low"],
                present["ci_high"],
                color=_colour(i),
                alpha=0.15,
                linewidth=0,
            )
        handles += [
            Line2D([], [], color=REFERENCE, linestyle="--", label=label("policy.paid_style", lang)),
            Line2D([], [], color=REFERENCE, label=label("policy.available_style", lang)),
            Patch(
                color=REFERENCE,
                alpha=0.15,
                label=label("policy.present_band", lang, level=infos[0].ci_level),
            ),
        ]
        ax.set_ylim(bottom=0.0)
        ax.set_ylabel(label("staffing.agents_axis", lang))
        time_of_day_axis(ax, lang)
        title = label("policy.roster_title", lang, day_type=label(f"day.{day_type}", lang))
        return finish(fig, title, source_text(infos, lang), handles)


def _xy_errorbar(
    ax: Axes, x: Estimate, y: Estimate, colour: str, text: str, marker: str = "o"
) -> Artist:
    return ax.errorbar(
        [x.mean],
        [y.mean],
        xerr=whiskers(x.mean, x.ci_low, x.ci_high),
        yerr=whiskers(y.mean, y.ci_low, y.ci_high),
        fmt=marker,
        markersize=13,
        color=colour,
        elinewidth=2.2,
        capsize=4,
        label=text,
    )


def cost_service_frontier(
    results: Mapping[str, ScenarioResult],
    cost_kpi: str = "staffing_cost",
    service_kpi: str = "service_level",
    lang: Lang = "en",
) -> Figure:
    """Cost against service for several policies, each with CI whiskers both ways; the policies
    no other beats on both axes (the efficient frontier) are joined by a line."""
    infos = [result_info(r) for r in results.values()]
    names = list(results)
    x = np.array([results[n].summary[cost_kpi].mean for n in names])
    y = np.array([results[n].summary[service_kpi].mean for n in names])
    efficient = pareto_mask(x, y, kpi_info(cost_kpi).better, kpi_info(service_kpi).better)
    with house_style(lang):
        fig, (ax,) = slide_figure()
        handles: list[Artist] = [
            _xy_errorbar(
                ax, results[n].summary[cost_kpi], results[n].summary[service_kpi], _colour(i), n
            )
            for i, n in enumerate(names)
        ]
        order = np.argsort(x[efficient])
        (frontier,) = ax.plot(
            x[efficient][order],
            y[efficient][order],
            color=REFERENCE,
            linestyle="--",
            linewidth=1.8,
            label=label("policy.frontier", lang),
        )
        handles.append(frontier)
        if service_kpi == "service_level":
            target = infos[0].scenario.standards.service_level_target
            handles.append(
                reference_line(
                    ax, target, label("target", lang, value=f"{target:.0%}"), linestyle=":"
                )
            )
        handles.append(whisker_handle(infos[0].ci_level, lang))
        currency = infos[0].currency
        ax.set_xlabel(kpi_label(cost_kpi, lang, currency))
        ax.set_ylabel(kpi_label(service_kpi, lang, currency))
        unit_axis(ax, kpi_info(service_kpi).unit)
        ax.xaxis.set_major_formatter("{x:,.0f}")
        ax.margins(0.15)
        title = label(
            "policy.frontier_title",
            lang,
            cost=sentence(kpi_name(cost_kpi, lang)),
            service=kpi_name(service_kpi, lang),
        )
        return finish(fig, title, source_text(infos, lang), handles)


def paired_differences_chart(
    differences: Table, infos: Sequence[RunInfo], kpis: Sequence[str], lang: Lang = "en"
) -> Figure:
    """Paired differences (alternative − baseline, same random numbers) with CI whiskers, one
    panel per KPI, one row per alternative; ``differences`` is
    :func:`sim.notebook.tables.differences_table`. Green: better, vermillion: worse, grey: no
    significant difference. Long alternative names are wrapped; the tick labels are thinned,
    shrunk or turned until none overlaps (:func:`~sim.plotting.style.fit_labels`)."""
    df = pd.DataFrame(differences)
    shown = [k for k in kpis if k in set(df["kpi"])]
    ncols = min(len(shown), 3)
    nrows = -(-len(shown) // ncols)
    verdict_colour = {"better": GREEN, "worse": VERMILLION}
    currency = infos[0].currency
    with house_style(lang):
        fig, axes = slide_figure(nrows=nrows, ncols=ncols)
        for ax, kpi in zip(axes, shown, strict=False):
            rows = df[df["kpi"] == kpi].reset_index(drop=True)
            y = np.arange(len(rows))
            for yi, row in rows.iterrows():
                ax.errorbar(
                    [row["difference"]],
                    [yi],
                    xerr=whiskers(row["difference"], row["ci_low"], row["ci_high"]),
                    fmt="o",
                    markersize=10,
                    elinewidth=2.5,
                    capsize=4,
                    color=verdict_colour.get(str(row["verdict"]), REFERENCE),
                )
            ax.axvline(0.0, color=BLACK, linewidth=1.2)
            ax.set_yticks(y, [wrap_label(str(name)) for name in rows["alternative"]])
            ax.set_ylim(-0.6, len(rows) - 0.4)
            ax.invert_yaxis()
            unit = kpi_info(kpi).unit
            ax.set_xlabel(label("policy.difference", lang, kpi=kpi_label(kpi, lang, currency)))
            ax.xaxis.set_major_locator(MaxNLocator(4))
            if unit == "share":
                ax.xaxis.set_major_formatter(_percentage_points)
            elif unit in ("money", "count"):
                ax.xaxis.set_major_formatter("{x:,.0f}")
            ax.margins(x=0.2)
        for ax in axes[len(shown) :]:
            ax.set_visible(False)
        handles: list[Artist] = [
            Line2D([], [], color=colour, marker="o", linestyle="none", label=label(key, lang))
            for key, colour in (
                ("verdict.better", GREEN),
                ("verdict.worse", VERMILLION),
                ("verdict.none", REFERENCE),
            )
        ]
        handles.append(whisker_handle(infos[0].ci_level, lang))
        title = label("policy.paired_title", lang, base=infos[0].scenario.name)
        return finish(fig, title, source_text(infos, lang), handles)


def _percentage_points(value: float, _position: object) -> str:
    """A difference of shares on an axis: ``+6 pp``, ``0``, ``−3 pp``."""
    points = round(value * 100, 6)
    return "0" if points == 0 else f"{points:+g} pp".replace("-", MINUS)


def retention_curve(scenario: Scenario, max_hours: float = 240.0, lang: Lang = "en") -> Figure:
    """Chance a complainant stays against the hours the complaint took to resolve
    (:func:`sim.model.satisfaction.complaint_retention`), for small and large problems, with the
    retention of unresolved complaints and of silent customers for comparison."""
    customers = scenario.customers
    if customers is None:
        raise ValueError(f"scenario {scenario.name!r} has no customer base")
    hours = np.linspace(0.0, max_hours, 481)
    rule = customers.retention_after_complaint
    with house_style(lang):
        fig, (ax,) = slide_figure()
        handles: list[Artist] = []
        for size, colour, large in (("small", BLUE, False), ("large", ORANGE, True)):
            problem = label(f"retention.{size}", lang)
            kept = complaint_retention(
                rule, hours, np.full(hours.shape, large), customers.unresolved_retention
            )
            text = label("retention.resolved", lang, size=problem)
            handles.append(ax.plot(hours, kept, color=colour, label=text)[0])
            for key, retention, linestyle in (
                ("retention.never", customers.unresolved_retention, "--"),
                ("retention.silent", customers.silent_retention, ":"),
            ):
                handles.append(
                    ax.axhline(
                        getattr(retention, size),
                        color=colour,
                        linestyle=linestyle,
                        linewidth=1.8,
                        label=label(key, lang, size=problem),
                    )
                )
        target = scenario.recovery.target_h
        if target is not None:
            policy = label(f"recovery.{scenario.recovery.kind}", lang)
            text = label("retention.target", lang, hours=target, policy=policy)
            handles.append(reference_line(ax, target, text, False))
        percent_axis(ax, top=1.02)
        ax.set_xlim(0.0, max_hours)
        ax.set_xlabel(label("retention.x_axis", lang))
        ax.set_ylabel(label("retention.y_axis", lang))
        info = RunInfo(scenario, 0, 0, dt.date.today())
        title = label("retention.title", lang, rule=label(f"rule.{rule.kind}", lang))
        return finish(fig, title, source_text([info], lang, "source_model"), handles, ncols=3)


def defections_by_reason(results: Mapping[str, ScenarioResult], lang: Lang = "en") -> Figure:
    """Customers lost over the horizon by reason, grouped bars per policy with CI whiskers."""
    infos = [result_info(r) for r in results.values()]
    reasons = [
        r
        for r in data.LOSS_REASONS
        if any(res.summary.get(f"defections.{r}") is not None for res in results.values())
    ]
    names = list(results)
    width = 0.8 / len(names)
    x = np.arange(len(reasons))
    with house_style(lang):
        fig, (ax,) = slide_figure()
        handles: list[Artist] = []
        for i, name in enumerate(names):
            est = [results[name].summary[f"defections.{r}"] for r in reasons]
            mean = np.array([e.mean for e in est])
            bars = ax.bar(
                x - 0.4 + width * (i + 0.5),
                mean,
                width,
                yerr=whiskers(mean, [e.ci_low for e in est], [e.ci_high for e in est]),
                color=_colour(i),
                error_kw={"ecolor": BLACK, "elinewidth": 1.5},
                label=name,
            )
            handles.append(bars)
        ax.set_xticks(x, [label(f"reason.{r}", lang) for r in reasons])
        ax.set_ylabel(label("policy.lost_axis", lang))
        unit_axis(ax, "count")
        ax.grid(axis="x", visible=False)
        handles.append(whisker_handle(infos[0].ci_level, lang))
        title = label("policy.lost_title", lang)
        return finish(fig, title, source_text(infos, lang), handles)


def kpi_by_policy(
    results: Mapping[str, ScenarioResult], kpi: str = "net_value", lang: Lang = "en"
) -> Figure:
    """One KPI per policy, mean with CI whiskers, as horizontal bars."""
    infos = [result_info(r) for r in results.values()]
    names = list(results)
    est = [results[n].summary[kpi] for n in names]
    mean = np.array([e.mean for e in est])
    y = np.arange(len(names))
    with house_style(lang):
        fig, (ax,) = slide_figure()
        ax.barh(
            y,
            mean,
            xerr=whiskers(mean, [e.ci_low for e in est], [e.ci_high for e in est]),
            color=[_colour(i) for i in range(len(names))],
            error_kw={"ecolor": BLACK, "elinewidth": 2.0},
        )
        ax.set_yticks(y, [wrap_label(name) for name in names])
        ax.invert_yaxis()
        ax.axvline(0.0, color=BLACK, linewidth=1.0)
        ax.set_xlabel(kpi_label(kpi, lang, infos[0].currency))
        ax.xaxis.set_major_formatter("{x:,.0f}")
        ax.grid(axis="y", visible=False)
        handles: list[Artist] = [whisker_handle(infos[0].ci_level, lang)]
        title = sentence(label("policy.kpi_title", lang, kpi=kpi_name(kpi, lang)))
        return finish(fig, title, source_text(infos, lang), handles)
