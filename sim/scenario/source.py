"""Reading scenario files: YAML with the position of every key and value, and ``extends:`` chains.

Each file becomes a :class:`Layer` (its data and where each entry is written); the layers of an
``extends:`` chain are merged with :func:`merge` (mappings key by key, anything else replaces; a
mapping whose ``kind`` changes replaces the old one).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import (
    Any,
    NoReturn,
)

import yaml
from pydantic import BaseModel

from sim.scenario import bounded_yaml
from sim.scenario.errors import ScenarioError
from sim.scenario.wording import PathKey, dotted, format_value


@dataclass(frozen=True)
class Span:
    """Where an entry is written in its file's text, as character offsets: its key (the whole
    text for the top level), and its value from its first character to just after its last."""

    key_start: int
    value_start: int
    value_end: int


@dataclass(frozen=True)
class Layer:
    """One YAML file's text, data and where each of its entries is written.

    ``marks`` maps a position to the ``file:line:column`` of its key and of its value; ``spans``
    to the same places as offsets into ``text`` (what an editor of the file needs).
    """

    path: Path
    text: str
    data: dict[str, Any]
    marks: dict[PathKey, tuple[str, str]]
    spans: dict[PathKey, Span]


class Reader:
    """Reads a scenario file after the files it extends, collecting non-fatal problems."""

    def __init__(self, entry: Path, root: type[BaseModel]) -> None:
        self.entry = entry
        self.root = root
        self.problems: list[str] = []

    def fail(self, problem: str) -> NoReturn:
        """Stop loading: nothing more can be checked without this file."""
        raise ScenarioError([*self.problems, problem], self.entry)

    def layers(self, path: Path, chain: tuple[Path, ...], cited_at: str | None) -> list[Layer]:
        """The layers of ``path``, bases first, ending with the file itself.

        Args:
            path: The file to read.
            chain: Resolved files extending this one, outermost first (for cycle detection).
            cited_at: ``file:line:col`` of the ``extends:`` entry naming this file, if any.
        """
        if "\0" in str(path):
            at = f"{cited_at}: extends: " if cited_at else ""
            self.fail(f"{at}{str(path)!r}: not a valid file name (it holds a NUL character)")
        resolved = path.resolve()
        if resolved in chain:
            cycle = " → ".join(display(p) for p in (*chain[chain.index(resolved) :], resolved))
            self.fail(f"{cited_at}: extends: cycle {cycle}")
        layer = self._read(path, cited_at)
        bases = [self.layers(base, (*chain, resolved), at) for base, at in self._bases(layer)]
        return [*itertools.chain.from_iterable(bases), layer]

    def _read(self, path: Path, cited_at: str | None) -> Layer:
        shown = display(path)
        try:
            text = bounded_yaml.read_text(path, shown)
        except FileNotFoundError:
            self.fail(
                f"{cited_at}: extends: {shown} not found" if cited_at else f"{shown}: not found"
            )
        except OSError as exc:
            self.fail(f"{shown}: cannot read the file ({exc.strerror or exc})")
        except bounded_yaml.YAMLFileError as exc:
            self.fail(f"{cited_at}: extends: {exc}" if cited_at else str(exc))
        data, marks, spans = self._parse(text, shown)
        if not isinstance(data, dict):
            sections = ", ".join(self.root.model_fields)
            got = {type(None): "an empty file", list: "a list"}.get(type(data), "a single value")
            self.fail(
                f"{shown}:1:1: expected a mapping of {self.root.__name__.lower()} sections "
                f"({sections}), got {got}"
            )
        return Layer(path, text, data, marks, spans)

    def _parse(
        self, text: str, shown: str
    ) -> tuple[Any, dict[PathKey, tuple[str, str]], dict[PathKey, Span]]:
        """YAML text → data, plus the position of every key and value."""
        try:
            loader = bounded_yaml.BoundedLoader(text, shown)
        except bounded_yaml.YAMLFileError as exc:
            self.fail(str(exc))
        try:
            node = loader.get_single_node()
            marks: dict[PathKey, tuple[str, str]] = {(): (f"{shown}:1:1", f"{shown}:1:1")}
            spans = {(): Span(0, 0, len(text))}
            if node is not None:
                self._index(loader, node, (), shown, marks, spans)
            data = loader.construct_document(node) if node is not None else None
            return data, marks, spans
        except yaml.YAMLError as exc:
            self.fail(str(bounded_yaml.malformed(exc, shown)))
        except bounded_yaml.YAMLFileError as exc:
            self.fail(str(exc))
        finally:
            loader.dispose()

    def _index(
        self,
        loader: yaml.SafeLoader,
        node: yaml.Node,
        path: PathKey,
        shown: str,
        marks: dict[PathKey, tuple[str, str]],
        spans: dict[PathKey, Span],
    ) -> int:
        """Record the position of every entry under ``node``, checking keys and scalar values as
        YAML constructs them (an impossible date such as 2027-02-30 is reported here).

        Returns:
            The offset just after the node's last character (for a block mapping or list, after
            its last entry's value, not after the comments and blank lines that may follow).
        """
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
            return node.end_mark.index
        end = node.start_mark.index
        for key, key_node, value_node in children:
            marks[(*path, key)] = (_at(shown, key_node), _at(shown, value_node))
            value_end = self._index(loader, value_node, (*path, key), shown, marks, spans)
            spans[(*path, key)] = Span(
                key_node.start_mark.index, value_node.start_mark.index, value_end
            )
            end = max(end, value_end)
        return node.end_mark.index if node.flow_style else end

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
                    f"{_at(shown, key_node)}: {dotted((*path, key))}: duplicate key {key!r} "
                    f"(first given at {first}; YAML would keep only the last)"
                )
            seen.setdefault(key, key_node)

    def _construct(self, loader: yaml.SafeLoader, node: yaml.Node, shown: str) -> Any:
        """The value of a node (cached by the loader for the whole document)."""
        try:
            return loader.construct_object(node, deep=True)
        except ValueError as exc:
            self.fail(f"{_at(shown, node)}: malformed YAML: {node.value!r}: {exc}")

    def _bases(self, layer: Layer) -> list[tuple[Path, str]]:
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


def _at(shown: str, node: yaml.Node) -> str:
    return f"{shown}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"


def display(path: Path) -> str:
    """A path as the user would write it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def merge(base: Any, over: Any) -> Any:
    """Overlay ``over`` on ``base``: mappings merge recursively, anything else replaces."""
    if not (isinstance(base, dict) and isinstance(over, dict)):
        return over
    if "kind" in over and base.get("kind", over["kind"]) != over["kind"]:
        return over
    return {**base, **{key: merge(base.get(key), value) for key, value in over.items()}}
