"""German compound splitting (``decompound``) and the word-pair floor (``ngram_min_df``)."""

from __future__ import annotations

import pathlib
import pickle
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from newsim import SklearnTfidfVectorizer, TfidfVectorizer
from newsim.datasets import Corpus, load_sample

# Parts are known when their stem is in at least two documents (the file says which).
_TEXTS_FILE = pathlib.Path(__file__).resolve().parent / "fixtures" / "decompound_de.txt"
TEXTS = [
    line
    for line in _TEXTS_FILE.read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
]


def assert_same_matrix(a: sp.csr_matrix, b: sp.csr_matrix) -> None:
    assert a.shape == b.shape
    assert np.array_equal(a.indptr, b.indptr)
    assert np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data, b.data)


def row_terms(vec: Any, X: sp.csr_matrix, i: int) -> set[str]:
    names = vec.get_feature_names_out()
    return {str(names[c]) for c in X.indices[X.indptr[i] : X.indptr[i + 1]]}


def test_german_default_splits_compounds_into_corpus_parts() -> None:
    vec = TfidfVectorizer(language="de")
    X = vec.fit_transform(TEXTS)
    assert vec.compound_parts("Wasserversorgungsplan") == ["wass", "versorg", "plan"]
    assert vec.compound_parts("WASSERVERSORGUNG") == ["wass", "versorg"]
    assert vec.compound_parts("Versorgungsplanung") == []  # "planung" is known nowhere else
    assert vec.compound_parts("Bahnhof") == []  # shorter than 8 letters
    assert {"wasserversorgungsplan", "wass", "versorg", "plan"} <= row_terms(vec, X, 4)
    # The article about the Wasserversorgung now shares terms with the one about Wasser and
    # Versorgung.
    assert (X[3] @ X[0].T).toarray()[0, 0] > 0
    plain = TfidfVectorizer(language="de", decompound=False).fit(TEXTS)
    assert plain.compound_parts("Wasserversorgungsplan") == []
    assert (plain.transform(TEXTS[3:4]) @ plain.transform(TEXTS[0:1]).T).toarray()[0, 0] == 0
    # No new terms: the parts are terms of the corpus; their df counts the split words too.
    assert vec.vocabulary_ == plain.vocabulary_
    col = vec.vocabulary_["wass"]
    assert plain.df_[col] == 2 and vec.df_[col] == 4


def test_analyzer_shows_the_parts_once_fitted() -> None:
    vec = TfidfVectorizer(language="de", ngram_range=(1, 1), decompound=True)
    assert vec.build_analyzer()("Die Wasserversorgung") == ["wasserversorg"]  # nothing learned
    vec.fit(TEXTS)
    assert vec.build_analyzer()("Die Wasserversorgung") == ["wasserversorg", "wass", "versorg"]


def test_transform_equals_fit_transform_and_threads_agree() -> None:
    texts = TEXTS * 30
    X = TfidfVectorizer(language="de").fit_transform(texts)
    vec = TfidfVectorizer(language="de", n_jobs=2).fit(texts)
    assert_same_matrix(vec.transform(texts), X)


def test_partial_fits_and_merges_equal_one_fit() -> None:
    one = TfidfVectorizer(language="de")
    X = one.fit_transform(TEXTS)
    a = TfidfVectorizer(language="de").partial_fit(TEXTS[:3])
    b = TfidfVectorizer(language="de").partial_fit(TEXTS[3:])
    merged = b.merge(a)
    assert merged.vocabulary_ == one.vocabulary_
    assert np.array_equal(merged.df_, one.df_)
    assert np.array_equal(merged.idf_, one.idf_)
    assert_same_matrix(merged.transform(TEXTS), X)


@pytest.mark.parametrize("lean", [False, True])
def test_save_pickle_and_load_keep_the_splits(tmp_path: Any, lean: bool) -> None:
    vec = TfidfVectorizer(language="de").fit(TEXTS)
    X = vec.transform(TEXTS)
    if lean:
        vec.discard_statistics()  # the file then stores the compound lexicon itself
    path = tmp_path / "model.newsim"
    vec.save(path)
    for loaded in (TfidfVectorizer.load(path), pickle.loads(pickle.dumps(vec))):
        assert loaded.get_params()["decompound"] == "auto"
        assert loaded.compound_parts("Wasserversorgungsplan") == ["wass", "versorg", "plan"]
        assert_same_matrix(loaded.transform(TEXTS), X)


def test_auto_is_german_with_word_pairs_only_and_off_for_regex_tokenization() -> None:
    english = TfidfVectorizer(language="en").fit(["the waterworks plan", "water works", "plan"])
    assert english._core.options()["decompound"] is False
    regex = TfidfVectorizer(language="de", token_pattern=r"(?u)\b\w\w+\b").fit(TEXTS)
    assert regex._core.options()["decompound"] is False
    assert TfidfVectorizer(language="de").fit(TEXTS)._core.options()["decompound"] is True
    # With single words only, splitting does not raise quality (benchmarks/quality.py) and
    # costs time: 'auto' leaves it off; True still turns it on.
    unigrams = TfidfVectorizer(language="de", ngram_range=(1, 1)).fit(TEXTS)
    assert unigrams._core.options()["decompound"] is False
    assert unigrams.compound_parts("Wasserversorgungsplan") == []
    forced = TfidfVectorizer(language="de", ngram_range=(1, 1), decompound=True).fit(TEXTS)
    assert forced._core.options()["decompound"] is True
    pairs = TfidfVectorizer(language="de", ngram_range=(1, 3)).fit(TEXTS)
    assert pairs._core.options()["decompound"] is True
    assert SklearnTfidfVectorizer().fit(TEXTS)._core.options()["decompound"] is False


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"decompound": "yes"}, "decompound must be True, False or 'auto'"),
        ({"decompound": True, "analyzer": "char_wb"}, "decompound=True needs analyzer='word'"),
        (
            {"decompound": True, "token_pattern": r"\b\w+\b"},
            "decompound=True needs analyzer='word'",
        ),
        ({"ngram_min_df": 0}, "ngram_min_df must be an int >= 1"),
        ({"ngram_min_df": 1.5}, "ngram_min_df must be an int >= 1"),
        ({"ngram_min_df": True}, "ngram_min_df must be an int >= 1"),
    ],
)
def test_invalid_options_name_the_option(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TfidfVectorizer(language="de", **params).fit(TEXTS)


def test_ngram_min_df_floors_word_pairs_only() -> None:
    texts = ["rote rosen blühen", "rote rosen welken", "gelbe tulpen"]
    vec = TfidfVectorizer(language=None).fit(texts)  # ngram_range='auto', ngram_min_df=2
    assert list(vec.get_feature_names_out()) == [
        "blühen",
        "gelbe",
        "rosen",
        "rote",
        "rote rosen",
        "tulpen",
        "welken",
    ]
    # ngram_min_df=1 keeps every pair, as scikit-learn's ngram_range=(1, 2) does.
    every = TfidfVectorizer(language=None, ngram_min_df=1).fit(texts)
    reference = CountVectorizer(ngram_range=(1, 2)).fit(texts)
    assert list(every.get_feature_names_out()) == list(reference.get_feature_names_out())
    # Character analyzers keep (1, 1) under 'auto' and are not floored.
    chars = TfidfVectorizer(language=None, analyzer="char").fit(texts)
    assert all(len(t) == 1 for t in chars.get_feature_names_out())


@pytest.mark.slow
def test_on_the_german_corpus_parts_only_raise_document_frequencies(gnad: Corpus) -> None:
    texts = gnad.texts[:400]
    vec = TfidfVectorizer(language="de", ngram_range=(1, 1), decompound=True).fit(texts)
    plain = TfidfVectorizer(language="de", ngram_range=(1, 1), decompound=False).fit(texts)
    assert vec.vocabulary_ == plain.vocabulary_
    assert np.all(vec.df_ >= plain.df_)
    assert np.all(vec.df_ <= len(texts))
    raised = int(np.sum(vec.df_ > plain.df_))
    assert raised > 100  # many parts gained documents from compounds split into them
    X = vec.transform(texts)
    assert np.all(np.isfinite(X.data))
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    assert np.allclose(norms[norms > 0], 1.0, atol=1e-6)


def test_the_docs_compound_examples(gnad: Any) -> None:
    # docs/user-guide/analysis.md: a split needs parts the corpus knows (in two documents);
    # the sample's two articles know the parts of their own compound, not those of
    # Wasserversorgungsplan.
    sample = TfidfVectorizer().fit(load_sample().texts)
    assert sample.compound_parts("Wasserversorgungsplan") == []
    assert sample.compound_parts("Technologieunternehmen") == ["technologi", "unternehm"]
    fitted = TfidfVectorizer().fit(gnad.texts)
    assert fitted.compound_parts("Wasserversorgungsplan") == ["wass", "versorg", "plan"]
