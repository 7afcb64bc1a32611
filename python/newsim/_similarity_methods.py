"""The vectorizers' similarity methods: an index over articles; explanations and keywords."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Optional, Protocol, Union

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from ._similarity import Explanation, Keywords, SimilarityIndex, explain_rows, top_entries


class _Transforming(Protocol):
    """What the similarity methods need of the estimator."""

    def _param(self, name: str) -> Any: ...

    def fit_transform(self, raw_documents: Iterable[str], y: Any = None) -> sp.csr_matrix: ...

    def transform(self, raw_documents: Iterable[str]) -> sp.csr_matrix: ...

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray: ...


class _SimilarityMethodsMixin:
    """:meth:`index`, on a fitted (or fitting) vectorizer."""

    def index(
        self: _Transforming,
        raw_documents: Iterable[str],
        *,
        ids: Optional[Sequence[Any]] = None,
        dates: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
        sources: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
        n_jobs: Optional[int] = None,
    ) -> SimilarityIndex:
        """Fit on the articles and return a :class:`SimilarityIndex` over them.

        Parameters
        ----------
        raw_documents : iterable of str
            The articles.
        ids : sequence of str or of int, optional
            The articles' ids, one per article, unique (see :class:`SimilarityIndex`): results
            speak them. Default: the row numbers.
        dates : sequence of datetime-like, optional
            The articles' dates (see :class:`SimilarityIndex`), for ``window=`` in
            :meth:`SimilarityIndex.top_k` and :meth:`SimilarityIndex.pairs`.
        sources : sequence of str, optional
            The articles' sources (None for unknown), for ``exclude_same_source=``.
        n_jobs : int or None, default=None
            Threads for the index (default: the vectorizer's ``n_jobs``).

        Returns
        -------
        SimilarityIndex
            Knows the feature names, so :meth:`SimilarityIndex.explain` names terms.

        See Also
        --------
        newsim.SimilarityIndex : The index and its queries.
        newsim.Archive : A vectorizer and its index in one file that grows.

        Examples
        --------
        >>> import newsim
        >>> sample = newsim.datasets.load_sample()
        >>> index = newsim.TfidfVectorizer().index(sample.texts)
        >>> index  # doctest: +ELLIPSIS
        SimilarityIndex(n_articles=2, n_features=..., scores=cosine, dtype=float32, memory=...)
        >>> index.top_k(k=1).ids.tolist()
        [[1], [0]]
        >>> index = newsim.TfidfVectorizer().index(sample.texts, ids=sample.ids)
        >>> index.top_k(k=1).ids.tolist() == [[sample.ids[1]], [sample.ids[0]]]
        True
        """
        X = self.fit_transform(raw_documents)
        return SimilarityIndex(
            X,
            ids=ids,
            dates=dates,
            sources=sources,
            n_jobs=self._param("n_jobs") if n_jobs is None else n_jobs,
            # A hashing vectorizer has no feature names: its index cannot name terms.
            feature_names=(
                self.get_feature_names_out() if hasattr(self, "get_feature_names_out") else None
            ),
            progress=self._param("progress"),
        )


class _TermMethodsMixin:
    """:meth:`explain` and :meth:`keywords`: the vectorizers whose columns are named terms."""

    def explain(self: _Transforming, a: str, b: str, top: int = 10) -> Explanation:
        """Explain what makes two texts similar: shared terms and their contributions.

        Parameters
        ----------
        a, b : str
            Two articles, analyzed with the fitted vocabulary and idf.
        top : int, default=10
            How many terms to return.

        Returns
        -------
        Explanation
            ``terms``, ``contributions`` (largest first) and ``score``, the sum of all shared
            terms' contributions: the cosine of the two articles with ``norm='l2'``;
            ``passages``, the runs of at least 8 words the texts share
            (:func:`newsim.shared_passages`), marked in a notebook.

        See Also
        --------
        keywords : Each document's heaviest terms.
        newsim.SimilarityIndex.explain : The same for two indexed articles, with shared passages.

        Examples
        --------
        >>> import newsim
        >>> sample = newsim.datasets.load_sample()
        >>> vec = newsim.TfidfVectorizer().fit(sample.texts)
        >>> e = vec.explain(sample.texts[0], sample.texts[1], top=5)
        >>> "deepseek" in e.terms, round(e.score, 1)
        (True, 0.2)
        """
        from ._syndication import shared_passages

        X = self.transform([a, b])
        result = explain_rows(X, 0, 1, top=top, feature_names=self.get_feature_names_out())
        return result._with_passages(shared_passages(a, b))

    def keywords(self: _Transforming, raw_documents: Iterable[str], top: int = 10) -> Keywords:
        """Each article's top-weighted terms under the fitted model.

        Parameters
        ----------
        raw_documents : iterable of str
            The articles.
        top : int, default=10
            Terms per article.

        Returns
        -------
        Keywords
            ``terms[r]`` and ``weights[r]`` for article r, largest weight first (fewer when an
            article has fewer distinct terms).

        See Also
        --------
        explain : The terms two documents share.

        Examples
        --------
        >>> import newsim
        >>> sample = newsim.datasets.load_sample()
        >>> vec = newsim.TfidfVectorizer().fit(sample.texts)
        >>> kw = vec.keywords(sample.texts, top=3)
        >>> kw.to_frame(ids=sample.ids).shape
        (6, 5)
        >>> "russland" in kw.terms[1]
        True
        """
        X = self.transform(raw_documents)
        cols, vals = top_entries(X, top)
        names = self.get_feature_names_out()
        terms = [[names[c] for c in row if c >= 0] for row in cols]
        weights = [vals[r, : len(terms[r])] for r in range(len(terms))]
        return Keywords(terms, weights)
