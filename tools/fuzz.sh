#!/bin/sh
# Build the libFuzzer targets of tests/fuzz/ and run each for a while.
# Usage: tools/fuzz.sh [SECONDS] [TARGET...]    (default 60 s, every target)
#        tools/fuzz.sh --build [TARGET...]     (build only)
# Targets run one after another (one core each). New inputs go to
# build/fuzz/corpus/TARGET (the seeds in tests/fuzz/corpus/TARGET are read,
# never written), crashes to build/fuzz/artifacts/TARGET/, logs to
# build/fuzz/TARGET.log. Minimize a crash with
#   build/fuzz/TARGET -minimize_crash=1 -max_total_time=60 CRASH
# and keep the result in tests/fuzz/regress/TARGET/.
# Environment: CLANG (default clang), FUZZ_FLAGS (extra libFuzzer flags).
# Flag lists are split on purpose and carry literal quotes for -D string
# macros; dash and bash both have test -nt.
# shellcheck disable=SC2086,SC2046,SC2089,SC2090,SC3013,SC2012,SC2016
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=build/fuzz
CLANG=${CLANG:-clang}
PKGS="libcmark yaml-0.1 lua5.4 libutf8proc jansson libxxhash sqlite3 libmicrohttpd"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
CFLAGS="-std=c11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer $SAN -Iplugin/include -Iplugin/src
  $(pkg-config --cflags $PKGS) -DNG_DATADIR=\"$ROOT\" -DNG_FUZZ_LUA_DIR=\"$ROOT/lua\""
LIBS="$(pkg-config --libs $PKGS) -lpthread -lm"

build_only=0
seconds=60
case ${1:-} in
  --build) build_only=1; shift ;;
  [0-9]*) seconds=$1; shift ;;
esac
targets=$*
[ -n "$targets" ] || targets=$(ls tests/fuzz/fuzz_*.c | sed 's|.*/||; s|\.c$||')

# The library, instrumented for coverage and sanitized; a file is rebuilt
# when it or any header is newer than its object.
mkdir -p "$OUT/obj"
newest_h=$(ls -t plugin/include/*.h plugin/src/*.h | head -n 1)
for c in plugin/src/*.c; do
  o=$OUT/obj/$(basename "$c" .c).o
  if [ ! -f "$o" ] || [ "$c" -nt "$o" ] || [ "$newest_h" -nt "$o" ]; then
    printf '%s %s\n' "$c" "$o"
  fi
done | CLANG=$CLANG CFLAGS=$CFLAGS xargs -r -n 2 -P "$(nproc)" sh -c \
  'echo "  CC $0" && $CLANG $CFLAGS -fsanitize=fuzzer-no-link -c "$0" -o "$1" || exit 255'

# The preview server's URL mapping, once preview.c has it (fuzz_serve_path.c).
serve_flags=""
if grep -qs '^int ng_preview_map_path' plugin/src/preview.c; then
  serve_flags=-DNG_HAVE_PREVIEW_MAP_PATH
fi

for t in $targets; do
  extra=""
  [ "$t" = fuzz_serve_path ] && extra=$serve_flags
  # shellcheck disable=SC2086 # word splitting of flag lists is intended
  if ! $CLANG $CFLAGS $extra -fsanitize=fuzzer -o "$OUT/$t" "tests/fuzz/$t.c" \
      "$OUT"/obj/*.o $LIBS; then
    [ -n "$extra" ] || exit 1
    echo "fuzz.sh: $t does not build against preview.c: fuzzing it as skipped" >&2
    # shellcheck disable=SC2086
    $CLANG $CFLAGS -fsanitize=fuzzer -o "$OUT/$t" "tests/fuzz/$t.c" "$OUT"/obj/*.o $LIBS
  fi
done
[ "$build_only" -eq 0 ] || exit 0

export NUTGRAF_LUA_DIR="$ROOT/lua"
# Leaks would be reported at exit only, which libFuzzer attributes to no input.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
status=0
summary=""
for t in $targets; do
  mkdir -p "$OUT/corpus/$t" "$OUT/artifacts/$t"
  seeds=tests/fuzz/corpus/$t
  [ -d "$seeds" ] || seeds=""
  regress=tests/fuzz/regress/$t
  [ -d "$regress" ] || regress=""
  echo "== $t: ${seconds}s"
  # shellcheck disable=SC2086
  if "$OUT/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$OUT/artifacts/$t/" ${FUZZ_FLAGS:-} \
      "$OUT/corpus/$t" $seeds $regress >"$OUT/$t.log" 2>&1; then
    result=ok
  else
    result="CRASH (see $OUT/$t.log, $OUT/artifacts/$t/)"
    status=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/$t.log" | tail -n 1)
  # -fork=N prints no final stats: take the last status line's count.
  [ -n "$runs" ] || runs=$(sed -n 's/^#\([0-9]*\):* .*cov:.*/\1/p' "$OUT/$t.log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$OUT/$t.log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$OUT/$t.log" | tail -n 1 | sed 's/cov: //')
  line=$(printf '%-18s %10s runs %7s/s  cov %6s  %s' "$t" "${runs:-?}" "${rate:-?}" \
    "${cov:-?}" "$result")
  echo "$line"
  summary="$summary$line
"
done
echo
printf '%s' "$summary"
exit $status
