"""Pydantic validation errors explained: one line per problem, at the file, line and column that
set the value (through ``extends:`` chains and overrides), with the field's dotted path, the bad
value and what is allowed."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import (
    Any,
    get_args,
    get_origin,
)

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.scenario.overrides import Override
from sim.scenario.source import Layer
from sim.scenario.wording import (
    PathKey,
    describe_type,
    dotted,
    format_value,
    kind_models,
    lookup,
    number_text,
    or_list,
    parse_path,
    strip_annotated,
    union_members,
    unwrap,
)


@dataclass(frozen=True)
class Sources:
    """Where each value of the merged data came from."""

    layers: list[Layer]
    overrides: list[Override]

    def where(self, path: PathKey, *, value: bool = False) -> str:
        """``file:line:col`` of the entry at ``path`` (its value's position if ``value``), or the
        override that set or created it; for an absent entry, the position of its nearest parent."""
        for override in reversed(self.overrides):
            if path[: len(override.path)] == override.path:
                return override.label
        for length in range(len(path), 0, -1):
            prefix = path[:length]
            for layer in reversed(self.layers):
                if prefix in layer.marks:
                    key_at, value_at = layer.marks[prefix]
                    return value_at if value and length == len(path) else key_at
            for override in reversed(self.overrides):
                if override.path[:length] == prefix:
                    return override.label
        return self.layers[-1].marks[()][0]


@dataclass(frozen=True)
class _Branch:
    """A non-discriminated union (e.g. text or mapping) and the member an error came through."""

    path: PathKey
    member: Any
    members: tuple[Any, ...]
    field: FieldInfo | None

    def fits(self, data: dict[str, Any]) -> bool:
        """Whether the input has this member's shape (mapping, list, text, ...)."""
        value = lookup(data, self.path)
        origin = get_origin(self.member) or self.member
        if isinstance(origin, type) and issubclass(origin, BaseModel | dict):
            return isinstance(value, dict)
        return isinstance(origin, type) and isinstance(value, origin)


@dataclass(frozen=True)
class _Step:
    """A pydantic error location resolved against the model classes.

    Attributes:
        path: Position in the data (union tags and ``[key]`` markers removed).
        annotation: Type expected at ``path`` (``None`` where the models say nothing).
        container: Type of the mapping or list holding the last element of ``path``.
        field: The innermost model field on the path, for its description.
        key_error: The error is about a mapping key, not its value.
        branch: The non-discriminated union branch taken, if any.
    """

    path: PathKey
    annotation: Any
    container: Any
    field: FieldInfo | None
    key_error: bool
    branch: _Branch | None


def _resolve(loc: tuple[str | int, ...], root: type[BaseModel]) -> _Step:
    """Walk the model classes along a pydantic error location, from ``root``."""
    annotation: Any = root
    container: Any = None
    field: FieldInfo | None = None
    path: list[str | int] = []
    key_error = False
    branch = None
    for item in loc:
        annotation = unwrap(annotation)
        members = union_members(annotation)
        if members is not None:
            member = _member_for_tag(members, item)
            if kind_models(members) is None:
                branch = _Branch(tuple(path), member, tuple(members), field)
            annotation = member
        elif item == "[key]":
            key_error = True
        else:
            container = annotation
            annotation, field = _child(annotation, item, field)
            path.append(item)
    return _Step(tuple(path), unwrap(annotation), container, field, key_error, branch)


def explain(
    errors: list[Any], data: dict[str, Any], sources: Sources, root: type[BaseModel]
) -> list[str]:
    """One message per pydantic error.

    Errors from a text-or-mapping style union are kept only for the branch matching the input's
    shape; if no branch matches, they become a single "must be X or Y" message.
    """
    steps = [(error, _resolve(error["loc"], root)) for error in errors]
    fitting = {step.branch.path for _, step in steps if step.branch and step.branch.fits(data)}
    messages = []
    for error, step in steps:
        if step.branch is None or step.branch.fits(data):
            messages.append(_message(error, step, data, sources))
        elif step.branch.path not in fitting:
            messages.append(_branch_message(step.branch, data, sources))
    return messages


def _message(error: Any, step: _Step, data: dict[str, Any], sources: Sources) -> str:
    kind, path = error["type"], step.path
    if kind == "extra_forbidden" or step.key_error:
        return f"{sources.where(path)}: {dotted(path)}: {_unknown_key(path[-1], step)}"
    if kind == "missing":
        return (
            f"{sources.where(path)}: {dotted(path)}: required field is missing{_about(step.field)}"
        )
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return _kind_message(error, step, sources)
    if kind in ("value_error", "assertion_error"):
        return _validator_message(error, step, data, sources)
    return (
        f"{sources.where(path, value=True)}: {dotted(path)}: {format_value(error['input'])} is "
        f"not allowed: {_requirement(error, step)}{_about(step.field)}"
    )


def _unknown_key(key: str | int, step: _Step) -> str:
    if get_origin(step.container) is dict:
        key_annotation = get_args(step.container)[0]
        if strip_annotated(key_annotation) is int:
            bounds = {
                name: getattr(m, name)
                for info in get_args(key_annotation)[1:]
                for m in getattr(info, "metadata", [])
                for name in ("ge", "le")
                if hasattr(m, name)
            }
            span = f" from {bounds['ge']} to {bounds['le']}" if len(bounds) == 2 else ""
            return f"key {key!r} is not allowed: keys are whole numbers{span}"
    allowed = _allowed_keys(step.container, top_level=len(step.path) == 1)
    guesses = difflib.get_close_matches(str(key), allowed, n=3)
    hint = f" — did you mean {' or '.join(map(repr, guesses))}?" if guesses else ""
    return f"unknown key {key!r}{hint} (allowed: {', '.join(allowed)})"


def _allowed_keys(container: Any, top_level: bool = False) -> list[str]:
    if top_level:
        return [*container.model_fields, "extends"]
    if isinstance(container, type) and issubclass(container, BaseModel):
        names = list(container.model_fields)
        return sorted(names, key=lambda n: n != "kind")  # the selector first, then model order
    if get_origin(container) is dict:
        return [str(arg) for arg in get_args(strip_annotated(get_args(container)[0]))]
    return []


def _kind_message(error: Any, step: _Step, sources: Sources) -> str:
    kinds = list(kind_models(union_members(step.annotation) or []) or {})
    allowed = f"(allowed kinds: {', '.join(kinds)})"
    if error["type"] == "union_tag_not_found":
        return f"{sources.where(step.path)}: {dotted(step.path)}: missing 'kind' {allowed}"
    tag = error["ctx"]["tag"]
    guesses = difflib.get_close_matches(tag, kinds, n=1)
    hint = f" — did you mean {guesses[0]!r}?" if guesses else ""
    path = (*step.path, "kind")
    return (
        f"{sources.where(path, value=True)}: {dotted(path)}: unknown kind {tag!r}{hint} {allowed}"
    )


def _validator_message(error: Any, step: _Step, data: dict[str, Any], sources: Sources) -> str:
    """A model validator's message. When it starts with a field path relative to the model, the
    path is made absolute and used to find the line."""
    text = re.sub(r"^(Value error|Assertion failed), ", "", error["msg"])
    match = re.match(r"[A-Za-z_]\w*(\.\w+)*", text)
    if match and _has_key(step.annotation, lookup(data, step.path), match.group().split(".")[0]):
        path = parse_path(data, match.group(), step.path)
        return f"{sources.where(path)}: {dotted(path)}{text[match.end() :]}"
    prefix = f"{dotted(step.path)}: " if step.path else ""
    return f"{sources.where(step.path)}: {prefix}{text}"


def _branch_message(branch: _Branch, data: dict[str, Any], sources: Sources) -> str:
    allowed = " or ".join(describe_type(member) for member in branch.members)
    return (
        f"{sources.where(branch.path, value=True)}: {dotted(branch.path)}: "
        f"{format_value(lookup(data, branch.path))} is not allowed: must be {allowed}"
        f"{_about(branch.field)}"
    )


_BOUNDS = {
    "greater_than": ("gt", ">"),
    "greater_than_equal": ("ge", ">="),
    "less_than": ("lt", "<"),
    "less_than_equal": ("le", "<="),
}


_REQUIREMENTS = {
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "finite_number": "must be a finite number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list",
    "date_type": "must be a date like 2027-01-04",
    "date_parsing": "must be a date like 2027-01-04",
    "date_from_datetime_parsing": "must be a date like 2027-01-04",
    "date_from_datetime_inexact": "must be a date like 2027-01-04 (no time of day)",
}


def _requirement(error: Any, step: _Step) -> str:
    """What the field accepts, phrased for the error at hand."""
    kind, ctx = error["type"], error.get("ctx", {})
    if kind in _BOUNDS:
        name, symbol = _BOUNDS[kind]
        return f"must be {symbol} {number_text(ctx[name])}"
    if kind in _REQUIREMENTS:
        return _REQUIREMENTS[kind]
    if kind == "literal_error":
        options = get_args(step.annotation) or (ctx["expected"],)
        return "must be one of " + ", ".join(str(option) for option in options)
    if kind in ("too_short", "too_long"):
        bound = ctx["min_length"] if kind == "too_short" else ctx["max_length"]
        return f"must have at {'least' if kind == 'too_short' else 'most'} {bound} item(s)"
    if kind in ("string_too_short", "string_too_long"):
        if kind == "string_too_short" and ctx["min_length"] == 1:
            return "must not be empty"
        limit = ctx.get("min_length", ctx.get("max_length"))
        return (
            f"must have at {'least' if kind == 'string_too_short' else 'most'} {limit} characters"
        )
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _mapping_requirement(step.annotation)
    return re.sub(r"^Input should be", "must be", error["msg"])


def _mapping_requirement(annotation: Any) -> str:
    kinds = kind_models(union_members(annotation) or [])
    if kinds:
        return f"must be a mapping with kind {or_list(kinds)}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"must be a mapping with keys {', '.join(annotation.model_fields)}"
    return "must be a mapping"


def _about(field: FieldInfo | None) -> str:
    """`` (the field's description)``, to remind the reader what the field means."""
    if field is None or not field.description:
        return ""
    text = field.description.rstrip(".")
    if text[1:2].islower():
        text = text[0].lower() + text[1:]
    return f" ({text})"


def _member_for_tag(members: list[Any], tag: str | int) -> Any:
    """The union member pydantic names by ``tag`` in an error location (a ``kind`` value, a type
    name such as ``str`` or ``dict[...]``, or ``function-after[_check(), Model]`` for a model with
    a validator)."""
    kinds = kind_models(members)
    if kinds is not None:
        return kinds.get(str(tag))
    validated = re.fullmatch(r"function-\w+\[.*, (\w+)\]", str(tag))
    name = (validated.group(1) if validated else str(tag).split("[")[0]).lower()
    for member in members:
        if getattr(get_origin(member) or member, "__name__", "").lower() == name:
            return member
    return None


def _child(
    annotation: Any, item: str | int, field: FieldInfo | None
) -> tuple[Any, FieldInfo | None]:
    """Type of ``item`` inside ``annotation`` and the innermost model field so far."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        child = annotation.model_fields.get(str(item))
        return (child.annotation, child) if child is not None else (None, None)
    if get_origin(annotation) is dict:
        return get_args(annotation)[1], field
    if get_origin(annotation) is list:
        return get_args(annotation)[0], field
    return None, field


def _has_key(annotation: Any, value: Any, name: str) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return name in annotation.model_fields
    return isinstance(value, dict) and name in value
