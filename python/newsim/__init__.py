"""newsim: fast, Unicode-correct TF-IDF and article similarity.

A C++ core (ICU for text, Eigen for sparse algebra) under a scikit-learn shaped API.
"""

from __future__ import annotations

from . import datasets
from ._core import ModelFormatError
from ._similarity import Explanation, Keywords, Pairs, SimilarityIndex, TopK
from ._stopwords import stop_word_list
from ._vectorizer import SklearnTfidfVectorizer, TfidfVectorizer

__version__ = "0.1.0"

__all__ = [
    "Explanation",
    "Keywords",
    "ModelFormatError",
    "Pairs",
    "SimilarityIndex",
    "SklearnTfidfVectorizer",
    "TfidfVectorizer",
    "TopK",
    "__version__",
    "datasets",
    "stop_word_list",
]
