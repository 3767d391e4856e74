"""Sensitivity studies (:mod:`sim.experiments.sensitivity`): our sampling and analysis around SALib
recover known indices when a Python function stands in for the simulation; study files are
validated with clear messages; the shipped study validates and has the size its header states."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.experiments.sensitivity import analyse_function, make_plan
from sim.experiments.sensitivity_spec import Sensitivity, load_sensitivity
from sim.scenario.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "params" / "sensitivity" / "customer_side.yaml"

LINEAR = {
    "a": (3.0, (0.0, 1.0)),
    "b": (-1.0, (0.0, 2.0)),
    "c": (0.5, (10.0, 1000.0)),
    "d": (0.0, (5, 6)),
}
"""Parameter → (coefficient, range) of a linear model; ``c`` enters as its logarithm."""


def linear(params: dict[str, Any]) -> dict[str, float]:
    """3a − b + 0.5 ln c (+ a under policy B); ``net_value`` stands for any KPI."""
    value = 3.0 * params["a"] - params["b"] + 0.5 * math.log(params["c"])
    return {"net_value": value + params["policy"] * params["a"]}


def ishigami(params: dict[str, Any]) -> dict[str, float]:
    """The Ishigami function (a = 7, b = 0.1) on [−π, π]³, whose Sobol indices are known."""
    x1, x2, x3 = params["x1"], params["x2"], params["x3"]
    return {"net_value": math.sin(x1) + 7 * math.sin(x2) ** 2 + 0.1 * x3**4 * math.sin(x1)}


def study(**settings: Any) -> Sensitivity:
    return Sensitivity.model_validate(
        {"name": "toy", "scenario": "unused.yaml", "kpis": ["net_value"], "seed": 3, **settings}
    )


def test_morris_recovers_the_effects_of_a_linear_model() -> None:
    spec = study(
        ranges={k: list(r) for k, (_, r) in LINEAR.items()},
        log_scale=["c"],
        morris={"trajectories": 12, "levels": 4},
        compare={"a": {"policy": 0}, "b": {"policy": 1}},
    )
    indices = pd.DataFrame(analyse_function(spec, linear).indices).set_index(
        ["output", "parameter"]
    )
    # An elementary effect of a linear model is its coefficient times the range (log range for c).
    expected = {"a": 3.0, "b": 2.0, "c": 0.5 * math.log(100.0), "d": 0.0}
    value = indices.loc["value"]
    for name, mu_star in expected.items():
        row = value.loc[name]
        assert row["mu_star"] == pytest.approx(mu_star, abs=1e-9)
        assert row["mu_star_ci_low"] - 1e-9 <= mu_star <= row["mu_star_ci_high"] + 1e-9
        assert row["sigma"] == pytest.approx(0.0, abs=1e-9)  # no interaction, no curvature
    assert value.loc["b", "mu"] == pytest.approx(-2.0)  # the sign is kept in mu
    assert list(value.sort_values("rank").index) == ["a", "c", "b", "d"]
    # B − A = a: only a drives the difference between the policies.
    difference = indices.loc["difference"]
    assert difference.loc["a", "mu_star"] == pytest.approx(1.0)
    assert difference.loc[["b", "c", "d"], "mu_star"].max() == pytest.approx(0.0, abs=1e-9)


def test_sobol_recovers_the_ishigami_indices_within_their_intervals() -> None:
    spec = study(
        ranges={f"x{i}": [-math.pi, math.pi] for i in (1, 2, 3)},
        sobol={"samples": 1024, "bootstrap": 500},
    )
    indices = pd.DataFrame(analyse_function(spec, ishigami).indices).set_index("parameter")
    known = {"x1": (0.3139, 0.5576), "x2": (0.4424, 0.4424), "x3": (0.0, 0.2437)}
    for name, (s1, st) in known.items():
        row = indices.loc[name]
        assert row["S1_ci_low"] <= s1 <= row["S1_ci_high"], (name, "S1", row["S1"])
        assert row["ST_ci_low"] <= st <= row["ST_ci_high"], (name, "ST", row["ST"])
    assert list(indices.sort_values("rank").index) == ["x1", "x2", "x3"]  # ranked by ST


def test_how_often_a_beats_b() -> None:
    """B adds ``a`` to a KPI where higher is better: B wins wherever a > 0, ties at a = 0."""
    spec = study(
        ranges={k: list(r) for k, (_, r) in LINEAR.items()},
        log_scale=["c"],
        morris={"trajectories": 6, "levels": 4},
        compare={"a": {"policy": 0}, "b": {"policy": 1}, "b_label": "generous"},
    )
    analysis = analyse_function(spec, linear)
    wins = pd.DataFrame(analysis.wins).iloc[0]
    a_is_zero = int((np.array(analysis.samples["param.a"]) == 0).sum())
    assert (wins["a"], wins["b"]) == ("policy=0", "generous")
    assert wins["samples"] == 6 * 5
    assert (wins["a_better"], wins["ties"]) == (0, a_is_zero)
    assert wins["b_better"] == wins["samples"] - a_is_zero
    assert wins["share_a_better"] == 0.0
    assert wins["share_ci_low"] == 0.0 < wins["share_ci_high"] < 0.15  # exact binomial


def test_the_same_study_draws_the_same_samples() -> None:
    spec = study(ranges={"a": [0, 1], "n": [1, 5]}, integers=["n"], morris={"trajectories": 4})
    first, again = make_plan(spec), make_plan(spec)
    assert first.points == again.points
    assert {type(p["n"]) for p in first.points.values()} == {int}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"ranges": {"x": [2, 1]}, "morris": {"trajectories": 4}},
            r"ranges\.x: low \(2\) must be below high \(1\)",
        ),
        (
            {"ranges": {"x": [0, 1]}, "sobol": {"samples": 12}},
            r"samples: 12 is not a power of 2 \(the Sobol sequence needs one: 8 or 16\)",
        ),
        ({"ranges": {"x": [0, 1]}}, r"give morris, sobol or both"),
        (
            {"ranges": {"x": [0, 1]}, "morris": {"trajectories": 4, "parameters": ["y"]}},
            r"morris\.parameters\.0: 'y' is not one of the ranges",
        ),
        (
            {"ranges": {"x": [0, 1]}, "log_scale": ["x"], "morris": {"trajectories": 4}},
            r"ranges\.x: a log-scale range must start above 0",
        ),
        (
            {"ranges": {"x": [0.2, 0.8]}, "integers": ["x"], "morris": {"trajectories": 4}},
            r"ranges\.x: \[0\.2, 0\.8\] holds fewer than two whole numbers",
        ),
        (
            {
                "ranges": {"recovery.target_h": [4, 24]},
                "morris": {"trajectories": 4},
                "compare": {"a": {"recovery": {"kind": "standard"}}, "b": {"x": 1}},
            },
            r"compare\.a\.recovery: overlaps the range 'recovery\.target_h'",
        ),
    ],
)
def test_inconsistent_studies_are_refused(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        study(**settings)


def test_unknown_kpi_and_a_kpi_without_direction() -> None:
    with pytest.raises(ValueError, match=r"kpis\.0: unknown KPI 'net_valu' — did you mean"):
        study(kpis=["net_valu"], ranges={"x": [0, 1]}, morris={"trajectories": 4})
    with pytest.raises(ValueError, match=r"kpis\.0: 'offered_phone' .* no better direction"):
        study(
            kpis=["offered_phone"],
            ranges={"x": [0, 1]},
            morris={"trajectories": 4},
            compare={"a": {"p": 1}, "b": {"p": 2}},
        )


def test_a_range_end_that_breaks_the_scenario_is_reported_where_it_is_written(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "study.yaml"
    spec.write_text(
        "name: study\n"
        f"scenario: {ROOT / 'params' / 'baseline.yaml'}\n"
        "kpis: [net_value]\n"
        "ranges:\n"
        "  customers.satisfaction.bad_weight: [6, 18]\n"
        "  customers.complaints.complain_prob: [0.01, 0.9]\n"
        "morris: {trajectories: 4}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as caught:
        load_sensitivity(spec)
    (problem,) = caught.value.problems
    assert problem.startswith(
        f"{spec}:6:3: ranges.customers.complaints.complain_prob: high 0.9 gives an invalid "
        "scenario: customers.complaints.complain_prob (0.9) must be at most"
    ), problem


def test_the_shipped_study_validates_and_has_the_size_its_header_states() -> None:
    spec = load_sensitivity(SHIPPED)
    plan = make_plan(spec)
    sizes = {d.method: len(d.rows) for d in plan.designs}
    assert sizes == {"morris": 77, "sobol": 96}
    assert len(plan.points) * spec.replications == 692
    header = SHIPPED.read_text(encoding="utf-8")
    assert "173 samples x 2 policies = 346 points of 2 replications, 692" in header
    assert spec.kpis == ["service_defections", "net_value", "complaint_rate_monthly"]
    assert spec.compare is not None and spec.compare.label("b") == "fast_track"


def test_every_shipped_range_says_where_it_comes_from() -> None:
    """Each range is preceded by a comment citing docs/domain.md or marking an assumption."""
    lines = SHIPPED.read_text(encoding="utf-8").splitlines()
    ranges = yaml.safe_load("\n".join(lines))["ranges"]
    for key in ranges:
        at = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{key}:"))
        comment = []
        for line in reversed(lines[:at]):
            if not line.strip().startswith("#"):
                break
            comment.append(line)
        text = " ".join(comment)
        assert re.search(r"domain\.md §\d|assumption", text), f"{key}: no source or assumption"
