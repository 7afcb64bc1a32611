"""Benchmark harness for newsim (run the ``bench_*.py`` scripts; see RESULTS.md)."""
