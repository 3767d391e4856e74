"""The root of a scenario: every section of the desk and its customers, checked against each other.

A scenario file (YAML, see ``params/``) is validated into a frozen :class:`Scenario`; the checks
that need more than one section (profiles that fit the opening hours, rosters that fit the
interval grid, complaint types that exist) live here.
"""

from __future__ import annotations

import datetime as dt
import math

from pydantic import Field, model_validator

from sim.scenario.base import Model, Name, clock, humanise
from sim.scenario.customers import CustomerBase, Economics, RecoveryPolicy, StandardRecovery
from sim.scenario.desk import WEEKDAYS, Calendar, Demand, ServiceLevel, Standards
from sim.scenario.fit import Fit
from sim.scenario.rostering import Rostering
from sim.scenario.routing import Routing, check_routes
from sim.scenario.staffing import FixedTeam, IntervalRoster, QueueingRoster, ShiftRoster, Staffing
from sim.scenario.workforce import Workforce


class Simulation(Model):
    """How many independent replications to run and from which seed."""

    replications: int = Field(10, ge=1, le=10_000, description="Independent replications.")
    seed: int = Field(20_240_601, ge=0, description="Master seed; same seed → identical outputs.")


# --- the scenario --------------------------------------------------------------------------------


MAX_CONTACTS_PER_REPLICATION = 50_000_000
"""Forecast contacts one replication may simulate: about 5 GB of contact records, far above a
500-seat desk's year (some 6 million contacts)."""


class Scenario(Model):
    """A complete, validated description of a service desk and how to simulate it."""

    name: Name = Field(
        description="Short name used in output folders (letters, digits, '_', '.', '-')."
    )
    title: str | None = Field(
        None,
        min_length=1,
        max_length=120,
        description="Display name on slides (the deck's title slide and properties); not set: "
        "the name as words ('fast_recovery' → 'Fast recovery'). An overlay inherits it like any "
        "field, so give an overlay its own.",
    )
    description: str = Field("", description="What this scenario represents.")
    calendar: Calendar = Field(description="Simulated days, opening hours, holidays, peaks.")
    demand: Demand = Field(description="Contact types, volumes and intraday profiles.")
    staffing: Staffing = Field(description="Front-line and escalation rosters.")
    routing: Routing = Field(default_factory=Routing, description="Who answers what first.")
    service_level: ServiceLevel = Field(
        default_factory=ServiceLevel, description="Definition of the phone service level."
    )
    standards: Standards = Field(
        default_factory=Standards, description="Targets the desk reports against."
    )
    simulation: Simulation = Field(default_factory=Simulation, description="Replications and seed.")

    customers: CustomerBase | None = Field(
        None, description="The customer base; omit to simulate the desk alone."
    )
    recovery: RecoveryPolicy = Field(
        default_factory=lambda: StandardRecovery(kind="standard"),
        description="What the desk does with complaints (needs customers).",
    )
    economics: Economics | None = Field(None, description="Costs and values; omit for no money.")
    workforce: Workforce | None = Field(
        None,
        description="The agents as people (work pressure, cutting corners); omit for agents who "
        "work at the same pace whatever the load.",
    )
    fit: Fit | None = Field(
        None,
        description="A calibration by simulation (python -m sim fit) and its recorded result; "
        "the simulation ignores it, and a variant without customers leaves it unchecked.",
    )
    rostering: Rostering | None = Field(
        None,
        description="A catalogue of shift types to optimise one group's roster over (shift "
        "scheduling); the simulation ignores it.",
    )

    @property
    def display_title(self) -> str:
        """The title for people: :attr:`title`, or else the name as words."""
        return self.title or humanise(self.name)

    @property
    def burn_in_days(self) -> int:
        """Days simulated before the calendar's start to warm the customer base up (0 without
        one)."""
        return self.customers.warm_start.burn_in_days if self.customers is not None else 0

    @property
    def simulated_days(self) -> int:
        """Days one replication simulates: the burn-in, then the horizon."""
        return self.burn_in_days + self.calendar.horizon_days

    @property
    def expected_contacts(self) -> float:
        """Primary contacts one replication is forecast to simulate (burn-in included; before
        peak days, retrials and repeat contacts)."""
        weekly = sum(
            c.daily_volume.of(day) for c in self.demand.contact_types.values() for day in WEEKDAYS
        )
        return weekly / len(WEEKDAYS) * self.simulated_days

    def warnings(self) -> list[str]:
        """What is valid but probably not meant, one line each: holidays and peak days outside
        the simulated days (burn-in included), which change nothing."""
        first = self.calendar.start_date - dt.timedelta(days=self.burn_in_days)
        last = self.calendar.start_date + dt.timedelta(days=self.calendar.horizon_days - 1)
        found = []
        for field, dates in (
            ("holidays", self.calendar.holidays),
            ("peak_days", [peak.date for peak in self.calendar.peak_days]),
        ):
            outside = [day for day in dates if not first <= day <= last]
            if outside:
                more = f" and {len(outside) - 1} more" if len(outside) > 1 else ""
                found.append(
                    f"calendar.{field}: outside the simulated days ({first} to {last}), so "
                    f"ignored: {outside[0]}{more}"
                )
        return found

    def _check_front_line(self) -> None:
        """Every simulated weekday on which contacts arrive has a front-line agent."""
        cal = self.calendar
        first = cal.start_date - dt.timedelta(days=self.burn_in_days)
        days = min(self.simulated_days, 7)
        simulated = {WEEKDAYS[(first + dt.timedelta(days=i)).weekday()] for i in range(days)}
        for day in [d for d in WEEKDAYS if d in simulated]:
            volume = sum(c.daily_volume.of(day) for c in self.demand.contact_types.values())
            front = [g for g in self.staffing.agent_groups.values() if g.tier == 1]
            if (
                cal.intervals_on(day)
                and volume > 0
                and sum(_agents_on(g.roster, day) for g in front) == 0
            ):
                where = "staffing.tier1" if self.staffing.groups is None else "staffing.groups"
                whom = "no agent" if self.staffing.groups is None else "no tier-1 agent"
                raise ValueError(
                    f"{where} rosters {whom} on {day}, when {volume:g} contacts arrive: "
                    "they would wait unanswered (check its agents, shifts and headcount_scale)"
                )

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        cal = self.calendar
        for type_name, ctype in self.demand.contact_types.items():
            for day in WEEKDAYS:
                n_intervals = cal.intervals_on(day)
                if n_intervals == 0:
                    continue
                name = ctype.profile_on(day)
                if name is None:
                    if ctype.daily_volume.of(day) > 0:
                        raise ValueError(
                            f"demand.contact_types.{type_name}.profile gives no profile for "
                            f"'{day}', which is open with volume {ctype.daily_volume.of(day):g}"
                        )
                    continue
                got = len(self.demand.profiles[name])
                if got != n_intervals:
                    hours = cal.opening_hours.of(day)
                    raise ValueError(
                        f"demand.profiles.{name} has {got} values but {day} "
                        f"({clock(hours.open_h)}–{clock(hours.close_h)}) has {n_intervals} "
                        f"intervals of {cal.interval_min} min (used by contact type '{type_name}')"
                    )
        self._check_front_line()  # before the cover of shifts: a day without agents says more
        if self.expected_contacts > MAX_CONTACTS_PER_REPLICATION:
            raise ValueError(
                f"demand: about {self.expected_contacts:,.0f} contacts in one replication (the "
                f"daily volumes over {self.simulated_days} simulated days) is more than the "
                f"{MAX_CONTACTS_PER_REPLICATION:,} a replication may hold (some 100 bytes of "
                "records each); shorten calendar.horizon_days or the customers' warm-up, or "
                "lower the daily volumes"
            )
        groups = self.staffing.agent_groups
        for name, group in groups.items():
            where = self.staffing.group_path(name)
            if isinstance(group.roster, QueueingRoster) and group.tier != 1:
                raise ValueError(
                    f"{where}.kind: {group.roster.kind} staffs from the arrival forecast, "
                    "which only the front line has; use fixed, by_interval or shifts for tier 2"
                )
            _check_roster(where, group.roster, cal)
        complaint_types = list(self.customers.complaints.contact_types) if self.customers else []
        if self.customers is not None:
            for type_name in complaint_types:
                if type_name not in self.demand.contact_types:
                    known = ", ".join(sorted(self.demand.contact_types))
                    raise ValueError(
                        f"customers.complaints.contact_types.{type_name}: no such contact type "
                        f"(known: {known})"
                    )
        check_routes(self.staffing, self.routing, self.demand, complaint_types)
        for type_name in self.standards.response_targets:
            if type_name not in self.demand.contact_types:
                known = ", ".join(sorted(self.demand.contact_types))
                raise ValueError(
                    f"standards.response_targets.{type_name}: no such contact type (known: {known})"
                )
        if self.rostering is not None:
            _check_rostering(self.rostering, self.staffing, cal)
        if self.fit is not None and self.customers is not None:  # desk-only: fit dormant
            for problem in self.fit.problems_in(self.model_dump(exclude={"fit"})):
                raise ValueError(problem)
        return self


def _check_roster(
    where: str,
    roster: FixedTeam | IntervalRoster | ShiftRoster | QueueingRoster,
    cal: Calendar,
) -> None:
    """Rosters must fit the opening hours and the interval grid (``where``: the roster's path)."""
    if isinstance(roster, IntervalRoster):
        for day, counts in roster.agents.items():
            n_intervals = cal.intervals_on(day)
            if n_intervals == 0:
                raise ValueError(f"{where}.agents.{day}: the desk is closed on {day}")
            if len(counts) != n_intervals:
                raise ValueError(
                    f"{where}.agents.{day} has {len(counts)} values but {day} has {n_intervals} "
                    f"intervals of {cal.interval_min} min"
                )
    elif isinstance(roster, ShiftRoster):
        for i, shift in enumerate(roster.shifts):
            end_h = shift.start_h + shift.length_h
            for day in shift.days:
                hours = cal.opening_hours.of(day)
                if hours is None:
                    raise ValueError(f"{where}.shifts.{i}: works on {day}, when the desk is closed")
                if shift.start_h < hours.open_h - 1e-9 or end_h > hours.close_h + 1e-9:
                    raise ValueError(
                        f"{where}.shifts.{i}: {clock(shift.start_h)}–{clock(end_h)} on {day} is "
                        f"outside the opening hours {clock(hours.open_h)}–{clock(hours.close_h)}"
                    )
            for j, earlier in enumerate(roster.shifts[:i]):
                if shift.same_as(earlier):
                    raise ValueError(
                        f"{where}.shifts.{i}: the same shift as shifts.{j} (start "
                        f"{clock(shift.start_h)}, {shift.length_h:g} h, same days and breaks); "
                        f"merge them into one entry with agents: {earlier.agents + shift.agents}"
                    )
        if not roster.allow_gaps:
            _check_cover(where, roster, cal)


def _check_rostering(rostering: Rostering, staffing: Staffing, cal: Calendar) -> None:
    """The rostered group exists, the catalogue's times lie on the interval grid, and every shift
    type can be worked inside the opening hours (some start on every day of some day pattern)."""
    groups = staffing.agent_groups
    if rostering.group not in groups:
        raise ValueError(
            f"rostering.group: no agent group '{rostering.group}' (known: {', '.join(groups)})"
        )
    for problem in rostering.grid_problems(cal.interval_min):
        raise ValueError(problem)
    for i, shift_type in enumerate(rostering.shift_types):
        length_h = shift_type.length_h
        if not any(
            all(_inside_opening(cal, day, start_min / 60.0, length_h) for day in days)
            for start_min in shift_type.start_times_min
            for days in shift_type.weekday_patterns
        ):
            raise ValueError(
                f"rostering.shift_types.{i}.starts_h: no start time and day pattern keeps shift "
                f"type '{shift_type.name}' ({length_h:g} h) inside the opening hours on every day "
                "worked; check its starts_h and day_patterns against calendar.opening_hours"
            )


def _inside_opening(cal: Calendar, day: str, start_h: float, length_h: float) -> bool:
    """Whether a shift from ``start_h`` for ``length_h`` lies inside the day's opening hours."""
    hours = cal.opening_hours.of(day)
    return (
        hours is not None
        and start_h >= hours.open_h - 1e-9
        and start_h + length_h <= hours.close_h + 1e-9
    )


def _check_cover(where: str, roster: ShiftRoster, cal: Calendar) -> None:
    """Every open weekday's opening hours have a shift at every moment (breaks inside a shift
    are not gaps); the first weekday with gaps is reported, with the other days that have the
    same gaps."""
    gaps: dict[str, list[tuple[float, float]]] = {}
    opening: dict[str, str] = {}
    for day in WEEKDAYS:
        hours = cal.opening_hours.of(day)
        if hours is None:
            continue
        spans = sorted((s.start_h, s.start_h + s.length_h) for s in roster.shifts if day in s.days)
        covered_to, holes = hours.open_h, []
        for start_h, end_h in spans:
            if start_h > covered_to + 1e-9:
                holes.append((covered_to, start_h))
            covered_to = max(covered_to, end_h)
        if covered_to < hours.close_h - 1e-9:
            holes.append((covered_to, hours.close_h))
        if holes:
            gaps[day] = holes
            opening[day] = f"{clock(hours.open_h)}–{clock(hours.close_h)}"
    if not gaps:
        return
    day, holes = next(iter(gaps.items()))
    same = [d for d, h in gaps.items() if d != day and h == holes and opening[d] == opening[day]]
    also = f" (and on {', '.join(same)})" if same else ""
    spans = " and ".join(f"{clock(a)}–{clock(b)}" for a, b in holes)
    raise ValueError(
        f"{where}.shifts: nobody works {day} {spans}{also}, inside opening hours "
        f"{opening[day]}; add a shift, or set allow_gaps: true "
        "if the desk is meant to be unstaffed then"
    )


def _agents_on(
    roster: FixedTeam | IntervalRoster | ShiftRoster | QueueingRoster, day: str
) -> float:
    """The most agents a roster has at once on a weekday (infinite for one staffed from the
    forecast)."""
    if roster.headcount_scale == 0:
        return 0.0
    if isinstance(roster, FixedTeam):
        most: float = roster.agents
    elif isinstance(roster, IntervalRoster):
        most = max(roster.agents.get(day, []), default=0)  # type: ignore[call-overload]
    elif isinstance(roster, ShiftRoster):
        most = sum(shift.agents for shift in roster.shifts if day in shift.days)
    else:
        most = math.inf
    return most * roster.headcount_scale
