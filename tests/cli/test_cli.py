"""The command line as a user meets it: ``python -m sim`` in a subprocess.

Bad input must end with exit status 2 and a message that says where (file, line and column),
which field, the bad value and what is allowed, never a traceback. ``run`` prints one JSON object
with ``--json`` and writes a reproducible output folder; ``check`` validates; ``erlang`` is in
``test_erlang_cli.py``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parents[2]
BASELINE = REPO / "params" / "baseline.yaml"
EXIT_BAD_INPUT = 2
FAST = [
    "--replications",
    "2",
    "-p",
    "calendar.horizon_days=3",
    "-p",
    "customers.warm_start.burn_in_days=0",
]
"""Keep ``run`` quick: two replications of three days of the baseline, started cold (about
1 s)."""


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


def sim(*args: str | Path, cwd: Path = REPO) -> Result:
    """Run ``python -m sim ARGS`` in ``cwd`` (the package is importable from anywhere)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def assert_bad_input(result: Result) -> str:
    """Exit status 2, a message on stderr, no traceback, nothing on stdout; the message."""
    assert result.returncode == EXIT_BAD_INPUT, result
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip(), "no message on stderr"
    assert not result.stdout.strip(), result.stdout
    return result.stderr


def position(text: str, needle: str, offset: int = 0) -> str:
    """``line:column`` (1-based) of the first ``needle`` in ``text``, plus ``offset`` columns."""
    before = text[: text.index(needle) + offset]
    return f"{before.count(chr(10)) + 1}:{len(before) - before.rfind(chr(10))}"


def scenario(tmp_path: Path, name: str, body: str) -> tuple[str, str]:
    """Write ``name`` extending the repo's baseline (by absolute path); (file name, its text)."""
    text = f"extends: {BASELINE}\n" + textwrap.dedent(body)
    (tmp_path / name).write_text(text, encoding="utf-8")
    return name, text


# --- check -----------------------------------------------------------------------------------


def test_check_valid_file() -> None:
    result = sim("check", "params/baseline.yaml")
    assert result.returncode == 0, result
    assert "valid scenario 'baseline'" in result.stdout
    assert not result.stderr


def test_check_valid_file_with_extends_and_override(tmp_path: Path) -> None:
    name, _ = scenario(tmp_path, "ok.yaml", "name: shorter\n")
    result = sim("check", name, "-p", "calendar.horizon_days=7", cwd=tmp_path)
    assert result.returncode == 0, result
    assert "valid scenario 'shorter'" in result.stdout


# (case id, YAML after "extends: baseline", needle locating the problem, column offset from the
# needle, the strings the message must contain: field path, bad value, what is allowed)
BAD_FILES = [
    (
        "unknown-key",
        "calendar:\n  horizon_dayz: 3\n",
        "horizon_dayz",
        0,
        [
            "calendar.horizon_dayz",
            "unknown key 'horizon_dayz'",
            "did you mean 'horizon_days'",
            "allowed: start_date, horizon_days",
        ],
    ),
    (
        "wrong-type",
        "calendar:\n  horizon_days: three\n",
        "three",
        0,
        ["calendar.horizon_days", "'three' is not allowed", "must be a whole number"],
    ),
    (
        "out-of-range",
        "standards:\n  service_level_target: 1.5\n",
        "1.5",
        0,
        ["standards.service_level_target", "1.5 is not allowed", "must be <= 1"],
    ),
    (
        "negative-rate",
        "demand:\n  contact_types:\n    urgent:\n      daily_volume: {mon: -115}\n",
        "-115",
        0,
        ["demand.contact_types.urgent.daily_volume.mon", "-115 is not allowed", "must be >= 0"],
    ),
    (
        "negative-duration",
        "demand:\n  contact_types:\n    enquiry:\n"
        "      handle_time: {kind: lognormal, mean_min: -5.0, cv: 1.0}\n",
        "-5.0",
        0,
        [
            "demand.contact_types.enquiry.handle_time.mean_min",
            "-5 is not allowed",
            "must be > 0",
        ],
    ),
    (
        "zero-duration",
        "demand:\n  contact_types:\n    urgent:\n"
        "      patience: {kind: exponential, mean_min: 0}\n",
        "0}",
        0,
        ["demand.contact_types.urgent.patience.mean_min", "0 is not allowed", "must be > 0"],
    ),
    (
        "zero-horizon",
        "calendar:\n  horizon_days: 0\n",
        "0\n",
        0,
        ["calendar.horizon_days", "0 is not allowed", "must be >= 1"],
    ),
    (
        "profile-length",
        "demand:\n  profiles:\n    saturday: [1, 2, 3]\n",
        "saturday",
        0,
        ["demand.profiles.saturday", "has 3 values", "has 8 intervals of 30 min", "09:00–13:00"],
    ),
    (
        "shift-outside-hours",
        "staffing:\n  tier2:\n    kind: shifts\n    shifts:\n"
        "      - {start_h: 5.0, length_h: 8.0, days: [mon], agents: 3}\n",
        "{start_h",
        0,
        ["staffing.tier2.shifts.0", "05:00–13:00 on mon", "outside the opening hours 08:00–20:00"],
    ),
]


@pytest.mark.parametrize(
    ("body", "needle", "offset", "expected"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_check_bad_file(
    tmp_path: Path, body: str, needle: str, offset: int, expected: list[str]
) -> None:
    name, text = scenario(tmp_path, "bad.yaml", body)
    message = assert_bad_input(sim("check", name, cwd=tmp_path))
    assert message.startswith(f"{name}:{position(text, needle, offset)}: "), message
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


def test_check_reports_every_problem_one_line_each(tmp_path: Path) -> None:
    name, text = scenario(
        tmp_path,
        "two.yaml",
        "calendar:\n  horizon_dayz: 3\nstandards:\n  service_level_target: 1.5\n",
    )
    lines = assert_bad_input(sim("check", name, cwd=tmp_path)).strip().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"{name}:{position(text, 'horizon_dayz')}: calendar.horizon_dayz")
    assert lines[1].startswith(f"{name}:{position(text, '1.5')}: standards.service_level_target")


def test_check_missing_file(tmp_path: Path) -> None:
    message = assert_bad_input(sim("check", "nowhere.yaml", cwd=tmp_path))
    assert message.strip() == "nowhere.yaml: not found"


def test_check_missing_base_file(tmp_path: Path) -> None:
    text = "extends: nowhere.yaml\nname: x\n"
    (tmp_path / "child.yaml").write_text(text, encoding="utf-8")
    message = assert_bad_input(sim("check", "child.yaml", cwd=tmp_path))
    assert message.startswith(f"child.yaml:{position(text, 'nowhere')}: extends: nowhere.yaml")
    assert "not found" in message


def test_check_extends_cycle(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("extends: b.yaml\nname: a\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\nname: b\n", encoding="utf-8")
    message = assert_bad_input(sim("check", "a.yaml", cwd=tmp_path))
    # Reported where the cycle closes: b.yaml's extends: entry naming a.yaml.
    assert message.strip() == "b.yaml:1:10: extends: cycle a.yaml → b.yaml → a.yaml"


def test_check_malformed_yaml(tmp_path: Path) -> None:
    text = "name: x\ncalendar:\n  horizon_days: [3\n  foo: 1\n"
    (tmp_path / "broken.yaml").write_text(text, encoding="utf-8")
    message = assert_bad_input(sim("check", "broken.yaml", cwd=tmp_path))
    # The parser trips over the ':' after foo, inside the unclosed flow list.
    assert message.startswith(f"broken.yaml:{position(text, 'foo:', 3)}: malformed YAML: ")
    assert "expected ',' or ']'" in message
    assert "on line 3" in message  # where the unclosed list began


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("calendar.horizon_days", ["expected KEY=VALUE", "calendar.horizon_days=28"]),
        ("calendar.horizon_days=[3", ["calendar.horizon_days", "the value is not valid YAML"]),
        (
            "calendar.horizon_dayz=3",
            ["calendar.horizon_dayz", "unknown key 'horizon_dayz'", "did you mean 'horizon_days'"],
        ),
        ("calendar.horizon_days=-1", ["calendar.horizon_days", "-1 is not allowed", ">= 1"]),
        ("calendar.start_date.x=1", ["calendar.start_date.x", "not a mapping"]),
    ],
    ids=["no-equals", "bad-yaml-value", "unknown-key", "out-of-range", "not-a-mapping"],
)
def test_check_bad_override(override: str, expected: list[str]) -> None:
    message = assert_bad_input(sim("check", "params/baseline.yaml", "-p", override))
    # The override is where the problem is, so the message names it rather than a file line.
    assert message.startswith(f"override -p {override}: "), message
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


# --- run -------------------------------------------------------------------------------------

NOT_KPIS = {"contacts_simulated", "wall_s", "service_level_definition", "output_dir"}
MANIFEST_KEYS = {
    "parameters",
    "parameters_hash",
    "seed",
    "replications",
    "versions",
    "git_revision",
    "wall_s",
    "service_level_definition",
}
TABLES = ["kpis", "summary", "scorecard", "intervals", "daily", "contacts/rep-000"]
RUN_FOLDER = re.compile(r"baseline-\d{8}-\d{6}(-\d+)?")


@dataclass(frozen=True)
class Run:
    result: Result
    folder: Path


def run_baseline(out: Path, *extra: str) -> Run:
    result = sim("run", "params/baseline.yaml", *FAST, "--out", out, *extra)
    assert result.returncode == 0, result
    folders = list(out.iterdir())
    assert len(folders) == 1, folders
    return Run(result, folders[0])


@pytest.fixture(scope="module")
def json_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The baseline with its own seed, ``--json``."""
    return run_baseline(tmp_path_factory.mktemp("json-run"), "--json")


@pytest.fixture(scope="module")
def text_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The same run again (same seed), printing tables."""
    return run_baseline(tmp_path_factory.mktemp("text-run"))


@pytest.fixture(scope="module")
def other_seed_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return run_baseline(tmp_path_factory.mktemp("other-seed"), "--json", "--seed", "7")


def read(folder: Path, table: str) -> pd.DataFrame:
    return pq.read_table(folder / f"{table}.parquet").to_pandas()


def test_run_json_is_one_object_of_estimates(json_run: Run) -> None:
    assert "Traceback" not in json_run.result.stderr
    stdout = json_run.result.stdout.strip()
    assert "\n" not in stdout, "stdout must be a single JSON object"
    payload = json.loads(stdout)
    assert isinstance(payload, dict)
    kpis = {k: v for k, v in payload.items() if k not in NOT_KPIS}
    assert kpis.keys() >= {"service_level", "asa_s", "abandon_rate", "p_wait"}
    # A group of estimates (e.g. defections by reason, with a customer base): check each item.
    for group, value in list(kpis.items()):
        if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            kpis.pop(group)
            kpis.update({f"{group}.{k}": v for k, v in value.items()})
    for name, value in kpis.items():
        assert isinstance(value, dict) and value.keys() == {"mean", "ci_low", "ci_high"}, name
        if None not in value.values():  # null: a measure with no data in this short run
            assert value["ci_low"] <= value["mean"] <= value["ci_high"], (name, value)
    assert isinstance(payload["contacts_simulated"], int) and payload["contacts_simulated"] > 0
    assert isinstance(payload["wall_s"], int | float) and payload["wall_s"] >= 0
    assert Path(payload["output_dir"]) == json_run.folder


def test_run_folder_has_manifest_and_tables(json_run: Run) -> None:
    folder = json_run.folder
    assert RUN_FOLDER.fullmatch(folder.name), folder.name
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest.keys() >= MANIFEST_KEYS, MANIFEST_KEYS - manifest.keys()
    assert manifest["seed"] == 20270426  # simulation.seed of the baseline
    assert manifest["replications"] == 2
    assert re.fullmatch(r"[0-9a-f]{16}", manifest["parameters_hash"])
    assert "python" in manifest["versions"]
    for table in TABLES:
        assert read(folder, table).shape[0] > 0, table
    assert read(folder, "kpis").shape[0] == 2
    assert read(folder, "daily")["replication"].nunique() == 2
    payload = json.loads(json_run.result.stdout)
    contacts = sum(pq.read_metadata(p).num_rows for p in (folder / "contacts").glob("*.parquet"))
    assert contacts == payload["contacts_simulated"] == manifest["contacts_simulated"]


def test_run_manifest_reflects_override(json_run: Run) -> None:
    manifest = json.loads((json_run.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["calendar"]["horizon_days"] == 3  # -p calendar.horizon_days=3
    assert manifest["parameters"]["name"] == "baseline"
    days = read(json_run.folder, "daily")
    assert days.groupby("replication")["day"].nunique().tolist() == [3, 3]


def test_run_same_seed_same_tables(json_run: Run, text_run: Run) -> None:
    for table in ("summary", "kpis"):
        a, b = read(json_run.folder, table), read(text_run.folder, table)
        # Nothing timing-dependent in these tables, so they must match exactly.
        clock = [c for c in a.columns if re.search(r"wall|elapsed|created|utc|clock", c)]
        assert not clock, f"{table} has timing columns {clock}"
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert "wall_s" not in set(read(json_run.folder, "summary")["kpi"])
    manifests = [
        json.loads((run.folder / "manifest.json").read_text(encoding="utf-8"))
        for run in (json_run, text_run)
    ]
    assert manifests[0]["parameters_hash"] == manifests[1]["parameters_hash"]


def test_run_other_seed_other_tables(json_run: Run, other_seed_run: Run) -> None:
    manifest = json.loads((other_seed_run.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 7
    for table in ("summary", "kpis"):
        a, b = read(json_run.folder, table), read(other_seed_run.folder, table)
        assert a.shape == b.shape
        assert not a.equals(b), f"{table} did not change with the seed"


def test_run_text_output(text_run: Run) -> None:
    out = text_run.result.stdout
    manifest = json.loads((text_run.folder / "manifest.json").read_text(encoding="utf-8"))
    assert f"Service level = {manifest['service_level_definition']}" in out
    assert "answered within 20 s" in out
    # The scorecard: a title, a header, a rule, then one row per standard ending in its status.
    rows = out.split("Standards scorecard\n", 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    standards = read(text_run.folder, "scorecard")
    assert len(rows) == len(standards)
    for row, (standard, status) in zip(
        rows, standards[["standard", "status"]].itertuples(index=False), strict=True
    ):
        assert row.startswith(standard) and row.rstrip().endswith(status), row
    assert f"wrote {text_run.folder}/" in out


def test_run_bad_scenario_writes_nothing(tmp_path: Path) -> None:
    name, _ = scenario(tmp_path, "bad.yaml", "calendar:\n  horizon_days: 0\n")
    out = tmp_path / "out"
    message = assert_bad_input(sim("run", name, "--json", "--out", out, cwd=tmp_path))
    assert "calendar.horizon_days" in message
    assert not out.exists()


def test_run_bad_override_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    message = assert_bad_input(
        sim("run", BASELINE, "-p", "calendar.horizon_days=three", "--out", out)
    )
    assert "override -p calendar.horizon_days=three" in message
    assert not out.exists()


def test_run_out_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    message = assert_bad_input(sim("run", BASELINE, *FAST, "--out", blocker))
    assert str(blocker) in message and len(message.strip().splitlines()) == 1


# --- help ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("run", ["-p staffing.tier1.headcount_scale=1.1", "95%", "outputs/"]),
        ("check", ["-p calendar.horizon_days=28", "exit status"]),
        ("notebook", ["-p scenario_path=params/baseline.yaml", "deprecated"]),
        ("sweep", ["--rank", "summary.csv", "summary.xlsx", "decks: true", "charts: true"]),
        ("erlang", ["calls arriving per hour", "in minutes", "in seconds"]),
        ("validate-log", ["--mode", "planned-staffing", "nothing from the validated period"]),
        ("forecast", ["--holidays", "israel-1999", "seasonal-naive", "prediction intervals"]),
    ],
)
def test_help(command: str, expected: list[str]) -> None:
    result = sim(command, "--help")
    assert result.returncode == 0, result
    text = " ".join(result.stdout.lower().split())  # argparse wraps lines anywhere
    for part in expected:
        assert part in text, f"{part!r} not in the help of {command}"


def test_help_schema_and_top_level() -> None:
    assert sim("schema", "--help").returncode == 0
    top = sim("--help")
    assert top.returncode == 0
    assert "examples:" in top.stdout and "python -m sim erlang --arrivals-per-h" in top.stdout


def test_compare_prints_markdown_tables_of_the_chosen_kpis() -> None:
    result = sim(
        "compare",
        "params/baseline.yaml",
        "params/scenarios/understaffed.yaml",
        *FAST,
        "--markdown",
        "--kpis",
        "service_level,net_value",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("2 replications per scenario, seed ")
    assert "| KPI | baseline | understaffed |" in lines
    assert "| difference against baseline (paired) | understaffed |" in lines
    rows = [line.split(" | ")[0] for line in lines if line.startswith("| ") and "---" not in line]
    assert rows == [
        "| KPI",
        "| service level",
        "| net value",
        "| difference against baseline (paired)",
        "| service level",
        "| net value",
    ]


def test_compare_refuses_an_unknown_kpi_before_running() -> None:
    message = assert_bad_input(
        sim(
            "compare",
            "params/baseline.yaml",
            "params/scenarios/understaffed.yaml",
            "--kpis",
            "service_level,servise_level",
        )
    )
    assert "'servise_level'" in message


def test_compare_adds_replications_until_resolved_and_says_so() -> None:
    result = sim(
        "compare",
        "params/baseline.yaml",
        "params/scenarios/understaffed.yaml",
        *FAST,
        "--resolve",
        "service_level,funnel.complaints_outside_desk",
        "--half-width",
        "funnel.complaints_outside_desk=50",
        "--max-replications",
        "4",
    )
    assert result.returncode == 0, result.stderr
    assert "resolved: understaffed - service_level: excludes zero after 2 replications" in (
        result.stdout
    )
    # complaints about things outside the desk: the same customers, the same complaints over
    # three days (nobody has left yet), so the difference is resolved by its half-width alone
    assert "resolved: understaffed - funnel.complaints_outside_desk: half-width" in result.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--resolve", "net_value", "--half-width", "net_value"], "expected KPI=VALUE"),
        (["--resolve", "net_value", "--half-width", "net_value=-3"], "expected KPI=VALUE"),
        (["--resolve", "net_value", "--half-width", "service_level=0.1"], "not among --resolve"),
        (["--resolve", "net_valu"], "--resolve: unknown KPI 'net_valu'"),
    ],
)
def test_compare_refuses_bad_resolution_options(args: list[str], expected: str) -> None:
    message = assert_bad_input(
        sim("compare", "params/baseline.yaml", "params/scenarios/understaffed.yaml", *args)
    )
    assert expected in message
