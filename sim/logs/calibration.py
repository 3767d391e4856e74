"""What a calibration found: every fit from a contact log, and the scenario built from them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sim.logs.agent_activity import AnswerDelayFit, StaffingFit
from sim.logs.arrival_fits import ArrivalFit
from sim.logs.bands import fallback_keys
from sim.logs.contact_log import CleaningReport
from sim.logs.duration_fits import HandleFit, PatienceFit
from sim.logs.queue_patience import QueueFactorFit
from sim.scenario.base import clock
from sim.scenario.desk import WEEKDAYS
from sim.scenario.scenario import Scenario


@dataclass(frozen=True)
class Fallback:
    """A contact type whose own fit of a quantity was unusable, and the pooled fit it borrows.

    Attributes:
        type_name: The scenario's contact type (``regular@20-24h``).
        quantity: ``handle time`` or ``patience``.
        skipped: The fits passed over, its own first, each with why it was unusable (too few
            observations, or no spread).
        used: Key of the fit used instead (``all types@20-24h``, ``regular``, ``all types``).
    """

    type_name: str
    quantity: str
    skipped: tuple[tuple[str, str], ...]
    used: str

    def reason(self) -> str:
        """Why the type borrows, as one clause (the pools passed over named)."""
        own, *pools = self.skipped
        return "; ".join([own[1], *(f"{key} too: {why}" for key, why in pools)])

    def warning(self) -> str:
        """One line: the type (and so its hour band), the quantity, why, and the fit used."""
        return (
            f"{self.type_name}: {self.quantity}: {self.reason()}; "
            f"using the {self.quantity} fitted on {self.used}"
        )


def fallbacks(
    types: list[str], quantity: str, fits: dict[str, object], problems: dict[str, str]
) -> list[Fallback]:
    """The types of ``types`` without a usable ``quantity`` fit of their own (not in ``fits``;
    ``problems`` says why each unfitted key was unusable), and the fit each borrows."""
    out = []
    for name in types:
        keys = fallback_keys(name)
        used = next(k for k in keys if k in fits)
        if used != name:
            skipped = keys[: keys.index(used)]
            out.append(Fallback(name, quantity, tuple((k, problems[k]) for k in skipped), used))
    return out


@dataclass(frozen=True)
class Calibration:
    """Everything estimated from a log, and the scenario built from it.

    Attributes:
        name: Scenario name.
        report: The cleaning report of the log.
        first_date: First day in the log.
        last_date: Last day in the log.
        interval_min: Planning interval.
        min_type_share: Log types with a smaller share of calls were merged.
        merged_type: The contact type the small log types were merged into (None if none were).
        type_codes: Scenario contact type → the log type codes it stands for.
        arrivals: Volumes, profiles, opening hours, abnormal days, overdispersion.
        handle: Scenario contact type → handle-time fit, plus ``"all types"`` pooled (and, with
            hour bands, ``"all types@lo-hih"`` pooled per band and each log type over all
            hours); only usable fits (enough services, with spread).
        patience: Scenario contact type → patience fit, pooled the same way, only usable fits
            (enough abandonments, with spread); with queue factors,
            the patience of a caller who finds nobody waiting (waits divided by the caller's
            factor, :mod:`sim.logs.queue_patience`).
        erlang_patience_s: Same keys → exponential MLE of patience from the plain waits (the
            Erlang A model: patience independent of the queue).
        queue_factors: Patience factors by callers waiting at arrival (None: not estimated).
        staffing: Inferred agents on duty.
        answer_delay: Callers who found a free agent and still waited (None: not estimated).
        scenario_data: The scenario as data (validated).
        yaml_text: The scenario as commented YAML.
        bands: The hour bands contact types are split by (empty: not split).
        fallbacks: The contact types that borrow a pooled fit, and why.
    """

    name: str
    report: CleaningReport
    first_date: dt.date
    last_date: dt.date
    interval_min: int
    min_type_share: float
    merged_type: str | None
    type_codes: dict[str, list[str]]
    arrivals: ArrivalFit
    handle: dict[str, HandleFit]
    patience: dict[str, PatienceFit]
    erlang_patience_s: dict[str, float]
    queue_factors: QueueFactorFit | None
    staffing: StaffingFit
    answer_delay: AnswerDelayFit | None
    scenario_data: dict
    yaml_text: str
    bands: tuple[tuple[int, int], ...] = ()
    fallbacks: tuple[Fallback, ...] = ()

    def scenario(self) -> Scenario:
        """The calibrated scenario, validated."""
        return Scenario.model_validate(self.scenario_data)

    @property
    def types(self) -> list[str]:
        """The scenario's contact types, busiest first."""
        return list(self.arrivals.daily_volume)

    def handle_for(self, type_name: str) -> tuple[HandleFit, bool]:
        """The handle-time fit a type uses, and whether it is borrowed from a pool
        (:func:`sim.logs.bands.fallback_keys`)."""
        key = next(k for k in fallback_keys(type_name) if k in self.handle)
        return self.handle[key], key != type_name

    def patience_for(self, type_name: str) -> tuple[PatienceFit, bool]:
        """The patience fit a type uses, and whether it is borrowed from a pool."""
        key = next(k for k in fallback_keys(type_name) if k in self.patience)
        return self.patience[key], key != type_name

    def fallback(self, type_name: str, quantity: str) -> Fallback | None:
        """Why ``type_name`` borrows its ``quantity`` fit, and from which pool; None if not."""
        found = (f for f in self.fallbacks if (f.type_name, f.quantity) == (type_name, quantity))
        return next(found, None)

    def summary(self) -> str:
        """A short text summary of the fits."""
        a = self.arrivals
        lines = [
            f"Calibration '{self.name}' from {self.first_date} to {self.last_date}: "
            f"{a.calls:,} calls used ({a.before_queue:,} hung up before the queue and "
            f"{a.outside_hours:,} outside opening hours left out)",
            "  opening hours: "
            + ", ".join(
                f"{d} {clock(h[0])}-{clock(h[1])}" if h else f"{d} closed"
                for d, h in a.opening_hours.items()
            ),
            "  abnormal days left out: "
            + (
                ", ".join(
                    f"{d.date} ({WEEKDAYS[d.date.weekday()]}, {d.calls} calls, "
                    f"weekday median {d.weekday_median:g})"
                    for d in a.abnormal_days
                )
                or "none"
            ),
            f"  day-to-day volume CV beyond Poisson: {a.day_volume_cv:.3f}",
            "  type              calls  handle: mean  CV    KS  KS>=short | patience: exp mean "
            "(95% CI)   lognormal median/sigma  KM distance exp/logn  kept",
        ]
        for name in self.types:
            h, h_pooled = self.handle_for(name)
            p, pooled = self.patience_for(name)
            lines.append(
                f"  {name:<15} {self.arrivals.type_calls[name]:>7,}  {h.mean_s:6.0f} s  "
                f"{h.cv:4.2f}  {h.ks:4.3f} {h.body_ks:5.3f}{'*' if h_pooled else ' '}| "
                f"{p.exp_mean_s:5.0f} s "
                f"({p.exp_ci_s[0]:.0f}-{p.exp_ci_s[1]:.0f})  {p.lognormal_median_s:5.0f} s / "
                f"{p.lognormal_sigma:4.2f}  {p.km_gap_exp:5.3f} / {p.km_gap_lognormal:5.3f}  "
                f"{p.kept}{' (pooled)' if pooled else ''}"
            )
        if self.fallbacks:
            lines.append(
                "  * and (pooled): handle time or patience borrowed from a pooled fit "
                "(too few calls, or no spread; the warnings say which and why)"
            )
        d = self.answer_delay
        if d is not None:
            lines.append(
                f"  answer delay: {d.probability:.1%} of {d.callers:,} callers who found a free "
                f"agent waited all the same, {d.mean_delay_s:.0f} s on average (exponential)"
            )
        q = self.queue_factors
        if q is not None:
            lines.append(
                "  patience factor by callers waiting at arrival (the patience above is that of a "
                "caller who finds nobody waiting): "
                + ", ".join(
                    f"{a}+ {f:.3f} ({lo:.3f}-{hi:.3f})"
                    for a, f, (lo, hi) in zip(q.ahead, q.factor, q.ci, strict=True)
                )
            )
        s = self.staffing
        lines.append(
            f"  staffing (slack N {s.slack_min:g} min, idle gaps up to {s.idle_max_min:g} min): "
            f"{s.agents_seen} agents seen, after-call gap {s.wrap_up_s:.0f} s; by setting: "
            + "; ".join(
                f"N={row.slack_min:g}/idle {row.idle_max_min:g}: {row.mean_agents:.1f} on duty, "
                f"occupancy {row.occupancy:.0%}"
                for row in s.sensitivity
            )
        )
        return "\n".join(lines)
