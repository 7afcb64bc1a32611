"""How much of a contender's time is first-touch memory: each call after a pause, then again
right after it.

On a virtual machine whose host takes back the guest's free memory a few seconds after it is
freed (virtio-balloon free page reporting), memory a process touches for the first time costs
far more after a pause than right after another call freed memory.  This script measures that
effect per contender on the all-pairs top-k task of ``bench_similarity`` (same corpus, same
contender factories): per round and contender, ``--pause`` seconds of sleep, one timed call
("after a pause"), and one more timed call at once ("right after the same call").  The
wall-clock and the kernel (system) CPU seconds of each call are reported, medians over rounds.
A first row times the plain effect: a fresh 80 MB numpy array filled once.
It explains the ``--settle`` pause of ``bench_similarity`` (see ``harness``).

Usage::

    python benchmarks/memory_state.py --n 10000 --rounds 3 --pause 15 \\
        --out benchmarks/RESULTS.md --section memory-state
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Callable

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_similarity as bs
from benchmarks import harness

SECTION = "memory-state"
FRESH_MB = 80  # the plain first-touch probe: a fresh array of this many MB, filled once


def timed(run: Callable[[Any], Any], X: Any) -> tuple[float, float]:
    """Wall-clock and system CPU seconds of one call ``run(X)`` (its result dropped)."""
    gc.collect()
    c0 = os.times()
    t0 = time.perf_counter()
    out = run(X)
    wall = time.perf_counter() - t0
    c1 = os.times()
    del out
    return wall, c1.system - c0.system


def fill_fresh(X: Any) -> Any:
    """The probe: a new array of FRESH_MB MB (10^6 bytes), every page touched once."""
    return np.ones(FRESH_MB * 1_000_000 // 8)


def contenders(k: int, with_newsim: bool) -> list[tuple[str, Callable[[Any], Any]]]:
    """The probe, the anchor, sparse_dot_topn with one thread, newsim's top-k (1 and 2 threads)."""
    out = [
        (f"numpy: a fresh {FRESH_MB} MB array filled once (`np.ones`)", fill_fresh),
        (bs.ANCHOR, bs.make_anchor(k)),
        ("sparse_dot_topn n_threads=1", bs.make_sdtn(k, 1)),
    ]
    if with_newsim:
        out += [
            ("newsim top_k n_jobs=1", bs.make_newsim(k, 1)),
            ("newsim top_k n_jobs=2", bs.make_newsim(k, 2)),
        ]
    return out


def measure(
    X: Any,
    runs: Sequence[tuple[str, Callable[[Any], Any]]],
    rounds: int,
    pause: float,
    progress: Callable[[str], None],
) -> dict[str, dict[str, list[tuple[float, float]]]]:
    """Per contender: the (wall, sys) pairs of its calls after a pause and right after."""
    res: dict[str, dict[str, list[tuple[float, float]]]] = {
        name: {"pause": [], "again": []} for name, _ in runs
    }
    for _, run in runs:  # warm-up: imports, lazy initialisation
        timed(run, X)
    for r in range(rounds):
        for name, run in runs:
            time.sleep(pause)
            first = timed(run, X)
            again = timed(run, X)
            res[name]["pause"].append(first)
            res[name]["again"].append(again)
            progress(
                f"round {r + 1}/{rounds}: {name}: after a pause {first[0]:.3f} s "
                f"(sys {first[1]:.2f}), right after {again[0]:.3f} s (sys {again[1]:.2f})"
            )
    return res


def render(
    res: dict[str, dict[str, list[tuple[float, float]]]], command: str, desc: str, pause: float
) -> str:
    """The markdown section."""

    def cell(xs: list[tuple[float, float]]) -> str:
        wall = statistics.median(w for w, _ in xs)
        sys_s = statistics.median(s for _, s in xs)
        return f"{wall:.3f} s (sys {sys_s:.2f} s)"

    lines = [
        "## First-touch memory: each call after a pause and right after the same call",
        "",
        harness.render_environment(bs.PACKAGES, command),
        "",
        f"Corpus: {desc}.",
        "",
        f"| contender | after a {pause:g} s pause | right after the same call | ratio |",
        "|---|---|---|---|",
    ]
    for name, d in res.items():
        ratio = statistics.median(a[0] / b[0] for a, b in zip(d["pause"], d["again"]))
        lines.append(f"| {name} | {cell(d['pause'])} | {cell(d['again'])} | {ratio:.2f} |")
    lines += [
        "",
        "Medians over rounds of wall-clock seconds and, in brackets, of the kernel (system) CPU",
        "seconds of the calling process; ratio = median over rounds of (after a pause / right",
        "after). Per round and contender: sleep, one call, one more call at once; the contenders",
        "and their calls are those of `bench_similarity.py`'s top-k task. System time that",
        "grows after a pause is the host backing memory it took back while the guest had it",
        "free: that is what `bench_similarity.py --settle` makes every contender pay alike.",
    ]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=10_000, help="documents (10kGNAD copies)")
    p.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    p.add_argument("--pause", type=float, default=15.0, help="seconds of pause (default 15)")
    p.add_argument("--k", type=int, default=bs.K, help="neighbours per document (default 10)")
    p.add_argument("--no-newsim", action="store_true", help="the other contenders only")
    p.add_argument("--out", help="markdown file whose section is replaced")
    p.add_argument("--section", default=SECTION, help="marker name of the results section")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the measurement; return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    if args.rounds < 1 or not args.pause >= 0:
        raise SystemExit("--rounds must be >= 1 and --pause >= 0")

    def progress(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    with_newsim, why = bs.newsim_status()
    if not with_newsim:
        progress(why)
    ds = bs.build_dataset(args.n)
    progress(ds.desc)
    res = measure(ds.X, contenders(args.k, with_newsim), args.rounds, args.pause, progress)
    section = render(res, harness.command_line(__file__, argv), ds.desc, args.pause)
    print(section)
    if args.out:
        harness.update_section(args.out, args.section, section)
        progress(f"wrote section '{args.section}' of {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
