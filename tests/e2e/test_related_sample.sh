#!/bin/sh
# On the sample site, each article's first related link is the one an
# editor would pick in the clear cases (tests/sample-expect/related.tsv).
set -eu
: "${NUTGRAF:=build/nutgraf}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ng-related.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp -R sample-site "$tmp/site"
rm -rf "$tmp/site/public-content"
"$NUTGRAF" build --quiet "$tmp/site"
# nutgraf explain --site shows the links of the last build with their reasons.
NO_COLOR=1 "$NUTGRAF" explain --site "$tmp/site" "$tmp/site/content/tech/tiktok-oracle-joint-venture.md" >"$tmp/explain"
grep -q "^  related      tech/tiktok-deadline-extended.md  score [0-9.]*  shared: .*TikTok" "$tmp/explain" ||
  { echo "explain does not show the related links:"; cat "$tmp/explain"; exit 1; }
python3 - "$tmp/site/public-content" <<'PY'
import re, sys
out = sys.argv[1]
bad = 0
for line in open("tests/sample-expect/related.tsv", encoding="utf-8"):
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    art, want = line.split("\t")
    text = open(f"{out}/{art}", encoding="utf-8").read()
    fm = text.split("\n---", 1)[0]
    links = re.findall(r"^  - path: (\S+)$", fm, re.M)
    ok = bool(links) and links[0] == want
    bad += not ok
    print(("ok  " if ok else "BAD ") + f"{art} -> {links[:3]} (want {want})")
    urls = re.search(r"^related:\n((?:- .*\n)+)", fm, re.M)
    if not urls:
        print(f"BAD {art}: no flat related list"); bad += 1
sys.exit(1 if bad else 0)
PY
