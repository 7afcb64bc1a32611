"""Streaming fit in bounded memory: ``TfidfVectorizer().fit(generator)`` over synthetic articles.

Each size runs in a fresh subprocess that generates short articles lazily (the Heaps-law model
of ``generate.py`` with a shorter mean length) and fits on the generator, so the corpus never
exists in memory as a whole. Reported: wall time, the corpus size in MB, the vocabulary, and
the process's peak RSS above its RSS after imports (``/proc/self/status`` VmHWM; the
generator's own batch of 10,000 texts counts against newsim here).

    python benchmarks/bench_stream.py --n 100000 1000000 --out benchmarks/RESULTS.md
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate
import harness

MEAN_LENGTH = 60.0  # words: agency items and teasers rather than features


def _rss_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{key} not in /proc/self/status")


def child(n_docs: int) -> dict[str, float]:
    """Fit on a generator of ``n_docs`` articles; return figures (run in a fresh process)."""
    import newsim

    model = dataclasses.replace(generate.DEFAULT_MODEL, mean_length=MEAN_LENGTH)
    chars = 0

    def articles() -> Iterator[str]:
        nonlocal chars
        for batch in generate.iter_batches(n_docs, batch_size=10_000, model=model):
            for text in batch:
                chars += len(text)
                yield text

    stop_words = generate.function_words(model)
    # Single words: the generator draws words independently (its pairs mean nothing).
    vec = newsim.TfidfVectorizer(language=None, stop_words=stop_words, min_df=2, ngram_range=(1, 1))
    base = _rss_mb("VmRSS")
    t0 = time.perf_counter()
    vec.fit(articles())
    seconds = time.perf_counter() - t0
    return {
        "n_docs": n_docs,
        "seconds": seconds,
        "text_mb": chars / 1e6,
        "vocabulary": len(vec.vocabulary_),
        "base_rss_mb": base,
        "peak_rss_mb": _rss_mb("VmHWM"),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--out", help="RESULTS.md to update")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(child(args.child)))
        return 0
    rows = []
    for n in args.n:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(n)],
            check=True,
            capture_output=True,
            text=True,
        )
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(rows[-1], file=sys.stderr)
    lines = [
        "## Streaming fit in bounded memory",
        "",
        harness.render_environment(
            ["newsim", "numpy"], harness.command_line(__file__, argv or sys.argv[1:])
        ),
        "",
        f"`TfidfVectorizer(language=None, stop_words=<the generator's function words>, min_df=2, "
        "ngram_range=(1, 1))"
        f".fit(generator)` over synthetic articles (mean {MEAN_LENGTH:.0f} words; "
        "`benchmarks/generate.py`), generated lazily in batches of 10,000 and read by newsim in "
        "chunks of at most 20,000 documents or 32 M characters. Peak RSS is the process's "
        "VmHWM minus its RSS after imports.",
        "",
        "| articles | text | time (generating + fitting) | vocabulary (min_df=2) "
        "| peak RSS above baseline |",
        "|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['n_docs']:,} | {r['text_mb']:.0f} MB | {r['seconds']:.1f} s | "
            f"{r['vocabulary']:,} | {r['peak_rss_mb'] - r['base_rss_mb']:.0f} MB |"
        )
    section = "\n".join(lines)
    harness.publish(
        section, out=args.out, key="stream", json_path=None, data={"rows": rows}, progress=print
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
