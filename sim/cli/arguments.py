"""Argument types for the command line: numbers with a lower bound, with messages that say why;
the scenario override option ``-p KEY=VALUE``; the options every batch of points shares (sweeps and
sensitivity studies); and the deprecated ``notebook -p KEY VALUE`` form read as ``-p KEY=VALUE``."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

_NEGATIVE_NUMBER = re.compile(r"-\d|-\.\d")


def add_override(parser: argparse.ArgumentParser) -> None:
    """Add ``-p/--param KEY=VALUE`` (repeatable) setting a scenario parameter by its dotted path."""
    parser.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a parameter by its dotted path, e.g. -p staffing.tier1.headcount_scale=1.1 "
        "-p calendar.horizon_days=28 (repeatable; VALUE is read as YAML)",
    )


def add_resume_options(parser: argparse.ArgumentParser, folder: str, kept: str) -> None:
    """``--out`` (the parent of ``folder``) and ``--resume`` (go on from the ``kept`` already in
    it), for a command that keeps its work as it finishes outside the sweep machinery."""
    add_out_option(parser, folder)
    parser.add_argument(
        "--resume", action="store_true", help=f"go on from the {kept} already in {folder}"
    )


def add_out_option(parser: argparse.ArgumentParser, folder: str) -> None:
    """``--out``: the parent of ``folder`` (default ``outputs``)."""
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        default=Path("outputs"),
        help=f"parent of {folder} (default: outputs)",
    )


def add_batch_options(parser: argparse.ArgumentParser, batch: str, folder: str) -> None:
    """Add what a batch of points on the sweep machinery takes: where it runs (``--dask-local`` or
    ``--dask-scheduler``, ``--dask-timeout-s``), ``--resume``, ``--force``, ``--rerun-changed``,
    ``--out`` (the parent of ``folder``), ``--yes`` and ``--point-timeout-s``; ``batch`` names it
    in the help (a sweep, a study)."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--dask-local",
        action="store_true",
        help="run on a dask.distributed LocalCluster (pip install '.[cluster]')",
    )
    where.add_argument(
        "--dask-scheduler",
        metavar="ADDRESS",
        help="run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786; results "
        "come back to this machine (no shared file system needed)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help=f"finish an interrupted {batch}: points already finished are kept",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help=f"delete an existing {batch} of the same name and start over",
    )
    parser.add_argument(
        "--rerun-changed",
        action="store_true",
        help="with --resume: rerun the finished points whose settings (scenario, seed, "
        "replications, engine version) changed since they ran, instead of refusing",
    )
    add_out_option(parser, folder)
    parser.add_argument(
        "--yes",
        action="store_true",
        help=f"run {batch} past the size limits (10,000 points or 20 GB of output, estimated "
        "before anything runs)",
    )
    parser.add_argument(
        "--point-timeout-s",
        type=positive_float,
        metavar="S",
        default=None,
        help="fail a point that gives no result within S seconds and replace its worker "
        "(default: no limit)",
    )
    parser.add_argument(
        "--dask-timeout-s",
        type=positive_float,
        metavar="S",
        default=10.0,
        help="how long to wait for the Dask scheduler to answer (default: 10)",
    )


def run_options(args: argparse.Namespace, **extra: Any) -> Any:
    """The :class:`~sim.experiments.sweep.RunOptions` of the batch options parsed from ``args``
    (see :func:`add_batch_options`), with ``extra`` fields."""
    import os
    import sys

    from sim.experiments.sweep import RunOptions

    return RunOptions(
        workers=args.workers or os.cpu_count() or 1,
        resume=args.resume,
        force=args.force,
        rerun_changed=args.rerun_changed,
        yes=args.yes,
        dask_scheduler=args.dask_scheduler,
        dask_local=args.dask_local,
        dask_timeout_s=args.dask_timeout_s,
        point_timeout_s=args.point_timeout_s,
        progress=sys.stderr.isatty(),
        **extra,
    )


def at_least(kind: type, low: float, strictly: bool = False) -> Callable[[str], Any]:
    """An argparse ``type=`` converting with ``kind`` (int or float) and requiring a finite value
    of at least ``low`` (above it when ``strictly``)."""
    noun = "a whole number" if kind is int else "a number"
    what = f"{noun} above {low:g}" if strictly else f"{noun}, {low:g} or more"

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not math.isfinite(value) or value < low or (strictly and value == low):
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
        return value

    return parse


positive_int = at_least(int, 0, strictly=True)
non_negative_int = at_least(int, 0)
positive_float = at_least(float, 0.0, strictly=True)


def fraction(text: str) -> float:
    """An argparse ``type=`` for a share strictly between 0 and 1 (e.g. 0.8 for 80%)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share between 0 and 1") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a share between 0 and 1 (write 0.8 for 80%)"
        )
    return value


def iso_date(text: str) -> dt.date:
    """An argparse ``type=`` for a calendar date written YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def join_legacy_params(argv: Sequence[str]) -> tuple[list[str], bool]:
    """The arguments with ``notebook``'s older ``-p KEY VALUE`` pairs written ``-p KEY=VALUE``,
    and whether there was any.

    Only the ``notebook`` command had that form: elsewhere the arguments are returned as they are.
    A ``-p`` whose value has no ``=`` takes the next argument as its value unless that is an
    option (a negative number is a value, as argparse reads it).
    """
    args = list(argv)
    if not args or args[0] != "notebook":
        return args, False
    out, legacy, i = [], False, 0
    while i < len(args):
        flag, value = _param_flag(args[i])
        if value is None:
            if flag is None:  # not -p at all
                out.append(args[i])
                i += 1
                continue
            if i + 1 >= len(args):  # a bare -p at the end: argparse says what is missing
                out.append(args[i])
                i += 1
                continue
            value, i = args[i + 1], i + 1
        nxt = args[i + 1] if i + 1 < len(args) else None
        if "=" not in value and nxt is not None and _is_value(nxt):
            value, i, legacy = f"{value}={nxt}", i + 1, True
        out += [flag, value]
        i += 1
    return out, legacy


def _param_flag(arg: str) -> tuple[str | None, str | None]:
    """(``-p``, its value when attached as in ``-pKEY=VALUE`` or ``--param=KEY=VALUE``) for a
    parameter option, (None, None) for any other argument."""
    if arg in ("-p", "--param"):
        return "-p", None
    if arg.startswith("--param="):
        return "-p", arg.removeprefix("--param=")
    if arg.startswith("-p") and not arg.startswith("--"):
        return "-p", arg[2:]
    return None, None


def _is_value(arg: str) -> bool:
    return not arg.startswith("-") or bool(_NEGATIVE_NUMBER.match(arg))
