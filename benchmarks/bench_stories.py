"""Benchmark: ``SimilarityIndex.stories()`` against dense average-link clustering and pairs.

Usage (from the repo root)::

    python benchmarks/bench_stories.py --out benchmarks/RESULTS.md
    python benchmarks/bench_stories.py --n 100000 --cache-dir /work/bench-cache --out ...
    python benchmarks/bench_stories.py --dense-thresholds 0.97 --pairs-thresholds 0.5 --n  # smoke

**Quality** on ``uci_news_stories_dev.csv`` (3,259 headlines, 44 stories; ``$NEWSIM_DATA_DIR``):
the adjusted Rand index (scikit-learn's ``adjusted_rand_score``) and the BCubed F1 (per article:
precision = the share of its cluster in its story, recall = the share of its story in its
cluster; averaged over articles; F1 of the two means) of each method's labels against
``STORY``:

* ``stories()`` with its defaults, on newsim's vectors (``TfidfVectorizer(language="en")``) and
  on the anchor's vectors (scikit-learn ``TfidfVectorizer(sublinear_tf=True,
  stop_words="english")``), timed (median of ``--rounds``);
* the dense anchor: scikit-learn ``AgglomerativeClustering(linkage="average",
  metric="cosine", distance_threshold=t)`` on the dense n x n problem, for every ``t`` of
  ``--dense-thresholds``; its best ``t`` on this file is reported (tuned on the answer: an
  upper bound of what a user gets), on both vectors;
* pairs + connected components: ``index.pairs(t)`` on newsim's vectors, then scipy's
  ``connected_components``, for every ``t`` of ``--pairs-thresholds``; best ``t`` reported;
* ``newsim.StoryTracker()`` with its defaults (window 3 days, k 20, threshold 0.03, a new
  ``TfidfVectorizer()`` grown with ``partial_fit``), fed the headlines in ``TIMESTAMP`` order
  (stable sort) with their dates (UTC) and publishers, in batches cut by each mode of
  ``--tracker-batches``: ``D`` one batch per UTC day, ``h`` one per UTC hour (empty hours
  skipped), an integer ``N`` every N articles, ``all`` one batch; seconds of the whole feed
  (median of ``--rounds``; the labels must be equal in every round).

``--only-tracker`` runs the tracker rows alone (no dense anchors, no scale) and writes them to
the section ``stories-tracker`` instead; ``--tracker-n`` adds the tracker's cost on generated
articles spread over ``--tracker-days`` days, one batch per day (no quality: no stories there).

**Scale** (``--n``, optional): ``bench_index_file.make_dataset(n)`` (generated articles,
vectorised as in the index-file benchmark; cached in ``--cache-dir``), ``SimilarityIndex(X,
n_jobs=--n-jobs)``, then ``index.stories()`` timed once per round; peak RSS of the process
during the call (``VmHWM`` after a reset through ``/proc/self/clear_refs``) minus the RSS
before it: the graph, the clustering and the top-k result, on top of the index.

``--out`` replaces the section between ``<!-- stories:begin -->`` and ``<!-- stories:end -->``.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Callable

import numpy as np
import scipy.sparse as sp

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import corpora, harness

SECTION = "stories"
PACKAGES = ("numpy", "scipy", "scikit-learn", "newsim")
MB = harness.MB
#: StoryTracker's defaults that the benchmark's options can change.
DEFAULT_TRACKER = {"join_threshold": 0.05, "merge_threshold": 0.1}
DENSE_THRESHOLDS = tuple(round(0.90 + 0.01 * i, 2) for i in range(10))
PAIRS_THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def bcubed_f1(truth: Sequence[Any], labels: Sequence[Any]) -> float:
    """BCubed F1 of ``labels`` against ``truth`` (Amigó et al. 2009), via the contingency table."""
    _, t = np.unique(np.asarray(truth), return_inverse=True)
    _, p = np.unique(np.asarray(labels), return_inverse=True)
    n = t.shape[0]
    table = sp.coo_matrix((np.ones(n), (p, t))).tocsr()
    table.sum_duplicates()
    cluster = np.asarray(table.sum(axis=1)).ravel()
    story = np.asarray(table.sum(axis=0)).ravel()
    coo = table.tocoo()
    squares = coo.data**2
    precision = float((squares / cluster[coo.row]).sum() / n)
    recall = float((squares / story[coo.col]).sum() / n)
    return 2 * precision * recall / (precision + recall)


def scores(truth: Sequence[Any], labels: Any) -> dict[str, float]:
    """ARI, BCubed F1 and the number of clusters."""
    from sklearn.metrics import adjusted_rand_score

    return {
        "ari": float(adjusted_rand_score(truth, labels)),
        "bcubed_f1": bcubed_f1(truth, labels),
        "clusters": int(np.unique(np.asarray(labels)).shape[0]),
    }


def timed(fn: Callable[[], Any], rounds: int) -> tuple[Any, list[float]]:
    out, times = None, []
    for _ in range(rounds):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return out, times


def quality(args: argparse.Namespace, progress: Callable[[str], None]) -> dict[str, Any]:
    from scipy.sparse.csgraph import connected_components
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer as SkTfidf

    import newsim

    corpus = corpora.load_uci_stories(args.data_dir)
    truth = corpus.stories
    n = len(corpus)
    vectors = {
        "newsim": newsim.TfidfVectorizer(language="en").fit_transform(corpus.titles),
        "scikit-learn": SkTfidf(sublinear_tf=True, stop_words="english").fit_transform(
            corpus.titles
        ),
    }
    out: dict[str, Any] = {"n": n, "n_stories": len(set(truth)), "rows": []}
    for name, X in vectors.items():
        index = newsim.SimilarityIndex(X, n_jobs=args.n_jobs)
        result, times = timed(lambda index=index: index.stories(), args.rounds)
        row = {"method": f"stories() defaults, {name} vectors", "seconds": statistics.median(times)}
        row.update(scores(truth, result.labels))
        one = newsim.SimilarityIndex(X, n_jobs=1).stories()
        row["same_on_1_thread"] = bool(np.array_equal(one.labels, result.labels))
        out["rows"].append(row)
        progress(f"stories {name}: {row}")
    for name, X in vectors.items():
        dense = X.toarray()
        grid = []
        for t in args.dense_thresholds:
            model = AgglomerativeClustering(
                n_clusters=None, linkage="average", metric="cosine", distance_threshold=t
            )
            t0 = time.perf_counter()
            labels = model.fit_predict(dense)
            s = {"threshold": t, "seconds": time.perf_counter() - t0, **scores(truth, labels)}
            grid.append(s)
            progress(f"dense {name} {s}")
        best = max(grid, key=lambda s: s["ari"])
        out["rows"].append(
            {"method": f"dense average link, {name} vectors, best t", **best, "grid": grid}
        )
    index = newsim.SimilarityIndex(vectors["newsim"], n_jobs=args.n_jobs)
    grid = []
    for t in args.pairs_thresholds:
        t0 = time.perf_counter()
        pairs = index.pairs(t)
        graph = sp.coo_matrix(
            (np.ones(pairs.n_pairs), (pairs.article_row, pairs.neighbor_row)), shape=(n, n)
        )
        _, labels = connected_components(graph, directed=False)
        s = {"threshold": t, "seconds": time.perf_counter() - t0, **scores(truth, labels)}
        grid.append(s)
        progress(f"pairs {s}")
    best = max(grid, key=lambda s: s["ari"])
    out["rows"].append(
        {"method": "pairs + connected components, newsim vectors, best t", **best, "grid": grid}
    )
    out["rows"].extend(tracker_rows(args, progress))
    return out


def tracker_rows(args: argparse.Namespace, progress: Callable[[str], None]) -> list[dict[str, Any]]:
    """The StoryTracker rows: the UCI headlines fed in timestamp order, per batch mode."""
    import pandas as pd

    import newsim

    corpus = corpora.load_uci_stories(args.data_dir)
    order = np.argsort(np.asarray(corpus.timestamps_ms), kind="stable")
    titles = [corpus.titles[i] for i in order]
    truth = [corpus.stories[i] for i in order]
    sources = [corpus.publishers[i] for i in order]
    dates = pd.to_datetime(np.asarray(corpus.timestamps_ms)[order], unit="ms", utc=True)
    options: dict[str, Any] = {
        "join_threshold": args.tracker_join_threshold,
        "merge_threshold": args.tracker_merge_threshold,
    }
    changed = [f"{k}={v}" for k, v in options.items() if v != DEFAULT_TRACKER[k]]
    label = "StoryTracker " + (", ".join(changed) if changed else "defaults")
    if args.tracker_fitted:  # the vectorizer fitted on every headline first: it peeks ahead
        options["vectorizer"] = newsim.TfidfVectorizer().fit(titles)
        options["partial_fit"] = False
        label += ", vectorizer fitted on the whole file beforehand (partial_fit=False)"
    rows = []
    for mode in args.tracker_batches:
        if mode == "all":
            cuts, what = [], "the whole file as one batch"
        elif mode in ("D", "h"):
            key = np.asarray(dates.floor(mode))
            cuts = (np.flatnonzero(key[1:] != key[:-1]) + 1).tolist()
            what = {"D": "one batch per UTC day", "h": "one batch per UTC hour"}[mode]
        else:
            size = int(mode)
            cuts = list(range(size, len(titles), size))
            what = f"batches of {size} articles"
        bounds = [0, *cuts, len(titles)]

        def feed(bounds: list[int] = bounds) -> newsim.StoryTracker:
            tracker = newsim.StoryTracker(**options)
            for a, b in zip(bounds[:-1], bounds[1:]):
                tracker.update(titles[a:b], dates=dates[a:b], sources=sources[a:b])
            return tracker

        labels, times = [], []
        for _ in range(args.rounds):
            tracker, seconds = timed(feed, 1)
            labels.append(tracker.labels_)
            times.extend(seconds)
        lineage = tracker.lineage
        row = {
            "method": f"{label}, {what} ({len(bounds) - 1} batch{'es' if len(bounds) > 2 else ''})",
            "threshold": f"window 3D, k=20, 0.03, join {options['join_threshold']}, "
            f"merge {options['merge_threshold']}",
            "seconds": statistics.median(times),
            "batches": len(bounds) - 1,
            "merges": int((lineage["event"] == "merge").sum()),
            "splits": int((lineage["event"] == "split").sum()),
            "same_every_round": all(np.array_equal(x, labels[0]) for x in labels),
            **scores(truth, labels[0]),
        }
        rows.append(row)
        progress(f"tracker {mode}: {row}")
    return rows


def tracker_scale(
    n: int, args: argparse.Namespace, progress: Callable[[str], None]
) -> dict[str, Any]:
    """The StoryTracker on ``n`` generated articles spread evenly over ``--tracker-days``.

    One batch per day, window 3 days (the defaults otherwise); the generator's articles have
    topics but no stories, so this measures cost, expiry and lineage, not quality.
    """
    import pandas as pd

    import newsim
    from benchmarks import generate

    texts = generate.generate(n, seed=args.seed)
    days = args.tracker_days
    start = pd.Timestamp("2026-01-01", tz="UTC")
    dates = start + pd.to_timedelta(np.arange(n) * (days * 86_400 / n), unit="s")
    day = np.asarray(dates.floor("D"))
    bounds = [0, *(np.flatnonzero(day[1:] != day[:-1]) + 1).tolist(), n]
    gc.collect()
    rss_before = harness._proc_status_kb("VmRSS")
    reset = harness._reset_peak_rss()
    tracker = newsim.StoryTracker()
    per_batch = []
    t0 = time.perf_counter()
    for a, b in zip(bounds[:-1], bounds[1:]):
        t1 = time.perf_counter()
        tracker.update(texts[a:b], dates=dates[a:b])
        per_batch.append(time.perf_counter() - t1)
    seconds = time.perf_counter() - t0
    peak = harness._proc_status_kb("VmHWM")
    frame = tracker.stories()
    lineage = tracker.lineage
    row = {
        "n": n,
        "days": days,
        "batches": len(bounds) - 1,
        "seconds": seconds,
        "batch_seconds_median": statistics.median(per_batch),
        "batch_seconds_max": max(per_batch),
        "stories": int(frame.shape[0]),
        "largest": int(frame["size"].max()),
        "active": int((frame["status"] == "active").sum()),
        "quiet": int((frame["status"] == "quiet").sum()),
        "merges": int((lineage["event"] == "merge").sum()),
        "splits": int((lineage["event"] == "split").sum()),
        "pool": len(tracker._pool_texts),
        "delta_rss_mb": None
        if peak is None or rss_before is None or not reset
        else (peak - rss_before) * 1024 / MB,
    }
    progress(f"tracker scale {row}")
    return row


def render_tracker_section(data: dict[str, Any]) -> str:
    """The ``stories-tracker`` section of ``--only-tracker``."""
    lines = [
        "## Stories online: `StoryTracker` on the UCI headlines, in timestamp order",
        "",
        data["environment"],
        "",
        "`newsim.StoryTracker()` with its defaults, fed `uci_news_stories_dev.csv` sorted by "
        "`TIMESTAMP` (stable) with its dates (UTC) and publishers; ARI and BCubed F1 of "
        "`labels_` against `STORY`; seconds for the whole feed (median of the rounds), vectorizing "
        "included. Merges and splits: the tracker's lineage.",
        "",
        "| batches | ARI | BCubed F1 | stories | merges | splits | seconds | same every round |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in data["tracker"]:
        lines.append(
            f"| {r['method'].removeprefix('StoryTracker defaults, ')} | {r['ari']:.3f} | "
            f"{r['bcubed_f1']:.3f} | {r['clusters']} | {r['merges']} | {r['splits']} | "
            f"{r['seconds']:.2f} | {r['same_every_round']} |"
        )
    if data.get("tracker_scale"):
        lines += [
            "",
            "Cost on generated articles (`benchmarks/generate.py`, ~300 words each; topics, no "
            "stories: not a quality measure), dates spread evenly over the days, one batch per "
            "day, `StoryTracker()` defaults (window 3 days). ΔRSS: peak RSS during the feed "
            "minus RSS before it (the texts already in memory).",
            "",
            "| articles | days | seconds | per batch: median, max | stories | largest | "
            "active / quiet | merges | splits | articles in the window at the end | ΔRSS MB |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in data["tracker_scale"]:
            rss = "n/a" if r["delta_rss_mb"] is None else f"{r['delta_rss_mb']:.0f}"
            lines.append(
                f"| {r['n']:,} | {r['days']} | {r['seconds']:.1f} | "
                f"{r['batch_seconds_median']:.2f}, {r['batch_seconds_max']:.2f} | "
                f"{r['stories']:,} | {r['largest']:,} | {r['active']} / {r['quiet']} | "
                f"{r['merges']} | {r['splits']} | {r['pool']:,} | {rss} |"
            )
    return "\n".join(lines) + "\n"


def scale(n: int, args: argparse.Namespace, progress: Callable[[str], None]) -> dict[str, Any]:
    import newsim
    from benchmarks.bench_index_file import make_dataset

    ds = make_dataset(n, args.seed, args.cache_dir, progress)
    index = newsim.SimilarityIndex(ds.X, n_jobs=args.n_jobs)
    del ds
    gc.collect()
    rss_before = harness._proc_status_kb("VmRSS")
    reset = harness._reset_peak_rss()
    t0 = time.perf_counter()
    result = index.stories()
    first = time.perf_counter() - t0
    peak = harness._proc_status_kb("VmHWM")
    _, times = timed(lambda: index.stories(), max(args.rounds - 1, 0))
    sizes = result.sizes
    row = {
        "n": n,
        "seconds": [first, *times],
        "peak_rss_mb": None if peak is None else peak * 1024 / MB,
        "delta_rss_mb": None
        if peak is None or rss_before is None or not reset
        else (peak - rss_before) * 1024 / MB,
        "index_mb": index.nbytes / MB,
        "stories": int(sizes.shape[0]),
        "largest": int(sizes[0]),
        "in_stories_of_2_plus": int(sizes[sizes >= 2].sum()),
    }
    progress(f"scale {row}")
    return row


def render_section(data: dict[str, Any]) -> str:
    q = data["quality"]
    lines = [
        "## Stories: `index.stories()` against dense average link and pairs + components",
        "",
        data["environment"],
        "",
        f"Quality on `uci_news_stories_dev.csv` ({q['n']:,} headlines, {q['n_stories']} "
        "stories): adjusted Rand index and BCubed F1 against `STORY`. Dense and pairs rows: "
        "the best threshold of the grid on this file (tuned on the answer).",
        "",
        "| method | threshold | ARI | BCubed F1 | clusters | seconds |",
        "|---|---|---|---|---|---|",
    ]
    for r in q["rows"]:
        t = r.get("threshold", "defaults (k=20, 0.03)")
        lines.append(
            f"| {r['method']} | {t} | {r['ari']:.3f} | {r['bcubed_f1']:.3f} | {r['clusters']} | "
            f"{r['seconds']:.3f} |"
        )
    same = all(r.get("same_on_1_thread", True) for r in q["rows"])
    lines += [
        "",
        f"`stories()` labels with n_jobs=1 equal those with n_jobs={data['n_jobs']}: {same}.",
    ]
    for r in q["rows"]:
        if "grid" in r:
            cells = ", ".join(f"{g['threshold']}: {g['ari']:.3f}" for g in r["grid"])
            lines.append(f"- {r['method'].replace(', best t', '')}, ARI by threshold: {cells}")
    if data["scale"]:
        lines += [
            "",
            f"Scale: generated articles (`bench_index_file.make_dataset`), "
            f"`SimilarityIndex(X, n_jobs={data['n_jobs']}).stories()` with its defaults. "
            "ΔRSS = peak RSS during the first call minus RSS before it.",
            "",
            "| articles | seconds (each round) | peak RSS MB | ΔRSS MB | index MB | stories | "
            "largest | articles in stories of 2+ |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for s in data["scale"]:
            secs = ", ".join(f"{x:.2f}" for x in s["seconds"])
            lines.append(
                f"| {s['n']:,} | {secs} | {s['peak_rss_mb']:.0f} | {s['delta_rss_mb']:.0f} | "
                f"{s['index_mb']:.0f} | {s['stories']:,} | {s['largest']:,} | "
                f"{s['in_stories_of_2_plus']:,} |"
            )
    return "\n".join(lines) + "\n"


def build_parser() -> argparse.ArgumentParser:
    assert __doc__ is not None
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data-dir", help="folder of uci_news_stories_dev.csv ($NEWSIM_DATA_DIR)")
    p.add_argument("--dense-thresholds", type=float, nargs="+", default=list(DENSE_THRESHOLDS))
    p.add_argument("--pairs-thresholds", type=float, nargs="+", default=list(PAIRS_THRESHOLDS))
    p.add_argument("--n", type=int, nargs="*", default=[], help="generated articles (scale)")
    p.add_argument(
        "--tracker-batches",
        nargs="*",
        default=["D", "h", "100", "10"],
        help="StoryTracker batch modes: D (per UTC day), h (per UTC hour), N (every N "
        "articles), all (one batch)",
    )
    p.add_argument(
        "--tracker-n",
        type=int,
        nargs="*",
        default=[],
        help="with --only-tracker: generated articles fed to the tracker, one batch per day",
    )
    p.add_argument("--tracker-days", type=int, default=30, help="days the --tracker-n span (30)")
    p.add_argument(
        "--tracker-join-threshold",
        type=float,
        default=DEFAULT_TRACKER["join_threshold"],
        help="join_threshold of the tracker rows (0.05, the default)",
    )
    p.add_argument(
        "--tracker-merge-threshold",
        type=float,
        default=DEFAULT_TRACKER["merge_threshold"],
        help="merge_threshold of the tracker rows (0.1, the default; inf: no merges)",
    )
    p.add_argument(
        "--tracker-fitted",
        action="store_true",
        help="tracker rows with a vectorizer fitted on all headlines first (partial_fit=False)",
    )
    p.add_argument(
        "--only-tracker",
        action="store_true",
        help="run only the StoryTracker rows; write the section 'stories-tracker'",
    )
    p.add_argument("--rounds", type=int, default=3, help="timed runs of stories() (3)")
    p.add_argument("--n-jobs", type=int, default=2, help="n_jobs of every index (2)")
    p.add_argument("--seed", type=int, default=0, help="seed of the generated corpus")
    p.add_argument("--cache-dir", help="keep the generated X here (.npz) and reuse it")
    p.add_argument("--out", help="markdown file whose 'stories' section is replaced")
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

    def progress(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    for mode in args.tracker_batches:
        if mode not in ("D", "h", "all") and not (mode.isdigit() and int(mode) > 0):
            parser.error(f"--tracker-batches: {mode!r} is not D, h, all or a positive integer")
    command = harness.command_line(__file__, argv)
    if args.only_tracker:
        section = args.section if args.section != SECTION else "stories-tracker"
        tracker_data = {
            "command": command,
            "environment": harness.render_environment(PACKAGES, command),
            "tracker": tracker_rows(args, progress),
            "tracker_scale": [tracker_scale(n, args, progress) for n in args.tracker_n],
        }
        harness.publish(
            render_tracker_section(tracker_data),
            out=args.out,
            key=section,
            json_path=args.json,
            data=tracker_data,
            progress=progress,
        )
        return 0
    data: dict[str, Any] = {
        "command": command,
        "environment": harness.render_environment(PACKAGES, command),
        "n_jobs": args.n_jobs,
        "quality": quality(args, progress),
        "scale": [scale(n, args, progress) for n in args.n],
    }
    harness.publish(
        render_section(data),
        out=args.out,
        key=args.section,
        json_path=args.json,
        data=data,
        progress=progress,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
