#!/bin/sh
# A build killed with SIGKILL at a random moment leaves every output either
# complete and old or complete and new, never half-written; a temp file it
# leaves is hidden (.NAME.ng-XXXXXX); the next full build repairs all.
# The site rule flips between two versions so that old and new differ.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

ROUNDS=${CRASH_ROUNDS:-8}
site=$TMP/site
mkdir -p "$site/content" "$site/rules"
cat >"$site/nutgraf.yaml" <<'YAML'
content: content
output: out
rules: rules
default_rules: false
YAML
python3 - "$site/content" <<'PY' || fail "generating articles"
import os, sys
words = "council budget river transit school harbor water board mayor vote".split()
for n in range(2000):
    d = os.path.join(sys.argv[1], "s%02d" % (n % 30))
    os.makedirs(d, exist_ok=True)
    body = " ".join(words[(n + k) % len(words)] for k in range(60))
    with open(os.path.join(d, "a%04d.md" % n), "w") as f:
        f.write("---\ntitle: Story %d\n---\nThe Millbrook Water Board met. %s.\n" % (n, body))
PY
rule() { # rule VERSION: the site rule tags one topic that names the version
  printf 'return { article = function(a)\n  a:tag_entity { name = "Millbrook Water Board", type = "organization" }\n  a:tag_topic { id = "version:%s" }\nend }\n' "$1" >"$site/rules/10-v.lua"
}
hashes() { # hashes DIR: "relative-path hash" per regular file, hidden ones too
  (cd "$1" && find . -type f -exec md5sum {} + | awk '{print $2, $1}' | sort)
}

rule 2
"$NUTGRAF" build "$site" >/dev/null 2>"$TMP/err" || fail "build of version 2: $(cat "$TMP/err")"
hashes "$site/out" >"$TMP/v2"
rm -rf "$site/out" "$site/.nutgraf"
rule 1
start=$(date +%s%N)
"$NUTGRAF" build "$site" >/dev/null 2>"$TMP/err" || fail "build of version 1: $(cat "$TMP/err")"
ms=$((($(date +%s%N) - start) / 1000000))
hashes "$site/out" >"$TMP/v1"
[ "$(wc -l <"$TMP/v1")" -eq 2000 ] || fail "version 1 wrote $(wc -l <"$TMP/v1") files"
cmp -s "$TMP/v1" "$TMP/v2" && fail "the two rule versions give the same outputs"
echo "  a full build takes $ms ms"

# Allowed: each file's version-1 or version-2 bytes.
cat "$TMP/v1" "$TMP/v2" | sort -u >"$TMP/allowed"
temps=0
r=1
while [ $r -le "$ROUNDS" ]; do
  rule $((r % 2 + 1))
  delay=$(awk -v s="$r$$" -v ms="$ms" 'BEGIN { srand(s); printf "%.3f", rand() * ms / 1000 }')
  "$NUTGRAF" build "$site" >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -KILL $pid 2>/dev/null
  wait $pid 2>/dev/null
  hashes "$site/out" >"$TMP/now"
  grep -v '/\.[^/]*\.ng-[A-Za-z0-9]\{6\} ' "$TMP/now" >"$TMP/visible"
  t=$(($(wc -l <"$TMP/now") - $(wc -l <"$TMP/visible")))
  temps=$((temps + t))
  bad=$(comm -23 "$TMP/visible" "$TMP/allowed" | head -n 3)
  [ -z "$bad" ] || fail "round $r (killed after ${delay}s): half-written or foreign outputs: $bad"
  [ "$(wc -l <"$TMP/visible")" -eq 2000 ] || fail "round $r: $(wc -l <"$TMP/visible") outputs, want 2000"
  echo "  round $r: killed after ${delay}s, $t temp files present"
  r=$((r + 1))
done

# The next full build repairs everything, and the cache (if any) survives.
rule 2
"$NUTGRAF" build "$site" >/dev/null 2>"$TMP/err" || fail "repair build: $(cat "$TMP/err")"
hashes "$site/out" >"$TMP/after"
grep -v '/\.[^/]*\.ng-[A-Za-z0-9]\{6\} ' "$TMP/after" >"$TMP/visible"
cmp -s "$TMP/visible" "$TMP/v2" || fail "the repair build did not restore version 2: $(diff "$TMP/visible" "$TMP/v2" | head -n 5)"
left=$(($(wc -l <"$TMP/after") - $(wc -l <"$TMP/visible")))
# The repair build removes temp files that killed builds left behind.
[ "$left" -eq 0 ] || fail "$left stale temp files after the repair build"
if [ -f "$site/.nutgraf/cache.db" ] && command -v sqlite3 >/dev/null; then
  [ "$(sqlite3 "$site/.nutgraf/cache.db" 'PRAGMA integrity_check')" = ok ] ||
    fail "the cache is damaged"
fi
echo "  $temps temp files counted over $ROUNDS rounds"
finish
