"""Measures across replications: means with Student-t confidence intervals, and the standards
scorecard read from them."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.measures.metrics import kpi_info
from sim.scenario.scenario import Scenario

CI_LEVEL = 0.95
"""The confidence level of every interval reported."""


@dataclass(frozen=True)
class Estimate:
    """A measure across replications: mean and confidence interval."""

    mean: float
    ci_low: float
    ci_high: float
    n: int

    def as_dict(self) -> dict[str, float]:
        """``{"mean", "ci_low", "ci_high"}`` for JSON output."""
        return {"mean": self.mean, "ci_low": self.ci_low, "ci_high": self.ci_high}


def estimate(
    values: Sequence[float], level: float = CI_LEVEL, lower: float = 0.0, upper: float = math.inf
) -> Estimate:
    """Mean and Student-t confidence interval of independent replication values (NaNs dropped).

    The interval is cut to the measure's possible range: ``[0, 1]`` for shares, ``[0, ∞)`` for
    counts and times; money may be negative.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    mean = float(x.mean())
    if len(x) == 1:
        return Estimate(mean, math.nan, math.nan, 1)
    from scipy import special  # Student's t quantile, as scipy.stats.t.ppf computes it

    half = float(special.stdtrit(len(x) - 1, 0.5 + level / 2) * x.std(ddof=1) / math.sqrt(len(x)))
    return Estimate(mean, max(mean - half, lower), min(mean + half, upper), len(x))


def kpi_estimate(name: str, values: Sequence[float]) -> Estimate:
    """One KPI's :class:`Estimate` over replications, its interval cut to the KPI's possible
    range (shares in [0, 1], counts and times non-negative, money unbounded)."""
    bounds = {"share": (0.0, 1.0), "money": (-math.inf, math.inf)}
    return estimate(values, CI_LEVEL, *bounds.get(kpi_info(name).unit, (0.0, math.inf)))


def summarise(per_replication: Sequence[Mapping[str, float]]) -> dict[str, Estimate]:
    """KPI name → :func:`kpi_estimate`, over replications."""
    return {
        name: kpi_estimate(name, [r[name] for r in per_replication]) for name in per_replication[0]
    }


@dataclass(frozen=True)
class StandardResult:
    """One line of the standards scorecard."""

    standard: str
    kpi: str
    target: float
    higher_is_better: bool
    estimate: Estimate

    @property
    def status(self) -> str:
        """``met`` / ``not met`` when the whole CI is on one side of the target, else
        ``inconclusive`` (more replications would tell)."""
        e = self.estimate
        lo, hi = (e.ci_low, e.ci_high) if e.n > 1 else (e.mean, e.mean)
        if math.isnan(e.mean):
            return "no data"
        if self.higher_is_better:
            return "met" if lo >= self.target else "not met" if hi < self.target else "inconclusive"
        return "met" if hi <= self.target else "not met" if lo > self.target else "inconclusive"


def scorecard(scenario: Scenario, kpis: Mapping[str, Estimate]) -> list[StandardResult]:
    """Score the scenario's standards against the estimated KPIs."""
    std = scenario.standards
    sl = scenario.service_level
    rows = [
        StandardResult(
            f"service level ({sl.describe()})",
            "service_level",
            std.service_level_target,
            True,
            kpis["service_level"],
        ),
        StandardResult(
            "abandonment rate", "abandon_rate", std.max_abandon_rate, False, kpis["abandon_rate"]
        ),
    ]
    for type_name, target in std.response_targets.items():
        rows.append(
            StandardResult(
                f"{type_name} answered within {target.within_min:g} min",
                f"within_target.{type_name}",
                target.target_fraction,
                True,
                kpis[f"within_target.{type_name}"],
            )
        )
    if "complaint_rate_monthly" in kpis:
        rows.append(
            StandardResult(
                "monthly complaint rate",
                "complaint_rate_monthly",
                std.max_monthly_complaint_rate,
                False,
                kpis["complaint_rate_monthly"],
            )
        )
        received = scenario.recovery.clock_starts == "received"
        clock = "from receipt" if received else "from the problem"
        rows.append(
            StandardResult(
                f"complaints resolved within {std.complaint_resolution_h:g} h ({clock})",
                "complaints_resolved_on_time",
                std.complaint_resolution_target,
                True,
                kpis["complaints_resolved_on_time"],
            )
        )
    staff_lines = (
        ("agent time on overtime", "overtime_share", std.max_overtime_share, False),
        ("staff turnover per year", "attrition_annual", std.max_annual_attrition, False),
        ("staff satisfaction index", "staff_satisfaction", std.min_staff_satisfaction, True),
    )
    for standard, kpi, target, higher in staff_lines:
        if kpi in kpis:
            rows.append(StandardResult(standard, kpi, target, higher, kpis[kpi]))
    return rows
