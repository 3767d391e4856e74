"""``python -m sim ARGS`` called in the test's process: the command line's entry point with the
same arguments, working folder and ``sys.argv``, giving the same exit status, stdout and stderr.

Output is captured at the file descriptors, as from a process: what the command's worker
processes and notebook kernels write is in it too. A new Python process spends seconds importing
the package before it does anything, so tests that run many commands call them here; the tests of
the command line as a user meets it, and those that kill or interrupt a command, start
``python -m sim`` as a process.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from unittest import mock

REPO = Path(__file__).resolve().parents[1]


def run_main(argv: list[str], cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """``python -m sim ARGV`` run in ``cwd``, in this process."""
    from sim.cli.main import main

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        with (
            contextlib.chdir(cwd),
            mock.patch.object(sys, "argv", [str(REPO / "sim" / "__main__.py"), *argv]),
            _descriptors_to(out, err),
        ):
            try:
                code = main(argv)
            except SystemExit as exit_:  # argparse's refusals
                code = exit_.code
        stdout, stderr = (_text(f) for f in (out, err))
    return subprocess.CompletedProcess(argv, code, stdout, stderr)


@contextlib.contextmanager
def _descriptors_to(out: BinaryIO, err: BinaryIO) -> Iterator[None]:
    """File descriptors 1 and 2, and ``sys.stdout`` and ``sys.stderr`` on them, into two files."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    os.dup2(out.fileno(), 1)
    os.dup2(err.fileno(), 2)
    try:
        with (
            open(1, "w", encoding="utf-8", buffering=1, closefd=False) as stdout,
            open(2, "w", encoding="utf-8", buffering=1, closefd=False) as stderr,
            contextlib.redirect_stdout(stdout),
            contextlib.redirect_stderr(stderr),
        ):
            yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)


def _text(file: BinaryIO) -> str:
    file.seek(0)
    return file.read().decode("utf-8", errors="replace")
