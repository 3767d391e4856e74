"""``python -m sim forecast``: forecast a desk's calls per interval and contact type from its log.

Reads the history (contact-log files with a log schema), fits the arrival forecast of
:mod:`sim.logs.forecast` (a negative-binomial GLM of the daily calls with weekday, holiday and
trend terms, and each weekday's intraday profile) and writes the calls forecast per day, interval
and contact type with prediction intervals (CSV or Parquet, by the suffix of ``--out``), printing
a summary. With ``--evaluate`` it evaluates instead by rolling origin
(:mod:`sim.logs.forecast_eval`): forecasts from ``--start`` every ``--step-days``, each ``--days``
ahead, scored against what the log recorded and against the seasonal-naive and weekday-mean
baselines. Exit status 0 on success, 2 when the log, the schema, the holiday calendar or an option
cannot be used (one line each).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sim.cli.arguments import at_least, fraction, iso_date
from sim.cli.boundary import EXIT_BAD_INPUT
from sim.cli.calibrate import add_log_arguments
from sim.logs.holidays import NO_CALENDAR, calendar_presets
from sim.logs.log_schema import LogError


def add_holidays_argument(parser: argparse.ArgumentParser) -> None:
    """``--holidays``: the holiday calendar, as every command planning days takes it."""
    parser.add_argument(
        "--holidays",
        default=None,
        metavar="CALENDAR",
        help=f"holiday calendar: a preset ({', '.join(calendar_presets())}), a YAML file, or "
        f"{NO_CALENDAR} (default: the one the log schema names)",
    )


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``forecast`` command on ``subparsers`` (from ``add_subparsers``)."""
    parser = subparsers.add_parser(
        "forecast",
        help="forecast calls per interval and contact type from a contact log",
        description="Forecast the calls that will reach the queue or an agent, per day, planning "
        "interval and contact type, from a contact log of the past: a negative-binomial GLM of "
        "the daily calls (weekday, holidays and their after-effect, trend; statsmodels) and each "
        "weekday's intraday profile, with prediction intervals that carry the day-to-day "
        "overdispersion. Writes the table (CSV or Parquet) and prints a summary; --evaluate "
        "scores rolling-origin forecasts against the log and the seasonal-naive forecast. "
        "Method: docs/validation.md.",
    )
    add_log_arguments(parser)
    parser.add_argument(
        "--start",
        type=iso_date,
        required=True,
        metavar="DATE",
        help="first day to forecast (YYYY-MM-DD; only the log's days before it are used); with "
        "--evaluate, the first origin",
    )
    parser.add_argument(
        "--days",
        type=at_least(int, 1),
        required=True,
        metavar="N",
        help="days to forecast (with --evaluate: from each origin)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE",
        help="table to write, .csv or .parquet (with --evaluate: the scores; the per-day rows go "
        "beside it as FILE-days)",
    )
    add_holidays_argument(parser)
    parser.add_argument(
        "--interval-min",
        type=int,
        choices=(15, 30, 60),
        default=30,
        help="planning interval in minutes (default: 30)",
    )
    parser.add_argument(
        "--level",
        type=fraction,
        default=0.9,
        metavar="P",
        help="level of the prediction intervals (default: 0.9)",
    )
    parser.add_argument(
        "--no-trend", action="store_true", help="leave the trend out of the day model"
    )
    parser.add_argument(
        "--evaluate",
        action="store_true",
        help="rolling-origin evaluation on the log instead of a forecast",
    )
    parser.add_argument(
        "--step-days",
        type=at_least(int, 1),
        default=7,
        metavar="K",
        help="with --evaluate: days between origins (default: 7)",
    )
    return parser


def _write(frame: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit status."""
    from sim.logs.contact_log import read_logs
    from sim.logs.forecast import forecast_arrivals, log_counts
    from sim.logs.forecast_eval import evaluate_forecast
    from sim.logs.holidays import load_holidays

    if args.out.suffix not in (".csv", ".parquet"):
        print(f"python -m sim forecast: --out {args.out}: write .csv or .parquet", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        log = read_logs(args.logs, args.schema)
        calendar = load_holidays(args.holidays, log.schema)
        if args.evaluate:
            result = evaluate_forecast(
                log_counts(log, args.interval_min),
                calendar,
                args.start,
                horizon_days=args.days,
                step_days=args.step_days,
                level=args.level,
                trend=not args.no_trend,
            )
        else:
            forecast = forecast_arrivals(
                log,
                args.start,
                args.days,
                calendar,
                interval_min=args.interval_min,
                level=args.level,
                trend=not args.no_trend,
            )
    except LogError as err:
        print(f"python -m sim forecast: cannot forecast: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.evaluate:
        _write(result.scores(), args.out)
        days = args.out.with_name(f"{args.out.stem}-days{args.out.suffix}")
        _write(result.days, days)
        print(result.table())
        written = [args.out, days]
    else:
        written = [forecast.write(args.out)]
        print(forecast.summary())
    print(f"\nwrote {', '.join(map(str, written))}")
    return 0
