"""``python -m sim sensitivity``: a global sensitivity study from a YAML file.

Samples the study's parameter ranges (Morris and/or Sobol, with SALib), runs every sample as a
sweep point (local processes or Dask, resumable), and prints each KPI's parameters ranked by
influence, with confidence intervals, and how often policy A beats policy B across the ranges.
Exit status 0 when every point finished, 1 when some failed (the rest is kept: ``--resume``), 2
on a bad file or folder (one line per problem), 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sim.cli.arguments import add_batch_options, positive_int, run_options


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``sensitivity`` command on ``subparsers`` (from ``add_subparsers``)."""
    parser = subparsers.add_parser(
        "sensitivity",
        help="which assumptions drive the KPIs: Morris / Sobol over their ranges",
        description="Run the global sensitivity study SPEC (params/sensitivity/*.yaml): sample "
        "the parameter ranges (Morris elementary effects and/or Sobol indices, with SALib), run "
        "every sample as a sweep point (with both policies of 'compare', same seed) and write "
        "outputs/sensitivity/<name>/: samples.parquet (every sample's parameters and KPIs), "
        "indices.parquet (mu*, sigma, S1, ST with 95% CIs), wins.parquet (how often policy A "
        "beats B), sweep/ (the points) and manifest.json. Prints the parameters ranked by "
        "influence per KPI. Finished points are never lost: after a crash or Ctrl-C, run again "
        "with --resume.",
    )
    parser.add_argument("spec", type=Path, help="study file (see params/sensitivity/)")
    parser.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a setting of the study by its dotted path, e.g. -p replications=3 "
        "-p sobol.samples=16 (repeatable; VALUE is read as YAML)",
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        metavar="N",
        default=None,
        help="points run at once (default: all cores); results do not depend on it",
    )
    add_batch_options(parser, "study", "sensitivity/<name>/")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit status."""
    from sim.experiments.report import sensitivity_table
    from sim.experiments.sensitivity import run_sensitivity

    study = run_sensitivity(args.spec, args.out, run_options(args), overrides=args.param)
    print(sensitivity_table(study.spec, study.analysis, study.wall_s))
    print(f"\nwrote {study.out_dir}/")
    if study.failed:
        print(
            f"{len(study.failed)} of {len(study.statuses)} points did not finish (see "
            f"{study.out_dir / 'sweep' / 'points.parquet'} and sweep/runs/<point>/error.txt); "
            "run again with --resume",
            file=sys.stderr,
        )
        return 1
    return 0
