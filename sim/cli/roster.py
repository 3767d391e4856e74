"""``python -m sim roster``: the least-cost week of shifts for a scenario's requirements, optionally
corrected by simulation, written back as a scenario the simulation runs as it is.

Reads SCENARIO's ``rostering:`` section (the group to schedule, its catalogue of shift types and
limits). The requirement per weekday and interval is what the group's roster puts on shift, over
the horizon's weeks combined by ``--statistic``: write the group's roster as a queueing roster
(``erlang_c``, ``erlang_a``, ``square_root``) to schedule for a service-level target. Prints the
schedule (shift types, starts, days, breaks, agents, weekly cost) and any requirement left unmet.
With ``--correct`` it simulates the schedule and raises the requirement where the front line's
service level falls short of the target with confidence, re-solving, round by round (Feldman et
al. 2008); each round is kept in ``outputs/roster/<scenario name>/`` as it finishes, with the
achieved service level per interval, and ``--resume`` goes on from them. With ``--write FILE`` it
writes a scenario extending SCENARIO with the roster. Exit status 0; 1 when requirements are left
unmet or the correction did not reach the target; 2 on a bad file or option.
"""

from __future__ import annotations

import argparse
import itertools
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.cli.arguments import add_override, add_resume_options, positive_int
from sim.cli.boundary import EXIT_FAILED

if TYPE_CHECKING:
    from sim.experiments.roster_correction import CorrectedRoster, CorrectionRound
    from sim.experiments.roster_schedule import RosterProblem


def _statistic(text: str) -> str | float:
    if text in ("max", "mean"):
        return text
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"{text!r}: use max, mean or a quantile in (0, 1)")
    return value


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``roster`` command on ``subparsers`` (from ``add_subparsers``)."""
    parser = subparsers.add_parser(
        "roster",
        help="the least-cost shift schedule for a scenario, optionally corrected by simulation",
        description="Schedule the group named in SCENARIO's rostering: section from its catalogue "
        "of shift types, at least cost, to cover per weekday and interval what the group's "
        "roster puts on shift (an integer program solved by HiGHS). --correct simulates the "
        "schedule and raises the requirement where the service level falls short with "
        "confidence, re-solving until no interval does; --write FILE writes a scenario that "
        "extends SCENARIO with the scheduled roster.",
    )
    parser.add_argument("scenario", type=Path, help="scenario file with a rostering: section")
    add_override(parser)
    parser.add_argument(
        "--statistic",
        type=_statistic,
        default="max",
        help="how the weeks of the horizon combine into one week's requirement: max (cover "
        "the busiest week, the default), mean, or a quantile such as 0.9",
    )
    parser.add_argument(
        "--correct", action="store_true", help="correct the schedule by simulation, round by round"
    )
    parser.add_argument(
        "--replications",
        type=positive_int,
        default=10,
        help="replications per correction round (default 10)",
    )
    parser.add_argument(
        "--rounds", type=positive_int, default=6, help="most correction rounds (default 6)"
    )
    parser.add_argument(
        "--step",
        choices=("load", "one"),
        default="load",
        help="how far a short interval's requirement rises: load (the default) half the way to "
        "what Erlang asks for the calls the simulated desk was offered there, at least one "
        "agent; one (one agent a round: cheapest, slowest)",
    )
    parser.add_argument(
        "--workers", type=positive_int, default=1, help="replications at once (default 1)"
    )
    add_resume_options(parser, "roster/<scenario name>/", "correction rounds")
    parser.add_argument("--write", type=Path, metavar="FILE", help="write the scheduled scenario")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit status."""
    from sim.experiments.report import schedule_table
    from sim.experiments.roster_file import roster_scenario_text
    from sim.experiments.roster_schedule import roster_problem
    from sim.scenario.loading import load_scenario

    scenario = load_scenario(args.scenario, args.param)
    problem = roster_problem(scenario, args.scenario, args.statistic)
    scheduled = problem.schedule()
    print(schedule_table(scheduled))
    met = not scheduled.unmet.any()
    if args.correct:
        outcome = _correct(args, problem)
        scheduled = outcome.rounds[-1].scheduled
        if len(outcome.rounds) > 1:
            print(schedule_table(scheduled))
        met = met and outcome.met
    if args.write is not None:
        command = shlex.join(["python", "-m", "sim", "roster", *map(str, _argv(args))])
        header = [
            f"Generated by `{command}`: {problem.group}'s roster scheduled at "
            f"{scheduled.cost:,.0f} a week.",
            "Everything else is the scenario it extends.",
        ]
        text = roster_scenario_text(
            args.scenario, args.write, scenario, problem.group, scheduled.roster, header
        )
        args.write.write_text(text, encoding="utf-8")
        print(f"\nwrote {args.write}")
    return 0 if met else EXIT_FAILED


def _correct(args: argparse.Namespace, problem: RosterProblem) -> CorrectedRoster:
    """Correct the schedule by simulation, keeping each round in the output folder."""
    from sim.experiments.report import correction_line, correction_summary
    from sim.experiments.roster_store import CorrectionFolder
    from sim.scenario.loading import scenario_hash

    scenario = problem.scenario
    identity = {
        "parameters_hash": scenario_hash(scenario),
        "group": problem.group,
        "statistic": args.statistic,
        "replications": args.replications,
        "seed": scenario.simulation.seed,
        "step": args.step,
    }
    target = scenario.standards.service_level_target
    folder = CorrectionFolder(args.out / "roster" / scenario.name, identity, target, args.resume)
    numbers = itertools.count(1)

    def report(done: CorrectionRound) -> None:
        number = next(numbers)
        folder.keep(number, done)
        print(correction_line(number, done), flush=True)

    outcome = problem.correct(
        args.replications, args.rounds, args.workers, args.step, report, folder.kept
    )
    folder.finish(outcome, problem.interval_min, scenario.name)
    print(correction_summary(outcome))
    print(f"wrote {folder.folder}/")
    return outcome


def _argv(args: argparse.Namespace) -> list[object]:
    words: list[object] = [args.scenario]
    for value in args.param:
        words += ["-p", value]
    if args.statistic != "max":
        words += ["--statistic", args.statistic]
    if args.correct:
        words += ["--correct", "--replications", args.replications, "--rounds", args.rounds]
        words += ["--step", args.step]
    return [*words, "--write", args.write]
