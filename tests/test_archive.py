"""Archives: a vectorizer and its index in one file; weights that keep up as articles arrive.

With ``tolerance=0`` an archive that grows batch by batch holds the rows of a fresh fit over
every article it was given (statistics) transformed anew (rows), to float rounding; with a
positive tolerance its staleness never exceeds it after an add, and its rows stay within the
bound. Re-weighting is refused, with the reason, where columns move as the corpus grows.
"""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone

import newsim
from newsim import Archive, HashingVectorizer, SimilarityIndex, TfidfVectorizer


def rows_of(archive: Archive) -> sp.csr_matrix:
    """The archive's rows, float64, in order."""
    state = archive.index._compacted()
    data, indices, indptr = state.main.csr_rows()
    return sp.csr_matrix(
        (data.astype(np.float64), indices, indptr),
        shape=(archive.index.n_articles, archive.index.n_features),
    )


def vectorizers(bbc: Any) -> list[Any]:
    terms = sorted({w.lower() for t in bbc.texts[:50] for w in t.split() if w.isalpha()})[:3000]
    return [
        HashingVectorizer(n_features=2**18, use_idf=True),
        HashingVectorizer(n_features=2**16, use_idf=True, alternate_sign=False, sublinear_tf=True),
        TfidfVectorizer(vocabulary=terms, language=None, normalize_vocabulary=False),
    ]


@pytest.mark.parametrize("which", [0, 1, 2], ids=["hashing", "hashing-sublinear", "fixed-vocab"])
def test_tolerance_zero_equals_a_fresh_fit_over_everything(bbc: Any, which: int) -> None:
    texts = bbc.texts[:400]
    vec = vectorizers(bbc)[which]
    archive = Archive.build(texts[:200], ids=list(range(200)), vectorizer=clone(vec), tolerance=0)
    for b in range(200, 400, 50):
        archive.add(texts[b : b + 50], ids=list(range(b, b + 50)))
        assert archive.staleness() == 0.0
    archive.remove([3, 250])
    keep = [i for i in range(400) if i not in (3, 250)]
    fresh_vec = clone(vec).fit(texts)  # the statistics keep every article given
    fresh = fresh_vec.transform([texts[i] for i in keep])
    np.testing.assert_allclose(archive.vectorizer.idf_, fresh_vec.idf_, rtol=1e-12)
    diff = abs(rows_of(archive) - fresh.astype(np.float64))
    assert diff.max() < 2e-6  # float32 storage
    Q = bbc.texts[400:420]
    got = archive.query(Q, k=5)
    expected = SimilarityIndex(fresh, ids=keep).query(fresh_vec.transform(Q), k=5)
    np.testing.assert_allclose(got.scores, expected.scores, atol=2e-6)
    same = np.asarray(got.ids) == np.asarray(expected.ids)
    gaps = np.abs(np.diff(expected.scores, axis=1))
    # an id may differ only where two neighbours' scores are within rounding of each other
    unsure = np.zeros_like(same)
    unsure[:, 1:] |= gaps < 1e-5
    unsure[:, :-1] |= gaps < 1e-5
    assert np.all(same | unsure)


def test_a_tolerance_bounds_the_staleness_and_the_weights(bbc: Any) -> None:
    # A base of 100 articles growing by 25 at a time: the idf moves a lot, rare terms most
    # (a term in 1 article, then 2, changes its idf by ln(3/2) / idf ~ 8 %).
    texts = bbc.texts[:600]
    vec = HashingVectorizer(n_features=2**18, use_idf=True)
    tolerance = 0.2
    archive = Archive.build(
        texts[:100], ids=list(range(100)), vectorizer=clone(vec), tolerance=tolerance
    )
    reweighted = 0
    for b in range(100, 600, 25):
        before = archive.index
        archive.add(texts[b : b + 25], ids=list(range(b, b + 25)))
        assert archive.staleness() <= tolerance
        reweighted += archive.index is not before
    assert 0 < reweighted < 20  # some adds re-weighted, not every one (9 of 20 when written)
    fresh = clone(vec).fit(texts).transform(texts).astype(np.float64)
    # each weight off by at most the idf's share before normalization, and the norm too
    assert abs(rows_of(archive) - fresh).max() < 2 * tolerance * abs(fresh).max()


def test_save_and_load_go_on_where_the_archive_stands(bbc: Any, tmp_path: Any) -> None:
    texts = bbc.texts[:300]
    vec = HashingVectorizer(n_features=2**18, use_idf=True)
    archive = Archive.build(texts[:150], ids=list(range(150)), vectorizer=clone(vec), tolerance=10)
    archive.add(texts[150:], ids=list(range(150, 300)))
    stale = archive.staleness()
    assert stale > 0  # within 10: not re-weighted
    archive.save(tmp_path / "a.nsi")  # saving re-weights nothing
    assert archive.staleness() == stale
    fresh = clone(vec).fit(texts).transform(texts).astype(np.float64)
    for loaded in (Archive.load(tmp_path / "a.nsi"), pickle.loads(pickle.dumps(archive))):
        assert loaded.tolerance == 10 and loaded.staleness() == pytest.approx(stale)
        np.testing.assert_array_equal(rows_of(loaded).toarray(), rows_of(archive).toarray())
        loaded.reweight()
        assert loaded.staleness() == 0.0 and abs(rows_of(loaded) - fresh).max() < 2e-6
    tighter = Archive.load(tmp_path / "a.nsi", tolerance=0.1)
    assert tighter.tolerance == 0.1 and tighter.staleness() == pytest.approx(stale)


def test_a_refused_add_changes_nothing(bbc: Any) -> None:
    vec = HashingVectorizer(n_features=2**16, use_idf=True)
    archive = Archive.build(bbc.texts[:20], ids=list(range(20)), vectorizer=vec, tolerance=0)
    idf = archive.vectorizer.idf_.copy()
    with pytest.raises(ValueError, match=r"ids\[1\]=5 is already the id"):
        archive.add(bbc.texts[20:22], ids=[100, 5])
    with pytest.raises(TypeError, match=r"documents\[1\]"):
        archive.add(["fine", 7], ids=[100, 101])  # type: ignore[list-item]
    np.testing.assert_array_equal(archive.vectorizer.idf_, idf)
    assert archive.index.n_articles == 20 and archive.staleness() == 0.0


def test_reweighting_is_refused_where_it_cannot_be_done(bbc: Any) -> None:
    normalized = TfidfVectorizer(vocabulary=["market", "markets"], language="en")
    with pytest.raises(ValueError, match="normalize_vocabulary=False"):
        Archive.build(bbc.texts[:20], vectorizer=normalized, tolerance=0.1)
    with pytest.raises(ValueError, match="tolerance must be >= 0"):
        Archive.build(bbc.texts[:20], vectorizer=HashingVectorizer(use_idf=True), tolerance=-1)
    with pytest.raises(ValueError, match="use_idf=True"):
        Archive.build(bbc.texts[:20], vectorizer=HashingVectorizer(), tolerance=0.1)
    learned = TfidfVectorizer(language="en").fit(bbc.texts[:20])
    index = SimilarityIndex(learned.transform(bbc.texts[:20]))
    with pytest.raises(ValueError, match=r"raw counts, which Archive\.build keeps"):
        Archive(learned, index, tolerance=0.1)
    # "auto" gives what can be done; without a tolerance any vectorizer serves, its idf frozen
    assert Archive.build(bbc.texts[:20], vectorizer=HashingVectorizer()).tolerance is None
    assert Archive.build(bbc.texts[:20], vectorizer=clone(normalized)).tolerance is None
    archive = Archive.build(bbc.texts[:20], ids=list(range(20)), vectorizer=learned, tolerance=None)
    idf = archive.vectorizer.idf_.copy()
    archive.add(bbc.texts[20:30], ids=list(range(20, 30)))
    np.testing.assert_array_equal(archive.vectorizer.idf_, idf)
    assert archive.staleness() == 0.0 and len(archive) == 30


def in_vocabulary_order(archive: Archive) -> sp.csr_matrix:
    """The archive's rows with its index columns mapped to the vectorizer's (a learned one)."""
    cols = archive._vocab_to_columns()
    back = np.full(archive.index.n_features, -1)
    back[cols[cols >= 0]] = np.flatnonzero(cols >= 0)
    R = rows_of(archive).tocoo()
    assert np.all(back[R.col] >= 0)  # every stored weight is a term of the vocabulary
    return sp.csr_matrix((R.data, (R.row, back[R.col])), shape=(R.shape[0], len(cols)))


@pytest.mark.parametrize("corpus", ["gnad", "bbc"])
def test_a_learned_vocabulary_at_tolerance_zero_equals_a_fresh_fit(
    corpus: str, gnad: Any, bbc: Any
) -> None:
    # The default pipeline: German with decompounding and word pairs, English with pairs.
    texts = (gnad if corpus == "gnad" else bbc).texts[:360]
    archive = Archive.build(texts[:120], ids=list(range(120)), tolerance=0)
    for b in range(120, 360, 60):
        archive.add(texts[b : b + 60], ids=list(range(b, b + 60)))
        assert archive.staleness() == 0.0
    archive.remove([5, 200])
    keep = [i for i in range(360) if i not in (5, 200)]
    fresh_vec = TfidfVectorizer().fit(texts)
    fresh = fresh_vec.transform([texts[i] for i in keep]).astype(np.float64)
    np.testing.assert_array_equal(
        archive.vectorizer.get_feature_names_out(), fresh_vec.get_feature_names_out()
    )
    np.testing.assert_allclose(archive.vectorizer.idf_, fresh_vec.idf_, rtol=1e-12)
    assert abs(in_vocabulary_order(archive) - fresh).max() < 2e-6  # float32 storage
    Q = texts[:10]
    got = archive.query(Q, k=5)
    expected = SimilarityIndex(fresh, ids=keep).query(fresh_vec.transform(Q), k=5)
    np.testing.assert_allclose(got.scores, expected.scores, atol=2e-6)


@pytest.mark.parametrize("corpus", ["gnad", "bbc"])
def test_a_learned_vocabulary_stays_within_the_default_tolerance(
    corpus: str, gnad: Any, bbc: Any, tmp_path: Any
) -> None:
    # News arriving in no particular order; articles removed on the way.
    source = gnad if corpus == "gnad" else bbc
    order = np.random.default_rng(7).permutation(len(source.texts))[:500]
    texts = [source.texts[i] for i in order]
    archive = Archive.build(texts[:200], ids=list(range(200)))
    assert archive.tolerance == 0.1
    partial = 0
    for b in range(200, 500, 25):
        before = archive.index
        archive.add(texts[b : b + 25], ids=list(range(b, b + 25)))
        archive.remove([b - 7])
        assert archive.staleness() <= 0.1
        partial += archive.index is before  # re-weighted (if at all) row by row
        top = archive.query([texts[b + 3]], k=1)  # new terms have columns
        assert top.ids[0, 0] == b + 3
        if b == 350:  # a daily job: load, add, save
            archive.save(tmp_path / "a.nsi")
            archive = Archive.load(tmp_path / "a.nsi")
    assert partial > 0
    fresh_vec = TfidfVectorizer().fit(texts)
    ids = archive.index.ids_.tolist()  # re-weighted rows moved to the end
    removed = {b - 7 for b in range(200, 500, 25)}
    assert sorted(ids) == [i for i in range(500) if i not in removed]
    fresh = fresh_vec.transform([texts[i] for i in ids]).astype(np.float64)
    np.testing.assert_array_equal(
        archive.vectorizer.get_feature_names_out(), fresh_vec.get_feature_names_out()
    )
    got = in_vocabulary_order(archive)
    # every term of the vocabulary an article has is weighted (word pairs that reached
    # ngram_min_df later too), each within the tolerance of the current idf
    assert ((got != 0) != (fresh != 0)).nnz == 0
    assert abs(got - fresh).max() < 2 * 0.1 * abs(fresh).max()


def test_a_learned_archive_keeps_its_raw_counts_in_the_file(gnad: Any, tmp_path: Any) -> None:
    texts = gnad.texts[:200]
    archive = Archive.build(texts[:100], ids=[f"a{i}" for i in range(100)], tolerance=5)
    archive.add(texts[100:150], ids=[f"a{i}" for i in range(100, 150)])
    archive.remove(["a3"])
    stale = archive.staleness()
    archive.save(tmp_path / "a.nsi")
    loaded = Archive.load(tmp_path / "a.nsi")
    assert loaded.tolerance == 5 and loaded.staleness() == stale and len(loaded) == 149
    for a in (loaded, pickle.loads(pickle.dumps(loaded))):
        a.tolerance = 0
        a.add(texts[150:], ids=[f"a{i}" for i in range(150, 200)])
        keep = [i for i in range(200) if i != 3]
        fresh_vec = TfidfVectorizer().fit(texts)
        fresh = fresh_vec.transform([texts[i] for i in keep]).astype(np.float64)
        assert abs(in_vocabulary_order(a) - fresh).max() < 2e-6
    # saved without a tolerance: no raw counts, so none can be asked for on load
    frozen = Archive.build(texts[:20], tolerance=None)
    frozen.save(tmp_path / "f.nsi")
    assert Archive.load(tmp_path / "f.nsi").tolerance is None
    with pytest.raises(ValueError, match="saved without a tolerance"):
        Archive.load(tmp_path / "f.nsi", tolerance=0.1)


def test_damaged_raw_counts_are_refused(gnad: Any, tmp_path: Any) -> None:
    import io

    archive = Archive.build(gnad.texts[:30], tolerance=0.1)
    archive.save(tmp_path / "a.nsi")
    state = archive.index._compacted()
    good = archive._archive_data()
    assert good is not None
    with np.load(io.BytesIO(good)) as npz:
        arrays = {k: npz[k] for k in npz.files}
    model = archive.vectorizer._model_bytes()

    def load_with(data: bytes) -> None:
        (tmp_path / "b.nsi").write_bytes(
            state.main.to_bytes(model=model, archive=data, **archive.index._labels(state))
        )
        Archive.load(tmp_path / "b.nsi")

    def npz(**change: Any) -> bytes:
        buf = io.BytesIO()
        np.savez(buf, **{**arrays, **change})
        return buf.getvalue()

    with pytest.raises(newsim.ModelFormatError, match="cannot be read"):
        load_with(b"not an npz")
    with pytest.raises(newsim.ModelFormatError, match="no valid tolerance"):
        load_with(npz(tolerance=np.float64(-1)))
    ids = arrays["term_ids"].copy()
    ids[7] = arrays["term_keys"].size
    with pytest.raises(newsim.ModelFormatError, match="term_ids out of range"):
        load_with(npz(term_ids=ids))
    with pytest.raises(newsim.ModelFormatError, match="29 articles, the index has 30"):
        load_with(npz(doc_len=arrays["doc_len"][:-1]))
    versions = arrays["row_version"].copy()
    versions[4] = 9
    with pytest.raises(newsim.ModelFormatError, match="row_version does not give each"):
        load_with(npz(row_version=versions))
    with pytest.raises(newsim.ModelFormatError, match="a term of the vocabulary has no column"):
        keys = arrays["column_keys"].copy()
        keys[0] = np.uint64(12345)  # no term's key
        load_with(npz(column_keys=keys))
    with pytest.raises(newsim.ModelFormatError, match="expected"):
        load_with(npz(extra=np.zeros(3)))
    with pytest.raises(newsim.ModelFormatError, match="repeats a key"):
        load_with(
            npz(term_keys=np.concatenate([arrays["term_keys"][:1], arrays["term_keys"][:-1]]))
        )


def test_an_archive_file_is_an_index_file_and_not_the_other_way(bbc: Any, tmp_path: Any) -> None:
    archive = Archive.build(bbc.texts[:50], ids=[f"b{i}" for i in range(50)])
    archive.save(tmp_path / "a.nsi")
    index = SimilarityIndex.load(tmp_path / "a.nsi")  # the vectorizer's section is skipped
    assert index.ids_[0] == "b0" and index.n_features == archive.index.n_features
    index.save(tmp_path / "plain.nsi")
    with pytest.raises(newsim.ModelFormatError, match="an index file without a vectorizer"):
        Archive.load(tmp_path / "plain.nsi")
    loaded = Archive.load(tmp_path / "a.nsi")
    assert repr(loaded) == repr(archive)
    found = loaded.query_pairs([bbc.texts[7]], threshold=0.99)
    assert found.neighbor_id.tolist() == ["b7"]


@pytest.mark.parametrize(
    "params",
    [{"min_df": 2, "ngram_range": (1, 2)}, {"analyzer": str.split}],
    ids=["min_df-pairs", "python-analyzer"],
)
def test_the_sklearn_drop_in_keeps_up_exactly(params: dict[str, Any], bbc: Any) -> None:
    texts = bbc.texts[:300]
    vec = newsim.SklearnTfidfVectorizer(**params)
    archive = Archive.build(texts[:100], ids=list(range(100)), vectorizer=vec, tolerance=0)
    for b in range(100, 300, 50):
        archive.add(texts[b : b + 50], ids=list(range(b, b + 50)))
    fresh_vec = newsim.SklearnTfidfVectorizer(**params).fit(texts)
    fresh = fresh_vec.transform([texts[i] for i in archive.index.ids_]).astype(np.float64)
    assert abs(in_vocabulary_order(archive) - fresh).max() < 2e-6


@pytest.mark.parametrize("tolerance", [0.1, None])
def test_dates_and_sources_follow_the_archive_through_reweighting_and_files(
    tolerance: Any, tmp_path: Any
) -> None:
    corpus = newsim.datasets.load_uci_stories()
    texts, ids = corpus.texts[:900], corpus.ids[:900]
    dates, sources = corpus.dates[:900], corpus.sources[:900]
    archive = Archive.build(
        texts[:300], ids=ids[:300], dates=dates[:300], sources=sources[:300], tolerance=tolerance
    )
    for a in range(300, 900, 150):
        b = a + 150
        archive.add(texts[a:b], ids=ids[a:b], dates=dates[a:b], sources=sources[a:b])
    if tolerance is not None:  # rows were re-weighted and moved: their dates moved with them
        assert list(archive.index.ids_) != ids
    date_of = dict(zip(ids, np.asarray(pd_index(dates).tz_localize(None), dtype="datetime64[ns]")))
    source_of = dict(zip(ids, sources))
    assert [date_of[i] for i in archive.index.ids_] == list(archive.index.dates_)
    assert [source_of[i] for i in archive.index.ids_] == list(archive.index.sources_)
    with pytest.raises(TypeError, match="this index has dates: pass dates="):
        archive.add(["another headline"], ids=["new"], sources=["AP"])
    assert len(archive) == 900  # refused before the statistics changed
    path = tmp_path / "archive.nsi"
    archive.save(path)
    again = Archive.load(path)
    kw = {"window": "2D", "exclude_same_source": True}
    assert again.index.pairs(0.5, **kw).to_frame().equals(archive.index.pairs(0.5, **kw).to_frame())
    found = again.query_pairs(texts[:5], 0.9, dates=dates[:5], window="1h")
    assert set(found.article_row.tolist()) == set(range(5))  # each finds itself


def pd_index(values: Any) -> Any:
    pd = pytest.importorskip("pandas")
    return pd.DatetimeIndex(values)
