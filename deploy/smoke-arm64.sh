#!/usr/bin/env bash
# Smoke test of the cross-compiled aarch64 binary under qemu-aarch64 (Debian
# qemu-user), against the native x86_64 build of the same source:
# - screenshots of several scenes are identical (or differ in a handful of pixels),
# - `feed occurrences` on the example feed and the iCalendar samples gives the same
#   lines (and the samples' expected occurrences),
# - `config check` accepts the shipped configurations and refuses a broken one,
# - a callback request goes through the outbox (SQLite, compiled with the cross cc).
# Prints one PASS or FAIL line per check and "N passed, N failed"; exit 1 on any FAIL.
#
#   deploy/cross-build.sh --no-deb   (first, for the aarch64 binary)
#   deploy/smoke-arm64.sh
#
# The native binary is built first (release, default features). Needs qemu-user,
# libfontconfig1:arm64 (installed by cross-build.sh; the same fallback fonts as the
# native run) and python3 (pixels are counted with Pillow when present, else with
# ImageMagick's compare, else files are compared byte for byte).
set -uo pipefail
cd "$(dirname "$0")/.."

TARGET=aarch64-unknown-linux-gnu
target_dir=${CARGO_TARGET_DIR:-target}
arm=$target_dir/$TARGET/release/samen-kiosk
x86=$target_dir/release/samen-kiosk
NOW=2026-11-28T10:42:00+01:00
SIZE=800x480
# Allowed difference between the two renderings: share of pixels that differ.
MAX_DIFF_SHARE=0.001

passed=0
failed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

if [ ! -x "$arm" ]; then
    echo "smoke-arm64: $arm is missing: run deploy/cross-build.sh first" >&2
    exit 1
fi
if ! command -v qemu-aarch64 >/dev/null; then
    echo "smoke-arm64: qemu-aarch64 is missing: apt-get install qemu-user" >&2
    exit 1
fi
# Always through cargo: a native binary left from an older commit would differ from
# the arm64 one for that reason alone (cargo does nothing when it is up to date).
# Default features, like `cargo run --release` and scripts/measure.sh: screenshots
# use the software renderer in every build, so the kms feature changes nothing here.
echo "smoke-arm64: building the native release binary for comparison" >&2
nice -n 19 cargo build --locked --release >&2 || exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The arm64 loader and libraries all come from the multiarch packages
# (/lib/ld-linux-aarch64.so.1, /lib/aarch64-linux-gnu; libc6:arm64 comes with
# libfontconfig1:arm64). Not the cross toolchain's loader in /usr/aarch64-linux-gnu:
# it is another build of glibc than the multiarch libc.so.6 it would load, and that
# mix hangs in the first pthread_create (seen: the detail scene spun for 10 minutes).
run_arm() {
    QEMU_LD_PREFIX=/ qemu-aarch64 "$arm" "$@"
}
run_x86() { "$x86" "$@"; }

# 0. It starts at all, and is what it claims to be.
if file "$arm" | grep -q "ARM aarch64"; then
    pass "arm64 binary: $(file -b "$arm" | cut -d, -f1-2)"
else
    fail "arm64 binary is not an aarch64 ELF: $(file -b "$arm")"
fi
if v=$(run_arm --version 2>&1) && [ "$v" = "$(run_x86 --version)" ]; then
    pass "version under qemu: $v"
else
    fail "version under qemu: $v"
fi

# 1. Screenshots: same scene, same time, same size; compare pixels.
compare_png() { # a.png b.png -> prints "identical" / "N of M pixels differ (max delta D)"; exit 0 if within bounds
    if cmp -s "$1" "$2"; then
        echo "identical files"
        return 0
    fi
    if python3 -c "import PIL" 2>/dev/null; then
        python3 - "$1" "$2" "$MAX_DIFF_SHARE" <<'EOF'
import sys
from PIL import Image, ImageChops
a = Image.open(sys.argv[1]).convert("RGB")
b = Image.open(sys.argv[2]).convert("RGB")
if a.size != b.size:
    print(f"sizes differ: {a.size} vs {b.size}")
    sys.exit(1)
diff = ImageChops.difference(a, b)
total = a.size[0] * a.size[1]
# A pixel differs when any channel does: mark each channel, then any mark counts.
marks = diff.point(lambda v: 255 if v else 0).convert("L").point(lambda v: 255 if v else 0)
differing = marks.histogram()[255]
delta = max(max(band) for band in (diff.getextrema()))
print(f"{differing} of {total} pixels differ (largest channel delta {delta})")
sys.exit(0 if differing <= total * float(sys.argv[3]) else 1)
EOF
        return $?
    fi
    if command -v compare >/dev/null && [ -x /usr/bin/compare ]; then
        local ae
        ae=$(/usr/bin/compare -metric AE "$1" "$2" null: 2>&1 | cut -d' ' -f1)
        local total
        total=$(python3 -c "print(${SIZE/x/*})")
        echo "$ae of $total pixels differ (ImageMagick AE)"
        python3 -c "import sys; sys.exit(0 if float('$ae') <= $total * $MAX_DIFF_SHARE else 1)"
        return $?
    fi
    echo "files differ (no Pillow or ImageMagick to count pixels)"
    return 1
}

for spec in signage:nl signage-today:nl signage-spotlight:en detail:nl callback-name:nl help:en; do
    scene=${spec%%:*}
    lang=${spec##*:}
    args=(screenshot --scene "$scene" --lang "$lang" --size "$SIZE" --now "$NOW")
    # An empty state directory of its own for each build: no cached feeds, the bundled example.
    if ! out=$(run_arm --state-dir "$work/state-arm" "${args[@]}" --out "$work/$scene-arm.png" 2>&1); then
        fail "screenshot $scene ($lang) under qemu: $out"
        continue
    fi
    if ! out=$(run_x86 --state-dir "$work/state-x86" "${args[@]}" --out "$work/$scene-x86.png" 2>&1); then
        fail "screenshot $scene ($lang) native: $out"
        continue
    fi
    if verdict=$(compare_png "$work/$scene-arm.png" "$work/$scene-x86.png"); then
        pass "screenshot $scene ($lang, $SIZE): arm64 vs x86_64: $verdict"
    else
        fail "screenshot $scene ($lang, $SIZE): arm64 vs x86_64: $verdict"
    fi
done
if [ -n "${SMOKE_KEEP:-}" ]; then
    mkdir -p "$SMOKE_KEEP" && cp "$work"/*.png "$SMOKE_KEEP"/ && echo "(screenshots kept in $SMOKE_KEEP)"
fi

# 2. Feeds: the same occurrences on both, and the samples' expectations.
canonical() { # JSON lines -> sorted canonical lines
    python3 -c '
import json, sys
lines = sorted(json.dumps(json.loads(l), sort_keys=True) for l in sys.stdin if l.strip())
print("\n".join(lines))'
}
feed_check() { # name source from to [expected.jsonl]
    local name=$1 source=$2 from=$3 to=$4 expected=${5:-}
    local a b
    if ! a=$(run_arm feed occurrences "$source" --from "$from" --to "$to" 2>&1); then
        fail "feed occurrences $name under qemu: $(echo "$a" | tail -1)"
        return
    fi
    b=$(run_x86 feed occurrences "$source" --from "$from" --to "$to" 2>&1)
    local n
    n=$(printf '%s\n' "$a" | grep -c .)
    if [ "$a" != "$b" ]; then
        fail "feed occurrences $name: arm64 and x86_64 differ"
    elif [ "$n" = 0 ]; then
        fail "feed occurrences $name: no occurrences"
    elif [ -n "$expected" ] && [ "$(printf '%s\n' "$a" | canonical)" != "$(canonical <"$expected")" ]; then
        fail "feed occurrences $name: $n occurrences, not the expected ones"
    else
        pass "feed occurrences $name: $n occurrences, identical on arm64 and x86_64${expected:+, as expected}"
    fi
}
feed_check example-feed.json assets/example-feed.json 2026-11-23 2026-12-07
for ics in tests/samples/ical/*.ics; do
    feed_check "$(basename "$ics")" "$ics" 2026-09-01 2027-07-01 "${ics%.ics}.expected.jsonl"
done

# 3. Configuration.
for conf in deploy/kiosk.toml deploy/kiosk.example.toml; do
    if out=$(run_arm config check "$conf" 2>&1); then
        pass "config check $conf: $(echo "$out" | tail -1)"
    else
        fail "config check $conf: $(echo "$out" | tail -1)"
    fi
done
printf '[signage]\nslide_seconds = 0\n' >"$work/bad.toml"
if out=$(run_arm config check "$work/bad.toml" 2>&1); then
    fail "config check refuses slide_seconds = 0: accepted"
elif echo "$out" | grep -q "signage.slide_seconds"; then
    pass "config check refuses slide_seconds = 0: $(echo "$out" | grep -m1 slide_seconds | sed 's/^ *//')"
else
    fail "config check refuses slide_seconds = 0, but says: $out"
fi

# 4. The outbox (SQLite compiled for arm64): one request in, counted as pending.
state=$work/state-outbox
if out=$(run_arm --state-dir "$state" callback submit --name Anna --phone 0612345678 --when morning 2>&1) &&
    status=$(run_arm --state-dir "$state" outbox status --json 2>&1) &&
    echo "$status" | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["pending"] == 1 else 1)'; then
    pass "callback submit + outbox status under qemu: $(echo "$status" | tr -d '\n ')"
else
    fail "callback submit + outbox status under qemu: ${status:-$out}"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
