#!/bin/sh
# The fuzz targets of tests/fuzz/ without libFuzzer: each is linked with
# tests/fuzz/driver.c and run over its seed corpus and its crash
# reproducers (tests/fuzz/regress/TARGET/). A broken invariant aborts; with
# ASan and UBSan (an asan build, or clang when it has them) memory errors
# and leaks fail too. Binaries are kept in $BUILD/fuzz-regress/.
# tests/fuzz/open/TARGET/ holds reproducers of bugs not fixed yet: each is
# run and reported ("still open" or "fixed: move it to regress/") without
# failing the test.
# Set FUZZ_REGRESS_SANITIZE=0 to use the plain build and compiler only.
# Flag lists are split on purpose and carry literal quotes for -D string
# macros; dash and bash both have test -nt.
# shellcheck disable=SC2086,SC2046,SC2089,SC2090,SC3013,SC2012,SC2016
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

build=${BUILD:-build}
case $build in
  /*) ;;
  *) build=$ROOT/$build ;;
esac
out=$build/fuzz-regress
mkdir -p "$out"
PKGS="libcmark yaml-0.1 lua5.4 libutf8proc jansson libxxhash sqlite3 libmicrohttpd"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cc=${CC:-cc}
san=""
lib=$build/libnutgraf.a

sanitizers_work() {
  printf 'int main(void) { return 0; }\n' >"$TMP/hello.c"
  clang $SAN -o "$TMP/hello" "$TMP/hello.c" >/dev/null 2>&1 && "$TMP/hello"
}

if nm "$lib" 2>/dev/null | grep -q __asan_init; then
  cc=clang # make asan: the library is sanitized already
  san=$SAN
elif [ "${FUZZ_REGRESS_SANITIZE:-1}" != 0 ] && sanitizers_work; then
  # A sanitized copy of the library, rebuilt incrementally by the Makefile.
  if ! make -s -C "$ROOT" BUILD="$out/lib" CC=clang CFLAGS="-O1 -g $SAN" \
    "$out/lib/libnutgraf.a" >"$out/lib.log" 2>&1; then
    fail "building the sanitized library (see $out/lib.log)"
    finish
  fi
  cc=clang
  san=$SAN
  lib=$out/lib/libnutgraf.a
fi
[ -f "$lib" ] || {
  fail "no $lib (run make)"
  finish
}

flags="-std=c11 -D_GNU_SOURCE -O1 -g $san -I$ROOT/plugin/include -I$ROOT/plugin/src
  $(pkg-config --cflags $PKGS) -DNG_FUZZ_LUA_DIR=\"$ROOT/lua\""
if grep -qs '^int ng_preview_map_path' "$ROOT/plugin/src/preview.c"; then
  serve=-DNG_HAVE_PREVIEW_MAP_PATH
else
  serve=""
  echo "fuzz_serve_path: no ng_preview_map_path in plugin/src yet: skipped"
fi

NUTGRAF_LUA_DIR=$ROOT/lua
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export NUTGRAF_LUA_DIR ASAN_OPTIONS UBSAN_OPTIONS
for src in "$ROOT"/tests/fuzz/fuzz_*.c; do
  t=$(basename "$src" .c)
  extra=""
  [ "$t" = fuzz_serve_path ] && extra=$serve
  # shellcheck disable=SC2086 # word splitting of flag lists is intended
  if ! $cc $flags $extra -o "$out/$t" "$src" "$ROOT/tests/fuzz/driver.c" "$lib" \
    $(pkg-config --libs $PKGS) -lpthread -lm >"$out/$t.build.log" 2>&1; then
    fail "$t: does not build (see $out/$t.build.log)"
    sed 's/^/    | /' "$out/$t.build.log" | head -n 20
    continue
  fi
  set --
  for d in "$ROOT/tests/fuzz/corpus/$t" "$ROOT/tests/fuzz/regress/$t"; do
    [ -d "$d" ] && set -- "$@" "$d"
  done
  [ $# -gt 0 ] || continue
  if "$out/$t" "$@" >"$out/$t.log" 2>&1; then
    tail -n 1 "$out/$t.log"
  else
    fail "$t: a corpus or regress input fails (see $out/$t.log)"
    tail -n 30 "$out/$t.log" | sed 's/^/    | /'
  fi
  for f in "$ROOT/tests/fuzz/open/$t"/*; do
    [ -f "$f" ] || continue
    if "$out/$t" "$f" >/dev/null 2>&1; then
      echo "$t: $(basename "$f"): fixed: move it to tests/fuzz/regress/$t/"
    else
      echo "$t: $(basename "$f"): still open"
    fi
  done
done
finish
