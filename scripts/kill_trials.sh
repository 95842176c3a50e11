#!/usr/bin/env bash
# kill -9 at random moments during the three writers (render --out, story import-geojson, tiles build), then
# checks that the previous file is whole every time and that no temporary of ours is left once a later run
# finishes. Usage: scripts/kill_trials.sh [TRIALS] (default 50 each). Needs build/ (scripts/build.sh release).
#
# Each writer is timed once (T); half of its kills fall anywhere in 0..T, the other half in 0.85T..1.05T, where
# the output is written, so that some kills land inside the write and leave a temporary behind (counted after
# each kill: "kills mid-write"). The previous output must survive every kill, and the next whole run must
# leave nothing but the outputs in the folder.
set -uo pipefail
cd "$(dirname "$0")/.."
trials=${1:-50}
exe=$PWD/build/editor/frontline
work=$(mktemp -d /tmp/frontline-kill-XXXXXX)
trap 'rm -rf "$work"' EXIT
dem=$PWD/assets/dem/gmted2010_mean_90s_afpak_60-71E_27-36N.tif

# run_and_kill DELAY_S CMD...: starts CMD, kills it with SIGKILL after DELAY_S seconds.
run_and_kill() {
  local delay=$1; shift
  "$@" >/dev/null 2>&1 &
  local pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

# A kill moment for trial I of a writer whose whole run takes T seconds.
delay_for() {
  awk -v i="$1" -v t="$2" -v seed="$RANDOM" 'BEGIN { srand(seed);
    if (i % 2) printf "%.3f", rand() * t; else printf "%.3f", t * (0.85 + 0.2 * rand()) }'
}

# Seconds one whole run of CMD takes.
time_run() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}

png_whole() { [ "$(tail -c 8 "$1" | head -c 4)" = "IEND" ]; }
json_whole() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }
# Anything in the folder but the outputs: temporaries of ours (".NAME.frontline-tmp-*", older ".NAME.tmp-*",
# "NAME.tmp") or anything else a writer left.
strays() { find "$work" -mindepth 1 ! -name still.png ! -name story.json ! -name areas.geojson ! -name small.pmtiles \
  ! -name reference.pmtiles | wc -l; }

# trial_loop NAME MAX_S CHECK CMD...: the kills; prints the line of the report.
trial_loop() {
  local name=$1 t=$2 check=$3; shift 3
  local lost=0 midwrite=0
  for i in $(seq "$trials"); do
    run_and_kill "$(delay_for "$i" "$t")" "$@"
    "$check" || lost=$((lost + 1))
    [ "$(strays)" -gt 0 ] && midwrite=$((midwrite + 1))
  done
  "$@" >/dev/null 2>&1
  echo "$name: $trials kills (whole run ${t}s), $lost previous files lost, $midwrite kills left a temporary" \
    "(mid-write), $(strays) stray files after the next run"
}

# render --out: the previous PNG must stay a whole PNG.
render=("$exe" render --view spin-boldak --size 160x90 --out "$work/still.png")
t=$(time_run "${render[@]}")
check_render() { png_whole "$work/still.png"; }
trial_loop "render --out" "$t" check_render "${render[@]}"

# story import-geojson --into: the story must stay valid JSON that loads.
cp assets/stories/spin-boldak-2021.json "$work/story.json"
"$exe" story export-geojson "$work/story.json" --out "$work/areas.geojson" >/dev/null 2>&1
import=("$exe" story import-geojson "$work/areas.geojson" --into "$work/story.json")
t=$(time_run "${import[@]}")
check_story() { json_whole "$work/story.json" && "$exe" story info "$work/story.json" >/dev/null 2>&1; }
trial_loop "story import-geojson" "$t" check_story "${import[@]}"

# tiles build --out: the previous archive must stay byte for byte what it was.
build=("$exe" tiles build "$dem" --out "$work/small.pmtiles" --max-zoom 8 --bbox 65.6,31.5,65.8,31.7 --threads 2)
t=$(time_run "${build[@]}")
cp "$work/small.pmtiles" "$work/reference.pmtiles"
check_tiles() { cmp -s "$work/small.pmtiles" "$work/reference.pmtiles"; }
trial_loop "tiles build" "$t" check_tiles "${build[@]}"
