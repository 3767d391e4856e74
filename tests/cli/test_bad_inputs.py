"""A corpus of bad inputs, each run through ``python -m sim`` in-process: every one exits with its
documented status and one line naming the file, field, option or address, without a traceback
and without writing any output.

Then the failures that are no input's fault: a full disk, a read-only folder, Ctrl-C and a bug.
"""

from __future__ import annotations

import contextlib
import errno
import http.server
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sim.cli import main as cli
from sim.cli.boundary import EXIT_BAD_INPUT, EXIT_ENVIRONMENT, EXIT_INTERNAL, EXIT_INTERRUPTED
from sim.scenario.bounded_yaml import MAX_BYTES

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "params" / "baseline.yaml"
MULTISKILL = ROOT / "params" / "scenarios" / "multiskill.yaml"
SENSITIVITY = ROOT / "params" / "sensitivity" / "customer_side.yaml"

Build = Callable[[Path], list[str]]
"""Writes a case's files into a scratch folder; the command line to run there."""

LAUGHS = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)
)
DEEP_FLOW = "name: deep\ncalendar: " + "[" * 5000 + "]" * 5000 + "\n"
DEEP_BLOCK = "name: deep\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(200)) + "  " * 200 + "1\n"
RECURSIVE = "name: loop\ncalendar: &a\n  holidays: [*a]\n"


def write(folder: Path, name: str, text: str | bytes) -> str:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return name


def scenario(text: str | bytes) -> Build:
    """``check`` on a scenario file with this text."""
    return lambda tmp: ["check", write(tmp, "bad.yaml", text)]


def multi_skill(text: str) -> Build:
    """``check`` on a scenario extending the multi-skill scenario with this text."""
    return lambda tmp: ["check", write(tmp, "bad.yaml", f"extends: {MULTISKILL}\n{text}")]


def extending(text: str) -> Build:
    """``run`` on a scenario extending the baseline with this text."""
    return lambda tmp: ["run", write(tmp, "bad.yaml", f"extends: {BASELINE}\n{text}"), *OUT]


def override(*params: str) -> Build:
    """``run`` on the baseline with these overrides."""
    return lambda _: ["run", str(BASELINE), *(f"-p{p}" for p in params), *OUT]


def sweep_file(text: str, *options: str) -> Build:
    """``sweep`` on a sweep file of the baseline with this text."""
    head = f"name: bad\nscenario: {BASELINE}\nengine: direct\n"
    return lambda tmp: ["sweep", write(tmp, "sweep.yaml", head + text), *options, *OUT]


def sensitivity_file(old: str, new: str) -> Build:
    """``sensitivity`` on the customer-side study with ``old`` text replaced by ``new``."""
    text = SENSITIVITY.read_text(encoding="utf-8")
    assert old in text
    text = text.replace("scenario: ../baseline.yaml", f"scenario: {BASELINE}").replace(old, new)
    return lambda tmp: ["sensitivity", write(tmp, "study.yaml", text), *OUT]


def log_schema(text: str | bytes) -> Build:
    """``calibrate`` with this log schema file (the log is never reached)."""
    return lambda tmp: [
        "calibrate",
        write(tmp, "calls.txt", "x\n"),
        "--schema",
        write(tmp, "schema.yaml", text),
        "--out",
        "out/cal.yaml",
    ]


def run_folder(manifest: str, intervals: bytes | None = None) -> Build:
    """``slides`` on a run folder with this manifest (and interval table)."""

    def build(tmp: Path) -> list[str]:
        (tmp / "run").mkdir()
        write(tmp, "run/manifest.json", manifest)
        if intervals is not None:
            write(tmp, "run/intervals.parquet", intervals)
        return ["slides", "run", "--out", "deck.pptx"]

    return build


def grid(values: str) -> str:
    return f"grid:\n  staffing.tier1.headcount_scale: {values}\n"


OUT = ["--out", "out"]
GOOD_GRID = grid("[0.9, 1.0]")

BAD = EXIT_BAD_INPUT
ENV = EXIT_ENVIRONMENT
CASES: list[tuple[str, Build, int, list[str]]] = [
    # --- scenario files ------------------------------------------------------------------------
    ("missing file", lambda _: ["check", "nowhere.yaml"], BAD, ["nowhere.yaml", "not found"]),
    ("a folder", lambda tmp: ["check", "."], BAD, ["not a regular file"]),
    ("billion laughs", scenario(LAUGHS), BAD, ["bad.yaml:", "aliases are expanded"]),
    ("recursive alias", scenario(RECURSIVE), BAD, ["bad.yaml:2:", "alias contains itself"]),
    ("deep flow nesting", scenario(DEEP_FLOW), BAD, ["bad.yaml:2:", "nested deeper than"]),
    ("deep block nesting", scenario(DEEP_BLOCK), BAD, ["bad.yaml:", "nested deeper than"]),
    ("latin-1", scenario("name: caf\xe9\n".encode("latin-1")), BAD, ["bad.yaml:1", "not UTF-8"]),
    ("too large", scenario("#" * (MAX_BYTES + 1)), BAD, ["bad.yaml", "MiB"]),
    ("a list", scenario("- a\n- b\n"), BAD, ["bad.yaml:1:1", "got a list"]),
    (
        "a NUL character",
        scenario('name: "\0"\n'),
        BAD,
        ["bad.yaml", "unacceptable character #x0000"],
    ),
    (
        "extends a NUL name",
        scenario('extends: "a\\0b"\n'),
        BAD,
        ["bad.yaml:1:10", "not a valid file name"],
    ),
    ("unclosed bracket", scenario("name: [x\n"), BAD, ["bad.yaml:2:1", "malformed YAML"]),
    ("tab indent", scenario("name: x\n\tcalendar: 1\n"), BAD, ["bad.yaml:2", "malformed YAML"]),
    (
        "extends a device",
        scenario("extends: /dev/zero\n"),
        BAD,
        ["bad.yaml:1:10", "/dev/zero", "not a regular file"],
    ),
    ("extends missing", scenario("extends: gone.yaml\n"), BAD, ["bad.yaml:1:10", "gone.yaml"]),
    ("extends itself", scenario("extends: bad.yaml\n"), BAD, ["bad.yaml", "cycle"]),
    ("unknown key", extending("calender: {}\n"), BAD, ["bad.yaml:2:1", "calendar"]),
    ("duplicate key", extending("name: a\nname: b\n"), BAD, ["bad.yaml:3:1", "duplicate key"]),
    (
        "inf in a profile",
        extending("demand:\n  profiles:\n    saturday: [.inf, 1, 1, 1, 1, 1, 1, 1]\n"),
        BAD,
        ["bad.yaml:4:", "demand.profiles.saturday.0", "finite"],
    ),
    (
        "nan in a profile",
        extending("demand:\n  profiles:\n    saturday: [.nan, 1, 1, 1, 1, 1, 1, 1]\n"),
        BAD,
        ["demand.profiles.saturday.0", "finite"],
    ),
    (
        "inf in an empirical distribution",
        extending(
            "demand:\n  contact_types:\n    enquiry:\n      handle_time: "
            "{kind: empirical, values_min: [3.0, .inf]}\n"
        ),
        BAD,
        ["bad.yaml:5:", "handle_time", "finite"],
    ),
    (
        "date overflow",
        extending("calendar: {start_date: 9999-12-31}\n"),
        BAD,
        ["bad.yaml:2:", "calendar.start_date", "2200-12-31"],
    ),
    (
        "impossible date",
        extending("calendar: {start_date: 2027-02-30}\n"),
        BAD,
        ["bad.yaml:2:", "malformed YAML"],
    ),
    (
        "no agent at all",
        extending("staffing: {tier1: {kind: fixed, agents: 0}}\n"),
        BAD,
        ["bad.yaml:2:", "tier1", "no agent"],
    ),
    (
        "shifts leave opening hours uncovered",
        extending(
            "staffing:\n  tier2:\n    kind: shifts\n    shifts:\n"
            "      - {start_h: 8, length_h: 8, days: [mon, tue, wed, thu, fri], agents: 3}\n"
            "      - {start_h: 9, length_h: 4, days: [sat], agents: 2}\n"
        ),
        BAD,
        [
            "bad.yaml:5:",
            "staffing.tier2.shifts: nobody works mon 16:00–20:00 (and on tue, wed, thu, fri)",
            "inside opening hours 08:00–20:00",
            "allow_gaps: true",
        ],
    ),
    (
        "the same shift twice",
        extending(
            "staffing:\n  tier2:\n    kind: shifts\n    shifts:\n"
            "      - {start_h: 8, length_h: 12, days: [mon, tue, wed, thu, fri], agents: 3}\n"
            "      - {start_h: 8, length_h: 12, days: [fri, thu, wed, tue, mon], agents: 1}\n"
            "      - {start_h: 9, length_h: 4, days: [sat], agents: 2}\n"
        ),
        BAD,
        ["bad.yaml:7:", "staffing.tier2.shifts.1", "same shift as shifts.0", "agents: 4"],
    ),
    (
        "overlapping breaks",
        extending(
            "staffing:\n  tier2:\n    kind: shifts\n    allow_gaps: true\n    shifts:\n"
            "      - {start_h: 8, length_h: 8, days: [mon], agents: 3, breaks: "
            "[{after_h: 4, length_min: 30}, {after_h: 4.25, length_min: 15}]}\n"
        ),
        BAD,
        ["bad.yaml:7:", "staffing.tier2.shifts.0.breaks.1", "starts before breaks.0"],
    ),
    (
        "two tiers and agent groups at once",
        multi_skill("staffing:\n  tier1: {kind: fixed, agents: 3}\n"),
        BAD,
        ["bad.yaml:2:", "staffing", "both groups and tier1", "write the tiers as groups"],
    ),
    (
        "a route to a group that does not exist",
        multi_skill(
            "routing:\n  contact_to_group:\n    routes:\n      billing:\n"
            "        tier1: [{group: billing_tem}]\n"
        ),
        BAD,
        ["bad.yaml:6:", "routes.billing.tier1.0.group", "no agent group 'billing_tem'"],
    ),
    (
        "a route to a group without the skill",
        multi_skill(
            "routing:\n  contact_to_group:\n    routes:\n      welsh:\n"
            "        tier1: [{group: generalists}]\n"
        ),
        BAD,
        ["bad.yaml:6:", "'generalists' has no skill for 'welsh'", "staffing.groups.generalists"],
    ),
    (
        "a front-line route to a tier-2 group",
        multi_skill(
            "routing:\n  contact_to_group:\n    routes:\n      billing:\n"
            "        tier1: [{group: escalation}]\n"
        ),
        BAD,
        ["bad.yaml:6:", "'escalation' is a tier-2 group"],
    ),
    (
        "a skill for an unknown contact type",
        multi_skill("staffing:\n  groups:\n    welsh_speakers:\n      skills: {wesh: {}}\n"),
        BAD,
        ["bad.yaml:5:", "staffing.groups.welsh_speakers.skills.wesh", "no such contact type"],
    ),
    (
        "callbacks offered on email",
        multi_skill("routing:\n  callbacks: {contact_types: [email_enquiry]}\n"),
        BAD,
        ["bad.yaml:3:", "routing.callbacks.contact_types.0", "only callers are offered callbacks"],
    ),
    (
        "erosion of standards without cutting corners",
        extending("workforce:\n  erosion: {}\n"),
        BAD,
        ["bad.yaml:3:", "workforce.erosion", "needs cutting_corners"],
    ),
    # --- overrides -----------------------------------------------------------------------------
    (
        "no agent on a day",
        extending(
            "staffing:\n  tier1: {kind: shifts, shifts: [{start_h: 8, length_h: 8, days: [mon], "
            "agents: 3}]}\n"
        ),
        BAD,
        ["bad.yaml:3:", "staffing.tier1 rosters no agent on tue"],
    ),
    (
        "override without =",
        override("calendar.horizon_days"),
        BAD,
        ["-p calendar.horizon_days", "KEY=VALUE"],
    ),
    (
        "override malformed",
        override("calendar.horizon_days=[3"),
        BAD,
        ["calendar.horizon_days", "not valid YAML"],
    ),
    (
        "override nested too deep",
        override("calendar.holidays=" + "[" * 500 + "]" * 500),
        BAD,
        ["calendar.holidays", "nested deeper than"],
    ),
    (
        "override impossible date",
        override("calendar.start_date=2027-13-01"),
        BAD,
        ["calendar.start_date", "not valid YAML (month must be in 1..12)"],
    ),
    ("override inf", override("customers.accounts=.inf"), BAD, ["customers.accounts"]),
    (
        "override headcount zero",
        override("staffing.tier1.headcount_scale=0"),
        BAD,
        ["tier1", "no agent"],
    ),
    ("override unknown path", override("calendar.horizon=3"), BAD, ["calendar.horizon"]),
    (
        "override daily volume past the cap",
        override("demand.contact_types.enquiry.daily_volume.mon=2000000"),
        BAD,
        ["demand.contact_types.enquiry.daily_volume.mon", "must be <= 1000000"],
    ),
    (
        "override contacts per replication past the cap",
        override(
            "calendar.horizon_days=3000",
            "demand.contact_types.enquiry.daily_volume={mon: 100000, tue: 100000}",
        ),
        BAD,
        ["demand: about", "contacts in one replication", "horizon_days"],
    ),
    (
        "override wrong type",
        override("calendar.horizon_days=three"),
        BAD,
        ["override -p calendar.horizon_days=three"],
    ),
    # --- sweep files ---------------------------------------------------------------------------
    ("sweep missing", lambda _: ["sweep", "nowhere.yaml", *OUT], BAD, ["nowhere.yaml"]),
    ("sweep empty grid", sweep_file("grid: {}\n"), BAD, ["sweep.yaml:4:1", "grid is empty"]),
    ("sweep empty points", sweep_file("points: []\n"), BAD, ["sweep.yaml:4:1", "points is empty"]),
    (
        "sweep duplicate values",
        sweep_file(grid("[0.9, 1.0, 0.9]")),
        BAD,
        ["sweep.yaml:5:", "grid.staffing.tier1.headcount_scale", "0.9 is given twice"],
    ),
    (
        "sweep duplicate points",
        sweep_file("points: [{seed: 1}, {seed: 1}]\n"),
        BAD,
        ["sweep.yaml", "points", "given twice"],
    ),
    (
        "sweep two designs",
        sweep_file(GOOD_GRID + "points: [{}]\n"),
        BAD,
        ["sweep.yaml", "exactly one of grid, points"],
    ),
    (
        "sweep billion laughs",
        lambda tmp: ["sweep", write(tmp, "sweep.yaml", LAUGHS), *OUT],
        BAD,
        ["sweep.yaml:", "aliases are expanded"],
    ),
    (
        "sweep latin-1",
        lambda tmp: ["sweep", write(tmp, "s.yaml", b"name: \xe9\n"), *OUT],
        BAD,
        ["s.yaml:1", "not UTF-8"],
    ),
    (
        "sweep zero replications",
        sweep_file(GOOD_GRID + "replications: 0\n"),
        BAD,
        ["sweep.yaml:6:", "replications"],
    ),
    (
        "sweep missing notebook",
        sweep_file(
            GOOD_GRID + "notebook: gone.ipynb\n", "--engine", "papermill", "--trust-notebook"
        ),
        BAD,
        ["sweep.yaml: notebook: cannot read", "gone.ipynb"],
    ),
    (
        "sweep notebook outside notebooks/",
        sweep_file(GOOD_GRID + "notebook: own.ipynb\n", "--engine", "papermill"),
        BAD,
        ["sweep.yaml: notebook: own.ipynb is outside", "--trust-notebook"],
    ),
    (
        "sweep unknown grid path",
        sweep_file("grid:\n  staffing.tier9.agents: [1, 2]\n"),
        BAD,
        ["sweep.yaml: 2 of 2 points", "staffing.tier9: unknown key"],
    ),
    (
        "sweep bad grid value",
        sweep_file(grid("[0.9, -1]")),
        BAD,
        ["sweep.yaml: 1 of 2 points (headcount_scale--1)", "-1 is not allowed"],
    ),
    (
        "sweep missing base scenario",
        lambda tmp: [
            "sweep",
            write(tmp, "sweep.yaml", f"name: s\nscenario: nowhere.yaml\n{GOOD_GRID}"),
            *OUT,
        ],
        BAD,
        ["sweep.yaml: scenario", "nowhere.yaml"],
    ),
    (
        "sweep bad common override",
        sweep_file(GOOD_GRID + "overrides:\n  calendar.horizon_days: -1\n"),
        BAD,
        ["sweep.yaml: scenario (with the sweep's overlays and overrides)", "horizon_days"],
    ),
    (
        "sweep too large",
        sweep_file("grid:\n" + "".join(f"  calendar.k{i}: {list(range(100))}\n" for i in range(5))),
        BAD,
        ["sweep.yaml: this sweep is large (10,000,000,000 points", "--yes"],
    ),
    (
        "sweep unknown rank",
        sweep_file(GOOD_GRID, "--rank", "happiness"),
        BAD,
        ["--rank", "happiness"],
    ),
    # --- sensitivity specs ---------------------------------------------------------------------
    ("study missing", lambda _: ["sensitivity", "nowhere.yaml", *OUT], BAD, ["nowhere.yaml"]),
    (
        "study unknown key",
        sensitivity_file("name:", "bogus_key: 1\nname:"),
        BAD,
        ["study.yaml:31:1", "bogus_key"],
    ),
    (
        "study billion laughs",
        lambda tmp: ["sensitivity", write(tmp, "study.yaml", LAUGHS), *OUT],
        BAD,
        ["study.yaml:", "aliases are expanded"],
    ),
    (
        "study zero replications",
        sensitivity_file("replications: 2", "replications: 0"),
        BAD,
        ["study.yaml:40:", "replications"],
    ),
    (
        "study latin-1",
        lambda tmp: ["sensitivity", write(tmp, "s.yaml", b"name: \xe9\n"), *OUT],
        BAD,
        ["s.yaml:1", "not UTF-8"],
    ),
    # --- log schemas ---------------------------------------------------------------------------
    (
        "schema latin-1",
        log_schema("name: caf\xe9\n".encode("latin-1")),
        BAD,
        ["schema.yaml:1", "not UTF-8"],
    ),
    ("schema malformed", log_schema("name: [x\n"), BAD, ["schema.yaml:2:1", "malformed YAML"]),
    (
        "schema recursive alias",
        log_schema("a: &a [*a]\n"),
        BAD,
        ["schema.yaml:1:", "alias contains itself"],
    ),
    ("schema billion laughs", log_schema(LAUGHS), BAD, ["schema.yaml:", "aliases are expanded"]),
    (
        "schema missing",
        lambda tmp: ["calibrate", "calls.txt", "--schema", "gone.yaml"],
        BAD,
        ["gone.yaml", "not found"],
    ),
    ("schema not a mapping", log_schema("- a\n"), BAD, ["schema.yaml", "(top level)"]),
    # --- notebook parameters -------------------------------------------------------------------
    (
        "notebook param malformed",
        lambda _: ["notebook", "00_scenario", "-p", "replications=[2", *OUT],
        BAD,
        ["-p replications=[2", "not valid YAML"],
    ),
    (
        "notebook param without =",
        lambda _: ["notebook", "00_scenario", "-p", "=2", *OUT],
        BAD,
        ["-p =2", "KEY=VALUE"],
    ),
    (
        "notebook param too deep",
        lambda _: ["notebook", "00_scenario", "-p", "replications=" + "[" * 500 + "]" * 500, *OUT],
        BAD,
        ["-p replications=", "nested deeper"],
    ),
    ("notebook unknown", lambda _: ["notebook", "99_nothing", *OUT], BAD, ["99_nothing"]),
    # --- run folders --------------------------------------------------------------------------
    (
        "slides without a manifest",
        lambda tmp: ["slides", ".", "--out", "deck.pptx"],
        BAD,
        ["no manifest.json"],
    ),
    (
        "slides garbage manifest",
        run_folder("{not json"),
        BAD,
        ["manifest.json", "not a readable manifest"],
    ),
    (
        "slides corrupt parquet",
        run_folder("{}", b"PAR1 garbage"),
        BAD,
        ["intervals.parquet", "not a readable Parquet table"],
    ),
    # --- output folders ------------------------------------------------------------------------
    (
        "run --out is a file",
        lambda tmp: ["run", str(BASELINE), "--out", write(tmp, "out", "")],
        BAD,
        ["out"],
    ),
]


CLUSTER_CASES: list[tuple[str, Build, int, list[str]]] = [
    (
        "study scheduler garbage",
        lambda _: ["sensitivity", str(SENSITIVITY), "--dask-scheduler", "garbage", *OUT],
        ENV,
        ["--dask-scheduler garbage", "cannot connect"],
    ),
    (
        "scheduler garbage",
        sweep_file(GOOD_GRID, "--dask-scheduler", "garbage"),
        ENV,
        ["--dask-scheduler garbage", "cannot connect"],
    ),
    (
        "scheduler unknown scheme",
        sweep_file(GOOD_GRID, "--dask-scheduler", "foo://x:1"),
        ENV,
        ["--dask-scheduler foo://x:1", "unknown address scheme"],
    ),
    (
        "scheduler a file",
        sweep_file(GOOD_GRID, "--dask-scheduler", "/etc/hostname"),
        ENV,
        ["--dask-scheduler /etc/hostname", "cannot connect"],
    ),
    (
        "scheduler unreachable",
        sweep_file(GOOD_GRID, "--dask-scheduler", "tcp://127.0.0.1:1"),
        ENV,
        ["--dask-scheduler tcp://127.0.0.1:1", "cannot connect"],
    ),
]


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A TCP address that accepts connections and never says a word."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                held.append(listener.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    yield f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()
    for connection in held:
        connection.close()


@pytest.fixture
def http_server() -> Iterator[str]:
    """The address of a web server (not a Dask scheduler)."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"tcp://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class _Quiet(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        """Keep the test's output clean."""


@pytest.mark.parametrize("server", ["silent_server", "http_server"])
def test_a_scheduler_that_does_not_answer_times_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest, server: str
) -> None:
    """Something accepts the connection and never speaks Dask: the sweep gives up within its
    --dask-timeout-s instead of hanging."""
    pytest.importorskip("dask.distributed")
    address = request.getfixturevalue(server)
    build = sweep_file(GOOD_GRID, "--dask-scheduler", address, "--dask-timeout-s", "1")
    started = time.monotonic()
    assert_refused(tmp_path, capsys, build, ENV, [f"--dask-scheduler {address}", "within 1 s"])
    assert time.monotonic() - started < 30


@pytest.fixture(autouse=True)
def _scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in a scratch folder."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def short_connect(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dask installed, and giving up on a scheduler after half a second."""
    pytest.importorskip("dask.distributed")
    import dask

    monkeypatch.setitem(dask.config.config["distributed"]["comm"]["timeouts"], "connect", "0.5s")


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The one line on stderr (no traceback); stdout is empty."""
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert not out.strip(), out
    return lines[0]


def assert_refused(
    tmp: Path, capsys: pytest.CaptureFixture[str], build: Build, status: int, needles: list[str]
) -> None:
    """The case exits with ``status`` and one line holding every needle, writing nothing."""
    argv = build(tmp)
    before = set(tmp.iterdir())
    assert cli.main(argv) == status
    line = one_line(capsys)
    assert all(needle in line for needle in needles), line
    assert set(tmp.iterdir()) == before  # no output folder, no stray file


@pytest.mark.parametrize(
    ("build", "status", "needles"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_gives_one_line_and_writes_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    build: Build,
    status: int,
    needles: list[str],
) -> None:
    assert_refused(tmp_path, capsys, build, status, needles)


@pytest.mark.usefixtures("short_connect")
@pytest.mark.parametrize(
    ("build", "status", "needles"),
    [c[1:] for c in CLUSTER_CASES],
    ids=[c[0] for c in CLUSTER_CASES],
)
def test_a_bad_cluster_address_gives_one_line_and_writes_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    build: Build,
    status: int,
    needles: list[str],
) -> None:
    assert_refused(tmp_path, capsys, build, status, needles)


def test_a_non_scenario_file_is_not_quoted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "passwd", "root:x:0:0:root:/root:/bin/bash\n")
    assert cli.main(["check", "passwd"]) == EXIT_BAD_INPUT
    line = one_line(capsys)
    assert "passwd:1:1" in line and "root" not in line


def test_a_holiday_outside_the_horizon_is_warned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["check", str(BASELINE), "-p", "calendar.holidays=[2031-01-01]"]) == 0
    err = capsys.readouterr().err
    assert "warning: calendar.holidays: outside the simulated days" in err
    assert "so ignored: 2031-01-01\n" in err


# --- failures that are no input's fault ---------------------------------------------------------


def _raise(exc: BaseException) -> Callable[..., None]:
    def fail(*_: object, **__: object) -> None:
        raise exc

    return fail


def test_a_full_disk_during_a_sweep_exits_3_and_says_how_to_resume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "out" / "sweep.yaml"))
    monkeypatch.setattr("sim.experiments.sweep.atomic_write_bytes", _raise(full))
    argv = ["sweep", write(tmp_path, "sweep.yaml", f"name: s\nscenario: {BASELINE}\n{GOOD_GRID}")]
    assert cli.main([*argv, "--engine", "direct", *OUT]) == EXIT_ENVIRONMENT
    line = one_line(capsys)
    assert "sweep.yaml: No space left on device" in line
    assert "python -m sim sweep FILE --resume" in line


def test_a_read_only_folder_exits_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    denied = OSError(errno.EROFS, os.strerror(errno.EROFS), "out/baseline")
    monkeypatch.setattr("sim.experiments.store.new_run_dir", _raise(denied))
    assert cli.main(["run", str(BASELINE), *OUT]) == EXIT_ENVIRONMENT
    line = one_line(capsys)
    assert "out/baseline: Read-only file system" in line and "permissions" in line


def test_a_missing_sweep_folder_is_bad_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A FileNotFoundError with a message and no errno, as the sweep charts raise."""
    from sim.plotting.sweeps import SweepNotFoundError

    missing = SweepNotFoundError("outputs/sweeps/x: no such sweep; run python -m sim sweep first")
    monkeypatch.setattr(cli, "_cmd_run", _raise(missing))
    assert cli.main(["run", str(BASELINE)]) == EXIT_BAD_INPUT
    assert "outputs/sweeps/x: no such sweep" in one_line(capsys)


def test_ctrl_c_exits_130(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sim.experiments.sensitivity.run_sensitivity", _raise(KeyboardInterrupt()))
    assert cli.main(["sensitivity", str(SENSITIVITY)]) == EXIT_INTERRUPTED
    assert "python -m sim sensitivity FILE --resume" in one_line(capsys)


def test_a_bug_gives_one_line_and_a_saved_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "_cmd_run", _raise(RuntimeError("boom\nsecond line")))
    assert cli.main(["run", str(BASELINE)]) == EXIT_INTERNAL
    line = one_line(capsys)
    assert "internal error (RuntimeError: boom)" in line
    [saved] = re.findall(r"saved in (\S+\.txt)", line)
    text = Path(saved).read_text(encoding="utf-8")
    Path(saved).unlink()
    assert text.startswith("python -m sim run ") and "Traceback" in text and "boom" in text
