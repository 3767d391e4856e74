"""The notebook templates: each runs headless under papermill with tiny parameters and writes its
charts; its parameters cell is what papermill sees, with simple default values; the notebooks in
git carry no outputs and match their jupytext text versions."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jupytext
import nbformat
import papermill
import pytest
from matplotlib.figure import Figure

import sim
from sim.experiments.templates import NOTEBOOKS, start_kernel, template_parameters
from tests.cli.test_erlang_cli import erlang_json

ROOT = NOTEBOOKS.parent
TEMPLATES = (
    "00_scenario",
    "01_explore",
    "02_staffing_policies",
    "03_recovery_policies",
    "04_sweep_report",
    "05_validation",
    "06_calibrate_and_validate",
    "07_sensitivity",
    "08_rosters",
    "09_workforce",
)
TINY = {
    "calendar.horizon_days": 3,
    "customers.accounts": 2000,
    "customers.warm_start.burn_in_days": 0,
}
SIMPLE = (str, int, float, bool, type(None), dict, list)
LONG_TEMPLATES = {"06_calibrate_and_validate"}
"""Templates executed with ``make test-long``: 06 calibrates on a month of the bank's log and
re-simulates the next (about 40 s even with tiny parameters); its steps are checked in
``make test`` by the ``calibrate``, ``forecast`` and ``validate-log`` tests."""

EXPECTED_CHARTS = {
    "01_explore": [
        "explore_intraday_service_level",
        "explore_intraday_staffing",
        "explore_complaint_funnel",
    ],
    "02_staffing_policies": [
        "staffing_intraday_service_level",
        "staffing_intraday_roster",
        "staffing_cost_vs_service_level",
        "staffing_paired_differences",
    ],
    "03_recovery_policies": [
        "recovery_complaint_funnel",
        "recovery_funnel_outcomes",
        "recovery_retention_curve",
        "recovery_defections_by_reason",
        "recovery_net_value",
        "recovery_paired_differences",
        "agents_vs_recovery_net_value",
    ],
    "04_sweep_report": ["sweep_heatmap", "sweep_pareto"],
    "05_validation": ["validation_erlang", "validation_checks", "validation_multi_skill"],
    "06_calibrate_and_validate": ["forecast", "modes_abandon_rate"],
    "07_sensitivity": [
        "sensitivity_morris_service_defections",
        "sensitivity_sobol_net_value",
        "sensitivity_policy_wins",
        "sensitivity_morris_difference",
    ],
    "08_rosters": [
        "rosters_coverage",
        "rosters_interval_service_level",
        "rosters_heatmap",
        "rosters_search_frontier",
    ],
    "09_workforce": [
        "workforce_pressure_and_quality",
        "workforce_staff_over_time",
        "workforce_erosion_trap",
    ],
}
CHART_FOLDERS = {"01_explore": "scenario-*/charts/"}
"""Where a template writes its charts, if not in its output folder (a pattern)."""
EXPECTED_FILES = {
    "00_scenario": ["manifest.json", "summary.parquet", "intervals.parquet"],
    "01_explore": ["scenario-*/manifest.json", "scenario-*/summary.parquet"],
    "02_staffing_policies": ["staffing_differences.csv"],
    "03_recovery_policies": ["recovery_differences.csv", "agents_vs_recovery_differences.csv"],
    "04_sweep_report": ["sweep_best_points.csv"],
    "05_validation": [
        "erlang_agreement.csv",
        "conservation.csv",
        "littles_law.csv",
        "multi_skill_agreement.csv",
        "channel_agreement.csv",
    ],
    "06_calibrate_and_validate": ["forecast.csv", "forecast_scores.csv", "modes.csv"],
    "07_sensitivity": ["sensitivity_policy_wins.csv", "sensitivity_ranking.csv"],
    "08_rosters": [
        "roster_correction.csv",
        "roster_schedule.csv",
        "optimise_choices.csv",
        "optimise/retention/candidates.csv",
    ],
    "09_workforce": [
        "workforce_differences.csv",
        "runs/cut_and_restore/workforce_daily.parquet",
        "runs/cut_no_erosion/workforce_daily.parquet",
    ],
}
TINY_PARAMETERS: dict[str, dict[str, Any]] = {
    "00_scenario": {"overrides": TINY, "replications": 2, "workers": 1, "write_contacts": False},
    "01_explore": {"overrides": TINY, "replications": 2},
    "02_staffing_policies": {"overrides": TINY, "replications": 2},
    "03_recovery_policies": {"overrides": TINY, "replications": 2, "max_replications": 3},
    "04_sweep_report": {},
    "05_validation": {
        "overrides": TINY,
        "replications": 2,
        "contacts": 800,
        "occupancies": [0.8, 0.9],
        "multi_skill_contacts": 2000,
        "multi_skill_replications": 2,
    },
    "06_calibrate_and_validate": {
        "log_paths": [str(ROOT / "data" / "anonymous-bank-1999" / "1999-05-may.txt.gz")],
        "holdout_paths": [str(ROOT / "data" / "anonymous-bank-1999" / "1999-06-june.txt.gz")],
        "replications": 2,
        "hour_bands": [20],
        "workers": 1,
    },
    "07_sensitivity": {
        "spec_overrides": {
            "overrides": TINY,
            "morris.trajectories": 2,
            "morris.parameters": [
                "customers.satisfaction.bad_weight",
                "customers.complaints.complain_prob",
                "customers.satisfaction.half_life_days",
            ],
            "sobol.samples": 2,
            "sobol.parameters": [
                "customers.satisfaction.bad_weight",
                "customers.complaints.complain_prob",
            ],
        },
        "workers": 1,
    },
    # a week, so that every weekday is scheduled; a two-candidate search on TINY's 3 days
    "08_rosters": {
        "overrides": {**TINY, "calendar.horizon_days": 7},
        "replications": 2,
        "rounds": 1,
        "optimise_overrides": [
            f"overrides={json.dumps(TINY)}",
            'day_parts=[{"from_h": 8, "to_h": 14, "scales": [0.8, 1.2]}]',
            "recovery=[]",
            "selection.n0=2",
            "selection.max_replications=3",
            "selection.delta=1e9",  # a tie at once: the first stage settles it
        ],
    },
    # TINY replaces its default overrides (26 weeks after a 12-week warm-up); the warm-up must
    # stay shorter than its 3 days whatever the scenario files set
    "09_workforce": {"overrides": {**TINY, "calendar.warmup_min": 0}, "replications": 2},
}


def execute(name: str, out: Path, parameters: dict[str, Any]) -> None:
    """Run a template from its own folder (as JupyterLab does) into ``out``."""
    km = start_kernel(cwd=NOTEBOOKS)
    try:
        papermill.execute_notebook(
            str(NOTEBOOKS / f"{name}.ipynb"),
            str(out / f"{name}.ipynb"),
            parameters={**parameters, "output_dir": str(out)},
            kernel_name="python3",
            km=km,
            progress_bar=False,
        )
    finally:
        km.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def tiny_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished two-point sweep folder (direct engine)."""
    root = tmp_path_factory.mktemp("sweep")
    spec = root / "tiny.yaml"
    spec.write_text(
        json.dumps(
            {
                "name": "tiny",
                "scenario": str(ROOT / "params" / "baseline.yaml"),
                "overrides": TINY,
                "grid": {
                    "staffing.tier1.headcount_scale": [0.95, 1.05],
                    "recovery": [{"kind": "standard"}],
                },
                "replications": 2,
                "seed": 7,
                "engine": "direct",
            }
        ),
        encoding="utf-8",
    )
    subprocess.run(
        [
            *(sys.executable, "-m", "sim", "sweep", str(spec)),
            *("--engine", "direct", "--workers", "1", "--out", str(root / "outputs")),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    return root / "outputs" / "sweeps" / "tiny"


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.long) if n in LONG_TEMPLATES else n for n in TEMPLATES],
)
def test_template_runs_and_writes_its_files(
    name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    parameters = dict(TINY_PARAMETERS[name])
    if name not in ("00_scenario", "06_calibrate_and_validate"):
        parameters["quick"] = True
    if name == "04_sweep_report":
        parameters["sweep_dir"] = str(request.getfixturevalue("tiny_sweep"))
    if name == "08_rosters":
        parameters["store_dir"] = str(tmp_path)  # the search's folder, not the project's outputs
    execute(name, tmp_path, parameters)
    charts = [f"{CHART_FOLDERS.get(name, '')}{c}" for c in EXPECTED_CHARTS.get(name, [])]
    expected = [f"{c}.{ext}" for c in charts for ext in ("png", "svg")]
    expected += EXPECTED_FILES.get(name, [])
    missing = [f for f in expected if len(list(tmp_path.glob(f))) != 1]
    assert not missing, f"{name} did not write {missing}"
    for chart in charts:
        (png,) = tmp_path.glob(f"{chart}.png")
        assert png.stat().st_size > 10_000
    shown = shown_outputs(nbformat.read(tmp_path / f"{name}.ipynb", as_version=4))
    as_text = [text for kind, text in shown if kind == "text/plain" and text.startswith("<Figure")]
    assert not as_text, f"{name}: charts shown as text, not drawn: {as_text}"
    assert any(kind == "image/png" for kind, _ in shown), f"{name} shows no chart"


def shown_outputs(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """(richest MIME type, text) of every displayed result of an executed notebook."""
    shown = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                shown.append(("image/png", ""))
            elif "text/plain" in data:
                shown.append(("text/plain", str(data["text/plain"])))
    return shown


@pytest.mark.parametrize("name", TEMPLATES)
def test_parameters_cell_is_what_papermill_sees(name: str) -> None:
    path = NOTEBOOKS / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{name}: exactly one cell tagged 'parameters'"
    params = template_parameters(path)
    assert "output_dir" in params
    inputs = {
        "04_sweep_report": "sweep_dir",
        "06_calibrate_and_validate": "log_paths",
        "07_sensitivity": "spec_path",
    }
    if name != "00_scenario":
        assert inputs.get(name, "scenario_path") in params
    if name not in ("00_scenario", "06_calibrate_and_validate"):
        assert "quick" in params
    assert set(TINY_PARAMETERS[name]) <= set(params)
    names_in_cell = [
        line.split("=")[0].strip()
        for line in tagged[0].source.splitlines()
        if "=" in line and not line.startswith(("#", " "))
    ]
    assert names_in_cell == list(params)
    for key, default in params.items():
        value = ast.literal_eval(default)
        assert isinstance(value, SIMPLE), f"{name}: {key} = {default} is not a simple value"


@pytest.mark.parametrize("name", TEMPLATES)
def test_notebook_has_no_outputs_and_matches_its_text_version(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    assert nb.metadata.get("jupytext", {}).get("formats") == "ipynb,py:percent"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{name}: a code cell carries outputs"
            assert cell.execution_count is None, f"{name}: a code cell has an execution count"
    text = jupytext.read(NOTEBOOKS / f"{name}.py")
    pairs = zip(
        [(c.cell_type, c.source) for c in nb.cells],
        [(c.cell_type, c.source) for c in text.cells],
        strict=True,
    )
    for ipynb_cell, py_cell in pairs:
        assert ipynb_cell == py_cell, f"{name}: .ipynb and .py differ"


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_opens_on_python3_with_a_title_and_no_empty_cells(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    empty = [i for i, cell in enumerate(nb.cells) if not cell.source.strip()]
    assert not empty, f"{name}: empty cells {empty}"


def test_opening_and_saving_the_templates_changes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What JupyterLab does on open and autosave (through jupytext's contents manager, with a
    newer jupytext than wrote the files) leaves every tracked template byte for byte as it was."""
    import shutil

    import jupytext.header
    from jupytext.sync_contentsmanager import TextFileContentsManager

    shutil.copytree(NOTEBOOKS, tmp_path / "notebooks", ignore=shutil.ignore_patterns(".*"))
    shutil.copy(ROOT / "jupytext.toml", tmp_path)
    files = sorted((tmp_path / "notebooks").glob("*.*"))
    before = {path.name: path.read_bytes() for path in files}
    monkeypatch.setattr(jupytext.header, "__version__", "99.0.0")
    manager = TextFileContentsManager(root_dir=str(tmp_path))
    for path in files:
        relative = f"notebooks/{path.name}"
        manager.save(manager.get(relative, content=True), relative)
    changed = [path.name for path in files if path.read_bytes() != before[path.name]]
    assert not changed, f"opening and saving changed {changed}"


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_defines_no_functions(name: str) -> None:
    source = (NOTEBOOKS / f"{name}.py").read_text(encoding="utf-8")
    for word in ("def ", "class ", "lambda"):
        assert word not in source, f"{name} contains {word.strip()!r}"


def test_the_explorer_run_button_runs_shows_and_saves_charts(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """What a click on 01_explore's Run button does, without a browser: the same controls, the
    button clicked, the charts displayed with the settings in their source line, the run saved in
    a folder named by its settings."""
    import ipywidgets as widgets
    from IPython import display

    from sim.notebook.explorer import explore_show
    from sim.plotting.style import source_line

    shown: list[Figure] = []
    monkeypatch.setattr(display, "display", shown.append)
    explorer = widgets.interactive(
        explore_show,
        {"manual": True, "manual_name": "Run"},
        scenario_path=widgets.fixed(str(ROOT / "params" / "baseline.yaml")),
        overrides=widgets.fixed(TINY),
        headcount_scale=widgets.FloatSlider(value=1.1, min=0.5, max=1.5, step=0.05),
        volume_multiplier=widgets.FloatSlider(value=0.9, min=0.5, max=1.5, step=0.05),
        recovery=widgets.Dropdown(options=["standard", "fast_track"], value="fast_track"),
        complain_prob=widgets.FloatSlider(value=0.05, min=0.0, max=0.2, step=0.01),
        replications=widgets.IntSlider(value=2, min=2, max=10),
        seed=widgets.fixed(1),
        quick=widgets.fixed(True),
        output_dir=widgets.fixed(tmp_path),
    )
    explorer.manual_button.click()
    assert len(shown) == 3
    for fig in shown:
        assert source_line(fig).endswith(
            "\nSettings: agents ×1.10 · volume ×0.90 · recovery fast_track · complain p 0.05 · "
            "seed 1 · quick mode: 3 days"  # TINY's horizon and burn-in over quick mode's
        )
    (folder,) = tmp_path.iterdir()
    assert folder.name.startswith(
        "scenario-baseline__agents-1.1__volume-0.9__recovery-fast_track__complain-0.05__reps-2__"
        "seed-1__mode-quick__"
    )  # and a hash for TINY
    assert f"Saved to {folder}" in capsys.readouterr().out
    assert (folder / "manifest.json").is_file()
    assert len(list((folder / "charts").glob("explore_*.png"))) == 3


def test_the_explorer_erlang_calculator_gives_the_command_line_figures() -> None:
    """01_explore's Erlang calculator shows what ``python -m sim erlang --json`` answers."""
    payload = erlang_json(
        *("--arrivals-per-h", "540", "--aht-min", "5", "--patience-min", "4"),
        *("--target-sl", "0.8", "--target-asa-s", "15", "--shrinkage", "0.3"),
    )
    table = sim.erlang_staffing(540, 5, 4, 20, 0.8, 15, None, 0.3)["value"]
    staffing, analytic = payload["staffing"], payload["analytic"]
    expected = {
        **{f"agents for {target}": n for target, n in staffing["needed"].items()},
        "agents answering": staffing["agents"],
        "occupancy": staffing["occupancy"],
        "shrinkage": staffing["shrinkage"],
        "FTE to roster": staffing["fte"],
        "P(wait)": analytic["p_wait"],
        "ASA": analytic["asa_s"],
        "service level within 20 s": analytic["service_level"],
        "P(abandon)": analytic["p_abandon"],
    }
    assert table.to_dict() == pytest.approx(expected, rel=1e-12)
