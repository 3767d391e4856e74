"""Paired comparison under common random numbers."""

from __future__ import annotations

import numpy as np

from sim.experiments.compare import (
    BETTER,
    HIGHER,
    LOWER,
    SAME,
    WORSE,
    Difference,
    compare,
    compare_until_resolved,
    paired_differences,
    replications_for_precision,
)
from sim.experiments.replications import run_scenario
from sim.measures.estimates import estimate
from tests.scenarios import busy_desk

MORE_AGENTS = {"staffing": {"tier1": {"kind": "fixed", "agents": 9}}}
FEWER_AGENTS = {"staffing": {"tier1": {"kind": "fixed", "agents": 7}}}


def test_paired_difference_is_tighter_than_independent_runs() -> None:
    """Same seed (paired) against different seeds (independent): the paired CI of the difference
    in service level is narrower."""
    lean = busy_desk(**FEWER_AGENTS)
    rich = busy_desk(**MORE_AGENTS)
    reps = 12
    base = run_scenario(lean, reps, seed=3).per_replication
    paired = run_scenario(rich, reps, seed=3).per_replication
    independent = run_scenario(rich, reps, seed=4).per_replication
    d_paired = paired_differences(base, paired)["service_level"]
    d_indep = estimate(
        np.array([r["service_level"] for r in independent])
        - np.array([r["service_level"] for r in base]),
        lower=-np.inf,
    )
    assert d_paired.ci_high - d_paired.ci_low < 0.7 * (d_indep.ci_high - d_indep.ci_low)


def test_verdicts_follow_each_kpis_direction() -> None:
    result = compare(
        {
            "lean": busy_desk(name="lean", **FEWER_AGENTS),
            "rich": busy_desk(name="rich", **MORE_AGENTS),
        },
        baseline="lean",
        replications=6,
        seed=5,
    )
    diffs = result.differences["rich"]
    assert diffs["service_level"].verdict == BETTER
    assert diffs["abandon_rate"].verdict == BETTER  # lower is better
    assert diffs["asa_s"].difference.mean < 0
    # a volume has no better direction: fewer retrials with more agents read "lower"
    offered = diffs["offered_phone"]
    assert offered.difference.ci_high < 0
    assert offered.verdict == LOWER
    reverse = compare(
        {
            "rich": busy_desk(name="rich", **MORE_AGENTS),
            "lean": busy_desk(name="lean", **FEWER_AGENTS),
        },
        baseline="rich",
        replications=6,
        seed=5,
    )
    assert reverse.differences["lean"]["service_level"].verdict == WORSE
    # The same seed gives the baseline the same replications in both comparisons.
    assert result.results["lean"].per_replication == reverse.results["lean"].per_replication


def test_a_kpi_without_a_direction_reads_higher_lower_or_no_difference() -> None:
    def verdict(values: list[float]) -> str:
        d = estimate(np.array(values), lower=-np.inf)
        return Difference("offered_phone", d, d, d).verdict

    assert verdict([40.0, 23.0, 56.0, 44.0]) == HIGHER
    assert verdict([-40.0, -23.0, -56.0, -44.0]) == LOWER
    assert verdict([40.0, -23.0, 5.0, -44.0]) == SAME


def test_replications_are_added_until_the_interval_is_narrow_enough() -> None:
    scenario = busy_desk(calendar={"horizon_days": 2})
    target = 0.02
    n, result = replications_for_precision(scenario, "service_level", target, seed=4, pilot=3)
    e = result.summary["service_level"]
    assert n > 3, "the pilot alone should not be precise enough"
    assert (e.ci_high - e.ci_low) / 2 <= target
    # The run is the same as asking for n replications directly.
    assert run_scenario(scenario, n, seed=4).per_replication == result.per_replication


def test_replications_are_added_until_each_difference_is_resolved() -> None:
    """A large effect is resolved by the pilot; a null one (the same desk under another name)
    never excludes zero, so replications are added up to the cap, unless a half-width target
    says how small a difference may stay unresolved. The replications added are those a single
    run of the same total gives."""
    scenarios = {
        "lean": busy_desk(name="lean", **FEWER_AGENTS),
        "rich": busy_desk(name="rich", **MORE_AGENTS),
        "same": busy_desk(name="same", **FEWER_AGENTS),
    }
    comparison, resolutions = compare_until_resolved(
        scenarios, "lean", ["service_level"], seed=5, pilot=3, max_replications=7
    )
    by_name = {r.alternative: r for r in resolutions}
    assert by_name["rich"].resolved and "excludes zero" in by_name["rich"].how
    assert not by_name["same"].resolved and "cap of 7" in by_name["same"].how
    assert comparison.results["lean"].replications == 7
    direct = run_scenario(scenarios["rich"], 7, seed=5)
    assert comparison.results["rich"].per_replication == direct.per_replication
    assert comparison.results["rich"].summary == direct.summary
    _, resolutions = compare_until_resolved(
        scenarios,
        "lean",
        ["service_level"],
        seed=5,
        half_widths={"service_level": 0.5},
        pilot=3,
        max_replications=7,
    )
    assert all(r.resolved for r in resolutions)
