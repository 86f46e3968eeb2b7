#!/bin/sh
# tools/same-output.sh BASE NEW [CORPUS]: proof that a change did not move one
# output byte. Compares the two nutgraf binaries on
#   1. `tag --format json` (and yaml) over tests/corpus/*.md and sample-site's articles,
#   2. `build --force` of a copy of sample-site and of CORPUS (a synthetic site
#      from bench/gen-corpus.py; default /tmp/p-corpus), diffing the output trees.
# Exits 1 on any difference. Used for the speed work of issue #6.
# Each binary reads the lua/ of the tree it was built in, so build BASE in its
# own checkout: git archive main | tar -x -C /tmp/base && make -C /tmp/base
set -eu
cd "$(dirname "$0")/.."
base=$(realpath "$1")
new=$(realpath "$2")
corpus=${3:-/tmp/p-corpus}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

articles=$(find tests/corpus sample-site/content sample-site/tests -name '*.md' | sort)
for fmt in json yaml jsonld; do
  # shellcheck disable=SC2086
  "$base" tag --format "$fmt" $articles >"$tmp/base.$fmt" 2>&1 || true
  # shellcheck disable=SC2086
  "$new" tag --format "$fmt" $articles >"$tmp/new.$fmt" 2>&1 || true
  if cmp -s "$tmp/base.$fmt" "$tmp/new.$fmt"; then
    echo "same: tag --format $fmt ($(echo "$articles" | wc -l) articles)"
  else
    echo "DIFFERENT: tag --format $fmt"; diff "$tmp/base.$fmt" "$tmp/new.$fmt" | head -20; fail=1
  fi
done
# shellcheck disable=SC2086
"$base" tag --format json --site sample-site $articles >"$tmp/base.site" 2>&1 || true
# shellcheck disable=SC2086
"$new" tag --format json --site sample-site $articles >"$tmp/new.site" 2>&1 || true
if cmp -s "$tmp/base.site" "$tmp/new.site"; then echo "same: tag --site sample-site"; else
  echo "DIFFERENT: tag --site sample-site"; diff "$tmp/base.site" "$tmp/new.site" | head -20; fail=1
fi

for site in sample-site "$corpus"; do
  [ -d "$site" ] || { echo "skip: no $site (python3 bench/gen-corpus.py --articles 2000 --seed 1 --out $site)"; continue; }
  for who in base new; do
    mkdir -p "$tmp/$who"
    rm -rf "$tmp/$who/site"
    cp -r "$site" "$tmp/$who/site"
    rm -rf "$tmp/$who/site/.nutgraf" "$tmp/$who/site/public-content"
    eval bin=\$$who
    "$bin" build "$tmp/$who/site" --force --quiet --jobs 2 >"$tmp/$who/log" 2>&1 || echo "($who build exited $?)" >>"$tmp/$who/log"
  done
  if diff -r "$tmp/base/site/public-content" "$tmp/new/site/public-content" >"$tmp/diff" &&
    cmp -s "$tmp/base/log" "$tmp/new/log"; then
    echo "same: build --force of $site ($(find "$tmp/new/site/public-content" -type f | wc -l) files)"
  else
    echo "DIFFERENT: build of $site"; head -20 "$tmp/diff"; diff "$tmp/base/log" "$tmp/new/log" | head; fail=1
  fi
done
exit $fail
