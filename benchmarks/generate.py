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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BLOCK = 1000  #: documents per random block (the unit of determinism)
MAX_RANK = 10**12  #: cap of sampled ranks (probability of reaching it ~ 1e-10)

_CONSONANTS = "bdfghklmnprstvz"
_VOWELS = "aeiou"
#: the 75 syllables of the word alphabet; every syllable is one consonant + one vowel, so
#: concatenations decode uniquely and the id -> word mapping is a bijection
SYLLABLES = np.array([c + v for c in _CONSONANTS for v in _VOWELS], dtype=object)


@dataclass(frozen=True)
class CorpusModel:
    """Parameters of the generator (see the module docstring)."""

    n_topics: int = 50
    zipf_exponent: float = 1.8  # s of the open vocabularies; Heaps' beta = 1/s
    zipf_offset: float = 30.0  # q of Zipf-Mandelbrot (r + q)^-s; sets Heaps' K
    n_function_words: int = 400
    function_exponent: float = 1.0
    function_share: tuple[float, float] = (9.0, 11.0)  # Beta(a, b): mean 0.45
    general_share: tuple[float, float] = (6.0, 14.0)  # Beta(a, b) of the content: mean 0.3
    topics_per_doc: tuple[float, ...] = (0.55, 0.30, 0.15)  # P(1 topic), P(2), P(3)
    topic_skew: float = 5.0  # p(topic t) ∝ 1 / (t + topic_skew)
    mean_length: float = 300.0
    length_sigma: float = 0.75
    min_length: int = 20
    max_length: int = 5000
    burstiness: float = 0.15
    near_duplicate_share: float = 0.03
    near_duplicate_edit: tuple[float, float] = (0.02, 0.3)  # U(lo, hi) share redrawn

    @property
    def heaps_beta(self) -> float:
        """The asymptotic Heaps exponent 1/s of the open vocabularies."""
        return 1.0 / self.zipf_exponent

    @property
    def n_sources(self) -> int:
        """Open vocabularies: the general one (source 0) and one per topic (1..n_topics)."""
        return self.n_topics + 1


DEFAULT_MODEL = CorpusModel()


# --------------------------------------------------------------------------------------
# words


def word_of(ids: np.ndarray) -> np.ndarray:
    """The words (object array of str) of integer word ids >= 0: bijective base-75 syllables."""
    x = np.asarray(ids, dtype=np.int64) + 1
    if x.size and x.min() < 1:
        raise ValueError("word ids must be >= 0")
    base = len(SYLLABLES)
    out = np.full(x.shape, "", dtype=object)
    while True:
        alive = x > 0
        if not alive.any():
            break
        xa = x[alive] - 1
        out[alive] = SYLLABLES[xa % base] + out[alive]
        x[alive] = xa // base
    return out


def function_words(model: CorpusModel = DEFAULT_MODEL) -> list[str]:
    """The function words (ids ``0..n_function_words-1``), most frequent first.

    Pass them as ``stop_words`` to a vectorizer to mirror a real pipeline's stop-word list.
    """
    return list(word_of(np.arange(model.n_function_words)))


def id_of(word: str) -> int:
    """Inverse of :func:`word_of` for one word."""
    if len(word) % 2 or not word:
        raise ValueError(f"not a generated word: {word!r}")
    index = {s: i for i, s in enumerate(SYLLABLES)}
    x = 0
    for k in range(0, len(word), 2):
        x = x * len(SYLLABLES) + index[word[k : k + 2]] + 1
    return x - 1


# --------------------------------------------------------------------------------------
# token ids


def _zipf_cdf(n: int, exponent: float) -> np.ndarray:
    w = np.arange(1, n + 1, dtype=np.float64) ** -exponent
    cdf = np.cumsum(w)
    return cdf / cdf[-1]


def _topic_cdf(model: CorpusModel) -> np.ndarray:
    w = 1.0 / (np.arange(model.n_topics, dtype=np.float64) + model.topic_skew)
    cdf = np.cumsum(w)
    return cdf / cdf[-1]


@dataclass
class _BlockDocs:
    """Per-document parameters of one block (all ``BLOCK`` documents)."""

    lengths: np.ndarray  # tokens per document
    weights: np.ndarray  # (docs, slots) mixture weights: function, general, topic slots
    sources: np.ndarray  # (docs, slots) vocabulary of each slot: -1 function, 0 general, 1.. topic
    dup_docs: np.ndarray  # near-duplicate documents
    src_docs: np.ndarray  # their originals
    edit: np.ndarray  # their share of redrawn tokens


def _block_docs(rng: np.random.Generator, m: CorpusModel) -> _BlockDocs:
    nb = BLOCK
    # lengths: log-normal with the requested mean
    mu = np.log(m.mean_length) - m.length_sigma**2 / 2
    lengths = np.clip(
        np.rint(rng.lognormal(mu, m.length_sigma, nb)), m.min_length, m.max_length
    ).astype(np.int64)

    # mixture: slots [function, general, topic 1, topic 2, topic 3]
    n_slots = 2 + len(m.topics_per_doc)
    f = rng.beta(*m.function_share, nb)
    g = rng.beta(*m.general_share, nb)
    k = 1 + np.searchsorted(np.cumsum(m.topics_per_doc), rng.random(nb) * sum(m.topics_per_doc))
    topics = 1 + np.searchsorted(_topic_cdf(m), rng.random((nb, n_slots - 2)))
    tw = rng.gamma(1.0, size=(nb, n_slots - 2))
    tw[np.arange(n_slots - 2)[None, :] >= k[:, None]] = 0.0
    tw /= tw.sum(axis=1, keepdims=True)
    weights = np.empty((nb, n_slots))
    weights[:, 0] = f
    weights[:, 1] = (1 - f) * g
    weights[:, 2:] = ((1 - f) * (1 - g))[:, None] * tw
    sources = np.empty((nb, n_slots), dtype=np.int64)
    sources[:, 0] = -1
    sources[:, 1] = 0
    sources[:, 2:] = topics

    # near-duplicates: copy length and mixture from an earlier original of the block
    dup = rng.random(nb) < m.near_duplicate_share
    dup[0] = False
    originals = np.flatnonzero(~dup)
    dup_docs = np.flatnonzero(dup)
    n_before = np.searchsorted(originals, dup_docs)  # originals before each duplicate (>= 1)
    src_docs = originals[(rng.random(dup_docs.size) * n_before).astype(np.int64)]
    edit = rng.uniform(*m.near_duplicate_edit, dup_docs.size)
    lengths[dup_docs] = lengths[src_docs]
    weights[dup_docs] = weights[src_docs]
    sources[dup_docs] = sources[src_docs]
    return _BlockDocs(lengths, weights, sources, dup_docs, src_docs, edit)


def block_token_ids(
    block: int, n_docs: int, seed: int = 0, model: CorpusModel = DEFAULT_MODEL
) -> tuple[np.ndarray, np.ndarray]:
    """Token ids of the first ``n_docs <= BLOCK`` documents of block ``block``.

    Returns ``(lengths, ids)``: ``lengths[d]`` tokens per document, ``ids`` all tokens
    concatenated (int64 word ids, see :func:`word_of`).  The whole block is always drawn,
    so a shorter block is a prefix of the full one.
    """
    if not 0 < n_docs <= BLOCK:
        raise ValueError(f"n_docs must be in 1..{BLOCK}")
    m = model
    rng = np.random.default_rng([seed, block])
    docs = _block_docs(rng, m)
    nb = BLOCK
    n_slots = docs.weights.shape[1]
    lengths, weights, sources = docs.lengths, docs.weights, docs.sources
    dup_docs, src_docs, edit = docs.dup_docs, docs.src_docs, docs.edit

    # tokens: pick a slot per token, then a word from the slot's vocabulary
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    total = int(lengths.sum())
    doc_of = np.repeat(np.arange(len(lengths)), lengths)
    cum = np.cumsum(weights, axis=1)
    u = rng.random(total) * cum[doc_of, -1]
    slot = (u[:, None] >= cum[doc_of]).sum(axis=1)
    np.minimum(slot, n_slots - 1, out=slot)
    src = sources[doc_of, slot]
    ids = np.empty(total, dtype=np.int64)

    is_fn = src < 0
    n_fn = int(is_fn.sum())
    ids[is_fn] = np.searchsorted(
        _zipf_cdf(m.n_function_words, m.function_exponent), rng.random(n_fn)
    )
    n_open = total - n_fn
    v = 1.0 - rng.random(n_open)  # (0, 1]
    rank = np.floor(m.zipf_offset * (v ** (-1.0 / (m.zipf_exponent - 1.0)) - 1.0))
    rank = np.minimum(rank, MAX_RANK).astype(np.int64)
    ids[~is_fn] = m.n_function_words + rank * m.n_sources + src[~is_fn]

    # burstiness: some tokens repeat an earlier token of the same document
    pos = np.arange(total) - starts[doc_of]
    burst = (rng.random(total) < m.burstiness) & (pos > 0)
    where = np.flatnonzero(burst)
    back = (rng.random(where.size) * pos[where]).astype(np.int64)
    ids[where] = ids[starts[doc_of[where]] + back]

    # near-duplicates: copy the original's tokens except a share `edit` of them
    if dup_docs.size:
        dl = lengths[dup_docs]
        rep = np.repeat(np.arange(dup_docs.size), dl)
        off = np.arange(int(dl.sum())) - np.repeat(np.cumsum(dl) - dl, dl)
        copy = rng.random(off.size) >= edit[rep]
        dst = starts[dup_docs][rep] + off
        srcpos = starts[src_docs][rep] + off
        ids[dst[copy]] = ids[srcpos[copy]]
    if n_docs < nb:  # the whole block is always drawn, so a cut block is a prefix of it
        lengths = lengths[:n_docs]
        ids = ids[: int(lengths.sum())]
    return lengths, ids


def primary_topics(n_docs: int, seed: int = 0, model: CorpusModel = DEFAULT_MODEL) -> np.ndarray:
    """The main topic (0..n_topics-1, largest mixture weight) of each of ``n_docs`` documents.

    A ground truth for checks that nearest neighbours are topical.
    """
    out = []
    for block in range(-(-n_docs // BLOCK)):
        docs = _block_docs(np.random.default_rng([seed, block]), model)
        best = 2 + np.argmax(docs.weights[:, 2:], axis=1)
        out.append(docs.sources[np.arange(BLOCK), best] - 1)
    return np.concatenate(out)[:n_docs] if out else np.zeros(0, dtype=np.int64)


def iter_token_ids(
    n_docs: int,
    batch_size: int = 10_000,
    seed: int = 0,
    model: CorpusModel = DEFAULT_MODEL,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(lengths, ids)`` for consecutive batches of ``batch_size`` documents."""
    if n_docs < 0 or batch_size < 1:
        raise ValueError("n_docs must be >= 0 and batch_size >= 1")
    pend_len: list[np.ndarray] = []
    pend_ids: list[np.ndarray] = []
    pending = 0
    done = 0
    block = 0
    while done < n_docs:
        want = min(BLOCK, n_docs - block * BLOCK)
        lengths, ids = block_token_ids(block, want, seed, model)
        block += 1
        offsets = np.concatenate(([0], np.cumsum(lengths)))
        i = 0
        while i < len(lengths):
            take = min(batch_size - pending, len(lengths) - i)
            pend_len.append(lengths[i : i + take])
            pend_ids.append(ids[offsets[i] : offsets[i + take]])
            pending += take
            i += take
            if pending == batch_size or done + pending == n_docs:
                yield np.concatenate(pend_len), np.concatenate(pend_ids)
                done += pending
                pend_len, pend_ids, pending = [], [], 0


def to_texts(lengths: np.ndarray, ids: np.ndarray) -> list[str]:
    """Join token ids into documents (words separated by single spaces)."""
    uniq, inverse = np.unique(ids, return_inverse=True)
    tokens = word_of(uniq)[inverse].tolist()
    ends = np.cumsum(lengths).tolist()
    out = []
    start = 0
    for end in ends:
        out.append(" ".join(tokens[start:end]))
        start = end
    return out


def iter_batches(
    n_docs: int,
    batch_size: int = 10_000,
    seed: int = 0,
    model: CorpusModel = DEFAULT_MODEL,
) -> Iterator[list[str]]:
    """Stream ``n_docs`` documents as lists of at most ``batch_size`` strings.

    Text is made one block at a time, so little memory is needed beyond the batch's own
    strings: 1M documents (1.4 GB of text) in batches of 50k take about 70 s and 0.3 GB
    peak RSS on a 2-core AMD EPYC; 100k documents as one list about 7 s.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    batch: list[str] = []
    for lengths, ids in iter_token_ids(n_docs, min(batch_size, BLOCK), seed, model):
        texts = to_texts(lengths, ids)
        while texts:
            take = batch_size - len(batch)
            batch.extend(texts[:take])
            texts = texts[take:]
            if len(batch) == batch_size:
                yield batch
                batch = []
    if batch:
        yield batch


def generate(n_docs: int, seed: int = 0, model: CorpusModel = DEFAULT_MODEL) -> list[str]:
    """``n_docs`` documents as one list (for 1M documents prefer :func:`iter_batches`)."""
    out: list[str] = []
    for batch in iter_batches(
        n_docs, batch_size=max(1, min(n_docs, 50_000)), seed=seed, model=model
    ):
        out.extend(batch)
    return out


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
