"""Calibration by simulation (``sim.experiments.fit``) on the small test desk: the fitter finds a
known parameter again, within the uncertainty it reports; the fit section is checked like every
other part of a scenario; the target measures are what their definitions say."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import numpy as np
import pytest
from scipy import stats

import sim
from sim.experiments.fit import (
    FitError,
    FitOutcome,
    Trial,
    check_fit_writable,
    fit,
    fit_problems,
    load_fit,
)
from sim.measures.targets import reported_days, target_values
from sim.scenario.fit import TargetName
from sim.scenario.scenario import Scenario
from sim.scenario.wording import lookup, parse_path
from tests.scenarios import customer_desk

SEED = 5
KNOWN = -13.6
"""The dissatisfaction threshold the desk is simulated at (a value between two of the common
satisfaction levels, -14.4 and -12: at a level many customers cross at once, a jump)."""


def dissatisfied_per_year(scenario: Scenario, replications: int = 4) -> float:
    result = sim.run_scenario(scenario, replications=replications, seed=SEED)
    days = reported_days(scenario)
    return float(
        np.mean([target_values(k, days)["dissatisfied_per_year"] for k in result.per_replication])
    )


def one_parameter_fit(value: float, **changes: Any) -> Scenario:
    section = {
        "targets": {"dissatisfied_per_year": {"value": value, "source": "assumption"}},
        "parameters": {
            "customers.satisfaction.dissatisfied_below": {
                "range": [-20.0, -12.5],
                "moves": "dissatisfied_per_year",
            }
        },
        "evaluation": {"replications": 4, "seed": SEED, "relative_tolerance": 0.005},
    }
    return customer_desk(fit=section | changes)


def test_the_fit_recovers_a_known_parameter_within_its_uncertainty() -> None:
    known = customer_desk(customers={"satisfaction": {"dissatisfied_below": KNOWN}})
    wanted = dissatisfied_per_year(known)
    trials = []
    outcome = fit(one_parameter_fit(wanted), on_trial=trials.append)
    assert outcome.converged
    assert trials == outcome.trials
    assert [t.kind for t in trials[:2]] == ["start", "jacobian"]
    assert outcome.starts[0] == -15.0  # the scenario's own value
    fitted = outcome.best.values[0]
    assert abs(fitted - KNOWN) <= outcome.half_widths[0], (fitted, outcome.half_widths)
    assert abs(fitted - KNOWN) < 0.2
    # Raising the dissatisfied share needs a higher (less negative) threshold.
    assert outcome.sensitivity[0, 0] > 0
    assert abs(outcome.best.achieved[0].mean - wanted) <= 0.005 * wanted


def test_a_fit_that_already_meets_its_targets_still_reports_its_sensitivity() -> None:
    start = dissatisfied_per_year(customer_desk())
    outcome = fit(one_parameter_fit(start))
    assert outcome.converged
    assert len(outcome.trials) == 2  # the start and the Jacobian's step
    assert outcome.best is outcome.trials[0]
    assert np.all(np.isfinite(outcome.half_widths))


def test_the_ci_rule_stops_as_soon_as_the_wanted_value_is_inside_the_interval() -> None:
    start = dissatisfied_per_year(customer_desk())
    outcome = fit(one_parameter_fit(start * 1.05, evaluation={"seed": SEED, "stop_when": "ci"}))
    assert outcome.converged
    ci = outcome.best.achieved[0]
    assert ci.ci_low <= start * 1.05 <= ci.ci_high


def test_a_parameter_that_does_not_move_its_target_is_reported() -> None:
    scenario = customer_desk(
        fit={
            "targets": {"advocate_share": {"value": 0.01, "source": "assumption"}},
            "parameters": {  # money: it moves no customer
                "economics.acquisition_cost": {"range": [200, 300], "moves": "advocate_share"}
            },
            "evaluation": {"replications": 2, "seed": SEED},
        },
        calendar={"horizon_days": 3},
    )
    with pytest.raises(
        FitError, match=r"economics\.acquisition_cost.*does not change advocate_share"
    ):
        fit(scenario)


def test_fit_problems_names_the_setting_behind_each() -> None:
    no_section = dict(fit_problems(customer_desk()))
    assert list(no_section) == [("fit",)]
    outside = one_parameter_fit(
        3.0,
        parameters={
            "customers.satisfaction.dissatisfied_below": {
                "range": [-30.0, -20.0],
                "moves": "dissatisfied_per_year",
            }
        },
    )
    ((where, problem),) = fit_problems(outside)
    assert where == ("fit", "parameters", "customers.satisfaction.dissatisfied_below", "range")
    assert "does not hold the start, -15" in problem
    invalid_end = one_parameter_fit(
        3.0,
        parameters={
            "customers.satisfaction.dissatisfied_below": {
                "range": [-20.0, 0.5],
                "moves": "dissatisfied_per_year",
            }
        },
    )
    ((_, problem),) = fit_problems(invalid_end)
    assert "the high end, 0.5, gives an invalid scenario" in problem
    assert "customers.satisfaction.dissatisfied_below" in problem


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (
            {
                "parameters": {
                    "customers.satisfaction.dissatisfied_below": {
                        "range": [-20, -12.5],
                        "moves": "loss_per_year",
                    }
                }
            },
            "is not one of the targets",
        ),
        (
            {
                "parameters": {
                    "customers.satisfaction.nothing": {
                        "range": [-20, -12.5],
                        "moves": "dissatisfied_per_year",
                    }
                }
            },
            "is not a setting of this scenario",
        ),
        (
            {
                "parameters": {
                    "customers.satisfaction": {
                        "range": [-20, -12.5],
                        "moves": "dissatisfied_per_year",
                    }
                }
            },
            "not a number",
        ),
        (
            {
                "parameters": {
                    "customers.satisfaction.dissatisfied_below": {
                        "range": [-12.5, -20],
                        "moves": "dissatisfied_per_year",
                    }
                }
            },
            "must be below high",
        ),
        (
            {
                "parameters": {
                    "customers.satisfaction.dissatisfied_below": {
                        "range": [float("-inf"), -12.5],
                        "moves": "dissatisfied_per_year",
                    }
                }
            },
            "finite number",  # refused like any number of a scenario
        ),
        (
            {
                "parameters": {
                    "volume": {
                        "scales": ["demand.contact_types.complaint.daily_volume"],
                        "range": [0.0, 2.0],
                        "moves": "dissatisfied_per_year",
                    }
                }
            },
            r"volume\.range: \[0, 2\]: a scale's range must start above 0",
        ),
        (
            {"targets": {"dissatisfied_per_year": {"value": 0.0, "source": "assumption"}}},
            "a target of 0 needs a tolerance",
        ),
    ],
    ids=[
        "unpaired-target",
        "no-such-setting",
        "not-a-number",
        "empty-range",
        "infinite-range",
        "scale-from-0",
        "zero-target",
    ],
)
def test_a_bad_fit_section_is_invalid(section: dict[str, Any], expected: str) -> None:
    with pytest.raises(ValueError, match=expected):
        one_parameter_fit(3.0, **section)


def test_a_desk_only_variant_loads_but_cannot_be_fitted() -> None:
    """Switching the customer base off (``-p customers=null``) leaves the fit section dormant."""
    data = one_parameter_fit(3.0).model_dump(mode="json")
    data["customers"] = None
    desk_only = Scenario.model_validate(data)
    ((where, problem),) = fit_problems(desk_only)
    assert where == ("fit",) and "add a customers section" in problem


def test_the_target_measures_follow_their_definitions() -> None:
    kpis = {
        "customers_start": 1000.0,
        "customers_end": 900.0,
        "defections": 130.0,
        "funnel.dissatisfied": 150.0,
        "complaint_rate_monthly": 0.01,
        "advocates": 19.0,
    }
    half_year = 365.25 / 2
    values = target_values(kpis, half_year)
    assert set(values) == set(get_args(TargetName))
    assert values == pytest.approx(
        {
            "loss_per_year": 0.26,
            "dissatisfied_per_year": 0.30,
            "complaints_per_month": 0.01,
            "advocate_share": 0.02,
            "base_change_per_year": -0.2,
        }
    )


def test_sensitivity_and_uncertainty_solve_the_linearised_targets() -> None:
    """For targets linear in the parameters (Jacobian J, targets × parameters): a rise of one
    wanted value by its step moves the fitted values by J⁻¹ times it, and each replication's
    targets, solved for the parameters, spread as the half-widths say."""
    jacobian = np.array([[2.0, 0.5], [0.0, -4.0]])
    per_replication = np.random.default_rng(1).normal(size=(6, 2)) * [0.01, 0.02]
    best = Trial(1, "start", np.zeros(2), per_replication, (), np.zeros(2), (True, True), 0.0)
    outcome = FitOutcome(
        spec=one_parameter_fit(3.0).fit,
        targets=("loss_per_year", "complaints_per_month"),
        parameters=("x", "y"),
        starts=np.zeros(2),
        wanted=np.array([0.5, 0.0]),
        trials=[best],
        best=best,
        jacobian=jacobian,
        wall_s=0.0,
    )
    assert outcome.steps == pytest.approx([0.05, 0.01])  # +10%, or +1 pp of a target of 0
    for j, step in enumerate(outcome.steps):
        moved = np.linalg.solve(jacobian, step * np.eye(2)[j])
        assert outcome.sensitivity[:, j] == pytest.approx(moved)
    implied = np.linalg.solve(jacobian, per_replication.T).T
    spread = stats.t.ppf(0.975, 5) * implied.std(axis=0, ddof=1) / np.sqrt(6)
    assert outcome.half_widths == pytest.approx(spread)


def test_the_baseline_fit_is_ready_to_run_and_its_record_matches_the_file() -> None:
    """The shipped fit can run and write (no refusal), and what fit.result says was fitted is
    what the file holds, so a hand edit of a fitted value shows here."""
    path = Path(__file__).resolve().parents[2] / "params" / "baseline.yaml"
    scenario = load_fit(path)
    check_fit_writable(path, scenario)
    assert scenario.fit is not None and scenario.fit.result is not None
    record = scenario.fit.result
    assert record.converged and all(t.met for t in record.targets.values())
    assert set(record.parameters) == set(scenario.fit.parameters)
    data = scenario.model_dump()
    for key, value in record.parameters.items():
        if scenario.fit.parameters[key].scales is None:
            assert lookup(data, parse_path(data, key)) == value.fitted, key
    for name, target in record.targets.items():
        assert target.wanted == scenario.fit.targets[name].value
        assert target.ci_low <= target.achieved <= target.ci_high
