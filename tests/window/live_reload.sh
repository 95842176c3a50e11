#!/usr/bin/env bash
# Live reload as a user meets it, under a virtual X server: `frontline window --story FILE` is open, an
# outside tool saves the file with a faction's colour changed, and the window's pixels change without a
# restart; then a save that does not parse puts a one-line banner over the top of the picture while the
# last good story stays on screen. Screenshots of the X root window (ImageMagick `import`), compared
# outside the ImGui panel (folded at this size; its frame time changes every frame).
# Usage: live_reload.sh FRONTLINE_EXE STORY_JSON   (run it under xvfb-run -s "-screen 0 640x360x24")
set -euo pipefail
exe=$1
story=$2
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
cp "$story" "$work/story.json"
log=$work/window.log

"$exe" window --story "$work/story.json" --size 640x360 --view region-top-down --log-frames 2>"$log" &
pid=$!

frames() { grep -c '^frontline: frame ' "$log" || true; }
# Waits (up to $2 s: a hang guard, ~10x the usual time) for a log line matching $1.
wait_for() {
  for _ in $(seq 1 $(($2 * 4))); do
    grep -q -- "$1" "$log" && return 0
    kill -0 $pid 2>/dev/null || { echo "window exited:"; cat "$log"; return 1; }
    sleep 0.25
  done
  echo "timed out waiting for '$1'"; tail -5 "$log"; return 1
}
# Waits until $1 more frames were presented after now.
wait_frames() {
  local want=$(($(frames) + $1))
  for _ in $(seq 1 2400); do
    [ "$(frames)" -ge "$want" ] && return 0
    kill -0 $pid 2>/dev/null || { echo "window exited:"; cat "$log"; return 1; }
    sleep 0.25
  done
  echo "timed out waiting for frames"; return 1
}
shot() { import -window root "$work/$1.png"; }
# Pixels that differ in the region WxH+X+Y between two screenshots.
differ() { compare -metric AE -crop "$3" "$work/$1.png" "$work/$2.png" null: 2>&1 | cut -d' ' -f1 || true; }

# The terrain streamed in full and the labels faded in: the picture holds still.
wait_for 'detail 100% loads 0' 600
wait_frames 4
shot a
wait_frames 2
shot a2
outside_panel=440x300+200+60  # right of the (folded) panel, below the banner
[ "$(differ a a2 $outside_panel)" -eq 0 ] || { echo "FAIL: the picture is not still before any edit"; [ -n "${FRONTLINE_SHOTS_DIR:-}" ] && cp "$work"/a.png "$work"/a2.png "$FRONTLINE_SHOTS_DIR"/; exit 1; }

# An outside tool saves a new colour for the first faction, atomically (write + rename), as editors do.
python3 - "$work/story.json" <<'PY'
import json, sys, os
p = sys.argv[1]
s = json.load(open(p))
s["factions"][0]["colour"] = "#20c040"
open(p + ".new", "w").write(json.dumps(s, indent=2))
os.replace(p + ".new", p)
PY
wait_for "reloaded $work/story.json" 60
wait_frames 3
shot b
changed=$(differ a b 640x300+0+60)
echo "pixels changed by the new colour: $changed"
[ "$changed" -gt 500 ] || { echo "FAIL: the window did not show the reloaded story"; exit 1; }

# A broken save: the banner names the file, the last good story stays.
printf '{"version": 1, "title": "half-written' >"$work/story.json"
wait_for "warning: $work/story.json" 60
grep -- "warning: $work/story.json" "$log"
wait_frames 3
shot c
kept=$(differ b c $outside_panel)
banner=$(differ b c 440x16+200+2)
echo "outside the banner: $kept pixels changed; banner strip: $banner of 7040 pixels changed"
[ "$kept" -lt 100 ] || { echo "FAIL: the last good story did not stay on screen"; exit 1; }
[ "$banner" -gt 3500 ] || { echo "FAIL: no banner over the top of the picture"; exit 1; }
grep -q "validation" "$log" && { echo "FAIL: validation messages"; grep validation "$log"; exit 1; }
# Keep the screenshots for a look: FRONTLINE_SHOTS_DIR=DIR.
[ -n "${FRONTLINE_SHOTS_DIR:-}" ] && cp "$work"/a.png "$work"/b.png "$work"/c.png "$FRONTLINE_SHOTS_DIR"/
echo "PASS"
