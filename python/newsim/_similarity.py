"""Similarity over TF-IDF rows: top-k neighbors, near-duplicate pairs, queries, explanations.

Results name things one way (the README's "Results" table):

==================  ===========================================================================
``article_row``     row number (in X, or in Q for a query) of the article a result is about
``neighbor_row``    row number of an indexed article similar to it (``TopK.ids`` holds these)
``article_id``      its label: from ``query_ids=`` in top-k and query frames, else ``ids=``
``neighbor_id``     the neighbor's label, from ``ids=``
``rank``            1 for the most similar neighbor (the heaviest keyword), then 2, 3, ...
``score``           the rows' dot product: their cosine when L2-normalized
==================  ===========================================================================

Frames keep the row numbers (to select articles with them) and add the labels when given, in
the order ``article_row``, ``article_id``, ``rank``, ``neighbor_row``, ``neighbor_id``, ``score``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any, Callable, NamedTuple, Optional, TypeVar, Union

import numpy as np
import scipy.sparse as sp

from . import _core
from ._jobs import resolve_n_jobs
from ._progress import Monitor, check_progress, monitor, parallel_seconds
from ._repr import SummaryReprMixin, format_bytes

__all__ = ["Explanation", "Keywords", "Pairs", "SimilarityIndex", "TopK"]


_T = TypeVar("_T")

#: The release that removes the names deprecated by the one result vocabulary.
_REMOVAL = "newsim 0.4"


def _deprecated(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Warn that ``old`` is deprecated in favour of ``new`` (names both)."""
    warnings.warn(
        f"{old} is deprecated and will be removed in {_REMOVAL}; use {new}",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


#: The columns of the result frames, in the order in which each frame shows those it has.
_COLUMNS = (
    "article_row",
    "article_id",
    "rank",
    "neighbor_row",
    "neighbor_id",
    "term",
    "weight",
    "score",
)


class _Legacy(NamedTuple):
    """newsim 0.2's columns of a frame: ``names`` maps a column to its old name."""

    names: dict[str, str]
    order: tuple[str, ...]


def _frame(columns: dict[str, Any], legacy: Optional[_Legacy] = None) -> Any:
    """Return the columns as a pandas DataFrame in the order of ``_COLUMNS``.

    With ``legacy`` (deprecated), the columns get their newsim 0.2 names and order instead. A
    label column follows its row column and, when both have one old name, replaces it: 0.2
    showed the labels instead of the row numbers there.
    """
    import pandas as pd

    ordered = {name: columns[name] for name in _COLUMNS if name in columns}
    if legacy is None:
        return pd.DataFrame(ordered)
    replacements = []
    for old in legacy.order:
        new = [n for n, o in legacy.names.items() if o == old and n in ordered]
        if new:
            replacements.append(f"{' or '.join(new)} for {old}")
    _deprecated("legacy_columns=True", f"the new columns ({', '.join(replacements)})", stacklevel=4)
    renamed: dict[str, Any] = {}
    for name, values in ordered.items():
        renamed[legacy.names.get(name, name)] = values
    return pd.DataFrame({name: renamed[name] for name in legacy.order if name in renamed})


def _labels(ids: Sequence[Any], name: str = "ids") -> np.ndarray:
    """Return the labels as a 1-D object array (tuples stay single labels)."""
    if isinstance(ids, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of labels, got {type(ids).__name__}")
    items = list(ids)
    labels = np.empty(len(items), dtype=object)
    labels[:] = items
    return labels


def _check_covers(labels: np.ndarray, refs: np.ndarray, name: str = "ids") -> None:
    """Raise ValueError unless every article number in ``refs`` has a label."""
    if refs.size and int(refs.max()) >= labels.shape[0]:
        raise ValueError(
            f"{name} has {labels.shape[0]} labels, but the result refers to article "
            f"{int(refs.max())}; pass one label per indexed article"
        )


def _label(labels: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Return the labels of the given rows (``labels`` are the indexed articles', from ``ids``)."""
    _check_covers(labels, rows)
    out: np.ndarray = labels[rows]
    return out


class TopK(NamedTuple):
    """Each row's k nearest articles: ``ids`` (their row numbers) and ``scores``, shape (n, k).

    Rows are sorted by score (ties: lower row first) and padded with -1 and score 0.0 where
    fewer than k articles share a term with the row. ``ids`` are what a frame calls
    ``neighbor_row``: the rows of the indexed articles, not labels.

    Examples
    --------
    >>> import newsim
    >>> sample = newsim.datasets.load_sample()
    >>> index = newsim.TfidfVectorizer().index(sample.texts)
    >>> ids, scores = index.top_k(k=1)
    >>> ids.tolist()
    [[1], [0]]
    >>> scores.shape, scores.dtype.name
    ((2, 1), 'float32')
    """

    ids: np.ndarray
    scores: np.ndarray

    def to_frame(
        self,
        ids: Optional[Sequence[Any]] = None,
        *,
        query_ids: Optional[Sequence[Any]] = None,
        legacy_columns: bool = False,
    ) -> Any:
        """Return the neighbors as a long pandas DataFrame (padding left out).

        Parameters
        ----------
        ids : sequence, optional
            Labels of the indexed articles (e.g. titles), one per article: adds the column
            ``neighbor_id``.
        query_ids : sequence, optional
            Labels of the rows the neighbors were found for, one per row: adds the column
            ``article_id``. For :meth:`SimilarityIndex.top_k` these are the indexed articles
            too (pass the same labels as ``ids``); for :meth:`SimilarityIndex.query`, the
            queries.
        legacy_columns : bool, default=False
            Deprecated, removed in newsim 0.4: newsim 0.2's columns ``article``, ``rank``,
            ``neighbor``, ``score``, where ``article`` and ``neighbor`` hold the labels when
            given and the row numbers otherwise.

        Returns
        -------
        pandas.DataFrame
            Columns ``article_row`` (the indexed article's row, or the query's), ``article_id``
            (with ``query_ids``), ``rank`` (from 1), ``neighbor_row``, ``neighbor_id`` (with
            ``ids``) and ``score``; one row per neighbor, best first within each article.

        Raises
        ------
        ValueError
            If ``ids`` or ``query_ids`` lacks a label for a referenced article.

        Examples
        --------
        >>> import newsim
        >>> sample = newsim.datasets.load_sample()
        >>> index = newsim.TfidfVectorizer().index(sample.texts)
        >>> index.top_k(k=1).to_frame(ids=["Stargate", "DeepSeek"]).drop(columns="score")
           article_row  rank  neighbor_row neighbor_id
        0            0     1             1    DeepSeek
        1            1     1             0    Stargate
        """
        n, k = self.ids.shape
        neighbor_row = self.ids.ravel()
        keep = neighbor_row >= 0
        neighbor_row = neighbor_row[keep]
        article_row = np.repeat(np.arange(n), k)[keep]
        columns: dict[str, Any] = {
            "article_row": article_row,
            "rank": np.tile(np.arange(1, k + 1), n)[keep],
            "neighbor_row": neighbor_row,
            "score": self.scores.ravel()[keep],
        }
        if ids is not None:
            columns["neighbor_id"] = _label(_labels(ids), neighbor_row)
        if query_ids is not None:
            queries = _labels(query_ids, "query_ids")
            if queries.shape[0] != n:
                raise ValueError(
                    f"query_ids has {queries.shape[0]} labels for {n} rows; pass one per row"
                )
            columns["article_id"] = queries[article_row]
        return _frame(columns, _TOPK_0_2 if legacy_columns else None)


_TOPK_0_2 = _Legacy(
    {
        "article_row": "article",
        "article_id": "article",
        "neighbor_row": "neighbor",
        "neighbor_id": "neighbor",
    },
    ("article", "rank", "neighbor", "score"),
)


class Pairs(NamedTuple):
    """Pairs of articles with ``score >= threshold``: a table in columns, named as its frame's.

    ``article_row < neighbor_row`` in each pair; pairs are ordered by ``article_row``, then
    ``neighbor_row``. The fields ``i`` and ``j`` of newsim 0.2 still read (with a
    DeprecationWarning) until newsim 0.4.

    Examples
    --------
    >>> import newsim
    >>> sample = newsim.datasets.load_sample()
    >>> index = newsim.TfidfVectorizer().index(sample.texts + sample.texts[:1])
    >>> pairs = index.pairs(threshold=0.9)  # article 2 repeats article 0
    >>> pairs.n_pairs, pairs.article_row.tolist(), pairs.neighbor_row.tolist()
    (1, [0], [2])
    """

    article_row: np.ndarray
    neighbor_row: np.ndarray
    score: np.ndarray

    @property
    def n_pairs(self) -> int:
        """Number of pairs (``len()`` of a Pairs is 3, its fields, as for any tuple)."""
        return int(self.article_row.shape[0])

    @property
    def i(self) -> np.ndarray:
        """Deprecated name of :attr:`article_row` (removed in newsim 0.4)."""
        _deprecated("Pairs.i", "Pairs.article_row")
        return self.article_row

    @property
    def j(self) -> np.ndarray:
        """Deprecated name of :attr:`neighbor_row` (removed in newsim 0.4)."""
        _deprecated("Pairs.j", "Pairs.neighbor_row")
        return self.neighbor_row

    def to_frame(self, ids: Optional[Sequence[Any]] = None, *, legacy_columns: bool = False) -> Any:
        """Return the pairs as a pandas DataFrame, one row per pair.

        Parameters
        ----------
        ids : sequence, optional
            Labels of the indexed articles, one per article: adds the columns ``article_id``
            and ``neighbor_id`` (the row numbers stay, to select the articles).
        legacy_columns : bool, default=False
            Deprecated, removed in newsim 0.4: newsim 0.2's columns ``i``, ``j``, ``score``
            and, with ``ids``, ``id_i``, ``id_j``.

        Returns
        -------
        pandas.DataFrame
            Columns ``article_row``, ``article_id`` (with ``ids``), ``neighbor_row``,
            ``neighbor_id`` (with ``ids``) and ``score``.

        Raises
        ------
        ValueError
            If ``ids`` lacks a label for a referenced article.

        Examples
        --------
        >>> import newsim
        >>> sample = newsim.datasets.load_sample()
        >>> index = newsim.TfidfVectorizer().index(sample.texts + sample.texts[:1])
        >>> df = index.pairs(0.9).to_frame(ids=["Stargate", "DeepSeek", "Stargate (copy)"])
        >>> df.drop(columns="score")
           article_row article_id  neighbor_row      neighbor_id
        0            0   Stargate             2  Stargate (copy)
        """
        columns: dict[str, Any] = {
            "article_row": self.article_row,
            "neighbor_row": self.neighbor_row,
            "score": self.score,
        }
        if ids is not None:
            labels = _labels(ids)
            columns["neighbor_id"] = _label(labels, self.neighbor_row)
            columns["article_id"] = _label(labels, self.article_row)
        return _frame(columns, _PAIRS_0_2 if legacy_columns else None)


_PAIRS_0_2 = _Legacy(
    {"article_row": "i", "neighbor_row": "j", "article_id": "id_i", "neighbor_id": "id_j"},
    ("i", "j", "score", "id_i", "id_j"),
)


class Explanation(NamedTuple):
    """Why two articles are similar: the shared terms and each one's contribution.

    The contributions of all shared terms sum to the articles' score (their cosine when rows
    are L2-normalized); ``terms`` and ``contributions`` hold the largest ones. An explanation
    is about one pair of articles, so its table has no article labels: its rows are terms.

    Examples
    --------
    >>> import newsim
    >>> sample = newsim.datasets.load_sample()
    >>> index = newsim.TfidfVectorizer().index(sample.texts)
    >>> e = index.explain(0, 1, top=3)
    >>> len(e.terms), bool(e.contributions.sum() <= e.score)
    (3, True)
    >>> "deepseek" in e.terms
    True
    """

    terms: list[Any]
    contributions: np.ndarray
    score: float

    def to_frame(self) -> Any:
        """Return a pandas DataFrame with columns ``term``, ``contribution``, ``share``.

        Returns
        -------
        pandas.DataFrame
            ``share`` is the contribution divided by the score.

        Examples
        --------
        >>> import newsim
        >>> sample = newsim.datasets.load_sample()
        >>> vec = newsim.TfidfVectorizer().fit(sample.texts)
        >>> df = vec.explain(sample.texts[0], sample.texts[1], top=5).to_frame()
        >>> list(df.columns), len(df)
        (['term', 'contribution', 'share'], 5)
        """
        import pandas as pd

        share = self.contributions / self.score if self.score else np.zeros_like(self.contributions)
        return pd.DataFrame(
            {"term": self.terms, "contribution": self.contributions, "share": share}
        )


def _as_csr(X: Any, name: str) -> sp.csr_matrix:
    """Validate and convert a matrix argument to canonical float CSR."""
    if sp.issparse(X):
        if X.ndim != 2:
            raise ValueError(f"{name} must be 2-D, got {X.ndim}-D")
        M = X.tocsr()
    else:
        if isinstance(X, (str, bytes)) or X is None:
            raise TypeError(f"{name} must be a 2-D sparse matrix or array, got {type(X).__name__}")
        try:
            arr = np.asarray(X)
        except Exception as exc:  # pragma: no cover - numpy raises many types here
            raise TypeError(f"{name} must be a 2-D sparse matrix or array: {exc}") from exc
        if arr.dtype == object or not (
            np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_
        ):
            raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
        if arr.ndim != 2:
            hint = " (one row: reshape it with .reshape(1, -1))" if arr.ndim == 1 else ""
            raise ValueError(f"{name} must be 2-D, got an array of shape {arr.shape}{hint}")
        M = sp.csr_matrix(arr)
    if M.dtype not in (np.float32, np.float64):
        if not (np.issubdtype(M.dtype, np.number) or M.dtype == np.bool_):
            raise TypeError(f"{name} must hold numbers, got dtype {M.dtype}")
        if np.issubdtype(M.dtype, np.complexfloating):
            raise TypeError(f"{name} must hold real numbers, got dtype {M.dtype}")
        if M.nnz and not M.data.any():
            raise ValueError(
                f"{name} is a {M.dtype} matrix whose {M.nnz} stored values are all 0 (a TF-IDF "
                "matrix cast to integers truncates every weight to 0): pass the float matrix"
            )
        M = M.astype(np.float64)
    return M


def _parts(M: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, int]]:
    return (
        np.ascontiguousarray(M.data),
        np.ascontiguousarray(M.indices),
        np.ascontiguousarray(M.indptr),
        (int(M.shape[0]), int(M.shape[1])),
    )


#: Result entries (rows x k) beyond which padding past the useful width is refused.
_MAX_PADDED_ENTRIES = 10**8


def _check_k(k: Any, name: str = "k", *, rows: int = 0, useful: Optional[int] = None) -> int:
    """Validate a count argument; refuse a padded result of absurd size.

    ``useful`` is the most columns that can hold a real entry (n - 1 neighbors, a vocabulary's
    size); padding up to ``k`` beyond it is kept for small results, as documented, but a ``k``
    whose rows x k result would exceed 10**8 entries is an error naming ``name``.
    """
    if isinstance(k, bool) or not isinstance(k, Integral):
        raise TypeError(f"{name} must be an int, got {type(k).__name__}")
    count = int(k)
    if count < 0:
        raise ValueError(f"{name} must be >= 0, got {count}")
    if useful is not None and count > useful and rows * count > _MAX_PADDED_ENTRIES:
        raise ValueError(
            f"{name}={count} exceeds the {useful} entries a row can have; the padded "
            f"{rows} x {count} result would not fit in memory. Use {name} <= {useful}"
        )
    return count


def _check_method(method: Any) -> str:
    """Return ``method`` if the core knows it (its ValueError names the methods otherwise)."""
    return _core.check_similarity_method(method)


def _run(bar: Optional[Monitor], call: Callable[[Optional[Monitor]], _T]) -> _T:
    """Run a core call with its progress callback, closing the bar however the call ends."""
    try:
        return call(bar)
    finally:
        if bar is not None:
            bar.close()


class SimilarityIndex(SummaryReprMixin):
    """Nearest neighbours and near-duplicates of articles, without an n x n matrix.

    Scores are dot products of the rows: cosines when the rows are L2-normalized (newsim's and
    scikit-learn's TF-IDF output), plain dot products otherwise (``normalized_`` tells which).
    Memory stays O(nnz) for the index, O(n·k) for top-k results and O(pairs) for pairs, plus
    O(n + n_features) scratch per thread.

    Parameters
    ----------
    X : sparse matrix or array of shape (n_articles, n_features)
        The article vectors, e.g. ``TfidfVectorizer().fit_transform(articles)``.
    n_jobs : int or None, default=None
        Threads (None: 1; -1: all cores).
    feature_names : sequence of str, optional
        Term of each column, for :meth:`explain`.
    progress : bool or None, default=None
        Show a tqdm progress bar in :meth:`top_k`, :meth:`query` and :meth:`pairs` (each of
        them can override it per call). None shows one when tqdm is installed and the call is
        estimated to take over a second: the core estimates the work of the kernel that will
        run (the sum over terms of their document frequency squared, at a conservative 2 ns
        for all-pairs top-k and pairs to 15 ns for 'pruned' per-row top-k, per unit and
        thread). True always shows one, False never. Ctrl-C stops a long call within a second
        either way.

    Attributes
    ----------
    feature_names_ : ndarray of str or None
        The terms of the columns, if given.

    Examples
    --------
    >>> import newsim
    >>> vec = newsim.TfidfVectorizer(language="en")
    >>> index = vec.index(["the cat sat on the mat", "a cat sat", "dogs bark loudly"])
    >>> ids, scores = index.top_k(k=1)
    >>> ids.ravel().tolist()
    [1, 0, -1]
    >>> index  # doctest: +ELLIPSIS
    SimilarityIndex(n_articles=3, n_features=7, nnz=10, scores=cosine, dtype=float32, memory=...)
    """

    def __init__(
        self,
        X: Any,
        *,
        n_jobs: Optional[int] = None,
        feature_names: Optional[Union[Sequence[str], np.ndarray]] = None,
        progress: Optional[bool] = None,
    ) -> None:
        M = _as_csr(X, "X")
        resolve_n_jobs(n_jobs)  # reject a bad value now, not at the first query
        check_progress(progress)
        self._index = _core.SimilarityIndex(*_parts(M))
        self.n_jobs = n_jobs
        self.progress = progress
        if feature_names is not None:
            names = np.asarray(list(feature_names), dtype=object)
            if names.shape != (M.shape[1],):
                raise ValueError(
                    f"feature_names has {names.shape[0]} entries, X has {M.shape[1]} columns"
                )
            self.feature_names_: Optional[np.ndarray] = names
        else:
            self.feature_names_ = None

    # ------------------------------------------------------------------ properties
    @property
    def n_articles(self) -> int:
        """Number of indexed articles."""
        return int(self._index.rows)

    @property
    def n_features(self) -> int:
        """Number of columns (terms)."""
        return int(self._index.cols)

    @property
    def nnz(self) -> int:
        """Number of stored weights."""
        return int(self._index.nnz)

    @property
    def dtype(self) -> np.dtype[Any]:
        """Type of the stored weights and of the scores: float32 (float64 input is rounded)."""
        return np.dtype(np.float32)

    @property
    def nbytes(self) -> int:
        """Memory held by the index: its rows and its inverted index, in bytes (the core's count).

        Each stored weight is kept twice (by row and by term) as a float32 value and an int32
        position; the row and column offsets and each term's largest weight add a few bytes
        per row and column.
        """
        return int(self._index.nbytes)

    @property
    def normalized_(self) -> bool:
        """True when every non-empty row has unit L2 norm: scores are cosines."""
        return bool(self._index.normalized)

    def __len__(self) -> int:
        return self.n_articles

    def _summary(self) -> list[tuple[str, Any]]:
        return [
            ("n_articles", self.n_articles),
            ("n_features", self.n_features),
            ("nnz", self.nnz),
            ("scores", "cosine" if self.normalized_ else "dot product"),
            ("dtype", self.dtype.name),
            ("memory", format_bytes(self.nbytes)),
        ]

    def _jobs(self) -> int:
        return resolve_n_jobs(self.n_jobs)

    def _monitor(
        self, progress: Optional[bool], task: str, rows: int, work: Callable[[], Any]
    ) -> Optional[Monitor]:
        """Return the callback of one call; ``work()`` returns the core's estimate of it."""
        setting = self.progress if progress is None else check_progress(progress)
        return monitor(
            setting,
            f"newsim {task}",
            rows,
            lambda: parallel_seconds(work().seconds, self._jobs()),
            unit="article",
        )

    # ------------------------------------------------------------------ queries
    def top_k(self, k: int = 10, *, method: str = "auto", progress: Optional[bool] = None) -> TopK:
        """Each article's k most similar other articles (itself excluded).

        Parameters
        ----------
        k : int, default=10
            Neighbours per article. With fewer than k other articles sharing a term, the row is
            padded with id -1 and score 0.0 (also when k > n - 1).
        method : {'auto', 'pruned', 'brute'}, default='auto'
            'auto' uses the symmetric kernel (each pair scored once, for both rows; k <= 255)
            and otherwise scores every posting (into a dense array of n scores when a row's
            postings reach many articles: a query's usual case); 'pruned' skips postings
            that cannot change the result (exact; needs non-negative weights, else falls back
            to 'brute'; it pays off for :meth:`pairs`, rarely for top-k); 'brute' scores every
            shared posting of each row. All give the same neighbours (equal scores go to the
            lower id).
        progress : bool or None, default=None
            Progress bar for this call; None uses the index's ``progress``.

        Returns
        -------
        TopK
            ``(ids, scores)``, each of shape (n_articles, k).

        Examples
        --------
        >>> import newsim
        >>> sample = newsim.datasets.load_sample()
        >>> index = newsim.TfidfVectorizer().index(sample.texts)
        >>> result = index.top_k(k=3)  # only one other article: the rest is padding
        >>> result.ids.tolist()
        [[1, -1, -1], [0, -1, -1]]
        >>> round(float(result.scores[0, 0]), 1)
        0.2
        """
        k = _check_k(k, rows=self.n_articles, useful=max(self.n_articles - 1, 0))
        method = _check_method(method)
        bar = self._monitor(
            progress, "top_k", self.n_articles, lambda: self._index.top_k_work(k, method=method)
        )
        ids, scores = _run(
            bar, lambda cb: self._index.top_k(k, method=method, n_jobs=self._jobs(), progress=cb)
        )
        return TopK(ids, scores)

    def query(
        self, Q: Any, k: int = 10, *, method: str = "auto", progress: Optional[bool] = None
    ) -> TopK:
        """Find the k most similar indexed articles for each row of Q.

        Parameters
        ----------
        Q : sparse matrix or array of shape (n_queries, n_features)
            New articles, transformed by the same vectorizer as the index.
        k : int, default=10
            Neighbours per query.
        method : {'auto', 'pruned', 'brute'}, default='auto'
            As in :meth:`top_k`.
        progress : bool or None, default=None
            Progress bar for this call; None uses the index's ``progress``.

        Returns
        -------
        TopK
            ``(ids, scores)``, each of shape (n_queries, k).

        Examples
        --------
        >>> import newsim
        >>> sample = newsim.datasets.load_sample()
        >>> vec = newsim.TfidfVectorizer()
        >>> index = vec.index(sample.texts)
        >>> Q = vec.transform(["DeepSeek und die KI aus China"])
        >>> ids, scores = index.query(Q, k=2)
        >>> ids.shape, sorted(ids[0].tolist())
        ((1, 2), [0, 1])
        """
        M = _as_csr(Q, "Q")
        k = _check_k(k, rows=M.shape[0], useful=self.n_articles)
        if M.shape[1] != self.n_features:
            raise ValueError(
                f"Q has {M.shape[1]} columns, the index has {self.n_features}; transform the "
                "queries with the vectorizer that built the index"
            )
        method = _check_method(method)
        bar = self._monitor(
            progress,
            "query",
            int(M.shape[0]),
            lambda: self._index.query_work(*_parts(M), method=method),
        )
        ids, scores = _run(
            bar,
            lambda cb: self._index.query(
                *_parts(M), k, method=method, n_jobs=self._jobs(), progress=cb
            ),
        )
        return TopK(ids, scores)

    def pairs(
        self,
        threshold: float = 0.8,
        *,
        method: str = "auto",
        as_frame: bool = False,
        progress: Optional[bool] = None,
    ) -> Any:
        """All pairs of articles i < j with score >= threshold (near-duplicates).

        Parameters
        ----------
        threshold : float, default=0.8
            In (0, 1] for a normalized index; any positive number otherwise. Scores up to 1e-6
            below it count, so that ``threshold=1.0`` finds exact duplicates despite float32
            rounding.
        method : {'auto', 'pruned', 'brute'}, default='auto'
            As in :meth:`top_k`.
        as_frame : bool, default=False
            Return a pandas DataFrame instead of a :class:`Pairs`.
        progress : bool or None, default=None
            Progress bar for this call; None uses the index's ``progress``.

        Returns
        -------
        Pairs or pandas.DataFrame
            ``(article_row, neighbor_row, score)``, article_row < neighbor_row, ordered by
            article_row, then neighbor_row.

        Examples
        --------
        >>> import newsim
        >>> sample = newsim.datasets.load_sample()
        >>> index = newsim.TfidfVectorizer().index(sample.texts)
        >>> index.pairs(threshold=0.9).n_pairs  # the two articles are related, not duplicates
        0
        >>> index.pairs(threshold=0.1, as_frame=True)[["article_row", "neighbor_row"]]
           article_row  neighbor_row
        0            0             1
        """
        if isinstance(threshold, bool) or not isinstance(threshold, Real):
            raise TypeError(f"threshold must be a number, got {type(threshold).__name__}")
        t = float(threshold)
        if not np.isfinite(t) or t <= 0 or (self.normalized_ and t > 1):
            upper = "1" if self.normalized_ else "inf"
            raise ValueError(f"threshold must be in (0, {upper}], got {threshold!r}")
        method = _check_method(method)
        bar = self._monitor(
            progress, "pairs", self.n_articles, lambda: self._index.pairs_work(method=method)
        )
        i, j, s = _run(
            bar, lambda cb: self._index.pairs(t, method=method, n_jobs=self._jobs(), progress=cb)
        )
        result = Pairs(i, j, s)
        return result.to_frame() if as_frame else result

    def explain(self, i: int, j: int, top: int = 10) -> Explanation:
        """Explain what makes articles i and j similar: shared terms and their contributions.

        Parameters
        ----------
        i, j : int
            Article ids (row numbers).
        top : int, default=10
            How many terms to return (largest contributions first).

        Returns
        -------
        Explanation
            ``terms`` (feature names, or column numbers without them), ``contributions`` and
            the full ``score`` (the sum over every shared term).

        Examples
        --------
        >>> import newsim
        >>> sample = newsim.datasets.load_sample()
        >>> index = newsim.TfidfVectorizer().index(sample.texts)
        >>> e = index.explain(0, 1, top=5)
        >>> len(e.terms), "ki" in e.terms
        (5, True)
        >>> bool(abs(e.score - index.top_k(1).scores[0, 0]) < 1e-6)
        True
        """
        for name, v in (("i", i), ("j", j)):
            if isinstance(v, bool) or not isinstance(v, Integral):
                raise TypeError(f"{name} must be an int, got {type(v).__name__}")
            if not 0 <= v < self.n_articles:
                raise IndexError(
                    f"article id {name}={v} is out of range for an index of "
                    f"{self.n_articles} articles"
                )
        top = _check_k(top, "top")
        return _explanation(self._index.explain(int(i), int(j)), top, self.feature_names_)


class Keywords(NamedTuple):
    """Each article's top-weighted terms: ``terms[r]`` and ``weights[r]`` of row r, largest first.

    Examples
    --------
    >>> import newsim
    >>> sample = newsim.datasets.load_sample()
    >>> vec = newsim.TfidfVectorizer().fit(sample.texts)
    >>> kw = vec.keywords(sample.texts, top=5)
    >>> [len(t) for t in kw.terms]
    [5, 5]
    >>> "openai" in kw.terms[0], "russland" in kw.terms[1]
    (True, True)
    """

    terms: list[list[str]]
    weights: list[np.ndarray]

    def to_frame(self, ids: Optional[Sequence[Any]] = None, *, legacy_columns: bool = False) -> Any:
        """Return the keywords as a long pandas DataFrame, one row per (article, keyword).

        Parameters
        ----------
        ids : sequence, optional
            Labels of the articles, one per article: adds the column ``article_id``.
        legacy_columns : bool, default=False
            Deprecated, removed in newsim 0.4: newsim 0.2's columns ``article``, ``rank``,
            ``term``, ``weight``, where ``article`` holds the labels when given and the row
            numbers otherwise.

        Returns
        -------
        pandas.DataFrame
            Columns ``article_row``, ``article_id`` (with ``ids``), ``rank`` (from 1),
            ``term`` and ``weight``.

        Raises
        ------
        ValueError
            If ``ids`` does not have one label per article.

        Examples
        --------
        >>> import newsim
        >>> sample = newsim.datasets.load_sample()
        >>> vec = newsim.TfidfVectorizer().fit(sample.texts)
        >>> df = vec.keywords(sample.texts, top=2).to_frame(ids=["Stargate", "DeepSeek"])
        >>> df[["article_row", "article_id", "rank"]]
           article_row article_id  rank
        0            0   Stargate     1
        1            0   Stargate     2
        2            1   DeepSeek     1
        3            1   DeepSeek     2
        """
        entries = [
            (r, rank, term, float(w))
            for r, (terms, weights) in enumerate(zip(self.terms, self.weights))
            for rank, (term, w) in enumerate(zip(terms, weights), start=1)
        ]
        names = ("article_row", "rank", "term", "weight")
        columns: dict[str, Any] = {name: [e[c] for e in entries] for c, name in enumerate(names)}
        if ids is not None:
            labels = _labels(ids)
            if labels.shape[0] != len(self.terms):
                raise ValueError(
                    f"ids has {labels.shape[0]} labels for {len(self.terms)} articles; "
                    "pass one per article"
                )
            columns["article_id"] = labels[np.asarray(columns["article_row"], dtype=np.intp)]
        return _frame(columns, _KEYWORDS_0_2 if legacy_columns else None)


_KEYWORDS_0_2 = _Legacy(
    {"article_row": "article", "article_id": "article"}, ("article", "rank", "term", "weight")
)


def _explanation(
    contributions: tuple[np.ndarray, np.ndarray], top: int, feature_names: Optional[np.ndarray]
) -> Explanation:
    """Return the core's (columns, products) as an Explanation of the ``top`` largest."""
    cols, vals = contributions
    score = float(vals.sum())
    cols, vals = cols[:top], vals[:top]
    terms = [feature_names[c] for c in cols] if feature_names is not None else cols.tolist()
    return Explanation(terms, vals, score)


def explain_rows(
    X: Any, i: int, j: int, *, top: int = 10, feature_names: Optional[np.ndarray] = None
) -> Explanation:
    """Explain rows i and j of X as ``SimilarityIndex(X).explain(i, j)``, without an index.

    Parameters
    ----------
    X : sparse matrix or array
        Rows, e.g. a vectorizer's output for two texts.
    i, j : int
        The rows to explain.
    top : int, default=10
        How many terms to return.
    feature_names : ndarray of str, optional
        Term of each column.

    Returns
    -------
    Explanation
        As :meth:`SimilarityIndex.explain`.
    """
    M = _as_csr(X, "X")
    contributions = _core.explain_rows(*_parts(M), i, j)
    names = None if feature_names is None else np.asarray(list(feature_names), dtype=object)
    return _explanation(contributions, _check_k(top, "top"), names)


def top_entries(X: Any, top: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the ``top`` largest entries of each row of X: (columns, values), padded."""
    M = _as_csr(X, "X")
    cols, vals = _core.top_entries(
        *_parts(M), _check_k(top, "top", rows=M.shape[0], useful=M.shape[1])
    )
    return cols, vals
