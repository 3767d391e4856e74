"""Calibration by simulation: find the parameter values of a scenario's ``fit:`` section that meet
its targets, and record them in the file.

Every trial simulates the same replications with the same seed (common random numbers; with a
customer base every random number is keyed by the customer it concerns), so the targets respond
smoothly to the parameters and a deterministic root finder can work on them:

1. the start (the file's values, scales at 1), then a forward finite difference per parameter
   (``evaluation.step_fraction`` of its range, towards the inside): the Jacobian;
2. Newton steps on the Jacobian, clipped to the ranges; a trial that does not lower the squared
   misses (each in units of its tolerance) halves the next step, taken again from the best trial
   so far. After a step at least half the finite-difference step long, the Jacobian is updated
   with Broyden's rule; a shorter one is left out, since at that scale the targets' small jumps
   (satisfaction scores are discrete, so a threshold crossing a common value moves many
   customers at once) would swamp the slope;
3. until every target is met (within its tolerance, or its wanted value inside the achieved 95%
   interval with ``stop_when: ci``) or ``evaluation.max_evaluations`` trials have run.

Everything is computed in scaled units (each parameter as a share of its range, each miss in
tolerances), so parameters and targets of very different sizes weigh alike. The fit reports how
sensitive its answer is: from the final Jacobian J (targets by parameters), the change of each
fitted value when a wanted value rises by 10% (J⁻¹), and the statistical uncertainty of each
fitted value: the replications' targets mapped through J⁻¹, their spread as a Student-t 95%
half-width.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError
from scipy import stats

from sim.experiments.replications import run_scenario
from sim.measures.estimates import CI_LEVEL, Estimate, estimate
from sim.measures.targets import reported_days, target_values
from sim.scenario.editing import check_writable, write_in_place
from sim.scenario.errors import InputError
from sim.scenario.fit import Fit, FitRecord, numbers_under
from sim.scenario.loading import load_model
from sim.scenario.scenario import Scenario
from sim.scenario.wording import PathKey, dotted, lookup, parse_path

SIGNIFICANT_DIGITS = 4
"""Digits kept of every number written into the file (far finer than any fit's uncertainty)."""


class FitError(InputError):
    """A fit that cannot run: one line saying why."""


@dataclass(frozen=True)
class Trial:
    """One simulated set of parameter values and the targets it gave.

    Attributes:
        number: 1 for the start, then in order.
        kind: ``start``, ``jacobian`` (a finite difference), ``newton`` or ``shorter`` (a halved
            step after a trial that did not improve).
        values: the parameters' values, in :attr:`FitOutcome.parameters` order.
        per_replication: the targets of each replication (replications × targets).
        achieved: each target's mean with its 95% interval.
        misses: each target's mean less its wanted value, in tolerances.
        met: whether each target met the stopping rule.
        wall_s: wall time of the trial.
    """

    number: int
    kind: str
    values: np.ndarray
    per_replication: np.ndarray
    achieved: tuple[Estimate, ...]
    misses: np.ndarray
    met: tuple[bool, ...]
    wall_s: float

    @property
    def merit(self) -> float:
        """Sum of the squared misses (what every step tries to lower)."""
        return float(np.sum(self.misses**2))


@dataclass(frozen=True)
class FitOutcome:
    """What a fit found.

    Attributes:
        spec: the scenario's ``fit`` section.
        targets: target names, in the section's order.
        parameters: parameter keys, each in the position of the target it moves.
        starts: the parameters' values before the fit (1 for a scale).
        wanted: the targets' wanted values.
        trials: every trial, in order.
        best: the trial with the smallest misses: the fitted values.
        jacobian: d target / d parameter at the end, in natural units (targets × parameters).
        wall_s: wall time of the whole fit.
    """

    spec: Fit
    targets: tuple[str, ...]
    parameters: tuple[str, ...]
    starts: np.ndarray
    wanted: np.ndarray
    trials: list[Trial]
    best: Trial
    jacobian: np.ndarray
    wall_s: float

    @property
    def converged(self) -> bool:
        """Whether the fitted values meet every target."""
        return all(self.best.met)

    @property
    def steps(self) -> np.ndarray:
        """The change of each wanted value the sensitivities are for: +10%, or +0.01 for 0."""
        return np.where(self.wanted == 0.0, 0.01, 0.1 * np.abs(self.wanted))

    @property
    def sensitivity(self) -> np.ndarray:
        """Change of each fitted value (rows) when one wanted value (columns) rises by its
        :attr:`steps`, the others held: J⁻¹ scaled by the steps."""
        return np.linalg.pinv(self.jacobian) * self.steps

    @property
    def half_widths(self) -> np.ndarray:
        """Statistical uncertainty of each fitted value: the 95% half-width of J⁻¹ applied to
        the replications' targets (what another set of replications would move it by)."""
        through = self.best.per_replication @ np.linalg.pinv(self.jacobian).T
        n = len(through)
        quantile = stats.t.ppf(0.5 + CI_LEVEL / 2, n - 1)
        return quantile * through.std(axis=0, ddof=1) / math.sqrt(n)


def fit(
    scenario: Scenario,
    workers: int = 1,
    on_trial: Callable[[Trial], None] | None = None,
) -> FitOutcome:
    """Find values of the parameters of ``scenario.fit`` that meet its targets.

    Args:
        scenario: a scenario with a ``fit`` section (and a customer base).
        workers: processes running each trial's replications (results do not depend on it).
        on_trial: called with every trial as it finishes (progress).

    Raises:
        FitError: the scenario has no fit section, a start or a range end is not usable, a
            parameter does not move its target, or a trial's values give an invalid scenario.
    """
    problems = [f"{dotted(at)}: {problem}" for at, problem in fit_problems(scenario)]
    if problems:
        raise FitError(problems[0])
    spec = scenario.fit
    assert spec is not None
    started = time.perf_counter()
    plan = _Plan(scenario, spec)
    trials: list[Trial] = []

    def run(values: np.ndarray, kind: str) -> Trial:
        trial = plan.evaluate(values, kind, len(trials) + 1, workers)
        trials.append(trial)
        if on_trial is not None:
            on_trial(trial)
        return trial

    start = run(plan.starts, "start")
    jacobian = plan.finite_differences(start, run)
    best = min(trials, key=lambda t: t.merit)
    shrink = 1.0
    while not all(best.met) and len(trials) < spec.evaluation.max_evaluations:
        here = plan.scaled(best.values)
        step = np.linalg.lstsq(jacobian, -best.misses, rcond=None)[0]
        there = np.clip(here + shrink * step, 0.0, 1.0)
        if np.allclose(there, here):
            break
        trial = run(plan.natural(there), "newton" if shrink == 1.0 else "shorter")
        moved = there - here
        if np.max(np.abs(moved)) >= spec.evaluation.step_fraction / 2:
            change = trial.misses - best.misses - jacobian @ moved
            jacobian += np.outer(change, moved) / (moved @ moved)
        if trial.merit < best.merit:
            best, shrink = trial, 1.0
        else:
            shrink /= 2.0
    return FitOutcome(
        spec=spec,
        targets=plan.targets,
        parameters=plan.keys,
        starts=plan.starts,
        wanted=plan.wanted,
        trials=trials,
        best=best,
        jacobian=jacobian * plan.tolerances[:, None] / plan.widths[None, :],
        wall_s=time.perf_counter() - started,
    )


def fit_order(spec: Fit) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The targets in the section's order, and the parameters each in the position of the
    target it moves (so the Jacobian is nearly diagonal)."""
    targets = tuple(spec.targets)
    keys = sorted(spec.parameters, key=lambda k: targets.index(spec.parameters[k].moves))
    return targets, tuple(keys)


class _Plan:
    """A fit's parameters and targets in a fixed order, and how a trial is simulated."""

    def __init__(self, scenario: Scenario, spec: Fit) -> None:
        self.spec = spec
        self.targets, self.keys = fit_order(spec)
        self.data = trial_data(scenario, spec)
        self.low = np.array([spec.parameters[k].range[0] for k in self.keys])
        self.widths = np.array([spec.parameters[k].range[1] for k in self.keys]) - self.low
        self.starts = np.array([start_value(self.data, spec, k) for k in self.keys])
        self.wanted = np.array([spec.targets[t].value for t in self.targets])
        self.tolerances = np.array([spec.tolerance(t) for t in self.targets])
        self.seed = (
            scenario.simulation.seed if spec.evaluation.seed is None else spec.evaluation.seed
        )

    def scaled(self, values: np.ndarray) -> np.ndarray:
        """Parameter values as shares of their ranges."""
        return (values - self.low) / self.widths

    def natural(self, scaled: np.ndarray) -> np.ndarray:
        return self.low + scaled * self.widths

    def evaluate(self, values: np.ndarray, kind: str, number: int, workers: int) -> Trial:
        """Simulate the scenario at ``values`` and measure the targets."""
        started = time.perf_counter()
        scenario = scenario_at(self.data, self.spec, dict(zip(self.keys, values, strict=True)))
        result = run_scenario(
            scenario, self.spec.evaluation.replications, self.seed, workers=workers
        )
        days = reported_days(scenario)
        per_rep = np.array(
            [[target_values(k, days)[t] for t in self.targets] for k in result.per_replication]
        )
        achieved = tuple(estimate(per_rep[:, j], lower=-math.inf) for j in range(len(self.targets)))
        means = per_rep.mean(axis=0)
        if self.spec.evaluation.stop_when == "ci":
            met = tuple(
                e.ci_low <= w <= e.ci_high for e, w in zip(achieved, self.wanted, strict=True)
            )
        else:
            met = tuple(bool(x) for x in np.abs(means - self.wanted) <= self.tolerances)
        return Trial(
            number=number,
            kind=kind,
            values=np.array(values, dtype=float),
            per_replication=per_rep,
            achieved=achieved,
            misses=(means - self.wanted) / self.tolerances,
            met=met,
            wall_s=time.perf_counter() - started,
        )

    def finite_differences(
        self, start: Trial, run: Callable[[np.ndarray, str], Trial]
    ) -> np.ndarray:
        """The Jacobian of the misses in scaled parameters, by a forward step per parameter
        towards the inside of its range; each parameter must move the target it is paired with."""
        here = self.scaled(start.values)
        step = self.spec.evaluation.step_fraction
        columns = []
        for i, key in enumerate(self.keys):
            signed = step if here[i] + step <= 1.0 else -step
            moved = here.copy()
            moved[i] += signed
            trial = run(self.natural(moved), "jacobian")
            columns.append((trial.misses - start.misses) / signed)
            if columns[-1][i] == 0.0:
                raise FitError(
                    f"fit.parameters.{key}: moving it by {signed * self.widths[i]:+g} does not "
                    f"change {self.targets[i]} at all; check the pairing (moves), or raise "
                    "evaluation.step_fraction"
                )
        return np.column_stack(columns)


def trial_data(scenario: Scenario, spec: Fit) -> dict[str, Any]:
    """The scenario as data, without its fit section, over the evaluation's horizon."""
    data = scenario.model_dump(exclude={"fit"})
    if spec.evaluation.horizon_days is not None:
        data["calendar"]["horizon_days"] = spec.evaluation.horizon_days
    return data


def start_value(data: Mapping[str, Any], spec: Fit, key: str) -> float:
    """A parameter's value before the fit: the scenario's number, or 1 for a scale."""
    if spec.parameters[key].scales is not None:
        return 1.0
    return float(lookup(data, parse_path(data, key)))


def numbers_at(
    data: Mapping[str, Any], spec: Fit, values: Mapping[str, float]
) -> dict[PathKey, float]:
    """Every number of the scenario the parameter ``values`` set, by position: a plain
    parameter's own, a scale's products."""
    numbers: dict[PathKey, float] = {}
    for key, value in values.items():
        if spec.parameters[key].scales is None:
            numbers[parse_path(data, key)] = float(value)
            continue
        for path in spec.paths(key):
            found = numbers_under(data, path) or {}
            numbers.update({at: number * float(value) for at, number in found.items()})
    return numbers


def scenario_at(data: Mapping[str, Any], spec: Fit, values: Mapping[str, float]) -> Scenario:
    """The scenario of ``data`` with the parameters at ``values``."""
    try:
        return Scenario.model_validate(_changed(data, spec, values))
    except ValidationError as exc:
        shown = ", ".join(f"{key} = {value:g}" for key, value in values.items())
        raise FitError(f"{shown} gives an invalid scenario: {_first_error(exc)}") from None


def _changed(data: Mapping[str, Any], spec: Fit, values: Mapping[str, float]) -> dict[str, Any]:
    changed = copy.deepcopy(dict(data))
    for at, number in numbers_at(data, spec, values).items():
        node = changed
        for key in at[:-1]:
            node = node[key]
        node[at[-1]] = number
    return changed


def _first_error(exc: ValidationError) -> str:
    """The first problem of a validation error, on one line."""
    error = exc.errors(include_url=False)[0]
    message = re.sub(r"^(Value error|Assertion failed), ", "", error["msg"])
    message = re.sub(r"^Input should be", "must be", message)
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {message}" if where else message


def fit_problems(scenario: Scenario) -> Iterator[tuple[PathKey, str]]:
    """What makes a valid scenario unfit to fit, at the setting behind it: no fit section or no
    customer base (a desk-only variant of a fitted scenario loads, its fit dormant), a start
    outside its range, a range end or the evaluation's horizon giving an invalid
    scenario. (A ``check`` for :func:`~sim.scenario.loading.load_model`.)"""
    spec = scenario.fit
    if spec is None:
        yield (
            ("fit",),
            "the scenario has no fit section: declare its targets and parameters (README.md, "
            "Calibrating by simulation)",
        )
        return
    if scenario.customers is None:
        yield ("fit",), "its targets are measures of the customer base; add a customers section"
        return
    data = trial_data(scenario, spec)
    try:
        Scenario.model_validate(data)
    except ValidationError as exc:
        yield (
            ("fit", "evaluation", "horizon_days"),
            f"gives an invalid scenario: {_first_error(exc)}",
        )
        return
    for key, parameter in spec.parameters.items():
        low, high = parameter.range
        start = start_value(data, spec, key)
        if not low <= start <= high:
            yield (
                ("fit", "parameters", key, "range"),
                f"[{low:g}, {high:g}] does not hold the start, {start:g} in the scenario",
            )
            continue
        for end, value in (("low", low), ("high", high)):
            try:
                Scenario.model_validate(_changed(data, spec, {key: value}))
            except ValidationError as exc:
                yield (
                    ("fit", "parameters", key, "range"),
                    f"the {end} end, {value:g}, gives an invalid scenario: {_first_error(exc)}",
                )


def load_fit(path: str | Path, overrides: Sequence[str] | Mapping[str, Any] = ()) -> Scenario:
    """Read a scenario file with a fit section and dotted ``overrides``, checked as
    :func:`fit_problems` says (one line per problem, at the file, line and column of the setting
    behind it)."""
    return load_model(path, Scenario, overrides, check=fit_problems)


# --- recording the fit ---------------------------------------------------------------------------


def rounded(value: float, digits: int = SIGNIFICANT_DIGITS) -> float:
    """``value`` to ``digits`` significant digits."""
    return float(f"{value:.{digits}g}")


def fit_record(outcome: FitOutcome, command: str, today: dt.date) -> FitRecord:
    """The ``fit.result`` block of a finished fit."""
    best = outcome.best
    return FitRecord(
        date=today,
        command=command,
        converged=outcome.converged,
        evaluations=len(outcome.trials),
        wall_s=round(outcome.wall_s, 1),
        parameters={
            key: {
                "start": rounded(outcome.starts[i]),
                "fitted": rounded(best.values[i]),
                "half_width_95": rounded(outcome.half_widths[i], 2),
            }
            for i, key in enumerate(outcome.parameters)
        },
        targets={
            name: {
                "wanted": float(outcome.wanted[j]),
                "achieved": rounded(best.achieved[j].mean),
                "ci_low": rounded(best.achieved[j].ci_low),
                "ci_high": rounded(best.achieved[j].ci_high),
                "met": best.met[j],
                "sensitivity_step": rounded(outcome.steps[j]),
            }
            for j, name in enumerate(outcome.targets)
        },
        sensitivity={
            key: {
                name: rounded(outcome.sensitivity[i, j], 2)
                for j, name in enumerate(outcome.targets)
            }
            for i, key in enumerate(outcome.parameters)
        },
    )


def written_numbers(scenario: Scenario, outcome: FitOutcome) -> dict[PathKey, float]:
    """The numbers ``--write`` writes into the file, by position, to :data:`SIGNIFICANT_DIGITS`:
    every plain parameter, and every number a scale changes (not, say, a weekday volume of 0)."""
    data = scenario.model_dump(exclude={"fit"})
    values = {
        key: rounded(value)
        for key, value in zip(outcome.parameters, outcome.best.values, strict=True)
    }
    plain = _plain_positions(data, outcome.spec)
    numbers = numbers_at(data, outcome.spec, values).items()
    return {at: rounded(n) for at, n in numbers if at in plain or rounded(n) != lookup(data, at)}


def _plain_positions(data: Mapping[str, Any], spec: Fit) -> set[PathKey]:
    return {parse_path(data, key) for key, p in spec.parameters.items() if p.scales is None}


def check_fit_writable(path: str | Path, scenario: Scenario) -> None:
    """Refuse at once, before any trial, a file ``--write`` could not write: a fitted number set
    in a file it extends (or by default), not written as a plain number, or a fit section not
    written in the file (``ScenarioError``, one line per problem)."""
    assert scenario.fit is not None
    data = scenario.model_dump(exclude={"fit"})
    spec = scenario.fit
    may_change = numbers_at(
        data, spec, {key: start_value(data, spec, key) for key in spec.parameters}
    )
    plain = _plain_positions(data, spec)
    positions = {at: None for at, number in may_change.items() if at in plain or number != 0}
    check_writable(path, positions, ("fit", "result"))


def write_fit(
    path: str | Path, scenario: Scenario, outcome: FitOutcome, command: str, today: dt.date
) -> None:
    """Write the fitted values into the scenario file at ``path`` (the file ``scenario`` was read
    from) where they are written, and the outcome as ``fit.result``, keeping every comment and
    other line. Refuses (``ScenarioError``) values that are set in a file it extends."""
    if not outcome.converged:
        raise FitError("the fit did not meet every target, so nothing was written")
    record = fit_record(outcome, command, today)
    write_in_place(
        path,
        written_numbers(scenario, outcome),
        ("fit", "result"),
        record.model_dump(),
        "written by python -m sim fit --write; the next fit replaces it",
    )
