#!/usr/bin/env bash
# Cross-compiles samen-kiosk for a Raspberry Pi 4/5 (64-bit: aarch64-unknown-linux-gnu)
# on a Debian 12 (bookworm) x86_64 machine, with the LinuxKMS backend (feature kms),
# and packs the arm64 .deb.
#
#   deploy/cross-build.sh            binary + .deb
#   deploy/cross-build.sh --no-deb   binary only
#
# Output: $CARGO_TARGET_DIR (default target/)/aarch64-unknown-linux-gnu/release/samen-kiosk
# and $CARGO_TARGET_DIR/debian/samen-kiosk_<version>-1_arm64.deb. Then run deploy/smoke-arm64.sh.
#
# What it needs, and installs when run as root (otherwise it prints the commands):
# - Debian: gcc-aarch64-linux-gnu, libc6-dev-arm64-cross (C cross compiler and libc,
#   also for SQLite, which rusqlite compiles from source), qemu-user (the smoke test),
#   pkg-config, and the arm64 architecture with the -dev packages of the C libraries
#   the KMS backend links: libudev-dev:arm64 libinput-dev:arm64 libxkbcommon-dev:arm64
#   libgbm-dev:arm64 (multiarch, installed beside the amd64 ones), and libfontconfig1:arm64
#   for the smoke test under qemu.
# - Rust: the aarch64-unknown-linux-gnu target (rustup) and cargo-deb.
# Nice'd: the build takes several minutes on 2 cores and should not starve the desktop.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=aarch64-unknown-linux-gnu
DEB_ARCH=arm64
GNU_TRIPLE=aarch64-linux-gnu
make_deb=1
for arg in "$@"; do
    case "$arg" in
        --no-deb) make_deb=0 ;;
        -h | --help)
            sed -n '2,19p' "$0"
            exit 0
            ;;
        *)
            echo "cross-build: unknown argument '$arg' (--no-deb)" >&2
            exit 1
            ;;
    esac
done

say() { echo "cross-build: $*" >&2; }

# 1. Debian packages.
# libfontconfig1:arm64 is for the smoke test only: the kiosk loads fontconfig at run
# time to find fallback glyphs (e.g. the erase key's symbol) in the system fonts.
packages=(gcc-$GNU_TRIPLE libc6-dev-$DEB_ARCH-cross qemu-user pkg-config
    libudev-dev:$DEB_ARCH libinput-dev:$DEB_ARCH libxkbcommon-dev:$DEB_ARCH libgbm-dev:$DEB_ARCH
    libfontconfig1:$DEB_ARCH)
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=()
for p in "${packages[@]}"; do
    installed "$p" || missing+=("$p")
done
has_arch=0
dpkg --print-foreign-architectures | grep -qx "$DEB_ARCH" && has_arch=1
if [ ${#missing[@]} -gt 0 ] || [ $has_arch = 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        say "missing Debian packages: ${missing[*]}"
        say "run as root:"
        [ $has_arch = 0 ] && echo "  dpkg --add-architecture $DEB_ARCH" >&2
        echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    if [ $has_arch = 0 ]; then
        say "adding the $DEB_ARCH architecture (multiarch)"
        dpkg --add-architecture "$DEB_ARCH"
    fi
    say "installing ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

# 2. Rust target and cargo-deb.
if ! command -v cargo >/dev/null; then
    say "cargo is missing: install Rust with rustup first"
    exit 1
fi
if ! rustup target list --installed | grep -qx "$TARGET"; then
    say "adding the Rust target $TARGET"
    rustup target add "$TARGET"
fi
if [ $make_deb = 1 ] && ! cargo deb --version >/dev/null 2>&1; then
    say "installing cargo-deb (a few minutes)"
    nice -n 19 cargo install cargo-deb --locked
fi

# 3. The cross toolchain, for Cargo (linker), the cc crate (SQLite) and pkg-config
#    (the arm64 .pc files of the multiarch -dev packages).
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=$GNU_TRIPLE-gcc
export CC_aarch64_unknown_linux_gnu=$GNU_TRIPLE-gcc
export CXX_aarch64_unknown_linux_gnu=$GNU_TRIPLE-g++
export AR_aarch64_unknown_linux_gnu=$GNU_TRIPLE-ar
export PKG_CONFIG_ALLOW_CROSS=1
export PKG_CONFIG_LIBDIR_aarch64_unknown_linux_gnu=/usr/lib/$GNU_TRIPLE/pkgconfig:/usr/share/pkgconfig
# `cargo run --target ...` runs the result under qemu, with the multiarch loader and
# libc (the cross toolchain's loader with the multiarch libc.so.6 hangs in
# pthread_create: two builds of glibc; see smoke-arm64.sh).
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /"

target_dir=${CARGO_TARGET_DIR:-target}
binary=$target_dir/$TARGET/release/samen-kiosk

# 4. Build (cargo-deb builds with the features in [package.metadata.deb]: kms).
if [ $make_deb = 1 ]; then
    say "building the release binary and the $DEB_ARCH .deb"
    # The release profile strips already; the host's strip cannot read arm64 files.
    nice -n 19 cargo deb --locked --target "$TARGET" --no-strip
else
    say "building the release binary"
    nice -n 19 cargo build --locked --release --target "$TARGET" --features kms
fi

file "$binary" 2>/dev/null || true
say "binary: $binary ($(du -h "$binary" | cut -f1))"
if [ $make_deb = 1 ]; then
    # cargo-deb writes it to $target_dir/debian/ (and links it under $TARGET/debian/).
    for deb in "$target_dir"/debian/*_"$DEB_ARCH".deb; do
        [ -f "$deb" ] && say "package: $deb ($(du -h "$deb" | cut -f1))"
    done
fi
say "next: deploy/smoke-arm64.sh"
