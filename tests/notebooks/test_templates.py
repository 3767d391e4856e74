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

from sim.experiments.templates import NOTEBOOKS, start_kernel, template_parameters

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
)
TINY = {
    "calendar.horizon_days": 3,
    "customers.accounts": 2000,
    "customers.warm_start.burn_in_days": 0,
}
SIMPLE = (str, int, float, bool, type(None), dict, list)

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
    "05_validation": ["validation_erlang", "validation_checks"],
    "06_calibrate_and_validate": ["forecast", "modes_abandon_rate"],
    "07_sensitivity": [
        "sensitivity_morris_service_defections",
        "sensitivity_sobol_net_value",
        "sensitivity_policy_wins",
        "sensitivity_morris_difference",
    ],
}
EXPECTED_FILES = {
    "00_scenario": ["manifest.json", "summary.parquet", "intervals.parquet"],
    "02_staffing_policies": ["staffing_differences.csv"],
    "03_recovery_policies": ["recovery_differences.csv", "agents_vs_recovery_differences.csv"],
    "04_sweep_report": ["sweep_best_points.csv"],
    "05_validation": ["erlang_agreement.csv", "conservation.csv", "littles_law.csv"],
    "06_calibrate_and_validate": ["forecast.csv", "forecast_scores.csv", "modes.csv"],
    "07_sensitivity": ["sensitivity_policy_wins.csv", "sensitivity_ranking.csv"],
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


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_runs_and_writes_its_files(
    name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    parameters = dict(TINY_PARAMETERS[name])
    if name not in ("00_scenario", "06_calibrate_and_validate"):
        parameters["quick"] = True
    if name == "04_sweep_report":
        parameters["sweep_dir"] = str(request.getfixturevalue("tiny_sweep"))
    execute(name, tmp_path, parameters)
    expected = [f"{c}.{ext}" for c in EXPECTED_CHARTS.get(name, []) for ext in ("png", "svg")]
    expected += EXPECTED_FILES.get(name, [])
    missing = [f for f in expected if not (tmp_path / f).is_file()]
    assert not missing, f"{name} did not write {missing}"
    for chart in EXPECTED_CHARTS.get(name, []):
        assert (tmp_path / f"{chart}.png").stat().st_size > 10_000


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
def test_template_defines_no_functions(name: str) -> None:
    source = (NOTEBOOKS / f"{name}.py").read_text(encoding="utf-8")
    for word in ("def ", "class ", "lambda"):
        assert word not in source, f"{name} contains {word.strip()!r}"


def test_the_explorer_run_button_runs_and_shows_charts(capsys: pytest.CaptureFixture[str]) -> None:
    """What a click on 01_explore's Run button does, without a browser: the same controls, the
    button clicked, the charts displayed."""
    import ipywidgets as widgets

    from sim.notebook.explorer import explore_show

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
    )
    explorer.manual_button.click()
    shown = capsys.readouterr().out
    assert shown.count("Figure(1920x1080)") >= 3, shown
