"""Chat sessions: which agents hold chats, how many each, and when they were busy.

An agent of a group may hold up to the group's ``chat.max_sessions`` chats at once. Each agent
holding chats is a *seat*: it opens when an agent (counted busy in its group's pool) takes a
first chat and closes when the last one ends. A new session on a seat that already holds ``m``
runs ``1 + slowdown × m`` times longer (fixed when it starts). Seats with room are kept per group
in the order they opened one, so a new chat goes to the agent with room who has waited longest
for it. The seats' open stretches are the chatting agents' busy time: an agent with three
sessions is one busy agent.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

import numpy as np

from sim.model.records import ContactLog
from sim.scenario.staffing import AgentGroup


class ChatSeats:
    """The chatting agents of every group in one replication."""

    def __init__(self, groups: Sequence[AgentGroup], log: ContactLog) -> None:
        self.log = log
        self.max_sessions = [g.chat.max_sessions for g in groups]
        self.slowdown = [g.chat.slowdown_per_extra_session for g in groups]
        self.sessions: dict[int, int] = {}
        """A seat → the sessions it holds."""
        self.seat_of: dict[int, int] = {}
        """A chat in session → its seat."""
        self.group_of: dict[int, int] = {}
        self.opened: dict[int, float] = {}
        self.room: list[dict[int, None]] = [{} for _ in groups]
        """Per group, the seats with room for another session, in the order they made room."""
        self.busy: list[tuple[array, array]] = [(array("d"), array("d")) for _ in groups]
        self.next_seat = 0

    def with_room(self, g: int) -> int:
        """A seat of group ``g`` with room for another session (-1: none)."""
        room = self.room[g]
        return next(iter(room)) if room else -1

    def has_room(self, seat: int) -> bool:
        """Whether ``seat`` may take another session."""
        return seat in self.room[self.group_of[seat]]

    def open(self, g: int, now: float) -> int:
        """An agent of group ``g`` starts holding chats: a new, empty seat."""
        seat = self.next_seat
        self.next_seat += 1
        self.sessions[seat] = 0
        self.group_of[seat] = g
        self.opened[seat] = now
        return seat

    def add(self, cid: int, seat: int) -> None:
        """Chat ``cid`` becomes one of ``seat``'s sessions, longer by the slowdown for each
        session the seat already holds."""
        g = self.group_of[seat]
        held = self.sessions[seat]
        self.sessions[seat] = held + 1
        self.seat_of[cid] = seat
        if held + 1 < self.max_sessions[g]:
            self.room[g][seat] = None
        else:
            self.room[g].pop(seat, None)
        if held and self.slowdown[g]:
            self.log.handle_min[cid] *= 1.0 + self.slowdown[g] * held

    def end(self, cid: int, now: float) -> tuple[int, int, int]:
        """Chat ``cid``'s session ends: ``(group, seat, sessions left)``. A seat left empty
        closes (its busy stretch is recorded); one with sessions left is not yet given room
        again (:meth:`make_room`), so the caller may fill it first."""
        seat = self.seat_of.pop(cid)
        g = self.group_of[seat]
        held = self.sessions[seat] - 1
        if held:
            self.sessions[seat] = held
            return g, seat, held
        del self.sessions[seat], self.group_of[seat]
        self.room[g].pop(seat, None)
        starts, ends = self.busy[g]
        starts.append(self.opened.pop(seat))
        ends.append(now)
        return g, seat, 0

    def make_room(self, seat: int) -> None:
        """``seat`` has room for another session."""
        self.room[self.group_of[seat]][seat] = None

    def busy_spans(self, horizon_min: float) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
        """Per group, ``(starts, ends)`` of its chatting agents' busy stretches; seats still
        open end at the horizon."""
        spans = [(np.array(s), np.array(e)) for s, e in self.busy]
        for seat, start in self.opened.items():
            s, e = spans[self.group_of[seat]]
            spans[self.group_of[seat]] = (np.append(s, start), np.append(e, horizon_min))
        return tuple(spans)
