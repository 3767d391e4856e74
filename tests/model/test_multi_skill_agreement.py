"""The engine's agent groups agree with the exact Markov chain of a multi-skill desk.

Each desk is simulated through the full engine (:mod:`sim.experiments.multi_skill_check`) and
every exact measure — per type service level, abandonment and ASA; per group occupancy; per type
the share each group answers — must fall inside the simulated confidence interval. The family is
tested at a Bonferroni-corrected level (5% chance of any false alarm over all comparisons of both
desks, :func:`~sim.experiments.multi_skill_check.family_level`), as the Erlang agreement test does.
"""

from __future__ import annotations

import pytest

from sim.experiments.multi_skill_check import (
    REFERENCE_DESKS,
    family_level,
    multi_skill_agreement,
)

REPLICATIONS = 10
CONTACTS = 50_000


@pytest.mark.parametrize("name", list(REFERENCE_DESKS))
def test_simulation_matches_the_multi_skill_chain(name: str) -> None:
    table = multi_skill_agreement(
        {name: REFERENCE_DESKS[name]},
        CONTACTS,
        REPLICATIONS,
        seed=31,
        level=family_level(REFERENCE_DESKS),
        workers=1,
    )
    misses = [
        f"{row.measure}: exact {row.exact:.5g}, simulated [{row.ci_low:.5g}, {row.ci_high:.5g}]"
        for row in table.itertuples()
        if not row.inside
    ]
    assert len(table) > 10
    assert not misses, "; ".join(misses)
