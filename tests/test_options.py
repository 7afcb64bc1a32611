"""Options are declared once, in the core: keyword arguments, the options dict and the model
file's keyed fields all follow from that one declaration."""

from __future__ import annotations

import pytest

from newsim import TfidfVectorizer, _core


def test_option_defaults_are_the_declared_ones() -> None:
    defaults = _core.option_defaults()
    assert defaults["weighting"] == "tfidf"
    assert defaults["ngram_range"] == (1, 1)
    assert defaults["k1"] == 1.2
    assert defaults["max_features"] is None
    # A vectorizer built without keywords reports exactly the declared defaults.
    assert _core.Vectorizer().options() == defaults


def test_every_declared_option_round_trips_through_keywords() -> None:
    defaults = _core.option_defaults()
    assert _core.Vectorizer(**defaults).options() == defaults
    changed = {"ngram_range": (1, 3), "min_df": 2.0, "max_features": 10, "norm": "l1"}
    assert _core.Vectorizer(**changed).options() == {**defaults, **changed}


def test_unknown_keyword_names_the_options() -> None:
    with pytest.raises(TypeError, match=r"unexpected option 'k3'; the options are: analyzer, "):
        _core.Vectorizer(k3=1.0)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"k1": "1"}, r"k1 must be a real number, got '1' \(str\)\."),
        ({"lowercase": 1}, r"lowercase must be a bool, got 1 \(int\)\."),
        ({"min_token_len": 1.5}, r"min_token_len must be an int >= 0, got 1\.5 \(float\)\."),
        ({"max_features": "7"}, r"max_features must be an int >= 1 or None, got '7' \(str\)\."),
        ({"stop_words": "the"}, r"stop_words must be a list of str, got 'the' \(str\)\."),
        ({"stop_words": ["a", 3]}, r"stop_words\[1\] must be a str, got 3 \(int\)\."),
        (
            {"ngram_range": (1,)},
            r"ngram_range must be a tuple \(min_n, max_n\) of ints, got \(1,\)",
        ),
        ({"ngram_range": [1, 2]}, r"ngram_range must be a tuple \(min_n, max_n\) of ints"),
        ({"norm": None}, r"norm must be one of 'none', 'l1', 'l2', got None \(NoneType\)\."),
    ],
)
def test_wrong_type_is_a_type_error_and_a_value_error(options: dict, message: str) -> None:
    with pytest.raises(_core.InvalidParameterError, match=message) as info:
        _core.Vectorizer(**options)
    assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"norm": "l3"}, r"norm must be one of 'none', 'l1', 'l2', got 'l3'\."),
        ({"b": 1.5}, r"b must be in \[0, 1\], got 1\.5\."),
        ({"k1": -1}, r"k1 must be >= 0, got -1\.0\."),
        ({"k1": float("inf")}, r"k1 must be >= 0, got inf\."),
        ({"ngram_min_df": 0}, r"ngram_min_df must be an int >= 1, got 0\."),
        ({"max_features": 0}, r"max_features must be an int >= 1 or None, got 0\."),
        (
            {"n_features": 2**31},
            r"n_features must be an int in \[1, 2147483647\] or None, got 2147483648\.",
        ),
        (
            {"n_features": 2**70},
            r"n_features must be an int in \[1, 2147483647\] or None, got 1180591620717411303424\.",
        ),
        ({"ngram_range": (2, 1)}, r"ngram_range must satisfy 1 <= min_n <= max_n, got \(2, 1\)\."),
        ({"ngram_range": (1, 65)}, r"ngram_range upper bound must be at most 64, got 65\."),
        (
            {"min_df": 1.5, "min_df_is_count": False},
            r"The 'min_df' parameter must be a float in the range \[0\.0, 1\.0\], got 1\.5\.",
        ),
        (
            {"max_df": -1.0, "max_df_is_count": True},
            r"The 'max_df' parameter must be an int >= 0, got -1\.",
        ),
    ],
)
def test_declared_rule_is_checked_by_the_core(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        _core.Vectorizer(**options)
    assert not isinstance(info.value, TypeError)


def test_huge_counts_mean_no_limit() -> None:
    """An int beyond 64 bits is no error where an option has no upper bound."""
    assert (
        _core.Vectorizer(max_features=10**30, min_token_len=2**70).options()["max_features"]
        == 2**63 - 1
    )


def test_model_without_a_later_parameter_takes_the_stored_core_option(tmp_path) -> None:
    """A parameter added after a model was saved gets the value its core option has in the file."""
    import json

    vec = TfidfVectorizer(language=None, ngram_min_df=2).fit(["ein Haus", "zwei Häuser"])
    vec.save(tmp_path / "m.newsim")
    core = _core.Vectorizer.from_bytes((tmp_path / "m.newsim").read_bytes())
    meta = json.loads(core.metadata)
    del meta["newsim.TfidfVectorizer"]["params"]["ngram_min_df"]  # as if saved before it existed
    core.metadata = json.dumps(meta)
    (tmp_path / "old.newsim").write_bytes(core.to_bytes())
    assert TfidfVectorizer.load(tmp_path / "old.newsim").ngram_min_df == 2


def test_python_analysis_still_has_its_ngram_range_checked_by_the_core() -> None:
    from newsim import SklearnTfidfVectorizer

    with pytest.raises(ValueError, match=r"ngram_range must satisfy 1 <= min_n <= max_n"):
        SklearnTfidfVectorizer(token_pattern=r"\w+", ngram_range=(0, 2)).fit(["a b", "c d"])
    # A reversed range is named before, in scikit-learn's words (as its tests expect).
    with pytest.raises(ValueError, match=r"Invalid value for ngram_range=\(2, 1\) lower"):
        SklearnTfidfVectorizer(token_pattern=r"\w+", ngram_range=(2, 1)).fit(["a b", "c d"])
    unused = r"The parameter 'ngram_range' will not be used since 'analyzer' is callable"
    with pytest.raises(ValueError, match=r"ngram_range must satisfy 1 <= min_n <= max_n"):
        with pytest.warns(UserWarning, match=unused):
            SklearnTfidfVectorizer(analyzer=str.split, ngram_range=(0, 1)).fit(["a b", "c d"])


@pytest.mark.parametrize("method", ["fast", 3, None])
def test_similarity_methods_are_named_by_the_core(method: object) -> None:
    with pytest.raises(ValueError, match=r"method must be one of 'auto', 'pruned', 'brute', got"):
        _core.check_similarity_method(method)
    assert _core.check_similarity_method("pruned") == "pruned"
