"""scikit-learn mode: ``SklearnTfidfVectorizer`` reproduces scikit-learn's ``TfidfVectorizer``.

The grid below varies every parameter at least once on each corpus and adds a few
combinations; vocabulary, idf and matrix must equal scikit-learn's (to float rounding).
"""

from __future__ import annotations

import string
import unicodedata
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer as SkTfidfVectorizer

import newsim
from newsim.datasets import Corpus

# ----------------------------------------------------------------------------- helpers

F32 = np.float32

TOLERANCE = {np.dtype(np.float64): 1e-12, np.dtype(np.float32): 1e-6}


def _tolerance(dtype: Any, values: sp.spmatrix | np.ndarray) -> float:
    """Absolute tolerance; scaled by the largest value when rows are not normalized."""
    data = values.data if sp.issparse(values) else np.asarray(values)
    scale = max(1.0, float(np.abs(data).max())) if data.size else 1.0
    return TOLERANCE[np.dtype(dtype)] * scale


def assert_same_as_sklearn(docs: list[str], params: dict[str, Any]) -> None:
    """Fit both vectorizers on ``docs`` and compare everything that is observable."""
    ref = SkTfidfVectorizer(**params)
    expected = ref.fit_transform(docs)
    ours = newsim.SklearnTfidfVectorizer(**params)
    got = ours.fit_transform(docs)

    assert isinstance(got, sp.csr_matrix)
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    assert list(ours.get_feature_names_out()) == list(ref.get_feature_names_out())
    assert ours.vocabulary_ == ref.vocabulary_
    if params.get("use_idf", True):
        assert ours.idf_.dtype == ref.idf_.dtype
        idf_tol = _tolerance(ref.idf_.dtype, ref.idf_)
        assert np.abs(ours.idf_.astype(np.float64) - ref.idf_).max() <= idf_tol
    tol = _tolerance(expected.dtype, expected)
    diff = abs(got - expected)
    assert (diff.max() if diff.nnz else 0.0) <= tol
    assert got.nnz == expected.nnz  # no explicit zeros, no missing entries

    # fit(...).transform(...) equals fit_transform(...).
    again = newsim.SklearnTfidfVectorizer(**params).fit(docs).transform(docs)
    assert again.dtype == got.dtype
    assert again.shape == got.shape
    diff = abs(again - got)
    assert (diff.max() if diff.nnz else 0.0) <= tol


# ----------------------------------------------------------------------------- the grid

# Each parameter varied alone, on each corpus.
SINGLE: list[dict[str, Any]] = [
    {},
    {"ngram_range": (1, 2)},
    {"min_df": 2},
    {"min_df": 0.01},
    {"max_df": 0.5},
    {"max_df": 50},
    {"smooth_idf": False},
    {"sublinear_tf": True},
    {"norm": "l1"},
    {"norm": None},
    {"binary": True},
    {"use_idf": False},
    {"strip_accents": "unicode"},
    {"strip_accents": "ascii"},
    {"stop_words": "english"},
    {"dtype": F32},
]

# Character n-grams are slow in scikit-learn: shorter ranges on the larger corpus.
CHARS: dict[str, list[dict[str, Any]]] = {
    "gnad": [
        {"analyzer": "char_wb", "ngram_range": (2, 4)},
        {"analyzer": "char", "ngram_range": (1, 3)},
    ],
    "bbc": [
        {"analyzer": "char_wb", "ngram_range": (2, 3)},
        {"analyzer": "char", "ngram_range": (1, 2)},
    ],
}

# Combinations, split between the corpora.
COMBINED: dict[str, list[dict[str, Any]]] = {
    "gnad": [
        {
            "ngram_range": (1, 2),
            "min_df": 2,
            "max_df": 0.5,
            "sublinear_tf": True,
            "dtype": F32,
        },
        {
            "binary": True,
            "smooth_idf": False,
            "norm": "l1",
            "strip_accents": "unicode",
            "stop_words": "english",
        },
        {"use_idf": False, "norm": None, "sublinear_tf": True, "dtype": F32},
        {"analyzer": "char_wb", "ngram_range": (3, 3), "min_df": 0.01, "dtype": F32},
    ],
    "bbc": [
        {"ngram_range": (1, 2), "min_df": 0.01, "max_df": 50, "stop_words": "english"},
        {"strip_accents": "ascii", "binary": True, "sublinear_tf": True, "dtype": F32},
        {"norm": None, "smooth_idf": False, "max_df": 0.5, "min_df": 2},
        {"analyzer": "char", "ngram_range": (2, 2), "use_idf": False, "norm": "l1"},
    ],
}


def _case_id(params: dict[str, Any]) -> str:
    if not params:
        return "defaults"
    parts = []
    for k, v in params.items():
        v = np.dtype(v).name if k == "dtype" else v
        parts.append(f"{k}={v}".replace(" ", ""))
    return ",".join(parts)


GRID = [
    pytest.param(name, p, id=f"{name}-{_case_id(p)}")
    for name in ("gnad", "bbc")
    for p in [*SINGLE, *CHARS[name], *COMBINED[name]]
]


@pytest.mark.slow
@pytest.mark.parametrize(("corpus_name", "params"), GRID)
def test_matches_sklearn_on_corpus(
    corpora: dict[str, Corpus], corpus_name: str, params: dict[str, Any]
) -> None:
    assert_same_as_sklearn(corpora[corpus_name].texts, params)


# ----------------------------------------------------------------------------- max_features

MAX_FEATURES_ANALYSIS: dict[str, dict[str, Any]] = {
    "gnad": {"ngram_range": (1, 2)},
    "bbc": {"binary": True},
}


def _corpus_frequencies(docs: list[str], params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Terms (sorted) and corpus frequencies as scikit-learn ranks them for max_features."""
    cv = CountVectorizer(**params)
    counts = cv.fit_transform(docs)  # binary counts when binary=True, as in scikit-learn
    return cv.get_feature_names_out(), np.asarray(counts.sum(axis=0)).ravel()


def _boundary(freqs: np.ndarray, near: int, tied: bool) -> int:
    """The first k >= near where the k-th and (k+1)-th largest frequencies (are/are not) tied.

    For a tied boundary, prefer one with a large group of tied terms on both sides.
    """
    desc = np.sort(freqs)[::-1]
    for k in range(near, len(desc) - 1):
        is_tied = desc[k - 1] == desc[k]
        if not tied and not is_tied:
            return k
        if tied and is_tied and desc[k - 5] == desc[k + 5]:
            return k
    raise AssertionError("no suitable boundary")


@pytest.mark.slow
@pytest.mark.parametrize("corpus_name", ["gnad", "bbc"])
def test_max_features_untied_boundary_matches_exactly(
    corpora: dict[str, Corpus], corpus_name: str
) -> None:
    docs = corpora[corpus_name].texts
    analysis = MAX_FEATURES_ANALYSIS[corpus_name]
    _, freqs = _corpus_frequencies(docs, analysis)
    k = _boundary(freqs, 1000, tied=False)
    assert_same_as_sklearn(docs, {**analysis, "max_features": k})


@pytest.mark.slow
@pytest.mark.parametrize("corpus_name", ["gnad", "bbc"])
def test_max_features_tied_boundary_matches_exactly(
    corpora: dict[str, Corpus], corpus_name: str
) -> None:
    """At a tied boundary the drop-in keeps scikit-learn's terms (NumPy's sort, at fit time)."""
    docs = corpora[corpus_name].texts
    analysis = MAX_FEATURES_ANALYSIS[corpus_name]
    _, freqs = _corpus_frequencies(docs, analysis)
    k = _boundary(freqs, 1000, tied=True)
    assert_same_as_sklearn(docs, {**analysis, "max_features": k})


@pytest.mark.slow
@pytest.mark.parametrize("corpus_name", ["gnad", "bbc"])
def test_max_features_tied_boundary_of_partial_fit_follows_newsims_rule(
    corpora: dict[str, Corpus], corpus_name: str
) -> None:
    """Built by partial_fit, ties at the boundary go to the terms that sort first."""
    docs = corpora[corpus_name].texts
    analysis = MAX_FEATURES_ANALYSIS[corpus_name]
    terms, freqs = _corpus_frequencies(docs, analysis)
    k = _boundary(freqs, 1000, tied=True)
    boundary = np.sort(freqs)[::-1][k - 1]
    frequency = dict(zip(terms, freqs))

    ours = newsim.SklearnTfidfVectorizer(**analysis, max_features=k)
    ours.partial_fit(docs[: len(docs) // 2]).partial_fit(docs[len(docs) // 2 :])
    got = ours.transform(docs)
    # newsim's rule: every term above the boundary, then the tied terms in sorted order.
    above = sorted(t for t, f in frequency.items() if f > boundary)
    tied = sorted(t for t, f in frequency.items() if f == boundary)
    expected_terms = sorted(above + tied[: k - len(above)])
    assert list(ours.get_feature_names_out()) == expected_terms

    # With that vocabulary fixed, scikit-learn computes the same idf and matrix.
    fixed = SkTfidfVectorizer(**analysis, vocabulary=expected_terms)
    expected = fixed.fit_transform(docs)
    assert np.abs(ours.idf_ - fixed.idf_).max() <= 1e-12
    assert abs(got - expected).max() <= 1e-12
    assert got.nnz == expected.nnz


# ----------------------------------------------------------------------------- Python analysis


def _small_corpus(gnad: Corpus, bbc: Corpus) -> list[str]:
    return gnad.texts[:120] + bbc.texts[:120]


def _split_tokenizer(text: str) -> list[str]:
    return text.split()


def _upper_preprocessor(text: str) -> str:
    return text.upper().replace("SS", "ß")


def _word_lengths_analyzer(text: str) -> list[str]:
    return [f"{w[:3]}:{len(w)}" for w in text.split()]


PYTHON_SIDE = [
    pytest.param({"tokenizer": _split_tokenizer, "token_pattern": None}, id="tokenizer"),
    pytest.param(
        {"tokenizer": _split_tokenizer, "token_pattern": None, "ngram_range": (1, 2)},
        id="tokenizer-bigrams",
    ),
    pytest.param({"preprocessor": _upper_preprocessor}, id="preprocessor"),
    pytest.param({"analyzer": _word_lengths_analyzer}, id="analyzer"),
    pytest.param({"token_pattern": r"(?u)\b\w[\w'-]*\w\b"}, id="token_pattern"),
    pytest.param({"token_pattern": r"(?u)\b(\w)\w+\b"}, id="token_pattern-group"),
    pytest.param(
        {
            "token_pattern": r"[A-Za-zÄÖÜäöüß]{3,}",
            "stop_words": "english",
            "strip_accents": "unicode",
            "sublinear_tf": True,
            "dtype": F32,
        },
        id="token_pattern-combined",
    ),
]


@pytest.mark.parametrize("params", PYTHON_SIDE)
def test_python_analysis_matches_sklearn(gnad: Corpus, bbc: Corpus, params: dict[str, Any]) -> None:
    docs = _small_corpus(gnad, bbc)
    assert_same_as_sklearn(docs, params)
    ours = newsim.SklearnTfidfVectorizer(**params).build_analyzer()
    ref = SkTfidfVectorizer(**params).build_analyzer()
    for doc in docs[:20]:
        assert ours(doc) == ref(doc)


# ----------------------------------------------------------------------------- analyzers

# Characters that stress the analysis; the rest of Unicode is drawn as well.
SPECIAL_CHARS = (
    string.ascii_letters
    + string.digits
    + "_"
    + string.punctuation
    + "äöüÄÖÜßẞ"
    + "İıΣσςΐ"  # case mappings that change length or depend on context
    + "\u0300\u0301\u0308\u0327\u0345\u20dd"  # combining marks (U+0345 has a case mapping)
    + "αβγδΩωάέ"
    + "абвгдЖЯё"
    + "中文字日本語한국"
    + "ﬁﬂ①²½Ⅻ"  # compatibility characters, numerics
    + " \t\n\r\x0b\x0c\x1c\x85\xa0\u2003\u2028\u3000"  # whitespace kinds
)

ANY_ASSIGNED = st.characters(exclude_categories=("Cn", "Cs"))
DOCS = st.text(alphabet=st.one_of(st.sampled_from(SPECIAL_CHARS), ANY_ASSIGNED), max_size=40)

ANALYZER_CASES = [
    pytest.param({}, id="word"),
    pytest.param({"strip_accents": "unicode"}, id="word-strip_unicode"),
    pytest.param({"strip_accents": "ascii"}, id="word-strip_ascii"),
    pytest.param({"lowercase": False, "ngram_range": (1, 3)}, id="word-cased-trigrams"),
    pytest.param({"stop_words": "english", "ngram_range": (1, 2)}, id="word-stop-bigrams"),
    pytest.param({"analyzer": "char_wb", "ngram_range": (2, 4)}, id="char_wb"),
    pytest.param({"analyzer": "char", "ngram_range": (1, 3)}, id="char"),
    pytest.param(
        {"analyzer": "char_wb", "ngram_range": (1, 3), "strip_accents": "unicode"},
        id="char_wb-strip_unicode",
    ),
]


@pytest.mark.parametrize("params", ANALYZER_CASES)
@settings(max_examples=300, deadline=None)
@given(doc=DOCS)
def test_analyzer_matches_sklearn(params: dict[str, Any], doc: str) -> None:
    ours = newsim.SklearnTfidfVectorizer(**params).build_analyzer()
    ref = SkTfidfVectorizer(**params).build_analyzer()
    assert ours(doc) == ref(doc)


# ----------------------------------------------------------------------------- every code point


def _assigned_code_points() -> list[int]:
    """Every code point assigned in Python's unicodedata, except surrogates.

    Lone surrogates cannot be encoded and are rejected with a ValueError by design (see
    test_bad_input.py), so they have no analysis to compare.
    """
    return [c for c in range(0x110000) if unicodedata.category(chr(c)) not in ("Cn", "Cs")]


ASSIGNED = _assigned_code_points()
BATCH = 500  # code points per document (about 2,000 characters)

CODE_POINT_CASES = [
    pytest.param({"token_pattern": r"(?u)\b\w+\b"}, id="word1"),
    pytest.param({}, id="word2"),
    pytest.param({"token_pattern": r"(?u)\b\w+\b", "strip_accents": "unicode"}, id="unicode"),
    pytest.param({"token_pattern": r"(?u)\b\w+\b", "strip_accents": "ascii"}, id="ascii"),
    pytest.param({"token_pattern": r"(?u)\b\w+\b", "lowercase": False}, id="cased"),
    pytest.param({"analyzer": "char_wb", "ngram_range": (1, 2)}, id="char_wb"),
]


@pytest.mark.parametrize("params", CODE_POINT_CASES)
def test_every_code_point_analyzed_like_sklearn(params: dict[str, Any]) -> None:
    ours = newsim.SklearnTfidfVectorizer(**params).build_analyzer()
    ref = SkTfidfVectorizer(**params).build_analyzer()
    mismatches = []
    for start in range(0, len(ASSIGNED), BATCH):
        chunk = ASSIGNED[start : start + BATCH]
        doc = " ".join("a" + chr(c) + "a" for c in chunk)
        if ours(doc) == ref(doc):
            continue
        before = len(mismatches)
        for c in chunk:  # find the culprits
            single = "a" + chr(c) + "a"
            got, expected = ours(single), ref(single)
            if got != expected:
                name = unicodedata.name(chr(c), "?")
                cat = unicodedata.category(chr(c))
                mismatches.append(f"U+{c:04X} {name} ({cat}): newsim {got!r}, sklearn {expected!r}")
        if len(mismatches) == before:
            mismatches.append(f"batch at U+{chunk[0]:04X} differs only in context")
    assert not mismatches, f"{len(mismatches)} code points differ:\n" + "\n".join(mismatches[:100])
