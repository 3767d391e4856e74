"""Log schemas: how an ACD export's columns, time formats and codes map to the workbench's terms.

A :class:`LogSchema` is YAML; built-in presets such as ``anonymous-bank`` live in
``sim/logs/log_schemas/`` and are selected by name (:func:`load_schema`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import Field, ValidationError, model_validator

from sim.scenario import bounded_yaml
from sim.scenario.base import Model
from sim.scenario.errors import InputError


class LogError(InputError):
    """A contact log (or its schema) that cannot be read.

    Attributes:
        problems: One self-contained line per problem: file, line, column, value, what is wrong.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(dict.fromkeys(problems))
        super().__init__("\n".join(self.problems))


class DateColumn(Model):
    """A calendar-date column; the time columns are then times of day on that date."""

    column: str = Field(description="Column holding the date of the arrival.")
    format: str = Field("%Y-%m-%d", description="strptime format of the date, e.g. %y%m%d.")


class TimeColumns(Model):
    """Columns of the call's timestamps."""

    arrival: str = Field(description="When the call reached the desk (asked for an agent).")
    queue_entry: str | None = Field(
        None, description="When the call joined the queue (omit: it queues from arrival)."
    )
    queue_exit: str = Field(description="When the call left the queue, answered or abandoned.")
    service_start: str = Field(description="When an agent started serving the call.")
    service_end: str = Field(description="When the service ended.")


class Outcomes(Model):
    """Outcome codes: which mean served, abandoned, or a record to ignore."""

    column: str = Field(description="Column holding the outcome code.")
    served: list[str] = Field(min_length=1, description="Codes of calls an agent served.")
    abandoned: list[str] = Field(min_length=1, description="Codes of calls the caller abandoned.")
    ignore: dict[str, str] = Field(
        default_factory=dict,
        description="Codes of records that are not real calls → the reason (they are dropped).",
    )

    @model_validator(mode="after")
    def _codes_distinct(self) -> Outcomes:
        groups = {"served": self.served, "abandoned": self.abandoned, "ignore": list(self.ignore)}
        seen: dict[str, str] = {}
        for group, codes in groups.items():
            for code in codes:
                if code in seen:
                    raise ValueError(f"outcome code {code!r} is in both {seen[code]} and {group}")
                seen[code] = group
        return self


class ContactTypes(Model):
    """The contact-type column and the types it documents."""

    column: str | None = Field(None, description="Column holding the type (omit: one type).")
    labels: dict[str, str] = Field(
        default_factory=dict,
        description="Documented type code → name to use in scenarios (e.g. PS: regular).",
    )
    unknown_as: str | None = Field(
        None,
        description=(
            "Code given to types not in labels (each counted in the cleaning report); omit to "
            "keep undocumented codes as they are."
        ),
    )


class Agents(Model):
    """The agent column and its special values."""

    column: str | None = Field(None, description="Column holding the agent's id or name.")
    none: list[str] = Field(
        default_factory=list, description="Values meaning no agent was recorded (NO_SERVER)."
    )
    corrections: dict[str, str] = Field(
        default_factory=dict, description="Corrupted value → the agent it stands for."
    )


class Cleaning(Model):
    """Thresholds of the cleaning rules."""

    max_service_s: float | None = Field(
        3600.0,
        gt=0.0,
        description="Longer services are truncated to this (null: no truncation).",
    )
    short_service_s: float = Field(
        10.0, ge=0.0, description="Services shorter than this are flagged (not dropped)."
    )


class LogSchema(Model):
    """How to read one desk's contact-log export."""

    name: str = Field(min_length=1, description="Short name of the schema.")
    description: str = Field("", description="What the log is.")
    source: str = Field("", description="Where the data comes from, to cite with results.")
    credit: str = Field(
        "", description="Short credit for the source line of charts (e.g. the data set's name)."
    )
    separator: str = Field(",", min_length=1, description="Field separator (\\t for TSV).")
    date: DateColumn | None = Field(
        None, description="Date column, when the time columns hold times of day."
    )
    time_format: str = Field(
        "%Y-%m-%d %H:%M:%S",
        description="strptime format of the time columns (a time of day when date is given).",
    )
    unset_times: list[str] = Field(
        default_factory=list,
        description="Values meaning the step did not happen (e.g. 0:00:00); empty cells too.",
    )
    times: TimeColumns = Field(description="Timestamp columns.")
    outcome: Outcomes = Field(description="Outcome column and codes.")
    contact_type: ContactTypes = Field(default_factory=ContactTypes, description="Contact types.")
    agent: Agents = Field(default_factory=Agents, description="Agent column.")
    priority: str | None = Field(None, description="Column of the caller's priority (integers).")
    cleaning: Cleaning = Field(default_factory=Cleaning, description="Cleaning thresholds.")
    holidays: str | None = Field(
        None,
        description="The desk's holiday calendar for forecasts: a preset name "
        "(sim/logs/holiday_calendars/), a YAML file, or none.",
    )

    def columns(self) -> dict[str, str]:
        """Every column the schema reads → the schema field naming it."""
        named = {
            f"times.{key}": value for key, value in self.times.model_dump().items() if value
        } | {
            "date.column": self.date.column if self.date else None,
            "outcome.column": self.outcome.column,
            "contact_type.column": self.contact_type.column,
            "agent.column": self.agent.column,
            "priority": self.priority,
        }
        return {column: where for where, column in named.items() if column}


PRESET_DIR = Path(__file__).parent / "log_schemas"
"""Built-in schemas: ``<name>.yaml``, selected by name."""


def presets() -> list[str]:
    """Names of the built-in log schemas."""
    return sorted(p.stem for p in PRESET_DIR.glob("*.yaml"))


def load_schema(spec: str | Path) -> LogSchema:
    """A log schema from a preset name (``anonymous-bank``) or a YAML file path.

    Raises:
        LogError: The file is missing or malformed, or the schema is invalid (one line per field).
    """
    path = Path(spec)
    if not path.is_file():
        if path.suffix in (".yaml", ".yml") or len(path.parts) > 1:
            raise LogError([f"{spec}: schema file not found"])
        if str(spec) not in presets():
            raise LogError(
                [
                    f"{spec}: no such log schema: not a file, and not a preset "
                    f"(presets: {', '.join(presets())})"
                ]
            )
        path, shown = PRESET_DIR / f"{spec}.yaml", f"preset {spec}"
    else:
        shown = str(path)
    try:
        data = bounded_yaml.load_file(path, shown)
    except (OSError, bounded_yaml.YAMLFileError) as exc:
        raise LogError([str(exc)]) from None
    try:
        return LogSchema.model_validate(data)
    except ValidationError as exc:
        raise LogError(
            [
                f"{shown}: {'.'.join(map(str, e['loc'])) or '(top level)'}: {e['msg']}"
                for e in exc.errors(include_url=False)
            ]
        ) from None
