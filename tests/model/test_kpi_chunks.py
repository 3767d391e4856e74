"""A replication's measures accumulated over many row chunks are those of one pass.

Every per-contact measure (headline KPIs, by group, of the workforce; the interval and daily
tables) adds up counts, sums and span integrals over chunks of the contact table. With chunks of
a thousand rows over tens of thousands of contacts, counts must come out exactly as in one
chunk, and rates and means to floating-point summation order (1e-12 relative). Measures made of
span integrals (busy agents, queue length, occupancy, chat sessions) carry the rounding of
:func:`~sim.measures.integrals.span_integral` itself, whose cumulative sums of clock times
round at about 1e-8 of an agent over a planning interval: they are held to 1e-6 absolute
(agents, callers or shares).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.experiments.channel_check import ChatDesk
from sim.experiments.replications import post_process
from sim.measures import chunks
from sim.measures.chunks import row_chunks
from sim.measures.metrics import kpi_info
from sim.model.records import ContactTable, DeskRun
from sim.model.replication import simulate
from sim.model.rng import Streams
from sim.scenario.scenario import Scenario
from tests.scenarios import skills_desk

SMALL_CHUNK = 1_000

INTERVAL_COUNTS = {
    "offered",
    "answered",
    "answered_live",
    "abandoned",
    "settled",
    "answered_within_threshold",
    "service_level_denominator",
    "targets_due",
    "targets_met",
}
"""Interval-table columns that count contacts."""

SPAN_MEASURES = ("occupancy", "mean_queue_phone", "agents_busy", "chat_sessions_per_agent")
"""Measures made of span integrals (their name contains one of these)."""


def every_mechanism() -> Scenario:
    """Agent groups, callbacks, cutting corners under pressure and two response targets, for
    eight weeks (about 24,000 contacts)."""
    return skills_desk(
        calendar={"horizon_days": 60},
        routing={
            "callbacks": {
                "offer_above_expected_wait_s": 30,
                "accept_prob": 0.5,
                "reach_prob": 0.8,
                "answer_within_min": 60,
            }
        },
        workforce={
            "pressure": {"window_h": 1.0, "sample_min": 5.0},
            "cutting_corners": {"onset_pressure": 0.5},
        },
        standards={
            "response_targets": {
                "email": {"within_min": 240, "target_fraction": 0.9},
                "urgent": {"within_min": 1, "target_fraction": 0.8},
            }
        },
    )


def measures(run: DeskRun, scenario: Scenario) -> dict[str, np.ndarray]:
    """Every value :func:`post_process` gives, by ``kpi.``/``interval.``/``workforce.`` name."""
    kpis, intervals, workforce = post_process(run, scenario)
    out = {f"kpi.{k}": np.asarray(v) for k, v in kpis.items()}
    out |= {f"interval.{k}": v for k, v in intervals.items()}
    out |= {f"workforce.{k}": v for k, v in (workforce or {}).items()}
    return out


def is_count(name: str) -> bool:
    part, _, item = name.partition(".")
    if part == "kpi":
        return kpi_info(item).unit == "count"
    return part == "interval" and item in INTERVAL_COUNTS


@pytest.mark.parametrize(
    "scenario", [every_mechanism(), ChatDesk().scenario(20_000)], ids=["groups", "chat"]
)
def test_measures_over_many_chunks_are_those_of_one(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = simulate(scenario, Streams(5, 0))
    assert 20 * SMALL_CHUNK < len(run.contacts) <= chunks.KPI_CHUNK_ROWS
    one = measures(run, scenario)
    monkeypatch.setattr(chunks, "KPI_CHUNK_ROWS", SMALL_CHUNK)
    many = measures(run, scenario)
    assert list(many) == list(one)
    for name, value in one.items():
        if is_count(name):
            np.testing.assert_array_equal(many[name], value, err_msg=name)
        elif any(span in name for span in SPAN_MEASURES):
            np.testing.assert_allclose(many[name], value, rtol=0, atol=1e-6, err_msg=name)
        else:
            np.testing.assert_allclose(many[name], value, rtol=1e-12, atol=0, err_msg=name)


def test_rows_are_views_of_the_table() -> None:
    c = simulate(skills_desk(), Streams(1, 0)).contacts
    part = c.rows(100, 200)
    assert len(part) == 100 and len(c.rows(len(c) - 5, len(c) + 100)) == 5
    for name in ContactTable.__dataclass_fields__:
        column = getattr(part, name)
        assert np.shares_memory(column, getattr(c, name))
        np.testing.assert_array_equal(column, getattr(c, name)[100:200])
    assert [len(part) for _, part in row_chunks(c.rows(0, 0))] == [0]  # every measure has totals
