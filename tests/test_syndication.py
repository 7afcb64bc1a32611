"""Syndication: containment, dedup (origins, keep="first") and shared passages.

Containment is checked against a plain Python reference (sets of word tuples), passages by
slicing the original strings with their offsets, dedup on hand-made cases (a copy of a copy,
a round-up of two stories, ties, time zones) and on the generated corpora's planted
near-duplicates, whose originals are known.
"""

from __future__ import annotations

import pickle
import random
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import newsim
from conftest import _require

# benchmarks/ is a package at the repo root, which is not on sys.path under pytest
if str(Path(__file__).resolve().parent.parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import corpora
from benchmarks import generate as gen

WIRE = (
    "The central bank raised its key interest rate by a quarter point on Tuesday, the third "
    "increase this year, and said further rises were likely if inflation stayed high."
)
EXTRA = "Markets had largely expected the move, analysts at several banks said on Tuesday."


def ref_containment(a: str, b: str, w: int) -> float:
    """|S(a) ∩ S(b)| / |S(a)| over sets of k-word tuples, k = min(w, words in a)."""

    def words(text: str) -> list[str]:
        return [t.casefold() for t in re.findall(r"\w+", text)]

    def shingles(seq: list[str], k: int) -> set[tuple[str, ...]]:
        return {tuple(seq[i : i + k]) for i in range(len(seq) - k + 1)}

    wa, wb = words(a), words(b)
    k = min(w, len(wa))
    sa, sb = (shingles(wa, k), shingles(wb, k)) if k else (set(), set())
    return len(sa & sb) / len(sa) if sa else 0.0


@pytest.fixture(scope="module")
def bbc() -> list[str]:
    return newsim.datasets.load_bbc().texts[:200]


# ------------------------------------------------------------------------------ containment


@pytest.mark.parametrize("w", [1, 2, 5, 9])
def test_containment_matches_the_python_reference(bbc: list[str], w: int) -> None:
    rng = random.Random(w)
    pairs = [(rng.randrange(len(bbc)), rng.randrange(len(bbc))) for _ in range(40)]
    for i, j in pairs:
        a = bbc[i]
        # half the pairs: b holds a's second half plus another article, so containment is
        # strictly between 0 and 1
        b = bbc[j] if i % 2 else a[len(a) // 2 :] + "\n" + bbc[j]
        assert newsim.containment(a, b, shingle=w) == ref_containment(a, b, w), (i, j)
        assert newsim.containment(b, a, shingle=w) == ref_containment(b, a, w), (i, j)


def test_containment_is_asymmetric_for_a_text_plus_a_paragraph() -> None:
    b = WIRE + "\n\n" + EXTRA
    assert newsim.containment(WIRE, b) == 1.0
    expected = ref_containment(b, WIRE, 5)
    assert 0.4 < expected < 0.9
    assert newsim.containment(b, WIRE) == expected


def test_containment_edge_cases() -> None:
    assert newsim.containment("", "anything at all") == 0.0
    assert newsim.containment("rates rise", "Rates rise, again") == 1.0  # one short shingle
    assert newsim.containment("rates rise", "rates will rise") == 0.0
    assert newsim.containment("rates rise again", "rates rise") == 0.0  # b is too short
    assert newsim.containment("RATES, rise!", "rates rise") == 1.0  # case and punctuation
    assert newsim.containment(WIRE, "") == 0.0


# ------------------------------------------------------------------------------ passages


def _check_passages(a: str, b: str, found: newsim.Passages, min_words: int) -> None:
    """Offsets slice the originals to the shared words; runs are maximal and disjoint in a."""
    end = -1
    for p in found:
        assert p.text == a[p.start_a : p.end_a]
        words_a = [t.casefold() for t in re.findall(r"\w+", a[p.start_a : p.end_a])]
        words_b = [t.casefold() for t in re.findall(r"\w+", b[p.start_b : p.end_b])]
        assert words_a == words_b
        assert len(words_a) == p.n_words >= min_words
        assert p.start_a >= end  # in a's order, not overlapping
        end = p.end_a
        # slices start and end on word boundaries
        for text, s, e in ((a, p.start_a, p.end_a), (b, p.start_b, p.end_b)):
            assert re.match(r"\w", text[s]) and re.match(r"\w", text[e - 1])
            assert s == 0 or not re.match(r"\w", text[s - 1])
            assert e == len(text) or not re.match(r"\w", text[e])
        # maximal: the next words differ (or a text ends)
        after_a = re.findall(r"\w+", a[p.end_a :])[:1]
        after_b = re.findall(r"\w+", b[p.end_b :])[:1]
        assert not after_a or not after_b or after_a[0].casefold() != after_b[0].casefold()


def test_passages_slice_the_original_strings_to_the_copied_text(bbc: list[str]) -> None:
    source, other = bbc[3], bbc[7]
    paragraphs = [p for p in source.split("\n") if len(p.split()) >= 12]
    assert len(paragraphs) >= 3
    # the copy: an intro of its own, two of the source's paragraphs in reverse order, and a
    # paragraph of another article
    copied = [paragraphs[2], paragraphs[0]]
    copy = "Our correspondent reports.\n" + "\n".join(copied) + "\n" + other[:300]
    found = newsim.shared_passages(copy, source, min_words=8)
    _check_passages(copy, source, found, 8)
    texts = [p.text for p in found]
    for paragraph in copied:  # each copied paragraph is one passage, verbatim in both strings
        paragraph = re.sub(r"^\W+|\W+$", "", paragraph)  # passages run from word to word
        assert paragraph in texts
        p = found[texts.index(paragraph)]
        assert source[p.start_b : p.end_b] == paragraph
        assert copy[p.start_a : p.end_a] == paragraph


@pytest.mark.parametrize("min_words", [3, 8])
def test_passages_of_corpus_pairs_are_well_formed(bbc: list[str], min_words: int) -> None:
    rng = random.Random(min_words)
    n_found = 0
    for _ in range(30):
        a, b = bbc[rng.randrange(len(bbc))], bbc[rng.randrange(len(bbc))]
        edited = b[: len(b) // 3] + " INSERTED words here. " + b[len(b) // 3 :]
        for x, y in ((a, b), (a, edited), (edited, b)):
            found = newsim.shared_passages(x, y, min_words=min_words)
            _check_passages(x, y, found, min_words)
            n_found += len(found)
    assert n_found > 30


def test_passages_ignore_case_and_punctuation_and_find_nothing_when_too_short() -> None:
    a = "Shares of Acme Corp. rose 5% on Monday."
    b = "shares of ACME corp rose 5 % on monday"
    (p,) = newsim.shared_passages(a, b, min_words=3)
    assert (p.start_a, p.end_a, p.start_b, p.end_b) == (0, len(a) - 1, 0, len(b))
    assert len(newsim.shared_passages(a, b, min_words=9)) == 0


def test_passages_html_marks_both_texts_and_escapes() -> None:
    a = "<b>Breaking</b>: the tram left the rails & ten people were hurt, police said."
    b = "Police said the tram left the rails & ten people were hurt <script>x</script>"
    found = newsim.shared_passages(a, b, min_words=5)
    assert len(found) == 1
    page = found._repr_html_()
    assert page.count("<mark>") == 2
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "&lt;b&gt;Breaking&lt;/b&gt;" in page
    assert "<mark>the tram left the rails &amp; ten people were hurt</mark>" in page
    assert repr(found).startswith("Passages(n_passages=1, coverage_a=")
    assert found.coverage_b == pytest.approx(9 / 14)  # 'script x script' are words


def test_explain_carries_passages_with_texts_and_stays_a_triple() -> None:
    texts = [WIRE + " " + EXTRA, "Storms hit the coast overnight.", "Reuters: " + WIRE]
    index = newsim.TfidfVectorizer().index(texts, ids=["x", "y", "z"])
    plain = index.explain("x", "z")
    terms, _contributions, score = plain  # still unpacks into three fields
    assert plain.passages is None and plain._repr_html_() is None
    e = index.explain("x", "z", texts=texts)
    assert e.score == score and list(e.terms) == list(terms)
    (p,) = e.passages
    assert p.text == WIRE[:-1] and texts[2][p.start_b : p.end_b] == WIRE[:-1]
    assert "<mark>" in e._repr_html_()
    again = pickle.loads(pickle.dumps(e))
    assert again.passages is not None and again.passages[0] == p
    vec = newsim.TfidfVectorizer().fit(texts)
    assert vec.explain(texts[0], texts[2]).passages[0] == p


# ------------------------------------------------------------------------------ dedup


def test_dedup_keeps_the_first_published_and_maps_copies_to_it() -> None:
    texts = [WIRE + " " + EXTRA, "Storms hit the coast overnight.", WIRE, "Reuters - " + WIRE]
    dates = ["2024-05-01T10:00Z", "2024-05-01T09:00Z", "2024-05-01T08:00Z", "2024-05-01T08:00Z"]
    found = newsim.dedup(texts, ids=["blog", "other", "agency", "paper"], dates=dates)
    # agency and paper share the earliest date: the first row is the origin
    assert found.kept_ids.tolist() == ["other", "agency"]
    assert found.dropped == {"blog": "agency", "paper": "agency"}
    assert found.groups() == {"agency": ["blog", "paper"]}
    frame = found.to_frame()
    assert frame["copy_id"].tolist() == ["blog", "paper"]
    assert str(frame["origin_date"].dt.tz) == "UTC"
    # without dates the first row is the first published
    assert newsim.dedup(texts).dropped == {2: 0, 3: 0}


def test_dedup_attaches_a_copy_of_a_copy_to_the_origin() -> None:
    a = WIRE
    b = WIRE + " " + EXTRA  # a plus a paragraph
    c = EXTRA + " Trading was calm."  # b's paragraph, not a's
    dates = ["2024-01-03", "2024-01-02", "2024-01-01"]
    found = newsim.dedup([c, b, a], dates=dates, threshold=0.7, candidates=0.05)
    assert newsim.containment(c, a) < 0.7 <= newsim.containment(c, b)
    assert found.dropped == {0: 2, 1: 2}
    frame = found.to_frame().set_index("copy_row")
    assert frame.loc[0, "linked_row"] == 1  # c is in b only; its origin is b's
    assert frame.loc[1, "contains"] == 1.0  # a is wholly in b


def test_dedup_does_not_join_two_stories_through_a_later_round_up() -> None:
    other = (
        "Ten people were hurt when a tram left the rails in the city centre this morning, "
        "the fire service said, and two of them were taken to hospital."
    )
    roundup = WIRE + " In other news: " + other
    found = newsim.dedup([WIRE, other, roundup], threshold=0.4, candidates=0.1)
    assert found.kept_ids.tolist() == [0, 1]
    assert found.dropped == {2: 0}  # the earliest of the two it contains


def test_dedup_with_an_index_uses_its_ids_and_candidates() -> None:
    texts = [WIRE, "Storms hit the coast overnight.", WIRE.upper()]
    index = newsim.TfidfVectorizer().index(texts, ids=["a", "b", "c"])
    found = newsim.dedup(texts, index=index)
    assert found.dropped == {"c": "a"}
    assert found.n_candidates == 1
    assert newsim.dedup(texts, index=index, candidates=1.0).n_candidates == 1
    assert "Syndication(n_articles=3, n_kept=2, n_dropped=1" in repr(found)


def test_dedup_with_a_grown_index_follows_its_rows_after_removals() -> None:
    texts = [WIRE, "Storms hit the coast overnight.", "Reuters: " + WIRE, EXTRA, EXTRA + " Ok."]
    vec = newsim.TfidfVectorizer().fit(texts)
    index = newsim.SimilarityIndex(vec.transform(texts[:3]), ids=["a", "b", "c"])
    index.add(vec.transform(texts[3:]), ids=["d", "e"])
    index.remove(["a"])
    found = newsim.dedup(texts[1:], index=index)
    assert found.ids.tolist() == ["b", "c", "d", "e"]
    assert found.dropped == {"e": "d"}
    assert "<table" in found._repr_html_()


def test_dedup_of_uci_headlines_names_an_earlier_origin_in_the_same_story() -> None:
    uci = corpora.load_uci_stories(_require(corpora.UCI_STORIES_FILE).parent)
    import pandas as pd

    dates = pd.to_datetime(uci.timestamps_ms, unit="ms", utc=True)
    found = newsim.dedup(uci.titles, dates=dates, sources=uci.publishers)
    frame = found.to_frame()
    assert len(frame) > 100
    assert (frame["origin_date"] <= frame["copy_date"]).all()
    story = np.asarray(uci.stories)
    same = story[frame["copy_row"]] == story[frame["origin_row"]]
    assert same.mean() > 0.95
    # every origin is kept, every copy's origin is an origin
    assert set(frame["origin_id"]) <= set(found.kept_ids.tolist())
    assert set(frame["copy_id"]).isdisjoint(found.kept_ids.tolist())


def test_dedup_of_nothing_and_of_one_article() -> None:
    assert newsim.dedup([]).kept_ids.tolist() == []
    assert newsim.dedup(["one"]).kept_ids.tolist() == [0]


@pytest.fixture(scope="module")
def generated() -> tuple[list[str], np.ndarray]:
    """3,000 generated articles and each one's planted original (itself for originals)."""
    n = 3000
    texts = gen.generate(n, seed=1)
    origin = np.arange(n)
    for block in range(n // gen.BLOCK):
        docs = gen._block_docs(np.random.default_rng([1, block]), gen.DEFAULT_MODEL)
        origin[docs.dup_docs + block * gen.BLOCK] = docs.src_docs + block * gen.BLOCK
    return texts, origin


def test_dedup_finds_every_planted_copy_and_its_origin(
    generated: tuple[list[str], np.ndarray],
) -> None:
    texts, origin = generated
    planted = np.flatnonzero(origin != np.arange(len(texts)))
    assert planted.size > 50
    # the generator rewrites up to 30 % of a copy's words, one by one: 5-word shingles break
    # (containment down to 0.06); 2-word shingles keep it above 0.4, unrelated pairs below 0.1
    found = newsim.dedup(texts, shingle=2, threshold=0.4, candidates=0.5)
    np.testing.assert_array_equal(found.origin_rows, origin)
    assert len(found.dropped) == planted.size


# ------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"dates": ["2024-01-01", "2024-13-45", "2024-01-02"]}, ValueError,
         r"dates\[1\] is '2024-13-45', which does not parse as a date"),
        ({"dates": ["2024-01-01", None, "2024-01-02"]}, ValueError,
         r"dates\[1\] is missing \(None\); every article needs a date"),
        ({"dates": ["2024-01-01T10:00Z", "2024-01-01T10:00", "2024-01-02"]}, ValueError,
         r"dates mixes time-zone aware and naive dates: dates\[0\] .* dates\[1\]"),
        ({"dates": ["2024-01-01"]}, ValueError, r"dates has 1 entries for 3 articles"),
        ({"sources": ["AP", "dpa"]}, ValueError, r"sources has 2 entries for 3 articles"),
        ({"sources": ["AP", 7, "dpa"]}, TypeError, r"sources\[1\] is 7 \(int\)"),
        ({"ids": ["a", "b", "a"]}, ValueError, r"ids must be unique: 'a' is ids\[0\] and ids\[2\]"),
        ({"ids": ["a", "b"]}, ValueError, r"ids has 2 labels for 3 rows"),
        ({"keep": "last"}, ValueError, r"keep must be 'first'"),
        ({"threshold": 0}, ValueError, r"threshold must be in \(0, 1\], got 0"),
        ({"candidates": 1.5}, ValueError, r"candidates must be in \(0, 1\], got 1.5"),
        ({"shingle": 0}, ValueError, r"shingle must be >= 1 \(words per shingle\), got 0"),
    ],
)  # fmt: skip
def test_dedup_bad_input_names_the_argument_and_position(
    kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        newsim.dedup(["a b c", "d e f", "g h i"], **kwargs)  # type: ignore[arg-type]


def test_dedup_and_passages_refuse_texts_that_are_not_str() -> None:
    with pytest.raises(TypeError, match=r"texts\[1\] is b'x' \(bytes\): texts must be str"):
        newsim.dedup(["a", b"x"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"texts must be a sequence of str, one per article"):
        newsim.dedup("abc")
    texts = ["rates rise", "rates fall", "prices rise"]
    index = newsim.TfidfVectorizer().index(texts)
    with pytest.raises(ValueError, match=r"index has 3 articles for 2 texts"):
        newsim.dedup(texts[:2], index=index)
    with pytest.raises(ValueError, match=r"texts has 2 entries for 3 articles"):
        index.explain(0, 1, texts=texts[:2])
    with pytest.raises(TypeError, match=r"texts\[1\] is None \(NoneType\)"):
        index.explain(0, 1, texts=["rates rise", None, "prices rise"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"b must be a str, got int"):
        newsim.shared_passages("a", 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"min_words must be >= 1"):
        newsim.shared_passages("a", "b", min_words=0)
