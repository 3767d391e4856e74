"""Sparse linear algebra of continuous-time Markov chains: a generator assembled from its
off-diagonal rates, and linear systems on it solved directly when small, iteratively when large
(used by :mod:`sim.queueing.multi_skill`)."""

from collections.abc import Callable

import numpy as np
from scipy import sparse
from scipy.sparse import linalg

ORDERING = "MMD_AT_PLUS_A"
"""SuperLU's column ordering: minimum degree on A^T + A, a fraction of COLAMD's fill on these
chains."""
DIRECT_STATES = 20_000
"""Up to this size a system is solved by sparse LU; beyond, by GMRES preconditioned with an
incomplete LU, because the LU's fill explodes once two or three queues can be long together
(68,000 states with three such queues: 220 s by LU, 9 s by GMRES)."""
BACKWARD_ERROR = 1e-13
"""GMRES stops when every equation holds to this, relative to its terms' magnitude."""
GMRES_RESTARTS = 40
"""Restarts (of 30 iterations) before GMRES gives up; two or three usually do."""


def sparse_solver(matrix: sparse.csc_matrix) -> Callable[[np.ndarray], np.ndarray]:
    """``b -> x`` with ``matrix @ x = b``: sparse LU for a small system, GMRES preconditioned by
    an incomplete LU for a large one, run until a small backward error."""
    if matrix.shape[0] <= DIRECT_STATES:
        return linalg.splu(matrix, permc_spec=ORDERING).solve
    try:
        ilu = linalg.spilu(matrix, drop_tol=1e-3, fill_factor=4, permc_spec=ORDERING)
    except RuntimeError:  # an incomplete factor that is singular: pay for the complete one
        return linalg.splu(matrix, permc_spec=ORDERING).solve
    preconditioner = linalg.LinearOperator(matrix.shape, ilu.solve)
    magnitude = abs(matrix)

    def solve(b: np.ndarray) -> np.ndarray:
        x = ilu.solve(b)
        for _ in range(GMRES_RESTARTS):
            scale = (magnitude @ np.abs(x) + np.abs(b)).max()
            if np.abs(matrix @ x - b).max() <= BACKWARD_ERROR * scale:
                return x
            x, _ = linalg.gmres(
                matrix, b, x0=x, M=preconditioner, rtol=1e-15, atol=0.0, restart=30, maxiter=1
            )
        raise RuntimeError(
            f"GMRES did not converge on a system of {matrix.shape[0]:,} states; lower "
            "max_states or simplify the desk"
        )

    return solve


def with_diagonal(
    size: int,
    rows: list[np.ndarray],
    cols: list[np.ndarray],
    vals: list[np.ndarray],
    extra_exit: np.ndarray | None = None,
) -> sparse.csr_matrix:
    """A (sub-)generator: the off-diagonal rates given, the diagonal minus each row's exits."""
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    v = np.concatenate(vals) if vals else np.zeros(0)
    out = np.bincount(r, weights=v, minlength=size)
    if extra_exit is not None:
        out = out + extra_exit
    diag = np.arange(size)
    return sparse.csr_matrix(
        (np.concatenate([v, -out]), (np.concatenate([r, diag]), np.concatenate([c, diag]))),
        shape=(size, size),
    )
