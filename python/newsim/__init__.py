"""newsim: fast, Unicode-correct TF-IDF and article similarity.

A C++ core (ICU for text, Eigen for sparse algebra) under a scikit-learn shaped API.

``import newsim`` is cheap: the compiled core is loaded at once (so a broken build fails
here), but the Python layers, and with them NumPy, SciPy and scikit-learn, are imported the
first time one of their names is used (PEP 562). The submodules :mod:`newsim.datasets`,
``newsim.plot`` and ``newsim.dask`` are loaded the same way, on first attribute access.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The compiled core: a few milliseconds, and it imports neither NumPy nor SciPy. Importing it
# here keeps `import newsim` failing loudly when the extension is missing or cannot load ICU.
# Its __version__ is pyproject.toml's, compiled in by CMakeLists.txt: the one place it is written.
from ._core import ModelFormatError, __version__

if TYPE_CHECKING:
    from . import datasets as datasets
    from ._archive import Archive as Archive
    from ._blocks import BlockPlan as BlockPlan
    from ._blocks import blockwise_query as blockwise_query
    from ._blocks import blockwise_top_k as blockwise_top_k
    from ._blocks import merge_top_k as merge_top_k
    from ._blocks import plan_blocks as plan_blocks
    from ._similarity import Explanation as Explanation
    from ._similarity import Keywords as Keywords
    from ._similarity import Pairs as Pairs
    from ._similarity import SimilarityIndex as SimilarityIndex
    from ._similarity import TopK as TopK
    from ._stopwords import stop_word_list as stop_word_list
    from ._syndication import Passage as Passage
    from ._syndication import Passages as Passages
    from ._syndication import Syndication as Syndication
    from ._syndication import containment as containment
    from ._syndication import dedup as dedup
    from ._syndication import shared_passages as shared_passages
    from ._tracker import StoryTracker as StoryTracker
    from ._vectorizer import CountVectorizer as CountVectorizer
    from ._vectorizer import HashingVectorizer as HashingVectorizer
    from ._vectorizer import SklearnCountVectorizer as SklearnCountVectorizer
    from ._vectorizer import SklearnTfidfVectorizer as SklearnTfidfVectorizer
    from ._vectorizer import TfidfVectorizer as TfidfVectorizer

__all__ = [
    "Archive",
    "BlockPlan",
    "CountVectorizer",
    "Explanation",
    "HashingVectorizer",
    "Keywords",
    "ModelFormatError",
    "Pairs",
    "Passage",
    "Passages",
    "SimilarityIndex",
    "SklearnCountVectorizer",
    "SklearnTfidfVectorizer",
    "Stories",
    "StoryTracker",
    "Syndication",
    "TfidfVectorizer",
    "TopK",
    "__version__",
    "blockwise_query",
    "blockwise_top_k",
    "containment",
    "datasets",
    "dedup",
    "merge_top_k",
    "plan_blocks",
    "shared_passages",
    "stop_word_list",
]

#: Public name -> the private module that defines it, imported on first access.
_LAZY_ATTRIBUTES = {
    "Archive": "._archive",
    "BlockPlan": "._blocks",
    "blockwise_query": "._blocks",
    "blockwise_top_k": "._blocks",
    "merge_top_k": "._blocks",
    "plan_blocks": "._blocks",
    "Explanation": "._similarity",
    "Keywords": "._similarity",
    "Pairs": "._similarity",
    "SimilarityIndex": "._similarity",
    "TopK": "._similarity",
    "Stories": "._stories",
    "stop_word_list": "._stopwords",
    "Passage": "._syndication",
    "Passages": "._syndication",
    "Syndication": "._syndication",
    "containment": "._syndication",
    "dedup": "._syndication",
    "shared_passages": "._syndication",
    "StoryTracker": "._tracker",
    "CountVectorizer": "._vectorizer",
    "HashingVectorizer": "._vectorizer",
    "SklearnCountVectorizer": "._vectorizer",
    "SklearnTfidfVectorizer": "._vectorizer",
    "TfidfVectorizer": "._vectorizer",
}

#: Submodules exposed as attributes on first access. ``plot`` and ``dask`` need optional
#: dependencies (and may not exist in every version): they stay out of ``__all__`` so that
#: ``from newsim import *`` never imports matplotlib or dask.
_LAZY_SUBMODULES = ("datasets", "plot", "dask")


def __getattr__(name: str) -> Any:
    """Import a public name or submodule the first time it is used (PEP 562)."""
    module_name = _LAZY_ATTRIBUTES.get(name)
    if module_name is not None:
        value = getattr(importlib.import_module(module_name, __name__), name)
    elif name in _LAZY_SUBMODULES:
        try:
            value = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise  # the submodule exists but one of its dependencies is missing
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    """List the public names and the available submodules, including those not imported yet."""
    names = {name for name in globals() if name.startswith("__")} | set(__all__)
    names.update(name for name in _LAZY_SUBMODULES if _has_submodule(name))
    return sorted(names)


def _has_submodule(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(f".{name}", __name__) is not None
