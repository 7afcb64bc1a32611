"""The vectorizers' input: documents read whole or in chunks, and run through the core."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from typing import Any, Callable, ClassVar, Optional, Protocol, Union

import scipy.sparse as sp

from . import _core
from ._jobs import resolve_n_jobs
from ._progress import text_progress

_CHUNK_DOCUMENTS = 20_000
_CHUNK_CHARS = 32 * 1024 * 1024


class _Translating(Protocol):
    """What input handling needs of the parameters' translation (``_params``)."""

    def _param(self, name: str) -> Any: ...

    def _python_analyzer(self) -> Optional[Callable[[str], list[str]]]: ...


class _InputMixin:
    """Reading the documents (content or files) and running them through the core.

    Methods that need the parameters take ``self`` as a :class:`_Translating`.
    """

    #: Refuse a table (a DataFrame, a 2-D array), whose iteration gives its column names or
    #: rows rather than texts; the scikit-learn drop-ins take it as scikit-learn does.
    _refuse_tables: ClassVar[bool] = False
    #: Take a str that a callable analyzer returns as its characters, the terms scikit-learn
    #: counts (it iterates what the analyzer returns); newsim's own classes refuse it.
    _analyzer_may_return_str: ClassVar[bool] = False
    #: Refuse a NaN document with scikit-learn's ValueError (which is also the TypeError that
    #: newsim's classes raise for a document that is not a str).
    _nan_as_sklearn: ClassVar[bool] = False

    def _documents(self: _Translating, raw_documents: Any) -> list[str]:
        if isinstance(raw_documents, (str, bytes)):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        if getattr(type(self), "_refuse_tables", False) and getattr(raw_documents, "ndim", 1) == 2:
            _refuse_table(raw_documents)
        try:
            docs = raw_documents if isinstance(raw_documents, list) else list(raw_documents)
        except TypeError as exc:
            raise TypeError(
                f"raw_documents must be an iterable of str, got {type(raw_documents).__name__}"
            ) from exc
        source = self._param("input")
        if source == "content":
            return docs
        if source not in ("filename", "file"):
            raise ValueError(f"input must be 'content', 'filename' or 'file', got {source!r}")
        texts: list[str] = []
        for i, item in enumerate(docs):
            raw: Union[str, bytes]
            if source == "filename":
                with open(item, "rb") as fh:
                    raw = fh.read()
            else:
                raw = item.read()
            if isinstance(raw, bytes):
                try:
                    raw = raw.decode(self._param("encoding"), self._param("decode_error"))
                except UnicodeDecodeError as exc:
                    raise ValueError(
                        f"document {i} ({item!r}) is not valid {self._param('encoding')}: {exc}"
                    ) from exc
            texts.append(raw)
        return texts

    def _run(
        self: _Translating,
        method: str,
        core: _core.Vectorizer,
        docs: list[str],
        first_document: int = 0,
    ) -> Any:
        try:
            return _InputMixin._run_core(self, method, core, docs, first_document)
        except TypeError as exc:
            if getattr(type(self), "_nan_as_sklearn", False) and _NAN_DOCUMENT.search(str(exc)):
                raise MissingDocumentError(
                    f"np.nan is an invalid document, expected byte or unicode string. {exc}"
                ) from exc
            raise

    def _run_core(
        self: _Translating,
        method: str,
        core: _core.Vectorizer,
        docs: list[str],
        first_document: int = 0,
    ) -> Any:
        n_jobs = resolve_n_jobs(self._param("n_jobs"))
        analyze = self._python_analyzer()
        payload: Any = docs
        if analyze is not None:
            refused: tuple[type, ...] = (bytes,)
            if not getattr(type(self), "_analyzer_may_return_str", False):
                refused = (str, bytes)
            payload = []
            for i, d in enumerate(docs):
                if not isinstance(d, str):
                    raise TypeError(
                        f"documents[{first_document + i}] is {_describe(d)}, expected str"
                        f"{_fix_for(d)}"
                    )
                terms = analyze(d)
                if isinstance(terms, refused) or not isinstance(terms, Iterable):
                    raise TypeError(
                        f"the analyzer returned {_describe(terms)} for "
                        f"documents[{first_document + i}]; expected an iterable of str"
                    )
                payload.append(list(terms))
        progress = text_progress(self._param("progress"), method, docs, n_jobs)
        try:
            kwargs: dict[str, Any] = {"first_document": first_document} if first_document else {}
            return getattr(core, method)(
                payload, n_jobs=n_jobs, analyzed=analyze is not None, progress=progress, **kwargs
            )
        finally:
            if progress is not None:
                progress.close()

    def _matrix(self, parts: tuple[Any, Any, Any, tuple[int, int]]) -> sp.csr_matrix:
        data, indices, indptr, shape = parts
        X = sp.csr_matrix((data, indices, indptr), shape=shape, copy=False)
        X.has_sorted_indices = True
        return X


_NAN_DOCUMENT = re.compile(r"documents\[\d+\] is float \(nan\)")


class MissingDocumentError(TypeError, ValueError):
    """A NaN document (a missing text) given to a scikit-learn drop-in.

    scikit-learn raises ValueError for it, newsim TypeError for any document that is not a
    str; this is both.
    """


def _refuse_table(table: Any) -> None:
    """Raise a TypeError that says how to pass the texts of a table."""
    columns = getattr(table, "columns", None)
    if columns is not None:
        names = [str(c) for c in list(columns)[:6]]
        example = "text" if "text" in names else (names[0] if names else "text")
        raise TypeError(
            f"documents is a table with the columns {names}: pass its column of texts, "
            f"e.g. df[{example!r}] (iterating a DataFrame gives its column names)"
        )
    raise TypeError(
        f"documents is a 2-D array of shape {tuple(table.shape)}: pass a 1-D sequence of "
        "texts, e.g. one column of it"
    )


def _is_stream(raw_documents: Any) -> bool:
    """Tell iterables that are not sized sequences (generators, files, iterators)."""
    return not isinstance(raw_documents, (str, bytes)) and not hasattr(raw_documents, "__len__")


def _chunks(iterator: Iterator[Any]) -> Iterator[list[Any]]:
    """Consecutive lists of at most 20,000 items or about 32 M characters of text."""
    chunk: list[Any] = []
    chars = 0
    for item in iterator:
        chunk.append(item)
        if isinstance(item, str):
            chars += len(item)
        if len(chunk) >= _CHUNK_DOCUMENTS or chars >= _CHUNK_CHARS:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def _check_encodable(text: str, what: str) -> None:
    """Reject a lone surrogate (it has no UTF-8 form) with the position named."""
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"{what} contains a lone surrogate U+{ord(text[exc.start]):04X} at character "
            f"{exc.start}"
        ) from exc


def _fix_for(item: Any) -> str:
    """Return the fix for a document that is not a str, as the core words it (or nothing)."""
    if isinstance(item, (bytes, bytearray)):
        return "; decode bytes first, e.g. doc.decode('utf-8')"
    if item is None or (isinstance(item, float) and math.isnan(item)):
        return "; a missing text: fill the gaps first, e.g. df['text'].fillna('')"
    return ""


def _describe(item: Any) -> str:
    if item is None:
        return "None"
    if isinstance(item, (int, float)):
        return f"{type(item).__name__} ({item!r})"
    return type(item).__name__


def refuse_unordered(values: Any, name: str, what: str) -> None:
    """Raise TypeError for a bare str or bytes, or an unordered container, given as ``name``."""
    if isinstance(values, (str, bytes)):
        raise TypeError(
            f"{name} must be a sequence of {what}, one per article, got a bare "
            f"{type(values).__name__}"
        )
    if isinstance(values, (set, frozenset, dict)):
        raise TypeError(
            f"{name} must be a sequence in row order, got an unordered {type(values).__name__}"
        )


def one_per_article(values: Any, n: Optional[int], name: str, what: str) -> list[Any]:
    """Return ``values`` as a list, one per article (``n`` of them unless None), or raise.

    TypeError for a bare str, an unordered container or a non-iterable; ValueError naming
    both lengths when there are not ``n``.
    """
    refuse_unordered(values, name, what)
    try:
        items = list(values)
    except TypeError:
        raise TypeError(
            f"{name} must be a sequence of {what}, one per article, got {type(values).__name__}"
        ) from None
    if n is not None and len(items) != n:
        raise ValueError(f"{name} has {len(items)} entries for {n} articles; pass one per article")
    return items
