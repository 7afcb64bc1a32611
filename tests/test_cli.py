"""The ``newsim`` command line, through ``main()`` and through its real entry point.

Most cases call :func:`newsim.cli.main` in-process (fast); a few run ``python -m newsim`` as a
subprocess, end to end: output, standard input, a non-UTF-8 file and a closed pipe.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pathlib
import re
import subprocess
import sys
from typing import Any

import pytest

import newsim
from conftest import _require
from newsim import cli, datasets
from newsim._io import read_articles
from newsim.datasets import Corpus

# "rates" and "rates-copy" are the planted near-duplicates; the others are on other topics.
ARTICLES = {
    "rates": "The central bank raised interest rates by half a point on Tuesday to fight "
    "inflation, and stock markets fell as investors feared a slowdown.",
    "rates-copy": "The central bank raised interest rates by half a point on Tuesday to fight "
    "stubborn inflation, and stock markets fell as investors feared a slowdown.",
    "football": "The football club won the championship after a dramatic penalty shootout "
    "in front of a sold-out stadium.",
    "frog": "Scientists discovered a new species of tree frog in the rainforest of Peru, "
    "hidden among the leaves.",
    "München": "Voters in Munich elected a new mayor after a long campaign about housing "
    "and public transport.",
}
IDS = list(ARTICLES)
TEXTS = list(ARTICLES.values())


def run_cli(capsys: pytest.CaptureFixture[str], *args: Any) -> tuple[int, str, str]:
    """Run ``main()`` in-process; return (exit code, stdout, stderr)."""
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def run_process(*args: Any, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m newsim`` with this environment (PYTHONPATH kept)."""
    return subprocess.run(
        [sys.executable, "-m", "newsim", *map(str, args)],
        input=stdin,
        capture_output=True,
        env=dict(os.environ),
        timeout=120,
        check=False,
    )


# ----------------------------------------------------------------------------- inputs


@pytest.fixture
def folder(tmp_path: pathlib.Path) -> pathlib.Path:
    """A folder with one .txt file per article, the file name stem being the id."""
    path = tmp_path / "articles"
    path.mkdir()
    for key, text in ARTICLES.items():
        (path / f"{key}.txt").write_text(text, encoding="utf-8")
    (path / "README.md").write_text("not an article", encoding="utf-8")
    (path / ".#rates.txt").symlink_to("user@host.1234")  # an editor's lock: skipped
    return path


def write_csv(
    path: pathlib.Path,
    header: list[str],
    rows: list[list[str]],
    sep: str,
    *,
    quotechar: str = '"',
) -> None:
    """Write a CSV file; an empty ``header`` writes none."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=sep, quotechar=quotechar)
        if header:
            writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def csv_file(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "articles.csv"
    write_csv(path, ["slug", "body"], [[k, t] for k, t in ARTICLES.items()], ",")
    return path


@pytest.fixture
def jsonl_file(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "articles.jsonl"
    lines = [json.dumps({"n": n, "body": t}, ensure_ascii=False) for n, t in enumerate(TEXTS)]
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- output parsers


def parse(fmt: str, out: str) -> list[dict[str, str]]:
    """Parse command output back into rows of strings, whatever the format."""
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(out)))
    if fmt == "jsonl":
        return [{k: str(v) for k, v in json.loads(line).items()} for line in out.splitlines()]
    header, *lines = out.splitlines()
    names = header.split()
    return [dict(zip(names, line.split())) for line in lines]


def neighbors(rows: list[dict[str, str]]) -> dict[str, list[tuple[str, float]]]:
    found: dict[str, list[tuple[str, float]]] = {}
    for row in rows:
        found.setdefault(row["article_id"], []).append((row["neighbor_id"], float(row["score"])))
    return found


# ----------------------------------------------------------------------------- similar


def test_similar_on_a_folder_is_an_aligned_table(
    capsys: pytest.CaptureFixture[str], folder: pathlib.Path
) -> None:
    code, out, err = run_cli(capsys, "similar", folder, "--top", 3)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["article_id", "rank", "neighbor_id", "score"]
    # Right-aligned numbers in the last column: every line ends at the same column.
    assert len({len(line) for line in lines}) == 1
    found = neighbors(parse("table", out))
    assert found["rates"][0][0] == "rates-copy"
    assert found["rates-copy"][0][0] == "rates"
    assert found["rates"][0][1] > 0.9
    assert all(re.fullmatch(r"\d\.\d{4}", line.split()[-1]) for line in lines[1:])
    for ranked in found.values():
        assert len(ranked) <= 3
        assert [s for _, s in ranked] == sorted((s for _, s in ranked), reverse=True)


def test_similar_csv_with_id_column_as_jsonl(
    capsys: pytest.CaptureFixture[str], csv_file: pathlib.Path
) -> None:
    columns = ["--text-column", "body", "--id-column", "slug"]
    code, out, _ = run_cli(capsys, "similar", csv_file, *columns, "--format", "jsonl", "--top", 1)
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert {r["rank"] for r in records} == {1}
    by_article = {r["article_id"]: r for r in records}
    assert by_article["rates"]["neighbor_id"] == "rates-copy"
    assert by_article["rates-copy"]["neighbor_id"] == "rates"
    assert by_article["rates"]["score"] > 0.9
    assert set(by_article) <= set(IDS)


def test_csv_without_id_column_uses_the_line_of_each_record(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "articles.csv"
    # The first record's text spans two lines, so the second record starts on line 4.
    texts = [TEXTS[0].replace(", and", ",\nand"), *TEXTS[1:]]
    write_csv(path, ["text"], [[t] for t in texts], ",")
    code, out, _ = run_cli(capsys, "similar", path, "--format", "csv", "--top", 1)
    assert code == 0
    found = neighbors(parse("csv", out))
    assert found["2"][0][0] == "4"
    assert found["4"][0][0] == "2"


def test_similar_without_path_uses_the_bundled_sample(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "similar", "--format", "csv")
    assert code == 0
    a, b = datasets.load_sample().ids
    found = neighbors(parse("csv", out))
    assert [n for n, _ in found[a]] == [b]
    assert [n for n, _ in found[b]] == [a]


def test_top_larger_than_the_corpus(
    capsys: pytest.CaptureFixture[str], folder: pathlib.Path
) -> None:
    code, out, _ = run_cli(capsys, "similar", folder, "--top", 10**9, "--format", "csv")
    assert code == 0
    rows = parse("csv", out)
    assert 0 < len(rows) <= len(IDS) * (len(IDS) - 1)
    assert max(int(r["rank"]) for r in rows) <= len(IDS) - 1


# ----------------------------------------------------------------------------- pairs


@pytest.mark.parametrize("fmt", ["table", "csv", "jsonl"])
def test_pairs_finds_exactly_the_planted_duplicate(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, fmt: str
) -> None:
    path = tmp_path / "articles.tsv"
    write_csv(path, ["id", "text"], [[k, t] for k, t in ARTICLES.items()], "\t")
    code, out, _ = run_cli(capsys, "pairs", path, "--id-column", "id", "--format", fmt)
    assert code == 0
    rows = parse(fmt, out)
    assert [(r["article_id"], r["neighbor_id"]) for r in rows] == [("rates", "rates-copy")]
    assert 0.9 < float(rows[0]["score"]) <= 1.0


def test_pairs_are_sorted_by_score(
    capsys: pytest.CaptureFixture[str], folder: pathlib.Path
) -> None:
    code, out, _ = run_cli(capsys, "pairs", folder, "--threshold", 0.01, "--format", "csv")
    assert code == 0
    scores = [float(r["score"]) for r in parse("csv", out)]
    assert len(scores) > 1
    assert scores == sorted(scores, reverse=True)


# ----------------------------------------------------------------------------- columns


@pytest.mark.parametrize(
    ("command", "header"),
    [
        ("similar", ["article_id", "rank", "neighbor_id", "score"]),
        ("pairs", ["article_id", "neighbor_id", "score"]),
        ("keywords", ["article_id", "rank", "term", "weight"]),
    ],
)
def test_output_columns_are_the_frames_names(
    capsys: pytest.CaptureFixture[str], folder: pathlib.Path, command: str, header: list[str]
) -> None:
    # The names of TopK/Pairs/Keywords.to_frame(ids=...)'s label columns, rank, score, ...
    code, out, err = run_cli(capsys, command, folder, "--format", "csv")
    assert (code, err) == (0, "")
    assert out.splitlines()[0].split(",") == header


@pytest.mark.parametrize(
    ("command", "header", "replacements"),
    [
        (
            "similar",
            ["article", "rank", "neighbor", "score"],
            "article_id for article, neighbor_id for neighbor",
        ),
        ("pairs", ["id_i", "id_j", "score"], "article_id for id_i, neighbor_id for id_j"),
        ("keywords", ["article", "rank", "term", "weight"], "article_id for article"),
    ],
)
def test_legacy_columns_flag_gives_the_old_names_and_warns(
    capsys: pytest.CaptureFixture[str],
    folder: pathlib.Path,
    command: str,
    header: list[str],
    replacements: str,
) -> None:
    code, new, _ = run_cli(capsys, command, folder, "--format", "csv")
    assert code == 0
    code, old, err = run_cli(capsys, command, folder, "--format", "csv", "--legacy-columns")
    assert code == 0
    assert old.splitlines()[0].split(",") == header
    assert old.splitlines()[1:] == new.splitlines()[1:]
    assert err == (
        "newsim: warning: --legacy-columns is deprecated and will be removed in newsim 0.4; "
        f"read the new columns ({replacements})\n"
    )


# ----------------------------------------------------------------------------- keywords


def test_keywords_from_jsonl_fields(
    capsys: pytest.CaptureFixture[str], jsonl_file: pathlib.Path
) -> None:
    fields = ["--text-field", "body", "--id-field", "n"]
    code, out, _ = run_cli(
        capsys, "keywords", jsonl_file, *fields, "--top", 4, "--language", "en", "--format", "jsonl"
    )
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert {r["article_id"] for r in records} == {str(n) for n in range(len(TEXTS))}
    frog = [r for r in records if r["article_id"] == "3"]
    assert [r["rank"] for r in frog] == [1, 2, 3, 4]
    weights = [r["weight"] for r in frog]
    assert weights == sorted(weights, reverse=True)
    assert "frog" in {r["term"] for r in records if r["article_id"] == "3"}


def test_lines_file_and_vectorizer_options(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "headlines.txt"
    path.write_text("\n".join(TEXTS[:3]) + "\n\n", encoding="utf-8")
    options = ["--ngram", 2, "--min-df", 2, "--language", "en", "--top", 10**9]
    code, out, _ = run_cli(capsys, "keywords", path, *options, "--format", "csv")
    assert code == 0
    rows = parse("csv", out)
    # Line 3 (football) shares no term with the others: --min-df 2 leaves it no keyword.
    assert {r["article_id"] for r in rows} == {"1", "2"}
    assert "central bank" in {r["term"] for r in rows}


# ----------------------------------------------------------------------------- fit and --model


def test_fit_then_model_gives_the_same_results(
    capsys: pytest.CaptureFixture[str], folder: pathlib.Path, csv_file: pathlib.Path
) -> None:
    model = folder.parent / "model.newsim"
    code, out, _ = run_cli(capsys, "fit", folder, "-o", model, "--language", "en")
    assert code == 0
    assert model.stat().st_size > 0
    assert f"{len(ARTICLES)} articles" in out
    assert "language en" in out

    fitted = run_cli(capsys, "keywords", folder, "--language", "en", "--format", "csv")
    saved = run_cli(capsys, "keywords", folder, "--model", model, "--format", "csv")
    assert fitted == saved
    assert fitted[0] == 0
    assert {r["article_id"] for r in parse("csv", fitted[1])} == set(IDS)  # ids as given: München

    # The same model on the same texts from a CSV (in another order: the folder is sorted by
    # file name): the same neighbors and scores.
    code, from_folder, _ = run_cli(capsys, "similar", folder, "--model", model, "--format", "csv")
    assert code == 0
    columns = ["--text-column", "body", "--id-column", "slug"]
    code, from_csv, _ = run_cli(
        capsys, "similar", csv_file, *columns, "--model", model, "--format", "csv", "--n-jobs", 2
    )
    assert code == 0
    assert sorted(from_folder.splitlines()) == sorted(from_csv.splitlines())
    assert neighbors(parse("csv", from_csv))["rates"][0][0] == "rates-copy"


def test_fit_discard_statistics_saves_a_smaller_model_that_transforms_alike(
    capsys: pytest.CaptureFixture[str], folder: pathlib.Path
) -> None:
    from newsim import TfidfVectorizer

    full, small = folder.parent / "full.newsim", folder.parent / "small.newsim"
    options = ["--language", "en", "--ngram", 2, "--min-df", 2]
    code, out, _ = run_cli(capsys, "fit", folder, "-o", full, *options)
    assert code == 0
    assert "statistics discarded" not in out
    code, out, err = run_cli(capsys, "fit", folder, "-o", small, *options, "--discard-statistics")
    assert (code, err) == (0, "")
    assert out.rstrip().endswith(", statistics discarded")
    # The statistics hold every term seen, those --min-df 2 prunes included.
    assert small.stat().st_size < full.stat().st_size

    with_full = run_cli(capsys, "keywords", folder, "--model", full, "--format", "csv")
    with_small = run_cli(capsys, "keywords", folder, "--model", small, "--format", "csv")
    assert with_small == with_full
    assert with_small[0] == 0 and "central bank" in with_small[1]

    TfidfVectorizer.load(str(full)).partial_fit(TEXTS)
    with pytest.raises(ValueError, match="no corpus statistics"):
        TfidfVectorizer.load(str(small)).partial_fit(TEXTS)

    code, out, err = run_cli(capsys, "keywords", folder, "--discard-statistics")
    assert (code, out) == (cli.EX_USAGE, "")
    assert "unrecognized arguments: --discard-statistics" in err


def test_model_settings_cannot_be_overridden(
    capsys: pytest.CaptureFixture[str], folder: pathlib.Path
) -> None:
    model = folder.parent / "model.newsim"
    assert run_cli(capsys, "fit", folder, "-o", model)[0] == 0
    code, _, err = run_cli(capsys, "similar", folder, "--model", model, "--min-df", 2)
    assert code == cli.EX_USAGE
    assert "--min-df cannot be used with --model" in err


# ----------------------------------------------------------------------------- bad input


def test_non_utf8_file_in_a_folder_names_file_offset_and_line(
    capsys: pytest.CaptureFixture[str], folder: pathlib.Path
) -> None:
    bad = folder / "latin1.txt"
    bad.write_bytes(b"First line\nCaf\xe9 au lait\n")
    code, out, err = run_cli(capsys, "similar", folder)
    assert (code, out) == (cli.EX_DATAERR, "")
    assert err.startswith("newsim: error: ")
    assert str(bad) in err
    assert "byte offset 14 (line 2)" in err
    assert err.count("\n") == 1


def test_non_utf8_csv_names_offset_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "cp1252.csv"
    path.write_bytes(b"id,text\na,fine\nb,\x93quoted\x94\n")
    code, _, err = run_cli(capsys, "keywords", path)
    assert code == cli.EX_DATAERR
    assert f"{path}: not valid UTF-8 at byte offset 17 (line 3)" in err


@pytest.mark.parametrize(
    ("header", "options", "message"),
    [
        (
            ["id", "body"],
            [],
            "no column 'text'; the columns are 'id', 'body' (choose one with --text-column)",
        ),
        (["id", "body"], ["--text-column", "body", "--id-column", "slug"], "no column 'slug'"),
        (["text", "text"], [], "2 columns named 'text'"),
    ],
    ids=["text", "id", "twice"],
)
def test_csv_column_problems_name_the_column(
    capsys: pytest.CaptureFixture[str],
    tmp_path: pathlib.Path,
    header: list[str],
    options: list[str],
    message: str,
) -> None:
    path = tmp_path / "articles.csv"
    write_csv(path, header, [["1", "some text"]], ",")
    code, _, err = run_cli(capsys, "similar", path, *options)
    assert code == cli.EX_DATAERR
    assert f"newsim: error: {path}: {message}" in err


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        (
            '{"text": "a"}\n{"body": "b", "id": 2}\n',
            [],
            "line 2: no field 'text'; the record's fields are 'body', 'id' (choose one with "
            "--text-field)",
        ),
        ('{"text": "a"}\n{"text": "b"\n', [], "line 2: not valid JSON"),
        ('{"text": "a"}\n["b"]\n', [], "line 2: expected a JSON object, found an array"),
        ('{"text": null}\n', [], "line 1: field 'text' is null, expected a string"),
        ('{"text": "a", "id": 1.5}\n', ["--id-field", "id"], "line 1: field 'id' is a number"),
    ],
    ids=["missing-field", "syntax", "not-object", "null-text", "float-id"],
)
def test_jsonl_problems_name_the_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: pathlib.Path,
    content: str,
    options: list[str],
    message: str,
) -> None:
    path = tmp_path / "articles.ndjson"
    path.write_text(content, encoding="utf-8")
    code, _, err = run_cli(capsys, "pairs", path, *options)
    assert code == cli.EX_DATAERR
    assert f"{path}, {message}" in err


def test_csv_row_with_wrong_field_count(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "articles.csv"
    path.write_text("id,text\n1,one\n2,two,three\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "similar", path)
    assert code == cli.EX_DATAERR
    assert f"{path}, line 3: expected 2 fields as in the header, found 3" in err


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", "", "the file is empty; expected a header row"),
        ("header.csv", "id,text\n\n", "no articles found"),
        ("blank.txt", "\n  \n", "no articles found"),
        ("empty.jsonl", "", "no articles found"),
    ],
)
def test_inputs_without_articles(
    capsys: pytest.CaptureFixture[str],
    tmp_path: pathlib.Path,
    name: str,
    content: str,
    message: str,
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    code, out, err = run_cli(capsys, "similar", path)
    assert (code, out) == (cli.EX_DATAERR, "")
    assert f"{path}: {message}" in err


def test_empty_folder(capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path) -> None:
    (tmp_path / "notes.md").write_text("no articles here", encoding="utf-8")
    code, _, err = run_cli(capsys, "keywords", tmp_path)
    assert code == cli.EX_DATAERR
    assert f"{tmp_path}: the folder holds no .txt files" in err


def test_repeated_id(capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path) -> None:
    path = tmp_path / "articles.csv"
    write_csv(path, ["id", "text"], [["a", "one"], ["b", "two"], ["a", "three"]], ",")
    code, _, err = run_cli(capsys, "similar", path, "--id-column", "id")
    assert code == cli.EX_DATAERR
    assert "the id 'a' is used by articles 1 and 3" in err


def test_library_errors_are_one_line_data_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "stop.txt"
    path.write_text("the and of\nto be or not to be\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "similar", path, "--language", "en")
    assert code == cli.EX_DATAERR
    assert err == (
        f"newsim: error: {path}: empty vocabulary; perhaps the documents only contain stop words\n"
    )


def test_missing_and_unreadable_inputs(
    capsys: pytest.CaptureFixture[str], folder: pathlib.Path
) -> None:
    missing = folder.parent / "missing.csv"
    code, _, err = run_cli(capsys, "similar", missing)
    assert code == cli.EX_NOINPUT
    assert f"cannot read {str(missing)!r}: No such file or directory" in err

    dangling = folder / "zz.txt"
    dangling.symlink_to(folder.parent / "gone.txt")
    code, _, err = run_cli(capsys, "pairs", folder)
    assert code == cli.EX_NOINPUT
    assert repr(str(dangling)) in err


def test_model_problems(capsys: pytest.CaptureFixture[str], folder: pathlib.Path) -> None:
    missing = folder.parent / "missing.newsim"
    code, _, err = run_cli(capsys, "similar", folder, "--model", missing)
    assert code == cli.EX_NOINPUT
    assert f"cannot read the model {str(missing)!r}" in err

    garbage = folder.parent / "garbage.newsim"
    garbage.write_bytes(b"not a model at all")
    code, _, err = run_cli(capsys, "keywords", folder, "--model", garbage)
    assert code == cli.EX_DATAERR
    assert f"newsim: error: model {garbage}: " in err

    code, _, err = run_cli(capsys, "fit", folder, "-o", folder.parent / "no" / "m.newsim")
    assert code == cli.EX_CANTCREAT
    assert "no/m.newsim" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["similar", "--top", "0"], "argument --top: expected a positive integer"),
        (["pairs", "--threshold", "1.5"], "argument --threshold: expected a cosine in (0, 1]"),
        (["similar", "--min-df", "2.5"], "argument --min-df: expected a document count"),
        (["similar", "--n-jobs", "0"], "argument --n-jobs: expected a thread count"),
        (["similar", "--format", "xml"], "argument --format: invalid choice: 'xml'"),
        (["similar", "--text-column", "body"], "--text-column needs a PATH"),
        (["fit"], "the following arguments are required: -o/--output"),
        (["similarity"], "invalid choice: 'similarity'"),
    ],
)
def test_bad_usage(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code, out, err = run_cli(capsys, *args)
    assert (code, out) == (cli.EX_USAGE, "")
    assert message in err
    assert err.startswith("usage: newsim")


def test_options_that_do_not_fit_the_input(
    capsys: pytest.CaptureFixture[str], folder: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    code, _, err = run_cli(capsys, "similar", folder, "--delimiter", ";")
    assert code == cli.EX_USAGE
    assert "--delimiter cannot be used with a folder" in err

    path = tmp_path / "articles.csv"
    write_csv(path, ["id", "text"], [["1", "one"]], ",")
    code, _, err = run_cli(capsys, "similar", path, "--delimiter", ";;")
    assert code == cli.EX_USAGE
    assert "the delimiter must be one character, got ';;'" in err

    unknown = tmp_path / "articles.xml"
    unknown.write_text("<a/>", encoding="utf-8")
    code, _, err = run_cli(capsys, "similar", unknown)
    assert code == cli.EX_USAGE
    assert "cannot tell the format" in err
    assert "--input-format" in err


def test_input_format_and_delimiter_override(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "export.dat"
    write_csv(path, ["id", "text"], [[k, t] for k, t in ARTICLES.items()], ";")
    options = ["--input-format", "csv", "--delimiter", ";", "--id-column", "id"]
    code, out, _ = run_cli(capsys, "pairs", path, *options, "--format", "csv")
    assert code == 0
    assert [(r["article_id"], r["neighbor_id"]) for r in parse("csv", out)] == [
        ("rates", "rates-copy")
    ]


# ----------------------------------------------------------------------------- CSV options


def test_quotechar(capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path) -> None:
    path = tmp_path / "quoted.csv"
    # Every text holds the delimiter, so each one is enclosed in the quote character; the
    # double quotes in the texts are only text.
    texts = {k: f'{t}; the "{k}" story\'s end' for k, t in ARTICLES.items()}
    write_csv(path, ["id", "text"], [[k, t] for k, t in texts.items()], ";", quotechar="'")
    assert "'The central bank" in path.read_text(encoding="utf-8")
    options = ["--delimiter", ";", "--id-column", "id", "--format", "csv"]
    code, out, err = run_cli(capsys, "pairs", path, *options, "--quotechar", "'")
    assert (code, err) == (0, "")
    assert [(r["article_id"], r["neighbor_id"]) for r in parse("csv", out)] == [
        ("rates", "rates-copy")
    ]
    articles = read_articles(str(path), delimiter=";", quotechar="'", id_field="id")
    assert (articles.ids, articles.texts) == (list(texts), list(texts.values()))

    # With the default quote character ", the ' are text and the ; inside the texts split them.
    code, out, err = run_cli(capsys, "pairs", path, *options)
    assert (code, out) == (cli.EX_DATAERR, "")
    assert f"{path}, line 2: expected 2 fields as in the header, found 3" in err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--quotechar", ""], "the quote character must be one character, got ''"),
        (["--quotechar", "''"], "the quote character must be one character, got \"''\""),
        (["--quotechar", "\n"], "the quote character cannot be a line break, got '\\n'"),
        (["--quotechar", ","], "the quote character and the delimiter must differ, both are ','"),
        (
            ["--quotechar", ";", "--delimiter", ";"],
            "the quote character and the delimiter must differ, both are ';'",
        ),
    ],
    ids=["empty", "two", "newline", "comma", "semicolon"],
)
def test_bad_quotechar_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], csv_file: pathlib.Path, options: list[str], message: str
) -> None:
    code, out, err = run_cli(capsys, "keywords", csv_file, "--text-column", "body", *options)
    assert (code, out) == (cli.EX_USAGE, "")
    assert err.startswith("usage: newsim keywords")
    assert f"newsim keywords: error: {message}\n" in err


def test_csv_options_are_refused_for_other_inputs(
    capsys: pytest.CaptureFixture[str],
    folder: pathlib.Path,
    jsonl_file: pathlib.Path,
    tmp_path: pathlib.Path,
) -> None:
    lines = tmp_path / "headlines.txt"
    lines.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    cases = [
        (
            [jsonl_file, "--quotechar", "'"],
            "--quotechar applies to CSV and TSV input, not to jsonl",
        ),
        (
            [lines, "--delimiter", ";", "--quotechar", "'"],
            "--delimiter, --quotechar apply to CSV and TSV input, not to lines",
        ),
        ([folder, "--quotechar", "'"], "--quotechar cannot be used with a folder"),
        (["--quotechar", "'"], "--quotechar needs a PATH"),
        (
            [jsonl_file, "--on-bad-lines", "skip"],
            "--on-bad-lines applies to CSV and TSV input, not to jsonl",
        ),
        (
            [folder, "--on-bad-lines", "error"],
            "--on-bad-lines cannot be used with a folder",
        ),
        (["--on-bad-lines", "skip"], "--on-bad-lines needs a PATH"),
        (
            [lines, "--input-format", "csv", "--on-bad-lines", "often"],
            "argument --on-bad-lines: invalid choice: 'often' (choose from 'error', 'skip')",
        ),
    ]
    for args, message in cases:
        code, out, err = run_cli(capsys, "similar", *args)
        assert (code, out) == (cli.EX_USAGE, ""), args
        assert message in err, args


def test_no_header_takes_column_numbers(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "export.csv"
    write_csv(path, [], [[t, k] for k, t in ARTICLES.items()], ",")
    options = ["--no-header", "--text-column", 0, "--id-column", 1, "--format", "csv"]
    code, out, err = run_cli(capsys, "pairs", path, *options)
    assert (code, err) == (0, "")
    assert [(r["article_id"], r["neighbor_id"]) for r in parse("csv", out)] == [
        ("rates", "rates-copy")
    ]
    articles = read_articles(str(path), header=False, text_field="0", id_field="1")
    assert (articles.ids, articles.texts) == (IDS, TEXTS)

    # With a header (the default), the first record would be the header and "0" a name.
    code, out, err = run_cli(capsys, "pairs", path, "--text-column", 0)
    assert (code, out) == (cli.EX_DATAERR, "")
    assert (
        f"{path}: no column '0'; the columns are {TEXTS[0]!r}, 'rates' (choose one with "
        "--text-column; if the file has no header row, add --no-header)\n"
    ) in err


def test_no_header_text_is_the_last_column_by_default(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "labelled.tsv"
    write_csv(path, [], [[k, "label", t] for k, t in ARTICLES.items()], "\t")
    code, out, err = run_cli(capsys, "similar", path, "--no-header", "--format", "csv", "--top", 1)
    assert (code, err) == (0, "")
    found = neighbors(parse("csv", out))
    # No header: the first record is article 1, on line 1.
    assert found["1"][0][0] == "2"
    assert found["2"][0][0] == "1"
    articles = read_articles(str(path), header=False)
    assert (articles.ids, articles.texts) == (["1", "2", "3", "4", "5"], TEXTS)


@pytest.mark.parametrize(
    ("content", "options", "code", "message"),
    [
        (
            "a,one\nb,two\n",
            ["--text-column", 2],
            cli.EX_DATAERR,
            "{path}, line 1: no column 2: the first record has 2 fields, so the columns are 0 "
            "to 1 (choose one with --text-column)",
        ),
        (
            "\none\ntwo\n",
            ["--id-column", 1],
            cli.EX_DATAERR,
            "{path}, line 2: no column 1: the first record has 1 field, so the only column is "
            "0 (choose one with --id-column)",
        ),
        (
            "a,one\nb,two,three\n",
            [],
            cli.EX_DATAERR,
            "{path}, line 2: expected 2 fields as in the first record (line 1), found 3 (split "
            "at ',', quoted with '\"'; for others: --delimiter, --quotechar); to leave out "
            "malformed records, add --on-bad-lines skip",
        ),
        ("\n\n", [], cli.EX_DATAERR, "{path}: no articles found"),
        (
            "a,one\n",
            ["--text-column", "text"],
            cli.EX_USAGE,
            "with --no-header, --text-column takes a column number counted from 0 (0, 1, ...), "
            "got 'text'",
        ),
        (
            "a,one\n",
            ["--id-column", -1],
            cli.EX_USAGE,
            "with --no-header, --id-column takes a column number counted from 0 (0, 1, ...), "
            "got '-1'",
        ),
    ],
    ids=["text-out-of-range", "id-out-of-range", "field-count", "empty", "name", "negative"],
)
def test_no_header_problems(
    capsys: pytest.CaptureFixture[str],
    tmp_path: pathlib.Path,
    content: str,
    options: list[str],
    code: int,
    message: str,
) -> None:
    path = tmp_path / "articles.csv"
    path.write_text(content, encoding="utf-8")
    result = run_cli(capsys, "keywords", path, "--no-header", *options)
    assert result[:2] == (code, "")
    assert message.format(path=path) + "\n" in result[2]


def test_no_header_is_refused_for_other_inputs(
    capsys: pytest.CaptureFixture[str], folder: pathlib.Path, jsonl_file: pathlib.Path
) -> None:
    cases = [
        ([jsonl_file, "--no-header"], "--no-header applies to CSV and TSV input, not to jsonl"),
        ([folder, "--no-header"], "--no-header cannot be used with a folder"),
        (["--no-header"], "--no-header needs a PATH"),
    ]
    for args, message in cases:
        code, out, err = run_cli(capsys, "keywords", *args)
        assert (code, out) == (cli.EX_USAGE, ""), args
        assert message in err, args


@pytest.mark.slow
def test_10kgnad_without_header_with_semicolons_and_single_quotes(
    capsys: pytest.CaptureFixture[str], gnad: Corpus
) -> None:
    # The shared German corpus: no header, `label;'text'` (quoted only where needed).
    path = _require(datasets.GNAD_FILE)
    options = ["--no-header", "--delimiter", ";", "--quotechar", "'"]
    code, out, err = run_cli(capsys, "keywords", path, *options, "--text-column", 1)
    assert (code, err) == (0, "")
    rows = parse("table", out)
    assert {r["article_id"] for r in rows} == {str(n) for n in range(1, len(gnad) + 1)}
    assert [r["rank"] for r in rows[:10]] == [str(n) for n in range(1, 11)]
    articles = read_articles(str(path), header=False, delimiter=";", quotechar="'")
    assert articles.texts == gnad.texts  # the last column by default: the text
    labels = read_articles(str(path), header=False, delimiter=";", quotechar="'", text_field="0")
    assert labels.texts == gnad.labels

    # The default quote character " is wrong for this file: the first record (quoted with ')
    # splits into 3 fields, the second into 2.
    code, _, err = run_cli(capsys, "keywords", path, "--no-header", "--delimiter", ";")
    assert code == cli.EX_DATAERR
    assert err == (
        f"newsim: error: {path}, line 2: expected 3 fields as in the first record (line 1), "
        "found 2 (split at ';', quoted with '\"'; for others: --delimiter, --quotechar); to leave "
        "out malformed records, add --on-bad-lines skip\n"
    )


def test_on_bad_lines_skip_a_file_truncated_mid_quote(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "truncated.csv"
    write_csv(path, ["id", "text"], [[k, t] for k, t in ARTICLES.items()], ",")
    # A last row cut off inside its quoted text, after a line break in it: lines 7 and 8.
    with open(path, "a", encoding="utf-8", newline="") as fh:
        fh.write('cut,"The central bank raised\ninterest rates by half')
    options = ["--id-column", "id", "--format", "csv"]

    code, out, err = run_cli(capsys, "pairs", path, *options)
    assert (code, out) == (cli.EX_DATAERR, "")
    assert err == (
        f"newsim: error: {path}, line 7: not valid CSV: unexpected end of data: a field quoted "
        "with '\"' is not closed before the end of the file (the record runs from line 7 to 8); "
        "to leave out malformed records, add --on-bad-lines skip\n"
    )

    code, out, err = run_cli(capsys, "pairs", path, *options, "--on-bad-lines", "skip")
    assert code == 0
    assert [(r["article_id"], r["neighbor_id"]) for r in parse("csv", out)] == [
        ("rates", "rates-copy")
    ]
    assert err == (
        f"newsim: warning: {path}: skipped 1 malformed record (--on-bad-lines skip), on lines "
        "7-8\n"
        f"newsim: warning: {path}, line 7: not valid CSV: unexpected end of data: a field "
        "quoted with '\"' is not closed before the end of the file (the record runs from line "
        "7 to 8)\n"
    )
    articles = read_articles(str(path), id_field="id", on_bad_lines="skip")
    assert (articles.ids, articles.texts) == (IDS, TEXTS)
    assert [(r.line, r.last_line) for r in articles.skipped] == [(7, 8)]


def test_on_bad_lines_skip_goes_on_after_each_malformed_record(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "damaged.csv"
    lines = [
        "id,text",
        f'rates,"{TEXTS[0]}"',  # line 2
        f'bad-quote,"{TEXTS[1]}"!',  # line 3: text after the closing quote
        f'rates-copy,"{TEXTS[1]}"',  # line 4
        f'extra,"{TEXTS[2]}",extra field',  # line 5: 3 fields
        f'split,"{TEXTS[3]}\nsecond line"?',  # lines 6-7: a quoted line break, then text
        f'frog,"{TEXTS[3]}"',  # line 8
        "short",  # line 9: 1 field
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run_cli(
        capsys, "similar", path, "--id-column", "id", "--on-bad-lines", "skip", "--format", "csv"
    )
    assert code == 0
    found = neighbors(parse("csv", out))
    assert found["rates"][0][0] == "rates-copy"  # on lines 2 and 4, around the bad line 3
    assert err.splitlines() == [
        f"newsim: warning: {path}: skipped 4 malformed records (--on-bad-lines skip), on lines "
        "3, 5, 6-7, 9",
        f"newsim: warning: {path}, line 3: not valid CSV: ',' expected after '\"': a field that "
        "starts with the quote character '\"' must end with it; if the file quotes with another "
        "character, name it with --quotechar",
    ]
    articles = read_articles(str(path), id_field="id", on_bad_lines="skip")
    assert articles.ids == ["rates", "rates-copy", "frog"]
    assert [(r.line, r.last_line) for r in articles.skipped] == [(3, 3), (5, 5), (6, 7), (9, 9)]
    assert articles.skipped[1].problem.startswith("expected 2 fields as in the header, found 3")
    assert articles.skipped[3].problem.startswith("expected 2 fields as in the header, found 1")

    # Without --on-bad-lines skip: the first one is an error.
    code, out, err = run_cli(capsys, "similar", path, "--id-column", "id")
    assert (code, out) == (cli.EX_DATAERR, "")
    assert f"{path}, line 3: not valid CSV: ',' expected after '\"'" in err


def test_on_bad_lines_skip_lists_the_first_ten_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "ragged.tsv"
    # Lines 2, 4, ..., 30 have 2 fields: 15 malformed records among 14 good ones.
    lines = ["text"] + [f"{t}\tmore" if n % 2 == 0 else t for n, t in enumerate(TEXTS * 6, 2)]
    path.write_text("\n".join(lines[:30]) + "\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "keywords", path, "--on-bad-lines", "skip", "--format", "csv")
    assert code == 0
    assert {int(r["article_id"]) for r in parse("csv", out)} == set(range(3, 31, 2))
    assert err.splitlines() == [
        f"newsim: warning: {path}: skipped 15 malformed records (--on-bad-lines skip), on lines "
        "2, 4, 6, 8, 10, 12, 14, 16, 18, 20 and 5 more",
        f"newsim: warning: {path}, line 2: expected 1 field as in the header, found 2 (split at "
        "'\\t', quoted with '\"'; for others: --delimiter, --quotechar)",
    ]


def test_on_bad_lines_skip_cannot_skip_everything_or_the_header(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "all-bad.csv"
    path.write_text('id,text\n1,"one"x\n2,two,three\n', encoding="utf-8")
    code, out, err = run_cli(capsys, "keywords", path, "--on-bad-lines", "skip")
    assert (code, out) == (cli.EX_DATAERR, "")
    assert err.startswith(
        f"newsim: error: {path}: no articles found: skipped 2 malformed records "
        "(--on-bad-lines skip), on lines 2, 3; the first, line 2: not valid CSV: "
    )

    path.write_text('"id,text\n1,one\n', encoding="utf-8")
    code, out, err = run_cli(capsys, "keywords", path, "--on-bad-lines", "skip")
    assert (code, out) == (cli.EX_DATAERR, "")
    assert err == (
        f"newsim: error: {path}, line 1: the header row is not valid CSV: unexpected end of "
        "data: a field quoted with '\"' is not closed before the end of the file (the record "
        "runs from line 1 to 2)\n"
    )


@pytest.fixture
def uci() -> pathlib.Path:
    """The UCI News Aggregator headlines (3,259, with a header row)."""
    return _require("uci_news_stories_dev.csv")


@pytest.mark.slow
def test_uci_headlines_with_a_truncated_last_row(
    capsys: pytest.CaptureFixture[str], uci: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    # The shared file is whole (its source's cut-off last row was dropped): it reads as is.
    options = ["--text-column", "TITLE", "--id-column", "ID", "--format", "csv", "--top", 2]
    code, whole, err = run_cli(capsys, "keywords", uci, *options)
    assert (code, err) == (0, "")
    data = uci.read_bytes()
    assert data.endswith(b"\r\n")
    ids = {r["article_id"] for r in parse("csv", whole)}
    assert len(ids) == data.count(b"\r\n") - 1 == 3259

    # Cut off the way its source was: a last row that ends inside a quoted title.
    third = data.split(b"\r\n")[2]
    assert third.startswith(b'48,"EBay, Icahn talk smack",')
    path = tmp_path / "uci_truncated.csv"
    path.write_bytes(data + third[:20])
    code, out, err = run_cli(capsys, "keywords", path, *options)
    assert (code, out) == (cli.EX_DATAERR, "")
    assert f"{path}, line 3261: not valid CSV: unexpected end of data" in err
    assert "add --on-bad-lines skip" in err

    code, out, err = run_cli(capsys, "keywords", path, *options, "--on-bad-lines", "skip")
    assert code == 0
    assert out == whole
    assert err.splitlines()[0] == (
        f"newsim: warning: {path}: skipped 1 malformed record (--on-bad-lines skip), on line 3261"
    )
    assert len(err.splitlines()) == 2


# ----------------------------------------------------------------------------- help and demo


def test_help_and_docstring_document_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "--help")
    assert code == 0
    for command in ("similar", "pairs", "keywords", "fit", "demo"):
        assert command in out
    codes = [0, 1, 2, 65, 66, 73, 130, 141]
    assert [cli.EX_OK, cli.EX_USAGE, cli.EX_DATAERR, cli.EX_NOINPUT] == [0, 2, 65, 66]
    assert [cli.EX_CANTCREAT, cli.EX_INTERRUPTED, cli.EX_BROKEN_PIPE] == [73, 130, 141]
    assert cli.__doc__ is not None
    for text in (out, cli.__doc__):
        documented = [int(c) for c in re.findall(r"^ +(\d+) {2,}", text, flags=re.MULTILINE)]
        assert documented == codes
    code, out, _ = run_cli(capsys, "pairs", "--help")
    assert code == 0
    assert "--threshold COSINE" in out
    assert "exit codes:" in out


def test_demo_is_the_default_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "demo")
    assert code == 0
    assert out.startswith("newsim demo: 2 bundled articles, language detected: de")
    assert "top 10 terms of [1]:" in out
    assert "why [0] and [1] are similar" in out
    assert run_cli(capsys) == (0, out, "")


# ----------------------------------------------------------------------------- end to end


def test_entry_point_end_to_end(folder: pathlib.Path) -> None:
    result = run_process("similar", folder, "--format", "csv", "--top", 1)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    found = neighbors(parse("csv", result.stdout.decode("utf-8")))
    assert [n for n, _ in found["rates"]] == ["rates-copy"]
    assert [n for n, _ in found["rates-copy"]] == ["rates"]
    assert found["rates"][0][1] == found["rates-copy"][0][1] > 0.9


def test_entry_point_reads_jsonl_from_stdin() -> None:
    lines = [json.dumps({"id": k, "text": t}, ensure_ascii=False) for k, t in ARTICLES.items()]
    stdin = ("\n".join(lines) + "\n").encode("utf-8")
    result = run_process("pairs", "-", "--id-field", "id", "--format", "jsonl", stdin=stdin)
    assert result.returncode == 0, result.stderr.decode()
    records = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert [(r["article_id"], r["neighbor_id"]) for r in records] == [("rates", "rates-copy")]


def test_entry_point_non_utf8(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{"text": "Stra\xdfe"}\n')
    result = run_process("keywords", path)
    assert result.returncode == cli.EX_DATAERR
    assert result.stdout == b""
    message = result.stderr.decode("utf-8")
    assert message == (
        f"newsim: error: {path}: not valid UTF-8 at byte offset 29 (line 2): invalid "
        "continuation byte (byte df); convert the file to UTF-8\n"
    )


def test_entry_point_closed_pipe_exits_quietly(folder: pathlib.Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "newsim", "similar", folder],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # like `| head` that has stopped reading, before anything is written
        err = proc.stderr.read()
        code = proc.wait(timeout=120)
    assert err == b""
    assert code == cli.EX_BROKEN_PIPE


# ----------------------------------------------------------------------------- archives
GNAD_ARGS = ("--no-header", "--delimiter", ";", "--quotechar", "'", "--text-column", "1")


def test_an_archive_is_built_grown_queried_and_described(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, gnad: Corpus
) -> None:
    source = _require(datasets.GNAD_FILE)
    archive = tmp_path / "gnad.nsi"
    code, out, _ = run_cli(capsys, "index", "build", source, *GNAD_ARGS, "-o", archive)
    assert code == cli.EX_OK and "1028 articles" in out
    # three archived articles come back as new ones (ids of their own): each finds itself
    new = tmp_path / "new.jsonl"
    picks = [5, 400, 1000]
    new.write_text(
        "".join(json.dumps({"id": f"new-{p}", "text": gnad.texts[p]}) + "\n" for p in picks)
    )
    lines = read_articles(str(source), delimiter=";", quotechar="'", text_field="1", header=False)
    code, out, _ = run_cli(
        capsys,
        "similar",
        new,
        "--id-field",
        "id",
        "--against",
        archive,
        "--top",
        "2",
        "--format",
        "csv",
    )
    rows = parse("csv", out)
    assert code == cli.EX_OK
    firsts = {r["article_id"]: r for r in rows if r["rank"] == "1"}
    for p in picks:
        assert firsts[f"new-{p}"]["neighbor_id"] == lines.ids[p]
        assert float(firsts[f"new-{p}"]["score"]) == pytest.approx(1.0, abs=1e-6)
    code, out, _ = run_cli(
        capsys,
        "pairs",
        new,
        "--id-field",
        "id",
        "--against",
        archive,
        "--threshold",
        "0.99",
        "--format",
        "csv",
    )
    pairs = parse("csv", out)
    assert code == cli.EX_OK
    assert sorted((r["article_id"], r["neighbor_id"]) for r in pairs) == sorted(
        (f"new-{p}", lines.ids[p]) for p in picks
    )
    # added, the new articles are their own best neighbours, with the ids given
    code, out, _ = run_cli(capsys, "index", "add", archive, new, "--id-field", "id")
    assert code == cli.EX_OK and "1031 articles (3 added" in out
    code, _, err = run_cli(capsys, "index", "add", archive, new, "--id-field", "id")
    assert code == cli.EX_DATAERR and "'new-5' is already the id" in err
    code, _, err = run_cli(capsys, "index", "add", archive, new)
    assert code == cli.EX_DATAERR and "name the column of their ids" in err
    code, out, _ = run_cli(capsys, "index", "info", archive)
    assert code == cli.EX_OK
    info = dict(line.split(None, 1) for line in out.splitlines() if line.split()[0] != "stored")
    assert info["articles"] == "1031" and info["kind"] == "archive"
    assert info["language"] == "de" and info["vectorizer"] == "TfidfVectorizer"
    # the default tolerance (0.1) was saved with the archive, and add kept the weights within it
    assert info["tolerance"] == "0.1" and info["features"].startswith(str(len(gnad_vocab(archive))))
    code, out, _ = run_cli(
        capsys, "index", "add", archive, new, "--id-field", "text", "--tolerance", "0"
    )
    assert code == cli.EX_OK
    code, out, _ = run_cli(capsys, "index", "info", archive)
    info = dict(line.split(None, 1) for line in out.splitlines() if line.split()[0] != "stored")
    assert info["tolerance"] == "0.0" and info["articles"] == "1034"
    code, _, err = run_cli(capsys, "index", "add", archive, new, "--tolerance", "-1")
    assert code == cli.EX_USAGE and "expected a number >= 0 or 'none', got '-1'" in err


def gnad_vocab(path: pathlib.Path) -> Any:
    """The terms of an archive's vectorizer."""
    return newsim.Archive.load(path).vectorizer.get_feature_names_out()


def test_archive_misuse_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    new = tmp_path / "new.jsonl"
    new.write_text(json.dumps({"text": "Die Regierung plant ein Gesetz."}) + "\n")
    code, _, err = run_cli(capsys, "similar", new, "--against", tmp_path / "missing.nsi")
    assert code == cli.EX_NOINPUT and "cannot read the archive" in err
    model = tmp_path / "m.newsim"
    assert run_cli(capsys, "fit", "-o", model)[0] == cli.EX_OK
    code, _, err = run_cli(capsys, "pairs", new, "--against", model)
    assert code == cli.EX_DATAERR and "newsim model file" in err
    archive = tmp_path / "a.nsi"
    assert run_cli(capsys, "index", "build", "-o", archive)[0] == cli.EX_OK  # the sample
    code, _, err = run_cli(capsys, "similar", new, "--against", archive, "--model", model)
    assert code == cli.EX_USAGE and "--model cannot be used with --against" in err
    code, _, err = run_cli(capsys, "index")
    assert code == cli.EX_USAGE and "name an action" in err
