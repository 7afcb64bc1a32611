"""Load the bundled sample articles and the external test corpora.

Two German news articles ship with the package and can be loaded with
:func:`load_sample`. The larger corpora are not bundled: :func:`load_10kgnad`,
:func:`load_bbc` and :func:`load_uci_stories` read them from a folder, which is
the ``path`` argument or, if that is not given, the folder named by the
environment variable ``NEWSIM_DATA_DIR``. :func:`generate` makes synthetic news-like
documents of any number, with :func:`generated_topics` and :func:`generated_stop_words`.
"""

from __future__ import annotations

import csv
import datetime
import errno
import os
import pathlib
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from . import _generate

if TYPE_CHECKING:
    from collections.abc import Generator

__all__ = [
    "BBC_FILE",
    "DATA_DIR_ENV",
    "GNAD_FILE",
    "UCI_STORIES_FILE",
    "Corpus",
    "data_dir",
    "generate",
    "generated_stop_words",
    "generated_topics",
    "load_10kgnad",
    "load_bbc",
    "load_sample",
    "load_uci_stories",
]

#: Environment variable naming the folder that holds the corpora.
DATA_DIR_ENV = "NEWSIM_DATA_DIR"
#: File name of the 10kGNAD test split.
GNAD_FILE = "10kgnad_test.csv"
#: File name of the BBC News corpus.
BBC_FILE = "bbc_news.csv"
#: File name of the UCI news aggregator's headlines grouped into stories.
UCI_STORIES_FILE = "uci_news_stories_dev.csv"

_SAMPLES_PACKAGE = "newsim"
_GNAD_TITLE_CHARS = 80
_BBC_HEADER = ["category", "file", "text"]
_UCI_HEADER = ["ID", "TITLE", "URL", "PUBLISHER", "CATEGORY", "STORY", "HOSTNAME", "TIMESTAMP"]


@dataclass(frozen=True, repr=False)
class Corpus:
    """A corpus of documents with ids, titles and optional labels.

    Parameters
    ----------
    texts : list of str
        The document texts.
    ids : list of str
        One identifier per document.
    labels : list of str or None
        One class label per document, or ``None`` if the corpus is unlabelled.
    titles : list of str
        One short title per document, for display.
    name : str
        The name of the corpus.
    dates : list of datetime.datetime or None, default None
        One publication date per document (time-zone aware), or ``None`` if the corpus has
        none.
    sources : list of str or None, default None
        One source (publisher) per document, or ``None`` if the corpus has none.

    Raises
    ------
    ValueError
        If ``ids``, ``titles``, ``labels``, ``dates`` or ``sources`` do not have one entry
        per text.

    See Also
    --------
    load_sample, load_10kgnad, load_bbc : The loaders that return a corpus.

    Examples
    --------
    >>> from newsim.datasets import Corpus
    >>> corpus = Corpus(texts=["Erster Text", "Zweiter Text"], ids=["a", "b"], labels=None,
    ...                 titles=["Erster", "Zweiter"], name="mine")
    >>> corpus, len(corpus)
    (Corpus(name='mine', n=2, labels=None), 2)

    """

    texts: list[str]
    ids: list[str]
    labels: list[str] | None
    titles: list[str]
    name: str
    dates: list[datetime.datetime] | None = None
    sources: list[str] | None = None

    def __post_init__(self) -> None:
        n = len(self.texts)
        fields: dict[str, list[str] | list[datetime.datetime] | None] = {
            "ids": self.ids,
            "labels": self.labels,
            "titles": self.titles,
            "dates": self.dates,
            "sources": self.sources,
        }
        for field, values in fields.items():
            if values is not None and len(values) != n:
                msg = f"Corpus {self.name!r}: {field} has {len(values)} entries, texts has {n}"
                raise ValueError(msg)

    def __len__(self) -> int:
        return len(self.texts)

    def __repr__(self) -> str:
        n_labels = None if self.labels is None else len(set(self.labels))
        return f"Corpus(name={self.name!r}, n={len(self)}, labels={n_labels})"


def data_dir(filename: str | None = None) -> pathlib.Path:
    """Return the corpus folder named by the ``NEWSIM_DATA_DIR`` variable.

    Parameters
    ----------
    filename : str, optional
        The corpus file the caller is looking for. It is only used to make
        the error message more helpful.

    Returns
    -------
    pathlib.Path
        The folder named by ``NEWSIM_DATA_DIR``, with ``~`` expanded.

    Raises
    ------
    FileNotFoundError
        If ``NEWSIM_DATA_DIR`` is unset or empty, or does not name an
        existing folder.

    See Also
    --------
    load_10kgnad, load_bbc : Read their corpus from this folder by default.

    Examples
    --------
    >>> import os, tempfile
    >>> from newsim.datasets import data_dir
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     os.environ["NEWSIM_DATA_DIR"], saved = folder, os.environ.get("NEWSIM_DATA_DIR")
    ...     found = data_dir() == __import__("pathlib").Path(folder)
    ...     if saved is None:
    ...         del os.environ["NEWSIM_DATA_DIR"]
    ...     else:
    ...         os.environ["NEWSIM_DATA_DIR"] = saved
    >>> found
    True

    """
    wanted = f" (looking for {filename!r})" if filename else ""
    value = os.environ.get(DATA_DIR_ENV, "")
    if not value.strip():
        msg = (
            f"The environment variable {DATA_DIR_ENV} is not set{wanted}. "
            f"Set {DATA_DIR_ENV} to the folder holding the corpora, "
            "or pass the folder as the `path` argument."
        )
        raise FileNotFoundError(msg)
    folder = pathlib.Path(value).expanduser()
    if not folder.is_dir():
        msg = (
            f"{DATA_DIR_ENV} is set to {value!r}, which is not an existing folder{wanted}. "
            f"Set {DATA_DIR_ENV} to the folder holding the corpora."
        )
        raise FileNotFoundError(msg)
    return folder


def load_sample() -> Corpus:
    """Load the two German news articles bundled with newsim.

    The articles are read from the package data folder ``data/samples``
    through :mod:`importlib.resources`, so this also works when the package
    is installed as a zip file.

    Returns
    -------
    Corpus
        A corpus named ``"sample"``, sorted by file name. ``ids`` are the file
        names without the extension, ``titles`` the first non-empty line of
        each article, and ``labels`` is ``None``.

    See Also
    --------
    load_10kgnad : 1,028 German news articles with topic labels.
    load_bbc : 2,225 English news articles with topic labels.
    load_uci_stories : 3,259 English headlines grouped into stories, with dates and sources.
    newsim.TfidfVectorizer : Vectorize the texts.

    Examples
    --------
    >>> import newsim
    >>> sample = newsim.datasets.load_sample()
    >>> sample
    Corpus(name='sample', n=2, labels=None)
    >>> sample.ids
    ['000_add0c4eea19cf2fa', '003_97cd253745cbbbd8']
    >>> sample.titles[0][:30]
    'US-Initiative Stargate und Chi'
    >>> newsim.TfidfVectorizer().fit(sample.texts).language_
    'de'

    """
    # One joinpath() call per part: Python < 3.11 takes only one argument.
    folder = resources.files(_SAMPLES_PACKAGE).joinpath("data").joinpath("samples")
    entries = sorted(
        (entry for entry in folder.iterdir() if entry.is_file() and entry.name.endswith(".txt")),
        key=lambda entry: entry.name,
    )
    texts = [entry.read_text(encoding="utf-8") for entry in entries]
    ids = [entry.name[: -len(".txt")] for entry in entries]
    titles = [_first_line(text) for text in texts]
    return Corpus(texts=texts, ids=ids, labels=None, titles=titles, name="sample")


def load_10kgnad(path: str | os.PathLike[str] | None = None) -> Corpus:
    r"""Load the test split of the 10kGNAD German news corpus.

    The file ``10kgnad_test.csv`` has no header and two fields per row,
    ``label`` and ``text``. The delimiter is ``;``, the quote character is
    ``'`` and lines end with CRLF.

    Parameters
    ----------
    path : str or os.PathLike, optional
        The folder holding ``10kgnad_test.csv``, or the file itself. If not
        given, the folder named by ``NEWSIM_DATA_DIR`` is used.

    Returns
    -------
    Corpus
        A corpus named ``"10kgnad_test"`` with 1,028 articles in file order.
        ``ids`` are the 0-based row numbers as strings, ``labels`` the 9 topic
        categories, and ``titles`` the first 80 characters of each text (the
        title and the body are joined in one field upstream).

    Raises
    ------
    FileNotFoundError
        If the file does not exist, or if ``path`` is not given and
        ``NEWSIM_DATA_DIR`` is not set.
    ValueError
        If a row does not have exactly 2 fields, or the file is not valid CSV
        or UTF-8.

    See Also
    --------
    load_bbc : The English corpus, loaded the same way.
    load_sample : The two articles bundled with newsim, no download needed.
    data_dir : The folder named by ``NEWSIM_DATA_DIR``.

    Examples
    --------
    With ``NEWSIM_DATA_DIR`` set, ``load_10kgnad()`` reads the corpus from that folder; a
    folder or a file may also be given. Here a file of two rows in the corpus's format:

    >>> import pathlib, tempfile
    >>> from newsim.datasets import load_10kgnad
    >>> rows = "Sport;'Rapid gewinnt das Derby'\r\nKultur;'Die Oper, neu inszeniert'\r\n"
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (pathlib.Path(folder) / "10kgnad_test.csv").write_text(rows, encoding="utf-8")
    ...     corpus = load_10kgnad(folder)
    >>> corpus
    Corpus(name='10kgnad_test', n=2, labels=2)
    >>> corpus.ids, corpus.labels, corpus.texts[1]
    (['0', '1'], ['Sport', 'Kultur'], 'Die Oper, neu inszeniert')

    """
    file = _resolve(path, GNAD_FILE)
    texts: list[str] = []
    labels: list[str] = []
    for line, row in _read_rows(file, delimiter=";", quotechar="'"):
        if len(row) != 2:
            msg = f"{file}, line {line}: expected 2 fields (label;text), found {len(row)}"
            raise ValueError(msg)
        labels.append(row[0])
        texts.append(row[1])
    ids = [str(i) for i in range(len(texts))]
    titles = [text[:_GNAD_TITLE_CHARS].rstrip() for text in texts]
    return Corpus(texts=texts, ids=ids, labels=labels, titles=titles, name="10kgnad_test")


def load_bbc(path: str | os.PathLike[str] | None = None) -> Corpus:
    r"""Load the BBC News corpus (Greene & Cunningham, 2006).

    The file ``bbc_news.csv`` is a standard CSV file with the header
    ``category,file,text``. The text fields contain newlines.

    Parameters
    ----------
    path : str or os.PathLike, optional
        The folder holding ``bbc_news.csv``, or the file itself. If not given,
        the folder named by ``NEWSIM_DATA_DIR`` is used.

    Returns
    -------
    Corpus
        A corpus named ``"bbc_news"`` with 2,225 articles in file order.
        ``ids`` are the original file names (for example
        ``"business/001.txt"``), ``labels`` the 5 categories, and ``titles``
        the first line of each text (the headline).

    Raises
    ------
    FileNotFoundError
        If the file does not exist, or if ``path`` is not given and
        ``NEWSIM_DATA_DIR`` is not set.
    ValueError
        If the header is not ``category,file,text``, a row does not have
        exactly 3 fields, or the file is not valid CSV or UTF-8.

    See Also
    --------
    load_10kgnad : The German corpus, loaded the same way.
    load_sample : The two articles bundled with newsim, no download needed.
    data_dir : The folder named by ``NEWSIM_DATA_DIR``.

    Examples
    --------
    With ``NEWSIM_DATA_DIR`` set, ``load_bbc()`` reads the corpus from that folder; a folder or
    a file may also be given. Here a file of two articles in the corpus's format:

    >>> import pathlib, tempfile
    >>> from newsim.datasets import load_bbc
    >>> rows = ('category,file,text\n'
    ...         'sport,sport/001.txt,"Rain stops play\n\nNo play today."\n'
    ...         'tech,tech/001.txt,"New chips\n\nA faster processor."\n')
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (pathlib.Path(folder) / "bbc_news.csv").write_text(rows, encoding="utf-8")
    ...     corpus = load_bbc(folder)
    >>> corpus
    Corpus(name='bbc_news', n=2, labels=2)
    >>> corpus.ids, corpus.labels, corpus.titles
    (['sport/001.txt', 'tech/001.txt'], ['sport', 'tech'], ['Rain stops play', 'New chips'])

    """
    file = _resolve(path, BBC_FILE)
    rows = _read_rows(file, delimiter=",", quotechar='"')
    first = next(rows, None)
    if first is None or first[1] != _BBC_HEADER:
        rows.close()
        found = "an empty file" if first is None else f"{first[1]!r}"
        msg = f"{file}, line 1: expected the header {_BBC_HEADER!r}, found {found}"
        raise ValueError(msg)
    texts: list[str] = []
    ids: list[str] = []
    labels: list[str] = []
    for line, row in rows:
        if len(row) != 3:
            msg = f"{file}, line {line}: expected 3 fields (category,file,text), found {len(row)}"
            raise ValueError(msg)
        labels.append(row[0])
        ids.append(row[1])
        texts.append(row[2])
    titles = [_first_line(text) for text in texts]
    return Corpus(texts=texts, ids=ids, labels=labels, titles=titles, name="bbc_news")


def load_uci_stories(path: str | os.PathLike[str] | None = None) -> Corpus:
    r"""Load English news headlines grouped into stories (UCI News Aggregator, Gasparetti 2016).

    The file ``uci_news_stories_dev.csv`` is a standard CSV file with the header
    ``ID,TITLE,URL,PUBLISHER,CATEGORY,STORY,HOSTNAME,TIMESTAMP``: 3,259 headlines from
    1,324 distinct publishers over two days in March 2014, each in one of 44 stories
    (articles a news aggregator grouped as covering the same event). ``TIMESTAMP`` counts
    milliseconds since 1970-01-01 UTC.

    Parameters
    ----------
    path : str or os.PathLike, optional
        The folder holding ``uci_news_stories_dev.csv``, or the file itself. If not given,
        the folder named by ``NEWSIM_DATA_DIR`` is used.

    Returns
    -------
    Corpus
        A corpus named ``"uci_news_stories_dev"`` in file order: ``texts`` and ``titles``
        the headlines (``TITLE``), ``ids`` the ``ID`` column, ``labels`` the stories
        (``STORY``), ``sources`` the publishers (``PUBLISHER``) and ``dates`` the timestamps
        as time-zone aware ``datetime`` in UTC.

    Raises
    ------
    FileNotFoundError
        If the file does not exist, or if ``path`` is not given and
        ``NEWSIM_DATA_DIR`` is not set.
    ValueError
        If the header is not the one above, a row does not have exactly 8 fields, a
        ``TIMESTAMP`` is not a whole number, or the file is not valid CSV or UTF-8.

    See Also
    --------
    newsim.SimilarityIndex.stories : Group articles into stories.
    newsim.dedup : Find the syndicated copies among them.
    load_10kgnad, load_bbc : Corpora labelled by topic, not by story.

    Examples
    --------
    With ``NEWSIM_DATA_DIR`` set, ``load_uci_stories()`` reads the file from that folder; a
    folder or a file may also be given. Here a file of two headlines in the corpus's format:

    >>> import pathlib, tempfile
    >>> from newsim.datasets import load_uci_stories
    >>> rows = ("ID,TITLE,URL,PUBLISHER,CATEGORY,STORY,HOSTNAME,TIMESTAMP\n"
    ...         "1,Fed holds rates,http://a.example/1,Reuters,b,s1,a.example,1394470000000\n"
    ...         "2,Fed keeps rates on hold,http://b.example/2,AP,b,s1,b.example,1394473600000\n")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (pathlib.Path(folder) / "uci_news_stories_dev.csv").write_text(rows)
    ...     corpus = load_uci_stories(folder)
    >>> corpus.ids, corpus.labels, corpus.sources
    (['1', '2'], ['s1', 's1'], ['Reuters', 'AP'])
    >>> corpus.dates[0].isoformat()
    '2014-03-10T16:46:40+00:00'
    """
    file = _resolve(path, UCI_STORIES_FILE)
    rows = _read_rows(file, delimiter=",", quotechar='"')
    first = next(rows, None)
    if first is None or first[1] != _UCI_HEADER:
        rows.close()
        found = "an empty file" if first is None else f"{first[1]!r}"
        msg = f"{file}, line 1: expected the header {_UCI_HEADER!r}, found {found}"
        raise ValueError(msg)
    columns: dict[str, list[str]] = {name: [] for name in _UCI_HEADER}
    dates: list[datetime.datetime] = []
    for line, row in rows:
        if len(row) != len(_UCI_HEADER):
            msg = f"{file}, line {line}: expected {len(_UCI_HEADER)} fields, found {len(row)}"
            raise ValueError(msg)
        for name, value in zip(_UCI_HEADER, row):
            columns[name].append(value)
        stamp = row[-1]
        if not (stamp.isascii() and stamp.isdigit()):
            msg = (
                f"{file}, line {line}: TIMESTAMP is {stamp!r}, expected milliseconds since "
                "1970-01-01 UTC"
            )
            raise ValueError(msg)
        dates.append(_EPOCH + datetime.timedelta(milliseconds=int(stamp)))
    return Corpus(
        texts=columns["TITLE"],
        ids=columns["ID"],
        labels=columns["STORY"],
        titles=list(columns["TITLE"]),
        name="uci_news_stories_dev",
        dates=dates,
        sources=columns["PUBLISHER"],
    )


def _check_span(n: int, seed: int, start: int) -> None:
    for name, value in (("n", n), ("seed", seed), ("start", start)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"{name} must be an int >= 0, got {value!r}")


def _blocks(n: int, start: int) -> range:
    """Return the generator's blocks that hold documents ``start`` to ``start + n - 1``."""
    if n == 0:
        return range(0)
    block = _generate.BLOCK
    return range(start // block, (start + n - 1) // block + 1)


def generate(n: int, seed: int = 0, *, start: int = 0) -> list[str]:
    """Generate synthetic news-like documents, deterministically.

    Each document is a bag of lowercase made-up words (``"bake"``, ``"tolidu"``): function
    words with Zipf frequencies (about 45 % of a document: :func:`generated_stop_words`),
    general content words and the words of one to three of 50 latent topics, each topic with
    its own vocabulary, so that nearest neighbours are topical (:func:`generated_topics`).
    The vocabulary grows by Heaps' law like real news (about 100,000 distinct words in 10,000
    documents), lengths are log-normal (mean 300 words), words recur within a document, and 3 %
    of the documents are near-copies of an earlier one. Documents are made in blocks of 1,000:
    document ``i`` depends only on ``seed`` and ``i // 1000``, so any range of a corpus of
    any size can be made on its own (``start=``), e.g. one partition per worker.

    Parameters
    ----------
    n : int
        The number of documents.
    seed : int, default=0
        The corpus: the same seed gives the same documents.
    start : int, default=0
        The number of the first document: ``generate(n, start=s)`` is
        ``generate(s + n)[s:]``.

    Returns
    -------
    list of str
        ``n`` documents, words separated by single spaces.

    Raises
    ------
    ValueError
        If ``n``, ``seed`` or ``start`` is not an int >= 0.

    See Also
    --------
    generated_topics : The main topic of each generated document.
    generated_stop_words : The generator's function words, as a stop-word list.
    load_10kgnad : Real German news with topic labels.

    Examples
    --------
    >>> from newsim import datasets
    >>> docs = datasets.generate(3_000)
    >>> len(docs), docs[0].split()[:6]
    (3000, ['ba', 'birusa', 'bamesu', 'duroka', 'birusa', 'bamesu'])
    >>> datasets.generate(500, start=2_000) == docs[2_000:2_500]
    True
    >>> datasets.generate(3, seed=1) == docs[:3]
    False
    """
    _check_span(n, seed, start)
    block = _generate.BLOCK
    out: list[str] = []
    for b in _blocks(n, start):
        want = min(block, start + n - b * block)
        texts = _generate.to_texts(*_generate.block_token_ids(b, want, int(seed)))
        lo = max(start - b * block, 0)
        out.extend(texts[lo:])
    return out


def generated_topics(n: int, seed: int = 0, *, start: int = 0) -> np.ndarray:
    """Return the main topic of each document :func:`generate` makes.

    Each generated document mixes one to three of 50 latent topics; its main topic is the one
    with the largest weight. A ground truth for checking that nearest neighbours are topical.

    Parameters
    ----------
    n : int
        The number of documents.
    seed : int, default=0
        The corpus, as for :func:`generate`.
    start : int, default=0
        The number of the first document, as for :func:`generate`.

    Returns
    -------
    numpy.ndarray of int64, shape (n,)
        Topic numbers from 0 to 49 (a lower number is a more frequent topic).

    Raises
    ------
    ValueError
        If ``n``, ``seed`` or ``start`` is not an int >= 0.

    See Also
    --------
    generate : The documents.

    Examples
    --------
    >>> from newsim import datasets
    >>> topics = datasets.generated_topics(2_000)
    >>> topics.shape, int(topics.min()), int(topics.max())
    ((2000,), 0, 49)
    >>> datasets.generated_topics(5, start=1_995).tolist() == topics[1_995:].tolist()
    True
    """
    _check_span(n, seed, start)
    blocks = _blocks(n, start)
    if not blocks:
        return np.zeros(0, dtype=np.int64)
    every = _generate.primary_topics(blocks[-1] * _generate.BLOCK + _generate.BLOCK, int(seed))
    out: np.ndarray = every[start : start + n].astype(np.int64)
    return out


def generated_stop_words() -> list[str]:
    """Return the function words of :func:`generate`, most frequent first, as stop words.

    The generator's counterpart of "der", "die", "und": 400 words that make up about 45 % of
    every document. Pass them as ``stop_words=`` to mirror a real pipeline's stop-word list.

    Returns
    -------
    list of str
        400 words.

    See Also
    --------
    generate : The documents.

    Examples
    --------
    >>> import newsim
    >>> from newsim import datasets
    >>> stop = datasets.generated_stop_words()
    >>> len(stop), stop[:5]
    (400, ['ba', 'be', 'bi', 'bo', 'bu'])
    >>> vec = newsim.TfidfVectorizer(language=None, stop_words=stop)
    >>> X = vec.fit_transform(datasets.generate(100))
    >>> "ba" in vec.vocabulary_
    False
    """
    return _generate.function_words()


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def _resolve(path: str | os.PathLike[str] | None, filename: str) -> pathlib.Path:
    """Return the path of ``filename``, checking that the file exists."""
    if path is None:
        file = data_dir(filename) / filename
    else:
        file = pathlib.Path(path).expanduser()
        if file.is_dir():
            file = file / filename
    if not file.is_file():
        # str() of this error reads: [Errno 2] Corpus file '<name>' not found: '<path>'
        msg = f"Corpus file {filename!r} not found"
        if path is None:
            msg += f" in the folder named by {DATA_DIR_ENV}"
        raise FileNotFoundError(errno.ENOENT, msg, str(file))
    return file


def _read_rows(
    file: pathlib.Path, *, delimiter: str, quotechar: str
) -> Generator[tuple[int, list[str]], None, None]:
    """Yield ``(line, row)`` for each non-blank CSV record of ``file``.

    ``line`` is the 1-based number of the physical line on which the record
    starts. CSV and decoding errors are raised as :class:`ValueError` naming
    the file and the line.
    """
    line = 1
    # utf-8-sig: a byte order mark, if an editor added one, must not end up in
    # the first field.
    with open(file, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter, quotechar=quotechar, strict=True)
        try:
            for row in reader:
                if row:
                    yield line, row
                line = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as exc:
            msg = f"{file}, line {line}: cannot parse the file: {exc}"
            raise ValueError(msg) from exc


def _first_line(text: str) -> str:
    """Return the first non-empty line of ``text``, stripped."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped:
            return stripped
    return ""
