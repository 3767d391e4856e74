"""From contact records to the measures a desk is run by, with confidence intervals.

Definitions used in every report:

* **Offered** phone calls: front-line phone contacts arriving in the reporting window (after the
  warm-up). Each attempt counts, as an ACD counts it: a caller who abandons and calls back is
  offered twice. Calls still waiting at the horizon are left out of the rates (outcome unknown).
* **Service level**: its definition is a scenario parameter (``service_level``) and is printed
  with every report; by default, answered within 20 s over all offered calls, abandons counting
  as misses.
* **ASA** (average speed of answer): mean wait of answered calls. **Mean time to abandon**: mean
  wait of callers who hung up. **P(wait)**: share of calls not answered at once.
* **Abandonment rate**: callers who hung up over offered calls; callers cut off at closing time are
  reported separately (``disconnect_rate``).
* **Occupancy**: agent-minutes busy (talk and wrap-up) over agent-minutes present, per tier.
* **Callbacks** (virtual hold, when offered): a caller who accepts one is offered once, like any
  call. In the service level the callback is answered on time when the agent reaches the caller
  within ``routing.callbacks.answer_within_min`` of the call, and a miss otherwise (unreached
  included). ASA and the abandonment rate are of live calls (callers who did not take a
  callback); ``callback_reached_rate`` and ``callback_mean_delay_s`` describe the callbacks.
* **Response within target**: for each ``standards.response_targets`` type, the share of its
  front-line contacts answered within the target; unanswered ones count as misses once the target
  has passed.

One replication's measures are accumulated over row chunks of its contact table
(:mod:`sim.measures.chunks`), so their temporaries stay bounded however long the run: a table of
one chunk gives exactly the values of a single pass, longer ones the same up to the order of
summation.

Across replications, each measure is the mean of the per-replication values with a Student-t 95%
confidence interval (:mod:`sim.measures.estimates`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np

from sim.measures.chunks import Totals, accumulate, row_chunks
from sim.measures.integrals import span_integral, step_at, step_integral
from sim.model.records import (
    ABANDONED,
    ANSWERED,
    CALLBACK_ACCEPTED,
    DISCONNECTED,
    ESCALATED,
    NO_CALLBACK,
    REPEAT,
    WAITING,
    ContactTable,
    DeskRun,
)
from sim.scenario.scenario import Scenario


@dataclass(frozen=True)
class KpiInfo:
    """How to read a KPI: a label for reports, its unit (``share`` is a fraction in [0, 1],
    ``ratio`` a dimensionless number such as work pressure) and
    which direction is better (``+1`` higher, ``-1`` lower, ``0`` neither: a volume or a mix)."""

    label: str
    unit: Literal["share", "count", "ratio", "s", "h", "callers", "money"]
    better: Literal[-1, 0, 1] = 0


KPIS: dict[str, KpiInfo] = {
    "offered_phone": KpiInfo("phone calls offered", "count"),
    "answered_phone": KpiInfo("phone calls answered", "count"),
    "abandoned_phone": KpiInfo("phone calls abandoned", "count", -1),
    "disconnected_phone": KpiInfo("callers cut off at closing", "count", -1),
    "service_level": KpiInfo("service level", "share", 1),
    "asa_s": KpiInfo("average speed of answer", "s", -1),
    "p_wait": KpiInfo("share of calls that waited", "share", -1),
    "abandon_rate": KpiInfo("abandonment rate", "share", -1),
    "disconnect_rate": KpiInfo("cut off at closing", "share", -1),
    "mean_time_to_abandon_s": KpiInfo("mean time to abandon", "s"),
    "mean_queue_phone": KpiInfo("mean phone queue while open", "callers", -1),
    "callbacks_accepted": KpiInfo("callbacks accepted", "count"),
    "callbacks_missed": KpiInfo("callbacks that did not reach the caller", "count", -1),
    "callback_accept_share": KpiInfo("callers offered a callback who accepted", "share"),
    "callback_reached_rate": KpiInfo("callbacks that reached the caller", "share", 1),
    "callback_mean_delay_s": KpiInfo("mean time from call to callback", "s", -1),
    "work_pressure_tier1": KpiInfo("work pressure, front line (while open)", "ratio", -1),
    "work_pressure_tier2": KpiInfo("work pressure, tier 2 (while open)", "ratio", -1),
    "handle_time_cut": KpiInfo("handle time cut under pressure (answered contacts)", "share", -1),
    "absence_share": KpiInfo(
        "rostered agent time not covered (unplanned absence, vacancies)", "share", -1
    ),
    "overtime_share": KpiInfo("agent time on overtime, over time attending", "share", -1),
    "overtime_hours": KpiInfo("overtime agent-hours", "h", -1),
    "fatigue_front_line": KpiInfo("front-line fatigue (while open)", "ratio", -1),
    "staff_satisfaction": KpiInfo("staff satisfaction index (while open)", "ratio", 1),
    "staff_satisfaction_end": KpiInfo("staff satisfaction index at the end", "ratio", 1),
    "leavers": KpiInfo("agents who left", "count", -1),
    "attrition_annual": KpiInfo(
        "staff turnover, annualised (leavers per agent per year)", "ratio", -1
    ),
    "vacancy_share": KpiInfo("staff places vacant (mean over days)", "share", -1),
    "time_standard_end": KpiInfo(
        "front line's standard time per contact at the end (share of handle time)", "share", 1
    ),
    "chat_offered": KpiInfo("chats offered", "count"),
    "chat_service_level": KpiInfo("chat service level", "share", 1),
    "chat_asa_s": KpiInfo("chat average speed of answer", "s", -1),
    "chat_abandon_rate": KpiInfo("chats abandoned", "share", -1),
    "chat_sessions_per_agent": KpiInfo("chat sessions held at once, per chatting agent", "ratio"),
    "occupancy_tier1": KpiInfo("occupancy, front line", "share"),
    "occupancy_tier2": KpiInfo("occupancy, tier 2", "share"),
    "email_received": KpiInfo("emails received", "count"),
    "email_mean_response_h": KpiInfo("email mean response", "h", -1),
    "fcr_rate": KpiInfo("first-contact resolution", "share", 1),
    "escalation_rate": KpiInfo("escalated to tier 2", "share", -1),
    "repeat_contacts": KpiInfo("repeat contacts", "count", -1),
    "contacts_simulated": KpiInfo("contacts simulated", "count"),
    "customers_start": KpiInfo("customers at start", "count"),
    "customers_end": KpiInfo("customers at end", "count", 1),
    "customers_leaving_end": KpiInfo("decided to leave, account still open at end", "count", -1),
    "acquired": KpiInfo("customers acquired", "count"),
    "defections": KpiInfo("customers lost", "count", -1),
    "accounts_closed": KpiInfo("accounts closed", "count", -1),
    "service_defections": KpiInfo("customers lost to service", "count", -1),
    "complaint_rate_monthly": KpiInfo("complaints per customer per month", "share", -1),
    "complaint_rate_service_monthly": KpiInfo(
        "complaints about the service per customer per month", "share", -1
    ),
    "complaints_resolved_on_time": KpiInfo("complaints resolved within the standard", "share", 1),
    "complaint_retention": KpiInfo("complainants retained", "share", 1),
    "advocates": KpiInfo("advocates on an average day", "count", 1),
    "revenue": KpiInfo("revenue", "money", 1),
    "staffing_cost": KpiInfo("staffing cost", "money", -1),
    "recovery_cost": KpiInfo("recovery cost (compensation)", "money", -1),
    "acquisition_cost": KpiInfo("acquisition cost", "money", -1),
    "overtime_cost": KpiInfo("overtime cost (part of staffing cost)", "money", -1),
    "replacement_cost": KpiInfo("cost of replacing leavers", "money", -1),
    "revenue_lost_to_defection": KpiInfo("revenue lost to defection", "money", -1),
    "lifetime_value_lost_service": KpiInfo("lifetime value lost to service", "money", -1),
    "customer_equity_start": KpiInfo("customer equity at start", "money"),
    "customer_equity_end": KpiInfo("customer equity at end", "money", 1),
    "customer_equity_change": KpiInfo("change in customer equity", "money", 1),
    "complainant_value_retained": KpiInfo("lifetime value of complainants kept", "money", 1),
    "net_value": KpiInfo("net value", "money", 1),
}
"""Every KPI by name; ``within_target.*`` are shares, ``defections.*`` and ``funnel.*`` counts."""


FUNNEL_BETTER: dict[str, Literal[-1, 1]] = {
    "dissatisfied": -1,
    "silent_leaving": -1,
    "complaints_from_service": -1,
    "never_resolved": -1,
    "resolved_late": -1,
    "resolved_on_time": 1,
    "complainants_retained": 1,
    "complainants_lost": -1,
    "leaving_at_horizon": -1,
}
"""Funnel stages with a better direction (the others are a mix, e.g. complaints made)."""


KPI_GROUPS = (
    "within_target",
    "defections",
    "funnel",
    "service_level_by_type",
    "abandon_rate_by_type",
    "asa_s_by_type",
    "occupancy_by_group",
    "served",
)
"""Prefixes of KPI families named by their member (``within_target.urgent``)."""


def kpi_info(name: str) -> KpiInfo:
    """Label and unit of a KPI name."""
    if name in KPIS:
        return KPIS[name]
    group, _, item = name.partition(".")
    if group == "within_target":
        return KpiInfo(f"{item} answered within target", "share", 1)
    if group == "defections":
        return KpiInfo(f"lost: {item.replace('_', ' ')}", "count", -1)
    if group == "funnel":
        return KpiInfo(f"funnel: {item.replace('_', ' ')}", "count", FUNNEL_BETTER.get(item, 0))
    if group == "service_level_by_type":
        return KpiInfo(f"service level, {item}", "share", 1)
    if group == "abandon_rate_by_type":
        return KpiInfo(f"abandonment rate, {item}", "share", -1)
    if group == "asa_s_by_type":
        return KpiInfo(f"average speed of answer, {item}", "s", -1)
    if group == "occupancy_by_group":
        return KpiInfo(f"occupancy, {item}", "share")
    if group == "served":
        type_name, _, agents = item.rpartition("/")
        return KpiInfo(f"{type_name} answered by {agents}", "count")
    return KPIS[name]


# --- per-replication measures --------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The reporting window ``[start_min, end_min)``."""

    start_min: float
    end_min: float


def reporting_window(run: DeskRun, scenario: Scenario) -> Window:
    """After the warm-up, until the horizon."""
    return Window(scenario.calendar.warmup_min, run.horizon_min)


def busy_spans(
    run: DeskRun, c: ContactTable, contacts: np.ndarray, groups: Sequence[int], chats: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """When agents were busy, as ``(starts, ends)`` spans: talk and wrap-up of the answered
    contacts in the mask ``contacts`` over ``c`` (rows of the run's table; chats aside), and with
    ``chats`` the stretches agents of ``groups`` held chat sessions (one busy agent however many
    sessions); unfinished ones end at the horizon. Over row chunks, the first chunk takes the
    chat stretches."""
    m = contacts & (c.outcome == ANSWERED) & ~run.is_chat[c.type_code]
    start = c.answer_min[m]
    end = c.end_min[m] + run.wrap_up_min[c.type_code[m]]
    end = np.where(np.isnan(end), run.horizon_min, end)
    held = [run.chat_busy[g] for g in groups if len(run.chat_busy[g][0])] if chats else []
    if not held:
        return start, end
    return (
        np.concatenate([start, *(s for s, _ in held)]),
        np.concatenate([end, *(e for _, e in held)]),
    )


def _busy_spans(
    run: DeskRun, c: ContactTable, tier: int, chats: bool
) -> tuple[np.ndarray, np.ndarray]:
    groups = [g for g, t in enumerate(run.group_tier) if t == tier]
    return busy_spans(run, c, c.tier == tier, groups, chats)


def _ratio(num: float, den: float) -> float:
    return num / den if den > 0 else math.nan


def _mean(total: float, n: int) -> float:
    """A mean from a sum and a count (NaN over nothing)."""
    return float(total / n) if n > 0 else math.nan


def _count(mask: np.ndarray) -> Any:
    return mask.sum()


def _total(mask: np.ndarray, values: np.ndarray) -> Any:
    return values[mask].sum()


@dataclass(frozen=True)
class PhoneService:
    """How a set of phone calls went, by the definitions in the module docstring: masks over the
    rows of a chunk of the contact table."""

    offered: np.ndarray
    wait_s: np.ndarray
    """Every row's wait in seconds (NaN if still waiting)."""
    answered: np.ndarray
    live: np.ndarray
    """Answered without a callback."""
    virtual: np.ndarray
    """Took a callback (reached or not)."""
    abandoned: np.ndarray
    """Hung up in the queue (a callback not reached is not counted here)."""
    disconnected: np.ndarray
    settled: np.ndarray
    good: np.ndarray
    """Answered on time (live within the threshold, callbacks within their own limit)."""
    counted: np.ndarray
    """In the service level's denominator."""

    def totals(
        self,
        count: Callable[[np.ndarray], Any] = _count,
        total: Callable[[np.ndarray, np.ndarray], Any] = _total,
    ) -> Totals:
        """What the rates are made of, adding over chunks: calls by outcome (``count`` of a mask)
        and the waits in seconds of those answered live and those who hung up (``total`` of
        values over a mask). By default over the whole chunk; the interval table counts per
        interval."""
        return {
            "offered": count(self.offered),
            "answered": count(self.answered),
            "live": count(self.live),
            "abandoned": count(self.abandoned),
            "disconnected": count(self.disconnected),
            "settled": count(self.settled),
            "good": count(self.good),
            "counted": count(self.counted),
            "live_wait_s": total(self.live, self.wait_s),
            "abandoned_wait_s": total(self.abandoned, self.wait_s),
        }


def phone_service(c: ContactTable, phone: np.ndarray, scenario: Scenario) -> PhoneService:
    """How the calls in the mask ``phone`` over ``c`` went (see :func:`service_rates`)."""
    sl = scenario.service_level
    wait_min = c.wait_min
    wait_s = wait_min * 60.0
    outcome = c.outcome
    virtual = phone & (c.callback == CALLBACK_ACCEPTED)  # none without callbacks
    answered = phone & (outcome == ANSWERED)
    live = answered & ~virtual
    abandoned = phone & (outcome == ABANDONED) & ~virtual
    disconnected = phone & (outcome == DISCONNECTED)
    settled = phone & (outcome != WAITING)
    within_min = scenario.routing.callbacks.answer_within_min
    good = (live & (wait_s <= sl.threshold_s)) | (answered & virtual & (wait_min <= within_min))
    if sl.abandoned == "exclude":
        counted = answered
    else:
        counted = settled & ~((abandoned | disconnected) & (wait_s < sl.short_abandon_s))
    return PhoneService(
        offered=phone,
        wait_s=wait_s,
        answered=answered,
        live=live,
        virtual=virtual,
        abandoned=abandoned,
        disconnected=disconnected,
        settled=settled,
        good=good,
        counted=counted,
    )


class ServiceRates(NamedTuple):
    """Service level, average speed of answer (s) and abandonment rate of a set of calls."""

    service_level: float
    asa_s: float
    abandon_rate: float


def service_rates(totals: Totals) -> ServiceRates:
    """The rates of a set of calls from their :meth:`PhoneService.totals` (over all chunks)."""
    return ServiceRates(
        service_level=_ratio(totals["good"], totals["counted"]),
        asa_s=_mean(totals["live_wait_s"], totals["live"]),
        abandon_rate=_ratio(totals["abandoned"], totals["settled"]),
    )


def replication_kpis(run: DeskRun, scenario: Scenario) -> dict[str, float]:
    """Every headline measure of one replication (see the module docstring for definitions),
    from totals accumulated over row chunks of the contact table."""
    win = reporting_window(run, scenario)
    open_edges = np.array(
        [
            x
            for a, b in run.plan.open_periods
            for x in (max(a, win.start_min), max(min(b, win.end_min), win.start_min))
        ]
    )
    t = accumulate(
        _headline_totals(run, scenario, c, start == 0, win, open_edges)
        for start, c in row_chunks(run.contacts)
    )
    p = t["phone"]
    rates = service_rates(p)
    k: dict[str, float] = {
        "offered_phone": float(p["offered"]),
        "answered_phone": float(p["answered"]),
        "abandoned_phone": float(p["abandoned"]),
        "disconnected_phone": float(p["disconnected"]),
        "service_level": rates.service_level,
        "asa_s": rates.asa_s,
        "p_wait": _ratio(t["waited"], p["settled"]),
        "abandon_rate": rates.abandon_rate,
        "disconnect_rate": _ratio(p["disconnected"], p["settled"]),
        "mean_time_to_abandon_s": _mean(p["abandoned_wait_s"], p["abandoned"]),
    }
    if scenario.routing.callbacks.on:
        cb = t["callbacks"]
        k["callbacks_accepted"] = float(cb["accepted"])
        k["callbacks_missed"] = float(cb["missed"])
        k["callback_accept_share"] = _ratio(cb["accepted"], cb["offered"])
        k["callback_reached_rate"] = _ratio(cb["reached"], cb["settled"])
        k["callback_mean_delay_s"] = _mean(cb["reached_wait_s"], cb["reached"])
    open_min = float(np.sum(open_edges[1::2] - open_edges[0::2]))
    queue_min = float(np.sum(t["queue_min"][0::2]))
    k["mean_queue_phone"] = _ratio(queue_min, open_min)
    edges = np.array([win.start_min, win.end_min])
    if run.is_chat.any():
        k.update(_chat_kpis(run, t["chat"], edges))
    for tier in (1, 2):
        present = step_integral(*run.present[tier], edges)[0]
        k[f"occupancy_tier{tier}"] = _ratio(t["busy_min"][tier][0], present)
    k["email_received"] = float(t["email"])
    k["email_mean_response_h"] = _mean(t["email_wait_min"], t["email_answered"]) / 60.0
    k["fcr_rate"] = _ratio(t["first_resolved"], t["first_answered"])
    k["escalation_rate"] = _ratio(t["escalated"], t["answered_front"])
    k["repeat_contacts"] = float(t["repeats"])
    for type_name, target in t["targets"].items():
        k[f"within_target.{type_name}"] = _ratio(target["met"], target["due"])
    k["contacts_simulated"] = float(len(run.contacts))
    return k


def _headline_totals(
    run: DeskRun,
    scenario: Scenario,
    c: ContactTable,
    chats: bool,
    win: Window,
    open_edges: np.ndarray,
) -> Totals:
    """The totals :func:`replication_kpis` is made of, over the rows ``c`` (``chats``: the first
    chunk, which takes the chat stretches)."""
    in_win = (c.arrival_min >= win.start_min) & (c.arrival_min < win.end_min)
    phone = in_win & (c.tier == 1) & run.is_phone[c.type_code]
    outcome = c.outcome
    p = phone_service(c, phone, scenario)
    t: Totals = {"phone": p.totals(), "waited": (p.settled & (p.wait_s > 0.0)).sum()}
    if scenario.routing.callbacks.on:
        virtual = p.virtual
        reached = virtual & (outcome == ANSWERED)
        t["callbacks"] = {
            "offered": (phone & (c.callback != NO_CALLBACK)).sum(),
            "accepted": virtual.sum(),
            "missed": (virtual & (outcome == ABANDONED)).sum(),
            "settled": (virtual & (outcome != WAITING)).sum(),
            "reached": reached.sum(),
            "reached_wait_s": p.wait_s[reached].sum(),
        }
    t["queue_min"] = span_integral(*_phone_queue_spans(run, c), open_edges)
    edges = np.array([win.start_min, win.end_min])
    if run.is_chat.any():
        t["chat"] = _chat_totals(run, scenario, c, in_win, edges)
    t["busy_min"] = {
        tier: span_integral(*_busy_spans(run, c, tier, chats), edges) for tier in (1, 2)
    }
    front = in_win & (c.tier == 1)
    email = front & ~run.is_phone[c.type_code] & ~run.is_chat[c.type_code]
    answered_email = email & (outcome == ANSWERED)
    answered_front = front & (outcome == ANSWERED) & (c.resolved >= 0)
    first = answered_front & (c.attempt == 1)
    t |= {
        "email": email.sum(),
        "email_answered": answered_email.sum(),
        "email_wait_min": c.wait_min[answered_email].sum(),
        "first_answered": first.sum(),
        "first_resolved": (first & (c.resolved == 1)).sum(),
        "answered_front": answered_front.sum(),
        "escalated": (answered_front & (c.follow_up == ESCALATED)).sum(),
        "repeats": (front & (c.follow_up == REPEAT)).sum(),
        "targets": {
            type_name: {"due": (due & in_win).sum(), "met": (met & in_win).sum()}
            for type_name, (due, met) in _response_targets(run, scenario, c).items()
        },
    }
    return t


def _chat_totals(
    run: DeskRun, scenario: Scenario, c: ContactTable, in_win: np.ndarray, edges: np.ndarray
) -> Totals:
    """Over the rows ``c``: the front-line chats arriving in the window (``in_win``), and the
    session-minutes of every chat answered within ``edges``."""
    chats = in_win & (c.tier == 1) & run.is_chat[c.type_code]
    sessions = c.outcome == ANSWERED
    sessions &= run.is_chat[c.type_code]
    end = c.end_min[sessions] + run.wrap_up_min[c.type_code[sessions]]
    return {
        "chats": phone_service(c, chats, scenario).totals(),
        "session_min": span_integral(
            c.answer_min[sessions], np.where(np.isnan(end), run.horizon_min, end), edges
        ),
    }


def _chat_kpis(run: DeskRun, t: Totals, edges: np.ndarray) -> dict[str, float]:
    """Chats offered at the front line, their service level (by ``service_level``'s definition),
    ASA and abandonment, and the mean sessions a chatting agent held at once (session-minutes
    over chatting-agent-minutes, in the window ``edges``), from :func:`_chat_totals`."""
    rates = service_rates(t["chats"])
    seat_min = sum(span_integral(s, e, edges)[0] for s, e in run.chat_busy if len(s))
    return {
        "chat_offered": float(t["chats"]["offered"]),
        "chat_service_level": rates.service_level,
        "chat_asa_s": rates.asa_s,
        "chat_abandon_rate": rates.abandon_rate,
        "chat_sessions_per_agent": _ratio(t["session_min"][0], seat_min),
    }


def daily_table(intervals: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-day phone measures from an :func:`interval_table`: counts summed, rates recomputed from
    the day's counts (not averaged over intervals)."""
    days, idx = np.unique(intervals["day"], return_inverse=True)

    def total(col: str) -> np.ndarray:
        return np.bincount(idx, weights=intervals[col], minlength=len(days))

    def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        return np.divide(num, den, out=np.full(len(days), np.nan), where=den > 0)

    answered = total("answered")
    live = total("answered_live")
    wait_total = np.bincount(
        idx,
        weights=np.nan_to_num(intervals["asa_s"]) * intervals["answered_live"],
        minlength=len(days),
    )
    return {
        "day": days,
        "offered": total("offered"),
        "answered": answered,
        "abandoned": total("abandoned"),
        "service_level": ratio(
            total("answered_within_threshold"), total("service_level_denominator")
        ),
        "asa_s": ratio(wait_total, live),
        "abandon_rate": ratio(total("abandoned"), total("settled")),
        "within_target": ratio(total("targets_met"), total("targets_due")),
        "occupancy_tier1": ratio(total("agents_busy_tier1"), total("agents_present_tier1")),
    }


def _phone_queue_spans(run: DeskRun, c: ContactTable) -> tuple[np.ndarray, np.ndarray]:
    """Front-line phone queue stays ``[arrival, leaving the queue)`` (horizon if still waiting),
    of the rows ``c``."""
    m = (c.tier == 1) & run.is_phone[c.type_code]
    end = np.where(c.outcome[m] == WAITING, run.horizon_min, c.arrival_min[m] + c.wait_min[m])
    return c.arrival_min[m], end


def interval_table(run: DeskRun, scenario: Scenario) -> dict[str, np.ndarray]:
    """Front-line phone measures per planning interval of the open hours, for intraday charts.

    Contacts are counted in the interval they arrived in; agents and queue are time-weighted means
    over the interval, except the roster at the interval's start: ``agents_paid_tier*`` rostered
    and paid for, ``agents_available_tier*`` left after shrinkage (the agents the desk gets;
    ``agents_present_tier*`` adds those still finishing a contact after their roster ended).
    Counts, waits and span integrals are accumulated over row chunks of the contact table.
    """
    plan = run.plan
    width = plan.interval_min
    starts = np.concatenate([plan.interval_starts(d) for d in plan.reported_days] + [np.empty(0)])
    n = len(starts)
    edges = np.empty(2 * n)
    edges[0::2] = starts
    edges[1::2] = starts + width
    t = accumulate(
        _interval_totals(run, scenario, c, start == 0, starts, width, edges)
        for start, c in row_chunks(run.contacts)
    )

    def share(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        return np.divide(num, den, out=np.full(n, np.nan), where=den > 0)

    p = t["phone"]
    table = {
        "interval_start_min": starts,
        "day": (starts // 1440).astype(np.int64),
        "offered": p["offered"],
        "answered": p["answered"],
        "answered_live": p["live"],
        "abandoned": p["abandoned"],
        "settled": p["settled"],
        "answered_within_threshold": p["good"],
        "service_level_denominator": p["counted"],
        "service_level": share(p["good"], p["counted"]),
        "asa_s": share(p["live_wait_s"], p["live"]),
        "abandon_rate": share(p["abandoned"], p["settled"]),
        "mean_time_to_abandon_s": share(p["abandoned_wait_s"], p["abandoned"]),
        "targets_due": t["due"],
        "targets_met": t["met"],
        "within_target": share(t["met"], t["due"]),
    }
    for tier in (1, 2):
        table[f"agents_paid_tier{tier}"] = step_at(*run.paid[tier], starts).astype(float)
        table[f"agents_available_tier{tier}"] = step_at(*run.roster[tier], starts).astype(float)
        table[f"agents_present_tier{tier}"] = step_integral(*run.present[tier], edges)[0::2] / width
        table[f"agents_busy_tier{tier}"] = t["busy_min"][tier][0::2] / width
    table["mean_queue_phone"] = t["queue_min"][0::2] / width
    table["occupancy_tier1"] = share(table["agents_busy_tier1"], table["agents_present_tier1"])
    return table


def _interval_totals(
    run: DeskRun,
    scenario: Scenario,
    c: ContactTable,
    chats: bool,
    starts: np.ndarray,
    width: float,
    edges: np.ndarray,
) -> Totals:
    """The totals :func:`interval_table` is made of, per interval, over the rows ``c``."""
    n = len(starts)
    idx = np.searchsorted(starts, c.arrival_min, side="right") - 1
    inside = idx >= 0
    inside[inside] = c.arrival_min[inside] < starts[idx[inside]] + width
    phone = inside & (c.tier == 1) & run.is_phone[c.type_code]

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(idx[mask], minlength=n).astype(float)

    def total(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        return np.bincount(idx[mask], weights=values[mask], minlength=n)

    due = np.zeros(len(c), dtype=bool)
    met = np.zeros(len(c), dtype=bool)
    for type_due, type_met in _response_targets(run, scenario, c).values():
        due |= type_due
        met |= type_met
    return {
        "phone": phone_service(c, phone, scenario).totals(count, total),
        "due": count(inside & due),
        "met": count(inside & met),
        "busy_min": {
            tier: span_integral(*_busy_spans(run, c, tier, chats), edges) for tier in (1, 2)
        },
        "queue_min": span_integral(*_phone_queue_spans(run, c), edges),
    }


def _response_targets(
    run: DeskRun, scenario: Scenario, c: ContactTable
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per contact type with a response target, front-line contacts of the rows ``c`` whose
    target has come (answered, gave up, or older than the target at the horizon), and those that
    met it."""
    masks = {}
    for type_name, target in scenario.standards.response_targets.items():
        mine = (c.tier == 1) & (c.type_code == run.type_names.index(type_name))
        due = mine & (
            (c.outcome != WAITING) | (run.horizon_min - c.arrival_min > target.within_min)
        )
        masks[type_name] = (due, mine & (c.outcome == ANSWERED) & (c.wait_min <= target.within_min))
    return masks
