#!/bin/sh
# nutgraf serve: a copy of the sample site served on loopback; pages,
# escaping, an article's images and static files, 404s for traversal, live reload after an edit, the rule-error
# overlay, and a load test of 200 concurrent clients (curl --parallel),
# bounded in count and time. Prints the load numbers.
. "$(dirname "$0")/lib.sh"

command -v curl >/dev/null 2>&1 || { echo "FAIL: curl is needed"; exit 1; }
cp -R "$ROOT/sample-site" "$TMP/site"
rm -rf "$TMP/site/public-content"
# An article whose title and body try to inject markup.
cat >"$TMP/site/content/local/xss.md" <<'MD'
---
title: "<script>alert('t')</script> Riverton test"
date: 2025-01-02
section: local
---

Riverton Mayor Jane Doe spoke. <script>alert('b')</script> <img src=x onerror=alert(1)>
MD

# Static files: a Hugo page bundle with its image, a Jekyll-style asset at
# the site root (the sample site's static/ has a chart of its own), and
# what must never be served: a hidden file, a symlink out of the site, a
# directory with an image's name.
mkdir -p "$TMP/site/content/news/bundle" "$TMP/site/assets/img"
cat >"$TMP/site/content/news/bundle/index.md" <<'MD'
---
title: A page bundle
date: 2025-01-03
section: news
---

Riverton Mayor Dana Whitfield showed a chart. ![chart](chart.svg) ![logo](/assets/img/logo.png)
MD
printf '<svg xmlns="http://www.w3.org/2000/svg"><rect width="4" height="4"/></svg>\n' \
  >"$TMP/site/content/news/bundle/chart.svg"
printf 'PNGDATA' >"$TMP/site/assets/img/logo.png"
printf 'HIDDEN' >"$TMP/site/content/news/bundle/.hidden.png"
printf 'OUTSIDE' >"$TMP/outside.png"
ln -s "$TMP/outside.png" "$TMP/site/static/images/out.png"
mkdir "$TMP/site/static/images/dir.svg"

NUTGRAF_TEMPLATES_DIR=$ROOT/templates "$NUTGRAF" serve "$TMP/site" --port 0 >"$TMP/out" 2>"$TMP/err" &
pid=$!
stop() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
trap 'stop; rm -rf "$TMP"' EXIT
port=""
for _ in $(seq 100); do
  port=$(sed -n 's|.*serving .* at http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/err")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$TMP/err"; echo "FAIL: the server did not start"; exit 1; }
base=http://127.0.0.1:$port

# status PATH WANT
status() {
  got=$(curl -s --path-as-is -o "$TMP/body" -w '%{http_code}' "$base$1")
  [ "$got" = "$2" ] || fail "GET $1: $got, expected $2"
}
status / 200
expect_grep "$TMP/body" '&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; Riverton test' "title escaped on the index"
grep -q "<script>alert" "$TMP/body" && fail "a script got through on the index"
status /article/local/xss 200
grep -q "<script>alert\|<img src=x" "$TMP/body" && fail "raw HTML got through in the article body"
expect_grep "$TMP/body" '<mark class="ent ent-' "mentions highlighted"
status /article/science/rubin-observatory-first-images 200
expect_grep "$TMP/body" 'data-entity="Vera Rubin"' "Vera Rubin highlighted"
status /article/business/nvidia-h20-sales-resume 200
expect_grep "$TMP/body" 'class="related-link" href="/article/' "related stories link to preview pages"
status /entity/place/Chile 200
expect_grep "$TMP/body" '<svg class="chart"' "entity chart"
status /_nutgraf/assets/preview.css 200
for p in /article/../nutgraf.yaml /_nutgraf/assets/../../nutgraf.yaml \
  /_nutgraf/assets/%2e%2e/%2e%2e/nutgraf.yaml /_nutgraf/assets/..%2f..%2fnutgraf.yaml \
  /_nutgraf/assets/%252e%252e/layout.mustache /_nutgraf/assets/layout.mustache \
  /public-content/local/riverton-budget-proposal.md /etc/passwd /nutgraf.yaml; do
  status "$p" 404
done
# An article's relative image resolves (as the browser does it) into its
# own directory; root-absolute ones come from static/ or the site root.
status /article/news/bundle/index 200
expect_grep "$TMP/body" '<img src="chart.svg" alt="chart" />' "the bundle's image is in the page"
img=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urljoin(sys.argv[1], "chart.svg"))' \
  "$base/article/news/bundle/index")
[ "$img" = "$base/article/news/bundle/chart.svg" ] || fail "chart.svg resolves to $img"
# ctype PATH WANT_STATUS WANT_TYPE
ctype() {
  got=$(curl -s --path-as-is -o "$TMP/body" -w '%{http_code} %{content_type}' "$base$1")
  [ "$got" = "$2 $3" ] || fail "GET $1: $got, expected $2 $3"
}
ctype /article/news/bundle/chart.svg 200 image/svg+xml
cmp -s "$TMP/body" "$TMP/site/content/news/bundle/chart.svg" || fail "the bundle's chart differs"
ctype /images/riverton-bus-fare-2025.svg 200 image/svg+xml
cmp -s "$TMP/body" "$TMP/site/static/images/riverton-bus-fare-2025.svg" || fail "static/ file differs"
ctype /assets/img/logo.png 200 image/png
status /article/local/riverton-council-passes-budget 200
expect_grep "$TMP/body" '<img src="/images/riverton-bus-fare-2025.svg"' "the sample article's chart"
curl -s -I "$base/images/riverton-bus-fare-2025.svg" | tr -d '\r' >"$TMP/head"
expect_grep "$TMP/head" 'HTTP/1.1 200 OK' "HEAD of a static file"
grep -qx "Content-Length: $(wc -c <"$TMP/site/static/images/riverton-bus-fare-2025.svg")" "$TMP/head" ||
  fail "HEAD does not give the file's length"
grep -q "^Content-Security-Policy: .*; sandbox" "$TMP/head" || fail "an SVG could run scripts"
etag=$(sed -n 's/^ETag: //p' "$TMP/head")
got=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$base/images/riverton-bus-fare-2025.svg")
[ "$got" = 304 ] || fail "If-None-Match with the ETag: $got, expected 304"
got=$(curl -s -o "$TMP/body" -w '%{http_code}' -r 0-2 "$base/assets/img/logo.png")
[ "$got $(cat "$TMP/body")" = "206 PNG" ] || fail "a range: $got $(cat "$TMP/body")"
for p in /article/news/bundle/index.md /article/news/bundle/.hidden.png /images/out.png \
  /images/dir.svg /images/ /content/news/bundle/index.md /article/news/bundle/chart.svg%00 \
  /images/riverton-bus-fare-2025.svg%00.md /images/../../nutgraf.yaml \
  /images/%2e%2e/%2e%2e/outside.png /images/..%2f..%2f..%2foutside.png \
  /images/%252e%252e/riverton-bus-fare-2025.svg '/images/..%5c..%5cassets/img/logo.png' \
  /article/news/bundle/../../../../outside.png; do
  status "$p" 404
  grep -q "OUTSIDE\|HIDDEN" "$TMP/body" && fail "$p leaked a file"
done

got=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: attacker.example' "$base/")
[ "$got" = 403 ] || fail "foreign Host header: $got, expected 403"

# Live reload: an edit shows up without restarting.
gen() { curl -s "$base/_nutgraf/status" | sed 's/.*"generation":\([0-9]*\).*/\1/'; }
g0=$(gen)
sed -i 's/^title: .*/title: "Edited live"/' "$TMP/site/content/local/riverton-budget-proposal.md"
for _ in $(seq 50); do [ "$(gen)" != "$g0" ] && break; sleep 0.1; done
[ "$(gen)" != "$g0" ] || fail "no rebuild after an edit"
status /article/local/riverton-budget-proposal 200
expect_grep "$TMP/body" "Edited live" "the edit is served"

# A broken rule: an overlay with its file and line, the server goes on.
printf 'return {\n  article = function(a)\n    a:nope(\n  end\n}\n' >"$TMP/site/rules/zz-broken.lua"
g1=$(gen)
for _ in $(seq 50); do [ "$(gen)" != "$g1" ] && break; sleep 0.1; done
status / 200
expect_grep "$TMP/body" 'id="nutgraf-overlay"' "rule error overlay"
expect_grep "$TMP/body" "zz-broken.lua:" "the overlay names the rule file"
rm "$TMP/site/rules/zz-broken.lua"
g2=$(gen)
for _ in $(seq 50); do [ "$(gen)" != "$g2" ] && break; sleep 0.1; done
status / 200
grep -q 'id="nutgraf-overlay"' "$TMP/body" && fail "the overlay stayed after the fix"

# Load: 2000 requests over 200 concurrent connections, plus 50 open event
# streams; every request must be answered 200, within 30 s.
i=0
: >"$TMP/urls"
while [ $i -lt 50 ]; do
  echo "url = \"$base/_nutgraf/events\"" >>"$TMP/streams"
  i=$((i + 1))
done
curl -s --parallel --parallel-immediate --parallel-max 50 --max-time 40 -K "$TMP/streams" \
  -o /dev/null >/dev/null 2>&1 &
spid=$!
paths="/ /article/science/rubin-observatory-first-images /entity/place/Chile /article/local/xss /_nutgraf/assets/preview.css"
i=0
while [ $i -lt 400 ]; do
  for p in $paths; do
    printf 'url = "%s%s"\noutput = "/dev/null"\n' "$base" "$p" >>"$TMP/urls"
  done
  i=$((i + 1))
done
start=$(date +%s.%N)
curl -s --parallel --parallel-immediate --parallel-max 200 --max-time 30 -K "$TMP/urls" \
  -w '%{http_code} %{time_total}\n' >"$TMP/codes" 2>/dev/null
end=$(date +%s.%N)
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
total=$(wc -l <"$TMP/codes")
ok=$(grep -c '^200 ' "$TMP/codes")
secs=$(echo "$end - $start" | bc -l 2>/dev/null || python3 -c "print($end - $start)")
max=$(sort -k2 -n "$TMP/codes" | tail -1 | cut -d' ' -f2)
p50=$(sort -k2 -n "$TMP/codes" | awk '{a[NR]=$2} END {print a[int(NR*0.5)]}')
p99=$(sort -k2 -n "$TMP/codes" | awk '{a[NR]=$2} END {print a[int(NR*0.99)]}')
printf 'load: %s requests, %s answered 200, 200 concurrent + 50 event streams, %.2f s wall, %.0f req/s; latency p50 %s s, p99 %s s, max %s s\n' \
  "$total" "$ok" "$secs" "$(echo "$ok / $secs" | bc -l 2>/dev/null || echo 0)" "$p50" "$p99" "$max"
[ "$total" -eq 2000 ] && [ "$ok" -eq 2000 ] || fail "load: $ok of $total requests answered 200"
status / 200

kill -INT "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "the server did not stop on SIGINT"
wait "$pid"
expect_status 0 $? "serve exit status after SIGINT"
finish
