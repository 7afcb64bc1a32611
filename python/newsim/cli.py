"""The ``newsim`` command line.

Usage::

    newsim similar [PATH] [--top 5]           each article's most similar articles
    newsim pairs [PATH] [--threshold 0.8]     pairs of near-duplicate articles
    newsim keywords [PATH] [--top 10]         each article's top-weighted terms
    newsim stories PATH [--summary FILE]      which articles cover the same story
    newsim dedup PATH [--threshold 0.8]       syndicated copies: what to keep, each copy's origin
    newsim fit [PATH] -o model.newsim         fit a vectorizer and save it
    newsim index build [PATH] -o news.nsi     an archive: a vectorizer and its index, one file
    newsim index add news.nsi PATH            add articles to an archive
    newsim index info news.nsi                what an archive or index file holds
    newsim similar PATH --against news.nsi    new articles' most similar archived articles
    newsim pairs PATH --against news.nsi      new articles' near-copies in an archive
    newsim demo                               a tour of the bundled sample articles

PATH is a folder of ``.txt`` files (one article per file; the id is the file name without
``.txt``), a CSV or TSV file with a header (``--text-column``, ``--id-column``; without a
header, ``--no-header`` and column numbers from 0, the text by default in the last column), a
JSON Lines file (``--text-field``, ``--id-field``), a ``.txt`` file with one article per line, or
``-`` for JSON Lines on standard input. Without ``--id-column``, an article's id is the line on
which its record starts. Without PATH, the bundled sample articles are used. ``similar``,
``pairs`` and ``keywords`` fit a vectorizer on the articles, or only transform them with a saved
one (``--model``). Output is an aligned table, or CSV or JSON Lines (``--format``), with the
columns of the library's frames (``TopK.to_frame`` and so on), ids standing for the articles::

    similar     article_id  rank  neighbor_id  score
    pairs       article_id  neighbor_id  score
    keywords    article_id  rank  term  weight
    stories     article_id  story  [date]  [source]
      --summary story  size  [first_date  last_date]  [n_sources  sources]  keywords
    dedup       article_id  kept  origin_id  linked_id  contained  contains  [date]  [source]

``stories`` and ``dedup`` read each article's date and source from ``--date-column`` and
``--source-column`` (ISO 8601 dates; numbers since 1970 with ``--date-unit s|ms|us|ns``), and
write to ``-o FILE`` in the format of its extension (``.csv``, ``.jsonl``) as well as to
standard output.

``--legacy-columns`` (deprecated, removed in newsim 0.4) names them as newsim 0.2 did:
``article`` and ``neighbor`` in ``similar`` and ``keywords``, ``id_i`` and ``id_j`` in ``pairs``.

Exit codes (those of BSD's ``sysexits.h`` where one fits)::

    0    success
    1    an unexpected error: a bug in newsim (the traceback says where)
    2    bad usage: an unknown option, a bad value, options that do not fit the input
    65   bad data: not UTF-8 (the message names the file, byte offset and line), a missing
         column or field, a syntax error, no articles, a repeated id, a date or source that
         does not read (its line is named), or data the vectorizer rejects (e.g. only stop
         words)
    66   no input: PATH, the --model file or the archive does not exist or cannot be read
    73   cannot create the output file (``fit -o``, ``index build -o``, ``index add``, the
         ``-o`` and ``--summary`` files of ``stories`` and ``dedup``)
    130  interrupted (Ctrl-C)
    141  standard output was closed early (``newsim similar | head``); nothing is printed
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import os
import pathlib
import sys
import textwrap
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Callable, Optional, Union

# Only light modules at import time: `newsim --help` and usage errors answer at once; the
# vectorizer (NumPy, SciPy, scikit-learn) is imported when a command needs it.
from . import datasets
from ._io import (
    FORMATS,
    ON_BAD_LINES,
    Articles,
    DataError,
    InputUsageError,
    NoInputError,
    read_articles,
    skipped_summary,
)
from ._stopwords import LANGUAGES

if TYPE_CHECKING:
    from ._similarity import SimilarityIndex
    from ._vectorizer import TfidfVectorizer

__all__ = [
    "EX_BROKEN_PIPE",
    "EX_CANTCREAT",
    "EX_DATAERR",
    "EX_INTERRUPTED",
    "EX_NOINPUT",
    "EX_OK",
    "EX_USAGE",
    "main",
]

EX_OK = 0
#: argparse's exit code for bad usage.
EX_USAGE = 2
EX_DATAERR = 65
EX_NOINPUT = 66
EX_CANTCREAT = 73
#: 128 + SIGINT, as a shell reports a process stopped by Ctrl-C.
EX_INTERRUPTED = 130
#: 128 + SIGPIPE, as a shell reports a process stopped by a closed pipe.
EX_BROKEN_PIPE = 141

_EPILOG = """\
exit codes:
  0    success
  1    an unexpected error: a bug in newsim (the traceback says where)
  2    bad usage: an unknown option, a bad value, options that do not fit the input
  65   bad data: not UTF-8 (file, byte offset and line are named), a missing column or
       field, a syntax error, no articles, a repeated id, a bad date or source (its line
       is named), or data the vectorizer rejects
  66   no input: PATH, the --model file or the archive does not exist or cannot be read
  73   cannot create the output file (`fit -o`, `index build -o`, `index add`, the
       -o and --summary files of `stories` and `dedup`)
  130  interrupted (Ctrl-C)
  141  standard output was closed early (`newsim similar | head`); nothing is printed
"""

_HELP_WIDTH = 79
_INPUT_HELP = textwrap.fill(
    "PATH is a folder of .txt files (one article per file, id = file name without .txt), "
    "a .csv or .tsv file with a header row (or without one: --no-header), a .jsonl/.ndjson "
    "file (one JSON object per line), "
    "a .txt file (one article per line), or - for JSON Lines on standard input. Without "
    "--id-column, an article's id is the line on which its record starts. Without PATH: the "
    "bundled sample articles.",
    width=_HELP_WIDTH,
)

_AGAINST_HELP = (
    "an archive from `newsim index build`: compare the articles with the archived ones "
    "(transformed with the archive's vectorizer) instead of with each other"
)

_SAMPLE_SOURCE = "the bundled sample articles"
_LANGUAGE_CODES = sorted({language.code for language in LANGUAGES.values()})

_Cell = Union[str, int, float, bool, None, list[str]]

#: --date-unit: nanoseconds per unit of numeric dates since 1970-01-01 UTC.
_NS_PER_UNIT = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}
_DATE_UNITS = tuple(_NS_PER_UNIT)
_UNIT_NAMES = {"s": "seconds", "ms": "milliseconds", "us": "microseconds", "ns": "nanoseconds"}
#: Output formats by the extension of -o FILE.
_OUTPUT_EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
#: Between the items of a list (sources, keywords) in a CSV or table cell.
_LIST_SEPARATOR = "; "


class _CannotCreateError(Exception):
    """The output file cannot be written."""


# --------------------------------------------------------------------------- argument types


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}")
    return number


def _n_jobs(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number == 0:
        raise argparse.ArgumentTypeError(
            f"expected a thread count (1, 2, ...; -1 for all CPUs), got {value!r}"
        )
    return number


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {value!r}")
    return number


def _duration(value: str) -> str:
    """Return a --window as given, once the library reads it as a duration >= 0 (else usage)."""
    from ._metadata import check_window

    try:
        if check_window(value) < 0:
            raise ValueError("a window is a duration >= 0")
    except (TypeError, ValueError) as exc:
        raise argparse.ArgumentTypeError(
            f"expected a duration such as 3D, 12h or 90min, got {value!r} ({exc})"
        ) from None
    return value


def _threshold(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not 0.0 < number <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a cosine in (0, 1], got {value!r}")
    return number


def _df(value: str) -> Union[int, float]:
    """Read a document-frequency bound: an int counts documents, a float is a share."""
    try:
        count = int(value)
    except ValueError:
        pass
    else:
        if count < 0:
            raise argparse.ArgumentTypeError(f"expected a count >= 0, got {value!r}")
        return count
    try:
        share = float(value)
    except ValueError:
        share = float("nan")
    if not 0.0 <= share <= 1.0:
        raise argparse.ArgumentTypeError(
            f"expected a document count (2) or a share between 0.0 and 1.0 (0.5), got {value!r}"
        )
    return share


# --------------------------------------------------------------------------- the parser


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsim",
        description="TF-IDF and article similarity.\n\n`newsim COMMAND --help` describes a "
        "command; without a COMMAND, `newsim demo` runs.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    input_options = argparse.ArgumentParser(add_help=False)
    group = input_options.add_argument_group("input")
    group.add_argument(
        "--input-format",
        choices=FORMATS,
        help="format of a file or of standard input (default: from the extension; "
        "standard input: jsonl)",
    )
    group.add_argument(
        "--text-column",
        "--text-field",
        dest="text_field",
        metavar="NAME",
        help="CSV column or JSON field holding the text (default: text); with --no-header, "
        "a column number counted from 0 (default: the last column)",
    )
    group.add_argument(
        "--id-column",
        "--id-field",
        dest="id_field",
        metavar="NAME",
        help="CSV column or JSON field holding the article id, a column number with "
        "--no-header (default: the line number)",
    )
    group.add_argument(
        "--delimiter",
        metavar="CHAR",
        help=r"CSV field delimiter (default: ',' for .csv, a tab for .tsv; '\t' is a tab)",
    )
    group.add_argument(
        "--quotechar",
        metavar="CHAR",
        help="CSV quote character, which encloses a field holding the delimiter or a line "
        "break and is doubled inside one (default: '\"')",
    )
    group.add_argument(
        "--no-header",
        dest="header",
        action="store_false",
        help="the CSV/TSV file has no header row: --text-column and --id-column are column "
        "numbers counted from 0 (`--text-column 1` is the second column), and the first "
        "record sets the number of fields",
    )
    group.add_argument(
        "--on-bad-lines",
        choices=ON_BAD_LINES,
        help="a malformed CSV record (another number of fields than the header, or a quote not "
        "closed, e.g. in a truncated last row): error stops with its line, skip leaves it out "
        "and lists the skipped lines on standard error (default: error)",
    )

    inputs = argparse.ArgumentParser(add_help=False, parents=[input_options])
    inputs.add_argument("path", nargs="?", metavar="PATH", help="the articles (see above)")

    vectorizer = argparse.ArgumentParser(add_help=False)
    group = vectorizer.add_argument_group("vectorizer (when fitting)")
    group.add_argument(
        "--language",
        choices=["auto", "none", *_LANGUAGE_CODES],
        metavar="LANG",
        help="stop words and stemming: auto (German or English, detected), none, or one of "
        f"{', '.join(_LANGUAGE_CODES)} (default: auto)",
    )
    group.add_argument(
        "--min-df",
        type=_df,
        metavar="N",
        help="ignore terms in fewer articles than this: a count (2) or a share (0.01) (default: 1)",
    )
    group.add_argument(
        "--max-df",
        type=_df,
        metavar="N",
        help="ignore terms in more articles than this: a count (500) or a share (0.5) "
        "(default: 1.0, no limit)",
    )
    group.add_argument(
        "--ngram",
        type=_positive_int,
        metavar="N",
        help="count word n-grams of 1 to N words (default: words and word pairs, pairs kept "
        "when in at least 2 documents)",
    )

    jobs = argparse.ArgumentParser(add_help=False)
    jobs.add_argument(
        "--n-jobs", type=_n_jobs, metavar="N", help="threads (default: 1; -1: all CPUs)"
    )

    model = argparse.ArgumentParser(add_help=False)
    model.add_argument(
        "--model",
        metavar="FILE",
        help="a vectorizer saved by `newsim fit -o FILE`: transform the articles with it "
        "instead of fitting on them",
    )

    output = argparse.ArgumentParser(add_help=False)
    output.add_argument(
        "--format",
        choices=["table", "csv", "jsonl"],
        default="table",
        help="an aligned table for people, CSV or JSON Lines for programs (default: table)",
    )
    output.add_argument(
        "--legacy-columns",
        action="store_true",
        help="deprecated, removed in newsim 0.4: the column names of newsim 0.2 (article, "
        "neighbor; id_i, id_j) instead of article_id and neighbor_id",
    )

    def command(
        name: str,
        run: Callable[[argparse.Namespace], int],
        description: str,
        *parents: argparse.ArgumentParser,
        under: Any = sub,
    ) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = under.add_parser(
            name,
            parents=list(parents),
            help=description,
            description="\n\n".join(
                [textwrap.fill(description, width=_HELP_WIDTH), *([_INPUT_HELP] if parents else [])]
            ),
            epilog=_EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.set_defaults(run=run, parser=p)
        return p

    p = command(
        "similar",
        _similar,
        "For each article, its most similar articles: rank, neighbor id, cosine. An article "
        "that shares no term with another has no rows.",
        inputs,
        model,
        vectorizer,
        jobs,
        output,
    )
    p.add_argument(
        "--top",
        type=_positive_int,
        default=5,
        metavar="K",
        help="neighbors per article (default: 5)",
    )
    p.add_argument("--against", metavar="ARCHIVE", help=_AGAINST_HELP)
    p = command(
        "pairs",
        _pairs,
        "Pairs of articles with a cosine of at least --threshold (near-duplicates), "
        "most similar first.",
        inputs,
        model,
        vectorizer,
        jobs,
        output,
    )
    p.add_argument(
        "--threshold",
        type=_threshold,
        default=0.8,
        metavar="COSINE",
        help="the smallest cosine, in (0, 1] (default: 0.8)",
    )
    p.add_argument("--against", metavar="ARCHIVE", help=_AGAINST_HELP)
    p = command(
        "keywords",
        _keywords,
        "For each article, its terms with the largest TF-IDF weights.",
        inputs,
        model,
        vectorizer,
        jobs,
        output,
    )
    p.add_argument(
        "--top",
        type=_positive_int,
        default=10,
        metavar="N",
        help="terms per article (default: 10)",
    )
    metadata = argparse.ArgumentParser(add_help=False)
    group = metadata.add_argument_group("dates and sources")
    group.add_argument(
        "--date-column",
        "--date-field",
        dest="date_field",
        metavar="NAME",
        help="CSV column or JSON field holding each article's publication date, a column number "
        "with --no-header: ISO 8601 (2014-03-10, 2014-03-10T17:02:00Z), all with a time zone or "
        "all without; numbers since 1970-01-01 UTC with --date-unit",
    )
    group.add_argument(
        "--date-unit",
        choices=_DATE_UNITS,
        help="the dates are numbers of seconds (s), milliseconds (ms), microseconds (us) or "
        "nanoseconds (ns) since 1970-01-01 UTC (default: the dates are ISO 8601 text)",
    )
    group.add_argument(
        "--source-column",
        "--source-field",
        dest="source_field",
        metavar="NAME",
        help="CSV column or JSON field holding each article's source (publisher); an empty "
        "field or null is an unknown source",
    )
    limits = argparse.ArgumentParser(add_help=False)
    group = limits.add_argument_group("which articles are compared")
    group.add_argument(
        "--window",
        type=_duration,
        metavar="DURATION",
        help="compare only articles published at most this far apart (3D, 12h, 90min; needs "
        "--date-column); only the articles in each other's window are read",
    )
    group.add_argument(
        "--exclude-same-source",
        action="store_true",
        help="compare only articles of different sources (needs --source-column); articles of "
        "an unknown source are compared with all",
    )

    to_file = argparse.ArgumentParser(add_help=False)
    group = to_file.add_argument_group("output")
    group.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE instead of standard output, in the format of its extension (.csv; "
        ".jsonl or .ndjson) unless --format names one",
    )
    group.add_argument(
        "--format",
        choices=["table", "csv", "jsonl"],
        help="an aligned table for people, CSV or JSON Lines for programs (default: from the "
        "extension of -o FILE; on standard output, table)",
    )

    p = command(
        "stories",
        _stories,
        "Group the articles into stories (which articles cover the same event): one row per "
        "article with its story, numbered from 0 by size, largest first. With --date-column "
        "and --source-column, each row has its date and source too, and --summary FILE "
        "describes each story: its size, first and last date, sources and keywords.",
        inputs,
        metadata,
        limits,
        model,
        vectorizer,
        jobs,
        to_file,
    )
    group = p.add_argument_group("stories")
    group.add_argument(
        "--k",
        type=_positive_int,
        default=20,
        metavar="K",
        help="neighbors per article in the story graph (default: 20)",
    )
    group.add_argument(
        "--threshold",
        type=_threshold,
        default=0.03,
        metavar="LINK",
        help="the weakest link (average cosine between two groups) at which they merge, in "
        "(0, 1]; higher gives more, smaller stories (default: 0.03)",
    )
    group.add_argument(
        "--keywords",
        type=_count,
        default=5,
        metavar="N",
        help="terms per story in --summary (default: 5)",
    )
    group.add_argument(
        "--summary",
        metavar="FILE",
        help="also write one row per story to FILE (format as for -o): story, size, "
        "first_date, last_date, n_sources, sources, keywords",
    )
    p = command(
        "dedup",
        _dedup,
        "Find syndicated copies: articles that are near-copies of an article published before "
        "them (one contained in the other, word shingles compared). One row per article: kept "
        "(the first published of its group, or without copies) or dropped, and its origin, the "
        "first published article of its group. --date-column orders the articles by "
        "publication; without it, the first row is the first published.",
        inputs,
        metadata,
        limits,
        model,
        vectorizer,
        jobs,
        to_file,
    )
    group = p.add_argument_group("dedup")
    group.add_argument(
        "--threshold",
        type=_threshold,
        default=0.8,
        metavar="SHARE",
        help="the smallest containment of a copy: the share of one article's word shingles "
        "found in the other, in (0, 1] (default: 0.8)",
    )
    group.add_argument(
        "--shingle",
        type=_positive_int,
        default=5,
        metavar="N",
        help="words per shingle; 2 or 3 with a lower --threshold for rewritten copies (default: 5)",
    )
    group.add_argument(
        "--candidates",
        type=_threshold,
        default=0.5,
        metavar="COSINE",
        help="only pairs with at least this TF-IDF cosine are compared word for word, in "
        "(0, 1]; lower finds more copies and costs more (default: 0.5)",
    )
    group.add_argument(
        "--keep",
        choices=["first"],
        default="first",
        help="which article of a group to keep: the first published (default: first)",
    )
    group.add_argument(
        "--only",
        choices=["kept", "dropped"],
        help="write only the kept articles (the deduplicated ids), or only the dropped copies "
        "(each copy and its origin)",
    )
    p = command(
        "fit",
        _fit,
        "Fit a vectorizer on the articles and save it for --model.",
        inputs,
        vectorizer,
        jobs,
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="where to save the vectorizer"
    )
    p.add_argument(
        "--discard-statistics",
        action="store_true",
        help="save a smaller model, to deploy for --model: without the corpus statistics kept "
        "for updating it (the library's partial_fit and merge are then unavailable on it)",
    )
    p = command(
        "index",
        _index_usage,
        "Archives: a fitted vectorizer and the index of the articles it vectorized, in one "
        "file that grows with new articles. `newsim index ACTION --help` describes an action.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION")

    def action(
        name: str,
        run: Callable[[argparse.Namespace], int],
        description: str,
        *parents: argparse.ArgumentParser,
    ) -> argparse.ArgumentParser:
        return command(name, run, description, *parents, under=actions)

    a = action(
        "build",
        _index_build,
        "Fit a vectorizer on the articles (or use --model) and save it with their index as an "
        "archive, for `newsim index add` and `--against`. With --date-column and "
        "--source-column the archive keeps each article's date and source (for windows).",
        inputs,
        metadata,
        model,
        vectorizer,
        jobs,
    )
    a.add_argument("-o", "--output", required=True, metavar="ARCHIVE", help="where to save it")
    a.add_argument(
        "--tolerance",
        type=_tolerance,
        default="auto",
        metavar="T",
        help="re-weight the archive's articles when the idf has drifted by more than T "
        "(relative; 0: always, so the weights equal a fresh fit), or 'none' to keep the idf of "
        "the fit; saved with the archive (default: 0.1 where the vectorizer's weights can be "
        "re-weighted, else none)",
    )
    a = action(
        "add",
        _index_add,
        "Add the articles to an archive (transformed with its vectorizer) and save it in place "
        "(atomically). Their ids (--id-column) must be new to the archive; an archive that "
        "keeps dates and sources needs them for the new articles too.",
        input_options,
        metadata,
        jobs,
    )
    a.add_argument("archive", metavar="ARCHIVE", help="an archive from `newsim index build`")
    a.add_argument("path", metavar="PATH", help="the new articles (see above)")
    a.add_argument(
        "--tolerance",
        type=_tolerance,
        default="saved",
        metavar="T",
        help="as for `index build`, saved with the archive (default: the archive's own)",
    )
    a = action("info", _index_info, "Describe an archive or index file.")
    a.add_argument("archive", metavar="ARCHIVE", help="an archive or index file")
    p = command("demo", _demo_command, "Vectorize the bundled sample articles and compare them.")
    p.add_argument("--top", type=int, default=10, help="terms to show per article")
    return parser


# --------------------------------------------------------------------------- input and model


def _articles(args: argparse.Namespace) -> Articles:
    if args.path is None:
        given = [
            flag
            for flag, value in (
                ("--input-format", args.input_format),
                ("--text-column", args.text_field),
                ("--id-column", args.id_field),
                ("--delimiter", args.delimiter),
                ("--quotechar", args.quotechar),
                ("--no-header", None if args.header else True),
                ("--on-bad-lines", args.on_bad_lines),
                *_metadata_columns(args),
            )
            if value is not None
        ]
        if given:
            raise InputUsageError(f"{', '.join(given)} needs a PATH")
        corpus = datasets.load_sample()
        return Articles(texts=corpus.texts, ids=corpus.ids, source=_SAMPLE_SOURCE)
    delimiter = "\t" if args.delimiter == r"\t" else args.delimiter
    articles = read_articles(
        args.path,
        input_format=args.input_format,
        text_field=args.text_field,
        id_field=args.id_field,
        delimiter=delimiter,
        quotechar=args.quotechar,
        header=args.header,
        on_bad_lines=args.on_bad_lines,
        columns=_metadata_columns(args),
    )
    for message in skipped_summary(articles):
        _warning(message)
    return articles


def _metadata_columns(args: argparse.Namespace) -> list[tuple[str, str]]:
    """Return ``(flag, name)`` of the --date-column and --source-column given, if any."""
    given = [
        ("--date-column", getattr(args, "date_field", None)),
        ("--source-column", getattr(args, "source_field", None)),
    ]
    return [(flag, name) for flag, name in given if name is not None]


def _fit_options_given(args: argparse.Namespace) -> list[str]:
    """Return the vectorizer options given on the command line."""
    options = {
        "--language": args.language,
        "--min-df": args.min_df,
        "--max-df": args.max_df,
        "--ngram": args.ngram,
    }
    return [flag for flag, value in options.items() if value is not None]


@contextlib.contextmanager
def _library_errors(source: str) -> Iterator[None]:
    """Report the library's ValueError and TypeError as bad data in ``source``."""
    try:
        yield
    except (ValueError, TypeError) as exc:
        raise DataError(f"{source}: {exc}") from exc


def _new_vectorizer(args: argparse.Namespace) -> TfidfVectorizer:
    from ._vectorizer import TfidfVectorizer

    params: dict[str, Any] = {"n_jobs": args.n_jobs}
    if args.language is not None:
        params["language"] = None if args.language == "none" else args.language
    if args.min_df is not None:
        params["min_df"] = args.min_df
    if args.max_df is not None:
        params["max_df"] = args.max_df
    if args.ngram is not None:
        params["ngram_range"] = (1, args.ngram)
    return TfidfVectorizer(**params)


def _vectorizer(args: argparse.Namespace) -> tuple[Any, bool]:
    """Return ``(vectorizer, fitted)``: the ``--model`` one, or a new one to fit."""
    if args.model is None:
        return _new_vectorizer(args), False
    given = _fit_options_given(args)
    if given:
        raise InputUsageError(
            f"{', '.join(given)} cannot be used with --model: the saved vectorizer's settings apply"
        )
    from ._vectorizer import TfidfVectorizer

    try:
        with _library_errors(f"model {args.model}"):
            vec = TfidfVectorizer.load(args.model)
            if args.n_jobs is not None:
                vec.set_params(n_jobs=args.n_jobs)
    except OSError as exc:
        raise NoInputError(f"cannot read the model {args.model!r}: {exc.strerror}") from exc
    return vec, True


def _index(args: argparse.Namespace, articles: Articles) -> SimilarityIndex:
    return _index_and_vectorizer(args, articles)[0]


def _index_and_vectorizer(
    args: argparse.Namespace, articles: Articles, meta: Optional[_Metadata] = None
) -> tuple[SimilarityIndex, Any]:
    """Return the articles' index and the --model vectorizer that made it (None when fitted).

    The index of a fitted vectorizer knows its terms; one of --model does not, and the
    vectorizer names them. With ``meta``, the index keeps the articles' dates and sources.
    """
    from ._similarity import SimilarityIndex

    vec, fitted = _vectorizer(args)
    labels: dict[str, Any] = {}
    if meta is not None:
        labels = {"dates": meta.dates, "sources": meta.sources}
    with _library_errors(articles.source):
        if fitted:
            X = vec.transform(articles.texts)
            return SimilarityIndex(X, n_jobs=vec.n_jobs, **labels), vec
        index: SimilarityIndex = vec.index(articles.texts, **labels)
        return index, None


# --------------------------------------------------------------------------- commands


def _open_archive(
    path: str, n_jobs: Optional[int] = None, tolerance: Union[float, str, None] = "saved"
) -> Any:
    """Return the archive at ``path``; exit 66 when unreadable, 65 when not an archive."""
    from ._archive import Archive

    try:
        with _library_errors(f"archive {path}"):
            return Archive.load(path, n_jobs=n_jobs, tolerance=tolerance)
    except OSError as exc:
        raise NoInputError(f"cannot read the archive {path!r}: {exc.strerror}") from exc


def _check_against(args: argparse.Namespace) -> None:
    given = [*_fit_options_given(args), *(["--model"] if args.model is not None else [])]
    if given:
        raise InputUsageError(
            f"{', '.join(given)} cannot be used with --against: the archive's vectorizer applies"
        )


def _similar_against(args: argparse.Namespace, articles: Articles) -> int:
    _check_against(args)
    archive = _open_archive(args.against, args.n_jobs)
    with _library_errors(articles.source):
        top = archive.query(articles.texts, k=min(args.top, max(len(archive), 1)))
    rows: list[tuple[_Cell, ...]] = []
    for r, (neighbors, scores) in enumerate(zip(top.ids.tolist(), top.scores.tolist())):
        for rank, (j, score) in enumerate(zip(neighbors, scores), start=1):
            if j is None or (isinstance(j, int) and j < 0):  # padding
                break
            rows.append((articles.ids[r], rank, j, score))
    header = _columns(args, ("article_id", "rank", "neighbor_id", "score"), _SIMILAR_0_2)
    _write(args.format, header, rows)
    return EX_OK


def _pairs_against(args: argparse.Namespace, articles: Articles) -> int:
    _check_against(args)
    archive = _open_archive(args.against, args.n_jobs)
    with _library_errors(articles.source):
        pairs = archive.query_pairs(articles.texts, args.threshold)
    found = sorted(
        zip(pairs.article_row.tolist(), pairs.neighbor_id.tolist(), pairs.score.tolist()),
        key=lambda p: -p[2],
    )
    rows: list[tuple[_Cell, ...]] = [(articles.ids[i], j, score) for i, j, score in found]
    header = _columns(args, ("article_id", "neighbor_id", "score"), _PAIRS_0_2)
    _write(args.format, header, rows)
    return EX_OK


def _save_archive(archive: Any, path: str) -> None:
    try:
        archive.save(path)
    except OSError as exc:
        raise _CannotCreateError(f"cannot write {path!r}: {exc.strerror}") from exc


def _index_usage(args: argparse.Namespace) -> int:
    raise InputUsageError("name an action: build, add or info")


def _tolerance(value: str) -> Union[float, str, None]:
    """Parse --tolerance: a number >= 0 or 'none' (the defaults 'auto' and 'saved' pass)."""
    if value.lower() == "none":
        return None
    if value in ("auto", "saved"):
        return value
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number >= 0 or 'none', got {value!r}"
        ) from None
    if not number >= 0 or number == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number >= 0 or 'none', got {value!r}")
    return number


def _index_build(args: argparse.Namespace) -> int:
    from ._archive import Archive

    _check_options(args)
    articles = _articles(args)
    meta = _Metadata(args, articles)
    vec, _ = _vectorizer(args)  # fitted on the articles by build unless --model
    with _library_errors(articles.source):
        archive = Archive.build(
            articles.texts,
            ids=articles.ids,
            dates=meta.dates,
            sources=meta.sources,
            vectorizer=vec,
            n_jobs=args.n_jobs,
            tolerance=args.tolerance,
        )
    _save_archive(archive, args.output)
    print(
        f"saved {args.output}: {len(archive)} articles from {articles.source}, "
        f"{len(archive.vectorizer.get_feature_names_out())} features, tolerance "
        f"{'none' if archive.tolerance is None else archive.tolerance}"
    )
    return EX_OK


def _index_add(args: argparse.Namespace) -> int:
    _check_options(args)
    articles = _articles(args)
    archive = _open_archive(args.archive, args.n_jobs, args.tolerance)
    for what, flag, has, given in (
        ("dates", "--date-column", archive.index.dates_ is not None, args.date_field),
        ("sources", "--source-column", archive.index.sources_ is not None, args.source_field),
    ):
        if has and given is None:
            raise InputUsageError(
                f"{args.archive} keeps the articles' {what}: name the new articles' {what} "
                f"with {flag}"
            )
        if given is not None and not has:
            raise InputUsageError(
                f"{args.archive} keeps no {what} (it was built without {flag}): leave {flag} out"
            )
    meta = _Metadata(args, articles)
    before = len(archive)
    try:
        with _library_errors(articles.source):
            archive.add(articles.texts, ids=articles.ids, dates=meta.dates, sources=meta.sources)
    except DataError as exc:
        if args.id_field is None and "already the id" in str(exc):
            raise DataError(
                f"{exc} (without --id-column the new articles' ids are their line numbers, "
                "which the archive's articles have too: name the column of their ids)"
            ) from exc
        raise
    _save_archive(archive, args.archive)
    print(
        f"saved {args.archive}: {len(archive)} articles ({len(archive) - before} added from "
        f"{articles.source})"
    )
    return EX_OK


def _index_info(args: argparse.Namespace) -> int:
    from ._similarity import SimilarityIndex

    try:
        with _library_errors(f"archive {args.archive}"):
            index = SimilarityIndex.load(args.archive)
    except OSError as exc:
        raise NoInputError(f"cannot read {args.archive!r}: {exc.strerror}") from exc
    kind = "archive" if index._state.main.model is not None else "index (no vectorizer)"
    ids = "str" if index.ids_.dtype == object else "int"
    lines = [
        ("file", args.archive),
        ("kind", kind),
        ("bytes", os.path.getsize(args.archive)),
        ("articles", index.n_articles),
        ("features", index.n_features),
        ("stored weights", index.nnz),
        ("ids", ids if index._has_ids else "row numbers"),
        ("scores", "cosine" if index.normalized_ else "dot product"),
    ]
    lines += [(key, value) for key, value in index._summary() if key in ("dates", "sources")]
    if index._state.main.model is not None:
        archive = _open_archive(args.archive)
        vec = archive.vectorizer
        n_terms = (
            len(vec.get_feature_names_out()) if hasattr(vec, "get_feature_names_out") else None
        )
        if n_terms is not None and n_terms != index.n_features:  # room for new terms
            lines[lines.index(("features", index.n_features))] = (
                "features",
                f"{n_terms} (the index has room for {index.n_features})",
            )
        lines.append(("vectorizer", type(vec).__name__))
        lines.append(("tolerance", "none" if archive.tolerance is None else archive.tolerance))
        lines.append(("language", getattr(vec, "language_", None) or "none"))
    width = max(len(k) for k, _ in lines)
    for key, value in lines:
        print(f"{key:<{width}}  {value}")
    return EX_OK


def _similar(args: argparse.Namespace) -> int:
    articles = _articles(args)
    if args.against is not None:
        return _similar_against(args, articles)
    index = _index(args, articles)
    # More neighbors than other articles would only be padding (and memory).
    top = index.top_k(min(args.top, len(articles) - 1))
    rows: list[tuple[_Cell, ...]] = []
    for r, (neighbors, scores) in enumerate(zip(top.neighbor_rows.tolist(), top.scores.tolist())):
        for rank, (j, score) in enumerate(zip(neighbors, scores), start=1):
            if j < 0:  # padding: no more articles share a term with this one
                break
            rows.append((articles.ids[r], rank, articles.ids[j], score))
    header = _columns(args, ("article_id", "rank", "neighbor_id", "score"), _SIMILAR_0_2)
    _write(args.format, header, rows)
    return EX_OK


def _pairs(args: argparse.Namespace) -> int:
    articles = _articles(args)
    if args.against is not None:
        return _pairs_against(args, articles)
    index = _index(args, articles)
    with _library_errors(articles.source):
        pairs = index.pairs(args.threshold)
    # Most similar first; sorted() is stable, so ties keep the library's order: article_row,
    # then neighbor_row.
    found = sorted(
        zip(pairs.article_row.tolist(), pairs.neighbor_row.tolist(), pairs.score.tolist()),
        key=lambda p: -p[2],
    )
    rows: list[tuple[_Cell, ...]] = [
        (articles.ids[i], articles.ids[j], score) for i, j, score in found
    ]
    header = _columns(args, ("article_id", "neighbor_id", "score"), _PAIRS_0_2)
    _write(args.format, header, rows)
    return EX_OK


def _keywords(args: argparse.Namespace) -> int:
    articles = _articles(args)
    vec, fitted = _vectorizer(args)
    with _library_errors(articles.source):
        if not fitted:
            vec.fit(articles.texts)
        n_terms = len(vec.get_feature_names_out())
        keywords = vec.keywords(articles.texts, top=min(args.top, n_terms))
    rows: list[tuple[_Cell, ...]] = [
        (articles.ids[r], rank, term, weight)
        for r, (terms, weights) in enumerate(zip(keywords.terms, keywords.weights))
        for rank, (term, weight) in enumerate(zip(terms, weights.tolist()), start=1)
    ]
    header = _columns(args, ("article_id", "rank", "term", "weight"), _KEYWORDS_0_2)
    _write(args.format, header, rows)
    return EX_OK


# --------------------------------------------------------------------------- stories and dedup


class _Metadata:
    """The articles' dates and sources read from --date-column and --source-column.

    ``dates`` is a pandas DatetimeIndex (UTC when the dates have a time zone, or with
    --date-unit), for the library's ``dates=``; ``date_texts`` their ISO 8601 form, for the
    output; ``sources`` one str or None (unknown) per article.
    """

    def __init__(self, args: argparse.Namespace, articles: Articles) -> None:
        self.dates: Any = None
        self.date_texts: Optional[list[str]] = None
        self.sources: Optional[list[Optional[str]]] = None
        if args.date_field is not None:
            self.dates = _parse_dates(articles, args.date_field, args.date_unit)
            self.date_texts = [stamp.isoformat() for stamp in self.dates]
        if args.source_field is not None:
            self.sources = _parse_sources(articles, args.source_field)

    def columns(self) -> tuple[str, ...]:
        """Return the per-article output columns they add: date, source."""
        names = [("date", self.dates), ("source", self.sources)]
        return tuple(name for name, values in names if values is not None)

    def cells(self, row: int) -> tuple[_Cell, ...]:
        """Return the cells of :meth:`columns` for the article in ``row``."""
        out: list[_Cell] = []
        if self.date_texts is not None:
            out.append(self.date_texts[row])
        if self.sources is not None:
            out.append(self.sources[row])
        return tuple(out)


def _where(articles: Articles, row: int, *, short: bool = False) -> str:
    """Name an article's record in a message: the input and its line (``short``: the line)."""
    where = f"line {articles.lines[row]}" if articles.lines else f"article {row + 1}"
    return where if short else f"{articles.source}, {where}"


def _is_number(value: Any) -> bool:
    """Tell whether a JSON value or a CSV field is a number (1394470920294, 1.5e9)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return False
        # float() also reads nan and inf, which are no number of seconds
        return value.strip().lower().lstrip("+-") not in ("nan", "inf", "infinity")
    return False


def _parse_dates(articles: Articles, name: str, unit: Optional[str]) -> Any:
    """Read the dates of --date-column: ISO 8601 text, or numbers since 1970 with --date-unit.

    Returns a pandas DatetimeIndex, UTC for numbers and for dates with a time zone. Each
    problem is a DataError naming the record's line: a missing date, one that does not parse,
    a number without --date-unit, dates with and without a time zone mixed.
    """
    import numpy as np

    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is installed with the notebook and test extras
        raise InputUsageError("--date-column needs pandas: pip install pandas") from None

    values = articles.columns["--date-column"]
    out = np.empty(len(values), dtype=np.int64)
    first_zone: Optional[tuple[int, bool]] = None
    for row, value in enumerate(values):
        where = f"{_where(articles, row)}: {name}"
        if value is None or (isinstance(value, str) and not value.strip()):
            raise DataError(f"{where} is empty; every article needs a date")
        if unit is not None:
            out[row] = _epoch_ns(value, unit, where)
            continue
        if isinstance(value, bool) or not isinstance(value, str) or _is_number(value):
            if _is_number(value):
                raise DataError(
                    f"{where} is {value!r}, a number, not a date; if the dates count seconds or "
                    "milliseconds since 1970-01-01 UTC, add --date-unit s or --date-unit ms"
                )
            raise DataError(f"{where} is {value!r}, not a date (expected ISO 8601 text)")
        try:
            stamp = pd.Timestamp(value.strip())
        except (ValueError, OverflowError) as exc:
            raise DataError(
                f"{where} is {value!r}, which does not parse as a date ({exc}); expected ISO "
                "8601, e.g. 2014-03-10 or 2014-03-10T17:02:00Z"
            ) from None
        aware = stamp.tzinfo is not None
        if first_zone is None:
            first_zone = (row, aware)
        elif aware != first_zone[1]:
            which = {True: "has a time zone", False: "has none"}
            raise DataError(
                f"{where} is {value!r}, which {which[aware]}, but "
                f"{_where(articles, first_zone[0], short=True)} ({values[first_zone[0]]!r}) "
                f"{which[first_zone[1]]}; give every date a time zone or none"
            )
        if aware:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        out[row] = stamp.as_unit("ns").value
    utc = unit is not None or bool(first_zone is not None and first_zone[1])
    dates = pd.DatetimeIndex(out.view("datetime64[ns]"))
    return dates.tz_localize("UTC") if utc else dates


def _epoch_ns(value: Any, unit: str, where: str) -> int:
    """Return a number of ``unit`` since 1970-01-01 UTC as nanoseconds, or explain."""
    number: Union[int, float, None] = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = value if math.isfinite(value) else None
    elif isinstance(value, str):
        text = value.strip()
        try:
            number = int(text)
        except ValueError:
            if _is_number(text):
                number = float(text)
    if number is None:
        raise DataError(
            f"{where} is {value!r}, not a number of {_UNIT_NAMES[unit]} since 1970-01-01 "
            f"(--date-unit {unit}); without --date-unit, dates are ISO 8601 text"
        )
    ns = number * _NS_PER_UNIT[unit]
    bound = 2**63 - 1
    if not -bound <= ns <= bound:
        raise DataError(
            f"{where} is {value!r}: too far from 1970 for a date in {_UNIT_NAMES[unit]} "
            f"(--date-unit {unit})"
        )
    return int(ns)


def _parse_sources(articles: Articles, name: str) -> list[Optional[str]]:
    """Read the sources of --source-column: text; empty or null is unknown (None)."""
    out: list[Optional[str]] = []
    for row, value in enumerate(articles.columns["--source-column"]):
        if value is None or (isinstance(value, str) and not value.strip()):
            out.append(None)
        elif isinstance(value, str):
            out.append(value)
        else:
            raise DataError(
                f"{_where(articles, row)}: {name} is {value!r}, not a source: expected a "
                "string, or null for an unknown source"
            )
    return out


def _output_format(args: argparse.Namespace, path: Optional[str], flag: str) -> str:
    """Return the format of an output: --format, else the extension of its file, else table."""
    if path is None:
        return str(args.format or "table")
    suffix = pathlib.Path(path).suffix.lower()
    by_suffix = _OUTPUT_EXTENSIONS.get(suffix)
    if args.format is not None:
        if by_suffix is not None and by_suffix != args.format:
            raise InputUsageError(
                f"--format {args.format} does not fit {flag} {path!r}, a {suffix} file"
            )
        return str(args.format)
    if by_suffix is None:
        known = ", ".join(_OUTPUT_EXTENSIONS)
        raise InputUsageError(
            f"cannot tell the format of {flag} {path!r} from its extension (known: {known}); "
            "name it with --format"
        )
    return by_suffix


def _write_output(
    args: argparse.Namespace,
    path: Optional[str],
    flag: str,
    header: tuple[str, ...],
    rows: list[tuple[_Cell, ...]],
) -> None:
    """Write rows to standard output, or to ``path`` in the format of its extension."""
    fmt = _output_format(args, path, flag)
    if path is None:
        _write(fmt, header, rows)
        return
    try:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            _write(fmt, header, rows, fh)
    except OSError as exc:
        raise _CannotCreateError(f"cannot write {path!r}: {exc.strerror}") from exc


def _stories(args: argparse.Namespace) -> int:
    _check_options(args, ("-o", args.output), ("--summary", args.summary))
    from ._core import STORY_MAX_K

    if args.k > int(STORY_MAX_K):
        raise InputUsageError(f"argument --k: expected at most {int(STORY_MAX_K)}, got {args.k}")
    articles = _articles(args)
    meta = _Metadata(args, articles)
    index, vec = _index_and_vectorizer(args, articles, meta)
    # The library's arguments, one entry per option (the dates and sources are the index's).
    options: dict[str, Any] = {
        "k": args.k,
        "threshold": args.threshold,
        "window": args.window,
        "exclude_same_source": args.exclude_same_source,
        "keywords": args.keywords,
        "vectorizer": vec,
    }
    with _library_errors(articles.source):
        stories = index.stories(**options)
    header = ("article_id", "story", *meta.columns())
    rows: list[tuple[_Cell, ...]] = [
        (articles.ids[r], label, *meta.cells(r)) for r, label in enumerate(stories.labels.tolist())
    ]
    if args.summary is not None:  # first: a closed standard output must not lose it
        _write_output(args, args.summary, "--summary", *_story_summary(stories))
    _write_output(args, args.output, "-o", header, rows)
    singles = int((stories.sizes == 1).sum())
    _saved(
        args,
        (
            args.output,
            f"{stories.n_articles} articles in {stories.n_stories} stories ({singles} of one "
            "article)",
        ),
        (args.summary, f"{stories.n_stories} stories"),
    )
    return EX_OK


def _story_summary(stories: Any) -> tuple[tuple[str, ...], list[tuple[_Cell, ...]]]:
    """Return the header and rows of --summary: one row per story, largest first."""
    header: tuple[str, ...] = ("story", "size")
    columns: list[list[_Cell]] = [
        list(range(stories.n_stories)),
        [int(size) for size in stories.sizes.tolist()],
    ]
    if stories.first_date is not None:
        import pandas as pd

        tz = "UTC" if stories._utc else None
        header += ("first_date", "last_date")
        for values in (stories.first_date, stories.last_date):
            columns.append([s.isoformat() for s in pd.DatetimeIndex(values).tz_localize(tz)])
    if stories.n_sources is not None:
        header += ("n_sources", "sources")
        columns.append([int(n) for n in stories.n_sources.tolist()])
        columns.append([list(names) for names in stories.sources])
    header += ("keywords",)
    columns.append([[str(term) for term in terms] for terms in stories.keywords])
    return header, list(zip(*columns))


def _dedup(args: argparse.Namespace) -> int:
    _check_options(args, ("-o", args.output))
    articles = _articles(args)
    meta = _Metadata(args, articles)
    from ._syndication import dedup

    index = None
    if len(articles) > 1:
        try:
            index, _ = _index_and_vectorizer(args, articles, meta)
        except DataError as exc:
            if "empty vocabulary" not in str(exc):
                raise
            # only stop words: no candidate pairs, as the library's dedup() finds without one
    with _library_errors(articles.source):
        found = dedup(
            articles.texts,
            ids=articles.ids,
            dates=meta.dates,
            sources=meta.sources,
            threshold=args.threshold,
            keep=args.keep,
            shingle=args.shingle,
            candidates=args.candidates,
            index=index,
            window=args.window,
            exclude_same_source=args.exclude_same_source,
        )
    n = found.n_articles
    origin = found.origin_rows.tolist()
    linked = {
        copy: (to, contained, contains)
        for copy, to, contained, contains in zip(
            found.copy_rows.tolist(),
            found.original_rows.tolist(),
            found.contained.tolist(),
            found.contains.tolist(),
        )
    }
    header = (
        "article_id",
        "kept",
        "origin_id",
        "linked_id",
        "contained",
        "contains",
        *meta.columns(),
    )
    rows: list[tuple[_Cell, ...]] = []
    for r in range(n):
        kept = origin[r] == r
        if args.only == ("dropped" if kept else "kept"):
            continue
        link: tuple[_Cell, ...] = (None, None, None)
        if not kept:
            to, contained, contains = linked[r]
            link = (articles.ids[to], contained, contains)
        rows.append((articles.ids[r], kept, articles.ids[origin[r]], *link, *meta.cells(r)))
    _write_output(args, args.output, "-o", header, rows)
    n_kept = int(found.kept_rows.shape[0])
    _saved(
        args,
        (
            args.output,
            f"{len(rows)} rows: {n_kept} of {n} articles kept, {n - n_kept} dropped as copies "
            f"(groups: {len(found.groups())})",
        ),
    )
    return EX_OK


def _check_options(args: argparse.Namespace, *outputs: tuple[str, Optional[str]]) -> None:
    """Refuse, before any work, --date-unit alone, an output's unknown format, a file twice."""
    if args.date_unit is not None and args.date_field is None:
        raise InputUsageError("--date-unit applies to the dates of --date-column")
    if getattr(args, "window", None) is not None and args.date_field is None:
        raise InputUsageError("--window needs the articles' dates: name them with --date-column")
    if getattr(args, "exclude_same_source", False) and args.source_field is None:
        raise InputUsageError(
            "--exclude-same-source needs the articles' sources: name them with --source-column"
        )
    given = [(flag, path) for flag, path in outputs if path is not None]
    for i, (flag, path) in enumerate(given):
        _output_format(args, path, flag)
        for other_flag, other in given[i + 1 :]:
            if os.path.abspath(path) == os.path.abspath(other):
                raise InputUsageError(f"{flag} and {other_flag} name the same file {path!r}")


def _saved(args: argparse.Namespace, *written: tuple[Optional[str], str]) -> None:
    """Say what was written to files, on standard output when the rows did not go there."""
    if args.output is None:
        return
    for path, what in written:
        if path is not None:
            print(f"saved {path}: {what}")


def _fit(args: argparse.Namespace) -> int:
    articles = _articles(args)
    vec = _new_vectorizer(args)
    with _library_errors(articles.source):
        vec.fit(articles.texts)
    if args.discard_statistics:
        vec.discard_statistics()
    try:
        vec.save(args.output)
    except OSError as exc:
        raise _CannotCreateError(f"cannot write {args.output!r}: {exc.strerror}") from exc
    language = vec.language_ or "none"
    discarded = ", statistics discarded" if args.discard_statistics else ""
    print(
        f"saved {args.output}: fitted on {len(articles)} articles from {articles.source}, "
        f"language {language}, {len(vec.get_feature_names_out())} terms{discarded}"
    )
    return EX_OK


def _demo_command(args: argparse.Namespace) -> int:
    return _demo(args.top)


def _demo(top: int) -> int:
    from ._vectorizer import TfidfVectorizer

    corpus = datasets.load_sample()
    vec = TfidfVectorizer()
    X = vec.fit_transform(corpus.texts)
    print(
        f"newsim demo: {len(corpus)} bundled articles, language detected: {vec.language_}, "
        f"{X.shape[1]} terms"
    )
    for i, title in enumerate(corpus.titles):
        print(f"  [{i}] {title}")
    sim = (X @ X.T).toarray()
    print()
    print("cosine similarity:")
    for i in range(sim.shape[0]):
        print("  " + "  ".join(f"{sim[i, j]:.3f}" for j in range(sim.shape[1])))
    keywords = vec.keywords(corpus.texts, top=top)
    for i, (words, weights) in enumerate(zip(keywords.terms, keywords.weights)):
        print()
        print(f"top {top} terms of [{i}]:")
        for word, weight in zip(words, weights):
            print(f"  {word:<24} {weight:.3f}")
    why = vec.explain(corpus.texts[0], corpus.texts[1], top=top)
    print()
    print(f"why [0] and [1] are similar (cosine {why.score:.3f}):")
    for term, contribution in zip(why.terms, why.contributions):
        print(f"  {term:<24} {contribution:.4f}  ({contribution / why.score:.0%})")
    return EX_OK


# --------------------------------------------------------------------------- output

#: newsim 0.2's names of the output columns, by command (--legacy-columns, until newsim 0.4).
_SIMILAR_0_2 = {"article_id": "article", "neighbor_id": "neighbor"}
_PAIRS_0_2 = {"article_id": "id_i", "neighbor_id": "id_j"}
_KEYWORDS_0_2 = {"article_id": "article"}


def _columns(
    args: argparse.Namespace, header: tuple[str, ...], before: dict[str, str]
) -> tuple[str, ...]:
    """Return the output's column names: ``before`` renames them under --legacy-columns."""
    if not args.legacy_columns:
        return header
    replacements = ", ".join(f"{new} for {old}" for new, old in before.items())
    _warning(
        "--legacy-columns is deprecated and will be removed in newsim 0.4; read the new "
        f"columns ({replacements})"
    )
    return tuple(before.get(name, name) for name in header)


def _write(
    fmt: str, header: tuple[str, ...], rows: list[tuple[_Cell, ...]], out: Optional[Any] = None
) -> None:
    """Write rows to ``out`` (standard output) as an aligned table, CSV or JSON Lines.

    Scores have 4 decimals in a table and 6 (float32's precision) in CSV and JSON Lines. In
    a table and in CSV, a missing value (None) is an empty cell, a list is its items joined
    with ``"; "`` and a bool is ``true`` or ``false``; JSON Lines has null, arrays and
    booleans.
    """
    out = sys.stdout if out is None else out
    if fmt == "table":
        cells = [[str(_text(v, 4)) for v in row] for row in rows]
        widths = [len(name) for name in header]
        for row_cells in cells:
            widths = [max(w, len(c)) for w, c in zip(widths, row_cells)]
        numeric = (
            [isinstance(v, (int, float)) and not isinstance(v, bool) for v in rows[0]]
            if rows
            else []
        )

        def line(values: Sequence[str]) -> str:
            padded = [
                v.rjust(w) if right else v.ljust(w)
                for v, w, right in zip(values, widths, numeric or [False] * len(values))
            ]
            return "  ".join(padded).rstrip()

        out.write(line(header) + "\n")
        for row_cells in cells:
            out.write(line(row_cells) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(tuple(_text(v, None) for v in row) for row in rows)
    else:
        for row in rows:
            record = dict(zip(header, (_machine(v) for v in row)))
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def _machine(value: _Cell) -> _Cell:
    return round(value, 6) if isinstance(value, float) else value


def _text(value: _Cell, decimals: Optional[int]) -> Union[str, int, float]:
    """Return a cell of a table (floats with ``decimals``) or of CSV (None: 6 decimals)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return _LIST_SEPARATOR.join(value)
    if isinstance(value, float):
        return f"{value:.{decimals}f}" if decimals is not None else round(value, 6)
    return value


# --------------------------------------------------------------------------- entry point


def _error(message: str) -> None:
    print(f"newsim: error: {message}", file=sys.stderr)


def _warning(message: str) -> None:
    print(f"newsim: warning: {message}", file=sys.stderr)


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so that the flush at exit cannot fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the ``newsim`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code (listed in the module's documentation and in ``newsim --help``).
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            args = parser.parse_args(["demo"])
        try:
            code: int = args.run(args)
            sys.stdout.flush()
        except InputUsageError as exc:
            args.parser.error(str(exc))
        return code
    except SystemExit as exc:  # argparse: --help, or bad usage
        return exc.code if isinstance(exc.code, int) else EX_USAGE
    except BrokenPipeError:
        _quiet_stdout()
        return EX_BROKEN_PIPE
    except KeyboardInterrupt:
        _error("interrupted")
        return EX_INTERRUPTED
    except DataError as exc:
        _error(str(exc))
        return EX_DATAERR
    except NoInputError as exc:
        _error(str(exc))
        return EX_NOINPUT
    except _CannotCreateError as exc:
        _error(str(exc))
        return EX_CANTCREAT


if __name__ == "__main__":
    sys.exit(main())
