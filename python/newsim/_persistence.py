"""Persistence of the vectorizers: pickling, and newsim's versioned model files.

A pickle carries the core's versioned bytes, as a saved file does; the file adds the Python
parameters and the class that saved it, as JSON in the core's metadata.
"""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Mapping
from typing import Any, Optional, Protocol, Union

import numpy as np
from sklearn.base import BaseEstimator

from . import _core

_PARAMS_KEY = "newsim.TfidfVectorizer"


class _Fitted(Protocol):
    """What saving needs of the estimator: its parameters and its fitted core."""

    def get_params(self, deep: bool = True) -> dict[str, Any]: ...

    def _fitted_core(self) -> _core.Vectorizer: ...


class _PersistenceMixin:
    """Pickling (``__getstate__``/``__setstate__``), :meth:`save` and :meth:`load`."""

    # The estimator's cache of vocabulary_, which unpickling and load reset.
    #: (the core, its state generation, the vocabulary dict) of the last vocabulary_ access
    _vocabulary_cache: Optional[tuple[Any, int, dict[str, int]]]

    def __getstate__(self) -> dict[str, Any]:
        state = {k: v for k, v in self.__dict__.items() if k not in ("_core", "_vocabulary_cache")}
        core = self.__dict__.get("_core")
        state["_core_bytes"] = None if core is None else core.to_bytes()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        blob = state.pop("_core_bytes", None)
        core: Optional[_core.Vectorizer] = None
        if blob is not None:
            if not isinstance(blob, bytes):
                raise _core.ModelFormatError(
                    f"corrupted pickle: the model state is {type(blob).__name__}, expected bytes"
                )
            core = _core.Vectorizer.from_bytes(blob)
        state = {**_added_params(type(self), state, core), **state}
        self.__dict__.update(state)
        if core is not None:
            self._core = core
            self._vocabulary_cache = None

    def save(self: _Fitted, path: Union[str, os.PathLike[str]]) -> None:
        """Save the fitted vectorizer to a file (newsim's versioned binary format).

        Parameters
        ----------
        path : str or path-like
            Destination file.

        See Also
        --------
        load : Read a model file.
        newsim.SimilarityIndex.save : Save an index.

        Examples
        --------
        >>> import os, tempfile
        >>> import newsim
        >>> sample = newsim.datasets.load_sample()
        >>> vec = newsim.TfidfVectorizer().fit(sample.texts)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = os.path.join(folder, "model.newsim")
        ...     vec.save(path)
        ...     loaded = newsim.TfidfVectorizer.load(path)
        >>> loaded.vocabulary_ == vec.vocabulary_, loaded.language_
        (True, 'de')
        """
        _write_atomically(os.fspath(path), _PersistenceMixin._model_bytes(self))

    def _model_bytes(self: _Fitted) -> bytes:
        """Return the model file's bytes (what :meth:`save` writes)."""
        core = self._fitted_core()
        params = self.get_params(deep=False)
        for name, value in params.items():
            if callable(value) and not isinstance(value, type):
                raise ValueError(
                    f"cannot save a vectorizer whose {name} is a Python callable; use pickle"
                )
        meta = {
            "class": type(self).__name__,
            "params": {k: _jsonable(k, v) for k, v in params.items()},
            "language_": getattr(self, "language_", None),
        }
        core.metadata = json.dumps({_PARAMS_KEY: meta})
        blob: bytes = core.to_bytes()
        return blob

    @classmethod
    def load(cls, path: Union[str, os.PathLike[str]]) -> Any:
        """Load a vectorizer saved with :meth:`save`.

        Parameters
        ----------
        path : str or path-like
            A file written by :meth:`save`.

        Returns
        -------
        TfidfVectorizer or SklearnTfidfVectorizer
            The fitted vectorizer, of the class that saved it.

        See Also
        --------
        save : Write a model file.
        newsim.SimilarityIndex.load : Load an index.
        newsim.ModelFormatError : Raised for a damaged or foreign file.

        Examples
        --------
        >>> import os, tempfile
        >>> import newsim
        >>> vec = newsim.SklearnTfidfVectorizer().fit(["the cat sat", "the dog sat"])
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = os.path.join(folder, "model.newsim")
        ...     vec.save(path)
        ...     loaded = newsim.TfidfVectorizer.load(path)  # the class that saved it
        >>> type(loaded).__name__, loaded.get_feature_names_out().tolist()
        ('SklearnTfidfVectorizer', ['cat', 'dog', 'sat', 'the'])
        """
        with open(path, "rb") as fh:
            blob = fh.read()
        return _PersistenceMixin._from_model_bytes(blob, repr(os.fspath(path)))

    @staticmethod
    def _from_model_bytes(blob: bytes, source: str) -> Any:
        """Return the vectorizer of a model file's bytes; ``source`` names them in errors."""
        core = _core.Vectorizer.from_bytes(blob)
        # Imported here: _vectorizer imports this module to compose _TfidfBase, and by the time a
        # model is loaded both are initialised. Naming the classes (rather than a registry
        # that subclasses join) keeps load to newsim's own: a user's subclass, even one named
        # TfidfVectorizer, cannot stand in for the class a model names.
        from ._vectorizer import (
            CountVectorizer,
            HashingVectorizer,
            SklearnCountVectorizer,
            SklearnTfidfVectorizer,
            TfidfVectorizer,
        )

        try:
            meta = json.loads(core.metadata)[_PARAMS_KEY]
            klass = {
                "TfidfVectorizer": TfidfVectorizer,
                "SklearnTfidfVectorizer": SklearnTfidfVectorizer,
                "HashingVectorizer": HashingVectorizer,
                "CountVectorizer": CountVectorizer,
                "SklearnCountVectorizer": SklearnCountVectorizer,
            }[meta["class"]]
            params = {k: _from_jsonable(k, v) for k, v in meta["params"].items()}
            params = {**_added_params(klass, params, core), **params}
        except (ValueError, KeyError, TypeError) as exc:
            raise _core.ModelFormatError(
                f"{source} is a newsim core model without vectorizer parameters"
            ) from exc
        try:
            est = klass(**params)
        except TypeError as exc:  # a parameter this version does not know
            raise _core.ModelFormatError(
                f"{source} holds {meta['class']} parameters this newsim does not "
                f"support ({exc}); it was probably saved by a newer newsim"
            ) from exc
        est.language_ = meta.get("language_")
        est._core = core
        est._vocabulary_cache = None
        est.fixed_vocabulary_ = params.get("vocabulary") is not None
        return est


def _added_params(
    klass: type[BaseEstimator], saved: Mapping[str, Any], core: Optional[_core.Vectorizer]
) -> dict[str, Any]:
    """Return the parameters of ``klass`` that ``saved`` lacks (added after it was written).

    Such a parameter takes the value of the core option of the same name stored with the model
    (every option is in the file, at its declared default when the file predates it), so that
    the parameters describe what the model does; without a core option of its name, or in an
    estimator pickled before it was fitted, it keeps the class default.
    """
    if core is None:  # not fitted: the parameter's default, as for a new estimator
        defaults = inspect.signature(klass.__init__).parameters
        return {k: defaults[k].default for k in klass._get_param_names() if k not in saved}
    options = core.options()
    return {k: options[k] for k in klass._get_param_names() if k not in saved and k in options}


def _jsonable(name: str, value: Any) -> Any:
    if name == "dtype":
        return np.dtype(value).name
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (frozenset, set)):
        return sorted(value)
    return value


def _from_jsonable(name: str, value: Any) -> Any:
    if name == "dtype":
        return np.dtype(value).type
    if name == "ngram_range" and isinstance(value, list):
        return tuple(value)
    return value


def _write_atomically(path: str, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``.

    The core's writer, which writes index files too: the temporary file is unique to the call
    (two threads or processes saving to one path cannot share it), created 0666 under the
    process's umask as any new file, and on disk (fsync) before the rename, so ``path`` always
    holds one whole file: an interrupted save (Ctrl-C, a full disk) leaves any earlier file
    intact, and of concurrent saves the last rename wins.
    """
    _core.write_file(path, data)
