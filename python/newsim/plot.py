"""Plots of article similarity: a heatmap, a neighbor graph and a timeline of stories.

Use as ``from newsim import plot`` or ``import newsim.plot``. matplotlib is an optional
dependency (``pip install newsim[notebook]``), imported the first time a plot is drawn. Every
function draws into the Axes it is given (``ax=``), or into a new figure, and returns the Axes.

Examples
--------
>>> import newsim
>>> from newsim import plot
>>> sample = newsim.datasets.load_sample()
>>> X = newsim.TfidfVectorizer().fit_transform(sample.texts)
>>> ax = plot.heatmap(X, labels=["Stargate", "DeepSeek"])
>>> ax.images[0].get_array().shape
(2, 2)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Optional, Union

import numpy as np

from ._similarity import SimilarityIndex, TopK, _as_csr, _deprecated
from ._stories import Stories, check_dates

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["heatmap", "neighbor_graph", "story_timeline"]

#: The most articles a heatmap draws: n x n cells must stay readable and fit in memory.
MAX_HEATMAP_ARTICLES = 5000
#: The most articles (nodes) a neighbor graph draws.
MAX_GRAPH_NODES = 500
#: The largest marker of a story timeline, in points squared (matplotlib's ``s``).
TIMELINE_MAX_AREA = 420.0
#: The smallest, so that a time bin with one article stays visible.
TIMELINE_MIN_AREA = 8.0
#: Round time bins of a story timeline, in minutes, and how the legend names them.
_ROUND_BINS = [
    (1, "minute"), (5, "5 minutes"), (10, "10 minutes"), (15, "15 minutes"),
    (30, "30 minutes"), (60, "hour"), (120, "2 hours"), (180, "3 hours"), (360, "6 hours"),
    (720, "12 hours"), (1440, "day"), (2880, "2 days"), (10080, "week"), (43200, "30 days"),
    (525600, "365 days"),
]  # fmt: skip

_EXTRA_HINT = "pip install newsim[notebook]"


def _pyplot() -> Any:
    """Import matplotlib.pyplot, or explain how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "newsim.plot needs matplotlib, an optional dependency of newsim: "
            f"{_EXTRA_HINT} (or pip install matplotlib)"
        ) from exc
    return plt


def _axes(ax: Optional[Axes], figsize: tuple[float, float]) -> Axes:
    plt = _pyplot()
    if ax is not None:
        return ax
    _, new_ax = plt.subplots(figsize=figsize)
    result: Axes = new_ax
    return result


def _short(label: Any, width: int) -> str:
    text = " ".join(str(label).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _order(order: Any, n: int) -> np.ndarray:
    if order is None:
        return np.arange(n)
    idx = np.asarray(order)
    if idx.ndim != 1 or not (idx.size == 0 or np.issubdtype(idx.dtype, np.integer)):
        raise TypeError("order must be a 1-D sequence of article numbers (ints)")
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = int(idx.min()) if idx.min() < 0 else int(idx.max())
        raise IndexError(f"order refers to article {bad}, but there are {n} articles")
    return idx.astype(np.int64)


def _similarities(X_or_index: Any, rows: np.ndarray) -> np.ndarray:
    """Return the dense similarity matrix of the given rows, in their order."""
    if isinstance(X_or_index, SimilarityIndex):
        index = X_or_index
        n = index.n_articles
        if n > MAX_HEATMAP_ARTICLES:
            raise ValueError(
                f"the index holds {n} articles; a heatmap from an index scores all of them "
                f"(at most {MAX_HEATMAP_ARTICLES}): pass the matrix rows of the articles "
                "to show instead"
            )
        full = np.zeros((n, n), dtype=np.float64)
        if n > 1:
            ids, scores = index.top_k(n - 1, progress=False)
            r, c = np.nonzero(ids >= 0)
            full[r, ids[r, c]] = scores[r, c]
        for i in rows.tolist():
            full[i, i] = index.explain(i, i, top=0).score
        out: np.ndarray = full[np.ix_(rows, rows)]
        return out
    M = _as_csr(X_or_index, "X")[rows]
    dense: np.ndarray = np.asarray((M @ M.T).toarray(), dtype=np.float64)
    return dense


def _runs(labels: Sequence[Any]) -> list[tuple[int, int, Any]]:
    """Return ``(start, stop, label)`` for each run of equal consecutive labels."""
    runs: list[tuple[int, int, Any]] = []
    for pos, label in enumerate(labels):
        if runs and runs[-1][2] == label:
            runs[-1] = (runs[-1][0], pos + 1, label)
        else:
            runs.append((pos, pos + 1, label))
    return runs


def heatmap(
    X_or_index: Union[SimilarityIndex, Any],
    order: Optional[Union[Sequence[int], np.ndarray]] = None,
    labels: Optional[Sequence[Any]] = None,
    ax: Optional[Axes] = None,
    *,
    cmap: str = "viridis",
    vmin: Optional[float] = 0.0,
    vmax: Optional[float] = None,
    colorbar: bool = True,
    max_label: int = 40,
) -> Axes:
    """Draw the pairwise similarities of articles as a heatmap.

    Parameters
    ----------
    X_or_index : SimilarityIndex, sparse matrix or array of shape (n_articles, n_features)
        The articles: their TF-IDF rows (scores are the rows' dot products, cosines for
        L2-normalized rows) or an index over them (at most 5,000 articles).
    order : sequence of int, optional
        The articles to show, in this order (a permutation or a subset of the row numbers);
        e.g. ``numpy.argsort(topics, kind="stable")`` to group articles by topic.
    labels : sequence, optional
        One label per article, in the original row order (like ``ids=`` elsewhere). When
        consecutive articles (after ``order``) share a label, as topics do once sorted, each
        run gets one tick at its middle and white lines mark the boundaries; otherwise every
        article gets a tick.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure by default.
    cmap : str, default='viridis'
        The colour map.
    vmin, vmax : float or None, default=0.0 and None
        The colour range (None: the data's minimum or maximum).
    colorbar : bool, default=True
        Add a colour bar.
    max_label : int, default=40
        Longer labels are shortened with an ellipsis.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes, holding one image.

    Raises
    ------
    ImportError
        If matplotlib is not installed.

    Examples
    --------
    >>> import newsim
    >>> from newsim import plot
    >>> sample = newsim.datasets.load_sample()
    >>> index = newsim.TfidfVectorizer().index(sample.texts)
    >>> ax = plot.heatmap(index, labels=sample.titles)
    >>> ax.images[0].get_array().round(1)  # doctest: +NORMALIZE_WHITESPACE
    masked_array(
      data=[[1. , 0.2],
            [0.2, 1. ]],
      mask=False,
      fill_value=1e+20)
    >>> len(ax.get_xticklabels())
    2
    """
    plt = _pyplot()
    n = (
        X_or_index.n_articles
        if isinstance(X_or_index, SimilarityIndex)
        else _as_csr(X_or_index, "X").shape[0]
    )
    rows = _order(order, n)
    if rows.size > MAX_HEATMAP_ARTICLES:
        raise ValueError(
            f"a heatmap of {rows.size} articles is unreadable (at most {MAX_HEATMAP_ARTICLES}); "
            "choose a subset with order="
        )
    if labels is not None:
        all_labels = list(labels)
        if len(all_labels) != n:
            raise ValueError(f"labels has {len(all_labels)} entries for {n} articles")
        shown = [all_labels[i] for i in rows.tolist()]
    S = _similarities(X_or_index, rows)
    side = min(9.0, 3.0 + 0.25 * rows.size) if rows.size < 40 else 8.0
    ax = _axes(ax, (side + 1.5, side))
    image = ax.imshow(S, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_xlabel("article")
    ax.set_ylabel("article")
    if labels is not None:
        runs = _runs(shown)
        if len(runs) < len(shown):  # groups: one tick per run, lines between runs
            centres = [(start + stop - 1) / 2 for start, stop, _ in runs]
            names = [_short(label, max_label) for _, _, label in runs]
            for start, _, _ in runs[1:]:
                ax.axhline(start - 0.5, color="white", linewidth=0.8)
                ax.axvline(start - 0.5, color="white", linewidth=0.8)
        else:
            centres = list(range(len(shown)))
            names = [_short(label, max_label) for label in shown]
        ax.set_xticks(centres)
        ax.set_xticklabels(names, rotation=90)
        ax.set_yticks(centres)
        ax.set_yticklabels(names)
        ax.set_xlabel("")
        ax.set_ylabel("")
    if colorbar:
        plt.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="similarity")
    return ax


def _circle_layout(n: int) -> np.ndarray:
    angles = 2 * np.pi * np.arange(n) / max(n, 1)
    return np.column_stack([np.cos(angles), np.sin(angles)])


def _spring_layout(
    n: int, edges: np.ndarray, weights: np.ndarray, seed: int, iterations: int = 300
) -> np.ndarray:
    """Return Fruchterman-Reingold positions: edges pull (by weight), all nodes repel."""
    rng = np.random.default_rng(seed)
    pos = _circle_layout(n) + rng.normal(scale=0.05, size=(n, 2))
    if n < 3:
        return pos
    k = 1.0 / math.sqrt(n)
    step = 0.1
    i, j = (edges[:, 0], edges[:, 1]) if edges.size else (np.empty(0, int), np.empty(0, int))
    for it in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.maximum(np.linalg.norm(delta, axis=-1), 1e-3)
        np.fill_diagonal(dist, np.inf)
        disp = (delta * (k * k / dist**2)[..., None]).sum(axis=1)  # repulsion k²/d along delta/d
        if i.size:
            d = pos[i] - pos[j]
            length = np.maximum(np.linalg.norm(d, axis=1), 1e-3)
            pull = d * (length * weights / k)[:, None]  # attraction d²/k along d/d
            np.add.at(disp, i, -pull)
            np.add.at(disp, j, pull)
        disp -= 0.3 * pos  # gravity keeps separate components in view
        size = np.maximum(np.linalg.norm(disp, axis=1), 1e-9)
        pos += disp / size[:, None] * np.minimum(size, step * (1 - it / iterations))[:, None]
    pos -= pos.mean(axis=0)
    scale = np.abs(pos).max()
    out: np.ndarray = pos / scale if scale > 0 else pos
    return out


def neighbor_graph(
    index_or_topk: Union[SimilarityIndex, TopK],
    ids: Optional[Union[Sequence[Any], np.ndarray]] = None,
    k: int = 3,
    ax: Optional[Axes] = None,
    *,
    articles: Optional[Union[Sequence[int], np.ndarray]] = None,
    groups: Optional[Sequence[Any]] = None,
    layout: str = "spring",
    seed: int = 0,
    max_label: int = 30,
) -> Axes:
    """Draw articles and their nearest neighbors as a graph.

    The nodes are the chosen articles and their ``k`` nearest neighbors (drawn smaller when
    not chosen themselves); a line joins two nodes when one is among the other's ``k`` nearest
    neighbors, wider for a higher score. The layout
    is computed with NumPy (no graph library needed).

    Parameters
    ----------
    index_or_topk : SimilarityIndex or TopK
        An index (its :meth:`~newsim.SimilarityIndex.top_k` is computed) or the result of
        ``index.top_k(...)``, whose rows are the indexed articles.
    ids : sequence, optional
        One label per indexed article (e.g. titles); by default the index's ``ids`` (those of
        the index a TopK of ``top_k`` came from), else the row numbers.
    k : int, default=3
        Neighbours per article (at most the TopK's k).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure by default.
    articles : sequence of int, optional
        The articles whose neighbors to draw; all of them by default. At most 500 nodes
        (chosen articles and their neighbors) are drawn.
    groups : sequence, optional
        One group per indexed article (e.g. topics): nodes are coloured by group, with a
        legend.
    layout : {'spring', 'circle'}, default='spring'
        'spring' places similar articles close together (force-directed, deterministic for
        a given ``seed``); 'circle' places the nodes evenly on a circle.
    seed : int, default=0
        Seed of the spring layout's starting jitter.
    max_label : int, default=30
        Longer labels are shortened with an ellipsis.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes: one line collection for the edges, one scatter collection per group (one
        in all without ``groups``) and one text label per node.

    Raises
    ------
    ImportError
        If matplotlib is not installed.

    Examples
    --------
    >>> import newsim
    >>> from newsim import plot
    >>> sample = newsim.datasets.load_sample()
    >>> index = newsim.TfidfVectorizer().index(sample.texts)
    >>> ax = plot.neighbor_graph(index, ids=["Stargate", "DeepSeek"], k=1)
    >>> [t.get_text() for t in ax.texts]
    ['Stargate', 'DeepSeek']
    >>> len(ax.collections[0].get_segments())  # one edge: the two are each other's neighbor
    1
    >>> index = newsim.TfidfVectorizer().index(sample.texts, ids=["stargate", "deepseek"])
    >>> [t.get_text() for t in plot.neighbor_graph(index.top_k(1), k=1).texts]
    ['stargate', 'deepseek']
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive int, got {k!r}")
    if layout not in ("spring", "circle"):
        raise ValueError(f"layout must be 'spring' or 'circle', got {layout!r}")
    if isinstance(index_or_topk, SimilarityIndex):
        n_articles = index_or_topk.n_articles
        topk = index_or_topk.top_k(k, progress=False)
    elif isinstance(index_or_topk, TopK):
        topk = index_or_topk
        n_articles = int(topk.ids.shape[0])
    else:
        raise TypeError(
            f"index_or_topk must be a SimilarityIndex or a TopK, got {type(index_or_topk).__name__}"
        )
    if ids is None:  # the index's ids, when it was given them
        if isinstance(index_or_topk, SimilarityIndex):
            ids = index_or_topk.ids_ if index_or_topk._has_ids else None
        else:
            ids = topk._label_state()[1]
    nb_ids = np.asarray(topk.neighbor_rows)[:, :k]
    nb_scores = np.asarray(topk.scores)[:, :k]
    chosen = _order(articles, n_articles)
    for name, values in (("ids", ids), ("groups", groups)):
        if values is not None and len(values) != n_articles:
            raise ValueError(f"{name} has {len(values)} entries for {n_articles} articles")
    plt = _pyplot()
    from matplotlib.collections import LineCollection

    # Nodes: the chosen articles and their neighbors. Edges: every neighbor relation
    # between two nodes (also between two neighbors), once per pair, with the best score.
    nodes = list(dict.fromkeys(chosen.tolist() + [b for b in nb_ids[chosen].ravel() if b >= 0]))
    drawn = set(nodes)
    best: dict[tuple[int, int], float] = {}
    for a in nodes:
        for b, s in zip(nb_ids[a].tolist(), nb_scores[a].tolist()):
            if b >= 0 and b in drawn:
                key = (min(a, b), max(a, b))
                best[key] = max(best.get(key, 0.0), float(s))
    if len(nodes) > MAX_GRAPH_NODES:
        raise ValueError(
            f"the graph would have {len(nodes)} nodes (at most {MAX_GRAPH_NODES}); "
            "choose fewer articles or a smaller k"
        )
    where = {node: p for p, node in enumerate(nodes)}
    edges = np.array([(where[a], where[b]) for a, b in best], dtype=np.int64).reshape(-1, 2)
    weights = np.array(list(best.values()), dtype=np.float64)
    if layout == "circle":
        pos = _circle_layout(len(nodes))
    else:
        pos = _spring_layout(len(nodes), edges, weights, seed)

    ax = _axes(ax, (9.0, 9.0))
    top = float(weights.max()) if weights.size else 1.0
    segments = [[tuple(pos[a]), tuple(pos[b])] for a, b in edges.tolist()]
    ax.add_collection(
        LineCollection(
            segments,
            linewidths=0.5 + 3.0 * weights / (top or 1.0),
            colors="grey",
            alpha=0.6,
            zorder=1,
        )
    )
    is_chosen = np.isin(np.asarray(nodes, dtype=np.int64), chosen)
    sizes = np.where(is_chosen, 90.0, 35.0)
    if groups is None:
        ax.scatter(pos[:, 0], pos[:, 1], s=sizes, c="tab:blue", edgecolors="white", zorder=2)
    else:
        node_groups = [groups[node] for node in nodes]
        names = list(dict.fromkeys(node_groups))
        colours = plt.get_cmap("tab10" if len(names) <= 10 else "tab20")
        for g, name in enumerate(names):
            mask = np.array([ng == name for ng in node_groups])
            ax.scatter(
                pos[mask, 0],
                pos[mask, 1],
                s=sizes[mask],
                color=colours(g % colours.N),
                edgecolors="white",
                label=str(name),
                zorder=2,
            )
        ax.legend(loc="best", fontsize="small", frameon=False)
    for p, node in enumerate(nodes):
        label = ids[node] if ids is not None else node
        ax.text(
            pos[p, 0],
            pos[p, 1] + 0.03,
            _short(label, max_label),
            fontsize=8 if is_chosen[p] else 6.5,
            ha="center",
            va="bottom",
            zorder=3,
        )
    ax.set_xlim(-1.25, 1.25)
    ax.set_ylim(-1.2, 1.25)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def neighbour_graph(*args: Any, **kwargs: Any) -> Axes:
    """Draw a neighbor graph: the deprecated name of :func:`neighbor_graph` (until newsim 0.4).

    Parameters
    ----------
    *args, **kwargs
        As for :func:`neighbor_graph`.

    Returns
    -------
    matplotlib.axes.Axes
        As :func:`neighbor_graph` returns it.
    """
    _deprecated("newsim.plot.neighbour_graph", "newsim.plot.neighbor_graph")
    return neighbor_graph(*args, **kwargs)


def _count_marks(top: int) -> list[int]:
    """Return up to three round article counts for a size legend, the largest <= ``top``."""
    nice = [n for n in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000) if n <= top]
    if len(nice) <= 3:
        return nice
    return [nice[0], nice[len(nice) // 2], nice[-1]]


def _round_bin(span_ns: int, bins: int) -> tuple[int, str]:
    """Return the round bin width (ns) nearest to ``span / bins`` (on a log scale), named."""
    target = max(span_ns, 1) / bins / 6e10  # minutes
    minutes, name = min(_ROUND_BINS, key=lambda b: abs(math.log(b[0] / target)))
    return minutes * 60 * 10**9, name


def story_timeline(
    stories: Stories,
    dates: Union[Sequence[Any], np.ndarray, Any],
    ax: Optional[Axes] = None,
    *,
    top: int = 15,
    min_size: int = 2,
    bins: int = 48,
    labels: Optional[Sequence[Any]] = None,
    max_label: int = 45,
) -> Axes:
    """Draw stories over time: one row per story, a marker per time bin sized by its articles.

    The ``top`` largest stories (of at least ``min_size`` articles) get one row each, in the
    order of their median date, the earliest at the top. Time is cut into round bins (a
    minute, 5, 10, 15 or 30 minutes, an hour, 2, 3, 6 or 12 hours, a day, 2 days, a week,
    30 or 365 days), the one that gives about ``bins`` bins over the span of the drawn
    articles; a story's articles in a bin are one marker whose area grows with their number,
    and a thin line runs from its first article to its last. Each row is labelled on the
    left (one label per row, so labels cannot overlap), and a legend shows what marker sizes
    mean.

    Parameters
    ----------
    stories : Stories
        The result of :meth:`newsim.SimilarityIndex.stories`.
    dates : sequence of datetime-like
        One publication date per article, aligned with ``stories.labels``, in any form
        ``stories(dates=)`` accepts (datetime, ISO 8601 strings, a datetime64 array, a pandas
        Series); time-zone aware dates are drawn in UTC.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure by default.
    top : int, default=15
        The most stories drawn: the largest ones.
    min_size : int, default=2
        Smaller stories are not drawn (single articles are no story).
    bins : int, default=48
        About how many time bins span the drawn articles (48 over two days: one an hour).
    labels : sequence, optional
        One label per story (``stories.n_stories`` entries); by default ``#story`` and its
        first three keywords. The story's size is appended in parentheses.
    max_label : int, default=45
        Longer labels are shortened with an ellipsis.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes: per drawn story one scatter collection (its markers) and one line; the
        rows' labels are the y tick labels; ``ax.get_legend()`` is the size legend.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    TypeError, ValueError
        For ``stories`` that is not a :class:`newsim.Stories`, ``dates`` or ``labels`` of another
        length, a date that is missing or does not parse (as for ``stories(dates=)``), a
        ``top``, ``min_size`` or ``bins`` that is not an int >= 1, or no story of
        ``min_size`` articles.

    Examples
    --------
    >>> import newsim
    >>> from newsim import plot
    >>> texts = ["ECB raises interest rates", "the ECB raises rates again",
    ...          "interest rates rise at the ECB", "storm floods the coast",
    ...          "coast floods after storm", "a lonely headline"]
    >>> dates = ["2024-05-01T08:00", "2024-05-01T12:00", "2024-05-02T09:00",
    ...          "2024-05-01T10:00", "2024-05-03T10:00", "2024-05-02T10:00"]
    >>> stories = newsim.TfidfVectorizer(language="en").index(texts).stories()
    >>> stories.labels.tolist()
    [0, 0, 0, 1, 1, 2]
    >>> ax = plot.story_timeline(stories, dates, bins=3)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['#0 ecb, rate, ecb rais (3)', '#1 coast, flood, storm (2)']
    >>> ax.get_legend().get_title().get_text()  # about 3 bins over 50 hours
    'articles per 12 hours'
    >>> [len(c.get_offsets()) for c in ax.collections]  # #0 in three bins, #1 in two
    [3, 2]
    """
    if not isinstance(stories, Stories):
        raise TypeError(
            f"stories must be a Stories (of index.stories()), got {type(stories).__name__}"
        )
    for name, value in (("top", top), ("min_size", min_size), ("bins", bins)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    n = stories.n_articles
    ns, utc = check_dates(dates, n)
    if labels is not None and len(labels) != stories.n_stories:
        raise ValueError(f"labels has {len(labels)} entries for {stories.n_stories} stories")
    # stories are numbered by size, largest first
    chosen = [s for s in range(stories.n_stories) if int(stories.sizes[s]) >= min_size][:top]
    if not chosen:
        raise ValueError(
            f"no story has {min_size} articles or more (the largest has "
            f"{int(stories.sizes[0]) if stories.n_stories else 0}); lower min_size"
        )
    plt = _pyplot()
    import matplotlib.dates
    from matplotlib.lines import Line2D

    mdates: Any = matplotlib.dates  # untyped functions

    story_of = stories.labels
    drawn = np.isin(story_of, chosen)
    width, per = _round_bin(int(ns[drawn].max()) - int(ns[drawn].min()), bins)
    lo = int(ns[drawn].min()) // width * width  # bins start on round times (UTC)
    slot = np.where(drawn, (ns - lo) // width, 0)
    n_bins = int(slot.max()) + 1
    middle = {s: float(np.median(ns[story_of == s])) for s in chosen}
    rows = sorted(chosen, key=lambda s: (middle[s], s))
    counts = {s: np.bincount(slot[story_of == s], minlength=n_bins) for s in rows}
    most = max(int(c.max()) for c in counts.values())

    def area(count: Union[int, np.ndarray]) -> Any:
        return np.maximum(TIMELINE_MAX_AREA * np.asarray(count) / most, TIMELINE_MIN_AREA)

    def when(stamps: np.ndarray) -> Any:
        return mdates.date2num(stamps.astype("datetime64[ns]"))

    centres = when(lo + (np.arange(n_bins, dtype=np.int64) * width + width // 2))
    ax = _axes(ax, (10.0, 1.2 + 0.42 * len(rows)))
    colours = plt.get_cmap("tab10")
    names = []
    for y, s in enumerate(rows):
        colour = colours(y % colours.N)
        mine = ns[story_of == s]
        ax.plot(when(np.array([mine.min(), mine.max()])), [y, y], color=colour, lw=1, alpha=0.5)
        full = np.flatnonzero(counts[s])
        ax.scatter(
            centres[full],
            np.full(full.size, y),
            s=area(counts[s][full]),
            color=colour,
            alpha=0.75,
            edgecolors="white",
            linewidths=0.5,
            zorder=2,
        )
        text = (
            str(labels[s])
            if labels is not None
            else f"#{s} " + ", ".join(str(k) for k in stories.keywords[s][:3])
        )
        names.append(f"{_short(text, max_label)} ({int(stories.sizes[s])})")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(names)
    ax.set_ylim(len(rows) - 0.5, -0.7)  # the earliest story at the top
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlabel("publication date (UTC)" if utc else "publication date")
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    handles = [
        Line2D(
            [],
            [],
            linestyle="",
            marker="o",
            markersize=float(np.sqrt(area(c))),
            color="grey",
            alpha=0.75,
            label=str(c),
        )
        for c in _count_marks(most)
    ]
    ax.legend(
        handles=handles,
        title=f"articles per {per}",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
        labelspacing=1.2,
        borderpad=0.8,
    )
    return ax
