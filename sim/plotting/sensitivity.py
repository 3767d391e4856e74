"""Charts of a sensitivity study: which assumptions drive a KPI, and whether a policy ranking
survives their plausible ranges.

Read a study folder (written by ``python -m sim sensitivity`` or
:func:`~sim.experiments.sensitivity.run_sensitivity`) with :func:`read_sensitivity`, then draw the
Morris screening (:func:`morris_chart`: mu* ranked with CI whiskers beside mu* against sigma), the
Sobol indices (:func:`sobol_chart`: S1 and ST with CI whiskers) and how often policy A beats
policy B across the samples (:func:`policy_wins_chart`).
Like every chart of :mod:`sim.plotting`, each returns a matplotlib Figure in the house style
(title, units, legend, source line, uncertainty shown) and runs nothing.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter, StrMethodFormatter

from sim.experiments.sensitivity import DIFFERENCE, VALUE
from sim.experiments.sweep import sweep_currency
from sim.measures.estimates import CI_LEVEL
from sim.measures.metrics import kpi_info
from sim.plotting.labels import Lang, kpi_name, unit_text
from sim.plotting.style import (
    BLUE,
    ORANGE,
    REFERENCE,
    SKY,
    VERMILLION,
    finish,
    house_style,
    reference_line,
    slide_figure,
    whisker_handle,
    whiskers,
)

LIGHT = 0.45
"""Opacity of the 'not significant' part of a bar."""
TITLE_CHARS = 62
"""Longest title line that fits a slide in the house style."""


@dataclass(frozen=True)
class SensitivityData:
    """A study folder's tables and what its charts say about it."""

    folder: Path
    spec: dict[str, Any]
    """The study as run (``sensitivity.yaml``)."""
    samples: pd.DataFrame
    indices: pd.DataFrame
    wins: pd.DataFrame | None
    currency: str

    @property
    def name(self) -> str:
        """The study's name."""
        return str(self.spec["name"])

    def policy(self, side: str) -> str:
        """Policy A's or B's name (from ``wins.parquet``), or '' without ``compare``."""
        return str(self.wins[side].iloc[0]) if self.wins is not None and len(self.wins) else ""


def read_sensitivity(folder: str | Path) -> SensitivityData:
    """Load a study folder written by ``python -m sim sensitivity``.

    Raises:
        FileNotFoundError: the folder holds no analysed study (no ``indices.parquet``).
    """
    folder = Path(folder)
    if not (folder / "indices.parquet").is_file():
        raise FileNotFoundError(f"{folder} is not a sensitivity study: it has no indices.parquet")
    spec = yaml.safe_load((folder / "sensitivity.yaml").read_text(encoding="utf-8"))
    wins = folder / "wins.parquet"
    return SensitivityData(
        folder,
        spec,
        pd.read_parquet(folder / "samples.parquet"),
        pd.read_parquet(folder / "indices.parquet"),
        pd.read_parquet(wins) if wins.is_file() else None,
        sweep_currency(folder / "sweep"),
    )


def short_name(path: str) -> str:
    """A parameter's dotted path shortened for a chart: its last two parts
    (``satisfaction.bad_weight``)."""
    return ".".join(path.split(".")[-2:])


def _source(study: SensitivityData, methods: tuple[str, ...], ci: str) -> str:
    spec = study.spec
    designs = {"morris": "Morris r = {trajectories}", "sobol": "Sobol N = {samples}"}
    what = ", ".join(designs[m].format(**spec[m]) for m in methods)
    return (
        f"Source: service-desk simulation · study {study.name} · {what} · "
        f"{spec['replications']} replications each · {CI_LEVEL:.0%} {ci} · "
        f"{dt.date.today().isoformat()}"
    )


def _title(text: str) -> str:
    """A title wrapped to fit the slide (KPI and policy names can make it long)."""
    return textwrap.fill(text, TITLE_CHARS)


def _rows(study: SensitivityData, method: str, kpi: str, difference: bool) -> pd.DataFrame:
    idx = study.indices
    output = DIFFERENCE if difference else VALUE
    rows = idx[(idx["method"] == method) & (idx["kpi"] == kpi) & (idx["output"] == output)]
    if rows.empty:
        raise ValueError(
            f"{study.name}: no {method} indices of {kpi!r} ({output}); the study analysed "
            f"{sorted(set(idx['kpi']))} by {sorted(set(idx['method']))}"
        )
    return rows.sort_values("rank")


def _what(study: SensitivityData, kpi: str, difference: bool, lang: Lang) -> str:
    name = kpi_name(kpi, lang)
    if difference:
        return f"{name}, {study.policy('b')} − {study.policy('a')}"
    a = study.policy("a")
    return f"{name} under {a}" if a else name


def _effect_unit(unit: str, lang: Lang, currency: str) -> str:
    """How a change of a KPI is measured: percentage points for a share, else the KPI's unit."""
    return "pp" if unit == "share" else unit_text(unit, lang, currency)


def _effect_axis(ax: Axes, unit: str, horizontal: bool) -> None:
    """Ticks of changes of a KPI: percentage points for shares, thousands separators for counts
    and money."""
    axis = ax.xaxis if horizontal else ax.yaxis
    axis.set_major_locator(MaxNLocator(5))
    if unit == "share":
        axis.set_major_formatter(PercentFormatter(1.0, symbol=""))
    elif unit in ("count", "money"):
        axis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def morris_chart(
    study: SensitivityData, kpi: str, difference: bool = False, lang: Lang = "en"
) -> Figure:
    """Morris screening of one KPI (or of the policies' paired difference): on the left a tornado
    of mu* — the mean absolute change of the KPI when a parameter moves across its whole range —
    ranked, with bootstrap CI whiskers; on the right mu* against sigma, where a point near or
    above the diagonal has an effect that varies with the other parameters (interactions or
    curvature)."""
    rows = _rows(study, "morris", kpi, difference)
    unit = kpi_info(kpi).unit
    effect = _effect_unit(unit, lang, study.currency)
    names = [short_name(p) for p in rows["parameter"]]
    with house_style(lang):
        fig, (left, right) = slide_figure(1, 2)
        y = np.arange(len(rows))[::-1]
        left.barh(y, rows["mu_star"], color=BLUE, height=0.6)
        left.errorbar(
            rows["mu_star"],
            y,
            xerr=whiskers(rows["mu_star"], rows["mu_star_ci_low"], rows["mu_star_ci_high"]),
            fmt="none",
            ecolor=REFERENCE,
            elinewidth=2,
        )
        left.set_yticks(y, names)
        left.set_xlabel(f"mu*: change across the whole range ({effect})")
        left.grid(axis="x")
        _effect_axis(left, unit, horizontal=True)
        right.scatter(rows["mu_star"], rows["sigma"], s=120, color=BLUE, zorder=3)
        top = float(np.nanmax([rows["mu_star"].max(), rows["sigma"].max(), 0.0])) * 1.1 or 1.0
        for name, x, s in zip(names, rows["mu_star"], rows["sigma"], strict=True):
            inward = x > top / 2  # label towards the middle, so it stays inside the axes
            right.annotate(
                name,
                (x, s),
                xytext=(-8 if inward else 8, 6),
                textcoords="offset points",
                ha="right" if inward else "left",
                fontsize="small",
            )
        (diagonal,) = right.plot(
            [0, top],
            [0, top],
            color=REFERENCE,
            linestyle="--",
            linewidth=2,
            label="σ = μ*: the effect depends on the other parameters",
        )
        right.set_xlim(0, top)
        right.set_ylim(0, top)
        right.set_xlabel(f"mu* ({effect})")
        right.set_ylabel(f"sigma ({effect})")
        _effect_axis(right, unit, horizontal=True)
        _effect_axis(right, unit, horizontal=False)
        whisker = whisker_handle(CI_LEVEL, lang)
        whisker.set_label(f"whiskers: {CI_LEVEL:.0%} bootstrap CI of mu*")
        handles: list[Artist] = [
            Patch(color=BLUE, label="mu*: mean absolute effect (ranked)"),
            whisker,
            diagonal,
        ]
        title = _title(f"What drives {_what(study, kpi, difference, lang)}: Morris screening")
        return finish(fig, title, _source(study, ("morris",), "bootstrap CI"), handles)


def sobol_chart(
    study: SensitivityData, kpi: str, difference: bool = False, lang: Lang = "en"
) -> Figure:
    """Sobol indices of one KPI (or of the policies' paired difference): per parameter, the share
    of the KPI's variance it explains alone (S1) and with all its interactions (ST), ranked by
    ST, with bootstrap CI whiskers."""
    rows = _rows(study, "sobol", kpi, difference)
    names = [short_name(p) for p in rows["parameter"]]
    with house_style(lang):
        fig, (ax,) = slide_figure()
        y = np.arange(len(rows))[::-1]
        height = 0.38
        bars: list[Artist] = []
        for offset, index, colour, text in (
            (height / 2, "S1", SKY, "S1: first order, the parameter alone"),
            (-height / 2, "ST", BLUE, "ST: total, with its interactions"),
        ):
            bars.append(ax.barh(y + offset, rows[index], height=height, color=colour, label=text))
            ax.errorbar(
                rows[index],
                y + offset,
                xerr=whiskers(rows[index], rows[f"{index}_ci_low"], rows[f"{index}_ci_high"]),
                fmt="none",
                ecolor=REFERENCE,
                elinewidth=2,
            )
        ax.set_yticks(y, names)
        ax.axvline(0, color=REFERENCE, linewidth=1)
        ax.set_xlabel(f"Share of the variance of {kpi_name(kpi, lang)} (%)")
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.grid(axis="x")
        whisker = whisker_handle(CI_LEVEL, lang)
        whisker.set_label(f"whiskers: {CI_LEVEL:.0%} bootstrap CI")
        title = _title(f"Sobol indices of {_what(study, kpi, difference, lang)}")
        return finish(fig, title, _source(study, ("sobol",), "bootstrap CI"), [*bars, whisker])


def policy_wins_chart(study: SensitivityData, lang: Lang = "en") -> Figure:
    """How often policy A beats policy B across the plausible ranges: per KPI, the samples split
    by which policy the paired difference favours (in the KPI's better direction), darker where
    its 95% CI excludes zero, with the exact binomial CI of A's share as a whisker."""
    if study.wins is None:
        raise ValueError(f"{study.name}: the study compares no policies (no compare: in its file)")
    wins = study.wins.iloc[::-1].reset_index(drop=True)
    a, b = study.policy("a"), study.policy("b")
    n = wins["samples"].to_numpy(float)
    parts = [
        (wins["a_significantly_better"], BLUE, 1.0, f"{a} better, significantly"),
        (wins["a_better"] - wins["a_significantly_better"], BLUE, LIGHT, f"{a} better"),
        (wins["ties"], REFERENCE, LIGHT, "no difference"),
        (wins["b_better"] - wins["b_significantly_better"], ORANGE, LIGHT, f"{b} better"),
        (wins["b_significantly_better"], ORANGE, 1.0, f"{b} better, significantly"),
    ]
    with house_style(lang):
        fig, (ax,) = slide_figure()
        y = np.arange(len(wins))
        left = np.zeros(len(wins))
        handles: list[Artist] = []
        for counts, colour, alpha, text in parts:
            share = counts.to_numpy(float) / n
            handles.append(
                ax.barh(y, share, left=left, color=colour, alpha=alpha, height=0.6, label=text)
            )
            left += share
        share_a = wins["share_a_better"]
        handles.append(
            ax.errorbar(
                share_a,
                y,
                xerr=whiskers(share_a, wins["share_ci_low"], wins["share_ci_high"]),
                fmt="o",
                color=VERMILLION,
                markersize=8,
                elinewidth=2.5,
                label=f"{a}'s share, {CI_LEVEL:.0%} CI (exact binomial)",
            )
        )
        handles.append(reference_line(ax, 0.5, "half of the samples", horizontal=False))
        ax.set_yticks(y, [kpi_name(k, lang) for k in wins["kpi"]])
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel(f"Share of the {int(n.max())} samples (%)")
        ax.grid(axis="x")
        title = _title(f"How often {a} beats {b} across the plausible ranges")
        methods = tuple(m for m in ("morris", "sobol") if m in study.spec)
        return finish(fig, title, _source(study, methods, "CI"), handles, ncols=3)
