"""Retention-aware staffing: candidates built from day-part scales and recovery policies, the KN
selection simulating only what it needs (and nothing it already knows), and the service-level
choice and frontier read from the observations."""

from __future__ import annotations

import numpy as np
import pytest

from sim.experiments.optimise import (
    Candidate,
    Optimisation,
    candidates,
    frontier,
    optimise,
    service_level_choice,
)
from sim.experiments.report import choice_comparison
from sim.experiments.selection import kn_select_from
from sim.scenario.errors import InputError
from tests.scenarios import customer_desk

HOURS = [(8.0, 13.0), (13.0, 18.0)]


def test_candidates_are_every_combination_of_scales_and_policies() -> None:
    scenario = customer_desk(calendar={"horizon_days": 7})
    policies = [{"kind": "standard"}, {"kind": "fast_track"}]
    options = candidates(scenario, "tier1", HOURS, [[0.9, 1.1], [1.0]], policies)
    assert [o.name for o in options] == [
        "8-13h×0.9 13-18h×1 standard",
        "8-13h×0.9 13-18h×1 fast_track",
        "8-13h×1.1 13-18h×1 standard",
        "8-13h×1.1 13-18h×1 fast_track",
    ]
    assert options[1].scenario.recovery.kind == "fast_track"
    roster = options[2].scenario.staffing.agent_groups["tier1"].roster
    assert [(p.from_h, p.to_h, p.scale) for p in roster.day_parts] == [(8, 13, 1.1), (13, 18, 1.0)]
    with pytest.raises(InputError, match="2 day parts but 1 lists of scales"):
        candidates(scenario, "tier1", HOURS, [[1.0]])


def test_only_survivors_are_simulated_and_nothing_twice() -> None:
    scenario = customer_desk(calendar={"horizon_days": 10})
    options = candidates(scenario, "tier1", HOURS, [[0.7, 1.3], [1.0]])
    seen: list[tuple[int, int]] = []
    first = optimise(
        options,
        seed=4,
        delta=2000.0,
        n0=3,
        max_replications=6,
        on_observation=lambda c, r, _: seen.append((c, r)),
    )
    assert len(seen) == len(set(seen)) == len(first.known)
    for c, eliminated in enumerate(first.selection.eliminated_at):
        reps = sorted(r for cc, r in seen if cc == c)
        assert reps == list(range(eliminated or first.selection.replications[c]))
    again: list[tuple[int, int]] = []
    resumed = optimise(
        options,
        seed=4,
        delta=2000.0,
        n0=3,
        max_replications=6,
        known=first.known,
        on_observation=lambda c, r, _: again.append((c, r)),
    )
    assert again == [] and resumed.selection == first.selection


def synthetic(
    net: list[float], cost: list[float], level: list[float], lost: list[float]
) -> Optimisation:
    """An optimisation over stored numbers (two replications each, equal), no simulation."""
    scenario = customer_desk(calendar={"horizon_days": 7})
    options = [Candidate(f"c{i}", (1.0,), None, scenario) for i in range(len(net))]
    known = {
        (i, r): {
            "net_value": net[i],
            "staffing_cost": cost[i],
            "service_level": level[i],
            "service_defections": lost[i],
            "defections": lost[i],
        }
        for i in range(len(net))
        for r in range(2)
    }
    samples = np.array([[net[i] for i in range(len(net))]] * 2)
    selection = kn_select_from(samples, delta=1.0, n0=2)
    return Optimisation(options, selection, known)


def test_the_service_level_choice_is_the_cheapest_meeting_the_target() -> None:
    result = synthetic(
        net=[5.0, 7.0, 6.0, 4.0],
        cost=[100.0, 120.0, 90.0, 80.0],
        level=[0.82, 0.90, 0.80, 0.70],
        lost=[50.0, 30.0, 60.0, 40.0],
    )
    assert service_level_choice(result) == 2  # cheapest at or above 80%
    assert frontier(result) == (1, 3)  # 0 and 2 are beaten by 3 on both


def test_the_choices_are_compared_on_their_common_replications() -> None:
    result = synthetic(net=[5.0, 7.0], cost=[100.0, 120.0], level=[0.8, 0.9], lost=[50.0, 30.0])
    known = dict(result.known)
    known[0, 0] = {**known[0, 0], "net_value": 4.0}
    known[1, 0] = {**known[1, 0], "net_value": 8.0}  # replication 0: a difference of 4
    known[1, 2] = {**known[1, 1], "net_value": 100.0}  # only the selected has replication 2
    paired = Optimisation(result.candidates, result.selection, known)
    assert paired.paired(0, 1, "net_value").tolist() == [4.0, 2.0]
    assert paired.paired(0, 1, "defections").tolist() == [-20.0, -20.0]
    text = choice_comparison(paired, 0, 1)
    assert "paired over their 2 common replications" in text
    net = next(line for line in text.splitlines() if line.startswith("net value"))
    assert "+3 " in net and "+2" not in net.split("+3 ")[0]
    assert "-20" in next(line for line in text.splitlines() if line.startswith("customers lost "))


def test_workers_change_nothing() -> None:
    scenario = customer_desk(calendar={"horizon_days": 5})
    options = candidates(scenario, "tier1", HOURS[:1], [[0.7, 1.3]])
    alone = optimise(options, seed=2, delta=5000.0, n0=2, max_replications=3)
    pooled = optimise(options, seed=2, delta=5000.0, n0=2, max_replications=3, workers=2)
    assert pooled.known == alone.known and pooled.selection == alone.selection
