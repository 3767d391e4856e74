"""Slide charts: each function takes a run folder's tables and returns a matplotlib Figure.

No function here runs a simulation. Every chart is drawn in the house style
(:mod:`sim.plotting.style`) with a title, axis labels with units, a legend, uncertainty across
replications (a shaded confidence band or whiskers) and a source line built from the run's
manifest (:class:`~sim.plotting.data.RunInfo`). ``lang="zh"`` switches every word to Simplified
Chinese.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.measures.metrics import kpi_info
from sim.model.satisfaction import impact, moment_scores
from sim.plotting import data
from sim.plotting.data import RunInfo, Table
from sim.plotting.labels import Lang, format_value, kpi_name, label, unit_text
from sim.plotting.style import (
    BLACK,
    BLUE,
    GREEN,
    ORANGE,
    PALETTE,
    PURPLE,
    REFERENCE,
    SKY,
    VERMILLION,
    YELLOW,
    band,
    ci_band_handle,
    date_axis,
    dates,
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
)
from sim.scenario.customers import Satisfaction

DAY_TYPE_COLOURS = {"weekday": BLUE, "saturday": ORANGE, "sunday": GREEN}
REASON_COLOURS = dict(
    zip(data.LOSS_REASONS, (BLACK, SKY, YELLOW, PURPLE, GREEN, VERMILLION, ORANGE), strict=True)
)
"""Loss reasons; the service reasons (indifference, poor recovery) get the warm colours."""

FUNNEL_STAGES: tuple[tuple[str, str], ...] = (
    ("dissatisfied", "voice"),
    ("silent", "voice"),
    ("silent_leaving", "voice"),
    ("complained_to_nobody", "voice"),
    ("complained_front_line", "voice"),
    ("complained_management", "voice"),
    ("complaints", "handling"),
    ("complaints_from_service", "handling"),
    ("complaints_outside_desk", "handling"),
    ("resolved_on_time", "handling"),
    ("resolved_late", "handling"),
    ("never_resolved", "handling"),
    ("open_at_horizon", "handling"),
    ("complainants_retained", "outcome"),
    ("complainants_lost", "outcome"),
    ("leaving_at_horizon", "outcome"),
)
"""Funnel stages top to bottom, with the group that colours them."""
FUNNEL_COLOURS = {"voice": BLUE, "handling": ORANGE, "outcome": GREEN}

COMPARE_KPIS = (
    "service_level",
    "abandon_rate",
    "asa_s",
    "complaint_retention",
    "service_defections",
    "net_value",
)


def source_text(infos: Sequence[RunInfo], lang: Lang, key: str = "source") -> str:
    """The source line for charts drawn from one or more runs, with the runs' what-if settings
    (:attr:`RunInfo.settings`) on a second line."""
    text = label(
        key,
        lang,
        scenario=", ".join(dict.fromkeys(i.scenario.name for i in infos)),
        replications="/".join(dict.fromkeys(str(i.replications) for i in infos)),
        level=infos[0].ci_level,
        date=max(i.created for i in infos).isoformat(),
    )
    settings = label("separator", lang).join(dict.fromkeys(i.settings for i in infos if i.settings))
    return f"{text}\n{settings}" if settings else text


def intraday_service_level(intervals: Table, info: RunInfo, lang: Lang = "en") -> Figure:
    """Service level by interval of the day, one line per day type (Mon–Fri, Saturday, Sunday)
    with its confidence band, against the target."""
    scenario = info.scenario
    estimates = data.intraday_service_level(intervals, scenario.calendar.start_date)
    half = scenario.calendar.interval_min / 2
    with house_style(lang):
        fig, (ax,) = slide_figure()
        handles: list[Artist] = []
        for day_type in data.DAY_TYPES:
            if day_type not in estimates.index.get_level_values("day_type"):
                continue
            rows = estimates.loc[day_type, "service_level"]
            x = rows.index.to_numpy() + half
            handles.append(
                band(ax, x, rows, DAY_TYPE_COLOURS[day_type], label(f"day.{day_type}", lang))
            )
        target = scenario.standards.service_level_target
        handles.append(reference_line(ax, target, label("target", lang, value=f"{target:.0%}")))
        handles.append(ci_band_handle(info.ci_level, lang))
        percent_axis(ax, top=1.02)
        time_of_day_axis(ax, lang)
        ax.set_ylabel(
            label("service_level_axis", lang, threshold=scenario.service_level.threshold_s)
        )
        return finish(
            fig, label("intraday_sl.title", lang), source_text([info], lang), handles, ncols=5
        )


def intraday_staffing(
    intervals: Table, info: RunInfo, day_type: str | None = None, lang: Lang = "en"
) -> Figure:
    """Front-line agents rostered (paid), available after shrinkage, present and busy, with the
    phone queue on a second axis, by interval of the day on one day type (default: the type
    with most open days)."""
    start = info.scenario.calendar.start_date
    day_type = day_type or data.main_day_type(intervals, start)
    est = data.intraday_staffing(intervals, start, day_type)
    width = info.scenario.calendar.interval_min
    shrinkage = data.tier_shrinkage(info.scenario, 1, intervals)
    starts = est.index.to_numpy()
    with house_style(lang):
        fig, (ax,) = slide_figure()
        mid = starts + width / 2
        handles = [
            interval_steps(
                ax,
                starts,
                width,
                est["agents_paid_tier1"]["mean"],
                BLACK,
                label("staffing.paid", lang),
                linestyle="--",
            ),
            interval_steps(
                ax,
                starts,
                width,
                est["agents_available_tier1"]["mean"],
                REFERENCE,
                label("staffing.available", lang, shrinkage=shrinkage),
            ),
            band(ax, mid, est["agents_present_tier1"], BLUE, label("staffing.present", lang)),
            band(ax, mid, est["agents_busy_tier1"], GREEN, label("staffing.busy", lang)),
        ]
        ax.set_ylim(bottom=0.0)
        ax.set_ylabel(label("staffing.agents_axis", lang))
        time_of_day_axis(ax, lang)
        queue_ax = ax.twinx()
        queue_ax.grid(False)
        queue_ax.spines["right"].set_visible(True)
        handles.append(
            band(queue_ax, mid, est["mean_queue_phone"], VERMILLION, label("staffing.queue", lang))
        )
        queue_ax.set_ylim(bottom=0.0)
        queue_ax.set_ylabel(label("staffing.queue_axis", lang), color=VERMILLION)
        handles.append(ci_band_handle(info.ci_level, lang))
        title = label("staffing.title", lang, day_type=label(f"day.{day_type}", lang))
        return finish(fig, title, source_text([info], lang), handles, ncols=3)


def daily_service(daily: Table, info: RunInfo, lang: Lang = "en") -> Figure:
    """Service level (top) and abandonment rate (bottom) day by day over the horizon, with
    confidence bands and the standards; closed days are gaps."""
    scenario = info.scenario
    est = data.daily_service(daily).reindex(np.arange(scenario.calendar.horizon_days))
    x = dates(scenario.calendar.start_date, est.index.to_numpy())
    standards = scenario.standards
    with house_style(lang):
        fig, (sl_ax, ab_ax) = slide_figure(nrows=2, sharex=True)
        handles = [
            band(
                sl_ax,
                x,
                est["service_level"],
                BLUE,
                label("daily.service_level", lang, threshold=scenario.service_level.threshold_s),
            ),
            reference_line(
                sl_ax,
                standards.service_level_target,
                label("target", lang, value=f"{standards.service_level_target:.0%}"),
            ),
            band(ab_ax, x, est["abandon_rate"], VERMILLION, label("daily.abandon_rate", lang)),
        ]
        limit = label("limit", lang, value=format_value(standards.max_abandon_rate, "share"))
        handles += [
            reference_line(ab_ax, standards.max_abandon_rate, limit, linestyle=":"),
            ci_band_handle(info.ci_level, lang),
        ]
        percent_axis(sl_ax, top=1.02)
        percent_axis(ab_ax, top=None)
        sl_ax.set_ylabel(label("daily.service_level_axis", lang))
        ab_ax.set_ylabel(label("daily.abandon_axis", lang))
        fig.align_ylabels()
        date_axis(ab_ax, lang)
        return finish(fig, label("daily.title", lang), source_text([info], lang), handles)


def complaint_funnel(summary: Table, info: RunInfo, lang: Lang = "en") -> Figure:
    """What dissatisfied customers do — stay silent, leave, complain — and what becomes of the
    complaints: mean count over the horizon per stage, with confidence whiskers."""
    df = pd.DataFrame(summary).set_index("kpi")
    stages = [(s, g) for s, g in FUNNEL_STAGES if f"funnel.{s}" in df.index]
    rows = df.loc[[f"funnel.{s}" for s, _ in stages]]
    mean = rows["mean"].to_numpy()
    y = np.arange(len(stages))
    with house_style(lang):
        fig, (ax,) = slide_figure()
        ax.barh(
            y,
            mean,
            xerr=whiskers(mean, rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy()),
            color=[FUNNEL_COLOURS[g] for _, g in stages],
            error_kw={"ecolor": BLACK, "elinewidth": 1.8},
        )
        for yi, value, high in zip(y, mean, rows["ci_high"].to_numpy(), strict=True):
            ax.annotate(
                format_value(value, "count"),
                (np.nanmax([value, high]), yi),
                xytext=(8, 0),
                textcoords="offset points",
                va="center",
                fontsize="small",
            )
        ax.set_yticks(y, [label(f"stage.{s}", lang) for s, _ in stages])
        ax.invert_yaxis()
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(label("funnel.axis", lang))
        ax.margins(x=0.1)
        handles = [
            Patch(color=colour, label=label(f"funnel.group.{group}", lang))
            for group, colour in FUNNEL_COLOURS.items()
        ]
        handles.append(whisker_handle(info.ci_level, lang))
        return finish(fig, label("funnel.title", lang), source_text([info], lang), handles)


def customer_base(customers_daily: Table, info: RunInfo, lang: Lang = "en") -> Figure:
    """Customers (top: accounts open and not leaving) and customers lost, cumulative and stacked
    by reason (bottom: decisions to leave, the reasons in a legend inside the panel), day by day,
    with confidence bands on the customers and the total lost."""
    totals, by_reason = data.customer_base(customers_daily)
    x = dates(info.scenario.calendar.start_date, totals.index.to_numpy())
    with house_style(lang):
        fig, (active_ax, lost_ax) = slide_figure(nrows=2, sharex=True)
        reasons = [r for r in data.LOSS_REASONS if by_reason[r].any()]
        if reasons:  # nobody may have left yet on a short horizon
            stacks = lost_ax.stackplot(
                x,
                *(by_reason[r].to_numpy() for r in reasons),
                colors=[REASON_COLOURS[r] for r in reasons],
                labels=[label(f"reason.{r}", lang) for r in reasons],
                alpha=0.85,
            )
            lost_ax.legend(handles=stacks[::-1], loc="upper left", ncols=2, fontsize="small")
        handles = [
            band(active_ax, x, totals["customers"], BLUE, label("customers.active", lang)),
            band(lost_ax, x, totals["lost"], BLACK, label("customers.total_lost", lang)),
            ci_band_handle(info.ci_level, lang),
        ]
        active_ax.set_ylabel(label("customers.active_axis", lang))
        unit_axis(active_ax, "count")
        lost_ax.set_ylabel(label("customers.lost_axis", lang))
        lost_ax.set_ylim(bottom=0.0)
        fig.align_ylabels()
        date_axis(lost_ax, lang)
        return finish(fig, label("customers.title", lang), source_text([info], lang), handles)


def kpi_comparison(
    summaries: Mapping[str, Table],
    infos: Sequence[RunInfo],
    kpis: Sequence[str] = COMPARE_KPIS,
    lang: Lang = "en",
) -> Figure:
    """KPIs of several runs side by side (e.g. baseline, understaffed, fast recovery): one panel
    per KPI, each run's mean with confidence whiskers. KPIs missing from a run are left out."""
    frames = {run: pd.DataFrame(s).set_index("kpi") for run, s in summaries.items()}
    shown = [k for k in kpis if all(k in f.index for f in frames.values())]
    ncols = min(len(shown), 3)
    nrows = -(-len(shown) // ncols)
    currency = infos[0].currency
    with house_style(lang):
        fig, axes = slide_figure(nrows=nrows, ncols=ncols)
        handles: list[Artist] = []
        for ax, kpi in zip(axes, shown, strict=False):
            for i, (run, frame) in enumerate(frames.items()):
                row = frame.loc[kpi]
                container = ax.errorbar(
                    [i],
                    [row["mean"]],
                    yerr=whiskers(row["mean"], row["ci_low"], row["ci_high"]),
                    fmt="o",
                    markersize=12,
                    color=PALETTE[i % len(PALETTE)],
                    elinewidth=2.5,
                    label=run,
                )
                if kpi == shown[0]:
                    handles.append(container)
            unit = kpi_info(kpi).unit
            ax.set_title(kpi_name(kpi, lang), fontsize="medium")
            ax.set_ylabel(unit_text(unit, lang, currency))
            unit_axis(ax, unit)
            ax.set_xticks([])
            ax.set_xlim(-0.6, len(frames) - 0.4)
            ax.margins(y=0.25)
        for ax in axes[len(shown) :]:
            ax.set_visible(False)
        handles.append(whisker_handle(infos[0].ci_level, lang))
        title = label("compare.title", lang, level=infos[0].ci_level)
        return finish(fig, title, source_text(infos, lang), handles)


def phone_moment_scores(
    sat: Satisfaction, wait_min: np.ndarray, answered: bool, resolved: bool
) -> np.ndarray:
    """Moment scores of first phone contacts after each wait, with no escalation or extra step."""
    n = len(wait_min)
    return moment_scores(
        np.ones(n, bool),
        wait_min,
        np.full(n, answered),
        np.full(n, resolved),
        np.zeros(n, bool),
        np.ones(n, int),
        0.0,
        sat,
    )


def response_curves(
    sat: Satisfaction, info: RunInfo, max_wait_min: float | None = None, lang: Lang = "en"
) -> Figure:
    """How a phone contact's moment score (left) and its impact on satisfaction (right) change
    with the wait, for an answer that solves the problem, one that does not, and hanging up
    (:func:`sim.model.satisfaction.moment_scores` and :func:`~sim.model.satisfaction.impact`)."""
    expected_min = sat.expected_phone_wait_s / 60.0
    wait = np.linspace(0.0, max_wait_min or 5.0 * expected_min, 301)
    cases = {
        "resolved": (True, True, GREEN),
        "unresolved": (True, False, ORANGE),
        "abandoned": (False, False, VERMILLION),
    }
    with house_style(lang):
        fig, (score_ax, impact_ax) = slide_figure(ncols=2)
        handles: list[Artist] = []
        for case, (answered, resolved, colour) in cases.items():
            scores = phone_moment_scores(sat, wait, answered, resolved)
            text = label(f"response.{case}", lang)
            handles.append(score_ax.plot(wait, scores, color=colour, label=text)[0])
            impact_ax.plot(wait, impact(scores, sat.bad_weight), color=colour, label=text)
        for ax in (score_ax, impact_ax):
            ax.axhline(0.0, color=REFERENCE, linewidth=1.2)
            expected = reference_line(
                ax,
                expected_min,
                label("response.expected", lang, seconds=sat.expected_phone_wait_s),
                horizontal=False,
            )
            ax.set_xlabel(label("response.wait_axis", lang))
            ax.set_xlim(0.0, wait[-1])
        handles.append(expected)
        score_ax.set_ylim(-1.05, 1.05)
        score_ax.set_ylabel(label("response.score_axis", lang))
        score_ax.set_title(label("response.score_panel", lang))
        impact_ax.set_ylabel(label("response.impact_axis", lang))
        impact_ax.set_title(label("response.impact_panel", lang, weight=sat.bad_weight))
        title = label("response.title", lang)
        return finish(fig, title, source_text([info], lang, "source_model"), handles)
