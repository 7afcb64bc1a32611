"""newsim.plot: the similarity heatmap, the neighbor graph, the story timeline (Agg backend)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

import newsim
from conftest import _require

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import LineCollection, PathCollection  # noqa: E402

from newsim import plot  # noqa: E402

# Five articles over four terms, rows L2-normalized: 0~1, 2~3 similar, 4 alone.
ROWS = np.array(
    [
        [1.0, 1.0, 0.0, 0.0],
        [1.0, 0.8, 0.0, 0.1],
        [0.0, 0.0, 1.0, 1.0],
        [0.0, 0.1, 1.0, 0.9],
        [0.0, 0.0, 0.0, 1.0],
    ]
)
X = sp.csr_matrix(ROWS / np.linalg.norm(ROWS, axis=1, keepdims=True))
TOPICS = ["a", "a", "b", "b", "c"]


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture
def index() -> newsim.SimilarityIndex:
    return newsim.SimilarityIndex(X)


# ----------------------------------------------------------------------------- heatmap


def test_heatmap_of_a_matrix() -> None:
    ax = plot.heatmap(X)
    assert isinstance(ax, Axes)
    assert len(ax.images) == 1
    np.testing.assert_allclose(ax.images[0].get_array(), (X @ X.T).toarray())
    assert len(ax.figure.axes) == 2  # the heatmap and its colour bar
    assert len(ax.lines) == 0


def test_heatmap_of_an_index_equals_the_matrix(index: newsim.SimilarityIndex) -> None:
    order = [4, 2, 0, 3]
    from_index = plot.heatmap(index, order=order, colorbar=False).images[0].get_array()
    from_matrix = plot.heatmap(X, order=order, colorbar=False).images[0].get_array()
    np.testing.assert_allclose(from_index, from_matrix, atol=1e-6)
    np.testing.assert_allclose(np.diag(from_index), 1.0, atol=1e-6)
    assert from_index.shape == (4, 4)


def test_heatmap_groups_runs_of_labels() -> None:
    ax = plot.heatmap(X, labels=TOPICS, colorbar=False)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    np.testing.assert_allclose(ax.get_xticks(), [0.5, 2.5, 4.0])
    assert len(ax.lines) == 2 * 2  # a horizontal and a vertical line between groups
    assert len(ax.figure.axes) == 1


def test_heatmap_order_reorders_labels() -> None:
    order = np.argsort(["z", "y", "z", "y", "x"], kind="stable")  # [4, 1, 3, 0, 2]
    ax = plot.heatmap(X, order=order, labels=TOPICS)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["c", "a", "b", "a", "b"]
    S = ax.images[0].get_array()
    assert S[1, 3] == pytest.approx(float((X[1] @ X[0].T).toarray()[0, 0]))


def test_heatmap_shortens_long_labels() -> None:
    titles = [f"Titel {i}: " + "sehr " * 20 + "lang" for i in range(5)]
    ax = plot.heatmap(X, labels=titles, max_label=20)
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert len(names) == 5
    assert all(len(n) <= 20 and n.endswith("…") for n in names)
    assert names[0].startswith("Titel 0: sehr")


def test_heatmap_draws_into_the_given_axes() -> None:
    _, (left, right) = plt.subplots(1, 2)
    assert plot.heatmap(X, ax=right, colorbar=False) is right
    assert len(right.images) == 1 and len(left.images) == 0


def test_heatmap_bad_arguments(index: newsim.SimilarityIndex) -> None:
    with pytest.raises(ValueError, match="labels has 2 entries for 5 articles"):
        plot.heatmap(X, labels=["a", "b"])
    with pytest.raises(IndexError, match="order refers to article 7, but there are 5 articles"):
        plot.heatmap(index, order=[0, 7])
    with pytest.raises(TypeError, match="order must be a 1-D sequence of article numbers"):
        plot.heatmap(X, order=[0.5, 1.5])
    with pytest.raises(TypeError, match="X must be a 2-D sparse matrix or array"):
        plot.heatmap("not a matrix")


def _dense_group_means(S: np.ndarray, labels: list[str]) -> np.ndarray:
    """Mean similarity between labels by brute force (diagonal: pairs of two articles)."""
    names = list(dict.fromkeys(labels))
    lab = np.array(labels)
    out = np.full((len(names), len(names)), np.nan)
    for a, x in enumerate(names):
        for b, y in enumerate(names):
            block = S[np.ix_(lab == x, lab == y)]
            if a == b:
                block = block[~np.eye(len(block), dtype=bool)]
            if block.size:
                out[a, b] = block.mean()
    return out


def test_heatmap_aggregates_by_label(index: newsim.SimilarityIndex) -> None:
    S = (X @ X.T).toarray()
    expected = _dense_group_means(S, TOPICS)
    for source in (X, index):
        ax = plot.heatmap(source, labels=TOPICS, aggregate=True)
        got = np.ma.filled(ax.images[0].get_array().astype(float), np.nan)
        np.testing.assert_allclose(got, expected, atol=1e-6)  # "c" has one article: NaN
        assert [t.get_text() for t in ax.get_yticklabels()] == ["a (2)", "b (2)", "c (1)"]
        assert [t.get_text() for t in ax.get_xticklabels()] == ["a (2)", "b (2)", "c (1)"]
        # every cell with a value is annotated with it
        cells = {(round(t.get_position()[1]), round(t.get_position()[0])): t for t in ax.texts}
        assert len(cells) == 8 and (2, 2) not in cells
        for (i, j), text in cells.items():
            assert float(text.get_text()) == pytest.approx(expected[i, j], abs=0.005)
        assert ax.figure.axes[-1].get_ylabel() == "mean similarity"
        plt.close("all")


def test_heatmap_aggregate_follows_order() -> None:
    ax = plot.heatmap(X, order=[4, 2, 3, 0], labels=TOPICS, aggregate=True, colorbar=False)
    # labels in the order they first appear after order=; article 1 is not shown
    assert [t.get_text() for t in ax.get_xticklabels()] == ["c (1)", "b (2)", "a (1)"]
    S = (X @ X.T).toarray()[np.ix_([4, 2, 3, 0], [4, 2, 3, 0])]
    expected = _dense_group_means(S, ["c", "b", "b", "a"])
    got = np.ma.filled(ax.images[0].get_array().astype(float), np.nan)
    np.testing.assert_allclose(got, expected, atol=1e-6)


def _topic_matrix(n: int, n_topics: int, seed: int = 0) -> tuple[sp.csr_matrix, list[str]]:
    """Rows near one of ``n_topics`` directions, L2-normalized, and their topics."""
    rng = np.random.default_rng(seed)
    topic = rng.integers(0, n_topics, n)
    dense = rng.random((n, 40)) * 0.3
    dense[np.arange(n), topic] += 1.0
    dense /= np.linalg.norm(dense, axis=1, keepdims=True)
    return sp.csr_matrix(dense), [f"topic {t}" for t in topic]


def test_heatmap_aggregates_many_articles_by_default() -> None:
    M, topics = _topic_matrix(plot.HEATMAP_AGGREGATE_ABOVE + 1, 4)
    ax = plot.heatmap(M, labels=topics)
    assert ax.images[0].get_array().shape == (4, 4)
    expected = _dense_group_means((M @ M.T).toarray(), topics)
    np.testing.assert_allclose(ax.images[0].get_array(), expected, atol=1e-9)
    diagonal = np.diag(expected)
    assert diagonal.min() > expected[~np.eye(4, dtype=bool)].max()  # topics are topical
    # at most 200 articles, without labels, with more than 50 labels, or aggregate=False:
    # one cell per pair of articles
    small, small_topics = _topic_matrix(plot.HEATMAP_AGGREGATE_ABOVE, 4)
    assert plot.heatmap(small, labels=small_topics).images[0].get_array().shape == (200, 200)
    assert plot.heatmap(M).images[0].get_array().shape == (201, 201)
    titles = [f"title {i}" for i in range(201)]
    assert plot.heatmap(M, labels=titles).images[0].get_array().shape == (201, 201)
    full = plot.heatmap(M, labels=topics, aggregate=False).images[0]
    assert full.get_array().shape == (201, 201)
    assert full.get_interpolation() == "antialiased"  # more cells than pixels: no moiré
    assert plot.heatmap(X).images[0].get_interpolation() == "nearest"


def test_heatmap_aggregates_more_articles_than_a_heatmap_draws() -> None:
    M, topics = _topic_matrix(plot.MAX_HEATMAP_ARTICLES + 1, 3)
    ax = plot.heatmap(M, labels=topics, colorbar=False)
    assert ax.images[0].get_array().shape == (3, 3)
    with pytest.raises(ValueError, match=r"unreadable .* or give labels= and aggregate=True"):
        plot.heatmap(M, labels=topics, aggregate=False)


def test_heatmap_aggregate_bad_arguments() -> None:
    with pytest.raises(ValueError, match="aggregate=True needs labels="):
        plot.heatmap(X, aggregate=True)
    with pytest.raises(TypeError, match="aggregate must be True, False or None, got 'yes'"):
        plot.heatmap(X, labels=TOPICS, aggregate="yes")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- neighbor graph


def _edges(ax: Axes) -> set[frozenset[tuple[float, float]]]:
    lines = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(lines) == 1
    return {frozenset(map(tuple, np.round(seg, 6))) for seg in lines[0].get_segments()}


def test_graph_from_index(index: newsim.SimilarityIndex) -> None:
    ax = plot.neighbor_graph(index, ids=list("ABCDE"), k=1)
    assert isinstance(ax, Axes)
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(scatters) == 1 and len(scatters[0].get_offsets()) == 5
    assert sorted(t.get_text() for t in ax.texts) == list("ABCDE")
    # nearest neighbors: 0<->1, 2<->3, and 4 -> 3 (its only overlap): three distinct edges
    assert len(_edges(ax)) == 3
    assert not ax.axison


def test_graph_from_top_k_equals_graph_from_index(index: newsim.SimilarityIndex) -> None:
    a = plot.neighbor_graph(index, k=2, layout="circle")
    b = plot.neighbor_graph(index.top_k(4), k=2, layout="circle")
    assert _edges(a) == _edges(b)
    assert [t.get_text() for t in a.texts] == [t.get_text() for t in b.texts]


def test_graph_of_chosen_articles(index: newsim.SimilarityIndex) -> None:
    ax = plot.neighbor_graph(index, k=1, articles=[0], layout="circle")
    assert sorted(t.get_text() for t in ax.texts) == ["0", "1"]  # article 0 and its neighbor
    assert len(_edges(ax)) == 1
    sizes = next(c for c in ax.collections if isinstance(c, PathCollection)).get_sizes()
    assert sizes[0] > sizes[1]  # the chosen article is drawn larger


def test_graph_groups_colour_nodes(index: newsim.SimilarityIndex) -> None:
    ax = plot.neighbor_graph(index, k=1, groups=TOPICS)
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(scatters) == 3
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["a", "b", "c"]


def test_neighbour_graph_is_the_deprecated_name(index: newsim.SimilarityIndex) -> None:
    with pytest.warns(
        DeprecationWarning,
        match=r"plot\.neighbour_graph is deprecated .* 0\.4; "
        r"use newsim\.plot\.neighbor_graph",
    ):
        old = plot.neighbour_graph(index, k=2, layout="circle")
    new = plot.neighbor_graph(index, k=2, layout="circle")
    assert _edges(old) == _edges(new)
    assert "neighbour_graph" not in plot.__all__


def test_graph_circle_layout(index: newsim.SimilarityIndex) -> None:
    ax = plot.neighbor_graph(index, k=1, layout="circle")
    offsets = next(c for c in ax.collections if isinstance(c, PathCollection)).get_offsets()
    np.testing.assert_allclose(np.linalg.norm(np.asarray(offsets), axis=1), 1.0)


def test_spring_layout_is_deterministic_and_pulls_neighbors_together() -> None:
    vec = newsim.TfidfVectorizer(language="de")
    texts = [
        "Bayern gewinnt das Spiel gegen Dortmund mit zwei Toren",
        "Dortmund verliert gegen Bayern, zwei Tore entscheiden das Spiel",
        "Die Regierung plant eine neue Steuer für Unternehmen",
        "Unternehmen kritisieren die geplante Steuer der Regierung",
        "Forscher entdecken einen neuen Planeten",
        "Ein neuer Planet wurde von Forschern entdeckt",
    ]
    index = vec.index(texts)
    first = plot.neighbor_graph(index, k=1, seed=3)
    again = plot.neighbor_graph(index, k=1, seed=3)
    pos = np.asarray(
        next(c for c in first.collections if isinstance(c, PathCollection)).get_offsets()
    )
    pos2 = np.asarray(
        next(c for c in again.collections if isinstance(c, PathCollection)).get_offsets()
    )
    np.testing.assert_allclose(pos, pos2)
    labels = [int(t.get_text()) for t in first.texts]
    at = {label: pos[p] for p, label in enumerate(labels)}
    within = np.mean([np.linalg.norm(at[a] - at[a + 1]) for a in (0, 2, 4)])
    across = np.mean([np.linalg.norm(at[a] - at[b]) for a in (0, 2, 4) for b in (0, 2, 4) if a < b])
    assert within < across / 2


def test_graph_bad_arguments(index: newsim.SimilarityIndex) -> None:
    with pytest.raises(ValueError, match="k must be a positive int"):
        plot.neighbor_graph(index, k=0)
    with pytest.raises(ValueError, match="layout must be 'spring' or 'circle'"):
        plot.neighbor_graph(index, layout="grid")
    with pytest.raises(TypeError, match="must be a SimilarityIndex or a TopK, got csr_matrix"):
        plot.neighbor_graph(X)
    with pytest.raises(ValueError, match="ids has 2 entries for 5 articles"):
        plot.neighbor_graph(index, ids=["a", "b"])
    with pytest.raises(IndexError, match="order refers to article 9"):
        plot.neighbor_graph(index, articles=[9])


def _label_boxes(ax: Axes) -> list[Any]:
    """The rendered boxes (pixels) of the graph's labels, without their leader lines."""
    from matplotlib.text import Text

    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    return [Text.get_window_extent(t, renderer) for t in ax.texts]


def _node_pixels(ax: Axes) -> np.ndarray:
    offsets = [c.get_offsets() for c in ax.collections if isinstance(c, PathCollection)]
    return np.asarray(ax.transData.transform(np.vstack(offsets)))


def _generated_graph(groups: bool = True) -> tuple[Axes, list[str], newsim.TopK]:
    """Three generated articles and their 5 nearest neighbors, labelled by their first words."""
    docs = newsim.datasets.generate(400, seed=5)
    titles = [" ".join(doc.split()[3:25]).capitalize() for doc in docs]
    vec = newsim.TfidfVectorizer(language=None, stop_words=newsim.datasets.generated_stop_words())
    top = vec.index(docs).top_k(5, progress=False)
    topics = newsim.datasets.generated_topics(400, seed=5).tolist() if groups else None
    ax = plot.neighbor_graph(top, ids=titles, k=5, articles=[0, 1, 2], groups=topics)
    return ax, titles, top


def test_graph_labels_do_not_overlap() -> None:
    ax, _, _ = _generated_graph()
    n_nodes = len(_node_pixels(ax))
    assert len(ax.texts) == n_nodes  # every node keeps its label
    boxes = _label_boxes(ax)
    frame = ax.get_window_extent()
    for i, a in enumerate(boxes):
        assert frame.x0 <= a.x0 and a.x1 <= frame.x1 and frame.y0 <= a.y0 and a.y1 <= frame.y1
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), (a, b)
    # nor do they cover a node's marker (drawn at least 5 pixels wide)
    for x, y in _node_pixels(ax):
        for box in boxes:
            assert not (box.x0 < x < box.x1 and box.y0 < y < box.y1)


def test_graph_labels_are_wrapped_and_shortened_at_words() -> None:
    ax, titles, _ = _generated_graph()
    by_start = {t[:12]: t for t in titles}
    shortened = 0
    for text in ax.texts:
        lines = text.get_text().split("\n")
        assert all(len(line) <= plot.GRAPH_LABEL_LINE for line in lines)
        label = " ".join(lines)
        title = by_start[label[:12]]
        if label != title:  # shortened: at the end of a word, with an ellipsis
            shortened += 1
            assert label.endswith("…") and len(label) <= 56
            assert title.startswith(label[:-1]) and title[len(label) - 1] == " "
    assert shortened > 0


def test_graph_legend_of_scores_matches_edge_widths(index: newsim.SimilarityIndex) -> None:
    from matplotlib.legend import Legend

    ax = plot.neighbor_graph(index, k=2)
    legends = [c for c in ax.get_children() if isinstance(c, Legend)]
    assert [lg.get_title().get_text() for lg in legends] == ["similarity"]
    marks = [float(t.get_text()) for t in legends[0].get_texts()]
    widths = [h.get_linewidth() for h in legends[0].legend_handles]
    assert marks == sorted(marks) and len(marks) == 3
    assert widths == sorted(widths) and widths[0] < widths[-1]
    # each edge's width grows with its score, and the legend reads off the same scale
    pixels = _node_pixels(ax)
    lines = next(c for c in ax.collections if isinstance(c, LineCollection))
    S = (X @ X.T).toarray()
    scores = []
    for segment in lines.get_segments():
        ends = ax.transData.transform(segment)
        a, b = (int(np.argmin(np.linalg.norm(pixels - end, axis=1))) for end in ends)
        scores.append(S[a, b])
    edge_widths = np.asarray(lines.get_linewidths())
    assert np.all(np.diff(edge_widths[np.argsort(scores)]) >= -1e-9)
    assert marks[0] == pytest.approx(min(scores), abs=0.005)
    assert marks[-1] == pytest.approx(max(scores), abs=0.005)
    np.testing.assert_allclose(np.interp(marks, sorted(scores), np.sort(edge_widths)), widths,
                               atol=0.05)  # fmt: skip


def test_graph_with_groups_has_both_legends() -> None:
    from matplotlib.legend import Legend

    ax, _, _ = _generated_graph(groups=True)
    legends = [c for c in ax.get_children() if isinstance(c, Legend)]
    titles = sorted(lg.get_title().get_text() for lg in legends)
    assert titles == ["", "similarity"]
    assert ax.get_legend().get_title().get_text() == ""  # the groups' legend
    # the legends sit beside the drawing, not on it
    ax.figure.canvas.draw()
    frame = ax.get_window_extent()
    for legend in legends:
        assert legend.get_window_extent().x0 >= frame.x1 - 1


def test_graph_fills_its_canvas() -> None:
    ax, _, _ = _generated_graph()
    xs, ys = np.asarray(
        np.vstack([c.get_offsets() for c in ax.collections if isinstance(c, PathCollection)])
    ).T
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < xs.min() and xs.max() < x1 and y0 < ys.min() and ys.max() < y1
    # tight limits: the nodes span at least 90 % of each axis
    assert (xs.max() - xs.min()) / (x1 - x0) > 0.9
    assert (ys.max() - ys.min()) / (y1 - y0) > 0.9
    # no empty third: each third of the width and of the height holds a node or a label
    frame = ax.get_window_extent()
    boxes = _label_boxes(ax)
    pixels = _node_pixels(ax)
    for axis, (lo, hi) in enumerate(((frame.x0, frame.x1), (frame.y0, frame.y1))):
        for third in range(3):
            a, b = lo + (hi - lo) * third / 3, lo + (hi - lo) * (third + 1) / 3
            nodes = ((pixels[:, axis] >= a) & (pixels[:, axis] <= b)).any()
            labels = any(
                (box.x0 if axis == 0 else box.y0) < b and (box.x1 if axis == 0 else box.y1) > a
                for box in boxes
            )
            assert nodes or labels, f"third {third} of axis {axis} is empty"
    # the drawing takes the figure but a column for the legends
    assert ax.get_position().width > 0.75 and ax.get_position().height > 0.85


def test_graph_draws_into_the_given_axes() -> None:
    rng = np.random.default_rng(0)
    index = newsim.SimilarityIndex(sp.csr_matrix(rng.random((12, 5))))
    _, (left, right) = plt.subplots(1, 2, figsize=(8, 4))
    titles = [f"article number {i} with a long title" for i in range(12)]
    assert plot.neighbor_graph(index, k=2, ax=right, ids=titles) is right
    assert len(left.texts) == 0 and 0 < len(right.texts) <= 12  # crowded: some labels left out
    boxes = _label_boxes(right)
    frame = right.get_window_extent()
    for i, a in enumerate(boxes):
        assert frame.x0 <= a.x0 and a.x1 <= frame.x1 and frame.y0 <= a.y0 and a.y1 <= frame.y1
        assert not any(a.overlaps(b) for b in boxes[i + 1 :])


def test_graph_without_edges() -> None:
    index = newsim.SimilarityIndex(sp.csr_matrix(np.eye(3)))  # no two articles share a term
    ax = plot.neighbor_graph(index, k=1)
    assert [t.get_text() for t in ax.texts] == ["0", "1", "2"]
    assert ax.get_legend() is None  # no edges, no scores to explain
    assert len(_edges(ax)) == 0


def test_graph_of_the_german_news_labels_do_not_overlap() -> None:
    """The neighbor graph of notebook 02: three articles, five neighbors, ~80-character titles."""
    corpus = newsim.datasets.load_10kgnad(_require(newsim.datasets.GNAD_FILE))
    vec = newsim.TfidfVectorizer(language="de", min_df=2, max_df=0.5)
    index = vec.index(corpus.texts)
    ax = plot.neighbor_graph(
        index, ids=corpus.titles, k=5, articles=[0, 1, 2], groups=corpus.labels
    )
    boxes = _label_boxes(ax)
    assert len(boxes) == len(_node_pixels(ax)) == 18
    for i, a in enumerate(boxes):
        assert not any(a.overlaps(b) for b in boxes[i + 1 :])


# ----------------------------------------------------------------------------- story timeline

# Two stories and a lone article over six hours: the ECB story has three articles in the
# first hour and one in the sixth, the storm story two in the third hour.
STORY_TEXTS = [
    "ECB raises interest rates",
    "storm floods the coast",
    "the ECB raises interest rates again",
    "interest rates rise at the ECB",
    "coast floods after the storm",
    "a lonely headline",
    "ECB interest rates: what the rise means",
]
STORY_DATES = [
    "2024-05-01T00:05",
    "2024-05-01T02:10",
    "2024-05-01T00:20",
    "2024-05-01T00:55",
    "2024-05-01T02:40",
    "2024-05-01T03:00",
    "2024-05-01T05:15",
]


@pytest.fixture
def stories() -> newsim.Stories:
    found = newsim.TfidfVectorizer(language="en").index(STORY_TEXTS).stories()
    assert found.labels.tolist() == [0, 1, 0, 0, 1, 2, 0]  # the stories the tests rely on
    return found


def _hours(ax: Axes, row: int) -> list[float]:
    """The markers' times of a row, in hours after 2024-05-01T00:00."""
    import matplotlib.dates as mdates

    start = mdates.date2num(np.datetime64("2024-05-01T00:00"))
    return [round((x - start) * 24, 3) for x in ax.collections[row].get_offsets()[:, 0]]


def test_story_timeline_rows_markers_and_sizes(stories: newsim.Stories) -> None:
    ax = plot.story_timeline(stories, STORY_DATES, bins=6)
    assert isinstance(ax, Axes)
    # one row per story of 2 articles or more, by median date: ECB (00:55), storm (02:25)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [
        f"#0 {', '.join(stories.keywords[0][:3])} (4)",
        f"#1 {', '.join(stories.keywords[1][:3])} (2)",
    ]
    assert len(ax.collections) == 2
    assert len(ax.lines) == 2  # first to last article of each story
    # six one-hour bins: markers at the middle of the hours that hold articles
    assert _hours(ax, 0) == [0.5, 5.5]
    assert _hours(ax, 1) == [2.5]
    np.testing.assert_allclose(ax.collections[0].get_offsets()[:, 1], [0, 0])
    # areas in proportion to the articles in a bin: 3 and 1 of the ECB story, 2 of the storm
    most = plot.TIMELINE_MAX_AREA
    np.testing.assert_allclose(ax.collections[0].get_sizes(), [most, most / 3])
    np.testing.assert_allclose(ax.collections[1].get_sizes(), [most * 2 / 3])
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "articles per hour"
    assert [t.get_text() for t in legend.get_texts()] == ["1", "2"]
    assert ax.get_xlabel() == "publication date"


def test_story_timeline_options(stories: newsim.Stories) -> None:
    names = ["European Central Bank raises its rates", "Storm", "Alone"]
    ax = plot.story_timeline(stories, STORY_DATES, labels=names, max_label=12, min_size=1)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["European Ce… (4)", "Storm (2)", "Alone (1)"]
    ax = plot.story_timeline(stories, STORY_DATES, top=1)
    assert [t.get_text()[-3:] for t in ax.get_yticklabels()] == ["(4)"]
    assert len(ax.collections) == 1
    # a two-day span in 48 bins: hourly; two weeks: 6 hours
    two_weeks = [f"2024-05-{d:02d}T12:00Z" for d in (1, 15, 1, 2, 15, 3, 2)]
    ax = plot.story_timeline(stories, two_weeks)
    assert ax.get_legend().get_title().get_text() == "articles per 6 hours"
    assert ax.get_xlabel() == "publication date (UTC)"  # time-zone aware dates


def test_story_timeline_on_the_uci_headlines() -> None:
    pd = pytest.importorskip("pandas")
    import matplotlib.dates as mdates

    corpus = newsim.datasets.load_uci_stories(_require(newsim.datasets.UCI_STORIES_FILE))
    found = newsim.TfidfVectorizer().index(corpus.texts).stories()
    ax = plot.story_timeline(found, corpus.dates)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == len(ax.collections) == 15
    # about 48 round bins over the drawn stories' span (under 34.5 hours): 30 minutes or an hour
    title = ax.get_legend().get_title().get_text()
    freq = {"articles per 30 minutes": "30min", "articles per hour": "h"}[title]
    # each row's markers are its story's articles counted per bin (UTC), recounted here
    bins = pd.Series(pd.to_datetime(corpus.dates, utc=True)).dt.floor(freq)
    half = pd.Timedelta(freq) / 2
    counts = {}
    for row, label in enumerate(labels):
        story = int(label.split()[0].lstrip("#"))
        assert label.endswith(f"({found.sizes[story]})")
        per_bin = bins[found.labels == story].value_counts().sort_index()
        x = mdates.date2num((per_bin.index + half).tz_localize(None))
        np.testing.assert_allclose(ax.collections[row].get_offsets()[:, 0], x)
        counts[row] = per_bin.to_numpy()
    most = max(c.max() for c in counts.values())
    for row, c in counts.items():
        expected = np.maximum(plot.TIMELINE_MAX_AREA * c / most, plot.TIMELINE_MIN_AREA)
        np.testing.assert_allclose(ax.collections[row].get_sizes(), expected)
    # rows in the order of the stories' median dates
    stamps = np.asarray(pd.to_datetime(corpus.dates, utc=True).asi8)
    medians = [np.median(stamps[found.labels == int(t.split()[0][1:])]) for t in labels]
    assert medians == sorted(medians)


def test_story_timeline_draws_into_the_given_axes(stories: newsim.Stories) -> None:
    _, ax = plt.subplots()
    assert plot.story_timeline(stories, STORY_DATES, ax=ax) is ax


def test_story_timeline_bad_arguments(stories: newsim.Stories) -> None:
    with pytest.raises(TypeError, match="stories must be a Stories"):
        plot.story_timeline(stories.labels, STORY_DATES)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="top must be an int >= 1, got 0"):
        plot.story_timeline(stories, STORY_DATES, top=0)
    with pytest.raises(ValueError, match="bins must be an int >= 1"):
        plot.story_timeline(stories, STORY_DATES, bins=2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="dates has 2 entries for 7 articles"):
        plot.story_timeline(stories, STORY_DATES[:2])
    with pytest.raises(ValueError, match=r"dates\[1\] is 'soon', which does not parse"):
        plot.story_timeline(stories, [STORY_DATES[0], "soon", *STORY_DATES[2:]])
    with pytest.raises(ValueError, match="labels has 1 entries for 3 stories"):
        plot.story_timeline(stories, STORY_DATES, labels=["x"])
    with pytest.raises(ValueError, match=r"no story has 5 articles or more \(the largest has 4\)"):
        plot.story_timeline(stories, STORY_DATES, min_size=5)


# ----------------------------------------------------------------------------- optional dependency


def test_without_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match=r"needs matplotlib.*pip install newsim\[notebook\]"):
        plot.heatmap(X)
    with pytest.raises(ImportError, match=r"pip install newsim\[notebook\]"):
        plot.neighbor_graph(newsim.SimilarityIndex(X))
    stories = newsim.SimilarityIndex(X).stories()
    with pytest.raises(ImportError, match=r"pip install newsim\[notebook\]"):
        plot.story_timeline(stories, [f"2024-05-0{d}" for d in range(1, 6)])


def test_import_does_not_need_matplotlib() -> None:
    code = (
        "import json, sys\n"
        "sys.modules['matplotlib'] = None\n"
        "from newsim import plot\n"
        "import newsim.plot\n"
        "try:\n"
        "    plot.heatmap([[1.0]])\n"
        "except ImportError as exc:\n"
        "    message = str(exc)\n"
        "print(json.dumps({'same': plot is newsim.plot, 'message': message}))\n"
    )
    env = dict(os.environ)
    parent = os.path.dirname(os.path.dirname(os.path.abspath(newsim.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [parent, env.get("PYTHONPATH")]))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    got: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["same"] is True
    assert "pip install newsim[notebook]" in got["message"]
