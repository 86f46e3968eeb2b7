#!/bin/sh
# bench/cold-cpu.sh [RUNS] NUTGRAF...: CPU milliseconds per article of a cold
# `build --force --jobs 1` over a synthetic corpus (default /tmp/p-corpus, set
# CORPUS=...; make it with bench/gen-corpus.py). Runs the binaries alternately
# RUNS times and prints each one's median user+sys and user-only CPU per
# article (sys is mostly the file system creating the output files, and
# swings with the state of the disk).
set -eu
runs=$1
shift
corpus=${CORPUS:-/tmp/p-corpus}
n=$(find "$corpus/content" -name '*.md' | wc -l)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
i=0
while [ "$i" -lt "$runs" ]; do
  k=0
  for bin in "$@"; do
    rm -rf "$corpus/.nutgraf" "$corpus/public-content"
    /usr/bin/time -f '%U %S' -o "$tmp/t" "$bin" build "$corpus" --force --quiet --jobs 1
    awk -v n="$n" '{ printf "%.4f\n", ($1 + $2) * 1000 / n }' "$tmp/t" >>"$tmp/cpu.$k"
    awk -v n="$n" '{ printf "%.4f\n", $1 * 1000 / n }' "$tmp/t" >>"$tmp/usr.$k"
    k=$((k + 1))
  done
  i=$((i + 1))
done
median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
k=0
for bin in "$@"; do
  printf '%-32s %s ms CPU/article, %s ms user (medians of %d; user+sys runs:%s)\n' "$bin" \
    "$(median "$tmp/cpu.$k")" "$(median "$tmp/usr.$k")" "$runs" \
    "$(tr '\n' ' ' <"$tmp/cpu.$k" | sed 's/ $//; s/^/ /')"
  k=$((k + 1))
done
