"""The error every scenario problem is reported through: one self-contained line per problem."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class ScenarioError(Exception):
    """A scenario that cannot be loaded.

    Attributes:
        problems: One self-contained line per problem (where, which field, what is wrong).
        file: The scenario file that was being loaded.
    """

    def __init__(self, problems: Sequence[str], file: str | Path) -> None:
        self.problems = list(dict.fromkeys(problems))
        self.file = Path(file)
        super().__init__("\n".join(self.problems))
