"""Agents on duty, inferred from a contact log.

A call log says which agent served which call, never who was on duty: an agent between two calls
may have been idle and ready, wrapping up, on a break or doing other work. The simulation needs
the agents *available to answer*, interval by interval, so they are inferred from two things the
log does record: each agent's services, and the spans in which callers were waiting.

**The rule (work-conserving).** The bank's queue is work-conserving: while a caller waits, an
agent who is on duty and free takes the call at once. So

* an agent serving a call is on duty;
* a gap shorter than ``2N`` between two of their calls is on duty (after-call work; the
  scenario's wrap-up is the mean of these gaps, see :func:`after_call_gap_s`);
* a longer gap, up to ``idle_max_min``, and the ``N`` minutes before the first call and after
  the last call of a stretch, are on duty *only while nobody was waiting*: an agent idle while a
  caller waited was not available (a break, other work), while an agent idle in a quiet spell
  was ready and simply had no call;
* a gap of ``idle_max_min`` or more is off duty (a long break, the end of a shift).

**Agents not ready.** A log also shows callers who waited although nobody was waiting before them
and the rule counts an agent free (the agent was finishing after-call work, away from the desk,
or the call rang unanswered). :func:`fit_answer_delay` measures how often that happens and how
long such callers wait: the scenario's ``routing.answer_delay``.

The count is time-averaged within each planning interval. Without the work-conserving step
(counting a fixed slack around every call), quiet hours lose the agents who waited for calls
(few calls, long gaps) and busy hours keep agents who were not taking calls although callers
waited; in the Anonymous Bank data that flattens the hour-of-day pattern of abandonment
(``docs/validation.md``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from sim.logs.arrival_fits import ArrivalFit, IntervalGrid
from sim.logs.contact_log import SERVED
from sim.logs.duty_rule import IDLE_MAX_OPTIONS_MIN, SLACK_OPTIONS_MIN
from sim.measures.integrals import span_integral


@dataclass(frozen=True)
class AgentActivity:
    """What a log says about agents: services of identified agents and the spans callers waited.

    All times are minutes on one clock (any origin).

    Attributes:
        agent: Integer code of the agent of each service.
        start_min: Service starts.
        end_min: Service ends.
        wait_start_min: Queue entries of the callers who queued (served or not).
        wait_end_min: Their queue exits.
        agents_seen: Distinct agents.
    """

    agent: np.ndarray
    start_min: np.ndarray
    end_min: np.ndarray
    wait_start_min: np.ndarray
    wait_end_min: np.ndarray
    agents_seen: int

    @classmethod
    def from_records(
        cls, records: pd.DataFrame, minutes: Callable[[pd.Series], np.ndarray]
    ) -> AgentActivity:
        """From cleaned records (:func:`sim.logs.contact_log.read_logs`); ``minutes`` maps
        timestamps onto the clock (e.g. :meth:`sim.logs.arrival_fits.IntervalGrid.minutes`)."""
        served = records[(records["outcome"] == SERVED) & records["service_start"].notna()]
        known = served[served["agent"].notna()]
        codes, names = pd.factorize(known["agent"])
        queued = records[records["queued"]]
        wait_start = minutes(queued["arrival"])
        return cls(
            agent=codes,
            start_min=minutes(known["service_start"]),
            end_min=minutes(known["service_end"]),
            wait_start_min=wait_start,
            wait_end_min=wait_start + queued["wait_s"].to_numpy() / 60.0,
            agents_seen=len(names),
        )

    def found_free_agent(
        self, times_min: np.ndarray, slack_min: float, idle_max_min: float, wrap_up_s: float
    ) -> np.ndarray:
        """Whether a caller arriving at each time found nobody waiting before them and an agent
        the rule counts free (:meth:`free_at`)."""
        t = np.asarray(times_min, dtype=float)
        nobody_waiting = _count(self.wait_start_min, self.wait_end_min, t - 1e-9) == 0
        return nobody_waiting & (self.free_at(t, slack_min, idle_max_min, wrap_up_s / 60.0) >= 1)

    def answer_delayed(self, slack_min: float, idle_max_min: float, wrap_up_s: float) -> np.ndarray:
        """Which queued callers (in ``wait_start_min`` order) found a free agent and still
        waited: callers whose answer was delayed."""
        return self.found_free_agent(self.wait_start_min, slack_min, idle_max_min, wrap_up_s)

    def without_answer_delays(
        self, slack_min: float, idle_max_min: float, wrap_up_s: float
    ) -> AgentActivity:
        """The same activity with the waits of answer-delayed callers left out: with the answer
        delay modelled, an agent free while such a caller waited was free for everyone else."""
        keep = ~self.answer_delayed(slack_min, idle_max_min, wrap_up_s)
        return dataclasses.replace(
            self, wait_start_min=self.wait_start_min[keep], wait_end_min=self.wait_end_min[keep]
        )

    def busy(self, edges: np.ndarray) -> np.ndarray:
        """Time-averaged number of agents serving in each interval between ``edges``."""
        return span_integral(self.start_min, self.end_min, edges) / np.diff(edges)

    def on_duty(self, edges: np.ndarray, slack_min: float, idle_max_min: float) -> np.ndarray:
        """Time-averaged agents on duty in each interval (the module's rule)."""
        return agents_on_duty(
            self.agent,
            self.start_min,
            self.end_min,
            edges,
            slack_min=slack_min,
            idle_max_min=idle_max_min,
            wait_start_min=self.wait_start_min,
            wait_end_min=self.wait_end_min,
        )

    def free_at(
        self, times_min: np.ndarray, slack_min: float, idle_max_min: float, wrap_up_min: float
    ) -> np.ndarray:
        """Agents the rule counts on duty and free just before each time, *assuming nobody was
        waiting then*: on duty by the rule, not serving, and past the wrap-up after their last
        call."""
        if len(self.agent) == 0:
            return np.zeros(len(times_min), dtype=np.int64)
        work, maybe = _duty_spans(self.agent, self.start_min, self.end_min, slack_min, idle_max_min)
        order = np.lexsort((self.start_min, self.agent))
        a, s, e = self.agent[order], self.start_min[order], self.end_min[order]
        next_start = np.where(np.append(a[1:] == a[:-1], False), np.append(s[1:], np.inf), np.inf)
        wrap_end = np.maximum(np.minimum(e + wrap_up_min, next_start), e)
        t = np.asarray(times_min, dtype=float) - 1e-9
        free = (
            _count(*work[1:], t)
            + _count(*maybe, t)
            - _count(self.start_min, self.end_min, t)
            - _count(e, wrap_end, t)
        )
        return np.maximum(free, 0)

    def wrap_up_s(
        self, slack_min: float, statistic: Literal["mean", "median"]
    ) -> tuple[float, int]:
        """After-call gap (:func:`after_call_gap_s`): the ``mean`` of the gaps under ``2N`` or
        the ``median`` of the gaps under an hour."""
        return after_call_gap_s(
            self.agent,
            self.start_min * 60.0,
            self.end_min * 60.0,
            self.wait_start_min * 60.0,
            self.wait_end_min * 60.0,
            max_gap_s=2.0 * slack_min * 60.0 if statistic == "mean" else 3600.0,
            statistic=statistic,
        )


@dataclass(frozen=True)
class AnswerDelayFit:
    """How often, and for how long, callers who find a free agent are not answered at once.

    Attributes:
        callers: Callers who arrived while nobody was waiting and the rule counts an agent free.
        delayed: Those of them who waited all the same.
        answered: Those delayed callers who were answered (the others hung up first).
        mean_delay_s: Exponential MLE of the delay, the waits of callers who hung up being
            censored (total wait of the delayed callers / the answered ones).
    """

    callers: int
    delayed: int
    answered: int
    mean_delay_s: float

    @property
    def probability(self) -> float:
        """Share of those callers who were not answered at once."""
        return self.delayed / self.callers if self.callers else 0.0


def fit_answer_delay(
    activity: AgentActivity,
    arrival_min: np.ndarray,
    queued: np.ndarray,
    wait_s: np.ndarray,
    served: np.ndarray,
    *,
    slack_min: float,
    idle_max_min: float,
    wrap_up_s: float,
) -> AnswerDelayFit:
    """The answer delay of callers who found a free agent (see the module docstring).

    Args:
        activity: The log's agent activity.
        arrival_min: Arrival of every call that reached the queue or an agent, same clock.
        queued: True where the call waited in the queue.
        wait_s: Its wait in seconds (0 when not queued).
        served: True where it was answered.
        slack_min: The staffing rule's slack ``N``.
        idle_max_min: The staffing rule's longest idle gap.
        wrap_up_s: After-call work, during which an agent is not free.
    """
    eligible = activity.found_free_agent(arrival_min, slack_min, idle_max_min, wrap_up_s)
    delayed = eligible & queued
    answered = delayed & served
    total_s = float(np.asarray(wait_s)[delayed].sum())
    return AnswerDelayFit(
        callers=int(eligible.sum()),
        delayed=int(delayed.sum()),
        answered=int(answered.sum()),
        mean_delay_s=total_s / answered.sum() if answered.any() else math.nan,
    )


def agents_on_duty(
    agent: np.ndarray,
    start_min: np.ndarray,
    end_min: np.ndarray,
    edges: np.ndarray,
    *,
    slack_min: float,
    idle_max_min: float,
    wait_start_min: np.ndarray,
    wait_end_min: np.ndarray,
) -> np.ndarray:
    """Time-averaged number of agents on duty in each interval, by the work-conserving rule.

    Args:
        agent: Agent code of each service (integers).
        start_min: Service starts in minutes (any origin).
        end_min: Service ends, same clock.
        edges: Interval edges on the same clock (``len(edges) - 1`` intervals).
        slack_min: ``N``: gaps under ``2N`` are after-call work; the lead-in and lead-out of a
            stretch of calls.
        idle_max_min: Longest gap between two calls that can be idle time on duty; at least
            ``2N``.
        wait_start_min: Queue entries of queued callers, same clock.
        wait_end_min: Their queue exits.

    Raises:
        ValueError: ``idle_max_min`` shorter than ``2N``, or a negative slack.
    """
    if slack_min < 0 or idle_max_min < 2.0 * slack_min:
        raise ValueError(
            f"need 0 <= slack_min and idle_max_min >= 2 * slack_min, got slack_min={slack_min}, "
            f"idle_max_min={idle_max_min}"
        )
    if len(agent) == 0:
        return np.zeros(len(edges) - 1)
    (_, work_start, work_end), (maybe_start, maybe_end) = _duty_spans(
        agent, start_min, end_min, slack_min, idle_max_min
    )
    wait_start, wait_end = _union(wait_start_min, wait_end_min)
    busy_start, busy_end = _intersect(maybe_start, maybe_end, wait_start, wait_end)
    time_on_duty = (
        span_integral(work_start, work_end, edges)
        + span_integral(maybe_start, maybe_end, edges)
        - span_integral(busy_start, busy_end, edges)
    )
    return time_on_duty / np.diff(edges)


@dataclass(frozen=True)
class SlackSensitivity:
    """Inferred staffing under one setting of the staffing rule."""

    slack_min: float
    idle_max_min: float
    mean_agents: float
    """Mean agents on duty over the open intervals of regular days."""
    occupancy: float
    """Agent time busy serving over agent time on duty, same intervals."""


@dataclass(frozen=True)
class StaffingFit:
    """Agents on duty per interval, inferred from agent activity (:mod:`sim.logs.agent_activity`).

    Attributes:
        slack_min: The slack ``N`` used.
        idle_max_min: The longest idle gap on duty used.
        agents: Weekday → agents per interval of the opening hours (time-averaged, mean over
            regular days, rounded, at least 1).
        agents_seen: Distinct agents in the log.
        sensitivity: Mean agents and implied occupancy for other settings of the rule.
        wrap_up_s: Mean or median gap between an agent's consecutive calls while callers were
            waiting (after-call work; see :func:`sim.logs.agent_activity.after_call_gap_s`).
        wrap_up_gaps: Gaps it is taken over.
        wrap_up_rule: ``mean`` (of the gaps under ``2N``) or ``median`` (of the gaps under an
            hour).
    """

    slack_min: float
    idle_max_min: float
    agents: dict[str, list[int]]
    agents_seen: int
    sensitivity: list[SlackSensitivity]
    wrap_up_s: float
    wrap_up_gaps: int
    wrap_up_rule: str = "mean"

    @property
    def chosen(self) -> SlackSensitivity:
        """The sensitivity row of the settings used."""
        return next(
            s
            for s in self.sensitivity
            if (s.slack_min, s.idle_max_min) == (self.slack_min, self.idle_max_min)
        )


def fit_staffing(
    activity: AgentActivity,
    grid: IntervalGrid,
    arrivals: ArrivalFit,
    regular: np.ndarray,
    slack_min: float,
    idle_max_min: float,
    wrap_up: Literal["mean", "median"],
    answer_delay: bool,
) -> StaffingFit:
    """Agents on duty per interval, for the chosen rule settings and the sensitivity options.
    With ``answer_delay`` (modelled in the scenario) the waits of answer-delayed callers do not
    take agents off duty (:meth:`sim.logs.agent_activity.AgentActivity.without_answer_delays`)."""
    gap, gaps = activity.wrap_up_s(slack_min, wrap_up)
    after_call_s = 0.0 if math.isnan(gap) else gap
    n_slots = grid.n_days * grid.per_day
    edges = np.arange(n_slots + 1) * float(grid.interval_min)
    busy = activity.busy(edges)
    open_mask = np.zeros((grid.n_days, grid.per_day), dtype=bool)
    for i, w in enumerate(grid.weekdays):
        hours = arrivals.opening_hours[w]
        if hours is not None and regular[i]:
            first, last = (round(h * 60 / grid.interval_min) for h in hours)
            open_mask[i, first:last] = True
    is_open = open_mask.ravel()
    settings = {(n, idle_max_min) for n in SLACK_OPTIONS_MIN if 2 * n <= idle_max_min}
    settings |= {(slack_min, g) for g in IDLE_MAX_OPTIONS_MIN if g >= 2 * slack_min}
    settings.add((slack_min, idle_max_min))
    sensitivity, chosen = [], np.zeros(n_slots)
    for n, g in sorted(settings):
        rule = activity.without_answer_delays(n, g, after_call_s) if answer_delay else activity
        on_duty = rule.on_duty(edges, n, g)
        sensitivity.append(
            SlackSensitivity(
                slack_min=n,
                idle_max_min=g,
                mean_agents=float(on_duty[is_open].mean()),
                occupancy=float(busy[is_open].sum() / on_duty[is_open].sum()),
            )
        )
        if (n, g) == (slack_min, idle_max_min):
            chosen = on_duty.reshape(grid.n_days, -1)
    agents = {}
    for w, hours in arrivals.opening_hours.items():
        if hours is not None:
            first, last = (round(h * 60 / grid.interval_min) for h in hours)
            mean = chosen[regular & (grid.weekdays == w), first:last].mean(axis=0)
            agents[w] = np.maximum(np.rint(mean), 1).astype(int).tolist()
    return StaffingFit(
        slack_min=slack_min,
        idle_max_min=idle_max_min,
        agents=agents,
        agents_seen=activity.agents_seen,
        sensitivity=sensitivity,
        wrap_up_s=gap,
        wrap_up_gaps=gaps,
        wrap_up_rule=wrap_up,
    )


def _duty_spans(
    agent: np.ndarray,
    start_min: np.ndarray,
    end_min: np.ndarray,
    slack_min: float,
    idle_max_min: float,
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The rule's spans: ``(agent, start, end)`` of the stretches certainly on duty (services
    and the after-call gaps between them), and ``(start, end)`` of the spans on duty only while
    nobody waits (idle gaps, lead-ins and lead-outs)."""
    work_agent, work_start, work_end = _merge(agent, start_min, end_min, 2.0 * slack_min)
    same = work_agent[1:] == work_agent[:-1]
    idle = same & (work_start[1:] - work_end[:-1] < idle_max_min)
    first = np.concatenate([[True], ~idle])
    last = np.concatenate([~idle, [True]])
    maybe_start = np.concatenate(
        [work_end[:-1][idle], work_start[first] - slack_min, work_end[last]]
    )
    maybe_end = np.concatenate(
        [work_start[1:][idle], work_start[first], work_end[last] + slack_min]
    )
    return (work_agent, work_start, work_end), (maybe_start, maybe_end)


def _count(start: np.ndarray, end: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Number of spans ``[start, end)`` containing each time."""
    return np.searchsorted(np.sort(start), t, side="right") - np.searchsorted(
        np.sort(end), t, side="right"
    )


def _merge(
    key: np.ndarray, start: np.ndarray, end: np.ndarray, join: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Spans of each key merged where they overlap or lie less than ``join`` apart: (key,
    start, end) of the merged spans, sorted by key and start."""
    order = np.lexsort((start, key))
    k = np.asarray(key)[order]
    s = np.asarray(start, dtype=float)[order]
    e = np.asarray(end, dtype=float)[order]
    # One running maximum over all keys: each key's clock is shifted past the previous one's.
    shift = k * (float(e.max() - s.min()) + join + 1.0)
    reach = np.maximum.accumulate(e + shift)
    new = np.ones(len(k), dtype=bool)
    new[1:] = s[1:] + shift[1:] >= reach[:-1] + join
    last = np.append(np.flatnonzero(new)[1:] - 1, len(k) - 1)
    return k[new], s[new], (reach - shift)[last]


def _union(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The union of spans as sorted disjoint spans."""
    if len(start) == 0:
        return np.zeros(0), np.zeros(0)
    _, s, e = _merge(np.zeros(len(start), dtype=np.int64), start, end, 0.0)
    return s, e


def _intersect(
    start: np.ndarray, end: np.ndarray, disjoint_start: np.ndarray, disjoint_end: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Pieces of the spans ``[start, end)`` (any overlap) that fall inside sorted disjoint spans."""
    lo = np.searchsorted(disjoint_end, start, side="right")
    hi = np.searchsorted(disjoint_start, end, side="left")
    count = np.maximum(hi - lo, 0)
    span = np.repeat(np.arange(len(start)), count)
    offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    j = np.repeat(lo, count) + offset
    piece_start = np.maximum(start[span], disjoint_start[j])
    piece_end = np.minimum(end[span], disjoint_end[j])
    keep = piece_end > piece_start
    return piece_start[keep], piece_end[keep]


def after_call_gap_s(
    agent: np.ndarray,
    start_s: np.ndarray,
    end_s: np.ndarray,
    queue_start_s: np.ndarray,
    queue_end_s: np.ndarray,
    max_gap_s: float = 3600.0,
    statistic: Literal["mean", "median"] = "median",
) -> tuple[float, int]:
    """Mean or median gap between an agent's call and their next one while callers were waiting.

    When callers wait, an available agent takes the next call at once; the gap is then time the
    agent was on duty but not available (after-call work, a short pause). Gaps of ``max_gap_s``
    or more are not counted (the agent was off duty).

    Args:
        agent: Agent code of each service.
        start_s: Service starts in seconds.
        end_s: Service ends in seconds.
        queue_start_s: Queue entries of queued callers, same clock.
        queue_end_s: Their queue exits.
        max_gap_s: Longer gaps are breaks, not counted.
        statistic: ``mean`` or ``median`` of the gaps.

    Returns:
        The mean or median gap in seconds (NaN without such gaps) and the number of gaps used.
    """
    order = np.lexsort((start_s, agent))
    a, s, e = np.asarray(agent)[order], np.asarray(start_s)[order], np.asarray(end_s)[order]
    same = a[1:] == a[:-1]
    gap_start, gap_end = e[:-1][same], s[1:][same]
    gap = gap_end - gap_start
    waiting_at_start = _count(queue_start_s, queue_end_s, gap_start) > 0
    waiting_at_end = _count(queue_start_s, queue_end_s, gap_end) > 0
    busy = (gap >= 0) & (gap < max_gap_s) & waiting_at_start & waiting_at_end
    if not busy.any():
        return math.nan, 0
    value = np.mean(gap[busy]) if statistic == "mean" else np.median(gap[busy])
    return float(value), int(busy.sum())
