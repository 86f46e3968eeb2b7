#!/bin/sh
# Broken rules in a site's rules/: a syntax error (the rule is dropped, the
# others run), and rules that fail, loop or eat memory on one article each.
# The build exits 1, reports each error once as one line naming the rule
# file:line and the article, tags the good article, copies the failed ones
# through unchanged, and stays within the limits of nutgraf.yaml.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

site=$TMP/site
c=$site/content
mkdir -p "$c" "$site/rules"
cat >"$site/nutgraf.yaml" <<'EOF'
content: content
output: out
rules: rules
default_rules: false
limits:
  instruction_budget: 2000000
  memory_limit: 16MB
EOF
# Each article's title picks the rule that fails on it.
for t in good boom loop catch bomb; do
  printf -- '---\ntitle: %s\n---\n\nThe Millbrook Water Board met on Tuesday.\n' "$t" >"$c/$t.md"
done
cp "$E2E/rules/10-beat.lua" "$E2E/rules/beat.tsv" "$site/rules/"
cat >"$site/rules/20-syntax.lua" <<'EOF'
return {
  name = "syntax",
  article = function(a)
    if then
  end,
}
EOF
cat >"$site/rules/30-runtime.lua" <<'EOF'
return {
  name = "runtime",
  article = function(a)
    if a.title ~= "boom" then return end
    local t = nil
    return t.field
  end,
}
EOF
cat >"$site/rules/40-loop.lua" <<'EOF'
return {
  name = "loop",
  article = function(a)
    if a.title ~= "loop" then return end
    local n = 0
    while true do n = n + 1 end
  end,
}
EOF
cat >"$site/rules/50-catch.lua" <<'EOF'
-- Tries to catch the budget error and carry on.
return {
  name = "catch",
  article = function(a)
    if a.title ~= "catch" then return end
    while true do pcall(function() while true do end end) end
  end,
}
EOF
cat >"$site/rules/60-bomb.lua" <<'EOF'
return {
  name = "bomb",
  article = function(a)
    if a.title ~= "bomb" then return end
    local t = {}
    for i = 1, 1e9 do t[i] = ("x"):rep(64) .. i end
  end,
}
EOF
cp -R "$c" "$TMP/pristine"

start=$(date +%s)
"$NUTGRAF" build "$site" >"$TMP/stdout" 2>"$TMP/stderr"
expect_status 1 $? "build with broken rules"
[ $(($(date +%s) - start)) -le 20 ] || fail "build with broken rules took over 20 s"
err=$TMP/stderr
r=$site/rules
expect_count "$err" "error: $r/20-syntax.lua:4: " 1 "syntax error"
expect_grep "$err" "20-syntax.lua:4: unexpected symbol near 'then'" "syntax error"
expect_count "$err" "error: $r/30-runtime.lua:6:" 1 "runtime error"
expect_grep "$err" "attempt to index a nil value (local 't') (while tagging $c/boom.md)" "runtime error"
expect_count "$err" "error: $r/40-loop.lua:6:" 1 "infinite loop"
expect_grep "$err" "instruction budget of 2 million (limits.instruction_budget) (while tagging $c/loop.md)" "infinite loop"
expect_count "$err" "error: $r/50-catch.lua:6:" 1 "loop catching its budget error"
expect_grep "$err" "(limits.instruction_budget) (while tagging $c/catch.md)" "loop catching its budget error"
expect_count "$err" "error: $r/60-bomb.lua:" 1 "memory bomb"
expect_grep "$err" "(limits.memory_limit) (while tagging $c/bomb.md)" "memory bomb"
expect_count "$err" "error: " 5 "errors in all"
expect_grep "$err" "nutgraf: 5 articles, 1 tagged, 5 files written, 0 unchanged, 5 errors" "summary"
grep -v -e '^error: ' -e '^nutgraf: ' "$err" | grep . >"$TMP/extra" &&
  fail "stderr has lines that are neither one-line errors nor the summary: $(head -n 5 "$TMP/extra")"

# good.md is tagged by the rules that work; the others are copied as they are.
grep -q '^  - name: Millbrook Water Board' "$site/out/good.md" || fail "good.md not tagged by the beat rule"
for t in boom loop catch bomb; do
  cmp -s "$c/$t.md" "$site/out/$t.md" || fail "$t.md was not copied through unchanged"
done
$CHECK same-tree "$TMP/pristine" "$c" || fail "the build changed its sources"
find "$site" -name '.*.ng-*' | grep . && fail "temp files left behind (above)"

# `nutgraf tag` runs the same rules: the same errors, and good.md printed.
"$NUTGRAF" tag --site "$site" "$c/good.md" "$c/boom.md" >"$TMP/tag.out" 2>"$TMP/tag.err"
expect_status 1 $? "tag with broken rules"
expect_count "$TMP/tag.err" "error: " 2 "tag errors"
expect_grep "$TMP/tag.err" "20-syntax.lua:4: unexpected symbol" "tag: syntax error"
expect_grep "$TMP/tag.err" "(while tagging $c/boom.md)" "tag: runtime error"
[ "$(wc -l <"$TMP/tag.out")" -eq 1 ] || fail "tag printed $(wc -l <"$TMP/tag.out") records, expected 1"

# memory_limit as a plain number of bytes works the same.
sed 's/memory_limit: 16MB/memory_limit: 16000000/' "$site/nutgraf.yaml" >"$TMP/y" && mv "$TMP/y" "$site/nutgraf.yaml"
"$NUTGRAF" tag --site "$site" "$c/bomb.md" >/dev/null 2>"$TMP/bomb.err"
expect_status 1 $? "memory bomb with an integer memory_limit"
expect_grep "$TMP/bomb.err" "(limits.memory_limit) (while tagging $c/bomb.md)" "integer memory_limit"

finish
