#!/usr/bin/env bash
# Runs newsim's libFuzzer targets (analyzer, model loader, index loader) for SECONDS each and
# summarizes executions, coverage and findings. The seed corpus is regenerated from DATA_DIR (../shared/data) and the model fixtures
# (tests/fixtures) into BUILD_DIR on each run; nothing is written into the source tree.
#
#   run_fuzzers.sh BUILD_DIR SECONDS DATA_DIR PYTHON [smoke]
#
# Default mode keeps a growing corpus in BUILD_DIR/corpus/<target> between runs and logs to
# BUILD_DIR/logs/<target>.log. "smoke" starts every target from the seeds alone in a scratch
# corpus, so that its time does not grow with the saved corpus. A crash, leak, timeout or
# broken invariant leaves BUILD_DIR/artifacts/<target>-* and makes the script fail.
set -euo pipefail

main() {
  build=${1:?build dir}
  seconds=${2:?seconds per target}
  data=${3:?data dir}
  python=${4:?python}
  mode=${5:-long}
  here=$(cd "$(dirname "$0")" && pwd)

  rm -rf "$build/seeds"
  "$python" "$here/make_seeds.py" "$data" "$build/seeds/analyzer" >/dev/null
  "$build/cpp/fuzz/fuzz_seeds" "$build/seeds/analyzer" "$build/seeds/loader" \
    "$here"/../../tests/fixtures/v*/*.newsim >/dev/null
  "$build/cpp/fuzz/fuzz_index_seeds" "$build/seeds/index" >/dev/null
  mkdir -p "$build/artifacts" "$build/logs"

  # A small quarantine keeps ASan fast on the core's per-call scratch tables.
  export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=64:detect_leaks=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

  status=0
  for spec in analyzer:fuzz_analyzer:8192 loader:fuzz_model_loader:65536 index:fuzz_index_loader:65536; do
    IFS=: read -r name binary max_len <<<"$spec"
    if [[ $mode == smoke ]]; then
      corpus="$build/smoke-corpus/$name"
      rm -rf "$corpus"
      log="$build/logs/$name-smoke.log"
    else
      corpus="$build/corpus/$name"
      log="$build/logs/$name.log"
    fi
    mkdir -p "$corpus"
    start=$(date +%s)
    set +e
    "$build/cpp/fuzz/$binary" -max_total_time="$seconds" -max_len="$max_len" -timeout=20 \
      -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$build/artifacts/$name-" \
      "$corpus" "$build/seeds/$name" >"$log" 2>&1
    rc=$?
    set -e
    elapsed=$(( $(date +%s) - start ))
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    cov=$(grep -E '#[0-9]+[[:space:]]+(DONE|INITED)' "$log" | tail -1 | grep -o 'cov: [0-9]*' || echo "cov: ?")
    ft=$(grep -E '#[0-9]+[[:space:]]+(DONE|INITED)' "$log" | tail -1 | grep -o 'ft: [0-9]*' || echo "ft: ?")
    units=$(find "$corpus" -type f | wc -l)
    if [[ $rc -ne 0 ]]; then
      status=1
      echo "fuzz $name: FAILED after ${elapsed}s, $execs executions (exit $rc); see $log"
      grep -E 'ERROR:|invariant violated|SUMMARY|Test unit written' "$log" | head -5 | sed 's/^/    /'
      echo "    reproduce: $build/cpp/fuzz/$binary $build/artifacts/$name-<crash-file>"
    else
      echo "fuzz $name: ${elapsed}s, $execs executions, $cov, $ft, corpus $units units, no findings"
    fi
  done
  return $status
}

# Parsed in full before it runs: editing this file during a long run cannot derail it.
main "$@"
exit $?
