"""Sweep files: which scenario variants to run, described in YAML (``params/sweeps/*.yaml``).

A sweep names a base scenario and the points to run: a full grid over dotted parameter paths, an
explicit list of points, or a Latin hypercube over numeric ranges. Every point is the base
scenario with the point's values as dotted overrides (a value may be a whole mapping, e.g.
``recovery: {kind: fast_track}``), run with the sweep's replications and seed.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from sim.scenario.base import Model, Name
from sim.scenario.errors import ScenarioError
from sim.scenario.loading import load_model, load_scenario
from sim.scenario.scenario import Scenario


class LatinHypercube(Model):
    """A space-filling sample of numeric parameters (scipy's Latin hypercube, seeded)."""

    samples: int = Field(ge=1, le=100_000, description="Number of points.")
    ranges: dict[str, tuple[float, float]] = Field(
        min_length=1, description="Dotted parameter path → [low, high]."
    )
    integers: list[str] = Field(
        default_factory=list, description="Paths whose values are rounded to whole numbers."
    )

    @model_validator(mode="after")
    def _ranges(self) -> LatinHypercube:
        for key, (low, high) in self.ranges.items():
            if not low < high:
                raise ValueError(f"ranges.{key}: low ({low:g}) must be below high ({high:g})")
        for key in self.integers:
            if key not in self.ranges:
                raise ValueError(f"integers: {key!r} is not one of the ranges")
        return self


class Sweep(Model):
    """A batch of scenario variants to run and summarise."""

    name: Name = Field(description="Output folder name under outputs/sweeps/.")
    description: str = Field("", description="What the sweep explores.")
    scenario: str = Field(description="Base scenario file, relative to this sweep file.")
    overlays: list[str] = Field(
        default_factory=list,
        description="Scenario files laid over the base for every point (relative paths).",
    )
    overrides: dict[str, Any] = Field(
        default_factory=dict, description="Dotted overrides applied to every point."
    )
    grid: dict[str, Annotated[list[Any], Field(min_length=1)]] | None = Field(
        None, description="Dotted parameter path → values; every combination is a point."
    )
    points: list[dict[str, Any]] | None = Field(
        None, description="Explicit points: each a mapping of dotted path → value."
    )
    latin_hypercube: LatinHypercube | None = Field(
        None, description="A Latin hypercube sample over numeric ranges."
    )
    replications: int = Field(5, ge=1, le=10_000, description="Replications per point.")
    seed: int = Field(1, ge=0, description="Seed shared by every point (common random numbers).")
    notebook: str = Field(
        "../../notebooks/00_scenario.ipynb",
        description="Notebook template the papermill engine executes per point (relative path).",
    )
    engine: Literal["papermill", "direct"] = Field(
        "papermill", description="Default engine: papermill (notebooks) or direct (Python API)."
    )

    @model_validator(mode="after")
    def _one_design(self) -> Sweep:
        given = [n for n in ("grid", "points", "latin_hypercube") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of grid, points, latin_hypercube "
                f"(got {', '.join(given) or 'none'})"
            )
        return self


@dataclass(frozen=True)
class Point:
    """One scenario variant of a sweep."""

    index: int
    params: dict[str, Any]
    """Dotted path → value, on top of the sweep's common overrides."""

    @property
    def id(self) -> str:
        """A stable name from the point's values (the same values always give the same id)."""
        text = json.dumps(self.params, sort_keys=True, default=str)
        return "p" + hashlib.sha256(text.encode()).hexdigest()[:10]


def load_sweep(path: str | Path) -> Sweep:
    """Read and validate a sweep file (clear errors as for scenarios)."""
    return load_model(path, Sweep)


def expand(sweep: Sweep) -> list[Point]:
    """The sweep's points, in a fixed order."""
    if sweep.grid is not None:
        keys = list(sweep.grid)
        combos = itertools.product(*(sweep.grid[k] for k in keys))
        rows = [dict(zip(keys, combo, strict=True)) for combo in combos]
    elif sweep.points is not None:
        rows = [dict(p) for p in sweep.points]
    else:
        rows = _latin_hypercube(sweep.latin_hypercube, sweep.seed)
    return [Point(i, row) for i, row in enumerate(rows)]


def _latin_hypercube(design: LatinHypercube | None, seed: int) -> list[dict[str, Any]]:
    from scipy.stats import qmc

    assert design is not None
    keys = list(design.ranges)
    unit = qmc.LatinHypercube(d=len(keys), seed=seed).random(design.samples)
    low = [design.ranges[k][0] for k in keys]
    high = [design.ranges[k][1] for k in keys]
    values = qmc.scale(unit, low, high)
    return [
        {
            k: round(float(v)) if k in design.integers else float(v)
            for k, v in zip(keys, row, strict=True)
        }
        for row in values
    ]


def point_scenario(sweep: Sweep, sweep_path: Path, point: Point) -> Scenario:
    """The validated scenario of a point (raises :class:`ScenarioError` naming the point)."""
    base = sweep_path.parent / sweep.scenario
    try:
        return load_scenario(
            base,
            {**sweep.overrides, **point.params},
            overlays=[sweep_path.parent / o for o in sweep.overlays],
        )
    except ScenarioError as err:
        raise ScenarioError(
            [f"point {point.index} ({point.id}) {point.params}: {p}" for p in err.problems],
            sweep_path,
        ) from None


def resolved(sweep: Sweep, points: list[Point]) -> dict[str, Any]:
    """The sweep as run: its settings and every point (written to ``sweep.yaml``)."""
    return {
        **sweep.model_dump(mode="json", exclude_none=True),
        "expanded_points": [{"index": p.index, "id": p.id, "params": p.params} for p in points],
    }
