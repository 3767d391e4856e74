"""A sweep point's identity: everything that determines its result, so that a resumed sweep never
mixes results of different settings.

A point's result is a pure function of its resolved scenario, the seed, the replications and the
engine version (the package version; it changes with any change that alters results). The
engine that ran it (papermill or direct), the workers and the back end do not enter: they give
identical results. A finished point's ``manifest.json`` records all four, so the identity of
points finished by any earlier version can be read back and compared.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.experiments.store import PACKAGE
from sim.scenario.wording import format_value

SHOWN = 3
"""Differences of the scenario parameters named in a message (the rest are counted)."""


@dataclass(frozen=True)
class Identity:
    """What a point's result depends on (the scenario by its hash: a sweep keeps one identity per
    point in memory, and a scenario is about 13 kB of JSON)."""

    parameters_hash: str
    """:func:`~sim.scenario.loading.scenario_hash` of the resolved scenario."""
    seed: int
    replications: int
    engine_version: str | None


def differences(
    before: Identity,
    now: Identity,
    parameters_before: dict[str, Any],
    parameters_now: dict[str, Any],
) -> list[str]:
    """What changed from ``before`` to ``now``, one phrase each; the scenario's changes are
    named by their dotted paths, from both resolved scenarios (JSON data)."""
    found = [
        f"{name} {format_value(then)} then, {format_value(after)} now"
        for name, then, after in (
            ("seed", before.seed, now.seed),
            ("replications", before.replications, now.replications),
            ("engine version", before.engine_version, now.engine_version),
        )
        if then != after
    ]
    if before.parameters_hash != now.parameters_hash:
        changed = _changed_paths(parameters_before, parameters_now)
        found += [
            f"{path} {format_value(then)} then, {format_value(after)} now"
            for path, then, after in changed[:SHOWN]
        ]
        if len(changed) > SHOWN:
            found.append(f"{len(changed) - SHOWN} more scenario parameters")
    return found


def finished_identity(folder: Path) -> tuple[Identity, dict[str, Any]] | None:
    """The identity recorded in a finished point folder's manifest, and the resolved scenario it
    ran (None: no readable manifest)."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        identity = Identity(
            manifest["parameters_hash"],
            manifest["seed"],
            manifest["replications"],
            manifest.get("versions", {}).get(PACKAGE),
        )
        return identity, manifest["parameters"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def changes_message(folder: Path, changed: dict[str, list[str]]) -> str:
    """Why the finished points ``changed`` (folder name → differences) cannot be kept, and what
    to do."""
    counts = Counter(d for differences in changed.values() for d in differences)
    listed = "; ".join(f"{d} ({n} of them)" for d, n in counts.most_common())
    return (
        f"{folder}: {len(changed)} finished points were run with other settings than the sweep "
        f"file gives now: {listed}. Resuming would mix results. Run with --rerun-changed to "
        "rerun exactly those points (the others are kept), or --force to start over"
    )


def _changed_paths(before: Any, after: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """Dotted paths whose values differ between two JSON documents, with both values."""
    if isinstance(before, dict) and isinstance(after, dict):
        found = []
        for key in sorted(set(before) | set(after)):
            found += _changed_paths(
                before.get(key), after.get(key), f"{path}.{key}" if path else str(key)
            )
        return found
    return [] if before == after else [(path or "scenario", before, after)]
