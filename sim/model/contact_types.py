"""The contact types as the desk's hot path reads them: channel, probabilities and the random
draws of every duration, one object per type."""

from __future__ import annotations

from collections.abc import Callable

from sim.model.dispatch import CHAT, EMAIL, PHONE
from sim.model.keyed import Dist
from sim.scenario.base import NoPatience
from sim.scenario.desk import ContactType

Draw = Callable[[int], float]
"""A number for the contact whose key is given: keyed by that identity with a customer base,
the next number of a named stream without one (the key is then ignored)."""

DurationSource = Callable[[Dist, str, str], Draw]
"""Durations of a distribution, for a purpose, from a named stream: ``(dist, what, stream)``."""


class TypeModel:
    """Per contact type: the numbers and random draws the hot path needs."""

    __slots__ = (
        "channel",
        "escalate_prob",
        "fcr_prob",
        "handle_dist",
        "is_chat",
        "is_phone",
        "is_realtime",
        "max_repeat_attempts",
        "max_retrial_attempts",
        "patience",
        "patience_dist",
        "repeat_delay",
        "retrial_delay",
        "retrial_prob",
        "tier1_handle",
        "tier2_handle",
        "tier2_resolve_prob",
        "wrap_min",
    )


def type_model(name: str, ct: ContactType, duration: DurationSource) -> TypeModel:
    """The model of contact type ``name``: its channel, probabilities and duration draws (from
    ``duration(dist, what, stream)``: keyed by the contact, or from a named stream)."""
    m = TypeModel()
    m.is_phone = ct.channel == "phone"
    m.is_chat = ct.channel == "chat"
    m.is_realtime = m.is_phone or m.is_chat
    m.channel = {"phone": PHONE, "chat": CHAT, "email": EMAIL}[ct.channel]
    m.wrap_min = ct.wrap_up_s / 60.0
    m.patience_dist = ct.patience
    m.handle_dist = ct.handle_time
    m.patience = (
        None
        if isinstance(ct.patience, NoPatience)
        else duration(ct.patience, "patience", f"patience-secondary/{name}")
    )
    m.tier1_handle = duration(ct.handle_time, "handle", f"handle-secondary/{name}")
    m.tier2_handle = duration(
        ct.resolution.tier2_handle_time, "tier2-handle", f"tier2-handle/{name}"
    )
    m.fcr_prob = ct.resolution.first_contact_prob
    m.escalate_prob = ct.resolution.escalate_prob
    m.tier2_resolve_prob = ct.resolution.tier2_resolve_prob
    m.repeat_delay = duration(ct.resolution.repeat_delay, "repeat-delay", f"repeat-delay/{name}")
    m.max_repeat_attempts = ct.resolution.max_attempts
    m.retrial_prob = ct.retrial.probability
    m.retrial_delay = duration(ct.retrial.delay, "retrial-delay", f"retrial-delay/{name}")
    m.max_retrial_attempts = ct.retrial.max_attempts
    return m
