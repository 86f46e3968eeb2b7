#!/bin/sh
# Make sure the Debian 12 packages nutgraf builds and tests with are present.
# As root, installs what is missing with apt-get; otherwise prints the command.
# Usage: tools/deps.sh [build|check]
set -eu
mode=${1:-build}
pkgs="build-essential pkg-config libcmark-dev libyaml-dev liblua5.4-dev libutf8proc-dev libjansson-dev libxxhash-dev libsqlite3-dev libmicrohttpd-dev"
if [ "$mode" = check ]; then
  pkgs="$pkgs libcriterion-dev lua-check lua5.4 python3 python3-yaml python3-jsonschema clang libclang-rt-14-dev valgrind curl sqlite3"
fi
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "deps: installing$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >&2
else
  echo "deps: missing packages:$missing" >&2
  echo "deps: run as root:  apt-get install -y$missing" >&2
  exit 1
fi
