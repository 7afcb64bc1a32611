"""The translation of scikit-learn-style parameters into the core's options.

Python only translates here: ``'auto'`` (language, stop words, stemmer, n-gram range,
decompounding), a language into its stop words and stemmer, and scikit-learn's spellings (such as
``None`` for no norm, or an int ``min_df`` for a document count); the core checks every value
against the rule it declares.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from numbers import Integral
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Optional

import numpy as np

from . import _core
from ._input import _check_encodable
from ._stopwords import LANGUAGES, stop_word_list

#: scikit-learn's default token pattern and the equivalents newsim runs natively, mapped to the
#: minimum length of a run of word characters.
_NATIVE_PATTERNS = {
    r"(?u)\b\w\w+\b": 2,
    r"\b\w\w+\b": 2,
    r"(?u)\b\w+\b": 1,
    r"\b\w+\b": 1,
}

#: Core options that ``_make_core`` translates for newsim's own analysis and leaves at their
#: defaults when a Python analyzer does the analysis.
_ANALYSIS_OPTIONS = frozenset(
    {"analyzer", "strip_accents", "stop_words", "stemmer", "min_token_len", "ngram_range"}
    | {"compounds", "decompound", "normalize_vocabulary"}
)


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


def _words_and_pairs(ngram_range: Any) -> bool:
    """Whether ``ngram_range`` runs from single words to at least word pairs."""
    try:
        return bool(ngram_range[0] == 1 and ngram_range[1] >= 2)
    except (TypeError, IndexError, KeyError):
        return False  # malformed: the core names it


def _df_bound(value: Any) -> tuple[Any, bool]:
    """Read min_df/max_df as scikit-learn does: an int counts documents, a float is a share.

    Other types go to the core as they are, which names the parameter and what it takes.
    """
    return value, isinstance(value, Integral) and not isinstance(value, bool)


class _ParamsMixin:
    """The vectorizer's parameters, read through ``_hidden_defaults`` and translated."""

    # Parameters a subclass does not expose take these values.
    _hidden_defaults: ClassVar[dict[str, Any]] = {}

    if TYPE_CHECKING:  # scikit-learn's, from the BaseEstimator this mixin is composed with

        def get_params(self, deep: bool = True) -> dict[str, Any]: ...

    def _param(self, name: str) -> Any:
        if name in self._hidden_defaults:
            return self._hidden_defaults[name]
        return getattr(self, name)

    def _float64(self) -> bool:
        """Whether the matrix (and ``idf_``) is float64, rather than float32, per ``dtype``."""
        return _dtype_is_float64(self._param("dtype"))

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
            or (
                callable(self._param("strip_accents"))
                and getattr(type(self), "_callable_accents_in_python", False)
            )
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
        import re

        from sklearn.feature_extraction.text import CountVectorizer

        if analyzer == "word" and isinstance(token_pattern, str):
            try:
                re.compile(token_pattern)
            except re.error as exc:
                raise ValueError(
                    f"token_pattern {token_pattern!r} is not a valid regular expression: {exc}"
                ) from exc

        stop = self._stop_words(getattr(self, "language_", None), python_side=True)
        cv = CountVectorizer(
            preprocessor=self._param("preprocessor"),
            tokenizer=self._param("tokenizer"),
            analyzer=analyzer,
            stop_words=stop,
            token_pattern=token_pattern if token_pattern is not None else r"(?u)\b\w\w+\b",
            ngram_range=self._ngram_range(),
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
                _check_encodable(w, f"stop_words[{i}]")
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

    def _ngram_range(self) -> Any:
        """``ngram_range`` with ``'auto'`` resolved: (1, 2) for word analysis, else (1, 1)."""
        ngram_range = self._param("ngram_range")
        if isinstance(ngram_range, str) and ngram_range == "auto":
            return (1, 2) if self._param("analyzer") == "word" else (1, 1)
        return ngram_range

    def _decompound(self, language: Optional[str], native_word: bool, ngram_range: Any) -> bool:
        """Resolve ``decompound``.

        'auto' splits German compounds in newsim's own word analysis of single words and word
        pairs (``ngram_range`` from 1 to at least 2): with pairs, splitting lifts 10kGNAD's kNN
        accuracy (0.784 -> 0.805 at k = 10); with single words alone it does not (0.791
        without, 0.786 with) and costs about 0.3 s per 27 MB fit (benchmarks/RESULTS.md).
        """
        value = self._param("decompound")
        if isinstance(value, str) and value == "auto":
            return native_word and language == "de" and _words_and_pairs(ngram_range)
        if not isinstance(value, bool):
            raise ValueError(f"decompound must be True, False or 'auto', got {value!r}")
        if value and not native_word:
            raise ValueError(
                "decompound=True needs analyzer='word' with newsim's own analysis "
                "(token_pattern=None, no preprocessor or tokenizer)"
            )
        return value

    def _make_core(
        self, language: Optional[str], overrides: Optional[Mapping[str, Any]] = None
    ) -> _core.Vectorizer:
        """Build the core vectorizer of these parameters.

        Python only translates here (``'auto'``, a language into stop words and a stemmer,
        scikit-learn's spellings such as ``None`` for no norm or an int ``min_df`` for a
        document count); every value is checked by the core, against the rule it declares.
        ``overrides`` replaces core options after translation (a fit's own passes, such as the
        counts that choose ``max_features`` terms at ties); a ``vocabulary`` among them is
        terms the vectorizer chose, so the warnings for a user's vocabulary are not given.
        """
        analyzer = self._param("analyzer")
        python_side = self._python_analyzer() is not None
        ngram_range = self._ngram_range()
        strip_accents = self._param("strip_accents")
        if callable(strip_accents) and not python_side:
            raise ValueError(
                "a callable strip_accents is supported together with a token_pattern; "
                "pass token_pattern=r'(?u)\\b\\w\\w+\\b' or a preprocessor instead"
            )
        min_df, min_is_count = _df_bound(self._param("min_df"))
        max_df, max_is_count = _df_bound(self._param("max_df"))
        norm = self._param("norm")
        token_pattern = self._param("token_pattern")
        native_word = not python_side and analyzer == "word" and token_pattern is None
        options: dict[str, Any] = dict(
            lowercase=bool(self._param("lowercase")),
            # a callable's terms are not n-grams newsim formed
            ngram_min_df=1 if callable(analyzer) else self._param("ngram_min_df"),
            min_df=min_df,
            min_df_is_count=min_is_count,
            max_df=max_df,
            max_df_is_count=max_is_count,
            max_features=self._param("max_features"),
            binary=bool(self._param("binary")),
            use_idf=bool(self._param("use_idf")),
            smooth_idf=bool(self._param("smooth_idf")),
            sublinear_tf=bool(self._param("sublinear_tf")),
            norm="none" if norm is None else norm,
            vocabulary=self._fixed_vocabulary(),
            float64=self._float64(),
            **self._hashing_options(),
        )
        if python_side:
            # Terms come analyzed from Python; the core only counts and weighs them. The
            # n-gram range, which scikit-learn's analyzer applied, is still the core's to check.
            _core.Vectorizer(ngram_range=ngram_range)
            options.update(analyzer="word", tokenization="unicode", ngram_range=(1, 1))
        else:
            options.update(
                analyzer=analyzer,
                tokenization="unicode" if token_pattern is None else "regex_word",
                strip_accents="none" if strip_accents is None else strip_accents,
                stop_words=self._stop_words(language) or [],
                stemmer=self._stemmer(language),
                min_token_len=self._param("min_token_len") if token_pattern is None else 1,
                min_word_run=_NATIVE_PATTERNS.get(token_pattern, 2) if token_pattern else 2,
                ngram_range=ngram_range,
                compounds=self._param("compounds"),
                decompound=self._decompound(language, native_word, ngram_range),
                normalize_vocabulary=self._param("normalize_vocabulary"),
            )
        # The other parameters that are core options of the same name need no translation:
        # they go through as they are (the core checks them), so a new one needs no line here.
        params = self.get_params(deep=False)
        for name in _core.option_defaults():
            if name in params and name not in options and name not in _ANALYSIS_OPTIONS:
                options[name] = params[name]
        if overrides:
            options.update(overrides)
        core = _core.Vectorizer(**options)
        if not overrides or "vocabulary" not in overrides:
            _warn_vocabulary(core, options["vocabulary"], options["lowercase"])
        return core

    def _hashing_options(self) -> dict[str, Any]:
        """Core options of the hashing mode (none for a vocabulary)."""
        return {}

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
            # A set has no order of its own: sorted, as scikit-learn does, so that the columns
            # do not depend on the set's iteration order (which a pickle round trip changes).
            terms = sorted(vocabulary) if isinstance(vocabulary, set) else list(vocabulary)
            if len(set(terms)) != len(terms):
                seen: set[str] = set()
                dup = next(t for t in terms if t in seen or seen.add(t))  # type: ignore[func-returns-value]
                raise ValueError(f"Duplicate term in vocabulary: {dup!r}")
        if not terms:
            raise ValueError("empty vocabulary passed to fit")
        for i, t in enumerate(terms):
            if not isinstance(t, str):
                raise ValueError(f"vocabulary term {i} is {type(t).__name__}, expected str")
            _check_encodable(t, f"vocabulary term {i}")
        return terms


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


def _warn_vocabulary(
    core: _core.Vectorizer, terms: Optional[list[str]], lowercase: bool, shown: int = 10
) -> None:
    """Warn of a fixed vocabulary's entries that can never be counted.

    With ``normalize_vocabulary``, the core names each such entry and why, in one warning; with
    entries taken as they are, scikit-learn's warning for upper case entries when
    ``lowercase`` is on, in its words.
    """
    import warnings

    if not terms:
        return
    if not core.options()["normalize_vocabulary"]:
        if lowercase and any(any(map(str.isupper, t)) for t in terms):
            warnings.warn(
                "Upper case characters found in vocabulary while 'lowercase' is True. These "
                "entries will not be matched with any documents",
                UserWarning,
                stacklevel=_caller_stacklevel(),
            )
        return
    issues = core.vocabulary_issues
    if not issues:
        return
    n_terms = len(terms)
    listed = "; ".join(message for _, message in issues[:shown])
    more = f"; and {len(issues) - shown} more" if len(issues) > shown else ""
    warnings.warn(
        f"{len(issues)} of the {n_terms} vocabulary terms can never occur, and their columns "
        f"stay zero: {listed}{more}. Remove or reword them.",
        UserWarning,
        stacklevel=_caller_stacklevel(),
    )


def _caller_stacklevel() -> int:
    """Return the ``stacklevel`` of the first frame outside newsim (where the user called it)."""
    import os
    import sys

    package = os.path.dirname(__file__) + os.sep
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level
