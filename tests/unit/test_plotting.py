"""Slide charts and decks (:mod:`sim.plotting`), drawn from the tables of a tiny real run.

Every chart must carry a title, axis labels with units, a legend and the source line; no two tick
labels overlap and none leaves the figure, in English and Chinese; exported charts are
1920 × 1080 PNG plus SVG; Chinese labels render with the bundled font (no missing glyphs); staffing
is shown as rostered (paid) and available after shrinkage, matching the roster; the deck opens in
python-pptx with a filled title placeholder on every slide, speaker notes on every chart slide,
human names and money written once, on the built-in design or a template's layouts.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import math
import re
import shutil
import string
import warnings
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import matplotlib

matplotlib.use("Agg")

import matplotlib.image
import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.transforms import Bbox
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.util import Inches

from sim.cli import slides as cli_slides
from sim.experiments.replications import run_scenario
from sim.experiments.store import RunWriter
from sim.measures.metrics import KPIS, kpi_info
from sim.plotting import (
    RunData,
    build_deck,
    complaint_funnel,
    customer_base,
    daily_service,
    export,
    intraday_roster_by_policy,
    intraday_service_level,
    intraday_staffing,
    kpi_comparison,
    paired_differences_chart,
    read_run,
    response_curves,
    run_charts,
)
from sim.plotting.catalogue import CATALOGUE, KPI_ZH
from sim.plotting.data import RunFolderError
from sim.plotting.deck import default_charts_dir
from sim.plotting.figures import COMPARE_KPIS, source_text
from sim.plotting.labels import (
    LANGS,
    Lang,
    contact_type_name,
    format_estimate,
    kpi_name,
    unit_text,
)
from sim.plotting.style import FONT_DIR, FONT_FAMILIES, SOURCE_GID, source_line, wrap_label
from sim.scenario.desk import WEEKDAYS
from tests.scenarios import busy_desk, customer_desk

FigureBuilder = Callable[[RunData, Lang], Figure]


def _comparison(run: RunData, lang: Lang) -> Figure:
    summary = run.tables["summary"]
    worse = summary.assign(**{c: summary[c] * 0.9 for c in ("mean", "ci_low", "ci_high")})
    return kpi_comparison({"tiny": summary, "worse": worse}, [run.info], lang=lang)


ALTERNATIVES = ("a_much_longer_alternative_policy_name", "erlang_c", "square_root_staffing", "fast")
PAIRED_KPIS = (
    ("service_level", 0.12),
    ("abandon_rate", 0.03),
    ("asa_s", 40.0),
    ("occupancy_tier1", 0.05),
    ("staffing_cost", 1_234_567.0),
    ("net_value", -2_500_000.0),
)


def _differences() -> pd.DataFrame:
    """A paired-differences table (as :func:`sim.differences_table` gives) with long
    alternative names and large money differences: what crowds tick labels."""
    rows = []
    for (kpi, scale), (i, name) in itertools.product(PAIRED_KPIS, enumerate(ALTERNATIVES)):
        difference = scale * (i - 1.5) / 1.5
        rows.append(
            {
                "alternative": name,
                "kpi": kpi,
                "difference": difference,
                "ci_low": difference - abs(scale) / 3,
                "ci_high": difference + abs(scale) / 3,
                "verdict": ("better", "worse", "no difference")[i % 3],
            }
        )
    return pd.DataFrame(rows)


def _paired(kpis: int) -> FigureBuilder:
    return lambda r, lang: paired_differences_chart(
        _differences(), [r.info], [k for k, _ in PAIRED_KPIS[:kpis]], lang
    )


FIGURES: dict[str, FigureBuilder] = {
    "intraday_service_level": lambda r, lang: intraday_service_level(
        r.tables["intervals"], r.info, lang
    ),
    "intraday_staffing": lambda r, lang: intraday_staffing(
        r.tables["intervals"], r.info, lang=lang
    ),
    "daily_service": lambda r, lang: daily_service(r.tables["daily"], r.info, lang),
    "complaint_funnel": lambda r, lang: complaint_funnel(r.tables["summary"], r.info, lang),
    "customer_base": lambda r, lang: customer_base(r.tables["customers_daily"], r.info, lang),
    "kpi_comparison": _comparison,
    "response_curves": lambda r, lang: response_curves(
        r.info.scenario.customers.satisfaction, r.info, lang=lang
    ),
    "paired_differences": _paired(3),
    "paired_differences_six": _paired(6),
    "roster_by_policy": lambda r, lang: intraday_roster_by_policy(
        {"baseline": r, "a_much_longer_policy_name": r}, lang=lang
    ),
}
UNIT_IN_LABEL = re.compile(r"\(.+\)|（.+）")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-week customer desk, two replications, written as a run folder; one contact type
    has a snake_case name and a response target, so the KPI table has a name to put in words."""
    out = tmp_path_factory.mktemp("run")
    writer = RunWriter(out, contacts=False)
    email_enquiry = {
        "channel": "email",
        "priority": 4,
        "profile": "day",
        "daily_volume": {d: 20 for d in WEEKDAYS[:5]},
        "handle_time": {"kind": "fixed", "value_min": 6},
    }
    scenario = customer_desk(
        calendar={"horizon_days": 7},
        demand={"contact_types": {"email_enquiry": email_enquiry}},
        standards={
            "response_targets": {"email_enquiry": {"within_min": 480, "target_fraction": 0.8}}
        },
    )
    result = run_scenario(scenario, replications=2, on_replication=writer.replication)
    writer.finish(result, command=["test"])
    return out


@pytest.fixture(scope="module")
def run(run_dir: Path) -> RunData:
    return read_run(run_dir)


def _has_unit(text: str, lang: Lang, currency: str) -> bool:
    units = {unit_text(info.unit, lang, currency) for info in KPIS.values()}
    return bool(UNIT_IN_LABEL.search(text)) or text in units


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", FIGURES)
def test_chart_has_title_units_legend_and_source(run: RunData, name: str, lang: Lang) -> None:
    fig = FIGURES[name](run, lang)
    assert fig.get_suptitle()
    assert fig.legends and all(t.get_text() for t in fig.legends[0].get_texts())
    axes = [ax for ax in fig.axes if ax.get_visible()]
    for ax in axes:  # the value axis of every panel says its unit
        labels = (ax.get_ylabel(), ax.get_xlabel())
        assert any(_has_unit(text, lang, run.info.currency) for text in labels), (name, labels)
    if name != "kpi_comparison":  # runs are told apart by colour (legend), not by an x axis
        assert any(ax.get_xlabel() for ax in axes)
    source = source_line(fig)
    assert "tiny" not in source or name == "kpi_comparison"
    assert run.info.scenario.name in source
    assert dt.date.today().isoformat() in source
    if name != "response_curves":  # a model curve: no replications behind it
        assert "2" in source and "95%" in source


def test_settings_get_a_second_source_line_below_the_charts(run: RunData) -> None:
    settings = "Settings: agents ×1.10 · volume ×0.90 · seed 7 · quick mode: 14 days"
    with_settings = RunData(run.path, dataclasses.replace(run.info, settings=settings), run.tables)
    for build in (FIGURES["intraday_staffing"], FIGURES["complaint_funnel"]):
        fig = build(with_settings, "en")
        first, second = source_line(fig).split("\n")
        assert run.info.scenario.name in first and second == settings
        renderer = FigureCanvasAgg(fig).get_renderer()
        line = next(t for t in fig.texts if t.get_gid() == SOURCE_GID)
        top = line.get_window_extent(renderer).y1
        assert all(ax.get_tightbbox(renderer).y0 > top for ax in fig.axes if ax.get_visible())


def test_uncertainty_is_shown(run: RunData) -> None:
    """Time charts shade confidence bands; the funnel and comparison draw whiskers."""
    fig = FIGURES["intraday_service_level"](run, "en")
    assert any(c.__class__.__name__ == "FillBetweenPolyCollection" for c in fig.axes[0].collections)
    funnel = FIGURES["complaint_funnel"](run, "en")
    assert any(c.__class__.__name__ == "LineCollection" for c in funnel.axes[0].collections)


def test_export_writes_full_hd_png_and_svg(run: RunData, tmp_path: Path) -> None:
    png, svg = export(FIGURES["daily_service"](run, "en"), "daily", tmp_path / "charts")
    assert matplotlib.image.imread(png).shape[:2] == (1080, 1920)
    root = ElementTree.parse(svg).getroot()
    assert root.tag.endswith("svg")


def test_chinese_charts_render_every_character(run: RunData) -> None:
    """No "Glyph ... missing" warning, and the font chosen for the CJK text covers all of it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figs = [build(run, "zh") for build in FIGURES.values()]
        for fig in figs:
            FigureCanvasAgg(fig).draw()
    missing = [str(w.message) for w in caught if "missing" in str(w.message)]
    assert not missing, missing[:3]
    texts = {
        t.get_text()
        for fig in figs
        for t in fig.findobj(matplotlib.text.Text)
        if CJK.search(t.get_text())
    }
    assert len(texts) > 20
    font = font_manager.findfont(font_manager.FontProperties(family=FONT_FAMILIES["zh"]))
    charmap = FT2Font(font).get_charmap()
    uncovered = {c for text in texts for c in text if not c.isspace() and ord(c) not in charmap}
    assert not uncovered


def test_bundled_font_and_licence() -> None:
    fonts = sorted(p.name for p in FONT_DIR.glob("*.otf"))
    assert fonts == ["NotoSansCJKsc-Bold-subset.otf", "NotoSansCJKsc-Regular-subset.otf"]
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONT_DIR / "OFL.txt").read_text("utf-8")
    registered = {Path(e.fname).name for e in font_manager.fontManager.ttflist}
    assert set(fonts) <= registered


def test_catalogue_is_complete() -> None:
    """Both languages for every entry, with the same placeholders; a Chinese name for every KPI."""

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for key, (en, zh) in CATALOGUE.items():
        assert en and zh, key
        assert fields(en) == fields(zh), key
    assert set(KPI_ZH) == set(KPIS)


@pytest.mark.parametrize(
    ("args", "currency", "expected"),
    [
        ((0.8412, 0.81, 0.8799, "share"), "GBP", "84% (95% CI 81–88%)"),
        ((0.0495, 0.0199, 0.0791, "share"), "GBP", "5.0% (95% CI 2.0–7.9%)"),
        ((10.06, 4.1, 16.1, "s"), "GBP", "10.1 s (95% CI 4.1–16.1 s)"),
        (
            (1489036.0, 1327588.0, 1650483.0, "money"),
            "GBP",
            "£1,489,036 (95% CI £1,327,588–1,650,483)",
        ),
        ((-20500.0, -51000.0, 9900.0, "money"), "EUR", "−€20,500 (95% CI −€51,000 to 9,900)"),
        (
            (1489036.0, 1327588.0, 1650483.0, "money"),
            "CHF",
            "CHF 1,489,036 (95% CI CHF 1,327,588–1,650,483)",
        ),
        ((360.0, float("nan"), float("nan"), "count"), "GBP", "360"),
    ],
)
def test_format_estimate(
    args: tuple[float, float, float, str], currency: str, expected: str
) -> None:
    """Money with its symbol (GBP, USD, EUR) or code, once per value and once per interval."""
    assert format_estimate(*args, currency=currency) == expected


@pytest.mark.parametrize(
    ("name", "en", "zh"),
    [
        ("email_enquiry", "Email enquiry", "邮件咨询"),
        ("urgent", "Urgent", "紧急事务"),
        ("phone-complaint", "Phone complaint", "电话投诉"),
        ("billing_dispute", "Billing dispute", "Billing dispute"),  # an unknown word: English
    ],
)
def test_contact_types_are_named_in_words(name: str, en: str, zh: str) -> None:
    assert contact_type_name(name, "en") == en
    assert contact_type_name(name, "zh") == zh
    assert kpi_name(f"within_target.{name}", "en") == f"{en} answered within target"
    assert kpi_name(f"within_target.{name}", "zh") == f"{zh}按时响应率"


def test_scenario_title_or_name_in_words() -> None:
    assert customer_desk().display_title == "Busy desk"
    assert customer_desk(title="Our desk in 2027").display_title == "Our desk in 2027"


def test_comparison_uses_every_run(run: RunData) -> None:
    fig = FIGURES["kpi_comparison"](run, "en")
    assert [t.get_text() for t in fig.legends[0].get_texts()][:2] == ["tiny", "worse"]
    titles = [ax.get_title(loc="left") for ax in fig.axes if ax.get_visible()]
    assert titles == [kpi_info(k).label for k in COMPARE_KPIS]


# --- labels that fit -----------------------------------------------------------------------------


def _tick_labels(fig: Figure) -> list[tuple[str, Bbox]]:
    """Every tick label drawn on the figure (visible, non-empty, inside its axis' view) and
    where it is, in pixels."""
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    drawn = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if not (ax.get_visible() and axis.get_visible()):
                continue
            low, high = sorted(axis.get_view_interval())
            slack = 1e-9 * max(high - low, 1.0)
            for tick in axis.get_major_ticks():
                if not low - slack <= tick.get_loc() <= high + slack:
                    continue
                for text in (tick.label1, tick.label2):
                    if text.get_visible() and text.get_text().strip():
                        drawn.append((text.get_text(), text.get_window_extent(renderer)))
    return drawn


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", FIGURES)
def test_tick_labels_do_not_overlap_or_leave_the_figure(
    run: RunData, name: str, lang: Lang
) -> None:
    fig = FIGURES[name](run, lang)
    labels = _tick_labels(fig)
    assert labels
    overlapping = [
        (a, b)
        for (a, box_a), (b, box_b) in itertools.combinations(labels, 2)
        if box_a.overlaps(box_b)
    ]
    assert not overlapping, overlapping[:3]
    frame = fig.bbox
    outside = [
        text
        for text, box in labels
        if box.x0 < frame.x0 or box.y0 < frame.y0 or box.x1 > frame.x1 or box.y1 > frame.y1
    ]
    assert not outside


def test_paired_differences_keep_every_alternative_readable(run: RunData) -> None:
    """Long names are wrapped, not cut: every alternative is on every panel, in full."""
    fig = FIGURES["paired_differences_six"](run, "en")
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == len(PAIRED_KPIS)
    for ax in panels:
        shown = [t.get_text().replace("\n", "") for t in ax.get_yticklabels()]
        assert shown == list(ALTERNATIVES)
    assert wrap_label("a_much_longer_alternative_policy_name").count("\n") >= 1
    assert wrap_label("投诉补救不力（服务）", 8).count("\n") == 2


# --- staffing: rostered (paid) and available after shrinkage -------------------------------------

ROSTER = [4, 6, 8, 10, 12, 12, 10, 8, 8, 10, 12, 12, 10, 8, 6, 6, 4, 4, 4, 4]
"""Front-line agents rostered per 30-minute interval, 08:00–18:00."""
SHRINKAGE = 0.25
AVAILABLE = [math.floor(n * (1 - SHRINKAGE) + 0.5) for n in ROSTER]


@pytest.fixture(scope="module")
def roster_run(tmp_path_factory: pytest.TempPathFactory) -> RunData:
    """Two days of a desk on the roster above, with 25% shrinkage."""
    out = tmp_path_factory.mktemp("roster")
    tier1 = {
        "kind": "by_interval",
        "shrinkage_fraction": SHRINKAGE,
        "agents": {day: ROSTER for day in WEEKDAYS[:5]},
    }
    writer = RunWriter(out, contacts=False)
    scenario = busy_desk(calendar={"horizon_days": 2}, staffing={"tier1": tier1})
    result = run_scenario(scenario, replications=2, on_replication=writer.replication)
    writer.finish(result, command=["test"])
    return read_run(out)


def test_intervals_table_has_the_paid_and_the_available_roster(roster_run: RunData) -> None:
    intervals = roster_run.tables["intervals"]
    for _, day in intervals.groupby(["replication", "day"]):
        assert day["agents_paid_tier1"].tolist() == ROSTER
        assert day["agents_available_tier1"].tolist() == AVAILABLE
    assert AVAILABLE != ROSTER


def _line(fig: Figure, text: str) -> list[float]:
    """The values per interval of the step line labelled ``text``."""
    [line] = [line for line in fig.axes[0].get_lines() if line.get_label() == text]
    return list(np.asarray(line.get_ydata())[:-1])  # a step line repeats its last value


def test_staffing_chart_shows_rostered_paid_and_available(roster_run: RunData) -> None:
    fig = intraday_staffing(roster_run.tables["intervals"], roster_run.info)
    assert _line(fig, "Rostered (paid)") == ROSTER
    assert _line(fig, "Available after 25% shrinkage") == AVAILABLE
    zh = intraday_staffing(roster_run.tables["intervals"], roster_run.info, lang="zh")
    assert _line(zh, "排班（计薪）") == ROSTER
    assert _line(zh, "扣除 25% 损耗后可用") == AVAILABLE
    policies = intraday_roster_by_policy({"one": roster_run, "two": roster_run})
    dashed = [line for line in policies.axes[0].get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 2 and list(dashed[0].get_ydata()[:-1]) == ROSTER


def _assumption(deck: Path, row: int) -> str:
    shapes = list(Presentation(str(deck)).slides)[1].shapes
    table = next(shape.table for shape in shapes if shape.has_table)
    return table.cell(row, 1).text


def test_staffing_words_on_slides(roster_run: RunData, tmp_path: Path) -> None:
    """The assumptions slide, the takeaway and the notes give both counts, each named."""
    english = build_deck(roster_run.path, tmp_path / "en.pptx")
    assert _assumption(english, 2) == (
        "4–12 rostered (paid) per interval; 3–9 available after 25% shrinkage"
    )
    chinese = build_deck(roster_run.path, tmp_path / "zh.pptx", lang="zh")
    assert _assumption(chinese, 2) == "每时段排班（计薪）4–12 人；扣除 25% 损耗后可用 3–9 人"
    staffing = run_charts(roster_run)[1]
    assert staffing.name == "intraday_staffing"
    found = re.search(r"with (\d+) agents rostered \(paid\), (\d+) available", staffing.takeaway)
    assert found and (int(found[1]), int(found[2])) in set(zip(ROSTER, AVAILABLE, strict=True))
    assert "Through the day (Mon–Fri): 4–12 rostered (paid), 3–9 available after shrinkage" in (
        staffing.notes
    )


def test_an_old_run_folder_is_refused_clearly(run_dir: Path, tmp_path: Path) -> None:
    folder = shutil.copytree(run_dir, tmp_path / "old")
    intervals = pd.read_parquet(folder / "intervals.parquet")
    intervals.drop(columns=["agents_paid_tier1"]).to_parquet(folder / "intervals.parquet")
    with pytest.raises(RunFolderError, match=r"agents_paid_tier1 column .* run it again"):
        read_run(folder)


# --- the deck ------------------------------------------------------------------------------------

SNAKE_CASE = re.compile(r"[A-Za-z]_[A-Za-z]")


def _slides_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    cli_slides.add_parser(parser.add_subparsers())
    return cli_slides.run(parser.parse_args(["slides", *argv]))


@pytest.fixture(scope="module")
def decks(run_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the run folder with its decks, English and Chinese, made by the command."""
    folder = shutil.copytree(run_dir, tmp_path_factory.mktemp("decks") / "run")
    assert _slides_cli([str(folder)]) == 0
    assert _slides_cli([str(folder), "--lang", "zh"]) == 0
    return folder


def test_deck_and_chart_names(decks: Path) -> None:
    """One rule for the command and the notebook: the language joins the names if not English."""
    assert (decks / "deck.pptx").is_file() and (decks / "deck-zh.pptx").is_file()
    assert sorted(p.name for p in (decks / "charts").iterdir())[:2] == [
        "complaint_funnel.png",
        "complaint_funnel.svg",
    ]
    assert (decks / "charts-zh" / "response_curves.svg").is_file()
    assert default_charts_dir(decks / "q3.pptx", "zh") == decks / "q3-charts"


def test_deck(decks: Path) -> None:
    prs = Presentation(str(decks / "deck.pptx"))
    assert (prs.slide_width, prs.slide_height) == (Inches(40 / 3), Inches(7.5))
    assert prs.core_properties.title == "Busy desk"
    slides = list(prs.slides)
    # title, assumptions, six charts, KPI table
    assert len(slides) == 9
    assert [s.slide_layout.name for s in slides] == ["Title Slide"] + ["Title Only"] * 8
    titles = [slide.shapes.title.text_frame.text for slide in slides]
    assert all(titles)
    assert titles[0] == "Busy desk"  # no title in the scenario: its name in words
    assert titles[1] == "Key assumptions"
    for slide in slides:  # no empty placeholder left to say "Click to add text"
        assert all(p.text_frame.text for p in slide.placeholders)
    pictures = [sum(s.shape_type == 13 for s in slide.shapes) for slide in slides]
    assert pictures == [0, 0, 1, 1, 1, 1, 1, 1, 0]
    for slide in slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.left + shape.width <= prs.slide_width
            assert shape.top >= 0 and shape.top + shape.height <= prs.slide_height
    assert any(shape.has_table for shape in slides[1].shapes)
    assert re.match(r"Service level \d+% \(95% CI \d+–\d+%\), target 80%: ", titles[2])
    zh = list(Presentation(str(decks / "deck-zh.pptx")).slides)
    assert len(zh) == 9
    assert zh[1].shapes.title.text_frame.text == "主要假设"


def test_every_chart_slide_has_notes_with_the_numbers(decks: Path) -> None:
    info = read_run(decks).info
    slides = list(Presentation(str(decks / "deck.pptx")).slides)
    for slide in slides[2:8]:
        takeaway = slide.shapes.title.text_frame.text
        notes = slide.notes_slide.notes_text_frame.text.splitlines()
        assert notes[0] == takeaway
        if "wait costs" in takeaway:  # the response curves: a model
            assert notes[-1] == source_text([info], "en", "source_model")
            assert any("no confidence interval" in line for line in notes)
        else:
            assert notes[-1] == source_text([info], "en")
            assert sum("(95% CI " in line for line in notes) >= 2
            assert any("2 replications" in line for line in notes)
    service_level = slides[2].notes_slide.notes_text_frame.text
    estimate = re.match(r"Service level (\d+% \(95% CI [^)]*\))", slides[2].shapes.title.text)
    assert estimate and f"Service level: {estimate[1]}" in service_level
    assert "Weakest interval, Mon–Fri" in service_level


@pytest.mark.parametrize("lang", LANGS)
def test_kpi_slide_names_kpis_in_words_and_money_once(decks: Path, lang: Lang) -> None:
    deck = decks / ("deck.pptx" if lang == "en" else "deck-zh.pptx")
    table = next(
        shape.table for shape in list(Presentation(str(deck)).slides)[-1].shapes if shape.has_table
    )
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    names = [row[0] for row in rows[1:]]
    assert not [name for name in names if SNAKE_CASE.search(name)]
    within = {"en": "Email enquiry answered within target", "zh": "邮件咨询按时响应率"}[lang]
    assert within in names
    assert names[0] == {"en": "Service level", "zh": "服务水平"}[lang]
    assert re.fullmatch(r"\d+–\d+%", rows[1][2])
    symbol = {"USD": "$", "GBP": "£", "EUR": "€"}[read_run(decks).info.currency]
    money = [row for row in rows if row[0] in ("Net value", "净价值")]
    assert money
    for row in money:
        for cell in row[1:3]:  # mean and interval: the symbol once, no code
            assert cell.count(symbol) == 1 and not re.search(r"[A-Z]{3}", cell), cell


def _template(path: Path) -> Path:
    """A corporate template: its own slide size (4:3) and logo, layouts named in another
    language (so the content layout is found by its placeholders), and a sample slide."""
    prs = Presentation()
    for layout in list(prs.slide_layouts):
        if layout.name not in ("Title Slide", "Title Only", "Blank"):
            prs.slide_layouts.remove(layout)
    prs.slide_layouts.get_by_name("Title Slide").name = "Titelfolie"
    prs.slide_layouts.get_by_name("Title Only").name = "Nur Titel"
    sample = prs.slides.add_slide(prs.slide_layouts.get_by_name("Titelfolie"))
    sample.shapes.title.text = "Sample slide"
    logo = sample.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, Inches(9), Inches(0.1), Inches(0.8), Inches(0.4)
    )
    logo.name = "Corporate logo"
    prs.slide_master.element.cSld.spTree.append(logo.element)  # moved onto the master
    prs.save(str(path))
    return path


def test_slides_command_uses_a_template(run_dir: Path, tmp_path: Path) -> None:
    template = _template(tmp_path / "corporate.pptx")
    out = tmp_path / "deck.pptx"
    assert _slides_cli([str(run_dir), "--out", str(out), "--template", str(template)]) == 0
    prs = Presentation(str(out))
    assert (prs.slide_width, prs.slide_height) == (Inches(10), Inches(7.5))
    assert any(shape.name == "Corporate logo" for shape in prs.slide_master.shapes)
    assert [layout.name for layout in prs.slide_layouts] == ["Titelfolie", "Nur Titel", "Blank"]
    slides = list(prs.slides)
    assert len(slides) == 9  # the sample slide is not carried over
    assert [s.slide_layout.name for s in slides] == ["Titelfolie"] + ["Nur Titel"] * 8
    assert all(slide.shapes.title.text_frame.text for slide in slides)
    assert slides[0].shapes.title.text_frame.text == "Busy desk"
    subtitle = [
        p for p in slides[0].placeholders if p.placeholder_format.type == PP_PLACEHOLDER.SUBTITLE
    ]
    assert subtitle and "2 replications" in subtitle[0].text_frame.text
    for slide in slides:  # charts and tables fit the template's slide
        for shape in slide.shapes:
            assert shape.left + shape.width <= prs.slide_width
            assert shape.top + shape.height <= prs.slide_height


def _no_title_layouts(path: Path) -> Path:
    prs = Presentation()
    for layout in list(prs.slide_layouts):
        if layout.name != "Blank":
            prs.slide_layouts.remove(layout)
    prs.save(str(path))
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing.pptx", "no such file"),
        (lambda tmp: tmp / "notes.pptx", "not a PowerPoint file"),
        (lambda tmp: _no_title_layouts(tmp / "blank.pptx"), "no slide layout has a title"),
    ],
)
def test_slides_command_rejects_a_bad_template(
    run_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path], Path],
    message: str,
) -> None:
    (tmp_path / "notes.pptx").write_text("not a presentation", encoding="utf-8")
    template = make(tmp_path)
    out = tmp_path / "deck.pptx"
    argv = [str(run_dir), "--out", str(out), "--template", str(template)]
    assert _slides_cli(argv) == cli_slides.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert message in err and str(template) in err and "Traceback" not in err
    assert not out.exists()


def test_slides_command_rejects_a_folder_without_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _slides_cli([str(tmp_path)]) == cli_slides.EXIT_BAD_INPUT
    assert "no manifest.json" in capsys.readouterr().err


def test_summary_tables_read_back(run: RunData) -> None:
    """The figures read what RunWriter wrote: every table the deck needs is there."""
    assert {"summary", "scorecard", "intervals", "daily", "customers_daily"} <= set(run.tables)
    assert isinstance(run.tables["summary"], pd.DataFrame)
    assert run.info.replications == 2


def test_figures_accept_plain_arrays(run: RunData) -> None:
    """Tables built in memory (column → numpy array) work as well as DataFrames."""
    intervals = {name: column.to_numpy() for name, column in run.tables["intervals"].items()}
    fig = intraday_service_level(intervals, run.info)
    assert fig.get_suptitle() == "Service level through the day"
