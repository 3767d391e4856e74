"""Charts of a desk with agent groups (:mod:`sim.plotting.groups`), drawn from a small real run.

Service level by contact type has one bar per phone type at its mean, with the target; in who
served whom every band is as wide as its ``served.<type>/<group>`` count (on one scale), the nodes
are the sums of their bands and every group's label states its occupancy. Both charts carry a
title, units, a legend and the source line, in English and Chinese, and join the run's chart set
(and deck) only when the run has agent groups: a two-tier run's charts are unchanged.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import PathPatch, Rectangle
from pptx import Presentation

from sim.experiments.multi_skill_check import REFERENCE_DESKS, compared_measures, family_level
from sim.experiments.replications import run_scenario
from sim.experiments.store import RunWriter
from sim.plotting import (
    RunData,
    build_deck,
    multi_skill_agreement_chart,
    read_run,
    run_charts,
    service_level_by_type,
    who_served_whom,
)
from sim.plotting.groups import served_flows
from sim.plotting.labels import LANGS, Lang, contact_type_name, format_value
from sim.plotting.style import source_line
from sim.scenario.scenario import Scenario
from tests.scenarios import busy_desk, skills_desk

UNIT_IN_LABEL = re.compile(r"\(.+\)|（.+）")
TWO_TIER_CHARTS = ["intraday_service_level", "intraday_staffing", "daily_service"]
"""The charts of a run without customers (busy_desk)."""
LONG_DESCRIPTION = " ".join(["Generalists, an enquiry team and an escalation team."] * 6)


def _write(scenario: Scenario, out: Path) -> RunData:
    writer = RunWriter(out, contacts=False)
    result = run_scenario(scenario, replications=2, on_replication=writer.replication)
    writer.finish(result, command=["test"])
    return read_run(out)


@pytest.fixture(scope="module")
def groups_run(tmp_path_factory: pytest.TempPathFactory) -> RunData:
    """Two days of the skills desk (generalists, an enquiry team, an escalation team), with a
    description longer than a deck's document properties hold."""
    scenario = skills_desk(calendar={"horizon_days": 2}, description=LONG_DESCRIPTION)
    return _write(scenario, tmp_path_factory.mktemp("groups"))


@pytest.fixture(scope="module")
def two_tier_run(tmp_path_factory: pytest.TempPathFactory) -> RunData:
    return _write(busy_desk(calendar={"horizon_days": 2}), tmp_path_factory.mktemp("two_tier"))


def _summary(run: RunData) -> pd.DataFrame:
    return run.tables["summary"].set_index("kpi")


def _phone_types(run: RunData) -> list[str]:
    types = run.info.scenario.demand.contact_types
    return [name for name, ctype in types.items() if ctype.channel == "phone"]


def test_one_bar_per_phone_type_at_its_mean(groups_run: RunData) -> None:
    fig = service_level_by_type(groups_run.tables["summary"], groups_run.info)
    (ax,) = fig.axes
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    names = [t.get_text() for t in ax.get_xticklabels()]
    phone = _phone_types(groups_run)
    assert sorted(names) == sorted(contact_type_name(t, "en") for t in phone)
    assert len(bars) == len(phone) == 2  # urgent and enquiry; the email type has no bar
    summary = _summary(groups_run)
    by_name = {contact_type_name(t, "en"): t for t in phone}
    for bar, name in zip(bars, names, strict=True):
        expected = summary.loc[f"service_level_by_type.{by_name[name]}", "mean"]
        assert bar.get_height() == pytest.approx(expected)
    target = groups_run.info.scenario.standards.service_level_target
    assert any(list(line.get_ydata()) == [target, target] for line in ax.get_lines())


def _bands(fig: matplotlib.figure.Figure) -> dict[tuple[str, str], float]:
    """(type, group) → the band's width at its left end, in axis units."""
    widths = {}
    for patch in fig.axes[0].patches:
        gid = patch.get_gid() or ""
        if isinstance(patch, PathPatch) and gid.startswith("flow:"):
            kind, _, group = gid.removeprefix("flow:").rpartition("/")
            vertices = patch.get_path().vertices
            widths[(kind, group)] = vertices[0][1] - vertices[7][1]
    return widths


def _nodes(fig: matplotlib.figure.Figure, side: str) -> dict[str, float]:
    return {
        patch.get_gid().removeprefix(f"{side}:"): patch.get_height()
        for patch in fig.axes[0].patches
        if isinstance(patch, Rectangle) and (patch.get_gid() or "").startswith(f"{side}:")
    }


def test_band_widths_are_the_served_counts(groups_run: RunData) -> None:
    summary = _summary(groups_run)
    served = {
        tuple(k.removeprefix("served.").rpartition("/")[::2]): float(summary.loc[k, "mean"])
        for k in summary.index
        if k.startswith("served.")
    }
    assert ("enquiry", "enquiry_team") in served and ("urgent", "enquiry_team") not in served
    fig = who_served_whom(groups_run.tables["summary"], groups_run.info)
    bands = _bands(fig)
    drawn = {pair: count for pair, count in served.items() if count > 0}
    assert set(bands) == set(drawn)
    scale = sum(bands.values()) / sum(drawn.values())
    for pair, count in drawn.items():
        assert bands[pair] == pytest.approx(count * scale), pair
    flows = served_flows(groups_run.tables["summary"])
    for side, column in (("type", "type"), ("group", "group")):
        nodes = _nodes(fig, side)
        totals = flows.groupby(column)["mean"].sum()
        assert set(nodes) == set(totals[totals > 0].index)
        for name, height in nodes.items():
            assert height == pytest.approx(totals[name] * scale), (side, name)


def test_group_labels_state_occupancy(groups_run: RunData) -> None:
    summary = _summary(groups_run)
    fig = who_served_whom(groups_run.tables["summary"], groups_run.info)
    texts = [t.get_text() for t in fig.axes[0].texts]
    for group in groups_run.info.scenario.staffing.groups:
        occupancy = format_value(float(summary.loc[f"occupancy_by_group.{group}", "mean"]), "share")
        name = contact_type_name(group, "en")
        assert any(t.startswith(f"{name}:") and f"occupancy {occupancy}" in t for t in texts)


@pytest.mark.parametrize("lang", LANGS)
def test_charts_have_title_units_legend_and_source(groups_run: RunData, lang: Lang) -> None:
    summary, info = groups_run.tables["summary"], groups_run.info
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figs = [service_level_by_type(summary, info, lang), who_served_whom(summary, info, lang)]
        for fig in figs:
            FigureCanvasAgg(fig).draw()
    assert not [w for w in caught if "missing" in str(w.message)]
    for fig in figs:
        assert fig.get_suptitle()
        assert fig.legends and all(t.get_text() for t in fig.legends[0].get_texts())
        (ax,) = fig.axes
        assert any(UNIT_IN_LABEL.search(text) for text in (ax.get_xlabel(), ax.get_ylabel()))
        source = source_line(fig)
        assert info.scenario.name in source and "2" in source and "95%" in source
        frame = fig.bbox
        for text in ax.texts:
            box = text.get_window_extent()
            assert frame.x0 <= box.x0 and box.x1 <= frame.x1, text.get_text()


def test_only_a_run_with_agent_groups_gets_the_group_charts(
    groups_run: RunData, two_tier_run: RunData
) -> None:
    assert [c.name for c in run_charts(two_tier_run)] == TWO_TIER_CHARTS
    names = [c.name for c in run_charts(groups_run)]
    assert names == [*TWO_TIER_CHARTS, "service_level_by_type", "who_served_whom"]


def test_deck_of_a_run_with_agent_groups(groups_run: RunData, tmp_path: Path) -> None:
    deck = build_deck(groups_run.path, tmp_path / "deck.pptx", lang="zh")
    prs = Presentation(str(deck))
    assert len(LONG_DESCRIPTION) > 255 >= len(prs.core_properties.subject)
    slides = list(prs.slides)
    # title, assumptions, five charts, KPI table
    assert len(slides) == 2 + 5 + 1
    notes = [s.notes_slide.notes_text_frame.text for s in slides[2:-1]]
    assert "占用率" in notes[-1] and all(notes)
    charts = {p.stem for p in (tmp_path / "deck-charts").glob("*.png")}
    assert charts == {*TWO_TIER_CHARTS, "service_level_by_type", "who_served_whom"}


def test_multi_skill_agreement_chart_shows_every_measure_against_its_interval() -> None:
    """A table as :func:`multi_skill_agreement` gives, with one exact value outside its interval:
    the right panel puts that measure, alone, beyond one half-width."""
    rows = [
        {"desk": name, "measure": measure, "exact": value}
        for name, desk in REFERENCE_DESKS.items()
        for measure, value in compared_measures(desk).items()
    ]
    table = pd.DataFrame(rows)
    half = 0.05 * table["exact"].abs() + 0.01
    table["mean"] = table["exact"] + 0.5 * half
    table.loc[0, "mean"] = table.loc[0, "exact"] + 3 * half[0]
    table["ci_low"], table["ci_high"] = table["mean"] - half, table["mean"] + half
    table["inside"] = (table["ci_low"] <= table["exact"]) & (table["exact"] <= table["ci_high"])
    table["level"], table["replications"] = family_level(REFERENCE_DESKS), 10
    fig = multi_skill_agreement_chart(table)
    assert f"{len(table) - 1} of {len(table)} inside" in fig.get_suptitle()
    _, gap_ax = fig.axes
    distances = np.concatenate(
        [c.get_offsets()[:, 1] for c in gap_ax.collections if c.get_offsets().size]
    )
    assert len(distances) == len(table)
    assert sorted(np.round(distances, 6))[-1] == pytest.approx(3.0)
    assert (np.abs(distances) <= 1.0 + 1e-9).sum() == len(table) - 1
