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
import textwrap
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
#: With labels, a heatmap of more articles than this shows the mean similarity between labels
#: (``aggregate=None``): one cell per article would be finer than the screen's pixels.
HEATMAP_AGGREGATE_ABOVE = 200
#: ... when there are at most this many labels (topics, not titles).
HEATMAP_MAX_GROUPS = 50
#: Cells of an aggregated heatmap are annotated with their value up to this many labels.
HEATMAP_ANNOTATE_GROUPS = 25
#: The most articles (nodes) a neighbor graph draws.
MAX_GRAPH_NODES = 500
#: The width of a new neighbor graph's drawing and of the column for its legends, in inches.
GRAPH_WIDTH = 9.0
GRAPH_LEGEND_WIDTH = 1.8
#: Characters per line of a neighbor graph's labels.
GRAPH_LABEL_LINE = 26
#: Distances (in points, beyond the marker) at which a label is tried around its node; from
#: the second on, a thin line leads from the label to its node.
_LABEL_RINGS = (1.5, 9.0, 20.0, 34.0, 52.0)
#: Directions tried at each distance: above, below, right, left, then the diagonals.
_LABEL_DIRECTIONS = (
    (0.0, 1.0), (0.0, -1.0), (1.0, 0.0), (-1.0, 0.0),
    (0.71, 0.71), (-0.71, 0.71), (0.71, -0.71), (-0.71, -0.71),
)  # fmt: skip
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
    aggregate: Optional[bool] = None,
) -> Axes:
    """Draw the pairwise similarities of articles as a heatmap, or their means between labels.

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
    aggregate : bool or None, default=None
        Draw one cell per pair of labels instead of one per pair of articles: the mean
        similarity between the articles of the two labels (k x k for k labels, in the order in
        which the labels first appear after ``order``; on the diagonal, the mean over pairs of
        two different articles, NaN for a label of one article), annotated with its value
        for up to 25 labels; tick labels give each label's number of articles. None: when
        ``labels`` are given, more than 200 articles are shown and they have at most 50
        distinct labels. From a matrix, the means are computed from the rows' sums, without
        the n x n matrix, so any number of articles can be aggregated.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes, holding one image.

    Raises
    ------
    ImportError
        If matplotlib is not installed.

    See Also
    --------
    newsim.plot.neighbor_graph : The nearest neighbours as a graph.

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

    Mean similarity between topics: the two articles, under two topics, and once more.

    >>> X3 = newsim.TfidfVectorizer().fit_transform(sample.texts + sample.texts[:1])
    >>> ax = plot.heatmap(X3, labels=["AI", "China", "AI"], aggregate=True)
    >>> ax.images[0].get_array().round(2).tolist()  # China has no pair of articles: masked
    [[1.0, 0.16], [0.16, None]]
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['AI (2)', 'China (1)']
    """
    plt = _pyplot()
    n = (
        X_or_index.n_articles
        if isinstance(X_or_index, SimilarityIndex)
        else _as_csr(X_or_index, "X").shape[0]
    )
    rows = _order(order, n)
    if aggregate is not None and not isinstance(aggregate, bool):
        raise TypeError(f"aggregate must be True, False or None, got {aggregate!r}")
    if aggregate and labels is None:
        raise ValueError("aggregate=True needs labels=: one label (e.g. a topic) per article")
    if labels is not None:
        all_labels = list(labels)
        if len(all_labels) != n:
            raise ValueError(f"labels has {len(all_labels)} entries for {n} articles")
        shown = [all_labels[i] for i in rows.tolist()]
        if aggregate is None:
            aggregate = (
                rows.size > HEATMAP_AGGREGATE_ABOVE and len(set(shown)) <= HEATMAP_MAX_GROUPS
            )
    if aggregate:
        return _aggregated_heatmap(
            X_or_index, rows, shown, ax, cmap=cmap, vmin=vmin, vmax=vmax,
            colorbar=colorbar, max_label=max_label,
        )  # fmt: skip
    if rows.size > MAX_HEATMAP_ARTICLES:
        raise ValueError(
            f"a heatmap of {rows.size} articles is unreadable (at most {MAX_HEATMAP_ARTICLES}); "
            "choose a subset with order=, or give labels= and aggregate=True"
        )
    S = _similarities(X_or_index, rows)
    side = min(9.0, 3.0 + 0.25 * rows.size) if rows.size < 40 else 8.0
    ax = _axes(ax, (side + 1.5, side))
    # more cells than pixels: average them (no moiré), else one sharp square per cell
    smooth = "antialiased" if rows.size > HEATMAP_AGGREGATE_ABOVE else "nearest"
    image = ax.imshow(S, cmap=cmap, vmin=vmin, vmax=vmax, interpolation=smooth)
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


def _group_means(
    X_or_index: Any, rows: np.ndarray, shown: list[Any]
) -> tuple[list[Any], np.ndarray, np.ndarray]:
    """Return the labels, their article counts and the mean similarity between labels."""
    import scipy.sparse as sp

    names = list(dict.fromkeys(shown))
    code = {name: g for g, name in enumerate(names)}
    member = np.array([code[label] for label in shown], dtype=np.int64)
    counts = np.bincount(member, minlength=len(names)).astype(np.float64)
    G = sp.csr_matrix(
        (np.ones(rows.size), (member, np.arange(rows.size))), shape=(len(names), rows.size)
    )
    if isinstance(X_or_index, SimilarityIndex):
        S = _similarities(X_or_index, rows)
        totals = np.asarray(G @ S @ G.T, dtype=np.float64)
        own = np.bincount(member, weights=np.diag(S), minlength=len(names))
    else:
        M = _as_csr(X_or_index, "X")[rows].astype(np.float64)
        sums = G @ M  # one row per label: the sum of its articles' rows
        totals = np.asarray((sums @ sums.T).toarray(), dtype=np.float64)
        norms = np.asarray(M.multiply(M).sum(axis=1), dtype=np.float64).ravel()
        own = np.bincount(member, weights=norms, minlength=len(names))
    pairs = np.outer(counts, counts)
    np.fill_diagonal(pairs, counts * (counts - 1))  # pairs of two different articles
    np.fill_diagonal(totals, np.diag(totals) - own)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(pairs > 0, totals / np.maximum(pairs, 1), np.nan)
    return names, counts.astype(np.int64), means


def _aggregated_heatmap(
    X_or_index: Any,
    rows: np.ndarray,
    shown: list[Any],
    ax: Optional[Axes],
    *,
    cmap: str,
    vmin: Optional[float],
    vmax: Optional[float],
    colorbar: bool,
    max_label: int,
) -> Axes:
    plt = _pyplot()
    names, counts, means = _group_means(X_or_index, rows, shown)
    k = len(names)
    side = min(9.0, 3.0 + 0.55 * k)
    ax = _axes(ax, (side + 1.5, side))
    image = ax.imshow(means, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    ticks = [f"{_short(name, max_label)} ({count})" for name, count in zip(names, counts)]
    ax.set_xticks(range(k))
    ax.set_xticklabels(ticks, rotation=45, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(k))
    ax.set_yticklabels(ticks)
    if k <= HEATMAP_ANNOTATE_GROUPS:
        size = 9 if k <= 10 else (7 if k <= 18 else 5.5)
        top = float(np.nanmax(np.abs(means))) if np.isfinite(means).any() else 1.0
        digits = max(2, 1 - math.floor(math.log10(top))) if top > 0 else 2  # 0.043, 0.21
        for (i, j), value in np.ndenumerate(means):
            if np.isnan(value):
                continue
            r, g, b, _ = image.cmap(image.norm(value))
            ink = "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"
            ax.text(j, i, f"{value:.{digits}f}", ha="center", va="center", color=ink, fontsize=size)
    if colorbar:
        plt.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="mean similarity")
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


def _components(n: int, edges: np.ndarray) -> list[np.ndarray]:
    """Return the nodes of each connected component, the largest first (ties: lowest node)."""
    parent = list(range(n))

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in edges.tolist():
        parent[root(a)] = root(b)
    roots = np.array([root(a) for a in range(n)], dtype=np.int64)
    groups = [np.flatnonzero(roots == r) for r in dict.fromkeys(roots.tolist())]
    return sorted(groups, key=lambda g: (-g.size, int(g[0])))


def _packed_layout(n: int, edges: np.ndarray, weights: np.ndarray, seed: int) -> np.ndarray:
    """Lay out each connected component with the spring layout and pack them in rows.

    Each component is scaled so that its median edge is one unit long, and the components,
    largest first, fill rows one unit apart, as many to a row as fill a figure best:
    separate components sit side by side instead of being pushed to the corners.
    """
    components = _components(n, edges)
    if len(components) == 1:
        return _spring_layout(n, edges, weights, seed)
    where = np.full(n, -1, dtype=np.int64)
    boxes = []
    parts = []
    for nodes in components:
        where[nodes] = np.arange(nodes.size)
        inside = np.isin(edges[:, 0], nodes) if edges.size else np.zeros(0, dtype=bool)
        sub = where[edges[inside]] if edges.size else np.empty((0, 2), dtype=np.int64)
        part = (
            _spring_layout(nodes.size, sub, weights[inside], seed)
            if nodes.size > 1
            else (np.zeros((1, 2)))
        )
        part = part - part.mean(axis=0)
        if sub.size:
            length = float(np.median(np.linalg.norm(part[sub[:, 0]] - part[sub[:, 1]], axis=1)))
            part = part / max(length, 1e-9)
        parts.append(part)
        boxes.append(np.maximum(np.ptp(part, axis=0), 1.0))
    gap = 1.0
    best: Optional[tuple[float, np.ndarray]] = None
    for per_row in range(1, len(components) + 1):  # the packing that fills a figure best
        pos = np.zeros((n, 2))
        rows = [
            range(first, min(first + per_row, len(components)))
            for first in range(0, len(components), per_row)
        ]
        widths = [sum(float(boxes[c][0]) + gap for c in row) - gap for row in rows]
        y = 0.0
        for row, row_width in zip(rows, widths):
            height = max(float(boxes[c][1]) for c in row)
            x = (max(widths) - row_width) / 2  # rows are centred
            for c in row:
                part, w = parts[c], float(boxes[c][0])
                centre = np.array([x + w / 2, y - height / 2])
                pos[components[c]] = part - (part.min(axis=0) + part.max(axis=0)) / 2 + centre
                x += w + gap
            y -= height + gap
        width, height = np.maximum(np.ptp(pos, axis=0), 1.0)
        # a new figure is 1/2 to 1 times as high as wide: the rest of the canvas stays empty
        canvas_w = max(width, height)
        canvas_h = min(max(height, canvas_w / 2), canvas_w)
        fill = sum(float(w * h) for w, h in boxes) / (canvas_w * canvas_h)
        if best is None or fill > best[0] + 1e-9:
            best = (fill, pos)
    assert best is not None
    pos = best[1]
    pos -= (pos.min(axis=0) + pos.max(axis=0)) / 2
    scale = np.abs(pos).max()
    out: np.ndarray = pos / scale if scale > 0 else pos
    return out


def _wrap(label: Any, max_label: int, width: int = GRAPH_LABEL_LINE) -> str:
    """Shorten ``label`` to ``max_label`` characters at a word boundary, then wrap it."""
    text = " ".join(str(label).split())
    if len(text) > max_label:
        cut = text[: max_label - 1]
        if text[max_label - 1] != " " and " " in cut:
            words = cut.rsplit(" ", 1)[0]
            cut = words if len(words) >= max_label // 2 else cut  # a very long word: cut it
        text = cut.rstrip(" ,;:-\N{EN DASH}") + "…"
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text


class _ScoreWidths:
    """The line width of an edge of a given score, and round scores for the legend."""

    LOW, HIGH = 0.6, 4.0

    def __init__(self, weights: np.ndarray) -> None:
        self.lo = float(weights.min()) if weights.size else 0.0
        self.hi = float(weights.max()) if weights.size else 1.0

    def width(self, score: Any) -> Any:
        if self.hi - self.lo < 1e-9:
            return np.full_like(np.asarray(score, dtype=np.float64), (self.LOW + self.HIGH) / 2)
        share = (np.asarray(score, dtype=np.float64) - self.lo) / (self.hi - self.lo)
        return np.maximum(self.LOW + (self.HIGH - self.LOW) * share, 0.3)

    def marks(self) -> list[float]:
        """Return up to three scores, rounded to two decimals, from the lowest to the highest."""
        values = np.round(np.linspace(self.lo, self.hi, 3), 2)
        return sorted({float(v) for v in values})


def _renderer(fig: Any) -> Any:
    get = getattr(fig.canvas, "get_renderer", None)
    return get() if get is not None else fig._get_renderer()


def _fit_limits(ax: Axes, pos: np.ndarray, margin_pt: float = 12.0) -> None:
    """Set the limits so that the nodes span the Axes, less a margin for their markers."""
    box = ax.get_window_extent(_renderer(ax.figure))
    margin = margin_pt * ax.figure.dpi / 72.0
    ax.set_aspect("auto")
    for axis, pixels in ((0, box.width), (1, box.height)):
        lo, hi = float(pos[:, axis].min()), float(pos[:, axis].max())
        if hi - lo < 1e-9:
            lo, hi = lo - 1.0, hi + 1.0
        pad = margin * (hi - lo) / max(pixels - 2 * margin, 1.0)
        (ax.set_xlim if axis == 0 else ax.set_ylim)(lo - pad, hi + pad)


def _place_labels(
    ax: Axes, texts: list[Any], sizes: np.ndarray, priority: list[int], segments: np.ndarray
) -> None:
    """Move each label next to its node, where it overlaps no label and no marker.

    A label must not leave the Axes, and crosses no edge if it can; labels that find no such
    place are removed. Labels are placed in ``priority`` order, each at the nearest free spot.
    """
    from matplotlib.text import Text

    fig = ax.figure
    renderer = _renderer(fig)
    px = fig.dpi / 72.0  # pixels per point
    box = ax.get_window_extent(renderer)
    at = ax.transData.transform(np.array([t.xy for t in texts], dtype=np.float64))
    radius = np.sqrt(sizes) / 2 * px
    markers = np.column_stack([at - radius[:, None], at + radius[:, None]])
    placed = np.empty((0, 4))
    pad = 1.5 * px
    # points along the edges (in pixels), to keep labels off the lines where there is room
    steps = np.linspace(0.1, 0.9, 9)[:, None, None]
    if segments.size:
        ends = ax.transData.transform(segments.reshape(-1, 2)).reshape(-1, 2, 2)
        on_edges = (ends[None, :, 0] * (1 - steps) + ends[None, :, 1] * steps).reshape(-1, 2)
    else:
        on_edges = np.empty((0, 2))

    def hits(cand: np.ndarray, others: np.ndarray) -> bool:
        return bool(
            (
                (cand[0] < others[:, 2])
                & (cand[2] > others[:, 0])
                & (cand[1] < others[:, 3])
                & (cand[3] > others[:, 1])
            ).any()
        )

    for p in priority:
        text = texts[p]
        text.set_horizontalalignment("left")
        text.set_verticalalignment("bottom")
        extent = Text.get_window_extent(text, renderer)
        w, h = extent.width, extent.height
        x, y = at[p]
        best: Optional[tuple[float, float, float, float, float, int, np.ndarray]] = None
        for ring, distance in enumerate(_LABEL_RINGS):
            if best is not None and best[0] <= 2 * ring:
                break  # no spot further out can cost less
            d = radius[p] + distance * px
            for dx, dy in _LABEL_DIRECTIONS:
                anchor_x, anchor_y = x + dx * d, y + dy * d
                x0 = anchor_x - w / 2 if dx == 0 else (anchor_x if dx > 0 else anchor_x - w)
                y0 = anchor_y - h / 2 if dy == 0 else (anchor_y if dy > 0 else anchor_y - h)
                cand = np.array([x0 - pad, y0 - pad, x0 + w + pad, y0 + h + pad])
                if cand[0] < box.x0 or cand[1] < box.y0 or cand[2] > box.x1 or cand[3] > box.y1:
                    continue
                if hits(cand, placed) or hits(cand, markers):
                    continue
                crossed = (
                    (on_edges[:, 0] > cand[0])
                    & (on_edges[:, 0] < cand[2])
                    & (on_edges[:, 1] > cand[1])
                    & (on_edges[:, 1] < cand[3])
                ).sum()
                cost = 2.0 * ring + min(float(crossed), 3.0)
                if best is None or cost < best[0]:
                    best = (cost, dx, dy, anchor_x - x, anchor_y - y, ring, cand)
                if crossed == 0:
                    break  # the first free direction of a ring is its best
        if best is None:
            text.remove()
            continue
        _, dx, dy, off_x, off_y, ring, cand = best
        text.set_horizontalalignment("center" if dx == 0 else ("left" if dx > 0 else "right"))
        text.set_verticalalignment("center" if dy == 0 else ("bottom" if dy > 0 else "top"))
        text.xyann = (off_x / px, off_y / px)
        if text.arrow_patch is not None:
            text.arrow_patch.set_visible(ring > 0)
        placed = np.vstack([placed, cand])


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
    max_label: int = 56,
) -> Axes:
    """Draw articles and their nearest neighbors as a graph.

    The nodes are the chosen articles and their ``k`` nearest neighbors (drawn smaller when
    not chosen themselves); a line joins two nodes when one is among the other's ``k`` nearest
    neighbors, wider for a higher score, and a legend titled "similarity" reads widths as
    scores. The layout is computed with NumPy (no graph library needed); separate groups of
    connected articles are laid out side by side, and the limits fit the nodes, so that the
    graph fills the drawing. Legends sit to the right of the drawing.

    Each label is wrapped into lines of at most 26 characters and placed next to its node
    (with a thin leader line when it has to move further out) where it overlaps no other
    label and no node and stays inside the Axes, across no edge where there is room: the
    labels of the chosen articles first (in bold when ``articles`` is given), then those of
    the closest neighbors. A label that finds no free place is left out, which happens only
    in crowded graphs (hundreds of nodes). Placement is computed for the figure's size when
    the graph is drawn.

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
        Where to draw; a new figure by default, shaped like the layout.
    articles : sequence of int, optional
        The articles whose neighbors to draw; all of them by default. At most 500 nodes
        (chosen articles and their neighbors) are drawn.
    groups : sequence, optional
        One group per indexed article (e.g. topics): nodes are coloured by group, with a
        legend (the Axes' legend; the scores' legend is added beside it).
    layout : {'spring', 'circle'}, default='spring'
        'spring' places similar articles close together (force-directed, deterministic for
        a given ``seed``); 'circle' places the nodes evenly on a circle.
    seed : int, default=0
        Seed of the spring layout's starting jitter.
    max_label : int, default=56
        Longer labels are shortened at the end of a word, with an ellipsis.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes: one line collection for the edges, one scatter collection per group (one
        in all without ``groups``), one annotation per label (in the order of the nodes) and
        the legends.

    Raises
    ------
    ImportError
        If matplotlib is not installed.

    See Also
    --------
    newsim.plot.heatmap : All similarities at once.
    newsim.SimilarityIndex.top_k : The neighbours drawn.

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

    Long labels are wrapped, and shortened at a word:

    >>> title = "Die USA stecken 500 Milliarden US-Dollar in die KI-Infrastruktur von OpenAI"
    >>> ax = plot.neighbor_graph(index, ids=[title, "DeepSeek"], k=1)
    >>> print(ax.texts[0].get_text())
    Die USA stecken 500
    Milliarden US-Dollar in
    die…
    >>> ax.get_legend().get_title().get_text()
    'similarity'
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
        pos = _packed_layout(len(nodes), edges, weights, seed)

    plt = _pyplot()
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    if ax is None:  # a figure shaped like the layout, with a column for the legends
        span = np.ptp(pos, axis=0) if len(nodes) > 1 else np.ones(2)
        height = float(np.clip(GRAPH_WIDTH * span[1] / max(span[0], 1e-9), 4.5, GRAPH_WIDTH))
        fig = plt.figure(figsize=(GRAPH_WIDTH + GRAPH_LEGEND_WIDTH, height + 0.5))
        ax = fig.add_axes(
            (
                0.01,
                0.01,
                GRAPH_WIDTH / (GRAPH_WIDTH + GRAPH_LEGEND_WIDTH) - 0.01,
                height / (height + 0.5) - 0.01,
            )
        )
    scores = _ScoreWidths(weights)
    segments = [[tuple(pos[a]), tuple(pos[b])] for a, b in edges.tolist()]
    ax.add_collection(
        LineCollection(
            segments,
            linewidths=scores.width(weights),
            colors="grey",
            alpha=0.6,
            zorder=1,
        )
    )
    is_chosen = np.isin(np.asarray(nodes, dtype=np.int64), chosen)
    sizes = np.where(is_chosen, 90.0, 35.0)
    legends = []
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
        legends.append(
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", frameon=False)
        )
    if weights.size:
        marks = scores.marks()
        handles = [
            Line2D([], [], color="grey", alpha=0.6, linewidth=scores.width(m)) for m in marks
        ]
        anchor = (1.0, 0.0) if groups is not None else (1.0, 1.0)
        legend = ax.legend(
            handles,
            [f"{m:.2f}" for m in marks],
            title="similarity",
            loc="lower left" if groups is not None else "upper left",
            bbox_to_anchor=anchor,
            fontsize="small",
            title_fontsize="small",
            frameon=False,
            handlelength=2.5,
        )
        if legends:  # the groups' legend stays the Axes' legend, the scores' one is added
            ax.add_artist(legend)
            ax.legend_ = legends[0]
    ax.set_axis_off()
    _fit_limits(ax, pos)
    texts = [
        ax.annotate(
            _wrap(ids[node] if ids is not None else node, max_label),
            xy=(float(pos[p, 0]), float(pos[p, 1])),
            xytext=(0.0, 0.0),
            textcoords="offset points",
            fontsize=8 if is_chosen[p] else 6.5,
            fontweight="bold" if is_chosen[p] and articles is not None else "normal",
            linespacing=1.0,
            zorder=3,
            annotation_clip=False,
            arrowprops={"arrowstyle": "-", "color": "grey", "linewidth": 0.5, "shrinkA": 1},
            bbox={
                "boxstyle": "square,pad=0.05",
                "facecolor": "white",
                "edgecolor": "none",
                "alpha": 0.7,
            },
        )
        for p, node in enumerate(nodes)
    ]
    # Place the labels of the chosen articles first, then those of closer neighbors.
    closest = np.zeros(len(nodes))
    if edges.size:
        np.maximum.at(closest, edges[:, 0], weights)
        np.maximum.at(closest, edges[:, 1], weights)
    priority = sorted(range(len(nodes)), key=lambda p: (not is_chosen[p], -closest[p]))
    _place_labels(ax, texts, sizes, priority, np.asarray(segments, dtype=np.float64))
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

    See Also
    --------
    newsim.SimilarityIndex.stories : The stories drawn.
    newsim.StoryTracker : Stories online.

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
