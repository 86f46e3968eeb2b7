#!/bin/sh
# Related-stories benchmark: generate 10k and 100k synthetic corpora, time
# nutgraf's related stage (wall, CPU, peak RSS) and compare its precision@5
# on the corpus's story threads with a plain TF-IDF cosine baseline.
# Usage: bench/related.sh [BUILD_DIR] [SIZES...]   (default: build 10000 100000)
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
[ $# -gt 0 ] && shift
SIZES=${*:-10000 100000}
CC=${CC:-cc}
PKGS="libcmark yaml-0.1 lua5.4 libutf8proc jansson libxxhash sqlite3 libmicrohttpd"
make -s CC="$CC" BUILD="$BUILD" "$BUILD/libnutgraf.a"
mkdir -p "$BUILD/bench"
# shellcheck disable=SC2046
$CC -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Iplugin/include -Iplugin/src \
  -o "$BUILD/bench/related_bench" bench/related_bench.c "$BUILD/libnutgraf.a" \
  $(pkg-config --libs $PKGS) -lpthread -lm
for n in $SIZES; do
  out="$BUILD/bench/corpus-$n"
  if [ ! -f "$out/features.tsv" ]; then
    echo "== generating $n articles into $out"
    /usr/bin/time -f "   generate: %es" python3 bench/gen-corpus.py --articles "$n" --seed 1 --out "$out"
  fi
  echo "== $n articles"
  /usr/bin/time -f "   process: wall %es, peak RSS %MKB" "$BUILD/bench/related_bench" "$out" --threads 2
  /usr/bin/time -f "   process: wall %es, peak RSS %MKB" "$BUILD/bench/related_bench" "$out" --baseline --sample 1000
done
