#!/bin/sh
# The sample site through Eleventy: tests/eleventy/eleventy.config.cjs with
# templates/eleventy/nutgraf.cjs (nutgraf build in eleventy.before, computed
# data, term pages, related links) and templates/eleventy/_includes/.
# @11ty/eleventy is pinned in tests/eleventy/package.json and installed with
# npm into its (gitignored) node_modules when missing. Checks the HTML like
# test_hugo.sh. Prints "skipped: ..." and exits 0 only when npm cannot
# install Eleventy.
. "$(dirname "$0")/lib.sh"

command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
  { echo "skipped: node/npm are missing (apt-get install nodejs npm)"; exit 0; }
dir=$ROOT/tests/eleventy
want=$(sed -n 's/.*"@11ty\/eleventy": "\(.*\)".*/\1/p' "$dir/package.json")
have=$(sed -n 's/^[[:space:]]*"version": "\(.*\)".*/\1/p' "$dir/node_modules/@11ty/eleventy/package.json" 2>/dev/null | head -1)
if [ "$have" != "$want" ]; then
  echo "installing @11ty/eleventy $want with npm"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 || npm install --no-audit --no-fund --loglevel=error >/dev/null 2>&1) ||
    { echo "skipped: @11ty/eleventy could not be installed from npm (no network?)"; exit 0; }
fi

mkdir -p "$TMP/repo"
cp -R "$ROOT/sample-site" "$ROOT/templates" "$TMP/repo/"
site=$TMP/repo/sample-site
rm -rf "$site/public-content"
(cd "$dir" && NUTGRAF=$NUTGRAF NUTGRAF_SITE=$site ELEVENTY_OUTPUT=$TMP/out \
  NUTGRAF_PLUGIN=$TMP/repo/templates/eleventy/nutgraf.cjs \
  timeout 60 node node_modules/@11ty/eleventy/cmd.cjs --config=eleventy.config.cjs --quiet) \
  >"$TMP/eleventy.log" 2>&1 || { cat "$TMP/eleventy.log"; fail "eleventy failed"; }
[ -d "$site/public-content/business" ] || fail "the plugin did not run nutgraf build"
(cd "$site/content" && "$NUTGRAF" tag --site "$site" --format jsonld -- */*.md) >"$TMP/tags.jsonld" ||
  fail "nutgraf tag --format jsonld"

for f in people/scott-bessent organizations/treasury-department places/geneva topics/tariff; do
  [ -f "$TMP/out/$f/index.html" ] || fail "no term page $f/index.html"
done
expect_grep "$TMP/out/people/scott-bessent/index.html" '/business/us-china-tariff-pause/' \
  "the term page lists the article"
python3 "$E2E/site_check.py" --terms --jsonld "$TMP/tags.jsonld" "$site" "$TMP/out" ||
  fail "pages, chips, related links or JSON-LD (see above)"
expect_grep "$TMP/out/business/us-china-tariff-pause/index.html" \
  'href="/people/scott-bessent/">Scott Bessent</a>' "Scott Bessent chip"
finish
