"""A scheduled roster written back as a scenario file the simulation runs as it is.

The file extends the scenario the schedule was made for and replaces one agent group's roster, so
everything else (demand, customers, money, the other groups) stays where it is written, and a
header says what produced it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from sim.scenario.scenario import Scenario
from sim.scenario.staffing import Roster


def roster_scenario_text(
    source: Path, out: Path, scenario: Scenario, group: str, roster: Roster, header: list[str]
) -> str:
    """YAML of a scenario that extends ``source`` (relative to where ``out`` will be) with
    ``group``'s roster replaced by ``roster``; ``header`` lines become comments at the top."""
    data: dict[str, Any] = {
        "extends": Path(os.path.relpath(source.resolve(), out.resolve().parent)).as_posix(),
        "name": out.stem,  # as the shipped scenarios: named after their file
    }
    node = data
    *parents, leaf = scenario.staffing.group_path(group).split(".")
    for key in parents:
        node = node.setdefault(key, {})
    node[leaf] = roster.model_dump(mode="json")  # every field: the scales were applied already
    comments = "".join(f"# {line}\n" if line else "#\n" for line in header)
    return comments + "\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
