"""TF-IDF vectorizers: newsim's own analysis and an exact scikit-learn mode."""

from __future__ import annotations

from collections.abc import Iterable
from numbers import Integral
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Optional, Union

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.exceptions import NotFittedError

from . import _core
from ._input import _chunks, _InputMixin, _is_stream
from ._params import _ParamsMixin
from ._persistence import _PersistenceMixin
from ._repr import VectorizerReprMixin
from ._similarity_methods import _SimilarityMethodsMixin, _TermMethodsMixin
from ._sklearn_compat import _idf_set_refused, _SklearnAnalysisMixin, _SklearnCompatMixin

__all__ = [
    "CountVectorizer",
    "HashingVectorizer",
    "SklearnCountVectorizer",
    "SklearnTfidfVectorizer",
    "TfidfVectorizer",
]

AnalyzerLike = Union[str, Callable[[str], Iterable[str]]]


class _TfidfBase(
    _ParamsMixin,
    _InputMixin,
    _PersistenceMixin,
    _SimilarityMethodsMixin,
    VectorizerReprMixin,
    TransformerMixin,  # type: ignore[misc]  # scikit-learn is untyped: the two bases are Any
    BaseEstimator,  # type: ignore[misc]
    # No set_output, as scikit-learn's vectorizers have none: the output is sparse, which its
    # pandas and polars outputs refuse. Each class passes it again (the keyword is per class).
    auto_wrap_output_keys=None,  # type: ignore[call-arg]  # scikit-learn's __init_subclass__
):
    """Shared implementation; the subclasses fix the parameters and their defaults."""

    # ---------------------------------------------------------------- estimator API

    def fit(self, raw_documents: Iterable[str], y: Any = None) -> _TfidfBase:
        """Learn the vocabulary and idf from a corpus.

        Parameters
        ----------
        raw_documents : iterable of str
            The documents. An iterable that is not a sized sequence (a generator, an open
            file, an iterator) is read in chunks of at most 20,000 documents or about 32 M
            characters, in bounded memory, with exactly the result of one fit over a list.
        y : None
            Ignored.

        Returns
        -------
        self
            The fitted vectorizer.

        See Also
        --------
        fit_transform : Fit, then transform the same documents.
        partial_fit : Add a batch of documents to the statistics.

        Examples
        --------
        >>> import newsim
        >>> sample = newsim.datasets.load_sample()
        >>> vec = newsim.TfidfVectorizer().fit(sample.texts)
        >>> vec.n_documents_, "deepseek" in vec.vocabulary_
        (2, True)
        """
        self._fit(raw_documents, want_matrix=False)
        return self

    def fit_transform(self, raw_documents: Iterable[str], y: Any = None) -> sp.csr_matrix:
        """Learn the vocabulary and idf, and return the document-term matrix.

        Parameters
        ----------
        raw_documents : iterable of str
            The documents (read into memory whole: the matrix holds them all anyway; for a
            stream, ``fit`` it and ``transform`` it chunk by chunk).
        y : None
            Ignored.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_documents, n_features)
            TF-IDF weighted document-term matrix, rows normalized per ``norm``.

        See Also
        --------
        fit, transform : The two steps.
        index : Fit, transform and index the documents for similarity.

        Examples
        --------
        >>> import newsim
        >>> sample = newsim.datasets.load_sample()
        >>> vec = newsim.TfidfVectorizer()
        >>> X = vec.fit_transform(sample.texts)
        >>> X.shape[0], X.shape[1] == len(vec.vocabulary_), X.dtype.name
        (2, True, 'float32')
        >>> (X @ X.T).toarray().round(1)  # cosines: rows have unit length
        array([[1. , 0.2],
               [0.2, 1. ]], dtype=float32)
        """
        X = self._fit(raw_documents, want_matrix=True)
        assert X is not None
        return X

    def _fit(self, raw_documents: Iterable[str], want_matrix: bool) -> Optional[sp.csr_matrix]:
        if not want_matrix and _is_stream(raw_documents):
            self._fit_stream(raw_documents)
            return None
        docs = self._documents(raw_documents)
        core, language = self._new_core(docs)
        if not docs:
            raise ValueError("cannot fit on an empty corpus: at least one document is needed")
        core = self._core_for_fit(docs, core, language)
        result = self._run("fit_transform" if want_matrix else "fit", core, docs)
        self._publish(core, language)
        return self._matrix(result) if want_matrix else None

    def _core_for_fit(
        self, docs: list[str], core: _core.Vectorizer, language: Optional[str]
    ) -> _core.Vectorizer:
        """Return the core a fit over `docs` runs: `core`, or one a subclass chose from them."""
        return core

    def _new_core(self, docs: list[str]) -> tuple[_core.Vectorizer, Optional[str]]:
        """Make a fresh core for a fit that begins with `docs` (they resolve ``'auto'``)."""
        language = self._resolve_language(docs)
        return self._make_core(language), language

    def _publish(self, core: _core.Vectorizer, language: Optional[str]) -> None:
        """Make `core` the model: threads that transform meanwhile finish with the one before.

        A fit works on a core of its own and publishes it when done, so that a fit running
        beside readers never shows them a half-fitted or unfitted model.
        """
        self.language_ = language
        self.fixed_vocabulary_ = self._param("vocabulary") is not None
        self._core = core

    def _start(self, docs: list[str]) -> _core.Vectorizer:
        """Make and publish a fresh core for statistics that begin with `docs`."""
        core, language = self._new_core(docs)
        self._publish(core, language)
        return core

    def _fit_stream(self, raw_documents: Iterable[str]) -> None:
        """Fit over an iterable in bounded-memory chunks: exact, like one fit over everything."""
        if isinstance(raw_documents, (str, bytes)):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        try:
            iterator = iter(raw_documents)
        except TypeError as exc:
            raise TypeError(
                f"raw_documents must be an iterable of str, got {type(raw_documents).__name__}"
            ) from exc
        core: Optional[_core.Vectorizer] = None
        language: Optional[str] = None
        seen = 0
        for chunk in _chunks(iterator):
            docs = self._documents(chunk)
            if core is None:
                core, language = self._new_core(docs)
            self._run("partial_fit", core, docs, first_document=seen)
            seen += len(docs)
        if core is None:
            raise ValueError("cannot fit on an empty corpus: at least one document is needed")
        core.finalize()
        self._publish(core, language)

    def partial_fit(self, raw_documents: Iterable[str], y: Any = None) -> _TfidfBase:
        """Add a batch of documents to the corpus statistics.

        After any number of calls the vectorizer is fitted as if :meth:`fit` had seen all the
        batches at once: the vocabulary, pruning (``min_df``, ``max_df``, ``max_features``) and
        idf are computed over everything seen so far, exactly. ``language='auto'`` is resolved
        on the first batch. A later :meth:`fit` starts over.

        Parameters
        ----------
        raw_documents : iterable of str
            A batch of documents (a list, or any iterable; it is read into memory).
        y : None
            Ignored.

        Returns
        -------
        self
            The vectorizer, fitted on all batches so far.

        See Also
        --------
        merge : Add the statistics of another vectorizer fitted on other documents.
        newsim.dask.fit : ``partial_fit`` per partition of a Dask collection, then ``merge``.

        Examples
        --------
        >>> import newsim
        >>> vec = newsim.TfidfVectorizer(language="en")
        >>> _ = vec.partial_fit(["the cat sat"]).partial_fit(["the dog sat", "a dog ran"])
        >>> vec.n_documents_, list(vec.get_feature_names_out())
        (3, ['cat', 'dog', 'ran', 'sat'])
        """
        docs = self._documents(raw_documents)
        core: Optional[_core.Vectorizer] = getattr(self, "_core", None)
        if core is None:
            if not docs:
                return self
            core = self._start(docs)
        self._run("partial_fit", core, docs)
        return self

    def merge(self, other: _TfidfBase) -> Any:
        """Combine the corpus statistics of two vectorizers fitted on different documents.

        The result is the vectorizer that one fit over both corpora would give (vocabulary,
        pruning and idf over the whole), so ``a.merge(b)`` equals ``b.merge(a)`` and merging is
        associative: fit parts in parallel (processes, machines, Dask partitions), then merge.

        Parameters
        ----------
        other : same class as self
            A vectorizer with the same parameters (``n_jobs`` and ``progress`` may differ),
            fitted or partially fitted.

        Returns
        -------
        same class as self
            A new fitted vectorizer; ``self`` and ``other`` are unchanged.

        Raises
        ------
        ValueError
            If a parameter, or the resolved ``language_``, differs; the message names it.

        See Also
        --------
        partial_fit : Add a batch of documents.
        newsim.dask.fit : A tree reduction of ``merge`` over a Dask collection's partitions.

        Examples
        --------
        >>> import newsim
        >>> a = newsim.TfidfVectorizer(language="en", min_df=2)
        >>> b = newsim.TfidfVectorizer(language="en", min_df=2)
        >>> _ = a.partial_fit(["the cat sat", "a dog"]), b.partial_fit(["the dog sat"])
        >>> merged = a.merge(b)  # as if fitted on all three documents
        >>> merged.n_documents_, list(merged.get_feature_names_out())
        (3, ['dog', 'sat'])
        """
        if type(other) is not type(self):
            raise TypeError(
                f"can only merge a {type(self).__name__} with another, got {type(other).__name__}"
            )
        mine, theirs = self.get_params(deep=False), other.get_params(deep=False)
        for name in mine:
            if name in ("n_jobs", "progress"):
                continue
            a, b = mine[name], theirs[name]
            same = a is b
            if not same:
                try:
                    same = bool(a == b)
                except (TypeError, ValueError):
                    same = False
            if not same:
                raise ValueError(
                    f"cannot merge vectorizers whose parameter {name!r} differs ({a!r} vs {b!r})"
                )
        for est in (self, other):
            if getattr(est, "_core", None) is None:
                raise NotFittedError(
                    f"cannot merge a {type(est).__name__} that has seen no documents; fit or "
                    "partial_fit it first"
                )
        if self.language_ != other.language_:
            raise ValueError(
                "cannot merge vectorizers whose parameter 'language' resolved differently "
                f"({self.language_!r} vs {other.language_!r}); set language explicitly"
            )
        merged = clone(self)
        merged.language_ = self.language_
        merged._core = self._core.merge(other._core)
        merged._vocabulary_cache = None
        merged.fixed_vocabulary_ = self.fixed_vocabulary_
        return merged

    def discard_statistics(self) -> _TfidfBase:
        """Free the corpus statistics kept for :meth:`partial_fit` and :meth:`merge`.

        A fit keeps every distinct term's document frequency and count, pruned terms included,
        so that parts can be merged exactly. A model that will only transform does not need
        them: with n-grams and pruning they can be ten times the size of the vocabulary (and of
        the saved file). Afterwards ``partial_fit`` and ``merge`` raise ``ValueError``; a new
        ``fit`` starts over.

        Returns
        -------
        self
            The same fitted vectorizer, smaller.

        See Also
        --------
        save : Write the (smaller) model to a file.

        Examples
        --------
        >>> import newsim
        >>> vec = newsim.TfidfVectorizer(language="en", min_df=2)
        >>> X = vec.fit_transform(["the cat sat", "the dog sat", "a dog ran"])
        >>> _ = vec.discard_statistics()
        >>> (vec.transform(["the dog sat"]) != X[1]).nnz
        0
        """
        self._fitted_core().discard_stats()
        return self

    def transform(self, raw_documents: Iterable[str]) -> sp.csr_matrix:
        """Transform documents to the document-term matrix of the fitted vocabulary.

        Parameters
        ----------
        raw_documents : iterable of str
            The documents.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_documents, n_features)
            TF-IDF weighted document-term matrix; terms outside the vocabulary are ignored.

        See Also
        --------
        fit_transform : Fit and transform in one call.
        newsim.SimilarityIndex.query : Find transformed articles' nearest indexed ones.

        Examples
        --------
        >>> import newsim
        >>> sample = newsim.datasets.load_sample()
        >>> vec = newsim.TfidfVectorizer().fit(sample.texts)
        >>> Q = vec.transform(["DeepSeek fordert OpenAI heraus", "Fußball am Wochenende"])
        >>> Q.shape[0], Q[1].nnz  # no term of the second text is in the vocabulary
        (2, 0)
        """
        core = self._fitted_core()
        docs = self._documents(raw_documents)
        return self._matrix(self._run("transform", core, docs))

    def _fitted_core(self) -> _core.Vectorizer:
        core: Optional[_core.Vectorizer] = getattr(self, "_core", None)
        if core is not None and not core.finalized and core.has_stats:
            # After partial_fit or merge: prune and weigh what was gathered. The core publishes
            # the new state whole; a transform running meanwhile keeps the one it started with.
            core.finalize()
        if core is None or not core.fitted:
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with "
                "appropriate arguments before using this estimator."
            )
        return core

    def __sklearn_is_fitted__(self) -> bool:
        core = getattr(self, "_core", None)
        return core is not None and bool(core.fitted or core.has_stats)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True  # texts, as scikit-learn's vectorizers take
        tags.input_tags.two_d_array = False
        return tags

    @property
    def idf_(self) -> np.ndarray:
        """Inverse document frequency of each feature (BM25's idf with ``weighting='bm25'``)."""
        idf = self._fitted_core().idf
        return idf if self._float64() else idf.astype(np.float32)

    @property
    def df_(self) -> np.ndarray:
        """Document frequency of each feature in the fitted corpus.

        With ``decompound``, a compound part's frequency is the estimate its idf uses: its own
        document frequency plus those of the words split into it (at most the corpus size).
        """
        return self._fitted_core().df

    @property
    def n_documents_(self) -> int:
        """Number of documents the vectorizer was fitted on."""
        return int(self._fitted_core().n_docs)

    def build_analyzer(self) -> Callable[[str], list[str]]:
        """Return the callable that turns one document into its terms.

        Returns
        -------
        callable
            ``analyzer(doc) -> list[str]``, the terms exactly as the vectorizer counts them.
            With ``decompound``, the parts of split words follow the terms once the vectorizer
            is fitted (the parts come from the fitted corpus); before, there are none.

        See Also
        --------
        compound_parts : How a German compound is split.

        Examples
        --------
        >>> import newsim
        >>> analyze = newsim.TfidfVectorizer(language="de").build_analyzer()
        >>> analyze("Die STRASSE und die Straße")  # two words, one pair (ngram_range='auto')
        ['strass', 'strass', 'strass strass']
        """
        python_side = self._python_analyzer()
        if python_side is not None:
            return python_side
        core = getattr(self, "_core", None) or self._make_core(
            self._resolve_language(None) if self._param("language") != "auto" else None
        )
        return _CoreAnalyzer(self, core.analyze)

    def compound_parts(self, word: str) -> list[str]:
        """Return the terms a word is split into by ``decompound``, after normalization.

        Parameters
        ----------
        word : str
            One word, as it appears in a text.

        Returns
        -------
        list of str
            The parts' terms in order; empty when the word is not split (it is not a compound
            of parts known from the fitted corpus, or ``decompound`` is off).

        See Also
        --------
        build_analyzer : The terms of a whole document.

        Examples
        --------
        >>> import newsim
        >>> vec = newsim.TfidfVectorizer(language="de").fit(
        ...     ["Das Wasser ist knapp.", "Wasser und Versorgung.", "Die Versorgung klappt.",
        ...      "Die Wasserversorgung der Stadt."])
        >>> vec.compound_parts("Wasserversorgung")
        ['wass', 'versorg']
        """
        if not isinstance(word, str):
            raise TypeError(f"word must be a str, got {type(word).__name__}")
        return list(self._fitted_core().compound_parts(word))


class _CoreAnalyzer:
    """The core's analysis of one document, picklable as scikit-learn's analyzers are.

    It keeps the vectorizer (which pickles its model) and makes the analysis again from it
    after unpickling: the core's own function cannot be pickled.
    """

    def __init__(self, vectorizer: _TfidfBase, analyze: Callable[[str], list[str]]) -> None:
        self._vectorizer = vectorizer
        self._analyze = analyze

    def __call__(self, doc: str) -> list[str]:
        return self._analyze(doc)

    def __getstate__(self) -> dict[str, Any]:
        return {"_vectorizer": self._vectorizer}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._vectorizer = state["_vectorizer"]
        rebuilt = _TfidfBase.build_analyzer(self._vectorizer)
        self._analyze = rebuilt._analyze if isinstance(rebuilt, _CoreAnalyzer) else rebuilt


class _VocabularyMixin:
    """``vocabulary_`` and ``get_feature_names_out``: the vectorizers that keep a vocabulary."""

    if TYPE_CHECKING:
        _vocabulary_cache: Optional[tuple[Any, int, dict[str, int]]]

        def _fitted_core(self) -> _core.Vectorizer: ...

    @property
    def vocabulary_(self) -> dict[str, int]:
        """Mapping of terms to feature indices."""
        core = self._fitted_core()
        generation = core.state_generation  # read before the terms (see the core's contract)
        cache = getattr(self, "_vocabulary_cache", None)
        if cache is None or cache[0] is not core or cache[1] != generation:
            terms = core.vocabulary
            cache = (core, generation, {t: i for i, t in enumerate(terms)})
            self._vocabulary_cache = cache
        return cache[2]

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Get output feature names for transformation.

        Parameters
        ----------
        input_features : None
            Ignored, present for API consistency.

        Returns
        -------
        numpy.ndarray of str objects
            The terms, in column order.

        See Also
        --------
        vocabulary_ : Term to column.
        inverse_transform : The terms of each row of a matrix.

        Examples
        --------
        >>> import newsim
        >>> vec = newsim.TfidfVectorizer(language="de")
        >>> vec = vec.fit(["Künstliche Intelligenz aus China", "Die KI-Infrastruktur der USA"])
        >>> vec.get_feature_names_out().tolist()
        ['china', 'infrastruktur', 'intelligenz', 'ki', 'kunstlich', 'usa']
        """
        return np.asarray(self._fitted_core().vocabulary, dtype=object)

    def inverse_transform(self, X: Any) -> list[np.ndarray]:
        """Return the terms of each row's nonzero entries.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_documents, n_features)
            A document-term matrix of this vectorizer's columns.

        Returns
        -------
        list of numpy.ndarray of str
            For each row, the terms of its nonzero entries: in column order for a dense
            ``X``, in the order the entries are stored for a sparse one (column order for
            newsim's matrices). Explicitly stored zeros are not terms of the row.

        See Also
        --------
        get_feature_names_out : The term of each column.

        Examples
        --------
        >>> import newsim
        >>> vec = newsim.SklearnTfidfVectorizer()
        >>> X = vec.fit_transform(["the cat sat", "the dog sat"])
        >>> [terms.tolist() for terms in vec.inverse_transform(X)]
        [['cat', 'sat', 'the'], ['dog', 'sat', 'the']]
        """
        from sklearn.utils import check_array

        terms = np.array(self._fitted_core().vocabulary)
        X = check_array(X, accept_sparse="csr")
        if X.shape[1] != len(terms):
            raise ValueError(
                f"X has {X.shape[1]} columns, but this vectorizer has {len(terms)} features"
            )
        if not sp.issparse(X):
            return [terms[np.flatnonzero(row)] for row in X]
        rows = []
        for i in range(X.shape[0]):
            start, end = X.indptr[i], X.indptr[i + 1]
            rows.append(terms[X.indices[start:end][X.data[start:end] != 0]])
        return rows


class TfidfVectorizer(
    _VocabularyMixin,
    _TermMethodsMixin,
    _TfidfBase,
    auto_wrap_output_keys=None,  # type: ignore[call-arg]
):
    """Convert articles to TF-IDF vectors, with Unicode-correct, language-aware analysis.

    The parameters of :class:`sklearn.feature_extraction.text.TfidfVectorizer` keep their
    meaning; newsim's defaults differ where measurement showed better similarity quality
    (``sublinear_tf=True``, stop words and stemming by language, ``dtype=float32``). For
    scikit-learn's exact behaviour and defaults, use :class:`SklearnTfidfVectorizer`.

    Parameters
    ----------
    input : {'content', 'filename', 'file'}, default='content'
        What the items of ``raw_documents`` are.
    encoding : str, default='utf-8'
        Encoding of files read with ``input='filename'`` or ``'file'``.
    decode_error : {'strict', 'ignore', 'replace'}, default='strict'
        What to do with bytes that do not decode.
    language : str or None, default='auto'
        ``'de'``, ``'en'`` (or another Snowball language) selects stop words and stemmer
        together; ``'auto'`` detects German or English from the corpus at fit time
        (``language_``); None is language-neutral Unicode analysis.
    strip_accents : {'unicode', 'ascii'} or None, default=None
        Remove accents after normalization.
    lowercase : bool, default=True
        Full Unicode case folding (``Straße``, ``STRASSE`` and ``strasse`` are one term).
    preprocessor, tokenizer : callable, default=None
        As in scikit-learn; either one switches to scikit-learn's analysis in Python.
    analyzer : {'word', 'char', 'char_wb'} or callable, default='word'
        Word or character n-grams.
    stop_words : {'auto', 'german', 'english'}, list or None, default='auto'
        ``'auto'`` uses the language's list.
    token_pattern : str or None, default=None
        None: Unicode word segmentation (UAX #29). A regular expression gives scikit-learn's
        regex tokenization with ``str.lower()`` (its default pattern runs natively).
    ngram_range : tuple (min_n, max_n) or 'auto', default='auto'
        The n-gram sizes to extract. ``'auto'`` is (1, 2) for ``analyzer='word'`` (word pairs,
        kept when frequent enough: see ``ngram_min_df``) and (1, 1) for character analyzers.
        scikit-learn's default is (1, 1).
    ngram_min_df : int, default=2
        Word n-grams (n >= 2) enter the vocabulary only if they occur in at least this many
        documents (on top of ``min_df``, which also applies to single words); 1 keeps every
        n-gram, as scikit-learn does. Not applied to the terms of a callable ``analyzer``.
    max_df, min_df : float or int, default=1.0 and 1
        Document-frequency limits: an int counts documents, a float is a share of them.
    max_features : int or None, default=None
        Keep the terms most frequent in the corpus (ties: the term sorting first).
    vocabulary : mapping or iterable, default=None
        A fixed vocabulary: its entries are the columns (in this order, or by the mapping's
        indices), and ``vocabulary_`` keeps them as given. With ``normalize_vocabulary`` an
        entry is a word or a phrase, written the way the analyzer writes text — the way stop
        words are normalized, and stemmed: ``'Häuser'`` counts ``Haus``, ``Häuser`` and
        ``Hauses`` (the term ``'haus'``), ``'künstliche Intelligenz'`` the word pair. Entries
        that can never be counted (a stop word, a phrase longer than ``ngram_range`` allows,
        a second entry for the same term) are named in a ``UserWarning`` at ``fit``.
    normalize_vocabulary : bool, default=True
        Write ``vocabulary`` entries as the analyzer writes text (above). An entry is also
        counted as it is, so a fitted ``vocabulary_`` passed back keeps its terms; set False
        to take entries only as they are (analyzer terms, as in scikit-learn — the exact way
        to reuse another vectorizer's ``vocabulary_``). Applies to newsim's own analysis; with
        a Python ``preprocessor``, ``tokenizer``, ``analyzer`` or a custom ``token_pattern``
        the entries are terms, as in scikit-learn.
    binary : bool, default=False
        Count presence instead of occurrences.
    dtype : {np.float32, np.float64}, default=np.float32
        Type of the matrix values.
    norm : {'l2', 'l1'} or None, default='l2'
        Row normalization.
    use_idf, smooth_idf : bool, default=True
        Inverse document frequency weighting, smoothed as in scikit-learn.
    sublinear_tf : bool, default=True
        Replace tf by 1 + ln(tf).
    stemmer : str or None, default='auto'
        A Snowball algorithm (``'german'``, ``'english'``, ...); ``'auto'`` follows ``language``.
    min_token_len : int, default=2
        Drop tokens shorter than this many characters.
    compounds : {'split', 'whole', 'both'}, default='split'
        Hyphenated compounds (``KI-Infrastruktur``): parts only, whole only, or both.
    decompound : bool or 'auto', default='auto'
        Split closed compounds (``Wasserversorgungsplan``) into parts learned from the fitted
        corpus: each occurrence also counts for its parts' stems (``wass``, ``versorg``,
        ``plan``), which are terms of the corpus already. ``'auto'``: for German
        (``language_ == 'de'``) with newsim's own analysis of single words and word pairs
        (``ngram_range`` from 1 to 2 or more, as the default); with single words only,
        splitting does not improve similarity quality and costs time, so ``'auto'`` leaves it
        off. The user guide's page on analysis (``docs/user-guide/analysis.md``) gives the
        rule and its measured effect.
    weighting : {'tfidf', 'bm25', 'bm25+'}, default='tfidf'
        Term weighting scheme; BM25 uses ``k1`` and ``b``. ``'bm25+'`` is BM25+ (Lv and Zhai,
        CIKM 2011; bm25s's method ``"bm25+"``): idf = ln((n + 1) / df), and each term that
        occurs in a document gets ``delta`` added to its saturated term frequency, so that a
        long document's rare terms are not weighted down to nothing.
    k1, b : float, default=1.2 and 0.75
        BM25 parameters.
    delta : float, default=1.0
        BM25+'s lower bound of an occurring term's term frequency (Lv and Zhai's value).
    n_jobs : int or None, default=None
        Threads for analysis and weighting (None: 1; -1: all cores).
    progress : bool or None, default=None
        Show a tqdm progress bar in ``fit``, ``fit_transform`` and ``transform``. None shows one
        when tqdm is installed and the call is estimated to take over a second (the corpus
        exceeds about 50 million characters per thread); True always, False never.

    Attributes
    ----------
    vocabulary_ : dict
        Term to column index.
    idf_ : ndarray of shape (n_features,)
        Inverse document frequencies.
    language_ : str or None
        The language used (resolved from ``'auto'``).

    See Also
    --------
    SklearnTfidfVectorizer : scikit-learn's analysis, defaults and output, exactly.
    HashingVectorizer : No vocabulary: terms hashed to columns, stateless.
    SimilarityIndex : Nearest neighbours and near-duplicates of the rows.
    stop_word_list : The bundled stop word lists.

    Examples
    --------
    >>> import newsim
    >>> vec = newsim.TfidfVectorizer(language="de")
    >>> X = vec.fit_transform(["Die Straße ist lang.", "Die STRASSE war länger."])
    >>> X.shape
    (2, 3)
    >>> list(vec.get_feature_names_out())  # case folded, stemmed, stop words removed
    ['lang', 'strass', 'strass lang']

    The bundled sample articles, with the language detected:

    >>> sample = newsim.datasets.load_sample()
    >>> vec = newsim.TfidfVectorizer().fit(sample.texts)
    >>> vec.language_, vec.n_documents_
    ('de', 2)
    >>> vec  # doctest: +ELLIPSIS
    TfidfVectorizer()  # fitted: language_='de', n_documents_=2, len(vocabulary_)=...
    """

    _refuse_tables: ClassVar[bool] = True

    def __init__(
        self,
        *,
        input: str = "content",
        encoding: str = "utf-8",
        decode_error: str = "strict",
        language: Optional[str] = "auto",
        strip_accents: Optional[str] = None,
        lowercase: bool = True,
        preprocessor: Optional[Callable[[str], str]] = None,
        tokenizer: Optional[Callable[[str], list[str]]] = None,
        analyzer: AnalyzerLike = "word",
        stop_words: Any = "auto",
        token_pattern: Optional[str] = None,
        ngram_range: Union[tuple[int, int], str] = "auto",
        ngram_min_df: int = 2,
        max_df: float = 1.0,
        min_df: float = 1,
        max_features: Optional[int] = None,
        vocabulary: Any = None,
        normalize_vocabulary: bool = True,
        binary: bool = False,
        dtype: Any = np.float32,
        norm: Optional[str] = "l2",
        use_idf: bool = True,
        smooth_idf: bool = True,
        sublinear_tf: bool = True,
        stemmer: Optional[str] = "auto",
        min_token_len: int = 2,
        compounds: str = "split",
        decompound: Union[bool, str] = "auto",
        weighting: str = "tfidf",
        k1: float = 1.2,
        b: float = 0.75,
        delta: float = 1.0,
        n_jobs: Optional[int] = None,
        progress: Optional[bool] = None,
    ) -> None:
        self.input = input
        self.encoding = encoding
        self.decode_error = decode_error
        self.language = language
        self.strip_accents = strip_accents
        self.lowercase = lowercase
        self.preprocessor = preprocessor
        self.tokenizer = tokenizer
        self.analyzer = analyzer
        self.stop_words = stop_words
        self.token_pattern = token_pattern
        self.ngram_range = ngram_range
        self.ngram_min_df = ngram_min_df
        self.max_df = max_df
        self.min_df = min_df
        self.max_features = max_features
        self.vocabulary = vocabulary
        self.normalize_vocabulary = normalize_vocabulary
        self.binary = binary
        self.dtype = dtype
        self.norm = norm
        self.use_idf = use_idf
        self.smooth_idf = smooth_idf
        self.sublinear_tf = sublinear_tf
        self.stemmer = stemmer
        self.min_token_len = min_token_len
        self.compounds = compounds
        self.decompound = decompound
        self.weighting = weighting
        self.k1 = k1
        self.b = b
        self.delta = delta
        self.n_jobs = n_jobs
        self.progress = progress


class SklearnTfidfVectorizer(
    _SklearnCompatMixin,
    _VocabularyMixin,
    _TermMethodsMixin,
    _TfidfBase,
    auto_wrap_output_keys=None,  # type: ignore[call-arg]
):
    """scikit-learn's ``TfidfVectorizer``, exactly: same parameters, defaults and output.

    A drop-in replacement for :class:`sklearn.feature_extraction.text.TfidfVectorizer` that runs
    in newsim's C++ core: its default ``token_pattern`` is read as Python's ``re`` reads it,
    ``str.lower()`` lowercases, and vocabulary, idf and matrix equal scikit-learn's (to float
    rounding). Other token patterns, and callable preprocessors, tokenizers and analyzers, run
    scikit-learn's own analysis in Python. Adds ``n_jobs`` and ``progress``.

    Parameters
    ----------
    input, encoding, decode_error, strip_accents, lowercase, preprocessor, tokenizer, analyzer, \
stop_words, token_pattern, ngram_range, max_df, min_df, max_features, vocabulary, binary, dtype, \
norm, use_idf, smooth_idf, sublinear_tf
        As in scikit-learn (``dtype`` defaults to ``np.float64``).
    n_jobs : int or None, default=None
        Threads (None: 1; -1: all cores).
    progress : bool or None, default=None
        Show a tqdm progress bar in ``fit``, ``fit_transform`` and ``transform``. None shows one
        when tqdm is installed and the call is estimated to take over a second (the corpus
        exceeds about 50 million characters per thread); True always, False never.

    See Also
    --------
    TfidfVectorizer : newsim's analysis and defaults (German first, float32).
    SklearnCountVectorizer : scikit-learn's ``CountVectorizer``, exactly.
    HashingVectorizer : scikit-learn's ``HashingVectorizer``, exactly.

    Notes
    -----
    ``max_features`` keeps scikit-learn's terms at ties: scikit-learn sorts the counts with
    NumPy's unstable default sort, whose order of equal counts depends on the CPU, so a fit
    with ``max_features`` (and no ``vocabulary``) reads the documents twice, the first time to
    run that sort on the same counts (``docs/max-features-ties.md``). When the terms it keeps
    differ from those newsim keeps (the ones that sort first), they are fixed, and
    ``partial_fit`` and ``merge`` refuse to change them; a vectorizer built by ``partial_fit``
    or ``merge`` alone keeps newsim's.

    Examples
    --------
    >>> import newsim
    >>> vec = newsim.SklearnTfidfVectorizer()
    >>> X = vec.fit_transform(["the cat sat", "the dog sat"])
    >>> list(vec.get_feature_names_out())
    ['cat', 'dog', 'sat', 'the']
    """

    _hidden_defaults: ClassVar[dict[str, Any]] = {
        "language": None,
        "stemmer": None,
        "normalize_vocabulary": False,
        "min_token_len": 1,
        "compounds": "split",
        "decompound": False,
        "ngram_min_df": 1,
        "weighting": "tfidf",
        "k1": 1.2,
        "b": 0.75,
    }

    def __init__(
        self,
        *,
        input: str = "content",
        encoding: str = "utf-8",
        decode_error: str = "strict",
        strip_accents: Optional[str] = None,
        lowercase: bool = True,
        preprocessor: Optional[Callable[[str], str]] = None,
        tokenizer: Optional[Callable[[str], list[str]]] = None,
        analyzer: AnalyzerLike = "word",
        stop_words: Any = None,
        token_pattern: Optional[str] = r"(?u)\b\w\w+\b",
        ngram_range: tuple[int, int] = (1, 1),
        max_df: float = 1.0,
        min_df: float = 1,
        max_features: Optional[int] = None,
        vocabulary: Any = None,
        binary: bool = False,
        dtype: Any = np.float64,
        norm: Optional[str] = "l2",
        use_idf: bool = True,
        smooth_idf: bool = True,
        sublinear_tf: bool = False,
        n_jobs: Optional[int] = None,
        progress: Optional[bool] = None,
    ) -> None:
        self.input = input
        self.encoding = encoding
        self.decode_error = decode_error
        self.strip_accents = strip_accents
        self.lowercase = lowercase
        self.preprocessor = preprocessor
        self.tokenizer = tokenizer
        self.analyzer = analyzer
        self.stop_words = stop_words
        self.token_pattern = token_pattern
        self.ngram_range = ngram_range
        self.max_df = max_df
        self.min_df = min_df
        self.max_features = max_features
        self.vocabulary = vocabulary
        self.binary = binary
        self.dtype = dtype
        self.norm = norm
        self.use_idf = use_idf
        self.smooth_idf = smooth_idf
        self.sublinear_tf = sublinear_tf
        self.n_jobs = n_jobs
        self.progress = progress

    def _fit(self, raw_documents: Iterable[str], want_matrix: bool) -> Optional[sp.csr_matrix]:
        if isinstance(raw_documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        self._sklearn_checks()
        self._check_stop_words()
        if self._exact_max_features() and _is_stream(raw_documents):
            raw_documents = list(raw_documents)  # two passes choose the terms (see below)
        return super()._fit(raw_documents, want_matrix)

    def _publish(self, core: _core.Vectorizer, language: Optional[str]) -> None:
        self._idf_set = None  # a fit computes idf anew
        super()._publish(core, language)

    def transform(self, raw_documents: Iterable[str]) -> sp.csr_matrix:
        """Transform documents to the TF-IDF matrix of the fitted vocabulary and idf.

        Parameters
        ----------
        raw_documents : iterable of str
            The documents.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_documents, n_features)
            TF-IDF weighted document-term matrix; terms outside the vocabulary are ignored.

        Examples
        --------
        >>> import newsim
        >>> vec = newsim.SklearnTfidfVectorizer().fit(["the cat sat", "the dog sat"])
        >>> vec.transform(["a cat and a bird"]).toarray()
        array([[1., 0., 0., 0.]])
        """
        self._check_stop_words()
        X = super().transform(raw_documents)
        return X if getattr(self, "_idf_set", None) is None else self._weigh(X)

    @property
    def df_(self) -> np.ndarray:
        """Document frequency of each feature in the fitted corpus."""
        self._statistics_kept("df_")
        return self._fitted_core().df

    @property
    def n_documents_(self) -> int:
        """Number of documents the vectorizer was fitted on."""
        self._statistics_kept("n_documents_")
        return int(self._fitted_core().n_docs)

    def partial_fit(self, raw_documents: Iterable[str], y: Any = None) -> SklearnTfidfVectorizer:
        if getattr(self, "_idf_set", None) is not None:
            raise _idf_set_refused("partial_fit")
        self._refuse_fixed_terms("partial_fit")
        return super().partial_fit(raw_documents, y)

    partial_fit.__doc__ = _TfidfBase.partial_fit.__doc__

    def merge(self, other: _TfidfBase) -> Any:
        for est in (self, other):
            if getattr(est, "_idf_set", None) is not None:
                raise _idf_set_refused("merge")
            if isinstance(est, _SklearnCompatMixin):
                est._refuse_fixed_terms("merge")
        return super().merge(other)

    merge.__doc__ = _TfidfBase.merge.__doc__

    def save(self, path: Any) -> None:
        if getattr(self, "_idf_set", None) is not None:
            raise _idf_set_refused("save")
        super().save(path)

    save.__doc__ = _PersistenceMixin.save.__doc__


class _CountMixin:
    """Counts: the core's term frequencies (no idf, no norm, no sublinear tf) in ``dtype``.

    The core counts in float64, which holds every count below 2**53 exactly; the matrix is
    then converted to ``dtype`` (int64 by default), as scikit-learn converts its int counts.
    """

    if TYPE_CHECKING:
        dtype: Any

        def _param(self, name: str) -> Any: ...

    #: The weighting options that make the core's output raw counts.
    _COUNTING: ClassVar[dict[str, Any]] = {
        "use_idf": False,
        "smooth_idf": True,
        "sublinear_tf": False,
        "norm": None,
        "weighting": "tfidf",
        "k1": 1.2,
        "b": 0.75,
    }

    def _float64(self) -> bool:
        return True  # the core's counts, exact; converted to dtype by _matrix

    def _count_dtype(self) -> np.dtype:
        dtype = self._param("dtype")
        try:
            result: np.dtype = np.dtype(dtype)
        except TypeError as exc:
            raise TypeError(
                f"dtype must be a NumPy type such as np.int64 or np.float32, got {dtype!r}"
            ) from exc
        return result

    def _matrix(self, parts: tuple[Any, Any, Any, tuple[int, int]]) -> sp.csr_matrix:
        data, indices, indptr, shape = parts
        X = sp.csr_matrix(
            (data.astype(self._count_dtype(), copy=False), indices, indptr),
            shape=shape,
            copy=False,
        )
        X.has_sorted_indices = True
        return X

    @property
    def idf_(self) -> np.ndarray:
        """Not offered: a count vectorizer does not weigh terms (use a TF-IDF vectorizer)."""
        raise self._no_idf()

    @idf_.setter
    def idf_(self, value: Any) -> None:
        raise self._no_idf()

    def _no_idf(self) -> AttributeError:
        return AttributeError(
            f"a {type(self).__name__} has no idf_: its values are counts; use "
            "TfidfVectorizer, or sklearn.feature_extraction.text.TfidfTransformer on the counts"
        )


class SklearnCountVectorizer(
    _CountMixin,
    _SklearnCompatMixin,
    _VocabularyMixin,
    _TfidfBase,
    auto_wrap_output_keys=None,  # type: ignore[call-arg]
):
    """scikit-learn's ``CountVectorizer``, exactly: same parameters, defaults and counts.

    A drop-in replacement for :class:`sklearn.feature_extraction.text.CountVectorizer` that
    runs in newsim's C++ core: the same vocabulary, the same integer counts (``dtype``,
    default ``np.int64``), ``binary``, the ``min_df``/``max_df``/``max_features`` pruning
    (``max_features`` keeps scikit-learn's terms at ties, chosen by the NumPy it runs
    beside), ``inverse_transform``, ``get_feature_names_out``, and scikit-learn's errors and
    warnings. As for :class:`SklearnTfidfVectorizer`, the default ``token_pattern`` runs
    natively and other patterns, and callable preprocessors, tokenizers and analyzers, run
    scikit-learn's own analysis in Python. Adds ``n_jobs`` and ``progress``, and newsim's
    ``partial_fit``, ``merge``, ``save`` and ``load``.

    Parameters
    ----------
    input, encoding, decode_error, strip_accents, lowercase, preprocessor, tokenizer, \
stop_words, token_pattern, ngram_range, analyzer, max_df, min_df, max_features, vocabulary, \
binary, dtype
        As in scikit-learn (``dtype`` defaults to ``np.int64``).
    n_jobs : int or None, default=None
        Threads (None: 1; -1: all cores).
    progress : bool or None, default=None
        Show a tqdm progress bar (None: when a call is estimated to take over a second).

    Attributes
    ----------
    vocabulary_ : dict
        Term to column index.
    fixed_vocabulary_ : bool
        Whether ``vocabulary`` was given.

    See Also
    --------
    CountVectorizer : Counts with newsim's analysis (German first), for topic models.
    SklearnTfidfVectorizer : scikit-learn's ``TfidfVectorizer``, exactly.

    Notes
    -----
    scikit-learn 1.9 has no ``stop_words_`` attribute any more (it listed the terms the
    ``min_df``/``max_df``/``max_features`` limits removed); neither has this class. With
    ``max_features`` and a vocabulary to prune, a fit reads the documents twice (a list is
    made of an iterator): once to count every term, once with the terms chosen. When
    scikit-learn's choice at ties differs from newsim's (the terms that sort first), the
    chosen terms are fixed, and ``partial_fit`` and ``merge`` refuse to change them; a
    vectorizer built by ``partial_fit`` or ``merge`` alone keeps newsim's.

    Examples
    --------
    >>> import newsim
    >>> vec = newsim.SklearnCountVectorizer()
    >>> X = vec.fit_transform(["the cat sat on the mat", "the dog sat"])
    >>> vec.get_feature_names_out().tolist()
    ['cat', 'dog', 'mat', 'on', 'sat', 'the']
    >>> X.toarray()
    array([[1, 0, 1, 1, 1, 2],
           [0, 1, 0, 0, 1, 1]])
    >>> X.dtype
    dtype('int64')
    """

    _hidden_defaults: ClassVar[dict[str, Any]] = {
        "language": None,
        "stemmer": None,
        "normalize_vocabulary": False,
        "min_token_len": 1,
        "compounds": "split",
        "decompound": False,
        "ngram_min_df": 1,
        **_CountMixin._COUNTING,
    }

    def __init__(
        self,
        *,
        input: str = "content",
        encoding: str = "utf-8",
        decode_error: str = "strict",
        strip_accents: Optional[str] = None,
        lowercase: bool = True,
        preprocessor: Optional[Callable[[str], str]] = None,
        tokenizer: Optional[Callable[[str], list[str]]] = None,
        stop_words: Any = None,
        token_pattern: Optional[str] = r"(?u)\b\w\w+\b",
        ngram_range: tuple[int, int] = (1, 1),
        analyzer: AnalyzerLike = "word",
        max_df: float = 1.0,
        min_df: float = 1,
        max_features: Optional[int] = None,
        vocabulary: Any = None,
        binary: bool = False,
        dtype: Any = np.int64,
        n_jobs: Optional[int] = None,
        progress: Optional[bool] = None,
    ) -> None:
        self.input = input
        self.encoding = encoding
        self.decode_error = decode_error
        self.strip_accents = strip_accents
        self.lowercase = lowercase
        self.preprocessor = preprocessor
        self.tokenizer = tokenizer
        self.stop_words = stop_words
        self.token_pattern = token_pattern
        self.ngram_range = ngram_range
        self.analyzer = analyzer
        self.max_df = max_df
        self.min_df = min_df
        self.max_features = max_features
        self.vocabulary = vocabulary
        self.binary = binary
        self.dtype = dtype
        self.n_jobs = n_jobs
        self.progress = progress

    def _fitted_core(self) -> _core.Vectorizer:
        """Return the fitted core; unfitted, with ``vocabulary`` given, one that counts it.

        As scikit-learn's: ``transform``, ``inverse_transform`` and ``get_feature_names_out``
        work without a fit when the vocabulary is given (there is nothing else to learn).
        """
        if getattr(self, "_core", None) is None:
            self.fixed_vocabulary_ = self.vocabulary is not None
            if self.vocabulary is not None:
                core = self._make_core(None)
                core.fit([""])  # a fixed vocabulary: nothing is learnt from the document
                return core
        return super()._fitted_core()

    @property
    def df_(self) -> np.ndarray:
        """Document frequency of each feature in the fitted corpus."""
        self._fitted_statistics()
        return super().df_

    @property
    def n_documents_(self) -> int:
        """Number of documents the vectorizer was fitted on."""
        self._fitted_statistics()
        return super().n_documents_

    def _fitted_statistics(self) -> None:
        if getattr(self, "_core", None) is None:
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet: a given vocabulary "
                "counts without a fit, but the corpus statistics need one. Call 'fit' first."
            )

    def _sklearn_checks(self) -> None:
        """scikit-learn's checks at ``fit``: any NumPy dtype is taken, without a warning."""
        self._count_dtype()
        self._check_ngram_range()
        self._warn_unused_parameters()

    def _fit(self, raw_documents: Iterable[str], want_matrix: bool) -> Optional[sp.csr_matrix]:
        if isinstance(raw_documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        self._sklearn_checks()
        self._check_stop_words()
        if self._exact_max_features() and _is_stream(raw_documents):
            raw_documents = list(raw_documents)  # two passes choose the terms
        return super()._fit(raw_documents, want_matrix)

    def fit_transform(self, raw_documents: Iterable[str], y: Any = None) -> sp.csr_matrix:
        """Learn the vocabulary and return the document-term count matrix.

        Parameters
        ----------
        raw_documents : iterable of str
            The documents.
        y : None
            Ignored.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_documents, n_features)
            Each term's count in each document (1 for presence with ``binary``), in ``dtype``.

        See Also
        --------
        transform : Count the terms of the fitted vocabulary in other documents.

        Examples
        --------
        >>> import newsim
        >>> vec = newsim.SklearnCountVectorizer(binary=True, dtype=bool)
        >>> vec.fit_transform(["a cat, a cat", "a dog"]).toarray()
        array([[ True, False],
               [False,  True]])
        """
        return super().fit_transform(raw_documents, y)

    def transform(self, raw_documents: Iterable[str]) -> sp.csr_matrix:
        """Count the terms of the fitted vocabulary in documents.

        Parameters
        ----------
        raw_documents : iterable of str
            The documents.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_documents, n_features)
            Each term's count in each document, in ``dtype``; other terms are ignored.

        See Also
        --------
        fit_transform : Learn the vocabulary and count in one call.

        Examples
        --------
        >>> import newsim
        >>> vec = newsim.SklearnCountVectorizer().fit(["the cat sat", "the dog sat"])
        >>> vec.transform(["the cat and the other cat"]).toarray()
        array([[2, 0, 0, 2]])
        """
        self._check_stop_words()
        return super().transform(raw_documents)

    def partial_fit(self, raw_documents: Iterable[str], y: Any = None) -> SklearnCountVectorizer:
        self._refuse_fixed_terms("partial_fit")
        super().partial_fit(raw_documents, y)
        return self

    partial_fit.__doc__ = _TfidfBase.partial_fit.__doc__

    def merge(self, other: _TfidfBase) -> Any:
        for est in (self, other):
            if isinstance(est, _SklearnCompatMixin):
                est._refuse_fixed_terms("merge")
        return super().merge(other)

    merge.__doc__ = _TfidfBase.merge.__doc__


class CountVectorizer(
    _CountMixin,
    _VocabularyMixin,
    _TfidfBase,
    auto_wrap_output_keys=None,  # type: ignore[call-arg]
):
    """Count terms with newsim's analysis: the input of topic models.

    The analysis of :class:`TfidfVectorizer`, with its defaults (language detected, German
    or English stop words and stemming, Unicode case folding, hyphenated compounds split,
    word pairs kept when frequent), and its pruning; the values are each term's count in
    each document, as integers (``dtype``, default ``np.int64``). Latent Dirichlet
    allocation and other topic models take these counts, not TF-IDF weights:
    :class:`sklearn.decomposition.LatentDirichletAllocation` fits on the matrix, and
    ``get_feature_names_out`` names each topic's terms.

    Parameters
    ----------
    input, encoding, decode_error, language, strip_accents, lowercase, preprocessor, \
tokenizer, analyzer, stop_words, token_pattern, ngram_range, ngram_min_df, max_df, min_df, \
max_features, vocabulary, normalize_vocabulary, binary, stemmer, min_token_len, compounds, \
decompound, n_jobs, progress
        As in :class:`TfidfVectorizer`, with its defaults. With ``decompound`` (German, word
        pairs) an occurrence of a compound also counts for its parts.
    dtype : numpy dtype, default=np.int64
        Type of the counts.

    Attributes
    ----------
    vocabulary_ : dict
        Term to column index.
    language_ : str or None
        The language used (resolved from ``'auto'``).

    See Also
    --------
    TfidfVectorizer : The same analysis, weighted by TF-IDF.
    SklearnCountVectorizer : scikit-learn's ``CountVectorizer``, exactly.

    Examples
    --------
    >>> import newsim
    >>> vec = newsim.CountVectorizer(language="de")
    >>> X = vec.fit_transform(["Die Straße ist lang, die Straße ist alt.", "Eine STRASSE."])
    >>> vec.get_feature_names_out().tolist()  # stemmed, case folded, without stop words
    ['alt', 'lang', 'strass']
    >>> X.toarray()
    array([[1, 1, 2],
           [0, 0, 1]])

    A topic model of the bundled sample articles:

    >>> from sklearn.decomposition import LatentDirichletAllocation
    >>> sample = newsim.datasets.load_sample()
    >>> counts = newsim.CountVectorizer().fit_transform(sample.texts)
    >>> lda = LatentDirichletAllocation(n_components=2, random_state=0).fit(counts)
    >>> lda.components_.shape[1] == counts.shape[1]
    True
    """

    _refuse_tables: ClassVar[bool] = True
    _hidden_defaults: ClassVar[dict[str, Any]] = {**_CountMixin._COUNTING}

    def __init__(
        self,
        *,
        input: str = "content",
        encoding: str = "utf-8",
        decode_error: str = "strict",
        language: Optional[str] = "auto",
        strip_accents: Optional[str] = None,
        lowercase: bool = True,
        preprocessor: Optional[Callable[[str], str]] = None,
        tokenizer: Optional[Callable[[str], list[str]]] = None,
        analyzer: AnalyzerLike = "word",
        stop_words: Any = "auto",
        token_pattern: Optional[str] = None,
        ngram_range: Union[tuple[int, int], str] = "auto",
        ngram_min_df: int = 2,
        max_df: float = 1.0,
        min_df: float = 1,
        max_features: Optional[int] = None,
        vocabulary: Any = None,
        normalize_vocabulary: bool = True,
        binary: bool = False,
        dtype: Any = np.int64,
        stemmer: Optional[str] = "auto",
        min_token_len: int = 2,
        compounds: str = "split",
        decompound: Union[bool, str] = "auto",
        n_jobs: Optional[int] = None,
        progress: Optional[bool] = None,
    ) -> None:
        self.input = input
        self.encoding = encoding
        self.decode_error = decode_error
        self.language = language
        self.strip_accents = strip_accents
        self.lowercase = lowercase
        self.preprocessor = preprocessor
        self.tokenizer = tokenizer
        self.analyzer = analyzer
        self.stop_words = stop_words
        self.token_pattern = token_pattern
        self.ngram_range = ngram_range
        self.ngram_min_df = ngram_min_df
        self.max_df = max_df
        self.min_df = min_df
        self.max_features = max_features
        self.vocabulary = vocabulary
        self.normalize_vocabulary = normalize_vocabulary
        self.binary = binary
        self.dtype = dtype
        self.stemmer = stemmer
        self.min_token_len = min_token_len
        self.compounds = compounds
        self.decompound = decompound
        self.n_jobs = n_jobs
        self.progress = progress

    def _fit(self, raw_documents: Iterable[str], want_matrix: bool) -> Optional[sp.csr_matrix]:
        self._count_dtype()  # before the work
        return super()._fit(raw_documents, want_matrix)

    def fit_transform(self, raw_documents: Iterable[str], y: Any = None) -> sp.csr_matrix:
        """Learn the vocabulary and return the document-term count matrix.

        Parameters
        ----------
        raw_documents : iterable of str
            The documents.
        y : None
            Ignored.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_documents, n_features)
            Each term's count in each document (1 for presence with ``binary``), in ``dtype``.

        See Also
        --------
        transform : Count the terms of the fitted vocabulary in other documents.

        Examples
        --------
        >>> import newsim
        >>> vec = newsim.CountVectorizer(language="en", ngram_range=(1, 1))
        >>> vec.fit_transform(["Cats and more cats.", "A cat!"]).toarray()
        array([[2],
               [1]])
        """
        return super().fit_transform(raw_documents, y)

    def transform(self, raw_documents: Iterable[str]) -> sp.csr_matrix:
        """Count the terms of the fitted vocabulary in documents.

        Parameters
        ----------
        raw_documents : iterable of str
            The documents.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_documents, n_features)
            Each term's count in each document, in ``dtype``; other terms are ignored.

        See Also
        --------
        fit_transform : Learn the vocabulary and count in one call.

        Examples
        --------
        >>> import newsim
        >>> vec = newsim.CountVectorizer(language="en").fit(["The cat sat.", "The dog sat."])
        >>> vec.transform(["A cat, two cats and a dog"]).toarray()
        array([[2, 1, 0]])
        """
        return super().transform(raw_documents)


class HashingVectorizer(
    _SklearnAnalysisMixin,
    _TfidfBase,
    auto_wrap_output_keys=None,  # type: ignore[call-arg]
):
    """scikit-learn's ``HashingVectorizer``, exactly, with optional idf from merged statistics.

    No vocabulary is kept: a term's column is ``abs(h) % n_features`` of its MurmurHash3
    (x86, 32-bit, seed 0, over the term's UTF-8 bytes, read as a signed integer — scikit-learn's
    ``murmurhash3_32``), and with ``alternate_sign`` its count enters with the sign of ``h``.
    Colliding counts add up (an entry that cancels stays as an explicit zero, as in
    scikit-learn); ``binary`` then sets every entry to 1. With the default ``use_idf=False``
    the transform is stateless (no fit needed) and equals scikit-learn's ``HashingVectorizer``.
    With ``use_idf=True``, :meth:`fit`, :meth:`partial_fit` and :meth:`merge` gather each
    column's document frequency (exactly mergeable), and the output equals scikit-learn's
    ``HashingVectorizer(norm=None)`` followed by ``TfidfTransformer``.

    Parameters
    ----------
    input, encoding, decode_error, strip_accents, lowercase, preprocessor, tokenizer, analyzer, \
stop_words, token_pattern, ngram_range, n_features, binary, norm, alternate_sign, dtype
        As in scikit-learn's ``HashingVectorizer``.
    use_idf : bool, default=False
        Weigh columns by idf gathered in ``fit`` / ``partial_fit`` / ``merge``.
    smooth_idf, sublinear_tf : bool
        As in scikit-learn's ``TfidfTransformer`` (``sublinear_tf`` keeps an entry's sign).
    language : str or None, default=None
        Analyze with newsim's stop words and stemmer for this language (None: scikit-learn's
        analysis). ``'auto'`` is resolved on each batch it sees; set it explicitly for a
        stateless transform.
    n_jobs : int or None, default=None
        Threads (None: 1; -1: all cores).
    progress : bool or None, default=None
        Show a tqdm progress bar (None: when a call is estimated to take over a second).

    See Also
    --------
    TfidfVectorizer : A learned vocabulary, with names for the columns.
    newsim.dask.fit : Fit over a Dask collection.

    Examples
    --------
    >>> import newsim
    >>> X = newsim.HashingVectorizer(n_features=2**10).transform(["the cat sat", "the dog sat"])
    >>> X.shape
    (2, 1024)
    """

    _hidden_defaults: ClassVar[dict[str, Any]] = {
        "stemmer": "auto",
        "min_token_len": 1,
        "compounds": "split",
        "decompound": False,
        "ngram_min_df": 1,
        "weighting": "tfidf",
        "k1": 1.2,
        "b": 0.75,
        "min_df": 1,
        "max_df": 1.0,
        "max_features": None,
        "vocabulary": None,
        "normalize_vocabulary": False,
    }

    def __init__(
        self,
        *,
        input: str = "content",
        encoding: str = "utf-8",
        decode_error: str = "strict",
        strip_accents: Optional[str] = None,
        lowercase: bool = True,
        preprocessor: Optional[Callable[[str], str]] = None,
        tokenizer: Optional[Callable[[str], list[str]]] = None,
        stop_words: Any = None,
        token_pattern: Optional[str] = r"(?u)\b\w\w+\b",
        ngram_range: tuple[int, int] = (1, 1),
        analyzer: AnalyzerLike = "word",
        n_features: int = 2**20,
        binary: bool = False,
        norm: Optional[str] = "l2",
        alternate_sign: bool = True,
        dtype: Any = np.float64,
        use_idf: bool = False,
        smooth_idf: bool = True,
        sublinear_tf: bool = False,
        language: Optional[str] = None,
        n_jobs: Optional[int] = None,
        progress: Optional[bool] = None,
    ) -> None:
        self.input = input
        self.encoding = encoding
        self.decode_error = decode_error
        self.strip_accents = strip_accents
        self.lowercase = lowercase
        self.preprocessor = preprocessor
        self.tokenizer = tokenizer
        self.stop_words = stop_words
        self.token_pattern = token_pattern
        self.ngram_range = ngram_range
        self.analyzer = analyzer
        self.n_features = n_features
        self.binary = binary
        self.norm = norm
        self.alternate_sign = alternate_sign
        self.dtype = dtype
        self.use_idf = use_idf
        self.smooth_idf = smooth_idf
        self.sublinear_tf = sublinear_tf
        self.language = language
        self.n_jobs = n_jobs
        self.progress = progress

    def _hashing_options(self) -> dict[str, Any]:
        n = self.n_features
        if isinstance(n, bool) or not isinstance(n, Integral) or not 1 <= n <= 2**31 - 1:
            raise ValueError(f"n_features must be an int in the range [1, 2**31 - 1], got {n!r}")
        return {"n_features": int(n), "alternate_sign": bool(self.alternate_sign)}

    def _fitted_core(self) -> _core.Vectorizer:
        """Return the core; without idf the hashing is stateless, so its parameters suffice."""
        if self.use_idf:
            return super()._fitted_core()
        core: Optional[_core.Vectorizer] = getattr(self, "_core", None)
        return core if core is not None else self._make_core(getattr(self, "language_", None))

    def __sklearn_is_fitted__(self) -> bool:
        return not self.use_idf or super().__sklearn_is_fitted__()

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.requires_fit = bool(self.use_idf)  # stateless without idf, as scikit-learn's
        return tags

    def _stateless(self) -> bool:
        """Whether a fit has nothing to learn: no idf, and the language given."""
        language = self.language
        return not self.use_idf and not (isinstance(language, str) and language == "auto")

    def _fit(self, raw_documents: Iterable[str], want_matrix: bool) -> Optional[sp.csr_matrix]:
        if isinstance(raw_documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        self._sklearn_checks()
        self._check_stop_words()
        if not self._stateless():
            return super()._fit(raw_documents, want_matrix)
        # As scikit-learn's: the parameters are checked, the documents are not read.
        language = self._resolve_language(None)
        self._make_core(language)
        self.__dict__.pop("_core", None)
        self._vocabulary_cache = None
        self.language_ = language
        return self.transform(raw_documents) if want_matrix else None

    def transform(self, raw_documents: Iterable[str]) -> sp.csr_matrix:
        """Hash documents into a matrix of ``n_features`` columns.

        Parameters
        ----------
        raw_documents : iterable of str
            The documents.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_documents, n_features)
            Hashed (signed) counts, idf-weighted with ``use_idf``, rows normalized per ``norm``.

        Examples
        --------
        >>> import newsim
        >>> vec = newsim.HashingVectorizer(n_features=16, alternate_sign=False, norm=None)
        >>> float(vec.transform(["bb aa aa"]).sum())
        3.0
        """
        if isinstance(raw_documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        self._check_ngram_range()
        self._check_stop_words()
        if self.use_idf:
            return super().transform(raw_documents)
        docs = self._documents(raw_documents)
        core = self._make_core(self._resolve_language(docs))
        return self._matrix(self._run("transform", core, docs))

    #: What a vectorizer with a vocabulary has and a hashing one cannot: not offered, and named
    #: with the reason when asked for (``hasattr`` is False, as for scikit-learn's).
    _VOCABULARY_ONLY: ClassVar[dict[str, str]] = {
        "vocabulary_": "a HashingVectorizer has no vocabulary: columns are term hashes",
        "get_feature_names_out": "a HashingVectorizer has no vocabulary, so no feature names: "
        "columns are term hashes",
        "keywords": "a HashingVectorizer cannot name keywords: its columns are term hashes; "
        "use TfidfVectorizer",
        "explain": "a HashingVectorizer cannot name shared terms: its columns are term hashes; "
        "use TfidfVectorizer",
    }

    def __getattr__(self, name: str) -> Any:
        reason = type(self)._VOCABULARY_ONLY.get(name)
        if reason is not None:
            raise AttributeError(reason)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
