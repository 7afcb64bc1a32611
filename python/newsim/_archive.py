"""An archive: a fitted vectorizer and the index of the articles it vectorized, in one file.

The file is an index file (see :meth:`SimilarityIndex.save`) with one more section, the
vectorizer's model file, so that new articles can be added and queried as text.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any, Optional, Union

from . import _core
from ._persistence import _PersistenceMixin
from ._repr import SummaryReprMixin
from ._similarity import SimilarityIndex, TopK, _path


class Archive(SummaryReprMixin):
    """A fitted vectorizer and the index of the articles it vectorized, saved as one file.

    New articles are added and queried as text: the archive's vectorizer turns them into
    vectors with the weights it was fitted with (its idf stays that of the fit: re-fitting
    on a grown archive is for a later version). The index's ids, add and remove, and its
    memory-mapped file work as in :class:`SimilarityIndex`.

    Parameters
    ----------
    vectorizer : TfidfVectorizer, SklearnTfidfVectorizer or HashingVectorizer
        Fitted; it made the index's rows.
    index : SimilarityIndex
        The articles' vectors, with as many columns as the vectorizer has features.

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

    def __init__(self, vectorizer: Any, index: SimilarityIndex) -> None:
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

    @classmethod
    def build(
        cls,
        texts: Iterable[str],
        ids: Optional[Sequence[Any]] = None,
        *,
        vectorizer: Any = None,
        n_jobs: Optional[int] = None,
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
        return cls(vec, SimilarityIndex(X, ids=ids, n_jobs=n_jobs, feature_names=names))

    def _summary(self) -> list[tuple[str, Any]]:
        return [
            ("n_articles", self.index.n_articles),
            ("n_features", self.index.n_features),
            ("vectorizer", type(self.vectorizer).__name__),
        ]

    def __len__(self) -> int:
        return self.index.n_articles

    def add(self, texts: Iterable[str], ids: Optional[Sequence[Any]] = None) -> None:
        """Add articles as text (see :meth:`SimilarityIndex.add` for ``ids``)."""
        self.index.add(self.vectorizer.transform(list(texts)), ids=ids)

    def remove(self, ids: Iterable[Any]) -> None:
        """Remove articles by id (see :meth:`SimilarityIndex.remove`)."""
        self.index.remove(ids)

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
        state = self.index._compacted()
        model = self.vectorizer._model_bytes()
        state.main.save(_path(path), model=model, **self.index._labels(state))

    @classmethod
    def load(
        cls, path: Union[str, os.PathLike[str]], *, mmap: bool = True, n_jobs: Optional[int] = None
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
        return cls(vectorizer, index)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Archive, (self.vectorizer, self.index))
