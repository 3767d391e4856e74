"""YAML that cannot exhaust the machine: how every YAML file the tool is given is read (scenario,
sweep and sensitivity files, log schemas, holiday calendars).

A file must be a regular file (not a folder, a device or a pipe) of at most :data:`MAX_BYTES` of
UTF-8; its values nest at most :data:`MAX_DEPTH` deep and number at most :data:`MAX_NODES` once
aliases are expanded (so a "billion laughs" file fails at once), and no alias may contain itself.
Problems name the file and line, never quote its content.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 8 * 2**20
MAX_DEPTH = 64
MAX_NODES = 1_000_000


class YAMLFileError(ValueError):
    """A YAML file that cannot be read within the limits: ``where: problem`` on one line.

    Attributes:
        problem: What is wrong, without the file and position.
    """

    def __init__(self, where: str, problem: str) -> None:
        self.problem = problem
        super().__init__(f"{where}: {problem}")


def read_text(path: Path, shown: str) -> str:
    """The text of the YAML file ``path`` (``shown`` as the user wrote it).

    Raises:
        OSError: The file is missing or unreadable.
        YAMLFileError: Not a regular file, larger than :data:`MAX_BYTES`, or not UTF-8.
    """
    if not stat.S_ISREG(path.stat().st_mode):
        raise YAMLFileError(shown, "not a regular file (a folder, device or pipe)")
    with path.open("rb") as file:
        data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise YAMLFileError(shown, f"larger than {MAX_BYTES // 2**20} MiB, the limit for YAML")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YAMLFileError(
            f"{shown}:{line}", f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        ) from None
    return text.removeprefix("\ufeff")  # the byte order mark some editors write


def load_file(path: Path, shown: str) -> Any:
    """The data of the YAML file ``path``: :func:`read_text`, then :func:`load`."""
    return load(read_text(path, shown), shown)


def load(text: str, shown: str) -> Any:
    """The data of a YAML document, within the limits.

    Raises:
        YAMLFileError: Malformed YAML, or beyond a limit (with the file, line and column).
    """
    loader = BoundedLoader(text, shown)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise malformed(exc, shown) from None
    except YAMLFileError:
        raise
    except ValueError as exc:  # a value YAML cannot construct, such as the date 2027-13-01
        raise YAMLFileError(f"{shown}: malformed YAML", str(exc)) from None
    finally:
        loader.dispose()


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing too deep a nesting, too many values once aliases are
    expanded, and recursive aliases (:class:`YAMLFileError`)."""

    def __init__(self, text: str, shown: str) -> None:
        try:
            super().__init__(text)
        except yaml.YAMLError as exc:  # a character YAML does not allow (NUL, ...)
            raise malformed(exc, shown) from None
        self.shown = shown
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self.depth >= MAX_DEPTH:
            raise self.limit(self.peek_event().start_mark, _too_deep())
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def compose_document(self) -> yaml.Node:
        node = super().compose_document()
        _Expansion(self).visit(node, 1)
        return node

    def limit(self, mark: yaml.Mark, problem: str) -> YAMLFileError:
        return YAMLFileError(_at(self.shown, mark), problem)


class _Expansion:
    """Counts a document's values and depth as if its aliases were copied out, each shared node
    once (so the count is linear in the file), stopping at the first limit passed."""

    def __init__(self, loader: BoundedLoader) -> None:
        self.loader = loader
        self.sizes: dict[int, tuple[int, int]] = {}  # node id → (values, height)
        self.open: set[int] = set()

    def visit(self, node: yaml.Node, depth: int) -> tuple[int, int]:
        key = id(node)
        if key in self.open:
            raise self.loader.limit(node.start_mark, "malformed YAML: an alias contains itself")
        if key not in self.sizes:
            if depth > MAX_DEPTH:
                raise self.loader.limit(node.start_mark, _too_deep())
            self.open.add(key)
            count, height = 1, 0
            for child in _children(node):
                size, below = self.visit(child, depth + 1)
                count, height = count + size, max(height, below + 1)
                if count > MAX_NODES:
                    raise self.loader.limit(
                        node.start_mark,
                        f"more than {MAX_NODES:,} values once its aliases are expanded (anchors "
                        "nested in anchors?)",
                    )
            self.open.discard(key)
            self.sizes[key] = (count, height)
        if depth + self.sizes[key][1] > MAX_DEPTH:
            raise self.loader.limit(node.start_mark, _too_deep())
        return self.sizes[key]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return node.value if isinstance(node, yaml.SequenceNode) else []


def _too_deep() -> str:
    return f"nested deeper than {MAX_DEPTH} levels (aliases included)"


def malformed(exc: yaml.YAMLError, shown: str) -> YAMLFileError:
    """PyYAML's error as ``file:line:column: malformed YAML: what``, without quoting the file."""
    if not isinstance(exc, yaml.MarkedYAMLError):  # a bad character: its code and position
        return YAMLFileError(f"{shown}: malformed YAML", str(exc).splitlines()[0])
    mark = exc.problem_mark or exc.context_mark
    context = ""
    if exc.context and exc.context_mark:
        context = f" ({exc.context} on line {exc.context_mark.line + 1})"
    where = _at(shown, mark) if mark else shown
    return YAMLFileError(f"{where}: malformed YAML", f"{exc.problem or exc.context}{context}")


def _at(shown: str, mark: yaml.Mark) -> str:
    return f"{shown}:{mark.line + 1}:{mark.column + 1}"
