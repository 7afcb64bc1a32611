"""Bad input: every case raises the right exception type with a message that says what is wrong.

These are the cross-product tests (document types x methods x classes, every invalid option);
single bad arguments of every public entry point are rows of ``test_bad_input_table.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from newsim import SklearnTfidfVectorizer, TfidfVectorizer

BOTH = [
    pytest.param(TfidfVectorizer, id="newsim"),
    pytest.param(SklearnTfidfVectorizer, id="sklearn_mode"),
]
GOOD = ["Ein Haus am See", "The house by the lake", "Noch ein Haus"]


# ----------------------------------------------------------------------------- documents


@pytest.mark.parametrize("cls", BOTH)
@pytest.mark.parametrize(
    ("item", "message"),
    [
        (None, r"documents\[2\] is None, expected str"),
        (7, r"documents\[2\] is int \(7\), expected str"),
        (float("nan"), r"documents\[2\] is float \(nan\), expected str"),
        (b"bytes", r"documents\[2\] is bytes, expected str; decode bytes first"),
        (["a", "list"], r"documents\[2\] is list, expected str"),
    ],
    ids=["None", "int", "nan", "bytes", "list"],
)
@pytest.mark.parametrize("method", ["fit", "fit_transform", "transform"])
def test_non_str_item_names_position_and_type(
    cls: type, item: Any, message: str, method: str
) -> None:
    docs = ["ein Haus", "noch ein Haus", item, "das Ende"]
    vec = cls()
    if method == "transform":
        vec.fit(GOOD)
    with pytest.raises(TypeError, match=message):
        getattr(vec, method)(docs)


def test_non_str_item_with_python_tokenizer() -> None:
    vec = SklearnTfidfVectorizer(tokenizer=str.split, token_pattern=None)
    with pytest.raises(TypeError, match=r"documents\[1\] is int \(3\), expected str"):
        vec.fit(["a b", 3])


@pytest.mark.parametrize("cls", BOTH)
@pytest.mark.parametrize("raw", ["Ein Haus am See", b"Ein Haus am See"], ids=["str", "bytes"])
def test_bare_string_is_rejected(cls: type, raw: Any) -> None:
    message = "Iterable over raw text documents expected, string object received."
    with pytest.raises(ValueError, match=re.escape(message)):
        cls().fit(raw)
    with pytest.raises(ValueError, match=re.escape(message)):
        cls().fit_transform(raw)
    with pytest.raises(ValueError, match=re.escape(message)):
        cls().fit(GOOD).transform(raw)


@pytest.mark.parametrize("cls", BOTH)
@pytest.mark.parametrize("method", ["fit", "fit_transform", "transform"])
def test_lone_surrogate_names_document_and_position(cls: type, method: str) -> None:
    docs = ["ein Haus", "zwei", "drei", "ab\ud800cd", "fünf"]
    vec = cls()
    if method == "transform":
        vec.fit(GOOD)
    with pytest.raises(
        ValueError, match=r"document 3 contains a lone surrogate U\+D800 at character 2"
    ):
        getattr(vec, method)(docs)


@pytest.mark.parametrize(
    ("text", "position", "code"),
    [
        ("\udfff", 0, "DFFF"),
        ("x\udc80y", 1, "DC80"),
        ("€\U0001f600\ud83d", 2, "D83D"),  # positions count code points, as Python indexes
        ("ä" * 10 + "\ud800", 10, "D800"),
    ],
)
def test_lone_surrogate_position_is_a_python_index(text: str, position: int, code: str) -> None:
    assert text[position] == chr(int(code, 16))
    with pytest.raises(
        ValueError, match=rf"document 1 contains a lone surrogate U\+{code} at character {position}"
    ):
        SklearnTfidfVectorizer().fit(["ok fine", text])


def test_lone_surrogate_with_threads() -> None:
    docs = ["ein Haus am See"] * 600 + ["x\ud800"] + ["ein Haus"] * 600
    with pytest.raises(ValueError, match=r"document 600 contains a lone surrogate"):
        TfidfVectorizer(n_jobs=2).fit(docs)


@pytest.mark.parametrize(
    ("vec", "docs"),
    [
        (TfidfVectorizer(language="en"), ["the and of", "is it the", "a"]),
        (TfidfVectorizer(language="de"), ["der die das", "und oder"]),
        (SklearnTfidfVectorizer(stop_words="english"), ["the and of", "is it the"]),
        (SklearnTfidfVectorizer(), ["a b c", "! ? .", ""]),
    ],
    ids=["en", "de", "sklearn-english", "nothing-to-count"],
)
def test_only_stop_words(vec: Any, docs: list[str]) -> None:
    message = "empty vocabulary; perhaps the documents only contain stop words"
    with pytest.raises(ValueError, match=re.escape(message)):
        vec.fit(docs)


@pytest.mark.parametrize("cls", BOTH)
@pytest.mark.parametrize(
    ("min_df", "max_df"),
    [(3, 2), (0.9, 0.1), (3, 0.5)],
    ids=["counts", "shares", "mixed"],
)
def test_max_df_below_min_df(cls: type, min_df: Any, max_df: Any) -> None:
    with pytest.raises(ValueError, match="max_df corresponds to < documents than min_df"):
        cls(min_df=min_df, max_df=max_df).fit(["Haus See", "Haus Wald", "Baum Haus"])


# ----------------------------------------------------------------------------- options

INVALID_OPTIONS = [
    ({"ngram_range": (2, 1)}, "ngram_range"),
    ({"ngram_range": (0, 1)}, "ngram_range"),
    ({"ngram_range": [1, 2]}, "ngram_range"),
    ({"norm": "l3"}, "norm"),
    ({"analyzer": "chars"}, "analyzer"),
    ({"dtype": np.int32}, "dtype"),
    ({"dtype": "float16"}, "dtype"),
    ({"min_df": -1}, "min_df"),
    ({"min_df": 1.5}, "min_df"),
    ({"min_df": True}, "min_df"),
    ({"max_df": -0.5}, "max_df"),
    ({"max_features": 0}, "max_features"),
    ({"max_features": 1.5}, "max_features"),
    ({"stemmer": "klingon"}, "stemmer"),
    ({"language": "xx"}, "language"),
    ({"weighting": "foo"}, "weighting"),
    ({"strip_accents": "foo"}, "strip_accents"),
    ({"compounds": "foo"}, "compounds"),
    ({"weighting": "bm25", "k1": -1}, "k1"),
    ({"weighting": "bm25", "k1": float("nan")}, "k1"),
    ({"weighting": "bm25", "b": 2.0}, "b"),
    ({"min_token_len": -1}, "min_token_len"),
    ({"stop_words": "klingon"}, "klingon"),
    ({"input": "foo"}, "input"),
]


@pytest.mark.parametrize(
    ("params", "option"),
    INVALID_OPTIONS,
    ids=[f"{next(iter(p))}={p[next(iter(p))]!r}" for p, _ in INVALID_OPTIONS],
)
def test_invalid_option_names_the_option(params: dict[str, Any], option: str) -> None:
    bad_value = params.get(option)
    with pytest.raises(ValueError, match=re.escape(option)) as info:
        TfidfVectorizer(**params).fit(GOOD)
    if isinstance(bad_value, (str, int, float)) and not isinstance(bad_value, bool):
        assert str(bad_value) in str(info.value) or repr(bad_value) in str(info.value)


SKLEARN_MODE_INVALID = [
    ({"ngram_range": (2, 1)}, "ngram_range"),
    ({"norm": "l3"}, "norm"),
    ({"analyzer": "chars"}, "analyzer"),
    ({"dtype": "no such type"}, "dtype"),  # an int dtype warns and gives float64, as in sklearn
    ({"min_df": -1}, "min_df"),
    ({"min_df": 1.5}, "min_df"),
    ({"max_features": 0}, "max_features"),
    ({"strip_accents": "foo"}, "strip_accents"),
]


@pytest.mark.parametrize(
    ("params", "option"),
    SKLEARN_MODE_INVALID,
    ids=[f"{next(iter(p))}={p[next(iter(p))]!r}" for p, _ in SKLEARN_MODE_INVALID],
)
def test_invalid_option_names_the_option_sklearn_mode(params: dict[str, Any], option: str) -> None:
    with pytest.raises(ValueError, match=re.escape(option)):
        SklearnTfidfVectorizer(**params).fit(GOOD)


def test_stemmer_error_lists_the_algorithms() -> None:
    with pytest.raises(ValueError, match=r"stemmer must be one of .*german.*klingon"):
        TfidfVectorizer(stemmer="klingon").fit(GOOD)


def test_stemmer_with_python_tokenizer_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"stemmer='german' cannot be combined"):
        TfidfVectorizer(stemmer="german", tokenizer=str.split, token_pattern=None).fit(GOOD)


def test_invalid_option_does_not_fit() -> None:
    vec = TfidfVectorizer(norm="l3")
    with pytest.raises(ValueError, match="norm"):
        vec.fit(GOOD)
    with pytest.raises(NotFittedError):
        vec.transform(GOOD)


# ----------------------------------------------------------------------------- edge cases


@pytest.mark.parametrize("cls", BOTH)
def test_documents_that_end_up_empty_keep_their_rows(cls: type) -> None:
    docs = ["the and of", "house lake", "", "!!! ???", "lake", "  \n\t "]
    vec = cls(stop_words="english")
    X = vec.fit_transform(docs)
    assert X.shape[0] == len(docs)
    assert np.diff(X.indptr).tolist() == [0, 2, 0, 0, 1, 0]
    assert np.isfinite(X.data).all()
    T = vec.transform(docs)
    assert T.shape == X.shape
    assert np.diff(T.indptr).tolist() == [0, 2, 0, 0, 1, 0]


def _gen(docs: list[str]) -> Iterator[str]:
    yield from docs


@pytest.mark.parametrize("cls", BOTH)
def test_generators_are_accepted(cls: type) -> None:
    docs = ["Ein Haus am See", "Der Garten am Haus", "Ein Boot auf dem See"]
    expected = cls().fit_transform(docs)
    vec = cls().fit(_gen(docs))
    assert vec.transform(_gen(docs)).shape == expected.shape
    assert abs(vec.transform(_gen(docs)) - expected).max() == 0
    X = cls().fit_transform(_gen(docs))
    assert abs(X - expected).max() == 0
    assert cls().fit_transform(d for d in docs).shape == expected.shape


@pytest.mark.parametrize("cls", BOTH)
def test_other_sequences_are_accepted(cls: type) -> None:
    docs = ["Ein Haus am See", "Der Garten am Haus", "Ein Boot auf dem See"]
    expected = cls().fit_transform(docs)
    for seq in (tuple(docs), np.array(docs, dtype=object)):
        assert abs(cls().fit_transform(seq) - expected).max() == 0
