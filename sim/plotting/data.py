"""A run folder's tables, and the estimates across replications that charts and slides show.

:func:`read_run` loads what :class:`sim.experiments.store.RunWriter` wrote (the manifest and the
Parquet
tables, not the per-contact files). The other functions turn per-replication tables into a mean
and confidence interval per group (interval of the day, day, ...), always the same way: the
measure is computed within each replication first (a rate from the replication's pooled counts),
then :func:`sim.measures.estimates.estimate` gives the mean and Student-t interval across
replications.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.measures.estimates import CI_LEVEL, Estimate, estimate
from sim.model.customer_codes import REASONS
from sim.scenario.errors import InputError
from sim.scenario.scenario import Scenario

Table = pd.DataFrame | Mapping[str, Any]
"""A table as read from a run folder (DataFrame) or as built in memory (column → array)."""

TABLES = (
    "summary",
    "kpis",
    "scorecard",
    "intervals",
    "daily",
    "customers_daily",
    "complaints",
    "workforce_daily",
)
DAY_TYPES = ("weekday", "saturday", "sunday")
LOSS_REASONS = REASONS[1:]
"""Reasons a customer leaves, in the order of ``sim.model.customer_codes.REASONS``."""


class RunFolderError(InputError, ValueError):
    """A run folder the charts cannot use (the message says why, on one line)."""


@dataclass(frozen=True)
class RunInfo:
    """What charts need from a run's manifest: the scenario (targets, calendar, parameters) and
    the facts for the source line."""

    scenario: Scenario
    replications: int
    seed: int
    created: dt.date
    ci_level: float = CI_LEVEL
    settings: str = ""
    """What-if settings the source line states under the run's facts (empty: none)."""

    @classmethod
    def from_manifest(cls, manifest: Mapping[str, Any]) -> RunInfo:
        """Read a run folder's ``manifest.json`` contents."""
        return cls(
            scenario=Scenario.model_validate(manifest["parameters"]),
            replications=int(manifest["replications"]),
            seed=int(manifest["seed"]),
            created=dt.datetime.fromisoformat(manifest["created_utc"]).date(),
        )

    @property
    def currency(self) -> str:
        """The scenario's money unit (empty without economics)."""
        economics = self.scenario.economics
        return economics.currency if economics is not None else ""


@dataclass(frozen=True)
class RunData:
    """A run folder: its manifest facts and the tables present in it."""

    path: Path
    info: RunInfo
    tables: dict[str, pd.DataFrame]


def read_run(path: Path) -> RunData:
    """Load a run folder written by :class:`sim.experiments.store.RunWriter`.

    Raises:
        FileNotFoundError: the folder has no ``manifest.json`` (not a finished run folder).
        RunFolderError: its manifest or a table cannot be read, or its interval table lacks the
            staffing columns the charts draw (a folder written by an older version).
    """
    manifest_path = path / "manifest.json"
    if not manifest_path.is_file():
        raise FileNotFoundError(f"{path} is not a run folder: it has no manifest.json")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        raise RunFolderError(f"{manifest_path}: not a readable manifest ({exc})") from None
    tables = {
        name: _read_table(file) for name in TABLES if (file := path / f"{name}.parquet").is_file()
    }
    columns = tables["intervals"].columns if "intervals" in tables else STAFFING_COLUMNS
    missing = [c for c in STAFFING_COLUMNS if c not in columns]
    if missing:
        raise RunFolderError(
            f"{path}: intervals.parquet has no {', '.join(missing)} column (written by an older "
            "version, before rostered and available agents were told apart): run it again"
        )
    return RunData(path, RunInfo.from_manifest(manifest), tables)


def _read_table(file: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(file)
    except (ValueError, OSError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RunFolderError(f"{file}: not a readable Parquet table ({first})") from None


def summary_estimate(summary: Table, kpi: str) -> Estimate:
    """One KPI's row of ``summary.parquet`` as an :class:`~sim.measures.estimates.Estimate`."""
    df = pd.DataFrame(summary).set_index("kpi")
    row = df.loc[kpi]
    return Estimate(
        float(row["mean"]), float(row["ci_low"]), float(row["ci_high"]), int(row["replications"])
    )


def across_replications(
    per_replication: pd.DataFrame,
    by: Sequence[str],
    columns: Sequence[str],
    upper: float = math.inf,
    level: float = CI_LEVEL,
) -> pd.DataFrame:
    """Mean and confidence interval of ``columns`` across replications, per group of ``by``.

    ``per_replication`` has one row per replication and group. The result is indexed by ``by``
    and has the columns ``(column, "mean" | "ci_low" | "ci_high")``; intervals are cut to
    ``[0, upper]``.
    """
    rows = {
        key: {
            (column, stat): value
            for column in columns
            for stat, value in estimate(group[column].to_numpy(), level, upper=upper)
            .as_dict()
            .items()
        }
        for key, group in per_replication.groupby(list(by), sort=True)
    }
    keys = list(rows)
    out = pd.DataFrame(list(rows.values()))
    out.index = (
        pd.MultiIndex.from_tuples(keys, names=list(by))
        if len(by) > 1
        else pd.Index([key[0] for key in keys], name=by[0])
    )
    out.columns = pd.MultiIndex.from_tuples(out.columns)
    return out


def day_types(days: np.ndarray, start: dt.date) -> np.ndarray:
    """``weekday`` (Monday to Friday), ``saturday`` or ``sunday`` for day numbers from ``start``."""
    weekday = (start.weekday() + np.asarray(days)) % 7
    return np.asarray(DAY_TYPES)[np.clip(weekday - 4, 0, 2)]


def _intraday(intervals: Table, start: dt.date) -> pd.DataFrame:
    df = pd.DataFrame(intervals)
    return df.assign(
        day_type=day_types(df["day"].to_numpy(), start),
        minute=df["interval_start_min"].to_numpy() % 1440.0,
    )


def intraday_service_level(intervals: Table, start: dt.date) -> pd.DataFrame:
    """Service level per day type and interval of the day (pooled over the days of each
    replication), mean and CI across replications; indexed by ``(day_type, minute)``."""
    df = _intraday(intervals, start)
    per_rep = df.groupby(["day_type", "minute", "replication"], as_index=False)[
        ["answered_within_threshold", "service_level_denominator"]
    ].sum()
    den = per_rep["service_level_denominator"]
    per_rep["service_level"] = (per_rep["answered_within_threshold"] / den).where(den > 0)
    return across_replications(per_rep, ["day_type", "minute"], ["service_level"], upper=1.0)


STAFFING_COLUMNS = (
    "agents_paid_tier1",
    "agents_available_tier1",
    "agents_present_tier1",
    "agents_busy_tier1",
    "mean_queue_phone",
)
"""Front-line agents rostered and paid, available after shrinkage, present and busy; the queue."""


def intraday_staffing(intervals: Table, start: dt.date, day_type: str) -> pd.DataFrame:
    """Front-line agents rostered (paid), available after shrinkage, present and busy, and the
    phone queue, per interval of the day on one day type (mean over its days in each
    replication); indexed by ``minute``."""
    df = _intraday(intervals, start)
    df = df[df["day_type"] == day_type]
    per_rep = df.groupby(["minute", "replication"], as_index=False)[list(STAFFING_COLUMNS)].mean()
    return across_replications(per_rep, ["minute"], STAFFING_COLUMNS)


def tier_shrinkage(scenario: Scenario, tier: int, intervals: Table) -> float:
    """Share of a tier's rostered agents lost to shrinkage: the tier's setting; on a desk with
    agent groups, the setting its groups share, or else the share of rostered agents not
    available over the run's intervals."""
    staffing = scenario.staffing
    if staffing.groups is None:
        return getattr(staffing, f"tier{tier}").shrinkage_fraction
    shares = {g.roster.shrinkage_fraction for g in staffing.groups.values() if g.tier == tier}
    if len(shares) == 1:
        return shares.pop()
    df = pd.DataFrame(intervals)
    paid = float(df[f"agents_paid_tier{tier}"].sum())
    return 1.0 - float(df[f"agents_available_tier{tier}"].sum()) / paid if paid else 0.0


def main_day_type(intervals: Table, start: dt.date) -> str:
    """The day type with the most open days (``weekday`` for an ordinary desk)."""
    df = pd.DataFrame(intervals)
    days = np.unique(df["day"].to_numpy())
    kinds, counts = np.unique(day_types(days, start), return_counts=True)
    return str(kinds[np.argmax(counts)])


def daily_service(daily: Table) -> pd.DataFrame:
    """Service level and abandonment rate per day, mean and CI across replications."""
    return across_replications(
        pd.DataFrame(daily), ["day"], ["service_level", "abandon_rate"], upper=1.0
    )


def weekly(
    daily: Table, columns: Sequence[str], total: bool = False, upper: float = math.inf
) -> pd.DataFrame:
    """Per week from the start date (week 0 is days 0–6; the last may be shorter), mean and CI
    across replications of each replication's weekly mean of ``columns`` over the days that
    have a value (closed days have none), or with ``total`` its weekly sum (leavers, hires).

    ``daily`` has one row per replication and day (``workforce_daily.parquet``); the result is
    indexed by ``week`` with the columns of :func:`across_replications`.
    """
    df = pd.DataFrame(daily)
    by_week = df.assign(week=df["day"].to_numpy() // 7).groupby(["week", "replication"])
    per_rep = by_week[list(columns)].sum(min_count=1) if total else by_week[list(columns)].mean()
    return across_replications(per_rep.reset_index(), ["week"], columns, upper=upper)


def customer_base(customers_daily: Table) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per day: customers (accounts open and not leaving) and cumulative customers lost (total:
    decisions to leave), mean and CI across replications; and the mean cumulative loss by reason
    (columns: reasons)."""
    df = pd.DataFrame(customers_daily).sort_values(["replication", "day"])
    lost = {reason: df.groupby("replication")[f"lost_{reason}"].cumsum() for reason in LOSS_REASONS}
    df = df.assign(
        **{f"cumulative_{r}": v for r, v in lost.items()},
        lost=sum(lost.values()),
        customers=df["active"] - df["leaving"],
    )
    totals = across_replications(df, ["day"], ["customers", "lost"])
    by_reason = df.groupby("day")[[f"cumulative_{r}" for r in LOSS_REASONS]].mean()
    by_reason.columns = list(LOSS_REASONS)
    return totals, by_reason
