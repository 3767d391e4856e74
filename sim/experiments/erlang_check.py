"""The Erlang calculator, and the same stationary desk run through the simulation engine.

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
from sim.measures.metrics import Estimate
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
