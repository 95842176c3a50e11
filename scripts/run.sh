#!/usr/bin/env bash
# The main job on the embedded Kandahar default: the window when there is a display, otherwise every
# named view rendered to out/*.png.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh release
exec ./build/editor/frontline "$@"
