#!/usr/bin/env bash
# Builds the benchmarks and runs the whole suite in one go, then writes the
# figures (machine-readable JSON and Markdown) with bench/report.py:
#   identity_bench, decide_bench    identifying and deciding a call
#   audit_bench                     durable appends, proofs, verification
#   deconfliction_bench             the index at 1,000,000 subjects
#   hub_bench                       hubd and a bare gRPC echo server, both
#                                   over the same mTLS, driven end to end
#
#   bench/run.sh [--quick]
# Full (5 repetitions): writes docs/performance.md and docs/performance.json.
# --quick (3 short repetitions, 100,000 audit events and subjects): about a
# minute after the build; writes $build/bench/results/performance.{md,json}
# and leaves docs/ alone: a smoke run, for CI, never for quoting.
# Environment: HUB_BENCH_BUILD_DIR (default build-bench, configured Release
# the first time; an existing build directory is used as it is configured).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${HUB_BENCH_BUILD_DIR:-$root/build-bench}")
quick=()
reps=5
for arg in "$@"; do
  case $arg in
    --quick) quick=(--quick); reps=3 ;;
    *) echo "usage: bench/run.sh [--quick]" >&2; exit 2 ;;
  esac
done
"$root/deploy/install-deps.sh"
if [[ ! -f $build/CMakeCache.txt ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHUB_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" -j "$(nproc)" --target hubd bench_echo hub_bench identity_bench \
  decide_bench audit_bench deconfliction_bench >/dev/null

results=$build/bench/results
rm -rf "$results"
mkdir -p "$results"
# The CPU counters at the start, so the report can say how much of the run's
# CPU time the hypervisor took (steal): on a shared VM the figures drift with it.
head -n 1 /proc/stat >"$results/cpu_at_start"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The demo partnership, with the CT gateway's daily deconfliction limit
# raised so that hub_bench measures the check, not the limit.
policy=$root/deploy/demo/partnership.textproto
bench_policy=$work/partnership.textproto
sed -E 's/daily_query_limit: [0-9]+ bulk_query_flag: [0-9]+/daily_query_limit: 1000000000 bulk_query_flag: 1000000000/' \
  "$policy" >"$bench_policy"
grep -q 'daily_query_limit: 1000000000' "$bench_policy" || {
  echo "bench/run.sh: could not raise daily_query_limit in $policy" >&2; exit 1; }
"$root/certs/make_certs.sh" --out "$work/pki" --policy "$bench_policy" 2>/dev/null

gbench() {  # NAME ARGS...: runs NAME, all repetitions to $results/NAME.json
  local name=$1; shift
  echo "== $name" >&2
  "$build/bench/${name}_bench" "$@" "--benchmark_repetitions=$reps" \
    --benchmark_display_aggregates_only=true \
    "--benchmark_out=$results/$name.json" --benchmark_out_format=json
}
gbench identity "$work/pki" "$policy"
gbench decide "$policy"
# The databases go under the build tree, on its disk (never tmpfs, where an
# fsync is free): the durable figures only mean something on a real disk.
gbench audit "${quick[@]}" --dir="$build/bench"
# The index is built there too on the first run (1,000,000 subjects: about
# 2 minutes) and kept for later runs and for hub_bench.
gbench deconfliction "${quick[@]}" --dir="$build/bench"
subjects=1000000
[[ ${#quick[@]} -gt 0 ]] && subjects=100000
hub_work=$(mktemp -d "$build/bench/hub_bench_run.XXXXXX")
trap 'rm -rf "$work" "$hub_work"' EXIT
echo "== hub_bench" >&2
"$build/bench/hub_bench" "${quick[@]}" --hubd "$build/hub/hubd" \
  --echo "$build/bench/bench_echo" --pki "$work/pki" --policy "$bench_policy" \
  --referrals "$root/deploy/demo/referrals" --work "$hub_work" \
  --index-db "$build/bench/deconfliction_bench.$subjects.v1.db" \
  --out "$results/hub_bench.json"

if [[ ${#quick[@]} -gt 0 ]]; then
  python3 "$root/bench/report.py" --quick --results "$results" \
    --out-md "$results/performance.md" --out-json "$results/performance.json"
else
  python3 "$root/bench/report.py" --results "$results" \
    --out-md "$root/docs/performance.md" --out-json "$root/docs/performance.json"
fi
