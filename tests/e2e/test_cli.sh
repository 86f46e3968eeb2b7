#!/bin/sh
# The command line: usage errors exit 2, `version`, `tag` on several files
# (one record each, in argument order, also when some fail), --format yaml,
# and errors in nutgraf.yaml reported at their line:col with exit 1.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

rules="--no-default-rules --rules $E2E/rules"
g=$E2E/fixtures/golden

# usage WHAT ARGS...: exit 2, a message on stderr, nothing on stdout.
usage() {
  what=$1
  shift
  "$NUTGRAF" "$@" >"$TMP/u.out" 2>"$TMP/u.err"
  expect_status 2 $? "$what"
  [ -s "$TMP/u.out" ] && fail "$what: printed to stdout: $(head -n 2 "$TMP/u.out")"
  [ -s "$TMP/u.err" ] || fail "$what: no message on stderr"
}
usage "no command"
usage "unknown command" frobnicate
usage "build --bogus" build --bogus
usage "tag --bogus" tag --bogus "$g/nothing.md"
usage "tag without files" tag
usage "tag with options only" tag --format json
usage "tag --format xml" tag --format xml "$g/nothing.md"
usage "tag --format=xml" tag --format=xml "$g/nothing.md"
"$NUTGRAF" frobnicate 2>"$TMP/u.err"
expect_grep "$TMP/u.err" "frobnicate" "unknown command names it"
expect_grep "$TMP/u.err" "usage: nutgraf" "unknown command shows usage"

"$NUTGRAF" help >"$TMP/help" 2>&1
expect_status 0 $? "help"
expect_grep "$TMP/help" "usage: nutgraf" "help"
"$NUTGRAF" --help >/dev/null 2>&1
expect_status 0 $? "--help"

"$NUTGRAF" version >"$TMP/v" 2>"$TMP/v.err"
expect_status 0 $? "version"
grep -Eq '^nutgraf [0-9]+\.[0-9]+\.[0-9]+' "$TMP/v" || fail "version printed '$(cat "$TMP/v")'"
[ "$(wc -l <"$TMP/v")" -eq 1 ] || fail "version printed more than one line"
[ -s "$TMP/v.err" ] && fail "version wrote to stderr"
"$NUTGRAF" --version >"$TMP/v2"
cmp -s "$TMP/v" "$TMP/v2" || fail "--version differs from version"

# Several files: one JSON line each, in the order given (not sorted).
set -- "$g/water-board.md" "$g/crlf.md" "$g/nothing.md" "$g/water-board.md"
# shellcheck disable=SC2086 # $rules is a list of words
"$NUTGRAF" tag $rules "$@" >"$TMP/many" 2>"$TMP/many.err"
expect_status 0 $? "tag of 4 files"
[ -s "$TMP/many.err" ] && fail "tag of 4 files wrote to stderr: $(cat "$TMP/many.err")"
python3 - "$TMP/many" "$@" <<'EOF' || fail "tag of several files: wrong records (above)"
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
want = sys.argv[2:]
if lines[-1] != "":
    sys.exit("output does not end in a newline")
recs = [json.loads(l) for l in lines[:-1]]
got = [r["path"] for r in recs]
if got != want:
    sys.exit(f"paths {got}, expected {want}")
if recs[0] != recs[3]:
    sys.exit("the same file twice gave two different records")
EOF
$CHECK mentions "$TMP/many" || fail "tag of several files: mentions do not match"
# Each line is what tagging that file alone prints.
i=0
for f in "$@"; do
  i=$((i + 1))
  # shellcheck disable=SC2086
  "$NUTGRAF" tag $rules "$f" >"$TMP/one"
  sed -n "${i}p" "$TMP/many" | cmp -s - "$TMP/one" || fail "record $i differs from tagging $f alone"
done

# --format yaml: a stream of YAML documents, one per file, same content.
# shellcheck disable=SC2086
"$NUTGRAF" tag --format yaml $rules "$@" >"$TMP/many.yaml"
expect_status 0 $? "tag --format yaml"
$CHECK yaml "$TMP/many.yaml" || fail "--format yaml is not YAML"
python3 - "$TMP/many" "$TMP/many.yaml" <<'EOF' || fail "--format yaml disagrees with json (above)"
import json, sys, yaml
j = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
y = list(yaml.safe_load_all(open(sys.argv[2], encoding="utf-8")))
if j != y:
    sys.exit(f"{len(j)} JSON records and {len(y)} YAML documents differ")
EOF
# shellcheck disable=SC2086
"$NUTGRAF" tag --format=yaml $rules "$g/nothing.md" >"$TMP/eq.yaml"
# shellcheck disable=SC2086
"$NUTGRAF" tag --format yaml $rules "$g/nothing.md" | cmp -s - "$TMP/eq.yaml" || fail "--format=yaml differs from --format yaml"

# A missing file: an error naming it, exit 1, the other files still printed.
# shellcheck disable=SC2086
"$NUTGRAF" tag $rules "$g/nothing.md" "$TMP/missing.md" "$g/crlf.md" >"$TMP/m.out" 2>"$TMP/m.err"
expect_status 1 $? "tag with a missing file"
expect_count "$TMP/m.err" "error: " 1 "missing file"
expect_grep "$TMP/m.err" "error: $TMP/missing.md: cannot open: No such file or directory" "missing file"
[ "$(wc -l <"$TMP/m.out")" -eq 2 ] || fail "tag with a missing file printed $(wc -l <"$TMP/m.out") records, expected 2"
# A directory is not an article.
# shellcheck disable=SC2086
"$NUTGRAF" tag $rules "$g" >/dev/null 2>"$TMP/d.err"
expect_status 1 $? "tag of a directory"
expect_grep "$TMP/d.err" "error: $g: not a regular file" "tag of a directory"
# Missing rules are an error before any article.
"$NUTGRAF" tag --no-default-rules --rules "$TMP/no-rules" "$g/nothing.md" >"$TMP/r.out" 2>"$TMP/r.err"
expect_status 1 $? "tag --rules with a missing path"
expect_grep "$TMP/r.err" "error: $TMP/no-rules: rules not found" "missing rules"

# Errors in nutgraf.yaml: file:line:col, a suggestion for typos, exit 1
# for both build and tag --site. config WHAT YAML EXPECTED-STDERR-LINE
site=$TMP/site
mkdir -p "$site/content"
cp "$g/water-board.md" "$site/content/"
config() {
  printf '%s' "$2" >"$site/nutgraf.yaml"
  "$NUTGRAF" build "$site" >/dev/null 2>"$TMP/c.err"
  expect_status 1 $? "build: $1"
  expect_grep "$TMP/c.err" "error: $3" "build: $1"
  expect_count "$TMP/c.err" "error: " 1 "build: $1"
  [ -e "$site/public-content" ] && fail "build: $1: wrote output despite the bad configuration"
  "$NUTGRAF" tag --site "$site" "$site/content/water-board.md" >"$TMP/c.out" 2>"$TMP/c.err"
  expect_status 1 $? "tag --site: $1"
  expect_grep "$TMP/c.err" "error: $3" "tag --site: $1"
  [ -s "$TMP/c.out" ] && fail "tag --site: $1: printed records despite the bad configuration"
}
y=$site/nutgraf.yaml
config "unknown key" 'content: content
contnet: content
' "$y:2:1: unknown key \`contnet\` (did you mean \`content\`?)"
config "unknown nested key" '# limits
limits:
  max_artcle_bytes: 10
' "$y:3:3: unknown key \`max_artcle_bytes\` in \`limits\` (did you mean \`max_article_bytes\`?)"
config "unknown key, nothing close" 'zzzz: 1
' "$y:1:1: unknown key \`zzzz\` (expected one of: content, output, rules, default_rules, keys, limits, related, preview)"
config "wrong type: list for a string" 'content: [a, b]
' "$y:1:10: \`content\` must be a string, not a list"
config "wrong type: string for a boolean" 'content: content
default_rules: maybe
' "$y:2:16: \`default_rules\` must be true or false, not a string"
config "bad size" 'limits: {memory_limit: lots}
' "$y:1:24: \`limits.memory_limit\` must be a size in bytes"
config "malformed YAML" 'content: content
output: out: put
' "$y:2:12: mapping values are not allowed"

# A site that does not exist.
"$NUTGRAF" build "$TMP/nowhere" >/dev/null 2>"$TMP/n.err"
expect_status 1 $? "build of a missing site"
expect_grep "$TMP/n.err" "content directory" "build of a missing site"

finish
