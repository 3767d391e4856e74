"""The customer base behind the contacts: satisfaction, complaints, recovery, defection, growth.

Accounts are numpy arrays (no Python object per customer). The desk runs on a clock of minutes;
the customer base has its own, slower clock: every ``customers.tick_min`` it takes the contacts
finished since the last tick and, vectorised,

1. scores each as a moment of truth and moves its customer's satisfaction
   (:mod:`sim.model.satisfaction`);
2. settles complaints that were resolved (retention by the recovery curve) or reached a dead end;
3. lets newly dissatisfied customers decide: complain (to the front line or management, where the
   complaint is received, or to nobody who acts), or stay silent and perhaps leave; all of them
   tell others (word of mouth);
4. closes the accounts of customers whose exit is due, and lets customers leave for reasons
   outside service (died, moved, natural turnover, friend's advice, price) at yearly hazards.

**Deciding to leave and leaving.** A customer who decides to leave (after silent indifference or
a poor recovery) is lost at that moment; the account stays open, paying and calling, until the
exit delay runs out and it closes. Both times are recorded per account (``decided_min``,
``left_min``): money counts the customer's future value as gone at the decision and their revenue
until the account closes (:mod:`sim.measures.value`). A closed account contacts nobody.

**The recovery clock** of a complaint starts when it reaches the company (or at the bad moment
behind it, ``recovery.clock_starts``); targets, overdue escalation and retention run on it.

**Warm start.** With ``customers.warm_start.burn_in_days``, the model runs from before the start
date: the first ``history_pilot_days`` give every customer present the satisfaction history of a
long-standing customer (:mod:`sim.model.customer_history`); during the burn-in closed accounts are
replaced, so the start date has ``accounts`` accounts; at the start date word of mouth is set to
its stationary level for the burn-in's dissatisfaction rate. Nothing before the start date is
reported.

Once a day it adds new customers (a base rate, plus referrals by advocates, minus prospects put
off by word of mouth) and records the day. Primary contacts are raised by customers with an open
account, and the desk's arrival volumes scale with the open accounts: defections shrink demand.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Generator

import numpy as np
import simpy

from sim.model.customer_codes import (
    ACTIVE,
    CHURN_REASONS,
    DECISION,
    FRONT_LINE,
    INDIFFERENCE,
    MANAGEMENT,
    MINUTES_PER_YEAR,
    MOMENT_COLUMNS,
    NOWHERE,
    OUTSIDE_DESK,
    POOR_RECOVERY,
    REASONS,
    RECEIVED,
    SILENT,
    Q,
)
from sim.model.customer_history import decide_in_the_past, past_satisfaction
from sim.model.desk import Desk
from sim.model.keyed import Keyed, durations, poisson_counts
from sim.model.records import ANSWERED, ESCALATED, NO_FOLLOW_UP, RESOLVED, CustomerRun
from sim.model.satisfaction import (
    complaint_retention,
    decayed,
    impact,
    moment_scores,
    negative_binomial_cdf,
)
from sim.scenario.customers import ProactiveFollowUp, word_of_mouth_shape
from sim.scenario.scenario import Scenario


class _Columns:
    """Append-only typed columns (grows by doubling)."""

    def __init__(self, **dtypes: str) -> None:
        self.n = 0
        self.cols = {k: np.zeros(64, dtype=v) for k, v in dtypes.items()}

    def add(self, **values: float) -> int:
        if self.n == len(next(iter(self.cols.values()))):
            for k, v in self.cols.items():
                self.cols[k] = np.concatenate([v, np.zeros_like(v)])
        for k, v in values.items():
            self.cols[k][self.n] = v
        self.n += 1
        return self.n - 1

    def table(self) -> dict[str, np.ndarray]:
        return {k: v[: self.n].copy() for k, v in self.cols.items()}


class CustomerModel:
    """One replication's customer base, driven by the desk's SimPy environment."""

    def __init__(self, scenario: Scenario, desk: Desk) -> None:
        cfg = scenario.customers
        assert cfg is not None
        self.cfg = cfg
        self.recovery = scenario.recovery
        self.desk = desk
        assert desk.keyed is not None
        self.keyed: Keyed = desk.keyed
        """Every draw keyed by the customer (and episode, complaint): sharp paired comparisons."""
        hazards = np.array([getattr(cfg.churn, r) for r in CHURN_REASONS])
        self.churn_rate_per_min = -np.log1p(-hazards) / MINUTES_PER_YEAR
        self.churn_heap: list[tuple[float, int, int]] = []
        self.exit_delay_min = Keyed.draws(Q["exit-delay"], cfg.exit_delay)
        """A leaving customer's exit delay (minutes), keyed by the customer."""
        shape = word_of_mouth_shape(
            cfg.word_of_mouth.tells_mean, cfg.word_of_mouth.tells_at_least_20_share
        )
        self.told_cdf = negative_binomial_cdf(*shape)
        """Distribution function of how many people a dissatisfied customer tells (by
        inversion: the count is where a keyed uniform falls in it)."""
        self.segment_names = tuple(cfg.segments)
        self.segment_share = np.array([s.share for s in cfg.segments.values()])
        self.initial = cfg.accounts
        self.start_min = desk.plan.start_min
        cap = max(64, int(cfg.accounts * 1.5))
        self.n = 0
        self.segment = np.zeros(cap, np.int8)
        self.status = np.zeros(cap, np.int8)
        self.joined_min = np.zeros(cap)
        self.left_min = np.full(cap, np.nan)
        self.decided_min = np.full(cap, np.nan)
        self.decided_reason = np.zeros(cap, np.int8)
        self.episodes_of = np.zeros(cap, np.int32)
        self.complaints_of = np.zeros(cap, np.int32)
        self.sat = np.zeros(cap)
        self.sat_t = np.zeros(cap)
        self.dissatisfied = np.zeros(cap, bool)
        self.leaving = np.zeros(cap, bool)
        self.active = np.zeros(cap, np.int64)
        self.pos = np.full(cap, -1, np.int64)
        self.n_active = 0
        self.n_leaving = 0
        self.closed: set[int] = set()
        """Customers whose account is closed (``status`` not active), for the desk's quick check."""
        self._add_customers(cfg.accounts, self.start_min)
        self.exits: list[tuple[float, int]] = []
        self.listeners = 0.0
        warm = cfg.warm_start
        self.burning_in = self.start_min < 0
        self.pilot_end: float | None = (
            self.start_min + warm.history_pilot_days * 1440.0
            if self.burning_in and warm.history_pilot_days
            else None
        )
        self.told_since = self.start_min if self.pilot_end is None else self.pilot_end
        self.told = 0.0
        """People told by dissatisfied customers since ``told_since`` (for the warm start)."""
        self.next_day = self.start_min + 1440.0
        self.complaints = _Columns(
            customer="i8",
            problem_min="f8",
            received_min="f8",
            clock_min="f8",
            large="bool",
            voice="i1",
            resolved_min="f8",
            closed="bool",
            settled_min="f8",
            retained="i1",
            escalated="bool",
            compensation="f8",
            key="u8",
        )
        self.episodes = _Columns(
            customer="i8", time_min="f8", large="bool", voice="i1", complaint="i8", leaves="bool"
        )
        self.daily = _Columns(
            day="i8",
            active="i8",
            leaving="i8",
            acquired="i8",
            closed="i8",
            advocates="i8",
            dissatisfied="i8",
            complaints="i8",
            **{f"lost_{r}": "i8" for r in REASONS[1:]},
            **{f"active_{s}": "i8" for s in self.segment_names},
        )
        self._today = {
            "acquired": 0,
            "closed": 0,
            "dissatisfied": 0,
            "complaints": 0,
            **{f"lost_{r}": 0 for r in REASONS[1:]},
        }
        channels = cfg.complaints.contact_types
        self.complaint_codes = [desk.type_code(t) for t in channels]
        shares = np.cumsum(list(channels.values()))
        self.complaint_cdf = shares / shares[-1]
        """Which complaint contact type a complainant uses: its code, by inversion of
        ``complaint_cdf``."""

    # --- population --------------------------------------------------------------------------

    def _add_customers(self, count: int, now: float) -> None:
        """Open ``count`` accounts at ``now``; identities in order of arrival, each with its
        segment and its time and reason of leaving for reasons outside service (competing yearly
        hazards, keyed by the identity)."""
        while self.n + count > len(self.segment):
            for name in (
                "segment",
                "status",
                "joined_min",
                "left_min",
                "decided_min",
                "decided_reason",
                "episodes_of",
                "complaints_of",
                "sat",
                "sat_t",
                "dissatisfied",
                "leaving",
                "active",
                "pos",
            ):
                old = getattr(self, name)
                nan_filled = name in ("left_min", "decided_min")
                fill = np.nan if nan_filled else (-1 if name == "pos" else 0)
                setattr(self, name, np.concatenate([old, np.full_like(old, fill)]))
        ids = np.arange(self.n, self.n + count)
        keys = self.keyed.numbered_keys(ids)
        shares = np.cumsum(self.segment_share)
        self.segment[ids] = np.minimum(
            np.searchsorted(shares / shares[-1], self.keyed.uniforms(keys, Q["segment"]), "right"),
            len(shares) - 1,
        )
        total = float(self.churn_rate_per_min.sum())
        if total > 0.0:
            wait = -np.log1p(-self.keyed.uniforms(keys, Q["churn-time"])) / total
            reason = 1 + np.minimum(
                np.searchsorted(
                    np.cumsum(self.churn_rate_per_min) / total,
                    self.keyed.uniforms(keys, Q["churn-reason"]),
                    "right",
                ),
                len(CHURN_REASONS) - 1,
            )
            for customer, at, why in zip(
                ids.tolist(), (now + wait).tolist(), reason.tolist(), strict=True
            ):
                heapq.heappush(self.churn_heap, (at, customer, why))
        self.joined_min[ids] = now
        self.sat_t[ids] = now
        self.active[self.n_active : self.n_active + count] = ids
        self.pos[ids] = np.arange(self.n_active, self.n_active + count)
        self.n_active += count
        self.n += count

    def _decide_to_leave(self, customer: int, reason: int, now: float) -> bool:
        """The customer decides to leave for ``reason``: lost from now (their account stays open
        until it closes). False if they had already decided or left."""
        if self.leaving[customer] or self.status[customer] != ACTIVE:
            return False
        self.leaving[customer] = True
        self.decided_min[customer] = now
        self.decided_reason[customer] = reason
        self.n_leaving += 1
        self._today[f"lost_{REASONS[reason]}"] += 1
        return True

    def _schedule_exit(self, customer: int, reason: int, now: float) -> None:
        """Decide to leave now; the account closes after the exit delay."""
        if self._decide_to_leave(customer, reason, now):
            delay_min = self.exit_delay_min(self.keyed.key(customer))
            heapq.heappush(self.exits, (now + delay_min, customer))

    def _close(self, customer: int, now: float) -> None:
        """Close the account of a customer who decided to leave."""
        if self.status[customer] != ACTIVE:
            return
        self.status[customer] = self.decided_reason[customer]
        self.left_min[customer] = now
        self.n_leaving -= 1
        i = self.pos[customer]
        last = self.active[self.n_active - 1]
        self.active[i] = last
        self.pos[last] = i
        self.pos[customer] = -1
        self.n_active -= 1
        self.closed.add(customer)
        self._today["closed"] += 1

    def accounts_open(self) -> np.ndarray:
        """Customers whose account is open."""
        return self.active[: self.n_active].copy()

    def gone(self, customer: int) -> bool:
        """Whether the customer's account is closed."""
        return customer in self.closed

    # --- complaints --------------------------------------------------------------------------

    def open_complaint(
        self, customer: int, problem_min: float, received_min: float, large: bool, voice: int
    ) -> int:
        """Record a new complaint and return its id; start its overdue timer on the recovery
        clock. ``received_min`` is NaN for a complaint that never reaches the company."""
        if voice in RECEIVED:
            self._today["complaints"] += 1
        clock = problem_min if self.recovery.clock_starts == "problem" else received_min
        seq = int(self.complaints_of[customer])
        self.complaints_of[customer] = seq + 1
        complaint = self.complaints.add(
            customer=customer,
            problem_min=problem_min,
            received_min=received_min,
            clock_min=clock,
            large=large,
            voice=voice,
            resolved_min=np.nan,
            closed=False,
            settled_min=np.nan,
            retained=-1,
            escalated=False,
            compensation=0.0,
            key=self.keyed.key(customer, seq, Q["complaint"]),
        )
        target_h = self.recovery.target_h
        if self.recovery.escalate_overdue and target_h is not None and not math.isnan(clock):
            # overdue on the recovery clock, but nobody can act before the complaint is received
            due = max(clock + target_h * 60.0, received_min)
            self.desk.env.call_later(max(due - self.desk.env.now, 0.0), self._on_overdue, complaint)
        return complaint

    def open_outside_complaint(self, customer: int, now: float) -> int:
        """A complaint about something outside the desk (billing, products), raised by a contact of
        a complaint type from the demand forecast; received as it is made. Its id."""
        return self.open_complaint(customer, now, now, False, OUTSIDE_DESK)

    def handed_over(self, complaint: int) -> bool:
        """Whether a complaint no longer needs the customer to call again: settled, or with
        tier 2."""
        c = self.complaints.cols
        return bool(c["closed"][complaint] or c["escalated"][complaint])

    def _escalate(self, complaint: int, when: float) -> None:
        """Hand a complaint to tier 2, who call the customer back."""
        c = self.complaints.cols
        c["escalated"][complaint] = True
        key = self.keyed.key(int(c["key"][complaint]), Q["callback"])
        self.desk.inject(
            self.desk.callback_code, 2, int(c["customer"][complaint]), complaint, when, key
        )

    def _on_overdue(self, complaint: int) -> None:
        """The recovery target has passed: an unresolved complaint escalates automatically."""
        if not self.handed_over(complaint):
            self._escalate(complaint, self.desk.env.now)

    def _settle(self, complaints: np.ndarray, resolved_min: np.ndarray, now: float) -> None:
        """Close complaints (resolved at ``resolved_min``, or never if NaN) and decide who stays.

        A complainant who has already decided to leave (or left) is not retained, whatever the
        recovery: their decision stands.
        """
        c = self.complaints.cols
        c["closed"][complaints] = True
        c["settled_min"][complaints] = now
        c["resolved_min"][complaints] = resolved_min
        hours = (resolved_min - c["clock_min"][complaints]) / 60.0
        large = c["large"][complaints]
        keep = complaint_retention(
            self.cfg.retention_after_complaint, hours, large, self.cfg.unresolved_retention
        )
        resolved = ~np.isnan(hours)
        keep = np.minimum(
            np.maximum(keep + np.where(resolved, self.recovery.retention_uplift, 0.0), 0.0), 1.0
        )
        would_stay = self.keyed.uniforms(c["key"][complaints], Q["retain"]) < keep
        customers = c["customer"][complaints]
        decided = self.leaving[customers] | (self.status[customers] != ACTIVE)
        stays = would_stay & ~decided
        c["retained"][complaints] = stays
        c["compensation"][complaints] = np.where(
            resolved, self.recovery.compensation_per_complaint, 0.0
        )
        won_back = customers[stays & resolved]
        if len(won_back):
            self.sat[won_back] = np.maximum(
                decayed(
                    self.sat[won_back],
                    (now - self.sat_t[won_back]) / 1440.0,
                    self.cfg.satisfaction.half_life_days,
                ),
                self.cfg.recovery_paradox_score,
            )
            self.sat_t[won_back] = now
            self.dissatisfied[won_back] = False
        for customer in customers[~would_stay & ~decided].tolist():
            self._schedule_exit(customer, POOR_RECOVERY, now)
        if isinstance(self.recovery, ProactiveFollowUp) and resolved.any():
            for customer, at, key in zip(
                customers[resolved],
                resolved_min[resolved],
                c["key"][complaints][resolved],
                strict=True,
            ):
                self.desk.inject(
                    self.desk.follow_up_code,
                    1,
                    int(customer),
                    -1,
                    float(at) + self.recovery.follow_up_after_h * 60.0,
                    self.keyed.key(int(key), Q["follow-up"]),
                )

    # --- the customer clock ------------------------------------------------------------------

    def process(self) -> Generator[simpy.Event, None, None]:
        """Tick every ``tick_min``; once a day, acquire customers and record the day."""
        env = self.desk.env
        while True:
            yield env.timeout(self.cfg.tick_min)
            now = env.now
            self._moments(now)
            self._due_exits(now)
            self._churn(now)
            if self.pilot_end is not None and now >= self.pilot_end - 1e-9:
                self._give_history(now)
                self.pilot_end = None
            if now >= self.next_day - 1e-9:
                self._end_of_day(now)
            if self.burning_in and now >= -1e-9:
                self._start_reporting(now)

    def _give_history(self, now: float) -> None:
        """End of the pilot: give every customer present since the start of the burn-in the
        satisfaction history a long-standing customer carries
        (:func:`sim.model.customer_history.past_satisfaction`), then the customer's own pilot
        window."""
        cfg = self.cfg
        sat_cfg = cfg.satisfaction
        n = self.n
        current = decayed(self.sat[:n], (now - self.sat_t[:n]) / 1440.0, sat_cfg.half_life_days)
        veterans = np.flatnonzero(
            (self.joined_min[:n] <= self.start_min) & (self.status[:n] == ACTIVE)
        )
        if not len(veterans):
            return
        window = current[veterans]
        weight = 2.0 ** (-(now - self.start_min) / 1440.0 / sat_cfg.half_life_days)
        past, dissatisfied = past_satisfaction(cfg, self.keyed, veterans, window, weight)
        sat = past * weight + window
        self.dissatisfied[veterans] |= dissatisfied & (sat < sat_cfg.dissatisfied_below)
        fresh = ~self.dissatisfied[veterans] & ~self.leaving[veterans]
        settled = sat.copy()
        just_now = np.zeros(len(veterans), bool)
        keys = self.keyed.keys(veterans, 0, Q["history"])
        decide_in_the_past(cfg, self.keyed, settled, just_now, keys, fresh)
        self.sat[veterans] = settled
        self.sat_t[veterans] = now
        self.dissatisfied[veterans[just_now]] = True
        self.told_since, self.told = now, 0.0

    def _start_reporting(self, now: float) -> None:
        """The start date: word of mouth at its stationary level, acquisition by its own rule."""
        self.burning_in = False
        days = (now - self.told_since) / 1440.0
        if days > 0:
            decay = math.exp(-1.0 / self.cfg.word_of_mouth.effect_days)
            self.listeners = self.told / days * decay / (1.0 - decay)

    def _moments(self, now: float) -> None:
        """The contacts finished since the last tick, of customers still here, as moments of
        truth: they move their customers' satisfaction and settle complaints, and the newly
        dissatisfied decide."""
        desk = self.desk
        log = desk.log
        if not desk.finished:
            return
        finished = np.array(desk.finished, dtype=np.int64)
        desk.finished.clear()
        customers = log.column("customer")[finished]
        mine = (self.status[customers] == ACTIVE) & (customers >= 0)  # (-1: nobody's)
        if not mine.all():
            finished, customers = finished[mine], customers[mine]  # in the order they ended
        type_code, arrival, answer, end, outcome, resolution, follow_up, attempt, complaint = (
            log.column(name)[finished] for name in MOMENT_COLUMNS
        )
        answered = outcome == ANSWERED
        resolved = resolution == RESOLVED
        delight = self.recovery.delight_score
        scores = moment_scores(
            desk.is_realtime_by_code[type_code],
            np.where(answered, answer, end) - arrival,
            answered,
            resolved,
            follow_up == ESCALATED,
            attempt,
            np.where((complaint >= 0) & resolved, delight, 0.0),
            self.cfg.satisfaction,
        )
        if desk.follow_up_code >= 0:
            scores = np.where(type_code == desk.follow_up_code, delight, scores)
        uniq, inverse = np.unique(customers, return_inverse=True)
        sat = self.cfg.satisfaction
        total = np.bincount(inverse, weights=impact(scores, sat.bad_weight))
        self.sat[uniq] = (
            decayed(self.sat[uniq], (now - self.sat_t[uniq]) / 1440.0, sat.half_life_days) + total
        )
        self.sat_t[uniq] = now
        self._complaint_outcomes(complaint, answered & resolved, follow_up, end, now)
        newly = uniq[
            (self.sat[uniq] < sat.dissatisfied_below)
            & ~(self.dissatisfied[uniq] | self.leaving[uniq])
        ]
        if len(newly):
            self._decide(newly, now)

    def _complaint_outcomes(
        self,
        complaint: np.ndarray,
        resolved: np.ndarray,
        follow_up: np.ndarray,
        end_min: np.ndarray,
        now: float,
    ) -> None:
        """Contacts about a complaint (``complaint`` ≥ 0) answered and ``resolved`` settle it. A
        dead end (no further contact coming) waits for the overdue escalation when the policy
        has one, else the complaint is given up on."""
        about = np.flatnonzero(complaint >= 0)
        if not len(about):
            return
        complaint, resolved = complaint[about], resolved[about]
        closed = self.complaints.cols["closed"]
        done = resolved & ~closed[complaint]
        if done.any():
            ids, first = np.unique(complaint[done], return_index=True)
            self._settle(ids, end_min[about][done][first], now)
        if not (self.recovery.escalate_overdue and self.recovery.target_h is not None):
            dead = ~resolved & (follow_up[about] == NO_FOLLOW_UP) & ~closed[complaint]
            for cid in np.unique(complaint[dead]):
                self._settle(np.array([cid]), np.array([np.nan]), now)

    def _decide(self, customers: np.ndarray, now: float) -> None:
        """Newly dissatisfied customers: complain (and where), or stay silent and maybe leave."""
        cfg = self.cfg
        self.dissatisfied[customers] = True
        self._today["dissatisfied"] += len(customers)
        large = self.sat[customers] < cfg.satisfaction.large_problem_below
        keys = self.keyed.extend(
            self.keyed.numbered_keys(customers), self.episodes_of[customers], Q["episode"]
        )
        self.episodes_of[customers] += 1
        u_voice, u_where, u_stay, u_told, u_delay, u_channel = self.keyed.uniforms(keys, DECISION).T
        voiced = u_voice < cfg.complaints.voice_prob
        front = u_where < cfg.complaints.front_line_share
        mgmt = ~front & (
            u_where < cfg.complaints.front_line_share + cfg.complaints.management_share
        )
        voice = np.where(
            voiced, np.where(front, FRONT_LINE, np.where(mgmt, MANAGEMENT, NOWHERE)), SILENT
        )
        silent_keep = np.where(large, cfg.silent_retention.large, cfg.silent_retention.small)
        leaves = (voice == SILENT) & (u_stay >= silent_keep)
        told = float(np.searchsorted(self.told_cdf, u_told, "left").sum())
        self.listeners += told
        self.told += told
        delay = durations(cfg.complaints.delay, u_delay)
        channel = np.minimum(
            np.searchsorted(self.complaint_cdf, u_channel, "right"), len(self.complaint_codes) - 1
        )
        unheard = []
        for customer, big, how, leaving, delay_min, via in zip(
            customers.tolist(),
            large.tolist(),
            voice.tolist(),
            leaves.tolist(),
            delay.tolist(),
            channel.tolist(),
            strict=True,
        ):
            complaint = -1
            if how == NOWHERE:
                complaint = self.open_complaint(customer, now, np.nan, big, NOWHERE)
                unheard.append(complaint)
            elif how != SILENT:
                when = now + delay_min
                complaint = self.open_complaint(customer, now, when, big, how)
                if how == MANAGEMENT or big:
                    self._escalate(complaint, when)
                else:
                    key = self.keyed.key(int(self.complaints.cols["key"][complaint]), Q["contact"])
                    self.desk.inject(self.complaint_codes[via], 1, customer, complaint, when, key)
            elif leaving:
                self._schedule_exit(customer, INDIFFERENCE, now)
            self.episodes.add(
                customer=customer,
                time_min=now,
                large=big,
                voice=how,
                complaint=complaint,
                leaves=leaving,
            )
        if unheard:  # complaints that reach nobody are given up on at once
            self._settle(np.array(unheard), np.full(len(unheard), np.nan), now)

    def _due_exits(self, now: float) -> None:
        while self.exits and self.exits[0][0] <= now:
            _, customer = heapq.heappop(self.exits)
            self._close(customer, now)

    def _churn(self, now: float) -> None:
        """Leaving for reasons outside service, each customer at the time drawn when they joined:
        decided and gone at once (a customer who had already decided keeps their reason)."""
        heap = self.churn_heap
        while heap and heap[0][0] <= now:
            _, customer, reason = heapq.heappop(heap)
            self._decide_to_leave(customer, reason, now)
            self._close(customer, now)

    def _end_of_day(self, now: float) -> None:
        cfg = self.cfg
        wom = cfg.word_of_mouth
        sat_cfg = cfg.satisfaction
        # satisfaction only decays towards neutral: only customers above the advocates' mark
        # (which is positive) can be advocates now, and only the dissatisfied recover
        maybe = np.flatnonzero(
            (self.sat[: self.n] > sat_cfg.advocate_above) | self.dissatisfied[: self.n]
        )
        sat = decayed(self.sat[maybe], (now - self.sat_t[maybe]) / 1440.0, sat_cfg.half_life_days)
        staying = (self.status[maybe] == ACTIVE) & ~self.leaving[maybe]
        advocates = int((staying & (sat > sat_cfg.advocate_above)).sum())
        recovered = self.dissatisfied[maybe] & (sat >= sat_cfg.dissatisfied_below)
        self.dissatisfied[maybe[recovered]] = False
        self.listeners *= math.exp(-1.0 / wom.effect_days)
        if self.burning_in:  # hold the base at its size until the start date
            acquired = max(self.initial - self.n_active, 0)
        else:
            rate = (
                cfg.acquisition.base_per_year_fraction * self.initial / 365.25
                + advocates * wom.referrals_per_advocate / wom.effect_days
                - self.listeners * wom.lost_acquisitions_per_listener / wom.effect_days
            )
            u = self.keyed.uniform(self.keyed.key(round(now / 1440.0)), Q["acquired"])
            acquired = int(poisson_counts(np.array([u]), max(rate, 0.0))[0])
        if acquired:
            self._add_customers(acquired, now)
        self._today["acquired"] += acquired
        day = round(now / 1440.0) - 1
        if day >= 0:
            per_segment = np.bincount(
                self.segment[self.active[: self.n_active]], minlength=len(self.segment_names)
            )
            self.daily.add(
                day=day,
                active=self.n_active,
                leaving=self.n_leaving,
                advocates=advocates,
                **self._today,
                **{f"active_{s}": per_segment[i] for i, s in enumerate(self.segment_names)},
            )
        self._today = dict.fromkeys(self._today, 0)
        self.next_day += 1440.0

    def finish(self, now: float) -> None:
        """At the horizon: process the last moments and record the last day."""
        self._moments(now)
        self._due_exits(now)
        if now >= self.next_day - 1e-9:
            self._end_of_day(now)

    def result(self) -> CustomerRun:
        """Freeze the records."""
        n = self.n
        return CustomerRun(
            segment_names=self.segment_names,
            daily=self.daily.table(),
            episodes=self.episodes.table(),
            complaints=self.complaints.table(),
            accounts={
                "segment": self.segment[:n].copy(),
                "status": self.status[:n].copy(),
                "joined_min": self.joined_min[:n].copy(),
                "decided_min": self.decided_min[:n].copy(),
                "decided_reason": self.decided_reason[:n].copy(),
                "left_min": self.left_min[:n].copy(),
            },
            initial=self.initial,
        )
