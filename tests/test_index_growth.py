"""An index that grows and shrinks: add and remove equal an index built afresh.

After any sequence of ``add`` and ``remove`` (hypothesis draws them, with weights from a small
set so that ties are common), ``query``, ``explain``, ``top_k`` and ``pairs`` give exactly what
``SimilarityIndex`` built from the remaining rows in order gives: same ids, same scores, ties
to the same article. The thresholds that merge the segments are lowered so that merging
happens inside the sequences too. Bad arguments are named; threads query while one adds.
"""

from __future__ import annotations

import threading
from typing import Any, Optional

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsim
from newsim import SimilarityIndex, _similarity

N_FEATURES = 9
WEIGHTS = [0.25, 0.5, 0.75, 1.0]


def rows_strategy(max_rows: int) -> st.SearchStrategy[sp.csr_matrix]:
    row = st.dictionaries(
        st.integers(0, N_FEATURES - 1), st.sampled_from(WEIGHTS), min_size=0, max_size=4
    )

    def build(rows: list[dict[int, float]]) -> sp.csr_matrix:
        M = sp.lil_matrix((len(rows), N_FEATURES), dtype=np.float64)
        for r, entries in enumerate(rows):
            for c, v in entries.items():
                M[r, c] = v
        return sp.csr_matrix(M)

    return st.lists(row, min_size=0, max_size=max_rows).map(build)


operation = st.one_of(
    st.tuples(st.just("add"), rows_strategy(6)),
    st.tuples(st.just("remove"), st.lists(st.integers(0, 10_000), max_size=3)),
)


def same(a: Any, b: Any) -> None:
    np.testing.assert_array_equal(np.asarray(a.ids), np.asarray(b.ids))
    np.testing.assert_array_equal(a.scores, b.scores)


def check_equal(index: SimilarityIndex, X: sp.csr_matrix, ids: Optional[list[Any]]) -> None:
    fresh = SimilarityIndex(X, ids=ids)
    assert index.n_articles == fresh.n_articles == X.shape[0]
    np.testing.assert_array_equal(index.ids_, fresh.ids_)
    assert index.nnz == fresh.nnz
    assert index.normalized_ == fresh.normalized_
    Q = sp.csr_matrix(
        np.array([[1.0] * N_FEATURES, [0.5, 0, 0.25, 0, 1.0, 0, 0, 0.75, 0], [0] * N_FEATURES])
    )
    n = X.shape[0]
    if n:
        for k in (1, 3, n + 2):
            for method in ("auto", "brute", "pruned"):
                same(index.query(Q, k, method=method), fresh.query(Q, k, method=method))
        for method in ("auto", "brute"):
            p, q = (
                index.query_pairs(Q, 0.3, method=method),
                fresh.query_pairs(Q, 0.3, method=method),
            )
            np.testing.assert_array_equal(p.article_row, q.article_row)
            np.testing.assert_array_equal(p.neighbor_id, q.neighbor_id)
            np.testing.assert_array_equal(p.score, q.score)
        a, b = fresh.ids_[0], fresh.ids_[n - 1]
        e, f = index.explain(a, b), fresh.explain(a, b)
        assert e.terms == f.terms and e.score == f.score
        np.testing.assert_array_equal(e.contributions, f.contributions)
    # top_k and pairs merge the segments first
    for k in (1, 4):
        same(index.top_k(k), fresh.top_k(k))
    p, q = index.pairs(0.3), fresh.pairs(0.3)
    np.testing.assert_array_equal(p.article_id, q.article_id)
    np.testing.assert_array_equal(p.neighbor_id, q.neighbor_id)
    np.testing.assert_array_equal(p.score, q.score)
    assert index.n_articles == n and not index._state.segmented


@pytest.fixture(params=["default", "small-segments"])
def thresholds(request: Any, monkeypatch: Any) -> None:
    if request.param == "small-segments":  # merge and compact after a few rows
        monkeypatch.setattr(_similarity, "_MERGE_MIN_ROWS", 3)
        monkeypatch.setattr(_similarity, "_MERGE_SHARE", 0.3)
        monkeypatch.setattr(_similarity, "_COMPACT_SHARE", 0.25)


@pytest.mark.parametrize("kind", ["none", "int", "str"])
@given(start=rows_strategy(8), ops=st.lists(operation, max_size=6))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_sequence_of_adds_and_removes_equals_a_fresh_build(
    thresholds: None, kind: str, start: sp.csr_matrix, ops: list[Any]
) -> None:
    counter = iter(range(10**6))

    def new_ids(n: int) -> Optional[list[Any]]:
        if kind == "none":
            return None
        values = [next(counter) for _ in range(n)]
        return [f"id-{v}" for v in values] if kind == "str" else [v * 7 for v in values]

    ids = new_ids(start.shape[0])
    index = SimilarityIndex(start, ids=ids)
    rows = [start[r] for r in range(start.shape[0])]
    labels: list[Any] = list(ids) if ids is not None else []
    for op, arg in ops:
        if op == "add":
            new = new_ids(arg.shape[0])
            index.add(arg, ids=new)
            rows += [arg[r] for r in range(arg.shape[0])]
            labels += new or []
        elif rows:
            picks = sorted({p % len(rows) for p in arg})
            chosen = [labels[p] for p in picks] if kind != "none" else picks
            index.remove(chosen)
            rows = [r for p, r in enumerate(rows) if p not in picks]
            labels = [v for p, v in enumerate(labels) if p not in picks]
    X = sp.vstack(rows, format="csr") if rows else sp.csr_matrix((0, N_FEATURES))
    check_equal(index, X, labels if kind != "none" else None)


def test_a_removed_id_comes_back_and_results_speak_ids(gnad: Any) -> None:
    vec = newsim.TfidfVectorizer(language="de")
    X = vec.fit_transform(gnad.texts[:300])
    ids = [f"a{i}" for i in range(300)]
    index = SimilarityIndex(X[:250], ids=ids[:250], feature_names=vec.get_feature_names_out())
    index.add(X[250:], ids=ids[250:])
    index.remove(["a3", "a260"])
    assert index._state.segmented  # still two segments and a removal: not merged
    index.add(X[3], ids=["a3"])  # the same article back, at the end
    order = [i for i in range(300) if i not in (3, 260)] + [3]
    fresh = SimilarityIndex(
        X[order], ids=[ids[i] for i in order], feature_names=vec.get_feature_names_out()
    )
    Q = vec.transform(gnad.texts[300:340])
    same(index.query(Q, k=10), fresh.query(Q, k=10))
    e, f = index.explain("a3", "a0"), fresh.explain("a3", "a0")
    assert e.terms == f.terms and e.score == f.score
    assert index.row_of("a3") == 298  # the last of 299
    assert "a260" not in set(index.ids_.tolist())


def test_bad_arguments_are_named() -> None:
    X = sp.csr_matrix(np.eye(4))
    with_ids = SimilarityIndex(X, ids=["a", "b", "c", "d"])
    with pytest.raises(ValueError, match="X has 3 columns, the index has 4; transform the new"):
        with_ids.add(sp.csr_matrix(np.eye(3)), ids=["x", "y", "z"])
    with pytest.raises(TypeError, match="this index has ids: pass ids="):
        with_ids.add(X)
    with pytest.raises(ValueError, match=r"ids\[1\]='b' is already the id of an article"):
        with_ids.add(X[:2], ids=["e", "b"])
    with pytest.raises(TypeError, match="this index has str ids, ids= has int ids"):
        with_ids.add(X[:1], ids=[5])
    with pytest.raises(ValueError, match=r"ids has 1 labels for 2 rows"):
        with_ids.add(X[:2], ids=["e"])
    with pytest.raises(ValueError, match="X: row 1 contains a NaN"):
        with_ids.add(sp.csr_matrix(np.array([[1.0, 0, 0, 0], [np.nan, 0, 0, 0]])), ids=["e", "f"])
    with pytest.raises(KeyError, match="'zz' is not an id of this index"):
        with_ids.remove(["a", "zz"])
    assert with_ids.n_articles == 4  # nothing added or removed by a refused call
    with pytest.raises(TypeError, match="bare str"):
        with_ids.remove("a")
    # a refused first add leaves no trace of its ids (the id map is extended only on success)
    fresh = SimilarityIndex(X, ids=["a", "b", "c", "d"])
    with pytest.raises(ValueError, match="NaN"):
        fresh.add(sp.csr_matrix(np.array([[np.nan, 0, 0, 0]])), ids=["x"])
    fresh.row_of("a")  # the id map is built now
    with pytest.raises(ValueError, match="NaN"):
        fresh.add(sp.csr_matrix(np.array([[np.nan, 0, 0, 0]])), ids=["x"])
    fresh.add(X[:1], ids=["y"])
    assert fresh.row_of("y") == 4
    with pytest.raises(KeyError, match="'x' is not an id"):
        fresh.row_of("x")
    plain = SimilarityIndex(X)
    with pytest.raises(TypeError, match="this index has no ids"):
        plain.add(X, ids=["e", "f", "g", "h"])
    with pytest.raises(KeyError, match="ids\\[0\\]=4 is not an id"):
        plain.remove([4])
    plain.add(X[:1])
    plain.remove([0])
    np.testing.assert_array_equal(plain.ids_, np.arange(4))  # rows close up


def test_queries_from_threads_see_the_index_before_or_after_each_add(gnad: Any) -> None:
    vec = newsim.TfidfVectorizer(language="de")
    X = vec.fit_transform(gnad.texts[:400])
    Q = vec.transform(gnad.texts[400:420])
    index = SimilarityIndex(X[:200], ids=list(range(200)))
    # What a query may see: the index after 0, 1, ..., 10 adds of 20 articles.
    allowed = [SimilarityIndex(X[: 200 + 20 * a]).query(Q, k=5).scores for a in range(11)]
    failures: list[BaseException] = []
    seen: set[int] = set()
    stop = threading.Event()

    def reader() -> None:
        try:
            while not stop.is_set():
                got = index.query(Q, k=5).scores
                match = [a for a, s in enumerate(allowed) if np.array_equal(s, got)]
                assert match, "a query saw a state that is neither before nor after an add"
                seen.update(match)
        except BaseException as e:
            failures.append(e)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for a in range(10):
        index.add(X[200 + 20 * a : 220 + 20 * a], ids=list(range(200 + 20 * a, 220 + 20 * a)))
    stop.set()
    for t in threads:
        t.join()
    assert not failures, failures
    np.testing.assert_array_equal(index.query(Q, k=5).scores, allowed[10])


def test_a_grown_index_saves_and_pickles_as_one_segment(tmp_path: Any) -> None:
    X = sp.csr_matrix(np.abs(np.random.default_rng(1).normal(size=(30, 6))))
    index = SimilarityIndex(X[:20], ids=[f"r{i}" for i in range(20)])
    index.add(X[20:], ids=[f"r{i}" for i in range(20, 30)])
    index.remove(["r5"])
    index.save(tmp_path / "g.nsi")
    keep = [i for i in range(30) if i != 5]
    fresh = SimilarityIndex(X[keep], ids=[f"r{i}" for i in keep])
    fresh.save(tmp_path / "f.nsi")
    assert (tmp_path / "g.nsi").read_bytes() == (tmp_path / "f.nsi").read_bytes()
    loaded = SimilarityIndex.load(tmp_path / "g.nsi")
    loaded.add(X[5], ids=["r5"])  # a loaded (mapped) index grows too
    assert loaded.row_of("r5") == 29
