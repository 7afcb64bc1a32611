"""Dates and sources on an index: ``top_k``/``pairs``/``stories`` with ``window=`` and
``exclude_same_source=`` (issue 20, item 1), kept through add, remove, save, load and pickle.

The reference for each windowed call is the same index's unwindowed answer, filtered here in
Python: ``pairs`` without a window, and ``top_k`` with k = n - 1 by the per-row kernel
('brute', which sums each score in the same order as the windowed kernel), keeping the pairs
whose dates are at most the window apart and whose sources differ. So the checks are exact,
ties included (equal scores go to the lower row).
"""

from __future__ import annotations

import datetime as dt
import pickle
import struct
from typing import Any, Optional

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import newsim
from newsim import SimilarityIndex
from test_index_file import errors, reseal, section_of

DAY = 86_400 * 10**9


def tied_matrix(n: int, cols: int, seed: int) -> sp.csr_matrix:
    """L2-normalized rows with weights from {1, 2, 3}: many equal scores."""
    rng = np.random.default_rng(seed)
    dense = np.where(rng.random((n, cols)) < 0.15, rng.integers(1, 4, (n, cols)), 0)
    dense[rng.random(n) < 0.05] = 0  # some empty rows
    X = sp.csr_matrix(dense.astype(np.float64))
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1))).ravel()
    norms[norms == 0] = 1
    return sp.csr_matrix(sp.diags(1 / norms) @ X)


def allowed(
    dates: Optional[np.ndarray], window: Optional[int], codes: Optional[np.ndarray]
) -> np.ndarray:
    """n x n: whether rows i and j may be compared (the window, different sources)."""
    n = (dates if dates is not None else codes).shape[0]  # type: ignore[union-attr]
    ok = np.ones((n, n), dtype=bool)
    if window is not None:
        assert dates is not None
        ok &= np.abs(dates[:, None] - dates[None, :]) <= window
    if codes is not None:
        ok &= ~((codes[:, None] == codes[None, :]) & (codes[:, None] >= 0))
    return ok


def expected_top_k(index: SimilarityIndex, k: int, ok: np.ndarray) -> tuple[list, list]:
    """Each row's k best allowed rows from the unwindowed per-row kernel's full lists."""
    n = index.n_articles
    full = index.top_k(k=max(n - 1, 1), method="brute")
    rows, scores = full.neighbor_rows, full.scores
    ids, best = [], []
    for r in range(n):
        keep = [(c, s) for c, s in zip(rows[r], scores[r]) if c >= 0 and ok[r, c]][:k]
        ids.append([c for c, _ in keep] + [-1] * (k - len(keep)))
        best.append([s for _, s in keep] + [0.0] * (k - len(keep)))
    return ids, best


def as_dates(ns: np.ndarray) -> np.ndarray:
    return ns.astype("datetime64[ns]")


@pytest.mark.parametrize("method", ["auto", "pruned", "brute"])
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("in_date_order", [True, False])
def test_window_and_sources_equal_the_filtered_full_answer(
    method: str, seed: int, in_date_order: bool
) -> None:
    rng = np.random.default_rng(seed)
    n = 160
    X = tied_matrix(n, 40, seed)
    dates = rng.integers(0, 30, n) * DAY + rng.integers(0, 3, n) * (DAY // 2)  # many equal
    if in_date_order:
        dates = np.sort(dates)
    codes = rng.integers(-1, 6, n)
    sources = [None if c < 0 else f"s{c}" for c in codes]
    index = SimilarityIndex(X, dates=as_dates(dates), sources=sources, n_jobs=2)
    assert np.array_equal(index.dates_.astype(np.int64), dates)
    for window, exclude in [("3D", False), ("0D", True), ("36h", True), (None, True)]:
        w = None if window is None else int(pd.Timedelta(window).value)
        ok = allowed(dates, w, codes if exclude else None)
        for k in (1, 4):
            got = index.top_k(k=k, window=window, exclude_same_source=exclude, method=method)
            ids, scores = expected_top_k(index, k, ok)
            assert got.neighbor_rows.tolist() == ids, (window, exclude, k)
            np.testing.assert_array_equal(got.scores, np.asarray(scores, dtype=np.float32))
        full = index.pairs(0.3, method=method)
        keep = ok[full.article_row, full.neighbor_row]
        got_pairs = index.pairs(0.3, window=window, exclude_same_source=exclude, method=method)
        assert got_pairs.article_row.tolist() == full.article_row[keep].tolist()
        assert got_pairs.neighbor_row.tolist() == full.neighbor_row[keep].tolist()
        np.testing.assert_array_equal(got_pairs.score, full.score[keep])


def test_scores_are_the_cosines_of_the_rows() -> None:
    # An independent check of the windowed scores: numpy's dense products.
    rng = np.random.default_rng(5)
    X = tied_matrix(80, 30, 5)
    dates = rng.integers(0, 10, 80) * DAY
    index = SimilarityIndex(X, dates=as_dates(dates))
    S = (X @ X.T).toarray()
    ok = allowed(dates, 2 * DAY, None)
    np.fill_diagonal(ok, False)
    pairs = index.pairs(0.25, window="2D")
    want = np.argwhere(np.triu(ok & (S >= 0.25 - 1e-6), 1))
    found = sorted(zip(pairs.article_row.tolist(), pairs.neighbor_row.tolist()))
    assert found == [tuple(p) for p in want.tolist()]
    np.testing.assert_allclose(pairs.score, S[pairs.article_row, pairs.neighbor_row], rtol=1e-6)


def test_threads_do_not_change_the_answer() -> None:
    rng = np.random.default_rng(3)
    X = tied_matrix(300, 50, 3)
    dates = as_dates(rng.integers(0, 40, 300) * DAY)
    sources = [f"s{c}" for c in rng.integers(0, 4, 300)]
    a = SimilarityIndex(X, dates=dates, sources=sources, n_jobs=1)
    b = SimilarityIndex(X, dates=dates, sources=sources, n_jobs=2)
    for kw in (dict(window="5D"), dict(window="5D", exclude_same_source=True)):
        assert np.array_equal(a.top_k(5, **kw).neighbor_rows, b.top_k(5, **kw).neighbor_rows)
        assert a.pairs(0.2, **kw).to_frame().equals(b.pairs(0.2, **kw).to_frame())
    assert np.array_equal(a.stories(window="5D").labels, b.stories(window="5D").labels)


def test_a_window_wider_than_the_archive_changes_nothing() -> None:
    X = tied_matrix(120, 30, 7)
    dates = as_dates(np.random.default_rng(7).integers(0, 10, 120) * DAY)
    index = SimilarityIndex(X, dates=dates)
    plain, wide = index.top_k(6), index.top_k(6, window="365D")
    assert np.array_equal(plain.neighbor_rows, wide.neighbor_rows)
    np.testing.assert_array_equal(plain.scores, wide.scores)
    assert index.pairs(0.2).to_frame().equals(index.pairs(0.2, window="365D").to_frame())


def test_aware_dates_are_compared_in_utc() -> None:
    vec = newsim.TfidfVectorizer(language="en")
    texts = ["rates rise in europe", "rates rise in europe today", "rates rise in asia"]
    # 23:00 in New York is 04:00 the next day in UTC: 5 hours from the second article.
    dates = ["2024-01-01T23:00-05:00", "2024-01-02T09:00+00:00", "2024-01-03T23:30+00:00"]
    index = vec.index(texts, dates=dates)
    assert str(index.dates_[0]) == "2024-01-02T04:00:00.000000000"
    assert index.pairs(0.1, window="6h").to_frame()[
        ["article_row", "neighbor_row"]
    ].values.tolist() == [[0, 1]]
    assert index.top_k(2, window=dt.timedelta(hours=5)).neighbor_rows.tolist() == [
        [1, -1],
        [0, -1],
        [-1, -1],
    ]
    assert index.top_k(2, window=np.timedelta64(4, "h")).neighbor_rows.tolist() == [[-1, -1]] * 3


# ---------------------------------------------------------------------------- growth and files
def test_metadata_follows_add_remove_and_merges(monkeypatch: Any) -> None:
    from newsim import _similarity

    monkeypatch.setattr(_similarity, "_MERGE_MIN_ROWS", 5)
    monkeypatch.setattr(_similarity, "_COMPACT_SHARE", 0.1)
    rng = np.random.default_rng(11)
    X = tied_matrix(200, 40, 11)
    dates = as_dates(rng.integers(0, 20, 200) * DAY)
    sources = [None if c < 0 else f"p{c}" for c in rng.integers(-1, 5, 200)]
    ids = [f"a{i}" for i in range(200)]
    index = SimilarityIndex(X[:60], ids=ids[:60], dates=dates[:60], sources=sources[:60])
    alive = list(range(60))
    for start in range(60, 200, 35):
        stop = min(start + 35, 200)
        index.add(
            X[start:stop], ids=ids[start:stop], dates=dates[start:stop], sources=sources[start:stop]
        )
        alive += list(range(start, stop))
        gone = [alive[p] for p in rng.choice(len(alive), 9, replace=False)]
        index.remove([ids[g] for g in gone])
        alive = [a for a in alive if a not in gone]
        fresh = SimilarityIndex(
            X[alive],
            ids=[ids[a] for a in alive],
            dates=dates[alive],
            sources=[sources[a] for a in alive],
        )
        assert np.array_equal(index.dates_, fresh.dates_)
        assert index.sources_.tolist() == fresh.sources_.tolist()
        for kw in (dict(window="2D"), dict(window="4D", exclude_same_source=True)):
            assert index.top_k(3, **kw).ids.tolist() == fresh.top_k(3, **kw).ids.tolist()
            assert index.pairs(0.3, **kw).to_frame().equals(fresh.pairs(0.3, **kw).to_frame())


@pytest.mark.parametrize("mmap", [True, False])
def test_dates_and_sources_are_saved_loaded_and_pickled(tmp_path: Any, mmap: bool) -> None:
    X = tied_matrix(50, 20, 4)
    rng = np.random.default_rng(4)
    dates = [
        dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(hours=int(h))
        for h in rng.integers(0, 200, 50)
    ]
    sources = [
        None if c < 0 else ["Reuters", "AP", "Süddeutsche"][c] for c in rng.integers(-1, 3, 50)
    ]
    index = SimilarityIndex(X, ids=list(range(100, 150)), dates=dates, sources=sources)
    path = tmp_path / "meta.nsi"
    index.save(path)
    for again in (SimilarityIndex.load(path, mmap=mmap), pickle.loads(pickle.dumps(index))):
        assert np.array_equal(again.dates_, index.dates_)
        assert again.sources_.tolist() == sources
        kw = dict(window="1D", exclude_same_source=True)
        assert again.top_k(4, **kw).ids.tolist() == index.top_k(4, **kw).ids.tolist()
        # Aware dates stay aware: new articles must be aware too, and stories report UTC.
        with pytest.raises(ValueError, match="dates are time-zone aware, the new dates are naive"):
            again.add(X[:1], ids=[999], dates=["2024-02-01"], sources=["AP"])
        assert str(again.stories().first_date.dtype) == str(index.stories().first_date.dtype)
    plain = SimilarityIndex(X)
    plain.save(tmp_path / "plain.nsi")
    assert SimilarityIndex.load(tmp_path / "plain.nsi").dates_ is None


def test_damaged_metadata_is_refused(tmp_path: Any) -> None:
    X = tied_matrix(30, 10, 2)
    index = SimilarityIndex(X, dates=as_dates(np.arange(30) * DAY), sources=["a", "b", None] * 10)
    data = bytearray(index._index.to_bytes(**index._labels()))
    offset, _ = section_of(bytes(data), 15)  # source codes
    struct.pack_into("<i", data, offset + 4 * 7, 5)
    msg = errors(reseal(bytes(data)), tmp_path)[0]
    assert "the source of article 7 is code 5, not one of the 2 sources" in msg
    data = bytearray(index._index.to_bytes(**index._labels()))
    offset, _ = section_of(bytes(data), 17)  # source names "ab": make them "aa"
    data[offset + 1] = ord("a")
    assert "the source 'a' is named twice" in errors(reseal(bytes(data)), tmp_path)[0]
    data = bytearray(index._index.to_bytes(**index._labels()))
    offset, _ = section_of(bytes(data), 14)  # dates: a flipped bit, not resealed
    data[offset + 3] ^= 1
    assert "checksum of section 'dates'" in errors(bytes(data), tmp_path)[0]


# ---------------------------------------------------------------------------- bad input
@pytest.fixture(scope="module")
def dated() -> SimilarityIndex:
    X = tied_matrix(6, 8, 1)
    return SimilarityIndex(
        X,
        ids=list("abcdef"),
        dates=[f"2024-01-0{d}" for d in range(1, 7)],
        sources=list("xxyyzz"),
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (dict(window=3), TypeError, "window=3 is a number, not a duration; pass e.g. window='3D'"),
        (dict(window=True), TypeError, "window=True is a number"),
        (dict(window=[1]), TypeError, r"window=\[1\] \(list\) is not a duration"),
        (dict(window="soon"), ValueError, "window='soon' does not parse as a duration"),
        (dict(window="-1D"), ValueError, "window must be a duration >= 0, got -86400000000000 ns"),
        (dict(window=np.timedelta64("NaT")), ValueError, "is not a duration"),
        (dict(exclude_same_source="yes"), TypeError, "exclude_same_source must be True or False"),
    ],
)
def test_bad_windows_are_named(
    dated: SimilarityIndex, kwargs: dict[str, Any], error: type, message: str
) -> None:
    for call in (dated.top_k, dated.pairs, dated.stories):
        with pytest.raises(error, match=message):
            call(**kwargs)


def test_a_window_needs_dates_and_exclusion_needs_sources() -> None:
    index = SimilarityIndex(tied_matrix(5, 6, 0))
    with pytest.raises(
        ValueError, match="window= needs the articles' dates: build the index with dates="
    ):
        index.pairs(0.5, window="1D")
    with pytest.raises(ValueError, match="exclude_same_source=True needs the articles' sources"):
        index.top_k(2, exclude_same_source=True)
    with pytest.raises(TypeError, match="this index has no dates: build it with dates="):
        index.add(tied_matrix(1, 6, 1), dates=["2024-01-01"])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (dict(dates=["2024-01-01"] * 5), ValueError, "dates has 5 entries for 6 articles"),
        (
            dict(dates=["2024-01-01"] * 5 + ["later"]),
            ValueError,
            r"dates\[5\] is 'later', which does not parse",
        ),
        (dict(dates=["2024-01-01"] * 5 + [None]), ValueError, r"dates\[5\] is missing"),
        (dict(dates=[1.5] * 6), TypeError, r"dates\[0\] is 1.5 \(float\), not a date"),
        (
            dict(dates=["2024-01-01"] * 5 + ["2024-01-01T00:00Z"]),
            ValueError,
            "dates mixes time-zone aware and naive dates",
        ),
        (dict(sources=["a"] * 7), ValueError, "sources has 7 entries for 6 articles"),
        (
            dict(sources=["a"] * 5 + [3]),
            TypeError,
            r"sources\[5\] is 3 \(int\): sources must be str",
        ),
        (dict(dates={"2024-01-01"}), TypeError, "dates"),
    ],
)
def test_bad_dates_and_sources_are_named(kwargs: dict[str, Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        SimilarityIndex(tied_matrix(6, 8, 1), **kwargs)


def test_add_checks_the_new_metadata_before_it_changes_anything(dated: SimilarityIndex) -> None:
    index = pickle.loads(pickle.dumps(dated))
    new = tied_matrix(2, 8, 9)
    with pytest.raises(
        TypeError, match="this index has dates: pass dates= with one per new article"
    ):
        index.add(new, ids=["g", "h"], sources=["x", "y"])
    with pytest.raises(TypeError, match="this index has sources: pass sources="):
        index.add(new, ids=["g", "h"], dates=["2024-02-01", "2024-02-02"])
    with pytest.raises(ValueError, match=r"dates\[1\] is missing"):
        index.add(new, ids=["g", "h"], dates=["2024-02-01", None], sources=["x", "y"])
    assert index.n_articles == 6 and index.ids_.tolist() == list("abcdef")
    index.add(new, ids=["g", "h"], dates=["2024-02-01", "2024-02-02"], sources=["w", None])
    assert index.sources_.tolist() == [*"xxyyzz", "w", None]


def test_pruned_queries_break_ties_like_brute() -> None:
    # Equal float32 scores summed in another order may differ in their last double bits: the
    # pruned kernel keeps rows within kSlack of the k-th best, so the lower row wins the tie.
    for seed in range(4):
        X = tied_matrix(200, 30, seed)
        index = SimilarityIndex(X)
        pruned, brute = index.query(X, k=3, method="pruned"), index.query(X, k=3, method="brute")
        assert np.array_equal(pruned.neighbor_rows, brute.neighbor_rows)
        np.testing.assert_array_equal(pruned.scores, brute.scores)


@pytest.mark.parametrize("method", ["auto", "pruned", "brute"])
@pytest.mark.parametrize("segmented", [False, True])
def test_query_pairs_within_a_window_and_across_sources(method: str, segmented: bool) -> None:
    rng = np.random.default_rng(21)
    X = tied_matrix(150, 30, 21)
    dates = rng.integers(0, 20, 150) * DAY
    codes = rng.integers(-1, 5, 150)
    sources = [None if c < 0 else f"s{c}" for c in codes]
    if segmented:  # a main segment, a delta and removed rows
        index = SimilarityIndex(X[:100], ids=list(range(100)), dates=as_dates(dates[:100]),
                                sources=sources[:100])  # fmt: skip
        index.add(X[100:], ids=list(range(100, 150)), dates=as_dates(dates[100:]),
                  sources=sources[100:])  # fmt: skip
        index.remove([3, 50, 120])
    else:
        index = SimilarityIndex(X, ids=list(range(150)), dates=as_dates(dates), sources=sources)
    alive = np.asarray(index.ids_)
    Q = tied_matrix(40, 30, 22)
    q_dates = rng.integers(0, 20, 40) * DAY
    q_codes = rng.integers(-1, 7, 40)  # codes 5 and 6: sources the index does not know
    q_sources = [None if c < 0 else f"s{c}" for c in q_codes]
    full = index.query_pairs(Q, 0.2, method=method)
    for window, exclude in [("2D", False), ("0D", True), (None, True), ("5D", True)]:
        kept = np.ones(full.n_pairs, dtype=bool)
        rows = alive[full.neighbor_row]
        if window is not None:
            w = int(pd.Timedelta(window).value)
            kept &= np.abs(q_dates[full.article_row] - dates[rows]) <= w
        if exclude:
            same = (q_codes[full.article_row] == codes[rows]) & (codes[rows] >= 0)
            kept &= ~same
        got = index.query_pairs(
            Q,
            0.2,
            dates=as_dates(q_dates) if window is not None else None,
            sources=q_sources if exclude else None,
            window=window,
            exclude_same_source=exclude,
            method=method,
        )
        assert got.article_row.tolist() == full.article_row[kept].tolist(), (window, exclude)
        assert got.neighbor_row.tolist() == full.neighbor_row[kept].tolist()
        np.testing.assert_array_equal(got.score, full.score[kept])
        # query: each query's 3 best of the kept pairs (ties to the lower row), from a
        # threshold low enough that every candidate is a pair
        if method != "pruned":
            continue
        low = index.query_pairs(Q, 1e-9, method="brute")
        keep_low = np.ones(low.n_pairs, dtype=bool)
        rows_low = alive[low.neighbor_row]
        if window is not None:
            keep_low &= np.abs(q_dates[low.article_row] - dates[rows_low]) <= w
        if exclude:
            keep_low &= ~((q_codes[low.article_row] == codes[rows_low]) & (codes[rows_low] >= 0))
        top = index.query(
            Q,
            3,
            dates=as_dates(q_dates) if window is not None else None,
            sources=q_sources if exclude else None,
            window=window,
            exclude_same_source=exclude,
        )
        for q in range(40):
            mine = keep_low & (low.article_row == q)
            order = sorted(zip(-low.score[mine], low.neighbor_row[mine]))[:3]
            want = [int(r) for _, r in order] + [-1] * (3 - len(order))
            assert top.neighbor_rows[q].tolist() == want, (window, exclude, q)


def test_query_pairs_names_what_a_window_needs(dated: SimilarityIndex) -> None:
    Q = tied_matrix(2, 8, 3)
    with pytest.raises(TypeError, match="window= needs the queries' dates: pass dates="):
        dated.query_pairs(Q, 0.1, window="1D")
    with pytest.raises(TypeError, match="dates= gives the queries' dates, for window="):
        dated.query_pairs(Q, 0.1, dates=["2024-01-01", "2024-01-02"])
    with pytest.raises(ValueError, match="the queries' dates are time-zone aware"):
        dated.query_pairs(Q, 0.1, window="1D", dates=["2024-01-01T00:00Z"] * 2)
    with pytest.raises(ValueError, match="dates has 1 entries for 2 articles"):
        dated.query_pairs(Q, 0.1, window="1D", dates=["2024-01-01"])
    with pytest.raises(TypeError, match="exclude_same_source=True needs the queries' sources"):
        dated.query_pairs(Q, 0.1, exclude_same_source=True)


def test_the_repr_shows_the_dates_and_sources(dated: SimilarityIndex) -> None:
    text = repr(dated)
    assert "dates=2024-01-01 to 2024-01-06" in text and "sources=3" in text
    assert "dates=" not in repr(SimilarityIndex(tied_matrix(3, 4, 0)))
