"""Contact logs: a real desk's call records, read into a tidy table with every quirk counted.

An ACD (automatic call distributor) export has one row per call: when it arrived, when it joined
and left the queue, how it ended (answered or abandoned), when service started and ended, the
agent who took it, its type and priority. Column names, time formats and outcome codes differ
from desk to desk, so a :class:`LogSchema` (YAML; built-in presets such as ``anonymous-bank`` live
in ``sim/logs/log_schemas/``) maps an export to the workbench's terms without code.

:func:`read_logs` returns the cleaned records (:class:`CleanLog`): one row per call that reached
the desk, with columns

* ``source``, ``line`` — the file and its line number (the header is line 1);
* ``date`` — midnight of the arrival day; ``arrival`` — the arrival instant;
* ``queued`` — whether the call joined the queue; ``wait_s`` — seconds from queue entry to queue
  exit (0 when it did not queue);
* ``outcome`` — ``served`` or ``abandoned``;
* ``service_start``, ``service_end``, ``service_s`` — service times (NaT/NaN when abandoned or not
  recorded), ``service_s`` truncated at ``cleaning.max_service_s``; ``short_service`` flags
  services under ``cleaning.short_service_s``;
* ``type``, ``agent`` (``<NA>`` when none is recorded), ``priority`` (``<NA>`` without a column).

Real logs are messy. Rows that cannot be read — a missing column, an unparseable time, an outcome
code the schema does not know, a queue exit before the queue entry — stop the reading with a
:class:`LogError` listing each problem with file, line and value. Known quirks are handled
explicitly, and each is counted in the :class:`CleaningReport`: nothing is dropped or changed
silently. For the Anonymous Bank data (Technion SEE lab; Brown et al. 2005, JASA) those are virtual
``PHANTOM`` calls (dropped), times past midnight (read as the next day), services over an hour
(truncated at 3,600 s, as Brown et al. do), served calls without an agent (``NO_SERVER``) or
without service times, services under 10 s (flagged: mostly agents hanging up on callers),
corrupted agent names, abandoned calls with service times, callers who hung up before reaching
the queue, and the undocumented type ``AA``.

pandas is used here (and in :mod:`sim.logs.calibrate`) because these are data-preparation tools; the
simulation model itself does not import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.logs.log_schema import LogError, LogSchema, load_schema

EXAMPLES_PER_PROBLEM = 5
"""Rows quoted per kind of problem in a :class:`LogError`; the rest are counted."""


MIDNIGHT_ROLL_S = 12 * 3600
"""A time of day more than this much earlier than the time before it is read as the next day."""


SERVED, ABANDONED = "served", "abandoned"


@dataclass(frozen=True)
class CleaningReport:
    """What reading the log did to it, rule by rule (counts of records).

    Attributes:
        files: The files read.
        rows_read: Data rows in the files.
        ignored: Outcome code → rows dropped as not real calls (e.g. PHANTOM).
        ignore_reasons: Outcome code → why it is ignored (from the schema).
        past_midnight: Records with a time after midnight of the arrival day, read as next day.
        read_as_midnight: Records whose "not reached" marker (0:00:00) was read as midnight,
            because the other end of the same wait or service was recorded near midnight.
        queue_before_arrival: Records joining the queue before their arrival time (clock skew;
            kept, the wait runs from queue entry).
        service_truncated: Services longer than ``max_service_s``, truncated to it.
        served_without_agent: Served calls whose agent is recorded as none (kept; agent unknown).
        served_without_service_times: Served calls without service times (service_s is NaN).
        short_services: Services shorter than ``short_service_s`` (flagged, kept).
        agents_corrected: ``"corrupt → agent"`` → records whose agent name was corrected.
        abandoned_with_service: Abandoned calls with service times (service times ignored).
        abandoned_before_queue: Abandoned calls that never joined the queue (kept, wait 0).
        unknown_types: Undocumented type code → records relabelled ``unknown_as``.
        served: Served records kept.
        abandoned: Abandoned records kept.
        max_service_s: The truncation threshold (None: no truncation).
        short_service_s: The short-service threshold.
        unknown_as: The code undocumented types were relabelled to.
    """

    files: list[str]
    rows_read: int
    ignored: dict[str, int]
    ignore_reasons: dict[str, str]
    past_midnight: int
    read_as_midnight: int
    queue_before_arrival: int
    service_truncated: int
    served_without_agent: int
    served_without_service_times: int
    short_services: int
    agents_corrected: dict[str, int]
    abandoned_with_service: int
    abandoned_before_queue: int
    unknown_types: dict[str, int]
    served: int
    abandoned: int
    max_service_s: float | None
    short_service_s: float
    unknown_as: str | None

    @property
    def records(self) -> int:
        """Records kept (served and abandoned)."""
        return self.served + self.abandoned

    def rules(self) -> list[tuple[str, str, int]]:
        """``(action, rule, records)`` for every rule, in the order applied."""
        out = [
            ("dropped", f"outcome {code}: {self.ignore_reasons.get(code, 'ignored')}", n)
            for code, n in self.ignored.items()
        ]
        out.append(("fixed", "times past midnight, read as the next day", self.past_midnight))
        out.append(
            (
                "fixed",
                "'not reached' marker read as midnight (other end recorded near midnight)",
                self.read_as_midnight,
            )
        )
        out.append(
            (
                "kept",
                "queue entry before arrival (clock skew; wait from queue entry)",
                self.queue_before_arrival,
            )
        )
        if self.max_service_s is not None:
            out.append(
                (
                    "truncated",
                    f"services over {self.max_service_s:g} s, cut to {self.max_service_s:g} s",
                    self.service_truncated,
                )
            )
        out += [
            (
                "flagged",
                f"services under {self.short_service_s:g} s (kept; short_service)",
                self.short_services,
            ),
            ("kept", "served calls with no agent recorded", self.served_without_agent),
            (
                "kept",
                "served calls without service times (service_s empty)",
                self.served_without_service_times,
            ),
        ]
        out += [
            ("fixed", f"corrupted agent name {name}", n)
            for name, n in self.agents_corrected.items()
        ]
        out += [
            (
                "kept",
                "abandoned calls with service times (service ignored)",
                self.abandoned_with_service,
            ),
            (
                "kept",
                "abandoned before reaching the queue (queued = False, wait 0)",
                self.abandoned_before_queue,
            ),
        ]
        out += [
            ("relabelled", f"undocumented type {code} → {self.unknown_as}", n)
            for code, n in self.unknown_types.items()
        ]
        return out

    def describe(self) -> str:
        """The report as text: totals, then one line per rule with its count and its share of
        the rows read."""
        files = ", ".join(Path(f).name for f in self.files)
        lines = [
            f"Cleaning report: {self.rows_read:,} rows read from {files}; {self.records:,} calls "
            f"kept ({self.served:,} served, {self.abandoned:,} abandoned)"
        ]
        width = max(len(rule) for _, rule, _ in self.rules())
        for action, rule, n in self.rules():
            share = f"{n / self.rows_read:6.1%}" if self.rows_read else ""
            lines.append(f"  {action:<10} {rule:<{width}} {n:>8,} {share}")
        return "\n".join(lines)


@dataclass(frozen=True)
class CleanLog:
    """Cleaned call records, the report of how they were cleaned, and the schema used."""

    records: pd.DataFrame
    report: CleaningReport
    schema: LogSchema


def read_logs(paths: Sequence[str | Path], schema: LogSchema | str | Path) -> CleanLog:
    """Read and clean one or more contact-log files (plain or compressed, e.g. ``.gz``).

    Args:
        paths: The log files (e.g. one per month), read as one log.
        schema: A :class:`LogSchema`, a preset name or a schema file.

    Returns:
        The records sorted by arrival, with the cleaning report.

    Raises:
        LogError: With every problem found (missing files or columns, unknown outcome codes,
            unparseable or impossible times), one line each.
    """
    if not isinstance(schema, LogSchema):
        schema = load_schema(schema)
    if not paths:
        raise LogError(["no log files given"])
    raw = pd.concat([_read_file(Path(p), schema) for p in paths], ignore_index=True)
    reader = _Cleaner(raw, schema, [str(p) for p in paths])
    return reader.clean()


def _read_file(path: Path, schema: LogSchema) -> pd.DataFrame:
    """The file's rows as text, with ``source`` and ``line`` columns."""
    try:
        frame = pd.read_csv(
            path,
            sep=schema.separator,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
        )
    except FileNotFoundError:
        raise LogError([f"{path}: file not found"]) from None
    except (OSError, ValueError, pd.errors.ParserError, EOFError) as exc:
        raise LogError([f"{path}: cannot read the file ({exc})".replace("\n", " ")]) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [col for col in schema.columns() if col not in frame.columns]
    if missing:
        wanted = schema.columns()
        names = ", ".join(f"{col!r} (schema {schema.name}: {wanted[col]})" for col in missing)
        raise LogError(
            [f"{path}: missing column(s) {names}; the file has: {', '.join(frame.columns)}"]
        )
    frame = frame[list(schema.columns())].apply(lambda s: s.str.strip())
    frame["line"] = np.arange(len(frame)) + 2
    frame["source"] = str(path)
    blank = (frame[list(schema.columns())] == "").all(axis=1)
    return frame[~blank.to_numpy()].reset_index(drop=True)


class _Cleaner:
    """Turns the raw text rows into typed records, collecting problems and rule counts."""

    def __init__(self, raw: pd.DataFrame, schema: LogSchema, files: list[str]) -> None:
        self.raw = raw
        self.schema = schema
        self.files = files
        self.problems: list[str] = []

    def problem(self, mask: np.ndarray, describe: str, column: str | None = None) -> None:
        """Report the rows in ``mask``: the first few with file, line and value."""
        rows = np.flatnonzero(mask)
        for i in rows[:EXAMPLES_PER_PROBLEM]:
            where = f"{self.raw['source'].iat[i]}:{self.raw['line'].iat[i]}"
            value = f" {self.raw[column].iat[i]!r}" if column else ""
            self.problems.append(f"{where}: {describe}{value}")
        if len(rows) > EXAMPLES_PER_PROBLEM:
            self.problems.append(
                f"... and {len(rows) - EXAMPLES_PER_PROBLEM:,} more rows: {describe}"
            )

    def fail_if_problems(self) -> None:
        """Stop with every problem found so far."""
        if self.problems:
            raise LogError(self.problems)

    def clean(self) -> CleanLog:
        """Apply the schema and the cleaning rules; raise LogError on unreadable rows."""
        s = self.schema
        rows_read = len(self.raw)
        outcome = self._outcomes()
        ignored_rows = outcome == "ignore"
        counts = self.raw.loc[ignored_rows, s.outcome.column].value_counts()
        ignored = {code: int(counts.get(code, 0)) for code in s.outcome.ignore}
        self.raw = self.raw[~ignored_rows].reset_index(drop=True)
        outcome = outcome[~ignored_rows]
        times, past_midnight, at_midnight = self._times()
        skewed = self._check_order(times)
        served = outcome == SERVED
        abandoned = ~served

        queued = (times["queue_exit"].notna() & times["queue_entry"].notna()).to_numpy()
        wait_s = (times["queue_exit"] - times["queue_entry"]).dt.total_seconds().to_numpy()
        wait_s = np.where(queued, wait_s, 0.0)

        has_service = (times["service_start"].notna() & times["service_end"].notna()).to_numpy()
        service_s = (times["service_end"] - times["service_start"]).dt.total_seconds().to_numpy()
        service_s = np.where(served & has_service, service_s, np.nan)
        limit = s.cleaning.max_service_s
        truncated = service_s > limit if limit is not None else np.zeros(len(served), bool)
        if limit is not None:
            service_s = np.where(truncated, limit, service_s)
        short = service_s < s.cleaning.short_service_s

        agent, no_agent, corrected = self._agents(served)
        types, unknown_types = self._types()
        priority = self._priority()

        arrival = times["arrival"]
        records = pd.DataFrame(
            {
                "source": pd.Categorical(self.raw["source"]),
                "line": self.raw["line"].to_numpy(),
                "date": arrival.dt.normalize(),
                "arrival": arrival,
                "queued": queued,
                "wait_s": wait_s,
                "outcome": pd.Categorical(
                    np.where(served, SERVED, ABANDONED), categories=[SERVED, ABANDONED]
                ),
                "service_start": times["service_start"].where(served),
                "service_end": times["service_end"].where(served),
                "service_s": service_s,
                "short_service": short,
                "type": types,
                "agent": agent,
                "priority": priority,
            }
        )
        records = records.sort_values("arrival", kind="stable").reset_index(drop=True)
        report = CleaningReport(
            files=self.files,
            rows_read=rows_read,
            ignored=ignored,
            ignore_reasons=dict(s.outcome.ignore),
            past_midnight=past_midnight,
            read_as_midnight=at_midnight,
            queue_before_arrival=skewed,
            service_truncated=int(truncated.sum()),
            served_without_agent=int((served & no_agent).sum()),
            served_without_service_times=int((served & ~has_service).sum()),
            short_services=int(short.sum()),
            agents_corrected=corrected,
            abandoned_with_service=int((abandoned & has_service).sum()),
            abandoned_before_queue=int((abandoned & ~queued).sum()),
            unknown_types=unknown_types,
            served=int(served.sum()),
            abandoned=int(abandoned.sum()),
            max_service_s=limit,
            short_service_s=s.cleaning.short_service_s,
            unknown_as=s.contact_type.unknown_as,
        )
        return CleanLog(records=records, report=report, schema=s)

    def _outcomes(self) -> np.ndarray:
        """``served`` / ``abandoned`` / ``ignore`` per row; unknown codes are problems."""
        o = self.schema.outcome
        codes = self.raw[o.column]
        mapping = dict.fromkeys(o.served, SERVED) | dict.fromkeys(o.abandoned, ABANDONED)
        mapping |= dict.fromkeys(o.ignore, "ignore")
        mapped = codes.map(mapping)
        unknown = mapped.isna().to_numpy()
        if unknown.any():
            known = ", ".join([*o.served, *o.abandoned, *o.ignore])
            for code in pd.unique(codes[unknown]):
                self.problem(
                    (codes == code).to_numpy(),
                    f"column {o.column}: outcome code not in the schema (known: {known}):",
                    o.column,
                )
        self.fail_if_problems()
        return mapped.to_numpy(dtype=object)

    def _parse(self, column: str, fmt: str, what: str) -> tuple[pd.Series, pd.Series]:
        """Parse a column with ``fmt``: the values (NaT where unset) and the values as written
        (unset markers that read as a time, such as ``0:00:00``, kept). Unparseable values are
        problems."""
        text = self.raw[column]
        unset = text.isin(["", *self.schema.unset_times]).to_numpy()
        codes, uniques = pd.factorize(text)
        parsed = pd.to_datetime(pd.Series(uniques), format=fmt, errors="coerce").to_numpy()
        literal = pd.Series(parsed[codes], index=text.index)
        bad = literal.isna().to_numpy() & ~unset
        self.problem(bad, f"column {column}: unparseable {what} (expected {fmt}):", column)
        return literal.where(~unset), literal

    def _times(self) -> tuple[pd.DataFrame, int, int]:
        """Absolute timestamps of every step; records read past midnight; unset markers read as
        midnight."""
        s = self.schema
        cols = {step: col for step, col in s.times.model_dump().items() if col}
        what = "time" if s.date is None else "time of day"
        parsed = {step: self._parse(col, s.time_format, what) for step, col in cols.items()}
        day = self._parse(s.date.column, s.date.format, "date")[0] if s.date else None
        self.fail_if_problems()
        if day is None:
            times = pd.DataFrame({step: values for step, (values, _) in parsed.items()})
            rolled = at_midnight = 0
        else:
            times, rolled, at_midnight = self._on_dates(day, parsed)
        if "queue_entry" not in times:
            times["queue_entry"] = times["arrival"]
        col = s.times.arrival
        self.problem(times["arrival"].isna().to_numpy(), f"column {col}: no arrival time:", col)
        self.fail_if_problems()
        return times, rolled, at_midnight

    def _on_dates(
        self, day: pd.Series, parsed: dict[str, tuple[pd.Series, pd.Series]]
    ) -> tuple[pd.DataFrame, int, int]:
        """Times of day placed on the arrival date.

        A log that writes ``0:00:00`` for a step that did not happen cannot tell it from a step
        at midnight: when the other end of the queue wait or service is recorded within an hour of
        midnight, the marker is read as midnight. A time more than 12 h earlier than the step
        before it is read as the next day.
        """
        offset = {step: values - values.dt.normalize() for step, (values, _) in parsed.items()}
        literal = {step: written - written.dt.normalize() for step, (_, written) in parsed.items()}
        hour = pd.Timedelta(hours=1)
        at_midnight = np.zeros(len(day), dtype=bool)
        for start, end in (("queue_entry", "queue_exit"), ("service_start", "service_end")):
            if start not in offset:
                continue
            for one, other in ((start, end), (end, start)):
                near = (offset[other] < hour) | (offset[other] > pd.Timedelta(hours=23))
                fix = (offset[one].isna() & literal[one].notna() & near).to_numpy()
                offset[one] = offset[one].where(~fix, literal[one])
                at_midnight |= fix
        times = pd.DataFrame(index=day.index)
        rolled = np.zeros(len(day), dtype=bool)
        follows = {"queue_entry": "arrival", "queue_exit": "queue_entry"}
        follows |= {"service_start": "arrival", "service_end": "service_start"}
        for step in ("arrival", "queue_entry", "queue_exit", "service_start", "service_end"):
            if step not in offset:
                continue
            t = day + offset[step]
            if step != "arrival":
                before = times[follows[step] if follows[step] in times else "arrival"]
                late = (t < before - pd.Timedelta(seconds=MIDNIGHT_ROLL_S)).to_numpy()
                t = t.where(~late, t + pd.Timedelta(days=1))
                rolled |= late
            times[step] = t
        return times, int(rolled.sum()), int(at_midnight.sum())

    def _check_order(self, times: pd.DataFrame) -> int:
        """Impossible records (a queue exit before the queue entry, a service end before its
        start, a wait with one end only) are problems; returns the count of queue entries before
        the arrival (clock skew between the log's systems, harmless: the wait is measured from
        queue entry)."""
        c = self.schema.times
        column = c.model_dump() | {"queue_entry": c.queue_entry or c.arrival}
        one_end = (times["queue_entry"].isna() != times["queue_exit"].isna()).to_numpy()
        self.problem(
            one_end,
            f"columns {column['queue_entry']}/{c.queue_exit}: impossible record: the queue wait "
            "has only one end recorded",
        )
        for later, earlier in (("queue_exit", "queue_entry"), ("service_end", "service_start")):
            rows = np.flatnonzero((times[later] < times[earlier]).to_numpy())
            for i in rows[:EXAMPLES_PER_PROBLEM]:
                self.problems.append(
                    f"{self.raw['source'].iat[i]}:{self.raw['line'].iat[i]}: impossible record: "
                    f"{column[later]} {self.raw[column[later]].iat[i]!r} is before "
                    f"{column[earlier]} {self.raw[column[earlier]].iat[i]!r}"
                )
            if len(rows) > EXAMPLES_PER_PROBLEM:
                self.problems.append(
                    f"... and {len(rows) - EXAMPLES_PER_PROBLEM:,} more rows with "
                    f"{column[later]} before {column[earlier]}"
                )
        self.fail_if_problems()
        return int((times["queue_entry"] < times["arrival"]).sum())

    def _agents(self, served: np.ndarray) -> tuple[pd.Series, np.ndarray, dict[str, int]]:
        """Agent per record (NA for none), the no-agent mask, corrections made."""
        a = self.schema.agent
        if a.column is None:
            return (
                pd.Series(pd.NA, index=self.raw.index, dtype="string"),
                np.ones(len(self.raw), bool),
                {},
            )
        names = self.raw[a.column]
        corrected = {
            f"{bad} → {good}": int(n)
            for bad, good in a.corrections.items()
            if (n := (names == bad).sum())
        }
        names = names.replace(a.corrections)
        no_agent = names.isin(["", *a.none]).to_numpy()
        agent = names.astype("string").where(~no_agent & served)
        return agent, no_agent, corrected

    def _types(self) -> tuple[pd.Categorical, dict[str, int]]:
        """Contact type per record, and the undocumented codes relabelled."""
        t = self.schema.contact_type
        if t.column is None:
            return pd.Categorical(["call"] * len(self.raw)), {}
        codes = self.raw[t.column]
        unknown: dict[str, int] = {}
        if t.unknown_as is not None:
            strange = ~codes.isin(list(t.labels))
            unknown = {code: int(n) for code, n in codes[strange].value_counts().items()}
            codes = codes.where(~strange, t.unknown_as)
        return pd.Categorical(codes), unknown

    def _priority(self) -> pd.Series:
        col = self.schema.priority
        if col is None:
            return pd.Series(pd.NA, index=self.raw.index, dtype="Int64")
        text = self.raw[col]
        values = pd.to_numeric(text.where(text != ""), errors="coerce")
        bad = (values.isna() | (values != values.round())).to_numpy() & (text != "").to_numpy()
        self.problem(bad, f"column {col}: priority is not a whole number:", col)
        self.fail_if_problems()
        return values.astype("Int64")
