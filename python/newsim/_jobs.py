"""Thread counts, as joblib reads ``n_jobs``."""

from __future__ import annotations

import os
from numbers import Integral
from typing import Any

__all__ = ["resolve_n_jobs"]


def resolve_n_jobs(n_jobs: Any) -> int:
    """Return the number of threads for ``n_jobs``.

    Parameters
    ----------
    n_jobs : int or None
        None: 1. A positive int: that many. -1: every CPU this process may use (its affinity
        mask, not the machine's count), -2: all but one, and so on.

    Returns
    -------
    int
        At least 1.
    """
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, Integral):
        raise TypeError(f"n_jobs must be an int or None, got {type(n_jobs).__name__}")
    if int(n_jobs) == 0:
        raise ValueError("n_jobs == 0 has no meaning; use None or 1 for one thread, -1 for all")
    n = int(n_jobs)
    if n > 0:
        return min(n, 2**31 - 1)  # more threads than work never start
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, cpus + 1 + max(n, -(2**31)))
