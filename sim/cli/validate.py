"""``python -m sim validate-log``: re-simulate a logged period and compare it with what happened.

Reads contact-log files with a log schema, re-simulates their period with the calibrated scenario
in one of three modes (:mod:`sim.logs.plan`): ``trace`` (observed arrivals, staffing inferred from
the validated log), ``planned-staffing`` (observed arrivals, the scenario's roster) or ``forecast``
(a forecast made before the period, ``--forecast FILE``, and the scenario's roster). Prints
observed vs simulated vs Erlang A per hour of the day and overall, and writes the numbers
(Parquet, CSV, JSON, each with the mode) and the charts (PNG and SVG, the mode in their titles)
into an output folder. With ``--json`` it prints one JSON object instead of the tables. Exit status
0 on success, 2 when the log, the schema, the scenario, the forecast or the holiday calendar cannot
be used.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from sim.cli.arguments import at_least
from sim.cli.boundary import EXIT_BAD_INPUT, strict_json
from sim.cli.calibrate import (
    add_log_arguments,
    add_staffing_rule_arguments,
    staffing_rule_problem,
)
from sim.cli.forecast import add_holidays_argument
from sim.logs.duty_rule import IDLE_MAX_MIN, SLACK_MIN
from sim.logs.log_schema import LogError
from sim.logs.modes import MODES
from sim.scenario.errors import ScenarioError
from sim.scenario.loading import load_scenario


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``validate-log`` command on ``subparsers`` (from ``add_subparsers``)."""
    parser = subparsers.add_parser(
        "validate-log",
        help="re-simulate a contact log's period and compare with what happened",
        description="Re-simulate the period of the contact-log files with a calibrated "
        "scenario; handle times, patience and wrap-up are the scenario's, the calls and agents "
        "come from the mode: trace (observed calls, agents inferred from the validated log: the "
        "desk model given what happened), planned-staffing (observed calls, the scenario's "
        "roster and opening hours) or forecast (calls forecast before the period, --forecast, "
        "and the scenario's roster: a prediction). Prints observed vs simulated (95% CI) vs "
        "Erlang A per hour of the day and overall (abandonment, mean wait of answered and of "
        "abandoned calls, share answered without waiting, service level) and writes "
        "the numbers and charts to an output folder. Method: docs/validation.md.",
    )
    add_log_arguments(parser)
    parser.add_argument(
        "--scenario",
        type=Path,
        default=Path("params/calibrated.yaml"),
        metavar="FILE",
        help="calibrated scenario (python -m sim calibrate; default: params/calibrated.yaml)",
    )
    parser.add_argument(
        "--replications",
        type=at_least(int, 2),
        default=10,
        metavar="R",
        help="replications of the period (default: 10)",
    )
    parser.add_argument(
        "--seed",
        type=at_least(int, 0),
        default=None,
        metavar="S",
        help="master seed (default: the scenario's)",
    )
    parser.add_argument(
        "--mode",
        choices=tuple(MODES),
        default="trace",
        help="where the calls and agents come from: "
        + "; ".join(f"{m}: {what}" for m, what in MODES.items())
        + " (default: trace)",
    )
    parser.add_argument(
        "--forecast",
        type=Path,
        default=None,
        metavar="FILE",
        help="with --mode forecast: the forecast of the period (python -m sim forecast --out)",
    )
    add_holidays_argument(parser)
    add_staffing_rule_arguments(parser, default="the scenario's, else")
    parser.add_argument(
        "--workers",
        type=at_least(int, 1),
        default=None,
        metavar="W",
        help="worker processes (default: all cores)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="output folder (default: a new outputs/validate-log-<timestamp>/)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit status."""
    from sim.experiments.store import new_run_dir
    from sim.logs.contact_log import read_logs
    from sim.logs.forecast import read_forecast
    from sim.logs.holidays import load_holidays
    from sim.logs.scenario_file import exponential_patience_s, staffing_rule
    from sim.logs.validation import validate
    from sim.plotting.export import export_all
    from sim.plotting.validation import validation_figures

    problem = _mode_problem(args)
    if problem:
        print(f"python -m sim validate-log: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        scenario = load_scenario(args.scenario)
        scenario_text = args.scenario.read_text(encoding="utf-8")
    except ScenarioError as err:
        print(f"python -m sim validate-log: --scenario {args.scenario}: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"python -m sim validate-log: --scenario: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    recorded = staffing_rule(scenario_text) or {}
    slack_min = (
        args.slack_min if args.slack_min is not None else recorded.get("slack_min", SLACK_MIN)
    )
    idle_max_min = (
        args.idle_max_min
        if args.idle_max_min is not None
        else recorded.get("idle_max_min", IDLE_MAX_MIN)
    )
    problem = staffing_rule_problem(slack_min, idle_max_min)
    if problem:
        print(f"python -m sim validate-log: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        forecast = read_forecast(args.forecast) if args.mode == "forecast" else None
        log = read_logs(args.logs, args.schema)
        holidays = load_holidays(args.holidays, log.schema) if args.mode != "trace" else None
        if not args.json:
            print(log.report.describe())
            print()
        result = validate(
            log,
            scenario,
            mode=args.mode,
            forecast=forecast,
            holidays=holidays,
            replications=args.replications,
            seed=args.seed,
            slack_min=slack_min,
            idle_max_min=idle_max_min,
            erlang_patience=exponential_patience_s(scenario_text),
            workers=args.workers or os.cpu_count() or 1,
        )
    except LogError as err:
        print(f"python -m sim validate-log: cannot validate: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    out = args.out or new_run_dir(Path("outputs"), "validate-log")
    files = result.write(out) + export_all(validation_figures(result), out)
    if args.json:
        print(json.dumps(strict_json(result.to_json()), indent=2))
    else:
        print(result.table())
        print(f"\nwrote {len(files)} files to {out}")
    return 0


def _mode_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the mode's options, or None."""
    if args.mode == "forecast" and args.forecast is None:
        return "--mode forecast needs --forecast FILE (python -m sim forecast --out FILE)"
    if args.mode != "forecast" and args.forecast is not None:
        return f"--forecast is for --mode forecast, not --mode {args.mode}"
    return None
