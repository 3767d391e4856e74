"""A chart slide's one-line takeaway, computed from the run's numbers, and the numbers behind it
for the speaker notes (:func:`sim.plotting.deck.run_charts`).

Every takeaway states estimates with their confidence intervals (``84% (95% CI 81–88%)``) and,
where the scenario sets one, the standard and whether it is met.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.measures.metrics import kpi_info
from sim.model.satisfaction import impact
from sim.plotting import data, figures, groups
from sim.plotting.data import RunData, RunInfo, summary_estimate
from sim.plotting.labels import (
    MINUS,
    Lang,
    contact_type_name,
    format_estimate,
    format_value,
    kpi_name,
    label,
    sentence,
)


@dataclass(frozen=True)
class Takeaway:
    """A chart's one-line takeaway and the numbers behind it (lines for the speaker notes)."""

    text: str
    numbers: tuple[str, ...]


def _estimate_text(run: RunData, kpi: str, lang: Lang) -> str:
    est = summary_estimate(run.tables["summary"], kpi)
    return format_estimate(
        est.mean,
        est.ci_low,
        est.ci_high,
        kpi_info(kpi).unit,
        lang,
        run.info.ci_level,
        run.info.currency,
    )


def _estimate_line(run: RunData, kpi: str, lang: Lang, name: str | None = None) -> str:
    """``Service level: 84% (95% CI 81–88%)`` (``name``: instead of the KPI's name)."""
    text = sentence(name or kpi_name(kpi, lang))
    return label("colon", lang, name=text, value=_estimate_text(run, kpi, lang))


def intervals_line(info: RunInfo, lang: Lang) -> str:
    return label("note.intervals", lang, replications=info.replications, level=info.ci_level)


def _status(run: RunData, kpi: str, lang: Lang) -> str:
    scorecard = run.tables["scorecard"].set_index("kpi")
    return label(f"status.{scorecard.loc[kpi, 'status']}", lang)


def _when(day_type: str, minute: float, lang: Lang) -> str:
    minutes = round(minute)
    return f"{label(f'day.{day_type}', lang)} {minutes // 60:02d}:{minutes % 60:02d}"


def _agents(value: float) -> str:
    """Agents as a whole number, or to one decimal when a mean over days is not whole."""
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def _points(value: float) -> str:
    """A change in satisfaction with its sign: ``+0.30``, ``−6.00``."""
    return f"{value:+.2f}".replace("-", MINUS)


def service_level_takeaway(run: RunData, lang: Lang) -> Takeaway:
    info = run.info
    scenario = info.scenario
    intraday = data.intraday_service_level(run.tables["intervals"], scenario.calendar.start_date)[
        "service_level"
    ]
    day_type, minute = intraday["mean"].idxmin()
    worst = intraday.loc[(day_type, minute)]
    target = f"{scenario.standards.service_level_target:.0%}"
    status = _status(run, "service_level", lang)
    when = _when(day_type, minute, lang)
    text = label(
        "take.service_level",
        lang,
        estimate=_estimate_text(run, "service_level", lang),
        target=target,
        status=status,
        when=when,
        worst=format_value(worst["mean"], "share"),
    )
    weakest = format_estimate(
        worst["mean"], worst["ci_low"], worst["ci_high"], "share", lang, info.ci_level
    )
    return Takeaway(
        text,
        (
            _estimate_line(run, "service_level", lang),
            label("note.target", lang, target=target, status=status),
            label("colon", lang, name=label("note.weakest", lang, when=when), value=weakest),
            label("note.status", lang),
            intervals_line(info, lang),
        ),
    )


def staffing_takeaway(run: RunData, lang: Lang) -> Takeaway:
    """The longest queue of the main day type, and the agents rostered (paid) and available
    after shrinkage when it happens: both counts, so nobody applies shrinkage twice."""
    info = run.info
    start = info.scenario.calendar.start_date
    intervals = run.tables["intervals"]
    day_type = data.main_day_type(intervals, start)
    est = data.intraday_staffing(intervals, start, day_type)
    means = est.xs("mean", axis=1, level=1)
    peak = means["mean_queue_phone"].idxmax()
    at = means.loc[peak]
    when = _when(day_type, peak, lang)
    paid, available = _agents(at["agents_paid_tier1"]), _agents(at["agents_available_tier1"])
    text = label(
        "take.staffing",
        lang,
        estimate=_estimate_text(run, "occupancy_tier1", lang),
        queue=at["mean_queue_phone"],
        when=when,
        paid=paid,
        available=available,
    )
    queue = est["mean_queue_phone"].loc[peak]
    queue_text = format_estimate(
        queue["mean"], queue["ci_low"], queue["ci_high"], "callers", lang, info.ci_level
    )
    return Takeaway(
        text,
        (
            _estimate_line(run, "occupancy_tier1", lang),
            label("colon", lang, name=label("note.queue", lang, when=when), value=queue_text),
            label(
                "note.roster_then",
                lang,
                paid=paid,
                available=available,
                shrinkage=data.tier_shrinkage(info.scenario, 1, intervals),
                present=f"{at['agents_present_tier1']:.1f}",
            ),
            label(
                "note.roster_day",
                lang,
                day_type=label(f"day.{day_type}", lang),
                paid_low=_agents(means["agents_paid_tier1"].min()),
                paid_high=_agents(means["agents_paid_tier1"].max()),
                low=_agents(means["agents_available_tier1"].min()),
                high=_agents(means["agents_available_tier1"].max()),
            ),
            intervals_line(info, lang),
        ),
    )


def daily_takeaway(run: RunData, lang: Lang) -> Takeaway:
    scenario = run.info.scenario
    daily = data.daily_service(run.tables["daily"])["service_level"]["mean"]
    limit = format_value(scenario.standards.max_abandon_rate, "share")
    status = _status(run, "abandon_rate", lang)
    short, days = int((daily < scenario.standards.service_level_target).sum()), len(daily)
    text = label(
        "take.daily",
        lang,
        estimate=_estimate_text(run, "abandon_rate", lang),
        limit=limit,
        status=status,
        short=short,
        days=days,
    )
    return Takeaway(
        text,
        (
            _estimate_line(run, "abandon_rate", lang),
            label("note.limit", lang, limit=limit, status=status),
            _estimate_line(run, "service_level", lang),
            label("note.days_short", lang, short=short, days=days),
            label("note.status", lang),
            intervals_line(run.info, lang),
        ),
    )


def funnel_takeaway(run: RunData, lang: Lang) -> Takeaway:
    summary = run.tables["summary"]
    dissatisfied = summary_estimate(summary, "funnel.dissatisfied").mean
    silent = summary_estimate(summary, "funnel.silent").mean
    share = silent / dissatisfied if dissatisfied else math.nan
    text = label(
        "take.funnel",
        lang,
        silent=share,
        dissatisfied=dissatisfied,
        retention=_estimate_text(run, "complaint_retention", lang),
    )
    stages = [
        _estimate_line(run, f"funnel.{stage}", lang, label(f"stage.{stage}", lang))
        for stage in ("dissatisfied", "silent", "complaints")
        if f"funnel.{stage}" in set(summary["kpi"])
    ]
    return Takeaway(
        text,
        (
            *stages,
            label("note.silent_share", lang, share=share),
            _estimate_line(run, "complaint_retention", lang),
            intervals_line(run.info, lang),
        ),
    )


def customers_takeaway(run: RunData, lang: Lang) -> Takeaway:
    summary = run.tables["summary"]
    lost = summary_estimate(summary, "defections").mean
    service = summary_estimate(summary, "service_defections").mean
    share = service / lost if lost else 0.0
    text = label(
        "take.customers",
        lang,
        lost=lost,
        service=share,
        start=summary_estimate(summary, "customers_start").mean,
        end=_estimate_text(run, "customers_end", lang),
    )
    return Takeaway(
        text,
        (
            _estimate_line(run, "customers_start", lang),
            _estimate_line(run, "defections", lang),
            _estimate_line(run, "service_defections", lang),
            label("note.service_share", lang, share=share),
            _estimate_line(run, "customers_end", lang),
            intervals_line(run.info, lang),
        ),
    )


def response_takeaway(info: RunInfo, lang: Lang) -> Takeaway:
    """How many quick answers one long wait undoes: the impact of an answered, resolved call
    after three times the expected wait against the gain of one answered at once."""
    sat = info.scenario.customers.satisfaction
    wait = max(1.0, round(3 * sat.expected_phone_wait_s / 60.0))
    score = figures.phone_moment_scores(sat, np.array([0.0, wait]), answered=True, resolved=True)
    gain, loss = impact(score, sat.bad_weight)
    answers = -loss / gain if gain > 0 else math.inf
    return Takeaway(
        label("take.response", lang, wait=wait, answers=answers),
        (
            label(
                "note.response",
                lang,
                wait=wait,
                loss=_points(loss),
                gain=_points(gain),
                weight=sat.bad_weight,
            ),
            label("note.model", lang),
        ),
    )


def by_type_takeaway(run: RunData, lang: Lang) -> Takeaway:
    """The phone types with the lowest and the highest service level, against the target."""
    est = groups.service_by_type(run.tables["summary"])["mean"].dropna()
    worst, best = est.idxmin(), est.idxmax()
    text = label(
        "take.sl_by_type",
        lang,
        target=f"{run.info.scenario.standards.service_level_target:.0%}",
        worst=contact_type_name(worst, lang),
        worst_value=format_value(est[worst], "share"),
        best=contact_type_name(best, lang),
        best_value=format_value(est[best], "share"),
    )
    lines = [
        _estimate_line(run, f"{groups.SERVICE_LEVEL}{t}", lang, contact_type_name(t, lang))
        for t in groups.service_by_type(run.tables["summary"]).index
    ]
    return Takeaway(text, (*lines, intervals_line(run.info, lang)))


def served_takeaway(run: RunData, lang: Lang) -> Takeaway:
    """The group that answered most, and the range of the groups' occupancy."""
    summary = run.tables["summary"]
    answered = groups.served_flows(summary).groupby("group", sort=False)["mean"].sum()
    occupancy = groups.group_occupancy(summary).dropna()
    top, low, high = answered.idxmax(), occupancy.idxmin(), occupancy.idxmax()
    text = label(
        "take.served",
        lang,
        group=sentence(contact_type_name(top, lang)),
        share=answered[top] / answered.sum() if answered.sum() else math.nan,
        low=format_value(occupancy[low], "share"),
        low_group=contact_type_name(low, lang),
        high=format_value(occupancy[high], "share"),
        high_group=contact_type_name(high, lang),
    )
    lines = [
        _estimate_line(
            run,
            f"{groups.OCCUPANCY}{g}",
            lang,
            label("groups.occupancy", lang, group=contact_type_name(g, lang)),
        )
        for g in occupancy.index
    ]
    lines += [
        _estimate_line(
            run,
            f"{groups.SERVED}{row.type}/{row.group}",
            lang,
            label(
                "groups.served",
                lang,
                type=contact_type_name(row.type, lang),
                group=contact_type_name(row.group, lang),
            ),
        )
        for row in groups.served_flows(summary).itertuples()
    ]
    return Takeaway(text, (*lines, intervals_line(run.info, lang)))


PRESSURE_KPIS = ("work_pressure_tier1", "handle_time_cut", "time_standard_end", "fcr_rate")
STAFF_KPIS = (
    "leavers",
    "attrition_annual",
    "vacancy_share",
    "staff_satisfaction",
    "fatigue_front_line",
    "overtime_share",
)


def _reported(run: RunData, kpis: tuple[str, ...]) -> list[str]:
    """Those of ``kpis`` the run's summary has, in the order given."""
    have = set(run.tables["summary"]["kpi"])
    return [k for k in kpis if k in have]


def pressure_takeaway(run: RunData, lang: Lang) -> Takeaway:
    """Front-line work pressure, the share of handle time cut under it, and first-contact
    resolution, over the reporting window; the notes add the time standard reached (erosion)."""
    text = label(
        "take.pressure",
        lang,
        pressure=_estimate_text(run, "work_pressure_tier1", lang),
        cut=_estimate_text(run, "handle_time_cut", lang),
        fcr=_estimate_text(run, "fcr_rate", lang),
    )
    lines = [_estimate_line(run, kpi, lang) for kpi in _reported(run, PRESSURE_KPIS)]
    return Takeaway(text, (*lines, intervals_line(run.info, lang)))


def staff_takeaway(run: RunData, lang: Lang) -> Takeaway:
    """What the mechanisms on measure: leavers, turnover and vacancies (attrition), staff
    satisfaction, front-line fatigue, and the share of time on overtime (always measured)."""
    kpis = _reported(run, STAFF_KPIS)
    parts = []
    if "leavers" in kpis:
        parts.append(
            label(
                "take.attrition",
                lang,
                leavers=_estimate_text(run, "leavers", lang),
                attrition=_estimate_text(run, "attrition_annual", lang),
                vacancy=_estimate_text(run, "vacancy_share", lang),
            )
        )
    for kpi, key in (
        ("staff_satisfaction", "take.staff_satisfaction"),
        ("fatigue_front_line", "take.fatigue"),
        ("overtime_share", "take.overtime"),
    ):
        if kpi in kpis:
            parts.append(label(key, lang, value=_estimate_text(run, kpi, lang)))
    text = sentence(label("separator", lang).join(parts))
    lines = [_estimate_line(run, kpi, lang) for kpi in kpis]
    return Takeaway(text, (*lines, intervals_line(run.info, lang)))
