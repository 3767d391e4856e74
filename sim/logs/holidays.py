"""Holiday calendars: the dates on which a desk's demand departs from its weekday, and how.

A forecast of call volumes needs to know the days that are not ordinary weekdays: public
holidays, their eves, half-working days. A :class:`HolidayCalendar` is a YAML file listing them,
each with a *kind*; a kind may say which weekday such a day is planned as (``plan_as``: in Israel
a holiday runs like the Sabbath, closed until nightfall, and its eve like a Friday, closing
early) and whether the next working day carries an after-holiday effect (the calls held over).
The kinds' effects on the volume are estimated by the forecast (:mod:`sim.logs.forecast`), not
written in the file.

Built-in calendars live in ``sim/logs/holiday_calendars/`` and are selected by name
(``israel-1999``); a log schema may name its desk's calendar (``holidays:``). Problems are
reported as :class:`~sim.logs.log_schema.LogError` with one line each.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import Field, ValidationError, model_validator

from sim.logs.log_schema import LogError, LogSchema
from sim.scenario import bounded_yaml
from sim.scenario.base import Model
from sim.scenario.desk import WEEKDAYS, Weekday

CALENDAR_DIR = Path(__file__).parent / "holiday_calendars"
"""Built-in holiday calendars: ``<name>.yaml``, selected by name."""


NO_CALENDAR = "none"
"""The calendar name that means: no holidays (every day is its weekday)."""


class HolidayKind(Model):
    """How a kind of holiday is planned."""

    description: str = Field("", description="What such a day is.")
    plan_as: Weekday | None = Field(
        None,
        description="Weekday such a day is planned as (opening hours, intraday profile, roster "
        "and base volume); omit: its own weekday.",
    )
    after_effect: bool = Field(
        False,
        description="The next working day (not in the calendar, not planned as this kind's "
        "weekday) carries an after-holiday effect.",
    )


class HolidayDay(Model):
    """One date in the calendar."""

    date: dt.date = Field(description="The calendar date.")
    kind: str = Field(min_length=1, description="One of the calendar's kinds.")
    name: str = Field("", description="What the day is (e.g. Passover, first day).")


class Covers(Model):
    """The span of dates the calendar is complete for."""

    first: dt.date = Field(description="First date covered.")
    last: dt.date = Field(description="Last date covered.")


class HolidayCalendar(Model):
    """A desk's holidays over a span of dates."""

    name: str = Field(min_length=1, description="Short name of the calendar.")
    description: str = Field("", description="What the calendar is.")
    source: str = Field("", description="Where the dates come from.")
    covers: Covers = Field(description="The span the calendar lists every holiday of.")
    kinds: dict[str, HolidayKind] = Field(default_factory=dict, description="Kinds of days.")
    days: list[HolidayDay] = Field(default_factory=list, description="The dates.")

    @model_validator(mode="after")
    def _consistent(self) -> HolidayCalendar:
        if self.covers.last < self.covers.first:
            raise ValueError(f"covers.last {self.covers.last} is before covers.first")
        seen: set[dt.date] = set()
        for day in self.days:
            if day.kind not in self.kinds:
                raise ValueError(
                    f"{day.date}: kind {day.kind!r} is not one of the kinds "
                    f"({', '.join(self.kinds)})"
                )
            if not self.covers.first <= day.date <= self.covers.last:
                raise ValueError(f"{day.date} is outside covers ({self.label})")
            if day.date in seen:
                raise ValueError(f"{day.date} is listed twice")
            seen.add(day.date)
        return self

    @classmethod
    def none(cls) -> HolidayCalendar:
        """The empty calendar: every day is planned as its own weekday, at any date."""
        return cls(
            name=NO_CALENDAR,
            description="no holidays",
            covers=Covers(first=dt.date.min, last=dt.date.max),
        )

    @property
    def label(self) -> str:
        """``first to last`` of the covered span."""
        return f"{self.covers.first} to {self.covers.last}"

    def kind_on(self, date: dt.date) -> str | None:
        """The kind of holiday on ``date``, or None for an ordinary day."""
        return self._by_date.get(date)

    def planned_as(self, date: dt.date) -> str:
        """The weekday ``date`` is planned as: its kind's ``plan_as``, else its own."""
        kind = self.kind_on(date)
        plan = self.kinds[kind].plan_as if kind is not None else None
        return plan or WEEKDAYS[date.weekday()]

    def after_holiday(self, date: dt.date) -> bool:
        """Whether ``date`` is the first working day after a holiday with an after-effect: not
        in the calendar itself, and the holiday is the day before once the days planned as that
        holiday's weekday (the weekly rest day) are skipped."""
        if self.kind_on(date) is not None:
            return False
        rest = {k.plan_as for k in self.kinds.values() if k.after_effect and k.plan_as}
        if WEEKDAYS[date.weekday()] in rest:
            return False
        before = date - dt.timedelta(days=1)
        while self.kind_on(before) is None and WEEKDAYS[before.weekday()] in rest:
            before -= dt.timedelta(days=1)
        kind = self.kind_on(before)
        return kind is not None and self.kinds[kind].after_effect

    def check_covers(self, first: dt.date, last: dt.date, what: str) -> None:
        """Raise a one-line :class:`LogError` unless ``first``-``last`` lies in the covered span."""
        if first < self.covers.first or last > self.covers.last:
            raise LogError(
                [
                    f"holiday calendar {self.name} covers {self.label}, but {what} runs from "
                    f"{first} to {last}: give a calendar that covers it (--holidays FILE), or "
                    f"--holidays {NO_CALENDAR}"
                ]
            )

    @property
    def _by_date(self) -> dict[dt.date, str]:
        return {d.date: d.kind for d in self.days}


def calendar_presets() -> list[str]:
    """Names of the built-in holiday calendars."""
    return sorted(p.stem for p in CALENDAR_DIR.glob("*.yaml"))


def load_holidays(spec: str | Path | None, schema: LogSchema | None = None) -> HolidayCalendar:
    """A holiday calendar: a preset name (``israel-1999``), a YAML file, ``none`` (no
    holidays), or when ``spec`` is None the calendar the log schema names.

    Raises:
        LogError: No calendar given and none in the schema, a missing or malformed file, or an
            invalid calendar; one line each.
    """
    if spec is None:
        spec = schema.holidays if schema is not None else None
        if spec is None:
            named = f"log schema {schema.name}" if schema is not None else "no log schema"
            raise LogError(
                [
                    f"no holiday calendar: {named} names none; give --holidays FILE (a preset: "
                    f"{', '.join(calendar_presets())}) or --holidays {NO_CALENDAR}"
                ]
            )
    if str(spec) == NO_CALENDAR:
        return HolidayCalendar.none()
    path = Path(spec)
    if path.is_file():
        shown = str(path)
    elif str(spec) in calendar_presets():
        path, shown = CALENDAR_DIR / f"{spec}.yaml", f"{spec}"
    else:
        raise LogError(
            [
                f"{spec}: no such holiday calendar: not a file, and not a preset (presets: "
                f"{', '.join(calendar_presets())})"
            ]
        )
    try:
        data = bounded_yaml.load_file(path, f"holiday calendar {shown}")
    except (OSError, bounded_yaml.YAMLFileError) as exc:
        raise LogError([str(exc)]) from None
    try:
        return HolidayCalendar.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or '(top level)'}: {e['msg']}"
            for e in exc.errors(include_url=False)
        )
        raise LogError([f"holiday calendar {shown}: {problems}"]) from None
