"""``python -m sim fit``: ``--write`` changes the fitted numbers and the result block and not one
other byte of the file, which then loads; a bad fit section or option is one line and exit
status 2, before any trial runs; a file whose fitted values live in a base file is refused.

The fit that writes runs as the user runs it, in a subprocess; the refusals run the same entry
point in this process (no interpreter start per case)."""

from __future__ import annotations

import re
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from sim.cli import main as cli
from sim.scenario.loading import load_scenario
from sim.scenario.wording import number_text
from tests.cli.test_cli import Result, assert_bad_input, position, sim
from tests.scenarios import customer_desk

FIT = """
# The fit, declared next to what it fits.
fit:
  targets:  # two targets, each paired with one parameter
    dissatisfied_per_year: {value: 3.3, source: assumption}  # a busy little desk
    complaints_per_month: {value: 0.07, source: "domain.md §7"}
  parameters:
    customers.satisfaction.dissatisfied_below: {range: [-20.0, -12.5], moves: dissatisfied_per_year}
    complaint_volume:  # the complaint type's weekday volumes, scaled together
      scales: [demand.contact_types.complaint.daily_volume]
      range: [0.5, 2.0]
      moves: complaints_per_month
  evaluation: {replications: 4, seed: 5, relative_tolerance: 0.01}
"""
"""Two targets of the test desk (a fortnight, 4,000 accounts), both some way from the start."""


def commented_desk() -> str:
    """The test desk as YAML with a comment on every line, comment lines and blank lines between,
    numbers inside one-line flow mappings, and the fit section last."""
    data = customer_desk().model_dump(mode="json", exclude={"fit"})
    text = yaml.safe_dump(data, default_flow_style=None, sort_keys=False, width=10**6)
    lines = ["# A small desk for the fit tests.", ""]
    for i, line in enumerate(text.splitlines()):
        if i % 7 == 3:
            lines.append(" " * (len(line) - len(line.lstrip())) + f"# note {i}")
        lines.append(f"{line}  # line {i}")
        if i % 11 == 5:
            lines.append("")
    return "\n".join(lines) + "\n" + FIT


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, str]:
    """The desk before and after ``fit --write``, and what the command printed."""
    folder = tmp_path_factory.mktemp("fit")
    before = commented_desk()
    path = folder / "desk.yaml"
    path.write_text(before, encoding="utf-8")
    path.chmod(0o640)
    result = sim("fit", "desk.yaml", "--write", "--workers", "1", cwd=folder)
    assert result.returncode == 0, result
    assert stat.S_IMODE(path.stat().st_mode) == 0o640  # the file keeps its permissions
    assert [p.name for p in folder.iterdir()] == ["desk.yaml"]  # no temporary file left
    return before, path.read_text(encoding="utf-8"), result.stdout


@pytest.fixture
def here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Result]:
    """``python -m sim ARGS`` run in this process in ``tmp_path``."""
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> Result:
        try:
            code = cli.main(list(args))
        except SystemExit as stop:  # argparse
            code = stop.code
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


NUMBER = re.compile(r"-?\d+(\.\d+)?")


def test_write_changes_only_the_fitted_numbers_and_the_result_block(
    written: tuple[str, str, str],
) -> None:
    before, after, _ = written
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    start = new.index(next(line for line in new if line.startswith("  result:  # written by")))
    assert all(line.startswith("    ") for line in new[start + 1 :])  # the block ends the file
    record = yaml.safe_load("".join(new[start:]).replace("  result:", "result:", 1))["result"]
    fitted = record["parameters"]["customers.satisfaction.dissatisfied_below"]["fitted"]
    volume = number_text(float(f"{10 * record['parameters']['complaint_volume']['fitted']:.4g}"))
    expected = [
        line.replace("dissatisfied_below: -15.0,", f"dissatisfied_below: {number_text(fitted)},")
        if line.startswith("  satisfaction: {")
        else line.replace(": 10.0,", f": {volume},")
        if "daily_volume: {mon: 10.0" in line
        else line
        for line in old
    ]
    assert new[:start] == expected
    assert sum(a != b for a, b in zip(old, expected, strict=True)) == 2


def test_the_written_file_loads_with_the_fitted_values(
    written: tuple[str, str, str], tmp_path: Path, here: Callable[..., Result]
) -> None:
    _, after, stdout = written
    (tmp_path / "desk.yaml").write_text(after, encoding="utf-8")
    check = here("check", "desk.yaml")
    assert check.returncode == 0, check
    scenario = load_scenario(tmp_path / "desk.yaml")
    record = scenario.fit.result
    assert record is not None and record.converged
    assert record.command == "python -m sim fit desk.yaml --write"
    fitted = record.parameters["customers.satisfaction.dissatisfied_below"].fitted
    assert scenario.customers.satisfaction.dissatisfied_below == fitted
    scale = record.parameters["complaint_volume"].fitted
    assert scenario.demand.contact_types["complaint"].daily_volume.mon == pytest.approx(
        10 * scale, rel=1e-3
    )
    assert set(record.targets) == {"dissatisfied_per_year", "complaints_per_month"}
    assert set(record.sensitivity["complaint_volume"]) == set(record.targets)
    assert "every target met" in stdout and "±95%" in stdout
    # the sensitivity table: a column per target, for a rise of 10% of its wanted value
    assert "dissatisfied_per_year +33 pp" in stdout and "complaints_per_month +0.7 pp" in stdout
    assert stdout.startswith("trial  1/20 start")


def test_a_second_fit_replaces_the_result_block(
    written: tuple[str, str, str], tmp_path: Path, here: Callable[..., Result]
) -> None:
    _, after, _ = written
    (tmp_path / "desk.yaml").write_text(after, encoding="utf-8")
    more = ("-p", "fit.evaluation.replications=3")  # an override is used and recorded
    result = here("fit", "desk.yaml", *more, "--write", "--workers", "1")
    assert result.returncode == 0, result
    assert "trials of 3 replications" in result.stdout
    again = (tmp_path / "desk.yaml").read_text(encoding="utf-8")
    assert again.count("result:") == 1
    old, new = after.split("  result:")[0], again.split("  result:")[0]
    assert NUMBER.sub("N", old) == NUMBER.sub("N", new)  # at most the fitted numbers moved
    record = load_scenario(tmp_path / "desk.yaml").fit.result
    assert record.command == "python -m sim fit desk.yaml -p fit.evaluation.replications=3 --write"
    assert record.parameters["complaint_volume"].start == 1.0  # a scale starts at 1 again
    assert (
        record.parameters["customers.satisfaction.dissatisfied_below"].start
        == (
            yaml.safe_load(after.split("  result:")[1])["parameters"][
                "customers.satisfaction.dissatisfied_below"
            ]["fitted"]
        )
    )


# (case id, old text, new text, needle locating the problem, strings the message must contain)
BAD_SECTIONS = [
    (
        "unknown-target",
        "dissatisfied_per_year: {value",
        "dissatisfied_per_yeer: {value",
        "dissatisfied_per_yeer",
        [
            "fit.targets.dissatisfied_per_yeer",
            "unknown key",
            "did you mean 'dissatisfied_per_year'",
        ],
    ),
    (
        "not-a-setting",
        "customers.satisfaction.dissatisfied_below: {range",
        "customers.satisfaction.dissatisfied_belo: {range",
        "customers.satisfaction.dissatisfied_belo:",
        ["fit.parameters.customers.satisfaction.dissatisfied_belo", "is not a setting"],
    ),
    (
        "not-a-number",
        "customers.satisfaction.dissatisfied_below: {range",
        "calendar.start_date: {range",
        "calendar.start_date: {range",
        ["fit.parameters.calendar.start_date", "is 2027-", "not a number"],
    ),
    (
        "bad-pairing",
        "moves: complaints_per_month",
        "moves: complaints_per_mont",
        "complaints_per_mont\n",
        ["fit.parameters.complaint_volume.moves", "'complaints_per_mont' is not allowed"],
    ),
    (
        "unpaired",
        "moves: complaints_per_month",
        "moves: dissatisfied_per_year",
        "moves: dissatisfied_per_year\n",
        ["fit.parameters.complaint_volume.moves", "already moved by"],
    ),
    (
        "empty-range",
        "range: [0.5, 2.0]",
        "range: [2.0, 0.5]",
        "range: [2.0",
        ["fit.parameters.complaint_volume.range", "low (2) must be below high (0.5)"],
    ),
    (
        "scale-of-nothing",
        "scales: [demand.contact_types.complaint.daily_volume]",
        "scales: [demand.contact_types.complain.daily_volume]",
        "demand.contact_types.complain.",
        ["fit.parameters.complaint_volume.scales.0", "is not a setting"],
    ),
    (
        "too-few-trials",
        "relative_tolerance: 0.01}",
        "relative_tolerance: 0.01, max_evaluations: 3}",
        "max_evaluations",
        ["fit.evaluation.max_evaluations", "cannot fit 2 parameters", "at least 4"],
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [case[1:] for case in BAD_SECTIONS],
    ids=[case[0] for case in BAD_SECTIONS],
)
def test_check_and_fit_refuse_a_bad_section(
    tmp_path: Path,
    here: Callable[..., Result],
    old: str,
    new: str,
    needle: str,
    expected: list[str],
) -> None:
    text = commented_desk().replace(old, new)
    (tmp_path / "desk.yaml").write_text(text, encoding="utf-8")
    for command in ("check", "fit"):
        message = assert_bad_input(here(command, "desk.yaml"))
        assert len(message.strip().splitlines()) == 1, message
        assert message.startswith(f"desk.yaml:{position(text, needle)}: "), message
        for part in expected:
            assert part in message, f"{part!r} not in {message!r}"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "range: [-20.0, -12.5]",
            "range: [-30.0, -20.0]",
            [
                "fit.parameters.customers.satisfaction.dissatisfied_below.range",
                "does not hold the start, -15",
            ],
        ),
        (
            "range: [-20.0, -12.5]",
            "range: [-20.0, 0.5]",
            [
                "the high end, 0.5, gives an invalid scenario",
                "customers.satisfaction.dissatisfied_below: must be less than 0",
            ],
        ),
    ],
    ids=["start-outside", "invalid-end"],
)
def test_fit_refuses_ranges_it_cannot_use(
    tmp_path: Path, here: Callable[..., Result], old: str, new: str, expected: list[str]
) -> None:
    text = commented_desk().replace(old, new)
    (tmp_path / "desk.yaml").write_text(text, encoding="utf-8")
    assert here("check", "desk.yaml").returncode == 0  # fine as a scenario
    message = assert_bad_input(here("fit", "desk.yaml"))
    assert len(message.strip().splitlines()) == 1, message
    assert message.startswith(f"desk.yaml:{position(text, 'range: [-')}: "), message
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


def test_fit_refuses_a_scenario_without_a_fit_section(
    tmp_path: Path, here: Callable[..., Result]
) -> None:
    text = commented_desk().split("\n# The fit")[0]
    (tmp_path / "desk.yaml").write_text(text, encoding="utf-8")
    message = assert_bad_input(here("fit", "desk.yaml"))
    assert message.strip().startswith("desk.yaml:1:1: fit: the scenario has no fit section")


def test_write_refuses_values_set_in_a_base_file_before_any_trial(
    tmp_path: Path, here: Callable[..., Result]
) -> None:
    (tmp_path / "desk.yaml").write_text(commented_desk(), encoding="utf-8")
    overlay = "extends: desk.yaml\nname: overlay\nfit:\n  evaluation: {replications: 2}\n"
    (tmp_path / "overlay.yaml").write_text(overlay, encoding="utf-8")
    result = here("fit", "overlay.yaml", "--write")
    message = assert_bad_input(result)
    lines = message.strip().splitlines()
    assert len(lines) == 2, message  # the threshold, and the weekday volumes on one line
    assert all(line.startswith("desk.yaml:") for line in lines), message
    assert all("set in desk.yaml, which overlay.yaml extends" in line for line in lines)
    assert ": customers.satisfaction.dissatisfied_below: " in lines[0]
    assert ": demand.contact_types.complaint.daily_volume.{mon,tue,wed,thu,fri}: " in lines[1]
    assert (tmp_path / "overlay.yaml").read_text(encoding="utf-8") == overlay


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--workers", "0"], "argument --workers: '0' is not a whole number above 0"),
        (
            ["--write", "--workers", "two"],
            "argument --workers: 'two' is not a whole number above 0",
        ),
        (["--dry-run"], "unrecognized arguments: --dry-run"),
        (
            ["-p", "fit.evaluation.replications=1"],
            "override -p fit.evaluation.replications=1: fit.evaluation.replications: 1 is not "
            "allowed: must be >= 2 (replications of each trial (at least 2, for the CIs))",
        ),
    ],
    ids=["zero-workers", "not-a-number", "unknown-option", "bad-override"],
)
def test_fit_refuses_bad_options(
    tmp_path: Path, here: Callable[..., Result], args: list[str], expected: str
) -> None:
    (tmp_path / "desk.yaml").write_text(commented_desk(), encoding="utf-8")
    message = assert_bad_input(here("fit", "desk.yaml", *args))
    assert message.strip().splitlines()[-1].endswith(expected), message


def test_fit_of_a_missing_file(here: Callable[..., Result]) -> None:
    message = assert_bad_input(here("fit", "nowhere.yaml"))
    assert message.strip() == "nowhere.yaml: not found"
