#!/usr/bin/env bash
# Sets up what the tests use besides Rust and runs every test of the workspace (the
# kiosk, samen-wire and samen-hub; the hub needs nothing besides Rust): Debian's espeak-ng
# (speech mode's WAV test) and minisign (signatures made by the command-line tool).
# Plain `cargo test` works too; without these tools those two checks say so and skip.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null; then
    echo "cargo is missing: install Rust with rustup first (https://rustup.rs)" >&2
    exit 1
fi
missing=()
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
command -v minisign >/dev/null || missing+=(minisign)
if [ ${#missing[@]} -gt 0 ]; then
    if command -v apt-get >/dev/null; then
        if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
        echo "installing ${missing[*]} (apt)" >&2
        $sudo apt-get install -y "${missing[@]}" >/dev/null 2>&1 \
            || { $sudo apt-get update >/dev/null 2>&1 && $sudo apt-get install -y "${missing[@]}" >/dev/null; }
    else
        echo "please install: ${missing[*]}" >&2
        exit 1
    fi
fi
# With the tools in place, the tests that use them must not skip.
export SAMEN_KIOSK_REQUIRE_TOOLS=1
exec cargo test --workspace --locked "$@"
