"""Same-run A/B of two newsim builds: vectorize and top-k, old against new, alternating.

Usage (from the repo root; each interpreter has its own newsim installed)::

    python benchmarks/ab_versions.py --old /work/ab-venvs/old/bin/python \\
        --new /work/ab-venvs/new/bin/python --old-label "main 0bd38d2" \\
        --new-label "ab 1234abc" --rounds 7 --out benchmarks/RESULTS.md

Workloads (``--only SUBSTRING`` keeps those whose name contains it; repeatable), each at
``n_jobs`` 1 and 2, on 10kGNAD x ``--copies`` (default 10: 10,280 docs, the "10k" of the
vectorize and similarity sections):

* ``vectorize unigrams``: ``TfidfVectorizer(ngram_range=(1, 1), decompound=False)``;
* ``vectorize defaults``: ``TfidfVectorizer()`` (German, (1, 2)-grams, compound splitting);
* ``top-k``: ``SimilarityIndex(X, n_jobs=...).top_k(10)`` (index build + top-k) on the
  defaults' matrix ``X``, which the child computes first with its own build (not timed).

Every measurement is a fresh ``python -I`` subprocess of one build (``-I``: ``PYTHONPATH``
and the working directory cannot shadow the installed newsim): it loads the corpus, runs
the workload once untimed and then once timed, back to back.  Round r runs every workload
old then new (even r) or new then old (odd r).  Reported per workload: each build's median
and min-max, the ratio of medians new/old (< 1: new is faster), the median and min-max of
the per-round ratios, and the median CPU seconds (``time.process_time``: less sensitive to
other processes than the wall time; the 1-minute load average is reported too).  Each run's
output fingerprint (matrix: shape, nnz, sum of the data, hash of ``indptr``; top-k: shape and
hash of ``ids``, sum of the scores) must be the same on both sides; a mismatch is printed
loudly, the timings still are, and the exit status is 1.  ``--out`` replaces only the section
between ``<!-- ab:begin -->`` and ``<!-- ab:end -->`` (``--section`` renames it).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import hashlib
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import corpora, harness

SECTION = "ab"
SIDES = ("old", "new")
K = 10
REL_TOL = 1e-6  # sums of float32 data may differ in the last bits between two builds
_RESULT = "AB-RESULT "  # prefix of the child's result line on stdout

# The child: an interpreter of one build, isolated (-I), with the repo root (not python/) on
# its path, so that `benchmarks` imports from here and `newsim` from the build's site-packages.
_CHILD = r"""
import json, sys
args = json.loads(sys.argv[1])
sys.path.insert(0, args["root"])
from benchmarks.ab_versions import child_main
child_main(args)
"""


@dataclass(frozen=True)
class Workload:
    """One timed call: ``kind`` is "vectorize" (``params`` of the vectorizer) or "top-k"."""

    name: str
    kind: str
    n_jobs: int
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON form, for the child."""
        return {"name": self.name, "kind": self.kind, "n_jobs": self.n_jobs, "params": self.params}


def all_workloads() -> list[Workload]:
    """The six workloads of issue 17's A/B, in the order they run within a round."""
    out: list[Workload] = []
    for jobs in (1, 2):
        out.append(
            Workload(
                f"vectorize unigrams n_jobs={jobs}",
                "vectorize",
                jobs,
                {"ngram_range": [1, 1], "decompound": False},
            )
        )
    for jobs in (1, 2):
        out.append(Workload(f"vectorize defaults n_jobs={jobs}", "vectorize", jobs))
    for jobs in (1, 2):
        out.append(Workload(f"top-k n_jobs={jobs}", "top-k", jobs))
    return out


def select(workloads: Sequence[Workload], only: Sequence[str]) -> list[Workload]:
    """The workloads whose name contains one of ``only`` (all if ``only`` is empty)."""
    return [w for w in workloads if not only or any(s in w.name for s in only)]


def schedule(names: Sequence[str], rounds: int) -> list[tuple[int, str, str]]:
    """The runs in order: (round, workload, side); old first in even rounds, new in odd."""
    order: list[tuple[int, str, str]] = []
    for r in range(rounds):
        sides = SIDES if r % 2 == 0 else SIDES[::-1]
        order.extend((r, name, side) for name in names for side in sides)
    return order


# --------------------------------------------------------------------------------------
# the child (runs under the build's interpreter)


def _digest(array: Any) -> str:
    import numpy as np

    return hashlib.sha256(np.ascontiguousarray(array, dtype=np.int64).tobytes()).hexdigest()[:16]


def matrix_fingerprint(X: Any) -> dict[str, Any]:
    """Shape, nnz, sum of the data and a hash of ``indptr`` (the row lengths) of a CSR matrix."""
    import numpy as np

    return {
        "shape": list(X.shape),
        "nnz": int(X.nnz),
        "sum": float(np.sum(X.data, dtype=np.float64)),
        "indptr": _digest(X.indptr),
    }


def topk_fingerprint(result: Any) -> dict[str, Any]:
    """Shape and hash of the ids, sum of the scores of a ``top_k`` result."""
    import numpy as np

    ids, scores = result
    return {
        "shape": list(ids.shape),
        "ids": _digest(ids),
        "sum": float(np.sum(scores, dtype=np.float64)),
    }


def _build_info() -> dict[str, str]:
    import numpy
    import scipy

    import newsim

    return {
        "python": f"{sys.version.split()[0]} ({sys.executable})",
        "newsim": f"{newsim.__version__} ({Path(newsim.__file__).parent})",
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
    }


def child_main(args: dict[str, Any]) -> None:
    """Run one workload warm (untimed call, then the timed one) and print the result line."""
    from benchmarks import bench_similarity, bench_vectorize

    w = args["workload"]
    texts = corpora.scaled(corpora.load(args["corpus"]).texts, args["copies"], seed=args["seed"])
    data: Any = texts
    extra: dict[str, Any] = {}
    if w["kind"] == "vectorize":
        run = bench_vectorize.make_newsim("TfidfVectorizer", n_jobs=w["n_jobs"], **w["params"])
        fingerprint = matrix_fingerprint
    else:
        data = bench_vectorize.make_newsim("TfidfVectorizer", n_jobs=2)(texts)
        extra["X"] = matrix_fingerprint(data)
        run = bench_similarity.make_newsim(k=args["k"], n_jobs=w["n_jobs"])
        fingerprint = topk_fingerprint
    run(data)  # warm-up, as a user's first call
    gc.collect()
    load = os.getloadavg()[0]
    c0, t0 = time.process_time(), time.perf_counter()
    out = run(data)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    result = {
        "seconds": seconds,
        "cpu": cpu,
        "load": load,
        "fingerprint": {**fingerprint(out), **extra},
        "build": _build_info(),
    }
    print(_RESULT + json.dumps(result), flush=True)


# --------------------------------------------------------------------------------------
# the parent


def run_child(
    python: str, workload: Workload, args: argparse.Namespace, timeout: float
) -> dict[str, Any]:
    """Run ``workload`` in a fresh ``python -I`` subprocess; the child's result or an error."""
    root = str(Path(__file__).resolve().parent.parent)
    payload = {
        "root": root,
        "workload": workload.as_dict(),
        "corpus": args.corpus,
        "copies": args.copies,
        "seed": args.seed,
        "k": K,
    }
    try:
        proc = subprocess.run(
            [python, "-I", "-c", _CHILD, json.dumps(payload)],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            cwd=root,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {"error": harness._short_error(exc)}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(_RESULT):
            data: dict[str, Any] = json.loads(line[len(_RESULT) :])
            return data
    tail = " | ".join(proc.stderr.strip().splitlines()[-3:])
    return {"error": f"exit {proc.returncode}: {tail}"}


def fingerprints_match(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal fingerprints: the same keys, floats equal to ``REL_TOL``, the rest exactly."""
    if a.keys() != b.keys():
        return False
    for key, x in a.items():
        y = b[key]
        if isinstance(x, dict) and isinstance(y, dict):
            if not fingerprints_match(x, y):
                return False
        elif isinstance(x, float) and isinstance(y, float):
            if not math.isclose(x, y, rel_tol=REL_TOL, abs_tol=1e-12):
                return False
        elif x != y:
            return False
    return True


def _fp_text(fp: dict[str, Any]) -> str:
    shape = "x".join(str(n) for n in fp["shape"])
    rest = ", ".join(
        f"{k} {v:.7g}" if isinstance(v, float) else f"{k} {v}"
        for k, v in fp.items()
        if k not in ("shape", "X")
    )
    return f"{shape}, {rest}"


@dataclass
class Row:
    """One workload's measurements by side and round: wall and CPU seconds, fingerprints, the
    1-minute load average before each timed call; errors by side."""

    name: str
    times: dict[str, dict[int, float]] = field(default_factory=lambda: {s: {} for s in SIDES})
    cpu: dict[str, dict[int, float]] = field(default_factory=lambda: {s: {} for s in SIDES})
    loads: list[float] = field(default_factory=list)
    fingerprints: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {s: [] for s in SIDES}
    )
    errors: dict[str, str] = field(default_factory=dict)

    def add(self, side: str, r: int, result: dict[str, Any]) -> None:
        """Record one child's result (or its error)."""
        if "error" in result:
            self.errors[side] = result["error"]
            return
        self.times[side][r] = float(result["seconds"])
        self.cpu[side][r] = float(result["cpu"])
        self.loads.append(float(result["load"]))
        self.fingerprints[side].append(result["fingerprint"])

    def median(self, side: str, cpu: bool = False) -> float | None:
        """Median wall (or CPU) seconds of ``side``."""
        t = list((self.cpu if cpu else self.times)[side].values())
        return statistics.median(t) if t else None

    def span(self, side: str) -> tuple[float, float] | None:
        """Fastest and slowest round of ``side``."""
        t = list(self.times[side].values())
        return (min(t), max(t)) if t else None

    def ratio(self, cpu: bool = False) -> float | None:
        """Ratio of the wall (or CPU) medians, new / old (< 1: new is faster)."""
        old, new = self.median("old", cpu), self.median("new", cpu)
        return new / old if old and new is not None else None

    @property
    def round_ratios(self) -> list[float]:
        """new / old of each round where both sides ran."""
        old, new = self.times["old"], self.times["new"]
        return [new[r] / old[r] for r in sorted(old) if r in new and old[r] > 0]

    @property
    def mismatch(self) -> bool:
        """True when a fingerprint differs from old's first one."""
        fps = self.fingerprints["old"] + self.fingerprints["new"]
        return any(not fingerprints_match(fps[0], fp) for fp in fps[1:])

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly summary."""
        derived = {"ratio_of_medians": self.ratio(), "cpu_ratio_of_medians": self.ratio(True)}
        return {**dataclasses.asdict(self), **derived, "round_ratios": self.round_ratios}

    def check(self) -> str:
        """What the fingerprints say, for the table."""
        old, new = self.fingerprints["old"], self.fingerprints["new"]
        if not old or not new:
            return "not compared (a side has no result)"
        if self.mismatch:
            return f"**MISMATCH**: old {_fp_text(old[0])}; new {_fp_text(new[0])}"
        return f"same on both: {_fp_text(old[0])}"


def _span_text(row: Row, side: str) -> str:
    span = row.span(side)
    if span is None:
        return "-"
    lo, hi = (harness._fmt_seconds(t) for t in span)
    return f"{harness._fmt_seconds(row.median(side))} ({lo}-{hi})"


def _cpu_text(row: Row) -> str:
    old, new, ratio = row.median("old", True), row.median("new", True), row.ratio(True)
    if old is None or new is None:
        return "-"
    return (
        f"{harness._fmt_seconds(old)} → {harness._fmt_seconds(new)} ({harness._fmt(ratio, '.3f')})"
    )


def render_table(rows: Sequence[Row]) -> str:
    """Markdown table: medians (min-max), ratios new/old, CPU seconds, fingerprint check."""
    header = (
        "| workload | old median s (min-max) | new median s (min-max) | new/old: ratio of medians "
        "| new/old per round: median (min-max) | CPU s median: old → new (new/old) | result |"
    )
    lines = [header, "|" + "---|" * header.count(" | ") + "---|"]
    for row in rows:
        rr = row.round_ratios
        per_round = f"{statistics.median(rr):.3f} ({min(rr):.3f}-{max(rr):.3f})" if rr else "-"
        notes = [row.check(), *(f"ERROR ({s}): {e}" for s, e in row.errors.items())]
        cells = [
            row.name,
            _span_text(row, "old"),
            _span_text(row, "new"),
            harness._fmt(row.ratio(), ".3f"),
            per_round,
            _cpu_text(row),
            "; ".join(notes),
        ]
        lines.append("| " + " | ".join(harness._cell(c) for c in cells) + " |")
    return "\n".join(lines)


METHOD = """\
Method: every measurement is a fresh `python -I` subprocess of one build, which loads the corpus,
makes one untimed call of the workload and then times one more call with `time.perf_counter`,
right after it: both sides are warm and back to back, as a user runs calls one after another
(no pause before the timed call; this machine's memory costs more to touch after a pause, see
the harness docstring, and the same holds for both sides here). Round r runs each workload old
then new (even r) or new then old (odd r), so neither build always goes first. Ratio = new
seconds / old seconds (< 1: new is faster): "ratio of medians" divides the medians, "per
round" is each round's new / old. CPU s = `time.process_time` of the timed call (all threads
of the process): unlike the wall time it does not count waiting for a core, so when other
processes load the machine (see the load average) a wall-time ratio that the CPU ratio does not
confirm is likely noise. Result = fingerprint of every run's output (matrix: shape,
nnz, sum of the data, hash of `indptr`; top-k: shape, hash of `ids`, sum of the scores),
compared between all runs of both builds (sums to a relative 1e-6). For top-k the child first
computes the defaults' matrix with its own build (`TfidfVectorizer(n_jobs=2)`, untimed); the
time is `SimilarityIndex(X, n_jobs=...)` + `top_k(10)`."""


def _load_text(rows: Sequence[Row]) -> str:
    loads = [x for row in rows for x in row.loads]
    if not loads:
        return "-"
    return f"{min(loads):.2f}-{max(loads):.2f}, median {statistics.median(loads):.2f}"


def render_section(
    rows: Sequence[Row],
    *,
    command: str,
    labels: dict[str, str],
    builds: dict[str, dict[str, str]],
    corpus_desc: str,
    rounds: int,
) -> str:
    """The markdown of the results section."""
    parts = [
        "## A/B: two newsim builds in the same run",
        "",
        harness.render_environment((), command),
    ]
    for side in SIDES:
        info = builds.get(side, {})
        desc = ", ".join(f"{k} {v}" for k, v in info.items()) or "no successful run"
        parts.append(f"- {side}: **{labels[side]}**: {desc}")
    parts += [
        f"- corpus: {corpus_desc}",
        f"- rounds: {rounds}, each workload warm (1 untimed + 1 timed call per subprocess)",
        f"- 1-minute load average before the timed calls: {_load_text(rows)} "
        f"(on {os.cpu_count()} logical cores)",
        "",
        render_table(rows),
        "",
    ]
    bad = [r.name for r in rows if r.mismatch]
    if bad:
        parts += [f"**RESULT MISMATCH between the builds: {', '.join(bad)}**", ""]
    parts.append(METHOD)
    return "\n".join(parts)


def build_parser() -> argparse.ArgumentParser:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--old", required=True, metavar="PYTHON", help="interpreter of the old build")
    p.add_argument("--new", required=True, metavar="PYTHON", help="interpreter of the new build")
    p.add_argument("--old-label", default="old", help="e.g. 'main 0bd38d2' (branch, commit)")
    p.add_argument("--new-label", default="new", help="e.g. 'ab 1234abc'")
    p.add_argument("--rounds", type=int, default=7, help="rounds (default 7)")
    p.add_argument("--corpus", choices=sorted(corpora.LOADERS), default="10kgnad")
    p.add_argument("--copies", type=int, default=10, help="corpus repetitions (default 10)")
    p.add_argument("--seed", type=int, default=0, help="seed of the per-copy word changes")
    p.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="SUBSTRING",
        help="run only the workloads whose name contains SUBSTRING (repeatable)",
    )
    p.add_argument("--timeout", type=float, default=900.0, help="seconds per subprocess")
    p.add_argument("--out", help="markdown file whose section is replaced")
    p.add_argument("--section", default=SECTION, help="marker name of the results section")
    p.add_argument("--json", help="also write the raw measurements to this JSON file")
    return p


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse and check ``argv``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be >= 1")
    if args.copies < 1:
        parser.error("--copies must be >= 1")
    if not select(all_workloads(), args.only):
        parser.error(f"--only {args.only} matches no workload")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the A/B; return 1 on a result mismatch or a failed run, else 0."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    pythons = {"old": args.old, "new": args.new}
    labels = {"old": args.old_label, "new": args.new_label}

    def progress(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    t_start = time.perf_counter()
    base = corpora.load(args.corpus)
    n_docs = len(base) * args.copies
    n_bytes = corpora.corpus_bytes(corpora.scaled(base.texts, args.copies, seed=args.seed))
    corpus_desc = (
        f"{base.name} ({len(base)} docs) x {args.copies} (`corpora.scaled`, seed {args.seed}) "
        f"= {n_docs} docs, {n_bytes / harness.MB:.2f} MB UTF-8"
    )
    progress(f"corpus: {corpus_desc}")
    workloads = {w.name: w for w in select(all_workloads(), args.only)}
    rows = {name: Row(name) for name in workloads}
    builds: dict[str, dict[str, str]] = {}
    for r, name, side in schedule(list(workloads), args.rounds):
        result = run_child(pythons[side], workloads[name], args, args.timeout)
        rows[name].add(side, r, result)
        if "error" in result:
            progress(f"round {r + 1}/{args.rounds} {side} {name}: ERROR {result['error']}")
            continue
        builds.setdefault(side, result["build"])
        progress(f"round {r + 1}/{args.rounds} {side} {name}: {result['seconds']:.3f} s")

    for row in rows.values():
        if row.mismatch:
            progress(f"!!! RESULT MISMATCH in {row.name}: {row.check()}")
    command = harness.command_line(__file__, argv)
    section = render_section(
        list(rows.values()),
        command=command,
        labels=labels,
        builds=builds,
        corpus_desc=corpus_desc,
        rounds=args.rounds,
    )
    data = {
        "command": command,
        "corpus": corpus_desc,
        "labels": labels,
        "builds": builds,
        "rows": [row.as_dict() for row in rows.values()],
    }
    harness.publish(
        section, out=args.out, key=args.section, json_path=args.json, data=data, progress=progress
    )
    progress(f"total {time.perf_counter() - t_start:.1f} s")
    failed = any(row.mismatch or row.errors for row in rows.values())
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
