#!/bin/sh
# tools/eval.py (make eval) runs over tests/corpus and prints its summary
# lines, its --json output parses, and every corpus article has a well-formed
# .expect.yaml whose topics exist in lua/data/iptc-topics.tsv. Scores are not
# asserted: eval measures, it does not judge. Needs python3 only.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

eval_py="python3 $ROOT/tools/eval.py --nutgraf $NUTGRAF --corpus $ROOT/tests/corpus --corpus-only"

$eval_py >"$TMP/out" 2>"$TMP/err"
expect_status 0 $? "eval.py --corpus-only"
[ -s "$TMP/err" ] && fail "eval.py wrote to stderr: $(head -n 3 "$TMP/err")"
for want in "== corpus: " "corpus entity scores" "  person " "  organization " \
            "  place " "  overall " "corpus topic hit rate: " "corpus topic scores" \
            "  exact " "  hierarchical " "corpus topics per article: "; do
  expect_grep "$TMP/out" "$want" "summary line"
done
expect_count "$TMP/out" "PROBLEM: " 0 "no missing .expect.yaml, unknown qcode or bad span"

$eval_py --json >"$TMP/json" 2>"$TMP/err"
expect_status 0 $? "eval.py --corpus-only --json"
python3 - "$TMP/json" "$ROOT" <<'PY' || fail "--json output"
import glob, json, os, sys
res = json.load(open(sys.argv[1], encoding="utf-8"))["corpus"]
mds = [m for m in glob.glob(os.path.join(sys.argv[2], "tests/corpus/*.md"))
       if os.path.basename(m) != "README.md"]
assert len(mds) >= 32, f"only {len(mds)} corpus articles"
assert res["articles"] == len(mds), (res["articles"], len(mds))
for t in ("person", "organization", "place", "overall"):
    s = res["scores"][t]
    assert 0 <= s["precision"] <= 1 and 0 <= s["recall"] <= 1, (t, s)
assert not any(a["error"] for a in res["per_article"]), "nutgraf failed on an article"
for v in ("exact", "hierarchical"):
    s = res["topic_scores"][v]
    assert 0 <= s["precision"] <= 1 and 0 <= s["recall"] <= 1, (v, s)
assert 0 < res["topics_per_article"] <= 6, res["topics_per_article"]
PY

# Every expect file parses, with 1-3 known qcodes and some entities; the
# parser rejects what it does not understand; names normalize as documented.
python3 - "$ROOT" "$TMP" <<'PY' || fail "expect files"
import glob, os, sys
root, tmp = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(root, "tools"))
import eval as ev
codes = ev.load_qcodes()
bad = 0
for md in sorted(glob.glob(os.path.join(root, "tests/corpus/*.md"))):
    if md.endswith("README.md"):
        continue
    name = os.path.basename(md)
    try:
        exp = ev.parse_expect(md[:-3] + ".expect.yaml")
    except (OSError, ev.ExpectError) as e:
        print(f"FAIL: {name}: {e}"); bad += 1; continue
    if not 1 <= len(exp["topics"]) <= 3:
        print(f"FAIL: {name}: {len(exp['topics'])} topics"); bad += 1
    for q in exp["topics"]:
        if q not in codes:
            print(f"FAIL: {name}: unknown qcode {q}"); bad += 1
    if not any(exp["entities"].values()):
        print(f"FAIL: {name}: no entities"); bad += 1
for i, text in enumerate(("entities:\n  people: [A]\ntopics: [medtop:01000000]\n",
                          "entities:\n  person: A, B\ntopics: [medtop:01000000]\n",
                          "entities:\n  person: [A]\n")):
    p = os.path.join(tmp, f"bad{i}.expect.yaml")
    with open(p, "w", encoding="utf-8") as f:
        f.write(text)
    try:
        ev.parse_expect(p)
        print(f"FAIL: accepted a malformed file: {text!r}"); bad += 1
    except ev.ExpectError:
        pass
# Topic counts: exact qcodes, and hierarchical (ancestor or descendant counts).
# crime (20000082) > robbery and theft (20000104); politics (11000000) is unrelated.
par = {}
ev.load_qcodes(par)
ex, hi = ev.topic_counts(["medtop:20000082", "medtop:11000000"],
                         ["medtop:20000104", "medtop:20000043"], par)
if ex != (0, 2, 2) or hi != (1, 1, 1):
    print(f"FAIL: topic_counts gave {ex} {hi}"); bad += 1
ex, hi = ev.topic_counts(["medtop:20000104", "medtop:20000082"], ["medtop:20000104"], par)
if ex != (1, 1, 0) or hi != (2, 0, 0):
    print(f"FAIL: topic_counts gave {ex} {hi}"); bad += 1
if not (ev.norm("The U.S.") == ev.norm("us") and ev.norm("Fei-Fei Li") == ev.norm("fei fei li")):
    print("FAIL: norm() does not ignore 'the', periods and hyphens"); bad += 1
sys.exit(1 if bad else 0)
PY
finish
