#!/usr/bin/env bash
# Installs what the build needs (Debian packages, as root), configures, builds
# and runs every test with ctest. Environment:
#   HUB_BUILD_DIR   build directory (default: build)
#   HUB_BUILD_TYPE  CMake build type (default: RelWithDebInfo)
#   HUB_SANITIZE    e.g. "address;undefined" for a sanitizer build
#   HUB_FUZZING     ON to build the libFuzzer targets and run each briefly (clang only)
#   CXX             compiler (e.g. clang++ for -Wthread-safety)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/deploy/install-deps.sh"

build=${HUB_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${HUB_BUILD_TYPE:-RelWithDebInfo}" \
  -DHUB_BUILD_TESTS=ON -DHUB_SANITIZE="${HUB_SANITIZE:-}" -DHUB_FUZZING="${HUB_FUZZING:-OFF}" >/dev/null
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)"
