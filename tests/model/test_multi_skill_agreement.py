"""The engine's agent groups agree with the exact Markov chain of a multi-skill desk.

Each desk is simulated through the full engine (:mod:`sim.experiments.multi_skill_check`) and
every exact measure — per type service level, abandonment and ASA; per group occupancy; per type
the share each group answers — must fall inside the simulated confidence interval. The family is
tested at a Bonferroni-corrected level (5% chance of any false alarm over all comparisons here),
as the Erlang agreement test does.
"""

from __future__ import annotations

import pytest

from sim.experiments.multi_skill_check import (
    StationaryMultiSkill,
    compared_measures,
    served_shares,
)
from sim.measures.metrics import estimate

DESKS = {
    # billing and technical specialists, each overflowing to slower generalists
    "two-specialists-and-generalists": StationaryMultiSkill(
        arrivals_per_h={"billing": 30.0, "tech": 24.0},
        patience_min={"billing": 6.0, "tech": 10.0},
        agents={"billing_team": 3, "tech_team": 2, "generalists": 2},
        handle_min={
            "billing": {"billing_team": 5.0, "generalists": 6.0},
            "tech": {"tech_team": 6.0, "generalists": 8.0},
        },
        route={"billing": ["billing_team", "generalists"], "tech": ["tech_team", "generalists"]},
    ),
    # one-way overflow: second-language callers only reach the bilingual group, which also
    # takes the main language's overflow (and serves its own callers first)
    "bilingual-overflow": StationaryMultiSkill(
        arrivals_per_h={"second_language": 12.0, "main": 60.0},
        patience_min={"second_language": 8.0, "main": 5.0},
        agents={"bilingual": 3, "main_team": 5},
        handle_min={
            "second_language": {"bilingual": 7.0},
            "main": {"main_team": 5.0, "bilingual": 5.0},
        },
        route={"second_language": ["bilingual"], "main": ["main_team", "bilingual"]},
    ),
}
REPLICATIONS = 10
CONTACTS = 50_000


@pytest.mark.parametrize("name", list(DESKS))
def test_simulation_matches_the_multi_skill_chain(name: str) -> None:
    desk = DESKS[name]
    exact = compared_measures(desk)
    level = 1.0 - 0.05 / (len(DESKS) * len(exact))
    result = desk.simulate(CONTACTS, REPLICATIONS, seed=31, workers=1)
    reps = [r | served_shares(r, desk) for r in result.per_replication]
    misses = []
    for measure, value in exact.items():
        e = estimate([r[measure] for r in reps], level=level, upper=float("inf"))
        if not e.ci_low <= value <= e.ci_high:
            misses.append(
                f"{measure}: exact {value:.5g}, simulated [{e.ci_low:.5g}, {e.ci_high:.5g}]"
            )
    assert not misses, "; ".join(misses)
