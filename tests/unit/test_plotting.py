"""Slide charts and decks (:mod:`sim.plotting`), drawn from the tables of a tiny real run.

Every chart must carry a title, axis labels with units, a legend and the source line; exported
charts are 1920 × 1080 PNG plus SVG; Chinese labels render with the bundled font (no missing
glyphs); the deck opens in python-pptx with the expected slides.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import string
import warnings
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import matplotlib

matplotlib.use("Agg")

import matplotlib.image
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from pptx import Presentation
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
    intraday_service_level,
    intraday_staffing,
    kpi_comparison,
    read_run,
    response_curves,
)
from sim.plotting.figures import COMPARE_KPIS
from sim.plotting.labels import CATALOGUE, KPI_ZH, LANGS, Lang, format_estimate, unit_text
from sim.plotting.style import FONT_DIR, FONT_FAMILIES, source_line
from tests.scenarios import customer_desk

FigureBuilder = Callable[[RunData, Lang], Figure]


def _comparison(run: RunData, lang: Lang) -> Figure:
    summary = run.tables["summary"]
    worse = summary.assign(**{c: summary[c] * 0.9 for c in ("mean", "ci_low", "ci_high")})
    return kpi_comparison({"tiny": summary, "worse": worse}, [run.info], lang=lang)


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
}
UNIT_IN_LABEL = re.compile(r"\(.+\)|（.+）")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-week customer desk, two replications, written as a run folder."""
    out = tmp_path_factory.mktemp("run")
    writer = RunWriter(out, contacts=False)
    result = run_scenario(
        customer_desk(calendar={"horizon_days": 7}),
        replications=2,
        on_replication=writer.replication,
    )
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
    ("args", "expected"),
    [
        ((0.8412, 0.81, 0.8799, "share"), "84% (95% CI 81–88%)"),
        ((0.0495, 0.0199, 0.0791, "share"), "5.0% (95% CI 2.0–7.9%)"),
        ((10.06, 4.1, 16.1, "s"), "10.1 s (95% CI 4.1–16.1 s)"),
        (
            (1489036.0, 1327588.0, 1650483.0, "money"),
            "GBP 1,489,036 (95% CI GBP 1,327,588–1,650,483)",
        ),
        ((360.0, float("nan"), float("nan"), "count"), "360"),
    ],
)
def test_format_estimate(args: tuple[float, float, float, str], expected: str) -> None:
    assert format_estimate(*args, currency="GBP") == expected


def test_comparison_uses_every_run(run: RunData) -> None:
    fig = FIGURES["kpi_comparison"](run, "en")
    assert [t.get_text() for t in fig.legends[0].get_texts()][:2] == ["tiny", "worse"]
    titles = [ax.get_title(loc="left") for ax in fig.axes if ax.get_visible()]
    assert titles == [kpi_info(k).label for k in COMPARE_KPIS]


def test_deck(run_dir: Path, tmp_path: Path) -> None:
    out = build_deck(run_dir, tmp_path / "deck.pptx")
    prs = Presentation(str(out))
    assert (prs.slide_width, prs.slide_height) == (Inches(40 / 3), Inches(7.5))
    slides = list(prs.slides)
    # title, assumptions, six charts, KPI table
    assert len(slides) == 9
    pictures = [sum(s.shape_type == 13 for s in slide.shapes) for slide in slides]
    assert pictures == [0, 0, 1, 1, 1, 1, 1, 1, 0]
    assert any(shape.has_table for shape in slides[1].shapes)
    table = next(shape.table for shape in slides[-1].shapes if shape.has_table)
    assert table.cell(1, 0).text == "service level (%)"
    assert re.fullmatch(r"\d+–\d+%", table.cell(1, 2).text)
    takeaway = slides[2].shapes[0].text_frame.text
    assert re.match(r"Service level \d+% \(95% CI \d+–\d+%\), target 80%: ", takeaway)
    assert sorted(p.name for p in (tmp_path / "deck-charts").iterdir())[:2] == [
        "complaint_funnel.png",
        "complaint_funnel.svg",
    ]


def _slides_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    cli_slides.add_parser(parser.add_subparsers())
    return cli_slides.run(parser.parse_args(["slides", *argv]))


def test_slides_command_in_chinese(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _slides_cli([str(run_dir), "--lang", "zh", "--out", str(tmp_path / "zh.pptx")]) == 0
    assert f"wrote {tmp_path / 'zh.pptx'}" in capsys.readouterr().out
    slides = list(Presentation(str(tmp_path / "zh.pptx")).slides)
    assert len(slides) == 9
    assert slides[1].shapes[0].text_frame.text == "主要假设"
    assert (tmp_path / "zh-charts" / "response_curves.svg").is_file()


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
