"""The retention-aware search's chart plots what the search folder holds."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from sim.plotting.labels import label
from sim.plotting.optimise import search_frontier


def folder(tmp_path: Path) -> Path:
    rows = []
    for i, (cost, lost) in enumerate([(100.0, 50.0), (120.0, 30.0), (90.0, 60.0), (80.0, 40.0)]):
        row = {"candidate": i, "name": f"c{i}", "replications": 10, "eliminated_at": ""}
        for kpi, mean in (("staffing_cost", cost), ("service_defections", lost)):
            row |= {kpi: mean, f"{kpi}.ci_low": mean - 2, f"{kpi}.ci_high": mean + 2}
        rows.append(row)
    pd.DataFrame(rows).to_csv(tmp_path / "candidates.csv", index=False)
    result = {"best": "c1", "service_level_choice": "c3", "frontier": ["c1", "c3"]}
    (tmp_path / "result.json").write_text(json.dumps(result))
    return tmp_path


def test_the_frontier_and_both_choices_are_where_the_folder_says(tmp_path: Path) -> None:
    fig = search_frontier(folder(tmp_path))
    (ax,) = fig.axes
    lines = {tuple(map(tuple, np.asarray(line.get_xydata()))): line for line in ax.get_lines()}
    assert ((80.0, 40.0), (120.0, 30.0)) in lines  # the frontier joined, cheapest first
    marked = {line.get_label(): tuple(line.get_xydata()[0]) for line in ax.get_lines()}
    assert marked[label("optimise.selected", "en", name="c1")] == (120.0, 30.0)
    assert marked[label("optimise.sl_choice", "en", name="c3")] == (80.0, 40.0)
    texts = [t.get_text() for t in fig.texts]
    assert label("optimise.title", "en") in texts
    assert any("KN procedure" in t for t in texts)
    assert "(£)" in ax.get_xlabel() and "(count)" in ax.get_ylabel()
