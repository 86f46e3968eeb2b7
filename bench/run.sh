#!/bin/sh
# `make bench`: site builds at scale on the synthetic corpus (bench/gen-corpus.py),
# against the floor (reading + parsing every file with cmark), plus the related
# stage alone with precision@5 against a TF-IDF baseline, and Hugo's related
# content over nutgraf's tagged output when hugo is installed.
#   BENCH_SIZES="10000 100000" (default)   BUILD=build   BENCH_JOBS=cores
#   BENCH_HUGO=0 skips the Hugo comparison (it did not finish at 100k here).
# Corpora are generated once into $BUILD/bench/corpus-N and kept.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
SIZES=${BENCH_SIZES:-10000 100000}
JOBS=${BENCH_JOBS:-$(nproc)}
CC=${CC:-cc}
PKGS="libcmark yaml-0.1 lua5.4 libutf8proc jansson libxxhash sqlite3 libmicrohttpd"
root=$(pwd)
bench=$root/$BUILD/bench
nutgraf=$root/$BUILD/nutgraf
mkdir -p "$bench"

if [ ! -x /usr/bin/time ] || ! command -v hugo >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bench: installing time and hugo" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends time hugo >&2 || true
  fi
fi
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }

make -s CC="$CC" BUILD="$BUILD" "$BUILD/nutgraf" "$BUILD/libnutgraf.a"
# shellcheck disable=SC2046
$CC -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Iplugin/include -Iplugin/src \
  -o "$bench/related_bench" bench/related_bench.c "$BUILD/libnutgraf.a" \
  $(pkg-config --libs $PKGS) -lpthread -lm
# shellcheck disable=SC2046
$CC -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra $(pkg-config --cflags libcmark) \
  -o "$bench/cmark_floor" bench/cmark_floor.c $(pkg-config --libs libcmark) -lpthread

# timed LABEL CMD...: run once; sets T (wall seconds) and M (peak RSS, MB).
timed() {
  _label=$1
  shift
  /usr/bin/time -f '%e %M' -o "$bench/time.out" "$@" >"$bench/$_label.out" 2>"$bench/$_label.err" || {
    echo "bench: $_label failed:" >&2
    tail -n 5 "$bench/$_label.err" >&2
    exit 1
  }
  T=$(tail -n 1 "$bench/time.out" | cut -d' ' -f1)
  M=$(($(tail -n 1 "$bench/time.out" | cut -d' ' -f2) / 1024))
}

# mean LABEL CMD...: hyperfine's mean over a few runs when it is installed
# (peak RSS from one more run under /usr/bin/time), else one timed run.
mean() {
  _label=$1
  shift
  timed "$_label" "$@"
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N --warmup 1 --runs 5 --export-json "$bench/$_label.json" "$*" >/dev/null 2>&1 &&
      T=$(python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["mean"])' "$bench/$_label.json")
  fi
}

# aside DIR: move an old output tree out of the way, to be deleted when the
# bench ends. Deleting 100k files just before a cold build would bill the
# bench's own rm -rf to nutgraf: for a while after a mass delete ext4 skips
# the freed inodes one by one when allocating new ones (recently_deleted),
# which took a rule-free 100k build from 29 s to 78 s here.
trash=$bench/trash
rm -rf "$trash"
aside() {
  if [ -d "$1" ]; then
    mkdir -p "$trash"
    mv "$1" "$trash/$(date +%s%N)"
  fi
}

row() { # name seconds rss articles floor
  awk -v name="$1" -v t="$2" -v m="$3" -v n="$4" -v f="$5" 'BEGIN {
    rate = t > 0 ? n / t : 0; ratio = f > 0 ? t / f : 0
    printf "  %-28s %9.3f s %10.0f/s %8d MB %9.1fx\n", name, t, rate, m, ratio }'
}


for n in $SIZES; do
  corpus=$bench/corpus-$n
  if [ ! -f "$corpus/features.tsv" ]; then
    echo "== generating $n articles into $corpus" >&2
    python3 bench/gen-corpus.py --articles "$n" --seed 1 --out "$corpus" >&2
  fi
  echo
  echo "== $n articles, $JOBS threads ($(nproc) cores)"
  printf '  %-28s %11s %12s %11s %10s\n' "" "wall" "articles/s" "peak RSS" "vs cmark"
  mean "cmark-$n" "$bench/cmark_floor" "$corpus/content" --threads "$JOBS"
  floor=$T
  row "cmark read+parse (floor)" "$T" "$M" "$n" "$floor"

  # The same cold build with no rule scripts at all (a lua/ whose rules/ is
  # empty): what the rest of the pipeline costs (front matter in and out,
  # tokens, key terms, related, output files, cache) next to the floor.
  rm -rf "$corpus/.nutgraf" "$bench/lua-norules"
  aside "$corpus/public-content"
  mkdir -p "$bench/lua-norules/rules"
  cp -R lua/runtime lua/data "$bench/lua-norules/"
  timed "norules-$n" env NUTGRAF_LUA_DIR="$bench/lua-norules" "$nutgraf" build "$corpus" --force --quiet --jobs "$JOBS"
  row "nutgraf cold, no rules" "$T" "$M" "$n" "$floor"

  rm -rf "$corpus/.nutgraf"
  aside "$corpus/public-content"
  timed "cold-$n" "$nutgraf" build "$corpus" --force --quiet --jobs "$JOBS"
  row "nutgraf cold (--force)" "$T" "$M" "$n" "$floor"
  cold=$T

  mean "warm-$n" "$nutgraf" build "$corpus" --quiet --jobs "$JOBS"
  row "nutgraf warm, no change" "$T" "$M" "$n" "$floor"

  one=$(find "$corpus/content" -name '*.md' | sort | head -n 1)
  cp "$one" "$bench/one.saved"
  printf '\nA late update to this story.\n' >>"$one"
  timed "one-$n" "$nutgraf" build "$corpus" --json --jobs "$JOBS"
  row "nutgraf warm, 1 changed" "$T" "$M" "$n" "$floor"
  echo "    ($(cat "$bench/one-$n.out"))"
  cp "$bench/one.saved" "$one"
  "$nutgraf" build "$corpus" --quiet --jobs "$JOBS" # back in step with the corpus

  echo "  related stage alone (known tags from features.tsv):"
  "$bench/related_bench" "$corpus" --threads "$JOBS" | sed 's/^/    /'
  "$bench/related_bench" "$corpus" --baseline --sample 1000 | sed 's/^/    /'
  echo "  precision@5 of the built site's related links (nutgraf's own tags): $(python3 bench/p5.py nutgraf "$corpus")"

  if [ "${BENCH_HUGO:-1}" != 0 ] && command -v hugo >/dev/null 2>&1; then
    hsite=$bench/hugo-$n
    rm -rf "$hsite"
    mkdir -p "$hsite/layouts/_default"
    cat >"$hsite/hugo.toml" <<TOML
baseURL = "http://example.org/"
contentDir = "$corpus/public-content"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[taxonomies]
[related]
  includeNewer = true
  threshold = 0
  toLower = true
  [[related.indices]]
    name = "people"
    weight = 100
  [[related.indices]]
    name = "organizations"
    weight = 100
  [[related.indices]]
    name = "places"
    weight = 60
  [[related.indices]]
    name = "topics"
    weight = 50
TOML
    printf '%s\n' '{{ range first 5 (.Site.RegularPages.Related .) }}{{ .File.Path }}' '{{ end }}' \
      >"$hsite/layouts/_default/single.html"
    printf '%s\n' '{{ .Title }}' >"$hsite/layouts/_default/list.html"
    timed "hugo-$n" hugo --quiet --source "$hsite" --destination "$hsite/public"
    echo "  Hugo over nutgraf's tagged output (related on people/organizations/places/topics):"
    row "hugo --quiet (whole site)" "$T" "$M" "$n" "$floor"
    awk -v h="$T" -v c="$cold" 'BEGIN { printf "    hugo / nutgraf cold = %.2f\n", h / c }'
    hp5=$(python3 bench/p5.py hugo "$corpus" "$hsite/public")
    echo "    Hugo related precision@5: $hp5"
  else
    echo "  (no Hugo comparison: hugo not installed or BENCH_HUGO=0)"
  fi
done

rm -rf "$trash"
