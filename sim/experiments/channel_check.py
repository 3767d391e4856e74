"""Callbacks and chat checked against cases with a known answer, through the full engine.

* **Callbacks for everyone who would wait.** When every caller who would have to queue accepts a
  callback, keeps their place and is always reached, nobody abandons and callbacks are made in
  the order of the calls: an Erlang A desk becomes the Erlang C desk with the same agents and
  load. Its P(wait), service level (a callback within the threshold counts as answered on time)
  and the mean wait of those who waited, 1 / (nμ − λ), are exact.
* **Chat without slowdown.** n agents who may each hold k chat sessions, with no slowdown, are
  n·k servers: the Erlang A desk with n·k agents.

Both desks are the stationary desk of :mod:`sim.experiments.erlang_check`, changed where said.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sim.experiments.erlang_check import StationaryDesk
from sim.experiments.multi_skill_check import agreement_rows
from sim.experiments.replications import run_scenario
from sim.queueing import erlang_a_kpis, erlang_c_kpis
from sim.scenario.scenario import Scenario


@dataclass(frozen=True)
class CallbackDesk:
    """An Erlang A desk whose every caller who would wait accepts a callback and is reached."""

    arrivals_per_h: float = 216.0
    agents: int = 20
    aht_min: float = 5.0
    patience_min: float = 3.0
    sl_seconds: float = 20.0

    def scenario(self, contacts: int) -> Scenario:
        """The desk as a scenario with about ``contacts`` calls after a warm-up."""
        desk = StationaryDesk(
            self.arrivals_per_h, self.agents, self.aht_min, self.patience_min, self.sl_seconds
        )
        data = desk.scenario(contacts).model_dump(mode="json")
        data["routing"]["callbacks"] = {
            "offer_above_expected_wait_s": 0.001,
            "accept_prob": 1.0,
            "reach_prob": 1.0,
            "answer_within_min": self.sl_seconds / 60.0,
        }
        return Scenario.model_validate(data)

    def erlang_c(self, contacts: int) -> Scenario:
        """The same desk without patience and without callbacks: the Erlang C desk."""
        desk = StationaryDesk(self.arrivals_per_h, self.agents, self.aht_min, None, self.sl_seconds)
        return desk.scenario(contacts)

    def exact(self) -> dict[str, float]:
        """The Erlang C answers under the simulation's KPI names."""
        rate = self.arrivals_per_h / 60.0
        kpis = erlang_c_kpis(rate, self.agents, self.aht_min, self.sl_seconds)
        return {
            "p_wait": kpis.p_wait,
            "service_level": kpis.service_level,
            "callback_mean_delay_s": 60.0 / (self.agents / self.aht_min - rate),
        }


@dataclass(frozen=True)
class ChatDesk:
    """A desk of chat agents who may each hold ``sessions`` chats, with exponential patience;
    ``channel: phone`` makes it the phone desk, for comparison."""

    agents: int = 5
    sessions: int = 3
    aht_min: float = 6.0
    patience_min: float = 2.0
    load: float = 0.95
    slowdown: float = 0.0
    channel: str = "chat"
    sl_seconds: float = 20.0

    @property
    def arrivals_per_h(self) -> float:
        return self.agents * self.sessions * 60.0 / self.aht_min * self.load

    def scenario(self, contacts: int) -> Scenario:
        """The desk as a scenario with about ``contacts`` chats after a warm-up."""
        desk = StationaryDesk(
            self.arrivals_per_h, self.agents, self.aht_min, self.patience_min, self.sl_seconds
        )
        data = desk.scenario(contacts).model_dump(
            mode="json", exclude={"staffing": {"tier1", "tier2"}}
        )
        data["demand"]["contact_types"]["call"]["channel"] = self.channel
        data["staffing"]["groups"] = {
            "chat_team": {
                "roster": {"kind": "fixed", "agents": self.agents},
                "chat": {
                    "max_sessions": self.sessions,
                    "slowdown_per_extra_session": self.slowdown,
                },
            }
        }
        return Scenario.model_validate(data)

    def exact(self) -> dict[str, float]:
        """Erlang A with agents × sessions servers (without slowdown), under the simulation's
        KPI names."""
        kpis = erlang_a_kpis(
            self.arrivals_per_h / 60.0,
            self.agents * self.sessions,
            self.aht_min,
            self.patience_min,
            self.sl_seconds,
        )
        return {"chat_service_level": kpis.service_level, "chat_abandon_rate": kpis.p_abandon}


def channel_agreement(
    contacts: int = 40_000, replications: int = 10, seed: int = 5, workers: int = 1
) -> pd.DataFrame:
    """The callback and chat desks' exact measures against the simulated ones: one row per desk
    and measure, with the simulated mean, its confidence interval at the Bonferroni level over
    all rows (5% chance of any false alarm) and ``inside`` telling whether the exact value lies
    in it."""
    desks: dict[str, CallbackDesk | ChatDesk] = {
        "callbacks for all who wait": CallbackDesk(),
        "chat, 3 sessions per agent": ChatDesk(),
    }
    exact = {name: desk.exact() for name, desk in desks.items()}
    level = 1.0 - 0.05 / sum(len(e) for e in exact.values())
    rows = []
    for name, desk in desks.items():
        result = run_scenario(desk.scenario(contacts), replications, seed, workers=workers)
        rows += agreement_rows(name, exact[name], result.per_replication, level)
    return pd.DataFrame(rows)
