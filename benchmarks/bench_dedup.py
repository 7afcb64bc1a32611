"""Benchmark: ``newsim.dedup()`` on planted near-copies and on real headlines.

Usage (from the repo root)::

    python benchmarks/bench_dedup.py --n 5000 20000
    python benchmarks/bench_dedup.py --n 20000 --shingle 5 --threshold 0.8

**Generated articles** (``--n``): ``generate.generate(n, seed)`` plants near-copies (3 % of
the articles rewrite an earlier one of their block, each word redrawn with probability
U(0.02, 0.3)) whose originals are known. For each setting: the planted copies found with
their planted original as origin, the articles dropped that were not planted copies, the
candidate pairs, and the seconds of the TF-IDF index (``TfidfVectorizer().index``), of its
``pairs(candidates)`` alone, and of ``dedup(texts, index=...)`` (pairs + containment).

**UCI headlines** (``uci_news_stories_dev.csv``, ``$NEWSIM_DATA_DIR``): ``dedup`` of the
3,259 headlines with their timestamps and publishers; how many are dropped, and how many of
those have their origin in the same ``STORY`` (the file's labels), a floor of precision.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import newsim
from benchmarks import corpora
from benchmarks import generate as gen


def planted_origins(n: int, seed: int) -> np.ndarray:
    """Each generated article's planted original (its own row for originals)."""
    origin = np.arange(n)
    for block in range(-(-n // gen.BLOCK)):
        docs = gen._block_docs(np.random.default_rng([seed, block]), gen.DEFAULT_MODEL)
        rows = docs.dup_docs + block * gen.BLOCK
        keep = rows < n
        origin[rows[keep]] = docs.src_docs[keep] + block * gen.BLOCK
    return origin


def generated(n: int, args: argparse.Namespace) -> None:
    texts = gen.generate(n, seed=args.seed)
    truth = planted_origins(n, args.seed)
    rows = np.arange(n)
    planted = np.flatnonzero(truth != rows)
    t0 = time.perf_counter()
    index = newsim.TfidfVectorizer(progress=False).index(texts)
    t1 = time.perf_counter()
    index.pairs(args.candidates, progress=False)
    t2 = time.perf_counter()
    found = newsim.dedup(
        texts,
        index=index,
        shingle=args.shingle,
        threshold=args.threshold,
        candidates=args.candidates,
    )
    t3 = time.perf_counter()
    got = found.origin_rows
    right = int(np.count_nonzero(got[planted] == truth[planted]))
    wrong = int(np.count_nonzero((got != rows) & (truth == rows)))
    print(
        f"| {n:,} | {args.shingle} | {args.threshold} | {args.candidates} | {planted.size} | "
        f"{right} | {wrong} | {found.n_candidates} | {t1 - t0:.1f} | {t2 - t1:.2f} | "
        f"{t3 - t2:.2f} |"
    )


def uci(args: argparse.Namespace) -> None:
    corpus = corpora.load_uci_stories(args.data_dir)
    import pandas as pd

    dates = pd.to_datetime(np.asarray(corpus.timestamps_ms), unit="ms", utc=True)
    t0 = time.perf_counter()
    found = newsim.dedup(
        corpus.titles,
        dates=dates,
        sources=corpus.publishers,
        shingle=args.shingle,
        threshold=args.threshold,
        candidates=args.candidates,
    )
    seconds = time.perf_counter() - t0
    story = np.asarray(corpus.stories)
    dropped = np.flatnonzero(found.origin_rows != np.arange(len(corpus.titles)))
    same = int(np.count_nonzero(story[dropped] == story[found.origin_rows[dropped]]))
    exact = int(len(corpus.titles) - len(set(t.casefold() for t in corpus.titles)))
    print(
        f"UCI headlines: {len(corpus.titles):,}, dropped {dropped.size} (origin in the same "
        f"story: {same}), groups {len(found.groups())}, candidate pairs {found.n_candidates}, "
        f"case-insensitive exact repeats {exact}; {seconds:.2f} s (shingle={args.shingle}, "
        f"threshold={args.threshold}, candidates={args.candidates})"
    )


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, nargs="*", default=[5000], help="generated articles")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--shingle", type=int, default=5)
    p.add_argument("--threshold", type=float, default=0.8)
    p.add_argument("--candidates", type=float, default=0.5)
    p.add_argument("--data-dir", help="folder of uci_news_stories_dev.csv ($NEWSIM_DATA_DIR)")
    p.add_argument("--no-uci", action="store_true", help="skip the UCI headlines")
    args = p.parse_args(argv)
    if args.n:
        print(
            "| articles | shingle | threshold | candidates | planted | found, right origin | "
            "wrongly dropped | candidate pairs | index s | pairs s | dedup s |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for n in args.n:
            generated(n, args)
    if not args.no_uci:
        uci(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
