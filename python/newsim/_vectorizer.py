"""TF-IDF vectorizers: newsim's own analysis and an exact scikit-learn mode."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from numbers import Integral, Real
from typing import Any, Callable, ClassVar, Optional, Union

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import NotFittedError

from . import _core
from ._jobs import resolve_n_jobs
from ._similarity import Explanation, Keywords, SimilarityIndex, top_entries
from ._stopwords import LANGUAGES, stop_word_list

__all__ = ["SklearnTfidfVectorizer", "TfidfVectorizer"]

#: scikit-learn's default token pattern and the equivalents newsim runs natively, mapped to the
#: minimum length of a run of word characters.
_NATIVE_PATTERNS = {
    r"(?u)\b\w\w+\b": 2,
    r"\b\w\w+\b": 2,
    r"(?u)\b\w+\b": 1,
    r"\b\w+\b": 1,
}

_PARAMS_KEY = "newsim.TfidfVectorizer"

AnalyzerLike = Union[str, Callable[[str], Iterable[str]]]


def _dtype_is_float64(dtype: Any) -> bool:
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise ValueError(f"dtype must be float32 or float64, got {dtype!r}") from exc
    if dt == np.float64:
        return True
    if dt == np.float32:
        return False
    raise ValueError(f"dtype must be float32 or float64, got {dt.name}")


def _df_bound(name: str, value: Any) -> tuple[float, bool]:
    """Read min_df/max_df as scikit-learn does: an int counts documents, a float is a share."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(
            f"The '{name}' parameter must be an int in the range [0, inf) or a float in the "
            f"range [0.0, 1.0], got {value!r}."
        )
    if isinstance(value, Integral):
        if value < 0:
            raise ValueError(f"The '{name}' parameter must be an int >= 0, got {value!r}.")
        return float(value), True
    fvalue = float(value)
    if not 0.0 <= fvalue <= 1.0:
        raise ValueError(
            f"The '{name}' parameter must be a float in the range [0.0, 1.0], got {value!r}."
        )
    return fvalue, False


class _TfidfBase(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Shared implementation; the subclasses fix the parameters and their defaults."""

    # Parameters a subclass does not expose take these values.
    _hidden_defaults: ClassVar[dict[str, Any]] = {}

    # ---------------------------------------------------------------- parameters

    def _param(self, name: str) -> Any:
        if name in self._hidden_defaults:
            return self._hidden_defaults[name]
        return getattr(self, name)

    def _resolve_language(self, docs: list[str] | None) -> Optional[str]:
        language = self._param("language")
        if language is None:
            return None
        if not isinstance(language, str):
            raise ValueError(
                f"language must be a str such as 'de' or 'en', 'auto' or None, got {language!r}"
            )
        if language == "auto":
            if docs is None:
                return getattr(self, "language_", None)
            return _detect_language(docs)
        key = language.lower()
        if key not in LANGUAGES:
            names = ", ".join(sorted(LANGUAGES))
            raise ValueError(f"language must be one of {names}, 'auto' or None, got {language!r}")
        return LANGUAGES[key].code

    def _python_analyzer(self) -> Optional[Callable[[str], list[str]]]:
        """scikit-learn's own analysis, for the parameters newsim does not run natively."""
        analyzer = self._param("analyzer")
        token_pattern = self._param("token_pattern")
        needs_python = (
            callable(analyzer)
            or self._param("preprocessor") is not None
            or self._param("tokenizer") is not None
            or (
                analyzer == "word"
                and token_pattern is not None
                and token_pattern not in _NATIVE_PATTERNS
            )
        )
        if not needs_python:
            return None
        for name in ("stemmer",):
            value = self._param(name)
            if value not in (None, "auto"):
                raise ValueError(
                    f"{name}={value!r} cannot be combined with a Python preprocessor, tokenizer, "
                    "analyzer or a custom token_pattern; leave it at 'auto' or None"
                )
        from sklearn.feature_extraction.text import CountVectorizer

        stop = self._stop_words(getattr(self, "language_", None), python_side=True)
        cv = CountVectorizer(
            preprocessor=self._param("preprocessor"),
            tokenizer=self._param("tokenizer"),
            analyzer=analyzer,
            stop_words=stop,
            token_pattern=token_pattern if token_pattern is not None else r"(?u)\b\w\w+\b",
            ngram_range=self._param("ngram_range"),
            lowercase=self._param("lowercase"),
            strip_accents=self._param("strip_accents"),
        )
        return cv.build_analyzer()  # type: ignore[no-any-return]

    def _stop_words(
        self, language: Optional[str], python_side: bool = False
    ) -> Optional[list[str]]:
        stop_words = self._param("stop_words")
        if stop_words is None:
            return None
        if isinstance(stop_words, str):
            if stop_words == "auto":
                if language is None or python_side:
                    return None
                return stop_word_list(language)
            return stop_word_list(stop_words)
        if isinstance(stop_words, Iterable):
            words = list(stop_words)
            for i, w in enumerate(words):
                if not isinstance(w, str):
                    raise ValueError(f"stop_words[{i}] is {type(w).__name__}, expected str")
            return words
        raise ValueError(
            "stop_words must be 'english', 'german', 'auto', a list of str or None, "
            f"got {stop_words!r}"
        )

    def _stemmer(self, language: Optional[str]) -> str:
        stemmer = self._param("stemmer")
        if stemmer is None:
            return ""
        if stemmer == "auto":
            if language is None:
                return ""
            return LANGUAGES[language].snowball
        if not isinstance(stemmer, str):
            raise ValueError(
                f"stemmer must be a Snowball algorithm name, 'auto' or None, got {stemmer!r}"
            )
        key = stemmer.lower()
        if key in LANGUAGES:
            return LANGUAGES[key].snowball
        return key

    def _make_core(self, language: Optional[str]) -> _core.Vectorizer:
        analyzer = self._param("analyzer")
        python_side = self._python_analyzer() is not None
        ngram_range = self._param("ngram_range")
        if (
            not isinstance(ngram_range, tuple)
            or len(ngram_range) != 2
            or not all(isinstance(n, Integral) and not isinstance(n, bool) for n in ngram_range)
        ):
            raise ValueError(
                f"ngram_range must be a tuple (min_n, max_n) of ints, got {ngram_range!r}"
            )
        if not python_side and analyzer not in ("word", "char", "char_wb"):
            raise ValueError(
                f"analyzer must be 'word', 'char', 'char_wb' or a callable, got {analyzer!r}"
            )
        strip_accents = self._param("strip_accents")
        if (
            strip_accents is not None
            and strip_accents not in ("unicode", "ascii")
            and not callable(strip_accents)
        ):
            raise ValueError(
                "strip_accents must be 'unicode', 'ascii', None or a callable, "
                f"got {strip_accents!r}"
            )
        if callable(strip_accents) and not python_side:
            raise ValueError(
                "a callable strip_accents is supported together with a token_pattern; "
                "pass token_pattern=r'(?u)\\b\\w\\w+\\b' or a preprocessor instead"
            )
        min_df, min_is_count = _df_bound("min_df", self._param("min_df"))
        max_df, max_is_count = _df_bound("max_df", self._param("max_df"))
        max_features = self._param("max_features")
        if max_features is not None and (
            isinstance(max_features, bool)
            or not isinstance(max_features, Integral)
            or max_features < 1
        ):
            raise ValueError(f"max_features must be a positive int or None, got {max_features!r}")
        norm = self._param("norm")
        if norm not in ("l1", "l2", None):
            raise ValueError(f"norm must be 'l1', 'l2' or None, got {norm!r}")
        vocabulary = self._fixed_vocabulary()
        token_pattern = self._param("token_pattern")
        min_token_len = self._param("min_token_len")
        if (
            isinstance(min_token_len, bool)
            or not isinstance(min_token_len, Integral)
            or min_token_len < 0
        ):
            raise ValueError(f"min_token_len must be an int >= 0, got {min_token_len!r}")
        options: dict[str, Any] = dict(
            lowercase=bool(self._param("lowercase")),
            min_df=min_df,
            min_df_is_count=min_is_count,
            max_df=max_df,
            max_df_is_count=max_is_count,
            max_features=None if max_features is None else int(max_features),
            weighting=self._param("weighting"),
            binary=bool(self._param("binary")),
            use_idf=bool(self._param("use_idf")),
            smooth_idf=bool(self._param("smooth_idf")),
            sublinear_tf=bool(self._param("sublinear_tf")),
            norm="none" if norm is None else norm,
            k1=float(self._param("k1")),
            b=float(self._param("b")),
            vocabulary=vocabulary,
            float64=_dtype_is_float64(self._param("dtype")),
        )
        if python_side:
            # Terms come analyzed from Python; the core only counts and weighs them.
            options.update(analyzer="word", tokenization="unicode", ngram_range=(1, 1))
        else:
            options.update(
                analyzer=analyzer,
                tokenization="unicode" if token_pattern is None else "regex_word",
                strip_accents="none" if strip_accents is None else strip_accents,
                stop_words=self._stop_words(language) or [],
                stemmer=self._stemmer(language),
                min_token_len=int(min_token_len) if token_pattern is None else 1,
                min_word_run=_NATIVE_PATTERNS.get(token_pattern, 2) if token_pattern else 2,
                ngram_range=(int(ngram_range[0]), int(ngram_range[1])),
                compounds=self._param("compounds"),
            )
        return _core.Vectorizer(**options)

    def _fixed_vocabulary(self) -> Optional[list[str]]:
        vocabulary = self._param("vocabulary")
        if vocabulary is None:
            return None
        if isinstance(vocabulary, Mapping):
            items = sorted(vocabulary.items(), key=lambda kv: kv[1])
            indices = [i for _, i in items]
            if len(set(indices)) != len(indices):
                raise ValueError("Vocabulary contains repeated indices.")
            if indices != list(range(len(indices))):
                missing = sorted(set(range(len(indices))) - set(indices))
                raise ValueError(
                    f"Vocabulary of size {len(indices)} doesn't contain index "
                    f"{missing[0] if missing else max(indices)}."
                )
            terms = [t for t, _ in items]
        elif isinstance(vocabulary, str):
            raise ValueError("vocabulary must be a mapping or an iterable of terms, not a str")
        else:
            terms = list(vocabulary)
            if len(set(terms)) != len(terms):
                seen: set[str] = set()
                dup = next(t for t in terms if t in seen or seen.add(t))  # type: ignore[func-returns-value]
                raise ValueError(f"Duplicate term in vocabulary: {dup!r}")
        if not terms:
            raise ValueError("empty vocabulary passed to fit")
        for i, t in enumerate(terms):
            if not isinstance(t, str):
                raise ValueError(f"vocabulary term {i} is {type(t).__name__}, expected str")
        return terms

    # ---------------------------------------------------------------- input

    def _documents(self, raw_documents: Any) -> list[str]:
        if isinstance(raw_documents, (str, bytes)):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        try:
            docs = raw_documents if isinstance(raw_documents, list) else list(raw_documents)
        except TypeError as exc:
            raise TypeError(
                f"raw_documents must be an iterable of str, got {type(raw_documents).__name__}"
            ) from exc
        source = self._param("input")
        if source == "content":
            return docs
        if source not in ("filename", "file"):
            raise ValueError(f"input must be 'content', 'filename' or 'file', got {source!r}")
        texts: list[str] = []
        for i, item in enumerate(docs):
            raw: Union[str, bytes]
            if source == "filename":
                with open(item, "rb") as fh:
                    raw = fh.read()
            else:
                raw = item.read()
            if isinstance(raw, bytes):
                try:
                    raw = raw.decode(self._param("encoding"), self._param("decode_error"))
                except UnicodeDecodeError as exc:
                    raise ValueError(
                        f"document {i} ({item!r}) is not valid {self._param('encoding')}: {exc}"
                    ) from exc
            texts.append(raw)
        return texts

    def _run(self, method: str, core: _core.Vectorizer, docs: list[str]) -> Any:
        n_jobs = resolve_n_jobs(self._param("n_jobs"))
        analyze = self._python_analyzer()
        payload: Any = docs
        if analyze is not None:
            payload = []
            for i, d in enumerate(docs):
                if not isinstance(d, str):
                    raise TypeError(f"documents[{i}] is {_describe(d)}, expected str")
                payload.append(list(analyze(d)))
        progress = _progress_callback(self._param("progress"), method, len(docs))
        try:
            return getattr(core, method)(
                payload, n_jobs=n_jobs, analyzed=analyze is not None, progress=progress
            )
        finally:
            if progress is not None:
                progress.close()

    def _matrix(self, parts: tuple[Any, Any, Any, tuple[int, int]]) -> sp.csr_matrix:
        data, indices, indptr, shape = parts
        X = sp.csr_matrix((data, indices, indptr), shape=shape, copy=False)
        X.has_sorted_indices = True
        return X

    # ---------------------------------------------------------------- estimator API

    def fit(self, raw_documents: Iterable[str], y: Any = None) -> _TfidfBase:
        """Learn the vocabulary and idf from a corpus.

        Parameters
        ----------
        raw_documents : iterable of str
            The documents.
        y : None
            Ignored.

        Returns
        -------
        self
            The fitted vectorizer.
        """
        self._fit(raw_documents, want_matrix=False)
        return self

    def fit_transform(self, raw_documents: Iterable[str], y: Any = None) -> sp.csr_matrix:
        """Learn the vocabulary and idf, and return the document-term matrix.

        Parameters
        ----------
        raw_documents : iterable of str
            The documents.
        y : None
            Ignored.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_documents, n_features)
            TF-IDF weighted document-term matrix, rows normalized per ``norm``.
        """
        X = self._fit(raw_documents, want_matrix=True)
        assert X is not None
        return X

    def _fit(self, raw_documents: Iterable[str], want_matrix: bool) -> Optional[sp.csr_matrix]:
        docs = self._documents(raw_documents)
        language = self._resolve_language(docs)
        self.language_ = language
        core = self._make_core(language)
        if not docs:
            raise ValueError("cannot fit on an empty corpus: at least one document is needed")
        result = self._run("fit_transform" if want_matrix else "fit", core, docs)
        self._core = core
        self._vocabulary_cache: Optional[dict[str, int]] = None
        self.fixed_vocabulary_ = self._param("vocabulary") is not None
        return self._matrix(result) if want_matrix else None

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
        """
        core = self._fitted_core()
        docs = self._documents(raw_documents)
        return self._matrix(self._run("transform", core, docs))

    def _fitted_core(self) -> _core.Vectorizer:
        core: Optional[_core.Vectorizer] = getattr(self, "_core", None)
        if core is None or not core.fitted:
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with "
                "appropriate arguments before using this estimator."
            )
        return core

    def __sklearn_is_fitted__(self) -> bool:
        core = getattr(self, "_core", None)
        return core is not None and bool(core.fitted)

    @property
    def vocabulary_(self) -> dict[str, int]:
        """Mapping of terms to feature indices."""
        cache = getattr(self, "_vocabulary_cache", None)
        if cache is None:
            terms = self._fitted_core().vocabulary
            cache = {t: i for i, t in enumerate(terms)}
            self._vocabulary_cache = cache
        return cache

    @property
    def idf_(self) -> np.ndarray:
        """Inverse document frequency of each feature (BM25's idf with ``weighting='bm25'``)."""
        idf = self._fitted_core().idf
        return idf if _dtype_is_float64(self._param("dtype")) else idf.astype(np.float32)

    @property
    def df_(self) -> np.ndarray:
        """Document frequency of each feature in the fitted corpus."""
        return self._fitted_core().df

    @property
    def n_documents_(self) -> int:
        """Number of documents the vectorizer was fitted on."""
        return int(self._fitted_core().n_docs)

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
        """
        return np.asarray(self._fitted_core().vocabulary, dtype=object)

    def build_analyzer(self) -> Callable[[str], list[str]]:
        """Return the callable that turns one document into its terms.

        Returns
        -------
        callable
            ``analyzer(doc) -> list[str]``, the terms exactly as the vectorizer counts them.
        """
        python_side = self._python_analyzer()
        if python_side is not None:
            return python_side
        core = getattr(self, "_core", None) or self._make_core(
            self._resolve_language(None) if self._param("language") != "auto" else None
        )
        return core.analyze

    # ---------------------------------------------------------------- similarity

    def index(
        self, raw_documents: Iterable[str], *, n_jobs: Optional[int] = None
    ) -> SimilarityIndex:
        """Fit on the articles and return a :class:`SimilarityIndex` over them.

        Parameters
        ----------
        raw_documents : iterable of str
            The articles.
        n_jobs : int or None, default=None
            Threads for the index (default: the vectorizer's ``n_jobs``).

        Returns
        -------
        SimilarityIndex
            Knows the feature names, so :meth:`SimilarityIndex.explain` names terms.
        """
        X = self.fit_transform(raw_documents)
        return SimilarityIndex(
            X,
            n_jobs=self._param("n_jobs") if n_jobs is None else n_jobs,
            feature_names=self.get_feature_names_out(),
        )

    def explain(self, a: str, b: str, top: int = 10) -> Explanation:
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
            terms' contributions: the cosine of the two articles with ``norm='l2'``.
        """
        X = self.transform([a, b])
        index = SimilarityIndex(X, feature_names=self.get_feature_names_out())
        return index.explain(0, 1, top=top)

    def keywords(self, raw_documents: Iterable[str], top: int = 10) -> Keywords:
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
        """
        X = self.transform(raw_documents)
        cols, vals = top_entries(X, top)
        names = self.get_feature_names_out()
        terms = [[names[c] for c in row if c >= 0] for row in cols]
        weights = [vals[r, : len(terms[r])] for r in range(len(terms))]
        return Keywords(terms, weights)

    # ---------------------------------------------------------------- persistence

    def __getstate__(self) -> dict[str, Any]:
        state = {k: v for k, v in self.__dict__.items() if k not in ("_core", "_vocabulary_cache")}
        core = self.__dict__.get("_core")
        state["_core_bytes"] = None if core is None else core.to_bytes()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        blob = state.pop("_core_bytes", None)
        self.__dict__.update(state)
        if blob is not None:
            self._core = _core.Vectorizer.from_bytes(blob)
            self._vocabulary_cache = None

    def save(self, path: Union[str, os.PathLike[str]]) -> None:
        """Save the fitted vectorizer to a file (newsim's versioned binary format).

        Parameters
        ----------
        path : str or path-like
            Destination file.
        """
        core = self._fitted_core()
        params = self.get_params(deep=False)
        for name, value in params.items():
            if callable(value) and not isinstance(value, type):
                raise ValueError(
                    f"cannot save a vectorizer whose {name} is a Python callable; use pickle"
                )
        meta = {
            "class": type(self).__name__,
            "params": {k: _jsonable(k, v) for k, v in params.items()},
            "language_": getattr(self, "language_", None),
        }
        core.metadata = json.dumps({_PARAMS_KEY: meta})
        with open(path, "wb") as fh:
            fh.write(core.to_bytes())

    @classmethod
    def load(cls, path: Union[str, os.PathLike[str]]) -> Any:
        """Load a vectorizer saved with :meth:`save`.

        Parameters
        ----------
        path : str or path-like
            A file written by :meth:`save`.

        Returns
        -------
        TfidfVectorizer or SklearnTfidfVectorizer
            The fitted vectorizer, of the class that saved it.
        """
        with open(path, "rb") as fh:
            blob = fh.read()
        core = _core.Vectorizer.from_bytes(blob)
        try:
            meta = json.loads(core.metadata)[_PARAMS_KEY]
            klass = {
                "TfidfVectorizer": TfidfVectorizer,
                "SklearnTfidfVectorizer": SklearnTfidfVectorizer,
            }[meta["class"]]
            params = {k: _from_jsonable(k, v) for k, v in meta["params"].items()}
        except (ValueError, KeyError, TypeError) as exc:
            raise _core.ModelFormatError(
                f"{os.fspath(path)!r} is a newsim core model without vectorizer parameters"
            ) from exc
        try:
            est = klass(**params)
        except TypeError as exc:  # a parameter this version does not know
            raise _core.ModelFormatError(
                f"{os.fspath(path)!r} holds {meta['class']} parameters this newsim does not "
                f"support ({exc}); it was probably saved by a newer newsim"
            ) from exc
        est.language_ = meta.get("language_")
        est._core = core
        est._vocabulary_cache = None
        est.fixed_vocabulary_ = params.get("vocabulary") is not None
        return est


def _jsonable(name: str, value: Any) -> Any:
    if name == "dtype":
        return np.dtype(value).name
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (frozenset, set)):
        return sorted(value)
    return value


def _from_jsonable(name: str, value: Any) -> Any:
    if name == "dtype":
        return np.dtype(value).type
    if name == "ngram_range" and isinstance(value, list):
        return tuple(value)
    return value


def _describe(item: Any) -> str:
    if item is None:
        return "None"
    if isinstance(item, (int, float)):
        return f"{type(item).__name__} ({item!r})"
    return type(item).__name__


class _Progress:
    def __init__(self, desc: str, total: int) -> None:
        from tqdm.auto import tqdm

        self._bar = tqdm(total=total, desc=desc, unit="doc", leave=False)
        self._last = 0

    def __call__(self, done: int, total: int) -> None:
        self._bar.update(done - self._last)
        self._last = done

    def close(self) -> None:
        self._bar.close()


def _progress_callback(progress: Any, method: str, total: int) -> Optional[_Progress]:
    if not progress:
        return None
    try:
        return _Progress(f"newsim {method}", total)
    except ImportError:
        return None


def _detect_language(docs: list[str], sample: int = 200, chars: int = 3000) -> Optional[str]:
    """Guess the corpus language from the share of each language's stop words.

    Returns the code ("de", "en") whose stop words make up at least 15 % of the tokens of an
    evenly spaced sample of documents and clearly more than any other's; None otherwise.
    """
    if not docs:
        return None
    step = max(1, len(docs) // sample)
    probe = _core.Vectorizer(min_token_len=1)
    tokens: list[str] = []
    for i in range(0, len(docs), step):
        d = docs[i]
        if isinstance(d, str):
            head = d[:chars]
            if not head.isascii():
                try:
                    head.encode("utf-8")
                except UnicodeEncodeError:
                    continue  # a lone surrogate: fit reports it with its position
            tokens.extend(probe.analyze(head))
    if not tokens:
        return None
    shares = {}
    for code in ("de", "en"):
        stop = set(_core.Vectorizer(min_token_len=1).analyze(" ".join(stop_word_list(code))))
        shares[code] = sum(t in stop for t in tokens) / len(tokens)
    best = max(shares, key=lambda c: shares[c])
    others = [s for c, s in shares.items() if c != best]
    if shares[best] >= 0.15 and all(shares[best] > 1.5 * s for s in others):
        return best
    return None


class TfidfVectorizer(_TfidfBase):
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
    ngram_range : tuple (min_n, max_n), default=(1, 1)
        The n-gram sizes to extract.
    max_df, min_df : float or int, default=1.0 and 1
        Document-frequency limits: an int counts documents, a float is a share of them.
    max_features : int or None, default=None
        Keep the terms most frequent in the corpus (ties: the term sorting first).
    vocabulary : mapping or iterable, default=None
        A fixed vocabulary.
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
    weighting : {'tfidf', 'bm25'}, default='tfidf'
        Term weighting scheme; BM25 uses ``k1`` and ``b``.
    k1, b : float, default=1.2 and 0.75
        BM25 parameters.
    n_jobs : int or None, default=None
        Threads for analysis and weighting (None: 1; -1: all cores).
    progress : bool, default=False
        Show a tqdm progress bar.

    Attributes
    ----------
    vocabulary_ : dict
        Term to column index.
    idf_ : ndarray of shape (n_features,)
        Inverse document frequencies.
    language_ : str or None
        The language used (resolved from ``'auto'``).

    Examples
    --------
    >>> import newsim
    >>> vec = newsim.TfidfVectorizer(language="de")
    >>> X = vec.fit_transform(["Die Straße ist lang.", "Die STRASSE war länger."])
    >>> X.shape
    (2, 3)
    >>> list(vec.get_feature_names_out())
    ['lang', 'lang', 'strass']
    """

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
        ngram_range: tuple[int, int] = (1, 1),
        max_df: float = 1.0,
        min_df: float = 1,
        max_features: Optional[int] = None,
        vocabulary: Any = None,
        binary: bool = False,
        dtype: Any = np.float32,
        norm: Optional[str] = "l2",
        use_idf: bool = True,
        smooth_idf: bool = True,
        sublinear_tf: bool = True,
        stemmer: Optional[str] = "auto",
        min_token_len: int = 2,
        compounds: str = "split",
        weighting: str = "tfidf",
        k1: float = 1.2,
        b: float = 0.75,
        n_jobs: Optional[int] = None,
        progress: bool = False,
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
        self.stemmer = stemmer
        self.min_token_len = min_token_len
        self.compounds = compounds
        self.weighting = weighting
        self.k1 = k1
        self.b = b
        self.n_jobs = n_jobs
        self.progress = progress


class SklearnTfidfVectorizer(_TfidfBase):
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
    progress : bool, default=False
        Show a tqdm progress bar.

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
        "min_token_len": 1,
        "compounds": "split",
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
        progress: bool = False,
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
