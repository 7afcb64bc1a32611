"""Smoke test of benchmarks/bench_index_file.py: its small mode runs in seconds and reports
every figure (build, save, loads cold and warm, the load's parts, queries, pickle, memory)."""

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

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="page cache and /proc figures: Linux only"
)


def test_small_mode_reports_every_figure(tmp_path):
    out_md = tmp_path / "RESULTS.md"
    out_md.write_text("# Results\n\nkeep\n", encoding="utf-8")
    out_json = tmp_path / "raw.json"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "bench_index_file.py")]
    cmd += ["--n", "2000", "--rounds", "2", "--queries", "10", "--workdir", str(tmp_path)]
    cmd += ["--out", str(out_md), "--json", str(out_json)]
    env = bif._child_env()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]

    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["rounds"] == 2 and len(data["sizes"]) == 1
    size = data["sizes"][0]
    r = size["newsim"]
    assert r["n"] == 2000 and r["file_bytes"] > 0 and r["pickle_bytes"] > 0
    for key in ("build", "save", "read_warm", "read_cold", "pickle_dumps", "pickle_loads"):
        assert len(r[key]["times"]) == 2 and r[key]["median"] > 0, key
    variants = {"mmap=True warm", "mmap=True cold", "mmap=False warm", "mmap=False cold"}
    assert set(r["load"]) == variants == set(r["load_first_query_ms"])
    assert r["mapped_flag"] == {v: v.startswith("mmap=True") for v in variants}
    assert all(x is not None for x in r["resident_after_evict"])
    # the damaged copy failed with a checksum error, as the split of the load time needs
    assert r["load_parts_error"] == ""
    assert set(r["load_parts"]) >= {"python", "core", "checksums_only", "core_no_ids", "touch"}
    assert set(r["query_ms"]) == {"built in memory", "load(mmap=True)", "load(mmap=False)"}
    assert r["query_identical"] is True
    assert len(r["query_ms"]["load(mmap=True)"]["times"]) == 10

    mem = size["memory"]
    for mode in ("mapped", "read", "built"):
        for stage in ("imports", "loaded", "queried"):
            assert {"VmRSS", "RssAnon", "RssFile"} <= set(mem[mode][stage]), (mode, stage)
    # a mapped index's arrays are file pages; a read one's are anonymous memory
    file_mb = r["file_bytes"] / bif.MB
    mapped, read = mem["mapped"], mem["read"]
    assert mapped["loaded"]["RssFile"] - mapped["imports"]["RssFile"] > 0.5 * file_mb
    assert read["loaded"]["RssAnon"] - read["imports"]["RssAnon"] > 0.5 * file_mb
    assert len(mem["pair"]) == 2 and all("both" in x for x in mem["pair"])
    # the anchor ran, or says why not
    assert "gensim" in size or size.get("gensim_error")
    if "gensim" in size:
        assert size["gensim"]["agreement"].startswith("100.00%")

    text = out_md.read_text(encoding="utf-8")
    assert text.startswith("# Results\n\nkeep\n")
    body = text.split("<!-- index-file:begin -->")[1].split("<!-- index-file:end -->")[0]
    for needle in (
        "- date: ",
        "- command: `python benchmarks/bench_index_file.py --n 2000",
        "### Load, and the first query after it",
        "`SimilarityIndex.load(path, mmap=True)`, cold",
        "### Where a warm mapped load's time goes",
        "### Steady query latency",
        "### Memory of a fresh process",
        "Eviction check at n = 2,000",
    ):
        assert needle in body, needle
    table = [ln for ln in body.splitlines() if ln.startswith("| `SimilarityIndex.load(path, mmap=")]
    assert len(table) == 4 and all(ln.count(" | ") == table[0].count(" | ") for ln in table)


def test_section_table_reads_the_layout(tmp_path):
    np = pytest.importorskip("numpy")
    sp = pytest.importorskip("scipy.sparse")
    import newsim

    X = sp.random(30, 20, density=0.3, random_state=0, format="csr", dtype=np.float32)
    path = tmp_path / "a.nsi"
    newsim.SimilarityIndex(X, ids=[f"x{i}" for i in range(30)]).save(path)
    table = bif.section_table(path)
    assert [kind for kind, _, _ in table] == [1, 2, 3, 4, 5, 6, 8, 9]
    assert all(offset % 64 == 0 for _, offset, _ in table)
    assert table[-1][1] + table[-1][2] == path.stat().st_size
    damaged = tmp_path / "b.nsi"
    bif.write_checksums_only_copy(str(path), str(damaged))
    with pytest.raises(ValueError, match="checksum"):
        newsim.SimilarityIndex.load(damaged)


def test_real_text_runs_every_step(tmp_path, gnad):
    # --real alone: no generated corpus; every step on one copy of 10kGNAD (the gnad fixture
    # skips without it; benchmarks.corpora finds it where conftest does)
    out_md = tmp_path / "RESULTS.md"
    out_json = tmp_path / "raw.json"
    args = ["--n", "--real", "10kgnad", "--rounds", "1", "--queries", "5", "--no-memory"]
    args += ["--gensim-max-n", "0", "--workdir", str(tmp_path)]
    assert bif.main([*args, "--out", str(out_md), "--json", str(out_json)]) == 0
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert len(data["sizes"]) == 1
    size = data["sizes"][0]
    assert size["real"] == "10kgnad" and size["newsim"]["n"] == len(gnad.texts)
    assert "real articles (de)" in size["newsim"]["desc"]
    assert size["newsim"]["query_identical"] is True and size["newsim"]["load_parts_error"] == ""
    body = out_md.read_text(encoding="utf-8")
    assert "| | 10kgnad (1,028 real) |" in body
    assert "- Eviction check at 10kgnad (1,028 real): " in body
    with pytest.raises(SystemExit, match="nothing to measure"):
        bif.main(["--n"])
