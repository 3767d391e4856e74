"""The service desk in SimPy: contacts arrive, queue, are answered or abandon, resolve or come back.

The contact process, step by step:

1. **Arrival.** Primary contacts come from :mod:`sim.model.arrivals`; retrials (an abandoned caller
   calling back) and repeat contacts (an unresolved problem) come from earlier contacts. A phone
   contact that would arrive while the desk is closed arrives soon after it next opens, spread
   over ``routing.after_hours_spread_min``.
2. **Routing and queue.** Agents work in groups (:mod:`sim.model.dispatch`; the two-tier desk is
   a group per tier, each with every skill). A contact goes to the first group in its route with
   an idle agent, or queues. Each tier keeps one first-come-first-served queue per class —
   channel, priority and route — shared by the contact types in it. A free agent takes waiting
   phone callers before email (deferred) work, lower priority numbers first, the longest-waiting
   first among equals (or as ``routing.agent_to_contact`` says); at tier 1,
   ``routing.email_reserved_agents`` agents keep working email while a backlog exists. A group
   with a delay in a contact's route takes it only once it has waited that long.
3. **Abandonment.** A caller hangs up when their patience runs out before an agent answers; callers
   still waiting when the desk closes are disconnected. Either may call back (``retrial``). A
   caller who finds a longer queue may be less patient: their patience is scaled by
   ``demand.patience_factor_by_queue_ahead`` for the phone callers already waiting at the tier.
   A front-line caller who finds a free agent may still wait (``routing.answer_delay``: the agent
   is not ready), then is offered again.
4. **Service.** Talk time (the type's handle time times the group's ``handle_time_factor``, and
   shorter under work pressure with ``workforce.cutting_corners``), then wrap-up (the agent stays
   busy). The front line resolves the contact with the first-contact-resolution probability (or
   the group's own); an unresolved contact is escalated to tier 2 at once or comes back later as
   a repeat contact. Callbacks (:mod:`sim.model.callbacks`) and chats held several at a time
   (:mod:`sim.model.chat`) have modules of their own.

For speed the model schedules calls on SimPy's event heap (:mod:`sim.model.events`) rather than
one generator process per contact: an answered contact costs two or three events, against about
eight for the textbook ``Resource`` + ``request | timeout`` pattern, with the same event
semantics. A day's primary contacts are drawn at midnight as arrays and released by a chain of
calls, one per arrival (:mod:`sim.model.primary_release`).
"""

from __future__ import annotations

import bisect
import math
from array import array
from collections.abc import Callable, Generator, Sequence
from heapq import heappush

import numpy as np
import simpy
from simpy.events import NORMAL

from sim.model.agents import Steps, staffing_steps, tier_sums
from sim.model.calendar import MINUTES_PER_DAY, CalendarPlan
from sim.model.callbacks import CallbackOffers
from sim.model.chat import ChatSeats
from sim.model.contact_types import Draw, TypeModel, type_model
from sim.model.desk_customers import CALLBACK, FOLLOW_UP, CustomerBase, customer_work
from sim.model.dispatch import EMAIL, EPS_MIN, Dispatch
from sim.model.events import EventClock
from sim.model.keyed import Dist, Keyed, purpose
from sim.model.patience import PatienceClocks
from sim.model.presence import Presence
from sim.model.primary_release import PrimaryRelease
from sim.model.records import (
    ABANDONED,
    ANSWERED,
    CALLBACK_ACCEPTED,
    CALLBACK_DECLINED,
    DISCONNECTED,
    ESCALATED,
    REPEAT,
    RESOLVED,
    RETRIAL,
    UNRESOLVED,
    WAITING,
    ContactLog,
    DeskRun,
)
from sim.model.rng import Draws, Streams, duration_draws
from sim.model.workforce import PressureMeter
from sim.scenario.customers import EmpoweredFrontLine
from sim.scenario.scenario import Scenario

# What each keyed number is for, and the kinds of contact that follow another.
P = {
    name: purpose(name)
    for name in (
        *("count", "slot", "within", "handle", "patience", "resolve", "tier2-handle"),
        *("repeat-delay", "retrial-delay", "escalate", "retry", "not-ready", "answer-delay"),
        *("after-hours", "retrial", "repeat", "escalation", "callback-accept", "callback-reach"),
    )
}


class Desk:
    """One replication of the desk: build it, :meth:`run` it, read the :class:`DeskRun`."""

    def __init__(self, scenario: Scenario, streams: Streams) -> None:
        self.scenario = scenario
        self.plan = CalendarPlan.from_config(scenario.calendar, scenario.burn_in_days)
        self.env = EventClock(initial_time=self.plan.start_min)
        self.log = ContactLog()
        self.streams = streams
        self.keyed = Keyed(streams.seed, streams.replication) if scenario.customers else None
        """Keyed random numbers, with a customer base: every draw tied to the customer's contact
        (:mod:`sim.model.keyed`); None: named streams, as a desk alone needs."""
        contact_types = dict(scenario.demand.contact_types)
        contact_types.update(customer_work(scenario))
        self.type_names = tuple(contact_types)
        self.types: list[TypeModel] = [
            type_model(name, ct, self._duration) for name, ct in contact_types.items()
        ]
        self.is_phone_by_code = np.array([m.is_phone for m in self.types])
        self.phone_by_code = [m.is_phone for m in self.types]
        self.chat_by_code = [m.is_chat for m in self.types]
        """Per contact type: phone? chat? (as lists, quick to read one by one)"""
        self.is_realtime_by_code = np.array([m.is_realtime for m in self.types])
        """Per contact type: phone or chat, judged by the customer against a wait in seconds."""
        complaint_types = (
            set(scenario.customers.complaints.contact_types) | {CALLBACK}
            if scenario.customers
            else set()
        )
        if isinstance(scenario.recovery, EmpoweredFrontLine):
            for name in complaint_types:  # resolved on the spot, never passed on
                model = self.types[self.type_code(name)]
                model.fcr_prob = scenario.recovery.front_line_resolve_prob
                model.escalate_prob = 0.0
        d = self.dispatch = Dispatch(
            scenario, self.env, self.plan, self.log, contact_types, self.types, complaint_types
        )
        # the dispatch's state the contact's path reads (the same objects)
        self.group_names, self.group_tier, self.pools = d.group_names, d.group_tier, d.pools
        self.handle_factor, self.resolve_prob = d.handle_factor, d.resolve_prob
        self.routes, self.route_delays, self.queue_of = d.routes, d.route_delays, d.queue_of
        self.queues, self.queue_tier = d.queues, d.queue_tier
        self.waiting_email, self.waiting_phone = d.waiting_email, d.waiting_phone
        self.waiting_chat = d.waiting_chat
        groups = scenario.staffing.agent_groups.values()
        self.chats = ChatSeats(list(groups), self.log)
        self.chat_seat_of = self.chats.seat_of
        """The agent's seat each chat in a session holds (the same dict as the chat seats')."""
        factors = sorted(scenario.demand.patience_factor_by_queue_ahead.items())
        self.queue_ahead = [ahead for ahead, _ in factors]
        self.queue_factor = [f for _, f in factors]
        self.patience_by_queue = any(f != 1.0 for f in self.queue_factor)
        delay = scenario.routing.answer_delay
        self.answer_delay_prob = delay.probability
        self.answer_delay = self._duration(delay.delay, "answer-delay", "answer-delay")
        self.u_not_ready = self._uniform("not-ready", "decisions/not-ready")
        self.delayed: set[int] = set()
        self.u_escalate = self._uniform("escalate", "decisions/escalate")
        self.u_retry = self._uniform("retry", "decisions/retry")
        self.u_resolve = self._uniform("resolve", "decisions/resolve-secondary")
        self.u_after_hours = self._uniform("after-hours", "arrivals/after-hours")
        self.offers = CallbackOffers(
            scenario.routing.callbacks, contact_types, self.types, self._uniform
        )
        self.callbacks_offered = any(self.offers.offered)
        """Are callbacks offered to any contact type (else no contact has one to be reached)?"""
        self.paid = tuple(
            staffing_steps(g.roster, self.plan, scenario, paid=True, group=name)
            for name, g in scenario.staffing.agent_groups.items()
        )
        workforce = scenario.workforce
        self.presence = Presence(
            self.env,
            self.plan,
            workforce,
            streams,
            d.group_names,
            d.group_tier,
            d.group_roster,
            self.paid,
            d.pools,
            d.realtime_waiting,
            self._fill,
        )
        self.staff = self.presence.staff
        self.meter = None
        if workforce is not None:
            sample = None if self.staff is None else self.staff.sample
            groups = len(d.group_names)
            idle_until = self.presence.idle_until
            self.meter = PressureMeter(workforce, groups, d.work_in_hand, idle_until, sample)
        self.cut_ids, self.cut_factors = array("l"), array("d")
        """Contacts answered in a hurry (cutting corners), and their handle-time factors."""
        self.quality: dict[int, float] = {}
        """Contacts answered in a hurry or by a staff still learning → the multiplier on their
        resolution probability."""
        self.sole_group = {
            tier: [path[0][0] if len(path) == 1 and not path[0][1] else -1 for path in paths]
            for tier, paths in self.routes.items()
        }
        """Per tier and contact type: the one group its route goes to, without delay (-1: the
        route has several), the common case read without weighing."""
        self.counts_email = [
            [tier == 1 and m.channel == EMAIL for m in self.types] for tier in self.group_tier
        ]
        """Per group and contact type: does answering it count against the front line's email
        reservation (``routing.email_reserved_agents``)?"""
        self.reserves_email = d.email_reserved > 0
        """Whether agents are reserved for email at all (if not, nobody counts them)."""
        self.heap, self.event_ids = self.env.heap, self.env.ids
        self.talk_end, self.wrap_end = self._on_talk_end, self._agent_free
        """The clock's heap and ids, and the calls scheduled on it for every contact (the end
        of talk and of wrap-up), read once."""
        self.patience = PatienceClocks(self.env, self.log, self._on_patience)
        """Queued callers' patience clocks."""
        self.finished: list[int] = []
        """Ids of contacts in the order they finished (talk ended, or the caller gave up) since
        the customer base last took them (not kept without one)."""
        self.customers: CustomerBase | None = None
        self.follow_up_code = self.type_code(FOLLOW_UP) if FOLLOW_UP in self.type_names else -1
        self.callback_code = self.type_code(CALLBACK) if CALLBACK in self.type_names else -1
        self.complaint_codes = (
            {self.type_code(t) for t in scenario.customers.complaints.contact_types}
            if scenario.customers
            else set()
        )
        """Forecast contact types that open a complaint about something outside the desk."""

    def attach_customers(self, customers: CustomerBase) -> None:
        """Put a customer base behind the desk (before :meth:`run`): it raises the primary
        contacts, scales their volumes and adds work of its own."""
        self.customers = customers

    def type_code(self, name: str) -> int:
        """Index of a contact type."""
        return self.type_names.index(name)

    def _duration(self, dist: Dist, what: str, stream: str) -> Draw:
        """Durations of ``dist`` for ``what``: keyed by the contact, or from a named stream."""
        if self.keyed is None:
            draws = duration_draws(dist, self.streams(stream))
            return lambda _key: draws()
        return self.keyed.draws(P[what], dist)

    def _uniform(self, what: str, stream: str) -> Draw:
        """Uniforms for ``what``: keyed by the contact, or from a named stream."""
        if self.keyed is None:
            draws = Draws(self.streams(stream).random)
            return lambda _key: draws()
        return self.keyed.draws(P[what])

    def _child_key(self, key: int, kind: str) -> int:
        """The identity of the contact that follows the one keyed ``key`` (a retrial, a repeat,
        an escalation)."""
        return 0 if self.keyed is None else self.keyed.key(key, P[kind])

    # --- driving processes -----------------------------------------------------------------------

    def run(self, on_day: Callable[[int], None] | None = None) -> DeskRun:
        """Simulate to the horizon and return the records; ``on_day`` (for progress) is called
        with the number of days simulated (burn-in included) at the end of each day."""
        env = self.env
        for g in range(len(self.group_names)):
            env.process(self.presence.process(g))
        env.process(self._close_periods())
        if self.meter is not None:
            env.process(self.meter.process(env))
        env.call_now(PrimaryRelease(self).start, None)  # where a process would start
        if self.customers is not None:
            env.process(self.customers.process())
        if on_day is not None:  # stopping at midnight and going on changes no event's order
            for day in self.plan.days:
                env.run(until=(day.index + 1) * MINUTES_PER_DAY)
                on_day(day.index + self.scenario.burn_in_days + 1)
        else:
            env.run(until=self.plan.horizon_min)
        if self.customers is not None:
            self.customers.finish(self.plan.horizon_min)
        paid = self.paid
        present = tuple((np.array(p.log_t), np.array(p.log_present)) for p in self.pools)

        def by_tier(steps: Sequence[Steps]) -> dict[int, Steps]:
            return tier_sums(steps, self.group_tier, self.plan.start_min)

        return DeskRun(
            contacts=self.log.to_table(),
            type_names=self.type_names,
            is_phone=self.is_phone_by_code,
            is_chat=np.array([m.is_chat for m in self.types]),
            roster=by_tier(self.dispatch.group_roster),
            paid=by_tier(paid),
            present=by_tier(present),
            group_names=self.group_names,
            group_tier=np.array(self.group_tier, dtype=np.int8),
            group_roster=tuple(self.dispatch.group_roster),
            group_paid=paid,
            group_attending=self.presence.attending_steps(),
            group_present=present,
            group_skills=~np.isnan(np.array(self.handle_factor, dtype=float)),
            chat_busy=self.chats.busy_spans(self.plan.horizon_min),
            pressure=None if self.meter is None else self.meter.series(),
            standard=None if self.meter is None else self.meter.standards(),
            staff=None if self.staff is None else self.staff.result(self.meter.series()[0]),  # type: ignore[union-attr]
            cut=(np.array(self.cut_ids, dtype=np.int64), np.array(self.cut_factors)),
            wrap_up_min=np.array([m.wrap_min for m in self.types]),
            plan=self.plan,
            horizon_min=self.plan.horizon_min,
            customers=None if self.customers is None else self.customers.result(),
        )

    def _fill(self, g: int) -> None:
        """Group ``g``'s idle agents take waiting work they may take."""
        pool = self.pools[g]
        while pool.idle:
            cid = self.dispatch.next_work(g)
            if cid < 0:
                break
            pool.take()
            self._serve(cid, g)

    def _close_periods(self) -> Generator[simpy.Event, None, None]:
        """At each closing time, callers still queued are disconnected (email waits)."""
        for _, end in self.plan.open_periods:
            if end >= self.plan.horizon_min:
                return
            yield self.env.timeout(end - self.env.now)
            for q in self.dispatch.realtime_queues:
                queue = self.queues[q]
                called_back = []  # callbacks keep their place for the next opening
                while queue:
                    cid = queue.popleft()
                    if self.log.outcome[cid] == WAITING:
                        if self.log.callback[cid] == CALLBACK_ACCEPTED:
                            called_back.append(cid)
                            continue
                        self.dispatch.left_queue(q)
                        self._give_up(cid, DISCONNECTED)
                queue.extend(called_back)
            for cid in sorted(self.delayed):  # callers in their answer delay are on the line too
                self._give_up(cid, DISCONNECTED)
            self.delayed.clear()

    # --- the contact's path ----------------------------------------------------------------------

    def offer(
        self, cid: int, k: int, tier: int, patience_min: float, may_delay: bool = True
    ) -> None:
        """A contact reaches a tier: an idle agent of a group in its route answers (or, for a
        front-line caller, the answer may be delayed), or it queues (with a patience clock, and
        a timer for each later group in its route)."""
        if self.chat_by_code[k]:
            self._offer_chat(cid, k, tier, patience_min)
            return
        g = self.sole_group[tier][k]
        if g < 0:
            g = self.dispatch.idle_group(cid, self.routes[tier][k])
        if g >= 0 and self.pools[g].idle:
            if (
                self.answer_delay_prob
                and may_delay
                and tier == 1
                and self.types[k].is_phone
                and self.u_not_ready(self.log.key[cid]) < self.answer_delay_prob
            ):
                self._delay_answer(cid, k, patience_min)
                return
            self.pools[g].take()
            self._serve(cid, g)
            return
        self.dispatch.join_queue(self.queue_of[tier][k], cid)
        delays = self.route_delays[tier][k]
        if delays:
            arrived, now = self.log.arrival_min[cid], self.env.now
            for after in delays:
                if arrived + after > now + EPS_MIN:
                    self.env.call_in(arrived + after - now, self._on_overflow, (cid, k, tier))
        if not self.phone_by_code[k]:
            self.waiting_email[tier] += 1
            return
        if (
            self.callbacks_offered
            and tier == 1
            and self.offers.offered[k]
            and self._takes_callback(cid, k)
        ):
            self.waiting_phone[tier] += 1  # in line, without a patience clock
            return
        if self.patience_by_queue:
            ahead = self.waiting_phone[tier]
            patience_min *= self.queue_factor[bisect.bisect_right(self.queue_ahead, ahead) - 1]
        self.waiting_phone[tier] += 1
        if patience_min != math.inf:
            self.patience.start(self.env._now + patience_min, cid)  # as call_in computes it

    def _offer_chat(self, cid: int, k: int, tier: int, patience_min: float) -> None:
        """A chat reaches a tier: the first group in its route (among those whose delay it has
        waited) with an agent holding a free session, or else an idle agent, takes it; or it
        queues."""
        path = self.routes[tier][k]
        if self._place_chat(cid, path):
            return
        self.dispatch.join_queue(self.queue_of[tier][k], cid)
        arrived, now = self.log.arrival_min[cid], self.env.now
        for after in self.route_delays[tier][k]:
            if arrived + after > now + EPS_MIN:
                self.env.call_in(arrived + after - now, self._on_overflow, (cid, k, tier))
        self.waiting_chat[tier] += 1
        if patience_min != math.inf:
            self.env.call_in(patience_min, self._on_patience, cid)

    def _place_chat(self, cid: int, path: list[tuple[int, float]]) -> bool:
        """Start chat ``cid`` with an agent of the first group in ``path`` that has a free
        session or an idle agent; False if none has."""
        arrived, now = self.log.arrival_min[cid], self.env.now
        for g, after in path:
            if after and arrived + after > now + EPS_MIN:
                continue
            pool = self.pools[g]
            seat = self.chats.with_room(g)
            if seat >= 0 and not pool.leaving:
                self.chats.add(cid, seat)
                self._serve(cid, g)
                return True
            if pool.idle:
                pool.take()
                self._serve(cid, g)
                return True
        return False

    def _end_session(self, cid: int) -> None:
        """A chat session (and its wrap-up) ends: the agent takes another waiting chat, or with
        no session left is free for any work, or ends their shift."""
        g, seat, held = self.chats.end(cid, self.env.now)
        pool = self.pools[g]
        if held:
            nxt = -1 if pool.leaving else self.dispatch.next_chat(g)
            if nxt < 0:
                self.chats.make_room(seat)
            else:
                self.chats.add(nxt, seat)
                self._serve(nxt, g)
            return
        if not pool.release(self.env.now):
            return
        nxt = self.dispatch.next_work(g)
        if nxt < 0:
            pool.rest()
        else:
            self._serve(nxt, g)

    def _takes_callback(self, cid: int, k: int) -> bool:
        """Offer a queuing caller a callback if their expected wait is above the threshold;
        True if they accept it (their place is kept, and the record says so)."""
        present = sum(self.pools[g].present for g, _ in self.routes[1][k])
        if not self.offers.offered_to(k, self.waiting_phone[1], present):
            return False
        log = self.log
        if self.offers.accepts(log.key[cid]):
            log.callback[cid] = CALLBACK_ACCEPTED
            return True
        log.callback[cid] = CALLBACK_DECLINED
        return False

    def _on_overflow(self, due: tuple[int, int, int]) -> None:
        """A queued contact has waited a later group's delay: an idle agent there takes it."""
        cid, k, tier = due
        if self.log.outcome[cid] != WAITING or cid in self.delayed:
            return  # answered, gone, or in an answer delay (offered again at its end)
        if self.types[k].is_chat:
            if self._place_chat(cid, self.routes[tier][k]):
                self.dispatch.left_queue(self.queue_of[tier][k])
            return
        g = self.dispatch.idle_group(cid, self.routes[tier][k])
        if g < 0:
            return
        self.dispatch.left_queue(self.queue_of[tier][k])  # its entry is skipped when reached
        self.pools[g].take()
        self._serve(cid, g)

    def _delay_answer(self, cid: int, k: int, patience_min: float) -> None:
        """A caller who found a free agent waits the answer delay (patience running), then is
        offered again."""
        delay = self.answer_delay(self.log.key[cid])
        self.delayed.add(cid)
        if patience_min <= delay:
            self.env.call_in(patience_min, self._on_patience, cid)
        else:
            self.env.call_in(delay, self._on_delay_end, (cid, k, patience_min - delay))

    def _on_delay_end(self, due: tuple[int, int, float]) -> None:
        cid, k, patience_min = due
        self.delayed.discard(cid)
        if self.log.outcome[cid] == WAITING:  # not disconnected at closing time meanwhile
            self.offer(cid, k, 1, patience_min, may_delay=False)

    def _on_patience(self, cid: int) -> None:
        if self.log.outcome[cid] != WAITING:
            return
        if cid in self.delayed:
            self.delayed.discard(cid)
        else:
            self.dispatch.left_queue(self.queue_of[self.log.tier[cid]][self.log.type_code[cid]])
        self._give_up(cid, ABANDONED)

    def _give_up(self, cid: int, outcome: int) -> None:
        """A caller leaves the queue unanswered; they may call back later."""
        log = self.log
        now = self.env.now
        log.outcome[cid], log.end_min[cid] = outcome, now
        if self.customers is not None:
            self.finished.append(cid)
        k = log.type_code[cid]
        m = self.types[k]
        key = log.key[cid]
        if (
            m.retrial_prob
            and log.attempt[cid] < m.max_retrial_attempts
            and self.u_retry(key) < m.retrial_prob
        ):
            log.follow_up[cid] = RETRIAL
            self._later(cid, m.retrial_delay(key), "retrial", is_phone=True)

    def _serve(self, cid: int, g: int) -> None:
        """An agent of group ``g`` (already counted busy) answers contact ``cid``; a callback
        whose caller does not answer is lost, and the agent moves on to the next contact."""
        log = self.log
        while (
            self.callbacks_offered
            and log.callback[cid] == CALLBACK_ACCEPTED
            and not self.offers.reached(log.key[cid])
        ):
            self._give_up(cid, ABANDONED)
            cid = self.dispatch.next_work(g)
            if cid < 0:
                self.pools[g].rest()
                return
        k = log.type_code[cid]
        now = self.env._now
        chat = self.chat_by_code[k]
        if chat and cid not in self.chat_seat_of:  # a free agent takes a chat
            self.chats.add(cid, self.chats.open(g, now))
        log.outcome[cid] = ANSWERED
        log.answer_min[cid] = now
        log.group[cid] = g
        factor = self.handle_factor[g][k]
        meter = self.meter
        if meter is not None:  # in a hurry under work pressure, tired, or still learning
            hurry, quality = meter.hurry[g], meter.quality[g]
            if hurry < 1.0:
                self.cut_ids.append(cid)
                self.cut_factors.append(hurry)
                factor *= hurry
            if self.staff is not None:
                factor *= self.staff.handle[g]
                quality *= self.staff.resolve[g]
            if quality != 1.0:
                self.quality[cid] = quality
        if factor != 1.0:
            log.handle_min[cid] *= factor
        if self.reserves_email and self.counts_email[g][k]:
            self.dispatch.on_email += 1
        due = now + log.handle_min[cid]  # as call_in computes it
        heappush(self.heap, (due, NORMAL, next(self.event_ids), self.talk_end, cid))
        if chat:  # more sessions while chats wait and the agent has room
            seat = self.chat_seat_of[cid]
            if self.chats.has_room(seat) and not self.pools[g].leaving:
                nxt = self.dispatch.next_chat(g)
                if nxt >= 0:
                    self.chats.add(nxt, seat)
                    self._serve(nxt, g)

    def _on_talk_end(self, cid: int) -> None:
        log = self.log
        now = self.env._now
        log.end_min[cid] = now
        if self.customers is not None:
            self.finished.append(cid)
        k = log.type_code[cid]
        m = self.types[k]
        resolve = self.resolve_prob[log.group[cid]][k]
        if self.quality:
            resolve *= self.quality.pop(cid, 1.0)
        if log.u_resolve[cid] < resolve:
            log.resolved[cid] = RESOLVED
        else:
            log.resolved[cid] = UNRESOLVED
            key = log.key[cid]
            if log.tier[cid] == 1 and self.u_escalate(key) < m.escalate_prob:
                log.follow_up[cid] = ESCALATED
                child_key = self._child_key(key, "escalation")
                child = log.add(
                    now,
                    k,
                    2,
                    log.attempt[cid],
                    m.tier2_handle(child_key),
                    self.u_resolve(child_key),
                    cid,
                    log.customer[cid],
                    log.complaint[cid],
                    child_key,
                )
                if m.is_realtime and self.plan.next_open(now) != now:
                    self._give_up(child, DISCONNECTED)  # transferred after closing time
                else:
                    self.offer(child, k, 2, m.patience(child_key) if m.patience else math.inf)
            elif log.attempt[cid] < m.max_repeat_attempts:
                log.follow_up[cid] = REPEAT
                self._later(cid, m.repeat_delay(key), "repeat", is_phone=m.is_realtime)
        if m.wrap_min > 0.0:
            due = now + m.wrap_min  # as call_in computes it
            heappush(self.heap, (due, NORMAL, next(self.event_ids), self.wrap_end, cid))
        else:
            self._agent_free(cid)

    def _agent_free(self, cid: int) -> None:
        """The agent who handled ``cid`` takes the next contact, rests, or ends their shift."""
        if self.chat_seat_of and cid in self.chat_seat_of:
            self._end_session(cid)
            return
        g = self.log.group[cid]
        if self.reserves_email and self.counts_email[g][self.log.type_code[cid]]:
            self.dispatch.on_email -= 1
        pool = self.pools[g]
        if pool.leaving and not pool.release(self.env._now):
            return
        nxt = self.dispatch.next_work(g)
        if nxt < 0:
            pool.rest()
        else:
            self._serve(nxt, g)

    # --- contacts that come back later -----------------------------------------------------------

    def _arrival_time(self, when: float, is_phone: bool, key: int) -> float | None:
        """When the contact keyed ``key``, due at ``when``, arrives: phone calls due while the
        desk is closed come soon after it next opens; None if that is past the horizon."""
        if is_phone:
            opens = self.plan.next_open(when)
            if opens is None:
                return None
            if opens > when:  # due while closed: spread over the first part of the next opening
                spread = min(
                    self.scenario.routing.after_hours_spread_min,
                    self.plan.open_until(opens) - opens,
                )
                opens += self.u_after_hours(key) * spread
            when = opens
        return when if when < self.plan.horizon_min else None

    def _later(self, parent: int, delay_min: float, kind: str, is_phone: bool) -> None:
        """Schedule the customer's next attempt (a ``retrial`` or a ``repeat`` contact) at
        tier 1."""
        key = self._child_key(self.log.key[parent], kind)
        when = self._arrival_time(self.env.now + delay_min, is_phone, key)
        if when is not None:
            self.env.call_later(when - self.env.now, self._on_come_back, (parent, key))

    def _on_come_back(self, due: tuple[int, int]) -> None:
        parent, key = due
        log = self.log
        k = log.type_code[parent]
        customer, complaint = log.customer[parent], log.complaint[parent]
        customers = self.customers
        if customers is not None and customer >= 0 and customers.gone(customer):
            return  # left in the meantime
        if complaint >= 0 and customers is not None and customers.handed_over(complaint):
            return  # settled, or tier 2 calls back
        m = self.types[k]
        cid = log.add(
            self.env.now,
            k,
            1,
            log.attempt[parent] + 1,
            m.tier1_handle(key),
            self.u_resolve(key),
            parent,
            customer,
            complaint,
            key,
        )
        self.offer(cid, k, 1, m.patience(key) if m.patience else math.inf)

    # --- work raised by the customer base --------------------------------------------------------

    def inject(
        self, k: int, tier: int, customer: int, complaint: int, when: float, key: int
    ) -> None:
        """The customer base adds a contact of type ``k`` at ``tier``, keyed ``key``: a complaint
        (front line), a tier-2 callback on a complaint (``callback_code``), or a front-line
        follow-up call (``follow_up_code``; ``complaint`` -1)."""
        when = self._arrival_time(max(when, self.env.now), self.types[k].is_realtime, key)
        if when is not None:
            self.env.call_later(
                when - self.env.now, self._on_new_contact, (k, tier, customer, complaint, key)
            )

    def _on_new_contact(self, due: tuple[int, int, int, int, int]) -> None:
        k, tier, customer, complaint, key = due
        if self.customers is not None and self.customers.gone(customer):
            return  # left in the meantime
        m = self.types[k]
        handle = m.tier1_handle(key) if tier == 1 else m.tier2_handle(key)
        cid = self.log.add(
            self.env.now, k, tier, 1, handle, self.u_resolve(key), -1, customer, complaint, key
        )
        self.offer(cid, k, tier, m.patience(key) if m.patience else math.inf)
