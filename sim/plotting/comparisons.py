"""Charts that compare policies, read sweeps and check the simulator against theory.

Like :mod:`sim.plotting.figures`, every function takes results or tables and returns a matplotlib
Figure in the house style (title, axis units, legend, source line, uncertainty shown); none runs a
simulation. Inputs: :class:`~sim.experiment.ScenarioResult` objects or run folders
(:class:`~sim.plotting.data.RunData`) of policies run with common random numbers, the tidy
``summary.parquet`` of a sweep folder, and the tables of :mod:`sim.explore`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from sim.config import Scenario
from sim.experiment import ScenarioResult
from sim.metrics import CI_LEVEL, Estimate, kpi_info
from sim.plotting import data
from sim.plotting.data import RunData, RunInfo, Table
from sim.plotting.figures import source_text
from sim.plotting.labels import Lang, kpi_label, label
from sim.plotting.style import (
    BLACK,
    BLUE,
    GREEN,
    ORANGE,
    PALETTE,
    REFERENCE,
    VERMILLION,
    band,
    ci_band_handle,
    finish,
    house_style,
    percent_axis,
    reference_line,
    slide_figure,
    time_of_day_axis,
    unit_axis,
    whisker_handle,
    whiskers,
)
from sim.satisfaction import complaint_retention


def result_info(result: ScenarioResult) -> RunInfo:
    """The source-line facts of an in-memory result (dated today)."""
    return RunInfo(result.scenario, result.replications, result.seed, dt.date.today())


def _colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _sweep_source(sweep: str, level: float = CI_LEVEL) -> str:
    return (
        f"Source: service-desk simulation · sweep {sweep} · {level:.0%} CI across replications · "
        f"{dt.date.today().isoformat()}"
    )


def _validation_source(what: str) -> str:
    return f"Source: service-desk simulation · {what} · {dt.date.today().isoformat()}"


# --- policies compared ----------------------------------------------------------------------------


def intraday_service_level_by_policy(
    runs: Mapping[str, RunData], day_type: str = "weekday", lang: Lang = "en"
) -> Figure:
    """Service level by interval of the day on one day type, one line (with CI band) per policy."""
    infos = [r.info for r in runs.values()]
    scenario = infos[0].scenario
    half = scenario.calendar.interval_min / 2
    with house_style(lang):
        fig, (ax,) = slide_figure()
        handles: list[Artist] = []
        for i, (name, run) in enumerate(runs.items()):
            est = data.intraday_service_level(
                run.tables["intervals"], run.info.scenario.calendar.start_date
            )
            if day_type not in est.index.get_level_values("day_type"):
                continue
            rows = est.loc[day_type, "service_level"]
            handles.append(band(ax, rows.index.to_numpy() + half, rows, _colour(i), name))
        target = scenario.standards.service_level_target
        handles.append(reference_line(ax, target, label("target", lang, value=f"{target:.0%}")))
        handles.append(ci_band_handle(infos[0].ci_level, lang))
        percent_axis(ax, top=1.02)
        time_of_day_axis(ax, lang)
        ax.set_ylabel(
            label("service_level_axis", lang, threshold=scenario.service_level.threshold_s)
        )
        title = (
            f"Service level through the day by staffing policy ({label(f'day.{day_type}', lang)})"
        )
        return finish(fig, title, source_text(infos, lang), handles)


def intraday_roster_by_policy(
    runs: Mapping[str, RunData], day_type: str = "weekday", lang: Lang = "en"
) -> Figure:
    """Front-line agents rostered by interval of the day on one day type, one step line per
    policy, with the agents present as a CI band."""
    infos = [r.info for r in runs.values()]
    width = infos[0].scenario.calendar.interval_min
    with house_style(lang):
        fig, (ax,) = slide_figure()
        handles: list[Artist] = []
        for i, (name, run) in enumerate(runs.items()):
            est = data.intraday_staffing(
                run.tables["intervals"], run.info.scenario.calendar.start_date, day_type
            )
            if est.empty:
                continue
            starts = est.index.to_numpy()
            rostered = est["agents_rostered_tier1"]["mean"].to_numpy()
            (line,) = ax.step(
                np.append(starts, starts[-1] + width),
                np.append(rostered, rostered[-1]),
                where="post",
                color=_colour(i),
                linewidth=2.5,
                label=f"{name}: rostered",
            )
            handles.append(line)
            mid = starts + width / 2
            ax.fill_between(
                mid,
                est["agents_present_tier1"]["ci_low"],
                est["agents_present_tier1"]["ci_high"],
                color=_colour(i),
                alpha=0.15,
                linewidth=0,
            )
        handles.append(ci_band_handle(infos[0].ci_level, lang))
        ax.set_ylim(bottom=0.0)
        ax.set_ylabel(label("staffing.agents_axis", lang))
        time_of_day_axis(ax, lang)
        title = (
            "Front-line agents rostered by staffing policy "
            f"({label(f'day.{day_type}', lang)}; shaded: agents present)"
        )
        return finish(fig, title, source_text(infos, lang), handles)


def _xy_errorbar(
    ax: Axes, x: Estimate, y: Estimate, colour: str, text: str, marker: str = "o"
) -> Artist:
    return ax.errorbar(
        [x.mean],
        [y.mean],
        xerr=whiskers(x.mean, x.ci_low, x.ci_high),
        yerr=whiskers(y.mean, y.ci_low, y.ci_high),
        fmt=marker,
        markersize=13,
        color=colour,
        elinewidth=2.2,
        capsize=4,
        label=text,
    )


def cost_service_frontier(
    results: Mapping[str, ScenarioResult],
    cost_kpi: str = "staffing_cost",
    service_kpi: str = "service_level",
    lang: Lang = "en",
) -> Figure:
    """Cost against service for several policies, each with CI whiskers both ways; the policies
    no other beats on both axes (the efficient frontier) are joined by a line."""
    infos = [result_info(r) for r in results.values()]
    names = list(results)
    x = np.array([results[n].summary[cost_kpi].mean for n in names])
    y = np.array([results[n].summary[service_kpi].mean for n in names])
    efficient = pareto_mask(x, y, kpi_info(cost_kpi).better, kpi_info(service_kpi).better)
    with house_style(lang):
        fig, (ax,) = slide_figure()
        handles: list[Artist] = [
            _xy_errorbar(
                ax, results[n].summary[cost_kpi], results[n].summary[service_kpi], _colour(i), n
            )
            for i, n in enumerate(names)
        ]
        order = np.argsort(x[efficient])
        (frontier,) = ax.plot(
            x[efficient][order],
            y[efficient][order],
            color=REFERENCE,
            linestyle="--",
            linewidth=1.8,
            label="efficient frontier",
        )
        handles.append(frontier)
        if service_kpi == "service_level":
            target = infos[0].scenario.standards.service_level_target
            handles.append(
                reference_line(
                    ax, target, label("target", lang, value=f"{target:.0%}"), linestyle=":"
                )
            )
        handles.append(whisker_handle(infos[0].ci_level, lang))
        currency = infos[0].currency
        ax.set_xlabel(kpi_label(cost_kpi, lang, currency))
        ax.set_ylabel(kpi_label(service_kpi, lang, currency))
        unit_axis(ax, kpi_info(service_kpi).unit)
        ax.xaxis.set_major_formatter("{x:,.0f}")
        ax.margins(0.15)
        title = f"{kpi_info(cost_kpi).label.capitalize()} against {kpi_info(service_kpi).label}"
        return finish(fig, title, source_text(infos, lang), handles)


def paired_differences_chart(
    differences: Table, infos: Sequence[RunInfo], kpis: Sequence[str], lang: Lang = "en"
) -> Figure:
    """Paired differences (alternative − baseline, same random numbers) with CI whiskers, one
    panel per KPI, one row per alternative; ``differences`` is
    :func:`sim.explore.differences_table`. Green: better, vermillion: worse, grey: no
    significant difference."""
    df = pd.DataFrame(differences)
    shown = [k for k in kpis if k in set(df["kpi"])]
    ncols = min(len(shown), 3)
    nrows = -(-len(shown) // ncols)
    verdict_colour = {"better": GREEN, "worse": VERMILLION}
    currency = infos[0].currency
    with house_style(lang):
        fig, axes = slide_figure(nrows=nrows, ncols=ncols)
        for ax, kpi in zip(axes, shown, strict=False):
            rows = df[df["kpi"] == kpi].reset_index(drop=True)
            y = np.arange(len(rows))
            for yi, row in rows.iterrows():
                ax.errorbar(
                    [row["difference"]],
                    [yi],
                    xerr=whiskers(row["difference"], row["ci_low"], row["ci_high"]),
                    fmt="o",
                    markersize=10,
                    elinewidth=2.5,
                    capsize=4,
                    color=verdict_colour.get(str(row["verdict"]), REFERENCE),
                )
            ax.axvline(0.0, color=BLACK, linewidth=1.2)
            ax.set_yticks(y, list(rows["alternative"]))
            ax.set_ylim(-0.6, len(rows) - 0.4)
            ax.invert_yaxis()
            unit = kpi_info(kpi).unit
            ax.set_xlabel("Δ " + kpi_label(kpi, lang, currency))
            ax.xaxis.set_major_locator(MaxNLocator(4))
            if unit == "share":
                ax.xaxis.set_major_formatter(lambda v, _: f"{v * 100:+.0f} pp")
            elif unit in ("money", "count"):
                ax.xaxis.set_major_formatter("{x:,.0f}")
            ax.margins(x=0.2)
        for ax in axes[len(shown) :]:
            ax.set_visible(False)
        handles: list[Artist] = [
            Line2D([], [], color=GREEN, marker="o", linestyle="none", label="better"),
            Line2D([], [], color=VERMILLION, marker="o", linestyle="none", label="worse"),
            Line2D(
                [], [], color=REFERENCE, marker="o", linestyle="none", label="no sig. difference"
            ),
            whisker_handle(infos[0].ci_level, lang),
        ]
        base = infos[0].scenario.name
        title = f"Paired differences against {base} (common random numbers)"
        return finish(fig, title, source_text(infos, lang), handles)


# --- recovery -----------------------------------------------------------------------------------


def retention_curve(scenario: Scenario, max_hours: float = 240.0, lang: Lang = "en") -> Figure:
    """Chance a complainant stays against the hours the complaint took to resolve
    (:func:`sim.satisfaction.complaint_retention`), for small and large problems, with the
    retention of unresolved complaints and of silent customers for comparison."""
    customers = scenario.customers
    if customers is None:
        raise ValueError(f"scenario {scenario.name!r} has no customer base")
    hours = np.linspace(0.0, max_hours, 481)
    rule = customers.retention_after_complaint
    with house_style(lang):
        fig, (ax,) = slide_figure()
        handles: list[Artist] = []
        for size, colour, large in (("small", BLUE, False), ("large", ORANGE, True)):
            kept = complaint_retention(
                rule, hours, np.full(hours.shape, large), customers.unresolved_retention
            )
            handles.append(ax.plot(hours, kept, color=colour, label=f"{size} problem, resolved")[0])
            handles.append(
                ax.axhline(
                    getattr(customers.unresolved_retention, size),
                    color=colour,
                    linestyle="--",
                    linewidth=1.8,
                    label=f"{size} problem, never resolved",
                )
            )
            handles.append(
                ax.axhline(
                    getattr(customers.silent_retention, size),
                    color=colour,
                    linestyle=":",
                    linewidth=1.8,
                    label=f"{size} problem, did not complain",
                )
            )
        target = scenario.recovery.target_h
        if target is not None:
            handles.append(
                reference_line(
                    ax, target, f"recovery target {target:g} h ({scenario.recovery.kind})", False
                )
            )
        percent_axis(ax, top=1.02)
        ax.set_xlim(0.0, max_hours)
        ax.set_xlabel("hours from complaint to resolution (h)")
        ax.set_ylabel("customers retained (%)")
        info = RunInfo(scenario, 0, 0, dt.date.today())
        title = f"Complainant retention against time to resolve ({rule.kind} rule)"
        return finish(fig, title, source_text([info], lang, "source_model"), handles, ncols=3)


def defections_by_reason(results: Mapping[str, ScenarioResult], lang: Lang = "en") -> Figure:
    """Customers lost over the horizon by reason, grouped bars per policy with CI whiskers."""
    infos = [result_info(r) for r in results.values()]
    reasons = [
        r
        for r in data.LOSS_REASONS
        if any(res.summary.get(f"defections.{r}") is not None for res in results.values())
    ]
    names = list(results)
    width = 0.8 / len(names)
    x = np.arange(len(reasons))
    with house_style(lang):
        fig, (ax,) = slide_figure()
        handles: list[Artist] = []
        for i, name in enumerate(names):
            est = [results[name].summary[f"defections.{r}"] for r in reasons]
            mean = np.array([e.mean for e in est])
            bars = ax.bar(
                x - 0.4 + width * (i + 0.5),
                mean,
                width,
                yerr=whiskers(mean, [e.ci_low for e in est], [e.ci_high for e in est]),
                color=_colour(i),
                error_kw={"ecolor": BLACK, "elinewidth": 1.5},
                label=name,
            )
            handles.append(bars)
        ax.set_xticks(x, [label(f"reason.{r}", lang) for r in reasons])
        ax.set_ylabel("customers lost over the horizon (count)")
        unit_axis(ax, "count")
        ax.grid(axis="x", visible=False)
        handles.append(whisker_handle(infos[0].ci_level, lang))
        return finish(fig, "Customers lost by reason and policy", source_text(infos, lang), handles)


def kpi_by_policy(
    results: Mapping[str, ScenarioResult], kpi: str = "net_value", lang: Lang = "en"
) -> Figure:
    """One KPI per policy, mean with CI whiskers, as horizontal bars."""
    infos = [result_info(r) for r in results.values()]
    names = list(results)
    est = [results[n].summary[kpi] for n in names]
    mean = np.array([e.mean for e in est])
    y = np.arange(len(names))
    with house_style(lang):
        fig, (ax,) = slide_figure()
        ax.barh(
            y,
            mean,
            xerr=whiskers(mean, [e.ci_low for e in est], [e.ci_high for e in est]),
            color=[_colour(i) for i in range(len(names))],
            error_kw={"ecolor": BLACK, "elinewidth": 2.0},
        )
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.axvline(0.0, color=BLACK, linewidth=1.0)
        ax.set_xlabel(kpi_label(kpi, lang, infos[0].currency))
        ax.xaxis.set_major_formatter("{x:,.0f}")
        ax.grid(axis="y", visible=False)
        handles: list[Artist] = [whisker_handle(infos[0].ci_level, lang)]
        title = f"{kpi_info(kpi).label.capitalize()} by policy"
        return finish(fig, title, source_text(infos, lang), handles)


# --- sweeps --------------------------------------------------------------------------------------


def param_text(value: object) -> str:
    """A sweep parameter cell as short text: a policy ``{"kind": "fast_track"}`` as its kind."""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            return value
        value = parsed
    if isinstance(value, dict) and "kind" in value:
        rest = {k: v for k, v in value.items() if k != "kind"}
        return str(value["kind"]) + (f" {rest}" if rest else "")
    return f"{value:g}" if isinstance(value, float) else str(value)


def sweep_wide(summary: Table, kpis: Sequence[str]) -> pd.DataFrame:
    """A sweep's tidy ``summary.parquet`` as one row per point: the ``param.*`` columns and
    ``(kpi, mean | ci_low | ci_high)`` columns flattened to ``kpi``, ``kpi.ci_low``, ...."""
    df = pd.DataFrame(summary)
    params = [c for c in df.columns if c.startswith("param.")]
    points = df.drop_duplicates("point_id").set_index("point_id")[["point", *params]]
    for kpi in kpis:
        rows = df[df["kpi"] == kpi].set_index("point_id")
        points[kpi] = rows["mean"]
        points[f"{kpi}.ci_low"] = rows["ci_low"]
        points[f"{kpi}.ci_high"] = rows["ci_high"]
    return points.sort_values("point")


def pareto_mask(x: np.ndarray, y: np.ndarray, x_better: int, y_better: int) -> np.ndarray:
    """Points no other point beats on both measures (``better``: +1 higher is better, −1 lower)."""
    xs = np.asarray(x, float) * (x_better or 1)
    ys = np.asarray(y, float) * (y_better or 1)
    keep = np.ones(len(xs), bool)
    for i in range(len(xs)):
        dominated = (xs >= xs[i]) & (ys >= ys[i]) & ((xs > xs[i]) | (ys > ys[i]))
        keep[i] = not dominated.any()
    return keep


def sweep_heatmap(
    summary: Table,
    x_param: str,
    y_param: str,
    kpi: str,
    sweep: str = "sweep",
    currency: str = "",
    lang: Lang = "en",
) -> Figure:
    """A KPI's mean over a grid of two sweep parameters, each cell annotated with the mean and
    its CI (other parameters, if any, averaged over)."""
    wide = sweep_wide(summary, [kpi])
    xcol, ycol = f"param.{x_param}", f"param.{y_param}"
    wide = wide.assign(_x=wide[xcol].map(param_text), _y=wide[ycol].map(param_text))
    grid = wide.groupby(["_y", "_x"], sort=False)[[kpi, f"{kpi}.ci_low", f"{kpi}.ci_high"]].mean()
    xs = list(dict.fromkeys(wide["_x"]))
    ys = list(dict.fromkeys(wide["_y"]))
    values = np.full((len(ys), len(xs)), np.nan)
    low, high = values.copy(), values.copy()
    for (yv, xv), row in grid.iterrows():
        i, j = ys.index(yv), xs.index(xv)
        values[i, j], low[i, j], high[i, j] = row[kpi], row[f"{kpi}.ci_low"], row[f"{kpi}.ci_high"]
    unit = kpi_info(kpi).unit
    fmt = {"share": "{:.1%}", "money": "{:,.0f}", "count": "{:,.0f}"}.get(unit, "{:,.3g}").format
    with house_style(lang):
        fig, (ax,) = slide_figure()
        cmap = "viridis" if kpi_info(kpi).better >= 0 else "viridis_r"
        image = ax.imshow(values, cmap=cmap, aspect="auto", origin="lower")
        for i in range(len(ys)):
            for j in range(len(xs)):
                if np.isnan(values[i, j]):
                    continue
                ax.text(
                    j,
                    i,
                    f"{fmt(values[i, j])}\n({fmt(low[i, j])}–{fmt(high[i, j])})",
                    ha="center",
                    va="center",
                    fontsize="small",
                    color="white",
                    path_effects=_outline(),
                )
        ax.set_xticks(range(len(xs)), xs)
        ax.set_yticks(range(len(ys)), ys)
        ax.set_xlabel(x_param)
        ax.set_ylabel(y_param)
        ax.grid(False)
        bar = fig.colorbar(image, ax=ax)
        bar.set_label(kpi_label(kpi, lang, currency))
        handles: list[Artist] = [
            Line2D([], [], linestyle="none", label=f"cells: mean ({CI_LEVEL:.0%} CI)")
        ]
        title = f"{kpi_info(kpi).label.capitalize()} over {x_param} × {y_param}"
        return finish(fig, title, _sweep_source(sweep), handles)


def _outline() -> list[object]:
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=3, foreground=BLACK)]


def pareto_frontier(
    summary: Table,
    x_kpi: str = "staffing_cost",
    y_kpi: str = "service_level",
    label_params: Sequence[str] = (),
    sweep: str = "sweep",
    currency: str = "",
    lang: Lang = "en",
) -> Figure:
    """Every sweep point on two KPIs with CI whiskers; the Pareto-efficient points (no other
    point better on both) highlighted, joined and labelled with ``label_params``."""
    wide = sweep_wide(summary, [x_kpi, y_kpi])
    x, y = wide[x_kpi].to_numpy(float), wide[y_kpi].to_numpy(float)
    efficient = pareto_mask(x, y, kpi_info(x_kpi).better, kpi_info(y_kpi).better)
    with house_style(lang):
        fig, (ax,) = slide_figure()
        handles: list[Artist] = []
        for mask, colour, text in (
            (~efficient, REFERENCE, "dominated"),
            (efficient, VERMILLION, "Pareto-efficient"),
        ):
            if not mask.any():
                continue
            rows = wide[mask]
            handles.append(
                ax.errorbar(
                    rows[x_kpi],
                    rows[y_kpi],
                    xerr=whiskers(rows[x_kpi], rows[f"{x_kpi}.ci_low"], rows[f"{x_kpi}.ci_high"]),
                    yerr=whiskers(rows[y_kpi], rows[f"{y_kpi}.ci_low"], rows[f"{y_kpi}.ci_high"]),
                    fmt="o",
                    markersize=10,
                    color=colour,
                    elinewidth=1.6,
                    label=text,
                )
            )
        order = np.argsort(x[efficient])
        ax.plot(x[efficient][order], y[efficient][order], color=VERMILLION, linewidth=1.8)
        for _, row in wide[efficient].iterrows():
            text = ", ".join(param_text(row[f"param.{p}"]) for p in label_params)
            if text:
                ax.annotate(
                    text,
                    (row[x_kpi], row[y_kpi]),
                    xytext=(8, 8),
                    textcoords="offset points",
                    fontsize="small",
                )
        handles.append(whisker_handle(CI_LEVEL, lang))
        ax.set_xlabel(kpi_label(x_kpi, lang, currency))
        ax.set_ylabel(kpi_label(y_kpi, lang, currency))
        unit_axis(ax, kpi_info(y_kpi).unit)
        if kpi_info(x_kpi).unit in ("money", "count"):
            ax.xaxis.set_major_formatter("{x:,.0f}")
        ax.margins(0.12)
        title = f"Pareto frontier: {kpi_info(x_kpi).label} against {kpi_info(y_kpi).label}"
        return finish(fig, title, _sweep_source(sweep), handles)


# --- validation ----------------------------------------------------------------------------------

MEASURE_AXES = {
    "p_wait": ("P(wait)", "share"),
    "asa_s": ("average speed of answer (s)", "seconds"),
    "service_level": ("service level (%)", "share"),
    "p_abandon": ("P(abandon)", "share"),
}


def erlang_agreement_chart(table: Table, lang: Lang = "en") -> Figure:
    """Analytic Erlang C / A measures (lines) against the simulated stationary desk (points with
    CI whiskers) across loads; ``table`` is :func:`sim.explore.erlang_agreement` output (one or
    more models concatenated)."""
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
    replication, with the line ``L = λ·W`` (Little's law). Tables from :mod:`sim.explore`."""
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
