#!/usr/bin/env bash
# Sets up what the tests use besides Rust and runs every test of the workspace (the
# kiosk, samen-wire and samen-hub): Debian's espeak-ng (speech mode's WAV test) and
# minisign (signatures made by the command-line tool), Xvfb (a kiosk with a window,
# tests/window.rs), aiosmtpd (PyPI, in a virtual
# environment: the SMTP server of the hub's e-mail test); then the hub's browser and
# end-to-end tests (hub/tests/browser/run.sh), which need Debian's chromium and
# chromium-driver, python3 and npm (for axe-core, installed into
# hub/tests/browser/node_modules) and the binaries `cargo test --workspace` builds.
# Plain `cargo test` works too; without espeak-ng, minisign or Xvfb those checks say so
# and skip. Here nothing skips: a tool that cannot be installed is an error.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null; then
    echo "cargo is missing: install Rust with rustup first (https://rustup.rs)" >&2
    exit 1
fi
missing=()
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
command -v minisign >/dev/null || missing+=(minisign)
command -v Xvfb >/dev/null || missing+=(xvfb)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
command -v python3 >/dev/null || missing+=(python3)
command -v npm >/dev/null || missing+=(npm)
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
# aiosmtpd, the real SMTP server the hub's overdue e-mail is sent to in its tests, and
# prometheus-client, whose parser reads /metrics in the end-to-end test, in a virtual
# environment of its own under target/ (pip, from PyPI; about 1.2 MB).
venv=target/test-python
if ! "$venv/bin/python" -c "import aiosmtpd, prometheus_client" 2>/dev/null; then
    echo "installing aiosmtpd and prometheus-client (pip, in $venv)" >&2
    python3 -m venv "$venv" 2>/dev/null || {
        if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
        $sudo apt-get install -y python3-venv >/dev/null && python3 -m venv "$venv"
    }
    "$venv/bin/pip" install --quiet --disable-pip-version-check aiosmtpd==1.4.6 \
        prometheus-client==0.21.1
fi
export SAMEN_HUB_TEST_PYTHON=$PWD/$venv/bin/python
# With the tools in place, the tests that use them must not skip.
export SAMEN_KIOSK_REQUIRE_TOOLS=1
cargo test --workspace --locked "$@"
# The hub's staff pages in headless chromium, checked with axe-core (WCAG 2.2 AA), and
# a real kiosk delivering to a real hub that a coordinator works through (about 25 s).
hub/tests/browser/run.sh
