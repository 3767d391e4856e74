"""The errors a user can fix: :class:`InputError`, the base of every bad-input error, and
:class:`ScenarioError`, which every scenario problem is reported through (one line per problem)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class InputError(Exception):
    """Input the user can fix (a file, an option, a value): the command line prints the message
    as it is, one line per problem, and exits with status 2."""


class ScenarioError(InputError):
    """A scenario that cannot be loaded.

    Attributes:
        problems: One self-contained line per problem (where, which field, what is wrong).
        file: The scenario file that was being loaded.
    """

    def __init__(self, problems: Sequence[str], file: str | Path) -> None:
        self.problems = list(dict.fromkeys(problems))
        self.file = Path(file)
        super().__init__("\n".join(self.problems))
