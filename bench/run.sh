#!/usr/bin/env bash
# Builds the benchmarks (Release), makes a PKI for the demo partnership and
# runs them, printing median figures of 5 repetitions.
#   bench/run.sh [--quick]
# --quick: 3 repetitions, audit_bench on 100,000 events instead of 1,000,000
# and deconfliction_bench on 100,000 subjects instead of 1,000,000 (a smoke
# run; quote full runs in docs/performance.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${HUB_BENCH_BUILD_DIR:-$root/build-bench}
quick=()
reps=5
for arg in "$@"; do
  case $arg in
    --quick) quick=(--quick); reps=3 ;;
    *) echo "usage: bench/run.sh [--quick]" >&2; exit 2 ;;
  esac
done
"$root/deploy/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHUB_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target identity_bench decide_bench audit_bench \
  deconfliction_bench >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
policy=$root/deploy/demo/partnership.textproto
aggregates=("--benchmark_repetitions=$reps" --benchmark_report_aggregates_only=true
  --benchmark_display_aggregates_only=true)
"$root/certs/make_certs.sh" --out "$work/pki" --policy "$policy" 2>/dev/null
"$build/bench/identity_bench" "$work/pki" "$policy" "${aggregates[@]}"
"$build/bench/decide_bench" "$policy" "${aggregates[@]}"
# The audit databases go under the build tree, on its disk (never tmpfs, where
# fsync is free): the durable figures are only meaningful on a real disk.
"$build/bench/audit_bench" "${quick[@]}" --dir="$build/bench" "${aggregates[@]}"
# The deconfliction index is built there too on the first run (1,000,000
# subjects: about 2 minutes) and kept for the next (delete
# $build/bench/deconfliction_bench.*.db to rebuild).
"$build/bench/deconfliction_bench" "${quick[@]}" --dir="$build/bench" "${aggregates[@]}"
