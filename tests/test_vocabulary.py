"""One result vocabulary: the same names in every result, frame and the docs; old names warn."""

from __future__ import annotations

import pathlib
import re

import numpy as np
import pytest
import scipy.sparse as sp

import newsim
from newsim import _similarity

pd = pytest.importorskip("pandas")

HAND = sp.csr_matrix(np.array([[1, 1, 0], [1, 0.9, 0.1], [0, 0.2, 1], [0, 0, 1]], dtype=np.float32))
LABELS = ["a", "b", "c", "d"]
#: The user guide's page on the names of results (it was the README's "Results" section).
RESULTS_PAGE = pathlib.Path(__file__).resolve().parent.parent / "docs" / "user-guide" / "results.md"

#: (old name, its replacement) as the DeprecationWarning names them.
OLD_FIELDS = [("i", "article_row"), ("j", "neighbor_row")]


@pytest.fixture
def index() -> newsim.SimilarityIndex:
    return newsim.SimilarityIndex(HAND)


def _frames(index: newsim.SimilarityIndex) -> list[pd.DataFrame]:
    vec = newsim.TfidfVectorizer(language=None).fit(
        ["apple pear fig", "pear fig lime", "lime kiwi"]
    )
    Q = sp.csr_matrix(np.array([[0, 0.2, 1]], dtype=np.float32))
    return [
        index.top_k(2).to_frame(ids=LABELS, query_ids=LABELS),
        index.query(Q, k=2).to_frame(ids=LABELS, query_ids=["q"]),
        index.pairs(0.5).to_frame(ids=LABELS),
        index.pairs(0.5, as_frame=True),
        vec.keywords(["apple pear", "lime kiwi"], top=2).to_frame(ids=["x", "y"]),
    ]


def test_frames_use_the_vocabulary_in_its_order(index: newsim.SimilarityIndex) -> None:
    for df in _frames(index):
        columns = list(df.columns)
        assert columns == [c for c in _similarity._COLUMNS if c in columns]
        assert "article_row" in columns


def test_the_docs_results_table_names_every_column() -> None:
    if not RESULTS_PAGE.is_file():
        pytest.skip("not run from a source checkout")
    section = RESULTS_PAGE.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(\w+)`", section, flags=re.MULTILINE))
    assert set(_similarity._COLUMNS) <= documented


def test_one_spelling_of_neighbor() -> None:
    from newsim import cli, plot

    for module in (_similarity, cli, plot):
        public = [name for name in dir(module) if not name.startswith("_")]
        assert [name for name in public if "neighbour" in name] == (
            ["neighbour_graph"] if module is plot else []
        )


# ----------------------------------------------------------------------------- deprecated names


@pytest.mark.parametrize(("old", "new"), OLD_FIELDS)
def test_old_pairs_fields_read_and_warn(index: newsim.SimilarityIndex, old: str, new: str) -> None:
    pairs = index.pairs(0.5)
    message = rf"Pairs\.{old} is deprecated and will be removed in newsim 0\.4; use Pairs\.{new}"
    with pytest.warns(DeprecationWarning, match=message):
        value = getattr(pairs, old)
    assert value is getattr(pairs, new)


def test_pairs_fields_are_its_frames_columns(index: newsim.SimilarityIndex) -> None:
    pairs = index.pairs(0.5)
    assert pairs._fields == ("article_row", "neighbor_row", "score")
    assert list(pairs.to_frame().columns) == list(pairs._fields)
    rows, neighbors, scores = pairs  # still a tuple of three arrays
    assert rows.tolist() == [0, 2] and neighbors.tolist() == [1, 3]
    assert scores.dtype == np.float32


def _legacy(frame: object, **kwargs: object) -> pd.DataFrame:
    with pytest.warns(DeprecationWarning, match=r"legacy_columns=True is deprecated") as record:
        df = frame.to_frame(legacy_columns=True, **kwargs)  # type: ignore[attr-defined]
    assert len(record) == 1
    assert record[0].filename == __file__  # the warning points at the caller
    return df


def test_top_k_legacy_columns_are_newsim_0_2s(index: newsim.SimilarityIndex) -> None:
    result = index.top_k(2)
    plain = _legacy(result)
    assert list(plain.columns) == ["article", "rank", "neighbor", "score"]
    assert plain["article"].tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    assert plain["neighbor"].tolist() == result.to_frame()["neighbor_row"].tolist()
    named = _legacy(result, ids=LABELS, query_ids=LABELS)  # 0.2 showed labels instead of rows
    assert list(named.columns) == ["article", "rank", "neighbor", "score"]
    assert named["article"].tolist() == ["a", "a", "b", "b", "c", "c", "d", "d"]
    assert named["neighbor"].tolist()[:4] == ["b", "c", "a", "c"]
    half = _legacy(result, ids=LABELS)
    assert half["article"].tolist() == plain["article"].tolist()
    assert half["neighbor"].tolist() == named["neighbor"].tolist()


def test_top_k_legacy_warning_names_the_replacements(index: newsim.SimilarityIndex) -> None:
    message = (
        "legacy_columns=True is deprecated and will be removed in newsim 0.4; use the new columns "
        "(article_row or article_id for article, neighbor_row or neighbor_id for neighbor)"
    )
    with pytest.warns(DeprecationWarning) as record:
        index.top_k(1).to_frame(ids=LABELS, query_ids=LABELS, legacy_columns=True)
    assert str(record[0].message) == message


def test_pairs_legacy_columns_are_newsim_0_2s(index: newsim.SimilarityIndex) -> None:
    pairs = index.pairs(0.5)
    plain = _legacy(pairs)
    assert list(plain.columns) == ["i", "j", "score"]
    named = _legacy(pairs, ids=LABELS)
    assert list(named.columns) == ["i", "j", "score", "id_i", "id_j"]
    assert named.drop(columns="score").values.tolist() == [[0, 1, "a", "b"], [2, 3, "c", "d"]]
    pd.testing.assert_series_equal(named["score"], pairs.to_frame()["score"])


def test_keywords_legacy_columns_are_newsim_0_2s() -> None:
    vec = newsim.TfidfVectorizer(language=None).fit(["apple pear fig", "pear fig lime"])
    kw = vec.keywords(["apple pear", "fig lime"], top=2)
    plain = _legacy(kw)
    assert list(plain.columns) == ["article", "rank", "term", "weight"]
    assert plain["article"].tolist() == [0, 0, 1, 1]
    named = _legacy(kw, ids=["x", "y"])
    assert named["article"].tolist() == ["x", "x", "y", "y"]
    pd.testing.assert_frame_equal(
        named.drop(columns="article"), kw.to_frame().drop(columns="article_row")
    )
