"""Stories online: ``StoryTracker`` labels articles that arrive in batches, in time order.

The tracker keeps the articles of the last ``window`` (its *pool*), each with its ``k``
nearest neighbours among the pool's articles within the window of it, earlier or later (the
k-nearest-neighbour graph of ``SimilarityIndex.stories``, restricted to the window). A batch is
clustered with the average linkage of ``stories()`` on that graph, the pool's stories taken as
they stand (one group each, never cut), the batch's articles as groups of one:

1. the vectorizer learns the batch (``partial_fit``, unless ``partial_fit=False``), and the
   pool and the batch are weighted anew with its idf (the pool's neighbour scores too);
2. each new article gets its ``k`` highest cosines (> 0) with the pool's and the batch's
   articles at most ``window`` apart from it; a pool article's list takes in the new articles
   that beat its weakest entry (ties: the earlier article);
3. groups merge, strongest link first, while the link ``W / min(|A|·|B|, k·min(|A|, |B|))``
   (``W``: the summed scores of the edges between them) is >= ``threshold``; a group of new
   articles joins a group with a pool story only at a link >= ``join_threshold`` (0.05 by
   default: a story opened by a weakly linked article would draw its followers in); two
   groups that both hold pool stories merge only when one holds an article of the batch (new
   evidence) and their link is >= ``merge_threshold`` (0.1);
4. an article in a group with a pool story takes that story's label (with several, the oldest:
   the others are recorded as *merges* into it, and their later articles follow it); an
   article in a group of new articles only opens a new story (numbered by its first article);
5. at the start and the end of a batch, the articles more than ``window`` older than its
   first (last) article leave the pool, and their neighbour entries with them; a story whose
   pool articles then fall apart (no edge joins two parts: the articles that linked them left
   the window) *splits*: its largest part keeps it (equal sizes: the part with the oldest
   article), each other part becomes a new story (recorded as a split) that later articles
   linking to that part join.

Labels once given never change: merges and splits decide where later articles go, and are
recorded in :attr:`~newsim.StoryTracker.lineage`. A story with no article in the pool is *quiet*:
nothing can join it any more, and a later article opens a new story however similar it is.

One batch that holds the whole stream (within the window) gives the partition of
``SimilarityIndex.stories`` on the same vectors. Smaller batches decide earlier with less
evidence: on the UCI headlines, batches of a day, an hour or 100 articles reach ARI 0.89-0.92,
batches of 10 articles 0.81 (benchmarks/RESULTS.md). With a fixed vectorizer
(``partial_fit=False``) the graph does not depend on the cuts, the clustering does; streams cut
where no article is within the window of the other side give the labels of one batch.
"""

from __future__ import annotations

import copy
import datetime as _dt
import heapq
import io
import json
import os
import re
import struct
import zlib
from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any, Optional, Union

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from . import _core
from ._input import one_per_article, refuse_unordered
from ._metadata import check_window as _metadata_window
from ._repr import SummaryReprMixin
from ._stories import DEFAULT_K, DEFAULT_THRESHOLD, check_dates, check_k, check_sources
from ._stories import check_threshold as _check_link_threshold

__all__ = ["StoryTracker"]

#: The first bytes of a saved tracker, and the format version this newsim writes and reads.
MAGIC = b"NEWSIM-TRACKER\x00\x00"
FORMAT_VERSION = 1
_HEADER = struct.Struct("<16sIIQI")  # magic, version, flags, payload length, CRC-32
#: The link new articles need to join an open story: firmer than grouping new articles.
DEFAULT_JOIN_THRESHOLD = 0.05
#: The link two open stories need to merge (through new articles).
DEFAULT_MERGE_THRESHOLD = 0.1
#: Terms kept per story for its keywords (the heaviest of the summed rows).
_KEPT_TERMS = 50


# ------------------------------------------------------------------------------ arguments


def check_window(window: Any) -> int:
    """Return ``window`` as a positive number of nanoseconds, or raise.

    Parsed as the index's ``window=`` (``newsim._metadata.check_window``: a pandas offset
    string, ``datetime.timedelta``, ``numpy.timedelta64`` or ``pandas.Timedelta``; a number is
    refused); a string needs a unit (``"3"`` would be 3 nanoseconds) and the duration must be
    positive.
    """
    import pandas as pd

    if isinstance(window, str) and not re.search(r"[A-Za-z:]", window):
        raise ValueError(f"window={window!r} has no unit; write e.g. '3D', '12h' or '90min'")
    ns = _metadata_window(window)
    if ns <= 0:
        raise ValueError(
            f"window must be a positive duration (how long a story stays open without new "
            f"articles), got {pd.Timedelta(ns, unit='ns')}"
        )
    return ns


def _timestamp(ns: int, aware: bool) -> str:
    import pandas as pd

    stamp = pd.Timestamp(ns, unit="ns")
    return str(stamp.tz_localize("UTC") if aware else stamp)


def _texts(texts: Any) -> list[str]:
    refuse_unordered(texts, "texts", "str")
    if getattr(texts, "ndim", 1) != 1:
        raise TypeError(
            f"texts must be a 1-D sequence of str, got an array of shape {tuple(texts.shape)}"
        )
    items = one_per_article(texts, None, "texts", "str")
    for p, t in enumerate(items):
        if not isinstance(t, str):
            raise TypeError(f"texts[{p}] is {t!r} ({type(t).__name__}), expected str")
    return items


def _duration(ns: int) -> str:
    import pandas as pd

    return str(pd.Timedelta(ns, unit="ns"))


def _is_fitted(vectorizer: Any) -> bool:
    try:
        vectorizer.get_feature_names_out()
    except Exception:
        return False
    return True


def _k_best(owner: np.ndarray, other: np.ndarray, score: np.ndarray, k: int) -> np.ndarray:
    """Return the positions of each owner's k highest scores (ties: the lower other).

    Sorted by owner, then best first.
    """
    order = np.lexsort((other, -score, owner))
    sorted_owner = owner[order]
    starts = np.flatnonzero(np.r_[True, sorted_owner[1:] != sorted_owner[:-1]])
    first = np.repeat(starts, np.diff(np.r_[starts, sorted_owner.shape[0]]))
    out: np.ndarray = order[np.arange(order.shape[0]) - first < k]
    return out


def _rows(vectorizer: Any, texts: list[str]) -> sp.csr_matrix:
    """Return the texts' rows under the vectorizer's current weights (float64 CSR, sorted)."""
    X = sp.csr_matrix(vectorizer.transform(texts), dtype=np.float64)
    X.sum_duplicates()
    return X


# ------------------------------------------------------------------------------ clustering


def _agglomerate(
    n_old_groups: int,
    node_group: np.ndarray,
    sizes: np.ndarray,
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    k: int,
    threshold: float,
    join_threshold: float,
    merge_threshold: float,
) -> np.ndarray:
    """Average linkage from the given groups; returns each group's final cluster (a group id).

    Groups ``0 .. n_old_groups - 1`` are the pool's stories, the others hold one new article
    each. ``node_group`` maps the graph's nodes to groups, ``edges`` are (u, v, score) between
    nodes. A cluster of new articles joins one with a pool story only at a link >=
    ``join_threshold``; two clusters that both hold pool stories merge only if one of them holds
    a new article and their link is >= ``merge_threshold``. The result maps each group to the lowest
    group id of its cluster (a cluster with a pool story: its oldest).
    """
    n_groups = sizes.shape[0]
    u, v, w = edges
    a = node_group[u]
    b = node_group[v]
    keep = a != b
    a, b, w = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep]), w[keep]
    adj: list[dict[int, float]] = [{} for _ in range(n_groups)]
    if a.size:
        key = a.astype(np.int64) * n_groups + b
        uniq, inverse = np.unique(key, return_inverse=True)
        sums = np.bincount(inverse.ravel(), weights=w.astype(np.float64))
        for x, y, s in zip((uniq // n_groups).tolist(), (uniq % n_groups).tolist(), sums.tolist()):
            adj[x][y] = s
            adj[y][x] = s
    size: list[float] = sizes.astype(np.float64).tolist()
    has_new = [g >= n_old_groups for g in range(n_groups)]
    alive = [True] * n_groups
    parent = list(range(n_groups))

    def link(weight: float, x: int, y: int) -> float:
        sx, sy = size[x], size[y]
        return weight / min(sx * sy, k * min(sx, sy))

    heap = [(-link(s, x, y), x, y) for x in range(n_groups) for y, s in adj[x].items() if x < y]
    heapq.heapify(heap)
    while heap and -heap[0][0] >= threshold:
        neg, x, y = heapq.heappop(heap)
        if not (alive[x] and alive[y]):
            continue
        weight = adj[x].get(y)
        if weight is None:
            continue
        now = link(weight, x, y)
        if now > -neg:
            continue  # a newer entry holds it
        if now < -neg:
            heapq.heappush(heap, (-now, x, y))
            continue
        if (x < n_old_groups) != (y < n_old_groups) and now < join_threshold:
            continue  # new articles join an open story only on firmer evidence
        if x < n_old_groups and y < n_old_groups:  # both hold pool stories (roots are lowest)
            if not (has_new[x] or has_new[y]) or now < merge_threshold:
                continue  # no new article between them, or not strongly linked
        root, gone = (x, y) if x < y else (y, x)
        moving = adj[gone]
        adj[gone] = {}
        for other, s in moving.items():
            if other == root:
                continue
            del adj[other][gone]
            total = adj[root].get(other, 0.0) + s
            adj[root][other] = total
            adj[other][root] = total
        adj[root].pop(gone, None)
        alive[gone] = False
        parent[gone] = root
        size[root] += size[gone]
        has_new[root] = has_new[root] or has_new[gone]
        for other, s in adj[root].items():
            lo, hi = (root, other) if root < other else (other, root)
            heapq.heappush(heap, (-link(s, root, other), lo, hi))
    out = np.empty(n_groups, dtype=np.int64)
    for g in range(n_groups):
        r = g
        while parent[r] != r:
            r = parent[r]
        out[g] = r
    return out


# ------------------------------------------------------------------------------ the tracker


class StoryTracker(SummaryReprMixin):
    """Stories online: label articles as they arrive, in batches, in time order.

    Each new article joins a story of the last ``window`` or opens one; labels once given never
    change. A story with no article in the last ``window`` is quiet: a later article, however
    similar, opens a new story. When new articles link two open stories strongly, the younger
    is recorded as merged into the older (its later articles take the older one's label); when
    a story's articles stop linking to each other (those that joined its parts left the
    window), it splits (the parts but the largest continue as new stories). Both are in
    :attr:`~newsim.StoryTracker.lineage`.

    The clustering is the average linkage of :meth:`~newsim.SimilarityIndex.stories` (same
    ``k`` and ``threshold``) on the k-nearest-neighbour graph of the articles within the window, run
    once per batch with the open stories fixed (module ``newsim._tracker`` describes the
    steps). Articles of one batch are clustered together, strongest links first, so batches of
    an hour, a day or 100 articles label best (ARI 0.89 to 0.92 against the UCI headlines'
    stories), batches of 10 articles less well (0.81): feed batches rather than single
    articles (benchmarks/RESULTS.md). The labels depend on how the stream is cut into
    batches; not on ``n_jobs``. One batch gives the partition of ``stories()``. Call ``update``
    from one thread at a time: the batches of a stream are ordered.

    Parameters
    ----------
    window : str or timedelta, default="3D"
        How long a story stays open without a new article, and how far apart two articles can
        be and still be linked: a pandas offset with a unit (``"3D"``, ``"12h"``), a
        ``datetime.timedelta``, ``numpy.timedelta64`` or ``pandas.Timedelta``; positive.
    k : int, default=20
        Neighbours kept per article, in [1, 1000].
    threshold : float, default=0.03
        The smallest average link at which an article joins a story (in (0, 1]); higher gives
        more, smaller stories. The defaults are those of :meth:`~newsim.SimilarityIndex.stories`.
    join_threshold : float, default=0.05
        The smallest link at which new articles join an open story (>= ``threshold``): firmer
        than the ``threshold`` at which a batch's new articles group, since a story that an
        unrelated article joined draws that article's later followers in. Chosen on the UCI
        headlines: with batches of 10 articles ARI 0.811, against 0.430 at 0.03
        (benchmarks/RESULTS.md).
    merge_threshold : float, default=0.1
        The smallest link at which two open stories merge through a batch's articles (>=
        ``threshold``; ``float('inf')``: never). Chosen on the UCI headlines, where merges at
        0.05 chained stories in batches of 10 articles (ARI 0.761 against 0.811) and merges at
        0.1 cost nothing (benchmarks/RESULTS.md).
    vectorizer : TfidfVectorizer or similar, optional
        Weights the articles (L2-normalized rows, as newsim's vectorizers give). By default a
        new ``TfidfVectorizer()`` (language detected on the first batch). The tracker works on
        a copy: the object passed is not changed.
    partial_fit : bool, default=True
        Let the vectorizer's vocabulary and idf grow with every batch (``partial_fit``), the
        pool weighted anew each batch. False keeps a fitted vectorizer as it is; then the edges
        do not depend on how the stream is cut into batches.
    keywords : int, default=5
        Terms per story in :meth:`~newsim.StoryTracker.stories`: the heaviest of the sum of
        its articles' rows, as weighted when they joined (each batch adds its 50 heaviest per
        story; 50 are kept).

    Attributes
    ----------
    labels_ : ndarray of int64
        Every article's story, in the order fed.
    ids_ : ndarray
        Every article's id (``ids=`` of :meth:`~newsim.StoryTracker.update`; by default its
        number in the stream).
    lineage : pandas.DataFrame
        Merges and splits: ``date``, ``event``, ``story`` (the story merged away, or the new
        story of a split) and ``other`` (the story it continues, or the story it split from).
    vectorizer_ : vectorizer
        The tracker's vectorizer, as fitted so far.

    See Also
    --------
    newsim.SimilarityIndex.stories : Stories of a whole index at once.

    Examples
    --------
    >>> import newsim
    >>> tracker = newsim.StoryTracker(window="2D")
    >>> tracker.update(
    ...     ["eBay rejects Icahn's board nominees", "Icahn fails to win eBay board seats",
    ...      "Eurozone inflation falls again"],
    ...     dates=["2014-03-10 08:00", "2014-03-10 09:30", "2014-03-10 10:00"],
    ...     sources=["Reuters", "AP", "Reuters"],
    ... ).tolist()
    [0, 0, 1]
    >>> tracker.update(["eBay and Icahn settle the board fight", "Eurozone inflation"],
    ...                dates=["2014-03-11 12:00", "2014-03-15 12:00"]).tolist()
    [0, 2]
    >>> tracker.stories()[["story", "size", "status", "sources"]]
       story  size  status        sources
    0      0     3   quiet  [AP, Reuters]
    1      1     1   quiet      [Reuters]
    2      2     1  active             []
    >>> tracker  # doctest: +ELLIPSIS
    StoryTracker(window=2 days 00:00:00, k=20, threshold=0.03, n_articles=5, n_stories=3, ...)
    """

    def __init__(
        self,
        window: Union[str, _dt.timedelta, np.timedelta64] = "3D",
        *,
        k: int = DEFAULT_K,
        threshold: float = DEFAULT_THRESHOLD,
        join_threshold: float = DEFAULT_JOIN_THRESHOLD,
        merge_threshold: float = DEFAULT_MERGE_THRESHOLD,
        vectorizer: Any = None,
        partial_fit: bool = True,
        keywords: int = 5,
    ) -> None:
        self._window = check_window(window)
        self.window = window
        self.k: int = check_k(k)
        self.threshold: float = _check_link_threshold(threshold, True)
        self.join_threshold: float = self._at_least_threshold("join_threshold", join_threshold)
        self.merge_threshold: float = self._at_least_threshold("merge_threshold", merge_threshold)
        if not isinstance(partial_fit, (bool, np.bool_)):
            raise TypeError(f"partial_fit must be True or False, got {type(partial_fit).__name__}")
        self.partial_fit: bool = bool(partial_fit)
        if isinstance(keywords, bool) or not isinstance(keywords, Integral):
            raise TypeError(
                f"keywords must be an int (terms per story), got {type(keywords).__name__}"
            )
        if not 0 <= int(keywords) <= _KEPT_TERMS:
            raise ValueError(f"keywords must be in [0, {_KEPT_TERMS}], got {int(keywords)}")
        self.keywords: int = int(keywords)
        if vectorizer is None:
            from ._vectorizer import TfidfVectorizer

            vectorizer = TfidfVectorizer()
        for method in ("transform", "get_feature_names_out") + (
            ("partial_fit",) if self.partial_fit else ()
        ):
            if not callable(getattr(vectorizer, method, None)):
                raise TypeError(
                    f"vectorizer must have a {method}() method"
                    + (
                        " (or pass partial_fit=False with a fitted vectorizer)"
                        if method == "partial_fit"
                        else ""
                    )
                    + f"; got {type(vectorizer).__name__}"
                )
        if not self.partial_fit and not _is_fitted(vectorizer):
            raise ValueError(
                "partial_fit=False needs a fitted vectorizer (fit it first), or leave "
                "partial_fit=True to fit it on the batches"
            )
        self.vectorizer_: Any = copy.deepcopy(vectorizer)
        # every article fed
        self._labels: np.ndarray = np.zeros(0, dtype=np.int64)
        self._dates: np.ndarray = np.zeros(0, dtype=np.int64)
        self._sources: list[Optional[str]] = []
        self._ids: list[Any] = []
        self._id_set: set[Any] = set()
        self._default_ids: bool = True
        self._aware: Optional[bool] = None
        # the pool: articles [pool_start, n) of the stream
        self._pool_start: int = 0
        self._pool_texts: list[str] = []
        # the story each pool article counts for, and its k nearest pool articles (CSR; the
        # neighbours' positions in the stream)
        self._group: np.ndarray = np.zeros(0, dtype=np.int64)
        self._nb_ptr: np.ndarray = np.zeros(1, dtype=np.int64)
        self._nb_ids: np.ndarray = np.zeros(0, dtype=np.int64)
        self._nb_scores: np.ndarray = np.zeros(0, dtype=np.float32)
        # the pool's rows, kept while the vectorizer does not learn (partial_fit=False); a
        # cache, rebuilt from the texts after loading
        self._pool_X: Optional[sp.csr_matrix] = None
        # stories
        self._n_stories: int = 0
        self._merged_into: dict[int, int] = {}
        self._split_from: dict[int, int] = {}
        self._events: list[tuple[int, str, int, int]] = []  # (date ns, event, story, other)
        self._terms: list[dict[str, float]] = []

    def _at_least_threshold(self, name: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(f"{name} must be a number, got {type(value).__name__}")
        if not float(value) >= self.threshold:  # NaN fails too
            raise ValueError(
                f"{name} must be >= threshold ({self.threshold}) or inf, got {value!r}"
            )
        return float(value)

    # -------------------------------------------------------------------------- properties

    @property
    def labels_(self) -> np.ndarray:
        """Every article's story, in the order fed (a copy)."""
        return self._labels.copy()

    @property
    def ids_(self) -> np.ndarray:
        """Every article's id, in the order fed."""
        if self._default_ids:
            return np.arange(len(self._ids), dtype=np.int64)
        out = np.empty(len(self._ids), dtype=object)
        out[:] = self._ids
        return out

    @property
    def n_articles(self) -> int:
        """Articles fed so far."""
        return int(self._labels.shape[0])

    @property
    def n_stories(self) -> int:
        """Stories opened so far (by a new article or by a split)."""
        return self._n_stories

    @property
    def window_(self) -> Any:
        """The window as a ``pandas.Timedelta``."""
        import pandas as pd

        return pd.Timedelta(self._window, unit="ns")

    @property
    def active_stories_(self) -> np.ndarray:
        """The stories still open (with an article in the window), increasing."""
        return np.unique(self._group)

    @property
    def lineage(self) -> Any:
        """Merges and splits, in the order they happened, as a pandas DataFrame.

        Columns ``date`` (UTC when the dates are time-zone aware: for a merge, the latest
        article of the batch in the merged story; for a split, the last article of the batch
        after which it split), ``event`` (``"merge"`` or ``"split"``), ``story`` (merge: the
        story that ends, its later articles labelled ``other``; split: the new story) and
        ``other`` (merge: the story it continues; split: the story it split from).
        """
        import pandas as pd

        dates = pd.DatetimeIndex(
            np.array([e[0] for e in self._events], dtype=np.int64).astype("datetime64[ns]")
        )
        if self._aware:
            dates = dates.tz_localize("UTC")
        return pd.DataFrame(
            {
                "date": dates,
                "event": [e[1] for e in self._events],
                "story": np.array([e[2] for e in self._events], dtype=np.int64),
                "other": np.array([e[3] for e in self._events], dtype=np.int64),
            }
        )

    def _summary(self) -> list[tuple[str, Any]]:
        return [
            ("window", _duration(self._window)),
            ("k", self.k),
            ("threshold", self.threshold),
            ("n_articles", self.n_articles),
            ("n_stories", self.n_stories),
            ("active", int(self.active_stories_.shape[0])),
            ("merges", sum(1 for e in self._events if e[1] == "merge")),
            ("splits", sum(1 for e in self._events if e[1] == "split")),
        ]

    # -------------------------------------------------------------------------- update

    def update(
        self,
        texts: Sequence[str],
        *,
        dates: Any,
        sources: Optional[npt.ArrayLike] = None,
        ids: Optional[Sequence[Any]] = None,
    ) -> np.ndarray:
        """Label a batch of articles, in time order, and return their stories.

        Parameters
        ----------
        texts : sequence of str
            The batch's articles.
        dates : sequence of datetime-like
            One date per article, in increasing order (equal dates allowed), none earlier than
            the last date of the earlier batches: datetime, date, pandas.Timestamp,
            numpy.datetime64 or ISO 8601 strings (a datetime64 array or pandas Series is
            fastest). All time-zone aware or all naive, in this batch and every other.
        sources : sequence of str, optional
            One source (publisher) per article, None for unknown;
            :meth:`~newsim.StoryTracker.stories` lists them.
        ids : sequence, optional
            One id (str or int) per article, not used before; by default the articles are
            numbered in the stream (0, 1, ...). Give ids in every batch or in none.

        Returns
        -------
        ndarray of int64
            Each article's story. Earlier articles' labels do not change.

        Raises
        ------
        ValueError
            A date missing, not parsing, out of order (in the batch, or earlier than the last
            date already seen), time-zone aware mixed with naive; ``sources``/``ids`` of the
            wrong length; an id repeated.
        TypeError
            ``texts``, ``dates``, ``sources`` or ``ids`` of the wrong type.

        See Also
        --------
        newsim.StoryTracker.stories : One row per story.
        newsim.StoryTracker.lineage : Merges and splits.

        Examples
        --------
        >>> import newsim
        >>> tracker = newsim.StoryTracker()
        >>> tracker.update(["Apple unveils a new iPhone", "New iPhone unveiled by Apple"],
        ...                dates=["2014-03-10", "2014-03-11"], ids=["a", "b"]).tolist()
        [0, 0]
        >>> tracker.update(["Apple iPhone"], dates=["2014-03-09"], ids=["c"])
        Traceback (most recent call last):
        ...
        ValueError: dates[0] (2014-03-09 00:00:00) is earlier than the last date already ...
        """
        docs = _texts(texts)
        n = len(docs)
        if dates is None:
            raise TypeError("dates is required: one date per article, in time order")
        ns, aware = check_dates(dates, n)
        src = check_sources(sources, n) if sources is not None else np.full(n, None, object)
        new_ids = self._check_ids(ids, n)
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        self._check_order(ns, aware)
        # every argument checked: from here on the tracker changes
        if self.partial_fit:
            self.vectorizer_.partial_fit(docs)
        self._aware = aware
        # the pool before the batch: the articles within the window of its first article
        self._expire(int(ns[0]))
        pool_texts = self._pool_texts + docs
        X = self._pool_rows(docs)
        pool_dates = np.concatenate([self._dates[self._pool_start :], ns])
        n_old = len(self._pool_texts)
        lists = self._neighbours(X, pool_dates, n_old)
        labels, group_after = self._cluster(lists, n_old, n, ns)
        # record the batch
        self._labels = np.concatenate([self._labels, labels])
        self._dates = np.concatenate([self._dates, ns])
        self._sources.extend(src.tolist())
        if ids is not None:
            self._default_ids = False
            self._id_set.update(new_ids)
        self._ids.extend(new_ids)
        self._pool_texts = pool_texts
        if not self.partial_fit:
            self._pool_X = X
        self._group = np.concatenate([group_after, labels])
        ptr, nb_ids, nb_scores = lists
        self._nb_ptr, self._nb_ids, self._nb_scores = ptr, nb_ids + self._pool_start, nb_scores
        self._add_terms(X[n_old:], labels)
        # the articles no later one can reach leave; the stories they held together split
        self._expire(int(ns[-1]))
        return labels.copy()

    def _check_ids(self, ids: Any, n: int) -> list[Any]:
        if ids is None:
            if not self._default_ids and self._ids:
                raise ValueError(
                    "ids is missing: earlier batches gave ids, so every batch needs them"
                )
            start = len(self._ids)
            return list(range(start, start + n))
        if self._default_ids and self._ids:
            raise ValueError(
                "ids given, but earlier batches had none (their articles are numbered 0, 1, "
                "...); give ids in every batch or in none"
            )
        items = one_per_article(ids, n, "ids", "ids")
        seen: dict[Any, int] = {}
        for p, value in enumerate(items):
            if isinstance(value, np.generic):
                value = value.item()
                items[p] = value
            if isinstance(value, bool) or not isinstance(value, (str, int)):
                raise TypeError(
                    f"ids[{p}] is {value!r} ({type(value).__name__}): ids must be str or int"
                )
            if value in seen:
                raise ValueError(
                    f"ids[{p}] = {value!r} repeats ids[{seen[value]}]; ids must be unique"
                )
            if value in self._id_set:
                raise ValueError(f"ids[{p}] = {value!r} is already tracked; ids must be unique")
            seen[value] = p
        return items

    def _check_order(self, ns: np.ndarray, aware: bool) -> None:
        if self._aware is not None and aware != self._aware:
            which = {True: "time-zone aware", False: "naive (no time zone)"}
            raise ValueError(
                f"dates[0] is {which[aware]}, but the earlier batches' dates are "
                f"{which[self._aware]}; give every date a time zone or none"
            )
        if not ns.size:
            return
        back = np.flatnonzero(ns[1:] < ns[:-1])
        if back.size:
            p = int(back[0]) + 1
            raise ValueError(
                f"dates[{p}] ({_timestamp(int(ns[p]), aware)}) is earlier than dates[{p - 1}] "
                f"({_timestamp(int(ns[p - 1]), aware)}): a StoryTracker takes articles in time "
                "order; sort the batch by date first (e.g. df.sort_values('date', kind='stable'))"
            )
        if self.n_articles and ns[0] < self._dates[-1]:
            raise ValueError(
                f"dates[0] ({_timestamp(int(ns[0]), aware)}) is earlier than the last date "
                f"already tracked ({_timestamp(int(self._dates[-1]), aware)}, article "
                f"{self.n_articles - 1}): batches must come in time order; a late article "
                "cannot join the past (drop it, or start a new tracker on the sorted stream)"
            )

    def _pool_rows(self, docs: list[str]) -> sp.csr_matrix:
        """Return the pool's rows then the batch's, under the vectorizer's current weights.

        A learning vectorizer changes every weight: the pool is transformed anew. A fixed one
        (``partial_fit=False``) gives the pool's rows it gave before: only the batch is
        transformed.
        """
        if self.partial_fit or self._pool_X is None:
            return _rows(self.vectorizer_, self._pool_texts + docs)
        return sp.csr_matrix(sp.vstack([self._pool_X, _rows(self.vectorizer_, docs)]))

    def _neighbours(
        self, X: sp.csr_matrix, dates: np.ndarray, n_old: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every pool article's k nearest pool articles within the window, the batch added.

        ``X`` holds the pool's rows then the batch's. The pool's lists (scored anew with the
        current weights when the vectorizer learns) take in the batch's articles that beat
        their weakest entry; the batch's articles get their k highest cosines (> 0) among all
        the pool's articles within the window, before or after them. Ties go to the earlier
        article. Returns CSR (ptr, positions in the pool, scores) over all pool rows.
        """
        n_pool = X.shape[0]
        k = self.k
        ptr = self._nb_ptr
        src_old = np.repeat(np.arange(n_old, dtype=np.int64), np.diff(ptr))
        dst_old = self._nb_ids - self._pool_start
        score_old = self._nb_scores
        if self.partial_fit and src_old.size:
            # scored anew: the early batches' idf (from few articles) must not decide the
            # links for the whole window; in slices, to bound the rows copied at once
            score_old = np.empty(src_old.shape[0], dtype=np.float32)
            for e0 in range(0, src_old.shape[0], 16384):
                a, b = src_old[e0 : e0 + 16384], dst_old[e0 : e0 + 16384]
                score_old[e0 : e0 + a.shape[0]] = np.asarray(
                    X[a].multiply(X[b]).sum(axis=1), dtype=np.float32
                ).ravel()
        src_parts, dst_parts, score_parts = [src_old], [dst_old], [score_old]
        step = 512
        for b0 in range(n_old, n_pool, step):
            b1 = min(b0 + step, n_pool)
            lo = int(np.searchsorted(dates, dates[b0] - self._window, side="left"))
            hi = int(np.searchsorted(dates, dates[b1 - 1] + self._window, side="right"))
            S = (X[b0:b1] @ X[lo:hi].T).tocoo()
            rows = S.row.astype(np.int64) + b0
            cols = S.col.astype(np.int64) + lo
            vals = S.data.astype(np.float32)
            del S
            m = (rows != cols) & (vals > 0) & (np.abs(dates[rows] - dates[cols]) <= self._window)
            rows, cols, vals = rows[m], cols[m], vals[m]
            # the batch's rows list every pool article; the pool's rows take the batch's (each
            # side cut to its k best of this block already, to bound the memory)
            top = _k_best(rows, cols, vals, k)
            src_parts.append(rows[top])
            dst_parts.append(cols[top])
            score_parts.append(vals[top])
            old = np.flatnonzero(cols < n_old)
            top = old[_k_best(cols[old], rows[old], vals[old], k)]
            src_parts.append(cols[top])
            dst_parts.append(rows[top])
            score_parts.append(vals[top])
        src = np.concatenate(src_parts)
        dst = np.concatenate(dst_parts)
        score = np.concatenate(score_parts).astype(np.float32)
        keep = _k_best(src, dst, score, k)
        src, dst, score = src[keep], dst[keep], score[keep]  # sorted by src, best first
        new_ptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n_pool))])
        return new_ptr.astype(np.int64), dst, score

    @staticmethod
    def _edges(
        ptr: np.ndarray, ids: np.ndarray, scores: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the undirected graph of neighbour lists (pool positions), each edge once."""
        n = ptr.shape[0] - 1
        src = np.repeat(np.arange(n, dtype=np.int64), np.diff(ptr))
        lo, hi = np.minimum(src, ids), np.maximum(src, ids)
        order = np.lexsort((-scores, hi, lo))
        lo, hi, w = lo[order], hi[order], scores[order]
        first = np.ones(lo.shape[0], dtype=bool)
        first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
        return lo[first], hi[first], w[first]

    def _cluster(
        self,
        lists: tuple[np.ndarray, np.ndarray, np.ndarray],
        n_old: int,
        n_new: int,
        ns: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Cluster the batch with the pool's stories fixed.

        Returns the batch's labels and the stories the pool's articles count for after it
        (merged stories replaced by the story they continue); records the merges.
        """
        old_groups = self._group
        stories, old_of = np.unique(old_groups, return_inverse=True)
        g_old = stories.shape[0]
        node_group = np.concatenate([old_of.ravel(), g_old + np.arange(n_new)]).astype(np.int64)
        sizes = np.concatenate(
            [np.bincount(old_of.ravel(), minlength=g_old), np.ones(n_new, dtype=np.int64)]
        )
        u, v, w = self._edges(*lists)
        root = _agglomerate(
            g_old,
            node_group,
            sizes,
            (u, v, w),
            self.k,
            self.threshold,
            self.join_threshold,
            self.merge_threshold,
        )
        # the story of each cluster: its oldest pool story, or a new one
        label_of_root: dict[int, int] = {}
        for g in range(g_old):  # stories increase: the first of a cluster is its oldest
            r = int(root[g])
            if r in label_of_root:
                gone = int(stories[g])
                target = label_of_root[r]
                self._merged_into[gone] = target
                new_in = np.flatnonzero(root[g_old:] == r)
                self._events.append((int(ns[new_in].max()), "merge", gone, target))
            else:
                label_of_root[r] = int(stories[g])
        labels = np.empty(n_new, dtype=np.int64)
        for p in range(n_new):
            r = int(root[g_old + p])
            if r not in label_of_root:
                label_of_root[r] = self._open_story()
            labels[p] = label_of_root[r]
        group_after = old_groups.copy()
        if g_old:
            remap = np.array([label_of_root[int(root[g])] for g in range(g_old)], dtype=np.int64)
            group_after = remap[old_of.ravel()]
        return labels, group_after

    def _open_story(self) -> int:
        story = self._n_stories
        self._n_stories += 1
        self._terms.append({})
        return story

    def _expire(self, now: int) -> None:
        """Drop the pool articles more than ``window`` before ``now``; look for splits."""
        n_pool = len(self._pool_texts)
        dates = self._dates[self._pool_start :]
        cut = int(np.searchsorted(dates, now - self._window, side="left"))
        if cut:
            lost = np.unique(self._group[:cut])
            self._pool_start += cut
            self._pool_texts = self._pool_texts[cut:]
            if self._pool_X is not None:
                self._pool_X = self._pool_X[cut:]
            self._group = self._group[cut:]
            start = int(self._nb_ptr[cut])
            ptr = self._nb_ptr[cut:] - start
            ids, scores = self._nb_ids[start:], self._nb_scores[start:]
            alive = ids >= self._pool_start  # entries pointing to articles that left go
            src = np.repeat(np.arange(ptr.shape[0] - 1), np.diff(ptr))
            self._nb_ptr = np.concatenate(
                [[0], np.cumsum(np.bincount(src[alive], minlength=ptr.shape[0] - 1))]
            ).astype(np.int64)
            self._nb_ids, self._nb_scores = ids[alive], scores[alive]
            self._split(lost, now)
        assert len(self._pool_texts) == n_pool - cut

    def _split(self, touched: np.ndarray, when: int) -> None:
        """Split the touched stories whose pool articles no longer form one component."""
        from scipy.sparse.csgraph import connected_components

        n = len(self._pool_texts)
        if n == 0:
            return
        src = np.repeat(np.arange(n, dtype=np.int64), np.diff(self._nb_ptr))
        dst = self._nb_ids - self._pool_start
        m = self._group[src] == self._group[dst]
        graph = sp.coo_matrix((np.ones(int(m.sum())), (src[m], dst[m])), shape=(n, n))
        _, comp = connected_components(graph, directed=False)
        for story in np.intersect1d(touched, self._group).tolist():
            members = np.flatnonzero(self._group == story)
            parts, first, counts = np.unique(comp[members], return_index=True, return_counts=True)
            if parts.size < 2:
                continue
            # the largest part keeps the story (equal sizes: the one with the oldest article)
            order = sorted(range(parts.size), key=lambda q: (-counts[q], first[q]))
            for q in sorted(order[1:], key=lambda q: first[q]):
                new = self._open_story()
                self._group[members[comp[members] == parts[q]]] = new
                self._split_from[new] = int(story)
                self._events.append((when, "split", new, int(story)))

    def _add_terms(self, X: sp.csr_matrix, labels: np.ndarray) -> None:
        """Add the batch's rows to their stories' term weights (the 50 heaviest kept)."""
        names = self.vectorizer_.get_feature_names_out()
        stories, inverse = np.unique(labels, return_inverse=True)
        L = sp.csr_matrix(
            (np.ones(labels.shape[0]), (inverse.ravel(), np.arange(labels.shape[0]))),
            shape=(stories.shape[0], labels.shape[0]),
        )
        C = (L @ X).tocsr()
        for s, story in enumerate(stories.tolist()):
            cols = C.indices[C.indptr[s] : C.indptr[s + 1]]
            vals = C.data[C.indptr[s] : C.indptr[s + 1]]
            if vals.shape[0] > _KEPT_TERMS:  # only the batch's heaviest can enter the kept ones
                top = np.argpartition(-vals, _KEPT_TERMS - 1)[:_KEPT_TERMS]
                cols, vals = cols[top], vals[top]
            terms = self._terms[story]
            for c, val in zip(cols.tolist(), vals.tolist()):
                term = str(names[c])
                terms[term] = terms.get(term, 0.0) + float(val)
            if len(terms) > _KEPT_TERMS:
                kept = sorted(terms.items(), key=lambda tv: (-tv[1], tv[0]))[:_KEPT_TERMS]
                self._terms[story] = dict(kept)

    # -------------------------------------------------------------------------- results

    def stories(self) -> Any:
        """Describe every story so far, one row each, by story number.

        Returns
        -------
        pandas.DataFrame
            Columns ``story``; ``size`` (articles labelled with it); ``first_date`` and
            ``last_date`` (UTC for time-zone aware dates; NaT for a story opened by a split
            that no article joined yet); ``status``: ``"active"`` (it has articles in the
            window: later articles can join it), ``"quiet"`` (none; nothing joins it any more)
            or ``"merged"`` (its later articles went to ``merged_into``); ``merged_into`` and
            ``split_from`` (story numbers, <NA> when none); ``active_articles`` (the articles
            in the window that count for it, those it inherited by a split included);
            ``n_sources`` and ``sources`` (distinct sources, most frequent first); ``keywords``
            (the heaviest terms of the sum of its articles' rows, as weighted when they
            joined).

        See Also
        --------
        newsim.StoryTracker.lineage : Merges and splits.

        Examples
        --------
        >>> import newsim
        >>> tracker = newsim.StoryTracker(window="1D")
        >>> _ = tracker.update(["Rates rise in Britain", "Britain raises rates", "Rates rise"],
        ...                    dates=["2014-03-10", "2014-03-10", "2014-03-12"])
        >>> tracker.stories()[["story", "size", "first_date", "status"]]
           story  size first_date  status
        0      0     2 2014-03-10   quiet
        1      1     1 2014-03-12  active
        """
        import pandas as pd

        from ._stories import _date_range, _sources

        n_s = self._n_stories
        sizes = np.bincount(self._labels, minlength=n_s).astype(np.int64)
        first, last = _date_range(self._labels, n_s, self._dates)
        first[sizes == 0] = np.datetime64("NaT")
        last[sizes == 0] = np.datetime64("NaT")
        tz = "UTC" if self._aware else None
        src = np.empty(len(self._sources), dtype=object)
        src[:] = self._sources
        n_sources, lists = _sources(self._labels, n_s, src)
        active = np.bincount(self._group, minlength=n_s).astype(np.int64)
        status = np.where(active > 0, "active", "quiet").astype(object)
        for story in self._merged_into:
            status[story] = "merged"
        top = [
            [t for t, _ in sorted(terms.items(), key=lambda tv: (-tv[1], tv[0]))[: self.keywords]]
            for terms in self._terms
        ]
        return pd.DataFrame(
            {
                "story": np.arange(n_s, dtype=np.int64),
                "size": sizes,
                "first_date": pd.DatetimeIndex(first).tz_localize(tz),
                "last_date": pd.DatetimeIndex(last).tz_localize(tz),
                "status": status,
                "merged_into": pd.array(
                    [self._merged_into.get(s) for s in range(n_s)], dtype="Int64"
                ),
                "split_from": pd.array(
                    [self._split_from.get(s) for s in range(n_s)], dtype="Int64"
                ),
                "active_articles": active,
                "n_sources": n_sources,
                "sources": lists,
                "keywords": top,
            }
        )

    # -------------------------------------------------------------------------- persistence

    def save(self, path: Union[str, os.PathLike[str]]) -> None:
        """Save the tracker to a file, to go on from it later with ``StoryTracker.load``.

        The file holds the parameters, every article's label, date, source and id, the
        window's articles (texts and edges), the stories' lineage and keywords, and the
        vectorizer's model file; a checksum covers it all. It is written to a temporary file
        renamed over ``path``: an interrupted save leaves any earlier file whole.

        Parameters
        ----------
        path : str or path-like
            Destination file.

        Raises
        ------
        TypeError
            If the vectorizer is not one of newsim's (pickle the tracker instead).

        See Also
        --------
        newsim.StoryTracker.load : Open a saved tracker.

        Examples
        --------
        >>> import os, tempfile
        >>> import newsim
        >>> tracker = newsim.StoryTracker()
        >>> _ = tracker.update(["Rates rise", "Rates rise again"], dates=["2014-03-10"] * 2)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     tracker.save(os.path.join(folder, "stories.newsim"))
        ...     loaded = newsim.StoryTracker.load(os.path.join(folder, "stories.newsim"))
        >>> loaded.update(["Rates rise once more"], dates=["2014-03-11"]).tolist()
        [0]
        """
        _core.write_file(os.fspath(path), self._to_bytes())

    @classmethod
    def load(cls, path: Union[str, os.PathLike[str]]) -> StoryTracker:
        """Load a tracker saved with :meth:`~newsim.StoryTracker.save`.

        Parameters
        ----------
        path : str or path-like
            A file written by :meth:`~newsim.StoryTracker.save`.

        Returns
        -------
        StoryTracker
            The tracker as saved: :meth:`~newsim.StoryTracker.update` continues as the saved
            one would have.

        Raises
        ------
        newsim.ModelFormatError
            If the file is not a tracker, is damaged or truncated (the checksum or the
            contents do not check), or was written by a newer newsim.

        See Also
        --------
        newsim.StoryTracker.save : Write a tracker to a file.

        Examples
        --------
        >>> import os, tempfile
        >>> import newsim
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = os.path.join(folder, "not-a-tracker")
        ...     with open(path, "wb") as fh:
        ...         _ = fh.write(b"hello")
        ...     newsim.StoryTracker.load(path)
        Traceback (most recent call last):
        ...
        newsim._core.ModelFormatError: '...not-a-tracker' is not a StoryTracker file ...
        """
        with open(path, "rb") as fh:
            blob = fh.read()
        return cls._from_bytes(blob, repr(os.fspath(path)))

    def __reduce__(self) -> tuple[Any, ...]:
        state = {k: v for k, v in self.__dict__.items() if k != "_pool_X"}  # a cache
        return (_from_pickle, (state,))

    def _to_bytes(self) -> bytes:
        model = getattr(self.vectorizer_, "_model_bytes", None)
        if model is None:
            raise TypeError(
                f"save needs one of newsim's vectorizers, the tracker has a "
                f"{type(self.vectorizer_).__name__}; pickle the tracker instead"
            )
        meta = {
            "window_ns": self._window,
            "window": self.window if isinstance(self.window, str) else None,
            "k": self.k,
            "threshold": self.threshold,
            "join_threshold": self.join_threshold,
            "merge_threshold": self.merge_threshold,
            "partial_fit": self.partial_fit,
            "keywords": self.keywords,
            "aware": self._aware,
            "pool_start": self._pool_start,
            "n_stories": self._n_stories,
            "default_ids": self._default_ids,
            "ids": None if self._default_ids else self._ids,
            "sources": self._sources,
            "pool_texts": self._pool_texts,
            "merged_into": sorted(self._merged_into.items()),
            "split_from": sorted(self._split_from.items()),
            "events": self._events,
            "terms": [sorted(t.items()) for t in self._terms],
        }
        arrays = {
            "meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
            "vectorizer": np.frombuffer(model(), dtype=np.uint8),
            "labels": self._labels,
            "dates": self._dates,
            "group": self._group,
            "nb_ptr": self._nb_ptr,
            "nb_ids": self._nb_ids,
            "nb_scores": self._nb_scores,
        }
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)  # type: ignore[arg-type]
        payload = buffer.getvalue()
        header = _HEADER.pack(MAGIC, FORMAT_VERSION, 0, len(payload), zlib.crc32(payload))
        return header + payload

    @classmethod
    def _from_bytes(cls, blob: bytes, source: str) -> StoryTracker:
        error = _core.ModelFormatError
        if len(blob) < _HEADER.size or not blob.startswith(MAGIC):
            raise error(
                f"{source} is not a StoryTracker file (it does not start with newsim's "
                "tracker header)"
            )
        _, version, _, length, crc = _HEADER.unpack_from(blob)
        if version > FORMAT_VERSION:
            raise error(
                f"{source} is a StoryTracker file of format {version}; this newsim reads "
                f"format {FORMAT_VERSION}: it was written by a newer newsim"
            )
        payload = blob[_HEADER.size :]
        if len(payload) != length:
            raise error(
                f"{source} is damaged: {len(payload)} bytes of data where the header says "
                f"{length} (truncated or appended to)"
            )
        if zlib.crc32(payload) != crc:
            raise error(f"{source} is damaged: its checksum does not match its contents")
        try:
            with np.load(io.BytesIO(payload), allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
            meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
            from ._persistence import _PersistenceMixin

            vectorizer = _PersistenceMixin._from_model_bytes(arrays["vectorizer"].tobytes(), source)
            tracker = cls(
                meta["window"]
                if meta["window"] is not None
                else np.timedelta64(meta["window_ns"], "ns"),
                k=meta["k"],
                threshold=meta["threshold"],
                join_threshold=meta["join_threshold"],
                merge_threshold=meta["merge_threshold"],
                vectorizer=vectorizer,
                partial_fit=meta["partial_fit"],
                keywords=meta["keywords"],
            )
            tracker._restore(meta, arrays)
        except error:
            raise
        except Exception as exc:  # a file that passed the checksum but does not hold a tracker
            raise error(f"{source} does not hold a valid StoryTracker ({exc})") from exc
        return tracker

    def _restore(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        n = int(arrays["labels"].shape[0])
        self._labels = arrays["labels"].astype(np.int64)
        self._dates = arrays["dates"].astype(np.int64)
        self._aware = meta["aware"]
        self._pool_start = int(meta["pool_start"])
        self._n_stories = int(meta["n_stories"])
        self._default_ids = bool(meta["default_ids"])
        self._ids = list(range(n)) if self._default_ids else list(meta["ids"])
        self._id_set = set() if self._default_ids else set(self._ids)
        self._sources = list(meta["sources"])
        self._pool_texts = list(meta["pool_texts"])
        self._group = arrays["group"].astype(np.int64)
        self._nb_ptr = arrays["nb_ptr"].astype(np.int64)
        self._nb_ids = arrays["nb_ids"].astype(np.int64)
        self._nb_scores = arrays["nb_scores"].astype(np.float32)
        self._merged_into = {int(a): int(b) for a, b in meta["merged_into"]}
        self._split_from = {int(a): int(b) for a, b in meta["split_from"]}
        self._events = [(int(d), str(e), int(a), int(b)) for d, e, a, b in meta["events"]]
        self._terms = [{str(t): float(v) for t, v in terms} for terms in meta["terms"]]
        n_pool = len(self._pool_texts)
        checks = {
            "dates": self._dates.shape == (n,),
            "ids": len(self._ids) == n and (self._default_ids or len(self._id_set) == n),
            "sources": len(self._sources) == n,
            "labels": n == 0 or (self._labels.min() >= 0 and self._labels.max() < self._n_stories),
            "pool": self._pool_start + n_pool == n and self._group.shape == (n_pool,),
            "groups": n_pool == 0
            or (self._group.min() >= 0 and self._group.max() < self._n_stories),
            "edges": self._nb_ptr.shape == (n_pool + 1,)
            and self._nb_ptr[0] == 0
            and bool(np.all(np.diff(self._nb_ptr) >= 0))
            and self._nb_ptr[-1] == self._nb_ids.shape[0] == self._nb_scores.shape[0]
            and bool(np.all(self._nb_ids < n)),
            "order": bool(np.all(np.diff(self._dates) >= 0)),
            "terms": len(self._terms) == self._n_stories,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise ValueError(f"its {', '.join(bad)} do not agree with the rest")


def _from_pickle(state: dict[str, Any]) -> StoryTracker:
    tracker = StoryTracker.__new__(StoryTracker)
    tracker.__dict__.update(state)
    tracker._pool_X = None
    return tracker
