"""Benchmark: an archive whose weights keep up (``newsim.Archive.add``) against a refit.

Usage (from the repo root)::

    python benchmarks/bench_archive_growth.py --corpus gnad bbc generated:100000 \\
        --adds 8 --step 25 --generated-step 1000 --out benchmarks/RESULTS.md
    python benchmarks/bench_archive_growth.py --corpus bbc --adds 2 --step 20   # smoke

What it measures, per corpus (the shared 10kGNAD and BBC files, read from ``NEWSIM_DATA_DIR``
or ``../shared/data``; ``generated:N``: ``benchmarks/generate.py`` articles), the articles in
a random order (``--seed``), the default ``TfidfVectorizer()``, string ids:

1. ``Archive.build`` on all but the last ``adds x step`` articles, for each ``tolerance``
   (0.1, the default; 0, exact; ``None``, the idf of the fit), each its own archive;
2. ``--adds`` calls of ``archive.add(step articles)`` in a row on each: the time of each call
   (``partial_fit``, weighting the new rows, re-weighting what drifted) and how many of the
   older rows it re-weighted;
3. the anchor users have without an archive, run in the same process after the adds: a
   **refit** over every article (``TfidfVectorizer().fit_transform``) and a fresh
   ``SimilarityIndex`` of it (``--rounds`` times), the exact result each add could give;
4. checks against that refit: the largest weight difference, whether each archive's rows
   hold the same terms, and how many of ``--queries`` articles' 10 nearest neighbours
   (``query`` of their own text) are the same.

Warm calls one after another (no pause), ``gc.collect()`` before each; medians with min-max.
``--out`` replaces the section between ``<!-- archive-growth:begin -->`` and
``<!-- archive-growth:end -->``; ``--json`` keeps every raw figure.
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
from typing import Any

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import generate, harness  # noqa: E402

K = 10
TOLERANCES: tuple[float | None, ...] = (0.1, 0.0, None)


def load_texts(spec: str, seed: int) -> tuple[str, list[str]]:
    """The corpus's texts in a random order, and its description."""
    import newsim

    if spec.startswith("generated:"):
        n = int(spec.split(":", 1)[1])
        texts = generate.generate(n, seed=seed)
        desc = f"{n:,} generated articles (benchmarks/generate.py, seed {seed})"
    else:
        corpus = newsim.datasets.load_10kgnad() if spec == "gnad" else newsim.datasets.load_bbc()
        texts = list(corpus.texts)
        desc = f"{corpus.name} ({len(texts):,} articles)"
    order = np.random.default_rng(seed).permutation(len(texts))
    return desc, [texts[i] for i in order]


def label(tolerance: float | None) -> str:
    return "none (idf of the fit)" if tolerance is None else f"{tolerance:g}"


def rows_in_vocabulary_order(archive: Any) -> sp.csr_matrix:
    """The archive's rows, float64, with the vectorizer's columns (as the refit's)."""
    state = archive.index._compacted()
    data, indices, indptr = state.main.csr_rows()
    n_cols = len(archive.vectorizer.get_feature_names_out())
    if archive._columns is None:
        cols = np.asarray(indices)
    else:
        where = archive._vocab_to_columns()
        back = np.full(archive.index.n_features, -1, dtype=np.int64)
        back[where[where >= 0]] = np.flatnonzero(where >= 0)
        cols = back[indices]
    return sp.csr_matrix(
        (np.asarray(data, dtype=np.float64), cols, np.asarray(indptr).copy()),
        shape=(archive.index.n_articles, n_cols),
    )


def measure(spec: str, args: argparse.Namespace, progress: Any) -> dict[str, Any]:
    import newsim

    desc, texts = load_texts(spec, args.seed)
    step = args.generated_step if spec.startswith("generated:") else args.step
    n = len(texts)
    base = n - args.adds * step
    if base < step:
        raise SystemExit(f"{spec}: {n} articles are too few for {args.adds} adds of {step}")
    ids = [f"a{i:07d}" for i in range(n)]
    res: dict[str, Any] = {"corpus": spec, "desc": desc, "n": n, "base": base, "step": step}
    runs: dict[str, Any] = {}
    archives: dict[str, Any] = {}
    warm = newsim.Archive.build(texts[: 2 * step], ids=ids[: 2 * step])  # imports, caches
    warm.add(texts[2 * step : 3 * step], ids=ids[2 * step : 3 * step])
    del warm
    for tolerance in TOLERANCES:
        gc.collect()
        t0 = time.perf_counter()
        archive = newsim.Archive.build(texts[:base], ids=ids[:base], tolerance=tolerance)
        build_s = time.perf_counter() - t0
        times, reweighted, full = [], [], 0
        for b in range(base, n, step):
            before = archive.index
            old_versions = archive._version.copy()
            gc.collect()
            t0 = time.perf_counter()
            archive.add(texts[b : b + step], ids=ids[b : b + step])
            times.append(time.perf_counter() - t0)
            if tolerance is None:
                reweighted.append(0)
            elif archive.index is not before:
                full += 1
                reweighted.append(len(old_versions))
            else:  # the rows weighted at this add's version, beyond the added ones
                current = len(archive._idfs) - 1
                reweighted.append(int(np.sum(archive._version == current)) - step)
        key = label(tolerance)
        runs[key] = {
            "build_s": build_s,
            "add_s": times,
            "reweighted_rows": reweighted,
            "full_reweights": full,
            "staleness": archive.staleness(),
        }
        archives[key] = archive
        progress(
            f"{spec} tolerance {key}: build {build_s:.2f} s; add median "
            f"{statistics.median(times):.3f} s; re-weighted {reweighted} ({full} full)"
        )
    # the anchor: a refit over everything, then a fresh index
    refit: list[float] = []
    fresh_vec, X = None, None
    for _ in range(args.rounds):
        gc.collect()
        t0 = time.perf_counter()
        fresh_vec = newsim.TfidfVectorizer()
        X = fresh_vec.fit_transform(texts)
        index = newsim.SimilarityIndex(X, ids=ids)
        refit.append(time.perf_counter() - t0)
        del index
    assert fresh_vec is not None and X is not None
    res["refit_s"] = refit
    progress(f"{spec} refit + index: median {statistics.median(refit):.2f} s")
    # checks against the refit
    rng = np.random.default_rng([args.seed, 1])
    probe = rng.choice(n, size=min(args.queries, n), replace=False)
    fresh_index = newsim.SimilarityIndex(X, ids=ids)
    expected = fresh_index.query(X[probe], k=K).ids
    for key, archive in archives.items():
        order = np.asarray([int(i[1:]) for i in archive.index.ids_])
        ref = X[order].astype(np.float64)
        got = rows_in_vocabulary_order(archive)
        same_vocab = got.shape == ref.shape
        found = archive.query([texts[i] for i in probe], k=K).ids
        overlap = [len(set(a) & set(b)) / K for a, b in zip(found.tolist(), expected.tolist())]
        runs[key]["check"] = {
            "same_vocabulary": bool(same_vocab),
            "same_terms": bool(same_vocab and ((got != 0) != (ref != 0)).nnz == 0),
            "max_abs_diff": float(abs(got - ref).max()) if same_vocab else None,
            "max_weight": float(abs(ref).max()),
            "top10_overlap": float(np.mean(overlap)),
        }
        progress(f"{spec} tolerance {key}: {runs[key]['check']}")
        runs[key]["file"] = file_sizes(archive)
    res["runs"] = runs
    res["language"] = getattr(fresh_vec, "language_", None)
    return res


def file_sizes(archive: Any) -> dict[str, int]:
    """Bytes of the archive saved, of its own data (raw counts, versions) and of its index."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "archive.nsi")
        archive.save(path)
        total = os.path.getsize(path)
    data = archive._archive_data()
    return {"file": total, "archive_data": len(data or b""), "index": int(archive.index.nbytes)}


def mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def fmt_s(values: Sequence[float]) -> str:
    med = statistics.median(values)
    return f"{med:.3f} s ({min(values):.3f}-{max(values):.3f})"


def render_section(data: dict[str, Any]) -> str:
    lines = [
        "## Archive growth: weights that keep up against a refit (issue 19, item 4)",
        "",
        data["environment"],
        f"- 1-minute load average {data['loadavg_before']:.2f} before, "
        f"{data['loadavg_after']:.2f} after (2 logical cores, shared with other work)",
        "- each corpus in a random order; `Archive.build` on all but the last adds, then the "
        "adds one after another; the default `TfidfVectorizer()` (language detected, word "
        "pairs kept from 2 documents on, German decompounding); anchor: a refit "
        "(`fit_transform` over every article) and a fresh `SimilarityIndex`, the exact "
        "result an add could give without an archive",
        "",
        "| corpus | tolerance | build | add (median, min-max) | rows re-weighted per add "
        "| refit + index (anchor) | anchor / add | same terms as the refit | max weight diff "
        "| top-10 overlap | file: raw counts and versions / index |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in data["corpora"]:
        refit = statistics.median(c["refit_s"])
        for key, r in c["runs"].items():
            add = statistics.median(r["add_s"])
            rw = r["reweighted_rows"]
            full = f", {r['full_reweights']} full" if r["full_reweights"] else ""
            check = r["check"]
            diff = "-" if check["max_abs_diff"] is None else f"{check['max_abs_diff']:.4f}"
            terms = "yes" if check["same_terms"] else "no"
            if not check["same_vocabulary"]:
                terms = "no (the fit's vocabulary)"
            lines.append(
                f"| {c['desc']}: {c['base']:,} + {len(r['add_s'])} x {c['step']:,} | {key} "
                f"| {r['build_s']:.2f} s | {fmt_s(r['add_s'])} "
                f"| median {statistics.median(rw):,.0f} of ~{c['base']:,}{full} "
                f"| {fmt_s(c['refit_s'])} | {refit / add:.1f}x | {terms} "
                f"| {diff} (largest weight {check['max_weight']:.3f}) "
                f"| {check['top10_overlap']:.3f} | {mb(r['file']['file'])}: "
                f"{mb(r['file']['archive_data'])} / {mb(r['file']['index'])} |"
            )
    lines += [
        "",
        "Rows re-weighted: with a tolerance, the older rows an add weighted anew (holding a "
        "term whose idf moved beyond the tolerance or that left the vocabulary, a word pair "
        "that reached `ngram_min_df`, or a compound that splits differently now); a full "
        "re-weight (all rows) is counted as such. `none` keeps the idf of the fit: its rows "
        "differ from the refit's in vocabulary and weights (the figures show by how much "
        "for queries). Top-10 overlap: the share of the refit's 10 nearest articles that "
        "the archive's `query` finds for the same text. File: the archive saved after the "
        "adds, its own data (raw counts and each row's idf version; none without a "
        "tolerance) and the index's arrays (`index.nbytes`).",
        "",
        f"Command: `{data['command']}` ({data['date']}).",
    ]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", nargs="+", default=["gnad", "bbc"])
    p.add_argument("--adds", type=int, default=8)
    p.add_argument("--step", type=int, default=25, help="articles per add (real corpora)")
    p.add_argument("--generated-step", type=int, default=1000, help="per add (generated)")
    p.add_argument("--rounds", type=int, default=3, help="refits of the anchor")
    p.add_argument("--queries", type=int, default=100)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", help="RESULTS.md to update")
    p.add_argument("--json", help="write the raw figures here")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("NEWSIM_DATA_DIR", str(ROOT.parent / "shared" / "data"))

    def progress(msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    load_before = os.getloadavg()[0]
    corpora = [measure(spec, args, progress) for spec in args.corpus]
    command = "python benchmarks/bench_archive_growth.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    data = {
        "environment": harness.render_environment(["newsim", "numpy", "scipy"], command),
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg()[0],
        "command": command,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "corpora": corpora,
    }
    harness.publish(
        render_section(data),
        out=args.out,
        key="archive-growth",
        json_path=args.json,
        data=data,
        progress=progress,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
