#!/usr/bin/env bash
# clang-format over the project's C++ (the style in .clang-format). `--check` (CI) lists the files that
# differ and fails; without it, the files are rewritten in place.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.h' | grep -v '^third_party/')
if [ "${1:-}" = "--check" ]; then
  bad=()
  for f in "${files[@]}"; do clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f"); done
  if [ ${#bad[@]} -gt 0 ]; then
    printf 'clang-format: not formatted: %s\n' "${bad[@]}" >&2
    echo "run: bash scripts/format.sh" >&2
    exit 1
  fi
  echo "clang-format: ${#files[@]} files formatted"
else
  clang-format -i "${files[@]}"
fi
