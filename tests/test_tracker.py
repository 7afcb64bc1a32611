"""``newsim.StoryTracker``: stable labels, windows, lineage, saving, bad input, quality."""

from __future__ import annotations

import datetime as dt
import pickle
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsim
from conftest import _require

if str(Path(__file__).resolve().parent.parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import corpora
from benchmarks.bench_stories import bcubed_f1


@pytest.fixture(scope="module")
def uci() -> corpora.StoryCorpus:
    return corpora.load_uci_stories(_require(corpora.UCI_STORIES_FILE).parent)


class Stream:
    """The UCI headlines in timestamp order (stable), with their dates, publishers, stories."""

    def __init__(self, corpus: corpora.StoryCorpus) -> None:
        order = np.argsort(np.asarray(corpus.timestamps_ms), kind="stable")
        self.titles = [corpus.titles[i] for i in order]
        self.truth = [corpus.stories[i] for i in order]
        self.sources = [corpus.publishers[i] for i in order]
        ms = np.asarray(corpus.timestamps_ms)[order]
        self.dates = pd.to_datetime(ms, unit="ms", utc=True)

    def feed(self, tracker: newsim.StoryTracker, cuts: list[int], stop: int) -> list[np.ndarray]:
        """Feed articles [0, stop) in batches cut at ``cuts``; return each batch's labels."""
        bounds = [0, *[c for c in cuts if 0 < c < stop], stop]
        return [
            tracker.update(self.titles[a:b], dates=self.dates[a:b], sources=self.sources[a:b])
            for a, b in zip(bounds[:-1], bounds[1:])
        ]

    def day_cuts(self) -> list[int]:
        day = np.asarray(self.dates.floor("D"))
        return (np.flatnonzero(day[1:] != day[:-1]) + 1).tolist()


@pytest.fixture(scope="module")
def stream(uci: corpora.StoryCorpus) -> Stream:
    return Stream(uci)


def _en() -> newsim.TfidfVectorizer:
    return newsim.TfidfVectorizer(language="en")


# ------------------------------------------------------------------------------ quality


def test_uci_in_daily_batches_reaches_the_goal(stream: Stream) -> None:
    from sklearn.metrics import adjusted_rand_score

    tracker = newsim.StoryTracker()  # the defaults: window 3 days, k 20, threshold 0.03
    returned = stream.feed(tracker, stream.day_cuts(), len(stream.titles))
    labels = tracker.labels_
    np.testing.assert_array_equal(np.concatenate(returned), labels)
    ari = adjusted_rand_score(stream.truth, labels)
    assert ari >= 0.80, ari
    assert bcubed_f1(stream.truth, labels) >= 0.80
    frame = tracker.stories()
    assert frame["size"].sum() == len(stream.titles)
    assert frame["size"].tolist() == np.bincount(labels).tolist()
    # the file spans two days: every story is still open under a 3-day window
    assert set(frame["status"]) <= {"active", "merged"}


def test_one_batch_gives_the_partition_of_stories(stream: Stream) -> None:
    # One batch within the window: the tracker's graph is the k-nearest-neighbour graph and its
    # linkage that of stories(), so the partitions are equal (story numbers aside).
    n = 1200
    vec = _en().fit(stream.titles[:n])
    tracker = newsim.StoryTracker(vectorizer=vec, partial_fit=False)
    labels = tracker.update(stream.titles[:n], dates=stream.dates[:n])
    batch = vec.index(stream.titles[:n]).stories().labels
    pairs = set(zip(labels.tolist(), batch.tolist()))
    assert len(pairs) == len(set(labels.tolist())) == len(set(batch.tolist()))


@pytest.mark.parametrize("cut", ["hour", "100 articles"])
def test_uci_in_smaller_batches_stays_above_the_goal(stream: Stream, cut: str) -> None:
    from sklearn.metrics import adjusted_rand_score

    if cut == "hour":
        hour = np.asarray(stream.dates.floor("h"))
        cuts = (np.flatnonzero(hour[1:] != hour[:-1]) + 1).tolist()
    else:
        cuts = list(range(100, len(stream.titles), 100))
    tracker = newsim.StoryTracker()
    stream.feed(tracker, cuts, len(stream.titles))
    assert adjusted_rand_score(stream.truth, tracker.labels_) >= 0.85
    assert bcubed_f1(stream.truth, tracker.labels_) >= 0.85


# ------------------------------------------------------------------------------ stability


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cuts=st.lists(st.integers(min_value=1, max_value=399), max_size=6, unique=True))
def test_labels_never_change_after_they_are_given(stream: Stream, cuts: list[int]) -> None:
    tracker = newsim.StoryTracker(vectorizer=_en())
    bounds = [0, *sorted(cuts), 400]
    given_so_far = np.zeros(0, dtype=np.int64)
    for a, b in zip(bounds[:-1], bounds[1:]):
        out = tracker.update(stream.titles[a:b], dates=stream.dates[a:b])
        assert out.shape == (b - a,)
        np.testing.assert_array_equal(tracker.labels_[:a], given_so_far)
        np.testing.assert_array_equal(tracker.labels_[a:], out)
        # new stories are numbered on from the ones already opened
        assert out.min() >= 0 and out.max() < tracker.n_stories
        given_so_far = tracker.labels_


def test_same_input_same_labels_and_threads_do_not_matter(stream: Stream) -> None:
    runs = []
    for n_jobs in (1, 2, 1):
        tracker = newsim.StoryTracker(
            vectorizer=newsim.TfidfVectorizer(language="en", n_jobs=n_jobs)
        )
        stream.feed(tracker, [150, 300, 450], 600)
        runs.append((tracker.labels_, tracker.lineage, tracker.stories()))
    for labels, lineage, frame in runs[1:]:
        np.testing.assert_array_equal(labels, runs[0][0])
        pd.testing.assert_frame_equal(lineage, runs[0][1])
        pd.testing.assert_frame_equal(frame, runs[0][2])


def test_a_fixed_vectorizer_keeps_the_pools_rows(stream: Stream) -> None:
    # partial_fit=False: the pool's rows are kept, only each batch is transformed; the labels
    # are those of transforming the whole pool at every update
    vec = _en().fit(stream.titles[:800])
    kept = newsim.StoryTracker(window="6h", vectorizer=vec, partial_fit=False)
    fresh = newsim.StoryTracker(window="6h", vectorizer=vec, partial_fit=False)
    for a in range(0, 800, 50):
        for tracker in (kept, fresh):
            tracker.update(stream.titles[a : a + 50], dates=stream.dates[a : a + 50])
        fresh._pool_X = None  # forget the rows: the next update transforms the whole pool
        assert kept._pool_X is not None
        assert kept._pool_X.shape[0] == len(kept._pool_texts)
    assert len(kept._pool_texts) < 800  # articles have left the window (and the kept rows)
    _assert_same(kept, fresh)


def test_batches_apart_by_more_than_the_window_are_independent_of_the_cut() -> None:
    # With a fixed vectorizer, cutting the stream where no article of one part is within the
    # window of the other gives the labels of one batch: nothing links across the cut.
    texts = [
        "volcano erupts in iceland",
        "iceland volcano erupts again",
        "central bank raises rates",
        "rates raised by the central bank",
        "iceland volcano ash grounds flights",
        "central bank rates decision",
        "volcano in iceland erupts",
    ]
    dates = pd.to_datetime(
        [
            "2010-04-14",
            "2010-04-14",
            "2010-04-15",
            "2010-04-15",
            "2010-04-25",
            "2010-04-25",
            "2010-04-26",
        ]
    )
    vec = _en().fit(texts)
    whole = newsim.StoryTracker(window="3D", vectorizer=vec, partial_fit=False)
    whole.update(texts, dates=dates)
    cut = newsim.StoryTracker(window="3D", vectorizer=vec, partial_fit=False)
    cut.update(texts[:4], dates=dates[:4])
    cut.update(texts[4:], dates=dates[4:])
    np.testing.assert_array_equal(whole.labels_, cut.labels_)
    # the second part's stories are new ones: the first part's went quiet
    assert whole.labels_.tolist() == [0, 0, 1, 1, 2, 3, 2]


def test_labels_depend_on_the_cut_within_the_window(stream: Stream) -> None:
    # Documented: a batch is clustered together, so where batches are cut (within the window)
    # can change labels; this pins that the difference is real, not a claim.
    vec = _en().fit(stream.titles[:600])
    one = newsim.StoryTracker(vectorizer=vec, partial_fit=False)
    stream.feed(one, [], 600)
    many = newsim.StoryTracker(vectorizer=vec, partial_fit=False)
    stream.feed(many, list(range(10, 600, 10)), 600)
    assert not np.array_equal(one.labels_, many.labels_)


def test_the_vectorizer_passed_is_not_changed() -> None:
    vec = _en()
    tracker = newsim.StoryTracker(vectorizer=vec)
    tracker.update(["rates rise", "rates rise again"], dates=["2014-03-10", "2014-03-11"])
    assert not hasattr(vec, "_core") or vec._core is None
    assert tracker.vectorizer_.n_documents_ == 2


# ------------------------------------------------------------------------------ windows


def test_a_similar_article_after_the_window_opens_a_new_story() -> None:
    texts = ["volcano erupts in iceland", "iceland volcano erupts again"]
    within = newsim.StoryTracker(window="2D", vectorizer=_en())
    within.update(texts[:1], dates=["2010-04-14 12:00"])
    assert within.update(texts[1:], dates=["2010-04-16 12:00"]).tolist() == [0]  # exactly 2 days
    after = newsim.StoryTracker(window="2D", vectorizer=_en())
    after.update(texts[:1], dates=["2010-04-14 12:00"])
    assert after.update(texts[1:], dates=["2010-04-16 12:01"]).tolist() == [1]
    frame = after.stories()
    assert frame["status"].tolist() == ["quiet", "active"]
    assert frame["active_articles"].tolist() == [0, 1]
    # and in one batch: the window separates articles of the same batch too
    one = newsim.StoryTracker(window="2D", vectorizer=_en())
    one.update(texts, dates=["2010-04-14 12:00", "2010-04-16 12:01"])
    assert one.labels_.tolist() == [0, 1]


def test_a_story_kept_alive_stays_open_past_the_window() -> None:
    tracker = newsim.StoryTracker(window="2D", vectorizer=_en())
    days = ["2010-04-14", "2010-04-15", "2010-04-17", "2010-04-19"]
    for day in days:
        tracker.update(["iceland volcano erupts"], dates=[day])
    assert tracker.labels_.tolist() == [0, 0, 0, 0]  # each within 2 days of the last


def test_windows_of_every_kind() -> None:
    for window in ("36h", dt.timedelta(hours=36), np.timedelta64(36, "h"), pd.Timedelta("36h")):
        tracker = newsim.StoryTracker(window=window, vectorizer=_en())
        tracker.update(["iceland volcano erupts"], dates=["2010-04-14 00:00"])
        assert tracker.update(["iceland volcano erupts"], dates=["2010-04-15 12:00"]).tolist() == [
            0
        ]
        assert tracker.update(["iceland volcano erupts"], dates=["2010-04-17 00:01"]).tolist() == [
            1
        ]
        assert tracker.window_ == pd.Timedelta("36h")


# ------------------------------------------------------------------------------ lineage


def test_an_article_linking_two_open_stories_merges_them() -> None:
    tracker = newsim.StoryTracker(window="3D", vectorizer=_en())
    first = tracker.update(
        [
            "volcano erupts in iceland",
            "iceland volcano erupts again",
            "airline flights cancelled over europe",
            "europe airline flights cancelled",
        ],
        dates=pd.to_datetime(
            ["2010-04-14 08:00", "2010-04-14 09:00", "2010-04-14 10:00", "2010-04-14 11:00"]
        ),
    )
    assert first.tolist() == [0, 0, 1, 1]
    bridge = tracker.update(
        ["iceland volcano ash: airline flights cancelled over europe"], dates=["2010-04-15 08:00"]
    )
    assert bridge.tolist() == [0]  # the older story continues
    lineage = tracker.lineage
    assert lineage[["event", "story", "other"]].values.tolist() == [["merge", 1, 0]]
    assert lineage["date"].tolist() == [pd.Timestamp("2010-04-15 08:00")]
    # story 1's later articles take story 0's label; its earlier ones keep theirs
    assert tracker.update(
        ["more europe airline flights cancelled"], dates=["2010-04-15 09:00"]
    ).tolist() == [0]
    assert tracker.labels_.tolist() == [0, 0, 1, 1, 0, 0]
    frame = tracker.stories().set_index("story")
    assert frame.loc[1, "status"] == "merged" and frame.loc[1, "merged_into"] == 0
    assert frame.loc[0, "status"] == "active" and pd.isna(frame.loc[0, "merged_into"])
    assert frame.loc[0, "active_articles"] == 6 and frame.loc[1, "active_articles"] == 0


def test_join_threshold_decides_joining_an_open_story() -> None:
    texts = ["volcano erupts in iceland", "volcano ash grounds flights"]  # one shared term
    for join_threshold, expected in ((0.05, [0, 0]), (0.99, [0, 1])):
        tracker = newsim.StoryTracker(vectorizer=_en(), join_threshold=join_threshold)
        tracker.update(texts[:1], dates=["2010-04-14"])
        tracker.update(texts[1:], dates=["2010-04-15"])
        assert tracker.labels_.tolist() == expected
    # within one batch the articles group at ``threshold``: the join threshold does not apply
    one = newsim.StoryTracker(vectorizer=_en(), join_threshold=0.99)
    assert one.update(texts, dates=["2010-04-14", "2010-04-15"]).tolist() == [0, 0]
    with pytest.raises(ValueError, match=r"join_threshold must be >= threshold \(0.03\) or inf"):
        newsim.StoryTracker(join_threshold=0.02)


def test_merge_threshold_decides_merges() -> None:
    texts = [
        "volcano erupts in iceland",
        "iceland volcano erupts again",
        "airline flights cancelled over europe",
        "europe airline flights cancelled",
    ]
    dates = pd.to_datetime(
        ["2010-04-14 08:00", "2010-04-14 09:00", "2010-04-14 10:00", "2010-04-14 11:00"]
    )
    bridge = ["iceland volcano ash: airline flights cancelled over europe"]
    never = newsim.StoryTracker(vectorizer=_en(), merge_threshold=float("inf"))
    never.update(texts, dates=dates)
    # it joins the story it links to more strongly (4 shared terms with the airline story's
    # articles, 2 with the volcano story's), and nothing merges
    assert never.update(bridge, dates=["2010-04-15"]).tolist() == [1]
    assert never.lineage.shape[0] == 0
    assert never.stories()["status"].tolist() == ["active", "active"]
    with pytest.raises(ValueError, match=r"merge_threshold must be >= threshold \(0.03\) or inf"):
        newsim.StoryTracker(merge_threshold=0.01)
    with pytest.raises(ValueError, match="merge_threshold must be >= threshold"):
        newsim.StoryTracker(merge_threshold=float("nan"))
    with pytest.raises(TypeError, match="merge_threshold must be a number, got str"):
        newsim.StoryTracker(merge_threshold="high")  # type: ignore[arg-type]


def test_a_story_whose_parts_stop_linking_splits() -> None:
    tracker = newsim.StoryTracker(window="2D", vectorizer=_en())
    # one article about both threads, then one article on each, linked only through it
    assert tracker.update(
        ["volcano erupts, airline flights cancelled"], dates=["2010-04-14"]
    ).tolist() == [0]
    assert tracker.update(
        ["volcano erupts again", "airline flights cancelled again"], dates=["2010-04-15"] * 2
    ).tolist() == [0, 0]
    # on the 17th the first article leaves the window: the two threads no longer link
    later = tracker.update(["airline flights cancelled for a third day"], dates=["2010-04-17"])
    assert later.tolist() == [1]
    lineage = tracker.lineage
    assert lineage[["event", "story", "other"]].values.tolist() == [["split", 1, 0]]
    assert lineage["date"].tolist() == [pd.Timestamp("2010-04-17")]
    frame = tracker.stories().set_index("story")
    assert frame.loc[1, "split_from"] == 0 and pd.isna(frame.loc[0, "split_from"])
    assert frame.loc[0, "size"] == 3 and frame.loc[1, "size"] == 1  # labels kept
    assert frame.loc[0, "active_articles"] == 1 and frame.loc[1, "active_articles"] == 2
    # the volcano thread keeps story 0
    assert tracker.update(["volcano erupts once more"], dates=["2010-04-17"]).tolist() == [0]


# ------------------------------------------------------------------------------ results


def test_stories_frame_sources_dates_keywords_ids() -> None:
    tracker = newsim.StoryTracker(window="1D", vectorizer=_en(), keywords=2)
    texts = ["eBay rejects Icahn board nominees", "Icahn board nominees rejected by eBay", "rates"]
    tracker.update(
        texts,
        dates=pd.to_datetime(
            ["2014-03-10 08:00", "2014-03-10 09:00", "2014-03-10 10:00"]
        ).tz_localize("Europe/Berlin"),
        sources=["Reuters", None, "AP"],
        ids=["a", "b", "c"],
    )
    frame = tracker.stories()
    assert frame["sources"].tolist() == [["Reuters"], ["AP"]]
    assert frame["n_sources"].tolist() == [1, 1]
    assert frame["first_date"].tolist() == [
        pd.Timestamp("2014-03-10 07:00", tz="UTC"),
        pd.Timestamp("2014-03-10 09:00", tz="UTC"),
    ]
    assert frame["last_date"][0] == pd.Timestamp("2014-03-10 08:00", tz="UTC")
    # keywords: the heaviest terms of the summed rows (equal weights: by name), as a fit gives
    X = _en().fit(texts)
    rows = X.transform(texts).toarray()
    names = X.get_feature_names_out()
    for story, members in ((0, [0, 1]), (1, [2])):
        total = rows[members].sum(axis=0)
        ranked = sorted((-w, str(t)) for w, t in zip(total, names) if w > 0)
        assert frame["keywords"][story] == [t for _, t in ranked[:2]]
    assert tracker.ids_.tolist() == ["a", "b", "c"]
    assert repr(tracker) == (
        "StoryTracker(window=1 days 00:00:00, k=20, threshold=0.03, n_articles=3, n_stories=2, "
        "active=2, merges=0, splits=0)"
    )
    assert "<table" in tracker._repr_html_()


def test_empty_batch_changes_nothing() -> None:
    tracker = newsim.StoryTracker()
    assert tracker.update([], dates=[]).tolist() == []
    assert tracker.n_articles == 0 and tracker.stories().shape[0] == 0
    assert tracker.lineage.shape == (0, 4)


# ------------------------------------------------------------------------------ saving


def _stream_state(tracker: newsim.StoryTracker) -> tuple[Any, ...]:
    return tracker.labels_, tracker.lineage, tracker.stories(), tracker.ids_


def _assert_same(a: newsim.StoryTracker, b: newsim.StoryTracker) -> None:
    for x, y in zip(_stream_state(a), _stream_state(b)):
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x, y)
        else:
            np.testing.assert_array_equal(x, y)


def test_save_load_and_continue_equals_continuing(stream: Stream, tmp_path: Path) -> None:
    cuts = [200, 400, 600]
    tracker = newsim.StoryTracker(window="12h")  # short: articles leave the window
    stream.feed(tracker, cuts[:2], 600)
    path = tmp_path / "tracker.newsim"
    tracker.save(path)
    loaded = newsim.StoryTracker.load(path)
    _assert_same(tracker, loaded)
    assert repr(loaded) == repr(tracker)
    unpickled = pickle.loads(pickle.dumps(tracker))
    _assert_same(tracker, unpickled)
    for t in (tracker, loaded, unpickled):
        t.update(
            stream.titles[600:900], dates=stream.dates[600:900], sources=stream.sources[600:900]
        )
    _assert_same(tracker, loaded)
    _assert_same(tracker, unpickled)
    assert tracker.vectorizer_.n_documents_ == loaded.vectorizer_.n_documents_ == 900


def test_save_load_keeps_ids_and_the_window_kind(tmp_path: Path) -> None:
    tracker = newsim.StoryTracker(window=dt.timedelta(hours=5), vectorizer=_en())
    tracker.update(
        ["rates rise", "rates rise again"], dates=["2014-03-10", "2014-03-10"], ids=[7, "x"]
    )
    tracker.save(tmp_path / "t")
    loaded = newsim.StoryTracker.load(tmp_path / "t")
    assert loaded.ids_.tolist() == [7, "x"] and loaded.window_ == pd.Timedelta("5h")
    with pytest.raises(ValueError, match=r"ids\[0\] = 'x' is already tracked"):
        loaded.update(["rates"], dates=["2014-03-11"], ids=["x"])


def test_a_damaged_file_is_refused(tmp_path: Path) -> None:
    tracker = newsim.StoryTracker(vectorizer=_en())
    tracker.update(["rates rise", "rates rise again"], dates=["2014-03-10", "2014-03-11"])
    path = tmp_path / "tracker.newsim"
    tracker.save(path)
    blob = path.read_bytes()
    flipped = bytearray(blob)
    flipped[len(blob) // 2] ^= 0xFF
    cases = {
        "flipped": (bytes(flipped), "checksum does not match"),
        "truncated": (blob[:-10], "truncated"),
        "not a tracker": (b"PK\x03\x04" + blob[4:], "not a StoryTracker file"),
        "newer": (blob[:16] + (99).to_bytes(4, "little") + blob[20:], "written by a newer newsim"),
    }
    for data, message in cases.values():
        path.write_bytes(data)
        with pytest.raises(newsim.ModelFormatError, match=message):
            newsim.StoryTracker.load(path)


def test_save_refuses_a_foreign_vectorizer_but_pickles(tmp_path: Path) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer as SkTfidf

    vec = SkTfidf().fit(["rates rise", "rates fall"])
    tracker = newsim.StoryTracker(vectorizer=vec, partial_fit=False)
    assert tracker.update(["rates rise", "rates rise"], dates=["2014-03-10"] * 2).tolist() == [0, 0]
    with pytest.raises(TypeError, match="save needs one of newsim's vectorizers"):
        tracker.save(tmp_path / "t")
    assert pickle.loads(pickle.dumps(tracker)).labels_.tolist() == [0, 0]


# ------------------------------------------------------------------------------ bad input


def _tracker_with_one(date: str = "2014-03-10 12:00") -> newsim.StoryTracker:
    tracker = newsim.StoryTracker(vectorizer=_en())
    tracker.update(["rates rise"], dates=[date])
    return tracker


@pytest.mark.parametrize(
    ("dates", "error", "message"),
    [
        (
            ["2014-03-10", "not a date"],
            ValueError,
            r"dates\[1\] is 'not a date', which does not parse",
        ),
        (["2014-03-10", None], ValueError, r"dates\[1\] is missing \(None\)"),
        ([pd.Timestamp("2014-03-10"), pd.NaT], ValueError, r"dates\[1\] is missing"),
        (
            ["2014-03-10T08:00", "2014-03-10T09:00+01:00"],
            ValueError,
            r"dates mixes time-zone aware and naive dates: dates\[0\].*dates\[1\]",
        ),
        (["2014-03-10", 5], TypeError, r"dates\[1\] is 5 \(int\), not a date"),
        (["2014-03-10"], ValueError, r"dates has 1 entries for 2 articles"),
        (
            ["2014-03-11", "2014-03-10"],
            ValueError,
            r"dates\[1\] \(2014-03-10 00:00:00\) is earlier than dates\[0\] \(2014-03-11 00:00:00\)"
            r": a StoryTracker takes articles in time order; sort the batch",
        ),
    ],
)
def test_bad_dates(dates: list[Any], error: type[Exception], message: str) -> None:
    tracker = newsim.StoryTracker(vectorizer=_en())
    with pytest.raises(error, match=message):
        tracker.update(["rates rise", "rates fall"], dates=dates)
    assert tracker.n_articles == 0  # nothing was taken


def test_a_batch_earlier_than_the_last_date_is_refused() -> None:
    tracker = _tracker_with_one()
    with pytest.raises(
        ValueError,
        match=r"dates\[0\] \(2014-03-10 11:00:00\) is earlier than the last date already tracked "
        r"\(2014-03-10 12:00:00, article 0\): batches must come in time order",
    ):
        tracker.update(["rates", "rates"], dates=["2014-03-10 11:00", "2014-03-10 13:00"])
    assert tracker.n_articles == 1 and tracker.vectorizer_.n_documents_ == 1
    # the same date as the last one is in order
    assert tracker.update(["rates rise"], dates=["2014-03-10 12:00"]).tolist() == [0]


def test_aware_after_naive_batches_is_refused() -> None:
    tracker = _tracker_with_one()
    with pytest.raises(
        ValueError,
        match=r"dates\[0\] is time-zone aware, but the earlier batches' dates are naive",
    ):
        tracker.update(["rates"], dates=["2014-03-11T08:00+00:00"])


def test_dates_are_required() -> None:
    with pytest.raises(TypeError, match="dates is required"):
        newsim.StoryTracker().update(["rates"], dates=None)


@pytest.mark.parametrize(
    ("window", "error", "message"),
    [
        ("-1D", ValueError, r"window must be a positive duration .* got -1 days"),
        (dt.timedelta(0), ValueError, r"window must be a positive duration"),
        ("three days", ValueError, r"window='three days' does not parse as a duration"),
        ("3", ValueError, r"window='3' has no unit"),
        (3, TypeError, r"window=3 is a number, not a duration; pass e.g. window='3D'"),
        (None, TypeError, r"window=None \(NoneType\) is not a duration"),
        (pd.NaT, TypeError, r"window=NaT \(NaTType\) is not a duration"),
    ],
)
def test_bad_windows(window: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        newsim.StoryTracker(window=window)


def test_bad_sources_ids_texts_and_parameters() -> None:
    tracker = newsim.StoryTracker(vectorizer=_en())
    two = ["rates rise", "rates fall"]
    days = ["2014-03-10", "2014-03-11"]
    with pytest.raises(
        ValueError, match=r"sources has 1 entries for 2 articles; pass one per article"
    ):
        tracker.update(two, dates=days, sources=["AP"])
    with pytest.raises(TypeError, match=r"sources\[1\] is 3 \(int\): sources must be str"):
        tracker.update(two, dates=days, sources=["AP", 3])
    with pytest.raises(
        TypeError, match="sources must be a sequence of str, one per article, got a bare str"
    ):
        tracker.update(two, dates=days, sources="AP")
    with pytest.raises(ValueError, match=r"ids\[1\] = 'a' repeats ids\[0\]"):
        tracker.update(two, dates=days, ids=["a", "a"])
    with pytest.raises(TypeError, match=r"ids\[0\] is 1.5 \(float\): ids must be str or int"):
        tracker.update(two, dates=days, ids=[1.5, 2])
    with pytest.raises(TypeError, match=r"texts\[1\] is None \(NoneType\), expected str"):
        tracker.update(["rates", None], dates=days)  # type: ignore[list-item]
    with pytest.raises(
        TypeError, match="texts must be a sequence of str, one per article, got a bare str"
    ):
        tracker.update("rates rise", dates=days)
    assert tracker.n_articles == 0
    tracker.update(two, dates=days)
    with pytest.raises(ValueError, match="ids given, but earlier batches had none"):
        tracker.update(["rates"], dates=["2014-03-12"], ids=["z"])
    with pytest.raises(ValueError, match=r"k must be in \[1, 1000\]"):
        newsim.StoryTracker(k=0)
    with pytest.raises(ValueError, match=r"threshold must be in \(0, 1\]"):
        newsim.StoryTracker(threshold=1.5)
    with pytest.raises(ValueError, match="partial_fit=False needs a fitted vectorizer"):
        newsim.StoryTracker(vectorizer=_en(), partial_fit=False)
    with pytest.raises(TypeError, match=r"vectorizer must have a partial_fit\(\) method"):
        from sklearn.feature_extraction.text import TfidfVectorizer as SkTfidf

        newsim.StoryTracker(vectorizer=SkTfidf())


# ------------------------------------------------------------------------------ docs, benchmark


def test_bench_tracker_rows_smoke(tmp_path: Path) -> None:
    import json

    _require(corpora.UCI_STORIES_FILE)
    from benchmarks import bench_stories

    out, raw = tmp_path / "RESULTS.md", tmp_path / "raw.json"
    argv = ["--only-tracker", "--tracker-batches", "D", "--rounds", "1", "--tracker-n", "300"]
    argv += ["--tracker-days", "3", "--out", str(out), "--json", str(raw)]
    assert bench_stories.main(argv) == 0
    data = json.loads(raw.read_text(encoding="utf-8"))
    (row,) = data["tracker"]
    assert row["batches"] == 3 and row["ari"] >= 0.80 and row["same_every_round"]
    (scale,) = data["tracker_scale"]
    assert scale["n"] == 300 and scale["batches"] == 3
    text = out.read_text(encoding="utf-8")
    assert "<!-- stories-tracker:begin -->" in text
    assert f"| one batch per UTC day (3 batches) | {row['ari']:.3f} |" in text
    assert f"| 300 | 3 | {scale['seconds']:.1f} |" in text
