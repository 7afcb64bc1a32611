"""Read articles for the command line: a folder of ``.txt`` files, CSV/TSV, JSON Lines or lines.

Every reader decodes the whole input as strict UTF-8 first, so that a bad byte is reported with
its exact byte offset and line, and then parses the text. A UTF-8 byte order mark is dropped.
Problems are raised as one of three exceptions, which the command line maps to its exit codes:
:class:`InputUsageError` (the options do not fit the input), :class:`NoInputError` (the input
cannot be opened) and :class:`DataError` (its content is not a set of articles).
"""

from __future__ import annotations

import csv
import io
import json
import os
import pathlib
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Optional

__all__ = [
    "FORMATS",
    "ON_BAD_LINES",
    "Articles",
    "BadRecord",
    "DataError",
    "InputUsageError",
    "NoInputError",
    "read_articles",
    "skipped_summary",
]

#: Input formats of a file or of standard input (a folder is always read as ``.txt`` files).
FORMATS = ("csv", "tsv", "jsonl", "lines")
#: What to do with a malformed CSV record: raise a DataError naming it, or leave it out.
ON_BAD_LINES = ("error", "skip")
#: Standard input, as a PATH.
STDIN = "-"
#: Skipped records listed by line in :func:`skipped_summary`; the rest are counted.
_LISTED_SKIPPED = 10

_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".txt": "lines",
}
_DEFAULT_TEXT = "text"
_BOM = "\ufeff"


class InputUsageError(Exception):
    """The options do not fit the input (e.g. ``--delimiter`` with a folder)."""


class NoInputError(Exception):
    """The input does not exist or cannot be opened."""


class DataError(Exception):
    """The input's content cannot be read as articles (bad bytes, syntax, missing column)."""


@dataclass(frozen=True)
class BadRecord:
    """A malformed CSV record, left out with ``on_bad_lines='skip'``.

    Parameters
    ----------
    line : int
        The line on which the record starts (1-based).
    last_line : int
        The line on which it ends: later than ``line`` when a quoted field spans lines, or
        when a quote is not closed before the end of the file.
    problem : str
        What is wrong with it.
    """

    line: int
    last_line: int
    problem: str

    @property
    def lines(self) -> str:
        """The record's line, or its first and last lines (``"7-9"``)."""
        return str(self.line) if self.last_line == self.line else f"{self.line}-{self.last_line}"


@dataclass(frozen=True)
class Articles:
    """Articles read from one input.

    Parameters
    ----------
    texts : list of str
        The article texts.
    ids : list of str
        One unique identifier per article.
    source : str
        The input's name, for messages.
    skipped : tuple of BadRecord, default ()
        The malformed records left out (``on_bad_lines='skip'``), in file order.
    lines : list of int, default []
        The line on which each article's record starts (1-based), for messages; empty for a
        folder and for the bundled sample.
    columns : dict, default {}
        The values of the other columns asked for (``columns=`` of :func:`read_articles`),
        by their flag (``"--date-column"``): one per article, a str from CSV, any JSON value
        (None for null) from JSON Lines.
    """

    texts: list[str]
    ids: list[str]
    source: str
    skipped: tuple[BadRecord, ...] = ()
    lines: list[int] = field(default_factory=list)
    columns: dict[str, list[Any]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.texts)


def read_articles(
    path: str,
    *,
    input_format: Optional[str] = None,
    text_field: Optional[str] = None,
    id_field: Optional[str] = None,
    delimiter: Optional[str] = None,
    quotechar: Optional[str] = None,
    header: bool = True,
    on_bad_lines: Optional[str] = None,
    columns: Sequence[tuple[str, str]] = (),
) -> Articles:
    """Read articles from a folder, a file or standard input.

    Parameters
    ----------
    path : str
        A folder of ``.txt`` files (one article per file, sorted by file name; the id is the
        file name without ``.txt``; hidden files are skipped), a file, or ``-`` for standard
        input.
    input_format : {'csv', 'tsv', 'jsonl', 'lines'}, optional
        The format of a file or of standard input. By default it follows the file's extension
        (``.csv``; ``.tsv`` or ``.tab``; ``.jsonl`` or ``.ndjson``; ``.txt`` is ``lines``, one
        article per line); standard input is read as JSON Lines.
    text_field : str, optional
        The CSV column or JSON field holding the text (default ``text``). Without a header
        (``header=False``), the column's number, counted from 0 (default: the last column).
    id_field : str, optional
        The CSV column or JSON field holding the id, or its number without a header. Without
        it, an article's id is the number of the line on which its record starts (1-based).
    delimiter : str, optional
        The CSV field delimiter (default ``,`` for CSV, a tab for TSV).
    quotechar : str, optional
        The CSV quote character (default ``"``): a field that holds the delimiter, a line break
        or the quote character is enclosed in it, and a quote character inside such a field is
        doubled.
    header : bool, default True
        Whether a CSV file starts with a header row naming the columns. Without one, the
        columns are numbered from 0 and the first record sets how many fields every record has.
    on_bad_lines : {'error', 'skip'}, optional
        What to do with a malformed CSV record: one with another number of fields than the
        header (or the first record), or that is not valid CSV (e.g. a quote not closed before
        the end of the file, as in a truncated last row). ``'error'`` (the default) raises a
        :class:`DataError` naming its line; ``'skip'`` leaves it out and lists it in
        :attr:`Articles.skipped` (see :func:`skipped_summary`). A malformed header row is
        always an error.
    columns : sequence of (str, str), default ()
        Other columns (or JSON fields) to read, each as ``(flag, name)``: the command-line
        flag that named it, for messages, and the column's name (its number without a
        header). Their values are in :attr:`Articles.columns`, by flag. Not for a folder or
        ``'lines'`` input.

    Returns
    -------
    Articles
        At least one article, with unique ids.

    Raises
    ------
    InputUsageError
        If the format cannot be told from the extension, an option does not apply to it, the
        delimiter or the quote character is not one character, or they are the same, a
        column is not a number without a header, or ``on_bad_lines`` is unknown.
    NoInputError
        If the path does not exist or cannot be read.
    DataError
        If the input is not UTF-8 (naming the byte offset and line), cannot be parsed, lacks
        the text or id column (a column number beyond the first record's fields), has a
        malformed record (unless skipped), holds no article, or repeats an id.
    """
    csv_flags = _csv_flags_given(
        delimiter=delimiter, quotechar=quotechar, header=header, on_bad_lines=on_bad_lines
    )
    if path != STDIN and os.path.isdir(path):
        given = [
            flag
            for flag, value in (
                ("--input-format", input_format),
                ("--text-column", text_field),
                ("--id-column", id_field),
                *columns,
            )
            if value is not None
        ] + csv_flags
        if given:
            raise InputUsageError(
                f"{', '.join(given)} cannot be used with a folder: each .txt file is one article"
            )
        return _check(_read_folder(pathlib.Path(path)))
    if path == STDIN:
        source = "<stdin>"
        fmt = input_format or "jsonl"
        data = sys.stdin.buffer.read()
    else:
        source = path
        data = _read_bytes(path)
        fmt = input_format or _format_of(path)
    if fmt not in FORMATS:
        raise InputUsageError(f"unknown input format {fmt!r}; use one of {', '.join(FORMATS)}")
    if on_bad_lines is not None and on_bad_lines not in ON_BAD_LINES:
        raise InputUsageError(
            f"unknown --on-bad-lines {on_bad_lines!r}; use one of {', '.join(ON_BAD_LINES)}"
        )
    if csv_flags and fmt not in ("csv", "tsv"):
        verb = "applies" if len(csv_flags) == 1 else "apply"
        raise InputUsageError(f"{', '.join(csv_flags)} {verb} to CSV and TSV input, not to {fmt}")
    if fmt == "lines" and (text_field is not None or id_field is not None):
        raise InputUsageError("--text-column and --id-column do not apply to 'lines' input")
    if fmt == "lines" and columns:
        flags = ", ".join(flag for flag, _ in columns)
        raise InputUsageError(f"{flags} cannot be used with 'lines' input: it has only the text")
    text = _decode(data, source)
    if fmt == "lines":
        return _check(_read_lines(text, source))
    if fmt == "jsonl":
        return _check(_read_jsonl(text, source, text_field or _DEFAULT_TEXT, id_field, columns))
    sep = delimiter if delimiter is not None else ("," if fmt == "csv" else "\t")
    quote = quotechar if quotechar is not None else '"'
    skip = on_bad_lines == "skip"
    return _check(_read_csv(text, source, sep, quote, header, text_field, id_field, skip, columns))


def skipped_summary(articles: Articles) -> list[str]:
    """Describe the malformed records that were skipped, for standard error.

    Parameters
    ----------
    articles : Articles
        Articles read with ``on_bad_lines='skip'``.

    Returns
    -------
    list of str
        No message if no record was skipped. Otherwise two: how many records were skipped and
        on which lines (the first 10, then how many more; ``7-9`` for a record over lines 7
        to 9), and the first one's problem.
    """
    skipped = articles.skipped
    if not skipped:
        return []
    first = skipped[0]
    return [
        f"{articles.source}: skipped {_skipped_lines(skipped)}",
        f"{articles.source}, line {first.line}: {first.problem}",
    ]


def _skipped_lines(skipped: tuple[BadRecord, ...]) -> str:
    """Say how many malformed records were skipped, and on which lines."""
    listed = ", ".join(record.lines for record in skipped[:_LISTED_SKIPPED])
    if len(skipped) > _LISTED_SKIPPED:
        listed += f" and {len(skipped) - _LISTED_SKIPPED} more"
    records = "record" if len(skipped) == 1 else "records"
    lines = "line" if len(skipped) == 1 and skipped[0].last_line == skipped[0].line else "lines"
    return f"{len(skipped)} malformed {records} (--on-bad-lines skip), on {lines} {listed}"


def _csv_flags_given(
    *,
    delimiter: Optional[str],
    quotechar: Optional[str],
    header: bool,
    on_bad_lines: Optional[str],
) -> list[str]:
    """Return the command-line flags of the CSV-only options that were given."""
    return [
        flag
        for flag, given in (
            ("--delimiter", delimiter is not None),
            ("--quotechar", quotechar is not None),
            ("--no-header", not header),
            ("--on-bad-lines", on_bad_lines is not None),
        )
        if given
    ]


def _column_number(flag: str, value: Optional[str]) -> Optional[int]:
    """Read a column number (counted from 0) of a CSV file without a header."""
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()):
        raise InputUsageError(
            f"with --no-header, {flag} takes a column number counted from 0 (0, 1, ...), "
            f"got {value!r}"
        )
    return int(value)


def _format_of(path: str) -> str:
    suffix = pathlib.Path(path).suffix.lower()
    fmt = _EXTENSIONS.get(suffix)
    if fmt is None:
        known = ", ".join(_EXTENSIONS)
        raise InputUsageError(
            f"cannot tell the format of {path!r} from its extension (known: {known}); "
            "name it with --input-format"
        )
    return fmt


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise NoInputError(f"cannot read {path!r}: {exc.strerror}") from exc


def _decode(data: bytes, source: str) -> str:
    """Decode strict UTF-8, naming the byte offset and line of the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.end].hex(" ")
        raise DataError(
            f"{source}: not valid UTF-8 at byte offset {exc.start} (line {line}): "
            f"{exc.reason} (byte {bad}); convert the file to UTF-8"
        ) from exc
    return text[1:] if text.startswith(_BOM) else text


def _read_folder(folder: pathlib.Path) -> Articles:
    try:
        entries = sorted(
            (e for e in folder.iterdir() if _is_article_file(e)),
            key=lambda e: e.name,
        )
    except OSError as exc:
        raise NoInputError(f"cannot list the folder {str(folder)!r}: {exc.strerror}") from exc
    if not entries:
        raise DataError(f"{folder}: the folder holds no .txt files")
    texts = [_decode(_read_bytes(str(e)), str(e)) for e in entries]
    return Articles(texts=texts, ids=[e.stem for e in entries], source=str(folder))


def _is_article_file(entry: pathlib.Path) -> bool:
    """Tell whether a folder entry is an article: a ``.txt`` file, not hidden.

    Hidden files are skipped as a shell's ``*.txt`` skips them (an editor's lock file, such as
    Emacs' ``.#name.txt``, is often a dangling link).
    """
    return entry.suffix.lower() == ".txt" and not entry.name.startswith(".") and not entry.is_dir()


def _physical_lines(text: str) -> Iterator[tuple[int, str]]:
    r"""Yield ``(line number, line)``, split at ``\n`` only, as JSON Lines defines lines.

    ``str.splitlines`` would also split at U+2028 and other separators that JSON strings may
    hold unescaped.
    """
    for number, line in enumerate(text.split("\n"), start=1):
        yield number, line.removesuffix("\r")


def _read_lines(text: str, source: str) -> Articles:
    texts: list[str] = []
    ids: list[str] = []
    lines: list[int] = []
    for number, line in _physical_lines(text):
        if line.strip():
            texts.append(line)
            ids.append(str(number))
            lines.append(number)
    return Articles(texts=texts, ids=ids, source=source, lines=lines)


def _check_no_surrogate(value: str, where: str) -> None:
    r"""Refuse a lone surrogate (a JSON escape such as \ud800 without its pair): no UTF-8 form."""
    from ._input import _check_encodable

    try:
        _check_encodable(value, where)
    except ValueError as exc:
        raise DataError(f"{exc} (a \\u escape without its pair)") from exc


def _read_jsonl(
    text: str,
    source: str,
    text_field: str,
    id_field: Optional[str],
    columns: Sequence[tuple[str, str]] = (),
) -> Articles:
    texts: list[str] = []
    ids: list[str] = []
    lines: list[int] = []
    values: dict[str, list[Any]] = {flag: [] for flag, _ in columns}
    json_flags = [(flag.replace("-column", "-field"), name) for flag, name in columns]
    for number, line in _physical_lines(text):
        if not line.strip():
            continue
        where = f"{source}, line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{where}: not valid JSON: {exc.msg} (column {exc.colno})") from exc
        if not isinstance(record, dict):
            raise DataError(f"{where}: expected a JSON object, found {_json_type(record)}")
        for flag, name in (("--text-field", text_field), ("--id-field", id_field), *json_flags):
            if name is not None and name not in record:
                raise DataError(
                    f"{where}: no field {name!r}; the record's fields are {_names(record)} "
                    f"(choose one with {flag})"
                )
        value = record[text_field]
        if not isinstance(value, str):
            raise DataError(
                f"{where}: field {text_field!r} is {_json_type(value)}, expected a string"
            )
        _check_no_surrogate(value, f"{where}: field {text_field!r}")
        texts.append(value)
        if id_field is None:
            ids.append(str(number))
        else:
            key = record[id_field]
            if isinstance(key, bool) or not isinstance(key, (str, int)):
                raise DataError(
                    f"{where}: field {id_field!r} is {_json_type(key)}, "
                    "expected a string or an integer"
                )
            _check_no_surrogate(str(key), f"{where}: field {id_field!r}")
            ids.append(str(key))
        lines.append(number)
        for flag, name in columns:
            values[flag].append(record[name])
    return Articles(texts=texts, ids=ids, source=source, lines=lines, columns=values)


def _read_csv(
    text: str,
    source: str,
    delimiter: str,
    quotechar: str,
    header: bool,
    text_column: Optional[str],
    id_column: Optional[str],
    skip: bool,
    columns: Sequence[tuple[str, str]] = (),
) -> Articles:
    """Read CSV records as articles.

    With a header, columns are names (the text's default: ``text``); without one, numbers
    counted from 0 (the text's default: the last column). With ``skip``, malformed records
    are left out and listed in ``Articles.skipped``; otherwise the first is a DataError.
    """
    if len(delimiter) != 1:
        raise InputUsageError(f"the delimiter must be one character, got {delimiter!r}")
    if len(quotechar) != 1:
        raise InputUsageError(f"the quote character must be one character, got {quotechar!r}")
    if quotechar in "\r\n":
        raise InputUsageError(f"the quote character cannot be a line break, got {quotechar!r}")
    if quotechar == delimiter:
        raise InputUsageError(
            f"the quote character and the delimiter must differ, both are {delimiter!r}"
        )
    numbers = (
        None if header else _column_number("--text-column", text_column),
        None if header else _column_number("--id-column", id_column),
    )
    others: list[Optional[int]] = [
        None if header else _column_number(flag, name) for flag, name in columns
    ]
    records = _csv_records(text, delimiter, quotechar)
    texts: list[str] = []
    ids: list[str] = []
    lines: list[int] = []
    values: dict[str, list[Any]] = {flag: [] for flag, _ in columns}
    skipped: list[BadRecord] = []

    def malformed(record: _CsvRecord, problem: str) -> None:
        if not skip:
            raise DataError(
                f"{source}, line {record.line}: {problem}; to leave out malformed records, "
                "add --on-bad-lines skip"
            )
        skipped.append(BadRecord(record.line, record.last_line, problem))

    if header:
        if not records:
            raise DataError(
                f"{source}: the file is empty; expected a header row naming the columns"
            )
        names = records[0]
        if names.error is not None:
            raise DataError(
                f"{source}, line {names.line}: the header row is {_csv_problem(names, quotechar)}"
            )
        body = records[1:]
        width: Optional[int] = len(names.fields)
        where = "as in the header"
        text_index = _named_column(
            source, names.fields, "--text-column", text_column or _DEFAULT_TEXT
        )
        id_index = (
            None
            if id_column is None
            else _named_column(source, names.fields, "--id-column", id_column)
        )
        others = [_named_column(source, names.fields, flag, name) for flag, name in columns]
    else:
        body = records
        width = None  # set by the first well-formed record
        where = ""
        text_index, id_index = -1, numbers[1]
    for record in body:
        if record.error is not None:
            malformed(record, _csv_problem(record, quotechar))
            continue
        if width is None:
            width = len(record.fields)
            where = f"as in the first record (line {record.line})"
            text_index = width - 1 if numbers[0] is None else numbers[0]
            _check_column_numbers(
                source,
                record.line,
                width,
                [
                    ("--text-column", text_index),
                    ("--id-column", id_index),
                    *((flag, n) for (flag, _), n in zip(columns, others)),
                ],
            )
        if len(record.fields) != width:
            malformed(
                record,
                f"expected {_fields(width)} {where}, found {len(record.fields)} (split at "
                f"{delimiter!r}, quoted with {quotechar!r}; for others: --delimiter, --quotechar)",
            )
            continue
        texts.append(record.fields[text_index])
        ids.append(record.fields[id_index] if id_index is not None else str(record.line))
        lines.append(record.line)
        for (flag, _), index in zip(columns, others):
            values[flag].append(record.fields[index] if index is not None else None)
    return Articles(
        texts=texts,
        ids=ids,
        source=source,
        skipped=tuple(skipped),
        lines=lines,
        columns=values,
    )


def _check_column_numbers(
    source: str, line: int, width: int, numbers: list[tuple[str, Optional[int]]]
) -> None:
    """Refuse a column number beyond the fields of the first record (on ``line``)."""
    numbered = "the only column is 0" if width == 1 else f"the columns are 0 to {width - 1}"
    for flag, index in numbers:
        if index is not None and index >= width:
            raise DataError(
                f"{source}, line {line}: no column {index}: the first record has "
                f"{_fields(width)}, so {numbered} (choose one with {flag})"
            )


def _named_column(source: str, header: list[str], flag: str, name: str) -> int:
    """Return the index of the header's one column called ``name``."""
    count = header.count(name)
    if count == 1:
        return header.index(name)
    problem = "no column" if count == 0 else f"{count} columns named"
    hint = (
        "; if the file has no header row, add --no-header"
        if count == 0 and name.isascii() and name.isdigit()
        else ""
    )
    raise DataError(
        f"{source}: {problem} {name!r}; the columns are {_names(header)} "
        f"(choose one with {flag}{hint})"
    )


def _fields(count: int) -> str:
    return "1 field" if count == 1 else f"{count} fields"


@dataclass(frozen=True)
class _CsvRecord:
    """A record of a CSV file: its fields, or the csv module's error."""

    line: int
    last_line: int
    fields: list[str]
    error: Optional[str] = None


def _csv_records(text: str, delimiter: str, quotechar: str) -> list[_CsvRecord]:
    """Return the non-blank records, each with the lines on which it starts and ends.

    A record that is not valid CSV is returned with the csv module's error, and reading goes
    on after it (the reader starts afresh on the next line). Fields may be longer than the csv
    module's default limit (128 KiB), which a long article can reach; the limit is raised
    while reading and restored afterwards.
    """
    # newline="": the csv module sees line breaks inside quoted fields as written.
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quotechar, strict=True
    )
    records: list[_CsvRecord] = []
    limit = csv.field_size_limit(2**31 - 1)
    line = 1
    try:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                records.append(_CsvRecord(line, max(line, reader.line_num), [], str(exc)))
            else:
                if row:
                    records.append(_CsvRecord(line, reader.line_num, row))
            line = reader.line_num + 1
    finally:
        csv.field_size_limit(limit)
    return records


def _csv_problem(record: _CsvRecord, quotechar: str) -> str:
    """Explain the csv module's error on a record, with the likely cause."""
    problem = f"not valid CSV: {record.error}"
    if record.error == "unexpected end of data":
        problem += f": a field quoted with {quotechar!r} is not closed before the end of the file"
        if record.last_line > record.line:
            problem += f" (the record runs from line {record.line} to {record.last_line})"
    elif record.error is not None and "expected after" in record.error:
        problem += (
            f": a field that starts with the quote character {quotechar!r} must end with it; "
            "if the file quotes with another character, name it with --quotechar"
        )
    return problem


def _check(articles: Articles) -> Articles:
    """Reject an input without articles or with a repeated id."""
    if not articles.texts:
        found = f"{articles.source}: no articles found"
        if articles.skipped:
            first = articles.skipped[0]
            found += (
                f": skipped {_skipped_lines(articles.skipped)}; the first, line {first.line}: "
                f"{first.problem}"
            )
        raise DataError(found)
    seen: dict[str, int] = {}
    for position, key in enumerate(articles.ids):
        if key in seen:
            raise DataError(
                f"{articles.source}: the id {key!r} is used by articles {seen[key] + 1} and "
                f"{position + 1}; ids must be unique"
            )
        seen[key] = position
    return articles


def _names(names: Iterable[str]) -> str:
    listed = ", ".join(repr(n) for n in names)
    return listed or "none"


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"
