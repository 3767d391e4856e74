"""A stationary multi-skill desk both ways: solved exactly as a Markov chain
(:mod:`sim.queueing.multi_skill`) and simulated by the full engine with agent groups.

The desk is open around the clock with Poisson arrivals per contact type, exponential handle times
per type and group, exponential patience, fixed groups, static priority routes (immediate
overflow) and agents who take the highest-priority waiting type first. Every contact is resolved
first time, so nothing comes back. That is the chain's model exactly, so the chain's measures must
fall inside the simulated confidence intervals: the engine's routing, overflow, queue discipline
and per-group handle times are checked against an independent, exact reference.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from sim.experiments.replications import ScenarioResult, run_scenario
from sim.measures.estimates import estimate
from sim.queueing.multi_skill import MultiSkillDesk, MultiSkillKpis, solve_multi_skill
from sim.scenario.desk import WEEKDAYS
from sim.scenario.scenario import Scenario


@dataclass(frozen=True)
class StationaryMultiSkill:
    """A 24/7 multi-skill desk. Types are listed in priority order (the first is served first
    by any agent who may take it).

    Attributes:
        arrivals_per_h: Contact type → arrivals per hour.
        patience_min: Contact type → mean patience, minutes (None: never abandons).
        agents: Group → agents.
        handle_min: Contact type → group → mean handle time, minutes (groups left out do not
            serve the type).
        route: Contact type → groups in order of preference.
        sl_seconds: Service-level threshold.
    """

    arrivals_per_h: Mapping[str, float]
    patience_min: Mapping[str, float | None]
    agents: Mapping[str, int]
    handle_min: Mapping[str, Mapping[str, float]]
    route: Mapping[str, Sequence[str]]
    sl_seconds: float = 20.0
    types: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "types", tuple(self.arrivals_per_h))

    def chain(self) -> MultiSkillDesk:
        """The desk as the Markov chain's input."""
        groups = tuple(self.agents)
        return MultiSkillDesk(
            arrival_rate_per_min={k: r / 60.0 for k, r in self.arrivals_per_h.items()},
            abandon_rate_per_min={
                k: 0.0 if p is None else 1.0 / p for k, p in self.patience_min.items()
            },
            agents=dict(self.agents),
            handle_min={k: {g: self.handle_min[k].get(g) for g in groups} for k in self.types},
            route={k: list(self.route[k]) for k in self.types},
            serve_order={g: [k for k in self.types if g in self.handle_min[k]] for g in groups},
        )

    def analytic(self) -> MultiSkillKpis:
        """The chain's exact steady state, with the service-level threshold."""
        return solve_multi_skill(self.chain(), sl_threshold_min=self.sl_seconds / 60.0)

    def scenario(self, contacts: int) -> Scenario:
        """The desk as a scenario with about ``contacts`` contacts after a warm-up of 100 mean
        handle times (and 20 mean patience times if longer)."""
        longest_handle = max(h for per in self.handle_min.values() for h in per.values())
        longest_patience = max((p or 0.0) for p in self.patience_min.values())
        warmup_min = max(100.0 * longest_handle, 20.0 * longest_patience)
        rate = sum(self.arrivals_per_h.values()) / 60.0
        days = math.ceil((warmup_min + contacts / rate) / 1440.0)
        contact_types = {}
        routes = {}
        for priority, k in enumerate(self.types, start=1):
            first = self.route[k][0]
            patience = self.patience_min[k]
            contact_types[k] = {
                "channel": "phone",
                "priority": min(priority, 9),
                "profile": "flat",
                "daily_volume": {d: self.arrivals_per_h[k] * 24.0 for d in WEEKDAYS},
                "handle_time": {"kind": "exponential", "mean_min": self.handle_min[k][first]},
                "patience": {"kind": "none"}
                if patience is None
                else {"kind": "exponential", "mean_min": patience},
                "resolution": {"first_contact_prob": 1.0},
            }
            routes[k] = {"tier1": [{"group": g} for g in self.route[k]]}
        groups = {
            g: {
                "tier": 1,
                "roster": {"kind": "fixed", "agents": n},
                "skills": {
                    k: {"handle_time_factor": per[g] / per[self.route[k][0]]}
                    for k, per in self.handle_min.items()
                    if g in per
                },
            }
            for g, n in self.agents.items()
        }
        return Scenario.model_validate(
            {
                "name": "multi-skill",
                "description": "Stationary multi-skill desk checked against its Markov chain.",
                "calendar": {
                    "start_date": "2027-01-04",
                    "horizon_days": days,
                    "interval_min": 60,
                    "opening_hours": {d: {"open_h": 0, "close_h": 24} for d in WEEKDAYS},
                    "warmup_min": warmup_min,
                },
                "demand": {"profiles": {"flat": [1.0] * 24}, "contact_types": contact_types},
                "staffing": {"groups": groups},
                "routing": {"contact_to_group": {"kind": "priority_list", "routes": routes}},
                "service_level": {"threshold_s": self.sl_seconds},
            }
        )

    def simulate(
        self, contacts: int, replications: int, seed: int, workers: int = 0
    ) -> ScenarioResult:
        """Run the desk through the full simulation engine."""
        return run_scenario(self.scenario(contacts), replications, seed, workers=workers)


def compared_measures(desk: StationaryMultiSkill) -> dict[str, float]:
    """The chain's measures under the simulation's KPI names: per type service level,
    abandonment rate and ASA; per group occupancy; per type and group the share of the type's
    contacts each group answers."""
    exact = desk.analytic()
    out: dict[str, float] = {}
    for k, t in exact.types.items():
        out[f"service_level_by_type.{k}"] = t.service_level or 0.0
        out[f"abandon_rate_by_type.{k}"] = t.p_abandon
        out[f"asa_s_by_type.{k}"] = (t.asa_min or 0.0) * 60.0
        for g, share in t.served_share.items():
            out[f"served_share.{k}/{g}"] = share
    for g, occ in exact.occupancy.items():
        out[f"occupancy_by_group.{g}"] = occ
    return out


def served_shares(kpis: Mapping[str, float], desk: StationaryMultiSkill) -> dict[str, float]:
    """Per type and group, the share of the type's answered contacts the group answered, from
    one replication's ``served.<type>/<group>`` counts."""
    out = {}
    for k in desk.types:
        total = sum(kpis[f"served.{k}/{g}"] for g in desk.agents if g in desk.handle_min[k])
        for g in desk.agents:
            if g in desk.handle_min[k]:
                out[f"served_share.{k}/{g}"] = kpis[f"served.{k}/{g}"] / total if total else 0.0
    return out


REFERENCE_DESKS: dict[str, StationaryMultiSkill] = {
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
"""The two desks the engine's agent groups are checked on (tests, the validation notebook)."""


def family_level(desks: Mapping[str, StationaryMultiSkill], alpha: float = 0.05) -> float:
    """The confidence level of each interval when every measure of every desk is compared at
    once, Bonferroni-corrected so that the chance of any false alarm is at most ``alpha``."""
    comparisons = sum(len(compared_measures(desk)) for desk in desks.values())
    return 1.0 - alpha / comparisons


def agreement_rows(
    desk: str,
    exact: Mapping[str, float],
    per_replication: Sequence[Mapping[str, float]],
    level: float,
) -> list[dict[str, object]]:
    """One table row per exact measure of ``desk``: the simulated mean of the KPI of the same
    name, its confidence interval at ``level``, and whether the exact value lies inside."""
    rows: list[dict[str, object]] = []
    for measure, value in exact.items():
        e = estimate([r[measure] for r in per_replication], level=level, upper=math.inf)
        rows.append(
            {
                "desk": desk,
                "measure": measure,
                "exact": value,
                "mean": e.mean,
                "ci_low": e.ci_low,
                "ci_high": e.ci_high,
                "level": level,
                "replications": e.n,
                "inside": bool(e.ci_low <= value <= e.ci_high),
            }
        )
    return rows


def multi_skill_agreement(
    desks: Mapping[str, StationaryMultiSkill] = REFERENCE_DESKS,
    contacts: int = 50_000,
    replications: int = 10,
    seed: int = 31,
    level: float | None = None,
    workers: int = 1,
) -> pd.DataFrame:
    """Each desk's exact chain measures against the simulated ones: one row per desk and measure
    (:func:`compared_measures`), with the simulated mean, its confidence interval at ``level``
    (default: :func:`family_level` over ``desks``) and ``inside`` telling whether the exact value
    lies in it."""
    level = family_level(desks) if level is None else level
    rows = []
    for name, desk in desks.items():
        exact = compared_measures(desk)
        result = desk.simulate(contacts, replications, seed, workers=workers)
        reps = [r | served_shares(r, desk) for r in result.per_replication]
        rows += agreement_rows(name, exact, reps, level)
    return pd.DataFrame(rows)
