#!/bin/sh
# Pathological inputs, generated here: each ends within bounded time and
# memory, with a clear error where a limit is hit (docs/limits.md), and the
# build goes on. Times are printed for the record; the bounds are loose
# (sanitizer builds are slow) but far below what quadratic code would take.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

site=$TMP/site
c=$site/content
mkdir -p "$c" "$site/rules"
cat >"$site/nutgraf.yaml" <<'YAML'
content: content
output: out
rules: rules
default_rules: false
YAML
cat >"$site/rules/10-names.lua" <<'LUA'
-- Every "Xa.. Yb.." is a person, and so is a surname before "said".
return {
  article = function(a)
    local text = a.text
    for i, j in text:gmatch("()Xa%l+ Yb%l+()") do
      a:tag_entity { type = "person", i = i, j = j - 1 }
    end
    for i, j in text:gmatch("()Yb%l+() said") do
      a:tag_entity { type = "person", i = i, j = j - 1 }
    end
    a:tag_entity { name = "Seen", type = "thing" }
    local n = #a:paragraphs() + (a.title ~= "lines" and #a:nodes() or 0)
    a:tag_topic { id = "blocks:" .. n }
  end,
}
LUA

python3 - "$c" <<'PY' || fail "generating inputs"
import os, sys
c = sys.argv[1]
def enc(n):
    s = ""
    for _ in range(4):
        s += chr(97 + n % 26)
        n //= 26
    return s
def put(name, text):
    with open(os.path.join(c, name), "w") as f:
        f.write(text)
line = "The Millbrook Water Board met on Tuesday in a long session.\n\n"
put("huge.md", "---\ntitle: huge\n---\n" + line * (50 * 1024 * 1024 // len(line) + 1))
put("lines.md", "---\ntitle: lines\n---\n" + "Ab cd.\n" * 1000000)
put("million.txt", "x\n" * 1000000)
put("entities.md", "---\ntitle: entities\n---\n" + "".join(
    "Xa%s Yb%s met. Yb%s said.\n" % (enc(n), enc(n), enc(n)) for n in range(100000)))
bomb = "---\ntitle: bomb\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
for i in range(ord("b"), ord("k")):
    bomb += "%s: &%s [%s]\n" % (chr(i), chr(i), ", ".join(["*" + chr(i - 1)] * 10))
put("aliasbomb.md", bomb + "---\nBody.\n")
put("quotes.md", "---\ntitle: quotes\n---\n" + "> " * 100000 + "deep\n")
put("lists.md", "---\ntitle: lists\n---\n" + "- " * 100000 + "deep\n")
put("inlines.md", "---\ntitle: inlines\n---\n" + "*" * 50000 + "x" + "*" * 50000 + " " +
    "[" * 50000 + "x" + "](u)" * 50000 + " " + "`" * 50000 + "\n")
PY

# run NAME MAX_SECONDS: `nutgraf tag` one file; stdout/stderr/status kept.
run() {
  _start=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$TMP/$1.rss" "$NUTGRAF" tag --site "$site" "$c/$1.md" \
    >"$TMP/$1.out" 2>"$TMP/$1.err"
  _status=$?
  _ms=$((($(date +%s%N) - _start) / 1000000))
  echo "  $1: ${_ms} ms, $(tail -n 1 "$TMP/$1.rss" 2>/dev/null || echo '?') KB peak, exit $_status"
  [ "$_ms" -le $(($2 * 1000)) ] || fail "$1: took ${_ms} ms (over $2 s)"
  return $_status
}

run huge 10
expect_status 1 $? "50 MB article"
expect_grep "$TMP/huge.err" "over the limit of 16777216 bytes (limits.max_article_bytes)" "50 MB article"

run lines 30
expect_status 0 $? "a million lines"
expect_grep "$TMP/lines.out" '"blocks:1"' "a million lines are one paragraph"

run entities 45
expect_status 0 $? "100,000 entities"
n=$(grep -o '"name":"Xa' "$TMP/entities.out" | wc -l)
[ "$n" -eq 100000 ] || fail "100,000 entities: $n people"
grep -q '"name":"Yb' "$TMP/entities.out" && fail "100,000 entities: a surname was not merged"

run aliasbomb 10
expect_status 1 $? "YAML alias bomb"
expect_grep "$TMP/aliasbomb.err" "YAML has more than 100000 nodes (aliases count as copies)" "YAML alias bomb"

for deep in quotes lists inlines; do
  run $deep 20
  expect_status 0 $? "nesting: $deep"
  expect_grep "$TMP/$deep.out" '"name":"Seen"' "nesting: $deep"
done

# A build over all but the slowest goes on past the failures.
mv "$c/entities.md" "$TMP/"
"$NUTGRAF" build "$site" >"$TMP/build.out" 2>"$TMP/build.err"
expect_status 1 $? "build of the pathological site"
expect_grep "$TMP/build.err" "nutgraf: 6 articles, 4 tagged, 7 files written" "build summary"
cmp -s "$c/huge.md" "$site/out/huge.md" || fail "huge.md not copied through unchanged"
cmp -s "$c/million.txt" "$site/out/million.txt" || fail "million.txt not copied through"
find "$site" -name '.*.ng-*' | grep . && fail "temp files left behind (above)"

finish
