"""``newsim stories`` and ``newsim dedup``: their rows against the library on the same input.

Each command's output (CSV, JSON Lines, a table) is read back and compared with
``index.stories()`` / ``newsim.dedup()`` called on the same texts, ids, dates and sources;
each bad input has its message and exit code.
"""

from __future__ import annotations

import csv
import io
import json
import pathlib
from typing import Any

import numpy as np
import pytest

import newsim
from conftest import _require
from newsim import cli

pd = pytest.importorskip("pandas")

# Two stories and a lone article. "b3" repeats "b1" word for word but was published an hour
# earlier, two rows later: dedup must name "b3" the origin. "a2" is "a1" and three more words.
HEADLINES = [
    ("a1", "Central bank raises interest rates by half a point to fight inflation",
     "2024-03-04T08:00:00Z", "Reuters"),
    ("a2", "Central bank raises interest rates by half a point to fight inflation, stocks fall",
     "2024-03-04T09:30:00+01:00", "AP"),
    ("b1", "Football club wins the championship after a dramatic penalty shootout",
     "2024-03-05T20:00:00Z", "ESPN"),
    ("a3", "Why the central bank raised interest rates to fight inflation",
     "2024-03-04T11:00:00Z", "BBC"),
    ("b3", "Football club wins the championship after a dramatic penalty shootout",
     "2024-03-05T19:00:00Z", "Sky"),
    ("b2", "Penalty shootout drama: the football club takes the championship",
     "2024-03-05T21:15:00Z", "Reuters"),
    ("c1", "Scientists discover a new species of tree frog in the rainforest of Peru",
     "2024-03-06T07:45:00Z", ""),
]  # fmt: skip
IDS = [h[0] for h in HEADLINES]
TEXTS = [h[1] for h in HEADLINES]
DATES = [h[2] for h in HEADLINES]
SOURCES = [h[3] or None for h in HEADLINES]
COLUMNS = ["--text-column", "title", "--id-column", "id"]
META = ["--date-column", "published", "--source-column", "outlet"]


def run_cli(capsys: pytest.CaptureFixture[str], *args: Any) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def parse(fmt: str, out: str) -> list[dict[str, Any]]:
    """Read CSV (every value a str) or JSON Lines (JSON types) back into records."""
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(out)))
    return [json.loads(line) for line in out.splitlines()]


def as_list(fmt: str, value: Any) -> list[str]:
    """A list cell: a JSON array, or its items joined with '; ' in CSV."""
    if fmt == "jsonl":
        assert isinstance(value, list)
        return [str(v) for v in value]
    return value.split("; ") if value else []


def iso(values: Any) -> list[str]:
    return [stamp.isoformat() for stamp in pd.DatetimeIndex(values)]


@pytest.fixture
def headlines_csv(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "headlines.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "title", "published", "outlet"])
        writer.writerows(HEADLINES)
    return path


@pytest.fixture
def headlines_jsonl(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "headlines.jsonl"
    records = [
        {"id": i, "title": t, "published": d, "outlet": s or None} for i, t, d, s in HEADLINES
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def headlines(
    request: pytest.FixtureRequest, headlines_csv: pathlib.Path, headlines_jsonl: pathlib.Path
) -> pathlib.Path:
    return headlines_csv if request.param == "csv" else headlines_jsonl


def library_stories(**options: Any) -> newsim.Stories:
    index = newsim.TfidfVectorizer().index(TEXTS, ids=IDS)
    return index.stories(dates=DATES, sources=SOURCES, **options)


# ----------------------------------------------------------------------------- stories


@pytest.mark.parametrize("headlines", ["csv", "jsonl"], indirect=True)
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_stories_rows_are_the_librarys_labels(
    capsys: pytest.CaptureFixture[str], headlines: pathlib.Path, fmt: str
) -> None:
    code, out, err = run_cli(capsys, "stories", headlines, *COLUMNS, *META, "--format", fmt)
    assert (code, err) == (0, "")
    rows = parse(fmt, out)
    assert list(rows[0]) == ["article_id", "story", "date", "source"]
    expected = library_stories()
    assert [r["article_id"] for r in rows] == IDS
    assert [int(r["story"]) for r in rows] == expected.labels.tolist()
    # the dates in UTC (a2 was written at +01:00), the sources as given (c1's is unknown)
    assert [r["date"] for r in rows] == iso(pd.to_datetime(DATES, utc=True))
    assert rows[1]["date"] == "2024-03-04T08:30:00+00:00"
    unknown = "" if fmt == "csv" else None
    assert [r["source"] for r in rows] == [s if s else unknown for s in SOURCES]
    # the hand-checked stories: the bank, the football final, the frog
    story = dict(zip(IDS, expected.labels.tolist()))
    assert story["a1"] == story["a2"] == story["a3"]
    assert story["b1"] == story["b2"] == story["b3"] != story["a1"]
    assert story["c1"] not in (story["a1"], story["b1"])


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_stories_summary_is_the_librarys_frame(
    capsys: pytest.CaptureFixture[str],
    headlines_csv: pathlib.Path,
    tmp_path: pathlib.Path,
    suffix: str,
) -> None:
    summary = tmp_path / f"summary{suffix}"
    options = ["--keywords", 3, "--summary", summary]
    code, out, err = run_cli(capsys, "stories", headlines_csv, *COLUMNS, *META, *options)
    assert (code, err) == (0, "")
    assert out.splitlines()[0].split() == ["article_id", "story", "date", "source"]  # a table
    fmt = suffix.lstrip(".")
    rows = parse(fmt, summary.read_text(encoding="utf-8"))
    frame = library_stories(keywords=3).to_frame()
    assert list(rows[0]) == [
        "story", "size", "first_date", "last_date", "n_sources", "sources", "keywords",
    ]  # fmt: skip
    assert [int(r["story"]) for r in rows] == frame["story"].tolist()
    assert [int(r["size"]) for r in rows] == frame["size"].tolist()
    assert [r["first_date"] for r in rows] == iso(frame["first_date"])
    assert [r["last_date"] for r in rows] == iso(frame["last_date"])
    assert [int(r["n_sources"]) for r in rows] == frame["n_sources"].tolist()
    assert [as_list(fmt, r["sources"]) for r in rows] == frame["sources"].tolist()
    assert [as_list(fmt, r["keywords"]) for r in rows] == frame["keywords"].tolist()
    assert all(len(terms) == 3 for terms in frame["keywords"])


def test_stories_without_dates_and_sources_and_with_options(
    capsys: pytest.CaptureFixture[str], headlines_csv: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    summary = tmp_path / "summary.jsonl"
    options = ["--k", 3, "--threshold", 0.2, "--keywords", 0, "--summary", summary]
    code, out, err = run_cli(capsys, "stories", headlines_csv, *COLUMNS, *options, "--format",
                             "jsonl")  # fmt: skip
    assert (code, err) == (0, "")
    rows = parse("jsonl", out)
    assert list(rows[0]) == ["article_id", "story"]
    index = newsim.TfidfVectorizer().index(TEXTS, ids=IDS)
    expected = index.stories(k=3, threshold=0.2, keywords=0)
    assert [r["story"] for r in rows] == expected.labels.tolist()
    stories = parse("jsonl", summary.read_text(encoding="utf-8"))
    assert stories == [
        {"story": s, "size": size, "keywords": []} for s, size in enumerate(expected.sizes.tolist())
    ]


def test_stories_with_a_model_names_the_keywords(
    capsys: pytest.CaptureFixture[str], headlines_csv: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    model = tmp_path / "model.newsim"
    assert run_cli(capsys, "fit", headlines_csv, *COLUMNS, "-o", model)[0] == 0
    summary = tmp_path / "summary.csv"
    code, _, err = run_cli(
        capsys, "stories", headlines_csv, *COLUMNS, "--model", model, "--summary", summary
    )
    assert (code, err) == (0, "")
    vec = newsim.TfidfVectorizer.load(model)
    index = newsim.SimilarityIndex(vec.transform(TEXTS))
    frame = index.stories(vectorizer=vec).to_frame()
    rows = parse("csv", summary.read_text(encoding="utf-8"))
    assert [as_list("csv", r["keywords"]) for r in rows] == frame["keywords"].tolist()
    assert all(isinstance(t, str) for terms in frame["keywords"] for t in terms)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_stories_on_the_uci_headlines_with_epoch_milliseconds(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, fmt: str
) -> None:
    path = _require(newsim.datasets.UCI_STORIES_FILE)
    corpus = newsim.datasets.load_uci_stories(path)
    out_file = tmp_path / f"stories.{fmt}"
    summary = tmp_path / f"summary.{fmt}"
    options = ["--text-column", "TITLE", "--id-column", "ID", "--date-column", "TIMESTAMP",
               "--date-unit", "ms", "--source-column", "PUBLISHER"]  # fmt: skip
    code, out, err = run_cli(capsys, "stories", path, *options, "-o", out_file, "--summary",
                             summary)  # fmt: skip
    assert (code, err) == (0, "")
    index = newsim.TfidfVectorizer().index(corpus.texts, ids=corpus.ids)
    expected = index.stories(dates=corpus.dates, sources=corpus.sources)
    singles = int((expected.sizes == 1).sum())
    assert out.splitlines() == [
        f"saved {out_file}: 3259 articles in {expected.n_stories} stories ({singles} of one "
        "article)",
        f"saved {summary}: {expected.n_stories} stories",
    ]
    rows = parse(fmt, out_file.read_text(encoding="utf-8"))
    assert [str(r["article_id"]) for r in rows] == corpus.ids
    assert [int(r["story"]) for r in rows] == expected.labels.tolist()
    assert [r["date"] for r in rows] == [d.isoformat() for d in corpus.dates]
    assert rows[0]["date"] == "2014-03-10T17:02:00.294000+00:00"  # 1394470920294 ms
    frame = expected.to_frame()
    stories = parse(fmt, summary.read_text(encoding="utf-8"))
    assert [r["first_date"] for r in stories] == iso(frame["first_date"])
    assert [as_list(fmt, r["sources"]) for r in stories] == frame["sources"].tolist()


def test_stories_date_units_and_column_numbers(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "headlines.csv"
    seconds = [int(pd.Timestamp(d).timestamp()) for d in DATES]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([(s, t, i) for i, t, s in zip(IDS, TEXTS, seconds)])
    code, _, err = run_cli(capsys, "dedup", path, "--no-header", "--source-column", 3)
    assert code == cli.EX_DATAERR
    assert err == (
        f"newsim: error: {path}, line 1: no column 3: the first record has 3 fields, so the "
        "columns are 0 to 2 (choose one with --source-column)\n"
    )
    options = ["--no-header", "--text-column", 1, "--id-column", 2, "--date-column", 0]
    code, out, err = run_cli(capsys, "stories", path, *options, "--date-unit", "s", "--format",
                             "csv")  # fmt: skip
    assert (code, err) == (0, "")
    rows = parse("csv", out)
    assert [r["date"] for r in rows] == iso(pd.to_datetime(DATES, utc=True))
    assert [int(r["story"]) for r in rows] == library_stories().labels.tolist()


# ----------------------------------------------------------------------------- dedup


@pytest.mark.parametrize("headlines", ["csv", "jsonl"], indirect=True)
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_dedup_rows_are_the_librarys_syndication(
    capsys: pytest.CaptureFixture[str], headlines: pathlib.Path, fmt: str
) -> None:
    code, out, err = run_cli(capsys, "dedup", headlines, *COLUMNS, *META, "--format", fmt)
    assert (code, err) == (0, "")
    rows = parse(fmt, out)
    assert list(rows[0]) == [
        "article_id", "kept", "origin_id", "linked_id", "contained", "contains", "date", "source",
    ]  # fmt: skip
    found = newsim.dedup(TEXTS, ids=IDS, dates=DATES, sources=SOURCES)
    kept = {r["article_id"] for r in rows if r["kept"] in (True, "true")}
    assert kept == set(found.kept_ids.tolist())
    origin = {r["article_id"]: r["origin_id"] for r in rows}
    assert origin == dict(zip(IDS, found.ids[found.origin_rows].tolist()))
    assert {k: v for k, v in origin.items() if k != v} == found.dropped
    # hand-checked: b3 was published before b1, a1 before a2
    assert found.dropped == {"a2": "a1", "b1": "b3"}
    frame = found.to_frame().set_index("copy_id")
    for r in rows:
        if r["article_id"] in found.dropped:
            copy = frame.loc[r["article_id"]]
            assert r["linked_id"] == copy["linked_id"]
            assert float(r["contained"]) == pytest.approx(copy["contained"], abs=1e-6)
            assert float(r["contains"]) == pytest.approx(copy["contains"], abs=1e-6)
        else:
            empty = "" if fmt == "csv" else None
            assert (r["linked_id"], r["contained"], r["contains"]) == (empty, empty, empty)
    assert float(next(r for r in rows if r["article_id"] == "b1")["contained"]) == 1.0


def test_dedup_only_kept_or_dropped_and_options(
    capsys: pytest.CaptureFixture[str], headlines_csv: pathlib.Path
) -> None:
    found = newsim.dedup(TEXTS, ids=IDS, dates=DATES)
    base = ["dedup", headlines_csv, *COLUMNS, "--date-column", "published", "--format", "csv"]
    code, out, _ = run_cli(capsys, *base, "--only", "kept")
    assert code == 0
    assert [r["article_id"] for r in parse("csv", out)] == found.kept_ids.tolist()
    code, out, _ = run_cli(capsys, *base, "--only", "dropped")
    assert code == 0
    assert {r["article_id"]: r["origin_id"] for r in parse("csv", out)} == found.dropped

    # without dates, the first row is the first published: b1 is then b3's origin
    code, out, _ = run_cli(capsys, "dedup", headlines_csv, *COLUMNS, "--format", "jsonl")
    assert code == 0
    dropped = {r["article_id"]: r["origin_id"] for r in parse("jsonl", out) if not r["kept"]}
    assert dropped == newsim.dedup(TEXTS, ids=IDS).dropped == {"a2": "a1", "b3": "b1"}

    options = ["--threshold", 0.5, "--shingle", 2, "--candidates", 0.3, "--keep", "first"]
    code, out, _ = run_cli(capsys, *base, *options)
    assert code == 0
    found = newsim.dedup(TEXTS, ids=IDS, dates=DATES, threshold=0.5, shingle=2, candidates=0.3)
    origin = {r["article_id"]: r["origin_id"] for r in parse("csv", out)}
    assert origin == dict(zip(IDS, found.ids[found.origin_rows].tolist()))


def test_output_files_take_their_format_from_the_extension(
    capsys: pytest.CaptureFixture[str], headlines_csv: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    found = newsim.dedup(TEXTS, ids=IDS)
    n_kept = len(found.kept_ids)
    for name, fmt in (("d.csv", "csv"), ("d.jsonl", "jsonl"), ("d.NDJSON", "jsonl")):
        target = tmp_path / name
        code, out, err = run_cli(capsys, "dedup", headlines_csv, *COLUMNS, "-o", target)
        assert (code, err) == (0, "")
        assert out == (
            f"saved {target}: 7 rows: {n_kept} of 7 articles kept, {7 - n_kept} dropped as "
            f"copies (groups: {len(found.groups())})\n"
        )
        rows = parse(fmt, target.read_text(encoding="utf-8"))
        assert [str(r["article_id"]) for r in rows] == IDS
    # --format names the format of a file with another extension
    target = tmp_path / "d.out"
    code, _, _ = run_cli(capsys, "dedup", headlines_csv, *COLUMNS, "-o", target, "--format",
                         "jsonl")  # fmt: skip
    assert code == 0
    assert [r["article_id"] for r in parse("jsonl", target.read_text(encoding="utf-8"))] == IDS


# ----------------------------------------------------------------------------- bad input


def _write(tmp_path: pathlib.Path, name: str, text: str) -> pathlib.Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["stories", "dedup"])
@pytest.mark.parametrize(
    ("name", "content", "options", "message"),
    [
        (
            "h.csv",
            "id,title\n1,a headline\n",
            ["--date-column", "published"],
            "h.csv: no column 'published'; the columns are 'id', 'title' (choose one with "
            "--date-column)",
        ),
        (
            "h.csv",
            "id,title\n1,a headline\n",
            ["--source-column", "outlet"],
            "h.csv: no column 'outlet'; the columns are 'id', 'title' (choose one with "
            "--source-column)",
        ),
        (
            "h.jsonl",
            '{"id": 1, "title": "a", "published": "2024-01-01"}\n{"id": 2, "title": "b"}\n',
            ["--date-field", "published"],
            "h.jsonl, line 2: no field 'published'; the record's fields are 'id', 'title' "
            "(choose one with --date-field)",
        ),
        (
            "h.csv",
            "id,title,published\n1,a headline,2024-01-01\n2,another,yesterday-ish\n",
            ["--date-column", "published"],
            "h.csv, line 3: published is 'yesterday-ish', which does not parse as a date",
        ),
        (
            "h.csv",
            "id,title,published\n1,a headline,1394470920294\n",
            ["--date-column", "published"],
            "h.csv, line 2: published is '1394470920294', a number, not a date; if the dates "
            "count seconds or milliseconds since 1970-01-01 UTC, add --date-unit s or "
            "--date-unit ms",
        ),
        (
            "h.jsonl",
            '{"id": 1, "title": "a", "published": 1394470920294}\n',
            ["--date-field", "published"],
            "h.jsonl, line 1: published is 1394470920294, a number, not a date",
        ),
        (
            "h.csv",
            "id,title,published\n1,a headline,1394470920294\n2,another,2014-03-10\n",
            ["--date-column", "published", "--date-unit", "ms"],
            "h.csv, line 3: published is '2014-03-10', not a number of milliseconds since "
            "1970-01-01 (--date-unit ms); without --date-unit, dates are ISO 8601 text",
        ),
        (
            "h.csv",
            "id,title,published\n1,a headline,\n",
            ["--date-column", "published"],
            "h.csv, line 2: published is empty; every article needs a date",
        ),
        (
            "h.jsonl",
            '{"id": 1, "title": "a", "published": null}\n',
            ["--date-field", "published", "--date-unit", "s"],
            "h.jsonl, line 1: published is empty; every article needs a date",
        ),
        (
            "h.csv",
            "id,title,published\n1,a headline,2024-01-01T10:00Z\n2,another,2024-01-01T11:00\n",
            ["--date-column", "published"],
            "h.csv, line 3: published is '2024-01-01T11:00', which has none, but line 2 "
            "('2024-01-01T10:00Z') has a time zone; give every date a time zone or none",
        ),
        (
            "h.jsonl",
            '{"id": 1, "title": "a", "outlet": 7}\n',
            ["--source-field", "outlet"],
            "h.jsonl, line 1: outlet is 7, not a source: expected a string, or null for an "
            "unknown source",
        ),
        (
            "h.jsonl",
            '{"id": 1, "title": "a", "published": NaN}\n',
            ["--date-field", "published", "--date-unit", "ms"],
            "h.jsonl, line 1: published is nan, not a number of milliseconds since 1970-01-01",
        ),
        (
            "h.csv",
            "id,title,published\n1,a headline,99999999999999999999\n",
            ["--date-column", "published", "--date-unit", "s"],
            "h.csv, line 2: published is '99999999999999999999': too far from 1970 for a date "
            "in seconds (--date-unit s)",
        ),
    ],
    ids=[
        "no-date-column",
        "no-source-column",
        "no-date-field",
        "unparsable-date",
        "number-without-unit",
        "json-number-without-unit",
        "text-with-unit",
        "empty-date",
        "null-date",
        "aware-and-naive",
        "number-source",
        "nan-with-unit",
        "out-of-range",
    ],
)
def test_bad_dates_and_sources_are_named_with_their_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: pathlib.Path,
    command: str,
    name: str,
    content: str,
    options: list[str],
    message: str,
) -> None:
    path = _write(tmp_path, name, content)
    code, out, err = run_cli(capsys, command, path, "--text-column", "title", *options)
    assert (code, out) == (cli.EX_DATAERR, "")
    assert err.startswith(f"newsim: error: {tmp_path}/{message}")
    assert err.count("\n") == 1  # one line, no traceback


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["stories", "--k", "0"], "argument --k: expected a positive integer, got '0'"),
        (["stories", "{csv}", "--k", "1001"], "argument --k: expected at most 1000, got 1001"),
        (["stories", "--threshold", "0"], "argument --threshold: expected a cosine in (0, 1]"),
        (["stories", "--keywords", "-1"], "argument --keywords: expected an integer >= 0"),
        (["dedup", "--shingle", "0"], "argument --shingle: expected a positive integer"),
        (["dedup", "--candidates", "2"], "argument --candidates: expected a cosine in (0, 1]"),
        (["dedup", "--keep", "last"], "argument --keep: invalid choice: 'last'"),
        (["dedup", "--date-unit", "days"], "argument --date-unit: invalid choice: 'days'"),
        (["stories", "--date-column", "d"], "--date-column needs a PATH"),
        (
            ["dedup", "{csv}", "--text-column", "title", "--date-unit", "ms"],
            "--date-unit applies to the dates of --date-column",
        ),
        (
            ["stories", "{dir}", "--date-column", "d"],
            "--date-column cannot be used with a folder",
        ),
        (
            ["dedup", "{txt}", "--source-column", "s"],
            "--source-column cannot be used with 'lines' input: it has only the text",
        ),
        (
            ["stories", "{csv}", "-o", "{tmp}/out.xml"],
            "cannot tell the format of -o '{tmp}/out.xml' from its extension (known: .csv, "
            ".jsonl, .ndjson); name it with --format",
        ),
        (
            ["stories", "{csv}", "--summary", "{tmp}/s.csv", "--format", "jsonl"],
            "--format jsonl does not fit --summary '{tmp}/s.csv', a .csv file",
        ),
        (
            ["stories", "{csv}", "-o", "{tmp}/s.csv", "--summary", "{tmp}/s.csv"],
            "-o and --summary name the same file '{tmp}/s.csv'",
        ),
    ],
    ids=[
        "k-0",
        "k-too-large",
        "threshold",
        "keywords",
        "shingle",
        "candidates",
        "keep",
        "date-unit",
        "no-path",
        "unit-without-column",
        "folder",
        "lines",
        "unknown-extension",
        "format-and-extension",
        "same-file",
    ],
)
def test_bad_usage(
    capsys: pytest.CaptureFixture[str],
    tmp_path: pathlib.Path,
    headlines_csv: pathlib.Path,
    args: list[str],
    message: str,
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.txt").write_text("a headline", encoding="utf-8")
    lines = _write(tmp_path, "lines.txt", "a headline\nanother one\n")
    places = {"csv": headlines_csv, "dir": folder, "txt": lines, "tmp": tmp_path}
    code, out, err = run_cli(capsys, *(a.format(**places) for a in args))
    assert (code, out) == (cli.EX_USAGE, "")
    assert err.startswith("usage: newsim")
    assert f"error: {message.format(**places)}" in err
    assert not (tmp_path / "s.csv").exists()


def test_an_unwritable_output(
    capsys: pytest.CaptureFixture[str], headlines_csv: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    target = tmp_path / "no" / "stories.csv"
    code, out, err = run_cli(capsys, "stories", headlines_csv, *COLUMNS, "-o", target)
    assert (code, out) == (cli.EX_CANTCREAT, "")
    assert err == f"newsim: error: cannot write {str(target)!r}: No such file or directory\n"


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "--help")
    assert code == 0
    assert "stories" in out
    assert "dedup" in out
    for command in ("stories", "dedup"):
        code, out, _ = run_cli(capsys, command, "--help")
        assert code == 0
        for option in ("--date-column", "--date-unit", "--source-column", "-o", "--format"):
            assert option in out


def test_the_docs_examples_run(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the user guide's page on stories (they were the README's examples)
    page = pathlib.Path(__file__).resolve().parent.parent / "docs" / "user-guide" / "stories.md"
    if not page.is_file():
        pytest.skip("not run from a source checkout")
    data = _require(newsim.datasets.UCI_STORIES_FILE)
    text = page.read_text(encoding="utf-8")
    block = text[text.index("newsim stories uci_news_stories_dev.csv") :]
    block = block[: block.index("```")]
    commands = [
        line.split("#")[0].strip()
        for line in block.replace("\\\n", " ").splitlines()
        if line.strip().startswith("newsim ")
    ]
    assert [c.split()[1] for c in commands] == ["stories", "dedup", "dedup"]
    monkeypatch.chdir(tmp_path)
    (tmp_path / data.name).symlink_to(data)
    outputs = []
    for command in commands:
        code, out, err = run_cli(capsys, *command.split()[1:])
        assert (code, err) == (0, ""), command
        outputs.append(out)
    corpus = newsim.datasets.load_uci_stories(data)
    stories = parse("csv", (tmp_path / "stories.csv").read_text(encoding="utf-8"))
    assert [r["article_id"] for r in stories] == corpus.ids
    summary = parse("csv", (tmp_path / "summary.csv").read_text(encoding="utf-8"))
    assert sum(int(r["size"]) for r in summary) == len(corpus)
    # the second command's rows: the dropped copies, on standard output (an aligned table)
    dropped = outputs[1].splitlines()
    found = newsim.dedup(corpus.texts, ids=corpus.ids, dates=corpus.dates)
    assert dropped[0].split() == ["article_id", "kept", "origin_id", "linked_id", "contained",
                                  "contains", "date"]  # fmt: skip
    assert {line.split()[0]: line.split()[2] for line in dropped[1:]} == found.dropped
    # the third's: every article, copies only across publishers within 3 days
    rows = [line.split() for line in outputs[2].splitlines()[1:]]
    across = newsim.dedup(
        corpus.texts,
        ids=corpus.ids,
        dates=corpus.dates,
        sources=corpus.sources,
        window="3D",
        exclude_same_source=True,
    )
    assert {r[0]: r[2] for r in rows if r[1] == "false"} == across.dropped
    assert 0 < len(across.dropped) < len(found.dropped)


@pytest.mark.parametrize("headlines", ["csv", "jsonl"], indirect=True)
def test_a_window_and_other_sources_reach_the_library(
    capsys: pytest.CaptureFixture[str], headlines: pathlib.Path
) -> None:
    limits = ["--window", "30min", "--exclude-same-source"]
    code, out, err = run_cli(
        capsys, "dedup", headlines, *COLUMNS, *META, *limits, "--format", "csv"
    )
    assert (code, err) == (0, "")
    # b3 came an hour before b1: outside a 30-minute window, so b1 is no longer its copy.
    dropped = {r["article_id"]: r["origin_id"] for r in parse("csv", out) if r["kept"] == "false"}
    assert dropped == {"a2": "a1"}
    found = newsim.dedup(
        TEXTS, ids=IDS, dates=DATES, sources=SOURCES, window="30min", exclude_same_source=True
    )
    assert found.dropped == dropped
    code, out, err = run_cli(capsys, "stories", headlines, *COLUMNS, *META, "--window", "2h",
                             "--exclude-same-source", "--format", "csv")  # fmt: skip
    assert (code, err) == (0, "")
    index = newsim.TfidfVectorizer().index(TEXTS, ids=IDS, dates=DATES, sources=SOURCES)
    expected = index.stories(window="2h", exclude_same_source=True)
    assert [int(r["story"]) for r in parse("csv", out)] == expected.labels.tolist()
    assert expected.labels.tolist() != index.stories().labels.tolist()  # the window mattered


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--window", "2h"], "--window needs the articles' dates: name them with --date-column"),
        (
            ["--exclude-same-source"],
            "--exclude-same-source needs the articles' sources: name them with --source-column",
        ),
        (
            ["--date-column", "published", "--window", "soon"],
            "argument --window: expected a duration such as 3D, 12h or 90min, got 'soon'",
        ),
        (
            ["--date-column", "published", "--window=-1D"],
            "argument --window: expected a duration such as 3D, 12h or 90min, got '-1D'",
        ),
    ],
    ids=["window-without-dates", "exclusion-without-sources", "bad-window", "negative-window"],
)
@pytest.mark.parametrize("command", ["stories", "dedup"])
def test_window_and_source_options_need_their_columns(
    capsys: pytest.CaptureFixture[str],
    headlines_csv: pathlib.Path,
    command: str,
    args: list[str],
    message: str,
) -> None:
    code, out, err = run_cli(capsys, command, headlines_csv, *COLUMNS, *args)
    assert (code, out) == (cli.EX_USAGE, "")
    assert f"error: {message}" in err


def test_dedup_window_needs_dates() -> None:
    with pytest.raises(ValueError, match="window= needs the articles' dates: pass dates="):
        newsim.dedup(TEXTS, window="1D")
    with pytest.raises(ValueError, match="exclude_same_source=True needs the articles' sources"):
        newsim.dedup(TEXTS, dates=DATES, exclude_same_source=True)


def test_an_archive_keeps_dates_and_sources_from_the_command_line(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, headlines_csv: pathlib.Path
) -> None:
    lines = headlines_csv.read_text(encoding="utf-8").splitlines(keepends=True)
    first = _write(tmp_path, "first.csv", "".join(lines[:5]))
    rest = _write(tmp_path, "rest.csv", lines[0] + "".join(lines[5:]))
    archive = tmp_path / "news.nsi"
    code, out, err = run_cli(capsys, "index", "build", first, *COLUMNS, *META, "-o", archive)
    assert (code, err) == (0, "")
    # the new articles' dates and sources are needed: refused before the archive changes
    code, out, err = run_cli(capsys, "index", "add", archive, rest, *COLUMNS)
    assert code == cli.EX_USAGE
    assert "keeps the articles' dates: name the new articles' dates with --date-column" in err
    assert newsim.Archive.load(archive).index.n_articles == 4
    code, out, err = run_cli(capsys, "index", "add", archive, rest, *COLUMNS, *META)
    assert (code, err) == (0, "")
    index = newsim.Archive.load(archive).index
    assert index.ids_.tolist() == IDS
    assert index.sources_.tolist() == SOURCES
    expected = newsim.TfidfVectorizer().index(TEXTS, dates=DATES)
    assert np.array_equal(index.dates_, expected.dates_)
    code, out, err = run_cli(capsys, "index", "info", archive)
    assert "dates           2024-03-04 to 2024-03-06 UTC" in out
    assert f"sources         {len({s for s in SOURCES if s})}" in out  # Reuters twice
    plain = tmp_path / "plain.nsi"
    assert run_cli(capsys, "index", "build", first, *COLUMNS, "-o", plain)[0] == 0
    code, out, err = run_cli(capsys, "index", "add", plain, rest, *COLUMNS, *META)
    assert code == cli.EX_USAGE
    assert "keeps no dates (it was built without --date-column): leave --date-column out" in err
