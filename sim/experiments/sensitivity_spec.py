"""Sensitivity studies: which assumptions to vary, over what ranges and by which method, described
in YAML (``params/sensitivity/*.yaml``).

A study names a base scenario (with overlays and dotted overrides, as a sweep), the KPIs to
analyse, the plausible range of each parameter to vary (dotted path → ``[low, high]``, optionally
whole numbers or on a log scale) and one or both methods: Morris elementary effects to screen
many parameters, Sobol indices (first and total order) for a short list. With ``compare``, two
policies (each a mapping of dotted overrides) run at every sample with the same seed, and each
KPI's paired difference, B − A, is analysed as well.

:func:`load_sensitivity` also checks what the file alone cannot show: that the base scenario, each
policy and both ends of every range give valid scenarios, each problem reported at the file, line
and column of the setting behind it. Sampling and analysis are in
:mod:`sim.experiments.sensitivity`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from sim.measures.metrics import KPI_GROUPS, KPIS, kpi_info
from sim.scenario.base import Model, Name
from sim.scenario.errors import ScenarioError
from sim.scenario.loading import load_model, load_scenario
from sim.scenario.overrides import overlapping
from sim.scenario.wording import PathKey, format_value

Method = Literal["morris", "sobol"]
Side = Literal["a", "b"]


class MorrisDesign(Model):
    """Morris elementary effects: ``trajectories`` paths through a grid of ``levels`` values per
    parameter, each path moving one parameter at a time (parameters + 1 samples a path). Screens
    many parameters cheaply: mu* ranks their influence, sigma flags interactions and curvature."""

    trajectories: int = Field(
        ge=2, le=10_000, description="Paths r; the design has r × (parameters + 1) samples."
    )
    levels: int = Field(4, ge=2, le=100, description="Grid levels per parameter (even).")
    parameters: list[str] | None = Field(
        None, description="Parameters varied (default: every range)."
    )
    bootstrap: int = Field(
        1000, ge=10, le=100_000, description="Bootstrap resamples for the CI of mu*."
    )

    @model_validator(mode="after")
    def _even_levels(self) -> MorrisDesign:
        if self.levels % 2:
            raise ValueError(
                f"levels: {self.levels} is odd; a Morris grid needs an even number of levels "
                "(4 is usual), or its steps are biased"
            )
        return self


class SobolDesign(Model):
    """Sobol indices from a Saltelli design: first order (S1, what a parameter explains alone)
    and total order (ST, with all its interactions), with bootstrap CIs."""

    samples: int = Field(
        ge=2,
        le=65_536,
        description="Base sample N, a power of 2; the design has N × (parameters + 2) samples.",
    )
    parameters: list[str] | None = Field(
        None, description="Parameters varied, a short list (default: every range)."
    )
    bootstrap: int = Field(
        1000, ge=10, le=100_000, description="Bootstrap resamples for the CIs of S1 and ST."
    )

    @model_validator(mode="after")
    def _power_of_two(self) -> SobolDesign:
        if self.samples & (self.samples - 1):
            raise ValueError(
                f"samples: {self.samples} is not a power of 2 (the Sobol sequence needs one: "
                f"{2 ** int(math.log2(self.samples))} or {2 ** math.ceil(math.log2(self.samples))})"
            )
        return self


class Compare(Model):
    """Two policies run at every sample with the same seed; each KPI's difference B − A is taken
    replication by replication."""

    a: dict[str, Any] = Field(
        min_length=1, description="Policy A, the reference: dotted path → value."
    )
    b: dict[str, Any] = Field(min_length=1, description="Policy B: dotted path → value.")
    a_label: str | None = Field(
        None, min_length=1, max_length=40, description="Name of A in reports (default: its kind)."
    )
    b_label: str | None = Field(
        None, min_length=1, max_length=40, description="Name of B in reports (default: its kind)."
    )

    def label(self, side: Side) -> str:
        """The policy's name: its label, else its overrides in short (``fast_track``)."""
        given = self.a_label if side == "a" else self.b_label
        if given:
            return given
        overrides = self.a if side == "a" else self.b
        return ", ".join(_short(key, value, len(overrides)) for key, value in overrides.items())


def _short(key: str, value: Any, count: int) -> str:
    if isinstance(value, dict) and "kind" in value and count == 1:
        return str(value["kind"])
    shown = value["kind"] if isinstance(value, dict) and "kind" in value else format_value(value)
    return f"{key}={shown}"


class Sensitivity(Model):
    """A global sensitivity study of a scenario's KPIs to the ranges of some of its parameters."""

    name: Name = Field(description="Output folder name under outputs/sensitivity/.")
    description: str = Field("", description="What the study asks.")
    scenario: str = Field(description="Base scenario file, relative to this file.")
    overlays: list[str] = Field(
        default_factory=list,
        description="Scenario files laid over the base for every sample (relative paths).",
    )
    overrides: dict[str, Any] = Field(
        default_factory=dict, description="Dotted overrides applied to every sample."
    )
    replications: int = Field(2, ge=1, le=10_000, description="Replications per sample.")
    seed: int = Field(
        1, ge=0, description="Seed of every sample (common random numbers) and of the designs."
    )
    kpis: list[str] = Field(min_length=1, description="KPIs to analyse (names as in reports).")
    compare: Compare | None = Field(
        None, description="Two policies whose paired difference of each KPI is analysed too."
    )
    ranges: dict[str, tuple[float, float]] = Field(
        min_length=1, description="Dotted parameter path → [low, high], its plausible range."
    )
    integers: list[str] = Field(
        default_factory=list, description="Paths whose values are rounded to whole numbers."
    )
    log_scale: list[str] = Field(
        default_factory=list,
        description="Paths sampled uniformly in their logarithm (ranges over orders of magnitude).",
    )
    morris: MorrisDesign | None = Field(None, description="Morris screening design.")
    sobol: SobolDesign | None = Field(None, description="Sobol design for a short list.")

    @model_validator(mode="after")
    def _consistent(self) -> Sensitivity:
        for problem in self._problems():
            raise ValueError(problem)
        return self

    def _problems(self) -> Iterator[str]:
        if self.morris is None and self.sobol is None:
            yield "give morris, sobol or both: the method of the study"
        for key, (low, high) in self.ranges.items():
            if not (math.isfinite(low) and math.isfinite(high) and low < high):
                yield f"ranges.{key}: low ({low:g}) must be below high ({high:g})"
        for field in ("integers", "log_scale"):
            for i, key in enumerate(getattr(self, field)):
                if key not in self.ranges:
                    yield f"{field}.{i}: {key!r} is not one of the ranges{_guess(key, self.ranges)}"
        for key in self.log_scale:
            if key in self.ranges and self.ranges[key][0] <= 0:
                yield f"ranges.{key}: a log-scale range must start above 0"
        for key in self.integers:
            low, high = self.ranges.get(key, (0.0, 0.0))
            if key in self.ranges and math.floor(high) - math.ceil(low) < 1:
                yield f"ranges.{key}: [{low:g}, {high:g}] holds fewer than two whole numbers"
        for method in ("morris", "sobol"):
            design = getattr(self, method)
            chosen = design.parameters if design is not None else None
            for i, key in enumerate(chosen or []):
                if key not in self.ranges:
                    yield (
                        f"{method}.parameters.{i}: {key!r} is not one of the ranges"
                        f"{_guess(key, self.ranges)}"
                    )
                elif chosen.index(key) != i:
                    yield f"{method}.parameters.{i}: {key!r} is listed twice"
        yield from self._kpi_problems()
        if self.compare is not None:
            for side in ("a", "b"):
                for key in getattr(self.compare, side):
                    clash = next((r for r in self.ranges if overlapping(key, r)), None)
                    if clash is not None:
                        yield (
                            f"compare.{side}.{key}: overlaps the range {clash!r}; a policy and a "
                            "range cannot set the same parameter"
                        )

    def _kpi_problems(self) -> Iterator[str]:
        for i, kpi in enumerate(self.kpis):
            try:
                info = kpi_info(kpi)
            except KeyError:
                groups = ", ".join(f"{g}.ITEM" for g in KPI_GROUPS)
                yield (
                    f"kpis.{i}: unknown KPI {kpi!r}{_guess(kpi, KPIS)} (KPIs: {', '.join(KPIS)}, "
                    f"and {groups})"
                )
                continue
            if self.kpis.index(kpi) != i:
                yield f"kpis.{i}: {kpi!r} is listed twice"
            elif self.compare is not None and info.better == 0:
                yield (
                    f"kpis.{i}: {kpi!r} ({info.label}) has no better direction, so whether A "
                    "beats B on it is undefined; compare KPIs where higher or lower is better"
                )

    def varied(self, method: Method) -> tuple[str, ...]:
        """The parameters a method varies, in the order of ``ranges``."""
        design = self.morris if method == "morris" else self.sobol
        chosen = design.parameters if design is not None else None
        return tuple(k for k in self.ranges if chosen is None or k in chosen)

    def methods(self) -> tuple[Method, ...]:
        """The study's methods, Morris first."""
        given: tuple[Method, ...] = ("morris", "sobol")
        return tuple(m for m in given if getattr(self, m) is not None)

    def policies(self) -> dict[Side, dict[str, Any]]:
        """The policies run at every sample: A and B with ``compare``, else only A (the base
        scenario as it is)."""
        if self.compare is None:
            return {"a": {}}
        return {"a": dict(self.compare.a), "b": dict(self.compare.b)}

    def value(self, key: str, raw: float) -> float | int:
        """A sampled value as the scenario gets it: kept inside the range, whole if it must be."""
        low, high = self.ranges[key]
        clipped = min(max(float(raw), low), high)
        return round(clipped) if key in self.integers else clipped


def _guess(word: str, choices: Sequence[str] | Mapping[str, Any]) -> str:
    found = difflib.get_close_matches(word, list(choices), n=1)
    return f" — did you mean {found[0]!r}?" if found else ""


def load_sensitivity(
    path: str | Path, overrides: Sequence[str] | Mapping[str, Any] = ()
) -> Sensitivity:
    """Read and validate a study file (clear errors as for scenarios), including whether its
    scenario, its policies and both ends of every range give valid scenarios.

    Args:
        path: the YAML file.
        overrides: dotted overrides of the study's own settings, e.g. ``{"replications": 3}`` or
            ``["sobol.samples=16"]`` (applied as a scenario's ``-p``).
    """
    path = Path(path)
    return load_model(path, Sensitivity, overrides, check=lambda s: scenario_problems(s, path))


def scenario_problems(spec: Sensitivity, path: Path) -> Iterator[tuple[PathKey, str]]:
    """Where the study's settings give an invalid scenario: the base, a policy, a range's end."""
    base = path.parent / spec.scenario
    overlays = [path.parent / o for o in spec.overlays]

    def problem(extra: Mapping[str, Any]) -> str | None:
        try:
            load_scenario(base, {**spec.overrides, **extra}, overlays=overlays)
        except ScenarioError as err:
            first = err.problems[0]
            if len(extra) == 1:  # the override's own label repeats what the caller says
                ((key, value),) = extra.items()
                first = first.removeprefix(f"override -p {key}={format_value(value)}: ")
            more = len(err.problems) - 1
            return first + (f" (and {more} more problem{'s' * (more > 1)})" if more else "")
        return None

    found = problem({})
    if found:
        yield ("scenario",), f"the scenario with the study's overrides is invalid: {found}"
        return
    if spec.compare is not None:
        for side, policy in spec.policies().items():
            found = problem(policy)
            if found:
                yield ("compare", side), f"policy {side} gives an invalid scenario: {found}"
    for key, (low, high) in spec.ranges.items():
        for end, raw in (("low", low), ("high", high)):
            value = spec.value(key, raw)
            found = problem({key: value})
            if found:
                yield ("ranges", key), f"{end} {value:g} gives an invalid scenario: {found}"
