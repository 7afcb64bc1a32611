"""Similarity over TF-IDF rows: top-k neighbours, near-duplicate pairs, queries, explanations."""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any, NamedTuple, Optional, Union

import numpy as np
import scipy.sparse as sp

from . import _core
from ._jobs import resolve_n_jobs

__all__ = ["Explanation", "Keywords", "Pairs", "SimilarityIndex", "TopK"]

_METHODS = ("auto", "pruned", "brute")


class TopK(NamedTuple):
    """Each row's k nearest articles: ``ids`` and ``scores``, arrays of shape (n, k).

    Rows are sorted by score (ties: lower id first) and padded with id -1 and score 0.0 where
    fewer than k articles share a term with the row.
    """

    ids: np.ndarray
    scores: np.ndarray

    def to_frame(self, ids: Optional[Sequence[Any]] = None) -> Any:
        """Return the neighbours as a long pandas DataFrame (padding left out).

        Parameters
        ----------
        ids : sequence, optional
            Labels of the indexed articles (e.g. titles), used instead of row numbers for the
            ``neighbor`` column; the ``article`` column keeps the query row numbers.

        Returns
        -------
        pandas.DataFrame
            Columns ``article``, ``rank``, ``neighbor``, ``score``.
        """
        import pandas as pd

        n, k = self.ids.shape
        rows = np.repeat(np.arange(n), k)
        ranks = np.tile(np.arange(1, k + 1), n)
        nb = self.ids.ravel()
        keep = nb >= 0
        neighbor: Any = nb[keep]
        if ids is not None:
            neighbor = np.asarray(list(ids), dtype=object)[neighbor]
        return pd.DataFrame(
            {
                "article": rows[keep],
                "rank": ranks[keep],
                "neighbor": neighbor,
                "score": self.scores.ravel()[keep],
            }
        )


class Pairs(NamedTuple):
    """Pairs of articles ``i < j`` with ``score >= threshold``, ordered by ``i`` then ``j``."""

    i: np.ndarray
    j: np.ndarray
    score: np.ndarray

    @property
    def n_pairs(self) -> int:
        """Number of pairs (``len()`` of a Pairs is 3, its fields, as for any tuple)."""
        return int(self.i.shape[0])

    def to_frame(self, ids: Optional[Sequence[Any]] = None) -> Any:
        """Return the pairs as a pandas DataFrame with columns ``i``, ``j``, ``score``.

        Parameters
        ----------
        ids : sequence, optional
            Labels of the articles; adds columns ``id_i`` and ``id_j``.

        Returns
        -------
        pandas.DataFrame
            One row per pair.
        """
        import pandas as pd

        df = pd.DataFrame({"i": self.i, "j": self.j, "score": self.score})
        if ids is not None:
            labels = np.asarray(list(ids), dtype=object)
            df["id_i"] = labels[self.i]
            df["id_j"] = labels[self.j]
        return df


class Explanation(NamedTuple):
    """Why two articles are similar: the shared terms and each one's contribution.

    The contributions of all shared terms sum to the articles' score (their cosine when rows
    are L2-normalized); ``terms`` and ``contributions`` hold the largest ones.
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
        M = M.astype(np.float64)
    return M


def _parts(M: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, int]]:
    return (
        np.ascontiguousarray(M.data),
        np.ascontiguousarray(M.indices),
        np.ascontiguousarray(M.indptr),
        (int(M.shape[0]), int(M.shape[1])),
    )


def _check_k(k: Any) -> int:
    if isinstance(k, bool) or not isinstance(k, Integral):
        raise TypeError(f"k must be an int, got {type(k).__name__}")
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    return int(k)


def _check_method(method: str) -> str:
    if method not in _METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, _METHODS))}, got {method!r}")
    return method


class SimilarityIndex:
    """Nearest neighbours and near-duplicates of articles, without an n x n matrix.

    Scores are dot products of the rows: cosines when the rows are L2-normalized (newsim's and
    scikit-learn's TF-IDF output), plain dot products otherwise (``normalized_`` tells which).
    Memory stays O(nnz) for the index, O(n·k) for top-k results and O(pairs) for pairs, plus
    O(n) scratch per thread.

    Parameters
    ----------
    X : sparse matrix or array of shape (n_articles, n_features)
        The article vectors, e.g. ``TfidfVectorizer().fit_transform(articles)``.
    n_jobs : int or None, default=None
        Threads (None: 1; -1: all cores).
    feature_names : sequence of str, optional
        Term of each column, for :meth:`explain`.

    Examples
    --------
    >>> import newsim
    >>> vec = newsim.TfidfVectorizer(language="en")
    >>> index = vec.index(["the cat sat on the mat", "a cat sat", "dogs bark loudly"])
    >>> ids, scores = index.top_k(k=1)
    >>> ids.ravel().tolist()
    [1, 0, -1]
    """

    def __init__(
        self,
        X: Any,
        *,
        n_jobs: Optional[int] = None,
        feature_names: Optional[Union[Sequence[str], np.ndarray]] = None,
    ) -> None:
        M = _as_csr(X, "X")
        resolve_n_jobs(n_jobs)  # reject a bad value now, not at the first query
        self._index = _core.SimilarityIndex(*_parts(M))
        self.n_jobs = n_jobs
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
    def normalized_(self) -> bool:
        """True when every non-empty row has unit L2 norm: scores are cosines."""
        return bool(self._index.normalized)

    def __len__(self) -> int:
        return self.n_articles

    def __repr__(self) -> str:
        kind = "cosine" if self.normalized_ else "dot product"
        return (
            f"SimilarityIndex(n_articles={self.n_articles}, n_features={self.n_features}, "
            f"nnz={self._index.nnz}, scores={kind})"
        )

    def _jobs(self) -> int:
        return resolve_n_jobs(self.n_jobs)

    # ------------------------------------------------------------------ queries
    def top_k(self, k: int = 10, *, method: str = "auto") -> TopK:
        """Each article's k most similar other articles (itself excluded).

        Parameters
        ----------
        k : int, default=10
            Neighbours per article. With fewer than k other articles sharing a term, the row is
            padded with id -1 and score 0.0 (also when k > n - 1).
        method : {'auto', 'pruned', 'brute'}, default='auto'
            'auto' uses the symmetric kernel (each pair scored once, for both rows; k <= 255)
            and otherwise scores every posting; 'pruned' skips postings that cannot change
            the result (exact; needs non-negative weights, else falls back to 'brute'; it pays
            off for :meth:`pairs`, rarely for top-k); 'brute' scores every shared posting of
            each row. All give the same neighbours (equal scores go to the lower id).

        Returns
        -------
        TopK
            ``(ids, scores)``, each of shape (n_articles, k).
        """
        k = _check_k(k)
        ids, scores = self._index.top_k(k, method=_check_method(method), n_jobs=self._jobs())
        return TopK(ids, scores)

    def query(self, Q: Any, k: int = 10, *, method: str = "auto") -> TopK:
        """Find the k most similar indexed articles for each row of Q.

        Parameters
        ----------
        Q : sparse matrix or array of shape (n_queries, n_features)
            New articles, transformed by the same vectorizer as the index.
        k : int, default=10
            Neighbours per query.
        method : {'auto', 'pruned', 'brute'}, default='auto'
            As in :meth:`top_k`.

        Returns
        -------
        TopK
            ``(ids, scores)``, each of shape (n_queries, k).
        """
        k = _check_k(k)
        M = _as_csr(Q, "Q")
        if M.shape[1] != self.n_features:
            raise ValueError(
                f"Q has {M.shape[1]} columns, the index has {self.n_features}; transform the "
                "queries with the vectorizer that built the index"
            )
        ids, scores = self._index.query(
            *_parts(M), k, method=_check_method(method), n_jobs=self._jobs()
        )
        return TopK(ids, scores)

    def pairs(self, threshold: float = 0.8, *, method: str = "auto", as_frame: bool = False) -> Any:
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

        Returns
        -------
        Pairs or pandas.DataFrame
            ``(i, j, score)`` ordered by i, then j.
        """
        if isinstance(threshold, bool) or not isinstance(threshold, Real):
            raise TypeError(f"threshold must be a number, got {type(threshold).__name__}")
        t = float(threshold)
        if not np.isfinite(t) or t <= 0 or (self.normalized_ and t > 1):
            upper = "1" if self.normalized_ else "inf"
            raise ValueError(f"threshold must be in (0, {upper}], got {threshold!r}")
        i, j, s = self._index.pairs(t, method=_check_method(method), n_jobs=self._jobs())
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
        """
        for name, v in (("i", i), ("j", j)):
            if isinstance(v, bool) or not isinstance(v, Integral):
                raise TypeError(f"{name} must be an int, got {type(v).__name__}")
            if not 0 <= v < self.n_articles:
                raise IndexError(
                    f"article id {name}={v} is out of range for an index of "
                    f"{self.n_articles} articles"
                )
        top = _check_k(top)
        cols, vals = self._index.explain(int(i), int(j))
        score = float(vals.sum())
        cols, vals = cols[:top], vals[:top]
        terms = (
            [self.feature_names_[c] for c in cols]
            if self.feature_names_ is not None
            else cols.tolist()
        )
        return Explanation(terms, vals, score)


class Keywords(NamedTuple):
    """Each article's top-weighted terms: ``terms[r]`` and ``weights[r]``, largest first."""

    terms: list[list[str]]
    weights: list[np.ndarray]

    def to_frame(self, ids: Optional[Sequence[Any]] = None) -> Any:
        """Return a long pandas DataFrame with columns ``article``, ``rank``, ``term``, ``weight``.

        Parameters
        ----------
        ids : sequence, optional
            Labels of the articles, used in the ``article`` column.

        Returns
        -------
        pandas.DataFrame
            One row per (article, keyword).
        """
        import pandas as pd

        labels = list(ids) if ids is not None else list(range(len(self.terms)))
        rows = [
            (labels[r], rank + 1, term, float(w))
            for r, (terms, weights) in enumerate(zip(self.terms, self.weights))
            for rank, (term, w) in enumerate(zip(terms, weights))
        ]
        return pd.DataFrame(rows, columns=["article", "rank", "term", "weight"])


def top_entries(X: Any, top: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the ``top`` largest entries of each row of X: (columns, values), padded."""
    M = _as_csr(X, "X")
    cols, vals = _core.top_entries(*_parts(M), _check_k(top))
    return cols, vals
