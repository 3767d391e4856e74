"""Charts that check the simulator: agreement with Erlang C / Erlang A across loads, and the
conservation and Little's law identities (tables from :mod:`sim.notebook.tables`)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.figure import Figure

from sim.measures.estimates import CI_LEVEL
from sim.plotting.data import Table
from sim.plotting.labels import Lang
from sim.plotting.style import (
    BLACK,
    BLUE,
    GREEN,
    ORANGE,
    REFERENCE,
    VERMILLION,
    finish,
    house_style,
    slide_figure,
    unit_axis,
    whisker_handle,
    whiskers,
)


def _validation_source(what: str) -> str:
    return f"Source: service-desk simulation · {what} · {dt.date.today().isoformat()}"


MEASURE_AXES = {
    "p_wait": ("P(wait)", "share"),
    "asa_s": ("average speed of answer (s)", "seconds"),
    "service_level": ("service level (%)", "share"),
    "p_abandon": ("P(abandon)", "share"),
}


def erlang_agreement_chart(table: Table, lang: Lang = "en") -> Figure:
    """Analytic Erlang C / A measures (lines) against the simulated stationary desk (points with
    CI whiskers) across loads; ``table`` is :func:`sim.notebook.tables.erlang_agreement` output
    (one or more models concatenated)."""
    df = pd.DataFrame(table)
    measures = [m for m in MEASURE_AXES if m in set(df["measure"])]
    models = list(dict.fromkeys(df["model"]))
    with house_style(lang):
        fig, axes = slide_figure(nrows=2, ncols=2)
        handles: list[Artist] = []
        for ax, measure in zip(axes, measures, strict=False):
            for i, model in enumerate(models):
                rows = df[(df["model"] == model) & (df["measure"] == measure)].sort_values(
                    "load_per_agent"
                )
                if rows.empty:
                    continue
                colour = (BLUE, ORANGE, GREEN)[i % 3]
                (line,) = ax.plot(
                    rows["load_per_agent"],
                    rows["analytic"],
                    color=colour,
                    label=f"{model} analytic",
                )
                points = ax.errorbar(
                    rows["load_per_agent"],
                    rows["mean"],
                    yerr=whiskers(rows["mean"], rows["ci_low"], rows["ci_high"]),
                    fmt="o",
                    markersize=9,
                    color=colour,
                    markerfacecolor="white",
                    elinewidth=2.0,
                    capsize=4,
                    label=f"{model} simulated",
                )
                if measure == measures[0]:
                    handles += [line, points]
            text, unit = MEASURE_AXES[measure]
            ax.set_title(text, fontsize="medium")
            ax.set_xlabel("offered load per agent (occupancy, %)")
            ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
            if unit == "share":
                unit_axis(ax, "share")
                ax.set_ylabel("%")
            else:
                ax.set_ylabel("s")
        for ax in axes[len(measures) :]:
            ax.set_visible(False)
        handles.append(whisker_handle(CI_LEVEL, lang))
        agents = int(df["agents"].iloc[0])
        title = f"Simulator against Erlang theory: stationary desk, {agents} agents"
        return finish(fig, title, _validation_source("stationary M/M/n(+M) desk"), handles)


def validation_checks_chart(conservation: Table, littles_law: Table, lang: Lang = "en") -> Figure:
    """Left: phone calls offered against answered + abandoned + disconnected + still waiting,
    per replication (conservation). Right: the mean phone queue ``L`` against ``λ·W`` per
    replication, with the line ``L = λ·W`` (Little's law). Tables from
    :mod:`sim.notebook.tables`."""
    cons = pd.DataFrame(conservation).reset_index(drop=True)
    little = pd.DataFrame(littles_law).reset_index(drop=True)
    with house_style(lang):
        fig, (cons_ax, little_ax) = slide_figure(ncols=2)
        x = np.arange(len(cons))
        bottom = np.zeros(len(cons))
        handles: list[Artist] = []
        for column, colour, text in (
            ("answered_phone", GREEN, "answered"),
            ("abandoned_phone", ORANGE, "abandoned"),
            ("disconnected_phone", VERMILLION, "disconnected"),
            ("waiting_at_horizon", BLUE, "waiting at horizon"),
        ):
            values = cons[column].to_numpy(float)
            handles.append(cons_ax.bar(x, values, 0.6, bottom=bottom, color=colour, label=text))
            bottom += values
        handles.append(
            cons_ax.scatter(
                x, cons["offered_phone"], marker="_", s=2000, color=BLACK, zorder=3, label="offered"
            )
        )
        cons_ax.set_xticks(x, [f"rep {i}" for i in x])
        cons_ax.set_ylabel("phone calls (count)")
        unit_axis(cons_ax, "count")
        cons_ax.set_title("Conservation: offered = sum of outcomes", fontsize="medium")
        lw = little["lambda_W"].to_numpy(float)
        lq = little["L_mean_queue"].to_numpy(float)
        handles.append(
            little_ax.scatter(lw, lq, s=120, color=BLUE, zorder=3, label="replication (λ·W, L)")
        )
        top = float(np.nanmax(np.concatenate([lw, lq]))) * 1.15 or 1.0
        handles.append(
            little_ax.plot([0, top], [0, top], color=REFERENCE, linestyle="--", label="L = λ·W")[0]
        )
        little_ax.set_xlim(0, top)
        little_ax.set_ylim(0, top)
        little_ax.set_xlabel("arrival rate × mean wait, λ·W (calls)")
        little_ax.set_ylabel("time-average queue, L (calls)")
        little_ax.set_title("Little's law on the stationary desk", fontsize="medium")
        return finish(
            fig,
            "Model checks: call conservation and Little's law",
            _validation_source("per-replication checks"),
            handles,
        )


MULTI_SKILL_KINDS = {
    "service_level_by_type": "service level",
    "abandon_rate_by_type": "abandonment",
    "asa_s_by_type": "ASA",
    "occupancy_by_group": "occupancy",
    "served_share": "share answered",
}
"""The multi-skill chain's measure families, as the agreement chart names them."""


def multi_skill_agreement_chart(table: Table, lang: Lang = "en") -> Figure:
    """The exact multi-skill chain against the engine with agent groups, one colour per desk.
    Left: every share (service level, abandonment, occupancy, share answered) simulated against
    exact, with the line simulated = exact. Right: every measure's simulated mean minus its
    exact value in half-widths of its confidence interval, so the exact value is inside the
    interval when the point is within ±1. ``table`` is
    :func:`sim.experiments.multi_skill_check.multi_skill_agreement` output."""
    df = pd.DataFrame(table).reset_index(drop=True)
    kind = df["measure"].str.partition(".")[0]
    half = (df["ci_high"] - df["ci_low"]) / 2
    gap = df["mean"] - df["exact"]
    scaled = (gap / half.where(half > 0)).where(half > 0, np.where(gap == 0, 0.0, np.nan))
    kinds = [k for k in MULTI_SKILL_KINDS if k in set(kind)]
    desks = list(dict.fromkeys(df["desk"]))
    level = float(df["level"].iloc[0])
    with house_style(lang):
        fig, (share_ax, gap_ax) = slide_figure(ncols=2)
        handles: list[Artist] = []
        shares = kind != "asa_s_by_type"
        for i, desk in enumerate(desks):
            colour = (BLUE, ORANGE, GREEN)[i % 3]
            mine = df["desk"] == desk
            rows = df[mine & shares]
            handles.append(
                share_ax.errorbar(
                    rows["exact"],
                    rows["mean"],
                    yerr=whiskers(rows["mean"], rows["ci_low"], rows["ci_high"]),
                    fmt="o",
                    markersize=9,
                    color=colour,
                    markerfacecolor="white",
                    elinewidth=2.0,
                    capsize=4,
                    label=desk,
                )
            )
            x = np.array([kinds.index(k) for k in kind[mine]], dtype=float)
            offset = (i - (len(desks) - 1) / 2) * 0.2
            gap_ax.scatter(x + offset, scaled[mine], s=90, color=colour, zorder=3)
        diagonal = share_ax.plot(
            [0, 1.02], [0, 1.02], color=REFERENCE, linestyle="--", label="simulated = exact"
        )[0]
        share_ax.set_xlim(0, 1.02)
        share_ax.set_ylim(0, 1.02)
        share_ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
        unit_axis(share_ax, "share")
        share_ax.set_xlabel("exact, Markov chain (%)")
        share_ax.set_ylabel("simulated mean (%)")
        share_ax.set_title("Shares: simulated against exact", fontsize="medium")
        inside = gap_ax.axhspan(
            -1.0, 1.0, color=REFERENCE, alpha=0.15, linewidth=0, label="exact value inside the CI"
        )
        gap_ax.axhline(0.0, color=REFERENCE, linewidth=1.2)
        gap_ax.set_xticks(range(len(kinds)), [MULTI_SKILL_KINDS[k] for k in kinds])
        gap_ax.set_xlim(-0.6, len(kinds) - 0.4)
        top = max(1.5, float(np.nanmax(np.abs(scaled))) * 1.15) if scaled.notna().any() else 1.5
        gap_ax.set_ylim(-top, top)
        gap_ax.set_ylabel("simulated − exact (CI half-widths)")
        gap_ax.set_xlabel("measure (each type or group)")
        gap_ax.set_title("Every measure: distance from exact", fontsize="medium")
        whisker = whisker_handle(level, lang)
        whisker.set_label(f"whiskers: {level:.2%} CI (Bonferroni, {len(df)} measures)")
        handles += [diagonal, inside, whisker]
        title = (
            "Agent groups against the exact chain: "
            f"{int(df['inside'].sum())} of {len(df)} inside the CI"
        )
        reps = int(df["replications"].max())
        source = _validation_source(f"stationary multi-skill desks · {reps} replications")
        return finish(fig, title, source, handles, ncols=3)
