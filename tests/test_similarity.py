"""Similarity engine: top-k, pairs, queries and explanations against a dense brute-force reference.

Every result of :class:`newsim.SimilarityIndex` is checked against ``X @ X.T`` computed densely in
float64. Neighbour lists may differ from the reference only by entries whose reference score
ties with the k-th score (within the tolerance); scores must match within 1e-6 (scaled by the
largest squared row norm for unnormalized matrices, whose weights the index stores as float32).
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any, Optional

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer as SkTfidfVectorizer

import newsim
from newsim import Explanation, Keywords, Pairs, SimilarityIndex, TfidfVectorizer, TopK
from newsim.datasets import Corpus

TOL = 1e-6
METHODS = ("auto", "pruned", "brute")
THRESHOLDS = (0.3, 0.5, 0.8)
LANGUAGE = {"gnad": "de", "bbc": "en"}

# ----------------------------------------------------------------------------- reference


def tolerance(X: sp.csr_matrix) -> float:
    """1e-6, scaled by the largest squared row norm when that exceeds 1."""
    X = sp.csr_matrix(X, dtype=np.float64)
    sq = np.asarray(X.multiply(X).sum(axis=1)).ravel()
    return TOL * max(1.0, float(sq.max()) if sq.size else 1.0)


@dataclasses.dataclass
class Reference:
    """Dense float64 scores of queries Q against the index X and which pairs are eligible."""

    S: np.ndarray  # (n_queries, n_index) float64 dot products
    cand: np.ndarray  # bool: shares at least one term (and is not the row itself for top_k)
    tol: float
    _kth: dict[int, np.ndarray] = dataclasses.field(default_factory=dict)
    _top: dict[int, np.ndarray] = dataclasses.field(default_factory=dict)
    _pairs: Optional[tuple[float, np.ndarray, np.ndarray, np.ndarray]] = None
    _masked: Optional[np.ndarray] = None

    @classmethod
    def build(cls, X: Any, Q: Any = None, *, tol: Optional[float] = None) -> Reference:
        X64 = sp.csr_matrix(X, dtype=np.float64)
        Q64 = X64 if Q is None else sp.csr_matrix(Q, dtype=np.float64)
        S = (Q64 @ X64.T).toarray()
        if (X64.data > 0).all() and (Q64.data > 0).all():
            cand = S > 0  # positive weights: a shared term gives a positive score
        else:
            Qb, Xb = Q64.copy(), X64.copy()
            Qb.data = np.ones_like(Qb.data)
            Xb.data = np.ones_like(Xb.data)
            cand = (Qb @ Xb.T).toarray() > 0
        if Q is None:
            np.fill_diagonal(cand, False)
        return cls(S, cand, tolerance(X) if tol is None else tol)

    def masked(self) -> np.ndarray:
        """S where eligible, -inf elsewhere."""
        if self._masked is None:
            self._masked = np.where(self.cand, self.S, -np.inf)
        return self._masked

    def upper_pairs(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        """(i, j) with i < j, a shared term and S >= t, in (i, j) order."""
        lo = min(t, 0.25)
        if self._pairs is None or self._pairs[0] > lo:
            i, j = np.nonzero(np.triu(self.cand & (self.S >= lo), k=1))
            self._pairs = (lo, i, j, self.S[i, j])
        _, i, j, s = self._pairs
        keep = s >= t
        return i[keep], j[keep]

    def kth(self, k: int) -> np.ndarray:
        """The k-th best eligible reference score of each row (-inf with fewer than k)."""
        if k not in self._kth:
            n, m = self.S.shape
            if k == 0 or k > m or n == 0:
                self._kth[k] = np.full(n, -np.inf)
            else:
                self._kth[k] = -np.partition(-self.masked(), k - 1, axis=1)[:, k - 1]
        return self._kth[k]

    def top_values(self, k: int) -> np.ndarray:
        """The k best eligible reference scores of each row, descending (-inf padded)."""
        if k not in self._top:
            n, m = self.S.shape
            kk = min(k, m)
            out = np.full((n, k), -np.inf)
            if kk and n:
                part = np.partition(-self.masked(), kk - 1, axis=1)[:, :kk]
                out[:, :kk] = -np.sort(part, axis=1)
            self._top[k] = out
        return self._top[k]


def _describe(rows: np.ndarray, res: TopK, ref: Reference, k: int) -> str:
    lines = []
    for r in rows[:3]:
        order = np.lexsort((np.arange(ref.S.shape[1]), -ref.masked()[r]))[:k]
        order = order[ref.cand[r, order]]
        lines.append(
            f"row {r}: got ids {res.ids[r].tolist()} scores {np.round(res.scores[r], 7).tolist()}"
            f"; reference ids {order.tolist()} scores {np.round(ref.S[r, order], 7).tolist()}"
        )
    return "\n".join(lines)


def assert_sorted(res: TopK, what: str = "") -> None:
    """Scores descending along each row, equal scores by ascending id, padding last."""
    ids, scores = res
    if ids.shape[1] < 2:
        return
    a_id, b_id = ids[:, :-1], ids[:, 1:]
    a_s, b_s = scores[:, :-1], scores[:, 1:]
    both = (a_id >= 0) & (b_id >= 0)
    ok = ~both | (a_s > b_s) | ((a_s == b_s) & (a_id < b_id))
    ok &= ~((a_id < 0) & (b_id >= 0))  # padding only at the end
    bad = np.nonzero(~ok.all(axis=1))[0]
    if bad.size:
        r = bad[0]
        c = int(np.argmin(ok[r]))
        raise AssertionError(
            f"{what}: {bad.size} rows not sorted by (score desc, id asc), e.g. row {r} at rank "
            f"{c}: ids {ids[r, c : c + 2].tolist()} scores {scores[r, c : c + 2].tolist()}"
        )


def assert_topk_matches(res: TopK, ref: Reference, k: int, what: str = "") -> None:
    """``res`` equals the brute-force top-k of ``ref`` up to ties with the k-th score."""
    ids, scores = res
    n, m = ref.S.shape
    assert isinstance(res, TopK)
    assert ids.shape == scores.shape == (n, k), f"{what}: shapes {ids.shape}, {scores.shape}"
    assert ids.dtype.kind == "i" and scores.dtype.kind == "f"
    if k == 0 or n == 0:
        return
    tol = ref.tol
    count = np.minimum(ref.cand.sum(axis=1), k)
    valid = ids >= 0
    expected_valid = np.arange(k)[None, :] < count[:, None]
    bad = np.nonzero((valid != expected_valid).any(axis=1))[0]
    assert bad.size == 0, f"{what}: wrong number of neighbours\n" + _describe(bad, res, ref, k)
    assert np.all(ids[~valid] == -1) and np.all(scores[~valid] == 0.0), f"{what}: bad padding"
    rows, cols = np.nonzero(valid)[0], ids[valid]
    assert np.all(cols < m), f"{what}: neighbour id out of range"
    not_cand = ~ref.cand[rows, cols]
    assert not not_cand.any(), (
        f"{what}: neighbours that share no term or are the row itself\n"
        + _describe(np.unique(rows[not_cand]), res, ref, k)
    )
    got = np.zeros(ref.cand.shape, dtype=bool)
    got[rows, cols] = True
    dup = np.nonzero(got.sum(axis=1) != count)[0]
    assert dup.size == 0, f"{what}: repeated neighbours\n" + _describe(dup, res, ref, k)
    # each returned score is the reference score of its id
    err = np.abs(scores[valid].astype(np.float64) - ref.S[rows, cols])
    assert err.max(initial=0.0) <= tol, f"{what}: score off by {err.max():.3g}\n" + _describe(
        np.unique(rows[err > tol]), res, ref, k
    )
    # the sets equal the reference's up to ties with the k-th score
    kth = ref.kth(k)
    must = ref.masked() > kth[:, None] + tol
    missing = np.nonzero((must & ~got).any(axis=1))[0]
    assert missing.size == 0, (
        f"{what}: {missing.size} rows miss a neighbour scoring above the k-th\n"
        + _describe(missing, res, ref, k)
    )
    weak = ref.S[rows, cols] < kth[rows] - tol
    assert not weak.any(), f"{what}: neighbours scoring below the k-th\n" + _describe(
        np.unique(rows[weak]), res, ref, k
    )
    # rank by rank, the scores are the reference's best ones
    top = ref.top_values(k)
    rank_err = np.abs(np.where(valid, scores - top, 0.0))
    assert rank_err.max(initial=0.0) <= tol, f"{what}: rank-wise scores differ"
    assert_sorted(res, what)


def assert_topk_agree(a: TopK, b: TopK, tol: float, what: str = "") -> None:
    """Two top-k results equal up to ties with the k-th score."""
    assert a.ids.shape == b.ids.shape == a.scores.shape == b.scores.shape
    n, k = a.ids.shape
    if n == 0 or k == 0:
        return
    va, vb = a.ids >= 0, b.ids >= 0
    assert np.array_equal(va, vb), f"{what}: different neighbour counts"
    diff = np.abs(np.where(va, a.scores.astype(np.float64) - b.scores, 0.0))
    assert diff.max() <= tol, f"{what}: rank-wise scores differ by {diff.max():.3g}"
    for r in np.nonzero((a.ids != b.ids).any(axis=1))[0]:
        sa = dict(zip(a.ids[r][va[r]].tolist(), a.scores[r][va[r]].tolist()))
        sb = dict(zip(b.ids[r][vb[r]].tolist(), b.scores[r][vb[r]].tolist()))
        last_a = a.scores[r][va[r]][-1]
        last_b = b.scores[r][vb[r]][-1]
        for d in set(sa) - set(sb):
            assert abs(sa[d] - last_b) <= tol, f"{what}: row {r}: {d} only in the first result"
        for d in set(sb) - set(sa):
            assert abs(sb[d] - last_a) <= tol, f"{what}: row {r}: {d} only in the second result"
        for d in set(sa) & set(sb):
            assert abs(sa[d] - sb[d]) <= tol, f"{what}: row {r}: score of {d} differs"


def assert_pairs_match(p: Pairs, ref: Reference, t: float, what: str = "") -> None:
    """Pairs i < j with S >= t, up to pairs within the tolerance of t; ordered by (i, j)."""
    assert isinstance(p, Pairs)
    n = ref.S.shape[0]
    i, j, s = p
    assert i.shape == j.shape == s.shape and i.ndim == 1
    assert i.dtype.kind == "i" and j.dtype.kind == "i" and s.dtype.kind == "f"
    assert p.n_pairs == i.shape[0]
    assert len(p) == 3  # a NamedTuple of three fields
    tol = ref.tol
    if i.size:
        assert np.all((0 <= i) & (i < j) & (j < n)), f"{what}: pairs not 0 <= i < j < n"
        key = i * max(n, 1) + j
        assert np.all(np.diff(key) > 0), f"{what}: pairs not ordered by i then j (or repeated)"
        err = np.abs(s.astype(np.float64) - ref.S[i, j])
        assert err.max() <= tol, f"{what}: pair score off by {err.max():.3g}"
        low = ref.S[i, j] < t - tol
        assert not low.any(), (
            f"{what}: pairs below the threshold, e.g. {(i[low][0], j[low][0], s[low][0])}"
        )
    ui, uj = ref.upper_pairs(t + tol)
    miss = ~np.isin(ui * max(n, 1) + uj, i * max(n, 1) + j)
    assert not miss.any(), (
        f"{what}: {miss.sum()} pairs missing, e.g. {list(zip(ui[miss][:3], uj[miss][:3]))} "
        f"with reference scores {ref.S[ui[miss][:3], uj[miss][:3]].tolist()}"
    )


# ----------------------------------------------------------------------------- corpus cases


@dataclasses.dataclass
class Case:
    name: str
    texts: list[str]
    vectorizer: Any
    X: sp.csr_matrix
    index: SimilarityIndex
    ref: Reference
    _cache: dict[tuple[str, int], TopK] = dataclasses.field(default_factory=dict)
    _pairs: dict[tuple[float, str], Pairs] = dataclasses.field(default_factory=dict)

    def top_k(self, method: str, n_jobs: int = 1) -> TopK:
        key = (method, n_jobs)
        if key not in self._cache:
            self.index.n_jobs = n_jobs
            try:
                self._cache[key] = self.index.top_k(10, method=method)
            finally:
                self.index.n_jobs = None
        return self._cache[key]

    def pairs(self, threshold: float, method: str = "auto") -> Pairs:
        key = (threshold, method)
        if key not in self._pairs:
            self._pairs[key] = self.index.pairs(threshold, method=method)
        return self._pairs[key]


def make_vectorizer(kind: str, corpus: str) -> Any:
    if kind == "newsim":
        return TfidfVectorizer(language=LANGUAGE[corpus])
    return SkTfidfVectorizer()


CASES = [
    pytest.param(("gnad", "newsim"), id="gnad-newsim"),
    pytest.param(("gnad", "sklearn"), id="gnad-sklearn"),
    pytest.param(("bbc", "newsim"), id="bbc-newsim"),
    pytest.param(("bbc", "sklearn"), id="bbc-sklearn"),
]


@pytest.fixture(scope="module", params=CASES)
def case(request: pytest.FixtureRequest, corpora: dict[str, Corpus]) -> Case:
    corpus, kind = request.param
    texts = list(corpora[corpus].texts)
    vec = make_vectorizer(kind, corpus)
    X = sp.csr_matrix(vec.fit_transform(texts))
    assert X.dtype == (np.float32 if kind == "newsim" else np.float64)
    index = SimilarityIndex(X, feature_names=vec.get_feature_names_out())
    return Case(f"{corpus}-{kind}", texts, vec, X, index, Reference.build(X, tol=TOL))


# ----------------------------------------------------------------------------- 1. top_k on corpora


@pytest.mark.parametrize("method", METHODS)
def test_top_k_equals_brute_force_reference(case: Case, method: str) -> None:
    assert case.index.normalized_
    res = case.top_k(method)
    assert_topk_matches(res, case.ref, 10, f"{case.name} {method}")


def test_methods_agree_with_each_other(case: Case) -> None:
    auto, pruned, brute = (case.top_k(m) for m in METHODS)
    assert_topk_agree(auto, pruned, TOL, f"{case.name} auto/pruned")
    assert_topk_agree(auto, brute, TOL, f"{case.name} auto/brute")
    assert_topk_agree(pruned, brute, TOL, f"{case.name} pruned/brute")


@pytest.mark.parametrize("method", METHODS)
def test_two_threads_equal_one(case: Case, method: str) -> None:
    one, two = case.top_k(method, 1), case.top_k(method, 2)
    np.testing.assert_array_equal(two.ids, one.ids)
    np.testing.assert_array_equal(two.scores, one.scores)


@pytest.mark.parametrize("method", METHODS)
def test_top_k_scores_are_symmetric(case: Case, method: str) -> None:
    ids, scores = case.top_k(method)
    n, k = ids.shape
    rows = np.repeat(np.arange(n), k)
    nb, sc = ids.ravel(), scores.ravel()
    keep = nb >= 0
    table = dict(zip(zip(rows[keep].tolist(), nb[keep].tolist()), sc[keep].tolist()))
    mutual = [(a, b) for (a, b) in table if a < b and (b, a) in table]
    assert len(mutual) > n // 2  # the check has substance
    for a, b in mutual:
        if method == "auto":  # one computation offered to both rows
            assert table[(a, b)] == table[(b, a)], (a, b)
        else:  # two per-row computations, summed in different orders
            assert abs(table[(a, b)] - table[(b, a)]) <= TOL, (a, b)


def test_scores_lie_in_unit_interval(case: Case) -> None:
    for method in METHODS:
        ids, scores = case.top_k(method)
        valid = ids >= 0
        assert np.all(scores[valid] >= 0.0) and np.all(scores[valid] <= 1.0 + TOL), method
    p = case.pairs(0.3)
    assert np.all((p.score >= 0.3 - TOL) & (p.score <= 1.0 + TOL))


# ----------------------------------------------------------------------------- 2. pairs on corpora


@pytest.mark.parametrize("threshold", THRESHOLDS)
@pytest.mark.parametrize("method", METHODS)
def test_pairs_equal_brute_force_reference(case: Case, method: str, threshold: float) -> None:
    p = case.pairs(threshold, method)
    assert_pairs_match(p, case.ref, threshold, f"{case.name} {method} t={threshold}")


def test_pairs_with_two_threads_and_as_frame(case: Case) -> None:
    one = case.pairs(0.3)
    case.index.n_jobs = 2
    try:
        two = case.index.pairs(0.3)
        df = case.index.pairs(0.3, as_frame=True)
    finally:
        case.index.n_jobs = None
    for a, b in zip(one, two):
        np.testing.assert_array_equal(a, b)
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["article_row", "neighbor_row", "score"]
    assert len(df) == one.n_pairs
    np.testing.assert_array_equal(df["article_row"].to_numpy(), one.article_row)
    np.testing.assert_array_equal(df["neighbor_row"].to_numpy(), one.neighbor_row)
    np.testing.assert_array_equal(df["score"].to_numpy(), one.score)


def test_auto_and_brute_pairs_agree(case: Case) -> None:
    a, b = case.pairs(0.5, "auto"), case.pairs(0.5, "brute")
    ka = set(zip(a.article_row.tolist(), a.neighbor_row.tolist()))
    kb = set(zip(b.article_row.tolist(), b.neighbor_row.tolist()))
    for i, j in ka ^ kb:
        assert abs(case.ref.S[i, j] - 0.5) <= TOL, (i, j)


# ----------------------------------------------------------------------------- 3. queries


@pytest.fixture(scope="module", params=CASES)
def held_out(
    request: pytest.FixtureRequest, corpora: dict[str, Corpus]
) -> tuple[str, SimilarityIndex, sp.csr_matrix, Reference]:
    """Fit on six articles in seven, transform the seventh (held out)."""
    corpus, kind = request.param
    texts = list(corpora[corpus].texts)
    test = set(range(3, len(texts), 7))
    train_texts = [t for r, t in enumerate(texts) if r not in test]
    test_texts = [texts[r] for r in sorted(test)]
    vec = make_vectorizer(kind, corpus)
    X = sp.csr_matrix(vec.fit_transform(train_texts))
    Q = sp.csr_matrix(vec.transform(test_texts))
    return f"{corpus}-{kind}", SimilarityIndex(X), Q, Reference.build(X, Q, tol=TOL)


@pytest.mark.parametrize("method", METHODS)
def test_query_held_out_equals_brute_force(
    held_out: tuple[str, SimilarityIndex, sp.csr_matrix, Reference], method: str
) -> None:
    name, index, Q, ref = held_out
    res = index.query(Q, 10, method=method)
    assert_topk_matches(res, ref, 10, f"{name} query {method}")
    index.n_jobs = 2
    try:
        two = index.query(Q, 10, method=method)
    finally:
        index.n_jobs = None
    np.testing.assert_array_equal(two.ids, res.ids)
    np.testing.assert_array_equal(two.scores, res.scores)


@pytest.mark.parametrize("method", METHODS)
def test_query_with_the_index_itself_finds_each_row_first(case: Case, method: str) -> None:
    n = case.X.shape[0]
    sample = np.arange(0, n, 5)
    Q = case.X[sample]
    res = case.index.query(Q, 5, method=method)
    nonempty = case.X.getnnz(axis=1)[sample] > 0
    cand = case.ref.cand[sample]
    cand[np.arange(len(sample)), sample] = nonempty  # nothing excluded: the row itself counts
    ref = Reference(case.ref.S[sample], cand, TOL)
    assert_topk_matches(res, ref, 5, f"{case.name} self-query {method}")
    np.testing.assert_allclose(res.scores[nonempty, 0], 1.0, atol=TOL)
    first = res.ids[:, 0]
    is_self = first == sample
    # an exact duplicate with a lower id ties with the row itself and may come first
    tie = np.abs(ref.S[np.arange(len(sample)), first] - 1.0) <= TOL
    assert np.all(is_self | tie)
    assert np.all(first[nonempty & ~is_self] < sample[nonempty & ~is_self])
    assert is_self[nonempty].mean() > 0.9


# ----------------------------------------------------------------------------- 4. explain, keywords


def _sample_pairs(case: Case, rng: np.random.Generator) -> list[tuple[int, int]]:
    ids = case.top_k("auto").ids
    n = ids.shape[0]
    rows = rng.choice(n, 60, replace=False)
    out = [(int(r), int(ids[r, c])) for r in rows for c in (0, 9) if ids[r, c] >= 0]
    out += [(int(a), int(b)) for a, b in rng.integers(0, n, (40, 2))]
    out += [(int(r), int(r)) for r in rows[:5]]
    return out


def test_explain_sums_to_cosine(case: Case) -> None:
    rng = np.random.default_rng(7)
    names = case.vectorizer.get_feature_names_out()
    column = {t: c for c, t in enumerate(names)}
    X = case.X
    for a, b in _sample_pairs(case, rng):
        full = case.index.explain(a, b, top=X.shape[1])
        assert isinstance(full, Explanation)
        cos = case.ref.S[a, b]
        assert abs(full.score - cos) <= TOL, (a, b)
        assert abs(float(np.sum(full.contributions)) - cos) <= TOL, (a, b)
        assert np.all(np.diff(full.contributions) <= 0), "contributions not sorted descending"
        assert all(isinstance(t, str) for t in full.terms)
        cols = [column[t] for t in full.terms]
        shared = np.intersect1d(X[a].indices, X[b].indices)
        assert sorted(cols) == shared.tolist()
        expected = X[a, cols].toarray().ravel().astype(np.float64) * X[b, cols].toarray().ravel()
        np.testing.assert_allclose(full.contributions, expected, rtol=1e-6, atol=1e-12)
        # the default keeps the ten largest and still reports the full score
        short = case.index.explain(a, b)
        assert short.terms == full.terms[:10]
        np.testing.assert_array_equal(short.contributions, full.contributions[:10])
        assert short.score == full.score
        # symmetric
        back = case.index.explain(b, a, top=X.shape[1])
        assert back.score == full.score
        assert sorted(back.terms) == sorted(full.terms)


def test_explain_matches_top_k_scores(case: Case) -> None:
    ids, scores = case.top_k("auto")
    for r in range(0, ids.shape[0], 97):
        for c in range(3):
            if ids[r, c] >= 0:
                e = case.index.explain(r, int(ids[r, c]), top=0)
                assert e.terms == [] and e.contributions.shape == (0,)
                assert abs(e.score - scores[r, c]) <= TOL


def test_index_without_feature_names_gives_columns() -> None:
    X = sp.csr_matrix(np.array([[1.0, 0.0, 2.0], [3.0, 0.0, 4.0]]))
    e = SimilarityIndex(X).explain(0, 1)
    assert e.terms == [2, 0]
    np.testing.assert_array_equal(e.contributions, [8.0, 3.0])
    assert e.score == 11.0


@pytest.fixture(scope="module")
def sample() -> Corpus:
    return newsim.datasets.load_sample()


def test_vectorizer_explain_on_sample_articles(sample: Corpus, gnad: Corpus) -> None:
    a, b = sample.texts
    vec = TfidfVectorizer(language="de").fit([*gnad.texts, a, b])
    X = sp.csr_matrix(vec.transform([a, b]), dtype=np.float64)
    cos = float(X[0].multiply(X[1]).sum())
    assert cos > 0.0
    full = vec.explain(a, b, top=10**6)
    assert abs(full.score - cos) <= TOL
    assert abs(float(full.contributions.sum()) - cos) <= TOL
    assert np.all(np.diff(full.contributions) <= 0)
    names = set(vec.get_feature_names_out().tolist())
    assert full.terms and all(t in names for t in full.terms)
    short = vec.explain(a, b)
    assert len(short.terms) == min(10, len(full.terms))
    assert short.terms == full.terms[: len(short.terms)]
    assert abs(short.score - cos) <= TOL
    assert float(short.contributions.sum()) <= cos + TOL


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_vectorizer_explain_equals_an_index_over_the_two_texts(
    sample: Corpus, gnad: Corpus, dtype: Any
) -> None:
    # The vectorizer explains the two rows directly; an index over them gives the same terms,
    # products (float32 weights multiplied in double), order of ties and score.
    texts = [*gnad.texts[:50], *sample.texts]
    vec = TfidfVectorizer(language="de", dtype=dtype).fit(texts)
    for a, b in [(sample.texts[0], sample.texts[1]), (texts[0], texts[1]), (texts[3], texts[3])]:
        index = SimilarityIndex(vec.transform([a, b]), feature_names=vec.get_feature_names_out())
        for top in (3, 10**6):
            direct = vec.explain(a, b, top=top)
            via_index = index.explain(0, 1, top=top)
            assert direct.terms == via_index.terms
            assert all(type(t) is str for t in direct.terms)
            np.testing.assert_array_equal(direct.contributions, via_index.contributions)
            assert direct.score == via_index.score


def test_vectorizer_index_knows_feature_names(gnad: Corpus) -> None:
    texts = list(gnad.texts[:200])
    vec = TfidfVectorizer(language="de")
    index = vec.index(texts)
    assert isinstance(index, SimilarityIndex)
    assert len(index) == index.n_articles == 200
    assert index.n_features == len(vec.get_feature_names_out())
    assert index.normalized_
    np.testing.assert_array_equal(index.feature_names_, vec.get_feature_names_out())
    X = vec.transform(texts)
    assert_topk_matches(index.top_k(5), Reference.build(X, tol=TOL), 5, "vec.index")
    ids = index.top_k(1).ids
    r = int(np.argmax(ids[:, 0] >= 0))
    e = index.explain(r, int(ids[r, 0]))
    assert all(isinstance(t, str) for t in e.terms)
    assert "cosine" in repr(index)


@pytest.mark.parametrize("corpus", ["gnad", "bbc"])
def test_keywords_are_the_top_weighted_terms(corpus: str, corpora: dict[str, Corpus]) -> None:
    texts = list(corpora[corpus].texts)
    vec = TfidfVectorizer(language=LANGUAGE[corpus]).fit(texts)
    docs = [*texts[:150], "Haus", ""]
    kw = vec.keywords(docs, top=8)
    assert isinstance(kw, Keywords)
    assert len(kw.terms) == len(kw.weights) == len(docs)
    X = sp.csr_matrix(vec.transform(docs))
    names = vec.get_feature_names_out()
    for r in range(len(docs)):
        row = X[r]
        order = np.lexsort((row.indices, -row.data))[:8]  # weight desc, then lower column
        assert kw.terms[r] == [names[c] for c in row.indices[order]], r
        np.testing.assert_array_equal(kw.weights[r], row.data[order])
        assert len(kw.terms[r]) == min(8, row.nnz)
    assert kw.terms[-1] == []


def test_keywords_of_a_float64_vectorizer(bbc: Corpus) -> None:
    vec = newsim.SklearnTfidfVectorizer().fit(bbc.texts)
    docs = list(bbc.texts[:100])
    kw = vec.keywords(docs, top=6)
    X = sp.csr_matrix(vec.transform(docs))
    assert X.dtype == np.float64
    names = vec.get_feature_names_out()
    for r in range(len(docs)):
        row = X[r]
        order = np.lexsort((row.indices, -row.data))[:6]
        assert kw.terms[r] == [names[c] for c in row.indices[order]], r
        np.testing.assert_allclose(kw.weights[r], row.data[order], rtol=1e-6)


# ----------------------------------------------------------------------------- 5. properties


@pytest.fixture(scope="module")
def unnormalized(gnad: Corpus) -> tuple[SimilarityIndex, sp.csr_matrix, Reference]:
    X = sp.csr_matrix(TfidfVectorizer(language="de", norm=None).fit_transform(gnad.texts[:400]))
    return SimilarityIndex(X), X, Reference.build(X)


@pytest.mark.parametrize("method", METHODS)
def test_unnormalized_scores_are_dot_products(
    unnormalized: tuple[SimilarityIndex, sp.csr_matrix, Reference], method: str
) -> None:
    index, _, ref = unnormalized
    assert not index.normalized_
    assert "dot product" in repr(index)
    assert ref.S.max() > 2.0  # really unnormalized
    assert_topk_matches(index.top_k(10, method=method), ref, 10, f"unnormalized {method}")
    t = float(np.quantile(ref.S[np.triu_indices_from(ref.S, 1)], 0.99))
    assert t > 1.0  # a threshold above 1 is fine without normalization
    assert_pairs_match(index.pairs(t, method=method), ref, t, f"unnormalized {method}")


def test_normalized_flag() -> None:
    X = sp.random(30, 20, density=0.3, format="csr", random_state=1)
    assert not SimilarityIndex(X).normalized_
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1))).ravel()
    norms[norms == 0] = 1.0
    Xn = sp.csr_matrix(sp.diags(1.0 / norms) @ X)
    assert SimilarityIndex(Xn).normalized_
    assert SimilarityIndex(Xn.astype(np.float32)).normalized_
    assert SimilarityIndex(sp.csr_matrix((4, 3))).normalized_  # no rows: vacuously
    assert not SimilarityIndex(2.0 * Xn).normalized_


@pytest.fixture(scope="module")
def signed() -> tuple[SimilarityIndex, sp.csr_matrix, Reference]:
    rng = np.random.default_rng(11)
    A = np.where(rng.random((300, 120)) < 0.08, rng.standard_normal((300, 120)), 0.0)
    A[5] = A[7]  # duplicate rows: ties
    A[9] = 0.0  # an empty row
    X = sp.csr_matrix(A)
    return SimilarityIndex(X), X, Reference.build(X)


@pytest.mark.parametrize("method", METHODS)
def test_negative_weights_fall_back_to_exact_results(
    signed: tuple[SimilarityIndex, sp.csr_matrix, Reference], method: str
) -> None:
    index, X, ref = signed
    assert (X.data < 0).any()
    assert not index.normalized_
    assert_topk_matches(index.top_k(10, method=method), ref, 10, f"signed {method}")
    assert_topk_matches(index.top_k(3, method=method), ref, 3, f"signed k=3 {method}")
    for t in (0.5, 1.5):
        assert_pairs_match(index.pairs(t, method=method), ref, t, f"signed {method} t={t}")
    Q = X[:50]
    qref = Reference.build(X, Q)
    assert_topk_matches(index.query(Q, 7, method=method), qref, 7, f"signed query {method}")


def test_negative_query_against_non_negative_index(case: Case) -> None:
    rng = np.random.default_rng(3)
    Q = sp.csr_matrix(case.X[:40], dtype=np.float64, copy=True)
    Q.data = Q.data * rng.choice([-1.0, 1.0], Q.nnz)
    ref = Reference.build(case.X, Q, tol=TOL)
    for method in METHODS:
        res = case.index.query(Q, 10, method=method)
        assert_topk_matches(res, ref, 10, f"{case.name} signed query {method}")


# ----------------------------------------------------------------------------- 6. hypothesis


@st.composite
def sparse_matrices(draw: st.DrawFn) -> sp.csr_matrix:
    n = draw(st.integers(0, 60))
    m = draw(st.integers(1, 40))
    density = draw(st.floats(0.05, 0.5))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    normalize = draw(st.booleans())
    quantized = draw(st.booleans())  # values from a small set: many exact ties
    empty = draw(st.sampled_from([0.0, 0.1, 0.3]))
    n_dup = draw(st.integers(0, n // 3))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    mask = rng.random((n, m)) < density
    if quantized:
        vals = rng.choice([0.25, 0.5, 1.0, 2.0], (n, m))
    else:
        vals = rng.uniform(0.01, 1.0, (n, m))
    A = np.where(mask, vals, 0.0)
    A[rng.random(n) < empty] = 0.0
    for _ in range(n_dup):
        A[rng.integers(n)] = A[rng.integers(n)]
    if normalize:
        norms = np.linalg.norm(A, axis=1)
        norms[norms == 0] = 1.0
        A = A / norms[:, None]
    return sp.csr_matrix(A.astype(dtype))


# Equal float32 scores whose float64 sums differ in the last bits (found by hypothesis).
NEAR_TIE = np.array([[1, 0, 0], [0.70710677, 0.70710677, 0], [1 / 3, 2 / 3, 2 / 3]], np.float32)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(X=sparse_matrices(), k=st.integers(0, 12), t_frac=st.floats(0.05, 1.0))
@example(X=sp.csr_matrix(NEAR_TIE), k=2, t_frac=0.5)
def test_random_matrices_equal_dense_reference(X: sp.csr_matrix, k: int, t_frac: float) -> None:
    index = SimilarityIndex(X)
    ref = Reference.build(X)
    n = X.shape[0]
    sq = np.asarray(X.astype(np.float64).multiply(X).sum(axis=1)).ravel()
    assert index.normalized_ == bool(np.all(np.abs(sq[sq > 0] - 1.0) <= 1e-4))
    results = {}
    for method in METHODS:
        res = index.top_k(k, method=method)
        assert_topk_matches(res, ref, k, f"{method} k={k}")
        results[method] = res
    assert_topk_agree(results["auto"], results["pruned"], ref.tol, "auto/pruned")
    assert_topk_agree(results["auto"], results["brute"], ref.tol, "auto/brute")
    # query with the index itself: nothing excluded
    qref = Reference.build(X, X, tol=ref.tol)
    for method in METHODS:
        assert_topk_matches(index.query(X, k, method=method), qref, k, f"query {method}")
    # pairs: thresholds relative to the largest off-diagonal score
    off = ref.S[np.triu_indices(n, 1)] if n > 1 else np.zeros(0)
    top = float(off.max()) if off.size and off.max() > 0 else 1.0
    t = t_frac * (min(top, 1.0) if index.normalized_ else top)
    for method in METHODS:
        assert_pairs_match(index.pairs(t, method=method), ref, t, f"pairs {method} t={t}")
    if off.size and off.max() > 0:  # a threshold equal to an existing score
        t_exact = float(off[off > 0][0])
        if index.normalized_:  # a duplicate's score may round above 1
            t_exact = min(t_exact, 1.0)
        assert_pairs_match(index.pairs(t_exact), ref, t_exact, f"pairs at an exact score {t}")


# ----------------------------------------------------------------------------- 7. edge cases


@pytest.mark.parametrize("method", METHODS)
def test_empty_index(method: str) -> None:
    index = SimilarityIndex(sp.csr_matrix((0, 5)))
    assert len(index) == 0 and index.n_features == 5
    for k in (0, 3):
        ids, scores = index.top_k(k, method=method)
        assert ids.shape == scores.shape == (0, k)
    assert index.pairs(0.5, method=method).n_pairs == 0
    ids, scores = index.query(sp.csr_matrix(np.ones((2, 5))), 3, method=method)
    np.testing.assert_array_equal(ids, -np.ones((2, 3)))
    np.testing.assert_array_equal(scores, np.zeros((2, 3)))
    with pytest.raises(IndexError, match="out of range"):
        index.explain(0, 0)


HAND = np.array(
    [
        [1.0, 0.0, 0.5, 0.0],
        [0.5, 0.5, 0.0, 0.0],
        [0.0, 0.75, 0.25, 0.0],
        [0.5, 0.5, 0.0, 0.0],
        [0.0, 0.0, 0.0, 2.0],
    ]
)


@pytest.mark.parametrize("method", METHODS)
def test_hand_computed_top_k_and_padding(method: str) -> None:
    index = SimilarityIndex(HAND)
    ids, scores = index.top_k(3, method=method)
    np.testing.assert_array_equal(ids, [[1, 3, 2], [0, 3, 2], [1, 3, 0], [0, 1, 2], [-1, -1, -1]])
    np.testing.assert_array_equal(
        scores,
        [[0.5, 0.5, 0.125], [0.5, 0.5, 0.375], [0.375, 0.375, 0.125], [0.5, 0.5, 0.375], [0] * 3],
    )
    ids, scores = index.top_k(7, method=method)  # k > n - 1
    assert ids.shape == (5, 7)
    np.testing.assert_array_equal(ids[:, 3:], -1)
    np.testing.assert_array_equal(scores[:, 3:], 0.0)
    ids, scores = index.top_k(0, method=method)
    assert ids.shape == scores.shape == (5, 0)
    p = index.pairs(0.375, method=method)
    assert list(zip(p.article_row.tolist(), p.neighbor_row.tolist(), p.score.tolist())) == [
        (0, 1, 0.5),
        (0, 3, 0.5),
        (1, 2, 0.375),
        (1, 3, 0.5),
        (2, 3, 0.375),
    ]
    ids, scores = index.query(np.array([[0.0, 1.0, 0.0, 0.0]]), 4, method=method)
    np.testing.assert_array_equal(ids, [[2, 1, 3, -1]])
    np.testing.assert_array_equal(scores, [[0.75, 0.5, 0.5, 0.0]])


@pytest.mark.parametrize("method", METHODS)
def test_rows_without_shared_terms(method: str) -> None:
    index = SimilarityIndex(sp.identity(6, format="csr"))
    ids, scores = index.top_k(4, method=method)
    np.testing.assert_array_equal(ids, -1)
    np.testing.assert_array_equal(scores, 0.0)
    assert index.pairs(0.01, method=method).n_pairs == 0
    e = index.explain(0, 1)
    assert e.terms == [] and e.score == 0.0


@pytest.mark.parametrize("method", METHODS)
def test_one_row_index(method: str) -> None:
    index = SimilarityIndex(np.array([[0.6, 0.8]]))
    assert index.normalized_
    ids, scores = index.top_k(2, method=method)
    np.testing.assert_array_equal(ids, [[-1, -1]])
    np.testing.assert_array_equal(scores, [[0.0, 0.0]])
    assert index.pairs(0.1, method=method).n_pairs == 0
    ids, scores = index.query(np.array([[0.6, 0.8]]), 2, method=method)
    np.testing.assert_array_equal(ids, [[0, -1]])
    assert abs(scores[0, 0] - 1.0) <= TOL
    assert abs(index.explain(0, 0).score - 1.0) <= TOL


def test_input_formats_are_equivalent() -> None:
    dense = HAND
    expected = SimilarityIndex(dense).top_k(3)
    for X in (
        sp.csr_matrix(dense),
        sp.csc_matrix(dense),
        sp.coo_matrix(dense),
        sp.csr_matrix(dense, dtype=np.float32),
        sp.csr_array(dense),
        (dense > 0).astype(np.int64) * dense.astype(np.float64),
    ):
        got = SimilarityIndex(X).top_k(3)
        np.testing.assert_array_equal(got.ids, expected.ids)
        np.testing.assert_array_equal(got.scores, expected.scores)


def test_non_canonical_csr_and_int64_indices() -> None:
    expected = SimilarityIndex(HAND).top_k(3)
    # each row's entries in reverse column order, each value split into two stored entries
    indptr, indices, data = [0], [], []
    for row in HAND:
        cols = np.nonzero(row)[0][::-1]
        indices += [*cols, *cols]
        data += [*(row[cols] / 4), *(row[cols] * 3 / 4)]
        indptr.append(len(indices))
    messy = sp.csr_matrix(
        (np.array(data), np.array(indices, np.int32), np.array(indptr, np.int32)),
        shape=HAND.shape,
    )
    assert not messy.has_canonical_format
    wide = sp.csr_matrix(HAND)
    wide.indices = wide.indices.astype(np.int64)
    wide.indptr = wide.indptr.astype(np.int64)
    for X in (messy, wide):
        for method in METHODS:
            got = SimilarityIndex(X).top_k(3, method=method)
            np.testing.assert_array_equal(got.ids, expected.ids)
            np.testing.assert_array_equal(got.scores, expected.scores)
        assert SimilarityIndex(X).explain(1, 3).score == 0.5
    q = SimilarityIndex(messy).query(wide, 3)
    np.testing.assert_array_equal(q.ids, [[0, 1, 3], [0, 1, 3], [2, 1, 3], [0, 1, 3], [4, -1, -1]])


@pytest.mark.parametrize("method", METHODS)
def test_equal_scores_are_ordered_by_lower_id(method: str) -> None:
    """Rows whose float32 scores are equal come lower id first, whatever the method.

    s(1, 0) and s(1, 2) differ by 2e-8 in float64 and are the same float32; the returned scores
    are equal, so the order must be by id (as the 'auto' kernel does).
    """
    index = SimilarityIndex(NEAR_TIE)
    ids, scores = index.top_k(2, method=method)
    assert scores[1, 0] == scores[1, 1]
    assert ids[1].tolist() == [0, 2]
    ids, scores = index.query(NEAR_TIE[1:2], 3, method=method)
    assert scores[0, 1] == scores[0, 2]
    assert ids[0].tolist() == [1, 0, 2]


@pytest.fixture(scope="module")
def gnad_half(gnad: Corpus) -> tuple[SimilarityIndex, Reference]:
    X = sp.csr_matrix(TfidfVectorizer(language="de").fit_transform(gnad.texts[:500]))
    return SimilarityIndex(X), Reference.build(X, tol=TOL)


@pytest.mark.parametrize("k", [1, 255, 256, 600])
@pytest.mark.parametrize("method", METHODS)
def test_small_and_large_k(
    gnad_half: tuple[SimilarityIndex, Reference], method: str, k: int
) -> None:
    """k = 1, the largest k of the symmetric kernel, one more (per-row path), k > n."""
    index, ref = gnad_half
    assert_topk_matches(index.top_k(k, method=method), ref, k, f"k={k} {method}")


def test_all_cores_equal_one(gnad_half: tuple[SimilarityIndex, Reference]) -> None:
    index, _ = gnad_half
    one = {m: index.top_k(10, method=m) for m in METHODS}
    index.n_jobs = -1
    try:
        for m in METHODS:
            np.testing.assert_array_equal(index.top_k(10, method=m).ids, one[m].ids)
            np.testing.assert_array_equal(index.top_k(10, method=m).scores, one[m].scores)
        p = index.pairs(0.3)
    finally:
        index.n_jobs = None
    q = index.pairs(0.3)
    np.testing.assert_array_equal(p.article_row, q.article_row)
    np.testing.assert_array_equal(p.neighbor_row, q.neighbor_row)
    np.testing.assert_array_equal(p.score, q.score)


# ----------------------------------------------------------------------------- 8. bad input


@pytest.fixture(scope="module")
def small() -> SimilarityIndex:
    return SimilarityIndex(HAND)


@pytest.mark.parametrize(
    ("X", "exc", "message"),
    [
        (np.ones(3), ValueError, r"X must be 2-D, got an array of shape \(3,\)"),
        (np.ones((2, 2, 2)), ValueError, r"X must be 2-D, got an array of shape \(2, 2, 2\)"),
        (["ein Haus", "noch ein Haus"], TypeError, r"X must hold numbers, got dtype <U"),
        (None, TypeError, r"X must be a 2-D sparse matrix or array, got NoneType"),
        ("ein Haus", TypeError, r"X must be a 2-D sparse matrix or array, got str"),
        (b"bytes", TypeError, r"X must be a 2-D sparse matrix or array, got bytes"),
        (np.array([[1 + 1j, 0]]), TypeError, r"X must hold real numbers"),
    ],
    ids=["1d", "3d", "strings", "None", "str", "bytes", "complex"],
)
def test_bad_matrix(X: Any, exc: type, message: str) -> None:
    with pytest.raises(exc, match=message):
        SimilarityIndex(X)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("sparse", [True, False])
def test_nan_or_inf_names_the_row(bad: float, sparse: bool) -> None:
    A = np.array(HAND)
    A[3, 1] = bad
    X = sp.csr_matrix(A) if sparse else A
    with pytest.raises(ValueError, match=r"X: row 3 contains a NaN or infinite value"):
        SimilarityIndex(X)
    index = SimilarityIndex(HAND)
    Q = np.zeros((3, 4))
    Q[2, 0] = bad
    with pytest.raises(ValueError, match=r"Q: row 2 contains a NaN or infinite value"):
        index.query(sp.csr_matrix(Q) if sparse else Q, 2)


@pytest.mark.parametrize("call", ["top_k", "query"])
def test_bad_k(small: SimilarityIndex, call: str) -> None:
    def run(k: Any) -> Any:
        if call == "top_k":
            return small.top_k(k)
        return small.query(HAND, k)

    with pytest.raises(ValueError, match=r"k must be >= 0, got -1"):
        run(-1)
    for k, name in [(2.0, "float"), ("3", "str"), (None, "NoneType"), (True, "bool")]:
        with pytest.raises(TypeError, match=rf"k must be an int, got {name}"):
            run(k)
    assert run(np.int64(2)).ids.shape[1] == 2


@pytest.mark.parametrize(
    "threshold",
    [0, 0.0, -0.5, 1.5, float("nan"), float("inf"), -float("inf")],
    ids=["0", "0.0", "-0.5", "1.5", "nan", "inf", "-inf"],
)
def test_bad_threshold_on_normalized_index(threshold: float) -> None:
    index = SimilarityIndex(np.array([[0.6, 0.8], [1.0, 0.0]]))
    assert index.normalized_
    with pytest.raises(ValueError, match=r"threshold must be in \(0, 1\], got"):
        index.pairs(threshold)


def test_threshold_bounds_without_normalization(small: SimilarityIndex) -> None:
    assert not small.normalized_
    assert small.pairs(1.5).n_pairs == 0  # allowed: scores are dot products
    for t in (0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match=r"threshold must be in \(0, inf\]"):
            small.pairs(t)
    for t in ("0.5", None, True):
        with pytest.raises(TypeError, match=r"threshold must be a number"):
            small.pairs(t)  # type: ignore[arg-type]


def test_query_with_wrong_number_of_columns(small: SimilarityIndex) -> None:
    with pytest.raises(ValueError, match=r"Q has 5 columns, the index has 4"):
        small.query(np.ones((2, 5)), 3)
    with pytest.raises(ValueError, match=r"Q has 3 columns, the index has 4"):
        small.query(sp.csr_matrix((1, 3)), 3)
    with pytest.raises(ValueError, match=r"Q must be 2-D"):
        small.query(np.ones(4), 3)
    with pytest.raises(TypeError, match=r"Q must be a 2-D sparse matrix or array, got NoneType"):
        small.query(None, 3)


@pytest.mark.parametrize(
    ("i", "j", "message"),
    [
        (5, 0, r"article id i=5 is out of range for an index of 5 articles"),
        (0, 99, r"article id j=99 is out of range for an index of 5 articles"),
        (-1, 0, r"article id i=-1 is out of range for an index of 5 articles"),
        (0, -3, r"article id j=-3 is out of range for an index of 5 articles"),
    ],
)
def test_explain_bad_id(small: SimilarityIndex, i: int, j: int, message: str) -> None:
    with pytest.raises(IndexError, match=message):
        small.explain(i, j)


def test_explain_id_not_int(small: SimilarityIndex) -> None:
    with pytest.raises(TypeError, match=r"i must be an int, got float"):
        small.explain(1.0, 2)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"j must be an int, got str"):
        small.explain(1, "2")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"must be >= 0"):
        small.explain(1, 2, top=-1)


def test_bad_method(small: SimilarityIndex) -> None:
    message = re.escape("method must be one of 'auto', 'pruned', 'brute', got 'fast'")
    with pytest.raises(ValueError, match=message):
        small.top_k(2, method="fast")
    with pytest.raises(ValueError, match=message):
        small.pairs(0.5, method="fast")
    with pytest.raises(ValueError, match=message):
        small.query(HAND, 2, method="fast")


def test_feature_names_of_wrong_length() -> None:
    with pytest.raises(ValueError, match=r"feature_names has 3 entries, X has 4 columns"):
        SimilarityIndex(HAND, feature_names=["a", "b", "c"])


# ----------------------------------------------------------------------------- 9. to_frame


def test_top_k_to_frame(small: SimilarityIndex) -> None:
    res = small.top_k(4)
    df = res.to_frame()
    assert list(df.columns) == ["article_row", "rank", "neighbor_row", "score"]
    assert len(df) == int((res.ids >= 0).sum()) == 12  # padding left out
    assert df["article_row"].tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert df["rank"].tolist() == [1, 2, 3] * 4
    assert df["neighbor_row"].tolist()[:3] == [1, 3, 2]
    np.testing.assert_array_equal(df["score"].to_numpy(), res.scores[res.ids >= 0])
    labels = ["a", "b", "c", "d", "e"]
    named = res.to_frame(ids=labels)
    assert list(named.columns) == ["article_row", "rank", "neighbor_row", "neighbor_id", "score"]
    assert len(named) == 12
    assert named["neighbor_id"].tolist()[:3] == ["b", "d", "c"]
    pd.testing.assert_frame_equal(named.drop(columns="neighbor_id"), df)
    empty = SimilarityIndex(sp.identity(3, format="csr")).top_k(2).to_frame()
    assert list(empty.columns) == ["article_row", "rank", "neighbor_row", "score"]
    assert len(empty) == 0


def test_pairs_to_frame(small: SimilarityIndex) -> None:
    p = small.pairs(0.375)
    df = p.to_frame()
    assert list(df.columns) == ["article_row", "neighbor_row", "score"]
    assert len(df) == p.n_pairs == 5
    named = p.to_frame(ids=list("abcde"))
    assert list(named.columns) == [
        "article_row",
        "article_id",
        "neighbor_row",
        "neighbor_id",
        "score",
    ]
    assert named["article_id"].tolist() == ["a", "a", "b", "b", "c"]
    assert named["neighbor_id"].tolist() == ["b", "d", "c", "d", "d"]
    frame = small.pairs(0.375, as_frame=True)
    pd.testing.assert_frame_equal(frame, df)
    assert len(small.pairs(0.9, as_frame=True)) == 0


def test_explanation_to_frame() -> None:
    index = SimilarityIndex(HAND, feature_names=["w", "x", "y", "z"])
    e = index.explain(1, 3)
    df = e.to_frame()
    assert list(df.columns) == ["term", "contribution", "share"]
    assert len(df) == 2
    assert df["term"].tolist() == ["w", "x"]
    np.testing.assert_allclose(df["share"].to_numpy(), [0.5, 0.5])
    none = index.explain(0, 4).to_frame()
    assert list(none.columns) == ["term", "contribution", "share"] and len(none) == 0


def test_keywords_to_frame(gnad: Corpus) -> None:
    vec = TfidfVectorizer(language="de").fit(gnad.texts[:100])
    docs = [*gnad.texts[:3], ""]
    kw = vec.keywords(docs, top=5)
    df = kw.to_frame()
    assert list(df.columns) == ["article_row", "rank", "term", "weight"]
    assert len(df) == sum(len(t) for t in kw.terms) == 15
    assert df["rank"].tolist() == [1, 2, 3, 4, 5] * 3
    assert df["article_row"].tolist() == [0] * 5 + [1] * 5 + [2] * 5
    named = kw.to_frame(ids=["a", "b", "c", "d"])
    assert list(named.columns) == ["article_row", "article_id", "rank", "term", "weight"]
    assert named["article_id"].tolist() == ["a"] * 5 + ["b"] * 5 + ["c"] * 5
    assert math.isclose(float(df["weight"].iloc[0]), float(kw.weights[0][0]))


# ----------------------------------------------------------------------------- stored zeros


def test_stored_zero_makes_no_phantom_neighbors() -> None:
    """Issue 18, finding 4: rows sharing only an explicitly stored zero are no neighbors."""
    X = sp.csr_matrix((np.float32([1, 0, 1]), [0, 0, 1], [0, 1, 2, 3]), shape=(3, 2))
    for method in ("auto", "brute", "pruned"):
        result = SimilarityIndex(X).top_k(2, method=method)
        assert (result.ids == -1).all(), method
        assert (result.scores == 0).all()
    assert SimilarityIndex(X).pairs(1e-9).n_pairs == 0
    hits = SimilarityIndex(X).query(sp.csr_matrix(np.float32([[0, 1]])), k=3)
    assert hits.ids.tolist() == [[2, -1, -1]]  # row 1 holds only a stored zero


def test_hashing_output_with_cancelled_entries_has_no_phantom_neighbors() -> None:
    from newsim import HashingVectorizer

    docs = ["alpha beta", "gamma", "beta delta"]
    X = HashingVectorizer(n_features=1, alternate_sign=True, norm=None).fit_transform(docs)
    # Every term lands in column 0; a document whose signed counts cancel stores a zero there.
    zero_rows = [r for r in range(X.shape[0]) if X[r].nnz and not X[r].data.any()]
    result = SimilarityIndex(X).top_k(2)
    for r in zero_rows:
        assert (result.ids[r] == -1).all()
        assert r not in result.ids


def test_integer_matrix_of_truncated_weights_is_refused() -> None:
    X = TfidfVectorizer(language=None).fit_transform(["ein Haus", "zwei Häuser", "ein Boot"])
    with pytest.raises(ValueError, match=r"int32 matrix whose \d+ stored values are all 0"):
        SimilarityIndex(X.astype(np.int32))
    counts = sp.csr_matrix(np.int32([[1, 0], [2, 1]]))
    assert SimilarityIndex(counts).top_k(1).ids.tolist() == [[1], [0]]
