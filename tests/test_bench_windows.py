"""Smoke test of benchmarks/bench_windows.py: on 2,000 generated articles (and the UCI headlines
when the shared data is there) it runs every step in seconds, its checks pass (the windowed
pairs are the anchor's filtered ones, the rows' order changes nothing) and it writes its
section."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import _require

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import bench_windows as bw  # noqa: E402

SMALL = ["--n", "2000", "--rounds", "1", "--windows", "1D", "30D", "--no-memory"]


def test_in_window_share_counts_the_pairs_inside() -> None:
    day = 86_400 * 10**9
    dates = np.array([0, day, 2 * day, 10 * day], dtype=np.int64)
    # pairs at most one day apart: (0, 1), (1, 2) of 6
    assert bw.in_window_share(dates, day) == pytest.approx(2 / 6)
    assert bw.in_window_share(dates, 100 * day) == 1.0
    assert bw.in_window_share(dates[:1], day) == 0.0


def test_synthetic_dates_span_one_year_and_sources_are_publishers() -> None:
    dates, sources = bw.synthetic_meta(5000, 50, seed=0)
    start = bw.YEAR_START.astype(np.int64)
    assert dates.min() >= start and dates.max() < start + bw.YEAR_NS
    assert len(set(sources)) == 50 and sources[0].startswith("publisher-")
    again = bw.synthetic_meta(5000, 50, seed=0)
    assert np.array_equal(again[0], dates) and list(again[1]) == list(sources)


def test_small_mode_reports_every_figure(tmp_path: Path) -> None:
    out_md = tmp_path / "RESULTS.md"
    out_md.write_text("# Results\n\nkeep\n", encoding="utf-8")
    out_json = tmp_path / "raw.json"
    args = [*SMALL, "--cache-dir", str(tmp_path / "cache")]
    assert bw.main([*args, "--out", str(out_md), "--json", str(out_json)]) == 0
    data = json.loads(out_json.read_text(encoding="utf-8"))
    (r,) = data["corpora"]
    assert r["n"] == 2000 and r["windows"] == ["1D", "30D"] and r["wide"] == "3650D"
    p = r["pairs"]
    assert len(p["none"]["times"]) == 1
    for w in ("1D", "30D", "3650D"):
        assert p[w]["check"]["equal"], (w, p[w]["check"])
        assert p[w]["ratio"] > 0 and p[w]["anchor"]["median"] >= p["none"]["median"]
    assert p["1D"]["n_pairs"] <= p["30D"]["n_pairs"] <= p["3650D"]["n_pairs"]
    assert p["3650D"]["n_pairs"] == p["none"]["n_pairs"] > 0
    assert r["share"]["1D"] < r["share"]["30D"] < r["share"]["3650D"] == 1.0
    assert r["top_k"]["check"] == {"wide_equals_top_k": True, "wide_equals_brute": True}
    assert r["order"]["check_pairs"]["equal"] and r["order"]["check_top_k"]["same_scores"]
    assert "memory" not in r["order"]
    e = r["exclude"]
    assert e["check"]["equal"] and e["exclude"]["n_pairs"] <= e["alone"]["n_pairs"]

    text = out_md.read_text(encoding="utf-8")
    assert text.startswith("# Results\n\nkeep\n")
    body = text.split("<!-- windows:begin -->")[1].split("<!-- windows:end -->")[0]
    for needle in (
        "- date: ",
        "- command: `python benchmarks/bench_windows.py --n 2000",
        "### 2,000 generated articles",
        "synthetic dates uniform over 366 days",
        "#### `pairs(0.5, window=w)` against `pairs(0.5)` then a numpy filter on the dates",
        "| 3650D | 100 % | ",
        '| `top_k(10, window="1D")` | per-row, window | ',
        "#### Rows in date order or shuffled",
        '| `pairs(0.5, window="7D", exclude_same_source=True)` | ',
    ):
        assert needle in body, needle
    rows = [ln for ln in body.splitlines() if ln.startswith("| 1D |") or ln.startswith("| 30D |")]
    assert len(rows) == 2 and all(ln.count(" | ") == 6 for ln in rows)
    assert "**no**" not in body


def test_uci_headlines_and_peak_memory(tmp_path: Path) -> None:
    _require("uci_news_stories_dev.csv")
    out_json = tmp_path / "raw.json"
    # --per-row-max-n below its size: the per-row kernel over everything runs once, as the wide
    # window, and method="brute" not at all
    args = ["--n", "--uci", "--real-rounds", "2", "--uci-windows", "1h", "--per-row-max-n", "1000"]
    assert bw.main([*args, "--json", str(out_json)]) == 0
    (r,) = json.loads(out_json.read_text(encoding="utf-8"))["corpora"]
    assert r["n"] == 3259 and r["label"] == "UCI headlines (3,259 real)"
    assert r["pairs"]["1h"]["check"]["equal"] and r["pairs"]["3650D"]["check"]["equal"]
    tk = r["top_k"]
    assert "brute" not in tk and tk["per_row_anchor"] == "3650D" and tk["once"] == ["3650D"]
    assert len(tk["3650D"]["times"]) == 1 and len(tk["1h"]["times"]) == 2
    assert tk["check"] == {"wide_equals_top_k": True, "wide_equals_brute": None}
    mem = r["order"]["memory"]
    for name in ("date order", "shuffled"):
        assert mem[name]["peak_rss_mb"] > 0 and mem[name]["delta_rss_mb"] >= 0
