"""Who answers what: callers not answered at once, routes from contact types to agent groups,
what an agent takes next, and which idle agent answers.

A route is written per contact type and tier in ``routing.contact_to_group.routes``; a type
without one goes, at each tier, to every group of that tier with the skill, at once, in the
order of ``staffing.groups``. With ``agent_selection: fastest`` the groups a contact may go to
after the same wait are ordered by their ``handle_time_factor`` (ties keep the route's order).
Work the customer base adds (complaint callbacks at tier 2, follow-up calls at tier 1) is routed
as the first complaint type. :func:`route` resolves a route, for the scenario's checks and the
engine alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

from sim.scenario.base import Duration, Exponential, Model, Name, Probability
from sim.scenario.desk import Demand
from sim.scenario.staffing import Staffing


class AnswerDelay(Model):
    """Callers who find a free agent but are not answered at once.

    A call log often shows callers waiting although the queue was empty and an agent was free:
    the agent was not ready (finishing after-call work, away from the desk) or the call rang
    unanswered before it was put through. With ``probability`` such a caller waits ``delay``
    (their patience runs meanwhile), then is offered again: answered by a free agent, or queued.
    """

    probability: Probability = Field(
        0.0,
        description=(
            "Share of front-line callers who find a free agent and are still not answered at "
            "once (0 = always answered at once)."
        ),
    )
    delay: Duration = Field(
        default_factory=lambda: Exponential(kind="exponential", mean_min=0.5),
        description="How long such a caller waits before the call is offered again.",
    )


class RouteStep(Model):
    """One group in a contact type's route, and how long the contact must have waited before it
    may go there."""

    group: Name = Field(description="An agent group (staffing.groups, or tier1 / tier2).")
    after_s: float = Field(
        0.0,
        ge=0.0,
        le=86_400.0,
        description="Seconds the contact must have waited (since it reached the tier) before "
        "this group may take it; 0 = at once. A delay keeps a group for its own work first.",
    )


class ContactRoute(Model):
    """The groups a contact type may go to, per tier, in order of preference."""

    tier1: list[RouteStep] | None = Field(
        None, min_length=1, description="Tier-1 groups in order; null = the default route."
    )
    tier2: list[RouteStep] | None = Field(
        None, min_length=1, description="Tier-2 groups in order; null = the default route."
    )


class PriorityListRouting(Model):
    """Contact to group: static priority lists. A contact goes to the first group in its route
    with an idle agent, among the groups whose ``after_s`` it has waited; otherwise it queues, and
    a later group takes it once it has waited that group's ``after_s`` (if an agent is idle then)
    or whenever an agent of a group it may go to frees first.

    A type without a route of its own goes, at each tier, to the groups of that tier that have
    the skill, in the order of ``staffing.groups`` (by ``agent_selection``), at once.
    """

    kind: Literal["priority_list"] = Field(description="Selects static priority lists.")
    routes: dict[str, ContactRoute] = Field(
        default_factory=dict, description="Contact type → its route per tier."
    )


class PriorityService(Model):
    """Agent to contact: phone before email, then the contact type's ``priority`` (1 first),
    then first come first served (the contact that has waited longest)."""

    kind: Literal["priority"] = Field(description="Selects priority order.")


class LongestWaitingService(Model):
    """Agent to contact: the contact that has waited longest among those the agent may take,
    whatever its priority (phone still before email)."""

    kind: Literal["longest_waiting"] = Field(description="Selects the longest-waiting contact.")


class WeightedService(Model):
    """Agent to contact: the largest weighted wait, ``weight × minutes waited`` (phone before
    email), so a type with twice the weight is taken once it has waited half as long: a
    generalised c-mu rule (van Mieghem 1995)."""

    kind: Literal["weighted"] = Field(description="Selects weighted waiting time.")
    weights: dict[str, Annotated[float, Field(gt=0.0, le=1000.0)]] = Field(
        description="Contact type → weight (types left out weigh 1)."
    )


class AgentSelection(Model):
    """Agent selection: when more than one group the contact may go to at once has an idle
    agent, which one takes it."""

    kind: Literal["route_order", "longest_idle", "fastest"] = Field(
        "route_order",
        description="route_order: the first in the route; longest_idle: the group whose agent "
        "has been idle longest (spreads work evenly); fastest: the lowest handle_time_factor "
        "for the type (ties in route order).",
    )


class Callbacks(Model):
    """Callbacks (virtual hold): a caller about to queue is told the expected wait and, above a
    threshold, offered a call back instead. One who accepts hangs up and keeps their place in the
    queue; when their turn comes an agent calls them back. A caller waiting for a callback does
    not abandon the queue; they may not answer when called (``reach_prob``), a loss counted apart
    from queue abandonment.

    The expected wait is the queue-length predictor (Whitt 1999; Ibrahim & Whitt 2009): (phone
    callers waiting at the front line + 1) × the type's mean handle time and wrap-up ÷ the agents
    present in the groups of its route. Callbacks carry over when the desk closes and are made after
    it opens. In the service level a callback is answered on time when the agent reaches the caller
    within ``answer_within_min`` of the original call, and a miss otherwise (unreached included).
    """

    offer_above_expected_wait_s: float | None = Field(
        None,
        gt=0.0,
        le=86_400.0,
        description="Offer a callback when the expected wait is longer than this many seconds; "
        "null = callbacks are not offered.",
    )
    accept_prob: Probability = Field(
        0.5, description="Share of callers offered a callback who accept it."
    )
    contact_types: list[str] | None = Field(
        None,
        description="Phone contact types offered callbacks; null = every phone type.",
    )
    reach_prob: Probability = Field(
        0.9,
        description="Probability the caller answers when called back; one not reached is lost "
        "(and may call again, as a queue abandoner would, by the type's retrial settings).",
    )
    answer_within_min: float = Field(
        60.0,
        gt=0.0,
        le=10_080.0,
        description="A callback counts as answered on time in the service level when the agent "
        "reaches the caller within this many minutes of the original call.",
    )

    @property
    def on(self) -> bool:
        """Whether callbacks are offered at all."""
        return self.offer_above_expected_wait_s is not None


class Routing(Model):
    """Who answers what first.

    By default, within a tier, waiting phone callers come before deferred (email) work; within a
    channel the lower priority number comes first; within a priority, first come first served.
    With agent groups, ``contact_to_group``, ``agent_to_contact`` and ``agent_selection`` say
    which group a contact goes to and what an agent takes next.
    """

    email_reserved_agents: int = Field(
        0,
        ge=0,
        le=100_000,
        description=(
            "Front-line agents kept on email while a backlog exists, even when callers wait."
        ),
    )
    after_hours_spread_min: float = Field(
        60.0,
        ge=0.0,
        le=1440.0,
        description=(
            "A retrial or repeat call due while the desk is closed comes at a uniformly random "
            "time within this many minutes after the next opening (0 = all at the opening "
            "instant)."
        ),
    )
    answer_delay: AnswerDelay = Field(
        default_factory=AnswerDelay,
        description="Callers who find a free agent but are not answered at once.",
    )
    contact_to_group: PriorityListRouting = Field(
        default_factory=lambda: PriorityListRouting(kind="priority_list"),
        description="Which agent group a contact goes to (with agent groups).",
    )
    agent_to_contact: PriorityService | LongestWaitingService | WeightedService = Field(
        default_factory=lambda: PriorityService(kind="priority"),
        discriminator="kind",
        description="Which waiting contact an agent who frees takes next.",
    )
    agent_selection: AgentSelection = Field(
        default_factory=AgentSelection,
        description="Which group's agent answers when several are idle.",
    )
    callbacks: Callbacks = Field(
        default_factory=Callbacks,
        description="Callbacks (virtual hold) offered to callers facing a long wait.",
    )


TIERS = (1, 2)


@dataclass(frozen=True)
class Step:
    """A group a contact may go to, once it has waited ``after_min``."""

    group: str
    after_min: float


def route(
    staffing: Staffing, routing: Routing, type_name: str, tier: int, skill_type: str | None = None
) -> list[Step]:
    """The groups a contact of ``type_name`` may go to at ``tier``, in order of preference (empty
    if none). ``skill_type`` is the type whose route and skills apply (customer-base work uses the
    first complaint type's); the type itself by default."""
    skill_type = skill_type or type_name
    groups = staffing.agent_groups
    written = routing.contact_to_group.routes.get(skill_type)
    steps_written = None if written is None else getattr(written, f"tier{tier}")
    if steps_written is None:
        steps = [
            Step(name, 0.0)
            for name, g in groups.items()
            if g.tier == tier and g.skill(skill_type) is not None
        ]
    else:
        steps = [Step(s.group, s.after_s / 60.0) for s in steps_written]
    if routing.agent_selection.kind == "fastest":
        order = {step.group: i for i, step in enumerate(steps)}

        def speed(step: Step) -> tuple[float, float, int]:
            skill = groups[step.group].skill(skill_type)
            factor = skill.handle_time_factor if skill is not None else 1.0
            return (step.after_min, factor, order[step.group])

        steps.sort(key=speed)
    return steps


def check_routes(
    staffing: Staffing, routing: Routing, demand: Demand, complaint_types: list[str]
) -> None:
    """Every skill, route and weight names what exists, and every contact type can reach a
    group at the tiers it may need: tier 1 always, tier 2 if it may be escalated (and, with a
    customer base, the first complaint type for tier-2 callbacks)."""
    types = demand.contact_types
    known = ", ".join(sorted(types))
    groups = staffing.agent_groups
    group_names = ", ".join(groups)
    for name, group in groups.items():
        if group.skills != "all":
            for type_name in group.skills:
                if type_name not in types:
                    raise ValueError(
                        f"staffing.groups.{name}.skills.{type_name}: no such contact type "
                        f"(known: {known})"
                    )
    for type_name, written in routing.contact_to_group.routes.items():
        where = f"routing.contact_to_group.routes.{type_name}"
        if type_name not in types:
            raise ValueError(f"{where}: no such contact type (known: {known})")
        for tier in TIERS:
            steps = getattr(written, f"tier{tier}") or []
            seen: set[str] = set()
            for i, step in enumerate(steps):
                at = f"{where}.tier{tier}.{i}.group"
                group = groups.get(step.group)
                if group is None:
                    raise ValueError(f"{at}: no agent group '{step.group}' (groups: {group_names})")
                if group.tier != tier:
                    raise ValueError(
                        f"{at}: '{step.group}' is a tier-{group.tier} group; a tier-{tier} route "
                        f"lists tier-{tier} groups"
                    )
                if group.skill(type_name) is None:
                    raise ValueError(
                        f"{at}: '{step.group}' has no skill for '{type_name}'; add it to "
                        f"staffing.groups.{step.group}.skills"
                    )
                if step.group in seen:
                    raise ValueError(f"{at}: '{step.group}' is listed twice")
                seen.add(step.group)
    for i, type_name in enumerate(routing.callbacks.contact_types or []):
        where = f"routing.callbacks.contact_types.{i}"
        if type_name not in types:
            raise ValueError(f"{where}: no such contact type '{type_name}' (known: {known})")
        if types[type_name].channel != "phone":
            raise ValueError(
                f"{where}: '{type_name}' is {types[type_name].channel}; only callers are offered "
                "callbacks"
            )
    service = routing.agent_to_contact
    if service.kind == "weighted":
        for type_name in service.weights:
            if type_name not in types:
                raise ValueError(
                    f"routing.agent_to_contact.weights.{type_name}: no such contact type "
                    f"(known: {known})"
                )
    for type_name, ctype in types.items():
        needs = [1]
        unresolved = ctype.resolution.first_contact_prob < 1 or any(
            (skill := g.skill(type_name)) is not None
            and skill.resolve_prob is not None
            and skill.resolve_prob < 1
            for g in groups.values()
            if g.tier == 1
        )
        if (ctype.resolution.escalate_prob > 0 and unresolved) or (
            complaint_types and type_name == complaint_types[0]
        ):
            needs.append(2)
        for tier in needs:
            if not route(staffing, routing, type_name, tier):
                why = (
                    ""
                    if tier == 1
                    else f" (resolution.escalate_prob is {ctype.resolution.escalate_prob:g})"
                    if ctype.resolution.escalate_prob > 0
                    else " (tier 2 calls complainants back)"
                )
                fix = "" if tier == 1 else ", or set resolution.escalate_prob to 0"
                raise ValueError(
                    f"demand.contact_types.{type_name}: no tier-{tier} agent group may answer "
                    f"it{why}; give a tier-{tier} group the skill{fix} (groups: {group_names})"
                )
