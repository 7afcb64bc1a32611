"""Raw counts: each document's term counts before vocabulary and weighting, keyed by term.

An archive keeps them to weight its articles again under a later fit; the rows the core makes
from them must be exactly those transform makes from the texts, for every analysis (German
decompounding, word pairs, characters, a Python analyzer, pruning) and after the vocabulary
grew.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

import newsim
from newsim import _core


def raw_rows(vec: Any, texts: list[str]) -> sp.csr_matrix:
    core = vec._fitted_core()
    raw = vec._run("count_raw", core, texts)
    return vec._matrix(core.transform_raw(raw, n_jobs=2))


CONFIGS: list[tuple[str, dict[str, Any]]] = [
    ("de-default", {}),
    ("en-pairs", {"language": "en", "ngram_range": (1, 2)}),
    ("binary-min_df", {"binary": True, "min_df": 2, "sublinear_tf": False}),
    ("l1-max_features", {"norm": "l1", "max_features": 500}),
    ("char", {"analyzer": "char_wb", "ngram_range": (2, 4), "language": None}),
    ("bm25", {"weighting": "bm25"}),
]


@pytest.mark.parametrize("name,params", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_rows_from_raw_counts_equal_transform(name: str, params: dict[str, Any], gnad: Any) -> None:
    texts = gnad.texts[:300]
    vec = newsim.TfidfVectorizer(**params).fit(texts[:150])
    expected = vec.transform(texts)
    got = raw_rows(vec, texts)
    assert got.shape == expected.shape and got.dtype == expected.dtype
    assert (got != expected).nnz == 0
    # after partial_fit (a grown vocabulary, a new idf and compound lexicon), the old counts
    # give what transform gives now
    core = vec._fitted_core()
    raw = vec._run("count_raw", core, texts[:50])
    vec.partial_fit(texts[150:])
    now = vec.transform(texts[:50])
    again = vec._matrix(vec._fitted_core().transform_raw(raw))
    assert now.shape[1] > expected.shape[1] or name == "l1-max_features"
    assert (again != now).nnz == 0


def test_a_python_analyzer_is_counted_as_transform_counts(bbc: Any) -> None:
    vec = newsim.SklearnTfidfVectorizer(analyzer=lambda t: t.lower().split()[:40]).fit(
        bbc.texts[:100]
    )
    assert (raw_rows(vec, bbc.texts[:100]) != vec.transform(bbc.texts[:100])).nnz == 0


def test_keys_are_fixed() -> None:
    # Files store the keys: a change of the hash would silently break every archive.
    key = _core.Vectorizer.raw_term_key
    assert key("haus") == 10771283201275533246
    assert key("künstliche intelligenz") == 9728681538082946113
    assert key("x" * 40) == 13841883842231367808
    vec = newsim.TfidfVectorizer(language="de").fit(["Haus und Häuser", "Regierung"])
    keys = vec._fitted_core().vocabulary_keys()
    assert keys.dtype == np.uint64
    assert keys.tolist() == [key(t) for t in vec.get_feature_names_out()]


def test_bad_raw_counts_are_named(gnad: Any) -> None:
    vec = newsim.TfidfVectorizer().fit(gnad.texts[:20])
    core = vec._fitted_core()
    raw = vec._run("count_raw", core, gnad.texts[:5])

    def refused(match: str, **change: Any) -> None:
        with pytest.raises(ValueError, match=match):
            core.transform_raw({**raw, **change})

    ids = raw["term_ids"].copy()
    ids[3] = raw["term_keys"].size
    refused(r"term_ids\[3\] = \d+ is not below the table's \d+ entries", term_ids=ids)
    ptr = raw["term_ptr"].copy()
    ptr[2] = ptr[1] - 1
    refused("term_ptr decreases at row 1", term_ptr=ptr)
    counts = raw["term_counts"].copy()
    counts[0] = 0
    refused(r"term_counts\[0\] is 0", term_counts=counts)
    refused("term_ptr has 5 entries, expected 6", term_ptr=raw["term_ptr"][:-1])
    data = raw["candidate_bytes"].copy()
    data[0] = 0xFF
    refused("candidate 0 is not valid UTF-8", candidate_bytes=data)
    refused("candidate_offsets must start at 0", candidate_offsets=raw["candidate_offsets"][:-1])
    refused("term_columns has 3 entries for", term_columns=np.zeros(3, np.int64))
    big = np.full(raw["term_keys"].size, 10**9, dtype=np.int64)
    refused(r"term_columns\[0\] = 1000000000 is not a column", term_columns=big)
    # columns given by the caller: the same rows as columns found by key
    where = {int(k): c for c, k in enumerate(core.vocabulary_keys())}
    columns = np.array([where.get(int(k), -1) for k in raw["term_keys"]], dtype=np.int64)
    by_key = vec._matrix(core.transform_raw(raw))
    given = vec._matrix(core.transform_raw({**raw, "term_columns": columns}))
    assert (by_key != given).nnz == 0 and by_key.nnz > 0
    with pytest.raises(ValueError, match="raw counts lack 'doc_len'"):
        core.transform_raw({k: v for k, v in raw.items() if k != "doc_len"})
    hashing = newsim.HashingVectorizer(n_features=64)
    with pytest.raises(ValueError, match="a hashing vectorizer has no terms"):
        hashing._run("count_raw", hashing._fitted_core(), ["a text"])
