"""Work pressure and cutting corners: the response curves, the pressure recomputed from the
records, and the direction of the effect. Without a workforce section the desk is unchanged
contact for contact (``tests/model/test_agent_groups.py`` holds those digests); a desk with every
mechanism has a recorded digest of its own (the last test)."""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pytest
import simpy
from hypothesis import given
from hypothesis import strategies as st

from sim.experiments.replications import run_replication
from sim.measures.integrals import step_at, step_integral
from sim.model import replication
from sim.model.agents import AgentPool
from sim.model.calendar import CalendarPlan
from sim.model.presence import Presence, absent_shares
from sim.model.records import ANSWERED, RESOLVED, WAITING, DeskRun
from sim.model.rng import Streams
from sim.model.workforce import handle_time_factor, resolution_factor
from sim.scenario.scenario import Scenario
from sim.scenario.workforce import Absence, CuttingCorners, Workforce
from tests.model.test_invariants import count_at
from tests.scenarios import busy_desk, skills_desk

CORNERS = CuttingCorners(
    onset_pressure=1.0,
    handle_time_floor=0.7,
    response_per_pressure=2.0,
    quality_loss_per_time_cut=0.5,
)


@given(st.floats(0.0, 50.0), st.floats(0.0, 50.0))
def test_handle_time_falls_with_pressure_from_one_towards_the_floor(p: float, q: float) -> None:
    low, high = sorted((p, q))
    f_low, f_high = handle_time_factor(low, CORNERS), handle_time_factor(high, CORNERS)
    assert CORNERS.handle_time_floor <= f_high <= f_low <= 1.0
    assert resolution_factor(f_high, CORNERS) <= resolution_factor(f_low, CORNERS) <= 1.0


def test_response_curves_at_known_points() -> None:
    assert handle_time_factor(0.4, CORNERS) == 1.0 == handle_time_factor(1.0, CORNERS)
    assert handle_time_factor(1.5, CORNERS) == pytest.approx(0.7 + 0.3 * math.exp(-1.0))
    assert handle_time_factor(1e6, CORNERS) == pytest.approx(0.7)
    assert resolution_factor(0.8, CORNERS) == pytest.approx(0.9)  # 20% cut, half of it lost
    assert resolution_factor(0.1, CuttingCorners(quality_loss_per_time_cut=5.0)) == 0.0


def pressured(**changes: object) -> Scenario:
    return busy_desk(
        staffing={"tier1": {"kind": "fixed", "agents": 6}},
        workforce={"pressure": {"window_h": 1.0, "sample_min": 5.0}, **changes},
    )


def test_pressure_is_the_smoothed_load_ratio_read_back_from_the_records() -> None:
    """Recompute each sample's load ratio (busy + waiting at the front line over present) from
    the contact records and agent logs, and the smoothing recursion from it."""
    scenario = pressured()
    run = replication.simulate(scenario, Streams(6, 0))
    assert run.pressure is not None
    times, pressure = run.pressure
    c = run.contacts
    front = c.tier == 1
    answered = front & (c.outcome == ANSWERED)
    end = c.end_min[answered] + run.wrap_up_min[c.type_code[answered]]
    end = np.where(np.isnan(end), run.horizon_min, end)
    busy = count_at(c.answer_min[answered], end, times)
    left = np.where(np.isnan(c.answer_min), c.end_min, c.answer_min)[front]
    left = np.where(c.outcome[front] == WAITING, np.inf, left)
    waiting = count_at(c.arrival_min[front], left, times)
    present = step_at(*run.present[1], times)
    keep = math.exp(-5.0 / 60.0)
    expected, p = [], 0.0
    for b, w, n in zip(busy, waiting, present, strict=True):
        if n:
            p = (b + w) / n + (p - (b + w) / n) * keep
        expected.append(p)
    assert np.allclose(pressure[0], expected, atol=1e-9)
    assert pressure[0].max() > 1.0, "the desk should be under pressure at times"


def test_cutting_corners_shortens_handle_times_and_loses_resolutions_under_pressure() -> None:
    plain = run_replication(pressured(), 6, 0)
    hurried = run_replication(pressured(cutting_corners=CORNERS.model_dump()), 6, 0)
    assert plain.kpis["handle_time_cut"] == 0.0
    assert 0.0 < hurried.kpis["handle_time_cut"] < 1.0 - CORNERS.handle_time_floor
    assert hurried.kpis["fcr_rate"] < plain.kpis["fcr_rate"]
    c = hurried.contacts
    done = (c.tier == 1) & (c.resolved >= 0)
    assert (c.resolved[done] == RESOLVED).any()


def test_eroded_standards_stay_down_after_the_pressure_is_gone() -> None:
    """Three overloaded days, then four ordinary ones: with erosion the standard falls during the
    rush and never recovers, so agents still give less time at the end; without it, time per
    contact returns to the handle times once the pressure is gone."""
    rush = [{"date": f"2027-03-0{d}", "volume_multiplier": 2.5} for d in (1, 2, 4)]

    def last_days_time_factor(erosion: bool) -> tuple[float, DeskRun]:
        scenario = busy_desk(
            calendar={"horizon_days": 10, "holidays": [], "peak_days": rush},
            staffing={"tier1": {"kind": "fixed", "agents": 10}},
            workforce={
                "pressure": {"window_h": 2.0},
                "cutting_corners": CORNERS.model_dump(),
                **({"erosion": {"down_h": 8.0}} if erosion else {}),
            },
        )
        run = replication.simulate(scenario, Streams(9, 0))
        c = run.contacts
        factor = np.ones(len(c))
        factor[run.cut[0]] = run.cut[1]
        late = (c.tier == 1) & (c.outcome == ANSWERED) & (c.answer_min >= 7 * 1440)
        return float(factor[late].mean()), run

    plain, plain_run = last_days_time_factor(erosion=False)
    eroded, eroded_run = last_days_time_factor(erosion=True)
    assert plain_run.standard is not None and eroded_run.standard is not None
    assert (plain_run.standard[0] == 1.0).all()
    standard = eroded_run.standard[0]
    assert standard[-1] < 0.95, "the rush should have eroded the standard"
    assert (np.diff(standard) <= 1e-12).all(), "without up_h the standard never recovers"
    assert plain > 0.98 and eroded < plain - 0.03, (plain, eroded)


def test_the_time_given_never_falls_below_the_floor_however_long_the_pressure() -> None:
    scenario = busy_desk(
        calendar={"horizon_days": 5, "holidays": []},
        staffing={"tier1": {"kind": "fixed", "agents": 4}},
        workforce={"cutting_corners": CORNERS.model_dump(), "erosion": {"down_h": 1.0}},
    )
    run = replication.simulate(scenario, Streams(2, 0))
    assert run.standard is not None and run.cut[1].min() >= CORNERS.handle_time_floor - 1e-12
    assert run.standard[0].min() >= CORNERS.handle_time_floor - 1e-12
    assert run.cut[1].min() == pytest.approx(CORNERS.handle_time_floor)


def test_absence_draws_an_overdispersed_share_per_group_and_day() -> None:
    shares = absent_shares(Absence(mean_share=0.08, day_cv=0.6), 20_000, np.random.default_rng(1))
    assert abs(shares.mean() - 0.08) < 3.29 * 0.08 * 0.6 / np.sqrt(20_000)
    assert shares.std() / shares.mean() == pytest.approx(0.6, rel=0.05)
    assert (shares >= 0).all() and (shares <= 1).all()
    assert (
        absent_shares(Absence(mean_share=0.1, day_cv=0.0), 3, np.random.default_rng(1)) == 0.1
    ).all()


def test_agents_present_are_the_rostered_less_the_days_absence() -> None:
    scenario = busy_desk(
        calendar={"horizon_days": 40}, workforce={"absence": {"mean_share": 0.2, "day_cv": 0.0}}
    )
    result = run_replication(scenario, 3, 0)
    run = replication.simulate(scenario, Streams(3, 0))
    for g in range(len(run.group_names)):
        r_t, r_n = run.group_roster[g]
        a_t, a_n = run.group_attending[g]
        rostered = step_at(r_t, r_n, a_t)
        assert ((a_n == np.floor(rostered * 0.8)) | (a_n == np.ceil(rostered * 0.8))).all()
        times = np.unique(np.concatenate([r_t, run.group_present[g][0]]))
        times = times[times < run.horizon_min]
        present = step_at(*run.group_present[g], times)
        attending = step_at(a_t, a_n, times)
        assert (present >= attending).all()  # those leaving finish their contact first
        edges = np.array([0.0, run.horizon_min])
        came = step_integral(a_t, a_n, edges)[0]
        overtime = step_integral(*run.group_present[g], edges)[0] - came
        assert 0.0 <= overtime < 0.05 * step_integral(r_t, r_n, edges)[0]
    assert 0.1 < result.kpis["absence_share"] < 0.3  # unbiased: next test
    plain = run_replication(busy_desk(calendar={"horizon_days": 40}), 3, 0)
    assert result.kpis["service_level"] < plain.kpis["service_level"]


def test_a_small_team_loses_the_absent_share_on_average() -> None:
    """Seven agents at 20% absence: 5.6 present on average (rounded up or down at random per
    day), not the 6 that rounding to the nearest would keep every day."""
    scenario = busy_desk(calendar={"horizon_days": 2000, "holidays": []})
    plan = CalendarPlan.from_config(scenario.calendar)
    starts = np.array([d.index * 1440.0 + 480.0 for d in plan.days])
    steps = (starts, np.full(len(starts), 7))
    workforce = Workforce(absence=Absence(mean_share=0.2, day_cv=0.0))
    presence = Presence(
        *(simpy.Environment(), plan, workforce, Streams(1, 0), ["team"], [1], [steps], [steps]),
        *([AgentPool()], lambda tier: 0, lambda g: None),
    )
    present = np.array([presence.attending_at(0, t, 7) for t in starts])
    assert set(np.unique(present)) == {5, 6}
    # per day a Bernoulli(0.6) for the sixth agent: 99.9% binomial interval on the mean
    half = 3.29 * np.sqrt(0.6 * 0.4 / len(present))
    assert abs(present.mean() - 5.6) < half


def test_a_headcount_period_scales_the_roster_on_its_dates_only() -> None:
    cut = {"start_date": "2027-03-02", "end_date": "2027-03-04", "scale": 0.5}
    plain = busy_desk(staffing={"tier1": {"kind": "fixed", "agents": 8}})
    scaled = busy_desk(
        staffing={"tier1": {"kind": "fixed", "agents": 8, "headcount_periods": [cut]}}
    )
    a = replication.simulate(plain, Streams(1, 0))
    b = replication.simulate(scaled, Streams(1, 0))
    days = np.arange(5) * 1440.0 + 600.0  # 10:00 each day, Monday 1 March to Friday 5 March
    before = step_at(*a.roster[1], days)
    after = step_at(*b.roster[1], days)
    assert before.tolist() == [8, 8, 0, 8, 8]  # Wednesday 3 March is a holiday
    assert after.tolist() == [8, 4, 0, 4, 8]  # halved from Tuesday 2 to Thursday 4 March


def test_each_group_has_its_own_pressure_sharing_the_queues_it_may_take() -> None:
    """An enquiry team and generalists who take the enquiries they leave (``skills_desk``): each
    group's load ratio is its own busy agents plus, of each queue it takes work from, the
    waiting contacts in proportion to its share of the agents present who may take them."""
    scenario = skills_desk(
        calendar={"horizon_days": 4, "holidays": []},
        workforce={"pressure": {"window_h": 1.0, "sample_min": 5.0}},
    )
    run = replication.simulate(scenario, Streams(6, 0))
    assert run.pressure is not None
    times, pressure = run.pressure
    c = run.contacts
    names = list(run.group_names)
    generalists, team = names.index("generalists"), names.index("enquiry_team")
    answered = c.outcome == ANSWERED
    end = c.end_min + run.wrap_up_min[c.type_code]
    end = np.where(np.isnan(end), run.horizon_min, end)

    def busy(g: int) -> np.ndarray:
        m = answered & (c.group == g)
        return count_at(c.answer_min[m], end[m], times)

    left = np.where(np.isnan(c.answer_min), c.end_min, c.answer_min)
    left = np.where(c.outcome == WAITING, np.inf, left)
    front = c.tier == 1
    enquiry = front & (c.type_code == run.type_names.index("enquiry"))
    waiting_enquiry = count_at(c.arrival_min[enquiry], left[enquiry], times)
    waiting_other = count_at(c.arrival_min[front & ~enquiry], left[front & ~enquiry], times)
    present = {g: step_at(*run.group_present[g], times) for g in (generalists, team)}
    able = present[generalists] + present[team]
    share = {
        g: np.divide(present[g], able, out=np.zeros(len(times)), where=able > 0) for g in present
    }
    work = {
        team: busy(team) + waiting_enquiry * share[team],
        generalists: busy(generalists) + waiting_other + waiting_enquiry * share[generalists],
    }
    keep = math.exp(-5.0 / 60.0)
    for g in (generalists, team):
        expected, p = [], 0.0
        for w, n in zip(work[g], present[g], strict=True):
            if n:
                p = w / n + (p - w / n) * keep
            expected.append(p)
        assert np.allclose(pressure[g], expected, atol=1e-9), run.group_names[g]
    assert not np.allclose(pressure[generalists], pressure[team])


EVERY_MECHANISM = {
    "pressure": {"window_h": 1.0, "sample_min": 5.0},
    "cutting_corners": {"onset_pressure": 0.8, "handle_time_floor": 0.7},
    "erosion": {"down_h": 12.0, "up_h": 48.0},
    "absence": {"mean_share": 0.1, "day_cv": 0.5},
    "overtime": {"queue_per_agent_above": 0.5, "willing_share": 0.5, "max_extension_min": 60},
    "fatigue": {"build_h": 8.0, "recover_h": 12.0, "slowdown_at_full_fatigue": 0.2},
    "satisfaction": {"memory_days": 2.0},
    "attrition": {
        "annual_rate": 0.95,
        "satisfaction_effect": 10.0,
        "fatigue_effect": 10.0,
        "hiring_lag_days": 2,
        "learning_days": 3,
    },
}
"""Every workforce mechanism, with time constants short enough to act within the small desk's
days (the figures are not realistic ones)."""


def test_a_desk_with_every_workforce_mechanism_is_unchanged_contact_for_contact() -> None:
    """A recorded digest of every contact's record and of everything the meter and the staff
    recorded (pressure, standards, contacts cut short, fatigue, satisfaction, staff, hires,
    leavers), so that a change meant to be exact (a faster meter, say) is checked to be.
    Recorded 4 December 2026, NumPy 2.4."""
    if not np.__version__.startswith("2.4."):
        pytest.skip(f"digest recorded with NumPy 2.4, this is {np.__version__}")
    from tests.model.test_agent_groups import digest

    run = replication.simulate(
        busy_desk(calendar={"horizon_days": 12}, workforce=EVERY_MECHANISM), Streams(5, 1)
    )
    assert run.pressure is not None and run.standard is not None and run.staff is not None
    assert len(run.cut[0]) and sum(h.sum() for h in run.staff.hires), "a mechanism is idle"
    h = hashlib.sha256(digest(run).encode())
    staff = run.staff
    for part in (
        run.pressure[0],
        *run.pressure[1],
        *run.standard,
        *run.cut,
        *staff.fatigue,
        *staff.satisfaction,
        staff.day,
        *staff.staff,
        *staff.leavers,
        *staff.hires,
        *staff.new_hire_handle,
    ):
        h.update(np.ascontiguousarray(part).tobytes())
    assert h.hexdigest()[:20] == "cd28c32c1ee40def759a"
