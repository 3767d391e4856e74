"""Every ``python -m sim`` command that the README, the tutorial and the CLI help show runs.

The commands are extracted from the text (code blocks, inline code and the ``examples:`` of every
``--help``), then run as written (through the command line's entry point, in this process) from a
scratch copy of the project's ``params/``, with only what makes them quick added: a three-day
horizon and a small customer base, two replications, a two-point sweep and a tiny sensitivity
design. Placeholders a reader replaces (a run folder's timestamp, a corporate template) are
replaced by real ones.
"""

from __future__ import annotations

import argparse
import glob
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sim.cli.main import _parser
from tests.entry import run_main

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = ("README.md", "docs/tutorial.md")
SIM = re.compile(r"(?:\.venv/bin/)?python -m sim ([a-z-]+)(.*)")
TINY = {
    "calendar.horizon_days": 3,
    "customers.accounts": 2000,
    "customers.warm_start.burn_in_days": 0,
}
TINY_SENSITIVITY = {
    "overrides": TINY,
    "replications": 2,
    "morris.trajectories": 2,
    "morris.parameters": [
        "customers.satisfaction.bad_weight",
        "customers.complaints.complain_prob",
    ],
    "sobol.samples": 2,
    "sobol.parameters": ["customers.satisfaction.bad_weight"],
}
TINY_OPTIMISE = {
    "overrides": TINY,
    "day_parts": [{"from_h": 8, "to_h": 14, "scales": [0.8, 1.2]}],
    "recovery": [],
    "selection.n0": 2,
    "selection.max_replications": 2,
    "selection.delta": 1e9,  # a tie at once: two replications settle it
}
FAST_COMMANDS = {"check", "erlang", "schema"}
"""Commands that need nothing made quick."""
SLOW_COMMANDS = {"fit"}
"""Commands that take minutes however they are called, run with the long tests: a fit of the
baseline simulates trials of half a year, and on a tiny horizon there is nothing to fit."""
SLOW_SHOWN = ("validate-log data/anonymous-bank-1999/1999-0[4-7]-",)
"""Documented commands run with the long tests, by their start: the April–July validation
re-simulates four months (about 35 s on tiny settings); the one-month ``validate-log`` shown
beside it runs in ``make test``."""
PLACEHOLDER_RUN = re.compile(r"outputs/[\w-]*<timestamp>/?")
INPUTS = ("--scenario", "--forecast")
"""Options naming a file another documented command writes (with ``--out``)."""


def markdown_snippets(path: Path) -> list[str]:
    """A Markdown file's inline code and the lines of its code blocks (continuations joined)."""
    text = path.read_text(encoding="utf-8")
    blocks = re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.DOTALL)
    prose = re.sub(r"```[a-z]*\n.*?```", "", text, flags=re.DOTALL)
    lines = [line for block in blocks for line in block.replace("\\\n", " ").splitlines()]
    return lines + re.findall(r"`([^`]+)`", prose.replace("\n", " "))


def help_examples() -> dict[str, str]:
    """The ``examples:`` lines of ``python -m sim --help`` and of every command's help."""
    parser = _parser()
    [commands] = [a.choices for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    texts = {"python -m sim --help": parser.epilog or ""}
    texts |= {f"python -m sim {name} --help": p.epilog or "" for name, p in commands.items()}
    return {where: text.replace("\\\n", " ") for where, text in texts.items()}


def documented_commands() -> dict[str, str]:
    """Each distinct documented command line (from ``python -m sim``), with where it is shown."""
    sources = {doc: markdown_snippets(REPO / doc) for doc in DOCUMENTS}
    sources |= {where: text.splitlines() for where, text in help_examples().items()}
    found: dict[str, str] = {}
    for where, lines in sources.items():
        for line in lines:
            match = SIM.search(line)
            words = match.group(2).split() if match else []
            placeholder = any(word.isupper() for word in words)  # FILE, KEY=VALUE, COMMAND, ...
            if words and not placeholder:  # a bare `python -m sim slides` names, not shows
                command = f"{match.group(1)}{match.group(2)}".split(" # ")[0].strip()
                found.setdefault(" ".join(command.split()), where)
    return found


COMMANDS = documented_commands()


def test_the_documents_show_every_command() -> None:
    shown = {command.split()[0] for command in COMMANDS}
    everything = {"run", "check", "compare", "sweep", "notebook", "sensitivity", "erlang", "fit"}
    assert everything | {"slides", "calibrate", "validate-log"} <= shown, shown
    overrides = [part.split()[0] for c in COMMANDS for part in c.split(" -p ")[1:]]
    assert len(overrides) >= 6 and all("=" in o for o in overrides), overrides  # -p KEY=VALUE
    assert not any("staffing.tier1.agents" in c for c in COMMANDS)  # per-interval roster


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch folder laid out like the project (params copied, data and notebooks linked)
    with one finished run of the baseline in ``outputs/`` and a template deck, for the
    placeholders."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(REPO / "params", root / "params")
    for shared in ("data", "notebooks"):
        (root / shared).symlink_to(REPO / shared)
    for sweep in (root / "params" / "sweeps").glob("*.yaml"):
        spec = yaml.safe_load(sweep.read_text(encoding="utf-8"))
        spec["overrides"] = {**spec.get("overrides", {}), **TINY}
        spec["replications"] = 2
        grid = spec["grid"].items()  # two points: the first parameter's first two values
        spec["grid"] = {key: values[: 2 if i == 0 else 1] for i, (key, values) in enumerate(grid)}
        sweep.write_text(yaml.safe_dump(spec), encoding="utf-8")
    run_sim(root, ["run", "params/baseline.yaml", *tiny_scenario_options("run")])
    from pptx import Presentation

    Presentation().save(str(root / "corporate.pptx"))
    return root


def run_sim(cwd: Path, argv: list[str]) -> subprocess.CompletedProcess[str]:
    if starts_kernels(argv):  # a new process, as forked workers that start kernels can hang
        done = subprocess.run(
            [sys.executable, "-m", "sim", *argv],
            cwd=cwd,
            check=False,
            capture_output=True,
            text=True,
            timeout=600,
        )
    else:
        done = run_main(argv, cwd)
    assert done.returncode == 0, f"python -m sim {shlex.join(argv)}\n{done.stderr[-3000:]}"
    return done


def starts_kernels(argv: list[str]) -> bool:
    """Whether the command executes notebooks (``notebook``, a sweep on the papermill engine):
    these run as new processes, as a user runs them, and the others in this one."""
    return argv[0] == "notebook" or (argv[0] == "sweep" and "direct" not in argv)


def tiny_scenario_options(command: str) -> list[str]:
    """Options making ``command`` quick, appended after the documented ones (the last wins)."""
    overrides = [x for key, value in TINY.items() for x in ("-p", f"{key}={value}")]
    match command:
        case "run" | "compare":
            return [*overrides, "--replications", "2"]
        case "notebook":
            return ["-p", f"overrides={json.dumps(TINY)}", "-p", "replications=2"]
        case "sensitivity":
            return [x for k, v in TINY_SENSITIVITY.items() for x in ("-p", f"{k}={json.dumps(v)}")]
        case "optimise":
            return [x for k, v in TINY_OPTIMISE.items() for x in ("-p", f"{k}={json.dumps(v)}")]
        case "validate-log":
            return ["--replications", "2"]
        case "calibrate":
            return ["--horizon-days", "3"]
        case "roster":  # a week, so that every weekday is scheduled
            week = {**TINY, "calendar.horizon_days": 7}
            quick = [x for key, value in week.items() for x in ("-p", f"{key}={value}")]
            return [*quick, "--replications", "2", "--rounds", "1"]
    return []


def quick(command: str, project: Path) -> list[str]:
    """The documented command as argv, with placeholders filled and made quick."""
    command = PLACEHOLDER_RUN.sub(str(next((project / "outputs").glob("baseline-*"))), command)
    argv = []
    for word in shlex.split(command):
        argv += sorted(glob.glob(str(project / word))) if "*" in word else [word]
    name = argv[0]
    if name == "compare" and "--max-replications" in argv:
        argv[argv.index("--max-replications") + 1] = "3"
    if name in ("run", "compare") and "--replications" in argv:
        at = argv.index("--replications")
        del argv[at : at + 2]
    return [*argv, *tiny_scenario_options(name)]


def prerequisites(command: str, project: Path) -> list[str]:
    """The documented commands that write what ``command`` reads (as a reader runs them first):
    the calibration a validation checks and the forecast it takes, the run a glob such as
    ``outputs/tour/baseline-*/`` names."""
    before = []
    words = shlex.split(command)
    needed = {option: words[words.index(option) + 1] for option in INPUTS if option in words}
    if words[0] == "validate-log":
        needed.setdefault("--scenario", "params/calibrated.yaml")
    for path in needed.values():
        if not (project / path).is_file():
            before += [c for c in COMMANDS if f"--out {path}" in c][:1]
    for word in words:
        if "*" in word and not glob.glob(str(project / word)):
            folder = str(Path(word.split("*")[0]).parent)
            before += [c for c in COMMANDS if c.startswith("run") and f"--out {folder}" in c][:1]
    return before


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(c, marks=pytest.mark.long)
        if c.split()[0] in SLOW_COMMANDS or c.startswith(SLOW_SHOWN)
        else c
        for c in sorted(COMMANDS)
    ],
    ids=lambda c: c[:60],
)
def test_documented_command_runs(command: str, project: Path) -> None:
    where = COMMANDS[command]
    for before in prerequisites(command, project):
        run_sim(project, quick(before, project))
    argv = quick(command, project)
    if argv[0] in ("sweep", "sensitivity", "optimise", "roster"):  # each starts afresh
        shutil.rmtree(project / "outputs" / {"sweep": "sweeps"}.get(argv[0], argv[0]), True)
    try:
        run_sim(project, argv)
    except AssertionError as failure:
        raise AssertionError(f"{where} shows `python -m sim {command}`, which fails") from failure
