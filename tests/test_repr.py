"""Text and HTML representations of the vectorizers and the similarity index."""

from __future__ import annotations

import pickle
import re
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.pipeline import Pipeline

import newsim
from newsim._repr import format_bytes, html_table
from newsim.datasets import Corpus


def _same_html(a: str, b: str) -> bool:
    """Equal up to scikit-learn's element ids, which count up with every rendering."""
    ids = re.compile(r"sk-(container|estimator)-id-\d+")
    return ids.sub("ID", a) == ids.sub("ID", b)


@pytest.fixture(scope="module")
def sample() -> Corpus:
    return newsim.datasets.load_sample()


@pytest.fixture
def fitted(sample: Corpus) -> Any:
    return newsim.TfidfVectorizer(language="de", min_df=1).fit(sample.texts)


# ----------------------------------------------------------------------------- vectorizers


@pytest.mark.parametrize(
    ("vec", "text"),
    [
        (newsim.TfidfVectorizer(), "TfidfVectorizer()"),
        (
            newsim.TfidfVectorizer(language="de", n_jobs=2),
            "TfidfVectorizer(language='de', n_jobs=2)",
        ),
        (
            newsim.SklearnTfidfVectorizer(sublinear_tf=True),
            "SklearnTfidfVectorizer(sublinear_tf=True)",
        ),
    ],
)
def test_unfitted_repr_is_scikit_learns(vec: Any, text: str) -> None:
    assert repr(vec) == text
    html = vec._repr_html_()
    assert "sk-top-container" in html  # scikit-learn's diagram
    assert "newsim-summary" not in html  # no fitted state yet
    bundle = vec._repr_mimebundle_()
    assert bundle["text/plain"] == text
    assert _same_html(bundle["text/html"], html)


def test_fitted_repr_adds_the_state(fitted: Any) -> None:
    n_terms = len(fitted.vocabulary_)
    assert n_terms > 100
    assert repr(fitted) == (
        f"TfidfVectorizer(language='de')  # fitted: language_='de', n_documents_=2, "
        f"len(vocabulary_)={n_terms}"
    )


def test_fitted_html_has_diagram_and_table(fitted: Any) -> None:
    html = fitted._repr_html_()
    assert "sk-top-container" in html
    table = html[html.index('<table class="newsim-summary"') :]
    cells = re.findall(r"<th[^>]*>(.*?)</th><td[^>]*><code>(.*?)</code></td>", table)
    assert cells == [
        ("language_", "&#x27;de&#x27;"),
        ("n_documents_", "2"),
        ("len(vocabulary_)", str(len(fitted.vocabulary_))),
    ]
    assert _same_html(fitted._repr_mimebundle_()["text/html"], html)
    assert f"<pre>{fitted!r}</pre>".replace("'", "&#x27;") in html  # the text fallback


def test_text_display_keeps_scikit_learns_semantics(fitted: Any) -> None:
    with sklearn.config_context(display="text"):
        assert not hasattr(fitted, "_repr_html_")
        assert fitted._repr_mimebundle_() == {"text/plain": repr(fitted)}


def test_nested_in_a_pipeline_shows_only_parameters(fitted: Any) -> None:
    pipe = Pipeline([("tfidf", fitted)])
    assert "# fitted" not in repr(pipe)
    assert "TfidfVectorizer(language='de')" in repr(pipe)
    assert "sk-top-container" in pipe._repr_html_()


def test_sklearn_mode_and_restored_models(sample: Corpus, tmp_path: Any) -> None:
    vec = newsim.SklearnTfidfVectorizer().fit(sample.texts)
    n_terms = len(vec.vocabulary_)
    expected = (
        f"SklearnTfidfVectorizer()  # fitted: language_=None, n_documents_=2, "
        f"len(vocabulary_)={n_terms}"
    )
    assert repr(vec) == expected
    assert repr(pickle.loads(pickle.dumps(vec))) == expected
    vec.save(tmp_path / "model.newsim")
    assert repr(newsim.TfidfVectorizer.load(tmp_path / "model.newsim")) == expected


def test_repr_after_a_failed_fit() -> None:
    vec = newsim.TfidfVectorizer()
    with pytest.raises(ValueError, match="empty corpus"):
        vec.fit([])
    assert repr(vec) == "TfidfVectorizer()"
    assert "newsim-summary" not in vec._repr_html_()


# ----------------------------------------------------------------------------- index


def test_index_repr_and_html() -> None:
    X = sp.csr_matrix(np.array([[1, 0, 0], [0.6, 0.8, 0], [0, 0, 2]], dtype=np.float64))
    index = newsim.SimilarityIndex(X)
    assert index.nnz == 4
    assert index.dtype == np.float32
    assert index.nbytes == 16 * 4 + 4 * 4 + 8 * 3 + 4
    assert repr(index) == (
        "SimilarityIndex(n_articles=3, n_features=3, nnz=4, scores=dot product, "
        "dtype=float32, memory=108 B)"
    )
    html = index._repr_html_()
    cells = re.findall(r"<th[^>]*>(.*?)</th><td[^>]*><code>(.*?)</code></td>", html)
    assert cells == [
        ("n_articles", "3"),
        ("n_features", "3"),
        ("nnz", "4"),
        ("scores", "dot product"),
        ("dtype", "float32"),
        ("memory", "108 B"),
    ]
    assert "<caption" in html and "SimilarityIndex" in html


def test_index_memory_grows_with_nnz(gnad: Corpus) -> None:
    X = newsim.TfidfVectorizer(language="de").fit_transform(gnad.texts)
    index = newsim.SimilarityIndex(X)
    assert index.nbytes > 16 * X.nnz
    assert index.nbytes < 16 * X.nnz + 12 * (X.shape[0] + X.shape[1]) + 100
    assert re.search(r"scores=cosine, dtype=float32, memory=\d+\.\d MB\)$", repr(index))


# ----------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0 B"), (999, "999 B"), (1000, "1.0 kB"), (2_500_000, "2.5 MB"), (3e12, "3000.0 GB")],
)
def test_format_bytes(n: float, text: str) -> None:
    assert format_bytes(n) == text


def test_html_table_escapes() -> None:
    html = html_table("<T>", [("a&b", "<script>")])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "a&amp;b" in html and "&lt;T&gt;" in html


# ----------------------------------------------------------------------------- DataFrames

HAND = sp.csr_matrix(np.array([[1, 1, 0], [1, 0.9, 0.1], [0, 0.2, 1], [0, 0, 1]], dtype=np.float32))


def test_top_k_frame_labels_both_columns() -> None:
    index = newsim.SimilarityIndex(HAND)
    names = ["a", "b", "c", "d"]
    df = index.top_k(2).to_frame(ids=names, query_ids=names)
    assert list(df.columns) == [
        "article_row",
        "article_id",
        "rank",
        "neighbor_row",
        "neighbor_id",
        "score",
    ]
    assert df["article_id"].tolist() == ["a", "a", "b", "b", "c", "c", "d", "d"]
    assert df["neighbor_id"].tolist()[:4] == ["b", "c", "a", "c"]
    plain = index.top_k(2).to_frame()
    np.testing.assert_array_equal(df["score"].to_numpy(), plain["score"].to_numpy())


def test_query_frame_labels_queries_and_articles() -> None:
    index = newsim.SimilarityIndex(HAND)
    Q = sp.csr_matrix(np.array([[0, 0.2, 1], [1, 0, 0]], dtype=np.float32))
    df = index.query(Q, k=1).to_frame(ids=list("abcd"), query_ids=["q1", "q2"])
    assert df[["article_id", "neighbor_id"]].values.tolist() == [["q1", "c"], ["q2", "a"]]
    assert df[["article_row", "neighbor_row"]].values.tolist() == [[0, 2], [1, 0]]
    with pytest.raises(ValueError, match="query_ids has 3 labels for 2 rows"):
        index.query(Q, k=1).to_frame(query_ids=["q1", "q2", "q3"])


def test_labels_can_be_tuples_and_must_cover_the_result() -> None:
    index = newsim.SimilarityIndex(HAND)
    keys = [("x", 0), ("x", 1), ("y", 0), ("y", 1)]
    df = index.top_k(1).to_frame(ids=keys)
    assert df["neighbor_id"].tolist()[0] == ("x", 1)
    with pytest.raises(ValueError, match="ids has 2 labels, but the result refers to article 3"):
        index.top_k(1).to_frame(ids=["a", "b"])
    with pytest.raises(ValueError, match="ids has 3 labels, but the result refers to article 3"):
        index.pairs(0.5).to_frame(ids=["a", "b", "c"])
    with pytest.raises(TypeError, match="ids must be a sequence of labels, got str"):
        index.top_k(1).to_frame(ids="abcd")


def test_pairs_frame_keeps_row_numbers() -> None:
    index = newsim.SimilarityIndex(HAND)
    df = index.pairs(0.5).to_frame(ids=["a", "b", "c", "d"])
    assert list(df.columns) == [
        "article_row",
        "article_id",
        "neighbor_row",
        "neighbor_id",
        "score",
    ]
    assert df.drop(columns="score").values.tolist() == [[0, "a", 1, "b"], [2, "c", 3, "d"]]


def test_keywords_frame_needs_one_label_per_article(sample: Corpus) -> None:
    vec = newsim.TfidfVectorizer().fit(sample.texts)
    kw = vec.keywords(sample.texts, top=3)
    assert (
        kw.to_frame(ids=sample.ids)["article_id"].tolist()
        == [sample.ids[0]] * 3 + [sample.ids[1]] * 3
    )
    with pytest.raises(ValueError, match="ids has 1 labels for 2 articles"):
        kw.to_frame(ids=["only one"])


def test_explanation_frame(sample: Corpus) -> None:
    vec = newsim.TfidfVectorizer().fit(sample.texts)
    e = vec.explain(sample.texts[0], sample.texts[1], top=4)
    df = e.to_frame()
    assert list(df.columns) == ["term", "contribution", "share"]
    assert df["term"].tolist() == e.terms
    np.testing.assert_allclose(df["share"].to_numpy() * e.score, e.contributions)
