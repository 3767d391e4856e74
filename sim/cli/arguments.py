"""Argument types for the command line: numbers with a lower bound, with messages that say why."""

from __future__ import annotations

import argparse
import datetime as dt
import math
from collections.abc import Callable
from typing import Any


def at_least(kind: type, low: float, strictly: bool = False) -> Callable[[str], Any]:
    """An argparse ``type=`` converting with ``kind`` (int or float) and requiring a finite value
    of at least ``low`` (above it when ``strictly``)."""
    noun = "a whole number" if kind is int else "a number"
    what = f"{noun} above {low:g}" if strictly else f"{noun}, {low:g} or more"

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not math.isfinite(value) or value < low or (strictly and value == low):
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
        return value

    return parse


positive_int = at_least(int, 0, strictly=True)
non_negative_int = at_least(int, 0)
positive_float = at_least(float, 0.0, strictly=True)


def fraction(text: str) -> float:
    """An argparse ``type=`` for a share strictly between 0 and 1 (e.g. 0.8 for 80%)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share between 0 and 1") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a share between 0 and 1 (write 0.8 for 80%)"
        )
    return value


def iso_date(text: str) -> dt.date:
    """An argparse ``type=`` for a calendar date written YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None
