#!/bin/sh
# Run every test: C unit tests (Criterion), luacheck, end-to-end tests.
# Prints one closing line "N passed, N failed".
# Usage: tools/run-tests.sh BUILD_DIR
set -u
build=${1:-build}
pass=0
fail=0
failed=""
run() {
  name=$1
  shift
  # A hung test fails after 10 minutes instead of stalling CI.
  if timeout 600 "$@" >"$build/test-$name.log" 2>&1; then
    pass=$((pass + 1))
    printf 'ok   %s\n' "$name"
  else
    fail=$((fail + 1))
    failed="$failed $name"
    printf 'FAIL %s (log: %s/test-%s.log)\n' "$name" "$build" "$name"
    tail -n 30 "$build/test-$name.log" | sed 's/^/     /'
  fi
}
for t in "$build"/tests/test_*; do
  [ -x "$t" ] || continue
  run "$(basename "$t")" "$t" --jobs 1
done
run luacheck luacheck --quiet --config .luacheckrc lua sample-site/rules tests/e2e/rules tests/e2e/fixtures/patterns
for t in tests/e2e/test_*.sh; do
  [ -f "$t" ] || continue
  run "e2e-$(basename "$t" .sh)" env NUTGRAF="$build/nutgraf" BUILD="$build" sh "$t"
done
echo
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
