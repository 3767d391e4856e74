"""The desk part of a scenario: a typed, bounded, documented description of one service desk.

Every field carries its unit in its name (``_min``, ``_s``, ``_h``, ``_days``) and a
description; the JSON schema in ``params/schema.json`` and the reference in
``docs/parameters.md`` are generated from these models.

This module holds three of its parts:

* ``calendar`` — the simulated days, opening hours, planning interval, holidays and peak days;
* ``demand`` — contact types (enquiry, urgent request, complaint, ...) by channel, with daily
  volumes, intraday shapes, handle times, patience, retrials and first-contact resolution;
* ``service_level`` and ``standards`` — how service level is defined, and the targets the desk
  reports itself against.

Who works (``staffing``: rosters, agent groups and skills) is in :mod:`sim.scenario.staffing`;
who answers what (``routing``) in :mod:`sim.scenario.routing`. The customer base, recovery and
money are in :mod:`sim.scenario.customers`; the root that holds
all of them, :class:`~sim.scenario.scenario.Scenario`, in :mod:`sim.scenario.scenario`; loading
from YAML in :mod:`sim.scenario.loading`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.scenario.base import Duration, Exponential, Model, NoPatience, Patience, Probability

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

# --- calendar ------------------------------------------------------------------------------------


class OpeningHours(Model):
    """Hours the desk is staffed on one weekday (24 h clock; ``close_h`` may be 24)."""

    open_h: float = Field(ge=0.0, lt=24.0, description="Opening time, hours after midnight.")
    close_h: float = Field(gt=0.0, le=24.0, description="Closing time, hours after midnight.")

    @model_validator(mode="after")
    def _open_before_close(self) -> OpeningHours:
        if self.close_h <= self.open_h:
            raise ValueError(f"close_h ({self.close_h}) must be later than open_h ({self.open_h})")
        return self


class WeeklyHours(Model):
    """Opening hours per weekday; ``null`` means closed all day."""

    mon: OpeningHours | None = Field(None, description="Hours on Monday (null = closed).")
    tue: OpeningHours | None = Field(None, description="Hours on Tuesday (null = closed).")
    wed: OpeningHours | None = Field(None, description="Hours on Wednesday (null = closed).")
    thu: OpeningHours | None = Field(None, description="Hours on Thursday (null = closed).")
    fri: OpeningHours | None = Field(None, description="Hours on Friday (null = closed).")
    sat: OpeningHours | None = Field(None, description="Hours on Saturday (null = closed).")
    sun: OpeningHours | None = Field(None, description="Hours on Sunday (null = closed).")

    def of(self, weekday: str) -> OpeningHours | None:
        """Opening hours of a weekday name (``"mon"`` ... ``"sun"``)."""
        return getattr(self, weekday)


class PeakDay(Model):
    """A foreseeable busy (or quiet) day: every contact type's volume is multiplied."""

    date: dt.date = Field(description="The calendar date.")
    volume_multiplier: float = Field(
        gt=0.0, le=20.0, description="Multiplier on the day's arrival volume (1.5 = 50% busier)."
    )


class Calendar(Model):
    """The simulated period and when the desk is open."""

    start_date: dt.date = Field(
        ge=dt.date(1900, 1, 1),
        le=dt.date(2200, 12, 31),
        description="First simulated day (its weekday sets the pattern).",
    )
    horizon_days: int = Field(ge=1, le=3660, description="Number of simulated days.")
    interval_min: Literal[15, 30, 60] = Field(
        30,
        description="Planning interval in minutes: arrival profiles and staffing are per interval.",
    )
    opening_hours: WeeklyHours = Field(description="Staffed hours per weekday.")
    holidays: list[dt.date] = Field(
        default_factory=list, description="Dates the desk is closed (no arrivals, no staff)."
    )
    peak_days: list[PeakDay] = Field(
        default_factory=list, description="Dates with a volume multiplier (holiday peaks, eves)."
    )
    warmup_min: float = Field(
        0.0,
        ge=0.0,
        description=(
            "Contacts arriving before this many minutes are simulated but left out of KPIs."
        ),
    )

    @model_validator(mode="after")
    def _hours_on_interval_grid(self) -> Calendar:
        for day in WEEKDAYS:
            hours = self.opening_hours.of(day)
            if hours is None:
                continue
            for name in ("open_h", "close_h"):
                minutes = getattr(hours, name) * 60.0
                if abs(minutes / self.interval_min - round(minutes / self.interval_min)) > 1e-9:
                    raise ValueError(
                        f"opening_hours.{day}.{name} = {getattr(hours, name)} is not on the "
                        f"{self.interval_min}-minute interval grid"
                    )
            if self.intervals_on(day) < 1:
                raise ValueError(
                    f"opening_hours.{day} ({hours.open_h}–{hours.close_h} h) is shorter than one "
                    f"{self.interval_min}-minute planning interval"
                )
        if self.warmup_min >= self.horizon_days * 1440.0:
            raise ValueError(
                f"warmup_min ({self.warmup_min}) must be shorter than the horizon "
                f"({self.horizon_days} days = {self.horizon_days * 1440} min)"
            )
        return self

    def on_grid_min(self, hours_h: float) -> float:
        """Minutes after midnight of a time of day given in hours, on the interval grid (the
        hours are checked to lie on it to within rounding)."""
        return round(hours_h * 60.0 / self.interval_min) * float(self.interval_min)

    def intervals_on(self, weekday: str) -> int:
        """Number of planning intervals in a weekday's opening hours (0 when closed)."""
        hours = self.opening_hours.of(weekday)
        if hours is None:
            return 0
        open_min = self.on_grid_min(hours.close_h) - self.on_grid_min(hours.open_h)
        return round(open_min / self.interval_min)


# --- demand --------------------------------------------------------------------------------------


MAX_DAILY_VOLUME = 1_000_000.0
"""Contacts of one type a day at most: the largest desks answer a few hundred thousand."""


class WeekdayVolumes(Model):
    """Forecast number of contacts per day, by weekday."""

    mon: float = Field(0.0, ge=0.0, le=MAX_DAILY_VOLUME, description="Contacts on a Monday.")
    tue: float = Field(0.0, ge=0.0, le=MAX_DAILY_VOLUME, description="Contacts on a Tuesday.")
    wed: float = Field(0.0, ge=0.0, le=MAX_DAILY_VOLUME, description="Contacts on a Wednesday.")
    thu: float = Field(0.0, ge=0.0, le=MAX_DAILY_VOLUME, description="Contacts on a Thursday.")
    fri: float = Field(0.0, ge=0.0, le=MAX_DAILY_VOLUME, description="Contacts on a Friday.")
    sat: float = Field(0.0, ge=0.0, le=MAX_DAILY_VOLUME, description="Contacts on a Saturday.")
    sun: float = Field(0.0, ge=0.0, le=MAX_DAILY_VOLUME, description="Contacts on a Sunday.")

    def of(self, weekday: str) -> float:
        """Volume of a weekday name."""
        return getattr(self, weekday)


class Retrial(Model):
    """What an abandoned caller does next."""

    probability: Probability = Field(0.0, description="Chance an abandoned caller calls again.")
    delay: Duration = Field(
        default_factory=lambda: Exponential(kind="exponential", mean_min=10.0),
        description="Time from abandoning to calling again.",
    )
    max_attempts: int = Field(3, ge=1, le=50, description="Attempts at most, the first included.")


class Resolution(Model):
    """First-contact resolution and what happens to unresolved contacts."""

    first_contact_prob: Probability = Field(
        0.8, description="Chance the front line resolves the contact on this attempt."
    )
    escalate_prob: Probability = Field(
        0.5,
        description=(
            "Share of unresolved contacts passed to tier 2 at once; the rest come back later as "
            "repeat contacts."
        ),
    )
    repeat_delay: Duration = Field(
        default_factory=lambda: Exponential(kind="exponential", mean_min=1440.0),
        description="Time from an unresolved contact to the customer's repeat contact.",
    )
    max_attempts: int = Field(
        3, ge=1, le=50, description="Repeat contacts stop after this many attempts in all."
    )
    tier2_handle_time: Duration = Field(
        default_factory=lambda: Exponential(kind="exponential", mean_min=12.0),
        description="Handle time of an escalated contact at tier 2.",
    )
    tier2_resolve_prob: Probability = Field(
        1.0, description="Chance tier 2 resolves an escalated contact (else a repeat contact)."
    )


class ContactType(Model):
    """One kind of contact (e.g. enquiry, urgent request, complaint) on one channel.

    Phone contacts are real time: callers wait in a queue and may abandon. Chat is real time too,
    with its own patience, but an agent may hold several chat sessions at once (the group's
    ``chat`` setting). Email contacts are deferred work: they wait in a backlog, never abandon,
    and are measured against an answer-by target.
    """

    channel: Literal["phone", "chat", "email"] = Field(
        description="phone (real time), chat (real time, several sessions per agent) or email "
        "(deferred)."
    )
    priority: int = Field(
        ge=1, le=9, description="1 is served first; first come first served within a priority."
    )
    daily_volume: WeekdayVolumes = Field(description="Forecast contacts per day by weekday.")
    profile: str | dict[Weekday, str] = Field(
        description=(
            "Name of the intraday profile in demand.profiles, or a weekday → profile name map."
        )
    )
    handle_time: Duration = Field(description="Talk or work time at the front line.")
    wrap_up_s: float = Field(
        0.0, ge=0.0, le=3600.0, description="After-contact work in seconds: the agent stays busy."
    )
    patience: Patience = Field(
        default_factory=lambda: NoPatience(kind="none"),
        description="How long a caller waits before hanging up (phone only).",
    )
    retrial: Retrial = Field(default_factory=Retrial, description="Abandoned callers calling back.")
    resolution: Resolution = Field(
        default_factory=Resolution, description="Resolution, escalation and repeat contacts."
    )

    @model_validator(mode="after")
    def _email_never_abandons(self) -> ContactType:
        if self.channel == "email" and not isinstance(self.patience, NoPatience):
            raise ValueError("email contacts do not abandon: set patience to {kind: none}")
        return self

    def profile_on(self, weekday: str) -> str | None:
        """Profile name used on a weekday (None if the map leaves the weekday out)."""
        if isinstance(self.profile, str):
            return self.profile
        return self.profile.get(weekday)  # type: ignore[call-overload]


class Demand(Model):
    """Contact types and the shapes of their arrivals."""

    day_volume_cv: float = Field(
        0.0,
        ge=0.0,
        le=2.0,
        description=(
            "Day-to-day overdispersion: each day's volume is multiplied by a gamma factor with "
            "mean 1 and this coefficient of variation (0 = plain Poisson)."
        ),
    )
    profiles: dict[str, list[Annotated[float, Field(ge=0.0)]]] = Field(
        description=(
            "Named intraday shapes: one relative weight per planning interval of the opening "
            "hours (normalised to sum to 1)."
        )
    )
    contact_types: dict[str, ContactType] = Field(
        min_length=1, description="Contact types by name."
    )
    patience_factor_by_queue_ahead: dict[
        Annotated[int, Field(ge=0, le=10_000)], Annotated[float, Field(gt=0.0, le=10.0)]
    ] = Field(
        default_factory=lambda: {0: 1.0},
        description=(
            "Callers who find a longer queue give up sooner. A phone caller who has to wait has "
            "their patience multiplied by the factor of the largest key not above the number of "
            "phone callers already waiting at that tier (keys: callers ahead, starting at 0; "
            "e.g. {0: 1.0, 3: 0.77, 10: 0.67}). {0: 1.0}: patience does not depend on the queue."
        ),
    )

    @model_validator(mode="after")
    def _queue_factors_start_at_zero(self) -> Demand:
        if 0 not in self.patience_factor_by_queue_ahead:
            raise ValueError(
                "patience_factor_by_queue_ahead needs a factor for 0 callers ahead (the key 0)"
            )
        return self

    @model_validator(mode="after")
    def _profiles_have_weight(self) -> Demand:
        for name, weights in self.profiles.items():
            if not weights or sum(weights) <= 0.0:
                raise ValueError(f"profile '{name}' needs at least one positive weight")
        for type_name, ctype in self.contact_types.items():
            names = [ctype.profile] if isinstance(ctype.profile, str) else ctype.profile.values()
            for name in names:
                if name not in self.profiles:
                    known = ", ".join(sorted(self.profiles))
                    raise ValueError(
                        f"contact type '{type_name}' uses profile '{name}', which is not defined "
                        f"(defined: {known})"
                    )
        return self


# --- service level, standards --------------------------------------------------------------------


class ServiceLevel(Model):
    """How service level is defined (the share of calls answered within a threshold)."""

    threshold_s: float = Field(20.0, gt=0.0, le=86_400.0, description="Answer-within threshold.")
    abandoned: Literal["miss", "exclude"] = Field(
        "miss",
        description="Abandoned calls count as misses (default) or are left out of the denominator.",
    )
    short_abandon_s: float = Field(
        0.0,
        ge=0.0,
        le=3600.0,
        description="Abandons quicker than this are left out of the denominator (0 = none).",
    )

    def describe(self) -> str:
        """One sentence stating the definition, printed with every report."""
        if self.abandoned == "exclude":
            base = f"answered within {self.threshold_s:g} s / answered calls (abandons excluded)"
        else:
            base = f"answered within {self.threshold_s:g} s / offered calls (abandons are misses)"
        if self.short_abandon_s > 0 and self.abandoned == "miss":
            base += f", abandons under {self.short_abandon_s:g} s excluded"
        return base


class ResponseTarget(Model):
    """A response-time standard for one contact type (e.g. urgent requests within 30 min)."""

    within_min: float = Field(
        gt=0.0, le=100_000.0, description="Answered within this many minutes."
    )
    target_fraction: Probability = Field(description="Share of contacts that must meet it.")


class Standards(Model):
    """Targets the desk sets itself; every report scores them as met / not met."""

    service_level_target: Probability = Field(
        0.8, description="Phone service level target (see service_level for the definition)."
    )
    max_abandon_rate: Probability = Field(0.05, description="Highest acceptable abandonment rate.")
    max_monthly_complaint_rate: Probability = Field(
        0.01, description="Highest acceptable complaints per customer per month (with customers)."
    )
    complaint_resolution_h: float = Field(
        24.0,
        gt=0.0,
        le=720.0,
        description="Complaints resolved within this many hours on the recovery clock (with "
        "customers).",
    )
    complaint_resolution_target: Probability = Field(
        0.96,
        description="Share of complaints received that must be resolved within "
        "complaint_resolution_h (with customers).",
    )
    response_targets: dict[str, ResponseTarget] = Field(
        default_factory=dict, description="Contact type name → response-time standard."
    )
    max_overtime_share: Probability = Field(
        0.05,
        description="Highest acceptable agent time on overtime, as a share of time attending "
        "(with a workforce section).",
    )
    max_annual_attrition: Probability = Field(
        0.25,
        description="Highest acceptable staff turnover per year (with workforce.attrition).",
    )
    min_staff_satisfaction: Probability = Field(
        0.7,
        description="Lowest acceptable staff satisfaction index while open (with "
        "workforce.satisfaction).",
    )
