"""Sweeps a person can read: point folders named by their values (readable, unique, safe in a file
name, stable), money written as people write it, and the points ranked best first in each KPI's
own direction with the table behind ``summary.csv``."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.experiments.report import sweep_table
from sim.experiments.sweep_spec import (
    SLUG_LENGTH,
    Point,
    Sweep,
    expand,
    point_id,
    point_slugs,
    short_names,
)
from sim.experiments.sweep_summary import points_table, summarise
from sim.measures.value import money_text

SAFE = re.compile(r"[a-z0-9][a-z0-9_.+-]*")
"""A slug: safe in a file name everywhere, case-insensitive file systems included."""
LONGEST = SLUG_LENGTH + len("__p0123456789")

GRID = Sweep.model_validate(
    {
        "name": "grid",
        "scenario": "unused.yaml",
        "grid": {
            "staffing.tier1.headcount_scale": [0.85, 1.15],
            "recovery": [{"kind": "standard"}, {"kind": "fast_track"}],
        },
    }
)

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["fast_track", "true", "1", "1.0", "x__y"]),
    lambda inner: (
        st.lists(inner, max_size=2)
        | st.dictionaries(st.sampled_from(["kind", "target_h"]), inner, max_size=2)
    ),
    max_leaves=3,
)
keys = st.sampled_from(
    [
        "staffing.tier1.headcount_scale",
        "staffing.tier2.headcount_scale",
        "recovery",
        "customers.satisfaction.bad_weight",
        "demand.contact_types.Urgent.patience",
        "x",
    ]
)
rows = st.lists(st.dictionaries(keys, values, max_size=3), max_size=5)


# --- folder names ----------------------------------------------------------------------------


def test_a_grid_point_is_named_by_its_values() -> None:
    assert [p.slug for p in expand(GRID)] == [
        "headcount_scale-0.85__recovery-standard",
        "headcount_scale-0.85__recovery-fast_track",
        "headcount_scale-1.15__recovery-standard",
        "headcount_scale-1.15__recovery-fast_track",
    ]


@pytest.mark.parametrize(
    ("params", "slug"),
    [
        ({}, "base"),
        ({"staffing.tier2.agents": -2, "open": True}, "agents--2__open-true"),
        ({"calendar.holidays": None}, "holidays-null"),
        # what had to be shortened or made safe gets the point's id: fixed literals, so that a
        # change of the naming (which would orphan finished folders on resume) fails here
        (
            {"customers.satisfaction.bad_weight": 12.3456789, "half_life_days": 45.6789},
            "bad_weight-12.35__half_life_days-45.6789__p79ac6e5b86",
        ),
        (
            {"recovery": {"kind": "fast_track", "target_h": 12}},
            "recovery-fast_track__pe2090093cb",
        ),
        ({"name": "Night Shift/B"}, "name-night_shift_b__pd54cc479bf"),
    ],
)
def test_names_are_readable_and_mark_what_was_shortened(params: dict[str, Any], slug: str) -> None:
    assert point_slugs([params]) == [slug]


def test_parameters_are_shortened_only_as_far_as_they_stay_apart() -> None:
    assert short_names(
        ["staffing.tier1.headcount_scale", "staffing.tier2.headcount_scale", "recovery"]
    ) == {
        "staffing.tier1.headcount_scale": "tier1.headcount_scale",
        "staffing.tier2.headcount_scale": "tier2.headcount_scale",
        "recovery": "recovery",
    }
    # a path that is the tail of another keeps the name it can have
    assert short_names(["a.b", "x.a.b"]) == {"a.b": "a.b", "x.a.b": "x.a.b"}


def test_points_that_would_read_alike_get_their_ids() -> None:
    alike = [{"recovery": "fast_track"}, {"recovery": {"kind": "fast_track"}}, {"x": 1}]
    first, second, third = point_slugs(alike)
    assert first == f"recovery-fast_track__{point_id(alike[0])}"
    assert second == f"recovery-fast_track__{point_id(alike[1])}"
    assert third == "x-1"


@settings(suppress_health_check=[HealthCheck.too_slow])  # nested values; timing on a busy machine
@given(rows)
def test_names_are_unique_safe_and_stable(points: list[dict[str, Any]]) -> None:
    slugs = point_slugs(points)
    distinct = {point_id(p): s for p, s in zip(points, slugs, strict=True)}
    assert len(set(distinct.values())) == len(distinct), "two distinct points share a name"
    for slug in slugs:
        assert SAFE.fullmatch(slug), slug
        assert len(slug) <= LONGEST, slug
    assert point_slugs(points) == slugs  # the same values, the same names
    reordered = point_slugs(points[::-1])[::-1]
    assert reordered == slugs  # whatever the order of the points


def test_a_point_id_is_the_hash_of_its_values() -> None:
    point = Point(0, {"a": 1, "b": {"kind": "x"}}, "a-1__b-x")
    # the id of earlier versions (their folder names), whatever the order of the values
    assert point.id == point_id({"b": {"kind": "x"}, "a": 1}) == "p1fc0dd9e60"


# --- money -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "currency", "text"),
    [
        (3_684_123.0, "GBP", "£3.68M"),
        (-1_234_567.0, "USD", "−$1.23M"),
        (12_345.0, "EUR", "€12.3k"),
        (999_600.0, "GBP", "£1.00M"),
        (950.0, "GBP", "£950"),
        (0.0, "GBP", "£0"),
        (3.68e6, "CHF", "CHF 3.68M"),
        (1.2345e10, "", "12.3bn"),
        (math.nan, "GBP", "–"),
    ],
)
def test_money_is_written_as_a_person_writes_it(value: float, currency: str, text: str) -> None:
    assert money_text(value, currency) == text


def test_money_on_an_axis_drops_trailing_zeros() -> None:
    assert money_text(75_000.0, "GBP", trim=True) == "£75k"
    assert money_text(3_500_000.0, "GBP", trim=True) == "£3.5M"


# --- ranking and the summary table -------------------------------------------------------------


def tidy(results: dict[str, dict[str, float]], points: list[Point]) -> dict[str, list[Any]]:
    """A sweep's tidy summary columns: point id → KPI → mean (a ±10% interval)."""
    columns: dict[str, list[Any]] = {
        k: [] for k in ("point", "point_id", "kpi", "mean", "ci_low", "ci_high")
    }
    for point in points:
        for kpi, mean in results.get(point.id, {}).items():
            columns["point"].append(point.index)
            columns["point_id"].append(point.id)
            columns["kpi"].append(kpi)
            columns["mean"].append(mean)
            columns["ci_low"].append(0.9 * mean)
            columns["ci_high"].append(1.1 * mean)
    return columns


def test_points_rank_best_first_in_each_kpis_direction() -> None:
    points = expand(GRID)
    results = {
        points[0].id: {"net_value": 2e6, "service_level": 0.80, "abandon_rate": 0.05},
        points[1].id: {"net_value": 3e6, "service_level": 0.70, "abandon_rate": 0.08},
        points[2].id: {"net_value": 1e6, "service_level": 0.90, "abandon_rate": 0.02},
    }  # points[3] failed
    statuses = {p.id: "finished" for p in points} | {points[3].id: "failed"}
    columns = tidy(results, points)
    by_value = summarise(GRID, points, statuses, columns, "GBP")
    assert by_value.rank_kpi == "net_value" and not by_value.note
    assert [r.point.index for r in by_value.rows] == [1, 0, 2, 3]
    assert [r.rank for r in by_value.rows] == [1, 2, 3, None]
    by_abandon = summarise(GRID, points, statuses, columns, "GBP", rank="abandon_rate")
    assert [r.point.index for r in by_abandon.ranked] == [2, 0, 1]  # lower is better
    no_money = tidy(
        {pid: {"service_level": r["service_level"]} for pid, r in results.items()}, points
    )
    fallback = summarise(GRID, points, statuses, no_money, "", rank="net_value")
    assert fallback.rank_kpi == "service_level"
    assert "net_value is not among this sweep's results" in fallback.note

    text = sweep_table(by_value)
    assert "best first by net value (higher is better)" in text
    lines = text.splitlines()
    assert lines[1].split()[:3] == ["rank", "headcount_scale", "recovery"]
    assert lines[3].split()[:3] == ["1", "0.85", "fast_track"]
    assert "£3.00M (£2.70M – £3.30M)" in lines[3]
    assert "80.0% (72.0% – 88.0%)" in lines[4]

    header, table = points_table(by_value)
    assert header[:6] == ["rank", "point", "folder", *by_value.parameters, "status"]
    assert by_value.parameters == ["staffing.tier1.headcount_scale", "recovery"]
    assert "net value (GBP)" in header and "service level (%), 95% CI high" in header
    first = dict(zip(header, table[0], strict=True))
    assert first["folder"] == "headcount_scale-0.85__recovery-fast_track"
    assert first["staffing.tier1.headcount_scale"] == 0.85 and first["recovery"] == "fast_track"
    assert first["service level (%)"] == 70.0  # a share in per cent
    assert first["net value (GBP), 95% CI low"] == 2.7e6
    last = dict(zip(header, table[-1], strict=True))
    assert last["status"] == "failed" and last["rank"] is None and last["net value (GBP)"] is None
