"""What a replication records: every contact in compact columns, the agents over time, and the
customer base's tables (:class:`DeskRun` holds them all).

One row per contact attempt at one tier: a caller who abandons and calls back is two rows (the
second with ``attempt`` 2 and ``parent`` pointing at the first); a contact escalated to tier 2 is a
new row at tier 2 whose parent is the front-line row. Columns are typed ``array.array`` buffers (a
few dozen bytes per contact, no Python object per contact) and become numpy arrays at the end.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np

from sim.model.calendar import CalendarPlan

WAITING, ANSWERED, ABANDONED, DISCONNECTED = 0, 1, 2, 3
OUTCOMES = ("waiting", "answered", "abandoned", "disconnected")
"""Outcome codes: still waiting at the horizon; answered (service started); abandoned (caller hung
up); disconnected (caller still waiting when the desk closed)."""

NO_FOLLOW_UP, ESCALATED, REPEAT, RETRIAL = 0, 1, 2, 3
FOLLOW_UPS = ("none", "escalated", "repeat", "retrial")
"""What a contact led to: nothing, an escalation to tier 2, a later repeat contact, a retrial."""

NOT_YET, UNRESOLVED, RESOLVED = -1, 0, 1

NO_CALLBACK, CALLBACK_DECLINED, CALLBACK_ACCEPTED = 0, 1, 2
CALLBACKS = ("none", "declined", "accepted")
"""Callbacks (virtual hold): not offered; offered and declined (the caller queued); accepted
(the caller hung up, kept their place and was called back, or not reached)."""


class ContactLog:
    """Append-only columns, one entry per contact; state and record at once.

    Each column is an ``array.array`` grown a block of entries at a time, at the value an entry
    starts at (tier 1, first attempt, no parent, customer or complaint; not yet answered, ended
    or resolved), so the columns are longer than the log: read them through :meth:`to_table`.
    The simulation reads and writes them through memoryviews (the attributes named after
    the columns), which store a number without the argument parsing ``array`` item assignment
    goes through; they are made afresh whenever the arrays grow, so hold none across an
    :meth:`add`.
    """

    __slots__ = (
        "answer_min",
        "arrays",
        "arrival_min",
        "attempt",
        "callback",
        "capacity",
        "complaint",
        "customer",
        "end_min",
        "follow_up",
        "group",
        "handle_min",
        "key",
        "n",
        "outcome",
        "parent",
        "resolved",
        "tier",
        "type_code",
        "u_resolve",
    )

    BLOCK = 1 << 16
    """Entries the columns grow by at a time."""

    COLUMNS = (
        ("arrival_min", "d", 0.0),
        ("handle_min", "f", 0.0),
        ("u_resolve", "f", 0.0),
        ("type_code", "b", 0),
        ("answer_min", "d", np.nan),
        ("end_min", "d", np.nan),
        ("tier", "b", 1),
        ("group", "b", -1),
        ("callback", "b", NO_CALLBACK),
        ("attempt", "b", 1),
        ("outcome", "b", WAITING),
        ("resolved", "b", NOT_YET),
        ("follow_up", "b", NO_FOLLOW_UP),
        ("parent", "i", -1),
        ("customer", "i", -1),
        ("complaint", "i", -1),
        ("key", "Q", 0),
    )
    """The columns: name, type code and the value an entry starts at. ``group`` is the agent
    group that answered (an index into the desk's groups; -1 until answered), ``callback`` a
    ``CALLBACKS`` code, ``key`` each contact's identity for keyed random numbers
    (:mod:`sim.model.keyed`; 0 when the desk draws from named streams)."""

    def __init__(self) -> None:
        self.arrays = {name: array(typecode) for name, typecode, _ in self.COLUMNS}
        """The columns' storage, by name."""
        for name, array_ in self.arrays.items():
            setattr(self, name, memoryview(array_))
        self.n = 0
        """Contacts in the log."""
        self.capacity = 0
        """Entries the columns hold."""

    def __len__(self) -> int:
        return self.n

    def add(
        self,
        arrival_min: float,
        type_code: int,
        tier: int,
        attempt: int,
        handle_min: float,
        u_resolve: float,
        parent: int = -1,
        customer: int = -1,
        complaint: int = -1,
        key: int = 0,
    ) -> int:
        """Append a waiting contact and return its id."""
        cid = self.n
        if cid == self.capacity:
            self._grow()
        self.n = cid + 1
        self.arrival_min[cid] = arrival_min
        self.handle_min[cid] = handle_min
        self.u_resolve[cid] = u_resolve
        self.type_code[cid] = type_code
        if tier != 1:
            self.tier[cid] = tier
        if attempt != 1:
            self.attempt[cid] = attempt if attempt < 127 else 127
        if parent >= 0:
            self.parent[cid] = parent
        if customer >= 0:
            self.customer[cid] = customer
        if complaint >= 0:
            self.complaint[cid] = complaint
        if key:
            self.key[cid] = key
        return cid

    def _grow(self) -> None:
        """A block more of every column, at its starting value (the views are let go of while
        the arrays grow, and made afresh)."""
        for name, typecode, value in self.COLUMNS:
            getattr(self, name).release()
            self.arrays[name].extend(array(typecode, [value]) * self.BLOCK)
            setattr(self, name, memoryview(self.arrays[name]))
        self.capacity += self.BLOCK

    def column(self, name: str) -> np.ndarray:
        """Column ``name`` as a numpy view of its first ``len(self)`` entries (valid until the
        next :meth:`add`)."""
        column = self.arrays[name]
        return np.frombuffer(column, dtype=column.typecode)[: self.n]

    def to_table(self) -> ContactTable:
        """Numpy views of the columns, without copying (``u_resolve`` and ``key`` are simulation
        state and are left out). The log must not be appended to afterwards."""
        return ContactTable(
            **{name: self.column(name) for name in ContactTable.__dataclass_fields__}
        )


@dataclass(frozen=True)
class ContactTable:
    """Per-contact columns (numpy). Times are clock minutes; NaN where not reached."""

    arrival_min: np.ndarray
    answer_min: np.ndarray
    end_min: np.ndarray
    """Abandon/disconnect time, or end of talk for answered contacts (before wrap-up)."""
    handle_min: np.ndarray
    type_code: np.ndarray
    tier: np.ndarray
    group: np.ndarray
    """The agent group that answered (an index into ``DeskRun.group_names``); -1 if not."""
    callback: np.ndarray
    """Callback (virtual hold) offered and accepted or declined: ``CALLBACKS`` codes."""
    attempt: np.ndarray
    outcome: np.ndarray
    resolved: np.ndarray
    follow_up: np.ndarray
    parent: np.ndarray
    customer: np.ndarray
    """The customer who made the contact (-1 without a customer base)."""
    complaint: np.ndarray
    """The complaint this contact is about (-1 if none)."""

    def __len__(self) -> int:
        return len(self.arrival_min)

    def rows(self, start: int, stop: int) -> ContactTable:
        """Rows ``start`` to ``stop - 1`` as another table of views (no copy), as slicing."""
        return ContactTable(
            **{name: getattr(self, name)[start:stop] for name in ContactTable.__dataclass_fields__}
        )

    @property
    def wait_min(self) -> np.ndarray:
        """Time in queue: until answered, abandoned or disconnected (NaN if still waiting)."""
        left = np.where(np.isnan(self.answer_min), self.end_min, self.answer_min)
        return left - self.arrival_min


@dataclass(frozen=True)
class CustomerRun:
    """What the customer base recorded in one replication (times on the simulation clock; with a
    burn-in, negative times are before the start date)."""

    segment_names: tuple[str, ...]
    daily: dict[str, np.ndarray]
    """Per day from the start date: open accounts (in all and per segment), accounts open but
    leaving, acquired, closed, customers lost by reason (decisions), advocates, dissatisfied
    episodes and complaints made that reach the company."""
    episodes: dict[str, np.ndarray]
    """One row per dissatisfaction episode: customer, time, large problem, voice, complaint,
    decided to leave."""
    complaints: dict[str, np.ndarray]
    """One row per complaint: customer, the bad moment, received (NaN: never), start of the
    recovery clock, large, voice, resolved (NaN: not), closed and when (the stay-or-leave decision
    is taken then), retained (-1 open, 0 lost, 1 kept), escalated, compensation paid."""
    accounts: dict[str, np.ndarray]
    """Every account: segment, status (0 open, else the reason it closed), joined, decided to
    leave (NaN: never) and why, left (NaN: open)."""
    initial: int
    """Accounts at the start date (the scenario's ``customers.accounts``)."""


@dataclass(frozen=True)
class StaffRun:
    """What the agents went through (with ``workforce`` fatigue, satisfaction or attrition).
    Per group, in the order of ``DeskRun.group_names``."""

    sample_min: np.ndarray
    """The pressure meter's sample times."""
    fatigue: tuple[np.ndarray, ...]
    """Per group, fatigue after each sample (0 throughout without ``fatigue``)."""
    satisfaction: tuple[np.ndarray, ...]
    """Per group, the staff satisfaction index after each sample (1 without it)."""
    day: np.ndarray
    """Days (index on the plan's calendar) the staff moved on (with ``attrition``; else empty)."""
    establishment: np.ndarray
    """Per group, the staff its roster needs (agents at contract hours)."""
    staff: tuple[np.ndarray, ...]
    """Per group and day, agents on the staff after the day's hires and leavers."""
    leavers: tuple[np.ndarray, ...]
    hires: tuple[np.ndarray, ...]
    """Per group and day, new hires who started."""
    new_hire_handle: tuple[np.ndarray, ...]
    """Per group and day, the staff's mean handle-time multiplier from new hires learning."""


@dataclass(frozen=True)
class DeskRun:
    """Everything one replication of the desk recorded."""

    contacts: ContactTable
    type_names: tuple[str, ...]
    is_phone: np.ndarray
    """Per contact type: True for phone (real time), False for chat and email."""
    is_chat: np.ndarray
    """Per contact type: True for chat (real time, several sessions per agent)."""
    roster: dict[int, tuple[np.ndarray, np.ndarray]]
    """Tier → (times_min, agents) rostered after shrinkage (available to take contacts)."""
    paid: dict[int, tuple[np.ndarray, np.ndarray]]
    """Tier → (times_min, agents) rostered before shrinkage (paid)."""
    present: dict[int, tuple[np.ndarray, np.ndarray]]
    """Tier → (times_min, agents) actually at work (rostered plus those finishing a contact)."""
    group_names: tuple[str, ...]
    """The agent groups (``contacts.group`` indexes them)."""
    group_tier: np.ndarray
    group_roster: tuple[tuple[np.ndarray, np.ndarray], ...]
    """Per group, as ``roster`` per tier (the tier's is the sum of its groups')."""
    group_paid: tuple[tuple[np.ndarray, np.ndarray], ...]
    group_attending: tuple[tuple[np.ndarray, np.ndarray], ...]
    """Per group, the rostered agents who came (the roster less unplanned absence and vacancies;
    the roster itself without ``workforce.absence`` and ``attrition``). Agents present beyond
    these are on overtime."""
    group_present: tuple[tuple[np.ndarray, np.ndarray], ...]
    group_skills: np.ndarray
    """Group × contact type: True where the group may answer the type."""
    pressure: tuple[np.ndarray, tuple[np.ndarray, ...]] | None
    """Work pressure (with a workforce section): sample times, and per group the pressure after
    each sample."""
    standard: tuple[np.ndarray, ...] | None
    """Per group, its standard of time per contact after each sample (with a workforce section;
    1 throughout without erosion)."""
    staff: StaffRun | None
    """Fatigue, satisfaction and the staff over time (with those workforce mechanisms)."""
    cut: tuple[np.ndarray, np.ndarray]
    """Contacts answered in a hurry (cutting corners): their ids and handle-time factors."""
    chat_busy: tuple[tuple[np.ndarray, np.ndarray], ...]
    """Per group, (starts, ends) of the stretches its agents held chat sessions: an agent with
    several sessions is one busy agent."""
    wrap_up_min: np.ndarray
    """Per contact type: wrap-up minutes after each answered contact."""
    plan: CalendarPlan
    horizon_min: float
    customers: CustomerRun | None
    """The customer base's records, when the scenario has one."""
