#!/bin/sh
# The preview in a real browser: Debian's chromium, headless, driven by
# playwright-core (pinned in tests/browser/package.json). Installs what is
# missing (chromium with apt-get as root, the npm package with npm ci);
# prints "skipped: ..." and exits 0 only when that is impossible (no
# network, not root), never silently. Screenshots go to $BUILD/preview*.png.
set -u
E2E=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$E2E/../.." && pwd)
NUTGRAF=${NUTGRAF:-$ROOT/build/nutgraf}
case $NUTGRAF in /*) ;; *) NUTGRAF=$(pwd)/$NUTGRAF ;; esac
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
[ -x "$NUTGRAF" ] || { echo "FAIL: $NUTGRAF is not an executable (run make)"; exit 1; }

. "$E2E/install.sh"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt_install_or_skip "node/npm" nodejs npm
fi
[ -x /usr/bin/chromium ] || apt_install_or_skip chromium chromium
cd "$ROOT/tests/browser" || exit 1
want=$(sed -n 's/.*"playwright-core": "\(.*\)".*/\1/p' package.json)
have=$(sed -n 's/.*"version": "\(.*\)".*/\1/p' node_modules/playwright-core/package.json 2>/dev/null | head -1)
if [ "$have" != "$want" ]; then
  echo "installing playwright-core $want with npm ci"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 ||
    npm install --no-audit --no-fund --loglevel=error >/dev/null 2>&1 ||
    skip "playwright-core could not be installed from npm (no network?)"
fi
mkdir -p "$BUILD"
ROOT=$ROOT NUTGRAF=$NUTGRAF SHOTS=$BUILD timeout 90 node preview.test.mjs
