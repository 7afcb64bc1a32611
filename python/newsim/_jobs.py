"""Thread counts, as joblib reads ``n_jobs``."""

from __future__ import annotations

from numbers import Integral
from typing import Any

from . import _core

__all__ = ["resolve_n_jobs"]


def resolve_n_jobs(n_jobs: Any) -> int:
    """Return the number of threads for ``n_jobs``.

    Parameters
    ----------
    n_jobs : int or None
        None: 1. A positive int: that many. -1: every CPU this process may use (its affinity
        mask, not the machine's count), -2: all but one, and so on. The core applies the rule
        (``_core.resolve_n_jobs``), for its own threads too.

    Returns
    -------
    int
        At least 1.

    Raises
    ------
    TypeError
        For anything but an int or None.
    ValueError
        For 0.
    """
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, Integral):
        raise TypeError(f"n_jobs must be an int or None, got {type(n_jobs).__name__}")
    # Within the core's 64-bit argument; it caps the count at 2**31 - 1 threads anyway.
    n = max(-(2**63), min(int(n_jobs), 2**63 - 1))
    return int(_core.resolve_n_jobs(n))
