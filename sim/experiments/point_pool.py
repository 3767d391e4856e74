"""Local worker processes for sweep points, built so that one fault costs one point.

``concurrent.futures.ProcessPoolExecutor`` breaks as a whole when one worker dies (every point
still queued fails with ``BrokenProcessPool``), has no per-task timeout, and leaves its workers
running when the parent is killed with ``kill -9``. This pool keeps one pipe per worker and
watches each worker process:

* a worker that dies (killed, out of memory, its notebook kernel gone) fails the point it was
  running, with the reason, and a new worker takes the next point;
* a point that runs longer than ``point_timeout_s`` is failed and its worker killed and replaced;
* workers die with the parent: on Linux the kernel sends them SIGKILL when it dies
  (``PR_SET_PDEATHSIG``), elsewhere a thread notices within a second. Their Jupyter kernels
  follow within a second (ipykernel exits when its parent process is gone);
* workers are spawned (a fresh interpreter), never forked: a process that has run a Jupyter
  kernel (a notebook calling a sweep, or the ``notebook`` command before it) holds ZeroMQ
  sockets and threads that a forked child inherits half-alive, and the kernels such a child
  starts never answer. A worker's start costs its imports once (about two seconds).
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

KERNEL_DIED = 75
"""Exit status of a worker that stopped because its notebook kernel died mid-point."""

_PR_SET_PDEATHSIG = 1
_IN_WORKER = threading.Event()
"""Set in a worker process of this pool (where :func:`exit_worker_when` may end the process)."""


@dataclass
class Lost(Generic[T]):
    """A task whose worker gave no result: it died, or the task ran out of time."""

    task: T
    reason: str


def run_in_workers(
    run: Callable[[T], R],
    tasks: Iterable[T],
    workers: int,
    point_timeout_s: float | None = None,
) -> Iterator[R | Lost[T]]:
    """Run ``run(task)`` for every task on ``workers`` processes; yield each result, or a
    :class:`Lost` for a task whose worker died or that ran past ``point_timeout_s``, as they
    finish. Tasks are drawn from ``tasks`` only when a worker is free, so an iterator of many
    tasks is never held in memory at once. On any exception (Ctrl-C included) the workers are
    killed before it propagates."""
    pending = iter(tasks)
    slots: list[_Worker[T]] = []
    try:
        for _ in range(max(workers, 1)):
            task = next(pending, None)
            if task is None:
                break
            slots.append(_Worker(run))
            slots[-1].give(task)
        while slots:
            ready = set(wait(_waitables(slots), timeout=_wait_s(slots, point_timeout_s)))
            for finished in list(slots):
                outcome = finished.collect(ready, point_timeout_s)
                if outcome is None:
                    continue
                yield outcome
                task = next(pending, None)
                slot = finished
                if finished.dead or task is None:
                    slots.remove(finished)
                    finished.stop()
                    if task is None:
                        continue
                    slot = _Worker(run)
                    slots.append(slot)
                slot.give(task)
    finally:
        for slot in slots:
            slot.kill()


def _waitables(slots: list[_Worker[Any]]) -> list[Any]:
    return [w for slot in slots for w in (slot.conn, slot.process.sentinel)]


def _wait_s(slots: list[_Worker[Any]], point_timeout_s: float | None) -> float | None:
    """How long to wait for a worker before some running task would be out of time."""
    if point_timeout_s is None:
        return None
    now = time.monotonic()
    return max(0.0, min(slot.started + point_timeout_s - now for slot in slots))


class _Worker(Generic[T]):
    """One worker process and the task it is running."""

    def __init__(self, run: Callable[[T], Any]) -> None:
        self.conn, child = multiprocessing.Pipe()
        self.process: BaseProcess = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(run, child, os.getpid()), daemon=True
        )
        self.process.start()
        child.close()
        self.task: T | None = None
        self.started = time.monotonic()
        self.dead = False

    def give(self, task: T) -> None:
        """Hand the worker a task (it must be idle)."""
        self.task, self.started = task, time.monotonic()
        self.conn.send(task)

    def collect(self, ready: set[Any], point_timeout_s: float | None) -> Any | None:
        """The worker's result or :class:`Lost` if its task ended, else None."""
        assert self.task is not None
        if self.conn in ready or self.process.sentinel in ready:
            with contextlib.suppress(EOFError, OSError):
                if self.conn.poll():
                    return self.conn.recv()
            self.process.join(timeout=5)
            self.dead = True
            return Lost(self.task, _death(self.process.exitcode))
        if point_timeout_s is not None and time.monotonic() - self.started > point_timeout_s:
            self.kill()
            self.dead = True
            return Lost(
                self.task,
                f"no result after {point_timeout_s:g} s (the point timeout): its worker was "
                "stopped and replaced",
            )
        return None

    def stop(self) -> None:
        """Let an idle worker exit (killing it if it does not, or if it is dead already)."""
        if not self.dead:
            with contextlib.suppress(OSError):
                self.conn.send(None)
            self.process.join(timeout=5)
        self.kill()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.conn.close()


def _death(exitcode: int | None) -> str:
    if exitcode == KERNEL_DIED:
        return (
            "its notebook's Jupyter kernel died (killed, or out of memory); a new worker and "
            "kernel take the next point"
        )
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        return f"its worker process was killed ({name}); a new worker takes the next point"
    return f"its worker process exited (status {exitcode}); a new worker takes the next point"


@contextlib.contextmanager
def exit_worker_when(dead: Callable[[], bool], poll_s: float = 1.0) -> Iterator[None]:
    """While the block runs in a worker of this pool, end the worker (exit status
    :data:`KERNEL_DIED`) as soon as ``dead()`` is true, e.g. when the notebook kernel the block
    waits on has died: the pool then fails that point alone instead of waiting forever. Outside
    a pool worker (a Dask worker, the main process) it does nothing."""
    if not _IN_WORKER.is_set():
        yield
        return
    done = threading.Event()

    def watch() -> None:
        while not done.wait(poll_s):
            if dead():
                os._exit(KERNEL_DIED)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


def _serve(run: Callable[[Any], Any], conn: Connection, parent_pid: int) -> None:
    """A worker's life: take tasks from the pipe until told to stop (None), send back results."""
    _die_with_parent(parent_pid)
    _IN_WORKER.set()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        conn.send(run(task))


def _die_with_parent(parent_pid: int) -> None:
    """Make this process end when ``parent_pid`` does, even by ``kill -9``."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the line above took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(1.0)
    os._exit(1)
