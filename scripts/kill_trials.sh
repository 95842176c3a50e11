#!/usr/bin/env bash
# kill -9 at random moments during the three writers (render --out, story import-geojson, tiles build), then
# checks that the previous file is whole every time and that no temporary of ours is left once a later run
# finishes. Usage: scripts/kill_trials.sh [TRIALS] (default 50 each). Needs build/ (scripts/build.sh release).
set -uo pipefail
cd "$(dirname "$0")/.."
trials=${1:-50}
exe=$PWD/build/editor/frontline
work=$(mktemp -d /tmp/frontline-kill-XXXXXX)
trap 'rm -rf "$work"' EXIT
dem=$PWD/assets/dem/gmted2010_mean_90s_afpak_60-71E_27-36N.tif

# run_and_kill MAX_MS CMD...: starts CMD, kills it with SIGKILL after a random 0..MAX_MS ms.
run_and_kill() {
  local max=$1; shift
  "$@" >/dev/null 2>&1 &
  local pid=$!
  sleep "$(awk -v m="$max" 'BEGIN { srand(); printf "%.3f", rand() * m / 1000 }')"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

png_whole() { [ "$(tail -c 8 "$1" | head -c 4)" = "IEND" ]; }
json_whole() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }
temporaries() { find "$work" -name '.*.frontline-tmp-*' | wc -l; }

report() {  # NAME LOST TEMPORARIES_BEFORE_THE_NEXT_RUN
  echo "$1: $trials kills, $2 previous files lost, $3 temporaries left by killed writes, $(temporaries) left after the next run"
}

# render --out: the previous PNG must stay a whole PNG.
"$exe" render --view spin-boldak --size 320x180 --out "$work/still.png" >/dev/null 2>&1
lost=0
for i in $(seq "$trials"); do
  run_and_kill 4000 "$exe" render --view spin-boldak --size 320x180 --out "$work/still.png"
  png_whole "$work/still.png" || lost=$((lost + 1))
done
left=$(temporaries)
"$exe" render --view spin-boldak --size 320x180 --out "$work/still.png" >/dev/null 2>&1
report "render --out" "$lost" "$left"

# story import-geojson --into: the story must stay valid JSON that loads.
cp assets/stories/spin-boldak-2021.json "$work/story.json"
"$exe" story export-geojson "$work/story.json" --out "$work/areas.geojson" >/dev/null 2>&1
lost=0
for i in $(seq "$trials"); do
  run_and_kill 400 "$exe" story import-geojson "$work/areas.geojson" --into "$work/story.json"
  json_whole "$work/story.json" && "$exe" story info "$work/story.json" >/dev/null 2>&1 || lost=$((lost + 1))
done
left=$(temporaries)
"$exe" story import-geojson "$work/areas.geojson" --into "$work/story.json" >/dev/null 2>&1
report "story import-geojson" "$lost" "$left"

# tiles build --out: the previous archive must stay byte for byte what it was.
build=("$exe" tiles build "$dem" --out "$work/small.pmtiles" --max-zoom 8 --bbox 65.6,31.5,65.8,31.7 --threads 2)
"${build[@]}" >/dev/null 2>&1
cp "$work/small.pmtiles" "$work/reference.pmtiles"
lost=0
for i in $(seq "$trials"); do
  run_and_kill 3000 "${build[@]}"
  cmp -s "$work/small.pmtiles" "$work/reference.pmtiles" || lost=$((lost + 1))
done
left=$(temporaries)
"${build[@]}" >/dev/null 2>&1
report "tiles build" "$lost" "$left"
