"""``python -m sim optimise``: the staffing and recovery choice with the most net value, selected
with stated confidence, beside the choice a service-level target makes.

Runs an optimisation file (``params/optimise/*.yaml``): every combination of roster scales per
day part and recovery policy is a candidate, simulated with common random numbers and screened by
the KN procedure until one is left (or the budget runs out). Prints each candidate's replications
and mean staffing cost, service level, customers lost to service and net value (95% CIs), marks
the selected candidate, the service-level choice and the cost–customers frontier, and writes
``outputs/optimise/<name>/``. Every observation is kept as it finishes: after a crash or Ctrl-C,
run again with ``--resume``. Exit status 0 when the selection resolved, 1 when the budget ran out
first, 2 on a bad file or folder, 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.cli.arguments import add_resume_options, positive_int
from sim.cli.boundary import EXIT_FAILED


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``optimise`` command on ``subparsers`` (from ``add_subparsers``)."""
    parser = subparsers.add_parser(
        "optimise",
        help="the staffing and recovery choice with the most net value, with stated confidence",
        description="Search the candidates of SPEC (roster scales per day part × recovery "
        "policies) for the largest mean net value: all simulated with the same seed, screened "
        "by the KN procedure (Kim & Nelson 2001) until one is left, which is then the best or "
        "within delta of it with probability at least 1 − alpha. Prints every candidate with "
        "95% CIs, the service-level choice (the cheapest candidate meeting the service-level "
        "target) and the cost–customers frontier; writes outputs/optimise/<name>/.",
    )
    parser.add_argument("spec", type=Path, help="optimisation file (see params/optimise/)")
    parser.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a setting of the file by its dotted path, e.g. -p selection.n0=5 "
        "-p overrides={calendar.horizon_days: 28} (repeatable; VALUE is read as YAML)",
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        metavar="N",
        default=1,
        help="replications simulated at once (default 1); results do not depend on it",
    )
    add_resume_options(parser, "optimise/<name>/", "observations")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit status."""
    from sim.experiments.optimise_store import run_optimisation
    from sim.experiments.report import optimise_table

    result, folder = run_optimisation(args.spec, args.out, args.workers, args.resume, args.param)
    print(optimise_table(result))
    print(f"\nwrote {folder}/")
    return 0 if result.selection.resolved else EXIT_FAILED
