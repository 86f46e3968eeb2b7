#!/bin/sh
# `nutgraf tag --site sample-site` with nutgraf's default rules on every
# sample article: one record each, mentions that slice their file to their
# text, no mention counted twice, and the same tags as `nutgraf build` writes.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

cd "$ROOT" || exit 1
find sample-site/content -name '*.md' | sort >"$TMP/list"
n=$(wc -l <"$TMP/list")
[ "$n" -gt 0 ] || fail "no sample articles"
# shellcheck disable=SC2046 # sample paths have no spaces
"$NUTGRAF" tag --site sample-site $(cat "$TMP/list") >"$TMP/tags" 2>"$TMP/err"
expect_status 0 $? "tag --site sample-site"
[ -s "$TMP/err" ] && fail "tag wrote to stderr: $(head -n 5 "$TMP/err")"
[ "$(wc -l <"$TMP/tags")" -eq "$n" ] || fail "$(wc -l <"$TMP/tags") records for $n articles"
$CHECK mentions "$TMP/tags" || fail "mentions do not match the files (above)"
$CHECK overlaps "$TMP/tags" || fail "mentions counted twice (above)"

# build writes the same people/organizations/places/topics as tag reports.
cp -R sample-site "$TMP/site"
rm -rf "$TMP/site/public-content"
"$NUTGRAF" build "$TMP/site" --quiet 2>"$TMP/berr"
expect_status 0 $? "build of sample-site"
python3 - "$TMP/tags" "$TMP/site/public-content" <<'PY' || fail "build and tag disagree (above)"
import json, os, sys, yaml
sys.path.insert(0, os.environ["E2E"])
from check import split_front_matter
bad = 0
kinds = {"person": "people", "organization": "organizations", "place": "places"}
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    rel = os.path.relpath(r["path"], "sample-site/content")
    fm, _ = split_front_matter(open(os.path.join(sys.argv[2], rel), "rb").read())
    meta = yaml.safe_load(fm)
    for t, key in kinds.items():
        want = [e["name"] for e in r["entities"] if e["type"] == t]
        if meta.get(key) != want:
            print(f"{rel}: {key}: build wrote {meta.get(key)}, tag says {want}")
            bad = 1
    if meta.get("topics") != [t["label"] for t in r["topics"]]:
        print(f"{rel}: topics differ")
        bad = 1
sys.exit(bad)
PY
finish
