#!/bin/sh
# Pattern matching on long strings: same results as Lua's own functions,
# and a runaway match ends as the article's budget error, quickly.
set -eu
: "${NUTGRAF:=build/nutgraf}"
d=tests/e2e/fixtures/patterns
"$NUTGRAF" tag --no-default-rules --rules "$d/same-results.lua" "$d/article.md" >/dev/null
start=$(date +%s)
if "$NUTGRAF" tag --no-default-rules --rules "$d/runaway.lua" "$d/article.md" >/dev/null 2>"${TMPDIR:-/tmp}/ng-pat.err"; then
  echo "runaway pattern was not stopped"; exit 1
fi
grep -q "runaway.lua:8: rule ran past its instruction budget" "${TMPDIR:-/tmp}/ng-pat.err" ||
  { cat "${TMPDIR:-/tmp}/ng-pat.err"; exit 1; }
took=$(($(date +%s) - start))
[ "$took" -lt 30 ] || { echo "runaway pattern took ${took}s"; exit 1; }
rm -f "${TMPDIR:-/tmp}/ng-pat.err"
echo "test_patterns.sh: ok"
