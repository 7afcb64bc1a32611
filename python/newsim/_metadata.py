"""The articles' dates and sources: checked from what users pass, kept per row of an index.

An index built with ``dates=`` or ``sources=`` keeps them beside its ids (:class:`ArticleMeta`,
per slot like the ids), in its file and through :meth:`~newsim.SimilarityIndex.add` and
:meth:`~newsim.SimilarityIndex.remove`; ``top_k`` and ``pairs`` take a ``window`` over the dates
and ``exclude_same_source``, which the core applies while it scores (see
``SimilarityIndex::top_k(..., ArticleFilter)``).
"""

from __future__ import annotations

import datetime as _dt
from numbers import Real
from typing import Any, Optional

import numpy as np

from ._input import one_per_article, refuse_unordered


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(value is pd.NaT or (isinstance(value, float) and np.isnan(value)))
    except ImportError:  # pragma: no cover - pandas is a dependency of dates=
        return isinstance(value, float) and bool(np.isnan(value))


def check_dates(dates: Any, n: int) -> tuple[np.ndarray, bool]:
    """Return ``dates=`` as int64 nanoseconds since the epoch (UTC when aware) and awareness.

    Accepts datetime64 arrays, pandas datetime Series/Index (fast paths), and sequences of
    ``datetime``, ``date``, ``pandas.Timestamp``, ``numpy.datetime64`` or ISO 8601 strings.
    Every date is required; aware and naive dates cannot be mixed.
    """
    import pandas as pd

    refuse_unordered(dates, "dates", "dates")
    kind = getattr(dates, "dtype", None)
    if kind is not None and (
        isinstance(kind, pd.DatetimeTZDtype) or (isinstance(kind, np.dtype) and kind.kind == "M")
    ):
        values = pd.DatetimeIndex(dates)
        if values.shape[0] != n:
            raise ValueError(
                f"dates has {values.shape[0]} entries for {n} articles; pass one per article"
            )
        missing = np.flatnonzero(values.isna())
        if missing.size:
            raise ValueError(
                f"dates[{int(missing[0])}] is missing (NaT); every article needs a date"
            )
        aware = values.tz is not None
        if aware:
            values = values.tz_convert("UTC").tz_localize(None)
        return values.as_unit("ns").asi8.astype(np.int64), aware
    items = one_per_article(dates, n, "dates", "dates")
    out = np.empty(n, dtype=np.int64)
    first_aware: Optional[tuple[int, bool]] = None
    for p, value in enumerate(items):
        if _is_missing(value):
            raise ValueError(f"dates[{p}] is missing ({value!r}); every article needs a date")
        if isinstance(value, (bool, np.bool_, Real)) and not isinstance(value, np.datetime64):
            raise TypeError(
                f"dates[{p}] is {value} ({type(value).__name__}), not a date; convert numbers "
                "first, e.g. pd.to_datetime(values, unit='ms') for milliseconds since 1970"
            )
        if not isinstance(value, (str, _dt.date, np.datetime64)):
            raise TypeError(
                f"dates[{p}] is {value!r} ({type(value).__name__}): dates must be datetimes, "
                "dates, numpy.datetime64 or ISO 8601 strings"
            )
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, OverflowError) as exc:
            raise ValueError(
                f"dates[{p}] is {value!r}, which does not parse as a date: {exc}"
            ) from None
        if stamp is pd.NaT:
            raise ValueError(f"dates[{p}] is missing ({value!r}); every article needs a date")
        aware = stamp.tzinfo is not None
        if first_aware is None:
            first_aware = (p, aware)
        elif aware != first_aware[1]:
            q = first_aware[0]
            which = {True: "time-zone aware", False: "naive (no time zone)"}
            raise ValueError(
                f"dates mixes time-zone aware and naive dates: dates[{q}] ({items[q]!r}) is "
                f"{which[first_aware[1]]}, dates[{p}] ({value!r}) is {which[aware]}; give every "
                "date a time zone or none"
            )
        if aware:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        out[p] = stamp.as_unit("ns").value
    return out, bool(first_aware is not None and first_aware[1])


def check_sources(sources: Any, n: int) -> np.ndarray:
    """Return ``sources=`` as an object array of str or None (missing), one per article."""
    items = one_per_article(sources, n, "sources", "str")
    out = np.empty(n, dtype=object)
    for p, value in enumerate(items):
        if _is_missing(value):
            continue  # unknown source: not counted
        if not isinstance(value, str):
            raise TypeError(
                f"sources[{p}] is {value!r} ({type(value).__name__}): sources must be str "
                "(None for unknown)"
            )
        out[p] = value
    return out


def check_window(window: Any) -> int:
    """Return ``window=`` as int64 nanoseconds.

    A duration: a pandas offset string (``"3D"``, ``"12h"``, ``"90min"``), a
    ``datetime.timedelta``, a ``numpy.timedelta64`` or a ``pandas.Timedelta``. A plain number
    is refused (its unit would be a guess); whether it is >= 0 is checked by the core.
    """
    import pandas as pd

    if isinstance(window, (bool, np.bool_)) or (
        isinstance(window, Real) and not isinstance(window, np.timedelta64)
    ):
        raise TypeError(
            f"window={window!r} is a number, not a duration; pass e.g. window='3D', '12h' or "
            "datetime.timedelta(days=3)"
        )
    if not isinstance(window, (str, _dt.timedelta, np.timedelta64)):
        raise TypeError(
            f"window={window!r} ({type(window).__name__}) is not a duration; pass e.g. "
            "window='3D', '12h' or datetime.timedelta(days=3)"
        )
    try:
        value = pd.Timedelta(window)
    except (ValueError, OverflowError) as exc:
        raise ValueError(
            f"window={window!r} does not parse as a duration ({exc}); pass e.g. '3D', '12h' "
            "or '90min'"
        ) from None
    if value is pd.NaT:
        raise ValueError(f"window={window!r} is not a duration (NaT); pass e.g. '3D'")
    return int(value.value)


def check_exclusion(exclude_same_source: Any) -> bool:
    """Return ``exclude_same_source=`` as a bool, or raise (a flag, not anything truthy)."""
    if not isinstance(exclude_same_source, (bool, np.bool_)):
        raise TypeError(f"exclude_same_source must be True or False, got {exclude_same_source!r}")
    return bool(exclude_same_source)


def source_codes(names: tuple[str, ...], sources: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Return each source's code in ``names`` (-1: unknown) and the names it adds.

    ``sources`` is :func:`check_sources`' result. A name not in ``names`` gets the next code
    (``len(names)``, then on, in order of first appearance): it matches no code of ``names``.
    """
    code_of = {name: c for c, name in enumerate(names)}
    added: list[str] = []
    codes = np.full(sources.shape[0], -1, dtype=np.int32)
    for p, name in enumerate(sources.tolist()):
        if name is None:
            continue
        c = code_of.get(name)
        if c is None:
            c = code_of[name] = len(names) + len(added)
            added.append(name)
        codes[p] = c
    return codes, tuple(added)


class ArticleMeta:
    """The dates and sources of an index's slots (each None where the index has none).

    ``dates`` are int64 nanoseconds since the epoch (UTC when ``aware``); ``codes`` are int32
    indices into ``names`` (-1: unknown source), the distinct sources in order of first
    appearance. Never changed once made: :meth:`take` and :meth:`extended` return new ones.
    """

    __slots__ = ("aware", "codes", "dates", "names")

    def __init__(
        self,
        dates: Optional[np.ndarray],
        aware: bool,
        codes: Optional[np.ndarray],
        names: tuple[str, ...],
    ) -> None:
        self.dates = dates
        self.aware = aware
        self.codes = codes
        self.names = names

    @classmethod
    def checked(cls, dates: Any, sources: Any, n: int) -> Optional[ArticleMeta]:
        """Return the metadata of ``n`` articles from ``dates=`` and ``sources=`` (checked)."""
        if dates is None and sources is None:
            return None
        return cls(None, False, None, ()).extended(dates, sources, n, first=True)

    @staticmethod
    def after_add(
        meta: Optional[ArticleMeta], dates: Any, sources: Any, n: int
    ) -> Optional[ArticleMeta]:
        """Return an index's metadata (None: it has none) after adding ``n`` articles."""
        if meta is None:
            ArticleMeta(None, False, None, ())._check_kinds(dates, sources)
            return None
        return meta.extended(dates, sources, n)

    def _check_kinds(self, dates: Any, sources: Any) -> None:
        """Raise unless new articles come with exactly the kinds of metadata the index has."""
        for name, given, has in (
            ("dates", dates, self.dates is not None),
            ("sources", sources, self.codes is not None),
        ):
            if has and given is None:
                raise TypeError(f"this index has {name}: pass {name}= with one per new article")
            if not has and given is not None:
                raise TypeError(
                    f"this index has no {name}: build it with {name}= to keep them, or add "
                    f"without {name}="
                )

    @classmethod
    def from_core(cls, core: Any) -> Optional[ArticleMeta]:
        """Return the metadata a loaded core index stores, or None."""
        dates, codes = core.dates, core.source_codes
        if dates is None and codes is None:
            return None
        names = () if codes is None else tuple(core.source_names.tolist())
        return cls(dates, bool(core.dates_aware), codes, names)

    def take(self, slots: np.ndarray) -> ArticleMeta:
        """Return the metadata of these slots, in this order."""
        return ArticleMeta(
            None if self.dates is None else self.dates[slots],
            self.aware,
            None if self.codes is None else self.codes[slots],
            self.names,
        )

    def extended(self, dates: Any, sources: Any, n: int, *, first: bool = False) -> ArticleMeta:
        """Return the metadata after adding ``n`` articles with these dates and sources.

        An index with dates needs dates for new articles (of the same kind: time-zone aware or
        naive), one without refuses them; the same for sources.
        """
        if not first:
            self._check_kinds(dates, sources)
        new_dates = self.dates
        aware = self.aware
        if dates is not None:
            values, aware = check_dates(dates, n)
            if not first and n and aware != self.aware and self.dates is not None:
                kinds = {True: "time-zone aware", False: "naive (no time zone)"}
                raise ValueError(
                    f"this index's dates are {kinds[self.aware]}, the new dates are "
                    f"{kinds[aware]}; give them the same kind"
                )
            if not first and n == 0:
                aware = self.aware
            new_dates = values if self.dates is None else np.concatenate([self.dates, values])
            new_dates.flags.writeable = False
        new_codes = self.codes
        names = self.names
        if sources is not None:
            codes, added = source_codes(names, check_sources(sources, n))
            names = names + added
            new_codes = codes if self.codes is None else np.concatenate([self.codes, codes])
            new_codes.flags.writeable = False
        return ArticleMeta(new_dates, aware, new_codes, names)

    def dates_out(self) -> Optional[np.ndarray]:
        """Return the dates as datetime64[ns] (UTC when aware), read-only, or None."""
        if self.dates is None:
            return None
        out = self.dates.view("datetime64[ns]")
        out.flags.writeable = False
        return out

    def sources_out(self) -> Optional[np.ndarray]:
        """Return the sources as an object array of str (None: unknown), or None."""
        if self.codes is None:
            return None
        table = np.empty(len(self.names) + 1, dtype=object)
        table[: len(self.names)] = self.names
        out: np.ndarray = table[self.codes]  # code -1: the last entry, None
        return out

    def file_labels(self) -> dict[str, Any]:
        """Return the keyword arguments of the core's save and to_bytes for this metadata."""
        return {
            "dates": self.dates,
            "dates_aware": self.aware,
            "source_codes": self.codes,
            "source_names": None if self.codes is None else list(self.names),
        }
