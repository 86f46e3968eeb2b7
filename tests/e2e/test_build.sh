#!/bin/sh
# `nutgraf build` on a copy of sample-site (plus tests/e2e/fixtures/build-extra
# as content/extra): every article gets an output whose body is the source's
# byte for byte and whose front matter keeps every key the source had; a
# second build writes nothing; --in-place gives the same files in place.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

site=$TMP/site
cp -R "$ROOT/sample-site" "$site" || exit 1
rm -rf "$site/public-content"
cp -R "$E2E/fixtures/build-extra" "$site/content/extra" || exit 1
printf -- '---\ntitle: A draft\n---\n\nHidden files are not read.\n' >"$site/content/extra/.draft.md"
cp -R "$site/content" "$TMP/pristine"
out=$site/public-content
narticles=$(find "$site/content" -name '.*' -prune -o -type f -name '*.md' ! -name '_*' -print | wc -l)
nfiles=$(find "$site/content" -name '.*' -prune -o -type f -print | wc -l)

# First build: everything written.
"$NUTGRAF" build "$site" >"$TMP/out1" 2>"$TMP/err1"
expect_status 0 $? "first build"
expect_grep "$TMP/err1" "nutgraf: $narticles articles, $narticles tagged, $nfiles files written, 0 unchanged, 0 errors" "first build summary"
[ -s "$TMP/out1" ] && fail "build printed to stdout: $(head -n 3 "$TMP/out1")"
grep -q '^error' "$TMP/err1" && fail "first build reported errors: $(grep '^error' "$TMP/err1")"
$CHECK same-tree "$TMP/pristine" "$site/content" >"$TMP/diff" || fail "build touched the sources: $(cat "$TMP/diff")"
$CHECK tree "$site/content" "$out" || fail "output tree does not match the sources (above)"
[ -e "$out/extra/.draft.md" ] && fail "hidden file .draft.md was copied"
# Files that are not articles are copied as they are.
for f in extra/_index.md extra/data.json; do
  cmp -s "$site/content/$f" "$out/$f" || fail "$f not copied byte for byte"
done
# Managed keys already in a source are replaced, not repeated.
stale=$out/extra/stale-tags.md
grep -q 'Someone Stale' "$stale" && fail "stale people value survived in $stale"
grep -q '^topics: stale' "$stale" && fail "stale topics value survived in $stale"
[ "$(grep -c '^people:' "$stale")" -eq 1 ] || fail "$stale: people: appears more than once"
grep -q '^# Comments and key order are ours' "$stale" || fail "$stale: front matter comment lost"
# CRLF stays CRLF: every line of the output ends in \r\n.
if [ "$(tr -cd '\n' <"$out/extra/crlf.md" | wc -c)" -ne "$(tr -cd '\r' <"$out/extra/crlf.md" | wc -c)" ]; then
  fail "extra/crlf.md: output mixes line endings"
fi
find "$TMP" -name '.*.ng-*' | grep . && fail "temp files left behind (above)"

# Second build: nothing written, nothing touched.
snapshot "$out" >"$TMP/snap1"
cp -R "$out" "$TMP/out-first"
"$NUTGRAF" build "$site" >/dev/null 2>"$TMP/err2"
expect_status 0 $? "second build"
expect_grep "$TMP/err2" "0 files written, $nfiles unchanged, 0 errors" "second build summary"
snapshot "$out" >"$TMP/snap2"
cmp -s "$TMP/snap1" "$TMP/snap2" || {
  fail "second build touched files (name|inode|mtime|size):"
  diff "$TMP/snap1" "$TMP/snap2" | sed 's/^/    /'
}
$CHECK same-tree "$TMP/out-first" "$out" || fail "second build changed the output"

# A fresh build elsewhere gives the same bytes: the output is reproducible.
cp -R "$site" "$TMP/site2"
rm -rf "$TMP/site2/public-content"
"$NUTGRAF" build "$TMP/site2" --quiet >/dev/null 2>"$TMP/err3"
expect_status 0 $? "build of a second copy"
[ -s "$TMP/err3" ] && fail "--quiet build printed: $(cat "$TMP/err3")"
$CHECK same-tree "$out" "$TMP/site2/public-content" || fail "two builds of the same site differ"

# A changed source is rewritten (others may be too: related links change).
printf '\nThe Riverton City Council will vote again in June.\n' >>"$site/content/extra/bom.md"
"$NUTGRAF" build "$site" >/dev/null 2>"$TMP/err4"
expect_status 0 $? "build after an edit"
grep -q 'June' "$out/extra/bom.md" || fail "edited extra/bom.md was not rewritten"
$CHECK tree "$site/content" "$out" || fail "output after an edit does not match (above)"

# --in-place: the sources gain the managed keys, and the same bytes as the
# output tree; a second --in-place changes nothing.
ip=$TMP/inplace
cp -R "$TMP/site2" "$ip"
rm -rf "$ip/public-content"
"$NUTGRAF" build "$ip" --in-place >/dev/null 2>"$TMP/err5"
expect_status 0 $? "build --in-place"
expect_grep "$TMP/err5" "$narticles files written" "build --in-place summary"
[ -e "$ip/public-content" ] && fail "--in-place wrote an output tree"
$CHECK tree "$TMP/site2/content" "$ip/content" || fail "--in-place result does not match the sources (above)"
rm -f "$ip/content/extra/.draft.md"
$CHECK same-tree "$TMP/site2/public-content" "$ip/content" || fail "--in-place differs from an output build"
snapshot "$ip/content" >"$TMP/snap3"
"$NUTGRAF" build "$ip" --in-place >/dev/null 2>"$TMP/err6"
expect_status 0 $? "second build --in-place"
expect_grep "$TMP/err6" "0 files written" "second --in-place summary"
snapshot "$ip/content" >"$TMP/snap4"
cmp -s "$TMP/snap3" "$TMP/snap4" || {
  fail "second --in-place touched files:"
  diff "$TMP/snap3" "$TMP/snap4" | sed 's/^/    /'
}
# Tagging an already tagged source gives the same output as tagging the original.
"$NUTGRAF" build "$ip" >/dev/null 2>"$TMP/err7"
expect_status 0 $? "output build of in-place sources"
$CHECK same-tree "$TMP/site2/public-content" "$ip/public-content" || fail "re-tagging tagged sources changes the output"
find "$TMP" -name '.*.ng-*' | grep . && fail "temp files left behind (above)"

# Output into the content directory is refused without --in-place.
mkdir "$TMP/same"
cp -R "$ROOT/sample-site/content" "$TMP/same/content"
printf 'content: content\noutput: content\n' >"$TMP/same/nutgraf.yaml"
"$NUTGRAF" build "$TMP/same" >/dev/null 2>"$TMP/err8"
expect_status 1 $? "output = content"
expect_grep "$TMP/err8" "use --in-place" "output = content"
$CHECK same-tree "$ROOT/sample-site/content" "$TMP/same/content" || fail "refused build still wrote"

# An output tree inside the content tree is not read back as content.
printf 'content: content\noutput: content/public\n' >"$TMP/same/nutgraf.yaml"
for i in 1 2 3; do
  "$NUTGRAF" build "$TMP/same" --quiet 2>"$TMP/err9"
  expect_status 0 $? "build $i with output inside content"
done
[ -e "$TMP/same/content/public/public" ] && fail "output inside content was tagged as content"
$CHECK tree "$ROOT/sample-site/content" "$TMP/same/content/public" || fail "output inside content is wrong (above)"

finish
