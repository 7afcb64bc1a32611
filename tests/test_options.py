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
        ({"k1": "1"}, r"The 'k1' parameter must be a float, got '1' of type str"),
        ({"lowercase": 1}, r"The 'lowercase' parameter must be a bool, got 1 of type int"),
        ({"min_token_len": 1.5}, r"The 'min_token_len' parameter must be an int, got 1.5"),
        ({"stop_words": "the"}, r"The 'stop_words' parameter must be a list of str, got 'the'"),
        ({"stop_words": ["a", 3]}, r"The 'stop_words\[1\]' parameter must be a str, got 3"),
        ({"ngram_range": (1,)}, r"The 'ngram_range' parameter must be a tuple \(low, high\)"),
        ({"norm": None}, r"The 'norm' parameter must be one of 'none', 'l1', 'l2', got None"),
    ],
)
def test_wrong_type_is_a_type_error_and_a_value_error(options: dict, message: str) -> None:
    with pytest.raises(_core.InvalidParameterError, match=message) as info:
        _core.Vectorizer(**options)
    assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"norm": "l3"}, r"The 'norm' parameter must be one of 'none', 'l1', 'l2', got 'l3'\."),
        ({"b": 1.5}, r"The 'b' parameter must be a float in the range \[0\.0, 1\.0\], got 1\.5\."),
        ({"k1": -1}, r"The 'k1' parameter must be a float in the range \[0\.0, inf\), got -1\.0\."),
        (
            {"ngram_min_df": 0},
            r"The 'ngram_min_df' parameter must be an int in the range \[1, inf\)",
        ),
        (
            {"max_features": 0},
            r"The 'max_features' parameter must be an int in the range \[1, inf\) or None",
        ),
        (
            {"n_features": 2**31},
            r"The 'n_features' parameter must be an int in the range \[1, 2147483647\]",
        ),
        (
            {"ngram_range": (1, 65)},
            r"The 'ngram_range' parameter must be a pair of ints in the range \[1, 64\]",
        ),
    ],
)
def test_declared_rule_is_checked_by_the_core(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        _core.Vectorizer(**options)
    assert not isinstance(info.value, TypeError)


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
