"""Optimisation files: the scenario, the staffing and recovery choices to search, and how sure the
selection must be (read by ``python -m sim optimise``; clear errors as for scenarios)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, model_validator

from sim.experiments.optimise import Candidate, candidates
from sim.scenario.base import Model, Name
from sim.scenario.loading import load_model, load_scenario


class DayPartChoice(Model):
    """Hours of every day and the roster scales to try in them."""

    from_h: float = Field(ge=0.0, lt=24.0, description="Start, hours after midnight.")
    to_h: float = Field(gt=0.0, le=24.0, description="End, hours after midnight (exclusive).")
    scales: list[Annotated[float, Field(ge=0.0, le=10.0)]] = Field(
        min_length=1, description="Scales of the group's roster to try in these hours."
    )


class SelectionSettings(Model):
    """The KN procedure's indifference zone and confidence (Kim & Nelson 2001)."""

    delta: float = Field(
        gt=0.0,
        description="Indifference zone in money: a candidate within this much net value of the "
        "best counts as best.",
    )
    alpha: float = Field(
        0.05, gt=0.0, lt=0.5, description="1 − confidence of the selection (0.05: 95%)."
    )
    n0: int = Field(10, ge=2, le=1000, description="First-stage replications of every candidate.")
    max_replications: int = Field(
        60, ge=2, le=10_000, description="Most replications of any candidate (the budget)."
    )

    @model_validator(mode="after")
    def _budget_covers_first_stage(self) -> SelectionSettings:
        if self.max_replications < self.n0:
            raise ValueError(
                f"max_replications {self.max_replications} is below n0 {self.n0}: the first "
                "stage alone needs n0"
            )
        return self


class OptimiseSpec(Model):
    """A retention-aware staffing search."""

    name: Name = Field(description="Output folder name under outputs/optimise/.")
    description: str = Field("", description="What the search is for.")
    scenario: str = Field(description="Base scenario file, relative to this file.")
    overrides: dict[str, Any] = Field(
        default_factory=dict, description="Dotted overrides applied to every candidate."
    )
    group: Name = Field("tier1", description="The agent group whose roster is scaled.")
    day_parts: list[DayPartChoice] = Field(
        min_length=1, max_length=6, description="Hours of the day and the scales to try."
    )
    recovery: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Recovery policies to try (each as the scenario's recovery: section); "
        "empty: the scenario's own. The first is the service-level choice's.",
    )
    selection: SelectionSettings = Field(description="How sure the selection must be.")
    seed: int = Field(
        1, ge=0, description="Seed shared by every candidate (common random numbers)."
    )

    @model_validator(mode="after")
    def _small_enough(self) -> OptimiseSpec:
        count = max(len(self.recovery), 1)
        for part in self.day_parts:
            count *= len(part.scales)
        if count < 2 or count > 500:
            raise ValueError(
                f"{count} candidates: the search needs 2 to 500 (the day parts' scales times the "
                "recovery policies)"
            )
        return self


def load_optimise(
    path: str | Path, overrides: Sequence[str] | Mapping[str, Any] = ()
) -> OptimiseSpec:
    """Read and validate an optimisation file, with dotted overrides of its settings (e.g.
    ``selection.n0=5``)."""
    return load_model(path, OptimiseSpec, overrides)


def spec_candidates(spec: OptimiseSpec, path: Path) -> list[Candidate]:
    """The candidates of an optimisation file (its scenario relative to it)."""
    scenario = load_scenario(path.parent / spec.scenario, spec.overrides)
    hours = [(p.from_h, p.to_h) for p in spec.day_parts]
    return candidates(
        scenario, spec.group, hours, [p.scales for p in spec.day_parts], spec.recovery
    )
