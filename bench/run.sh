#!/usr/bin/env bash
# Builds the benchmarks (Release), makes a PKI for the demo partnership and
# runs them, printing median figures of 5 repetitions.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${HUB_BENCH_BUILD_DIR:-$root/build-bench}
"$root/deploy/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHUB_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target identity_bench decide_bench >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
policy=$root/deploy/demo/partnership.textproto
"$root/certs/make_certs.sh" --out "$work/pki" --policy "$policy" 2>/dev/null
"$build/bench/identity_bench" "$work/pki" "$policy" --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true --benchmark_display_aggregates_only=true
"$build/bench/decide_bench" "$policy" --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true --benchmark_display_aggregates_only=true
