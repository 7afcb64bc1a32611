"""An archive: a fitted vectorizer and the index of the articles it vectorized, in one file.

The file is an index file (see :meth:`SimilarityIndex.save`) with one more section, the
vectorizer's model file, so that new articles can be added and queried as text.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Sequence
from typing import Any, Optional, Union, cast

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from . import _core
from ._persistence import _PersistenceMixin
from ._repr import SummaryReprMixin
from ._similarity import SimilarityIndex, TopK, _path

#: The tolerance ``tolerance="auto"`` gives where rows can be re-weighted.
DEFAULT_TOLERANCE = 0.1

_RAW_ROWS = (
    "term_ptr",
    "term_ids",
    "term_counts",
    "candidate_ptr",
    "candidate_ids",
    "candidate_counts",
    "doc_len",
)


class _KeyTable:
    """An append-only table of 64-bit keys (terms, compound candidates, columns) with lookup."""

    def __init__(self, keys: Optional[np.ndarray] = None) -> None:
        self.keys = np.zeros(0, dtype=np.uint64) if keys is None else keys.astype(np.uint64)
        self._order = np.argsort(self.keys, kind="stable")
        self._sorted = self.keys[self._order]
        if self._sorted.size > 1 and np.any(self._sorted[1:] == self._sorted[:-1]):
            raise ValueError("a key table repeats a key")

    def __len__(self) -> int:
        return int(self.keys.size)

    def find(self, keys: np.ndarray) -> np.ndarray:
        """Return each key's id (int64), -1 where the table lacks it."""
        keys = np.asarray(keys, dtype=np.uint64)
        out = np.full(keys.shape, -1, dtype=np.int64)
        if not self._sorted.size:
            return out
        pos = np.minimum(np.searchsorted(self._sorted, keys), self._sorted.size - 1)
        hit = self._sorted[pos] == keys
        out[hit] = self._order[pos[hit]]
        return out

    def intern(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return each key's id, appending the keys the table lacks.

        Also returns where in ``keys`` each appended key first occurs (in the order appended).
        """
        keys = np.asarray(keys, dtype=np.uint64)
        ids = self.find(keys)
        missing = np.flatnonzero(ids < 0)
        if not missing.size:
            return ids, missing
        new, first, inverse = np.unique(keys[missing], return_index=True, return_inverse=True)
        new_ids = len(self) + np.arange(new.size, dtype=np.int64)
        ids[missing] = new_ids[inverse.ravel()]
        at = np.searchsorted(self._sorted, new)
        self._sorted = np.insert(self._sorted, at, new)
        self._order = np.insert(self._order, at, new_ids)
        self.keys = np.concatenate([self.keys, new])
        return ids, missing[first]


class _RawStore:
    """Each archived article's raw counts (``count_raw``), in the archive's order.

    Terms by key, compound candidates as text; ``alive`` marks the articles not removed.
    """

    def __init__(self) -> None:
        self.terms = _KeyTable()
        self.candidates = _KeyTable()
        self.candidate_offsets = np.zeros(1, dtype=np.int64)
        self.candidate_bytes = np.zeros(0, dtype=np.uint8)
        self.blocks: list[dict[str, np.ndarray]] = []
        self.alive = np.zeros(0, dtype=bool)
        # decompounding: each candidate's split key when last checked, and the archive
        # version at which it last changed (None: not checked since the last re-weight)
        self.split_keys: Optional[np.ndarray] = None
        self.changed_at: Optional[np.ndarray] = None

    def append(self, raw: dict[str, np.ndarray]) -> None:
        """Append a batch's raw counts (as count_raw returns them), in the tables' ids."""
        term_ids, _ = self.terms.intern(raw["term_keys"])
        cand_ids, first = self.candidates.intern(raw["candidate_keys"])
        off = raw["candidate_offsets"]
        if first.size:
            spans = [raw["candidate_bytes"][off[c] : off[c + 1]] for c in first]
            lengths = np.fromiter((len(x) for x in spans), dtype=np.int64, count=len(spans))
            self.candidate_bytes = np.concatenate([self.candidate_bytes, *spans])
            self.candidate_offsets = np.concatenate(
                [self.candidate_offsets, self.candidate_offsets[-1] + np.cumsum(lengths)]
            )
        block = {name: raw[name] for name in _RAW_ROWS}
        block["term_ids"] = term_ids[raw["term_ids"]].astype(np.uint32)
        block["candidate_ids"] = cand_ids[raw["candidate_ids"]].astype(np.uint32)
        self.blocks.append(block)
        self.alive = np.concatenate([self.alive, np.ones(raw["doc_len"].size, dtype=bool)])

    def remove(self, rows: np.ndarray) -> None:
        """Mark the articles at these positions among the alive ones removed."""
        self.alive[np.flatnonzero(self.alive)[rows]] = False

    def compacted(self) -> dict[str, np.ndarray]:
        """Return the alive articles' raw counts as one batch over the tables (kept as such)."""
        out = _concat(self.blocks)
        if not self.alive.all():
            out = _select_rows(out, np.flatnonzero(self.alive))
        self.blocks = [out]
        self.alive = np.ones(out["doc_len"].size, dtype=bool)
        return {**out, **self.tables()}

    def select(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        """Return the raw counts of the alive articles at these positions (increasing)."""
        slots = np.flatnonzero(self.alive)[rows]
        parts, start = [], 0
        for block in self.blocks:
            n = block["doc_len"].size
            local = slots[(slots >= start) & (slots < start + n)] - start
            if local.size:
                parts.append(_select_rows(block, local))
            start += n
        return _concat(parts)

    def rows_with_terms(self, term_ids: np.ndarray) -> np.ndarray:
        """Return the alive articles (positions, increasing) whose counts hold any of the terms."""
        return self._rows_with("term", term_ids, len(self.terms))

    def rows_with_candidates(self, candidate_ids: np.ndarray) -> np.ndarray:
        """Return the alive articles (positions, increasing) holding any of the candidates."""
        return self._rows_with("candidate", candidate_ids, len(self.candidates))

    def _rows_with(self, prefix: str, ids: np.ndarray, n_ids: int) -> np.ndarray:
        mask = np.zeros(n_ids, dtype=bool)
        mask[ids] = True
        slots, start = [np.zeros(0, dtype=np.int64)], 0
        for block in self.blocks:
            hits = np.concatenate([[0], np.cumsum(mask[block[f"{prefix}_ids"]], dtype=np.int64)])
            ptr = block[f"{prefix}_ptr"]
            slots.append(np.flatnonzero(hits[ptr[1:]] > hits[ptr[:-1]]) + start)
            start += block["doc_len"].size
        hit = np.concatenate(slots)
        hit = hit[self.alive[hit]]
        rank = np.cumsum(self.alive) - 1
        out: np.ndarray = rank[hit]
        return out

    def latest_change(self) -> np.ndarray:
        """Return, per alive article, the latest version its candidates' splits changed at.

        -1 where none did (or it has no compound candidate).
        """
        assert self.changed_at is not None
        out = []
        for block in self.blocks:
            ptr = block["candidate_ptr"]
            values = np.append(self.changed_at[block["candidate_ids"]], -1)
            latest = np.maximum.reduceat(values, np.minimum(ptr[:-1], values.size - 1))
            latest[ptr[1:] == ptr[:-1]] = -1
            out.append(latest)
        merged: np.ndarray = np.concatenate([np.zeros(0, np.int32), *out])[self.alive]
        return merged

    def append_rows(self, rows: dict[str, np.ndarray]) -> None:
        """Append raw counts already in the tables' ids (as :meth:`select` returns them)."""
        self.blocks.append({name: rows[name] for name in _RAW_ROWS})
        self.alive = np.concatenate([self.alive, np.ones(rows["doc_len"].size, dtype=bool)])

    def tables(self) -> dict[str, np.ndarray]:
        return {
            "term_keys": self.terms.keys,
            "candidate_keys": self.candidates.keys,
            "candidate_offsets": self.candidate_offsets,
            "candidate_bytes": self.candidate_bytes,
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> _RawStore:
        store = cls()
        store.terms = _KeyTable(arrays["term_keys"])
        store.candidates = _KeyTable(arrays["candidate_keys"])
        store.candidate_offsets = arrays["candidate_offsets"].astype(np.int64)
        store.candidate_bytes = arrays["candidate_bytes"].astype(np.uint8)
        block = {name: arrays[name] for name in _RAW_ROWS}
        store.blocks = [block]
        store.alive = np.ones(block["doc_len"].size, dtype=bool)
        return store


def _concat(blocks: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Return the raw counts of the blocks' rows, one after the other, as one block."""
    out: dict[str, np.ndarray] = {
        "doc_len": np.concatenate([np.zeros(0, np.uint32), *(b["doc_len"] for b in blocks)])
    }
    for prefix in ("term", "candidate"):
        ptrs, base = [np.zeros(1, np.int64)], 0
        for b in blocks:
            ptrs.append(b[f"{prefix}_ptr"][1:] + base)
            base += int(b[f"{prefix}_ptr"][-1])
        out[f"{prefix}_ptr"] = np.concatenate(ptrs).astype(np.int64)
        for name in (f"{prefix}_ids", f"{prefix}_counts"):
            out[name] = np.concatenate([np.zeros(0, np.uint32), *(b[name] for b in blocks)])
    return out


def _select_rows(raw: dict[str, np.ndarray], rows: np.ndarray) -> dict[str, np.ndarray]:
    """Return the raw counts of the given rows, in that order."""
    out: dict[str, np.ndarray] = {"doc_len": raw["doc_len"][rows]}
    for prefix in ("term", "candidate"):
        ptr = raw[f"{prefix}_ptr"]
        starts, ends = ptr[rows], ptr[rows + 1]
        lengths = ends - starts
        take = (
            np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
            + np.arange(int(lengths.sum()))
            if rows.size
            else np.zeros(0, dtype=np.int64)
        )
        out[f"{prefix}_ptr"] = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        out[f"{prefix}_ids"] = raw[f"{prefix}_ids"][take]
        out[f"{prefix}_counts"] = raw[f"{prefix}_counts"][take]
    return out


_RAW_NAMES = (*_RAW_ROWS, "term_keys", "candidate_keys", "candidate_offsets", "candidate_bytes")
_VERSION_NAMES = (
    "row_version",
    "version_offsets",
    "version_idfs",
    "version_seen",
    "clear_offsets",
    "version_clear",
)


def _read_archive_data(data: bytes, where: str) -> dict[str, np.ndarray]:
    """Return the arrays of an archive-data section (its tolerance checked)."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except Exception as exc:  # a damaged section: zip, header or array errors
        raise _core.ModelFormatError(f"{where}: the archive's data cannot be read ({exc})") from exc
    tolerance = arrays.get("tolerance")
    if tolerance is None or tolerance.shape != () or not np.isfinite(tolerance) or tolerance < 0:
        raise _core.ModelFormatError(f"{where}: the archive's data has no valid tolerance")
    optional = {"column_keys", "split_keys", "changed_at"}
    known = {"tolerance", *_RAW_NAMES, *_VERSION_NAMES, *optional}
    has_raw = "term_keys" in arrays
    needed = {"tolerance", *_VERSION_NAMES, *(_RAW_NAMES if has_raw else ())}
    if has_raw:
        needed.add("column_keys")
    if (
        not needed <= set(arrays)
        or not set(arrays) <= known
        or ("split_keys" in arrays) != ("changed_at" in arrays)
        or any(a.ndim != 1 for k, a in arrays.items() if k != "tolerance")
    ):
        raise _core.ModelFormatError(
            f"{where}: the archive's data has the arrays {sorted(arrays)}, expected "
            f"{sorted(needed)}"
        )
    return arrays


class Archive(SummaryReprMixin):
    """A fitted vectorizer and the index of the articles it vectorized, saved as one file.

    New articles are added and queried as text. The index's ids, add and remove, and its
    memory-mapped file work as in :class:`SimilarityIndex`.

    Weights that keep up: with a ``tolerance`` (>= 0), :meth:`add` updates the corpus
    statistics (``partial_fit``), weights the new articles with the idf that results, and
    re-weights every article once :meth:`staleness`, the largest relative idf change since a
    row was weighted, exceeds it. With 0 the rows always equal a fresh fit over every article
    added (to float rounding); with 0.1 (the default of :meth:`build`) no term's idf in a row
    is off by more than 10 % of the current one, and every term of the current vocabulary that
    a row contains is weighted in it. With ``tolerance=None`` the idf stays that of the fit.

    How rows are re-weighted depends on the vectorizer:

    - a learned vocabulary (the default ``TfidfVectorizer()``, German decompounding too): the
      archive keeps each article's raw term counts, keyed by term, before vocabulary and
      decompounding (:meth:`build` makes them; the file stores them with each row's idf
      version: 1.0 to 2.5 times the index's size in benchmarks/RESULTS.md), and weights
      the rows that drifted anew, as ``transform`` would: those holding a term whose idf
      moved beyond the tolerance or that left the vocabulary, a term that entered it (word
      pairs reaching ``ngram_min_df``), or a compound the grown lexicon splits differently.
      New terms get new columns at the end,
      so the index's width has room to grow (it is rebuilt when the room runs out); a row
      re-weighted moves to the end of the index (docs/archive.md);
    - columns that stay put (``HashingVectorizer(use_idf=True)``, or a fixed ``vocabulary``
      taken verbatim, ``normalize_vocabulary=False``, without decompounding): each weight is
      scaled by ``idf_now / idf_then`` and the row normalized again.

    Re-weighting needs tf x idf weights (``weighting='tfidf'``, ``use_idf=True``); a
    normalized fixed vocabulary picks entry or alias per column from the statistics and is
    refused.

    Parameters
    ----------
    vectorizer : TfidfVectorizer, SklearnTfidfVectorizer or HashingVectorizer
        Fitted; it made the index's rows.
    index : SimilarityIndex
        The articles' vectors, with as many columns as the vectorizer has features, weighted
        with its current idf.
    tolerance : float or None, default=None
        See above. An archive made here from an index has no raw counts, so a tolerance needs
        columns that stay put; :meth:`build` keeps raw counts for a learned vocabulary.

    See Also
    --------
    newsim.SimilarityIndex : The index an archive holds.
    newsim.TfidfVectorizer.partial_fit : How its statistics grow.

    Examples
    --------
    >>> import newsim, os, tempfile
    >>> sample = newsim.datasets.load_sample()
    >>> archive = newsim.Archive.build(sample.texts, ids=["stargate", "deepseek"])
    >>> path = os.path.join(tempfile.mkdtemp(), "news.nsi")
    >>> archive.save(path)
    >>> archive = newsim.Archive.load(path)
    >>> archive.query([sample.texts[1]], k=1).ids.tolist()
    [['deepseek']]
    """

    def __init__(
        self,
        vectorizer: Any,
        index: SimilarityIndex,
        *,
        tolerance: Optional[float] = None,
        _raw: Optional[_RawStore] = None,
        _saved: Optional[dict[str, np.ndarray]] = None,
    ) -> None:
        if not isinstance(index, SimilarityIndex):
            raise TypeError(f"index must be a SimilarityIndex, got {type(index).__name__}")
        self.tolerance = _check_tolerance(tolerance, vectorizer, raw=_raw is not None)
        self._raw = _raw if self.tolerance is not None and _learned(vectorizer) else None
        n_features = _n_features(vectorizer)
        if (
            (index.n_features < n_features)
            if self._raw is not None
            else (index.n_features != n_features)
        ):
            raise ValueError(
                f"the index has {index.n_features} columns, the vectorizer makes {n_features}: "
                "build the index with this vectorizer"
            )
        n_raw = 0 if self._raw is None else int(np.count_nonzero(self._raw.alive))
        if self._raw is not None and n_raw != index.n_articles:
            raise ValueError(f"the raw counts have {n_raw} articles, the index {index.n_articles}")
        self.vectorizer = vectorizer
        self.index = index
        # Raw counts: the index's columns by term key (the vocabulary's order at the last
        # re-weight, then each new term appended).
        self._columns = _KeyTable(self._core().vocabulary_keys()) if self._raw is not None else None
        self._vocab_columns: tuple[int, np.ndarray] = (-1, np.zeros(0, np.int64))
        # The idf each row was weighted with: versions, and each row's version (rows in order).
        self._idfs: list[np.ndarray] = []
        self._seen: list[np.ndarray] = []  # per version: the columns in the corpus by then
        # per version (raw counts): columns checked to be in none of the version's rows
        self._clear: list[np.ndarray] = []
        self._version = np.zeros(index.n_articles, dtype=np.int32)
        if self.tolerance is not None and _saved is not None:
            self._restore(_saved)
        elif self.tolerance is not None:
            self._new_version()

    def _restore(self, saved: dict[str, np.ndarray]) -> None:
        """Take the rows' idf versions (and, with raw counts, the columns and splits) saved."""
        self._version = saved["row_version"].astype(np.int32)
        off, coff = saved["version_offsets"], saved["clear_offsets"]
        self._idfs = [saved["version_idfs"][off[v] : off[v + 1]] for v in range(off.size - 1)]
        self._seen = [saved["version_seen"][off[v] : off[v + 1]] for v in range(off.size - 1)]
        self._clear = [saved["version_clear"][coff[v] : coff[v + 1]] for v in range(off.size - 1)]
        if self._raw is not None:
            self._columns = _KeyTable(saved["column_keys"])
            if "split_keys" in saved:
                self._raw.split_keys = saved["split_keys"].astype(np.uint64)
                self._raw.changed_at = saved["changed_at"].astype(np.int32)

    @classmethod
    def build(
        cls,
        texts: Iterable[str],
        ids: Optional[Sequence[Any]] = None,
        *,
        dates: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
        sources: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
        vectorizer: Any = None,
        n_jobs: Optional[int] = None,
        tolerance: Union[float, str, None] = "auto",
    ) -> Archive:
        """Fit a vectorizer on the texts (unless given fitted) and index them.

        Parameters
        ----------
        texts : iterable of str
            The articles.
        ids : sequence of str or int, optional
            Their ids, as for :class:`SimilarityIndex`.
        dates, sources : sequence, optional
            Their dates and sources, as for :class:`SimilarityIndex`: kept by the index (and
            its file) for ``window=`` and ``exclude_same_source=``; :meth:`add` then needs
            them for new articles.
        vectorizer : vectorizer, optional
            Fitted: it transforms the texts; not fitted: it is fitted on them first. Default:
            ``TfidfVectorizer()``.
        n_jobs : int or None, default=None
            Threads of the index.
        tolerance : float, None or "auto", default="auto"
            As for the class; ``"auto"`` is 0.1 where the vectorizer's rows can be
            re-weighted (tf x idf weights, not a normalized fixed vocabulary), else None.

        Returns
        -------
        Archive

        See Also
        --------
        newsim.Archive.add : Add articles.
        newsim.Archive.load : Open a saved archive.

        Examples
        --------
        >>> import newsim
        >>> sample = newsim.datasets.load_sample()
        >>> archive = newsim.Archive.build(sample.texts[:1], ids=["stargate"])
        >>> archive.add(sample.texts[1:], ids=["deepseek"])  # statistics and weights keep up
        >>> archive.vectorizer.n_documents_, archive.tolerance, archive.staleness() <= 0.1
        (2, 0.1, True)
        """
        from ._vectorizer import TfidfVectorizer

        texts = list(texts)
        vec = TfidfVectorizer() if vectorizer is None else vectorizer
        if getattr(vec, "_core", None) is None:
            vec.fit(texts)
        if tolerance == "auto":
            tolerance = DEFAULT_TOLERANCE if _reweightable(vec) else None
        tolerance = _check_tolerance(tolerance, vec, raw=True)
        X = vec.transform(texts)
        if tolerance is not None and _learned(vec):
            raw = _RawStore()
            raw.append(_count_raw(vec, texts))
            index = SimilarityIndex(
                _widened(X), ids=ids, dates=dates, sources=sources, n_jobs=n_jobs
            )
            return cls(vec, index, tolerance=tolerance, _raw=raw)
        names = vec.get_feature_names_out() if hasattr(vec, "get_feature_names_out") else None
        index = SimilarityIndex(
            X, ids=ids, dates=dates, sources=sources, n_jobs=n_jobs, feature_names=names
        )
        return cls(vec, index, tolerance=tolerance)

    def _core(self) -> Any:
        return self.vectorizer._fitted_core()

    def _summary(self) -> list[tuple[str, Any]]:
        return [
            ("n_articles", self.index.n_articles),
            ("n_features", _n_features(self.vectorizer)),
            ("vectorizer", type(self.vectorizer).__name__),
            ("tolerance", self.tolerance),
        ]

    def __len__(self) -> int:
        return self.index.n_articles

    def _transform(self, texts: list[str]) -> sp.csr_matrix:
        """Return the texts' rows in the index's columns."""
        X = self.vectorizer.transform(texts)
        if self._columns is None:
            return X
        return _in_columns(X, self._vocab_to_columns(), self.index.n_features)

    def _vocab_to_columns(self) -> np.ndarray:
        """Return each vectorizer column's index column (-1: a term in no archived row)."""
        core = self._core()
        generation = core.state_generation
        if self._vocab_columns[0] != generation:
            assert self._columns is not None
            self._vocab_columns = (generation, self._columns.find(core.vocabulary_keys()))
        return self._vocab_columns[1]

    def add(
        self,
        texts: Iterable[str],
        ids: Optional[Sequence[Any]] = None,
        *,
        dates: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
        sources: Optional[Union[Sequence[Any], npt.ArrayLike]] = None,
    ) -> None:
        """Add articles as text (see :meth:`SimilarityIndex.add` for ids, dates and sources).

        Without a ``tolerance`` the new articles are weighted with the vectorizer's idf as it
        is. With one, the corpus statistics take the new articles in first
        (``partial_fit``), the new articles are weighted with the idf that results, and when
        :meth:`staleness` then exceeds the tolerance every article is re-weighted
        (:meth:`reweight`). Nothing changes when the texts or ids are refused.

        See Also
        --------
        newsim.Archive.remove : Remove articles.
        newsim.Archive.staleness : How far the weights drifted.

        Examples
        --------
        >>> import newsim
        >>> sample = newsim.datasets.load_sample()
        >>> archive = newsim.Archive.build(sample.texts[:1], ids=["stargate"], tolerance=0)
        >>> archive.add(sample.texts[1:], ids=["deepseek"])
        >>> len(archive), archive.staleness()
        (2, 0.0)
        """
        texts = list(texts)
        labels = {"dates": dates, "sources": sources}
        if self.tolerance is None:
            self.index.add(self.vectorizer.transform(texts), ids=ids, **labels)
            self._version = np.concatenate([self._version, np.zeros(len(texts), dtype=np.int32)])
            return
        if self._raw is None:
            X = self._transform(texts)  # the texts' own errors, before anything changes
            self.index._check_add(int(X.shape[1]), int(X.shape[0]), ids, dates, sources)
            self.vectorizer.partial_fit(texts)
            self.index.add(self._transform(texts), ids=ids, **labels)
        else:
            # The texts are analyzed once: their raw counts (their own errors, before anything
            # changes) give the statistics' update and their rows.
            raw = _count_raw(self.vectorizer, texts)
            self.index._check_add(self.index.n_features, len(texts), ids, dates, sources)
            splits = self._splits()  # before the statistics change: the splits rows have
            self.vectorizer.partial_fit(texts)
            self._raw.append(raw)
            assert self._columns is not None
            where, _ = self._columns.intern(self._core().vocabulary_keys())  # new terms: columns
            self._vocab_columns = (self._core().state_generation, where)
            n_alive = int(np.count_nonzero(self._raw.alive))
            new = np.arange(n_alive - len(texts), n_alive)  # the last articles
            X = self._weigh(self._raw.select(new))  # beyond the width (no room): dropped, then
            self.index.add(X, ids=ids, **labels)  # re-weighted into a wider index below
        self._new_version()
        version = np.full(len(texts), len(self._idfs) - 1, dtype=np.int32)
        self._version = np.concatenate([self._version, version])
        if self._raw is not None and splits is not None:
            self._track_splits(splits)
        if self._columns is not None and len(self._columns) > self.index.n_features:
            self.reweight()
        elif self.staleness() > self.tolerance:
            self._refresh()

    def _splits(self) -> Optional[np.ndarray]:
        """Return each archived compound candidate's split key (None without decompounding)."""
        if self._raw is None or not self._core().options().get("decompound"):
            return None
        if self._raw.split_keys is None:
            self._raw.split_keys = self._split_keys_now()
            self._raw.changed_at = np.zeros(self._raw.split_keys.size, dtype=np.int32)
        return self._raw.split_keys

    def _split_keys_now(self) -> np.ndarray:
        assert self._raw is not None
        keys: np.ndarray = self._core().split_keys(
            self._raw.candidate_offsets, self._raw.candidate_bytes, n_jobs=self.index._jobs()
        )
        return keys

    def _track_splits(self, before: np.ndarray) -> None:
        """Record which candidates split differently now (the lexicon grew): at this version."""
        assert self._raw is not None and self._raw.changed_at is not None
        now = self._split_keys_now()
        current = len(self._idfs) - 1
        changed_at = np.full(now.size, current, dtype=np.int32)  # new ones: in new rows only
        changed_at[: before.size] = np.where(
            now[: before.size] != before, current, self._raw.changed_at[: before.size]
        )
        self._raw.split_keys, self._raw.changed_at = now, changed_at

    def _split_stale_rows(self) -> np.ndarray:
        """Return the rows holding a compound that splits differently now.

        That is, differently since the row was weighted (the lexicon grew).
        """
        raw = self._raw
        if raw is None or raw.changed_at is None or not raw.changed_at.size:
            return np.zeros(0, dtype=np.int64)
        if int(raw.changed_at.max()) <= int(self._version.min(initial=0)):
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(raw.latest_change() > self._version)

    def remove(self, ids: Iterable[Any]) -> None:
        """Remove articles by id (see :meth:`newsim.SimilarityIndex.remove`).

        See Also
        --------
        newsim.Archive.add : Add articles.
        """
        ids = list(ids)
        rows = self.index._rows_of(ids)
        self.index.remove(ids)
        self._version = np.delete(self._version, rows)
        if self._raw is not None:
            self._raw.remove(rows)

    def staleness(self) -> float:
        """Return the largest relative idf change since the archive's rows were weighted.

        ``max |idf_then - idf_now| / idf_now`` over the idf versions the rows were weighted
        with and the terms of the corpus by then (a term no row had then is in none of them);
        a term that left the vocabulary since, or (with pruning: ``min_df``, ``max_df``,
        ``max_features``, ``ngram_min_df``) entered it while rows weighted before may hold it,
        counts as a change of 1. 0 when every row has the current idf (and always without a
        ``tolerance``, when the idf never changes).

        See Also
        --------
        newsim.Archive.reweight : Re-weight every article.

        Examples
        --------
        >>> import newsim
        >>> vec = newsim.HashingVectorizer(n_features=2**12, use_idf=True)
        >>> archive = newsim.Archive.build(
        ...     ["cats purr", "dogs bark"], ids=[0, 1], vectorizer=vec, tolerance=1.0
        ... )
        >>> archive.add(["cats nap", "cats sleep"], ids=[2, 3])
        >>> 0 < archive.staleness() <= 1.0
        True
        """
        if self.tolerance is None or not self._version.size:
            return 0.0
        now = self._idf_now()
        current = len(self._idfs) - 1
        worst = 1.0 if self._split_stale_rows().size else 0.0
        for v in np.unique(self._version):
            if v != current:
                worst = max(worst, self._drift(int(v), now)[0])
        return worst

    def _drift(self, v: int, now: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """Return how far the rows of version ``v`` drifted, and in which columns.

        The staleness of the version, the columns whose idf moved by more than the tolerance
        (or left the vocabulary), and (raw counts with a pruned vocabulary) the columns that
        entered the vocabulary since and that rows of the version may hold uncounted.
        """
        then, seen = self._idfs[v], self._seen[v]
        present = np.isfinite(now[: then.size])
        drift = np.zeros(then.size)
        both = seen & present
        drift[both] = np.abs(then[both] - now[: then.size][both]) / now[: then.size][both]
        if self._columns is not None:
            drift[seen & ~present] = np.inf  # left the vocabulary
        entered = np.zeros(0, dtype=np.int64)
        if self._columns is not None and _prunes(self.vectorizer):
            clear = self._clear[v]
            known = np.zeros(now.size, dtype=bool)
            known[: then.size] = seen
            known[: clear.size] |= clear
            entered = np.flatnonzero(np.isfinite(now) & ~known)
        worst = float(min(drift.max(initial=0.0), 1.0))
        if entered.size:
            worst = 1.0
        assert self.tolerance is not None
        return worst, np.flatnonzero(drift > self.tolerance), entered

    def _refresh(self) -> None:
        """Re-weight the rows whose weights drifted beyond the tolerance.

        With raw counts and ids, only those rows: the rows of each older version that hold a
        column whose idf drifted beyond the tolerance or that left the vocabulary (a drifting
        term is mostly a rare one, in few rows), and with a pruned vocabulary those whose raw
        counts hold a term that entered it. Each is weighted anew and moves to the end of the
        index. Otherwise, or when they are most of the rows, every row (:meth:`reweight`).
        """
        assert self.tolerance is not None
        if self._raw is None or not self.index._has_ids:
            self.reweight()
            return
        now = self._idf_now()
        current = len(self._idfs) - 1
        stale: list[np.ndarray] = [self._split_stale_rows()]
        marks: list[tuple[int, np.ndarray, np.ndarray]] = []
        entering: list[np.ndarray] = []
        for v in np.unique(self._version):
            if v == current:
                continue
            _, drifted, entered = self._drift(int(v), now)
            if drifted.size:
                rows = self.index._rows_with_columns(drifted)
                stale.append(rows[self._version[rows] == v])
            entering.append(entered)
            marks.append((int(v), drifted, entered))
        if entering and np.concatenate(entering).size:
            # One pass over the raw counts for the terms that entered since any older version:
            # the older rows holding one (a row whose version had it already is re-weighted
            # needlessly, which is harmless; the sets are mostly the same new word pairs).
            assert self._columns is not None
            columns = np.unique(np.concatenate(entering))
            raw_ids = self._raw.terms.find(self._columns.keys[columns])
            rows = self._raw.rows_with_terms(raw_ids[raw_ids >= 0])
            stale.append(rows[self._version[rows] != current])
        rows = np.unique(np.concatenate(stale))
        if 2 * rows.size > len(self):
            self.reweight()
            return
        self._reweight_rows(rows)
        for v, drifted, entered in marks:  # no row of version v holds them any more
            self._seen[v][drifted] = False
            cleared = np.concatenate([drifted, entered])
            if cleared.size:
                clear = self._clear[v]
                if clear.size <= cleared.max():
                    clear = np.concatenate([clear, np.zeros(cleared.max() + 1 - clear.size, bool)])
                clear[cleared] = True
                self._clear[v] = clear

    def _weigh(self, raw: dict[str, np.ndarray]) -> sp.csr_matrix:
        """Return the rows of these raw counts (in the store's ids) in the index's columns.

        The core weighs them as ``transform`` would; only the terms and candidates they hold
        are passed, each term with its column (from the index's columns), so that the work is
        that of the rows, not of the archive's tables or vocabulary.
        """
        assert self._raw is not None and self._columns is not None
        terms, term_ids = _compact(raw["term_ids"], len(self._raw.terms))
        cands, cand_ids = _compact(raw["candidate_ids"], len(self._raw.candidates))
        keys = self._raw.terms.keys[terms]
        where = self._vocab_to_columns()  # vectorizer column -> index column
        to_vocab = np.full(len(self._columns), -1, dtype=np.int64)
        to_vocab[where[where >= 0]] = np.flatnonzero(where >= 0)
        index_cols = self._columns.find(keys)
        term_columns = np.where(index_cols >= 0, to_vocab[np.maximum(index_cols, 0)], -1)
        off = self._raw.candidate_offsets
        spans = [self._raw.candidate_bytes[off[c] : off[c + 1]] for c in cands]
        lengths = np.fromiter((x.size for x in spans), dtype=np.int64, count=len(spans))
        batch = {
            **raw,
            "term_ids": term_ids.astype(np.uint32),
            "candidate_ids": cand_ids.astype(np.uint32),
            "term_keys": keys,
            "term_columns": term_columns,
            "candidate_keys": self._raw.candidates.keys[cands],
            "candidate_offsets": np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
            "candidate_bytes": np.concatenate([np.zeros(0, np.uint8), *spans]),
        }
        X = self.vectorizer._matrix(self._core().transform_raw(batch, n_jobs=self.index._jobs()))
        return _in_columns(X, where, self.index.n_features)

    def _reweight_rows(self, rows: np.ndarray) -> None:
        """Weight the articles at these rows (increasing) anew; they move to the end."""
        assert self._raw is not None
        if not rows.size:
            return
        ids = self.index.ids_[rows]
        labels = self.index._meta_arguments(rows)
        raw = self._raw.select(rows)
        X = self._weigh(raw)
        self.index.remove(ids)
        self.index.add(X, ids=ids, **labels)
        self._raw.remove(rows)
        self._raw.append_rows(raw)
        current = np.full(rows.size, len(self._idfs) - 1, dtype=np.int32)
        self._version = np.concatenate([np.delete(self._version, rows), current])

    def _idf_now(self) -> np.ndarray:
        """Return the current idf by index column (NaN: a term not in the vocabulary)."""
        idf = np.asarray(self.vectorizer.idf_, dtype=np.float64)
        if self._columns is None:
            return idf
        out = np.full(len(self._columns), np.nan)
        cols = self._vocab_to_columns()
        out[cols[cols >= 0]] = idf[cols >= 0]
        return out

    def _new_version(self) -> None:
        """Record the vectorizer's idf as the one rows are weighted with from now on."""
        now = self._idf_now().copy()
        self._idfs.append(now)
        if self._columns is None:
            self._seen.append(np.asarray(self.vectorizer.df_) > 0)
        else:
            self._seen.append(np.isfinite(now))
        self._clear.append(np.zeros(0, dtype=bool))

    def reweight(self) -> None:
        """Re-weight every article with the vectorizer's current statistics (rebuilds the index).

        With raw counts each row is what ``transform`` gives for the article now (new
        vocabulary, idf and compound splits). Otherwise a row's weights are ``tf * idf``
        normalized, so each is scaled by ``idf_now / idf_then`` of its column and the row
        normalized again: the rows an index built afresh with the current idf would hold (to
        float rounding).

        See Also
        --------
        newsim.Archive.staleness : How far the weights drifted.
        """
        if self.tolerance is None:
            return
        index = self.index
        state = index._compacted()
        if self._raw is not None:
            raw = self._raw.compacted()
            core = self._core()
            X = self.vectorizer._matrix(core.transform_raw(raw, n_jobs=index._jobs()))
            self.index = SimilarityIndex(
                _widened(X),
                ids=cast(Any, state.slot_ids),
                n_jobs=index.n_jobs,
                progress=index.progress,
                **index._meta_arguments(),
            )
            self._columns = _KeyTable(core.vocabulary_keys())
            self._vocab_columns = (-1, np.zeros(0, np.int64))
            self._raw.split_keys = self._raw.changed_at = None  # all rows split as now
        else:
            self.index = SimilarityIndex(
                self._scaled(state),
                ids=cast(Any, state.slot_ids),
                n_jobs=index.n_jobs,
                feature_names=index.feature_names_,
                progress=index.progress,
                **index._meta_arguments(),
            )
        self._idfs, self._seen, self._clear = [], [], []
        self._new_version()
        self._version = np.zeros(self.index.n_articles, dtype=np.int32)

    def _scaled(self, state: Any) -> sp.csr_matrix:
        """Return the rows with each weight scaled to the current idf and normalized again."""
        data, indices, indptr = state.main.csr_rows()
        now = np.asarray(self.vectorizer.idf_, dtype=np.float64)
        per_entry = np.repeat(self._version, np.diff(indptr))
        then = np.stack(self._idfs)[per_entry, indices]
        weights = data.astype(np.float64) * (now[indices] / then)
        X = sp.csr_matrix(
            (weights, indices.copy(), indptr.copy()),
            shape=(self.index.n_articles, self.index.n_features),
        )
        norm = self.vectorizer.get_params().get("norm")
        if norm in ("l1", "l2"):
            lengths = (
                np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
                if norm == "l2"
                else np.asarray(abs(X).sum(axis=1)).ravel()
            )
            lengths[lengths == 0] = 1.0
            X = sp.csr_matrix(sp.diags(1.0 / lengths) @ X)
        return X

    def query(self, texts: Iterable[str], k: int = 10, **kwargs: Any) -> TopK:
        """Find each text's k most similar archived articles.

        The texts are transformed by the archive's vectorizer; the keyword arguments are
        :meth:`newsim.SimilarityIndex.query`'s (``dates=``, ``window=``, ...).

        See Also
        --------
        newsim.SimilarityIndex.query : The same for vectors.
        """
        return self.index.query(self._transform(list(texts)), k, **kwargs)

    def query_pairs(self, texts: Iterable[str], threshold: float = 0.8, **kwargs: Any) -> Any:
        """Find every (text, archived article) pair with score >= threshold.

        See :meth:`SimilarityIndex.query_pairs`.

        See Also
        --------
        newsim.SimilarityIndex.query_pairs : The same for vectors.
        """
        return self.index.query_pairs(self._transform(list(texts)), threshold, **kwargs)

    def _state_arrays(self) -> Optional[dict[str, np.ndarray]]:
        """Return what the archive keeps beside its index and model (None: no tolerance).

        The tolerance, each row's idf version (rows as the compacted index holds them) and the
        versions, and with raw counts the counts, the index's columns and the splits checked.
        """
        if self.tolerance is None:
            return None
        arrays: dict[str, np.ndarray] = {"tolerance": np.asarray(self.tolerance, np.float64)}
        sizes = [v.size for v in self._idfs]
        arrays["row_version"] = self._version
        arrays["version_offsets"] = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        arrays["version_idfs"] = np.concatenate([np.zeros(0), *self._idfs])
        arrays["version_seen"] = np.concatenate([np.zeros(0, bool), *self._seen])
        clear_sizes = [c.size for c in self._clear]
        arrays["clear_offsets"] = np.concatenate([[0], np.cumsum(clear_sizes)]).astype(np.int64)
        arrays["version_clear"] = np.concatenate([np.zeros(0, bool), *self._clear])
        if self._raw is not None:
            assert self._columns is not None
            arrays.update(self._raw.compacted())
            arrays["column_keys"] = self._columns.keys
            if self._raw.split_keys is not None and self._raw.changed_at is not None:
                arrays["split_keys"] = self._raw.split_keys
                arrays["changed_at"] = self._raw.changed_at
        return arrays

    def _archive_data(self) -> Optional[bytes]:
        """Return the file's archive-data section (see :meth:`_state_arrays`), or None."""
        arrays = self._state_arrays()
        if arrays is None:
            return None
        buf = io.BytesIO()
        np.savez(buf, **cast(dict[str, Any], arrays))
        return buf.getvalue()

    def save(self, path: Union[str, os.PathLike[str]]) -> None:
        """Save the archive: the index file with the vectorizer's model in it.

        Written atomically, as :meth:`SimilarityIndex.save`; ``SimilarityIndex.load`` opens
        the file too (without the vectorizer). The tolerance, the idf each row was weighted
        with and (for a learned vocabulary) the raw counts are saved with them: a loaded
        archive goes on where this one stands, nothing is re-weighted to save it.

        See Also
        --------
        newsim.Archive.load : Open a saved archive.
        """
        state = self.index._compacted()
        model = self.vectorizer._model_bytes()
        state.main.save(
            _path(path), model=model, archive=self._archive_data(), **self.index._labels(state)
        )

    @classmethod
    def load(
        cls,
        path: Union[str, os.PathLike[str]],
        *,
        mmap: bool = True,
        n_jobs: Optional[int] = None,
        tolerance: Union[float, str, None] = "saved",
    ) -> Archive:
        """Open an archive saved with :meth:`save`.

        The index is mapped and checked as by :meth:`SimilarityIndex.load`; the raw counts are
        checked before use.

        Parameters
        ----------
        path : str or path-like
            The file.
        mmap : bool, default=True
            Map the index rather than read it.
        n_jobs : int or None, default=None
            Threads of the index.
        tolerance : float, None or "saved", default="saved"
            The tolerance saved with the archive, or another.

        Raises
        ------
        ModelFormatError
            If the file is damaged, not an index file, or an index file without a vectorizer
            (saved by :meth:`SimilarityIndex.save`: open it with ``SimilarityIndex.load``).

        See Also
        --------
        newsim.Archive.save : Write an archive to a file.
        """
        index = SimilarityIndex.load(path, mmap=mmap, n_jobs=n_jobs)
        where = f"the archive {os.fspath(path)!r}"
        model = index._state.main.model
        if model is None:
            raise _core.ModelFormatError(
                f"{os.fspath(path)!r} is an index file without a vectorizer (saved by "
                "SimilarityIndex.save): open it with newsim.SimilarityIndex.load, or save an "
                "Archive"
            )
        vectorizer = _PersistenceMixin._from_model_bytes(model, f"the model in {os.fspath(path)!r}")
        data = index._state.main.archive
        arrays = _read_archive_data(data, where) if data is not None else None
        saved = float(arrays["tolerance"]) if arrays is not None else None
        chosen = saved if tolerance == "saved" else tolerance
        raw = None
        if arrays is not None and chosen is not None:
            _check_saved(arrays, index, vectorizer, where)
            if "term_keys" in arrays:
                try:
                    raw = _RawStore.from_arrays(arrays)
                except ValueError as exc:
                    raise _core.ModelFormatError(
                        f"{where}: the archive's raw counts are damaged ({exc})"
                    ) from exc
        if chosen is not None and raw is None and _learned(vectorizer):
            raise ValueError(
                f"{where} was saved without a tolerance, so without its articles' raw counts: "
                "its rows cannot be re-weighted; load it with tolerance=None"
            )
        return cls(
            vectorizer,
            index,
            tolerance=cast(Optional[float], chosen),
            _raw=raw,
            _saved=arrays if chosen is not None and arrays is not None else None,
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # The index ships its compacted rows, the saved state its rows in the same order.
        return (_archive_from, (self.vectorizer, self.index, self.tolerance, self._state_arrays()))


def _archive_from(
    vectorizer: Any,
    index: SimilarityIndex,
    tolerance: Optional[float],
    saved: Optional[dict[str, np.ndarray]] = None,
) -> Archive:
    """Unpickle an archive."""
    store = _RawStore.from_arrays(saved) if saved is not None and "term_keys" in saved else None
    return Archive(vectorizer, index, tolerance=tolerance, _raw=store, _saved=saved)


def _n_features(vectorizer: Any) -> int:
    if hasattr(vectorizer, "get_feature_names_out"):
        return len(vectorizer.get_feature_names_out())
    return int(vectorizer.n_features)


def _learned(vectorizer: Any) -> bool:
    """Whether the vectorizer learns its vocabulary (its columns move as the corpus grows)."""
    options = vectorizer._fitted_core().options()
    return options.get("n_features") is None and options.get("vocabulary") is None


def _prunes(vectorizer: Any) -> bool:
    """Whether the vocabulary is pruned (a term may enter it without new articles of its own)."""
    options = vectorizer._fitted_core().options()
    pairs = tuple(options.get("ngram_range", (1, 1)))[1] > 1
    return bool(
        options.get("min_df", 1) > 1
        or options.get("max_df", 1.0) < 1.0
        or options.get("max_features") is not None
        or (pairs and options.get("ngram_min_df", 1) > 1)
    )


def _reweightable(vectorizer: Any) -> bool:
    try:
        _check_tolerance(0.0, vectorizer, raw=True)
    except ValueError:
        return False
    return True


def _count_raw(vectorizer: Any, texts: list[str]) -> dict[str, np.ndarray]:
    """Return the texts' raw counts, analyzed as the vectorizer's transform analyzes them."""
    core = vectorizer._fitted_core()
    counts: dict[str, np.ndarray] = vectorizer._run("count_raw", core, vectorizer._documents(texts))
    return counts


def _capacity(n_features: int) -> int:
    """Return the width of an index whose vocabulary grows: room for half as many terms again."""
    return n_features + max(n_features // 2, 1024)


def _widened(X: sp.csr_matrix) -> sp.csr_matrix:
    """Return X with room for new columns at the end."""
    return sp.csr_matrix((X.data, X.indices, X.indptr), shape=(X.shape[0], _capacity(X.shape[1])))


def _compact(ids: np.ndarray, n_ids: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct ids (increasing) and each id's position among them (no sort)."""
    mark = np.zeros(n_ids, dtype=bool)
    mark[ids] = True
    distinct = np.flatnonzero(mark)
    position = np.cumsum(mark, dtype=np.int64) - 1
    return distinct, position[ids]


def _in_columns(X: sp.csr_matrix, columns: np.ndarray, width: int) -> sp.csr_matrix:
    """Return X's entries moved to the given columns (dropped where -1), sorted within rows."""
    cols = columns[X.indices]
    keep = (cols >= 0) & (cols < width)
    kept = np.concatenate([[0], np.cumsum(keep)])
    Y = sp.csr_matrix((X.data[keep], cols[keep], kept[X.indptr]), shape=(X.shape[0], width))
    Y.sort_indices()
    return Y


def _check_raw(arrays: dict[str, np.ndarray], n_rows: int, where: str) -> None:
    """Check an archive's stored raw counts before any of them is used."""

    def bad(what: str) -> None:
        raise _core.ModelFormatError(f"{where}: the archive's raw counts are damaged ({what})")

    if arrays["doc_len"].size != n_rows:
        bad(f"{arrays['doc_len'].size} articles, the index has {n_rows}")
    for prefix, table in (("term", "term_keys"), ("candidate", "candidate_keys")):
        ptr, ids = arrays[f"{prefix}_ptr"], arrays[f"{prefix}_ids"]
        if ptr.size != n_rows + 1 or ptr[0] != 0 or ptr[-1] != ids.size:
            bad(f"{prefix}_ptr does not span {prefix}_ids")
        if np.any(np.diff(ptr) < 0):
            bad(f"{prefix}_ptr decreases")
        if ids.size != arrays[f"{prefix}_counts"].size:
            bad(f"{prefix}_ids and {prefix}_counts differ in size")
        if ids.size and int(ids.max()) >= arrays[table].size:
            bad(f"{prefix}_ids out of range")
        if ids.size and int(arrays[f"{prefix}_counts"].min()) <= 0:
            bad(f"{prefix}_counts has a zero")
    off = arrays["candidate_offsets"]
    if (
        off.size != arrays["candidate_keys"].size + 1
        or off[0] != 0
        or off[-1] != arrays["candidate_bytes"].size
        or np.any(np.diff(off) < 0)
    ):
        bad("candidate_offsets do not span candidate_bytes")


def _check_saved(
    arrays: dict[str, np.ndarray], index: SimilarityIndex, vectorizer: Any, where: str
) -> None:
    """Check an archive's saved state (versions, raw counts, columns) before any is used."""

    def bad(what: str) -> None:
        raise _core.ModelFormatError(f"{where}: the archive's data is damaged ({what})")

    n_rows = index.n_articles
    off, coff = arrays["version_offsets"], arrays["clear_offsets"]
    n_versions = off.size - 1
    for name, o, values in (
        ("version_offsets", off, ("version_idfs", "version_seen")),
        ("clear_offsets", coff, ("version_clear",)),
    ):
        if o.size != n_versions + 1 or o.size < 2 or o[0] != 0 or np.any(np.diff(o) < 0):
            bad(f"{name} are not offsets of {n_versions} versions")
        for v in values:
            if arrays[v].size != o[-1]:
                bad(f"{v} has {arrays[v].size} values, {name} say {o[-1]}")
    rows = arrays["row_version"]
    if rows.size != n_rows or (rows.size and (rows.min() < 0 or rows.max() >= n_versions)):
        bad(f"row_version does not give each of the {n_rows} articles a version")
    width = index.n_features if "term_keys" not in arrays else arrays["column_keys"].size
    if np.diff(off).max(initial=0) > width or np.diff(coff).max(initial=0) > index.n_features:
        bad("a version has more columns than the index")
    if "term_keys" in arrays:
        _check_raw(arrays, n_rows, where)
        keys = arrays["column_keys"]
        if keys.size > index.n_features:
            bad(f"{keys.size} column keys for an index of {index.n_features} columns")
        table = _KeyTable(keys) if np.unique(keys).size == keys.size else None
        if table is None:
            bad("column_keys repeats a key")
        elif np.any(table.find(vectorizer._fitted_core().vocabulary_keys()) < 0):
            bad("a term of the vocabulary has no column")
        if "split_keys" in arrays:
            n_cand = arrays["candidate_keys"].size
            changed = arrays["changed_at"]
            if arrays["split_keys"].size != n_cand or changed.size != n_cand:
                bad(f"split_keys or changed_at do not cover the {n_cand} compound candidates")
            if changed.size and (changed.min() < 0 or changed.max() >= n_versions):
                bad("changed_at names a version the archive does not have")


def _check_tolerance(tolerance: Any, vectorizer: Any, *, raw: bool = False) -> Optional[float]:
    """Return the tolerance, refused for a vectorizer whose rows cannot be re-weighted.

    ``raw``: the archive has (or will keep) its articles' raw counts, as a learned vocabulary
    needs.
    """
    if tolerance is None:
        return None
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)):
        raise TypeError(
            f"tolerance must be a number, 'auto' or None, got {type(tolerance).__name__}"
        )
    if not tolerance >= 0:
        raise ValueError(f"tolerance must be >= 0, got {tolerance!r}")
    options = vectorizer._fitted_core().options()
    if not (options.get("use_idf") and options.get("weighting") == "tfidf"):
        raise ValueError(
            "re-weighting (tolerance=) needs tf x idf weights: weighting='tfidf' and "
            "use_idf=True; leave tolerance=None (the weights stay those of the fit)"
        )
    if _learned(vectorizer):
        if not raw:
            raise ValueError(
                "re-weighting a learned vocabulary needs the articles' raw counts, which "
                "Archive.build keeps: build the archive from the texts with Archive.build, or "
                "leave tolerance=None (the idf stays that of the fit)"
            )
        return float(tolerance)
    # A fixed vocabulary normalized to the analyzer's terms picks entry or alias per column from
    # the corpus statistics, which change as the corpus grows: only a verbatim one stays put.
    stable = options.get("n_features") is not None or (
        not options.get("normalize_vocabulary") and not options.get("decompound")
    )
    if not stable:
        raise ValueError(
            "re-weighting (tolerance=) a fixed vocabulary needs it taken verbatim "
            "(normalize_vocabulary=False) and without decompound: the columns must stay the "
            "same as the corpus grows; leave tolerance=None (the idf stays that of the fit)"
        )
    return float(tolerance)
