"""One run at a time per output folder: an advisory lock that the operating system releases when
its holder dies, however it dies.

A sweep or sensitivity study holds ``<folder>/.lock`` while it writes the folder. A second run on
the same folder (``--resume`` twice, or ``--force`` while a run is live) is refused with the
holder's process id, host and start time. The lock is ``flock`` on POSIX and ``msvcrt.locking`` on
Windows: a run killed with ``kill -9`` leaves the file, but not the lock.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
from pathlib import Path
from types import TracebackType

from sim.scenario.errors import InputError

LOCK_NAME = ".lock"


class FolderBusyError(InputError):
    """Another live run holds the folder's lock."""


class FolderLock:
    """``with FolderLock(folder, what="sweep"):`` holds ``folder/.lock`` (creating the folder)."""

    def __init__(self, folder: Path, what: str) -> None:
        self.path = folder / LOCK_NAME
        self.what = what
        self._fd: int | None = None

    def __enter__(self) -> FolderLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            holder = _read(fd)
            os.close(fd)
            raise FolderBusyError(
                f"{self.path.parent}: another {self.what} is writing this folder ({holder}); "
                "wait for it to finish or stop it first (--force does not override a live run)"
            )
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(_holder()).encode())
        self._fd = fd
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None


def _holder() -> dict[str, object]:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def _read(fd: int) -> str:
    """Who holds the lock, as the holder wrote it."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        holder = json.loads(os.read(fd, 4096) or b"{}")
        return f"process {holder['pid']} on {holder['host']}, started {holder['started_utc']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "holder unknown"


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def has_content(folder: Path) -> bool:
    """Whether ``folder`` exists and holds anything besides a lock file."""
    return folder.is_dir() and any(child.name != LOCK_NAME for child in folder.iterdir())
