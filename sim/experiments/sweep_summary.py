"""A sweep's points side by side, best first: what the sweep prints at its end, and the
``summary.csv`` and ``summary.xlsx`` written beside its Parquet files.

Points are ranked by one KPI in that KPI's own direction (a higher net value is better, a lower
abandonment rate is better; a KPI with no better direction ranks the highest first): by default
net value when the scenario has money, else service level. Points without results come last.

``summary.csv`` and the workbook's ``points`` sheet hold one row per point: its rank, folder and
parameter values, status, and every KPI's mean and 95% confidence interval, under human column
names in the unit they name (shares in per cent, money in the scenario's currency). The workbook
adds a ``summary`` sheet (the tidy ``summary.parquet``, one row per point and KPI, with the KPI's
name and unit) and a ``sweep`` sheet (the sweep's settings).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.experiments.store import atomic_write_bytes
from sim.experiments.sweep_spec import Point, Sweep, value_text
from sim.measures.estimates import CI_LEVEL
from sim.measures.metrics import kpi_info

DEFAULT_RANKS = ("net_value", "service_level")
"""The default ranking KPI: the first of these the results have."""
KEY_KPIS = ("net_value", "service_level", "abandon_rate", "service_defections")
"""The KPIs printed beside the ranking KPI (those the results have)."""
MeanCI = tuple[float, float, float]
"""(mean, ci_low, ci_high)."""
UNIT_HEADINGS = {"share": "%", "s": "s", "h": "h", "callers": "callers"}
EXCEL_FORMATS = {"share": "0.0", "money": "#,##0", "count": "#,##0"}


@dataclass(frozen=True)
class PointSummary:
    """One point of a sweep and its results."""

    point: Point
    status: str
    estimates: dict[str, MeanCI]
    """KPI → its estimate (empty for a point without results)."""
    rank: int | None
    """1 for the best point; None for a point without a value of the ranking KPI."""


@dataclass(frozen=True)
class SweepSummary:
    """A sweep's points, best first by one KPI."""

    name: str
    rank_kpi: str
    note: str
    """Why the points are not ranked by the KPI asked for ('' when they are)."""
    currency: str
    parameters: list[str]
    """The dotted paths the points set, in the sweep file's order."""
    kpis: list[str]
    """The KPIs in the results, in the order of a run's summary."""
    rows: list[PointSummary]

    @property
    def ranked(self) -> list[PointSummary]:
        """The points with a value of the ranking KPI, best first."""
        return [row for row in self.rows if row.rank is not None]


def summarise(
    sweep: Sweep,
    points: Sequence[Point],
    statuses: Mapping[str, str],
    tidy: Mapping[str, Sequence[Any]],
    currency: str,
    rank: str | None = None,
) -> SweepSummary:
    """Rank a sweep's points from its tidy summary (the columns of ``summary.parquet``).

    ``rank`` names the KPI to rank by; when the results have no such KPI (net value without
    money) the default is used and :attr:`SweepSummary.note` says so.
    """
    estimates: dict[str, dict[str, MeanCI]] = {p.id: {} for p in points}
    for pid, kpi, mean, low, high in zip(
        tidy["point_id"], tidy["kpi"], tidy["mean"], tidy["ci_low"], tidy["ci_high"], strict=True
    ):
        estimates[pid][kpi] = (float(mean), float(low), float(high))
    kpis = list(dict.fromkeys(tidy["kpi"]))
    chosen, note = _rank_kpi(rank, kpis)
    direction = kpi_info(chosen).better or 1

    def mean(point: Point) -> float:
        return estimates[point.id].get(chosen, (math.nan,) * 3)[0]

    def order(point: Point) -> tuple[bool, float, int]:
        missing = math.isnan(mean(point))
        return missing, 0.0 if missing else -direction * mean(point), point.index

    ordered = sorted(points, key=order)
    ranks = {p.id: i for i, p in enumerate([p for p in ordered if not math.isnan(mean(p))], 1)}
    rows = [PointSummary(p, statuses[p.id], estimates[p.id], ranks.get(p.id)) for p in ordered]
    parameters = list(dict.fromkeys(k for p in points for k in p.params))
    return SweepSummary(sweep.name, chosen, note, currency, parameters, kpis, rows)


def _rank_kpi(requested: str | None, kpis: Sequence[str]) -> tuple[str, str]:
    default = next((k for k in DEFAULT_RANKS if k in kpis), kpis[0] if kpis else DEFAULT_RANKS[0])
    if requested is None or requested in kpis or not kpis:
        return requested or default, ""
    why = " (net value needs a scenario with economics)" if requested == "net_value" else ""
    return default, f"{requested} is not among this sweep's results{why}; ranked by {default}"


def direction_text(kpi: str) -> str:
    """How a KPI ranks: ``higher is better``, ``lower is better`` or ``highest first``."""
    return {1: "higher is better", -1: "lower is better"}.get(kpi_info(kpi).better, "highest first")


def kpi_heading(kpi: str, currency: str) -> str:
    """A KPI's column name with its unit: ``service level (%)``, ``net value (GBP)``."""
    info = kpi_info(kpi)
    unit = (currency or "money") if info.unit == "money" else UNIT_HEADINGS.get(info.unit)
    return f"{info.label} ({unit})" if unit else info.label


def _scaled(value: float, kpi: str) -> float | None:
    """A value in the unit its heading names (per cent for a share), to six significant
    figures; None when not a number."""
    if math.isnan(value):
        return None
    return float(f"{100.0 * value if kpi_info(kpi).unit == 'share' else value:.6g}")


def _parameter(value: Any) -> Any:
    """A parameter value as a cell: a number as it is, anything else as short text."""
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    return value_text(value)


def points_table(summary: SweepSummary) -> tuple[list[str], list[list[Any]]]:
    """The ``points`` sheet and ``summary.csv``: header and rows, best first."""
    ci = f"{CI_LEVEL:.0%} CI"
    header = ["rank", "point", "folder", *summary.parameters, "status"]
    for kpi in summary.kpis:
        name = kpi_heading(kpi, summary.currency)
        header += [name, f"{name}, {ci} low", f"{name}, {ci} high"]
    rows = []
    for row in summary.rows:
        cells: list[Any] = [row.rank, row.point.index, row.point.slug]
        cells += [_parameter(row.point.params.get(k)) for k in summary.parameters]
        cells.append(row.status)
        for kpi in summary.kpis:
            estimate = row.estimates.get(kpi, (math.nan,) * 3)
            cells += [_scaled(v, kpi) for v in estimate]
        rows.append(cells)
    return header, rows


def write_summary_files(
    out: Path, summary: SweepSummary, tidy: Mapping[str, Sequence[Any]], sweep: Sweep
) -> None:
    """Write ``summary.csv`` and ``summary.xlsx`` into the sweep folder ``out`` (atomically)."""
    header, rows = points_table(summary)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if c is None else c for c in r] for r in rows])
    atomic_write_bytes(out / "summary.csv", text.getvalue().encode("utf-8"))
    atomic_write_bytes(out / "summary.xlsx", _workbook(summary, header, rows, tidy, sweep))


def _workbook(
    summary: SweepSummary,
    header: list[str],
    rows: list[list[Any]],
    tidy: Mapping[str, Sequence[Any]],
    sweep: Sweep,
) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    points = book.active
    points.title = "points"
    first_kpi = header.index("status") + 2
    formats = [None] * (first_kpi - 1) + [
        EXCEL_FORMATS.get(kpi_info(k).unit, "0.00") for k in summary.kpis for _ in range(3)
    ]
    _sheet(points, header, rows, formats)
    points.freeze_panes = points.cell(row=2, column=first_kpi)

    params = [c for c in tidy if c.startswith("param.")]
    tidy_header = ["point", "folder", "point_id", *params, "kpi", "KPI", "unit"]
    tidy_header += ["mean", "ci_low", "ci_high"]
    tidy_rows = [
        [
            *(tidy[c][i] for c in ("point", "folder", "point_id", *params, "kpi")),
            kpi_info(tidy["kpi"][i]).label,
            _unit(tidy["kpi"][i], summary.currency),
            *(_number(tidy[c][i]) for c in ("mean", "ci_low", "ci_high")),
        ]
        for i in range(len(tidy["kpi"]))
    ]
    _sheet(book.create_sheet("summary"), tidy_header, tidy_rows, [])

    settings = [[key, value] for key, value in _settings(sweep)]
    settings += [
        ["ranked by", f"{summary.rank_kpi} ({direction_text(summary.rank_kpi)})"],
        ["points", len(summary.rows)],
        ["points with results", len(summary.ranked)],
    ]
    _sheet(book.create_sheet("sweep"), ["setting", "value"], settings, [])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _unit(kpi: str, currency: str) -> str:
    """A KPI's unit as the tidy sheet gives it: ``share`` (0 to 1), ``count``, ``s``, ``GBP``."""
    unit = kpi_info(kpi).unit
    return (currency or unit) if unit == "money" else unit


def _number(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


def _sheet(sheet: Any, header: list[str], rows: list[list[Any]], formats: list[str | None]) -> None:
    """Fill a worksheet: a bold header that wraps, number formats by column, widths to fit."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(row)
    for j, name in enumerate(header, start=1):
        number_format = formats[j - 1] if j - 1 < len(formats) else None
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = number_format
        longest = max([len(str(r[j - 1])) for r in rows if r[j - 1] is not None] or [0])
        width = min(max(longest, min(len(name), 24)) + 2, 48)
        sheet.column_dimensions[get_column_letter(j)].width = width


def _settings(sweep: Sweep) -> list[tuple[str, Any]]:
    """The sweep's settings as (name, value) rows; a mapping's entries each on a row of their
    own (``grid: staffing.tier1.headcount_scale``), lists and mappings below them as JSON."""
    rows: list[tuple[str, Any]] = []
    for key, value in sweep.model_dump(mode="json", exclude_none=True).items():
        if isinstance(value, dict) and value:
            rows += [(f"{key}: {k}", _cell(v)) for k, v in value.items()]
        elif isinstance(value, list):
            rows.append((key, f"{len(value)} points" if key == "points" else _cell(value)))
        else:
            rows.append((key, _cell(value)))
    return rows


def _cell(value: Any) -> Any:
    """A setting as a worksheet cell: numbers and text as they are, anything else as JSON."""
    if isinstance(value, (str, int, float)):
        return value
    return json.dumps(value)
