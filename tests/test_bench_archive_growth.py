"""Smoke test of benchmarks/bench_archive_growth.py: its small mode runs in seconds and reports
every figure (build, adds with each tolerance and the rows they re-weighted, the refit anchor,
and the checks against it)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import bench_archive_growth as bag  # noqa: E402


def test_small_mode_reports_every_figure(tmp_path: Path, bbc: object) -> None:
    out_md = tmp_path / "RESULTS.md"
    out_md.write_text("# Results\n\nkeep\n", encoding="utf-8")
    out_json = tmp_path / "raw.json"
    args = ["--corpus", "bbc", "--adds", "2", "--step", "20", "--rounds", "1", "--queries", "5"]
    assert bag.main([*args, "--out", str(out_md), "--json", str(out_json)]) == 0
    data = json.loads(out_json.read_text(encoding="utf-8"))
    (c,) = data["corpora"]
    assert c["n"] == 2225 and c["base"] == 2185 and len(c["refit_s"]) == 1
    assert set(c["runs"]) == {"0.1", "0", "none (idf of the fit)"}
    exact = c["runs"]["0"]
    assert exact["full_reweights"] == 2 and exact["check"]["max_abs_diff"] < 2e-6
    assert exact["check"]["same_terms"] and exact["check"]["top10_overlap"] == 1.0
    default = c["runs"]["0.1"]
    assert len(default["add_s"]) == 2 and default["staleness"] <= 0.1
    assert default["check"]["same_terms"]
    assert default["check"]["max_abs_diff"] < 0.2 * default["check"]["max_weight"]
    assert not c["runs"]["none (idf of the fit)"]["check"]["same_vocabulary"]
    sizes = default["file"]
    assert sizes["file"] > sizes["archive_data"] > 0 and sizes["index"] > 0
    assert c["runs"]["none (idf of the fit)"]["file"]["archive_data"] == 0
    text = out_md.read_text(encoding="utf-8")
    assert "keep" in text and "<!-- archive-growth:begin -->" in text
    assert "| bbc_news (2,225 articles): 2,185 + 2 x 20 | 0.1 |" in text
