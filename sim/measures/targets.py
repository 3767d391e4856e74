"""The measures a fit aims at: a few shares of the customer base, annualised, computed per
replication from its KPIs (defined in :class:`sim.scenario.fit.Fit`)."""

from __future__ import annotations

from collections.abc import Mapping

from sim.scenario.scenario import Scenario

DAYS_PER_YEAR = 365.25


def reported_days(scenario: Scenario) -> float:
    """Days of the reporting window: the horizon less the desk's warm-up."""
    calendar = scenario.calendar
    return calendar.horizon_days - calendar.warmup_min / 1440.0


def target_values(kpis: Mapping[str, float], days: float) -> dict[str, float]:
    """Every target measure of one replication whose reporting window lasted ``days``."""
    years = days / DAYS_PER_YEAR
    start, end = kpis["customers_start"], kpis["customers_end"]
    return {
        "loss_per_year": kpis["defections"] / start / years,
        "dissatisfied_per_year": kpis["funnel.dissatisfied"] / start / years,
        "complaints_per_month": kpis["complaint_rate_monthly"],
        "advocate_share": kpis["advocates"] / ((start + end) / 2.0),
        "base_change_per_year": (end - start) / start / years,
    }
