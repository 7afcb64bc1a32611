"""Benchmark corpora: loaders for the shared data sets and a deterministic scaler.

Data directory: ``$NEWSIM_DATA_DIR`` if set, else ``<repo root>/../shared/data``
(repo root = the parent of ``benchmarks/``).  The file formats are described in
that directory's README.md; the files are read as-is, never modified.

``scaled(texts, copies, seed)`` builds a bigger corpus out of a small one.  The rule:

* The result is copy-major: ``copies * len(texts)`` documents, copy 0 (all
  documents, unchanged) first, then copy 1, and so on.
* In copy ``c > 0`` of document ``i``, let ``n`` be its number of
  whitespace-separated words (``str.split()``).  ``k = round(0.02 * n)`` words are
  picked at random among the words that contain at least one letter (at least
  one word if the document has any such word, so that no copy is an exact
  duplicate; never more than there are such words).  The random generator is
  ``random.Random(f"{seed}/{c}/{i}")`` (string seeds are hashed with SHA-512, so
  the choice does not depend on PYTHONHASHSEED, the platform or the Python
  version).
* A picked word becomes a synthetic word: the suffix ``"x" + tag(c)`` is inserted
  right after the word's *last run of letters*, where ``tag(c)`` writes ``c`` in
  bijective base 26 with the letters a-z (1 -> "a", 10 -> "j", 26 -> "z",
  27 -> "aa").  E.g. in copy 3, ``Regierung,`` becomes ``Regierungxc,`` and
  ``"Covid-19"`` becomes ``"Covidxc-19"``.  Punctuation, digits and all
  whitespace stay where they were.

Letters only (no digits) in the suffix keep the synthetic word one token for
every tokenizer we compare (scikit-learn's ``\\w\\w+``, gensim's alphabetic
``simple_preprocess``, ICU word breaks), so the vocabulary grows with the number
of copies (about one new term per replaced word and copy, like new names in
real news) while the text stays text.  The documents grow by about 2% of their
words times 2-3 bytes, i.e. about 0.3% in size.
"""

from __future__ import annotations

import csv
import os
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

GNAD_FILE = "10kgnad_test.csv"
BBC_FILE = "bbc_news.csv"
UCI_STORIES_FILE = "uci_news_stories_dev.csv"

#: fraction of the words of a document replaced in each copy c > 0
REPLACE_FRACTION = 0.02

_WORD = re.compile(r"\S+")
# the last run of letters in a whitespace token: letters followed only by non-letters
_LAST_LETTERS = re.compile(r"[^\W\d_]+(?=[\W\d_]*\Z)")


@dataclass
class Corpus:
    """A labelled corpus: ``texts[i]`` has label ``labels[i]``."""

    name: str
    texts: list[str]
    labels: list[str] = field(default_factory=list)
    language: str = ""

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def n_bytes(self) -> int:
        """Total size of the texts in UTF-8 bytes."""
        return corpus_bytes(self.texts)


def data_dir() -> Path:
    """Directory holding the corpora (``$NEWSIM_DATA_DIR`` or ``<repo>/../shared/data``)."""
    env = os.environ.get("NEWSIM_DATA_DIR")
    if env:
        return Path(env)
    return REPO_ROOT.parent / "shared" / "data"


def _path(filename: str, directory: str | os.PathLike[str] | None) -> Path:
    path = Path(directory) / filename if directory is not None else data_dir() / filename
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found; set NEWSIM_DATA_DIR to the directory holding {filename}"
        )
    return path


def load_10kgnad(directory: str | os.PathLike[str] | None = None) -> Corpus:
    """Load the 10kGNAD test split: 1,028 German news articles, 9 labels.

    No header, ``;`` delimiter, ``'`` quote character, CRLF line ends.
    """
    path = _path(GNAD_FILE, directory)
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter=";", quotechar="'"))
    for n, row in enumerate(rows, 1):
        if len(row) != 2:
            raise ValueError(f"{path}:{n}: expected 2 fields, got {len(row)}")
    return Corpus(
        name="10kGNAD test",
        texts=[r[1] for r in rows],
        labels=[r[0] for r in rows],
        language="de",
    )


def load_bbc(directory: str | os.PathLike[str] | None = None) -> Corpus:
    """Load BBC News: 2,225 English articles, 5 labels (98 exact duplicates kept).

    Header ``category,file,text``; standard CSV quoting; texts contain newlines.
    """
    path = _path(BBC_FILE, directory)
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return Corpus(
        name="BBC News",
        texts=[r["text"] for r in rows],
        labels=[r["category"] for r in rows],
        language="en",
    )


@dataclass
class StoryCorpus:
    """Headlines grouped into stories: ``titles[i]`` belongs to ``stories[i]``."""

    titles: list[str]
    stories: list[str]
    publishers: list[str]
    timestamps_ms: list[int]  # milliseconds since 1970-01-01 UTC

    def __len__(self) -> int:
        return len(self.titles)


def load_uci_stories(directory: str | os.PathLike[str] | None = None) -> StoryCorpus:
    """Load the UCI news aggregator's dev split: 3,259 English headlines in 44 stories.

    Header ``ID,TITLE,URL,PUBLISHER,CATEGORY,STORY,HOSTNAME,TIMESTAMP``; standard CSV quoting.
    """
    path = _path(UCI_STORIES_FILE, directory)
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return StoryCorpus(
        titles=[r["TITLE"] for r in rows],
        stories=[r["STORY"] for r in rows],
        publishers=[r["PUBLISHER"] for r in rows],
        timestamps_ms=[int(r["TIMESTAMP"]) for r in rows],
    )


LOADERS = {"10kgnad": load_10kgnad, "bbc": load_bbc}


def load(name: str, directory: str | os.PathLike[str] | None = None) -> Corpus:
    """Load a corpus by its short name (``"10kgnad"`` or ``"bbc"``)."""
    try:
        loader = LOADERS[name]
    except KeyError:
        raise ValueError(f"unknown corpus {name!r}; choose from {sorted(LOADERS)}") from None
    return loader(directory)


def corpus_bytes(texts: Sequence[str]) -> int:
    """Total size of ``texts`` in UTF-8 bytes."""
    return sum(len(t.encode("utf-8")) for t in texts)


def copy_tag(c: int) -> str:
    """Write ``c >= 1`` in bijective base 26 with letters: 1 -> a, 26 -> z, 27 -> aa."""
    if c < 1:
        raise ValueError("copy_tag needs c >= 1")
    out = []
    while c > 0:
        c, r = divmod(c - 1, 26)
        out.append(chr(ord("a") + r))
    return "".join(reversed(out))


def _insertion_points(text: str) -> tuple[int, list[int]]:
    """Return (number of words, offsets where a suffix may go: after a word's last letters)."""
    n_words = 0
    points = []
    for m in _WORD.finditer(text):
        n_words += 1
        last = _LAST_LETTERS.search(m.group())
        if last is not None:
            points.append(m.start() + last.end())
    return n_words, points


def mutate(text: str, c: int, seed: int = 0, index: int = 0) -> str:
    """Copy ``c`` of document number ``index`` under the rule in the module docstring."""
    if c == 0:
        return text
    return _mutate(text, _insertion_points(text), c, seed, index)


def _mutate(text: str, prepared: tuple[int, list[int]], c: int, seed: int, index: int) -> str:
    n_words, points = prepared
    if not points:
        return text
    k = min(len(points), max(1, round(REPLACE_FRACTION * n_words)))
    rng = random.Random(f"{seed}/{c}/{index}")
    chosen = sorted(rng.sample(points, k))
    suffix = "x" + copy_tag(c)
    parts = []
    prev = 0
    for pos in chosen:
        parts.append(text[prev:pos])
        parts.append(suffix)
        prev = pos
    parts.append(text[prev:])
    return "".join(parts)


def scaled(texts: Sequence[str], copies: int, seed: int = 0) -> list[str]:
    """Repeat ``texts`` ``copies`` times, copy 0 unchanged and ~2% of words changed in the rest.

    Deterministic for a given ``seed``; see the module docstring for the exact rule.
    """
    if copies < 1:
        raise ValueError("copies must be >= 1")
    out = list(texts)
    if copies == 1:
        return out
    prepared = [_insertion_points(t) for t in texts]
    for c in range(1, copies):
        out.extend(_mutate(t, p, c, seed, i) for i, (t, p) in enumerate(zip(texts, prepared)))
    return out
