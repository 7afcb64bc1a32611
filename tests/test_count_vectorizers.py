"""SklearnCountVectorizer against scikit-learn's CountVectorizer on the two corpora, the
``max_features`` terms at ties for both drop-ins, and newsim's CountVectorizer.

scikit-learn's own tests (tests/test_sklearn_suite.py) specify the behaviour on small inputs;
these compare whole fits, bit for bit, where the data is large enough for ties and pruning to
matter.
"""

from __future__ import annotations

import collections
import math
import pickle
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer as ScikitCountVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer as ScikitTfidfVectorizer

import newsim
from newsim import CountVectorizer, SklearnCountVectorizer, SklearnTfidfVectorizer


def _same_counts(ours: sp.csr_matrix, theirs: Any) -> None:
    assert ours.dtype == theirs.dtype
    assert ours.shape == theirs.shape
    assert (sp.csr_matrix(ours) != sp.csr_matrix(theirs)).nnz == 0


# ------------------------------------------------------------------ parity on the corpora

PARAMS: list[dict[str, Any]] = [
    {},
    {"binary": True},
    {"min_df": 2, "max_df": 0.5},
    {"ngram_range": (1, 2), "min_df": 3},
    {"max_features": 500},
    {"max_features": 5000},
    {"dtype": np.int32, "stop_words": "english"},
    {"dtype": np.float32, "lowercase": False},
]


@pytest.mark.parametrize("params", PARAMS, ids=[str(p) for p in PARAMS])
@pytest.mark.parametrize("corpus", ["bbc", "gnad"])
def test_counts_equal_scikit_learns(corpus: str, params: dict[str, Any], request: Any) -> None:
    texts = request.getfixturevalue(corpus).texts
    ours = SklearnCountVectorizer(**params)
    theirs = ScikitCountVectorizer(**params)
    X = ours.fit_transform(texts)
    _same_counts(X, theirs.fit_transform(texts))
    assert ours.vocabulary_ == theirs.vocabulary_
    _same_counts(ours.transform(texts[:50]), theirs.transform(texts[:50]))
    assert [t.tolist() for t in ours.inverse_transform(X[:20])] == [
        sorted(t.tolist(), key=theirs.vocabulary_.get) for t in theirs.inverse_transform(X[:20])
    ]


def test_char_ngram_counts_equal_scikit_learns(bbc: Any) -> None:
    params = {"analyzer": "char_wb", "ngram_range": (2, 4), "min_df": 2}
    ours, theirs = SklearnCountVectorizer(**params), ScikitCountVectorizer(**params)
    _same_counts(ours.fit_transform(bbc.texts[:300]), theirs.fit_transform(bbc.texts[:300]))
    assert ours.vocabulary_ == theirs.vocabulary_


# ------------------------------------------------------------------ max_features at ties


def _tied_corpus(n_tied: int = 300, n_top: int = 20) -> list[str]:
    """Documents in which `n_top` terms occur 5 times and `n_tied` terms exactly twice."""
    top = [f"top{i:03d}" for i in range(n_top)]
    tied = [f"tie{(i * 7919) % 1000:03d}x" for i in range(n_tied)]  # not in sorted order
    docs = [" ".join(top) for _ in range(5)]
    docs += [" ".join(tied[i : i + 10]) for i in range(0, n_tied, 10)] * 2
    return docs


def _boundary_ties(vec: Any, docs: list[str], limit: int) -> tuple[int, int]:
    """Return (terms with the boundary count, of them kept) for ``max_features=limit``."""
    counts = np.asarray(ScikitCountVectorizer().fit_transform(docs).sum(axis=0)).ravel()
    boundary = np.sort(counts)[::-1][limit - 1]
    return int((counts == boundary).sum()), int(limit - (counts > boundary).sum())


TIE_CASES: list[tuple[type, type, dict[str, Any]]] = [
    (SklearnCountVectorizer, ScikitCountVectorizer, {}),
    (SklearnCountVectorizer, ScikitCountVectorizer, {"dtype": np.float32}),
    (SklearnCountVectorizer, ScikitCountVectorizer, {"min_df": 2, "max_df": 0.5}),
    (SklearnTfidfVectorizer, ScikitTfidfVectorizer, {}),
    (SklearnTfidfVectorizer, ScikitTfidfVectorizer, {"smooth_idf": False}),
    (SklearnTfidfVectorizer, ScikitTfidfVectorizer, {"dtype": np.float32, "norm": None}),
]


@pytest.mark.parametrize(
    "ours_cls,theirs_cls,params",
    TIE_CASES,
    ids=[f"{c[0].__name__}-{c[2]}" for c in TIE_CASES],
)
@pytest.mark.parametrize("limit", [60, 150, 250])
def test_max_features_keeps_scikit_learns_terms_at_ties(
    ours_cls: type, theirs_cls: type, params: dict[str, Any], limit: int
) -> None:
    docs = _tied_corpus()
    tied, kept = _boundary_ties(ScikitCountVectorizer(), docs, limit)
    assert tied == 300 and 0 < kept < tied  # the cut falls among the tied terms
    ours = ours_cls(max_features=limit, **params)
    theirs = theirs_cls(max_features=limit, **params)
    X, Y = ours.fit_transform(docs), theirs.fit_transform(docs)
    assert ours.vocabulary_ == theirs.vocabulary_
    assert X.dtype == Y.dtype
    np.testing.assert_allclose(X.toarray(), Y.toarray(), rtol=1e-6)
    np.testing.assert_allclose(
        ours.transform(docs[::3]).toarray(), theirs.transform(docs[::3]).toarray(), rtol=1e-6
    )
    assert not ours.fixed_vocabulary_


@pytest.mark.parametrize("limit", [500, 5000])
@pytest.mark.parametrize("smooth_idf", [True, False])
def test_max_features_on_bbc_keeps_scikit_learns_terms(
    bbc: Any, limit: int, smooth_idf: bool
) -> None:
    ours = SklearnTfidfVectorizer(max_features=limit, smooth_idf=smooth_idf)
    theirs = ScikitTfidfVectorizer(max_features=limit, smooth_idf=smooth_idf)
    X, Y = ours.fit_transform(bbc.texts), theirs.fit_transform(bbc.texts)
    assert ours.vocabulary_ == theirs.vocabulary_
    np.testing.assert_allclose(ours.idf_, theirs.idf_, rtol=1e-12)
    np.testing.assert_allclose(X.toarray(), Y.toarray(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("corpus", ["tied", "bbc"])
def test_the_cores_own_choice_is_the_terms_that_sort_first(corpus: str, request: Any) -> None:
    # The drop-ins keep the core's fit when NumPy's choice equals this rule (a stable sort
    # by count over the alphabetical vocabulary); the rule must be the core's.
    docs = _tied_corpus() if corpus == "tied" else request.getfixturevalue("bbc").texts
    everything = ScikitCountVectorizer(min_df=2).fit(docs)
    counts = np.asarray(everything.transform(docs).sum(axis=0)).ravel()
    for limit in (60, 150, 250, 5000):
        first = everything.get_feature_names_out()[np.argsort(-counts, kind="stable")[:limit]]
        core = newsim.TfidfVectorizer(
            language=None,
            token_pattern=r"(?u)\b\w\w+\b",
            ngram_range=(1, 1),
            min_df=2,
            max_features=limit,
            normalize_vocabulary=False,
        ).fit(docs)
        assert set(core.vocabulary_) == set(first)


def test_terms_chosen_at_ties_are_kept_by_save_and_pickle_and_refuse_more_documents(
    tmp_path: Any,
) -> None:
    docs = _tied_corpus()
    theirs = ScikitCountVectorizer(max_features=150).fit(docs)
    everything = ScikitCountVectorizer().fit(docs)
    counts = np.asarray(everything.transform(docs).sum(axis=0)).ravel()
    first = everything.get_feature_names_out()[np.argsort(-counts, kind="stable")[:150]]
    if set(first) == set(theirs.vocabulary_):
        pytest.skip("this machine's argsort kept the terms that sort first: nothing is fixed")
    vec = SklearnCountVectorizer(max_features=150).fit(docs)
    path = tmp_path / "counts.newsim"
    vec.save(path)
    for copy in (pickle.loads(pickle.dumps(vec)), SklearnCountVectorizer.load(path)):
        assert copy.vocabulary_ == theirs.vocabulary_
        assert not copy.fixed_vocabulary_
        _same_counts(copy.transform(docs), theirs.transform(docs))
        with pytest.raises(ValueError, match="max_features=150 terms, which differ from newsim"):
            copy.partial_fit(docs[:3])
        with pytest.raises(ValueError, match="fit again on all the documents"):
            copy.merge(SklearnCountVectorizer(max_features=150).partial_fit(docs[:3]))
    # a new fit starts over, and without max_features nothing is fixed
    vec.set_params(max_features=None).fit(docs)
    vec.partial_fit(["more documents"])
    assert "documents" in vec.vocabulary_


def test_a_stream_with_max_features_is_read_once_into_a_list(bbc: Any) -> None:
    theirs = ScikitCountVectorizer(max_features=300).fit(bbc.texts[:500])
    ours = SklearnCountVectorizer(max_features=300).fit(iter(bbc.texts[:500]))
    assert ours.vocabulary_ == theirs.vocabulary_


# ------------------------------------------------------------------ SklearnCountVectorizer


def test_a_given_vocabulary_counts_without_a_fit_as_in_scikit_learn() -> None:
    vocabulary = {"beer": 0, "pizza": 1, "salad": 2}
    ours, theirs = (
        SklearnCountVectorizer(vocabulary=vocabulary),
        ScikitCountVectorizer(vocabulary=vocabulary),
    )
    docs = ["pizza beer beer", "salad"]
    _same_counts(ours.transform(docs), theirs.transform(docs))
    assert ours.get_feature_names_out().tolist() == theirs.get_feature_names_out().tolist()
    assert ours.fixed_vocabulary_
    with pytest.raises(NotFittedError, match="the corpus statistics need one"):
        _ = ours.n_documents_
    with pytest.raises(NotFittedError, match="not fitted"):
        SklearnCountVectorizer().transform(docs)


def test_a_set_vocabulary_is_sorted_as_in_scikit_learn() -> None:
    vocabulary = {"salad", "beer", "pizza", "coke"}
    ours = SklearnCountVectorizer(vocabulary=vocabulary).fit(["pizza"])
    theirs = ScikitCountVectorizer(vocabulary=vocabulary).fit(["pizza"])
    assert ours.get_feature_names_out().tolist() == ["beer", "coke", "pizza", "salad"]
    assert ours.vocabulary_ == theirs.vocabulary_


def test_count_vectorizers_have_no_idf() -> None:
    for vec in (SklearnCountVectorizer().fit(["a cat"]), CountVectorizer().fit(["a cat"])):
        assert not hasattr(vec, "idf_")
        with pytest.raises(AttributeError, match="has no idf_: its values are counts"):
            vec.idf_ = np.ones(1)


def test_a_dtype_numpy_does_not_know_is_named() -> None:
    for cls in (SklearnCountVectorizer, CountVectorizer):
        with pytest.raises(TypeError, match=r"dtype must be a NumPy type .* got 'counts'"):
            cls(dtype="counts").fit(["the cat sat"])


def test_a_nan_document_is_scikit_learns_value_error_with_the_fix() -> None:
    for vec in (
        SklearnCountVectorizer(),
        SklearnTfidfVectorizer(),
        newsim.HashingVectorizer(),
        SklearnCountVectorizer(tokenizer=str.split, token_pattern=None),
    ):
        with pytest.raises(ValueError, match=r"np\.nan is an invalid document") as info:
            vec.fit_transform(["hello world", math.nan])
        assert isinstance(info.value, TypeError)  # what newsim raises for a non-str document
        assert "documents[1]" in str(info.value) and "fillna('')" in str(info.value)


def test_a_callable_strip_accents_runs_scikit_learns_analysis() -> None:
    def strip_e(text: str) -> str:
        return text.replace("é", "e")

    docs = ["Le café est prêt", "un thé"]
    ours = SklearnCountVectorizer(strip_accents=strip_e)
    theirs = ScikitCountVectorizer(strip_accents=strip_e)
    _same_counts(ours.fit_transform(docs), theirs.fit_transform(docs))
    assert ours.vocabulary_ == theirs.vocabulary_
    with pytest.raises(ValueError, match="a callable strip_accents is supported together"):
        newsim.TfidfVectorizer(strip_accents=strip_e).fit(docs)  # newsim's analysis: refused


def test_the_analyzer_decodes_and_pickles_as_scikit_learns(tmp_path: Any) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes("Ein Café, ein Tee".encode("latin-1"))
    params = {"input": "filename", "encoding": "latin-1", "ngram_range": (1, 2)}
    ours = SklearnCountVectorizer(**params).build_analyzer()
    theirs = ScikitCountVectorizer(**params).build_analyzer()
    assert ours(str(path)) == theirs(str(path))
    assert pickle.loads(pickle.dumps(ours))(str(path)) == theirs(str(path))


def test_hashing_without_idf_fits_without_reading_the_documents() -> None:
    vec = newsim.HashingVectorizer(n_features=16)
    assert vec.fit([{"not": "text"}]) is vec  # scikit-learn's fit reads nothing either
    assert not vec.__sklearn_tags__().requires_fit
    assert newsim.HashingVectorizer(use_idf=True).__sklearn_tags__().requires_fit
    with pytest.raises(TypeError, match=r"documents\[0\] is dict"):
        vec.transform([{"not": "text"}])


# ------------------------------------------------------------------ newsim's CountVectorizer


@pytest.mark.parametrize(
    "params", [{}, {"language": "de", "binary": True, "min_df": 2}, {"max_features": 2000}]
)
def test_counts_are_those_of_the_tfidf_vectorizers_analysis(gnad: Any, params: Any) -> None:
    texts = gnad.texts[:400]
    vec = CountVectorizer(**params)
    X = vec.fit_transform(texts)
    tfidf = newsim.TfidfVectorizer(**params).fit(texts)
    assert X.dtype == np.int64
    assert vec.vocabulary_ == tfidf.vocabulary_ and vec.language_ == "de"
    assert (X.indices == tfidf.transform(texts).indices).all()  # the same entries
    analyze = vec.build_analyzer()
    for i in (0, 7, 123):
        counted = collections.Counter(t for t in analyze(texts[i]) if t in vec.vocabulary_)
        expected = {t: (1 if vec.binary else n) for t, n in counted.items()}
        row = X[i]
        got = {vec.get_feature_names_out()[j]: int(v) for j, v in zip(row.indices, row.data)}
        assert got == expected


def test_counts_feed_a_topic_model(gnad: Any) -> None:
    from sklearn.decomposition import LatentDirichletAllocation

    vec = CountVectorizer(min_df=3, max_df=0.5)
    X = vec.fit_transform(gnad.texts[:300])
    lda = LatentDirichletAllocation(n_components=5, max_iter=5, random_state=0).fit(X)
    assert lda.components_.shape == (5, len(vec.vocabulary_))
    top = vec.get_feature_names_out()[lda.components_[0].argsort()[::-1][:10]]
    assert len(set(top)) == 10 and all(isinstance(t, str) for t in top)


def test_count_vectorizer_refuses_a_table() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"id": [1, 2], "text": ["Ein Haus", "Noch ein Haus"]})
    with pytest.raises(TypeError, match=r"pass its column of texts, e\.g\. df\['text'\]"):
        CountVectorizer().fit_transform(df)
    assert CountVectorizer(language="de").fit_transform(df["text"]).sum() == 2


def test_count_vectorizer_saves_and_loads(tmp_path: Any, gnad: Any) -> None:
    vec = CountVectorizer(dtype=np.int32).fit(gnad.texts[:100])
    vec.save(tmp_path / "c.newsim")
    loaded = newsim.TfidfVectorizer.load(tmp_path / "c.newsim")
    assert type(loaded) is CountVectorizer and loaded.dtype is np.int32
    _same_counts(loaded.transform(gnad.texts[:20]), vec.transform(gnad.texts[:20]))


# ------------------------------------------------------------------ analyzers pickle


def test_every_vectorizers_analyzer_pickles_and_analyzes_the_same(gnad: Any) -> None:
    texts = gnad.texts[:200]
    for vec in (
        newsim.TfidfVectorizer().fit(texts),  # German, word pairs, compounds split
        CountVectorizer(language="de"),
        SklearnTfidfVectorizer(ngram_range=(1, 2)).fit(texts),
        newsim.HashingVectorizer(),
    ):
        analyze = vec.build_analyzer()
        copy = pickle.loads(pickle.dumps(analyze))
        for text in texts[:5]:
            assert copy(text) == analyze(text) != []
