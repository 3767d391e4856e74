"""Who works at the desk: rosters (fixed teams, counts per interval, shifts, or counts worked out
from the forecast by queueing theory), and agent groups with skills.

The plain desk has two tiers, the front line (``tier1``) and an escalation team (``tier2``), each
a roster. A desk whose agents differ in what they answer is written as agent ``groups``: each with
a tier, a roster, a skill per contact type it handles (a handle-time factor and a resolution
probability) and a cost. Which group answers a contact is set in :mod:`sim.scenario.routing`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.scenario.base import Model, Name, Probability
from sim.scenario.desk import Weekday


class HeadcountPeriod(Model):
    """A stretch of dates on which the roster is scaled: a hiring freeze, a temporary cut, a
    seasonal reinforcement."""

    start_date: dt.date = Field(description="First date scaled.")
    end_date: dt.date = Field(description="Last date scaled (inclusive).")
    scale: float = Field(
        ge=0.0, le=10.0, description="Multiplies the roster on these dates (0.85 = a 15% cut)."
    )

    @model_validator(mode="after")
    def _in_order(self) -> HeadcountPeriod:
        if self.end_date < self.start_date:
            raise ValueError(f"end_date {self.end_date} is before start_date {self.start_date}")
        return self


class DayPart(Model):
    """Hours of every day on which the roster is scaled: the lever a planner moves to staff the
    morning, the lunch peak or the evening differently from what the roster says."""

    from_h: float = Field(ge=0.0, lt=24.0, description="Start, hours after midnight.")
    to_h: float = Field(gt=0.0, le=24.0, description="End, hours after midnight (exclusive).")
    scale: float = Field(
        ge=0.0, le=10.0, description="Multiplies the roster in these hours (1.1 = 10% more)."
    )

    @model_validator(mode="after")
    def _in_order(self) -> DayPart:
        if self.to_h <= self.from_h:
            raise ValueError(f"to_h {self.to_h:g} must be later than from_h {self.from_h:g}")
        return self


class RosterBase(Model):
    """What every roster kind shares: shrinkage, and what-if headcount scales."""

    shrinkage_fraction: float = Field(
        0.0, ge=0.0, lt=1.0, description="Share of rostered time lost to breaks, meetings, absence."
    )
    headcount_scale: float = Field(
        1.0,
        ge=0.0,
        le=10.0,
        description="Multiplies every rostered count (1.1 = 10% more agents), for what-if sweeps.",
    )
    headcount_periods: list[HeadcountPeriod] = Field(
        default_factory=list,
        max_length=1000,
        description="Dates on which the roster is scaled further (e.g. a four-week 15% cut); "
        "periods that overlap multiply.",
    )
    day_parts: list[DayPart] = Field(
        default_factory=list,
        max_length=48,
        description="Hours of every day on which the roster is scaled further (e.g. 1.1 from 8 "
        "to 12); day parts may not overlap.",
    )

    @model_validator(mode="after")
    def _day_parts_apart(self) -> RosterBase:
        parts = sorted(self.day_parts, key=lambda p: p.from_h)
        for first, then in itertools.pairwise(parts):
            if then.from_h < first.to_h:
                raise ValueError(
                    f"day_parts {first.from_h:g}–{first.to_h:g} h and {then.from_h:g}–"
                    f"{then.to_h:g} h overlap: give each hour one scale"
                )
        return self


class FixedTeam(RosterBase):
    """The same number of agents throughout the opening hours."""

    kind: Literal["fixed"] = Field(description="Selects a fixed team.")
    agents: int = Field(ge=0, le=100_000, description="Agents rostered during opening hours.")


class IntervalRoster(RosterBase):
    """Agents rostered per planning interval, by weekday (one count per open interval)."""

    kind: Literal["by_interval"] = Field(description="Selects counts per interval.")
    agents: dict[Weekday, list[Annotated[int, Field(ge=0, le=100_000)]]] = Field(
        description="Weekday → rostered agents per planning interval of the opening hours."
    )


class Break(Model):
    """A break within a shift."""

    after_h: float = Field(gt=0.0, le=24.0, description="Start of the break, hours into the shift.")
    length_min: float = Field(gt=0.0, le=240.0, description="Length of the break in minutes.")


class Shift(Model):
    """A group of agents working the same hours on the same weekdays."""

    start_h: float = Field(ge=0.0, lt=24.0, description="Start time, hours after midnight.")
    length_h: float = Field(gt=0.0, le=24.0, description="Length including breaks, in hours.")
    days: list[Weekday] = Field(min_length=1, description="Weekdays this shift works.")
    agents: int = Field(ge=0, le=100_000, description="Agents on this shift.")
    breaks: list[Break] = Field(default_factory=list, description="Breaks, taken together.")

    @model_validator(mode="after")
    def _breaks_inside(self) -> Shift:
        for brk in self.breaks:
            if brk.after_h * 60.0 + brk.length_min > self.length_h * 60.0:
                raise ValueError(
                    f"break after {brk.after_h} h lasting {brk.length_min} min ends after the "
                    f"{self.length_h} h shift"
                )
        order = sorted(range(len(self.breaks)), key=lambda i: self.breaks[i].after_h)
        for i, j in itertools.pairwise(order):
            first, then = self.breaks[i], self.breaks[j]
            if then.after_h * 60.0 < first.after_h * 60.0 + first.length_min - 1e-9:
                raise ValueError(
                    f"breaks.{j} (after {then.after_h:g} h) starts before breaks.{i} (after "
                    f"{first.after_h:g} h, {first.length_min:g} min) ends: the agents cannot "
                    "take two breaks at once; move one, or make it one longer break"
                )
        return self

    def same_as(self, other: Shift) -> bool:
        """Whether two shifts are the same but for their agents (start, length, weekdays and
        breaks alike), so that they are one shift written twice."""
        return (
            (self.start_h, self.length_h) == (other.start_h, other.length_h)
            and set(self.days) == set(other.days)
            and sorted((b.after_h, b.length_min) for b in self.breaks)
            == sorted((b.after_h, b.length_min) for b in other.breaks)
        )


class ShiftRoster(RosterBase):
    """Agents scheduled by shifts (start, length, weekdays, breaks). Shifts may overlap (staggered
    starts); together they must cover the opening hours of every day the desk is open, unless
    ``allow_gaps``."""

    kind: Literal["shifts"] = Field(description="Selects a shift roster.")
    shifts: list[Shift] = Field(min_length=1, description="The shifts.")
    allow_gaps: bool = Field(
        False,
        description="Let the shifts leave part of the opening hours without any shift (breaks "
        "inside a shift are not gaps): the tier is then unstaffed, e.g. a specialist team "
        "that starts after opening. False: such a gap is an error, as it is usually a typo.",
    )


class QueueingRoster(RosterBase):
    """Agents per planning interval worked out from the forecast by queueing theory (SIPP:
    each interval staffed as if it were stationary; Green, Kolesar & Soares 2001).

    ``erlang_c`` and ``erlang_a`` staff the fewest agents meeting ``target_service_level`` (Erlang
    A with the callers' mean patience); ``square_root`` staffs ``R + β√R`` (Borst, Mandelbaum &
    Reiman 2004). The forecast includes peak days, so the roster surges with them; email work
    is added as its average load over the day. Front line only.

    With several tier-1 groups, each group with a queueing roster staffs for its own part of the
    forecast, split along the tier-1 routes (an approximation; the simulation is the judge). A
    contact type's calls go to the first group of its route with a queueing roster, which is
    sized for all of them that reach it; a group with a fixed, by-interval or shift roster earlier
    in the route answers the calls that find one of its agents free and passes the rest on (Erlang
    B at the load every type offers it, with its agents as rostered). Handle times are the
    group's (``handle_time_factor``, plus wrap-up); a type's email goes to the first queueing group
    of its route; a group nothing reaches gets ``min_agents``. Conservative where a fixed group
    also answers calls that queue, or a group later in a route helps; optimistic in that overflow
    arrives in bursts. With one front-line group, the same as the whole front line
    (``sim/model/staffing.py`` states the approximation in full).
    """

    kind: Literal["erlang_c", "erlang_a", "square_root"] = Field(
        description="Erlang C or Erlang A per interval, or square-root staffing."
    )
    target_service_level: Probability = Field(
        0.8, description="Service level to meet in every interval (Erlang C / Erlang A)."
    )
    beta: float = Field(
        0.5, ge=-3.0, le=5.0, description="Safety staffing β of square-root staffing."
    )
    load_factor: float = Field(
        1.0,
        ge=0.5,
        le=3.0,
        description="Multiplies the forecast, e.g. 1.15 for repeat contacts and retrials.",
    )
    min_agents: int = Field(
        1,
        ge=0,
        le=100_000,
        description="Agents at least, while open (all a group gets when the split along the "
        "routes sends it no work).",
    )


Roster = Annotated[
    FixedTeam | IntervalRoster | ShiftRoster | QueueingRoster, Field(discriminator="kind")
]


class Skill(Model):
    """How well the agents of a group handle one contact type."""

    handle_time_factor: float = Field(
        1.0,
        gt=0.0,
        le=10.0,
        description="Multiplies the contact type's handle time when this group answers it "
        "(1.3 = 30% slower, e.g. new hires; 0.8 = specialists 20% faster). Wrap-up is unchanged.",
    )
    resolve_prob: Probability | None = Field(
        None,
        description="Probability this group resolves the contact: replaces the type's "
        "first_contact_prob (tier-1 groups) or tier2_resolve_prob (tier-2 groups); null = the "
        "type's own.",
    )


class ChatConcurrency(Model):
    """How many chat sessions an agent of the group holds at once, and what each extra one costs.

    A session's handle time is the type's handle time × the skill's factor × (1 + slowdown × the
    other sessions the agent holds when it starts), fixed when it starts. An agent holding
    sessions takes only chats until the last one ends; while the group is over its roster (agents
    finishing after their shift) its agents take no new sessions.
    """

    max_sessions: int = Field(
        1, ge=1, le=10, description="Chat sessions an agent may hold at once (1 = one at a time)."
    )
    slowdown_per_extra_session: float = Field(
        0.0,
        ge=0.0,
        le=2.0,
        description="Each other session the agent holds makes a new session this much longer "
        "(0.25 = 25% per session: a third session runs 50% longer).",
    )


class AgentGroup(Model):
    """Agents who share a roster, a tier and a set of skills (billing specialists, a
    second-language team, new hires on simple enquiries, the escalation team).

    A tier-1 group answers contacts when they first reach the desk (and retrials and repeat
    contacts); a tier-2 group answers contacts escalated by the front line, and tier-2 work raised
    by the customer base (complaint callbacks). Which group answers is set by ``routing``.
    """

    tier: Literal[1, 2] = Field(1, description="1: front line; 2: escalation.")
    roster: Roster = Field(description="When the group's agents work.")
    skills: Literal["all"] | dict[str, Skill] = Field(
        "all",
        description="Contact type → how the group handles it; only these types may be routed to "
        "the group. 'all': every type, at the types' own handle times and resolution. Work the "
        "customer base adds (complaint callbacks, follow-up calls) counts as the first of "
        "customers.complaints.contact_types.",
    )
    chat: ChatConcurrency = Field(
        default_factory=ChatConcurrency,
        description="Chat sessions an agent holds at once, and the slowdown per extra session.",
    )
    cost_per_hour: float | None = Field(
        None,
        ge=0.0,
        le=1e6,
        description="Loaded cost per paid agent-hour of this group; null = the tier's cost in "
        "economics.",
    )

    def skill(self, type_name: str) -> Skill | None:
        """The group's skill for a contact type; None if it does not handle it."""
        if self.skills == "all":
            return _PLAIN_SKILL
        return self.skills.get(type_name)


_PLAIN_SKILL = Skill()


class Staffing(Model):
    """Who works at the desk: two tiers (``tier1``, ``tier2``), or agent ``groups`` with skills.

    The two-tier form is the plain desk: every front-line agent answers every contact type; tier 2
    takes escalations. It is the same desk as two groups named ``tier1`` and ``tier2`` with every
    skill. Write ``groups`` instead for a desk whose agents differ in what they answer.
    """

    tier1: Roster | None = Field(None, description="Front-line team (two-tier form).")
    tier2: Roster | None = Field(None, description="Escalation / specialist team (two-tier form).")
    groups: dict[Name, AgentGroup] | None = Field(
        None,
        min_length=1,
        max_length=50,
        description="Agent groups by name (instead of tier1 and tier2): each with a tier, a "
        "roster, skills and a cost.",
    )
    shift_end: Literal["finish_contact"] = Field(
        "finish_contact",
        description="At shift end an agent busy with a contact finishes it, then leaves.",
    )

    @model_validator(mode="after")
    def _one_form(self) -> Staffing:
        tiers = [name for name in ("tier1", "tier2") if getattr(self, name) is not None]
        if self.groups is not None and tiers:
            raise ValueError(
                f"both groups and {' and '.join(tiers)} are given: write the tiers as groups "
                "(e.g. groups: {front_line: {tier: 1, roster: ...}, escalation: {tier: 2, "
                "roster: ...}}), or drop groups"
            )
        if self.groups is None and len(tiers) < 2:
            missing = " and ".join(n for n in ("tier1", "tier2") if n not in tiers)
            raise ValueError(
                f"{missing} missing (a roster each; {{kind: fixed, agents: 0}} for no "
                "tier 2), or agent groups"
            )
        if self.groups is not None and not any(g.tier == 1 for g in self.groups.values()):
            raise ValueError("groups: no tier-1 group, so nobody answers new contacts")
        return self

    @property
    def agent_groups(self) -> dict[str, AgentGroup]:
        """The agent groups, in order: the two-tier form as groups ``tier1`` and ``tier2``."""
        if self.groups is not None:
            return self.groups
        return _two_tier_groups(self.tier1, self.tier2)

    def group_path(self, name: str) -> str:
        """Where a group's roster is written: ``staffing.tier1`` or ``staffing.groups.<name>.
        roster``."""
        return f"staffing.{name}" if self.groups is None else f"staffing.groups.{name}.roster"


def _two_tier_groups(tier1: Roster, tier2: Roster) -> dict[str, AgentGroup]:
    return {
        "tier1": AgentGroup(tier=1, roster=tier1),
        "tier2": AgentGroup(tier=2, roster=tier2),
    }
