"""Benchmark: all-pairs top-k cosine similarity, near-duplicate pairs and single-query latency.

Usage (from the repo root)::

    python benchmarks/bench_similarity.py --n 10000 --rounds 3 --out benchmarks/RESULTS.md
    python benchmarks/bench_similarity.py --quick            # 1k docs, 1 round, < 2 minutes

Tasks (k = 10, cosine of L2-normalised float32 TF-IDF rows):

1. **All-pairs top-k** (self excluded) on ``--n`` documents: 10kGNAD repeated with
   :func:`benchmarks.corpora.scaled` (``--n 10000`` -> 10 copies = 10,280 docs), vectorised
   once with ``newsim.TfidfVectorizer(language="de")`` (newsim's defaults: word pairs and
   compound splitting included); the same matrix ``X`` goes to every
   contender.  The anchor is scikit-learn's dense ``cosine_similarity`` + ``argpartition``
   (float64); its output is the reference of the agreement column.
2. **Scaling in n** (``--scaling``, default 1k, 10k, 100k): 1k and 10k from the real corpus,
   100k from :mod:`benchmarks.generate` (synthetic news-like text, vectorised with
   ``newsim.TfidfVectorizer(language=None, stop_words=generate.function_words(),
   stemmer=None, ngram_range=(1, 1))``: the generator's function words play the German stop
   words' part;
   ``--keep-function-words`` keeps them, which makes X X^T ~3.7x denser).  A contender is
   skipped with "would need X GB" when its predicted memory exceeds ``--mem-limit-gb``, or
   when its time extrapolated from the previous size exceeds ``--time-limit`` per run.
3. **Near-duplicate pairs** with cosine >= ``--threshold`` (0.8) at ``--n``: newsim
   ``SimilarityIndex.pairs`` vs the dense anchor (``S >= t``, ``i < j``).
4. **Single-query latency** against a ``--latency-n`` (100k) index: median and p95 of
   ``index.query(X[i], k=10)`` over ``--queries`` (200) random rows, vs a scipy brute force.

Peak memory per contender: a fresh subprocess (``harness.measure_child``) loads ``X`` from a
temporary ``.npz`` saved once, builds the contender and runs it once; it runs *before* the
in-process timings, so a contender that crashes or runs out of memory is reported, not fatal.
``--out`` replaces only the section between ``<!-- similarity:begin -->`` and
``<!-- similarity:end -->``; ``--plot`` writes the time/memory-vs-n plot (PNG).
If ``newsim.SimilarityIndex`` is missing, the newsim contenders are skipped with a message.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import scipy.sparse as sp

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import corpora, harness

SECTION = "similarity"
PACKAGES = ("numpy", "scipy", "scikit-learn", "gensim", "sparse_dot_topn", "newsim")
K = 10
THRESHOLD = 0.8
TOL = 1e-5  # score tolerance of the agreement checks
GiB = 1024**3
GNAD_DOCS = 1028  # documents in the 10kGNAD test split
MAX_REAL_COPIES = 20  # sizes up to 20 x 1028 docs come from the real corpus, bigger ones
# from the generator
TARGET_SECONDS = 60.0  # newsim all-pairs top-10 at 100k docs on 2 cores
TARGET_PEAK_MB = 1000.0  # ... in at most 1 GB peak RSS
TARGET_QUERY_MS = 5.0  # single query against a 100k index

ANCHOR = "sklearn cosine_similarity + argpartition (anchor)"
PAIRS_ANCHOR = "sklearn cosine_similarity, S >= t (anchor)"
_HERE = "benchmarks.bench_similarity"


# --------------------------------------------------------------------------------------
# selection and agreement helpers (pure numpy/scipy; unit-tested)


def topk_from_csr(S: Any, k: int, exclude_self: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Per-row top-``k`` of a sparse similarity matrix.

    Returns ``(ids, scores)``, both ``(n_rows, k)``, best first, ties by ascending id; rows
    with fewer than ``k`` stored entries are padded with id -1 and score 0.  With
    ``exclude_self`` the entry ``(i, i)`` is ignored.  Only stored entries are candidates.
    """
    S = sp.csr_matrix(S)
    S.sum_duplicates()
    n = S.shape[0]
    ids = np.full((n, k), -1, dtype=np.int64)
    scores = np.zeros((n, k), dtype=np.float64 if S.dtype == np.float64 else np.float32)
    if n == 0 or k == 0:
        return ids, scores
    indptr, indices, data = S.indptr, S.indices, S.data
    counts = np.diff(indptr)
    if counts.max(initial=0) <= 4 * (k + 1):
        # few entries per row (e.g. a top-n product): one global sort
        rows = np.repeat(np.arange(n), counts)
        keep = indices != rows if exclude_self else np.ones(len(rows), dtype=bool)
        r, c, v = rows[keep], indices[keep].astype(np.int64), data[keep]
        order = np.lexsort((c, -v, r))
        r, c, v = r[order], c[order], v[order]
        first = np.concatenate(([0], np.cumsum(np.bincount(r, minlength=n))))[r]
        rank = np.arange(len(r)) - first
        m = rank < k
        ids[r[m], rank[m]] = c[m]
        scores[r[m], rank[m]] = v[m]
        return ids, scores
    for i in range(n):
        a, b = indptr[i], indptr[i + 1]
        c = indices[a:b]
        v = data[a:b]
        if exclude_self:
            m = c != i
            c, v = c[m], v[m]
        if len(c) > k:
            p = np.argpartition(-v, k - 1)[:k]
            c, v = c[p], v[p]
        o = np.lexsort((c, -v))
        ids[i, : len(o)] = c[o]
        scores[i, : len(o)] = v[o]
    return ids, scores


def topk_from_dense(S: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-row top-``k`` of a dense matrix (no exclusion), best first, ties by ascending id."""
    S = np.asarray(S)
    k = min(k, S.shape[1])
    part = np.sort(np.argpartition(-S, k - 1, axis=1)[:, :k], axis=1)
    sc = np.take_along_axis(S, part, axis=1)
    order = np.argsort(-sc, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1).astype(np.int64), np.take_along_axis(
        sc, order, axis=1
    )


def pair_scores(X: Any, rows: np.ndarray, cols: np.ndarray, chunk: int = 50_000) -> np.ndarray:
    """Exact (float64) dot products ``X[rows[p]] . X[cols[p]]`` for every pair ``p``."""
    X64 = sp.csr_matrix(X, dtype=np.float64)
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    out = np.empty(len(rows), dtype=np.float64)
    for s in range(0, len(rows), chunk):
        e = min(len(rows), s + chunk)
        prod = X64[rows[s:e]].multiply(X64[cols[s:e]])
        out[s:e] = np.asarray(prod.sum(axis=1)).ravel()
    return out


@dataclass
class TopkCheck:
    """Agreement of a top-k result with a reference (see :func:`check_topk`)."""

    n_rows: int
    n_agree: int
    n_same_set: int
    n_invalid: int
    n_bad_score: int = 0
    max_score_err: float | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        """Share of rows that agree."""
        return self.n_agree / self.n_rows if self.n_rows else 1.0

    def summary(self) -> str:
        """One line for the results table."""
        s = f"{self.share:.2%} ({self.n_agree}/{self.n_rows} rows; {self.n_same_set} identical sets"
        if self.max_score_err is not None:
            s += f"; max abs score error {self.max_score_err:.1e}"
        s += ")"
        if self.problems:
            s += "; " + "; ".join(self.problems)
        return s


def check_topk(
    ids: Any,
    scores: Any,
    ref_ids: np.ndarray,
    ref_scores: np.ndarray,
    X: Any = None,
    *,
    row_ids: np.ndarray | None = None,
    exclude_self: bool = True,
    tol: float = TOL,
) -> TopkCheck:
    """Compare a top-k result with a reference, row by row.

    A row agrees if it is valid (ids in range, no duplicates, no self when
    ``exclude_self``) and its set of neighbours with a score above ``tol`` equals the
    reference's, or, up to ties, the sorted scores (padding counts as 0) equal the
    reference's within ``tol``.  With ``X``, the reported scores are also checked against
    the exact float64 cosine of each pair (a row whose scores are off by more than ``tol``
    does not agree).  ``row_ids`` are the document ids of the query rows (default
    ``0..n-1``).
    """
    ref_ids = np.asarray(ref_ids)
    ref_scores = np.asarray(ref_scores, dtype=np.float64)
    n, k = ref_ids.shape
    problems: list[str] = []
    ids = np.asarray(ids)
    scores = np.asarray(scores, dtype=np.float64)
    if ids.ndim == 1 and n == 1:
        ids, scores = ids[None, :], scores[None, :]
    if ids.shape != scores.shape or ids.ndim != 2 or ids.shape[0] != n:
        return TopkCheck(n, 0, 0, n, problems=[f"shape {ids.shape}/{scores.shape} != {(n, k)}"])
    if ids.shape[1] != k:
        problems.append(f"{ids.shape[1]} columns, expected {k}")
        w = ids.shape[1]
        if w > k:
            ids, scores = ids[:, :k], scores[:, :k]
        else:
            ids = np.hstack([ids, np.full((n, k - w), -1, dtype=ids.dtype)])
            scores = np.hstack([scores, np.zeros((n, k - w))])
    ids = ids.astype(np.int64)
    rows = np.arange(n) if row_ids is None else np.asarray(row_ids, dtype=np.int64)
    n_index = int(max(ids.max(initial=-1), ref_ids.max(initial=-1), rows.max(initial=-1))) + 1
    if X is not None:
        n_index = X.shape[0]
    pad = ids < 0
    sc = np.where(pad, 0.0, scores)

    invalid = ((ids >= n_index) | (ids < -1)).any(axis=1)
    if exclude_self:
        has_self = (ids == rows[:, None]).any(axis=1)
        if has_self.any():
            problems.append(f"self listed in {int(has_self.sum())} rows")
        invalid |= has_self
    srt = np.sort(np.where(pad, -1, ids), axis=1)
    dup = ((srt[:, 1:] == srt[:, :-1]) & (srt[:, 1:] >= 0)).any(axis=1)
    if dup.any():
        problems.append(f"duplicate ids in {int(dup.sum())} rows")
    invalid |= dup
    if np.isnan(sc).any():
        problems.append("NaN scores")
        invalid |= np.isnan(sc).any(axis=1)
    unsorted = (np.diff(sc, axis=1) > tol).any(axis=1)
    if unsorted.any():
        problems.append(f"scores not in descending order in {int(unsorted.sum())} rows")

    ref_pad = ref_ids < 0
    ref_sc = np.where(ref_pad, 0.0, ref_scores)
    a = np.sort(np.where(~pad & (sc > tol), ids, -1), axis=1)
    b = np.sort(np.where(~ref_pad & (ref_sc > tol), ref_ids, -1), axis=1)
    same_set = (a == b).all(axis=1)
    sa = -np.sort(-sc, axis=1)
    sb = -np.sort(-ref_sc, axis=1)
    same_scores = (np.abs(sa - sb) <= tol).all(axis=1)

    bad_score = np.zeros(n, dtype=bool)
    max_err: float | None = None
    if X is not None:
        valid_entry = ~pad & ~invalid[:, None]
        r_idx, c_idx = np.nonzero(valid_entry)
        if len(r_idx):
            exact = pair_scores(X, rows[r_idx], ids[r_idx, c_idx])
            err = np.abs(exact - sc[r_idx, c_idx])
            max_err = float(err.max())
            bad = err > tol
            bad_score[np.unique(r_idx[bad])] = True
            if bad.any():
                problems.append(f"wrong scores in {int(bad_score.sum())} rows")
        else:
            max_err = 0.0
    agree = ~invalid & ~bad_score & (same_set | same_scores)
    return TopkCheck(
        n_rows=n,
        n_agree=int(agree.sum()),
        n_same_set=int((same_set & ~invalid).sum()),
        n_invalid=int(invalid.sum()),
        n_bad_score=int(bad_score.sum()),
        max_score_err=max_err,
        problems=problems,
    )


@dataclass
class PairsCheck:
    """Agreement of a thresholded pair list with a reference (see :func:`check_pairs`)."""

    n_pairs: int
    n_ref: int
    n_common: int
    n_missing: int
    n_extra: int
    n_missing_borderline: int
    n_extra_borderline: int
    problems: list[str] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        """True if every difference is within the tolerance of the threshold."""
        return (
            self.n_missing == self.n_missing_borderline
            and self.n_extra == self.n_extra_borderline
            and not self.problems
        )

    def summary(self) -> str:
        """One line for the results table."""
        s = (
            f"{'agrees' if self.agrees else 'DIFFERS'}: {self.n_common} common, "
            f"{self.n_missing} missing ({self.n_missing_borderline} borderline), "
            f"{self.n_extra} extra ({self.n_extra_borderline} borderline)"
        )
        if self.problems:
            s += "; " + "; ".join(self.problems)
        return s


def pair_keys(i: Any, j: Any, n: int) -> tuple[np.ndarray, list[str]]:
    """Unique keys ``min * n + max`` of unordered pairs, and problems found on the way."""
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    problems = []
    if len(i) != len(j):
        raise ValueError(f"i and j differ in length: {len(i)} vs {len(j)}")
    if (i > j).any():
        problems.append(f"{int((i > j).sum())} pairs with i > j")
    if (i == j).any():
        problems.append(f"{int((i == j).sum())} self pairs")
    if len(i) and (min(i.min(), j.min()) < 0 or max(i.max(), j.max()) >= n):
        problems.append("ids out of range")
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    keys = lo * n + hi
    uniq = np.unique(keys)
    if len(uniq) != len(keys):
        problems.append(f"{len(keys) - len(uniq)} duplicate pairs")
    return uniq, problems


def check_pairs(
    i: Any,
    j: Any,
    ref_i: Any,
    ref_j: Any,
    X: Any,
    threshold: float,
    tol: float = TOL,
    score: Any = None,
) -> PairsCheck:
    """Compare pairs ``(i, j)`` (cosine >= ``threshold``) with a reference list.

    A pair found by one side only is *borderline* if its exact (float64) cosine is within
    ``tol`` of the threshold; such pairs do not count as disagreements.  With ``score``, the
    reported scores are checked against the exact ones.
    """
    n = X.shape[0]
    keys, problems = pair_keys(i, j, n)
    ref_keys, _ = pair_keys(ref_i, ref_j, n)
    common = np.intersect1d(keys, ref_keys, assume_unique=True)
    missing = np.setdiff1d(ref_keys, keys, assume_unique=True)
    extra = np.setdiff1d(keys, ref_keys, assume_unique=True)

    def borderline(k: np.ndarray) -> int:
        if not len(k):
            return 0
        s = pair_scores(X, k // n, k % n)
        return int((np.abs(s - threshold) <= tol).sum())

    if score is not None:
        i64, j64 = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
        ok = (i64 >= 0) & (j64 >= 0) & (i64 < n) & (j64 < n)
        if ok.any():
            exact = pair_scores(X, i64[ok], j64[ok])
            err = np.abs(exact - np.asarray(score, dtype=np.float64)[ok])
            if (err > tol).any():
                problems.append(f"{int((err > tol).sum())} wrong scores (max {err.max():.1e})")
    return PairsCheck(
        n_pairs=len(keys),
        n_ref=len(ref_keys),
        n_common=len(common),
        n_missing=len(missing),
        n_extra=len(extra),
        n_missing_borderline=borderline(missing),
        n_extra_borderline=borderline(extra),
        problems=problems,
    )


def sim_flops(X: Any) -> int:
    """Multiply-adds of ``X @ X.T`` (sum over terms of df^2); also bounds nnz(X @ X.T)."""
    df = np.bincount(sp.csr_matrix(X).indices, minlength=X.shape[1]).astype(np.float64)
    return int((df * df).sum())


def predict_bytes(kind: str, n: int, nnz_s: float, k: int = K) -> float | None:
    """Rough peak working memory (bytes, excluding X) of a contender kind; None if unknown.

    ``nnz_s`` estimates the non-zeros of ``X @ X.T`` (at most n^2).
    """
    dense = 8.0 * n * n
    idx = 12.0 if nnz_s >= 2**31 else 8.0  # float32 + int32 (int64 once nnz >= 2^31)
    if kind == "dense_topk":  # sparse S64 -> dense S, -S, argpartition int64 indices
        return max(12.0 * nnz_s + dense, 3 * dense)
    if kind == "dense_pairs":  # dense S + boolean mask + triu copy
        return max(12.0 * nnz_s + dense, dense + 2.0 * n * n)
    if kind == "scipy_topk":
        return idx * nnz_s
    if kind == "scipy_pairs":  # product + row ids + masks
        return (idx + 10.0) * nnz_s
    if kind == "gensim":  # per chunk of 500 queries: sparse result + dense float32 copy
        return 500.0 * n * 16 + n * (k + 1) * 120.0
    if kind == "sdtn":
        return n * (k + 1) * 12.0 * 2
    return None


def fmt_bytes(b: float) -> str:
    """Bytes as GB (10^9) for skip messages."""
    return f"{b / 1e9:.1f} GB"


# --------------------------------------------------------------------------------------
# contender factories: factory(**kwargs) -> run(X) -> (ids (n, k), scores (n, k))


def load_matrix(path: str) -> Any:
    """Loader of the memory subprocess: the CSR matrix saved with ``scipy.sparse.save_npz``."""
    return sp.load_npz(path).tocsr()


def make_anchor(k: int = K) -> Callable[[Any], Any]:
    """sklearn ``cosine_similarity`` (float64) + ``fill_diagonal(-inf)`` + ``argpartition``."""
    from sklearn.metrics.pairwise import cosine_similarity

    def run(X: Any) -> Any:
        S = cosine_similarity(X.astype(np.float64))
        np.fill_diagonal(S, -np.inf)
        part = np.argpartition(-S, k, axis=1)[:, :k]
        part.sort(axis=1)
        sc = np.take_along_axis(S, part, axis=1)
        order = np.argsort(-sc, axis=1, kind="stable")
        return np.take_along_axis(part, order, axis=1), np.take_along_axis(sc, order, axis=1)

    return run


def make_scipy(k: int = K) -> Callable[[Any], Any]:
    """scipy sparse ``X @ X.T`` + per-row top-k selection (self excluded)."""

    def run(X: Any) -> Any:
        return topk_from_csr((X @ X.T).tocsr(), k, exclude_self=True)

    return run


def make_gensim(k: int = K, chunksize: int = 500) -> Callable[[Any], Any]:
    """gensim ``SparseMatrixSimilarity(num_best=k+1)`` built from X, iterated over itself."""
    from gensim.matutils import Sparse2Corpus
    from gensim.similarities import SparseMatrixSimilarity

    def run(X: Any) -> Any:
        n = X.shape[0]
        index = SparseMatrixSimilarity(
            Sparse2Corpus(X, documents_columns=False),
            num_features=X.shape[1],
            num_docs=n,
            num_nnz=X.nnz,
            num_best=k + 1,
            chunksize=chunksize,
        )
        counts = np.zeros(n, dtype=np.int64)
        cols: list[int] = []
        vals: list[float] = []
        for i, sims in enumerate(index):
            counts[i] = len(sims)
            for j, s in sims:
                cols.append(j)
                vals.append(s)
        indptr = np.concatenate(([0], np.cumsum(counts)))
        S = sp.csr_matrix(
            (np.asarray(vals, dtype=np.float32), np.asarray(cols, dtype=np.int64), indptr),
            shape=(n, n),
        )
        return topk_from_csr(S, k, exclude_self=True)

    return run


def make_sdtn(k: int = K, n_threads: int = 1) -> Callable[[Any], Any]:
    """``sparse_dot_topn.sp_matmul_topn(X, X.T, top_n=k+1)``, then self dropped."""
    from sparse_dot_topn import sp_matmul_topn

    def run(X: Any) -> Any:
        C = sp_matmul_topn(X, X.T, top_n=k + 1, n_threads=n_threads, sort=True)
        return topk_from_csr(C, k, exclude_self=True)

    return run


def make_newsim(k: int = K, n_jobs: int = 1, method: str | None = None) -> Callable[[Any], Any]:
    """``newsim.SimilarityIndex(X, n_jobs=...).top_k(k=k[, method=...])``."""
    import newsim

    kw = {} if method is None else {"method": method}

    def run(X: Any) -> Any:
        return newsim.SimilarityIndex(X, n_jobs=n_jobs, progress=False).top_k(k=k, **kw)

    return run


# pairs: run(X) -> (i, j, score)


def make_anchor_pairs(threshold: float = THRESHOLD) -> Callable[[Any], Any]:
    """Dense sklearn ``cosine_similarity`` (float64); pairs i < j with S >= threshold."""
    from sklearn.metrics.pairwise import cosine_similarity

    def run(X: Any) -> Any:
        S = cosine_similarity(X.astype(np.float64))
        i, j = np.nonzero(np.triu(S >= threshold, 1))
        return i, j, S[i, j]

    return run


def make_scipy_pairs(threshold: float = THRESHOLD) -> Callable[[Any], Any]:
    """scipy ``X @ X.T``; stored entries i < j with value >= threshold."""

    def run(X: Any) -> Any:
        S = (X @ X.T).tocsr()
        rows = np.repeat(np.arange(S.shape[0]), np.diff(S.indptr))
        m = (S.data >= threshold) & (S.indices > rows)
        return rows[m], S.indices[m].astype(np.int64), S.data[m]

    return run


def make_newsim_pairs(threshold: float = THRESHOLD, n_jobs: int = 1) -> Callable[[Any], Any]:
    """``newsim.SimilarityIndex(X, n_jobs=...).pairs(threshold=...)``."""
    import newsim

    def run(X: Any) -> Any:
        rows, neighbors, scores = newsim.SimilarityIndex(X, n_jobs=n_jobs, progress=False).pairs(
            threshold=threshold
        )
        return np.asarray(rows), np.asarray(neighbors), np.asarray(scores)

    return run


# --------------------------------------------------------------------------------------
# contender specs


@dataclass
class Spec:
    """A contender plus what the scaling rules need to know about it."""

    name: str
    factory: str
    kwargs: dict[str, Any]
    kind: str  # for predict_bytes
    newsim: bool = False
    anchor: bool = False
    always_run: bool = False  # exempt from the time extrapolation (the subject under test)

    def contender(self, reference: str | None = None) -> harness.Contender:
        """The harness contender."""
        return harness.Contender(
            self.name,
            target=f"{_HERE}:{self.factory}",
            kwargs=self.kwargs,
            anchor=self.anchor,
            reference=reference,
        )


def newsim_status() -> tuple[bool, str]:
    """Whether ``newsim.SimilarityIndex`` exists, and a message if not."""
    try:
        import newsim
    except Exception as exc:
        return (
            False,
            f"newsim contenders skipped: `import newsim` failed ({harness._short_error(exc)})",
        )
    if not hasattr(newsim, "SimilarityIndex"):
        return False, "newsim contenders skipped: `newsim.SimilarityIndex` does not exist yet"
    return True, ""


def topk_specs(k: int, with_newsim: bool) -> list[Spec]:
    """All-pairs top-k contenders, anchor first."""
    specs = [
        Spec(ANCHOR, "make_anchor", {"k": k}, "dense_topk", anchor=True),
        Spec("scipy X @ X.T + per-row top-k", "make_scipy", {"k": k}, "scipy_topk"),
        Spec("gensim SparseMatrixSimilarity(num_best=k+1)", "make_gensim", {"k": k}, "gensim"),
        Spec("sparse_dot_topn n_threads=1", "make_sdtn", {"k": k, "n_threads": 1}, "sdtn"),
        Spec("sparse_dot_topn n_threads=2", "make_sdtn", {"k": k, "n_threads": 2}, "sdtn"),
    ]
    if with_newsim:
        specs += [
            Spec(
                "newsim top_k n_jobs=1",
                "make_newsim",
                {"k": k, "n_jobs": 1},
                "newsim",
                newsim=True,
                always_run=True,
            ),
            Spec(
                "newsim top_k n_jobs=2",
                "make_newsim",
                {"k": k, "n_jobs": 2},
                "newsim",
                newsim=True,
                always_run=True,
            ),
            Spec(
                'newsim top_k method="brute" n_jobs=1',
                "make_newsim",
                {"k": k, "n_jobs": 1, "method": "brute"},
                "newsim",
                newsim=True,
            ),
        ]
    return specs


def pairs_specs(threshold: float, with_newsim: bool) -> list[Spec]:
    """Near-duplicate pair contenders, anchor first."""
    specs = [
        Spec(
            PAIRS_ANCHOR, "make_anchor_pairs", {"threshold": threshold}, "dense_pairs", anchor=True
        ),
        Spec("scipy X @ X.T >= t", "make_scipy_pairs", {"threshold": threshold}, "scipy_pairs"),
    ]
    if with_newsim:
        for jobs in (1, 2):
            specs.append(
                Spec(
                    f"newsim pairs n_jobs={jobs}",
                    "make_newsim_pairs",
                    {"threshold": threshold, "n_jobs": jobs},
                    "newsim",
                    newsim=True,
                    always_run=True,
                )
            )
    return specs


# --------------------------------------------------------------------------------------
# data


@dataclass
class Dataset:
    """The matrix every contender gets, and where it came from."""

    X: Any  # CSR float32, L2-normalised rows
    desc: str
    synthetic: bool
    seconds: float  # corpus + vectorisation time

    @property
    def n(self) -> int:
        """Number of documents."""
        return int(self.X.shape[0])


#: Extra TfidfVectorizer parameters for the real corpus (``--real-params``).
REAL_PARAMS: dict[str, Any] = {}


def _vectorizer(synthetic: bool, stop_function_words: bool = True) -> tuple[Any, str]:
    """The vectorizer of a data set and its description.

    Real corpus: ``newsim.TfidfVectorizer(language="de", **REAL_PARAMS)`` (German stop words
    removed; newsim's defaults unless ``--real-params`` says otherwise).
    Synthetic corpus: no language, no stemmer, and the generator's function words as the
    stop-word list (the counterpart of the German list) unless ``stop_function_words`` is
    False.
    """
    try:
        import newsim
    except ImportError:
        newsim = None
    if not synthetic:
        if newsim is not None:
            extra = "".join(f", {k}={v!r}" for k, v in REAL_PARAMS.items())
            return (
                newsim.TfidfVectorizer(language="de", **REAL_PARAMS),
                f'newsim.TfidfVectorizer(language="de"{extra})',
            )
        from sklearn.feature_extraction.text import TfidfVectorizer

        return (
            TfidfVectorizer(sublinear_tf=True, dtype=np.float32),
            "sklearn TfidfVectorizer(sublinear_tf=True, dtype=float32) (newsim not importable)",
        )
    from benchmarks import generate

    stop = generate.function_words() if stop_function_words else None
    stop_desc = "generate.function_words()" if stop_function_words else "None"
    if newsim is not None:
        return (
            # Single words: the generator draws words independently (its pairs mean nothing).
            newsim.TfidfVectorizer(
                language=None, stop_words=stop, stemmer=None, ngram_range=(1, 1)
            ),
            f"newsim.TfidfVectorizer(language=None, stop_words={stop_desc}, stemmer=None, "
            "ngram_range=(1, 1))",
        )
    from sklearn.feature_extraction.text import TfidfVectorizer

    return (
        TfidfVectorizer(sublinear_tf=True, dtype=np.float32, stop_words=stop),
        f"sklearn TfidfVectorizer(sublinear_tf=True, stop_words={stop_desc}) (no newsim)",
    )


def canonical(X: Any) -> Any:
    """CSR float32, sorted indices, no duplicates, rows L2-normalised (empty rows stay 0)."""
    X = sp.csr_matrix(X, dtype=np.float32)
    X.sum_duplicates()
    X.sort_indices()
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1), dtype=np.float64).ravel())
    if np.any(np.abs(norms[norms > 0] - 1) > 1e-4):
        scale = np.where(norms > 0, 1.0 / np.maximum(norms, 1e-30), 0.0)
        X = sp.csr_matrix(sp.diags(scale.astype(np.float32)) @ X, dtype=np.float32)
    return X


def build_dataset(
    n: int, seed: int = 0, gen_seed: int = 0, stop_function_words: bool = True
) -> Dataset:
    """``n`` <= 20 x 1028: 10kGNAD x round(n / 1028) copies; else ``n`` generated docs."""
    t0 = time.perf_counter()
    if n <= MAX_REAL_COPIES * GNAD_DOCS:
        base = corpora.load_10kgnad()
        copies = max(1, round(n / len(base)))
        texts = corpora.scaled(base.texts, copies, seed=seed)
        synthetic = False
        what = (
            f"{base.name} ({len(base)} docs) x {copies} "
            f"{'copy' if copies == 1 else 'copies'} (`corpora.scaled`, seed {seed}) = "
            f"{len(texts)} docs"
        )
    else:
        from benchmarks import generate

        texts = generate.generate(n, seed=gen_seed)
        synthetic = True
        what = f"synthetic: `generate.generate({n}, seed={gen_seed})` = {n} docs"
    vec, vec_desc = _vectorizer(synthetic, stop_function_words)
    X = canonical(vec.fit_transform(texts))
    mb = corpora.corpus_bytes(texts) / harness.MB
    del texts
    gc.collect()
    desc = (
        f"{what}, {mb:.1f} MB UTF-8; X = {vec_desc}.fit_transform: {X.shape[0]} x {X.shape[1]} "
        f"float32 CSR, nnz {X.nnz}"
    )
    return Dataset(X, desc, synthetic, time.perf_counter() - t0)


# --------------------------------------------------------------------------------------
# one task on one data set


@dataclass
class TaskResult:
    """Results of one task (contenders on one data set) plus the skipped contenders."""

    task: str
    n: int
    desc: str
    synthetic: bool
    bench: harness.BenchResult | None
    skipped: dict[str, str] = field(default_factory=dict)  # name -> reason
    notes: list[str] = field(default_factory=list)
    agreement: dict[str, str] = field(default_factory=dict)
    flops: int = 0

    @property
    def anchor_ran(self) -> bool:
        """True if the task's anchor was measured (else the harness's first row is the base)."""
        return self.bench is not None and any(
            r.anchor and r.name in (ANCHOR, PAIRS_ANCHOR) and r.times for r in self.bench.results
        )

    def result(self, name: str) -> harness.ContenderResult | None:
        """The measurements of contender ``name`` (None if skipped)."""
        if self.bench is None:
            return None
        return next((r for r in self.bench.results if r.name == name), None)


Progress = Callable[[str], None]


def run_task(
    task: str,
    ds: Dataset,
    specs: Sequence[Spec],
    *,
    rounds: int,
    warmup: int,
    memory: bool,
    mem_limit: float,
    time_limit: float,
    previous: dict[str, tuple[int, int, float]],
    compare: Callable[[Any, Any], str] | None,
    describe: Callable[[Any], str] | None,
    progress: Progress,
    workdir: Path,
    describe_without_anchor: Callable[[Any], str] | None = None,
    settle: float = 0.0,
) -> TaskResult:
    """Memory subprocesses first, then the alternating timed rounds of the survivors.

    ``previous[name] = (n, flops, median seconds)`` from a smaller size drives the time
    extrapolation; it is updated with this size's medians.  ``compare(out, anchor_out)``
    fills the agreement column when the anchor runs, ``describe_without_anchor(out)`` when
    it does not (e.g. a check of sampled rows against a brute force).
    """
    X = ds.X
    n = ds.n
    flops = sim_flops(X)
    nnz_s = float(min(n * n, flops))
    x_bytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    res = TaskResult(task, n, ds.desc, ds.synthetic, None, flops=flops)
    anchor_name = next((s.name for s in specs if s.anchor), None)

    runnable: list[Spec] = []
    for s in specs:
        need = predict_bytes(s.kind, n, nnz_s)
        if need is not None and need + 2 * x_bytes > mem_limit:
            res.skipped[s.name] = (
                f"skipped: would need ~{fmt_bytes(need + 2 * x_bytes)} "
                f"(limit {fmt_bytes(mem_limit)})"
            )
            continue
        prev = previous.get(s.name)
        if time_limit > 0 and prev is not None and not s.always_run:
            pn, pflops, psec = prev
            factor = max(flops / max(pflops, 1), n / max(pn, 1))
            predicted = psec * factor
            if predicted > time_limit:
                res.skipped[s.name] = (
                    f"skipped: ~{predicted:.0f} s per run predicted from {psec:.2f} s at "
                    f"n={pn} x {factor:.0f} (X X^T multiply-adds ratio) > --time-limit "
                    f"{time_limit:.0f} s"
                )
                continue
        runnable.append(s)
    for name, why in res.skipped.items():
        progress(f"[{task} n={n}] {name}: {why}")
    if anchor_name is not None and anchor_name not in {s.name for s in runnable}:
        anchor_name = None

    contenders = [
        s.contender(reference=anchor_name if (not s.anchor and anchor_name) else None)
        for s in runnable
    ]
    if not contenders:
        return res

    peak: dict[str, tuple[float, float | None]] = {}
    if memory:
        npz = workdir / f"X_{n}.npz"
        if not npz.exists():
            sp.save_npz(npz, X, compressed=False)
        timeout = 4 * time_limit if time_limit > 0 else None
        keep = []
        for c in contenders:
            progress(f"[{task} n={n}] peak memory: {c.name}")
            try:
                data = harness.measure_child(
                    c, npz, workdir, loader=f"{_HERE}:load_matrix", timeout=timeout
                )
            except subprocess.TimeoutExpired:
                res.skipped[c.name] = f"memory run killed after {timeout:.0f} s"
                continue
            except Exception as exc:
                res.skipped[c.name] = f"memory run failed: {harness._short_error(exc)}"
                continue
            peak[c.name] = (float(data["peak_rss_mb"]), data["base_rss_mb"])
            progress(
                f"  peak {data['peak_rss_mb']:.0f} MB (baseline {data['base_rss_mb']}), "
                f"{data['seconds']:.2f} s"
            )
            keep.append(c)
        if anchor_name is not None and anchor_name not in {c.name for c in keep}:
            anchor_name = None
            for c in keep:
                c.reference = None
        contenders = keep
    if not contenders:
        return res

    def prog(msg: str) -> None:
        progress(f"[{task} n={n}] {msg}")

    if anchor_name is None and describe_without_anchor is not None:
        describe = describe_without_anchor
    bench = harness.run_benchmark(
        contenders,
        X,  # type: ignore[arg-type]
        rounds=rounds,
        warmup=warmup,
        memory=False,
        describe=describe,
        compare=compare if anchor_name else None,
        progress=prog,
        n_bytes=x_bytes,
        n_items=n,
        settle=settle,
    )
    for r in bench.results:
        if r.name in peak:
            r.peak_rss_mb, r.base_rss_mb = peak[r.name]
        if r.median is not None:
            previous[r.name] = (n, flops, r.median)
    res.bench = bench
    return res


class TopkComparer:
    """``compare`` callback: a top-k output vs the anchor's (:func:`check_topk`)."""

    def __init__(self, X: Any) -> None:
        self.X = X

    def __call__(self, out: Any, ref: Any) -> str:
        return check_topk(out[0], out[1], ref[0], ref[1], self.X).summary()


class SampledTopkCheck:
    """``describe`` callback without an anchor: random rows vs a scipy brute force."""

    def __init__(self, X: Any, k: int, n_rows: int = 200, seed: int = 0) -> None:
        self.X = X
        self.k = k
        n = X.shape[0]
        rng = np.random.default_rng(seed)
        self.rows = np.sort(rng.choice(n, size=min(n_rows, n), replace=False))
        self.ref: tuple[np.ndarray, np.ndarray] | None = None

    def reference(self) -> tuple[np.ndarray, np.ndarray]:
        """Exact top-k (self excluded) of the sampled rows."""
        if self.ref is None:
            S = (self.X[self.rows] @ self.X.T).toarray().astype(np.float64)
            S[np.arange(len(self.rows)), self.rows] = -np.inf
            self.ref = topk_from_dense(S, self.k)
        return self.ref

    def __call__(self, out: Any) -> str:
        ref_ids, ref_sc = self.reference()
        ids = np.asarray(out[0])[self.rows]
        sc = np.asarray(out[1])[self.rows]
        chk = check_topk(ids, sc, ref_ids, ref_sc, self.X, row_ids=self.rows)
        return f"sampled {len(self.rows)} rows: {chk.summary()}"


class PairsComparer:
    """``compare`` callback: a pair list ``(i, j, score)`` vs the anchor's."""

    def __init__(self, X: Any, threshold: float) -> None:
        self.X = X
        self.threshold = threshold

    def __call__(self, out: Any, ref: Any) -> str:
        chk = check_pairs(out[0], out[1], ref[0], ref[1], self.X, self.threshold, score=out[2])
        return f"{chk.n_pairs} pairs; {chk.summary()}"


# --------------------------------------------------------------------------------------
# single-query latency


@dataclass
class LatencyResult:
    """Per-query latencies (ms) of newsim and the scipy brute force."""

    n: int
    desc: str
    n_queries: int
    build_seconds: float | None = None
    newsim_ms: list[float] = field(default_factory=list)
    brute_ms: list[float] = field(default_factory=list)
    batch_ms_per_query: float | None = None
    check: str = ""
    error: str | None = None


def _pct(xs: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(xs), q))


def run_latency(
    ds: Dataset,
    n_queries: int,
    k: int,
    seed: int,
    with_newsim: bool,
    progress: Progress,
) -> LatencyResult:
    """Time ``index.query(X[i], k)`` for random rows ``i`` (one call per query)."""
    X = ds.X
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(ds.n, size=min(n_queries, ds.n), replace=False))
    queries = [X[int(r)] for r in rows]
    out = LatencyResult(ds.n, ds.desc, len(rows))

    # scipy brute force: X @ q.T, dense top-k (self included: the query is an indexed row)
    ref_ids = np.zeros((len(rows), k), dtype=np.int64)
    ref_sc = np.zeros((len(rows), k))
    for q in queries[:5]:
        (X @ q.T).toarray()
    for t, q in enumerate(queries):
        t0 = time.perf_counter()
        s = (X @ q.T).toarray().ravel()
        ids, sc = topk_from_dense(s[None, :], k)
        out.brute_ms.append((time.perf_counter() - t0) * 1e3)
        ref_ids[t], ref_sc[t] = ids[0], sc[0]
    progress(
        f"[latency n={ds.n}] scipy brute: median {statistics.median(out.brute_ms):.2f} ms, "
        f"p95 {_pct(out.brute_ms, 95):.2f} ms"
    )
    if not with_newsim:
        return out

    import newsim

    try:
        t0 = time.perf_counter()
        index = newsim.SimilarityIndex(X, n_jobs=1, progress=False)
        out.build_seconds = time.perf_counter() - t0
        for q in queries[:5]:
            index.query(q, k=k)
        got_ids = np.full((len(rows), k), -1, dtype=np.int64)
        got_sc = np.zeros((len(rows), k))
        for t, q in enumerate(queries):
            t0 = time.perf_counter()
            ids, sc = index.query(q, k=k)
            out.newsim_ms.append((time.perf_counter() - t0) * 1e3)
            ids = np.asarray(ids).reshape(-1)[:k]
            sc = np.asarray(sc, dtype=np.float64).reshape(-1)[:k]
            got_ids[t, : len(ids)], got_sc[t, : len(sc)] = ids, sc
        Q = sp.vstack(queries).tocsr()
        t0 = time.perf_counter()
        index.query(Q, k=k)
        out.batch_ms_per_query = (time.perf_counter() - t0) * 1e3 / len(rows)
        chk = check_topk(got_ids, got_sc, ref_ids, ref_sc, X, row_ids=rows, exclude_self=False)
        out.check = chk.summary()
        progress(
            f"[latency n={ds.n}] newsim: median {statistics.median(out.newsim_ms):.2f} ms, "
            f"p95 {_pct(out.newsim_ms, 95):.2f} ms; agreement {out.check}"
        )
    except Exception as exc:
        out.error = harness._short_error(exc)
        progress(f"[latency n={ds.n}] newsim failed: {out.error}")
    return out


# --------------------------------------------------------------------------------------
# reporting


def _f(x: float | None, spec: str = ".2f") -> str:
    return "-" if x is None else format(x, spec)


def _secs(x: float | None) -> str:
    return harness._fmt_seconds(x)


def render_task_table(task: TaskResult, agreement_header: str) -> str:
    """Markdown table of one task; ratios are anchor seconds / contender seconds.

    Without the anchor (skipped at this size) the ratios are relative to the first row and
    the agreement column holds the sampled-rows check.
    """
    if task.anchor_ran or task.bench is None:
        base = "anchor"
    else:
        base = f"{task.bench.results[0].name} (the anchor did not run)"
        agreement_header = "agreement: 200 sampled rows vs scipy brute force"
    header = (
        f"| contender | median s | min-max s | ratio vs {base} (median of per-round) "
        f"| ratio of medians | peak RSS MB | ΔRSS MB | {agreement_header} | notes |"
    )
    lines = [header, "|" + "---|" * header.count(" | ") + "---|"]
    names = [r.name for r in task.bench.results] if task.bench else []
    for r in task.bench.results if task.bench else []:
        name = f"**{r.name}**" if r.anchor and task.anchor_ran else r.name
        span = f"{_secs(r.min)}-{_secs(r.max)}" if r.min is not None else "-"
        agree = r.check or r.info or ("(reference)" if r.anchor and task.anchor_ran else "-")
        notes = f"ERROR: {r.error}" if r.error else ""
        lines.append(
            "| "
            + " | ".join(
                harness._cell(x)
                for x in (
                    name,
                    _secs(r.median),
                    span,
                    _f(r.pair_ratio_median),
                    _f(r.speedup_of_medians),
                    _f(r.peak_rss_mb, ".0f"),
                    _f(r.delta_rss_mb, ".0f"),
                    agree,
                    notes,
                )
            )
            + " |"
        )
    for name, why in task.skipped.items():
        if name in names:
            continue
        lines.append(
            f"| {harness._cell(name)} | - | - | - | - | - | - | - | {harness._cell(why)} |"
        )
    return "\n".join(lines)


def render_scaling(tasks: Sequence[TaskResult]) -> str:
    """Contenders x sizes: median seconds / peak RSS MB."""
    if not tasks:
        return ""
    names: list[str] = []
    for t in tasks:
        for nm in [*(r.name for r in (t.bench.results if t.bench else [])), *t.skipped]:
            if nm not in names:
                names.append(nm)
    head = "| contender | " + " | ".join(
        f"n={t.n:,}{' (synthetic)' if t.synthetic else ''}: s / peak MB" for t in tasks
    )
    lines = [head + " |", "|" + "---|" * (len(tasks) + 1)]
    for nm in names:
        cells = []
        for t in tasks:
            r = t.result(nm)
            if r is not None and r.median is not None:
                cells.append(f"{_secs(r.median)} / {_f(r.peak_rss_mb, '.0f')}")
            elif r is not None and r.error:
                cells.append("error")
            elif nm in t.skipped:
                cells.append(t.skipped[nm].replace("skipped: ", "skipped: "))
            else:
                cells.append("-")
        lines.append(
            "| " + harness._cell(nm) + " | " + " | ".join(harness._cell(c) for c in cells) + " |"
        )
    return "\n".join(lines)


def render_targets(tasks: Sequence[TaskResult], latency: LatencyResult | None) -> list[str]:
    """Lines comparing newsim with the targets (largest size measured)."""
    out = []
    big = max(tasks, key=lambda t: t.n) if tasks else None
    at = "" if big is None or big.n >= 100_000 else " (the targets are set for n=100,000)"
    if big is not None:
        for name, cores in (("newsim top_k n_jobs=2", 2), ("newsim top_k n_jobs=1", 1)):
            r = big.result(name)
            if r is None or r.median is None:
                if name in big.skipped:
                    out.append(f"- {name} at n={big.n:,}: {big.skipped[name]}")
                continue
            if cores == 2:
                t_ok = "meets" if r.median <= TARGET_SECONDS else "MISSES"
                timing = f"{_secs(r.median)} s ({t_ok} the ≤ {TARGET_SECONDS:.0f} s target{at})"
            else:
                timing = f"{_secs(r.median)} s (1 thread; the time target is for 2 cores)"
            m_ok = (
                "-"
                if r.peak_rss_mb is None
                else ("meets" if r.peak_rss_mb <= TARGET_PEAK_MB else "MISSES")
            )
            out.append(
                f"- {name} at n={big.n:,}: {timing}, peak RSS {_f(r.peak_rss_mb, '.0f')} MB "
                f"({m_ok} the ≤ {TARGET_PEAK_MB:.0f} MB target; X and the imports included, "
                f"ΔRSS {_f(r.delta_rss_mb, '.0f')} MB)"
            )
    if latency is not None and latency.newsim_ms:
        med = statistics.median(latency.newsim_ms)
        p95 = _pct(latency.newsim_ms, 95)

        def ok(x: float) -> str:
            return "meets" if x < TARGET_QUERY_MS else "MISSES"

        out.append(
            f"- newsim single-query latency at n={latency.n:,}: median {med:.2f} ms "
            f"({ok(med)} the < {TARGET_QUERY_MS:.0f} ms target), p95 {p95:.2f} ms ({ok(p95)} it)"
        )
    return out


def render_latency(lat: LatencyResult) -> str:
    """Markdown table of the latency task."""
    lines = [
        "| method | median ms | p95 ms | mean ms | max ms | notes |",
        "|---|---|---|---|---|---|",
    ]

    def row(name: str, xs: list[float], note: str) -> None:
        if not xs:
            lines.append(f"| {name} | - | - | - | - | {harness._cell(note)} |")
            return
        lines.append(
            f"| {name} | {statistics.median(xs):.2f} | {_pct(xs, 95):.2f} | "
            f"{statistics.fmean(xs):.2f} | {max(xs):.2f} | {harness._cell(note)} |"
        )

    row(
        "scipy brute force `(X @ q.T).toarray()` + argpartition",
        lat.brute_ms,
        "reference of the agreement check",
    )
    note = f"agreement: {lat.check}" if lat.check else ""
    if lat.build_seconds is not None:
        note += f"; index build {lat.build_seconds:.2f} s (not in the latency)"
    if lat.batch_ms_per_query is not None:
        note += (
            f"; one batched call with all {lat.n_queries} rows: "
            f"{lat.batch_ms_per_query:.3f} ms/query"
        )
    if lat.error:
        note += f" ERROR: {lat.error}"
    row("newsim `index.query(X[i], k=10)` (n_jobs=1)", lat.newsim_ms, note.strip("; "))
    return "\n".join(lines)


METHOD = """\
Method: time = in-process `time.perf_counter` around one call that starts from the matrix `X`
(index construction included: building gensim's and newsim's indexes, sklearn's float64
copy, sparse_dot_topn's `X.T` conversion are all part of the timed work); each contender
is warmed up once, then the rounds run the contenders in turn (A B C ... A B C ...), each
call after a pause of `--settle` seconds: on this virtual machine the host takes back free
memory a few seconds after it is freed, and memory touched for the first time then costs
~2.8 ms per MB instead of ~0.13 ms, so without the pause a call's time depends on how much
memory the call before it freed (dense anchor: 11.4 s after a pause, 4.0 s right after another
anchor call; `benchmarks/memory_state.py`); with it every call pays for its fresh memory as a
call after a pause does.
Ratio vs anchor = anchor seconds / contender seconds (> 1 = faster). Peak RSS = `VmHWM` of a
fresh subprocess that loads `X` from an `.npz`, imports and builds the contender, resets the
high-water mark (`/proc/self/clear_refs`) and runs it once (before the timed rounds, so a
crash is contained); ΔRSS = peak - RSS just before the run (X and imports loaded).
MB = 10^6 bytes. Threads count, worker processes would not.
Agreement: a row agrees with the anchor if its set of neighbours with score > 1e-5 is the
anchor's, or (ties) its sorted scores equal the anchor's within 1e-5 (padding = 0); rows
listing self, duplicates or out-of-range ids never agree, and the reported scores are checked
against exact float64 dot products of the listed pairs (max abs score error). At sizes where
the anchor cannot run, 200 random rows are checked against a scipy brute force of those rows.
Skips: memory is predicted from n and nnz(X X^T) ≈ min(n², Σ df²) (dense anchor 3 x 8n² bytes:
S, -S and the int64 `argpartition` result); time is extrapolated from the previous size by the
ratio of Σ df² (multiply-adds of X X^T), except for newsim's default method."""

CONTENDERS = """\
Contenders (k = 10, self excluded): anchor =
`S = sklearn.metrics.pairwise.cosine_similarity(X.astype(float64))`,
`np.fill_diagonal(S, -inf)`, `np.argpartition(-S, 10, axis=1)[:, :10]`, those 10 sorted;
scipy = `X @ X.T` (float32 CSR) then per-row `argpartition` of the stored entries;
gensim = `SparseMatrixSimilarity(Sparse2Corpus(X, documents_columns=False), num_best=11)`
iterated over itself (chunks of 500 queries, its default), self dropped;
sparse_dot_topn = `sp_matmul_topn(X, X.T, top_n=11, sort=True, n_threads=…)`, self dropped;
newsim = `newsim.SimilarityIndex(X, n_jobs=…).top_k(k=10)` and `top_k(k=10, method="brute")`.
Pairs: anchor = dense float64 `cosine_similarity`, `np.nonzero(np.triu(S >= 0.8, 1))`;
scipy = stored entries of `X @ X.T` with i < j and value ≥ 0.8; newsim =
`SimilarityIndex(X, n_jobs=…).pairs(threshold=0.8)`; a pair found by one side only is
*borderline* when its exact cosine is within 1e-5 of 0.8."""


def render_section(
    *,
    command: str,
    main_task: TaskResult | None,
    scaling: Sequence[TaskResult],
    pairs: TaskResult | None,
    latency: LatencyResult | None,
    messages: Sequence[str],
    plot: str | None,
    rounds: int,
    date: str | None = None,
    settle: float = 0.0,
) -> str:
    """The markdown of the results section (``date``: of the measurements, default now)."""
    env = harness.render_environment(PACKAGES, command)
    if date:
        env = "\n".join(
            f"- date: {date}" if ln.startswith("- date: ") else ln for ln in env.splitlines()
        )
    parts = [
        "## Similarity: all-pairs top-10, near-duplicate pairs, query latency",
        "",
        env,
        f"- rounds: {rounds} timed after 1 warm-up per contender (larger generated sizes: see "
        f"the scaling table); pause before each timed call: {settle:g} s",
        "",
    ]
    if messages:
        parts += [*(f"- {m}" for m in messages), ""]
    if main_task is not None:
        parts += [
            f"### All-pairs top-10 (self excluded), n = {main_task.n:,}",
            "",
            f"Corpus: {main_task.desc}.",
            "",
            render_task_table(main_task, "rows agreeing with the anchor"),
            "",
        ]
    targets = render_targets(scaling, latency)
    if scaling:
        parts += [
            "### Scaling in n (median seconds / peak RSS MB)",
            "",
            *(f"- n={t.n:,}: {t.desc}" for t in scaling),
            "",
            render_scaling(scaling),
            "",
        ]
        for t in scaling:
            if main_task is not None and t.n == main_task.n:
                continue
            parts += [
                f"Details at n = {t.n:,}:",
                "",
                render_task_table(t, "rows agreeing with the anchor"),
                "",
            ]
        if plot:
            parts += [f"![time and peak memory vs n]({Path(plot).name})", ""]
    if targets:
        parts += ["Targets:", "", *targets, ""]
    if pairs is not None:
        parts += [
            f"### Near-duplicate pairs, cosine ≥ {THRESHOLD}, n = {pairs.n:,}",
            "",
            render_task_table(pairs, "pairs found; agreement with the anchor"),
            "",
        ]
    if latency is not None:
        parts += [
            f"### Single-query latency, n = {latency.n:,} index, {latency.n_queries} random rows",
            "",
            f"Index: {latency.desc}.",
            "",
            render_latency(latency),
            "",
        ]
    parts += [METHOD, "", CONTENDERS]
    return "\n".join(parts)


def write_plot(path: str, tasks: Sequence[TaskResult]) -> None:
    """Log-log plot: median seconds and peak RSS vs n, one line per contender."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(13, 6.2))
    names: list[str] = []
    for t in tasks:
        for r in t.bench.results if t.bench else []:
            if r.name not in names:
                names.append(r.name)
    for nm in names:
        pts = [(t.n, t.result(nm), t.synthetic) for t in tasks]
        pts = [(n, r, syn) for n, r, syn in pts if r is not None and r.median is not None]
        if not pts:
            continue
        (line,) = axes[0].plot(
            [p[0] for p in pts], [p[1].median for p in pts], marker="o", label=nm
        )
        mem = [(p[0], p[1].peak_rss_mb, p[2]) for p in pts if p[1].peak_rss_mb is not None]
        if mem:
            axes[1].plot(
                [m[0] for m in mem], [m[1] for m in mem], marker="o", color=line.get_color()
            )
        for ax, xy in (
            (axes[0], [(n, r.median) for n, r, syn in pts if syn]),
            (axes[1], [(m[0], m[1]) for m in mem if m[2]]),
        ):
            for x, y in xy:
                ax.plot([x], [y], marker="s", mfc="none", ms=11, color=line.get_color())
    axes[0].plot(
        [100_000],
        [TARGET_SECONDS],
        marker="*",
        ms=14,
        ls="none",
        color="black",
        label=f"newsim target at n=100k (≤ {TARGET_SECONDS:.0f} s, ≤ {TARGET_PEAK_MB:.0f} MB)",
    )
    axes[1].plot([100_000], [TARGET_PEAK_MB], marker="*", ms=14, ls="none", color="black")
    axes[0].set(
        xscale="log",
        yscale="log",
        xlabel="documents n",
        ylabel="median seconds",
        title="All-pairs top-10 (self excluded): time",
    )
    axes[1].set(
        xscale="log",
        yscale="log",
        xlabel="documents n",
        ylabel="peak RSS MB",
        title="All-pairs top-10: peak RSS of a fresh process (X + imports included)",
    )
    for ax in axes:
        ax.grid(True, which="both", alpha=0.3)
    syn = [t.n for t in tasks if t.synthetic]
    note = "n ≤ 20k: 10kGNAD scaled with corpora.scaled"
    if syn:
        note += f"; n = {', '.join(f'{n:,}' for n in syn)}: synthetic (generate.py; open squares)"
    fig.suptitle(note, fontsize=9)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.13, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)


# --------------------------------------------------------------------------------------
# CLI


def build_parser() -> argparse.ArgumentParser:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--n", type=int, default=10_000, help="documents of the main all-pairs and pairs tasks"
    )
    p.add_argument("--rounds", type=int, default=3, help="timed rounds (default 3)")
    p.add_argument("--warmup", type=int, default=1, help="untimed runs per contender (default 1)")
    p.add_argument(
        "--settle",
        type=float,
        default=15.0,
        help="seconds of pause before each timed call, so that every contender starts from "
        "the same memory state (default 15; see Method)",
    )
    p.add_argument("--k", type=int, default=K, help="neighbours per document (default 10)")
    p.add_argument("--threshold", type=float, default=THRESHOLD, help="pairs threshold (0.8)")
    p.add_argument(
        "--scaling",
        default="1000,10000,100000",
        help="comma-separated sizes of the scaling task (default 1000,10000,100000)",
    )
    p.add_argument("--large-rounds", type=int, default=1, help="timed rounds at generated sizes")
    p.add_argument("--latency-n", type=int, default=100_000, help="index size of the latency task")
    p.add_argument("--queries", type=int, default=200, help="random rows of the latency task")
    p.add_argument(
        "--mem-limit-gb",
        type=float,
        default=None,
        help="skip contenders predicted to need more (GiB; default 70%% of the RAM)",
    )
    p.add_argument(
        "--time-limit",
        type=float,
        default=300.0,
        help="skip contenders whose extrapolated time per run exceeds this (s; 0 = never)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of corpora.scaled and the queries")
    p.add_argument("--gen-seed", type=int, default=0, help="seed of the synthetic corpora")
    p.add_argument(
        "--keep-function-words",
        action="store_true",
        help="do not remove the generator's function words (stop words) from synthetic corpora",
    )
    p.add_argument(
        "--real-params",
        default=None,
        metavar="JSON",
        help='extra TfidfVectorizer parameters for 10kGNAD, e.g. \'{"ngram_range": [1, 1], '
        '"decompound": false}\' (the single-word analysis of the runs before word pairs and '
        "compound splitting became defaults)",
    )
    p.add_argument("--quick", action="store_true", help="smoke test: 1k docs, 1 round")
    p.add_argument("--out", help="markdown file whose 'similarity' section is replaced")
    p.add_argument("--section", default=SECTION, help="marker name of the results section")
    p.add_argument(
        "--plot",
        default=None,
        help="PNG of time/memory vs n (default benchmarks/similarity_scaling.png with --out)",
    )
    p.add_argument("--json", help="also write the raw measurements to this JSON file")
    p.add_argument(
        "--render-json",
        metavar="FILE",
        help="measure nothing: re-render the section (and --plot) from a --json file",
    )
    p.add_argument("--no-memory", action="store_true", help="skip the peak-RSS subprocesses")
    p.add_argument("--no-newsim", action="store_true", help="run the other contenders only")
    p.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="SUBSTRING",
        help="run only contenders whose name contains SUBSTRING (repeatable; anchors always run)",
    )
    p.add_argument(
        "--tasks",
        default="topk,scaling,pairs,latency",
        help="comma-separated subset of topk,scaling,pairs,latency",
    )
    return p


def _mem_total() -> float:
    kb = harness._read_first("/proc/meminfo", "MemTotal")
    return float(kb.split()[0]) * 1024 if kb else 16 * GiB


def _now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _task_from_dict(d: Any) -> TaskResult | None:
    """Inverse of :func:`_task_dict` (for ``--render-json``)."""
    if d is None:
        return None
    bench = None
    if d.get("bench"):
        b = d["bench"]
        results = [
            harness.ContenderResult(
                r["name"],
                times=list(r["times"]),
                anchor=bool(r["anchor"]),
                peak_rss_mb=r["peak_rss_mb"],
                base_rss_mb=r["base_rss_mb"],
                info=r["info"],
                check=r["check"],
                error=r["error"],
            )
            for r in b["results"]
        ]
        harness.compute_ratios(results, b["n_bytes"])
        bench = harness.BenchResult(results, b["n_docs"], b["n_bytes"], b["rounds"], b["warmup"])
    return TaskResult(
        d["task"],
        d["n"],
        d["corpus"],
        d["synthetic"],
        bench,
        skipped=dict(d["skipped"]),
        flops=d.get("flops", 0),
    )


def render_json(path: str, out: str | None, section: str, plot: str | None) -> str:
    """Re-render the section (and plot) from a ``--json`` file, without measuring."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    scaling = [t for t in (_task_from_dict(d) for d in data["scaling"]) if t is not None]
    lat = data.get("latency")
    text = render_section(
        command=data["command"],
        main_task=_task_from_dict(data["main"]),
        scaling=scaling,
        pairs=_task_from_dict(data["pairs"]),
        latency=LatencyResult(**lat) if lat else None,
        messages=data.get("messages", []),
        plot=plot if scaling else None,
        rounds=data.get("rounds", 3),
        date=data.get("date"),
        settle=data.get("settle", 0.0),
    )
    if plot and scaling:
        write_plot(plot, scaling)
    if out:
        harness.update_section(out, section, text)
    return text


def _task_dict(t: TaskResult | None) -> Any:
    if t is None:
        return None
    return {
        "task": t.task,
        "n": t.n,
        "corpus": t.desc,
        "synthetic": t.synthetic,
        "flops": t.flops,
        "skipped": t.skipped,
        "bench": t.bench.as_dict() if t.bench else None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    if args.real_params:
        REAL_PARAMS.clear()
        REAL_PARAMS.update(
            {
                k: tuple(v) if isinstance(v, list) else v
                for k, v in json.loads(args.real_params).items()
            }
        )
    if args.render_json:
        plot = args.plot or (
            str(Path(__file__).resolve().parent / "similarity_scaling.png") if args.out else None
        )
        print(render_json(args.render_json, args.out, args.section, plot))
        return 0
    date = _now()
    sizes = sorted({int(s) for s in args.scaling.split(",") if s.strip()})
    latency_n = args.latency_n
    if args.quick:
        args.n, args.rounds, args.settle = 1000, 1, 0.0
        sizes = [1000]
        latency_n = 1000
    tasks = {t.strip() for t in args.tasks.split(",") if t.strip()}
    if "scaling" not in tasks:
        sizes = []
    scaling_sizes = set(sizes)
    if "topk" in tasks or "pairs" in tasks:
        sizes = sorted(set(sizes) | {args.n})
    if "latency" in tasks and latency_n not in sizes:
        sizes = sorted(set(sizes) | {latency_n})
    mem_limit = (args.mem_limit_gb * GiB) if args.mem_limit_gb else 0.7 * _mem_total()
    plot = args.plot or (
        str(Path(__file__).resolve().parent / "similarity_scaling.png") if args.out else None
    )

    def progress(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    t_start = time.perf_counter()
    messages: list[str] = []
    with_newsim = False
    if args.no_newsim:
        messages.append("newsim contenders not run (--no-newsim)")
    else:
        with_newsim, msg = newsim_status()
        if msg:
            messages.append(msg)
    for m in messages:
        progress(m)

    def keep(specs: list[Spec]) -> list[Spec]:
        if not args.only:
            return specs
        return [s for s in specs if s.anchor or any(x in s.name for x in args.only)]

    k = args.k
    previous: dict[str, tuple[int, int, float]] = {}
    scaling: list[TaskResult] = []
    main_task: TaskResult | None = None
    pairs_task: TaskResult | None = None
    latency: LatencyResult | None = None

    with tempfile.TemporaryDirectory(prefix="newsim-simbench-") as tmp:
        workdir = Path(tmp)
        for n in sizes:
            progress(f"--- n = {n}: building the corpus and X")
            ds = build_dataset(
                n,
                seed=args.seed,
                gen_seed=args.gen_seed,
                stop_function_words=not args.keep_function_words,
            )
            progress(f"{ds.desc} ({ds.seconds:.1f} s)")
            in_scaling = n in scaling_sizes
            rounds = args.large_rounds if ds.synthetic else args.rounds

            if ("topk" in tasks and n == args.n) or ("scaling" in tasks and in_scaling):
                t = run_task(
                    "top-k",
                    ds,
                    keep(topk_specs(k, with_newsim)),
                    rounds=rounds,
                    warmup=args.warmup,
                    memory=not args.no_memory,
                    mem_limit=mem_limit,
                    time_limit=args.time_limit,
                    previous=previous,
                    compare=TopkComparer(ds.X),
                    describe=None,
                    progress=progress,
                    workdir=workdir,
                    describe_without_anchor=SampledTopkCheck(ds.X, k, seed=args.seed),
                    settle=args.settle,
                )
                if n == args.n and "topk" in tasks:
                    main_task = t
                if "scaling" in tasks and in_scaling:
                    scaling.append(t)
            if "pairs" in tasks and n == args.n:
                pairs_task = run_task(
                    "pairs",
                    ds,
                    keep(pairs_specs(args.threshold, with_newsim)),
                    rounds=rounds,
                    warmup=args.warmup,
                    memory=not args.no_memory,
                    mem_limit=mem_limit,
                    time_limit=args.time_limit,
                    previous={},
                    compare=PairsComparer(ds.X, args.threshold),
                    describe=None,
                    progress=progress,
                    workdir=workdir,
                    settle=args.settle,
                )
            if "latency" in tasks and n == latency_n:
                latency = run_latency(ds, args.queries, k, args.seed, with_newsim, progress)
            del ds
            gc.collect()

    if plot and scaling:
        write_plot(plot, scaling)
        progress(f"wrote {plot}")
    section = render_section(
        command=harness.command_line(__file__, argv),
        main_task=main_task,
        scaling=scaling,
        pairs=pairs_task,
        latency=latency,
        messages=messages,
        plot=plot if scaling else None,
        rounds=args.rounds,
        date=date,
        settle=args.settle,
    )
    harness.publish(
        section,
        out=args.out,
        key=args.section,
        json_path=args.json,
        data={
            "command": harness.command_line(__file__, argv),
            "date": date,
            "rounds": args.rounds,
            "settle": args.settle,
            "messages": messages,
            "main": _task_dict(main_task),
            "scaling": [_task_dict(t) for t in scaling],
            "pairs": _task_dict(pairs_task),
            "latency": None if latency is None else latency.__dict__,
        },
        progress=progress,
    )
    progress(f"total {time.perf_counter() - t_start:.1f} s")
    failed_anchor = (
        main_task is not None
        and main_task.bench is not None
        and any(r.error for r in main_task.bench.results if r.anchor)
    )
    return 1 if failed_anchor else 0


if __name__ == "__main__":
    raise SystemExit(main())
