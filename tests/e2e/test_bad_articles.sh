#!/bin/sh
# A site with one good article and one of every kind of bad one: the build
# exits 1, reports each bad article once at the right file:line:col, still
# writes the good one, copies the bad ones through unchanged, and leaves no
# temp files. `nutgraf tag` reports the same errors.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

site=$TMP/site
c=$site/content
mkdir -p "$c/news" "$site/rules"
cat >"$site/nutgraf.yaml" <<'EOF'
content: content
output: out
rules: rules
default_rules: false
EOF
cp "$E2E/rules/"* "$site/rules/"
cp "$E2E/fixtures/golden/water-board.md" "$c/news/good.md"
# Malformed YAML: a second ": " on line 3, column 15 of the file.
printf -- '---\ntitle: Good\ndate: Tuesday: 2 pm\n---\n\nThe Water Board met.\n' >"$c/news/bad-yaml.md"
# Latin-1 é in "Café", line 5 column 4.
printf -- '---\ntitle: Encoding\n---\n\nCaf\351 society met.\n' >"$c/news/latin1.md"
# A NUL at line 5, column 5.
printf -- '---\ntitle: Nul\n---\n\nBody\000text.\n' >"$c/news/nul.md"
: >"$c/news/empty.md"
printf -- '---\ntitle: Only front matter\n---\n' >"$c/news/fm-only.md"
printf -- '+++\ntitle = "TOML"\n+++\n\nBody.\n' >"$c/news/toml.md"
printf -- '---\ntitle: Never closed\n\nBody.\n' >"$c/news/unclosed.md"
# A PNG named .md: signature, IHDR chunk, NULs, high bytes.
printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\000\020\000\000\000\020\010\006\000\000\000\037\363\377a\000\000\000\000IEND\256B`\202' >"$c/news/image.md"
# 50 MB of plain text: over the default limit of 16 MiB.
yes 'The Millbrook Water Board met again and talked about the budget.' | head -c 50000000 >"$c/news/huge.md"
cp -R "$c" "$TMP/pristine"

"$NUTGRAF" build "$site" >"$TMP/stdout" 2>"$TMP/stderr"
expect_status 1 $? "build of a site with bad articles"
err=$TMP/stderr
news=$site/content/news
expect_count "$err" "error: $news/bad-yaml.md:3:14: mapping values are not allowed" 1 "malformed YAML"
expect_count "$err" "error: $news/latin1.md:5:4: invalid UTF-8" 1 "invalid UTF-8"
expect_count "$err" "error: $news/nul.md:5:5: NUL byte" 1 "NUL byte"
expect_count "$err" "error: $news/empty.md:1:1: empty article" 1 "empty file"
expect_count "$err" "error: $news/fm-only.md:" 1 "front matter only"
expect_grep "$err" "error: $news/fm-only.md:4:1: article has front matter but no body" "front matter only"
expect_count "$err" "error: $news/toml.md:1:1: TOML front matter (+++) is not supported" 1 "TOML front matter"
expect_count "$err" "error: $news/unclosed.md:1:1: front matter opened here is never closed" 1 "unclosed front matter"
expect_count "$err" "error: $news/image.md:1:1: invalid UTF-8" 1 "binary file"
expect_count "$err" "error: $news/huge.md:" 1 "50 MB article"
expect_grep "$err" "50000000 bytes, over the limit of 16777216 bytes (limits.max_article_bytes)" "50 MB article"
expect_count "$err" "error: " 9 "errors in all"
expect_grep "$err" "nutgraf: 10 articles, 1 tagged, 10 files written, 0 unchanged, 9 errors" "summary"
grep -v -e '^error: ' -e '^nutgraf: ' "$err" | grep . && fail "stderr has lines that are neither errors nor the summary (above)"
[ -s "$TMP/stdout" ] && fail "build printed to stdout"

# The good article is tagged; the bad ones are copied through unchanged.
$CHECK tree "$c" "$site/out" 2>/dev/null | grep '^news/good.md' && fail "news/good.md output is wrong (above)"
grep -q '^nutgraf:' "$site/out/news/good.md" || fail "news/good.md was not tagged"
for f in bad-yaml latin1 nul empty fm-only toml unclosed image huge; do
  if [ ! -f "$site/out/news/$f.md" ]; then
    fail "news/$f.md has no output"
  elif ! cmp -s "$c/news/$f.md" "$site/out/news/$f.md"; then
    fail "news/$f.md was not copied through unchanged"
  fi
done
$CHECK same-tree "$TMP/pristine" "$c" || fail "the build changed its sources"
find "$site" -name '.*.ng-*' | grep . && fail "temp files left behind (above)"

# A second build reports the same errors again and rewrites nothing.
snapshot "$site/out" >"$TMP/snap1"
"$NUTGRAF" build "$site" >/dev/null 2>"$TMP/stderr2"
expect_status 1 $? "second build"
expect_grep "$TMP/stderr2" "0 files written, 10 unchanged, 9 errors" "second build summary"
snapshot "$site/out" >"$TMP/snap2"
cmp -s "$TMP/snap1" "$TMP/snap2" || fail "second build touched the output"

# A previous good output is replaced by the copy once the article breaks.
printf -- '---\ntitle: [broken\n---\n\nBody.\n' >"$c/news/good.md"
"$NUTGRAF" build "$site" >/dev/null 2>"$TMP/stderr3"
expect_status 1 $? "build after breaking good.md"
cmp -s "$c/news/good.md" "$site/out/news/good.md" || fail "broken good.md was not copied through"

# --in-place leaves bad sources alone.
cp "$E2E/fixtures/golden/water-board.md" "$c/news/good.md"
snapshot "$c" | grep -v '/news/good.md|' >"$TMP/snap3"
"$NUTGRAF" build "$site" --in-place >/dev/null 2>"$TMP/stderr4"
expect_status 1 $? "build --in-place with bad articles"
snapshot "$c" | grep -v '/news/good.md|' >"$TMP/snap4"
cmp -s "$TMP/snap3" "$TMP/snap4" || fail "--in-place touched bad sources"
grep -q '^nutgraf:' "$c/news/good.md" || fail "--in-place did not tag good.md"
find "$site" -name '.*.ng-*' | grep . && fail "temp files left behind by --in-place (above)"

# `nutgraf tag` says the same about each file, and still prints the good one.
cp "$E2E/fixtures/golden/water-board.md" "$TMP/good.md"
"$NUTGRAF" tag --no-default-rules --rules "$E2E/rules" "$c/news/latin1.md" "$TMP/good.md" \
  "$c/news/huge.md" "$c/news/toml.md" >"$TMP/tag.out" 2>"$TMP/tag.err"
expect_status 1 $? "tag with bad articles"
expect_count "$TMP/tag.err" "error: " 3 "tag errors"
expect_grep "$TMP/tag.err" "error: $news/latin1.md:5:4: invalid UTF-8" "tag: invalid UTF-8"
expect_grep "$TMP/tag.err" "(limits.max_article_bytes)" "tag: 50 MB article"
[ "$(wc -l <"$TMP/tag.out")" -eq 1 ] || fail "tag printed $(wc -l <"$TMP/tag.out") lines, expected 1"
grep -q "\"path\":\"$TMP/good.md\"" "$TMP/tag.out" || fail "tag did not print good.md"

finish
