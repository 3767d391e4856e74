"""The customer base's vocabulary: why an account closed, how a complaint came about, what each
of its keyed random numbers is for, and what its clock reads of a finished contact."""

from __future__ import annotations

from sim.model.keyed import purpose

ACTIVE = 0
REASONS = (
    "active",
    "died",
    "moved",
    "natural_turnover",
    "friend_advice",
    "price",
    "indifference",
    "poor_recovery",
)
"""Status codes: 0 active, else the reason for leaving. The last two are service-driven."""
CHURN_REASONS = REASONS[1:6]
SERVICE_REASONS = ("indifference", "poor_recovery")
INDIFFERENCE, POOR_RECOVERY = (REASONS.index(r) for r in SERVICE_REASONS)

SILENT, FRONT_LINE, MANAGEMENT, NOWHERE, OUTSIDE_DESK = 0, 1, 2, 3, 4
VOICES = ("silent", "front_line", "management", "nowhere", "outside_desk")
"""How a complaint came about: a dissatisfied customer stayed silent, complained to the front line
or management (received), or to nobody who acts (never received); ``outside_desk``: a complaint
contact from the demand forecast, about something the desk did not cause (billing, products)."""
RECEIVED = (FRONT_LINE, MANAGEMENT, OUTSIDE_DESK)
"""Voices whose complaint reaches the company."""

MINUTES_PER_YEAR = 365.25 * 1440.0

Q = {
    name: purpose(name)
    for name in (
        "segment",
        "churn-time",
        "churn-reason",
        "episode",
        "voice",
        "where",
        "stay",
        "told",
        "complaint-delay",
        "channel",
        "complaint",
        "retain",
        "exit-delay",
        "acquired",
        "history",
        "history-pick",
        "contact",
        "callback",
        "follow-up",
    )
}
"""What each keyed number of the customer base is for (:mod:`sim.model.keyed`): every draw is
keyed by the customer (and their episode or complaint), so two policies give a customer the same
decisions until their paths diverge."""
DECISION = tuple(Q[w] for w in ("voice", "where", "stay", "told", "complaint-delay", "channel"))
"""The numbers a newly dissatisfied customer's decision draws on (one pass of the hash)."""
MOMENT_COLUMNS = (
    "type_code",
    "arrival_min",
    "answer_min",
    "end_min",
    "outcome",
    "resolved",
    "follow_up",
    "attempt",
    "complaint",
)
"""What the customer clock reads of each finished contact."""
