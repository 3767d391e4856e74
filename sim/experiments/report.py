"""Plain-text reports for the terminal: KPI table, standards scorecard, Erlang comparison,
sensitivity study, sweep summary, calibration by simulation."""

from __future__ import annotations

import argparse
import math
from collections.abc import Mapping, Sequence

import numpy as np

from sim.experiments.compare import Comparison, Resolution
from sim.experiments.erlang_check import SimulatedErlang, StaffingAnswer
from sim.experiments.fit import FitOutcome, Trial
from sim.experiments.optimise import OBJECTIVE, Optimisation
from sim.experiments.replications import ScenarioResult
from sim.experiments.roster_correction import CorrectedRoster, CorrectionRound, ScheduledWeek
from sim.experiments.sensitivity import DIFFERENCE, Analysis, outputs
from sim.experiments.sensitivity_spec import Sensitivity
from sim.experiments.sweep_spec import short_names, value_text
from sim.experiments.sweep_summary import KEY_KPIS, MeanCI, SweepSummary, direction_text
from sim.measures.estimates import Estimate, estimate, kpi_estimate
from sim.measures.metrics import kpi_info
from sim.measures.value import money_text
from sim.scenario.desk import WEEKDAYS
from sim.scenario.staffing import ShiftRoster

UNIT_STYLE = {
    "share": "pct",
    "count": "count",
    "ratio": "num",
    "s": "num",
    "h": "num",
    "callers": "num",
    "money": "count",
}
UNIT_SUFFIX = {"s": " (s)", "h": " (h)"}


def _fmt(value: float, style: str) -> str:
    if math.isnan(value):
        return "–"
    if style == "pct":  # small shares (a monthly complaint rate) need a second decimal
        return f"{100 * value:.{2 if abs(value) < 0.1 else 1}f}%"
    if style == "pp":
        return f"{100 * value:+.{2 if abs(value) < 0.01 else 1}f} pp"
    if style == "count":
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def _label(kpi: str) -> tuple[str, str]:
    info = kpi_info(kpi)
    return info.label + UNIT_SUFFIX.get(info.unit, ""), UNIT_STYLE[info.unit]


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(
            h.ljust(w) if i == 0 else h.rjust(w)
            for i, (h, w) in enumerate(zip(header, widths, strict=True))
        )
    ]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    return "\n".join(lines)


def _ci(e: Estimate, style: str) -> str:
    if e.n < 2:
        return "–"
    return f"{_fmt(e.ci_low, style)} – {_fmt(e.ci_high, style)}"


def kpi_table(result: ScenarioResult) -> str:
    """The headline KPIs with 95% confidence intervals."""
    rows = []
    for kpi, e in result.summary.items():
        if kpi == "contacts_simulated":
            continue
        label, style = _label(kpi)
        if kpi_info(kpi).unit == "money":
            label += f" ({result.scenario.economics.currency})"
        rows.append([label, _fmt(e.mean, style), _ci(e, style)])
    head = (
        f"Scenario '{result.scenario.name}': {result.replications} replications, seed "
        f"{result.seed}, {result.contacts_simulated:,} contacts in {result.wall_s:.1f} s\n"
        f"Service level = {result.scenario.service_level.describe()}\n"
    )
    return head + _table(["KPI", "mean", "95% CI"], rows)


def scorecard_table(result: ScenarioResult) -> str:
    """Standards met / not met / inconclusive (the CI straddles the target)."""
    rows = []
    for s in result.scorecard:
        style = UNIT_STYLE[kpi_info(s.kpi).unit]
        sign = "≥" if s.higher_is_better else "≤"
        rows.append(
            [
                s.standard,
                f"{sign} {_fmt(s.target, style)}",
                _fmt(s.estimate.mean, style),
                _ci(s.estimate, style),
                s.status,
            ]
        )
    return "Standards scorecard\n" + _table(
        ["standard", "target", "mean", "95% CI", "status"], rows
    )


def erlang_table(
    args: argparse.Namespace,
    analytic: Mapping[str, float],
    simulated: SimulatedErlang | None,
    staffing: StaffingAnswer | None = None,
) -> str:
    """Analytic (and simulated) measures of the Erlang calculator; with ``staffing``, first the
    agents each target needs."""
    model = "Erlang C (M/M/n)" if args.patience_min is None else "Erlang A (M/M/n+M)"
    load = args.arrivals_per_h * args.aht_min / 60.0
    head = (
        f"{model}: {args.arrivals_per_h:g} calls/h, {args.agents} agents, AHT "
        f"{args.aht_min:g} min"
        + ("" if args.patience_min is None else f", mean patience {args.patience_min:g} min")
        + f"; offered load {load:.2f} Erl ({load / args.agents:.0%} per agent)\n"
        f"Service level = answered within {args.sl_seconds:g} s / all calls "
        "(abandons are misses)\n"
    )
    styles = {"p_wait": "pct", "asa_s": "num", "service_level": "pct", "p_abandon": "pct"}
    names = {
        "p_wait": "P(wait)",
        "asa_s": "ASA (s)",
        "service_level": "service level",
        "p_abandon": "P(abandon)",
    }
    header = ["measure", "analytic"]
    if simulated is not None:
        header += ["simulated", "95% CI", "inside CI"]
    rows = []
    for key, style in styles.items():
        row = [names[key], _fmt(analytic[key], style)]
        if simulated is not None:
            e = simulated.estimates[key]
            inside = e.ci_low <= analytic[key] <= e.ci_high
            row += [_fmt(e.mean, style), _ci(e, style), "yes" if inside else "no"]
        rows.append(row)
    tail = ""
    if simulated is not None:
        tail = f"\n{simulated.contacts_simulated:,} simulated calls in {simulated.wall_s:.1f} s"
    fte = args.agents / (1.0 - args.shrinkage)
    tail += (
        f"\nFTE to roster: {fte:.1f} (agents / (1 - shrinkage {args.shrinkage:.0%}))"
        if args.shrinkage
        else ""
    )
    return _staffing_text(staffing) + head + _table(header, rows) + tail


def _staffing_text(staffing: StaffingAnswer | None) -> str:
    if staffing is None:
        return ""
    rows = [
        [target, str(n), "binding" if target == staffing.binding else ""]
        for target, n in staffing.needed.items()
    ]
    return (
        f"Agents needed: {staffing.agents} answering (occupancy {staffing.occupancy:.1%}); "
        f"{staffing.fte:.1f} FTE to roster after {staffing.shrinkage:.0%} shrinkage\n"
        + _table(["target", "agents", ""], rows)
        + "\n\nAt that headcount:\n"
    )


def comparison_table(comparison: Comparison) -> str:
    """Each alternative against the baseline: means, paired difference with its CI, verdict."""
    blocks = []
    base = comparison.results[comparison.baseline]
    for name, diffs in comparison.differences.items():
        rows = []
        for kpi, d in diffs.items():
            if kpi == "contacts_simulated":
                continue
            label, style = _label(kpi)
            diff_style = style if style != "pct" else "pp"
            rows.append(
                [
                    label,
                    _fmt(d.baseline.mean, style),
                    _fmt(d.alternative.mean, style),
                    _fmt(d.difference.mean, diff_style),
                    _ci(d.difference, diff_style),
                    d.verdict,
                ]
            )
        head = (
            f"'{name}' against '{comparison.baseline}': {base.replications} paired "
            f"replications, seed {base.seed} (common random numbers)"
        )
        blocks.append(
            head
            + "\n"
            + _table(["KPI", comparison.baseline, name, "difference", "95% CI", "verdict"], rows)
        )
    return "\n\n".join(blocks)


def comparison_markdown(
    comparison: Comparison, kpis: Sequence[str] = (), pairing: bool = False
) -> str:
    """The comparison as Markdown tables: each scenario's mean and 95% interval per KPI, then
    each alternative's paired difference against the baseline with its interval and verdict,
    and with ``pairing`` what the pairing removed (var(difference) / (var(a) + var(b))).
    ``kpis`` selects and orders the rows (default: every KPI)."""
    base = comparison.results[comparison.baseline]
    names = list(comparison.results)
    rows = [k for k in (kpis or base.summary) if k != "contacts_simulated"]
    missing = [k for k in rows if k not in base.summary]
    if missing:
        raise ValueError(f"no such KPI in the results: {', '.join(missing)}")

    def cell(e: Estimate, style: str) -> str:
        return _fmt(e.mean, style) if e.n < 2 else f"{_fmt(e.mean, style)} ({_ci(e, style)})"

    means = [f"| KPI | {' | '.join(names)} |", "|---" * (len(names) + 1) + "|"]
    for kpi in rows:
        label, style = _label(kpi)
        values = [cell(comparison.results[n].summary[kpi], style) for n in names]
        means.append(f"| {label} | {' | '.join(values)} |")
    alternatives = list(comparison.differences)
    diffs = [
        f"| difference against {comparison.baseline} (paired) | {' | '.join(alternatives)} |",
        "|---" * (len(alternatives) + 1) + "|",
    ]
    for kpi in rows:
        label, style = _label(kpi)
        style = "pp" if style == "pct" else style
        values = []
        for name in alternatives:
            d = comparison.differences[name][kpi]
            values.append(
                f"{_fmt(d.difference.mean, style)} ({_ci(d.difference, style)}): {d.verdict}"
            )
        diffs.append(f"| {label} | {' | '.join(values)} |")
    tables = [*means, "", *diffs]
    if pairing:
        tables += [
            "",
            "| var(difference) / (var(baseline) + var(alternative)) | "
            + " | ".join(alternatives)
            + " |",
            "|---" * (len(alternatives) + 1) + "|",
        ]
        for kpi in rows:
            ratios = [comparison.differences[name][kpi].pairing for name in alternatives]
            cells = ["–" if math.isnan(r) else f"{r:.3f}" for r in ratios]
            tables.append(f"| {_label(kpi)[0]} | {' | '.join(cells)} |")
    head = (
        f"{base.replications} replications per scenario, seed {base.seed}; means with 95% "
        "confidence intervals (Student t over replications)."
    )
    return "\n".join([head, "", *tables]) + "\n"


def resolution_report(resolutions: Sequence[Resolution]) -> str:
    """One line per alternative and KPI: resolved (and how) or not (and why)."""
    return "\n".join(
        f"{'resolved' if r.resolved else 'NOT resolved'}: {r.alternative} - {r.kpi}: {r.how}"
        for r in resolutions
    )


def sensitivity_table(spec: Sensitivity, analysis: Analysis, wall_s: float | None = None) -> str:
    """Per KPI (and paired difference), the parameters ranked by influence — Morris mu* and
    sigma, Sobol S1 and ST, each with its 95% CI — then how often policy A beats policy B."""
    designs = analysis.samples["design"]
    parts = []
    if spec.morris is not None:
        parts.append(
            f"Morris {spec.morris.trajectories} trajectories x {spec.morris.levels} levels over "
            f"{len(spec.varied('morris'))} parameters ({designs.count('morris')} samples)"
        )
    if spec.sobol is not None:
        parts.append(
            f"Sobol N={spec.sobol.samples} over {len(spec.varied('sobol'))} parameters "
            f"({designs.count('sobol')} samples)"
        )
    policies = len(spec.policies())
    head = (
        f"Sensitivity study '{spec.name}': {'; '.join(parts)}; {policies} "
        f"polic{'ies' if policies > 1 else 'y'} x {spec.replications} replications a sample, "
        f"seed {spec.seed}" + (f", {wall_s:,.0f} s" if wall_s is not None else "")
    )
    blocks = [head]
    if analysis.incomplete:
        blocks.append(
            f"NOT ANALYSED (a point did not finish): {', '.join(analysis.incomplete)}; run again "
            "with --resume"
        )
    for kpi, kind in outputs(spec):
        blocks.append(_sensitivity_block(spec, analysis, kpi, kind))
    if analysis.wins is not None:
        blocks.append(_wins_block(analysis.wins))
    return "\n\n".join(blocks)


def _sensitivity_block(spec: Sensitivity, analysis: Analysis, kpi: str, kind: str) -> str:
    idx = analysis.indices
    rows = [
        i
        for i, (k, o) in enumerate(zip(idx["kpi"], idx["output"], strict=True))
        if (k, o) == (kpi, kind)
    ]
    by_param: dict[str, dict[str, int]] = {}
    noise: dict[str, float] = {}
    for i in rows:
        by_param.setdefault(idx["parameter"][i], {})[idx["method"][i]] = i
        noise[idx["method"][i]] = idx["noise_share"][i]
    info = kpi_info(kpi)
    title = info.label
    if kind == DIFFERENCE:
        assert spec.compare is not None
        title += f": {spec.compare.label('b')} - {spec.compare.label('a')}"
    elif spec.compare is not None:
        title += f" under {spec.compare.label('a')}"
    unit = "pp" if info.unit == "share" else info.unit
    title += f" ({unit}; mu* and sigma: change across the whole range)"
    if not rows:
        return f"{title}\n(no method analysed)"

    def order(param: str) -> tuple[int, int]:
        found = by_param[param]
        return (
            idx["rank"][found["morris"]] if "morris" in found else len(rows),
            idx["rank"][found["sobol"]] if "sobol" in found else len(rows),
        )

    table = []
    for param in sorted(by_param, key=order):
        m, s = by_param[param].get("morris"), by_param[param].get("sobol")
        table.append(
            [
                param,
                _effect(idx, "mu_star", m, info.unit),
                _effect(idx, "sigma", m, info.unit),
                _index(idx, "S1", s),
                _index(idx, "ST", s),
            ]
        )
    measured = [
        f"{share:.0%} ({method})" for method, share in noise.items() if not math.isnan(share)
    ]
    foot = "replication noise, as a share of the spread across samples: " + (
        ", ".join(measured) or "not measured (one replication a sample)"
    )
    header = ["parameter (ranked)", "mu* (95% CI)", "sigma", "S1 (95% CI)", "ST (95% CI)"]
    return f"{title}\n{_table(header, table)}\n{foot}"


def _effect(idx: Mapping[str, list], name: str, row: int | None, unit: str) -> str:
    if row is None:
        return "–"
    text = _number(idx[name][row], unit)
    if name == "mu_star":
        text += f" ({_number(idx['mu_star_ci_low'][row], unit)} – "
        text += f"{_number(idx['mu_star_ci_high'][row], unit)})"
    return text


def _number(value: float, unit: str) -> str:
    if math.isnan(value):
        return "–"
    if unit == "share":
        return f"{100 * value:.2f}"
    if unit in ("count", "money"):
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def _index(idx: Mapping[str, list], name: str, row: int | None) -> str:
    if row is None or math.isnan(idx[name][row]):
        return "–"
    low, high = idx[f"{name}_ci_low"][row], idx[f"{name}_ci_high"][row]
    return f"{idx[name][row]:.2f} ({low:.2f} – {high:.2f})"


def _wins_block(wins: Mapping[str, list]) -> str:
    a, b = wins["a"][0], wins["b"][0]
    rows = []
    for i, kpi in enumerate(wins["kpi"]):
        n = wins["samples"][i]
        rows.append(
            [
                kpi_info(kpi).label,
                f"{wins['share_a_better'][i]:.0%} ({wins['share_ci_low'][i]:.0%} – "
                f"{wins['share_ci_high'][i]:.0%})",
                f"{wins['a_significantly_better'][i] / n:.0%}" if n else "–",
                f"{wins['b_better'][i] / n:.0%}" if n else "–",
                f"{wins['b_significantly_better'][i] / n:.0%}" if n else "–",
            ]
        )
    header = ["KPI", f"{a} better (95% CI)", "significantly", f"{b} better", "significantly"]
    n = wins["samples"][0]
    return (
        f"How often {a} beats {b} across the ranges: share of the {n} samples where the paired "
        f"difference favours each (significantly: its 95% CI excludes zero)\n{_table(header, rows)}"
    )


def sweep_table(summary: SweepSummary, top: int = 20) -> str:
    """A sweep's points best first: each point's parameters, then the ranking KPI and the other
    key KPIs (net value, service level, abandonment, service defections), each a mean with its
    95% CI; ``top`` points at most, the rest left to ``summary.csv``."""
    ranked = summary.ranked
    kpis = [summary.rank_kpi]
    kpis += [k for k in KEY_KPIS if k in summary.kpis and k != summary.rank_kpi][:3]
    head = (
        f"Sweep '{summary.name}': {len(ranked)} of {len(summary.rows)} points with results, best "
        f"first by {kpi_info(summary.rank_kpi).label} ({direction_text(summary.rank_kpi)}); "
        "means with 95% confidence intervals"
    )
    if summary.note:
        head += f"\n{summary.note}"
    if not ranked:
        return head
    short = short_names(summary.parameters)
    header = ["rank", *(short[k] for k in summary.parameters)]
    header += [_label(k)[0] + _currency_suffix(k, summary.currency) for k in kpis]
    rows = [
        [
            str(row.rank),
            *(value_text(row.point.params.get(k, "")) for k in summary.parameters),
            *(_sweep_cell(k, row.estimates.get(k), summary.currency) for k in kpis),
        ]
        for row in ranked[:top]
    ]
    more = len(ranked) - top
    tail = f"\n… and {more} more points in summary.csv" if more > 0 else ""
    return f"{head}\n{_table(header, rows)}{tail}"


def _currency_suffix(kpi: str, currency: str) -> str:
    return f" ({currency})" if kpi_info(kpi).unit == "money" and currency else ""


def _sweep_cell(kpi: str, estimate: MeanCI | None, currency: str) -> str:
    if estimate is None:
        return "–"
    unit = kpi_info(kpi).unit

    def text(value: float) -> str:
        return money_text(value, currency) if unit == "money" else _fmt(value, UNIT_STYLE[unit])

    mean, low, high = estimate
    if math.isnan(low) or math.isnan(high):
        return text(mean)
    return f"{text(mean)} ({text(low)} – {text(high)})"


# --- calibration by simulation -----------------------------------------------------------------


def fit_trial_lines(
    targets: Sequence[str], parameters: Sequence[str], trial: Trial, max_trials: int
) -> str:
    """Two lines of progress for a finished trial: the parameter values tried, then each
    target's mean and its miss in tolerances (``*`` where met)."""
    short = short_names(parameters)
    tried = "  ".join(
        f"{short[key]} {value:.4g}" for key, value in zip(parameters, trial.values, strict=True)
    )
    got = "  ".join(
        f"{name} {_fmt(e.mean, 'pct')} ({miss:+.1f}{'*' if met else ''})"
        for name, e, miss, met in zip(targets, trial.achieved, trial.misses, trial.met, strict=True)
    )
    head = f"trial {trial.number:>2}/{max_trials} {trial.kind:<8}"
    return f"{head} {tried}\n{' ' * len(head)} {got}  [{trial.wall_s:.0f} s]"


def fit_table(outcome: FitOutcome) -> str:
    """The fit's outcome: each target (wanted, achieved with its 95% CI) beside the parameter
    paired with it (start, fitted, 95% half-width), then the sensitivity of every fitted value
    to every wanted value."""
    best = outcome.best
    spec = outcome.spec
    rows = [
        [
            name,
            _fmt(outcome.wanted[j], "pct"),
            _fmt(best.achieved[j].mean, "pct"),
            _ci(best.achieved[j], "pct"),
            "yes" if best.met[j] else "NO",
            key,
            f"{outcome.starts[j]:.4g}",
            f"{best.values[j]:.4g}",
            f"{outcome.half_widths[j]:.2g}",
        ]
        for j, (name, key) in enumerate(zip(outcome.targets, outcome.parameters, strict=True))
    ]
    rule = (
        "within its tolerance"
        if spec.evaluation.stop_when == "tolerance"
        else "wanted value inside the achieved 95% CI"
    )
    verdict = "every target met" if outcome.converged else "NOT every target met"
    head = (
        f"Fit: {verdict} ({rule}) after {len(outcome.trials)} trials of "
        f"{spec.evaluation.replications} replications, {outcome.wall_s:,.0f} s"
    )
    fitted = _table(
        [
            "target",
            "wanted",
            "achieved",
            "95% CI",
            "met",
            "parameter",
            "start",
            "fitted",
            "±95%",
        ],
        rows,
    )
    short = short_names(outcome.parameters)
    sensitivity = _table(
        [
            "parameter",
            *(
                f"{name} +{100 * step:.2g} pp"
                for name, step in zip(outcome.targets, outcome.steps, strict=True)
            ),
        ],
        [
            [short[key], *(f"{v:+.3g}" for v in outcome.sensitivity[i])]
            for i, key in enumerate(outcome.parameters)
        ],
    )
    note = (
        "±95%: the statistical uncertainty of the fitted value implied by the targets' spread "
        "over the replications.\nChange of each fitted value if one wanted value rose by 10% "
        "(by 1 pp if it is 0), the others held (from the final Jacobian):"
    )
    return f"{head}\n{fitted}\n\n{note}\n{sensitivity}"


def optimise_table(result: Optimisation) -> str:
    """Every candidate of a retention-aware search with its replications and mean KPIs (95%
    CIs), marked: * selected, S the service-level choice, F on the cost–customers frontier; then
    the selection's statement."""
    selection = result.selection
    rows = []
    for i, option in enumerate(result.candidates):
        marks = "".join(
            mark
            for mark, on in (
                ("*", i == selection.best),
                ("S", i == result.service_level_choice),
                ("F", i in result.frontier),
            )
            if on
        )
        cells = [marks, option.name, str(selection.replications[i])]
        for kpi in ("net_value", "staffing_cost", "service_level", "service_defections"):
            style = UNIT_STYLE[kpi_info(kpi).unit]
            e = kpi_estimate(kpi, list(result.kpi(i, kpi)))
            cells.append(f"{_fmt(e.mean, style)} ({_ci(e, style)})")
        rows.append(cells)
    header = ["", "candidate", "reps", "net value", "staffing cost", "service level", "lost"]
    best = result.candidates[selection.best].name
    choice = result.service_level_choice
    lines = [
        _table(header, rows),
        "",
        f"selected: {best}",
        "service-level choice: "
        + ("none meets the target" if choice is None else result.candidates[choice].name),
        selection.statement([o.name for o in result.candidates]),
    ]
    if choice is not None and choice != selection.best:
        lines += ["", choice_comparison(result, choice, selection.best)]
    return "\n".join(lines)


CHOICE_KPIS = ("staffing_cost", "defections", "service_defections", "service_level", "net_value")
"""The KPIs on which the selection is set beside the service-level choice."""


def choice_comparison(result: Optimisation, base: int, other: int) -> str:
    """Candidate ``other`` against ``base``: each one's mean with its 95% CI, and the paired
    difference over the replications both have, with its CI."""
    names = (result.candidates[base].name, result.candidates[other].name)
    common = len(result.paired(base, other, OBJECTIVE))
    rows = []
    for kpi in CHOICE_KPIS:
        label, style = _label(kpi)
        diff_style = "pp" if style == "pct" else style
        a, b = (kpi_estimate(kpi, list(result.kpi(i, kpi))) for i in (base, other))
        d = estimate(list(result.paired(base, other, kpi)), lower=-math.inf)
        rows.append(
            [
                label,
                f"{_fmt(a.mean, style)} ({_ci(a, style)})",
                f"{_fmt(b.mean, style)} ({_ci(b, style)})",
                _signed(d.mean, diff_style),
                f"{_signed(d.ci_low, diff_style)} – {_signed(d.ci_high, diff_style)}",
            ]
        )
    header = ["", "service-level choice", "selected", "difference", "95% CI"]
    return (
        f"selected ({names[1]}) against the service-level choice ({names[0]}), paired over "
        f"their {common} common replications:\n" + _table(header, rows)
    )


def _signed(value: float, style: str) -> str:
    text = _fmt(value, style)
    return text if style == "pp" or text.startswith("-") or text == "–" else f"+{text}"


def schedule_table(scheduled: ScheduledWeek) -> str:
    """A week's schedule: each shift (start, length, weekdays, breaks, agents), the weekly cost,
    and where requirements are left unmet."""
    roster = scheduled.roster
    lines = [f"Schedule ({scheduled.status}): weekly cost {scheduled.cost:,.0f}"]
    if isinstance(roster, ShiftRoster):
        rows = [
            [
                _clock(shift.start_h),
                f"{shift.length_h:g} h",
                ", ".join(shift.days),
                "; ".join(
                    f"{_clock(shift.start_h + b.after_h)} {b.length_min:g} min"
                    for b in shift.breaks
                )
                or "–",
                str(shift.agents),
            ]
            for shift in roster.shifts
        ]
        lines.append(_table(["start", "length", "days", "breaks", "agents"], rows))
        lines.append(f"{sum(s.agents for s in roster.shifts)} agents on the roster")
    short = np.argwhere(scheduled.unmet > 0)
    if len(short):
        width = 1440 / scheduled.unmet.shape[1]
        where = ", ".join(
            f"{WEEKDAYS[d]} {_clock(i * width / 60)} ({scheduled.unmet[d, i]:g})"
            for d, i in short[:12]
        )
        more = f" and {len(short) - 12} more" if len(short) > 12 else ""
        lines.append(f"unmet (agents short): {where}{more}")
    return "\n".join(lines)


def correction_line(number: int, done: CorrectionRound) -> str:
    """One correction round: the weekly cost, the intervals short of the target with confidence
    (the first few named), and the lowest mean service level of an interval."""
    short = np.argwhere(done.short)
    width = 1440 / done.short.shape[1]
    named = ", ".join(f"{WEEKDAYS[d]} {_clock(i * width / 60)}" for d, i in short[:6])
    more = f" and {len(short) - 6} more" if len(short) > 6 else ""
    lowest = _fmt(float(np.nanmin(done.service.mean)), "pct")
    where = f" ({named}{more})" if len(short) else ""
    return (
        f"round {number}: weekly cost {done.scheduled.cost:,.0f}; {len(short)} "
        f"interval{'' if len(short) == 1 else 's'} short"
        f"{where}; lowest interval {lowest}"
    )


def correction_summary(outcome: CorrectedRoster) -> str:
    """Whether the correction reached the target, and what it costs over the first schedule."""
    verdict = (
        "no interval short of the target"
        if outcome.met
        else f"still short after {len(outcome.rounds)} rounds (--rounds)"
    )
    return f"{verdict}; the correction costs {outcome.extra_cost:,.0f} a week over the first"


def _clock(hours: float) -> str:
    minutes = round(hours * 60) % 1440
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
