"""Policy comparison with common random numbers: paired differences against a baseline.

Every alternative is run with the same seed as the baseline, so replication ``r`` of each sees the
same customers, arrivals, handle times and patience (see :mod:`sim.model.rng`). The difference of a
KPI is then estimated replication by replication — a paired comparison — and its confidence interval
is far narrower than the one from comparing two independent runs, because the noise the two runs
share cancels out.

Each KPI gets a verdict: ``better``, ``worse`` (the 95% interval of the difference lies entirely on
one side of zero, read with the KPI's direction), or ``no significant difference``. A KPI with no
better direction (a volume, a mix) is ``higher`` or ``lower`` when its interval excludes zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.experiments.replications import ScenarioResult, run_scenario
from sim.measures.estimates import Estimate, estimate
from sim.measures.metrics import kpi_info
from sim.scenario.scenario import Scenario

BETTER, WORSE, SAME = "better", "worse", "no significant difference"
HIGHER, LOWER = "higher", "lower"
"""Verdicts of KPIs with no better direction (volumes, mixes) whose interval excludes zero."""


@dataclass(frozen=True)
class Difference:
    """An alternative's KPI minus the baseline's, paired by replication."""

    kpi: str
    baseline: Estimate
    alternative: Estimate
    difference: Estimate
    pairing: float = math.nan
    """How much the pairing removed: var(difference) / (var(baseline) + var(alternative)) over
    replications. 1 is what independent runs give; the smaller, the sharper the comparison (NaN
    when neither run varies)."""

    @property
    def verdict(self) -> str:
        """``better``, ``worse`` or ``no significant difference``; for KPIs without a better
        direction (volumes, mixes) ``higher`` or ``lower`` when the interval excludes zero."""
        d = self.difference
        direction = kpi_info(self.kpi).better
        if d.n < 2 or math.isnan(d.mean):
            return SAME
        if d.ci_low > 0:
            return HIGHER if direction == 0 else BETTER if direction > 0 else WORSE
        if d.ci_high < 0:
            return LOWER if direction == 0 else WORSE if direction > 0 else BETTER
        return SAME


@dataclass(frozen=True)
class Comparison:
    """Alternatives against a baseline, run with common random numbers."""

    baseline: str
    results: dict[str, ScenarioResult]
    differences: dict[str, dict[str, Difference]]
    """Alternative name → KPI → paired difference against the baseline."""


def paired_differences(
    base: Sequence[Mapping[str, float]], alt: Sequence[Mapping[str, float]]
) -> dict[str, Estimate]:
    """KPI → estimate of (alternative − baseline), replication by replication."""
    return {
        kpi: estimate(
            np.array([a[kpi] for a in alt]) - np.array([b[kpi] for b in base]),
            lower=-math.inf,
        )
        for kpi in base[0]
        if kpi in alt[0]
    }


def compare(
    scenarios: Mapping[str, Scenario],
    baseline: str,
    replications: int,
    seed: int,
    workers: int = 1,
    progress: bool = False,
) -> Comparison:
    """Run every scenario with the same seed and compare each with ``baseline``.

    Args:
        scenarios: name → scenario (alternatives are usually overlays of the baseline).
        baseline: the name of the reference scenario.
        replications: replications per scenario (the pairs).
        seed: the common seed.
        workers: worker processes (results do not depend on it).
        progress: show progress bars.
    """
    if baseline not in scenarios:
        raise ValueError(f"baseline {baseline!r} is not one of {sorted(scenarios)}")
    results = {
        name: run_scenario(s, replications, seed, workers=workers, progress=progress)
        for name, s in scenarios.items()
    }
    return _compare_results(results, baseline)


def _compare_results(results: Mapping[str, ScenarioResult], baseline: str) -> Comparison:
    """Each result against the baseline's, replication by replication."""
    base = results[baseline]
    differences = {}
    for name, result in results.items():
        if name == baseline:
            continue
        diffs = paired_differences(base.per_replication, result.per_replication)
        differences[name] = {
            kpi: Difference(
                kpi,
                base.summary[kpi],
                result.summary[kpi],
                d,
                variance_ratio(
                    [r[kpi] for r in base.per_replication],
                    [r[kpi] for r in result.per_replication],
                ),
            )
            for kpi, d in diffs.items()
        }
    return Comparison(baseline=baseline, results=dict(results), differences=differences)


@dataclass(frozen=True)
class Resolution:
    """Whether an alternative's paired difference of one KPI was resolved, and how."""

    alternative: str
    kpi: str
    resolved: bool
    how: str
    """``excludes zero``, ``half-width within ±TARGET`` or why not (``cap of N replications``)."""


def compare_until_resolved(
    scenarios: Mapping[str, Scenario],
    baseline: str,
    kpis: Sequence[str],
    seed: int,
    half_widths: Mapping[str, float] | None = None,
    pilot: int = 5,
    max_replications: int = 100,
    workers: int = 1,
    progress: bool = False,
) -> tuple[Comparison, list[Resolution]]:
    """Compare as :func:`compare`, adding replications until every alternative's paired
    difference of each KPI in ``kpis`` is resolved: its 95% interval excludes zero, or its
    half-width is at most ``half_widths[kpi]`` (a difference too small to matter), or
    ``max_replications`` is reached.

    After the pilot, each round runs only the new replications (replication ``r`` is the same
    whatever the total), sized from the spread of the unresolved differences so far: about
    ``(t s / h)²`` replications for a half-width ``h`` (the target, or the difference's own size
    for it to exclude zero), at most doubling per round.

    Returns:
        The comparison over all replications run, and one :class:`Resolution` per alternative
        and KPI.
    """
    if baseline not in scenarios:
        raise ValueError(f"baseline {baseline!r} is not one of {sorted(scenarios)}")
    half_widths = dict(half_widths or {})
    results = {
        name: run_scenario(s, pilot, seed, workers=workers, progress=progress)
        for name, s in scenarios.items()
    }
    while True:
        comparison = _compare_results(results, baseline)
        n = results[baseline].replications
        resolutions = [
            _resolution(name, kpi, diffs[kpi].difference, half_widths.get(kpi), n, max_replications)
            for name, diffs in comparison.differences.items()
            for kpi in kpis
        ]
        open_ = [r for r in resolutions if not r.resolved]
        if not open_ or n >= max_replications:
            return comparison, resolutions
        needed = n + 1
        for r in open_:
            d = comparison.differences[r.alternative][r.kpi].difference
            spread = (d.ci_high - d.ci_low) / 2.0 * math.sqrt(d.n)  # t × standard deviation
            goal = half_widths.get(r.kpi) or abs(d.mean)
            if goal > 0 and math.isfinite(spread):
                needed = max(needed, math.ceil((spread / goal) ** 2))
        total = min(needed, 2 * n, max_replications)
        results = {
            name: results[name].extended(
                run_scenario(s, total - n, seed, workers=workers, progress=progress, first=n)
            )
            for name, s in scenarios.items()
        }


def _resolution(
    alternative: str, kpi: str, d: Estimate, half_width: float | None, n: int, cap: int
) -> Resolution:
    half = (d.ci_high - d.ci_low) / 2.0
    if d.n >= 2 and (d.ci_low > 0 or d.ci_high < 0):
        return Resolution(alternative, kpi, True, f"excludes zero after {n} replications")
    if half_width is not None and d.n >= 2 and half <= half_width:
        return Resolution(
            alternative, kpi, True, f"half-width {half:.4g} within ±{half_width:g} after {n}"
        )
    why = f"cap of {cap} replications reached" if n >= cap else "not yet"
    return Resolution(alternative, kpi, False, f"{why} (half-width {half:.4g})")


def variance_ratio(base: Sequence[float], alternative: Sequence[float]) -> float:
    """var(alternative − base) / (var(base) + var(alternative)) over paired replications: 1 for
    independent runs, 0 when the pairing removes all the noise of the difference."""
    a, b = np.asarray(base, dtype=float), np.asarray(alternative, dtype=float)
    if len(a) < 2:
        return math.nan
    spread = a.var(ddof=1) + b.var(ddof=1)
    return float((b - a).var(ddof=1) / spread) if spread > 0 else math.nan


def replications_for_precision(
    scenario: Scenario,
    kpi: str,
    half_width: float,
    seed: int,
    pilot: int = 5,
    max_replications: int = 200,
    workers: int = 1,
) -> tuple[int, ScenarioResult]:
    """Run replications until the 95% interval of ``kpi`` is at most ``± half_width``.

    A pilot of ``pilot`` replications estimates the spread ``s``; about ``(2 s / half_width)²``
    replications are then run (replication ``r`` is the same whatever the total, so the pilot's
    results recur), and the check is repeated until met or ``max_replications`` is reached.

    Returns:
        The number of replications used and the result.
    """
    n = pilot
    while True:
        result = run_scenario(scenario, n, seed, workers=workers)
        e = result.summary[kpi]
        half = (e.ci_high - e.ci_low) / 2.0
        if e.n >= 2 and half <= half_width:
            return n, result
        if n >= max_replications:
            return n, result
        values = np.array([r[kpi] for r in result.per_replication])
        spread = float(np.nanstd(values, ddof=1))
        needed = math.ceil((2.0 * spread / half_width) ** 2) if spread > 0 else n + 1
        n = min(max(needed, n + 1), max_replications)
