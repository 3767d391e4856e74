"""The ``fit:`` section of a scenario: a calibration declared in the file, and its recorded result.

A fit names target measures the simulated year should show (each with its value and source), the
parameters that are moved to meet them (each a dotted path with a range, or a scale applied to a
set of numbers together, paired with the target it mainly moves) and how each trial is simulated.
``python -m sim fit`` (:mod:`sim.experiments.fit`) finds the values and, with ``--write``, writes
them into the file and records the outcome under ``fit.result``. The simulation itself ignores the
section.

Also the small walks over scenario data that a fit needs: the numbers at or under a dotted path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any, Literal

from pydantic import Field, model_validator

from sim.scenario.base import Model
from sim.scenario.overrides import overlapping
from sim.scenario.wording import MISSING, PathKey, format_value, lookup, parse_path

TargetName = Literal[
    "loss_per_year",
    "dissatisfied_per_year",
    "complaints_per_month",
    "advocate_share",
    "base_change_per_year",
]
"""The measures a fit can aim at (defined in :class:`Fit`; computed by
:mod:`sim.measures.targets`)."""


class FitTarget(Model):
    """A value a measure of the simulation should show, and where the value comes from."""

    value: float = Field(allow_inf_nan=False, description="The value wanted (a fraction).")
    source: str = Field(
        min_length=1,
        description="Where the value comes from: 'domain.md §N' (docs/domain.md) or "
        "'assumption', with a few words on why.",
    )
    tolerance: float | None = Field(
        None,
        gt=0.0,
        le=1.0,
        description="How close is met, in the target's own unit (default: "
        "evaluation.relative_tolerance × |value|; required when the value is 0).",
    )


class FitParameter(Model):
    """A parameter the fit moves, paired with the target it mainly moves.

    Its key in ``parameters`` is the dotted path of a number of the scenario (e.g.
    ``customers.satisfaction.dissatisfied_below``), whose value in the file is the start. With
    ``scales``, the key is a name of your choice and the parameter is a factor, starting at 1, by
    which every number at the listed paths is multiplied (e.g. the weekday volumes of the
    complaint types); the scaled numbers are what ``--write`` writes.
    """

    range: tuple[float, float] = Field(
        description="[low, high]: the values the fit may try (a scale's range must hold 1)."
    )
    moves: TargetName = Field(
        description="The target this parameter mainly moves (each target is paired with one "
        "parameter)."
    )
    scales: list[str] | None = Field(
        None,
        min_length=1,
        description="Dotted paths of the numbers (or mappings or lists of numbers) this factor "
        "multiplies; omit for a plain parameter.",
    )


class FitEvaluation(Model):
    """How each trial of parameter values is simulated.

    Every trial runs the same replications with the same seed (common random numbers), so two
    trials differ only by the parameters. A horizon shorter than the scenario's is cheaper; the
    targets are annualised, but a part of the year need not show the whole year's figures.
    """

    horizon_days: int | None = Field(
        None,
        ge=1,
        le=3650,
        description="Simulated days of each trial after the warm start (default: the "
        "scenario's calendar.horizon_days).",
    )
    replications: int = Field(
        4, ge=2, le=1000, description="Replications of each trial (at least 2, for the CIs)."
    )
    seed: int | None = Field(
        None, ge=0, description="Seed of every trial (default: the scenario's simulation.seed)."
    )
    stop_when: Literal["tolerance", "ci"] = Field(
        "tolerance",
        description="tolerance: stop when every target is within its tolerance; ci: when every "
        "wanted value is inside its achieved 95% confidence interval (coarser, cheaper).",
    )
    relative_tolerance: float = Field(
        0.02,
        gt=0.0,
        le=0.5,
        description="Default tolerance of a target as a share of its value.",
    )
    max_evaluations: int = Field(
        20,
        ge=3,
        le=1000,
        description="Trials at most, the start and the finite-difference Jacobian included.",
    )
    step_fraction: float = Field(
        0.05,
        gt=0.0,
        le=0.5,
        description="Finite-difference step of each parameter, as a share of its range.",
    )


class FittedValue(Model):
    """A fitted parameter: where it started, where it ended and how sure that is."""

    start: float = Field(description="Value before the fit (1 for a scale).")
    fitted: float = Field(description="Value found (written into the file).")
    half_width_95: float = Field(
        ge=0.0,
        description="Statistical uncertainty: half-width of the 95% interval of the fitted value "
        "implied by the replications' spread of the targets.",
    )


class AchievedTarget(Model):
    """A target as the fitted values met it."""

    wanted: float = Field(description="The value wanted.")
    achieved: float = Field(description="Mean over the replications at the fitted values.")
    ci_low: float = Field(description="Lower end of its 95% confidence interval.")
    ci_high: float = Field(description="Upper end of its 95% confidence interval.")
    met: bool = Field(description="Whether it met the stopping rule.")
    sensitivity_step: float = Field(
        description="The change of the wanted value the sensitivity table is for: +10% of it "
        "(+0.01 when it is 0)."
    )


class FitRecord(Model):
    """What the last ``python -m sim fit --write`` found (written by the command; the next one
    replaces it)."""

    date: dt.date = Field(description="Day the fit ran.")
    command: str = Field(description="The command that wrote this record.")
    converged: bool = Field(description="Whether every target was met.")
    evaluations: int = Field(ge=1, description="Trials simulated.")
    wall_s: float = Field(ge=0.0, description="Wall time of the fit in seconds.")
    parameters: dict[str, FittedValue] = Field(description="Parameter → start, fitted value.")
    targets: dict[TargetName, AchievedTarget] = Field(
        description="Target → wanted and achieved value."
    )
    sensitivity: dict[str, dict[TargetName, float]] = Field(
        description="Parameter → target → change of the fitted value if that target's wanted "
        "value rose by its sensitivity_step, the others held (from the final Jacobian)."
    )


class Fit(Model):
    """A calibration of the scenario by simulation, declared next to what it calibrates.

    The target measures, each computed per replication from the KPIs over the reporting window
    and annualised linearly (× 365.25 / days reported):

    * ``loss_per_year``: customers lost (decided to leave) / customers at the start, per year;
    * ``dissatisfied_per_year``: customers becoming dissatisfied (episodes: a customer
      dissatisfied twice counts twice) / customers at the start, per year;
    * ``complaints_per_month``: complaints received per open account per month (all kinds);
    * ``advocate_share``: advocates on an average day / the mean of the customers at the start
      and at the end;
    * ``base_change_per_year``: (customers at the end − at the start) / customers at the start,
      per year.

    ``python -m sim fit FILE`` moves the parameters until every target is met (README.md,
    "Calibrating by simulation"); ``--write`` writes the values found into the file and the
    outcome under ``result``.
    """

    targets: dict[TargetName, FitTarget] = Field(
        min_length=1, description="Measure → the value it should show, and its source."
    )
    parameters: dict[str, FitParameter] = Field(
        min_length=1,
        description="Dotted path of a number (or the name of a scale) → its range and the "
        "target it moves.",
    )
    evaluation: FitEvaluation = Field(
        default_factory=FitEvaluation, description="How each trial is simulated."
    )
    result: FitRecord | None = Field(
        None, description="The outcome of the last fit written into the file (by the command)."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Fit:
        for problem in self._problems():
            raise ValueError(problem)
        return self

    def _problems(self) -> Iterator[str]:
        for key, parameter in self.parameters.items():
            low, high = parameter.range
            shown = f"parameters.{key}.range: [{low:g}, {high:g}]"
            if not low < high:  # both ends are finite: every number of a scenario is
                yield f"{shown}: low ({low:g}) must be below high ({high:g})"
            elif parameter.scales is not None and not low <= 1.0 <= high:
                yield f"{shown}: must hold 1, where a scale starts"
            elif parameter.scales is not None and low <= 0.0:
                yield f"{shown}: a scale's range must start above 0"
            if parameter.scales is not None and "." in key:
                yield (
                    f"parameters.{key}: a scale is named by a word (letters, digits, '_'); its "
                    "numbers are listed in scales"
                )
        paired: dict[str, str] = {}
        for key, parameter in self.parameters.items():
            if parameter.moves not in self.targets:
                yield (
                    f"parameters.{key}.moves: {parameter.moves!r} is not one of the targets "
                    f"({', '.join(self.targets)})"
                )
            elif parameter.moves in paired:
                yield (
                    f"parameters.{key}.moves: {parameter.moves!r} is already moved by "
                    f"{paired[parameter.moves]!r}; pair each target with one parameter"
                )
            paired.setdefault(parameter.moves, key)
        for name in self.targets:
            if name not in paired:
                yield (
                    f"targets.{name}: no parameter moves it; add one to parameters (the fit "
                    "needs as many parameters as targets)"
                )
            elif self.targets[name].value == 0 and self.targets[name].tolerance is None:
                yield f"targets.{name}: a target of 0 needs a tolerance (no relative one exists)"
        written = [(key, path) for key in self.parameters for path in self.paths(key)]
        for i, (key, path) in enumerate(written):
            clash = next((k for k, p in written[:i] if overlapping(p, path)), None)
            if clash is not None and clash != key:
                yield f"parameters.{key}: {path} is also fitted by {clash!r}"
        needed = len(self.parameters) + 2
        if self.evaluation.max_evaluations < needed:
            yield (
                f"evaluation.max_evaluations: {self.evaluation.max_evaluations} cannot fit "
                f"{len(self.parameters)} parameters: the start and the Jacobian take "
                f"{needed - 1} trials, so at least {needed}"
            )

    def paths(self, key: str) -> list[str]:
        """The dotted paths a parameter sets: its key, or the paths it scales."""
        scales = self.parameters[key].scales
        return list(scales) if scales is not None else [key]

    def tolerance(self, name: str) -> float:
        """How close a target must come to count as met (stop_when: tolerance)."""
        target = self.targets[name]
        if target.tolerance is not None:
            return target.tolerance
        return self.evaluation.relative_tolerance * abs(target.value)

    def problems_in(self, data: Mapping[str, Any]) -> Iterator[str]:
        """Paths of the parameters that do not name numbers in the scenario ``data``."""
        for key, parameter in self.parameters.items():
            for i, path in enumerate(self.paths(key)):
                found = numbers_under(data, path)
                where = f"fit.parameters.{key}" + (f".scales.{i}" if parameter.scales else "")
                if found is None:
                    yield f"{where}: {path} is not a setting of this scenario"
                elif parameter.scales is None and list(found) != [parse_path(data, path)]:
                    shown = format_value(lookup(data, parse_path(data, path)))
                    yield (
                        f"{where}: {path} is {shown}, not a number; fit a number, or scale "
                        "several with scales"
                    )
                elif not found:
                    yield f"{where}: {path} holds no number to scale"


def numbers_under(data: Any, path: str) -> dict[PathKey, float] | None:
    """Every number at or under a dotted path of ``data``, by position (None: no such path)."""
    start = parse_path(data, path)
    node = lookup(data, start)
    if node is MISSING or node is None:
        return None
    found: dict[PathKey, float] = {}

    def walk(value: Any, position: PathKey) -> None:
        if isinstance(value, bool):
            return
        if isinstance(value, int | float):
            found[position] = float(value)
        elif isinstance(value, dict):
            for key, child in value.items():
                walk(child, (*position, key))
        elif isinstance(value, list):
            for index, child in enumerate(value):
                walk(child, (*position, index))

    walk(node, start)
    return found
