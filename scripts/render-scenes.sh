#!/usr/bin/env bash
# Renders every screenshot scene at 800x480, 1920x1080 and 1080x1920 into a folder,
# at a fixed moment, so two builds can be compared picture by picture:
#   scripts/render-scenes.sh OUT-DIR [BINARY] [extra screenshot options ...]
#   cmp -s before/x.png after/x.png   (or: scripts/render-scenes.sh --compare A B)
# BINARY defaults to target/release/samen-kiosk.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--compare" ]; then
    a=$2 b=$3 differ=0 same=0
    for f in "$a"/*.png; do
        n=$(basename "$f")
        if cmp -s "$f" "$b/$n"; then same=$((same + 1)); else differ=$((differ + 1)); echo "differs: $n"; fi
    done
    echo "$same identical, $differ different"
    [ $differ = 0 ]
    exit
fi
out=${1:?usage: render-scenes.sh OUT-DIR [BINARY] [options]}
bin=${2:-target/release/samen-kiosk}
shift $(( $# >= 2 ? 2 : 1 ))
mkdir -p "$out"
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
scenes=$("$bin" screenshot --scene '?' --size 800x480 --out /dev/null 2>&1 | sed -n 's/.*scenes: //p' | tr -d ',' || true)
[ -n "$scenes" ] || { echo "could not list the scenes" >&2; exit 1; }
for size in 800x480 1920x1080 1080x1920; do
    for scene in $scenes; do
        SAMEN_KIOSK_STATE_DIR=$state "$bin" screenshot --scene "$scene" --size "$size" \
            --now 2026-11-28T10:42 --out "$out/$scene-$size.png" "$@"
    done
done
ls "$out" | wc -l
