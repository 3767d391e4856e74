"""``python -m sim calibrate``: turn a contact log into a scenario file.

Reads one or more log files with a log schema (a preset name such as ``anonymous-bank``, or a
YAML file; see :mod:`sim.logs.contact_log`), prints the cleaning report and a summary of the fits,
and
writes a commented scenario YAML (see :mod:`sim.logs.calibrate`) that ``python -m sim run`` accepts
as it is. A contact type (or hour band) whose handle time or patience borrows a pooled fit (too
few calls, or no spread) is a warning on stderr. Exit status 0 on success, 2 when the log or schema
cannot be read or calibrated (one line per problem).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from sim.cli.arguments import at_least
from sim.cli.boundary import EXIT_BAD_INPUT
from sim.logs.duty_rule import IDLE_MAX_MIN, SLACK_MIN
from sim.logs.log_schema import LogError, presets
from sim.scenario.scenario import Scenario


def _hours(text: str) -> tuple[int, ...]:
    """An argparse ``type=`` for comma-separated whole hours between 1 and 23."""
    try:
        hours = tuple(int(h) for h in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of whole hours") from None
    if not all(0 < h < 24 for h in hours):
        raise argparse.ArgumentTypeError(f"{text!r}: hours must be between 1 and 23")
    return hours


def _scenario_name(text: str) -> str:
    """An argparse ``type=`` accepting what ``Scenario.name`` accepts."""
    field = Scenario.model_fields["name"]
    try:
        return TypeAdapter(Annotated[str, *field.metadata]).validate_python(text)
    except ValidationError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a scenario name ({field.description})"
        ) from None


def add_log_arguments(parser: argparse.ArgumentParser) -> None:
    """The log files and their schema, as every log command takes them."""
    parser.add_argument("logs", type=Path, nargs="+", metavar="LOG", help="log files (.gz ok)")
    parser.add_argument(
        "--schema",
        required=True,
        metavar="SCHEMA",
        help=f"log schema: a preset ({', '.join(presets())}) or a YAML file",
    )


def add_staffing_rule_arguments(parser: argparse.ArgumentParser, default: str | None) -> None:
    """``--slack-min`` and ``--idle-max-min``: the settings of the staffing rule
    (:mod:`sim.logs.agent_activity`); ``default`` says where an omitted one comes from before the
    built-in default (None: the built-in default)."""
    source = f"{default} " if default else ""
    parser.add_argument(
        "--slack-min",
        type=at_least(float, 0.0),
        default=None if default else SLACK_MIN,
        metavar="N",
        help="staffing inference: a gap under 2N minutes between an agent's calls is after-call "
        "work (on duty), and N minutes before and after a stretch of calls count while nobody "
        f"waits (default: {source}{SLACK_MIN:g})",
    )
    parser.add_argument(
        "--idle-max-min",
        type=at_least(float, 0.0),
        default=None if default else IDLE_MAX_MIN,
        metavar="G",
        help="staffing inference: the longest gap between an agent's calls that counts as idle "
        "time on duty, while no caller waits; at least 2N "
        f"(default: {source}{IDLE_MAX_MIN:g})",
    )


def staffing_rule_problem(slack_min: float, idle_max_min: float) -> str | None:
    """Why the staffing-rule settings cannot be used, or None."""
    if idle_max_min < 2.0 * slack_min:
        return (
            f"--idle-max-min {idle_max_min:g} is shorter than twice --slack-min {slack_min:g}: "
            "a gap under 2N is after-call work, so the longest idle gap must be at least 2N"
        )
    return None


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``calibrate`` command on ``subparsers`` (from ``add_subparsers``)."""
    parser = subparsers.add_parser(
        "calibrate",
        help="calibrate a scenario from a contact log (ACD export)",
        description="Read contact-log files with a log schema, clean them (every quirk counted "
        "in the cleaning report) and estimate a scenario: arrivals by weekday and interval "
        "(abnormal days listed and left out), lognormal handle times, patience from censored "
        "waits, opening hours and agents on duty inferred from agent activity. The scenario "
        "file records where every number came from. Method: docs/validation.md.",
    )
    add_log_arguments(parser)
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("params/calibrated.yaml"),
        metavar="FILE",
        help="scenario file to write (default: params/calibrated.yaml)",
    )
    parser.add_argument(
        "--name",
        type=_scenario_name,
        default="calibrated",
        help="scenario name (default: calibrated)",
    )
    parser.add_argument(
        "--interval-min",
        type=int,
        choices=(15, 30, 60),
        default=30,
        help="planning interval in minutes (default: 30)",
    )
    add_staffing_rule_arguments(parser, default=None)
    parser.add_argument(
        "--horizon-days",
        type=at_least(int, 1),
        default=28,
        metavar="D",
        help="simulated days, from the first day of the log (default: 28)",
    )
    parser.add_argument(
        "--hour-bands",
        type=_hours,
        default=(),
        metavar="H[,H...]",
        help="split every contact type into hour bands at these whole hours (e.g. 20: before "
        "and from 20:00), each with its own volume, handle time and patience",
    )
    parser.add_argument(
        "--wrap-up",
        choices=("mean", "median"),
        default="mean",
        help="wrap-up from the gaps between an agent's calls while callers waited: the mean of "
        "the gaps under 2N (default), or the median of the gaps under an hour",
    )
    parser.add_argument(
        "--patience-ignores-queue",
        action="store_true",
        help="do not estimate how patience falls with the callers already waiting (by default "
        "it is estimated and written as demand.patience_factor_by_queue_ahead)",
    )
    parser.add_argument(
        "--answer-at-once",
        action="store_true",
        help="do not estimate the answer delay of callers who find a free agent but still wait "
        "(by default it is estimated and written as routing.answer_delay)",
    )
    parser.add_argument(
        "--patience-by-hour",
        action="store_true",
        help="also print the exponential patience estimate by hour of arrival",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit status."""
    from sim.logs.bands import POOLED
    from sim.logs.calibrate import calibrate
    from sim.logs.contact_log import read_logs

    problem = staffing_rule_problem(args.slack_min, args.idle_max_min)
    if problem:
        print(f"python -m sim calibrate: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        log = read_logs(args.logs, args.schema)
    except LogError as err:
        print(f"python -m sim calibrate: cannot read the log: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(log.report.describe())
    print()
    try:
        cal = calibrate(
            log,
            name=args.name,
            interval_min=args.interval_min,
            slack_min=args.slack_min,
            idle_max_min=args.idle_max_min,
            horizon_days=args.horizon_days,
            patience_by_hour=args.patience_by_hour,
            band_edges=args.hour_bands,
            wrap_up=args.wrap_up,
            queue_patience=not args.patience_ignores_queue,
            answer_delay=not args.answer_at_once,
        )
    except LogError as err:
        print(f"python -m sim calibrate: cannot calibrate: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(cal.summary())
    for fallback in cal.fallbacks:
        print(f"python -m sim calibrate: warning: {fallback.warning()}", file=sys.stderr)
    if args.patience_by_hour:
        print("  patience by hour of arrival (exponential MLE, all types):")
        for hour, (events, exposure_s, mean_s) in (cal.patience[POOLED].by_hour or {}).items():
            print(
                f"    {hour:02d}:00  {events:6,} abandoned  {exposure_s / 3600:8.1f} h waited  "
                f"mean {mean_s:6.0f} s"
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(cal.yaml_text, encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0
