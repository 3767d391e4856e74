"""Reading contact logs: schema presets and files, clear errors (file, line, value), and every
cleaning rule applied and counted on a tiny handmade log in the Anonymous Bank format."""

from __future__ import annotations

import gzip
import math
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from sim.logs.contact_log import read_logs
from sim.logs.log_schema import LogError, LogSchema, load_schema, presets

COLUMNS = [
    "vru+line",
    "call_id",
    "customer_id",
    "priority",
    "type",
    "date",
    "vru_entry",
    "vru_exit",
    "vru_time",
    "q_start",
    "q_exit",
    "q_time",
    "outcome",
    "ser_start",
    "ser_exit",
    "ser_time",
    "server",
]

NORMAL = {
    "vru+line": "AA0101",
    "call_id": "1",
    "customer_id": "0",
    "priority": "2",
    "type": "PS",
    "date": "990503",
    "vru_entry": "10:00:00",
    "vru_exit": "10:00:10",
    "vru_time": "10",
    "q_start": "10:00:10",
    "q_exit": "10:01:10",
    "q_time": "60",
    "outcome": "AGENT",
    "ser_start": "10:01:10",
    "ser_exit": "10:04:10",
    "ser_time": "180",
    "server": "SHARON",
}
"""A Monday call that waited 60 s and was served for 180 s."""

NOT_QUEUED = {"q_start": "0:00:00", "q_exit": "0:00:00", "q_time": "0"}
NOT_SERVED = {"ser_start": "0:00:00", "ser_exit": "0:00:00", "ser_time": "0"}

QUIRKS = {
    "normal": {},
    "phantom": {"outcome": "PHANTOM", "server": "NO_SERVER"},
    "long service": {"ser_exit": "11:31:10", "ser_time": "5400"},
    "agent without server": {"server": "NO_SERVER", "ser_exit": "10:01:16", "ser_time": "6"},
    "short service": {"ser_exit": "10:01:15", "ser_time": "5"},
    "corrupted name": {"server": "NO_SERVERAMA"},
    "hang with service": {"outcome": "HANG", "server": "NO_SERVER", "ser_time": "180"},
    "past midnight": {
        "vru_entry": "23:58:00",
        "vru_exit": "23:58:10",
        "q_start": "23:58:10",
        "q_exit": "23:59:10",
        "ser_start": "23:59:10",
        "ser_exit": "0:02:10",
    },
    "undocumented type": {"type": "AA", "outcome": "HANG", **NOT_QUEUED, **NOT_SERVED},
    "hang before queue": {"outcome": "HANG", "server": "NO_SERVER", **NOT_QUEUED, **NOT_SERVED},
    "queue at midnight": {
        "vru_entry": "23:59:50",
        "vru_exit": "23:59:54",
        "q_start": "0:00:00",
        "q_exit": "0:00:27",
        "ser_start": "0:00:27",
        "ser_exit": "0:01:30",
    },
    "clock skew": {"q_start": "10:00:05"},
    "served without times": {**NOT_SERVED},
    "answered at once": {**NOT_QUEUED, "ser_start": "10:00:10", "ser_exit": "10:03:10"},
}
"""One row per quirk (changes to NORMAL); its line in the file is its position + 2."""

LINE = {name: i + 2 for i, name in enumerate(QUIRKS)}


def write_log(path: Path, rows: list[dict[str, str]], columns: list[str] = COLUMNS) -> Path:
    """A gzipped tab-separated log with a header line."""
    lines = ["\t".join(columns)] + ["\t".join(row[c] for c in columns) for row in rows]
    with gzip.open(path, "wt", encoding="ascii") as f:
        f.write("\n".join(lines) + "\n")
    return path


@pytest.fixture
def quirky_log(tmp_path: Path) -> Path:
    return write_log(tmp_path / "quirks.txt.gz", [NORMAL | change for change in QUIRKS.values()])


def by_line(records: pd.DataFrame, name: str) -> pd.Series:
    """The cleaned record that came from the row of quirk ``name``."""
    row = records[records["line"] == LINE[name]]
    assert len(row) == 1, name
    return row.iloc[0]


def test_presets_include_the_anonymous_bank() -> None:
    assert "anonymous-bank" in presets()
    schema = load_schema("anonymous-bank")
    assert schema.times.arrival == "vru_exit"
    assert schema.outcome.ignore.keys() == {"PHANTOM"}


def test_every_cleaning_rule_is_applied_and_counted(quirky_log: Path) -> None:
    log = read_logs([quirky_log], "anonymous-bank")
    report, records = log.report, log.records
    assert report.rows_read == len(QUIRKS)
    assert report.ignored == {"PHANTOM": 1}
    assert len(records) == len(QUIRKS) - 1 == report.records
    assert report.past_midnight == 2  # "past midnight" and "queue at midnight"
    assert report.read_as_midnight == 1
    assert report.queue_before_arrival == 1  # "clock skew" joins the queue 5 s before arriving
    assert report.service_truncated == 1
    assert report.served_without_agent == 1
    assert report.served_without_service_times == 1
    assert report.short_services == 2  # "short service" and "agent without server"
    assert report.agents_corrected == {"NO_SERVERAMA → NAAMA": 1}
    assert report.abandoned_with_service == 1
    assert report.abandoned_before_queue == 2  # "undocumented type" and "hang before queue"
    assert report.unknown_types == {"AA": 1}
    assert report.abandoned == 3
    assert report.served == len(QUIRKS) - 1 - 3

    text = report.describe()
    for fragment in ("PHANTOM", "past midnight", "3600 s", "under 10 s", "NO_SERVERAMA → NAAMA"):
        assert fragment in text
    assert f"{report.rows_read:,} rows read" in text


def test_cleaned_values(quirky_log: Path) -> None:
    records = read_logs([quirky_log], "anonymous-bank").records
    normal = by_line(records, "normal")
    assert normal["arrival"] == pd.Timestamp("1999-05-03 10:00:10")
    assert normal["date"] == pd.Timestamp("1999-05-03")
    assert (normal["wait_s"], normal["service_s"]) == (60.0, 180.0)
    assert (normal["outcome"], normal["type"], normal["agent"]) == ("served", "PS", "SHARON")
    assert normal["priority"] == 2 and normal["queued"] and not normal["short_service"]

    assert by_line(records, "long service")["service_s"] == 3600.0
    assert by_line(records, "short service")["short_service"]
    assert pd.isna(by_line(records, "agent without server")["agent"])
    assert by_line(records, "corrupted name")["agent"] == "NAAMA"
    hang = by_line(records, "hang with service")
    assert hang["outcome"] == "abandoned" and math.isnan(hang["service_s"])
    late = by_line(records, "past midnight")
    assert late["service_end"] == pd.Timestamp("1999-05-04 00:02:10")
    assert late["service_s"] == 180.0
    midnight = by_line(records, "queue at midnight")
    assert midnight["wait_s"] == 27.0 and midnight["service_s"] == 63.0
    assert by_line(records, "undocumented type")["type"] == "other"
    before = by_line(records, "hang before queue")
    assert not before["queued"] and before["wait_s"] == 0.0
    assert by_line(records, "clock skew")["wait_s"] == 65.0
    assert math.isnan(by_line(records, "served without times")["service_s"])
    at_once = by_line(records, "answered at once")
    assert not at_once["queued"] and at_once["outcome"] == "served" and at_once["wait_s"] == 0
    assert records["arrival"].is_monotonic_increasing


def test_several_files_read_as_one(tmp_path: Path) -> None:
    a = write_log(tmp_path / "a.txt.gz", [NORMAL])
    b = write_log(tmp_path / "b.txt.gz", [NORMAL | {"date": "990502"}, NORMAL])
    log = read_logs([a, b], "anonymous-bank")
    assert log.report.rows_read == 3
    assert log.records["source"].iloc[0] == str(b)  # the earlier call comes first


def test_missing_column_names_file_and_column(tmp_path: Path) -> None:
    path = write_log(tmp_path / "x.txt.gz", [NORMAL], [c for c in COLUMNS if c != "q_exit"])
    with pytest.raises(LogError) as err:
        read_logs([path], "anonymous-bank")
    message = str(err.value)
    assert str(path) in message
    assert "'q_exit' (schema anonymous-bank: times.queue_exit)" in message


def test_unparseable_time_gives_line_and_value(tmp_path: Path) -> None:
    path = write_log(tmp_path / "x.txt.gz", [NORMAL, NORMAL | {"q_exit": "10:61:00"}])
    with pytest.raises(LogError) as err:
        read_logs([path], "anonymous-bank")
    assert err.value.problems == [
        f"{path}:3: column q_exit: unparseable time of day (expected %H:%M:%S): '10:61:00'"
    ]


def test_many_bad_rows_are_summarised(tmp_path: Path) -> None:
    path = write_log(tmp_path / "x.txt.gz", [NORMAL | {"date": "99-05-03"}] * 8)
    with pytest.raises(LogError) as err:
        read_logs([path], "anonymous-bank")
    assert len(err.value.problems) == 6
    assert err.value.problems[-1].startswith("... and 3 more rows: column date: unparseable date")


def test_exit_before_entry_is_impossible(tmp_path: Path) -> None:
    path = write_log(
        tmp_path / "x.txt.gz",
        [NORMAL, NORMAL, NORMAL | {"q_start": "10:02:00", "q_exit": "10:01:10"}],
    )
    with pytest.raises(LogError) as err:
        read_logs([path], "anonymous-bank")
    assert err.value.problems == [
        f"{path}:4: impossible record: q_exit '10:01:10' is before q_start '10:02:00'"
    ]


def test_service_end_before_start_is_impossible(tmp_path: Path) -> None:
    path = write_log(tmp_path / "x.txt.gz", [NORMAL | {"ser_exit": "10:01:00"}])
    with pytest.raises(LogError, match=r":2: impossible record: ser_exit '10:01:00' is before"):
        read_logs([path], "anonymous-bank")


def test_queue_wait_with_one_end_is_impossible(tmp_path: Path) -> None:
    path = write_log(tmp_path / "x.txt.gz", [NORMAL | {"q_exit": "0:00:00"}])
    with pytest.raises(LogError, match=r":2: columns q_start/q_exit: impossible record"):
        read_logs([path], "anonymous-bank")


def test_unknown_outcome_and_bad_priority(tmp_path: Path) -> None:
    path = write_log(
        tmp_path / "x.txt.gz", [NORMAL | {"outcome": "TRANSFER"}, NORMAL | {"priority": "x"}]
    )
    with pytest.raises(LogError) as err:
        read_logs([path], "anonymous-bank")
    assert err.value.problems == [
        f"{path}:2: column outcome: outcome code not in the schema (known: AGENT, HANG, "
        "PHANTOM): 'TRANSFER'"
    ]
    path = write_log(tmp_path / "y.txt.gz", [NORMAL | {"priority": "high"}])
    with pytest.raises(LogError, match=r"y.txt.gz:2: column priority: .*: 'high'"):
        read_logs([path], "anonymous-bank")


def test_missing_file_and_unknown_schema(tmp_path: Path) -> None:
    with pytest.raises(LogError, match=r"nope\.txt: file not found"):
        read_logs([tmp_path / "nope.txt"], "anonymous-bank")
    with pytest.raises(LogError, match=r"no such log schema.*presets: anonymous-bank"):
        load_schema("no-such-bank")
    with pytest.raises(LogError, match="schema file not found"):
        load_schema(tmp_path / "schema.yaml")


def test_invalid_schema_file_lists_each_problem(tmp_path: Path) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            name: mine
            times: {arrival: a, queue_exit: b, service_start: c}
            outcome: {column: o, served: [OK], abandoned: [OK]}
            colour: blue
            """
        )
    )
    with pytest.raises(LogError) as err:
        load_schema(path)
    problems = "\n".join(err.value.problems)
    assert f"{path}: times.service_end: Field required" in problems
    assert "outcome code 'OK' is in both served and abandoned" in problems
    assert f"{path}: colour: Extra inputs are not permitted" in problems


def test_a_custom_schema_with_full_timestamps(tmp_path: Path) -> None:
    """A CSV export with date-times, no queue-entry column and no agent, type or priority."""
    schema = LogSchema.model_validate(
        {
            "name": "csv-desk",
            "time_format": "%Y-%m-%dT%H:%M:%S",
            "times": {
                "arrival": "offered",
                "queue_exit": "left_queue",
                "service_start": "answered",
                "service_end": "ended",
            },
            "outcome": {"column": "result", "served": ["answered"], "abandoned": ["lost"]},
        }
    )
    path = tmp_path / "desk.csv"
    path.write_text(
        "offered,left_queue,answered,ended,result\n"
        "2027-01-04T09:00:00,2027-01-04T09:00:30,2027-01-04T09:00:30,2027-01-04T09:05:30,answered\n"
        "2027-01-04T09:01:00,2027-01-04T09:03:00,,,lost\n"
    )
    records = read_logs([path], schema).records
    assert records["wait_s"].tolist() == [30.0, 120.0]
    assert records["service_s"].iloc[0] == 300.0
    assert records["outcome"].tolist() == ["served", "abandoned"]
    assert records["type"].tolist() == ["call", "call"]
    assert records["agent"].isna().all() and records["priority"].isna().all()
