"""PowerPoint decks from run folders (python-pptx, 16:9).

A deck has a title slide, the scenario's key assumptions, one chart per slide headed by a
one-line takeaway computed from the numbers (e.g. "Service level 84% (95% CI 81–88%), target
80%: met; ..."), and a table of the headline KPIs with their confidence intervals and standards.
:func:`run_charts` draws the charts and their takeaways (also useful on their own, e.g. in a
notebook); :func:`build_deck` exports them (PNG and SVG) and assembles the deck.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from sim.measures.metrics import kpi_info
from sim.model.satisfaction import impact
from sim.plotting import data, figures
from sim.plotting.data import RunData, RunInfo, read_run, summary_estimate
from sim.plotting.export import export
from sim.plotting.labels import (
    Lang,
    format_estimate,
    format_interval,
    format_value,
    kpi_label,
    label,
    share_digits,
)
from sim.plotting.style import SLIDE_SIZE_IN
from sim.scenario.base import clock
from sim.scenario.customers import RecoveryPolicy
from sim.scenario.desk import WEEKDAYS
from sim.scenario.scenario import Scenario

HEADLINE_KPIS = (
    "service_level",
    "abandon_rate",
    "asa_s",
    "occupancy_tier1",
    "fcr_rate",
    "complaints_resolved_on_time",
    "complaint_retention",
    "defections",
    "service_defections",
    "customers_end",
    "net_value",
)
"""KPIs in the table slide (those the run has), followed by any other standard it is scored on."""

WIDTH, HEIGHT = (Inches(v) for v in SLIDE_SIZE_IN)
MARGIN = Inches(0.5)
INK = RGBColor(0x22, 0x22, 0x22)
MUTED = RGBColor(0x55, 0x55, 0x55)


@dataclass(frozen=True)
class Chart:
    """A chart for a slide: file name, figure, and the takeaway that heads its slide."""

    name: str
    figure: Figure
    takeaway: str


def run_charts(run: RunData, lang: Lang = "en") -> list[Chart]:
    """Every chart the run's tables allow, each with its one-line takeaway."""
    tables, info = run.tables, run.info
    charts = [
        Chart(
            "intraday_service_level",
            figures.intraday_service_level(tables["intervals"], info, lang),
            _service_level_takeaway(run, lang),
        ),
        Chart(
            "intraday_staffing",
            figures.intraday_staffing(tables["intervals"], info, lang=lang),
            _staffing_takeaway(run, lang),
        ),
        Chart(
            "daily_service",
            figures.daily_service(tables["daily"], info, lang),
            _daily_takeaway(run, lang),
        ),
    ]
    customers = info.scenario.customers
    if customers is not None and "customers_daily" in tables:
        charts += [
            Chart(
                "complaint_funnel",
                figures.complaint_funnel(tables["summary"], info, lang),
                _funnel_takeaway(run, lang),
            ),
            Chart(
                "customer_base",
                figures.customer_base(tables["customers_daily"], info, lang),
                _customers_takeaway(run, lang),
            ),
            Chart(
                "response_curves",
                figures.response_curves(customers.satisfaction, info, lang=lang),
                _response_takeaway(info, lang),
            ),
        ]
    return charts


def build_deck(
    run_dir: Path, out: Path | None = None, lang: Lang = "en", charts_dir: Path | None = None
) -> Path:
    """Build the deck of a run folder and return its path.

    Args:
        run_dir: a run folder (``python -m sim run`` output).
        out: the ``.pptx`` to write (default: ``run_dir/deck-<lang>.pptx``).
        lang: ``en`` or ``zh`` (Simplified Chinese) for every word on the slides and charts.
        charts_dir: where the charts go as PNG and SVG (default: beside the deck, in
            ``<deck name>-charts/``).
    """
    run = read_run(run_dir)
    out = out or run_dir / f"deck-{lang}.pptx"
    charts_dir = charts_dir or default_charts_dir(out)
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    prs.core_properties.title = run.info.scenario.name
    _title_slide(prs, run.info, lang)
    _assumptions_slide(prs, run, lang)
    for chart in run_charts(run, lang):
        png, _ = export(chart.figure, chart.name, charts_dir)
        slide = _blank(prs)
        _text(slide, chart.takeaway, top=Inches(0.3), height=Inches(1.0), size=24, bold=True)
        picture_height = HEIGHT - Inches(1.45)
        picture_width = int(picture_height * SLIDE_SIZE_IN[0] / SLIDE_SIZE_IN[1])
        slide.shapes.add_picture(
            str(png),
            Emu((WIDTH - picture_width) // 2),
            Inches(1.3),
            width=Emu(picture_width),
            height=Emu(picture_height),
        )
    _kpi_slide(prs, run, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    prs.save(str(out))
    return out


def default_charts_dir(deck: Path) -> Path:
    """Where :func:`build_deck` puts the charts unless told: ``<deck name>-charts/`` beside it."""
    return deck.with_name(f"{deck.stem}-charts")


# --- slides --------------------------------------------------------------------------------------


def _blank(prs: Presentation) -> Slide:
    return prs.slides.add_slide(prs.slide_layouts[6])


def _text(
    slide: Slide,
    text: str,
    top: int,
    height: int,
    size: int,
    bold: bool = False,
    colour: RGBColor = INK,
) -> None:
    """A full-width text box."""
    frame = slide.shapes.add_textbox(MARGIN, top, WIDTH - 2 * MARGIN, height).text_frame
    frame.word_wrap = True
    for i, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, colour


def _table(
    slide: Slide,
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    top: int,
    size: int,
    header: bool = True,
) -> None:
    """A table (the first row a header if ``header``); ``widths`` are column widths in inches.
    Rows are 0.42 in high, less when that is needed to fit the slide."""
    row_height = min(Inches(0.42), (HEIGHT - top - Inches(0.2)) // len(rows))
    shape = slide.shapes.add_table(
        len(rows), len(widths), MARGIN, top, Inches(sum(widths)), row_height * len(rows)
    )
    table = shape.table
    table.first_row = header
    for j, width in enumerate(widths):
        table.columns[j].width = Inches(width)
    for table_row in table.rows:
        table_row.height = Emu(row_height)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            paragraph = table.cell(i, j).text_frame.paragraphs[0]
            paragraph.text = value
            paragraph.font.size = Pt(size)
            paragraph.font.bold = header and i == 0


def _title_slide(prs: Presentation, info: RunInfo, lang: Lang) -> None:
    slide = _blank(prs)
    scenario = info.scenario
    _text(slide, scenario.name, top=Inches(2.2), height=Inches(1.2), size=44, bold=True)
    _text(slide, scenario.description, top=Inches(3.5), height=Inches(1.6), size=20)
    subtitle = label(
        "deck.subtitle",
        lang,
        replications=info.replications,
        level=info.ci_level,
        date=info.created.isoformat(),
    )
    _text(slide, subtitle, top=Inches(5.4), height=Inches(0.8), size=18, colour=MUTED)


def _assumptions_slide(prs: Presentation, run: RunData, lang: Lang) -> None:
    slide = _blank(prs)
    _text(slide, label("deck.assumptions", lang), top=Inches(0.3), height=Inches(0.9), size=32)
    rows = [(label(f"assume.{key}", lang), value) for key, value in _assumptions(run, lang)]
    _table(slide, rows, widths=(3.3, 9.0), top=Inches(1.4), size=16, header=False)


def _kpi_slide(prs: Presentation, run: RunData, lang: Lang) -> None:
    slide = _blank(prs)
    info = run.info
    title = label("deck.kpi_table", lang, level=info.ci_level)
    _text(slide, title, top=Inches(0.3), height=Inches(0.9), size=32)
    header = [
        label("deck.col.kpi", lang),
        label("deck.col.mean", lang),
        label("ci", lang, level=info.ci_level),
        label("deck.col.target", lang),
        label("deck.col.status", lang),
    ]
    _table(slide, [header, *_kpi_rows(run, lang)], (4.6, 1.9, 3.3, 1.0, 1.5), Inches(1.2), 14)


# --- numbers behind the slides -------------------------------------------------------------------


def _kpi_rows(run: RunData, lang: Lang) -> list[list[str]]:
    summary = run.tables["summary"]
    scorecard = run.tables["scorecard"].set_index("kpi")
    kpis = [k for k in HEADLINE_KPIS if k in set(summary["kpi"])]
    kpis += [k for k in scorecard.index if k not in kpis]
    currency = run.info.currency
    rows = []
    for kpi in kpis:
        est = summary_estimate(summary, kpi)
        info = kpi_info(kpi)
        digits = share_digits(est.mean) if info.unit == "share" else None
        target, status = "", ""
        if kpi in scorecard.index:
            row = scorecard.loc[kpi]
            sign = "≥" if info.better > 0 else "≤"
            target = f"{sign} {format_value(float(row['target']), info.unit, lang)}"
            status = label(f"status.{row['status']}", lang)
        rows.append(
            [
                kpi_label(kpi, lang, currency),
                format_value(est.mean, info.unit, lang, digits, currency),
                format_interval(est.ci_low, est.ci_high, info.unit, lang, digits, currency),
                target,
                status,
            ]
        )
    return rows


def _assumptions(run: RunData, lang: Lang) -> list[tuple[str, str]]:
    """``(catalogue key, value)`` pairs for the assumptions slide."""
    info = run.info
    scenario = info.scenario
    cal = scenario.calendar
    intervals = run.tables["intervals"]
    rows = [
        (
            "horizon",
            label(
                "assume.horizon_value",
                lang,
                days=cal.horizon_days,
                start=cal.start_date.isoformat(),
                interval=cal.interval_min,
            ),
        ),
        ("hours", _opening_hours(scenario, lang)),
    ]
    for tier in (1, 2):
        rostered = intervals[f"agents_rostered_tier{tier}"]
        roster = getattr(scenario.staffing, f"tier{tier}")
        value = label(
            "assume.agents_value",
            lang,
            low=f"{rostered.min():.0f}",
            high=f"{rostered.max():.0f}",
            shrinkage=roster.shrinkage_fraction,
        )
        rows.append((f"tier{tier}", value))
    phone, email = _volume_per_open_day(scenario)
    rows.append(("demand", label("assume.demand_value", lang, phone=phone, email=email)))
    customers = scenario.customers
    rows.append(
        (
            "customers",
            label("assume.no_customers", lang)
            if customers is None
            else label("assume.customers_value", lang, accounts=customers.accounts),
        )
    )
    if customers is not None:
        rows.append(("recovery", _recovery(scenario.recovery, info.currency, lang)))
    standards = scenario.standards
    rows.append(
        (
            "service_level",
            label(
                "assume.service_level_value",
                lang,
                target=standards.service_level_target,
                threshold=scenario.service_level.threshold_s,
                abandon=standards.max_abandon_rate,
            ),
        )
    )
    rows.append(
        (
            "simulation",
            label("assume.simulation_value", lang, replications=info.replications, seed=info.seed),
        )
    )
    return rows


def _opening_hours(scenario: Scenario, lang: Lang) -> str:
    """Weekly hours with runs of equal days merged: ``Mon–Fri 08:00–20:00; Sat 09:00–13:00``."""
    names = [label(f"weekday.{day}", lang) for day in WEEKDAYS]
    spans: list[tuple[int, int, str]] = []
    for i, day in enumerate(WEEKDAYS):
        hours = scenario.calendar.opening_hours.of(day)
        text = (
            label("closed", lang)
            if hours is None
            else f"{clock(hours.open_h)}–{clock(hours.close_h)}"
        )
        if spans and spans[-1][2] == text:
            spans[-1] = (spans[-1][0], i, text)
        else:
            spans.append((i, i, text))
    return label("separator", lang).join(
        f"{names[a]}{'' if a == b else '–' + names[b]} {text}" for a, b, text in spans
    )


def _volume_per_open_day(scenario: Scenario) -> tuple[float, float]:
    """Forecast phone calls and emails per open day, averaged over the open weekdays."""
    open_days = [d for d in WEEKDAYS if scenario.calendar.opening_hours.of(d) is not None]
    totals = {"phone": 0.0, "email": 0.0}
    for ctype in scenario.demand.contact_types.values():
        totals[ctype.channel] += sum(ctype.daily_volume.of(d) for d in open_days)
    return totals["phone"] / len(open_days), totals["email"] / len(open_days)


def _recovery(policy: RecoveryPolicy, currency: str, lang: Lang) -> str:
    """The recovery policy in a phrase: kind, target and what it does."""
    parts = [label(f"recovery.{policy.kind}", lang)]
    if policy.target_h is not None:
        parts.append(label("assume.target_h", lang, hours=policy.target_h))
    if policy.jump_queue:
        parts.append(label("assume.jump_queue", lang))
    if policy.escalate_overdue:
        parts.append(label("assume.escalate", lang))
    if policy.compensation_per_complaint > 0:
        amount = format_value(policy.compensation_per_complaint, "money", lang, currency=currency)
        parts.append(label("assume.compensation", lang, amount=amount))
    return label("separator", lang).join(parts)


# --- takeaways -----------------------------------------------------------------------------------


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


def _status(run: RunData, kpi: str, lang: Lang) -> str:
    scorecard = run.tables["scorecard"].set_index("kpi")
    return label(f"status.{scorecard.loc[kpi, 'status']}", lang)


def _when(day_type: str, minute: float, lang: Lang) -> str:
    minutes = round(minute)
    return f"{label(f'day.{day_type}', lang)} {minutes // 60:02d}:{minutes % 60:02d}"


def _service_level_takeaway(run: RunData, lang: Lang) -> str:
    scenario = run.info.scenario
    intraday = data.intraday_service_level(run.tables["intervals"], scenario.calendar.start_date)[
        "service_level"
    ]["mean"]
    day_type, minute = intraday.idxmin()
    return label(
        "take.service_level",
        lang,
        estimate=_estimate_text(run, "service_level", lang),
        target=f"{scenario.standards.service_level_target:.0%}",
        status=_status(run, "service_level", lang),
        when=_when(day_type, minute, lang),
        worst=format_value(intraday.min(), "share"),
    )


def _staffing_takeaway(run: RunData, lang: Lang) -> str:
    start = run.info.scenario.calendar.start_date
    intervals = run.tables["intervals"]
    day_type = data.main_day_type(intervals, start)
    queue = data.intraday_staffing(intervals, start, day_type)["mean_queue_phone"]["mean"]
    return label(
        "take.staffing",
        lang,
        estimate=_estimate_text(run, "occupancy_tier1", lang),
        queue=queue.max(),
        when=_when(day_type, queue.idxmax(), lang),
    )


def _daily_takeaway(run: RunData, lang: Lang) -> str:
    scenario = run.info.scenario
    daily = data.daily_service(run.tables["daily"])["service_level"]["mean"]
    return label(
        "take.daily",
        lang,
        estimate=_estimate_text(run, "abandon_rate", lang),
        limit=format_value(scenario.standards.max_abandon_rate, "share"),
        status=_status(run, "abandon_rate", lang),
        short=int((daily < scenario.standards.service_level_target).sum()),
        days=len(daily),
    )


def _funnel_takeaway(run: RunData, lang: Lang) -> str:
    summary = run.tables["summary"]
    dissatisfied = summary_estimate(summary, "funnel.dissatisfied").mean
    silent = summary_estimate(summary, "funnel.silent").mean
    return label(
        "take.funnel",
        lang,
        silent=silent / dissatisfied if dissatisfied else math.nan,
        dissatisfied=dissatisfied,
        retention=_estimate_text(run, "complaint_retention", lang),
    )


def _customers_takeaway(run: RunData, lang: Lang) -> str:
    summary = run.tables["summary"]
    lost = summary_estimate(summary, "defections").mean
    service = summary_estimate(summary, "service_defections").mean
    return label(
        "take.customers",
        lang,
        lost=lost,
        service=service / lost if lost else 0.0,
        start=summary_estimate(summary, "customers_start").mean,
        end=_estimate_text(run, "customers_end", lang),
    )


def _response_takeaway(info: RunInfo, lang: Lang) -> str:
    """How many quick answers one long wait undoes: the impact of an answered, resolved call
    after three times the expected wait against the gain of one answered at once."""
    sat = info.scenario.customers.satisfaction
    wait = max(1.0, round(3 * sat.expected_phone_wait_s / 60.0))
    score = figures.phone_moment_scores(sat, np.array([0.0, wait]), answered=True, resolved=True)
    gain, loss = impact(score, sat.bad_weight)
    return label("take.response", lang, wait=wait, answers=-loss / gain if gain > 0 else math.inf)
