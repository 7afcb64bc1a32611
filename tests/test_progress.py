"""Progress bars (tqdm) for fit, transform, top-k, query and pairs, and Ctrl-C on long calls.

A spy replaces the tqdm class newsim picks, writing to a StringIO: tests read each bar's final
position and total, and whether it was closed.
"""

from __future__ import annotations

import _thread
import io
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any, ClassVar

import numpy as np
import pytest
import scipy.sparse as sp
from tqdm.std import tqdm

import newsim
from newsim import _progress
from newsim._progress import (
    AUTO_SECONDS,
    Monitor,
    ProgressBar,
    check_progress,
    monitor,
    parallel_seconds,
    text_progress,
    text_seconds,
)
from newsim.datasets import Corpus


class SpyBar(tqdm):  # type: ignore[misc]
    """A text tqdm bar writing to a StringIO that remembers its instances."""

    instances: ClassVar[list[SpyBar]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["file"] = io.StringIO()
        super().__init__(*args, **kwargs)
        self.closed = False
        SpyBar.instances.append(self)

    def close(self) -> None:
        self.closed = True
        super().close()


@pytest.fixture
def bars(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[SpyBar]]:
    SpyBar.instances.clear()
    monkeypatch.setattr(_progress, "_tqdm_class", lambda: SpyBar)
    yield SpyBar.instances


@pytest.fixture
def everything_is_slow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every estimate exceed the auto threshold (the core's similarity estimates too)."""
    monkeypatch.setattr(_progress, "TEXT_CHARS_PER_SECOND", 1.0)
    monkeypatch.setattr(_progress, "AUTO_SECONDS", -1.0)


@pytest.fixture(scope="module")
def sample() -> Corpus:
    return newsim.datasets.load_sample()


def _done(bar: SpyBar) -> tuple[int, Any, bool]:
    return int(bar.n), bar.total, bar.closed


# ----------------------------------------------------------------------------- the setting


def test_defaults_are_auto() -> None:
    assert newsim.TfidfVectorizer().get_params()["progress"] is None
    assert newsim.SklearnTfidfVectorizer().get_params()["progress"] is None
    assert newsim.SimilarityIndex(sp.identity(3, format="csr")).progress is None


@pytest.mark.parametrize("bad", ["yes", 1, 0.5, [True]])
def test_progress_must_be_bool_or_none(bad: Any) -> None:
    with pytest.raises(TypeError, match=r"progress must be True, False or None \(automatic\)"):
        check_progress(bad)
    with pytest.raises(TypeError, match="progress must be True, False or None"):
        newsim.SimilarityIndex(sp.identity(3, format="csr"), progress=bad)
    with pytest.raises(TypeError, match="progress must be True, False or None"):
        newsim.TfidfVectorizer(progress=bad).fit(["ein Text"])


def test_numpy_bools_are_accepted() -> None:
    assert check_progress(np.True_) is True
    assert check_progress(np.False_) is False


# ----------------------------------------------------------------------------- estimates


def test_text_estimate_scales_with_characters_and_threads() -> None:
    docs = ["x" * 1_000_000] * 10
    one = text_seconds(docs, 1)
    assert one == pytest.approx(10e6 / _progress.TEXT_CHARS_PER_SECOND)
    cpus = max(1, min(2, newsim._core.available_cpus()))
    assert text_seconds(docs, 2) == pytest.approx(one / cpus)
    assert text_seconds([], 1) == 0.0
    assert text_seconds([None, 3, "abc"], 1) == pytest.approx(3 / _progress.TEXT_CHARS_PER_SECOND)


def test_text_estimate_stops_counting_past_the_threshold() -> None:
    class Counting(list[str]):
        seen = 0

        def __iter__(self) -> Iterator[str]:
            for d in super().__iter__():
                Counting.seen += 1
                yield d

    chunk = "x" * 10_000_000
    block = _progress._ESTIMATE_BLOCK
    needed = int(AUTO_SECONDS * _progress.TEXT_CHARS_PER_SECOND // len(chunk)) + 1
    assert needed < block
    # Whole blocks are counted: the count stops at the end of the block that passes the
    # threshold, here the first of three.
    docs = Counting([chunk] * (3 * block))
    assert text_seconds(docs, 1) > AUTO_SECONDS
    assert Counting.seen == block


def test_parallel_estimate_divides_by_the_threads_that_run() -> None:
    cpus = newsim._core.available_cpus()
    assert parallel_seconds(2.0, 1) == 2.0
    assert parallel_seconds(2.0, 10**6) == pytest.approx(2.0 / cpus)


def test_index_work_is_the_sum_of_squared_document_frequencies() -> None:
    X = sp.csr_matrix(np.array([[1, 1, 0], [1, 0, 0], [1, 0, 1]], dtype=np.float32))
    core = newsim.SimilarityIndex(X)._index
    for work in (core.top_k_work(3), core.pairs_work(), core.top_k_work(3, method="brute")):
        assert work.units == 3**2 + 1**2 + 1**2
        assert work.items == 3
    # A query's work: the document frequencies of its stored terms.
    Q = sp.csr_matrix(np.array([[1, 0, 1], [0, 0, 0]], dtype=np.float32))
    work = core.query_work(Q.data, Q.indices, Q.indptr, Q.shape)
    assert (work.units, work.items, work.kernel) == (3 + 1, 2, "scan")


@pytest.mark.parametrize(
    ("k", "method", "kernel"),
    [
        (10, "auto", "symmetric"),
        (10, "pruned", "symmetric"),  # k <= 255: the all-pairs kernel, whatever the method
        (10, "brute", "scan"),
        (256, "auto", "scan"),
        (256, "pruned", "pruned_top_k"),
    ],
)
def test_top_k_estimate_prices_the_kernel_that_runs(k: int, method: str, kernel: str) -> None:
    X = sp.random(40, 30, density=0.2, format="csr", random_state=0, dtype=np.float32)
    work = newsim.SimilarityIndex(X)._index.top_k_work(k, method=method)
    assert work.kernel == kernel
    assert work.seconds > 0
    if kernel == "symmetric":
        brute = newsim.SimilarityIndex(X)._index.top_k_work(k, method="brute")
        assert work.seconds < brute.seconds


def test_pairs_and_query_estimates_follow_the_weights_signs() -> None:
    X = sp.csr_matrix(np.array([[1, 1, 0], [1, 0, 0], [-1, 0, 1]], dtype=np.float32))
    core = newsim.SimilarityIndex(X)._index
    assert core.pairs_work(method="pruned").kernel == "scan"  # negative weights: no pruning
    P = sp.csr_matrix(np.array([[1, 1, 0]], dtype=np.float32))
    positive = newsim.SimilarityIndex(P)._index
    assert positive.pairs_work().kernel == "pruned_threshold"
    assert positive.query_work(P.data, P.indices, P.indptr, P.shape, method="pruned").kernel == (
        "pruned_top_k"
    )
    Q = -P
    assert positive.query_work(Q.data, Q.indices, Q.indptr, Q.shape, method="pruned").kernel == (
        "scan"
    )


# ----------------------------------------------------------------------------- the bar


def test_progress_bar_follows_phases_and_reaches_total() -> None:
    bar = ProgressBar("demo", 100, file=io.StringIO())
    bar(10, 50)  # 20 %
    assert bar.n == 20
    bar(50, 50)
    assert bar.n == 100
    bar(0, 7)  # a second phase: the bar does not move back
    bar(3, 7)
    assert bar.n == 100
    bar(5, 0)  # a phase without items is ignored
    bar.close()


def test_monitor_decides() -> None:
    assert monitor(None, "x", 10, lambda: 0.0) is None
    assert type(monitor(None, "x", 10, lambda: 0.5)) is Monitor  # Ctrl-C watcher only
    assert type(monitor(False, "x", 10, lambda: 100.0)) is Monitor
    assert monitor(False, "x", 10, lambda: 0.0) is None
    assert monitor(True, "x", 0, lambda: 100.0) is None  # nothing to count


def test_auto_calls_no_estimate_when_forced() -> None:
    def boom() -> float:
        raise AssertionError("estimate called")

    bar = monitor(True, "x", 5, boom)
    assert isinstance(bar, ProgressBar)
    bar.close()


# ----------------------------------------------------------------------------- vectorizers


@pytest.mark.parametrize("cls", [newsim.TfidfVectorizer, newsim.SklearnTfidfVectorizer])
def test_auto_stays_off_on_tiny_inputs(cls: Any, sample: Corpus, bars: list[SpyBar]) -> None:
    vec = cls()
    vec.fit_transform(sample.texts)
    vec.transform(sample.texts)
    assert bars == []
    assert text_progress(None, "fit", sample.texts, 1) is None


def test_auto_shows_bars_on_slow_calls(
    sample: Corpus, bars: list[SpyBar], everything_is_slow: None
) -> None:
    vec = newsim.TfidfVectorizer()
    vec.fit(sample.texts)
    vec.transform(sample.texts * 3)
    assert [_done(b) for b in bars] == [(2, 2, True), (6, 6, True)]
    assert [b.desc for b in bars] == ["newsim fit", "newsim transform"]


def test_true_forces_and_false_disables(
    sample: Corpus, bars: list[SpyBar], everything_is_slow: None
) -> None:
    newsim.TfidfVectorizer(progress=False).fit_transform(sample.texts)
    assert bars == []
    newsim.TfidfVectorizer(progress=True).fit_transform(sample.texts)
    assert [_done(b) for b in bars] == [(2, 2, True)]


def test_bar_reaches_total_on_a_real_corpus(gnad: Corpus, bars: list[SpyBar]) -> None:
    vec = newsim.TfidfVectorizer(progress=True)
    X = vec.fit_transform(gnad.texts)
    index = newsim.SimilarityIndex(X, progress=True)
    index.top_k(10)
    index.pairs(0.5)
    index.query(X[:100], 5)
    n = len(gnad.texts)
    assert [_done(b) for b in bars] == [(n, n, True)] * 3 + [(100, 100, True)]
    assert [b.desc for b in bars] == [
        "newsim fit_transform",
        "newsim top_k",
        "newsim pairs",
        "newsim query",
    ]


# ----------------------------------------------------------------------------- index


def _small_index(**kwargs: Any) -> newsim.SimilarityIndex:
    X = sp.random(50, 20, density=0.3, format="csr", random_state=1, dtype=np.float32)
    return newsim.SimilarityIndex(X, **kwargs)


def test_index_auto(bars: list[SpyBar]) -> None:
    index = _small_index()
    index.top_k(3)
    index.pairs(0.5)
    assert bars == []


def test_index_auto_on_slow_calls(bars: list[SpyBar], everything_is_slow: None) -> None:
    index = _small_index()
    index.top_k(3)
    index.pairs(0.5, method="brute")
    index.query(sp.random(7, 20, density=0.3, format="csr", random_state=2), 3)
    assert [_done(b) for b in bars] == [(50, 50, True), (50, 50, True), (7, 7, True)]
    assert {b.unit for b in bars} == {"article"}


def test_index_per_call_setting_wins(bars: list[SpyBar], everything_is_slow: None) -> None:
    index = _small_index(progress=False)
    index.top_k(3)
    assert bars == []
    index.top_k(3, progress=True)
    assert len(bars) == 1
    index = _small_index(progress=True)
    index.pairs(0.5, progress=False)
    assert len(bars) == 1
    with pytest.raises(TypeError, match="progress must be"):
        index.top_k(3, progress="on")  # type: ignore[arg-type]


def test_results_do_not_depend_on_the_bar(bars: list[SpyBar]) -> None:
    quiet, loud = _small_index(progress=False), _small_index(progress=True)
    a, b = quiet.top_k(5), loud.top_k(5)
    np.testing.assert_array_equal(a.ids, b.ids)
    np.testing.assert_array_equal(a.scores, b.scores)


# ----------------------------------------------------------------------------- without tqdm


def test_without_tqdm(monkeypatch: pytest.MonkeyPatch, sample: Corpus) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.std", None)
    monkeypatch.setattr(_progress, "TEXT_CHARS_PER_SECOND", 1.0)
    newsim.TfidfVectorizer().fit(sample.texts)  # auto: silently no bar
    with pytest.warns(UserWarning, match=r"progress=True needs tqdm.*newsim\[notebook\]"):
        vec = newsim.TfidfVectorizer(progress=True).fit(sample.texts)
    assert vec.n_documents_ == 2


# ----------------------------------------------------------------------------- Ctrl-C


def _interrupt_after(seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, _thread.interrupt_main)
    timer.start()
    return timer


def _assert_stops_within_a_second(call: Any, expected_seconds: float) -> None:
    """``call`` would run for ``expected_seconds`` (> 2): Ctrl-C after 0.3 s must stop it."""
    assert expected_seconds > 2
    start = time.perf_counter()
    timer = _interrupt_after(0.3)
    try:
        with pytest.raises(KeyboardInterrupt):
            call()
    finally:
        timer.cancel()
    assert time.perf_counter() - start < 0.3 + 1.0


@pytest.mark.slow
@pytest.mark.parametrize("method", ["auto", "brute"])
def test_ctrl_c_stops_top_k(method: str, bars: list[SpyBar]) -> None:
    X = sp.random(20000, 300, density=0.2, format="csr", random_state=0, dtype=np.float32)
    index = newsim.SimilarityIndex(X, progress=True)
    # sum(df**2) = 300 * 4000**2: about 10 s for 'auto', 20 s for 'brute' on one thread
    _assert_stops_within_a_second(lambda: index.top_k(10, method=method), 5.0)
    assert len(bars) == 1 and bars[0].closed and bars[0].n < bars[0].total


@pytest.mark.slow
def test_ctrl_c_stops_a_long_call_on_few_rows(bars: list[SpyBar]) -> None:
    # 200 rows: the core polls on its own only from 256 items; the silent watcher does it here.
    dense = np.random.default_rng(0).random((200, 25000), dtype=np.float32)
    index = newsim.SimilarityIndex(sp.csr_matrix(dense), progress=False)
    assert 0.25 < index._index.top_k_work(5, method="brute").seconds  # the watcher is on
    _assert_stops_within_a_second(lambda: index.top_k(5, method="brute"), 2.8)
    assert bars == []


@pytest.mark.slow
def test_ctrl_c_stops_fit() -> None:
    rng = np.random.default_rng(0)
    words = np.array(["Haus", "Straße", "Regierung", "Wahl"] + [f"wort{i}" for i in range(2000)])
    doc = " ".join(rng.choice(words, 15000))
    docs = [doc] * 2000  # 250 million characters: several seconds
    vec = newsim.TfidfVectorizer(language="de", progress=False)
    _assert_stops_within_a_second(lambda: vec.fit(docs), 3.0)
