"""Writing values into a scenario file in place, keeping every comment and every other line.

Numbers are replaced where they are written (the text of a plain number, found from the YAML
positions the reader records, :class:`~sim.scenario.source.Span`), so a number inside a one-line
flow mapping such as ``daily_volume: {mon: 17, tue: 15}`` is changed without touching its
neighbours or the comment after it. One machine-written block (e.g. ``fit.result``) is replaced
whole, or added at the end of its parent mapping.

Only values written in the file itself can be changed: a value that comes from a file named by
``extends:`` (or from a default) is refused with the file that sets it, since writing it into
this file would silently cut the link to the base. The new text must load and validate before it
replaces the old one.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from sim.scenario.errors import ScenarioError
from sim.scenario.loading import load_scenario
from sim.scenario.scenario import Scenario
from sim.scenario.source import Layer, Reader, display
from sim.scenario.wording import PathKey, dotted, lookup, number_text


def check_writable(
    path: str | Path, numbers: Mapping[PathKey, float | None], block_at: PathKey
) -> Layer:
    """Whether ``numbers`` (values not known yet: None) and a block at ``block_at`` can be
    written in the scenario file ``path``; its layer (the file as read) when they can.

    Raises:
        ScenarioError: one line per position that cannot be written here (set in a base file or
            by default, not a plain number, shared through a YAML anchor with a position not
            written alike), or a block whose parent mapping is missing or on one line.
    """
    path = Path(path)
    layers = Reader(path, Scenario).layers(path, (), None)
    entry = layers[-1]
    problems = _not_here(list(numbers), layers)
    problems += _shared(entry, numbers)
    for at in numbers:
        span = entry.spans.get(at)
        written = entry.text[span.value_start : span.value_end] if span else ""
        if span is not None and not _plain_number(written):
            problems.append(
                f"{_where(entry, at)}: {dotted(at)}: {written!r} is not a plain number; write "
                "it as one to have it fitted in place"
            )
    parent = block_at[:-1]
    if parent not in entry.spans:
        problems.append(
            f"{display(path)}: {dotted(parent)}: not written in this file, so there is no "
            f"{dotted(parent)} section to record {block_at[-1]} under"
        )
    elif entry.text[entry.spans[parent].value_start] in "{[":
        problems.append(
            f"{_where(entry, parent)}: {dotted(parent)}: written as a one-line mapping; write it "
            f"as a block (one key a line) to record {block_at[-1]} in it"
        )
    if problems:
        raise ScenarioError(problems, path)
    return entry


def write_in_place(
    path: str | Path,
    numbers: Mapping[PathKey, float],
    block_at: PathKey,
    block: Mapping[str, Any],
    note: str,
) -> None:
    """Write ``numbers`` at their positions in the scenario file ``path`` (a number already
    written with its value is left as written) and set the mapping at ``block_at`` to ``block``
    (its key line gets ``# note``).

    Raises:
        ScenarioError: as :func:`check_writable` says, or when the new text would not load; the
            file is then left as it was.
    """
    path = Path(path)
    entry = check_writable(path, numbers, block_at)
    spans = {at: entry.spans[at] for at in numbers}
    edits = [
        (span.value_start, span.value_end, number_text(numbers[at]))
        for at, span in spans.items()
        if yaml.safe_load(entry.text[span.value_start : span.value_end]) != numbers[at]
    ]
    edits.append(_block_edit(entry, block_at, block, note))
    text = entry.text
    for start, end, new in sorted(set(edits), reverse=True):
        text = text[:start] + new + text[end:]
    _replace_checked(path, text, numbers)


def _not_here(positions: list[PathKey], layers: list[Layer]) -> list[str]:
    """Why values cannot be written in the last layer's file: one line per mapping and file that
    sets them instead (a base file, or the defaults)."""
    entry = layers[-1]
    elsewhere: dict[tuple[int, PathKey], list[PathKey]] = {}
    for at in positions:
        owner = next((i for i in reversed(range(len(layers))) if at in layers[i].spans), -1)
        if owner != len(layers) - 1:
            elsewhere.setdefault((owner, at[:-1]), []).append(at)
    shown = display(entry.path)
    problems = []
    for (owner, parent), found in elsewhere.items():
        keys = [str(at[-1]) for at in found]
        what = dotted((*parent, keys[0] if len(keys) == 1 else "{" + ",".join(keys) + "}"))
        if owner < 0:
            problems.append(
                f"{shown}: {what}: not written in this file or the files it extends (the default "
                "applies); write it in this file to have it fitted in place"
            )
            continue
        base = display(layers[owner].path)
        problems.append(
            f"{_where(layers[owner], found[0])}: {what}: set in {base}, which {shown} extends; "
            f"fit {base} itself, or set {'it' if len(keys) == 1 else 'them'} in {shown} first"
        )
    return problems


def _shared(entry: Layer, numbers: Mapping[PathKey, float | None]) -> list[str]:
    """Positions whose text is shared through a YAML anchor with a position not written alike
    (not written at all, or, when the values are known, written with another value)."""
    by_text: dict[tuple[int, int], list[PathKey]] = {}
    for at, span in entry.spans.items():
        by_text.setdefault((span.value_start, span.value_end), []).append(at)
    problems = []
    for at, value in numbers.items():
        span = entry.spans.get(at)
        if span is None:
            continue
        others = [
            other
            for other in by_text[(span.value_start, span.value_end)]
            if other != at and (other not in numbers or numbers[other] != value)
        ]
        if others:
            problems.append(
                f"{_where(entry, at)}: {dotted(at)}: written once for {dotted(others[0])} too "
                "(a YAML anchor); write them apart to have one fitted"
            )
    return problems


def _plain_number(text: str) -> bool:
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return isinstance(value, int | float) and not isinstance(value, bool)


def _block_edit(
    entry: Layer, block_at: PathKey, block: Mapping[str, Any], note: str
) -> tuple[int, int, str]:
    """The edit that puts ``block`` at ``block_at``: replacing the lines of the old block, or
    inserted after the last line of its parent mapping."""
    text, parent = entry.text, block_at[:-1]
    children = [span.key_start for at, span in entry.spans.items() if at[:-1] == parent and len(at)]
    first = min(children)
    indent = " " * (first - (text.rfind("\n", 0, first) + 1))
    dumped = yaml.safe_dump(
        {block_at[-1]: dict(block)},
        sort_keys=False,
        default_flow_style=None,
        allow_unicode=True,
        width=10**6,
    )
    lines = dumped.splitlines()
    lines[0] += f"  # {note}"
    new = "".join(f"{indent}{line}\n" for line in lines)
    old = entry.spans.get(block_at)
    if old is not None:
        return _line_start(text, old.key_start), _line_end(text, old.value_end), new
    end = _line_end(text, entry.spans[parent].value_end)
    return end, end, new if text[:end].endswith("\n") else "\n" + new


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    """Just after the newline ending the line that holds ``index`` (the end of the text if none)."""
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def _replace_checked(path: Path, text: str, numbers: Mapping[PathKey, float]) -> None:
    """Replace the file with ``text`` once it loads, validates and reads ``numbers`` back."""
    handle, temporary = tempfile.mkstemp(
        prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))  # mkstemp's are private
        try:
            data = load_scenario(temporary).model_dump()
        except ScenarioError as err:
            raise ScenarioError(
                [f"{display(path)}: not written, it would not load: {p}" for p in err.problems],
                path,
            ) from None
        wrong = [at for at, value in numbers.items() if lookup(data, at) != value]
        if wrong:
            raise ScenarioError(
                [f"{display(path)}: {dotted(at)}: did not read back as written" for at in wrong],
                path,
            )
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _where(layer: Layer, at: PathKey) -> str:
    """``file:line:column`` of the value at ``at`` in ``layer``."""
    return layer.marks[at][1] if at else layer.marks[()][0]
