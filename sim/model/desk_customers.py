"""What the desk and the customer base behind it exchange: the customer base's interface as the
desk sees it, and the work the customer base adds to the desk (complaint callbacks by tier 2,
proactive follow-up calls by the front line)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Protocol

import numpy as np
import simpy

from sim.model.records import CustomerRun
from sim.scenario.customers import ProactiveFollowUp
from sim.scenario.desk import ContactType
from sim.scenario.scenario import Scenario


class CustomerBase(Protocol):
    """What the desk asks of the customer base behind it (:class:`sim.model.customers.
    CustomerModel`): whose accounts are open (they raise the primary contacts), complaints from
    the forecast complaint types, whether a complaint still needs the customer to call, and who has
    left. The customer base runs on the desk's SimPy environment alongside it."""

    def process(self) -> Generator[simpy.Event, None, None]:
        """The customer base's own clock (ticks and days)."""
        ...

    def finish(self, now: float) -> None:
        """Process what is left at the horizon."""
        ...

    def result(self) -> CustomerRun:
        """The customer base's records."""
        ...

    def accounts_open(self) -> np.ndarray:
        """Customers whose account is open (each raises primary contacts at the forecast rate
        per account)."""
        ...

    def open_outside_complaint(self, customer: int, now: float) -> int:
        """A complaint about something outside the desk, raised by a contact of a complaint type
        from the demand forecast; its id."""
        ...

    def handed_over(self, complaint: int) -> bool:
        """Whether a complaint no longer needs the customer to call again."""
        ...

    def gone(self, customer: int) -> bool:
        """Whether the customer has left (their account is closed): they contact nobody."""
        ...


CALLBACK, FOLLOW_UP = "complaint_callback", "follow_up"
"""Work the customer base adds to the desk: tier-2 callbacks on complaints made to management,
large or overdue; and proactive follow-up calls to recovered complainants. Both are deferred
(queued like email: nobody waits on the line)."""


def customer_work(scenario: Scenario) -> dict[str, ContactType]:
    """The callback and follow-up contact types the customer base needs, if any."""
    if scenario.customers is None:
        return {}
    first = scenario.demand.contact_types[next(iter(scenario.customers.complaints.contact_types))]
    deferred = {
        "channel": "email",
        "priority": first.priority,
        "daily_volume": {},
        "profile": "-",
    }
    work = {
        CALLBACK: ContactType.model_validate(
            {
                **deferred,
                "handle_time": first.resolution.tier2_handle_time,
                "resolution": {
                    "tier2_handle_time": first.resolution.tier2_handle_time,
                    "tier2_resolve_prob": 1.0,
                },
            }
        )
    }
    if isinstance(scenario.recovery, ProactiveFollowUp):
        work[FOLLOW_UP] = ContactType.model_validate(
            {
                **deferred,
                "handle_time": scenario.recovery.follow_up_handle,
                "resolution": {"first_contact_prob": 1.0},
            }
        )
    return work
