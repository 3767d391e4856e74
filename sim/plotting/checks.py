"""Charts that check the simulator: agreement with Erlang C / Erlang A across loads, and the
conservation and Little's law identities (tables from :mod:`sim.notebook.tables`)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.figure import Figure

from sim.measures.metrics import CI_LEVEL
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
