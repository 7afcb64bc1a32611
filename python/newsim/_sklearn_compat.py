"""The scikit-learn drop-ins' scikit-learn behaviour around the core.

scikit-learn's parameter checks and warnings (with its wording, which code matches on), its
public analysis builders (``decode``, ``build_analyzer``, ``build_preprocessor``,
``build_tokenizer``, ``get_stop_words``), the ``max_features`` terms scikit-learn keeps at
ties, and an ``idf_`` that can be set. The core computes the matrix; an ``idf_`` set by hand is
applied here, to the core's term frequencies, the way scikit-learn's ``TfidfTransformer``
applies it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Optional

import numpy as np
import scipy.sparse as sp

from . import _core
from ._params import _caller_stacklevel

#: The dtypes scikit-learn's TfidfVectorizer takes without a warning.
_FLOAT_DTYPES = (np.float64, np.float32, np.float16)
_DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"


def _warn(message: str) -> None:
    warnings.warn(message, UserWarning, stacklevel=_caller_stacklevel())


class _SklearnAnalysisMixin:
    """scikit-learn's analysis behaviour that the core does not define, for every drop-in.

    Its checks and warnings, ``decode``, the analysis builders and ``get_stop_words``.
    """

    if TYPE_CHECKING:
        #: An idf_ set by hand and the norm to apply after it (None: the fitted model's).
        _idf_set: Optional[tuple[np.ndarray, str]]
        fixed_vocabulary_: bool
        _vocabulary_cache: Optional[tuple[Any, int, dict[str, int]]]
        input: str
        encoding: str
        decode_error: str
        strip_accents: Any
        lowercase: bool
        preprocessor: Optional[Callable[[str], str]]
        tokenizer: Optional[Callable[[str], list[str]]]
        analyzer: Any
        stop_words: Any
        token_pattern: Optional[str]
        ngram_range: Any
        vocabulary: Any
        max_features: Optional[int]
        dtype: Any
        norm: Optional[str]
        use_idf: bool
        smooth_idf: bool
        sublinear_tf: bool

        def _param(self, name: str) -> Any: ...

        def _stop_words(
            self, language: Optional[str], python_side: bool = False
        ) -> Optional[list[str]]: ...

        def _python_analyzer(self) -> Optional[Callable[[str], list[str]]]: ...

        def _make_core(
            self, language: Optional[str], overrides: Optional[Mapping[str, Any]] = None
        ) -> _core.Vectorizer: ...

        def _fitted_core(self) -> _core.Vectorizer: ...

        def _run(
            self, method: str, core: _core.Vectorizer, docs: list[str], first_document: int = 0
        ) -> Any: ...

    #: scikit-learn's input rules: a callable analyzer's str result is its characters; a
    #: callable ``strip_accents`` runs scikit-learn's analysis in Python; a NaN document is
    #: refused with scikit-learn's ValueError.
    _analyzer_may_return_str: ClassVar[bool] = True
    _callable_accents_in_python: ClassVar[bool] = True
    _nan_as_sklearn: ClassVar[bool] = True

    # ------------------------------------------------------------------ checks at fit

    def _sklearn_checks(self) -> None:
        """scikit-learn's checks and warnings at ``fit``, in its words."""
        self._check_ngram_range()
        self._warn_unused_parameters()

    def _check_ngram_range(self) -> None:
        try:
            low, high = self.ngram_range
            reversed_range = bool(low > high)
        except (TypeError, ValueError):
            return  # not a pair of numbers: the core names what it takes
        if reversed_range:
            raise ValueError(
                f"Invalid value for ngram_range={self.ngram_range} lower boundary larger than "
                "the upper boundary."
            )

    def _warn_unused_parameters(self) -> None:
        """Warn of each parameter that the others make scikit-learn ignore."""
        analyzer = self.analyzer
        if self.tokenizer is not None and self.token_pattern is not None:
            _warn("The parameter 'token_pattern' will not be used since 'tokenizer' is not None'")
        if self.preprocessor is not None and callable(analyzer):
            _warn("The parameter 'preprocessor' will not be used since 'analyzer' is callable'")
        if self.ngram_range is not None and self.ngram_range != (1, 1) and callable(analyzer):
            _warn("The parameter 'ngram_range' will not be used since 'analyzer' is callable'")
        if callable(analyzer) or analyzer != "word":
            if self.stop_words is not None:
                _warn("The parameter 'stop_words' will not be used since 'analyzer' != 'word'")
            if self.token_pattern is not None and self.token_pattern != _DEFAULT_TOKEN_PATTERN:
                _warn("The parameter 'token_pattern' will not be used since 'analyzer' != 'word'")
            if self.tokenizer is not None:
                _warn("The parameter 'tokenizer' will not be used since 'analyzer' != 'word'")

    def _check_stop_words(self) -> None:
        """Warn, once per stop word list, of stop words that the analysis cannot match.

        A stop word that the preprocessing and tokenization turn into other tokens (``"you've"``
        into ``you`` and ``ve``) never matches a token of a text; scikit-learn warns of the
        tokens that are not stop words themselves. Word analysis in Python (a tokenizer, a
        preprocessor, another token pattern) is scikit-learn's own, which warns by itself.
        """
        if callable(self.analyzer) or self.analyzer != "word":
            return
        if self._python_analyzer() is not None:
            return
        if getattr(self, "_checked_stop_words", None) == id(self.stop_words):
            return
        stop_words = self.get_stop_words() or frozenset()
        preprocess, tokenize = self.build_preprocessor(), self.build_tokenizer()
        self._checked_stop_words = id(self.stop_words)
        unmatched = {
            token
            for word in stop_words
            for token in tokenize(preprocess(word))
            if token not in stop_words
        }
        if unmatched:
            _warn(
                "Your stop_words may be inconsistent with your preprocessing. Tokenizing the "
                f"stop words generated tokens {sorted(unmatched)!r} not in stop_words."
            )

    # ------------------------------------------------------------------ analysis builders

    def decode(self, doc: Any) -> str:
        r"""Return a document as text: read per ``input``, bytes decoded per ``encoding``.

        Parameters
        ----------
        doc : str, bytes, file name or file
            One item of ``raw_documents``.

        Returns
        -------
        str
            The text of the document.

        Raises
        ------
        ValueError
            If ``doc`` is NaN (a missing value of a table's text column).

        Examples
        --------
        >>> import newsim
        >>> newsim.SklearnCountVectorizer(encoding="latin-1").decode(b"caf\xe9")
        'café'
        """
        if self.input == "filename":
            with open(doc, "rb") as fh:
                doc = fh.read()
        elif self.input == "file":
            doc = doc.read()
        if isinstance(doc, bytes):
            doc = doc.decode(self.encoding, self.decode_error)
        if doc is np.nan:
            raise ValueError(
                "np.nan is an invalid document, expected byte or unicode string. A missing "
                "text: fill the gaps first, e.g. df['text'].fillna('')"
            )
        return doc  # type: ignore[no-any-return]

    def build_analyzer(self) -> Callable[[Any], list[str]]:
        """Return the callable that turns one document into its terms.

        As scikit-learn's: the document is first read and decoded (:meth:`decode`), so a
        file name, a file or bytes may be passed per ``input``; the callable can be pickled.

        Returns
        -------
        callable
            ``analyzer(doc) -> list[str]``, the terms exactly as the vectorizer counts them.

        See Also
        --------
        build_preprocessor, build_tokenizer : The steps of word analysis.

        Examples
        --------
        >>> import newsim
        >>> newsim.SklearnCountVectorizer(ngram_range=(1, 2)).build_analyzer()("The cat sat")
        ['the', 'cat', 'sat', 'the cat', 'cat sat']
        """
        self._check_stop_words()
        return _DecodingAnalyzer(self)

    def _sklearn_analysis(self) -> Any:
        """Return a scikit-learn ``CountVectorizer`` of this vectorizer's analysis parameters."""
        from sklearn.feature_extraction.text import CountVectorizer

        return CountVectorizer(
            input=self.input,
            encoding=self.encoding,
            decode_error=self.decode_error,
            strip_accents=self.strip_accents,
            lowercase=self.lowercase,
            preprocessor=self.preprocessor,
            tokenizer=self.tokenizer,
            token_pattern=self.token_pattern,
            ngram_range=self.ngram_range,
            analyzer=self.analyzer,
        )

    def build_preprocessor(self) -> Callable[[str], str]:
        """Return the function that prepares a text for tokenization.

        ``preprocessor`` if set; otherwise lowercasing (``lowercase``) and accent stripping
        (``strip_accents``), as scikit-learn does them.

        Returns
        -------
        callable
            ``preprocess(text) -> str``.

        Examples
        --------
        >>> import newsim
        >>> newsim.SklearnTfidfVectorizer(strip_accents="unicode").build_preprocessor()("Café")
        'cafe'
        """
        return self._sklearn_analysis().build_preprocessor()  # type: ignore[no-any-return]

    def build_tokenizer(self) -> Callable[[str], list[str]]:
        """Return the function that splits a preprocessed text into tokens.

        ``tokenizer`` if set; otherwise the matches of ``token_pattern`` (its group, if it has
        one).

        Returns
        -------
        callable
            ``tokenize(text) -> list of str``.

        Raises
        ------
        ValueError
            If ``token_pattern`` has more than one capturing group.

        Examples
        --------
        >>> import newsim
        >>> newsim.SklearnTfidfVectorizer().build_tokenizer()("a cat, a hat")
        ['cat', 'hat']
        """
        return self._sklearn_analysis().build_tokenizer()  # type: ignore[no-any-return]

    def get_stop_words(self) -> Optional[frozenset[str]]:
        """Return the stop words the vectorizer removes.

        Returns
        -------
        frozenset of str or None
            scikit-learn's English list for ``stop_words='english'``, the given words for a
            collection, None for no stop words.

        Examples
        --------
        >>> import newsim
        >>> sorted(newsim.SklearnTfidfVectorizer(stop_words=["the", "a"]).get_stop_words())
        ['a', 'the']
        >>> "the" in newsim.SklearnTfidfVectorizer(stop_words="english").get_stop_words()
        True
        """
        if isinstance(self.stop_words, str):
            if self.stop_words == "english":
                from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

                return ENGLISH_STOP_WORDS  # type: ignore[no-any-return]
            return frozenset(self._stop_words(None) or ())
        if self.stop_words is None:
            return None
        return frozenset(self.stop_words)


class _SklearnCompatMixin(_SklearnAnalysisMixin):
    """scikit-learn's ``CountVectorizer`` and ``TfidfVectorizer`` behaviour.

    ``dtype``, the ``max_features`` terms at ties, and an ``idf_`` that can be set.
    """

    # ------------------------------------------------------------------ the float dtype

    def _float64(self) -> bool:
        """scikit-learn's rule: float32 stays float32, any other dtype gives float64."""
        try:
            return bool(np.dtype(self.dtype) != np.float32)
        except TypeError as exc:
            raise ValueError(f"dtype must be a NumPy float type, got {self.dtype!r}") from exc

    # ------------------------------------------------------------------ checks at fit

    def _sklearn_checks(self) -> None:
        """scikit-learn's checks and warnings at ``fit``, with ``TfidfVectorizer``'s dtype."""
        self._float64()  # a dtype NumPy does not know is an error, not a warning first
        if not any(self.dtype == t for t in _FLOAT_DTYPES):
            _warn(
                f"Only {_FLOAT_DTYPES} 'dtype' should be used. {self.dtype} 'dtype' will be "
                "converted to np.float64."
            )
        self._check_ngram_range()
        self._warn_unused_parameters()

    # ------------------------------------------------------------------ max_features at ties

    def _exact_max_features(self) -> bool:
        """Whether a fit chooses the ``max_features`` terms itself (in scikit-learn's order)."""
        return self.max_features is not None and self.vocabulary is None

    def _core_for_fit(
        self, docs: list[str], core: _core.Vectorizer, language: Optional[str]
    ) -> _core.Vectorizer:
        """Return a core that keeps scikit-learn's ``max_features`` terms, ties included.

        scikit-learn keeps ``(-tfs).argsort()[:max_features]`` of the terms that the document
        frequency limits leave, in alphabetical order, with ``tfs`` the column sums of its
        count matrix of ``dtype`` (``CountVectorizer._limit_features``). NumPy's default
        sort is not stable, and its order at ties depends on the CPU's sort kernel
        (docs/max-features-ties.md); the core keeps the terms that sort first. So the terms
        are chosen here, on this machine's NumPy, from the same array: a first pass counts
        every term the limits leave. When the two choices agree, `core` (which prunes the
        same way) is kept, so that ``partial_fit`` and ``merge`` keep pruning; otherwise the
        fit runs with the chosen terms as a fixed vocabulary.
        """
        if not self._exact_max_features():
            return core
        limit = self.max_features
        counting = self._make_core(
            language,
            overrides={
                "max_features": None,
                "use_idf": False,
                "norm": "none",
                "sublinear_tf": False,
                "float64": True,
            },
        )
        data, indices, indptr, shape = self._run("fit_transform", counting, docs)
        terms = counting.vocabulary
        assert limit is not None
        if len(terms) <= limit:
            return core  # nothing to choose: the core keeps every term, as scikit-learn does
        # scikit-learn's matrix: its counts in `dtype` (TfidfVectorizer's counts take the dtype
        # too), its sum, and its sort, on the same NumPy.
        counts = sp.csr_array((data, indices, indptr), shape=shape)
        as_sklearn = sp.csr_array((data.astype(self.dtype), indices, indptr), shape=shape)
        tfs = np.asarray(as_sklearn.sum(axis=0)).ravel()
        chosen = np.sort((-tfs).argsort()[:limit])
        # The core's choice: the highest counts, the terms sorting first at ties.
        true_tfs = np.asarray(counts.sum(axis=0)).ravel()
        own = np.sort(np.argsort(-true_tfs, kind="stable")[:limit])
        if np.array_equal(chosen, own):
            return core
        return self._make_core(
            language,
            overrides={"vocabulary": [terms[i] for i in chosen], "max_features": None},
        )

    def _terms_fixed_at_fit(self) -> bool:
        """Whether a fit fixed the terms it chose at ties (see ``_core_for_fit``)."""
        core: Optional[_core.Vectorizer] = getattr(self, "_core", None)
        return (
            core is not None
            and self.vocabulary is None
            and core.options()["vocabulary"] is not None
        )

    def _refuse_fixed_terms(self, what: str) -> None:
        if self._terms_fixed_at_fit():
            raise ValueError(
                f"cannot {what}: this {type(self).__name__}'s fit kept scikit-learn's "
                f"max_features={self.max_features} terms, which differ from newsim's at ties, "
                "as a fixed vocabulary, and more documents cannot change them; fit again on "
                "all the documents"
            )

    # ------------------------------------------------------------------ idf_, settable

    @property
    def idf_(self) -> np.ndarray:
        """Inverse document frequency of each feature; only with ``use_idf=True`` at fit.

        It may be set, as in scikit-learn: to transfer the idf of one vectorizer to another of
        the same vocabulary (one with ``vocabulary=``, fitted or not), or to weigh terms by
        hand. ``transform`` then weighs the term frequencies with the values set, and
        normalizes with the ``norm`` of the fit (or, not fitted, the current one). A later
        ``fit`` computes idf again.

        Examples
        --------
        >>> import newsim
        >>> docs = ["the cat sat", "the dog sat"]
        >>> orig = newsim.SklearnTfidfVectorizer().fit(docs)
        >>> copy = newsim.SklearnTfidfVectorizer(vocabulary=orig.vocabulary_)
        >>> copy.idf_ = orig.idf_
        >>> (copy.transform(docs) != orig.transform(docs)).nnz
        0
        """
        idf_set: Optional[tuple[np.ndarray, str]] = getattr(self, "_idf_set", None)
        if idf_set is not None:
            return idf_set[0]
        core = self._fitted_core()
        if not core.options()["use_idf"]:
            raise AttributeError(
                f"this {type(self).__name__} was fitted with use_idf=False: it has no idf_"
            )
        idf: np.ndarray = core.idf
        return idf if self._float64() else idf.astype(np.float32)

    @idf_.setter
    def idf_(self, value: Any) -> None:
        if not self.use_idf:
            raise ValueError("`idf_` cannot be set when `user_idf=False`.")
        idf = np.array(value, dtype=np.float64 if self._float64() else np.float32)
        if idf.ndim != 1:
            raise ValueError(f"idf_ must be one-dimensional, got shape {idf.shape}")
        core: Optional[_core.Vectorizer] = getattr(self, "_core", None)
        fitted = core is not None and core.fitted
        if fitted:
            assert core is not None
            options = core.options()
            terms = list(core.vocabulary)
            norm = options["norm"]
        elif self.vocabulary is not None:
            options = self._make_core(None).options()
            terms = list(options["vocabulary"])
            norm = "none" if self.norm is None else self.norm
        else:  # as in scikit-learn: kept until a fit, which computes idf anew
            self._idf_set = (idf, "none" if self.norm is None else self.norm)
            return
        if len(idf) != len(terms):
            raise ValueError(
                f"idf length = {len(idf)} must be equal to vocabulary size = {len(terms)}"
            )
        # The model's term frequencies: its analysis and tf options, no idf, no norm; weighed
        # and normalized at transform.
        tf = _core.Vectorizer(
            **{**options, "use_idf": False, "norm": "none", "vocabulary": terms, "float64": True}
        )
        tf.fit([""])
        self._core = tf
        self._vocabulary_cache = None
        self.fixed_vocabulary_ = self.vocabulary is not None
        self._idf_set = (idf, norm)

    def _weigh(self, X: sp.csr_matrix) -> sp.csr_matrix:
        """Apply an ``idf_`` set by hand to the term frequencies the core gave."""
        from sklearn.preprocessing import normalize

        assert self._idf_set is not None
        idf, norm = self._idf_set
        X.data *= idf.astype(np.float64)[X.indices]
        if norm != "none":
            X = normalize(X, norm=norm, copy=False)
        return X.astype(idf.dtype, copy=False)

    def _statistics_kept(self, name: str) -> None:
        if getattr(self, "_idf_set", None) is not None:
            raise AttributeError(
                f"{name} is not known: idf_ was set by hand, which replaced the corpus "
                "statistics; fit again to gather them"
            )


class _DecodingAnalyzer:
    """A drop-in's analysis after its ``decode``, picklable as scikit-learn's analyzers are.

    It keeps the vectorizer, as scikit-learn's keeps its ``decode``; the analysis itself (the
    core's, which cannot be pickled) is made again after unpickling.
    """

    def __init__(self, vectorizer: _SklearnAnalysisMixin) -> None:
        self._vectorizer = vectorizer
        self._analyze = self._build()

    def _build(self) -> Callable[[str], list[str]]:
        base = super(_SklearnAnalysisMixin, self._vectorizer)
        return base.build_analyzer()  # type: ignore[attr-defined, no-any-return]

    def __call__(self, doc: Any) -> list[str]:
        return list(self._analyze(self._vectorizer.decode(doc)))

    def __getstate__(self) -> dict[str, Any]:
        return {"_vectorizer": self._vectorizer}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._vectorizer = state["_vectorizer"]
        self._analyze = self._build()


def _idf_set_refused(what: str) -> ValueError:
    return ValueError(
        f"cannot {what} a vectorizer whose idf_ was set by hand; pickle it instead, or fit it"
    )
