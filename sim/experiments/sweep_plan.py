"""What a sweep will run, checked before anything runs or is written.

Three checks, cheapest first:

1. **Size.** The number of points is counted from the sweep file without building them (a grid's
   is the product of its value counts), and the run's output, contacts and CPU time are
   estimated from the base scenario. Past :data:`MAX_POINTS` points or :data:`MAX_DISK_GB` of
   output the sweep is refused unless ``--yes``, so a typo in a grid cannot fill the memory or
   the disk.
2. **The base.** The base scenario with its overlays and the common overrides must be valid: a
   missing file, a misspelt path or a bad override is an error in the sweep file, named there.
3. **Every point.** Each point's scenario is validated, quickly (the files are read once, and
   each point costs about 1.5 ms: two and a half minutes of CPU for 100,000 Latin-hypercube
   samples, with a progress bar). Invalid points are an error of the sweep file: nothing runs,
   and the error gives each distinct problem once, with the points it affects.

What it keeps per point is small (its identity's hash); the scenarios themselves are rebuilt
one at a time as workers take the points.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from sim.experiments.point_identity import Identity
from sim.experiments.store import PACKAGE, versions
from sim.experiments.sweep_spec import Point, Sweep, expand
from sim.scenario.errors import InputError, ScenarioError
from sim.scenario.loading import model_loader, scenario_hash
from sim.scenario.scenario import WEEKDAYS, Scenario
from sim.scenario.wording import format_value

MAX_POINTS = 10_000
"""Points a sweep may have without ``--yes``."""
MAX_DISK_GB = 20.0
"""Estimated output a sweep may write without ``--yes``."""
SHOWN_INVALID = 5
"""Distinct problems of invalid points quoted in the error (the rest are counted)."""

# Output per point, measured on the baseline desk (direct engine, no contact files): a fixed part
# (manifest, KPI and scorecard tables) and a part per replication and simulated day (the
# interval, daily, customer and complaint tables). The executed notebook (about 19 kB, 360 kB
# with its charts drawn) and a slide deck add their own.
_FIXED_BYTES = 60_000
_BYTES_PER_REPLICATION_DAY = 1_500
_NOTEBOOK_BYTES = 25_000
_CHARTS_BYTES = 400_000
_DECK_BYTES = 5_000_000
_CPU_S_PER_CONTACT = 25e-6
"""A baseline year: 618,000 contacts in 13–15 s per replication on a 2-core machine at idle."""


class SweepError(InputError):
    """A sweep cannot start (bad file, existing folder, ...): the message says why."""


@dataclass(frozen=True)
class Size:
    """How big a sweep is, estimated at its base scenario's horizon and volume."""

    points: int
    replications: int
    contacts: float
    disk_bytes: float

    @property
    def cpu_hours(self) -> float:
        return self.contacts * _CPU_S_PER_CONTACT / 3600.0

    def describe(self) -> str:
        return (
            f"{self.points:,} points × {self.replications} replications: about "
            f"{_amount(self.contacts)} contacts, {self.cpu_hours:,.1f} CPU-hours and "
            f"{self.disk_bytes / 1e9:,.1f} GB of output"
        )


@dataclass
class SweepPlan:
    """A sweep's points, all valid, and how to build each one's scenario."""

    points: list[Point]
    identities: dict[str, Identity]
    """Point id → its identity."""
    size: Size
    scenario_of: Callable[[Point], Scenario]


def plan_sweep(
    sweep: Sweep, sweep_path: Path, engine: str, yes: bool = False, progress: bool = True
) -> SweepPlan:
    """Check the sweep's size, base and points (see the module's description).

    Raises:
        SweepError: too big without ``yes``, an invalid base, or invalid points (each named with
            the field and value, at most :data:`SHOWN_INVALID` of them in full).
    """
    try:
        load = _loader(sweep, sweep_path)
        base = load(sweep.overrides)
    except ScenarioError as err:
        raise SweepError(
            "\n".join(
                f"{sweep_path}: scenario (with the sweep's overlays and overrides): {problem}"
                for problem in err.problems
            )
        ) from None
    size = estimate_size(sweep, base, engine)
    if not yes and (size.points > MAX_POINTS or size.disk_bytes > MAX_DISK_GB * 1e9):
        raise SweepError(
            f"{sweep_path}: this sweep is large ({size.describe()}); without --yes a sweep may "
            f"have {MAX_POINTS:,} points and {MAX_DISK_GB:g} GB of output. Shrink the design, "
            "or run again with --yes"
        )
    points = expand(sweep)
    identities, version = {}, engine_version()
    invalid: dict[str, list[Point]] = {}
    shown = progress and len(points) >= 1000
    for point in tqdm(points, desc="checking points", unit="point", disable=not shown):
        try:
            scenario = load({**sweep.overrides, **point.params})
        except ScenarioError as err:
            for problem in err.problems:
                invalid.setdefault(_without_label(problem, point.params), []).append(point)
            continue
        identities[point.id] = Identity(
            scenario_hash(scenario), sweep.seed, sweep.replications, version
        )
    if invalid:
        raise SweepError(_invalid_message(sweep_path, invalid, len(points)))
    return SweepPlan(
        points, identities, size, lambda point: load({**sweep.overrides, **point.params})
    )


def _invalid_message(sweep_path: Path, invalid: dict[str, list[Point]], total: int) -> str:
    """One line per distinct problem, naming the points it affects; nothing was run."""
    lines = []
    for problem, points in list(invalid.items())[:SHOWN_INVALID]:
        names = ", ".join(p.slug for p in points[:3]) + (", ..." if len(points) > 3 else "")
        lines.append(f"{sweep_path}: {len(points)} of {total} points ({names}): {problem}")
    if len(invalid) > SHOWN_INVALID:
        lines.append(f"{sweep_path}: {len(invalid) - SHOWN_INVALID} more problems not shown")
    return "\n".join(lines)


def engine_version() -> str | None:
    """The installed package's version (what a point's identity records)."""
    return versions().get(PACKAGE)


def count_points(sweep: Sweep) -> int:
    """The number of points, without building them."""
    if sweep.grid is not None:
        return math.prod(len(values) for values in sweep.grid.values())
    if sweep.points is not None:
        return len(sweep.points)
    assert sweep.latin_hypercube is not None
    return sweep.latin_hypercube.samples


def estimate_size(sweep: Sweep, base: Scenario, engine: str) -> Size:
    """The sweep's size at its base scenario's horizon and daily volume."""
    points = count_points(sweep)
    replication_days = sweep.replications * base.simulated_days
    daily = sum(
        ctype.daily_volume.of(day)
        for ctype in base.demand.contact_types.values()
        for day in WEEKDAYS
    ) / len(WEEKDAYS)
    per_point = _FIXED_BYTES + _BYTES_PER_REPLICATION_DAY * replication_days
    if engine == "papermill":
        per_point += _NOTEBOOK_BYTES
        per_point += (_CHARTS_BYTES if sweep.charts else 0) + (_DECK_BYTES if sweep.decks else 0)
    return Size(points, sweep.replications, points * replication_days * daily, points * per_point)


def _loader(sweep: Sweep, sweep_path: Path) -> Callable[[dict[str, Any]], Scenario]:
    """Reads the base scenario and overlays once; validates a point's overrides on them."""
    return model_loader(
        sweep_path.parent / sweep.scenario,
        Scenario,
        overlays=[sweep_path.parent / o for o in sweep.overlays],
    )


def _without_label(problem: str, params: dict[str, Any]) -> str:
    """A point's problem without the ``override -p KEY=VALUE:`` it starts with, so that a path's
    problem (an unknown key) is reported once for all the values of that path."""
    for key, value in params.items():
        label = f"override -p {key}={format_value(value)}: "
        if problem.startswith(label):
            return problem.removeprefix(label)
    return problem


def _amount(n: float) -> str:
    for size, name in ((1e9, "billion"), (1e6, "million"), (1e3, "thousand")):
        if n >= size:
            return f"{n / size:,.1f} {name}"
    return f"{n:,.0f}"
