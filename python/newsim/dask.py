"""TF-IDF and similarity on Dask: fit, transform and top-k over partitioned collections.

Install the extra: ``pip install "newsim[dask]"``. Every function builds a Dask graph and runs
it on the current scheduler (a ``distributed.Client`` if one is active); the workers need
newsim installed, nothing else.

* :func:`fit`: each partition's corpus statistics (``partial_fit`` on a clone), a tree
  reduction of :meth:`newsim.TfidfVectorizer.merge`, one finalize on the last worker. The fitted
  vectorizer equals one ``fit`` over the whole corpus: same vocabulary, idf and matrix.
* :func:`transform`: one task per partition, the fitted model shipped once to each worker
  that needs it (it pickles as the core's versioned bytes); the result is a Dask array whose
  chunks are ``scipy.sparse.csr_matrix`` row blocks, one per partition.
* :func:`top_k` and :func:`query`: each partition queried against an index over each
  partition, the k-best lists merged per partition (:func:`newsim.merge_top_k`), exactly the
  single-machine result. :func:`query` also takes a built :class:`~newsim.SimilarityIndex`
  (shipped to the workers once, pickled as its index file's bytes) or the path of a saved one
  (each worker process maps the file once: workers on one machine share its pages).

Non-string items raise the single-machine ``TypeError`` prefixed with the partition:
``partition 3: documents[17] is int (5), expected str``.

Examples
--------
>>> import dask.bag as db
>>> import newsim
>>> import newsim.dask as nd
>>> texts = db.from_sequence(["the cat sat", "a cat sat down", "dogs bark"], npartitions=2)
>>> vec = nd.fit(newsim.TfidfVectorizer(language="en"), texts)
>>> X = nd.transform(vec, texts)  # dask array of CSR chunks
>>> X.compute().shape  # bark, cat, dog, sat and the pair "cat sat" (in two documents)
(3, 5)
>>> nd.top_k(X, k=1).ids.ravel().tolist()
[1, 0, -1]
"""

from __future__ import annotations

import math
import os
import sys
import threading
import uuid
from collections.abc import Sequence
from numbers import Integral
from typing import Any, Callable, Optional, Union, cast

import dask.array as da
import dask.base
import dask.config
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from dask.delayed import Delayed, delayed
from sklearn.base import clone

from ._blocks import merge_top_k
from ._metadata import check_dates, check_exclusion, check_sources, check_window
from ._params import _detect_language
from ._similarity import (
    Pairs,
    SimilarityIndex,
    TopK,
    _check_k,
    _check_method,
    _check_threshold,
)
from ._stories import Stories

__all__ = ["fit", "pairs", "query", "stories", "top_k", "transform"]

# dask's functions are not annotated: called through Any, so that mypy --strict accepts them.
_compute: Any = dask.base.compute
_is_dask_collection: Any = dask.base.is_dask_collection
_from_delayed: Any = da.from_delayed
_concatenate: Any = da.concatenate


# ------------------------------------------------------------------------------ partitions


def _is_dask_frame(obj: Any, *, series: bool) -> bool:
    """Tell a dask DataFrame (series=False) or Series (True), without importing dask.dataframe."""
    if not _is_dask_collection(obj) or not type(obj).__module__.startswith("dask.dataframe"):
        return False
    return getattr(obj, "ndim", None) == (1 if series else 2)


def _text_partitions(collection: Any, column: Any) -> list[Delayed]:
    """Return the partitions of a text collection, one Delayed per partition."""
    import dask.bag as db

    if _is_dask_frame(collection, series=False):
        if column is None:
            raise ValueError("collection is a dask DataFrame: pass column= to name the text column")
        if column not in collection.columns:
            raise ValueError(
                f"column {column!r} is not in the DataFrame (columns: {list(collection.columns)})"
            )
        collection = collection[column]
    elif column is not None:
        raise ValueError("column= is only for a dask DataFrame")
    if isinstance(collection, db.Bag) or _is_dask_frame(collection, series=True):
        return list(cast(Any, collection).to_delayed())
    if isinstance(collection, da.Array):
        if collection.ndim != 1:
            raise ValueError(f"a dask array of texts must be 1-D, got {collection.ndim}-D")
        return list(cast(Any, collection).to_delayed().ravel())
    if (
        isinstance(collection, Sequence)
        and not isinstance(collection, (str, bytes))
        and len(collection) > 0
        and all(isinstance(p, Delayed) for p in collection)
    ):
        return list(collection)
    raise TypeError(
        "collection must be a dask.bag.Bag of str, a dask Series of str, a dask DataFrame with "
        "column=, a 1-D dask array of str or a list of dask.delayed partitions, got "
        f"{type(collection).__name__}"
    )


def _documents(part: Any) -> list[Any]:
    """Return a computed partition as a list (pandas Series and NumPy arrays by value)."""
    if hasattr(part, "tolist"):
        return list(part.tolist())
    return list(part)


def _in_partition(p: int, func: Callable[[], Any]) -> Any:
    """Run ``func``, naming the partition in a TypeError or ValueError about a document."""
    try:
        return func()
    except (TypeError, ValueError) as exc:
        if type(exc) not in (TypeError, ValueError):
            raise
        raise type(exc)(f"partition {p}: {exc}") from exc


# ------------------------------------------------------------------------------ tasks
# Module-level functions: tasks pickle them by reference, so workers import newsim.dask.


def _fit_partition(template: Any, part: Any, p: int) -> Any:
    """Gather one partition's statistics: a clone of ``template`` after partial_fit."""
    docs = _documents(part)
    if not docs:
        return None
    est = clone(template)
    return _in_partition(p, lambda: est.partial_fit(docs))


def _merge(*partials: Any) -> Any:
    """Sum the statistics of partially fitted vectorizers (None for empty partitions)."""
    fitted = [v for v in partials if v is not None]
    if not fitted:
        return None
    out = fitted[0]
    for v in fitted[1:]:
        out = out.merge(v)
    return out


def _finalize(est: Any) -> Any:
    """Prune and weigh once, on the worker, before the model is sent anywhere."""
    if est is not None:
        est._fitted_core()
    return est


def _transform_partition(model: Any, part: Any, p: int) -> sp.csr_matrix:
    docs = _documents(part)
    X = _in_partition(p, lambda: model.transform(docs))
    return sp.csr_matrix(X)


def _n_rows(X: Any) -> int:
    return int(X.shape[0])


def _offsets(*sizes: int) -> list[int]:
    return [0, *np.cumsum(sizes, dtype=np.int64).tolist()]


def _hstack(*parts: Any) -> Any:
    if all(sp.issparse(p) for p in parts):
        return sp.hstack(parts, format="csr")
    return np.hstack([p.toarray() if sp.issparse(p) else np.asarray(p) for p in parts])


class _Limits:
    """The articles' dates and sources (whole, by global row) and which pairs are compared.

    ``dates`` are datetime64[ns] (UTC for aware dates) and ``sources`` an object array, each
    None when not needed: a window needs the dates, ``exclude_same_source`` the sources. Each
    task takes its blocks' slices (:meth:`block`).
    """

    def __init__(
        self,
        dates: Optional[np.ndarray],
        sources: Optional[np.ndarray],
        window: Optional[int],
        exclude_same_source: bool,
    ) -> None:
        self.dates = dates
        self.sources = sources
        self.window = window
        self.exclude_same_source = exclude_same_source

    @classmethod
    def checked(
        cls, dates: Any, sources: Any, window: Any, exclude_same_source: Any
    ) -> Optional[_Limits]:
        """Check the arguments on the client; None when every pair is compared."""
        exclude_same_source = check_exclusion(exclude_same_source)
        ns = None if window is None else check_window(window)
        if ns is not None and ns < 0:
            raise ValueError(f"window must be a duration >= 0, got {window!r}")
        if ns is not None and dates is None:
            raise ValueError("window= needs the articles' dates: pass dates= with one per row of X")
        if exclude_same_source and sources is None:
            raise ValueError(
                "exclude_same_source=True needs the articles' sources: pass sources= with one "
                "per row of X"
            )
        if ns is None and not exclude_same_source:
            return None
        values = None
        if ns is not None:
            values = check_dates(dates, len(dates))[0].view("datetime64[ns]")
        src = check_sources(sources, len(sources)) if exclude_same_source else None
        return cls(values, src, ns, bool(exclude_same_source))

    def check_rows(self, n: int) -> None:
        """Raise when the dates or sources are not one per row of X (``n`` rows)."""
        for name, values in (("dates", self.dates), ("sources", self.sources)):
            if values is not None and values.shape[0] != n:
                raise ValueError(f"{name} has {values.shape[0]} entries for {n} rows of X")

    def block(self, offsets: Any, b: int) -> dict[str, Any]:
        """Return the index arguments of block ``b`` (its rows' dates and sources)."""
        begin, end = int(offsets[b]), int(offsets[b + 1])
        self.check_rows(int(offsets[-1]))
        return {
            "dates": None if self.dates is None else self.dates[begin:end],
            "sources": None if self.sources is None else self.sources[begin:end],
        }

    def apart(self, offsets: Any, i: int, j: int) -> bool:
        """Whether no article of block i is within the window of one of block j."""
        if self.window is None or self.dates is None:
            return False
        a = self.dates[int(offsets[i]) : int(offsets[i + 1])].view(np.int64)
        b = self.dates[int(offsets[j]) : int(offsets[j + 1])].view(np.int64)
        if a.size == 0 or b.size == 0:
            return True
        return bool(a.min() - b.max() > self.window or b.min() - a.max() > self.window)

    def options(self) -> dict[str, Any]:
        """Return the calls' window and exclusion."""
        return {"window": self.window_arg(), "exclude_same_source": self.exclude_same_source}

    def window_arg(self) -> Any:
        """Return the window as the index's calls take it (None: no window)."""
        return None if self.window is None else np.timedelta64(self.window, "ns")


def _pair(
    Xi: Any,
    Xj: Any,
    offsets: Any,
    j: int,
    k: int,
    diagonal: bool,
    method: str,
    n_jobs: Any,
    limits: Optional[_Limits] = None,
    i: int = 0,
) -> TopK:
    """Rows of block i against an index over block j, ids made global."""
    offset = int(offsets[j]) if offsets is not None else 0
    if limits is not None and not diagonal and limits.apart(offsets, i, j):
        n = int(Xi.shape[0])  # no pair in the window: nothing to score
        return TopK(np.full((n, k), -1, dtype=np.int64), np.zeros((n, k), dtype=np.float32))
    labels = {} if limits is None else limits.block(offsets, j)
    index = SimilarityIndex(Xj, n_jobs=n_jobs, progress=False, **labels)
    options = {} if limits is None else limits.options()
    if diagonal:
        result = index.top_k(k, method=method, **options)
    else:
        mine = {} if limits is None else limits.block(offsets, i)
        result = index.query(Xi, k, method=method, **_query_labels(mine, options), **options)
    ids = result.neighbor_rows.astype(np.int64, copy=True)
    if offset:
        ids[ids >= 0] += offset
    return TopK(ids, result.scores.astype(np.float32, copy=False))


def _query_labels(labels: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """Return the queries' dates and sources that ``options`` use (query refuses the others)."""
    return {
        "dates": labels.get("dates") if options.get("window") is not None else None,
        "sources": labels.get("sources") if options.get("exclude_same_source") else None,
    }


def _pairs_block(
    Xi: Any,
    Xj: Any,
    offsets: Any,
    i: int,
    j: int,
    threshold: float,
    method: str,
    n_jobs: Any,
    limits: Optional[_Limits],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the pairs between blocks i <= j with score >= threshold, as global rows (i < j)."""
    empty = np.empty(0, dtype=np.int64)
    if limits is not None and i != j and limits.apart(offsets, i, j):
        return empty, empty, np.empty(0, dtype=np.float32)
    labels = {} if limits is None else limits.block(offsets, j)
    index = SimilarityIndex(Xj, n_jobs=n_jobs, progress=False, **labels)
    options = {} if limits is None else limits.options()
    if i == j:
        found = index.pairs(threshold, method=method, **options)
    else:
        mine = {} if limits is None else limits.block(offsets, i)
        found = index.query_pairs(
            Xi, threshold, method=method, **_query_labels(mine, options), **options
        )
    return (
        found.article_row.astype(np.int64) + int(offsets[i]),
        found.neighbor_row.astype(np.int64) + int(offsets[j]),
        found.score.astype(np.float32, copy=False),
    )


def _concat_pairs(*parts: tuple[np.ndarray, np.ndarray, np.ndarray]) -> Pairs:
    """All blocks' pairs, ordered by i, then j."""
    i = np.concatenate([p[0] for p in parts]) if parts else np.empty(0, dtype=np.int64)
    j = np.concatenate([p[1] for p in parts]) if parts else np.empty(0, dtype=np.int64)
    s = np.concatenate([p[2] for p in parts]) if parts else np.empty(0, dtype=np.float32)
    order = np.lexsort((j, i))
    return Pairs(i[order], j[order], s[order])


def _block_sums(X: Any, labels: np.ndarray, offsets: Any, b: int, n_stories: int) -> Any:
    """Return the sum of each story's rows of block b."""
    from ._stories import story_sums

    block = sp.csr_matrix(X, dtype=np.float32)
    return story_sums(labels[int(offsets[b]) : int(offsets[b + 1])], n_stories, block)


def _add(*parts: Any) -> Any:
    total = parts[0]
    for p in parts[1:]:
        total = total + p
    return total


# Indexes loaded by path in this (worker) process: (path, inode, size, mtime) -> index. A file
# replaced by a new save has another inode, so a stale mapping is never used.
_LOADED: dict[tuple[str, int, int, int], SimilarityIndex] = {}
_LOADED_LOCK = threading.Lock()
_LOADED_MAX = 4


def _loaded(path: str) -> SimilarityIndex:
    """Return the index saved at ``path``, mapped once per process."""
    st = os.stat(path)
    key = (os.path.realpath(path), st.st_ino, st.st_size, st.st_mtime_ns)
    with _LOADED_LOCK:
        index = _LOADED.get(key)
        if index is None:
            index = SimilarityIndex.load(path, progress=False)
            if len(_LOADED) >= _LOADED_MAX:
                _LOADED.pop(next(iter(_LOADED)))
            _LOADED[key] = index
        return index


def _query_index(index: Any, Q: Any, k: int, method: str, n_jobs: Any) -> TopK:
    """Rows of one query block against a whole index (an index, or the path of a saved one)."""
    idx = _loaded(index) if isinstance(index, str) else index
    idx.n_jobs = n_jobs
    result = idx.query(Q, k, method=method)
    return TopK(result.neighbor_rows, result.scores)


def _concat_results(*parts: TopK) -> TopK:
    ids = np.concatenate([p.ids for p in parts], axis=0)
    scores = np.concatenate([p.scores for p in parts], axis=0)
    return TopK(ids, scores)


# ------------------------------------------------------------------------------ helpers


def _check_split_every(split_every: Any) -> int:
    if isinstance(split_every, bool) or not isinstance(split_every, Integral):
        raise TypeError(f"split_every must be an int, got {type(split_every).__name__}")
    if split_every < 2:
        raise ValueError(f"split_every must be >= 2, got {split_every}")
    return int(split_every)


def _tree(nodes: list[Any], combine: Callable[..., Any], split_every: int, name: str) -> Any:
    """Reduce Delayed ``nodes`` with ``combine`` in a tree of fan-in ``split_every``."""
    level = 0
    while len(nodes) > 1:
        nodes = [
            delayed(combine, pure=True)(
                *nodes[i : i + split_every], dask_key_name=f"{name}-{level}-{i // split_every}"
            )
            for i in range(0, len(nodes), split_every)
        ]
        level += 1
    return nodes[0]


def _token() -> str:
    return uuid.uuid4().hex[:12]


def _put(value: Any, name: str) -> Any:
    """Put a large argument (a fitted model, a query matrix) into the graph once.

    With a ``distributed`` client it is scattered to the workers (broadcast) and the tasks get
    a future, so the graph stays small; with the local schedulers it is one graph key.
    """
    client = _distributed_client()
    if client is not None:
        return client.scatter(value, broadcast=True, hash=False)
    return delayed(value, name=f"{name}-{_token()}")


def _distributed_client() -> Any:
    """Return the active ``distributed`` client, if the scheduler in use is one."""
    if "distributed" not in sys.modules:
        return None
    import distributed

    default_client: Any = distributed.default_client
    try:
        client = default_client()
    except ValueError:  # no client
        return None
    scheduler = dask.config.get("scheduler", None)
    if scheduler not in (None, "dask.distributed", "distributed"):
        return None  # the user asked for a local scheduler
    return client


def _matrix_partitions(X: Any) -> tuple[list[Any], Optional[list[int]], int]:
    """Split a partitioned matrix: (Delayed row blocks, their row counts if known, columns)."""
    if isinstance(X, da.Array):
        if X.ndim != 2:
            raise ValueError(f"X must be a 2-D dask array, got {X.ndim}-D")
        grid = cast(Any, X).to_delayed()
        row_blocks = [
            row[0] if len(row) == 1 else delayed(_hstack, pure=True)(*row) for row in grid
        ]
        rows = X.chunks[0]
        known = None if any(math.isnan(r) for r in rows) else [int(r) for r in rows]
        cols = X.shape[1]
        return row_blocks, known, -1 if math.isnan(cols) else int(cols)
    if sp.issparse(X) or isinstance(X, np.ndarray):
        return [_put(X, "newsim-matrix")], [int(X.shape[0])], int(X.shape[1])
    if isinstance(X, Sequence) and not isinstance(X, (str, bytes)) and len(X) > 0:
        blocks: list[Any] = []
        sizes: list[Optional[int]] = []
        for b in X:
            if isinstance(b, Delayed):
                blocks.append(b)
                sizes.append(None)
            elif sp.issparse(b) or isinstance(b, np.ndarray):
                blocks.append(_put(b, "newsim-block"))
                sizes.append(int(b.shape[0]))
            else:
                raise TypeError(
                    f"X[{len(blocks)}] is {type(b).__name__}, expected a sparse matrix, an "
                    "array or a dask.delayed block"
                )
        known = None if any(s is None for s in sizes) else [int(s) for s in sizes if s is not None]
        return blocks, known, -1
    raise TypeError(
        "X must be a dask array (e.g. from newsim.dask.transform), a sequence of row blocks "
        f"(matrices or dask.delayed) or a matrix, got {type(X).__name__}"
    )


def _block_offsets(blocks: list[Any], sizes: Optional[list[int]], token: str) -> Any:
    """Each block's first global row and the total: known, or a Delayed counted on the workers."""
    if sizes is not None:
        return _offsets(*sizes)
    counts = [delayed(_n_rows, pure=True)(b) for b in blocks]
    return delayed(_offsets, pure=True)(*counts, dask_key_name=f"newsim-offsets-{token}")


def _pairwise(
    queries: list[Any],
    blocks: list[Any],
    sizes: Optional[list[int]],
    k: int,
    self_join: bool,
    method: str,
    n_jobs: Any,
    split_every: int,
    limits: Optional[_Limits] = None,
) -> TopK:
    token = _token()
    offsets = _block_offsets(blocks, sizes, token)
    shipped = None if limits is None else _put(limits, "newsim-limits")
    rows = []
    for i, Qi in enumerate(queries):
        parts = [
            delayed(_pair, pure=True)(
                Qi,
                Xj,
                offsets,
                j,
                k,
                self_join and i == j,
                method,
                n_jobs,
                shipped,
                i,
                dask_key_name=f"newsim-pair-{token}-{i}-{j}",
            )
            for j, Xj in enumerate(blocks)
        ]
        rows.append(_tree(parts, _KMerge(k), split_every, f"newsim-merge-{token}-{i}"))
    (result,) = _compute(delayed(_concat_results, pure=True)(*rows))
    return TopK(result.ids, result.scores)


def _query_against(Q: Any, index: Any, k: int, method: str, n_jobs: Any) -> TopK:
    """Each query block against one index, on the workers; labelled with the index's ids."""
    local: SimilarityIndex = index
    if not isinstance(index, SimilarityIndex):
        index = os.path.abspath(os.fspath(index))
        local = _loaded(index)  # checks the file here first: a bad path fails before the graph
    queries, _, q_cols = _matrix_partitions(Q)
    if q_cols >= 0 and q_cols != local.n_features:
        raise ValueError(
            f"Q has {q_cols} columns, the index has {local.n_features}; transform the queries "
            "with the vectorizer that built the index"
        )
    shipped = _put(index, "newsim-index") if isinstance(index, SimilarityIndex) else index
    token = _token()
    parts = [
        delayed(_query_index, pure=True)(
            shipped, Qi, k, method, n_jobs, dask_key_name=f"newsim-query-{token}-{i}"
        )
        for i, Qi in enumerate(queries)
    ]
    result: TopK = _compute(delayed(_concat_results, pure=True)(*parts))[0]
    return local._topk(result.ids, result.scores, queries=True)


class _KMerge:
    """``merge_top_k`` with a fixed k, picklable (a class instance, not a closure)."""

    def __init__(self, k: int) -> None:
        self.k = k

    def __call__(self, *parts: TopK) -> TopK:
        return merge_top_k(parts, self.k)


# ------------------------------------------------------------------------------ public API


def fit(
    vectorizer: Any,
    collection: Any,
    *,
    column: Any = None,
    split_every: int = 8,
) -> Any:
    """Fit a vectorizer on a partitioned text collection: statistics per partition, then merged.

    Each partition runs ``partial_fit`` on a clone of ``vectorizer``; the partial statistics
    are summed in a tree reduction (:meth:`newsim.TfidfVectorizer.merge`, fan-in
    ``split_every``) and finalized once (pruning and idf over the whole corpus). The result equals
    ``vectorizer.fit(all_documents)``: same vocabulary, idf and matrices. With
    ``language='auto'`` the language is detected once, on the first non-empty partition
    (computed once more for that), and set on the returned vectorizer, so that every
    partition analyzes alike.

    Parameters
    ----------
    vectorizer : TfidfVectorizer or SklearnTfidfVectorizer
        The unfitted template (not modified).
    collection : dask.bag.Bag, dask Series, dask DataFrame, 1-D dask array or list of Delayed
        The documents (str), partitioned.
    column : str, optional
        The text column when ``collection`` is a dask DataFrame.
    split_every : int, default=8
        Fan-in of the reduction tree.

    Returns
    -------
    TfidfVectorizer or SklearnTfidfVectorizer
        A new fitted vectorizer (its ``language`` is the resolved one if it was ``'auto'``).

    Raises
    ------
    TypeError
        For a non-string document: the single-machine message prefixed with the partition,
        e.g. ``partition 2: documents[5] is None, expected str``.
    ValueError
        If the collection holds no documents.

    See Also
    --------
    newsim.TfidfVectorizer.merge : The reduction.
    newsim.dask.transform : Transform the partitions.

    Examples
    --------
    >>> import dask.bag as db
    >>> import newsim
    >>> import newsim.dask as nd
    >>> bag = db.from_sequence(["Die Katze schläft.", "Der Hund bellt laut."], npartitions=2)
    >>> vec = nd.fit(newsim.TfidfVectorizer(language="de"), bag)
    >>> vec.get_feature_names_out().tolist()
    ['bellt', 'hund', 'katz', 'laut', 'schlaft']
    """
    split_every = _check_split_every(split_every)
    if not hasattr(vectorizer, "partial_fit") or not hasattr(vectorizer, "merge"):
        raise TypeError(
            f"vectorizer must be a newsim TfidfVectorizer or SklearnTfidfVectorizer, got "
            f"{type(vectorizer).__name__}"
        )
    parts = _text_partitions(collection, column)
    template = clone(vectorizer)
    params = template.get_params(deep=False)
    if params.get("language") == "auto":
        template.set_params(language=_first_language(parts))
    model = delayed(template, name=f"newsim-template-{_token()}")
    token = _token()
    partials = [
        delayed(_fit_partition, pure=True)(model, part, p, dask_key_name=f"newsim-fit-{token}-{p}")
        for p, part in enumerate(parts)
    ]
    root = _tree(partials, _merge, split_every, f"newsim-merge-{token}")
    (fitted,) = _compute(delayed(_finalize, pure=True)(root))
    if fitted is None:
        raise ValueError("cannot fit on an empty corpus: at least one document is needed")
    return fitted


def _first_language(parts: list[Delayed]) -> Optional[str]:
    """Detect the language on the first non-empty partition (None: language-neutral)."""
    for part in parts:
        docs = _documents(_compute(part)[0])
        if docs:
            return _detect_language(docs)
    return None


def transform(vectorizer: Any, collection: Any, *, column: Any = None) -> da.Array:
    """Transform a partitioned text collection: a Dask array of CSR row blocks.

    Parameters
    ----------
    vectorizer : fitted TfidfVectorizer or SklearnTfidfVectorizer, or a stateless vectorizer
        Anything with ``transform(list_of_str) -> sparse matrix``; it is sent to the workers
        once (pickled as newsim's versioned bytes).
    collection : dask.bag.Bag, dask Series, dask DataFrame, 1-D dask array or list of Delayed
        The documents.
    column : str, optional
        The text column when ``collection`` is a dask DataFrame.

    Returns
    -------
    dask.array.Array of shape (n_documents, n_features)
        One chunk per partition, each a ``scipy.sparse.csr_matrix`` (row counts unknown until
        computed: ``nan`` in ``chunks``). ``.compute()`` stacks them into one CSR matrix;
        ``.to_delayed()`` gives the blocks; :func:`top_k` takes the array as it is.

    See Also
    --------
    newsim.dask.fit : Fit on the partitions.
    newsim.dask.top_k : Neighbours over the result.

    Examples
    --------
    >>> import dask.bag as db
    >>> import newsim
    >>> import newsim.dask as nd
    >>> bag = db.from_sequence(["the cat sat", "the dog sat"], npartitions=2)
    >>> vec = nd.fit(newsim.TfidfVectorizer(language="en"), bag)
    >>> nd.transform(vec, bag).compute().toarray().round(2)
    array([[0.81, 0.  , 0.58],
           [0.  , 0.81, 0.58]], dtype=float32)
    """
    parts = _text_partitions(collection, column)
    meta = sp.csr_matrix(vectorizer.transform([]))  # NotFittedError now, not on the workers
    n_features = int(meta.shape[1])
    model = _put(vectorizer, "newsim-model")
    token = _token()
    chunks = [
        _from_delayed(
            delayed(_transform_partition, pure=True)(
                model, part, p, dask_key_name=f"newsim-transform-{token}-{p}"
            ),
            shape=(math.nan, n_features),
            dtype=meta.dtype,
            meta=meta,
        )
        for p, part in enumerate(parts)
    ]
    return cast(da.Array, _concatenate(chunks, axis=0) if len(chunks) > 1 else chunks[0])


def top_k(
    X: Any,
    k: int = 10,
    *,
    dates: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
    sources: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
    window: Any = None,
    exclude_same_source: bool = False,
    method: str = "auto",
    n_jobs: Optional[int] = None,
    split_every: int = 8,
) -> TopK:
    """Each article's k most similar other articles, over partitions, merged exactly.

    For every pair of row blocks (i, j) one task queries block i against an index over block
    j (on the diagonal, block j's own top-k, which excludes each article itself); each row
    block's k-best lists are merged in a tree. The result equals
    ``SimilarityIndex(X.compute()).top_k(k)``: ids, scores and the order of ties. A task
    holds two blocks and one index; every block stays in the cluster's memory until its last
    pair is done; the result, O(n·k), is gathered on the client. ``X`` is computed as part of
    the graph: ``X.persist()`` first when you need it for anything else too.

    Parameters
    ----------
    X : dask array or sequence of row blocks
        E.g. the result of :func:`transform`; or a list of matrices or ``dask.delayed`` blocks.
    k : int, default=10
        Neighbours per article (padding: id -1, score 0.0).
    dates, sources : sequence, optional
        One date and one source per row of X (in the order of the blocks), for ``window``
        and ``exclude_same_source``; they are shipped to the workers once.
    window : str, timedelta or None, default=None
        Only neighbours at most this far apart in time, as in
        :meth:`newsim.SimilarityIndex.top_k`; a pair of blocks whose dates are further apart
        is not compared at all.
    exclude_same_source : bool, default=False
        Only neighbours of another source, as in :meth:`newsim.SimilarityIndex.top_k`.
    method : {'auto', 'pruned', 'brute'}, default='auto'
        As in :meth:`newsim.SimilarityIndex.top_k`.
    n_jobs : int or None, default=None
        Threads per task (None: 1).
    split_every : int, default=8
        Fan-in of the merge trees.

    Returns
    -------
    TopK
        ``(ids, scores)`` of shape (n_articles, k), ids global row numbers.

    See Also
    --------
    newsim.SimilarityIndex.top_k : On one machine.
    newsim.dask.pairs : Every pair above a threshold.

    Examples
    --------
    >>> import dask.bag as db
    >>> import newsim
    >>> import newsim.dask as nd
    >>> bag = db.from_sequence(["cats sleep", "cats purr", "dogs bark", "dogs run"], npartitions=2)
    >>> vec = nd.fit(newsim.TfidfVectorizer(language="en"), bag)
    >>> nd.top_k(nd.transform(vec, bag), k=1).ids.ravel().tolist()
    [1, 0, 3, 2]
    """
    k = _check_k(k)
    method = _check_method(method)
    split_every = _check_split_every(split_every)
    limits = _Limits.checked(dates, sources, window, exclude_same_source)
    blocks, sizes, _ = _matrix_partitions(X)
    if limits is not None and sizes is not None:
        limits.check_rows(sum(sizes))
    return _pairwise(blocks, blocks, sizes, k, True, method, n_jobs, split_every, limits)


def pairs(
    X: Any,
    threshold: float = 0.8,
    *,
    dates: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
    sources: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
    window: Any = None,
    exclude_same_source: bool = False,
    method: str = "auto",
    n_jobs: Optional[int] = None,
) -> Pairs:
    """All pairs of articles i < j with score >= threshold, over partitions.

    One task per pair of row blocks (a, b), a <= b: on the diagonal, block a's own pairs
    (:meth:`newsim.SimilarityIndex.pairs`), else block a's rows against an index over block b
    (:meth:`newsim.SimilarityIndex.query_pairs`). With a window, pairs of blocks whose dates are
    further apart are not compared at all, and within a task only the articles in each other's
    window are read. The result equals
    ``SimilarityIndex(X.compute(), dates=dates, sources=sources).pairs(threshold, ...)``.

    Parameters
    ----------
    X : dask array or sequence of row blocks
        E.g. the result of :func:`transform`; or a list of matrices or ``dask.delayed`` blocks.
    threshold : float, default=0.8
        As in :meth:`newsim.SimilarityIndex.pairs`.
    dates, sources : sequence, optional
        One date and one source per row of X, for ``window`` and ``exclude_same_source``.
    window : str, timedelta or None, default=None
        Only pairs at most this far apart in time (``"3D"``).
    exclude_same_source : bool, default=False
        Only pairs of different sources.
    method : {'auto', 'pruned', 'brute'}, default='auto'
        As in :meth:`newsim.SimilarityIndex.pairs`.
    n_jobs : int or None, default=None
        Threads per task (None: 1).

    Returns
    -------
    Pairs
        ``(article_row, neighbor_row, score)`` in global rows, ordered by article_row, then
        neighbor_row.

    See Also
    --------
    newsim.SimilarityIndex.pairs : On one machine.
    newsim.dask.top_k : The k nearest instead.

    Examples
    --------
    >>> import dask.bag as db
    >>> import newsim
    >>> import newsim.dask as nd
    >>> texts = ["rates rise again", "rates rise again today", "stocks fall", "rates rise again"]
    >>> bag = db.from_sequence(texts, npartitions=2)
    >>> vec = nd.fit(newsim.TfidfVectorizer(language="en"), bag)
    >>> dates = ["2024-01-01", "2024-01-02", "2024-01-02", "2024-03-01"]
    >>> found = nd.pairs(nd.transform(vec, bag), 0.5, dates=dates, window="7D")
    >>> list(zip(found.article_row.tolist(), found.neighbor_row.tolist()))
    [(0, 1)]
    """
    t = _check_threshold(threshold, True)
    method = _check_method(method)
    limits = _Limits.checked(dates, sources, window, exclude_same_source)
    blocks, sizes, _ = _matrix_partitions(X)
    if limits is not None and sizes is not None:
        limits.check_rows(sum(sizes))
    token = _token()
    offsets = _block_offsets(blocks, sizes, token)
    shipped = None if limits is None else _put(limits, "newsim-limits")
    parts = [
        delayed(_pairs_block, pure=True)(
            blocks[a],
            blocks[b],
            offsets,
            a,
            b,
            t,
            method,
            n_jobs,
            shipped,
            dask_key_name=f"newsim-pairs-{token}-{a}-{b}",
        )
        for a in range(len(blocks))
        for b in range(a, len(blocks))
    ]
    (result,) = _compute(delayed(_concat_pairs, pure=True)(*parts))
    return cast(Pairs, result)


def stories(
    X: Any,
    k: int = 20,
    threshold: float = 0.03,
    *,
    dates: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
    sources: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
    window: Any = None,
    exclude_same_source: bool = False,
    feature_names: Optional[Sequence[str]] = None,
    keywords: int = 5,
    n_jobs: Optional[int] = None,
    split_every: int = 8,
) -> Stories:
    """Group a partitioned corpus into stories: :meth:`newsim.SimilarityIndex.stories` on Dask.

    The k-nearest-neighbour graph comes from :func:`top_k` (exact, with the same window and
    sources), the average linkage runs on the client (O(n·k)), and each story's keywords are
    summed block by block on the workers. Labels, sizes, dates, sources and keywords equal
    ``SimilarityIndex(X.compute(), dates=dates, sources=sources).stories(k, threshold, ...)``.

    Parameters
    ----------
    X : dask array or sequence of row blocks
        E.g. the result of :func:`transform`.
    k, threshold : int, float
        As in :meth:`newsim.SimilarityIndex.stories`.
    dates, sources : sequence, optional
        One per row of X: the stories' first and last dates and sources, and for ``window``
        and ``exclude_same_source``.
    window, exclude_same_source
        As in :meth:`newsim.SimilarityIndex.stories`.
    feature_names : sequence of str, optional
        The terms of X's columns (e.g. ``vec.get_feature_names_out()``), for the keywords;
        column numbers without them.
    keywords : int, default=5
        Terms per story.
    n_jobs : int or None, default=None
        Threads per task (None: 1).
    split_every : int, default=8
        Fan-in of the merge trees.

    Returns
    -------
    Stories
        As :meth:`newsim.SimilarityIndex.stories` returns it (ids: the global rows).

    See Also
    --------
    newsim.SimilarityIndex.stories : On one machine.

    Examples
    --------
    >>> import dask.bag as db
    >>> import newsim
    >>> import newsim.dask as nd
    >>> texts = ["Icahn nominees rejected by eBay board", "eBay board rejects Icahn nominees",
    ...          "Eurozone inflation falls again", "Inflation in the eurozone falls"]
    >>> bag = db.from_sequence(texts, npartitions=2)
    >>> vec = nd.fit(newsim.TfidfVectorizer(language="en"), bag)
    >>> nd.stories(nd.transform(vec, bag)).labels.tolist()
    [0, 0, 1, 1]
    """
    from . import _core
    from ._stories import check_k, described, top_terms
    from ._stories import check_threshold as check_story_threshold

    k = check_k(k)
    t = check_story_threshold(threshold, True)
    if isinstance(keywords, bool) or not isinstance(keywords, Integral) or keywords < 0:
        raise TypeError(f"keywords must be an int >= 0 (terms per story), got {keywords!r}")
    top = top_k(
        X,
        k,
        dates=dates,
        sources=sources,
        window=window,
        exclude_same_source=exclude_same_source,
        n_jobs=n_jobs,
        split_every=split_every,
    )
    labels, sizes = _core.cluster_neighbours(top.ids, top.scores, threshold=t)
    n = int(labels.shape[0])
    n_stories = int(sizes.shape[0])
    names = None if feature_names is None else np.asarray(list(feature_names), dtype=object)
    terms: list[list[Any]] = [[] for _ in range(n_stories)]
    if int(keywords) > 0 and n_stories > 0:
        blocks, block_sizes, _ = _matrix_partitions(X)
        token = _token()
        offsets = _block_offsets(blocks, block_sizes, token)
        shipped = _put(labels, "newsim-labels")
        sums = [
            delayed(_block_sums, pure=True)(
                block, shipped, offsets, b, n_stories, dask_key_name=f"newsim-sums-{token}-{b}"
            )
            for b, block in enumerate(blocks)
        ]
        (total,) = _compute(_tree(sums, _add, split_every, f"newsim-sum-{token}"))
        if names is not None and names.shape[0] != int(total.shape[1]):
            raise ValueError(
                f"feature_names has {names.shape[0]} terms, X has {int(total.shape[1])} columns"
            )
        terms = top_terms(sp.csr_matrix(total), int(keywords), names)
    ns, utc = check_dates(dates, n) if dates is not None else (None, False)
    return described(
        labels,
        sizes,
        np.arange(n, dtype=np.int64),
        terms,
        k=k,
        threshold=t,
        dates=ns,
        utc=utc,
        sources=None if sources is None else check_sources(sources, n),
    )


def query(
    Q: Any,
    X: Any,
    k: int = 10,
    *,
    method: str = "auto",
    n_jobs: Optional[int] = None,
    split_every: int = 8,
) -> TopK:
    """Find the k most similar articles of a partitioned corpus for each query row.

    Equals ``SimilarityIndex(X.compute()).query(Q, k)`` exactly.

    Parameters
    ----------
    Q : sparse matrix, dask array or sequence of row blocks
        The queries, transformed by the corpus's vectorizer.
    X : dask array, sequence of row blocks, SimilarityIndex, or path
        The corpus, e.g. the result of :func:`transform`; or an index over it, built
        (pickled to the workers once) or saved with :meth:`newsim.SimilarityIndex.save` (each
        worker process maps the file once; the path must be readable by the workers).
    k : int, default=10
        Neighbours per query.
    method : {'auto', 'pruned', 'brute'}, default='auto'
        As in :meth:`newsim.SimilarityIndex.query`.
    n_jobs : int or None, default=None
        Threads per task.
    split_every : int, default=8
        Fan-in of the merge trees.

    Returns
    -------
    TopK
        ``(ids, scores)`` of shape (n_queries, k), ids global row numbers of X, or the
        index's ids when X is an index with ``ids``.

    See Also
    --------
    newsim.SimilarityIndex.query : On one machine.

    Examples
    --------
    >>> import dask.bag as db
    >>> import newsim
    >>> import newsim.dask as nd
    >>> bag = db.from_sequence(["cats sleep", "cats purr", "dogs bark", "dogs run"], npartitions=2)
    >>> vec = nd.fit(newsim.TfidfVectorizer(language="en"), bag)
    >>> nd.query(vec.transform(["my dogs bark"]), nd.transform(vec, bag), k=1).ids.tolist()
    [[2]]
    """
    k = _check_k(k)
    method = _check_method(method)
    split_every = _check_split_every(split_every)
    if isinstance(X, (SimilarityIndex, str, os.PathLike)):
        return _query_against(Q, X, k, method, n_jobs)
    blocks, sizes, cols = _matrix_partitions(X)
    queries, _, q_cols = _matrix_partitions(Q)
    if cols >= 0 and q_cols >= 0 and cols != q_cols:
        raise ValueError(
            f"Q has {q_cols} columns, X has {cols}; transform the queries with the vectorizer "
            "that built X"
        )
    return _pairwise(queries, blocks, sizes, k, False, method, n_jobs, split_every)
