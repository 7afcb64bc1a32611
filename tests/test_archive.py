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


def test_save_reweights_stale_rows_and_load_keeps_the_tolerance(bbc: Any, tmp_path: Any) -> None:
    texts = bbc.texts[:300]
    vec = HashingVectorizer(n_features=2**18, use_idf=True)
    archive = Archive.build(texts[:150], ids=list(range(150)), vectorizer=clone(vec), tolerance=10)
    archive.add(texts[150:], ids=list(range(150, 300)))
    assert archive.staleness() > 0  # within 10: not re-weighted yet
    archive.save(tmp_path / "a.nsi")
    assert archive.staleness() == 0.0
    loaded = Archive.load(tmp_path / "a.nsi", tolerance=0.1)
    assert loaded.tolerance == 0.1 and loaded.staleness() == 0.0
    fresh = clone(vec).fit(texts).transform(texts).astype(np.float64)
    assert abs(rows_of(loaded) - fresh).max() < 2e-6
    back = pickle.loads(pickle.dumps(loaded))
    assert back.tolerance == 0.1 and abs(rows_of(back) - fresh).max() < 2e-6


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


def test_reweighting_is_refused_where_columns_move(bbc: Any) -> None:
    learned = TfidfVectorizer(language="en")
    with pytest.raises(ValueError, match="columns stay the same as the corpus grows"):
        Archive.build(bbc.texts[:20], vectorizer=learned, tolerance=0.1)
    normalized = TfidfVectorizer(vocabulary=["market", "markets"], language="en")
    with pytest.raises(ValueError, match="normalize_vocabulary=False"):
        Archive.build(bbc.texts[:20], vectorizer=normalized, tolerance=0.1)
    with pytest.raises(ValueError, match="tolerance must be >= 0"):
        Archive.build(bbc.texts[:20], vectorizer=HashingVectorizer(use_idf=True), tolerance=-1)
    with pytest.raises(ValueError, match="use_idf=True"):
        Archive.build(bbc.texts[:20], vectorizer=HashingVectorizer(), tolerance=0.1)
    # without a tolerance any vectorizer serves, its idf frozen
    archive = Archive.build(bbc.texts[:20], ids=list(range(20)), vectorizer=learned)
    idf = archive.vectorizer.idf_.copy()
    archive.add(bbc.texts[20:30], ids=list(range(20, 30)))
    np.testing.assert_array_equal(archive.vectorizer.idf_, idf)
    assert archive.staleness() == 0.0 and len(archive) == 30


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
