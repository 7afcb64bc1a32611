"""Article ids in SimilarityIndex: every result speaks the ids given to the index.

The reference is the same index without ids: ids only relabel, so its rows, scores and order
must be identical, and the ids must be the given ids of those rows.
"""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from newsim import Pairs, SimilarityIndex, TfidfVectorizer, TopK

# Article 3 repeats article 0 (a duplicate pair); article 4 shares no term with any other
# (a row of padding in top-k).
DOCS = [
    "the cat sat on the mat",
    "a cat sat on a chair",
    "dogs bark at the cat",
    "the cat sat on the mat",
    "quantum chromodynamics lecture",
]
STR_IDS = ["mat", "chair", "dogs", "mat-copy", "physics"]
INT_IDS = [503, 7, 12, 0, 99]
K = 3


@pytest.fixture(scope="module")
def X() -> sp.csr_matrix:
    return TfidfVectorizer(language="en").fit_transform(DOCS)


@pytest.fixture(scope="module")
def plain(X: sp.csr_matrix) -> SimilarityIndex:
    return SimilarityIndex(X)


def _expected_ids(ids: list, rows: np.ndarray, pad: object) -> list:
    return [[ids[r] if r >= 0 else pad for r in row] for row in rows.tolist()]


# ----------------------------------------------------------------------------- default ids


def test_default_ids_are_the_rows_and_results_are_unchanged(
    X: sp.csr_matrix, plain: SimilarityIndex
) -> None:
    assert plain.ids_.dtype == np.int64
    assert plain.ids_.tolist() == [0, 1, 2, 3, 4]
    res = plain.top_k(K)
    assert res.ids.dtype == np.int64
    assert res.ids.tolist() == [[3, 1, 2], [0, 3, 2], [1, 0, 3], [0, 1, 2], [-1, -1, -1]]
    assert res.neighbor_rows is res.ids
    frame = res.to_frame()
    assert list(frame.columns) == ["article_row", "rank", "neighbor_row", "score"]
    pairs = plain.pairs(0.9)
    assert pairs.article_id.tolist() == [0] and pairs.neighbor_id.tolist() == [3]
    assert list(pairs.to_frame().columns) == ["article_row", "neighbor_row", "score"]
    assert "ids" not in repr(plain)
    assert plain.row_of(4) == 4
    with pytest.raises(KeyError, match=r"id=5 is not an id of this index \(5 articles"):
        plain.row_of(5)


# ----------------------------------------------------------------------------- str and int ids


@pytest.mark.parametrize(
    ("ids", "pad", "dtype"), [(STR_IDS, None, object), (INT_IDS, -1, np.int64)], ids=["str", "int"]
)
def test_top_k_speaks_ids(
    X: sp.csr_matrix, plain: SimilarityIndex, ids: list, pad: object, dtype: type
) -> None:
    index = SimilarityIndex(X, ids=ids)
    ref = plain.top_k(K)
    res = index.top_k(K)
    assert res.ids.dtype == dtype
    np.testing.assert_array_equal(res.neighbor_rows, ref.ids)
    np.testing.assert_array_equal(res.scores, ref.scores)
    assert res.ids.tolist() == _expected_ids(ids, ref.ids, pad)
    assert res.ids[4].tolist() == [pad] * K  # article 4 has no neighbours: all padding
    # Unpacks as exactly two values, as before.
    got_ids, scores = res
    assert got_ids is res.ids and scores is res.scores and len(res) == 2
    assert isinstance(res, TopK) and isinstance(res, tuple)


@pytest.mark.parametrize("ids", [STR_IDS, INT_IDS], ids=["str", "int"])
def test_top_k_frame_has_id_columns(X: sp.csr_matrix, plain: SimilarityIndex, ids: list) -> None:
    frame = SimilarityIndex(X, ids=ids).top_k(K).to_frame()
    ref = plain.top_k(K).to_frame()
    assert list(frame.columns) == [
        "article_row",
        "article_id",
        "rank",
        "neighbor_row",
        "neighbor_id",
        "score",
    ]
    pd.testing.assert_frame_equal(frame[list(ref.columns)], ref)
    assert frame["article_id"].tolist() == [ids[r] for r in ref["article_row"]]
    assert frame["neighbor_id"].tolist() == [ids[r] for r in ref["neighbor_row"]]
    assert frame.iloc[0].tolist()[:5] == [0, ids[0], 1, 3, ids[3]]


def test_frame_arguments_override_the_index_ids(X: sp.csr_matrix) -> None:
    res = SimilarityIndex(X, ids=STR_IDS).top_k(1)
    titles = [t.upper() for t in STR_IDS]
    frame = res.to_frame(ids=titles, query_ids=list("abcde"))
    assert frame["neighbor_id"].tolist() == ["MAT-COPY", "MAT", "CHAIR", "MAT"]
    assert frame["article_id"].tolist() == ["a", "b", "c", "d"]


def test_query_speaks_ids_and_queries_have_none(X: sp.csr_matrix) -> None:
    vec = TfidfVectorizer(language="en").fit(DOCS)
    index = SimilarityIndex(vec.transform(DOCS), ids=STR_IDS)
    plain = SimilarityIndex(vec.transform(DOCS))
    Q = vec.transform(["a cat on a chair", "nothing in common"])
    ref = plain.query(Q, K)
    res = index.query(Q, K)
    np.testing.assert_array_equal(res.neighbor_rows, ref.ids)
    np.testing.assert_array_equal(res.scores, ref.scores)
    assert res.ids.tolist() == _expected_ids(STR_IDS, ref.ids, None)
    assert res.ids[1].tolist() == [None] * K
    frame = res.to_frame()
    assert "article_id" not in frame.columns
    assert frame["neighbor_id"].tolist() == [STR_IDS[r] for r in frame["neighbor_row"]]
    frame = res.to_frame(query_ids=["q-chair", "q-none"])
    assert set(frame["article_id"]) == {"q-chair"}
    assert frame["article_id"].tolist()[0] == "q-chair" and frame["neighbor_id"][0] == "chair"


@pytest.mark.parametrize("ids", [STR_IDS, INT_IDS], ids=["str", "int"])
def test_pairs_speak_ids(X: sp.csr_matrix, plain: SimilarityIndex, ids: list) -> None:
    index = SimilarityIndex(X, ids=ids)
    ref = plain.pairs(0.1)
    res = index.pairs(0.1)
    for a, b in zip(res, ref):
        np.testing.assert_array_equal(a, b)
    assert res.article_id.tolist() == [ids[r] for r in ref.article_row.tolist()]
    assert res.neighbor_id.tolist() == [ids[r] for r in ref.neighbor_row.tolist()]
    article_row, neighbor_row, score = res  # unpacks into its 3 fields
    assert article_row is res.article_row and neighbor_row is res.neighbor_row
    assert score is res.score and len(res) == 3
    frame = index.pairs(0.9, as_frame=True)
    assert list(frame.columns) == [
        "article_row",
        "article_id",
        "neighbor_row",
        "neighbor_id",
        "score",
    ]
    assert frame[["article_id", "neighbor_id"]].values.tolist() == [[ids[0], ids[3]]]
    assert frame.to_dict("list") == res._replace(
        article_row=res.article_row[res.score >= 0.9],
        neighbor_row=res.neighbor_row[res.score >= 0.9],
        score=res.score[res.score >= 0.9],
    ).to_frame().to_dict("list")
    over = res.to_frame(ids=[s.upper() for s in STR_IDS])
    assert over["article_id"].tolist() == [STR_IDS[r].upper() for r in ref.article_row]


def test_explain_by_id(X: sp.csr_matrix, plain: SimilarityIndex) -> None:
    index = SimilarityIndex(X, ids=STR_IDS)
    e = index.explain("mat", "chair", top=3)
    ref = plain.explain(0, 1, top=3)
    assert e.terms == ref.terms and e.score == ref.score
    np.testing.assert_array_equal(e.contributions, ref.contributions)
    assert index.explain("mat", "mat-copy").score == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(KeyError, match=r"j='cat' is not an id of this index \(5 articles"):
        index.explain("mat", "cat")
    with pytest.raises(KeyError, match=r"i=0 is not an id"):
        index.explain(0, "mat")  # a row number is not a string id
    numbered = SimilarityIndex(X, ids=INT_IDS)
    assert numbered.explain(503, np.int64(7)).score == ref.score
    with pytest.raises(KeyError, match=r"j=1 is not an id of this index \(5 articles with int"):
        numbered.explain(503, 1)
    with pytest.raises(KeyError, match=r"i=True is not an id"):
        numbered.explain(True, 7)


def test_rows_of_and_row_of(X: sp.csr_matrix) -> None:
    index = SimilarityIndex(X, ids=STR_IDS)
    assert index.row_of("physics") == 4
    assert index._rows_of(["dogs", "mat"]).tolist() == [2, 0]
    with pytest.raises(KeyError, match=r"ids\[1\]='nope' is not an id"):
        index._rows_of(["dogs", "nope", "also-not"])
    assert SimilarityIndex(X, ids=INT_IDS).row_of(np.uint8(12)) == 2


def test_ids_attribute_repr_and_inputs(X: sp.csr_matrix) -> None:
    index = SimilarityIndex(X, ids=np.array(STR_IDS))  # numpy strings become str
    assert index.ids_.dtype == object and index.ids_.tolist() == STR_IDS
    assert all(type(v) is str for v in index.ids_)
    assert not index.ids_.flags.writeable
    assert repr(index).endswith(", ids=str)")
    numbered = SimilarityIndex(X, ids=np.array(INT_IDS, dtype=np.uint32))
    assert numbered.ids_.dtype == np.int64 and numbered.ids_.tolist() == INT_IDS
    assert repr(numbered).endswith(", ids=int)")
    mixed_numpy = SimilarityIndex(X, ids=[np.int64(5), 6, np.int8(7), 8, 9])
    assert mixed_numpy.ids_.tolist() == [5, 6, 7, 8, 9]
    assert SimilarityIndex(X, ids=range(5)).top_k(1).to_frame().columns[1] == "article_id"
    vec = TfidfVectorizer(language="en")
    assert vec.index(DOCS, ids=STR_IDS).top_k(1).ids[0, 0] == "mat-copy"


# ----------------------------------------------------------------------------- results as objects


@pytest.mark.parametrize("ids", [None, STR_IDS, INT_IDS], ids=["none", "str", "int"])
def test_results_pickle_copy_and_replace(X: sp.csr_matrix, ids: list) -> None:
    index = SimilarityIndex(X, ids=ids)
    top = index.top_k(K)
    pairs = index.pairs(0.1)
    for res in (top, pairs):
        for clone in (pickle.loads(pickle.dumps(res)), copy.copy(res), copy.deepcopy(res)):
            assert type(clone) is type(res)
            pd.testing.assert_frame_equal(clone.to_frame(), res.to_frame())
    back = pickle.loads(pickle.dumps(top))
    np.testing.assert_array_equal(back.neighbor_rows, top.neighbor_rows)
    assert back.ids.tolist() == top.ids.tolist()
    # _replace keeps the labels unless it replaces the ids.
    doubled = top._replace(scores=top.scores * 2)
    np.testing.assert_array_equal(doubled.neighbor_rows, top.neighbor_rows)
    assert doubled.ids is top.ids
    np.testing.assert_allclose(doubled.to_frame()["score"], top.to_frame()["score"] * 2)
    assert list(doubled.to_frame().columns) == list(top.to_frame().columns)
    rows = top._replace(ids=top.neighbor_rows)
    assert rows.neighbor_rows is top.neighbor_rows
    assert "neighbor_id" not in rows.to_frame().columns
    made = TopK._make([top.neighbor_rows, top.scores])
    np.testing.assert_array_equal(made.to_frame()["neighbor_row"], top.to_frame()["neighbor_row"])
    replaced = pairs._replace(score=pairs.score + 1)
    assert replaced.article_id.tolist() == pairs.article_id.tolist()
    pd.testing.assert_frame_equal(
        replaced.to_frame().drop(columns="score"), pairs.to_frame().drop(columns="score")
    )
    assert Pairs._make(list(pairs)).article_id.tolist() == pairs.article_row.tolist()
    assert pairs._asdict().keys() == {"article_row", "neighbor_row", "score"}


def test_topk_of_labels_without_rows_says_so() -> None:
    top = TopK(np.array([["a", "b"]], dtype=object), np.zeros((1, 2), dtype=np.float32))
    with pytest.raises(ValueError, match=r"ids have dtype object and it has no row numbers"):
        _ = top.neighbor_rows


def test_blockwise_results_stay_rows(X: sp.csr_matrix, plain: SimilarityIndex) -> None:
    from newsim import blockwise_top_k

    res = blockwise_top_k([X[:2], X[2:]], k=K)
    ref = plain.top_k(K)
    np.testing.assert_array_equal(res.ids, ref.ids)
    np.testing.assert_array_equal(res.scores, ref.scores)


def test_neighbor_graph_of_a_labelled_top_k_draws_rows(X: sp.csr_matrix) -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.collections import LineCollection

    from newsim import plot

    def edges(top: TopK) -> list:
        ax = plot.neighbor_graph(top, k=1, layout="circle")
        (lines,) = [c for c in ax.collections if isinstance(c, LineCollection)]
        return sorted(np.round(seg, 6).ravel().tolist() for seg in lines.get_segments())

    labelled = SimilarityIndex(X, ids=STR_IDS).top_k(K)
    assert edges(labelled) == edges(SimilarityIndex(X).top_k(K))
