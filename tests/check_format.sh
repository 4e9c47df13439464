#!/usr/bin/env bash
# Fails if any of our C++ sources is not clang-formatted (Google style, see
# .clang-format). Generated code lives in the build tree and is not checked.
set -euo pipefail
src=$1
cd "$src"
if git rev-parse --git-dir >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cc' '*.h')
else
  mapfile -t files < <(find common policy hub client tests bench -name '*.cc' -o -name '*.h' 2>/dev/null)
fi
clang-format --dry-run -Werror "${files[@]}"
echo "${#files[@]} files formatted"
