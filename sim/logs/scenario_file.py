"""The calibrated scenario file: commented YAML that ``python -m sim run`` accepts as it is.

:class:`ScenarioWriter` writes a :class:`sim.logs.calibration.Calibration` as a scenario with a
comment next to every number saying where it came from. Two comments are also read back, as JSON, by
``python -m sim validate-log``: the exponential patience fits (the Erlang A baseline's patience)
and the staffing rule's settings. Contact types split by hour of arrival are named
``type@lo-hih`` (:func:`band_name`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from sim.logs.bands import band_name, split_band
from sim.logs.duration_fits import MAX_SCENARIO_CV, MIN_CV, HandleFit, PatienceFit
from sim.scenario.desk import WEEKDAYS

if TYPE_CHECKING:
    from sim.logs.calibration import Calibration
    from sim.logs.contact_log import CleanLog


EXP_PATIENCE_KEY = "exponential_patience_s"
"""Key of the scenario-file comment holding the exponential patience fits (JSON)."""


STAFFING_RULE_KEY = "staffing_rule"
"""Key of the scenario-file comment holding the staffing rule's settings (JSON)."""


def exponential_patience_s(scenario_text: str) -> dict[str, float] | None:
    """The exponential patience fits (seconds) a calibrated scenario file records in a comment.

    :func:`calibrate` writes the exponential MLE of each type's patience, and the pooled one
    (key :data:`POOLED`), as ``# exponential_patience_s: {...}``: the scenario itself may use a
    lognormal, but the Erlang A baseline needs the exponential fit. None when the file has no
    such comment (a scenario not written by ``calibrate``).
    """
    return _recorded(scenario_text, EXP_PATIENCE_KEY)


def staffing_rule(scenario_text: str) -> dict[str, float] | None:
    """The staffing-rule settings (``slack_min``, ``idle_max_min``) a calibrated scenario file
    records as ``# staffing_rule: {...}``, so that validation infers agents the same way; None
    when the file has no such comment."""
    return _recorded(scenario_text, STAFFING_RULE_KEY)


def _recorded(scenario_text: str, key: str) -> dict[str, float] | None:
    """The JSON object of the comment ``# key: {...}`` of a scenario file, values as floats."""
    found = re.search(rf"^#\s*{key}:\s*(\{{.*\}})\s*$", scenario_text, re.MULTILINE)
    if found is None:
        return None
    return {str(k): float(v) for k, v in json.loads(found.group(1)).items()}


def _num(x: float, digits: int = 2) -> str:
    """A number as YAML: whole numbers without a decimal point."""
    r = round(float(x), digits)
    return str(int(r)) if r == int(r) else f"{r:g}" if abs(r) >= 1e-4 else "0"


def _flow(values: Sequence[float], digits: int = 2) -> str:
    return "[" + ", ".join(_num(v, digits) for v in values) + "]"


class ScenarioWriter:
    """The calibrated scenario as YAML, each number with a comment saying where it came from."""

    def __init__(self, cal: Calibration, log: CleanLog, horizon_days: int) -> None:
        self.cal = cal
        self.log = log
        self.horizon_days = horizon_days

    def yaml(self) -> str:
        return "\n".join(
            [
                *self._header(),
                *self._calendar(),
                *self._demand(),
                *self._staffing(),
                *self._routing(),
                "",
                "simulation:",
                "  replications: 10",
                "  seed: 19990101",
                "",
            ]
        )

    def _header(self) -> list[str]:
        c, r, a = self.cal, self.cal.report, self.cal.arrivals
        schema = self.log.schema
        files = ", ".join(f.split("/")[-1] for f in r.files)
        source = " ".join(schema.source.split())
        lines = [
            f"# Calibrated from a contact log by `python -m sim calibrate` (schema {schema.name}).",
            f"# Log: {files}; {c.first_date} to {c.last_date}.",
        ]
        if source:
            lines += _wrap_comment(f"Data source: {source}")
        lines += _wrap_comment(
            f"{r.rows_read:,} rows read, {r.records:,} calls kept after cleaning "
            f"({r.served:,} served, {r.abandoned:,} abandoned); {a.before_queue:,} callers who "
            f"hung up before reaching the queue and {a.outside_hours:,} calls outside the opening "
            f"hours are left out; {a.calls:,} calls on {sum(a.regular_days.values())} regular days "
            "give the volumes. Method: docs/validation.md."
        )
        lines += ["# Cleaning:"] + [
            f"#   {action} {rule}: {n:,}" for action, rule, n in r.rules() if n
        ]
        lines += [
            "# Exponential MLE of patience per type and pooled from the plain waits, in seconds",
            "# (read by `python -m sim validate-log` as the Erlang A baseline's patience):",
            f"# {EXP_PATIENCE_KEY}: "
            + json.dumps({t: round(x, 1) for t, x in c.erlang_patience_s.items()}),
            "# Staffing rule the agents on duty were inferred with (read by validate-log):",
            f"# {STAFFING_RULE_KEY}: "
            + json.dumps(
                {"slack_min": c.staffing.slack_min, "idle_max_min": c.staffing.idle_max_min}
            ),
        ]
        lines += [
            "",
            f"name: {c.name}",
            "description: >-",
            f"  Calibrated from {files} ({c.first_date} to {c.last_date}): arrivals by weekday and",
            "  interval, lognormal handle times, censored patience, staffing inferred from agent",
            "  activity.",
            "",
        ]
        return lines

    def _calendar(self) -> list[str]:
        c, a = self.cal, self.cal.arrivals
        lines = [
            "calendar:",
            f"  start_date: {c.first_date}  # first day of the log, so weekdays and dates match it",
            f"  horizon_days: {self.horizon_days}",
            f"  interval_min: {c.interval_min}",
            "  opening_hours:  # span of intervals with at least "
            f"{a.open_share:.0%} of the calls of the weekday's busiest interval",
        ]
        for w in WEEKDAYS:
            h = a.opening_hours[w]
            lines.append(
                f"    {w}: {{open_h: {_num(h[0])}, close_h: {_num(h[1])}}}"
                if h
                else f"    {w}: null  # no calls"
            )
        end = c.first_date + dt.timedelta(days=self.horizon_days)
        inside = [d for d in a.abnormal_days if c.first_date <= d.date < end]
        closed = [d for d in inside if d.calls == 0]
        peaks = [d for d in inside if d.calls > 0]
        abnormal = f"abnormal days (under {a.abnormal_below:.0%} of the weekday median calls)"
        if closed:
            lines.append(f"  holidays:  # {abnormal} without calls")
            lines += [f"    - {d.date}" for d in closed]
        if peaks:
            lines.append(f"  peak_days:  # {abnormal} at their observed volume")
            for d in peaks:
                w = _weekday(d.date)
                mean = sum(v[w] for v in a.daily_volume.values())
                lines += [
                    f"    - date: {d.date}  # {w}: {d.calls:,} calls, weekday median "
                    f"{d.weekday_median:g}",
                    f"      volume_multiplier: {_num(max(d.calls / mean, 0.01), 3)}",
                ]
        return [*lines, ""]

    def _demand(self) -> list[str]:
        c, a = self.cal, self.cal.arrivals
        per_weekday = ", ".join(
            f"{w} {v:.3f}" for w, v in a.day_volume_cv_by_weekday.items() if v is not None
        )
        lines = [
            "demand:",
            f"  day_volume_cv: {_num(a.day_volume_cv, 3)}  # pooled over weekdays: variance of "
            "daily totals = m + cv^2 m^2",
            *_wrap_comment(f"per weekday: {per_weekday}", indent=4),
            *self._queue_factors(),
            "  profiles:",
            *_wrap_comment(
                "mean calls per interval on regular days, all types (days averaged: "
                + ", ".join(f"{w} {n}" for w, n in a.regular_days.items())
                + ")",
                indent=4,
            ),
        ]
        profiles = self._band_profiles()
        if c.bands:
            lines += _wrap_comment(
                "one profile per weekday and hour band: the weekday's profile within the band, "
                "zero outside it",
                indent=4,
            )
        lines += [f"    {n}: {_flow(p)}" for n, p in profiles.items()]
        lines.append("  contact_types:")
        total = sum(a.type_calls.values())
        for t in c.types:
            _, band = split_band(t)
            profile_map = (
                "{"
                + ", ".join(
                    f"{w}: {w if band is None else band_name(w, band)}"
                    for w in a.profiles
                    if (w if band is None else band_name(w, band)) in profiles
                    and a.daily_volume[t][w] > 0
                )
                + "}"
            )
            h, _ = c.handle_for(t)
            p, _ = c.patience_for(t)
            codes = ", ".join(c.type_codes[t])
            volume = "{" + ", ".join(f"{w}: {_num(v, 1)}" for w, v in a.daily_volume[t].items())
            volume += "}"
            merged = (
                f" (types under {c.min_type_share:.0%} of calls, merged)"
                if split_band(t)[0] == c.merged_type
                else ""
            )
            merged += f", arriving {band[0]:02d}:00-{band[1]:02d}:00" if band is not None else ""
            lines += [
                f"    {t}:  # log type {codes}{merged}: {a.type_calls[t]:,} calls used "
                f"({a.type_calls[t] / total:.1%})",
                "      channel: phone",
                "      priority: 1  # one first-come-first-served queue for every type",
                f"      daily_volume: {volume}  # mean a regular day, within opening hours",
                f"      profile: {profile_map}",
                f"      handle_time: {{kind: lognormal, mean_min: {_num(h.mean_s / 60, 3)}, "
                f"cv: {_num(h.cv, 3)}}}",
                *_wrap_comment(self._handle_note(h, t), indent=8),
                f"      wrap_up_s: {self._wrap_up()}",
                *_wrap_comment(self._wrap_up_note(), indent=8),
                f"      patience: {self._patience(p)}",
                *_wrap_comment(self._patience_note(p, t), indent=8),
                "      retrial: {probability: 0}  # the log does not link a caller's attempts",
                "      resolution: {first_contact_prob: 1.0}  # the log does not record resolution",
            ]
        return [*lines, ""]

    def _routing(self) -> list[str]:
        d = self.cal.answer_delay
        if d is None:
            return []
        return [
            "routing:",
            "  answer_delay:",
            f"    probability: {_num(d.probability, 3)}",
            f"    delay: {{kind: exponential, mean_min: {_num(d.mean_delay_s / 60, 3)}}}",
            *_wrap_comment(
                f"of {d.callers:,} callers who arrived while nobody was waiting and the staffing "
                f"rule counts an agent free, {d.delayed:,} ({d.probability:.1%}) waited all the "
                "same (the agent was not ready); exponential MLE of their wait "
                f"{d.mean_delay_s:.0f} s, the {d.delayed - d.answered:,} who hung up first "
                "censored (sim/logs/agent_activity.py)",
                indent=4,
            ),
        ]

    def _queue_factors(self) -> list[str]:
        q = self.cal.queue_factors
        if q is None:
            return []
        mapping = ", ".join(f"{a}: {_num(f, 3)}" for a, f in q.mapping.items())
        bands = "; ".join(
            f"{a}+ ahead: {f:.3f} ({lo:.3f}-{hi:.3f}), {n:,} queued, {d:,} abandoned"
            for a, f, (lo, hi), n, d in zip(
                q.ahead, q.factor, q.ci, q.queued, q.abandoned, strict=True
            )
        )
        return [
            f"  patience_factor_by_queue_ahead: {{{mapping}}}",
            *_wrap_comment(
                "callers who find more callers waiting give up sooner: patience factor by callers "
                "waiting at arrival, exponential proportional-hazards fit adjusted for contact "
                f"type (sim/logs/queue_patience.py; 95% CI): {bands}. The patience below is that "
                "of a caller who finds nobody waiting.",
                indent=4,
            ),
        ]

    def _band_profiles(self) -> dict[str, np.ndarray]:
        """Profile name → weights: one per weekday, or with hour bands one per weekday and band
        (the weekday's profile within the band, zero elsewhere; left out when all zero)."""
        c, a = self.cal, self.cal.arrivals
        if not c.bands:
            return dict(a.profiles)
        out = {}
        for w, profile in a.profiles.items():
            open_h = a.opening_hours[w][0]
            hour = open_h + np.arange(len(profile)) * c.interval_min / 60.0
            for band in c.bands:
                inside = (hour >= band[0]) & (hour < band[1])
                if profile[inside].sum() > 0:
                    out[band_name(w, band)] = np.where(inside, profile, 0.0)
        return out

    def _borrowed(self, type_name: str, quantity: str) -> str:
        """``why; borrowed from POOL: `` when the type borrows its ``quantity`` fit, else ``""``."""
        f = self.cal.fallback(type_name, quantity)
        return "" if f is None else f"{f.reason()}; borrowed from {f.used}: "

    def _handle_note(self, h: HandleFit, type_name: str) -> str:
        r = self.cal.report
        cut = "not truncated"
        if r.max_service_s is not None:
            cut = f"truncated at {r.max_service_s:g} s"
        who = self._borrowed(type_name, "handle time")
        return (
            f"{who}{h.n:,} services ({cut}): mean {h.mean_s:.0f} s, CV {h.cv:.2f}, {h.short:,} "
            f"({h.short / h.n:.1%}) under {r.short_service_s:g} s kept; KS distance of this "
            f"lognormal {h.ks:.3f}; lognormal MLE of the services of {h.body_from_s:g} s or more: "
            f"mean {h.body_mean_s:.0f} s, CV {h.body_cv:.2f}, KS {h.body_ks:.3f}"
        )

    def _wrap_up(self) -> str:
        gap = self.cal.staffing.wrap_up_s
        return "0" if math.isnan(gap) else _num(gap, 0)

    def _wrap_up_note(self) -> str:
        s = self.cal.staffing
        if math.isnan(s.wrap_up_s):
            return "not in the log, and no agent took consecutive calls while callers waited"
        which = (
            f"mean gap under {2 * s.slack_min:g} min (the gaps the staffing rule counts as on duty)"
            if s.wrap_up_rule == "mean"
            else "median gap"
        )
        return (
            f"{which} between an agent's consecutive calls while callers were waiting "
            f"({s.wrap_up_gaps:,} gaps, all types): after-call work"
        )

    @staticmethod
    def _patience(p: PatienceFit) -> str:
        if p.kept == "lognormal":
            return (
                f"{{kind: lognormal, mean_min: {_num(p.lognormal_mean_s / 60, 3)}, "
                f"cv: {_num(p.lognormal_cv, 3)}}}"
            )
        return f"{{kind: exponential, mean_min: {_num(p.exp_mean_s / 60, 3)}}}"

    def _patience_note(self, p: PatienceFit, type_name: str) -> str:
        who = f"{self._borrowed(type_name, 'patience')}{p.queued:,} queued callers"
        return (
            f"{who}, {p.abandoned:,} abandoned; served waits are censored (patience > wait). "
            f"Exponential MLE {p.exp_mean_s:.0f} s (95% CI {p.exp_ci_s[0]:.0f}-"
            f"{p.exp_ci_s[1]:.0f}), log-likelihood {p.loglik_exp:.1f}, largest distance from "
            f"Kaplan-Meier {p.km_gap_exp:.3f}; lognormal MLE median {p.lognormal_median_s:.0f} "
            f"s, sigma {p.lognormal_sigma:.2f}, log-likelihood {p.loglik_lognormal:.1f}, distance "
            f"{p.km_gap_lognormal:.3f} (its mean {p.lognormal_mean_s:.0f} s extrapolates beyond "
            f"the longest wait, {p.longest_wait_s:.0f} s); {p.kept} kept "
            + (
                "(lower AIC)"
                if p.kept == p.best
                else f"(the lognormal has the lower AIC, but its CV {p.lognormal_cv:.3g} is "
                f"outside the scenario's bounds {MIN_CV:g}-{MAX_SCENARIO_CV:g})"
            )
        )

    def _staffing(self) -> list[str]:
        s = self.cal.staffing
        chosen = s.chosen
        lines = [
            "staffing:",
            "  tier1:",
            "    kind: by_interval",
            *_wrap_comment(
                "Agents on duty per interval, inferred from agent activity (work-conserving "
                "rule, sim/logs/agent_activity.py): on duty while serving and in gaps under "
                f"{2 * s.slack_min:g} min between two calls (after-call work); in gaps up to "
                f"{s.idle_max_min:g} min and {s.slack_min:g} min before and after a stretch of "
                "calls only while no caller was waiting (idle and ready); time-averaged per "
                "interval, mean over regular days, rounded, at least 1 "
                f"({s.agents_seen} agents seen; mean {chosen.mean_agents:.1f} on duty, "
                f"occupancy {chosen.occupancy:.0%}). Sensitivity (slack N / longest idle gap): "
                + "; ".join(
                    f"{row.slack_min:g}/{row.idle_max_min:g} min {row.mean_agents:.1f} agents, "
                    f"occupancy {row.occupancy:.0%}"
                    for row in s.sensitivity
                ),
                indent=4,
            ),
            "    agents:",
        ]
        lines += [f"      {w}: {_flow(v)}" for w, v in s.agents.items()]
        lines += [
            "  tier2: {kind: fixed, agents: 0}  # one pool of agents; no escalations in the log",
        ]
        return lines


def _weekday(date: dt.date) -> str:
    return WEEKDAYS[date.weekday()]


def _wrap_comment(text: str, indent: int = 0, width: int = 100) -> list[str]:
    """``text`` as YAML comment lines of at most ``width`` characters."""
    prefix = " " * indent + "# "
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(prefix) + len(line) + 1 + len(word) > width:
            lines.append(prefix + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(prefix + line)
    return lines
