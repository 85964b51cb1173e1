#!/usr/bin/env bash
# Measures the running kiosk under Xvfb: time to first frame, memory (PSS, RSS),
# CPU over a window, thread count. Prints one figure per line.
#
# Usage: scripts/measure.sh [SECONDS] [WxH] [-- extra kiosk args, e.g. --config F]
# Needs: Xvfb (Debian xvfb), python3 with python-xlib (pip install python-xlib), a
# release build (cargo build --release). Environment: BIN to measure another binary;
# FIRST_COLOUR=000000 when the screen is expected to be dark (a closed schedule).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
size=${2:-1920x1080}
shift $(( $# > 2 ? 2 : $# )) || true
[ "${1:-}" = "--" ] && shift
bin=${BIN:-target/release/samen-kiosk}
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }
w=${size%x*}; h=${size#*x}

display=:$(( 90 + RANDOM % 9 ))
Xvfb "$display" -screen 0 "${w}x${h}x24" -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; [ -n "${pid:-}" ] && kill $pid 2>/dev/null; true' EXIT
for _ in $(seq 100); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.05; done

state=$(mktemp -d)
# The top bar of signage is teal (#0B5A5A); poll a pixel in it.
line=$(DISPLAY=$display SAMEN_KIOSK_STATE_DIR=$state python3 scripts/first-frame.py 5 5 "${FIRST_COLOUR:-0B5A5A}" -- \
    "$bin" run --size "$size" "$@")
first=$(echo "$line" | awk '{print $2}')
pid=$(echo "$line" | awk '{print $4}')

ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' /proc/$pid/stat; }
mem() { awk -v k="$1" '$1 == k":" {print $2}' /proc/$pid/smaps_rollup; }

sleep 2   # let start-up work (picture decoding) finish
c0=$(cpu); t0=$(date +%s.%N)
peak_pss=0; peak_rss=0
end=$(( $(date +%s) + seconds ))
while [ "$(date +%s)" -lt "$end" ]; do
    p=$(mem Pss); r=$(mem Rss)
    [ "$p" -gt "$peak_pss" ] && peak_pss=$p
    [ "$r" -gt "$peak_rss" ] && peak_rss=$r
    sleep 1
done
c1=$(cpu); t1=$(date +%s.%N)
threads=$(awk '/^Threads:/ {print $2}' /proc/$pid/status)
hwm=$(awk '/^VmHWM:/ {print $2}' /proc/$pid/status)

echo "binary            $bin"
echo "window            $size, ${seconds}s window after start-up"
echo "first_frame_s     $first"
echo "pss_steady_mib    $(awk -v v="$(mem Pss)" 'BEGIN{printf "%.1f", v/1024}')"
echo "rss_steady_mib    $(awk -v v="$(mem Rss)" 'BEGIN{printf "%.1f", v/1024}')"
echo "pss_peak_mib      $(awk -v v="$peak_pss" 'BEGIN{printf "%.1f", v/1024}')"
echo "rss_peak_mib      $(awk -v v="$hwm" 'BEGIN{printf "%.1f", v/1024}') (VmHWM)"
echo "cpu_seconds       $(awk -v a="$c0" -v b="$c1" -v t="$ticks" 'BEGIN{printf "%.2f", (b-a)/t}')"
echo "cpu_percent       $(awk -v a="$c0" -v b="$c1" -v t="$ticks" -v s="$t0" -v e="$t1" 'BEGIN{printf "%.2f", 100*(b-a)/t/(e-s)}')"
echo "threads           $threads"
rm -rf "$state"
