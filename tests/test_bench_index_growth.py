"""Smoke test of benchmarks/bench_index_growth.py: its small mode runs in seconds and reports
every figure (rebuild against add, remove, merges, a sequence of adds, query latency before
and after adds, and results equal to a fresh build)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import bench_index_file as bif  # noqa: E402
from benchmarks import bench_index_growth as big  # noqa: E402

SMALL = ["--n", "2000", "--extra", "800", "--add", "100", "400", "--remove", "50"]
SMALL += ["--step", "100", "--sequence", "8", "--rounds", "2", "--queries", "10"]
SMALL += ["--check-queries", "10"]


def test_small_mode_reports_every_figure(tmp_path):
    out_md = tmp_path / "RESULTS.md"
    out_md.write_text("# Results\n\nkeep\n", encoding="utf-8")
    out_json = tmp_path / "raw.json"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "bench_index_growth.py"), *SMALL]
    cmd += ["--out", str(out_md), "--json", str(out_json)]
    env = bif._child_env()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]

    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["rounds"] == 2 and data["n_jobs"] == 2 and len(data["sizes"]) == 1
    r = data["sizes"][0]
    assert r["n"] == 2000 and r["extra"] == 800
    for m in ("100", "400"):
        for key in ("rebuild", "add", "id_lookup", "merge_after_add"):
            assert len(r[key][m]["times"]) == 2 and r[key][m]["median"] >= 0, (key, m)
        assert r["add_segments"][m] == {"main_rows": 2000, "delta_rows": int(m), "removed": 0}
    assert len(r["remove_s"]["times"]) == 2 and len(r["build_old"]["times"]) == 4
    # the sequence: every add timed, the delta growing by one step each (no merge at this size)
    seq = r["sequence"]
    assert [s["add"] for s in seq] == list(range(1, 9))
    assert [s["delta_rows"] for s in seq] == [100 * i for i in range(1, 9)]
    assert not any(s["merged"] for s in seq)
    assert r["sequence_check"] == {"queries": 10, "equal": True}
    # the lifecycle: segments as named, latency of each, results equal to fresh builds
    assert r["segments"] == {
        "before": {"main_rows": 2000, "delta_rows": 0, "removed": 0},
        "added": {"main_rows": 2000, "delta_rows": 400, "removed": 0},
        "removed": {"main_rows": 2000, "delta_rows": 400, "removed": 50},
        "merged": {"main_rows": 2350, "delta_rows": 0, "removed": 0},
    }
    assert r["lifecycle_segments"] == r["segments"]["removed"]
    assert set(r["query_ms"]) == set(big.STATES) == set(r["first_query_ms"])
    assert all(len(q["times"]) == 10 for q in r["query_ms"].values())
    assert r["check"] == {"queries": 10, "added": True, "removed": True, "merged": True}
    labels = {"build", "remove", "sequence add", "lifecycle merge"}
    labels |= {f"{what} {m}" for what in ("rebuild", "add", "id map", "merge") for m in (100, 400)}
    assert set(r["cpu"]) == labels
    assert all(c["user"] >= 0 and c["sys"] >= 0 for c in r["cpu"].values())

    # the anchor: gensim add + query against newsim's, each round, the same top-10; and what a
    # reload after an add gives (gensim issue 2663), saved again or not
    g = r["gensim"]
    for key in ("gensim_add", "gensim_query", "gensim_total", "add", "query", "total"):
        for m in ("100", "400"):
            assert len(g[key][m]["times"]) == 2 and g[key][m]["median"] > 0, (key, m)
    assert g["total"]["400"]["median"] >= g["add"]["400"]["median"]
    assert all(a.startswith("100.00%") for a in g["agreement"].values()), g["agreement"]
    assert g["reload"]["saved"]["ok"] is True
    assert "it loads with 2,000 articles" in g["reload"]["unsaved"]["outcome"]
    assert data["real"] == []

    text = out_md.read_text(encoding="utf-8")
    assert text.startswith("# Results\n\nkeep\n")
    body = text.split("<!-- index-growth:begin -->")[1].split("<!-- index-growth:end -->")[0]
    for needle in (
        "- date: ",
        "- command: `python benchmarks/bench_index_growth.py --n 2000",
        "### Add against a rebuild",
        "### CPU seconds of the process behind those times",
        "| merge after add 400 | ",
        "ratio of medians (rebuild / add), 400 new",
        "### A sequence of 8 adds of 100 in a row",
        "no add merged (the delta merges above 20,000 rows at this size)",
        "### Query latency before and after adds",
        "after add 400 and remove 50 (two segments, removal flags)",
        "after add yes, after remove yes, after the merge yes",
        "### Same-run anchor: gensim `Similarity.add_documents`",
        "ratio of medians (gensim add + query / newsim add + query), 400 new",
        "(gensim issue 2663)",
    ):
        assert needle in body, needle
    table = [ln for ln in body.splitlines() if ln.startswith("| after ")]
    assert len(table) == 3 and all(ln.count(" | ") == table[0].count(" | ") for ln in table)


def test_sequence_reports_the_add_that_merges(tmp_path, monkeypatch, capsys):
    # A merge rule small enough for the small mode: the delta merges above 250 rows, so the
    # third add of 100 merges and the next ones start a new delta.
    from newsim import _similarity

    monkeypatch.setattr(_similarity, "_MERGE_MIN_ROWS", 250)
    out_json = tmp_path / "raw.json"
    args = [*SMALL, "--sequence", "5", "--json", str(out_json)]
    assert big.main(args) == 0
    data = json.loads(out_json.read_text(encoding="utf-8"))
    seq = data["sizes"][0]["sequence"]
    assert [s["delta_rows"] for s in seq] == [100, 200, 0, 100, 200]
    assert [s["merged"] for s in seq] == [False, False, True, False, False]
    assert seq[2]["main_rows"] == 2300
    assert data["sizes"][0]["sequence_check"]["equal"] is True
    assert data["merge_rule"]["min_rows"] == 250
    out = capsys.readouterr().out
    assert "add 3 merged (its delta was over max(250, 10% of the main segment's rows))" in out
    assert "| 3 | " in out and "0 (merged)" in out


def test_same_results_compares_ids_and_scores():
    np = pytest.importorskip("numpy")
    ids = np.array([["a", "b"], ["c", None]], dtype=object)
    scores = np.array([[0.9, 0.5], [0.7, 0.0]], dtype=np.float32)
    assert big.same_results((ids, scores), (ids.copy(), scores.copy()))
    other = ids.copy()
    other[1, 0] = "d"
    assert not big.same_results((ids, scores), (other, scores))
    assert not big.same_results((ids, scores), (ids, scores + np.float32(1e-7)))


def test_real_text_runs_every_step(tmp_path, gnad):
    # --real alone: no generated corpus; the last 20 articles of 10kGNAD (the gnad fixture
    # skips without it; benchmarks.corpora finds it where conftest does) added to the others
    out_json = tmp_path / "raw.json"
    out_md = tmp_path / "RESULTS.md"
    args = ["--n", "--real", "10kgnad", "--real-add", "20", "--rounds", "1", "--queries", "5"]
    args += ["--check-queries", "5", "--gensim-max-n", "0", "--json", str(out_json)]
    assert big.main([*args, "--out", str(out_md)]) == 0
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["sizes"] == [] and len(data["real"]) == 1
    r = data["real"][0]
    assert r["label"] == "10kgnad (1,028 real)" and r["n"] == 1008 and r["extra"] == 20
    assert r["add_segments"]["20"] == {"main_rows": 1008, "delta_rows": 20, "removed": 0}
    assert r["check"] == {"queries": 5, "added": True, "removed": True, "merged": True}
    assert r["sequence_check"]["equal"] is True and "gensim" not in r
    body = out_md.read_text(encoding="utf-8")
    assert "### Real text: one copy of each corpus, its last 20 articles added" in body
    assert "#### Query latency before and after adds" in body
    assert "- 10kgnad (1,028 real): X_old = rows 0-1,007" in body
