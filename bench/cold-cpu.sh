#!/bin/sh
# bench/cold-cpu.sh [RUNS] NUTGRAF...: CPU milliseconds per article of a cold
# `build --force --jobs 1` over a synthetic corpus (default /tmp/p-corpus, set
# CORPUS=...; make it with bench/gen-corpus.py). Runs the binaries alternately
# RUNS times (default 5) and prints each one's median user+sys per article.
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
    k=$((k + 1))
  done
  i=$((i + 1))
done
k=0
for bin in "$@"; do
  printf '%-32s %s ms CPU/article (median of %d; runs:%s)\n' "$bin" \
    "$(sort -n "$tmp/cpu.$k" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')" "$runs" \
    "$(tr '\n' ' ' <"$tmp/cpu.$k" | sed 's/ $//; s/^/ /')"
  k=$((k + 1))
done
