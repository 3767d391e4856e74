"""The run tables' columns built from numpy buffers are the arrays ``pa.array`` builds, down to the
bytes of the Parquet file written from them."""

from __future__ import annotations

import io

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sim.experiments.store import arrow_array

RNG = np.random.default_rng(3)
COLUMNS = {
    "int64": np.arange(10, dtype=np.int64),
    "empty int64": np.arange(0, dtype=np.int64),
    "int8": RNG.integers(-5, 5, 33).astype(np.int8),
    "int16": np.array([1, -2], dtype=np.int16),
    "uint64": RNG.integers(0, 2**63, 9, dtype=np.uint64),
    "float64": RNG.random(1000),
    "non-finite": np.array([np.nan, np.inf, -np.inf, -0.0, 1.5]),
    "float32": RNG.random(17).astype(np.float32),
    "strided": np.arange(20.0)[::-3],
    "bool 0": np.zeros(0, bool),
    "bool 9": RNG.random(9) > 0.5,
    "bool 1001": RNG.random(1001) > 0.5,
    "text": np.array(["a", "bb", "", "tier1", "service_level"]),
    "empty strings": np.array(["", ""]),
    "no text": np.array([], dtype="<U5"),
    "non-ASCII": np.array(["é", "ab"]),
    "NUL inside": np.array(["a\x00b", "c"]),
    "big-endian text": np.array(["ab", "c"], dtype=">U2"),
    "no characters": np.array([], dtype="<U0"),
    "objects": np.array([None, 1.0], dtype=object),
}


def parquet(column: pa.Array) -> bytes:
    out = io.BytesIO()
    pq.write_table(pa.table({"c": column}), out)
    return out.getvalue()


@pytest.mark.parametrize("name", COLUMNS)
def test_the_same_array_as_pa_array(name: str) -> None:
    values = COLUMNS[name]
    expected, built = pa.array(values), arrow_array(values)
    built.validate(full=True)
    assert built.type == expected.type
    assert built.null_count == expected.null_count
    assert parquet(built) == parquet(expected)
