"""Dotted overrides (``calendar.horizon_days=28``): parsed, applied to the data, and remembered so
that a problem they cause is reported against the override."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import (
    Any,
)

from sim.scenario import bounded_yaml
from sim.scenario.wording import PathKey, format_value


@dataclass(frozen=True)
class Override:
    """An applied override: the position it set and how the user wrote it."""

    path: PathKey
    label: str


class _OverrideError(ValueError):
    """An override that cannot be applied to the data."""


def apply_overrides(
    data: dict[str, Any], overrides: Sequence[str] | Mapping[str, Any], problems: list[str]
) -> tuple[dict[str, Any], list[Override]]:
    """Set each override in turn (without mutating ``data``); report the ones that cannot apply."""
    applied = []
    for key, value, label in _parse_overrides(overrides, problems):
        try:
            data, path = _assign(data, key.split("."), value)
        except _OverrideError as exc:
            problems.append(f"{label}: {key}: {exc}")
            continue
        applied.append(Override(path, label))
    return data, applied


def _parse_overrides(
    overrides: Sequence[str] | Mapping[str, Any], problems: list[str]
) -> Iterator[tuple[str, Any, str]]:
    """Yield ``(dotted key, value, label)``; the value of a ``KEY=VALUE`` string is read as YAML."""
    if isinstance(overrides, Mapping):
        items = [
            (key, value, f"override -p {key}={format_value(value)}")
            for key, value in overrides.items()
        ]
    else:
        items = [
            _parse_cli_override(text, problems)
            for text in ([overrides] if isinstance(overrides, str) else overrides)
        ]
    yield from (item for item in items if item is not None)


def _parse_cli_override(text: str, problems: list[str]) -> tuple[str, Any, str] | None:
    label = f"override -p {text}"
    key, sep, raw = text.partition("=")
    if not sep:
        problems.append(f"{label}: expected KEY=VALUE, e.g. calendar.horizon_days=28")
        return None
    try:
        value = bounded_yaml.load(raw, label)
    except bounded_yaml.YAMLFileError as exc:
        problems.append(f"{label}: {key}: the value is not valid YAML ({exc.problem})")
        return None
    return key.strip(), value, label


def _assign(node: Any, keys: list[str], value: Any) -> tuple[Any, PathKey]:
    """A copy of ``node`` with ``value`` set at ``keys``, creating missing mappings on the way.

    Returns:
        The new node and the position set (list indices as ``int``).
    """
    if not keys:
        return value, ()
    head, rest = keys[0], keys[1:]
    if not head:
        raise _OverrideError("the dotted key has an empty part")
    if isinstance(node, list):
        if not head.isdigit() or int(head) >= len(node):
            raise _OverrideError(f"no item {head!r} in a list of {len(node)} item(s)")
        copy, index = list(node), int(head)
        copy[index], path = _assign(node[index], rest, value)
        return copy, (index, *path)
    if node is None:
        node = {}
    if not isinstance(node, dict):
        raise _OverrideError(
            f"cannot set {head!r} inside {format_value(node)}, which is not a mapping"
        )
    copy = dict(node)
    copy[head], path = _assign(node.get(head), rest, value)
    return copy, (head, *path)


def overlapping(a: str, b: str) -> bool:
    """Whether two dotted paths set the same value (one is the other or inside it)."""
    return a == b or a.startswith(f"{b}.") or b.startswith(f"{a}.")
