# shellcheck shell=sh
# Shared by the end-to-end tests; sourced, not run.
# Sets ROOT (the repository), E2E (this directory), NUTGRAF (absolute),
# TMP (a fresh directory, removed on exit), and defines check helpers.
# A test calls `fail MESSAGE` for every problem and ends with `finish`.
set -u

E2E=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$E2E/../.." && pwd)
NUTGRAF=${NUTGRAF:-$ROOT/build/nutgraf}
case $NUTGRAF in
  /*) ;;
  *) NUTGRAF=$(pwd)/$NUTGRAF ;;
esac
if [ ! -x "$NUTGRAF" ]; then
  echo "FAIL: $NUTGRAF is not an executable (set NUTGRAF, run make)" >&2
  exit 1
fi
# shellcheck disable=SC2034 # used by the tests that source this
CHECK="python3 $E2E/check.py"
export E2E
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nutgraf-e2e.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
# Colour codes would get in the way of matching stderr.
NO_COLOR=1
export NO_COLOR

failures=0
fail() {
  failures=$((failures + 1))
  printf 'FAIL: %s\n' "$*"
}

# expect_status WANT GOT WHAT
expect_status() {
  [ "$2" -eq "$1" ] || fail "$3: exit status $2, expected $1"
}

# show_once FILE: print FILE (an output under test) the first time only.
_shown=""
show_once() {
  case " $_shown " in *" $1 "*) return ;; esac
  _shown="$_shown $1"
  echo "    --- $(basename "$1"):"
  sed 's/^/    | /' "$1"
}

# expect_grep FILE FIXED-STRING WHAT: FILE has a line holding the string.
expect_grep() {
  grep -qF -- "$2" "$1" || {
    fail "$3: no line with '$2' in $(basename "$1")"
    show_once "$1"
  }
}

# expect_count FILE FIXED-STRING N WHAT: exactly N lines hold the string.
expect_count() {
  _count=$(grep -cF -- "$2" "$1")
  [ "$_count" -eq "$3" ] || {
    fail "$4: $_count lines with '$2', expected $3 in $(basename "$1")"
    show_once "$1"
  }
}

# snapshot DIR: one line per file with its name, inode, mtime (ns) and size.
snapshot() {
  find "$1" -type f -exec stat -c '%n|%i|%y|%s' {} + | sort
}

finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$(basename "$0"): $failures failed"
    exit 1
  fi
  echo "$(basename "$0"): ok"
}
