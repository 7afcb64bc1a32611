"""Synthetic news-like corpora, numpy-vectorized: the generator behind ``datasets.generate``.

Each document is a bag of synthetic lowercase words drawn from function words (a fixed Zipf
list, ~45 % of a document), general content words and the words of 1 to 3 of 50 latent topics,
each with its own open-ended Zipf-Mandelbrot vocabulary (so the vocabulary grows by Heaps' law,
``V ≈ K · N^0.55``), with log-normal lengths (mean 300 words), bursts of repeated words and 3 %
near-duplicates. ``benchmarks/generate.py`` documents the model and its calibration against
10kGNAD, and adds statistics and a command line; it imports everything here, so benchmarks
and :func:`newsim.datasets.generate` make the same documents.

Documents are generated in fixed blocks of ``BLOCK`` (1,000) documents, block ``b`` from
``numpy.random.default_rng([seed, b])``: document ``i`` depends only on ``(seed, i // BLOCK)``
and the model, and the first ``n`` documents of a bigger corpus are the corpus of size ``n``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

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
    """Return the words (object array of str) of word ids >= 0: bijective base-75 syllables."""
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
    """Return the function words (ids ``0..n_function_words-1``), most frequent first.

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
    out: np.ndarray = cdf / cdf[-1]
    return out


def _topic_cdf(model: CorpusModel) -> np.ndarray:
    w = 1.0 / (np.arange(model.n_topics, dtype=np.float64) + model.topic_skew)
    cdf = np.cumsum(w)
    out: np.ndarray = cdf / cdf[-1]
    return out


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
    """Return each document's main topic (0..n_topics-1, its largest mixture weight).

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
