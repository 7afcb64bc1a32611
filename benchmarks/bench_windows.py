"""Benchmark: time windows on the index (``pairs``/``top_k`` with ``window=``), issue 20 item 1.

Usage (from the repo root)::

    python benchmarks/bench_windows.py --n 100000 --uci --rounds 3 \\
        --cache-dir /work/bench-cache --out benchmarks/RESULTS.md
    python benchmarks/bench_windows.py --n 2000 --rounds 1 --real-rounds 2   # smoke, seconds

"A window means both articles' dates are at most that far apart; it must cut work, not filter
afterwards."  This script measures whether it does.

Data:

* for each ``--n``, ``bench_index_file.make_dataset(n)`` (generated articles, read from
  ``--cache-dir`` when an earlier run left them there).  The generator has no dates and no
  publishers: each article gets a **synthetic date**, uniform over one year (366 days from
  2024-01-01, to the nanosecond), and a **synthetic source**, uniform over ``--sources`` (50)
  publishers, both from ``numpy.random.default_rng(--seed)`` and independent of the text (the
  planted near-duplicates are therefore spread over the year like any other pair);
* with ``--uci``, the real UCI headlines (``newsim.datasets.load_uci_stories()``: their
  timestamps and publishers), vectorised by the default ``newsim.TfidfVectorizer()``; they span
  about 34 hours, so their windows are ``--uci-windows`` (hours).

The index (``n_jobs=--n-jobs``) holds the rows **in date order** (stable sort by date), as a
news archive appended in publication order does, except in step 3.  In one process, per corpus,
calls run warm, one after another (one untimed call of each first), ``gc.collect()`` before each
timed call, contenders alternating in each round (A B C ... A B C ...); medians over
``--rounds`` (``--real-rounds`` for UCI), ratios are ratios of medians:

1. **pairs**: ``index.pairs(t)`` over everything, then the pairs whose dates are at most ``w``
   apart kept with numpy (``abs(d[i] - d[j]) <= w``), the anchor a user would write without
   newsim's window (its time: the ``pairs`` call plus that window's filter, in the same round);
   against ``index.pairs(t, window=w)`` for each window and for ``--wide`` (a window wider
   than the data: all pairs).  Checked in the run: the windowed call keeps the same pairs as the
   anchor, with the same scores.  The share of all article pairs whose dates lie inside the
   window is the work one expects to be left.
2. **top_k**: ``index.top_k(k, window=w)`` (the per-row kernel, each row's best ``k`` inside its
   window) against ``index.top_k(k)`` (the symmetric all-pairs kernel) and
   ``index.top_k(k, method="brute")`` (the per-row kernel without a window); the results differ
   by design, so the anchors are times.  Checked: ``window=--wide`` finds the same neighbours as
   both.
3. **rows in date order or not**: the same articles, dates and sources with the rows in a random
   order (``--seed``): ``pairs(t, window=--order-window)`` and ``top_k(k, window=...)`` then run on
   a copy of the index in date order made for the call.  Time against the index in date order,
   same pairs checked; and the peak memory of one ``pairs`` call of each in a fresh subprocess
   (``harness.measure_child``: VmHWM after ``clear_refs``, the index built before the baseline),
   beside the index's size (``index.nbytes``).
4. **exclude_same_source**: ``pairs(t, window=--order-window, exclude_same_source=True)`` against
   the same window without it: time and pairs (checked: the pairs of different sources among the
   window's pairs).

``--out`` replaces the section between ``<!-- windows:begin -->`` and ``<!-- windows:end -->``;
``--json`` keeps every raw figure.
"""

from __future__ import annotations

import argparse
import gc
import os
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

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import harness  # noqa: E402

SECTION = "windows"
PACKAGES = ("numpy", "scipy", "pandas", "newsim")
YEAR_START = np.datetime64("2024-01-01T00:00:00", "ns")
YEAR_NS = 366 * 86_400 * 10**9
MB = harness.MB

Progress = Callable[[str], None]


# --------------------------------------------------------------------------------------
# data


def window_ns(window: str) -> int:
    """A window string ("3D", "12h") as int64 nanoseconds, as newsim reads it."""
    from newsim._metadata import check_window

    return int(check_window(window))


def synthetic_meta(n: int, n_sources: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Dates (int64 ns, uniform over one year) and sources (str, uniform over n_sources)."""
    rng = np.random.default_rng([seed, 20])
    dates = YEAR_START.astype(np.int64) + rng.integers(0, YEAR_NS, n, dtype=np.int64)
    sources = np.array([f"publisher-{s:02d}" for s in rng.integers(0, n_sources, n)], dtype=object)
    return dates, sources


def generated_corpus(n: int, args: argparse.Namespace, progress: Progress) -> dict[str, Any]:
    from benchmarks.bench_index_file import make_dataset

    d = make_dataset(n, args.seed, args.cache_dir, progress)
    dates, sources = synthetic_meta(n, args.sources, args.seed)
    return {
        "label": f"{n:,} generated articles",
        "desc": d.desc,
        "meta": (
            f"synthetic dates uniform over 366 days from 2024-01-01 and {args.sources} synthetic "
            f"publishers, uniform, independent of the text (`numpy.random.default_rng([{args.seed}"
            ", 20])`; the generator has neither)"
        ),
        "X": d.X,
        "dates": dates,
        "sources": sources,
        "windows": list(args.windows),
        "threshold": args.threshold,
        "rounds": args.rounds,
    }


def uci_corpus(args: argparse.Namespace, progress: Progress) -> dict[str, Any]:
    import pandas as pd

    import newsim

    c = newsim.datasets.load_uci_stories()
    assert c.dates is not None and c.sources is not None
    vec = newsim.TfidfVectorizer(progress=False)
    X = sp.csr_matrix(vec.fit_transform(c.texts))
    stamps = pd.DatetimeIndex(pd.to_datetime(list(c.dates), utc=True)).tz_localize(None)
    dates = stamps.as_unit("ns").asi8.astype(np.int64)
    sources: np.ndarray = np.array(list(c.sources), dtype=object)
    span_h = (dates.max() - dates.min()) / 3.6e12
    progress(f"UCI: {X.shape[0]:,} headlines, {X.shape[1]:,} terms, span {span_h:.1f} h")
    return {
        "label": f"UCI headlines ({X.shape[0]:,} real)",
        "desc": (
            f"`newsim.datasets.load_uci_stories()`: {X.shape[0]:,} headlines, "
            f"`TfidfVectorizer()` defaults: {X.shape[0]:,} x {X.shape[1]:,}, nnz {X.nnz:,}"
        ),
        "meta": (
            f"their own timestamps (span {span_h:.1f} hours, {stamps.min():%Y-%m-%d %H:%M} to "
            f"{stamps.max():%Y-%m-%d %H:%M} UTC) and publishers ({len(set(c.sources)):,})"
        ),
        "X": X,
        "dates": dates,
        "sources": sources,
        "windows": list(args.uci_windows),
        "threshold": args.uci_threshold,
        "rounds": args.real_rounds,
    }


def in_window_share(sorted_dates: np.ndarray, w: int) -> float:
    """Share of all article pairs i < j whose dates are at most ``w`` apart."""
    n = sorted_dates.size
    if n < 2:
        return 0.0
    hi = np.searchsorted(sorted_dates, sorted_dates + w, side="right")
    inside = int(np.sum(hi - np.arange(n) - 1))
    return inside / (n * (n - 1) / 2)


# --------------------------------------------------------------------------------------
# timing


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def summary(times: Sequence[float]) -> dict[str, Any]:
    return {
        "times": list(times),
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
    }


def run_rounds(
    calls: dict[str, Callable[[], Any]],
    rounds: int,
    progress: Progress,
    tag: str,
    once: Sequence[str] = (),
) -> tuple[dict[str, list[float]], dict[str, Any]]:
    """One untimed call of each (its output kept), then ``rounds`` rounds alternating; the
    calls named in ``once`` only once, timed, in the first round (their output kept)."""
    outputs: dict[str, Any] = {}
    for name, fn in calls.items():
        if name not in once:
            progress(f"{tag} warm-up: {name}")
            outputs[name] = fn()
    times: dict[str, list[float]] = {name: [] for name in calls}
    for r in range(rounds):
        for name, fn in calls.items():
            if name in once and r > 0:
                continue
            dt, out = timed(fn)
            if name in once:
                outputs[name] = out
            del out
            times[name].append(dt)
            progress(f"{tag} round {r + 1}/{rounds}: {name}: {dt:.3f} s")
    return times, outputs


def pair_keys(i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return np.asarray(i, dtype=np.int64) * (1 << 32) + np.asarray(j, dtype=np.int64)


def same_pairs(a: tuple[np.ndarray, ...], b: tuple[np.ndarray, ...]) -> dict[str, Any]:
    """Whether two (i, j, score) sets hold the same pairs; the largest score difference."""
    ka, kb = pair_keys(a[0], a[1]), pair_keys(b[0], b[1])
    oa, ob = np.argsort(ka), np.argsort(kb)
    equal = bool(ka.size == kb.size and np.array_equal(ka[oa], kb[ob]))
    diff = float(np.max(np.abs(a[2][oa] - b[2][ob]))) if equal and ka.size else 0.0
    return {"equal": equal, "n": [int(ka.size), int(kb.size)], "max_score_diff": diff}


# --------------------------------------------------------------------------------------
# the memory subprocess (harness.measure_child): the index is built by the loader, before
# the baseline; the run is one call


def save_index_input(path: Path, X: sp.csr_matrix, dates: np.ndarray, n_jobs: int) -> None:
    arrays = {"data": X.data, "indices": X.indices, "indptr": X.indptr, "dates": dates}
    np.savez(path, shape=np.array(X.shape), n_jobs=np.array(n_jobs), **arrays)


def load_index(path: str) -> Any:
    """Loader of the memory subprocess: the index over the saved rows, with their dates."""
    import newsim

    f = np.load(path)
    X = sp.csr_matrix((f["data"], f["indices"], f["indptr"]), shape=tuple(f["shape"]))
    dates = f["dates"].astype("datetime64[ns]")
    return newsim.SimilarityIndex(X, dates=dates, n_jobs=int(f["n_jobs"]), progress=False)


def pairs_runner(threshold: float, window: str) -> Callable[[Any], Any]:
    """Factory of the memory subprocess: ``run(index)`` = one windowed ``pairs`` call."""

    def run(index: Any) -> Any:
        return index.pairs(threshold, window=window)

    return run


def peak_memory(
    X: sp.csr_matrix, dates: np.ndarray, args: argparse.Namespace, threshold: float
) -> dict[str, Any]:
    contender = harness.Contender(
        "pairs",
        target="benchmarks.bench_windows:pairs_runner",
        kwargs={"threshold": threshold, "window": args.order_window},
    )
    with tempfile.TemporaryDirectory(prefix="newsim-bench-windows-") as tmp:
        path = Path(tmp) / "index.npz"
        save_index_input(path, X, dates, args.n_jobs)
        data = harness.measure_child(
            contender, path, Path(tmp), loader="benchmarks.bench_windows:load_index"
        )
    base = data["base_rss_mb"]
    data["delta_rss_mb"] = None if base is None else data["peak_rss_mb"] - base
    return data


# --------------------------------------------------------------------------------------
# one corpus


def measure(c: dict[str, Any], args: argparse.Namespace, progress: Progress) -> dict[str, Any]:
    import newsim

    X0: sp.csr_matrix = sp.csr_matrix(c["X"], dtype=np.float32)
    dates0: np.ndarray = c["dates"]
    sources0: np.ndarray = c["sources"]
    n = X0.shape[0]
    t, k, rounds, tag = c["threshold"], args.k, c["rounds"], c["label"]
    order = np.argsort(dates0, kind="stable")
    X, dates, sources = X0[order], dates0[order], sources0[order]
    res: dict[str, Any] = {key: c[key] for key in ("label", "desc", "meta", "threshold", "rounds")}
    res.update(n=n, k=k, windows=c["windows"], wide=args.wide, per_row_max_n=args.per_row_max_n)

    def make(Xm: sp.csr_matrix, d: np.ndarray, s: np.ndarray) -> Any:
        d64 = d.astype("datetime64[ns]")
        return newsim.SimilarityIndex(
            Xm, dates=d64, sources=list(s), n_jobs=args.n_jobs, progress=False
        )

    index = make(X, dates, sources)
    res["index_nbytes"] = int(index.nbytes)
    windows = [*c["windows"], args.wide]
    wns = {w: window_ns(w) for w in windows}
    res["share"] = {w: in_window_share(dates, wns[w]) for w in windows}

    # 1. pairs: the anchor (all pairs, then numpy), and the windowed calls
    def filt(p: Any, w: int) -> tuple[np.ndarray, ...]:
        i, j, s = p
        keep = np.abs(dates[i] - dates[j]) <= w
        return i[keep], j[keep], s[keep]

    def windowed_pairs(ix: Any, w: str | None, exclude: bool = False) -> tuple[np.ndarray, ...]:
        return tuple(ix.pairs(t, window=w, exclude_same_source=exclude))

    calls: dict[str, Callable[[], Any]] = {"none": partial(windowed_pairs, index, None)}
    for w in windows:
        calls[w] = partial(windowed_pairs, index, w)
    times, outs = run_rounds(calls, rounds, progress, f"{tag} pairs")
    # the anchor's filters, timed on the anchor's output, once per round and window
    filters: dict[str, list[float]] = {w: [] for w in windows}
    everything = outs["none"]
    for _ in range(rounds):
        for w in windows:
            dt, out = timed(partial(filt, everything, wns[w]))
            filters[w].append(dt)
            del out
    pairs: dict[str, Any] = {"none": {**summary(times["none"]), "n_pairs": len(everything[0])}}
    for w in windows:
        anchor = [a + f for a, f in zip(times["none"], filters[w])]
        pairs[w] = {
            **summary(times[w]),
            "n_pairs": len(outs[w][0]),
            "filter": summary(filters[w]),
            "anchor": summary(anchor),
            "ratio": statistics.median(anchor) / statistics.median(times[w]),
            "check": same_pairs(outs[w], filt(everything, wns[w])),
        }
        progress(f"{tag} pairs {w}: {pairs[w]['n_pairs']:,} pairs, check {pairs[w]['check']}")
    res["pairs"] = pairs
    del outs, calls
    gc.collect()

    # 2. top_k: symmetric kernel, per-row kernel without a window, windowed.  Above
    # --per-row-max-n the per-row kernel over everything (minutes) runs once: as the wide window
    # only (the same kernel, scoring every shared posting), one timed call without a warm-up.
    slow = n > args.per_row_max_n
    tcalls: dict[str, Callable[[], Any]] = {"top_k": partial(index.top_k, k)}
    if not slow:
        tcalls["brute"] = partial(index.top_k, k, method="brute")
    for w in windows:
        tcalls[w] = partial(index.top_k, k, window=w)
    once = [args.wide] if slow else []
    times, touts = run_rounds(tcalls, rounds, progress, f"{tag} top_k", once=once)
    topk: dict[str, Any] = {name: summary(v) for name, v in times.items()}
    per_row = args.wide if slow else "brute"
    topk["per_row_anchor"] = per_row
    topk["once"] = once
    for w in windows:
        topk[w]["ratio_top_k"] = topk["top_k"]["median"] / topk[w]["median"]
        topk[w]["ratio_per_row"] = topk[per_row]["median"] / topk[w]["median"]
        found = np.asarray(touts[w].scores) > 0
        topk[w]["mean_neighbours"] = float(found.sum(axis=1).mean())
    wide_ids = np.asarray(touts[args.wide].ids)
    topk["check"] = {
        "wide_equals_top_k": bool(np.array_equal(wide_ids, np.asarray(touts["top_k"].ids))),
        "wide_equals_brute": None
        if slow
        else bool(np.array_equal(wide_ids, np.asarray(touts["brute"].ids))),
    }
    progress(f"{tag} top_k check: {topk['check']}")
    res["top_k"] = topk
    del touts, tcalls
    gc.collect()

    # 3. the same articles with the rows in a random order (a copy in date order per call)
    w = args.order_window
    perm = np.random.default_rng([args.seed, 30]).permutation(n)
    shuffled = make(X[perm], dates[perm], sources[perm])
    ocalls: dict[str, Callable[[], Any]] = {
        "pairs, date order": partial(windowed_pairs, index, w),
        "pairs, shuffled": partial(windowed_pairs, shuffled, w),
        "top_k, date order": partial(index.top_k, k, window=w),
        "top_k, shuffled": partial(shuffled.top_k, k, window=w),
    }
    times, oouts = run_rounds(ocalls, rounds, progress, f"{tag} order")
    order_res: dict[str, Any] = {name: summary(v) for name, v in times.items()}
    i2, j2, s2 = oouts["pairs, shuffled"]
    a, b = perm[i2], perm[j2]  # back to the date-ordered index's rows
    mapped = (np.minimum(a, b), np.maximum(a, b), s2)
    order_res["check_pairs"] = same_pairs(mapped, oouts["pairs, date order"])
    ids_sorted = np.asarray(oouts["top_k, date order"].ids)
    ids_shuffled = np.asarray(oouts["top_k, shuffled"].ids)
    back = np.where(ids_shuffled >= 0, perm[np.maximum(ids_shuffled, 0)], -1)
    # equal scores go to the lower row, and the rows differ: compare the scores, then the ids
    scores_sorted = np.asarray(oouts["top_k, date order"].scores)[perm]
    order_res["check_top_k"] = {
        "same_scores": bool(
            np.array_equal(scores_sorted, np.asarray(oouts["top_k, shuffled"].scores))
        ),
        "rows_same_ids": float(np.mean(np.all(back == ids_sorted[perm], axis=1))),
    }
    order_res["window"] = w
    order_res["n_pairs"] = len(oouts["pairs, date order"][0])
    progress(f"{tag} order checks: {order_res['check_pairs']}, top_k {order_res['check_top_k']}")
    del oouts, ocalls
    gc.collect()
    if args.memory:
        order_res["memory"] = {}
        for name, (Xm, d) in {
            "date order": (X, dates),
            "shuffled": (X[perm], dates[perm]),
        }.items():
            progress(f"{tag} peak memory: pairs, {name}")
            order_res["memory"][name] = peak_memory(Xm, d, args, t)
    res["order"] = order_res
    del shuffled
    gc.collect()

    # 4. exclude_same_source with the window
    ecalls: dict[str, Callable[[], Any]] = {
        "alone": partial(windowed_pairs, index, w),
        "exclude": partial(windowed_pairs, index, w, True),
    }
    times, eouts = run_rounds(ecalls, rounds, progress, f"{tag} exclude")
    excl: dict[str, Any] = {name: summary(v) for name, v in times.items()}
    for name in ecalls:
        excl[name]["n_pairs"] = len(eouts[name][0])
    i, j, s = eouts["alone"]
    other = sources[i] != sources[j]
    excl["check"] = same_pairs((i[other], j[other], s[other]), eouts["exclude"])
    excl["window"] = w
    res["exclude"] = excl
    progress(f"{tag} exclude check: {excl['check']}")
    return res


# --------------------------------------------------------------------------------------
# report


def _s(d: dict[str, Any]) -> str:
    m = d["median"]
    digits = 4 if m < 0.1 else 3 if m < 10 else 2
    return f"{m:.{digits}f} ({d['min']:.{digits}f}-{d['max']:.{digits}f})"


def _pct(x: float) -> str:
    return f"{100 * x:.3g} %"


def _check(c: dict[str, Any]) -> str:
    if c["equal"]:
        return f"yes (max score diff {c['max_score_diff']:.1g})"
    return f"**no** ({c['n'][0]:,} against {c['n'][1]:,})"


def _mb(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f}"


def render_corpus(r: dict[str, Any]) -> list[str]:
    t, k, wide = r["threshold"], r["k"], r["wide"]
    windows = [*r["windows"], wide]
    p, tk, o, e = r["pairs"], r["top_k"], r["order"], r["exclude"]
    lines = [
        f"### {r['label']}",
        "",
        f"- data: {r['desc']}; {r['meta']}",
        f"- index: rows in date order, {r['index_nbytes'] / MB:,.1f} MB (`index.nbytes`); "
        f"threshold {t}, k = {k}; {r['rounds']} rounds",
        "",
        f"#### `pairs({t}, window=w)` against `pairs({t})` then a numpy filter on the dates",
        "",
        "| window | article pairs inside the window | pairs found | `pairs(t, window=w)` s "
        "| anchor: `pairs(t)` + filter s | anchor / windowed | same pairs and scores |",
        "|---|---|---|---|---|---|---|",
        f"| none | 100 % | {p['none']['n_pairs']:,} | {_s(p['none'])} | - | - | - |",
    ]
    for w in windows:
        q = p[w]
        lines.append(
            f"| {w} | {_pct(r['share'][w])} | {q['n_pairs']:,} | {_s(q)} | {_s(q['anchor'])} "
            f"| {q['ratio']:.2f}x | {_check(q['check'])} |"
        )
    per_row = tk["per_row_anchor"]
    per_row_call = (
        f'`top_k({k}, method="brute")`' if per_row == "brute" else f'`window="{per_row}"`'
    )
    lines += [
        "",
        f"#### `top_k({k}, window=w)` against `top_k({k})` and the per-row kernel over "
        f"everything ({per_row_call})",
        "",
        "| call | kernel | article pairs inside the window | s | `top_k(k)` / this "
        "| per-row over everything / this | mean neighbours found (of k) |",
        "|---|---|---|---|---|---|---|",
        f"| `top_k({k})` | symmetric all-pairs | 100 % | {_s(tk['top_k'])} | 1.00x "
        f"| {tk[per_row]['median'] / tk['top_k']['median']:.2f}x | - |",
    ]
    if per_row == "brute":
        lines.append(
            f'| `top_k({k}, method="brute")` | per-row, no window | 100 % | {_s(tk["brute"])} '
            f"| {tk['top_k']['median'] / tk['brute']['median']:.2f}x | 1.00x | - |"
        )
    for w in windows:
        q = tk[w]
        once = " (one call, no warm-up)" if w in tk["once"] else ""
        lines.append(
            f'| `top_k({k}, window="{w}")` | per-row, window | {_pct(r["share"][w])} '
            f"| {_s(q)}{once} | {q['ratio_top_k']:.2f}x | {q['ratio_per_row']:.2f}x "
            f"| {q['mean_neighbours']:.2f} |"
        )
    yes = {True: "yes", False: "**no**", None: "not run"}
    brute_note = ""
    if per_row != "brute":
        brute_note = (
            f' (`method="brute"`, the same per-row kernel, is not run above {r["per_row_max_n"]:,} '
            "articles: minutes per call)"
        )
    lines += [
        "",
        f'`window="{wide}"` (wider than the data) finds the same neighbours as `top_k({k})`: '
        f'{yes[tk["check"]["wide_equals_top_k"]]}; as `method="brute"`: '
        f"{yes[tk['check']['wide_equals_brute']]}{brute_note}.",
        "",
        f"#### Rows in date order or shuffled (window {o['window']}: a copy of the index in "
        "date order made for each call on the shuffled one)",
        "",
        "| call | rows in date order s | shuffled s | shuffled / date order "
        "| peak RSS MB date order / shuffled | ΔRSS MB date order / shuffled |",
        "|---|---|---|---|---|---|",
    ]
    mem = o.get("memory")
    for what in ("pairs", "top_k"):
        a, b = o[f"{what}, date order"], o[f"{what}, shuffled"]
        peak = delta = "-"
        if what == "pairs" and mem:
            peak = (
                f"{_mb(mem['date order']['peak_rss_mb'])} / {_mb(mem['shuffled']['peak_rss_mb'])}"
            )
            delta = (
                f"{_mb(mem['date order']['delta_rss_mb'])} / {_mb(mem['shuffled']['delta_rss_mb'])}"
            )
        args = f"{t}" if what == "pairs" else f"{k}"
        call = f'`{what}({args}, window="{o["window"]}")`'
        lines.append(
            f"| {call} | {_s(a)} | {_s(b)} | {b['median'] / a['median']:.2f}x | {peak} | {delta} |"
        )
    lines += [
        "",
        f"Same pairs ({o['n_pairs']:,}) on both: {_check(o['check_pairs'])}; same top-{k} "
        f"scores: {yes[o['check_top_k']['same_scores']]}, same neighbours in "
        f"{100 * o['check_top_k']['rows_same_ids']:.3f} % of the rows (equal scores go to the "
        f"lower row, and the rows differ). Index size {r['index_nbytes'] / MB:,.1f} MB. Peak "
        "memory: one `pairs` call in a fresh subprocess (`harness.measure_child`), the index "
        "built before the baseline.",
        "",
        f"#### `exclude_same_source=True` with window {e['window']}",
        "",
        "| call | s | pairs | ratio (window alone / this) |",
        "|---|---|---|---|",
    ]
    calls = {
        "alone": f'`pairs({t}, window="{e["window"]}")`',
        "exclude": f'`pairs({t}, window="{e["window"]}", exclude_same_source=True)`',
    }
    for name, call in calls.items():
        q = e[name]
        ratio = e["alone"]["median"] / q["median"]
        lines.append(f"| {call} | {_s(q)} | {q['n_pairs']:,} | {ratio:.2f}x |")
    lines += [
        "",
        f"The pairs of different sources among the window's pairs: {_check(e['check'])}.",
        "",
    ]
    return lines


def render_section(data: dict[str, Any]) -> str:
    lines = [
        "## Time windows: `pairs` and `top_k` with `window=` (issue 20, item 1)",
        "",
        data["environment"],
        f"- 1-minute load average {data['loadavg_before']:.2f} before, "
        f"{data['loadavg_after']:.2f} after (2 logical cores, shared with other work)",
        f"- `SimilarityIndex(X, dates=, sources=, n_jobs={data['n_jobs']})`; warm calls one "
        "after another (one untimed call of each first), contenders alternating in each round; "
        "medians (min-max) in seconds; ratios are ratios of medians",
        "- anchor for `pairs`: what a user writes without the window, `pairs(t)` over everything "
        "and then `keep = abs(d[i] - d[j]) <= w` with numpy (its time: that `pairs` call plus "
        "the filter, same round); the kept pairs are compared with the windowed call's in the "
        "run. Article pairs inside the window: the share of all n(n-1)/2 pairs whose dates are "
        "at most w apart, the work one expects to be left",
        "",
    ]
    for r in data["corpora"]:
        lines += render_corpus(r)
    lines += [f"Command: `{data['command']}` ({data['date']}).", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, nargs="*", default=[100_000], help="generated sizes")
    p.add_argument("--uci", action="store_true", help="also the UCI headlines")
    p.add_argument("--threshold", type=float, default=0.5, help="pairs threshold (generated)")
    p.add_argument("--uci-threshold", type=float, default=0.5)
    p.add_argument("--windows", nargs="+", default=["1D", "3D", "7D", "30D"])
    p.add_argument("--uci-windows", nargs="+", default=["1h", "6h", "1D"])
    p.add_argument("--wide", default="3650D", help="a window wider than the data")
    p.add_argument("--order-window", default="7D", help="window of steps 3 and 4")
    p.add_argument("--k", type=int, default=10)
    p.add_argument(
        "--per-row-max-n",
        type=int,
        default=20_000,
        help="above this, top_k's per-row kernel over everything runs once (wide window only)",
    )
    p.add_argument("--sources", type=int, default=50, help="synthetic publishers")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--real-rounds", type=int, default=20, help="rounds on the UCI headlines")
    p.add_argument("--n-jobs", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-memory", dest="memory", action="store_false")
    p.add_argument("--cache-dir", help="generated corpora cache (bench_index_file)")
    p.add_argument("--out", help="RESULTS.md to update")
    p.add_argument("--json", help="write the raw figures here")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("NEWSIM_DATA_DIR", str(ROOT.parent / "shared" / "data"))

    def progress(msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    load_before = os.getloadavg()[0]
    results = []
    for n in args.n:
        results.append(measure(generated_corpus(n, args, progress), args, progress))
    if args.uci:
        results.append(measure(uci_corpus(args, progress), args, progress))
    command = harness.command_line(__file__, list(argv if argv is not None else sys.argv[1:]))
    data = {
        "environment": harness.render_environment(PACKAGES, command),
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg()[0],
        "command": command,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "n_jobs": args.n_jobs,
        "corpora": results,
    }
    section = render_section(data)
    harness.publish(
        section, out=args.out, key=SECTION, json_path=args.json, data=data, progress=progress
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
