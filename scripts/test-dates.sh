#!/usr/bin/env bash
# Runs the test suite at other dates, times of day and time zones (issue 13): no test
# may depend on when or where it runs unless it sets the clock itself. The tests are
# built once, then each test binary runs under libfaketime (Debian's `faketime`) at:
#   - every day of one week, at 00:30 and at 23:30 (Europe/Amsterdam),
#   - the last Sunday of March and of October (summer time starts and ends), around
#     the change and late in the day,
#   - 31 December 23:30 and 1 January 00:30,
#   - a Monday at 00:30 and 23:30 with TZ=America/New_York and TZ=Asia/Tokyo (the
#     local date then differs from Amsterdam's for part of the day),
# and once more at 23:30 UTC with TZ=UTC (Amsterdam is already tomorrow).
# The fake clock starts at that moment and runs on; monotonic time is not faked, so
# timeouts measured with Instant still work.
#
# Usage: scripts/test-dates.sh [--quick] [TEST-BINARY-NAME ...]
#   --quick         only Monday 23:30, the two DST Sundays and New York
#   names           only those test targets (lib = the kiosk's unit tests, cli, ui,
#                   delivery, feeds, ical, remote, chaos, samen_wire, samen_hub, hub);
#                   default: all but soak (its time is all simulated) at every
#                   moment, and chaos (two minutes of real processes, which all share
#                   the fake clock) at the four moments of --quick
# Run it before a release and after any change that reads the clock, the date or
# the time zone. It takes about 30 minutes on 2 cores (the build aside).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
targets=()
chaos_too=1
for arg in "$@"; do
    case "$arg" in
        --quick) quick=1 ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) targets+=("$arg") ;;
    esac
done
if [ ${#targets[@]} -gt 0 ]; then
    chaos_too=0
else
    targets=(lib cli ui delivery feeds ical remote samen_wire samen_hub hub)
fi

if ! command -v faketime >/dev/null; then
    if command -v apt-get >/dev/null; then
        if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
        echo "installing faketime (apt)" >&2
        $sudo apt-get install -y faketime >/dev/null 2>&1 \
            || { $sudo apt-get update >/dev/null 2>&1 && $sudo apt-get install -y faketime >/dev/null; }
    else
        echo "please install faketime (libfaketime)" >&2
        exit 1
    fi
fi

# Build once; collect the test executables by target name.
declare -A exe dir
while IFS=$'\t' read -r name path pkg; do
    exe[$name]=$path
    dir[$name]=$pkg
done < <(cargo test --workspace --locked --no-run --message-format=json 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["profile"]["test"]:
        t = m["target"]
        name = t["name"]
        if name == "samen_kiosk" and "lib" in t["kind"]:
            name = "lib"
        if t["src_path"].endswith("/src/main.rs"):
            continue
        print(name + "\t" + m["executable"] + "\t" + m["manifest_path"].rsplit("/", 1)[0])
')
for t in "${targets[@]}"; do
    [ -n "${exe[$t]:-}" ] || { echo "no test target '$t' (have: ${!exe[*]})" >&2; exit 1; }
done
quick_moments=("Europe/Amsterdam|2026-12-07 23:30:00" "Europe/Amsterdam|2027-03-28 01:30:00"
    "Europe/Amsterdam|2026-10-25 02:30:00" "America/New_York|2026-12-07 23:30:00")

# "TZ|local start time" for each run.
scenarios=()
if [ $quick = 1 ]; then
    scenarios+=("${quick_moments[@]}")
else
    for day in 07 08 09 10 11 12 13; do # Monday 7 to Sunday 13 December 2026
        scenarios+=("Europe/Amsterdam|2026-12-$day 00:30:00" "Europe/Amsterdam|2026-12-$day 23:30:00")
    done
    scenarios+=("Europe/Amsterdam|2027-03-28 01:30:00" "Europe/Amsterdam|2027-03-28 23:30:00")
    scenarios+=("Europe/Amsterdam|2026-10-25 02:30:00" "Europe/Amsterdam|2026-10-25 23:30:00")
    scenarios+=("Europe/Amsterdam|2026-12-31 23:30:00" "Europe/Amsterdam|2027-01-01 00:30:00")
    scenarios+=("America/New_York|2026-12-07 00:30:00" "America/New_York|2026-12-07 23:30:00")
    scenarios+=("Asia/Tokyo|2026-12-07 00:30:00" "Asia/Tokyo|2026-12-07 23:30:00")
    scenarios+=("UTC|2026-12-07 23:30:00")
fi

failed=()
log=$(mktemp -d)
started=$SECONDS
for s in "${scenarios[@]}"; do
    tz=${s%%|*}
    at=${s#*|}
    run=("${targets[@]}")
    if [ $chaos_too = 1 ] && printf '%s\n' "${quick_moments[@]}" | grep -qxF "$s"; then
        run+=(chaos)
    fi
    for t in "${run[@]}"; do
        out="$log/$(echo "$tz $at $t" | tr ' /:' '___').log"
        # Tests run from their package's folder, as under cargo.
        if (cd "${dir[$t]}" && TZ=$tz FAKETIME_DONT_FAKE_MONOTONIC=1 \
            faketime -f "@$at" "${exe[$t]}" >"$out" 2>&1); then
            :
        else
            failed+=("$tz $at $t ($out)")
        fi
    done
    printf '%-18s %s  %s\n' "$tz" "$at" \
        "$([ ${#failed[@]} -eq 0 ] && echo ok || echo "failures so far: ${#failed[@]}")"
done
echo "${#scenarios[@]} moments x ${#targets[@]} test targets (and chaos at $([ $chaos_too = 1 ] && echo 4 || echo 0) of them) in $((SECONDS - started)) s"
if [ ${#failed[@]} -gt 0 ]; then
    printf 'FAILED: %s\n' "${failed[@]}"
    exit 1
fi
echo "all passed"
rm -rf "$log"
