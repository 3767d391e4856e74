"""How values, types and field paths are worded, in error messages and in the parameter reference.

Also the small walks that both need: over type annotations (``Annotated``, unions,
discriminated unions by ``kind``) and over data to a position (:func:`lookup`).
"""

from __future__ import annotations

import types
from collections.abc import Callable, Sequence
from typing import (
    Annotated,
    Any,
    Literal,
    TypeAlias,
    Union,
    get_args,
    get_origin,
)

import yaml
from pydantic import BaseModel

from sim.scenario.desk import WEEKDAYS

PathKey: TypeAlias = tuple[str | int, ...]
"""A position in the scenario data: mapping keys and list indices from the top."""

MISSING = object()
"""What :func:`lookup` returns for a position the data does not have."""


def lookup(data: Any, position: PathKey) -> Any:
    """The value at ``position`` in nested mappings and lists (:data:`MISSING` when absent)."""
    node = data
    for key in position:
        inside_list = isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)
        if inside_list or (isinstance(node, dict) and key in node):
            node = node[key]
        else:
            return MISSING
    return node


def parse_path(data: Any, path: str, base: PathKey = ()) -> PathKey:
    """A dotted path, relative to ``base``, as a position in ``data``: digits become indices
    where the data is a list, and several parts are one key where a mapping is keyed by dotted
    paths (a sweep's ``ranges``, a fit's ``parameters``): the longest such key wins."""
    parts = path.split(".")
    position = list(base)
    i = 0
    while i < len(parts):
        node = lookup(data, tuple(position))
        if isinstance(node, list) and parts[i].isdigit():
            position.append(int(parts[i]))
            i += 1
            continue
        keys = node if isinstance(node, dict) else {}
        j = next((j for j in range(len(parts), i, -1) if ".".join(parts[i:j]) in keys), i + 1)
        position.append(".".join(parts[i:j]))
        i = j
    return tuple(position)


def format_value(value: Any, limit: int = 60) -> str:
    """Render a value the way it would be written in YAML (flow style), shortened to ``limit``."""
    match value:
        case bool():
            text = "true" if value else "false"
        case None:
            text = "null"
        case int() | float():
            text = number_text(value)
        case str():
            text = repr(value)
        case dict() | list():
            text = yaml.safe_dump(
                value, default_flow_style=True, sort_keys=False, width=10**6, allow_unicode=True
            ).strip()
        case _:
            text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_type(
    annotation: Any, model_name: Callable[[type[BaseModel]], str] | None = None
) -> str:
    """A short human name for a field's type, e.g. ``list of number`` or ``mapping weekday → text``.

    Args:
        annotation: The type annotation (as pydantic stores it on a field).
        model_name: How to name a nested model (default: its ``kind`` if it has a single one,
            else its class name); the Markdown reference passes a function that makes links.
    """
    name = model_name or model_label
    tp = strip_annotated(annotation)
    members = union_members(tp)
    if members is not None:
        optional = len(members) < len(get_args(tp))
        if kind_models(members) is not None:
            text = "by kind: " + ", ".join(name(member) for member in members)
        else:
            text = " or ".join(describe_type(member, name) for member in members)
        return f"{text} or null" if optional else text
    origin, args = get_origin(tp), get_args(tp)
    if origin is Literal:
        return "one of " + ", ".join(map(str, args)) if len(args) > 1 else str(args[0])
    if origin is list:
        return f"list of {describe_type(args[0], name)}"
    if origin is tuple:
        return "[" + ", ".join(describe_type(arg, name) for arg in args) + "]"
    if origin is dict:
        key = strip_annotated(args[0])
        key_text = (
            "weekday"
            if set(get_args(key)) == set(WEEKDAYS)
            else "whole number"
            if key is int
            else "name"
        )
        return f"mapping {key_text} → {describe_type(args[1], name)}"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return name(tp)
    return _SCALAR_NAMES.get(tp, getattr(tp, "__name__", str(tp)))


def model_label(model: type[BaseModel]) -> str:
    """A model's ``kind`` when it is one branch of a discriminated union, else its class name."""
    kind = model.model_fields.get("kind")
    kinds = get_args(kind.annotation) if kind is not None else ()
    return str(kinds[0]) if len(kinds) == 1 else model.__name__


_SCALAR_NAMES: dict[Any, str] = {
    float: "number",
    int: "whole number",
    str: "text",
    bool: "true/false",
    type(None): "null",
}


def strip_annotated(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def union_members(tp: Any) -> list[Any] | None:
    """Members of a union other than ``None``; ``None`` if ``tp`` is not a union."""
    if get_origin(tp) not in (Union, types.UnionType):
        return None
    return [member for member in get_args(tp) if member is not type(None)]


def unwrap(tp: Any) -> Any:
    """Strip ``Annotated`` and ``Optional`` (pydantic puts no tag in error locations for them)."""
    tp = strip_annotated(tp)
    members = union_members(tp)
    return unwrap(members[0]) if members is not None and len(members) == 1 else tp


def kind_models(members: Sequence[Any]) -> dict[str, type[BaseModel]] | None:
    """``kind`` value → model for a discriminated union's members (None if not one)."""
    kinds: dict[str, type[BaseModel]] = {}
    for member in members:
        if not (isinstance(member, type) and issubclass(member, BaseModel)):
            return None
        kind = member.model_fields.get("kind")
        if kind is None:
            return None
        kinds.update(dict.fromkeys(get_args(kind.annotation), member))
    return kinds or None


def dotted(path: PathKey) -> str:
    return ".".join(str(key) for key in path) or "(top level)"


def number_text(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def or_list(items: Sequence[Any]) -> str:
    """``a, b or c``."""
    words = [str(item) for item in items]
    return " or ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)
