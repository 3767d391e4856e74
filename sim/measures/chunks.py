"""The per-contact measures of a replication, taken over row chunks of its contact table.

Each chunk gives additive totals (counts, sums of waits, span integrals: an integral over a union
of spans is the sum of the parts'), which are added up; rates and means are taken from the totals
at the end. The temporaries (masks, waits, spans) are thus bounded by a chunk rather than growing
with the table, which for a year of a large desk would nearly double the memory the records take.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

from sim.model.records import ContactTable

KPI_CHUNK_ROWS = 1 << 18
"""Contact rows the per-contact measures take at a time. Each chunk's temporaries (waits,
a dozen boolean masks, interval indices, spans sorted) take about 80 bytes per row of the chunk,
some 20 MB, whatever the length of the table; over a whole year of a large desk at once they
would come to nearly as much again as the records themselves."""

Totals = dict[Any, Any]
"""A chunk's additive totals: counts, sums and span integrals (numbers or arrays), or dicts
of them."""


def row_chunks(table: ContactTable) -> Iterator[tuple[int, ContactTable]]:
    """The table in runs of :data:`KPI_CHUNK_ROWS` rows, as ``(first row, rows)`` (an empty table
    is one empty chunk, so that every measure has its totals)."""
    size = KPI_CHUNK_ROWS
    for start in range(0, max(len(table), 1), size):
        yield start, table.rows(start, start + size)


def accumulate(parts: Iterable[Totals]) -> Totals:
    """The chunks' totals added up, key by key (all chunks give the same keys); a single chunk's
    own totals, unchanged, when there is one."""
    return functools.reduce(_add, parts)


def _add(a: Any, b: Any) -> Any:
    if isinstance(a, dict):
        return {key: _add(value, b[key]) for key, value in a.items()}
    return a + b
