"""Top-k similarity by blocks: corpora too large for one index, and merging partial top-k lists.

A :class:`~newsim.SimilarityIndex` over the whole corpus is the fastest way to every article's
nearest neighbours, but it holds the corpus twice (rows and postings) plus per-thread scratch.
:func:`blockwise_top_k` gets the same result block by block: it indexes one row block at a
time, queries every block against it (the block itself with its own rows excluded, as
:meth:`SimilarityIndex.top_k` does) and merges the k-best lists. :func:`merge_top_k` is the
merge on its own, for results computed elsewhere (``newsim.dask`` uses it across partitions).

Exactness
---------
The result equals ``SimilarityIndex(vstack(blocks)).top_k(k)`` exactly, ids and scores, ties
included. Every score is the float32 rounding of a double-precision sum of products over the
shared terms in column order, whichever of the two rows is indexed and whichever block holds
it; the merge (the core's, as in one index) keeps the k best by (score, then lower global id).

Memory model
------------
``memory_budget`` bounds what this module allocates for the pair of blocks in work at any
moment, estimated from each block's rows and stored values (nnz) and the column count. The
core prices what it allocates, next to the code that allocates it:

* the index over block ``j``: ``_core.index_nbytes`` (rows and postings, each term's largest
  weight);
* the queried block ``i``: ``_core.query_scratch_bytes`` (the core's copy of the queries and
  a scratch per thread over the indexed rows), and ``32·k`` bytes per row here: the query's
  result (12·k), its ids made global (8·k) and the merged lists (12·k);
* on the diagonal (block ``j`` against itself) the all-pairs kernel instead of the query:
  ``_core.top_k_scratch_bytes`` (its per-thread lists and scratch), and the same ``32·k``;
* blocks given as files or callables: the loaded matrices, ``itemsize + 4`` bytes per stored
  value + 8 per row, two at a time (the indexed one and the queried one).

Blocks are cut (a greedy split of the rows) until the largest index plus the largest query
fits; :func:`plan_blocks` shows the cut and the estimate. The core's figures bound what its
calls allocate (a GoogleTest counts it), but not what the resident memory adds to that: pages
of freed blocks the allocator keeps, mappings of 2 MiB and more rounded to huge pages, and the
index's construction scratch (2 bytes per stored value and 4 per column, briefly). Measured
on the 10kGNAD x 10 matrix (10,280 articles, 4.1 M stored values, 264 k columns, k = 10, one
thread): the peak resident memory above the input, less the result, was 77.8 MB with a budget
of 60 MB (3 blocks; 30 % over, as with the previous, Python-side model, which cut the same
blocks) and 84.7 MB against an estimate of 119.3 MB with one block (150 MB budget; the previous
model needed 2 blocks there): treat the budget as a target, not a hard cap.
Not covered: matrices passed in memory (they are the caller's; blocks of them are views, not
copies), the result itself, ``12·n·k`` bytes (int64 ids, float32 scores), and the interpreter's
fixed few MB (tqdm, if a progress bar is shown). The index's bytes per column are paid by every
block: with a large vocabulary, a small budget leaves room for few rows per block.

Time: every pair of blocks is scored in both directions, where one index scores each pair once
for both articles, so blockwise top-k takes about twice as long as one index, and longer with
many small blocks (each pair of blocks costs a query pass and a merge): use the largest budget
that fits.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any, Callable, NamedTuple, Optional, Union

import numpy as np
import scipy.sparse as sp

from . import _core
from ._jobs import resolve_n_jobs
from ._similarity import SimilarityIndex, TopK, _as_csr, _check_k, _check_method

__all__ = ["BlockPlan", "blockwise_query", "blockwise_top_k", "merge_top_k", "plan_blocks"]

#: What a block may be given as: a matrix, a path to a ``.npz`` file written by
#: ``scipy.sparse.save_npz``, or a callable with no arguments that returns a matrix.
BlockLike = Union[Any, str, "os.PathLike[str]", Callable[[], Any]]

_UNITS = {
    "": 1,
    "b": 1,
    "k": 10**3,
    "kb": 10**3,
    "m": 10**6,
    "mb": 10**6,
    "g": 10**9,
    "gb": 10**9,
    "t": 10**12,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}

#: Bytes per queried row and neighbour that this module allocates: the core's result as
#: returned (int64 ids, float32 scores), the ids made global (int64) and the merged lists.
_MERGE_PER_ROW_K = 12 + 8 + 12


def parse_memory(value: Any, name: str = "memory_budget") -> int:
    """Read a byte count: an int, or a string such as ``"512MB"``, ``"1.5GB"`` or ``"2GiB"``.

    Parameters
    ----------
    value : int or str
        Bytes; strings take the decimal units kB, MB, GB, TB and the binary KiB, MiB, GiB, TiB
        (case-insensitive).
    name : str, default='memory_budget'
        Parameter name for error messages.

    Returns
    -------
    int
        The number of bytes (positive).

    Examples
    --------
    >>> parse_memory("1.5GB"), parse_memory("2 MiB"), parse_memory(4096)
    (1500000000, 2097152, 4096)
    """
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a number of bytes or a string like '1GB', got bool")
    if isinstance(value, Integral):
        n = int(value)
    elif isinstance(value, Real):
        f = float(value)
        if not math.isfinite(f):
            raise ValueError(f"{name} must be finite, got {value!r}")
        n = int(f)
    elif isinstance(value, str):
        m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)\s*", value)
        unit = m.group(2).lower() if m else ""
        if m is None or unit not in _UNITS:
            raise ValueError(
                f"{name} must be a number of bytes or a string like '512MB', '1.5GB' or "
                f"'2GiB', got {value!r}"
            )
        n = int(float(m.group(1)) * _UNITS[unit])
    else:
        raise TypeError(
            f"{name} must be a number of bytes or a string like '1GB', got {type(value).__name__}"
        )
    if n <= 0:
        raise ValueError(f"{name} must be positive, got {value!r}")
    return n


# ------------------------------------------------------------------------------ merging


def _merge(parts: Sequence[tuple[np.ndarray, np.ndarray]], k: int) -> TopK:
    """Merge in the core: each row's k best of the parts, ties to the lower id, -1 padding."""
    arrays = [
        (np.ascontiguousarray(ids, dtype=np.int64), np.ascontiguousarray(s, dtype=np.float32))
        for ids, s in parts
    ]
    return TopK(*_core.merge_top_k(arrays, k))


def merge_top_k(parts: Sequence[TopK], k: Optional[int] = None) -> TopK:
    """Merge k-best lists of the same query rows, computed over disjoint sets of articles.

    Each part holds, for the same rows, neighbours among some of the articles with **global**
    ids (-1 for padding), e.g. the result of querying one block of a corpus with the block's
    offset added to its ids. The merge keeps each row's k best by score, equal scores going to
    the lower id, and pads with -1 / 0.0: the result of one index over all the articles.
    Merging is associative and commutative, so partial results can be merged in any tree.

    Parameters
    ----------
    parts : sequence of TopK
        ``(ids, scores)`` pairs of shape (n, k_i), all with the same n.
    k : int, optional
        Neighbours to keep (default: the widest part's k).

    Returns
    -------
    TopK
        ``ids`` (int64) and ``scores`` (float32) of shape (n, k).

    See Also
    --------
    blockwise_top_k : Exact top-k block by block, merged with this function.
    newsim.dask.top_k : The same over a Dask collection.

    Examples
    --------
    >>> import numpy as np
    >>> from newsim import TopK
    >>> a = TopK(np.array([[3, -1]]), np.array([[0.5, 0.0]], dtype=np.float32))
    >>> b = TopK(np.array([[1, 7]]), np.array([[0.5, 0.9]], dtype=np.float32))
    >>> merge_top_k([a, b]).ids.tolist()
    [[7, 1]]
    """
    if isinstance(parts, TopK):
        raise TypeError("parts must be a sequence of TopK results, not one TopK")
    items = list(parts)
    if not items:
        raise ValueError("merge_top_k needs at least one part")
    arrays: list[tuple[np.ndarray, np.ndarray]] = []
    for p, part in enumerate(items):
        if not isinstance(part, tuple) or len(part) != 2:
            raise TypeError(f"parts[{p}] is {type(part).__name__}, expected a TopK (ids, scores)")
        ids = np.asarray(part[0])
        scores = np.asarray(part[1])
        if ids.ndim != 2 or ids.shape != scores.shape:
            raise ValueError(
                f"parts[{p}] has ids of shape {ids.shape} and scores of shape {scores.shape}; "
                "expected two arrays of the same shape (n, k)"
            )
        if not np.issubdtype(ids.dtype, np.integer):
            raise TypeError(f"parts[{p}].ids has dtype {ids.dtype}, expected integers")
        if arrays and ids.shape[0] != arrays[0][0].shape[0]:
            raise ValueError(
                f"parts[{p}] has {ids.shape[0]} rows, parts[0] has {arrays[0][0].shape[0]}"
            )
        arrays.append((ids, scores))
    width = max(a[0].shape[1] for a in arrays)
    k = width if k is None else _check_k(k)
    return _merge(arrays, k)


def _shift(result: TopK, offset: int) -> TopK:
    """Add ``offset`` to the rows of a block's result (padding stays -1)."""
    ids = result.neighbor_rows.astype(np.int64, copy=True)
    if offset:
        ids[ids >= 0] += offset
    return TopK(ids, result.scores)


# ------------------------------------------------------------------------------ sources


class _Item:
    """One block as given: in memory, or loaded on demand (from a .npz file or a callable)."""

    def __init__(self, position: int, spec: Any) -> None:
        self.position = position
        self.lazy = isinstance(spec, (str, os.PathLike)) or (
            callable(spec) and not sp.issparse(spec) and not isinstance(spec, np.ndarray)
        )
        self._spec = spec
        self._matrix: Optional[sp.csr_matrix] = None if self.lazy else self._convert(spec)
        m = self._matrix if self._matrix is not None else self.load()
        self.rows, self.cols = int(m.shape[0]), int(m.shape[1])
        self.nnz = int(m.nnz)
        self.indptr = np.asarray(m.indptr, dtype=np.int64)
        self.bytes = int(m.data.nbytes + m.indices.nbytes + m.indptr.nbytes)

    def _convert(self, value: Any) -> sp.csr_matrix:
        # As given: the core sorts each row's columns and sums duplicates row by row, as one
        # index over all the rows would.
        return _as_csr(value, f"blocks[{self.position}]")

    def load(self) -> sp.csr_matrix:
        if self._matrix is not None:
            return self._matrix
        spec = self._spec
        if isinstance(spec, (str, os.PathLike)):
            value = sp.load_npz(spec)
        else:
            value = spec()
        return self._convert(value)


def _items(blocks: Any) -> list[_Item]:
    if sp.issparse(blocks) or isinstance(blocks, np.ndarray):
        return [_Item(0, blocks)]
    if isinstance(blocks, (str, bytes)) or not isinstance(blocks, Sequence):
        raise TypeError(
            "blocks must be a sparse matrix or a sequence of blocks (matrices, .npz paths or "
            f"callables returning a matrix), got {type(blocks).__name__}"
        )
    if len(blocks) == 0:
        raise ValueError("blocks is empty: at least one block is needed")
    items = [_Item(p, spec) for p, spec in enumerate(blocks)]
    for item in items[1:]:
        if item.cols != items[0].cols:
            raise ValueError(
                f"blocks[{item.position}] has {item.cols} columns, blocks[0] has "
                f"{items[0].cols}; all blocks must come from the same vectorizer"
            )
    return items


def _rows(M: sp.csr_matrix, start: int, stop: int) -> sp.csr_matrix:
    """Rows [start, stop) of a CSR matrix as views of its data and indices (no copy)."""
    if start == 0 and stop == M.shape[0]:
        return M
    a, b = int(M.indptr[start]), int(M.indptr[stop])
    indptr = M.indptr[start : stop + 1] - M.indptr[start]
    return sp.csr_matrix(
        (M.data[a:b], M.indices[a:b], indptr), shape=(stop - start, M.shape[1]), copy=False
    )


# ------------------------------------------------------------------------------ planning


class BlockPlan(NamedTuple):
    """How :func:`blockwise_top_k` cuts the corpus: row ranges and the memory estimate.

    ``blocks[b] = (item, start, stop, offset)``: rows ``start:stop`` of the given block
    ``item``, global rows ``offset:offset + stop - start``. ``peak_bytes`` is the estimate of
    the module's memory model for the worst pair of blocks, ``result_bytes`` the output's size.

    See Also
    --------
    plan_blocks : Make a plan.
    blockwise_top_k : Run one.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> import newsim
    >>> X = sp.random(1000, 50, density=0.1, format="csr", random_state=0)
    >>> plan = newsim.plan_blocks(X, k=10, memory_budget="100kB")
    >>> item, start, stop, offset = plan.blocks[0]  # rows 0:stop of the one matrix given
    >>> plan.n_rows, (item, start, offset), len(plan.blocks) > 1
    (1000, (0, 0, 0), True)
    >>> plan.blocks[1][3] == stop  # the next block starts where the first stops
    True
    """

    blocks: list[tuple[int, int, int, int]]
    peak_bytes: int
    result_bytes: int
    n_rows: int


class _Costs(NamedTuple):
    """What the core and this module allocate for blocks of a corpus (the module docstring)."""

    cols: int
    k: int
    threads: int
    method: str

    def index_bytes(self, rows: int, nnz: int) -> int:
        return int(_core.index_nbytes(rows, nnz, self.cols))

    def query_bytes(self, index_rows: int, rows: int, nnz: int) -> int:
        scratch = _core.query_scratch_bytes(
            index_rows, rows, nnz, self.cols, self.k, n_jobs=self.threads
        )
        return int(scratch) + _MERGE_PER_ROW_K * self.k * rows

    def diagonal_bytes(self, rows: int, nnz: int) -> int:
        scratch = _core.top_k_scratch_bytes(
            rows, nnz, self.cols, self.k, method=self.method, n_jobs=self.threads
        )
        return self.index_bytes(rows, nnz) + int(scratch) + _MERGE_PER_ROW_K * self.k * rows

    def block_bytes(self, rows: int, nnz: int) -> int:
        """Return the larger cost of a block: as the index and the queries, or against itself."""
        as_pair = self.index_bytes(rows, nnz) + self.query_bytes(rows, rows, nnz)
        return max(as_pair, self.diagonal_bytes(rows, nnz))


def _split(item: _Item, limit: float, costs: _Costs) -> list[tuple[int, int]]:
    """Greedy row ranges of ``item`` whose cost (``_Costs.block_bytes``) stays within ``limit``."""
    ranges = []
    start = 0
    while start < item.rows:
        lo, hi = start + 1, item.rows  # at least one row per block
        while lo < hi:  # the largest stop that fits: the cost grows with the rows
            mid = (lo + hi + 1) // 2
            if costs.block_bytes(mid - start, int(item.indptr[mid] - item.indptr[start])) <= limit:
                lo = mid
            else:
                hi = mid - 1
        ranges.append((start, lo))
        start = lo
    if not ranges:  # an empty block still takes part (it has no rows to query)
        ranges.append((0, 0))
    return ranges


Blocks = list[tuple[int, int, int, int]]


def _extent(items: list[_Item], blocks: Blocks) -> list[tuple[int, int]]:
    """(rows, nnz) of each block."""
    out = []
    for item, start, stop, _ in blocks:
        ip = items[item].indptr
        out.append((stop - start, int(ip[stop] - ip[start])))
    return out


def _loaded_cost(items: list[_Item], queries: Optional[list[_Item]]) -> int:
    """Two loaded (lazy) blocks at a time: one indexed, one queried."""
    lazy = sorted((it.bytes for it in items if it.lazy), reverse=True)
    if queries is None:
        return sum(lazy[:2])
    lazy_q = [it.bytes for it in queries if it.lazy]
    return (lazy[0] if lazy else 0) + (max(lazy_q) if lazy_q else 0)


def _cut(items: list[_Item], limit: Optional[float], costs: _Costs) -> Blocks:
    blocks = []
    offset = 0
    for p, item in enumerate(items):
        ranges = [(0, item.rows)] if limit is None else _split(item, limit, costs)
        for start, stop in ranges:
            blocks.append((p, start, stop, offset + start))
        offset += item.rows
    return blocks


def _plan(
    items: list[_Item],
    queries: Optional[list[_Item]],
    k: int,
    budget: Optional[int],
    threads: int,
    method: str = "auto",
) -> tuple[BlockPlan, BlockPlan]:
    """Row blocks of the corpus and of the queries (the same plan for a self-join)."""
    loaded = _loaded_cost(items, queries)
    costs = _Costs(items[0].cols, k, threads, method)

    def attempt(limit: Optional[float]) -> tuple[Blocks, Blocks, int]:
        blocks = _cut(items, limit, costs)
        sizes = _extent(items, blocks)
        index = max(costs.index_bytes(rows, nnz) for rows, nnz in sizes)
        index_rows = max(rows for rows, _ in sizes)
        if queries is None:
            query = max(costs.query_bytes(index_rows, rows, nnz) for rows, nnz in sizes)
            diag = max(costs.diagonal_bytes(rows, nnz) for rows, nnz in sizes)
            return blocks, blocks, loaded + max(index + query, diag)
        qblocks = _cut(queries, limit, costs)
        query = max(costs.query_bytes(index_rows, r, z) for r, z in _extent(queries, qblocks))
        return blocks, qblocks, loaded + index + query

    def result(blocks: Blocks, qblocks: Blocks, peak: int) -> tuple[BlockPlan, BlockPlan]:
        n_rows = sum(it.rows for it in items)
        plan = BlockPlan(blocks, peak, _core.top_k_result_bytes(n_rows, k), n_rows)
        if queries is None:
            return plan, plan
        n_q = sum(it.rows for it in queries)
        return plan, BlockPlan(qblocks, peak, _core.top_k_result_bytes(n_q, k), n_q)

    if budget is None:
        return result(*attempt(None))
    limit = float(budget - loaded)
    for _ in range(60):
        if limit <= 0:
            break
        blocks, qblocks, peak = attempt(limit)
        if peak <= budget:
            return result(blocks, qblocks, peak)
        if all(stop - start <= 1 for _, start, stop, _ in blocks + qblocks):
            break
        limit *= min(0.95, budget / peak)
    minimum = attempt(1.0)[2]
    lazy = " (with the blocks loaded from files or callables)" if loaded else ""
    raise ValueError(
        f"memory_budget={budget} bytes is too small: even one row per block needs about "
        f"{minimum} bytes{lazy} for {items[0].cols} columns and k={k}"
    )


def plan_blocks(
    blocks: Any,
    k: int = 10,
    *,
    memory_budget: Any = "1GB",
    n_jobs: Optional[int] = None,
) -> BlockPlan:
    """Show how :func:`blockwise_top_k` would cut the corpus under a memory budget.

    Parameters
    ----------
    blocks : sparse matrix or sequence
        As in :func:`blockwise_top_k`.
    k : int, default=10
        Neighbours per article.
    memory_budget : int, str or None, default='1GB'
        As in :func:`blockwise_top_k`.
    n_jobs : int or None, default=None
        Threads (the per-thread scratch counts against the budget).

    Returns
    -------
    BlockPlan
        The row blocks and the estimated peak.

    See Also
    --------
    blockwise_top_k, blockwise_query : Run a plan.
    BlockPlan : What this function returns.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> X = sp.random(1000, 50, density=0.1, format="csr", random_state=0)
    >>> plan = plan_blocks(X, k=10, memory_budget="100kB")
    >>> len(plan.blocks) > 1, plan.peak_bytes <= 100_000
    (True, True)
    """
    k = _check_k(k)
    budget = None if memory_budget is None else parse_memory(memory_budget)
    return _plan(_items(blocks), None, k, budget, resolve_n_jobs(n_jobs))[0]


# ------------------------------------------------------------------------------ top-k


def _blockwise(
    queries: Optional[list[_Item]],
    items: list[_Item],
    k: int,
    budget: Optional[int],
    n_jobs: Optional[int],
    method: str,
    progress: bool,
) -> TopK:
    threads = resolve_n_jobs(n_jobs)
    plan, qplan = _plan(items, queries, k, budget, threads, method)
    qitems = items if queries is None else queries
    n_q = qplan.n_rows
    ids = np.full((n_q, k), -1, dtype=np.int64)
    scores = np.zeros((n_q, k), dtype=np.float32)
    if k == 0 or n_q == 0:
        return TopK(ids, scores)
    if queries is None and len(plan.blocks) == 1:  # one block: one index, nothing to merge
        item = items[0].load()
        return _as_result(
            SimilarityIndex(item, n_jobs=n_jobs, progress=False).top_k(k, method=method)
        )

    bar = _bar(progress, len(plan.blocks) * len(qplan.blocks))
    # At most one indexed and one other queried block are loaded at a time.
    held_j: tuple[int, Optional[sp.csr_matrix]] = (-1, None)
    held_i: tuple[int, Optional[sp.csr_matrix]] = (-1, None)
    try:
        for j_item, j_start, j_stop, j_off in plan.blocks:
            if held_j[0] != j_item:
                held_j = (-1, None)
                held_j = (j_item, items[j_item].load())
            Xj_full = held_j[1]
            assert Xj_full is not None
            index = SimilarityIndex(_rows(Xj_full, j_start, j_stop), n_jobs=n_jobs, progress=False)
            for i_item, i_start, i_stop, i_off in qplan.blocks:
                if bar is not None:
                    bar.update(1)
                if i_stop == i_start:
                    continue
                if queries is None and i_item == j_item:
                    Xi_full = Xj_full
                else:
                    if held_i[0] != i_item:
                        held_i = (-1, None)
                        held_i = (i_item, qitems[i_item].load())
                    Xi_full = held_i[1]
                    assert Xi_full is not None
                if queries is None and (i_item, i_start) == (j_item, j_start):
                    part = index.top_k(k, method=method)
                else:
                    part = index.query(_rows(Xi_full, i_start, i_stop), k, method=method)
                rows = slice(i_off, i_off + i_stop - i_start)
                ids[rows], scores[rows] = _merge(
                    [(ids[rows], scores[rows]), _shift(part, j_off)], k
                )
            del index
    finally:
        if bar is not None:
            bar.close()
    return TopK(ids, scores)


def _as_result(result: TopK) -> TopK:
    """Return a TopK as the blockwise functions do (int64 ids, float32 scores)."""
    return TopK(
        result.neighbor_rows.astype(np.int64, copy=False),
        result.scores.astype(np.float32, copy=False),
    )


def _bar(progress: bool, total: int) -> Any:
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc="newsim blockwise top-k", unit="pair", leave=False)


def blockwise_top_k(
    blocks: Any,
    k: int = 10,
    *,
    memory_budget: Any = "1GB",
    n_jobs: Optional[int] = None,
    method: str = "auto",
    progress: bool = False,
) -> TopK:
    """Each article's k most similar other articles, computed block by block.

    The result equals ``SimilarityIndex(scipy.sparse.vstack(blocks)).top_k(k)`` exactly (ids,
    scores and the order of ties), while only one block is indexed at a time: for every pair
    of row blocks (i, j) the rows of block i are queried against an index over block j (on the
    diagonal, block j's own all-pairs top-k, which excludes each article itself) and the
    k-best lists are merged with global ids. See the module's memory model for what the budget
    covers.

    Parameters
    ----------
    blocks : sparse matrix or sequence
        The corpus's rows, e.g. TF-IDF vectors from one fitted vectorizer: one matrix (cut
        into row blocks that fit the budget), or a sequence of row blocks in corpus order,
        each a matrix, a path to a ``.npz`` file written by :func:`scipy.sparse.save_npz`, or
        a callable with no arguments returning a matrix. Files and callables are loaded when
        needed (more than once) and never all at once: that is how a corpus larger than memory
        is processed. A block larger than the budget is cut further.
    k : int, default=10
        Neighbours per article; rows with fewer are padded with id -1 and score 0.0.
    memory_budget : int, str or None, default='1GB'
        Bytes (or a string such as ``'512MB'``) for the indices, queries and scratch of one
        pair of blocks; None uses the blocks as given.
    n_jobs : int or None, default=None
        Threads of each index (None: 1; -1: all cores).
    method : {'auto', 'pruned', 'brute'}, default='auto'
        As in :meth:`SimilarityIndex.top_k`.
    progress : bool, default=False
        Show a tqdm progress bar over the pairs of blocks.

    Returns
    -------
    TopK
        ``(ids, scores)`` of shape (n_articles, k), ids global (row numbers of the stacked
        blocks).

    See Also
    --------
    blockwise_query : New articles against blocks.
    plan_blocks : How the rows are cut into blocks.
    newsim.SimilarityIndex.top_k : The same for a matrix that fits in memory.
    newsim.dask.top_k : The same over a Dask collection.

    Examples
    --------
    >>> import newsim
    >>> vec = newsim.TfidfVectorizer(language="en")
    >>> X = vec.fit_transform(["the cat sat on the mat", "a cat sat", "dogs bark", "a dog barks"])
    >>> ids, scores = blockwise_top_k([X[:2], X[2:]], k=1)
    >>> ids.ravel().tolist()
    [1, 0, 3, 2]
    """
    k = _check_k(k)
    method = _check_method(method)
    budget = None if memory_budget is None else parse_memory(memory_budget)
    resolve_n_jobs(n_jobs)
    return _blockwise(None, _items(blocks), k, budget, n_jobs, method, progress)


def blockwise_query(
    Q: Any,
    blocks: Any,
    k: int = 10,
    *,
    memory_budget: Any = "1GB",
    n_jobs: Optional[int] = None,
    method: str = "auto",
    progress: bool = False,
) -> TopK:
    """Find the k most similar articles of a blocked corpus for each query row.

    Equals ``SimilarityIndex(scipy.sparse.vstack(blocks)).query(Q, k)`` exactly.

    Parameters
    ----------
    Q : sparse matrix or sequence
        The queries, transformed by the corpus's vectorizer: one matrix or a sequence of row
        blocks, as ``blocks``.
    blocks : sparse matrix or sequence
        The corpus, as in :func:`blockwise_top_k`.
    k : int, default=10
        Neighbours per query.
    memory_budget : int, str or None, default='1GB'
        As in :func:`blockwise_top_k`.
    n_jobs : int or None, default=None
        Threads of each index.
    method : {'auto', 'pruned', 'brute'}, default='auto'
        As in :meth:`SimilarityIndex.query`.
    progress : bool, default=False
        Show a tqdm progress bar.

    Returns
    -------
    TopK
        ``(ids, scores)`` of shape (n_queries, k), ids global.

    See Also
    --------
    blockwise_top_k : The top-k of every article against the others.
    newsim.SimilarityIndex.query : The same for an index in memory.

    Examples
    --------
    >>> import newsim
    >>> vec = newsim.TfidfVectorizer(language="en")
    >>> X = vec.fit_transform(["the cat sat on the mat", "the dog sat", "dogs bark"])
    >>> blockwise_query(vec.transform(["a barking dog"]), [X[:2], X[2:]], k=2).ids.tolist()
    [[2, 1]]
    """
    k = _check_k(k)
    method = _check_method(method)
    budget = None if memory_budget is None else parse_memory(memory_budget)
    resolve_n_jobs(n_jobs)
    items = _items(blocks)
    queries = _items(Q)
    if queries[0].cols != items[0].cols:
        raise ValueError(
            f"Q has {queries[0].cols} columns, the blocks have {items[0].cols}; transform the "
            "queries with the vectorizer that built the blocks"
        )
    return _blockwise(queries, items, k, budget, n_jobs, method, progress)
