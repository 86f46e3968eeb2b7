#!/bin/sh
# Machine-readable outputs against their contracts:
#  - every `nutgraf tag --format json` line of the sample site validates
#    against docs/schema/nutgraf-tags.schema.json (draft 2020-12), and so
#    does every built article's `nutgraf` front matter key ($defs/frontMatter);
#  - records that break the contract are refused (the schema is not vacuous);
#  - `nutgraf tag --format jsonld` is schema.org NewsArticle JSON-LD whose
#    about/mentions hold exactly the tagged entities and topics.
# Needs python3-jsonschema (tools/deps.sh check installs it).
. "$(dirname "$0")/lib.sh"

py=""
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import jsonschema, yaml' 2>/dev/null; then
    py=$p
    break
  fi
done
[ -n "$py" ] || { echo "FAIL: no python3 with jsonschema and yaml (apt-get install python3-jsonschema python3-yaml)"; exit 1; }

cp -R "$ROOT/sample-site" "$TMP/site"
rm -rf "$TMP/site/public-content"
"$NUTGRAF" build --quiet "$TMP/site" || fail "nutgraf build failed"
(cd "$TMP/site/content" && "$NUTGRAF" tag --format json -- */*.md) >"$TMP/tags.jsonl" ||
  fail "nutgraf tag --format json failed"
(cd "$TMP/site/content" && "$NUTGRAF" tag --format jsonld -- */*.md) >"$TMP/tags.jsonld" ||
  fail "nutgraf tag --format jsonld failed"

"$py" - "$ROOT/docs/schema/nutgraf-tags.schema.json" "$TMP/tags.jsonl" "$TMP/tags.jsonld" \
  "$TMP/site/public-content" <<'PY' || fail "schema checks"
import copy, glob, json, os, re, sys
import jsonschema, yaml

schema_path, tags_path, ld_path, out = sys.argv[1:5]
schema = json.load(open(schema_path, encoding="utf-8"))
V = jsonschema.Draft202012Validator
V.check_schema(schema)
whole = V(schema)
fm_schema = dict(schema)
fm_schema["$ref"] = "#/$defs/frontMatter"
for k in ("type", "required", "additionalProperties", "properties"):
    fm_schema.pop(k, None)
front = V(fm_schema)
bad = 0

def report(what, errors):
    global bad
    for e in errors:
        bad += 1
        print(f"BAD {what}: {'/'.join(map(str, e.absolute_path))}: {e.message}")

records = [json.loads(l) for l in open(tags_path, encoding="utf-8")]
if len(records) != 28:
    print(f"BAD expected 28 tag records, got {len(records)}"); bad += 1
for r in records:
    report(r.get("path"), whole.iter_errors(r))
    src = open(os.path.join(out, "..", "content", r["path"]), "rb").read()
    for e in r["entities"]:
        for m in e["mentions"]:
            if src[m["start"]:m["end"]].decode() != m["text"]:
                print(f"BAD {r['path']}: mention {m} is not the file's bytes"); bad += 1
print(f"{len(records)} tag records checked")

# The schema refuses what breaks the contract.
sample = next(r for r in records if r["entities"] and r["topics"])
broken = []
x = copy.deepcopy(sample); del x["entities"][0]["type"]; broken.append(("no type", x))
x = copy.deepcopy(sample); x["entities"][0]["salience"] = 1.5; broken.append(("salience > 1", x))
x = copy.deepcopy(sample); x["topics"][0]["score"] = "high"; broken.append(("string score", x))
x = copy.deepcopy(sample); x["extra"] = 1; broken.append(("unknown key", x))
for what, x in broken:
    if whole.is_valid(x):
        print(f"BAD the schema accepts a record with {what}"); bad += 1

built = sorted(glob.glob(os.path.join(out, "*", "*.md")))
with_related = 0
for f in built:
    text = open(f, encoding="utf-8").read()
    fm = yaml.safe_load(text.split("\n---", 1)[0][4:])
    rec = fm.get("nutgraf")
    if rec is None:
        print(f"BAD {f}: no nutgraf key"); bad += 1
        continue
    # YAML reads unquoted dates as dates; hosts see them as strings.
    for l in rec.get("related", []):
        if "date" in l:
            l["date"] = str(l["date"])
    with_related += bool(rec.get("related"))
    report(os.path.relpath(f, out), front.iter_errors(rec))
if len(built) != 28 or with_related == 0:
    print(f"BAD {len(built)} built articles, {with_related} with related links"); bad += 1
print(f"{len(built)} front matter records checked")

# JSON-LD: one NewsArticle per article, same entities and topics as the tags.
types = {"person": "Person", "organization": "Organization", "place": "Place"}
lds = [json.loads(l) for l in open(ld_path, encoding="utf-8")]
for r, ld in zip(records, lds):
    where = r["path"]
    if ld.get("@context") != "https://schema.org" or ld.get("@type") != "NewsArticle":
        print(f"BAD {where}: not a schema.org NewsArticle"); bad += 1
    if ld.get("headline") != r["title"]:
        print(f"BAD {where}: headline {ld.get('headline')!r}"); bad += 1
    things = [t for t in ld["about"] + ld["mentions"] if t["@type"] != "DefinedTerm"]
    got = sorted((t["@type"], t["name"]) for t in things)
    want = sorted((types.get(e["type"], "Thing"), e["name"]) for e in r["entities"])
    if got != want:
        print(f"BAD {where}: JSON-LD entities {got} != tags {want}"); bad += 1
    for e in r["entities"]:
        lst = "about" if e["salience"] >= 0.5 else "mentions"
        if not any(t.get("name") == e["name"] for t in ld[lst]):
            print(f"BAD {where}: {e['name']} ({e['salience']}) not in {lst}"); bad += 1
    terms = [t for t in ld["about"] if t["@type"] == "DefinedTerm"]
    if [t["name"] for t in terms] != [p["label"] for p in r["topics"]]:
        print(f"BAD {where}: DefinedTerms {terms} != topics {r['topics']}"); bad += 1
    for t, p in zip(terms, r["topics"]):
        m = re.fullmatch(r"medtop:(\d{8})", p["id"])
        if m and t.get("@id") != "http://cv.iptc.org/newscodes/mediatopic/" + m.group(1):
            print(f"BAD {where}: {t} has no IPTC URI for {p['id']}"); bad += 1
if len(lds) != len(records):
    print(f"BAD {len(lds)} JSON-LD lines for {len(records)} articles"); bad += 1
print(f"{len(lds)} JSON-LD documents checked")
sys.exit(1 if bad else 0)
PY
finish
