"""Tests for newsim.datasets and the bundled data files."""

from __future__ import annotations

import collections
import dataclasses
import datetime
import os
import pathlib
from collections.abc import Callable
from importlib import resources
from typing import Any

import pytest

from newsim import datasets
from newsim.datasets import Corpus

ENV = "NEWSIM_DATA_DIR"

GNAD_LABEL_COUNTS = {
    "Etat": 67,
    "Inland": 102,
    "International": 151,
    "Kultur": 54,
    "Panorama": 168,
    "Sport": 120,
    "Web": 168,
    "Wirtschaft": 141,
    "Wissenschaft": 57,
}
BBC_LABEL_COUNTS = {
    "business": 510,
    "entertainment": 386,
    "politics": 417,
    "sport": 511,
    "tech": 401,
}
SAMPLE_IDS = ["000_add0c4eea19cf2fa", "003_97cd253745cbbbd8"]


def _find_data_dir() -> pathlib.Path:
    value = os.environ.get(ENV)
    if value:
        return pathlib.Path(value).expanduser()
    repo_root = pathlib.Path(__file__).resolve().parent.parent
    return repo_root.parent / "shared" / "data"


DATA_DIR = _find_data_dir()


@pytest.fixture
def corpus_dir(monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    """The folder holding the corpora, also set as NEWSIM_DATA_DIR."""
    if not all((DATA_DIR / name).is_file() for name in (datasets.GNAD_FILE, datasets.BBC_FILE)):
        pytest.skip(f"corpora not found in {DATA_DIR}; set {ENV}")
    monkeypatch.setenv(ENV, str(DATA_DIR))
    return DATA_DIR


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)


# --- full corpora ------------------------------------------------------------


@pytest.mark.slow
def test_10kgnad_counts_and_labels(corpus_dir: pathlib.Path) -> None:
    corpus = datasets.load_10kgnad()
    assert len(corpus) == 1028
    assert corpus.name == "10kgnad_test"
    assert corpus.labels is not None
    assert dict(collections.Counter(corpus.labels)) == GNAD_LABEL_COUNTS
    assert corpus.ids == [str(i) for i in range(1028)]
    assert len(set(corpus.texts)) == 1028
    assert all(67 <= len(text) <= 32_600 for text in corpus.texts)
    # The quote character is ', so no parsed field may still start with one
    # that belonged to the quoting.
    assert not any(text.startswith("'") and text.endswith("'") for text in corpus.texts)
    assert all(len(title) <= 80 for title in corpus.titles)
    assert all(text.startswith(title) for text, title in zip(corpus.texts, corpus.titles))
    assert repr(corpus) == "Corpus(name='10kgnad_test', n=1028, labels=9)"


@pytest.mark.slow
def test_bbc_counts_and_labels(corpus_dir: pathlib.Path) -> None:
    corpus = datasets.load_bbc()
    assert len(corpus) == 2225
    assert corpus.name == "bbc_news"
    assert corpus.labels is not None
    assert dict(collections.Counter(corpus.labels)) == BBC_LABEL_COUNTS
    assert corpus.ids[0] == "business/001.txt"
    assert all(i.startswith(f"{label}/") for i, label in zip(corpus.ids, corpus.labels))
    assert len(set(corpus.ids)) == 2225
    assert len(set(corpus.texts)) == 2127  # 98 exact duplicates, as documented
    assert all(text.endswith("\n") for text in corpus.texts)
    assert all(title and "\n" not in title for title in corpus.titles)
    assert all(text.startswith(title) for text, title in zip(corpus.texts, corpus.titles))
    assert repr(corpus) == "Corpus(name='bbc_news', n=2225, labels=5)"


@pytest.mark.slow
def test_uci_stories_counts_dates_and_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    if not (DATA_DIR / datasets.UCI_STORIES_FILE).is_file():
        pytest.skip(f"{datasets.UCI_STORIES_FILE} not found in {DATA_DIR}; set {ENV}")
    monkeypatch.setenv(ENV, str(DATA_DIR))
    corpus = datasets.load_uci_stories()
    # the data README's numbers: 3,259 headlines, 44 stories of 9 to 322 headlines, over
    # 2014-03-10 to 2014-03-12 (UTC); its "1,948 publishers" are not this file's 1,324
    assert len(corpus) == 3259
    assert corpus.name == "uci_news_stories_dev"
    assert corpus.labels is not None and corpus.sources is not None and corpus.dates is not None
    sizes = collections.Counter(corpus.labels)
    assert (len(sizes), min(sizes.values()), max(sizes.values())) == (44, 9, 322)
    assert len(set(corpus.sources)) == 1324
    assert len(set(corpus.ids)) == 3259
    assert corpus.texts == corpus.titles
    assert corpus.texts[1] == "EBay, Icahn talk smack"  # a quoted field
    assert corpus.sources[1] == "Seattle Post Intelligencer \\(blog\\)"
    assert all(d.tzinfo == datetime.timezone.utc for d in corpus.dates)
    assert corpus.dates == sorted(corpus.dates)  # the file is in time order
    assert str(min(corpus.dates).date()) == "2014-03-10"
    assert str(max(corpus.dates).date()) == "2014-03-12"


@pytest.mark.slow
def test_path_argument_overrides_env(
    corpus_dir: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV)
    assert len(datasets.load_10kgnad(corpus_dir)) == 1028
    assert len(datasets.load_10kgnad(str(corpus_dir / datasets.GNAD_FILE))) == 1028
    monkeypatch.setenv(ENV, "/nonexistent/newsim-data")
    assert len(datasets.load_bbc(corpus_dir)) == 2225


def test_data_dir_resolves_env(monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path) -> None:
    monkeypatch.setenv(ENV, str(tmp_path))
    assert datasets.data_dir() == tmp_path


# --- bundled sample ----------------------------------------------------------


def test_sample_loads_two_german_articles(no_env: None) -> None:
    corpus = datasets.load_sample()
    assert len(corpus) == 2
    assert corpus.name == "sample"
    assert corpus.ids == SAMPLE_IDS
    assert corpus.labels is None
    assert repr(corpus) == "Corpus(name='sample', n=2, labels=None)"
    assert corpus.titles[0].startswith("US-Initiative Stargate")
    assert corpus.titles[1].startswith("Die USA dominiert künstliche Intelligenz")
    for text, title in zip(corpus.texts, corpus.titles):
        assert len(text) > 1000
        assert text.lstrip().startswith(title)
        words = set(text.lower().split())
        assert {"und", "die", "der"} <= words  # German function words


# --- errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loader", "filename"),
    [
        (datasets.load_10kgnad, "10kgnad_test.csv"),
        (datasets.load_bbc, "bbc_news.csv"),
        (datasets.load_uci_stories, "uci_news_stories_dev.csv"),
    ],
)
def test_missing_env_var(no_env: None, loader: Callable[[], Corpus], filename: str) -> None:
    with pytest.raises(FileNotFoundError, match=ENV) as info:
        loader()
    assert filename in str(info.value)
    assert "folder holding the corpora" in str(info.value)


def test_data_dir_missing_env_var(no_env: None) -> None:
    with pytest.raises(FileNotFoundError, match=f"{ENV} is not set"):
        datasets.data_dir()


def test_env_var_names_missing_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path) -> None:
    missing = tmp_path / "no-such-dir"
    monkeypatch.setenv(ENV, str(missing))
    with pytest.raises(FileNotFoundError, match=ENV) as info:
        datasets.load_10kgnad()
    assert str(missing) in str(info.value)
    assert "10kgnad_test.csv" in str(info.value)


def test_missing_file_names_path(no_env: None, tmp_path: pathlib.Path) -> None:
    with pytest.raises(FileNotFoundError) as info:
        datasets.load_bbc(tmp_path)
    expected = tmp_path / "bbc_news.csv"
    assert info.value.filename == str(expected)
    assert str(expected) in str(info.value)


def test_missing_file_in_env_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path) -> None:
    monkeypatch.setenv(ENV, str(tmp_path))
    with pytest.raises(FileNotFoundError, match=ENV) as info:
        datasets.load_10kgnad()
    assert str(tmp_path / "10kgnad_test.csv") in str(info.value)


def test_10kgnad_wrong_field_count(no_env: None, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "10kgnad_test.csv"
    path.write_bytes(
        b"Sport;Ein Text\r\nWeb;'Ein ''zitierter'' Text; mit Semikolon'\r\nKultur;a;b\r\n"
    )
    with pytest.raises(ValueError, match=r"line 3: expected 2 fields") as info:
        datasets.load_10kgnad(tmp_path)
    assert str(path) in str(info.value)


def test_10kgnad_quoting(no_env: None, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "10kgnad_test.csv"
    path.write_bytes(b"Sport;Ein \"Text\"\r\nWeb;'Ein ''zitierter'' Text; mit Semikolon'\r\n")
    corpus = datasets.load_10kgnad(path)
    assert corpus.texts == ['Ein "Text"', "Ein 'zitierter' Text; mit Semikolon"]
    assert corpus.labels == ["Sport", "Web"]
    assert corpus.ids == ["0", "1"]


def test_bbc_wrong_field_count(no_env: None, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "bbc_news.csv"
    path.write_text(
        "category,file,text\n"
        'tech,tech/001.txt,"Headline\n\nBody ""quoted"".\n"\n'
        "tech,tech/002.txt\n",
        encoding="utf-8",
    )
    # The first record spans lines 2-5, so the short record starts on line 6.
    with pytest.raises(ValueError, match=r"line 6: expected 3 fields") as info:
        datasets.load_bbc(tmp_path)
    assert str(path) in str(info.value)


def test_bbc_bad_header(no_env: None, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "bbc_news.csv"
    path.write_text("label,text\nsport,Some text\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 1: expected the header"):
        datasets.load_bbc(path)


def test_bbc_small_file(no_env: None, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "bbc_news.csv"
    path.write_text(
        'category,file,text\ntech,tech/001.txt,"Headline\n\nBody ""quoted"".\n"\n',
        encoding="utf-8",
    )
    corpus = datasets.load_bbc(path)
    assert corpus.texts == ['Headline\n\nBody "quoted".\n']
    assert corpus.ids == ["tech/001.txt"]
    assert corpus.titles == ["Headline"]
    assert corpus.labels == ["tech"]


UCI_HEADER = "ID,TITLE,URL,PUBLISHER,CATEGORY,STORY,HOSTNAME,TIMESTAMP\r\n"


def test_uci_stories_small_file(no_env: None, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "uci_news_stories_dev.csv"
    path.write_text(
        UCI_HEADER + '7,"Fed, ECB hold rates",http://x.example/1,Reuters,b,S1,x.example,0\r\n'
        "9,Rates on hold,http://y.example/2,AP,b,S1,y.example,1394470920294\r\n",
        encoding="utf-8",
        newline="",
    )
    corpus = datasets.load_uci_stories(tmp_path)
    assert corpus.texts == corpus.titles == ["Fed, ECB hold rates", "Rates on hold"]
    assert corpus.ids == ["7", "9"]
    assert corpus.labels == ["S1", "S1"]
    assert corpus.sources == ["Reuters", "AP"]
    assert corpus.dates is not None
    assert [d.isoformat() for d in corpus.dates] == [
        "1970-01-01T00:00:00+00:00",
        "2014-03-10T17:02:00.294000+00:00",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("ID,TITLE\r\n1,a\r\n", "line 1: expected the header"),
        ("", "line 1: expected the header .* found an empty file"),
        (UCI_HEADER + "1,a,u,p,b,S,h\r\n", "line 2: expected 8 fields, found 7"),
        (UCI_HEADER + "1,a,u,p,b,S,h,2014-03-10\r\n", "line 2: TIMESTAMP is '2014-03-10'"),
    ],
    ids=["header", "empty", "fields", "timestamp"],
)
def test_uci_stories_bad_file(
    no_env: None, tmp_path: pathlib.Path, content: str, message: str
) -> None:
    path = tmp_path / "uci_news_stories_dev.csv"
    path.write_text(content, encoding="utf-8", newline="")
    with pytest.raises(ValueError, match=message) as info:
        datasets.load_uci_stories(path)
    assert str(path) in str(info.value)


# --- Corpus ------------------------------------------------------------------


def test_corpus_is_frozen_and_checks_lengths() -> None:
    corpus = Corpus(texts=["a", "b"], ids=["1", "2"], labels=None, titles=["a", "b"], name="x")
    assert len(corpus) == 2
    assert repr(corpus) == "Corpus(name='x', n=2, labels=None)"
    with pytest.raises(dataclasses.FrozenInstanceError):
        corpus.name = "y"  # type: ignore[misc]
    with pytest.raises(ValueError, match="labels"):
        Corpus(texts=["a"], ids=["1"], labels=["p", "q"], titles=["a"], name="x")
    assert corpus.dates is None and corpus.sources is None
    with pytest.raises(ValueError, match="sources has 1 entries, texts has 2"):
        Corpus(texts=["a", "b"], ids=["1", "2"], labels=None, titles=["a", "b"], name="x",
               sources=["AP"])  # fmt: skip
    with pytest.raises(ValueError, match="dates has 0 entries"):
        Corpus(texts=["a"], ids=["1"], labels=None, titles=["a"], name="x", dates=[])


# --- stop word files ---------------------------------------------------------


def _read_stopwords(name: str) -> tuple[list[str], list[str]]:
    text = (
        resources.files("newsim").joinpath("data").joinpath("stopwords").joinpath(name)
    ).read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    words = [line for line in text.splitlines() if line and not line.startswith("#")]
    return comments, words


def test_german_stopwords() -> None:
    comments, words = _read_stopwords("german.txt")
    assert any("Snowball" in line for line in comments)
    assert any("BSD-3-Clause" in line for line in comments)
    assert len(words) == 231
    assert len(set(words)) == 231
    assert all(word == word.strip().lower() and " " not in word for word in words)
    assert {"aber", "daß", "für", "über", "würden", "zwischen"} <= set(words)


def test_english_stopwords_match_sklearn() -> None:
    text_module = pytest.importorskip("sklearn.feature_extraction.text")
    comments, words = _read_stopwords("english.txt")
    assert any("scikit-learn" in line for line in comments)
    assert any("BSD-3-Clause" in line for line in comments)
    assert words == sorted(words)
    assert set(words) == set(text_module.ENGLISH_STOP_WORDS)
    assert len(words) == len(text_module.ENGLISH_STOP_WORDS)


# ----------------------------------------------------------------------------- generated corpora


def test_generate_is_the_benchmarks_generator() -> None:
    """datasets.generate makes the documents benchmarks/generate.py makes (cached corpora)."""
    import hashlib
    import sys

    root = pathlib.Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    try:
        from benchmarks import generate as gen
    finally:
        sys.path.remove(str(root))
    docs = datasets.generate(1000, seed=0)
    assert docs == gen.generate(1000, seed=0)
    digest = hashlib.sha256("\n".join(docs).encode()).hexdigest()
    # the corpus before the generator moved into the package (bench caches are keyed on it)
    assert digest == "ae7c1e59aea5bb56d192a16d775a4245c69f082ce3e2b7c26981fadd68396f9a"
    assert datasets.generated_topics(2500, seed=3).tolist() == gen.primary_topics(2500, 3).tolist()
    assert datasets.generated_stop_words() == gen.function_words()


@pytest.mark.parametrize(("n", "start"), [(1, 0), (1, 999), (2, 999), (1700, 900), (1000, 1000)])
def test_generate_ranges_are_slices_of_one_corpus(n: int, start: int) -> None:
    whole = datasets.generate(3000, seed=2)
    assert datasets.generate(n, seed=2, start=start) == whole[start : start + n]
    topics = datasets.generated_topics(3000, seed=2)
    assert datasets.generated_topics(n, seed=2, start=start).tolist() == (
        topics[start : start + n].tolist()
    )


def test_generate_nothing_and_bad_arguments() -> None:
    assert datasets.generate(0) == []
    assert datasets.generated_topics(0, start=5).shape == (0,)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"n": -1}, "n"),
        ({"n": 2.5}, "n"),
        ({"n": 1, "seed": -1}, "seed"),
        ({"n": 1, "start": True}, "start"),
    ]
    for kwargs, name in cases:
        with pytest.raises(ValueError, match=f"{name} must be an int >= 0"):
            datasets.generate(**kwargs)
        with pytest.raises(ValueError, match=f"{name} must be an int >= 0"):
            datasets.generated_topics(**kwargs)


def test_generated_topics_are_topical() -> None:
    import numpy as np

    import newsim

    docs = datasets.generate(2000)
    vec = newsim.TfidfVectorizer(language=None, stop_words=datasets.generated_stop_words())
    top = vec.index(docs).top_k(1, progress=False)
    topics = datasets.generated_topics(2000)
    assert np.mean(topics[top.ids[:, 0]] == topics) > 0.8
