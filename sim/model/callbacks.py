"""Callbacks (virtual hold): whom to offer one, who accepts, and who answers when called back.

A front-line caller about to queue is offered a callback when their predicted wait is above
``routing.callbacks.offer_above_expected_wait_s``. The prediction is the queue-length predictor
(Whitt 1999; Ibrahim & Whitt 2009): (callers waiting at the front line + 1) × the type's mean handle
time and wrap-up ÷ the agents present in the groups of its route. A caller who accepts keeps their
place without a patience clock; when an agent calls back the caller answers with ``reach_prob``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from sim.model.contact_types import Draw, TypeModel
from sim.scenario.base import mean_min
from sim.scenario.desk import ContactType
from sim.scenario.routing import Callbacks


class CallbackOffers:
    """The callback policy of one replication and its random decisions."""

    def __init__(
        self,
        callbacks: Callbacks,
        contact_types: dict[str, ContactType],
        types: Sequence[TypeModel],
        uniform: Callable[[str, str], Draw],
    ) -> None:
        threshold_s = callbacks.offer_above_expected_wait_s
        self.above_min = math.inf if threshold_s is None else threshold_s / 60.0
        offered = set(callbacks.contact_types or contact_types)
        self.offered = [
            callbacks.on and m.is_phone and name in offered
            for name, m in zip(contact_types, types, strict=True)
        ]
        """Per contact type: whether its callers may be offered a callback."""
        self.mean_work_min = [
            mean_min(ct.handle_time) + ct.wrap_up_s / 60.0 for ct in contact_types.values()
        ]
        self.accept_prob = callbacks.accept_prob
        self.reach_prob = callbacks.reach_prob
        self.u_accept = uniform("callback-accept", "decisions/callback-accept")
        self.u_reach = uniform("callback-reach", "decisions/callback-reach")

    def offered_to(self, k: int, waiting: int, present: int) -> bool:
        """Whether a caller of type ``k`` who finds ``waiting`` callers ahead and ``present``
        agents in their route is offered a callback."""
        if not present:
            return True
        return (waiting + 1) * self.mean_work_min[k] / present > self.above_min

    def accepts(self, key: int) -> bool:
        """Whether the caller keyed ``key`` accepts the callback offered."""
        return self.u_accept(key) < self.accept_prob

    def reached(self, key: int) -> bool:
        """Whether the caller keyed ``key`` answers when called back."""
        return self.u_reach(key) < self.reach_prob
