#!/usr/bin/env bash
# The whole test suite: the clang-format check, a Release build (unit + GPU tests on lavapipe with validation layers), then the
# unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/format.sh --check
scripts/build.sh release
(cd build && ctest --output-on-failure -j 2)
scripts/build.sh asan
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -L unit -j 2)
