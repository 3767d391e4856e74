"""Scenario files: YAML in, a validated :class:`~sim.scenario.scenario.Scenario` out, or clear
errors.

A scenario file is a YAML mapping of the sections described in :mod:`sim.scenario.desk`. Two ways
to vary
a scenario without copying it:

* ``extends: baseline.yaml`` (or a list of files, applied in order; paths are relative to the
  extending file) starts from other files and overlays this one: mappings merge key by key, lists
  and scalars replace. A mapping whose ``kind`` changes replaces the old one instead of merging, so
  switching e.g. a roster from ``shifts`` to ``fixed`` does not drag the old keys along.
* dotted overrides, ``calendar.horizon_days=28`` (``python -m sim run -p KEY=VALUE``; the value is
  read as YAML, so ``=[1, 2]``, ``={kind: fixed, agents: 3}`` and ``=true`` work), applied last. An
  override may create keys that do not exist yet; validation then judges them.

Every problem is reported at once, one line each, in the form ``WHERE: PATH: PROBLEM``. ``WHERE`` is
``file:line:column`` of the offending key or value (tracked through ``extends:`` to the file that
set it) or ``override -p KEY=VALUE``; ``PATH`` is the field's dotted path (list items by index);
``PROBLEM`` shows the bad value and what is allowed, with a did-you-mean suggestion for misspelt
keys and kinds.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import (
    Any,
    TypeVar,
)

from pydantic import BaseModel, ValidationError

from sim.scenario.errors import ScenarioError
from sim.scenario.explain import Sources, explain
from sim.scenario.overrides import apply_overrides
from sim.scenario.scenario import Scenario
from sim.scenario.source import Layer, Reader, merge
from sim.scenario.wording import PathKey, dotted

M = TypeVar("M", bound=BaseModel)


def load_scenario(
    path: str | Path,
    overrides: Sequence[str] | Mapping[str, Any] = (),
    overlays: Sequence[str | Path] = (),
) -> Scenario:
    """Read a scenario file, resolve its ``extends:`` chain, apply overrides and validate.

    Args:
        path: The YAML scenario file.
        overrides: ``"dotted.key=value"`` strings (value parsed as YAML) or a mapping from dotted
            key to value, applied after the ``extends:`` overlays.
        overlays: further scenario files laid over ``path`` in order (each with its own
            ``extends:`` chain; a file already laid down is not laid again), before overrides.

    Returns:
        The validated, frozen scenario.

    Raises:
        ScenarioError: With every problem found (files, YAML syntax, overrides, validation).
    """
    return load_model(path, Scenario, overrides, overlays)


def load_model(
    path: str | Path,
    model: type[M],
    overrides: Sequence[str] | Mapping[str, Any] = (),
    overlays: Sequence[str | Path] = (),
    check: Callable[[M], Iterable[tuple[PathKey, str]]] | None = None,
) -> M:
    """Read any YAML file described by a strict pydantic ``model`` (a scenario, a sweep), with
    ``extends:`` overlays, further overlay files, dotted overrides and the same
    one-line-per-problem errors.

    ``check`` looks further at a valid model, for what the model alone cannot know (e.g. whether
    the ranges of a sensitivity study give valid scenarios); it yields ``(path, problem)`` pairs,
    each reported like a validation error, at the file, line and column of ``path``."""
    return model_loader(path, model, overlays, check)(overrides)


def model_loader(
    path: str | Path,
    model: type[M],
    overlays: Sequence[str | Path] = (),
    check: Callable[[M], Iterable[tuple[PathKey, str]]] | None = None,
) -> Callable[[Sequence[str] | Mapping[str, Any]], M]:
    """Read ``path`` and its overlays once; the function returned applies overrides to them and
    validates, exactly as :func:`load_model` (the same errors), in a few milliseconds: for the
    many variants of one file that a sweep runs."""
    entry = Path(path)
    reader = Reader(entry, model)
    layers: list[Layer] = []
    for file in (entry, *map(Path, overlays)):
        seen = {layer.path.resolve() for layer in layers}
        layers += [
            layer
            for layer in reader.layers(file, chain=(), cited_at=None)
            if layer.path.resolve() not in seen
        ]
    base = functools.reduce(merge, (layer.data for layer in layers), {})
    file_problems = list(reader.problems)

    def load(overrides: Sequence[str] | Mapping[str, Any] = ()) -> M:
        problems = list(file_problems)
        data, applied = apply_overrides(base, overrides, problems)
        sources = Sources(layers, applied)
        try:
            loaded = model.model_validate(data)
        except ValidationError as exc:
            found = explain(exc.errors(include_url=False), data, sources, model)
            raise ScenarioError([*problems, *found], entry) from None
        if problems:
            raise ScenarioError(problems, entry)
        if check is not None:
            found = [f"{sources.where(at)}: {dotted(at)}: {issue}" for at, issue in check(loaded)]
            if found:
                raise ScenarioError(found, entry)
        return loaded

    return load


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The fully resolved scenario as JSON-safe data (dates as ISO strings), e.g. for manifests."""
    return scenario.model_dump(mode="json")


def scenario_hash(scenario: Scenario) -> str:
    """A short fingerprint of the resolved scenario: 16 hex digits of the SHA-256 of its JSON."""
    canonical = json.dumps(scenario_to_dict(scenario), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
