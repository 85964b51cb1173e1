#!/usr/bin/env bash
# Builds the samen-hub .deb packages (amd64, and arm64 cross-compiled) and checks each:
# its contents (binary, hardened unit, system user, configuration, examples), its
# dependencies, and the packed binary itself: `--version`, and a real server on
# 127.0.0.1 with demo data (`samen-hub demo`) answering its login page (the arm64
# one under qemu-aarch64).
#
#   deploy/hub/build-deb.sh              both architectures
#   deploy/hub/build-deb.sh amd64        only amd64 (or: arm64)
#
# Output: $CARGO_TARGET_DIR (default target/)/debian/samen-hub_<version>-1_<arch>.deb.
# Prints one PASS or FAIL line per check; exit 1 on any FAIL.
#
# Needs cargo-deb (`cargo install cargo-deb --locked`, installed here when missing), and
# for arm64 the Rust target aarch64-unknown-linux-gnu (rustup), Debian's
# gcc-aarch64-linux-gnu and libc6-dev-arm64-cross (SQLite is compiled from source) and
# qemu-user (the smoke test); run as root it installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

arches=("$@")
[ ${#arches[@]} -eq 0 ] && arches=(amd64 arm64)
for a in "${arches[@]}"; do
    case "$a" in
        amd64 | arm64) ;;
        -h | --help)
            sed -n '2,16p' "$0"
            exit 0
            ;;
        *)
            echo "build-deb: unknown architecture '$a' (amd64 or arm64)" >&2
            exit 1
            ;;
    esac
done

say() { echo "build-deb: $*" >&2; }
passed=0
failed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

if ! cargo deb --version >/dev/null 2>&1; then
    say "installing cargo-deb (a few minutes)"
    nice -n 19 cargo install cargo-deb --locked
fi
target_dir=${CARGO_TARGET_DIR:-target}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' hub/Cargo.toml | head -1)

needs_arm64() {
    local missing=()
    for p in gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" != 0 ]; then
            say "missing Debian packages: ${missing[*]} (run as root, or apt-get install them)"
            exit 1
        fi
        say "installing ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null \
            || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; }
    fi
    rustup target list --installed | grep -qx aarch64-unknown-linux-gnu \
        || rustup target add aarch64-unknown-linux-gnu
    export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
    export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
    export AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar
}

# Starts the packed binary (with the runner in front) on demo data, asks for /login.
smoke_serve() {
    local arch=$1 bin=$2
    shift 2
    local data log
    data=$(mktemp -d)
    log=$data/serve.log
    "$@" "$bin" demo --listen 127.0.0.1:0 --data "$data" >"$log" 2>&1 &
    local pid=$! addr="" i
    # The hub prints "listening on http://ADDR" once its socket is bound.
    for i in $(seq 1 600); do
        addr=$(sed -n 's/.*listening on http:\/\/\([0-9.:]*\).*/\1/p' "$log" | head -1)
        [ -n "$addr" ] && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$addr" ]; then
        fail "$arch: demo did not say where it listens: $(tail -1 "$log")"
    else
        local code
        code=$(curl -s -o /dev/null -w '%{http_code}' "http://$addr/login" || true)
        if [ "$code" = 200 ]; then
            pass "$arch: demo server answers /login with 200"
        else
            fail "$arch: /login answered $code"
        fi
    fi
    kill $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
    rm -rf "$data"
}

for arch in "${arches[@]}"; do
    if [ "$arch" = arm64 ]; then
        needs_arm64
        say "building the arm64 .deb (cross-compiled release build, several minutes)"
        # The host's strip cannot read arm64 files; the release profile strips already.
        nice -n 19 cargo deb --locked -p samen-hub --target aarch64-unknown-linux-gnu --no-strip >&2
        runner=(qemu-aarch64 -L /usr/aarch64-linux-gnu)
    else
        say "building the amd64 .deb (release build, a few minutes)"
        nice -n 19 cargo deb --locked -p samen-hub >&2
        runner=()
    fi
    deb=$target_dir/debian/samen-hub_${version}-1_${arch}.deb
    if [ ! -f "$deb" ]; then
        fail "$arch: $deb was not made"
        continue
    fi
    say "package: $deb ($(du -h "$deb" | cut -f1))"

    info=$(dpkg-deb --field "$deb" Package Architecture Depends)
    grep -qx "Architecture: $arch" <<<"$info" && pass "$arch: Architecture: $arch" \
        || fail "$arch: wrong architecture: $info"
    depends=$(dpkg-deb --field "$deb" Depends)
    if grep -q "libc6" <<<"$depends" && grep -q "systemd" <<<"$depends"; then
        pass "$arch: Depends: $depends"
    else
        fail "$arch: Depends lacks libc6 or systemd: $depends"
    fi
    contents=$(dpkg-deb --contents "$deb")
    for path in ./usr/bin/samen-hub \
        ./usr/lib/systemd/system/samen-hub.service \
        ./usr/lib/sysusers.d/samen-hub.conf \
        ./etc/samen-hub/hub.toml \
        ./etc/default/samen-hub \
        ./usr/share/doc/samen-hub/examples/nginx-hub.conf \
        ./usr/share/doc/samen-hub/examples/Caddyfile; do
        if grep -q " $path\$" <<<"$contents"; then
            pass "$arch: contains ${path#.}"
        else
            fail "$arch: ${path#.} is missing"
        fi
    done
    grep -q -- "-rw-r----- .* ./etc/samen-hub/hub.toml$" <<<"$contents" \
        && pass "$arch: hub.toml is not world-readable (0640)" \
        || fail "$arch: hub.toml mode: $(grep hub.toml <<<"$contents")"
    conffiles=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles 2>/dev/null || true)
    grep -qx /etc/samen-hub/hub.toml <<<"$conffiles" \
        && pass "$arch: hub.toml is a conffile (an update keeps local changes)" \
        || fail "$arch: hub.toml is not a conffile"
    postinst=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./postinst 2>/dev/null || true)
    grep -q "systemd-sysusers" <<<"$postinst" && grep -q "deb-systemd-helper" <<<"$postinst" \
        && pass "$arch: postinst creates the user and enables the unit" \
        || fail "$arch: postinst lacks systemd-sysusers or deb-systemd-helper"

    root=$(mktemp -d)
    dpkg-deb -x "$deb" "$root"
    bin=$root/usr/bin/samen-hub
    kind=$(file -b "$bin" 2>/dev/null || true)
    want=$([ "$arch" = arm64 ] && echo "ARM aarch64" || echo "x86-64")
    grep -q "$want" <<<"$kind" && pass "$arch: binary is $want" || fail "$arch: binary is $kind"
    if out=$("${runner[@]}" "$bin" --version 2>&1); then
        pass "$arch: $out"
    else
        fail "$arch: --version: $out"
    fi
    smoke_serve "$arch" "$bin" "${runner[@]}"
    rm -rf "$root"
done

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
