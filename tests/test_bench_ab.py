"""Tests of benchmarks/ab_versions.py's pure parts: no corpus, no newsim, no subprocess."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

# benchmarks/ is a package at the repo root, which is not on sys.path under pytest
if str(Path(__file__).resolve().parent.parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import ab_versions as ab

OLD, NEW = "/venvs/old/bin/python", "/venvs/new/bin/python"


def test_parse_args_defaults_and_choices():
    args = ab.parse_args(["--old", OLD, "--new", NEW])
    assert (args.old, args.new, args.rounds, args.copies) == (OLD, NEW, 7, 10)
    assert (args.old_label, args.new_label, args.section, args.only) == ("old", "new", "ab", [])
    args = ab.parse_args(
        ["--old", OLD, "--new", NEW, "--rounds", "5", "--only", "top-k", "--only", "unigrams"]
    )
    assert args.rounds == 5
    names = [w.name for w in ab.select(ab.all_workloads(), args.only)]
    assert names == [
        "vectorize unigrams n_jobs=1",
        "vectorize unigrams n_jobs=2",
        "top-k n_jobs=1",
        "top-k n_jobs=2",
    ]


@pytest.mark.parametrize(
    "argv",
    [
        ["--new", NEW],  # --old missing
        ["--old", OLD, "--new", NEW, "--rounds", "0"],
        ["--old", OLD, "--new", NEW, "--copies", "0"],
        ["--old", OLD, "--new", NEW, "--only", "no such workload"],
    ],
)
def test_parse_args_rejects(argv, capsys):
    with pytest.raises(SystemExit) as err:
        ab.parse_args(argv)
    assert err.value.code == 2
    capsys.readouterr()


def test_workloads_match_the_issue():
    by_name = {w.name: w for w in ab.all_workloads()}
    assert len(by_name) == 6
    uni = by_name["vectorize unigrams n_jobs=2"]
    assert (uni.kind, uni.n_jobs) == ("vectorize", 2)
    assert uni.params == {"ngram_range": [1, 1], "decompound": False}
    assert by_name["vectorize defaults n_jobs=1"].params == {}
    assert by_name["top-k n_jobs=1"].as_dict() == {
        "name": "top-k n_jobs=1",
        "kind": "top-k",
        "n_jobs": 1,
        "params": {},
    }


def test_schedule_alternates_and_flips_every_round():
    order = ab.schedule(["a", "b"], 3)
    assert order == [
        (0, "a", "old"), (0, "a", "new"), (0, "b", "old"), (0, "b", "new"),
        (1, "a", "new"), (1, "a", "old"), (1, "b", "new"), (1, "b", "old"),
        (2, "a", "old"), (2, "a", "new"), (2, "b", "old"), (2, "b", "new"),
    ]  # fmt: skip
    firsts = [side for i, (_, _, side) in enumerate(ab.schedule(["a"], 6)) if i % 2 == 0]
    assert firsts.count("old") == firsts.count("new") == 3


def _row(old, new, fp_new=None):
    row = ab.Row("w")
    fp = {"shape": [2, 3], "nnz": 4, "sum": 1.5, "indptr": "abc"}
    for r, t in enumerate(old):
        row.add("old", r, {"seconds": t, "cpu": 2 * t, "load": 1.0, "fingerprint": fp})
    for r, t in enumerate(new):
        row.add("new", r, {"seconds": t, "cpu": t, "load": 3.0, "fingerprint": fp_new or fp})
    return row


def test_row_medians_and_ratios():
    row = _row([1.0, 3.0, 2.0], [0.5, 1.5, 4.0])
    assert row.median("old") == 2.0
    assert row.median("new") == 1.5
    assert row.span("new") == (0.5, 4.0)
    assert row.ratio() == pytest.approx(0.75)
    assert row.median("old", cpu=True) == 4.0
    assert row.ratio(cpu=True) == pytest.approx(0.375)
    assert ab._cpu_text(row) == "4.000 → 1.500 (0.375)"
    assert row.round_ratios == pytest.approx([0.5, 0.5, 2.0])
    assert not row.mismatch
    assert row.check().startswith("same on both: 2x3, nnz 4, sum 1.5, indptr abc")
    raw = json.loads(json.dumps(row.as_dict()))  # the --json output
    assert raw["ratio_of_medians"] == pytest.approx(0.75)
    assert raw["cpu_ratio_of_medians"] == pytest.approx(0.375)
    assert raw["times"]["new"] == {"0": 0.5, "1": 1.5, "2": 4.0}


def test_row_pairs_rounds_by_index_and_keeps_errors():
    row = ab.Row("w")
    ok = {"cpu": 1.0, "load": 0.5, "fingerprint": {"sum": 1.0}}
    row.add("old", 0, {"seconds": 1.0, **ok})
    row.add("new", 0, {"error": "exit 1: boom"})
    row.add("old", 1, {"seconds": 2.0, **ok})
    row.add("new", 1, {"seconds": 3.0, **ok})
    assert row.round_ratios == [1.5]  # round 0 has no new time
    assert row.errors == {"new": "exit 1: boom"}
    assert ab._span_text(ab.Row("empty"), "old") == "-"
    assert ab.Row("empty").ratio() is None
    assert ab._cpu_text(ab.Row("empty")) == "-"


def test_fingerprints_match_tolerates_float_noise_only():
    a = {"shape": [2, 3], "nnz": 4, "sum": 1000.0, "X": {"sum": 5.0, "nnz": 9}}
    assert ab.fingerprints_match(a, {**a, "sum": 1000.0 * (1 + 1e-8)})
    assert not ab.fingerprints_match(a, {**a, "sum": 1000.1})
    assert not ab.fingerprints_match(a, {**a, "nnz": 5})
    assert not ab.fingerprints_match(a, {**a, "X": {"sum": 5.0, "nnz": 8}})
    assert not ab.fingerprints_match(a, {"shape": [2, 3]})
    row = _row([1.0], [1.0], fp_new={"shape": [2, 3], "nnz": 5, "sum": 1.5, "indptr": "abc"})
    assert row.mismatch
    assert row.check().startswith("**MISMATCH**: old 2x3, nnz 4")


def test_fingerprints_of_matrix_and_topk():
    X = sp.csr_matrix(np.array([[0.5, 0.0], [0.25, 0.25]], dtype=np.float32))
    fp = ab.matrix_fingerprint(X)
    assert fp["shape"] == [2, 2] and fp["nnz"] == 3 and fp["sum"] == 1.0
    Y = X.copy()
    Y.data[0] = 0.75
    assert not ab.fingerprints_match(fp, ab.matrix_fingerprint(Y))
    ids = np.array([[1], [0]], dtype=np.int32)
    scores = np.array([[0.5], [0.5]], dtype=np.float32)
    t = ab.topk_fingerprint((ids, scores))
    assert t["shape"] == [2, 1] and t["sum"] == 1.0
    assert t["ids"] == ab.topk_fingerprint((ids.astype(np.int64), scores))["ids"]
    assert t["ids"] != ab.topk_fingerprint((ids[::-1], scores))["ids"]


def test_render_table_and_section():
    rows = [_row([1.0, 2.0, 3.0], [0.9, 1.8, 2.7]), ab.Row("top-k n_jobs=1")]
    rows[1].add("old", 0, {"error": "exit 1: a | b"})
    table = ab.render_table(rows)
    lines = table.splitlines()
    assert lines[0].startswith("| workload | old median s (min-max) | new median s (min-max) |")
    assert lines[1] == "|---|---|---|---|---|---|---|"
    assert lines[2].startswith("| w | 2.000 (1.000-3.000) | 1.800 (0.900-2.700) | 0.900 | 0.900 (")
    assert "| 4.000 → 1.800 (0.450) | same on both" in lines[2]
    assert "ERROR (old): exit 1: a \\| b" in lines[3]  # pipes escaped inside a cell
    section = ab.render_section(
        rows,
        command="python benchmarks/ab_versions.py --old a --new b",
        labels={"old": "main 0bd38d2", "new": "ab 1234abc"},
        builds={"old": {"newsim": "0.2.0"}},
        corpus_desc="tiny",
        rounds=3,
    )
    assert "- old: **main 0bd38d2**: newsim 0.2.0" in section
    assert "- new: **ab 1234abc**: no successful run" in section
    assert "- command: `python benchmarks/ab_versions.py --old a --new b`" in section
    assert "both sides are warm" in section
    assert "- 1-minute load average before the timed calls: 1.00-3.00, median 2.00" in section
    assert "MISMATCH" not in section
