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

skip() {
  echo "skipped: $*"
  exit 0
}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing nodejs and npm with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null 2>&1; } ||
      skip "node/npm are missing and apt-get could not install them (no network?)"
  else
    skip "node/npm are missing and we are not root to install them"
  fi
fi
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; } ||
      skip "chromium is missing and apt-get could not install it (no network?)"
  else
    skip "chromium is missing and we are not root to install it (apt-get install chromium)"
  fi
fi
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
