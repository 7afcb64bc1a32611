r"""Syndication: which articles are copies of others, and what text they share.

* :func:`containment` — how much of text A is in text B (Broder 1997): the share of A's word
  shingles (runs of ``shingle`` consecutive words) that also occur in B. Asymmetric: when B is
  A plus one paragraph, A is wholly in B (1.0) but B is not wholly in A.
* :func:`dedup` — groups of near-copies and their origin (the first published): candidate
  pairs from a TF-IDF :class:`SimilarityIndex` (``pairs(candidates)``, exact and cheap), then
  containment on shingles for those pairs only; each copy is attached to its earliest
  near-copy, and through it to the origin of its group.
* :func:`shared_passages` — the runs of words two texts share, with character offsets into
  the original strings; :meth:`Passages._repr_html_` marks them in both texts.

Words here are the runs of ``\w`` characters (Unicode letters, digits and ``_``) of the
original strings, compared case-folded: punctuation, spacing and case do not break a shared
run. This is simpler than the vectorizers' ICU analysis (no stemming, no stop words, no
decompounding), on purpose: copied text is copied word for word, and the offsets must point
into the original strings.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any, NamedTuple, Optional, Union, overload

import numpy as np
import numpy.typing as npt

from ._input import one_per_article
from ._metadata import check_dates, check_sources
from ._repr import SummaryReprMixin

if TYPE_CHECKING:  # pragma: no cover
    from ._similarity import SimilarityIndex

__all__ = ["Passage", "Passages", "Syndication", "containment", "dedup", "shared_passages"]

_WORD = re.compile(r"\w+")
_MIX = np.uint64(0x100000001B3)  # FNV-1a 64-bit prime: mixes the words' hashes into a shingle's

#: Defaults, shared by the functions and their docstrings.
DEFAULT_SHINGLE = 5
DEFAULT_THRESHOLD = 0.8
DEFAULT_CANDIDATES = 0.5
DEFAULT_MIN_WORDS = 8


# ------------------------------------------------------------------------------ words


def _words(text: str) -> tuple[list[str], list[int], list[int]]:
    """Return the case-folded words of ``text`` and their start and end offsets."""
    words, starts, ends = [], [], []
    for m in _WORD.finditer(text):
        words.append(m.group().casefold())
        starts.append(m.start())
        ends.append(m.end())
    return words, starts, ends


def _hashes(text: str) -> np.ndarray:
    """Return the 64-bit hashes of the text's case-folded words, in order."""
    words = [m.group().casefold() for m in _WORD.finditer(text)]
    h = np.fromiter((hash(w) for w in words), dtype=np.int64, count=len(words))
    out: np.ndarray = h.view(np.uint64)
    return out


def _shingles(h: np.ndarray, k: int) -> np.ndarray:
    """Return the sorted distinct hashes of the ``k``-word shingles of words ``h``.

    None if there are fewer than ``k`` words.
    """
    m = h.shape[0] - k + 1
    if k < 1 or m < 1:
        return np.empty(0, dtype=np.uint64)
    acc = np.full(m, np.uint64(0xCBF29CE484222325), dtype=np.uint64)
    for i in range(k):
        acc ^= h[i : i + m]
        acc *= _MIX
    out: np.ndarray = np.unique(acc)
    return out


def _containment_of(ha: np.ndarray, hb: np.ndarray, w: int) -> float:
    """Containment of words ``ha`` in words ``hb`` on ``w``-word shingles (fewer: all of a's)."""
    k = min(w, ha.shape[0])
    return _contained(_shingles(ha, k), _shingles(hb, k))


def _contained(a: np.ndarray, b: np.ndarray) -> float:
    """Share of the shingles ``a`` that are in ``b`` (0.0 for an empty ``a``)."""
    if a.size == 0:
        return 0.0
    return float(np.intersect1d(a, b, assume_unique=True).size) / float(a.size)


def _check_str(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    return value


def _check_count(value: Any, name: str, meaning: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int ({meaning}), got {type(value).__name__}")
    if int(value) < 1:
        raise ValueError(f"{name} must be >= 1 ({meaning}), got {int(value)}")
    return int(value)


def _check_share(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    t = float(value)
    if not (np.isfinite(t) and 0 < t <= 1):
        raise ValueError(f"{name} must be in (0, 1], got {value!r}")
    return t


def containment(a: str, b: str, *, shingle: int = DEFAULT_SHINGLE) -> float:
    """Return how much of text ``a`` is in text ``b``: the share of a's shingles found in b.

    ``|S(a) ∩ S(b)| / |S(a)|`` where S(t) is the set of runs of ``shingle`` consecutive words
    of t (Broder 1997), words compared case-folded (see the module's notes). Asymmetric: if
    ``b`` is ``a`` plus a paragraph, ``containment(a, b)`` is 1.0 and ``containment(b, a)``
    is below 1. When ``a`` has fewer than ``shingle`` words, shingles of all its words are
    compared (its one shingle is in ``b`` when ``b`` has those words in a row); a text
    without words is in nothing (0.0).

    Parameters
    ----------
    a, b : str
        The texts.
    shingle : int, default=5
        Words per shingle. Smaller values forgive edits more (each changed word breaks
        ``shingle`` shingles) and match unrelated texts more.

    Returns
    -------
    float
        In [0, 1].

    Raises
    ------
    TypeError, ValueError
        For a text that is not a str, a ``shingle`` that is not an int >= 1.

    See Also
    --------
    newsim.shared_passages : Where the shared text is.
    newsim.dedup : Copies and origins among many articles.

    Examples
    --------
    >>> import newsim
    >>> a = "The central bank raised its key interest rate by a quarter point on Tuesday."
    >>> b = a + " Markets had expected the move, analysts said."
    >>> newsim.containment(a, b), round(newsim.containment(b, a), 2)
    (1.0, 0.59)
    """
    _check_str(a, "a")
    _check_str(b, "b")
    w = _check_count(shingle, "shingle", "words per shingle")
    return _containment_of(_hashes(a), _hashes(b), w)


# ------------------------------------------------------------------------------ passages


class Passage(NamedTuple):
    """A run of words two texts share: ``text_a[start_a:end_a]`` and ``text_b[start_b:end_b]``.

    ``text`` is the run as ``text_a`` writes it; ``n_words`` its length in words.
    """

    start_a: int
    end_a: int
    start_b: int
    end_b: int
    n_words: int
    text: str


class Passages(Sequence[Passage]):
    """The passages two texts share, in the order of the first text, with the two texts.

    A sequence of :class:`Passage`; in a notebook it shows both texts with the shared runs
    marked (``<mark>``). ``coverage_a`` and ``coverage_b`` are the shares of each text's words
    inside a passage.

    See Also
    --------
    newsim.shared_passages : Makes it.

    Examples
    --------
    >>> import newsim
    >>> a = "Flooding closed the A1 motorway near Hamburg on Monday, police said."
    >>> b = "BREAKING: flooding closed the A1 motorway near Hamburg on Monday. More soon."
    >>> found = newsim.shared_passages(a, b, min_words=5)
    >>> [p.text for p in found]
    ['Flooding closed the A1 motorway near Hamburg on Monday']
    >>> [b[p.start_b : p.end_b] for p in found]
    ['flooding closed the A1 motorway near Hamburg on Monday']
    >>> "<mark>" in found._repr_html_()
    True
    """

    def __init__(
        self, passages: list[Passage], text_a: str, text_b: str, n_words: tuple[int, int]
    ) -> None:
        self._items = passages
        self.text_a = text_a
        self.text_b = text_b
        self._n_words = n_words

    @overload
    def __getitem__(self, i: int) -> Passage: ...

    @overload
    def __getitem__(self, i: slice) -> list[Passage]: ...

    def __getitem__(self, i: Union[int, slice]) -> Union[Passage, list[Passage]]:
        return self._items[i]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Passage]:
        return iter(self._items)

    def __repr__(self) -> str:
        return (
            f"Passages(n_passages={len(self)}, coverage_a={self.coverage_a:.2f}, "
            f"coverage_b={self.coverage_b:.2f})"
        )

    @property
    def coverage_a(self) -> float:
        """Share of ``text_a``'s words inside a passage (0.0 without words)."""
        n = self._n_words[0]
        return sum(p.n_words for p in self._items) / n if n else 0.0

    @property
    def coverage_b(self) -> float:
        """Share of ``text_b``'s words inside a passage (overlapping passages counted once)."""
        n = self._n_words[1]
        if not n:
            return 0.0
        spans = _merged((p.start_b, p.end_b) for p in self._items)
        _, starts, _ends = _words(self.text_b)
        bounds = np.array([s for s, _ in spans], dtype=np.int64)
        stops = np.array([e for _, e in spans], dtype=np.int64)
        at = np.searchsorted(bounds, np.asarray(starts, dtype=np.int64), side="right") - 1
        ok = at >= 0
        inside = int(np.count_nonzero(np.asarray(starts)[ok] < stops[at[ok]]))
        return inside / n

    def to_frame(self) -> Any:
        """Return the passages as a pandas DataFrame, one row per passage.

        Returns
        -------
        pandas.DataFrame
            Columns ``start_a``, ``end_a``, ``start_b``, ``end_b``, ``n_words``, ``text``.

        Examples
        --------
        >>> import newsim
        >>> found = newsim.shared_passages("one two three four", "zero one two three", min_words=3)
        >>> found.to_frame()
           start_a  end_a  start_b  end_b  n_words           text
        0        0     13        5     18        3  one two three
        """
        import pandas as pd

        return pd.DataFrame(self._items, columns=list(Passage._fields))

    def _repr_html_(self) -> str:
        """Both texts side by side, the shared passages marked (HTML-escaped)."""
        a = _marked(self.text_a, [(p.start_a, p.end_a) for p in self._items])
        b = _marked(self.text_b, [(p.start_b, p.end_b) for p in self._items])
        cell = "vertical-align:top;white-space:pre-wrap;text-align:left;width:50%"
        return (
            f"<div><p>{len(self)} shared passage{'s' if len(self) != 1 else ''}: "
            f"{self.coverage_a:.0%} of text A, {self.coverage_b:.0%} of text B</p>"
            '<table style="width:100%"><tr><th>A</th><th>B</th></tr>'
            f'<tr><td style="{cell}">{a}</td><td style="{cell}">{b}</td></tr></table></div>'
        )


def _merged(spans: Any) -> list[tuple[int, int]]:
    """Return the spans sorted, overlapping ones merged."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _marked(text: str, spans: list[tuple[int, int]]) -> str:
    """Return ``text`` HTML-escaped with each span in ``<mark>``."""
    parts, at = [], 0
    for s, e in _merged(spans):
        parts.append(html.escape(text[at:s]))
        parts.append(f"<mark>{html.escape(text[s:e])}</mark>")
        at = e
    parts.append(html.escape(text[at:]))
    return "".join(parts)


def shared_passages(a: str, b: str, *, min_words: int = DEFAULT_MIN_WORDS) -> Passages:
    """Return the runs of at least ``min_words`` words that texts ``a`` and ``b`` share.

    Greedy longest matches: scanning ``a`` from the start, each position whose next
    ``min_words`` words occur in ``b`` starts a passage, extended as far as both texts go on
    alike (the longest such run when the words occur several times in ``b``); the scan resumes
    after it. Passages do not overlap in ``a``; they may in ``b`` (``a`` repeats a passage of
    ``b``), and they may be in another order in ``b`` (moved paragraphs are found). Words are
    compared case-folded, without punctuation (see the module's notes), so
    ``b[start_b:end_b]`` can differ from ``a[start_a:end_a]`` in case, punctuation or spacing.

    Parameters
    ----------
    a, b : str
        The texts.
    min_words : int, default=8
        The shortest passage, in words. Short runs (names, set phrases) are shared by
        unrelated articles; 8 words rarely are. Headlines need less.

    Returns
    -------
    Passages
        Sequence of :class:`Passage` ``(start_a, end_a, start_b, end_b, n_words, text)``, in
        the order of ``a``: character offsets into the original strings, ``text`` is
        ``a[start_a:end_a]``.

    Raises
    ------
    TypeError, ValueError
        For a text that is not a str, a ``min_words`` that is not an int >= 1.

    See Also
    --------
    newsim.containment : How much of one text is in another.
    newsim.SimilarityIndex.explain : The shared terms, and with texts= these passages.

    Examples
    --------
    >>> import newsim
    >>> a = "Shares of Acme Corp. rose 5% on Monday after the company beat forecasts."
    >>> b = "After the company beat forecasts, shares of ACME Corp rose 5% on Monday."
    >>> [p.text for p in newsim.shared_passages(a, b, min_words=4)]
    ['Shares of Acme Corp. rose 5% on Monday', 'after the company beat forecasts']
    """
    _check_str(a, "a")
    _check_str(b, "b")
    k = _check_count(min_words, "min_words", "the shortest passage in words")
    wa, sa, ea = _words(a)
    wb, sb, eb = _words(b)
    na, nb = len(wa), len(wb)
    found: list[Passage] = []
    if na >= k and nb >= k:
        anchors: dict[tuple[str, ...], list[int]] = {}
        for p in range(nb - k + 1):
            anchors.setdefault(tuple(wb[p : p + k]), []).append(p)
        i = 0
        while i <= na - k:
            starts = anchors.get(tuple(wa[i : i + k]))
            if starts is None:
                i += 1
                continue
            best_len, best_p = 0, -1
            for p in starts:  # ascending: the longest possible run only shrinks
                if min(na - i, nb - p) <= best_len:
                    break
                n = k
                while i + n < na and p + n < nb and wa[i + n] == wb[p + n]:
                    n += 1
                if n > best_len:
                    best_len, best_p = n, p
            end = i + best_len - 1
            found.append(
                Passage(
                    sa[i],
                    ea[end],
                    sb[best_p],
                    eb[best_p + best_len - 1],
                    best_len,
                    a[sa[i] : ea[end]],
                )
            )
            i += best_len
    return Passages(found, a, b, (na, nb))


# ------------------------------------------------------------------------------ dedup


class Syndication(SummaryReprMixin):
    """Groups of near-copies, their origins, and which articles ``keep="first"`` keeps.

    Every article is an origin (kept) or a copy (dropped) of exactly one origin: the first
    published article of its group (earliest date; equal dates or no dates: the first row).

    Attributes
    ----------
    ids : ndarray, shape (n_articles,)
        The articles' ids (their rows without ``ids=``).
    origin_rows : ndarray of int64, shape (n_articles,)
        Each article's origin, as a row; an origin's is its own row.
    copy_rows, original_rows : ndarray of int64, shape (n_copies,)
        The links that made each copy: the copy and the earlier article it was attached to
        (not always the origin: a copy of a copy is attached to the copy, whose origin it
        inherits). In the order of publication of the copies.
    contained, contains : ndarray of float64, shape (n_copies,)
        Containment of the copy in that article, and of that article in the copy.
    threshold, shingle, candidates : float, int, float
        The parameters the copies were found with.

    See Also
    --------
    newsim.dedup : Makes it.

    Examples
    --------
    >>> import newsim
    >>> story = "The central bank raised its key interest rate by a quarter point on Tuesday."
    >>> texts = [story + " Markets had expected it.", "Storms hit the coast.", story]
    >>> found = newsim.dedup(texts, ids=["wire", "other", "paper"],
    ...                      dates=["2024-05-02", "2024-05-02", "2024-05-01"])
    >>> found.kept_ids.tolist(), found.dropped
    (['other', 'paper'], {'wire': 'paper'})
    >>> found  # doctest: +ELLIPSIS
    Syndication(n_articles=3, n_kept=2, n_dropped=1, largest_group=2, threshold=0.8, shingle=5, ...)
    """

    def __init__(
        self,
        ids: np.ndarray,
        origin_rows: np.ndarray,
        links: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
        *,
        threshold: float,
        shingle: int,
        candidates: float,
        n_candidates: int,
        dates: Optional[np.ndarray] = None,
        utc: bool = False,
        sources: Optional[np.ndarray] = None,
    ) -> None:
        self.ids = ids
        self.origin_rows = origin_rows
        self.copy_rows, self.original_rows, self.contained, self.contains = links
        self.threshold = threshold
        self.shingle = shingle
        self.candidates = candidates
        self.n_candidates = n_candidates
        self._dates = dates
        self._utc = utc
        self._sources = sources

    @property
    def n_articles(self) -> int:
        """Number of articles."""
        return int(self.origin_rows.shape[0])

    @property
    def kept_rows(self) -> np.ndarray:
        """The rows ``keep="first"`` keeps: the origins and the articles with no copy."""
        out: np.ndarray = np.flatnonzero(self.origin_rows == np.arange(self.n_articles))
        return out

    @property
    def kept_ids(self) -> np.ndarray:
        """The ids of :attr:`kept_rows`, in row order."""
        out: np.ndarray = self.ids[self.kept_rows]
        return out

    @property
    def dropped(self) -> dict[Any, Any]:
        """``{copy id: origin id}`` for every dropped copy, in row order of the copies."""
        rows = np.flatnonzero(self.origin_rows != np.arange(self.n_articles))
        return dict(zip(self.ids[rows].tolist(), self.ids[self.origin_rows[rows]].tolist()))

    def groups(self) -> dict[Any, list[Any]]:
        """Return ``{origin id: [copy ids]}`` for every origin with copies (copies in row order).

        Examples
        --------
        >>> import newsim
        >>> text = "Ten people were hurt when a tram left the rails in the city centre this morning"
        >>> newsim.dedup([text, "Unrelated news.", text + ". Updated."]).groups()
        {0: [2]}
        """
        out: dict[Any, list[Any]] = {}
        for copy, origin in self.dropped.items():
            out.setdefault(origin, []).append(copy)
        return out

    def _summary(self) -> list[tuple[str, Any]]:
        n_dropped = int(np.count_nonzero(self.origin_rows != np.arange(self.n_articles)))
        sizes = np.bincount(self.origin_rows, minlength=1) if self.n_articles else np.zeros(1)
        return [
            ("n_articles", self.n_articles),
            ("n_kept", self.n_articles - n_dropped),
            ("n_dropped", n_dropped),
            ("largest_group", int(sizes.max())),
            ("threshold", self.threshold),
            ("shingle", self.shingle),
            ("candidates", self.candidates),
        ]

    def to_frame(self) -> Any:
        """Return one row per dropped copy as a pandas DataFrame.

        Returns
        -------
        pandas.DataFrame
            Columns ``copy_row``, ``copy_id``, ``origin_row``, ``origin_id``, ``linked_row``
            and ``linked_id`` (the earlier article the copy was attached to), ``contained``
            (of the copy in it), ``contains`` (of it in the copy), and with ``dates=`` /
            ``sources=`` ``copy_date``, ``origin_date`` / ``copy_source``, ``origin_source``.

        Examples
        --------
        >>> import newsim
        >>> text = "Ten people were hurt when a tram left the rails in the city centre this morning"
        >>> texts = [text, text + ". Updated.", "Unrelated."]
        >>> found = newsim.dedup(texts, sources=["AP", "X", None])
        >>> found.to_frame()[["copy_id", "origin_id", "contained", "copy_source", "origin_source"]]
           copy_id  origin_id  contained copy_source origin_source
        0        1          0   0.923077           X            AP
        """
        import pandas as pd

        copy, linked = self.copy_rows, self.original_rows
        order = np.argsort(copy, kind="stable")
        copy, linked = copy[order], linked[order]
        origin = self.origin_rows[copy]
        columns: dict[str, Any] = {
            "copy_row": copy,
            "copy_id": self.ids[copy],
            "origin_row": origin,
            "origin_id": self.ids[origin],
            "linked_row": linked,
            "linked_id": self.ids[linked],
            "contained": self.contained[order],
            "contains": self.contains[order],
        }
        if self._dates is not None:
            tz = "UTC" if self._utc else None
            stamps = self._dates.astype("datetime64[ns]")
            columns["copy_date"] = pd.DatetimeIndex(stamps[copy]).tz_localize(tz)
            columns["origin_date"] = pd.DatetimeIndex(stamps[origin]).tz_localize(tz)
        if self._sources is not None:
            columns["copy_source"] = self._sources[copy]
            columns["origin_source"] = self._sources[origin]
        return pd.DataFrame(columns)


def _check_texts(texts: Any) -> list[str]:
    items = one_per_article(texts, None, "texts", "str")
    for p, value in enumerate(items):
        if not isinstance(value, str):
            raise TypeError(f"texts[{p}] is {value!r} ({type(value).__name__}): texts must be str")
    return items


def dedup(
    texts: Sequence[str],
    *,
    ids: Optional[Sequence[Any]] = None,
    dates: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
    sources: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
    threshold: float = DEFAULT_THRESHOLD,
    keep: str = "first",
    shingle: int = DEFAULT_SHINGLE,
    candidates: float = DEFAULT_CANDIDATES,
    index: Optional[SimilarityIndex] = None,
    window: Any = None,
    exclude_same_source: bool = False,
) -> Syndication:
    """Find syndicated copies: groups of near-copies, each group's origin, what to keep.

    1. Candidate pairs: the pairs of articles whose TF-IDF cosine is >= ``candidates``
       (``index.pairs(candidates)``; without ``index``, a ``TfidfVectorizer()`` index of the
       texts, and no candidates when they hold only stop words). Only these pairs are compared
       word for word, so the cost grows with the number of candidate pairs, not with n².
    2. A candidate pair is a near-copy when either text is contained in the other:
       ``max(containment(a, b), containment(b, a)) >= threshold`` (:func:`containment`, on
       ``shingle``-word shingles). "B is A plus a paragraph" is a copy either way.
    3. In order of publication (``dates``; equal dates and no dates: row order), each
       article with a near-copy published before it is a copy: it is attached to the
       earliest of them, and its origin is that article's origin. An article published first
       is an origin. A later round-up containing two stories does not join them.

    Parameters
    ----------
    texts : sequence of str
        The articles' texts.
    ids : sequence of str or of int, optional
        The articles' ids, unique, as for :class:`SimilarityIndex` (default: the index's
        ``ids_`` with ``index``, else the rows).
    dates : sequence of datetime-like, optional
        Publication dates, one per article, as for :meth:`SimilarityIndex.stories`: all
        time-zone aware or all naive. Without them the first row is the first published.
    sources : sequence of str, optional
        Publishers, one per article (None for unknown): reported by :meth:`Syndication.to_frame`.
    threshold : float, default=0.8
        The smallest containment of a near-copy, in (0, 1].
    keep : {'first'}, default='first'
        Keep the first published article of each group (the only choice so far).
    shingle : int, default=5
        Words per shingle. 5 suits reprints (whole sentences and paragraphs copied); for
        rewrites, where words are replaced here and there, each replaced word breaks
        ``shingle`` shingles: use 2 or 3 and a lower ``threshold`` (on generated copies with
        up to 30 % of their words replaced, ``shingle=2, threshold=0.4`` found every copy and
        no false one; benchmarks/RESULTS.md).
    candidates : float, default=0.5
        The smallest cosine of a candidate pair, in (0, 1]. A copy is missed when its
        cosine to every earlier near-copy is below it: lower finds more, costs more.
    index : SimilarityIndex, optional
        An index of these texts, one per indexed article in the index's row order (after
        ``add`` and ``remove``: the order of ``ids_``); its ``pairs`` give the candidates.
        Without ``dates`` and ``sources``, the index's own (if it has them) are used.
    window : str, timedelta or None, default=None
        Compare only articles published at most this far apart (``"3D"``, ``"12h"``): the
        candidate pairs come from ``index.pairs(candidates, window=window)``, which reads only
        the articles in each other's window. Needs dates (``dates``, or the index's).
    exclude_same_source : bool, default=False
        Compare only articles of different sources (a publisher's own updates are not
        syndication). Needs sources (``sources``, or the index's).

    Returns
    -------
    Syndication
        ``kept_ids``, ``dropped`` (``{copy id: origin id}``), ``groups()``, ``to_frame()``.

    Raises
    ------
    TypeError, ValueError
        For texts that are not str, ``ids``, ``dates`` or ``sources`` of another length, a
        date that is missing, does not parse or mixes aware and naive dates, a source that is
        not a str, repeated ids (each message names the position), an index of another
        size, or a bad ``threshold``, ``keep``, ``shingle`` or ``candidates``.

    See Also
    --------
    newsim.containment : The measure of a near-copy.
    newsim.SimilarityIndex.pairs : The candidate pairs.
    newsim.SimilarityIndex.stories : Articles on the same story, not only copies.

    Examples
    --------
    >>> import newsim
    >>> wire = "Flooding closed the A1 motorway near Hamburg on Monday, police said."
    >>> texts = [wire + " Drivers were told to avoid the area.", wire, "Eurozone inflation eased."]
    >>> found = newsim.dedup(texts, ids=["blog", "agency", "other"],
    ...                      dates=["2024-03-04T09:30Z", "2024-03-04T08:00Z", "2024-03-04T09:00Z"])
    >>> found.kept_ids.tolist(), found.dropped
    (['agency', 'other'], {'blog': 'agency'})
    """
    items = _check_texts(texts)
    n = len(items)
    t = _check_share(threshold, "threshold")
    if keep != "first":
        raise ValueError(f"keep must be 'first' (the first published of each group), got {keep!r}")
    w = _check_count(shingle, "shingle", "words per shingle")
    c = _check_share(candidates, "candidates")
    ns, utc = check_dates(dates, n) if dates is not None else (None, False)
    src = check_sources(sources, n) if sources is not None else None
    from ._similarity import _check_ids

    labels = _check_ids(ids, n) if ids is not None else None
    if index is None:
        from ._vectorizer import TfidfVectorizer

        try:
            # The dates and sources go into the index only for its window and exclusion.
            limited = window is not None or bool(exclude_same_source)
            index = (
                TfidfVectorizer().index(
                    items,
                    dates=dates if limited else None,
                    sources=sources if limited else None,
                )
                if n > 1
                else None
            )
        except ValueError as exc:
            if not str(exc).startswith("empty vocabulary"):
                raise
            index = None  # only stop words: no candidate pairs
    else:
        from ._similarity import SimilarityIndex

        if not isinstance(index, SimilarityIndex):
            raise TypeError(f"index must be a SimilarityIndex, got {type(index).__name__}")
        if index.n_articles != n:
            raise ValueError(
                f"index has {index.n_articles} articles for {n} texts; pass the index of these "
                "texts, in the same order"
            )
    if index is not None:
        if ns is None and index.dates_ is not None:
            ns, utc = index.dates_.astype(np.int64), index._dates_aware
        if src is None and index.sources_ is not None:
            src = index.sources_
    for name, wanted, have in (
        ("window=", window is not None, ns is not None),
        ("exclude_same_source=True", bool(exclude_same_source), src is not None),
    ):
        what = "dates" if name == "window=" else "sources"
        if wanted and not have and n > 1:
            raise ValueError(
                f"{name} needs the articles' {what}: pass {what}= (or an index built with {what}=)"
            )
    if labels is None:
        labels = (
            np.asarray(index.ids_, dtype=object)
            if index is not None and index._has_ids
            else np.arange(n, dtype=np.int64)
        )

    if index is not None and n > 1:
        pairs = index.pairs(c, window=window, exclude_same_source=exclude_same_source)
        left, right = pairs.article_row.astype(np.int64), pairs.neighbor_row.astype(np.int64)
    else:
        left = right = np.empty(0, dtype=np.int64)
    # publication rank: date, then row
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), ns)) if ns is not None else np.arange(n)] = np.arange(n)
    # each pair as (later, earlier)
    later = np.where(rank[left] > rank[right], left, right)
    earlier = np.where(rank[left] > rank[right], right, left)

    words: dict[int, np.ndarray] = {}
    sets: dict[tuple[int, int], np.ndarray] = {}

    def shingles(row: int, k: int) -> np.ndarray:
        got = sets.get((row, k))
        if got is None:
            h = words.get(row)
            if h is None:
                h = words[row] = _hashes(items[row])
            got = sets[(row, k)] = _shingles(h, k)
        return got

    def contained(a: int, b: int) -> float:
        k = min(w, words[a].shape[0])  # words[a]: filled by shingles(a, w)
        return _contained(shingles(a, k), shingles(b, k))

    into = np.empty(left.shape[0], dtype=np.float64)  # later in earlier
    outof = np.empty(left.shape[0], dtype=np.float64)  # earlier in later
    for p, (a, b) in enumerate(zip(later.tolist(), earlier.tolist())):
        shingles(a, w)
        shingles(b, w)  # fills the words of both
        into[p], outof[p] = contained(a, b), contained(b, a)
    near = np.maximum(into, outof) >= t
    later, earlier, into, outof = later[near], earlier[near], into[near], outof[near]
    # the earliest near-copy published before each article
    order = np.lexsort((rank[earlier], rank[later]))
    later, earlier, into, outof = later[order], earlier[order], into[order], outof[order]
    first = np.ones(later.shape[0], dtype=bool)
    first[1:] = later[1:] != later[:-1]
    later, earlier, into, outof = later[first], earlier[first], into[first], outof[first]
    origin = np.arange(n, dtype=np.int64)
    for a, b in zip(later.tolist(), earlier.tolist()):  # in order of publication of the copies
        origin[a] = origin[b]
    return Syndication(
        labels,
        origin,
        (later, earlier, into, outof),
        threshold=t,
        shingle=w,
        candidates=c,
        n_candidates=int(left.shape[0]),
        dates=ns,
        utc=utc,
        sources=src,
    )
