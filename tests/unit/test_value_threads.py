"""The customer-value KPIs do not depend on how many threads BLAS runs: a Dask worker runs it on
one thread, a local process on all cores, and a sweep's results must be identical either way."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

from sim.model.replication import simulate
from sim.model.rng import Streams
from sim.scenario.loading import load_scenario

ROOT = Path(__file__).resolve().parents[2]

KPIS = """
import json, pickle, sys
from sim.measures.value import customer_kpis
with open(sys.argv[1], "rb") as f:
    runs, scenario = pickle.load(f)
kpis = [customer_kpis(run, scenario) for run in runs]
print(json.dumps([{k: float(v).hex() for k, v in one.items()} for one in kpis]))
"""


def test_value_kpis_are_the_same_with_one_or_two_blas_threads(tmp_path: Path) -> None:
    # the baseline's 50,000 accounts: long enough for BLAS to split a dot product across threads
    # (which changes the last bit of one sum in a few: hence three runs)
    scenario = load_scenario(ROOT / "params" / "baseline.yaml", {"calendar.horizon_days": 1})
    runs = [simulate(scenario, Streams(seed, 0)) for seed in (1, 2, 3)]
    saved = tmp_path / "runs.pickle"
    saved.write_bytes(pickle.dumps((runs, scenario)))
    found = {}
    for threads in ("1", "2"):
        env = {
            **os.environ,
            "OPENBLAS_NUM_THREADS": threads,
            "OMP_NUM_THREADS": threads,
            "MKL_NUM_THREADS": threads,
        }
        done = subprocess.run(
            [sys.executable, "-c", KPIS, str(saved)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        found[threads] = json.loads(done.stdout)
    assert all(k["revenue_lost_to_defection"] for k in found["1"])  # the KPIs were computed
    assert found["1"] == found["2"]
