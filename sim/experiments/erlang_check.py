"""The Erlang calculator, and the same stationary desk run through the simulation engine.

The calculator answers both ways round: the service a given team gives, and the team a service
target needs (:func:`staff_for_targets`: agents for a service level, an average speed of answer
or an abandonment cap, with occupancy and the FTE to roster once shrinkage is paid for).

A stationary desk — constant arrival rate around the clock, one phone queue, exponential handle
times (and exponential patience for Erlang A), a fixed team, everything resolved first time — is
the case queueing theory solves exactly. Simulating it with the full engine and finding the
analytic values inside the simulated confidence intervals is the first evidence that the engine is
right.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.experiments.replications import ScenarioResult, run_scenario
from sim.measures.estimates import Estimate
from sim.scenario.desk import WEEKDAYS
from sim.scenario.scenario import Scenario

MEASURES = {
    "p_wait": "p_wait",
    "asa_s": "asa_s",
    "service_level": "service_level",
    "p_abandon": "abandon_rate",
}
"""Calculator measure → simulation KPI."""


@dataclass(frozen=True)
class StationaryDesk:
    """A 24/7 single-queue desk: Poisson arrivals, exponential handle times, a fixed team, and
    exponential patience (Erlang A) or none (Erlang C)."""

    arrivals_per_h: float
    agents: int
    aht_min: float
    patience_min: float | None = None
    sl_seconds: float = 20.0

    def analytic(self) -> dict[str, float]:
        """Erlang C or Erlang A measures: p_wait, asa_s, service_level, p_abandon."""
        from sim.queueing import erlang_a_kpis, erlang_c_kpis

        rate = self.arrivals_per_h / 60.0
        if self.patience_min is None:
            k = erlang_c_kpis(rate, self.agents, self.aht_min, self.sl_seconds)
        else:
            k = erlang_a_kpis(rate, self.agents, self.aht_min, self.patience_min, self.sl_seconds)
        return {
            "p_wait": k.p_wait,
            "asa_s": k.asa_min * 60.0,
            "service_level": k.service_level,
            "p_abandon": k.p_abandon,
        }

    def scenario(self, contacts: int) -> Scenario:
        """The desk as a scenario with about ``contacts`` calls after a warm-up.

        The warm-up (left out of the measures) is 100 mean handle times, and 20 mean patience
        times if longer, so the empty start has been forgotten.
        """
        warmup_min = max(100.0 * self.aht_min, 20.0 * (self.patience_min or 0.0))
        days = math.ceil((warmup_min + contacts / (self.arrivals_per_h / 60.0)) / 1440.0)
        patience = (
            {"kind": "none"}
            if self.patience_min is None
            else {"kind": "exponential", "mean_min": self.patience_min}
        )
        return Scenario.model_validate(
            {
                "name": "erlang",
                "description": "Stationary M/M/n(+M) desk for the Erlang calculator.",
                "calendar": {
                    "start_date": "2027-01-04",
                    "horizon_days": days,
                    "interval_min": 60,
                    "opening_hours": {d: {"open_h": 0, "close_h": 24} for d in WEEKDAYS},
                    "warmup_min": warmup_min,
                },
                "demand": {
                    "profiles": {"flat": [1.0] * 24},
                    "contact_types": {
                        "call": {
                            "channel": "phone",
                            "priority": 1,
                            "profile": "flat",
                            "daily_volume": {d: self.arrivals_per_h * 24.0 for d in WEEKDAYS},
                            "handle_time": {"kind": "exponential", "mean_min": self.aht_min},
                            "patience": patience,
                            "resolution": {"first_contact_prob": 1.0},
                        }
                    },
                },
                "staffing": {
                    "tier1": {"kind": "fixed", "agents": self.agents},
                    "tier2": {"kind": "fixed", "agents": 0},
                },
                "service_level": {"threshold_s": self.sl_seconds},
            }
        )

    def simulate(
        self, contacts: int, replications: int, seed: int, workers: int = 0
    ) -> ScenarioResult:
        """Run the desk through the full simulation engine."""
        return run_scenario(self.scenario(contacts), replications, seed, workers=workers)

    def simulated_measures(
        self, contacts: int, replications: int, seed: int, workers: int = 0
    ) -> SimulatedErlang:
        """The calculator's measures, simulated, with confidence intervals."""
        result = self.simulate(contacts, replications, seed, workers)
        return SimulatedErlang(
            estimates={m: result.summary[kpi] for m, kpi in MEASURES.items()},
            contacts_simulated=result.contacts_simulated,
            wall_s=result.wall_s,
        )


@dataclass(frozen=True)
class SimulatedErlang:
    """Simulated calculator measures with confidence intervals."""

    estimates: dict[str, Estimate]
    contacts_simulated: int
    wall_s: float


@dataclass(frozen=True)
class StaffingAnswer:
    """The agents a stationary desk needs for its targets."""

    agents: int
    """The most any target needs: every target is met with this many agents answering."""
    needed: dict[str, int]
    """Each target (as text) → the fewest agents meeting it alone."""
    binding: str
    """The target that needs the most agents."""
    occupancy: float
    """Share of agent time busy at ``agents``."""
    shrinkage: float
    """Share of paid time not available to answer (breaks, training, absence)."""

    @property
    def fte(self) -> float:
        """Paid agents to roster so that ``agents`` are answering: agents / (1 - shrinkage)."""
        return self.agents / (1.0 - self.shrinkage)


def staff_for_targets(
    arrivals_per_h: float,
    aht_min: float,
    patience_min: float | None = None,
    sl_seconds: float = 20.0,
    target_service_level: float | None = None,
    target_asa_s: float | None = None,
    max_abandon_rate: float | None = None,
    shrinkage: float = 0.0,
) -> StaffingAnswer:
    """Agents needed to meet every given target (Erlang C without patience, Erlang A with it),
    with the occupancy they run at and the FTE after shrinkage.

    Raises:
        ValueError: no target given, an abandonment cap without patience, or a target out of
            reach.
    """
    from sim.queueing import (
        agents_for_abandonment,
        agents_for_asa,
        agents_for_service_level,
        erlang_a_kpis,
        erlang_c_kpis,
    )

    rate = arrivals_per_h / 60.0
    needed: dict[str, int] = {}
    if target_service_level is not None:
        needed[f"service level >= {target_service_level:.0%} within {sl_seconds:g} s"] = (
            agents_for_service_level(rate, aht_min, target_service_level, sl_seconds, patience_min)
        )
    if target_asa_s is not None:
        needed[f"ASA <= {target_asa_s:g} s"] = agents_for_asa(
            rate, aht_min, target_asa_s, patience_min
        )
    if max_abandon_rate is not None:
        if patience_min is None:
            raise ValueError("an abandonment cap needs a mean patience (Erlang A)")
        needed[f"abandonment <= {max_abandon_rate:.1%}"] = agents_for_abandonment(
            rate, aht_min, patience_min, max_abandon_rate
        )
    if not needed:
        raise ValueError("give a target: service level, ASA or abandonment")
    binding = max(needed, key=lambda k: needed[k])
    agents = needed[binding]
    if patience_min is None:
        kpis = erlang_c_kpis(rate, agents, aht_min, sl_seconds)
    else:
        kpis = erlang_a_kpis(rate, agents, aht_min, patience_min, sl_seconds)
    return StaffingAnswer(agents, needed, binding, kpis.occupancy, shrinkage)
