#!/usr/bin/env bash
# The hub's browser and end-to-end tests: every staff page in headless chromium
# (through chromedriver, W3C WebDriver) checked with axe-core and screenshotted at
# 360 and 1280 px (target/hub-browser/), and a real kiosk delivering to a real hub
# that a coordinator works through in the browser, then retention. Python's standard
# library only; axe-core from npm (package-lock.json) into node_modules/ here.
#
# Needs: target/debug/samen-hub and target/debug/samen-kiosk (built here with cargo,
# a no-op after `cargo test --workspace`), /usr/bin/chromium and /usr/bin/chromedriver
# (apt: chromium chromium-driver), python3, npm. scripts/test.sh installs the tools and then runs this.
# Anything missing is an error, never a skip. Arguments go to unittest (e.g. test_e2e).
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v python3 >/dev/null || missing+=("python3 (apt install python3)")
[ -x "${SAMEN_CHROMIUM:-/usr/bin/chromium}" ] || missing+=("chromium (apt install chromium)")
[ -x "${SAMEN_CHROMEDRIVER:-/usr/bin/chromedriver}" ] || missing+=("chromedriver (apt install chromium-driver)")
axe_version=$(sed -n 's/.*"axe-core": "\([^"]*\)".*/\1/p' package.json)
if ! grep -qs "\"version\": \"$axe_version\"" node_modules/axe-core/package.json \
    || ! [ -f node_modules/axe-core/axe.min.js ]; then
    if command -v npm >/dev/null; then
        # Exactly the locked axe-core (one package, no dependencies, about 3 MB).
        npm ci --no-audit --no-fund --loglevel=error >/dev/null \
            || missing+=("axe-core (npm ci --prefix hub/tests/browser failed)")
    else
        missing+=("npm, for axe-core (apt install npm)")
    fi
fi
target="${CARGO_TARGET_DIR:-$(cd ../../.. && pwd)/target}"
# The binaries of the checked-out source, never ones left from an older build (cargo
# does nothing when they are up to date, as right after `cargo test --workspace`).
if command -v cargo >/dev/null; then
    (cd ../../.. && cargo build --locked --quiet -p samen-hub -p samen-kiosk --bins) \
        || missing+=("a build of samen-hub and samen-kiosk (cargo build failed)")
fi
for bin in samen-hub samen-kiosk; do
    [ -x "$target/debug/$bin" ] || missing+=("$target/debug/$bin (cargo test --workspace builds it)")
done
if [ ${#missing[@]} -gt 0 ]; then
    printf 'hub browser tests: missing %s\n' "${missing[@]}" >&2
    exit 1
fi

export PYTHONDONTWRITEBYTECODE=1
[ $# -gt 0 ] || set -- test_pages test_e2e test_figures_e2e
exec python3 -m unittest -v "$@"
