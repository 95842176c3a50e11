#!/usr/bin/env bash
# Configures and builds one build tree. Usage: scripts/build.sh [release|asan]
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
jobs=$(nproc)
case "$kind" in
  release) cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null ;;
  # Unit tests only under the sanitizers: the GPU tests run Mesa's JIT, which ASan cannot see into.
  asan) CC=clang CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
          -DFRONTLINE_SANITIZE=ON -DFRONTLINE_BUILD_EDITOR=OFF >/dev/null ;;
  *) echo "usage: $0 [release|asan]" >&2; exit 2 ;;
esac
dir=build; [ "$kind" = asan ] && dir=build-asan
cmake --build "$dir" -j "$jobs"
