"""Sweep files: which scenario variants to run, described in YAML (``params/sweeps/*.yaml``).

A sweep names a base scenario and the points to run: a full grid over dotted parameter paths, an
explicit list of points, or a Latin hypercube over numeric ranges. Every point is the base
scenario with the point's values as dotted overrides (a value may be a whole mapping, e.g.
``recovery: {kind: fast_track}``), run with the sweep's replications and seed.

A point has two names. Its **id** is a hash of its values (``p14d1cf89ca``): what tables join on
and what a sensitivity study keys its samples by. Its **slug** names its folder for a person, from
its values (``headcount_scale-0.85__recovery-fast_track``, see :func:`point_slugs`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from sim.scenario.base import Model, Name
from sim.scenario.errors import ScenarioError
from sim.scenario.loading import load_model, load_scenario
from sim.scenario.scenario import Scenario

SWEEPS = Path(__file__).resolve().parents[2] / "params" / "sweeps"
"""The shipped sweep files (in a checkout of the repository)."""


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
    decks: bool = Field(
        False,
        description="Papermill engine: keep each point's slide deck and chart files (the "
        "notebook's make_deck parameter). Off by default: the deck is most of a point's time.",
    )
    charts: bool = Field(
        False,
        description="Papermill engine: draw the charts in each point's executed notebook (the "
        "notebook's make_charts parameter). Off by default: drawing them is most of what the "
        "notebook adds to a point's time; the point's tables and summary are the same either way.",
    )

    @model_validator(mode="after")
    def _one_design(self) -> Sweep:
        given = [n for n in ("grid", "points", "latin_hypercube") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of grid, points, latin_hypercube "
                f"(got {', '.join(given) or 'none'})"
            )
        if self.grid == {} or self.points == []:
            design = "grid" if self.grid == {} else "points"
            raise ValueError(f"{design} is empty: it would run the base scenario alone")
        for key, values in (self.grid or {}).items():
            _refuse_repeats(f"grid.{key}", values)
        _refuse_repeats("points", self.points or [])
        return self


def _refuse_repeats(field: str, values: list[Any]) -> None:
    """A value given twice would run the same point twice (and share its folder)."""
    seen: set[str] = set()
    for value in values:
        text = json.dumps(value, sort_keys=True, default=str)
        if text in seen:
            raise ValueError(f"{field}: {text} is given twice; give each value once")
        seen.add(text)


@dataclass(frozen=True)
class Point:
    """One scenario variant of a sweep."""

    index: int
    params: dict[str, Any]
    """Dotted path → value, on top of the sweep's common overrides."""
    slug: str
    """Its folder's name under ``runs/``, from its values (:func:`point_slugs`)."""

    @property
    def id(self) -> str:
        """A stable hash of the point's values (the same values always give the same id)."""
        return point_id(self.params)


def point_id(params: dict[str, Any]) -> str:
    """``p`` and ten hex digits of a hash of a point's values."""
    text = json.dumps(params, sort_keys=True, default=str)
    return "p" + hashlib.sha256(text.encode()).hexdigest()[:10]


SLUG_LENGTH = 80
"""Longest readable part of a slug; a longer one is cut and given the hash suffix."""
_TEXT_LENGTH = 24
_FLOAT_LENGTH = 8
_UNSAFE = re.compile(r"[^a-z0-9_.+]+")


def point_slugs(rows: list[dict[str, Any]], length: int = SLUG_LENGTH) -> list[str]:
    """Folder names for a sweep's points, readable from their values.

    Each value is written after its parameter's shortest dotted suffix that no other parameter
    of the sweep ends with (``headcount_scale-0.85``), the pairs joined by ``__``; a policy
    mapping ``{kind: fast_track}`` is written as its kind, and a point without values is
    ``base``. A name that had to lose something — a long or nested value, a float with many
    digits, upper case or characters unsafe in a file name, a name past ``length`` characters —
    ends with ``__`` and the point's id, so it stays unique; so does one that two distinct
    points would share (say the text ``fast_track`` and the mapping ``{kind: fast_track}``).
    Names depend only on the values and the sweep's parameter names, never on the order of the
    points, so a resumed sweep finds its folders again.
    """
    short = short_names(sorted({key for row in rows for key in row}))
    slugs = [_slug(row, short, length) for row in rows]
    owners: dict[str, set[str]] = {}
    for row, slug in zip(rows, slugs, strict=True):
        owners.setdefault(slug, set()).add(point_id(row))
    return [
        slug if len(owners[slug]) == 1 else f"{slug}__{point_id(row)}"
        for row, slug in zip(rows, slugs, strict=True)
    ]


def short_names(keys: list[str]) -> dict[str, str]:
    """Each dotted path's shortest suffix (whole parts) that no other path equals or ends with:
    ``staffing.tier1.headcount_scale`` → ``headcount_scale``, or ``tier1.headcount_scale`` beside
    ``staffing.tier2.headcount_scale``."""

    def taken(suffix: str, key: str) -> bool:
        return any(o != key and (o == suffix or o.endswith("." + suffix)) for o in keys)

    out = {}
    for key in keys:
        parts = key.split(".")
        suffixes = (".".join(parts[-n:]) for n in range(1, len(parts) + 1))
        out[key] = next((s for s in suffixes if not taken(s, key)), key)
    return out


def _slug(params: dict[str, Any], short: dict[str, str], length: int) -> str:
    if not params:
        return "base"
    pairs, exact = [], True
    for key, value in params.items():
        name, name_exact = _text(short[key], 2 * _TEXT_LENGTH)
        text, value_exact = _value_text(value)
        pairs.append(f"{name}-{text}")
        exact = exact and name_exact and value_exact
    readable = "__".join(pairs)
    if len(readable) > length:
        readable, exact = readable[:length].rstrip("_.+-"), False
    return readable if exact else f"{readable}__{point_id(params)}"


def _value_text(value: Any) -> tuple[str, bool]:
    """A value as slug text, and whether nothing was lost."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value), True
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, float):
        text = repr(value).lower()
        return (text, True) if len(text) <= _FLOAT_LENGTH else (f"{value:.4g}".lower(), False)
    if isinstance(value, str):
        return _text(value, _TEXT_LENGTH)
    if isinstance(value, dict) and set(value) == {"kind"} and isinstance(value["kind"], str):
        return _text(value["kind"], _TEXT_LENGTH)
    if isinstance(value, dict) and isinstance(value.get("kind"), str):
        return _text(value["kind"], _TEXT_LENGTH)[0], False
    return _text(json.dumps(value, sort_keys=True, default=str), _TEXT_LENGTH)[0], False


def _text(text: str, limit: int) -> tuple[str, bool]:
    """Text made safe for a file name (lower case; runs of other characters as ``_``), cut to
    ``limit``, and whether it came through unchanged."""
    safe = _UNSAFE.sub("_", text.lower()).strip("_.+")[:limit].rstrip("_.+") or "x"
    return safe, safe == text and "__" not in text


def value_text(value: object) -> str:
    """A parameter value as short text for tables and charts: a policy ``{"kind": "fast_track"}``
    as its kind (with any other settings after it), a float as ``%g``; values stored as JSON
    text (the ``param.*`` columns of a sweep's tables) are read first."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return value
    if isinstance(value, dict) and "kind" in value:
        rest = {k: v for k, v in value.items() if k != "kind"}
        return str(value["kind"]) + (f" {rest}" if rest else "")
    return f"{value:g}" if isinstance(value, float) else str(value)


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
    return [
        Point(i, row, slug)
        for i, (row, slug) in enumerate(zip(rows, point_slugs(rows), strict=True))
    ]


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
            [f"point {point.index} ({point.slug}) {point.params}: {p}" for p in err.problems],
            sweep_path,
        ) from None


def resolved(sweep: Sweep, points: list[Point]) -> dict[str, Any]:
    """The sweep as run: its settings and every point (written to ``sweep.yaml``)."""
    return {
        **sweep.model_dump(mode="json", exclude_none=True),
        "expanded_points": [
            {"index": p.index, "id": p.id, "folder": f"runs/{p.slug}", "params": p.params}
            for p in points
        ],
    }
