"""Stories: which articles cover the same event (``SimilarityIndex.stories``).

The clustering runs in the core (``cpp/src/stories.cpp``): average linkage on the index's
k-nearest-neighbour graph, O(n·k) memory. This module checks the arguments that only Python
sees (dates, sources, the vectorizer for keywords) and describes each story: its size, first
and last date, sources and keywords (the heaviest terms of the sum of its articles' rows).
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import TYPE_CHECKING, Any, Optional

import numpy as np
import scipy.sparse as sp

from . import _core
from ._metadata import check_dates as check_dates  # re-exported: also used by others
from ._metadata import check_sources as check_sources
from ._repr import SummaryReprMixin

if TYPE_CHECKING:  # pragma: no cover
    from ._similarity import SimilarityIndex

__all__ = ["Stories"]

#: Defaults of ``stories()``, declared once in the core (StoryOptions).
DEFAULT_K: int = int(_core.STORY_DEFAULT_K)
DEFAULT_THRESHOLD: float = float(_core.STORY_DEFAULT_THRESHOLD)


class Stories(SummaryReprMixin):
    """The stories of an index's articles: one label per article and a description per story.

    Stories are numbered from 0 by decreasing size (equal sizes: by their first article). An
    article linked to no other above the threshold is a story of its own (size 1).

    Attributes
    ----------
    labels : ndarray of int64, shape (n_articles,)
        Each article's story, aligned with the index's rows (and ``ids``).
    ids : ndarray, shape (n_articles,)
        The articles' ids (the index's ``ids_``: the row numbers without ids).
    sizes : ndarray of int64, shape (n_stories,)
        Articles per story.
    keywords : list of list
        Each story's heaviest terms (the largest entries of the sum of its rows): feature
        names when the index or the vectorizer has them, column numbers otherwise.
    first_date, last_date : ndarray of datetime64[ns] or None
        Each story's earliest and latest date (UTC for time-zone aware dates), with ``dates=``.
    n_sources : ndarray of int64 or None
        Distinct sources per story (missing sources not counted), with ``sources=``.
    sources : list of list of str or None
        Each story's distinct sources, most frequent first (equal counts: by name).
    k, threshold : int, float
        The parameters the stories were found with.

    See Also
    --------
    newsim.SimilarityIndex.stories : Makes it.
    newsim.StoryTracker : Stories online.
    newsim.plot.story_timeline : Draw the stories over time.

    Examples
    --------
    >>> import newsim
    >>> texts = ["Icahn nominees rejected by eBay board", "eBay board rejects Icahn nominees",
    ...          "Eurozone inflation falls again", "inflation in the eurozone falls",
    ...          "a lonely headline"]
    >>> index = newsim.TfidfVectorizer(language="en").index(texts, ids=list("abcde"))
    >>> stories = index.stories()
    >>> stories.labels.tolist()
    [0, 0, 1, 1, 2]
    >>> stories.members(0).tolist()
    ['a', 'b']
    >>> stories  # doctest: +ELLIPSIS
    Stories(n_articles=5, n_stories=3, largest=2, singletons=1, k=20, threshold=0.03)
    """

    def __init__(
        self,
        labels: np.ndarray,
        sizes: np.ndarray,
        ids: np.ndarray,
        keywords: list[list[Any]],
        *,
        k: int,
        threshold: float,
        first_date: Optional[np.ndarray] = None,
        last_date: Optional[np.ndarray] = None,
        utc: bool = False,
        n_sources: Optional[np.ndarray] = None,
        sources: Optional[list[list[str]]] = None,
    ) -> None:
        self.labels = labels
        self.sizes = sizes
        self.ids = ids
        self.keywords = keywords
        self.k = k
        self.threshold = threshold
        self.first_date = first_date
        self.last_date = last_date
        self._utc = utc
        self.n_sources = n_sources
        self.sources = sources

    @property
    def n_stories(self) -> int:
        """Number of stories (single articles included)."""
        return int(self.sizes.shape[0])

    @property
    def n_articles(self) -> int:
        """Number of articles."""
        return int(self.labels.shape[0])

    def members(self, story: int) -> np.ndarray:
        """Return the ids of one story's articles, in row order.

        Parameters
        ----------
        story : int
            A story number, in ``[0, n_stories)``.

        Returns
        -------
        ndarray
            The articles' ids (their rows when the index has no ids).

        Raises
        ------
        IndexError
            If there is no such story.

        See Also
        --------
        newsim.Stories.to_frame : One row per story.

        Examples
        --------
        >>> import newsim
        >>> index = newsim.TfidfVectorizer(language="en").index(["rates rise", "rates rise again"])
        >>> index.stories().members(0).tolist()
        [0, 1]
        """
        if isinstance(story, bool) or not isinstance(story, Integral):
            raise TypeError(f"story must be an int, got {type(story).__name__}")
        if not 0 <= int(story) < self.n_stories:
            raise IndexError(f"story={story} is out of range: there are {self.n_stories} stories")
        out: np.ndarray = self.ids[self.labels == int(story)]
        return out

    def _summary(self) -> list[tuple[str, Any]]:
        return [
            ("n_articles", self.n_articles),
            ("n_stories", self.n_stories),
            ("largest", int(self.sizes[0]) if self.n_stories else 0),
            ("singletons", int(np.count_nonzero(self.sizes == 1))),
            ("k", self.k),
            ("threshold", self.threshold),
        ]

    def to_frame(self) -> Any:
        """Return one row per story as a pandas DataFrame, largest first.

        Returns
        -------
        pandas.DataFrame
            Columns ``story``, ``size``, ``first_date`` and ``last_date`` (with ``dates=``;
            UTC when the dates were time-zone aware), ``n_sources`` and ``sources`` (with
            ``sources=``) and ``keywords`` (a list per story). The articles' stories are
            ``labels`` (``pd.DataFrame({"article_id": s.ids, "story": s.labels})``).

        See Also
        --------
        newsim.Stories.members : One story's articles.

        Examples
        --------
        >>> import newsim
        >>> texts = ["Icahn nominees rejected by eBay board", "eBay rejects Icahn nominees",
        ...          "a lonely headline"]
        >>> index = newsim.TfidfVectorizer(language="en").index(texts)
        >>> df = index.stories(sources=["Reuters", "AP", "AP"]).to_frame()
        >>> df[["story", "size", "n_sources", "sources"]]
           story  size  n_sources        sources
        0      0     2          2  [AP, Reuters]
        1      1     1          1           [AP]
        """
        import pandas as pd

        columns: dict[str, Any] = {
            "story": np.arange(self.n_stories, dtype=np.int64),
            "size": self.sizes,
        }
        if self.first_date is not None and self.last_date is not None:
            tz = "UTC" if self._utc else None
            columns["first_date"] = pd.DatetimeIndex(self.first_date).tz_localize(tz)
            columns["last_date"] = pd.DatetimeIndex(self.last_date).tz_localize(tz)
        if self.n_sources is not None:
            columns["n_sources"] = self.n_sources
            columns["sources"] = self.sources
        columns["keywords"] = self.keywords
        return pd.DataFrame(columns)


# ------------------------------------------------------------------------------ arguments


def check_k(k: Any) -> int:
    """Return ``k`` of stories(): an int in [1, STORY_MAX_K]."""
    if isinstance(k, bool) or not isinstance(k, Integral):
        raise TypeError(f"k must be an int, got {type(k).__name__}")
    top = int(_core.STORY_MAX_K)
    if not 1 <= int(k) <= top:
        raise ValueError(
            f"k must be in [1, {top}] (neighbours per article in the story graph), got {int(k)}"
        )
    return int(k)


def check_threshold(threshold: Any, normalized: bool) -> float:
    """Return the threshold of stories(): in (0, 1] for cosines, > 0 for dot products."""
    if isinstance(threshold, bool) or not isinstance(threshold, Real):
        raise TypeError(f"threshold must be a number, got {type(threshold).__name__}")
    t = float(threshold)
    if not np.isfinite(t) or t <= 0 or (normalized and t > 1):
        raise ValueError(
            f"threshold must be in (0, {'1' if normalized else 'inf'}], got {threshold!r}"
        )
    return t


def _term_names(index: SimilarityIndex, vectorizer: Any) -> Optional[np.ndarray]:
    """Return the columns' terms: the vectorizer's, the index's, or None."""
    if vectorizer is None:
        return index.feature_names_
    get = getattr(vectorizer, "get_feature_names_out", None)
    if get is None:
        raise TypeError(
            "vectorizer must be a fitted vectorizer with get_feature_names_out(), got "
            f"{type(vectorizer).__name__}"
        )
    names = np.asarray(list(get()), dtype=object)
    if names.shape[0] != index.n_features:
        raise ValueError(
            f"vectorizer has {names.shape[0]} terms, the index has {index.n_features} columns; "
            "pass the "
            "vectorizer that made the index's rows"
        )
    return names


# ------------------------------------------------------------------------------ descriptions


def _keywords(
    core: _core.SimilarityIndex,
    labels: np.ndarray,
    n_stories: int,
    top: int,
    names: Optional[np.ndarray],
) -> list[list[Any]]:
    """Each story's ``top`` heaviest terms: the largest entries of the sum of its rows."""
    if top == 0 or n_stories == 0:
        return [[] for _ in range(n_stories)]
    data, indices, indptr = core.csr_rows()
    n = labels.shape[0]
    X = sp.csr_matrix((data, indices, indptr), shape=(n, int(core.cols)))
    return top_terms(story_sums(labels, n_stories, X), top, names)


def story_sums(labels: np.ndarray, n_stories: int, X: sp.csr_matrix) -> sp.csr_matrix:
    """Return the sum of each story's rows of X (rows of X labelled by ``labels``)."""
    n = labels.shape[0]
    L = sp.csr_matrix((np.ones(n, dtype=np.float32), (labels, np.arange(n))), shape=(n_stories, n))
    return sp.csr_matrix(L @ X)


def top_terms(C: sp.csr_matrix, top: int, names: Optional[np.ndarray]) -> list[list[Any]]:
    """Each row's ``top`` largest positive entries: terms from ``names``, else column numbers."""
    if top == 0 or C.shape[0] == 0:
        return [[] for _ in range(int(C.shape[0]))]
    C = sp.csr_matrix(C)
    C.sort_indices()
    cols, vals = _core.top_entries(
        np.ascontiguousarray(C.data),
        np.ascontiguousarray(C.indices),
        np.ascontiguousarray(C.indptr),
        (int(C.shape[0]), int(C.shape[1])),
        top,
    )
    out = []
    for row_cols, row_vals in zip(cols.tolist(), vals.tolist()):
        kept = [c for c, v in zip(row_cols, row_vals) if c >= 0 and v > 0]
        out.append([names[c] for c in kept] if names is not None else kept)
    return out


def _date_range(
    labels: np.ndarray, n_stories: int, ns: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    first = np.full(n_stories, np.iinfo(np.int64).max, dtype=np.int64)
    last = np.full(n_stories, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(first, labels, ns)
    np.maximum.at(last, labels, ns)
    return first.astype("datetime64[ns]"), last.astype("datetime64[ns]")


def _sources(
    labels: np.ndarray, n_stories: int, sources: np.ndarray
) -> tuple[np.ndarray, list[list[str]]]:
    known = np.flatnonzero(sources != None)  # noqa: E711 - elementwise on an object array
    names, codes = np.unique(sources[known].astype(str), return_inverse=True)
    pairs, counts = (
        np.unique(
            np.stack([labels[known], codes.astype(np.int64)], axis=1), axis=0, return_counts=True
        )
        if known.size
        else (np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.int64))
    )
    n_sources = np.bincount(pairs[:, 0], minlength=n_stories).astype(np.int64)
    lists: list[list[str]] = [[] for _ in range(n_stories)]
    # most frequent first, equal counts by name (codes are sorted names)
    order = np.lexsort((pairs[:, 1], -counts, pairs[:, 0]))
    for story, code in pairs[order].tolist():
        lists[story].append(str(names[code]))
    return n_sources, lists


def find_stories(
    index: SimilarityIndex,
    k: Any,
    threshold: Any,
    *,
    dates: Any,
    sources: Any,
    window: Any,
    exclude_same_source: Any,
    vectorizer: Any,
    keywords: Any,
    progress: Optional[bool],
) -> Stories:
    """``SimilarityIndex.stories``: check the arguments, cluster in the core, describe."""
    st = index._compacted()
    n = st.n_alive
    k = check_k(k)
    t = check_threshold(threshold, bool(st.main.normalized))
    if isinstance(keywords, bool) or not isinstance(keywords, Integral):
        raise TypeError(f"keywords must be an int (terms per story), got {type(keywords).__name__}")
    if int(keywords) < 0:
        raise ValueError(f"keywords must be >= 0 (terms per story), got {int(keywords)}")
    from ._similarity import _article_filter

    limits = _article_filter(st, window, exclude_same_source)
    meta = st.meta  # the index's own dates and sources, unless others are given
    ns: Optional[np.ndarray] = None
    utc = False
    if dates is not None:
        ns, utc = check_dates(dates, n)
    elif meta is not None and meta.dates is not None:
        ns, utc = meta.dates, meta.aware
    src = None
    if sources is not None:
        src = check_sources(sources, n)
    elif meta is not None:
        src = meta.sources_out()
    names = _term_names(index, vectorizer)
    bar = index._monitor(progress, "stories", n, lambda: st.main.top_k_work(k, method="auto"))
    try:
        labels, sizes = _core.stories(
            st.main, k=k, threshold=t, n_jobs=index._jobs(), progress=bar, **limits
        )
    finally:
        if bar is not None:
            bar.close()
    n_stories = int(sizes.shape[0])
    terms = _keywords(st.main, labels, n_stories, int(keywords), names)
    return described(
        labels, sizes, st.ids(), terms, k=k, threshold=t, dates=ns, utc=utc, sources=src
    )


def described(
    labels: np.ndarray,
    sizes: np.ndarray,
    ids: np.ndarray,
    keywords: list[list[Any]],
    *,
    k: int,
    threshold: float,
    dates: Optional[np.ndarray],
    utc: bool,
    sources: Optional[np.ndarray],
) -> Stories:
    """Return the stories of these labels, with each story's date range and sources.

    ``dates``: int64 nanoseconds per article (or None), ``sources``: str or None per article.
    """
    n_stories = int(sizes.shape[0])
    first = last = None
    if dates is not None:
        first, last = _date_range(labels, n_stories, dates)
    n_sources = lists = None
    if sources is not None:
        n_sources, lists = _sources(labels, n_stories, sources)
    return Stories(
        labels,
        sizes,
        ids,
        keywords,
        k=k,
        threshold=threshold,
        first_date=first,
        last_date=last,
        utc=utc,
        n_sources=n_sources,
        sources=lists,
    )
