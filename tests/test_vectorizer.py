"""newsim mode: ``TfidfVectorizer``'s analysis, output format and scikit-learn estimator API."""

from __future__ import annotations

import pathlib
from collections import Counter
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

import newsim
from newsim import TfidfVectorizer
from newsim.datasets import Corpus

# ----------------------------------------------------------------------------- helpers


def analyze(text: str, **params: Any) -> list[str]:
    """The unigram terms of ``text`` (the default ngram_range='auto' would add word pairs)."""
    params.setdefault("ngram_range", (1, 1))
    return list(TfidfVectorizer(**params).build_analyzer()(text))


def assert_canonical_csr(X: Any, dtype: Any = np.float32) -> None:
    """CSR as scipy wants it: sorted int32 indices, the requested dtype, finite values."""
    assert type(X) is sp.csr_matrix
    assert X.dtype == np.dtype(dtype)
    assert X.indices.dtype == np.int32
    assert X.indptr.dtype == np.int32
    assert X.has_sorted_indices
    for i in range(X.shape[0]):  # has_sorted_indices is a flag: check the data too
        row = X.indices[X.indptr[i] : X.indptr[i + 1]]
        assert np.all(np.diff(row) > 0), f"row {i} has unsorted or duplicate indices"
    assert np.isfinite(X.data).all()
    assert X.indptr[0] == 0
    assert X.indptr[-1] == X.nnz == len(X.indices) == len(X.data)


def owner(array: np.ndarray) -> object:
    """The object at the end of an array's chain of bases."""
    base: object = array
    while isinstance(base, np.ndarray):
        base = base.base
    return base


@pytest.fixture(scope="module")
def bbc_small(bbc: Corpus) -> tuple[list[str], list[str]]:
    """A small labelled subset of BBC: the first 40 articles of each category."""
    assert bbc.labels is not None
    seen: Counter[str] = Counter()
    texts, labels = [], []
    for text, label in zip(bbc.texts, bbc.labels):
        if seen[label] < 40:
            seen[label] += 1
            texts.append(text)
            labels.append(label)
    return texts, labels


# ----------------------------------------------------------------------------- analysis


def test_case_folding_makes_one_term() -> None:
    vec = TfidfVectorizer(language=None)
    X = vec.fit_transform(["Straße", "STRASSE", "strasse"])
    assert list(vec.get_feature_names_out()) == ["strasse"]
    np.testing.assert_array_equal(X.toarray(), np.ones((3, 1), dtype=np.float32))


FULLWIDTH_ABC = "\uff21\uff22\uff23"  # full-width A, B, C


def test_nfkc_normalization() -> None:
    assert analyze(f"ﬁnden {FULLWIDTH_ABC} ﬂach", language=None) == ["finden", "abc", "flach"]
    vec = TfidfVectorizer(language=None).fit([f"ﬁsch {FULLWIDTH_ABC}", "fisch ABC"])
    assert list(vec.get_feature_names_out()) == ["abc", "fisch", "fisch abc"]


@pytest.mark.parametrize(
    ("compounds", "expected"),
    [
        ("split", ["ki", "infrastruktur", "initiative"]),
        ("whole", ["ki-infrastruktur-initiative"]),
        ("both", ["ki", "infrastruktur", "initiative", "ki-infrastruktur-initiative"]),
    ],
)
def test_compounds(compounds: str, expected: list[str]) -> None:
    assert analyze("KI-Infrastruktur-Initiative", language=None, compounds=compounds) == expected


def test_compounds_default_is_split() -> None:
    assert TfidfVectorizer().compounds == "split"


def test_german_stems_and_drops_stop_words() -> None:
    terms = analyze("Die Häuser wurden von den Kindern und der Straße gebaut", language="de")
    assert {"haus", "kind", "strass"} <= set(terms)
    stop = set(newsim.stop_word_list("german"))
    assert not (set(terms) & stop)
    for word in ("die", "von", "den", "und", "der"):
        assert word not in terms
    assert "häuser" not in terms and "kindern" not in terms


def test_english_stems_and_drops_stop_words() -> None:
    terms = analyze("The running dogs were quickly jumping over the houses", language="en")
    assert terms == ["run", "dog", "quick", "jump", "hous"]


def test_language_none_keeps_stop_words_and_does_not_stem() -> None:
    terms = analyze("The running dogs were jumping over the houses", language=None)
    assert terms == ["the", "running", "dogs", "were", "jumping", "over", "the", "houses"]


def test_explicit_stemmer_without_language() -> None:
    terms = analyze("Die Häuser von den Kindern", language=None, stemmer="german")
    assert terms == ["die", "haus", "von", "den", "kind"]  # stemmed, stop words kept


def test_stemmer_none_with_language_drops_stop_words_only() -> None:
    terms = analyze("Die Häuser von den Kindern", language="de", stemmer=None)
    assert terms == ["häuser", "kindern"]


@pytest.mark.parametrize(
    ("min_token_len", "expected"),
    [
        (1, ["a", "ab", "abc", "abcd", "abcde"]),
        (2, ["ab", "abc", "abcd", "abcde"]),
        (4, ["abcd", "abcde"]),
    ],
)
def test_min_token_len(min_token_len: int, expected: list[str]) -> None:
    assert analyze("a ab abc abcd abcde", language=None, min_token_len=min_token_len) == expected


@pytest.mark.slow
def test_language_auto_detects_german(gnad: Corpus) -> None:
    vec = TfidfVectorizer().fit(gnad.texts)
    assert vec.language_ == "de"
    names = set(vec.get_feature_names_out())
    assert "die" not in names and "und" not in names


@pytest.mark.slow
def test_language_auto_detects_english(bbc: Corpus) -> None:
    vec = TfidfVectorizer().fit(bbc.texts)
    assert vec.language_ == "en"
    names = set(vec.get_feature_names_out())
    assert "the" not in names and "and" not in names


def test_language_none_keeps_stop_words_in_vocabulary(gnad: Corpus) -> None:
    vec = TfidfVectorizer(language=None).fit(gnad.texts[:50])
    assert vec.language_ is None
    names = set(vec.get_feature_names_out())
    assert {"die", "und", "der"} <= names


# ----------------------------------------------------------------------------- weighting


def test_bm25_rows_are_l2_normalized_and_finite(bbc: Corpus) -> None:
    docs = [*bbc.texts[:300], ""]
    X = TfidfVectorizer(weighting="bm25").fit_transform(docs)
    assert_canonical_csr(X)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1), dtype=np.float64).ravel())
    np.testing.assert_allclose(norms[:-1], 1.0, rtol=1e-5)
    assert norms[-1] == 0.0
    assert (X.data > 0).all()


def test_bm25_differs_from_tfidf(bbc: Corpus) -> None:
    docs = bbc.texts[:100]
    A = TfidfVectorizer(weighting="bm25").fit_transform(docs)
    B = TfidfVectorizer().fit_transform(docs)
    assert A.shape == B.shape
    assert abs(A - B).max() > 1e-3


@pytest.mark.parametrize("delta", [1.0, 0.5])
def test_bm25_plus_is_lv_and_zhai_formula(bbc: Corpus, delta: float) -> None:
    """BM25+ against a NumPy reference from the analyzer's own counts (bm25s's "bm25+")."""
    docs = [*bbc.texts[:80], ""]
    params = dict(language="en", ngram_range=(1, 1), norm=None, dtype=np.float64)
    vec = TfidfVectorizer(weighting="bm25+", delta=delta, k1=1.5, b=0.7, **params)
    X = vec.fit_transform(docs)
    analyze = vec.build_analyzer()
    vocabulary = vec.vocabulary_
    counts = np.zeros(X.shape)
    for i, doc in enumerate(docs):
        for term in analyze(doc):
            counts[i, vocabulary[term]] += 1
    n = len(docs)
    df = (counts > 0).sum(axis=0)
    idf = np.log((n + 1) / df)
    lengths = counts.sum(axis=1)
    norm = 1 - 0.7 + 0.7 * lengths / lengths.mean()
    tf = counts * 2.5 / (counts + 1.5 * norm[:, None])
    want = np.where(counts > 0, (tf + delta) * idf, 0.0)
    np.testing.assert_allclose(vec.idf_, idf, rtol=1e-12)
    np.testing.assert_allclose(X.toarray(), want, rtol=1e-9, atol=0)
    # The same entries as BM25 (its idf and the added delta give other values).
    bm25 = TfidfVectorizer(weighting="bm25", k1=1.5, b=0.7, **params).fit_transform(docs)
    assert (X != 0).sum() == (bm25 != 0).sum()
    assert delta > 0 and abs(X - bm25).max() > 0


def test_bm25_plus_saves_without_a_new_format_version(tmp_path: pathlib.Path) -> None:
    docs = ["ein Haus am See", "zwei Häuser am See", "ein Boot"]
    vec = TfidfVectorizer(weighting="bm25+", delta=0.25).fit(docs)
    vec.save(tmp_path / "m.newsim")
    loaded = TfidfVectorizer.load(tmp_path / "m.newsim")
    assert loaded.delta == 0.25 and loaded.weighting == "bm25+"
    assert (loaded.transform(docs) != vec.transform(docs)).nnz == 0
    assert (tmp_path / "m.newsim").read_bytes()[8] == 4  # the format version before BM25+


def test_bm25_plus_delta_is_checked_by_the_core() -> None:
    with pytest.raises(ValueError, match=r"delta must be >= 0, got -1\.0\."):
        TfidfVectorizer(weighting="bm25+", delta=-1.0).fit(["a b", "b c"])


# ----------------------------------------------------------------------------- output format


def test_output_is_canonical_csr_float32_by_default(gnad: Corpus) -> None:
    vec = TfidfVectorizer()
    X = vec.fit_transform(gnad.texts[:200])
    assert_canonical_csr(X, np.float32)
    assert X.shape == (200, len(vec.get_feature_names_out()))
    assert_canonical_csr(vec.transform(gnad.texts[200:300]), np.float32)


def test_output_float64_when_asked(gnad: Corpus) -> None:
    vec = TfidfVectorizer(dtype=np.float64)
    X = vec.fit_transform(gnad.texts[:200])
    assert_canonical_csr(X, np.float64)
    assert_canonical_csr(vec.transform(gnad.texts[200:300]), np.float64)
    X32 = TfidfVectorizer().fit_transform(gnad.texts[:200])
    assert abs(X - X32.astype(np.float64)).max() < 1e-6


def test_output_arrays_are_not_copied(gnad: Corpus) -> None:
    """The arrays scipy holds are the ones the core handed out (capsule-owned), not copies."""
    vec = TfidfVectorizer()
    for X in (vec.fit_transform(gnad.texts[:50]), vec.transform(gnad.texts[50:60])):
        for array in (X.data, X.indices, X.indptr):
            assert not array.flags.owndata
            assert type(owner(array)).__name__ == "PyCapsule"


@pytest.mark.slow
def test_n_jobs_gives_identical_matrix(gnad: Corpus) -> None:
    one = TfidfVectorizer(n_jobs=1)
    two = TfidfVectorizer(n_jobs=2)
    A = one.fit_transform(gnad.texts)
    B = two.fit_transform(gnad.texts)
    assert list(one.get_feature_names_out()) == list(two.get_feature_names_out())
    np.testing.assert_array_equal(one.idf_, two.idf_)
    for a, b in ((A.indptr, B.indptr), (A.indices, B.indices), (A.data, B.data)):
        np.testing.assert_array_equal(a, b)
    T1 = one.transform(gnad.texts[:300])
    T2 = two.transform(gnad.texts[:300])
    for a, b in ((T1.indptr, T2.indptr), (T1.indices, T2.indices), (T1.data, T2.data)):
        np.testing.assert_array_equal(a, b)


def test_empty_documents_give_zero_rows() -> None:
    docs = ["Ein Haus am See", "", "   ", "Das Haus", "!!! ...", "\n"]
    vec = TfidfVectorizer(language="de")
    X = vec.fit_transform(docs)
    assert X.shape[0] == len(docs)
    assert_canonical_csr(X)
    row_nnz = np.diff(X.indptr)
    assert row_nnz.tolist() == [2, 0, 0, 1, 0, 0]
    assert np.isfinite(X.toarray()).all()
    T = vec.transform(["", "unbekannt", "Haus"])
    assert T.shape == (3, X.shape[1])
    assert np.diff(T.indptr).tolist() == [0, 0, 1]
    assert np.isfinite(T.data).all()


# ----------------------------------------------------------------------------- estimator API


def test_fit_returns_self() -> None:
    vec = TfidfVectorizer()
    assert vec.fit(["ein Haus", "zwei Häuser"]) is vec


def test_get_params_set_params_round_trip() -> None:
    vec = TfidfVectorizer(min_df=2, ngram_range=(1, 2), language="de")
    params = vec.get_params()
    assert params["min_df"] == 2
    assert params["ngram_range"] == (1, 2)
    assert params["language"] == "de"
    other = TfidfVectorizer().set_params(**params)
    assert other.get_params() == params
    assert vec.set_params(sublinear_tf=False) is vec
    assert vec.get_params()["sublinear_tf"] is False
    with pytest.raises(ValueError, match="Invalid parameter"):
        vec.set_params(no_such_parameter=1)


def test_defaults_are_documented_values() -> None:
    params = TfidfVectorizer().get_params()
    assert params["sublinear_tf"] is True
    assert params["dtype"] is np.float32
    assert params["language"] == "auto"
    assert params["stop_words"] == "auto"
    assert params["norm"] == "l2"
    sk = newsim.SklearnTfidfVectorizer().get_params()
    assert sk["sublinear_tf"] is False
    assert sk["dtype"] is np.float64
    assert sk["token_pattern"] == r"(?u)\b\w\w+\b"


def test_clone(bbc_small: tuple[list[str], list[str]]) -> None:
    texts, _ = bbc_small
    vec = TfidfVectorizer(min_df=2, sublinear_tf=False).fit(texts)
    copy = clone(vec)
    assert copy is not vec
    assert copy.get_params() == vec.get_params()
    assert not copy.__sklearn_is_fitted__()
    X = copy.fit_transform(texts)
    assert abs(X - vec.transform(texts)).max() == 0


def test_refit_replaces_vocabulary(gnad: Corpus, bbc: Corpus) -> None:
    vec = TfidfVectorizer(language=None)
    vec.fit(gnad.texts[:50])
    german = set(vec.get_feature_names_out())
    vec.fit(bbc.texts[:50])
    english = list(vec.get_feature_names_out())
    assert set(english) != german
    assert vec.vocabulary_ == {t: i for i, t in enumerate(english)}
    X = vec.transform(bbc.texts[:50])
    assert X.shape == (50, len(english))


def test_refit_with_auto_language_redetects(gnad: Corpus, bbc: Corpus) -> None:
    vec = TfidfVectorizer()
    assert vec.fit(gnad.texts[:100]).language_ == "de"
    assert vec.fit(bbc.texts[:100]).language_ == "en"


def test_pipeline(bbc_small: tuple[list[str], list[str]]) -> None:
    texts, labels = bbc_small
    pipe = Pipeline([("tfidf", TfidfVectorizer()), ("clf", LogisticRegression(max_iter=200))])
    pipe.fit(texts[::2], labels[::2])
    accuracy = pipe.score(texts[1::2], labels[1::2])
    assert accuracy > 0.8


def test_grid_search(bbc_small: tuple[list[str], list[str]]) -> None:
    texts, labels = bbc_small
    pipe = Pipeline([("tfidf", TfidfVectorizer()), ("clf", LogisticRegression(max_iter=200))])
    grid = GridSearchCV(
        pipe,
        {"tfidf__sublinear_tf": [True, False], "tfidf__min_df": [1, 2]},
        cv=2,
    )
    grid.fit(texts, labels)
    assert set(grid.best_params_) == {"tfidf__sublinear_tf", "tfidf__min_df"}
    assert len(grid.cv_results_["params"]) == 4
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()
    best = grid.best_estimator_.named_steps["tfidf"]
    assert best.min_df == grid.best_params_["tfidf__min_df"]
    assert best.__sklearn_is_fitted__()
    assert grid.score(texts, labels) > 0.8


def test_feature_names_are_sorted_str_objects(bbc: Corpus) -> None:
    vec = TfidfVectorizer().fit(bbc.texts[:200])
    names = vec.get_feature_names_out()
    assert isinstance(names, np.ndarray)
    assert names.dtype == object
    assert all(type(t) is str for t in names)
    assert list(names) == sorted(names)
    assert len(set(names)) == len(names)


def test_vocabulary_matches_feature_names(gnad: Corpus) -> None:
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2)
    X = vec.fit_transform(gnad.texts[:100])
    names = vec.get_feature_names_out()
    vocab = vec.vocabulary_
    assert len(vocab) == len(names) == X.shape[1]
    assert all(names[col] == term for term, col in vocab.items())
    assert vec.idf_.shape == (len(names),)
    # The column of a term holds that term's weight.
    doc = "Die Regierung in Wien"
    terms = set(vec.build_analyzer()(doc)) & set(vocab)
    row = vec.transform([doc])
    assert set(row.indices.tolist()) == {vocab[t] for t in terms}


@pytest.mark.parametrize("kind", ["dict", "list"])
def test_fixed_vocabulary(kind: str) -> None:
    terms = ["see", "haus", "zebra", "garten"]
    vocabulary: Any = {t: i for i, t in enumerate(terms)} if kind == "dict" else list(terms)
    docs = ["Ein Haus am See", "Der Garten am Haus", "nichts davon"]
    vec = TfidfVectorizer(language=None, vocabulary=vocabulary)
    X = vec.fit_transform(docs)
    assert list(vec.get_feature_names_out()) == terms
    assert vec.vocabulary_ == {t: i for i, t in enumerate(terms)}
    assert vec.fixed_vocabulary_ is True
    assert X.shape == (3, 4)
    dense = X.toarray()
    assert (dense[0] > 0).tolist() == [True, True, False, False]
    assert (dense[1] > 0).tolist() == [False, True, False, True]
    assert (dense[2] == 0).all()
    assert_canonical_csr(X)


def test_fixed_vocabulary_dict_order_follows_indices() -> None:
    vec = TfidfVectorizer(language=None, min_token_len=1, vocabulary={"b": 1, "a": 2, "c": 0})
    vec.fit(["a b c", "c"])
    assert list(vec.get_feature_names_out()) == ["c", "b", "a"]


@pytest.mark.parametrize("token", ["a", "ä", "ß"])
def test_a_ten_megabyte_token_is_one_term_in_linear_time(token):
    # Snowball's quadratic replacements must not run on a word of millions of characters.
    doc = token * (10_000_000 // len(token.encode()))
    X = newsim.TfidfVectorizer(language="de").fit_transform([doc, "kurz"])
    assert X.shape[0] == 2
    assert X[0].nnz == 1
    assert np.isfinite(X.data).all()


def test_a_hashing_vectorizer_offers_only_what_it_can_do() -> None:
    # scikit-learn's HashingVectorizer has no get_feature_names_out; newsim's offered it and
    # keywords/explain/vocabulary_ only to raise, and its index() failed on the missing names.
    vec = newsim.HashingVectorizer(n_features=64)
    assert [hasattr(vec, m) for m in ("vocabulary_", "get_feature_names_out")] == [False, False]
    assert [hasattr(vec, m) for m in ("keywords", "explain")] == [False, False]
    with pytest.raises(AttributeError, match="a HashingVectorizer has no vocabulary"):
        _ = vec.vocabulary_
    index = vec.index(["aa bb", "cc dd", "aa cc"])
    assert index.top_k(1).ids.tolist() == [[2], [2], [0]]
    assert index.feature_names_ is None
    with pytest.raises(AttributeError, match="object has no attribute 'nonsense'"):
        _ = vec.nonsense  # type: ignore[attr-defined]


def test_scikit_learn_drop_ins_take_a_dataframe_as_scikit_learn_does() -> None:
    import pandas as pd

    df = pd.DataFrame({"id": [1, 2], "text": ["a b", "c d"]})
    # scikit-learn iterates a DataFrame: its column names are the documents. The drop-in does
    # the same; newsim's own TfidfVectorizer refuses it (tests/test_bad_input_table.py).
    assert newsim.SklearnTfidfVectorizer().fit(df).get_feature_names_out().tolist() == [
        "id",
        "text",
    ]
