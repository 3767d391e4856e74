"""Exit statuses, and the one place where a command's failure becomes one line on stderr.

Every command runs through :func:`guarded`: bad input (:class:`~sim.scenario.errors.InputError`, or
a path that does not exist or is of the wrong kind) exits 2; an environment problem (disk full,
read-only folder, permissions, an unreachable cluster) 3; Ctrl-C 130; a command whose work failed
(sweep points, a notebook cell) returns 1 itself. Anything else is a bug: one line on stderr, and
the traceback saved to a file whose path that line gives.
"""

from __future__ import annotations

import datetime as dt
import errno
import math
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from sim.scenario.errors import InputError

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_ENVIRONMENT = 3
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130

EXIT_CODES = f"""exit status:
  0    success
  {EXIT_FAILED}    some work failed: sweep or study points (see points.parquet), a notebook cell
  {EXIT_BAD_INPUT}    bad input: a file, option or value (the message names it)
  {EXIT_ENVIRONMENT}    environment problem: disk full, permissions, cluster unreachable
  {EXIT_INTERNAL}   internal error: a bug (the message gives the saved traceback)
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C); a sweep or study keeps its finished points:
       python -m sim sweep FILE --resume, python -m sim sensitivity FILE --resume
"""

RESUMABLE = ("sweep", "sensitivity", "optimise", "roster")
"""Commands that keep finished points when stopped, and finish them with ``--resume``."""

_WRONG_PATH = (FileNotFoundError, FileExistsError, IsADirectoryError, NotADirectoryError)
"""OSErrors that mean the user named a wrong path (bad input, not the environment)."""


def guarded(argv: Sequence[str], command: str, action: Callable[[], int]) -> int:
    """Run ``action`` (the command ``argv`` asks for); its exit status, or the status of the
    failure it raised."""
    resume = (
        f"; finished points are kept: run again with python -m sim {command} FILE --resume"
        if command in RESUMABLE
        else ""
    )
    try:
        return action()
    except InputError as err:
        _say(str(err))
        return EXIT_BAD_INPUT
    except OSError as exc:
        if isinstance(exc, _WRONG_PATH) or exc.errno == errno.ENAMETOOLONG:
            _say(f"python -m sim {command}: {_os_problem(exc)}")
            return EXIT_BAD_INPUT
        kept = resume if exc.errno is not None else ""  # not for a cluster never reached
        _say(f"python -m sim {command}: {_os_problem(exc)}{_os_advice(exc)}{kept}")
        return EXIT_ENVIRONMENT
    except KeyboardInterrupt:
        _say(f"\ninterrupted{resume}")
        return EXIT_INTERRUPTED
    except Exception as exc:
        _say(
            f"python -m sim {command}: internal error ({type(exc).__name__}: {_first_line(exc)}); "
            f"please report it with {_save_traceback(argv, command)}"
        )
        return EXIT_INTERNAL


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _os_problem(exc: OSError) -> str:
    """``FILE: reason`` for an OSError (a connection error has no file: its message alone)."""
    if exc.filename is None:
        return _first_line(exc)
    return f"{exc.filename}: {exc.strerror or exc}"


def _os_advice(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return " (free some space, or choose another --out)"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return " (check the folder's permissions, or choose another --out)"
    return ""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else "no message"


def _save_traceback(argv: Sequence[str], command: str) -> str:
    """Save the current exception's traceback to a new file in the temp folder; what to attach
    to a report (the file, or where the traceback was printed when it cannot be saved)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = f"python -m sim {' '.join(argv)}\n\n{traceback.format_exc()}"
    try:
        fd, path = tempfile.mkstemp(prefix=f"sim-{command}-{stamp}-", suffix=".txt", text=True)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
    except OSError:
        print(text, file=sys.stderr)
        return "the traceback above (it could not be saved)"
    return f"the traceback saved in {path}"


def bad_input(message: str) -> int:
    """Report a bad command-line input (``COMMAND --option: problem``) on stderr; the exit status
    for it."""
    _say(f"python -m sim {message}")
    return EXIT_BAD_INPUT


def strict_json(value: Any) -> Any:
    """``value`` with every NaN or infinity (a measure with no data) replaced by None, so that
    it prints as strict JSON."""
    if isinstance(value, dict):
        return {k: strict_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [strict_json(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
