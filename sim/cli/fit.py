"""``python -m sim fit``: calibrate a scenario by simulation, as its ``fit:`` section declares.

Moves the section's parameters until its targets are met (:mod:`sim.experiments.fit`: common
random numbers, a finite-difference Jacobian, then Broyden-updated Newton steps inside the
ranges), printing every trial as it finishes, then the targets beside the fitted values and how
sensitive each fitted value is. With ``--write`` the fitted values are written into the file where
they stand and the outcome under ``fit.result``, every comment and other line kept. Exit status 0
when every target is met (and, with ``--write``, the file written), 1 when not (nothing written),
2 on a bad file or option (one line per problem), 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import sys
from pathlib import Path
from typing import Any

from sim.cli.arguments import add_override, positive_int
from sim.cli.boundary import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INTERRUPTED


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``fit`` command on ``subparsers`` (from ``add_subparsers``)."""
    parser = subparsers.add_parser(
        "fit",
        help="calibrate a scenario by simulation, as its fit: section declares",
        description="Find values of the parameters named in SCENARIO's fit: section that meet "
        "its targets (yearly loss, dissatisfied share, complaint rate, advocates, change of "
        "the base, ...), simulating every trial with the same seed: a finite-difference "
        "Jacobian, then Newton steps clipped to the ranges with Broyden updates. Prints every "
        "trial, the targets achieved with their 95% CIs beside the fitted values with their "
        "uncertainty, and how much each fitted value moves per 10% change of each target.",
    )
    parser.add_argument("scenario", type=Path, help="scenario file with a fit: section")
    add_override(parser)
    parser.add_argument(
        "--write",
        action="store_true",
        help="write the fitted values into SCENARIO where they are written and the outcome "
        "under fit.result (comments and other lines kept); refused for values set in a file "
        "it extends",
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        metavar="N",
        default=None,
        help="processes running each trial's replications (default: all cores); results do "
        "not depend on it",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit status."""
    from sim.experiments.fit import (
        FitError,
        Trial,
        check_fit_writable,
        fit,
        fit_order,
        load_fit,
        write_fit,
    )
    from sim.experiments.report import fit_table, fit_trial_lines

    scenario = load_fit(args.scenario, args.param)
    if args.write:
        check_fit_writable(args.scenario, scenario)
    spec = scenario.fit
    assert spec is not None
    targets, parameters = fit_order(spec)
    limit = spec.evaluation.max_evaluations

    def progress(trial: Trial) -> None:
        print(fit_trial_lines(targets, parameters, trial, limit), flush=True)

    try:
        outcome = fit(scenario, workers=args.workers or 0, on_trial=progress)
    except FitError as err:
        print(f"{args.scenario}: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("\ninterrupted: nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED
    print()
    print(fit_table(outcome))
    if not outcome.converged:
        if args.write:
            print(f"\nnot written: {args.scenario} is unchanged", file=sys.stderr)
        return EXIT_FAILED
    if args.write:
        overrides = [word for value in args.param for word in ("-p", value)]
        command = shlex.join(
            ["python", "-m", "sim", "fit", str(args.scenario), *overrides, "--write"]
        )
        write_fit(args.scenario, scenario, outcome, command, dt.date.today())
        print(f"\nwrote the fitted values and fit.result into {args.scenario}")
    return 0
