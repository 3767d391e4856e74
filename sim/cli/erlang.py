"""``python -m sim erlang``: the Erlang C / Erlang A calculator.

Steady-state measures of one queue with exponential handle times (and patience, for Erlang A),
for a given team or for the fewest agents meeting targets, optionally checked against the
simulation engine run on the same desk.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from sim.cli.arguments import fraction, non_negative_int, positive_float, positive_int
from sim.cli.boundary import bad_input, strict_json

if TYPE_CHECKING:
    from sim.experiments.erlang_check import SimulatedErlang


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``erlang`` command on ``subparsers`` (from ``add_subparsers``)."""
    erl = subparsers.add_parser(
        "erlang",
        help="Erlang C / Erlang A calculator (optionally simulated)",
        description="Steady-state service measures of a single queue with exponential handle "
        "times: Erlang C (M/M/n) without --patience-min, Erlang A (M/M/n+M, exponential "
        "patience) with it. Give --agents for the service a team gives, or targets "
        "(--target-sl, --target-asa-s, --max-abandon) for the agents they need, with the "
        "occupancy and the FTE to roster after --shrinkage. --simulate runs the same desk "
        "through the simulation engine and prints analytic and simulated values side by side.",
        epilog="examples:\n"
        "  python -m sim erlang --arrivals-per-h 540 --aht-min 5 --agents 50\n"
        "  python -m sim erlang --arrivals-per-h 540 --aht-min 5 --target-sl 0.8 --shrinkage 0.3\n"
        "  python -m sim erlang --arrivals-per-h 540 --aht-min 5 --patience-min 4 \\\n"
        "      --target-asa-s 15 --max-abandon 0.03",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    erl.add_argument(
        "--arrivals-per-h",
        type=positive_float,
        required=True,
        metavar="X",
        help="calls arriving per hour",
    )
    erl.add_argument(
        "--agents", type=positive_int, metavar="N", help="agents answering (or give targets)"
    )
    erl.add_argument(
        "--target-sl",
        type=fraction,
        metavar="P",
        help="agents needed for this service level, e.g. 0.8 for 80%% within --sl-seconds",
    )
    erl.add_argument(
        "--target-asa-s",
        type=positive_float,
        metavar="S",
        help="agents needed for an average speed of answer of at most S seconds",
    )
    erl.add_argument(
        "--max-abandon",
        type=fraction,
        metavar="P",
        help="agents needed to keep abandonment at or below P (needs --patience-min)",
    )
    erl.add_argument(
        "--shrinkage",
        type=lambda text: 0.0 if text.strip() in ("0", "0.0") else fraction(text),
        default=0.0,
        metavar="F",
        help="share of paid time not spent answering (breaks, training, absence): the FTE to "
        "roster is agents / (1 - F) (default 0)",
    )
    erl.add_argument(
        "--aht-min",
        type=positive_float,
        required=True,
        metavar="M",
        help="mean handle time in minutes",
    )
    erl.add_argument(
        "--patience-min",
        type=positive_float,
        metavar="P",
        help="mean patience in minutes (Erlang A); omit for Erlang C",
    )
    erl.add_argument(
        "--sl-seconds",
        type=positive_float,
        default=20.0,
        metavar="T",
        help="service-level threshold in seconds (default 20)",
    )
    erl.add_argument(
        "--simulate", action="store_true", help="also simulate the same desk and compare"
    )
    erl.add_argument(
        "--contacts",
        type=positive_int,
        default=50_000,
        metavar="K",
        help="simulated calls per replication after warm-up (default 50000)",
    )
    erl.add_argument(
        "--replications",
        type=positive_int,
        default=10,
        metavar="R",
        help="simulation replications (default 10)",
    )
    erl.add_argument("--seed", type=non_negative_int, default=1, metavar="S")
    erl.add_argument("--workers", type=positive_int, default=None, metavar="N")
    erl.add_argument("--json", action="store_true", help="print one JSON object")
    return erl


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit status."""
    from sim.experiments.erlang_check import StationaryDesk, staff_for_targets
    from sim.experiments.report import erlang_table

    targets = (args.target_sl, args.target_asa_s, args.max_abandon)
    staffing = None
    if any(t is not None for t in targets):
        if args.agents is not None:
            return bad_input(
                "erlang: give either --agents (the service a team gives) or targets "
                "(--target-sl, --target-asa-s, --max-abandon: the team they need), not both"
            )
        if args.max_abandon is not None and args.patience_min is None:
            return bad_input(
                "erlang --max-abandon: abandonment needs callers who hang up: give "
                "--patience-min (Erlang A)"
            )
        try:
            staffing = staff_for_targets(
                args.arrivals_per_h,
                args.aht_min,
                args.patience_min,
                args.sl_seconds,
                args.target_sl,
                args.target_asa_s,
                args.max_abandon,
                args.shrinkage,
            )
        except ValueError as exc:
            return bad_input(f"erlang: {exc}")
        args.agents = staffing.agents
    elif args.agents is None:
        return bad_input(
            "erlang: give --agents N (the service N agents give) or a target: --target-sl 0.8, "
            "--target-asa-s 20 or --max-abandon 0.05 (the agents it needs)"
        )
    load = args.arrivals_per_h / 60.0 * args.aht_min
    if args.patience_min is None and load >= args.agents:
        return bad_input(
            f"erlang: Erlang C has no steady state: offered load {load:g} Erlangs "
            f"(--arrivals-per-h x --aht-min / 60) is not below --agents {args.agents}, so the "
            "queue grows without end; add agents, lower the load, or give --patience-min "
            "for Erlang A (callers who hang up)"
        )
    desk = StationaryDesk(
        args.arrivals_per_h, args.agents, args.aht_min, args.patience_min, args.sl_seconds
    )
    try:
        analytic = desk.analytic()
    except ValueError as exc:
        return bad_input(f"erlang: {exc}")
    simulated = None
    if args.simulate:
        try:
            simulated = desk.simulated_measures(
                args.contacts, args.replications, args.seed, workers=args.workers or 0
            )
        except ValidationError as exc:
            details = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            return bad_input(
                f"erlang --simulate: cannot build the simulated desk ({details}); "
                "lower --contacts or raise --arrivals-per-h"
            )
    if args.json:
        payload = _erlang_json(analytic, simulated)
        if staffing is not None:
            payload["staffing"] = {
                "agents": staffing.agents,
                "needed": staffing.needed,
                "binding": staffing.binding,
                "occupancy": staffing.occupancy,
                "shrinkage": staffing.shrinkage,
                "fte": staffing.fte,
            }
        elif args.shrinkage:
            payload["fte"] = args.agents / (1.0 - args.shrinkage)
        print(json.dumps(strict_json(payload)))
    else:
        print(erlang_table(args, analytic, simulated, staffing))
    return 0


def _erlang_json(analytic: dict[str, float], simulated: SimulatedErlang | None) -> dict:
    out: dict = {"analytic": analytic}
    if simulated is not None:
        out["simulated"] = {k: e.as_dict() for k, e in simulated.estimates.items()}
        out["contacts_simulated"] = simulated.contacts_simulated
        out["wall_s"] = round(simulated.wall_s, 3)
    return out
