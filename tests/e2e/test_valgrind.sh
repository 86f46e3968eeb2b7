#!/bin/sh
# `nutgraf tag` and `nutgraf build` on the sample site under valgrind: no
# invalid access, no use of uninitialised memory, no leak.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

if ! command -v valgrind >/dev/null; then
  echo "skipped: valgrind is not installed"
  exit 0
fi
# A sanitizer build cannot run under valgrind.
if nm "$NUTGRAF" 2>/dev/null | grep -q __asan_init; then
  echo "skipped: $NUTGRAF is built with AddressSanitizer"
  exit 0
fi

VG="valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --quiet"
cp -R "$ROOT/sample-site" "$TMP/site"
rm -rf "$TMP/site/public-content" "$TMP/site/.nutgraf"

# One worker: valgrind serialises threads anyway, and reports stay readable.
$VG "$NUTGRAF" tag --site "$TMP/site" "$TMP"/site/content/*/*.md >"$TMP/tag.out" 2>"$TMP/tag.err"
st=$?
[ $st -eq 99 ] && fail "valgrind found errors in nutgraf tag: $(grep '==' "$TMP/tag.err" | head -n 20)"
[ $st -le 1 ] || fail "nutgraf tag under valgrind: exit status $st"

$VG "$NUTGRAF" build "$TMP/site" --jobs 2 >"$TMP/build.out" 2>"$TMP/build.err"
st=$?
[ $st -eq 99 ] && fail "valgrind found errors in nutgraf build: $(grep '==' "$TMP/build.err" | head -n 20)"
[ $st -le 1 ] || fail "nutgraf build under valgrind: exit status $st"
finish
