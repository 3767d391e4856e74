"""Command line: ``python -m sim COMMAND``.

Commands:

* ``run``    simulate a scenario file and write an output folder;
* ``compare`` run scenarios with common random numbers and compare them with a baseline;
* ``sweep``  run a grid of scenario variants in parallel (local processes or Dask), resumably,
  and print them best first (also written as ``summary.csv`` and ``summary.xlsx``);
* ``sensitivity`` which assumptions drive the KPIs: Morris / Sobol over their plausible ranges;
* ``fit``    calibrate a scenario by simulation, as its ``fit:`` section declares (``--write``);
* ``roster`` the least-cost week of shifts for a scenario's requirement, corrected by simulation
  on request (``--correct``), resumably;
* ``optimise`` the staffing and recovery policy with the most net value, selected with stated
  confidence and set beside the service-level choice, resumably;
* ``notebook`` run a notebook template headless into an output folder;
* ``calibrate`` fit a scenario to a real contact log (ACD export);
* ``forecast`` forecast calls per interval and contact type from a contact log (or evaluate it);
* ``validate-log`` re-simulate a logged period and compare with what happened (and Erlang A), in
  one of three modes (trace, planned-staffing, forecast);
* ``slides`` build a 16:9 PowerPoint deck (charts, takeaways, KPI table) from a run folder;
* ``check``  validate a scenario file (exit 0 when valid, 2 with one line per problem otherwise);
* ``erlang`` Erlang C / Erlang A calculator, optionally checked against the simulation engine;
* ``schema`` regenerate ``params/schema.json`` and ``docs/parameters.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from sim.cli import calibrate as calibrate_command
from sim.cli import erlang as erlang_command
from sim.cli import fit as fit_command
from sim.cli import forecast as forecast_command
from sim.cli import optimise as optimise_command
from sim.cli import roster as roster_command
from sim.cli import sensitivity as sensitivity_command
from sim.cli import slides as slides_command
from sim.cli import validate as validate_command
from sim.cli.arguments import (
    add_batch_options,
    add_override,
    join_legacy_params,
    non_negative_int,
    positive_float,
    positive_int,
    run_options,
)
from sim.cli.boundary import EXIT_BAD_INPUT, EXIT_CODES, bad_input, guarded, strict_json
from sim.scenario import bounded_yaml
from sim.scenario.loading import load_scenario

EPILOG = (
    """examples:
  python -m sim run params/baseline.yaml
  python -m sim run params/baseline.yaml -p staffing.tier1.headcount_scale=1.1 --replications 20
  python -m sim check params/scenarios/understaffed.yaml -p calendar.horizon_days=28
  python -m sim compare params/baseline.yaml params/scenarios/fast_recovery.yaml
  python -m sim sweep params/sweeps/staffing_vs_recovery.yaml --workers 2 --rank service_level
  python -m sim notebook 00_scenario -p scenario_path=params/baseline.yaml -p replications=2
  python -m sim sensitivity params/sensitivity/customer_side.yaml --workers 2
  python -m sim fit params/baseline.yaml --write --workers 2
  python -m sim roster params/scenarios/rostering.yaml --correct --workers 2
  python -m sim optimise params/optimise/retention.yaml --workers 2
  python -m sim erlang --arrivals-per-h 540 --agents 50 --aht-min 5 --patience-min 10 --simulate

-p KEY=VALUE sets a parameter by its dotted path in run, compare, check, fit and sensitivity, and
a template parameter in notebook; VALUE is read as YAML.

"""
    + EXIT_CODES
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sim",
        description="Service-desk workbench: simulate a desk, check a scenario, size a team.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="simulate a scenario and write an output folder",
        description="Simulate SCENARIO with independent replications, print the KPIs with 95% "
        "confidence intervals and the standards scorecard, and write Parquet tables and a "
        "manifest to outputs/<scenario>-<timestamp>/.",
    )
    run.add_argument("scenario", type=Path, help="scenario YAML file (see params/)")
    add_override(run)
    _add_replication_options(run, "the scenario's")
    run.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        default=Path("outputs"),
        help="parent folder of the run folder (default: outputs)",
    )

    cmp_ = sub.add_parser(
        "compare",
        help="compare scenarios against a baseline (paired, common random numbers)",
        description="Run BASELINE and each ALTERNATIVE with the same seed, so that replication r "
        "of each sees the same customers, arrivals and handle times, and report every KPI's "
        "paired difference with its 95% confidence interval and a verdict: better / worse / no "
        "significant difference, read in the KPI's own direction, or higher / lower for a volume "
        "or mix with no better direction.",
    )
    cmp_.add_argument("baseline", type=Path, help="the reference scenario file")
    cmp_.add_argument(
        "alternatives",
        type=Path,
        nargs="+",
        metavar="ALTERNATIVE",
        help="scenario files to compare with it (often extends: the baseline)",
    )
    add_override(cmp_)
    _add_replication_options(cmp_, "the baseline's")
    cmp_.add_argument(
        "--markdown",
        action="store_true",
        help="print Markdown tables (means with intervals, then paired differences) instead",
    )
    cmp_.add_argument(
        "--resolve",
        type=lambda text: [k.strip() for k in text.split(",") if k.strip()],
        default=[],
        metavar="K1,K2,...",
        help="add replications until each of these KPIs' paired difference is resolved: its 95%% "
        "interval excludes zero, or is within --half-width; --replications is then the pilot",
    )
    cmp_.add_argument(
        "--half-width",
        action="append",
        default=[],
        metavar="KPI=VALUE",
        help="with --resolve: a difference whose interval is within ±VALUE is resolved too (too "
        "small to matter), e.g. net_value=50000 (repeatable)",
    )
    cmp_.add_argument(
        "--max-replications",
        type=positive_int,
        default=100,
        metavar="N",
        help="with --resolve: stop at N replications per scenario, resolved or not (default 100)",
    )
    cmp_.add_argument(
        "--pairing",
        action="store_true",
        help="with --markdown: add a table of what the pairing removed, var(difference) / "
        "(var(baseline) + var(alternative)), per KPI (1: no better than independent runs)",
    )
    cmp_.add_argument(
        "--kpis",
        type=lambda text: [k.strip() for k in text.split(",") if k.strip()],
        default=[],
        metavar="K1,K2,...",
        help="with --markdown: the KPIs to show, in this order (default: all)",
    )

    swp = sub.add_parser(
        "sweep",
        help="run every point of a sweep file, in parallel, resumably",
        description="Run each point of SPEC (params/sweeps/*.yaml: a base scenario and a grid, a "
        "list of points or a Latin hypercube), print the points best first with their key KPIs "
        "and 95% confidence intervals, and write outputs/sweeps/<name>/: sweep.yaml, "
        "points.parquet (status of every point), runs/<point>/ (one folder per point, named by "
        "its values, e.g. runs/headcount_scale-0.85__recovery-fast_track/), summary.parquet (one "
        "row per point and KPI), and summary.csv and summary.xlsx (the points side by side, best "
        "first). The papermill engine builds no slide deck and draws no charts per point unless "
        "the sweep file says decks: true or charts: true. Finished points are never lost: after "
        "a crash or Ctrl-C, run again with --resume (which also reprints the summary of a "
        "finished sweep, e.g. with another --rank). Exit status 1 if any point failed (see "
        "points.parquet and runs/<point>/error.txt).",
    )
    swp.add_argument("spec", type=Path, help="sweep file (see params/sweeps/)")
    swp.add_argument(
        "--workers",
        type=positive_int,
        metavar="N",
        default=None,
        help="points run at once (default: all cores)",
    )
    swp.add_argument(
        "--engine",
        choices=["papermill", "direct"],
        default=None,
        help="papermill executes the sweep's notebook per point (kept with the "
        "point); direct calls the Python API (faster); same tables either way "
        "(default: the sweep file's engine)",
    )
    add_batch_options(swp, "sweep", "sweeps/<name>/")
    swp.add_argument(
        "--rank",
        metavar="KPI",
        default=None,
        help="rank the points by this KPI, best first in its own direction (default: net_value "
        "when the scenario has money, else service_level)",
    )
    swp.add_argument(
        "--trust-notebook",
        action="store_true",
        help="let the papermill engine run a notebook outside notebooks/ that the sweep file "
        "names (a notebook is code: only for sweep files you trust)",
    )
    swp.add_argument(
        "--cell-timeout-s",
        type=positive_float,
        metavar="S",
        default=None,
        help="papermill engine: fail a point whose notebook cell runs longer",
    )

    nb = sub.add_parser(
        "notebook",
        help="run a notebook template headless (papermill) into an output folder",
        description="Execute a template from notebooks/ (e.g. 00_scenario) with papermill into "
        "outputs/<template>-<timestamp>/: the executed notebook beside the tables and charts it "
        "writes. Parameters are the template's 'parameters' cell; values are read as YAML.",
    )
    nb.add_argument("name", help="template name (e.g. 00_scenario) or a path to a notebook")
    nb.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set a template parameter, e.g. -p scenario_path=params/baseline.yaml -p "
        "replications=2 (repeatable; VALUE is read as YAML; the older form -p KEY VALUE still "
        "works but is deprecated)",
    )
    nb.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        default=Path("outputs"),
        help="parent of the output folder (default: outputs)",
    )

    sensitivity_command.add_parser(sub)
    fit_command.add_parser(sub)
    optimise_command.add_parser(sub)
    roster_command.add_parser(sub)
    calibrate_command.add_parser(sub)
    forecast_command.add_parser(sub)
    validate_command.add_parser(sub)
    slides_command.add_parser(sub)

    check = sub.add_parser(
        "check",
        help="validate a scenario file",
        description="Validate SCENARIO (with its extends: chain and overrides). Exit status 0 "
        "when valid; 2 with one line per problem (file:line:column: field: problem) otherwise.",
    )
    check.add_argument("scenario", type=Path)
    add_override(check)

    erlang_command.add_parser(sub)

    sub.add_parser(
        "schema",
        help="regenerate params/schema.json and docs/parameters.md",
        description="Write the JSON schema of scenario files (params/schema.json, for editor "
        "completion) and the parameter reference (docs/parameters.md: every field with its unit, "
        "bounds, default and description), generated from the Scenario model. Run it from the "
        "repository root after changing sim/config*.py; a test fails while either is stale.",
    )
    return parser


def _add_replication_options(parser: argparse.ArgumentParser, whose: str) -> None:
    """--replications, --seed, --workers and --json, shared by the commands that simulate."""
    parser.add_argument(
        "--replications",
        type=positive_int,
        metavar="N",
        help=f"independent replications (default: {whose} simulation.replications)",
    )
    parser.add_argument(
        "--seed",
        type=non_negative_int,
        metavar="S",
        help=f"master seed (default: {whose} simulation.seed); same seed, same results",
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        metavar="N",
        default=None,
        help="worker processes (default: all cores); results do not depend on it",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    argv, legacy = join_legacy_params(argv)
    if legacy:
        print(
            "python -m sim notebook: -p KEY VALUE is deprecated; write -p KEY=VALUE "
            "(e.g. -p replications=2)",
            file=sys.stderr,
        )
    args = _parser().parse_args(argv)
    return guarded(argv, args.command, lambda: _dispatch(args))


def _dispatch(args: argparse.Namespace) -> int:
    """Run the command ``args`` asks for; its exit status."""
    match args.command:
        case "run":
            return _cmd_run(args)
        case "slides":
            return slides_command.run(args)
        case "validate-log":
            return validate_command.run(args)
        case "calibrate":
            return calibrate_command.run(args)
        case "forecast":
            return forecast_command.run(args)
        case "notebook":
            return _cmd_notebook(args)
        case "sweep":
            return _cmd_sweep(args)
        case "sensitivity":
            return sensitivity_command.run(args)
        case "fit":
            return fit_command.run(args)
        case "optimise":
            return optimise_command.run(args)
        case "roster":
            return roster_command.run(args)
        case "compare":
            return _cmd_compare(args)
        case "check":
            scenario = load_scenario(args.scenario, args.param)
            for warning in scenario.warnings():
                print(f"{args.scenario}: warning: {warning}", file=sys.stderr)
            print(f"{args.scenario}: valid scenario '{scenario.name}'")
            return 0
        case "erlang":
            return erlang_command.run(args)
        case "schema":
            from sim.scenario.schema_docs import write_generated

            root = Path.cwd()
            for path in write_generated(root):
                print(f"wrote {path.relative_to(root)}")
            return 0
    raise AssertionError(args.command)


def _cmd_run(args: argparse.Namespace) -> int:
    from sim.experiments.replications import run_scenario
    from sim.experiments.report import kpi_table, scorecard_table
    from sim.experiments.store import RunWriter, new_run_dir

    scenario = load_scenario(args.scenario, args.param)
    out_dir = new_run_dir(args.out, scenario.name)
    writer = RunWriter(out_dir)
    result = run_scenario(
        scenario,
        args.replications,
        args.seed,
        workers=args.workers or 0,
        on_replication=writer.replication,
        progress=not args.json and sys.stderr.isatty(),
    )
    writer.finish(result)
    if args.json:
        payload: dict = {k: e.as_dict() for k, e in result.summary.items()}
        if "customers_start" in result.summary:
            payload["defections_by_reason"] = {
                k.split(".", 1)[1]: e.as_dict()
                for k, e in result.summary.items()
                if k.startswith("defections.")
            }
            payload["complaints"] = result.summary["funnel.complaints"].as_dict()
        payload["contacts_simulated"] = result.contacts_simulated
        payload["wall_s"] = round(result.wall_s, 3)
        payload["service_level_definition"] = scenario.service_level.describe()
        payload["output_dir"] = str(out_dir)
        print(json.dumps(strict_json(payload)))
    else:
        print(kpi_table(result))
        print()
        print(scorecard_table(result))
        print(f"\nwrote {out_dir}/")
    return 0


def _cmd_notebook(args: argparse.Namespace) -> int:
    import papermill

    from sim.experiments.templates import NotebookError, run_template

    params = {}
    for text in args.param:
        key, sep, raw = text.partition("=")
        if not sep or not key.strip():
            return bad_input(f"notebook -p {text}: expected KEY=VALUE, e.g. -p replications=2")
        try:
            params[key.strip()] = bounded_yaml.load(raw, f"-p {text}")
        except bounded_yaml.YAMLFileError as exc:
            return bad_input(f"notebook -p {text}: the value is not valid YAML ({exc.problem})")
    try:
        out = run_template(args.name, params, args.out, progress=sys.stderr.isatty())
    except NotebookError as err:
        print(f"notebook: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except papermill.PapermillExecutionError as err:
        print(
            f"notebook: a cell failed ({err.ename}: {err.evalue}); the executed notebook is "
            "kept in the output folder",
            file=sys.stderr,
        )
        return 1
    print(f"wrote {out}/")
    for path in sorted([*out.glob("deck*.pptx"), *out.glob("charts*/")]):
        print(f"  {path.name}: {path}")
    return 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    from sim.experiments.report import sweep_table
    from sim.experiments.sweep import run_sweep

    if args.rank is not None and _unknown_kpis([args.rank]):
        return bad_input(f"sweep --rank: {_unknown_kpi_message([args.rank])}")
    outcome = run_sweep(
        args.spec,
        args.out,
        run_options(
            args,
            engine=args.engine,
            cell_timeout_s=args.cell_timeout_s,
            trust_notebook=args.trust_notebook,
        ),
        rank=args.rank,
    )
    print(sweep_table(outcome.summary) + "\n")
    if outcome.renamed:
        print(
            f"{outcome.renamed} point folders of an earlier version renamed by their parameters "
            "(runs/<point>/)"
        )
    done = sum(s == "finished" for s in outcome.statuses.values())
    print(
        f"{done} of {len(outcome.statuses)} points finished; wrote {outcome.out_dir}/ "
        "(summary.csv, summary.xlsx)"
    )
    if outcome.failed:
        print(
            f"{len(outcome.failed)} failed: {', '.join(outcome.failed)} (see points.parquet "
            "and runs/<point>/error.txt)",
            file=sys.stderr,
        )
        return 1
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from sim.experiments.compare import compare, compare_until_resolved
    from sim.experiments.report import comparison_markdown, comparison_table, resolution_report

    half_widths: dict[str, float] = {}
    for text in args.half_width:
        kpi, sep, value = text.partition("=")
        try:
            half_widths[kpi.strip()] = positive_float(value)
        except (argparse.ArgumentTypeError, ValueError):
            sep = ""
        if not sep:
            return bad_input(
                f"compare --half-width {text!r}: expected KPI=VALUE with VALUE > 0, "
                "e.g. net_value=50000"
            )
    for option, kpis in (("--kpis", args.kpis), ("--resolve", args.resolve)):
        if _unknown_kpis(kpis):
            return bad_input(f"compare {option}: {_unknown_kpi_message(kpis)}")
    if not set(half_widths) <= set(args.resolve):
        extra = ", ".join(sorted(set(half_widths) - set(args.resolve)))
        return bad_input(f"compare --half-width: {extra} is not among --resolve")
    paths = [args.baseline, *args.alternatives]
    scenarios = {}
    for path in paths:
        scenario = load_scenario(path, args.param)
        if scenario.name in scenarios:
            print(
                f"{path}: scenario name '{scenario.name}' is used twice; names must differ",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
        scenarios[scenario.name] = scenario
    base = scenarios[next(iter(scenarios))]
    seed = base.simulation.seed if args.seed is None else args.seed
    progress = not args.json and sys.stderr.isatty()
    resolutions = []
    if args.resolve:
        result, resolutions = compare_until_resolved(
            scenarios,
            base.name,
            args.resolve,
            seed,
            half_widths,
            pilot=args.replications or 5,
            max_replications=args.max_replications,
            workers=args.workers or 0,
            progress=progress,
        )
    else:
        result = compare(
            scenarios,
            base.name,
            replications=args.replications or base.simulation.replications,
            seed=seed,
            workers=args.workers or 0,
            progress=progress,
        )
    if args.json:
        payload = {
            "baseline": result.baseline,
            "replications": result.results[result.baseline].replications,
            "alternatives": {
                name: {
                    kpi: {
                        "baseline": d.baseline.as_dict(),
                        "alternative": d.alternative.as_dict(),
                        "difference": d.difference.as_dict(),
                        "verdict": d.verdict,
                        "pairing": d.pairing,
                    }
                    for kpi, d in diffs.items()
                }
                for name, diffs in result.differences.items()
            },
            "resolution": [dataclasses.asdict(r) for r in resolutions],
        }
        print(json.dumps(strict_json(payload)))
    elif args.markdown:
        try:
            print(comparison_markdown(result, args.kpis, args.pairing), end="")
        except ValueError as exc:
            return bad_input(f"compare --kpis: {exc}")
    else:
        print(comparison_table(result))
    if resolutions and not args.json:
        print("\n" + resolution_report(resolutions))
    return 0


def _unknown_kpis(kpis: list[str]) -> list[str]:
    """The names that are no KPI (nor a member of a KPI family such as ``funnel.STAGE``)."""
    from sim.measures.metrics import KPI_GROUPS, KPIS

    return [k for k in kpis if k not in KPIS and k.split(".")[0] not in KPI_GROUPS]


def _unknown_kpi_message(kpis: list[str]) -> str:
    from sim.measures.metrics import KPIS

    return (
        f"unknown KPI {', '.join(map(repr, _unknown_kpis(kpis)))} (KPIs: {', '.join(KPIS)}, "
        "and within_target.TYPE, defections.REASON, funnel.STAGE)"
    )
