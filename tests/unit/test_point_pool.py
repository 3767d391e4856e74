"""The local worker pool: one fault costs one task, a task past its time is stopped, tasks are
drawn only as workers free up, and workers end with their parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import psutil

from sim.experiments.point_pool import Lost, run_in_workers

ROOT = Path(__file__).resolve().parents[2]


def job(x: int) -> int:
    """Squares ``x``; 3 kills its own worker, 5 hangs."""
    if x == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    if x == 5:
        time.sleep(600)
    return x * x


def test_a_dead_or_hung_task_is_lost_alone_and_its_worker_replaced() -> None:
    started = time.monotonic()
    outcomes = list(run_in_workers(job, range(8), workers=2, point_timeout_s=2.0))
    assert time.monotonic() - started < 30
    results = sorted(o for o in outcomes if not isinstance(o, Lost))
    assert results == [x * x for x in range(8) if x not in (3, 5)]
    lost = {o.task: o.reason for o in outcomes if isinstance(o, Lost)}
    assert set(lost) == {3, 5}
    assert "killed (SIGKILL)" in lost[3]
    assert "no result after 2 s (the point timeout)" in lost[5]


def test_tasks_are_drawn_only_when_a_worker_is_free() -> None:
    drawn: list[int] = []

    def tasks() -> Iterator[int]:
        for x in (0, 1, 2, 4, 6):
            drawn.append(x)
            yield x

    pool = run_in_workers(job, tasks(), workers=2)
    first = next(pool)
    assert first in (0, 1) and len(drawn) <= 3  # two running, at most one handed on
    assert sorted([first, *pool]) == [0, 1, 4, 16, 36]


def test_workers_end_with_their_parent() -> None:
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                from sim.experiments.point_pool import run_in_workers
                from tests.unit.test_point_pool import job
                for _ in run_in_workers(job, [5, 5], workers=2):
                    pass
                """
            ),
        ],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while len(children := psutil.Process(parent.pid).children()) < 2:
        assert time.monotonic() < deadline, "the workers never started"
        time.sleep(0.05)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    time.sleep(3)
    alive = [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert not alive
