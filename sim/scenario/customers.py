"""Scenario parameters of the customer base: satisfaction, voice and exit, recovery, and money.

These are the figures customer-service training teaches as rules of thumb (TARP / White House
Office of Consumer Affairs studies; ``docs/domain.md`` gives each figure and its source). Each is a
parameter a planner can replace with their own data; ``params/baseline.yaml`` cites the source of
every default.
"""

from __future__ import annotations

import functools
import math
from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.scenario.base import Duration, Exponential, Model, Probability

Money = Annotated[float, Field(ge=0.0, le=1e12)]


class SeverityPair(Model):
    """A figure for small and for large problems (TARP reports both)."""

    small: Probability = Field(description="For a small problem.")
    large: Probability = Field(description="For a large problem.")


class Segment(Model):
    """A value tier of accounts."""

    share: Probability = Field(description="Share of the initial customer base.")
    revenue_per_month: Money = Field(description="Revenue per active account per month.")


class Satisfaction(Model):
    """How moments of truth move a customer's satisfaction (a score; 0 = neutral).

    Every contact is judged against expectation (SERVQUAL gap 5) and scored in [-1, 1]: speed is a
    performance attribute (linear both ways), resolution a must-be (only hurts when missing), an
    extra step a delighter (only helps). A negative score weighs ``bad_weight`` times a positive
    one. Satisfaction decays back to neutral with a half-life; falling below
    ``dissatisfied_below`` is the moment a customer decides to complain, leave or stay.
    """

    expected_phone_wait_s: float = Field(
        60.0, gt=0.0, le=86_400.0, description="Wait a caller expects (no penalty up to it)."
    )
    expected_email_response_h: float = Field(
        4.0, gt=0.0, le=720.0, description="Response time an email customer expects."
    )
    speed_gain_max: float = Field(
        0.3, ge=0.0, le=1.0, description="Score of an instant answer (performance attribute)."
    )
    slow_loss_per_expected: float = Field(
        0.25,
        ge=0.0,
        le=1.0,
        description="Score lost per extra multiple of the expected wait (performance attribute).",
    )
    abandoned_score: float = Field(
        -0.4, ge=-1.0, le=0.0, description="Score of hanging up or being cut off unanswered."
    )
    unresolved_score: float = Field(
        -0.5, ge=-1.0, le=0.0, description="Score of a contact that did not solve the problem."
    )
    escalated_score: float = Field(
        -0.1, ge=-1.0, le=0.0, description="Score of being passed to another team."
    )
    repeat_score: float = Field(
        -0.2, ge=-1.0, le=0.0, description="Score per earlier attempt on the same problem."
    )
    bad_weight: float = Field(
        12.0,
        ge=1.0,
        le=100.0,
        description="How many good moments one bad moment weighs (asymmetry).",
    )
    half_life_days: float = Field(
        60.0, gt=0.0, le=3650.0, description="Satisfaction returns halfway to neutral in this time."
    )
    dissatisfied_below: float = Field(
        -15.0,
        lt=0.0,
        description="Below this a customer is dissatisfied (voice / exit decision).",
    )
    large_problem_below: float = Field(
        -20.0, lt=0.0, description="Below this the problem counts as large (TARP severity)."
    )
    advocate_above: float = Field(
        1.0, gt=0.0, description="Above this a customer recommends you (an advocate)."
    )


class Complaints(Model):
    """Voice: how many dissatisfied customers complain, and where the complaint goes.

    Of dissatisfied customers, ``complain_prob`` complain to the company: the complaint reaches
    the front line or management and is recorded. Voiced dissatisfaction splits
    ``front_line_share`` / ``management_share`` / the rest to nobody who acts, so a further
    ``complain_prob × rest / (front_line_share + management_share)`` voice it where it is never
    received (they count as complained but never resolved); everyone else stays silent
    (``docs/domain.md`` §1 explains the composition).
    """

    complain_prob: Probability = Field(
        0.04,
        description="Share of dissatisfied customers whose complaint reaches the company (front "
        "line or management).",
    )
    front_line_share: Probability = Field(
        0.45, description="Share of voiced dissatisfaction that goes to front-line staff."
    )
    management_share: Probability = Field(
        0.05,
        description="Share of voiced dissatisfaction that goes to management (straight to tier 2).",
    )
    contact_types: dict[str, Probability] = Field(
        description="Contact type → share of complaints raised through it (phone or email). "
        "Their own forecast volume (demand) is the complaints about things outside the desk.",
    )
    delay: Duration = Field(
        default_factory=lambda: Exponential(kind="exponential", mean_min=240.0),
        description="Time from the bad moment to the complaint.",
    )

    @property
    def voice_prob(self) -> float:
        """Share of dissatisfied customers who voice it at all (received or not)."""
        received = self.front_line_share + self.management_share
        return self.complain_prob / received if received > 0 else 0.0

    @model_validator(mode="after")
    def _shares(self) -> Complaints:
        received = self.front_line_share + self.management_share
        if received > 1.0 + 1e-9:
            raise ValueError(
                f"front_line_share + management_share = {received:g} must be at most 1 (the rest "
                "of voiced dissatisfaction goes to nobody who acts)"
            )
        if self.complain_prob > received + 1e-9:
            raise ValueError(
                f"complain_prob ({self.complain_prob:g}) must be at most front_line_share + "
                f"management_share ({received:g}): the complaints received are that share of the "
                "dissatisfied customers who voice it"
            )
        total = sum(self.contact_types.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"contact_types shares add up to {total:g}, they must add up to 1")
        return self


@functools.lru_cache(maxsize=64)
def word_of_mouth_shape(mean: float, share_at_least_20: float) -> tuple[float, float]:
    """Negative binomial ``(n, p)`` (numpy's and scipy's parametrisation) for the number of people
    a dissatisfied customer tells, with the given mean and P(tells ≥ 20).

    TARP: a dissatisfied customer tells about 10 people on average and 13% tell 20 or more — a
    tail far heavier than Poisson. Among the negative binomials with that mean, the least
    dispersed one whose tail share matches is taken. Plain Python (no SciPy, no numpy), so the
    customer model starts quickly and a scenario is checked with it (:class:`WordOfMouth`).
    """
    if mean == 0.0:
        return 1.0, 1.0  # nobody tells anyone

    def tail(log_shape: float) -> float:
        shape = math.exp(log_shape)
        p = shape / (shape + mean)
        log_p, log_q = math.log(p), math.log1p(-p)
        below = sum(
            math.exp(
                math.lgamma(k + shape)
                - math.lgamma(shape)
                - math.lgamma(k + 1)
                + shape * log_p
                + k * log_q
            )
            for k in range(20)
        )
        return 1.0 - below

    # Walk from nearly Poisson (large shape) towards ever more dispersion, stop at the first
    # crossing of the target, and bisect there.
    grid = [12.0 + i * -0.1 for i in range(200)] + [-8.0]  # numpy's linspace(12, -8, 201)
    gaps = [tail(x) - share_at_least_20 for x in grid]
    for i in range(len(grid) - 1):
        g_hi, g_lo = gaps[i], gaps[i + 1]
        if g_hi == 0.0 or (g_hi > 0.0) != (g_lo > 0.0):
            hi, lo = grid[i], grid[i + 1]
            for _ in range(80):
                mid = (hi + lo) / 2.0
                if (tail(mid) - share_at_least_20 > 0.0) == (g_hi > 0.0):
                    hi = mid
                else:
                    lo = mid
            shape = math.exp((hi + lo) / 2.0)
            return shape, shape / (shape + mean)
    raise ValueError(
        f"a mean of {mean:g} people told cannot give {share_at_least_20:.1%} telling 20 or "
        f"more with a negative binomial (possible: {min(gaps) + share_at_least_20:.1%} to "
        f"{max(gaps) + share_at_least_20:.1%})"
    )


class WordOfMouth(Model):
    """Dissatisfied customers tell others; advocates bring referrals."""

    tells_mean: float = Field(
        10.0, ge=0.0, le=1000.0, description="People a dissatisfied customer tells, on average."
    )
    tells_at_least_20_share: Probability = Field(
        0.13, description="Share of dissatisfied customers who tell 20 or more (heavy tail)."
    )
    lost_acquisitions_per_listener: float = Field(
        0.02,
        ge=0.0,
        le=1.0,
        description="New customers lost per person told (spread over effect_days).",
    )
    referrals_per_advocate: float = Field(
        3.0, ge=0.0, le=100.0, description="New customers an advocate brings (over effect_days)."
    )
    effect_days: float = Field(
        365.0, gt=0.0, le=3650.0, description="Period over which word of mouth acts."
    )

    @model_validator(mode="after")
    def _a_negative_binomial_fits(self) -> WordOfMouth:
        # raises a ValueError with the range of shares this mean allows
        word_of_mouth_shape(self.tells_mean, self.tells_at_least_20_share)
        return self


YearlyShare = Annotated[float, Field(ge=0.0, lt=1.0)]
"""A share of customers lost in a year to a constant hazard ``−ln(1 − share)`` a year (a share
of 1 would be an infinite hazard: everyone gone at once)."""


class Churn(Model):
    """Yearly chance of leaving for reasons outside service, by reason: each a constant hazard,
    so that this share of the customers would be gone after a year from that reason alone."""

    died: YearlyShare = Field(0.002, description="Share leaving in a year: customer dies.")
    moved: YearlyShare = Field(0.006, description="Share leaving in a year: moves away.")
    natural_turnover: YearlyShare = Field(
        0.008, description="Share leaving in a year: needs change."
    )
    friend_advice: YearlyShare = Field(
        0.010, description="Share leaving in a year: switches on advice."
    )
    price: YearlyShare = Field(0.018, description="Share leaving in a year: finds a lower price.")


class TimeDecayRetention(Model):
    """Retention of a complainant falls with the time to resolve (the "24 hours, then 10% a day"
    rule)."""

    kind: Literal["time_decay"] = Field(description="Selects the time-decay rule.")
    within_h: float = Field(24.0, gt=0.0, le=720.0, description="Resolution time kept in full.")
    retained_within: Probability = Field(
        0.96, description="Share retained when resolved within within_h."
    )
    loss_per_day: Probability = Field(
        0.10, description="Further share lost per day of delay beyond within_h."
    )


class TarpRetention(Model):
    """Retention by outcome and problem size (TARP): resolved quickly, or resolved later."""

    kind: Literal["tarp"] = Field(description="Selects the TARP outcome table.")
    quickly_within_h: float = Field(
        24.0, gt=0.0, le=720.0, description="Resolution time that counts as quick."
    )
    satisfied_quickly: SeverityPair = Field(
        default_factory=lambda: SeverityPair(small=0.95, large=0.82),
        description="Retention when the complaint was resolved quickly.",
    )
    satisfied: SeverityPair = Field(
        default_factory=lambda: SeverityPair(small=0.70, large=0.54),
        description="Retention when the complaint was resolved, but not quickly.",
    )


RetentionRule = Annotated[TimeDecayRetention | TarpRetention, Field(discriminator="kind")]


class WarmStart(Model):
    """How the customer base reaches its steady state before the start date.

    The whole model (desk and customers) runs ``burn_in_days`` before the start date; nothing in
    them is reported, and closed accounts are replaced so the run starts with ``accounts``
    accounts. After the first ``history_pilot_days`` every customer's satisfaction is given the
    history a long-standing customer would carry (earlier windows drawn from the pilot, decayed
    by the half-life); at the start date word of mouth starts at its stationary level for the
    burn-in's rate of dissatisfaction. ``burn_in_days: 0`` starts cold (everyone neutral).
    """

    burn_in_days: int = Field(
        91, ge=0, le=3650, description="Days simulated before the start date, not reported."
    )
    history_pilot_days: int = Field(
        14,
        ge=0,
        le=3650,
        description="First days of the burn-in whose satisfaction changes give customers their "
        "earlier history (0: no history).",
    )

    @model_validator(mode="after")
    def _pilot_inside(self) -> WarmStart:
        if self.burn_in_days and self.history_pilot_days >= self.burn_in_days:
            raise ValueError(
                f"history_pilot_days ({self.history_pilot_days}) must be shorter than "
                f"burn_in_days ({self.burn_in_days}): the rest of the burn-in lets exits, "
                "complaints and advocates settle"
            )
        return self


class Acquisition(Model):
    """New customers."""

    base_per_year_fraction: float = Field(
        0.15,
        ge=0.0,
        le=5.0,
        description="New customers per year, as a share of the initial base, before word of mouth.",
    )


class CustomerBase(Model):
    """The accounts behind the contacts, and how service moves them to stay or leave."""

    accounts: int = Field(ge=1, le=10_000_000, description="Accounts at the start.")
    segments: dict[str, Segment] = Field(min_length=1, description="Value tiers by name.")
    warm_start: WarmStart = Field(
        default_factory=WarmStart, description="How the customer base starts in its steady state."
    )
    tick_min: float = Field(
        60.0,
        ge=5.0,
        le=1440.0,
        description="How often the customer clock processes moments of truth (minutes).",
    )
    satisfaction: Satisfaction = Field(
        default_factory=Satisfaction, description="Moments of truth and satisfaction."
    )
    complaints: Complaints = Field(description="Who complains, and where complaints go.")
    word_of_mouth: WordOfMouth = Field(
        default_factory=WordOfMouth, description="Telling others, and referrals."
    )
    churn: Churn = Field(default_factory=Churn, description="Leaving for reasons outside service.")
    acquisition: Acquisition = Field(
        default_factory=Acquisition, description="How many new customers join."
    )
    silent_retention: SeverityPair = Field(
        default_factory=lambda: SeverityPair(small=0.37, large=0.09),
        description="Share of dissatisfied customers who stay without complaining (TARP).",
    )
    unresolved_retention: SeverityPair = Field(
        default_factory=lambda: SeverityPair(small=0.46, large=0.19),
        description="Share of complainants who stay when the complaint is never resolved (TARP).",
    )
    retention_after_complaint: RetentionRule = Field(
        default_factory=lambda: TimeDecayRetention(kind="time_decay"),
        description="Retention of complainants whose complaint was resolved.",
    )
    exit_delay: Duration = Field(
        default_factory=lambda: Exponential(kind="exponential", mean_min=30 * 1440.0),
        description="Time from deciding to leave to leaving.",
    )
    recovery_paradox_score: float = Field(
        0.0,
        ge=0.0,
        le=10.0,
        description="Satisfaction above neutral after a well-recovered complaint (0 = none).",
    )

    @model_validator(mode="after")
    def _segment_shares(self) -> CustomerBase:
        total = sum(s.share for s in self.segments.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"segments shares add up to {total:g}, they must add up to 1")
        return self


# --- recovery policies ---------------------------------------------------------------------------


class RecoveryBase(Model):
    """What the desk does with a complaint. Each policy is a set of actions with costs.

    Every duration of a complaint (its target, overdue escalation, the resolution standard, the
    retention curve) runs on one recovery clock, which starts when the complaint reaches the
    company (``received``, the default) or at the bad moment behind it (``problem``).
    """

    clock_starts: Literal["received", "problem"] = Field(
        "received",
        description="When the recovery clock starts: when the complaint reaches the company, or "
        "at the bad moment that caused it.",
    )
    target_h: float | None = Field(
        24.0, gt=0.0, le=720.0, description="Resolve complaints within this many hours."
    )
    escalate_overdue: bool = Field(
        True, description="Complaints unresolved past the target go to tier 2 automatically."
    )
    jump_queue: bool = Field(False, description="Complaint contacts are answered first of all.")
    compensation_per_complaint: Money = Field(
        0.0, description="Compensation paid per resolved complaint (an extra step)."
    )
    delight_score: float = Field(
        0.0, ge=0.0, le=1.0, description="Moment score of the extra step (a delighter)."
    )
    retention_uplift: float = Field(
        0.0, ge=0.0, le=1.0, description="Added to the retention of a resolved complainant."
    )


class NoRecovery(RecoveryBase):
    """Complaints are ordinary contacts: no target, no escalation, nothing extra."""

    kind: Literal["none"] = Field(description="Selects no recovery policy.")
    target_h: float | None = Field(None, description="No target.")
    escalate_overdue: bool = Field(False, description="Overdue complaints are not escalated.")


class StandardRecovery(RecoveryBase):
    """Apologise and fix within 24 hours; overdue complaints escalate."""

    kind: Literal["standard"] = Field(description="Selects the standard 24-hour policy.")


class FastTrack(RecoveryBase):
    """Complaints jump the queue, with a 4-hour target."""

    kind: Literal["fast_track"] = Field(description="Selects the fast-track policy.")
    target_h: float | None = Field(4.0, gt=0.0, le=720.0, description="Target in hours.")
    jump_queue: bool = Field(True, description="Complaint contacts are answered first.")


class EmpoweredFrontLine(RecoveryBase):
    """The front line may resolve and compensate without escalating."""

    kind: Literal["empowered_front_line"] = Field(description="Selects front-line empowerment.")
    front_line_resolve_prob: Probability = Field(
        0.9, description="Chance the front line resolves a complaint on the spot."
    )
    compensation_per_complaint: Money = Field(
        20.0, description="Compensation the front line may give per complaint (up to a limit)."
    )
    delight_score: float = Field(0.5, ge=0.0, le=1.0, description="Score of the extra step.")
    retention_uplift: float = Field(0.02, ge=0.0, le=1.0, description="Added retention.")


class ProactiveFollowUp(RecoveryBase):
    """Call recovered customers back: costs agent time, can create delight."""

    kind: Literal["proactive_follow_up"] = Field(description="Selects proactive follow-up.")
    follow_up_after_h: float = Field(
        48.0, gt=0.0, le=720.0, description="Follow-up call this long after resolution."
    )
    follow_up_handle: Duration = Field(
        default_factory=lambda: Exponential(kind="exponential", mean_min=4.0),
        description="Agent time per follow-up call (front line).",
    )
    delight_score: float = Field(0.6, ge=0.0, le=1.0, description="Score of the follow-up.")
    retention_uplift: float = Field(0.03, ge=0.0, le=1.0, description="Added retention.")


RecoveryPolicy = Annotated[
    NoRecovery | StandardRecovery | FastTrack | EmpoweredFrontLine | ProactiveFollowUp,
    Field(discriminator="kind"),
]


# --- money ---------------------------------------------------------------------------------------


class TierCost(Model):
    """What an agent of one tier costs."""

    cost_per_hour: Money = Field(description="Loaded cost per rostered agent-hour.")
    overtime_multiplier: float = Field(
        1.5, ge=1.0, le=5.0, description="Cost multiplier for time worked past shift end."
    )


class Economics(Model):
    """Costs and values, in one currency."""

    currency: str = Field("USD", min_length=1, max_length=8, description="Currency label.")
    tier1: TierCost = Field(description="Front-line agent cost.")
    tier2: TierCost = Field(description="Tier-2 agent cost.")
    acquisition_cost: Money = Field(
        description="Cost of winning one new customer (5–6× the cost of keeping one)."
    )
    lifetime_years: float = Field(
        10.0, gt=0.0, le=100.0, description="Customer lifetime used for lifetime value."
    )
    annual_discount_rate: float = Field(
        0.08, ge=0.0, le=1.0, description="Discount rate for lifetime value."
    )
