"""What the queue does to the customer base, and what that is worth.

Per replication, from the customer base's records:

* the **customer base**: accounts at the start and end, acquired, defections by reason (the
  service-driven ones — silent exit after indifference, and poor complaint recovery — beside the
  reasons outside service);
* the **complaint funnel**: dissatisfied → complained (front line / management / to nobody who
  acts) or silent → resolved within 24 h / later / never → retained or lost;
* the **monthly complaint rate**: complaints the company received (front line, management, and the
  forecast complaint contacts) per month over active customers (a common standard is at most 1%);
* **money** (when ``economics`` is given): revenue earned, staffing cost (every rostered hour,
  shrinkage included, plus overtime for time worked past shift end), recovery cost
  (compensation), acquisition cost, and the change in customer equity — the lifetime value of the
  accounts at the end minus at the start — so that a defection late in the horizon still counts.
  ``net_value`` adds them up: one money axis on which "more agents" and "faster recovery" can be
  compared.
"""

from __future__ import annotations

import numpy as np

from sim.measures.metrics import step_integral
from sim.model.customers import (
    FORECAST,
    FRONT_LINE,
    MANAGEMENT,
    NOWHERE,
    REASONS,
    SERVICE_REASONS,
    SILENT,
)
from sim.model.desk import DeskRun
from sim.model.records import CustomerRun
from sim.scenario.customers import Economics
from sim.scenario.scenario import Scenario

DAYS_PER_MONTH = 365.25 / 12.0


def lifetime_value_factor(econ: Economics) -> float:
    """Present value of one unit of monthly revenue over the customer lifetime."""
    months = np.arange(1, round(econ.lifetime_years * 12) + 1)
    return float(np.sum((1.0 + econ.annual_discount_rate) ** (-months / 12.0)))


def customer_kpis(run: DeskRun, scenario: Scenario) -> dict[str, float]:
    """Customer-base, funnel and money KPIs of one replication (empty without customers)."""
    cr = run.customers
    if cr is None:
        return {}
    daily = cr.daily
    k: dict[str, float] = {
        "customers_start": float(cr.initial),
        "customers_end": float(daily["active"][-1]) if len(daily["active"]) else float(cr.initial),
        "acquired": float(daily["acquired"].sum()),
    }
    defected = {r: float(daily[f"defected_{r}"].sum()) for r in REASONS[1:]}
    k["defections"] = sum(defected.values())
    k["service_defections"] = sum(defected[r] for r in SERVICE_REASONS)
    k.update({f"defections.{r}": v for r, v in defected.items()})
    k.update(_funnel(cr, run.horizon_min))
    months = run.horizon_min / 1440.0 / DAYS_PER_MONTH
    mean_active = float(daily["active"].mean()) if len(daily["active"]) else float(cr.initial)
    k["complaint_rate_monthly"] = k["funnel.complaints_to_desk"] / months / mean_active
    if scenario.economics is not None:
        k.update(_money(run, cr, scenario))
    return k


def _funnel(cr: CustomerRun, horizon_min: float) -> dict[str, float]:
    ep = cr.episodes
    c = cr.complaints
    hours = (c["resolved_min"] - c["opened_min"]) / 60.0
    settled = c["closed"]
    resolved = settled & ~np.isnan(hours)
    to_desk = np.isin(c["voice"], [FRONT_LINE, MANAGEMENT, FORECAST])
    return {
        "funnel.dissatisfied": float(len(ep["customer"])),
        "funnel.silent": float((ep["voice"] == SILENT).sum()),
        "funnel.silent_leaving": float(((ep["voice"] == SILENT) & ep["leaves"]).sum()),
        "funnel.complained_front_line": float((ep["voice"] == FRONT_LINE).sum()),
        "funnel.complained_management": float((ep["voice"] == MANAGEMENT).sum()),
        "funnel.complained_to_nobody": float((ep["voice"] == NOWHERE).sum()),
        "funnel.complaints": float(len(c["customer"])),
        "funnel.complaints_to_desk": float(to_desk.sum()),
        "funnel.resolved_within_24h": float((resolved & (hours <= 24.0)).sum()),
        "funnel.resolved_later": float((resolved & (hours > 24.0)).sum()),
        "funnel.never_resolved": float((settled & ~resolved).sum()),
        "funnel.open_at_horizon": float((~settled).sum()),
        "funnel.retained": float((c["retained"] == 1).sum()),
        "funnel.lost": float((c["retained"] == 0).sum()),
        "complaints_resolved_24h_share": (
            float((resolved & (hours <= 24.0) & to_desk).sum() / to_desk.sum())
            if to_desk.any()
            else np.nan
        ),
        "complaint_retention": (
            float((c["retained"] == 1).sum() / settled.sum()) if settled.any() else np.nan
        ),
    }


def _money(run: DeskRun, cr: CustomerRun, scenario: Scenario) -> dict[str, float]:
    econ = scenario.economics
    assert econ is not None
    revenue_pm = np.array([s.revenue_per_month for s in scenario.customers.segments.values()])
    active_days = np.array([cr.daily[f"active_{s}"].sum() for s in cr.segment_names], dtype=float)
    revenue = float(active_days @ revenue_pm) / DAYS_PER_MONTH
    edges = np.array([0.0, run.horizon_min])
    staffing = 0.0
    for tier, cost in ((1, econ.tier1), (2, econ.tier2)):
        paid_min = step_integral(*run.paid[tier], edges)[0]
        overtime_min = _overtime_minutes(run, tier)
        staffing += cost.cost_per_hour / 60.0 * (paid_min + cost.overtime_multiplier * overtime_min)
    factor = lifetime_value_factor(econ)
    end_by_segment = np.array([cr.daily[f"active_{s}"][-1] for s in cr.segment_names], float)
    equity_change = float((end_by_segment - cr.initial_by_segment) @ revenue_pm) * factor
    acc = cr.accounts
    gone = acc["status"] != 0
    service = np.isin(acc["status"], [REASONS.index(r) for r in SERVICE_REASONS])
    months_left = (run.horizon_min - acc["left_min"]) / 1440.0 / DAYS_PER_MONTH
    lost_in_horizon = float(np.sum(np.where(gone, months_left, 0.0) * revenue_pm[acc["segment"]]))
    acquisition_cost = float(cr.daily["acquired"].sum()) * econ.acquisition_cost
    kept = cr.complaints["customer"][cr.complaints["retained"] == 1]
    retained_value = float(np.sum(revenue_pm[acc["segment"][kept]])) * factor
    net = revenue - staffing - cr.compensation_paid - acquisition_cost + equity_change
    return {
        "revenue": revenue,
        "staffing_cost": staffing,
        "recovery_cost": cr.compensation_paid,
        "acquisition_cost": acquisition_cost,
        "revenue_lost_to_defection": lost_in_horizon,
        "lifetime_value_lost_service": float(np.sum(revenue_pm[acc["segment"][service]])) * factor,
        "customer_equity_change": equity_change,
        "complainant_value_retained": retained_value,
        "net_value": net,
    }


def _overtime_minutes(run: DeskRun, tier: int) -> float:
    """Agent-minutes present beyond the roster: agents finishing a contact after shift end."""
    times = np.union1d(run.present[tier][0], run.roster[tier][0])
    times = np.append(times[times < run.horizon_min], run.horizon_min)
    mids = times[:-1]
    present = run.present[tier][1][np.searchsorted(run.present[tier][0], mids, "right") - 1]
    roster = run.roster[tier][1][np.searchsorted(run.roster[tier][0], mids, "right") - 1]
    return float(np.sum(np.maximum(present - roster, 0) * np.diff(times)))
