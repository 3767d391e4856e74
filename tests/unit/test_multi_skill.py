"""Tests for sim.queueing.multi_skill: the multi-skill desk's chain against Erlang A, B and C where
it reduces to them, against its own conservation laws, and in the limits of a two-group overflow
desk that can be checked by hand."""

import dataclasses
import math

import pytest

from sim.queueing import (
    MultiSkillDesk,
    QueueKpis,
    TypeKpis,
    erlang_a_kpis,
    erlang_b,
    erlang_c_kpis,
    solve_multi_skill,
    sparse_chain,
)

SL_S = 20.0
SL_MIN = SL_S / 60.0


def single(lam: float, n: int, handle: float, theta: float) -> MultiSkillDesk:
    return MultiSkillDesk(
        arrival_rate_per_min={"a": lam},
        abandon_rate_per_min={"a": theta},
        agents={"g": n},
        handle_min={"a": {"g": handle}},
        route={"a": ["g"]},
        serve_order={"g": ["a"]},
    )


def overflow(
    specialists: int = 4,
    generalists: int = 8,
    rate_a: float = 2.0,
    rate_b: float = 1.5,
    theta_a: float = 0.2,
    theta_b: float = 0.1,
) -> MultiSkillDesk:
    """Type A tries specialists, then generalists; B only generalists, who take B first."""
    return MultiSkillDesk(
        arrival_rate_per_min={"A": rate_a, "B": rate_b},
        abandon_rate_per_min={"A": theta_a, "B": theta_b},
        agents={"spec": specialists, "gen": generalists},
        handle_min={"A": {"spec": 3.0, "gen": 4.0}, "B": {"gen": 5.0}},
        route={"A": ["spec", "gen"], "B": ["gen"]},
        serve_order={"spec": ["A"], "gen": ["B", "A"]},
    )


def assert_matches_erlang(kpis: TypeKpis, erlang: QueueKpis, rel: float = 1e-6) -> None:
    assert kpis.p_wait == pytest.approx(erlang.p_wait, rel=rel)
    assert kpis.p_abandon == pytest.approx(erlang.p_abandon, rel=rel, abs=1e-15)
    assert kpis.asa_min == pytest.approx(erlang.asa_min, rel=rel)
    assert kpis.service_level == pytest.approx(erlang.service_level, rel=rel)
    assert kpis.mean_queue_length == pytest.approx(erlang.mean_queue_length, rel=rel)
    assert kpis.mean_wait_min == pytest.approx(erlang.mean_wait_min, rel=rel)


@pytest.mark.parametrize(
    ("lam", "n", "handle", "patience"),
    [(1.0, 5, 4.0, 5.0), (2.0, 10, 4.5, 2.0), (3.0, 10, 4.0, 10.0), (4.0, 6, 3.0, 3.0)],
    ids=["load 0.8", "load 0.9", "overload 1.2", "overload 2"],
)
def test_one_group_one_type_is_erlang_a(lam: float, n: int, handle: float, patience: float) -> None:
    result = solve_multi_skill(single(lam, n, handle, 1.0 / patience), sl_threshold_min=SL_MIN)
    erlang = erlang_a_kpis(lam, n, handle, patience, SL_S)
    assert_matches_erlang(result.types["a"], erlang)
    assert result.occupancy["g"] == pytest.approx(erlang.occupancy, rel=1e-6)
    assert result.types["a"].served_share == {"g": 1.0}


@pytest.mark.parametrize(("lam", "n", "handle"), [(1.0, 5, 4.0), (2.0, 10, 4.5)])
def test_patient_callers_give_erlang_c(lam: float, n: int, handle: float) -> None:
    result = solve_multi_skill(single(lam, n, handle, 0.0), sl_threshold_min=SL_MIN)
    kpis = result.types["a"]
    assert_matches_erlang(kpis, erlang_c_kpis(lam, n, handle, SL_S))
    assert kpis.p_abandon == 0.0
    assert kpis.p_blocked < 1e-9


def test_disjoint_groups_are_two_independent_erlang_a_desks() -> None:
    desk = MultiSkillDesk(
        arrival_rate_per_min={"sales": 2.0, "support": 1.2},
        abandon_rate_per_min={"sales": 0.25, "support": 0.5},
        agents={"sellers": 9, "fixers": 5},
        handle_min={"sales": {"sellers": 4.0}, "support": {"fixers": 4.5}},
        route={"sales": ["sellers"], "support": ["fixers"]},
        serve_order={"sellers": ["sales"], "fixers": ["support"]},
    )
    result = solve_multi_skill(desk, sl_threshold_min=SL_MIN)
    for k, g in (("sales", "sellers"), ("support", "fixers")):
        lam, theta = desk.arrival_rate_per_min[k], desk.abandon_rate_per_min[k]
        erlang = erlang_a_kpis(lam, desk.agents[g], desk.handle_min[k][g], 1 / theta, SL_S)
        assert_matches_erlang(result.types[k], erlang)
        assert result.occupancy[g] == pytest.approx(erlang.occupancy, rel=1e-6)


def test_flows_balance_for_each_type_and_group() -> None:
    """Accepted = served + abandoned per type; occupancy = served x handle time / agents."""
    desk = overflow(specialists=3, generalists=6, rate_a=1.8, rate_b=1.2)
    result = solve_multi_skill(desk)
    assert result.residual < 1e-12
    busy = dict.fromkeys(desk.agents, 0.0)
    for k, kpis in result.types.items():
        lam = desk.arrival_rate_per_min[k]
        accepted = lam * (1.0 - kpis.p_blocked)
        abandoned = lam * kpis.p_abandon
        assert sum(kpis.served_per_min.values()) + abandoned == pytest.approx(accepted, rel=1e-9)
        assert sum(kpis.served_share.values()) == pytest.approx(1.0, rel=1e-12)
        assert kpis.mean_queue_length == pytest.approx(accepted * kpis.mean_wait_min, rel=1e-12)
        for g, served in kpis.served_per_min.items():
            busy[g] += served * desk.handle_min[k][g]
    for g, n in desk.agents.items():
        assert result.occupancy[g] == pytest.approx(busy[g] / n, rel=1e-9)


def test_answer_times_agree_with_littles_law_when_nobody_abandons() -> None:
    """Without abandonment every contact is answered, so the tagged contact's ASA is the mean
    wait Little's law gives, type by type, overflow and all."""
    desk = overflow(specialists=2, generalists=3, rate_a=0.6, rate_b=0.3, theta_a=0.0, theta_b=0.0)
    result = solve_multi_skill(desk, sl_threshold_min=SL_MIN)
    for kpis in result.types.values():
        assert kpis.p_wait > 0.1
        assert kpis.asa_min == pytest.approx(kpis.mean_wait_min, rel=1e-6)


def test_service_level_runs_from_immediate_answers_to_all_answered() -> None:
    desk = overflow(specialists=2, generalists=3, rate_a=1.2, rate_b=0.8)
    at_once = solve_multi_skill(desk, sl_threshold_min=0.0)
    eventually = solve_multi_skill(desk, sl_threshold_min=60.0)  # waits beyond: below 1e-8
    for k, kpis in at_once.types.items():
        assert kpis.service_level == pytest.approx(1.0 - kpis.p_wait, rel=1e-9)
        late = eventually.types[k]
        answered = 1.0 - late.p_abandon - late.p_blocked
        assert late.service_level == pytest.approx(answered, rel=1e-6)
        assert at_once.types[k].asa_min == pytest.approx(late.asa_min, rel=1e-12)


def test_another_generalist_lowers_every_types_wait_and_abandonment() -> None:
    before = solve_multi_skill(overflow(generalists=7))
    after = solve_multi_skill(overflow(generalists=8))
    for k in before.types:
        assert after.types[k].p_wait < before.types[k].p_wait
        assert after.types[k].p_abandon < before.types[k].p_abandon
        assert after.types[k].mean_wait_min < before.types[k].mean_wait_min


def test_with_plenty_of_generalists_specialists_are_an_erlang_b_loss_system() -> None:
    """Generalists never all busy: nothing waits, and type A overflows exactly when it finds every
    specialist busy, Erlang B of the specialists with A's load."""
    desk = overflow(specialists=4, generalists=40)
    result = solve_multi_skill(desk)
    a, b = result.types["A"], result.types["B"]
    assert a.p_abandon < 1e-9 and b.p_abandon < 1e-9
    assert a.p_wait < 1e-8 and b.p_wait < 1e-8
    overflowed = erlang_b(4, desk.arrival_rate_per_min["A"] * desk.handle_min["A"]["spec"])
    assert a.served_share["gen"] == pytest.approx(overflowed, rel=1e-6)
    assert result.occupancy["spec"] == pytest.approx(
        desk.arrival_rate_per_min["A"] * 3.0 * (1 - overflowed) / 4, rel=1e-6
    )


def test_with_plenty_of_specialists_type_b_has_the_generalists_to_itself() -> None:
    desk = overflow(specialists=30, generalists=6, rate_b=1.4)
    result = solve_multi_skill(desk, sl_threshold_min=SL_MIN)
    assert result.types["A"].served_share["spec"] == pytest.approx(1.0, abs=1e-9)
    erlang = erlang_a_kpis(1.4, 6, 5.0, 1 / 0.1, SL_S)
    assert_matches_erlang(result.types["B"], erlang)


def test_queues_are_truncated_below_the_blocking_target() -> None:
    result = solve_multi_skill(overflow(specialists=2, generalists=3, rate_a=3.0, rate_b=2.0))
    for kpis in result.types.values():
        assert kpis.p_wait > 0.9  # overloaded: long queues
        assert kpis.p_blocked < 1e-9
        assert kpis.queue_capacity > 16  # lengthened from the first try
    tighter = solve_multi_skill(single(3.0, 10, 4.0, 0.1), max_blocking=1e-14)
    looser = solve_multi_skill(single(3.0, 10, 4.0, 0.1), max_blocking=1e-6)
    assert tighter.types["a"].queue_capacity > looser.types["a"].queue_capacity
    assert tighter.types["a"].p_blocked < 1e-14


def test_a_chain_over_the_state_limit_is_refused() -> None:
    with pytest.raises(ValueError, match=r"would need [\d,]+ states .* limit of 1,000"):
        solve_multi_skill(overflow(), max_states=1_000)


def test_an_unstable_type_that_never_abandons_is_refused() -> None:
    with pytest.raises(ValueError, match="'a' never abandons and its queue grows without bound"):
        solve_multi_skill(single(3.0, 10, 4.0, 0.0))


def good() -> dict:
    return {f.name: getattr(overflow(), f.name) for f in dataclasses.fields(MultiSkillDesk)}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("arrival_rate_per_min", {"A": 0.0, "B": 1.0}, r"arrival_rate_per_min\['A'\] must be"),
        ("arrival_rate_per_min", {}, "at least one contact type"),
        ("abandon_rate_per_min", {"A": -1.0, "B": 0.1}, "must be a finite number >= 0"),
        ("abandon_rate_per_min", {"A": 0.1}, "no entry for contact type 'B'"),
        ("agents", {"spec": 0, "gen": 3}, r"agents\['spec'\] must be an integer >= 1"),
        ("agents", {"spec": 2.5, "gen": 3}, "must be an integer"),
        ("handle_min", {"A": {"spec": 3.0, "gen": 4.0}, "B": {"gen": math.inf}}, "positive"),
        ("handle_min", {"C": {"gen": 1.0}}, "'C', which is not one of the contact types"),
        ("route", {"A": ["spec", "gen"], "B": ["spec"]}, "no handle_min for 'B'"),
        (
            "route",
            {"A": ["spec", "gen"], "B": ["nobody"]},
            "'nobody', which is not one of the agent groups",
        ),
        ("route", {"A": ["spec", "spec"], "B": ["gen"]}, "twice"),
        ("route", {"A": [], "B": ["gen"]}, "non-empty list"),
        ("route", {"A": ["spec"], "B": ["gen"]}, "serve_order\\['gen'\\] names 'A' but route"),
        ("serve_order", {"spec": ["A"], "gen": ["B"]}, "does not name 'A'"),
        ("serve_order", {"spec": ["A"]}, "no entry for agent group 'gen'"),
    ],
)
def test_bad_desks_are_refused_with_a_clear_message(
    field: str, value: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        MultiSkillDesk(**(good() | {field: value}))


def test_a_skill_outside_the_route_is_refused() -> None:
    desk = good() | {"handle_min": {"A": {"spec": 3.0, "gen": 4.0}, "B": {"gen": 5.0, "spec": 6.0}}}
    with pytest.raises(ValueError, match=r"handle_min\['B'\]\['spec'\] is given but route"):
        MultiSkillDesk(**desk)


def test_large_chains_solved_iteratively_agree_with_the_direct_solve(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above a size, systems go to incomplete-LU-preconditioned GMRES instead of sparse LU."""
    desk = overflow(specialists=2, generalists=3, rate_a=1.2, rate_b=0.8)
    direct = solve_multi_skill(desk, sl_threshold_min=SL_MIN)
    monkeypatch.setattr(sparse_chain, "DIRECT_STATES", 100)
    iterative = solve_multi_skill(desk, sl_threshold_min=SL_MIN)
    assert iterative.states == direct.states > 100
    assert iterative.residual < 1e-12
    for k, kpis in direct.types.items():
        for name in ("p_wait", "p_abandon", "mean_wait_min", "asa_min", "service_level"):
            assert getattr(iterative.types[k], name) == pytest.approx(getattr(kpis, name), rel=1e-8)
