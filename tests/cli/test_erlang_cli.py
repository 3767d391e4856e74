"""``python -m sim erlang``: the calculator's values, and the simulation agreeing with them.

The expected Erlang C values are computed here from the textbook formula with exact fractions,
independently of :mod:`sim.queueing`. With ``--simulate`` every analytic value must lie inside the
simulated 95% confidence interval the command prints (CLI defaults: 10 replications of 50,000
calls, seed 1). There are 5 desks x 4 measures = 20 comparisons; a correct simulator misses a 95%
interval one time in twenty, so a single miss can be chance: check for a bias by re-running that
desk with more calls and other seeds before changing anything (``tests/model`` tests the engine
at a Bonferroni-corrected level, at 5 and 50 agents in ``make test``). ``make test`` runs the
5-agent desk through the command, the shortest; the four 50-agent desks (10 s each) run with
``make test-long``. The family level stays that of all five desks whichever run.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction

import pytest
from scipy import stats

from tests.cli.test_cli import assert_bad_input, sim

MEASURES = ("p_wait", "asa_s", "service_level", "p_abandon")


def erlang_c_reference(
    arrivals_per_h: str, agents: int, aht_min: str, sl_s: float
) -> dict[str, float]:
    """Erlang C (M/M/n) from the textbook formula; load and P(wait) as exact fractions.

    P(wait) = (A^n/n! · n/(n−A)) / (Σ_{k<n} A^k/k! + A^n/n! · n/(n−A)), A = λ·AHT;
    ASA = P(wait) · AHT / (n − A); service level = 1 − P(wait) · exp(−(n − A) · T / AHT).
    """
    load = Fraction(arrivals_per_h) / 60 * Fraction(aht_min)
    assert load < agents
    queued = load**agents / math.factorial(agents) * agents / (agents - load)
    idle = sum(load**k / math.factorial(k) for k in range(agents))
    p_wait = queued / (idle + queued)
    aht_s = Fraction(aht_min) * 60
    return {
        "p_wait": float(p_wait),
        "asa_s": float(p_wait * aht_s / (agents - load)),
        "service_level": 1.0 - float(p_wait) * math.exp(-float((agents - load) / aht_s) * sl_s),
        "p_abandon": 0.0,
    }


def erlang_json(*args: str) -> dict:
    result = sim("erlang", *args, "--json")
    assert result.returncode == 0, result
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def test_reference_formula_textbook_value() -> None:
    """10 Erlangs on 11 agents: P(wait) = 0.6821 in published Erlang C tables."""
    assert erlang_c_reference("200", 11, "3", 20)["p_wait"] == pytest.approx(0.6821, abs=5e-5)


@pytest.mark.parametrize(
    ("arrivals_per_h", "agents", "aht_min", "sl_s"),
    [("200", 11, "3", 20), ("540", 50, "5", 30), ("1000", 100, "4.5", 10)],
)
def test_erlang_c_analytic(arrivals_per_h: str, agents: int, aht_min: str, sl_s: float) -> None:
    args = ["--arrivals-per-h", arrivals_per_h, "--agents", str(agents), "--aht-min", aht_min]
    payload = erlang_json(*args, "--sl-seconds", str(sl_s))
    assert set(payload) == {"analytic"}
    assert set(payload["analytic"]) == set(MEASURES)
    expected = erlang_c_reference(arrivals_per_h, agents, aht_min, sl_s)
    for measure in MEASURES:
        assert payload["analytic"][measure] == pytest.approx(expected[measure], rel=1e-9), measure


def test_erlang_table_output() -> None:
    result = sim("erlang", "--arrivals-per-h", "200", "--agents", "11", "--aht-min", "3")
    assert result.returncode == 0, result
    out = result.stdout
    assert "Erlang C (M/M/n)" in out and "offered load 10.00 Erl" in out
    assert "Service level = answered within 20 s" in out
    assert "68.2%" in out  # P(wait)
    assert "122.78" in out  # ASA = 0.68212 · 180 s / (11 − 10)


# (agents, load per agent, mean patience in minutes or None); AHT 5 min, so arrivals/h =
# agents · load · 12.
#
# The CLI prints 95% intervals (10 replications, Student t with 9 degrees of freedom). Checking 20
# of them at once, a correct simulator misses one by chance with probability 1 − 0.95^20 ≈ 64%.
# The family is therefore judged at a Bonferroni-corrected level (5% chance of any false alarm):
# each printed interval is rescaled from t(0.975, 9) to t(1 − 0.025/20, 9).
AGREEMENT = [
    (50, 0.7, None),
    (50, 0.9, None),
    (50, 0.9, 10.0),
    (50, 1.1, 10.0),
    (5, 0.9, 10.0),
]
LONG_AGREEMENT = {case for case in AGREEMENT if case[0] == 50}
"""The 50-agent desks (10 s each), run by ``make test-long``: ``tests/model`` checks the engine on
the same desks in ``make test``, and the 5-agent desk checks the command's intervals."""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("agents", "load", "patience"),
    [pytest.param(*c, marks=pytest.mark.long) if c in LONG_AGREEMENT else c for c in AGREEMENT],
    ids=[f"n{n}-rho{load}-{'C' if p is None else f'A{p:g}'}" for n, load, p in AGREEMENT],
)
def test_simulation_agrees_with_analytic(agents: int, load: float, patience: float | None) -> None:
    args = [
        "--agents",
        str(agents),
        "--aht-min",
        "5",
        "--arrivals-per-h",
        f"{agents * load * 12:g}",
    ]
    if patience is not None:
        args += ["--patience-min", f"{patience:g}"]
    # One worker process per call: pytest -n 2 already keeps both cores busy (the results do not
    # depend on the number of workers).
    payload = erlang_json(*args, "--simulate", "--workers", "1")
    assert payload["contacts_simulated"] >= 10 * 50_000
    comparisons = len(AGREEMENT) * len(MEASURES)
    widen = stats.t.ppf(1 - 0.025 / comparisons, 9) / stats.t.ppf(0.975, 9)
    misses = []
    for measure in MEASURES:
        value = payload["analytic"][measure]
        ci = payload["simulated"][measure]
        assert set(ci) == {"mean", "ci_low", "ci_high"}
        assert ci["ci_low"] <= ci["mean"] <= ci["ci_high"]
        # Intervals are cut at 0 and 1; the wider side is the uncut half-width.
        half = max(ci["mean"] - ci["ci_low"], ci["ci_high"] - ci["mean"]) * widen
        if not ci["mean"] - half <= value <= ci["mean"] + half:
            misses.append(
                f"{measure}: analytic {value:.6g} outside simulated {ci['mean']:.6g} ± "
                f"{half:.3g} (family-wise level; printed 95% CI [{ci['ci_low']:.6g}, "
                f"{ci['ci_high']:.6g}])"
            )
    assert not misses, "; ".join(misses)


@pytest.mark.parametrize(
    ("arrivals_per_h", "extra"), [("220", []), ("300", ["--simulate"]), ("300", ["--json"])]
)
def test_unstable_erlang_c(arrivals_per_h: str, extra: list[str]) -> None:
    """Load >= agents without abandonment has no steady state: say so, do not crash."""
    load = int(arrivals_per_h) * 3 / 60
    result = sim(
        "erlang", "--arrivals-per-h", arrivals_per_h, "--agents", "11", "--aht-min", "3", *extra
    )
    message = assert_bad_input(result)
    assert "Erlang C" in message
    assert f"offered load {load:g} Erlangs" in message and "--agents 11" in message
    assert "--patience-min" in message  # the way out: model abandonment (Erlang A)


def test_overloaded_erlang_a_is_fine() -> None:
    """With patience the same overload is a valid Erlang A desk."""
    payload = erlang_json(
        "--arrivals-per-h", "300", "--agents", "11", "--aht-min", "3", "--patience-min", "2"
    )
    assert 0 < payload["analytic"]["p_abandon"] < 1


def test_simulate_impossible_desk() -> None:
    """50,000 calls at 0.01 calls/h would need centuries of simulated time."""
    message = assert_bad_input(
        sim("erlang", "--arrivals-per-h", "0.01", "--agents", "1", "--aht-min", "1", "--simulate")
    )
    assert "--contacts" in message and "horizon_days" in message


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--arrivals-per-h", "-5", "--agents", "1", "--aht-min", "1"], "--arrivals-per-h"),
        (["--arrivals-per-h", "5", "--agents", "0", "--aht-min", "1"], "--agents"),
        (["--arrivals-per-h", "5", "--agents", "1"], "--aht-min"),
    ],
)
def test_bad_arguments(args: list[str], expected: str) -> None:
    message = assert_bad_input(sim("erlang", *args))
    assert expected in message


def test_targets_give_the_fewest_agents_the_analytic_solvers_give() -> None:
    """The calculator's inverse: agents for each target are the analytic solvers' answers, the
    binding one is the largest, one agent fewer misses it, and FTE adds the shrinkage."""
    from sim.queueing import (
        agents_for_abandonment,
        agents_for_asa,
        agents_for_service_level,
        erlang_a_kpis,
    )

    out = erlang_json(
        "--arrivals-per-h",
        "540",
        "--aht-min",
        "5",
        "--patience-min",
        "4",
        "--target-sl",
        "0.8",
        "--target-asa-s",
        "15",
        "--max-abandon",
        "0.03",
        "--shrinkage",
        "0.3",
    )
    rate = 540 / 60
    expected = {
        "service level >= 80% within 20 s": agents_for_service_level(rate, 5, 0.8, 20, 4),
        "ASA <= 15 s": agents_for_asa(rate, 5, 15, 4),
        "abandonment <= 3.0%": agents_for_abandonment(rate, 5, 4, 0.03),
    }
    assert out["staffing"]["needed"] == expected
    agents = out["staffing"]["agents"]
    assert agents == max(expected.values())
    assert out["staffing"]["fte"] == pytest.approx(agents / 0.7)
    fewer = erlang_a_kpis(rate, agents - 1, 5, 4, 20)
    assert fewer.p_abandon > 0.03  # abandonment binds: one agent fewer misses it
    assert out["analytic"]["p_abandon"] <= 0.03


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--agents", "50", "--target-sl", "0.8"], "not both"),
        ([], "give --agents N"),
        (["--max-abandon", "0.05"], "needs callers who hang up"),
        (["--target-sl", "80"], "share between 0 and 1"),
    ],
)
def test_calculator_refuses_unclear_questions(args: list[str], expected: str) -> None:
    message = assert_bad_input(sim("erlang", "--arrivals-per-h", "540", "--aht-min", "5", *args))
    assert expected in message
