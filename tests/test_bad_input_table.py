"""Bad input across every public entry point, as one table: call -> exception type + message.

Each row calls one public entry point (the vectorizers, SimilarityIndex, persistence, datasets,
stop word lists, the command line) with one bad argument and asserts the exception type and a
message fragment that names the culprit (the argument, the document's position, the file). A
second table holds extreme but valid input (NUL characters, a 10 MB token, a million empty
documents) that must work. ``tests/test_bad_input.py`` keeps the cross-product tests (every
document type x method x class, every invalid option); this table does not repeat them.

Rows marked ``xfail`` are findings: the call raises, but not the right type, or with a message
that does not say what is wrong. Each names the finding; fixing it turns the row into an XPASS,
which fails (xfail_strict): then delete the mark.
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import math
import os
import pathlib
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple, Optional

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer as ScikitTfidfVectorizer

import newsim
from newsim import SimilarityIndex, SklearnTfidfVectorizer, TfidfVectorizer, cli, datasets

GOOD = ["Ein Haus am See", "The house by the lake", "Noch ein Haus"]
TEN_MB = 10_000_000
MILLION = 1_000_000
#: Under `make test-asan-python` (libasan preloaded), operator new aborts instead of throwing.
UNDER_ASAN = "libasan" in os.environ.get("LD_PRELOAD", "")


@pytest.fixture(autouse=True)
def _no_hang() -> Iterator[None]:
    """A hang is a failure too: dump every thread's stack and stop the run after 120 s."""
    faulthandler.dump_traceback_later(120, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def _frame(columns: dict[str, Any]) -> Any:
    """A pandas DataFrame (pandas is imported only by the rows that need it)."""
    import pandas as pd

    return pd.DataFrame(columns)


def _warnings_as_errors(call: Callable[[], Any]) -> Any:
    """Run ``call`` with warnings raised as exceptions (a row that must warn)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return call()


@dataclass(frozen=True)
class Ctx:
    """What the rows work on: a fitted vectorizer, its matrix and index, a scratch folder."""

    tmp: pathlib.Path
    vec: TfidfVectorizer
    X: sp.csr_matrix
    index: SimilarityIndex


@pytest.fixture(scope="module")
def fitted() -> tuple[TfidfVectorizer, sp.csr_matrix, SimilarityIndex]:
    vec = TfidfVectorizer().fit(GOOD)
    X = vec.transform(GOOD)
    return vec, X, SimilarityIndex(X, feature_names=vec.get_feature_names_out())


@pytest.fixture
def ctx(tmp_path: pathlib.Path, fitted: tuple[Any, Any, Any]) -> Ctx:
    return Ctx(tmp_path, *fitted)


class CliError(Exception):
    """The command line exited with a non-zero code (``exit <code>: <stderr>``)."""


def _cli(ctx: Ctx, name: str, content: bytes, *args: str) -> str:
    path = ctx.tmp / name
    path.write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["similar", str(path), *args])
    if code != 0:
        raise CliError(f"exit {code}: {err.getvalue()}")
    return out.getvalue()


def _file(ctx: Ctx, name: str, content: bytes) -> str:
    path = ctx.tmp / name
    path.write_bytes(content)
    return str(path)


def _saved_model(ctx: Ctx) -> str:
    path = ctx.tmp / "model.newsim"
    ctx.vec.save(path)
    return str(path)


def _with_version(data: bytes, version: int) -> bytes:
    return data[:8] + version.to_bytes(4, "little") + data[12:]


def _index_bytes(ctx: Ctx) -> bytes:
    data: bytes = ctx.index._index.to_bytes(**ctx.index._labels())
    return data


def _dense_with(value: float, row: int) -> np.ndarray:
    X = np.eye(3, dtype=np.float64)
    X[row, 2] = value
    return X


def _tampered_state(ctx: Ctx, blob: Any) -> None:
    state = ctx.vec.__getstate__()
    state["_core_bytes"] = blob
    TfidfVectorizer().__setstate__(state)


def _tracked(dates: list[str]) -> newsim.StoryTracker:
    """A StoryTracker that has seen one article per date."""
    tracker = newsim.StoryTracker(vectorizer=TfidfVectorizer(language="en"))
    tracker.update([GOOD[1]] * len(dates), dates=dates)
    return tracker


class Bad(NamedTuple):
    call: Callable[[Ctx], object]
    error: type[BaseException]
    match: str  # a regular expression that must occur in the message
    finding: Optional[str] = None  # why the row fails today (xfail)
    allocates_all: bool = False  # asks for more memory than exists (AddressSanitizer aborts)


# fmt: off
BAD: dict[str, Bad] = {
    # ---------------------------------------------------------------- documents
    "fit-int-not-iterable": Bad(
        lambda c: TfidfVectorizer().fit(42), TypeError,
        r"raw_documents must be an iterable of str, got int"),
    "fit-None-not-iterable": Bad(
        lambda c: TfidfVectorizer().fit(None), TypeError,
        r"raw_documents must be an iterable of str, got NoneType"),
    "sklearn-fit-int-not-iterable": Bad(
        lambda c: SklearnTfidfVectorizer().fit(42), TypeError,
        r"raw_documents must be an iterable of str, got int"),
    "sklearn-fit-None-not-iterable": Bad(
        lambda c: SklearnTfidfVectorizer().fit(None), TypeError,
        r"raw_documents must be an iterable of str, got NoneType"),
    "fit-dataframe": Bad(
        lambda c: TfidfVectorizer().fit(_frame({"id": [1, 2], "text": ["a b", "c d"]})), TypeError,
        r"documents is a table with the columns \['id', 'text'\]: pass its column of texts, "
        r"e\.g\. df\['text'\]"),
    "fit-2d-array": Bad(
        lambda c: TfidfVectorizer().fit(np.array([["a b", "c"], ["d", "e"]])), TypeError,
        r"documents is a 2-D array of shape \(2, 2\): pass a 1-D sequence of texts"),
    "fit-NaN-document": Bad(
        lambda c: TfidfVectorizer().fit(["Ein Haus", math.nan]), TypeError,
        r"documents\[1\] is float \(nan\), expected str; a missing text: fill the gaps "
        r"first, e\.g\. df\['text'\]\.fillna\(''\)"),
    "transform-None-document": Bad(
        lambda c: c.vec.transform([None]), TypeError,
        r"documents\[0\] is None, expected str; a missing text"),
    "hashing-keywords": Bad(
        lambda c: newsim.HashingVectorizer().keywords(GOOD), AttributeError,
        r"a HashingVectorizer cannot name keywords: its columns are term hashes; use "
        r"TfidfVectorizer"),
    "hashing-explain": Bad(
        lambda c: newsim.HashingVectorizer().explain(GOOD[0], GOOD[1]), AttributeError,
        r"a HashingVectorizer cannot name shared terms"),
    "fit-empty-list": Bad(
        lambda c: TfidfVectorizer().fit([]), ValueError, r"empty corpus"),
    "fit-empty-tuple": Bad(
        lambda c: TfidfVectorizer().fit(()), ValueError, r"empty corpus"),
    "fit-empty-iterator": Bad(
        lambda c: TfidfVectorizer().fit(iter([])), ValueError, r"empty corpus"),
    "sklearn-fit-empty-list": Bad(
        lambda c: SklearnTfidfVectorizer().fit([]), ValueError, r"empty corpus"),
    "sklearn-fit-empty-tuple": Bad(
        lambda c: SklearnTfidfVectorizer().fit(()), ValueError, r"empty corpus"),
    "sklearn-fit-empty-iterator": Bad(
        lambda c: SklearnTfidfVectorizer().fit(iter([])), ValueError, r"empty corpus"),
    "fit-million-empty-documents": Bad(
        lambda c: SklearnTfidfVectorizer().fit([""] * MILLION), ValueError,
        r"empty vocabulary; perhaps the documents only contain stop words"),
    "fit-min_df-above-corpus": Bad(
        lambda c: TfidfVectorizer(min_df=3).fit(["Haus See Garten", "Haus Wald", "Baum"]),
        ValueError, r"After pruning, no terms remain\. Try a lower min_df"),
    "sklearn-fit-min_df-above-corpus": Bad(
        lambda c: SklearnTfidfVectorizer(min_df=3).fit(["Haus See", "Haus Wald", "Baum"]),
        ValueError, r"After pruning, no terms remain\. Try a lower min_df"),
    "filename-not-utf8": Bad(
        lambda c: TfidfVectorizer(input="filename").fit(
            [_file(c, "ok.txt", b"ein Haus"), _file(c, "latin1.txt", b"Caf\xe9 am See")]),
        ValueError,
        r"document 1 \('.*latin1\.txt'\) is not valid utf-8: .*byte 0xe9 in position 3"),
    "filename-missing": Bad(
        lambda c: TfidfVectorizer(input="filename").fit([str(c.tmp / "missing.txt")]),
        FileNotFoundError, r"missing\.txt"),
    "filename-with-NUL": Bad(
        lambda c: TfidfVectorizer(input="filename").fit([str(c.tmp / "a\x00b.txt")]),
        ValueError, r"embedded null byte"),
    "file-unknown-encoding": Bad(
        lambda c: TfidfVectorizer(input="file", encoding="klingon").fit([io.BytesIO(b"Haus")]),
        LookupError, r"unknown encoding: klingon"),
    "analyzer-returns-int-terms": Bad(
        lambda c: SklearnTfidfVectorizer(analyzer=lambda d: [1, 2]).fit(GOOD), TypeError,
        r"the analyzer returned int \(1\) for documents\[0\], term 0; expected str"),
    "analyzer-returns-None": Bad(
        lambda c: SklearnTfidfVectorizer(analyzer=lambda d: None).fit(GOOD), TypeError,
        r"the analyzer returned None for documents\[0\]; expected an iterable of str"),
    # ---------------------------------------------------------------- options
    "option-ngram_range-negative": Bad(
        lambda c: TfidfVectorizer(ngram_range=(-1, 1)).fit(GOOD), ValueError,
        r"ngram_range must satisfy 1 <= min_n <= max_n, got \(-1, 1\)"),
    "option-ngram_range-2**64": Bad(
        lambda c: TfidfVectorizer(ngram_range=(1, 2**64)).fit(GOOD), ValueError,
        r"ngram_range must satisfy .* \(max_n is implausibly large\)"),
    "option-ngram_range-huge": Bad(
        lambda c: TfidfVectorizer(ngram_range=(1, 10**6)).fit(GOOD), ValueError,
        r"ngram_range upper bound must be at most 64, got 1000000"),
    "option-min_token_len-2**70": Bad(
        lambda c: TfidfVectorizer(min_token_len=2**70).fit(GOOD), ValueError,
        r"empty vocabulary; perhaps the documents only contain stop words"),
    "option-n_jobs-zero": Bad(
        lambda c: TfidfVectorizer(n_jobs=0).fit(GOOD), ValueError, r"n_jobs == 0 has no meaning"),
    "sklearn-option-n_jobs-zero": Bad(
        lambda c: SklearnTfidfVectorizer(n_jobs=0).fit(GOOD), ValueError,
        r"n_jobs == 0 has no meaning"),
    "option-n_jobs-str": Bad(
        lambda c: TfidfVectorizer(n_jobs="2").fit(GOOD), TypeError,
        r"n_jobs must be an int or None, got str"),
    "option-k1-str": Bad(
        lambda c: TfidfVectorizer(weighting="bm25", k1="x").fit(GOOD), ValueError,
        r"k1 must be a real number, got 'x'"),
    "option-b-nan": Bad(
        lambda c: TfidfVectorizer(b=float("nan")).fit(GOOD), ValueError,
        r"b must be in \[0, 1\], got nan"),
    "option-min_df-nan": Bad(
        lambda c: TfidfVectorizer(min_df=float("nan")).fit(GOOD), ValueError,
        r"The 'min_df' parameter must be a float in the range \[0\.0, 1\.0\], got nan"),
    "option-max_df-inf": Bad(
        lambda c: SklearnTfidfVectorizer(max_df=math.inf).fit(GOOD), ValueError,
        r"The 'max_df' parameter must be a float in the range \[0\.0, 1\.0\], got inf"),
    "option-stop_words-int-item": Bad(
        lambda c: TfidfVectorizer(stop_words=["der", 3]).fit(GOOD), ValueError,
        r"stop_words\[1\] is int, expected str"),
    "option-stop_words-lone-surrogate": Bad(
        lambda c: TfidfVectorizer(stop_words=["der", "x\ud800"]).fit(GOOD), ValueError,
        r"stop_words\[1\] contains a lone surrogate U\+D800 at character 1"),
    "option-vocabulary-int-item": Bad(
        lambda c: TfidfVectorizer(vocabulary=["haus", 3]).fit(GOOD), ValueError,
        r"vocabulary term 1 is int, expected str"),
    "option-vocabulary-duplicate": Bad(
        lambda c: TfidfVectorizer(vocabulary=["haus", "see", "haus"]).fit(GOOD), ValueError,
        r"Duplicate term in vocabulary: 'haus'"),
    "option-vocabulary-str": Bad(
        lambda c: TfidfVectorizer(vocabulary="haus").fit(GOOD), ValueError,
        r"vocabulary must be a mapping or an iterable of terms, not a str"),
    "option-vocabulary-index-gap": Bad(
        lambda c: TfidfVectorizer(vocabulary={"haus": 0, "see": 2}).fit(GOOD), ValueError,
        r"Vocabulary of size 2 doesn't contain index 1"),
    "option-normalize-vocabulary-str": Bad(
        lambda c: TfidfVectorizer(vocabulary=["haus"], normalize_vocabulary="yes").fit(GOOD),
        TypeError, r"normalize_vocabulary must be a bool, got 'yes' \(str\)"),
    "option-vocabulary-of-stop-words-only": Bad(
        lambda c: _warnings_as_errors(
            lambda: TfidfVectorizer(vocabulary=["Die", "Der"], language="de").fit(GOOD)),
        UserWarning, r"2 of the 2 vocabulary terms can never occur.*'Die' \(column 0\) is a "
        r"stop word"),
    "option-vocabulary-empty": Bad(
        lambda c: TfidfVectorizer(vocabulary=[]).fit(GOOD), ValueError,
        r"empty vocabulary passed to fit"),
    "option-vocabulary-lone-surrogate": Bad(
        lambda c: TfidfVectorizer(vocabulary=["haus", "x\ud800"]).fit(GOOD), ValueError,
        r"vocabulary term 1 contains a lone surrogate U\+D800 at character 1"),
    "option-token_pattern-invalid-regex": Bad(
        lambda c: SklearnTfidfVectorizer(token_pattern="(").fit(GOOD), ValueError,
        r"token_pattern '\(' is not a valid regular expression: missing \)"),
    "option-progress-int": Bad(
        lambda c: TfidfVectorizer(progress=1).fit(GOOD), TypeError,
        r"progress must be True, False or None"),
    # ---------------------------------------------------------------- not fitted
    "transform-before-fit": Bad(
        lambda c: TfidfVectorizer().transform(GOOD), NotFittedError,
        r"This TfidfVectorizer instance is not fitted yet"),
    "sklearn-transform-before-fit": Bad(
        lambda c: SklearnTfidfVectorizer().transform(GOOD), NotFittedError,
        r"This SklearnTfidfVectorizer instance is not fitted yet"),
    "vocabulary_-before-fit": Bad(
        lambda c: TfidfVectorizer().vocabulary_, NotFittedError, r"not fitted yet"),
    "sklearn-vocabulary_-before-fit": Bad(
        lambda c: SklearnTfidfVectorizer().vocabulary_, NotFittedError, r"not fitted yet"),
    "idf_-before-fit": Bad(
        lambda c: TfidfVectorizer().idf_, NotFittedError, r"not fitted yet"),
    "sklearn-idf_-before-fit": Bad(
        lambda c: SklearnTfidfVectorizer().idf_, NotFittedError, r"not fitted yet"),
    "get_feature_names_out-before-fit": Bad(
        lambda c: TfidfVectorizer().get_feature_names_out(), NotFittedError, r"not fitted yet"),
    "sklearn-get_feature_names_out-before-fit": Bad(
        lambda c: SklearnTfidfVectorizer().get_feature_names_out(), NotFittedError,
        r"not fitted yet"),
    "explain-before-fit": Bad(
        lambda c: TfidfVectorizer().explain("a", "b"), NotFittedError, r"not fitted yet"),
    "keywords-before-fit": Bad(
        lambda c: SklearnTfidfVectorizer().keywords(GOOD), NotFittedError, r"not fitted yet"),
    # ---------------------------------------------------------------- explain / keywords / index
    "vec.explain-int": Bad(
        lambda c: c.vec.explain(1, "Haus"), TypeError,
        r"documents\[0\] is int \(1\), expected str"),
    "vec.explain-lone-surrogate": Bad(
        lambda c: c.vec.explain("Haus", "See\udc80"), ValueError,
        r"document 1 contains a lone surrogate U\+DC80 at character 3"),
    "vec.keywords-top-negative": Bad(
        lambda c: c.vec.keywords(GOOD, top=-1), ValueError, r"top must be >= 0, got -1"),
    "vec.keywords-top-str": Bad(
        lambda c: c.vec.keywords(GOOD, top="3"), TypeError, r"top must be an int, got str"),
    "vec.keywords-bare-string": Bad(
        lambda c: c.vec.keywords("Ein Haus"), ValueError,
        r"Iterable over raw text documents expected, string object received"),
    "vec.index-n_jobs-zero": Bad(
        lambda c: TfidfVectorizer().index(GOOD, n_jobs=0), ValueError, r"n_jobs == 0"),
    # ---------------------------------------------------------------- SimilarityIndex
    "index-X-None": Bad(
        lambda c: SimilarityIndex(None), TypeError,
        r"X must be a 2-D sparse matrix or array, got NoneType"),
    "index-X-strings": Bad(
        lambda c: SimilarityIndex([["a", "b"]]), TypeError, r"X must hold numbers, got dtype <U1"),
    "index-X-complex": Bad(
        lambda c: SimilarityIndex(np.ones((2, 2), dtype=complex)), TypeError,
        r"X must hold real numbers, got dtype complex128"),
    "index-X-3d": Bad(
        lambda c: SimilarityIndex(np.ones((2, 2, 2))), ValueError,
        r"X must be 2-D, got an array of shape \(2, 2, 2\)"),
    "index-X-NaN": Bad(
        lambda c: SimilarityIndex(_dense_with(math.nan, row=1)), ValueError,
        r"X: row 1 contains a NaN or infinite value"),
    "index-X-inf-sparse": Bad(
        lambda c: SimilarityIndex(sp.csr_matrix(_dense_with(-math.inf, row=2))), ValueError,
        r"X: row 2 contains a NaN or infinite value"),
    "index-X-column-out-of-range": Bad(
        lambda c: SimilarityIndex(sp.csr_matrix(
            (np.array([1.0]), np.array([7]), np.array([0, 1])), shape=(1, 3))),
        ValueError, r"X: row 0 has column index 7, outside \[0, 3\)"),
    "index-X-indptr-decreasing": Bad(
        lambda c: SimilarityIndex(sp.csr_matrix(
            (np.ones(2), np.array([0, 1]), np.array([0, 2, 1])), shape=(2, 3))),
        ValueError, r"X: indptr must be non-decreasing"),
    "index-feature_names-mismatch": Bad(
        lambda c: SimilarityIndex(c.X, feature_names=["a"]), ValueError,
        r"feature_names has 1 entries, X has \d+ columns"),
    "index-n_jobs-zero": Bad(
        lambda c: SimilarityIndex(np.eye(3, dtype=np.float32), n_jobs=0), ValueError,
        r"n_jobs == 0"),
    "index-n_jobs-str": Bad(
        lambda c: SimilarityIndex(c.X, n_jobs="2"), TypeError,
        r"n_jobs must be an int or None, got str"),
    "top_k-negative": Bad(
        lambda c: c.index.top_k(-1), ValueError, r"k must be >= 0, got -1"),
    "top_k-float": Bad(
        lambda c: c.index.top_k(1.5), TypeError, r"k must be an int, got float"),
    "top_k-huge": Bad(
        lambda c: c.index.top_k(10**12), ValueError,
        r"k=1000000000000 exceeds the 2 entries a row can have; .* Use k <= 2"),
    "top_k-2**63": Bad(
        lambda c: c.index.top_k(2**63), ValueError, r"k=9223372036854775808 exceeds"),
    "top_k-method": Bad(
        lambda c: c.index.top_k(2, method="fast"), ValueError,
        r"method must be one of 'auto', 'pruned', 'brute', got 'fast'"),
    "query-columns-mismatch": Bad(
        lambda c: c.index.query(np.ones((1, c.X.shape[1] + 1)), k=1), ValueError,
        r"Q has \d+ columns, the index has \d+; transform the queries"),
    "query-1d": Bad(
        lambda c: c.index.query(np.ones(c.X.shape[1]), k=1), ValueError,
        r"Q must be 2-D, got an array of shape \(\d+,\) \(one row: reshape it with "
        r"\.reshape\(1, -1\)\)"),
    "query-NaN": Bad(
        lambda c: c.index.query(np.full((2, c.X.shape[1]), math.nan), k=1), ValueError,
        r"Q: row 0 contains a NaN or infinite value"),
    "query-raw-texts": Bad(
        lambda c: c.index.query(["Ein Haus"], k=1), TypeError,
        r"Q must hold numbers, got dtype <U8; these are texts: turn them into vectors with the "
        r"vectorizer first, e\.g\. index\.query\(vec\.transform\(texts\)\)"),
    "pairs-threshold-zero": Bad(
        lambda c: c.index.pairs(0), ValueError, r"threshold must be in \(0, 1\], got 0"),
    "pairs-threshold-nan": Bad(
        lambda c: c.index.pairs(math.nan), ValueError, r"threshold must be in \(0, 1\], got nan"),
    "pairs-threshold-str": Bad(
        lambda c: c.index.pairs("0.5"), TypeError, r"threshold must be a number, got str"),
    "stories-k-zero": Bad(
        lambda c: c.index.stories(k=0), ValueError,
        r"k must be in \[1, 1000\] \(neighbours per article in the story graph\), got 0"),
    "stories-threshold-nan": Bad(
        lambda c: c.index.stories(threshold=math.nan), ValueError,
        r"threshold must be in \(0, 1\], got nan"),
    "stories-sources-wrong-length": Bad(
        lambda c: c.index.stories(sources=["dpa", "AP"]), ValueError,
        r"sources has 2 entries for 3 articles; pass one per article"),
    "stories-sources-not-str": Bad(
        lambda c: c.index.stories(sources=["dpa", b"AP", "AFP"]), TypeError,
        r"sources\[1\] is b'AP' \(bytes\): sources must be str"),
    "stories-dates-unparsable": Bad(
        lambda c: c.index.stories(dates=["2024-01-01", "2024-01-02", "2024-13-45"]), ValueError,
        r"dates\[2\] is '2024-13-45', which does not parse as a date"),
    "stories-dates-missing": Bad(
        lambda c: c.index.stories(dates=["2024-01-01", math.nan, "2024-01-02"]), ValueError,
        r"dates\[1\] is missing \(nan\); every article needs a date"),
    "stories-dates-naive-and-aware": Bad(
        lambda c: c.index.stories(dates=["2024-01-01T10:00", "2024-01-01T10:00+01:00",
                                         "2024-01-02"]), ValueError,
        r"dates mixes time-zone aware and naive dates: dates\[0\] \('2024-01-01T10:00'\) is "
        r"naive \(no time zone\), dates\[1\] \('2024-01-01T10:00\+01:00'\) is time-zone aware"),
    "stories-dates-milliseconds": Bad(
        lambda c: c.index.stories(dates=np.array([1394470920294] * 3)), TypeError,
        r"dates\[0\] is 1394470920294 \(int64\), not a date; convert numbers first"),
    "tracker-window-negative": Bad(
        lambda c: newsim.StoryTracker(window="-2D"), ValueError,
        r"window must be a positive duration \(how long a story stays open without new "
        r"articles\), got -2 days"),
    "tracker-window-not-a-duration": Bad(
        lambda c: newsim.StoryTracker(window=3), TypeError,
        r"window=3 is a number, not a duration; pass e.g. window='3D', '12h' or "
        r"datetime.timedelta\(days=3\)"),
    "tracker-dates-unsorted": Bad(
        lambda c: newsim.StoryTracker().update(GOOD, dates=["2024-01-02", "2024-01-01",
                                                             "2024-01-03"]), ValueError,
        r"dates\[1\] \(2024-01-01 00:00:00\) is earlier than dates\[0\] \(2024-01-02 00:00:00\): "
        r"a StoryTracker takes articles in time order; sort the batch by date first"),
    "tracker-dates-before-last-batch": Bad(
        lambda c: _tracked(["2024-01-05"]).update(GOOD, dates=["2024-01-04"] * 3), ValueError,
        r"dates\[0\] \(2024-01-04 00:00:00\) is earlier than the last date already tracked "
        r"\(2024-01-05 00:00:00, article 0\): batches must come in time order"),
    "tracker-dates-unparsable": Bad(
        lambda c: newsim.StoryTracker().update(GOOD, dates=["2024-01-01", "soon", "2024-01-02"]),
        ValueError, r"dates\[1\] is 'soon', which does not parse as a date"),
    "tracker-dates-aware-after-naive": Bad(
        lambda c: _tracked(["2024-01-05"]).update(GOOD, dates=["2024-01-06T10:00+01:00"] * 3),
        ValueError, r"dates\[0\] is time-zone aware, but the earlier batches' dates are naive"),
    "tracker-sources-wrong-length": Bad(
        lambda c: newsim.StoryTracker().update(GOOD, dates=["2024-01-01"] * 3, sources=["AP"]),
        ValueError, r"sources has 1 entries for 3 articles; pass one per article"),
    "explain-texts-wrong-length": Bad(
        lambda c: c.index.explain(0, 1, texts=GOOD[:2]), ValueError,
        r"texts has 2 entries for 3 articles; pass one per indexed article"),
    "dedup-texts-not-str": Bad(
        lambda c: newsim.dedup([GOOD[0], 7, GOOD[2]]), TypeError,
        r"texts\[1\] is 7 \(int\): texts must be str"),
    "dedup-sources-wrong-length": Bad(
        lambda c: newsim.dedup(GOOD, sources=["dpa", "AP"]), ValueError,
        r"sources has 2 entries for 3 articles; pass one per article"),
    "dedup-dates-unparsable": Bad(
        lambda c: newsim.dedup(GOOD, dates=["2024-01-01", "yesterday", "2024-01-02"]),
        ValueError, r"dates\[1\] is 'yesterday', which does not parse as a date"),
    "dedup-dates-missing": Bad(
        lambda c: newsim.dedup(GOOD, dates=["2024-01-01", "2024-01-02", None]), ValueError,
        r"dates\[2\] is missing \(None\); every article needs a date"),
    "dedup-dates-naive-and-aware": Bad(
        lambda c: newsim.dedup(GOOD, dates=["2024-01-01T10:00+01:00", "2024-01-01T10:00",
                                            "2024-01-02"]), ValueError,
        r"dates mixes time-zone aware and naive dates: dates\[0\] .* is time-zone aware, "
        r"dates\[1\] .* is naive"),
    "dedup-keep-last": Bad(
        lambda c: newsim.dedup(GOOD, keep="last"), ValueError,
        r"keep must be 'first' \(the first published of each group\), got 'last'"),
    "dedup-index-other-size": Bad(
        lambda c: newsim.dedup(GOOD[:2], index=c.index), ValueError,
        r"index has 3 articles for 2 texts"),
    "containment-shingle-zero": Bad(
        lambda c: newsim.containment("a", "b", shingle=0), ValueError,
        r"shingle must be >= 1 \(words per shingle\), got 0"),
    "shared_passages-bytes": Bad(
        lambda c: newsim.shared_passages(b"Haus", "Haus"), TypeError,
        r"a must be a str, got bytes"),
    "explain-out-of-range": Bad(
        lambda c: c.index.explain(0, 99), IndexError,
        r"article id j=99 is out of range for an index of 3 articles"),
    "explain-float-id": Bad(
        lambda c: c.index.explain(0.0, 1), TypeError, r"i must be an int, got float"),
    "explain-top-negative": Bad(
        lambda c: c.index.explain(0, 1, top=-1), ValueError, r"top must be >= 0, got -1"),
    "index-ids-wrong-length": Bad(
        lambda c: SimilarityIndex(np.eye(4), ids=["a", "b", "c"]), ValueError,
        r"ids has 3 labels for 4 rows; pass one per row"),
    "index-ids-duplicate": Bad(
        lambda c: SimilarityIndex(c.X, ids=["a", "b", "a"]), ValueError,
        r"ids must be unique: 'a' is ids\[0\] and ids\[2\]"),
    "index-ids-duplicate-int-array": Bad(
        lambda c: SimilarityIndex(c.X, ids=np.array([5, 7, 7])), ValueError,
        r"ids must be unique: 7 is ids\[1\] and ids\[2\]"),
    "index-ids-float": Bad(
        lambda c: SimilarityIndex(c.X, ids=[0, 1.0, 2]), TypeError,
        r"ids\[1\] is 1.0 \(float\): ids must be strings or non-negative integers"),
    "index-ids-None": Bad(
        lambda c: SimilarityIndex(c.X, ids=["a", None, "c"]), TypeError,
        r"ids\[1\] is None \(NoneType\): ids must be strings or non-negative integers"),
    "index-ids-bool": Bad(
        lambda c: SimilarityIndex(c.X, ids=[True, False, 2]), TypeError,
        r"ids\[0\] is True \(bool\): ids must be strings or non-negative integers"),
    "index-ids-mixed": Bad(
        lambda c: SimilarityIndex(c.X, ids=["a", "b", 3]), TypeError,
        r"ids mixes str and int: ids\[0\] is 'a', ids\[2\] is 3; use one type"),
    "index-ids-negative": Bad(
        lambda c: SimilarityIndex(c.X, ids=[0, -1, 2]), ValueError,
        r"ids\[1\] is -1: integer ids must be in \[0, 2\*\*63\), -1 pads TopK.ids"),
    "index-ids-negative-array": Bad(
        lambda c: SimilarityIndex(c.X, ids=np.array([0, 1, -5])), ValueError,
        r"ids\[2\] is -5: integer ids must be in \[0, 2\*\*63\)"),
    "index-ids-bare-str": Bad(
        lambda c: SimilarityIndex(c.X, ids="abc"), TypeError,
        r"ids must be a sequence of ids \(str or int\), one per row, got a bare str"),
    "index-ids-set": Bad(
        lambda c: SimilarityIndex(c.X, ids={"a", "b", "c"}), TypeError,
        r"ids must be a sequence in row order, got an unordered set"),
    "vec.index-ids-wrong-length": Bad(
        lambda c: TfidfVectorizer().index(GOOD, ids=["a"]), ValueError,
        r"ids has 1 labels for 3 rows"),
    "explain-unknown-id": Bad(
        lambda c: SimilarityIndex(c.X, ids=["a", "b", "c"]).explain("a", "z"), KeyError,
        r"j='z' is not an id of this index \(3 articles with str ids\)"),
    "row_of-unknown-id": Bad(
        lambda c: SimilarityIndex(c.X, ids=[10, 20, 30]).row_of(40), KeyError,
        r"id=40 is not an id of this index \(3 articles with int ids\)"),
    # ---------------------------------------------------------------- persistence
    "save-to-a-folder": Bad(
        lambda c: c.vec.save(c.tmp), IsADirectoryError, r"Is a directory"),
    "load-path-with-NUL": Bad(
        lambda c: TfidfVectorizer.load(str(c.tmp / "model\x00.newsim")), ValueError,
        r"embedded null byte"),
    "unpickle-garbage-core-bytes": Bad(
        lambda c: _tampered_state(c, b"garbage"), newsim.ModelFormatError,
        r"not a newsim model"),
    "unpickle-truncated-core-bytes": Bad(
        lambda c: _tampered_state(c, c.vec.__getstate__()["_core_bytes"][:-3]),
        newsim.ModelFormatError, r"truncated"),
    "unpickle-core-bytes-str": Bad(
        lambda c: _tampered_state(c, "NEWSIM"), newsim.ModelFormatError,
        r"corrupted pickle: the model state is str, expected bytes"),
    # ---------------------------------------------------------------- index file, add, remove
    "index.load-model-file": Bad(
        lambda c: SimilarityIndex.load(_saved_model(c)), newsim.ModelFormatError,
        r"this is a newsim model file \(a fitted vectorizer\), not an index file: load it with "
        r"TfidfVectorizer\.load\(\)"),
    "index.load-truncated": Bad(
        lambda c: SimilarityIndex.load(_file(c, "t.nsi", _index_bytes(c)[:-5])),
        newsim.ModelFormatError, r"corrupted newsim index file: .*truncated or extended"),
    "index.load-newer-version": Bad(
        lambda c: SimilarityIndex.load(_file(c, "v.nsi", _with_version(_index_bytes(c), 7))),
        newsim.ModelFormatError, r"format version 7 is not supported by this newsim .*upgrade"),
    "index.load-missing": Bad(
        lambda c: SimilarityIndex.load(c.tmp / "none.nsi"), FileNotFoundError, r"none\.nsi"),
    "load-index-file-as-model": Bad(
        lambda c: TfidfVectorizer.load(_file(c, "i.nsi", _index_bytes(c))),
        newsim.ModelFormatError, r"this is a newsim index file, not a newsim model"),
    "index.add-other-width": Bad(
        lambda c: SimilarityIndex(c.X).add(np.eye(3, 5)), ValueError,
        r"X has 5 columns, the index has \d+; transform the new articles with the vectorizer"),
    "index.add-without-ids": Bad(
        lambda c: SimilarityIndex(c.X, ids=["a", "b", "c"]).add(c.X[:1]), TypeError,
        r"this index has ids: pass ids= with one id per new article"),
    "index.add-taken-id": Bad(
        lambda c: SimilarityIndex(c.X, ids=["a", "b", "c"]).add(c.X[:1], ids=["b"]), ValueError,
        r"ids\[0\]='b' is already the id of an article of this index \(row 1\)"),
    "index.add-ids-other-type": Bad(
        lambda c: SimilarityIndex(c.X, ids=["a", "b", "c"]).add(c.X[:1], ids=[4]), TypeError,
        r"this index has str ids, ids= has int ids"),
    "index.add-ids-to-an-index-without": Bad(
        lambda c: SimilarityIndex(c.X).add(c.X[:1], ids=["x"]), TypeError,
        r"this index has no ids \(its ids are the row numbers"),
    "index.remove-unknown-id": Bad(
        lambda c: SimilarityIndex(c.X, ids=["a", "b", "c"]).remove(["a", "q"]), KeyError,
        r"ids\[1\]='q' is not an id of this index"),
    "index.save-into-a-file": Bad(
        lambda c: c.index.save(pathlib.Path(_file(c, "f", b"x")) / "i.nsi"), NotADirectoryError,
        r"i\.nsi"),
    "query_pairs-texts": Bad(
        lambda c: c.index.query_pairs(["some text"]), TypeError,
        r"these are texts: turn them into vectors with the vectorizer first"),
    "cli-against-a-model": Bad(
        lambda c: _cli(c, "n.jsonl", b'{"text": "ein Haus"}\n', "--against", _saved_model(c)),
        CliError, r"exit 65: newsim: error: archive .*newsim model file"),
    # ---------------------------------------------------------------- datasets, stop words
    "load_10kgnad-wrong-fields": Bad(
        lambda c: datasets.load_10kgnad(_file(c, "g.csv", b"only one field\r\n")), ValueError,
        r"g\.csv, line 1: expected 2 fields \(label;text\), found 1"),
    "load_10kgnad-not-utf8": Bad(
        lambda c: datasets.load_10kgnad(_file(c, "g.csv", b"Web;Caf\xe9\r\n")), ValueError,
        r"g\.csv, line 1: .*can't decode byte 0xe9"),
    "load_bbc-no-header": Bad(
        lambda c: datasets.load_bbc(_file(c, "b.csv", b"a,b,c\n")), ValueError,
        r"b\.csv, line 1: expected the header \['category', 'file', 'text'\]"),
    "load_bbc-missing": Bad(
        lambda c: datasets.load_bbc(c.tmp / "nowhere"), FileNotFoundError,
        r"Corpus file 'bbc_news\.csv' not found"),
    "stop_word_list-unknown": Bad(
        lambda c: newsim.stop_word_list("klingon"), ValueError,
        r"no stop word list 'klingon'; bundled lists: english, german"),
    # ---------------------------------------------------------------- command line
    "cli-jsonl-not-utf8": Bad(
        lambda c: _cli(c, "bad.jsonl", b'{"text": "ein Haus"}\n{"text": "Caf\xe9"}\n'),
        CliError,
        r"exit 65: newsim: error: .*bad\.jsonl: not valid UTF-8 at byte offset 34 \(line 2\)"),
    "cli-lines-not-utf8": Bad(
        lambda c: _cli(c, "bad.txt", b"ein Haus am See\nnoch ein \xff Haus\n"), CliError,
        r"exit 65: newsim: error: .*bad\.txt: not valid UTF-8 at byte offset 25 \(line 2\)"),
    # issue 18: named by its line, as every other data error (it was "document 1")
    "cli-jsonl-lone-surrogate": Bad(
        lambda c: _cli(c, "s.jsonl", b'{"text": "ein Haus"}\n{"text": "See \\ud800 x"}\n'),
        CliError,
        r"exit 65: newsim: error: .*s\.jsonl, line 2: field 'text' contains a lone surrogate "
        r"U\+D800 at character 4"),
}
# fmt: on


def _params() -> list[Any]:
    params = []
    for name, case in BAD.items():
        marks = []
        if case.allocates_all and UNDER_ASAN:
            marks.append(pytest.mark.skip(reason="AddressSanitizer aborts instead of bad_alloc"))
        if case.finding is not None:
            marks.append(pytest.mark.xfail(strict=True, reason=case.finding))
        params.append(pytest.param(case, id=name, marks=marks))
    return params


@pytest.mark.parametrize("case", _params())
def test_bad_input(case: Bad, ctx: Ctx) -> None:
    with pytest.raises(case.error, match=case.match):
        case.call(ctx)


def test_the_table_is_large_and_names_every_entry_point() -> None:
    assert len(BAD) >= 25
    prefixes = {name.split("-")[0] for name in BAD}
    for entry_point in (
        "fit",
        "option",
        "transform",
        "vec.explain",
        "vec.keywords",
        "index",
        "top_k",
        "query",
        "pairs",
        "stories",
        "explain",
        "dedup",
        "containment",
        "shared_passages",
        "save",
        "load_bbc",
        "cli",
    ):
        assert entry_point in prefixes, entry_point


# ----------------------------------------------------------------------------- extreme, valid


def _nul_matches_scikit_learn(c: Ctx) -> None:
    docs = ["ab\x00cd ef\x00\x00gh", "\x00", "x\x00yz ab"]
    for kwargs in ({}, {"analyzer": "char", "ngram_range": (1, 2)}):
        ours = SklearnTfidfVectorizer(**kwargs)
        X = ours.fit_transform(docs)
        ref = ScikitTfidfVectorizer(**kwargs)
        R = ref.fit_transform(docs)
        assert list(ours.get_feature_names_out()) == list(ref.get_feature_names_out())
        np.testing.assert_allclose(X.toarray(), R.toarray(), rtol=1e-12)


def _nul_in_newsim_words(c: Ctx) -> None:
    vec = TfidfVectorizer(language=None)
    X = vec.fit_transform(["ab\x00cd ef", "\x00", "\x00\x00ab"])
    assert list(vec.get_feature_names_out()) == ["ab", "cd", "ef"]
    assert np.diff(X.indptr).tolist() == [3, 0, 1]


def _ten_mb_token(c: Ctx) -> None:
    token = "x" * TEN_MB
    for vec in (TfidfVectorizer(language="de"), SklearnTfidfVectorizer()):
        X = vec.fit_transform([token, "Haus am See"])
        names = vec.get_feature_names_out()
        assert len(names[-1]) == TEN_MB
        assert X[0].nnz == 1
        assert X[0].data[0] == pytest.approx(1.0)


def _million_empty_transform(c: Ctx) -> None:
    X = c.vec.transform([""] * MILLION)
    assert X.shape == (MILLION, c.X.shape[1])
    assert X.nnz == 0
    assert (np.diff(X.indptr) == 0).all()


def _million_empty_and_one_fit(c: Ctx) -> None:
    vec = TfidfVectorizer(language=None, sublinear_tf=False)
    X = vec.fit_transform([""] * MILLION + ["Haus"])
    assert X.shape == (MILLION + 1, 1)
    assert X.nnz == 1 and X.indptr[-2] == 0
    assert vec.idf_[0] == pytest.approx(math.log((MILLION + 2) / 2) + 1, rel=1e-6)


def _cli_with_nul(c: Ctx) -> None:
    out = _cli(c, "nul.txt", b"ein Haus\x00am See\nnoch ein\x00Haus am See\n", "--top", "1")
    lines = out.splitlines()
    assert lines[0].split() == ["article_id", "rank", "neighbor_id", "score"]
    assert len(lines) == 3


def _index_all_cores(c: Ctx) -> None:
    index = SimilarityIndex(np.eye(3, dtype=np.float32), n_jobs=-1)
    assert index.top_k(1).ids.shape == (3, 1)


def _top_k_of_empty_rows(c: Ctx) -> None:
    X = sp.csr_matrix((100_000, 5), dtype=np.float32)
    for method in ("brute", "pruned"):
        ids, scores = SimilarityIndex(X).top_k(3, method=method)
        assert (ids == -1).all() and (scores == 0).all()


EXTREME: dict[str, Callable[[Ctx], None]] = {
    "NUL-characters-as-scikit-learn": _nul_matches_scikit_learn,
    "NUL-characters-newsim-words": _nul_in_newsim_words,
    "10MB-single-token": _ten_mb_token,
    "million-empty-documents-transform": _million_empty_transform,
    "million-empty-documents-and-one-fit": _million_empty_and_one_fit,
    "cli-file-with-NUL": _cli_with_nul,
    "index-n_jobs-minus-one": _index_all_cores,
    "top_k-of-100k-empty-rows": _top_k_of_empty_rows,
}


@pytest.mark.parametrize("check", list(EXTREME.values()), ids=list(EXTREME))
def test_extreme_but_valid_input(check: Callable[[Ctx], None], ctx: Ctx) -> None:
    check(ctx)


def test_rows_leave_the_shared_vectorizer_intact(ctx: Ctx) -> None:
    """Failed calls (save into a folder, a bad explain) do not change the fitted objects."""
    again = pickle.loads(pickle.dumps(ctx.vec))
    assert list(again.get_feature_names_out()) == list(ctx.vec.get_feature_names_out())
    assert (abs(again.transform(GOOD) - ctx.X)).max() == 0


def test_counts_beyond_any_corpus_mean_no_limit() -> None:
    """max_features / n_jobs larger than anything a machine holds act as 'no limit'."""
    X = TfidfVectorizer(language="de", max_features=2**70, n_jobs=2**70).fit_transform(GOOD)
    Y = TfidfVectorizer(language="de").fit_transform(GOOD)
    assert (X != Y).nnz == 0
