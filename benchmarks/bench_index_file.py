"""Benchmark: the index file (``SimilarityIndex.save`` / ``SimilarityIndex.load``) and pickle.

Usage (from the repo root)::

    python benchmarks/bench_index_file.py --n 100000 1000000 --rounds 7 \\
        --cache-dir /tmp/newsim-bench-cache --out benchmarks/RESULTS.md
    python benchmarks/bench_index_file.py --n 3000 --rounds 2 --queries 20   # smoke, seconds

For each ``--n`` (generated articles, :mod:`benchmarks.generate`, vectorised as
``bench_similarity.py`` vectorises its generated sizes: ``newsim.TfidfVectorizer(language=None,
stop_words=generate.function_words(), stemmer=None, ngram_range=(1, 1))``, here with
``n_jobs=2``; string ids ``"article-0000000"`` ..., no feature names), in one process:

1. **Build** ``SimilarityIndex(X, ids=ids)`` and **save** it (``--rounds`` each, one after
   another; ``save`` writes a temporary file, fsyncs and renames).  File size.
2. **Eviction check**: a plain ``read`` of the whole file, warm (page cache) and cold (after
   ``os.sync()`` and ``posix_fadvise(POSIX_FADV_DONTNEED)``), and the share of the file's
   pages still resident after eviction (``mincore``).
3. **Load** ``mmap=True`` warm and cold and ``mmap=False`` warm and cold, the four alternating
   round by round (A B C D A B C D ...), each followed by **one query** (one row, k=10) timed
   on its own: the first query after load.  The in-memory build is timed the same way.
4. **Where a warm mapped load's time goes**: the C++ load alone (``newsim._core``), the same
   file with one byte flipped at the end of each checking thread's last section (the load
   then stops right after the checksums: map + checksums), the same index saved without ids,
   and a floor: mapping the file and summing it as uint64 with numpy (every page touched).
5. **Steady query latency**: ``--queries`` random rows, ``index.query(row, k=10)`` with
   ``n_jobs=1``, the in-memory index, the mapped one and the read one alternating query by
   query after 20 untimed queries each; their results are compared (they must be identical).
6. **Pickle**: ``pickle.dumps`` / ``pickle.loads`` of the index (the index file's bytes).
7. **Memory**, each in a fresh subprocess (``/proc/self/status``: VmRSS = RssAnon + RssFile +
   RssShmem, VmHWM; ``/proc/self/smaps_rollup``: Pss): after imports, after loading (mapped,
   read) or building (from ``X`` read from an ``.npz``, then ``del X``), and after 100 queries;
   and two processes that map the same file at once (their Pss: the shared pages split).
8. **Anchor** at ``n <= --gensim-max-n`` (100k): gensim's ``Similarity`` (sharded on disk,
   ``shardsize`` 32768) built from the same ``X`` (``Sparse2Corpus``, ``num_best=10``), its
   ``save``, ``Similarity.load`` warm and cold with the first query (gensim maps each shard
   lazily at the first query), steady queries, agreement with newsim, and its memory.

With ``--real 10kgnad bbc``, the same steps (1-8) run after the generated sizes on each real
corpus, one copy of it (:mod:`benchmarks.corpora`: ``$NEWSIM_DATA_DIR``, else
``<repo>/../shared/data``), vectorised by the default ``newsim.TfidfVectorizer()``; string ids
as above.

Warm calls run one after another (no pause), as a user runs them.  Medians with min-max over
``--rounds``.  ``--out`` replaces the section between ``<!-- index-file:begin -->`` and
``<!-- index-file:end -->``; ``--json`` keeps every raw figure.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import mmap
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable

import numpy as np
import scipy.sparse as sp

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness

SECTION = "index-file"
PACKAGES = ("numpy", "scipy", "gensim", "newsim")
K = 10
CHILD_QUERIES = 100  # queries run by each memory subprocess
WARM_QUERIES = 20  # untimed queries before the steady latency
GENSIM_QUERIES = 50  # at most this many steady gensim queries (each scans every shard)
MB = 1_000_000
TARGET_LOAD_SECONDS = 1.0  # issue 19: "a 1M-article index opens in well under a second"

Progress = Callable[[str], None]


# --------------------------------------------------------------------------------------
# page cache and process memory


def evict(paths: Sequence[str | os.PathLike[str]]) -> None:
    """Drop the files' pages from the page cache (written back first; mapped pages stay)."""
    os.sync()
    for p in paths:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def resident_share(path: str | os.PathLike[str]) -> float | None:
    """Share of the file's pages in the page cache (``mincore``); None where unavailable."""
    size = os.path.getsize(path)
    if size == 0:
        return 1.0
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.mmap.restype = ctypes.c_void_p
        libc.mmap.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_long,
        ]
        libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
        libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    except (OSError, AttributeError):
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        addr = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
        if addr is None or addr == ctypes.c_void_p(-1).value:
            return None
        try:
            pages = (size + mmap.PAGESIZE - 1) // mmap.PAGESIZE
            vec = (ctypes.c_ubyte * pages)()
            if libc.mincore(ctypes.c_void_p(addr), size, vec) != 0:
                return None
            return float((np.frombuffer(memoryview(vec), dtype=np.uint8) & 1).mean())
        finally:
            libc.munmap(ctypes.c_void_p(addr), size)
    finally:
        os.close(fd)


def read_seconds(path: str | os.PathLike[str], chunk: int = 16 << 20) -> float:
    """Seconds of one plain sequential ``read`` of the whole file (into a reused buffer)."""
    buf = bytearray(chunk)
    view = memoryview(buf)
    t0 = time.perf_counter()
    with open(path, "rb", buffering=0) as f:
        while f.readinto(view):
            pass
    return time.perf_counter() - t0


def touch_mapping_seconds(path: str | os.PathLike[str]) -> float:
    """Seconds to map the file and sum it as uint64 with numpy: every page touched once."""
    t0 = time.perf_counter()
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        n = len(m) // 8
        a = np.frombuffer(m, dtype=np.uint64, count=n)
        a.sum()
        del a
    return time.perf_counter() - t0


def proc_memory() -> dict[str, float]:
    """This process's memory in MB (10^6 bytes): /proc/self/status and smaps_rollup."""
    out: dict[str, float] = {}
    wanted = {"VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM"}
    for name, keys in (("status", wanted), ("smaps_rollup", {"Pss", "Pss_Anon", "Pss_File"})):
        try:
            text = Path(f"/proc/self/{name}").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            key, _, rest = line.partition(":")
            if key in keys and rest.split():
                out[key] = int(rest.split()[0]) * 1024 / MB
    return out


# --------------------------------------------------------------------------------------
# data


@dataclass
class Dataset:
    """The matrix of one size and where it came from."""

    X: Any  # CSR float32, L2-normalised rows
    desc: str
    seconds: float  # generating + vectorising (when made in this run)
    cached: str | None  # the cache file X came from, if any
    npz: str | None  # an .npz of X on disk (the cache file), for the memory subprocess


def vectorizer_desc() -> str:
    """The vectorizer of the generated corpora (``bench_similarity.py``'s, with n_jobs=2)."""
    return (
        "newsim.TfidfVectorizer(language=None, stop_words=generate.function_words(), "
        "stemmer=None, ngram_range=(1, 1), n_jobs=2)"
    )


def make_dataset(n: int, seed: int, cache_dir: str | None, progress: Progress) -> Dataset:
    """``generate.generate(n, seed)`` vectorised; read from / written to ``cache_dir``."""
    import newsim
    from benchmarks import generate

    cache = meta_path = None
    if cache_dir:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        cache = Path(cache_dir) / f"index-file-X-{n}-seed{seed}.npz"
        meta_path = cache.with_suffix(".json")
        if cache.exists() and meta_path.exists():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            X = sp.load_npz(cache).tocsr()
            progress(f"[n={n}] X from {cache}")
            return Dataset(X, meta["desc"], meta["seconds"], str(cache), str(cache))
    t0 = time.perf_counter()
    texts = generate.generate(n, seed=seed)
    gen_s = time.perf_counter() - t0
    mb = sum(len(t) for t in texts) / MB  # ASCII: characters = UTF-8 bytes
    vec = newsim.TfidfVectorizer(
        language=None,
        stop_words=generate.function_words(),
        stemmer=None,
        ngram_range=(1, 1),
        n_jobs=2,
        progress=False,
    )
    t1 = time.perf_counter()
    X = vec.fit_transform(texts)
    vec_s = time.perf_counter() - t1
    del texts, vec
    gc.collect()
    X = sp.csr_matrix(X, dtype=np.float32)
    desc = (
        f"`generate.generate({n}, seed={seed})` = {n:,} articles, {mb:.1f} MB UTF-8 "
        f"(generated in {gen_s:.1f} s); X = {vectorizer_desc()}.fit_transform "
        f"({vec_s:.1f} s): {X.shape[0]:,} x {X.shape[1]:,} float32 CSR, nnz {X.nnz:,}"
    )
    seconds = time.perf_counter() - t0
    progress(f"[n={n}] {desc}")
    if cache is not None and meta_path is not None:
        sp.save_npz(cache, X, compressed=False)
        meta_path.write_text(json.dumps({"desc": desc, "seconds": seconds}), encoding="utf-8")
        return Dataset(X, desc, seconds, None, str(cache))
    return Dataset(X, desc, seconds, None, None)


REAL_CORPORA = ("10kgnad", "bbc")


def real_dataset(name: str, progress: Progress) -> Dataset:
    """One copy of a real corpus (:func:`benchmarks.corpora.load`), vectorised by the default
    ``newsim.TfidfVectorizer()``: the matrix, and a line saying what it is."""
    import newsim
    from benchmarks import corpora

    corpus = corpora.load(name)
    vec = newsim.TfidfVectorizer(progress=False)
    t0 = time.perf_counter()
    X = vec.fit_transform(corpus.texts)
    seconds = time.perf_counter() - t0
    X = sp.csr_matrix(X, dtype=np.float32)
    desc = (
        f"{corpus.name}: {len(corpus):,} real articles ({corpus.language}), "
        f"{corpus.n_bytes / MB:.1f} MB UTF-8, from {corpora.data_dir()}; X = "
        f"`newsim.TfidfVectorizer().fit_transform` ({seconds:.1f} s): {X.shape[0]:,} x "
        f"{X.shape[1]:,} float32 CSR, nnz {X.nnz:,}"
    )
    progress(f"[{name}] {desc}")
    return Dataset(X, desc, seconds, None, None)


def real_label(name: str, n: int) -> str:
    """The column label of a real corpus."""
    return f"{name} ({n:,} real)"


def make_ids(n: int) -> list[str]:
    """The articles' ids: ``"article-0000000"``, ``"article-0000001"``, ..."""
    return [f"article-{i:07d}" for i in range(n)]


def query_rows(n: int, count: int, seed: int) -> np.ndarray:
    """``count`` distinct random rows (sorted) of an index of ``n`` rows."""
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=min(count, n), replace=False))


def as_rows(Q: Any) -> list[Any]:
    """The rows of a CSR matrix, each a 1-row CSR matrix (made before any timing)."""
    Q = sp.csr_matrix(Q)
    return [Q[i] for i in range(Q.shape[0])]


# --------------------------------------------------------------------------------------
# timing helpers


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds of one call of ``fn`` and its result (garbage collected before)."""
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def summary(times: Sequence[float]) -> dict[str, Any]:
    """Median, min, max and the raw times (seconds)."""
    if not times:
        return {"median": None, "min": None, "max": None, "times": []}
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "times": list(times),
    }


def percentile(xs: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (linear interpolation)."""
    return float(np.percentile(np.asarray(xs, dtype=np.float64), q))


def first_query_ms(index: Any, q: Any) -> float:
    """Milliseconds of one ``index.query(q, k=10)``."""
    t0 = time.perf_counter()
    index.query(q, k=K)
    return (time.perf_counter() - t0) * 1e3


def section_table(path: str | os.PathLike[str]) -> list[tuple[int, int, int]]:
    """(kind, offset, length) of each section of an index file (the layout of index_file.cpp)."""
    with open(path, "rb") as f:
        head = f.read(64)
        n = int.from_bytes(head[12:16], "little")
        table = f.read(32 * n)
    out = []
    for i in range(n):
        e = table[32 * i : 32 * i + 32]
        out.append(
            (
                int.from_bytes(e[0:4], "little"),
                int.from_bytes(e[8:16], "little"),
                int.from_bytes(e[16:24], "little"),
            )
        )
    return out


def write_checksums_only_copy(src: str, dst: str) -> None:
    """Copy an index file and flip the last byte of section 3 (the rows' weights, the last one
    the first checking thread checksums) and of the last section (the second thread's last):
    loading the copy computes every checksum, then stops before the structure checks."""
    shutil.copyfile(src, dst)
    sections = section_table(dst)
    targets = [s for s in sections if s[0] == 3] + [sections[-1]]
    with open(dst, "r+b") as f:
        for _kind, offset, length in targets:
            if length == 0:
                continue
            f.seek(offset + length - 1)
            b = f.read(1)
            f.seek(offset + length - 1)
            f.write(bytes([b[0] ^ 0x01]))
        f.flush()
        os.fsync(f.fileno())


# --------------------------------------------------------------------------------------
# newsim measurements (in this process)


def measure_newsim(
    ds: Dataset,
    ids: list[str],
    workdir: Path,
    rounds: int,
    n_queries: int,
    seed: int,
    progress: Progress,
) -> tuple[dict[str, Any], Any]:
    """Steps 1-6 of the module docstring for one size; returns the figures and the in-memory
    index (for the anchor's agreement check)."""
    import newsim
    from newsim import _core

    X = ds.X
    n = X.shape[0]
    res: dict[str, Any] = {"n": n, "desc": ds.desc, "nnz": int(X.nnz), "n_features": X.shape[1]}
    rows = query_rows(n, max(n_queries, rounds), seed)
    queries = as_rows(X[rows])
    res["query_rows"] = len(rows)
    path = str(workdir / f"index-{n}.nsi")

    # 1. build (+ the first query after it) and save
    build_s, build_q = [], []
    mem = None
    for r in range(rounds):
        mem = None
        gc.collect()
        dt, mem = timed(lambda: newsim.SimilarityIndex(X, ids=ids, n_jobs=1, progress=False))
        build_s.append(dt)
        build_q.append(first_query_ms(mem, queries[r % len(queries)]))
        progress(f"[n={n}] build {dt:.3f} s, first query {build_q[-1]:.2f} ms")
    assert mem is not None
    res["build"] = summary(build_s)
    res["build_first_query_ms"] = summary(build_q)
    res["index_nbytes"] = int(mem.nbytes)
    save_s = []
    for _ in range(rounds):
        dt, _out = timed(lambda: mem.save(path))
        save_s.append(dt)
        progress(f"[n={n}] save {dt:.3f} s")
    res["save"] = summary(save_s)
    res["file_bytes"] = os.path.getsize(path)

    # 2. eviction check: plain reads, warm and cold, and residency after eviction
    read_warm, read_cold, resident = [], [], []
    read_seconds(path)
    for _ in range(rounds):
        read_warm.append(read_seconds(path))
        evict([path])
        resident.append(resident_share(path))
        read_cold.append(read_seconds(path))
    res["read_warm"] = summary(read_warm)
    res["read_cold"] = summary(read_cold)
    res["resident_after_evict"] = resident
    res["resident_warm"] = resident_share(path)
    progress(
        f"[n={n}] plain read warm {statistics.median(read_warm):.3f} s, cold "
        f"{statistics.median(read_cold):.3f} s; resident after eviction {resident}"
    )

    # 3. loads, alternating, each with its first query
    variants = {
        "mmap=True warm": (True, False),
        "mmap=True cold": (True, True),
        "mmap=False warm": (False, False),
        "mmap=False cold": (False, True),
    }
    load_s: dict[str, list[float]] = {v: [] for v in variants}
    load_q: dict[str, list[float]] = {v: [] for v in variants}
    cold_resident: list[float | None] = []
    for r in range(rounds):
        for name, (mapped, cold) in variants.items():
            gc.collect()
            if cold:
                evict([path])
                cold_resident.append(resident_share(path))
            else:
                read_seconds(path)  # in the page cache
            dt, idx = timed(partial(newsim.SimilarityIndex.load, path, mmap=mapped, n_jobs=1))
            load_s[name].append(dt)
            load_q[name].append(first_query_ms(idx, queries[r % len(queries)]))
            if r == 0:
                res.setdefault("mapped_flag", {})[name] = bool(idx._index.mapped)
            del idx
            progress(f"[n={n}] load {name}: {dt:.3f} s, first query {load_q[name][-1]:.2f} ms")
    res["load"] = {v: summary(load_s[v]) for v in variants}
    res["load_first_query_ms"] = {v: summary(load_q[v]) for v in variants}
    res["resident_before_cold_load"] = cold_resident

    # 4. where a warm mapped load's time goes
    crc_path = str(workdir / f"index-{n}-checksums-only.nsi")
    write_checksums_only_copy(path, crc_path)
    noids_path = str(workdir / f"index-{n}-no-ids.nsi")
    plain = newsim.SimilarityIndex(X, n_jobs=1, progress=False)
    plain.save(noids_path)
    del plain
    gc.collect()
    parts: dict[str, list[float]] = {
        "python": [],
        "core": [],
        "core_cpu": [],
        "core_ids_array": [],
        "checksums_only": [],
        "core_no_ids": [],
        "touch": [],
    }
    crc_error = ""
    for p in (path, crc_path, noids_path):
        read_seconds(p)
    for _ in range(rounds):
        dt, idx = timed(lambda: newsim.SimilarityIndex.load(path, mmap=True, n_jobs=1))
        parts["python"].append(dt)
        del idx
        gc.collect()
        c0, t0 = time.process_time(), time.perf_counter()
        core = _core.SimilarityIndex.load(path, mmap=True)
        parts["core"].append(time.perf_counter() - t0)
        parts["core_cpu"].append(time.process_time() - c0)
        t0 = time.perf_counter()
        _ids = core.ids
        parts["core_ids_array"].append(time.perf_counter() - t0)
        del _ids, core
        gc.collect()
        t0 = time.perf_counter()
        try:
            _core.SimilarityIndex.load(crc_path, mmap=True)
            crc_error = "the damaged copy loaded (expected a checksum error)"
        except ValueError as exc:
            if "checksum" not in str(exc):
                crc_error = f"unexpected error: {exc}"
        parts["checksums_only"].append(time.perf_counter() - t0)
        dt, core = timed(lambda: _core.SimilarityIndex.load(noids_path, mmap=True))
        parts["core_no_ids"].append(dt)
        del core
        parts["touch"].append(touch_mapping_seconds(path))
    res["load_parts"] = {k: summary(v) for k, v in parts.items()}
    res["load_parts_error"] = crc_error
    res["file_bytes_no_ids"] = os.path.getsize(noids_path)
    progress(
        f"[n={n}] load parts (median s): "
        + ", ".join(f"{k} {statistics.median(v):.3f}" for k, v in parts.items())
        + (f"; {crc_error}" if crc_error else "")
    )
    for p in (crc_path, noids_path):
        os.unlink(p)

    # 5. steady query latency: in memory, mapped, read; alternating query by query
    read_file = None
    gc.collect()
    indexes = {
        "built in memory": mem,
        "load(mmap=True)": newsim.SimilarityIndex.load(path, mmap=True, n_jobs=1),
        "load(mmap=False)": newsim.SimilarityIndex.load(path, mmap=False, n_jobs=1),
    }
    for idx in indexes.values():
        for q in queries[:WARM_QUERIES]:
            idx.query(q, k=K)
    lat: dict[str, list[float]] = {name: [] for name in indexes}
    got: dict[str, list[Any]] = {name: [] for name in indexes}
    for t, q in enumerate(queries[:n_queries]):
        names = list(indexes)
        if t % 2:
            names.reverse()
        for name in names:
            t0 = time.perf_counter()
            out = indexes[name].query(q, k=K)
            lat[name].append((time.perf_counter() - t0) * 1e3)
            got[name].append((out.neighbor_rows.copy(), out.scores.copy()))
    same = all(
        all(
            np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
            for a, b in zip(got[name], got["built in memory"])
        )
        for name in indexes
    )
    res["query_ms"] = {
        name: {
            "median": statistics.median(v),
            "p95": percentile(v, 95),
            "mean": statistics.fmean(v),
            "max": max(v),
            "times": v,
        }
        for name, v in lat.items()
    }
    res["query_identical"] = same
    progress(
        f"[n={n}] steady query ms (median): "
        + ", ".join(f"{k} {statistics.median(v):.2f}" for k, v in lat.items())
        + f"; identical results: {same}"
    )
    res["reference"] = {
        "rows": rows[:n_queries].tolist(),
        "neighbor_rows": [g[0].ravel().tolist() for g in got["built in memory"]],
        "scores": [g[1].ravel().tolist() for g in got["built in memory"]],
    }
    del indexes, read_file
    gc.collect()

    # 6. pickle
    dumps_s, loads_s, sizes = [], [], []
    for _ in range(rounds):
        dt, data = timed(lambda: pickle.dumps(mem, protocol=pickle.HIGHEST_PROTOCOL))
        dumps_s.append(dt)
        sizes.append(len(data))
        dt, back = timed(partial(pickle.loads, data))
        loads_s.append(dt)
        del data, back
        progress(f"[n={n}] pickle dumps {dumps_s[-1]:.3f} s, loads {dt:.3f} s")
    res["pickle_dumps"] = summary(dumps_s)
    res["pickle_loads"] = summary(loads_s)
    res["pickle_bytes"] = sizes[0]
    return res, mem


# --------------------------------------------------------------------------------------
# gensim anchor (in this process)


def gensim_topk(sims: Sequence[tuple[int, float]], k: int = K) -> tuple[np.ndarray, np.ndarray]:
    """gensim's ``num_best`` result as padded (rows, scores) arrays of length ``k``."""
    ids = np.full(k, -1, dtype=np.int64)
    sc = np.zeros(k, dtype=np.float64)
    for i, (j, s) in enumerate(list(sims)[:k]):
        ids[i], sc[i] = int(j), float(s)
    return ids, sc


def to_bow(q: Any) -> list[tuple[int, float]]:
    """A 1-row CSR matrix as gensim's bag of words."""
    q = sp.csr_matrix(q)
    return list(zip(q.indices.tolist(), q.data.astype(np.float64).tolist()))


def measure_gensim(
    ds: Dataset,
    reference: dict[str, Any],
    workdir: Path,
    rounds: int,
    n_queries: int,
    progress: Progress,
) -> dict[str, Any]:
    """The anchor: gensim ``Similarity`` built from ``X``, saved, loaded (warm, cold), queried."""
    from gensim.matutils import Sparse2Corpus
    from gensim.similarities import Similarity

    X = ds.X
    n = X.shape[0]
    gdir = workdir / f"gensim-{n}"
    if gdir.exists():
        shutil.rmtree(gdir)
    gdir.mkdir()
    prefix = str(gdir / "shard")
    fname = str(gdir / "similarity.pickle")
    res: dict[str, Any] = {"n": n}
    rows = reference["rows"]
    queries = [to_bow(X[r]) for r in rows]

    gc.collect()
    t0 = time.perf_counter()
    index = Similarity(
        prefix, Sparse2Corpus(X, documents_columns=False), num_features=X.shape[1], num_best=K
    )
    index.close_shard()  # the last, incomplete shard too (else save() or a query builds it)
    res["build"] = summary([time.perf_counter() - t0])
    gc.collect()
    t0 = time.perf_counter()
    index.save(fname)
    dt = time.perf_counter() - t0
    res["save"] = summary([dt])
    res["shardsize"] = int(index.shardsize)
    res["shards"] = len(index.shards)
    del index
    gc.collect()
    files = sorted(str(p) for p in gdir.iterdir())
    res["files"] = len(files)
    res["file_bytes"] = sum(os.path.getsize(p) for p in files)
    progress(
        f"[gensim n={n}] build {res['build']['median']:.2f} s, save {dt:.3f} s, "
        f"{res['shards']} shards, {res['file_bytes'] / MB:.1f} MB in {len(files)} files"
    )

    load_s: dict[str, list[float]] = {"warm": [], "cold": []}
    load_q: dict[str, list[float]] = {"warm": [], "cold": []}
    for r in range(rounds):
        for name in ("warm", "cold"):
            gc.collect()
            if name == "cold":
                evict(files)
            else:
                for p in files:
                    read_seconds(p)
            dt, idx = timed(lambda: Similarity.load(fname))
            q = queries[r % len(queries)]
            t0 = time.perf_counter()
            idx[q]
            load_q[name].append((time.perf_counter() - t0) * 1e3)
            load_s[name].append(dt)
            del idx
            progress(
                f"[gensim n={n}] load {name}: {dt:.3f} s, first query {load_q[name][-1]:.1f} ms"
            )
    res["load"] = {k: summary(v) for k, v in load_s.items()}
    res["load_first_query_ms"] = {k: summary(v) for k, v in load_q.items()}

    idx = Similarity.load(fname)
    for q in queries[:5]:
        idx[q]
    count = min(n_queries, GENSIM_QUERIES, len(queries))
    lat = []
    got_ids = np.full((count, K), -1, dtype=np.int64)
    got_sc = np.zeros((count, K))
    for t, q in enumerate(queries[:count]):
        t0 = time.perf_counter()
        sims = idx[q]
        lat.append((time.perf_counter() - t0) * 1e3)
        got_ids[t], got_sc[t] = gensim_topk(sims)
    del idx
    res["query_ms"] = {
        "median": statistics.median(lat),
        "p95": percentile(lat, 95),
        "mean": statistics.fmean(lat),
        "max": max(lat),
        "times": lat,
    }
    from benchmarks.bench_similarity import check_topk

    ref_ids = np.asarray(reference["neighbor_rows"][:count], dtype=np.int64).reshape(count, K)
    ref_sc = np.asarray(reference["scores"][:count], dtype=np.float64).reshape(count, K)
    chk = check_topk(
        got_ids, got_sc, ref_ids, ref_sc, X, row_ids=np.asarray(rows[:count]), exclude_self=False
    )
    res["agreement"] = f"{chk.summary()} (gensim vs newsim, {count} queries)"
    progress(f"[gensim n={n}] query median {res['query_ms']['median']:.1f} ms; {res['agreement']}")
    res["fname"] = fname
    return res


# --------------------------------------------------------------------------------------
# memory subprocesses


def child(args: dict[str, Any]) -> dict[str, Any]:
    """One memory measurement in this (fresh) process; see ``run_child``."""
    mode = args["mode"]
    out: dict[str, Any] = {"mode": mode}
    Q = as_rows(sp.load_npz(args["queries"]).tocsr())[:CHILD_QUERIES]
    if mode == "gensim":
        from gensim.similarities import Similarity

        bows = [to_bow(q) for q in Q]
        out["imports"] = proc_memory()
        t0 = time.perf_counter()
        index: Any = Similarity.load(args["path"])
        index[bows[0]]  # gensim maps its shards at the first query
        out["load_seconds"] = time.perf_counter() - t0
        out["loaded"] = proc_memory()
        for b in bows:
            index[b]
        out["queried"] = proc_memory()
        return out

    import newsim

    out["imports"] = proc_memory()
    if mode == "built":
        X = sp.load_npz(args["matrix"]).tocsr()
        ids = make_ids(X.shape[0])
        out["with_X"] = proc_memory()
        t0 = time.perf_counter()
        index = newsim.SimilarityIndex(X, ids=ids, n_jobs=1, progress=False)
        out["load_seconds"] = time.perf_counter() - t0
        out["loaded_with_X"] = proc_memory()
        del X, ids
        gc.collect()
        out["loaded"] = proc_memory()
    else:
        t0 = time.perf_counter()
        index = newsim.SimilarityIndex.load(args["path"], mmap=mode != "read", n_jobs=1)
        out["load_seconds"] = time.perf_counter() - t0
        out["loaded"] = proc_memory()
        if mode == "hold":  # two processes map the file: measure while both hold it
            print(json.dumps({"ready": True}), flush=True)
            sys.stdin.readline()
            out["both"] = proc_memory()
            print(json.dumps(out), flush=True)
            sys.stdin.readline()
            return out
    for q in Q:
        index.query(q, k=K)
    out["queried"] = proc_memory()
    return out


def _child_cmd(args: dict[str, Any]) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(args)]


def _child_env() -> dict[str, str]:
    """The environment of a subprocess: it imports the newsim this process imported."""
    import site

    import newsim

    env = dict(os.environ)
    where = str(Path(newsim.__file__).resolve().parent.parent)
    installed = {str(Path(p).resolve()) for p in site.getsitepackages()}
    if where not in installed:
        env["PYTHONPATH"] = os.pathsep.join(x for x in (where, env.get("PYTHONPATH")) if x)
    return env


def run_child(args: dict[str, Any], timeout: float = 1800) -> dict[str, Any]:
    """Run :func:`child` in a fresh ``python`` process and return its figures."""
    proc = subprocess.run(
        _child_cmd(args),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=timeout,
        env=_child_env(),
    )
    if proc.returncode != 0:
        tail = " | ".join(proc.stderr.strip().splitlines()[-3:])
        raise RuntimeError(f"memory subprocess {args['mode']} failed ({proc.returncode}): {tail}")
    data: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return data


def run_pair(path: str, queries: str) -> list[dict[str, Any]]:
    """Two fresh processes map the same index file; each measures while both hold it."""
    args = {"mode": "hold", "path": path, "queries": queries}
    procs = []
    try:
        for _ in range(2):
            p = subprocess.Popen(
                _child_cmd(args),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=_child_env(),
            )
            procs.append(p)
            assert p.stdout is not None
            if not p.stdout.readline():
                raise RuntimeError(f"hold subprocess failed: {p.communicate()[1][-300:]}")
        results = []
        for p in procs:
            assert p.stdin is not None and p.stdout is not None
            p.stdin.write("measure\n")
            p.stdin.flush()
        for p in procs:
            assert p.stdout is not None
            results.append(json.loads(p.stdout.readline()))
        for p in procs:
            p.communicate("exit\n", timeout=60)
        return results
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()


def measure_memory(
    ds: Dataset,
    path: str,
    workdir: Path,
    gensim_fname: str | None,
    progress: Progress,
) -> dict[str, Any]:
    """Step 7 (and the anchor's memory): fresh subprocesses."""
    n = ds.X.shape[0]
    qpath = str(workdir / f"queries-{n}.npz")
    rows = query_rows(n, CHILD_QUERIES, seed=12345)
    sp.save_npz(qpath, ds.X[rows], compressed=False)
    matrix = ds.npz
    if matrix is None:
        matrix = str(workdir / f"X-{n}.npz")
        sp.save_npz(matrix, ds.X, compressed=False)
    out: dict[str, Any] = {}
    read_seconds(path)
    for mode in ("mapped", "read", "built"):
        progress(f"[n={n}] memory subprocess: {mode}")
        out[mode] = run_child({"mode": mode, "path": path, "queries": qpath, "matrix": matrix})
    progress(f"[n={n}] memory subprocesses: two processes map the file")
    out["pair"] = run_pair(path, qpath)
    if gensim_fname is not None:
        progress(f"[n={n}] memory subprocess: gensim")
        try:
            out["gensim"] = run_child({"mode": "gensim", "path": gensim_fname, "queries": qpath})
        except Exception as exc:
            out["gensim_error"] = harness._short_error(exc)
    if ds.npz is None:
        os.unlink(matrix)
    os.unlink(qpath)
    return out


# --------------------------------------------------------------------------------------
# report


def _s(x: float | None) -> str:
    """Seconds: 5 decimals below 0.01 s (real text, gensim's lazy load), 3 below 10 s, else 1."""
    if x is None:
        return "-"
    if x < 0.01:
        return f"{x:.5f}"
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def _span(d: dict[str, Any]) -> str:
    """``median (min-max)`` in seconds."""
    if d.get("median") is None:
        return "-"
    if len(d["times"]) == 1:
        return _s(d["median"])
    return f"{_s(d['median'])} ({_s(d['min'])}-{_s(d['max'])})"


def _ms(d: dict[str, Any], key: str = "median") -> str:
    v = d.get(key)
    return "-" if v is None else f"{v:.2f}"


def _mb(x: float | None) -> str:
    return "-" if x is None else f"{x:.0f}"


def label_of(s: dict[str, Any]) -> str:
    """The column label of one measured corpus: its size, or the real corpus's name."""
    if s.get("real"):
        return real_label(s["real"], s["newsim"]["n"])
    return f"n = {s['newsim']['n']:,}"


def render_section(data: dict[str, Any]) -> str:
    """The markdown section of a run (from the figures of :func:`main`)."""
    sizes: list[dict[str, Any]] = data["sizes"]
    cols = [label_of(s) for s in sizes]
    lines = [
        "## Index file: save, load (mapped, cold and warm), queries after load, memory, pickle",
        "",
        data["environment"],
        f"- rounds: {data['rounds']} per measurement, warm calls one after another (no pause); "
        f"1-minute load average {data['loadavg_before']:.2f} before, "
        f"{data['loadavg_after']:.2f} after (2 logical cores, shared with other work)",
        "",
        "Corpora (string ids `article-0000000`, ..., no feature names; generated unless "
        "marked real):",
        "",
    ]
    for s in sizes:
        extra = " (X read from the cache file of an earlier run)" if s.get("cached") else ""
        lines.append(f"- {label_of(s)}: {s['newsim']['desc']}{extra}")
    lines += ["", "### Build, save, file, pickle (median s, min-max)", ""]
    lines += [
        "| | " + " | ".join(cols) + " |",
        "|---|" + "---|" * len(cols),
    ]

    def row(label: str, cells: list[str]) -> None:
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    nw = [s["newsim"] for s in sizes]
    row("build `SimilarityIndex(X, ids=ids)` s", [_span(r["build"]) for r in nw])
    row("`save(path)` s (temporary file, fsync, rename)", [_span(r["save"]) for r in nw])
    row("file MB", [f"{r['file_bytes'] / MB:.1f}" for r in nw])
    row("`pickle.dumps(index)` s", [_span(r["pickle_dumps"]) for r in nw])
    row("`pickle.loads(data)` s", [_span(r["pickle_loads"]) for r in nw])
    row("pickle MB", [f"{r['pickle_bytes'] / MB:.1f}" for r in nw])
    lines += ["", "### Load, and the first query after it (one row, k=10)", ""]
    lines += [
        "| | " + " | ".join(f"{c}: load s | first query ms" for c in cols) + " |",
        "|---|" + "---|---|" * len(cols),
    ]
    for v in ("mmap=True warm", "mmap=True cold", "mmap=False warm", "mmap=False cold"):
        cells = []
        for r in nw:
            cells += [_span(r["load"][v]), _ms(r["load_first_query_ms"][v])]
        row(f"`SimilarityIndex.load(path, {v.split()[0]})`, {v.split()[1]}", cells)
    cells = []
    for r in nw:
        cells += [_span(r["build"]), _ms(r["build_first_query_ms"])]
    row("for comparison: build in memory from X", cells)
    cells = []
    for s in sizes:
        g = s.get("gensim")
        if g and "load" in g:
            cells += [_span(g["load"]["warm"]), _ms(g["load_first_query_ms"]["warm"])]
        else:
            cells += ["-", "-"]
    if any(s.get("gensim") and "load" in s["gensim"] for s in sizes):
        row("anchor: gensim `Similarity.load(fname)`, warm", cells)
        cells = []
        for s in sizes:
            g = s.get("gensim")
            if g and "load" in g:
                cells += [_span(g["load"]["cold"]), _ms(g["load_first_query_ms"]["cold"])]
            else:
                cells += ["-", "-"]
        row("anchor: gensim `Similarity.load(fname)`, cold", cells)
    lines.append("")
    for s, r in zip(sizes, nw):
        warm = r["read_warm"]["median"]
        cold = r["read_cold"]["median"]
        res_after = [x for x in r["resident_after_evict"] + r["resident_before_cold_load"] if x]
        share = max(res_after) if res_after else 0.0
        lines.append(
            f"- Eviction check at {label_of(s)}: a plain `read` of the file takes "
            f"{_s(warm)} s warm ({r['file_bytes'] / MB / warm:,.0f} MB/s) and {_s(cold)} s "
            f"after eviction ({r['file_bytes'] / MB / cold:,.0f} MB/s); after each eviction at "
            f"most {share:.1%} of the file's pages were still resident (`mincore`; "
            f"{(r['resident_warm'] or 0):.0%} before)."
        )
    for s, r in zip(sizes, nw):
        if r["n"] >= 1_000_000 and not s.get("real"):
            med = r["load"]["mmap=True warm"]["median"]
            verdict = "meets" if med < 0.5 * TARGET_LOAD_SECONDS else "MISSES"
            lines.append(
                f"- Target (issue 19: a 1M-article index opens in well under a second): a warm "
                f"mapped load of {r['n']:,} articles takes {_s(med)} s, cold "
                f"{_s(r['load']['mmap=True cold']['median'])} s: {verdict} it (read "
                "'well under' as under half a second)."
            )
    lines += [
        "",
        "### Where a warm mapped load's time goes (median s)",
        "",
        "| | " + " | ".join(cols) + " |",
        "|---|" + "---|" * len(cols),
    ]
    p = [r["load_parts"] for r in nw]
    row("`SimilarityIndex.load(path)` (Python, as above)", [_span(x["python"]) for x in p])
    row("`newsim._core.SimilarityIndex.load(path, mmap=True)` (C++)", [_span(x["core"]) for x in p])
    row("CPU s of that C++ load (both threads)", [_span(x["core_cpu"]) for x in p])
    row(
        "of which map + every checksum (a copy that fails right after them)",
        [_span(x["checksums_only"]) for x in p],
    )
    row(
        "of which the structure, transpose and id checks (difference)",
        [_s(x["core"]["median"] - x["checksums_only"]["median"]) for x in p],
    )
    row(
        "Python's ids array (`core.ids`: a str per article)",
        [_span(x["core_ids_array"]) for x in p],
    )
    row(
        "C++ load of the same index saved without ids",
        [
            f"{_span(x['core_no_ids'])}, file {r['file_bytes_no_ids'] / MB:.1f} MB"
            for x, r in zip(p, nw)
        ],
    )
    row(
        "floor: map the file and sum it as uint64 (numpy), every page touched",
        [_span(x["touch"]) for x in p],
    )
    errs = [r["load_parts_error"] for r in nw if r["load_parts_error"]]
    if errs:
        lines += ["", "Note: " + "; ".join(errs)]
    lines += [
        "",
        "### Steady query latency (one row, k=10, n_jobs=1, ms)",
        "",
        "| index | " + " | ".join(f"{c}: median | p95" for c in cols) + " |",
        "|---|" + "---|---|" * len(cols),
    ]
    for name in ("built in memory", "load(mmap=True)", "load(mmap=False)"):
        cells = []
        for r in nw:
            cells += [_ms(r["query_ms"][name]), _ms(r["query_ms"][name], "p95")]
        row(name, cells)
    if any(s.get("gensim") and "query_ms" in s["gensim"] for s in sizes):
        cells = []
        for s in sizes:
            g = s.get("gensim")
            if g and "query_ms" in g:
                cells += [_ms(g["query_ms"]), _ms(g["query_ms"], "p95")]
            else:
                cells += ["-", "-"]
        row("anchor: gensim `Similarity` loaded, `index[bow]` (num_best=10)", cells)
    lines.append("")
    for s, r in zip(sizes, nw):
        lines.append(
            f"- {label_of(s)}: {r['query_rows']} random rows (20 untimed first), the three "
            f"newsim indexes alternating query by query; results identical across them: "
            f"{'yes' if r['query_identical'] else 'NO'}."
        )
    for s in sizes:
        g = s.get("gensim")
        if g and "agreement" in g:
            lines.append(f"- gensim at {label_of(s)}: {g['agreement']}.")
    lines += [
        "",
        "### Memory of a fresh process (MB = 10^6 bytes; RSS = anon + file [+ shmem])",
        "",
        "| process | corpus | after imports: RSS | after load: RSS (anon / file) | Δ RSS (Δ anon / "
        "Δ file) | after 100 queries: RSS (anon / file) | peak RSS (VmHWM) | load s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    labels = {
        "mapped": "`load(path)` (mmap=True)",
        "read": "`load(path, mmap=False)`",
        "built": "`SimilarityIndex(X, ids=ids)` from X (.npz), then `del X`",
        "gensim": "anchor: gensim `Similarity.load` + first query",
    }
    for s in sizes:
        mem = s.get("memory", {})
        n = label_of(s)
        for mode, label in labels.items():
            m = mem.get(mode)
            if not m:
                continue
            a, b, c = m["imports"], m["loaded"], m["queried"]

            def ac(x: dict[str, float]) -> str:
                return f"{_mb(x.get('VmRSS'))} ({_mb(x.get('RssAnon'))} / {_mb(x.get('RssFile'))})"

            d_rss = b["VmRSS"] - a["VmRSS"]
            d_anon = b["RssAnon"] - a["RssAnon"]
            d_file = b["RssFile"] - a["RssFile"]
            note = ""
            if mode == "built":
                x, w = m["with_X"], m["loaded_with_X"]
                note = (
                    f" (X and the ids list: {_mb(x['VmRSS'])} before the build, "
                    f"{_mb(w['VmRSS'])} after it)"
                )
            lines.append(
                f"| {label} | {n} | {_mb(a['VmRSS'])} | {ac(b)}{note} | {d_rss:.0f} "
                f"({d_anon:.0f} / {d_file:.0f}) | {ac(c)} | {_mb(c.get('VmHWM'))} | "
                f"{_s(m['load_seconds'])} |"
            )
        if "gensim_error" in mem:
            lines.append(f"| anchor: gensim | {n} | failed: {mem['gensim_error']} | | | | | |")
    lines.append("")
    for s in sizes:
        pair = s.get("memory", {}).get("pair")
        if not pair:
            continue
        one = s["memory"]["mapped"]["loaded"]
        lines.append(
            f"- Two processes map the {label_of(s)} file at once: each has RSS "
            + " and ".join(f"{x['both']['VmRSS']:.0f}" for x in pair)
            + " MB but Pss (its share of the pages) "
            + " and ".join(f"{x['both'].get('Pss', float('nan')):.0f}" for x in pair)
            + " MB (file part "
            + " and ".join(f"{x['both'].get('Pss_File', float('nan')):.0f}" for x in pair)
            + f"), against Pss {one.get('Pss', float('nan')):.0f} MB "
            f"(file part {one.get('Pss_File', float('nan')):.0f}) for one process alone."
        )
    for s in sizes:
        if s.get("gensim_error"):
            lines.append(f"- gensim anchor at {label_of(s)}: {s['gensim_error']}")
        g = s.get("gensim")
        if g and "build" in g:
            lines.append(
                f"- gensim anchor at {label_of(s)}: build `Similarity(prefix, "
                f"Sparse2Corpus(X, documents_columns=False), num_features, num_best=10)` "
                f"+ `close_shard()` {_span(g['build'])} s (1 run), "
                f"`save(fname)` {_span(g['save'])} s; "
                f"{g['shards']} shards of up to {g['shardsize']:,} articles, "
                f"{g['file_bytes'] / MB:.1f} MB in {g['files']} files (no ids: gensim "
                "results are row numbers)."
            )
    lines += ["", METHOD]
    return "\n".join(lines)


METHOD = """\
Method: one process runs everything for one size after another, timing with
`time.perf_counter` (`gc.collect()` before each timed call); medians with min-max over the
rounds. Warm = the file was read just before (in the page cache); cold = `os.sync()` then
`os.posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)` on the file just before (no process maps it
then), checked by `mincore` and by timing a plain read. The four loads alternate round by round;
the first query after a load is `index.query(X[row], k=10)` timed on its own right after the
load. "Map + every checksum" loads a copy of the file whose last byte of the rows' weights and of
the last section are flipped: each of the two checking threads computes all its checksums and
the load fails there, before the structure checks. Steady latency: the same random rows against
the in-memory, the mapped and the read index, alternating query by query. Memory: a fresh
`python` subprocess per line reads `/proc/self/status` (VmRSS, RssAnon, RssFile, VmHWM) and
`/proc/self/smaps_rollup` (Pss) after its imports (and the 100 query rows), after loading (or
building) and after 100 queries; a mapped index's file pages count as RssFile (shared and
reclaimable page cache), a read or built one's arrays as RssAnon. gensim: `Similarity` as
documented (`Sparse2Corpus` of the same X), its shards `SparseMatrixSimilarity` saved by gensim
and mapped (`mmap='r'`) at the first query after `Similarity.load`; cold evicts every file of
the index."""


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
        help="articles (sizes) of the generated corpora; none with --real: real text only",
    )
    p.add_argument("--rounds", type=int, default=5, help="timed runs of each measurement (5)")
    p.add_argument("--queries", type=int, default=200, help="random query rows (200)")
    p.add_argument("--seed", type=int, default=0, help="seed of the generator and the queries")
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
    p.add_argument("--no-memory", action="store_true", help="skip the memory subprocesses")
    p.add_argument("--cache-dir", help="keep X of each size here (.npz) and reuse it in later runs")
    p.add_argument("--workdir", help="where the index files go (default: a temporary directory)")
    p.add_argument("--out", help="markdown file whose 'index-file' section is replaced")
    p.add_argument("--section", default=SECTION, help="marker name of the results section")
    p.add_argument("--json", help="also write the raw measurements to this JSON file")
    p.add_argument("--child", help=argparse.SUPPRESS)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    if args.child is not None:
        print(json.dumps(child(json.loads(args.child))), flush=True)
        return 0
    if args.rounds < 1:
        raise SystemExit("--rounds must be >= 1")
    if not args.n and not args.real:
        raise SystemExit("nothing to measure: give --n sizes or --real corpora")

    def progress(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    command = harness.command_line(__file__, argv)
    environment = harness.render_environment(PACKAGES, command)
    t_start = time.perf_counter()
    loadavg_before = os.getloadavg()[0]
    sizes = []
    with tempfile.TemporaryDirectory(prefix="newsim-indexbench-", dir=args.workdir) as tmp:
        workdir = Path(tmp)
        corpora: list[tuple[str | None, int]] = [(None, n) for n in args.n]
        corpora += [(name, 0) for name in args.real]
        for real, n in corpora:
            if real is None:
                ds = make_dataset(n, args.seed, args.cache_dir, progress)
            else:
                ds = real_dataset(real, progress)
                n = ds.X.shape[0]
            ids = make_ids(ds.X.shape[0])
            entry: dict[str, Any] = {"cached": ds.cached, "real": real}
            newsim_res, mem = measure_newsim(
                ds, ids, workdir, args.rounds, args.queries, args.seed, progress
            )
            entry["newsim"] = newsim_res
            del mem
            gc.collect()
            gensim_fname = None
            if n <= args.gensim_max_n:
                try:
                    g = measure_gensim(
                        ds, newsim_res["reference"], workdir, args.rounds, args.queries, progress
                    )
                    entry["gensim"] = g
                    gensim_fname = g["fname"]
                except Exception as exc:
                    entry["gensim_error"] = f"not run: {harness._short_error(exc)}"
                    progress(entry["gensim_error"])
            if not args.no_memory:
                path = str(workdir / f"index-{n}.nsi")
                entry["memory"] = measure_memory(ds, path, workdir, gensim_fname, progress)
            os.unlink(workdir / f"index-{n}.nsi")
            if (workdir / f"gensim-{n}").exists():
                shutil.rmtree(workdir / f"gensim-{n}")
            sizes.append(entry)
            del ds, ids
            gc.collect()
    data = {
        "command": command,
        "environment": environment,
        "rounds": args.rounds,
        "loadavg_before": loadavg_before,
        "loadavg_after": os.getloadavg()[0],
        "sizes": sizes,
    }
    section = render_section(data)
    harness.publish(
        section, out=args.out, key=args.section, json_path=args.json, data=data, progress=progress
    )
    progress(f"total {time.perf_counter() - t_start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
