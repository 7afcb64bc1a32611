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
  ``connected_components``, for every ``t`` of ``--pairs-thresholds``; best ``t`` reported.

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
    return out


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

    command = harness.command_line(__file__, argv)
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
