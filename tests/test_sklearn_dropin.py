"""SklearnTfidfVectorizer against scikit-learn's TfidfVectorizer, where the behaviour lies outside
the matrix: idf_ set by hand, parameters set after a fit, dtypes, parameter warnings, stop
words, the analysis builders, inverse_transform, and no set_output.

Each test runs the same calls on both classes and compares what they return or warn.
"""

from __future__ import annotations

import pickle
import warnings
from typing import Any, Callable

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer as ScikitTfidfVectorizer

import newsim
from newsim import SklearnTfidfVectorizer

DOCS = [
    "the pizza pizza beer copyright",
    "the pizza burger beer copyright",
    "the the pizza beer beer copyright",
    "the burger beer beer copyright",
    "the coke burger coke copyright",
    "the coke burger burger",
]
OTHER = ["the salad celeri copyright", "the pizza coke salad", "beer beer beer"]
BOTH = (ScikitTfidfVectorizer, SklearnTfidfVectorizer)


def _same(a: Any, b: Any) -> None:
    assert a.dtype == b.dtype
    np.testing.assert_allclose(a.toarray(), b.toarray(), rtol=1e-12, atol=1e-15)


def _warnings_of(call: Callable[[], Any]) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


# ------------------------------------------------------------------------- idf_ set by hand


def test_idf_set_on_an_unfitted_vectorizer_with_a_vocabulary_gives_the_fitted_matrix() -> None:
    orig = SklearnTfidfVectorizer().fit(DOCS)
    copy = SklearnTfidfVectorizer(vocabulary=orig.vocabulary_)
    copy.idf_ = orig.idf_
    assert (copy.transform(OTHER) != orig.transform(OTHER)).nnz == 0  # bit for bit
    np.testing.assert_array_equal(copy.idf_, orig.idf_)
    assert copy.fixed_vocabulary_
    assert copy.vocabulary_ == orig.vocabulary_


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"norm": "l1", "sublinear_tf": True},
        {"norm": None, "binary": True},
        {"dtype": np.float32},
        {"analyzer": "char_wb", "ngram_range": (2, 3)},
        {"tokenizer": str.split, "token_pattern": None},
    ],
)
def test_idf_set_by_hand_weighs_as_scikit_learn_does(params: dict[str, Any]) -> None:
    idf = None
    results = []
    for cls in BOTH:
        vec = cls(**params).fit(DOCS)
        if idf is None:
            idf = np.linspace(1.0, 3.0, len(vec.vocabulary_))
        vec.norm = "l2" if params.get("norm") != "l2" else "l1"  # not used until a fit
        vec.idf_ = idf
        results.append((vec.transform(OTHER), vec.idf_))
        vocabulary = {t: i for i, t in enumerate(vec.get_feature_names_out())}
        unfitted = cls(**params, vocabulary=vocabulary)
        unfitted.idf_ = idf
        results.append((unfitted.transform(OTHER), unfitted.idf_))
    (sk_fitted, sk_idf), (sk_unfitted, _), (ns_fitted, ns_idf), (ns_unfitted, _) = results
    _same(sk_fitted, ns_fitted)
    _same(sk_unfitted, ns_unfitted)
    np.testing.assert_allclose(ns_idf, sk_idf)


def test_idf_set_by_hand_is_checked_and_kept_until_a_fit() -> None:
    vec = SklearnTfidfVectorizer(use_idf=False).fit(DOCS)
    assert not hasattr(vec, "idf_")  # as in scikit-learn: no idf without use_idf at fit
    with pytest.raises(ValueError, match=r"`idf_` cannot be set when `user_idf=False`\."):
        vec.idf_ = np.ones(len(vec.vocabulary_))
    vec = SklearnTfidfVectorizer().fit(DOCS)
    n = len(vec.vocabulary_)
    with pytest.raises(ValueError, match=f"idf length = {n + 1} must be equal to vocabulary size"):
        vec.idf_ = [1.0] * (n + 1)
    vec.idf_ = np.full(n, 2.0)
    X = vec.transform(OTHER)
    assert (pickle.loads(pickle.dumps(vec)).transform(OTHER) != X).nnz == 0
    with pytest.raises(AttributeError, match="idf_ was set by hand"):
        vec.n_documents_  # noqa: B018
    for call in (lambda: vec.save("unused.newsim"), lambda: vec.partial_fit(DOCS)):
        with pytest.raises(ValueError, match="idf_ was set by hand; pickle it instead"):
            call()
    vec.fit(DOCS)  # computes idf anew
    np.testing.assert_allclose(vec.idf_, ScikitTfidfVectorizer().fit(DOCS).idf_)
    assert vec.n_documents_ == len(DOCS)


def test_idf_set_without_a_vocabulary_waits_for_a_fit_as_in_scikit_learn() -> None:
    for cls in BOTH:
        vec = cls()
        vec.idf_ = [1.0, 2.0]
        np.testing.assert_array_equal(vec.idf_, [1.0, 2.0])
        with pytest.raises(Exception, match="not fitted"):
            vec.transform(OTHER)
        vec.fit(DOCS)
        assert len(vec.idf_) == len(vec.vocabulary_)


# ------------------------------------------------------------------------- parameters after fit


def test_parameters_set_after_a_fit_take_effect_at_the_next_fit() -> None:
    outputs = []
    for cls in BOTH:
        vec = cls(norm="l2", use_idf=False, smooth_idf=False, sublinear_tf=False).fit(DOCS)
        vec.set_params(norm="l1", use_idf=True, smooth_idf=True, sublinear_tf=True)
        before = vec.transform(OTHER)  # still the fitted weighting
        has_idf = hasattr(vec, "idf_")
        after = vec.fit(DOCS).transform(OTHER)
        outputs.append((before, has_idf, after, vec.idf_))
    (sk_before, sk_has, sk_after, sk_idf), (ns_before, ns_has, ns_after, ns_idf) = outputs
    _same(sk_before, ns_before)
    assert sk_has is ns_has is False
    _same(sk_after, ns_after)
    np.testing.assert_allclose(ns_idf, sk_idf)
    assert (ns_before != ns_after).nnz > 0  # the new parameters changed something


@pytest.mark.parametrize("smooth_idf", [True, False])
def test_idf_equals_scikit_learns(smooth_idf: bool) -> None:
    sk = ScikitTfidfVectorizer(smooth_idf=smooth_idf).fit(DOCS + OTHER)
    ns = SklearnTfidfVectorizer(smooth_idf=smooth_idf).fit(DOCS + OTHER)
    np.testing.assert_allclose(ns.idf_, sk.idf_, rtol=1e-15)


# ------------------------------------------------------------------------- dtype


# (np.float16 is not compared: scikit-learn accepts it without a warning and then fails, as
# scipy.sparse has no float16; newsim gives float64.)
@pytest.mark.parametrize("dtype", [np.int32, np.int64, "float32", np.float32, np.float64])
def test_dtype_warns_and_converts_as_scikit_learn_does(dtype: Any) -> None:
    got = []
    for cls in BOTH:
        vec = cls(dtype=dtype)
        messages: list[str] = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            X = vec.fit_transform(DOCS)
            messages = [str(w.message) for w in caught]
        got.append((messages, X.dtype, vec.idf_.dtype))
    assert got[1] == got[0]


# ------------------------------------------------------------------------- parameter checks


def test_invalid_ngram_range_is_named_in_scikit_learns_words() -> None:
    message = r"Invalid value for ngram_range=\(2, 1\) lower boundary larger than the upper"
    for call in ("fit", "fit_transform"):
        with pytest.raises(ValueError, match=message):
            getattr(SklearnTfidfVectorizer(ngram_range=(2, 1)), call)(DOCS)


@pytest.mark.parametrize(
    "params",
    [
        {"stop_words": ["beer"], "analyzer": "char"},
        {"tokenizer": str.split, "analyzer": "char"},
        {"tokenizer": str.split},
        {"tokenizer": str.split, "token_pattern": None},
        {"preprocessor": str.upper, "analyzer": str.split, "token_pattern": r"\w+"},
        {"ngram_range": (1, 2), "analyzer": str.split},
        {"token_pattern": r"\w+", "analyzer": "char_wb"},
        {"stop_words": "english", "tokenizer": str.split, "analyzer": str.split},
        {},
    ],
)
def test_unused_parameters_warn_as_in_scikit_learn(params: dict[str, Any]) -> None:
    sk = _warnings_of(lambda: ScikitTfidfVectorizer(**params).fit(DOCS))
    ns = _warnings_of(lambda: SklearnTfidfVectorizer(**params).fit(DOCS))
    assert set(ns) == set(sk)  # scikit-learn's fit warns twice, from two places
    assert len(ns) == len(set(ns))
    silent = params in ({}, {"tokenizer": str.split, "token_pattern": None})
    assert bool(ns) is not silent


def test_inconsistent_stop_words_warn_once_per_list() -> None:
    stop = ["you've", "you", "you'll", "AND"]
    message = (
        "Your stop_words may be inconsistent with your preprocessing. Tokenizing the stop words "
        "generated tokens ['and', 'll', 've'] not in stop_words."
    )
    assert _warnings_of(lambda: ScikitTfidfVectorizer(stop_words=stop).fit(DOCS)) == [message]
    vec = SklearnTfidfVectorizer(stop_words=stop)
    assert _warnings_of(lambda: vec.fit_transform(DOCS)) == [message]
    assert _warnings_of(lambda: vec.fit_transform(DOCS)) == []  # once per list
    assert _warnings_of(lambda: vec.transform(DOCS)) == []
    vec.set_params(stop_words=[*stop, "blah"])  # a new list is checked again
    assert _warnings_of(lambda: vec.fit_transform(DOCS)) == [message]
    consistent = SklearnTfidfVectorizer(stop_words=["beer", "the"])
    assert _warnings_of(lambda: consistent.fit(DOCS)) == []


def test_stop_words_and_analysis_builders_equal_scikit_learns() -> None:
    text = "L'été à Zürich: it's the CAFÉ, isn't it?"
    for params in (
        {},
        {"stop_words": "english"},
        {"stop_words": ["a", "b"]},
        {"strip_accents": "unicode", "lowercase": False},
        {"strip_accents": "ascii"},
        {"token_pattern": r"(\w)\w*"},
        {"preprocessor": str.upper, "tokenizer": str.split},
    ):
        sk, ns = ScikitTfidfVectorizer(**params), SklearnTfidfVectorizer(**params)
        assert ns.get_stop_words() == sk.get_stop_words()
        assert ns.build_preprocessor()(text) == sk.build_preprocessor()(text)
        assert ns.build_tokenizer()(text) == sk.build_tokenizer()(text)
    with pytest.raises(ValueError, match="More than 1 capturing group"):
        SklearnTfidfVectorizer(token_pattern=r"(a)(b)").build_tokenizer()


def test_an_analyzer_returning_a_string_counts_its_characters_as_scikit_learn_does() -> None:
    sk = ScikitTfidfVectorizer(analyzer=str.upper)
    ns = SklearnTfidfVectorizer(analyzer=str.upper)
    _same(sk.fit_transform(DOCS), ns.fit_transform(DOCS))
    assert list(ns.get_feature_names_out()) == list(sk.get_feature_names_out())
    with pytest.raises(TypeError, match="expected an iterable of str"):
        newsim.TfidfVectorizer(analyzer=str.upper).fit(DOCS)  # newsim's own class refuses


# ------------------------------------------------------------------------- inverse_transform


@pytest.mark.parametrize("form", ["csr", "csc", "dense", "list"])
def test_inverse_transform_equals_scikit_learns(form: str) -> None:
    sk = ScikitTfidfVectorizer().fit(DOCS)
    ns = SklearnTfidfVectorizer().fit(DOCS)
    X = ns.transform(OTHER).tocsr()
    X.data[0] = 0.0  # an explicitly stored zero is no term of the row
    X = {"csr": X, "csc": X.tocsc(), "dense": X.toarray(), "list": X.toarray().tolist()}[form]
    expected, got = sk.inverse_transform(X), ns.inverse_transform(X)
    assert isinstance(got, list) and len(got) == len(expected)
    for e, g in zip(expected, got):
        assert g.dtype.kind == e.dtype.kind == "U"
        assert g.tolist() == e.tolist()


def test_inverse_transform_of_newsims_own_vectorizer_and_of_a_wrong_shape() -> None:
    vec = newsim.TfidfVectorizer(language="en")
    X = vec.fit_transform(["the cats sat", "a dog sat"])
    assert [t.tolist() for t in vec.inverse_transform(X)] == [["cat", "sat"], ["dog", "sat"]]
    with pytest.raises(ValueError, match="X has 2 columns, but this vectorizer has 3 features"):
        vec.inverse_transform(sp.csr_matrix((1, 2)))


# ------------------------------------------------------------------------- set_output


@pytest.mark.parametrize(
    "cls", [SklearnTfidfVectorizer, newsim.TfidfVectorizer, newsim.HashingVectorizer]
)
def test_no_set_output_as_scikit_learns_vectorizers_have_none(cls: type) -> None:
    assert not hasattr(ScikitTfidfVectorizer(), "set_output")
    assert not hasattr(cls(), "set_output")
