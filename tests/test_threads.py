"""Threads: fitted objects shared by several Python threads give exactly the serial results.

A fitted vectorizer and a similarity index are immutable once built: their C++ cores run
``transform``, ``top_k``, ``query``, ``pairs`` and ``explain`` with the GIL released, from any
number of threads at once, each call on its own scratch space (``n_jobs`` threads inside one
call). These tests run 6 Python threads at once over the *same* C++ objects, with n_jobs=1 and
n_jobs=2 (shallow copies share the core and differ only in ``n_jobs``), and compare every result
with the one computed serially beforehand, bit for bit. A ``threading.Barrier`` starts the
threads together; nothing waits on a timer.

Not thread-safe, as in scikit-learn: refitting or ``set_params`` on an estimator while another
thread uses that same estimator.
"""

from __future__ import annotations

import copy
import pickle
import threading
from collections.abc import Iterator
from typing import Any, Callable

import numpy as np
import pytest
import scipy.sparse as sp

from newsim import SimilarityIndex, SklearnTfidfVectorizer, TfidfVectorizer
from newsim.datasets import Corpus

N_THREADS = 6
ROUNDS = 12


def same_csr(A: sp.csr_matrix, B: sp.csr_matrix) -> bool:
    return (
        A.shape == B.shape
        and A.dtype == B.dtype
        and np.array_equal(A.indptr, B.indptr)
        and np.array_equal(A.indices, B.indices)
        and np.array_equal(A.data, B.data)
    )


def same_arrays(a: tuple[np.ndarray, ...], b: tuple[np.ndarray, ...]) -> bool:
    return len(a) == len(b) and all(
        x.dtype == y.dtype and np.array_equal(x, y) for x, y in zip(a, b)
    )


def run_concurrently(work: Callable[[int], list[str]]) -> list[str]:
    """Run ``work(thread_number)`` on N_THREADS threads started together; gather problems."""
    barrier = threading.Barrier(N_THREADS)
    problems: list[str] = []
    lock = threading.Lock()

    def body(t: int) -> None:
        try:
            barrier.wait()
            found = work(t)
        except BaseException as exc:  # reported below, with the thread's number
            found = [f"thread {t}: {type(exc).__name__}: {exc}"]
        with lock:
            problems.extend(found)

    threads = [threading.Thread(target=body, args=(t,)) for t in range(N_THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return problems


@pytest.fixture(scope="module")
def articles(gnad: Corpus, bbc: Corpus) -> list[str]:
    return list(gnad.texts[:150]) + list(bbc.texts[:150])


@pytest.fixture(scope="module", params=["newsim", "sklearn_mode"])
def vectorizer(request: pytest.FixtureRequest, articles: list[str]) -> Any:
    if request.param == "newsim":
        vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2)
    else:
        vec = SklearnTfidfVectorizer(sublinear_tf=True)
    return vec.fit(articles[::2])


def with_jobs(obj: Any, n_jobs: int) -> Any:
    """A shallow copy sharing the fitted C++ core, with another n_jobs."""
    other = copy.copy(obj)
    other.n_jobs = n_jobs
    return other


def batches(articles: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(articles), 60):
        yield articles[start : start + 60]


def test_transform_from_many_threads(vectorizer: Any, articles: list[str]) -> None:
    chunks = list(batches(articles))
    expected = [vectorizer.transform(c) for c in chunks]
    views = [with_jobs(vectorizer, 1), with_jobs(vectorizer, 2)]

    def work(t: int) -> list[str]:
        problems = []
        for r in range(ROUNDS):
            i = (t + r) % len(chunks)
            vec = views[(t + r) % 2]
            if not same_csr(vec.transform(chunks[i]), expected[i]):
                problems.append(f"thread {t} round {r}: transform of batch {i} differs")
        return problems

    assert run_concurrently(work) == []


def test_index_queries_from_many_threads(vectorizer: Any, articles: list[str]) -> None:
    X = vectorizer.transform(articles)
    index = SimilarityIndex(X, feature_names=vectorizer.get_feature_names_out())
    Q = vectorizer.transform(articles[:40])
    serial: dict[str, Any] = {
        "top_k": tuple(index.top_k(5)),
        "top_k_brute": tuple(index.top_k(5, method="brute")),
        "query": tuple(index.query(Q, 7)),
        "pairs": tuple(index.pairs(0.3)),
        "explain": index.explain(3, 4, top=20),
    }
    views = [with_jobs(index, 1), with_jobs(index, 2)]
    calls: dict[str, Callable[[SimilarityIndex], Any]] = {
        "top_k": lambda ix: tuple(ix.top_k(5)),
        "top_k_brute": lambda ix: tuple(ix.top_k(5, method="brute")),
        "query": lambda ix: tuple(ix.query(Q, 7)),
        "pairs": lambda ix: tuple(ix.pairs(0.3)),
        "explain": lambda ix: ix.explain(3, 4, top=20),
    }
    names = list(calls)

    def work(t: int) -> list[str]:
        problems = []
        for r in range(ROUNDS):
            name = names[(t + r) % len(names)]
            got = calls[name](views[(t + r) % 2])
            want = serial[name]
            if name == "explain":
                ok = (
                    got.terms == want.terms
                    and np.array_equal(got.contributions, want.contributions)
                    and got.score == want.score
                )
            else:
                ok = same_arrays(got, want)
            if not ok:
                problems.append(f"thread {t} round {r}: {name} differs from the serial result")
        return problems

    assert run_concurrently(work) == []
    assert serial["pairs"][0].size > 0  # the comparison compared something


def test_mixed_calls_on_one_vectorizer(vectorizer: Any, articles: list[str]) -> None:
    """transform, explain, keywords, pickling and the fitted attributes, all at once."""
    docs = articles[:30]
    X = vectorizer.transform(docs)
    explanation = vectorizer.explain(docs[0], docs[1])
    keywords = vectorizer.keywords(docs, top=5)
    names = list(vectorizer.get_feature_names_out())
    idf = vectorizer.idf_.copy()

    def work(t: int) -> list[str]:
        problems = []
        for r in range(ROUNDS):
            step = (t + r) % 5
            if step == 0 and not same_csr(vectorizer.transform(docs), X):
                problems.append(f"thread {t} round {r}: transform")
            elif step == 1:
                got = vectorizer.explain(docs[0], docs[1])
                if got.terms != explanation.terms or got.score != explanation.score:
                    problems.append(f"thread {t} round {r}: explain")
            elif step == 2:
                got = vectorizer.keywords(docs, top=5)
                if got.terms != keywords.terms:
                    problems.append(f"thread {t} round {r}: keywords")
            elif step == 3:
                copy_ = pickle.loads(pickle.dumps(vectorizer))
                if not same_csr(copy_.transform(docs[:5]), X[:5]):
                    problems.append(f"thread {t} round {r}: pickle round trip")
            elif step == 4:
                if list(vectorizer.get_feature_names_out()) != names or not np.array_equal(
                    vectorizer.idf_, idf
                ):
                    problems.append(f"thread {t} round {r}: fitted attributes")
        return problems

    assert run_concurrently(work) == []


def test_fitting_separate_vectorizers_concurrently(articles: list[str]) -> None:
    """Fits share nothing: one estimator per thread, same corpus, identical results."""
    expected = TfidfVectorizer(ngram_range=(1, 2), n_jobs=2).fit_transform(articles)

    def work(t: int) -> list[str]:
        vec = TfidfVectorizer(ngram_range=(1, 2), n_jobs=1 + t % 2)
        if not same_csr(vec.fit_transform(articles), expected):
            return [f"thread {t}: fit_transform differs"]
        return []

    assert run_concurrently(work) == []


# ----------------------------------------------------------------------------- n_jobs


def test_n_jobs_is_resolved_by_the_core() -> None:
    from newsim import _core
    from newsim._jobs import resolve_n_jobs

    cpus = _core.available_cpus()
    assert cpus >= 1
    assert [resolve_n_jobs(v) for v in (None, 1, 3, 2**40)] == [1, 1, 3, 2**31 - 1]
    assert resolve_n_jobs(-1) == cpus == _core.resolve_n_jobs(-1)
    assert resolve_n_jobs(-2) == max(1, cpus - 1)
    assert resolve_n_jobs(-(2**70)) == 1
    with pytest.raises(ValueError, match="n_jobs == 0 has no meaning"):
        resolve_n_jobs(0)
    with pytest.raises(ValueError, match="n_jobs == 0 has no meaning"):
        _core.resolve_n_jobs(0)
    with pytest.raises(TypeError, match="n_jobs must be an int or None, got bool"):
        resolve_n_jobs(True)
