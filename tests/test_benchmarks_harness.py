"""Tests of the benchmark harness (benchmarks/); tiny synthetic corpus, no newsim needed."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

# benchmarks/ is a package at the repo root, which is not on sys.path under pytest
if str(Path(__file__).resolve().parent.parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_vectorize, corpora, harness

REPO_ROOT = Path(__file__).resolve().parent.parent

DOCS = [
    "Die Regierung beschloss am Montag ein neues Gesetz.",
    'Der "Covid-19"-Ausschuss tagte, 2020 und 2021, in Wien.',
    "Sport: Rapid gewann 3:1 gegen Sturm Graz.",
    "12 34 56",  # no letters: cannot change
    "",
]


# trivial contenders; the factories are importable, so the memory subprocess can use them
def make_join(sep: str = " "):
    def run(texts):
        return sep.join(texts)

    return run


def make_sleepy(seconds: float = 0.002):
    def run(texts):
        time.sleep(seconds)
        return len(texts)

    return run


def _target(factory: str) -> str:
    return f"{__name__}:{factory}"


def test_run_benchmark_table_and_ratios():
    contenders = [
        harness.Contender("join", target=_target("make_join"), anchor=True),
        harness.Contender("sleepy", target=_target("make_sleepy"), kwargs={"seconds": 0.01}),
        harness.Contender("upper", fn=lambda texts: [t.upper() for t in texts]),
        harness.Contender("broken", fn=lambda texts: 1 / 0),
    ]
    bench = harness.run_benchmark(
        contenders, DOCS, rounds=2, warmup=1, memory=True, describe=lambda out: type(out).__name__
    )
    res = {r.name: r for r in bench.results}
    assert [r.name for r in bench.results] == ["join", "sleepy", "upper", "broken"]
    assert bench.anchor.name == "join"
    assert bench.n_bytes == corpora.corpus_bytes(DOCS)

    for name in ("join", "sleepy", "upper"):
        r = res[name]
        assert len(r.times) == 2 and r.error is None
        assert r.min <= r.median <= r.max
        assert r.mbps == pytest.approx(bench.n_bytes / harness.MB / r.median)
        assert len(r.pair_ratios) == 2
        assert r.pair_ratio_median == pytest.approx(
            sorted(r.pair_ratios)[0] / 2 + sorted(r.pair_ratios)[1] / 2
        )
        assert r.speedup_of_medians == pytest.approx(res["join"].median / r.median)
    assert res["join"].pair_ratios == [1.0, 1.0]
    assert res["sleepy"].pair_ratio_median < 1  # slower than the anchor
    assert res["sleepy"].times[0] >= 0.01
    assert res["join"].info == "str" and res["sleepy"].info == "int"

    # the failing contender is reported, not fatal
    assert res["broken"].times == [] and "ZeroDivisionError" in res["broken"].error

    # peak memory only for importable contenders
    for name in ("join", "sleepy"):
        assert res[name].peak_rss_mb > 1
        assert res[name].base_rss_mb > 1
        assert res[name].delta_rss_mb >= 0
    assert res["upper"].peak_rss_mb is None

    table = harness.render_table(bench)
    lines = table.splitlines()
    assert len(lines) == 2 + 4
    assert lines[0].startswith("| contender | median s |")
    assert all(line.count("|") == lines[0].count("|") for line in lines)
    assert "**join** (anchor)" in table and "ERROR: ZeroDivisionError" in table
    assert f"{res['sleepy'].pair_ratio_median:.2f}" in table


def test_settle_pauses_before_every_timed_call_only(monkeypatch):
    pauses: list[float] = []
    calls: list[str] = []

    def record(seconds: float) -> None:
        pauses.append(seconds)
        calls.append("pause")

    def contender(name: str):
        def run(texts):
            calls.append(name)
            return len(texts)

        return run

    monkeypatch.setattr(harness.time, "sleep", record)
    contenders = [
        harness.Contender("a", fn=contender("a"), anchor=True),
        harness.Contender("b", fn=contender("b")),
    ]
    harness.run_benchmark(contenders, DOCS, rounds=2, warmup=1, memory=False, settle=0.25)
    # warm-ups run back to back; each of the 2 x 2 timed calls comes right after a pause
    assert calls == ["a", "b"] + ["pause", "a", "pause", "b"] * 2
    assert pauses == [0.25] * 4


@pytest.mark.parametrize("settle", [-1.0, float("nan")])
def test_settle_must_be_a_non_negative_number(settle):
    contenders = [harness.Contender("a", fn=len, anchor=True)]
    with pytest.raises(ValueError, match="settle must be >= 0"):
        harness.run_benchmark(contenders, DOCS, rounds=1, memory=False, settle=settle)


def test_compute_ratios_by_hand():
    a = harness.ContenderResult("a", times=[2.0, 4.0, 3.0], anchor=True)
    b = harness.ContenderResult("b", times=[1.0, 1.0, 2.0])
    harness.compute_ratios([a, b], n_bytes=3_000_000)
    assert a.mbps == pytest.approx(1.0)
    assert b.mbps == pytest.approx(3.0)
    assert b.pair_ratios == [2.0, 4.0, 1.5]
    assert b.pair_ratio_median == 2.0
    assert b.speedup_of_medians == pytest.approx(3.0)


def test_update_section_keeps_the_rest(tmp_path):
    out = tmp_path / "RESULTS.md"
    harness.update_section(out, "vectorize", "first")
    assert "<!-- vectorize:begin -->\nfirst\n<!-- vectorize:end -->" in out.read_text()

    out.write_text(
        "# Results\n\nintro\n\n<!-- vectorize:begin -->\nold\n<!-- vectorize:end -->\n\n"
        "<!-- similarity:begin -->\nkeep me\n<!-- similarity:end -->\ntail\n",
        encoding="utf-8",
    )
    harness.update_section(out, "vectorize", "new table")
    harness.update_section(out, "vectorize", "newer table")
    text = out.read_text(encoding="utf-8")
    assert text == (
        "# Results\n\nintro\n\n<!-- vectorize:begin -->\nnewer table\n<!-- vectorize:end -->\n\n"
        "<!-- similarity:begin -->\nkeep me\n<!-- similarity:end -->\ntail\n"
    )
    harness.update_section(out, "other", "appended")
    assert out.read_text(encoding="utf-8").startswith(text.rstrip("\n"))
    assert out.read_text(encoding="utf-8").endswith(
        "<!-- other:begin -->\nappended\n<!-- other:end -->\n"
    )


def test_bench_section_written(tmp_path):
    contenders = [
        harness.Contender("join", target=_target("make_join"), anchor=True),
        harness.Contender("upper", fn=lambda texts: [t.upper() for t in texts]),
    ]
    bench = harness.run_benchmark(contenders, DOCS, rounds=1, warmup=1, memory=False)
    section = bench_vectorize.render_section(
        bench,
        command="python benchmarks/bench_vectorize.py --quick",
        corpus_desc="tiny",
        messages=["newsim skipped"],
    )
    out = tmp_path / "RESULTS.md"
    out.write_text("# Results\n\nhand-written notes\n", encoding="utf-8")
    harness.update_section(out, bench_vectorize.SECTION, section)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Results\n\nhand-written notes\n")
    body = text.split("<!-- vectorize:begin -->")[1].split("<!-- vectorize:end -->")[0]
    for needle in (
        "- date: ",
        "- machine: ",
        "- versions: python ",
        "numpy",
        "scikit-learn",
        "newsim",
        "`python benchmarks/bench_vectorize.py --quick`",
        "| **join** (anchor) |",
        "| upper |",
        "- newsim skipped",
    ):
        assert needle in body


def test_scaled_rule():
    words = " ".join(f"Wort{i}" if i % 7 else "123" for i in range(1, 501))
    texts = [words, *DOCS]
    big = corpora.scaled(texts, 3, seed=1)
    assert len(big) == 3 * len(texts)
    assert big[: len(texts)] == texts  # copy 0 unchanged
    assert big == corpora.scaled(texts, 3, seed=1)  # deterministic
    assert big != corpora.scaled(texts, 3, seed=2)
    for c in (1, 2):
        doc = big[c * len(texts)]
        old, new = words.split(), doc.split()
        assert len(old) == len(new)
        changed = [(a, b) for a, b in zip(old, new) if a != b]
        assert len(changed) == round(0.02 * len(old)) == 10
        suffix = "x" + corpora.copy_tag(c)
        for a, b in changed:
            assert a.startswith("Wort") and b == a.replace("Wort", "Wort" + suffix)
    # short documents still change one word; letter-less ones and empty ones cannot
    assert big[len(texts) + 1] != DOCS[0]
    assert big[len(texts) + 4] == DOCS[3] and big[len(texts) + 5] == ""
    assert corpora.mutate('"Covid-19"-Ausschuss,', 3, index=0) == '"Covid-19"-Ausschussxc,'
    assert [corpora.copy_tag(c) for c in (1, 10, 26, 27, 52, 53)] == [
        "a",
        "j",
        "z",
        "aa",
        "az",
        "ba",
    ]


def test_data_dir_env(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSIM_DATA_DIR", str(tmp_path))
    assert corpora.data_dir() == tmp_path
    with pytest.raises(FileNotFoundError, match="NEWSIM_DATA_DIR"):
        corpora.load_10kgnad()
    monkeypatch.delenv("NEWSIM_DATA_DIR")
    assert corpora.data_dir() == REPO_ROOT.parent / "shared" / "data"


def test_cli_parses_quick():
    args = bench_vectorize.build_parser().parse_args(["--quick", "--out", "x.md"])
    assert args.quick and args.out == "x.md" and args.corpus == "10kgnad"
