"""A scheduled roster written as a scenario file extending the one it was made for."""

from __future__ import annotations

from pathlib import Path

from sim.experiments.roster_file import roster_scenario_text
from sim.scenario.loading import load_scenario
from sim.scenario.staffing import Shift, ShiftRoster

BASELINE = Path(__file__).resolve().parents[2] / "params" / "baseline.yaml"


def test_the_file_extends_its_source_and_replaces_one_roster_only(tmp_path: Path) -> None:
    source = load_scenario(BASELINE)
    week = ["mon", "tue", "wed", "thu", "fri"]
    roster = ShiftRoster(
        kind="shifts",
        shrinkage_fraction=0.3,
        allow_gaps=True,
        shifts=[
            Shift(start_h=8, length_h=12, days=week, agents=40),
            Shift(start_h=9, length_h=4, days=["sat"], agents=10),
        ],
    )
    out = tmp_path / "plans" / "scheduled.yaml"
    out.parent.mkdir()
    text = roster_scenario_text(BASELINE, out, source, "tier1", roster, ["made by a test", ""])
    assert text.startswith("# made by a test\n#\n")
    out.write_text(text, encoding="utf-8")
    written = load_scenario(out)
    assert written.name == "scheduled"  # the file's name
    assert written.staffing.agent_groups["tier1"].roster == roster
    assert (
        written.staffing.agent_groups["tier2"].roster
        == source.staffing.agent_groups["tier2"].roster
    )
    assert written.customers == source.customers and written.demand == source.demand
