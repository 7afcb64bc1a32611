"""Similarity over TF-IDF rows: top-k neighbors, near-duplicate pairs, queries, explanations.

Results name things one way (the README's "Results" table):

==================  ===========================================================================
``article_row``     row number (in X, or in Q for a query) of the article a result is about
``neighbor_row``    row number of an indexed article similar to it (``TopK.neighbor_rows``)
``article_id``      its id: the index's ``ids`` (top-k, pairs), ``query_ids=``, or ``ids=``
``neighbor_id``     the neighbor's id (``TopK.ids``): the index's ``ids``, or ``ids=``
``rank``            1 for the most similar neighbor (the heaviest keyword), then 2, 3, ...
``score``           the rows' dot product: their cosine when L2-normalized
==================  ===========================================================================

Frames keep the row numbers (to select articles with them) and add the ids when the index has
``ids`` (or labels are passed to ``to_frame``), in the order ``article_row``, ``article_id``,
``rank``, ``neighbor_row``, ``neighbor_id``, ``score``.
"""

from __future__ import annotations

import html
import os
import threading
import warnings
from collections.abc import Iterable, Sequence
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any, Callable, NamedTuple, Optional, TypeVar, Union

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from . import _core
from ._input import refuse_unordered
from ._jobs import resolve_n_jobs
from ._metadata import (
    ArticleMeta,
    check_dates,
    check_exclusion,
    check_sources,
    check_window,
    source_codes,
)
from ._progress import Monitor, check_progress, monitor, parallel_seconds
from ._repr import SummaryReprMixin, format_bytes

if TYPE_CHECKING:  # pragma: no cover
    from ._stories import Stories
    from ._syndication import Passages

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


def _ids_at(ids: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Return the ids of ``rows`` (-1: padding): None-padded objects or -1-padded int64."""
    pad = rows < 0
    if ids.dtype == object:
        out = np.empty(rows.shape, dtype=object)  # None everywhere
    else:
        out = np.full(rows.shape, -1, dtype=np.int64)
    out[~pad] = ids[rows[~pad]]
    return out


class _TopKFields(NamedTuple):
    ids: np.ndarray
    scores: np.ndarray


class TopK(_TopKFields):
    """Each row's k nearest articles: their ``ids`` and ``scores``, shape (n, k).

    Rows are sorted by score (ties: lower row first) and padded where fewer than k articles
    share a term with the row: with score 0.0 and, in ``ids``, -1 (the index's default ids,
    its row numbers, and integer ids, which are >= 0) or None (string ids). ``ids`` are the
    neighbors' ids (a frame's ``neighbor_id``) when the index was given ``ids``, else their
    row numbers; :attr:`neighbor_rows` always holds the row numbers (a frame's
    ``neighbor_row``). A TopK unpacks into its two fields: ``ids, scores = index.top_k()``.

    A TopK built from two arrays (``TopK(ids, scores)``, ``TopK._make``) has no labels: its
    ``ids`` are row numbers. ``_replace`` keeps the labels of an index's result, except when it
    replaces ``ids``. Results pickle with their labels.

    See Also
    --------
    newsim.SimilarityIndex.top_k : Makes it.
    newsim.SimilarityIndex.query : Makes it for new articles.

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
    >>> labelled = newsim.TfidfVectorizer().index(sample.texts, ids=["stargate", "deepseek"])
    >>> result = labelled.top_k(k=2)  # one other article: the rest is padding
    >>> result.ids.tolist(), result.neighbor_rows.tolist()
    ([['deepseek', None], ['stargate', None]], [[1, -1], [0, -1]])
    """

    @classmethod
    def _labelled(
        cls,
        ids: np.ndarray,
        scores: np.ndarray,
        rows: np.ndarray,
        article_ids: Optional[np.ndarray],
    ) -> TopK:
        """Return a result whose ``ids`` are labels of ``rows`` (``article_ids``: of its rows)."""
        result = cls(ids, scores)
        result.__dict__.update(_rows=rows, _article_ids=article_ids)
        return result

    def _label_state(self) -> tuple[Optional[np.ndarray], Optional[np.ndarray]]:
        """Return (neighbor rows, article ids) of a labelled result, (None, None) otherwise."""
        state = getattr(self, "__dict__", {})
        return state.get("_rows"), state.get("_article_ids")

    @property
    def neighbor_rows(self) -> np.ndarray:
        """The neighbors' row numbers, shape (n, k), padded with -1 (a frame's ``neighbor_row``).

        Equal to ``ids`` when the index has no ``ids`` (and for a TopK built from two arrays).

        Examples
        --------
        >>> import newsim
        >>> sample = newsim.datasets.load_sample()
        >>> index = newsim.TfidfVectorizer().index(sample.texts, ids=[10, 20])
        >>> result = index.top_k(k=1)
        >>> result.ids.tolist(), result.neighbor_rows.tolist()
        ([[20], [10]], [[1], [0]])
        """
        rows, _ = self._label_state()
        if rows is not None:
            return rows
        ids = np.asarray(self.ids)
        if not np.issubdtype(ids.dtype, np.integer):
            raise ValueError(
                f"this TopK's ids have dtype {ids.dtype} and it has no row numbers; a TopK built "
                "from two arrays must hold row numbers"
            )
        return ids

    def _replace(self, **kwargs: Any) -> TopK:
        """Return a copy with fields replaced; it keeps the labels unless ``ids`` is replaced."""
        result = super()._replace(**kwargs)
        if "ids" not in kwargs:
            result.__dict__.update(getattr(self, "__dict__", {}))
        return result

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
            Labels of the indexed articles (e.g. titles), one per article: the column
            ``neighbor_id``. By default the index's ``ids``, when it has them.
        query_ids : sequence, optional
            Labels of the rows the neighbors were found for, one per row: the column
            ``article_id``. By default, for :meth:`SimilarityIndex.top_k`, the index's ``ids``
            when it has them; the queries of :meth:`SimilarityIndex.query` have none.
        legacy_columns : bool, default=False
            Deprecated, removed in newsim 0.4: newsim 0.2's columns ``article``, ``rank``,
            ``neighbor``, ``score``, where ``article`` and ``neighbor`` hold the labels when
            given and the row numbers otherwise.

        Returns
        -------
        pandas.DataFrame
            Columns ``article_row`` (the indexed article's row, or the query's), ``article_id``
            (with ids), ``rank`` (from 1), ``neighbor_row``, ``neighbor_id`` (with ids) and
            ``score``; one row per neighbor, best first within each article.

        Raises
        ------
        ValueError
            If ``ids`` or ``query_ids`` lacks a label for a referenced article.

        See Also
        --------
        newsim.Pairs.to_frame : The pairs' frame.

        Examples
        --------
        >>> import newsim
        >>> sample = newsim.datasets.load_sample()
        >>> index = newsim.TfidfVectorizer().index(sample.texts)
        >>> index.top_k(k=1).to_frame(ids=["Stargate", "DeepSeek"]).drop(columns="score")
           article_row  rank  neighbor_row neighbor_id
        0            0     1             1    DeepSeek
        1            1     1             0    Stargate
        >>> index = newsim.TfidfVectorizer().index(sample.texts, ids=["Stargate", "DeepSeek"])
        >>> index.top_k(k=1).to_frame().drop(columns="score")
           article_row article_id  rank  neighbor_row neighbor_id
        0            0   Stargate     1             1    DeepSeek
        1            1   DeepSeek     1             0    Stargate
        """
        rows, article_ids = self._label_state()
        all_rows = self.neighbor_rows
        n, k = all_rows.shape
        neighbor_row = all_rows.ravel()
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
        elif rows is not None:
            columns["neighbor_id"] = np.asarray(self.ids).ravel()[keep]
        if query_ids is not None:
            queries = _labels(query_ids, "query_ids")
            if queries.shape[0] != n:
                raise ValueError(
                    f"query_ids has {queries.shape[0]} labels for {n} rows; pass one per row"
                )
            columns["article_id"] = queries[article_row]
        elif article_ids is not None:
            columns["article_id"] = article_ids[article_row]
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


class _PairsFields(NamedTuple):
    article_row: np.ndarray
    neighbor_row: np.ndarray
    score: np.ndarray


class Pairs(_PairsFields):
    """Pairs of articles with ``score >= threshold``: a table in columns, named as its frame's.

    ``article_row < neighbor_row`` in each pair; pairs are ordered by ``article_row``, then
    ``neighbor_row``. A Pairs unpacks into its three fields ``article_row, neighbor_row,
    score``; :attr:`article_id` and :attr:`neighbor_id` give the articles' ids (the index's
    ``ids``, or the rows without them). The fields ``i`` and ``j`` of newsim 0.2 still read
    (with a DeprecationWarning) until newsim 0.4.

    A Pairs built from three arrays has no ids; ``_replace`` and pickling keep those of an
    index's result.

    See Also
    --------
    newsim.SimilarityIndex.pairs : Makes it.
    newsim.SimilarityIndex.query_pairs : Makes it for new articles.

    Examples
    --------
    >>> import newsim
    >>> sample = newsim.datasets.load_sample()
    >>> index = newsim.TfidfVectorizer().index(sample.texts + sample.texts[:1])
    >>> pairs = index.pairs(threshold=0.9)  # article 2 repeats article 0
    >>> pairs.n_pairs, pairs.article_row.tolist(), pairs.neighbor_row.tolist()
    (1, [0], [2])
    >>> index = newsim.TfidfVectorizer().index(sample.texts * 2, ids=["a", "b", "a2", "b2"])
    >>> pairs = index.pairs(threshold=0.9)
    >>> pairs.article_id.tolist(), pairs.neighbor_id.tolist()
    (['a', 'b'], ['a2', 'b2'])
    """

    def _index_ids(self) -> Optional[np.ndarray]:
        """Return the ids of the index's articles (by row), None without them."""
        ids: Optional[np.ndarray] = getattr(self, "__dict__", {}).get("_ids")
        return ids

    def _of_queries(self) -> bool:
        """Return True for pairs of :meth:`SimilarityIndex.query_pairs` (first: a query row)."""
        return bool(getattr(self, "__dict__", {}).get("_queries", False))

    @property
    def article_id(self) -> np.ndarray:
        """The id of each pair's first article.

        Its row when the index has no ``ids``, and the query's row for
        :meth:`SimilarityIndex.query_pairs`.
        """
        ids = self._index_ids()
        return self.article_row if ids is None or self._of_queries() else ids[self.article_row]

    @property
    def neighbor_id(self) -> np.ndarray:
        """The id of each pair's second article (its row when the index has no ``ids``)."""
        ids = self._index_ids()
        return self.neighbor_row if ids is None else ids[self.neighbor_row]

    def _replace(self, **kwargs: Any) -> Pairs:
        """Return a copy with fields replaced (the ids of the index's articles kept)."""
        result = super()._replace(**kwargs)
        result.__dict__.update(getattr(self, "__dict__", {}))
        return result

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
            Labels of the indexed articles, one per article: the columns ``article_id`` and
            ``neighbor_id`` (the row numbers stay, to select the articles). By default the
            index's ``ids``, when it has them.
        legacy_columns : bool, default=False
            Deprecated, removed in newsim 0.4: newsim 0.2's columns ``i``, ``j``, ``score``
            and, with ``ids``, ``id_i``, ``id_j``.

        Returns
        -------
        pandas.DataFrame
            Columns ``article_row``, ``article_id`` (with ids), ``neighbor_row``,
            ``neighbor_id`` (with ids) and ``score``.

        Raises
        ------
        ValueError
            If ``ids`` lacks a label for a referenced article.

        See Also
        --------
        newsim.TopK.to_frame : The neighbour lists' frame.

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
            if not self._of_queries():  # queries have no ids: they keep their rows
                columns["article_id"] = _label(labels, self.article_row)
        elif self._index_ids() is not None:
            columns["neighbor_id"] = self.neighbor_id
            if not self._of_queries():
                columns["article_id"] = self.article_id
        return _frame(columns, _PAIRS_0_2 if legacy_columns else None)


_PAIRS_0_2 = _Legacy(
    {"article_row": "i", "neighbor_row": "j", "article_id": "id_i", "neighbor_id": "id_j"},
    ("i", "j", "score", "id_i", "id_j"),
)


class _ExplanationFields(NamedTuple):
    terms: list[Any]
    contributions: np.ndarray
    score: float


class Explanation(_ExplanationFields):
    """Why two articles are similar: the shared terms and each one's contribution.

    The contributions of all shared terms sum to the articles' score (their cosine when rows
    are L2-normalized); ``terms`` and ``contributions`` hold the largest ones. An explanation
    is about one pair of articles, so its table has no article labels: its rows are terms.
    When the texts are known (``index.explain(i, j, texts=...)``, ``vectorizer.explain(a,
    b)``), :attr:`passages` holds the runs of words they share and the notebook
    representation marks them in both texts. It unpacks into its three fields, as before.

    See Also
    --------
    newsim.SimilarityIndex.explain : Makes it.
    newsim.shared_passages : The passages alone.

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

    @property
    def passages(self) -> Optional[Passages]:
        """The passages the two texts share (:func:`newsim.shared_passages`), or None.

        None when the explanation was made without the texts (from rows or an index without
        ``texts=``).

        Examples
        --------
        >>> import newsim
        >>> texts = ["Ten people were hurt when a tram left the rails in Leipzig this morning.",
        ...          "Police said ten people were hurt when a tram left the rails in Leipzig."]
        >>> index = newsim.TfidfVectorizer().index(texts)
        >>> index.explain(0, 1).passages is None
        True
        >>> [p.text for p in index.explain(0, 1, texts=texts).passages]
        ['Ten people were hurt when a tram left the rails in Leipzig']
        """
        passages: Optional[Passages] = getattr(self, "__dict__", {}).get("_passages")
        return passages

    def _with_passages(self, passages: Passages) -> Explanation:
        self.__dict__["_passages"] = passages
        return self

    def _replace(self, **kwargs: Any) -> Explanation:
        """Return a copy with fields replaced (the passages kept)."""
        result = super()._replace(**kwargs)
        result.__dict__.update(getattr(self, "__dict__", {}))
        return result

    def _repr_html_(self) -> Optional[str]:
        """Return the shared passages marked in both texts, under the score (None: no texts)."""
        passages = self.passages
        if passages is None:
            return None  # the plain repr
        terms = ", ".join(html.escape(str(t)) for t in self.terms)
        return f"<div><p>score {self.score:.3f}; terms: {terms}</p>{passages._repr_html_()}</div>"

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
            texts = arr.dtype.kind in "US" or (
                arr.dtype == object and arr.size > 0 and isinstance(arr.flat[0], (str, bytes))
            )
            hint = (
                "; these are texts: turn them into vectors with the vectorizer first, e.g. "
                "index.query(vec.transform(texts))"
                if texts
                else ""
            )
            raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}{hint}")
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


class _UnknownId(KeyError):
    """An id that is not in the index: a KeyError whose message reads as a sentence."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


_INT64_MAX = int(np.iinfo(np.int64).max)


def _kind(value: Any) -> Optional[str]:
    """Return 'str' or 'int' for a valid id's type, None for any other type."""
    if isinstance(value, str):
        return "str"
    if isinstance(value, Integral) and not isinstance(value, (bool, np.bool_)):
        return "int"
    return None


def _check_ids(ids: Any, n_rows: int) -> np.ndarray:
    """Validate ``ids=`` of an index: int64 (integer ids) or object array of str, read-only."""
    if isinstance(ids, (str, bytes)):
        raise TypeError(
            f"ids must be a sequence of ids (str or int), one per row, got a bare "
            f"{type(ids).__name__}; wrap one id in a list"
        )
    if isinstance(ids, (set, frozenset, dict)):
        raise TypeError(
            f"ids must be a sequence in row order, got an unordered {type(ids).__name__}"
        )
    arr: np.ndarray
    if isinstance(ids, np.ndarray) and ids.ndim == 1 and ids.dtype.kind in "iu":
        if ids.shape[0] != n_rows:
            raise ValueError(f"ids has {ids.shape[0]} labels for {n_rows} rows; pass one per row")
        bad = np.flatnonzero(ids < 0) if ids.dtype.kind == "i" else np.flatnonzero(ids > _INT64_MAX)
        if bad.size:
            p = int(bad[0])
            raise ValueError(
                f"ids[{p}] is {int(ids[p])}: integer ids must be in [0, 2**63), -1 pads TopK.ids"
            )
        arr = ids.astype(np.int64)
    else:
        try:
            items = list(ids)
        except TypeError:
            raise TypeError(
                f"ids must be a sequence of ids (str or int), one per row, got {type(ids).__name__}"
            ) from None
        if len(items) != n_rows:
            raise ValueError(f"ids has {len(items)} labels for {n_rows} rows; pass one per row")
        first: Optional[tuple[int, str]] = None
        for p, value in enumerate(items):
            kind = _kind(value)
            if kind is None:
                raise TypeError(
                    f"ids[{p}] is {value!r} ({type(value).__name__}): ids must be strings or "
                    "non-negative integers"
                )
            if first is None:
                first = (p, kind)
            elif kind != first[1]:
                raise TypeError(
                    f"ids mixes str and int: ids[{first[0]}] is {items[first[0]]!r}, ids[{p}] is "
                    f"{value!r}; use one type"
                )
            if kind == "int" and not 0 <= int(value) <= _INT64_MAX:
                raise ValueError(
                    f"ids[{p}] is {int(value)}: integer ids must be in [0, 2**63), -1 pads TopK.ids"
                )
        if first is not None and first[1] == "str":
            arr = np.empty(len(items), dtype=object)
            arr[:] = [str(v) for v in items]
        else:
            arr = np.array([int(v) for v in items], dtype=np.int64)
    if np.unique(arr).shape[0] != arr.shape[0]:
        seen: dict[Any, int] = {}
        for p, value in enumerate(arr.tolist()):
            if value in seen:
                raise ValueError(
                    f"ids must be unique: {value!r} is ids[{seen[value]}] and ids[{p}]"
                )
            seen[value] = p
    arr.flags.writeable = False
    return arr


def _path(path: Any) -> str:
    """Return a path argument as str (TypeError naming what was given otherwise)."""
    try:
        value = os.fspath(path)
    except TypeError:
        raise TypeError(f"path must be a str or path-like, got {type(path).__name__}") from None
    return value if isinstance(value, str) else os.fsdecode(value)


def _check_threshold(threshold: Any, normalized: bool) -> float:
    """Return a pairs threshold as float: in (0, 1] for cosines, > 0 for dot products."""
    if isinstance(threshold, bool) or not isinstance(threshold, Real):
        raise TypeError(f"threshold must be a number, got {type(threshold).__name__}")
    t = float(threshold)
    if not np.isfinite(t) or t <= 0 or (normalized and t > 1):
        upper = "1" if normalized else "inf"
        raise ValueError(f"threshold must be in (0, {upper}], got {threshold!r}")
    return t


def _article_filter(state: _State, window: Any, exclude_same_source: Any) -> dict[str, Any]:
    """Return the core's keyword arguments for ``window`` and ``exclude_same_source``.

    ``state`` is compacted (one segment, nothing removed): its metadata is by row.
    """
    exclude_same_source = check_exclusion(exclude_same_source)
    out: dict[str, Any] = {}
    meta = state.meta
    if window is not None:
        ns = check_window(window)
        if meta is None or meta.dates is None:
            raise ValueError(
                "window= needs the articles' dates: build the index with dates= (e.g. "
                "vec.index(texts, dates=df['date']) or SimilarityIndex(X, dates=...))"
            )
        out.update(dates=meta.dates, window=ns)
    if exclude_same_source:
        if meta is None or meta.codes is None:
            raise ValueError(
                "exclude_same_source=True needs the articles' sources: build the index with "
                "sources= (e.g. vec.index(texts, sources=df['publisher']))"
            )
        out.update(sources=meta.codes, exclude_same_source=True)
    return out


def _query_filter(
    state: _State,
    n_queries: int,
    dates: Any,
    sources: Any,
    window: Any,
    exclude_same_source: Any,
) -> Callable[[int, int], dict[str, Any]]:
    """Check query_pairs' queries' dates and sources; return each segment's core arguments.

    The returned function gives the keyword arguments for the slots [begin, end) of ``state``
    (a segment): the index's dates and source codes there, and the queries' own.
    """
    exclude_same_source = check_exclusion(exclude_same_source)
    meta = state.meta
    for name, given, used in (
        ("dates", dates, window is not None),
        ("sources", sources, bool(exclude_same_source)),
    ):
        flag = "window=" if name == "dates" else "exclude_same_source=True"
        if given is not None and not used:
            raise TypeError(
                f"{name}= gives the queries' {name}, for {flag}; pass {flag} too, or leave "
                f"{name}= out"
            )
        if used and given is None:
            raise TypeError(f"{flag} needs the queries' {name}: pass {name}= with one per query")
    out: dict[str, Any] = {}
    if window is not None:
        ns = check_window(window)
        if meta is None or meta.dates is None:
            raise ValueError(
                "window= needs the indexed articles' dates: build the index with dates="
            )
        query_dates, aware = check_dates(dates, n_queries)
        if n_queries and aware != meta.aware:
            kinds = {True: "time-zone aware", False: "naive (no time zone)"}
            raise ValueError(
                f"the index's dates are {kinds[meta.aware]}, the queries' dates are "
                f"{kinds[aware]}; give them the same kind"
            )
        out.update(window=ns, query_dates=query_dates)
    if exclude_same_source:
        if meta is None or meta.codes is None:
            raise ValueError(
                "exclude_same_source=True needs the indexed articles' sources: build the "
                "index with sources="
            )
        # a source the index does not know gets a code no article has
        codes, _ = source_codes(meta.names, check_sources(sources, n_queries))
        out.update(exclude_same_source=True, query_sources=codes)

    def segment(begin: int, end: int) -> dict[str, Any]:
        if not out:
            return {}
        assert meta is not None
        kwargs = dict(out)
        if "window" in out:
            assert meta.dates is not None
            kwargs["dates"] = meta.dates[begin:end]
        if exclude_same_source:
            assert meta.codes is not None
            kwargs["sources"] = meta.codes[begin:end]
        return kwargs

    return segment


def _queries(Q: Any, state: _State) -> sp.csr_matrix:
    """Return queries as CSR, refused when their width is not the index's."""
    M = _as_csr(Q, "Q")
    if M.shape[1] != int(state.main.cols):
        raise ValueError(
            f"Q has {M.shape[1]} columns, the index has {int(state.main.cols)}; transform the "
            "queries with the vectorizer that built the index"
        )
    return M


def _row_norms(core: _core.SimilarityIndex) -> np.ndarray:
    """Return the L2 norm of each row of a core index (float64)."""
    data, _, indptr = core.csr_rows()
    n = indptr.shape[0] - 1
    row = np.repeat(np.arange(n), np.diff(indptr))
    squares: np.ndarray = np.bincount(row, weights=data.astype(np.float64) ** 2, minlength=n)
    norms: np.ndarray = np.sqrt(squares)
    return norms


def _index_from_bytes(
    cls: type[SimilarityIndex], data: bytes, n_jobs: Optional[int], progress: Optional[bool]
) -> SimilarityIndex:
    """Unpickle an index: the bytes of its index file."""
    return cls._from_core(_core.SimilarityIndex.from_bytes(data), n_jobs, progress)


# A delta segment is merged into the main one once it holds more than this many rows and this
# share of the main segment's rows; removed rows are dropped from the index (a rebuild) once they
# are this share of all rows. Between merges, queries search both segments and skip removed rows.
_MERGE_MIN_ROWS = 20_000
_MERGE_SHARE = 0.1
_COMPACT_SHARE = 0.2


class _SlotMap:
    """Each id's slot, shared by the states an index goes through between two merges.

    Built once (on the first lookup) and extended by each add, instead of a dict of every id
    per state (which cost 0.34 s of a 0.40 s add at 1M articles). It maps an id to its latest
    slot (a removed id keeps its slot until it is added again); each state checks a slot
    against its own slots and removals (:meth:`_State.row_of_id`).
    """

    def __init__(self, slot_ids: np.ndarray) -> None:
        self._ids = slot_ids
        self._map: Optional[dict[Any, int]] = None
        self._lock = threading.Lock()

    def get(self, value: Any) -> Optional[int]:
        mapping = self._map if self._map is not None else self._build()
        return mapping.get(value)

    def _build(self) -> dict[Any, int]:
        with self._lock:
            if self._map is None:
                self._map = {v: s for s, v in enumerate(self._ids.tolist())}
            return self._map

    def extend(self, slot_ids: np.ndarray, new: np.ndarray) -> None:
        """Take the ids of the next state (``slot_ids``, ending with ``new``)."""
        with self._lock:
            self._ids = slot_ids
            if self._map is not None:
                base = slot_ids.shape[0] - new.shape[0]
                for k, value in enumerate(new.tolist()):
                    self._map[value] = base + k


class _State:
    """One published version of an index: never changed once published, but for its caches.

    ``main`` holds the rows the index was built (or last merged) with, ``delta`` those added
    since (each add makes a new delta: the old one's rows and the new, copied in the core),
    ``removed`` flags removed rows over both ("slots": main's rows, then the delta's),
    ``slot_ids`` the ids of the slots (None: the index has no ids), ``meta`` their dates and
    sources (None: neither). The articles are the slots not removed, in slot order: the rows
    of an index built afresh from them.
    """

    def __init__(
        self,
        main: _core.SimilarityIndex,
        *,
        delta: Optional[_core.SimilarityIndex] = None,
        removed: Optional[np.ndarray] = None,
        slot_ids: Optional[np.ndarray] = None,
        slot_map: Optional[_SlotMap] = None,
        meta: Optional[ArticleMeta] = None,
    ) -> None:
        self.main = main
        self.meta = meta
        self.delta = delta
        self.removed = removed
        self.slot_ids = slot_ids
        self.slot_map = slot_map if slot_map is not None or slot_ids is None else _SlotMap(slot_ids)
        self._cache: dict[str, Any] = {}

    @property
    def n_main(self) -> int:
        return int(self.main.rows)

    @property
    def n_slots(self) -> int:
        return self.n_main + (0 if self.delta is None else int(self.delta.rows))

    @property
    def segmented(self) -> bool:
        return self.delta is not None or self.removed is not None

    def _cached(self, name: str, make: Callable[[], Any]) -> Any:
        value = self._cache.get(name)
        if value is None:
            value = self._cache[name] = make()
        return value

    def alive(self) -> np.ndarray:
        """Return the slots of the articles in order (an article's row is its position here)."""
        if self.removed is None:
            return np.arange(self.n_slots, dtype=np.int64)
        alive: np.ndarray = self._cached("alive", lambda: np.flatnonzero(self.removed == 0))
        return alive

    @property
    def n_alive(self) -> int:
        return self.n_slots if self.removed is None else int(self.alive().shape[0])

    def row_of_slot(self) -> np.ndarray:
        """Each slot's row (-1: removed), with one more entry -1 for padding (index -1)."""

        def make() -> np.ndarray:
            rows = np.full(self.n_slots + 1, -1, dtype=np.int64)
            rows[self.alive()] = np.arange(self.n_alive, dtype=np.int64)
            return rows

        rows: np.ndarray = self._cached("row_of_slot", make)
        return rows

    def ids(self) -> np.ndarray:
        """Return the articles' ids by row (their row numbers without ids), read-only."""

        def make() -> np.ndarray:
            ids = (
                np.arange(self.n_alive, dtype=np.int64)
                if self.slot_ids is None
                else self.slot_ids[self.alive()]
            )
            ids.flags.writeable = False
            return ids

        ids: np.ndarray = self._cached("ids", make)
        return ids

    def row_of_id(self, value: Any) -> Optional[int]:
        """Return the row of the article with this id in this state, None if there is none."""
        assert self.slot_map is not None
        slot = self.slot_map.get(value)
        if slot is None or slot >= self.n_slots:
            return None
        if self.removed is None:
            return slot
        return None if self.removed[slot] else int(self.row_of_slot()[slot])

    def slot_matrix(self, slot: int) -> sp.csr_matrix:
        """Return the row of one slot as a 1-row matrix (float32, as the index stores it)."""
        core, r = (self.main, slot) if slot < self.n_main else (self.delta, slot - self.n_main)
        assert core is not None
        data, indices, indptr = core.csr_rows()
        b, e = int(indptr[r]), int(indptr[r + 1])
        return sp.csr_matrix(
            (data[b:e], indices[b:e], np.array([0, e - b])), shape=(1, int(core.cols))
        )

    def compacted(self) -> _State:
        """Return the same articles in one segment, nothing removed: an index built afresh."""
        if not self.segmented:
            return self
        # One copy in the core of the rows kept, as they are stored (checked when they came in).
        core = self.main.merged(self.delta, removed=self.removed)
        slot_ids = None
        if self.slot_ids is not None:
            slot_ids = self.slot_ids[self.alive()]
            slot_ids.flags.writeable = False
        meta = None if self.meta is None else self.meta.take(self.alive())
        return _State(core, slot_ids=slot_ids, meta=meta)


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
    ids : sequence of str or of int, optional
        The articles' ids, one per row of X, unique: strings or integers >= 0 (Python or numpy
        integers; not bool, not floats, not a mix of str and int). Results speak them:
        ``TopK.ids`` (padded with None for string ids and with -1 for integer ids: these
        are >= 0, so -1 is never an id), ``Pairs.article_id`` and ``neighbor_id``, the
        ``article_id`` and ``neighbor_id`` columns of every frame, and :meth:`explain` takes
        ids. Default: the row numbers (results as without ids, frames without id columns).
    dates : sequence of datetime-like, optional
        One date per article (datetimes, dates, ``numpy.datetime64``, pandas timestamps or
        ISO 8601 strings; all time-zone aware or all naive), kept beside the ids: they give
        :meth:`top_k` and :meth:`pairs` their ``window=`` and :meth:`stories` its dates, and
        are saved with the index.
    sources : sequence of str, optional
        One source (publisher) per article, None for unknown, for ``exclude_same_source=`` and
        :meth:`stories`; saved with the index.
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
    ids_ : ndarray
        The articles' ids by row (read-only): int64 for integer ids and by default (the row
        numbers), object (str) for string ids.
    dates_ : ndarray of datetime64[ns] or None
        The articles' dates by row (UTC for time-zone aware dates).
    sources_ : ndarray of object or None
        The articles' sources by row (None for unknown).

    See Also
    --------
    newsim.TfidfVectorizer.index : Fit a vectorizer and index its articles.
    newsim.Archive : A vectorizer and its index that grow together.
    newsim.SimilarityIndex.load : Open a saved index.

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
    >>> index = vec.index(["the cat sat on the mat", "a cat sat", "dogs bark"], ids=["x", "y", "z"])
    >>> index.top_k(k=1).ids.ravel().tolist()
    ['y', 'x', None]
    >>> index.row_of("z")
    2
    """

    def __init__(
        self,
        X: Any,
        *,
        ids: Optional[Sequence[Any]] = None,
        dates: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
        sources: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
        n_jobs: Optional[int] = None,
        feature_names: Optional[Union[Sequence[str], np.ndarray]] = None,
        progress: Optional[bool] = None,
    ) -> None:
        M = _as_csr(X, "X")
        resolve_n_jobs(n_jobs)  # reject a bad value now, not at the first query
        check_progress(progress)
        checked = None if ids is None else _check_ids(ids, int(M.shape[0]))
        meta = ArticleMeta.checked(dates, sources, int(M.shape[0]))
        names = None
        if feature_names is not None:
            names = np.asarray(list(feature_names), dtype=object)
            if names.shape != (M.shape[1],):
                raise ValueError(
                    f"feature_names has {names.shape[0]} entries, X has {M.shape[1]} columns"
                )
        self._setup(_core.SimilarityIndex(*_parts(M)), checked, names, n_jobs, progress, meta)

    def _setup(
        self,
        core: _core.SimilarityIndex,
        ids: Optional[np.ndarray],
        feature_names: Optional[np.ndarray],
        n_jobs: Optional[int],
        progress: Optional[bool],
        meta: Optional[ArticleMeta] = None,
    ) -> None:
        """Set the attributes of an index over ``core`` (checked ids, names and metadata)."""
        self._state = _State(core, slot_ids=ids, meta=meta)
        self._has_ids = ids is not None
        self._lock = threading.Lock()  # held by writers (add, remove, merging); readers never wait
        self.n_jobs = n_jobs
        self.progress = progress
        self.feature_names_: Optional[np.ndarray] = feature_names

    # ------------------------------------------------------------------ files
    def _labels(self, state: Optional[_State] = None) -> dict[str, Any]:
        """Return the ids and terms the index file stores (None where the index has none)."""
        state = state or self._compacted()
        labels = {"ids": state.slot_ids, "feature_names": self.feature_names_}
        if state.meta is not None:
            labels.update(state.meta.file_labels())
        return labels

    def save(self, path: Union[str, os.PathLike[str]]) -> None:
        """Save the index to a file that :meth:`load` maps into memory.

        The file holds the vectors, the inverted index, the ids and the feature names, each
        section with a CRC-32C checksum, laid out so that :meth:`load` uses the arrays in
        place. It is written to a temporary file beside ``path`` and renamed over it only when
        complete, so an interrupted save (Ctrl-C, a full disk) leaves any earlier file intact;
        the file's mode follows the process's umask. ``n_jobs`` and ``progress`` are settings of
        this process, not saved. After :meth:`add` or :meth:`remove` the segments are merged
        and the whole file is written: the format holds one segment, each section in one
        place (a file that loads is the one file its index writes), so a save cannot append
        only the new rows.

        Parameters
        ----------
        path : str or path-like
            Where to write; by convention ending in ``.nsi``.

        Raises
        ------
        OSError
            If the file cannot be written (e.g. ``PermissionError``, a full disk).

        See Also
        --------
        load : Open a saved index.

        Examples
        --------
        >>> import newsim, tempfile, os
        >>> sample = newsim.datasets.load_sample()
        >>> index = newsim.TfidfVectorizer().index(sample.texts, ids=["stargate", "deepseek"])
        >>> path = os.path.join(tempfile.mkdtemp(), "articles.nsi")
        >>> index.save(path)
        >>> again = newsim.SimilarityIndex.load(path)
        >>> again.top_k(k=1).ids.ravel().tolist()
        ['deepseek', 'stargate']
        """
        state = self._compacted()
        state.main.save(_path(path), **self._labels(state))

    @classmethod
    def load(
        cls,
        path: Union[str, os.PathLike[str]],
        *,
        mmap: bool = True,
        n_jobs: Optional[int] = None,
        progress: Optional[bool] = None,
    ) -> SimilarityIndex:
        """Open an index saved with :meth:`save`.

        Every byte is checked before the index is used: the header, each section's size and
        CRC-32C checksum, every offset and index in range, the weights finite, the inverted
        index the transpose of the rows, the ids unique. A truncated, damaged or foreign file
        raises an error that names what is wrong.

        Parameters
        ----------
        path : str or path-like
            A file written by :meth:`save`.
        mmap : bool, default=True
            Map the file into memory and use its arrays in place: processes that open the same
            file share its pages (the page cache), and a loaded index costs little memory of its
            own. False reads the file into memory (for a file that may be replaced in place
            while open, or a file system without shared mappings).
        n_jobs : int or None, default=None
            Threads for the loaded index's calls, as for the constructor.
        progress : bool or None, default=None
            Progress bars, as for the constructor.

        Returns
        -------
        SimilarityIndex
            The saved index, with its ids and feature names.

        Raises
        ------
        ModelFormatError
            (a ValueError) If the file is not a newsim index, is truncated or damaged, or was
            written by a newer newsim (the message says which).
        OSError
            If the file cannot be read (e.g. ``FileNotFoundError``).

        See Also
        --------
        save : Write an index to a file.

        Examples
        --------
        >>> import newsim, tempfile, os
        >>> sample = newsim.datasets.load_sample()
        >>> index = newsim.TfidfVectorizer().index(sample.texts)
        >>> path = os.path.join(tempfile.mkdtemp(), "articles.nsi")
        >>> index.save(path)
        >>> newsim.SimilarityIndex.load(path).n_articles
        2
        """
        resolve_n_jobs(n_jobs)
        check_progress(progress)
        core = _core.SimilarityIndex.load(_path(path), mmap=bool(mmap))
        return cls._from_core(core, n_jobs, progress)

    @classmethod
    def _from_core(
        cls, core: _core.SimilarityIndex, n_jobs: Optional[int], progress: Optional[bool]
    ) -> SimilarityIndex:
        """Return an index over a loaded core index, with the ids and names it stores."""
        index = cls.__new__(cls)
        meta = ArticleMeta.from_core(core)
        index._setup(core, core.ids, core.feature_names, n_jobs, progress, meta)
        return index

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle (Dask, joblib, multiprocessing) ships the index file's bytes.
        state = self._compacted()
        data = state.main.to_bytes(**self._labels(state))
        return (_index_from_bytes, (type(self), data, self.n_jobs, self.progress))

    # ------------------------------------------------------------------ properties
    @property
    def _index(self) -> _core.SimilarityIndex:
        """The core index over every article in one segment (merging segments first)."""
        return self._compacted().main

    def _compacted(self) -> _State:
        """Return the current state in one segment, merging (and publishing) it if needed."""
        state = self._state
        if not state.segmented:
            return state
        with self._lock:
            if self._state.segmented:
                self._state = self._state.compacted()
            return self._state

    @property
    def ids_(self) -> np.ndarray:
        """The articles' ids by row (read-only).

        int64 for integer ids and by default (the row numbers), object (str) for string ids.
        """
        return self._state.ids()

    @property
    def dates_(self) -> Optional[np.ndarray]:
        """The articles' dates by row (datetime64[ns], UTC for time-zone aware dates), or None.

        Read-only; given as ``dates=`` to the constructor and to :meth:`add`.
        """
        st = self._state
        if st.meta is None or st.meta.dates is None:
            return None
        meta = st.meta.take(st.alive()) if st.removed is not None else st.meta
        return meta.dates_out()

    @property
    def _dates_aware(self) -> bool:
        """Whether the dates were time-zone aware (``dates_`` then holds them in UTC)."""
        meta = self._state.meta
        return bool(meta is not None and meta.aware)

    @property
    def sources_(self) -> Optional[np.ndarray]:
        """The articles' sources by row (object array of str, None for unknown), or None."""
        st = self._state
        if st.meta is None or st.meta.codes is None:
            return None
        meta = st.meta.take(st.alive()) if st.removed is not None else st.meta
        return meta.sources_out()

    @property
    def n_articles(self) -> int:
        """Number of indexed articles."""
        return self._state.n_alive

    @property
    def n_features(self) -> int:
        """Number of columns (terms)."""
        return int(self._state.main.cols)

    @property
    def nnz(self) -> int:
        """Number of stored weights."""
        st = self._state
        total = int(st.main.nnz) + (0 if st.delta is None else int(st.delta.nnz))
        if st.removed is not None:
            lengths = [np.diff(st.main.csr_rows()[2])]
            if st.delta is not None:
                lengths.append(np.diff(st.delta.csr_rows()[2]))
            total -= int(np.concatenate(lengths)[st.removed != 0].sum())
        return total

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
        st = self._state
        return int(st.main.nbytes) + (0 if st.delta is None else int(st.delta.nbytes))

    @property
    def normalized_(self) -> bool:
        """True when every non-empty row has unit L2 norm: scores are cosines."""
        st = self._state
        if st.main.normalized and (st.delta is None or st.delta.normalized):
            return True  # removing rows keeps it so
        if st.removed is None:
            return False
        norms = np.concatenate(
            [_row_norms(st.main)] + ([] if st.delta is None else [_row_norms(st.delta)])
        )[st.alive()]
        return bool(np.all((norms == 0) | (np.abs(norms**2 - 1.0) <= 1e-4)))

    def __len__(self) -> int:
        return self.n_articles

    def _summary(self) -> list[tuple[str, Any]]:
        out: list[tuple[str, Any]] = [
            ("n_articles", self.n_articles),
            ("n_features", self.n_features),
            ("nnz", self.nnz),
            ("scores", "cosine" if self.normalized_ else "dot product"),
            ("dtype", self.dtype.name),
            ("memory", format_bytes(self.nbytes)),
        ]
        if self._has_ids:
            out.append(("ids", "str" if self.ids_.dtype == object else "int"))
        dates, sources = self.dates_, self.sources_
        if dates is not None and dates.size:
            zone = " UTC" if self._dates_aware else ""
            out.append(("dates", f"{str(dates.min())[:10]} to {str(dates.max())[:10]}{zone}"))
        if sources is not None:
            known = sources[sources != None]  # noqa: E711 - elementwise on an object array
            out.append(("sources", len(set(known.tolist()))))
        return out

    # ------------------------------------------------------------------ ids
    def _rows_of(
        self,
        ids: Iterable[Any],
        names: Optional[Sequence[str]] = None,
        state: Optional[_State] = None,
    ) -> np.ndarray:
        """Return the rows of ``ids`` (int64); KeyError naming the first unknown id and where.

        ``names`` names the positions in the message (e.g. the arguments of :meth:`explain`);
        without it the position is ``ids[p]``. Without ``ids``, the ids are the row numbers.
        """
        if isinstance(ids, (str, bytes)):
            raise TypeError(f"ids must be a sequence of ids, got a bare {type(ids).__name__}")
        st = state or self._state
        kind = "str" if st.ids().dtype == object else "int"
        rows = []
        for p, value in enumerate(ids):
            row: Optional[int] = None
            if _kind(value) == kind:
                if self._has_ids:
                    row = st.row_of_id(value)
                elif 0 <= int(value) < st.n_alive:
                    row = int(value)
            if row is None:
                where = names[p] if names is not None else f"ids[{p}]"
                what = f"with {kind} ids" if self._has_ids else "whose ids are their rows"
                raise _UnknownId(
                    f"{where}={value!r} is not an id of this index ({st.n_alive} articles {what})"
                )
            rows.append(row)
        return np.asarray(rows, dtype=np.int64)

    def _rows_with_columns(self, columns: np.ndarray) -> np.ndarray:
        """Return the rows (int64, increasing) with an entry in any of the columns."""
        st = self._state
        cols = np.asarray(columns, dtype=np.int64)
        slots = st.main.rows_with_columns(cols)
        if st.delta is not None:
            slots = np.concatenate([slots, st.delta.rows_with_columns(cols) + st.n_main])
        rows = st.row_of_slot()[slots]
        out: np.ndarray = rows[rows >= 0]
        return out

    def row_of(self, id: Any) -> int:
        """Return the row of the article with this id.

        Parameters
        ----------
        id : str or int
            An id of the index (its row number when the index has no ``ids``).

        Returns
        -------
        int
            The article's row in X.

        Raises
        ------
        KeyError
            If no article has this id (the message names it).

        See Also
        --------
        newsim.SimilarityIndex.ids_ : The ids by row.

        Examples
        --------
        >>> import newsim
        >>> sample = newsim.datasets.load_sample()
        >>> index = newsim.TfidfVectorizer().index(sample.texts, ids=["stargate", "deepseek"])
        >>> index.row_of("deepseek")
        1
        """
        return int(self._rows_of([id], names=("id",))[0])

    def _topk(
        self,
        rows: np.ndarray,
        scores: np.ndarray,
        *,
        queries: bool,
        state: Optional[_State] = None,
    ) -> TopK:
        """Return the core's (rows, scores) as a TopK speaking the index's ids."""
        if not self._has_ids:
            return TopK(rows, scores)
        ids = (state or self._state).ids()
        return TopK._labelled(_ids_at(ids, rows), scores, rows, None if queries else ids)

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
    def top_k(
        self,
        k: int = 10,
        *,
        window: Any = None,
        exclude_same_source: bool = False,
        method: str = "auto",
        progress: Optional[bool] = None,
    ) -> TopK:
        """Each article's k most similar other articles (itself excluded).

        Parameters
        ----------
        k : int, default=10
            Neighbours per article. With fewer than k other articles sharing a term, the row is
            padded with score 0.0 and id -1 (None with string ``ids``), also when k > n - 1.
        window : str, timedelta or None, default=None
            Only neighbours whose date is at most this far from the article's (``"3D"``,
            ``"12h"``, ``datetime.timedelta(days=3)``, ``numpy.timedelta64``); needs the
            index's ``dates``. It cuts the work, not only the result: each article's terms are
            looked up only among the articles in its window (rows not in date order are
            scored on a copy of the index in date order, made for the call).
        exclude_same_source : bool, default=False
            Never a neighbour from the article's own source (articles of unknown source are
            compared with every other); needs the index's ``sources``.
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
            ``(ids, scores)``, each of shape (n_articles, k): the neighbors' ids (the index's
            ``ids``, or their row numbers without them; ``neighbor_rows`` has the rows). Its
            frame has ``article_id`` and ``neighbor_id`` when the index has ``ids``.

        See Also
        --------
        newsim.SimilarityIndex.pairs : Every pair above a threshold.
        newsim.SimilarityIndex.query : New articles' nearest indexed articles.
        newsim.SimilarityIndex.stories : Group the articles into stories.
        newsim.blockwise_top_k : Exact top-k beyond one index's memory.
        newsim.dask.top_k : The same over Dask partitions.

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
        >>> vec = newsim.TfidfVectorizer(language="en")
        >>> index = vec.index(
        ...     ["rates rise again", "rates rise", "rates rise once more"],
        ...     dates=["2024-01-01", "2024-01-02", "2024-03-01"],
        ... )
        >>> index.top_k(k=1, window="7D").ids.ravel().tolist()  # the third has none in 7 days
        [1, 0, -1]
        """
        st = self._compacted()
        n = st.n_alive
        k = _check_k(k, rows=n, useful=max(n - 1, 0))
        method = _check_method(method)
        limits = _article_filter(st, window, exclude_same_source)
        bar = self._monitor(progress, "top_k", n, lambda: st.main.top_k_work(k, method=method))
        rows, scores = _run(
            bar,
            lambda cb: st.main.top_k(k, method=method, n_jobs=self._jobs(), progress=cb, **limits),
        )
        return self._topk(rows, scores, queries=False, state=st)

    def query(
        self,
        Q: Any,
        k: int = 10,
        *,
        dates: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
        sources: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
        window: Any = None,
        exclude_same_source: bool = False,
        method: str = "auto",
        progress: Optional[bool] = None,
    ) -> TopK:
        """Find the k most similar indexed articles for each row of Q.

        Parameters
        ----------
        Q : sparse matrix or array of shape (n_queries, n_features)
            New articles, transformed by the same vectorizer as the index.
        k : int, default=10
            Neighbours per query.
        dates, sources, window, exclude_same_source
            The queries' dates and sources, and which indexed articles they are compared
            with, as in :meth:`query_pairs`.
        method : {'auto', 'pruned', 'brute'}, default='auto'
            As in :meth:`top_k`.
        progress : bool or None, default=None
            Progress bar for this call; None uses the index's ``progress``.

        Returns
        -------
        TopK
            ``(ids, scores)``, each of shape (n_queries, k): the neighbors' ids, as in
            :meth:`top_k`. The queries have no ids: its frame's ``article_id`` comes from
            ``to_frame(query_ids=...)``.

        See Also
        --------
        newsim.SimilarityIndex.query_pairs : Every indexed article above a threshold.
        newsim.SimilarityIndex.top_k : The indexed articles' own neighbours.

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
        st = self._state  # one version throughout, whatever another thread adds meanwhile
        M = _as_csr(Q, "Q")
        k = _check_k(k, rows=M.shape[0], useful=st.n_alive)
        M = _queries(M, st)
        method = _check_method(method)
        limits = _query_filter(st, int(M.shape[0]), dates, sources, window, exclude_same_source)
        bar = self._monitor(
            progress,
            "query",
            int(M.shape[0]),
            lambda: st.main.query_work(*_parts(M), method=method),
        )
        n_main = st.n_main
        removed = st.removed

        def search(cb: Any) -> tuple[np.ndarray, np.ndarray]:
            # The main segment, then the delta, each skipping its removed rows; merged by the
            # articles' rows, so that ties go to the lower row as in an index built afresh.
            flags = None if removed is None else removed[:n_main]
            r, sc = st.main.query(
                *_parts(M),
                k,
                method=method,
                n_jobs=self._jobs(),
                progress=cb,
                removed=flags,
                **limits(0, n_main),
            )
            if not st.segmented:
                return r, sc
            row_of = st.row_of_slot()
            parts = [(row_of[r], sc)]
            if st.delta is not None:
                flags = None if removed is None else removed[n_main:]
                r2, s2 = st.delta.query(
                    *_parts(M),
                    k,
                    method=method,
                    n_jobs=self._jobs(),
                    removed=flags,
                    **limits(n_main, st.n_slots),
                )
                parts.append((row_of[np.where(r2 >= 0, r2 + n_main, -1)], s2))
            merged: tuple[np.ndarray, np.ndarray] = _core.merge_top_k(parts, k)
            return merged

        rows, scores = _run(bar, search)
        return self._topk(rows, scores, queries=True, state=st)

    def pairs(
        self,
        threshold: float = 0.8,
        *,
        window: Any = None,
        exclude_same_source: bool = False,
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
        window : str, timedelta or None, default=None
            Only pairs whose dates are at most this far apart, as in :meth:`top_k` (the work
            is cut to the articles in each other's window).
        exclude_same_source : bool, default=False
            Only pairs of different sources (or of an unknown one), as in :meth:`top_k`:
            syndication across publishers.
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
            article_row, then neighbor_row; ``article_id`` and ``neighbor_id`` (properties of a
            Pairs, columns of its frame) when the index has ``ids``.

        See Also
        --------
        newsim.SimilarityIndex.query_pairs : Pairs of new and indexed articles.
        newsim.dedup : Syndicated copies and their origins.
        newsim.dask.pairs : The same over Dask partitions.

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
        st = self._compacted()
        t = _check_threshold(threshold, bool(st.main.normalized))
        method = _check_method(method)
        limits = _article_filter(st, window, exclude_same_source)
        bar = self._monitor(
            progress, "pairs", st.n_alive, lambda: st.main.pairs_work(method=method)
        )
        i, j, s = _run(
            bar,
            lambda cb: st.main.pairs(t, method=method, n_jobs=self._jobs(), progress=cb, **limits),
        )
        result = Pairs(i, j, s)
        if self._has_ids:
            result.__dict__["_ids"] = st.ids()
        return result.to_frame() if as_frame else result

    def query_pairs(
        self,
        Q: Any,
        threshold: float = 0.8,
        *,
        dates: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
        sources: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
        window: Any = None,
        exclude_same_source: bool = False,
        method: str = "auto",
        as_frame: bool = False,
        progress: Optional[bool] = None,
    ) -> Any:
        """All pairs (query, indexed article) with score >= threshold: new articles' copies.

        Parameters
        ----------
        Q : sparse matrix or array of shape (n_queries, n_features)
            New articles, transformed by the same vectorizer as the index.
        threshold : float, default=0.8
            As in :meth:`pairs`.
        dates, sources : sequence, optional
            The queries' dates and sources (as for the index), for ``window`` and
            ``exclude_same_source``.
        window : str, timedelta or None, default=None
            Only indexed articles whose date is at most this far from the query's (needs
            ``dates`` and the index's dates); only their postings are read.
        exclude_same_source : bool, default=False
            Only indexed articles of another source than the query's (needs ``sources`` and
            the index's sources).
        method : {'auto', 'pruned', 'brute'}, default='auto'
            As in :meth:`top_k` ('auto' prunes, as :meth:`pairs` does).
        as_frame : bool, default=False
            Return a pandas DataFrame instead of a :class:`Pairs`.
        progress : bool or None, default=None
            Progress bar for this call; None uses the index's ``progress``.

        Returns
        -------
        Pairs or pandas.DataFrame
            ``article_row`` is the query's row, ``neighbor_row`` the indexed article's (its
            id in ``neighbor_id``), ordered by query, then article. The frame has no
            ``article_id``: the queries have no ids.

        See Also
        --------
        newsim.SimilarityIndex.pairs : Pairs among the indexed articles.
        newsim.SimilarityIndex.query : The k nearest indexed articles.

        Examples
        --------
        >>> import newsim
        >>> sample = newsim.datasets.load_sample()
        >>> vec = newsim.TfidfVectorizer()
        >>> index = vec.index(sample.texts, ids=["stargate", "deepseek"])
        >>> found = index.query_pairs(vec.transform([sample.texts[1], "nichts"]), threshold=0.9)
        >>> found.article_row.tolist(), found.neighbor_id.tolist()
        ([0], ['deepseek'])
        """
        st = self._state
        M = _queries(Q, st)
        t = _check_threshold(threshold, self.normalized_)
        method = _check_method(method)
        n_main = st.n_main
        limits = _query_filter(st, int(M.shape[0]), dates, sources, window, exclude_same_source)
        bar = self._monitor(
            progress, "query_pairs", int(M.shape[0]), lambda: st.main.query_work(*_parts(M))
        )
        removed = st.removed

        def search(cb: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            flags = None if removed is None else removed[:n_main]
            i, j, sc = st.main.query_pairs(
                *_parts(M),
                t,
                method=method,
                n_jobs=self._jobs(),
                progress=cb,
                removed=flags,
                **limits(0, n_main),
            )
            if not st.segmented:
                return i, j, sc
            parts = [(i, j, sc)]
            if st.delta is not None:
                flags = None if removed is None else removed[n_main:]
                i2, j2, s2 = st.delta.query_pairs(
                    *_parts(M),
                    t,
                    method=method,
                    n_jobs=self._jobs(),
                    removed=flags,
                    **limits(n_main, st.n_slots),
                )
                parts.append((i2, j2 + n_main, s2))
            i = np.concatenate([p[0] for p in parts])
            j = st.row_of_slot()[np.concatenate([p[1] for p in parts])]
            sc = np.concatenate([p[2] for p in parts])
            order = np.lexsort((j, i))
            return i[order], j[order], sc[order]

        i, j, sc = _run(bar, search)
        result = Pairs(i, j, sc)
        result.__dict__["_queries"] = True
        if self._has_ids:
            result.__dict__["_ids"] = st.ids()
        return result.to_frame() if as_frame else result

    def stories(
        self,
        k: int = 20,
        threshold: float = 0.03,
        *,
        dates: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
        sources: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
        window: Any = None,
        exclude_same_source: bool = False,
        vectorizer: Any = None,
        keywords: int = 5,
        progress: Optional[bool] = None,
    ) -> Stories:
        """Group the articles into stories: which articles cover the same event.

        Average linkage on the k-nearest-neighbour graph (the core's kernel, O(n·k) memory,
        never an n x n matrix): two groups of articles are linked by the summed scores of the
        graph's edges between them, divided by ``min(|A|·|B|, k·min(|A|, |B|))`` (the pairs the
        graph can hold between them), and merge, strongest link first, while that link is
        >= ``threshold``. One strong edge between two large groups does not chain them. The
        defaults were chosen on 3,259 headlines in 44 stories (the UCI news aggregator), where
        they reach an adjusted Rand index of 0.87 (benchmarks/RESULTS.md); full-length
        articles are more alike within a topic, and a higher threshold may separate their
        stories better (not yet measured). The labels do not depend on ``n_jobs``.

        Parameters
        ----------
        k : int, default=20
            Neighbours per article in the graph, in [1, 1000].
        threshold : float, default=0.03
            The smallest link at which groups merge: in (0, 1] for cosines. Higher gives
            more, smaller stories.
        dates : sequence of datetime-like, optional
            One date per article (datetime, date, pandas.Timestamp, numpy.datetime64, ISO
            8601 strings; a datetime64 array or pandas Series is fastest); all time-zone
            aware (reported in UTC) or all naive. Gives each story's first and last date.
            Default: the index's ``dates``, if it has them.
        sources : sequence of str, optional
            One source (publisher) per article, None for unknown. Gives each story's sources.
            Default: the index's ``sources``, if it has them.
        window : str, timedelta or None, default=None
            Build the neighbour graph only between articles whose dates (the index's) are at
            most this far apart, as in :meth:`top_k`: a story then grows by articles close in
            time to some of its own.
        exclude_same_source : bool, default=False
            Build the graph only between articles of different sources, as in :meth:`top_k`.
        vectorizer : fitted vectorizer, optional
            Names the keywords with its ``get_feature_names_out()``; by default the index's
            ``feature_names_`` (column numbers without them).
        keywords : int, default=5
            Terms per story: the largest entries of the sum of its articles' rows.
        progress : bool or None, default=None
            Progress bar for this call; None uses the index's ``progress``.

        Returns
        -------
        Stories
            ``labels`` (one story per article, aligned with the rows and ``ids_``) and per
            story ``sizes``, ``keywords`` and, when given the inputs, ``first_date``,
            ``last_date``, ``n_sources``, ``sources``; ``to_frame()`` has one row per story.

        Raises
        ------
        TypeError, ValueError
            For a bad ``k``, ``threshold`` or ``keywords``; for ``dates`` or ``sources`` of
            another length, a date that is missing, does not parse or mixes aware and naive
            dates, a source that is not a str (the message names the position).

        See Also
        --------
        newsim.Stories : The result.
        newsim.StoryTracker : Stories online, batch by batch.
        newsim.dask.stories : The same over Dask partitions.

        Examples
        --------
        >>> import newsim
        >>> texts = ["Icahn nominees rejected by eBay board", "eBay board rejects Icahn nominees",
        ...          "Eurozone inflation falls again", "Inflation in the eurozone falls"]
        >>> index = newsim.TfidfVectorizer(language="en").index(texts)
        >>> stories = index.stories(dates=["2014-03-10", "2014-03-11", "2014-03-10", "2014-03-12"])
        >>> stories.labels.tolist(), stories.sizes.tolist()
        ([0, 0, 1, 1], [2, 2])
        >>> stories.to_frame()[["story", "size", "first_date", "last_date"]]
           story  size first_date  last_date
        0      0     2 2014-03-10 2014-03-11
        1      1     2 2014-03-10 2014-03-12
        """
        from ._stories import find_stories

        return find_stories(
            self,
            k,
            threshold,
            dates=dates,
            sources=sources,
            window=window,
            exclude_same_source=exclude_same_source,
            vectorizer=vectorizer,
            keywords=keywords,
            progress=progress,
        )

    def explain(
        self,
        i: int,
        j: int,
        top: int = 10,
        *,
        texts: Optional[Sequence[str]] = None,
        min_words: int = 8,
    ) -> Explanation:
        """Explain what makes articles i and j similar: shared terms and their contributions.

        Parameters
        ----------
        i, j : str or int
            The articles' ids when the index has ``ids``, else their row numbers.
        top : int, default=10
            How many terms to return (largest contributions first).
        texts : sequence of str, optional
            The indexed articles' texts, one per article in row order (the index holds
            vectors, not texts). With them, ``passages`` holds the runs of words the two
            articles share (:func:`newsim.shared_passages`), marked in a notebook.
        min_words : int, default=8
            The shortest passage, in words (with ``texts``).

        Returns
        -------
        Explanation
            ``terms`` (feature names, or column numbers without them), ``contributions`` and
            the full ``score`` (the sum over every shared term); ``passages`` with ``texts``.

        Raises
        ------
        KeyError
            If the index has ``ids`` and ``i`` or ``j`` is not one of them (named).
        IndexError, TypeError
            Without ``ids``, for a row number out of range or not an int.
        TypeError, ValueError
            For ``texts`` of another length than the index, or whose entry for i or j is not
            a str (named by its position).

        See Also
        --------
        newsim.shared_passages : The runs of text two articles share.
        newsim.TfidfVectorizer.explain : The same for two texts.

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
        >>> index = newsim.TfidfVectorizer().index(sample.texts, ids=["stargate", "deepseek"])
        >>> bool(index.explain("stargate", "deepseek").score == e.score)
        True
        """
        st = self._state
        if self._has_ids:
            i, j = (int(r) for r in self._rows_of([i, j], names=("i", "j"), state=st))
        for name, v in (("i", i), ("j", j)):
            if isinstance(v, bool) or not isinstance(v, Integral):
                raise TypeError(f"{name} must be an int, got {type(v).__name__}")
            if not 0 <= v < st.n_alive:
                raise IndexError(
                    f"article id {name}={v} is out of range for an index of {st.n_alive} articles"
                )
        top = _check_k(top, "top")
        pair_texts = None if texts is None else _texts_of(texts, st.n_alive, int(i), int(j))
        if not st.segmented:
            result = _explanation(st.main.explain(int(i), int(j)), top, self.feature_names_)
        else:
            # The two rows from their segments: the same terms and products as in one index.
            slots = st.alive()
            pair = sp.vstack([st.slot_matrix(int(slots[i])), st.slot_matrix(int(slots[j]))], "csr")
            result = _explanation(_core.explain_rows(*_parts(pair), 0, 1), top, self.feature_names_)
        if pair_texts is not None:
            from ._syndication import shared_passages

            result._with_passages(shared_passages(*pair_texts, min_words=min_words))
        return result

    # ------------------------------------------------------------------ growing
    def add(
        self,
        X: Any,
        ids: Optional[Sequence[Any]] = None,
        *,
        dates: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
        sources: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
    ) -> None:
        """Add articles to the index, without rebuilding it.

        The new rows go to a small second segment that queries also search; it is merged into
        the main one when it holds more than 10 % of the rows (and over 20,000), and
        :meth:`top_k`, :meth:`pairs`, :meth:`save` and pickling merge first. Results after any
        sequence of :meth:`add` and :meth:`remove` equal those of an index built afresh from
        the remaining rows in order (the old ones, then the added ones). Other threads may
        query meanwhile: each query sees the index before or after the addition.

        Parameters
        ----------
        X : sparse matrix or array of shape (n_new, n_features)
            The new articles' vectors, from the vectorizer that built the index.
        ids : sequence of str or of int, optional
            Their ids, required when the index has ``ids`` (of the same type, unique, and not
            the id of an article in the index: a removed article's id may come back); refused
            when it has none (its ids are the row numbers: the new articles get the next ones).
        dates, sources : sequence, optional
            The new articles' dates and sources, required when the index has them (dates of
            the same kind: time-zone aware or naive), refused when it has none.

        Raises
        ------
        ValueError
            If X has another number of columns, or an id is already in the index (named).
        TypeError
            If ``ids`` is missing, or given to an index without ids, or of the other type.

        See Also
        --------
        remove : Remove articles by id.

        Examples
        --------
        >>> import newsim
        >>> vec = newsim.TfidfVectorizer(language="en").fit(["cats purr", "dogs bark", "cats nap"])
        >>> index = vec.index(["cats purr", "dogs bark"], ids=["a", "b"])
        >>> index.add(vec.transform(["cats nap"]), ids=["c"])
        >>> index.query(vec.transform(["cats"]), k=2).ids.tolist()
        [['c', 'a']]
        """
        M = _as_csr(X, "X")
        with self._lock:
            meta = self._check_add(int(M.shape[1]), int(M.shape[0]), ids, dates, sources)
            st = self._state
            if st.n_alive == 0 and st.n_slots > 0:
                st = st.compacted()  # every article removed: the next ids may be of any type
            slot_ids = self._new_ids(st, ids, int(M.shape[0]))
            # The new rows, checked and in the index's own form (refused rows change nothing),
            # then the delta segment: the old delta's rows and the new ones, copied in the core.
            added = _core.SimilarityIndex(*_parts(M))
            delta = added if st.delta is None else st.delta.merged(added)
            removed = st.removed
            if removed is not None:
                removed = np.concatenate([removed, np.zeros(M.shape[0], dtype=np.uint8)])
            slot_map = st.slot_map
            if slot_map is not None and slot_ids is not None:
                slot_map.extend(slot_ids, slot_ids[st.n_slots :])
            new = _State(
                st.main,
                delta=delta,
                removed=removed,
                slot_ids=slot_ids,
                slot_map=slot_map,
                meta=meta,
            )
            if int(delta.rows) > max(_MERGE_MIN_ROWS, _MERGE_SHARE * new.n_main):
                new = new.compacted()
            self._state = new

    def _check_add(
        self, n_columns: int, n_new: int, ids: Any, dates: Any = None, sources: Any = None
    ) -> Optional[ArticleMeta]:
        """Raise what :meth:`add` would raise for these new rows, adding nothing.

        Returns the slots' metadata after the addition (None: the index has none).
        """
        st = self._state
        if n_columns != int(st.main.cols):
            raise ValueError(
                f"X has {n_columns} columns, the index has {int(st.main.cols)}; transform "
                "the new articles with the vectorizer that built the index"
            )
        if st.n_alive == 0 and st.n_slots > 0:
            st = st.compacted()
        self._new_ids(st, ids, n_new)
        return ArticleMeta.after_add(st.meta, dates, sources, n_new)

    def _meta_arguments(self, rows: Optional[np.ndarray] = None) -> dict[str, Any]:
        """Return the ``dates=`` and ``sources=`` of these rows (all: None), as add() takes them.

        Only the ones the index has; time-zone aware dates stay aware (in UTC).
        """
        out: dict[str, Any] = {}
        dates, sources = self.dates_, self.sources_
        if dates is not None:
            picked = dates if rows is None else dates[rows]
            if self._dates_aware:
                import pandas as pd

                out["dates"] = pd.DatetimeIndex(picked).tz_localize("UTC")
            else:
                out["dates"] = picked
        if sources is not None:
            out["sources"] = sources if rows is None else sources[rows]
        return out

    def _new_ids(self, st: _State, ids: Any, n_new: int) -> Optional[np.ndarray]:
        """Return the slot ids after adding ``n_new`` articles with ``ids`` (checked)."""
        if not self._has_ids:
            if ids is not None:
                raise TypeError(
                    "this index has no ids (its ids are the row numbers, and the new articles "
                    "get the next ones): call add(X) without ids=, or build the index with ids="
                )
            return None
        if ids is None:
            raise TypeError("this index has ids: pass ids= with one id per new article")
        new = _check_ids(ids, n_new)
        assert st.slot_ids is not None
        kind, new_kind = ("str" if a.dtype == object else "int" for a in (st.slot_ids, new))
        if st.slot_ids.size == 0:  # no article yet: the new ids set the type
            return new
        if n_new and kind != new_kind:
            raise TypeError(f"this index has {kind} ids, ids= has {new_kind} ids; use one type")
        for p, value in enumerate(new.tolist()):
            row = st.row_of_id(value)
            if row is not None:
                raise ValueError(
                    f"ids[{p}]={value!r} is already the id of an article of this index (row "
                    f"{row}); remove it first to replace it"
                )
        slot_ids = np.concatenate([st.slot_ids, new])
        slot_ids.flags.writeable = False
        return slot_ids

    def remove(self, ids: Iterable[Any]) -> None:
        """Remove articles from the index by id.

        Removed articles no longer appear in any result, and the other articles' rows close
        up (as in an index built afresh without them). Their rows are dropped for good when
        they are a fifth of the index, or at the next :meth:`top_k`, :meth:`pairs`,
        :meth:`save` or pickling. Other threads may query meanwhile: each query sees the index
        before or after the removal.

        Parameters
        ----------
        ids : sequence of str or int
            Ids of articles in the index (their current row numbers when it has no ``ids``).

        Raises
        ------
        KeyError
            If an id is not in the index (the message names it); nothing is removed then.

        See Also
        --------
        add : Add articles.

        Examples
        --------
        >>> import newsim
        >>> vec = newsim.TfidfVectorizer(language="en").fit(["cats purr", "dogs bark", "cats nap"])
        >>> index = vec.index(["cats purr", "dogs bark", "cats nap"], ids=["a", "b", "c"])
        >>> index.remove(["a"])
        >>> index.ids_.tolist(), index.query(vec.transform(["cats"]), k=1).ids.tolist()
        (['b', 'c'], [['c']])
        """
        if isinstance(ids, (str, bytes)):
            raise TypeError(f"ids must be a sequence of ids, got a bare {type(ids).__name__}")
        with self._lock:
            st = self._state
            rows = self._rows_of(list(ids), state=st)
            if rows.size == 0:
                return
            removed = (
                np.zeros(st.n_slots, dtype=np.uint8) if st.removed is None else st.removed.copy()
            )
            removed[st.alive()[rows]] = 1
            new = _State(
                st.main,
                delta=st.delta,
                removed=removed,
                slot_ids=st.slot_ids,
                slot_map=st.slot_map,
                meta=st.meta,
            )
            if new.n_slots - new.n_alive > _COMPACT_SHARE * new.n_slots:
                new = new.compacted()
            self._state = new


class Keywords(NamedTuple):
    """Each article's top-weighted terms: ``terms[r]`` and ``weights[r]`` of row r, largest first.

    See Also
    --------
    newsim.TfidfVectorizer.keywords : Makes it.

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


def _texts_of(texts: Any, n: int, i: int, j: int) -> tuple[str, str]:
    """Return ``texts[i], texts[j]`` of ``explain(texts=)``, checked."""
    refuse_unordered(texts, "texts", "str")
    if not hasattr(texts, "__getitem__") or not hasattr(texts, "__len__"):
        texts = list(texts)
    if len(texts) != n:
        raise ValueError(
            f"texts has {len(texts)} entries for {n} articles; pass one per indexed article"
        )
    at = getattr(texts, "iloc", texts)  # a pandas Series by position, not by label
    out = []
    for p in (i, j):
        value = at[p]
        if not isinstance(value, str):
            raise TypeError(f"texts[{p}] is {value!r} ({type(value).__name__}): texts must be str")
        out.append(value)
    return out[0], out[1]


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
