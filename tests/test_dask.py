"""newsim.dask on a LocalCluster of two worker processes: equal to one machine, bad input.

Worker processes prove that everything pickles (the fitted model as the core's versioned
bytes) and that newsim imports on the workers; the cluster is started once for the module.
"""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError

distributed = pytest.importorskip("distributed")  # the `dask` extra; installed in CI

import dask  # noqa: E402
import dask.array as da  # noqa: E402
import dask.bag as db  # noqa: E402

import newsim  # noqa: E402
import newsim.dask as nd  # noqa: E402
from newsim import SimilarityIndex, SklearnTfidfVectorizer, TfidfVectorizer, TopK  # noqa: E402
from newsim.datasets import Corpus  # noqa: E402

# distributed's own timing warning on a slow disk (the scheduler and nannies run in this process)
pytestmark = pytest.mark.filterwarnings("ignore:Creating scratch directories:UserWarning")


@pytest.fixture(scope="module")
def client() -> Any:
    with (
        distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
            # Not the default port 8787 for the scheduler's HTTP routes (metrics): another
            # cluster on this machine (a second test run) may hold it, and the start fails.
            scheduler_kwargs={"dashboard_address": ":0"},
            silence_logs=50,
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


def assert_same_topk(result: TopK, expected: TopK) -> None:
    assert result.ids.shape == expected.ids.shape
    np.testing.assert_array_equal(result.ids, expected.ids)
    np.testing.assert_array_equal(result.scores, expected.scores)


def assert_same_matrix(A: sp.spmatrix, B: sp.spmatrix) -> None:
    assert sp.issparse(A)
    assert A.shape == B.shape
    assert A.dtype == B.dtype
    assert (A != B).nnz == 0  # to 0 difference, not to a tolerance


# ----------------------------------------------------------------------------- equality


def test_fit_transform_top_k_equal_one_machine(client: Any, gnad: Corpus) -> None:
    docs = gnad.texts
    bag = db.from_sequence(docs, npartitions=4)
    vec = nd.fit(TfidfVectorizer(min_df=2, max_df=0.5), bag)  # language='auto'
    ref = TfidfVectorizer(min_df=2, max_df=0.5)
    X_ref = ref.fit_transform(docs)

    assert vec.language == "de" and vec.language_ == ref.language_ == "de"
    assert vec.vocabulary_ == ref.vocabulary_
    np.testing.assert_array_equal(vec.idf_, ref.idf_)
    assert vec.n_documents_ == len(docs)

    X = nd.transform(vec, bag)
    assert isinstance(X, da.Array)
    assert X.numblocks == (4, 1)
    X = X.persist()  # transform once, for the matrix and the top-k below
    assert_same_matrix(X.compute(), X_ref)

    index = SimilarityIndex(X_ref)
    assert_same_topk(nd.top_k(X, 10), index.top_k(10))
    assert_same_topk(nd.query(X_ref[::25], X, 5), index.query(X_ref[::25], 5))
    # the merge trees with the smallest fan-in, and blocks given as a list of Delayed
    blocks = list(X.to_delayed().ravel())
    assert_same_topk(nd.top_k(blocks, 3, split_every=2), index.top_k(3))


def test_sklearn_mode_uneven_and_empty_partitions(client: Any, bbc: Corpus) -> None:
    docs = bbc.texts[:900]
    cuts = [0, 0, 1, 350, 350, 900]  # empty partitions, a one-document partition
    parts = [dask.delayed(docs[a:b]) for a, b in zip(cuts, cuts[1:])]
    params = {"ngram_range": (1, 2), "min_df": 2, "max_features": 5000}
    vec = nd.fit(SklearnTfidfVectorizer(**params), parts, split_every=2)
    # partial_fit, as each partition is fitted: with max_features, a fit keeps scikit-learn's
    # terms at ties (NumPy's sort) and partial_fit and merge the terms that sort first.
    ref = SklearnTfidfVectorizer(**params).partial_fit(docs)
    X_ref = ref.transform(docs)
    assert vec.vocabulary_ == ref.vocabulary_
    np.testing.assert_array_equal(vec.idf_, ref.idf_)
    X = nd.transform(vec, parts)
    assert_same_matrix(X.compute(), X_ref)
    assert_same_topk(nd.top_k(X, 12), SimilarityIndex(X_ref).top_k(12))


def test_dataframe_column(client: Any, bbc: Corpus) -> None:
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")  # the `dask` extra's dataframe part (pyarrow)
    docs = bbc.texts[:300]
    frame = pd.DataFrame({"text": docs, "label": bbc.labels[:300]})
    ddf = dd.from_pandas(frame, npartitions=3)
    vec = nd.fit(TfidfVectorizer(language="en"), ddf, column="text")
    ref = TfidfVectorizer(language="en")
    X_ref = ref.fit_transform(docs)
    assert vec.vocabulary_ == ref.vocabulary_
    assert_same_matrix(nd.transform(vec, ddf["text"]).compute(), X_ref)
    with pytest.raises(ValueError, match="pass column="):
        nd.fit(TfidfVectorizer(language="en"), ddf)
    with pytest.raises(ValueError, match="column 'body' is not in the DataFrame"):
        nd.transform(vec, ddf, column="body")
    missing = dd.from_pandas(pd.DataFrame({"text": [*docs[:5], None, *docs[5:9]]}), npartitions=2)
    with pytest.raises(TypeError) as one:  # None, or pandas' NA in a string column
        TfidfVectorizer(language="en").fit(missing["text"].compute())
    what = str(one.value).split(" is ", 1)[1]
    assert str(one.value) == f"documents[5] is {what}"
    with pytest.raises(TypeError, match=r"^partition 1: documents\[0\] is ") as many:
        nd.fit(TfidfVectorizer(language="en"), missing, column="text")
    assert str(many.value) == f"partition 1: documents[0] is {what}"


def test_hashing_vectorizer(client: Any, bbc: Corpus) -> None:
    from newsim._vectorizer import HashingVectorizer

    docs = bbc.texts[:400]
    bag = db.from_sequence(docs, npartitions=3)
    stateless = HashingVectorizer(n_features=2**12)  # no fit needed
    assert_same_matrix(nd.transform(stateless, bag).compute(), stateless.transform(docs))
    fitted = nd.fit(HashingVectorizer(n_features=2**12, use_idf=True), bag)
    ref = HashingVectorizer(n_features=2**12, use_idf=True).fit(docs)
    np.testing.assert_array_equal(fitted.idf_, ref.idf_)
    assert_same_matrix(nd.transform(fitted, bag).compute(), ref.transform(docs))


# ----------------------------------------------------------------------------- the model on workers


def test_model_pickles_compactly_and_runs_on_workers(
    client: Any, gnad: Corpus, tmp_path: Any
) -> None:
    docs = gnad.texts[:200]
    vec = nd.fit(TfidfVectorizer(language="de"), db.from_sequence(docs, npartitions=2))
    blob = pickle.dumps(vec)
    vec.save(tmp_path / "model.newsim")
    saved = (tmp_path / "model.newsim").stat().st_size
    assert len(blob) < saved + 4096  # the core's versioned bytes, not Python objects
    # a worker process unpickles the model and transforms with it
    remote = client.submit(vec.transform, docs[:3], pure=False).result()
    assert_same_matrix(remote, vec.transform(docs[:3]))
    restored = pickle.loads(blob)
    assert restored.vocabulary_ == vec.vocabulary_


def test_query_against_a_shipped_or_saved_index(client: Any, gnad: Corpus, tmp_path: Any) -> None:
    vec = TfidfVectorizer(language="de")
    X = vec.fit_transform(gnad.texts[:400])
    ids = [f"gnad-{i}" for i in range(400)]
    index = SimilarityIndex(X, ids=ids)
    Q = vec.transform(gnad.texts[400:460])
    expected = index.query(Q, k=5)
    blocks = [Q[:20], Q[20:45], Q[45:]]
    path = tmp_path / "gnad.nsi"
    index.save(path)
    loaded = SimilarityIndex.load(path)
    # a built index and a loaded (mapped) one pickle to the workers; a path is mapped there
    for against in (index, loaded, str(path), path):
        got = nd.query(blocks, against, k=5)
        assert_same_topk(got, expected)
        assert got.ids[0, 0] == expected.ids[0, 0] and isinstance(got.ids[0, 0], str)
    # the path was mapped in the worker processes (not only here, to check it)
    mapped = client.run(lambda: len(__import__("newsim.dask").dask._LOADED))
    assert sum(mapped.values()) >= 1, mapped
    with pytest.raises(ValueError, match="transform the queries with the vectorizer"):
        nd.query(sp.csr_matrix((2, 3), dtype=np.float32), path, k=1)
    with pytest.raises(FileNotFoundError):
        nd.query(blocks, tmp_path / "missing.nsi", k=1)


# ----------------------------------------------------------------------------- bad input


def test_non_strings_type_error_names_partition_and_position(client: Any, gnad: Corpus) -> None:
    docs: list[Any] = list(gnad.texts[:20])
    docs[13] = 3
    with pytest.raises(TypeError, match=r"documents\[13\] is int \(3\), expected str") as one:
        TfidfVectorizer(language="de").fit(docs)
    bag = db.from_sequence(docs, npartitions=2)  # partitions of 10: position 3 of partition 1
    message = r"^partition 1: documents\[3\] is int \(3\), expected str$"
    with pytest.raises(TypeError, match=message) as many:
        nd.fit(TfidfVectorizer(language="de"), bag)
    assert str(many.value).split(": ", 1)[1].split("]")[1] == str(one.value).split("]")[1]
    vec = nd.fit(TfidfVectorizer(language="de"), db.from_sequence(gnad.texts[:20], npartitions=2))
    with pytest.raises(TypeError, match=message):
        nd.transform(vec, bag).compute()
    with pytest.raises(TypeError, match=r"partition 0: documents\[1\] is bytes"):
        nd.fit(TfidfVectorizer(language="de"), db.from_sequence(["gut", b"x"], npartitions=1))


def test_merge_with_different_options_names_the_option(gnad: Corpus) -> None:
    a = TfidfVectorizer(language="de", ngram_range=(1, 2)).partial_fit(gnad.texts[:10])
    b = TfidfVectorizer(language="de").partial_fit(gnad.texts[10:20])
    with pytest.raises(ValueError, match="ngram_range"):
        a.merge(b)
    with pytest.raises(ValueError, match="ngram_range"):
        nd._merge(None, b, a)  # the tree reduction's step
    c = TfidfVectorizer(language="de", sublinear_tf=False).partial_fit(gnad.texts[:10])
    with pytest.raises(ValueError, match="sublinear_tf"):
        b.merge(c)


def test_bad_arguments(client: Any) -> None:
    bag = db.from_sequence(["the cat sat", "the dog ran"], npartitions=1)
    with pytest.raises(NotFittedError):
        nd.transform(TfidfVectorizer(language="en"), bag)
    with pytest.raises(TypeError, match=r"collection must be a dask\.bag\.Bag"):
        nd.fit(TfidfVectorizer(language="en"), ["the cat sat", "the dog ran"])
    with pytest.raises(ValueError, match="column= is only for a dask DataFrame"):
        nd.fit(TfidfVectorizer(language="en"), bag, column="text")
    with pytest.raises(ValueError, match="empty corpus"):
        nd.fit(TfidfVectorizer(language="en"), db.from_sequence([], npartitions=1))
    with pytest.raises(ValueError, match="split_every must be >= 2"):
        nd.fit(TfidfVectorizer(language="en"), bag, split_every=1)
    with pytest.raises(TypeError, match="vectorizer must be a newsim"):
        nd.fit(object(), bag)
    with pytest.raises(TypeError, match="X must be a dask array"):
        nd.top_k("not a matrix", 3)
    X = nd.transform(nd.fit(TfidfVectorizer(language="en"), bag), bag)
    with pytest.raises(ValueError, match="Q has 7 columns, X has"):
        nd.query(sp.csr_matrix((1, 7)), X, 2)
    assert newsim.dask is nd  # the lazy submodule attribute


# ----------------------------------------------------------------------------- dates and sources


@pytest.fixture(scope="module")
def headlines() -> Corpus:
    path = newsim.datasets.UCI_STORIES_FILE
    try:
        return newsim.datasets.load_uci_stories()
    except FileNotFoundError:  # pragma: no cover - the shared data is there in CI
        pytest.skip(f"the UCI headlines ({path}) are not in NEWSIM_DATA_DIR")


def test_pairs_top_k_and_stories_with_a_window_equal_one_machine(
    client: Any, headlines: Corpus
) -> None:
    # Real headlines with their timestamps and publishers, shuffled out of date order, in
    # four uneven blocks.
    order = np.random.default_rng(0).permutation(len(headlines.texts))[:2000]
    texts = [headlines.texts[i] for i in order]
    dates = [headlines.dates[i] for i in order]
    sources = [headlines.sources[i] for i in order]
    vec = TfidfVectorizer(language="en").fit(texts)
    X = vec.transform(texts)
    cuts = [0, 300, 1100, 1150, 2000]
    blocks = [X[a:b] for a, b in zip(cuts, cuts[1:])]
    index = SimilarityIndex(X, dates=dates, sources=sources)
    for window, exclude in [(None, False), ("1D", False), ("12h", True), (None, True)]:
        options = {"window": window, "exclude_same_source": exclude}
        got = nd.pairs(blocks, 0.4, dates=dates, sources=sources, **options)
        want = index.pairs(0.4, **options)
        assert got.n_pairs == want.n_pairs > 0, options
        np.testing.assert_array_equal(got.article_row, want.article_row)
        np.testing.assert_array_equal(got.neighbor_row, want.neighbor_row)
        np.testing.assert_array_equal(got.score, want.score)
        assert_same_topk(
            nd.top_k(blocks, 5, dates=dates, sources=sources, **options),
            index.top_k(5, **options),
        )
    for options in ({}, {"window": "2D"}, {"window": "1D", "exclude_same_source": True}):
        got_stories = nd.stories(
            blocks, dates=dates, sources=sources, feature_names=vec.get_feature_names_out(),
            **options,
        )  # fmt: skip
        want_stories = index.stories(vectorizer=vec, **options)
        np.testing.assert_array_equal(got_stories.labels, want_stories.labels)
        assert got_stories.to_frame().equals(want_stories.to_frame()), options
    # a window narrower than the blocks' dates: whole pairs of blocks are skipped
    pd = pytest.importorskip("pandas")
    by_date = np.argsort(pd.DatetimeIndex(dates).asi8, kind="stable")
    X_sorted = X[by_date]
    d_sorted = [dates[i] for i in by_date]
    sorted_blocks = [X_sorted[a:b] for a, b in zip(cuts, cuts[1:])]
    want = SimilarityIndex(X_sorted, dates=d_sorted).pairs(0.4, window="6h")
    got = nd.pairs(sorted_blocks, 0.4, dates=d_sorted, window="6h")
    assert got.to_frame().equals(want.to_frame())


def test_dask_windows_name_what_they_need(client: Any) -> None:
    X = sp.random(10, 5, density=0.5, format="csr", random_state=0)
    with pytest.raises(ValueError, match="window= needs the articles' dates: pass dates="):
        nd.pairs(X, 0.5, window="1D")
    with pytest.raises(ValueError, match="exclude_same_source=True needs the articles' sources"):
        nd.top_k(X, 2, exclude_same_source=True)
    with pytest.raises(ValueError, match="dates has 3 entries for 10 rows of X"):
        nd.pairs(X, 0.5, dates=["2024-01-01"] * 3, window="1D")
    with pytest.raises(TypeError, match="window=3 is a number, not a duration"):
        nd.stories(X, dates=["2024-01-01"] * 10, window=3)
