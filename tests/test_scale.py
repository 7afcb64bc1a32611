"""Streaming fit, partial_fit and the exact merge of corpus statistics (issue: scale out)."""

from __future__ import annotations

import pickle
from collections.abc import Iterator

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError

import newsim
from newsim import _input, _vectorizer
from newsim._vectorizer import HashingVectorizer
from newsim.datasets import Corpus


@pytest.fixture(scope="module")
def gnad_texts(gnad: Corpus) -> list[str]:
    return list(gnad.texts)


@pytest.fixture(scope="module")
def bbc_texts(bbc: Corpus) -> list[str]:
    return list(bbc.texts)


SETTINGS = [
    {},
    {"min_df": 2},
    {"min_df": 3, "max_df": 0.5},
    {"max_df": 40},
    {"max_features": 500},
    {"min_df": 0.01, "max_df": 0.9, "max_features": 2000},
    {"ngram_range": (1, 2), "min_df": 2},
]


def assert_same_fit(a: newsim.TfidfVectorizer, b: newsim.TfidfVectorizer, docs: list[str]) -> None:
    assert a.vocabulary_ == b.vocabulary_
    np.testing.assert_array_equal(a.idf_, b.idf_)
    np.testing.assert_array_equal(a.df_, b.df_)
    assert a.n_documents_ == b.n_documents_
    Xa, Xb = a.transform(docs), b.transform(docs)
    assert Xa.shape == Xb.shape
    assert (Xa != Xb).nnz == 0


def parts(docs: list[str], n: int) -> list[list[str]]:
    """Uneven consecutive parts."""
    cuts = sorted({len(docs) * k * k // (n * n) for k in range(1, n)})
    bounds = [0, *cuts, len(docs)]
    return [docs[b:e] for b, e in zip(bounds, bounds[1:])]


@pytest.mark.parametrize(
    "params", SETTINGS, ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()) or "defaults"
)
@pytest.mark.parametrize("corpus", ["gnad", "bbc"])
def test_chunked_and_merged_fits_equal_one_fit(
    corpus: str, params: dict, gnad_texts: list[str], bbc_texts: list[str]
) -> None:
    docs = gnad_texts if corpus == "gnad" else bbc_texts
    language = "de" if corpus == "gnad" else "en"
    one = newsim.TfidfVectorizer(language=language, **params).fit(docs)

    streamed = newsim.TfidfVectorizer(language=language, **params)
    for part in parts(docs, 4):
        streamed.partial_fit(part)
    assert_same_fit(streamed, one, docs)

    fitted = [newsim.TfidfVectorizer(language=language, **params).fit(p) for p in parts(docs, 5)]
    left = fitted[0]
    for f in fitted[1:]:
        left = left.merge(f)
    right = fitted[-1]
    for f in reversed(fitted[:-1]):
        right = f.merge(right)
    tree = fitted[0].merge(fitted[1]).merge(fitted[2].merge(fitted[3].merge(fitted[4])))
    for merged in (left, right, tree):
        assert_same_fit(merged, one, docs)


@pytest.mark.parametrize("params", [{}, {"min_df": 2, "max_df": 0.5}, {"max_features": 300}])
def test_sklearn_mode_merge_equals_one_fit_and_sklearn(params: dict, bbc_texts: list[str]) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer as Reference

    if "max_features" in params:
        # A fit keeps scikit-learn's terms at ties (NumPy's sort, docs/max-features-ties.md);
        # partial_fit and merge keep the terms that sort first, and equal one partial_fit.
        a = newsim.SklearnTfidfVectorizer(**params).partial_fit(bbc_texts[:700])
        b = newsim.SklearnTfidfVectorizer(**params).partial_fit(bbc_texts[700:1500])
        c = newsim.SklearnTfidfVectorizer(**params).partial_fit(bbc_texts[1500:])
        one = newsim.SklearnTfidfVectorizer(**params).partial_fit(bbc_texts)
        assert_same_fit(c.merge(a.merge(b)), one, bbc_texts)
        return
    a = newsim.SklearnTfidfVectorizer(**params).fit(bbc_texts[:700])
    b = newsim.SklearnTfidfVectorizer(**params).partial_fit(bbc_texts[700:1500])
    c = newsim.SklearnTfidfVectorizer(**params).fit(iter(bbc_texts[1500:]))
    merged = c.merge(a.merge(b))
    assert_same_fit(merged, newsim.SklearnTfidfVectorizer(**params).fit(bbc_texts), bbc_texts)
    one = Reference(**params).fit(bbc_texts)
    assert merged.vocabulary_ == one.vocabulary_
    np.testing.assert_allclose(merged.idf_, one.idf_, rtol=1e-12)
    diff = merged.transform(bbc_texts) - one.transform(bbc_texts)
    assert abs(diff).max() < 1e-12


def test_generator_fit_streams_in_chunks_and_equals_list_fit(
    gnad_texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    original = _vectorizer._chunks

    def spy(iterator: Iterator[str]) -> Iterator[list[str]]:
        for chunk in original(iterator):
            calls.append(len(chunk))
            yield chunk

    monkeypatch.setattr(_input, "_CHUNK_DOCUMENTS", 300)
    monkeypatch.setattr(_vectorizer, "_chunks", spy)
    one = newsim.TfidfVectorizer(min_df=2).fit(gnad_texts)
    streamed = newsim.TfidfVectorizer(min_df=2).fit(d for d in gnad_texts)
    assert calls == [300, 300, 300, len(gnad_texts) - 900]
    assert streamed.language_ == one.language_ == "de"
    assert_same_fit(streamed, one, gnad_texts)


def test_chunks_are_bounded_by_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_input, "_CHUNK_CHARS", 100)
    sizes = [len(c) for c in _input._chunks(iter(["x" * 40] * 7))]
    assert sizes == [3, 3, 1]


def test_stream_errors_name_the_position_in_the_whole_stream(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_input, "_CHUNK_DOCUMENTS", 10)
    docs: list[object] = ["Ein Artikel über Chips."] * 25
    docs[23] = None
    with pytest.raises(TypeError, match=r"documents\[23\] is None, expected str"):
        newsim.TfidfVectorizer(language="de").fit(iter(docs))
    docs[23] = "Ein Satz mit \ud800 Surrogat"
    with pytest.raises(ValueError, match=r"document 23 .*surrogate"):
        newsim.TfidfVectorizer(language="de").fit(iter(docs))
    with pytest.raises(ValueError, match="empty corpus"):
        newsim.TfidfVectorizer().fit(iter([]))


def test_partial_fit_is_usable_after_each_batch_and_refit_starts_over(
    gnad_texts: list[str],
) -> None:
    vec = newsim.TfidfVectorizer(language="de")
    vec.partial_fit(gnad_texts[:100])
    assert vec.n_documents_ == 100
    X = vec.transform(gnad_texts[:3])
    assert X.shape == (3, len(vec.vocabulary_))
    vec.partial_fit(gnad_texts[100:300])
    assert vec.n_documents_ == 300
    assert_same_fit(
        vec, newsim.TfidfVectorizer(language="de").fit(gnad_texts[:300]), gnad_texts[:5]
    )
    vec.fit(gnad_texts[:50])
    assert vec.n_documents_ == 50
    assert vec.partial_fit([]).n_documents_ == 50


def test_partial_state_pickles_with_its_statistics(bbc_texts: list[str]) -> None:
    a = newsim.TfidfVectorizer(language="en", min_df=2).partial_fit(bbc_texts[:1000])
    b = newsim.TfidfVectorizer(language="en", min_df=2).partial_fit(bbc_texts[1000:])
    merged = pickle.loads(pickle.dumps(a)).merge(pickle.loads(pickle.dumps(b)))
    blob = pickle.dumps(merged)  # merged but not finalized yet: statistics travel
    again = pickle.loads(blob)
    assert_same_fit(
        again, newsim.TfidfVectorizer(language="en", min_df=2).fit(bbc_texts), bbc_texts
    )


def test_merge_rejects_different_options_naming_them(bbc_texts: list[str]) -> None:
    a = newsim.TfidfVectorizer(language="en").fit(bbc_texts[:50])
    with pytest.raises(ValueError, match=r"parameter 'min_df' differs \(1 vs 2\)"):
        a.merge(newsim.TfidfVectorizer(language="en", min_df=2).fit(bbc_texts[50:100]))
    with pytest.raises(ValueError, match=r"parameter 'stemmer' differs"):
        a.merge(newsim.TfidfVectorizer(language="en", stemmer=None).fit(bbc_texts[50:100]))
    auto = newsim.TfidfVectorizer().fit(bbc_texts[:50])  # resolves to English
    german = newsim.TfidfVectorizer().fit(["Die Regierung investiert in die Chipindustrie."] * 3)
    with pytest.raises(ValueError, match=r"'language' resolved differently \('en' vs 'de'\)"):
        auto.merge(german)
    with pytest.raises(NotFittedError, match="has seen no documents"):
        a.merge(newsim.TfidfVectorizer(language="en"))
    with pytest.raises(TypeError, match="can only merge a TfidfVectorizer with another"):
        a.merge(newsim.SklearnTfidfVectorizer().fit(bbc_texts[:50]))  # type: ignore[arg-type]
    # n_jobs and progress are run-time settings, not part of the model
    merged = a.merge(
        newsim.TfidfVectorizer(language="en", n_jobs=2, progress=False).fit(bbc_texts[50:100])
    )
    assert merged.n_documents_ == 100


def test_merged_model_saves_and_loads(tmp_path, bbc_texts: list[str]) -> None:
    a = newsim.TfidfVectorizer(language="en", max_features=100).fit(bbc_texts[:500])
    b = newsim.TfidfVectorizer(language="en", max_features=100).fit(bbc_texts[500:])
    merged = a.merge(b)
    path = tmp_path / "merged.newsim"
    merged.save(path)
    loaded = newsim.TfidfVectorizer.load(path)
    assert_same_fit(
        loaded,
        newsim.TfidfVectorizer(language="en", max_features=100).fit(bbc_texts),
        bbc_texts[:20],
    )
    assert isinstance(loaded.transform(bbc_texts[:2]), sp.csr_matrix)


# ---------------------------------------------------------------------------------- hashing

HASHING_SETTINGS = [
    {},
    {"n_features": 2**10},
    {"n_features": 2**8, "alternate_sign": False, "binary": True},
    {"n_features": 2**12, "ngram_range": (1, 2), "norm": "l1"},
    {"n_features": 97, "norm": None},
    {"n_features": 2**10, "analyzer": "char_wb", "ngram_range": (2, 4)},
    {"n_features": 2**10, "lowercase": False, "stop_words": "english", "dtype": np.float32},
]


@pytest.mark.parametrize("params", HASHING_SETTINGS, ids=str)
def test_hashing_equals_scikit_learn(
    params: dict, bbc_texts: list[str], gnad_texts: list[str]
) -> None:
    from sklearn.feature_extraction.text import HashingVectorizer as Reference

    docs = bbc_texts[:600] + gnad_texts[:300]
    expected = Reference(**params).transform(docs)
    got = HashingVectorizer(**params).transform(docs)  # stateless: no fit needed
    assert got.dtype == expected.dtype
    assert got.shape == expected.shape
    tol = 1e-6 if got.dtype == np.float32 else 1e-12
    assert abs(got - expected).max() < tol
    expected.sort_indices()
    np.testing.assert_array_equal(got.indptr, expected.indptr)
    np.testing.assert_array_equal(got.indices, expected.indices)


@pytest.mark.filterwarnings("ignore:divide by zero encountered in divide:RuntimeWarning")
@pytest.mark.parametrize(
    "params", [{}, {"sublinear_tf": True, "smooth_idf": False}, {"norm": "l1"}]
)
def test_hashing_idf_equals_scikit_learn_pipeline_and_merges(
    params: dict, bbc_texts: list[str]
) -> None:
    from sklearn.feature_extraction.text import HashingVectorizer as Reference
    from sklearn.feature_extraction.text import TfidfTransformer

    hashing = {"n_features": 2**12, "alternate_sign": False}
    norm = params.pop("norm", "l2")
    reference = TfidfTransformer(norm=norm, **params).fit(
        Reference(norm=None, **hashing).transform(bbc_texts)
    )
    expected = reference.transform(Reference(norm=None, **hashing).transform(bbc_texts))
    vec = HashingVectorizer(use_idf=True, norm=norm, **hashing, **params)
    with pytest.raises(NotFittedError):
        vec.transform(bbc_texts[:2])
    one = vec.fit(bbc_texts)
    assert abs(one.transform(bbc_texts) - expected).max() < 1e-12
    seen = np.isfinite(reference.idf_)  # without smoothing scikit-learn's unused columns are inf
    np.testing.assert_allclose(one.idf_[seen], reference.idf_[seen], rtol=1e-14)
    a = HashingVectorizer(use_idf=True, norm=norm, **hashing, **params).fit(bbc_texts[:1000])
    b = HashingVectorizer(use_idf=True, norm=norm, **hashing, **params).partial_fit(
        bbc_texts[1000:]
    )
    merged = pickle.loads(pickle.dumps(b)).merge(a)
    assert abs(merged.transform(bbc_texts) - expected).max() < 1e-12
    streamed = HashingVectorizer(use_idf=True, norm=norm, **hashing, **params).fit(iter(bbc_texts))
    assert abs(streamed.transform(bbc_texts) - expected).max() < 1e-12


def test_hashing_saves_loads_and_rejects_bad_options(tmp_path, bbc_texts: list[str]) -> None:
    vec = HashingVectorizer(n_features=2**9, use_idf=True).fit(bbc_texts[:300])
    vec.save(tmp_path / "h.newsim")
    loaded = HashingVectorizer.load(tmp_path / "h.newsim")
    assert isinstance(loaded, HashingVectorizer)
    assert (loaded.transform(bbc_texts[:50]) != vec.transform(bbc_texts[:50])).nnz == 0
    with pytest.raises(
        ValueError, match=r"n_features must be an int in the range \[1, 2\*\*31 - 1\], got 0"
    ):
        HashingVectorizer(n_features=0).transform(["a b"])
    with pytest.raises(AttributeError, match="no vocabulary"):
        vec.get_feature_names_out()
    with pytest.raises(ValueError, match="parameter 'n_features' differs"):
        vec.merge(HashingVectorizer(n_features=2**10, use_idf=True).fit(bbc_texts[:5]))


def test_discarded_statistics_shrink_the_model_and_block_merging(
    tmp_path, gnad_texts: list[str]
) -> None:
    vec = newsim.TfidfVectorizer(language="de", ngram_range=(1, 2), min_df=2).fit(gnad_texts)
    X = vec.transform(gnad_texts[:20])
    vec.save(tmp_path / "full.newsim")
    vec.discard_statistics()
    vec.save(tmp_path / "lean.newsim")
    full, lean = (
        (tmp_path / "full.newsim").stat().st_size,
        (tmp_path / "lean.newsim").stat().st_size,
    )
    assert lean < full / 4  # the statistics hold every bigram seen, the model only the kept ones
    for model in (vec, newsim.TfidfVectorizer.load(tmp_path / "lean.newsim")):
        assert (model.transform(gnad_texts[:20]) != X).nnz == 0
        with pytest.raises(ValueError, match=r"no corpus statistics .* merge needs them"):
            model.merge(
                newsim.TfidfVectorizer(language="de", ngram_range=(1, 2), min_df=2).fit(
                    gnad_texts[:5]
                )
            )
        with pytest.raises(ValueError, match="partial_fit needs them"):
            model.partial_fit(gnad_texts[:5])
