"""Blockwise (out-of-core) top-k and the merge of partial top-k lists: exact against one index."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import newsim
from newsim import SimilarityIndex, TfidfVectorizer, TopK
from newsim._blocks import (
    blockwise_query,
    blockwise_top_k,
    merge_top_k,
    parse_memory,
    plan_blocks,
)
from newsim.datasets import Corpus

LANGUAGE = {"gnad": "de", "bbc": "en"}


@pytest.fixture(scope="module", params=["gnad", "bbc"])
def matrix(request: pytest.FixtureRequest, corpora: dict[str, Corpus]) -> sp.csr_matrix:
    corpus = corpora[request.param]
    # Unigrams: the budgets below are sized for these vocabularies (block scratch grows with the
    # number of columns, and word pairs triple BBC's).
    vec = TfidfVectorizer(language=LANGUAGE[request.param], ngram_range=(1, 1))
    return vec.fit_transform(corpus.texts)


def assert_same(result: TopK, expected: TopK) -> None:
    assert result.ids.shape == expected.ids.shape
    assert result.ids.dtype == np.int64
    assert result.scores.dtype == np.float32
    np.testing.assert_array_equal(result.ids, expected.ids)
    np.testing.assert_array_equal(result.scores, expected.scores)


# ----------------------------------------------------------------------------- exactness


@pytest.mark.parametrize(("k", "budget"), [(10, "2MB"), (1, "1.5MB"), (40, "3MB")])
def test_budget_blocks_equal_one_index(matrix: sp.csr_matrix, k: int, budget: str) -> None:
    plan = plan_blocks(matrix, k, memory_budget=budget)
    assert len(plan.blocks) >= 3  # the budget forces a real split
    assert plan.peak_bytes <= parse_memory(budget)
    starts = [offset for _, _, _, offset in plan.blocks]
    assert starts == sorted(starts) and starts[0] == 0
    expected = SimilarityIndex(matrix).top_k(k)
    assert_same(blockwise_top_k(matrix, k, memory_budget=budget), expected)


def test_given_blocks_equal_one_index(matrix: sp.csr_matrix) -> None:
    n = matrix.shape[0]
    cuts = [0, 1, 1, 200, 201, n // 2, n]  # a one-row block and an empty one
    blocks = [matrix[a:b] for a, b in zip(cuts, cuts[1:])]
    expected = SimilarityIndex(matrix).top_k(10)
    assert_same(blockwise_top_k(blocks, 10, memory_budget=None), expected)


def test_k_beyond_block_and_corpus_pads(matrix: sp.csr_matrix) -> None:
    small = matrix[:30]
    expected = SimilarityIndex(small).top_k(40)
    result = blockwise_top_k([small[:7], small[7:19], small[19:]], 40, memory_budget=None)
    assert_same(result, expected)
    assert (result.ids[:, 29:] == -1).all() and (result.scores[:, 29:] == 0).all()


def test_methods_agree(matrix: sp.csr_matrix) -> None:
    X = matrix[:400]
    blocks = [X[:150], X[150:]]
    for method in ("brute", "pruned"):
        expected = SimilarityIndex(X).top_k(5, method=method)
        assert_same(blockwise_top_k(blocks, 5, memory_budget=None, method=method), expected)


def test_query_equals_one_index(matrix: sp.csr_matrix) -> None:
    Q = matrix[::9]
    expected = SimilarityIndex(matrix).query(Q, 7)
    n = matrix.shape[0]
    assert_same(blockwise_query(Q, matrix, 7, memory_budget="2MB"), expected)
    blocks = [matrix[: n // 3], matrix[n // 3 :]]
    assert_same(blockwise_query([Q[:10], Q[10:]], blocks, 7, memory_budget=None), expected)


def test_ties_go_to_the_lower_global_id() -> None:
    # Row 0 and its exact copies at 3, 4, 7, 8 score the same against every row: ties
    # across blocks must come out in global id order, as in one index.
    rng = np.random.default_rng(0)
    base = sp.random(6, 40, density=0.3, format="csr", random_state=rng, dtype=np.float32)
    X = sp.vstack([base[0], base[1], base[2], base[0], base[0], base[3], base[4], base[0],
                   base[0], base[5]]).tocsr()  # fmt: skip
    expected = SimilarityIndex(X).top_k(4)
    result = blockwise_top_k([X[:2], X[2:4], X[4:8], X[8:]], 4, memory_budget=None)
    assert_same(result, expected)
    assert result.ids[0].tolist() == [3, 4, 7, 8]


def test_float64_unsorted_and_duplicate_entries(matrix: sp.csr_matrix) -> None:
    X = matrix[:300].astype(np.float64)
    shuffled = X.copy()
    shuffled.has_sorted_indices = False
    for r in range(shuffled.shape[0]):  # reverse each row's column order
        a, b = shuffled.indptr[r], shuffled.indptr[r + 1]
        shuffled.indices[a:b] = shuffled.indices[a:b][::-1].copy()
        shuffled.data[a:b] = shuffled.data[a:b][::-1].copy()
    expected = SimilarityIndex(X).top_k(5)
    assert_same(blockwise_top_k([shuffled[:100], shuffled[100:]], 5, memory_budget=None), expected)
    # duplicate entries (summed by the core, row by row, as one index does)
    halves = X.copy()
    halves.data = halves.data / 2
    doubled = sp.csr_matrix(
        (
            np.repeat(halves.data, 2),
            np.repeat(halves.indices, 2),
            halves.indptr * 2,
        ),
        shape=X.shape,
    )
    assert not doubled.has_canonical_format
    expected = SimilarityIndex(doubled).top_k(5)
    budget = plan_blocks(doubled, 5, memory_budget=None).peak_bytes * 2 // 3
    result = blockwise_top_k(doubled, 5, memory_budget=budget)
    assert len(plan_blocks(doubled, 5, memory_budget=budget).blocks) > 1
    assert_same(result, expected)


# ----------------------------------------------------------------------------- out of core


def test_files_and_loaders_out_of_core(tmp_path: Any, gnad: Corpus) -> None:
    X = TfidfVectorizer(language="de", ngram_range=(1, 1)).fit_transform(gnad.texts)
    n = X.shape[0]
    cuts = [0, n // 4, n // 2, n]
    paths = []
    for p, (a, b) in enumerate(zip(cuts, cuts[1:])):
        path = tmp_path / f"part-{p}.npz"
        sp.save_npz(path, X[a:b])
        paths.append(str(path))
    expected = SimilarityIndex(X).top_k(10)
    assert_same(blockwise_top_k(paths, 10, memory_budget="4MB"), expected)

    loads = [0, 0]

    def loader(i: int, a: int, b: int) -> Any:
        def load() -> sp.csr_matrix:
            loads[i] += 1
            return X[a:b]

        return load

    result = blockwise_top_k([loader(0, 0, 600), loader(1, 600, n)], 10, memory_budget=None)
    assert_same(result, expected)
    assert loads[0] >= 2 and loads[1] >= 2  # loaded on demand, not kept


def test_smaller_budget_more_blocks(matrix: sp.csr_matrix) -> None:
    sizes = [len(plan_blocks(matrix, 10, memory_budget=b).blocks) for b in ("64MB", "4MB", "2MB")]
    assert sizes[0] == 1
    assert sizes[0] < sizes[1] < sizes[2]
    # more threads: more scratch in the same budget
    assert len(plan_blocks(matrix, 10, memory_budget="2MB", n_jobs=2).blocks) >= sizes[2]


# ----------------------------------------------------------------------------- merge_top_k


def test_merge_top_k_example() -> None:
    a = TopK(np.array([[3, -1], [5, 2]]), np.array([[0.5, 0.0], [0.9, 0.1]], dtype=np.float32))
    b = TopK(np.array([[1, 7], [-1, -1]]), np.array([[0.5, 0.9], [0.0, 0.0]], dtype=np.float32))
    merged = merge_top_k([a, b])
    assert merged.ids.tolist() == [[7, 1], [5, 2]]
    np.testing.assert_array_equal(merged.scores, np.float32([[0.9, 0.5], [0.9, 0.1]]))
    wide = merge_top_k([a, b], k=5)
    assert wide.ids.tolist() == [[7, 1, 3, -1, -1], [5, 2, -1, -1, -1]]
    assert wide.scores[0, 3:].tolist() == [0.0, 0.0]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 6),
    st.integers(1, 4),
    st.lists(st.integers(0, 3), min_size=1, max_size=40),
    st.integers(0, 2**31 - 1),
)
def test_merge_any_order_any_tree(k: int, n_parts: int, levels: list[int], seed: int) -> None:
    # Candidates with few distinct scores (many ties), split among parts at random: any
    # merge order and grouping gives the global k best by (score, lower id).
    rng = np.random.default_rng(seed)
    n_cand = len(levels)
    scores = np.array(levels, dtype=np.float32) / 4
    part_of = rng.integers(0, n_parts, n_cand)
    parts = []
    for p in range(n_parts):
        ids = np.flatnonzero(part_of == p)
        order = np.lexsort((ids, -scores[ids]))[:k]
        row_ids = np.full(k, -1)
        row_scores = np.zeros(k, dtype=np.float32)
        row_ids[: order.size] = ids[order]
        row_scores[: order.size] = scores[ids[order]]
        parts.append(TopK(row_ids[None, :], row_scores[None, :]))
    best = np.lexsort((np.arange(n_cand), -scores))[:k]
    expected_ids = np.full(k, -1)
    expected_ids[: best.size] = best
    perm = rng.permutation(n_parts)
    flat = merge_top_k([parts[i] for i in perm], k)
    nested = merge_top_k([merge_top_k([parts[i] for i in perm[:1]], k),
                          *[parts[i] for i in perm[1:]]], k)  # fmt: skip
    for result in (flat, nested):
        assert result.ids[0].tolist() == expected_ids.tolist()
        assert result.scores[0, : best.size].tolist() == scores[best].tolist()


def _reference_merge(ids: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k best of each row by (score, lower id), -1 padding: the rule, in NumPy."""
    out_ids = np.full((ids.shape[0], k), -1, dtype=np.int64)
    out_scores = np.zeros((ids.shape[0], k), dtype=np.float32)
    for r in range(ids.shape[0]):
        keep = ids[r] >= 0
        order = np.lexsort((ids[r][keep], -scores[r][keep].astype(np.float64)))[:k]
        out_ids[r, : order.size] = ids[r][keep][order]
        out_scores[r, : order.size] = scores[r][keep][order]
    return out_ids, out_scores


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 5), st.integers(0, 3), st.integers(1, 4), st.integers(0, 2**31 - 1))
def test_merge_is_the_rule_of_one_index(rows: int, k: int, n_parts: int, seed: int) -> None:
    # Parts of any width, unsorted, with padding anywhere and ties: the core's merge keeps
    # what the NumPy statement of the rule keeps.
    rng = np.random.default_rng(seed)
    parts = []
    for _ in range(n_parts):
        width = int(rng.integers(0, 4))
        ids = rng.integers(-1, 50, (rows, width))
        scores = (rng.integers(0, 4, (rows, width)) / 4).astype(np.float32)
        parts.append(TopK(ids, np.where(ids >= 0, scores, np.float32(0))))
    merged = merge_top_k(parts, k)
    ids = np.concatenate([p.ids for p in parts], axis=1)
    scores = np.concatenate([p.scores for p in parts], axis=1)
    expected_ids, expected_scores = _reference_merge(ids, scores, k)
    np.testing.assert_array_equal(merged.ids, expected_ids)
    np.testing.assert_array_equal(merged.scores, expected_scores)
    assert merged.ids.dtype == np.int64 and merged.scores.dtype == np.float32


def test_plan_uses_the_cores_memory_figures(matrix: sp.csr_matrix) -> None:
    # One block: the index, and the larger of querying it and its all-pairs top-k.
    from newsim import _core

    n, cols, nnz = matrix.shape[0], matrix.shape[1], matrix.nnz
    plan = plan_blocks(matrix, 10, memory_budget=None)
    index = _core.index_nbytes(n, nnz, cols)
    merge = 32 * 10 * n
    query = _core.query_scratch_bytes(n, n, nnz, cols, 10) + merge
    diagonal = index + _core.top_k_scratch_bytes(n, nnz, cols, 10) + merge
    assert plan.peak_bytes == max(index + query, diagonal)
    assert plan.result_bytes == _core.top_k_result_bytes(n, 10) == 12 * 10 * n
    assert SimilarityIndex(matrix).nbytes == index


# ----------------------------------------------------------------------------- bad input


def test_parse_memory() -> None:
    assert parse_memory("1GB") == 10**9
    assert parse_memory("1.5 gb") == 1_500_000_000
    assert parse_memory("2MiB") == 2 * 2**20
    assert parse_memory(4096) == 4096
    with pytest.raises(ValueError, match="memory_budget must be a number of bytes"):
        parse_memory("lots")
    with pytest.raises(ValueError, match="must be positive"):
        parse_memory(0)
    with pytest.raises(TypeError, match="memory_budget"):
        parse_memory([1])


def test_bad_blocks(matrix: sp.csr_matrix) -> None:
    with pytest.raises(ValueError, match=r"blocks\[1\] has 3 columns, blocks\[0\] has"):
        blockwise_top_k([matrix[:5], sp.csr_matrix((2, 3))], 2)
    with pytest.raises(ValueError, match="blocks is empty"):
        blockwise_top_k([], 2)
    with pytest.raises(TypeError, match="blocks must be a sparse matrix or a sequence"):
        blockwise_top_k(iter([matrix]), 2)
    with pytest.raises(TypeError, match=r"blocks\[1\] must hold numbers"):
        blockwise_top_k([matrix[:5], np.array([["a"]])], 2)
    with pytest.raises(ValueError, match="too small"):
        blockwise_top_k(matrix, 10, memory_budget="10kB")
    with pytest.raises(ValueError, match="Q has 3 columns"):
        blockwise_query(sp.csr_matrix((1, 3)), matrix, 2)
    with pytest.raises(ValueError, match="k must be >= 0"):
        blockwise_top_k(matrix, -1)
    with pytest.raises(TypeError, match="parts must be a sequence"):
        merge_top_k(TopK(np.zeros((1, 1), dtype=np.int64), np.zeros((1, 1), np.float32)))
    with pytest.raises(ValueError, match=r"parts\[1\] has 2 rows, parts\[0\] has 1"):
        merge_top_k(
            [
                TopK(np.zeros((1, 1), dtype=np.int64), np.zeros((1, 1), np.float32)),
                TopK(np.zeros((2, 1), dtype=np.int64), np.zeros((2, 1), np.float32)),
            ]
        )


def test_zero_k_and_empty() -> None:
    X = sp.csr_matrix(np.eye(3, dtype=np.float32))
    result = blockwise_top_k([X[:1], X[1:]], 0)
    assert result.ids.shape == (3, 0)
    empty = blockwise_top_k(sp.csr_matrix((0, 4)), 3)
    assert empty.ids.shape == (0, 3)
    assert (
        newsim.SimilarityIndex(X).top_k(2).ids.tolist()
        == blockwise_top_k([X[:1], X[1:2], X[2:]], 2, memory_budget=None).ids.tolist()
    )
