# Two commands for a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-long test-browser lint schema bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,cluster]"
	touch $(STAMP)

## run: install if needed, run the baseline scenario through its notebook, write outputs/
run: $(STAMP)
	$(BIN)/python -m sim notebook 00_scenario -p scenario_path=params/baseline.yaml

## test: install if needed, lint, run the test suite (all but the checks on whole scenarios)
test: $(STAMP)
	$(BIN)/ruff check sim tests benchmarks
	$(BIN)/python -m pytest -n 2 -q -m "not long"

## test-long: the checks on whole shipped scenarios (a simulated year or half-year each)
test-long: $(STAMP)
	$(BIN)/python -m pytest -q -m long

## test-browser: the explorer notebook in JupyterLab, driven in headless Chromium (not part of
## `make test`; installs Playwright into the venv, and Chromium with apt-get if missing and root)
test-browser: $(STAMP)
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "make test-browser: Chromium is missing; install it as root: apt-get install -y chromium" >&2; exit 1; fi; }
	@$(BIN)/python -c "import playwright" 2>/dev/null || $(BIN)/python -m pip install --quiet -e ".[dev,cluster,browser]"
	$(BIN)/python tests/browser/check_explorer.py

## schema: regenerate params/schema.json and docs/parameters.md from the Scenario model
schema: $(STAMP)
	$(BIN)/python -m sim schema

## bench: engine, scaling, large-desk, multi-skill, coupled-model, workforce, sweep and
## shift-scheduling benchmarks (ratios against references in the same run); each runs and reports
## PASS/FAIL even when one before it missed a target
bench: $(STAMP)
	-$(BIN)/python benchmarks/bench_engine.py
	-$(BIN)/python benchmarks/bench_scaling.py
	-$(BIN)/python benchmarks/bench_large_desk.py
	-$(BIN)/python benchmarks/bench_multiskill.py
	-$(BIN)/python benchmarks/bench_coupled.py
	-$(BIN)/python benchmarks/bench_workforce.py
	-$(BIN)/python benchmarks/bench_sweep.py
	-$(BIN)/python benchmarks/bench_scheduling.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
