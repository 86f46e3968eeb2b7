#!/bin/sh
# The sample site's own rule tests pass, and a failing expectation fails
# `nutgraf test` with a diff line naming what is missing.
set -eu
: "${NUTGRAF:=build/nutgraf}"
"$NUTGRAF" test sample-site
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ng-sitetest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp -R sample-site/rules sample-site/nutgraf.yaml "$tmp"/
mkdir -p "$tmp/content" "$tmp/tests"
cp sample-site/tests/council-vote.md "$tmp/tests/"
printf 'entities:\n  person: [Nobody Atall]\nabsent: [Luis Ortega]\n' >"$tmp/tests/council-vote.expect.yaml"
if "$NUTGRAF" test "$tmp" >"$tmp/out" 2>&1; then
  echo "nutgraf test passed a failing expectation"; cat "$tmp/out"; exit 1
fi
grep -q "person Nobody Atall: expected, not tagged" "$tmp/out"
grep -q "Luis Ortega: tagged, expected absent" "$tmp/out"
grep -q "0 passed, 1 failed" "$tmp/out"
echo ok
