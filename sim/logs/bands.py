"""Contact types split by hour of arrival (``regular@20-24h``), the keys of fits pooled over
all types (``all types``, or per band ``all types@20-24h``), and the order in which a type
without a usable fit of its own borrows a pooled one."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

POOLED = "all types"
"""Key of the patience fitted on all contact types together."""


_BAND = re.compile(r"^(?P<base>.+)@(?P<lo>\d{2})-(?P<hi>\d{2})h$")


def band_name(base: str, band: tuple[int, int]) -> str:
    """The contact type of ``base``'s calls arriving in the hour band ``[lo, hi)``:
    ``regular@20-24h``."""
    return f"{base}@{band[0]:02d}-{band[1]:02d}h"


def split_band(type_name: str) -> tuple[str, tuple[int, int] | None]:
    """``(base type, (lo, hi))`` of a type named by :func:`band_name`; ``(name, None)`` for a
    type without an hour band."""
    found = _BAND.match(type_name)
    if found is None:
        return type_name, None
    return found["base"], (int(found["lo"]), int(found["hi"]))


def fallback_keys(type_name: str) -> list[str]:
    """The fits ``type_name`` may use, its own first: a banded type then borrows its hour band's
    fit over all types (the hour matters most for patience and handle time), then its type's
    over all hours, then all types'; a type without a band borrows all types'.

    ``regular@20-24h`` → ``[regular@20-24h, all types@20-24h, regular, all types]``.
    """
    base, band = split_band(type_name)
    if band is None or base == POOLED:
        return list(dict.fromkeys([type_name, POOLED]))
    return [type_name, band_name(POOLED, band), base, POOLED]


def hour_bands(edges: Sequence[int]) -> list[tuple[int, int]]:
    """The bands ``[0, e1), [e1, e2), ..., [ek, 24)`` cut at the given whole hours."""
    cuts = sorted(set(edges))
    if any(not 0 < e < 24 or e != int(e) for e in cuts):
        raise ValueError(f"hour band edges must be whole hours between 1 and 23, got {edges}")
    bounds = [0, *(int(e) for e in cuts), 24]
    return list(itertools.pairwise(bounds))
