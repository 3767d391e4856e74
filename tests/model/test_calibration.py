"""Calibration recovers what it should: the estimators on their own, then the whole chain on a
log our own simulator wrote (known arrival profile, lognormal handle times, exponential patience
censored by service, a fixed team), and the shipped sample month end to end.

Tolerances come from the estimators' sampling error (Poisson counts, standard errors of means,
the chi-square interval of the exponential MLE, a parametric bootstrap for the CV), taken wide
enough (about 4 standard errors) that a correct estimator practically never fails; the seeds are
fixed, so the tests are deterministic.
"""

from __future__ import annotations

import argparse
import dataclasses
import heapq
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.cli import calibrate as cli_calibrate
from sim.experiments.replications import run_scenario
from sim.logs.agent_activity import after_call_gap_s, agents_on_duty
from sim.logs.bands import POOLED
from sim.logs.calibrate import calibrate
from sim.logs.calibration import Calibration
from sim.logs.contact_log import CleanLog, read_logs
from sim.logs.duration_fits import fit_handle_time, fit_patience, kaplan_meier
from sim.logs.log_schema import LogSchema
from sim.logs.scenario_file import exponential_patience_s
from sim.model.records import ABANDONED, ANSWERED, DISCONNECTED, DeskRun
from sim.model.replication import simulate
from sim.model.rng import Streams
from sim.scenario.desk import WEEKDAYS
from sim.scenario.loading import load_scenario
from sim.scenario.scenario import Scenario

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "anonymous-bank-1999" / "1999-05-may.txt.gz"
Z = 4.0
"""Standard errors allowed between an estimate and the truth."""


# --- the estimators ------------------------------------------------------------------------------


def test_kaplan_meier_by_hand_and_against_scipy() -> None:
    durations = np.array([1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 5.0])
    events = np.array([True, True, False, False, True, True, False])
    times, survival = kaplan_meier(durations, events)
    np.testing.assert_array_equal(times, [1.0, 2.0, 4.0])
    np.testing.assert_allclose(survival, [6 / 7, 6 / 7 * 5 / 6, 6 / 7 * 5 / 6 * 1 / 3])
    rng = np.random.default_rng(1)
    patience, offered = rng.exponential(5.0, 500), rng.exponential(3.0, 500)
    observed, event = np.minimum(patience, offered), patience < offered
    reference = stats.ecdf(
        stats.CensoredData(uncensored=observed[event], right=observed[~event])
    ).sf
    times, survival = kaplan_meier(observed, event)
    np.testing.assert_allclose(survival, reference.evaluate(times))


def test_patience_under_censoring() -> None:
    """Exponential patience (mean 300 s) censored by service after an exponential wait (mean
    120 s): the MLE recovers it, the naive mean of abandoned waits does not."""
    rng = np.random.default_rng(7)
    patience, offered = rng.exponential(300.0, 20_000), rng.exponential(120.0, 20_000)
    wait, abandoned = np.minimum(patience, offered), patience < offered
    fit = fit_patience(wait, abandoned)
    assert fit.exp_ci_s[0] < 300.0 < fit.exp_ci_s[1]
    assert abs(fit.exp_mean_s - 300.0) < Z * fit.exp_mean_s / math.sqrt(fit.abandoned)
    assert wait[abandoned].mean() < 100.0  # what ignoring censoring would give
    assert fit.km_gap_exp < 0.03
    assert fit.best == "exponential"


def test_lognormal_patience_under_censoring() -> None:
    rng = np.random.default_rng(8)
    patience = rng.lognormal(np.log(200.0), 1.2, 20_000)
    offered = rng.exponential(150.0, 20_000)
    fit = fit_patience(np.minimum(patience, offered), patience < offered)
    assert fit.best == "lognormal"
    assert fit.lognormal_median_s == pytest.approx(200.0, rel=0.08)
    assert fit.lognormal_sigma == pytest.approx(1.2, rel=0.08)
    assert fit.km_gap_lognormal < 0.03 < fit.km_gap_exp


def test_patience_when_the_only_abandonment_is_the_longest_wait() -> None:
    # a small hour band: the one caller who hung up waited longer than the 99th percentile
    wait = np.array([0.0] * 150 + [5.0, 12.0, 30.0, 400.0])
    fit = fit_patience(wait, wait == 400.0)
    assert fit.abandoned == 1
    assert fit.exp_mean_s == pytest.approx(447.0)
    assert 0.0 <= fit.km_gap_exp <= 1.0


def test_handle_time_fit() -> None:
    rng = np.random.default_rng(3)
    mu, sigma = np.log(180.0), 0.8
    x = rng.lognormal(mu, sigma, 5_000)
    fit = fit_handle_time(np.append(x, np.nan), short_s=10.0)
    assert fit.n == 5_000 and fit.short == int((x < 10).sum())
    assert fit.mean_s == pytest.approx(x.mean())
    assert fit.ks < 0.03 and fit.body_ks < 0.03
    assert fit.body_mean_s == pytest.approx(np.exp(mu + sigma**2 / 2), rel=0.05)
    np.testing.assert_allclose(fit.qq_data_s, fit.qq_fit_s, rtol=0.15)


def test_agents_on_duty_work_conserving_rule() -> None:
    """Agent 0 serves 10:00-10:10, 10:13-10:20 and 10:30-10:40; agent 1 serves 10:40-10:45.
    Callers wait 10:22-10:26 (twice, overlapping) and 10:36-10:41. Slack N = 2 min."""
    agent = np.array([0, 0, 0, 1])
    start, end = np.array([600.0, 613.0, 630.0, 640.0]), np.array([610.0, 620.0, 640.0, 645.0])
    waits = {
        "wait_start_min": np.array([622.0, 623.0, 636.0]),
        "wait_end_min": np.array([626.0, 625.0, 641.0]),
    }
    edges = np.array([570.0, 600.0, 630.0, 660.0])
    # Idle gaps up to 20 min: agent 0's 3-min gap is after-call work (under 2N); the 10-min gap
    # 10:20-10:30 is idle time on duty except 10:22-10:26, when a caller waited; lead-in
    # 9:58-10:00. After 10:30: agent 0 serves 10 min, lead-out 10:40-10:42 less 10:40-10:41
    # (waiting); agent 1 lead-in 10:38-10:40 (a caller waiting: off), serves 5, lead-out 2.
    np.testing.assert_allclose(
        agents_on_duty(agent, start, end, edges, slack_min=2.0, idle_max_min=20.0, **waits),
        [2 / 30, (20 + 6) / 30, (10 + 1 + 5 + 2) / 30],
    )
    # Idle gaps up to 5 min: the 10-min gap is a break; agent 0 has a lead-out 10:20-10:22 and
    # a lead-in 10:28-10:30, both while nobody waited.
    np.testing.assert_allclose(
        agents_on_duty(agent, start, end, edges, slack_min=2.0, idle_max_min=5.0, **waits),
        [2 / 30, (20 + 2 + 2) / 30, (10 + 1 + 5 + 2) / 30],
    )
    # Nobody waiting: every idle gap and lead counts.
    none = {"wait_start_min": np.zeros(0), "wait_end_min": np.zeros(0)}
    np.testing.assert_allclose(
        agents_on_duty(agent, start, end, edges, slack_min=2.0, idle_max_min=20.0, **none),
        [2 / 30, 30 / 30, (10 + 2 + 2 + 5 + 2) / 30],
    )
    with pytest.raises(ValueError, match="idle_max_min >= 2"):
        agents_on_duty(agent, start, end, edges, slack_min=2.0, idle_max_min=3.0, **none)


def test_after_call_gap_counts_only_gaps_with_callers_waiting() -> None:
    agent = np.array([0, 0, 0])
    start, end = np.array([0.0, 110.0, 500.0]), np.array([100.0, 200.0, 600.0])
    # a caller waits from 90 s to 300 s: the 10 s gap counts, the 300 s gap (ends at 500) not
    gap, n = after_call_gap_s(agent, start, end, np.array([90.0]), np.array([300.0]))
    assert (gap, n) == (10.0, 1)


# --- a log written by the simulator --------------------------------------------------------------

PROFILE = [1, 2, 3, 4, 5, 5, 4, 3, 3, 4, 5, 5, 4, 3, 2, 2, 2, 1, 1, 1]
WEEKDAY_VOLUME = {"mon": 2200, "tue": 2000, "wed": 2000, "thu": 1900, "fri": 1800}
AGENTS = 9
TYPES = {
    # name: (share of volume, handle mean min, handle CV, patience mean min)
    "enquiry": (0.7, 2.0, 1.0, 3.0),
    "order": (0.3, 3.0, 0.6, 6.0),
}
ANSWER_DELAY = {"probability": 0.3, "delay": {"kind": "exponential", "mean_min": 0.5}}
"""Three callers in ten who find a free agent wait half a minute on average all the same."""
QUEUE_FACTORS = {0: 1.0, 3: 0.6, 6: 0.4}
"""Callers who find 3-5 callers waiting are 0.6 times as patient, 6 or more 0.4 times."""


def synthetic_scenario(answer_delay: dict | None = None) -> Scenario:
    """Two weeks of a Monday-Friday desk, 08:00-18:00, one fixed team, overloaded at peaks; with
    the answer delay :data:`ANSWER_DELAY` unless another is given."""
    return Scenario.model_validate(
        {
            "name": "synthetic",
            "calendar": {
                "start_date": "2027-01-04",
                "horizon_days": 14,
                "interval_min": 30,
                "opening_hours": {d: {"open_h": 8, "close_h": 18} for d in WEEKDAY_VOLUME},
            },
            "demand": {
                "profiles": {"day": PROFILE},
                "patience_factor_by_queue_ahead": QUEUE_FACTORS,
                "contact_types": {
                    name: {
                        "channel": "phone",
                        "priority": 1,
                        "daily_volume": {d: v * share for d, v in WEEKDAY_VOLUME.items()},
                        "profile": "day",
                        "handle_time": {"kind": "lognormal", "mean_min": mean, "cv": cv},
                        "patience": {"kind": "exponential", "mean_min": patience},
                        "retrial": {"probability": 0},
                        "resolution": {"first_contact_prob": 1.0},
                    }
                    for name, (share, mean, cv, patience) in TYPES.items()
                },
            },
            "staffing": {
                "tier1": {"kind": "fixed", "agents": AGENTS},
                "tier2": {"kind": "fixed", "agents": 0},
            },
            "routing": {"answer_delay": ANSWER_DELAY if answer_delay is None else answer_delay},
        }
    )


def to_log(run: DeskRun, start: str) -> pd.DataFrame:
    """The run's calls as an ACD export; agents are assigned to answered calls first-free-first
    (the engine pools agents, so any free one can have taken the call)."""
    c = run.contacts
    origin = pd.Timestamp(start)
    free_at = [(0.0, k) for k in range(AGENTS)]
    agent = np.full(len(c), -1)
    for i in np.argsort(c.answer_min):
        if np.isnan(c.answer_min[i]):
            break
        when, k = heapq.heappop(free_at)
        assert when <= c.answer_min[i] + 1e-9
        agent[i] = k
        heapq.heappush(free_at, (float(c.end_min[i]), k))

    def stamp(minutes: np.ndarray) -> pd.Series:
        times = pd.Series(origin + pd.to_timedelta(minutes, unit="min"))
        return times.dt.strftime("%Y-%m-%d %H:%M:%S.%f").fillna("")

    left = np.where(np.isnan(c.answer_min), c.end_min, c.answer_min)
    left = np.where(left > c.arrival_min, left, np.nan)  # answered at once: no queue times
    outcome = np.select(
        [c.outcome == ANSWERED, c.outcome == ABANDONED, c.outcome == DISCONNECTED],
        ["ANSWERED", "ABANDONED", "CUT_OFF"],
        "WAITING",
    )
    return pd.DataFrame(
        {
            "arrived": stamp(c.arrival_min),
            "queued_at": stamp(np.where(np.isnan(left), np.nan, c.arrival_min)),
            "left_queue": stamp(left),
            "answered": stamp(c.answer_min),
            "ended": stamp(c.end_min).where(c.outcome == ANSWERED, ""),
            "result": outcome,
            "queue": np.array(run.type_names)[c.type_code],
            "agent": np.where(agent >= 0, "A" + agent.astype(str), ""),
        }
    )


SYNTHETIC_SCHEMA = LogSchema.model_validate(
    {
        "name": "synthetic",
        "time_format": "%Y-%m-%d %H:%M:%S.%f",
        "times": {
            "arrival": "arrived",
            "queue_entry": "queued_at",
            "queue_exit": "left_queue",
            "service_start": "answered",
            "service_end": "ended",
        },
        "outcome": {
            "column": "result",
            "served": ["ANSWERED"],
            "abandoned": ["ABANDONED"],
            "ignore": {"CUT_OFF": "cut off at closing", "WAITING": "still waiting at the end"},
        },
        "contact_type": {"column": "queue"},
        "agent": {"column": "agent"},
        "cleaning": {"max_service_s": None, "short_service_s": 0},
    }
)


def calibrate_synthetic(scenario: Scenario, folder: Path) -> tuple[CleanLog, Calibration]:
    """One run of ``scenario`` written as a log, read back and calibrated."""
    run = simulate(scenario, Streams(2027, 0))
    path = folder / "log.csv"
    to_log(run, "2027-01-04").to_csv(path, index=False)
    log = read_logs([path], SYNTHETIC_SCHEMA)
    return log, calibrate(log, name="recovered", min_type_share=0.05)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[CleanLog, Calibration]:
    return calibrate_synthetic(synthetic_scenario(), tmp_path_factory.mktemp("synthetic"))


def test_synthetic_log_reads_cleanly(synthetic: tuple[CleanLog, Calibration]) -> None:
    log, cal = synthetic
    assert log.report.ignored.get("CUT_OFF", 0) < 0.01 * log.report.rows_read
    assert cal.arrivals.abnormal_days == []
    assert cal.arrivals.outside_hours == 0 and cal.arrivals.before_queue == 0


def test_recovers_opening_hours_and_arrival_profile(
    synthetic: tuple[CleanLog, Calibration],
) -> None:
    _, cal = synthetic
    a = cal.arrivals
    assert a.opening_hours == {
        **{d: (8.0, 18.0) for d in WEEKDAY_VOLUME},
        "sat": None,
        "sun": None,
    }
    assert a.regular_days == dict.fromkeys(WEEKDAY_VOLUME, 2)
    weights = np.array(PROFILE) / sum(PROFILE)
    for day, volume in WEEKDAY_VOLUME.items():
        total = sum(v[day] for v in a.daily_volume.values())
        assert abs(total - volume) < Z * math.sqrt(volume / 2)  # mean of 2 Poisson days
        expected = volume * weights
        assert np.all(np.abs(a.profiles[day] - expected) < Z * np.sqrt(expected / 2) + 0.5)
        for name, (share, *_) in TYPES.items():
            mean = volume * share
            assert abs(a.daily_volume[name][day] - mean) < Z * math.sqrt(mean / 2)
    assert a.day_volume_cv < 0.1  # plain Poisson days (true 0), 5 degrees of freedom


def test_recovers_lognormal_handle_times(synthetic: tuple[CleanLog, Calibration]) -> None:
    _, cal = synthetic
    rng = np.random.default_rng(11)
    for name, (_, mean_min, cv, _) in TYPES.items():
        fit = cal.handle[name]
        mean_s = mean_min * 60.0
        assert abs(fit.mean_s - mean_s) < Z * cv * mean_s / math.sqrt(fit.n)
        # the sample CV of a lognormal is skewed and heavy-tailed: bootstrap its spread
        mu, sigma = np.log(mean_s) - np.log1p(cv**2) / 2, np.sqrt(np.log1p(cv**2))
        draws = rng.lognormal(mu, sigma, (200, fit.n))
        spread = (draws.std(axis=1, ddof=1) / draws.mean(axis=1)).std()
        assert abs(fit.cv - cv) < Z * spread
        assert fit.ks < 0.05


def test_recovers_exponential_patience_under_censoring(
    synthetic: tuple[CleanLog, Calibration],
) -> None:
    log, cal = synthetic
    records = log.records
    for name, (*_, patience_min) in TYPES.items():
        fit, pooled = cal.patience_for(name)
        assert not pooled
        truth = patience_min * 60.0
        assert abs(fit.exp_mean_s - truth) < Z * fit.exp_mean_s / math.sqrt(fit.abandoned)
        assert fit.km_gap_exp < 0.05
        gave_up = records[(records["type"] == name) & (records["outcome"] == "abandoned")]
        assert gave_up["wait_s"].mean() < 0.7 * truth  # the naive estimate is biased low
    assert cal.patience[POOLED].abandoned == sum(cal.patience[t].abandoned for t in TYPES)


def test_recovers_patience_factors_by_queue(synthetic: tuple[CleanLog, Calibration]) -> None:
    """The factors by callers waiting at arrival, each within 4 standard errors of the truth,
    and the scenario carries them."""
    _, cal = synthetic
    q = cal.queue_factors
    assert q is not None and q.ahead == (0, 1, 3, 6, 10)
    keys = np.array(sorted(QUEUE_FACTORS))
    for ahead, factor, (lo, hi) in zip(q.ahead[1:], q.factor[1:], q.ci[1:], strict=True):
        truth = QUEUE_FACTORS[int(keys[np.searchsorted(keys, ahead, "right") - 1])]
        se = (math.log(hi) - math.log(lo)) / (2 * 1.96)
        assert abs(math.log(factor) - math.log(truth)) < Z * se, (ahead, factor, truth)
        assert se < 0.15  # enough abandonments in every band for the check to have power
    scenario_factors = cal.scenario().demand.patience_factor_by_queue_ahead
    assert scenario_factors == pytest.approx(q.mapping, rel=1e-3)


def test_recovers_the_answer_delay(synthetic: tuple[CleanLog, Calibration]) -> None:
    """The share of callers who find a free agent and wait all the same, within 4 binomial
    standard errors; their mean wait within 4 standard errors of the exponential MLE, plus the
    queueing some of them meet when the call is offered again (at most 15%)."""
    _, cal = synthetic
    d = cal.answer_delay
    assert d is not None and d.callers > 1000
    p = ANSWER_DELAY["probability"]
    assert abs(d.probability - p) < Z * math.sqrt(p * (1 - p) / d.callers)
    truth_s = ANSWER_DELAY["delay"]["mean_min"] * 60.0
    se = truth_s / math.sqrt(d.answered)
    assert truth_s - Z * se < d.mean_delay_s < 1.15 * truth_s + Z * se
    delay = cal.scenario().routing.answer_delay
    assert delay.probability == pytest.approx(d.probability, abs=1e-3)
    assert delay.delay.mean_min == pytest.approx(d.mean_delay_s / 60.0, rel=1e-3)


def test_infers_the_fixed_team(synthetic: tuple[CleanLog, Calibration]) -> None:
    _, cal = synthetic
    peak = [i for i, w in enumerate(PROFILE) if w == max(PROFILE)]
    for day in WEEKDAY_VOLUME:
        agents = cal.staffing.agents[day]
        assert all(agents[i] == AGENTS for i in peak)  # every agent busy while callers wait
        assert max(agents) <= AGENTS
    assert cal.staffing.agents_seen == AGENTS
    # The engine's agents take the next caller at once; what the estimate shows is the answer
    # delay of callers who wait while an agent is free, read as a few seconds of after-call work
    # (with callers answered at once it is exactly 0: the next test).
    assert cal.staffing.wrap_up_s < 10.0
    rows = cal.staffing.sensitivity
    for family in ("slack_min", "idle_max_min"):  # counting more time as on duty: lower occupancy
        other = "idle_max_min" if family == "slack_min" else "slack_min"
        chosen = getattr(cal.staffing, other)
        same = sorted(
            (getattr(r, family), r.occupancy) for r in rows if getattr(r, other) == chosen
        )
        assert len(same) > 2
        assert [o for _, o in same] == sorted((o for _, o in same), reverse=True)


def test_answered_at_once_no_wrap_up_and_no_answer_delay(tmp_path: Path) -> None:
    """On the same desk with every caller who finds a free agent answered at once, the gaps
    between an agent's calls while callers wait are exactly 0 (no wrap-up) and no answer delay
    is found."""
    _, cal = calibrate_synthetic(synthetic_scenario(answer_delay={"probability": 0.0}), tmp_path)
    assert cal.staffing.wrap_up_s == 0.0
    assert cal.answer_delay is None


def test_rare_types_borrow_the_pooled_fits(synthetic: tuple[CleanLog, Calibration]) -> None:
    log, _ = synthetic
    records = log.records.copy()
    rare = records.index[records["outcome"] == "served"][:5]
    records["type"] = records["type"].cat.add_categories("rare")
    records.loc[rare, "type"] = "rare"
    cal = calibrate(dataclasses.replace(log, records=records), min_type_share=0.0)
    assert cal.types[-1] == "rare"
    (handle, handle_pooled), (patience, patience_pooled) = (
        cal.handle_for("rare"),
        cal.patience_for("rare"),
    )
    assert handle_pooled and handle is cal.handle[POOLED]
    assert patience_pooled and patience is cal.patience[POOLED]
    assert {(f.type_name, f.quantity, f.used) for f in cal.fallbacks} == {
        ("rare", "handle time", POOLED),
        ("rare", "patience", POOLED),
    }
    comments = " ".join(cal.yaml_text.replace("#", " ").split())
    assert (
        "only 5 services with both times (a fit needs at least 10); borrowed from all types:"
        in (comments)
    )
    assert cal.scenario().demand.contact_types["rare"].handle_time.mean_min == pytest.approx(
        cal.handle[POOLED].mean_s / 60, rel=1e-3
    )


def test_wrap_up_mean_counts_gaps_under_twice_the_slack() -> None:
    agent = np.zeros(4, dtype=int)
    start, end = np.array([0.0, 110.0, 250.0, 800.0]), np.array([100.0, 200.0, 300.0, 900.0])
    # a caller waits throughout: gaps of 10, 50 and 500 s; with slack 2 min only gaps < 240 s
    args = (agent, start, end, np.array([0.0]), np.array([1000.0]))
    assert after_call_gap_s(*args, max_gap_s=240.0, statistic="mean") == (30.0, 2)
    assert after_call_gap_s(*args) == (50.0, 3)  # median of the gaps under an hour


def test_hour_bands_split_types(synthetic: tuple[CleanLog, Calibration]) -> None:
    """With a band edge at 13:00, each type becomes two, whose volumes add up to the type's and
    whose profiles are zero outside their band; the scenario runs."""
    log, cal = synthetic
    banded = calibrate(log, name="banded", min_type_share=0.05, band_edges=[13])
    assert banded.bands == ((0, 13), (13, 24))
    assert set(banded.types) == {f"{t}@{b}" for t in TYPES for b in ("00-13h", "13-24h")}
    for t in TYPES:
        for day in WEEKDAY_VOLUME:
            parts = [banded.arrivals.daily_volume[f"{t}@{b}"][day] for b in ("00-13h", "13-24h")]
            assert sum(parts) == pytest.approx(cal.arrivals.daily_volume[t][day])
    scenario = banded.scenario()
    morning = scenario.demand.profiles["mon@00-13h"]
    assert all(w == 0 for w in morning[10:]) and sum(morning[:10]) > 0  # 08:00-13:00 is 10
    assert scenario.demand.contact_types["order@13-24h"].profile_on("mon") == "mon@13-24h"
    patience = exponential_patience_s(banded.yaml_text)
    assert set(patience) >= {POOLED, "all types@00-13h", "enquiry@13-24h"}
    result = run_scenario(scenario, replications=1, seed=1, workers=1)
    assert 0.0 < result.summary["abandon_rate"].mean < 0.5


def test_calibrated_synthetic_scenario_runs(synthetic: tuple[CleanLog, Calibration]) -> None:
    _, cal = synthetic
    scenario = cal.scenario()
    assert scenario.calendar.start_date.isoformat() == "2027-01-04"
    assert set(scenario.demand.contact_types) == set(TYPES)
    for name, (_, mean_min, _, patience_min) in TYPES.items():
        ct = scenario.demand.contact_types[name]
        assert ct.handle_time.kind == "lognormal"
        assert ct.handle_time.mean_min == pytest.approx(mean_min, rel=0.1)
        assert ct.patience.mean_min == pytest.approx(patience_min, rel=0.2)
    result = run_scenario(scenario, replications=1, seed=1, workers=1)
    assert 0.0 < result.summary["abandon_rate"].mean < 0.5


# --- the shipped sample month --------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Calibration, Path]:
    out = tmp_path_factory.mktemp("sample") / "calibrated.yaml"
    parser = argparse.ArgumentParser()
    cli_calibrate.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        ["calibrate", str(SAMPLE), "--schema", "anonymous-bank", "--out", str(out)]
    )
    assert cli_calibrate.run(args) == 0
    return calibrate(read_logs([SAMPLE], "anonymous-bank")), out


def test_sample_month_calibrates(sample: tuple[Calibration, Path]) -> None:
    cal, out = sample
    a = cal.arrivals
    assert a.opening_hours["fri"] == (7.0, 14.0)
    assert a.opening_hours["sun"] == (7.0, 24.0)
    assert a.opening_hours["sat"][0] >= 20.0
    assert [str(d.date) for d in a.abnormal_days] == ["1999-05-20", "1999-05-21"]
    assert cal.types[:3] == ["regular", "prospects", "stock_exchange"]
    assert cal.merged_type == "other" and cal.type_codes["other"] == ["PE"]
    assert 150.0 < cal.handle["regular"].mean_s < 250.0
    assert cal.handle["regular"].body_ks < 0.03  # Brown et al.: lognormal above 10 s
    assert cal.patience[POOLED].abandoned > 5_000
    assert 0.05 < a.day_volume_cv < 0.5
    assert set(cal.staffing.agents) == set(WEEKDAYS)
    assert out.read_text(encoding="utf-8") == cal.yaml_text
    assert "Technion SEE lab" in cal.yaml_text and "Brown" in cal.yaml_text


def test_sample_scenario_loads_and_runs(sample: tuple[Calibration, Path]) -> None:
    _, out = sample
    scenario = load_scenario(out, {"calendar.horizon_days": 7})
    result = run_scenario(scenario, replications=1, seed=1, workers=1)
    assert result.summary["offered_phone"].mean > 5_000
    assert 0.05 < result.summary["abandon_rate"].mean < 0.4


def test_cli_reports_unreadable_logs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    cli_calibrate.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["calibrate", str(tmp_path / "none.gz"), "--schema", "anonymous-bank"])
    assert cli_calibrate.run(args) == 2
    assert "none.gz: file not found" in capsys.readouterr().err
