#!/bin/sh
# The sample site through Jekyll: its articles become _posts/ (Jekyll names,
# YYYY-MM-DD-slug.md), templates/jekyll/nutgraf.rb runs nutgraf during
# `jekyll build` and the includes show entity chips, related stories and the
# JSON-LD. Checks the HTML: entities shown, term pages exist, every related
# link points at a page that exists, JSON-LD agrees with
# `nutgraf tag --format jsonld`. Installs Debian's jekyll when missing (as
# root); prints "skipped: ..." and exits 0 only when that is impossible.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/install.sh"
command -v jekyll >/dev/null 2>&1 || apt_install_or_skip jekyll --no-install-recommends jekyll
jekyll --version

# What nutgraf makes of the sample site: the expectations of the checks.
cp -R "$ROOT/sample-site" "$TMP/site"
rm -rf "$TMP/site/public-content"
"$NUTGRAF" build --quiet "$TMP/site" || fail "nutgraf build"
(cd "$TMP/site/content" && "$NUTGRAF" tag --site "$TMP/site" --format jsonld -- */*.md) \
  >"$TMP/tags.jsonld" || fail "nutgraf tag --format jsonld"

# The Jekyll site: _posts/SECTION/YYYY-MM-DD-slug.md, nutgraf's plugin and
# includes copied in, the sample site's rules under _nutgraf/ (not published).
jk=$TMP/jekyll
mkdir -p "$jk/_plugins" "$jk/_includes" "$jk/_layouts" "$jk/_nutgraf"
cp "$ROOT/templates/jekyll/nutgraf.rb" "$jk/_plugins/"
cp "$ROOT/templates/jekyll/_includes/"*.html "$jk/_includes/"
cp -R "$ROOT/sample-site/rules" "$jk/_nutgraf/rules"
python3 - "$ROOT/sample-site/content" "$jk/_posts" <<'PY'
import datetime, glob, os, sys, yaml
src, dst = sys.argv[1:3]
for f in sorted(glob.glob(os.path.join(src, "*", "*.md"))):
    text = open(f, encoding="utf-8").read()
    fm = yaml.safe_load(text.split("\n---", 1)[0][4:])
    d = fm["date"]
    if isinstance(d, datetime.datetime) and d.tzinfo:
        d = d.astimezone(datetime.timezone.utc)
    slug = fm.get("slug") or os.path.splitext(os.path.basename(f))[0]
    out = os.path.join(dst, os.path.basename(os.path.dirname(f)), f"{d:%Y-%m-%d}-{slug}.md")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    open(out, "w", encoding="utf-8").write(text)
PY
cat >"$jk/_config.yml" <<'YML'
title: The Riverton Ledger
url: https://riverton-ledger.example
timezone: UTC
permalink: /:year/:month/:day/:title/
defaults:
  - scope: {path: "", type: posts}
    values: {layout: post}
nutgraf:
  rules: [_nutgraf/rules]
YML
cat >"$jk/_layouts/default.html" <<'HTML'
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{{ page.title }} · {{ site.title }}</title>
  {% include nutgraf-jsonld.html %}
</head>
<body>
  <main>{{ content }}</main>
</body>
</html>
HTML
cat >"$jk/_layouts/post.html" <<'HTML'
---
layout: default
---
<article>
  <h1>{{ page.title }}</h1>
  {% include nutgraf-entities.html %}
  {{ content }}
  {% include nutgraf-related.html %}
</article>
HTML
(cd "$jk" && NUTGRAF=$NUTGRAF timeout 60 jekyll build --quiet --destination "$TMP/out") \
  >"$TMP/jekyll.log" 2>&1 || { cat "$TMP/jekyll.log"; fail "jekyll build failed"; }
grep -i "nutgraf" "$TMP/jekyll.log" && fail "nutgraf reported problems during jekyll build"

for f in people/scott-bessent organizations/treasury-department places/geneva topics/tariff; do
  [ -f "$TMP/out/$f/index.html" ] || fail "no term page $f/index.html"
done
[ -d "$TMP/out/_nutgraf" ] && fail "_nutgraf/ was published"
python3 "$E2E/site_check.py" --terms --url-of "/{y}/{m}/{d}/{slug}/" --jsonld "$TMP/tags.jsonld" \
  "$TMP/site" "$TMP/out" || fail "pages, chips, related links or JSON-LD (see above)"
page=$(find "$TMP/out" -path '*us-china-tariff-pause/index.html')
expect_grep "$page" 'href="/people/scott-bessent/">Scott Bessent</a>' "Scott Bessent chip"
expect_grep "$TMP/out/people/scott-bessent/index.html" "US and China agree to pause new tariffs" \
  "the term page lists the article"
finish
