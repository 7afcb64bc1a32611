"""Benchmark: a growing index (``SimilarityIndex.add`` / ``remove``) against a rebuild.

Usage (from the repo root)::

    python benchmarks/bench_index_growth.py --n 100000 1000000 --rounds 5 \\
        --cache-dir /work/bench-cache --out benchmarks/RESULTS.md
    python benchmarks/bench_index_growth.py --n 3000 --extra 1000 --add 100 500 --remove 100 \\
        --step 100 --sequence 6 --rounds 2 --queries 10          # smoke, seconds

Data: for each ``--n``, ``bench_index_file.make_dataset(n + extra)`` (generated articles,
vectorised as there; read from ``--cache-dir`` when an earlier run left it there).  The
generator makes article ``i`` from ``(seed, i // 1000)`` only, so the first ``n`` rows are
the articles of the corpus of size ``n`` (the "old" rows, ``X_old``) and rows ``n`` ..
``n + extra - 1`` are further articles (the "new" rows, ``X_new``), all weighted by one
vectorizer fit on the ``n + extra`` articles.  String ids ``"article-0000000"``, ...; every
index has ``n_jobs=--n-jobs`` (2).  In one process, for each size:

1. **Rounds** (``--rounds``; in each round, one after another): for each ``m`` of ``--add``
   (1,000 and 10,000), the anchor users have today, a **rebuild**
   ``SimilarityIndex(sp.vstack([X_old, X_new[:m]]), ids=old_ids + new_ids)`` (the vstack and
   the list concatenation timed with it); then **add** ``index.add(X_new[:m], ids=new_ids)``
   to a fresh index over ``X_old`` (built outside the timing; its build time is reported for
   comparison; its id map is built before, untimed: once per index, at the first lookup),
   then, outside that timing, the **merge** of the two segments (``index._compacted()``, what
   ``top_k``, ``pairs``, ``save`` and pickle do first).  Last, **remove** ``--remove``
   (1,000) random ids from a fresh index over ``X_old`` (other ids each round).
2. **A sequence of adds**: ``--sequence`` (25) adds of ``--step`` (1,000) new rows in a row to
   one fresh index, each timed, with the size of the delta segment after it; an add whose
   delta exceeds ``max(20,000, 10 % of the main segment's rows)`` merges.
3. **Query latency** of four indexes over the same articles' lifecycle: before any add (one
   segment), after ``add`` of the largest ``--add`` (two segments), after that add and
   ``remove`` of ``--remove`` random ids (two segments and removal flags), and after the merge
   of that (one segment; the merge is timed).  ``--queries`` (200) random rows of ``X_old``,
   ``index.query(row, k=10)``, one row per call: the first query on each index timed on its
   own, then 20 untimed, then the queries alternating between the four indexes query by query
   (A B C D, D C B A, ...): median and p90.
4. **Checks**: the results of each grown index (ids and scores, every query of step 3, and
   ``--check-queries`` rows after the sequence of step 2) are compared with an index built
   fresh from the same rows in the same order (the old ones, then the added ones, removed ones
   left out): they must be equal.

5. **Anchor** at ``n <= --gensim-max-n`` (100k): gensim's ``Similarity`` (sharded on disk,
   ``shardsize`` 32768, ``num_best=10``) built once from ``X_old`` (``Sparse2Corpus``) and saved;
   in each round, for each ``m`` of ``--add``, a copy of its files loaded (``Similarity.load``,
   its shards mapped by one untimed query), then timed: ``add_documents`` of the ``m`` new rows
   (as bags of words, made before) and the next query (which builds and writes the grown last
   shard, then searches every shard); and, in the same round, newsim's ``index.add`` + query on a
   fresh index over ``X_old`` (one untimed query before, as gensim's).  Ratio: gensim's median
   of add + query over newsim's.  The top-10 of the two are compared, and so is what
   ``Similarity.load`` gives after such an add when the index was not saved again (gensim
   issue 2663) and when it was.

With ``--real 10kgnad bbc``, steps 1-5 run after the generated sizes on one copy of each real
corpus (:func:`benchmarks.bench_index_file.real_dataset`: the default
``newsim.TfidfVectorizer()``): the last ``--real-add`` (100) articles are the new rows, the
others the index; adds, removes and the sequence's steps are of ``--real-add`` rows (a sequence
of 1), queries at most one per article.

Warm calls run one after another (no pause), as a user runs them; ``gc.collect()`` before each
timed call.  Medians with min-max over ``--rounds``; ratios are ratios of medians.  ``--out``
replaces the section between ``<!-- index-growth:begin -->`` and ``<!-- index-growth:end -->``;
``--json`` keeps every raw figure.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any, Callable

import numpy as np
import scipy.sparse as sp

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness
from benchmarks.bench_index_file import (
    REAL_CORPORA,
    Dataset,
    _ms,
    _s,
    _span,
    as_rows,
    gensim_topk,
    make_dataset,
    make_ids,
    percentile,
    query_rows,
    real_dataset,
    real_label,
    summary,
    to_bow,
)

SECTION = "index-growth"
PACKAGES = ("numpy", "scipy", "gensim", "newsim")
K = 10
WARM_QUERIES = 20  # untimed queries on each index before the steady latency
TARGET_ADD_SECONDS = (
    1.0  # issue 19: "Adding 1,000 articles to a 1M-article index takes at most a second"
)
STATES = ("before", "added", "removed", "merged")
STATE_LABELS = {
    "before": "before any add (one segment)",
    "added": "after add {add:,} (two segments)",
    "removed": "after add {add:,} and remove {remove:,} (two segments, removal flags)",
    "merged": "after the merge of that (one segment)",
}

Progress = Callable[[str], None]


class Clock:
    """Times calls: wall seconds, and the process's user and kernel CPU seconds per label."""

    def __init__(self) -> None:
        self.cpu: dict[str, dict[str, list[float]]] = {}

    def __call__(self, label: str, fn: Callable[[], Any]) -> tuple[float, Any]:
        """Seconds of one call of ``fn`` and its result (garbage collected before)."""
        gc.collect()
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu = self.cpu.setdefault(label, {"user": [], "sys": []})
        cpu["user"].append(r1.ru_utime - r0.ru_utime)
        cpu["sys"].append(r1.ru_stime - r0.ru_stime)
        return dt, out

    def medians(self) -> dict[str, dict[str, float]]:
        """Median user and kernel CPU seconds per label."""
        return {
            k: {"user": statistics.median(v["user"]), "sys": statistics.median(v["sys"])}
            for k, v in self.cpu.items()
        }


def segments(index: Any) -> dict[str, Any]:
    """Rows of the main and the delta segment and removal flags of an index (its state)."""
    st = index._state
    return {
        "main_rows": int(st.n_main),
        "delta_rows": 0 if st.delta is None else int(st.delta.rows),
        "removed": 0 if st.removed is None else int(np.count_nonzero(st.removed)),
    }


def run_queries(index: Any, queries: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Ids and scores of ``index.query(q, k=10)`` for each query row, stacked."""
    ids, scores = [], []
    for q in queries:
        out = index.query(q, k=K)
        ids.append(np.asarray(out.ids).ravel())
        scores.append(np.asarray(out.scores).ravel())
    return np.stack(ids), np.stack(scores)


def same_results(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> bool:
    """Equal ids and equal scores (exactly)."""
    return bool(np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]))


def latency(ms: Sequence[float]) -> dict[str, Any]:
    """Median, p90, mean and max of query times (ms), with the raw times."""
    return {
        "median": statistics.median(ms),
        "p90": percentile(ms, 90),
        "mean": statistics.fmean(ms),
        "max": max(ms),
        "times": list(ms),
    }


# --------------------------------------------------------------------------------------
# measurements


def measure(
    ds: Dataset,
    n: int,
    args: argparse.Namespace,
    progress: Progress,
    label: str | None = None,
) -> dict[str, Any]:
    """Steps 1-5 of the module docstring for one corpus (``n`` old rows, the rest new)."""
    import newsim

    X = ds.X
    jobs = args.n_jobs
    X_old = X[:n]
    X_new = X[n:]
    all_ids = make_ids(X.shape[0])
    old_ids = all_ids[:n]
    new_ids = all_ids[n:]
    res: dict[str, Any] = {
        "n": n,
        "label": label or f"n = {n:,}",
        "extra": int(X_new.shape[0]),
        "desc": ds.desc,
        "cached": ds.cached,
        "nnz_old": int(X_old.nnz),
        "n_features": int(X.shape[1]),
        "add_sizes": list(args.add),
        "remove": args.remove,
        "sequence_step": args.step,
    }
    tag = f"[{label or f'n={n:,}'}]"

    def build() -> Any:
        return newsim.SimilarityIndex(X_old, ids=old_ids, n_jobs=jobs, progress=False)

    def rebuild(Xm: Any, idm: list[str]) -> Any:
        """The anchor: what a user does today to add rows (vstack, ids, build)."""
        return newsim.SimilarityIndex(
            sp.vstack([X_old, Xm], format="csr"), ids=old_ids + idm, n_jobs=jobs, progress=False
        )

    # 1. rounds: rebuild vs add (+ the id lookup and the merge after it), remove
    timed = Clock()
    rebuild_s: dict[int, list[float]] = {m: [] for m in args.add}
    add_s: dict[int, list[float]] = {m: [] for m in args.add}
    lookup_s: dict[int, list[float]] = {m: [] for m in args.add}
    merge_s: dict[int, list[float]] = {m: [] for m in args.add}
    after_add: dict[int, dict[str, Any]] = {}
    build_s: list[float] = []
    remove_s: list[float] = []
    for r in range(args.rounds):
        for m in args.add:
            Xm, idm = X_new[:m], new_ids[:m]
            dt, idx = timed(f"rebuild {m}", partial(rebuild, Xm, idm))
            rebuild_s[m].append(dt)
            del idx
            gc.collect()
            dt, idx = timed("build", build)
            build_s.append(dt)
            # The id map, built once per index at its first lookup and extended by each add
            # after: outside the add's timing, as in an index that has served a lookup.
            dt, _ = timed(f"id map {m}", partial(idx.row_of, old_ids[0]))
            lookup_s[m].append(dt)
            dt, _ = timed(f"add {m}", partial(idx.add, Xm, ids=idm))
            add_s[m].append(dt)
            after_add[m] = segments(idx)
            dt, _ = timed(f"merge {m}", idx._compacted)
            merge_s[m].append(dt)
            assert not idx._state.segmented and idx.n_articles == n + m
            del idx
            gc.collect()
            progress(
                f"{tag} round {r + 1}: rebuild +{m:,} {rebuild_s[m][-1]:.3f} s, add {m:,} "
                f"{add_s[m][-1]:.3f} s (id map before it {lookup_s[m][-1]:.3f} s), merge "
                f"{merge_s[m][-1]:.3f} s"
            )
        rng = np.random.default_rng([args.seed, 1, r])
        gone = [old_ids[i] for i in rng.choice(n, size=args.remove, replace=False)]
        idx = build()
        idx.row_of(old_ids[0])  # its id map, as in an index that has served a lookup
        dt, _ = timed("remove", partial(idx.remove, gone))
        remove_s.append(dt)
        assert idx.n_articles == n - args.remove and idx._state.segmented
        del idx
        gc.collect()
        progress(f"{tag} round {r + 1}: remove {args.remove:,} {dt:.3f} s")
    res["rebuild"] = {str(m): summary(v) for m, v in rebuild_s.items()}
    res["add"] = {str(m): summary(v) for m, v in add_s.items()}
    res["add_segments"] = {str(m): v for m, v in after_add.items()}
    res["id_lookup"] = {str(m): summary(v) for m, v in lookup_s.items()}
    res["merge_after_add"] = {str(m): summary(v) for m, v in merge_s.items()}
    res["build_old"] = summary(build_s)
    res["remove_s"] = summary(remove_s)

    # 2. a sequence of adds
    idx = build()
    gc.collect()
    seq: list[dict[str, Any]] = []
    for i in range(args.sequence):
        lo = i * args.step
        Xi, idi = X_new[lo : lo + args.step], new_ids[lo : lo + args.step]
        dt, _ = timed("sequence add", partial(idx.add, Xi, ids=idi))
        step = {"add": i + 1, "seconds": dt, **segments(idx)}
        step["merged"] = step["delta_rows"] == 0
        seq.append(step)
        progress(
            f"{tag} sequence add {i + 1}: {dt:.3f} s, delta {step['delta_rows']:,} rows"
            + (" (merged)" if step["merged"] else "")
        )
    res["sequence"] = seq
    total = n + args.sequence * args.step
    check_rows = query_rows(n, args.check_queries, args.seed + 7)
    checks = as_rows(X_old[check_rows])
    grown = run_queries(idx, checks)
    del idx
    gc.collect()
    fresh = newsim.SimilarityIndex(X[:total], ids=all_ids[:total], n_jobs=jobs, progress=False)
    res["sequence_check"] = {
        "queries": len(checks),
        "equal": same_results(grown, run_queries(fresh, checks)),
    }
    del fresh
    gc.collect()
    progress(f"{tag} sequence: results equal a fresh build: {res['sequence_check']['equal']}")

    # 3. query latency over the lifecycle: before, added, removed, merged
    big = max(args.add)
    Xb, idb = X_new[:big], new_ids[:big]
    rng = np.random.default_rng([args.seed, 2])
    grown_ids = old_ids + idb
    gone_rows = np.sort(rng.choice(len(grown_ids), size=args.remove, replace=False))
    gone = [grown_ids[i] for i in gone_rows]
    rows = query_rows(n, args.queries, args.seed)
    queries = as_rows(X_old[rows])
    first_ms: dict[str, float] = {}
    indexes: dict[str, Any] = {}

    def first(name: str, index: Any) -> None:
        gc.collect()
        t0 = time.perf_counter()
        index.query(queries[0], k=K)
        first_ms[name] = (time.perf_counter() - t0) * 1e3
        indexes[name] = index

    first("before", build())
    a = build()
    a.add(Xb, ids=idb)
    first("added", a)
    a = build()
    a.add(Xb, ids=idb)
    a.remove(gone)
    first("removed", a)
    a = build()
    a.add(Xb, ids=idb)
    a.remove(gone)
    lifecycle_segments = segments(a)
    dt, _ = timed("lifecycle merge", a._compacted)
    res["lifecycle_merge_s"] = dt
    res["lifecycle_segments"] = lifecycle_segments
    first("merged", a)
    del a
    res["segments"] = {name: segments(ix) for name, ix in indexes.items()}
    res["first_query_ms"] = first_ms
    progress(
        f"{tag} lifecycle: merge of delta {lifecycle_segments['delta_rows']:,} + "
        f"{lifecycle_segments['removed']:,} flags {dt:.3f} s; first query ms "
        + ", ".join(f"{k} {v:.2f}" for k, v in first_ms.items())
    )
    for ix in indexes.values():
        for q in queries[:WARM_QUERIES]:
            ix.query(q, k=K)
    lat: dict[str, list[float]] = {name: [] for name in indexes}
    got: dict[str, list[Any]] = {name: [] for name in indexes}
    for t, q in enumerate(queries):
        names = list(indexes)
        if t % 2:
            names.reverse()
        for name in names:
            t0 = time.perf_counter()
            out = indexes[name].query(q, k=K)
            lat[name].append((time.perf_counter() - t0) * 1e3)
            got[name].append((np.asarray(out.ids).ravel(), np.asarray(out.scores).ravel()))
    res["query_rows"] = len(queries)
    res["query_ms"] = {name: latency(v) for name, v in lat.items()}
    progress(
        f"{tag} query ms (median / p90): "
        + ", ".join(
            f"{k} {res['query_ms'][k]['median']:.2f} / {res['query_ms'][k]['p90']:.2f}"
            for k in indexes
        )
    )
    results = {
        name: (np.stack([g[0] for g in v]), np.stack([g[1] for g in v])) for name, v in got.items()
    }
    indexes.clear()
    gc.collect()

    # 4. checks against fresh builds on the same rows
    check: dict[str, Any] = {"queries": len(queries)}
    fresh = newsim.SimilarityIndex(
        sp.vstack([X_old, Xb], format="csr"), ids=grown_ids, n_jobs=jobs, progress=False
    )
    check["added"] = same_results(results["added"], run_queries(fresh, queries))
    del fresh
    gc.collect()
    keep = np.ones(len(grown_ids), dtype=bool)
    keep[gone_rows] = False
    fresh = newsim.SimilarityIndex(
        sp.vstack([X_old, Xb], format="csr")[np.flatnonzero(keep)],
        ids=[v for v, k in zip(grown_ids, keep) if k],
        n_jobs=jobs,
        progress=False,
    )
    ref = run_queries(fresh, queries)
    check["removed"] = same_results(results["removed"], ref)
    check["merged"] = same_results(results["merged"], ref)
    del fresh
    gc.collect()
    res["check"] = check
    res["cpu"] = timed.medians()
    res["cpu_raw"] = timed.cpu
    progress(f"{tag} results equal a fresh build on the same rows: {check}")

    # 5. the anchor
    if n <= args.gensim_max_n:
        try:
            res["gensim"] = measure_gensim_growth(X_old, X_new, old_ids, new_ids, args, progress)
        except Exception as exc:
            res["gensim_error"] = f"not run: {harness._short_error(exc)}"
            progress(f"{tag} gensim anchor {res['gensim_error']}")
    return res


def measure_gensim_growth(
    X_old: Any,
    X_new: Any,
    old_ids: list[str],
    new_ids: list[str],
    args: argparse.Namespace,
    progress: Progress,
) -> dict[str, Any]:
    """Step 5: gensim ``Similarity.add_documents`` + a query against newsim ``add`` + a query."""
    from gensim.matutils import Sparse2Corpus
    from gensim.similarities import Similarity

    import newsim
    from benchmarks.bench_similarity import check_topk

    n = X_old.shape[0]
    tag = f"[gensim n={n:,}]"
    res: dict[str, Any] = {"n": n}
    qrows = query_rows(n, args.rounds, args.seed + 11)
    queries = as_rows(X_old[qrows])
    bows = [to_bow(q) for q in queries]
    new_bows = {m: [to_bow(X_new[i]) for i in range(m)] for m in args.add}
    with tempfile.TemporaryDirectory(prefix="newsim-growth-gensim-", dir=args.workdir) as tmp:
        base = Path(tmp) / "base"
        base.mkdir()
        gc.collect()
        t0 = time.perf_counter()
        g = Similarity(
            str(base / "shard"),
            Sparse2Corpus(X_old, documents_columns=False),
            num_features=X_old.shape[1],
            num_best=K,
        )
        g.close_shard()  # the last, incomplete shard too
        g.save(str(base / "similarity.pickle"))
        res["build_s"] = time.perf_counter() - t0
        res["shardsize"] = int(g.shardsize)
        res["shards"] = len(g.shards)
        res["last_shard"] = len(g.shards[-1])
        del g
        gc.collect()
        progress(
            f"{tag} build + save {res['build_s']:.1f} s, {res['shards']} shards (last: "
            f"{res['last_shard']:,} articles)"
        )

        def load_copy(name: str, fname: str = "similarity.pickle") -> Any:
            """A copy of the saved index's files, loaded, pointed at the copy."""
            where = Path(tmp) / name
            if not where.exists():
                shutil.copytree(base, where)
            idx = Similarity.load(str(where / fname))
            idx.output_prefix = str(where / "shard")
            idx.check_moved()
            return idx

        times: dict[str, dict[int, list[float]]] = {
            k: {m: [] for m in args.add}
            for k in ("gensim_add", "gensim_query", "gensim_total", "add", "query", "total")
        }
        got: dict[int, list[Any]] = {m: [] for m in args.add}
        ref: dict[int, list[Any]] = {m: [] for m in args.add}

        def run_gensim(r: int, m: int) -> None:
            idx = load_copy(f"r{r}-{m}")
            idx[bows[r]]  # its shards mapped, as in an index that has served a query
            dt_add, _ = timed_call(partial(idx.add_documents, new_bows[m]))
            t0 = time.perf_counter()
            sims = idx[bows[r]]
            dt_q = time.perf_counter() - t0
            times["gensim_add"][m].append(dt_add)
            times["gensim_query"][m].append(dt_q)
            times["gensim_total"][m].append(dt_add + dt_q)
            got[m].append(gensim_topk(sims))
            assert len(idx) == n + m
            del idx

        def run_newsim(r: int, m: int) -> None:
            idx = newsim.SimilarityIndex(X_old, ids=old_ids, n_jobs=args.n_jobs, progress=False)
            idx.row_of(old_ids[0])  # its id map, as in an index that has served a lookup
            idx.query(queries[r], k=K)
            dt_add, _ = timed_call(partial(idx.add, X_new[:m], ids=new_ids[:m]))
            t0 = time.perf_counter()
            out = idx.query(queries[r], k=K)
            dt_q = time.perf_counter() - t0
            times["add"][m].append(dt_add)
            times["query"][m].append(dt_q)
            times["total"][m].append(dt_add + dt_q)
            rows = [-1 if v is None else int(str(v)[len("article-") :]) for v in out.ids.ravel()]
            ref[m].append((np.asarray(rows, dtype=np.int64), np.asarray(out.scores).ravel()))
            del idx

        for r in range(args.rounds):
            for m in args.add:
                order = (run_gensim, run_newsim) if r % 2 == 0 else (run_newsim, run_gensim)
                for fn in order:
                    fn(r, m)
                    gc.collect()
                progress(
                    f"{tag} round {r + 1}, add {m:,}: gensim add "
                    f"{times['gensim_add'][m][-1]:.3f} s + query "
                    f"{times['gensim_query'][m][-1]:.3f} s; newsim add {times['add'][m][-1]:.4f} s "
                    f"+ query {times['query'][m][-1] * 1e3:.2f} ms"
                )
        for k, v in times.items():
            res[k] = {str(m): summary(x) for m, x in v.items()}
        agreement = {}
        for m in args.add:
            Xm = sp.vstack([X_old, X_new[:m]], format="csr")
            chk = check_topk(
                np.stack([g[0] for g in got[m]]),
                np.stack([g[1] for g in got[m]]),
                np.stack([x[0] for x in ref[m]]),
                np.stack([x[1] for x in ref[m]]),
                Xm,
                row_ids=np.asarray(qrows[: len(got[m])]),
                exclude_self=False,
            )
            agreement[str(m)] = f"{chk.summary()} (gensim vs newsim, {len(got[m])} queries)"
        res["agreement"] = agreement

        # Reloading after an add (gensim issue 2663): a program adds to a loaded index and queries
        # it (which writes the grown last shard over the saved one's file), then the next run
        # loads the index again: not saved again after the add, and saved again.
        big = max(args.add)
        res["reload"] = {}
        for saved in (False, True):
            how = "saved" if saved else "unsaved"
            idx = load_copy(f"reload-{how}")
            idx.add_documents(new_bows[big])
            before = gensim_topk(idx[bows[0]])
            fname = "similarity.pickle"
            if saved:
                fname = "similarity-after-add.pickle"
                idx.save(str(Path(tmp) / f"reload-{how}" / fname))
            del idx
            gc.collect()
            steps = []
            try:
                again = load_copy(f"reload-{how}", fname)
                size = len(again)
                got_rows = gensim_topk(again[bows[0]])[0]
                beyond = int(np.count_nonzero(got_rows >= size))
                same = bool(np.array_equal(before[0], got_rows))
                steps.append(
                    f"it loads with {size:,} articles ({n + big if saved else n:,} saved), "
                    f"its top-10 {'equal' if same else 'differ from'} those before the reload"
                    + (f" and name {beyond} row(s) beyond its size" if beyond else "")
                )
                again.add_documents(new_bows[big])
                steps.append(f"adding the {big:,} again gives {len(again):,} articles")
                again[bows[0]]
                steps.append("the next query answers")
                ok = saved and same and size == n + big
            except Exception as exc:
                steps.append(f"the next call fails: {harness._short_error(exc)}")
                ok = False
            outcome = "; ".join(steps)
            res["reload"][how] = {"ok": ok, "outcome": outcome}
            progress(f"{tag} reload after add {big:,} ({how}): {outcome}")
    return res


def timed_call(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds of one call of ``fn`` and its result (garbage collected before)."""
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


# --------------------------------------------------------------------------------------
# report


def render_section(data: dict[str, Any]) -> str:
    """The markdown section of a run (from the figures of :func:`main`)."""
    sizes: list[dict[str, Any]] = data["sizes"]
    real: list[dict[str, Any]] = data.get("real", [])
    rm = (sizes or real)[0]["remove"]
    lines = [
        "## Index growth: add, remove, merge, queries before and after (issue 19)",
        "",
        data["environment"],
        f"- rounds: {data['rounds']} per measurement, warm calls one after another (no pause); "
        f"1-minute load average {data['loadavg_before']:.2f} before, "
        f"{data['loadavg_after']:.2f} after (2 logical cores, shared with other work)",
        f"- every index: string ids `article-0000000`, ..., `n_jobs={data['n_jobs']}`",
    ]
    if sizes:
        lines += [
            "",
            "Corpora: the old rows `X_old` are the first n rows of X (the generated corpus of "
            "size n), the new rows `X_new` the rows after them (further generated articles, not "
            "in the index), all weighted by one vectorizer fit on the n + new articles:",
            "",
        ]
        lines += corpus_lines(sizes)
        lines += render_body(data, sizes, "###")
    if real:
        k = real[0]["add_sizes"][0]
        lines += [
            "",
            f"### Real text: one copy of each corpus, its last {k:,} articles added to the others",
            "",
            "X = the whole corpus weighted by the default `newsim.TfidfVectorizer()`; `X_old` its "
            f"first rows, `X_new` its last {k:,}; adds, removes and the sequence's one step are "
            f"of {k:,} rows:",
            "",
        ]
        lines += corpus_lines(real)
        lines += render_body(data, real, "####")
    lines += ["", method(rm)]
    return "\n".join(lines)


def ratio(g: dict[str, Any], key: str) -> float:
    """gensim's median add + query over newsim's."""
    return float(g["gensim_total"][key]["median"] / g["total"][key]["median"])


def corpus_lines(sizes: list[dict[str, Any]]) -> list[str]:
    """One line per corpus: its old and new rows and where X came from."""
    lines = []
    for s in sizes:
        extra = " (X read from the cache file of an earlier run)" if s.get("cached") else ""
        lines.append(
            f"- {s['label']}: X_old = rows 0-{s['n'] - 1:,} ({s['nnz_old']:,} stored "
            f"values), X_new = rows {s['n']:,}-{s['n'] + s['extra'] - 1:,} of X = {s['desc']}"
            f"{extra}"
        )
    return lines


def render_body(data: dict[str, Any], sizes: list[dict[str, Any]], h: str) -> list[str]:
    """The tables of some corpora (columns), under headings of level ``h``."""
    cols = [s["label"] for s in sizes]
    first = sizes[0]
    adds: list[int] = first["add_sizes"]
    big = max(adds)
    rm = first["remove"]
    lines: list[str] = []
    lines += [
        "",
        f"{h} Add against a rebuild (median s, min-max; each add on a fresh index over X_old)",
        "",
        "| | " + " | ".join(cols) + " |",
        "|---|" + "---|" * len(cols),
    ]

    def row(label: str, cells: list[str]) -> None:
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    for m in adds:
        key = str(m)
        row(
            f"anchor: rebuild `SimilarityIndex(sp.vstack([X_old, X_new[:{m}]]), "
            f"ids=old_ids + new_ids)`, {m:,} new",
            [_span(s["rebuild"][key]) for s in sizes],
        )
        row(
            f"**`index.add(X_new[:{m}], ids=new_ids)`**, {m:,} new",
            [_span(s["add"][key]) for s in sizes],
        )
        row(
            f"ratio of medians (rebuild / add), {m:,} new",
            [f"{s['rebuild'][key]['median'] / s['add'][key]['median']:.1f}" for s in sizes],
        )
    row(
        f"`index.remove(ids)`, {rm:,} random ids",
        [_span(s["remove_s"]) for s in sizes],
    )
    for m in adds:
        row(
            f"merge after add {m:,}: `index._compacted()` (what `top_k`, `pairs`, `save`, "
            "pickle do first)",
            [_span(s["merge_after_add"][str(m)]) for s in sizes],
        )
    for m in adds:
        row(
            f"outside the timing, before add {m:,}: the index's id map, built once at its first "
            "lookup (`index.row_of(id)`) and extended by each add after",
            [_span(s["id_lookup"][str(m)]) for s in sizes],
        )
    row(
        "for comparison: build `SimilarityIndex(X_old, ids=old_ids)` (each add's fresh index)",
        [_span(s["build_old"]) for s in sizes],
    )
    lines.append("")
    for s in sizes:
        segs = ", ".join(
            f"add {int(m):,}: main {v['main_rows']:,} + delta {v['delta_rows']:,} rows"
            for m, v in s["add_segments"].items()
        )
        lines.append(f"- {s['label']}: segments after each timed add: {segs}.")
    for s in sizes:
        if s["n"] >= 1_000_000 and 1000 in adds:
            med = s["add"]["1000"]["median"]
            verdict = "meets" if med <= TARGET_ADD_SECONDS else "MISSES"
            lines.append(
                f"- Target (issue 19: adding 1,000 articles to a 1M-article index takes at most "
                f"a second): add 1,000 at n = {s['n']:,} takes {_s(med)} s (median; max "
                f"{_s(s['add']['1000']['max'])} s): {verdict} it."
            )
    gs = [s for s in sizes if s.get("gensim")]
    if gs:
        gcols = [s["label"] for s in gs]
        lines += [
            "",
            f"{h} Same-run anchor: gensim `Similarity.add_documents` (sharded on disk), then one "
            "query (median s, min-max)",
            "",
            "| | " + " | ".join(gcols) + " |",
            "|---|" + "---|" * len(gcols),
        ]
        for m in adds:
            key = str(m)
            row(
                f"anchor: gensim `index.add_documents(bows)`, {m:,} new",
                [_span(s["gensim"]["gensim_add"][key]) for s in gs],
            )
            row(
                "anchor: gensim, the query after it (builds and writes the grown last shard, "
                "then searches every shard)",
                [_span(s["gensim"]["gensim_query"][key]) for s in gs],
            )
            row(
                f"anchor: gensim add + query, {m:,} new",
                [_span(s["gensim"]["gensim_total"][key]) for s in gs],
            )
            row(
                f"**newsim `index.add(X_new[:{m}], ids=new_ids)` + `index.query(row, k=10)`**, "
                f"{m:,} new",
                [_span(s["gensim"]["total"][key]) for s in gs],
            )
            row(
                f"of which newsim's query, {m:,} new",
                [_span(s["gensim"]["query"][key]) for s in gs],
            )
            row(
                f"ratio of medians (gensim add + query / newsim add + query), {m:,} new",
                [f"{ratio(s['gensim'], key):.0f}" for s in gs],
            )
        lines.append("")
        for s in gs:
            g = s["gensim"]
            lines.append(
                f"- {s['label']}: gensim built from X_old and saved once "
                f"({_s(g['build_s'])} s, 1 run): {g['shards']} shards of up to "
                f"{g['shardsize']:,} articles, the last of {g['last_shard']:,}; results of the "
                "timed queries: "
                + "; ".join(f"add {int(m):,}: {v}" for m, v in g["agreement"].items())
                + "."
            )
            rel = g["reload"]
            lines.append(
                f"- {s['label']}: a program loads the saved gensim index, adds {big:,} and "
                "queries; the next run loads it again and adds the same again (gensim issue "
                f"2663). Not saved after the add: {rel['unsaved']['outcome']}. Saved after "
                f"the add: {rel['saved']['outcome']}."
            )
    for s in sizes:
        if s.get("gensim_error"):
            lines.append(f"- {s['label']}: gensim anchor {s['gensim_error']}")
    lines += [
        "",
        f"{h} CPU seconds of the process behind those times (medians: user / kernel)",
        "",
        "| | " + " | ".join(cols) + " |",
        "|---|" + "---|" * len(cols),
    ]

    def cpu(label: str) -> list[str]:
        out = []
        for s in sizes:
            c = s["cpu"].get(label)
            out.append("-" if c is None else f"{c['user']:.3f} / {c['sys']:.3f}")
        return out

    row("build `SimilarityIndex(X_old, ids=old_ids)`", cpu("build"))
    for m in adds:
        row(f"rebuild, {m:,} new", cpu(f"rebuild {m}"))
        row(f"`add`, {m:,} new", cpu(f"add {m}"))
        row(f"merge after add {m:,}", cpu(f"merge {m}"))
    row(f"`remove`, {rm:,} ids", cpu("remove"))
    row(f"merge after add {big:,} and remove {rm:,} (1 run, below)", cpu("lifecycle merge"))
    lines += [
        "",
        "User and kernel (system) CPU seconds of the whole process over each timed call, all "
        "threads (`resource.getrusage(RUSAGE_SELF)` before and after).",
    ]
    step = first["sequence"]
    lines += [
        "",
        f"{h} A sequence of {len(step)} adds of "
        f"{first['sequence_step']:,} in a row "
        "(one fresh index over X_old per n; s per add, rows of the delta segment after it)",
        "",
        "| add | " + " | ".join(f"{c}: s | delta rows" for c in cols) + " |",
        "|---|" + "---|---|" * len(cols),
    ]
    for i in range(len(step)):
        cells = []
        for s in sizes:
            st = s["sequence"][i]
            note = " (merged)" if st["merged"] else ""
            cells += [_s(st["seconds"]), f"{st['delta_rows']:,}{note}"]
        row(str(i + 1), cells)
    lines.append("")
    for s in sizes:
        seq = s["sequence"]
        merged = [st["add"] for st in seq if st["merged"]]
        rule = data["merge_rule"]
        limit = max(rule["min_rows"], int(rule["share"] * s["n"]))
        where = (
            "add " + ", ".join(str(x) for x in merged) + f" merged (its delta was over "
            f"max({rule['min_rows']:,}, {rule['share']:.0%} of the main segment's rows))"
            if merged
            else f"no add merged (the delta merges above {limit:,} rows at this size)"
        )
        c = s["sequence_check"]
        lines.append(
            f"- {s['label']}: {where}; after the sequence, {c['queries']} random queries give "
            f"the same ids and scores as a fresh build on the same rows: "
            f"{'yes' if c['equal'] else 'NO'}."
        )
    lines += [
        "",
        f"{h} Query latency before and after adds (one row per call, k=10, ms; "
        f"{first['query_rows']} random rows of X_old)",
        "",
        "| index | " + " | ".join(f"{c}: first query | median | p90" for c in cols) + " |",
        "|---|" + "---|---|---|" * len(cols),
    ]
    for name in STATES:
        cells = []
        for s in sizes:
            q = s["query_ms"][name]
            cells += [f"{s['first_query_ms'][name]:.2f}", _ms(q), _ms(q, "p90")]
        row(STATE_LABELS[name].format(add=big, remove=rm), cells)
    lines.append("")
    for s in sizes:
        seg = s["lifecycle_segments"]
        c = s["check"]
        yes = {True: "yes", False: "NO"}
        lines.append(
            f"- {s['label']}: the merge (main {seg['main_rows']:,} + delta "
            f"{seg['delta_rows']:,} rows, {seg['removed']:,} removed) took "
            f"{_s(s['lifecycle_merge_s'])} s (1 run); results (ids and scores of all "
            f"{c['queries']} queries) equal a fresh build on the same rows: after add "
            f"{yes[c['added']]}, after remove {yes[c['removed']]}, after the merge "
            f"{yes[c['merged']]}."
        )
    return lines


def method(remove: int) -> str:
    """The method paragraph of the section."""
    return f"""\
Method: one process runs everything for one size after another, timing with
`time.perf_counter` (`gc.collect()` before each timed call); medians with min-max over the
rounds; ratio = rebuild median / add median. In each round, per number of new rows, the
rebuild, then the add to a fresh index over X_old (built, and its id map built by one lookup,
outside the timing), then (untimed for the add) the merge of that index; then a remove from
another fresh index (its id map built first, untimed; {remove:,} random ids of X_old, other
ids each round). The rebuild times `sp.vstack`, the ids list concatenation and the build.
The sequence adds consecutive blocks of X_new to one index.
Query latency: four indexes over the same rows' lifecycle (the removal: {remove:,} random ids of
the old and added rows, the same in the last two), the first query on each timed right after
the change, then 20 untimed, then each query row against the four in turn (order reversed
every other row). Checks compare ids and scores exactly with an index built afresh from the
same rows in the same order."""


# --------------------------------------------------------------------------------------
# CLI


def build_parser() -> argparse.ArgumentParser:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--n",
        type=int,
        nargs="*",
        default=[100_000, 1_000_000],
        help="articles in the index (generated); none with --real: real text only",
    )
    p.add_argument(
        "--extra",
        type=int,
        default=25_000,
        help="new articles generated after the n old ones (25000)",
    )
    p.add_argument(
        "--add", type=int, nargs="+", default=[1_000, 10_000], help="rows per add (1000 10000)"
    )
    p.add_argument("--remove", type=int, default=1_000, help="ids per remove (1000)")
    p.add_argument("--step", type=int, default=1_000, help="rows per add of the sequence (1000)")
    p.add_argument("--sequence", type=int, default=25, help="adds in the sequence (25)")
    p.add_argument("--rounds", type=int, default=5, help="timed runs of each measurement (5)")
    p.add_argument("--queries", type=int, default=200, help="random query rows (200)")
    p.add_argument(
        "--check-queries", type=int, default=50, help="queries of the sequence's check (50)"
    )
    p.add_argument("--n-jobs", type=int, default=2, help="n_jobs of every index (2)")
    p.add_argument("--seed", type=int, default=0, help="seed of the generator and the samples")
    p.add_argument(
        "--gensim-max-n",
        type=int,
        default=100_000,
        help="run the gensim anchor at sizes up to this (default 100000; 0: never)",
    )
    p.add_argument(
        "--real",
        nargs="*",
        default=[],
        choices=REAL_CORPORA,
        help="also run every step on one copy of these real corpora (default: none)",
    )
    p.add_argument(
        "--real-add", type=int, default=100, help="articles added (and removed) on real text (100)"
    )
    p.add_argument("--workdir", help="where gensim's files go (default: a temporary directory)")
    p.add_argument("--cache-dir", help="keep X of each size here (.npz) and reuse it in later runs")
    p.add_argument("--out", help="markdown file whose 'index-growth' section is replaced")
    p.add_argument("--section", default=SECTION, help="marker name of the results section")
    p.add_argument("--json", help="also write the raw measurements to this JSON file")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be >= 1")
    if min(args.add) < 1 or args.remove < 1 or args.step < 1 or args.sequence < 1:
        parser.error("--add, --remove, --step and --sequence must be >= 1")
    if args.extra < max(max(args.add), args.step * args.sequence):
        parser.error("--extra must cover the largest --add and --step x --sequence")
    if not args.n and not args.real:
        parser.error("nothing to measure: give --n sizes or --real corpora")
    if args.real_add < 1:
        parser.error("--real-add must be >= 1")
    if (args.n and args.remove > min(args.n)) or args.queries < 1:
        parser.error("--remove must not exceed --n, and --queries must be >= 1")

    def progress(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    command = harness.command_line(__file__, argv)
    environment = harness.render_environment(PACKAGES, command)
    t_start = time.perf_counter()
    loadavg_before = os.getloadavg()[0]
    sizes = []
    for n in args.n:
        ds = make_dataset(n + args.extra, args.seed, args.cache_dir, progress)
        sizes.append(measure(ds, n, args, progress))
        del ds
        gc.collect()
    real = []
    for name in args.real:
        ds = real_dataset(name, progress)
        total = ds.X.shape[0]
        k = args.real_add
        n = total - k
        if n < k:
            parser.error(f"--real-add {k} leaves too few articles of {name} ({total:,})")
        small = argparse.Namespace(**vars(args))
        small.add, small.remove, small.step, small.sequence = [k], k, k, 1
        small.queries = min(args.queries, n)
        small.check_queries = min(args.check_queries, n)
        real.append(measure(ds, n, small, progress, label=real_label(name, total)))
        del ds
        gc.collect()
    from newsim import _similarity

    data = {
        "command": command,
        "merge_rule": {
            "min_rows": _similarity._MERGE_MIN_ROWS,
            "share": _similarity._MERGE_SHARE,
            "compact_share": _similarity._COMPACT_SHARE,
        },
        "environment": environment,
        "rounds": args.rounds,
        "n_jobs": args.n_jobs,
        "loadavg_before": loadavg_before,
        "loadavg_after": os.getloadavg()[0],
        "sizes": sizes,
        "real": real,
    }
    section = render_section(data)
    harness.publish(
        section, out=args.out, key=args.section, json_path=args.json, data=data, progress=progress
    )
    progress(f"total {time.perf_counter() - t_start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
