"""Progress bars for long calls: when to show one, and a tqdm bar fed by the C++ core.

Every long call of newsim (``fit``, ``transform``, ``top_k``, ``query``, ``pairs``) takes a
``progress`` setting:

* ``True`` always shows a tqdm bar (a warning says so when tqdm is not installed);
* ``False`` never shows one;
* ``None`` (the default, "auto") shows one when tqdm is installed and the call is estimated to
  take more than :data:`AUTO_SECONDS` (one second).

The estimates are cheap and deliberately on the slow side, so that a bar rather appears for a
call of half a second than misses one of two seconds:

* text: :data:`TEXT_CHARS_PER_SECOND` characters per second and thread. newsim's analysis
  runs at about 75-85 million characters per second and thread on a 2-core machine (unigrams,
  German, stemming); 50 million leaves room for n-grams, slower machines and the matrix
  assembly. Counting stops as soon as the threshold is reached, so the estimate costs
  nothing on large corpora.
* similarity: the core estimates its own calls (``top_k_work``, ``query_work`` and
  ``pairs_work`` of the core's index): the kernel that will run, the units of work it visits
  (the sum over terms of their document frequency squared for top-k and pairs) and the
  seconds it measured per unit for that kernel.

Both are divided by the threads that will run (``n_jobs``, at most the CPUs this process may
use: :func:`parallel_seconds`).

Whenever a call is estimated to take more than :data:`WATCH_SECONDS`, the core also gets a
callback even without a bar: the calling thread then polls for Ctrl-C every 100 ms, so that any
long call stops within a second (small inputs are polled by the core on its own once they
have 256 items).
"""

from __future__ import annotations

import importlib.util
import itertools
import sys
import warnings
from collections.abc import Sequence
from typing import Any, Callable, Optional

import numpy as np

from . import _core

__all__ = [
    "AUTO_SECONDS",
    "TEXT_CHARS_PER_SECOND",
    "WATCH_SECONDS",
    "Monitor",
    "ProgressBar",
    "check_progress",
    "monitor",
    "parallel_seconds",
    "text_progress",
    "text_seconds",
]

#: "auto" shows a bar for calls estimated to take longer than this many seconds.
AUTO_SECONDS = 1.0
#: Calls estimated to take longer than this get a Ctrl-C watcher even without a bar.
WATCH_SECONDS = 0.25
#: Characters analyzed per second and thread, a conservative figure (measured: 75-85 million).
TEXT_CHARS_PER_SECOND = 50e6
#: The text estimate counts documents in blocks of this many (whole blocks at C speed).
_ESTIMATE_BLOCK = 1024


def check_progress(progress: Any) -> Optional[bool]:
    """Validate a ``progress`` setting: True, False or None (automatic).

    Parameters
    ----------
    progress : bool or None
        The setting to check.

    Returns
    -------
    bool or None
        The setting as a Python bool, or None for "auto".

    Raises
    ------
    TypeError
        For anything but a bool or None.

    Examples
    --------
    >>> from newsim._progress import check_progress
    >>> check_progress(None), check_progress(True)
    (None, True)
    """
    if progress is None:
        return None
    if isinstance(progress, (bool, np.bool_)):
        return bool(progress)
    raise TypeError(
        f"progress must be True, False or None (automatic), got {type(progress).__name__} "
        f"({progress!r})"
    )


def parallel_seconds(seconds: float, n_jobs: int = 1) -> float:
    """Return the time of ``seconds`` of one thread's work on ``n_jobs`` threads.

    Parameters
    ----------
    seconds : float
        The work, in seconds on one thread.
    n_jobs : int, default=1
        Resolved thread count; only as many threads as this process has CPUs run at once.

    Returns
    -------
    float
        ``seconds`` shared among the threads.

    Examples
    --------
    >>> from newsim._progress import parallel_seconds
    >>> parallel_seconds(2.0, 1)
    2.0
    """
    return seconds / max(1, min(int(n_jobs), _core.available_cpus()))


def text_seconds(docs: Sequence[Any], n_jobs: int = 1) -> float:
    """Estimate the seconds newsim needs to analyze ``docs``.

    Counting stops once the estimate passes :data:`AUTO_SECONDS` (checked every
    ``_ESTIMATE_BLOCK`` documents), so the result is exact only below it; items that are not
    str count as empty (the core reports them).

    Parameters
    ----------
    docs : sequence
        The documents.
    n_jobs : int, default=1
        Threads that will run (already resolved: a positive int).

    Returns
    -------
    float
        The estimate, in seconds.

    Examples
    --------
    >>> from newsim._progress import text_seconds
    >>> text_seconds(["x" * 5_000_000] * 3) < 1.0
    True
    >>> text_seconds(["x" * 5_000_000] * 30) >= 1.0
    True
    """
    rate = TEXT_CHARS_PER_SECOND / parallel_seconds(1.0, n_jobs)  # characters per second
    limit = AUTO_SECONDS * rate
    chars = 0
    it = iter(docs)
    while chars <= limit:
        block = list(itertools.islice(it, _ESTIMATE_BLOCK))
        if not block:
            break
        if all(map(str.__instancecheck__, block)):  # the common case, at C speed
            chars += sum(map(len, block))
        else:
            chars += sum(len(d) for d in block if isinstance(d, str))
    return chars / rate


def _tqdm_class() -> Any:
    """Return tqdm's notebook bar class in a Jupyter kernel with ipywidgets, else its text bar.

    ``tqdm.auto`` would warn in a kernel without ipywidgets; the text bar works there too.
    """
    from tqdm.std import tqdm

    ipython = sys.modules.get("IPython")  # never import IPython just to find out
    if ipython is not None and importlib.util.find_spec("ipywidgets") is not None:
        shell = ipython.get_ipython()
        if shell is not None and "IPKernelApp" in shell.config:
            from tqdm.notebook import tqdm as notebook_tqdm

            return notebook_tqdm
    return tqdm


class Monitor:
    """The core's ``progress(done, total)`` callback, doing nothing.

    Passing one makes the core poll for Ctrl-C from the calling thread every 100 ms.
    """

    def __call__(self, done: int, total: int) -> None:
        """Receive a progress report (ignored)."""

    def close(self) -> None:
        """Finish (nothing to do)."""

    def __enter__(self) -> Monitor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ProgressBar(Monitor):
    """A tqdm bar fed by the core's ``progress(done, total)`` callback.

    A long call may run in phases, each reported from 0 to its own total (e.g. analysis over
    documents, then assembly over chunks). The bar shows the furthest fraction reached, scaled
    to ``total``: it never moves backwards, and it reaches ``total`` when the call completes.

    Parameters
    ----------
    desc : str
        The bar's label.
    total : int
        Items of the call (documents, rows).
    unit : str, default='doc'
        Name of one item.

    Examples
    --------
    >>> import io
    >>> from newsim._progress import ProgressBar
    >>> with ProgressBar("demo", 10, file=io.StringIO()) as bar:
    ...     bar(4, 10)
    ...     bar(10, 10)
    ...     bar(0, 3)  # a second phase starts: the bar stays full
    >>> bar.n, bar.total
    (10, 10)
    """

    def __init__(self, desc: str, total: int, unit: str = "doc", **tqdm_kwargs: Any) -> None:
        self.total = int(total)
        self._bar = _tqdm_class()(
            total=self.total, desc=desc, unit=unit, leave=False, **tqdm_kwargs
        )

    @property
    def n(self) -> int:
        """Items shown as done."""
        return int(self._bar.n)

    def __call__(self, done: int, total: int) -> None:
        """Advance the bar to ``done / total`` of its length, if that is further."""
        if total <= 0:
            return
        position = min(self.total, int(done) * self.total // int(total))
        if position > self._bar.n:
            self._bar.update(position - self._bar.n)

    def close(self) -> None:
        """Close the bar (it is cleared: ``leave=False``)."""
        self._bar.close()


def monitor(
    progress: Any,
    desc: str,
    total: int,
    estimate: Callable[[], float],
    *,
    unit: str = "doc",
) -> Optional[Monitor]:
    """Return the callback for one long call: a bar, a silent Ctrl-C watcher, or None.

    Parameters
    ----------
    progress : bool or None
        True forces a bar, False disables it, None shows one when ``estimate()`` exceeds
        :data:`AUTO_SECONDS`.
    desc : str
        The bar's label.
    total : int
        Items of the call.
    estimate : callable
        Returns the estimated seconds; called only when needed.
    unit : str, default='doc'
        Name of one item.

    Returns
    -------
    Monitor or None
        A :class:`ProgressBar`; else a silent :class:`Monitor` for a call estimated above
        :data:`WATCH_SECONDS` (Ctrl-C polling); else None.

    Examples
    --------
    >>> from newsim._progress import monitor
    >>> monitor(None, "fit", 2, lambda: 0.001) is None
    True
    >>> type(monitor(False, "fit", 2, lambda: 60.0)).__name__
    'Monitor'
    """
    flag = check_progress(progress)
    if total <= 0:
        return None
    seconds: Optional[float] = None
    if flag is None:
        seconds = estimate()
        flag = seconds > AUTO_SECONDS
    if flag:
        try:
            return ProgressBar(desc, total, unit)
        except ImportError:
            if progress is True or progress is np.True_:
                warnings.warn(
                    "progress=True needs tqdm, which is not installed: pip install tqdm "
                    "(or pip install newsim[notebook]); continuing without a progress bar",
                    UserWarning,
                    stacklevel=3,
                )
    if seconds is None:
        seconds = estimate()
    return Monitor() if seconds > WATCH_SECONDS else None


def text_progress(
    progress: Any, method: str, docs: Sequence[Any], n_jobs: int
) -> Optional[Monitor]:
    """Return the callback for a vectorizer call (``fit``, ``fit_transform``, ``transform``).

    Parameters
    ----------
    progress : bool or None
        The vectorizer's ``progress`` parameter.
    method : str
        The call, shown in the bar's label.
    docs : sequence
        The documents.
    n_jobs : int
        Threads that will run (resolved).

    Returns
    -------
    Monitor or None
        As :func:`monitor`.

    Examples
    --------
    >>> from newsim._progress import text_progress
    >>> text_progress(None, "fit", ["ein kurzer Text"], 1) is None
    True
    """
    return monitor(progress, f"newsim {method}", len(docs), lambda: text_seconds(docs, n_jobs))
