#!/usr/bin/env bash
# The real window's memory over frames (issue 12, finding 8): runs `frontline window --frames N` under Xvfb
# with --log-frames and samples its resident set size (VmRSS) with the frame it had reached, every 2 s.
# Usage: scripts/window_rss.sh [FRAMES] [WxH] [extra window options...] (default 2000 frames at 320x180).
# Prints "frame rss_mb" lines, then start / after warm-up (a tenth of the frames) / end and the drift.
set -uo pipefail
cd "$(dirname "$0")/.."
frames=${1:-2000}
size=${2:-320x180}
shift $(($# > 2 ? 2 : $#))
exe=$PWD/build/editor/frontline
log=$(mktemp /tmp/frontline-window-rss-XXXXXX)
trap 'rm -f "$log"' EXIT

xvfb-run -a -s "-screen 0 1280x720x24" "$exe" window --frames "$frames" --size "$size" --log-frames "$@" \
  2>"$log" >/dev/null &
runner=$!
pid=""
for _ in $(seq 100); do  # the frontline process under xvfb-run (this checkout's binary: the full path is ours)
  pid=$(pgrep -n -f "^$exe window --frames $frames --size $size")
  [ -n "$pid" ] && break
  sleep 0.2
done
samples=()
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null)
  frame=$(grep -o 'frame [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  [ -n "$rss" ] && samples+=("${frame:-0} $rss") && echo "${frame:-0} $rss"
  sleep 2
done
wait "$runner"
code=$?
printf '%s\n' "${samples[@]}" | awk -v frames="$frames" -v code="$code" '
  NR == 1 { f0 = $1; r0 = $2 }
  !warm && $1 >= frames / 10 { warm = 1; fw = $1; rw = $2 }
  { fe = $1; re = $2 }
  END {
    printf "window: exit %d; RSS start %.1f MB (frame %d), after warm-up %.1f MB (frame %d), end %.1f MB (frame %d)\n",
      code, r0, f0, rw, fw, re, fe
    if (rw > 0 && fe > fw)
      printf "drift after warm-up: %+.2f %% (%+.1f KB a frame)\n", 100 * (re - rw) / rw, 1024 * (re - rw) / (fe - fw)
  }'
grep -v 'frame [0-9]* detail' "$log" | tail -n 5 >&2
