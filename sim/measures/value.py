"""What the queue does to the customer base, and what that is worth.

Everything is measured over the reporting window ``(start, end]`` (after the warm-up, to the
horizon; with a burn-in, nothing before the start date counts). Per replication, from the
customer base's records:

* the **customer base**: customers at the start and at the end (accounts open and not leaving),
  acquired, lost by reason (a customer is lost when they decide to leave: after silent
  indifference or a poor complaint recovery, or for a reason outside service), accounts closed,
  and pending exits at the end (decided, account still open);
* the **complaint funnel**: dissatisfied → complained (front line / management, received; to
  nobody who acts, never received) or silent (leaving or staying); complaints received (from the
  desk's service, and about things outside the desk) → resolved within the standard / later /
  never / still open; complainants (customers, not complaints) retained or lost;
* the **monthly complaint rate**: complaints received per month over open accounts (a common
  standard is at most 1%), in all and from the desk's service alone;
* **money** (when ``economics`` is given). The identity, each term over the window::

      net value = revenue − staffing cost − recovery cost − acquisition cost − replacement cost
                  + (customer equity at the end − customer equity at the start)

  *Revenue* is what open accounts pay, month by month, until they close (a customer who decided to
  leave still pays until then). *Staffing cost* is every paid agent-hour (shrinkage included),
  each agent group at its own cost, plus overtime (agents present beyond those attending by the
  roster: finishing a contact after their shift, or kept on) at the overtime multiplier;
  ``overtime_cost`` reports that part. *Replacement cost* (with ``workforce.attrition``) is
  each leaver's replacement cost in months of their group's pay. *Recovery cost* is the
  compensation paid with complaints resolved in the window. *Acquisition cost* is the cost of each
  customer won. *Customer equity* at a time is the lifetime value (``economics.lifetime_years`` of
  monthly revenue, discounted) of the customers committed then: account open and no decision to
  leave. So a customer who decides to leave takes their future value with them at the decision,
  whenever their account closes, and the exit delay only moves revenue. ``docs/domain.md`` §6
  writes the identity out with its sources.

:func:`money_text` writes an amount for a person (``£3.68M``), as sweep reports and charts show
it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.measures.integrals import overtime_minutes, step_integral
from sim.measures.metrics import reporting_window
from sim.model.calendar import MINUTES_PER_DAY
from sim.model.customer_codes import (
    FRONT_LINE,
    MANAGEMENT,
    NOWHERE,
    OUTSIDE_DESK,
    REASONS,
    RECEIVED,
    SERVICE_REASONS,
    SILENT,
)
from sim.model.records import CustomerRun, DeskRun
from sim.scenario.customers import Economics
from sim.scenario.scenario import Scenario

DAYS_PER_MONTH = 365.25 / 12.0
MINUTES_PER_MONTH = DAYS_PER_MONTH * 1440.0
CURRENCY_SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€"}
"""Currencies written as a symbol before the amount; any other code is written as text."""
_SCALES = ((1e9, "bn"), (1e6, "M"), (1e3, "k"), (1.0, ""))


def money_text(value: float, currency: str = "", digits: int = 3, trim: bool = False) -> str:
    """An amount to ``digits`` significant figures with a k, M or bn suffix and its currency:
    ``£3.68M``, ``−$950``, ``€12.3k``, ``CHF 3.68M`` (``–`` when not a number); with ``trim``
    without trailing zeros (``£75k`` rather than ``£75.0k``, as on an axis)."""
    if not math.isfinite(value):
        return "–"
    rounded = float(f"{abs(value):.{digits}g}")
    factor, suffix = next(((f, s) for f, s in _SCALES if rounded >= f), (1.0, ""))
    number = rounded / factor
    decimals = max(digits - len(str(int(number))), 0) if number else 0
    text = f"{number:.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    amount = f"{'−' if value < 0 and float(text) else ''}{text}{suffix}"
    if not currency:
        return amount
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    if symbol is None:
        return f"{currency} {amount}"
    return f"−{symbol}{amount[1:]}" if amount.startswith("−") else f"{symbol}{amount}"


def lifetime_value_factor(econ: Economics) -> float:
    """Present value of one unit of monthly revenue over the customer lifetime."""
    months = np.arange(1, round(econ.lifetime_years * 12) + 1)
    return float(np.sum((1.0 + econ.annual_discount_rate) ** (-months / 12.0)))


@dataclass(frozen=True)
class Accounts:
    """The accounts of one replication, and who is a customer when."""

    segment: np.ndarray
    joined_min: np.ndarray
    decided_min: np.ndarray
    decided_reason: np.ndarray
    left_min: np.ndarray

    @classmethod
    def of(cls, run: CustomerRun) -> Accounts:
        a = run.accounts
        return cls(
            a["segment"], a["joined_min"], a["decided_min"], a["decided_reason"], a["left_min"]
        )

    def committed(self, t: float) -> np.ndarray:
        """Customers at ``t``: account open and no decision to leave."""
        return (self.joined_min <= t) & ~(self.decided_min <= t)

    def leaving(self, t: float) -> np.ndarray:
        """Accounts open at ``t`` whose customer has decided to leave (pending exits)."""
        return (self.decided_min <= t) & ~(self.left_min <= t)

    def open(self, t: float) -> np.ndarray:
        """Accounts open at ``t`` (paying, and able to contact the desk)."""
        return (self.joined_min <= t) & ~(self.left_min <= t)

    def open_minutes(self, start: float, end: float) -> np.ndarray:
        """Minutes each account was open within ``[start, end]``."""
        close = np.where(np.isnan(self.left_min), end, self.left_min)
        return np.clip(np.minimum(close, end) - np.maximum(self.joined_min, start), 0.0, None)


def _within(t: np.ndarray, start: float, end: float) -> np.ndarray:
    return (t > start) & (t <= end)


def customer_kpis(run: DeskRun, scenario: Scenario) -> dict[str, float]:
    """Customer-base, funnel and money KPIs of one replication (empty without customers)."""
    cr = run.customers
    if cr is None:
        return {}
    win = reporting_window(run, scenario)
    start, end = win.start_min, win.end_min
    acc = Accounts.of(cr)
    decided = _within(acc.decided_min, start, end)
    k: dict[str, float] = {
        "customers_start": float(acc.committed(start).sum()),
        "customers_end": float(acc.committed(end).sum()),
        "customers_leaving_end": float(acc.leaving(end).sum()),
        "acquired": float(_within(acc.joined_min, start, end).sum()),
        "defections": float(decided.sum()),
        "accounts_closed": float(_within(acc.left_min, start, end).sum()),
    }
    lost = {r: float((decided & (acc.decided_reason == i)).sum()) for i, r in enumerate(REASONS)}
    k["service_defections"] = sum(lost[r] for r in SERVICE_REASONS)
    k.update({f"defections.{r}": lost[r] for r in REASONS[1:]})
    k.update(_funnel(cr, acc, scenario, start, end))
    days = cr.daily["day"] >= start // 1440.0
    k["advocates"] = float(cr.daily["advocates"][days].mean()) if days.any() else np.nan
    months = (end - start) / MINUTES_PER_MONTH
    open_accounts = float(acc.open_minutes(start, end).sum()) / (end - start)
    k["complaint_rate_monthly"] = k["funnel.complaints"] / months / open_accounts
    k["complaint_rate_service_monthly"] = (
        k["funnel.complaints_from_service"] / months / open_accounts
    )
    if scenario.economics is not None:
        k.update(_money(run, cr, acc, scenario, start, end))
    return k


def _funnel(
    cr: CustomerRun, acc: Accounts, scenario: Scenario, start: float, end: float
) -> dict[str, float]:
    ep = cr.episodes
    ep_in = _within(ep["time_min"], start, end)
    voice = ep["voice"][ep_in]
    c = cr.complaints
    received = _within(c["received_min"], start, end) & np.isin(c["voice"], RECEIVED)
    within_h = scenario.standards.complaint_resolution_h
    hours = (c["resolved_min"] - c["clock_min"]) / 60.0
    resolved = received & c["closed"] & ~np.isnan(hours)
    on_time = resolved & (hours <= within_h)
    due = received & (c["closed"] | (c["clock_min"] + within_h * 60.0 <= end))
    kept, lost, _ = complainant_outcomes(cr, received)
    return {
        "funnel.dissatisfied": float(ep_in.sum()),
        "funnel.silent": float((voice == SILENT).sum()),
        "funnel.silent_leaving": float(((voice == SILENT) & ep["leaves"][ep_in]).sum()),
        "funnel.complained_front_line": float((voice == FRONT_LINE).sum()),
        "funnel.complained_management": float((voice == MANAGEMENT).sum()),
        "funnel.complained_to_nobody": float((voice == NOWHERE).sum()),
        "funnel.complaints": float(received.sum()),
        "funnel.complaints_from_service": float(
            (received & np.isin(c["voice"], [FRONT_LINE, MANAGEMENT])).sum()
        ),
        "funnel.complaints_outside_desk": float((received & (c["voice"] == OUTSIDE_DESK)).sum()),
        "funnel.resolved_on_time": float(on_time.sum()),
        "funnel.resolved_late": float((resolved & (hours > within_h)).sum()),
        "funnel.never_resolved": float((received & c["closed"] & np.isnan(hours)).sum()),
        "funnel.open_at_horizon": float((received & ~c["closed"]).sum()),
        "funnel.complainants_retained": float(kept),
        "funnel.complainants_lost": float(lost),
        "funnel.leaving_at_horizon": float(acc.leaving(end).sum()),
        "complaints_resolved_on_time": (float(on_time.sum() / due.sum()) if due.any() else np.nan),
        "complaint_retention": float(kept / (kept + lost)) if kept + lost else np.nan,
    }


def complainant_outcomes(cr: CustomerRun, complaints: np.ndarray) -> tuple[int, int, np.ndarray]:
    """Customers behind the selected complaints: how many were kept (every complaint settled and
    retained), how many lost (a complaint settled without keeping them), and the kept ids."""
    c = cr.complaints
    who = c["customer"][complaints]
    if not len(who):
        return 0, 0, np.empty(0, np.int64)
    ids, inverse = np.unique(who, return_inverse=True)
    lost = np.bincount(inverse, weights=c["retained"][complaints] == 0, minlength=len(ids)) > 0
    settled = np.bincount(inverse, weights=~c["closed"][complaints], minlength=len(ids)) == 0
    kept = ~lost & settled
    return int(kept.sum()), int(lost.sum()), ids[kept]


def _money(
    run: DeskRun, cr: CustomerRun, acc: Accounts, scenario: Scenario, start: float, end: float
) -> dict[str, float]:
    econ = scenario.economics
    assert econ is not None and scenario.customers is not None
    per_month = np.array([s.revenue_per_month for s in scenario.customers.segments.values()])
    value = per_month[acc.segment]
    factor = lifetime_value_factor(econ)
    # Sums of products with np.sum, not ``@``: BLAS splits a long dot product across its threads,
    # so its last bits would depend on the thread count (Dask workers run BLAS on one thread).
    revenue = float(np.sum(value * acc.open_minutes(start, end))) / MINUTES_PER_MONTH
    edges = np.array([start, end])
    staffing = overtime = replacement = 0.0
    attrition = None if scenario.workforce is None else scenario.workforce.attrition
    for g, group in enumerate(scenario.staffing.agent_groups.values()):
        cost = econ.tier1 if group.tier == 1 else econ.tier2
        per_hour = cost.cost_per_hour if group.cost_per_hour is None else group.cost_per_hour
        paid_min = step_integral(*run.group_paid[g], edges)[0]
        overtime_min = overtime_minutes(run.group_present[g], run.group_attending[g], start, end)
        overtime += per_hour / 60.0 * cost.overtime_multiplier * overtime_min
        staffing += per_hour / 60.0 * (paid_min + cost.overtime_multiplier * overtime_min)
        if attrition is not None and run.staff is not None:
            day_min = run.staff.day * MINUTES_PER_DAY
            leavers = run.staff.leavers[g][(day_min >= start) & (day_min < end)].sum()
            month_h = attrition.contract_hours_per_week * 52.0 / 12.0
            replacement += leavers * attrition.replacement_cost_months_of_pay * month_h * per_hour
    c = cr.complaints
    recovery_cost = float(c["compensation"][_within(c["resolved_min"], start, end)].sum())
    acquisition_cost = float(_within(acc.joined_min, start, end).sum()) * econ.acquisition_cost
    equity_start = float(value[acc.committed(start)].sum()) * factor
    equity_end = float(value[acc.committed(end)].sum()) * factor
    decided = _within(acc.decided_min, start, end)
    service = np.isin(acc.decided_reason, [REASONS.index(r) for r in SERVICE_REASONS])
    closed = _within(acc.left_min, start, end)
    months_after_exit = np.where(closed, (end - acc.left_min) / MINUTES_PER_MONTH, 0.0)
    received = _within(c["received_min"], start, end) & np.isin(c["voice"], RECEIVED)
    _, _, kept = complainant_outcomes(cr, received)
    return {
        "revenue": revenue,
        "staffing_cost": staffing,
        "recovery_cost": recovery_cost,
        "acquisition_cost": acquisition_cost,
        "overtime_cost": overtime,
        "replacement_cost": replacement,
        "revenue_lost_to_defection": float(np.sum(value * months_after_exit)),
        "lifetime_value_lost_service": float(value[decided & service].sum()) * factor,
        "customer_equity_start": equity_start,
        "customer_equity_end": equity_end,
        "customer_equity_change": equity_end - equity_start,
        "complainant_value_retained": float(value[kept].sum()) * factor,
        "net_value": revenue
        - staffing
        - recovery_cost
        - acquisition_cost
        - replacement
        + (equity_end - equity_start),
    }
