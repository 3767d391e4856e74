"""Loading scenario files: ``extends:`` overlays, dotted overrides, and error messages that say
where the problem is (file:line:column or the override), which field, the bad value and what is
allowed."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from pydantic import ValidationError

from sim.scenario.errors import ScenarioError
from sim.scenario.loading import load_scenario, scenario_hash, scenario_to_dict

TINY = textwrap.dedent(
    """\
    name: tiny
    calendar:
      start_date: 2027-01-04
      horizon_days: 2
      opening_hours:
        mon: {open_h: 8, close_h: 10}
    demand:
      profiles:
        p: [1, 2, 2, 1]
      contact_types:
        enquiry:
          channel: phone
          priority: 3
          daily_volume: {mon: 100}
          profile: p
          handle_time: {kind: lognormal, mean_min: 5, cv: 1}
          patience: {kind: exponential, mean_min: 3}
    staffing:
      tier1: {kind: fixed, agents: 5, shrinkage_fraction: 0.1}
      tier2: {kind: fixed, agents: 1}
    """
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in the temporary folder, so messages name files as ``scenario.yaml``."""
    monkeypatch.chdir(tmp_path)


def write(name: str, text: str) -> Path:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def position(text: str, needle: str) -> str:
    """``line:column`` (1-based) where ``needle`` first occurs in ``text``."""
    before = text[: text.index(needle)]
    return f"{before.count(chr(10)) + 1}:{len(before) - before.rfind(chr(10))}"


def problems_of(path: Path | str, overrides: object = ()) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, overrides)  # type: ignore[arg-type]
    return caught.value.problems


# --- the happy path ------------------------------------------------------------------------------


def test_a_valid_file_loads() -> None:
    scenario = load_scenario(write("scenario.yaml", TINY))
    assert scenario.name == "tiny"
    assert scenario.staffing.tier1.agents == 5


# --- extends: ------------------------------------------------------------------------------------


def test_extends_merges_mappings_deeply_and_replaces_lists() -> None:
    write("base.yaml", TINY)
    child = write(
        "child.yaml",
        textwrap.dedent(
            """\
            extends: base.yaml
            name: child
            demand:
              profiles:
                p: [4, 3, 2, 1]
            staffing:
              tier1: {agents: 7}
            """
        ),
    )
    scenario = load_scenario(child)
    assert scenario.name == "child"
    assert scenario.demand.profiles["p"] == [4, 3, 2, 1]  # the list is replaced, not appended
    assert scenario.staffing.tier1.agents == 7
    assert scenario.staffing.tier1.shrinkage_fraction == 0.1  # sibling kept from the base
    assert scenario.demand.contact_types["enquiry"].priority == 3  # untouched branch kept


def test_extends_list_applies_in_order_then_the_file_itself() -> None:
    write("base.yaml", TINY)
    write(
        "busier.yaml", "extends: base.yaml\ndescription: busier\nstaffing: {tier1: {agents: 8}}\n"
    )
    write("cheaper.yaml", "description: cheaper\nstaffing: {tier1: {agents: 4}}\n")
    both = write("both.yaml", "extends: [busier.yaml, cheaper.yaml]\nname: both\n")
    scenario = load_scenario(both)
    assert (scenario.name, scenario.description) == ("both", "cheaper")
    assert scenario.staffing.tier1.agents == 4


def test_extends_path_is_relative_to_the_extending_file(monkeypatch: pytest.MonkeyPatch) -> None:
    write("params/base.yaml", TINY)
    child = write("params/scenarios/child.yaml", "extends: ../base.yaml\nname: child\n").resolve()
    monkeypatch.chdir(write("elsewhere/.keep", "").parent)
    assert load_scenario(child).name == "child"


def test_a_new_kind_replaces_the_old_mapping_instead_of_merging() -> None:
    write("base.yaml", TINY)
    child = write(
        "child.yaml",
        "extends: base.yaml\n"
        "demand: {contact_types: {enquiry: {handle_time: {kind: exponential, mean_min: 4}}}}\n",
    )
    handle = load_scenario(child).demand.contact_types["enquiry"].handle_time
    assert (handle.kind, handle.mean_min) == ("exponential", 4)  # no stray cv from the base


def test_a_mistake_inherited_from_a_base_is_reported_in_the_base() -> None:
    bad = TINY.replace("agents: 5,", "agnts: 5,")
    write("base.yaml", bad)
    child = write("child.yaml", "extends: base.yaml\nname: child\n")
    assert f"base.yaml:{position(bad, 'agnts')}: staffing.tier1.agnts: unknown key" in "\n".join(
        problems_of(child)
    )


def test_extends_cycle_lists_the_chain() -> None:
    write("a.yaml", "extends: b.yaml\n")
    write("b.yaml", "name: b\nextends: a.yaml\n")
    assert problems_of("a.yaml") == ["b.yaml:2:10: extends: cycle a.yaml → b.yaml → a.yaml"]


def test_missing_extends_target_names_the_file_that_refers_to_it() -> None:
    write("child.yaml", "name: child\nextends: nowhere.yaml\n")
    assert problems_of("child.yaml") == ["child.yaml:2:10: extends: nowhere.yaml not found"]


# --- overrides -----------------------------------------------------------------------------------


def test_dotted_overrides_are_read_as_yaml() -> None:
    scenario = load_scenario(
        write("scenario.yaml", TINY),
        [
            "staffing.tier1.agents=42",
            "calendar.holidays=[2027-01-11, 2027-01-18]",
            "staffing.tier2={kind: fixed, agents: 3}",
            "demand.profiles.p.0=5",
        ],
    )
    assert scenario.staffing.tier1.agents == 42
    assert [str(day) for day in scenario.calendar.holidays] == ["2027-01-11", "2027-01-18"]
    assert scenario.staffing.tier2.agents == 3
    assert scenario.demand.profiles["p"] == [5, 2, 2, 1]


def test_a_yaml_boolean_stays_a_boolean() -> None:
    [problem] = problems_of(write("scenario.yaml", TINY), ["description=true"])
    assert problem == (
        "override -p description=true: description: true is not allowed: must be text "
        "(what this scenario represents)"
    )


def test_overrides_may_be_a_mapping() -> None:
    scenario = load_scenario(write("scenario.yaml", TINY), {"staffing.tier1.agents": 9})
    assert scenario.staffing.tier1.agents == 9


def test_overrides_apply_after_extends() -> None:
    write("base.yaml", TINY)
    child = write("child.yaml", "extends: base.yaml\nstaffing: {tier1: {agents: 7}}\n")
    assert load_scenario(child, ["staffing.tier1.agents=11"]).staffing.tier1.agents == 11


def test_an_override_creates_missing_parents() -> None:
    scenario = load_scenario(
        write("scenario.yaml", TINY), ["calendar.opening_hours.sat={open_h: 8, close_h: 10}"]
    )
    assert scenario.calendar.opening_hours.sat is not None


def test_a_path_created_by_an_override_is_still_validated() -> None:
    [problem] = problems_of(write("scenario.yaml", TINY), ["calendar.opening_hours.sun.open_h=9"])
    assert problem == (
        "override -p calendar.opening_hours.sun.open_h=9: calendar.opening_hours.sun.close_h: "
        "required field is missing (closing time, hours after midnight)"
    )


def test_a_bad_override_value_names_the_override() -> None:
    [problem] = problems_of(write("scenario.yaml", TINY), ["staffing.tier1.agents=-1"])
    assert problem == (
        "override -p staffing.tier1.agents=-1: staffing.tier1.agents: -1 is not allowed: "
        "must be >= 0 (agents rostered during opening hours)"
    )


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("staffing", "expected KEY=VALUE"),
        ("demand.profiles.p.9=1", "no item '9' in a list of 4 item(s)"),
        ("name.first=x", "cannot set 'first' inside 'tiny', which is not a mapping"),
        ("staffing..tier1=1", "the dotted key has an empty part"),
        ("calendar.holidays=[2027-01-11", "the value is not valid YAML"),
    ],
)
def test_an_override_that_cannot_apply_is_reported(override: str, message: str) -> None:
    [problem] = problems_of(write("scenario.yaml", TINY), [override])
    assert problem.startswith(f"override -p {override}: ")
    assert message in problem


# --- bad input: every problem says where, which field, the bad value and what is allowed --------

SHIFTS = """tier1:
    kind: shifts
    shifts:
      - {start_h: 7, length_h: 2, days: [mon], agents: 3}"""

BAD_INPUTS = {
    "unknown key, with a suggestion": (
        "agents: 5,",
        "agnts: 5,",
        "agnts",
        "staffing.tier1.agnts: unknown key 'agnts' — did you mean 'agents'? "
        "(allowed: kind, shrinkage_fraction, headcount_scale, headcount_periods, day_parts, "
        "agents)",
    ),
    "wrong type": (
        "agents: 5,",
        "agents: many,",
        "many",
        "staffing.tier1.agents: 'many' is not allowed: must be a whole number "
        "(agents rostered during opening hours)",
    ),
    "value not among the choices": (
        "  horizon_days: 2\n",
        "  horizon_days: 2\n  interval_min: 20\n",
        "20\n",
        "calendar.interval_min: 20 is not allowed: must be one of 15, 30, 60",
    ),
    "fraction out of range": (
        "shrinkage_fraction: 0.1",
        "shrinkage_fraction: 1.5",
        "1.5",
        "staffing.tier1.shrinkage_fraction: 1.5 is not allowed: must be < 1",
    ),
    "negative duration": (
        "mean_min: 5,",
        "mean_min: -3,",
        "-3",
        "demand.contact_types.enquiry.handle_time.mean_min: -3 is not allowed: must be > 0 "
        "(mean duration in minutes)",
    ),
    "zero duration": (
        "mean_min: 3}",
        "mean_min: 0.0}",
        "0.0}",
        "demand.contact_types.enquiry.patience.mean_min: 0 is not allowed: must be > 0",
    ),
    "negative volume": (
        "{mon: 100}",
        "{mon: -5}",
        "-5",
        "demand.contact_types.enquiry.daily_volume.mon: -5 is not allowed: must be >= 0",
    ),
    "unknown kind": (
        "kind: lognormal,",
        "kind: lognormall,",
        "lognormall",
        "demand.contact_types.enquiry.handle_time.kind: unknown kind 'lognormall' — did you mean "
        "'lognormal'? (allowed kinds: exponential, lognormal, fixed, empirical)",
    ),
    "missing kind": (
        "{kind: exponential, mean_min: 3}",
        "{mean_min: 3}",
        "patience",
        "demand.contact_types.enquiry.patience: missing 'kind' (allowed kinds: exponential, "
        "lognormal, fixed, empirical, none)",
    ),
    "missing required field": (
        "      priority: 3\n",
        "",
        "enquiry:",
        "demand.contact_types.enquiry.priority: required field is missing",
    ),
    "text or mapping": (
        "profile: p",
        "profile: 3.5",
        "3.5",
        "demand.contact_types.enquiry.profile: 3.5 is not allowed: must be text or mapping "
        "weekday → text",
    ),
    "profile with the wrong number of intervals": (
        "p: [1, 2, 2, 1]",
        "p: [1, 2, 2]",
        "p: [",
        "demand.profiles.p has 3 values but mon (08:00–10:00) has 4 intervals of 30 min",
    ),
    "shift outside the opening hours": (
        "tier1: {kind: fixed, agents: 5, shrinkage_fraction: 0.1}",
        SHIFTS,
        "{start_h",
        "staffing.tier1.shifts.0: 07:00–09:00 on mon is outside the opening hours 08:00–10:00",
    ),
    "shifts leaving part of the opening hours uncovered": (
        "tier1: {kind: fixed, agents: 5, shrinkage_fraction: 0.1}",
        """tier1:
    kind: shifts
    shifts:
      - {start_h: 8, length_h: 0.5, days: [mon], agents: 3}
      - {start_h: 9, length_h: 1, days: [mon], agents: 3}""",
        "shifts:",
        "staffing.tier1.shifts: nobody works mon 08:30–09:00, inside opening hours 08:00–10:00; "
        "add a shift, or set allow_gaps: true if the desk is meant to be unstaffed then",
    ),
    "the same shift twice": (
        "tier1: {kind: fixed, agents: 5, shrinkage_fraction: 0.1}",
        """tier1:
    kind: shifts
    shifts:
      - {start_h: 8, length_h: 2, days: [mon], agents: 3}
      - {start_h: 8, length_h: 2, days: [mon], agents: 2}""",
        "{start_h: 8, length_h: 2, days: [mon], agents: 2}",
        "staffing.tier1.shifts.1: the same shift as shifts.0 (start 08:00, 2 h, same days and "
        "breaks); merge them into one entry with agents: 5",
    ),
    "overlapping breaks": (
        "tier1: {kind: fixed, agents: 5, shrinkage_fraction: 0.1}",
        """tier1:
    kind: shifts
    shifts:
      - start_h: 8
        length_h: 2
        days: [mon]
        agents: 3
        breaks: [{after_h: 0.5, length_min: 30}, {after_h: 0.75, length_min: 10}]""",
        "{after_h: 0.75",
        "staffing.tier1.shifts.0.breaks.1 (after 0.75 h) starts before breaks.0 (after 0.5 h, "
        "30 min) ends: the agents cannot take two breaks at once",
    ),
    "closing before opening": (
        "close_h: 10}",
        "close_h: 7}",
        "close_h: 7",
        "calendar.opening_hours.mon.close_h (7.0) must be later than open_h (8.0)",
    ),
    "open for less than one planning interval": (
        "close_h: 10}",
        "close_h: 8.0000000001}",
        "mon: {open_h",
        "calendar.opening_hours.mon (8.0–8.0000000001 h) is shorter than one 30-minute planning "
        "interval",
    ),
    "a key that must be a whole number": (
        "  profiles:\n",
        "  patience_factor_by_queue_ahead: {0: 1.0, many: 0.5}\n  profiles:\n",
        "many",
        "demand.patience_factor_by_queue_ahead.many: key 'many' is not allowed: keys are whole "
        "numbers from 0 to 10000",
    ),
    "a rule of the model": (
        "channel: phone",
        "channel: email",
        "enquiry:",
        "demand.contact_types.enquiry: email contacts do not abandon: set patience to {kind: none}",
    ),
}


@pytest.mark.parametrize(("old", "new", "at", "expected"), BAD_INPUTS.values(), ids=BAD_INPUTS)
def test_bad_input_is_reported_with_position_path_value_and_rule(
    old: str, new: str, at: str, expected: str
) -> None:
    assert old in TINY
    text = TINY.replace(old, new)
    problems = problems_of(write("scenario.yaml", text))
    prefix = f"scenario.yaml:{position(text, at)}: {expected}"
    assert any(problem.startswith(prefix) for problem in problems), problems


SHIFT_COVER = """tier1:
    kind: shifts
    shifts:
      - {start_h: 8, length_h: 1.5, days: [mon], agents: 3, breaks: [{after_h: 1, length_min: 15}]}
      - {start_h: 8.5, length_h: 1.5, days: [mon], agents: 2}"""


def test_staggered_shifts_with_breaks_cover_the_opening_hours() -> None:
    """Shifts may overlap, and a break inside a shift is not a gap."""
    text = TINY.replace("tier1: {kind: fixed, agents: 5, shrinkage_fraction: 0.1}", SHIFT_COVER)
    assert load_scenario(write("scenario.yaml", text)).staffing.tier1.allow_gaps is False


def test_a_gap_is_accepted_when_the_roster_allows_gaps() -> None:
    """08:00–09:30 (a break 09:00–09:15) and 09:15–09:45 leave 09:45–10:00 to nobody."""
    roster = SHIFT_COVER.replace("start_h: 8.5, length_h: 1.5", "start_h: 9.25, length_h: 0.5")
    gap = TINY.replace("tier1: {kind: fixed, agents: 5, shrinkage_fraction: 0.1}", roster)
    [problem] = problems_of(write("scenario.yaml", gap))
    assert "staffing.tier1.shifts: nobody works mon 09:45–10:00, inside opening hours" in problem
    allowed = gap.replace("kind: shifts", "kind: shifts\n    allow_gaps: true")
    assert load_scenario(write("allowed.yaml", allowed)).staffing.tier1.allow_gaps


def test_validation_errors_are_a_scenario_error_not_pydantics() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write("scenario.yaml", TINY.replace("agents: 5,", "agents: many,")))
    assert not isinstance(caught.value, ValidationError)
    assert caught.value.__suppress_context__
    assert caught.value.file == Path("scenario.yaml")
    assert "Value error" not in str(caught.value)
    assert "pydantic" not in str(caught.value)


def test_every_problem_is_reported_at_once_one_line_each() -> None:
    text = TINY.replace("agents: 5,", "agnts: 5,").replace("mean_min: 5,", "mean_min: -3,")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write("scenario.yaml", text))
    assert len(caught.value.problems) == 3  # unknown agnts, missing agents, negative mean_min
    assert str(caught.value).splitlines() == caught.value.problems


def test_duplicate_keys_are_reported() -> None:
    text = TINY.replace("priority: 3\n", "priority: 3\n      priority: 2\n")
    [problem] = problems_of(write("scenario.yaml", text))
    assert problem.startswith(
        f"scenario.yaml:{position(text, 'priority: 2')}: "
        "demand.contact_types.enquiry.priority: duplicate key 'priority' "
        f"(first given at {position(text, 'priority: 3')}"
    )


# --- files that cannot be read at all ------------------------------------------------------------


def test_missing_file() -> None:
    assert problems_of("nowhere.yaml") == ["nowhere.yaml: not found"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: [tiny\n", r"^scenario\.yaml:2:1: malformed YAML: expected ',' or ']'"),
        (
            "name: tiny\ncalendar:\n\tstart_date: 2027-01-04\n",
            r"^scenario\.yaml:3:1: malformed YAML: .*'\\t'",
        ),
        (
            "name: tiny\ncalendar: {start_date: 2027-02-30}\n",
            r"^scenario\.yaml:2:24: malformed YAML: '2027-02-30'",
        ),
    ],
    ids=["unclosed bracket", "tab indent", "impossible date"],
)
def test_malformed_yaml_gives_the_parsers_line_and_column(text: str, expected: str) -> None:
    [problem] = problems_of(write("scenario.yaml", text))
    assert re.search(expected, problem), problem


def test_a_byte_order_mark_is_ignored() -> None:
    """Some editors start a UTF-8 file with one."""
    assert load_scenario(write("bom.yaml", "\ufeff" + TINY)).name == "tiny"


@pytest.mark.parametrize(
    ("text", "got"),
    [("- a\n- b\n", "a list"), ("", "an empty file"), ("root:x:0:0 secret\n", "a single value")],
)
def test_the_top_level_must_be_a_mapping(text: str, got: str) -> None:
    """Without quoting the file: it may be anything (a password file, say)."""
    [problem] = problems_of(write("scenario.yaml", text))
    assert problem.startswith("scenario.yaml:1:1: expected a mapping of scenario sections (name, ")
    assert problem.endswith(f"got {got}")


# --- manifests -----------------------------------------------------------------------------------


def test_scenario_dict_is_json_safe_and_the_hash_follows_the_content() -> None:
    path = write("scenario.yaml", TINY)
    scenario = load_scenario(path)
    data = scenario_to_dict(scenario)
    assert json.loads(json.dumps(data)) == data
    assert data["calendar"]["start_date"] == "2027-01-04"
    assert re.fullmatch(r"[0-9a-f]{16}", scenario_hash(scenario))
    assert scenario_hash(load_scenario(path)) == scenario_hash(scenario)
    assert scenario_hash(load_scenario(path, ["staffing.tier1.agents=6"])) != scenario_hash(
        scenario
    )


def test_overlay_files_are_laid_in_order_each_once() -> None:
    """Two overlays that both extend the same base: the base is laid once, then each overlay, so
    the second does not undo the first."""
    base = write("base.yaml", TINY)
    write("more.yaml", "extends: base.yaml\nstaffing:\n  tier1: {kind: fixed, agents: 9}\n")
    write("slower.yaml", "extends: base.yaml\nservice_level: {threshold_s: 30}\n")
    scenario = load_scenario(
        base, overlays=[base.parent / "more.yaml", base.parent / "slower.yaml"]
    )
    assert scenario.staffing.tier1.agents == 9
    assert scenario.service_level.threshold_s == 30


def test_a_word_of_mouth_no_distribution_can_give_is_refused_when_loaded() -> None:
    """Ten people told on average cannot come with a third telling twenty or more: the file is
    refused at the field, with the range that is possible, not at the start of a run."""
    baseline = Path(__file__).resolve().parents[2] / "params" / "baseline.yaml"
    [problem] = problems_of(baseline, ["customers.word_of_mouth.tells_at_least_20_share=0.33"])
    assert (
        "customers.word_of_mouth: a mean of 10 people told cannot give 33.0% telling 20" in problem
    )
    assert "(possible: 0.2% to 16.5%)" in problem


def test_a_churn_share_of_one_is_refused() -> None:
    """A share of 1 leaving in a year is an infinite hazard (every customer gone at once, the
    reasons' odds undefined): refused, not simulated with infinities."""
    baseline = Path(__file__).resolve().parents[2] / "params" / "baseline.yaml"
    [problem] = problems_of(baseline, ["customers.churn.price=1.0"])
    assert problem.endswith(
        "customers.churn.price: 1 is not allowed: must be < 1 (share leaving in a year: finds a "
        "lower price)"
    )
