"""newsim.plot: the similarity heatmap and the neighbor graph (matplotlib's Agg backend)."""

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


# ----------------------------------------------------------------------------- optional dependency


def test_without_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match=r"needs matplotlib.*pip install newsim\[notebook\]"):
        plot.heatmap(X)
    with pytest.raises(ImportError, match=r"pip install newsim\[notebook\]"):
        plot.neighbor_graph(newsim.SimilarityIndex(X))


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
