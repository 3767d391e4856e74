"""PowerPoint decks from run folders (python-pptx; 16:9 unless a template says otherwise).

A deck has a title slide (the scenario's title and description, replications and date), the
scenario's key assumptions, one chart per slide headed by a one-line takeaway computed from the
numbers (e.g. "Service level 84% (95% CI 81–88%), target 80%: met; ..."), and a table of the
headline KPIs with their confidence intervals and standards. Every slide comes from a layout of
the template (:mod:`sim.plotting.template`: the built-in design, or a corporate ``.pptx`` whose
master and layouts dress the deck) with its title placeholder filled, so the deck's outline lists
every slide. The speaker notes of every chart slide carry the numbers behind its takeaway with
their confidence intervals, and the chart's source line.

:func:`run_charts` draws the charts with their takeaways and notes (also useful on their own, e.g.
in a notebook); :func:`build_deck` exports them (PNG and SVG) and assembles the deck. Names, one
rule for the command line and the notebooks: the deck is ``deck.pptx`` with its charts in
``charts/`` beside it, and in another language the language joins both names (``deck-zh.pptx``,
``charts-zh/``); a deck written elsewhere gets its charts in ``<deck name>-charts/``
(:func:`deck_name`, :func:`default_charts_dir`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from sim.measures.metrics import kpi_info
from sim.plotting import data, figures, groups, takeaways, workforce
from sim.plotting.data import RunData, RunInfo, read_run, summary_estimate
from sim.plotting.export import export
from sim.plotting.labels import (
    Lang,
    format_interval,
    format_value,
    kpi_name,
    label,
    sentence,
    share_digits,
)
from sim.plotting.style import source_line
from sim.plotting.takeaways import Takeaway
from sim.plotting.template import (
    Area,
    Layouts,
    add_slide,
    choose_layouts,
    content_area,
    fit_16_9,
    open_template,
    placeholder,
    set_text,
)
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

TAKEAWAY_PT = 22
"""Chart slides are headed by a sentence, not a heading: smaller than a template's title style."""
SUBTITLE_PT = 16
TABLE_PT = {"assumptions": 16, "kpis": 14}
"""Type sizes of the tables on a 16:9 slide, whose tables are :data:`TABLE_WIDTH` wide."""
TABLE_WIDTH = Inches(12)
ROW_HEIGHT = Inches(0.42)
"""Table rows are this high, less when that is needed to fit the slide."""
CELL_MARGIN = Inches(0.04)
LINE_HEIGHT = 1.25
PROPERTY_CHARS = 255
"""Longest title or subject a deck's document properties may hold."""
"""A line of text is this many times its type size high."""


@dataclass(frozen=True)
class Chart:
    """A chart for a slide: file name, figure, the takeaway that heads its slide, and its speaker
    notes (the takeaway, the numbers behind it with their confidence intervals, the source)."""

    name: str
    figure: Figure
    takeaway: str
    notes: tuple[str, ...]

    @classmethod
    def of(cls, name: str, figure: Figure, takeaway: Takeaway, lang: Lang) -> Chart:
        """A chart with its notes assembled from ``takeaway`` and the figure's source line."""
        notes = (
            takeaway.text,
            "",
            label("note.numbers", lang),
            *takeaway.numbers,
            "",
            source_line(figure),
        )
        return cls(name, figure, takeaway.text, notes)


def run_charts(run: RunData, lang: Lang = "en") -> list[Chart]:
    """Every chart the run's tables allow, each with its one-line takeaway and notes (a desk with
    agent groups adds service level by contact type and who served whom; a workforce section
    adds work pressure and quality, and the staff over time)."""
    tables, info = run.tables, run.info
    charts = [
        Chart.of(
            "intraday_service_level",
            figures.intraday_service_level(tables["intervals"], info, lang),
            takeaways.service_level_takeaway(run, lang),
            lang,
        ),
        Chart.of(
            "intraday_staffing",
            figures.intraday_staffing(tables["intervals"], info, lang=lang),
            takeaways.staffing_takeaway(run, lang),
            lang,
        ),
        Chart.of(
            "daily_service",
            figures.daily_service(tables["daily"], info, lang),
            takeaways.daily_takeaway(run, lang),
            lang,
        ),
    ]
    customers = info.scenario.customers
    if customers is not None and "customers_daily" in tables:
        charts += [
            Chart.of(
                "complaint_funnel",
                figures.complaint_funnel(tables["summary"], info, lang),
                takeaways.funnel_takeaway(run, lang),
                lang,
            ),
            Chart.of(
                "customer_base",
                figures.customer_base(tables["customers_daily"], info, lang),
                takeaways.customers_takeaway(run, lang),
                lang,
            ),
            Chart.of(
                "response_curves",
                figures.response_curves(customers.satisfaction, info, lang=lang),
                takeaways.response_takeaway(info, lang),
                lang,
            ),
        ]
    summary = tables["summary"]
    if groups.has_service_by_type(summary):
        figure = groups.service_level_by_type(summary, info, lang)
        charts.append(
            Chart.of("service_level_by_type", figure, takeaways.by_type_takeaway(run, lang), lang)
        )
    if groups.has_served(summary):
        figure = groups.who_served_whom(summary, info, lang)
        charts.append(
            Chart.of("who_served_whom", figure, takeaways.served_takeaway(run, lang), lang)
        )
    if workforce.has_workforce(run):
        daily = workforce.workforce_table(run)
        figure = workforce.pressure_and_quality(daily, info, lang)
        charts.append(
            Chart.of("pressure_and_quality", figure, takeaways.pressure_takeaway(run, lang), lang)
        )
        figure = workforce.staff_over_time(daily, info, lang)
        charts.append(
            Chart.of("staff_over_time", figure, takeaways.staff_takeaway(run, lang), lang)
        )
    return charts


def build_deck(
    run_dir: Path,
    out: Path | None = None,
    lang: Lang = "en",
    charts_dir: Path | None = None,
    template: Path | None = None,
) -> Path:
    """Build the deck of a run folder and return its path.

    Args:
        run_dir: a run folder (``python -m sim run`` output).
        out: the ``.pptx`` to write (default: ``run_dir/`` :func:`deck_name`).
        lang: ``en`` or ``zh`` (Simplified Chinese) for every word on the slides and charts.
        charts_dir: where the charts go as PNG and SVG (default: :func:`default_charts_dir`).
        template: a ``.pptx`` whose slide master, layouts and theme the deck uses (its own
            slides are left out); default: the built-in design at 16:9.

    Raises:
        TemplateError: the template cannot be read or has no layout with a title placeholder.
        FileNotFoundError, RunFolderError: ``run_dir`` is not a usable run folder.
    """
    prs = open_template(template)
    layouts = choose_layouts(prs, f"template {template}" if template else "built-in template")
    run = read_run(run_dir)
    out = out or run_dir / deck_name(lang)
    charts_dir = charts_dir or default_charts_dir(out, lang)
    scenario = run.info.scenario
    prs.core_properties.title = _property(scenario.display_title)
    prs.core_properties.subject = _property(scenario.description)
    _title_slide(prs, layouts, run.info, lang)
    _assumptions_slide(prs, layouts, run, lang)
    for chart in run_charts(run, lang):
        png, _ = export(chart.figure, chart.name, charts_dir)
        slide = add_slide(prs, layouts.content, chart.takeaway, TAKEAWAY_PT)
        box = fit_16_9(content_area(prs, slide))
        slide.shapes.add_picture(str(png), box.left, box.top, box.width, box.height)
        set_text(slide.notes_slide.notes_text_frame, chart.notes)
    _kpi_slide(prs, layouts, run, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    prs.save(str(out))
    return out


def _property(text: str) -> str:
    """A document property's text, cut to the 255 characters the file format allows."""
    return text if len(text) <= PROPERTY_CHARS else text[: PROPERTY_CHARS - 1].rstrip() + "…"


def deck_name(lang: Lang) -> str:
    """The deck's file name in a run folder: ``deck.pptx``, or ``deck-zh.pptx`` in Chinese."""
    return "deck.pptx" if lang == "en" else f"deck-{lang}.pptx"


def default_charts_dir(deck: Path, lang: Lang = "en") -> Path:
    """Where :func:`build_deck` puts the charts unless told: beside a deck named by
    :func:`deck_name`, ``charts/`` (``charts-zh/`` in Chinese); beside any other deck,
    ``<deck name>-charts/``."""
    if deck.name == deck_name(lang):
        return deck.with_name("charts" if lang == "en" else f"charts-{lang}")
    return deck.with_name(f"{deck.stem}-charts")


# --- slides --------------------------------------------------------------------------------------


def _table(
    slide: Slide,
    area: Area,
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    size: float,
    header: bool = True,
) -> None:
    """A table across ``area`` (the first row a header if ``header``); ``widths`` are the columns'
    relative widths. Rows get lower and type smaller to fit: type shrinks with a narrower
    slide (a 4:3 template) and with rows too low for it."""
    row_height = min(ROW_HEIGHT, area.height // len(rows))
    fitting = (row_height - 2 * CELL_MARGIN) / Pt(1) / LINE_HEIGHT
    size = min(size * min(1.0, area.width / TABLE_WIDTH), fitting)
    shape = slide.shapes.add_table(
        len(rows), len(widths), area.left, area.top, area.width, row_height * len(rows)
    )
    table = shape.table
    table.first_row = header
    for j, width in enumerate(widths):
        table.columns[j].width = Emu(int(area.width * width / sum(widths)))
    for table_row in table.rows:
        table_row.height = Emu(row_height)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.margin_top = cell.margin_bottom = CELL_MARGIN
            paragraph = cell.text_frame.paragraphs[0]
            paragraph.text = value
            paragraph.font.size = Pt(size)
            paragraph.font.bold = header and i == 0


def _title_slide(prs: Deck, layouts: Layouts, info: RunInfo, lang: Lang) -> None:
    scenario = info.scenario
    slide = add_slide(
        prs, layouts.title, scenario.display_title, keep=frozenset({PP_PLACEHOLDER.SUBTITLE})
    )
    facts = label(
        "deck.subtitle",
        lang,
        replications=info.replications,
        level=info.ci_level,
        date=info.created.isoformat(),
    )
    lines = [scenario.description, facts] if scenario.description else [facts]
    holder = placeholder(slide, PP_PLACEHOLDER.SUBTITLE)
    if holder is not None:
        frame = holder.text_frame
    else:  # a layout without a subtitle: a text box under the title
        area = content_area(prs, slide)
        frame = slide.shapes.add_textbox(area.left, area.top, area.width, area.height).text_frame
    set_text(frame, lines, SUBTITLE_PT)


def _assumptions_slide(prs: Deck, layouts: Layouts, run: RunData, lang: Lang) -> None:
    slide = add_slide(prs, layouts.content, label("deck.assumptions", lang))
    rows = [(label(f"assume.{key}", lang), value) for key, value in _assumptions(run, lang)]
    area = content_area(prs, slide)
    _table(slide, area, rows, widths=(3.3, 9.0), size=TABLE_PT["assumptions"], header=False)


def _kpi_slide(prs: Deck, layouts: Layouts, run: RunData, lang: Lang) -> None:
    info = run.info
    slide = add_slide(prs, layouts.content, label("deck.kpi_table", lang, level=info.ci_level))
    header = [
        label("deck.col.kpi", lang),
        label("deck.col.mean", lang),
        label("ci", lang, level=info.ci_level),
        label("deck.col.target", lang),
        label("deck.col.status", lang),
    ]
    rows = [header, *_kpi_rows(run, lang)]
    area = content_area(prs, slide)
    _table(slide, area, rows, (4.6, 1.7, 3.1, 1.3, 1.6), TABLE_PT["kpis"])
    notes = (
        label("note.status", lang),
        takeaways.intervals_line(info, lang),
        "",
        figures.source_text([info], lang),
    )
    set_text(slide.notes_slide.notes_text_frame, notes)


# --- numbers behind the slides -------------------------------------------------------------------


def _kpi_rows(run: RunData, lang: Lang) -> list[list[str]]:
    """One row per KPI: its name in words, mean, interval, target and status, each value with
    its unit written once (``£245,771``, ``£108,427–383,115``)."""
    summary = run.tables["summary"]
    scorecard = run.tables["scorecard"].set_index("kpi")
    kpis = [k for k in HEADLINE_KPIS if k in set(summary["kpi"])]
    kpis += [k for k in scorecard.index if k not in kpis]
    currency = run.info.currency
    rows = []
    for kpi in kpis:
        est = summary_estimate(summary, kpi)
        unit = kpi_info(kpi).unit
        digits = share_digits(est.mean) if unit == "share" else None
        target, status = "", ""
        if kpi in scorecard.index:
            row = scorecard.loc[kpi]
            sign = "≥" if kpi_info(kpi).better > 0 else "≤"
            target = (
                f"{sign}\u00a0{format_value(float(row['target']), unit, lang, currency=currency)}"
            )
            status = label(f"status.{row['status']}", lang)
        rows.append(
            [
                sentence(kpi_name(kpi, lang)),
                format_value(est.mean, unit, lang, digits, currency),
                format_interval(est.ci_low, est.ci_high, unit, lang, digits, currency),
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
        paid = intervals[f"agents_paid_tier{tier}"]
        available = intervals[f"agents_available_tier{tier}"]
        value = label(
            "assume.agents_value",
            lang,
            paid_low=f"{paid.min():.0f}",
            paid_high=f"{paid.max():.0f}",
            low=f"{available.min():.0f}",
            high=f"{available.max():.0f}",
            shrinkage=data.tier_shrinkage(scenario, tier, intervals),
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
    """Forecast phone calls and emails per open day, averaged over the open weekdays (chats are
    left out)."""
    open_days = [d for d in WEEKDAYS if scenario.calendar.opening_hours.of(d) is not None]
    totals = {"phone": 0.0, "chat": 0.0, "email": 0.0}
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
