#!/bin/sh
# `make install` into a staging tree (DESTDIR), then a C host built against
# the INSTALLED library only: examples/host.c with
# `pkg-config --cflags --libs nutgraf` (PKG_CONFIG_PATH / PKG_CONFIG_SYSROOT_DIR
# on the staged tree), linked shared and static, run with NUTGRAF_LUA_DIR on
# the staged share/nutgraf/lua. Its JSON must be what the installed command
# prints for the same article.
. "$(dirname "$0")/lib.sh"

BUILD=${BUILD:-build}
stage=$TMP/stage
prefix=/usr/local
P=$stage$prefix
make -s -C "$ROOT" BUILD="$BUILD" DESTDIR="$stage" PREFIX="$prefix" install >"$TMP/install.log" 2>&1 ||
  { cat "$TMP/install.log"; fail "make install"; finish; }

for f in bin/nutgraf lib/libnutgraf.a lib/libnutgraf.so.0 include/nutgraf.h \
  lib/pkgconfig/nutgraf.pc share/nutgraf/lua/rules/10-gazetteers.lua \
  share/nutgraf/lua/data/places.tsv share/nutgraf/templates/preview/layout.mustache \
  share/nutgraf/templates/hugo/related.html share/nutgraf/templates/jekyll/nutgraf.rb \
  share/nutgraf/templates/eleventy/nutgraf.cjs; do
  [ -f "$P/$f" ] || fail "not installed: $prefix/$f"
done
[ "$(readlink "$P/lib/libnutgraf.so")" = libnutgraf.so.0 ] ||
  fail "lib/libnutgraf.so is not a link to libnutgraf.so.0"
soname=$(readelf -d "$P/lib/libnutgraf.so.0" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libnutgraf.so.0 ] || fail "SONAME is '$soname', expected libnutgraf.so.0"
find "$stage" -name node_modules | grep -q . && fail "node_modules installed"
expect_grep "$P/lib/pkgconfig/nutgraf.pc" "prefix=$prefix" "nutgraf.pc prefix"
expect_grep "$P/lib/pkgconfig/nutgraf.pc" \
  "Requires.private: libcmark yaml-0.1 lua5.4 libutf8proc jansson libxxhash sqlite3 libmicrohttpd" \
  "nutgraf.pc Requires.private"

PKG_CONFIG_PATH=$P/lib/pkgconfig
PKG_CONFIG_SYSROOT_DIR=$stage
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
pkg-config --exists nutgraf || fail "pkg-config does not find nutgraf"
[ "$(pkg-config --modversion nutgraf)" = "$(sed -n 's/^#define NG_VERSION_STRING "\(.*\)"/\1/p' "$ROOT/plugin/include/nutgraf.h")" ] ||
  fail "pkg-config --modversion nutgraf: $(pkg-config --modversion nutgraf)"
flags=$(pkg-config --cflags --libs nutgraf)
for want in "-I$P/include" "-L$P/lib" -lnutgraf; do
  case " $flags " in
    *" $want "*) ;;
    *) fail "pkg-config --cflags --libs nutgraf: no $want in: $flags" ;;
  esac
done
# A library built with sanitizers (make asan) needs them in the host too.
san=""
if nm -D "$P/lib/libnutgraf.so.0" 2>/dev/null | grep -q __asan_init; then
  san="-fsanitize=address,undefined"
fi
CC=${HOST_CC:-cc}
[ -n "$san" ] && CC=clang
# Build outside the repository so that nothing but the staged tree is seen.
cp "$ROOT/examples/host.c" "$TMP/host.c"
cd "$TMP" || exit 1
# shellcheck disable=SC2086
$CC -std=c11 -Wall -Wextra -Wpedantic -Werror $san -o host host.c $flags ||
  fail "host does not build with pkg-config --cflags --libs nutgraf"
# libnutgraf.a with the dependencies it names (Requires.private, Libs.private),
# themselves linked shared as usual.
deps=$(pkg-config --print-requires-private nutgraf | tr '\n' ' ')
# shellcheck disable=SC2086
static_libs="$P/lib/libnutgraf.a $(pkg-config --libs $deps) -lpthread -lm"
# shellcheck disable=SC2086
$CC -std=c11 -Wall -Wextra -Wpedantic -Werror $san -o host-static host.c \
  $(pkg-config --cflags nutgraf) $static_libs ||
  fail "host does not link with libnutgraf.a and the Requires.private of nutgraf.pc"

art=$ROOT/sample-site/content/business/us-china-tariff-pause.md
cp "$art" "$TMP/article.md"
LD_LIBRARY_PATH=$P/lib NUTGRAF_LUA_DIR=$P/share/nutgraf/lua ./host article.md >host.out 2>host.err ||
  { cat host.err; fail "host failed"; }
LD_LIBRARY_PATH=$P/lib ldd ./host | grep -q "libnutgraf.so.0 => $P/lib/libnutgraf.so.0" ||
  fail "host is not linked to the staged libnutgraf.so.0: $(LD_LIBRARY_PATH=$P/lib ldd ./host | grep nutgraf)"
ldd ./host-static | grep -q libnutgraf && fail "host-static still needs libnutgraf.so"
NUTGRAF_LUA_DIR=$P/share/nutgraf/lua ./host-static article.md >host-static.out 2>&1 ||
  fail "host-static failed"
cmp -s host.out host-static.out || fail "shared and static hosts disagree"

expect_grep host.out "article	article.md	US and China agree to pause new tariffs for 90 days" "host title"
expect_grep host.out "entity	person	Scott Bessent	" "host entity"
expect_grep host.out "entity	place	Geneva	" "host place"
expect_grep host.out "topic	medtop:20000384	tariff	" "host topic"
expect_grep host.out '"@type":"NewsArticle"' "host JSON-LD"
expect_grep host.out "nutgraf 0." "host version"
# The host and the installed command (rules found next to it) agree.
sed -n 's/^json	//p' host.out >host.json
(unset NUTGRAF_LUA_DIR; "$P/bin/nutgraf" tag --format json article.md) >cmd.json ||
  fail "installed nutgraf tag failed"
cmp -s host.json cmd.json || {
  fail "host JSON differs from the installed nutgraf tag"
  diff host.json cmd.json | head -5
}
(unset NUTGRAF_LUA_DIR; "$P/bin/nutgraf" tag --format jsonld article.md) >cmd.jsonld
sed -n 's/^jsonld	//p' host.out | cmp -s - cmd.jsonld || fail "host JSON-LD differs from the command's"
finish
