#!/usr/bin/env bash
# Measures the running kiosk under Xvfb: time to first frame, memory (PSS, RSS),
# CPU over a window, thread count. Prints one figure per line.
#
# Usage: scripts/measure.sh [SECONDS] [WxH] [-- extra kiosk args, e.g. --config F]
# Needs: Xvfb (Debian xvfb), xdpyinfo (x11-utils), python3 with python-xlib (Debian
# python3-xlib), a release build (cargo build --release).
#
# Environment:
#   BIN=path        the binary to measure (default target/release/samen-kiosk)
#   FEED=file.json  serve this feed (and the folder it is in, for its pictures) with
#                   python3 -m http.server on 127.0.0.1 and run the kiosk on a
#                   configuration with that one feed (see scripts/make-measure-feeds.py);
#                   without FEED the kiosk runs on its bundled example feed
#   DARK=1          add a screen schedule that is closed now (and all week): the
#                   screen is black; implies FIRST_COLOUR=000000
#   FIRST_COLOUR=RRGGBB  the pixel colour at (5,5) that counts as the first frame
#                   (default 0B5A5A, the teal top bar of signage)
#   WARMUP=S        seconds between the first frame and the measured window (default
#                   2; downloading and decoding 50 large pictures needs more)
#   EXTRA_TOML=text more configuration, e.g. $'[signage]\nslide_seconds = 600'
#   KEEP_LOG=file   where the kiosk's log is copied to (default
#                   /tmp/samen-kiosk-measure.log)
#   SLINT_BACKEND   default winit-software: the software renderer the targets are
#                   set for, also when BIN was built with `--features kms` (that build
#                   would otherwise pick femtovg, i.e. Mesa's llvmpipe under Xvfb:
#                   about 130 MiB PSS and 8 % CPU, which is not the product on a Pi)
#   FRAMES=1        also count the frames rendered in the window (Slint's
#                   SLINT_DEBUG_PERFORMANCE=refresh_lazy,console, which itself adds a
#                   once-a-second timer: take CPU figures from a run without it)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
size=${2:-1920x1080}
shift $(( $# > 2 ? 2 : $# )) || true
[ "${1:-}" = "--" ] && shift
bin=${BIN:-target/release/samen-kiosk}
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }
w=${size%x*}; h=${size#*x}
colour=${FIRST_COLOUR:-}
[ -z "$colour" ] && { [ "${DARK:-0}" = 1 ] && colour=000000 || colour=0B5A5A; }
warmup=${WARMUP:-2}
export SLINT_BACKEND=${SLINT_BACKEND:-winit-software}

work=$(mktemp -d)
state=$work/state
mkdir -p "$state"
log=$work/kiosk.log
pids=()
cleanup() {
    [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    # The kiosk's log stays for a look afterwards.
    [ -f "$log" ] && cp "$log" "${KEEP_LOG:-/tmp/samen-kiosk-measure.log}"
    rm -rf "$work"
    true
}
trap cleanup EXIT

display=:$(( 90 + RANDOM % 9 ))
Xvfb "$display" -screen 0 "${w}x${h}x24" -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.05; done

args=()
if [ -n "${FEED:-}" ] || [ "${DARK:-0}" = 1 ] || [ -n "${EXTRA_TOML:-}" ]; then
    config=$work/kiosk.toml
    : > "$config"
    if [ -n "${FEED:-}" ]; then
        [ -f "$FEED" ] || { echo "no feed file $FEED" >&2; exit 1; }
        port=$(( 20000 + RANDOM % 20000 ))
        python3 -m http.server "$port" --bind 127.0.0.1 --directory "$(dirname "$FEED")" \
            >/dev/null 2>&1 &
        pids+=($!)
        for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
        printf '[[feeds]]\nname = "measure"\nurl = "http://127.0.0.1:%s/%s"\nrefresh = "15m"\n' \
            "$port" "$(basename "$FEED")" >> "$config"
    fi
    if [ "${DARK:-0}" = 1 ]; then
        # No weekday has hours (closed), one day next year is open: dark now.
        printf '[schedule]\n[schedule.exceptions]\n"%s" = "09:00-17:00"\n' \
            "$(date -d '+1 year' +%Y-%m-%d)" >> "$config"
    fi
    [ -n "${EXTRA_TOML:-}" ] && printf '%s\n' "$EXTRA_TOML" >> "$config"
    args+=(--config "$config")
fi

perf_env=()
[ "${FRAMES:-0}" = 1 ] && perf_env=(SLINT_DEBUG_PERFORMANCE=refresh_lazy,console)
line=$(env DISPLAY="$display" SAMEN_KIOSK_STATE_DIR="$state" MEASURE_LOG="$log" "${perf_env[@]}" \
    python3 scripts/first-frame.py 5 5 "$colour" -- "$bin" run --size "$size" "${args[@]}" "$@")
first=$(echo "$line" | awk '{print $2}')
pid=$(echo "$line" | awk '{print $4}')

ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
mem() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$pid/smaps_rollup"; }
peak_pss=0
sample() {
    local p
    p=$(mem Pss)
    [ "$p" -gt "$peak_pss" ] && peak_pss=$p
    true
}
mib() { awk -v v="$1" 'BEGIN{printf "%.1f", v/1024}'; }

# Start-up work (feed download, picture decoding) happens here; its peak counts.
end=$(( $(date +%s%N) + warmup * 1000000000 ))
while [ "$(date +%s%N)" -lt "$end" ]; do sample; sleep 0.2; done
startup_cpu=$(cpu)
log_lines=$(wc -l < "$log")

c0=$(cpu); t0=$(date +%s.%N)
end=$(( $(date +%s) + seconds ))
while [ "$(date +%s)" -lt "$end" ]; do sample; sleep 0.5; done
c1=$(cpu); t1=$(date +%s.%N)
sample
threads=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status")
hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")

echo "binary            $bin"
echo "backend           $SLINT_BACKEND"
dark_note=""; [ "${DARK:-0}" = 1 ] && dark_note=" (dark: schedule closed now)"
echo "feed              ${FEED:-bundled example}$dark_note"
echo "window            $size, ${seconds}s window after ${warmup}s of start-up"
echo "first_frame_s     $first  (pixel 5,5 = #$colour)"
echo "pss_steady_mib    $(mib "$(mem Pss)")"
echo "rss_steady_mib    $(mib "$(mem Rss)")"
echo "pss_peak_mib      $(mib "$peak_pss")  (sampled every 0.2-0.5 s from the first frame)"
echo "rss_peak_mib      $(mib "$hwm")  (VmHWM)"
echo "cpu_startup_s     $(awk -v a="$startup_cpu" -v t="$ticks" 'BEGIN{printf "%.2f", a/t}')  (process start to the end of the warm-up)"
echo "cpu_seconds       $(awk -v a="$c0" -v b="$c1" -v t="$ticks" 'BEGIN{printf "%.2f", (b-a)/t}')"
echo "cpu_percent       $(awk -v a="$c0" -v b="$c1" -v t="$ticks" -v s="$t0" -v e="$t1" 'BEGIN{printf "%.2f", 100*(b-a)/t/(e-s)}')"
echo "threads           $threads"
# Where the PSS is, at the end of the window: the program's own file, shared
# libraries and fonts, the heap (brk and anonymous mappings: malloc, thread stacks),
# shared memory with the X server (the frame buffer).
awk -v bin="$(readlink -f "$bin")" '
    /^[0-9a-f]+-[0-9a-f]+ / { name = $6; for (i = 7; i <= NF; i++) name = name " " $i
        if (name == bin) kind = "binary"
        else if (name == "" || name == "[heap]" || name ~ /^\[anon/ || name ~ /^\[stack/) kind = "heap"
        else if (name ~ /SYSV|^\/dev\/shm|memfd/) kind = "shm"
        else if (name ~ /^\[/) kind = "other"
        else kind = "files" }
    /^Pss:/ { pss[kind] += $2 }
    END { printf "pss_by_kind_mib   heap %.1f, binary %.1f, libraries+fonts %.1f, shm %.1f, other %.1f\n",
        pss["heap"]/1024, pss["binary"]/1024, pss["files"]/1024, pss["shm"]/1024, pss["other"]/1024 }
' "/proc/$pid/smaps"
if [ "${FRAMES:-0}" = 1 ]; then
    # One line a second: "average frames per second: N (dirty: ...)" = frames in the
    # last second. Their sum over the window is the number of frames drawn in it.
    tail -n +"$((log_lines + 1))" "$log" | awk '
        /average frames per second:/ { n += $5; if ($5 > 0) { d = $0; sub(/.*details from last frame: /, "", d); regions[d]++ } }
        END { printf "frames_in_window  %d\n", n; for (r in regions) printf "  dirty (last frame of a second): %s  x%d\n", r, regions[r] }'
fi
