#!/bin/sh
# Golden files: `nutgraf tag` with the fixed rules of tests/e2e/rules/ (and
# none of nutgraf's defaults) on tests/e2e/fixtures/golden/*.md must print
# exactly tests/e2e/golden/NAME.json and NAME.yaml. Every mention must slice
# its file to its text.
# UPDATE_GOLDEN=1 sh tests/e2e/test_golden.sh rewrites the golden files;
# review the diff before committing them.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

cd "$ROOT" || exit 1
rules="--no-default-rules --rules tests/e2e/rules"
update=${UPDATE_GOLDEN:-0}
n=0
for article in tests/e2e/fixtures/golden/*.md; do
  name=$(basename "$article" .md)
  n=$((n + 1))
  for format in json yaml; do
    got=$TMP/$name.$format
    # shellcheck disable=SC2086 # $rules is a list of words
    "$NUTGRAF" tag --format "$format" $rules "$article" >"$got" 2>"$TMP/stderr"
    expect_status 0 $? "tag --format $format $article"
    [ -s "$TMP/stderr" ] && fail "tag --format $format $article wrote to stderr: $(cat "$TMP/stderr")"
    want=tests/e2e/golden/$name.$format
    if [ "$update" = 1 ]; then
      cp "$got" "$want"
    elif [ ! -f "$want" ]; then
      fail "$want is missing (run with UPDATE_GOLDEN=1 to create it)"
    elif ! cmp -s "$got" "$want"; then
      fail "$article --format $format differs from $want:"
      diff -u "$want" "$got" | sed 's/^/    /'
    fi
  done
  $CHECK mentions "$TMP/$name.json" || fail "$article: mentions do not match the file"
  $CHECK yaml "$TMP/$name.yaml" || fail "$article: --format yaml is not a YAML mapping"
done
[ "$n" -ge 3 ] || fail "expected at least 3 golden fixtures, found $n"

# The YAML record says the same as the JSON one.
python3 - "$TMP" <<'EOF' || fail "--format yaml and --format json disagree"
import glob, json, sys, yaml
bad = 0
for j in sorted(glob.glob(sys.argv[1] + "/*.json")):
    a = json.load(open(j, encoding="utf-8"))
    b = yaml.safe_load(open(j[:-5] + ".yaml", encoding="utf-8"))
    if a != b:
        print(f"{j}: JSON {a!r}\n  YAML {b!r}")
        bad = 1
sys.exit(bad)
EOF

# Golden files nobody produces any more are stale.
for want in tests/e2e/golden/*; do
  [ -e "$want" ] || continue
  name=$(basename "$want")
  [ -f "tests/e2e/fixtures/golden/${name%.*}.md" ] || fail "$want has no fixture article"
done

[ "$update" = 1 ] && echo "golden files rewritten: review git diff tests/e2e/golden"
finish
