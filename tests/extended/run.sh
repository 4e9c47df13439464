#!/usr/bin/env bash
# The extended tier of TESTING.md: the reliability and security suites at
# release budgets, then docs/reliability.md from the figures they print
# (tests/extended/report.py). Run before a release; CI runs the same suites
# at CI budgets through tests/run.sh.
#
#   tests/extended/run.sh [--quick]
#
# Budgets, from the environment (defaults: TESTING.md §3.13's extended tier,
# where this machine allows it; the report states the budgets each run used):
#   HUB_CRASH_ITERATIONS   kill -9 iterations                  (1000)
#   HUB_LOAD_CLIENTS       load clients                         (200)
#   HUB_LOAD_SECONDS       load duration                        (3600)
#   HUB_TAMPER_TRIALS      tampered copies per class            (1000)
#   HUB_TAMPER_EVENTS      events in the tampered log           (3000)
#   HUB_FUZZ_SECONDS       fuzzing per target                   (3600)
#   HUB_POWER_LOSS_ITERATIONS  power cuts                        (1000)
#   HUB_BACKUPS            backups taken and restored            (100)
#   HUB_NEGATIVE_CONTROLS  0 to skip the negative controls         (1)
#   HUB_EXTENDED_SUITES    which suites the "suites" part runs (all)
#   HUB_EXTENDED_NOTE      a line the report shows under its heading (e.g.
#                          which parts an earlier pass ran)
#   HUB_EXTENDED_PARTS     which parts run ("ci suites fuzz memcheck tsan
#                          negative"): memcheck runs the unit tests under
#                          valgrind, tsan builds them with ThreadSanitizer
#                          (build-tsan) and runs them. Without
#                          "ci" the two builds are made but their CI-tier tests
#                          are not run (CI runs them); a run of some parts keeps
#                          the other parts' results and reports them all.
# --quick: minute-scale budgets, report written under the build tree, not
# docs/ (a smoke run of the tier itself).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
quick=0
for arg in "$@"; do
  case $arg in
    --quick) quick=1 ;;
    *) echo "usage: tests/extended/run.sh [--quick]" >&2; exit 2 ;;
  esac
done
if [[ $quick == 1 ]]; then
  : "${HUB_CRASH_ITERATIONS:=100}" "${HUB_LOAD_CLIENTS:=32}" "${HUB_LOAD_SECONDS:=20}"
  : "${HUB_TAMPER_TRIALS:=50}" "${HUB_TAMPER_EVENTS:=3000}" "${HUB_FUZZ_SECONDS:=20}"
  : "${HUB_POWER_LOSS_ITERATIONS:=100}" "${HUB_BACKUPS:=10}"
else
  : "${HUB_CRASH_ITERATIONS:=1000}" "${HUB_LOAD_CLIENTS:=200}" "${HUB_LOAD_SECONDS:=3600}"
  : "${HUB_TAMPER_TRIALS:=1000}" "${HUB_TAMPER_EVENTS:=3000}" "${HUB_FUZZ_SECONDS:=3600}"
  : "${HUB_POWER_LOSS_ITERATIONS:=1000}" "${HUB_BACKUPS:=100}"
fi
export HUB_CRASH_ITERATIONS HUB_LOAD_CLIENTS HUB_LOAD_SECONDS HUB_TAMPER_TRIALS \
  HUB_TAMPER_EVENTS HUB_POWER_LOSS_ITERATIONS HUB_BACKUPS

build=$(realpath -m "${HUB_BUILD_DIR:-$root/build}")
fuzz_build=$(realpath -m "${HUB_FUZZ_BUILD_DIR:-$root/build-clang}")
results=$build/extended
parts=${HUB_EXTENDED_PARTS:-ci suites fuzz memcheck tsan negative}
part() { [[ " $parts " == *" $1 "* ]]; }
[[ -z ${HUB_EXTENDED_PARTS:-} ]] && rm -rf "$results"
mkdir -p "$results"

# Both builds, with every test at its CI budget (the clang one with the fuzz
# targets, under ASan+UBSan), as CI builds and runs them; or, without the
# "ci" part, only built (the clang one only for the "fuzz" part), with the
# certificates the suites use.
ci_env=(env -u HUB_CRASH_ITERATIONS -u HUB_LOAD_CLIENTS -u HUB_LOAD_SECONDS
        -u HUB_TAMPER_TRIALS -u HUB_TAMPER_EVENTS -u HUB_POWER_LOSS_ITERATIONS
        -u HUB_BACKUPS)
if part ci; then
  "${ci_env[@]}" HUB_BUILD_DIR="$build" "$root/tests/run.sh" >"$results/ci-tier-gcc.log" 2>&1 \
    && echo 0 >"$results/ci-tier-gcc.rc" || echo $? >"$results/ci-tier-gcc.rc"
  "${ci_env[@]}" HUB_BUILD_DIR="$fuzz_build" HUB_BUILD_TYPE=RelWithDebInfo CXX=clang++ \
    HUB_FUZZING=ON "$root/tests/run.sh" >"$results/ci-tier-clang.log" 2>&1 \
    && echo 0 >"$results/ci-tier-clang.rc" || echo $? >"$results/ci-tier-clang.rc"
else
  echo "== builds (CI-tier tests not run)" >&2
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHUB_BUILD_TESTS=ON \
    -DHUB_SANITIZE= -DHUB_FUZZING=OFF >/dev/null
  cmake --build "$build" -j "$(nproc)" >"$results/build-gcc.log" 2>&1
  ctest --test-dir "$build" -R 'make_(test|demo)_certs' >/dev/null
  if part fuzz; then
    CXX=clang++ cmake -S "$root" -B "$fuzz_build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DHUB_BUILD_TESTS=ON -DHUB_SANITIZE= -DHUB_FUZZING=ON >/dev/null
    cmake --build "$fuzz_build" -j "$(nproc)" >"$results/build-clang.log" 2>&1
    ctest --test-dir "$fuzz_build" -R 'make_(test|demo)_certs' >/dev/null
  fi
fi

# Each suite at its extended budget, run directly (ctest's timeouts are
# CI's): its whole output and its exit code. The PKIs are the ones the CI
# tier's run made (the make_test_certs and make_demo_certs fixtures).
test_certs=$(grep -o 'HUB_TEST_CERTS=[^";]*' "$build/tests/CTestTestfile.cmake" | head -n 1 | cut -d= -f2)
suite() {  # NAME: tests/NAME in the gcc build
  [[ -n ${HUB_EXTENDED_SUITES:-} && " $HUB_EXTENDED_SUITES " != *" $1 "* ]] && return
  echo "== $1" >&2
  local rc=0
  HUB_TEST_CERTS=$test_certs HUB_DEMO_CERTS=$build/demo-certs "$build/tests/$1" \
    >"$results/$1.log" 2>&1 || rc=$?
  echo "$rc" >"$results/$1.rc"
}
if part suites; then
  suite referral_crash_test
  suite power_loss_test
  suite backup_restore_test
  suite load_test
  suite access_matrix_test
  suite fault_loop_test
  suite audit_tamper_test
  suite mtls_identity_test
  suite cert_matrix_test
  suite http2_abuse_test
  suite canary_test
  suite offline_sync_test
  suite briefing_test
  suite deconfliction_test
  suite referral_test
  # A shell test (it makes its own mount namespace): through ctest.
  if [[ -z ${HUB_EXTENDED_SUITES:-} || " $HUB_EXTENDED_SUITES " == *" real_fs_test "* ]]; then
    echo "== real_fs_test" >&2
    rc=0
    ctest --test-dir "$build" -R '^real_fs_test$' -V >"$results/real_fs_test.log" 2>&1 || rc=$?
    echo "$rc" >"$results/real_fs_test.rc"
  fi
fi

# Each fuzz target for its budget, two at a time, from its corpus.
fuzz() {  # BINARY [SEEDS]
  local name
  name=$(basename "$1")
  local corpus=$fuzz_build/fuzz/${name%_fuzzer}
  mkdir -p "$corpus"
  echo "== $name" >&2
  local rc=0
  (cd "$results" && HUB_DEMO_CERTS=$fuzz_build/demo-certs "$1" \
     -max_total_time="$HUB_FUZZ_SECONDS" -rss_limit_mb=2048 -print_final_stats=1 \
     $([[ $name == hub_rpc_fuzzer ]] && echo -detect_leaks=0) \
     "$corpus" ${2:-} >"$results/$name.log" 2>&1) || rc=$?
  echo "$rc" >"$results/$name.rc"
}
if part fuzz; then
  fuzz "$fuzz_build/policy/policy_fuzzer" "$root/policy/fuzz_seeds" &
  fuzz "$fuzz_build/hub/deconfliction/matcher_fuzzer" "$root/hub/deconfliction/fuzz_seeds"
  wait
  fuzz "$fuzz_build/hub/briefings/renderer_fuzzer" "$root/hub/briefings/fuzz_seeds" &
  fuzz "$fuzz_build/hub/audit/log_verifier_fuzzer"
  wait
  fuzz "$fuzz_build/client/offline_files_fuzzer" &
  fuzz "$fuzz_build/tests/hub_rpc_fuzzer"
  wait
fi

# The unit tests (ctest label "unit": each beside its code) under valgrind's
# memcheck, and built with ThreadSanitizer: each test's log and exit code.
unit_tests() {  # BUILD [WRAPPER...]: "name<TAB>shell command" per unit test
  local dir=$1
  shift
  ctest --test-dir "$dir" -L unit --show-only=json-v1 | python3 -c '
import json, shlex, sys
for t in json.load(sys.stdin)["tests"]:
    props = {p["name"]: p["value"] for p in t.get("properties", [])}
    if "unit" not in props.get("LABELS", []):
        continue  # a fixture the unit tests need
    words = ["cd", props.get("WORKING_DIRECTORY", "."), "&&", "env"]
    words += props.get("ENVIRONMENT", []) + sys.argv[1:] + t["command"]
    print(t["name"] + "\t" + " ".join(shlex.quote(w) for w in words).replace("'"'"'&&'"'"'", "&&"))
' "$@"
}
if part memcheck; then
  echo "== memcheck" >&2
  while IFS=$'\t' read -r name command; do
    rc=0
    (eval "$command") >"$results/memcheck-$name.log" 2>&1 || rc=$?
    echo "$rc" >"$results/memcheck-$name.rc"
  done < <(unit_tests "$build" valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite \
             --errors-for-leak-kinds=definite -q)
fi
if part tsan; then
  echo "== tsan" >&2
  tsan_build=$(realpath -m "${HUB_TSAN_BUILD_DIR:-$root/build-tsan}")
  cmake -S "$root" -B "$tsan_build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHUB_BUILD_TESTS=ON \
    -DHUB_SANITIZE=thread -DHUB_FUZZING=OFF >/dev/null
  mapfile -t tsan_targets < <(unit_tests "$build" | cut -f1)
  cmake --build "$tsan_build" -j "$(nproc)" --target "${tsan_targets[@]}" \
    >"$results/build-tsan.log" 2>&1
  ctest --test-dir "$tsan_build" -R make_test_certs >/dev/null
  while IFS=$'\t' read -r name command; do
    rc=0
    (eval "$command") >"$results/tsan-$name.log" 2>&1 || rc=$?
    echo "$rc" >"$results/tsan-$name.rc"
  done < <(unit_tests "$tsan_build" TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1")
fi

# Negative controls (TESTING.md): each patch in negative_controls/ breaks the
# hub on purpose; applied to a worktree of HEAD and built incrementally, the
# suites run at CI budgets and each must catch (fail on) at least one.
if part negative && [[ ${HUB_NEGATIVE_CONTROLS:-1} == 1 ]]; then
  tree=$build/negative-tree
  nc_build=$build/negative-build
  git -C "$root" worktree remove --force "$tree" 2>/dev/null || rm -rf "$tree"
  git -C "$root" worktree add --detach "$tree" HEAD >/dev/null 2>&1
  for patch in "$root"/tests/extended/negative_controls/*.patch; do
    control=$(basename "$patch" .patch)
    echo "== negative control $control" >&2
    git -C "$tree" checkout -- . && git -C "$tree" apply "$patch"
    cmake -S "$tree" -B "$nc_build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHUB_BUILD_TESTS=ON \
      >/dev/null
    if ! cmake --build "$nc_build" -j "$(nproc)" >"$results/negative-$control-build.log" 2>&1; then
      echo build >"$results/negative-$control.broken"
      continue
    fi
    ctest --test-dir "$nc_build" -R 'make_(test|demo)_certs' >/dev/null 2>&1 || true
    nc_certs=$(grep -o 'HUB_TEST_CERTS=[^";]*' "$nc_build/tests/CTestTestfile.cmake" | head -n 1 | cut -d= -f2)
    for s in referral_crash_test power_loss_test backup_restore_test access_matrix_test \
             fault_loop_test load_test audit_tamper_test cert_matrix_test canary_test \
             mtls_identity_test referral_test; do
      rc=0
      HUB_CRASH_ITERATIONS=50 HUB_LOAD_CLIENTS=32 HUB_LOAD_SECONDS=20 HUB_TAMPER_TRIALS=50 \
        HUB_TAMPER_EVENTS=3000 HUB_POWER_LOSS_ITERATIONS=50 HUB_BACKUPS=10 \
        HUB_TEST_CERTS=$nc_certs HUB_DEMO_CERTS=$nc_build/demo-certs \
        timeout 900 "$nc_build/tests/$s" >"$results/negative-$control-$s.log" 2>&1 || rc=$?
      echo "$rc" >"$results/negative-$control-$s.rc"
    done
  done
  git -C "$root" worktree remove --force "$tree"
fi

# The budgets this run used, for the report.
{
  echo "crash_iterations=$HUB_CRASH_ITERATIONS"
  echo "load_clients=$HUB_LOAD_CLIENTS"
  echo "load_seconds=$HUB_LOAD_SECONDS"
  echo "tamper_trials=$HUB_TAMPER_TRIALS"
  echo "tamper_events=$HUB_TAMPER_EVENTS"
  echo "fuzz_seconds=$HUB_FUZZ_SECONDS"
  echo "power_loss_iterations=$HUB_POWER_LOSS_ITERATIONS"
  echo "backups=$HUB_BACKUPS"
  echo "quick=$quick"
  echo "commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpus=$(nproc)"
  [[ -n ${HUB_EXTENDED_NOTE:-} ]] && echo "note=$HUB_EXTENDED_NOTE"
} >"$results/budgets"

out=$root/docs/reliability.md
[[ $quick == 1 ]] && out=$results/reliability.md
python3 "$root/tests/extended/report.py" "$results" >"$out"
echo "extended tier: wrote $out" >&2
