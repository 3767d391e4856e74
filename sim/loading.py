"""Scenario files: YAML in, a validated :class:`~sim.config.Scenario` out, or clear errors.

A scenario file is a YAML mapping of the sections described in :mod:`sim.config`. Two ways to vary
a scenario without copying it:

* ``extends: baseline.yaml`` (or a list of files, applied in order; paths are relative to the
  extending file) starts from other files and overlays this one: mappings merge key by key, lists
  and scalars replace. A mapping whose ``kind`` changes replaces the old one instead of merging, so
  switching e.g. a roster from ``shifts`` to ``fixed`` does not drag the old keys along.
* dotted overrides, ``staffing.tier1.agents=42`` (``python -m sim run -p KEY=VALUE``; the value is
  read as YAML, so ``=[1, 2]``, ``={kind: fixed, agents: 3}`` and ``=true`` work), applied last. An
  override may create keys that do not exist yet; validation then judges them.

Every problem is reported at once, one line each, in the form ``WHERE: PATH: PROBLEM``. ``WHERE`` is
``file:line:column`` of the offending key or value (tracked through ``extends:`` to the file that
set it) or ``override -p KEY=VALUE``; ``PATH`` is the field's dotted path (list items by index);
``PROBLEM`` shows the bad value and what is allowed, with a did-you-mean suggestion for misspelt
keys and kinds.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import itertools
import json
import re
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import (
    Annotated,
    Any,
    Literal,
    NoReturn,
    TypeAlias,
    TypeVar,
    Union,
    get_args,
    get_origin,
)

import yaml
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from sim.config import WEEKDAYS, Scenario

PathKey: TypeAlias = tuple[str | int, ...]
"""A position in the scenario data: mapping keys and list indices from the top."""

_MISSING = object()


M = TypeVar("M", bound=BaseModel)


class ScenarioError(Exception):
    """A scenario that cannot be loaded.

    Attributes:
        problems: One self-contained line per problem (where, which field, what is wrong).
        file: The scenario file that was being loaded.
    """

    def __init__(self, problems: Sequence[str], file: str | Path) -> None:
        self.problems = list(dict.fromkeys(problems))
        self.file = Path(file)
        super().__init__("\n".join(self.problems))


# --- public API ----------------------------------------------------------------------------------


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
) -> M:
    """Read any YAML file described by a strict pydantic ``model`` (a scenario, a sweep), with
    ``extends:`` overlays, further overlay files, dotted overrides and the same
    one-line-per-problem errors."""
    entry = Path(path)
    reader = _Reader(entry, model)
    layers: list[_Layer] = []
    for file in (entry, *map(Path, overlays)):
        seen = {layer.path.resolve() for layer in layers}
        layers += [
            layer
            for layer in reader.layers(file, chain=(), cited_at=None)
            if layer.path.resolve() not in seen
        ]
    data = functools.reduce(_merge, (layer.data for layer in layers), {})
    data, applied = _apply_overrides(data, overrides, reader.problems)
    sources = _Sources(layers, applied)
    try:
        loaded = model.model_validate(data)
    except ValidationError as exc:
        problems = _explain(exc.errors(include_url=False), data, sources, model)
        raise ScenarioError([*reader.problems, *problems], entry) from None
    if reader.problems:
        raise ScenarioError(reader.problems, entry)
    return loaded


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The fully resolved scenario as JSON-safe data (dates as ISO strings), e.g. for manifests."""
    return scenario.model_dump(mode="json")


def scenario_hash(scenario: Scenario) -> str:
    """A short fingerprint of the resolved scenario: 16 hex digits of the SHA-256 of its JSON."""
    canonical = json.dumps(scenario_to_dict(scenario), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def format_value(value: Any, limit: int = 60) -> str:
    """Render a value the way it would be written in YAML (flow style), shortened to ``limit``."""
    match value:
        case bool():
            text = "true" if value else "false"
        case None:
            text = "null"
        case int() | float():
            text = _number(value)
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
    tp = _strip_annotated(annotation)
    members = _union_members(tp)
    if members is not None:
        optional = len(members) < len(get_args(tp))
        if _kinds(members) is not None:
            text = "by kind: " + ", ".join(name(member) for member in members)
        else:
            text = " or ".join(describe_type(member, name) for member in members)
        return f"{text} or null" if optional else text
    origin, args = get_origin(tp), get_args(tp)
    if origin is Literal:
        return "one of " + ", ".join(map(str, args)) if len(args) > 1 else str(args[0])
    if origin is list:
        return f"list of {describe_type(args[0], name)}"
    if origin is dict:
        key = _strip_annotated(args[0])
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


# --- reading files -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layer:
    """One YAML file's data and where each of its entries is written.

    ``marks`` maps a position to the ``file:line:column`` of its key and of its value.
    """

    path: Path
    data: dict[str, Any]
    marks: dict[PathKey, tuple[str, str]]


class _Reader:
    """Reads a scenario file after the files it extends, collecting non-fatal problems."""

    def __init__(self, entry: Path, root: type[BaseModel]) -> None:
        self.entry = entry
        self.root = root
        self.problems: list[str] = []

    def fail(self, problem: str) -> NoReturn:
        """Stop loading: nothing more can be checked without this file."""
        raise ScenarioError([*self.problems, problem], self.entry)

    def layers(self, path: Path, chain: tuple[Path, ...], cited_at: str | None) -> list[_Layer]:
        """The layers of ``path``, bases first, ending with the file itself.

        Args:
            path: The file to read.
            chain: Resolved files extending this one, outermost first (for cycle detection).
            cited_at: ``file:line:col`` of the ``extends:`` entry naming this file, if any.
        """
        resolved = path.resolve()
        if resolved in chain:
            cycle = " → ".join(_display(p) for p in (*chain[chain.index(resolved) :], resolved))
            self.fail(f"{cited_at}: extends: cycle {cycle}")
        layer = self._read(path, cited_at)
        bases = [self.layers(base, (*chain, resolved), at) for base, at in self._bases(layer)]
        return [*itertools.chain.from_iterable(bases), layer]

    def _read(self, path: Path, cited_at: str | None) -> _Layer:
        shown = _display(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.fail(
                f"{cited_at}: extends: {shown} not found" if cited_at else f"{shown}: not found"
            )
        except (OSError, UnicodeDecodeError) as exc:
            self.fail(f"{shown}: cannot read the file ({exc})")
        data, marks = self._parse(text, shown)
        if not isinstance(data, dict):
            sections = ", ".join(self.root.model_fields)
            got = "an empty file" if data is None else format_value(data)
            self.fail(
                f"{shown}:1:1: expected a mapping of {self.root.__name__.lower()} sections "
                f"({sections}), got {got}"
            )
        return _Layer(path, data, marks)

    def _parse(self, text: str, shown: str) -> tuple[Any, dict[PathKey, tuple[str, str]]]:
        """YAML text → data, plus the position of every key and value."""
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            marks: dict[PathKey, tuple[str, str]] = {(): (f"{shown}:1:1", f"{shown}:1:1")}
            if node is not None:
                self._index(loader, node, (), shown, marks)
            return loader.construct_document(node) if node is not None else None, marks
        except yaml.MarkedYAMLError as exc:
            self.fail(_yaml_problem(exc, shown))
        finally:
            loader.dispose()

    def _index(
        self,
        loader: yaml.SafeLoader,
        node: yaml.Node,
        path: PathKey,
        shown: str,
        marks: dict[PathKey, tuple[str, str]],
    ) -> None:
        """Record the position of every entry under ``node``, checking keys and scalar values as
        YAML constructs them (an impossible date such as 2027-02-30 is reported here)."""
        if isinstance(node, yaml.MappingNode):
            self._check_keys(loader, node, path, shown)
            loader.flatten_mapping(node)  # resolve ``<<: *anchor`` merge keys
            children = [
                (self._construct(loader, key, shown), key, value) for key, value in node.value
            ]
        elif isinstance(node, yaml.SequenceNode):
            children = [(index, item, item) for index, item in enumerate(node.value)]
        else:
            self._construct(loader, node, shown)
            return
        for key, key_node, value_node in children:
            marks[(*path, key)] = (_at(shown, key_node), _at(shown, value_node))
            self._index(loader, value_node, (*path, key), shown, marks)

    def _check_keys(
        self, loader: yaml.SafeLoader, node: yaml.MappingNode, path: PathKey, shown: str
    ) -> None:
        """Keys must be plain values; a key given twice is reported (YAML keeps only the last)."""
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self._construct(loader, key_node, shown)
            if isinstance(key, list | dict):
                self.fail(f"{_at(shown, key_node)}: malformed YAML: a key must be a plain value")
            if key in seen:
                first = _at(shown, seen[key]).removeprefix(f"{shown}:")
                self.problems.append(
                    f"{_at(shown, key_node)}: {_dotted((*path, key))}: duplicate key {key!r} "
                    f"(first given at {first}; YAML would keep only the last)"
                )
            seen.setdefault(key, key_node)

    def _construct(self, loader: yaml.SafeLoader, node: yaml.Node, shown: str) -> Any:
        """The value of a node (cached by the loader for the whole document)."""
        try:
            return loader.construct_object(node, deep=True)
        except ValueError as exc:
            self.fail(f"{_at(shown, node)}: malformed YAML: {node.value!r}: {exc}")

    def _bases(self, layer: _Layer) -> list[tuple[Path, str]]:
        """Files named by ``extends:`` (taken out of the layer's data) and where each is named."""
        raw = layer.data.pop("extends", None)
        if raw is None:
            return []
        names = [raw] if isinstance(raw, str) else raw
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            self.fail(
                f"{layer.marks[('extends',)][1]}: extends: {format_value(raw)} is not allowed: "
                "must be a file name or a list of file names"
            )
        positions = [
            layer.marks[("extends",) if isinstance(raw, str) else ("extends", i)][1]
            for i in range(len(names))
        ]
        return [(layer.path.parent / name, at) for name, at in zip(names, positions, strict=True)]


def _yaml_problem(exc: yaml.MarkedYAMLError, shown: str) -> str:
    mark = exc.problem_mark or exc.context_mark
    where = f"{shown}:{mark.line + 1}:{mark.column + 1}" if mark else shown
    context = ""
    if exc.context and exc.context_mark:
        context = f" ({exc.context} on line {exc.context_mark.line + 1})"
    return f"{where}: malformed YAML: {exc.problem or exc.context}{context}"


def _at(shown: str, node: yaml.Node) -> str:
    return f"{shown}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"


def _display(path: Path) -> str:
    """A path as the user would write it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _merge(base: Any, over: Any) -> Any:
    """Overlay ``over`` on ``base``: mappings merge recursively, anything else replaces."""
    if not (isinstance(base, dict) and isinstance(over, dict)):
        return over
    if "kind" in over and base.get("kind", over["kind"]) != over["kind"]:
        return over
    return {**base, **{key: _merge(base.get(key), value) for key, value in over.items()}}


# --- overrides -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Override:
    """An applied override: the position it set and how the user wrote it."""

    path: PathKey
    label: str


class _OverrideError(ValueError):
    """An override that cannot be applied to the data."""


def _apply_overrides(
    data: dict[str, Any], overrides: Sequence[str] | Mapping[str, Any], problems: list[str]
) -> tuple[dict[str, Any], list[_Override]]:
    """Set each override in turn (without mutating ``data``); report the ones that cannot apply."""
    applied = []
    for key, value, label in _parse_overrides(overrides, problems):
        try:
            data, path = _assign(data, key.split("."), value)
        except _OverrideError as exc:
            problems.append(f"{label}: {key}: {exc}")
            continue
        applied.append(_Override(path, label))
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
        problems.append(f"{label}: expected KEY=VALUE, e.g. staffing.tier1.agents=42")
        return None
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        problems.append(
            f"{label}: {key}: the value is not valid YAML ({getattr(exc, 'problem', exc)})"
        )
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


# --- explaining validation errors ----------------------------------------------------------------


@dataclass(frozen=True)
class _Sources:
    """Where each value of the merged data came from."""

    layers: list[_Layer]
    overrides: list[_Override]

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
        value = _get(data, self.path)
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
        annotation = _unwrap(annotation)
        members = _union_members(annotation)
        if members is not None:
            member = _member_for_tag(members, item)
            if _kinds(members) is None:
                branch = _Branch(tuple(path), member, tuple(members), field)
            annotation = member
        elif item == "[key]":
            key_error = True
        else:
            container = annotation
            annotation, field = _child(annotation, item, field)
            path.append(item)
    return _Step(tuple(path), _unwrap(annotation), container, field, key_error, branch)


def _explain(
    errors: list[Any], data: dict[str, Any], sources: _Sources, root: type[BaseModel]
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


def _message(error: Any, step: _Step, data: dict[str, Any], sources: _Sources) -> str:
    kind, path = error["type"], step.path
    if kind == "extra_forbidden" or step.key_error:
        return f"{sources.where(path)}: {_dotted(path)}: {_unknown_key(path[-1], step)}"
    if kind == "missing":
        return (
            f"{sources.where(path)}: {_dotted(path)}: required field is missing{_about(step.field)}"
        )
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return _kind_message(error, step, sources)
    if kind in ("value_error", "assertion_error"):
        return _validator_message(error, step, data, sources)
    return (
        f"{sources.where(path, value=True)}: {_dotted(path)}: {format_value(error['input'])} is "
        f"not allowed: {_requirement(error, step)}{_about(step.field)}"
    )


def _unknown_key(key: str | int, step: _Step) -> str:
    if get_origin(step.container) is dict:
        key_annotation = get_args(step.container)[0]
        if _strip_annotated(key_annotation) is int:
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
        return [str(arg) for arg in get_args(_strip_annotated(get_args(container)[0]))]
    return []


def _kind_message(error: Any, step: _Step, sources: _Sources) -> str:
    kinds = list(_kinds(_union_members(step.annotation) or []) or {})
    allowed = f"(allowed kinds: {', '.join(kinds)})"
    if error["type"] == "union_tag_not_found":
        return f"{sources.where(step.path)}: {_dotted(step.path)}: missing 'kind' {allowed}"
    tag = error["ctx"]["tag"]
    guesses = difflib.get_close_matches(tag, kinds, n=1)
    hint = f" — did you mean {guesses[0]!r}?" if guesses else ""
    path = (*step.path, "kind")
    return (
        f"{sources.where(path, value=True)}: {_dotted(path)}: unknown kind {tag!r}{hint} {allowed}"
    )


def _validator_message(error: Any, step: _Step, data: dict[str, Any], sources: _Sources) -> str:
    """A model validator's message. When it starts with a field path relative to the model, the
    path is made absolute and used to find the line."""
    text = re.sub(r"^(Value error|Assertion failed), ", "", error["msg"])
    match = re.match(r"[A-Za-z_]\w*(\.\w+)*", text)
    if match and _has_key(step.annotation, _get(data, step.path), match.group().split(".")[0]):
        path = _data_path(data, step.path, match.group().split("."))
        return f"{sources.where(path)}: {_dotted(path)}{text[match.end() :]}"
    prefix = f"{_dotted(step.path)}: " if step.path else ""
    return f"{sources.where(step.path)}: {prefix}{text}"


def _branch_message(branch: _Branch, data: dict[str, Any], sources: _Sources) -> str:
    allowed = " or ".join(describe_type(member) for member in branch.members)
    return (
        f"{sources.where(branch.path, value=True)}: {_dotted(branch.path)}: "
        f"{format_value(_get(data, branch.path))} is not allowed: must be {allowed}"
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
        return f"must be {symbol} {_number(ctx[name])}"
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
    kinds = _kinds(_union_members(annotation) or [])
    if kinds:
        return f"must be a mapping with kind {_or(kinds)}"
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


# --- walking types and data ----------------------------------------------------------------------


def _strip_annotated(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def _union_members(tp: Any) -> list[Any] | None:
    """Members of a union other than ``None``; ``None`` if ``tp`` is not a union."""
    if get_origin(tp) not in (Union, types.UnionType):
        return None
    return [member for member in get_args(tp) if member is not type(None)]


def _unwrap(tp: Any) -> Any:
    """Strip ``Annotated`` and ``Optional`` (pydantic puts no tag in error locations for them)."""
    tp = _strip_annotated(tp)
    members = _union_members(tp)
    return _unwrap(members[0]) if members is not None and len(members) == 1 else tp


def _kinds(members: Sequence[Any]) -> dict[str, type[BaseModel]] | None:
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


def _member_for_tag(members: list[Any], tag: str | int) -> Any:
    """The union member pydantic names by ``tag`` in an error location (a ``kind`` value, or a
    type name such as ``str`` or ``dict[...]``)."""
    kinds = _kinds(members)
    if kinds is not None:
        return kinds.get(str(tag))
    name = str(tag).split("[")[0].lower()
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


def _get(data: Any, path: PathKey) -> Any:
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return data


def _has_key(annotation: Any, value: Any, name: str) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return name in annotation.model_fields
    return isinstance(value, dict) and name in value


def _data_path(data: Any, base: PathKey, parts: list[str]) -> PathKey:
    """``base`` extended by dotted ``parts``; digits become indices where the data is a list."""
    path = list(base)
    for part in parts:
        node = _get(data, tuple(path))
        path.append(int(part) if isinstance(node, list) and part.isdigit() else part)
    return tuple(path)


def _dotted(path: PathKey) -> str:
    return ".".join(str(key) for key in path) or "(top level)"


def _number(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _or(items: Sequence[Any]) -> str:
    """``a, b or c``."""
    words = [str(item) for item in items]
    return " or ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)
