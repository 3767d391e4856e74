"""What a process running replications imports: SciPy, pandas and matplotlib only for the features
that need them. Each check runs in a fresh interpreter, where ``sys.modules`` holds only what the
code under test imported."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def loaded(code: str) -> set[str]:
    """Which of SciPy (and ``scipy.stats``), pandas and matplotlib are in ``sys.modules`` after
    running ``code`` in a fresh interpreter at the repository's root."""
    probe = textwrap.dedent(code) + textwrap.dedent(
        """
        import sys
        names = ("scipy", "scipy.stats", "pandas", "matplotlib")
        print(" ".join(m for m in names if m in sys.modules))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        check=False,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_a_desk_replication_imports_none_of_them() -> None:
    # busy_desk draws lognormal durations from named streams (numpy), its rosters are not
    # queueing ones, and one replication has no confidence interval to compute.
    assert (
        loaded(
            """
            from sim.experiments.replications import run_scenario
            from tests.scenarios import busy_desk

            result = run_scenario(busy_desk(calendar={"horizon_days": 2}), 1, 5, workers=1)
            assert result.per_replication[0]["offered_phone"] > 0
            """
        )
        == set()
    )


def test_a_customer_base_needs_no_scipy_stats_pandas_or_matplotlib() -> None:
    # Its durations are keyed lognormals, whose inverse is scipy.special's ndtri, so SciPy may
    # load; its word-of-mouth table is summed without SciPy.
    assert not loaded(
        """
        from sim.experiments.replications import run_scenario
        from tests.scenarios import customer_desk

        run_scenario(customer_desk(calendar={"horizon_days": 2}), 1, 5, workers=1)
        """
    ) & {"scipy.stats", "pandas", "matplotlib"}


def test_a_sweep_worker_running_the_direct_engine_imports_none_of_them() -> None:
    # What a spawned worker imports: the main module (``python -m sim``), the pool's serving
    # loop and the point runner; then it runs a point and writes its tables.
    assert (
        loaded(
            """
            import runpy

            runpy.run_module("sim.__main__", run_name="__mp_main__")
            from sim.experiments.point_pool import run_in_workers
            from sim.experiments.sweep_point import FINISHED, Task, run_point
            from tests.scenarios import busy_desk

            scenario = busy_desk(calendar={"horizon_days": 2}).model_dump(mode="json")
            outcome = run_point(Task("p", scenario, 1, 5, "direct", None, None))
            assert outcome.status == FINISHED, outcome.error
            assert "summary.parquet" in outcome.files
            """
        )
        == set()
    )
