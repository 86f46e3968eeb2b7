#!/bin/sh
# Incremental builds on a copy of sample-site: a warm build takes every
# article from SITE/.nutgraf/cache.db, editing one article tags one again,
# touching a rule file tags them all, and the output is always the same as
# a --force build's (also after random edits of a generated site, where
# only the articles whose related stories can change are ranked again, and
# with the related snapshot spared, used or damaged);
# --json prints the summary as one object on stdout.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

site=$TMP/site
cp -R "$ROOT/sample-site" "$site" || exit 1
rm -rf "$site/public-content" "$site/.nutgraf"
n=$(find "$site/content" -name '.*' -prune -o -type f -name '*.md' ! -name '_*' -print | wc -l)

# field NAME FILE: a number from the --json summary.
field() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[2]))[sys.argv[1]])' "$1" "$2"
}

# same_as_force WHAT: the output tree equals a --force build's of a copy.
same_as_force() {
  rm -rf "$TMP/ref"
  cp -R "$site" "$TMP/ref"
  rm -rf "$TMP/ref/public-content"
  "$NUTGRAF" build "$TMP/ref" --force --quiet 2>/dev/null
  $CHECK same-tree "$TMP/ref/public-content" "$site/public-content" >"$TMP/diff" ||
    fail "$1: output differs from a --force build: $(head -n 5 "$TMP/diff")"
}

"$NUTGRAF" build "$site" --json >"$TMP/j1" 2>"$TMP/e1"
expect_status 0 $? "cold build"
[ "$(field cached "$TMP/j1")" -eq 0 ] || fail "cold build: cached $(field cached "$TMP/j1")"
[ "$(field tagged "$TMP/j1")" -eq "$n" ] || fail "cold build: tagged $(field tagged "$TMP/j1"), expected $n"
[ -f "$site/.nutgraf/cache.db" ] || fail "no cache written"

"$NUTGRAF" build "$site" >"$TMP/o2" 2>"$TMP/e2"
expect_status 0 $? "warm build"
expect_grep "$TMP/e2" "$n from cache" "warm build summary"
expect_grep "$TMP/e2" "0 files written" "warm build summary"

# One article edited: one tagged again, the rest from the cache.
one=$(find "$site/content" -name '*.md' ! -name '_*' | sort | head -n 1)
printf '\nThe mayor of Riverton said more.\n' >>"$one"
"$NUTGRAF" build "$site" --json >"$TMP/j3" 2>"$TMP/e3"
expect_status 0 $? "build after one edit"
[ "$(field cached "$TMP/j3")" -eq $((n - 1)) ] || fail "one edit: cached $(field cached "$TMP/j3"), expected $((n - 1))"
same_as_force "one edit"

# A rule file touched (content changed): every article tagged again.
rule=$(find "$site/rules" -name '*.lua' | head -n 1)
printf '\n-- edited\n' >>"$rule"
"$NUTGRAF" build "$site" --json >"$TMP/j4" 2>"$TMP/e4"
[ "$(field cached "$TMP/j4")" -eq 0 ] || fail "rule edit: cached $(field cached "$TMP/j4"), expected 0"
same_as_force "rule edit"
# Only the mtime: nothing to tag again.
touch "$rule"
"$NUTGRAF" build "$site" --json >"$TMP/j5" 2>"$TMP/e5"
[ "$(field cached "$TMP/j5")" -eq "$n" ] || fail "rule touched: cached $(field cached "$TMP/j5"), expected $n"

# --force ignores the cache and changes nothing.
"$NUTGRAF" build "$site" --force --json >"$TMP/j6" 2>"$TMP/e6"
[ "$(field cached "$TMP/j6")" -eq 0 ] || fail "--force: cached $(field cached "$TMP/j6")"
[ "$(field written "$TMP/j6")" -eq 0 ] || fail "--force: wrote $(field written "$TMP/j6") files"

# A damaged cache: one warning line, rebuilt, same output.
head -c 5000 /dev/urandom >"$site/.nutgraf/cache.db"
rm -f "$site/.nutgraf/cache.db-wal" "$site/.nutgraf/cache.db-shm"
"$NUTGRAF" build "$site" --quiet >"$TMP/o7" 2>"$TMP/e7"
expect_status 0 $? "build with a damaged cache"
[ "$(grep -c '^warning: .*cache' "$TMP/e7")" -eq 1 ] || fail "damaged cache: expected one warning line, got: $(cat "$TMP/e7")"
same_as_force "damaged cache"
"$NUTGRAF" build "$site" --json >"$TMP/j8" 2>"$TMP/e8"
[ "$(field cached "$TMP/j8")" -eq "$n" ] || fail "after rebuild: cached $(field cached "$TMP/j8")"
[ -s "$TMP/e8" ] && fail "after rebuild: stderr: $(cat "$TMP/e8")"

# Related stories on a generated site: an edit ranks again only the
# articles whose links can change, and the output is still exactly a
# --force build's, whatever the edits (random ones, with a fixed seed).
site=$TMP/gen
python3 "$ROOT/bench/gen-corpus.py" --articles 400 --seed 3 --out "$site" >/dev/null 2>&1 ||
  fail "gen-corpus.py"
"$NUTGRAF" build "$site" --quiet
expect_status 0 $? "generated site, cold"
ng=$(find "$site/content" -name '*.md' | wc -l)
one=$(find "$site/content" -name '*.md' | sort | head -n 1)
printf '\nA late update to this story.\n' >>"$one"
"$NUTGRAF" build "$site" --json >"$TMP/g1" 2>"$TMP/ge1"
expect_status 0 $? "generated site, one line added"
[ "$(field related "$TMP/g1")" -lt $((ng / 2)) ] ||
  fail "one line added: related ranked for $(field related "$TMP/g1") of $ng articles"
same_as_force "generated site, one line added"
for round in 1 2 3 4; do
  python3 - "$site" "$round" <<'PY' || fail "editing the generated site"
import os, random, re, sys
root, seed = sys.argv[1], int(sys.argv[2])
rnd = random.Random(seed)
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(root, "content"))
               for f in fs if f.endswith(".md"))
for p in rnd.sample(files, 4 * seed):
    fm, body = open(p).read().split("\n---\n", 1)
    paras = body.strip().split("\n\n")
    op = rnd.choice(["donor", "drop", "date", "moved", "title"])
    if op == "donor":  # a paragraph of another story: its names and terms
        paras.append(rnd.choice(open(rnd.choice(files)).read().split("\n---\n", 1)[1].strip().split("\n\n")))
    elif op == "drop" and len(paras) > 1:
        paras.pop(rnd.randrange(len(paras)))
    elif op == "moved":  # to the date of another story: nearer some, farther from others
        other = open(rnd.choice(files)).read()
        fm = re.sub(r"date: \S+", "date: " + re.search(r"date: (\S+)", other).group(1), fm, count=1)
    elif op == "date":
        fm = re.sub(r"date: (\d{4})", lambda m: "date: %d" % (int(m.group(1)) - 2), fm)
    else:
        fm = fm.replace('title: "', 'title: "Update: ', 1)
    open(p, "w").write(fm + "\n---\n\n" + "\n\n".join(paras) + "\n")
PY
  "$NUTGRAF" build "$site" --quiet
  expect_status 0 $? "generated site, edits of round $round"
  same_as_force "generated site, edits of round $round"
done

# The related snapshot (.nutgraf/cache.db-related): with it an edit reads
# no cached related blob (they are spoiled here, unnoticed); a byte of it
# flipped is one warning line, the blobs are read (and found spoiled), and
# the output is still a --force build's.
# (Written afresh first: the rounds above leave docs that differ from it,
# and those are read from their rows.)
snap=$site/.nutgraf/cache.db-related
[ -s "$snap" ] || fail "no related snapshot written"
rm -f "$snap"
printf '\nOne line first.\n' >>"$one"
"$NUTGRAF" build "$site" --quiet
[ -s "$snap" ] || fail "no related snapshot written again"
same_as_force "generated site, snapshot written again"
python3 - "$site/.nutgraf/cache.db" <<'PY' || fail "spoiling the related blobs"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE files SET related=CAST(zeroblob(40) AS BLOB) WHERE kind=1 AND path != ?",
          (sorted(p for (p,) in c.execute("SELECT path FROM files WHERE kind=1"))[0],))
c.commit()
PY
printf '\nOne more line.\n' >>"$one"
"$NUTGRAF" build "$site" --quiet >"$TMP/g6" 2>"$TMP/ge6"
expect_status 0 $? "generated site, snapshot, spoiled blobs"
[ -s "$TMP/ge6" ] && fail "snapshot build read a blob: $(cat "$TMP/ge6")"
same_as_force "generated site, snapshot, spoiled blobs"
python3 -c 'import sys; f=open(sys.argv[1],"r+b"); f.seek(-9,2); b=f.read(1); f.seek(-9,2); f.write(bytes([b[0]^1]))' "$snap"
printf '\nAnd another.\n' >>"$one"
"$NUTGRAF" build "$site" --quiet >"$TMP/g7" 2>"$TMP/ge7"
expect_status 0 $? "generated site, damaged snapshot"
[ "$(grep -c '^warning: .*related snapshot: checksum mismatch' "$TMP/ge7")" -eq 1 ] ||
  fail "damaged snapshot: expected its warning, got: $(cat "$TMP/ge7")"
same_as_force "generated site, damaged snapshot"
"$NUTGRAF" build "$site" --quiet >"$TMP/g8" 2>"$TMP/ge8"
[ -s "$TMP/ge8" ] && fail "after a damaged snapshot: stderr: $(cat "$TMP/ge8")"
site=$TMP/site

# --jobs: 1 and 2 threads build the same bytes.
cp -R "$site" "$TMP/j1site"
rm -rf "$TMP/j1site/public-content" "$site/public-content"
"$NUTGRAF" build "$site" --force --jobs 2 --quiet
"$NUTGRAF" build "$TMP/j1site" --force --jobs 1 --quiet
$CHECK same-tree "$TMP/j1site/public-content" "$site/public-content" >"$TMP/diff" ||
  fail "--jobs 1 and --jobs 2 differ: $(head -n 5 "$TMP/diff")"
"$NUTGRAF" build "$site" --jobs 0 >/dev/null 2>&1
expect_status 2 $? "--jobs 0"
finish
