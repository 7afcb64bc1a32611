"""Benchmark: TF-IDF ``fit_transform`` on a news corpus (newsim vs scikit-learn vs gensim).

Usage (from the repo root)::

    python benchmarks/bench_vectorize.py --copies 10 --rounds 5 --out benchmarks/RESULTS.md
    python benchmarks/bench_vectorize.py --quick            # 1 copy, 2 rounds

The corpus is 10kGNAD (German) by default, ``--copies N`` times via
:func:`benchmarks.corpora.scaled` (10 copies ≈ 27.6 MB).  The anchor is scikit-learn's
``TfidfVectorizer()`` with its defaults.  If ``import newsim`` fails (not built), the newsim
contenders are skipped with a message.  ``--out`` replaces only the section between
``<!-- vectorize:begin -->`` and ``<!-- vectorize:end -->`` of the results file.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import corpora, harness

SECTION = "vectorize"
PACKAGES = ("numpy", "scipy", "scikit-learn", "gensim", "newsim")
ANCHOR = "sklearn TfidfVectorizer()"


# --------------------------------------------------------------------------------------
# contender factories: factory(**kwargs) -> run(texts) -> sparse matrix (docs x terms)


def _params(params: dict[str, Any]) -> dict[str, Any]:
    """Undo JSON's tuple -> list for the memory subprocess."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}


def make_sklearn(**params: Any) -> harness.Runner:
    """scikit-learn ``TfidfVectorizer(**params).fit_transform``."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    kw = _params(params)

    def run(texts: Sequence[str]) -> Any:
        return TfidfVectorizer(**kw).fit_transform(texts)

    return run


def make_gensim() -> harness.Runner:
    """gensim: simple_preprocess -> Dictionary -> TfidfModel -> CSR matrix (docs x terms)."""
    from gensim.corpora import Dictionary
    from gensim.matutils import corpus2csc
    from gensim.models import TfidfModel
    from gensim.utils import simple_preprocess

    def run(texts: Sequence[str]) -> Any:
        tokens = [simple_preprocess(t) for t in texts]
        dictionary = Dictionary(tokens)
        bow = [dictionary.doc2bow(t) for t in tokens]
        model = TfidfModel(dictionary=dictionary)
        csc = corpus2csc(model[bow], num_terms=len(dictionary), num_docs=len(texts))
        return csc.T.tocsr()

    return run


def make_newsim(cls: str = "TfidfVectorizer", **params: Any) -> harness.Runner:
    """newsim ``<cls>(**params).fit_transform``."""
    import newsim

    klass = getattr(newsim, cls)
    kw = {"progress": False, **_params(params)}  # no progress bar inside the timed work

    def run(texts: Sequence[str]) -> Any:
        return klass(**kw).fit_transform(list(texts))

    return run


_HERE = "benchmarks.bench_vectorize"


def anchor_contenders() -> list[harness.Contender]:
    """scikit-learn (anchor + bigrams) and gensim."""
    return [
        harness.Contender(ANCHOR, target=f"{_HERE}:make_sklearn", anchor=True),
        harness.Contender(
            "sklearn (1,2)-grams",
            target=f"{_HERE}:make_sklearn",
            kwargs={"ngram_range": (1, 2)},
        ),
        harness.Contender("gensim Dictionary+TfidfModel", target=f"{_HERE}:make_gensim"),
    ]


def newsim_contenders() -> tuple[list[harness.Contender], list[str]]:
    """The newsim contenders that can run here, and messages about those that cannot."""
    try:
        import newsim
    except Exception as exc:  # not built yet, or a broken build
        return [], [
            f"newsim contenders skipped: `import newsim` failed ({harness._short_error(exc)})"
        ]
    out: list[harness.Contender] = []
    skipped: list[str] = []
    # (name, class, constructor params, reference contender for the output check)
    specs: list[tuple[str, str, dict[str, Any], str | None]] = []
    # The measure: German defaults with unigrams (decompound='auto' leaves compound
    # splitting off without word pairs); then the full defaults, which add word pairs seen in
    # at least two documents, and compound splitting with them.
    for jobs in (1, 2):
        specs.append(
            (
                f"newsim de unigrams n_jobs={jobs}",
                "TfidfVectorizer",
                {"language": "de", "ngram_range": (1, 1), "n_jobs": jobs},
                None,
            )
        )
    for jobs in (1, 2):  # what compound splitting costs
        specs.append(
            (
                f"newsim de unigrams decompound=True n_jobs={jobs}",
                "TfidfVectorizer",
                {"language": "de", "ngram_range": (1, 1), "decompound": True, "n_jobs": jobs},
                None,
            )
        )
    for jobs in (1, 2):
        specs.append(
            (
                f"newsim de defaults n_jobs={jobs}",
                "TfidfVectorizer",
                {"language": "de", "n_jobs": jobs},
                None,
            )
        )
    for jobs in (1, 2):
        specs.append(
            (
                f"newsim sklearn-mode n_jobs={jobs}",
                "SklearnTfidfVectorizer",
                {"n_jobs": jobs},
                ANCHOR,
            )
        )
    for jobs in (1, 2):
        specs.append(
            (
                f"newsim sklearn-mode (1,2)-grams n_jobs={jobs}",
                "SklearnTfidfVectorizer",
                {"ngram_range": (1, 2), "n_jobs": jobs},
                "sklearn (1,2)-grams",
            )
        )
    for name, cls, params, ref in specs:
        if not hasattr(newsim, cls):
            skipped.append(f"{name} skipped: newsim has no `{cls}`")
            continue
        kwargs = {"cls": cls, **params}
        out.append(harness.Contender(name, f"{_HERE}:make_newsim", kwargs, reference=ref))
    return out, skipped


# --------------------------------------------------------------------------------------
# output checks


def describe(x: Any) -> str:
    """Shape and non-zeros of a sparse matrix."""
    shape = getattr(x, "shape", None)
    if shape is None or len(shape) != 2:
        return f"{type(x).__name__} (not a matrix)"
    nnz = getattr(x, "nnz", None)
    kind = type(x).__name__
    return f"{shape[0]}x{shape[1]} {kind}, nnz {nnz}"


def compare(x: Any, ref: Any) -> str:
    """Compare a newsim sklearn-mode matrix with scikit-learn's (same column order expected)."""
    if getattr(x, "shape", None) != ref.shape:
        return f"MISMATCH with reference: shape {getattr(x, 'shape', None)} vs {ref.shape}"
    try:
        diff = abs(x - ref)
        worst = float(diff.max()) if diff.nnz else 0.0
    except Exception as exc:
        return f"cannot compare with reference: {harness._short_error(exc)}"
    if x.nnz != ref.nnz:
        return f"MISMATCH with reference: nnz {x.nnz} vs {ref.nnz}, max|diff| {worst:.1e}"
    if worst > 1e-6:
        return f"MISMATCH with reference: max|diff| {worst:.1e}"
    return f"matches reference (max|diff| {worst:.1e})"


# --------------------------------------------------------------------------------------
# CLI


def build_parser() -> argparse.ArgumentParser:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", choices=sorted(corpora.LOADERS), default="10kgnad")
    p.add_argument("--copies", type=int, default=10, help="corpus repetitions (default 10)")
    p.add_argument("--rounds", type=int, default=5, help="timed rounds (default 5)")
    p.add_argument("--warmup", type=int, default=1, help="untimed runs per contender (default 1)")
    p.add_argument("--seed", type=int, default=0, help="seed of the per-copy word changes")
    p.add_argument("--quick", action="store_true", help="smoke test: 1 copy, 2 rounds")
    p.add_argument("--out", help="markdown file whose 'vectorize' section is replaced")
    p.add_argument("--json", help="also write the raw measurements to this JSON file")
    p.add_argument("--no-memory", action="store_true", help="skip the peak-RSS subprocesses")
    p.add_argument("--no-newsim", action="store_true", help="run the scikit-learn/gensim only")
    p.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="SUBSTRING",
        help="run only contenders whose name contains SUBSTRING (repeatable; the anchor and "
        "the references of the chosen contenders always run)",
    )
    p.add_argument("--section", default=SECTION, help="marker name of the results section")
    return p


def render_section(
    bench: harness.BenchResult,
    *,
    command: str,
    corpus_desc: str,
    messages: Sequence[str],
) -> str:
    """The markdown of the results section."""
    parts = [
        "## Vectorize: TF-IDF `fit_transform`",
        "",
        harness.render_environment(PACKAGES, command),
        f"- corpus: {corpus_desc}",
        f"- rounds: {bench.rounds} timed after {bench.warmup} warm-up per contender",
        "",
        harness.render_table(bench),
        "",
    ]
    if messages:
        parts += [*(f"- {m}" for m in messages), ""]
    parts += [
        harness.METHOD_NOTES,
        "",
        "Contenders: anchor = `sklearn.feature_extraction.text.TfidfVectorizer()` "
        "(defaults); gensim = `simple_preprocess` tokens → `Dictionary` → "
        "`TfidfModel(dictionary=...)` → `corpus2csc(...).T.tocsr()`; newsim = "
        '`newsim.TfidfVectorizer(language="de", ngram_range=(1, 1), n_jobs=…)` (German '
        "defaults with unigrams: no compound splitting, which `decompound='auto'` turns on "
        "with word pairs only; `decompound=True` shows what it costs), "
        '`newsim.TfidfVectorizer(language="de", n_jobs=…)` (all defaults: unigrams, word '
        "pairs in at least two documents, compound splitting) and "
        "`newsim.SklearnTfidfVectorizer(n_jobs=…)` (scikit-learn semantics: its warm-up "
        "output is compared with scikit-learn's, same column order expected, in the notes "
        "column). The vocabularies differ between tokenizers: see the output column.",
    ]
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    if args.quick:
        args.copies, args.rounds = 1, 2

    def progress(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    t_start = time.perf_counter()
    base = corpora.load(args.corpus)
    texts = corpora.scaled(base.texts, args.copies, seed=args.seed)
    n_bytes = corpora.corpus_bytes(texts)
    corpus_desc = (
        f"{base.name} ({len(base)} docs) x {args.copies} "
        f"{'copy' if args.copies == 1 else 'copies'} "
        f"(`corpora.scaled`, seed {args.seed}) = {len(texts)} docs, "
        f"{n_bytes / harness.MB:.2f} MB UTF-8"
    )
    progress(f"corpus: {corpus_desc}")

    contenders = anchor_contenders()
    messages: list[str] = []
    if args.no_newsim:
        messages.append("newsim contenders not run (--no-newsim)")
    else:
        extra, messages = newsim_contenders()
        contenders += extra
    for m in messages:
        progress(m)
    if args.only:
        # keep the anchor, the matching contenders and the references they are checked against
        keep = {c.name for c in contenders if c.anchor or any(s in c.name for s in args.only)}
        keep |= {c.reference for c in contenders if c.name in keep and c.reference}
        contenders = [c for c in contenders if c.name in keep]

    bench = harness.run_benchmark(
        contenders,
        texts,
        rounds=args.rounds,
        warmup=args.warmup,
        memory=not args.no_memory,
        describe=describe,
        compare=compare,
        progress=progress,
        n_bytes=n_bytes,
    )
    section = render_section(
        bench,
        command=harness.command_line(__file__, argv),
        corpus_desc=corpus_desc,
        messages=messages,
    )
    harness.publish(
        section,
        out=args.out,
        key=args.section,
        json_path=args.json,
        data={
            "command": harness.command_line(__file__, argv),
            "corpus": corpus_desc,
            **bench.as_dict(),
        },
        progress=progress,
    )
    progress(f"total {time.perf_counter() - t_start:.1f} s")
    return 1 if any(r.error for r in bench.results if r.anchor) else 0


if __name__ == "__main__":
    raise SystemExit(main())
