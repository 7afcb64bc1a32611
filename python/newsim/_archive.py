"""An archive: a fitted vectorizer and the index of the articles it vectorized, in one file.

The file is an index file (see :meth:`SimilarityIndex.save`) with one more section, the
vectorizer's model file, so that new articles can be added and queried as text.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any, Optional, Union, cast

import numpy as np
import scipy.sparse as sp

from . import _core
from ._persistence import _PersistenceMixin
from ._repr import SummaryReprMixin
from ._similarity import SimilarityIndex, TopK, _path


class Archive(SummaryReprMixin):
    """A fitted vectorizer and the index of the articles it vectorized, saved as one file.

    New articles are added and queried as text. The index's ids, add and remove, and its
    memory-mapped file work as in :class:`SimilarityIndex`.

    Weights that keep up: with ``tolerance=None`` (the default) the idf stays that of the fit
    and new articles are weighted with it. With a ``tolerance`` (>= 0), :meth:`add` updates
    the corpus statistics (``partial_fit``), weights the new articles with the new idf, and
    re-weights every article once :meth:`staleness`, the largest relative idf change since a
    row was weighted, exceeds it: with 0 the rows always equal a fresh fit over every article
    added (to float rounding); with 0.05 no weight is off by more than the idf's 5 %, before
    normalization. This needs columns that stay put as the corpus grows (a
    ``HashingVectorizer(use_idf=True)``, or a fixed ``vocabulary`` taken verbatim,
    ``normalize_vocabulary=False``, without decompounding);
    a learned vocabulary changes its columns as it grows.

    Parameters
    ----------
    vectorizer : TfidfVectorizer, SklearnTfidfVectorizer or HashingVectorizer
        Fitted; it made the index's rows.
    index : SimilarityIndex
        The articles' vectors, with as many columns as the vectorizer has features, weighted
        with its current idf.
    tolerance : float or None, default=None
        See above; refused (ValueError) for a vectorizer whose rows cannot be re-weighted.

    Examples
    --------
    >>> import newsim, os, tempfile
    >>> sample = newsim.datasets.load_sample()
    >>> archive = newsim.Archive.build(sample.texts, ids=["stargate", "deepseek"])
    >>> path = os.path.join(tempfile.mkdtemp(), "news.nsi")
    >>> archive.save(path)
    >>> archive = newsim.Archive.load(path)
    >>> archive.query([sample.texts[1]], k=1).ids.tolist()
    [['deepseek']]
    """

    def __init__(
        self, vectorizer: Any, index: SimilarityIndex, *, tolerance: Optional[float] = None
    ) -> None:
        n_features = (
            len(vectorizer.get_feature_names_out())
            if hasattr(vectorizer, "get_feature_names_out")
            else int(vectorizer.n_features)
        )
        if not isinstance(index, SimilarityIndex):
            raise TypeError(f"index must be a SimilarityIndex, got {type(index).__name__}")
        if index.n_features != n_features:
            raise ValueError(
                f"the index has {index.n_features} columns, the vectorizer makes {n_features}: "
                "build the index with this vectorizer"
            )
        self.vectorizer = vectorizer
        self.index = index
        self.tolerance = _check_tolerance(tolerance, vectorizer)
        # The idf each row was weighted with: versions, and each row's version (rows in order).
        self._idfs: list[np.ndarray] = []
        self._seen: list[np.ndarray] = []  # per version: the columns in the corpus by then
        self._version = np.zeros(index.n_articles, dtype=np.int32)
        if self.tolerance is not None:
            self._new_version()

    @classmethod
    def build(
        cls,
        texts: Iterable[str],
        ids: Optional[Sequence[Any]] = None,
        *,
        vectorizer: Any = None,
        n_jobs: Optional[int] = None,
        tolerance: Optional[float] = None,
    ) -> Archive:
        """Fit a vectorizer on the texts (unless given fitted) and index them.

        Parameters
        ----------
        texts : iterable of str
            The articles.
        ids : sequence of str or int, optional
            Their ids, as for :class:`SimilarityIndex`.
        vectorizer : vectorizer, optional
            Fitted: it transforms the texts; not fitted: it is fitted on them first. Default:
            ``TfidfVectorizer()``.
        n_jobs : int or None, default=None
            Threads of the index.
        tolerance : float or None, default=None
            As for the class.

        Returns
        -------
        Archive
        """
        from ._vectorizer import TfidfVectorizer

        texts = list(texts)
        vec = TfidfVectorizer() if vectorizer is None else vectorizer
        fitted = getattr(vec, "_core", None) is not None
        X = vec.transform(texts) if fitted else vec.fit_transform(texts)
        names = vec.get_feature_names_out() if hasattr(vec, "get_feature_names_out") else None
        index = SimilarityIndex(X, ids=ids, n_jobs=n_jobs, feature_names=names)
        return cls(vec, index, tolerance=tolerance)

    def _summary(self) -> list[tuple[str, Any]]:
        return [
            ("n_articles", self.index.n_articles),
            ("n_features", self.index.n_features),
            ("vectorizer", type(self.vectorizer).__name__),
        ]

    def __len__(self) -> int:
        return self.index.n_articles

    def add(self, texts: Iterable[str], ids: Optional[Sequence[Any]] = None) -> None:
        """Add articles as text (see :meth:`SimilarityIndex.add` for ``ids``).

        Without a ``tolerance`` the new articles are weighted with the vectorizer's idf as it
        is. With one, the corpus statistics take the new articles in first
        (``partial_fit``), the new articles are weighted with the idf that results, and when
        :meth:`staleness` then exceeds the tolerance every article is re-weighted
        (:meth:`reweight`). Nothing changes when the texts or ids are refused.
        """
        texts = list(texts)
        if self.tolerance is None:
            self.index.add(self.vectorizer.transform(texts), ids=ids)
            self._version = np.concatenate([self._version, np.zeros(len(texts), dtype=np.int32)])
            return
        X = self.vectorizer.transform(texts)  # the texts' own errors, before anything changes
        self.index._check_add(int(X.shape[1]), int(X.shape[0]), ids)
        self.vectorizer.partial_fit(texts)
        self.index.add(self.vectorizer.transform(texts), ids=ids)
        self._new_version()
        version = np.full(len(texts), len(self._idfs) - 1, dtype=np.int32)
        self._version = np.concatenate([self._version, version])
        if self.staleness() > self.tolerance:
            self.reweight()

    def remove(self, ids: Iterable[Any]) -> None:
        """Remove articles by id (see :meth:`SimilarityIndex.remove`)."""
        ids = list(ids)
        rows = self.index._rows_of(ids)
        self.index.remove(ids)
        self._version = np.delete(self._version, rows)

    def staleness(self) -> float:
        """Return the largest relative idf change since the archive's rows were weighted.

        ``max |idf_then - idf_now| / idf_now`` over the idf versions the rows were weighted
        with and the terms of the corpus by then (a term no row had then is in none of them);
        0 when every row has the current idf (and always without a ``tolerance``, when the
        idf never changes).

        Examples
        --------
        >>> import newsim
        >>> vec = newsim.HashingVectorizer(n_features=2**12, use_idf=True)
        >>> archive = newsim.Archive.build(
        ...     ["cats purr", "dogs bark"], ids=[0, 1], vectorizer=vec, tolerance=1.0
        ... )
        >>> archive.add(["cats nap", "cats sleep"], ids=[2, 3])
        >>> 0 < archive.staleness() <= 1.0
        True
        """
        if self.tolerance is None or not self._version.size:
            return 0.0
        now = np.asarray(self.vectorizer.idf_, dtype=np.float64)
        worst = 0.0
        for v in np.unique(self._version):
            seen = self._seen[v]
            if seen.any():
                change = np.abs(self._idfs[v][seen] - now[seen]) / now[seen]
                worst = max(worst, float(change.max()))
        return worst

    def _new_version(self) -> None:
        """Record the vectorizer's idf as the one rows are weighted with from now on."""
        self._idfs.append(np.asarray(self.vectorizer.idf_, dtype=np.float64).copy())
        self._seen.append(np.asarray(self.vectorizer.df_) > 0)

    def reweight(self) -> None:
        """Re-weight every article with the vectorizer's current idf (rebuilds the index).

        A row's weights are ``tf * idf`` normalized, so each is scaled by ``idf_now /
        idf_then`` of its column and the row normalized again: the rows an index built afresh
        with the current idf would hold (to float rounding).
        """
        if self.tolerance is None:
            return
        index = self.index
        state = index._compacted()
        data, indices, indptr = state.main.csr_rows()
        now = np.asarray(self.vectorizer.idf_, dtype=np.float64)
        per_entry = np.repeat(self._version, np.diff(indptr))
        then = np.stack(self._idfs)[per_entry, indices]
        weights = data.astype(np.float64) * (now[indices] / then)
        X = sp.csr_matrix(
            (weights, indices.copy(), indptr.copy()), shape=(index.n_articles, index.n_features)
        )
        norm = self.vectorizer.get_params().get("norm")
        if norm in ("l1", "l2"):
            lengths = (
                np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
                if norm == "l2"
                else np.asarray(abs(X).sum(axis=1)).ravel()
            )
            lengths[lengths == 0] = 1.0
            X = sp.csr_matrix(sp.diags(1.0 / lengths) @ X)
        self.index = SimilarityIndex(
            X,
            ids=cast(Any, state.slot_ids),
            n_jobs=index.n_jobs,
            feature_names=index.feature_names_,
            progress=index.progress,
        )
        self._idfs, self._seen = [], []
        self._new_version()
        self._version = np.zeros(self.index.n_articles, dtype=np.int32)

    def query(self, texts: Iterable[str], k: int = 10, **kwargs: Any) -> TopK:
        """Find each text's k most similar archived articles (see :meth:`SimilarityIndex.query`)."""
        return self.index.query(self.vectorizer.transform(list(texts)), k, **kwargs)

    def query_pairs(self, texts: Iterable[str], threshold: float = 0.8, **kwargs: Any) -> Any:
        """Find every (text, archived article) pair with score >= threshold.

        See :meth:`SimilarityIndex.query_pairs`.
        """
        return self.index.query_pairs(self.vectorizer.transform(list(texts)), threshold, **kwargs)

    def save(self, path: Union[str, os.PathLike[str]]) -> None:
        """Save the archive: the index file with the vectorizer's model in it.

        Written atomically, as :meth:`SimilarityIndex.save`; ``SimilarityIndex.load`` opens
        the file too (without the vectorizer).
        """
        if self.staleness() > 0:
            self.reweight()  # the file's rows and model agree: all rows have the model's idf
        state = self.index._compacted()
        model = self.vectorizer._model_bytes()
        state.main.save(_path(path), model=model, **self.index._labels(state))

    @classmethod
    def load(
        cls,
        path: Union[str, os.PathLike[str]],
        *,
        mmap: bool = True,
        n_jobs: Optional[int] = None,
        tolerance: Optional[float] = None,
    ) -> Archive:
        """Open an archive saved with :meth:`save`.

        The index is mapped and checked as by :meth:`SimilarityIndex.load`.

        Raises
        ------
        ModelFormatError
            If the file is damaged, not an index file, or an index file without a vectorizer
            (saved by :meth:`SimilarityIndex.save`: open it with ``SimilarityIndex.load``).
        """
        index = SimilarityIndex.load(path, mmap=mmap, n_jobs=n_jobs)
        model = index._state.main.model
        if model is None:
            raise _core.ModelFormatError(
                f"{os.fspath(path)!r} is an index file without a vectorizer (saved by "
                "SimilarityIndex.save): open it with newsim.SimilarityIndex.load, or save an "
                "Archive"
            )
        vectorizer = _PersistenceMixin._from_model_bytes(model, f"the model in {os.fspath(path)!r}")
        return cls(vectorizer, index, tolerance=tolerance)

    def __reduce__(self) -> tuple[Any, ...]:
        if self.staleness() > 0:
            self.reweight()
        return (_archive_from, (self.vectorizer, self.index, self.tolerance))


def _archive_from(vectorizer: Any, index: SimilarityIndex, tolerance: Optional[float]) -> Archive:
    """Unpickle an archive (its rows all weighted with the vectorizer's idf)."""
    return Archive(vectorizer, index, tolerance=tolerance)


def _check_tolerance(tolerance: Any, vectorizer: Any) -> Optional[float]:
    """Return the tolerance, refused for a vectorizer whose rows cannot be re-weighted."""
    if tolerance is None:
        return None
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)):
        raise TypeError(f"tolerance must be a number or None, got {type(tolerance).__name__}")
    if not tolerance >= 0:
        raise ValueError(f"tolerance must be >= 0, got {tolerance!r}")
    options = vectorizer._fitted_core().options()
    # A fixed vocabulary normalized to the analyzer's terms picks entry or alias per column from
    # the corpus statistics, which change as the corpus grows: only a verbatim one stays put.
    stable = options.get("n_features") is not None or (
        options.get("vocabulary") is not None and not options.get("normalize_vocabulary")
    )
    if not (
        stable
        and options.get("use_idf")
        and options.get("weighting") == "tfidf"
        and not options.get("decompound")
    ):
        raise ValueError(
            "re-weighting (tolerance=) needs a vectorizer whose columns stay the same as the "
            "corpus grows and whose weights are tf x idf: HashingVectorizer(use_idf=True), or a "
            "fixed vocabulary= with normalize_vocabulary=False, without decompound, "
            "weighting='tfidf' and use_idf=True; with a learned vocabulary, leave tolerance=None "
            "(the idf stays that of the fit)"
        )
    return float(tolerance)
