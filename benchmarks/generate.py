"""Synthetic news-like corpora for scaling benchmarks (100k-1M articles), numpy-vectorized.

What it models
--------------
Each document is a bag of synthetic lowercase words (space-separated, no punctuation)
drawn from a mixture of sources:

* **function words** (share ~45 % per document, Beta(9, 11)): a fixed list of
  ``n_function_words`` (400) words with Zipf frequencies ``p(r) ∝ r^-1`` (like "der",
  "die", "und" in German news); every document has many of them, so they get a low idf.
  :func:`function_words` lists them, for use as a stop-word list.
* **general content words** (~30 % of the rest): one open-ended vocabulary shared by all
  topics (like "jahr", "regierung", "prozent").
* **topic words** (the rest): each document mixes 1, 2 or 3 (probabilities 0.55, 0.30,
  0.15) of ``n_topics`` (50) latent topics with Dirichlet(1) weights; topic popularity
  is mildly skewed (``p(t) ∝ 1 / (t + 5)``, like newspaper sections of unequal size).
  Every topic has its **own** open-ended slice of the vocabulary, so documents that share
  a topic share mid-frequency terms and nearest neighbours are topical.

Open-ended vocabularies are Zipf-Mandelbrot: rank ``r >= 0`` has probability
``∝ (r + q)^-s``, sampled by inverse transform of the continuous Pareto law,
``r = floor(q * (U^(-1/(s-1)) - 1))``.  A Zipf law with exponent ``s > 1`` over an
unbounded vocabulary gives **Heaps' law** ``V ≈ K · N^β`` with ``β = 1/s`` (``N`` tokens,
``V`` distinct words); the default ``s = 1.8`` gives ``β ≈ 0.55``, and ``q = 30``
sets ``K`` so that the vocabulary is close to real news.  Measured (``python
benchmarks/generate.py --n 100000 --stats``): 26k distinct words in 1k documents (285k
tokens), 101k in 10k, 364k in 100k; Heaps fit ``V ≈ 23 · N^0.56`` over the last two
decades (``10 · N^0.62`` from 10 documents on: the early, function-word-heavy part grows
faster).  For comparison, the 1,028 10kGNAD test articles have 48k distinct lowercase
2+-character words in 382k tokens (German compounds), the 2,225 BBC articles 29k in 836k.

* **Lengths** are log-normal with mean ``mean_length`` (300 words) and ``sigma = 0.75``
  (median ≈ 226), clipped to [20, 5000] words, like news articles (short agency items,
  long features).
* **Burstiness**: with probability ``burstiness`` (0.15) a token repeats an earlier token
  of the same document (names and topic words recur within an article), so within-document
  term frequencies are over-dispersed and sublinear tf matters.
* **Near-duplicates**: a share ``near_duplicate_share`` (3 %) of the documents rewrite an
  earlier document of the same block (same length and topics; each token is redrawn with
  probability U(0.02, 0.3), else copied), like agency copy reprinted by several outlets.
  Their cosine similarity to the original is typically 0.7-0.99.

Calibration against 10kGNAD (newsim ``TfidfVectorizer``; 10k documents): with the function
words removed as stop words (as ``bench_similarity.py`` does, the counterpart of
``language="de"`` removing German stop words) a row has 105 stored terms (10kGNAD: 164) and
``X X^T`` costs ``Σ df² / n² = 7.0`` multiply-adds per pair (10kGNAD: 8.8); with them kept,
25.6 (10kGNAD without stop words: 36.9).  The top-1 neighbour shares the document's main
topic (:func:`primary_topics`) for 96 % of the documents (chance: 3 %).

Words are written from their integer id in bijective base 75 with consonant-vowel
syllables ("ba", "be", ..., "zu"): the mapping is one-to-one, the text is plain ASCII
letters (one token for every tokenizer), and frequent words are short (Zipf's law of
abbreviation): function words and the head of each vocabulary have 1-2 syllables.
Word order inside a document is random (a bag of words), which is all TF-IDF sees.

Determinism: documents are generated in fixed blocks of ``BLOCK`` (1,000) documents,
block ``b`` from ``numpy.random.default_rng([seed, b])``.  Document ``i`` therefore
depends only on ``(seed, i // BLOCK)`` and the model, not on the batch size, and the
first ``n`` documents of a bigger corpus are the corpus of size ``n``.

Usage::

    from benchmarks import generate
    texts = generate.generate(100_000, seed=0)              # list of str
    for batch in generate.iter_batches(1_000_000, batch_size=50_000):
        ...                                                 # lists of str, streamed

    python benchmarks/generate.py --n 100000 --stats        # time, tokens, Heaps fit
    python benchmarks/generate.py --n 1000000 --out corpus.txt   # one document per line
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

# The generator itself lives in the package (newsim.datasets.generate uses it), so that
# notebooks and users need no checkout of the repository; the names are re-exported here.
from newsim._generate import (
    BLOCK,
    DEFAULT_MODEL,
    MAX_RANK,
    SYLLABLES,
    CorpusModel,
    _block_docs,
    _BlockDocs,
    _topic_cdf,
    _zipf_cdf,
    block_token_ids,
    function_words,
    generate,
    id_of,
    iter_batches,
    iter_token_ids,
    primary_topics,
    to_texts,
    word_of,
)

__all__ = [
    "BLOCK",
    "DEFAULT_MODEL",
    "MAX_RANK",
    "SYLLABLES",
    "CorpusModel",
    "_BlockDocs",
    "_block_docs",
    "_topic_cdf",
    "_zipf_cdf",
    "block_token_ids",
    "function_words",
    "generate",
    "heaps_fit",
    "id_of",
    "iter_batches",
    "iter_token_ids",
    "main",
    "primary_topics",
    "to_texts",
    "vocabulary_growth",
    "word_of",
]


# --------------------------------------------------------------------------------------
# statistics


def vocabulary_growth(
    n_docs: int,
    points: int = 12,
    seed: int = 0,
    model: CorpusModel = DEFAULT_MODEL,
    batch_size: int = 10_000,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(documents, tokens, distinct words)`` at ``points`` log-spaced corpus prefixes."""
    marks = np.unique(np.geomspace(min(n_docs, 10), n_docs, points).astype(np.int64))
    seen = np.zeros(0, dtype=np.int64)
    docs_out, tok_out, voc_out = [], [], []
    n_done = 0
    n_tok = 0
    j = 0
    for lengths, ids in iter_token_ids(n_docs, batch_size, seed, model):
        offsets = np.concatenate(([0], np.cumsum(lengths)))
        lo = 0
        while j < len(marks) and marks[j] <= n_done + len(lengths):
            cut = int(marks[j] - n_done)
            seen = np.union1d(seen, ids[offsets[lo] : offsets[cut]])
            lo = cut
            docs_out.append(int(marks[j]))
            tok_out.append(n_tok + int(offsets[cut]))
            voc_out.append(seen.size)
            j += 1
        seen = np.union1d(seen, ids[offsets[lo] :])
        n_done += len(lengths)
        n_tok += int(offsets[-1])
    return np.array(docs_out), np.array(tok_out), np.array(voc_out)


def heaps_fit(tokens: np.ndarray, vocab: np.ndarray) -> tuple[float, float]:
    """Least-squares fit of ``V = K * N^beta`` in log-log space; returns ``(K, beta)``."""
    x = np.log(np.asarray(tokens, dtype=np.float64))
    y = np.log(np.asarray(vocab, dtype=np.float64))
    beta, log_k = np.polyfit(x, y, 1)
    return float(np.exp(log_k)), float(beta)


# --------------------------------------------------------------------------------------
# CLI


def main(argv: list[str] | None = None) -> int:
    """Write a corpus (one document per line) and/or print its statistics."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=100_000, help="number of documents")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch-size", type=int, default=50_000)
    p.add_argument("--out", help="write the documents here, one per line")
    p.add_argument("--stats", action="store_true", help="print tokens, vocabulary, Heaps fit")
    args = p.parse_args(argv)

    t0 = time.perf_counter()
    n_tok = 0
    n_bytes = 0
    out = open(args.out, "w", encoding="utf-8") if args.out else None
    try:
        for batch in iter_batches(args.n, args.batch_size, args.seed):
            n_tok += sum(d.count(" ") + 1 for d in batch)
            if out is not None:
                for d in batch:
                    out.write(d)
                    out.write("\n")
            n_bytes += sum(len(d) for d in batch)
    finally:
        if out is not None:
            out.close()
    dt = time.perf_counter() - t0
    print(
        f"{args.n} documents, {n_tok} tokens ({n_tok / max(args.n, 1):.0f}/doc), "
        f"{n_bytes / 1e6:.1f} MB, generated in {dt:.1f} s",
        file=sys.stderr,
    )
    if args.out:
        print(f"wrote {Path(args.out)}", file=sys.stderr)
    if args.stats:
        t0 = time.perf_counter()
        docs, toks, voc = vocabulary_growth(args.n, seed=args.seed)
        for d, t, v in zip(docs, toks, voc):
            print(f"docs {d:>9}  tokens {t:>11}  vocabulary {v:>9}")
        k, beta = heaps_fit(toks, voc)
        big = toks >= toks[-1] / 100
        k2, beta2 = heaps_fit(toks[big], voc[big])
        print(f"Heaps fit over all prefixes: V = {k:.1f} * N^{beta:.3f}")
        print(f"Heaps fit over the last two decades: V = {k2:.1f} * N^{beta2:.3f}")
        print(f"({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
