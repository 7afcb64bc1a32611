"""Issue 18's findings, each as a test that failed on 0bd38d2 (before the fix)."""

from __future__ import annotations

import pytest

from newsim import TfidfVectorizer

DOCS = ["Ein Haus am See", "The house by the lake", "Noch ein Haus"]


# ------------------------------------------------------- finding 6: unclear errors for options


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"weighting": None}, r"weighting must be one of 'tfidf', 'bm25', 'bm25\+', got None"),
        ({"compounds": None}, r"compounds must be one of 'split', 'whole', 'both', got None"),
    ],
)
def test_none_for_a_named_choice_names_the_choices(params: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TfidfVectorizer(**params).fit(DOCS)


def test_a_str_for_a_number_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"k1 must be a real number, got '1' \(str\)"):
        TfidfVectorizer(weighting="bm25", k1="1").fit(DOCS)
    # ... and still a ValueError, for code that catches scikit-learn's InvalidParameterError so
    with pytest.raises(ValueError, match=r"k1 must be a real number"):
        TfidfVectorizer(weighting="bm25", k1="1").fit(DOCS)
