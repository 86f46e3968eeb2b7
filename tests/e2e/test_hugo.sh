#!/bin/sh
# The sample site through Hugo: `nutgraf build` on a copy, then `hugo` with
# the sample site's hugo.toml (contentDir = nutgraf's output tree, the
# partials mounted from templates/hugo/). Checks the HTML: term pages for
# tagged entities, entity chips, every related link on article pages points
# at a page that exists, and the JSON-LD partial agrees with
# `nutgraf tag --format jsonld`. Installs Debian's hugo when missing (as root);
# prints "skipped: ..." and exits 0 only when that is impossible.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/install.sh"
command -v hugo >/dev/null 2>&1 || apt_install_or_skip hugo --no-install-recommends hugo
hugo version

# The site's hugo.toml mounts ../templates/hugo: keep that layout.
mkdir -p "$TMP/repo"
cp -R "$ROOT/sample-site" "$ROOT/templates" "$TMP/repo/"
site=$TMP/repo/sample-site
rm -rf "$site/public-content" "$site/public" "$site/resources"
"$NUTGRAF" build --quiet "$site" || fail "nutgraf build"
(cd "$site" && timeout 60 hugo --quiet --destination "$TMP/out") >"$TMP/hugo.log" 2>&1 || {
  cat "$TMP/hugo.log"
  fail "hugo failed"
}
(cd "$site/content" && "$NUTGRAF" tag --site "$site" --format jsonld -- */*.md) >"$TMP/tags.jsonld" ||
  fail "nutgraf tag --format jsonld"

for f in people/scott-bessent people/jamieson-greer organizations/treasury-department \
  places/geneva places/riverton topics/tariff; do
  [ -f "$TMP/out/$f/index.html" ] || fail "no term page $f/index.html"
done
expect_grep "$TMP/out/people/scott-bessent/index.html" '/business/us-china-tariff-pause/' \
  "the term page lists the article"
expect_grep "$TMP/out/people/index.html" '/people/scott-bessent/' "the people page lists Scott Bessent"
python3 "$E2E/site_check.py" --terms --jsonld "$TMP/tags.jsonld" "$site" "$TMP/out" ||
  fail "pages, chips, related links or JSON-LD (see above)"

# Without the nutgraf record, the partial falls back to the flat `related` list.
f=$site/public-content/business/us-china-tariff-pause.md
python3 - "$f" <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
head, body = s.split("\nnutgraf:\n", 1)
rest = body.split("\n---\n", 1)[1]
open(p, "w", encoding="utf-8").write(head + "\n---\n" + rest)
PY
(cd "$site" && hugo --quiet --destination "$TMP/out2") >"$TMP/hugo2.log" 2>&1 || fail "hugo (flat related)"
page=$TMP/out2/business/us-china-tariff-pause/index.html
expect_grep "$page" '<a href="/business/us-china-geneva-talks-open/">US and Chinese officials open first trade talks' \
  "flat related list resolved to titles"
finish
