"""The customer base behind the contacts: satisfaction, complaints, recovery, defection, growth.

Accounts are numpy arrays (no Python object per customer). The desk runs on a clock of minutes;
the customer base has its own, slower clock: every ``customers.tick_min`` it takes the contacts
finished since the last tick and, vectorised,

1. scores each as a moment of truth and moves its customer's satisfaction
(:mod:`sim.model.satisfaction`);
2. settles complaints that were resolved (retention by the recovery curve) or reached a dead end;
3. lets newly dissatisfied customers decide: complain (front line, management, or to nobody who
   acts), or stay silent and perhaps leave; all of them tell others (word of mouth);
4. carries out defections that are due, and churn for reasons outside service (died, moved,
   natural turnover, friend's advice, price) at yearly hazards.

Once a day it adds new customers (a base rate, plus referrals by advocates, minus prospects put
off by word of mouth) and records the day. Primary contacts are raised by active customers, and
the desk's arrival volumes scale with the active base: defections shrink demand.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Generator

import numpy as np
import simpy
from simpy.events import Timeout

from sim.model.desk import Desk
from sim.model.records import ANSWERED, ESCALATED, NO_FOLLOW_UP, RESOLVED, CustomerRun
from sim.model.rng import Draws, Streams, duration_draws
from sim.model.satisfaction import (
    complaint_retention,
    decayed,
    impact,
    moment_scores,
    word_of_mouth_shape,
)
from sim.scenario.customers import ProactiveFollowUp
from sim.scenario.scenario import Scenario

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

SILENT, FRONT_LINE, MANAGEMENT, NOWHERE, FORECAST = 0, 1, 2, 3, 4
VOICES = ("silent", "front_line", "management", "nowhere", "forecast")
"""How a dissatisfied customer voiced it (``forecast``: a complaint contact from the demand
forecast, i.e. a problem not caused by the desk)."""

MINUTES_PER_YEAR = 365.25 * 1440.0


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

    def __init__(self, scenario: Scenario, streams: Streams, desk: Desk) -> None:
        cfg = scenario.customers
        assert cfg is not None
        self.cfg = cfg
        self.recovery = scenario.recovery
        self.desk = desk
        # One stream per kind of decision, so that a change in one (say, how many complaints
        # are settled) does not shift the draws of the others: sharper paired comparisons.
        self.rng_retention = streams("customers/retention")
        self.rng_voice = streams("customers/voice")
        self.rng_wom = streams("customers/word-of-mouth")
        self.rng_churn = streams("customers/churn")
        self.rng_acquisition = streams("customers/acquisition")
        self.pick_rng = streams("customers/pick")
        self.u_channel = Draws(streams("customers/complaint-channel").random)
        self.exit_delay = duration_draws(cfg.exit_delay, streams("customers/exit-delay"))
        self.complaint_delay = duration_draws(
            cfg.complaints.delay, streams("customers/complaint-delay")
        )
        self.wom_shape = word_of_mouth_shape(
            cfg.word_of_mouth.tells_mean, cfg.word_of_mouth.tells_at_least_20_share
        )
        self.segment_names = tuple(cfg.segments)
        self.segment_share = np.array([s.share for s in cfg.segments.values()])
        self.initial = cfg.accounts
        cap = max(64, int(cfg.accounts * 1.5))
        self.n = 0
        self.segment = np.zeros(cap, np.int8)
        self.status = np.zeros(cap, np.int8)
        self.joined_min = np.zeros(cap)
        self.left_min = np.full(cap, np.nan)
        self.sat = np.zeros(cap)
        self.sat_t = np.zeros(cap)
        self.dissatisfied = np.zeros(cap, bool)
        self.leaving = np.zeros(cap, bool)
        self.active = np.zeros(cap, np.int64)
        self.pos = np.full(cap, -1, np.int64)
        self.n_active = 0
        self._add_customers(cfg.accounts, 0.0, streams("customers/segments"))
        self.exits: list[tuple[float, int, int]] = []
        self.seen = 0
        self.listeners = 0.0
        self.compensation_paid = 0.0
        self.complaints = _Columns(
            customer="i8",
            opened_min="f8",
            large="bool",
            voice="i1",
            resolved_min="f8",
            closed="bool",
            retained="i1",
            escalated="bool",
        )
        self.episodes = _Columns(
            customer="i8", time_min="f8", large="bool", voice="i1", complaint="i8", leaves="bool"
        )
        self.daily = _Columns(
            day="i8",
            active="i8",
            acquired="i8",
            advocates="i8",
            dissatisfied="i8",
            complaints="i8",
            **{f"defected_{r}": "i8" for r in REASONS[1:]},
            **{f"active_{s}": "i8" for s in self.segment_names},
        )
        self._today = {
            "acquired": 0,
            "dissatisfied": 0,
            "complaints": 0,
            **{f"defected_{r}": 0 for r in REASONS[1:]},
        }
        self.complaint_codes = {
            desk.type_code(t): share for t, share in cfg.complaints.contact_types.items()
        }
        self.segments_stream = streams("customers/segments")

    # --- population --------------------------------------------------------------------------

    def _add_customers(self, count: int, now: float, rng: np.random.Generator) -> None:
        while self.n + count > len(self.segment):
            for name in (
                "segment",
                "status",
                "joined_min",
                "left_min",
                "sat",
                "sat_t",
                "dissatisfied",
                "leaving",
                "active",
                "pos",
            ):
                old = getattr(self, name)
                fill = np.nan if name == "left_min" else (-1 if name == "pos" else 0)
                setattr(self, name, np.concatenate([old, np.full_like(old, fill)]))
        ids = np.arange(self.n, self.n + count)
        self.segment[ids] = rng.choice(len(self.segment_share), count, p=self.segment_share)
        self.joined_min[ids] = now
        self.sat_t[ids] = now
        self.active[self.n_active : self.n_active + count] = ids
        self.pos[ids] = np.arange(self.n_active, self.n_active + count)
        self.n_active += count
        self.n += count

    def _defect(self, customer: int, reason: int, now: float) -> None:
        if self.status[customer] != ACTIVE:
            return
        self.status[customer] = reason
        self.left_min[customer] = now
        i = self.pos[customer]
        last = self.active[self.n_active - 1]
        self.active[i] = last
        self.pos[last] = i
        self.pos[customer] = -1
        self.n_active -= 1
        self._today[f"defected_{REASONS[reason]}"] += 1

    def volume_scale(self) -> float:
        """Active customers relative to the initial base: scales the forecast arrival volumes."""
        return self.n_active / self.initial

    def pick(self, count: int) -> np.ndarray:
        """Customers raising ``count`` primary contacts (uniformly among the active)."""
        return self.active[self.pick_rng.integers(0, self.n_active, count)]

    # --- complaints --------------------------------------------------------------------------

    def open_complaint(self, customer: int, now: float, large: bool, voice: int) -> int:
        """Record a new complaint and return its id; start its recovery-target clock."""
        self._today["complaints"] += 1
        complaint = self.complaints.add(
            customer=customer,
            opened_min=now,
            large=large,
            voice=voice,
            resolved_min=np.nan,
            closed=False,
            retained=-1,
            escalated=False,
        )
        if self.recovery.escalate_overdue and self.recovery.target_h is not None:
            timer = Timeout(self.desk.env, self.recovery.target_h * 60.0, complaint)
            timer.callbacks.append(self._on_overdue)
        return complaint

    def open_forecast_complaint(self, customer: int, now: float) -> int:
        """A complaint raised by a contact of a forecast complaint type (a problem the desk did not
        cause); its id."""
        return self.open_complaint(customer, now, False, FORECAST)

    def handed_over(self, complaint: int) -> bool:
        """Whether a complaint no longer needs the customer to call again: settled, or with
        tier 2."""
        c = self.complaints.cols
        return bool(c["closed"][complaint] or c["escalated"][complaint])

    def _escalate(self, complaint: int, when: float) -> None:
        """Hand a complaint to tier 2, who call the customer back."""
        self.complaints.cols["escalated"][complaint] = True
        self.desk.inject_callback(int(self.complaints.cols["customer"][complaint]), complaint, when)

    def _on_overdue(self, event: Timeout) -> None:
        """The recovery target has passed: an unresolved complaint escalates automatically."""
        complaint = event.value
        if not self.handed_over(complaint):
            self._escalate(complaint, self.desk.env.now)

    def _settle(self, complaints: np.ndarray, resolved_min: np.ndarray, now: float) -> None:
        """Close complaints (resolved at ``resolved_min``, or never if NaN) and decide who stays."""
        c = self.complaints.cols
        c["closed"][complaints] = True
        c["resolved_min"][complaints] = resolved_min
        hours = (resolved_min - c["opened_min"][complaints]) / 60.0
        large = c["large"][complaints]
        keep = complaint_retention(
            self.cfg.retention_after_complaint, hours, large, self.cfg.unresolved_retention
        )
        resolved = ~np.isnan(hours)
        keep = np.clip(keep + np.where(resolved, self.recovery.retention_uplift, 0.0), 0.0, 1.0)
        stays = self.rng_retention.random(len(complaints)) < keep
        c["retained"][complaints] = stays
        customers = c["customer"][complaints]
        self.compensation_paid += self.recovery.compensation_per_complaint * int(resolved.sum())
        won_back = customers[stays & resolved]
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
        for customer in customers[~stays]:
            self._schedule_exit(int(customer), REASONS.index("poor_recovery"), now)
        if isinstance(self.recovery, ProactiveFollowUp):
            for customer, at in zip(customers[resolved], resolved_min[resolved], strict=True):
                self.desk.inject_follow_up(
                    int(customer), float(at) + self.recovery.follow_up_after_h * 60.0
                )

    def _schedule_exit(self, customer: int, reason: int, now: float) -> None:
        if self.leaving[customer]:
            return
        self.leaving[customer] = True
        heapq.heappush(self.exits, (now + self.exit_delay(), customer, reason))

    # --- the customer clock ------------------------------------------------------------------

    def process(self) -> Generator[simpy.Event, None, None]:
        """Tick every ``tick_min``; once a day, acquire customers and record the day."""
        env = self.desk.env
        next_day = 1440.0
        while True:
            yield env.timeout(self.cfg.tick_min)
            now = env.now
            self._moments(now)
            self._due_exits(now)
            self._churn(now)
            if now >= next_day - 1e-9:
                self._end_of_day(now)
                next_day += 1440.0

    def _moments(self, now: float) -> None:
        desk = self.desk
        log = desk.log
        finished = np.frombuffer(desk.finished, dtype=np.int64)[self.seen :].copy()
        self.seen += len(finished)
        if not len(finished):
            return
        col = {
            name: np.frombuffer(getattr(log, name), dtype=getattr(log, name).typecode)[finished]
            for name in (
                "customer",
                "type_code",
                "arrival_min",
                "answer_min",
                "end_min",
                "outcome",
                "resolved",
                "follow_up",
                "attempt",
                "complaint",
                "tier",
            )
        }
        mine = (col["customer"] >= 0) & (self.status[np.maximum(col["customer"], 0)] == ACTIVE)
        col = {k: v[mine] for k, v in col.items()}
        customers = col["customer"]
        answered = col["outcome"] == ANSWERED
        wait = np.where(answered, col["answer_min"], col["end_min"]) - col["arrival_min"]
        is_complaint = col["complaint"] >= 0
        resolved = col["resolved"] == RESOLVED
        delight = np.where(is_complaint & resolved, self.recovery.delight_score, 0.0)
        follow_up = col["type_code"] == desk.follow_up_code
        scores = moment_scores(
            desk.is_phone_by_code[col["type_code"]],
            wait,
            answered,
            resolved,
            col["follow_up"] == ESCALATED,
            col["attempt"],
            delight,
            self.cfg.satisfaction,
        )
        scores = np.where(follow_up, self.recovery.delight_score, scores)
        uniq, inverse = np.unique(customers, return_inverse=True)
        total = np.bincount(inverse, weights=impact(scores, self.cfg.satisfaction.bad_weight))
        sat = self.cfg.satisfaction
        self.sat[uniq] = (
            decayed(self.sat[uniq], (now - self.sat_t[uniq]) / 1440.0, sat.half_life_days) + total
        )
        self.sat_t[uniq] = now
        self._complaint_outcomes(col, resolved, answered, now)
        newly = uniq[
            (self.sat[uniq] < sat.dissatisfied_below)
            & ~self.dissatisfied[uniq]
            & ~self.leaving[uniq]
            & (self.status[uniq] == ACTIVE)
        ]
        if len(newly):
            self._decide(newly, now)

    def _complaint_outcomes(
        self, col: dict[str, np.ndarray], resolved: np.ndarray, answered: np.ndarray, now: float
    ) -> None:
        """Resolved complaint contacts settle their complaint. A dead end (no further contact
        coming) waits for the overdue escalation when the policy has one, else the complaint is
        given up on."""
        complaint = col["complaint"]
        has = complaint >= 0
        closed = self.complaints.cols["closed"]
        done = has & resolved & answered
        done &= ~closed[np.where(has, complaint, 0)]
        if done.any():
            ids, first = np.unique(complaint[done], return_index=True)
            self._settle(ids, col["end_min"][done][first], now)
        dead = has & ~(resolved & answered) & (col["follow_up"] == NO_FOLLOW_UP)
        dead &= ~closed[np.where(has, complaint, 0)]
        if not (self.recovery.escalate_overdue and self.recovery.target_h is not None):
            for cid in np.unique(complaint[dead]):
                self._settle(np.array([cid]), np.array([np.nan]), now)

    def _decide(self, customers: np.ndarray, now: float) -> None:
        """Newly dissatisfied customers: complain (and where), or stay silent and maybe leave."""
        cfg = self.cfg
        n = len(customers)
        self.dissatisfied[customers] = True
        self._today["dissatisfied"] += n
        large = self.sat[customers] < cfg.satisfaction.large_problem_below
        u_voice, u_where, u_stay = self.rng_voice.random((3, n))
        complains = u_voice < cfg.complaints.complain_prob
        front = u_where < cfg.complaints.front_line_share
        mgmt = ~front & (
            u_where < cfg.complaints.front_line_share + cfg.complaints.management_share
        )
        voice = np.where(
            complains, np.where(front, FRONT_LINE, np.where(mgmt, MANAGEMENT, NOWHERE)), SILENT
        )
        silent_keep = np.where(large, cfg.silent_retention.large, cfg.silent_retention.small)
        leaves = (voice == SILENT) & (u_stay >= silent_keep)
        self.listeners += float(self.rng_wom.negative_binomial(*self.wom_shape, size=n).sum())
        codes = list(self.complaint_codes)
        shares = np.array(list(self.complaint_codes.values()))
        for i, customer in enumerate(customers.tolist()):
            complaint = -1
            if voice[i] in (FRONT_LINE, MANAGEMENT, NOWHERE):
                complaint = self.open_complaint(customer, now, bool(large[i]), int(voice[i]))
                when = now + self.complaint_delay()
                if voice[i] == NOWHERE:
                    self._settle(np.array([complaint]), np.array([np.nan]), now)
                elif voice[i] == MANAGEMENT or large[i]:
                    self._escalate(complaint, when)
                else:
                    code = codes[
                        int(np.searchsorted(np.cumsum(shares), self.u_channel(), side="right"))
                        if len(codes) > 1
                        else 0
                    ]
                    self.desk.inject_complaint(code, customer, complaint, when)
            elif leaves[i]:
                self._schedule_exit(customer, REASONS.index("indifference"), now)
            self.episodes.add(
                customer=customer,
                time_min=now,
                large=large[i],
                voice=voice[i],
                complaint=complaint,
                leaves=leaves[i],
            )

    def _due_exits(self, now: float) -> None:
        while self.exits and self.exits[0][0] <= now:
            _, customer, reason = heapq.heappop(self.exits)
            self._defect(customer, reason, now)

    def _churn(self, now: float) -> None:
        """Leaving for reasons outside service, at yearly hazards."""
        churn = self.cfg.churn
        hazards = np.array([getattr(churn, r) for r in CHURN_REASONS])
        per_tick = 1.0 - (1.0 - hazards) ** (self.cfg.tick_min / MINUTES_PER_YEAR)
        counts = self.rng_churn.multinomial(
            self.n_active, np.append(per_tick, 1.0 - per_tick.sum())
        )
        leaving = int(counts[:-1].sum())
        if not leaving:
            return
        chosen = self.active[self.rng_churn.choice(self.n_active, leaving, replace=False)].copy()
        reasons = np.repeat(np.arange(1, len(CHURN_REASONS) + 1), counts[:-1])
        for customer, reason in zip(chosen.tolist(), reasons.tolist(), strict=True):
            self._defect(customer, reason, now)

    def _end_of_day(self, now: float) -> None:
        cfg = self.cfg
        wom = cfg.word_of_mouth
        sat = decayed(
            self.sat[: self.n],
            (now - self.sat_t[: self.n]) / 1440.0,
            cfg.satisfaction.half_life_days,
        )
        active = self.status[: self.n] == ACTIVE
        advocates = int((active & (sat > cfg.satisfaction.advocate_above)).sum())
        recovered = self.dissatisfied[: self.n] & (sat >= cfg.satisfaction.dissatisfied_below)
        self.dissatisfied[: self.n][recovered] = False
        self.listeners *= math.exp(-1.0 / wom.effect_days)
        rate = (
            cfg.acquisition.base_per_year_fraction * self.initial / 365.25
            + advocates * wom.referrals_per_advocate / wom.effect_days
            - self.listeners * wom.lost_acquisitions_per_listener / wom.effect_days
        )
        acquired = int(self.rng_acquisition.poisson(max(rate, 0.0)))
        if acquired:
            self._add_customers(acquired, now, self.segments_stream)
        self._today["acquired"] += acquired
        per_segment = np.bincount(
            self.segment[self.active[: self.n_active]], minlength=len(self.segment_names)
        )
        self.daily.add(
            day=round(now / 1440.0) - 1,
            active=self.n_active,
            advocates=advocates,
            **self._today,
            **{f"active_{s}": per_segment[i] for i, s in enumerate(self.segment_names)},
        )
        self._today = dict.fromkeys(self._today, 0)

    def finish(self, now: float) -> None:
        """At the horizon: process the last moments and record the last day."""
        self._moments(now)
        self._due_exits(now)
        if now >= (self.daily.n + 1) * 1440.0 - 1e-9:
            self._end_of_day(now)

    def result(self) -> CustomerRun:
        """Freeze the records."""
        return CustomerRun(
            segment_names=self.segment_names,
            daily=self.daily.table(),
            episodes=self.episodes.table(),
            complaints=self.complaints.table(),
            accounts={
                "segment": self.segment[: self.n].copy(),
                "status": self.status[: self.n].copy(),
                "joined_min": self.joined_min[: self.n].copy(),
                "left_min": self.left_min[: self.n].copy(),
            },
            initial=self.initial,
            initial_by_segment=np.bincount(
                self.segment[: self.initial], minlength=len(self.segment_names)
            ),
            compensation_paid=self.compensation_paid,
        )
